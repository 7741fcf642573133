//! Sync: which sessions changed after a cursor (the database-wide change sequence kept by the
//! triggers of 0005_accounts.sql), and writing a merged session back whole.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::evaluations::write_evaluation;
use super::{Store, parse_col, ts};
use crate::domain::{Session, SessionStatus, merge::Synced};
use crate::error::{Error, Result};

/// The server side of sync: ownership checks, changes after a cursor, merged writes.
pub trait SyncRepo {
    /// Who owns a session, whoever that is (sync must refuse another user's id).
    fn session_owner(&self, session_id: Uuid) -> Result<Option<Uuid>>;

    /// Whether any of these message ids belongs to another session than `session_id`.
    fn foreign_message(&self, session_id: Uuid, message_ids: &[Uuid]) -> Result<bool>;

    /// The user's sessions changed after `since`, oldest change first, with their sequence.
    fn changed_since(&self, user_id: Uuid, since: i64, limit: usize) -> Result<Vec<(i64, Uuid)>>;

    /// This database's change history: its name and the last change sequence handed out.
    fn change_history(&self) -> Result<(String, i64)>;

    /// Writes a merged session whole, in one transaction: the session row (created if new), the
    /// transcript in the merged order (missing messages added, positions renumbered, none
    /// removed), and the evaluation when it changed. Only the owner's row is ever touched.
    fn write_synced(
        &self,
        user_id: Uuid,
        merged: &Synced,
        previous_status: Option<SessionStatus>,
        evaluation_changed: bool,
    ) -> Result<()>;
}

impl SyncRepo for Store {
    fn session_owner(&self, session_id: Uuid) -> Result<Option<Uuid>> {
        let owner: Option<String> = self
            .conn()
            .query_row(
                "SELECT user_id FROM sessions WHERE session_id = ?1",
                [session_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(owner.as_deref().map(parse_col).transpose()?)
    }

    fn foreign_message(&self, session_id: Uuid, message_ids: &[Uuid]) -> Result<bool> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT session_id FROM messages WHERE message_id = ?1")?;
        for id in message_ids {
            let owner: Option<String> =
                stmt.query_row([id.to_string()], |r| r.get(0)).optional()?;
            if owner.is_some_and(|o| o != session_id.to_string()) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn changed_since(&self, user_id: Uuid, since: i64, limit: usize) -> Result<Vec<(i64, Uuid)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT updated_seq, session_id FROM sessions INDEXED BY sessions_by_user_seq
             WHERE user_id = ?1 AND updated_seq > ?2 ORDER BY updated_seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![user_id.to_string(), since, limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, parse_col(&r.get::<_, String>(1)?)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn change_history(&self) -> Result<(String, i64)> {
        Ok(self.conn().query_row(
            "SELECT history_id, seq FROM sync_clock WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    fn write_synced(
        &self,
        user_id: Uuid,
        merged: &Synced,
        previous_status: Option<SessionStatus>,
        evaluation_changed: bool,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        write_synced_in(&tx, user_id, merged, previous_status, evaluation_changed)?;
        tx.commit()?;
        Ok(())
    }
}

/// [`SyncRepo::write_synced`] inside a transaction the caller holds (the sync client applies a whole
/// page in one).
pub(super) fn write_synced_in(
    tx: &rusqlite::Transaction<'_>,
    user_id: Uuid,
    merged: &Synced,
    previous_status: Option<SessionStatus>,
    evaluation_changed: bool,
) -> Result<()> {
    let s: &Session = &merged.session;
    let n = tx.execute(
        "INSERT INTO sessions (session_id, user_id, preparation_type, meeting_subtype, agenda,
            tone, role_context, status, previous_status, turn_count, message_count, created_at,
            updated_at, completed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (session_id) DO UPDATE SET preparation_type = excluded.preparation_type,
            meeting_subtype = excluded.meeting_subtype, agenda = excluded.agenda,
            tone = excluded.tone, role_context = excluded.role_context,
            status = excluded.status, previous_status = excluded.previous_status,
            turn_count = excluded.turn_count, message_count = excluded.message_count,
            created_at = excluded.created_at, updated_at = excluded.updated_at,
            completed_at = excluded.completed_at
         WHERE sessions.user_id = excluded.user_id",
        params![
            s.session_id.to_string(),
            user_id.to_string(),
            s.preparation_type.as_str(),
            s.meeting_subtype,
            s.agenda,
            s.tone,
            s.role_context,
            s.status.as_str(),
            previous_status.map(|p| p.as_str()),
            s.turn_count as i64,
            s.messages().len() as i64,
            ts(&s.created_at),
            ts(&s.updated_at),
            s.completed_at.as_ref().map(ts),
        ],
    )?;
    if n != 1 {
        return Err(Error::NoSession(s.session_id.to_string()));
    }
    // Positions are unique per session: move the old ones out of the way, then give every
    // message of the merged transcript its place.
    tx.execute(
        "UPDATE messages SET seq = -seq WHERE session_id = ?1",
        [s.session_id.to_string()],
    )?;
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO messages (message_id, session_id, user_id, role, content, timestamp, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (message_id) DO UPDATE SET seq = excluded.seq
             WHERE messages.session_id = excluded.session_id",
        )?;
        for (i, m) in s.messages().iter().enumerate() {
            upsert.execute(params![
                m.message_id.to_string(),
                s.session_id.to_string(),
                user_id.to_string(),
                m.role.as_str(),
                m.content,
                ts(&m.timestamp),
                i as i64 + 1,
            ])?;
        }
    }
    if evaluation_changed && let Some(e) = &merged.evaluation {
        write_evaluation(tx, e)?;
    }
    Ok(())
}
