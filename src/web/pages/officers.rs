//! Officer pages: the officers and coverage (leaders), assigning a cadre to an
//! enterprise and ending the assignment (history kept), the history itself,
//! an officer's own desk, visits and the form to record one.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::workorders::{OrderRow, order_row};
use super::{Choice, FormErrors, Pager, chrome, render};
use crate::app::officers::{self, AssignmentQuery, CoverageQuery, DemandInput, Officer, VisitInput};
use crate::app::{registry, workorder};
use crate::domain::{EnterpriseKind, Role};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::registry::{Assignment, AssignmentRecord, Enterprise, EnterpriseFilter};
use crate::store::workorder::Visit;
use crate::web::AppState;
use crate::web::api::workorders::VisitQuery;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// The words of the officer pages.
pub const I18N: &[(&str, &str, &str)] = &[
    ("officers.green_list", "仅绿名单企业", "Green list only"),
    ("officers.assign", "派驻", "Assign"),
    ("officers.history", "派驻历史", "History"),
    ("assignments.title", "首席服务员派驻记录", "Officer assignments"),
    (
        "assignments.empty",
        "还没有派驻记录。可在首席服务员页为未派驻的企业派驻干部。",
        "No assignments yet. Assign cadres to enterprises without an officer on the officers page.",
    ),
    ("assignments.new", "派驻首席服务员", "Assign a chief service officer"),
    ("assignments.cadre", "干部", "Cadre"),
    ("assignments.enterprise", "企业", "Enterprise"),
    ("assignments.started_on", "派驻日期", "Started"),
    ("assignments.ended_on", "结束日期", "Ended"),
    ("assignments.current", "在岗", "Serving"),
    ("assignments.end", "结束派驻", "End assignment"),
    (
        "assignments.end_question",
        "结束后该干部不再担任这家企业的首席服务员，派驻记录仍保留在历史中。",
        "The cadre will no longer serve this enterprise; the assignment stays in the history.",
    ),
    ("assignments.no_free_enterprise", "所有企业均已派驻首席服务员。", "Every enterprise already has an officer."),
];

#[derive(Template)]
#[template(path = "officers.html")]
struct OfficersPage {
    c: super::Chrome,
    officers: Vec<Officer>,
    in_scope: i64,
    covered: i64,
    uncovered: Vec<Enterprise>,
    townships: Vec<Choice>,
    kinds: Vec<Choice>,
    green_list: bool,
    may_assign: bool,
    /// the uncovered enterprises' pages
    pager: Pager,
    /// the officer list's pages (a parameter of its own: `officer_page`)
    officer_pager: Pager,
}

/// The officers page's query as a browser sends it: every filter as text, so
/// the "all" option (an empty value) is no filter rather than a 400; `page`
/// pages the uncovered enterprises and `officer_page` the officer list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct OfficersPageQuery {
    #[serde(default)]
    pub township_id: String,
    /// industrial, foreign_trade, commerce_service, construction_real_estate, agriculture
    #[serde(default)]
    pub kind: String,
    /// "true": only enterprises on the green list
    #[serde(default)]
    pub green_list: String,
    pub page: Option<i64>,
    pub officer_page: Option<i64>,
}

impl OfficersPageQuery {
    /// # Errors
    /// `Validation` for a township id that is not a number.
    fn scope(&self) -> Result<CoverageQuery, AppError> {
        let township_id = match self.township_id.trim() {
            "" => None,
            t => Some(t.parse::<i64>().map_err(|_| AppError::field("township_id", "乡镇办编号应为整数"))?),
        };
        let green_list = matches!(self.green_list.trim(), "true" | "on" | "1").then_some(true);
        Ok(CoverageQuery { township_id, kind: Some(self.kind.trim().to_string()), green_list, page: None, per_page: None })
    }
}

#[utoipa::path(get, path = "/officers", tag = "pages", params(OfficersPageQuery),
    responses((status = 200, description = "officers with their enterprises, and coverage", body = String, content_type = "text/html")))]
