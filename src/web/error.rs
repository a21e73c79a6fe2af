//! How an `AppError` is answered: JSON for the API; for pages, a middleware
//! (`render_page_errors`) turns the same error into a Chinese page or, for a
//! missing log-in, a redirect to the log-in page.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::i18n::Lang;
use super::pages::render_error_page;
use crate::app::auth;
use crate::error::AppError;
use crate::store::users::SessionKind;

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// stable code: bad_request, unauthorized, forbidden, not_found, duplicate,
    /// stale_version, in_use, payload_too_large, validation_failed, too_many_requests, internal
    pub code: String,
    /// what went wrong, in Chinese
    pub message: String,
    /// the input field at fault, when there is one
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// every bad field, for validation errors
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// Carried in a response's extensions so the page middleware can re-render it.
#[derive(Debug, Clone)]
pub struct PageErrorInfo {
    pub status: StatusCode,
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        let (field, fields) = match &self {
            AppError::Validation(errors) => (
                errors.first().map(|e| e.field.to_string()),
                errors.iter().map(|e| FieldMessage { field: e.field.to_string(), message: e.message.clone() }).collect(),
            ),
            AppError::Conflict { field, .. } => (field.map(str::to_string), Vec::new()),
            _ => (None, Vec::new()),
        };
        let message = self.public_message();
        let body = ErrorBody { error: ErrorDetail { code: self.code().to_string(), message: message.clone(), field, fields } };
        let mut response = (status, Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response.extensions_mut().insert(PageErrorInfo { status, message });
        response
    }
}

/// Page routes answer errors as pages: 401 becomes a redirect to the log-in
/// page (coming back afterwards), other errors a page in the user's language,
/// with the signed-in user's top bar so that they can navigate or log out.
pub async fn render_page_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let lang = Lang::of_headers(request.headers());
    let session = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("zd_session=").map(str::to_string));
    let path = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let is_get = request.method() == axum::http::Method::GET;
    let response = next.run(request).await;
    let Some(info) = response.extensions().get::<PageErrorInfo>().cloned() else {
        return response;
    };
    if info.status == StatusCode::UNAUTHORIZED {
        let next = if is_get { path } else { "/".to_string() };
        let target = format!("/login?next={}", urlencode(&next));
        return Redirect::to(&target).into_response();
    }
    let user = match session {
        Some(token) => auth::authenticate(&state.db, &token, SessionKind::Cookie).await.ok(),
        None => None,
    };
    let mut page = render_error_page(lang, user.as_ref().map(|(a, csrf)| (a, csrf.as_str())), info.status, &info.message);
    if let Some(retry) = response.headers().get(header::RETRY_AFTER) {
        page.headers_mut().insert(header::RETRY_AFTER, retry.clone());
    }
    page
}

/// The fallback for paths that match no route.
pub async fn not_found(request: Request) -> Response {
    let mut response = if request.uri().path().starts_with("/api/") || request.uri().path().starts_with("/open311/") {
        AppError::NotFound("接口").into_response()
    } else {
        render_error_page(Lang::of_headers(request.headers()), None, StatusCode::NOT_FOUND, "页面不存在")
    };
    // tells a missing route from a missing record (both are 404)
    response.headers_mut().insert(NO_ROUTE_HEADER, HeaderValue::from_static("1"));
    response
}

/// Marks answers of the fallback: no route matched.
pub const NO_ROUTE_HEADER: &str = "x-zonedesk-no-route";

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).map(|s| s[1..].to_string()).unwrap_or_default()
}

/// A panic in a handler: answered with a generic 500 (the cause goes to the log).
pub fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = cause.downcast_ref::<String>().map(String::as_str).or_else(|| cause.downcast_ref::<&str>().copied()).unwrap_or("unknown");
    AppError::Internal(format!("panic: {detail}")).into_response()
}
