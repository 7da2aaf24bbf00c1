-- Lanyard session store, PostgreSQL (15+): migration 1, the session tables as Lanyard 0.1.0 creates them.
-- For Flyway (location classpath:dev/lanyard/session/jdbc/postgresql/migration) or Liquibase (a sqlFile
-- change set per file, in version order). The table names are the default prefix, lanyard_; a store
-- with another tablePrefix needs a copy with its names. Applying every V<n>__*.sql file of this folder
-- in version order gives exactly the schema that SchemaSetup.CREATE creates (MigrationsIT checks it);
-- a later schema change comes as a new file, never as an edit of this one. Times are milliseconds
-- since the epoch (UTC); see docs/jdbc.md for what each table is for.

-- One row per session. Attributes live in the row, as a JSONB object of name -> base64 bytes, so a
-- resolve is one primary-key read and a delta is one single-row UPDATE that merges in SQL.
-- attribute_bytes is the size the payload limits apply to (names plus decoded values), kept by each write.
CREATE TABLE IF NOT EXISTS lanyard_session (
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
CREATE INDEX IF NOT EXISTS lanyard_session_user ON lanyard_session (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS lanyard_session_expiry ON lanyard_session (expires_at);

-- One row per user that logged in or was revoked: the user's version (0 until the first revokeAll)
-- and the row every user-scoped decision (admission, login, revokeAll) locks.
CREATE TABLE IF NOT EXISTS lanyard_user (
  user_id          VARCHAR(768) NOT NULL PRIMARY KEY,
  version          BIGINT       NOT NULL,
  expires_at       BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS lanyard_user_expiry ON lanyard_user (expires_at);

-- Handles admitted under a user's session limit whose session is not written yet (a login in
-- flight), and handles evicted before they were written, which may never be written.
CREATE TABLE IF NOT EXISTS lanyard_admission (
  handle           VARCHAR(43)  NOT NULL PRIMARY KEY,
  user_id          VARCHAR(768) NOT NULL,
  admitted_at      BIGINT       NOT NULL,
  evicted          BOOLEAN      NOT NULL,
  expires_at       BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS lanyard_admission_user ON lanyard_admission (user_id);
CREATE INDEX IF NOT EXISTS lanyard_admission_expiry ON lanyard_admission (expires_at);

-- The AtomicValueStore: refresh-token families and the access-token deny-list.
CREATE TABLE IF NOT EXISTS lanyard_value (
  value_key        VARCHAR(255) NOT NULL PRIMARY KEY,
  value_bytes      BYTEA        NOT NULL,
  expires_at       BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS lanyard_value_expiry ON lanyard_value (expires_at);
