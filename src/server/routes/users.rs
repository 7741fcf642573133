//! `/api/v1/users`: profile, account summary, change password.

use axum::Json;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer};

use super::auth::MessageResponse;
use crate::domain::{self, AccountSummary, PreparationType, Profile, ProfileUpdate};
use crate::practice::account::Accounts;
use crate::server::auth::AuthUser;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::openapi::{ErrorBody, ValidationErrorBody};
use crate::server::state::AppState;

/// A present field, even `null`, is `Some`; an absent one is `None` (left as it is).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A partial Profile: absent fields stay; `null` or `""` clears one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    #[serde(default, deserialize_with = "present")]
    pub full_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub target_role: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub experience_level: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub bio: Option<Option<String>>,
    #[serde(default)]
    pub preferences: Option<PreferencesRequest>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesRequest {
    #[serde(default, deserialize_with = "present")]
    pub default_preparation_type: Option<Option<PreparationType>>,
    #[serde(default, deserialize_with = "present")]
    pub default_tone: Option<Option<String>>,
}

fn text(v: Option<Option<String>>) -> Option<String> {
    v.map(Option::unwrap_or_default)
}

impl From<ProfileRequest> for ProfileUpdate {
    fn from(r: ProfileRequest) -> Self {
        let prefs = r.preferences.unwrap_or_default();
        ProfileUpdate {
            full_name: text(r.full_name),
            target_role: text(r.target_role),
            experience_level: text(r.experience_level),
            industry: text(r.industry),
            bio: text(r.bio),
            default_preparation_type: prefs.default_preparation_type,
            default_tone: text(prefs.default_tone),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    #[schema(min_length = 8, max_length = 1024)]
    pub new_password: String,
}

#[utoipa::path(get, path = "/api/v1/users/profile", tag = "users", security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
    ))]
pub async fn get_profile(
    State(state): State<AppState>,
    auth: AuthUser,
) -> ApiResult<Json<Profile>> {
    Ok(Json(state.practice(auth.user, |p| p.profile()).await?))
}

#[utoipa::path(put, path = "/api/v1/users/profile", tag = "users", security(("bearer" = [])),
    request_body = ProfileRequest,
    responses(
        (status = 200, description = "The whole profile after the change", body = Profile),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ValidationErrorBody),
    ))]
pub async fn put_profile(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<ProfileRequest>,
) -> ApiResult<Json<Profile>> {
    let update = ProfileUpdate::from(req);
    Ok(Json(
        state
            .practice(auth.user, move |p| p.update_profile(&update))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/users/account", tag = "users", security(("bearer" = [])),
    responses(
        (status = 200, body = AccountSummary),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
    ))]
pub async fn account(
    State(state): State<AppState>,
    auth: AuthUser,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(state.practice(auth.user, |p| p.account()).await?))
}

#[utoipa::path(post, path = "/api/v1/users/change-password", tag = "users", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed; the user's other tokens are revoked", body = MessageResponse),
        (status = 400, description = "Wrong current password", body = ErrorBody),
        (status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")), body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "Weak new password or malformed body", body = ValidationErrorBody),
        (status = 429, headers(("Retry-After" = u64, description = "Seconds to wait")), description = "Too many wrong current passwords for this account or address; see Retry-After", body = ErrorBody),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<(StatusCode, Json<MessageResponse>)> {
    domain::validate_password("new_password", &req.new_password).map_err(crate::Error::from)?;
    let user_id = auth.user.user_id;
    // A stolen token must not allow unlimited guesses of the current password: the same limit
    // as a login, per account and per address.
    let account_key = format!("user:{user_id}");
    let keys = [account_key.clone(), format!("addr:{}", addr.ip())];
    state.limiter().reserve(&keys).map_err(ApiError::too_many)?;
    let current = state
        .run(move |store| Ok(Accounts::new(store).credentials_by_id(user_id)?))
        .await?
        .map(|c| c.password_hash);
    if !state.verify(req.current_password, current).await? {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the current password is not correct",
        ));
    }
    state.limiter().succeed(&account_key);
    state.limiter().release(&keys[1..]);
    let hash = state.hash(req.new_password).await?;
    let keep = auth.jti;
    let revoked = state
        .run(move |store| Ok(Accounts::new(store).change_password(user_id, &hash, keep)?))
        .await?;
    tracing::info!(user_id = %user_id, revoked, "password changed");
    Ok((
        StatusCode::OK,
        Json(MessageResponse {
            message: format!(
                "password changed; {revoked} other token{} revoked",
                if revoked == 1 { "" } else { "s" }
            ),
        }),
    ))
}
