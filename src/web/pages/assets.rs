//! The stylesheet, compiled into the binary so the server needs no files beside it.

use axum::http::header;
use axum::response::IntoResponse;

const STYLE_CSS: &str = include_str!("../../../static/style.css");
const APP_JS: &str = include_str!("../../../static/app.js");

#[utoipa::path(get, path = "/static/style.css", tag = "pages", responses((status = 200, description = "the stylesheet", body = String, content_type = "text/css")))]
pub async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLE_CSS)
}

#[utoipa::path(get, path = "/static/app.js", tag = "pages", responses((status = 200, description = "the small script that improves pages", body = String, content_type = "text/javascript")))]
pub async fn script() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], APP_JS)
}
