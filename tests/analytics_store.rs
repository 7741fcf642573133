//! Analytics against a real SQLite file: what the store aggregates (windows, types, users,
//! replaced evaluations), what the use cases make of it, drills, and a v1 database upgraded in
//! place.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use chrono::{DateTime, Duration, TimeZone, Utc};
use prapp::analytics::RecentTrend;
use prapp::coach::bank;
use prapp::coach::builtin::BuiltinCoach;
use prapp::domain::{
    self, ChatMessage, Dimension, Evaluation, EvaluatorInfo, ImprovementArea, PreparationType,
    Priority, Role, Scores, Session, SessionStatus,
};
use prapp::practice::Practice;
use prapp::practice::analytics::{DrillReason, DrillRequest, TrendsQuery};
use prapp::store::prelude::*;
use prapp::store::{AnalyticsFilter, Store};
use uuid::Uuid;

fn session(user: Uuid, t: PreparationType, created_at: DateTime<Utc>) -> Session {
    Session {
        session_id: Uuid::now_v7(),
        user_id: user,
        preparation_type: t,
        meeting_subtype: None,
        agenda: None,
        tone: None,
        role_context: None,
        status: SessionStatus::Completed,
        transcript: Some(vec![ChatMessage {
            message_id: Uuid::now_v7(),
            role: Role::Ai,
            content: "Tell me about yourself.".into(),
            timestamp: created_at,
        }]),
        turn_count: 3,
        created_at,
        updated_at: created_at,
        completed_at: Some(created_at),
        evaluation_summary: None,
    }
}

fn evaluation(s: &Session, scores: [f64; 6], weak: &[Dimension], at: DateTime<Utc>) -> Evaluation {
    let scores = Scores::from_array(scores);
    Evaluation {
        evaluation_id: Uuid::now_v7(),
        session_id: s.session_id,
        user_id: s.user_id,
        preparation_type: s.preparation_type,
        universal_scores: scores,
        overall_score: domain::round_score(scores.to_array().iter().sum::<f64>() / 6.0),
        summary: "A test evaluation.".into(),
        strengths: vec![],
        improvement_areas: weak
            .iter()
            .map(|&d| ImprovementArea {
                dimension: d,
                current_level: scores.get(d),
                suggestion: format!("Work on {d}."),
                priority: Priority::Medium,
            })
            .collect(),
        practice_suggestions: vec!["Practise.".into()],
        evidence: vec![],
        evaluator: EvaluatorInfo {
            engine: "test".into(),
            model: None,
        },
        created_at: at,
        answers: vec![],
    }
}

/// Stores a session started `days_ago` and its evaluation, made a day after it (or now).
fn practised(
    store: &Store,
    user: Uuid,
    t: PreparationType,
    days_ago: i64,
    scores: [f64; 6],
    weak: &[Dimension],
) -> Session {
    let started = domain::now() - Duration::days(days_ago);
    let s = session(user, t, started);
    store.insert_session(&s).unwrap();
    let judged = (started + Duration::days(1)).min(domain::now());
    store
        .save_evaluation(&evaluation(&s, scores, weak, judged))
        .unwrap();
    s
}

fn trends(
    p: &Practice<'_>,
    days: Option<u32>,
    t: Option<PreparationType>,
) -> prapp::analytics::Trends {
    p.trends(&TrendsQuery {
        days,
        preparation_type: t,
    })
    .unwrap()
}

use Dimension::*;
use PreparationType::*;

