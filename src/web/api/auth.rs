//! API log-in: exchange a user name and password for a bearer token (it expires
//! after `auth::BEARER_TOKEN_HOURS`), and revoke it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::auth;
use crate::domain::Role;
use crate::error::AppError;
use crate::store::users::SessionKind;
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiUser, bearer_token};

#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    /// send as `Authorization: Bearer <token>`
    pub token: String,
    /// seconds until the token stops working (then log in again)
    pub expires_in: i64,
    /// when the token stops working (ISO-8601 UTC)
    pub expires_at: String,
}

/// Who the token belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub township_id: Option<i64>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub cadre_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = Credentials,
    responses((status = 200, body = TokenAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn issue_token(State(s): State<AppState>, ApiJson(c): ApiJson<Credentials>) -> Result<Json<TokenAnswer>, AppError> {
    let session = auth::log_in(&s.db, &s.throttle, &c.username, &c.password, SessionKind::Bearer).await?;
    Ok(Json(TokenAnswer { token: session.token, expires_in: auth::BEARER_TOKEN_HOURS * 3600, expires_at: session.expires_at }))
}

#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn revoke_token(State(s): State<AppState>, _user: ApiUser, parts: Parts) -> Result<StatusCode, AppError> {
    if let Some(token) = bearer_token(&parts) {
        auth::log_out(&s.db, token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn show_me(ApiUser(a): ApiUser) -> Json<Me> {
    Json(Me {
        id: a.user_id,
        username: a.username,
        display_name: a.display_name,
        role: a.role,
        township_id: a.township_id,
        department_id: a.department_id,
        enterprise_id: a.enterprise_id,
        cadre_id: a.cadre_id,
    })
}
