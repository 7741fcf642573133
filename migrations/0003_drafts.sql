-- Half-written answers, kept per session so leaving the chat loses nothing.
CREATE TABLE drafts (
    session_id TEXT PRIMARY KEY REFERENCES sessions(session_id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    content    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