#[test]
fn trends_come_from_the_stored_columns_within_the_window_and_type() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let coach = BuiltinCoach::lexical();
    let p = Practice::local(&store, &coach).unwrap();
    let user = p.user().user_id;

    // Practised 120 days ago: outside a 90-day window.
    practised(&store, user, Interview, 120, [2.0; 6], &[Engagement]);
    // Started 91 days ago and only judged 90 days ago: outside too, like its session.
    practised(&store, user, Interview, 91, [3.0; 6], &[Engagement]);
    practised(
        &store,
        user,
        Interview,
        30,
        [5.0, 6.0, 4.0, 5.0, 5.0, 5.0],
        &[ConfidenceDelivery, Engagement],
    );
    practised(
        &store,
        user,
        Pitch,
        20,
        [6.0, 6.0, 5.0, 6.0, 6.0, 7.0],
        &[ConfidenceDelivery],
    );
    practised(
        &store,
        user,
        Interview,
        10,
        [6.0, 7.0, 5.0, 6.0, 6.0, 6.0],
        &[ConfidenceDelivery],
    );
    practised(
        &store,
        user,
        Interview,
        5,
        [8.0, 8.0, 7.0, 8.0, 8.0, 9.0],
        &[],
    );
    // Started, never evaluated.
    store
        .insert_session(&session(user, Sales, domain::now() - Duration::days(2)))
        .unwrap();

    let t = trends(&p, Some(90), None);
    assert_eq!((t.total_sessions, t.evaluated_sessions), (5, 4));
    assert_eq!(
        t.average_scores,
        Some(Scores::from_array([6.3, 6.8, 5.3, 6.3, 6.3, 6.8]))
    );
    assert_eq!(t.overall_average, Some(6.25));
    assert_eq!(t.recent_trend, RecentTrend::Improving);
    let weak: Vec<(Dimension, usize)> = t
        .recurring_weaknesses
        .iter()
        .map(|w| (w.dimension, w.occurrences))
        .collect();
    assert_eq!(weak, [(ConfidenceDelivery, 3), (Engagement, 1)]);
    assert_eq!(t.recurring_weaknesses[0].share, 0.75);
    // Practice order, oldest first.
    let progression: Vec<f64> = t
        .score_progression
        .iter()
        .map(|p| p.overall_score)
        .collect();
    assert_eq!(progression, [5.0, 6.0, 6.0, 8.0]);

    let all = trends(&p, None, None);
    assert_eq!((all.total_sessions, all.evaluated_sessions), (7, 6));
    assert_eq!(all.recurring_weaknesses[0].dimension, ConfidenceDelivery);
    assert_eq!(
        all.recurring_weaknesses[1].occurrences, 3,
        "engagement, all time"
    );

    let pitch = trends(&p, Some(90), Some(Pitch));
    assert_eq!((pitch.total_sessions, pitch.evaluated_sessions), (1, 1));
    assert_eq!(pitch.recent_trend, RecentTrend::InsufficientData);
    assert_eq!(pitch.improvement_velocity, None);
    let recent = trends(&p, Some(7), Some(Interview));
    assert_eq!((recent.total_sessions, recent.evaluated_sessions), (1, 1));
    let none = trends(&p, Some(90), Some(Other));
    assert_eq!((none.total_sessions, none.evaluated_sessions), (0, 0));
    assert_eq!(none.average_scores, None);

    // The per-row table agrees with the mask the trends scan reads.
    let table = store
        .weakness_counts(user, &AnalyticsFilter::default())
        .unwrap();
    for w in &all.recurring_weaknesses {
        assert!(table.contains(&(w.dimension, w.occurrences)), "{table:?}");
    }
}

#[test]
fn the_first_day_of_a_window_is_counted_session_by_session() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let user = store.local_user().unwrap().user_id;
    let at = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 1, d, h, 0, 0).unwrap();
    for (t, when) in [
        (Interview, at(9, 23)),
        (Interview, at(10, 11)),
        (Interview, at(10, 13)),
        (Pitch, at(10, 14)),
        (Interview, at(11, 1)),
        (Pitch, at(12, 9)),
    ] {
        store.insert_session(&session(user, t, when)).unwrap();
    }
    let since = Some(at(10, 12));
    let count = |since, preparation_type| {
        store
            .count_sessions(
                user,
                &AnalyticsFilter {
                    since,
                    preparation_type,
                },
            )
            .unwrap()
    };
    assert_eq!(count(since, None), 4);
    assert_eq!(count(since, Some(Interview)), 2);
    assert_eq!(count(since, Some(Pitch)), 2);
    assert_eq!(count(None, None), 6);
    assert_eq!(count(Some(at(13, 0)), None), 0);
}

#[test]
fn analytics_only_see_their_own_user() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let coach = BuiltinCoach::lexical();
    let p = Practice::local(&store, &coach).unwrap();
    let stranger = Uuid::now_v7();
    rusqlite::Connection::open(store.path())
        .unwrap()
        .execute(
            "INSERT INTO users (user_id, is_local, created_at) VALUES (?1, 0, '2026-01-01T00:00:00.000000Z')",
            [stranger.to_string()],
        )
        .unwrap();
    practised(&store, stranger, Interview, 3, [1.0; 6], &[Engagement]);
    practised(
        &store,
        p.user().user_id,
        Interview,
        3,
        [7.0; 6],
        &[ClarityStructure],
    );
    let t = trends(&p, None, None);
    assert_eq!((t.total_sessions, t.evaluated_sessions), (1, 1));
    assert_eq!(t.overall_average, Some(7.0));
    assert_eq!(t.recurring_weaknesses.len(), 1);
    let imp = p.improvements().unwrap();
    assert_eq!(imp.improvements.len(), 1);
    assert_eq!(imp.improvements[0].dimension, ClarityStructure);
}

