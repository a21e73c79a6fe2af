//! Reference-data pages: townships, departments, cadres — list, add, change
//! (with the version that was read) and delete (after asking).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::enterprises::{ConfirmPage, NoFields};
use super::{Choice, Chrome, FormErrors, Pager, chrome, render};
use crate::app::officers::{self, AssignmentQuery};
use crate::app::registry::{self as uc, CadreInput};
use crate::domain::{Role, TownshipKind};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::registry::Cadre;
use crate::web::AppState;
use crate::web::api::registry::CadreQuery;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// A row of a townships or departments table.
struct RefRow {
    id: i64,
    name: String,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "reference.html")]
struct ReferencePage {
    c: Chrome,
    title: &'static str,
    empty: &'static str,
    base: &'static str,
    rows: Vec<RefRow>,
    with_kind: bool,
    kinds: Vec<Choice>,
    is_admin: bool,
    name: String,
    errors: FormErrors,
}

fn staff_only(user: &PageUser) -> Result<(), AppError> {
    user.actor.require(&[Role::Admin, Role::Leader])
}

fn township_kinds(lang: Lang, current: &str) -> Vec<Choice> {
    TownshipKind::ALL.iter().map(|k| Choice::new(k.code(), lang.township_kind(*k), current)).collect()
}

async fn townships_page(s: &AppState, user: &PageUser, lang: Lang, name: String, kind: &str, errors: FormErrors) -> Result<Response, AppError> {
    let rows =
        uc::list_townships(&s.db, &user.actor).await?.into_iter().map(|t| RefRow { id: t.id, name: t.name, kind: lang.township_kind(t.kind.0) }).collect();
    let page = ReferencePage {
        c: chrome(s, user, lang, "/townships").await,
        title: lang.t("townships.title"),
        empty: lang.t("townships.empty"),
        base: "/townships",
        rows,
        with_kind: true,
        kinds: township_kinds(lang, kind),
        is_admin: user.actor.role == Role::Admin,
        name,
        errors,
    };
    with_status(render(&page)?, &page.errors)
}

async fn departments_page(s: &AppState, user: &PageUser, lang: Lang, name: String, errors: FormErrors) -> Result<Response, AppError> {
    let rows = uc::list_departments(&s.db, &user.actor).await?.into_iter().map(|d| RefRow { id: d.id, name: d.name, kind: "" }).collect();
    let page = ReferencePage {
        c: chrome(s, user, lang, "/departments").await,
        title: lang.t("departments.title"),
        empty: lang.t("departments.empty"),
        base: "/departments",
        rows,
        with_kind: false,
        kinds: Vec::new(),
        is_admin: user.actor.role == Role::Admin,
        name,
        errors,
    };
    with_status(render(&page)?, &page.errors)
}

fn with_status(mut response: Response, errors: &FormErrors) -> Result<Response, AppError> {
    if errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
}

#[utoipa::path(get, path = "/townships", tag = "pages", responses((status = 200, description = "townships", body = String, content_type = "text/html")))]
pub async fn list_townships(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    staff_only(&user)?;
    townships_page(&s, &user, lang, String::new(), "zhen", FormErrors::default()).await
}

#[utoipa::path(post, path = "/townships", tag = "pages", responses((status = 303, description = "added"), (status = 422, description = "the form again", body = String, content_type = "text/html")))]
pub async fn create_township(State(s): State<AppState>, lang: Lang, form: CsrfForm<NameForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    match uc::create_township(&s.db, &user.actor, &form.name, &form.kind).await {
        Ok(_) => Ok(Redirect::to("/townships").into_response()),
        Err(e) => townships_page(&s, &user, lang, form.name, &form.kind, FormErrors::from_app_error(e)?).await,
    }
}

/// The words of the reference-data pages.
pub const I18N: &[(&str, &str, &str)] = &[
    ("reference.edit_township", "修改乡镇办", "Edit township"),
    ("reference.edit_department", "修改部门", "Edit department"),
    ("cadres.edit", "修改干部信息", "Edit cadre"),
    (
        "cadres.delete_question",
        "确定要删除该干部吗？正在派驻、有派驻历史或绑定账号的干部不能删除。",
        "Delete this cadre? A cadre who serves or has served enterprises, or has an account, cannot be deleted.",
    ),
    ("cadres.history", "派驻历史", "Assignment history"),
    ("cadres.no_history", "该干部还没有担任过首席服务员。", "This cadre has not served as a chief service officer yet."),
    ("cadres.assign", "派驻到企业", "Assign to an enterprise"),
];

