//! The sync client's state on this machine (0006_sync_client.sql): which server and account it
//! syncs with and its pull cursor; per session, whether the server has seen its latest change
//! (`updated_seq > synced_seq` means "to push"); and applying what a server sent back, merged
//! with the local copy by the domain's rule, one page per transaction together with its
//! bookkeeping, so a page is either applied whole (cursor and marks included) or not at all.
//!
//! Never stores the access token (that is the keyring's, see `secrets.rs`).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::prelude::*;
use super::sync::write_synced_in;
use super::{Store, parse_col, parse_ts, ts};
use crate::domain::merge::{self, Synced};
use crate::domain::{Session, SessionStatus};
use crate::error::Result;

/// The server this machine syncs with, as `prapp remote login` left it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteState {
    pub server_url: String,
    pub email: String,
    pub remote_user_id: Uuid,
    /// The server's cursor after the last page applied here; opaque.
    pub cursor: String,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_pushed: u64,
    pub last_pulled: u64,
}

/// What a server sent about one session.
#[derive(Debug, Clone)]
pub enum Received {
    /// A page of `GET /sync/sessions`: the server's copy with its evaluation.
    Pulled(Box<Synced>),
    /// The answer to a push of the local copy whose change sequence was `pushed_seq`: the
    /// server's merged session (its evaluation is not in the answer; the pull brings it).
    Pushed {
        answer: Box<Session>,
        pushed_seq: i64,
    },
}

/// What applying one received session did here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// New on this machine.
    Created,
    /// The local copy took something from the server's.
    Updated,
    /// The local copy already held everything.
    Unchanged,
    /// Not applied: the id belongs to another user of this database.
    Refused { session_id: Uuid, message: String },
}

/// The client side of sync: the remote account, what is pending, what was received.
pub trait SyncStateRepo {
    fn remote(&self) -> Result<Option<RemoteState>>;

    /// Records a login. Another server or another account than the one synced so far starts
    /// over: the cursor goes back to the beginning and every session is to push again, since
    /// what the old server had says nothing about the new one.
    fn set_remote(&self, server_url: &str, email: &str, remote_user_id: Uuid) -> Result<()>;

    /// The server's history is not the one this machine synced with (its database was replaced
    /// or restored from a backup): pull from the beginning and push every session again. Both
    /// are merges, so doing them again loses nothing and duplicates nothing.
    fn start_over(&self) -> Result<()>;

    /// After a sync ran to its end.
    fn record_sync(&self, at: DateTime<Utc>, pushed: u64, pulled: u64) -> Result<()>;

    /// How many of the user's sessions have changes the server has not seen.
    fn count_to_push(&self, user_id: Uuid) -> Result<u64>;

    /// The next sessions to push after change `after_seq`, oldest change first, with their
    /// change sequence. Paging by the sequence (not by "still unsynced") lets a session the
    /// server refused stay pending without being asked for again in the same sync.
    fn sessions_to_push(
        &self,
        user_id: Uuid,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Uuid)>>;

    /// A session with its transcript and evaluation, as sync sends it.
    fn synced(&self, user_id: Uuid, session_id: Uuid) -> Result<Synced>;

    /// Merges what a server sent into the user's sessions in ONE transaction, and — in that same
    /// transaction — saves `cursor` (the end of a pulled page). A session is written only when
    /// the merge changed it, and marked synced when the server is known to hold all of it: after
    /// a push that nothing overtook, or when the pulled copy already is the merge. With `dry_run`
    /// everything is worked out and rolled back.
    fn apply_received(
        &self,
        user_id: Uuid,
        items: Vec<Received>,
        cursor: Option<&str>,
        dry_run: bool,
    ) -> Result<Vec<Applied>>;
}

/// Back to "nothing synced": the cursor to the beginning, every session to push.
fn forget_progress(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute("UPDATE remote SET pull_cursor = '0' WHERE id = 1", [])?;
    tx.execute(
        "UPDATE sessions SET synced_seq = 0 WHERE synced_seq != 0",
        [],
    )?;
    Ok(())
}