#[test]
fn a_replaced_evaluation_replaces_its_improvement_rows() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let coach = BuiltinCoach::lexical();
    let p = Practice::local(&store, &coach).unwrap();
    let s = practised(
        &store,
        p.user().user_id,
        Sales,
        1,
        [4.0; 6],
        &[Engagement, ToneAlignment],
    );
    let again = evaluation(
        &s,
        [9.0, 9.0, 9.0, 9.0, 9.0, 6.0],
        &[Engagement],
        domain::now(),
    );
    store.save_evaluation(&again).unwrap();
    let t = trends(&p, None, None);
    assert_eq!(t.evaluated_sessions, 1);
    assert_eq!(t.score_progression[0].scores.engagement, 6.0);
    let weak: Vec<Dimension> = t.recurring_weaknesses.iter().map(|w| w.dimension).collect();
    assert_eq!(weak, [Engagement]);
    let imp = p.improvements().unwrap();
    assert_eq!(imp.improvements.len(), 1);
    assert_eq!(imp.improvements[0].latest_score, 6.0);
    assert_eq!(imp.improvements[0].suggestion, "Work on engagement.");
}

#[test]
fn improvements_merge_recurring_weaknesses_with_the_latest_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let coach = BuiltinCoach::lexical();
    let p = Practice::local(&store, &coach).unwrap();
    let user = p.user().user_id;
    assert!(p.improvements().unwrap().improvements.is_empty());
    practised(
        &store,
        user,
        Interview,
        9,
        [5.0; 6],
        &[ToneAlignment, Engagement],
    );
    practised(&store, user, Interview, 8, [5.0; 6], &[ToneAlignment]);
    practised(
        &store,
        user,
        Interview,
        7,
        [5.0; 6],
        &[ToneAlignment, Engagement],
    );
    practised(
        &store,
        user,
        Interview,
        1,
        [7.0, 7.0, 4.0, 7.0, 7.5, 6.0],
        &[ConfidenceDelivery],
    );
    let imp = p.improvements().unwrap();
    let got: Vec<(Dimension, usize, Priority, f64)> = imp
        .improvements
        .iter()
        .map(|i| (i.dimension, i.occurrences, i.priority, i.latest_score))
        .collect();
    // Most urgent first: medium before low, and among the mediums the lowest score; a low
    // priority never comes above a medium one, however often it recurred.
    assert_eq!(
        got,
        [
            (ConfidenceDelivery, 1, Priority::Medium, 4.0),
            (Engagement, 2, Priority::Medium, 6.0),
            (ToneAlignment, 3, Priority::Low, 7.5),
        ]
    );
    // Not in the latest evaluation: the drill's advice stands in.
    assert_eq!(
        imp.improvements[2].suggestion,
        bank::drill(ToneAlignment).suggestion
    );
    assert_eq!(
        imp.improvements[0].suggestion,
        "Work on confidence_delivery."
    );
    assert_eq!(imp.practice_suggestions[0], "Practise.");
    assert!(imp.practice_suggestions[1].contains("prapp drill --dimension confidence`"));
}

