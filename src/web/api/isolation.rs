//! Isolation observation point endpoints (医学隔离观察点): points and rooms,
//! observed persons, temperatures and fever alerts, staff, the duty roster and
//! the point's rules. Health data: the use cases allow only the point's staff
//! and the leadership, and audit every read of a person's record.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::isolation::{
    self as uc, Dashboard, DocumentInput, HandleInput, PersonDetail, PersonInput, PersonQuery, PointInput, Recorded, ReleaseInput, RoomInput, RosterInput,
    RosterView, RoundInput, StaffInput, TemperatureInput,
};
use crate::domain::ScopeKind;
use crate::error::AppError;
use crate::store::isolation::{Document, FeverAlert, IsolationPoint, ObservedPerson, Room, Staff};
use crate::store::users::User;
use crate::web::AppState;
use crate::web::api::tutoring::AccountInput;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_points, create_point))
        .routes(routes!(show_point, update_point))
        .routes(routes!(bind_staff_account))
        .routes(routes!(show_dashboard))
        .routes(routes!(list_rooms, create_room))
        .routes(routes!(list_persons, check_in))
        .routes(routes!(show_person))
        .routes(routes!(record_temperature))
        .routes(routes!(record_round))
        .routes(routes!(release_person))
        .routes(routes!(list_alerts))
        .routes(routes!(handle_alert))
        .routes(routes!(list_staff, add_staff))
        .routes(routes!(remove_staff))
        .routes(routes!(show_roster, generate_roster))
        .routes(routes!(list_documents, create_document))
        .routes(routes!(show_document, delete_document))
}

#[utoipa::path(get, path = "/api/v1/isolation-points", tag = "isolation", security(("bearer" = [])),
    responses((status = 200, body = List<IsolationPoint>), (status = 403, body = ErrorBody)))]