pub async fn officers_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<OfficersPageQuery>) -> Result<Response, AppError> {
    let scope = q.scope()?;
    let coverage = officers::coverage(&s.db, &user.actor, &CoverageQuery { page: q.page, per_page: Some(50), ..scope.clone() }).await?;
    let list = officers::list_officers_in(&s.db, &user.actor, &scope, &PageRequest { page: q.officer_page, per_page: Some(50) }).await?;
    let township = q.township_id.trim().to_string();
    let kind = q.kind.trim().to_string();
    let green_list = scope.green_list == Some(true);
    let mut townships = vec![Choice::new("", lang.t("common.all"), &township)];
    townships.extend(registry::list_townships(&s.db, &user.actor).await?.into_iter().map(|t| Choice::new(t.id, &t.name, &township)));
    let mut kinds = vec![Choice::new("", lang.t("common.all"), &kind)];
    kinds.extend(EnterpriseKind::ALL.iter().map(|k| Choice::new(k.code(), lang.kind(*k), &kind)));
    let green = if green_list { "true".to_string() } else { String::new() };
    let officer_page = q.officer_page.map(|p| p.to_string()).unwrap_or_default();
    let pager = Pager::new(
        &coverage.uncovered,
        "/officers",
        &[("township_id", township.clone()), ("kind", kind.clone()), ("green_list", green.clone()), ("officer_page", officer_page)],
    );
    // the officer list's pager: its own parameter, the uncovered list's page kept
    let uncovered_page = q.page.map(|p| p.to_string()).unwrap_or_default();
    let mut officer_pager =
        Pager::new(&list, "/officers", &[("township_id", township.clone()), ("kind", kind.clone()), ("green_list", green), ("page", uncovered_page)]);
    for href in [&mut officer_pager.prev_href, &mut officer_pager.next_href].into_iter().flatten() {
        *href = rename_last_page_param(href);
    }
    let officer_pager = officer_pager.paging_by("officer_page");
    render(&OfficersPage {
        c: chrome(&s, &user, lang, "/officers").await,
        officers: list.items,
        in_scope: coverage.in_scope,
        covered: coverage.covered,
        uncovered: coverage.uncovered.items,
        townships,
        kinds,
        green_list,
        may_assign: matches!(user.actor.role, Role::Admin | Role::Leader),
        pager,
        officer_pager,
    })
}

/// `Pager` appends its own `page=N` last: for the officer list that is `officer_page=N`.
fn rename_last_page_param(href: &str) -> String {
    match href.rfind("page=") {
        Some(at) if at == 0 || matches!(href.as_bytes()[at - 1], b'&' | b'?') => format!("{}officer_{}", &href[..at], &href[at..]),
        _ => href.to_string(),
    }
}

// ---- assignments: assign, end, history -----------------------------------------

/// One assignment as the history page shows it.
struct HistoryRow {
    id: i64,
    cadre_id: i64,
    cadre_name: String,
    cadre_rank: String,
    enterprise_id: i64,
    enterprise_name: String,
    started_on: String,
    ended_on: String,
    current: bool,
}

/// A YYYY-MM-DD date as users read it (2020年3月19日); anything else as it is.
fn day_text(day: &str) -> String {
    crate::app::clock::parse_date(day).map(super::chinese_date).unwrap_or_else(|_| day.to_string())
}

fn history_row(a: AssignmentRecord) -> HistoryRow {
    HistoryRow {
        id: a.id,
        cadre_id: a.cadre_id,
        current: a.ended_on.is_none(),
        started_on: day_text(&a.started_on),
        ended_on: a.ended_on.as_deref().map(day_text).unwrap_or_default(),
        cadre_name: a.cadre_name,
        cadre_rank: a.cadre_rank,
        enterprise_id: a.enterprise_id,
        enterprise_name: a.enterprise_name,
    }
}

#[derive(Template)]
#[template(path = "officers/history.html")]
struct HistoryPage {
    c: super::Chrome,
    heading: String,
    rows: Vec<HistoryRow>,
    pager: Pager,
    may_assign: bool,
    /// the enterprise whose history this is, when it has no officer now (to assign one)
    assign_href: Option<String>,
}