impl SyncStateRepo for Store {
    fn remote(&self) -> Result<Option<RemoteState>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT server_url, email, remote_user_id, pull_cursor, last_sync_at, last_pushed,
                    last_pulled FROM remote WHERE id = 1",
                [],
                |r| {
                    Ok(RemoteState {
                        server_url: r.get(0)?,
                        email: r.get(1)?,
                        remote_user_id: parse_col(&r.get::<_, String>(2)?)?,
                        cursor: r.get(3)?,
                        last_sync_at: r
                            .get::<_, Option<String>>(4)?
                            .as_deref()
                            .map(parse_ts)
                            .transpose()?,
                        last_pushed: r.get::<_, i64>(5)? as u64,
                        last_pulled: r.get::<_, i64>(6)? as u64,
                    })
                },
            )
            .optional()?)
    }

    fn set_remote(&self, server_url: &str, email: &str, remote_user_id: Uuid) -> Result<()> {
        let tx = self.write_tx()?;
        let same: bool = tx
            .query_row(
                "SELECT 1 FROM remote WHERE id = 1 AND server_url = ?1 AND remote_user_id = ?2",
                params![server_url, remote_user_id.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if same {
            tx.execute("UPDATE remote SET email = ?1 WHERE id = 1", params![email])?;
        } else {
            tx.execute(
                "INSERT INTO remote (id, server_url, email, remote_user_id) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url,
                    email = excluded.email, remote_user_id = excluded.remote_user_id,
                    pull_cursor = '0', last_sync_at = NULL, last_pushed = 0, last_pulled = 0",
                params![server_url, email, remote_user_id.to_string()],
            )?;
            forget_progress(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn start_over(&self) -> Result<()> {
        let tx = self.write_tx()?;
        forget_progress(&tx)?;
        tx.commit()?;
        Ok(())
    }

    fn record_sync(&self, at: DateTime<Utc>, pushed: u64, pulled: u64) -> Result<()> {
        self.conn().execute(
            "UPDATE remote SET last_sync_at = ?1, last_pushed = ?2, last_pulled = ?3 WHERE id = 1",
            params![ts(&at), pushed as i64, pulled as i64],
        )?;
        Ok(())
    }

    fn count_to_push(&self, user_id: Uuid) -> Result<u64> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM sessions INDEXED BY sessions_to_push
             WHERE user_id = ?1 AND updated_seq > synced_seq",
            [user_id.to_string()],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    fn sessions_to_push(
        &self,
        user_id: Uuid,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Uuid)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT updated_seq, session_id FROM sessions INDEXED BY sessions_to_push
             WHERE user_id = ?1 AND updated_seq > synced_seq AND updated_seq > ?2
             ORDER BY updated_seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![user_id.to_string(), after_seq, limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, parse_col(&r.get::<_, String>(1)?)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn synced(&self, user_id: Uuid, session_id: Uuid) -> Result<Synced> {
        Ok(Synced {
            session: self.session(user_id, session_id)?.session,
            evaluation: self.evaluation(user_id, session_id)?,
        })
    }

    fn apply_received(
        &self,
        user_id: Uuid,
        items: Vec<Received>,
        cursor: Option<&str>,
        dry_run: bool,
    ) -> Result<Vec<Applied>> {
        let tx = self.write_tx()?;
        let mut outcomes = Vec::with_capacity(items.len());
        for item in items {
            let id = match &item {
                Received::Pulled(s) => s.session.session_id,
                Received::Pushed { answer, .. } => answer.session_id,
            };
            let local_meta: Option<(String, i64)> = tx
                .prepare_cached("SELECT user_id, updated_seq FROM sessions WHERE session_id = ?1")?
                .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((owner, _)) = &local_meta
                && *owner != user_id.to_string()
            {
                outcomes.push(Applied::Refused {
                    session_id: id,
                    message: "not applied: the id belongs to another user of this database".into(),
                });
                continue;
            }
            let local = match &local_meta {
                Some(_) => {
                    let row = self.session(user_id, id)?;
                    Some((
                        Synced {
                            session: row.session,
                            evaluation: self.evaluation(user_id, id)?,
                        },
                        row.previous_status,
                    ))
                }
                None => None,
            };
            // The server's user ids are its own; here every session is the local user's.
            let (remote, pushed_seq) = match item {
                Received::Pulled(s) => {
                    let mut s = *s;
                    own(&mut s, user_id);
                    (s, None)
                }
                Received::Pushed { answer, pushed_seq } => {
                    let mut answer = *answer;
                    answer.user_id = user_id;
                    // The answer's summary speaks of the server's evaluation, which the pull
                    // brings; until then the local evaluation stands.
                    answer.evaluation_summary = None;
                    let evaluation = local.as_ref().and_then(|(l, _)| l.evaluation.clone());
                    (
                        Synced {
                            session: answer,
                            evaluation,
                        },
                        Some(pushed_seq),
                    )
                }
            };
            let (merged, outcome, previous, evaluation_changed) = match &local {
                None => {
                    let merged = merge::merge(&remote, &remote);
                    let changed = merged.evaluation.is_some();
                    (merged, Applied::Created, None, changed)
                }
                Some((current, previous)) => {
                    let merged = merge::merge(current, &remote);
                    if merged == *current {
                        (merged, Applied::Unchanged, *previous, false)
                    } else {
                        let previous = merge::previous_status_after(
                            current.session.status,
                            merged.session.status,
                            *previous,
                        );
                        let changed = merged.evaluation != current.evaluation;
                        (merged, Applied::Updated, previous, changed)
                    }
                }
            };
            if outcome != Applied::Unchanged {
                write_synced_in(&tx, user_id, &merged, previous, evaluation_changed)?;
                if merged.session.status == SessionStatus::Completed
                    || merged.session.completed_at.is_some()
                {
                    tx.execute(
                        "UPDATE users SET is_activated = 1 WHERE user_id = ?1 AND is_activated = 0",
                        [user_id.to_string()],
                    )?;
                }
            }
            let server_has_all = match pushed_seq {
                // Nothing changed here between reading the copy to push and now.
                Some(seq) => local_meta.as_ref().is_some_and(|(_, now)| *now == seq),
                None => merged == remote,
            };
            if server_has_all {
                tx.execute(
                    "UPDATE sessions SET synced_seq = updated_seq WHERE session_id = ?1",
                    [id.to_string()],
                )?;
            }
            outcomes.push(outcome);
        }
        if let Some(c) = cursor {
            tx.execute("UPDATE remote SET pull_cursor = ?1 WHERE id = 1", [c])?;
        }
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(outcomes)
    }
}

/// Makes a received copy the local user's.
fn own(s: &mut Synced, user_id: Uuid) {
    s.session.user_id = user_id;
    if let Some(e) = s.evaluation.as_mut() {
        e.user_id = user_id;
    }
}