#[test]
fn a_drill_targets_the_weakest_dimension_and_trends_show_its_effect() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let coach = BuiltinCoach::lexical();
    let p = Practice::local(&store, &coach).unwrap();
    let user = p.user().user_id;

    let err = p.drill(&DrillRequest::default()).unwrap_err().to_string();
    assert!(
        err.contains("no evaluated sessions yet") && err.contains("--dimension"),
        "{err}"
    );

    practised(
        &store,
        user,
        Sales,
        3,
        [6.0, 6.0, 6.0, 6.0, 6.0, 4.0],
        &[Engagement],
    );
    practised(
        &store,
        user,
        Pitch,
        2,
        [6.0, 6.0, 5.5, 6.0, 6.0, 5.0],
        &[Engagement],
    );
    let (d, avg, n) = p.weakest_dimension(None).unwrap().unwrap();
    assert_eq!((d, avg, n), (Engagement, 4.5, 2));

    let started = p.drill(&DrillRequest::default()).unwrap();
    assert_eq!(started.dimension, Engagement);
    assert_eq!(
        started.reason,
        DrillReason::Weakest {
            average: 4.5,
            evaluations: 2
        }
    );
    let s = &started.session;
    assert_eq!(s.meeting_subtype.as_deref(), Some("drill-engagement"));
    assert_eq!(s.preparation_type, Pitch, "the latest evaluation's type");
    let drill = bank::drill(Engagement);
    assert_eq!(s.agenda.as_deref(), Some(drill.agenda.as_str()));
    let opening = &s.messages()[0].content;
    assert!(drill.subtype.openings.contains(opening), "{opening}");

    // Named dimension and type; the weakest among one type when it has evaluations.
    let named = p
        .drill(&DrillRequest {
            dimension: Some(ClarityStructure),
            preparation_type: Some(Interview),
        })
        .unwrap();
    assert_eq!(named.reason, DrillReason::Named);
    assert_eq!(
        named.session.meeting_subtype.as_deref(),
        Some("drill-clarity_structure")
    );
    assert_eq!(
        p.weakest_dimension(Some(Pitch)).unwrap().map(|w| w.0),
        Some(Engagement)
    );

    // The drill session itself, evaluated: engagement went from 4.5 before to 7.0 after.
    store
        .save_evaluation(&evaluation(
            s,
            [6.0, 6.0, 6.0, 6.0, 6.0, 7.0],
            &[],
            domain::now(),
        ))
        .unwrap();
    let t = trends(&p, None, None);
    let fx: Vec<_> = t
        .drill_effects
        .iter()
        .map(|f| (f.dimension, f.drill_sessions))
        .collect();
    assert_eq!(fx, [(ClarityStructure, 1), (Engagement, 1)]);
    let eng = &t.drill_effects[1];
    assert_eq!((eng.evaluations_before, eng.evaluations_after), (2, 1));
    assert_eq!(
        (eng.mean_before, eng.mean_after, eng.change),
        (Some(4.5), Some(7.0), Some(2.5))
    );
}

#[test]
fn a_v1_database_is_upgraded_and_its_evaluations_backfilled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prapp.db");
    let user = Uuid::now_v7();
    let started = domain::now() - Duration::days(3);
    let s = session(user, Interview, started);
    let e = evaluation(
        &s,
        [5.5, 6.5, 4.5, 7.0, 7.5, 3.5],
        &[Engagement, ConfidenceDelivery, Engagement],
        started + Duration::hours(1),
    );
    {
        // Only what prapp v1 knew: its schema, a user, a session, an evaluation.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../migrations/0001_init.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", prapp::store::APPLICATION_ID)
            .unwrap();
        conn.execute(
            "INSERT INTO users (user_id, is_local, created_at) VALUES (?1, 1, ?2)",
            [user.to_string(), "2026-01-01T00:00:00.000000Z".to_string()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO sessions (session_id, user_id, preparation_type, status, turn_count,
                created_at, updated_at) VALUES (?1, ?2, 'interview', 'completed', 3, ?3, ?3)",
            [
                s.session_id.to_string(),
                user.to_string(),
                started.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            ],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO evaluations (evaluation_id, session_id, user_id, preparation_type,
                overall_score, body, created_at) VALUES (?1, ?2, ?3, 'interview', ?4, ?5, ?6)",
            rusqlite::params![
                e.evaluation_id.to_string(),
                s.session_id.to_string(),
                user.to_string(),
                e.overall_score,
                serde_json::to_string(&e).unwrap(),
                e.created_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            ],
        )
        .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, prapp::store::SCHEMA_VERSION);
    let coach = BuiltinCoach::lexical();
    let p = Practice::local(&store, &coach).unwrap();
    assert_eq!(p.user().user_id, user);
    let t = trends(&p, Some(90), None);
    assert_eq!((t.total_sessions, t.evaluated_sessions), (1, 1));
    assert_eq!(t.average_scores, Some(e.universal_scores));
    assert_eq!(t.score_progression[0].evaluated_at, e.created_at);
    let weak: Vec<(Dimension, usize)> = t
        .recurring_weaknesses
        .iter()
        .map(|w| (w.dimension, w.occurrences))
        .collect();
    assert_eq!(
        weak,
        [(Engagement, 1), (ConfidenceDelivery, 1)],
        "the duplicate counts once"
    );
    let imp = p.improvements().unwrap();
    assert_eq!(imp.improvements.len(), 2);
    assert_eq!(imp.improvements[0].latest_score, 3.5);
    // Opening again changes nothing.
    drop(p);
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    let p = Practice::local(&store, &coach).unwrap();
    assert_eq!(trends(&p, None, None), t);
}
