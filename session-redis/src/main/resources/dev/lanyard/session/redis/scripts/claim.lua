-- After a timeout marker expired: takes the session (read and delete) and returns its fields, or
-- {} when the marker is back, the session is gone, or it was revoked through its user's version
-- (then it is deleted unreported). Exactly one caller gets a given session.
-- KEYS: session marker
-- ARGV: prefix
-- SINGLE-SERVER: reads the version key of the session's user (see read-session.lua)
if redis.call('EXISTS', KEYS[2]) == 1 then return {} end
-- INCLUDE: read-session.lua
if not x then return {} end
redis.call('DEL', KEYS[1])
if revoked() then return {} end
return h
