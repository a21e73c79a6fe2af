//! Officer pages: the officers and coverage (leaders), an officer's own desk,
//! visits and the form to record one.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::workorders::{OrderRow, order_row};
use super::{Choice, FormErrors, Pager, chrome, render};
use crate::app::officers::{self, CoverageQuery, DemandInput, Officer, VisitInput};
use crate::app::{registry, workorder};
use crate::domain::EnterpriseKind;
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::registry::{Assignment, Enterprise};
use crate::store::workorder::Visit;
use crate::web::AppState;
use crate::web::api::workorders::VisitQuery;
use crate::web::extract::{ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

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
    pager: Pager,
}

#[utoipa::path(get, path = "/officers", tag = "pages", params(CoverageQuery),
    responses((status = 200, description = "officers with their enterprises, and coverage", body = String, content_type = "text/html")))]
pub async fn officers_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<CoverageQuery>) -> Result<Response, AppError> {
    let coverage = officers::coverage(&s.db, &user.actor, &q).await?;
    let list = officers::list_officers(&s.db, &user.actor, &PageRequest { page: q.page, per_page: Some(100) }).await?;
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let kind = q.kind.clone().unwrap_or_default();
    let mut townships = vec![Choice::new("", lang.t("common.all"), &township)];
    townships.extend(registry::list_townships(&s.db, &user.actor).await?.into_iter().map(|t| Choice::new(t.id, &t.name, &township)));
    let mut kinds = vec![Choice::new("", lang.t("common.all"), &kind)];
    kinds.extend(EnterpriseKind::ALL.iter().map(|k| Choice::new(k.code(), lang.kind(*k), &kind)));
    let pager = Pager::new(&list, "/officers", &[("township_id", township.clone()), ("kind", kind.clone())]);
    render(&OfficersPage {
        c: chrome(&s, &user, lang, "/officers").await,
        officers: list.items,
        in_scope: coverage.in_scope,
        covered: coverage.covered,
        uncovered: coverage.uncovered.items,
        townships,
        kinds,
        pager,
    })
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    c: super::Chrome,
    enterprises: Vec<Assignment>,
    rows: Vec<OrderRow>,
}

#[utoipa::path(get, path = "/officers/me", tag = "pages",
    responses((status = 200, description = "the officer's enterprises and their open orders", body = String, content_type = "text/html")))]
pub async fn desk_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let cx = s.work();
    let desk = officers::officer_desk(&cx, &user.actor).await?;
    let today = cx.today();
    let rows = desk.open_orders.into_iter().map(|o| order_row(&s, lang, today, o)).collect();
    render(&DeskPage { c: chrome(&s, &user, lang, "/officers/me").await, enterprises: desk.enterprises, rows })
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
    let may_record = user.actor.role == crate::domain::Role::Officer;
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
