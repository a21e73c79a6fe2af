//! Extractors that answer bad input in our own error format (not axum's plain
//! text), and the authenticated user of an API call or a page.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::AppState;
use crate::app::{Actor, auth};
use crate::error::AppError;
use crate::store::users::SessionKind;

/// `Json<T>` whose rejections are `AppError`s.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(e) => AppError::Validation(vec![crate::domain::FieldError::new(
            "body",
            format!("请求内容的字段不正确：{}", e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: ")),
        )]),
        JsonRejection::JsonSyntaxError(_) => AppError::BadRequest("请求内容不是合法的 JSON".into()),
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType("请求须为 Content-Type: application/json".into()),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        other => AppError::BadRequest(format!("无法读取请求内容（{}）", other.status())),
    }
}

/// `Query<T>` whose rejections are `AppError`s.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| AppError::BadRequest(format!("查询参数不正确：{}", e.body_text())))
    }
}

/// `Path<T>` whose rejections are `AppError`s (a non-numeric id is a 400).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| AppError::BadRequest(format!("路径参数不正确：{}", e.body_text())))
    }
}

/// The caller of an API endpoint, from `Authorization: Bearer …`.
pub struct ApiUser(pub Actor);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or(AppError::Unauthorized("缺少访问令牌（Authorization: Bearer …）"))?;
        let (actor, _) = auth::authenticate(&state.db, token, SessionKind::Bearer).await?;
        Ok(ApiUser(actor))
    }
}

pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// The signed-in user of a page, from the session cookie, with the session's CSRF token.
#[derive(Debug, Clone)]
pub struct PageUser {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
    /// the page's path and query, for the links that keep its filters (the export)
    pub here: String,
}

pub const SESSION_COOKIE: &str = "zd_session";

pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = cookie(parts, SESSION_COOKIE).ok_or(AppError::Unauthorized("请先登录"))?.to_string();
        let (actor, csrf) = auth::authenticate(&state.db, &token, SessionKind::Cookie).await?;
        let here = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| parts.uri.path().to_string());
        Ok(PageUser { actor, csrf, token, here })
    }
}

/// A form posted by a signed-in user, accepted only with the session's CSRF
/// token in its `_csrf` field.
pub struct CsrfForm<T> {
    pub user: PageUser,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = PageUser::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, super::MAX_BODY_BYTES).await.map_err(|_| AppError::PayloadTooLarge)?;
        let field: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest("表单格式不正确".into()))?;
        if !auth::secrets_match(&field.csrf, &user.csrf) {
            return Err(AppError::Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试"));
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError::BadRequest(format!("表单内容不正确：{e}")))?;
        Ok(CsrfForm { user, form })
    }
}
