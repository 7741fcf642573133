//! `/api/v1/sessions`: create, list, show, change status, archive, messages (JSON or SSE),
//! complete, evaluate, evaluation. Every rule is the `practice` use cases'; this file only
//! translates HTTP to them and back.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::domain::{
    Evaluation, PreparationType, Session, SessionPage, SessionSetup, SessionStatus, TurnReply,
};
use crate::server::auth::AuthUser;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiJson, OptionalJson, Params, query, query_range, session_id};
use crate::server::openapi::{ErrorBody, ValidationErrorBody};
use crate::server::state::AppState;
use crate::store::ListFilter;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    pub preparation_type: PreparationType,
    /// One of the type's question banks (e.g. "behavioral"), or `drill-<dimension>`.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub meeting_subtype: Option<String>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub agenda: Option<String>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub tone: Option<String>,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub role_context: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchSessionRequest {
    pub status: SessionStatus,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// 1 to 8000 characters after trimming.
    #[schema(min_length = 1, max_length = 8000)]
    pub content: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    #[serde(default)]
    pub force: Option<bool>,
}

fn is_missing_session(e: &ApiError) -> bool {
    e.detail == serde_json::Value::String(crate::server::error::SESSION_NOT_FOUND.into())
}

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])),
    request_body = CreateSessionRequest,
    responses(
        (status = 201, description = "In progress, with the coach's opening", body = Session),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
        (status = 502, description = "The coach failed", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<CreateSessionRequest>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    let setup = SessionSetup {
        preparation_type: Some(req.preparation_type),
        meeting_subtype: req.meeting_subtype,
        agenda: req.agenda,
        tone: req.tone,
        role_context: req.role_context,
    };
    let session = state.practice(auth.user, move |p| p.create(&setup)).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])),
    params(
        ("status" = Option<SessionStatus>, Query, description = "Only this status; archived sessions show only when asked for"),
        ("preparation_type" = Option<PreparationType>, Query),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000),
        ("page_size" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Newest first, without transcripts", body = SessionPage),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(params): Query<Params>,
) -> ApiResult<Json<SessionPage>> {
    let filter = ListFilter {
        status: query(&params, "status")?,
        preparation_type: query(&params, "preparation_type")?,
        page: query_range(&params, "page", 1, 1_000_000)?.unwrap_or(1) as usize,
        page_size: Some(
            query_range(&params, "page_size", 1, MAX_PAGE_SIZE)?.unwrap_or(DEFAULT_PAGE_SIZE)
                as usize,
        ),
    };
    Ok(Json(
        state.practice(auth.user, move |p| p.list(&filter)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/sessions/{session_id}", tag = "sessions", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "With the full transcript", body = Session),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Session>> {
    let id = session_id(&id)?;
    Ok(Json(state.practice(auth.user, move |p| p.show(id)).await?))
}

#[utoipa::path(patch, path = "/api/v1/sessions/{session_id}", tag = "sessions", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)), request_body = PatchSessionRequest,
    responses(
        (status = 200, body = Session),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Transition not allowed", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchSessionRequest>,
) -> ApiResult<Json<Session>> {
    let id = session_id(&id)?;
    Ok(Json(
        state
            .practice(auth.user, move |p| p.set_status(id, req.status))
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/sessions/{session_id}", tag = "sessions", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)),
    responses(
        (status = 204, description = "Archived, never erased"),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn archive(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = session_id(&id)?;
    state.practice(auth.user, move |p| p.archive(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn wants_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/event-stream"))
}

#[utoipa::path(post, path = "/api/v1/sessions/{session_id}/messages", tag = "sessions", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)), request_body = SendMessageRequest,
    responses(
        (status = 200, description = "Both sides of the turn. With `Accept: text/event-stream`: Server-Sent Events `delta` {content}, then `done` (this body) or `error` {detail}",
            content(
                (TurnReply = "application/json"),
                (String = "text/event-stream"),
            )),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The session is not in progress", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
        (status = 502, description = "The coach failed; the user's message is kept", body = ErrorBody),
    ))]
pub async fn send_message(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> ApiResult<Response> {
    let id = session_id(&id)?;
    if wants_stream(&headers) {
        return Ok(stream_message(state, auth, id, req.content)
            .await?
            .into_response());
    }
    let (user_message, session) = state
        .practice(auth.user.clone(), move |p| p.send_answer(id, &req.content))
        .await?;
    let reply = coach_reply(&state, session, |_| true).await?;
    let turn = state
        .practice(auth.user, move |p| p.record_reply(id, user_message, &reply))
        .await?;
    Ok(Json(turn).into_response())
}

/// Asks the coach on a blocking thread that holds no database connection: a model may take
/// seconds, and the pool's few connections must stay free for everyone else meanwhile.
async fn coach_reply(
    state: &AppState,
    session: Session,
    mut sink: impl FnMut(&str) -> bool + Send + 'static,
) -> ApiResult<crate::coach::Reply> {
    let coach = state.coach();
    let cancel = crate::coach::Cancel::default();
    tokio::task::spawn_blocking(move || coach.respond(&session, &mut sink, &cancel))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::from(crate::practice::coach_error(e)))
}

/// What the coach's side of a streamed reply sends to the response.
enum Chunk {
    Delta(String),
    Done(Box<TurnReply>),
    Failed(ApiError),
}

/// The SSE variant: `delta` events as the coach produces text, then `done` with the same body as
/// the JSON answer, or `error` with `{detail}`. The answer is checked and stored before the
/// stream starts, so its errors (bad id, session not in progress, bad content) are ordinary JSON
/// errors with their status. A client that goes away cancels the coach; the answer is kept.
async fn stream_message(
    state: AppState,
    auth: AuthUser,
    id: uuid::Uuid,
    content: String,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let (user_message, session) = state
        .practice(auth.user.clone(), move |p| p.send_answer(id, &content))
        .await?;
    let (tx, rx) = mpsc::unbounded_channel::<Chunk>();
    tokio::spawn(async move {
        let deltas = tx.clone();
        let sink = move |piece: &str| deltas.send(Chunk::Delta(piece.to_string())).is_ok();
        let result = match coach_reply(&state, session, sink).await {
            Ok(reply) => {
                state
                    .practice(auth.user, move |p| p.record_reply(id, user_message, &reply))
                    .await
            }
            Err(e) => Err(e),
        };
        let _ = tx.send(match result {
            Ok(reply) => Chunk::Done(Box::new(reply)),
            Err(e) => Chunk::Failed(e),
        });
    });
    let events = stream::unfold(rx, |mut rx| async move {
        let chunk = rx.recv().await?;
        let event = match chunk {
            Chunk::Delta(text) => Event::default()
                .event("delta")
                .json_data(serde_json::json!({ "content": text })),
            Chunk::Done(reply) => Event::default().event("done").json_data(&*reply),
            Chunk::Failed(e) => Event::default()
                .event("error")
                .json_data(serde_json::json!({ "detail": e.detail })),
        };
        let event = event.unwrap_or_else(|_| Event::default().event("error"));
        Some((Ok(event), rx))
    });
    // Comments every 15 s keep proxies from closing a stream while a slow model thinks.
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

#[utoipa::path(post, path = "/api/v1/sessions/{session_id}/complete", tag = "sessions", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "Completed; activates the user on their first completion", body = Session),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Fewer than 3 turns (the detail says how many), or not in progress", body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn complete(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Session>> {
    let id = session_id(&id)?;
    Ok(Json(
        state.practice(auth.user, move |p| p.complete(id)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/sessions/{session_id}/evaluate", tag = "sessions", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)), request_body(content = Option<EvaluateRequest>, description = "May be left out"),
    responses(
        (status = 200, description = "The existing evaluation (no `force`)", body = Evaluation),
        (status = 201, description = "A new evaluation", body = Evaluation),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The session is not completed", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn evaluate(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    OptionalJson(req): OptionalJson<EvaluateRequest>,
) -> ApiResult<(StatusCode, Json<Evaluation>)> {
    let id = session_id(&id)?;
    let force = req.force.unwrap_or(false);
    let done = state
        .practice(auth.user, move |p| p.evaluate(id, force))
        .await?;
    let status = if done.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(done.evaluation)))
}

#[utoipa::path(get, path = "/api/v1/sessions/{session_id}/evaluation", tag = "sessions", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = Evaluation),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, description = "No such session, or no evaluation yet", body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn evaluation(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Evaluation>> {
    let id = session_id(&id)?;
    let found = state.practice(auth.user, move |p| p.evaluation(id)).await;
    match found {
        Ok(e) => Ok(Json(e)),
        // The use case's message names a CLI command; say it in the API's terms.
        Err(e) if e.status == StatusCode::NOT_FOUND && !is_missing_session(&e) => {
            Err(ApiError::not_found(
                "the session has no evaluation yet — POST …/evaluate once it is completed",
            ))
        }
        Err(e) => Err(e),
    }
}
