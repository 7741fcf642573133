//! The use cases: create, send a message, complete, archive, set status, list, show. Each face
//! (CLI, TUI, server) calls these and nothing below them, so the rules live here once.

use uuid::Uuid;

pub mod account;
pub mod analytics;
pub mod import;
pub mod retake;
pub mod sync;

use crate::coach::{Cancel, Coach, CoachError, Reply, Sink, bank};
use crate::domain::{
    self, Assessment, Evaluation, PreparationType, Role, RuleError, Session, SessionPage,
    SessionSetup, SessionStatus, TurnReply, User,
};
use crate::error::{Error, Result};
use crate::eval::heuristic::HeuristicEvaluator;
use crate::eval::{EvalError, EvalInput, Evaluator};
use crate::store::ListFilter;
use crate::store::prelude::*;

/// The judge when none is given: the built-in one on lexical features.
static LEXICAL_JUDGE: HeuristicEvaluator = HeuristicEvaluator::LEXICAL;

pub struct Practice<'a> {
    store: &'a dyn Repository,
    coach: &'a dyn Coach,
    judge: &'a dyn Evaluator,
    user: User,
    cancel: Cancel,
}

/// What evaluating a session did.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub evaluation: Evaluation,
    /// False when the stored evaluation was returned as it was (no `force`).
    pub created: bool,
    /// What the user should know about how it came about (an LLM judge's fallback).
    pub notice: Option<String>,
}

impl<'a> Practice<'a> {
    /// Use cases for this machine's local user (created on first run).
    pub fn local(store: &'a dyn Repository, coach: &'a dyn Coach) -> Result<Self> {
        let user = store.local_user()?;
        Ok(Practice {
            store,
            coach,
            judge: &LEXICAL_JUDGE,
            user,
            cancel: Cancel::default(),
        })
    }

