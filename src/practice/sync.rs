//! Sync use cases for `prapp serve`: take a pushed copy of a session (with its evaluation) and
//! merge it with the stored one by the domain's rule; list what changed after a cursor.
//! Pushing the same data twice writes nothing, so the cursor does not move either.

use chrono::SubsecRound;
use uuid::Uuid;

use super::Practice;
use crate::domain::merge::{self, Synced};
use crate::domain::{self, RuleError, SessionStatus};
use crate::error::{Error, Result};

/// One page of changes and the cursor to ask from next time.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPage {
    pub items: Vec<Synced>,
    pub next_cursor: Cursor,
}

/// Where a client is in the server's change history: `{history}.{seq}` on the wire, opaque to
/// clients. The history names the database (migration 0007), so a cursor handed out by another
/// database, or by this one before it was restored from an older backup, is recognised instead
/// of silently skipping changes. A bare `{seq}` (the first servers' cursors) is still taken.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    history: Option<String>,
    seq: i64,
}

impl Cursor {
    /// `None` when the text is no cursor at all; empty is the beginning.
    pub fn parse(text: &str) -> Option<Cursor> {
        let text = text.trim();
        let (history, seq) = match text.split_once('.') {
            None if text.is_empty() => return Some(Cursor::default()),
            None => (None, text),
            Some((h, seq)) => {
                let hex =
                    h.len() == 32 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !hex {
                    return None;
                }
                (Some(h.to_string()), seq)
            }
        };
        if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Cursor {
            history,
            seq: seq.parse().ok()?,
        })
    }

    /// The change sequence the cursor stands at.
    pub fn seq(&self) -> i64 {
        self.seq
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.history {
            Some(h) => write!(f, "{h}.{}", self.seq),
            None => write!(f, "{}", self.seq),
        }
    }
}

/// Said with a 409 to a client whose cursor is not from this database's history.
pub const OTHER_HISTORY: &str = "the sync cursor is not from this server's history (its database \
     was replaced, or restored from an older backup): sync everything again from the beginning";

/// Timestamps as the store keeps them (microseconds), so a pushed copy compares equal to the
/// stored one after a round trip.
fn normalised(mut s: Synced) -> Synced {
    let t = |d: chrono::DateTime<chrono::Utc>| d.trunc_subsecs(6);
    s.session.created_at = t(s.session.created_at);
    s.session.updated_at = t(s.session.updated_at);
    s.session.completed_at = s.session.completed_at.map(t);
    if let Some(msgs) = s.session.transcript.as_mut() {
        for m in msgs {
            m.timestamp = t(m.timestamp);
        }
    }
    if let Some(e) = s.evaluation.as_mut() {
        e.created_at = t(e.created_at);
    }
    s
}

