//! The home page: each role lands where its work is.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, render};
use crate::domain::Role;
use crate::error::AppError;
use crate::web::extract::PageUser;
use crate::web::i18n::Lang;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    role_label: &'static str,
}

#[utoipa::path(get, path = "/", tag = "pages",
    responses((status = 200, description = "home of roles without a registry view", body = String, content_type = "text/html"), (status = 303, description = "to the role's own page")))]
pub async fn home(user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let a = &user.actor;
    match a.role {
        Role::Enterprise => match a.enterprise_id {
            Some(id) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
            None => Err(AppError::Forbidden("账号未绑定企业")),
        },
        // each lands where its work is: the queue, the supervision-first list, its desk
        Role::Admin | Role::Leader | Role::Township | Role::Department => Ok(Redirect::to("/work-orders").into_response()),
        Role::Officer => Ok(Redirect::to("/officers/me").into_response()),
        Role::Volunteer | Role::Isolation => render(&HomePage { c: Chrome::new(lang, Some((a, &user.csrf)), "/"), role_label: lang.role(a.role) }),
    }
}
