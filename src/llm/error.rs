//! What can go wrong talking to a provider, as one-line messages that name the host (never the
//! full URL or the key) and say what to do.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("cancelled")]
    Cancelled,
    #[error("cannot reach {host} ({detail}) — is the server running? `prapp doctor` checks")]
    Connect { host: String, detail: String },
    #[error("no reply from {host} within {secs} s — the server may be overloaded; try again later")]
    Timeout { host: String, secs: u64 },
    #[error("the reply from {host} stalled for {secs} s — try again")]
    Idle { host: String, secs: u64 },
    #[error("{status} from {host}: {detail}")]
    Status {
        status: u16,
        host: String,
        detail: String,
        retry_after: Option<Duration>,
    },
    #[error("bad reply from {host}: {detail}")]
    Protocol { host: String, detail: String },
    #[error("{0}")]
    Config(String),
}

impl LlmError {
    /// Worth another attempt: the network, a timeout, rate limiting or a server failure. Other
    /// 4xx answers will not change by asking again.
    pub fn is_retryable(&self) -> bool {
        match self {
            LlmError::Connect { .. } | LlmError::Timeout { .. } | LlmError::Idle { .. } => true,
            LlmError::Status { status, .. } => {
                matches!(status, 408 | 429 | 500..=599) && !self.is_context_overflow()
            }
            LlmError::Cancelled | LlmError::Protocol { .. } | LlmError::Config(_) => false,
        }
    }

    /// The prompt and the reply do not fit the model's context: asking again the same way fails
    /// the same way.
    pub fn is_context_overflow(&self) -> bool {
        matches!(self, LlmError::Status { detail, .. } if detail.starts_with(CONTEXT_OVERFLOW))
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            LlmError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            LlmError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Which call failed: a 404 means a missing model for chat, a wrong base URL for `/models`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Endpoint {
    Chat,
    Models,
}

/// What a non-2xx answer means for the user. `attempts` counts this one.
pub(crate) struct StatusContext<'a> {
    pub host: &'a str,
    pub model: &'a str,
    pub key: Option<&'a str>,
    pub endpoint: Endpoint,
    pub attempts: u32,
}

const CONTEXT_OVERFLOW: &str = "the request is longer than the model's context window";

/// Whether an error body says the prompt and the reply do not fit the model's context: OpenAI's
/// and vLLM's "maximum context length", llama.cpp's "exceeds the available context size".
fn context_overflow(body: &str) -> bool {
    let b = body.to_ascii_lowercase();
    [
        "context length",
        "context_length",
        "context size",
        "context window",
        "exceed_context",
    ]
    .iter()
    .any(|p| b.contains(p))
}

pub(crate) fn status_error(
    status: u16,
    body: &str,
    retry_after: Option<Duration>,
    cx: &StatusContext<'_>,
) -> LlmError {
    let said = provider_message(body, cx.key)
        .map(|m| format!(" (\"{m}\")"))
        .unwrap_or_default();
    let after = if cx.attempts > 1 {
        format!(" after {} attempts", cx.attempts)
    } else {
        String::new()
    };
    let detail = match (status, cx.endpoint) {
        (401 | 403, _) if cx.key.is_none() => {
            format!("the server wants an API key{said} — run `prapp config set-key`")
        }
        (401 | 403, _) => format!("the key was rejected{said} — run `prapp config set-key`"),
        (404, Endpoint::Chat) => format!(
            "model '{}' not found{said} — check `prapp config set model` (GET /models lists them) \
             and that the base URL ends in /v1",
            cx.model
        ),
        (404, Endpoint::Models) => {
            format!("no /models here{said} — check that the base URL ends in /v1")
        }
        (400..=599, Endpoint::Chat) if context_overflow(body) => format!(
            "{CONTEXT_OVERFLOW}{said} — set `prapp config set context-window N` to the server's \
             context size (llama.cpp: -c, Ollama: num_ctx), or start the server with a larger one"
        ),
        (429, _) => format!("rate limited{after}{said} — try again later"),
        (500..=599, _) => {
            format!("the server failed ({status}){after}{said} — try again later")
        }
        _ => format!("the request was refused{said} — check the model settings"),
    };
    LlmError::Status {
        status,
        host: cx.host.to_owned(),
        detail,
        retry_after,
    }
}

/// Longest excerpt of the provider's own words kept in a message.
const EXCERPT_CHARS: usize = 200;

/// The provider's explanation: `error.message` of the OpenAI error JSON (also what Ollama,
/// llama.cpp and vLLM send), `error` as a plain string, or a short plain-text body. One line, at
/// most 200 characters, with the key blanked out should a provider echo it back.
pub(crate) fn provider_message(body: &str, key: Option<&str>) -> Option<String> {
    let text = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(json) => {
            let error = json.get("error").unwrap_or(&json);
            let message = error
                .get("message")
                .or_else(|| error.get("detail"))
                .unwrap_or(error);
            message.as_str()?.to_owned()
        }
        // Not JSON: an HTML error page says nothing useful in one line.
        Err(_) if body.trim_start().starts_with('<') => return None,
        Err(_) => body.to_owned(),
    };
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(key) = key.filter(|k| !k.is_empty()) {
        text = text.replace(key, "***");
    }
    if text.is_empty() {
        return None;
    }
    if text.chars().count() > EXCERPT_CHARS {
        text = text.chars().take(EXCERPT_CHARS - 1).collect::<String>() + "…";
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(key: Option<&str>, attempts: u32) -> StatusContext<'_> {
        StatusContext {
            host: "api.example.com",
            model: "gpt-x",
            key,
            endpoint: Endpoint::Chat,
            attempts,
        }
    }

