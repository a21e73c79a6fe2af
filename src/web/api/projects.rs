//! Key-project endpoints (重点项目调度): projects, milestones, permits, dispatch
//! notes, factor needs (raised as work orders) and the slippage view.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::project::{self as uc, FactorNeedInput, NoteInput, ProjectDetail, Slippage};
use crate::app::workorder::Filed;
use crate::domain::project::{MilestoneInput, PermitInput, ProjectInput, ProjectKind};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::project::{Milestone, Permit, Project, ProjectFilter, ProjectNote};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// The project routes, for the router's merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(show_slippage))
        .routes(routes!(show_project, update_project))
        .routes(routes!(add_milestone))
        .routes(routes!(update_milestone, delete_milestone))
        .routes(routes!(add_permit))
        .routes(routes!(update_permit))
        .routes(routes!(add_note))
        .routes(routes!(raise_factor_need))
}

/// Filters of the project list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ProjectQuery {
    /// construction, real_estate, shantytown, industrial
    pub kind: Option<String>,
    pub township_id: Option<i64>,
    pub owner_enterprise_id: Option<i64>,
    /// part of the name
    pub q: Option<String>,
    /// only projects with late milestones or stalled permits
    pub slipping: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ProjectQuery {
    /// # Errors
    /// `Validation` for an unknown kind.
    pub fn filter(&self) -> Result<(ProjectFilter, PageRequest), AppError> {
        let kind = match self.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => Some(ProjectKind::parse(k).ok_or_else(|| AppError::field("kind", format!("未知的项目类型“{k}”")))?.code().to_string()),
            None => None,
        };
        let filter = ProjectFilter {
            kind,
            township_id: self.township_id,
            owner_enterprise_id: self.owner_enterprise_id,
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
            slipping: self.slipping.unwrap_or(false),
            only_cadre: None,
        };
        Ok((filter, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

/// A project update: the fields plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProjectUpdate {
    #[serde(flatten)]
    pub fields: ProjectInput,
    pub version: i64,
}

/// A milestone update: the fields plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MilestoneUpdate {
    #[serde(flatten)]
    pub fields: MilestoneInput,
    pub version: i64,
}

/// A permit update: the fields plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PermitUpdate {
    #[serde(flatten)]
    pub fields: PermitInput,
    pub version: i64,
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Project>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_projects(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<ProjectQuery>) -> Result<Json<List<Project>>, AppError> {
    let (filter, page) = q.filter()?;
    Ok(Json(uc::list_projects(&s.work(), &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectInput, security(("bearer" = [])),
    responses((status = 201, body = Project), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_project(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<ProjectInput>,
) -> Result<(StatusCode, Json<Project>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_project(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProjectDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_project(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<ProjectDetail>, AppError> {
    Ok(Json(uc::get_project(&s.work(), &actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path)), request_body = ProjectUpdate, security(("bearer" = [])),
    responses((status = 200, body = Project), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_project(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProjectUpdate>,
) -> Result<Json<Project>, AppError> {
    Ok(Json(uc::update_project(&s.work(), &actor, id, input.version, &input.fields).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "projects", params(("id" = i64, Path)), request_body = MilestoneInput,
    security(("bearer" = [])),
    responses((status = 201, body = Milestone), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, description = "e.g. a planned day before the project's start (field planned_on)", body = ErrorBody)))]
pub async fn add_milestone(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> Result<(StatusCode, Json<Milestone>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::add_milestone(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(put, path = "/api/v1/project-milestones/{id}", tag = "projects", params(("id" = i64, Path)), request_body = MilestoneUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = Milestone), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_milestone(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MilestoneUpdate>,
) -> Result<Json<Milestone>, AppError> {
    Ok(Json(uc::update_milestone(&s.work(), &actor, id, input.version, &input.fields).await?))
}

#[utoipa::path(delete, path = "/api/v1/project-milestones/{id}", tag = "projects", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_milestone(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_milestone(&s.work(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/permits", tag = "projects", params(("id" = i64, Path)), request_body = PermitInput,
    security(("bearer" = [])),
    responses((status = 201, body = Permit), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_permit(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PermitInput>,
) -> Result<(StatusCode, Json<Permit>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::add_permit(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(put, path = "/api/v1/project-permits/{id}", tag = "projects", params(("id" = i64, Path)), request_body = PermitUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = Permit), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_permit(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PermitUpdate>,
) -> Result<Json<Permit>, AppError> {
    Ok(Json(uc::update_permit(&s.work(), &actor, id, input.version, &input.fields).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/notes", tag = "projects", params(("id" = i64, Path)), request_body = NoteInput,
    security(("bearer" = [])),
    responses((status = 201, body = ProjectNote), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_note(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<ProjectNote>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::add_note(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/factor-needs", tag = "projects", params(("id" = i64, Path)), request_body = FactorNeedInput,
    security(("bearer" = [])),
    responses((status = 201, description = "the work order the need was raised as (source project)", body = Filed), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn raise_factor_need(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<FactorNeedInput>,
) -> Result<(StatusCode, Json<Filed>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::raise_factor_need(&s.work(), &actor, id, &input).await?)))
}

/// Which projects the slippage view covers.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct SlippageQuery {
    /// construction, real_estate, shantytown, industrial
    pub kind: Option<String>,
    pub township_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/projects/slippage", tag = "projects", params(SlippageQuery), security(("bearer" = [])),
    responses((status = 200, description = "late milestones and stalled permits as of the business day", body = Slippage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_slippage(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<SlippageQuery>) -> Result<Json<Slippage>, AppError> {
    let (filter, _) = ProjectQuery { kind: q.kind, township_id: q.township_id, ..ProjectQuery::default() }.filter()?;
    Ok(Json(uc::slippage(&s.work(), &actor, filter).await?))
}
