//! The sync client's bookkeeping in the store (0006_sync_client.sql, store/sync_state.rs): which
//! sessions are to push, marking them synced without making them look changed, applying pulled
//! pages with their cursor in one transaction, dry runs that write nothing, and starting over
//! when the account changes.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, TimeZone, Utc};
use prapp::domain::merge::Synced;
use prapp::domain::{ChatMessage, PreparationType, Role, Session, SessionStatus};
use prapp::store::prelude::*;
use prapp::store::{Applied, Received, Store};
use rusqlite::Connection;
use uuid::Uuid;

fn at(secs: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap() + Duration::seconds(secs)
}

fn msg(role: Role, content: &str, secs: i64) -> ChatMessage {
    ChatMessage {
        message_id: Uuid::now_v7(),
        role,
        content: content.into(),
        timestamp: at(secs),
    }
}

fn session(user: Uuid, transcript: Vec<ChatMessage>) -> Session {
    Session {
        session_id: Uuid::now_v7(),
        user_id: user,
        preparation_type: PreparationType::Interview,
        meeting_subtype: None,
        agenda: Some("Backend role".into()),
        tone: None,
        role_context: None,
        status: SessionStatus::InProgress,
        turn_count: prapp::domain::count_turns(transcript.iter().map(|m| m.role)),
        transcript: Some(transcript),
        created_at: at(0),
        updated_at: at(10),
        completed_at: None,
        evaluation_summary: None,
    }
}

struct Db {
    _dir: tempfile::TempDir,
    store: Store,
    path: std::path::PathBuf,
    user: Uuid,
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let user = store.local_user().unwrap().user_id;
    let path = dir.path().join("prapp.db");
    Db {
        _dir: dir,
        store,
        path,
        user,
    }
}

impl Db {
    fn clock(&self) -> i64 {
        Connection::open(&self.path)
            .unwrap()
            .query_row("SELECT seq FROM sync_clock", [], |r| r.get(0))
            .unwrap()
    }

    fn seq(&self, id: Uuid) -> (i64, i64) {
        Connection::open(&self.path)
            .unwrap()
            .query_row(
                "SELECT updated_seq, synced_seq FROM sessions WHERE session_id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    fn pushed(&self, id: Uuid) -> Received {
        let (seq, _) = self.seq(id);
        let mut answer = self.store.synced(self.user, id).unwrap().session;
        // The server's copy carries its own user id.
        answer.user_id = Uuid::now_v7();
        Received::Pushed {
            answer: Box::new(answer),
            pushed_seq: seq,
        }
    }
}

fn pulled(s: &Session) -> Received {
    let mut s = s.clone();
    s.user_id = Uuid::now_v7();
    Received::Pulled(Box::new(Synced {
        session: s,
        evaluation: None,
    }))
}

#[test]
fn a_pushed_session_is_marked_synced_without_looking_changed() {
    let d = db();
    let s = session(d.user, vec![msg(Role::Ai, "Tell me about yourself.", 1)]);
    d.store.insert_session(&s).unwrap();
    d.store
        .set_remote("http://127.0.0.1:1", "a@x.org", Uuid::now_v7())
        .unwrap();
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 1);
    assert_eq!(
        d.store.sessions_to_push(d.user, 0, 100).unwrap(),
        vec![(d.seq(s.session_id).0, s.session_id)]
    );
    let clock = d.clock();
    let out = d
        .store
        .apply_received(d.user, vec![d.pushed(s.session_id)], None, false)
        .unwrap();
    assert_eq!(out, vec![Applied::Unchanged]);
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 0);
    let (updated, synced) = d.seq(s.session_id);
    assert_eq!(updated, synced);
    // Marking did not move the change clock (synced_seq is outside the triggers' columns).
    assert_eq!(d.clock(), clock);
    // The store still says the session is the local user's.
    assert_eq!(
        d.store
            .synced(d.user, s.session_id)
            .unwrap()
            .session
            .user_id,
        d.user
    );
}

#[test]
fn a_push_overtaken_by_a_local_change_stays_to_push() {
    let d = db();
    let s = session(d.user, vec![msg(Role::Ai, "Tell me about yourself.", 1)]);
    d.store.insert_session(&s).unwrap();
    let stale = d.pushed(s.session_id);
    // A message arrives here while the push is on its way.
    let mut more = d.store.synced(d.user, s.session_id).unwrap();
    more.session.transcript.as_mut().unwrap().push(msg(
        Role::User,
        "I led the billing migration.",
        2,
    ));
    d.store.write_synced(d.user, &more, None, false).unwrap();
    let out = d
        .store
        .apply_received(d.user, vec![stale], None, false)
        .unwrap();
    assert_eq!(out, vec![Applied::Unchanged]);
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 1);
}

