-- Lanyard session store: the PostgreSQL (15+) schema.
-- ${session}, ${user}, ${admission} and ${value} are the table names: the store's tablePrefix
-- (default lanyard_) followed by session, user, admission and value. Times are milliseconds since
-- the epoch (UTC); durations are milliseconds. Every row has an expires_at, which every query checks
-- and which the sweep uses to delete expired rows in batches.

-- One row per session. Attributes live in the row, as a JSONB object of name -> base64 bytes, so a
-- resolve is one primary-key read and a delta is one single-row UPDATE that merges in SQL.
-- attribute_bytes is the size the payload limits apply to (names plus decoded values), kept by each write.
CREATE TABLE IF NOT EXISTS ${session} (
  handle           VARCHAR(43)  NOT NULL PRIMARY KEY,
  user_id          VARCHAR(768),
  version          BIGINT       NOT NULL,
  user_version     BIGINT       NOT NULL,
  created_at       BIGINT       NOT NULL,
  last_accessed_at BIGINT       NOT NULL,
  idle_timeout     BIGINT       NOT NULL,
  absolute_expiry  BIGINT       NOT NULL,
  authenticated_at BIGINT,
  last_node        VARCHAR(255),
  user_agent       VARCHAR(255) NOT NULL,
  address_prefix   VARCHAR(64)  NOT NULL,
  expires_at       BIGINT       NOT NULL,
  attribute_bytes  BIGINT       NOT NULL,
  attributes       JSONB        NOT NULL
);
-- The user index is this index: a user's sessions are the rows with the user's ID.
CREATE INDEX IF NOT EXISTS ${session}_user ON ${session} (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${session}_expiry ON ${session} (expires_at);

-- One row per user that logged in or was revoked: the user's version (0 until the first revokeAll)
-- and the row every user-scoped decision (admission, login, revokeAll) locks.
CREATE TABLE IF NOT EXISTS ${user} (
  user_id          VARCHAR(768) NOT NULL PRIMARY KEY,
  version          BIGINT       NOT NULL,
  expires_at       BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS ${user}_expiry ON ${user} (expires_at);

-- Handles admitted under a user's session limit whose session is not written yet (a login in
-- flight), and handles evicted before they were written, which may never be written.
CREATE TABLE IF NOT EXISTS ${admission} (
  handle           VARCHAR(43)  NOT NULL PRIMARY KEY,
  user_id          VARCHAR(768) NOT NULL,
  admitted_at      BIGINT       NOT NULL,
  evicted          BOOLEAN      NOT NULL,
  expires_at       BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS ${admission}_user ON ${admission} (user_id);
CREATE INDEX IF NOT EXISTS ${admission}_expiry ON ${admission} (expires_at);

-- The AtomicValueStore: refresh-token families and the access-token deny-list.
CREATE TABLE IF NOT EXISTS ${value} (
  value_key        VARCHAR(255) NOT NULL PRIMARY KEY,
  value_bytes      BYTEA        NOT NULL,
  expires_at       BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS ${value}_expiry ON ${value} (expires_at);
