-- One atomic step in Redis, shared by every worker sending for the account: refuse when today's count is at the
-- cap or the chat's count at its share, refuse when the next free slot is further than the hold limit, otherwise
-- take the slot and count it for the account and the chat.
-- KEYS[1] next free slot (ms), KEYS[2] today's count, KEYS[3] the chat's count today;
-- ARGV: now, gap, max hold, daily cap, counts' time to live, the chat's share of the cap.
-- Answers {0, wait} to send after `wait` ms, {1, 0} at the daily cap, {2, wait} when the next slot is too far off,
-- {3, 0} when the chat has had its share today.
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if count >= tonumber(ARGV[4]) then return {1, 0} end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[6]) then return {3, 0} end
local now = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if slot - now > tonumber(ARGV[3]) then return {2, slot - now} end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[2]), 'PX', slot - now + tonumber(ARGV[2]) + 1000)
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return {0, slot - now}
