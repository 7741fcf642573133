//! What analytics reads: counts and projections over indexed columns, never a transcript and
//! never an evaluation's body (but the one latest evaluation's). Every query is scoped by user and
//! names its index, so 100,000 evaluations stay an index scan whatever the statistics say.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{Store, parse_col, parse_ts, ts};
use crate::domain::{Dimension, Evaluation, PreparationType, Scores};
use crate::error::Result;

/// Which of the user's sessions (and their evaluations) analytics looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalyticsFilter {
    /// Only sessions started at or after this instant, and the evaluations of those sessions.
    pub since: Option<DateTime<Utc>>,
    pub preparation_type: Option<PreparationType>,
}

impl AnalyticsFilter {
    /// The lower bound as stored text; the empty string sorts before every timestamp.
    fn since_text(&self) -> String {
        self.since.as_ref().map(ts).unwrap_or_default()
    }
}

/// One evaluation's scores, from the index alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePoint {
    pub session_id: Uuid,
    /// When the session was started.
    pub practised_at: DateTime<Utc>,
    pub evaluated_at: DateTime<Utc>,
    pub overall_score: f64,
    pub scores: Scores,
    /// Whether the evaluation names each dimension (by [`Dimension::index`]) as an improvement
    /// area.
    pub weak: [bool; 6],
}

/// Drill sessions of one subtype: how many, and when the first one started.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillRow {
    pub meeting_subtype: String,
    pub sessions: usize,
    pub first_at: DateTime<Utc>,
}

const POINT_COLS: &str = "session_id, session_started_at, created_at, overall_score, \
    clarity_structure, relevance_focus, confidence_delivery, language_quality, tone_alignment, \
    engagement, weak_mask";

// Trends read 100,000 of these in one go: the columns are borrowed, not copied into Strings, and
// the timestamps prapp writes take the fast path of `fast_ts`.
fn point_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ScorePoint> {
    let overall: f64 = r.get(3)?;
    let mut scores = [0.0; 6];
    for (i, s) in scores.iter_mut().enumerate() {
        // Only a row whose body had no such score (never written by prapp) lacks one: the overall
        // score is the least wrong stand-in.
        *s = r.get::<_, Option<f64>>(4 + i)?.unwrap_or(overall);
    }
    let text = |i: usize| -> rusqlite::Result<&str> {
        r.get_ref(i)?.as_str().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    Ok(ScorePoint {
        session_id: parse_col(text(0)?)?,
        practised_at: fast_ts(text(1)?)?,
        evaluated_at: fast_ts(text(2)?)?,
        overall_score: overall,
        scores: Scores::from_array(scores),
        weak: {
            let mask: i64 = r.get(10)?;
            std::array::from_fn(|i| mask & (1 << i) != 0)
        },
    })
}

/// Reads the fixed-width form `ts` writes (`2026-03-01T09:30:00.123456Z`) without a general
/// RFC 3339 parser; anything else goes to [`parse_ts`].
fn fast_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    let b = s.as_bytes();
    let digits = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let shape = b.len() == 27
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[26] == b'Z';
    let parsed = shape
        .then(|| {
            let date = chrono::NaiveDate::from_ymd_opt(
                digits(0, 4)? as i32,
                digits(5, 7)?,
                digits(8, 10)?,
            )?;
            let time = chrono::NaiveTime::from_hms_micro_opt(
                digits(11, 13)?,
                digits(14, 16)?,
                digits(17, 19)?,
                digits(20, 26)?,
            )?;
            Some(date.and_time(time).and_utc())
        })
        .flatten();
    match parsed {
        Some(t) => Ok(t),
        None => parse_ts(s),
    }
}

/// The reads analytics needs: score points, weaknesses, drill rows.
pub trait AnalyticsRepo {
    /// Sessions the user started in the filter's window, of any status: whole days from the
    /// trigger-kept `session_days`, the window's first (partial) day from the sessions index.
    fn count_sessions(&self, user_id: Uuid, f: &AnalyticsFilter) -> Result<usize>;

    /// Hands `visit` the evaluations of the window's sessions in practice order (when the
    /// session started, then its id), read from a covering index. A visitor rather than a Vec:
    /// trends keep 100,000 of them and should not copy them twice.
    fn each_score_point(
        &self,
        user_id: Uuid,
        f: &AnalyticsFilter,
        visit: &mut dyn FnMut(ScorePoint),
    ) -> Result<()>;

