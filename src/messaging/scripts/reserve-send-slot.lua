-- One atomic step in Redis, shared by every worker sending for the account: refuse when today's count is at the
-- cap, refuse when the next free slot is further than the hold limit, otherwise take the slot and count it.
-- KEYS[1] next free slot (ms), KEYS[2] today's count; ARGV: now, gap, max hold, daily cap, count's time to live.
-- Answers {0, wait} to send after `wait` ms, {1, 0} at the daily cap, {2, wait} when the next slot is too far off.
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if count >= tonumber(ARGV[4]) then return {1, 0} end
local now = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if slot - now > tonumber(ARGV[3]) then return {2, slot - now} end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[2]), 'PX', slot - now + tonumber(ARGV[2]) + 1000)
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {0, slot - now}
