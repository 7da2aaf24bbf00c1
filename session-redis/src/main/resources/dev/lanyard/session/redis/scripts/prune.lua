-- Removes each listed member still at the score the caller saw. Returns how many were removed.
-- KEYS: index
-- ARGV: ...seen
-- seen: (member, score seen) pairs
local n = 0
for j = 1, #ARGV, 2 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[j])
  if s and tonumber(s) == tonumber(ARGV[j + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[j])
    n = n + 1
  end
end
return n
