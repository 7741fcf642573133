-- prapp schema v1: users, sessions with their transcript, evaluations.
-- Every row carries its user_id and every query is scoped by it: `prapp serve` keeps many users
-- in one file. Timestamps are RFC 3339 UTC text with microseconds, so they sort as text.

CREATE TABLE users (
    user_id       TEXT PRIMARY KEY,
    email         TEXT UNIQUE,
    full_name     TEXT,
    password_hash TEXT,
    is_activated  INTEGER NOT NULL DEFAULT 0,
    -- 1 for the user of this machine's own practice; at most one such row.
    is_local      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_one_local ON users(is_local) WHERE is_local = 1;

CREATE TABLE sessions (
    session_id       TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(user_id),
    preparation_type TEXT NOT NULL
        CHECK (preparation_type IN ('interview','corporate','pitch','sales','presentation','other')),
    meeting_subtype  TEXT,
    agenda           TEXT,
    tone             TEXT,
    role_context     TEXT,
    status           TEXT NOT NULL
        CHECK (status IN ('setup','in_progress','completed','archived')),
    -- what an archived session was before, so it can be restored
    previous_status  TEXT,
    turn_count       INTEGER NOT NULL DEFAULT 0,
    message_count    INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT
);
CREATE INDEX sessions_by_user_created ON sessions(user_id, created_at DESC, session_id DESC);
CREATE INDEX sessions_by_user_status ON sessions(user_id, status, created_at DESC);
CREATE INDEX sessions_by_user_type_status ON sessions(user_id, preparation_type, status, created_at DESC);
CREATE INDEX sessions_by_user_type ON sessions(user_id, preparation_type, created_at DESC);

-- How many sessions each user has per type and status, kept by triggers, so a list page can say
-- "20 of 10,000" without counting 10,000 rows.
CREATE TABLE session_counts (
    user_id          TEXT NOT NULL,
    preparation_type TEXT NOT NULL,
    status           TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (user_id, preparation_type, status)
) WITHOUT ROWID;

CREATE TRIGGER session_counts_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO session_counts (user_id, preparation_type, status, n)
        VALUES (NEW.user_id, NEW.preparation_type, NEW.status, 1)
        ON CONFLICT (user_id, preparation_type, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER session_counts_delete AFTER DELETE ON sessions BEGIN
    UPDATE session_counts SET n = n - 1
        WHERE user_id = OLD.user_id AND preparation_type = OLD.preparation_type AND status = OLD.status;
END;

CREATE TRIGGER session_counts_update AFTER UPDATE OF status, preparation_type, user_id ON sessions
WHEN OLD.status != NEW.status OR OLD.preparation_type != NEW.preparation_type OR OLD.user_id != NEW.user_id
BEGIN
    UPDATE session_counts SET n = n - 1
        WHERE user_id = OLD.user_id AND preparation_type = OLD.preparation_type AND status = OLD.status;
    INSERT INTO session_counts (user_id, preparation_type, status, n)
        VALUES (NEW.user_id, NEW.preparation_type, NEW.status, 1)
        ON CONFLICT (user_id, preparation_type, status) DO UPDATE SET n = n + 1;
END;

CREATE TABLE messages (
    message_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('ai','user')),
    content    TEXT NOT NULL,
    timestamp  TEXT NOT NULL,
    -- position in the transcript, assigned inside the writing transaction
    seq        INTEGER NOT NULL,
    UNIQUE (session_id, seq)
);

CREATE TABLE evaluations (
    evaluation_id    TEXT PRIMARY KEY,
    session_id       TEXT NOT NULL UNIQUE REFERENCES sessions(session_id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL,
    preparation_type TEXT NOT NULL,
    overall_score    REAL NOT NULL,
    -- the whole Evaluation as the contract shapes it
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX evaluations_by_user_created ON evaluations(user_id, created_at);
