-- Keeps the sender lease for another term only if it is still ours.
-- KEYS[1] the lease key; ARGV[1] our token; ARGV[2] the term in milliseconds. Returns 1 when extended, 0 otherwise.
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
