-- Lanyard session store: the MariaDB (10.11+) schema. See postgresql/schema.sql for what each
-- table is for; the columns are the same. Handles and value keys compare byte for byte (ascii_bin:
-- base64url is case-sensitive), user IDs and names too (utf8mb4_bin). Attributes are a JSON object
-- of name -> base64 bytes in a LONGTEXT column (MariaDB's JSON type is the same thing).

CREATE TABLE IF NOT EXISTS ${session} (
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
  INDEX ${session}_user (user_id),
  INDEX ${session}_expiry (expires_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS ${user} (
  user_id          VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  version          BIGINT       NOT NULL,
  expires_at       BIGINT       NOT NULL,
  INDEX ${user}_expiry (expires_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS ${admission} (
  handle           VARCHAR(43)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  user_id          VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  admitted_at      BIGINT       NOT NULL,
  evicted          BOOLEAN      NOT NULL,
  expires_at       BIGINT       NOT NULL,
  INDEX ${admission}_user (user_id),
  INDEX ${admission}_expiry (expires_at)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS ${value} (
  value_key        VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  value_bytes      VARBINARY(4096) NOT NULL,
  expires_at       BIGINT       NOT NULL,
  INDEX ${value}_expiry (expires_at)
) ENGINE = InnoDB;