#[utoipa::path(get, path = "/officer-assignments", tag = "pages", params(AssignmentQuery),
    responses((status = 200, description = "the officer history: who served which enterprise, from when to when", body = String, content_type = "text/html")))]
pub async fn history_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<AssignmentQuery>) -> Result<Response, AppError> {
    let page = officers::assignment_history(&s.db, &user.actor, &q).await?;
    let may_assign = matches!(user.actor.role, Role::Admin | Role::Leader);
    let mut heading = lang.t("assignments.title").to_string();
    let mut assign_href = None;
    if let Some(e) = q.enterprise_id {
        let enterprise = registry::get_enterprise(&s.db, &user.actor, e).await?;
        heading = format!("{} · {}", enterprise.name, lang.t("officers.history"));
        if may_assign && enterprise.officer_id.is_none() {
            assign_href = Some(format!("/officer-assignments/new?enterprise_id={e}"));
        }
    }
    let params =
        [("enterprise_id", q.enterprise_id.map(|e| e.to_string()).unwrap_or_default()), ("cadre_id", q.cadre_id.map(|c| c.to_string()).unwrap_or_default())];
    let pager = Pager::new(&page, "/officer-assignments", &params);
    render(&HistoryPage {
        c: chrome(&s, &user, lang, "/officers").await,
        heading,
        rows: page.items.into_iter().map(history_row).collect(),
        pager,
        may_assign,
        assign_href,
    })
}

/// The assignment form as posted: all text, so a missing choice is a message, not a 400.
#[derive(Debug, Default, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    pub cadre_id: String,
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub started_on: String,
}

#[derive(Template)]
#[template(path = "officers/assign.html")]
struct AssignPage {
    c: super::Chrome,
    f: AssignForm,
    errors: FormErrors,
    cadres: Vec<Choice>,
    enterprises: Vec<Choice>,
}

/// The most choices a picker offers: a province has thousands of cadres; the
/// form is reached from a cadre's or an enterprise's page, which fixes one side.
const PICKER_LIMIT: i64 = 500;

async fn assign_form(s: &AppState, user: &PageUser, lang: Lang, f: AssignForm, errors: FormErrors) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader])?;
    let picker = PageRequest { page: Some(1), per_page: Some(PICKER_LIMIT) };
    let mut cadre_rows = registry::list_cadres(&s.db, &user.actor, None, &picker).await?.items;
    // the cadre asked for (from its page) even beyond the picker's first rows
    if let Ok(id) = f.cadre_id.trim().parse::<i64>()
        && !cadre_rows.iter().any(|c| c.id == id)
        && let Ok(c) = registry::get_cadre(&s.db, &user.actor, id).await
    {
        cadre_rows.insert(0, c);
    }
    let mut cadres = vec![Choice::new("", "—", &f.cadre_id)];
    cadres.extend(cadre_rows.into_iter().map(|c| {
        let label = match (&c.department_name, c.rank.is_empty()) {
            (Some(d), false) => format!("{}（{}，{}）", c.name, c.rank, d),
            (Some(d), true) => format!("{}（{}）", c.name, d),
            (None, false) => format!("{}（{}）", c.name, c.rank),
            (None, true) => c.name.clone(),
        };
        Choice::new(c.id, label, &f.cadre_id)
    }));
    // the enterprises without an officer, and the one asked for even if it has one (the use case says why not)
    let free = EnterpriseFilter { has_officer: Some(false), ..EnterpriseFilter::default() };
    let mut free = registry::list_enterprises(&s.db, &user.actor, free, &picker).await?.items;
    if let Ok(id) = f.enterprise_id.trim().parse::<i64>()
        && !free.iter().any(|e| e.id == id)
        && let Ok(e) = registry::get_enterprise(&s.db, &user.actor, id).await
    {
        free.insert(0, e);
    }
    let mut enterprises = vec![Choice::new("", "—", &f.enterprise_id)];
    enterprises.extend(free.into_iter().map(|e| Choice::new(e.id, format!("{} · {}", e.name, e.township_name), &f.enterprise_id)));
    let page = AssignPage { c: chrome(s, user, lang, "/officers").await, f, errors, cadres, enterprises };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Which side of a new assignment is already chosen.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AssignQuery {
    pub cadre_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

#[utoipa::path(get, path = "/officer-assignments/new", tag = "pages", params(AssignQuery),
    responses((status = 200, description = "the form to assign a cadre to an enterprise", body = String, content_type = "text/html")))]
