//! The server's hardening over real HTTP: body limit, security headers, CORS only for configured
//! origins, request ids, no secrets in logs, graceful shutdown finishing requests in flight, the
//! SSE variant of messages, a failing coach, and 50 clients at once losing nothing.
#![allow(clippy::unwrap_used)]

mod server_util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use prapp::coach::builtin::BuiltinCoach;
use prapp::coach::{Cancel, Coach, CoachError, Reply, Sink};
use prapp::domain::Session;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server_util::{ANSWERS, TestServer};

/// The built-in coach, but slow to answer (not to open a session).
/// Takes `.0` to reply (not to open), then raises `.1`.
struct SlowCoach(Duration, Arc<AtomicBool>);

impl SlowCoach {
    fn new(delay: Duration) -> (Arc<SlowCoach>, Arc<AtomicBool>) {
        let done = Arc::new(AtomicBool::new(false));
        (Arc::new(SlowCoach(delay, done.clone())), done)
    }
}

impl Coach for SlowCoach {
    fn name(&self) -> String {
        "slow".into()
    }
    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError> {
        if !session.messages().is_empty() {
            std::thread::sleep(self.0);
            self.1.store(true, Ordering::SeqCst);
        }
        BuiltinCoach::lexical().respond(session, sink, cancel)
    }
}

/// Opens sessions, then fails every reply after a first chunk.
struct FailingCoach;

