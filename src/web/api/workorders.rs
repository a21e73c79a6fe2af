//! Work-order endpoints: file, list, read, act; categories and templates;
//! supervision; the three rates; visits, officers and coverage; notifications.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::List;
use crate::app::officers::{self, Coverage, CoverageQuery, Officer, OfficerDesk, RecordedVisit, VisitInput};
use crate::app::rates::{self, Rates, RatesQuery};
use crate::app::supervision::{self, SweepReport};
use crate::app::workorder::{self as uc, CategoryLimits, Filed, OrderDetail, OrderInput, TransitionInput};
use crate::app::{clock::parse_date, notifications};
use crate::domain::Role;
use crate::domain::workorder::{OrderState, Source};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::workorder::{Category, Notification, OrderFilter, ResponseTemplate, Visit, WorkOrder};
use crate::web::AppState;
use crate::web::error::ErrorBody;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};

/// Filters of the order list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct OrderQuery {
    /// submitted, assigned, in_progress, resolved, closed
    pub state: Option<String>,
    /// only open orders (not closed)
    pub open: Option<bool>,
    /// a category code
    pub category: Option<String>,
    pub department_id: Option<i64>,
    pub township_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// enterprise, officer_visit, hotline, inspection, project, policy_supervision
    pub source: Option<String>,
    /// only escalated (督办) open orders
    pub escalated: Option<bool>,
    /// part of the title
    pub q: Option<String>,
    /// filed on or after, YYYY-MM-DD
    pub from: Option<String>,
    /// filed on or before, YYYY-MM-DD
    pub to: Option<String>,
    /// newest (default) or overdue (overdue first)
    pub sort: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl OrderQuery {
    /// # Errors
    /// `Validation` naming the filter that is not understood.
    pub async fn filter(&self, s: &AppState) -> Result<(OrderFilter, PageRequest), AppError> {
        let nonempty = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
        if let Some(st) = nonempty(&self.state).filter(|st| OrderState::parse(st).is_none()) {
            return Err(AppError::field("state", format!("未知的状态“{st}”")));
        }
        if let Some(src) = nonempty(&self.source).filter(|src| Source::parse(src).is_none()) {
            return Err(AppError::field("source", format!("未知的来源“{src}”")));
        }
        for (field, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(d) = nonempty(value)
                && parse_date(&d).is_err()
            {
                return Err(AppError::field(field, "日期格式应为 YYYY-MM-DD"));
            }
        }
        let category_id = match nonempty(&self.category) {
            Some(code) => {
                let all = uc::list_categories(&s.db).await?;
                Some(all.into_iter().find(|c| c.code == code).ok_or_else(|| AppError::field("category", format!("未知的问题类别“{code}”")))?.id)
            }
            None => None,
        };
        let overdue_first = match self.sort.as_deref().unwrap_or("") {
            "" | "newest" => false,
            "overdue" => true,
            other => return Err(AppError::field("sort", format!("不支持的排序“{other}”"))),
        };
        let filter = OrderFilter {
            state: nonempty(&self.state),
            open: self.open.unwrap_or(false),
            category_id,
            department_id: self.department_id,
            township_id: self.township_id,
            enterprise_id: self.enterprise_id,
            source: nonempty(&self.source),
            escalated: self.escalated,
            q: nonempty(&self.q),
            from: nonempty(&self.from),
            to: nonempty(&self.to),
            overdue_first,
            ..OrderFilter::default()
        };
        Ok((filter, PageRequest { page: self.page, per_page: self.per_page }))
    }
}

/// Narrows the caller's explicit filters so they cannot widen the row scope.
fn check_scope_filters(actor: &crate::app::Actor, f: &OrderFilter) -> Result<(), AppError> {
    let outside = match actor.role {
        Role::Department => f.department_id.is_some_and(|d| Some(d) != actor.department_id),
        Role::Township => f.township_id.is_some_and(|t| Some(t) != actor.township_id),
        Role::Enterprise => f.enterprise_id.is_some_and(|e| Some(e) != actor.enterprise_id),
        _ => false,
    };
    if outside { Err(AppError::Forbidden("无权查看其他单位的工单")) } else { Ok(()) }
}

