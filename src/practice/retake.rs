//! Retakes: each answer of a completed session on its own, a new attempt at one of them judged
//! in the session's context, and what changed between two attempts. The session's transcript and
//! its evaluation are never changed by a retake.

use std::collections::BTreeSet;

use serde::Serialize;
use uuid::Uuid;

use super::Practice;
use crate::domain::{self, AnswerResult, Attempt, Dimension, Role, Session, SessionStatus};
use crate::error::{Error, Result};
use crate::text;

/// One question of a session: the answer given in the session, the retakes, and which is best.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerHistory {
    pub number: u32,
    pub question: String,
    /// The answer as given in the session.
    pub original: AnswerResult,
    pub attempts: Vec<Attempt>,
    /// Which is best by overall score: 0 for the original, k for the k-th attempt.
    pub best: usize,
}

impl AnswerHistory {
    /// The latest try: the last attempt, or the original.
    pub fn latest(&self) -> &AnswerResult {
        self.attempts.last().map_or(&self.original, |a| &a.result)
    }

    /// The best overall score of any try.
    pub fn best_overall(&self) -> f64 {
        match self.best {
            0 => self.original.overall,
            k => self.attempts[k - 1].result.overall,
        }
    }
}

/// What changed from one try to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptDiff {
    pub number: u32,
    /// "original" or "attempt k".
    pub from: String,
    pub to: String,
    pub overall: (f64, f64),
    /// Per dimension: (name, before, after).
    pub scores: Vec<(String, f64, f64)>,
    pub rubric_gained: Vec<String>,
    pub rubric_lost: Vec<String>,
    /// Sentences of the new answer that say something the old one did not.
    pub new_points: Vec<String>,
}

