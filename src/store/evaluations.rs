//! Evaluations: one per session, stored whole as the contract shapes it, with its scores and its
//! improvement areas beside it for lists and analytics.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{Store, parse_col, ts};
use crate::domain::Evaluation;
use crate::error::{Error, Result};

/// Evaluations, one per session.
pub trait EvaluationRepo {
    /// Stores an evaluation, replacing the session's previous one (re-evaluation with --force).
    fn save_evaluation(&self, e: &Evaluation) -> Result<()>;

    /// Stores many evaluations in one transaction (seeding, batch imports).
    fn save_evaluations(&self, evaluations: &[Evaluation]) -> Result<()>;

    fn evaluation(&self, user_id: Uuid, session_id: Uuid) -> Result<Option<Evaluation>>;

    /// Completed sessions that have no evaluation yet, oldest first.
    fn unevaluated_completed(&self, user_id: Uuid) -> Result<Vec<Uuid>>;
}

impl EvaluationRepo for Store {
    fn save_evaluation(&self, e: &Evaluation) -> Result<()> {
        self.save_evaluations(std::slice::from_ref(e))
    }

    fn save_evaluations(&self, evaluations: &[Evaluation]) -> Result<()> {
        let tx = self.write_tx()?;
        for e in evaluations {
            write_evaluation(&tx, e)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn evaluation(&self, user_id: Uuid, session_id: Uuid) -> Result<Option<Evaluation>> {
        let body: Option<String> = self
            .conn()
            .query_row(
                "SELECT body FROM evaluations WHERE session_id = ?1 AND user_id = ?2",
                params![session_id.to_string(), user_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| self.decode_evaluation(&b)).transpose()
    }

    fn unevaluated_completed(&self, user_id: Uuid) -> Result<Vec<Uuid>> {
        let mut stmt = self.conn().prepare(
            "SELECT s.session_id FROM sessions s INDEXED BY sessions_by_user_status
             WHERE s.user_id = ?1 AND s.status = 'completed'
               AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.session_id = s.session_id)
             ORDER BY s.created_at",
        )?;
        let ids = stmt
            .query_map([user_id.to_string()], |r| {
                parse_col(&r.get::<_, String>(0)?)
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }
}

impl Store {
    /// An evaluation from its stored JSON body.
    pub(crate) fn decode_evaluation(&self, body: &str) -> Result<Evaluation> {
        serde_json::from_str(body).map_err(|e| Error::Database {
            path: self.path().to_path_buf(),
            message: format!("a stored evaluation is unreadable: {e}"),
        })
    }
}

/// The evaluation row with its scores in columns, and one row per improvement area, so analytics
/// never has to parse a body. A replaced evaluation's improvement rows go with it; a dimension
/// listed twice is kept once (the first), so counts mean "evaluations that flagged it".
pub(super) fn write_evaluation(tx: &rusqlite::Transaction<'_>, e: &Evaluation) -> Result<()> {
    let body = serde_json::to_string(e).map_err(|err| Error::Input(err.to_string()))?;
    let [c, r, f, l, t, g] = e.universal_scores.to_array();
    let session_id = e.session_id.to_string();
    let created_at = ts(&e.created_at);
    // Analytics orders and windows by when the session was practised (see 0002_analytics.sql).
    let started_at: String = tx
        .prepare_cached("SELECT created_at FROM sessions WHERE session_id = ?1")?
        .query_row([&session_id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| created_at.clone());
    tx.prepare_cached(
        "INSERT INTO evaluations (evaluation_id, session_id, user_id, preparation_type,
            overall_score, body, created_at, clarity_structure, relevance_focus,
            confidence_delivery, language_quality, tone_alignment, engagement, session_started_at,
            weak_mask)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (session_id) DO UPDATE SET evaluation_id = excluded.evaluation_id,
            overall_score = excluded.overall_score, body = excluded.body,
            created_at = excluded.created_at, clarity_structure = excluded.clarity_structure,
            relevance_focus = excluded.relevance_focus,
            confidence_delivery = excluded.confidence_delivery,
            language_quality = excluded.language_quality,
            tone_alignment = excluded.tone_alignment, engagement = excluded.engagement,
            session_started_at = excluded.session_started_at, weak_mask = excluded.weak_mask",
    )?
    .execute(params![
        e.evaluation_id.to_string(),
        session_id,
        e.user_id.to_string(),
        e.preparation_type.as_str(),
        e.overall_score,
        body,
        created_at,
        c,
        r,
        f,
        l,
        t,
        g,
        started_at,
        weak_mask(e),
    ])?;
    tx.prepare_cached("DELETE FROM improvement_areas WHERE session_id = ?1")?
        .execute([&session_id])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO improvement_areas (evaluation_id, session_id, user_id, preparation_type,
            dimension, priority, current_level, created_at, session_started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for a in &e.improvement_areas {
        insert.execute(params![
            e.evaluation_id.to_string(),
            session_id,
            e.user_id.to_string(),
            e.preparation_type.as_str(),
            a.dimension.as_str(),
            a.priority.as_str(),
            a.current_level,
            created_at,
            started_at,
        ])?;
    }
    Ok(())
}

/// The dimensions an evaluation names as improvement areas, one bit each in the contract's order.
pub(crate) fn weak_mask(e: &Evaluation) -> i64 {
    e.improvement_areas
        .iter()
        .fold(0, |m, a| m | 1 << a.dimension.index())
}
