//! The sync merge rule: how two copies of one session (this machine's and the server's) become
//! one. Every field merges with a join (the larger of the two in some fixed order), so merging is
//! commutative, associative and idempotent: pushing the same data twice changes nothing, and the
//! order in which devices sync does not matter.
//!
//! - transcripts are append-only: the union by `message_id`, ordered by `timestamp` (then id);
//! - status takes the furthest along the life cycle, `archived` over all;
//! - the newer evaluation (`created_at`, then `evaluation_id`) wins;
//! - setup fields do not change after creation; should two copies disagree, the larger value wins
//!   so the result is still the same whichever side merges.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{
    ChatMessage, Evaluation, EvaluationSummary, Role, Session, SessionStatus, count_turns,
};

/// The union of two transcripts by `message_id`, ordered by timestamp. Should the two copies of one
/// message differ (they should not: messages are never edited), the smaller copy wins.
pub fn merge_transcripts(a: &[ChatMessage], b: &[ChatMessage]) -> Vec<ChatMessage> {
    let mut by_id: BTreeMap<Uuid, &ChatMessage> = BTreeMap::new();
    for m in a.iter().chain(b) {
        by_id
            .entry(m.message_id)
            .and_modify(|kept| {
                if message_key(m) < message_key(kept) {
                    *kept = m;
                }
            })
            .or_insert(m);
    }
    let mut merged: Vec<ChatMessage> = by_id.into_values().cloned().collect();
    merged.sort_by_key(|x| (x.timestamp, x.message_id));
    merged
}

fn message_key(m: &ChatMessage) -> (chrono::DateTime<chrono::Utc>, u8, &str) {
    let role = match m.role {
        Role::Ai => 0,
        Role::User => 1,
    };
    (m.timestamp, role, m.content.as_str())
}

/// The newer of two evaluations of the same session.
pub fn merge_evaluations(a: Option<&Evaluation>, b: Option<&Evaluation>) -> Option<Evaluation> {
    match (a, b) {
        (Some(x), Some(y)) => {
            let newer = if (y.created_at, y.evaluation_id) > (x.created_at, x.evaluation_id) {
                y
            } else {
                x
            };
            Some(newer.clone())
        }
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    }
}

/// Two copies of one session as one. The turn count is recounted from the merged transcript; the
/// evaluation summary is left to [`merge`], which knows the evaluations.
pub fn merge_sessions(a: &Session, b: &Session) -> Session {
    let transcript = merge_transcripts(a.messages(), b.messages());
    let status = if b.status.rank() > a.status.rank() {
        b.status
    } else {
        a.status
    };
    let completed_at = match (a.completed_at, b.completed_at) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    Session {
        session_id: a.session_id.max(b.session_id),
        user_id: a.user_id.max(b.user_id),
        preparation_type: a.preparation_type.max(b.preparation_type),
        meeting_subtype: a.meeting_subtype.clone().max(b.meeting_subtype.clone()),
        agenda: a.agenda.clone().max(b.agenda.clone()),
        tone: a.tone.clone().max(b.tone.clone()),
        role_context: a.role_context.clone().max(b.role_context.clone()),
        status,
        turn_count: count_turns(transcript.iter().map(|m| m.role)),
        transcript: Some(transcript),
        created_at: a.created_at.min(b.created_at),
        updated_at: a.updated_at.max(b.updated_at),
        completed_at,
        evaluation_summary: None,
    }
}

/// The status an archived session goes back to when restored, once a merge has moved it from
/// `from` to `to`: a merge that archives remembers where it came from; otherwise it stays
/// `previous` (what the stored copy remembered).
pub fn previous_status_after(
    from: SessionStatus,
    to: SessionStatus,
    previous: Option<SessionStatus>,
) -> Option<SessionStatus> {
    match (from, to) {
        (from, SessionStatus::Archived) if from != SessionStatus::Archived => Some(from),
        _ => previous,
    }
}

/// A session with its evaluation, as sync pushes and pulls them.
#[derive(Debug, Clone, PartialEq)]
pub struct Synced {
    pub session: Session,
    pub evaluation: Option<Evaluation>,
}

