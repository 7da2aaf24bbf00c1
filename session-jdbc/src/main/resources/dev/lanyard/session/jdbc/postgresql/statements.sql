-- Lanyard session store: every statement the store runs on PostgreSQL, by name.
-- A block starts with "-- name: <name>"; its parameters are listed in order under it. Times are
-- epoch milliseconds from the store's clock ("now"), so expiry is decided by the same clock that
-- wrote it. A session is live when its expires_at is after now and its user's version (if any) is
-- not newer than the version stamped on it: every statement that reads a session says both, so a
-- row the sweep has not reached yet never resolves.

-- name: load
-- handle, now, now
SELECT s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes::text
FROM ${session} s
WHERE s.handle = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)

-- name: loadForUpdate
-- handle, now, now
SELECT s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes::text
FROM ${session} s
WHERE s.handle = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)
FOR UPDATE OF s

-- name: sessionsOf
-- userId, now, now
SELECT s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes::text
FROM ${session} s
WHERE s.user_id = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)

-- name: insert
-- handle, userId, version, userVersion, createdAt, lastAccessedAt, idleTimeout, absoluteExpiry,
-- authenticatedAt, lastNode, userAgent, addressPrefix, expiresAt, attributeBytes, attributes (JSON),
-- userId, userVersion, now, handle, now, now
-- Writes a new session unless its stamp is older than its user's version or its handle was evicted
-- before it was written. A row under the same handle that has expired but not been swept is replaced;
-- a live one is kept (0 rows).
INSERT INTO ${session} AS s (handle, user_id, version, user_version, created_at, last_accessed_at, idle_timeout,
                             absolute_expiry, authenticated_at, last_node, user_agent, address_prefix, expires_at,
                             attribute_bytes, attributes)
SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS JSONB)
WHERE NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = ? AND u.version > ? AND u.expires_at > ?)
  AND NOT EXISTS (SELECT 1 FROM ${admission} a WHERE a.handle = ? AND a.evicted AND a.expires_at > ?)
ON CONFLICT (handle) DO UPDATE SET
  user_id = EXCLUDED.user_id, version = EXCLUDED.version, user_version = EXCLUDED.user_version,
  created_at = EXCLUDED.created_at, last_accessed_at = EXCLUDED.last_accessed_at,
  idle_timeout = EXCLUDED.idle_timeout, absolute_expiry = EXCLUDED.absolute_expiry,
  authenticated_at = EXCLUDED.authenticated_at, last_node = EXCLUDED.last_node, user_agent = EXCLUDED.user_agent,
  address_prefix = EXCLUDED.address_prefix, expires_at = EXCLUDED.expires_at,
  attribute_bytes = EXCLUDED.attribute_bytes, attributes = EXCLUDED.attributes
WHERE s.expires_at <= ?

-- name: update
-- putBytes, held, removals, puts, lastAccessedAt, idleTimeout, lastNode, expiresAt, handle, lockTimeout, now,
-- now, putBytes, held, payloadLimit
-- The delta as one statement in auto-commit: one round trip. removals is a TEXT[] of the names the
-- delta removes, puts a JSON object of the base64 values it puts (a put wins over a removal of the
-- same name). ${held} is what the names the delta touches (puts or removes) hold now, as
-- attribute_bytes counts them: heldByName once per name, joined by " + " ("0" for none; its
-- parameters are each name and its length), or heldByList for deltas of more names. So the new
-- attribute_bytes is the old one minus what those names held plus what the puts bring (putBytes),
-- checked against the payload limit in the same statement. The row lock makes concurrent deltas
-- queue on this one row; each applies to the row as the previous one left it (PostgreSQL re-reads
-- the updated row before applying SET and WHERE), so deltas to different attributes never lose each
-- other. The statement bounds its own wait for that lock: set_config sets lock_timeout (milliseconds)
-- for its own transaction, which in auto-commit is this statement, before the row is locked (WHERE
-- is evaluated on the row before it is locked), so the server cancels a wait on a lock held too
-- long, as a query timeout would, without the driver's timer. Returns the attribute bytes after it.
UPDATE ${session} s SET
  attribute_bytes = s.attribute_bytes + ? - (${held}),
  attributes = (s.attributes - CAST(? AS TEXT[])) || CAST(? AS JSONB),
  last_accessed_at = GREATEST(s.last_accessed_at, ?),
  idle_timeout = COALESCE(CAST(? AS BIGINT), s.idle_timeout),
  last_node = COALESCE(CAST(? AS VARCHAR), s.last_node),
  expires_at = ?
WHERE s.handle = ? AND set_config('lock_timeout', ?, TRUE) IS NOT NULL AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)
  AND s.attribute_bytes + ? - (${held}) <= ?
RETURNING s.attribute_bytes

-- name: heldByName
-- name, length
-- ${held} of update, per touched name: its length and its decoded value if the session has it, else 0.
-- Plain expressions, no subquery: that halves what the statement costs beyond a bare UPDATE.
COALESCE(OCTET_LENGTH(DECODE(s.attributes ->> CAST(? AS TEXT), 'base64')) + ?, 0)

-- name: heldByList
-- touched
-- ${held} of update for a delta of more names than update spells out: touched is
-- [{"n":name,"l":length}, ...].
SELECT COALESCE(SUM(t.l + OCTET_LENGTH(DECODE(s.attributes ->> t.n, 'base64'))), 0)
FROM jsonb_to_recordset(CAST(? AS JSONB)) AS t(n TEXT, l BIGINT) WHERE s.attributes ->> t.n IS NOT NULL

