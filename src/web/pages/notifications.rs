//! The signed-in user's messages.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use super::enterprises::NoFields;
use super::{Pager, chrome, display_time, render};
use crate::app::notifications as uc;
use crate::error::AppError;
use crate::store::PageRequest;
use crate::web::AppState;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

struct Row {
    id: i64,
    order_id: Option<i64>,
    text: String,
    at: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    c: super::Chrome,
    rows: Vec<Row>,
    pager: Pager,
}

#[utoipa::path(get, path = "/notifications", tag = "pages", params(PageRequest), responses((status = 200, description = "messages", body = String, content_type = "text/html")))]
pub async fn notifications_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(page): ApiQuery<PageRequest>) -> Result<Response, AppError> {
    let list = uc::list_notifications(&s.db, &user.actor, false, &page).await?;
    let pager = Pager::new(&list, "/notifications", &[]);
    let rows = list
        .items
        .into_iter()
        .map(|n| Row { id: n.id, order_id: n.order_id, text: n.text, at: display_time(&n.created_at), unread: n.read_at.is_none() })
        .collect();
    render(&NotificationsPage { c: chrome(&s, &user, lang, "/notifications").await, rows, pager })
}

#[utoipa::path(post, path = "/notifications/{id}/read", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "marked read; to the order")))]
pub async fn read_notification(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::mark_read(&s.db, &form.user.actor, Some(id)).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[utoipa::path(post, path = "/notifications/read-all", tag = "pages", responses((status = 303, description = "all marked read")))]
pub async fn read_all(State(s): State<AppState>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::mark_read(&s.db, &form.user.actor, None).await?;
    Ok(Redirect::to("/notifications").into_response())
}
