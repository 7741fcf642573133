//! A small blocking HTTP client for a prapp server (the contract's auth endpoints and its sync
//! extension): a current-thread tokio runtime of its own around async reqwest, as
//! `llm::blocking` does, so the synchronous sync loop and the CLI can call it. Must not be called
//! from inside another tokio runtime.
//!
//! Every failure becomes a [`ClientError`] that says what happened; the callers add what to do,
//! which depends on the command (a failed sync loses nothing, a failed login stores nothing).
//! The token is sent as a header and never logged or put into an error.

use std::cell::Cell;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::merge::Synced;
use crate::domain::{Evaluation, Session};
use crate::error::Error;

/// The one-line text of a 404 for an id the server holds for another user (or not at all);
/// any other 404 means the route itself is missing (an older server, a proxy).
const SESSION_NOT_FOUND: &str = "session not found";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("server {url} is unreachable ({reason})")]
    Unreachable { url: String, reason: String },
    #[error("server {url} did not answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error(
        "the server no longer accepts this login (the token expired or was revoked) — log in again: `prapp remote login`"
    )]
    Unauthorized,
    /// Not a prapp server this build can sync with (another version, no sync extension).
    #[error("{0}")]
    Incompatible(String),
    /// A 4xx with the server's `detail`: the request was refused as it stands.
    #[error("the server refused it ({status}): {detail}")]
    Refused { status: u16, detail: String },
    /// A 5xx: the server failed.
    #[error("server {url} failed ({status}): {detail}")]
    Failed {
        url: String,
        status: u16,
        detail: String,
    },
    /// 409 to a pull: the cursor is from another history of the server's database.
    #[error("{0}")]
    OtherHistory(String),
    /// An answer that is not what the contract says (a proxy's page, a truncated body).
    #[error("server {url} answered something that is not prapp's API ({reason})")]
    Garbage { url: String, reason: String },
}

impl ClientError {
    /// Whether the server or the network, not this request, is at fault: worth trying again later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ClientError::Unreachable { .. }
                | ClientError::Timeout { .. }
                | ClientError::Failed { .. }
                | ClientError::Garbage { .. }
        )
    }

    /// The library error, with `what_to_do` after a transient failure.
    pub fn into_error(self, what_to_do: &str) -> Error {
        match self {
            ClientError::Unauthorized => Error::Auth(self.to_string()),
            ClientError::Refused { status, .. } if status == 401 || status == 403 => {
                Error::Auth(self.to_string())
            }
            ClientError::Refused { .. } => Error::Input(self.to_string()),
            ClientError::Incompatible(_) | ClientError::OtherHistory(_) => {
                Error::Server(self.to_string())
            }
            transient => Error::Server(format!("{transient} — {what_to_do}")),
        }
    }
}

/// The answer to signup and login.
#[derive(Debug, Clone, Deserialize)]
pub struct Login {
    pub access_token: String,
    pub user: RemoteUser,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RemoteUser {
    pub user_id: Uuid,
    pub email: Option<String>,
}

/// One page of `GET /api/v1/sync/sessions`.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Synced>,
    pub next_cursor: String,
}

#[derive(Deserialize)]
struct WireItem {
    session: Session,
    evaluation: Option<Evaluation>,
}

#[derive(Deserialize)]
struct WirePage {
    items: Vec<WireItem>,
    next_cursor: String,
}

#[derive(Serialize)]
struct PushBody<'a> {
    session: &'a Session,
    evaluation: Option<&'a Evaluation>,
}

#[derive(Deserialize)]
struct Health {
    version: Option<String>,
}

/// How long to wait: to connect, and for a whole answer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
        }
    }
}

impl Timeouts {
    /// The defaults, or `PRAPP_SYNC_TIMEOUT` seconds for a whole answer (a slow link, tests).
    pub fn from_env() -> Timeouts {
        let mut t = Timeouts::default();
        if let Some(secs) = crate::config::env_var("PRAPP_SYNC_TIMEOUT")
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| *s > 0.0 && s.is_finite())
        {
            t.request = Duration::from_secs_f64(secs);
            t.connect = t.connect.min(t.request);
        }
        t
    }
}

