-- Writes a new session if its key is free, with its TTL; with a grace above 0 also the timeout
-- marker (TTL ttl) and the marker field, and the hash lives grace longer. Returns 1 when written,
-- 0 when the key exists.
-- KEYS: session marker
-- ARGV: ttl grace ...fields
local ttl = ARGV[1]
local grace = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = #ARGV
local i = 3
while i <= n do
  local j = math.min(i + 199, n)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, j))
  i = j + 1
end
if grace > 0 then
  redis.call('HSET', KEYS[1], F.MARKED, '1')
  redis.call('SET', KEYS[2], '', 'PX', ttl)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ttl) + grace)
return 1
