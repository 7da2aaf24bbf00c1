-- Takes a session for rotation. Returns {} when absent (or timed out), else {taken, field, value,
-- ...}: taken is 1 when the session was deleted, 0 when it was left in place because it has a
-- user and onlyIfAnonymous is '1'.
-- KEYS: session marker
-- ARGV: onlyIfAnonymous
local onlyIfAnonymous = ARGV[1] == '1'
if redis.call('HEXISTS', KEYS[1], F.MARKED) == 1 and redis.call('EXISTS', KEYS[2]) == 0 then return {} end
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {} end
if onlyIfAnonymous and redis.call('HEXISTS', KEYS[1], F.USER) == 1 then
  table.insert(h, 1, 0)
  return h
end
redis.call('DEL', KEYS[1], KEYS[2])
table.insert(h, 1, 1)
return h
