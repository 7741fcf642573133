//! The sync extension over real HTTP: push merges by the domain's rule and is idempotent, pull
//! lists changes after a cursor, and another user's session id is refused.
#![allow(clippy::unwrap_used)]

mod server_util;

use reqwest::StatusCode;
use serde_json::{Value, json};
use server_util::TestServer;
use uuid::Uuid;

fn message(role: &str, content: &str, secs: u32) -> Value {
    json!({
        "message_id": Uuid::now_v7(),
        "role": role,
        "content": content,
        "timestamp": format!("2026-11-20T10:00:{secs:02}.123456789Z"),
    })
}

/// A session as a laptop would push it: three turns, completed.
fn laptop_session(id: Uuid) -> Value {
    let transcript: Vec<Value> = vec![
        message("ai", "Tell me about a project you led.", 0),
        message(
            "user",
            "I led the payments migration and cut deploy time by half.",
            10,
        ),
        message("ai", "What was hard about it?", 11),
        message("user", "Aligning two teams; a weekly review fixed it.", 20),
        message("ai", "How did you measure success?", 21),
        message(
            "user",
            "p99 latency and incident counts, before and after.",
            30,
        ),
        message("ai", "Thanks, that is all.", 31),
    ];
    json!({
        "session_id": id,
        "user_id": Uuid::nil(),
        "preparation_type": "interview",
        "meeting_subtype": "behavioral",
        "agenda": "Backend role",
        "tone": null,
        "role_context": null,
        "status": "completed",
        "transcript": transcript,
        "turn_count": 3,
        "created_at": "2026-11-20T10:00:00Z",
        "updated_at": "2026-11-20T10:00:31Z",
        "completed_at": "2026-11-20T10:00:40Z",
        "evaluation_summary": null,
    })
}

/// PUT a session (and its evaluation, or null) to the sync endpoint.
async fn push(
    s: &TestServer,
    t: &str,
    id: impl std::fmt::Display,
    session: Value,
    evaluation: Value,
) -> server_util::Resp {
    s.put(
        t,
        &format!("/api/v1/sync/sessions/{id}"),
        json!({"session": session, "evaluation": evaluation}),
    )
    .await
}

