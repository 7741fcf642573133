//! The async client: one POST per attempt, retries with backoff around it, cancellation around
//! every wait.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};

use super::error::{Endpoint, StatusContext, provider_message, status_error};
use super::sse::SseParser;
use super::wire::{self, ChunkWire, CompletionWire, ModelsWire, RequestBody};
use super::{Cancel, ChatRequest, ClientConfig, Completion, LlmError, Secret};

/// How often a [`Cancel`] flag is looked at while the client waits.
const CANCEL_POLL: Duration = Duration::from_millis(50);

pub struct Client {
    http: reqwest::Client,
    chat_url: reqwest::Url,
    models_url: reqwest::Url,
    /// `host[:port]`: what error messages name, never the full URL (it may carry a query).
    host: String,
    model: String,
    auth: Option<HeaderValue>,
    /// Kept only to blank it out of provider messages that echo it back.
    key: Option<Secret>,
    connect_timeout: Duration,
    request_timeout: Duration,
    idle_timeout: Duration,
    max_retries: u32,
    retry_base_delay: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.host)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(cfg: ClientConfig) -> Result<Client, LlmError> {
        let base = cfg.base_url.trim();
        // The URL itself stays out of the message: a query string may hold a key.
        let url = reqwest::Url::parse(base).map_err(|e| {
            LlmError::Config(format!(
                "the base URL is not a URL ({e}) — use one like http://localhost:11434/v1"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LlmError::Config(format!(
                "the base URL must start with http:// or https://, not {}:// — use one like https://api.openai.com/v1",
                url.scheme()
            )));
        }
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => {
                return Err(LlmError::Config(
                    "the base URL has no host — use one like http://localhost:11434/v1".into(),
                ));
            }
        };
        let endpoint = |tail: &str| {
            let mut u = url.clone();
            u.set_path(&format!("{}/{tail}", url.path().trim_end_matches('/')));
            u
        };
        let auth = match &cfg.api_key {
            Some(key) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                    .map_err(|_| {
                        LlmError::Config(
                            "the API key has characters an HTTP header cannot carry — run `prapp config set-key`"
                                .into(),
                        )
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let http = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .user_agent(concat!("prapp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client {
            http,
            chat_url: endpoint("chat/completions"),
            models_url: endpoint("models"),
            host,
            model: cfg.model,
            auth,
            key: cfg.api_key,
            connect_timeout: cfg.connect_timeout,
            request_timeout: cfg.request_timeout,
            idle_timeout: cfg.idle_timeout,
            max_retries: cfg.max_retries,
            retry_base_delay: cfg.retry_base_delay,
        })
    }

    /// The configured model.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// `host[:port]` of the base URL, as error messages name it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// One whole reply, not streamed.
    pub async fn complete(
        &self,
        req: &ChatRequest,
        cancel: &Cancel,
    ) -> Result<Completion, LlmError> {
        let started = Instant::now();
        let body = wire::request_body(&self.model, req, false);
        let mut completion = self
            .retrying(cancel, |attempt| self.complete_once(&body, attempt))
            .await?;
        completion.latency = started.elapsed();
        Ok(completion)
    }

    /// Streams deltas to `on_delta`; returning false cancels (→ [`LlmError::Cancelled`]).
    /// Returns the whole text.
    pub async fn stream(
        &self,
        req: &ChatRequest,
        on_delta: &mut (dyn FnMut(&str) -> bool + Send),
        cancel: &Cancel,
    ) -> Result<Completion, LlmError> {
        self.stream_to(req, on_delta, cancel).await
    }

    /// The model ids the server offers (`GET {base}/models`).
    pub async fn models(&self) -> Result<Vec<String>, LlmError> {
        self.retrying(&Cancel::default(), |attempt| self.models_once(attempt))
            .await
    }

    /// [`Client::stream`] for any sink; the blocking client passes one that need not be `Send`.
    pub(crate) async fn stream_to<F: FnMut(&str) -> bool + ?Sized>(
        &self,
        req: &ChatRequest,
        on_delta: &mut F,
        cancel: &Cancel,
    ) -> Result<Completion, LlmError> {
        let started = Instant::now();
        let body = wire::request_body(&self.model, req, true);
        let mut attempt = 1;
        loop {
            let mut delivered = false;
            let err = match self
                .stream_once(&body, attempt, on_delta, cancel, &mut delivered)
                .await
            {
                Ok(mut completion) => {
                    completion.latency = started.elapsed();
                    return Ok(completion);
                }
                Err(err) => err,
            };
            // Once the user has seen part of a reply, a retry would show it twice.
            if delivered {
                return Err(err);
            }
            self.pause_or_give_up(err, attempt, cancel).await?;
            attempt += 1;
        }
    }

    async fn retrying<T, F, Fut>(&self, cancel: &Cancel, mut once: F) -> Result<T, LlmError>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, LlmError>>,
    {
        let mut attempt = 1;
        loop {
            let err = match cancellable(cancel, timeout(self.request_timeout, once(attempt))).await
            {
                Ok(Some(Ok(value))) => return Ok(value),
                Ok(Some(Err(err))) => err,
                Ok(None) => self.timeout_error(),
                Err(cancelled) => return Err(cancelled),
            };
            self.pause_or_give_up(err, attempt, cancel).await?;
            attempt += 1;
        }
    }

    /// Sleeps before the next attempt, or hands back `err` when it is final.
    async fn pause_or_give_up(
        &self,
        err: LlmError,
        attempt: u32,
        cancel: &Cancel,
    ) -> Result<(), LlmError> {
        if !err.is_retryable() || attempt > self.max_retries {
            return Err(err);
        }
        let wait = super::backoff::delay(
            attempt - 1,
            self.retry_base_delay,
            err.retry_after(),
            super::backoff::unit(),
        );
        cancellable(cancel, tokio::time::sleep(wait)).await
    }

    fn post(&self, url: &reqwest::Url) -> reqwest::RequestBuilder {
        self.authorized(self.http.post(url.clone()))
    }

    fn authorized(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Some(auth) => rb.header(AUTHORIZATION, auth.clone()),
            None => rb,
        }
    }

    async fn complete_once(
        &self,
        body: &RequestBody<'_>,
        attempt: u32,
    ) -> Result<Completion, LlmError> {
        let resp = self.post(&self.chat_url).json(body).send().await;
        let resp = self.check(resp, Endpoint::Chat, attempt).await?;
        let bytes = resp.bytes().await.map_err(|e| self.transport_error(e))?;
        self.parse_completion(&bytes)
    }

    fn parse_completion(&self, bytes: &[u8]) -> Result<Completion, LlmError> {
        let wire: CompletionWire = serde_json::from_slice(bytes).map_err(|e| {
            self.protocol(format!(
                "the reply is not chat-completion JSON ({e}) — is the base URL an OpenAI-compatible …/v1 endpoint?"
            ))
        })?;
        let choice = wire
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| self.protocol("the reply has no choices".into()))?;
        Ok(Completion {
            text: choice.message.and_then(|m| m.content).unwrap_or_default(),
            model: wire.model.unwrap_or_else(|| self.model.clone()),
            usage: wire.usage.map(Into::into),
            latency: Duration::ZERO,
            finish_reason: choice.finish_reason,
        })
    }

    /// Some servers (and proxies in front of them) ignore `stream: true` and answer with one JSON
    /// completion: pass it on as a single delta rather than fail.
    async fn whole_reply_as_stream<F: FnMut(&str) -> bool + ?Sized>(
        &self,
        resp: reqwest::Response,
        on_delta: &mut F,
        delivered: &mut bool,
    ) -> Result<Completion, LlmError> {
        let bytes = timeout(self.request_timeout, resp.bytes())
            .await
            .ok_or_else(|| self.timeout_error())?
            .map_err(|e| self.transport_error(e))?;
        let completion = self.parse_completion(&bytes)?;
        if !completion.text.is_empty() {
            *delivered = true;
            if !on_delta(&completion.text) {
                return Err(LlmError::Cancelled);
            }
        }
        Ok(completion)
    }

    async fn models_once(&self, attempt: u32) -> Result<Vec<String>, LlmError> {
        let resp = self
            .authorized(self.http.get(self.models_url.clone()))
            .send()
            .await;
        let resp = self.check(resp, Endpoint::Models, attempt).await?;
        let bytes = resp.bytes().await.map_err(|e| self.transport_error(e))?;
        let wire: ModelsWire = serde_json::from_slice(&bytes).map_err(|e| {
            self.protocol(format!(
                "the model list is not the expected JSON ({e}) — is the base URL an OpenAI-compatible …/v1 endpoint?"
            ))
        })?;
        Ok(wire.data.into_iter().map(|m| m.id).collect())
    }

    async fn stream_once<F: FnMut(&str) -> bool + ?Sized>(
        &self,
        body: &RequestBody<'_>,
        attempt: u32,
        on_delta: &mut F,
        cancel: &Cancel,
        delivered: &mut bool,
    ) -> Result<Completion, LlmError> {
        if cancel.is_cancelled() {
            return Err(LlmError::Cancelled);
        }
        let headers = async {
            let resp = self.post(&self.chat_url).json(body).send().await;
            self.check(resp, Endpoint::Chat, attempt).await
        };
        let resp = match cancellable(cancel, timeout(self.request_timeout, headers)).await? {
            Some(resp) => resp?,
            None => return Err(self.timeout_error()),
        };

        if is_json(&resp) {
            return self.whole_reply_as_stream(resp, on_delta, delivered).await;
        }
        let mut bytes = resp.bytes_stream();
        let mut parser = SseParser::default();
        let mut reply = StreamedReply::default();
        let watch = cancelled(cancel);
        tokio::pin!(watch);
        // Reset on every piece of the body, comments included: a keep-alive proves the server
        // is alive even while the model has nothing to say yet.
        let idle = tokio::time::sleep(self.idle_timeout);
        tokio::pin!(idle);
        'read: loop {
            let piece = tokio::select! {
                biased;
                () = &mut watch => return Err(LlmError::Cancelled),
                () = &mut idle => return Err(LlmError::Idle {
                    host: self.host.clone(),
                    secs: whole_secs(self.idle_timeout),
                }),
                piece = bytes.next() => piece,
            };
            match piece {
                None => break,
                Some(Err(e)) => return Err(self.transport_error(e)),
                Some(Ok(piece)) => {
                    idle.as_mut()
                        .reset(tokio::time::Instant::now() + self.idle_timeout);
                    parser.push(&piece);
                    while let Some(event) = parser.next_event() {
                        if self.on_event(event, &mut reply, on_delta, delivered)? {
                            break 'read;
                        }
                    }
                }
            }
        }
        if !reply.done {
            while let Some(event) = parser.finish() {
                if self.on_event(event, &mut reply, on_delta, delivered)? {
                    break;
                }
            }
        }
        // Without `[DONE]` a finish reason still says the reply is whole.
        if !reply.done && reply.finish_reason.is_none() {
            return Err(self.protocol(if reply.text.is_empty() {
                "the stream ended before the reply began — try again".into()
            } else {
                "the stream ended early, mid-reply — try again".into()
            }));
        }
        Ok(Completion {
            text: reply.text,
            model: reply.model.unwrap_or_else(|| self.model.clone()),
            usage: reply.usage,
            latency: Duration::ZERO,
            finish_reason: reply.finish_reason,
        })
    }

    /// Takes in one SSE event; `Ok(true)` when the stream is over.
    fn on_event<F: FnMut(&str) -> bool + ?Sized>(
        &self,
        event: Result<String, super::sse::BadUtf8>,
        reply: &mut StreamedReply,
        on_delta: &mut F,
        delivered: &mut bool,
    ) -> Result<bool, LlmError> {
        let data = event.map_err(|_| self.protocol("the stream is not UTF-8".into()))?;
        let data = data.trim();
        if data == "[DONE]" {
            reply.done = true;
            return Ok(true);
        }
        if data.is_empty() {
            return Ok(false);
        }
        let chunk: ChunkWire = serde_json::from_str(data)
            .map_err(|e| self.protocol(format!("a stream event is not JSON ({e})")))?;
        if chunk.error.is_some() {
            let said = provider_message(data, self.key.as_ref().map(Secret::expose))
                .unwrap_or_else(|| "no details".into());
            return Err(self.protocol(format!("the server failed mid-reply: \"{said}\"")));
        }
        if chunk.model.is_some() {
            reply.model = chunk.model;
        }
        if let Some(usage) = chunk.usage {
            reply.usage = Some(usage.into());
        }
        if let Some(choice) = chunk.choices.into_iter().next() {
            if let Some(content) = choice.delta.and_then(|d| d.content)
                && !content.is_empty()
            {
                *delivered = true;
                reply.text.push_str(&content);
                if !on_delta(&content) {
                    return Err(LlmError::Cancelled);
                }
            }
            if choice.finish_reason.is_some() {
                reply.finish_reason = choice.finish_reason;
            }
        }
        Ok(false)
    }

    /// Passes a 2xx response on; turns any other status into the error it means.
    async fn check(
        &self,
        resp: Result<reqwest::Response, reqwest::Error>,
        endpoint: Endpoint,
        attempt: u32,
    ) -> Result<reqwest::Response, LlmError> {
        let resp = resp.map_err(|e| self.transport_error(e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(super::backoff::parse_retry_after);
        // The body only explains the failure: a broken one leaves the explanation out.
        let body = resp.text().await.unwrap_or_default();
        Err(status_error(
            status.as_u16(),
            &body,
            retry_after,
            &StatusContext {
                host: &self.host,
                model: &self.model,
                key: self.key.as_ref().map(Secret::expose),
                endpoint,
                attempts: attempt,
            },
        ))
    }

    fn transport_error(&self, e: reqwest::Error) -> LlmError {
        if e.is_connect() && e.is_timeout() {
            return LlmError::Connect {
                host: self.host.clone(),
                detail: format!("no answer within {} s", whole_secs(self.connect_timeout)),
            };
        }
        if e.is_timeout() {
            return self.timeout_error();
        }
        let detail = root_cause(&e);
        if e.is_connect() || e.is_request() {
            LlmError::Connect {
                host: self.host.clone(),
                detail,
            }
        } else {
            self.protocol(format!(
                "the connection broke mid-reply ({detail}) — try again"
            ))
        }
    }

    fn timeout_error(&self) -> LlmError {
        LlmError::Timeout {
            host: self.host.clone(),
            secs: whole_secs(self.request_timeout),
        }
    }

    fn protocol(&self, detail: String) -> LlmError {
        LlmError::Protocol {
            host: self.host.clone(),
            detail,
        }
    }
}

fn is_json(resp: &reqwest::Response) -> bool {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

#[derive(Default)]
struct StreamedReply {
    text: String,
    model: Option<String>,
    usage: Option<super::Usage>,
    finish_reason: Option<String>,
    done: bool,
}

/// The innermost cause ("connection refused"), which is what the user can act on; reqwest's own
/// message names the full URL, which may carry a query.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "unknown error".into(),
    }
}

/// Whole seconds for messages, rounded up so a sub-second timeout does not read "0 s".
fn whole_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// `None` when `d` passed first.
async fn timeout<T>(d: Duration, fut: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(d, fut).await.ok()
}

/// Runs `fut` unless `cancel` is set first.
async fn cancellable<T>(cancel: &Cancel, fut: impl Future<Output = T>) -> Result<T, LlmError> {
    tokio::select! {
        biased;
        () = cancelled(cancel) => Err(LlmError::Cancelled),
        value = fut => Ok(value),
    }
}

/// Completes once `cancel` is set, looking every [`CANCEL_POLL`].
async fn cancelled(cancel: &Cancel) {
    let mut tick = tokio::time::interval(CANCEL_POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if cancel.is_cancelled() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_base_urls_are_config_errors_that_do_not_echo_the_url() {
        for bad in ["localhost:11434", "ftp://x/v1", "not a url?key=sk-1"] {
            let err = Client::new(ClientConfig::new(bad, "m")).unwrap_err();
            assert!(matches!(err, LlmError::Config(_)), "{bad}: {err}");
            assert!(!err.to_string().contains("sk-1"), "{err}");
        }
    }

    #[test]
    fn endpoints_keep_the_base_path_and_drop_a_trailing_slash() {
        let c = Client::new(ClientConfig::new("http://localhost:11434/v1/", "m")).unwrap();
        assert_eq!(
            c.chat_url.as_str(),
            "http://localhost:11434/v1/chat/completions"
        );
        assert_eq!(c.models_url.as_str(), "http://localhost:11434/v1/models");
        assert_eq!(c.host(), "localhost:11434");
        let c = Client::new(ClientConfig::new("https://api.openai.com/v1", "m")).unwrap();
        assert_eq!(c.host(), "api.openai.com");
    }

    /// The faces may `tokio::spawn` a request; that needs `Send` futures.
    #[test]
    fn the_futures_are_send() {
        fn send<T: Send>(_: T) {}
        let client = Client::new(ClientConfig::new("http://localhost:1/v1", "m")).unwrap();
        let (req, cancel) = (ChatRequest::default(), Cancel::default());
        send(client.complete(&req, &cancel));
        send(client.stream(&req, &mut |_: &str| true, &cancel));
        send(client.models());
    }

    #[test]
    fn sub_second_timeouts_round_up() {
        assert_eq!(whole_secs(Duration::from_millis(300)), 1);
        assert_eq!(whole_secs(Duration::from_secs(30)), 30);
    }
}
