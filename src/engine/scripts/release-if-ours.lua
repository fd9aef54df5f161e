-- Deletes the sender lease only if it is still ours: one that expired and was taken by another worker stays theirs.
-- KEYS[1] the lease key; ARGV[1] our token. Returns 1 when released, 0 when it was not ours.
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
