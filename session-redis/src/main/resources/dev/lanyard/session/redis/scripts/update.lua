-- Applies a delta to an existing session (see apply-delta.lua). Returns {0, 0} not found (or
-- timed out), {1, size} applied, {2, size} too large.
-- KEYS: session marker
-- ARGV: lastAccess idleTimeout node ttl payloadLimit removalCount putCount grace writesMarkers ...changes
-- changes: (field, name length) per removal, then (field, name length, value) per put
local A = 0
-- INCLUDE: apply-delta.lua
return {1, size}
