//! The background side of the TUI: one thread with its own store connection that carries out
//! effects (loading, sending, completing, evaluating) and reports back as events, so drawing
//! never waits on the store or the coach.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use uuid::Uuid;

use super::app::{Effect, Event};
use crate::coach::{Cancel, Coach};
use crate::domain::SessionStatus;
use crate::engines::Engines;
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
    cancel: Cancel,
    engines: Engines,
) {
    let store = match Store::open(&data_dir) {
        Ok(s) => s,
        Err(e) => {
            let _ = events.send(Event::Failed(e.to_string()));
            return;
        }
    };
    let practice = match Practice::local(&store, engines.builtin()) {
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
            other => {
                let worker = Worker {
                    store: &store,
                    engines: &engines,
                    practice: &practice,
                    events: &events,
                    cancel: &cancel,
                    pace,
                };
                worker.carry_out(other)
            }
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

struct Worker<'a> {
    store: &'a Store,
    engines: &'a Engines,
    /// For everything that asks no coach.
    practice: &'a Practice<'a>,
    events: &'a Sender<Event>,
    cancel: &'a Cancel,
    pace: Duration,
}

impl Worker<'_> {
    /// The use cases with the coach that answers session `id` (or opens a new one).
    fn with_coach(&self, id: Option<Uuid>) -> crate::Result<(Practice<'_>, &dyn Coach)> {
        let pinned = match id {
            Some(id) => self.practice.pinned_coach(id)?,
            None => None,
        };
        let coach = self.engines.coach(pinned.as_deref())?;
        let practice = Practice::local(self.store, coach)?.with_cancel(self.cancel.clone());
        Ok((practice, coach))
    }

    /// Sends or retries with streaming chunks to the screen. The built-in coach's words are
    /// paced to read like typing; a model's stream arrives at its own pace.
    fn reply(
        &self,
        id: Uuid,
        go: impl FnOnce(
            &Practice<'_>,
            crate::coach::Sink<'_>,
        ) -> crate::Result<crate::domain::TurnReply>,
    ) -> Option<Event> {
        self.cancel.reset();
        let result = self.with_coach(Some(id)).and_then(|(practice, coach)| {
            let pace = if coach.name() == "built-in" {
                self.pace
            } else {
                Duration::ZERO
            };
            let mut sink = |piece: &str| {
                let _ = self.events.send(Event::Chunk(piece.to_string()));
                if !pace.is_zero() {
                    std::thread::sleep(pace);
                }
                !self.cancel.is_cancelled()
            };
            go(&practice, &mut sink)
        });
        match result {
            Ok(reply) => Some(Event::Replied(reply)),
            Err(e) => Some(Event::ReplyFailed {
                message: e.to_string(),
                cancelled: self.cancel.is_cancelled(),
            }),
        }
    }

    fn carry_out(&self, effect: Effect) -> Option<Event> {
        let practice = self.practice;
        carry_out(self, practice, effect)
    }
}

fn carry_out(w: &Worker<'_>, practice: &Practice<'_>, effect: Effect) -> Option<Event> {
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
        Effect::Send { id, text } => w.reply(id, |p, sink| p.send(id, &text, sink)),
        Effect::Retry(id) => w.reply(id, |p, sink| p.retry(id, sink)),
        Effect::Complete(id) => match practice.complete(id) {
            Ok(s) => Some(Event::Completed(s)),
            Err(e) => failed(e),
        },
        Effect::Evaluate(id) => match w
            .engines
            .judge()
            .and_then(|judge| {
                let judged =
                    Practice::local(w.store, w.engines.builtin())?.with_judge(judge.as_ref());
                judged.evaluate(id, false)
            })
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
        Effect::Create(setup) => match w.with_coach(None).and_then(|(p, _)| {
            let s = p.create(&setup)?;
            if let Some(pin) = w.engines.pin_for_new_session() {
                p.pin_coach(s.session_id, pin)?;
            }
            Ok(s)
        }) {
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
            match w.with_coach(None).and_then(|(p, _)| p.drill(&req)) {
                Ok(started) => Some(Event::Created(started.session)),
                Err(e) => failed(e),
            }
        }
        Effect::SaveDraft { id, text } => practice.save_draft(id, &text).err().and_then(failed),
        // Handled by the driver itself.
        Effect::Cancel | Effect::Edit(_) | Effect::Quit => None,
    }
}
