//! Work-order pages: the list (an enterprise's demands, a department's queue,
//! the leader's overview), filing, one order with its timeline and the forms
//! of the actions the user may take.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Choice, FormErrors, LimitChip, Pager, chrome, display_time, limit_chip, render};
use crate::app::workorder::{self as uc, OrderInput, TransitionInput};
use crate::domain::Role;
use crate::domain::workorder::{OrderState, Priority, Rating, Source};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::registry::EnterpriseFilter;
use crate::store::workorder::{OrderEvent, WorkOrder};
use crate::web::AppState;
use crate::web::api::workorders::OrderQuery;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// The words of the work-order pages that the shared table does not hold.
pub const I18N: &[(&str, &str, &str)] = &[
    (
        "orders.duplicates_found",
        "可能重复的工单（同一企业、同一类别、标题相近、前后7天内提交）",
        "Possible duplicates (same enterprise and category, similar title, filed within 7 days)",
    ),
    ("orders.merge_into", "将本工单合并到", "Merge this order into"),
    ("orders.merge_here", "合并到本工单", "Merge into this order"),
    (
        "orders.merge_confirm",
        "合并后，重复工单将随原工单办理，不能撤销。确定合并吗？",
        "The duplicate will follow the original from now on; this cannot be undone. Merge?",
    ),
    ("orders.return_visit", "回访", "Return visit"),
    ("orders.return_visits", "回访记录", "Return visits"),
    ("orders.channel", "回访方式", "How"),
    ("visit.phone", "电话回访", "By phone"),
    ("visit.onsite", "上门回访", "On site"),
    ("visit.online", "网上评价", "Online"),
    ("orders.contact", "受访人", "Person reached"),
    ("orders.visit_words", "企业意见", "What they said"),
    ("orders.visit_hint", "企业有账号时，须记录其在回访中的意见。", "When the enterprise has an account, record what it said."),
    (
        "rates.why_due",
        "为什么响应率的分母不是全部交办数：签收时限未到、尚未签收的工单（例如今天刚交办的）既不算按时也不算超时，计入分母会把仍在时限内的工单算作未响应；一经签收或超过签收时限即计入。合并到其他工单的重复工单不计入三率。",
        "Why the response rate does not divide by every assigned order: an order whose sign-for window is still open (assigned today, say) is neither in time nor late yet, and counting it would score it as unanswered; it counts once signed for or past its limit. Duplicates merged into another order are not counted.",
    ),
];

/// A possible duplicate as the order's page offers it, with the form to merge.
pub struct DuplicateRow {
    pub id: i64,
    pub title: String,
    pub state_label: &'static str,
    /// the order the form posts to (the newer of the two is the duplicate)
    pub act_on: i64,
    pub version: i64,
    pub target: i64,
    /// true when this page's order is the one merged away
    pub merges_this: bool,
}

/// A return visit as the page shows it.
pub struct VisitRow {
    pub at: String,
    pub caller: String,
    pub channel: &'static str,
    pub contact: String,
    pub rating: &'static str,
    pub note: String,
}

/// One order as a list row, in the user's language.
pub struct OrderRow {
    pub id: i64,
    pub title: String,
    pub who: String,
    pub category: String,
    pub department: String,
    pub state: String,
    pub state_label: &'static str,
    pub priority: String,
    pub priority_label: &'static str,
    pub limit: Option<LimitChip>,
    pub escalated: bool,
    pub filed: String,
}

/// A row for an order; the limit that counts is the sign-for limit while
/// waiting for a signature, the resolve limit while being worked on.
pub fn order_row(s: &AppState, lang: Lang, today: time::Date, o: WorkOrder) -> OrderRow {
    let deadline = match o.state.as_str() {
        "assigned" if o.signed_at.is_none() => o.sign_deadline.as_deref(),
        "assigned" | "in_progress" => o.resolve_deadline.as_deref(),
        _ => None,
    };
    OrderRow {
        limit: limit_chip(lang, &s.calendar, today, deadline),
        escalated: o.escalated_at.is_some() && o.state != "closed",
        state_label: lang.label("state", &o.state),
        priority_label: lang.label("priority", &o.priority),
        who: o.enterprise_name.clone().or_else(|| (!o.address.is_empty()).then(|| o.address.clone())).or(o.township_name.clone()).unwrap_or_default(),
        department: o.department_name.unwrap_or_default(),
        filed: display_time(&o.created_at),
        id: o.id,
        title: o.title,
        category: o.category_name,
        state: o.state,
        priority: o.priority,
    }
}

