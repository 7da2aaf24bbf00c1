-- Decides a login against the user's limit, from the index as it is now: prunes dead entries,
-- refuses or marks least-recently-used victims, reserves the new handle. What the caller saw of a
-- member is used only while its score is still the one seen. Returns {admitted 0/1, sessions,
-- user version, victim...}.
-- KEYS: index version
-- ARGV: handle limit evict now grace indexTtl seenCount ...seen
-- seen: (member, score seen, session present 0/1, last use ms) per member the caller read
local handle = ARGV[1]
local limit = tonumber(ARGV[2])
local evict = ARGV[3] == '1'
local now = tonumber(ARGV[4])
local grace = tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
local n = tonumber(ARGV[7])
local idx = KEYS[1]
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
if version > 0 and redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], 2 * ttl) end
local snap = {}
for j = 0, n - 1 do
  local b = 8 + 4 * j
  snap[ARGV[b]] = {tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])}
end
local members = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
local live = {}
local present = false
for j = 1, #members, 2 do
  local m = members[j]
  local s = tonumber(members[j + 1])
  local info = snap[m]
  if info ~= nil and info[1] ~= s then info = nil end
  local gone = info ~= nil and info[2] == 0
  if s < 0 then
    if gone and now + s >= grace then redis.call('ZREM', idx, m) end
  elseif gone and (s == 0 or now - s >= grace) then
    redis.call('ZREM', idx, m)
  else
    if m == handle then present = true end
    local last = s
    if s == 0 then last = now end
    if info ~= nil and info[2] == 1 and info[3] ~= nil then last = info[3] end
    table.insert(live, {m, last})
  end
end
if present then
  if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
  return {1, #live, version}
end
local overflow = #live + 1 - limit
if overflow > 0 and not evict then return {0, #live, version} end
local result = {1, 0, version}
if overflow > 0 then
  table.sort(live, function(a, b)
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[1] < b[1]
  end)
  for j = 1, overflow do
    redis.call('ZADD', idx, -now, live[j][1])
    table.insert(result, live[j][1])
  end
else
  overflow = 0
end
redis.call('ZADD', idx, now, handle)
if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
result[2] = #live - overflow + 1
return result
