//! `/api/v1/sync`: the extension `prapp sync` uses. PUT merges a pushed session (and its
//! evaluation) with the stored one by the domain's merge rule; GET lists what changed after a
//! cursor. The cursor is opaque to clients: today the database's change sequence, as text.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use crate::domain::merge::Synced;
use crate::domain::{Evaluation, Session};
use crate::practice::sync::Cursor;
use crate::server::auth::AuthUser;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{ApiJson, Params, query_range, session_id};
use crate::server::openapi::{ErrorBody, ValidationErrorBody};
use crate::server::state::AppState;

/// A session with its evaluation, as sync pushes and pulls them.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncItem {
    /// The full session, transcript included.
    pub session: Session,
    pub evaluation: Option<Evaluation>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncPage {
    pub items: Vec<SyncItem>,
    /// Pass as `since` next time; unchanged when nothing changed.
    pub next_cursor: String,
}

pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 500;

#[utoipa::path(put, path = "/api/v1/sync/sessions/{session_id}", tag = "sync", security(("bearer" = [])),
    params(("session_id" = uuid::Uuid, Path)), request_body = SyncItem,
    responses(
        (status = 200, description = "The merged session; pushing the same data again changes nothing", body = Session),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 404, description = "The id belongs to another user's session", body = ErrorBody),
        (status = 409, description = "A message id belongs to another session", body = ErrorBody),
        (status = 413, description = "Body over 16 MiB", body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn push(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    ApiJson(item): ApiJson<SyncItem>,
) -> ApiResult<Json<Session>> {
    let id = session_id(&id)?;
    let pushed = Synced {
        session: item.session,
        evaluation: item.evaluation,
    };
    let merged = state
        .practice(auth.user, move |p| p.sync_push(id, pushed))
        .await?;
    Ok(Json(merged.session))
}

#[utoipa::path(get, path = "/api/v1/sync/sessions", tag = "sync", security(("bearer" = [])),
    params(
        ("since" = Option<String>, Query, pattern = r"^([0-9a-f]{32}\.)?[0-9]+$", description = "A cursor from an earlier answer; from the beginning when left out"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500),
    ),
    responses(
        (status = 200, description = "Sessions changed since the cursor, oldest change first", body = SyncPage),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 409, description = "The cursor is not from this database's history (replaced, or restored from a backup): sync again from the beginning", body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn pull(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(params): Query<Params>,
) -> ApiResult<Json<SyncPage>> {
    let since = Cursor::parse(params.get("since").map_or("", String::as_str)).ok_or_else(|| {
        ApiError::validation(
            &["query", "since"],
            "not a cursor from this server",
            "value_error",
        )
    })?;
    let limit = query_range(&params, "limit", 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT) as usize;
    let page = state
        .practice(auth.user, move |p| p.sync_changes(&since, limit))
        .await?;
    Ok(Json(SyncPage {
        items: page
            .items
            .into_iter()
            .map(|s| SyncItem {
                session: s.session,
                evaluation: s.evaluation,
            })
            .collect(),
        next_cursor: page.next_cursor.to_string(),
    }))
}
