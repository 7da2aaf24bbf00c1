-- Fragment included by load.lua and claim.lua: reads the session KEYS[1] into h, and its user u,
-- user-version stamp w and marker flag x from that reply. revoked() tells whether the user's
-- version has moved past the stamp: the one place that states when a user's session is revoked
-- through the version. It reads a key named from the session's user field, which no caller can
-- name in advance: only scripts marked SINGLE-SERVER include it.
local h = redis.call('HGETALL', KEYS[1])
local u
local w
local x
for i = 1, #h, 2 do
  local f = h[i]
  if f == F.USER then u = h[i + 1] elseif f == F.USER_VERSION then w = h[i + 1] elseif f == F.MARKED then x = true end
end
local function revoked()
  if not u then return false end
  local v = redis.call('GET', userVersionKey(ARGV[1], u))
  return v and tonumber(v) > tonumber(w or '0')
end
