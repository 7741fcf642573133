//! Drafts: the answer a user was typing when they left a session's chat, and transcript search.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{Store, parse_col, ts};
use crate::domain;
use crate::error::Result;

/// Unsent drafts, and search over transcripts and drafts.
pub trait DraftRepo {
    /// Keeps a half-written answer; an empty one removes the draft.
    fn save_draft(&self, user_id: Uuid, session_id: Uuid, content: &str) -> Result<()>;

    fn draft(&self, user_id: Uuid, session_id: Uuid) -> Result<Option<String>>;

    /// Sessions whose agenda or transcript contains `query` (case-insensitive for ASCII).
    fn search_sessions(&self, user_id: Uuid, query: &str) -> Result<Vec<Uuid>>;
}

impl DraftRepo for Store {
    fn save_draft(&self, user_id: Uuid, session_id: Uuid, content: &str) -> Result<()> {
        if content.trim().is_empty() {
            self.conn().execute(
                "DELETE FROM drafts WHERE session_id = ?1 AND user_id = ?2",
                params![session_id.to_string(), user_id.to_string()],
            )?;
            return Ok(());
        }
        self.conn().execute(
            "INSERT INTO drafts (session_id, user_id, content, updated_at)
             SELECT session_id, user_id, ?3, ?4 FROM sessions WHERE session_id = ?1 AND user_id = ?2
             ON CONFLICT (session_id) DO UPDATE SET content = excluded.content,
                updated_at = excluded.updated_at",
            params![
                session_id.to_string(),
                user_id.to_string(),
                content,
                ts(&domain::now())
            ],
        )?;
        Ok(())
    }

    fn draft(&self, user_id: Uuid, session_id: Uuid) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT content FROM drafts WHERE session_id = ?1 AND user_id = ?2",
                params![session_id.to_string(), user_id.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn search_sessions(&self, user_id: Uuid, query: &str) -> Result<Vec<Uuid>> {
        let pattern = format!(
            "%{}%",
            query
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut stmt = self.conn().prepare(
            "SELECT session_id FROM sessions WHERE user_id = ?1 AND agenda LIKE ?2 ESCAPE '\\'
             UNION
             SELECT DISTINCT session_id FROM messages WHERE user_id = ?1 AND content LIKE ?2 ESCAPE '\\'",
        )?;
        let ids = stmt
            .query_map(params![user_id.to_string(), pattern], |r| {
                parse_col(&r.get::<_, String>(0)?)
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }
}
