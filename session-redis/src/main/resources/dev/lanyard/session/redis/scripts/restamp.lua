-- Re-stamps a session with the user's new version if it belongs to the user and carries the old
-- one. Returns 1 when re-stamped.
-- KEYS: session
-- ARGV: user oldVersion newVersion
local user = ARGV[1]
local oldVersion = tonumber(ARGV[2])
local newVersion = ARGV[3]
if redis.call('HGET', KEYS[1], F.USER) == user
    and tonumber(redis.call('HGET', KEYS[1], F.USER_VERSION) or '0') == oldVersion then
  redis.call('HSET', KEYS[1], F.USER_VERSION, newVersion)
  return 1
end
return 0
