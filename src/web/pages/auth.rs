//! Log-in and log-out pages, and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Chrome;
use crate::app::auth;
use crate::error::AppError;
use crate::store::users::SessionKind;
use crate::web::AppState;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, SESSION_COOKIE, cookie};
use crate::web::i18n::Lang;

/// The cookie that carries the log-in form's CSRF token before there is a session.
const LOGIN_CSRF_COOKIE: &str = "zd_login";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    csrf: String,
    next: String,
    username: String,
    error: String,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Only a local path may be a redirect target (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_string(),
        _ => "/".to_string(),
    }
}

fn render_login(lang: Lang, next: String, username: String, error: String, status: StatusCode) -> Result<Response, AppError> {
    let csrf = auth::random_secret();
    let page = LoginPage { c: Chrome::new(lang, None, "/login"), csrf: csrf.clone(), next, username, error };
    let html = page.render().map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let mut response = (status, Html(html)).into_response();
    let cookie = format!("{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/login", tag = "pages", responses((status = 200, description = "the log-in page", body = String, content_type = "text/html")))]
pub async fn login_page(lang: Lang, ApiQuery(q): ApiQuery<NextQuery>) -> Result<Response, AppError> {
    render_login(lang, safe_next(q.next.as_deref()), String::new(), String::new(), StatusCode::OK)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

#[utoipa::path(post, path = "/login", tag = "pages", request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "signed in; to the page asked for"), (status = 401, description = "wrong credentials", body = String, content_type = "text/html"), (status = 429, description = "throttled", body = String, content_type = "text/html")))]
pub async fn log_in(State(s): State<AppState>, lang: Lang, parts: Parts, body: axum::body::Bytes) -> Result<Response, AppError> {
    let form: LoginForm = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("表单格式不正确".into()))?;
    let next = safe_next(Some(&form.next));
    let expected = cookie(&parts, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::secrets_match(expected, &form.csrf) {
        return render_login(lang, next, form.username, "页面已过期，请重新登录".into(), StatusCode::FORBIDDEN);
    }
    let session = match auth::log_in(&s.db, &s.throttle, &form.username, &form.password, SessionKind::Cookie).await {
        Ok(session) => session,
        Err(AppError::Unauthorized(_)) => return render_login(lang, next, form.username, lang.t("login.failed").into(), StatusCode::UNAUTHORIZED),
        Err(e @ AppError::TooManyRequests { .. }) => {
            let retry = match &e {
                AppError::TooManyRequests { retry_after_secs } => *retry_after_secs,
                _ => 60,
            };
            let mut page = render_login(lang, next, form.username, e.to_string(), StatusCode::TOO_MANY_REQUESTS)?;
            if let Ok(v) = HeaderValue::from_str(&retry.to_string()) {
                page.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(page);
        }
        Err(e) => return Err(e),
    };
    // a session id never survives a log-in: any old one is ended
    if let Some(old) = cookie(&parts, SESSION_COOKIE) {
        auth::log_out(&s.db, old).await?;
    }
    let mut response = Redirect::to(&next).into_response();
    let secure = if s.secure_cookies { "; Secure" } else { "" };
    let max_age = auth::COOKIE_SESSION_HOURS * 3600;
    let set = format!("{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", session.token);
    append_cookie(response.headers_mut(), &set);
    append_cookie(response.headers_mut(), &format!("{LOGIN_CSRF_COOKIE}=; Path=/login; Max-Age=0"));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

#[utoipa::path(post, path = "/logout", tag = "pages", responses((status = 303, description = "signed out; to the log-in page")))]
pub async fn log_out(State(s): State<AppState>, form: CsrfForm<Empty>) -> Result<Response, AppError> {
    auth::log_out(&s.db, &form.user.token).await?;
    let mut response = Redirect::to("/login").into_response();
    append_cookie(response.headers_mut(), &format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
    Ok(response)
}

#[utoipa::path(get, path = "/lang/{code}", tag = "pages", params(("code" = String, Path, description = "zh or en"), ("next" = Option<String>, Query)),
    responses((status = 303, description = "language set; back to the page")))]
pub async fn switch_language(ApiPath(code): ApiPath<String>, ApiQuery(q): ApiQuery<NextQuery>) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or_else(|| AppError::BadRequest("语言应为 zh 或 en".into()))?;
    let mut response = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    append_cookie(response.headers_mut(), &format!("zd_lang={}; Path=/; SameSite=Lax; Max-Age=31536000", lang.code()));
    Ok(response)
}

fn append_cookie(headers: &mut HeaderMap, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_log_in() {
        assert_eq!(safe_next(Some("/enterprises/3")), "/enterprises/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
