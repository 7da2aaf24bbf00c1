-- Removes a handle from its old user's index unless marked; returns 1 when it was marked (revoked).
-- KEYS: index
-- ARGV: handle
local handle = ARGV[1]
local o = redis.call('ZSCORE', KEYS[1], handle)
if o and tonumber(o) < 0 then return 1 end
redis.call('ZREM', KEYS[1], handle)
return 0