pub async fn list_points(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<List<IsolationPoint>>, AppError> {
    Ok(Json(uc::list_points(&s.db, &actor).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/isolation-points", tag = "isolation", request_body = PointInput, security(("bearer" = [])),
    responses((status = 201, body = IsolationPoint), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_point(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<PointInput>,
) -> Result<(StatusCode, Json<IsolationPoint>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_point(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = IsolationPoint), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_point(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<IsolationPoint>, AppError> {
    Ok(Json(uc::get_point(&s.db, &actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/isolation-points/{id}", tag = "isolation", params(("id" = i64, Path)), request_body = PointInput, security(("bearer" = [])),
    responses((status = 200, body = IsolationPoint), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_point(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PointInput>,
) -> Result<Json<IsolationPoint>, AppError> {
    Ok(Json(uc::update_point(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/isolation-points/{id}/accounts", tag = "isolation", params(("id" = i64, Path)), request_body = AccountInput, security(("bearer" = [])),
    responses((status = 200, description = "a staff log-in (isolation role) is bound to this point (admin only)", body = User), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bind_staff_account(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AccountInput>,
) -> Result<Json<User>, AppError> {
    Ok(Json(crate::app::users::bind_user(&s.db, &actor, input.user_id, ScopeKind::IsolationPoint, id).await?))
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}/dashboard", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "open fever alerts, missing readings, persons due for release, today's duty (the read is audited)", body = Dashboard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_dashboard(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Dashboard>, AppError> {
    Ok(Json(uc::dashboard(&s.work(), &actor, id).await?))
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}/rooms", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = List<Room>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_rooms(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<List<Room>>, AppError> {
    Ok(Json(uc::list_rooms(&s.db, &actor, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/isolation-points/{id}/rooms", tag = "isolation", params(("id" = i64, Path)), request_body = RoomInput, security(("bearer" = [])),
    responses((status = 201, body = Room), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_room(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RoomInput>,
) -> Result<(StatusCode, Json<Room>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_room(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}/observed-persons", tag = "isolation", params(("id" = i64, Path), PersonQuery), security(("bearer" = [])),
    responses((status = 200, description = "the point's observed persons (the read is audited)", body = List<ObservedPerson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_persons(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Json<List<ObservedPerson>>, AppError> {
    Ok(Json(uc::list_persons(&s.work(), &actor, id, &q).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/isolation-points/{id}/observed-persons", tag = "isolation", params(("id" = i64, Path)), request_body = PersonInput, security(("bearer" = [])),
    responses((status = 201, description = "checked in; the observation ends after the point's period (14 days) unless given", body = ObservedPerson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_in(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<ObservedPerson>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::check_in(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/observed-persons/{id}", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the record with temperatures and alerts (the read is audited)", body = PersonDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_person(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<PersonDetail>, AppError> {
    Ok(Json(uc::get_person(&s.work(), &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/observed-persons/{id}/temperatures", tag = "isolation", params(("id" = i64, Path)), request_body = TemperatureInput, security(("bearer" = [])),
    responses((status = 201, description = "recorded; at 37.3 °C or more with a fever alert", body = Recorded), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "that slot of that day is recorded already", body = ErrorBody), (status = 422, description = "not a temperature, out of 34.0–43.0 °C, or no slot", body = ErrorBody)))]
pub async fn record_temperature(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TemperatureInput>,
) -> Result<(StatusCode, Json<Recorded>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::record_temperature(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/isolation-points/{id}/temperature-rounds", tag = "isolation", params(("id" = i64, Path)), request_body = RoundInput, security(("bearer" = [])),
    responses((status = 201, description = "a round of readings (晨检/午检), all or nothing", body = List<Recorded>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_round(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<List<Recorded>>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::record_round(&s.work(), &actor, id, &input).await?.into())))
}

#[utoipa::path(post, path = "/api/v1/observed-persons/{id}/release", tag = "isolation", params(("id" = i64, Path)), request_body = ReleaseInput, security(("bearer" = [])),
    responses((status = 200, description = "released from observation", body = ObservedPerson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn release_person(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ReleaseInput>,
) -> Result<Json<ObservedPerson>, AppError> {
    Ok(Json(uc::release(&s.work(), &actor, id, &input).await?))
}

/// Which alerts to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct AlertQuery {
    /// only alerts not yet handled
    pub open: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}/fever-alerts", tag = "isolation", params(("id" = i64, Path), AlertQuery), security(("bearer" = [])),
    responses((status = 200, body = List<FeverAlert>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_alerts(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> Result<Json<List<FeverAlert>>, AppError> {
    Ok(Json(uc::list_alerts(&s.db, &actor, id, q.open.unwrap_or(false)).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/fever-alerts/{id}/handle", tag = "isolation", params(("id" = i64, Path)), request_body = HandleInput, security(("bearer" = [])),
    responses((status = 200, body = FeverAlert), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn handle_alert(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<HandleInput>,
) -> Result<Json<FeverAlert>, AppError> {
    Ok(Json(uc::handle_alert(&s.work(), &actor, id, &input).await?))
}

/// Whether to include staff who have left.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct StaffQuery {
    pub include_former: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}/staff", tag = "isolation", params(("id" = i64, Path), StaffQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Staff>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_staff(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<StaffQuery>,
) -> Result<Json<List<Staff>>, AppError> {
    Ok(Json(uc::list_staff(&s.db, &actor, id, q.include_former.unwrap_or(false)).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/isolation-points/{id}/staff", tag = "isolation", params(("id" = i64, Path)), request_body = StaffInput, security(("bearer" = [])),
    responses((status = 201, body = Staff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_staff(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<StaffInput>,
) -> Result<(StatusCode, Json<Staff>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::add_staff(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(delete, path = "/api/v1/isolation-staff/{id}", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "taken off the point (kept in past rosters)", body = Staff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_staff(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Staff>, AppError> {
    Ok(Json(uc::remove_staff(&s.work(), &actor, id).await?))
}

/// The days of a roster to show.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct RosterQuery {
    /// YYYY-MM-DD (default today)
    pub from: Option<String>,
    /// YYYY-MM-DD (default six days after `from`)
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}/roster", tag = "isolation", params(("id" = i64, Path), RosterQuery), security(("bearer" = [])),
    responses((status = 200, body = RosterView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_roster(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RosterQuery>,
) -> Result<Json<RosterView>, AppError> {
    let (from, to) = roster_range(&s, &q);
    Ok(Json(uc::get_roster(&s.db, &actor, id, &from, &to).await?))
}

/// The range a roster query names, a week from today by default.
pub fn roster_range(s: &AppState, q: &RosterQuery) -> (String, String) {
    let from = q.from.clone().filter(|f| !f.trim().is_empty()).unwrap_or_else(|| s.work().today_text());
    let to = q.to.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
        crate::app::clock::parse_date(&from).map(|d| crate::app::clock::date_text(d.saturating_add(time::Duration::days(6)))).unwrap_or_else(|_| from.clone())
    });
    (from, to)
}

#[utoipa::path(post, path = "/api/v1/isolation-points/{id}/roster", tag = "isolation", params(("id" = i64, Path)), request_body = RosterInput, security(("bearer" = [])),
    responses((status = 201, description = "generated and stored, replacing the range; gaps name shifts a group could not cover", body = RosterView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, description = "a group without staff (named), a bad range or rules", body = ErrorBody)))]
pub async fn generate_roster(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RosterInput>,
) -> Result<(StatusCode, Json<RosterView>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::generate_roster(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/isolation-points/{id}/documents", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = List<Document>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_documents(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<List<Document>>, AppError> {
    Ok(Json(uc::list_documents(&s.db, &actor, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/isolation-points/{id}/documents", tag = "isolation", params(("id" = i64, Path)), request_body = DocumentInput, security(("bearer" = [])),
    responses((status = 201, body = Document), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_document(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DocumentInput>,
) -> Result<(StatusCode, Json<Document>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_document(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/isolation-documents/{id}", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Document), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_document(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Document>, AppError> {
    Ok(Json(uc::get_document(&s.db, &actor, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/isolation-documents/{id}", tag = "isolation", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_document(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_document(&s.work(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
