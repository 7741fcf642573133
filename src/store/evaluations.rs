//! Evaluations: one per session, stored whole as the contract shapes it, with its score beside it
//! for lists and analytics.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{Store, parse_col, ts};
use crate::domain::Evaluation;
use crate::error::{Error, Result};

impl Store {
    /// Stores an evaluation, replacing the session's previous one (re-evaluation with --force).
    pub fn save_evaluation(&self, e: &Evaluation) -> Result<()> {
        let body = serde_json::to_string(e).map_err(|err| Error::Input(err.to_string()))?;
        self.conn().execute(
            "INSERT INTO evaluations (evaluation_id, session_id, user_id, preparation_type,
                overall_score, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (session_id) DO UPDATE SET evaluation_id = excluded.evaluation_id,
                overall_score = excluded.overall_score, body = excluded.body,
                created_at = excluded.created_at",
            params![
                e.evaluation_id.to_string(),
                e.session_id.to_string(),
                e.user_id.to_string(),
                e.preparation_type.as_str(),
                e.overall_score,
                body,
                ts(&e.created_at),
            ],
        )?;
        Ok(())
    }

    pub fn evaluation(&self, user_id: Uuid, session_id: Uuid) -> Result<Option<Evaluation>> {
        let body: Option<String> = self
            .conn()
            .query_row(
                "SELECT body FROM evaluations WHERE session_id = ?1 AND user_id = ?2",
                params![session_id.to_string(), user_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| {
            serde_json::from_str(&b).map_err(|e| Error::Database {
                path: self.path().to_path_buf(),
                message: format!("a stored evaluation is unreadable: {e}"),
            })
        })
        .transpose()
    }

    /// Completed sessions that have no evaluation yet, oldest first.
    pub fn unevaluated_completed(&self, user_id: Uuid) -> Result<Vec<Uuid>> {
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
