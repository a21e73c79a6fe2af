//! `AppError`: every way a use case can refuse or fail, mapped once to an HTTP
//! status and the JSON body `{"error":{"code","message"}}` (pages render the
//! same error as a Chinese page).

use crate::domain::FieldError;
use crate::store::StoreError;

/// The one error type of the use-case layer.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: a request that cannot be understood (malformed JSON, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid session or token, or wrong credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: authenticated, but this row or action is not theirs.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: the named thing does not exist.
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// 409: the action conflicts with the current state (duplicate, stale version, still referenced).
    #[error("{message}")]
    Conflict { code: &'static str, message: String, field: Option<&'static str> },
    /// 413: the body is larger than the server accepts.
    #[error("请求内容过大")]
    PayloadTooLarge,
    /// 415: the body is not in a format the endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed, but some fields are invalid; each is named.
    #[error("{}", .0.first().map(|e| e.message.as_str()).unwrap_or("输入有误"))]
    Validation(Vec<FieldError>),
    /// 429: too many failed log-ins; try again after the given seconds.
    #[error("登录失败次数过多，请{retry_after_secs}秒后再试")]
    TooManyRequests { retry_after_secs: u64 },
    /// 500: never shown in detail; logged once by the web layer.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// The status code this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict { .. } => 409,
            AppError::PayloadTooLarge => 413,
            AppError::UnsupportedMediaType(_) => 415,
            AppError::Validation(_) => 422,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal(_) => 500,
        }
    }

    /// The stable machine-readable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { code, .. } => code,
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Validation(_) => "validation_failed",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message a user reads; an internal error's cause is never shown.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => "服务器内部错误，请稍后再试".to_string(),
            other => other.to_string(),
        }
    }

    /// Turns a store error into what the user should hear, given what the
    /// unique and foreign-key constraints of this write mean.
    pub fn from_store(err: StoreError, unique: &[(&str, &'static str, &str)], still_used: &str) -> Self {
        match err {
            StoreError::Unique(message) => {
                for (needle, field, text) in unique {
                    if message.contains(needle) {
                        return AppError::Conflict { code: "duplicate", message: (*text).to_string(), field: Some(field) };
                    }
                }
                AppError::Conflict { code: "duplicate", message: "记录重复".to_string(), field: None }
            }
            StoreError::ForeignKey(_) => AppError::Conflict { code: "in_use", message: still_used.to_string(), field: None },
            StoreError::Stale => {
                AppError::Conflict { code: "stale_version", message: "该记录已被他人修改，请刷新后重试".to_string(), field: Some("version") }
            }
            StoreError::NotFound => AppError::NotFound("记录"),
            StoreError::Database(e) => AppError::from(e),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::Internal(format!("database: {err}"))
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Validation(errors)
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::Validation(vec![error])
    }
}
