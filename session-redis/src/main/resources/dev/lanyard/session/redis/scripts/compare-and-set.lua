-- Replaces a value only if it is the expected one. Returns 1 when replaced.
-- KEYS: value
-- ARGV: expected replacement ttl
local expected = ARGV[1]
local replacement = ARGV[2]
local ttl = ARGV[3]
local v = redis.call('GET', KEYS[1])
if v and v == expected then
  redis.call('SET', KEYS[1], replacement, 'PX', ttl)
  return 1
end
return 0