/// Merges two copies of a session with their evaluations.
pub fn merge(a: &Synced, b: &Synced) -> Synced {
    let mut session = merge_sessions(&a.session, &b.session);
    let evaluation = merge_evaluations(a.evaluation.as_ref(), b.evaluation.as_ref());
    session.evaluation_summary = evaluation.as_ref().map(|e| EvaluationSummary {
        overall_score: e.overall_score,
    });
    Synced {
        session,
        evaluation,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::domain::{Assessment, EvaluatorInfo, PreparationType, Scores};

    fn at(secs: i64) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap() + Duration::seconds(secs)
    }

    fn msg(n: u128, role: Role, secs: i64) -> ChatMessage {
        ChatMessage {
            message_id: Uuid::from_u128(n),
            role,
            content: format!("message {n}"),
            timestamp: at(secs),
        }
    }

    fn session(status: SessionStatus, transcript: Vec<ChatMessage>) -> Session {
        Session {
            session_id: Uuid::from_u128(1),
            user_id: Uuid::from_u128(2),
            preparation_type: PreparationType::Interview,
            meeting_subtype: Some("behavioral".into()),
            agenda: Some("Backend role".into()),
            tone: None,
            role_context: None,
            status,
            turn_count: 0,
            transcript: Some(transcript),
            created_at: at(0),
            updated_at: at(100),
            completed_at: None,
            evaluation_summary: None,
        }
    }

    fn evaluation(n: u128, secs: i64, score: f64) -> Evaluation {
        let mut e = Evaluation::new(
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            PreparationType::Interview,
            Assessment {
                universal_scores: Scores::default(),
                overall_score: score,
                summary: String::new(),
                strengths: vec![],
                improvement_areas: vec![],
                practice_suggestions: vec![],
                evidence: vec![],
                notice: None,
                evaluator: EvaluatorInfo {
                    engine: "heuristic".into(),
                    model: None,
                },
                answers: vec![],
            },
        );
        e.evaluation_id = Uuid::from_u128(n);
        e.created_at = at(secs);
        e
    }

    /// Three copies that disagree in every way the rule covers.
    fn copies() -> [Synced; 3] {
        use Role::*;
        let opening = msg(10, Ai, 1);
        [
            Synced {
                session: session(
                    SessionStatus::InProgress,
                    vec![opening.clone(), msg(11, User, 2), msg(12, Ai, 3)],
                ),
                evaluation: None,
            },
            Synced {
                session: session(
                    SessionStatus::Completed,
                    vec![opening.clone(), msg(13, User, 4), msg(14, Ai, 5)],
                ),
                evaluation: Some(evaluation(20, 50, 6.0)),
            },
            Synced {
                session: session(SessionStatus::Archived, vec![opening]),
                evaluation: Some(evaluation(21, 60, 7.5)),
            },
        ]
    }

    #[test]
    fn commutative() {
        let c = copies();
        for a in &c {
            for b in &c {
                assert_eq!(merge(a, b), merge(b, a));
            }
        }
    }

    #[test]
    fn associative() {
        let [a, b, c] = copies();
        assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)));
    }

    #[test]
    fn idempotent_pushing_twice_changes_nothing() {
        for a in copies() {
            let once = merge(&a, &a);
            assert_eq!(merge(&once, &a), once);
        }
        let [a, b, _] = copies();
        let ab = merge(&a, &b);
        assert_eq!(merge(&ab, &b), ab);
    }

    #[test]
    fn never_drops_a_message_and_orders_by_timestamp() {
        let [a, b, c] = copies();
        let all = merge(&merge(&a, &b), &c);
        let ids: Vec<u128> = all
            .session
            .messages()
            .iter()
            .map(|m| m.message_id.as_u128())
            .collect();
        assert_eq!(ids, vec![10, 11, 12, 13, 14]);
        assert_eq!(all.session.turn_count, 2);
    }

    #[test]
    fn furthest_status_and_newer_evaluation_win() {
        let [a, b, c] = copies();
        assert_eq!(merge(&a, &b).session.status, SessionStatus::Completed);
        assert_eq!(merge(&b, &c).session.status, SessionStatus::Archived);
        let e = merge(&b, &c).evaluation.unwrap();
        assert_eq!(e.evaluation_id.as_u128(), 21);
        assert_eq!(
            merge(&b, &c)
                .session
                .evaluation_summary
                .map(|s| s.overall_score),
            Some(7.5)
        );
        assert_eq!(
            merge(&a, &b).evaluation.unwrap().evaluation_id.as_u128(),
            20
        );
    }
}
