-- Fragment included by update.lua and update-load.lua: applies a delta to the session KEYS[1]
-- (marker KEYS[2]): removals, then puts, the later last access, idle timeout and node, one more
-- update in the write counter, and the TTL; nothing is written when the attributes would exceed
-- the payload limit. A session with a marker keeps it (renewed to the new TTL) whatever the
-- caller; one without gets one when the caller writes markers. Returns {0, 0} not found (or timed
-- out) and {2, size} too large from the including script; falls through with the new size in size
-- once applied. The including script sets A, the ARGV index just before lastAccess.
-- ARGV (from A + 1): lastAccess idleTimeout node ttl payloadLimit removalCount putCount grace
-- writesMarkers ...changes
-- changes: (field, name length) per removal, then (field, name length, value) per put
local lastAccess = ARGV[A + 1]
local idleTimeout = ARGV[A + 2]
local node = ARGV[A + 3]
local ttl = ARGV[A + 4]
local payloadLimit = tonumber(ARGV[A + 5])
local nrem = tonumber(ARGV[A + 6])
local nput = tonumber(ARGV[A + 7])
local grace = tonumber(ARGV[A + 8])
local writesMarkers = ARGV[A + 9] == '1'
local k = KEYS[1]
local marked = redis.call('HEXISTS', k, F.MARKED) == 1
if marked and redis.call('EXISTS', KEYS[2]) == 0 then return {0, 0} end
local meta = redis.call('HMGET', k, F.SIZE, F.LAST_ACCESS, F.WRITES)
if not meta[1] and not meta[2] and redis.call('EXISTS', k) == 0 then return {0, 0} end
local size = tonumber(meta[1])
local last = tonumber(meta[2])
if size == nil or last == nil then return redis.error_reply('LANYARD_UNREADABLE session metadata') end
local i = A + 10
local removed = {}
local dels = {}
for r = 1, nrem do
  local f = ARGV[i]
  local len = tonumber(ARGV[i + 1])
  i = i + 2
  if redis.call('HEXISTS', k, f) == 1 then
    size = size - len - redis.call('HSTRLEN', k, f)
    removed[f] = true
    table.insert(dels, f)
  end
end
local sets = {}
for p = 1, nput do
  local f = ARGV[i]
  local len = tonumber(ARGV[i + 1])
  local v = ARGV[i + 2]
  i = i + 3
  if not removed[f] and redis.call('HEXISTS', k, f) == 1 then
    size = size - len - redis.call('HSTRLEN', k, f)
  end
  size = size + len + #v
  table.insert(sets, f)
  table.insert(sets, v)
end
if size > payloadLimit then return {2, size} end
if #dels > 0 then redis.call('HDEL', k, unpack(dels)) end
if tonumber(lastAccess) > last then
  table.insert(sets, F.LAST_ACCESS)
  table.insert(sets, lastAccess)
end
if idleTimeout ~= '' then
  table.insert(sets, F.IDLE_TIMEOUT)
  table.insert(sets, idleTimeout)
end
if node ~= '' then
  table.insert(sets, F.NODE)
  table.insert(sets, node)
end
table.insert(sets, F.SIZE)
table.insert(sets, tostring(size))
table.insert(sets, F.WRITES)
table.insert(sets, string.format('%d', (tonumber(meta[3]) or 0) + 1))
local mark = marked or writesMarkers
if mark and not marked then
  table.insert(sets, F.MARKED)
  table.insert(sets, '1')
end
local j = 1
while j <= #sets do
  local e = math.min(j + 199, #sets)
  redis.call('HSET', k, unpack(sets, j, e))
  j = e + 1
end
if mark then
  redis.call('SET', KEYS[2], '', 'PX', ttl)
  redis.call('PEXPIRE', k, tonumber(ttl) + grace)
else
  redis.call('PEXPIRE', k, ttl)
end
