-- Takes the sender lease if free; otherwise leaves a knock for its holder (updates may wait behind it in the journal).
-- KEYS[1] the lease key, KEYS[2] its knock; ARGV[1] our token; ARGV[2] the term in milliseconds.
-- Returns 1 when taken, 0 when another worker holds it (and was knocked).
if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return 1
end
redis.call('set', KEYS[2], '1', 'PX', ARGV[2])
return 0
