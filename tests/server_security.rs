//! Ownership and token attacks against a real server: another user's ids answer 404 exactly as
//! missing ones and change nothing; forged, expired, revoked and garbage tokens answer 401.
#![allow(clippy::unwrap_used)]

mod server_util;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server_util::{SECRET, TestServer};

/// Every session/evaluation endpoint, with a body where it needs one.
fn session_calls(id: &str) -> Vec<(Method, String, Option<Value>)> {
    let base = format!("/api/v1/sessions/{id}");
    vec![
        (Method::GET, base.clone(), None),
        (
            Method::PATCH,
            base.clone(),
            Some(json!({"status": "archived"})),
        ),
        (Method::DELETE, base.clone(), None),
        (
            Method::POST,
            format!("{base}/messages"),
            Some(json!({"content": "let me in"})),
        ),
        (Method::POST, format!("{base}/complete"), None),
        (
            Method::POST,
            format!("{base}/evaluate"),
            Some(json!({"force": true})),
        ),
        (Method::GET, format!("{base}/evaluation"), None),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_sessions_answer_404_and_stay_unchanged() {
    let s = TestServer::start().await;
    let a = s.signup("a@example.org").await;
    let b = s.signup("b@example.org").await;
    let evaluated = s.evaluated_session(&a).await;
    let open = s.new_session(&a).await;
    s.say(&a, &open, "An answer that must stay mine.").await;

    let mut before = Vec::new();
    for id in [&evaluated, &open] {
        before.push((
            s.get(&a, &format!("/api/v1/sessions/{id}")).await.body,
            s.get(&a, &format!("/api/v1/sessions/{id}/evaluation"))
                .await
                .body,
        ));
    }
    let missing = uuid::Uuid::now_v7().to_string();
    let mut missing_answers = Vec::new();
    for (m, path, body) in session_calls(&missing) {
        let r = s.call(m, &path, Some(&b), body).await;
        missing_answers.push((r.status, r.body));
    }

    for id in [&evaluated, &open] {
        for (i, (method, path, body)) in session_calls(id).into_iter().enumerate() {
            let r = s.call(method.clone(), &path, Some(&b), body).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{method} {path}: {}",
                r.text
            );
            // Exactly as an id that does not exist.
            assert_eq!(
                (r.status, r.body.clone()),
                missing_answers[i],
                "{method} {path}"
            );
        }
        // The streaming variant too.
        let r = s
            .client
            .post(s.url(&format!("/api/v1/sessions/{id}/messages")))
            .bearer_auth(&b)
            .header("accept", "text/event-stream")
            .json(&json!({"content": "stream me in"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let listed = s.get(&b, "/api/v1/sessions?status=completed").await;
    assert_eq!(listed.body["total"], 0);
    let listed = s.get(&b, "/api/v1/sessions").await;
    assert_eq!(listed.body["total"], 0);
    let trends = s.get(&b, "/api/v1/analytics/trends").await;
    assert_eq!(trends.body["total_sessions"], 0);
    assert_eq!(trends.body["evaluated_sessions"], 0);
    let account = s.get(&b, "/api/v1/users/account").await;
    assert_eq!(account.body["session_count"], 0);

    for (i, id) in [&evaluated, &open].into_iter().enumerate() {
        let after = (
            s.get(&a, &format!("/api/v1/sessions/{id}")).await.body,
            s.get(&a, &format!("/api/v1/sessions/{id}/evaluation"))
                .await
                .body,
        );
        assert_eq!(after, before[i], "session {id} changed");
    }
    s.stop().await;
}

fn token_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn assert_401(s: &TestServer, authorization: Option<&str>, what: &str) {
    let mut req = s.client.get(s.url("/api/v1/auth/me"));
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{what}");
    assert_eq!(r.headers()["www-authenticate"], "Bearer", "{what}");
    let body: Value = r.json().await.unwrap();
    assert!(body["detail"].is_string(), "{what}: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_expired_revoked_and_garbage_tokens_answer_401() {
    let s = TestServer::start().await;
    let token = s.signup("a@example.org").await;
    let other = s.signup("b@example.org").await;
    let claims = token_claims(&token);
    let now = chrono::Utc::now().timestamp();

    // The real token works, and a re-signed copy of its claims works too (the test is fair).
    let copy = encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    assert_eq!(s.get(&copy, "/api/v1/auth/me").await.status, StatusCode::OK);

    let wrong_key = encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(b"another-secret-another-secret-0123456789"),
    )
    .unwrap();
    assert_401(&s, Some(&format!("Bearer {wrong_key}")), "wrong signature").await;

    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_401(
        &s,
        Some(&format!("Bearer {none_header}.{body}.")),
        "alg none",
    )
    .await;
    let hs512 = encode(
        &Header::new(jsonwebtoken::Algorithm::HS512),
        &claims,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    assert_401(&s, Some(&format!("Bearer {hs512}")), "another algorithm").await;

    let mut expired = claims.clone();
    expired["exp"] = json!(now - 10);
    expired["iat"] = json!(now - 100);
    let expired = encode(
        &Header::default(),
        &expired,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    assert_401(&s, Some(&format!("Bearer {expired}")), "expired").await;

    // Someone else's jti under my id (and the reverse) is no token of mine.
    let mut swapped = token_claims(&other);
    swapped["sub"] = claims["sub"].clone();
    let swapped = encode(
        &Header::default(),
        &swapped,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    assert_401(
        &s,
        Some(&format!("Bearer {swapped}")),
        "jti of another user",
    )
    .await;

    // A well-signed token the server never issued.
    let mut unknown = claims.clone();
    unknown["jti"] = json!(uuid::Uuid::now_v7().to_string());
    let unknown = encode(
        &Header::default(),
        &unknown,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    assert_401(&s, Some(&format!("Bearer {unknown}")), "never issued").await;

    for garbage in [
        "Bearer garbage",
        "Bearer ",
        "Bearer a.b.c",
        "Basic YTpi",
        &token,
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.",
    ] {
        assert_401(&s, Some(garbage), garbage).await;
    }
    assert_401(&s, None, "no header").await;

    // Revoked: logout revokes this token only.
    let second = s.login("a@example.org", "correct horse").await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.post_empty(&token, "/api/v1/auth/logout").await.status,
        StatusCode::OK
    );
    assert_401(&s, Some(&format!("Bearer {token}")), "revoked").await;
    assert_401(&s, Some(&format!("Bearer {copy}")), "revoked copy").await;
    assert_eq!(
        s.get(&second, "/api/v1/auth/me").await.status,
        StatusCode::OK
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_expire_after_the_configured_ttl() {
    let s = TestServer::start_with(|c| c.token_ttl = std::time::Duration::from_secs(1)).await;
    let token = s.signup("a@example.org").await;
    assert_eq!(
        s.get(&token, "/api/v1/auth/me").await.status,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_401(&s, Some(&format!("Bearer {token}")), "after ttl").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_protected_endpoint_wants_a_token() {
    let s = TestServer::start().await;
    let id = uuid::Uuid::now_v7().to_string();
    let mut calls = session_calls(&id);
    calls.extend([
        (Method::POST, "/api/v1/auth/logout".to_string(), None),
        (Method::GET, "/api/v1/auth/me".to_string(), None),
        (Method::GET, "/api/v1/users/profile".to_string(), None),
        (
            Method::PUT,
            "/api/v1/users/profile".to_string(),
            Some(json!({})),
        ),
        (Method::GET, "/api/v1/users/account".to_string(), None),
        (
            Method::POST,
            "/api/v1/users/change-password".to_string(),
            Some(json!({"current_password": "x", "new_password": "yyyyyyyy"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions".to_string(),
            Some(json!({"preparation_type": "pitch"})),
        ),
        (Method::GET, "/api/v1/sessions".to_string(), None),
        (Method::GET, "/api/v1/analytics/trends".to_string(), None),
        (
            Method::GET,
            "/api/v1/analytics/improvements".to_string(),
            None,
        ),
    ]);
    for (method, path, body) in calls {
        let r = s.call(method.clone(), &path, None, body).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(r.headers["www-authenticate"], "Bearer");
    }
    s.stop().await;
}
