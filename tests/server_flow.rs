//! The REST server end to end over real HTTP: the seed's whole frontend flow, and each
//! endpoint's documented errors.
#![allow(clippy::unwrap_used)]

mod server_util;

use reqwest::{Method, StatusCode};
use serde_json::json;
use server_util::{ANSWERS, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_frontend_flow() {
    let s = TestServer::start().await;
    let health = s.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body["status"], "ok");
    assert_eq!(health.body["database"], "ok");
    assert!(health.body["version"].is_string());

    let signup = s
        .call(
            Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(json!({"email": "Ada@Example.org", "password": "correct horse", "full_name": "Ada"})),
        )
        .await;
    assert_eq!(signup.status, StatusCode::CREATED, "{}", signup.text);
    assert_eq!(signup.body["token_type"], "bearer");
    assert_eq!(signup.body["user"]["email"], "ada@example.org");
    assert_eq!(signup.body["user"]["is_activated"], false);
    let token = signup.body["access_token"].as_str().unwrap().to_string();

    // Create: in progress, with the coach's opening.
    let created = s
        .post(
            &token,
            "/api/v1/sessions",
            json!({"preparation_type": "interview", "meeting_subtype": "behavioral",
                   "agenda": "Backend role", "tone": "friendly", "role_context": "CV: 8 years"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let session = &created.body;
    assert_eq!(session["status"], "in_progress");
    assert_eq!(session["turn_count"], 0);
    assert_eq!(session["transcript"].as_array().unwrap().len(), 1);
    assert_eq!(session["transcript"][0]["role"], "ai");
    assert!(session["evaluation_summary"].is_null());
    assert!(session["completed_at"].is_null());
    let id = session["session_id"].as_str().unwrap().to_string();

    // Three turns.
    for (i, answer) in ANSWERS.iter().enumerate() {
        let r = s.say(&token, &id, answer).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["turn_number"], i + 1);
        assert_eq!(r.body["user_message"]["role"], "user");
        assert_eq!(r.body["user_message"]["content"], *answer);
        assert_eq!(r.body["ai_message"]["role"], "ai");
        assert!(!r.body["ai_message"]["content"].as_str().unwrap().is_empty());
    }
    let shown = s.get(&token, &format!("/api/v1/sessions/{id}")).await;
    assert_eq!(shown.body["transcript"].as_array().unwrap().len(), 7);
    assert_eq!(shown.body["turn_count"], 3);

    // Complete: the user becomes activated.
    let done = s
        .post_empty(&token, &format!("/api/v1/sessions/{id}/complete"))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["status"], "completed");
    assert!(done.body["completed_at"].is_string());
    let me = s.get(&token, "/api/v1/auth/me").await;
    assert_eq!(me.body["is_activated"], true);

    // Evaluate: 201 the first time, 200 with the same evaluation after.
    let eval = s
        .post_empty(&token, &format!("/api/v1/sessions/{id}/evaluate"))
        .await;
    assert_eq!(eval.status, StatusCode::CREATED, "{}", eval.text);
    let e = &eval.body;
    for d in [
        "clarity_structure",
        "relevance_focus",
        "confidence_delivery",
        "language_quality",
        "tone_alignment",
        "engagement",
    ] {
        let v = e["universal_scores"][d].as_f64().unwrap();
        assert!((0.0..=10.0).contains(&v), "{d} = {v}");
    }
    assert_eq!(e["session_id"], id.as_str());
    assert_eq!(e["evaluator"]["engine"], "heuristic");
    let again = s
        .post(
            &token,
            &format!("/api/v1/sessions/{id}/evaluate"),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["evaluation_id"], e["evaluation_id"]);
    let forced = s
        .post(
            &token,
            &format!("/api/v1/sessions/{id}/evaluate"),
            json!({"force": true}),
        )
        .await;
    assert_eq!(forced.status, StatusCode::CREATED);
    assert_ne!(forced.body["evaluation_id"], e["evaluation_id"]);
    let stored = s
        .get(&token, &format!("/api/v1/sessions/{id}/evaluation"))
        .await;
    assert_eq!(stored.status, StatusCode::OK);
    assert_eq!(stored.body["evaluation_id"], forced.body["evaluation_id"]);

    // The list shows the evaluation summary and no transcript.
    let list = s.get(&token, "/api/v1/sessions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["page"], 1);
    assert_eq!(list.body["page_size"], 20);
    let row = &list.body["sessions"][0];
    assert_eq!(row["session_id"], id.as_str());
    assert!(row.get("transcript").is_none());
    assert_eq!(
        row["evaluation_summary"]["overall_score"],
        forced.body["overall_score"]
    );

    let trends = s.get(&token, "/api/v1/analytics/trends").await;
    assert_eq!(trends.status, StatusCode::OK, "{}", trends.text);
    assert_eq!(trends.body["total_sessions"], 1);
    assert_eq!(trends.body["evaluated_sessions"], 1);
    assert_eq!(trends.body["recent_trend"], "insufficient_data");
    assert_eq!(
        trends.body["score_progression"].as_array().unwrap().len(),
        1
    );

    let imp = s.get(&token, "/api/v1/analytics/improvements").await;
    assert_eq!(imp.status, StatusCode::OK, "{}", imp.text);
    assert!(imp.body["improvements"].is_array());
    assert!(imp.body["practice_suggestions"].is_array());

    let out = s.post_empty(&token, "/api/v1/auth/logout").await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.body["message"].is_string());
    let after = s.get(&token, "/api/v1/auth/me").await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.headers["www-authenticate"], "Bearer");
    assert!(after.body["detail"].is_string());

    // Logging in again gives a working token.
    let login = s.login("ADA@example.org", "correct horse").await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    let token = login.body["access_token"].as_str().unwrap();
    assert_eq!(s.get(token, "/api/v1/auth/me").await.status, StatusCode::OK);
    s.stop().await;
}

/// The real binary: `--bind 127.0.0.1:0` prints the port it got, the secret is generated 0600 in
/// the data dir, and SIGTERM stops it cleanly (exit 0).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prapp_serve_binary_prints_its_port_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::fs::PermissionsExt;
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
        .env_remove("PRAPP_JWT_SECRET")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("prapp: listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    assert!(!addr.ends_with(":0"), "{addr}");
    let health: serde_json::Value = reqwest::get(format!("{addr}/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let mode = std::fs::metadata(data.join("jwt_secret"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l == "prapp: stopped"), "{rest:?}");
}

/// Bad settings stop `prapp serve` before it listens, with a one-line error and exit 2.
#[test]
fn prapp_serve_refuses_a_short_secret_and_a_bad_ttl() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("prapp"))
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .env("PRAPP_JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PRAPP_JWT_SECRET is shorter than 32"), "{err}");
    assert!(
        !err.contains("too-short"),
        "the secret itself is never printed: {err}"
    );

    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("prapp"))
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "serve",
            "--token-ttl",
            "1w",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown unit"));
}