    /// [`AnalyticsRepo::each_score_point`] collected.
    fn score_points(&self, user_id: Uuid, f: &AnalyticsFilter) -> Result<Vec<ScorePoint>>;

    /// The evaluations of the user's `limit` latest evaluated sessions (of one type, if given),
    /// latest practice first.
    fn latest_score_points(
        &self,
        user_id: Uuid,
        preparation_type: Option<PreparationType>,
        limit: usize,
    ) -> Result<Vec<ScorePoint>>;

    /// How many of the window's evaluations named each dimension as an improvement area: one
    /// index range count per dimension, so a short window stays cheap on a long history.
    fn weakness_counts(
        &self,
        user_id: Uuid,
        f: &AnalyticsFilter,
    ) -> Result<Vec<(Dimension, usize)>>;

    /// Drill sessions (subtype `drill-…`) per subtype, of any type and status.
    fn drill_rows(&self, user_id: Uuid) -> Result<Vec<DrillRow>>;

    /// The preparation type of the user's latest evaluated session.
    fn latest_evaluated_type(&self, user_id: Uuid) -> Result<Option<PreparationType>>;

    /// The evaluation of the user's latest evaluated session, whole.
    fn latest_evaluation(&self, user_id: Uuid) -> Result<Option<Evaluation>>;
}