async fn pull(s: &TestServer, t: &str, since: &str) -> Value {
    let r = s
        .get(t, &format!("/api/v1/sync/sessions?since={since}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_is_idempotent_and_pull_follows_the_cursor() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let id = Uuid::now_v7();
    let path = format!("/api/v1/sync/sessions/{id}");
    let item = json!({"session": laptop_session(id), "evaluation": null});
    let first = s.put(&t, &path, item.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["turn_count"], 3);
    assert_eq!(first.body["status"], "completed");
    assert_eq!(first.body["transcript"].as_array().unwrap().len(), 7);
    let me = s.get(&t, "/api/v1/auth/me").await;
    assert_eq!(
        first.body["user_id"], me.body["user_id"],
        "owner is the token's user"
    );

    let page = pull(&s, &t, "").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["session"]["session_id"], id.to_string());
    assert!(page["items"][0]["evaluation"].is_null());
    let cursor = page["next_cursor"].as_str().unwrap().to_string();

    // The same push again changes nothing: same answer, nothing new after the cursor.
    let second = s.put(&t, &path, item).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body, first.body);
    let page = pull(&s, &t, &cursor).await;
    assert!(page["items"].as_array().unwrap().is_empty(), "{page}");
    assert_eq!(page["next_cursor"], cursor.as_str());

    // The pushed session works with the rest of the API: evaluate it.
    let r = s
        .post_empty(&t, &format!("/api/v1/sessions/{id}/evaluate"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let page = pull(&s, &t, &cursor).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        page["items"][0]["evaluation"]["evaluation_id"],
        r.body["evaluation_id"]
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_merges_transcripts_status_and_evaluations() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    // The server's copy: made through the API, two messages in.
    let id = s.new_session(&t).await;
    s.say(&t, &id, "My first answer on the server.").await;
    let server_copy = s.get(&t, &format!("/api/v1/sessions/{id}")).await.body;
    let cursor = pull(&s, &t, "").await["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();

    // A device's copy: the opening only, plus a message of its own, and archived.
    let mut device = server_copy.clone();
    let opening = server_copy["transcript"][0].clone();
    device["transcript"] = json!([opening, message("user", "Written offline.", 59)]);
    device["status"] = json!("archived");
    let r = push(&s, &t, &id, device, Value::Null).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let merged = &r.body;
    assert_eq!(merged["status"], "archived", "archived wins over all");
    let contents: Vec<&str> = merged["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents.len(), 4, "{contents:?}");
    assert!(contents.contains(&"Written offline."));
    assert!(contents.contains(&"My first answer on the server."));
    let shown = s.get(&t, &format!("/api/v1/sessions/{id}")).await.body;
    assert_eq!(&shown["transcript"], &merged["transcript"]);
    // PATCH can bring it back to what it was before the archive.
    let r = s
        .patch(
            &t,
            &format!("/api/v1/sessions/{id}"),
            json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = pull(&s, &t, &cursor).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    // Evaluations: the newer one wins, an older push does not replace it.
    let done = Uuid::now_v7();
    let pushed = push(&s, &t, done, laptop_session(done), Value::Null).await;
    assert_eq!(pushed.status, StatusCode::OK);
    let current = s
        .post_empty(&t, &format!("/api/v1/sessions/{done}/evaluate"))
        .await
        .body;
    let mut older = current.clone();
    older["evaluation_id"] = json!(Uuid::now_v7());
    older["created_at"] = json!("2020-01-01T00:00:00Z");
    older["overall_score"] = json!(1.0);
    let r = push(&s, &t, done, laptop_session(done), older).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let stored = s
        .get(&t, &format!("/api/v1/sessions/{done}/evaluation"))
        .await
        .body;
    assert_eq!(stored["evaluation_id"], current["evaluation_id"]);
    let mut newer = current.clone();
    newer["evaluation_id"] = json!(Uuid::now_v7());
    newer["created_at"] = json!("2030-01-01T00:00:00Z");
    newer["overall_score"] = json!(9.5);
    push(&s, &t, done, laptop_session(done), newer.clone()).await;
    let stored = s
        .get(&t, &format!("/api/v1/sessions/{done}/evaluation"))
        .await
        .body;
    assert_eq!(stored["evaluation_id"], newer["evaluation_id"]);
    let listed = s.get(&t, "/api/v1/sessions?status=completed").await.body;
    assert_eq!(
        listed["sessions"][0]["evaluation_summary"]["overall_score"],
        9.5
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_session_id_is_refused() {
    let s = TestServer::start().await;
    let a = s.signup("a@example.org").await;
    let b = s.signup("b@example.org").await;
    let id = s.new_session(&a).await;
    let before = s.get(&a, &format!("/api/v1/sessions/{id}")).await.body;
    let mut stolen = before.clone();
    stolen["status"] = json!("archived");
    stolen["transcript"] = json!([message("user", "B was here", 1)]);
    let r = push(&s, &b, &id, stolen, Value::Null).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(
        s.get(&a, &format!("/api/v1/sessions/{id}")).await.body,
        before
    );
    assert!(
        pull(&s, &b, "").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Nor can B graft A's messages into a session of B's own.
    let mine = Uuid::now_v7();
    let mut graft = laptop_session(mine);
    graft["transcript"] = json!([before["transcript"][0]]);
    let r = push(&s, &b, mine, graft, Value::Null).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_input_errors() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let id = Uuid::now_v7();
    let other = Uuid::now_v7();
    let r = push(&s, &t, other, laptop_session(id), Value::Null).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let mut long = laptop_session(id);
    long["transcript"][1]["content"] = json!("x".repeat(8001));
    let r = push(&s, &t, id, long, Value::Null).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = s
        .put(
            &t,
            &format!("/api/v1/sync/sessions/{id}"),
            json!({"session": laptop_session(id), "evaluation": null, "extra": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Unknown fields nested in the pushed session are refused too, naming where they are.
    let mut extra = laptop_session(id);
    extra["evaluation_summary"] = json!({"overall_score": 7.0, "by": "me"});
    let r = push(&s, &t, id, extra, Value::Null).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.body["detail"][0]["loc"],
        json!(["body", "session", "evaluation_summary", "by"])
    );
    assert_eq!(r.body["detail"][0]["type"], "extra_forbidden");
    let mut extra = laptop_session(id);
    extra["is_public"] = json!(true);
    let r = push(&s, &t, id, extra, Value::Null).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.body["detail"][0]["loc"],
        json!(["body", "session", "is_public"])
    );
    // Nothing of the refused pushes was stored.
    let r = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for q in ["since=abc", "since=-1", "limit=0", "limit=501"] {
        let r = s.get(&t, &format!("/api/v1/sync/sessions?{q}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
    }
    s.stop().await;
}

/// A long session is pushed whole: its transcript may outgrow the 1 MiB limit of other bodies,
/// up to the sync limit of 16 MiB; beyond that the push is refused and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_sessions_are_pushed_whole() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let long_session = |turns: usize| {
        let id = Uuid::now_v7();
        let mut session = laptop_session(id);
        let mut transcript = Vec::new();
        for i in 0..turns {
            let at = format!("2026-11-20T{:02}:{:02}:00Z", 10 + i / 60 % 10, i % 60);
            for role in ["ai", "user"] {
                transcript.push(json!({"message_id": Uuid::now_v7(), "role": role,
                    "content": "x".repeat(8000), "timestamp": at}));
            }
        }
        session["transcript"] = json!(transcript);
        session["turn_count"] = json!(turns);
        (id, session)
    };

    // 150 turns of 8,000 characters: 2.4 MB.
    let (id, session) = long_session(150);
    let path = format!("/api/v1/sync/sessions/{id}");
    let r = s
        .put(&t, &path, json!({"session": session, "evaluation": null}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    let r = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
    assert_eq!(r.body["transcript"].as_array().unwrap().len(), 300);

    // 1,100 turns: 17.6 MB.
    let (id, session) = long_session(1100);
    let r = push(&s, &t, id, session, Value::Null).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body["detail"].as_str().unwrap().contains("sync push"));
    let r = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    s.stop().await;
}

/// A cursor names the database's change history: one from another history, or from ahead of
/// this one (a restored backup), is a 409 that tells the client to start over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursors_of_another_history_are_refused() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let id = Uuid::now_v7();
    let r = push(&s, &t, id, laptop_session(id), Value::Null).await;
    assert_eq!(r.status, StatusCode::OK);
    let cursor = pull(&s, &t, "").await["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    let (history, seq) = cursor.split_once('.').unwrap();
    assert_eq!(history.len(), 32, "{cursor}");
    let seq: u64 = seq.parse().unwrap();
    // Its own cursor, and a bare number (the first servers' cursors), are fine.
    assert!(
        pull(&s, &t, &cursor).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        pull(&s, &t, &seq.to_string()).await["next_cursor"],
        cursor.as_str()
    );
    let other = format!("{}.{seq}", "0".repeat(32));
    let ahead = format!("{history}.{}", seq + 1);
    for since in [other, ahead, (seq + 1).to_string()] {
        let r = s
            .get(&t, &format!("/api/v1/sync/sessions?since={since}"))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{since}: {}", r.text);
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("from the beginning")
        );
    }
    s.stop().await;
}