#[utoipa::path(get, path = "/api/v1/work-orders", tag = "work-orders", params(OrderQuery), security(("bearer" = [])),
    responses((status = 200, body = List<WorkOrder>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_work_orders(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> Result<Json<List<WorkOrder>>, AppError> {
    let (filter, page) = q.filter(&s).await?;
    check_scope_filters(&actor, &filter)?;
    Ok(Json(uc::list_orders(&s.work(), &actor, filter, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/work-orders", tag = "work-orders", request_body = OrderInput, security(("bearer" = [])),
    responses((status = 201, body = Filed), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn file_work_order(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<OrderInput>,
) -> Result<(StatusCode, Json<Filed>), AppError> {
    Ok((StatusCode::CREATED, Json(uc::file_order(&s.work(), &actor, &input).await?)))
}

/// `?duplicates=true` on one order's read.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ShowQuery {
    /// also search the order's possible duplicates (for those who may merge them)
    pub duplicates: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/work-orders/{id}", tag = "work-orders", params(("id" = i64, Path), ShowQuery), security(("bearer" = [])),
    responses((status = 200, body = OrderDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_work_order(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ShowQuery>,
) -> Result<Json<OrderDetail>, AppError> {
    let detail = if q.duplicates == Some(true) { uc::get_order_with_duplicates(&s.db, &actor, id).await? } else { uc::get_order(&s.db, &actor, id).await? };
    Ok(Json(detail))
}

#[utoipa::path(post, path = "/api/v1/work-orders/{id}/transitions", tag = "work-orders", params(("id" = i64, Path)), request_body = TransitionInput,
    security(("bearer" = [])),
    responses((status = 200, body = WorkOrder), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transition_work_order(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> Result<Json<WorkOrder>, AppError> {
    Ok(Json(uc::act(&s.work(), &actor, id, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/work-order-categories", tag = "work-orders", security(("bearer" = [])),
    responses((status = 200, body = List<Category>), (status = 401, body = ErrorBody)))]
pub async fn list_categories(State(s): State<AppState>, _user: ApiUser) -> Result<Json<List<Category>>, AppError> {
    Ok(Json(uc::list_categories(&s.db).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/work-order-categories/{id}", tag = "work-orders", params(("id" = i64, Path)), request_body = CategoryLimits,
    security(("bearer" = [])),
    responses((status = 200, body = Category), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_category(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(limits): ApiJson<CategoryLimits>,
) -> Result<Json<Category>, AppError> {
    Ok(Json(uc::update_category(&s.db, &actor, id, &limits).await?))
}

/// Which templates to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TemplateQuery {
    pub category_id: Option<i64>,
    /// the state the answer is for: in_progress, resolved, …
    pub state: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/response-templates", tag = "work-orders", params(TemplateQuery), security(("bearer" = [])),
    responses((status = 200, body = List<ResponseTemplate>), (status = 422, body = ErrorBody)))]
pub async fn list_templates(State(s): State<AppState>, _user: ApiUser, ApiQuery(q): ApiQuery<TemplateQuery>) -> Result<Json<List<ResponseTemplate>>, AppError> {
    Ok(Json(uc::list_templates(&s.db, q.category_id, q.state.as_deref().filter(|s| !s.is_empty())).await?.into()))
}

/// `GET /api/v1/supervision`: the filters and the page.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
pub struct SupervisionQuery {
    /// only orders held by this department
    pub department_id: Option<i64>,
    /// only orders of this township
    pub township_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/supervision", tag = "work-orders", params(SupervisionQuery), security(("bearer" = [])),
    responses((status = 200, description = "escalated open orders, the most overdue first", body = List<WorkOrder>), (status = 403, body = ErrorBody)))]
pub async fn list_supervised(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<SupervisionQuery>,
) -> Result<Json<List<WorkOrder>>, AppError> {
    let only = supervision::SupervisionFilter { department_id: q.department_id, township_id: q.township_id };
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(supervision::supervision_list_in(&s.work(), &actor, only, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/supervision/sweep", tag = "work-orders", security(("bearer" = [])),
    responses((status = 200, description = "escalates overdue orders now (it also runs every minute)", body = SweepReport), (status = 403, body = ErrorBody)))]
pub async fn run_sweep(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<SweepReport>, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    Ok(Json(supervision::sweep(&s.work()).await?))
}

#[utoipa::path(get, path = "/api/v1/rates", tag = "work-orders", params(RatesQuery), security(("bearer" = [])),
    responses((status = 200, body = Rates), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_rates(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<RatesQuery>) -> Result<Json<Rates>, AppError> {
    Ok(Json(rates::rates(&s.work(), &actor, &q).await?))
}

/// Which month the league table is for.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MonthQuery {
    /// YYYY-MM (default: this month)
    pub month: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/rates/league", tag = "work-orders", params(MonthQuery), security(("bearer" = [])),
    responses((status = 200, description = "departments ranked by their three rates", body = Rates), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show_league(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<MonthQuery>) -> Result<Json<Rates>, AppError> {
    Ok(Json(rates::league_table(&s.work(), &actor, q.month.as_deref()).await?))
}

/// Which visits to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VisitQuery {
    pub enterprise_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/visits", tag = "officers", params(VisitQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Visit>), (status = 403, body = ErrorBody)))]
pub async fn list_visits(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<VisitQuery>) -> Result<Json<List<Visit>>, AppError> {
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(officers::list_visits(&s.db, &actor, q.enterprise_id, &page).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/visits", tag = "officers", request_body = VisitInput, security(("bearer" = [])),
    responses((status = 201, body = RecordedVisit), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_visit(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<VisitInput>,
) -> Result<(StatusCode, Json<RecordedVisit>), AppError> {
    Ok((StatusCode::CREATED, Json(officers::record_visit(&s.work(), &actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/officers", tag = "officers", params(PageRequest), security(("bearer" = [])),
    responses((status = 200, description = "cadres serving as chief service officers, with their enterprises", body = List<Officer>), (status = 403, body = ErrorBody)))]
pub async fn list_officers(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(page): ApiQuery<PageRequest>) -> Result<Json<List<Officer>>, AppError> {
    Ok(Json(officers::list_officers(&s.db, &actor, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/officers/coverage", tag = "officers", params(CoverageQuery), security(("bearer" = [])),
    responses((status = 200, description = "enterprises in scope and those without an officer", body = Coverage), (status = 403, body = ErrorBody)))]
pub async fn show_coverage(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiQuery(q): ApiQuery<CoverageQuery>) -> Result<Json<Coverage>, AppError> {
    Ok(Json(officers::coverage(&s.db, &actor, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/officers/me", tag = "officers", params(PageRequest), security(("bearer" = [])),
    responses((status = 200, description = "the officer's enterprises and one page of their open orders", body = OfficerDesk), (status = 403, body = ErrorBody)))]
pub async fn show_officer_desk(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<Json<OfficerDesk>, AppError> {
    Ok(Json(officers::officer_desk_page(&s.work(), &actor, &page).await?))
}

/// The end of an assignment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EndAssignment {
    /// YYYY-MM-DD
    pub ended_on: String,
}

#[utoipa::path(post, path = "/api/v1/officer-assignments/{id}/end", tag = "officers", params(("id" = i64, Path)), request_body = EndAssignment,
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end_assignment(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<EndAssignment>,
) -> Result<StatusCode, AppError> {
    officers::end_assignment(&s.db, &actor, id, &input.ended_on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which notifications to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct NotificationQuery {
    /// only unread ones
    pub unread: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(NotificationQuery), security(("bearer" = [])),
    responses((status = 200, body = List<Notification>), (status = 401, body = ErrorBody)))]
pub async fn list_notifications(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<NotificationQuery>,
) -> Result<Json<List<Notification>>, AppError> {
    let page = PageRequest { page: q.page, per_page: q.per_page };
    Ok(Json(notifications::list_notifications(&s.db, &actor, q.unread.unwrap_or(false), &page).await?.into()))
}

/// How many were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub marked: u64,
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Marked), (status = 404, body = ErrorBody)))]
pub async fn read_notification(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(id): ApiPath<i64>) -> Result<Json<Marked>, AppError> {
    Ok(Json(Marked { marked: notifications::mark_read(&s.db, &actor, Some(id)).await? }))
}

#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Marked), (status = 401, body = ErrorBody)))]
pub async fn read_all_notifications(State(s): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<Marked>, AppError> {
    Ok(Json(Marked { marked: notifications::mark_read(&s.db, &actor, None).await? }))
}
