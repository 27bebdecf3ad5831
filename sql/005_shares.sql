-- Share links (docs/design.md: Share links): a link is a random token the
-- owner hands out; only its SHA-256 is kept (shares_token), so the table
-- cannot be turned back into working links. A link names its thread by the
-- thread's row_id, which is never reused: a thread deleted and created again
-- with the same id is another thread.
CREATE TABLE IF NOT EXISTS shares (
  -- listing order and the paging tie-breaker; never shown to clients
  row_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  id BINARY(16) NOT NULL,
  token_hash BINARY(32) NOT NULL,
  thread_row_id BIGINT UNSIGNED NOT NULL,
  thread_id BINARY(16) NOT NULL,
  owner_id VARCHAR(255) NOT NULL,
  -- 0 live (the thread as it is), 1 snapshot (as it was at created_at)
  mode TINYINT UNSIGNED NOT NULL,
  -- a snapshot: the messages with from_seq < seq <= through_seq, as they
  -- were; their count and the thread's title then
  from_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
  through_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
  message_count INT UNSIGNED NOT NULL DEFAULT 0,
  title VARCHAR(512) NULL,
  expires_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (row_id),
  UNIQUE KEY shares_id (id),
  -- a link is found by the hash of its token, in one probe
  UNIQUE KEY shares_token (token_hash),
  -- the listings: a thread's links, and an owner's, newest first
  KEY shares_thread (thread_row_id, row_id),
  KEY shares_owner (owner_id, row_id),
  -- a thread's links not revoked (at most TS_MAX_SHARES_PER_THREAD): the
  -- check every change or delete of a message makes, and the revoke at
  -- thread delete
  KEY shares_live (thread_id, revoked_at, mode)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Copy-on-write for snapshots: before a message that a live snapshot shows
-- is changed or deleted (or, cleared, purged), the row as it was is saved
-- here once per snapshot. A snapshot's page reads its own range of this
-- table beside the thread's range of messages, one primary-key range each.
CREATE TABLE IF NOT EXISTS share_versions (
  share_row_id BIGINT UNSIGNED NOT NULL,
  thread_id BINARY(16) NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  id BINARY(16) NOT NULL,
  role TINYINT UNSIGNED NOT NULL,
  content_text MEDIUMTEXT NOT NULL,
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
  item MEDIUMTEXT NULL,
  PRIMARY KEY (share_row_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Revoked snapshots whose saved versions the workers delete between
-- requests, a bounded chunk at a time (src/purge.c).
CREATE TABLE IF NOT EXISTS share_purges (
  share_row_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (share_row_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