impl Practice<'_> {
    /// Merges a pushed session into the stored one (or stores it when new) and returns the
    /// merged copy. Another user's session id is refused as not found; the pushed copy's user
    /// ids are replaced by this user's.
    pub fn sync_push(&self, id: Uuid, pushed: Synced) -> Result<Synced> {
        let mut pushed = normalised(pushed);
        if pushed.session.session_id != id {
            return Err(RuleError::Invalid {
                field: "session_id",
                reason: "differs from the id in the path".into(),
            }
            .into());
        }
        if let Some(e) = &pushed.evaluation
            && e.session_id != id
        {
            return Err(RuleError::Invalid {
                field: "evaluation",
                reason: "belongs to another session".into(),
            }
            .into());
        }
        let user = self.user.user_id;
        pushed.session.user_id = user;
        if let Some(e) = pushed.evaluation.as_mut() {
            e.user_id = user;
            e.preparation_type = pushed.session.preparation_type;
        }
        // The same limits as when the session was made through the API.
        let s = &pushed.session;
        domain::validate_setup_field("agenda", s.agenda.as_deref(), domain::MAX_SETUP_CHARS)?;
        domain::validate_setup_field("tone", s.tone.as_deref(), domain::MAX_SETUP_CHARS)?;
        domain::validate_setup_field(
            "meeting_subtype",
            s.meeting_subtype.as_deref(),
            domain::MAX_SETUP_CHARS,
        )?;
        domain::validate_setup_field(
            "role_context",
            s.role_context.as_deref(),
            domain::MAX_ROLE_CONTEXT_CHARS,
        )?;
        for m in s.messages() {
            domain::validate_message(&m.content)?;
        }

        match self.store.session_owner(id)? {
            Some(owner) if owner != user => return Err(Error::NoSession(id.to_string())),
            _ => {}
        }
        let ids: Vec<Uuid> = s.messages().iter().map(|m| m.message_id).collect();
        if self.store.foreign_message(id, &ids)? {
            return Err(Error::Conflict(
                "a message id of this transcript belongs to another session".into(),
            ));
        }
        let stored = match self.store.session(user, id) {
            Ok(row) => Some((row.session, row.previous_status)),
            Err(Error::NoSession(_)) => None,
            Err(e) => return Err(e),
        };
        let (merged, previous, evaluation_changed) = match stored {
            None => {
                let mut merged = merge::merge(&pushed, &pushed);
                merged.session.user_id = user;
                let changed = merged.evaluation.is_some();
                (merged, None, changed)
            }
            Some((session, previous)) => {
                let evaluation = self.store.evaluation(user, id)?;
                let current = Synced {
                    session,
                    evaluation,
                };
                let merged = merge::merge(&current, &pushed);
                if merged == current {
                    return Ok(current);
                }
                let previous = merge::previous_status_after(
                    current.session.status,
                    merged.session.status,
                    previous,
                );
                let changed = merged.evaluation != current.evaluation;
                (merged, previous, changed)
            }
        };
        self.store
            .write_synced(user, &merged, previous, evaluation_changed)?;
        if merged.session.status == SessionStatus::Completed
            || merged.session.completed_at.is_some()
        {
            self.store.activate_user(user)?;
        }
        Ok(merged)
    }

    /// The user's sessions (with transcripts and evaluations) changed after `since`. A cursor of
    /// another history, or ahead of this one, is a conflict: the client must start over.
    pub fn sync_changes(&self, since: &Cursor, limit: usize) -> Result<SyncPage> {
        let user = self.user.user_id;
        let (history, clock) = self.store.change_history()?;
        if since.seq > clock || since.history.as_ref().is_some_and(|h| *h != history) {
            return Err(Error::Conflict(OTHER_HISTORY.into()));
        }
        let changed = self.store.changed_since(user, since.seq, limit)?;
        let next_cursor = Cursor {
            history: Some(history),
            seq: changed.last().map_or(since.seq, |(seq, _)| *seq),
        };
        let mut items = Vec::with_capacity(changed.len());
        for (_, id) in changed {
            items.push(Synced {
                session: self.store.session(user, id)?.session,
                evaluation: self.store.evaluation(user, id)?,
            });
        }
        Ok(SyncPage { items, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn cursors_parse_and_print_back() {
        let h = "0123456789abcdef0123456789abcdef";
        for text in ["", "0", "42", &format!("{h}.0"), &format!("{h}.917")] {
            let c = Cursor::parse(text).unwrap();
            let again = if text.is_empty() { "0" } else { text };
            assert_eq!(c.to_string(), again);
        }
        assert_eq!(Cursor::parse(&format!(" {h}.7 ")).unwrap().seq(), 7);
        let bad = [
            "-1",
            "abc",
            "1.5",
            ".5",
            &format!("{h}."),
            &format!("{h}.x"),
            &format!("{}.5", h.to_uppercase()),
            &format!("{h}0.5"),
            "99999999999999999999",
        ];
        for text in bad {
            assert_eq!(Cursor::parse(text), None, "{text}");
        }
    }
}
