//! An in-process fake of an OpenAI-compatible server (`POST /v1/chat/completions`,
//! `GET /v1/models`) for tests and benchmarks: scripted replies, recorded requests.
//!
//! It runs axum on 127.0.0.1:0 on a thread with its own tokio runtime, so blocking clients, async
//! clients and the real binary can all talk to it; dropping it stops the server and every
//! connection, stalled ones included. Shared by `mod fake_openai;` in tests and
//! `#[path = "../tests/fake_openai/mod.rs"]` in benches, so it assumes nothing about its user.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use serde_json::{Value, json};

/// The model the fake says it is, in replies and in `/models`.
pub const MODEL: &str = "fake-model";

/// How a streamed body is cut into writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One write with the whole body, no delays.
    Whole,
    /// Writes of `n` bytes with a short pause between them, so events and UTF-8 characters
    /// straddle reads on the client.
    EveryNBytes(usize),
}

/// One scripted answer, used for one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The text as a stream or as one JSON completion, whichever the request asked for.
    Text(String),
    /// An SSE stream: a role-only first chunk, one chunk per delta, a `finish_reason: "stop"`
    /// chunk, the usage chunk (`choices: []`) when `usage` is set, then `[DONE]`.
    Stream {
        deltas: Vec<String>,
        usage: Option<(u32, u32)>,
        split: Split,
    },
    /// A stream without the usage chunk, as llama.cpp sends despite `include_usage`.
    NoUsage { deltas: Vec<String> },
    /// 200 with this JSON body (see [`completion_json`]).
    Json(Value),
    /// An error status; `retry_after` in seconds.
    Status {
        code: u16,
        retry_after: Option<u64>,
        body: String,
    },
    /// A stream that sends the role chunk and `deltas_before` one-word deltas, then nothing,
    /// keeping the connection open.
    Stall { deltas_before: usize },
    /// Exactly these bytes as an SSE body, one write each, `delay` apart.
    Raw {
        pieces: Vec<String>,
        delay: Duration,
    },
}

impl Reply {
    pub fn stream(deltas: &[&str]) -> Reply {
        Reply::Stream {
            deltas: deltas.iter().map(|d| d.to_string()).collect(),
            usage: Some((10, deltas.len() as u32)),
            split: Split::Whole,
        }
    }

    /// A standard error body: `{"error": {"message": ..}}`.
    pub fn status(code: u16, message: &str) -> Reply {
        Reply::Status {
            code,
            retry_after: None,
            body: json!({"error": {"message": message, "type": "fake_error", "code": null}})
                .to_string(),
        }
    }
}

/// What the fake saw of one request.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub at: Instant,
    pub method: String,
    pub path: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    /// The JSON body, `Null` when there was none.
    pub body: Value,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct Script {
    replies: VecDeque<Reply>,
    default: Reply,
    models: Vec<String>,
    requests: Vec<Recorded>,
}

type Shared = Arc<Mutex<Script>>;

pub struct FakeOpenAi {
    addr: SocketAddr,
    script: Shared,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeOpenAi {
    pub fn start() -> FakeOpenAi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let script: Shared = Arc::new(Mutex::new(Script {
            replies: VecDeque::new(),
            default: Reply::Text("Hello from the fake server.".into()),
            models: vec![MODEL.into()],
            requests: Vec::new(),
        }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = script.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = Router::new()
                    .route("/v1/chat/completions", post(chat))
                    .route("/v1/models", get(models))
                    .with_state(state);
                // Not a graceful shutdown: that would wait for stalled streams forever.
                // Dropping the runtime drops every connection.
                tokio::select! {
                    result = axum::serve(listener, app) => result.unwrap(),
                    _ = stopped => {}
                }
            });
            runtime.shutdown_background();
        });
        FakeOpenAi {
            addr,
            script,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The base URL a client is configured with: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a reply: requests take the queued replies in order, then the default.
    pub fn push(&self, reply: Reply) {
        self.script.lock().unwrap().replies.push_back(reply);
    }

    /// The reply given when the queue is empty.
    pub fn set_default(&self, reply: Reply) {
        self.script.lock().unwrap().default = reply;
    }

    pub fn set_models(&self, models: &[&str]) {
        self.script.lock().unwrap().models = models.iter().map(|m| m.to_string()).collect();
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.script.lock().unwrap().requests.clone()
    }

    /// Requests to `/chat/completions` so far.
    pub fn chat_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/chat/completions"))
            .collect()
    }
}