impl Practice<'_> {
    /// Every answer of a completed session with its retakes, weakest (by its best try) first.
    pub fn answers(&self, id: Uuid) -> Result<Vec<AnswerHistory>> {
        let session = self.show(id)?;
        let originals = self.original_results(&session)?;
        let attempts = self.store.attempts(self.user.user_id, id)?;
        let mut out: Vec<AnswerHistory> = originals
            .into_iter()
            .map(|original| {
                let mine: Vec<Attempt> = attempts
                    .iter()
                    .filter(|a| a.number == original.number)
                    .cloned()
                    .collect();
                let best = std::iter::once(original.overall)
                    .chain(mine.iter().map(|a| a.result.overall))
                    .enumerate()
                    .fold((0, f64::MIN), |b, (i, o)| if o > b.1 { (i, o) } else { b })
                    .0;
                AnswerHistory {
                    number: original.number,
                    question: original.question.clone(),
                    original,
                    attempts: mine,
                    best,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            a.best_overall()
                .total_cmp(&b.best_overall())
                .then(a.number.cmp(&b.number))
        });
        Ok(out)
    }

    /// A session's retakes, by question then oldest first.
    pub fn attempts(&self, id: Uuid) -> Result<Vec<Attempt>> {
        self.store.attempts(self.user.user_id, id)
    }

    /// The question whose answer is weakest (its best try lowest).
    pub fn weakest(&self, id: Uuid) -> Result<u32> {
        self.answers(id)?
            .first()
            .map(|a| a.number)
            .ok_or_else(|| Error::Input("the session has no answers to retake".into()))
    }

    /// Answers question `number` of a completed session again: judged as if it had been given in
    /// the session (the same question, the same conversation before it), stored as an attempt.
    pub fn retake(&self, id: Uuid, number: u32, answer: &str) -> Result<Attempt> {
        let session = self.show(id)?;
        let short = &session.session_id.to_string()[..13];
        match session.status {
            SessionStatus::Completed => {}
            SessionStatus::Archived => {
                return Err(Error::Input(format!(
                    "session {short} is archived — restore it with `prapp session status {short} completed` to retake an answer"
                )));
            }
            status => {
                return Err(Error::Input(format!(
                    "session {short} is {status}: retakes are for completed sessions — finish it with `prapp session complete {short}`"
                )));
            }
        }
        let answer = answer.trim();
        if answer.is_empty() {
            return Err(Error::Input(
                "the new answer is empty — write it with --message TEXT or on stdin".into(),
            ));
        }
        let n = answer_count(&session);
        if number == 0 || number as usize > n {
            return Err(Error::Input(format!(
                "session {short} has no question {number}: it has {n} answered question{} — `prapp session answers {short}` lists them",
                if n == 1 { "" } else { "s" }
            )));
        }
        let mut tried = session.clone();
        if let Some(m) = tried
            .transcript
            .get_or_insert_default()
            .iter_mut()
            .filter(|m| m.role == Role::User)
            .nth(number as usize - 1)
        {
            m.content = answer.to_string();
        }
        let result = self
            .assess(&tried)?
            .answers
            .into_iter()
            .find(|a| a.number == number)
            .ok_or_else(|| {
                Error::Input(
                    "the judge in use gives no per-answer results; retakes need the built-in judge"
                        .into(),
                )
            })?;
        let attempt = Attempt {
            attempt_id: Uuid::now_v7(),
            session_id: session.session_id,
            user_id: self.user.user_id,
            number,
            answer: answer.to_string(),
            result,
            created_at: domain::now(),
        };
        self.store.save_attempt(&attempt)?;
        Ok(attempt)
    }

    /// What changed on question `number` between its last two tries (the original and the first
    /// attempt when there is one attempt).
    pub fn diff(&self, id: Uuid, number: u32) -> Result<AttemptDiff> {
        let short = &id.to_string()[..13];
        let history = self
            .answers(id)?
            .into_iter()
            .find(|a| a.number == number)
            .ok_or_else(|| {
                Error::Input(format!(
                    "session {short} has no question {number} — `prapp session answers {short}` lists them"
                ))
            })?;
        let k = history.attempts.len();
        if k == 0 {
            return Err(Error::Input(format!(
                "question {number} has not been retaken yet — `prapp retake {short} --question {number}`"
            )));
        }
        let (from, before) = match k {
            1 => ("original".to_string(), &history.original),
            _ => (
                format!("attempt {}", k - 1),
                &history.attempts[k - 2].result,
            ),
        };
        let after = &history.attempts[k - 1].result;
        Ok(diff(number, from, format!("attempt {k}"), before, after))
    }

    /// Each answer's result as the session's evaluation has it, or as the judge gives it now
    /// when the evaluation holds none (not evaluated yet, or by a judge without them).
    fn original_results(&self, session: &Session) -> Result<Vec<AnswerResult>> {
        if let Some(e) = self
            .store
            .evaluation(self.user.user_id, session.session_id)?
            && !e.answers.is_empty()
        {
            return Ok(e.answers);
        }
        Ok(self.assess(session)?.answers)
    }
}

fn answer_count(s: &Session) -> usize {
    s.messages().iter().filter(|m| m.role == Role::User).count()
}

fn diff(
    number: u32,
    from: String,
    to: String,
    before: &AnswerResult,
    after: &AnswerResult,
) -> AttemptDiff {
    let had: BTreeSet<&String> = before.rubric_found.iter().collect();
    let has: BTreeSet<&String> = after.rubric_found.iter().collect();
    let old_words = text::content_stems(&before.answer);
    let new_points = text::sentences::sentences(&after.answer)
        .into_iter()
        .filter(|s| {
            let words = text::content_stems(s);
            let fresh = words.iter().filter(|w| !old_words.contains(*w)).count();
            words.len() >= 3 && fresh * 2 > words.len()
        })
        .take(3)
        .map(str::to_string)
        .collect();
    AttemptDiff {
        number,
        from,
        to,
        overall: (before.overall, after.overall),
        scores: Dimension::ALL
            .iter()
            .map(|&d| {
                (
                    d.as_str().to_string(),
                    before.scores.get(d),
                    after.scores.get(d),
                )
            })
            .collect(),
        rubric_gained: has.difference(&had).map(|s| (*s).clone()).collect(),
        rubric_lost: had.difference(&has).map(|s| (*s).clone()).collect(),
        new_points,
    }
}
