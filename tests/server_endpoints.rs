//! Each endpoint's documented errors, pagination and filters, profile, account and password
//! changes, over real HTTP.
#![allow(clippy::unwrap_used)]

mod server_util;

use reqwest::{Method, StatusCode};
use serde_json::json;
use server_util::{ANSWERS, TestServer};

/// An API client is told what to do in the API's terms, never to run a CLI command.
fn assert_api_words(r: &server_util::Resp) {
    assert!(!r.detail().contains("`prapp"), "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_errors() {
    let s = TestServer::start().await;
    let signup = |body: serde_json::Value| {
        let s = &s;
        async move {
            s.call(Method::POST, "/api/v1/auth/signup", None, Some(body))
                .await
        }
    };
    s.signup("taken@example.org").await;
    let r = signup(json!({"email": "Taken@Example.org", "password": "whatever1"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.detail().contains("already exists"), "{}", r.text);

    let r = signup(json!({"email": "new@example.org", "password": "short"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.password");
    assert!(r.body["detail"][0]["type"].is_string());

    let r = signup(json!({"email": "not-an-email", "password": "long enough"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.email");

    let r = signup(json!({"password": "long enough"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.email");
    assert_eq!(r.body["detail"][0]["type"], "missing");

    let r = signup(json!({"email": "x@example.org", "password": "long enough", "is_admin": true}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.is_admin");
    assert_eq!(r.body["detail"][0]["type"], "extra_forbidden");

    let r = signup(
        json!({"email": "x@example.org", "password": "long enough", "full_name": "n".repeat(201)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.full_name");

    let r = s
        .client
        .post(s.url("/api/v1/auth/signup"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["detail"][0]["type"], "json_invalid");

    // Data after the JSON object (hardening, point 4): not one JSON value, so nothing is created.
    for trailing in [
        r#"{"email": "t@example.org", "password": "long enough"} this is not JSON"#,
        r#"{"email": "t@example.org", "password": "long enough"}{"email": "u@example.org"}"#,
    ] {
        let r = s
            .client
            .post(s.url("/api/v1/auth/signup"))
            .header("content-type", "application/json")
            .body(trailing)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{trailing}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["detail"][0]["type"], "json_invalid", "{body}");
    }
    // Trailing whitespace is still one JSON value.
    let r = s
        .client
        .post(s.url("/api/v1/auth/signup"))
        .header("content-type", "application/json")
        .body("{\"email\": \"t@example.org\", \"password\": \"long enough\"}\n  ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_says_the_same_for_unknown_email_and_wrong_password() {
    let s = TestServer::start().await;
    s.signup("ada@example.org").await;
    let wrong = s.login("ada@example.org", "wrong password").await;
    let unknown = s.login("nobody@example.org", "wrong password").await;
    let malformed = s.login("nobody", "wrong password").await;
    for r in [&wrong, &unknown, &malformed] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers["www-authenticate"], "Bearer");
    }
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body, malformed.body);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_answer_429_per_email_and_per_address() {
    let s = TestServer::start().await;
    s.signup("ada@example.org").await;
    for _ in 0..5 {
        assert_eq!(
            s.login("ada@example.org", "wrong password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password waits now: the email is locked for the window.
    let r = s.login("ada@example.org", "correct horse").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    assert!(r.body["detail"].is_string());

    // Per address: a spray of different emails from one client is stopped too.
    let s2 = TestServer::start().await;
    s2.signup("grace@example.org").await;
    for i in 0..5 {
        s2.login(&format!("nobody{i}@example.org"), "wrong password")
            .await;
    }
    let r = s2.login("grace@example.org", "correct horse").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    s.stop().await;
    s2.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_login_clears_the_emails_failures() {
    let s = TestServer::start().await;
    s.signup("ada@example.org").await;
    for _ in 0..3 {
        s.login("ada@example.org", "wrong password").await;
    }
    assert_eq!(
        s.login("ada@example.org", "correct horse").await.status,
        StatusCode::OK
    );
    for _ in 0..1 {
        s.login("ada@example.org", "wrong password").await;
    }
    assert_eq!(
        s.login("ada@example.org", "correct horse").await.status,
        StatusCode::OK
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_is_partial_and_validated() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let p = s.get(&t, "/api/v1/users/profile").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(
        p.body,
        json!({"full_name": "Test User", "target_role": null, "experience_level": null,
               "industry": null, "bio": null,
               "preferences": {"default_preparation_type": null, "default_tone": null}})
    );
    let r = s
        .put(
            &t,
            "/api/v1/users/profile",
            json!({"target_role": "Staff engineer", "experience_level": "senior",
                   "preferences": {"default_preparation_type": "interview"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["target_role"], "Staff engineer");
    assert_eq!(r.body["full_name"], "Test User");
    let r = s
        .put(
            &t,
            "/api/v1/users/profile",
            json!({"industry": "fintech", "target_role": null}),
        )
        .await;
    assert_eq!(r.body["industry"], "fintech");
    assert_eq!(r.body["target_role"], serde_json::Value::Null);
    assert_eq!(r.body["experience_level"], "senior");
    assert_eq!(
        r.body["preferences"]["default_preparation_type"],
        "interview"
    );
    assert_eq!(s.get(&t, "/api/v1/users/profile").await.body, r.body);

    for (body, loc) in [
        (json!({"bio": "b".repeat(4001)}), "body.bio"),
        (json!({"target_role": "r".repeat(201)}), "body.target_role"),
        (json!({"role": "x"}), "body.role"),
        (
            json!({"preferences": {"default_preparation_type": "karaoke"}}),
            "body.preferences.default_preparation_type",
        ),
        (
            json!({"preferences": {"colour": "red"}}),
            "body.preferences.colour",
        ),
    ] {
        let r = s.put(&t, "/api/v1/users/profile", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.loc(), loc, "{}", r.text);
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_counts_sessions_completions_and_evaluations() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    s.evaluated_session(&t).await;
    let open = s.new_session(&t).await;
    s.delete(&t, &format!("/api/v1/sessions/{open}")).await;
    let r = s.get(&t, "/api/v1/users/account").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["session_count"], 2);
    assert_eq!(r.body["completed_session_count"], 1);
    assert_eq!(r.body["evaluation_count"], 1);
    assert_eq!(r.body["user"]["email"], "ada@example.org");
    assert_eq!(r.body["user"]["is_activated"], true);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_password_revokes_the_other_tokens() {
    let s = TestServer::start().await;
    let t1 = s.signup("ada@example.org").await;
    let t2 = s.login("ada@example.org", "correct horse").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let path = "/api/v1/users/change-password";
    let r = s
        .post(
            &t1,
            path,
            json!({"current_password": "not it", "new_password": "new password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = s
        .post(
            &t1,
            path,
            json!({"current_password": "correct horse", "new_password": "short"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.new_password");
    let r = s
        .post(
            &t1,
            path,
            json!({"current_password": "correct horse", "new_password": "battery staple"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["message"].is_string());
    assert_eq!(s.get(&t1, "/api/v1/auth/me").await.status, StatusCode::OK);
    assert_eq!(
        s.get(&t2, "/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.login("ada@example.org", "correct horse").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.login("ada@example.org", "battery staple").await.status,
        StatusCode::OK
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_session_errors() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    for (body, loc) in [
        (json!({}), "body.preparation_type"),
        (
            json!({"preparation_type": "karaoke"}),
            "body.preparation_type",
        ),
        (
            json!({"preparation_type": "pitch", "colour": "red"}),
            "body.colour",
        ),
        (
            json!({"preparation_type": "pitch", "agenda": "a".repeat(4001)}),
            "body.agenda",
        ),
        (
            json!({"preparation_type": "pitch", "role_context": "c".repeat(20001)}),
            "body.role_context",
        ),
        (
            json!({"preparation_type": "interview", "meeting_subtype": "karaoke night"}),
            "body.meeting_subtype",
        ),
        (json!({"preparation_type": 3}), "body.preparation_type"),
    ] {
        let r = s.post(&t, "/api/v1/sessions", body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        assert_eq!(r.loc(), loc, "{}", r.text);
    }
    // At the limits exactly: accepted.
    let r = s
        .post(
            &t,
            "/api/v1/sessions",
            json!({"preparation_type": "pitch", "agenda": "a".repeat(4000),
                   "role_context": "c".repeat(20000)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_pages_filters_and_hides_archived() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let mut ids = Vec::new();
    for kind in ["interview", "pitch", "interview"] {
        let r = s
            .post(&t, "/api/v1/sessions", json!({"preparation_type": kind}))
            .await;
        ids.push(r.body["session_id"].as_str().unwrap().to_string());
    }
    let page1 = s.get(&t, "/api/v1/sessions?page=1&page_size=2").await;
    assert_eq!(page1.body["total"], 3);
    assert_eq!(page1.body["page_size"], 2);
    let got: Vec<&str> = page1.body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, vec![ids[2].as_str(), ids[1].as_str()], "newest first");
    let page2 = s.get(&t, "/api/v1/sessions?page=2&page_size=2").await;
    assert_eq!(page2.body["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(page2.body["page"], 2);
    let pitches = s.get(&t, "/api/v1/sessions?preparation_type=pitch").await;
    assert_eq!(pitches.body["total"], 1);

    assert_eq!(
        s.delete(&t, &format!("/api/v1/sessions/{}", ids[0]))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.get(&t, "/api/v1/sessions").await.body["total"], 2);
    let archived = s.get(&t, "/api/v1/sessions?status=archived").await;
    assert_eq!(archived.body["total"], 1);
    assert_eq!(archived.body["sessions"][0]["status"], "archived");
    // Archived, never erased.
    let shown = s.get(&t, &format!("/api/v1/sessions/{}", ids[0])).await;
    assert_eq!(shown.status, StatusCode::OK);

    for q in [
        "status=finished",
        "preparation_type=karaoke",
        "page=0",
        "page_size=0",
        "page_size=101",
        "page=abc",
    ] {
        let r = s.get(&t, &format!("/api/v1/sessions?{q}")).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{q}: {}",
            r.text
        );
        assert!(r.loc().starts_with("query."), "{q}: {}", r.loc());
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_patch_and_delete_errors() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let id = s.new_session(&t).await;
    let missing = uuid::Uuid::now_v7();
    let r = s.get(&t, &format!("/api/v1/sessions/{missing}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body["detail"].is_string());
    let r = s.get(&t, "/api/v1/sessions/not-a-uuid").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "path.session_id");

    let path = format!("/api/v1/sessions/{id}");
    for to in ["completed", "setup"] {
        let r = s.patch(&t, &path, json!({ "status": to })).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{to}: {}", r.text);
        assert_api_words(&r);
    }
    let r = s.patch(&t, &path, json!({"status": "done"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.status");
    let r = s.patch(&t, &path, json!({"status": "archived"})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "archived");
    // Back to what it was before, and only that.
    let r = s.patch(&t, &path, json!({"status": "setup"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = s.patch(&t, &path, json!({"status": "in_progress"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "in_progress");
    let r = s
        .patch(
            &t,
            &format!("/api/v1/sessions/{missing}"),
            json!({"status": "archived"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = s.delete(&t, &format!("/api/v1/sessions/{missing}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_complete_evaluate_errors() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    let id = s.new_session(&t).await;
    let base = format!("/api/v1/sessions/{id}");

    for (body, loc) in [
        (json!({"content": "   \n "}), "body.content"),
        (json!({"content": "x".repeat(8001)}), "body.content"),
        (json!({}), "body.content"),
        (json!({"content": "hi", "role": "ai"}), "body.role"),
    ] {
        let r = s.post(&t, &format!("{base}/messages"), body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.loc(), loc);
    }
    // 8000 characters after trimming is fine.
    let r = s
        .post(
            &t,
            &format!("{base}/messages"),
            json!({"content": format!("  {}  ", "é".repeat(8000))}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let r = s.post_empty(&t, &format!("{base}/complete")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.detail().contains("has 1"), "{}", r.detail());
    let r = s.post_empty(&t, &format!("{base}/evaluate")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_api_words(&r);
    let r = s.get(&t, &format!("{base}/evaluation")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_api_words(&r);

    for a in &ANSWERS[..2] {
        s.say(&t, &id, a).await;
    }
    assert_eq!(
        s.post_empty(&t, &format!("{base}/complete")).await.status,
        StatusCode::OK
    );
    let r = s.post_empty(&t, &format!("{base}/complete")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = s.say(&t, &id, "one more thing").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_api_words(&r);
    let r = s
        .post(&t, &format!("{base}/evaluate"), json!({"force": "yes"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.loc(), "body.force");
    let r = s.get(&t, &format!("{base}/evaluation")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body["detail"].is_string());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_filters_and_errors() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    s.evaluated_session(&t).await;
    let r = s
        .get(
            &t,
            "/api/v1/analytics/trends?days=30&preparation_type=interview",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["evaluated_sessions"], 1);
    for key in [
        "total_sessions",
        "evaluated_sessions",
        "average_scores",
        "overall_average",
        "improvement_velocity",
        "recurring_weaknesses",
        "score_progression",
        "recent_trend",
    ] {
        assert!(r.body.get(key).is_some(), "{key}");
    }
    let r = s
        .get(&t, "/api/v1/analytics/trends?preparation_type=pitch")
        .await;
    assert_eq!(r.body["evaluated_sessions"], 0);
    assert!(r.body["average_scores"].is_null());
    for q in ["days=0", "days=abc", "preparation_type=karaoke"] {
        let r = s.get(&t, &format!("/api/v1/analytics/trends?{q}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
    }
    let r = s.get(&t, "/api/v1/analytics/improvements").await;
    let first = &r.body["improvements"][0];
    for key in [
        "dimension",
        "priority",
        "suggestion",
        "occurrences",
        "latest_score",
    ] {
        assert!(first.get(key).is_some(), "{key}: {}", r.text);
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_and_methods_answer_json() {
    let s = TestServer::start().await;
    let r = s.call(Method::GET, "/api/v1/nothing", None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["detail"], "Not Found");
    let r = s.call(Method::PUT, "/healthz", None, None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.body["detail"].is_string());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_must_be_json_objects() {
    let s = TestServer::start().await;
    let t = s.signup("ada@example.org").await;
    for (path, method, body) in [
        ("/api/v1/users/profile", Method::PUT, "[null, null]"),
        ("/api/v1/sessions", Method::POST, r#"["interview"]"#),
        ("/api/v1/sessions", Method::POST, "42"),
        ("/api/v1/sessions", Method::POST, ""),
    ] {
        let r = s
            .client
            .request(method.clone(), s.url(path))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path} {body}"
        );
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["detail"][0]["loc"], json!(["body"]), "{v}");
    }
    // Evaluate's body may be left out, or be JSON null: both mean "no force".
    let id = s.evaluated_session(&t).await;
    for body in ["", "null", "{}"] {
        let r = s
            .client
            .post(s.url(&format!("/api/v1/sessions/{id}/evaluate")))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{body:?}");
    }
    s.stop().await;
}

/// Hardening, point 1: thirty guesses at once — only as many passwords are checked as the limit
/// allows (five), whatever the concurrency; the rest answer 429 before any check.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_login_guesses_cannot_beat_the_limit() {
    let s = TestServer::start().await;
    s.signup("ada@example.org").await;
    let guesses = (0..30).map(|i| {
        let client = s.client.clone();
        let url = s.url("/api/v1/auth/login");
        async move {
            client
                .post(url)
                .json(&json!({"email": "ada@example.org", "password": format!("guess {i}")}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|st| **st == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|st| **st == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (5, 25), "{statuses:?}");
    s.stop().await;
}

/// Hardening, point 2: a stolen token doesn't give unlimited guesses of the current password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_password_guesses_are_limited() {
    let s = TestServer::start().await;
    let token = s.signup("ada@example.org").await;
    let change = |current: &str| {
        s.client
            .post(s.url("/api/v1/users/change-password"))
            .bearer_auth(&token)
            .json(&json!({"current_password": current, "new_password": "another long one"}))
            .send()
    };
    for i in 0..5 {
        let r = change(&format!("guess {i}")).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    let r = change("correct horse").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    s.stop().await;
}