pub struct Client {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    timeouts: Timeouts,
    requests: Cell<u64>,
}

impl std::fmt::Debug for Client {
    // Never the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("requests", &self.requests.get())
            .finish_non_exhaustive()
    }
}

/// A server URL as we keep it: http(s), no trailing slash, no query.
pub fn normalise_url(url: &str) -> Result<String, Error> {
    let bad = |why: &str| {
        Error::Input(format!(
            "'{url}' is not a server URL ({why}) — give one like https://prapp.example or http://127.0.0.1:8000"
        ))
    };
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("only http and https"));
    }
    if parsed.host_str().is_none() {
        return Err(bad("no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("no query or fragment"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// Whether a server of `version` speaks the same API as this build: the same major version, or
/// for 0.x (where Cargo's rules make every minor a breaking one) the same minor.
pub fn compatible(version: &str) -> bool {
    fn key(v: &str) -> Option<(u64, u64)> {
        let mut parts = v.trim().trim_start_matches('v').split(['.', '-', '+']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(if major == 0 { (0, minor) } else { (major, 0) })
    }
    key(version).is_some() && key(version) == key(env!("CARGO_PKG_VERSION"))
}

impl Client {
    pub fn new(base: &str, token: Option<String>, timeouts: Timeouts) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Server(format!("cannot start the HTTP runtime: {e}")))?;
        let http = {
            let _inside = runtime.enter();
            reqwest::Client::builder()
                .connect_timeout(timeouts.connect)
                .timeout(timeouts.request)
                .user_agent(concat!("prapp/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Server(format!("cannot set up the HTTP client: {e}")))?
        };
        Ok(Client {
            runtime,
            http,
            base: normalise_url(base)?,
            token,
            timeouts,
            requests: Cell::new(0),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// HTTP requests sent so far (the sync report shows it: a no-op sync sends two).
    pub fn requests(&self) -> u64 {
        self.requests.get()
    }

    /// Sends one request; answers the status and the body, or what went wrong on the way. A 401
    /// on an authenticated request is [`ClientError::Unauthorized`].
    fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Vec<u8>), ClientError> {
        self.runtime.block_on(self.send_async(method, path, body))
    }

    async fn send_async(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Vec<u8>), ClientError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method, &url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b);
        }
        self.requests.set(self.requests.get() + 1);
        let net = |e: reqwest::Error| {
            if e.is_timeout() {
                ClientError::Timeout {
                    url: self.base.clone(),
                    secs: self.timeouts.request.as_secs().max(1),
                }
            } else {
                ClientError::Unreachable {
                    url: self.base.clone(),
                    reason: short_reason(&e),
                }
            }
        };
        let res = req.send().await.map_err(net)?;
        let status = res.status();
        let bytes = res.bytes().await.map_err(net)?.to_vec();
        tracing::debug!(%status, path, "sync server answered");
        if status == StatusCode::UNAUTHORIZED && self.token.is_some() {
            return Err(ClientError::Unauthorized);
        }
        Ok((status, bytes))
    }

    /// The body as `T` on `ok`, else the error the status says.
    fn expect<T: DeserializeOwned>(
        &self,
        ok: StatusCode,
        (status, body): (StatusCode, Vec<u8>),
    ) -> Result<T, ClientError> {
        if status == ok {
            return serde_json::from_slice(&body).map_err(|e| ClientError::Garbage {
                url: self.base.clone(),
                reason: format!("{status} with a body that does not parse: {e}"),
            });
        }
        Err(self.status_error(status, &body))
    }

    fn status_error(&self, status: StatusCode, body: &[u8]) -> ClientError {
        let detail = detail_of(body);
        if status.is_server_error() {
            return ClientError::Failed {
                url: self.base.clone(),
                status: status.as_u16(),
                detail: detail.unwrap_or_else(|| status.to_string()),
            };
        }
        match detail {
            Some(detail) => ClientError::Refused {
                status: status.as_u16(),
                detail,
            },
            None => ClientError::Garbage {
                url: self.base.clone(),
                reason: format!("{status} without a JSON detail"),
            },
        }
    }

    /// `GET /healthz`: that this is a prapp server of a version this build can sync with.
    pub fn check_server(&self) -> Result<String, ClientError> {
        let (status, body) = self.send(Method::GET, "/healthz", None)?;
        let health: Option<Health> = serde_json::from_slice(&body).ok();
        let version = health.and_then(|h| h.version);
        match (status, version) {
            (StatusCode::OK, Some(v)) if compatible(&v) => Ok(v),
            (StatusCode::OK, Some(v)) => Err(ClientError::Incompatible(format!(
                "server {} runs prapp {v}, this is prapp {} — they cannot sync; use the same version on both",
                self.base,
                env!("CARGO_PKG_VERSION")
            ))),
            (StatusCode::SERVICE_UNAVAILABLE, Some(_)) => Err(ClientError::Failed {
                url: self.base.clone(),
                status: 503,
                detail: "its database does not answer".into(),
            }),
            (s, _) if s.is_server_error() => Err(self.status_error(s, &body)),
            _ => Err(ClientError::Incompatible(format!(
                "{} is not a prapp server (GET /healthz answered {status} without a prapp version) — check the URL",
                self.base
            ))),
        }
    }

    pub fn signup(&self, email: &str, password: &str) -> Result<Login, ClientError> {
        let body = serde_json::json!({"email": email, "password": password});
        let answer = self.send(Method::POST, "/api/v1/auth/signup", Some(json_bytes(&body)))?;
        self.expect(StatusCode::CREATED, answer)
    }

    pub fn login(&self, email: &str, password: &str) -> Result<Login, ClientError> {
        let body = serde_json::json!({"email": email, "password": password});
        let answer = self.send(Method::POST, "/api/v1/auth/login", Some(json_bytes(&body)))?;
        self.expect(StatusCode::OK, answer)
    }

    /// Revokes this client's token on the server.
    pub fn logout(&self) -> Result<(), ClientError> {
        let answer = self.send(Method::POST, "/api/v1/auth/logout", None)?;
        self.expect::<serde_json::Value>(StatusCode::OK, answer)
            .map(|_| ())
    }

    /// `GET /auth/me`: whether the token still works, and whose it is.
    pub fn me(&self) -> Result<RemoteUser, ClientError> {
        let answer = self.send(Method::GET, "/api/v1/auth/me", None)?;
        self.expect(StatusCode::OK, answer)
    }

    /// `PUT /sync/sessions/{id}`: the server's merged session.
    pub fn push(&self, item: &Synced) -> Result<Session, ClientError> {
        self.runtime.block_on(self.push_async(item))
    }

    /// Pushes `items` with up to `in_flight` requests on the way at once (the round trips
    /// overlap; the server still writes one at a time), calling `on_answer` as each answer
    /// arrives. Answers come in the order of `items`. The first failure that is not this
    /// session's alone ends it: the answers before it are returned, with it last, and the
    /// requests still on their way are dropped (the server may have taken them; pushing them
    /// again later changes nothing).
    pub fn push_all(
        &self,
        items: &[Synced],
        in_flight: usize,
        on_answer: &mut dyn FnMut(),
    ) -> Vec<Result<Session, ClientError>> {
        use futures_util::StreamExt;
        self.runtime.block_on(async {
            let mut answers = futures_util::stream::iter(items)
                .map(|item| self.push_async(item))
                .buffered(in_flight.max(1));
            let mut out = Vec::with_capacity(items.len());
            while let Some(answer) = answers.next().await {
                let stop = matches!(&answer, Err(e) if !matches!(e, ClientError::Refused { .. }));
                out.push(answer);
                on_answer();
                if stop {
                    break;
                }
            }
            out
        })
    }

    async fn push_async(&self, item: &Synced) -> Result<Session, ClientError> {
        let id = item.session.session_id;
        let body = PushBody {
            session: &item.session,
            evaluation: item.evaluation.as_ref(),
        };
        let (status, bytes) = self
            .send_async(
                Method::PUT,
                &format!("/api/v1/sync/sessions/{id}"),
                Some(json_bytes(&body)),
            )
            .await?;
        if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
            let detail = detail_of(&bytes);
            if status == StatusCode::NOT_FOUND && detail.as_deref() == Some(SESSION_NOT_FOUND) {
                return Err(ClientError::Refused {
                    status: 404,
                    detail: "this session id belongs to another account on the server".into(),
                });
            }
            return Err(self.no_sync_extension(status));
        }
        let session: Session = self.expect(StatusCode::OK, (status, bytes))?;
        if session.session_id != id {
            return Err(ClientError::Garbage {
                url: self.base.clone(),
                reason: format!("a push of {id} answered session {}", session.session_id),
            });
        }
        Ok(session)
    }

    /// `GET /sync/sessions?since=&limit=`: what changed after `since`, oldest change first.
    pub fn pull(&self, since: &str, limit: usize) -> Result<Page, ClientError> {
        let (status, bytes) = self.send(
            Method::GET,
            &format!("/api/v1/sync/sessions?since={since}&limit={limit}"),
            None,
        )?;
        if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
            return Err(self.no_sync_extension(status));
        }
        if status == StatusCode::CONFLICT {
            return Err(ClientError::OtherHistory(
                detail_of(&bytes).unwrap_or_else(|| status.to_string()),
            ));
        }
        let page: WirePage = self.expect(StatusCode::OK, (status, bytes))?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|i| Synced {
                    session: i.session,
                    evaluation: i.evaluation,
                })
                .collect(),
            next_cursor: page.next_cursor,
        })
    }

    fn no_sync_extension(&self, status: StatusCode) -> ClientError {
        ClientError::Incompatible(format!(
            "server {} has no sync endpoints ({status} on /api/v1/sync) — it runs another prapp version or is not a prapp server; upgrade it",
            self.base
        ))
    }
}

