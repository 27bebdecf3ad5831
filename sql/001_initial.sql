-- threadstore schema, version 1. Portable across MySQL 8.0+ and MariaDB 10.5+:
-- InnoDB, utf8mb4 declared on every table (a server started without config
-- defaults to latin1, and "utf8" is the 3-byte variant that loses emoji).
-- Why the keys are what they are (docs/design.md: Schema).

CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  applied_at DATETIME(3) NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS system_settings (
  name VARCHAR(64) NOT NULL,
  value VARCHAR(255) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS threads (
  -- creation order and the paging tie-breaker; never shown to clients
  row_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  id BINARY(16) NOT NULL,
  owner_id VARCHAR(255) NOT NULL,
  title VARCHAR(512) NULL,
  visibility TINYINT UNSIGNED NOT NULL DEFAULT 0,
  namespace VARCHAR(255) NOT NULL DEFAULT '',
  metadata TEXT NOT NULL,
  -- seq counter: UPDATE ... SET last_seq = LAST_INSERT_ID(last_seq + 1)
  last_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
  message_count INT UNSIGNED NOT NULL DEFAULT 0,
  last_message_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (row_id),
  UNIQUE KEY threads_id (id),
  KEY threads_owner (owner_id, row_id),
  KEY threads_public (visibility, row_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS messages (
  thread_id BINARY(16) NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  id BINARY(16) NOT NULL,
  role TINYINT UNSIGNED NOT NULL,
  content_text MEDIUMTEXT NOT NULL,
  -- the content object's other keys (citations, references, is_error) as JSON text
  content_extra MEDIUMTEXT NULL,
  details MEDIUMTEXT NULL,
  metadata TEXT NOT NULL,
  attachments MEDIUMTEXT NULL,
  parent_message_id BINARY(16) NULL,
  run_id VARCHAR(255) NULL,
  assistant_id VARCHAR(255) NULL,
  model VARCHAR(255) NULL,
  source VARCHAR(255) NULL,
  tool_call_id VARCHAR(255) NULL,
  tool_name VARCHAR(255) NULL,
  tool_calls MEDIUMTEXT NULL,
  token_count INT UNSIGNED NULL,
  prompt_tokens INT UNSIGNED NULL,
  completion_tokens INT UNSIGNED NULL,
  latency_ms INT UNSIGNED NULL,
  comparison_id VARCHAR(255) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  -- clustered by (thread_id, seq): a page is one contiguous primary-key range
  PRIMARY KEY (thread_id, seq),
  UNIQUE KEY messages_id (id),
  KEY messages_run (thread_id, run_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
