-- OpenAI's Conversations API (/v1/conversations): a conversation is a
-- thread and each of its items a message. The item as the client gave it
-- (a message's content parts, a function call, a reasoning item ...) is
-- kept here, as canonical JSON without its id, so it comes back exactly;
-- NULL for a message written through /api or /v1/threads, which the
-- conversation surface renders from the message's own columns.
ALTER TABLE messages
  ADD COLUMN item MEDIUMTEXT NULL;
