//! Attempts: retakes of one question of a completed session, each with its own result. The
//! session's transcript and evaluation are never touched by them.

use rusqlite::params;
use uuid::Uuid;

use super::{Store, parse_col, parse_ts, ts};
use crate::domain::Attempt;
use crate::error::{Error, Result};

/// Retakes, by session.
pub trait AttemptRepo {
    fn save_attempt(&self, a: &Attempt) -> Result<()>;

    /// A session's attempts, by question then oldest first.
    fn attempts(&self, user_id: Uuid, session_id: Uuid) -> Result<Vec<Attempt>>;
}

impl AttemptRepo for Store {
    fn save_attempt(&self, a: &Attempt) -> Result<()> {
        let result = serde_json::to_string(&a.result)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let stored = self.conn().execute(
            "INSERT INTO attempts (attempt_id, session_id, user_id, number, answer, result, created_at)
             SELECT ?1, session_id, user_id, ?4, ?5, ?6, ?7 FROM sessions
             WHERE session_id = ?2 AND user_id = ?3",
            params![
                a.attempt_id.to_string(),
                a.session_id.to_string(),
                a.user_id.to_string(),
                a.number,
                a.answer,
                result,
                ts(&a.created_at)
            ],
        )?;
        if stored == 0 {
            return Err(Error::NotFound(format!("no session {}", a.session_id)));
        }
        Ok(())
    }

    fn attempts(&self, user_id: Uuid, session_id: Uuid) -> Result<Vec<Attempt>> {
        let mut stmt = self.conn().prepare(
            "SELECT attempt_id, number, answer, result, created_at FROM attempts
             WHERE session_id = ?1 AND user_id = ?2 ORDER BY number, created_at",
        )?;
        let rows = stmt
            .query_map(params![session_id.to_string(), user_id.to_string()], |r| {
                Ok((
                    parse_col::<Uuid>(&r.get::<_, String>(0)?)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    parse_ts(&r.get::<_, String>(4)?)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(attempt_id, number, answer, result, created_at)| {
                let result = serde_json::from_str(&result).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?;
                Ok(Attempt {
                    attempt_id,
                    session_id,
                    user_id,
                    number,
                    answer,
                    result,
                    created_at,
                })
            })
            .collect()
    }
}
