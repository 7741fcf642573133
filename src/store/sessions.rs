//! Sessions and their transcript.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, Row, params};
use uuid::Uuid;

use super::{Store, parse_col, parse_ts, ts};
use crate::domain::{
    self, ChatMessage, EvaluationSummary, PreparationType, Role, Session, SessionPage,
    SessionStatus,
};
use crate::error::{Error, Result};

/// A session as stored, with what the contract does not show.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub session: Session,
    /// For an archived session: the status it had before.
    pub previous_status: Option<SessionStatus>,
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<SessionStatus>,
    pub preparation_type: Option<PreparationType>,
    /// 1-based.
    pub page: usize,
    /// `None`: everything on one page.
    pub page_size: Option<usize>,
}

const SESSION_COLS: &str = "s.session_id, s.user_id, s.preparation_type, s.meeting_subtype, s.agenda, \
     s.tone, s.role_context, s.status, s.previous_status, s.turn_count, s.created_at, s.updated_at, \
     s.completed_at, e.overall_score";

fn session_from_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    let previous: Option<String> = r.get(8)?;
    let completed: Option<String> = r.get(12)?;
    let score: Option<f64> = r.get(13)?;
    Ok(SessionRow {
        session: Session {
            session_id: parse_col(&r.get::<_, String>(0)?)?,
            user_id: parse_col(&r.get::<_, String>(1)?)?,
            preparation_type: parse_col(&r.get::<_, String>(2)?)?,
            meeting_subtype: r.get(3)?,
            agenda: r.get(4)?,
            tone: r.get(5)?,
            role_context: r.get(6)?,
            status: parse_col(&r.get::<_, String>(7)?)?,
            transcript: None,
            turn_count: r.get::<_, i64>(9)? as usize,
            created_at: parse_ts(&r.get::<_, String>(10)?)?,
            updated_at: parse_ts(&r.get::<_, String>(11)?)?,
            completed_at: completed.as_deref().map(parse_ts).transpose()?,
            evaluation_summary: score.map(|overall_score| EvaluationSummary { overall_score }),
        },
        previous_status: previous.as_deref().map(parse_col).transpose()?,
    })
}

/// A session id with what a shell shows beside it when completing.
#[derive(Debug, Clone)]
pub struct IdHint {
    pub id: String,
    pub kind: String,
    pub subtype: Option<String>,
    pub status: String,
    pub agenda: Option<String>,
}

/// Sessions and their transcripts.
pub trait SessionRepo {
    /// Stores a new session together with its transcript so far (the coach's opening), at once.
    fn insert_session(&self, s: &Session) -> Result<()>;

    /// Stores many sessions in one transaction (imports, seeding).
    fn insert_sessions(&self, sessions: &[Session]) -> Result<()>;

    /// Resolves a full id or a unique prefix of one (like git) among the user's sessions.
    fn resolve_session_id(&self, user_id: Uuid, given: &str) -> Result<Uuid>;

    /// The shortest prefix of `id`, at least 8 characters, that no other session of the user
    /// shares (as git shortens commit ids): ids made in the same millisecond share 13.
    fn unique_prefix(&self, user_id: Uuid, id: Uuid) -> Result<String>;

