//! Registry endpoints: enterprises, townships, departments, cadres, officer assignments.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::List;
use crate::app::officers::{self, AssignmentQuery};
use crate::app::registry::{self as uc, CadreInput};
use crate::domain::{EnterpriseInput, EnterpriseKind};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::registry::{AssignmentRecord, Cadre, Department, Enterprise, EnterpriseFilter, EnterpriseSort, Township};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// Filters of the enterprise list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EnterpriseQuery {
    pub township_id: Option<i64>,
    /// industrial, foreign_trade, commerce_service, construction_real_estate, agriculture
    pub kind: Option<String>,
    /// part of the name or the credit code
    pub q: Option<String>,
    /// only enterprises with (true) or without (false) a current chief service officer
    pub has_officer: Option<bool>,
    /// only enterprises on (true) or off (false) the green list (绿名单) now
    pub green_list: Option<bool>,
    /// name (default), -headcount, -created_at
    pub sort: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl EnterpriseQuery {
    /// # Errors
    /// `Validation` for an unknown kind or sort order.
    pub fn filter(&self) -> Result<(EnterpriseFilter, PageRequest), AppError> {
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => Some(EnterpriseKind::parse(k).ok_or_else(|| AppError::field("kind", format!("未知的企业类型“{k}”")))?),
            None => None,
        };
        let sort = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => EnterpriseSort::parse(s).ok_or_else(|| AppError::field("sort", format!("不支持的排序“{s}”")))?,
            None => EnterpriseSort::default(),
        };
        let filter = EnterpriseFilter {
            township_id: self.township_id,
            kind,
            q: self.q.clone(),
            has_officer: self.has_officer,
            green_list: self.green_list,
            sort,
            ..EnterpriseFilter::default()
        };
        Ok((filter, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

/// An update: the fields plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EnterpriseUpdate {
    #[serde(flatten)]
    pub fields: EnterpriseInput,
    pub version: i64,
}

#[utoipa::path(get, path = "/api/v1/enterprises", tag = "registry", params(EnterpriseQuery),
    security(("bearer" = [])),
    responses((status = 200, body = List<Enterprise>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_enterprises(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> Result<Json<List<Enterprise>>, AppError> {
    let (filter, page) = q.filter()?;
    Ok(Json(uc::list_enterprises(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/enterprises", tag = "registry", request_body = EnterpriseInput,
    security(("bearer" = [])),
    responses((status = 201, body = Enterprise), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_enterprise(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<EnterpriseInput>,
) -> Result<(StatusCode, Json<Enterprise>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_enterprise(&s.db, &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Enterprise), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_enterprise(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Enterprise>, AppError> {
    Ok(Json(uc::get_enterprise(&s.db, &actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = i64, Path)), request_body = EnterpriseUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = Enterprise), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_enterprise(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<EnterpriseUpdate>,
) -> Result<Json<Enterprise>, AppError> {
    Ok(Json(uc::update_enterprise(&s.db, &actor, id, input.version, &input.fields).await?))
}

#[utoipa::path(delete, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_enterprise(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_enterprise(&s.db, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new township.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TownshipInput {
    pub name: String,
    /// xiang, zhen or ban
    pub kind: String,
}

#[utoipa::path(get, path = "/api/v1/townships", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = List<Township>), (status = 401, body = ErrorBody)))]
pub async fn list_townships(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<List<Township>>, AppError> {
    Ok(Json(uc::list_townships(&s.db, &actor).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/townships", tag = "registry", request_body = TownshipInput, security(("bearer" = [])),
    responses((status = 201, body = Township), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_township(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<TownshipInput>,
) -> Result<(StatusCode, Json<Township>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_township(&s.db, &actor, &input.name, &input.kind).await?)))
}

/// A change to a township: its fields plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TownshipUpdate {
    pub name: String,
    /// xiang, zhen or ban
    pub kind: String,
    pub version: i64,
}

#[utoipa::path(get, path = "/api/v1/townships/{id}", tag = "registry", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Township), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_township(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Township>, AppError> {
    Ok(Json(uc::get_township(&s.db, &actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/townships/{id}", tag = "registry", params(("id" = i64, Path)), request_body = TownshipUpdate, security(("bearer" = [])),
    responses((status = 200, body = Township), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_township(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TownshipUpdate>,
) -> Result<Json<Township>, AppError> {
    Ok(Json(uc::update_township(&s.db, &actor, id, input.version, &input.name, &input.kind).await?))
}

#[utoipa::path(delete, path = "/api/v1/townships/{id}", tag = "registry", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_township(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_township(&s.db, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new department.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DepartmentInput {
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/departments", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = List<Department>), (status = 401, body = ErrorBody)))]
pub async fn list_departments(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<List<Department>>, AppError> {
    Ok(Json(uc::list_departments(&s.db, &actor).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "registry", request_body = DepartmentInput, security(("bearer" = [])),
    responses((status = 201, body = Department), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_department(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<DepartmentInput>,
) -> Result<(StatusCode, Json<Department>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_department(&s.db, &actor, &input.name).await?)))
}

/// A change to a department: its name plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DepartmentUpdate {
    pub name: String,
    pub version: i64,
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "registry", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Department), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_department(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Department>, AppError> {
    Ok(Json(uc::get_department(&s.db, &actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "registry", params(("id" = i64, Path)), request_body = DepartmentUpdate, security(("bearer" = [])),
    responses((status = 200, body = Department), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_department(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DepartmentUpdate>,
) -> Result<Json<Department>, AppError> {
    Ok(Json(uc::update_department(&s.db, &actor, id, input.version, &input.name).await?))
}

#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "registry", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_department(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_department(&s.db, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of the cadre list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CadreQuery {
    pub department_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/cadres", tag = "registry", params(CadreQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Cadre>), (status = 403, body = ErrorBody)))]
pub async fn list_cadres(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<CadreQuery>) -> Result<Json<List<Cadre>>, AppError> {
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(uc::list_cadres(&s.db, &actor, q.department_id, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/cadres", tag = "registry", request_body = CadreInput, security(("bearer" = [])),
    responses((status = 201, body = Cadre), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_cadre(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<CadreInput>,
) -> Result<(StatusCode, Json<Cadre>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_cadre(&s.db, &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/cadres/{id}", tag = "registry", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Cadre), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_cadre(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Cadre>, AppError> {
    Ok(Json(uc::get_cadre(&s.db, &actor, id).await?))
}

/// A change to a cadre: its fields plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CadreUpdate {
    #[serde(flatten)]
    pub fields: CadreInput,
    pub version: i64,
}

#[utoipa::path(put, path = "/api/v1/cadres/{id}", tag = "registry", params(("id" = i64, Path)), request_body = CadreUpdate, security(("bearer" = [])),
    responses((status = 200, body = Cadre), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_cadre(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CadreUpdate>,
) -> Result<Json<Cadre>, AppError> {
    Ok(Json(uc::update_cadre(&s.db, &actor, id, input.version, &input.fields).await?))
}

/// Refused (409) while the cadre serves an enterprise, has an officer history or an account.
#[utoipa::path(delete, path = "/api/v1/cadres/{id}", tag = "registry", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_cadre(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_cadre(&s.db, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The officer history: current and ended assignments, newest first.
#[utoipa::path(get, path = "/api/v1/officer-assignments", tag = "registry", params(AssignmentQuery), security(("bearer" = [])),
    responses((status = 200, body = List<AssignmentRecord>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_assignments(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<AssignmentQuery>,
) -> Result<Json<List<AssignmentRecord>>, AppError> {
    Ok(Json(officers::assignment_history(&s.db, &actor, &q).await?.into()))
}

/// Assigning a cadre as an enterprise's chief service officer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignmentInput {
    pub cadre_id: i64,
    pub enterprise_id: i64,
    /// YYYY-MM-DD
    pub started_on: String,
}

/// The id of the assignment made.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/officer-assignments", tag = "registry", request_body = AssignmentInput, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn assign_officer(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<AssignmentInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = uc::assign_officer(&s.db, &actor, input.cadre_id, input.enterprise_id, &input.started_on).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
