-- As update.lua, and returns the session as it is after the update, for the near cache's copy:
-- {0, 0} not found (or timed out), {2, size} too large, {1, size} applied but revoked through its
-- user's version (nothing to keep), {1, size, field, value, ...} applied, with every field.
-- KEYS: session marker
-- ARGV: prefix lastAccess idleTimeout node ttl payloadLimit removalCount putCount grace writesMarkers ...changes
-- changes: (field, name length) per removal, then (field, name length, value) per put
-- SINGLE-SERVER: reads the version key of the session's user (see read-session.lua)
local A = 1
-- INCLUDE: apply-delta.lua
-- INCLUDE: read-session.lua
if revoked() then return {1, size} end
table.insert(h, 1, size)
table.insert(h, 1, 1)
return h
