//! Token usage of LLM replies: one row per AI message, summed by day and model for `prapp usage`.

use std::collections::HashMap;

use rusqlite::params;
use uuid::Uuid;

use super::{Store, ts};
use crate::domain::{self, MessageUsage};
use crate::error::Result;

/// One line of `prapp usage`: a day and a model.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UsageRow {
    pub day: String,
    pub model: String,
    pub replies: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub avg_latency_ms: u64,
}

/// LLM token usage per reply, and the coach a session is pinned to.
pub trait UsageRepo {
    fn record_usage(&self, user_id: Uuid, message_id: Uuid, u: &MessageUsage) -> Result<()>;

    /// The usage of a session's AI messages, by message id.
    fn session_usage(&self, user_id: Uuid, session_id: Uuid)
    -> Result<HashMap<Uuid, MessageUsage>>;

    /// Usage summed by day (UTC) and model, newest day first, over the last `days` days.
    fn usage_by_day(&self, user_id: Uuid, days: u32) -> Result<Vec<UsageRow>>;

    /// Pins a session to a coach ("builtin" or "llm").
    fn set_session_coach(&self, user_id: Uuid, session_id: Uuid, coach: &str) -> Result<()>;

    /// The coach a session is pinned to, if any.
    fn session_coach(&self, user_id: Uuid, session_id: Uuid) -> Result<Option<String>>;
}

impl UsageRepo for Store {
    fn record_usage(&self, user_id: Uuid, message_id: Uuid, u: &MessageUsage) -> Result<()> {
        let now = domain::now();
        self.conn().execute(
            "INSERT OR REPLACE INTO message_usage
             (message_id, user_id, model, prompt_tokens, completion_tokens, latency_ms, day)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                message_id.to_string(),
                user_id.to_string(),
                u.model,
                u.prompt_tokens,
                u.completion_tokens,
                u.latency_ms as i64,
                &ts(&now)[..10],
            ],
        )?;
        Ok(())
    }

    fn session_usage(
        &self,
        user_id: Uuid,
        session_id: Uuid,
    ) -> Result<HashMap<Uuid, MessageUsage>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT u.message_id, u.model, u.prompt_tokens, u.completion_tokens, u.latency_ms
             FROM message_usage u JOIN messages m ON m.message_id = u.message_id
             WHERE m.session_id = ?1 AND u.user_id = ?2",
        )?;
        let rows = stmt.query_map(params![session_id.to_string(), user_id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                MessageUsage {
                    model: r.get(1)?,
                    prompt_tokens: r.get(2)?,
                    completion_tokens: r.get(3)?,
                    latency_ms: r.get::<_, i64>(4)?.max(0) as u64,
                },
            ))
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, u) = row?;
            out.insert(super::parse_col(&id)?, u);
        }
        Ok(out)
    }

    fn usage_by_day(&self, user_id: Uuid, days: u32) -> Result<Vec<UsageRow>> {
        let since = (domain::now() - chrono::Duration::days(i64::from(days.max(1)) - 1))
            .format("%Y-%m-%d")
            .to_string();
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, model, COUNT(*), COALESCE(SUM(prompt_tokens), 0),
                    COALESCE(SUM(completion_tokens), 0), CAST(AVG(latency_ms) AS INTEGER)
             FROM message_usage WHERE user_id = ?1 AND day >= ?2
             GROUP BY day, model ORDER BY day DESC, model",
        )?;
        let rows = stmt
            .query_map(params![user_id.to_string(), since], |r| {
                Ok(UsageRow {
                    day: r.get(0)?,
                    model: r.get(1)?,
                    replies: r.get::<_, i64>(2)?.max(0) as u64,
                    prompt_tokens: r.get::<_, i64>(3)?.max(0) as u64,
                    completion_tokens: r.get::<_, i64>(4)?.max(0) as u64,
                    avg_latency_ms: r.get::<_, i64>(5)?.max(0) as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn set_session_coach(&self, user_id: Uuid, session_id: Uuid, coach: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE sessions SET coach = ?1 WHERE session_id = ?2 AND user_id = ?3",
            params![coach, session_id.to_string(), user_id.to_string()],
        )?;
        Ok(())
    }

    fn session_coach(&self, user_id: Uuid, session_id: Uuid) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row(
                "SELECT coach FROM sessions WHERE session_id = ?1 AND user_id = ?2",
                params![session_id.to_string(), user_id.to_string()],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }
}
