//! Accounts, tokens and sync against a real SQLite file through the store and the use cases:
//! a v4 database upgraded in place, tokens that expire and are revoked, and use cases scoped to
//! the account they were made for.
#![allow(clippy::unwrap_used)]

use chrono::Duration;
use prapp::coach::builtin::BuiltinCoach;
use prapp::domain::{self, PreparationType, ProfileUpdate, SessionSetup};
use prapp::error::Error;
use prapp::practice::Practice;
use prapp::practice::sync::Cursor;
use prapp::store::prelude::*;
use prapp::store::{Store, TokenRecord};
use uuid::Uuid;

fn setup() -> SessionSetup {
    SessionSetup {
        preparation_type: Some(PreparationType::Interview),
        ..SessionSetup::default()
    }
}

#[test]
fn a_v4_database_is_upgraded_and_every_session_shows_in_sync_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prapp.db");
    let user = Uuid::now_v7();
    let sessions: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../migrations/0001_init.sql"),
            include_str!("../migrations/0002_analytics.sql"),
            include_str!("../migrations/0003_drafts.sql"),
            include_str!("../migrations/0004_usage.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.pragma_update(None, "application_id", prapp::store::APPLICATION_ID)
            .unwrap();
        conn.execute(
            "INSERT INTO users (user_id, is_local, created_at) VALUES (?1, 1, '2026-01-01T00:00:00.000000Z')",
            [user.to_string()],
        )
        .unwrap();
        for id in &sessions {
            conn.execute(
                "INSERT INTO sessions (session_id, user_id, preparation_type, status, turn_count,
                    created_at, updated_at)
                 VALUES (?1, ?2, 'pitch', 'in_progress', 0, '2026-01-02T00:00:00.000000Z',
                    '2026-01-02T00:00:00.000000Z')",
                [id.to_string(), user.to_string()],
            )
            .unwrap();
        }
    }
    let store = Store::open(dir.path()).unwrap();
    let coach = BuiltinCoach::lexical();
    let p = Practice::local(&store, &coach).unwrap();
    assert_eq!(p.user().user_id, user);
    let at = |text: &str| Cursor::parse(text).unwrap();
    let page = p.sync_changes(&at(""), 100).unwrap();
    let ids: Vec<Uuid> = page.items.iter().map(|i| i.session.session_id).collect();
    assert_eq!(ids, sessions, "in the order they were stored");
    assert_eq!(page.next_cursor.seq(), 3);
    // The upgrade named the history, and cursors of the first servers (a bare number) still work.
    let named = page.next_cursor.to_string();
    assert!(named.ends_with(".3") && named.len() == 34, "{named}");
    assert!(p.sync_changes(&at("3"), 100).unwrap().items.is_empty());
    assert!(p.sync_changes(&at(&named), 100).unwrap().items.is_empty());
    // A new change moves the session past the cursor.
    p.send(sessions[1], "An answer after the upgrade.", &mut |_| true)
        .unwrap();
    let after = p.sync_changes(&at(&named), 100).unwrap();
    assert_eq!(after.items.len(), 1);
    assert_eq!(after.items[0].session.session_id, sessions[1]);
    assert!(after.next_cursor.seq() > 3);
    // The profile columns are there, empty.
    assert_eq!(p.profile().unwrap(), domain::Profile::default());
}

#[test]
fn tokens_are_good_until_revoked_or_expired() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let user = store
        .create_account("ada@example.org", Some("Ada"), "$argon2id$fake")
        .unwrap();
    let now = domain::now();
    let token = |expires_in: Duration| TokenRecord {
        jti: Uuid::now_v7(),
        user_id: user.user_id,
        issued_at: now,
        expires_at: now + expires_in,
    };
    let (a, b, old) = (
        token(Duration::hours(1)),
        token(Duration::hours(1)),
        token(Duration::seconds(-5)),
    );
    for t in [&a, &b, &old] {
        store.insert_token(t).unwrap();
    }
    assert_eq!(
        store.token_user(a.jti, user.user_id, now).unwrap().unwrap(),
        user
    );
    assert!(
        store
            .token_user(old.jti, user.user_id, now)
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .token_user(a.jti, Uuid::now_v7(), now)
            .unwrap()
            .is_none(),
        "a jti belongs to its user only"
    );
    assert_eq!(store.revoke_other_tokens(user.user_id, a.jti).unwrap(), 2);
    assert!(
        store
            .token_user(b.jti, user.user_id, now)
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .token_user(a.jti, user.user_id, now)
            .unwrap()
            .is_some()
    );
    store.revoke_token(a.jti).unwrap();
    assert!(
        store
            .token_user(a.jti, user.user_id, now)
            .unwrap()
            .is_none()
    );
    assert_eq!(store.purge_expired_tokens(now).unwrap(), 1);

    let taken = store.create_account("ada@example.org", None, "$argon2id$fake");
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
}

#[test]
fn use_cases_for_one_account_never_see_anothers() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let coach = BuiltinCoach::lexical();
    let ada = store.create_account("ada@example.org", None, "h").unwrap();
    let bob = store.create_account("bob@example.org", None, "h").unwrap();
    let pa = Practice::for_user(&store, &coach, ada.clone());
    let pb = Practice::for_user(&store, &coach, bob);
    let s = pa.create(&setup()).unwrap();
    assert!(matches!(pb.show(s.session_id), Err(Error::NoSession(_))));
    assert!(matches!(
        pb.send(s.session_id, "mine now", &mut |_| true),
        Err(Error::NoSession(_))
    ));
    assert!(matches!(pb.archive(s.session_id), Err(Error::NoSession(_))));
    assert_eq!(pb.account().unwrap().session_count, 0);
    assert_eq!(pa.account().unwrap().session_count, 1);
    assert_eq!(pa.show(s.session_id).unwrap().transcript.unwrap().len(), 1);

    let profile = pa
        .update_profile(&ProfileUpdate {
            target_role: Some("Staff engineer".into()),
            ..ProfileUpdate::default()
        })
        .unwrap();
    assert_eq!(profile.target_role.as_deref(), Some("Staff engineer"));
    assert_eq!(pb.profile().unwrap().target_role, None);
    // Accounts are not the local user: the CLI's user is a row of its own.
    let local = Practice::local(&store, &coach).unwrap();
    assert_ne!(local.user().user_id, ada.user_id);
}
