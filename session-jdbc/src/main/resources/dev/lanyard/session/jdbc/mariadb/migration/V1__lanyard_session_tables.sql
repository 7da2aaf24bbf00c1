-- Lanyard session store, MariaDB (10.11+): migration 1, the session tables as Lanyard 0.1.0 creates them.
-- For Flyway (location classpath:dev/lanyard/session/jdbc/mariadb/migration) or Liquibase (a sqlFile
-- change set per file, in version order). The table names are the default prefix, lanyard_; a store
-- with another tablePrefix needs a copy with its names. Applying every V<n>__*.sql file of this folder
-- in version order gives exactly the schema that SchemaSetup.CREATE creates (MigrationsIT checks it);
-- a later schema change comes as a new file, never as an edit of this one. Times are milliseconds
-- since the epoch (UTC); see docs/jdbc.md for what each table is for.

CREATE TABLE IF NOT EXISTS lanyard_session (
  handle           VARCHAR(43)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  user_id          VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  version          BIGINT       NOT NULL,
  user_version     BIGINT       NOT NULL,
  created_at       BIGINT       NOT NULL,
  last_accessed_at BIGINT       NOT NULL,
  idle_timeout     BIGINT       NOT NULL,
  absolute_expiry  BIGINT       NOT NULL,
  authenticated_at BIGINT,
  last_node        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  user_agent       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  address_prefix   VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  expires_at       BIGINT       NOT NULL,
  attribute_bytes  BIGINT       NOT NULL,
  attributes       LONGTEXT     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  INDEX lanyard_session_user (user_id),
  INDEX lanyard_session_expiry (expires_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS lanyard_user (
  user_id          VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  version          BIGINT       NOT NULL,
  expires_at       BIGINT       NOT NULL,
  INDEX lanyard_user_expiry (expires_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS lanyard_admission (
  handle           VARCHAR(43)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  user_id          VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  admitted_at      BIGINT       NOT NULL,
  evicted          BOOLEAN      NOT NULL,
  expires_at       BIGINT       NOT NULL,
  INDEX lanyard_admission_user (user_id),
  INDEX lanyard_admission_expiry (expires_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS lanyard_value (
  value_key        VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  value_bytes      VARBINARY(4096) NOT NULL,
  expires_at       BIGINT       NOT NULL,
  INDEX lanyard_value_expiry (expires_at)
) ENGINE = InnoDB;