pub async fn new_assignment(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<AssignQuery>) -> Result<Response, AppError> {
    let f = AssignForm {
        cadre_id: q.cadre_id.map(|c| c.to_string()).unwrap_or_default(),
        enterprise_id: q.enterprise_id.map(|e| e.to_string()).unwrap_or_default(),
        started_on: crate::app::clock::date_text(s.work().today()),
    };
    assign_form(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/officer-assignments", tag = "pages",
    responses((status = 303, description = "assigned; to the enterprise's officer history"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_assignment(State(s): State<AppState>, lang: Lang, form: CsrfForm<AssignForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    // an unchosen side is 0: no such row, which the use case names beside its field
    let cadre_id = f.cadre_id.trim().parse::<i64>().unwrap_or(0);
    let enterprise_id = f.enterprise_id.trim().parse::<i64>().unwrap_or(0);
    match registry::assign_officer(&s.db, &user.actor, cadre_id, enterprise_id, f.started_on.trim()).await {
        Ok(_) => Ok(Redirect::to(&format!("/officer-assignments?enterprise_id={enterprise_id}")).into_response()),
        Err(e) => assign_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "officers/end.html")]
struct EndPage {
    c: super::Chrome,
    a: HistoryRow,
    ended_on: String,
    errors: FormErrors,
}

async fn end_form(s: &AppState, user: &PageUser, lang: Lang, id: i64, ended_on: String, errors: FormErrors) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader])?;
    let a = officers::find_assignment(&s.db, &user.actor, id).await?;
    let page = EndPage { c: chrome(s, user, lang, "/officers").await, a: history_row(a), ended_on, errors };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/officer-assignments/{id}/end", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before ending an assignment, with its end date", body = String, content_type = "text/html")))]
pub async fn confirm_end_assignment(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let today = crate::app::clock::date_text(s.work().today());
    end_form(&s, &user, lang, id, today, FormErrors::default()).await
}

/// The end form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub ended_on: String,
}

#[utoipa::path(post, path = "/officer-assignments/{id}/end", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "ended; to the enterprise's officer history"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn end_assignment(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<EndForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match officers::end_assignment(&s.db, &user.actor, id, f.ended_on.trim()).await {
        Ok(()) => {
            let a = officers::find_assignment(&s.db, &user.actor, id).await?;
            Ok(Redirect::to(&format!("/officer-assignments?enterprise_id={}", a.enterprise_id)).into_response())
        }
        Err(e) => end_form(&s, &user, lang, id, f.ended_on, FormErrors::from_app_error(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    c: super::Chrome,
    enterprises: Vec<Assignment>,
    rows: Vec<OrderRow>,
    pager: Pager,
}

#[utoipa::path(get, path = "/officers/me", tag = "pages", params(PageRequest),
    responses((status = 200, description = "the officer's enterprises and one page of their open orders", body = String, content_type = "text/html")))]
pub async fn desk_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(page): ApiQuery<PageRequest>) -> Result<Response, AppError> {
    let cx = s.work();
    let desk = officers::officer_desk_page(&cx, &user.actor, &page).await?;
    let today = cx.today();
    let open = crate::store::Page { items: desk.open_orders, total: desk.open_total, page: desk.page, per_page: desk.per_page };
    let params = [("per_page", page.per_page.map(|n| n.to_string()).unwrap_or_default())];
    // the work-order list has the export of these orders; the desk pages only
    let pager = Pager::new(&open, "/officers/me", &params).with_typed_export();
    let rows = open.items.into_iter().map(|o| order_row(&s, lang, today, o)).collect();
    render(&DeskPage { c: chrome(&s, &user, lang, "/officers/me").await, enterprises: desk.enterprises, rows, pager })
}

