-- Lets go of the sender lease if it is still ours and nobody knocked; a knock is taken instead, and the lease kept for
-- another term. One that expired and was taken by another worker stays theirs.
-- KEYS[1] the lease key, KEYS[2] its knock; ARGV[1] our token; ARGV[2] the term in milliseconds.
-- Returns 1 when released, 2 when knocked (still held), 0 when it was not ours.
if redis.call('get', KEYS[1]) ~= ARGV[1] then
  return 0
end
if redis.call('del', KEYS[2]) == 1 then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 2
end
redis.call('del', KEYS[1])
return 1
