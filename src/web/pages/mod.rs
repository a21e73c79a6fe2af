//! Server-rendered pages (askama templates in `templates/`), Chinese by default.
//! Every page shares the chrome: top bar, language switch, the role's navigation.

pub mod admin;
pub mod assets;
pub mod auth;
pub mod employment;
pub mod enterprises;
pub mod exchange;
pub mod home;
pub mod inspections;
pub mod investment;
pub mod isolation;
pub mod list_export;
pub mod notifications;
pub mod officers;
pub mod policies;
pub mod projects;
pub mod reference;
pub mod reports;
pub mod resumption;
pub mod supervision;
pub mod tutoring;
pub mod workorders;

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::error::urlencode;
use super::extract::PageUser;
use super::i18n::Lang;
use crate::app::Actor;
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::Page;

/// The signed-in user as the top bar shows it.
pub struct ChromeUser {
    pub display_name: String,
    pub role_label: &'static str,
    pub csrf: String,
}

pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub active: bool,
}

/// What the layout needs on every page.
pub struct Chrome {
    pub lang: Lang,
    pub user: Option<ChromeUser>,
    /// unread notifications of the signed-in user
    pub unread: i64,
    pub nav: Vec<NavItem>,
    pub switch_href: String,
    pub switch_label: &'static str,
    /// this page as an Excel workbook, with its filters (`list_export`)
    pub export_href: String,
}

