//! Reference-data pages: townships, departments, cadres.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::enterprises::{ConfirmPage, NoFields};
use super::{Choice, Chrome, FormErrors, Pager, chrome, render};
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

#[utoipa::path(get, path = "/townships/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_township(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin])?;
    let t = uc::list_townships(&s.db, &user.actor).await?.into_iter().find(|t| t.id == id).ok_or(AppError::NotFound("乡镇办"))?;
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
    let d = uc::list_departments(&s.db, &user.actor).await?.into_iter().find(|d| d.id == id).ok_or(AppError::NotFound("部门"))?;
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
    let input = CadreInput { name: f.name.clone(), rank: f.rank.clone(), department_id: f.department_id.trim().parse().ok(), phone: f.phone.clone() };
    match uc::create_cadre(&s.db, &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/cadres").into_response()),
        Err(e) => {
            let q = CadreQuery { department_id: None, page: None, per_page: None };
            cadres_page(&s, &user, lang, &q, f, FormErrors::from_app_error(e)?).await
        }
    }
}