/// A township or department edit form as posted (all text: a bad number is a message, not a 400).
#[derive(Debug, Default, Deserialize)]
pub struct RefEditForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Template)]
#[template(path = "reference_edit.html")]
struct RefEditPage {
    c: Chrome,
    title: &'static str,
    action: String,
    cancel: &'static str,
    with_kind: bool,
    kinds: Vec<Choice>,
    f: RefEditForm,
    errors: FormErrors,
}

/// A version that does not parse is one nobody read: the update is refused as stale.
fn form_version(text: &str) -> i64 {
    text.trim().parse().unwrap_or(-1)
}

async fn township_form(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: RefEditForm, errors: FormErrors) -> Result<Response, AppError> {
    let page = RefEditPage {
        c: chrome(s, user, lang, "/townships").await,
        title: lang.t("reference.edit_township"),
        action: format!("/townships/{id}"),
        cancel: "/townships",
        with_kind: true,
        kinds: township_kinds(lang, &f.kind),
        f,
        errors,
    };
    with_status(render(&page)?, &page.errors)
}

#[utoipa::path(get, path = "/townships/{id}/edit", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "the form to change a township", body = String, content_type = "text/html")))]
pub async fn edit_township(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let t = uc::get_township(&s.db, &user.actor, id).await?;
    let f = RefEditForm { name: t.name, kind: t.kind.0.code().to_string(), version: t.version.to_string() };
    township_form(&s, &user, lang, id, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/townships/{id}", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "saved"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_township(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<RefEditForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::update_township(&s.db, &user.actor, id, form_version(&f.version), &f.name, &f.kind).await {
        Ok(_) => Ok(Redirect::to("/townships").into_response()),
        Err(e) => township_form(&s, &user, lang, id, f, FormErrors::from_app_error(e)?).await,
    }
}

async fn department_form(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: RefEditForm, errors: FormErrors) -> Result<Response, AppError> {
    let page = RefEditPage {
        c: chrome(s, user, lang, "/departments").await,
        title: lang.t("reference.edit_department"),
        action: format!("/departments/{id}"),
        cancel: "/departments",
        with_kind: false,
        kinds: Vec::new(),
        f,
        errors,
    };
    with_status(render(&page)?, &page.errors)
}

