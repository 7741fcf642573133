//! Request extractors that answer in the contract's shapes: strict JSON bodies (unknown fields,
//! wrong types and missing fields are 422 with a `loc`; too large is 413), ids in paths, and query
//! parameters. axum's own rejections are plain text, which no client of the contract expects.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::ApiError;

/// The request body limit: larger bodies answer 413.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The limit for a sync push, a whole session: about 2,000 turns of 8,000 ASCII characters.
pub const SYNC_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// A JSON body parsed strictly into `T` (whose fields deny unknown ones).
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        parse_body(&bytes).map(ApiJson)
    }
}

/// A JSON body that may be left out entirely (`POST …/evaluate` with no body is `{}`).
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        let text = bytes.trim_ascii();
        // No body, or JSON `null`, is "nothing asked for".
        if text.is_empty() || text == b"null" {
            return Ok(OptionalJson(T::default()));
        }
        parse_body(&bytes).map(OptionalJson)
    }
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the request body is larger than the server accepts \
                     ({BODY_LIMIT} bytes; {SYNC_BODY_LIMIT} for a sync push)"
                ),
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "could not read the request body")
        }
    })
}

/// Parses a JSON body, naming the field that is wrong the way FastAPI does. Every body of the
/// contract is an object: serde would also fill a struct from an array (`[null, null]`), which
/// is no way to write one.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        let empty = bytes.trim_ascii().is_empty();
        return Err(ApiError::validation(
            &["body"],
            if empty {
                "a JSON object is required"
            } else {
                "the body must be a JSON object"
            },
            if empty {
                "missing"
            } else {
                "model_attributes_type"
            },
        ));
    }
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let de = &mut json;
    // Types shared with clients (a pushed session) cannot deny unknown fields themselves
    // without breaking older clients reading newer servers; the server refuses them here.
    let mut unknown = Vec::new();
    let mut note = |path: serde_ignored::Path| unknown.push(segments(&path));
    let de = serde_ignored::Deserializer::new(de, &mut note);
    let parsed = serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let mut msg = inner.to_string();
        // serde reports a missing or unknown field at the object holding it: name the field.
        let field = msg
            .split('`')
            .nth(1)
            .filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"))
            .map(str::to_string);
        let mut loc = vec!["body".to_string()];
        if path != "." {
            loc.extend(path.split('.').map(str::to_string));
        }
        // serde_path_to_error already names an unknown field; a missing one it does not.
        if let Some(f) = field
            && loc.last() != Some(&f)
        {
            loc.push(f);
        }
        let kind = if msg.starts_with("missing field") {
            "missing"
        } else if msg.starts_with("unknown field") {
            "extra_forbidden"
        } else if inner.is_syntax() || inner.is_eof() {
            "json_invalid"
        } else {
            "value_error"
        };
        // The position matters for a syntax error only.
        if kind != "json_invalid"
            && let Some(i) = msg.rfind(" at line ")
        {
            msg.truncate(i);
        }
        let loc: Vec<&str> = loc.iter().map(String::as_str).collect();
        ApiError::validation(&loc, msg, kind)
    })?;
    // `{…} this is not JSON` or a second object after the first: the body is not one JSON value.
    if let Err(e) = json.end() {
        return Err(ApiError::validation(
            &["body"],
            format!("unexpected data after the JSON object ({e})"),
            "json_invalid",
        ));
    }
    match unknown.first() {
        None => Ok(parsed),
        Some(path) => {
            let mut loc = vec!["body"];
            loc.extend(path.iter().map(String::as_str));
            let field = loc.last().copied().unwrap_or("body");
            Err(ApiError::validation(
                &loc,
                format!("unknown field `{field}`"),
                "extra_forbidden",
            ))
        }
    }
}

/// The `loc` of a value serde_ignored reports: object keys and array indexes, outermost first
/// (`Option` and newtype layers are not places in the JSON).
fn segments(path: &serde_ignored::Path) -> Vec<String> {
    use serde_ignored::Path;
    let mut out = Vec::new();
    let mut at = path;
    loop {
        at = match at {
            Path::Root => break,
            Path::Seq { parent, index } => {
                out.push(index.to_string());
                parent
            }
            Path::Map { parent, key } => {
                out.push(key.clone());
                parent
            }
            Path::Some { parent }
            | Path::NewtypeStruct { parent }
            | Path::NewtypeVariant { parent } => parent,
        };
    }
    out.reverse();
    out
}

/// A session id from the path; not a UUID is a 422 like any other malformed parameter.
pub fn session_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| {
        ApiError::validation(
            &["path", "session_id"],
            "the session id is not a UUID",
            "uuid_parsing",
        )
    })
}

/// Query parameters as given; unknown ones are ignored, as FastAPI does.
pub type Params = HashMap<String, String>;

/// An optional query parameter parsed with `FromStr`; a bad value is 422 naming it.
pub fn query<T: std::str::FromStr>(params: &Params, name: &str) -> Result<Option<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    match params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e: T::Err| {
            ApiError::validation(&["query", name], format!("{name}: {e}"), "value_error")
        }),
    }
}

/// An integer query parameter within `min..=max`.
pub fn query_range(
    params: &Params,
    name: &str,
    min: u64,
    max: u64,
) -> Result<Option<u64>, ApiError> {
    let v: Option<u64> = query(params, name)?;
    match v {
        Some(n) if n < min || n > max => Err(ApiError::validation(
            &["query", name],
            format!("{name} must be between {min} and {max}"),
            "value_error",
        )),
        other => Ok(other),
    }
}