#[test]
fn a_pulled_page_is_applied_with_its_cursor_and_not_pushed_back() {
    let d = db();
    d.store
        .set_remote("http://127.0.0.1:1", "a@x.org", Uuid::now_v7())
        .unwrap();
    let s = session(
        Uuid::now_v7(),
        vec![msg(Role::Ai, "Tell me about yourself.", 1)],
    );

    // Dry run: worked out, nothing kept.
    let clock = d.clock();
    let out = d
        .store
        .apply_received(d.user, vec![pulled(&s)], Some("42"), true)
        .unwrap();
    assert_eq!(out, vec![Applied::Created]);
    assert_eq!(d.clock(), clock);
    assert_eq!(d.store.remote().unwrap().unwrap().cursor, "0");
    assert!(d.store.synced(d.user, s.session_id).is_err());

    let out = d
        .store
        .apply_received(d.user, vec![pulled(&s)], Some("42"), false)
        .unwrap();
    assert_eq!(out, vec![Applied::Created]);
    assert_eq!(d.store.remote().unwrap().unwrap().cursor, "42");
    let here = d.store.synced(d.user, s.session_id).unwrap();
    assert_eq!(here.session.user_id, d.user);
    assert_eq!(here.session.messages(), s.messages());
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 0);

    // The same page again writes nothing.
    let clock = d.clock();
    let out = d
        .store
        .apply_received(d.user, vec![pulled(&s)], Some("43"), false)
        .unwrap();
    assert_eq!(out, vec![Applied::Unchanged]);
    assert_eq!(d.clock(), clock);

    // A copy with one more message updates, and is not to push (the server has it all).
    let mut longer = s.clone();
    longer
        .transcript
        .as_mut()
        .unwrap()
        .push(msg(Role::User, "I led the billing migration.", 2));
    let out = d
        .store
        .apply_received(d.user, vec![pulled(&longer)], Some("44"), false)
        .unwrap();
    assert_eq!(out, vec![Applied::Updated]);
    assert_eq!(
        d.store
            .synced(d.user, s.session_id)
            .unwrap()
            .session
            .messages()
            .len(),
        2
    );
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 0);
}

#[test]
fn a_pulled_copy_missing_a_local_change_leaves_the_session_to_push() {
    let d = db();
    let s = session(d.user, vec![msg(Role::Ai, "Tell me about yourself.", 1)]);
    d.store.insert_session(&s).unwrap();
    d.store
        .apply_received(d.user, vec![d.pushed(s.session_id)], None, false)
        .unwrap();
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 0);
    let mut local = d.store.synced(d.user, s.session_id).unwrap();
    local
        .session
        .transcript
        .as_mut()
        .unwrap()
        .push(msg(Role::User, "Only on this machine.", 2));
    d.store.write_synced(d.user, &local, None, false).unwrap();
    let out = d
        .store
        .apply_received(d.user, vec![pulled(&s)], Some("7"), false)
        .unwrap();
    assert_eq!(out, vec![Applied::Unchanged]);
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 1);
}

#[test]
fn another_account_starts_over_the_same_one_keeps_its_place() {
    let d = db();
    let s = session(d.user, vec![msg(Role::Ai, "Tell me about yourself.", 1)]);
    d.store.insert_session(&s).unwrap();
    let account = Uuid::now_v7();
    d.store
        .set_remote("http://127.0.0.1:1", "a@x.org", account)
        .unwrap();
    d.store
        .apply_received(d.user, vec![d.pushed(s.session_id)], Some("9"), false)
        .unwrap();
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 0);

    d.store
        .set_remote("http://127.0.0.1:1", "a@x.org", account)
        .unwrap();
    assert_eq!(d.store.remote().unwrap().unwrap().cursor, "9");
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 0);

    d.store
        .set_remote("http://127.0.0.1:1", "b@x.org", Uuid::now_v7())
        .unwrap();
    assert_eq!(d.store.remote().unwrap().unwrap().cursor, "0");
    assert_eq!(d.store.count_to_push(d.user).unwrap(), 1);
}

#[test]
fn short_ids_are_the_shortest_unique_prefix_of_at_least_8() {
    let d = db();
    // Made in the same millisecond: the 13-character cut ("01a25279-4e2d") names all three.
    let ids = [
        "01a25279-4e2d-7176-8edc-a9cc90e84519",
        "01a25279-4e2d-7a00-8edc-a9cc90e84519",
        "01a25279-4e2d-7a0f-8edc-a9cc90e84519",
        "01b00000-0000-7000-8000-000000000000",
    ];
    for id in ids {
        let mut s = session(d.user, vec![msg(Role::Ai, "Tell me about yourself.", 1)]);
        s.session_id = Uuid::parse_str(id).unwrap();
        d.store.insert_session(&s).unwrap();
    }
    let short = |i: usize| {
        d.store
            .unique_prefix(d.user, Uuid::parse_str(ids[i]).unwrap())
            .unwrap()
    };
    assert_eq!(short(0), "01a25279-4e2d-71");
    assert_eq!(short(1), "01a25279-4e2d-7a00");
    assert_eq!(short(2), "01a25279-4e2d-7a0f");
    // Alone in its range: 8 characters, the least shown.
    assert_eq!(short(3), "01b00000");
    // Each resolves back to its own session, as a command given it would.
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(
            d.store.resolve_session_id(d.user, &short(i)).unwrap(),
            Uuid::parse_str(id).unwrap()
        );
    }
}
