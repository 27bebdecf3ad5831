-- Bounded reads (docs/design.md: Schema): every filter of a list is served
-- by an index range that yields rows in the page's order, so a page reads the
-- rows it returns (plus its offset) and no more, whatever the thread's size.

-- Per-role message counts, so that a role-filtered list's total stays exact
-- without counting the thread. Kept in the same transactions as message_count.
ALTER TABLE threads
  ADD COLUMN user_count INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN assistant_count INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN system_count INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN tool_count INT UNSIGNED NOT NULL DEFAULT 0,
  -- the thread listings' filters: each combination is one range in row_id order
  ADD KEY threads_owner_ns (owner_id, namespace, row_id),
  ADD KEY threads_owner_vis (owner_id, visibility, row_id),
  ADD KEY threads_owner_ns_vis (owner_id, namespace, visibility, row_id),
  ADD KEY threads_public_ns (visibility, namespace, row_id);

-- role filters: one range per role, in seq order (a page merges at most four).
-- run_id filters: likewise, one range per role. created_* filters: created_at
-- follows seq (a new message is never dated before the thread's newest), so a
-- time bound becomes a seq bound with one lookup in messages_created.
ALTER TABLE messages
  ADD KEY messages_role (thread_id, role, seq),
  ADD KEY messages_run_role (thread_id, run_id, role, seq),
  ADD KEY messages_created (thread_id, created_at),
  DROP KEY messages_run;

UPDATE threads t SET
  user_count = (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.role = 0),
  assistant_count = (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.role = 1),
  system_count = (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.role = 2),
  tool_count = (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.role = 3);
