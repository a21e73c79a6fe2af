//! Enterprise pages: the filtered list, one enterprise, the form, deletion.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Choice, Chrome, FormErrors, Pager, chrome, display_time, render};
use crate::app::registry as uc;
use crate::domain::{EnterpriseInput, EnterpriseKind, FieldError, Role};
use crate::error::AppError;
use crate::store::registry::{Enterprise, Township};
use crate::web::AppState;
use crate::web::api::registry::EnterpriseQuery;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// One row of the list, already in the user's language.
struct Row {
    id: i64,
    name: String,
    credit_code: String,
    kind: &'static str,
    township: String,
    officer: String,
    headcount: i64,
}

#[derive(Template)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    q: String,
    townships: Vec<Choice>,
    kinds: Vec<Choice>,
    officer_choices: Vec<Choice>,
    sorts: Vec<Choice>,
    may_create: bool,
    township_locked: bool,
    export_href: String,
}

fn may_create(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader | Role::Township)
}

fn kind_choices(lang: Lang, current: &str, with_all: bool) -> Vec<Choice> {
    let mut out = Vec::new();
    if with_all {
        out.push(Choice::new("", lang.t("common.all"), current));
    }
    out.extend(EnterpriseKind::ALL.iter().map(|k| Choice::new(k.code(), lang.kind(*k), current)));
    out
}

fn township_choices(lang: Lang, townships: &[Township], current: &str, with_all: bool) -> Vec<Choice> {
    let mut out = Vec::new();
    if with_all {
        out.push(Choice::new("", lang.t("common.all"), current));
    }
    out.extend(townships.iter().map(|t| Choice::new(t.id, &t.name, current)));
    out
}

#[utoipa::path(get, path = "/enterprises", tag = "pages", params(EnterpriseQuery),
    responses((status = 200, description = "the filtered, paginated enterprise list", body = String, content_type = "text/html")))]
pub async fn list_enterprises(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<EnterpriseQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter()?;
    let page = uc::list_enterprises(&s.db, &user.actor, filter, &page_req).await?;
    let townships = uc::list_townships(&s.db, &user.actor).await?;
    let township_locked = user.actor.role == Role::Township;
    let township_current = if township_locked {
        user.actor.township_id.map(|t| t.to_string()).unwrap_or_default()
    } else {
        q.township_id.map(|t| t.to_string()).unwrap_or_default()
    };
    let kind_current = q.kind.clone().unwrap_or_default();
    let officer_current = q.has_officer.map(|b| b.to_string()).unwrap_or_default();
    let sort_current = q.sort.clone().unwrap_or_default();
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        ("township_id", q.township_id.map(|t| t.to_string()).unwrap_or_default()),
        ("kind", kind_current.clone()),
        ("has_officer", officer_current.clone()),
        ("sort", sort_current.clone()),
        ("per_page", q.per_page.map(|p| p.to_string()).unwrap_or_default()),
    ];
    let pager = Pager::new(&page, "/enterprises", &params).with_typed_export();
    let rows = page
        .items
        .into_iter()
        .map(|e| Row {
            id: e.id,
            kind: lang.kind(e.kind.0),
            officer: e.officer_name.unwrap_or_default(),
            name: e.name,
            credit_code: e.credit_code,
            township: e.township_name,
            headcount: e.headcount,
        })
        .collect();
    let visible_townships: Vec<Township> =
        if township_locked { townships.into_iter().filter(|t| Some(t.id) == user.actor.township_id).collect() } else { townships };
    let page = ListPage {
        c: chrome(&s, &user, lang, "/enterprises").await,
        rows,
        pager,
        q: q.q.clone().unwrap_or_default(),
        townships: township_choices(lang, &visible_townships, &township_current, !township_locked),
        kinds: kind_choices(lang, &kind_current, true),
        officer_choices: vec![
            Choice::new("", lang.t("common.all"), &officer_current),
            Choice::new("true", lang.t("enterprises.with_officer"), &officer_current),
            Choice::new("false", lang.t("enterprises.without_officer"), &officer_current),
        ],
        sorts: vec![
            Choice::new("name", lang.t("sort.name"), &sort_current),
            Choice::new("-headcount", lang.t("sort.headcount"), &sort_current),
            Choice::new("-created_at", lang.t("sort.newest"), &sort_current),
        ],
        may_create: may_create(user.actor.role),
        township_locked,
        export_href: super::exchange::export_href("enterprises", &params),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "enterprises/show.html")]
