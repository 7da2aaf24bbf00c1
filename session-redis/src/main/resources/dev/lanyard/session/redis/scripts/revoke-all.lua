-- Advances the user's version (kept as long as the index would have lived, and at least the
-- session lifetime), marks every handle revoked, shortens the index's life to the grace, and
-- returns every member (the caller deletes their sessions).
-- KEYS: index version
-- ARGV: now grace lifetime
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local lifetime = tonumber(ARGV[3])
local idx = KEYS[1]
local keep = math.max(redis.call('PTTL', idx), redis.call('PTTL', KEYS[2]), grace, lifetime)
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], keep)
local members = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
local out = {}
for j = 1, #members, 2 do
  if tonumber(members[j + 1]) >= 0 then redis.call('ZADD', idx, -now, members[j]) end
  table.insert(out, members[j])
end
if #out > 0 and redis.call('PTTL', idx) > grace then redis.call('PEXPIRE', idx, grace) end
return out
