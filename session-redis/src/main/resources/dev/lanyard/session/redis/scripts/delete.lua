-- Deletes a session and its marker. Returns {deleted count} or {deleted count, user}. A session
-- that timed out (marker gone) is left for claim.lua.
-- KEYS: session marker
-- ARGV:
if redis.call('HEXISTS', KEYS[1], F.MARKED) == 1 and redis.call('EXISTS', KEYS[2]) == 0 then return {0} end
local u = redis.call('HGET', KEYS[1], F.USER)
local n = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
if u then return {n, u} end
return {n}
