-- Resolves a session. Returns its fields, or {} when it is absent, timed out (it has the marker
-- field and its marker is gone), or was bound to its user before the user's latest revocation
-- (its stamp is below the user's version).
-- KEYS: session marker
-- ARGV: prefix
-- SINGLE-SERVER: reads the version key of the session's user (see read-session.lua)
-- INCLUDE: read-session.lua
if x and redis.call('EXISTS', KEYS[2]) == 0 then return {} end
if revoked() then return {} end
return h
