//! Operational endpoints: health and metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::web::AppState;

#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "the database answers", body = String), (status = 503, description = "the database does not answer", body = String)))]
pub async fn healthz(State(s): State<AppState>) -> impl IntoResponse {
    if s.db.is_healthy().await { (StatusCode::OK, "ok") } else { (StatusCode::SERVICE_UNAVAILABLE, "database unavailable") }
}

#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain")))]
pub async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render())
}
