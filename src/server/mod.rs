//! `prapp serve`: the REST API of `../shared/CONTRACT.md` over the same `practice` use cases as
//! the CLI and the TUI. axum on tokio; SQLite and argon2 run on blocking threads only
//! ([`AppState::run`]). Owns HTTP concerns (auth, error shapes, limits, headers, logs) and no
//! business rule: those stay in `practice` and `domain`.
//!
//! [`serve`] takes a bound listener, so tests bind `127.0.0.1:0` and read the port back.

pub mod auth;
pub mod error;
pub mod extract;
pub mod openapi;
mod routes;
mod state;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use auth::{LoginLimit, PasswordHashing};
pub use error::ApiError;
pub use state::{AppState, ServerConfig};

use crate::practice::account::Accounts;
use routes::{analytics, auth as auth_routes, sessions, sync, users};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole API with its middleware.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/auth/signup", post(auth_routes::signup))
        .route("/auth/login", post(auth_routes::login))
        .route("/auth/logout", post(auth_routes::logout))
        .route("/auth/me", get(auth_routes::me))
        .route(
            "/users/profile",
            get(users::get_profile).put(users::put_profile),
        )
        .route("/users/account", get(users::account))
        .route("/users/change-password", post(users::change_password))
        .route("/sessions", post(sessions::create).get(sessions::list))
        .route(
            "/sessions/{session_id}",
            get(sessions::show)
                .patch(sessions::patch)
                .delete(sessions::archive),
        )
        .route(
            "/sessions/{session_id}/messages",
            post(sessions::send_message),
        )
        .route("/sessions/{session_id}/complete", post(sessions::complete))
        .route("/sessions/{session_id}/evaluate", post(sessions::evaluate))
        .route(
            "/sessions/{session_id}/evaluation",
            get(sessions::evaluation),
        )
        .route("/analytics/trends", get(analytics::trends))
        .route("/analytics/improvements", get(analytics::improvements))
        .route("/sync/sessions", get(sync::pull))
        .route(
            "/sync/sessions/{session_id}",
            // A pushed session carries its whole transcript: a long one outgrows 1 MiB.
            axum::routing::put(sync::push).layer(DefaultBodyLimit::max(extract::SYNC_BODY_LIMIT)),
        )
        // API answers are per user: never cached by a shared cache.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let cors = cors_layer(state.cors_origins());
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(openapi::docs_page))
        .route("/docs/docs.js", get(openapi::docs_script))
        .route("/docs/docs.css", get(openapi::docs_style))
        .nest("/api/v1", api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        // A client that trickles its body holds a connection: 30 s is plenty for 1 MiB.
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(30)))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // JSON answers need nothing from a browser; /docs sets its own, looser policy.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ));
    let router = match cors {
        Some(c) => router.layer(c),
        None => router,
    };
    // Outermost: every log line of a request carries its id, and the answer echoes it.
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The path only: no query string, no headers (tokens live there).
                tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
            })
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unfit_request_id))
}

/// A client's own `x-request-id` is kept (so its logs and ours line up) when it is a short token;
/// anything else is dropped and replaced by a fresh UUID, so nobody writes what they like into
/// our logs.
async fn drop_unfit_request_id(mut req: Request) -> Request {
    let fit = req.headers().get(&REQUEST_ID).map(|v| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
    });
    if fit == Some(false) {
        req.headers_mut().remove(&REQUEST_ID);
    }
    req
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
            .expose_headers([REQUEST_ID, header::RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    )
}

#[utoipa::path(get, path = "/healthz", tag = "health",
    responses(
        (status = 200, body = openapi::Health),
        (status = 503, description = "The database does not answer", body = openapi::Health),
    ))]
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let db = state
        .run(|store| Ok(Accounts::new(store).ping()?))
        .await
        .is_ok();
    let version = env!("CARGO_PKG_VERSION");
    if db {
        (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok", "version": version })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "error", "database": "unreachable", "version": version })),
        )
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("Not Found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

/// Serves until `shutdown` completes, then stops taking connections and finishes the requests in
/// flight before returning.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