#[derive(Template)]
#[template(path = "visits.html")]
struct VisitsPage {
    c: super::Chrome,
    rows: Vec<Visit>,
    pager: Pager,
    may_record: bool,
}

#[utoipa::path(get, path = "/visits", tag = "pages", params(VisitQuery), responses((status = 200, description = "visits", body = String, content_type = "text/html")))]
pub async fn visits_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<VisitQuery>) -> Result<Response, AppError> {
    let page = officers::list_visits(&s.db, &user.actor, q.enterprise_id, &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let pager = Pager::new(&page, "/visits", &[("enterprise_id", q.enterprise_id.map(|e| e.to_string()).unwrap_or_default())]);
    let may_record = user.actor.role == Role::Officer;
    render(&VisitsPage { c: chrome(&s, &user, lang, "/visits").await, rows: page.items, pager, may_record })
}

/// The visit form as posted: three demand rows, unused ones left empty.
#[derive(Debug, Default, Deserialize)]
pub struct VisitForm {
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub category_1: String,
    #[serde(default)]
    pub title_1: String,
    #[serde(default)]
    pub category_2: String,
    #[serde(default)]
    pub title_2: String,
    #[serde(default)]
    pub category_3: String,
    #[serde(default)]
    pub title_3: String,
}

impl VisitForm {
    fn input(&self) -> VisitInput {
        let demands = [(&self.category_1, &self.title_1), (&self.category_2, &self.title_2), (&self.category_3, &self.title_3)]
            .into_iter()
            .filter(|(c, t)| !c.trim().is_empty() || !t.trim().is_empty())
            .map(|(c, t)| DemandInput { category: c.clone(), title: t.clone(), description: String::new() })
            .collect();
        VisitInput {
            enterprise_id: self.enterprise_id.trim().parse().unwrap_or(0),
            visited_on: self.visited_on.clone(),
            findings: self.findings.clone(),
            demands,
        }
    }
}

#[derive(Template)]
#[template(path = "visit_new.html")]
struct VisitNewPage {
    c: super::Chrome,
    f: VisitForm,
    errors: FormErrors,
    enterprises: Vec<Choice>,
    categories: Vec<Vec<Choice>>,
}

async fn visit_form(s: &AppState, user: &PageUser, lang: Lang, f: VisitForm, errors: FormErrors) -> Result<Response, AppError> {
    let desk = officers::officer_desk(&s.work(), &user.actor).await?;
    let enterprises = desk.enterprises.iter().map(|a| Choice::new(a.enterprise_id, &a.enterprise_name, &f.enterprise_id)).collect();
    let cats = workorder::list_categories(&s.db).await?;
    let categories = [&f.category_1, &f.category_2, &f.category_3]
        .iter()
        .map(|current| {
            let mut v = vec![Choice::new("", "—", current)];
            v.extend(cats.iter().map(|c| Choice::new(&c.code, &c.name, current)));
            v
        })
        .collect();
    let page = VisitNewPage { c: chrome(s, user, lang, "/visits").await, f, errors, enterprises, categories };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/visits/new", tag = "pages", responses((status = 200, description = "the form to record a visit", body = String, content_type = "text/html")))]
pub async fn new_visit(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let today = crate::app::clock::date_text(s.work().today());
    visit_form(&s, &user, lang, VisitForm { visited_on: today, ..VisitForm::default() }, FormErrors::default()).await
}

#[utoipa::path(post, path = "/visits", tag = "pages",
    responses((status = 303, description = "recorded"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn record_visit(State(s): State<AppState>, lang: Lang, form: CsrfForm<VisitForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match officers::record_visit(&s.work(), &user.actor, &f.input()).await {
        Ok(_) => Ok(Redirect::to("/visits").into_response()),
        Err(e) => visit_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}
