-- Before an authenticated session moves: fails (1) when the old handle was revoked, else reserves
-- the new handle (0).
-- KEYS: index
-- ARGV: oldHandle reserve now indexTtl
local oldHandle = ARGV[1]
local reserve = ARGV[2]
local now = ARGV[3]
local idx = KEYS[1]
if oldHandle ~= '' then
  local o = redis.call('ZSCORE', idx, oldHandle)
  if o and tonumber(o) < 0 then return 1 end
end
if reserve ~= '' then
  redis.call('ZADD', idx, 'NX', now, reserve)
  local ttl = tonumber(ARGV[4])
  if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
end
return 0