#[derive(Template)]
#[template(path = "workorders/list.html")]
struct ListPage {
    c: super::Chrome,
    heading: &'static str,
    rows: Vec<OrderRow>,
    pager: Pager,
    q: String,
    from: String,
    to: String,
    states: Vec<Choice>,
    categories: Vec<Choice>,
    sources: Vec<Choice>,
    departments: Vec<Choice>,
    sorts: Vec<Choice>,
    escalated: bool,
    open: bool,
    show_departments: bool,
    may_file: bool,
    file_label: &'static str,
    export_href: String,
}

fn may_file(role: Role) -> bool {
    !matches!(role, Role::Volunteer | Role::Isolation)
}

#[utoipa::path(get, path = "/work-orders", tag = "pages", params(OrderQuery),
    responses((status = 200, description = "orders in the user's scope, filtered and paginated", body = String, content_type = "text/html")))]
pub async fn list_work_orders(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    RawQuery(raw_query): RawQuery,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> Result<Response, AppError> {
    let role = user.actor.role;
    // a department and the leader look at what needs doing first
    let mut q = q;
    if q.sort.is_none() && matches!(role, Role::Department | Role::Leader | Role::Admin) {
        q.sort = Some("overdue".into());
    }
    // a department's queue opens on what is still to be done
    if role == Role::Department && raw_query.as_deref().is_none_or(str::is_empty) {
        q.open = Some(true);
    }
    let (filter, page_req) = q.filter(&s).await?;
    let cx = s.work();
    let page = uc::list_orders(&cx, &user.actor, filter, &page_req).await?;
    let today = cx.today();
    let params: Vec<(&str, String)> = vec![
        ("state", q.state.clone().unwrap_or_default()),
        ("category", q.category.clone().unwrap_or_default()),
        ("source", q.source.clone().unwrap_or_default()),
        ("department_id", q.department_id.map(|d| d.to_string()).unwrap_or_default()),
        ("escalated", q.escalated.map(|b| b.to_string()).unwrap_or_default()),
        ("open", q.open.map(|b| b.to_string()).unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
        ("sort", q.sort.clone().unwrap_or_default()),
    ];
    let pager = Pager::new(&page, "/work-orders", &params).with_typed_export();
    let rows = page.items.into_iter().map(|o| order_row(&s, lang, today, o)).collect();
    let all = lang.t("common.all");
    let state = q.state.clone().unwrap_or_default();
    let mut states = vec![Choice::new("", all, &state)];
    states.extend(OrderState::ALL.iter().map(|st| Choice::new(st.code(), lang.label("state", st.code()), &state)));
    let category = q.category.clone().unwrap_or_default();
    let mut categories = vec![Choice::new("", all, &category)];
    categories.extend(uc::list_categories(&s.db).await?.into_iter().map(|c| Choice::new(&c.code, &c.name, &category)));
    let source = q.source.clone().unwrap_or_default();
    let mut sources = vec![Choice::new("", all, &source)];
    sources.extend(Source::ALL.iter().map(|x| Choice::new(x.code(), lang.label("source", x.code()), &source)));
    let department = q.department_id.map(|d| d.to_string()).unwrap_or_default();
    let mut departments = vec![Choice::new("", all, &department)];
    let show_departments = matches!(role, Role::Admin | Role::Leader | Role::Township);
    if show_departments {
        departments.extend(crate::app::registry::list_departments(&s.db, &user.actor).await?.into_iter().map(|d| Choice::new(d.id, &d.name, &department)));
    }
    let sort = q.sort.clone().unwrap_or_default();
    let heading = match role {
        Role::Enterprise => lang.t("orders.mine_title"),
        Role::Department => lang.t("orders.queue_title"),
        _ => lang.t("orders.title"),
    };
    let page = ListPage {
        c: chrome(&s, &user, lang, "/work-orders").await,
        heading,
        rows,
        pager,
        q: q.q.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        states,
        categories,
        sources,
        departments,
        sorts: vec![Choice::new("newest", lang.t("orders.sort_newest"), &sort), Choice::new("overdue", lang.t("orders.sort_overdue"), &sort)],
        escalated: q.escalated == Some(true),
        open: q.open == Some(true),
        show_departments,
        may_file: may_file(role),
        file_label: if matches!(role, Role::Enterprise | Role::Officer) { lang.t("orders.new") } else { lang.t("orders.new_staff") },
        export_href: super::exchange::export_href("work-orders", &params),
    };
    render(&page)
}

/// The filing form as posted: all text, so a bad number is a field error.
#[derive(Debug, Default, Deserialize)]
pub struct OrderForm {
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
}

impl OrderForm {
    fn input(&self) -> Result<OrderInput, AppError> {
        let number = |field: &'static str, v: &str| -> Result<Option<f64>, AppError> {
            match v.trim() {
                "" => Ok(None),
                t => t.parse::<f64>().map(Some).map_err(|_| AppError::field(field, "请填写数字")),
            }
        };
        let id = |v: &str| v.trim().parse::<i64>().ok();
        Ok(OrderInput {
            enterprise_id: id(&self.enterprise_id),
            township_id: id(&self.township_id),
            category: self.category.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            source: Some(self.source.clone()).filter(|s| !s.is_empty()),
            source_ref: None,
            priority: Some(self.priority.clone()).filter(|p| !p.is_empty()),
            latitude: number("latitude", &self.latitude)?,
            longitude: number("longitude", &self.longitude)?,
            address: self.address.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "workorders/new.html")]
struct NewPage {
    c: super::Chrome,
    title: &'static str,
    f: OrderForm,
    errors: FormErrors,
    categories: Vec<Choice>,
    enterprises: Vec<Choice>,
    townships: Vec<Choice>,
    sources: Vec<Choice>,
    priorities: Vec<Choice>,
    /// enterprise users file for themselves: no enterprise field
    pick_enterprise: bool,
    staff: bool,
}

async fn new_page(s: &AppState, user: &PageUser, lang: Lang, f: OrderForm, errors: FormErrors) -> Result<Response, AppError> {
    let role = user.actor.role;
    if !may_file(role) {
        return Err(AppError::Forbidden("您的角色不能提交工单"));
    }
    let staff = matches!(role, Role::Admin | Role::Leader | Role::Township | Role::Department);
    let mut categories = vec![Choice::new("", lang.t("orders.choose"), &f.category)];
    categories.extend(uc::list_categories(&s.db).await?.into_iter().map(|c| Choice::new(&c.code, &c.name, &f.category)));
    let pick_enterprise = role != Role::Enterprise;
    let mut enterprises = vec![Choice::new("", if staff { "—" } else { lang.t("orders.choose") }, &f.enterprise_id)];
    if pick_enterprise {
        let page = crate::app::registry::list_enterprises(&s.db, &user.actor, EnterpriseFilter::default(), &PageRequest { page: Some(1), per_page: Some(200) })
            .await?;
        enterprises.extend(page.items.into_iter().map(|e| Choice::new(e.id, &e.name, &f.enterprise_id)));
    }
    let mut townships = vec![Choice::new("", "—", &f.township_id)];
    townships.extend(
        crate::app::registry::list_townships(&s.db, &user.actor)
            .await?
            .into_iter()
            .filter(|t| role != Role::Township || Some(t.id) == user.actor.township_id)
            .map(|t| Choice::new(t.id, &t.name, &f.township_id)),
    );
    let sources = [Source::Hotline, Source::Inspection, Source::Project, Source::PolicySupervision]
        .iter()
        .map(|x| Choice::new(x.code(), lang.label("source", x.code()), &f.source))
        .collect();
    let priorities = Priority::ALL.iter().map(|p| Choice::new(p.code(), lang.label("priority", p.code()), &f.priority)).collect();
    let title = if staff { lang.t("orders.new_staff") } else { lang.t("orders.new") };
    let page = NewPage {
        c: chrome(s, user, lang, "/work-orders/new").await,
        title,
        f,
        errors,
        categories,
        enterprises,
        townships,
        sources,
        priorities,
        pick_enterprise,
        staff,
    };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/work-orders/new", tag = "pages", responses((status = 200, description = "the form to file a demand or register an order", body = String, content_type = "text/html")))]
pub async fn new_work_order(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<NewQuery>) -> Result<Response, AppError> {
    let f = OrderForm { enterprise_id: q.enterprise_id.map(|e| e.to_string()).unwrap_or_default(), ..OrderForm::default() };
    new_page(&s, &user, lang, f, FormErrors::default()).await
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    pub enterprise_id: Option<i64>,
}

#[utoipa::path(post, path = "/work-orders", tag = "pages",
    responses((status = 303, description = "filed; to the order"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn file_work_order(State(s): State<AppState>, lang: Lang, form: CsrfForm<OrderForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.input() {
        Ok(input) => uc::file_order(&s.work(), &user.actor, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(filed) => {
            let dups = filed.possible_duplicates.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let target = if dups.is_empty() { format!("/work-orders/{}", filed.order.id) } else { format!("/work-orders/{}?dups={dups}", filed.order.id) };
            Ok(Redirect::to(&target).into_response())
        }
        Err(err) => new_page(&s, &user, lang, f, FormErrors::from_app_error(err)?).await,
    }
}

/// A timeline entry as the page shows it.
struct EventRow {
    at: String,
    actor: String,
    action: &'static str,
    state: &'static str,
    department: String,
    note: String,
}

fn event_row(lang: Lang, e: OrderEvent) -> EventRow {
    EventRow {
        at: display_time(&e.at),
        actor: e.actor_name,
        action: lang.label("action", &e.action),
        state: lang.label("state", &e.to_state),
        department: e.department_name.unwrap_or_default(),
        note: e.note,
    }
}

#[derive(Template)]
#[template(path = "workorders/show.html")]
struct ShowPage {
    c: super::Chrome,
    o: WorkOrder,
    state_label: &'static str,
    source_label: &'static str,
    priority_label: &'static str,
    rating_label: &'static str,
    sign: Option<LimitChip>,
    resolve: Option<LimitChip>,
    escalated: bool,
    escalation_label: &'static str,
    timeline: Vec<EventRow>,
    merged: Vec<i64>,
    duplicates: Vec<i64>,
    candidates: Vec<DuplicateRow>,
    visits: Vec<VisitRow>,
    staff_rates: bool,
    can: HashSet<&'static str>,
    departments: Vec<Choice>,
    ratings: Vec<Choice>,
    templates: Vec<String>,
    error: String,
    filed: String,
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    /// possible duplicates found when it was filed, comma-separated
    pub dups: Option<String>,
}

async fn show_page(s: &AppState, user: &PageUser, lang: Lang, id: i64, duplicates: Vec<i64>, error: String) -> Result<Response, AppError> {
    let detail = uc::get_order_with_duplicates(&s.db, &user.actor, id).await?;
    let o = detail.order;
    let cx = s.work();
    let today = cx.today();
    let open = o.state == "assigned" || o.state == "in_progress";
    let can: HashSet<&'static str> = uc::allowed_actions(&s.db, &user.actor, &o).await?.into_iter().map(|a| a.code()).collect();
    let departments = if can.contains("assign") || can.contains("transfer") {
        let current = o.department_id.map(|d| d.to_string()).unwrap_or_default();
        let mut d = vec![Choice::new("", lang.t("orders.choose"), "")];
        d.extend(
            crate::app::registry::list_departments(&s.db, &user.actor)
                .await?
                .into_iter()
                .filter(|d| d.id.to_string() != current)
                .map(|d| Choice::new(d.id, &d.name, "")),
        );
        d
    } else {
        Vec::new()
    };
    let next_state = if o.state == "in_progress" { "resolved" } else { "in_progress" };
    let templates = if can.contains("resolve") || can.contains("note") {
        uc::list_templates(&s.db, Some(o.category_id), Some(next_state)).await?.into_iter().map(|t| t.text).collect()
    } else {
        Vec::new()
    };
    let escalation_label = match o.escalation.as_deref() {
        Some("sign") => lang.t("supervision.sign"),
        Some("resolve") => lang.t("supervision.resolve"),
        Some("leader") => lang.t("supervision.leader"),
        _ => "",
    };
    // the older of two duplicates is the original: the newer one merges into it
    let mut candidates = Vec::new();
    for other in &detail.possible_duplicates {
        let Ok(d) = uc::get_order(&s.db, &user.actor, *other).await else { continue };
        let d = d.order;
        let merges_this = d.id < o.id;
        let (act_on, version, target) = if merges_this { (o.id, o.version, d.id) } else { (d.id, d.version, o.id) };
        candidates.push(DuplicateRow { id: d.id, title: d.title, state_label: lang.label("state", &d.state), act_on, version, target, merges_this });
    }
    let visits = detail
        .return_visits
        .into_iter()
        .map(|v| VisitRow {
            at: display_time(&v.at),
            caller: v.caller_name,
            channel: lang.label("visit", &v.channel),
            contact: v.contact,
            rating: lang.label("rating", &v.rating),
            note: v.note,
        })
        .collect();
    let page = ShowPage {
        c: chrome(s, user, lang, "/work-orders").await,
        candidates,
        visits,
        staff_rates: user.actor.role != Role::Enterprise,
        state_label: lang.label("state", &o.state),
        source_label: lang.label("source", &o.source),
        priority_label: lang.label("priority", &o.priority),
        rating_label: o.rating.as_deref().map(|r| lang.label("rating", r)).unwrap_or(""),
        sign: if o.state == "assigned" && o.signed_at.is_none() { limit_chip(lang, &s.calendar, today, o.sign_deadline.as_deref()) } else { None },
        resolve: if open { limit_chip(lang, &s.calendar, today, o.resolve_deadline.as_deref()) } else { None },
        escalated: o.escalated_at.is_some() && o.state != "closed",
        escalation_label,
        timeline: detail.timeline.into_iter().map(|e| event_row(lang, e)).collect(),
        merged: detail.merged,
        duplicates,
        can,
        departments,
        ratings: Rating::ALL.iter().map(|r| Choice::new(r.code(), lang.label("rating", r.code()), "satisfied")).collect(),
        templates,
        error,
        filed: display_time(&o.created_at),
        o,
    };
    render(&page)
}

#[utoipa::path(get, path = "/work-orders/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "one order, its timeline and the user's actions", body = String, content_type = "text/html")))]
pub async fn show_work_order(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ShowQuery>,
) -> Result<Response, AppError> {
    let duplicates = q.dups.unwrap_or_default().split(',').filter_map(|d| d.trim().parse().ok()).collect();
    show_page(&s, &user, lang, id, duplicates, String::new()).await
}

/// An action's form: every field any action uses, as text.
#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub department_id: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub approve: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub target_id: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub contact: String,
}

impl ActForm {
    fn input(&self) -> TransitionInput {
        let int = |v: &str| v.trim().parse::<i64>().ok();
        TransitionInput {
            action: self.action.clone(),
            version: int(&self.version).unwrap_or(-1),
            department_id: int(&self.department_id),
            note: self.note.clone(),
            resolution: self.resolution.clone(),
            rating: Some(self.rating.clone()).filter(|r| !r.is_empty()),
            days: int(&self.days),
            approve: match self.approve.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            deadline: Some(self.deadline.clone()).filter(|d| !d.is_empty()),
            target_id: int(&self.target_id),
            channel: Some(self.channel.clone()).filter(|c| !c.is_empty()),
            contact: self.contact.clone(),
        }
    }
}

#[utoipa::path(post, path = "/work-orders/{id}/act", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "done; back to the order"), (status = 409, description = "the order again, with the conflict", body = String, content_type = "text/html"), (status = 422, description = "the order again, with the message", body = String, content_type = "text/html")))]
pub async fn act_on_work_order(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<ActForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::act(&s.work(), &user.actor, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/work-orders/{id}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = axum::http::StatusCode::from_u16(err.status()).unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            let mut page = show_page(&s, &user, lang, id, Vec::new(), err.to_string()).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        Err(other) => Err(other),
    }
}
