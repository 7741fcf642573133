//! The background side of the TUI: one thread with its own store connection that carries out
//! effects (loading, sending, completing, evaluating) and reports back as events, so drawing
//! never waits on the store or the coach.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use super::app::{Effect, Event};
use crate::coach::builtin::BuiltinCoach;
use crate::domain::SessionStatus;
use crate::error::Error;
use crate::practice::Practice;
use crate::store::{ListFilter, Store};

/// How the worker paces the built-in coach's reply, word by word, so it reads like one typed.
fn pace() -> Duration {
    let ms = crate::config::env_var("PRAPP_TUI_PACE_MS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(18);
    Duration::from_millis(ms)
}

pub fn run(
    data_dir: PathBuf,
    effects: Receiver<Effect>,
    events: Sender<Event>,
    cancel: Arc<AtomicBool>,
) {
    let store = match Store::open(&data_dir) {
        Ok(s) => s,
        Err(e) => {
            let _ = events.send(Event::Failed(e.to_string()));
            return;
        }
    };
    let coach = BuiltinCoach;
    let practice = match Practice::local(&store, &coach) {
        Ok(p) => p,
        Err(e) => {
            let _ = events.send(Event::Failed(e.to_string()));
            return;
        }
    };
    let pace = pace();
    for effect in effects {
        let event = match effect {
            Effect::Quit => break,
            other => carry_out(&practice, other, &events, &cancel, pace),
        };
        if let Some(ev) = event
            && events.send(ev).is_err()
        {
            break;
        }
    }
}

fn failed(e: Error) -> Option<Event> {
    Some(Event::Failed(e.to_string()))
}

fn carry_out(
    practice: &Practice<'_>,
    effect: Effect,
    events: &Sender<Event>,
    cancel: &AtomicBool,
    pace: Duration,
) -> Option<Event> {
    let mut sink = |piece: &str| {
        let _ = events.send(Event::Chunk(piece.to_string()));
        if !pace.is_zero() {
            std::thread::sleep(pace);
        }
        !cancel.load(Ordering::SeqCst)
    };
    let reply = |r: crate::Result<crate::domain::TurnReply>| match r {
        Ok(reply) => Some(Event::Replied(reply)),
        Err(e) => {
            let cancelled = cancel.load(Ordering::SeqCst);
            Some(Event::ReplyFailed {
                message: e.to_string(),
                cancelled,
            })
        }
    };
    match effect {
        Effect::LoadSessions => {
            let all = ListFilter::default();
            let archived = ListFilter {
                status: Some(SessionStatus::Archived),
                ..ListFilter::default()
            };
            match (practice.list(&all), practice.list(&archived)) {
                (Ok(mut a), Ok(b)) => {
                    a.sessions.extend(b.sessions);
                    a.sessions.sort_by_key(|x| std::cmp::Reverse(x.created_at));
                    Some(Event::Sessions(a.sessions))
                }
                (Err(e), _) | (_, Err(e)) => failed(e),
            }
        }
        Effect::Search(query) => match practice.search(&query) {
            Ok(ids) => Some(Event::SearchResult { query, ids }),
            Err(e) => failed(e),
        },
        Effect::Open(id) => match (practice.show(id), practice.draft(id)) {
            (Ok(session), Ok(draft)) => Some(Event::Opened { session, draft }),
            (Err(e), _) | (_, Err(e)) => failed(e),
        },
        Effect::Send { id, text } => {
            cancel.store(false, Ordering::SeqCst);
            reply(practice.send(id, &text, &mut sink))
        }
        Effect::Retry(id) => {
            cancel.store(false, Ordering::SeqCst);
            reply(practice.retry(id, &mut sink))
        }
        Effect::Complete(id) => match practice.complete(id) {
            Ok(s) => Some(Event::Completed(s)),
            Err(e) => failed(e),
        },
        Effect::Evaluate(id) => match practice
            .evaluate(id, false)
            .and_then(|e| Ok((practice.show(id)?, e)))
        {
            Ok((session, done)) => Some(Event::Evaluated {
                session,
                evaluation: done.evaluation,
            }),
            Err(e) => failed(e),
        },
        Effect::ShowEvaluation(id) => match practice
            .evaluation(id)
            .and_then(|e| Ok((practice.show(id)?, e)))
        {
            Ok((session, evaluation)) => Some(Event::Evaluated {
                session,
                evaluation,
            }),
            Err(e) => failed(e),
        },
        Effect::Archive(id) => match practice.archive(id) {
            Ok(_) => Some(Event::Archived(id)),
            Err(e) => failed(e),
        },
        Effect::Create(setup) => match practice.create(&setup) {
            Ok(s) => Some(Event::Created(s)),
            Err(e) => failed(e),
        },
        Effect::Drill {
            dimension,
            preparation_type,
        } => {
            let req = crate::practice::analytics::DrillRequest {
                dimension: Some(dimension),
                preparation_type: Some(preparation_type),
            };
            match practice.drill(&req) {
                Ok(started) => Some(Event::Created(started.session)),
                Err(e) => failed(e),
            }
        }
        Effect::SaveDraft { id, text } => practice.save_draft(id, &text).err().and_then(failed),
        // Handled by the driver itself.
        Effect::Cancel | Effect::Edit(_) | Effect::Quit => None,
    }
}
