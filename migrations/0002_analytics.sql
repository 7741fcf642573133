-- prapp schema v2: what analytics reads, as plain indexed columns, so trends and improvements are
-- SQL aggregates and index scans that never parse an evaluation's JSON body.
--
-- Analytics orders and windows evaluations by when their session was practised
-- (session_started_at), not by when they were judged: re-evaluating an old session, or evaluating
-- a backlog at once, must not move old practice to the end of the progression, and a window then
-- holds the same sessions whether it counts them or their evaluations.

-- The six scores beside the overall one. Rows written before v2 are filled from their body.
ALTER TABLE evaluations ADD COLUMN clarity_structure   REAL;
ALTER TABLE evaluations ADD COLUMN relevance_focus     REAL;
ALTER TABLE evaluations ADD COLUMN confidence_delivery REAL;
ALTER TABLE evaluations ADD COLUMN language_quality    REAL;
ALTER TABLE evaluations ADD COLUMN tone_alignment      REAL;
ALTER TABLE evaluations ADD COLUMN engagement          REAL;
ALTER TABLE evaluations ADD COLUMN session_started_at  TEXT;
-- Which dimensions the evaluation names as improvement areas, one bit each in the contract's order
-- (clarity_structure = 1 … engagement = 32): trends count recurring weaknesses in the same index
-- scan that reads the scores. improvement_areas below holds the details.
ALTER TABLE evaluations ADD COLUMN weak_mask           INTEGER NOT NULL DEFAULT 0;

UPDATE evaluations SET
    clarity_structure   = json_extract(body, '$.universal_scores.clarity_structure'),
    relevance_focus     = json_extract(body, '$.universal_scores.relevance_focus'),
    confidence_delivery = json_extract(body, '$.universal_scores.confidence_delivery'),
    language_quality    = json_extract(body, '$.universal_scores.language_quality'),
    tone_alignment      = json_extract(body, '$.universal_scores.tone_alignment'),
    engagement          = json_extract(body, '$.universal_scores.engagement'),
    session_started_at  = COALESCE(
        (SELECT s.created_at FROM sessions s WHERE s.session_id = evaluations.session_id),
        created_at),
    -- SUM of the distinct bits is their OR.
    weak_mask = (SELECT COALESCE(SUM(DISTINCT CASE json_extract(a.value, '$.dimension')
            WHEN 'clarity_structure' THEN 1 WHEN 'relevance_focus' THEN 2
            WHEN 'confidence_delivery' THEN 4 WHEN 'language_quality' THEN 8
            WHEN 'tone_alignment' THEN 16 WHEN 'engagement' THEN 32 ELSE 0 END), 0)
        FROM json_each(evaluations.body, '$.improvement_areas') a);

-- Trends read a user's evaluations in practice order, optionally of one type: these two indexes
-- hold every column that query needs, so it never touches the table (and its large body column).
CREATE INDEX evaluations_trend ON evaluations(user_id, session_started_at, session_id,
    overall_score, clarity_structure, relevance_focus, confidence_delivery, language_quality,
    tone_alignment, engagement, created_at, weak_mask, preparation_type);
CREATE INDEX evaluations_trend_by_type ON evaluations(user_id, preparation_type,
    session_started_at, session_id, overall_score, clarity_structure, relevance_focus,
    confidence_delivery, language_quality, tone_alignment, engagement, created_at, weak_mask);

-- One row per improvement area of an evaluation: which dimensions keep coming back as weaknesses.
-- Keyed by the session, as the evaluation is (replacing an evaluation replaces its rows).
CREATE TABLE improvement_areas (
    evaluation_id    TEXT NOT NULL,
    session_id       TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL,
    preparation_type TEXT NOT NULL,
    dimension        TEXT NOT NULL CHECK (dimension IN ('clarity_structure', 'relevance_focus',
        'confidence_delivery', 'language_quality', 'tone_alignment', 'engagement')),
    priority         TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    current_level    REAL NOT NULL,
    -- when the evaluation was made, and when its session was practised (what windows use)
    created_at       TEXT NOT NULL,
    session_started_at TEXT NOT NULL
);
-- A dimension counts once per evaluation, so "flagged in 40% of evaluations" stays true even if a
-- judge lists a dimension twice.
CREATE UNIQUE INDEX improvement_areas_by_session ON improvement_areas(session_id, dimension);
-- Counting one dimension's rows in a time window is a range scan of one of these.
CREATE INDEX improvement_areas_by_user_dimension
    ON improvement_areas(user_id, dimension, session_started_at);
CREATE INDEX improvement_areas_by_user_type_dimension
    ON improvement_areas(user_id, preparation_type, dimension, session_started_at);

INSERT OR IGNORE INTO improvement_areas (evaluation_id, session_id, user_id, preparation_type,
    dimension, priority, current_level, created_at, session_started_at)
SELECT e.evaluation_id, e.session_id, e.user_id, e.preparation_type,
    json_extract(a.value, '$.dimension'), json_extract(a.value, '$.priority'),
    json_extract(a.value, '$.current_level'), e.created_at, e.session_started_at
FROM evaluations e, json_each(e.body, '$.improvement_areas') a;

-- Drill sessions are sessions whose subtype is 'drill-<dimension>'; analytics finds the first
-- drill of each dimension with a range scan of this index.
CREATE INDEX sessions_by_user_subtype ON sessions(user_id, meeting_subtype, created_at);

-- How many sessions each user started per type and day, kept by triggers (like session_counts),
-- so "sessions in the last 90 days" sums 90 rows instead of counting 100,000: only the first
-- day of a window is counted session by session.
CREATE TABLE session_days (
    user_id          TEXT NOT NULL,
    preparation_type TEXT NOT NULL,
    -- the UTC date of created_at: 'YYYY-MM-DD'
    day              TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (user_id, day, preparation_type)
) WITHOUT ROWID;

INSERT INTO session_days (user_id, preparation_type, day, n)
    SELECT user_id, preparation_type, substr(created_at, 1, 10), COUNT(*)
    FROM sessions GROUP BY 1, 2, 3;

CREATE TRIGGER session_days_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO session_days (user_id, preparation_type, day, n)
        VALUES (NEW.user_id, NEW.preparation_type, substr(NEW.created_at, 1, 10), 1)
        ON CONFLICT (user_id, day, preparation_type) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER session_days_delete AFTER DELETE ON sessions BEGIN
    UPDATE session_days SET n = n - 1
        WHERE user_id = OLD.user_id AND preparation_type = OLD.preparation_type
          AND day = substr(OLD.created_at, 1, 10);
END;

CREATE TRIGGER session_days_update AFTER UPDATE OF user_id, preparation_type, created_at ON sessions
WHEN OLD.user_id != NEW.user_id OR OLD.preparation_type != NEW.preparation_type
    OR OLD.created_at != NEW.created_at
BEGIN
    UPDATE session_days SET n = n - 1
        WHERE user_id = OLD.user_id AND preparation_type = OLD.preparation_type
          AND day = substr(OLD.created_at, 1, 10);
    INSERT INTO session_days (user_id, preparation_type, day, n)
        VALUES (NEW.user_id, NEW.preparation_type, substr(NEW.created_at, 1, 10), 1)
        ON CONFLICT (user_id, day, preparation_type) DO UPDATE SET n = n + 1;
END;