impl AnalyticsRepo for Store {
    fn count_sessions(&self, user_id: Uuid, f: &AnalyticsFilter) -> Result<usize> {
        let user = user_id.to_string();
        let since = f.since_text();
        // '' for all time: every day sorts after it, and no session is on its "first day".
        let first_day = since.get(..10).unwrap_or_default().to_string();
        // Every timestamp of that day starts with `YYYY-MM-DDT`, so sorts below `YYYY-MM-DDU`;
        // for all time the range is empty.
        let next_day = if first_day.is_empty() {
            String::new()
        } else {
            format!("{first_day}U")
        };
        let n: i64 = match f.preparation_type {
            None => self
                .conn()
                .prepare_cached(
                    "SELECT (SELECT COALESCE(SUM(n), 0) FROM session_days
                             WHERE user_id = ?1 AND day > ?3)
                          + (SELECT COUNT(*) FROM sessions INDEXED BY sessions_by_user_created
                             WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?4)",
                )?
                .query_row(params![user, since, first_day, next_day], |r| r.get(0))?,
            Some(t) => self
                .conn()
                .prepare_cached(
                    "SELECT (SELECT COALESCE(SUM(n), 0) FROM session_days
                             WHERE user_id = ?1 AND day > ?3 AND preparation_type = ?5)
                          + (SELECT COUNT(*) FROM sessions INDEXED BY sessions_by_user_type
                             WHERE user_id = ?1 AND preparation_type = ?5
                               AND created_at >= ?2 AND created_at < ?4)",
                )?
                .query_row(params![user, since, first_day, next_day, t.as_str()], |r| {
                    r.get(0)
                })?,
        };
        Ok(n as usize)
    }

    fn each_score_point(
        &self,
        user_id: Uuid,
        f: &AnalyticsFilter,
        visit: &mut dyn FnMut(ScorePoint),
    ) -> Result<()> {
        let user = user_id.to_string();
        let since = f.since_text();
        let mut stmt;
        let mut rows = match f.preparation_type {
            None => {
                stmt = self.conn().prepare_cached(&format!(
                    "SELECT {POINT_COLS} FROM evaluations INDEXED BY evaluations_trend
                     WHERE user_id = ?1 AND session_started_at >= ?2
                     ORDER BY session_started_at, session_id"
                ))?;
                stmt.query(params![user, since])?
            }
            Some(t) => {
                stmt = self.conn().prepare_cached(&format!(
                    "SELECT {POINT_COLS} FROM evaluations INDEXED BY evaluations_trend_by_type
                     WHERE user_id = ?1 AND preparation_type = ?3 AND session_started_at >= ?2
                     ORDER BY session_started_at, session_id"
                ))?;
                stmt.query(params![user, since, t.as_str()])?
            }
        };
        while let Some(r) = rows.next()? {
            visit(point_from_row(r)?);
        }
        Ok(())
    }

    fn score_points(&self, user_id: Uuid, f: &AnalyticsFilter) -> Result<Vec<ScorePoint>> {
        let mut points = Vec::new();
        self.each_score_point(user_id, f, &mut |p| points.push(p))?;
        Ok(points)
    }

    fn latest_score_points(
        &self,
        user_id: Uuid,
        preparation_type: Option<PreparationType>,
        limit: usize,
    ) -> Result<Vec<ScorePoint>> {
        let mut stmt;
        let rows = match preparation_type {
            None => {
                stmt = self.conn().prepare_cached(&format!(
                    "SELECT {POINT_COLS} FROM evaluations INDEXED BY evaluations_trend
                     WHERE user_id = ?1 ORDER BY session_started_at DESC, session_id DESC LIMIT ?2"
                ))?;
                stmt.query_map(params![user_id.to_string(), limit as i64], point_from_row)?
            }
            Some(t) => {
                stmt = self.conn().prepare_cached(&format!(
                    "SELECT {POINT_COLS} FROM evaluations INDEXED BY evaluations_trend_by_type
                     WHERE user_id = ?1 AND preparation_type = ?3
                     ORDER BY session_started_at DESC, session_id DESC LIMIT ?2"
                ))?;
                stmt.query_map(
                    params![user_id.to_string(), limit as i64, t.as_str()],
                    point_from_row,
                )?
            }
        };
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn weakness_counts(
        &self,
        user_id: Uuid,
        f: &AnalyticsFilter,
    ) -> Result<Vec<(Dimension, usize)>> {
        let user = user_id.to_string();
        let since = f.since_text();
        let mut stmt = self.conn().prepare_cached(match f.preparation_type {
            None => {
                "SELECT COUNT(*) FROM improvement_areas
                 INDEXED BY improvement_areas_by_user_dimension
                 WHERE user_id = ?1 AND dimension = ?2 AND session_started_at >= ?3"
            }
            Some(_) => {
                "SELECT COUNT(*) FROM improvement_areas
                 INDEXED BY improvement_areas_by_user_type_dimension
                 WHERE user_id = ?1 AND dimension = ?2 AND session_started_at >= ?3
                   AND preparation_type = ?4"
            }
        })?;
        Dimension::ALL
            .into_iter()
            .map(|d| {
                let n: i64 = match f.preparation_type {
                    None => stmt.query_row(params![user, d.as_str(), since], |r| r.get(0))?,
                    Some(t) => {
                        stmt.query_row(params![user, d.as_str(), since, t.as_str()], |r| r.get(0))?
                    }
                };
                Ok((d, n as usize))
            })
            .collect()
    }

    fn drill_rows(&self, user_id: Uuid) -> Result<Vec<DrillRow>> {
        // `drill.` is the first string after every `drill-…` ('.' follows '-'): a range on the index.
        let mut stmt = self.conn().prepare_cached(
            "SELECT meeting_subtype, COUNT(*), MIN(created_at)
             FROM sessions INDEXED BY sessions_by_user_subtype
             WHERE user_id = ?1 AND meeting_subtype >= 'drill-' AND meeting_subtype < 'drill.'
             GROUP BY meeting_subtype",
        )?;
        let rows = stmt.query_map([user_id.to_string()], |r| {
            Ok(DrillRow {
                meeting_subtype: r.get(0)?,
                sessions: r.get::<_, i64>(1)? as usize,
                first_at: parse_ts(&r.get::<_, String>(2)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn latest_evaluated_type(&self, user_id: Uuid) -> Result<Option<PreparationType>> {
        let t: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT preparation_type FROM evaluations INDEXED BY evaluations_trend
                 WHERE user_id = ?1 ORDER BY session_started_at DESC, session_id DESC LIMIT 1",
            )?
            .query_row([user_id.to_string()], |r| r.get(0))
            .optional()?;
        Ok(t.as_deref().map(parse_col).transpose()?)
    }

    fn latest_evaluation(&self, user_id: Uuid) -> Result<Option<Evaluation>> {
        let body: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT body FROM evaluations INDEXED BY evaluations_trend
                 WHERE user_id = ?1 ORDER BY session_started_at DESC, session_id DESC LIMIT 1",
            )?
            .query_row([user_id.to_string()], |r| r.get(0))
            .optional()?;
        body.map(|b| self.decode_evaluation(&b)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_timestamp_path_agrees_with_rfc3339() {
        for t in [
            "2026-03-01T09:30:00.123456Z",
            "1999-12-31T23:59:59.999999Z",
            "2026-03-01T09:30:00Z",
            "2026-03-01T10:30:00.5+01:00",
        ] {
            assert_eq!(fast_ts(t).unwrap(), parse_ts(t).unwrap(), "{t}");
        }
        assert!(fast_ts("2026-13-01T09:30:00.123456Z").is_err());
        assert!(fast_ts("not a time").is_err());
    }
}
