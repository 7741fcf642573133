//! The sync merge rule's laws over generated copies of one session: merging is commutative,
//! associative and idempotent (so devices may sync in any order, any number of times, and agree),
//! and never drops a message. Copies share some message ids and hold some of their own; two
//! copies of one message id may even disagree (they should not: messages are never edited) and
//! the laws must still hold. Failing seeds are kept in proptest-regressions/.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use prapp::domain::merge::{Synced, merge};
use prapp::domain::{
    ChatMessage, Evaluation, EvaluationSummary, EvaluatorInfo, PreparationType, Role, Scores,
    Session, SessionStatus,
};
use proptest::prelude::*;
use uuid::Uuid;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap() + Duration::seconds(secs)
}

/// A message: ids 0..24 are few enough that copies often share them; timestamps collide often.
fn message() -> impl Strategy<Value = ChatMessage> {
    (0u128..24, any::<bool>(), 0i64..40, 0u8..3).prop_map(|(id, user, secs, variant)| ChatMessage {
        message_id: Uuid::from_u128(id),
        role: if user { Role::User } else { Role::Ai },
        content: format!("message {id} v{variant}"),
        timestamp: at(secs),
    })
}

/// An evaluation is immutable once made, so its id decides its content.
fn evaluation(n: u8) -> Evaluation {
    Evaluation {
        evaluation_id: Uuid::from_u128(1000 + u128::from(n)),
        session_id: Uuid::from_u128(1),
        user_id: Uuid::from_u128(2),
        preparation_type: PreparationType::Interview,
        universal_scores: Scores::default(),
        overall_score: f64::from(n),
        summary: format!("evaluation {n}"),
        strengths: vec![],
        improvement_areas: vec![],
        practice_suggestions: vec![],
        evidence: vec![],
        evaluator: EvaluatorInfo {
            engine: "heuristic".into(),
            model: None,
        },
        // Two evaluations made in the same second: the id breaks the tie.
        created_at: at(i64::from(n / 2) * 10),
        answers: vec![],
    }
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec!["a", "b", "Backend role"]).prop_map(String::from))
}

fn copy() -> impl Strategy<Value = Synced> {
    (
        prop::collection::vec(message(), 0..10),
        prop::sample::select(SessionStatus::ALL.to_vec()),
        prop::sample::select(PreparationType::ALL.to_vec()),
        (text(), text(), text(), text()),
        (0i64..30, 0i64..60, prop::option::of(0i64..60)),
        (
            0usize..6,
            prop::option::of(0u8..6),
            prop::option::of(0u8..2),
        ),
    )
        .prop_map(
            |(
                transcript,
                status,
                preparation_type,
                (meeting_subtype, agenda, tone, role_context),
                (created, updated, completed),
                (turn_count, eval, user),
            )| {
                let evaluation = eval.map(evaluation);
                Synced {
                    session: Session {
                        session_id: Uuid::from_u128(1),
                        user_id: Uuid::from_u128(2 + u128::from(user.unwrap_or(0))),
                        preparation_type,
                        meeting_subtype,
                        agenda,
                        tone,
                        role_context,
                        status,
                        // Whatever a copy claims; the merge recounts from the transcript.
                        turn_count,
                        transcript: Some(transcript),
                        created_at: at(created),
                        updated_at: at(updated),
                        completed_at: completed.map(at),
                        evaluation_summary: evaluation.as_ref().map(|e| EvaluationSummary {
                            overall_score: e.overall_score,
                        }),
                    },
                    evaluation,
                }
            },
        )
}

fn ids(s: &Synced) -> BTreeSet<Uuid> {
    s.session.messages().iter().map(|m| m.message_id).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn commutative(a in copy(), b in copy()) {
        prop_assert_eq!(merge(&a, &b), merge(&b, &a));
    }

    #[test]
    fn associative(a in copy(), b in copy(), c in copy()) {
        prop_assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)));
    }

    #[test]
    fn idempotent(a in copy(), b in copy()) {
        let ab = merge(&a, &b);
        // Merging a result with itself, or with either side again, changes nothing: a push
        // repeated, or a pull of what was just pushed, writes nothing.
        prop_assert_eq!(&merge(&ab, &ab), &ab);
        prop_assert_eq!(&merge(&ab, &a), &ab);
        prop_assert_eq!(&merge(&ab, &b), &ab);
        let aa = merge(&a, &a);
        prop_assert_eq!(&merge(&aa, &aa), &aa);
    }

    #[test]
    fn never_drops_a_message_and_keeps_each_once_in_timestamp_order(a in copy(), b in copy()) {
        let ab = merge(&a, &b);
        let all: BTreeSet<Uuid> = ids(&a).union(&ids(&b)).copied().collect();
        let merged = ab.session.messages();
        prop_assert_eq!(ids(&ab), all.clone());
        prop_assert_eq!(merged.len(), all.len(), "a message id twice");
        prop_assert!(merged
            .windows(2)
            .all(|w| (w[0].timestamp, w[0].message_id) < (w[1].timestamp, w[1].message_id)));
        prop_assert_eq!(
            ab.session.turn_count,
            prapp::domain::count_turns(merged.iter().map(|m| m.role))
        );
    }

    #[test]
    fn status_goes_furthest_and_the_newer_evaluation_wins(a in copy(), b in copy()) {
        let ab = merge(&a, &b);
        prop_assert_eq!(
            ab.session.status.rank(),
            a.session.status.rank().max(b.session.status.rank())
        );
        let newest = [&a.evaluation, &b.evaluation]
            .into_iter()
            .flatten()
            .max_by_key(|e| (e.created_at, e.evaluation_id))
            .cloned();
        prop_assert_eq!(&ab.evaluation, &newest);
        prop_assert_eq!(
            ab.session.evaluation_summary.map(|s| s.overall_score),
            newest.map(|e| e.overall_score)
        );
    }
}