-- name: updateRefused
-- touched, putBytes, handle, now, now
-- Only when update changed nothing: the attribute bytes the delta would have reached, if the session is live.
SELECT s.attribute_bytes - (SELECT COALESCE(SUM(t.l + OCTET_LENGTH(DECODE(s.attributes ->> t.n, 'base64'))), 0)
       FROM jsonb_to_recordset(CAST(? AS JSONB)) AS t(n TEXT, l BIGINT) WHERE s.attributes ->> t.n IS NOT NULL) + ?
FROM ${session} s
WHERE s.handle = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)

-- name: delete
-- handle, now
DELETE FROM ${session} WHERE handle = ? AND expires_at > ?

-- name: deleteForRotation
-- handle
DELETE FROM ${session} WHERE handle = ?

-- name: lockUser
-- userId, keepUntil, now
-- Creates or locks the user's row until the transaction ends, keeps it at least until keepUntil, and
-- returns the user's version (0 once a version has outlived its keeping time).
INSERT INTO ${user} AS u (user_id, version, expires_at) VALUES (?, 0, ?)
ON CONFLICT (user_id) DO UPDATE SET
  version = CASE WHEN u.expires_at <= ? THEN 0 ELSE u.version END,
  expires_at = GREATEST(u.expires_at, EXCLUDED.expires_at)
RETURNING version

-- name: bumpUser
-- keepUntil, userId
UPDATE ${user} SET version = version + 1, expires_at = GREATEST(expires_at, ?) WHERE user_id = ?

-- name: userVersion
-- userId, now
SELECT version FROM ${user} WHERE user_id = ? AND expires_at > ?

-- name: userSessionsForRevocation
-- userVersion, now, userId
-- Under the user's lock: the user's sessions, and whether each is live.
SELECT handle, (user_version >= ? AND expires_at > ?) FROM ${session} WHERE user_id = ? FOR UPDATE

-- name: deleteUserSessions
-- userId
DELETE FROM ${session} WHERE user_id = ?

-- name: deleteUserAdmissions
-- userId
DELETE FROM ${admission} WHERE user_id = ?

-- name: deleteUserSessionsExcept
-- userId, keepHandle
DELETE FROM ${session} WHERE user_id = ? AND handle <> ?

-- name: deleteUserAdmissionsExcept
-- userId, keepHandle
DELETE FROM ${admission} WHERE user_id = ? AND handle <> ?

-- name: restampSession
-- userVersion, handle
-- Under the user's lock: the kept session carries the version that ended the others.
UPDATE ${session} SET user_version = ? WHERE handle = ?

-- name: admissionCandidates
-- userId, now, userVersion, userId, now
-- Under the user's lock: what counts against the user's limit: live sessions (1) and admitted handles
-- not written yet (0), with their last use.
SELECT handle, last_accessed_at, 1 FROM ${session} WHERE user_id = ? AND expires_at > ? AND user_version >= ?
UNION ALL
SELECT handle, admitted_at, 0 FROM ${admission} WHERE user_id = ? AND NOT evicted AND expires_at > ?

-- name: evictSession
-- handle
DELETE FROM ${session} WHERE handle = ?

-- name: evictAdmission
-- handle
UPDATE ${admission} SET evicted = TRUE WHERE handle = ?

-- name: admit
-- handle, userId, admittedAt, expiresAt
INSERT INTO ${admission} AS a (handle, user_id, admitted_at, evicted, expires_at) VALUES (?, ?, ?, FALSE, ?)
ON CONFLICT (handle) DO NOTHING

-- name: dropAdmission
-- handle
DELETE FROM ${admission} WHERE handle = ? AND NOT evicted

-- name: valueGet
-- key, now
SELECT value_bytes FROM ${value} WHERE value_key = ? AND expires_at > ?

-- name: valuePut
-- key, bytes, expiresAt, now
INSERT INTO ${value} AS v (value_key, value_bytes, expires_at) VALUES (?, ?, ?)
ON CONFLICT (value_key) DO UPDATE SET value_bytes = EXCLUDED.value_bytes, expires_at = EXCLUDED.expires_at
WHERE v.expires_at <= ?

-- name: valueCompareAndSet
-- replacement, expiresAt, key, expected, now
UPDATE ${value} SET value_bytes = ?, expires_at = ? WHERE value_key = ? AND value_bytes = ? AND expires_at > ?

-- name: valueRemove
-- key, now
DELETE FROM ${value} WHERE value_key = ? AND expires_at > ?

-- name: sweepSessions
-- now, batchSize
-- One batch of the sweep: the oldest expired rows that no other transaction holds (SKIP LOCKED), so
-- nodes sweeping at once split the work instead of queueing, and no request waits on the sweep.
-- Returns the deleted sessions, and whether each was ended by its user's version rather than by time,
-- so that the node that deleted a session, and only that node, reports its timeout.
DELETE FROM ${session} s WHERE s.handle IN (
  SELECT handle FROM ${session} WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)
RETURNING s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes::text,
       EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version)

-- name: sweepUsers
-- now, batchSize
DELETE FROM ${user} WHERE user_id IN (
  SELECT user_id FROM ${user} WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)

-- name: sweepAdmissions
-- now, batchSize
DELETE FROM ${admission} WHERE handle IN (
  SELECT handle FROM ${admission} WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)

-- name: sweepValues
-- now, batchSize
DELETE FROM ${value} WHERE value_key IN (
  SELECT value_key FROM ${value} WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)
