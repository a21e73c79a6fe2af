//! Policy endpoints (惠企政策): the catalogue, applications, review, payments,
//! and supervision (督查) of each policy's take-up.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::clock::parse_date;
use crate::app::policy::{self as uc, ApplicationDetail, ApplicationInput, DisbursementInput, PolicyDetail, PolicyInput, ReviewInput, Supervision};
use crate::domain::policy::ApplicationState;
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::policy::{Application, ApplicationFilter, Policy};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// The policy routes, for the router's merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(show_policy, update_policy))
        .routes(routes!(list_applications, apply_for_policy))
        .routes(routes!(show_application))
        .routes(routes!(review_application))
        .routes(routes!(disburse_application))
        .routes(routes!(show_supervision))
}

/// Filters of the catalogue.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PolicyQuery {
    /// subsidy, reward, interest_subsidy, fund_pool, bank_scheme
    pub kind: Option<String>,
    /// part of the name or summary
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/policies", tag = "policies", params(PolicyQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Policy>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_policies(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<PolicyQuery>) -> Result<Json<List<Policy>>, AppError> {
    let kind = q.kind.as_deref().filter(|k| !k.trim().is_empty());
    Ok(Json(uc::list_policies(&s.db, &actor, kind, q.q.as_deref()).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/policies", tag = "policies", request_body = PolicyInput, security(("bearer" = [])),
    responses((status = 201, body = Policy), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_policy(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<PolicyInput>,
) -> Result<(StatusCode, Json<Policy>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_policy(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "policies", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the policy, its rules and (for an enterprise) whether it may apply", body = PolicyDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_policy(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<PolicyDetail>, AppError> {
    Ok(Json(uc::get_policy(&s.work(), &actor, id).await?))
}

/// A policy update: the fields plus the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PolicyUpdate {
    #[serde(flatten)]
    pub fields: PolicyInput,
    pub version: i64,
}

#[utoipa::path(put, path = "/api/v1/policies/{id}", tag = "policies", params(("id" = i64, Path)), request_body = PolicyUpdate, security(("bearer" = [])),
    responses((status = 200, body = Policy), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_policy(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PolicyUpdate>,
) -> Result<Json<Policy>, AppError> {
    Ok(Json(uc::update_policy(&s.work(), &actor, id, input.version, &input.fields).await?))
}

/// Filters of the application list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ApplicationQuery {
    pub policy_id: Option<i64>,
    /// submitted, approved, rejected, paid
    pub state: Option<String>,
    pub enterprise_id: Option<i64>,
    pub township_id: Option<i64>,
    /// only approved applications whose payment is overdue on the business day
    pub overdue: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ApplicationQuery {
    /// # Errors
    /// `Validation` for an unknown state.
    pub fn filter(&self, today: String) -> Result<(ApplicationFilter, PageRequest), AppError> {
        let state = self.state.clone().filter(|s| !s.trim().is_empty());
        if let Some(st) = state.as_deref().filter(|st| ApplicationState::parse(st).is_none()) {
            return Err(AppError::field("state", format!("未知的申报状态“{st}”")));
        }
        let filter = ApplicationFilter {
            policy_id: self.policy_id,
            state,
            enterprise_id: self.enterprise_id,
            township_id: self.township_id,
            overdue_on: (self.overdue == Some(true)).then_some(today),
            ..ApplicationFilter::default()
        };
        Ok((filter, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

#[utoipa::path(get, path = "/api/v1/policy-applications", tag = "policies", params(ApplicationQuery), security(("bearer" = [])),
    responses((status = 200, description = "the applications the caller may see (an enterprise: its own)", body = List<Application>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_applications(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<ApplicationQuery>,
) -> Result<Json<List<Application>>, AppError> {
    let (filter, page) = q.filter(s.work().today_text())?;
    Ok(Json(uc::list_applications(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/policy-applications", tag = "policies", request_body = ApplicationInput, security(("bearer" = [])),
    responses((status = 201, body = Application), (status = 403, body = ErrorBody),
        (status = 409, description = "an application to the same policy is still open (code duplicate)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply_for_policy(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<(StatusCode, Json<Application>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::apply(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/policy-applications/{id}", tag = "policies", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_application(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<ApplicationDetail>, AppError> {
    Ok(Json(uc::get_application(&s.db, &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/policy-applications/{id}/review", tag = "policies", params(("id" = i64, Path)), request_body = ReviewInput,
    security(("bearer" = [])),
    responses((status = 200, body = Application), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_application(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<Application>, AppError> {
    Ok(Json(uc::review(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/policy-applications/{id}/disbursements", tag = "policies", params(("id" = i64, Path)), request_body = DisbursementInput,
    security(("bearer" = [])),
    responses((status = 201, description = "the application with its payments", body = ApplicationDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, description = "e.g. more than the approved amount still unpaid (field amount_wan)", body = ErrorBody)))]
pub async fn disburse_application(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DisbursementInput>,
) -> Result<(StatusCode, Json<ApplicationDetail>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::disburse(&s.work(), &actor, id, &input).await?)))
}

/// The day supervision counts up to.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct SupervisionQuery {
    /// YYYY-MM-DD (default: the business day)
    pub as_of: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/policy-supervision", tag = "policies", params(SupervisionQuery), security(("bearer" = [])),
    responses((status = 200, description = "per policy: applicants, approved, paid, amounts, overdue payments", body = Supervision), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_supervision(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<SupervisionQuery>,
) -> Result<Json<Supervision>, AppError> {
    let as_of = match q.as_of.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(parse_date(d).map_err(|_| AppError::field("as_of", "日期格式应为 YYYY-MM-DD"))?),
        None => None,
    };
    Ok(Json(uc::take_up(&s.work(), &actor, as_of).await?))
}