impl Chrome {
    pub fn new(lang: Lang, actor: Option<(&Actor, &str)>, path: &str) -> Chrome {
        let (other, label) = match lang {
            Lang::Zh => (Lang::En, "English"),
            Lang::En => (Lang::Zh, "中文"),
        };
        let nav = actor.map(|(a, _)| nav_for(a, lang, path)).unwrap_or_default();
        Chrome {
            lang,
            unread: 0,
            user: actor.map(|(a, csrf)| ChromeUser { display_name: a.display_name.clone(), role_label: lang.role(a.role), csrf: csrf.to_string() }),
            nav,
            switch_href: format!("/lang/{}?next={}", other.code(), urlencode(path)),
            switch_label: label,
            export_href: String::new(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The session's CSRF token, for the hidden field of every form.
    pub fn csrf(&self) -> &str {
        self.user.as_ref().map(|u| u.csrf.as_str()).unwrap_or("")
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.html_lang()
    }
}

/// The chrome of a signed-in user's page, with the count of unread messages.
pub async fn chrome(s: &AppState, user: &PageUser, lang: Lang, path: &str) -> Chrome {
    let mut c = Chrome::new(lang, Some((&user.actor, &user.csrf)), path);
    c.export_href = list_export::href(&user.here);
    c.unread = crate::app::notifications::unread_count(&s.db, &user.actor).await.unwrap_or(0);
    c
}

/// The navigation a role may use; nothing here is a permission (the use cases
/// check those), it only spares users links they cannot follow.
fn nav_for(actor: &Actor, lang: Lang, path: &str) -> Vec<NavItem> {
    let mut items: Vec<(String, &str)> = Vec::new();
    match actor.role {
        Role::Enterprise => {
            if let Some(id) = actor.enterprise_id {
                items.push((format!("/enterprises/{id}"), "nav.my_enterprise"));
            }
            items.push(("/work-orders".into(), "nav.my_orders"));
            items.push(("/job-postings".into(), "nav.job_postings"));
            items.push(("/status-reports".into(), "nav.reports"));
            items.push(("/commitments".into(), "nav.commitments"));
            items.push(("/projects".into(), "nav.my_projects"));
            items.push(("/policies".into(), "nav.policies"));
            items.push(("/policy-applications".into(), "nav.my_applications"));
        }
        Role::Volunteer => items.push(("/tutoring/mine".into(), "nav.my_pairings")),
        Role::Isolation => items.push(("/isolation".into(), "nav.isolation")),
        Role::Officer => {
            items.push(("/officers/me".into(), "nav.my_desk"));
            items.push(("/work-orders".into(), "nav.work_orders"));
            items.push(("/visits".into(), "nav.visits"));
            items.push(("/job-postings".into(), "nav.job_postings"));
            items.push(("/status-reports".into(), "nav.reports"));
            items.push(("/projects".into(), "nav.projects"));
            items.push(("/policy-applications".into(), "nav.applications"));
            items.push(("/enterprises".into(), "nav.enterprises"));
            items.push(("/rates".into(), "nav.rates"));
        }
        Role::Department => {
            items.push(("/work-orders".into(), "nav.queue"));
            items.push(("/findings".into(), "nav.findings"));
            items.push(("/rates".into(), "nav.rates"));
            items.push(("/resumption".into(), "nav.resumption"));
            items.push(("/projects".into(), "nav.projects"));
            items.push(("/investment-leads".into(), "nav.investment"));
            items.push(("/policy-applications".into(), "nav.applications"));
            items.push(("/policy-supervision".into(), "nav.policy_supervision"));
            items.push(("/enterprises".into(), "nav.enterprises"));
            items.push(("/cadres".into(), "nav.cadres"));
        }
        Role::Township => {
            items.push(("/dashboard".into(), "nav.dashboard"));
            items.push(("/work-orders".into(), "nav.work_orders"));
            items.push(("/rates".into(), "nav.rates"));
            items.push(("/campaigns".into(), "nav.campaigns"));
            items.push(("/inspections".into(), "nav.inspections"));
            items.push(("/households".into(), "nav.households"));
            items.push(("/employment/gaps".into(), "nav.gaps"));
            items.push(("/job-postings".into(), "nav.job_postings"));
            items.push(("/transport-batches".into(), "nav.transport"));
            items.push(("/tutoring".into(), "nav.tutoring"));
            items.push(("/resumption".into(), "nav.resumption"));
            items.push(("/status-reports".into(), "nav.reports"));
            items.push(("/commitments".into(), "nav.commitments"));
            items.push(("/projects".into(), "nav.projects"));
            items.push(("/investment-leads".into(), "nav.investment"));
            items.push(("/policy-applications".into(), "nav.applications"));
            items.push(("/officers".into(), "nav.officers"));
            items.push(("/enterprises".into(), "nav.enterprises"));
            items.push(("/cadres".into(), "nav.cadres"));
            items.push(("/imports".into(), "nav.imports"));
        }
        Role::Admin | Role::Leader => {
            items.push(("/dashboard".into(), "nav.dashboard"));
            items.push(("/briefing".into(), "nav.briefing"));
            items.push(("/work-orders".into(), "nav.work_orders"));
            items.push(("/supervision".into(), "nav.supervision"));
            items.push(("/rates".into(), "nav.rates"));
            items.push(("/campaigns".into(), "nav.campaigns"));
            items.push(("/inspections".into(), "nav.inspections"));
            items.push(("/households".into(), "nav.households"));
            items.push(("/employment/gaps".into(), "nav.gaps"));
            items.push(("/job-postings".into(), "nav.job_postings"));
            items.push(("/transport-batches".into(), "nav.transport"));
            items.push(("/tutoring".into(), "nav.tutoring"));
            items.push(("/isolation".into(), "nav.isolation"));
            items.push(("/resumption".into(), "nav.resumption"));
            items.push(("/green-list".into(), "nav.green_list"));
            items.push(("/commitments".into(), "nav.commitments"));
            items.push(("/projects".into(), "nav.projects"));
            items.push(("/investment-leads".into(), "nav.investment"));
            items.push(("/policies".into(), "nav.policies"));
            items.push(("/policy-supervision".into(), "nav.policy_supervision"));
            items.push(("/officers".into(), "nav.officers"));
            items.push(("/enterprises".into(), "nav.enterprises"));
            items.push(("/townships".into(), "nav.townships"));
            items.push(("/departments".into(), "nav.departments"));
            items.push(("/cadres".into(), "nav.cadres"));
            items.push(("/imports".into(), "nav.imports"));
            if actor.role == Role::Admin {
                items.push(("/categories".into(), "nav.categories"));
                items.push(("/users".into(), "nav.users"));
                items.push(("/audit".into(), "nav.audit"));
            }
        }
    }
    items
        .into_iter()
        .map(|(href, key)| NavItem { active: path == href || (href != "/" && path.starts_with(&format!("{href}/"))), href, label: lang.t(key) })
        .collect()
}

/// Renders a template as a 200 page.
///
/// # Errors
/// A template failure (a bug), as an internal error.
pub fn render<T: Template>(template: &T) -> Result<Response, AppError> {
    template.render().map(|html| Html(html).into_response()).map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// Field errors of a form, by field name, for the template to show beside each field.
#[derive(Default)]
pub struct FormErrors {
    by_field: HashMap<String, String>,
    /// an error that belongs to no single field (e.g. a stale version)
    pub general: String,
}

impl FormErrors {
    pub fn from_fields(errors: &[FieldError]) -> FormErrors {
        FormErrors { by_field: errors.iter().map(|e| (e.field.to_string(), e.message.clone())).collect(), general: String::new() }
    }

    /// Sorts a use-case error into field errors (re-show the form) or not (an error page).
    pub fn from_app_error(err: AppError) -> Result<FormErrors, AppError> {
        match err {
            AppError::Validation(errors) => Ok(FormErrors::from_fields(&errors)),
            AppError::Conflict { message, field: Some(field), .. } if field != "version" => {
                Ok(FormErrors { by_field: HashMap::from([(field.to_string(), message)]), general: String::new() })
            }
            AppError::Conflict { message, .. } => Ok(FormErrors { by_field: HashMap::new(), general: message }),
            other => Err(other),
        }
    }

    pub fn get(&self, field: &str) -> &str {
        self.by_field.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn any(&self) -> bool {
        !self.by_field.is_empty() || !self.general.is_empty()
    }
}

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl ToString, current: &str) -> Choice {
        let value = value.to_string();
        let selected = value == current;
        Choice { value, label: label.to_string(), selected }
    }
}

/// Previous/next links of a paginated list, keeping the other query parameters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    /// whether the pager offers the list's Excel export (`list_export`); off
    /// where the page has a typed export of its own
    pub export: bool,
    /// the query parameter of its page number (`page`, unless the page has a second list)
    pub param: &'static str,
}

impl Pager {
    /// The pager of a page's second list, paged by a parameter of its own; the
    /// page's export link is on its first list's pager.
    pub fn paging_by(mut self, param: &'static str) -> Pager {
        self.param = param;
        self.export = false;
        self
    }

    /// The pager of a list with a typed export (`/exports/{kind}`) of its own button.
    pub fn with_typed_export(mut self) -> Pager {
        self.export = false;
        self
    }

    pub fn new<T>(page: &Page<T>, path: &str, params: &[(&str, String)]) -> Pager {
        let href = |n: i64| {
            let mut pairs: Vec<(&str, String)> = params.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
            pairs.push(("page", n.to_string()));
            format!("{path}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
        };
        let pages = page.pages();
        Pager {
            page: page.page,
            pages,
            total: page.total,
            prev_href: (page.page > 1).then(|| href(page.page - 1)),
            next_href: (page.page < pages).then(|| href(page.page + 1)),
            export: true,
            param: "page",
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: Chrome,
    status: u16,
    heading: &'static str,
    message: &'a str,
}

/// An error as a page, in the user's language, with a way back.
pub fn render_error_page(lang: Lang, user: Option<(&Actor, &str)>, status: StatusCode, message: &str) -> Response {
    let heading = match status.as_u16() {
        403 => lang.t("error.403"),
        404 => lang.t("error.404"),
        _ => lang.t("error.title"),
    };
    let page = ErrorPage { c: Chrome::new(lang, user, "/"), status: status.as_u16(), heading, message };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// Formats an ISO timestamp as the Chinese-style date and time users read.
pub fn display_time(iso: &str) -> String {
    match time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(time::macros::offset!(+8));
            format!("{}年{}月{}日 {:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
        }
        Err(_) => iso.to_string(),
    }
}

/// A time limit as a page shows it: the date and a working-day countdown.
pub struct LimitChip {
    pub date: String,
    pub text: String,
    /// limit-ok, limit-due (due today), limit-late (overdue)
    pub class: &'static str,
}

/// The countdown of an open order's limit; closed orders and missing limits have none.
pub fn limit_chip(lang: Lang, calendar: &crate::domain::calendar::WorkCalendar, today: time::Date, deadline: Option<&str>) -> Option<LimitChip> {
    let deadline = deadline?;
    let day = crate::app::clock::parse_date(deadline).ok()?;
    let date = chinese_date(day);
    let Ok(left) = calendar.working_days_between(today, day) else {
        return Some(LimitChip { date, text: String::new(), class: "limit-ok" });
    };
    let (text, class) = match left {
        n if n > 0 => (format!("{} {n}", lang.t("orders.days_left")), "limit-ok"),
        0 if day >= today => (lang.t("orders.due_today").to_string(), "limit-due"),
        n => (format!("{} {}", lang.t("orders.overdue_days"), (-n).max(1)), "limit-late"),
    };
    Some(LimitChip { date, text, class })
}

/// 2020年3月19日
pub fn chinese_date(day: time::Date) -> String {
    format!("{}年{}月{}日", day.year(), u8::from(day.month()), day.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_beijing_time_chinese_style() {
        assert_eq!(display_time("2020-03-19T01:30:00Z"), "2020年3月19日 09:30");
    }

    #[test]
    fn limits_count_down_in_working_days() {
        let calendar = crate::domain::calendar::WorkCalendar::shipped();
        let today = time::macros::date!(2020 - 03 - 19);
        let chip = limit_chip(Lang::Zh, &calendar, today, Some("2020-03-23")).unwrap();
        assert_eq!((chip.date.as_str(), chip.text.as_str(), chip.class), ("2020年3月23日", "剩余工作日 2", "limit-ok"));
        assert_eq!(limit_chip(Lang::Zh, &calendar, today, Some("2020-03-19")).unwrap().class, "limit-due");
        let late = limit_chip(Lang::Zh, &calendar, today, Some("2020-03-16")).unwrap();
        assert_eq!((late.text.as_str(), late.class), ("已超期工作日 3", "limit-late"));
        assert!(limit_chip(Lang::Zh, &calendar, today, None).is_none());
    }

    #[test]
    fn pager_links_keep_the_filters() {
        let page = Page { items: vec![1, 2], total: 45, page: 2, per_page: 20 };
        let p = Pager::new(&page, "/enterprises", &[("kind", "foreign_trade".into()), ("q", String::new())]);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev_href.as_deref(), Some("/enterprises?kind=foreign_trade&page=1"));
        assert_eq!(p.next_href.as_deref(), Some("/enterprises?kind=foreign_trade&page=3"));
    }
}