    /// Sessions whose id starts with `prefix` (newest first; all when it is empty), for shell
    /// completion.
    fn sessions_with_prefix(
        &self,
        user_id: Uuid,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<IdHint>>;

    /// One session with its transcript.
    fn session(&self, user_id: Uuid, session_id: Uuid) -> Result<SessionRow>;

    /// A page of the user's sessions, newest first, without transcripts. Archived sessions show
    /// only when asked for by status.
    fn list_sessions(&self, user_id: Uuid, f: &ListFilter) -> Result<SessionPage>;

    /// Appends a message in its own write transaction, if the session is (still) in
    /// `require` status, and keeps the turn count in step. Timestamps never go backwards within a
    /// transcript, even across processes with slightly different clocks.
    fn append_message(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        role: Role,
        content: &str,
        require: SessionStatus,
    ) -> Result<(ChatMessage, usize)>;

    /// Writes a status change decided by the rules in `practice`. `expect` is the status the
    /// decision was made on: if another process changed it meanwhile, nothing is written.
    fn update_status(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        expect: SessionStatus,
        to: SessionStatus,
        previous: Option<SessionStatus>,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<bool>;

    /// Marks the user activated (their first completed session).
    fn activate_user(&self, user_id: Uuid) -> Result<()>;
}

impl SessionRepo for Store {
    fn insert_session(&self, s: &Session) -> Result<()> {
        self.insert_sessions(std::slice::from_ref(s))
    }

    fn insert_sessions(&self, sessions: &[Session]) -> Result<()> {
        let tx = self.write_tx()?;
        for s in sessions {
            insert_one(&tx, s)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn resolve_session_id(&self, user_id: Uuid, given: &str) -> Result<Uuid> {
        let prefix = given.trim().to_ascii_lowercase();
        let valid = !prefix.is_empty()
            && prefix.len() <= 36
            && prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if !valid {
            return Err(Error::NoSession(given.to_string()));
        }
        // Prefix match as a range on the primary key: `id >= prefix AND id < prefix+1`.
        let mut stmt = self.conn().prepare_cached(
            "SELECT session_id FROM sessions
             WHERE user_id = ?1 AND session_id >= ?2 AND session_id < ?2 || 'g'
             ORDER BY session_id LIMIT 6",
        )?;
        let ids: Vec<String> = stmt
            .query_map(params![user_id.to_string(), prefix], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [] => Err(Error::NoSession(given.to_string())),
            [one] => Ok(parse_col(one)?),
            many => {
                let mut shown: Vec<String> = many.iter().take(5).cloned().collect();
                if many.len() > 5 {
                    shown.push("…".into());
                }
                Err(Error::Ambiguous {
                    prefix: given.to_string(),
                    matches: shown.join(", "),
                })
            }
        }
    }

    fn unique_prefix(&self, user_id: Uuid, id: Uuid) -> Result<String> {
        let id = id.to_string();
        // Only the neighbours in id order can share a longer prefix than any other id.
        let neighbour = |sql: &str| -> Result<Option<String>> {
            let mut stmt = self.conn().prepare_cached(sql)?;
            Ok(stmt
                .query_map(params![user_id.to_string(), id], |r| r.get(0))?
                .next()
                .transpose()?)
        };
        let before = neighbour(
            "SELECT session_id FROM sessions WHERE user_id = ?1 AND session_id < ?2
             ORDER BY session_id DESC LIMIT 1",
        )?;
        let after = neighbour(
            "SELECT session_id FROM sessions WHERE user_id = ?1 AND session_id > ?2
             ORDER BY session_id LIMIT 1",
        )?;
        let shared = |other: &Option<String>| {
            other.as_deref().map_or(0, |o| {
                o.bytes()
                    .zip(id.bytes())
                    .take_while(|(a, b)| a == b)
                    .count()
            })
        };
        let mut len = (shared(&before).max(shared(&after)) + 1).clamp(8, id.len());
        // Never end on a dash: "01a25279-4" rather than "01a25279-".
        if id.as_bytes()[len - 1] == b'-' {
            len += 1;
        }
        Ok(id[..len].to_string())
    }

    fn sessions_with_prefix(
        &self,
        user_id: Uuid,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<IdHint>> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT session_id, preparation_type, meeting_subtype, status, agenda FROM sessions
             WHERE user_id = ?1 AND session_id >= ?2 AND session_id < ?2 || 'g'
             ORDER BY session_id DESC LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![user_id.to_string(), prefix, limit as i64], |r| {
                Ok(IdHint {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    subtype: r.get(2)?,
                    status: r.get(3)?,
                    agenda: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn session(&self, user_id: Uuid, session_id: Uuid) -> Result<SessionRow> {
        let mut row = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {SESSION_COLS} FROM sessions s
                     LEFT JOIN evaluations e ON e.session_id = s.session_id
                     WHERE s.session_id = ?1 AND s.user_id = ?2"
                ),
                params![session_id.to_string(), user_id.to_string()],
                session_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NoSession(session_id.to_string()))?;
        row.session.transcript = Some(self.transcript(session_id)?);
        Ok(row)
    }

    fn list_sessions(&self, user_id: Uuid, f: &ListFilter) -> Result<SessionPage> {
        let mut cond = String::from("s.user_id = ?1");
        let mut args: Vec<String> = vec![user_id.to_string()];
        match f.status {
            Some(st) => {
                args.push(st.as_str().into());
                cond.push_str(&format!(" AND s.status = ?{}", args.len()));
            }
            None => cond.push_str(" AND s.status != 'archived'"),
        }
        if let Some(t) = f.preparation_type {
            args.push(t.as_str().into());
            cond.push_str(&format!(" AND s.preparation_type = ?{}", args.len()));
        }
        // The same condition on the trigger-kept counts (whose columns share the names).
        let total: i64 = self.conn().query_row(
            &format!("SELECT COALESCE(SUM(n), 0) FROM session_counts s WHERE {cond}"),
            rusqlite::params_from_iter(&args),
            |r| r.get(0),
        )?;
        let page = f.page.max(1);
        let (limit, offset) = match f.page_size {
            Some(size) => (size as i64, ((page - 1) * size) as i64),
            None => (-1, 0),
        };
        // Name the index: without statistics SQLite would walk the date index and filter, which
        // is slow for a rare type/status on a large store.
        let index = match (f.status, f.preparation_type) {
            (Some(_), Some(_)) => "sessions_by_user_type_status",
            (None, Some(_)) => "sessions_by_user_type",
            (Some(_), None) => "sessions_by_user_status",
            (None, None) => "sessions_by_user_created",
        };
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {SESSION_COLS} FROM sessions s INDEXED BY {index}
             LEFT JOIN evaluations e ON e.session_id = s.session_id
             WHERE {cond} ORDER BY s.created_at DESC, s.session_id DESC LIMIT {limit} OFFSET {offset}"
        ))?;
        let sessions = stmt
            .query_map(rusqlite::params_from_iter(&args), session_from_row)?
            .map(|r| r.map(|row| row.session))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(SessionPage {
            total: total as usize,
            page,
            page_size: f.page_size.unwrap_or(total as usize),
            sessions,
        })
    }

    fn append_message(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        role: Role,
        content: &str,
        require: SessionStatus,
    ) -> Result<(ChatMessage, usize)> {
        let tx = self.write_tx()?;
        let status: String = tx
            .query_row(
                "SELECT status FROM sessions WHERE session_id = ?1 AND user_id = ?2",
                params![session_id.to_string(), user_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NoSession(session_id.to_string()))?;
        let status: SessionStatus = parse_col(&status)?;
        if status != require {
            domain::ensure_accepts_messages(status)?;
        }
        let (seq, last): (i64, Option<String>) = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0), MAX(timestamp) FROM messages WHERE session_id = ?1",
            [session_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut timestamp = domain::now();
        if let Some(last) = last.as_deref().map(parse_ts).transpose()?
            && timestamp <= last
        {
            timestamp = last + Duration::microseconds(1);
        }
        let msg = ChatMessage {
            message_id: Uuid::now_v7(),
            role,
            content: content.to_string(),
            timestamp,
        };
        tx.execute(
            "INSERT INTO messages (message_id, session_id, user_id, role, content, timestamp, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                msg.message_id.to_string(),
                session_id.to_string(),
                user_id.to_string(),
                role.as_str(),
                msg.content,
                ts(&msg.timestamp),
                seq + 1,
            ],
        )?;
        let turns = {
            let mut stmt =
                tx.prepare_cached("SELECT role FROM messages WHERE session_id = ?1 ORDER BY seq")?;
            let roles = stmt
                .query_map([session_id.to_string()], |r| r.get::<_, String>(0))?
                .map(|r| r.and_then(|s| parse_col::<Role>(&s)))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            domain::count_turns(roles)
        };
        tx.execute(
            "UPDATE sessions SET turn_count = ?1, message_count = message_count + 1, updated_at = ?2
             WHERE session_id = ?3",
            params![turns as i64, ts(&msg.timestamp), session_id.to_string()],
        )?;
        tx.commit()?;
        Ok((msg, turns))
    }

    fn update_status(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        expect: SessionStatus,
        to: SessionStatus,
        previous: Option<SessionStatus>,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let now = domain::now();
        let n = self.conn().execute(
            "UPDATE sessions SET status = ?1, previous_status = ?2, updated_at = ?3,
                completed_at = COALESCE(?4, completed_at)
             WHERE session_id = ?5 AND user_id = ?6 AND status = ?7",
            params![
                to.as_str(),
                previous.map(|p| p.as_str()),
                ts(&now),
                completed_at.as_ref().map(ts),
                session_id.to_string(),
                user_id.to_string(),
                expect.as_str(),
            ],
        )?;
        Ok(n == 1)
    }

    fn activate_user(&self, user_id: Uuid) -> Result<()> {
        self.conn().execute(
            "UPDATE users SET is_activated = 1 WHERE user_id = ?1 AND is_activated = 0",
            [user_id.to_string()],
        )?;
        Ok(())
    }
}

impl Store {
    fn transcript(&self, session_id: Uuid) -> Result<Vec<ChatMessage>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT message_id, role, content, timestamp FROM messages
             WHERE session_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([session_id.to_string()], |r| {
            Ok(ChatMessage {
                message_id: parse_col(&r.get::<_, String>(0)?)?,
                role: parse_col(&r.get::<_, String>(1)?)?,
                content: r.get(2)?,
                timestamp: parse_ts(&r.get::<_, String>(3)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn insert_one(tx: &rusqlite::Transaction<'_>, s: &Session) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO sessions (session_id, user_id, preparation_type, meeting_subtype, agenda, tone,
            role_context, status, turn_count, message_count, created_at, updated_at, completed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            s.session_id.to_string(),
            s.user_id.to_string(),
            s.preparation_type.as_str(),
            s.meeting_subtype,
            s.agenda,
            s.tone,
            s.role_context,
            s.status.as_str(),
            s.turn_count as i64,
            s.messages().len() as i64,
            ts(&s.created_at),
            ts(&s.updated_at),
            s.completed_at.as_ref().map(ts),
        ],
    )?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO messages (message_id, session_id, user_id, role, content, timestamp, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, m) in s.messages().iter().enumerate() {
            ins.execute(params![
                m.message_id.to_string(),
                s.session_id.to_string(),
                s.user_id.to_string(),
                m.role.as_str(),
                m.content,
                ts(&m.timestamp),
                i as i64 + 1,
            ])?;
        }
    }
    Ok(())
}