struct ShowPage {
    c: Chrome,
    rows: Vec<super::workorders::OrderRow>,
    may_file: bool,
    e: Enterprise,
    kind: &'static str,
    created_at: String,
    updated_at: String,
    may_edit: bool,
    may_delete: bool,
}

#[utoipa::path(get, path = "/enterprises/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "one enterprise", body = String, content_type = "text/html"), (status = 403, description = "not the user's enterprise", body = String, content_type = "text/html")))]
pub async fn show_enterprise(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let e = uc::get_enterprise(&s.db, &user.actor, id).await?;
    let role = user.actor.role;
    // its open orders, as far as the user may see them
    let cx = s.work();
    let filter = crate::store::workorder::OrderFilter { enterprise_id: Some(id), open: true, ..Default::default() };
    let rows = match crate::app::workorder::list_orders(&cx, &user.actor, filter, &crate::store::PageRequest { page: Some(1), per_page: Some(50) }).await {
        Ok(page) => page.items.into_iter().map(|o| super::workorders::order_row(&s, lang, cx.today(), o)).collect(),
        Err(AppError::Forbidden(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    let may_file = matches!(role, Role::Enterprise | Role::Officer | Role::Admin | Role::Leader | Role::Department) || (role == Role::Township);
    let page = ShowPage {
        rows,
        may_file,
        c: chrome(&s, &user, lang, &format!("/enterprises/{id}")).await,
        kind: lang.kind(e.kind.0),
        created_at: display_time(&e.created_at),
        updated_at: display_time(&e.updated_at),
        e,
        may_edit: matches!(role, Role::Admin | Role::Leader | Role::Township | Role::Enterprise),
        may_delete: role == Role::Admin,
    };
    render(&page)
}

/// The enterprise form as posted: all text, so a non-number is a field error, not a 400.
#[derive(Debug, Default, Deserialize)]
pub struct EnterpriseForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub headcount: String,
    #[serde(default)]
    pub version: String,
}

impl EnterpriseForm {
    fn of(e: &Enterprise) -> Self {
        EnterpriseForm {
            name: e.name.clone(),
            credit_code: e.credit_code.clone(),
            industry: e.industry.clone(),
            kind: e.kind.0.code().to_string(),
            township_id: e.township_id.to_string(),
            address: e.address.clone(),
            contact_name: e.contact_name.clone(),
            contact_phone: e.contact_phone.clone(),
            headcount: e.headcount.to_string(),
            version: e.version.to_string(),
        }
    }

    /// # Errors
    /// A number field that is not a number.
    fn input(&self) -> Result<EnterpriseInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let township_id = self.township_id.trim().parse::<i64>().unwrap_or(0);
        let headcount = if self.headcount.trim().is_empty() {
            0
        } else {
            self.headcount.trim().parse::<i64>().unwrap_or_else(|_| {
                errors.push(FieldError::new("headcount", "职工人数应为整数"));
                0
            })
        };
        let input = EnterpriseInput {
            name: self.name.clone(),
            credit_code: self.credit_code.clone(),
            industry: self.industry.clone(),
            kind: self.kind.clone(),
            township_id,
            address: self.address.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            headcount,
        };
        if errors.is_empty() { Ok(input) } else { Err(errors) }
    }
}

#[derive(Template)]
#[template(path = "enterprises/form.html")]
struct FormPage {
    c: Chrome,
    title: &'static str,
    action: String,
    cancel: String,
    f: EnterpriseForm,
    errors: FormErrors,
    townships: Vec<Choice>,
    kinds: Vec<Choice>,
    limited: bool,
}

async fn form_page(s: &AppState, user: &PageUser, lang: Lang, id: Option<i64>, f: EnterpriseForm, errors: FormErrors) -> Result<Response, AppError> {
    let townships = uc::list_townships(&s.db, &user.actor).await?;
    let townships: Vec<Township> = match user.actor.role {
        Role::Township => townships.into_iter().filter(|t| Some(t.id) == user.actor.township_id).collect(),
        _ => townships,
    };
    let mut township_choices = vec![Choice::new("", "—", &f.township_id)];
    township_choices.extend(township_choices_of(&townships, &f.township_id));
    let (title, action, cancel, path) = match id {
        Some(id) => (lang.t("enterprises.edit"), format!("/enterprises/{id}"), format!("/enterprises/{id}"), format!("/enterprises/{id}/edit")),
        None => (lang.t("enterprises.new"), "/enterprises".to_string(), "/enterprises".to_string(), "/enterprises/new".to_string()),
    };
    let page = FormPage {
        c: chrome(s, user, lang, &path).await,
        title,
        action,
        cancel,
        kinds: kind_choices(lang, &f.kind, false),
        f,
        errors,
        townships: township_choices,
        limited: user.actor.role == Role::Enterprise,
    };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

fn township_choices_of(townships: &[Township], current: &str) -> Vec<Choice> {
    townships.iter().map(|t| Choice::new(t.id, &t.name, current)).collect()
}

#[utoipa::path(get, path = "/enterprises/new", tag = "pages", responses((status = 200, description = "the form for a new enterprise", body = String, content_type = "text/html")))]
pub async fn new_enterprise(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let f = EnterpriseForm { township_id: user.actor.township_id.map(|t| t.to_string()).unwrap_or_default(), ..EnterpriseForm::default() };
    form_page(&s, &user, lang, None, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/enterprises", tag = "pages",
    responses((status = 303, description = "registered; to its page"), (status = 422, description = "the form again, with the message beside each bad field", body = String, content_type = "text/html")))]
pub async fn create_enterprise(State(s): State<AppState>, lang: Lang, form: CsrfForm<EnterpriseForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.input() {
        Ok(input) => uc::create_enterprise(&s.db, &user.actor, &input).await,
        Err(errors) => Err(errors.into()),
    };
    match result {
        Ok(e) => Ok(Redirect::to(&format!("/enterprises/{}", e.id)).into_response()),
        Err(err) => form_page(&s, &user, lang, None, f, FormErrors::from_app_error(err)?).await,
    }
}

#[utoipa::path(get, path = "/enterprises/{id}/edit", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the form to change an enterprise", body = String, content_type = "text/html")))]
pub async fn edit_enterprise(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township, Role::Enterprise])?;
    let e = uc::get_enterprise(&s.db, &user.actor, id).await?;
    form_page(&s, &user, lang, Some(id), EnterpriseForm::of(&e), FormErrors::default()).await
}