    /// Lets another thread abandon a coach's reply (the practice screen's Esc).
    pub fn with_cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = cancel;
        self
    }

    /// Use cases for one account of `prapp serve`: every query is scoped to `user`.
    pub fn for_user(store: &'a dyn Repository, coach: &'a dyn Coach, user: User) -> Self {
        Practice {
            store,
            coach,
            judge: &LEXICAL_JUDGE,
            user,
            cancel: Cancel::default(),
        }
    }

    /// Uses another judge for evaluations (the built-in heuristic one is the default).
    pub fn with_judge(mut self, judge: &'a dyn Evaluator) -> Self {
        self.judge = judge;
        self
    }

    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn coach(&self) -> &dyn Coach {
        self.coach
    }

    /// Pins a session to a coach ("builtin" or "llm"), so later answers get the same one.
    pub fn pin_coach(&self, id: Uuid, coach: &str) -> Result<()> {
        self.store.set_session_coach(self.user.user_id, id, coach)
    }

    /// The coach a session is pinned to, if any.
    pub fn pinned_coach(&self, id: Uuid) -> Result<Option<String>> {
        self.store.session_coach(self.user.user_id, id)
    }

    /// Token usage of a session's AI messages, by message id.
    pub fn usage(&self, id: Uuid) -> Result<std::collections::HashMap<Uuid, domain::MessageUsage>> {
        self.store.session_usage(self.user.user_id, id)
    }

    /// Token usage by day and model over the last `days` days.
    pub fn usage_by_day(&self, days: u32) -> Result<Vec<crate::store::UsageRow>> {
        self.store.usage_by_day(self.user.user_id, days)
    }

    /// Starts a session: validates the setup, resolves the subtype against the question banks,
    /// and stores the session with the coach's opening message in one transaction.
    pub fn create(&self, setup: &SessionSetup) -> Result<Session> {
        let session = self.new_session(setup)?;
        let opening = self
            .coach
            .respond(&session, &mut |_| true, &self.cancel)
            .map_err(opening_error)?;
        self.start(session, opening)
    }

    /// The first half of [`Practice::create`]: the session a setup describes, checked, not yet
    /// stored and without its opening. The server asks the coach between the halves, holding no
    /// database connection while a model thinks.
    pub fn new_session(&self, setup: &SessionSetup) -> Result<Session> {
        let setup = setup.validate()?;
        let preparation_type = setup.preparation_type.ok_or_else(|| {
            Error::Input(format!(
                "a preparation type is needed — one of {}",
                PreparationType::ALL.map(|t| t.as_str()).join(", ")
            ))
        })?;
        // Drill subtypes (`drill-<dimension>`) are valid for every type.
        let subtype = bank::subtype(preparation_type, setup.meeting_subtype.as_deref())?;
        // The profile fills what the setup leaves out: the preferred tone, and for an interview
        // the target role as its subject, so every coach words its questions for that role.
        let profile = self.store.profile(self.user.user_id)?;
        let tone = setup.tone.or(profile.preferences.default_tone);
        let agenda = setup.agenda.or_else(|| {
            (preparation_type == PreparationType::Interview)
                .then_some(profile.target_role.as_deref())
                .flatten()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(
                    |role| match profile.experience_level.as_deref().map(str::trim) {
                        Some(level) if !level.is_empty() => {
                            format!("the {role} role ({level} level)")
                        }
                        _ => format!("the {role} role"),
                    },
                )
        });
        let now = domain::now();
        Ok(Session {
            session_id: Uuid::now_v7(),
            user_id: self.user.user_id,
            preparation_type,
            meeting_subtype: Some(subtype.name.clone()),
            agenda,
            tone,
            role_context: setup.role_context,
            status: SessionStatus::InProgress,
            transcript: Some(Vec::new()),
            turn_count: 0,
            created_at: now,
            updated_at: now,
            completed_at: None,
            evaluation_summary: None,
        })
    }

    /// The second half of [`Practice::create`]: stores the session with the coach's opening
    /// (and what the opening cost, when a model wrote it).
    pub fn start(&self, mut session: Session, opening: Reply) -> Result<Session> {
        session.user_id = self.user.user_id;
        let message_id = Uuid::now_v7();
        session.transcript = Some(vec![domain::ChatMessage {
            message_id,
            role: Role::Ai,
            content: opening.text,
            timestamp: domain::now(),
        }]);
        self.store.insert_session(&session)?;
        if let Some(usage) = &opening.usage {
            self.store
                .record_usage(self.user.user_id, message_id, usage)?;
        }
        Ok(session)
    }

    /// A full id or a unique prefix of one.
    pub fn resolve(&self, id: &str) -> Result<Uuid> {
        self.store.resolve_session_id(self.user.user_id, id)
    }

    pub fn show(&self, id: Uuid) -> Result<Session> {
        Ok(self.store.session(self.user.user_id, id)?.session)
    }

    pub fn list(&self, filter: &ListFilter) -> Result<SessionPage> {
        self.store.list_sessions(self.user.user_id, filter)
    }

    /// The shortest prefix of a session id (at least 8 characters) that names only it.
    pub fn short_id(&self, id: Uuid) -> String {
        self.store
            .unique_prefix(self.user.user_id, id)
            .unwrap_or_else(|_| id.to_string())
    }

    /// Sends the user's answer and gets the coach's reply. The answer is stored first, in its own
    /// transaction, so a coach that fails or is cancelled loses nothing: [`Practice::retry`] asks
    /// again.
    pub fn send(&self, id: Uuid, content: &str, sink: Sink<'_>) -> Result<TurnReply> {
        let (user_message, session) = self.send_answer(id, content)?;
        let reply = self
            .coach
            .respond(&session, sink, &self.cancel)
            .map_err(coach_error)?;
        self.record_reply(id, user_message, &reply)
    }

    /// The first half of [`Practice::send`]: checks and stores the answer, and returns it with
    /// the session as the coach should see it. The server uses the halves so that no database
    /// connection is held while a model thinks.
    pub fn send_answer(&self, id: Uuid, content: &str) -> Result<(domain::ChatMessage, Session)> {
        let content = domain::validate_message(content)?;
        let current = self.store.session(self.user.user_id, id)?.session;
        domain::ensure_accepts_messages(current.status)?;
        let (user_message, _) = self.store.append_message(
            self.user.user_id,
            id,
            Role::User,
            &content,
            SessionStatus::InProgress,
        )?;
        // The answer is stored: the draft it came from is no longer needed.
        self.store.save_draft(self.user.user_id, id, "")?;
        let session = self.store.session(self.user.user_id, id)?.session;
        Ok((user_message, session))
    }

    /// The second half of [`Practice::send`]: stores the coach's reply to `user_message`, and
    /// what it cost when a model wrote it.
    pub fn record_reply(
        &self,
        id: Uuid,
        user_message: domain::ChatMessage,
        reply: &Reply,
    ) -> Result<TurnReply> {
        let (ai_message, turn_number) = self.store.append_message(
            self.user.user_id,
            id,
            Role::Ai,
            &reply.text,
            SessionStatus::InProgress,
        )?;
        if let Some(usage) = &reply.usage {
            self.store
                .record_usage(self.user.user_id, ai_message.message_id, usage)?;
        }
        Ok(TurnReply {
            user_message,
            ai_message,
            turn_number,
        })
    }

    /// Answers the user's last message again: after a failed or cancelled reply, or to
    /// regenerate one.
    pub fn retry(&self, id: Uuid, sink: Sink<'_>) -> Result<TurnReply> {
        let session = self.store.session(self.user.user_id, id)?.session;
        domain::ensure_accepts_messages(session.status)?;
        let last = session.messages().last().cloned();
        match last {
            Some(m) if m.role == Role::User => {
                let reply = self
                    .coach
                    .respond(&session, sink, &self.cancel)
                    .map_err(coach_error)?;
                self.record_reply(id, m, &reply)
            }
            _ => Err(Error::Input(
                "the coach has already answered your last message — send a new one".into(),
            )),
        }
    }

    /// Completes a session in progress with at least the minimum number of turns, and activates
    /// the user on their first completion.
    pub fn complete(&self, id: Uuid) -> Result<Session> {
        let session = self.store.session(self.user.user_id, id)?.session;
        domain::ensure_completable(session.status, session.turn_count)?;
        let now = domain::now();
        if !self.store.update_status(
            self.user.user_id,
            id,
            session.status,
            SessionStatus::Completed,
            None,
            Some(now),
        )? {
            return Err(changed_meanwhile());
        }
        self.store.activate_user(self.user.user_id)?;
        self.show(id)
    }

    /// PATCH semantics of the contract: `setup → in_progress`, any → `archived`, `archived →` the
    /// status it had before.
    pub fn set_status(&self, id: Uuid, to: SessionStatus) -> Result<Session> {
        let row = self.store.session(self.user.user_id, id)?;
        let from = row.session.status;
        let target = domain::patch_status(from, row.previous_status, to)?;
        if target != from {
            let previous = (target == SessionStatus::Archived).then_some(from);
            if !self
                .store
                .update_status(self.user.user_id, id, from, target, previous, None)?
            {
                return Err(changed_meanwhile());
            }
        }
        self.show(id)
    }

    /// Soft delete: the session is archived, never erased.
    pub fn archive(&self, id: Uuid) -> Result<Session> {
        self.set_status(id, SessionStatus::Archived)
    }
}

