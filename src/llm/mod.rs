//! Provider clients: OpenAI-compatible chat completions (OpenAI, Ollama, llama.cpp, vLLM…) with
//! SSE streaming, retries, timeouts, cancellation and token usage.
//!
//! An engine: it owns its request/reply types and knows nothing of the store, the CLI or
//! sessions. [`Client`] is async; [`BlockingClient`] wraps it for synchronous callers such as the
//! coaches. The API key lives in a [`Secret`] and never reaches an error message or a log.

mod backoff;
mod blocking;
mod client;
mod error;
mod sse;
mod wire;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use blocking::BlockingClient;
pub use client::Client;
pub use error::LlmError;

/// An API key. Printing it with `{}` or `{:?}` shows `***`; only [`Secret::expose`] gives the key,
/// which the client calls once, to build the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(key: impl Into<String>) -> Self {
        Secret(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(key: String) -> Self {
        Secret(key)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where and how to reach a provider.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub base_url: String,
    /// `None` sends no `Authorization` header (Ollama, llama.cpp).
    pub api_key: Option<Secret>,
    pub model: String,
    pub connect_timeout: Duration,
    /// The whole of a non-streamed request, and the wait for a stream's first headers.
    pub request_timeout: Duration,
    /// The longest gap between two pieces of a streamed body.
    pub idle_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff step; it doubles per retry, with full jitter, up to 20 s.
    pub retry_base_delay: Duration,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
            idle_timeout: Duration::from_secs(30),
            max_retries: 3,
            retry_base_delay: Duration::from_millis(500),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

/// Constrains the reply to JSON: to a schema (strict) where the server supports it, or to any
/// JSON object.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseFormat {
    JsonSchema {
        name: String,
        schema: serde_json::Value,
    },
    JsonObject,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    /// The model the server says answered, else the configured one.
    pub model: String,
    /// `None` when the server does not report it (llama.cpp ignores `include_usage`).
    pub usage: Option<Usage>,
    /// From the call to the last byte, retries included.
    pub latency: Duration,
    pub finish_reason: Option<String>,
}

/// A flag another thread (a key handler, a signal) sets to abandon a request. The client checks it
/// at least every 50 ms, also while waiting for headers, sleeping between retries or reading a
/// stalled stream.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Clears the flag for the next request (the practice screen reuses one).
    pub fn reset(&self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let key = Secret::new("sk-live-123");
        assert_eq!(format!("{key} {key:?}"), "*** ***");
        let mut cfg = ClientConfig::new("http://localhost:11434/v1", "m");
        cfg.api_key = Some(key.clone());
        assert!(!format!("{cfg:?}").contains("sk-live"));
        assert_eq!(key.expose(), "sk-live-123");
    }

    #[test]
    fn cancel_is_shared_between_clones() {
        let cancel = Cancel::default();
        let other = cancel.clone();
        assert!(!other.is_cancelled());
        cancel.cancel();
        assert!(other.is_cancelled());
    }
}