fn json_bytes<T: Serialize>(body: &T) -> Vec<u8> {
    // Our own types always serialise.
    serde_json::to_vec(body).unwrap_or_default()
}

/// The `detail` of an error body: a string, or the first validation item's message.
fn detail_of(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    match &v["detail"] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => {
            let first = items.first()?;
            let loc = first["loc"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            let msg = first["msg"].as_str().unwrap_or("invalid");
            Some(if loc.is_empty() {
                msg.to_string()
            } else {
                format!("{loc}: {msg}")
            })
        }
        _ => None,
    }
}

/// The innermost cause of a network error, which says what actually happened ("connection
/// refused"), without the URL reqwest repeats.
fn short_reason(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(inner) = source.source() {
        source = inner;
    }
    let text = source.to_string();
    if text.is_empty() { e.to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_the_same_api_are_compatible() {
        assert!(compatible(env!("CARGO_PKG_VERSION")));
        assert!(!compatible("99.0.0"));
        assert!(!compatible("not a version"));
        assert!(!compatible(""));
        // 0.x: the minor is the breaking part.
        let (major, minor) = {
            let mut p = env!("CARGO_PKG_VERSION").split('.');
            (
                p.next().unwrap_or("0").to_string(),
                p.next().unwrap_or("0").parse::<u64>().unwrap_or(0),
            )
        };
        if major == "0" {
            assert!(compatible(&format!("0.{minor}.99")));
            assert!(!compatible(&format!("0.{}.0", minor + 1)));
        }
    }

    #[test]
    fn urls_are_kept_without_trailing_slash() {
        assert_eq!(
            normalise_url("http://127.0.0.1:8000/").unwrap(),
            "http://127.0.0.1:8000"
        );
        assert_eq!(
            normalise_url(" https://prapp.example ").unwrap(),
            "https://prapp.example"
        );
        assert!(normalise_url("ftp://x").is_err());
        assert!(normalise_url("prapp.example").is_err());
        assert!(normalise_url("http://x/?a=1").is_err());
    }

    #[test]
    fn details_of_error_bodies() {
        assert_eq!(
            detail_of(br#"{"detail":"incorrect email or password"}"#).as_deref(),
            Some("incorrect email or password")
        );
        assert_eq!(
            detail_of(br#"{"detail":[{"loc":["body","password"],"msg":"too short","type":"x"}]}"#)
                .as_deref(),
            Some("body.password: too short")
        );
        assert_eq!(detail_of(b"<html>"), None);
    }
}
