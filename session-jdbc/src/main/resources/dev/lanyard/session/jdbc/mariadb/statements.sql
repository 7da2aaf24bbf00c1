-- Lanyard session store: every statement the store runs on MariaDB (10.11+), by name. The same
-- statements as postgresql/statements.sql where the SQL allows; where MariaDB lacks something
-- (UPDATE ... RETURNING, DELETE ... USING a SKIP LOCKED subquery, an upsert whose affected-row count
-- tells an insert from a kept row) the store runs two statements in one transaction, named here.
-- The patch of a delta is a JSON merge patch (RFC 7396): a name with a string puts that base64 value,
-- a name with null removes the attribute; JSON_MERGE_PATCH applies it in SQL.

-- name: load
-- handle, now, now
SELECT s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes
FROM ${session} s
WHERE s.handle = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)

-- name: loadForUpdate
-- handle, now, now
SELECT s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes
FROM ${session} s
WHERE s.handle = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)
FOR UPDATE

-- name: sessionsOf
-- userId, now, now
SELECT s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes
FROM ${session} s
WHERE s.user_id = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)

-- name: deleteExpired
-- handle, now
-- Before insert: a row under the handle that expired but was not swept yet gives way.
DELETE FROM ${session} WHERE handle = ? AND expires_at <= ?

-- name: insert
-- handle, userId, version, userVersion, createdAt, lastAccessedAt, idleTimeout, absoluteExpiry,
-- authenticatedAt, lastNode, userAgent, addressPrefix, expiresAt, attributeBytes, attributes (JSON),
-- userId, userVersion, now, handle, now
-- A live row under the handle fails with a duplicate key, which the store reports as "taken".
INSERT INTO ${session} (handle, user_id, version, user_version, created_at, last_accessed_at, idle_timeout,
                        absolute_expiry, authenticated_at, last_node, user_agent, address_prefix, expires_at,
                        attribute_bytes, attributes)
SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM DUAL
WHERE NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = ? AND u.version > ? AND u.expires_at > ?)
  AND NOT EXISTS (SELECT 1 FROM ${admission} a WHERE a.handle = ? AND a.evicted AND a.expires_at > ?)

-- name: update
-- touched, putBytes, patch, lastAccessedAt, idleTimeout, lastNode, expiresAt, handle, now, now,
-- touched, putBytes, payloadLimit
-- One statement; the row lock queues concurrent deltas and each merges into the row as the previous
-- one left it. "touched" lists the names the delta puts or removes with their lengths, so the new
-- attribute_bytes is the old one minus what those names held plus what the puts bring (putBytes).
-- MariaDB applies SET left to right: attribute_bytes is computed first, from the attributes as they
-- were.
UPDATE ${session} s SET
  s.attribute_bytes = s.attribute_bytes - (SELECT COALESCE(SUM(t.l + LENGTH(FROM_BASE64(JSON_UNQUOTE(JSON_EXTRACT(s.attributes, CONCAT('$.', JSON_QUOTE(t.n))))))), 0)
       FROM JSON_TABLE(?, '$[*]' COLUMNS (n VARCHAR(1024) PATH '$.n', l BIGINT PATH '$.l')) t
       WHERE JSON_EXTRACT(s.attributes, CONCAT('$.', JSON_QUOTE(t.n))) IS NOT NULL) + ?,
  s.attributes = JSON_MERGE_PATCH(s.attributes, ?),
  s.last_accessed_at = GREATEST(s.last_accessed_at, ?),
  s.idle_timeout = COALESCE(?, s.idle_timeout),
  s.last_node = COALESCE(?, s.last_node),
  s.expires_at = ?
WHERE s.handle = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)
  AND s.attribute_bytes - (SELECT COALESCE(SUM(t.l + LENGTH(FROM_BASE64(JSON_UNQUOTE(JSON_EXTRACT(s.attributes, CONCAT('$.', JSON_QUOTE(t.n))))))), 0)
       FROM JSON_TABLE(?, '$[*]' COLUMNS (n VARCHAR(1024) PATH '$.n', l BIGINT PATH '$.l')) t
       WHERE JSON_EXTRACT(s.attributes, CONCAT('$.', JSON_QUOTE(t.n))) IS NOT NULL) + ? <= ?

-- name: updatedSize
-- handle
-- In the delta's transaction, after update changed the row (MariaDB has no UPDATE ... RETURNING).
SELECT attribute_bytes FROM ${session} WHERE handle = ?

-- name: updateRefused
-- touched, putBytes, handle, now, now
SELECT s.attribute_bytes - (SELECT COALESCE(SUM(t.l + LENGTH(FROM_BASE64(JSON_UNQUOTE(JSON_EXTRACT(s.attributes, CONCAT('$.', JSON_QUOTE(t.n))))))), 0)
       FROM JSON_TABLE(?, '$[*]' COLUMNS (n VARCHAR(1024) PATH '$.n', l BIGINT PATH '$.l')) t
       WHERE JSON_EXTRACT(s.attributes, CONCAT('$.', JSON_QUOTE(t.n))) IS NOT NULL) + ?
