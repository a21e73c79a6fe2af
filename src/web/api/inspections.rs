//! Inspection endpoints (督导检查 / 整改): campaigns and their tallies, sites,
//! inspections whose findings become assigned work orders, findings and their
//! re-inspections.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::clock::parse_date;
use crate::app::inspection::{
    self as uc, CampaignInput, CampaignTallies, InspectionDetail, InspectionInput, RecheckInput, SiteInput, TalliesQuery, TallyInput,
};
use crate::domain::inspection::{FindingStatus, InspectionResult, SiteKind};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::inspection::{Campaign, Finding, FindingFilter, Inspection, InspectionFilter, Site, SiteFilter, TallyEntry};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// The inspection routes, merged into the router at its capability merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(show_campaign))
        .routes(routes!(list_tally_entries, add_tally_entry))
        .routes(routes!(void_tally_entry))
        .routes(routes!(show_tallies))
        .routes(routes!(list_sites, create_site))
        .routes(routes!(show_site))
        .routes(routes!(list_inspections, record_inspection))
        .routes(routes!(show_inspection))
        .routes(routes!(list_findings))
        .routes(routes!(recheck_finding))
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|x| !x.is_empty()).map(str::to_string)
}

fn check_date(field: &'static str, v: &Option<String>) -> Result<Option<String>, AppError> {
    match nonempty(v) {
        Some(d) => parse_date(&d).map(|_| Some(d)).map_err(|_| AppError::field(field, "日期格式应为 YYYY-MM-DD")),
        None => Ok(None),
    }
}

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "inspections", security(("bearer" = [])),
    responses((status = 200, body = List<Campaign>), (status = 403, body = ErrorBody)))]