    #[test]
    fn the_openai_error_message_is_quoted_and_the_key_blanked() {
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-secret123.","type":"invalid_request_error"}}"#;
        let err = status_error(401, body, None, &cx(Some("sk-secret123"), 1)).to_string();
        assert!(
            err.starts_with("401 from api.example.com: the key was rejected"),
            "{err}"
        );
        assert!(err.contains("Incorrect API key provided: ***."), "{err}");
        assert!(err.contains("prapp config set-key"), "{err}");
        assert!(!err.contains("sk-secret123"), "{err}");
    }

    #[test]
    fn a_context_overflow_says_which_setting_to_change() {
        for body in [
            r#"{"error":{"message":"This model's maximum context length is 2048 tokens. However, you requested 3281 tokens.","code":"context_length_exceeded"}}"#,
            r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#,
        ] {
            let err = status_error(400, body, None, &cx(None, 1));
            let text = err.to_string();
            assert!(text.contains("context window"), "{text}");
            assert!(text.contains("prapp config set context-window"), "{text}");
            assert!(err.is_context_overflow());
        }
        let other = status_error(400, r#"{"error":"bad temperature"}"#, None, &cx(None, 1));
        assert!(!other.is_context_overflow());
        assert!(other.to_string().contains("check the model settings"));
    }

    #[test]
    fn excerpts_are_one_short_line() {
        let long = format!("{{\"error\":\"{}\"}}", "word\n".repeat(100));
        let m = provider_message(&long, None).unwrap();
        assert_eq!(m.chars().count(), EXCERPT_CHARS);
        assert!(!m.contains('\n'));
        assert_eq!(
            provider_message("<html><body>502</body></html>", None),
            None
        );
        assert_eq!(
            provider_message("upstream down", None).as_deref(),
            Some("upstream down")
        );
    }

    #[test]
    fn server_failures_count_the_attempts() {
        let err = status_error(503, "", None, &cx(None, 4)).to_string();
        assert_eq!(
            err,
            "503 from api.example.com: the server failed (503) after 4 attempts — try again later"
        );
        assert!(status_error(503, "", None, &cx(None, 1)).is_retryable());
        assert!(!status_error(400, "", None, &cx(None, 1)).is_retryable());
        assert!(!status_error(404, "", None, &cx(None, 1)).is_retryable());
    }
}
