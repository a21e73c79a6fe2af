//! The briefing and the dashboard as JSON.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::clock::parse_date;
use crate::error::AppError;
use crate::report::briefing::{self, Section};
use crate::report::dashboard::{self, Dashboard};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiQuery, ApiUser};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show_briefing)).routes(routes!(show_dashboard))
}

/// Which day's briefing.
#[derive(Debug, Deserialize, IntoParams)]
pub struct BriefingQuery {
    /// YYYY-MM-DD (default: today)
    pub date: Option<String>,
}

/// The briefing: `{"date","text"}` and its sections.
#[derive(Debug, Serialize, ToSchema)]
pub struct BriefingAnswer {
    pub date: String,
    pub text: String,
    pub title: String,
    pub sections: Vec<Section>,
}

/// The day a query names, or today.
///
/// # Errors
/// `Validation` for a malformed date.
pub fn day_of(s: &AppState, date: Option<&str>) -> Result<time::Date, AppError> {
    match date.filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date(d).map_err(|_| AppError::field("date", "日期格式应为 YYYY-MM-DD")),
        None => Ok(s.work().today()),
    }
}

#[utoipa::path(get, path = "/api/v1/briefing", tag = "reports", params(BriefingQuery), security(("bearer" = [])),
    responses((status = 200, body = BriefingAnswer), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_briefing(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<BriefingQuery>) -> Result<Json<BriefingAnswer>, AppError> {
    let b = briefing::briefing(&s.db, &actor, day_of(&s, q.date.as_deref())?).await?;
    Ok(Json(BriefingAnswer { date: b.date, text: b.text, title: b.title, sections: b.sections }))
}

#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports", security(("bearer" = [])),
    responses((status = 200, body = Dashboard), (status = 403, body = ErrorBody)))]
pub async fn show_dashboard(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<Dashboard>, AppError> {
    Ok(Json(dashboard::dashboard(&s.work(), &actor).await?))
}
