//! The leader's pages: the supervision list (督办), the three rates (三率), the
//! monthly league table (月排名), and the categories with their limits.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::workorders::{OrderRow, order_row};
use super::{Choice, Pager, chrome, render};
use crate::app::rates::{self, RateLine, RatesQuery};
use crate::app::{supervision, workorder as uc};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::workorder::Category;
use crate::web::AppState;
use crate::web::api::workorders::{MonthQuery, SupervisionQuery};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage {
    c: super::Chrome,
    rows: Vec<OrderRow>,
    reasons: Vec<&'static str>,
    pager: Pager,
    departments: Vec<Choice>,
    townships: Vec<Choice>,
    filtered: bool,
}

#[utoipa::path(get, path = "/supervision", tag = "pages", params(SupervisionQuery),
    responses((status = 200, description = "escalated open orders, the most overdue first", body = String, content_type = "text/html")))]
pub async fn supervision_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<SupervisionQuery>) -> Result<Response, AppError> {
    let cx = s.work();
    let only = supervision::SupervisionFilter { department_id: q.department_id, township_id: q.township_id };
    let page = PageRequest { page: q.page, per_page: q.per_page };
    let list = supervision::supervision_list_in(&cx, &user.actor, only, &page).await?;
    let (department, township) = (q.department_id.map(|d| d.to_string()).unwrap_or_default(), q.township_id.map(|t| t.to_string()).unwrap_or_default());
    // the filters stay on every page of the pager
    let params =
        [("department_id", department.clone()), ("township_id", township.clone()), ("per_page", q.per_page.map(|n| n.to_string()).unwrap_or_default())];
    let pager = Pager::new(&list, "/supervision", &params);
    let mut departments = vec![Choice::new("", lang.t("common.all"), &department)];
    departments.extend(crate::app::registry::list_departments(&s.db, &user.actor).await?.into_iter().map(|d| Choice::new(d.id, &d.name, &department)));
    let mut townships = vec![Choice::new("", lang.t("common.all"), &township)];
    townships.extend(crate::app::registry::list_townships(&s.db, &user.actor).await?.into_iter().map(|t| Choice::new(t.id, &t.name, &township)));
    let reasons = list
        .items
        .iter()
        .map(|o| match o.escalation.as_deref() {
            Some("sign") => lang.t("supervision.sign"),
            Some("resolve") => lang.t("supervision.resolve"),
            _ => lang.t("supervision.leader"),
        })
        .collect();
    let today = cx.today();
    let rows = list.items.into_iter().map(|o| order_row(&s, lang, today, o)).collect();
    let filtered = q.department_id.is_some() || q.township_id.is_some();
    render(&SupervisionPage { c: chrome(&s, &user, lang, "/supervision").await, rows, reasons, pager, departments, townships, filtered })
}

/// A rate line as the page shows it: percentages and bar widths.
struct RateRow {
    name: String,
    assigned: i64,
    cells: Vec<(String, u32)>,
    score: String,
}

fn percent(rate: Option<f64>) -> (String, u32) {
    match rate {
        Some(r) => (format!("{:.1}%", r * 100.0), (r * 100.0).round() as u32),
        None => ("—".to_string(), 0),
    }
}

fn rate_row(l: &RateLine) -> RateRow {
    RateRow {
        name: l.name.clone(),
        assigned: l.counts.assigned,
        cells: vec![percent(l.response_rate), percent(l.resolution_rate), percent(l.satisfaction_rate)],
        score: percent(l.score()).0,
    }
}

#[derive(Template)]
#[template(path = "rates.html")]
struct RatesPage {
    c: super::Chrome,
    rows: Vec<RateRow>,
    groups: Vec<Choice>,
    from: String,
    to: String,
}

#[utoipa::path(get, path = "/rates", tag = "pages", params(RatesQuery),
    responses((status = 200, description = "the three rates by group and period", body = String, content_type = "text/html")))]
pub async fn rates_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<RatesQuery>) -> Result<Response, AppError> {
    let mut q = q;
    // each scoped role sees its own line by default
    if q.group.as_deref().unwrap_or("").is_empty() {
        q.group = Some(
            match user.actor.role {
                crate::domain::Role::Department => "department",
                crate::domain::Role::Township => "township",
                crate::domain::Role::Officer => "officer",
                _ => "department",
            }
            .into(),
        );
    }
    let result = rates::rates(&s.work(), &user.actor, &q).await?;
    let current = result.group.clone();
    let groups = ["zone", "department", "township", "officer"].iter().map(|g| Choice::new(g, lang.t(&format!("rates.group.{g}")), &current)).collect();
    let rows = result.items.iter().map(rate_row).collect();
    render(&RatesPage { c: chrome(&s, &user, lang, "/rates").await, rows, groups, from: result.from, to: result.to })
}

#[derive(Template)]
#[template(path = "league.html")]
struct LeaguePage {
    c: super::Chrome,
    rows: Vec<RateRow>,
    month: String,
}

#[utoipa::path(get, path = "/rates/league", tag = "pages", params(MonthQuery),
    responses((status = 200, description = "departments ranked by their three rates for a month", body = String, content_type = "text/html")))]
pub async fn league_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<MonthQuery>) -> Result<Response, AppError> {
    let result = rates::league_table(&s.work(), &user.actor, q.month.as_deref()).await?;
    let rows = result.items.iter().map(rate_row).collect();
    render(&LeaguePage { c: chrome(&s, &user, lang, "/rates").await, rows, month: result.from[..7].to_string() })
}

#[derive(Template)]
#[template(path = "categories.html")]
struct CategoriesPage {
    c: super::Chrome,
    rows: Vec<Category>,
    error: String,
}

async fn categories_page(s: &AppState, user: &PageUser, lang: Lang, error: String) -> Result<Response, AppError> {
    user.actor.require(&[crate::domain::Role::Admin])?;
    let rows = uc::list_categories(&s.db).await?;
    let mut response = render(&CategoriesPage { c: chrome(s, user, lang, "/categories").await, rows, error: error.clone() })?;
    if !error.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/categories", tag = "pages", responses((status = 200, description = "categories and their limits", body = String, content_type = "text/html")))]
pub async fn list_categories(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    categories_page(&s, &user, lang, String::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct LimitsForm {
    #[serde(default)]
    pub sign_days: String,
    #[serde(default)]
    pub resolve_days: String,
    #[serde(default)]
    pub public: String,
}

#[utoipa::path(post, path = "/categories/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "saved"), (status = 422, description = "the page again, with the message", body = String, content_type = "text/html")))]
pub async fn update_category(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<LimitsForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let limits = uc::CategoryLimits {
        sign_days: f.sign_days.trim().parse().unwrap_or(-1),
        resolve_days: f.resolve_days.trim().parse().unwrap_or(-1),
        public: f.public == "true",
    };
    match uc::update_category(&s.db, &user.actor, id, &limits).await {
        Ok(_) => Ok(Redirect::to("/categories").into_response()),
        Err(e @ AppError::Validation(_)) => categories_page(&s, &user, lang, e.to_string()).await,
        Err(e) => Err(e),
    }
}
