//! Tutoring endpoints (结对帮扶): volunteers, children, pairings (the optimal
//! run, by hand, accept, end), manual rules and session logs.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::tutoring::{
    self as uc, ChildInput, EndInput, PairingDetail, PairingInput, PairingQuery, PairingRun, RuleInput, SessionInput, VillageLocationInput, VolunteerInput,
};
use crate::domain::ScopeKind;
use crate::domain::tutoring::Coordinates;
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::tutoring::{Child, ChildFilter, Pairing, PairingRule, TutoringFigures, TutoringSession, VillageLocation, Volunteer, VolunteerFilter};
use crate::store::users::User;
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_volunteers, create_volunteer))
        .routes(routes!(show_volunteer, update_volunteer, delete_volunteer))
        .routes(routes!(bind_volunteer_account))
        .routes(routes!(list_children, create_child))
        .routes(routes!(show_child, update_child, delete_child))
        .routes(routes!(list_pairings, pair_by_hand))
        .routes(routes!(compute_pairings))
        .routes(routes!(show_pairing))
        .routes(routes!(accept_pairing))
        .routes(routes!(end_pairing))
        .routes(routes!(list_sessions, log_session))
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(delete_rule))
        .routes(routes!(show_figures))
        .routes(routes!(list_village_locations, set_village_location))
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Filters of the volunteer list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct VolunteerQuery {
    /// part of the name, school or village
    pub q: Option<String>,
    pub township_id: Option<i64>,
    /// a subject code the volunteer teaches
    pub subject: Option<String>,
    pub active: Option<bool>,
    /// with a free place
    pub has_place: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl VolunteerQuery {
    pub fn filter(&self) -> (VolunteerFilter, PageRequest) {
        let f = VolunteerFilter {
            q: nonempty(&self.q),
            township_id: self.township_id,
            subject: nonempty(&self.subject),
            active: self.active,
            has_place: self.has_place,
        };
        (f, PageRequest { page: self.page, per_page: self.per_page })
    }
}

#[utoipa::path(get, path = "/api/v1/volunteers", tag = "tutoring", params(VolunteerQuery), security(("bearer" = [])),
    responses((status = 200, description = "volunteers in scope; a volunteer sees only itself", body = List<Volunteer>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_volunteers(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<VolunteerQuery>,
) -> Result<Json<List<Volunteer>>, AppError> {
    let (f, page) = q.filter();
    Ok(Json(uc::list_volunteers(&s.db, &actor, f, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/volunteers", tag = "tutoring", request_body = VolunteerInput, security(("bearer" = [])),
    responses((status = 201, body = Volunteer), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_volunteer(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<VolunteerInput>,
) -> Result<(StatusCode, Json<Volunteer>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_volunteer(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/volunteers/{id}", tag = "tutoring", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Volunteer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_volunteer(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Volunteer>, AppError> {
    Ok(Json(uc::get_volunteer(&s.db, &actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/volunteers/{id}", tag = "tutoring", params(("id" = i64, Path)), request_body = VolunteerInput, security(("bearer" = [])),
    responses((status = 200, body = Volunteer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_volunteer(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<VolunteerInput>,
) -> Result<Json<Volunteer>, AppError> {
    Ok(Json(uc::update_volunteer(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(delete, path = "/api/v1/volunteers/{id}", tag = "tutoring", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_volunteer(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_volunteer(&s.work(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The log-in to bind to a volunteer record or an observation point.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AccountInput {
    /// a user of the volunteer (or isolation) role
    pub user_id: i64,
}

#[utoipa::path(post, path = "/api/v1/volunteers/{id}/account", tag = "tutoring", params(("id" = i64, Path)), request_body = AccountInput, security(("bearer" = [])),
    responses((status = 200, description = "the volunteer's log-in is bound to this record (admin only)", body = User), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bind_volunteer_account(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AccountInput>,
) -> Result<Json<User>, AppError> {
    Ok(Json(crate::app::users::bind_user(&s.db, &actor, input.user_id, ScopeKind::Volunteer, id).await?))
}

/// Filters of the children list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ChildQuery {
    /// part of the name or village
    pub q: Option<String>,
    pub township_id: Option<i64>,
    /// poor_family, frontline_child, left_behind, other
    pub category: Option<String>,
    /// 1–12
    pub grade: Option<i64>,
    /// with (true) or without (false) a live pairing
    pub paired: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ChildQuery {
    pub fn filter(&self) -> (ChildFilter, PageRequest) {
        let f = ChildFilter { q: nonempty(&self.q), township_id: self.township_id, category: nonempty(&self.category), grade: self.grade, paired: self.paired };
        (f, PageRequest { page: self.page, per_page: self.per_page })
    }
}

#[utoipa::path(get, path = "/api/v1/children", tag = "tutoring", params(ChildQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Child>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_children(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<ChildQuery>) -> Result<Json<List<Child>>, AppError> {
    let (f, page) = q.filter();
    Ok(Json(uc::list_children(&s.db, &actor, f, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/children", tag = "tutoring", request_body = ChildInput, security(("bearer" = [])),
    responses((status = 201, body = Child), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_child(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<ChildInput>,
) -> Result<(StatusCode, Json<Child>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_child(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/children/{id}", tag = "tutoring", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Child), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_child(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Child>, AppError> {
    Ok(Json(uc::get_child(&s.db, &actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/children/{id}", tag = "tutoring", params(("id" = i64, Path)), request_body = ChildInput, security(("bearer" = [])),
    responses((status = 200, body = Child), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_child(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ChildInput>,
) -> Result<Json<Child>, AppError> {
    Ok(Json(uc::update_child(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(delete, path = "/api/v1/children/{id}", tag = "tutoring", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_child(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_child(&s.work(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/pairings", tag = "tutoring", params(PairingQuery), security(("bearer" = [])),
    responses((status = 200, description = "pairings in scope; a volunteer sees only its own", body = List<Pairing>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_pairings(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<PairingQuery>) -> Result<Json<List<Pairing>>, AppError> {
    Ok(Json(uc::list_pairings(&s.db, &actor, &q).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/pairings", tag = "tutoring", request_body = PairingInput, security(("bearer" = [])),
    responses((status = 201, description = "paired by hand, accepted at once", body = Pairing), (status = 403, body = ErrorBody), (status = 409, description = "the child is already paired, or the volunteer is full", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn pair_by_hand(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<PairingInput>,
) -> Result<(StatusCode, Json<Pairing>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::pair_by_hand(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/pairings/compute", tag = "tutoring", security(("bearer" = [])),
    responses((status = 200, description = "open proposals replaced by the minimum-cost assignment; accepted pairings kept", body = PairingRun), (status = 403, body = ErrorBody)))]
pub async fn compute_pairings(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<PairingRun>, AppError> {
    Ok(Json(uc::compute_pairings(&s.work(), &actor).await?))
}

#[utoipa::path(get, path = "/api/v1/pairings/{id}", tag = "tutoring", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PairingDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_pairing(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<PairingDetail>, AppError> {
    Ok(Json(uc::get_pairing(&s.db, &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/pairings/{id}/accept", tag = "tutoring", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Pairing), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn accept_pairing(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Pairing>, AppError> {
    let mut accepted = uc::accept_pairings(&s.work(), &actor, &[id]).await?;
    accepted.pop().map(Json).ok_or(AppError::NotFound("结对"))
}

#[utoipa::path(post, path = "/api/v1/pairings/{id}/end", tag = "tutoring", params(("id" = i64, Path)), request_body = EndInput, security(("bearer" = [])),
    responses((status = 200, description = "ended; a rejected proposal is also forbidden from later runs", body = Pairing), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end_pairing(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<EndInput>,
) -> Result<Json<Pairing>, AppError> {
    Ok(Json(uc::end_pairing(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/pairings/{id}/sessions", tag = "tutoring", params(("id" = i64, Path), PageRequest), security(("bearer" = [])),
    responses((status = 200, body = List<TutoringSession>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_sessions(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<Json<List<TutoringSession>>, AppError> {
    Ok(Json(uc::list_sessions(&s.db, &actor, Some(id), &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/pairings/{id}/sessions", tag = "tutoring", params(("id" = i64, Path)), request_body = SessionInput, security(("bearer" = [])),
    responses((status = 201, body = TutoringSession), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn log_session(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<SessionInput>,
) -> Result<(StatusCode, Json<TutoringSession>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::log_session(&s.work(), &actor, id, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/pairing-rules", tag = "tutoring", security(("bearer" = [])),
    responses((status = 200, body = List<PairingRule>), (status = 403, body = ErrorBody)))]
pub async fn list_rules(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<List<PairingRule>>, AppError> {
    Ok(Json(uc::list_rules(&s.db, &actor).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/pairing-rules", tag = "tutoring", request_body = RuleInput, security(("bearer" = [])),
    responses((status = 201, description = "pin (always pair) or forbid (never pair) a volunteer and a child in later runs", body = PairingRule), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_rule(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<(StatusCode, Json<PairingRule>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_rule(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(delete, path = "/api/v1/pairing-rules/{id}", tag = "tutoring", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_rule(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<StatusCode, AppError> {
    uc::delete_rule(&s.work(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/tutoring-figures", tag = "tutoring", security(("bearer" = [])),
    responses((status = 200, description = "the programme at a glance, in the actor's scope", body = TutoringFigures), (status = 403, body = ErrorBody)))]
pub async fn show_figures(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<TutoringFigures>, AppError> {
    Ok(Json(uc::figures(&s.db, &actor).await?))
}

#[utoipa::path(get, path = "/api/v1/village-locations", tag = "tutoring", security(("bearer" = [])),
    responses((status = 200, description = "the villages where volunteers and children live, with their coordinates (a township: its own)", body = List<VillageLocation>),
        (status = 403, body = ErrorBody)))]
pub async fn list_village_locations(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<List<VillageLocation>>, AppError> {
    Ok(Json(uc::list_villages(&s.db, &actor).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/village-locations", tag = "tutoring", request_body = VillageLocationInput, security(("bearer" = [])),
    responses((status = 200, description = "the village's coordinates now; null when taken off the map (neither coordinate sent)", body = Option<Coordinates>),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_village_location(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<VillageLocationInput>,
) -> Result<Json<Option<Coordinates>>, AppError> {
    Ok(Json(uc::set_village_location(&s.work(), &actor, &input).await?))
}
