-- Deleting a thread or clearing its messages costs the same at any size: the
-- request only records which messages are dead, and workers delete them
-- between requests, a bounded chunk at a time (src/purge.c).

-- Messages with seq <= cleared_seq were cleared: every read skips them.
ALTER TABLE threads
  ADD COLUMN cleared_seq BIGINT UNSIGNED NOT NULL DEFAULT 0;

-- Messages of thread_id with seq <= through_seq are dead (their thread was
-- deleted, or cleared) and are still to be deleted.
CREATE TABLE IF NOT EXISTS message_purges (
  thread_id BINARY(16) NOT NULL,
  through_seq BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (thread_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
