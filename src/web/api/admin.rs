//! Administration endpoints: users, their sessions, the audit log and its chain.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::List;
use crate::app::users::UserInput;
use crate::app::{audit as audit_uc, auth as auth_uc, users as uc};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::audit::{AuditEntry, AuditFilter, ChainReport};
use crate::store::users::User;
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

#[utoipa::path(get, path = "/api/v1/users", tag = "admin", params(PageRequest), security(("bearer" = [])),
    responses((status = 200, body = List<User>), (status = 403, body = ErrorBody)))]
pub async fn list_users(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(page): ApiQuery<PageRequest>) -> Result<Json<List<User>>, AppError> {
    Ok(Json(uc::list_users(&s.db, &actor, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = UserInput, security(("bearer" = [])),
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiJson(input): ApiJson<UserInput>) -> Result<(StatusCode, Json<User>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_user(&s.db, &actor, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn disable_user(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<User>, AppError> {
    Ok(Json(uc::set_user_disabled(&s.db, &actor, id, true).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enable_user(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<User>, AppError> {
    Ok(Json(uc::set_user_disabled(&s.db, &actor, id, false).await?))
}

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// enterprise, township, department, cadre, user, …
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl AuditQuery {
    pub fn split(&self) -> (AuditFilter, PageRequest) {
        (
            AuditFilter { entity: self.entity.clone().filter(|e| !e.is_empty()), entity_id: self.entity_id, actor_id: self.actor_id },
            PageRequest { page: self.page, per_page: self.per_page },
        )
    }
}

#[utoipa::path(get, path = "/api/v1/audit-entries", tag = "admin", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = List<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn list_audit_entries(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<List<AuditEntry>>, AppError> {
    let (filter, page) = q.split();
    Ok(Json(audit_uc::list_audit_entries(&s.db, &actor, &filter, &page).await?.into()))
}

/// How many sessions and tokens were ended.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Revoked {
    pub revoked: u64,
}

#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "every session and token of the user ended", body = Revoked), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_user_sessions(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Revoked>, AppError> {
    Ok(Json(Revoked { revoked: auth_uc::revoke_user_sessions(&s.db, &actor, id).await? }))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "admin", security(("bearer" = [])),
    responses((status = 200, description = "the walk of the hash chain: ok, or the first broken entry and why", body = ChainReport), (status = 403, body = ErrorBody)))]
pub async fn verify_audit_chain(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<ChainReport>, AppError> {
    Ok(Json(audit_uc::verify_audit_chain(&s.db, &actor).await?))
}