#[utoipa::path(post, path = "/enterprises/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "saved; to its page"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_enterprise(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<EnterpriseForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let version = f.version.trim().parse::<i64>().map_err(|_| AppError::BadRequest("缺少版本号".into()))?;
    let result = match f.input() {
        Ok(input) => uc::update_enterprise(&s.db, &user.actor, id, version, &input).await,
        Err(errors) => Err(errors.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(err) => form_page(&s, &user, lang, Some(id), f, FormErrors::from_app_error(err)?).await,
    }
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub c: Chrome,
    pub title: String,
    pub question: &'static str,
    pub action: String,
    pub cancel: String,
    pub csrf: String,
}

#[utoipa::path(get, path = "/enterprises/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_enterprise(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let e = uc::get_enterprise(&s.db, &user.actor, id).await?;
    render(&ConfirmPage {
        c: chrome(&s, &user, lang, &format!("/enterprises/{id}")).await,
        title: e.name,
        question: lang.t("enterprises.delete_question"),
        action: format!("/enterprises/{id}/delete"),
        cancel: format!("/enterprises/{id}"),
        csrf: user.csrf.clone(),
    })
}

#[derive(Debug, Deserialize)]
pub struct NoFields {}

#[utoipa::path(post, path = "/enterprises/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "deleted; to the list"), (status = 409, description = "still in use", body = String, content_type = "text/html")))]
pub async fn delete_enterprise(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::delete_enterprise(&s.db, &form.user.actor, id).await?;
    Ok(Redirect::to("/enterprises").into_response())
}
