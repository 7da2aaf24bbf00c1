-- As revoke-all.lua, except that the kept handle is neither marked nor returned, and (when the
-- kept session is passed, single server) the kept session, if it is this user's and was live
-- under the old version, is re-stamped with the new one; on Cluster restamp.lua follows. Returns
-- the old version, the new version, then the other members.
-- KEYS: index version kept?
-- ARGV: now grace lifetime keptHandle user
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local lifetime = tonumber(ARGV[3])
local keptHandle = ARGV[4]
local user = ARGV[5]
local idx = KEYS[1]
local keep = math.max(redis.call('PTTL', idx), redis.call('PTTL', KEYS[2]), grace, lifetime)
local old = tonumber(redis.call('GET', KEYS[2]) or '0')
local new = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], keep)
local members = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
local out = {tostring(old), tostring(new)}
for j = 1, #members, 2 do
  if members[j] ~= keptHandle then
    if tonumber(members[j + 1]) >= 0 then redis.call('ZADD', idx, -now, members[j]) end
    table.insert(out, members[j])
  end
end
if KEYS[3] and redis.call('HGET', KEYS[3], F.USER) == user
    and tonumber(redis.call('HGET', KEYS[3], F.USER_VERSION) or '0') == old then
  redis.call('HSET', KEYS[3], F.USER_VERSION, new)
end
return out
