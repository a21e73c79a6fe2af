//! Employment endpoints (稳就业): job postings, poor households and members,
//! public-welfare posts, placements, point-to-point transport, and the
//! 一户一人一岗 gap list (`/api/v1/employment/gaps`, a fixed contract).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::List;
use crate::app::employment::{
    self as uc, BatchDetail, BatchInput, EndPlacementInput, Gap, GapQuery, HouseholdDetail, HouseholdInput, MemberInput, MemberUpdate, PlacementInput,
    PostingDetail, PostingInput, PostingStatusInput, WelfarePostInput,
};
use crate::domain::employment::PostingStatus;
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::employment::{Household, HouseholdFilter, JobPosting, Member, Placement, PlacementFilter, PostingFilter, TransportBatch, WelfarePost};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// The employment routes, merged into the router at its capability merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_postings, create_posting))
        .routes(routes!(show_posting))
        .routes(routes!(set_posting_status))
        .routes(routes!(list_households, create_household))
        .routes(routes!(show_household))
        .routes(routes!(add_member))
        .routes(routes!(update_member))
        .routes(routes!(list_welfare_posts, create_welfare_post))
        .routes(routes!(list_placements, create_placement))
        .routes(routes!(show_placement))
        .routes(routes!(end_placement))
        .routes(routes!(list_batches, create_batch))
        .routes(routes!(show_batch))
        .routes(routes!(list_gaps))
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|x| !x.is_empty()).map(str::to_string)
}

