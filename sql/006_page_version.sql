-- A thread's page version (docs/design.md: The page cache): one more with
-- every change to the thread's row, and with every change to one of its
-- messages that a page can show, made in the same statement or the same
-- transaction as the change. A worker that kept a page it read can then
-- tell with one read of the thread's row whether the page is still what
-- the thread holds.
ALTER TABLE threads
  ADD COLUMN page_version BIGINT UNSIGNED NOT NULL DEFAULT 0;