pub async fn list_campaigns(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<List<Campaign>>, AppError> {
    Ok(Json(uc::list_campaigns(&s.db, &actor).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "inspections", request_body = CampaignInput, security(("bearer" = [])),
    responses((status = 201, body = Campaign), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_campaign(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<(StatusCode, Json<Campaign>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_campaign(&s.db, &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "inspections", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Campaign), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_campaign(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Campaign>, AppError> {
    Ok(Json(uc::get_campaign(&s.db, &actor, id).await?))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/tally-entries", tag = "inspections", params(("id" = i64, Path), PageRequest), security(("bearer" = [])),
    responses((status = 200, description = "the campaign's dated figures, the latest first", body = List<TallyEntry>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_tally_entries(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<Json<List<TallyEntry>>, AppError> {
    Ok(Json(uc::list_tallies(&s.db, &actor, id, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/tally-entries", tag = "inspections", params(("id" = i64, Path)), request_body = TallyInput,
    security(("bearer" = [])),
    responses((status = 201, body = TallyEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_tally_entry(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TallyInput>,
) -> Result<(StatusCode, Json<TallyEntry>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::add_tally(&s.work(), &actor, id, &input).await?)))
}

/// Why an entry is voided.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct VoidInput {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/tally-entries/{id}/void", tag = "inspections", params(("id" = i64, Path)), request_body = VoidInput,
    security(("bearer" = [])),
    responses((status = 200, description = "voided: kept on record, no longer counted", body = TallyEntry), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn void_tally_entry(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<VoidInput>,
) -> Result<Json<TallyEntry>, AppError> {
    Ok(Json(uc::void_tally(&s.db, &actor, id, &input.reason).await?))
}

#[utoipa::path(get, path = "/api/v1/campaign-tallies", tag = "inspections", params(TalliesQuery), security(("bearer" = [])),
    responses((status = 200, description = "each figure summed up to and including the day, with the inspections and problems found and assigned by then",
        body = CampaignTallies), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_tallies(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<TalliesQuery>) -> Result<Json<CampaignTallies>, AppError> {
    let day = match nonempty(&q.as_of) {
        Some(d) => parse_date(&d).map_err(|_| AppError::field("as_of", "日期格式应为 YYYY-MM-DD"))?,
        None => s.work().today(),
    };
    Ok(Json(uc::tallies_as_of(&s.db, &actor, q.campaign_id, day).await?))
}

/// Filters of the site list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct SiteQuery {
    /// residential, village, supermarket, enterprise, river_pond, road, other
    pub kind: Option<String>,
    pub township_id: Option<i64>,
    /// part of the name or address
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl SiteQuery {
    /// # Errors
    /// `Validation` for an unknown kind.
    pub fn filter(&self) -> Result<(SiteFilter, PageRequest), AppError> {
        let kind = nonempty(&self.kind);
        if let Some(k) = kind.as_deref().filter(|k| SiteKind::parse(k).is_none()) {
            return Err(AppError::field("kind", format!("未知的点位类型“{k}”")));
        }
        Ok((SiteFilter { kind, township_id: self.township_id, q: nonempty(&self.q) }, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

#[utoipa::path(get, path = "/api/v1/sites", tag = "inspections", params(SiteQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Site>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_sites(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<SiteQuery>) -> Result<Json<List<Site>>, AppError> {
    let (filter, page) = q.filter()?;
    Ok(Json(uc::list_sites(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/sites", tag = "inspections", request_body = SiteInput, security(("bearer" = [])),
    responses((status = 201, body = Site), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_site(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiJson(input): ApiJson<SiteInput>) -> Result<(StatusCode, Json<Site>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_site(&s.db, &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "inspections", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Site), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_site(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Site>, AppError> {
    Ok(Json(uc::get_site(&s.db, &actor, id).await?))
}

/// Filters of the inspection list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct InspectionQuery {
    pub campaign_id: Option<i64>,
    pub site_id: Option<i64>,
    pub township_id: Option<i64>,
    /// passed, problems
    pub result: Option<String>,
    /// inspected on or after, YYYY-MM-DD
    pub from: Option<String>,
    /// inspected on or before, YYYY-MM-DD
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl InspectionQuery {
    /// # Errors
    /// `Validation` naming the filter that is not understood.
    pub fn filter(&self) -> Result<(InspectionFilter, PageRequest), AppError> {
        let result = nonempty(&self.result);
        if let Some(r) = result.as_deref().filter(|r| InspectionResult::parse(r).is_none()) {
            return Err(AppError::field("result", format!("未知的检查结果“{r}”")));
        }
        let filter = InspectionFilter {
            campaign_id: self.campaign_id,
            site_id: self.site_id,
            township_id: self.township_id,
            result,
            from: check_date("from", &self.from)?,
            to: check_date("to", &self.to)?,
            department_id: None,
        };
        Ok((filter, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspections", params(InspectionQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Inspection>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_inspections(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<InspectionQuery>,
) -> Result<Json<List<Inspection>>, AppError> {
    let (filter, page) = q.filter()?;
    Ok(Json(uc::list_inspections(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/inspections", tag = "inspections", request_body = InspectionInput, security(("bearer" = [])),
    responses((status = 201, description = "recorded; each finding filed as a work order and assigned to its department", body = InspectionDetail),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_inspection(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<InspectionInput>,
) -> Result<(StatusCode, Json<InspectionDetail>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::record_inspection(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "inspections", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = InspectionDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_inspection(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<InspectionDetail>, AppError> {
    Ok(Json(uc::get_inspection(&s.db, &actor, id).await?))
}

/// Filters of the finding list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct FindingQuery {
    pub campaign_id: Option<i64>,
    pub township_id: Option<i64>,
    /// open, verified, not_verified
    pub status: Option<String>,
    /// only those whose order the department has resolved (waiting for a re-inspection)
    pub awaiting_recheck: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl FindingQuery {
    /// # Errors
    /// `Validation` for an unknown status.
    pub fn filter(&self) -> Result<(FindingFilter, PageRequest), AppError> {
        let status = nonempty(&self.status);
        if let Some(st) = status.as_deref().filter(|st| FindingStatus::parse(st).is_none()) {
            return Err(AppError::field("status", format!("未知的整改状态“{st}”")));
        }
        let filter = FindingFilter {
            campaign_id: self.campaign_id,
            township_id: self.township_id,
            status,
            department_id: None,
            awaiting_recheck: self.awaiting_recheck.unwrap_or(false),
        };
        Ok((filter, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

#[utoipa::path(get, path = "/api/v1/findings", tag = "inspections", params(FindingQuery), security(("bearer" = [])),
    responses((status = 200, description = "problems found, with their work orders (a department: those it holds)", body = List<Finding>),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_findings(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<FindingQuery>) -> Result<Json<List<Finding>>, AppError> {
    let (filter, page) = q.filter()?;
    Ok(Json(uc::list_findings(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/findings/{id}/rechecks", tag = "inspections", params(("id" = i64, Path)), request_body = RecheckInput,
    security(("bearer" = [])),
    responses((status = 200, description = "recorded: verified closes the order, not verified reopens (or, for a leader, supervises) it", body = Finding),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn recheck_finding(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RecheckInput>,
) -> Result<Json<Finding>, AppError> {
    Ok(Json(uc::recheck_finding(&s.work(), &actor, id, &input).await?))
}