/// Filters of the posting list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PostingQuery {
    /// open, filled, closed
    pub status: Option<String>,
    pub township_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// part of the post or the enterprise's name
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PostingQuery {
    /// # Errors
    /// `Validation` for an unknown status.
    pub fn filter(&self) -> Result<(PostingFilter, PageRequest), AppError> {
        let status = nonempty(&self.status);
        if let Some(st) = status.as_deref().filter(|st| PostingStatus::parse(st).is_none()) {
            return Err(AppError::field("status", format!("未知的招聘状态“{st}”")));
        }
        let f = PostingFilter { status, township_id: self.township_id, enterprise_id: self.enterprise_id, q: nonempty(&self.q) };
        Ok((f, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

#[utoipa::path(get, path = "/api/v1/job-postings", tag = "employment", params(PostingQuery), security(("bearer" = [])),
    responses((status = 200, description = "job postings (an enterprise: its own)", body = List<JobPosting>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_postings(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<PostingQuery>,
) -> Result<Json<List<JobPosting>>, AppError> {
    let (filter, page) = q.filter()?;
    Ok(Json(uc::list_postings(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/job-postings", tag = "employment", request_body = PostingInput, security(("bearer" = [])),
    responses((status = 201, body = JobPosting), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_posting(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<PostingInput>,
) -> Result<(StatusCode, Json<JobPosting>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_posting(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/job-postings/{id}", tag = "employment", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the posting and the placements into it (names masked for enterprises)", body = PostingDetail),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_posting(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<PostingDetail>, AppError> {
    Ok(Json(uc::get_posting(&s.db, &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/job-postings/{id}/status", tag = "employment", params(("id" = i64, Path)), request_body = PostingStatusInput,
    security(("bearer" = [])),
    responses((status = 200, body = JobPosting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_posting_status(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PostingStatusInput>,
) -> Result<Json<JobPosting>, AppError> {
    Ok(Json(uc::set_posting_status(&s.db, &actor, id, &input).await?))
}

/// Filters of the household list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct HouseholdQuery {
    pub township_id: Option<i64>,
    /// part of the head's name or the village, or a member's whole ID number
    pub q: Option<String>,
    /// only households that break 一户一人一岗
    pub gaps_only: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl HouseholdQuery {
    pub fn filter(&self) -> (HouseholdFilter, PageRequest) {
        let f =
            HouseholdFilter { township_id: self.township_id, q: nonempty(&self.q), gaps_only: self.gaps_only.unwrap_or(false), ..HouseholdFilter::default() };
        (f, PageRequest { page: self.page, per_page: self.per_page })
    }
}

#[utoipa::path(get, path = "/api/v1/households", tag = "employment", params(HouseholdQuery), security(("bearer" = [])),
    responses((status = 200, description = "poor households in the actor's township (leaders: all)", body = List<Household>), (status = 403, body = ErrorBody)))]
pub async fn list_households(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> Result<Json<List<Household>>, AppError> {
    let (filter, page) = q.filter();
    Ok(Json(uc::list_households(&s.db, &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/households", tag = "employment", request_body = HouseholdInput, security(("bearer" = [])),
    responses((status = 201, body = HouseholdDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_household(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> Result<(StatusCode, Json<HouseholdDetail>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_household(&s.db, &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "employment", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = HouseholdDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_household(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<HouseholdDetail>, AppError> {
    Ok(Json(uc::get_household(&s.db, &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/members", tag = "employment", params(("id" = i64, Path)), request_body = MemberInput,
    security(("bearer" = [])),
    responses((status = 201, body = Member), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<(StatusCode, Json<Member>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::add_member(&s.db, &actor, id, &input).await?)))
}

#[utoipa::path(put, path = "/api/v1/household-members/{id}", tag = "employment", params(("id" = i64, Path)), request_body = MemberUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = Member), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_member(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MemberUpdate>,
) -> Result<Json<Member>, AppError> {
    Ok(Json(uc::update_member(&s.db, &actor, id, &input).await?))
}

/// Filters of the welfare-post and transport lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct TownshipQuery {
    pub township_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/welfare-posts", tag = "employment", params(TownshipQuery), security(("bearer" = [])),
    responses((status = 200, body = List<WelfarePost>), (status = 403, body = ErrorBody)))]
pub async fn list_welfare_posts(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<TownshipQuery>,
) -> Result<Json<List<WelfarePost>>, AppError> {
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(uc::list_welfare_posts(&s.db, &actor, q.township_id, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/welfare-posts", tag = "employment", request_body = WelfarePostInput, security(("bearer" = [])),
    responses((status = 201, body = WelfarePost), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_welfare_post(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<WelfarePostInput>,
) -> Result<(StatusCode, Json<WelfarePost>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_welfare_post(&s.db, &actor, &input).await?)))
}

/// Filters of the placement list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PlacementQuery {
    pub township_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub posting_id: Option<i64>,
    pub household_id: Option<i64>,
    /// only placements that have not ended
    pub current: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/placements", tag = "employment", params(PlacementQuery), security(("bearer" = [])),
    responses((status = 200, description = "placements (an enterprise: into its own jobs, names masked)", body = List<Placement>), (status = 403, body = ErrorBody)))]
pub async fn list_placements(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<PlacementQuery>,
) -> Result<Json<List<Placement>>, AppError> {
    let f = PlacementFilter {
        township_id: q.township_id,
        enterprise_id: q.enterprise_id,
        posting_id: q.posting_id,
        household_id: q.household_id,
        member_id: None,
        current: q.current.unwrap_or(false),
    };
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(uc::list_placements(&s.db, &actor, f, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/placements", tag = "employment", request_body = PlacementInput, security(("bearer" = [])),
    responses((status = 201, description = "placed: the member is employed", body = Placement), (status = 403, body = ErrorBody),
        (status = 409, description = "the member already holds a job, or the posting is full", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_placement(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<PlacementInput>,
) -> Result<(StatusCode, Json<Placement>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_placement(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/placements/{id}", tag = "employment", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Placement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_placement(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Placement>, AppError> {
    Ok(Json(uc::get_placement(&s.db, &actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/placements/{id}/end", tag = "employment", params(("id" = i64, Path)), request_body = EndPlacementInput,
    security(("bearer" = [])),
    responses((status = 200, description = "ended: the member is unemployed again and the place is free", body = Placement), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end_placement(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<EndPlacementInput>,
) -> Result<Json<Placement>, AppError> {
    Ok(Json(uc::end_placement(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/transport-batches", tag = "employment", params(TownshipQuery), security(("bearer" = [])),
    responses((status = 200, body = List<TransportBatch>), (status = 403, body = ErrorBody)))]
pub async fn list_batches(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<TownshipQuery>,
) -> Result<Json<List<TransportBatch>>, AppError> {
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(uc::list_batches(&s.db, &actor, q.township_id, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/transport-batches", tag = "employment", request_body = BatchInput, security(("bearer" = [])),
    responses((status = 201, description = "recorded, with each passenger's health check", body = BatchDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_batch(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<BatchInput>,
) -> Result<(StatusCode, Json<BatchDetail>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::create_batch(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/transport-batches/{id}", tag = "employment", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BatchDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_batch(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<BatchDetail>, AppError> {
    Ok(Json(uc::get_batch(&s.db, &actor, id).await?))
}

#[utoipa::path(get, path = "/api/v1/employment/gaps", tag = "employment", params(GapQuery), security(("bearer" = [])),
    responses((status = 200, description = "一户一人一岗: poor households with a labour-capable member and none employed, each with suggested open postings \
        (its own township first)", body = List<Gap>), (status = 403, body = ErrorBody)))]
pub async fn list_gaps(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<GapQuery>) -> Result<Json<List<Gap>>, AppError> {
    Ok(Json(uc::gaps(&s.db, &actor, &q).await?.into()))
}
