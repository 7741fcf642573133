-- prapp schema v6: the sync client's state (`prapp remote`, `prapp sync`).
-- Which server and account this machine syncs with and how far it has pulled; and, per session,
-- the change sequence (0005's updated_seq) the server is known to have. A session needs pushing
-- when updated_seq > synced_seq. synced_seq is not among the columns the 0005 triggers watch, so
-- marking a session synced never makes it look changed again.

ALTER TABLE sessions ADD COLUMN synced_seq INTEGER NOT NULL DEFAULT 0;
-- Only the sessions still to push are in this index: a sync with nothing to push reads nothing.
CREATE INDEX sessions_to_push ON sessions(user_id, updated_seq) WHERE updated_seq > synced_seq;

-- At most one server. The access token is not here: it lives in the keyring (secrets.rs).
CREATE TABLE remote (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    server_url     TEXT NOT NULL,
    email          TEXT NOT NULL,
    remote_user_id TEXT NOT NULL,
    -- The server's opaque cursor, saved in the same transaction as the page it ends.
    pull_cursor    TEXT NOT NULL DEFAULT '0',
    last_sync_at   TEXT,
    last_pushed    INTEGER NOT NULL DEFAULT 0,
    last_pulled    INTEGER NOT NULL DEFAULT 0
);
