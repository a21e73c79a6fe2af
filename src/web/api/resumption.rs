//! Resumption endpoints: status reports and figures, the green list and its
//! service teams, commitments and spot checks.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::commitment::{self, CheckResult, ChecklistInput, CommitmentDetail, CommitmentInput, DrawDetail, DrawInput, Drawn};
use crate::app::greenlist::{self, GreenLimits, GreenListed, ListingInput, TeamInput};
use crate::app::resumption::{self as uc, ReportInput, ReportQuery, Series};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::resumption::{ChecklistItem, CommitmentRow, DrawRow, GreenListEntry, ReportRow, SpotCheckRow, TeamMember};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// Every resumption route, for the router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reports, report_status))
        .routes(routes!(missing_reports))
        .routes(routes!(show_series))
        .routes(routes!(show_green_list, add_to_green_list))
        .routes(routes!(remove_from_green_list))
        .routes(routes!(set_service_team))
        .routes(routes!(show_green_limits, set_green_limits))
        .routes(routes!(show_checklist, add_checklist_item))
        .routes(routes!(edit_checklist_item))
        .routes(routes!(list_commitments, submit_commitment))
        .routes(routes!(show_commitment))
        .routes(routes!(list_draws, draw_spot_checks))
        .routes(routes!(show_draw))
        .routes(routes!(list_spot_checks))
        .routes(routes!(record_spot_check))
}

#[utoipa::path(get, path = "/api/v1/status-reports", tag = "resumption", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, body = List<ReportRow>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_reports(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<ReportQuery>) -> Result<Json<List<ReportRow>>, AppError> {
    Ok(Json(uc::list_reports(&s.work(), &actor, &q).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/status-reports", tag = "resumption", request_body = ReportInput, security(("bearer" = [])),
    responses((status = 201, description = "recorded (a second report of the same day replaces the first)", body = ReportRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report_status(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<(StatusCode, Json<ReportRow>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::report_status(&s.work(), &actor, &input).await?)))
}

/// The day the missing reports are for.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MissingQuery {
    /// YYYY-MM-DD (default: today)
    pub date: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// An enterprise without a report.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Unreported {
    pub enterprise_id: i64,
    pub enterprise_name: String,
}

#[utoipa::path(get, path = "/api/v1/status-reports/missing", tag = "resumption", params(MissingQuery), security(("bearer" = [])),
    responses((status = 200, description = "enterprises in scope without a report that day", body = List<Unreported>), (status = 403, body = ErrorBody)))]
