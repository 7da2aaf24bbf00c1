-- Records a written session in its user's index: removes the old handle and sets the new one's
-- score to 0. Returns 0 done, 1 the new handle was evicted or revoked meanwhile (or its stamp is
-- older than the user's version), 2 the old handle was revoked meanwhile (nothing added).
-- KEYS: index version
-- ARGV: handle oldHandle indexTtl stamp
local handle = ARGV[1]
local oldHandle = ARGV[2]
local ttl = tonumber(ARGV[3])
local stamp = tonumber(ARGV[4])
local idx = KEYS[1]
local v = tonumber(redis.call('GET', KEYS[2]) or '0')
if v > stamp then
  local s = redis.call('ZSCORE', idx, handle)
  if s and tonumber(s) >= 0 then redis.call('ZREM', idx, handle) end
  return 1
end
if oldHandle ~= '' then
  local o = redis.call('ZSCORE', idx, oldHandle)
  if o and tonumber(o) < 0 then
    local s = redis.call('ZSCORE', idx, handle)
    if s and tonumber(s) >= 0 then redis.call('ZREM', idx, handle) end
    return 2
  end
  redis.call('ZREM', idx, oldHandle)
end
local s = redis.call('ZSCORE', idx, handle)
if s and tonumber(s) < 0 then return 1 end
redis.call('ZADD', idx, 0, handle)
if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
if v > 0 and redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], 2 * ttl) end
return 0
