//! `/api/v1/analytics`: trends over a window and the current improvements.

use axum::Json;
use axum::extract::{Query, State};

use crate::analytics::{Improvements, Trends};
use crate::domain::PreparationType;
use crate::practice::analytics::TrendsQuery;
use crate::server::auth::AuthUser;
use crate::server::error::ApiResult;
use crate::server::extract::{Params, query, query_range};
use crate::server::openapi::{ErrorBody, ValidationErrorBody};
use crate::server::state::AppState;

#[utoipa::path(get, path = "/api/v1/analytics/trends", tag = "analytics", security(("bearer" = [])),
    params(
        ("days" = Option<u32>, Query, minimum = 1, maximum = 36500, description = "Sessions started in the last N days"),
        ("preparation_type" = Option<PreparationType>, Query),
    ),
    responses(
        (status = 200, body = Trends),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn trends(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(params): Query<Params>,
) -> ApiResult<Json<Trends>> {
    let q = TrendsQuery {
        days: query_range(&params, "days", 1, 36_500)?.map(|d| d as u32),
        preparation_type: query(&params, "preparation_type")?,
    };
    Ok(Json(
        state.practice(auth.user, move |p| p.trends(&q)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/analytics/improvements", tag = "analytics", security(("bearer" = [])),
    responses(
        (status = 200, body = Improvements),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
    ))]
pub async fn improvements(
    State(state): State<AppState>,
    auth: AuthUser,
) -> ApiResult<Json<Improvements>> {
    Ok(Json(state.practice(auth.user, |p| p.improvements()).await?))
}
