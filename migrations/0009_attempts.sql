-- Retakes: a new answer to one question of a completed session, judged on its own. A retake
-- never changes the session's transcript or its evaluation.
CREATE TABLE attempts (
    attempt_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    -- Which question of the session, from 1.
    number     INTEGER NOT NULL,
    answer     TEXT NOT NULL,
    -- The answer's result (domain::AnswerResult) as JSON.
    result     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX attempts_by_session ON attempts(session_id, number, created_at);