FROM ${session} s
WHERE s.handle = ? AND s.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version AND u.expires_at > ?)

-- name: delete
-- handle, now
DELETE FROM ${session} WHERE handle = ? AND expires_at > ?

-- name: deleteForRotation
-- handle
DELETE FROM ${session} WHERE handle = ?

-- name: ensureUser
-- userId, keepUntil
-- Step one of locking a user, committed on its own before the transaction goes on: the row exists.
-- (InnoDB deadlocks racing INSERT ... ON DUPLICATE KEY UPDATE statements that lock a new key inside
-- longer transactions; with the row created first, lockers only queue on its X lock.)
INSERT INTO ${user} (user_id, version, expires_at) VALUES (?, 0, ?) ON DUPLICATE KEY UPDATE user_id = user_id

-- name: lockUser
-- userId
-- Step two: lock the user's row until the transaction ends.
SELECT version, expires_at FROM ${user} WHERE user_id = ? FOR UPDATE

-- name: keepUser
-- version, keepUntil, userId
-- Step three: reset a version that outlived its keeping time, and keep the row at least until keepUntil.
UPDATE ${user} SET version = ?, expires_at = GREATEST(expires_at, ?) WHERE user_id = ?

-- name: bumpUser
-- keepUntil, userId
UPDATE ${user} SET version = version + 1, expires_at = GREATEST(expires_at, ?) WHERE user_id = ?

-- name: userVersion
-- userId, now
SELECT version FROM ${user} WHERE user_id = ? AND expires_at > ?

-- name: userSessionsForRevocation
-- userVersion, now, userId
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
INSERT INTO ${admission} (handle, user_id, admitted_at, evicted, expires_at) VALUES (?, ?, ?, FALSE, ?)
ON DUPLICATE KEY UPDATE handle = handle

-- name: dropAdmission
-- handle
DELETE FROM ${admission} WHERE handle = ? AND NOT evicted

-- name: valueGet
-- key, now
SELECT value_bytes FROM ${value} WHERE value_key = ? AND expires_at > ?

-- name: valueDeleteExpired
-- key, now
DELETE FROM ${value} WHERE value_key = ? AND expires_at <= ?

-- name: valuePut
-- key, bytes, expiresAt
-- A live value under the key fails with a duplicate key: "held".
INSERT INTO ${value} (value_key, value_bytes, expires_at) VALUES (?, ?, ?)

-- name: valueCompareAndSet
-- replacement, expiresAt, key, expected, now
UPDATE ${value} SET value_bytes = ?, expires_at = ? WHERE value_key = ? AND value_bytes = ? AND expires_at > ?

-- name: valueRemove
-- key, now
DELETE FROM ${value} WHERE value_key = ? AND expires_at > ?

-- name: sweepSessionsSelect
-- now, batchSize
-- One batch of the sweep, step one: the oldest expired rows no other transaction holds.
SELECT s.handle, s.user_id, s.version, s.user_version, s.created_at, s.last_accessed_at, s.idle_timeout,
       s.absolute_expiry, s.authenticated_at, s.last_node, s.user_agent, s.address_prefix, s.attributes,
       EXISTS (SELECT 1 FROM ${user} u WHERE u.user_id = s.user_id AND u.version > s.user_version)
FROM ${session} s WHERE s.expires_at <= ? ORDER BY s.expires_at LIMIT ? FOR UPDATE SKIP LOCKED

-- name: sweepSessionsDelete
-- key, now
DELETE FROM ${session} WHERE handle = ? AND expires_at <= ?

-- name: sweepUsersSelect
-- now, batchSize
-- One batch of the sweep, step one: the oldest expired rows no other transaction holds.
SELECT user_id FROM ${user} WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED

-- name: sweepUsersDelete
-- key, now
DELETE FROM ${user} WHERE user_id = ? AND expires_at <= ?

-- name: sweepAdmissionsSelect
-- now, batchSize
-- One batch of the sweep, step one: the oldest expired rows no other transaction holds.
SELECT handle FROM ${admission} WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED

-- name: sweepAdmissionsDelete
-- key, now
DELETE FROM ${admission} WHERE handle = ? AND expires_at <= ?

-- name: sweepValuesSelect
-- now, batchSize
-- One batch of the sweep, step one: the oldest expired rows no other transaction holds.
SELECT value_key FROM ${value} WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED

-- name: sweepValuesDelete
-- key, now
DELETE FROM ${value} WHERE value_key = ? AND expires_at <= ?