impl Drop for FakeOpenAi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn record(script: &Shared, method: &str, path: &str, headers: &HeaderMap, body: &[u8]) -> Reply {
    let mut script = script.lock().unwrap();
    script.requests.push(Recorded {
        at: Instant::now(),
        method: method.into(),
        path: path.into(),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: serde_json::from_slice(body).unwrap_or(Value::Null),
    });
    match script.replies.pop_front() {
        Some(reply) => reply,
        None => script.default.clone(),
    }
}

async fn models(State(script): State<Shared>, headers: HeaderMap) -> Response {
    record(&script, "GET", "/v1/models", &headers, b"");
    let models = script.lock().unwrap().models.clone();
    let data: Vec<Value> = models
        .iter()
        .map(|id| json!({"id": id, "object": "model", "created": 0, "owned_by": "fake"}))
        .collect();
    json_response(
        StatusCode::OK,
        json!({"object": "list", "data": data}).to_string(),
    )
}

async fn chat(State(script): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let reply = record(&script, "POST", "/v1/chat/completions", &headers, &body);
    let streamed = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|b| b["stream"].as_bool())
        .unwrap_or(false);
    match reply {
        Reply::Text(text) if streamed => {
            let deltas: Vec<String> = words(&text);
            sse(pieces(
                sse_body(&deltas, Some((10, deltas.len() as u32))),
                Split::Whole,
            ))
        }
        Reply::Text(text) => json_response(StatusCode::OK, completion_json(&text).to_string()),
        Reply::Stream {
            deltas,
            usage,
            split,
        } => sse(pieces(sse_body(&deltas, usage), split)),
        Reply::NoUsage { deltas } => sse(pieces(sse_body(&deltas, None), Split::Whole)),
        Reply::Json(value) => json_response(StatusCode::OK, value.to_string()),
        Reply::Status {
            code,
            retry_after,
            body,
        } => {
            let mut response = json_response(StatusCode::from_u16(code).unwrap(), body);
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, secs.to_string().parse().unwrap());
            }
            response
        }
        Reply::Stall { deltas_before } => {
            let mut body = event(&json!({"role": "assistant", "content": ""}), None);
            for i in 0..deltas_before {
                body.push_str(&event(&json!({"content": format!("word{i} ")}), None));
            }
            sse(stream::iter([Bytes::from(body)])
                .chain(stream::pending())
                .boxed())
        }
        Reply::Raw { pieces, delay } if delay.is_zero() => {
            sse(stream::iter(pieces.into_iter().map(Bytes::from)).boxed())
        }
        Reply::Raw { pieces, delay } => sse(stream::iter(pieces)
            .then(move |piece| async move {
                tokio::time::sleep(delay).await;
                Bytes::from(piece)
            })
            .boxed()),
    }
}

/// Splits text into deltas the way models send them: words with their following space.
fn words(text: &str) -> Vec<String> {
    text.split_inclusive(' ').map(str::to_owned).collect()
}

fn json_response(status: StatusCode, body: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

fn sse(body: BoxStream<'static, Bytes>) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(
            body.map(Ok::<_, std::convert::Infallible>),
        ))
        .unwrap()
}

/// A non-streamed chat completion as OpenAI sends it.
pub fn completion_json(text: &str) -> Value {
    json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    })
}

/// One `data:` event of a chunk with this delta (or finish reason).
fn event(delta: &Value, finish_reason: Option<&str>) -> String {
    let chunk = json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}]
    });
    format!("data: {chunk}\n\n")
}

/// The whole SSE body of a streamed reply, as OpenAI sends it.
pub fn sse_body(deltas: &[String], usage: Option<(u32, u32)>) -> String {
    let mut body = event(&json!({"role": "assistant", "content": ""}), None);
    for delta in deltas {
        body.push_str(&event(&json!({"content": delta}), None));
    }
    body.push_str(&event(&json!({}), Some("stop")));
    if let Some((prompt, completion)) = usage {
        let chunk = json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": MODEL,
            "choices": [],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion}
        });
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    body
}

fn pieces(body: String, split: Split) -> BoxStream<'static, Bytes> {
    match split {
        Split::Whole => stream::iter([Bytes::from(body)]).boxed(),
        Split::EveryNBytes(n) => {
            let bytes = Bytes::from(body);
            let chunks: Vec<Bytes> = (0..bytes.len())
                .step_by(n.max(1))
                .map(|at| bytes.slice(at..(at + n.max(1)).min(bytes.len())))
                .collect();
            // A pause between writes, so each arrives in a read of its own.
            stream::iter(chunks)
                .then(|chunk| async move {
                    tokio::time::sleep(Duration::from_micros(200)).await;
                    chunk
                })
                .boxed()
        }
    }
}
