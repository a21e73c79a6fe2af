//! The home page: each role lands where its work is.

use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::Role;
use crate::error::AppError;
use crate::web::extract::PageUser;

#[utoipa::path(get, path = "/", tag = "pages", responses((status = 303, description = "to the role's own page")))]
pub async fn home(user: PageUser) -> Result<Response, AppError> {
    let a = &user.actor;
    match a.role {
        Role::Enterprise => match a.enterprise_id {
            Some(id) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
            None => Err(AppError::Forbidden("账号未绑定企业")),
        },
        // each lands where its work is: the queue, the supervision-first list, its desk
        // the leader's home is the dashboard (a township's, its own township's)
        Role::Admin | Role::Leader | Role::Township => Ok(Redirect::to("/dashboard").into_response()),
        Role::Department => Ok(Redirect::to("/work-orders").into_response()),
        Role::Officer => Ok(Redirect::to("/officers/me").into_response()),
        // a volunteer to its own pairings, observation-point staff to their point
        Role::Volunteer => Ok(Redirect::to("/tutoring/mine").into_response()),
        Role::Isolation => Ok(Redirect::to("/isolation").into_response()),
    }
}
