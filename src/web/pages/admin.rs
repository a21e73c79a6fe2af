//! Administration pages: accounts and the audit log.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Choice, Chrome, FormErrors, Pager, chrome, display_time, render};
use crate::app::users::UserInput;
use crate::app::{audit as audit_uc, users as uc};
use crate::domain::Role;
use crate::error::AppError;
use crate::store::PageRequest;
use crate::web::AppState;
use crate::web::api::admin::AuditQuery;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    scope: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    rows: Vec<UserRow>,
    pager: Pager,
    roles: Vec<Choice>,
    f: UserForm,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub scope_id: String,
}

async fn users_page(s: &AppState, user: &PageUser, lang: Lang, page_req: PageRequest, f: UserForm, errors: FormErrors) -> Result<Response, AppError> {
    let page = uc::list_users(&s.db, &user.actor, &page_req).await?;
    let pager = Pager::new(&page, "/users", &[]);
    let rows = page
        .items
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            role: lang.role(u.role.0),
            scope: u.scope_name.unwrap_or_default(),
            disabled: u.disabled_at.is_some(),
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    let roles = Role::ALL.iter().map(|r| Choice::new(r.code(), lang.role(*r), &f.role)).collect();
    let page = UsersPage { c: chrome(s, user, lang, "/users").await, rows, pager, roles, f, errors };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/users", tag = "pages", params(PageRequest), responses((status = 200, description = "accounts", body = String, content_type = "text/html")))]
pub async fn list_users(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(page): ApiQuery<PageRequest>) -> Result<Response, AppError> {
    users_page(&s, &user, lang, page, UserForm::default(), FormErrors::default()).await
}

#[utoipa::path(post, path = "/users", tag = "pages", responses((status = 303, description = "created"), (status = 422, description = "the form again", body = String, content_type = "text/html")))]
pub async fn create_user(State(s): State<AppState>, lang: Lang, form: CsrfForm<UserForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = UserInput {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        password: f.password.clone(),
        role: f.role.clone(),
        scope_id: f.scope_id.trim().parse().ok(),
    };
    match uc::create_user(&s.db, &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(e) => {
            let f = UserForm { password: String::new(), ..f };
            users_page(&s, &user, lang, PageRequest { page: None, per_page: None }, f, FormErrors::from_app_error(e)?).await
        }
    }
}

#[utoipa::path(post, path = "/users/{id}/toggle", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "disabled or enabled")))]
pub async fn toggle_user(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<ToggleForm>) -> Result<Response, AppError> {
    uc::set_user_disabled(&s.db, &form.user.actor, id, form.form.disable == "true").await?;
    Ok(Redirect::to("/users").into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    pub disable: String,
}

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    entity: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<AuditRow>,
    pager: Pager,
    entity: String,
}

#[utoipa::path(get, path = "/audit", tag = "pages", params(AuditQuery), responses((status = 200, description = "the audit log", body = String, content_type = "text/html")))]
pub async fn list_audit_entries(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<AuditQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.split();
    let page = audit_uc::list_audit_entries(&s.db, &user.actor, &filter, &page_req).await?;
    let entity = filter.entity.clone().unwrap_or_default();
    let pager = Pager::new(&page, "/audit", &[("entity", entity.clone())]);
    let rows = page
        .items
        .into_iter()
        .map(|e| AuditRow {
            at: display_time(&e.at),
            actor: e.actor_name,
            action: e.action,
            entity: match e.entity_id {
                Some(id) => format!("{} #{id}", e.entity),
                None => e.entity,
            },
            before: e.before_json.unwrap_or_default(),
            after: e.after_json.unwrap_or_default(),
        })
        .collect();
    render(&AuditPage { c: chrome(&s, &user, lang, "/audit").await, rows, pager, entity })
}
