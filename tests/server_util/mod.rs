//! Harness for the server tests: a real `prapp serve` (the library's `serve`) on 127.0.0.1:0
//! with a temporary database, and a real HTTP client. Passwords are hashed with cheap argon2
//! parameters so a test signs up in microseconds; everything else is as in production.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use prapp::coach::Coach;
use prapp::coach::builtin::BuiltinCoach;
use prapp::eval::heuristic::HeuristicEvaluator;
use prapp::server::{self, AppState, PasswordHashing, ServerConfig};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// The `detail` of an error answer, as text (the first item's `msg` for a 422 list).
    pub fn detail(&self) -> String {
        match &self.body["detail"] {
            Value::String(s) => s.clone(),
            Value::Array(items) => items[0]["msg"].as_str().unwrap_or_default().to_string(),
            other => other.to_string(),
        }
    }

    /// The `loc` of the first 422 item, joined by dots: "body.content".
    pub fn loc(&self) -> String {
        self.body["detail"][0]["loc"]
            .as_array()
            .map(|l| {
                l.iter()
                    .map(|p| p.as_str().map(str::to_string).unwrap_or(p.to_string()))
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .unwrap_or_default()
    }
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut ServerConfig)) -> TestServer {
        Self::start_full(configure, Arc::new(BuiltinCoach::lexical())).await
    }

    /// A server with another coach (slow, failing) to test streaming, errors and shutdown.
    pub async fn start_full(
        configure: impl FnOnce(&mut ServerConfig),
        coach: Arc<dyn Coach>,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = ServerConfig::new(dir.path().join("data"), SECRET.to_vec());
        config.hashing = PasswordHashing::cheap_for_tests();
        configure(&mut config);
        let state = AppState::new(config, coach, Arc::new(HeuristicEvaluator::lexical())).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, state, async move {
            let _ = rx.await;
        }));
        TestServer {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            dir,
            stop: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, token: &str, path: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn post_empty(&self, token: &str, path: &str) -> Resp {
        self.call(Method::POST, path, Some(token), None).await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Signs up `email` with password "correct horse"; returns the token.
    pub async fn signup(&self, email: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/signup",
                None,
                Some(
                    json!({"email": email, "password": "correct horse", "full_name": "Test User"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await
    }

    /// Creates an interview session; returns its id.
    pub async fn new_session(&self, token: &str) -> String {
        let r = self
            .post(
                token,
                "/api/v1/sessions",
                json!({"preparation_type": "interview", "agenda": "Backend role at a fintech"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["session_id"].as_str().unwrap().to_string()
    }

    pub async fn say(&self, token: &str, id: &str, content: &str) -> Resp {
        self.post(
            token,
            &format!("/api/v1/sessions/{id}/messages"),
            json!({ "content": content }),
        )
        .await
    }

    /// A session with three answered turns, completed and evaluated; returns its id.
    pub async fn evaluated_session(&self, token: &str) -> String {
        let id = self.new_session(token).await;
        for answer in ANSWERS {
            let r = self.say(token, &id, answer).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        let r = self
            .post_empty(token, &format!("/api/v1/sessions/{id}/complete"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = self
            .post_empty(token, &format!("/api/v1/sessions/{id}/evaluate"))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        id
    }

    /// Asks the server to stop (it finishes the requests in flight).
    pub fn begin_stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        self.begin_stop();
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

pub const ANSWERS: [&str; 3] = [
    "In my last role I led the migration of our payments service to Kubernetes. First I mapped \
     the dependencies, then we moved one service a week, and we cut deploy time by 60 percent.",
    "The hardest part was a disagreement with the data team about ownership. I set up a weekly \
     review, we agreed on clear interfaces, and the result was fewer incidents for both teams.",
    "I would start by listening to the users, because the goal is reliability. For example, I \
     measured p99 latency before and after each change so we knew the impact.",
];
