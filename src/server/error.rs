//! One error type for every handler: a status, the contract's `{"detail": ...}` body (a string, or
//! the 422 list of `{loc, msg, type}`), and the headers some statuses need (`WWW-Authenticate` on
//! 401, `Retry-After` on 429). Typed library errors map to statuses here and nowhere else.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::domain::RuleError;
use crate::error::Error;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: Value,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: Value::String(detail.into()),
            headers: Vec::new(),
        }
    }

    /// 401 with `WWW-Authenticate: Bearer`, as the contract and RFC 6750 ask.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::UNAUTHORIZED, detail);
        e.headers
            .push((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        e
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    pub fn too_many(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many failed logins — try again in {retry_after_secs} seconds"),
        );
        e.headers
            .push((header::RETRY_AFTER, HeaderValue::from(retry_after_secs)));
        e
    }

    /// 422 in FastAPI's shape: one item naming where the bad value is (`["body", "email"]`).
    pub fn validation(loc: &[&str], msg: impl Into<String>, kind: &str) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: json!([{ "loc": loc, "msg": msg.into(), "type": kind }]),
            headers: Vec::new(),
        }
    }

    /// Something went wrong on our side. The cause is logged, never sent: it may name paths.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
    }
}

/// The one answer for a session that does not exist or is another user's.
pub const SESSION_NOT_FOUND: &str = "session not found";

/// The body field a rule error is about, in the contract's words.
fn body_field(field: &str) -> &str {
    match field {
        "message" => "content",
        other => other,
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Rule(rule) => match &rule {
                RuleError::Empty { field } => {
                    ApiError::validation(&["body", body_field(field)], rule.to_string(), "missing")
                }
                RuleError::TooLong { field, .. } => ApiError::validation(
                    &["body", body_field(field)],
                    rule.to_string(),
                    "string_too_long",
                ),
                RuleError::Invalid { field, .. } => ApiError::validation(
                    &["body", body_field(field)],
                    rule.to_string(),
                    "value_error",
                ),
                RuleError::TooFewTurns { .. } => {
                    ApiError::new(StatusCode::CONFLICT, rule.to_string())
                }
                // The rules' own messages point at CLI commands; an API client gets its own words.
                RuleError::NotInProgress { status, .. } => ApiError::new(
                    StatusCode::CONFLICT,
                    format!("the session is {status}, so it takes no new messages"),
                ),
                RuleError::NotCompleted { status } => ApiError::new(
                    StatusCode::CONFLICT,
                    format!(
                        "the session is {status}, not completed — complete it first (POST …/complete)"
                    ),
                ),
                RuleError::Transition { from, to, hint } => {
                    let hint = if *to == crate::domain::SessionStatus::Completed {
                        " — completion goes through POST …/complete"
                    } else if hint.contains("prapp") {
                        ""
                    } else {
                        hint
                    };
                    ApiError::new(
                        StatusCode::CONFLICT,
                        format!("cannot move a session from {from} to {to}{hint}"),
                    )
                }
            },
            Error::Unknown(u) => {
                let field = match u.what {
                    "preparation type" => "preparation_type",
                    "subtype" => "meeting_subtype",
                    other => other,
                };
                ApiError::validation(&["body", field], u.to_string(), "enum")
            }
            // Another user's session answers exactly as one that does not exist.
            Error::NoSession(_) | Error::Ambiguous { .. } => ApiError::not_found(SESSION_NOT_FOUND),
            Error::NotFound(msg) => ApiError::not_found(msg),
            Error::Conflict(msg) => ApiError::new(StatusCode::CONFLICT, msg),
            Error::Input(msg) => ApiError::new(StatusCode::BAD_REQUEST, msg),
            Error::Coach(msg) => {
                tracing::warn!(error = %msg, "coach failed");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "the coach failed to answer — your message is saved; send it again later",
                )
            }
            Error::CoachSetup(msg) => {
                tracing::warn!(error = %msg, "coach failed to open a session");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "the coach failed to open the session — nothing was created; try again later",
                )
            }
            // The server never acts as a sync client; should it one day, these are its failures.
            e @ (Error::Database { .. }
            | Error::Io { .. }
            | Error::Sqlite(_)
            | Error::Server(_)
            | Error::Auth(_)) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(json!({ "detail": self.detail }))).into_response();
        res.headers_mut().extend(self.headers);
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
