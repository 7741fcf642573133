-- prapp schema v5: accounts for `prapp serve`.
-- A profile on each user (the local user's feeds the coach too), the access tokens the server has
-- issued (so logout can revoke one and a password change all the others), and a change sequence
-- on sessions so sync can ask "what changed since cursor N".

ALTER TABLE users ADD COLUMN target_role TEXT;
ALTER TABLE users ADD COLUMN experience_level TEXT;
ALTER TABLE users ADD COLUMN industry TEXT;
ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE users ADD COLUMN default_preparation_type TEXT
    CHECK (default_preparation_type IN ('interview','corporate','pitch','sales','presentation','other'));
ALTER TABLE users ADD COLUMN default_tone TEXT;

-- One row per issued JWT (by its jti). A token is good while its row exists, is not revoked and
-- has not expired; the JWT's own signature and exp are checked first.
CREATE TABLE auth_tokens (
    jti        TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(user_id),
    issued_at  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX auth_tokens_by_user ON auth_tokens(user_id, revoked_at);

-- One counter for the whole database: every change to a session, its transcript or its
-- evaluation takes the next value, so a cursor is just the last value a client has seen.
CREATE TABLE sync_clock (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO sync_clock (id, seq) VALUES (1, 0);

ALTER TABLE sessions ADD COLUMN updated_seq INTEGER NOT NULL DEFAULT 0;
-- Sessions that existed before this step are all "changed" once, in the order they were stored
-- (rowid): one pass, however large the store.
UPDATE sessions SET updated_seq = rowid;
UPDATE sync_clock SET seq = (SELECT COALESCE(MAX(rowid), 0) FROM sessions);
CREATE INDEX sessions_by_user_seq ON sessions(user_id, updated_seq);

-- Messages and status changes touch the session row (updated_at, turn_count, status), so these
-- two triggers see every change to a session; evaluations get their own. Recursive triggers are
-- off, and updated_seq is not among the watched columns, so the inner UPDATE does not re-fire.
CREATE TRIGGER sessions_seq_insert AFTER INSERT ON sessions BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE sessions SET updated_seq = (SELECT seq FROM sync_clock WHERE id = 1)
        WHERE session_id = NEW.session_id;
END;
CREATE TRIGGER sessions_seq_update
AFTER UPDATE OF status, updated_at, turn_count, message_count, completed_at ON sessions BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE sessions SET updated_seq = (SELECT seq FROM sync_clock WHERE id = 1)
        WHERE session_id = NEW.session_id;
END;
CREATE TRIGGER evaluations_seq_insert AFTER INSERT ON evaluations BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE sessions SET updated_seq = (SELECT seq FROM sync_clock WHERE id = 1)
        WHERE session_id = NEW.session_id;
END;
CREATE TRIGGER evaluations_seq_update AFTER UPDATE ON evaluations BEGIN
    UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;
    UPDATE sessions SET updated_seq = (SELECT seq FROM sync_clock WHERE id = 1)
        WHERE session_id = NEW.session_id;
END;