#[utoipa::path(get, path = "/departments/{id}/edit", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "the form to change a department", body = String, content_type = "text/html")))]
pub async fn edit_department(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let d = uc::get_department(&s.db, &user.actor, id).await?;
    let f = RefEditForm { name: d.name, kind: String::new(), version: d.version.to_string() };
    department_form(&s, &user, lang, id, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/departments/{id}", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "saved"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_department(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<RefEditForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::update_department(&s.db, &user.actor, id, form_version(&f.version), &f.name).await {
        Ok(_) => Ok(Redirect::to("/departments").into_response()),
        Err(e) => department_form(&s, &user, lang, id, f, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/townships/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_township(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let t = uc::get_township(&s.db, &user.actor, id).await?;
    confirm(&s, &user, lang, t.name, lang.t("townships.delete_question"), &format!("/townships/{id}/delete"), "/townships").await
}

#[utoipa::path(post, path = "/townships/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "deleted"), (status = 409, description = "still in use", body = String, content_type = "text/html")))]
pub async fn delete_township(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::delete_township(&s.db, &form.user.actor, id).await?;
    Ok(Redirect::to("/townships").into_response())
}

#[utoipa::path(get, path = "/departments", tag = "pages", responses((status = 200, description = "departments", body = String, content_type = "text/html")))]
pub async fn list_departments(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    staff_only(&user)?;
    departments_page(&s, &user, lang, String::new(), FormErrors::default()).await
}

#[utoipa::path(post, path = "/departments", tag = "pages", responses((status = 303, description = "added"), (status = 422, description = "the form again", body = String, content_type = "text/html")))]
pub async fn create_department(State(s): State<AppState>, lang: Lang, form: CsrfForm<NameForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    match uc::create_department(&s.db, &user.actor, &form.name).await {
        Ok(_) => Ok(Redirect::to("/departments").into_response()),
        Err(e) => departments_page(&s, &user, lang, form.name, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/departments/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_department(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let d = uc::get_department(&s.db, &user.actor, id).await?;
    confirm(&s, &user, lang, d.name, lang.t("departments.delete_question"), &format!("/departments/{id}/delete"), "/departments").await
}

#[utoipa::path(post, path = "/departments/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "deleted"), (status = 409, description = "still in use", body = String, content_type = "text/html")))]
pub async fn delete_department(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::delete_department(&s.db, &form.user.actor, id).await?;
    Ok(Redirect::to("/departments").into_response())
}

async fn confirm(s: &AppState, user: &PageUser, lang: Lang, title: String, question: &'static str, action: &str, cancel: &str) -> Result<Response, AppError> {
    render(&ConfirmPage {
        c: chrome(s, user, lang, cancel).await,
        title,
        question,
        action: action.to_string(),
        cancel: cancel.to_string(),
        csrf: user.csrf.clone(),
    })
}

#[derive(Template)]
#[template(path = "cadres.html")]
struct CadresPage {
    c: Chrome,
    rows: Vec<Cadre>,
    pager: Pager,
    departments: Vec<Choice>,
    filter_departments: Vec<Choice>,
    is_admin: bool,
    f: CadreForm,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct CadreForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub rank: String,
    #[serde(default)]
    pub department_id: String,
    #[serde(default)]
    pub phone: String,
}

async fn cadres_page(s: &AppState, user: &PageUser, lang: Lang, q: &CadreQuery, f: CadreForm, errors: FormErrors) -> Result<Response, AppError> {
    let page_req = PageRequest { page: q.page, per_page: q.per_page };
    let page = uc::list_cadres(&s.db, &user.actor, q.department_id, &page_req).await?;
    let departments = uc::list_departments(&s.db, &user.actor).await?;
    let current = q.department_id.map(|d| d.to_string()).unwrap_or_default();
    let mut filter_departments = vec![Choice::new("", lang.t("common.all"), &current)];
    filter_departments.extend(departments.iter().map(|d| Choice::new(d.id, &d.name, &current)));
    let mut form_departments = vec![Choice::new("", "—", &f.department_id)];
    form_departments.extend(departments.iter().map(|d| Choice::new(d.id, &d.name, &f.department_id)));
    let pager = Pager::new(&page, "/cadres", &[("department_id", current.clone())]);
    let page = CadresPage {
        c: chrome(s, user, lang, "/cadres").await,
        rows: page.items,
        pager,
        departments: form_departments,
        filter_departments,
        is_admin: user.actor.role == Role::Admin,
        f,
        errors,
    };
    with_status(render(&page)?, &page.errors)
}

#[utoipa::path(get, path = "/cadres", tag = "pages", params(CadreQuery), responses((status = 200, description = "cadres", body = String, content_type = "text/html")))]
pub async fn list_cadres(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<CadreQuery>) -> Result<Response, AppError> {
    cadres_page(&s, &user, lang, &q, CadreForm::default(), FormErrors::default()).await
}

#[utoipa::path(post, path = "/cadres", tag = "pages", responses((status = 303, description = "added"), (status = 422, description = "the form again", body = String, content_type = "text/html")))]
pub async fn create_cadre(State(s): State<AppState>, lang: Lang, form: CsrfForm<CadreForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::create_cadre(&s.db, &user.actor, &f.input()).await {
        Ok(_) => Ok(Redirect::to("/cadres").into_response()),
        Err(e) => {
            let q = CadreQuery { department_id: None, page: None, per_page: None };
            cadres_page(&s, &user, lang, &q, f, FormErrors::from_app_error(e)?).await
        }
    }
}

impl CadreForm {
    fn input(&self) -> CadreInput {
        CadreInput { name: self.name.clone(), rank: self.rank.clone(), department_id: self.department_id.trim().parse().ok(), phone: self.phone.clone() }
    }
}

/// One assignment of a cadre's history, as the page shows it.
struct HistoryRow {
    id: i64,
    enterprise_id: i64,
    enterprise_name: String,
    started_on: String,
    ended_on: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "cadres_show.html")]
struct CadreShowPage {
    c: Chrome,
    cadre: Cadre,
    history: Vec<HistoryRow>,
    pager: Pager,
    is_admin: bool,
    may_assign: bool,
}

/// A YYYY-MM-DD date as users read it (2020年3月19日); anything else as it is.
fn day_text(day: &str) -> String {
    crate::app::clock::parse_date(day).map(super::chinese_date).unwrap_or_else(|_| day.to_string())
}

#[utoipa::path(get, path = "/cadres/{id}", tag = "pages", params(("id" = i64, Path), PageRequest),
    responses((status = 200, description = "one cadre and the enterprises it serves and has served", body = String, content_type = "text/html")))]
pub async fn show_cadre(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageRequest>,
) -> Result<Response, AppError> {
    let cadre = uc::get_cadre(&s.db, &user.actor, id).await?;
    let aq = AssignmentQuery { cadre_id: Some(id), enterprise_id: None, page: q.page, per_page: q.per_page };
    let page = officers::assignment_history(&s.db, &user.actor, &aq).await?;
    let pager = Pager::new(&page, &format!("/cadres/{id}"), &[]);
    let history = page
        .items
        .into_iter()
        .map(|a| HistoryRow {
            id: a.id,
            enterprise_id: a.enterprise_id,
            current: a.ended_on.is_none(),
            started_on: day_text(&a.started_on),
            ended_on: a.ended_on.as_deref().map(day_text).unwrap_or_default(),
            enterprise_name: a.enterprise_name,
        })
        .collect();
    let role = user.actor.role;
    render(&CadreShowPage {
        c: chrome(&s, &user, lang, "/cadres").await,
        cadre,
        history,
        pager,
        is_admin: role == Role::Admin,
        may_assign: matches!(role, Role::Admin | Role::Leader),
    })
}

#[derive(Template)]
#[template(path = "cadres_form.html")]
struct CadreFormPage {
    c: Chrome,
    id: i64,
    departments: Vec<Choice>,
    f: CadreForm,
    version: String,
    errors: FormErrors,
}

async fn cadre_form(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: CadreForm, version: String, errors: FormErrors) -> Result<Response, AppError> {
    let mut departments = vec![Choice::new("", "—", &f.department_id)];
    departments.extend(uc::list_departments(&s.db, &user.actor).await?.iter().map(|d| Choice::new(d.id, &d.name, &f.department_id)));
    let page = CadreFormPage { c: chrome(s, user, lang, "/cadres").await, id, departments, f, version, errors };
    with_status(render(&page)?, &page.errors)
}

#[utoipa::path(get, path = "/cadres/{id}/edit", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "the form to change a cadre", body = String, content_type = "text/html")))]
pub async fn edit_cadre(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let c = uc::get_cadre(&s.db, &user.actor, id).await?;
    let f = CadreForm { name: c.name, rank: c.rank, department_id: c.department_id.map(|d| d.to_string()).unwrap_or_default(), phone: c.phone };
    cadre_form(&s, &user, lang, id, f, c.version.to_string(), FormErrors::default()).await
}

/// The cadre form with the version that was read.
#[derive(Debug, Default, Deserialize)]
pub struct CadreEditForm {
    #[serde(flatten)]
    pub fields: CadreForm,
    #[serde(default)]
    pub version: String,
}

#[utoipa::path(post, path = "/cadres/{id}", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "saved; to the cadre's page"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_cadre(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<CadreEditForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::update_cadre(&s.db, &user.actor, id, form_version(&f.version), &f.fields.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cadres/{id}")).into_response()),
        Err(e) => cadre_form(&s, &user, lang, id, f.fields, f.version, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/cadres/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_cadre(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let c = uc::get_cadre(&s.db, &user.actor, id).await?;
    confirm(&s, &user, lang, c.name, lang.t("cadres.delete_question"), &format!("/cadres/{id}/delete"), &format!("/cadres/{id}")).await
}

#[utoipa::path(post, path = "/cadres/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "deleted; to the list"), (status = 409, description = "still serving, with a history or an account", body = String, content_type = "text/html")))]
pub async fn delete_cadre(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::delete_cadre(&s.db, &form.user.actor, id).await?;
    Ok(Redirect::to("/cadres").into_response())
}