impl Coach for FailingCoach {
    fn name(&self) -> String {
        "failing".into()
    }
    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError> {
        if session.messages().is_empty() {
            return BuiltinCoach::lexical().respond(session, sink, cancel);
        }
        sink("Let me think");
        Err(CoachError::Failed("provider timed out".into()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_one_mebibyte_answer_413_in_json() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let big = json!({"preparation_type": "pitch", "agenda": "a".repeat(1024 * 1024)});
    let r = s.post(&t, "/api/v1/sessions", big).await;
    assert_eq!(
        r.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        &r.text[..r.text.len().min(200)]
    );
    assert!(r.body["detail"].is_string());
    // Just under the limit reaches validation (and fails there: the agenda is too long).
    let under = json!({"preparation_type": "pitch", "agenda": "a".repeat(1000 * 1000)});
    let r = s.post(&t, "/api/v1/sessions", under).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_and_request_ids() {
    let s = TestServer::start().await;
    for path in ["/healthz", "/api/v1/auth/me", "/nowhere"] {
        let r = s.call(Method::GET, path, None, None).await;
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(r.headers["referrer-policy"], "no-referrer", "{path}");
        assert!(r.headers.contains_key("content-security-policy"), "{path}");
        let id = r.headers["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        assert!(!r.headers.contains_key("access-control-allow-origin"));
    }
    let r = s
        .client
        .get(s.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-me-42");
    // An id that is too long or carries odd characters is replaced, not logged.
    for unfit in [
        "x".repeat(65),
        "spaces are not ids".to_string(),
        "a\"quote".to_string(),
    ] {
        let r = s
            .client
            .get(s.url("/healthz"))
            .header("x-request-id", unfit.as_str())
            .send()
            .await
            .unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{unfit} → {id}");
    }
    let t = s.signup("ada@example.org").await;
    let r = s.get(&t, "/api/v1/sessions").await;
    assert_eq!(r.headers["cache-control"], "no-store");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_answers_only_configured_origins() {
    let s = TestServer::start_with(|c| c.cors_origins = vec!["https://app.example".into()]).await;
    let preflight = |origin: &'static str| {
        let s = &s;
        async move {
            s.client
                .request(Method::OPTIONS, s.url("/api/v1/sessions"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization,content-type",
                )
                .send()
                .await
                .unwrap()
        }
    };
    let ok = preflight("https://app.example").await;
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let allowed = ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
    let evil = preflight("https://evil.example").await;
    assert!(!evil.headers().contains_key("access-control-allow-origin"));
    let r = s
        .client
        .get(s.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    s.stop().await;
}

/// Parses an SSE body into (event, data) pairs.
fn sse_events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut event = String::from("message");
            let mut data = String::new();
            for line in block.lines() {
                if let Some(e) = line.strip_prefix("event:") {
                    event = e.trim().to_string();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push_str(d.strip_prefix(' ').unwrap_or(d));
                }
            }
            (event, serde_json::from_str(&data).unwrap_or(Value::Null))
        })
        .collect()
}

async fn stream(
    s: &TestServer,
    token: &str,
    id: &str,
    content: &str,
) -> (StatusCode, String, String) {
    let r = s
        .client
        .post(s.url(&format!("/api/v1/sessions/{id}/messages")))
        .bearer_auth(token)
        .header("accept", "text/event-stream")
        .json(&json!({ "content": content }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let ctype = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ctype, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_stream_as_server_sent_events() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let id = s.new_session(&t).await;
    let (status, ctype, body) = stream(&s, &t, &id, ANSWERS[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/event-stream"), "{ctype}");
    let events = sse_events(&body);
    let (last, done) = events.last().unwrap();
    assert_eq!(last, "done", "{body}");
    assert_eq!(done["turn_number"], 1);
    assert_eq!(done["user_message"]["content"], ANSWERS[0]);
    let deltas: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "delta")
        .map(|(_, d)| d)
        .collect();
    assert!(deltas.len() > 1, "streamed in pieces: {body}");
    let joined: String = deltas
        .iter()
        .map(|d| d["content"].as_str().unwrap())
        .collect();
    assert_eq!(joined, done["ai_message"]["content"].as_str().unwrap());
    // The same turn is stored as if it had been sent without streaming.
    let shown = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
    assert_eq!(shown.body["turn_count"], 1);
    assert_eq!(shown.body["transcript"][2], done["ai_message"]);

    // Errors before the coach starts keep their status codes.
    let (status, _, body) = stream(&s, &t, &id, "   ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_coach_answers_502_and_keeps_the_users_message() {
    let s = TestServer::start_full(|_| {}, Arc::new(FailingCoach)).await;
    let t = s.signup("ada@example.org").await;
    let id = s.new_session(&t).await;
    let r = s.say(&t, &id, "My answer that must not be lost.").await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.text);
    assert!(r.body["detail"].is_string());
    let shown = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
    let transcript = shown.body["transcript"].as_array().unwrap();
    assert_eq!(transcript.len(), 2);
    assert_eq!(transcript[1]["content"], "My answer that must not be lost.");

    let (status, _, body) = stream(&s, &t, &id, "Streamed and kept.").await;
    assert_eq!(status, StatusCode::OK);
    let events = sse_events(&body);
    assert_eq!(events.first().unwrap().0, "delta", "{body}");
    let (last, err) = events.last().unwrap();
    assert_eq!(last, "error", "{body}");
    assert!(err["detail"].is_string(), "{body}");
    let shown = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
    assert_eq!(shown.body["transcript"].as_array().unwrap().len(), 3);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_requests_in_flight() {
    let mut s = TestServer::start_full(|_| {}, SlowCoach::new(Duration::from_millis(700)).0).await;
    let t = s.signup("ada@example.org").await;
    let id = s.new_session(&t).await;
    let client = s.client.clone();
    let url = s.url(&format!("/api/v1/sessions/{id}/messages"));
    let token = t.clone();
    let in_flight = tokio::spawn(async move {
        client
            .post(url)
            .bearer_auth(token)
            .json(&json!({"content": ANSWERS[0]}))
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.begin_stop();
    let r = in_flight.await.unwrap().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["turn_number"], 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_clients_at_once_lose_nothing() {
    const CLIENTS: usize = 50;
    const TURNS: usize = 4;
    let s = Arc::new(TestServer::start().await);
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let t = s.signup(&format!("user{c}@example.org")).await;
            let id = s.new_session(&t).await;
            for turn in 0..TURNS {
                let r = s
                    .say(
                        &t,
                        &id,
                        &format!("client {c} answer {turn}: {}", ANSWERS[turn % 3]),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                assert_eq!(r.body["turn_number"], turn + 1);
            }
            (t, id, c)
        }));
    }
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.unwrap());
    }
    for (t, id, c) in done {
        let shown = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
        assert_eq!(shown.body["turn_count"], TURNS);
        let transcript = shown.body["transcript"].as_array().unwrap();
        assert_eq!(transcript.len(), 1 + 2 * TURNS);
        for (turn, m) in transcript.iter().skip(1).step_by(2).enumerate() {
            assert_eq!(m["role"], "user");
            assert!(
                m["content"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("client {c} answer {turn}:")),
                "{m}"
            );
        }
        assert_eq!(s.get(&t, "/api/v1/sessions").await.body["total"], 1);
    }
    Arc::into_inner(s).unwrap().stop().await;
}

/// Through the real binary at the most verbose level: log lines carry the request id, and
/// neither passwords nor tokens appear anywhere in them.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_carry_request_ids_and_no_secrets() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("prapp"))
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .env(
            "PRAPP_JWT_SECRET",
            "a-secret-from-the-environment-0123456789",
        )
        .env("RUST_LOG", "trace")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // Log lines (opening the store) may come before the address.
    let mut early = Vec::new();
    let base = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(a) = line.strip_prefix("prapp: listening on ") {
            break a.to_string();
        }
        early.push(line);
    };
    let reader = std::thread::spawn(move || {
        early
            .into_iter()
            .chain(lines.map_while(Result::ok))
            .collect::<Vec<_>>()
    });

    let client = reqwest::Client::new();
    let password = "hunter2-very-secret";
    let r = client
        .post(format!("{base}/api/v1/auth/signup"))
        .header("x-request-id", "req-signup-1")
        .json(&json!({"email": "ada@example.org", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let token = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "ada@example.org", "password": "wrong-but-secret"}))
        .send()
        .await
        .unwrap();
    client
        .get(format!("{base}/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let logs = reader.join().unwrap().join("\n");
    assert!(logs.contains("req-signup-1"), "{logs}");
    for secret in [
        password,
        "wrong-but-secret",
        token.as_str(),
        "a-secret-from-the-environment",
    ] {
        assert!(
            !logs.contains(secret),
            "a secret leaked into the logs: {secret}"
        );
    }
    // The JWT's signature part alone must not appear either.
    let signature = token.rsplit('.').next().unwrap();
    assert!(!logs.contains(signature));
}

/// Streams the built-in coach's reply slowly, a piece at a time.
struct TricklingCoach;

impl Coach for TricklingCoach {
    fn name(&self) -> String {
        "trickling".into()
    }
    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError> {
        if session.messages().is_empty() {
            return BuiltinCoach::lexical().respond(session, sink, cancel);
        }
        for piece in ["one ", "two ", "three ", "four ", "five ", "six "] {
            std::thread::sleep(Duration::from_millis(150));
            if !sink(piece) {
                return Err(CoachError::Cancelled);
            }
        }
        let _ = cancel;
        Ok(Reply {
            text: "one two three four five six ".into(),
            usage: None,
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_leaving_a_stream_cancels_the_coach_and_keeps_the_answer() {
    use futures_util::StreamExt;
    let s = TestServer::start_full(|_| {}, Arc::new(TricklingCoach)).await;
    let t = s.signup("ada@example.org").await;
    let id = s.new_session(&t).await;
    let r = s
        .client
        .post(s.url(&format!("/api/v1/sessions/{id}/messages")))
        .bearer_auth(&t)
        .header("accept", "text/event-stream")
        .json(&json!({"content": "An answer I walk away from."}))
        .send()
        .await
        .unwrap();
    let mut body = r.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: delta"));
    drop(body);
    // Give the coach time to notice and the server to settle.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let shown = s.get(&t, &format!("/api/v1/sessions/{id}")).await;
    let transcript = shown.body["transcript"].as_array().unwrap();
    assert_eq!(transcript.len(), 2, "{}", shown.text);
    assert_eq!(transcript[1]["content"], "An answer I walk away from.");
    assert_eq!(shown.body["turn_count"], 0);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thinking_coach_holds_no_database_connection() {
    let (coach, replied) = SlowCoach::new(Duration::from_millis(1500));
    let s = TestServer::start_full(|c| c.connections = 1, coach).await;
    let t = s.signup("ada@example.org").await;
    let id = s.new_session(&t).await;
    let client = s.client.clone();
    let url = s.url(&format!("/api/v1/sessions/{id}/messages"));
    let token = t.clone();
    let slow = tokio::spawn(async move {
        client
            .post(url)
            .bearer_auth(token)
            .json(&json!({"content": ANSWERS[0]}))
            .send()
            .await
            .unwrap()
            .status()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = s.get(&t, "/api/v1/sessions").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !replied.load(Ordering::SeqCst),
        "the list was answered only after the coach replied: the reply held the one connection"
    );
    assert_eq!(slow.await.unwrap(), StatusCode::OK);
    s.stop().await;
}

/// Slow to open a session, too (as a model writing its first question would be); raises `.1`
/// when it has.
struct SlowOpener(Duration, Arc<AtomicBool>);

impl Coach for SlowOpener {
    fn name(&self) -> String {
        "slow opener".into()
    }
    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError> {
        std::thread::sleep(self.0);
        self.1.store(true, Ordering::SeqCst);
        BuiltinCoach::lexical().respond(session, sink, cancel)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coach_writing_an_opening_holds_no_database_connection() {
    let opened = Arc::new(AtomicBool::new(false));
    let s = TestServer::start_full(
        |c| c.connections = 1,
        Arc::new(SlowOpener(Duration::from_millis(1500), opened.clone())),
    )
    .await;
    let t = s.signup("ada@example.org").await;
    let client = s.client.clone();
    let url = s.url("/api/v1/sessions");
    let token = t.clone();
    let slow = tokio::spawn(async move {
        client
            .post(url)
            .bearer_auth(token)
            .json(&json!({"preparation_type": "pitch"}))
            .send()
            .await
            .unwrap()
            .status()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.get(&t, "/api/v1/sessions").await.status, StatusCode::OK);
    assert!(
        !opened.load(Ordering::SeqCst),
        "the list was answered only after the opening: writing it held the one connection"
    );
    assert_eq!(slow.await.unwrap(), StatusCode::CREATED);
    assert_eq!(s.get(&t, "/api/v1/sessions").await.body["total"], 1);
    s.stop().await;
}