impl Practice<'_> {
    /// Evaluates a completed session and stores the evaluation; once per session unless `force`.
    pub fn evaluate(&self, id: Uuid, force: bool) -> Result<Evaluated> {
        let session = self.show(id)?;
        if session.status != domain::SessionStatus::Completed {
            return Err(RuleError::NotCompleted {
                status: session.status,
            }
            .into());
        }
        if !force && let Some(existing) = self.store.evaluation(self.user.user_id, id)? {
            return Ok(Evaluated {
                evaluation: existing,
                created: false,
                notice: None,
            });
        }
        let assessment = self.assess(&session)?;
        let notice = assessment.notice.clone();
        Ok(Evaluated {
            evaluation: self.record(&session, assessment)?,
            created: true,
            notice,
        })
    }

    /// The judge in use, for callers that assess many sessions in parallel.
    pub fn judge(&self) -> &dyn Evaluator {
        self.judge
    }

    /// Stores an assessment of a stored session as its evaluation (replacing any earlier one).
    pub fn record(&self, session: &Session, assessment: Assessment) -> Result<Evaluation> {
        let evaluation = Evaluation::new(
            session.session_id,
            self.user.user_id,
            session.preparation_type,
            assessment,
        );
        self.store.save_evaluation(&evaluation)?;
        Ok(evaluation)
    }

    /// Judges a session without storing anything (batch evaluation of files).
    pub fn assess(&self, session: &Session) -> Result<Assessment> {
        self.judge
            .evaluate(&EvalInput::of(session))
            .map_err(|e| match e {
                EvalError::NoUserTurns => Error::Input(e.to_string()),
                EvalError::Failed(msg) => Error::Coach(msg),
            })
    }

    /// The stored evaluation of a session.
    pub fn evaluation(&self, id: Uuid) -> Result<Evaluation> {
        let session = self.show(id)?;
        self.store
            .evaluation(self.user.user_id, id)?
            .ok_or_else(|| {
                let short = &session.session_id.to_string()[..13];
                Error::NotFound(match session.status {
                    domain::SessionStatus::Completed => format!(
                        "session {short} has no evaluation yet — run `prapp session evaluate {short}`"
                    ),
                    status => format!(
                        "session {short} has no evaluation: it is {status}; complete it, then `prapp session evaluate {short}`"
                    ),
                })
            })
    }

    /// The answer the user was typing when they last left the session.
    pub fn draft(&self, id: Uuid) -> Result<Option<String>> {
        self.store.draft(self.user.user_id, id)
    }

    pub fn save_draft(&self, id: Uuid, text: &str) -> Result<()> {
        self.store.save_draft(self.user.user_id, id, text)
    }

    /// Sessions whose agenda or transcript mentions `query`.
    pub fn search(&self, query: &str) -> Result<Vec<Uuid>> {
        self.store.search_sessions(self.user.user_id, query)
    }

    /// Completed sessions that have not been evaluated yet, oldest first.
    pub fn unevaluated(&self) -> Result<Vec<Uuid>> {
        self.store.unevaluated_completed(self.user.user_id)
    }

    /// Stores an already judged session (imported from a file) with its evaluation.
    pub fn import(&self, mut session: Session, assessment: Assessment) -> Result<Evaluation> {
        session.user_id = self.user.user_id;
        self.store.insert_session(&session)?;
        self.record(&session, assessment)
    }
}

/// A coach's failure to answer as the library's error: cancelled is the user's doing, failed the
/// provider's.
pub fn coach_error(e: CoachError) -> Error {
    match e {
        CoachError::Cancelled => Error::Input(
            "the reply was cancelled — your message is saved; retry to get an answer".into(),
        ),
        CoachError::Failed(msg) => Error::Coach(msg),
    }
}

/// A coach's failure to open a session: nothing was stored.
pub fn opening_error(e: CoachError) -> Error {
    match e {
        CoachError::Cancelled => Error::Input("cancelled — no session was created".into()),
        CoachError::Failed(msg) => Error::CoachSetup(msg),
    }
}

fn changed_meanwhile() -> Error {
    Error::Conflict(
        "the session was changed by another prapp meanwhile — run the command again".into(),
    )
}
