//! `/api/v1/auth`: signup, login, logout, me.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::domain::{self, User};
use crate::practice::account::Accounts;
use crate::server::auth::AuthUser;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::openapi::{ErrorBody, ValidationErrorBody};
use crate::server::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// 8 to 1024 characters.
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub full_name: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub user: User,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageResponse {
    pub message: String,
}

const BAD_LOGIN: &str = "incorrect email or password";

/// Issues a token for `user` and records it, so it can be revoked.
async fn token_for(state: &AppState, user: User) -> ApiResult<TokenResponse> {
    let (access_token, record) = state.tokens().issue(user.user_id)?;
    state
        .run(move |store| Ok(Accounts::new(store).record_token(&record)?))
        .await?;
    Ok(TokenResponse {
        access_token,
        token_type: "bearer",
        user,
    })
}

#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupRequest,
    responses(
        (status = 201, description = "Account created; a token for it", body = TokenResponse),
        (status = 409, description = "Email taken", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "Weak password, bad email, unknown or missing field", body = ValidationErrorBody),
    ))]
pub async fn signup(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SignupRequest>,
) -> ApiResult<(StatusCode, Json<TokenResponse>)> {
    let email = domain::normalize_email(&req.email).map_err(crate::Error::from)?;
    domain::validate_password("password", &req.password).map_err(crate::Error::from)?;
    let full_name = req.full_name;
    // Check the name before spending a hash on a request that will be refused.
    domain::validate_setup_field(
        "full_name",
        full_name.as_deref(),
        domain::MAX_PROFILE_LINE_CHARS,
    )
    .map_err(crate::Error::from)?;
    let hash = state.hash(req.password).await?;
    let user = state
        .run(move |store| Ok(Accounts::new(store).sign_up(&email, full_name.as_deref(), &hash)?))
        .await?;
    tracing::info!(user_id = %user.user_id, "account created");
    let body = token_for(&state, user).await?;
    Ok((StatusCode::CREATED, Json(body)))
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "A new token", body = TokenResponse),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), description = "Unknown email or wrong password (the same answer)", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "Malformed body", body = ValidationErrorBody),
        (status = 429, headers(("Retry-After" = u64, description = "Seconds to wait")), description = "Too many failed logins for this email or address; see Retry-After", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    // A malformed email cannot have an account: the same 401 as any unknown one.
    let email = domain::normalize_email(&req.email).unwrap_or_else(|_| req.email.clone());
    let email_key = format!("email:{email}");
    let keys = [email_key.clone(), format!("addr:{}", addr.ip())];
    // Counted before the password is checked, so parallel guesses can't all get through.
    state.limiter().reserve(&keys).map_err(ApiError::too_many)?;
    let lookup = email.clone();
    let creds = state
        .run(move |store| Ok(Accounts::new(store).credentials_by_email(&lookup)?))
        .await?;
    let (user, hash) = match creds {
        Some(c) => (Some(c.user), Some(c.password_hash)),
        None => (None, None),
    };
    let ok = state.verify(req.password, hash).await?;
    match user {
        Some(user) if ok => {
            state.limiter().succeed(&email_key);
            state.limiter().release(&keys[1..]);
            Ok(Json(token_for(&state, user).await?))
        }
        _ => {
            tracing::info!(client = %addr.ip(), "failed login");
            Err(ApiError::unauthorized(BAD_LOGIN))
        }
    }
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The token is revoked", body = MessageResponse),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), description = "Missing, invalid, expired or revoked token", body = ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    auth: AuthUser,
) -> ApiResult<Json<MessageResponse>> {
    let jti = auth.jti;
    state
        .run(move |store| Ok(Accounts::new(store).revoke(jti)?))
        .await?;
    Ok(Json(MessageResponse {
        message: "logged out; this token no longer works".into(),
    }))
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The token's user", body = User),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), description = "Missing, invalid, expired or revoked token", body = ErrorBody),
    ))]
pub async fn me(auth: AuthUser) -> Json<User> {
    Json(auth.user)
}
