//! The use cases against a real SQLite file, with coaches that fail or get cancelled: nothing the
//! user typed is lost and the transcript stays consistent and retryable.

use std::sync::atomic::{AtomicBool, Ordering};

use prapp::coach::builtin::BuiltinCoach;

static COACH: BuiltinCoach = BuiltinCoach::lexical();
use prapp::coach::{Cancel, Coach, CoachError, Reply, Sink};
use prapp::domain::{PreparationType, Role, Session, SessionSetup};
use prapp::practice::Practice;
use prapp::store::Store;

/// Fails until told otherwise, then answers like the built-in coach.
struct Flaky {
    failing: AtomicBool,
}

impl Coach for Flaky {
    fn name(&self) -> String {
        "flaky".into()
    }
    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError> {
        if session.messages().is_empty() || !self.failing.load(Ordering::SeqCst) {
            return BuiltinCoach::lexical().respond(session, sink, cancel);
        }
        sink("half a rep");
        Err(CoachError::Failed("connection reset".into()))
    }
}

fn setup() -> SessionSetup {
    SessionSetup {
        preparation_type: Some(PreparationType::Interview),
        ..Default::default()
    }
}

#[test]
fn a_failed_reply_keeps_the_answer_and_retry_completes_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let coach = Flaky {
        failing: AtomicBool::new(true),
    };
    let practice = Practice::local(&store, &coach).unwrap();
    let s = practice.create(&setup()).unwrap();

    let err = practice
        .send(
            s.session_id,
            "I led the billing migration and cut costs by 30%.",
            &mut |_| true,
        )
        .unwrap_err();
    assert!(err.to_string().contains("connection reset"), "{err}");
    assert!(err.to_string().contains("--retry"), "{err}");

    let after = practice.show(s.session_id).unwrap();
    let roles: Vec<Role> = after.messages().iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [Role::Ai, Role::User],
        "the answer is stored, no half reply"
    );
    assert_eq!(after.turn_count, 0);

    coach.failing.store(false, Ordering::SeqCst);
    let reply = practice.retry(s.session_id, &mut |_| true).unwrap();
    assert_eq!(reply.turn_number, 1);
    assert_eq!(
        reply.user_message.content,
        "I led the billing migration and cut costs by 30%."
    );
    let err = practice.retry(s.session_id, &mut |_| true).unwrap_err();
    assert!(err.to_string().contains("already answered"), "{err}");
}

#[test]
fn a_cancelled_reply_keeps_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let practice = Practice::local(&store, &COACH).unwrap();
    let s = practice.create(&setup()).unwrap();
    let mut pieces = 0;
    let err = practice
        .send(s.session_id, "An answer I will not wait for.", &mut |_| {
            pieces += 1;
            pieces < 3
        })
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    let after = practice.show(s.session_id).unwrap();
    assert_eq!(after.messages().len(), 2);
    assert_eq!(
        after.messages()[1].content,
        "An answer I will not wait for."
    );
    assert!(practice.retry(s.session_id, &mut |_| true).is_ok());
}

#[test]
fn the_local_user_is_activated_by_the_first_completion() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let practice = Practice::local(&store, &COACH).unwrap();
    assert!(!practice.user().is_activated);
    let s = practice.create(&setup()).unwrap();
    for a in [
        "First answer with some words in it.",
        "Second answer with more words.",
        "Third answer, with a result of 20%.",
    ] {
        practice.send(s.session_id, a, &mut |_| true).unwrap();
    }
    practice.complete(s.session_id).unwrap();
    let again = Practice::local(&store, &COACH).unwrap();
    assert!(again.user().is_activated);
}

#[test]
fn reopening_a_store_keeps_everything_and_migrates_once() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let store = Store::open(dir.path()).unwrap();
        let practice = Practice::local(&store, &COACH).unwrap();
        practice.create(&setup()).unwrap().session_id
    };
    let store = Store::open(dir.path()).unwrap();
    let practice = Practice::local(&store, &COACH).unwrap();
    assert_eq!(practice.show(id).unwrap().messages().len(), 1);
    assert_eq!(practice.list(&Default::default()).unwrap().total, 1);
}