pub async fn missing_reports(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<MissingQuery>,
) -> Result<Json<List<Unreported>>, AppError> {
    let page = uc::missing(&s.work(), &actor, q.date.as_deref(), &PageRequest { page: q.page, per_page: q.per_page }).await?;
    Ok(Json(List {
        items: page.items.into_iter().map(|(enterprise_id, enterprise_name)| Unreported { enterprise_id, enterprise_name }).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/resumption/series", tag = "resumption", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, description = "resumption and worker-return figures per day, the latest report carried forward", body = Series), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_series(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<ReportQuery>) -> Result<Json<Series>, AppError> {
    Ok(Json(uc::series(&s.work(), &actor, &q).await?))
}

/// Which green list to show.
#[derive(Debug, Deserialize, IntoParams)]
pub struct GreenQuery {
    /// include past memberships
    pub history: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/green-list", tag = "resumption", params(GreenQuery), security(("bearer" = [])),
    responses((status = 200, body = List<GreenListed>), (status = 403, body = ErrorBody)))]
pub async fn show_green_list(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<GreenQuery>,
) -> Result<Json<List<GreenListed>>, AppError> {
    Ok(Json(greenlist::view(&s.work(), &actor, q.history.unwrap_or(false), &PageRequest { page: q.page, per_page: q.per_page }).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/green-list", tag = "resumption", request_body = ListingInput, security(("bearer" = [])),
    responses((status = 201, body = GreenListEntry), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_to_green_list(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<ListingInput>,
) -> Result<(StatusCode, Json<GreenListEntry>), AppError> {
    Ok((StatusCode::CREATED, Json(greenlist::add(&s.work(), &actor, &input).await?)))
}

/// Why and when an enterprise leaves the green list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RemovalInput {
    /// YYYY-MM-DD (default: today)
    pub on: Option<String>,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/green-list/{enterprise_id}/remove", tag = "resumption", params(("enterprise_id" = i64, Path)), request_body = RemovalInput,
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove_from_green_list(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(enterprise_id): ApiPath<i64>,
    ApiJson(input): ApiJson<RemovalInput>,
) -> Result<StatusCode, AppError> {
    greenlist::remove(&s.work(), &actor, &ListingInput { enterprise_id, on: input.on, reason: input.reason }).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/green-list/{enterprise_id}/team", tag = "resumption", params(("enterprise_id" = i64, Path)), request_body = TeamInput,
    security(("bearer" = [])),
    responses((status = 200, body = Vec<TeamMember>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_service_team(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(enterprise_id): ApiPath<i64>,
    ApiJson(input): ApiJson<TeamInput>,
) -> Result<Json<Vec<TeamMember>>, AppError> {
    Ok(Json(greenlist::set_team(&s.work(), &actor, enterprise_id, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/green-list-limits", tag = "resumption", security(("bearer" = [])),
    responses((status = 200, description = "the shares of their categories' limits that green-list enterprises' orders run on", body = GreenLimits), (status = 403, body = ErrorBody)))]
pub async fn show_green_limits(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<GreenLimits>, AppError> {
    Ok(Json(greenlist::limits(&s.work(), &actor).await?))
}

#[utoipa::path(put, path = "/api/v1/green-list-limits", tag = "resumption", request_body = GreenLimits, security(("bearer" = [])),
    responses((status = 200, description = "set: orders handed on from now run on them", body = GreenLimits), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_green_limits(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiJson(input): ApiJson<GreenLimits>) -> Result<Json<GreenLimits>, AppError> {
    Ok(Json(greenlist::set_limits(&s.work(), &actor, &input).await?))
}

/// Which checklist items to show.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ChecklistQuery {
    /// true: deactivated items too (administrator only)
    pub all: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/commitment-checklist", tag = "resumption", params(ChecklistQuery), security(("bearer" = [])),
    responses((status = 200, description = "the epidemic-prevention items a commitment must tick", body = List<ChecklistItem>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn show_checklist(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<ChecklistQuery>,
) -> Result<Json<List<ChecklistItem>>, AppError> {
    let items = if q.all.unwrap_or(false) { commitment::checklist_all(&s.work(), &actor).await? } else { commitment::checklist(&s.work()).await? };
    Ok(Json(items.into()))
}

#[utoipa::path(post, path = "/api/v1/commitment-checklist", tag = "resumption", request_body = ChecklistInput, security(("bearer" = [])),
    responses((status = 201, description = "added: later commitments must tick it", body = ChecklistItem), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_checklist_item(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<ChecklistInput>,
) -> Result<(StatusCode, Json<ChecklistItem>), AppError> {
    Ok((StatusCode::CREATED, Json(commitment::add_item(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(put, path = "/api/v1/commitment-checklist/{id}", tag = "resumption", params(("id" = i64, Path)), request_body = ChecklistInput, security(("bearer" = [])),
    responses((status = 200, description = "edited or (de)activated; past commitments keep what they ticked", body = ChecklistItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_checklist_item(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ChecklistInput>,
) -> Result<Json<ChecklistItem>, AppError> {
    Ok(Json(commitment::edit_item(&s.work(), &actor, id, &input).await?))
}

/// Which commitments to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CommitmentQuery {
    /// active or suspended
    pub state: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/commitments", tag = "resumption", params(CommitmentQuery), security(("bearer" = [])),
    responses((status = 200, body = List<CommitmentRow>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_commitments(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<CommitmentQuery>,
) -> Result<Json<List<CommitmentRow>>, AppError> {
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(commitment::list(&s.work(), &actor, q.state.as_deref().filter(|s| !s.is_empty()), &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/commitments", tag = "resumption", request_body = CommitmentInput, security(("bearer" = [])),
    responses((status = 201, description = "in force: the business is reopened", body = CommitmentRow), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_commitment(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<CommitmentInput>,
) -> Result<(StatusCode, Json<CommitmentRow>), AppError> {
    Ok((StatusCode::CREATED, Json(commitment::submit(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/commitments/{id}", tag = "resumption", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the commitment, what it ticked, and its timeline", body = CommitmentDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_commitment(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<CommitmentDetail>, AppError> {
    Ok(Json(commitment::show(&s.work(), &actor, id).await?))
}

/// A page of draws.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DrawQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/spot-check-draws", tag = "resumption", params(DrawQuery), security(("bearer" = [])),
    responses((status = 200, description = "draws, newest first, with seed, share and population size", body = List<DrawRow>), (status = 403, body = ErrorBody)))]
pub async fn list_draws(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<DrawQuery>) -> Result<Json<List<DrawRow>>, AppError> {
    Ok(Json(commitment::list_draws(&s.work(), &actor, &PageRequest { page: q.page, per_page: q.per_page }).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/spot-check-draws/{id}", tag = "resumption", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "a draw: seed, share, population and the commitments drawn", body = DrawDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_draw(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<DrawDetail>, AppError> {
    Ok(Json(commitment::show_draw(&s.work(), &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/spot-check-draws", tag = "resumption", request_body = DrawInput, security(("bearer" = [])),
    responses((status = 201, body = Drawn), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn draw_spot_checks(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<DrawInput>,
) -> Result<(StatusCode, Json<Drawn>), AppError> {
    Ok((StatusCode::CREATED, Json(commitment::draw(&s.work(), &actor, &input).await?)))
}

/// Which spot checks to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CheckQuery {
    pub draw_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/spot-checks", tag = "resumption", params(CheckQuery), security(("bearer" = [])),
    responses((status = 200, body = List<SpotCheckRow>), (status = 403, body = ErrorBody)))]
pub async fn list_spot_checks(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> Result<Json<List<SpotCheckRow>>, AppError> {
    Ok(Json(commitment::list_checks(&s.work(), &actor, q.draw_id, &PageRequest { page: q.page, per_page: q.per_page }).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/spot-checks/{id}/result", tag = "resumption", params(("id" = i64, Path)), request_body = CheckResult, security(("bearer" = [])),
    responses((status = 200, body = SpotCheckRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_spot_check(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CheckResult>,
) -> Result<Json<SpotCheckRow>, AppError> {
    Ok(Json(commitment::record(&s.work(), &actor, id, &input).await?))
}
