-- Token usage of each AI message written by an LLM coach (none for the built-in coach), kept beside
-- the transcript rather than in it so the contract's ChatMessage stays as it is.
CREATE TABLE message_usage (
    message_id        TEXT PRIMARY KEY REFERENCES messages(message_id) ON DELETE CASCADE,
    user_id           TEXT NOT NULL REFERENCES users(user_id),
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    latency_ms        INTEGER NOT NULL,
    -- the day (UTC, YYYY-MM-DD) `prapp usage` groups by
    day               TEXT NOT NULL
);
CREATE INDEX message_usage_by_user_day ON message_usage(user_id, day, model);

-- The coach a session was started with (`session new --coach builtin|llm`), so later answers
-- get the same one; NULL follows the `coach` setting.
ALTER TABLE sessions ADD COLUMN coach TEXT CHECK (coach IN ('builtin', 'llm'));
