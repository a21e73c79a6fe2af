//! Investment endpoints (招商): leads and their stages, quarterly targets, and
//! a quarter's progress against its target.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::clock::parse_date;
use crate::app::investment::{self as uc, QuarterProgress, StageInput};
use crate::domain::investment::{Channel, LeadInput, Quarter, Stage, TargetInput};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::investment::{Lead, LeadFilter, Target};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// The investment routes, for the router's merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_leads, create_lead))
        .routes(routes!(show_lead))
        .routes(routes!(advance_lead))
        .routes(routes!(list_targets, set_target))
        .routes(routes!(show_progress))
}

/// Filters of the lead list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct LeadQuery {
    /// negotiating, signed, landed
    pub stage: Option<String>,
    /// remote, phone, online
    pub channel: Option<String>,
    pub township_id: Option<i64>,
    /// part of the name, the investor or the industry chain
    pub q: Option<String>,
    /// latest step on or after, YYYY-MM-DD
    pub from: Option<String>,
    /// talks begun on or before, YYYY-MM-DD
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl LeadQuery {
    /// # Errors
    /// `Validation` naming the filter that is not understood.
    pub fn filter(&self) -> Result<(LeadFilter, PageRequest), AppError> {
        let nonempty = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
        if let Some(st) = nonempty(&self.stage).filter(|st| Stage::parse(st).is_none()) {
            return Err(AppError::field("stage", format!("未知的阶段“{st}”")));
        }
        if let Some(ch) = nonempty(&self.channel).filter(|ch| Channel::parse(ch).is_none()) {
            return Err(AppError::field("channel", format!("未知的招商方式“{ch}”")));
        }
        for (field, value) in [("from", &self.from), ("to", &self.to)] {
            if nonempty(value).is_some_and(|d| parse_date(&d).is_err()) {
                return Err(AppError::field(field, "日期格式应为 YYYY-MM-DD"));
            }
        }
        let filter = LeadFilter {
            stage: nonempty(&self.stage),
            channel: nonempty(&self.channel),
            township_id: self.township_id,
            q: nonempty(&self.q),
            from: nonempty(&self.from),
            to: nonempty(&self.to),
        };
        Ok((filter, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

#[utoipa::path(get, path = "/api/v1/investment-leads", tag = "investment", params(LeadQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Lead>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_leads(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<LeadQuery>) -> Result<Json<List<Lead>>, AppError> {
    let (filter, page) = q.filter()?;
    Ok(Json(uc::list_leads(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/investment-leads", tag = "investment", request_body = LeadInput, security(("bearer" = [])),
    responses((status = 201, body = Lead), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_lead(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiJson(input): ApiJson<LeadInput>) -> Result<(StatusCode, Json<Lead>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_lead(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/investment-leads/{id}", tag = "investment", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Lead), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_lead(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Lead>, AppError> {
    Ok(Json(uc::get_lead(&s.db, &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/investment-leads/{id}/stage", tag = "investment", params(("id" = i64, Path)), request_body = StageInput,
    security(("bearer" = [])),
    responses((status = 200, body = Lead), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "backwards, skipped or repeated stage; stale version", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn advance_lead(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<Json<Lead>, AppError> {
    Ok(Json(uc::advance_lead(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/investment-targets", tag = "investment", security(("bearer" = [])),
    responses((status = 200, body = List<Target>), (status = 403, body = ErrorBody)))]
pub async fn list_targets(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<List<Target>>, AppError> {
    Ok(Json(uc::list_targets(&s.db, &actor).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/investment-targets", tag = "investment", request_body = TargetInput, security(("bearer" = [])),
    responses((status = 200, description = "the quarter's target, set or replaced", body = Target), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_target(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiJson(input): ApiJson<TargetInput>) -> Result<Json<Target>, AppError> {
    Ok(Json(uc::set_target(&s.work(), &actor, &input).await?))
}

/// Which quarter to measure.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ProgressQuery {
    /// default: the business day's year
    pub year: Option<i32>,
    /// 1–4 (default: the business day's quarter)
    #[param(minimum = 1, maximum = 4)]
    pub quarter: Option<u8>,
    /// count up to this day, YYYY-MM-DD (default: the business day)
    pub as_of: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/investment-progress", tag = "investment", params(ProgressQuery), security(("bearer" = [])),
    responses((status = 200, description = "a quarter's signed and landed leads against its target, per channel and chain", body = QuarterProgress),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_progress(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<ProgressQuery>,
) -> Result<Json<QuarterProgress>, AppError> {
    let cx = s.work();
    let as_of = match q.as_of.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date(d).map_err(|_| AppError::field("as_of", "日期格式应为 YYYY-MM-DD"))?,
        None => cx.today(),
    };
    let current = Quarter::of(as_of);
    let quarter = Quarter::new(q.year.unwrap_or(current.year), q.quarter.unwrap_or(current.quarter))?;
    Ok(Json(uc::quarter_progress(&s.db, &actor, quarter, Some(as_of)).await?))
}
