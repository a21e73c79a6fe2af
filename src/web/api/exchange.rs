//! Excel exchange over the API: a list as .xlsx with the list's own filters, a
//! registry's import template, and importing a registry from an .xlsx body.
//! Also the request body limit of the whole application, larger on the import
//! routes only.

use std::io::Cursor;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::Actor;
use crate::app::exchange::{self as uc, ExportFilter, ImportOptions, ImportReport, Kind, MAX_WEB_EXPORT_ROWS, MAX_WEB_IMPORT_ROWS, Outcome, Silent};
use crate::error::AppError;
use crate::report::xlsx;
use crate::web::AppState;
use crate::web::error::{ErrorBody, urlencode};
use crate::web::extract::{ApiPath, ApiQuery, ApiUser};

/// The largest .xlsx file an import accepts over HTTP (the command line has no limit).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// The Excel routes of the API.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_list))
        .routes(routes!(download_template))
        .routes(routes!(import_file))
        .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES))
}

/// The largest refused body still read (and dropped) before the 413 is sent.
const DRAINED_BYTES: u64 = 8 * 1024 * 1024;

/// The body limit: `limit` bytes (1 MiB for forms and JSON), `MAX_IMPORT_BYTES`
/// for an upload to an import route. A declared length over the limit is
/// answered 413 without reaching a handler; a body that turns out longer fails
/// when read.
pub async fn limit_request_bodies(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_import = request.method() == Method::POST && (path.starts_with("/imports/") || path.starts_with("/api/v1/imports/"));
    let limit = if is_import { MAX_IMPORT_BYTES } else { limit };
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > limit as u64) {
        // Read and drop a body of modest size before answering: a client that
        // writes its whole body before reading (reqwest, most scripts) would
        // otherwise meet a closed socket — a broken pipe — instead of the 413.
        if n <= DRAINED_BYTES {
            let mut body = request.into_body();
            while let Some(Ok(_)) = http_body_util::BodyExt::frame(&mut body).await {}
        }
        return AppError::PayloadTooLarge.into_response();
    }
    next.run(request.map(|body| Body::new(http_body_util::Limited::new(body, limit)))).await
}

/// A kind named in a path.
///
/// # Errors
/// `BadRequest` naming the kinds there are.
pub fn kind_of(code: &str) -> Result<Kind, AppError> {
    Kind::parse(code).ok_or_else(|| {
        let known: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        AppError::BadRequest(format!("未知的数据类型“{code}”，应为 {}", known.join("、")))
    })
}

/// A list's filters from a query string, read by the list's own query type;
/// empty values (a form's "全部") count as absent, `page` and `per_page` are ignored.
///
/// # Errors
/// `BadRequest` for a malformed query, `Validation` for a filter value the list does not know.
pub async fn export_filter(s: &AppState, kind: Kind, query: &str) -> Result<ExportFilter, AppError> {
    use crate::web::api::{employment, inspections, registry, tutoring, workorders};
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| AppError::BadRequest(format!("查询参数不正确：{e}")))?;
    let kept: Vec<(String, String)> = pairs.into_iter().filter(|(k, v)| !v.trim().is_empty() && k != "page" && k != "per_page").collect();
    let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
    fn parse<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, AppError> {
        serde_urlencoded::from_str(query).map_err(|e| AppError::BadRequest(format!("查询参数不正确：{e}")))
    }
    Ok(match kind {
        Kind::Enterprises => ExportFilter::Enterprises(parse::<registry::EnterpriseQuery>(&query)?.filter()?.0),
        Kind::Cadres => ExportFilter::Cadres { department_id: parse::<registry::CadreQuery>(&query)?.department_id },
        Kind::Households => ExportFilter::Households(parse::<employment::HouseholdQuery>(&query)?.filter().0),
        Kind::Volunteers => ExportFilter::Volunteers(parse::<tutoring::VolunteerQuery>(&query)?.filter().0),
        Kind::Children => ExportFilter::Children(parse::<tutoring::ChildQuery>(&query)?.filter().0),
        Kind::Sites => ExportFilter::Sites(parse::<inspections::SiteQuery>(&query)?.filter()?.0),
        Kind::JobPostings => ExportFilter::JobPostings(parse::<employment::PostingQuery>(&query)?.filter()?.0),
        Kind::WorkOrders => ExportFilter::WorkOrders(parse::<workorders::OrderQuery>(&query)?.filter(s).await?.0),
        Kind::StatusReports => {
            let q: uc::ReportQuery = parse(&query)?;
            q.filter()?;
            ExportFilter::StatusReports(q)
        }
    })
}

/// An .xlsx file as a download named `name` (a Chinese name, with an ASCII fallback).
pub fn xlsx_download(name: &str, fallback: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", urlencode(name));
    ([(header::CONTENT_TYPE, xlsx::CONTENT_TYPE.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// Exports a list for a web request: the list in the actor's scope with the
/// filters of `query`, up to `MAX_WEB_EXPORT_ROWS` rows.
///
/// # Errors
/// As `export_filter` and the list's use case.
pub async fn export_response(s: &AppState, actor: &Actor, code: &str, query: &str) -> Result<Response, AppError> {
    let kind = kind_of(code)?;
    let filter = export_filter(s, kind, query).await?;
    let file = uc::export(&s.work(), actor, filter, MAX_WEB_EXPORT_ROWS, &Silent).await?;
    let day = s.work().today_text();
    Ok(xlsx_download(&kind.file_name(&day), &format!("{}-{day}.xlsx", kind.code()), file.bytes))
}

/// Answers a registry's import template for a web request.
///
/// # Errors
/// `BadRequest` for an unknown kind, `Validation` for one that does not import, `Forbidden`.
pub async fn template_response(s: &AppState, actor: &Actor, code: &str) -> Result<Response, AppError> {
    let kind = kind_of(code)?;
    let bytes = uc::template(&s.db, actor, kind).await?;
    Ok(xlsx_download(&format!("{}导入模板.xlsx", kind.label()), &format!("{}-template.xlsx", kind.code()), bytes))
}

/// Imports an uploaded file for a web request (at most `MAX_WEB_IMPORT_ROWS` rows).
///
/// # Errors
/// As `uc::import`.
pub async fn import_bytes(s: &AppState, actor: &Actor, kind: Kind, bytes: Bytes, skip_invalid: bool, dry_run: bool) -> Result<ImportReport, AppError> {
    let options = ImportOptions { skip_invalid, dry_run, max_rows: MAX_WEB_IMPORT_ROWS };
    uc::import(&s.work(), actor, kind, Cursor::new(bytes), &options, Arc::new(Silent)).await
}

#[utoipa::path(get, path = "/api/v1/exports/{kind}", tag = "reports",
    params(("kind" = String, Path, description = "enterprises, cadres, households, volunteers, children, sites, job-postings, work-orders, status-reports",
            pattern = "^(enterprises|cadres|households|volunteers|children|sites|job-postings|work-orders|status-reports)$"),
        ("query" = Option<String>, Query, description = "the filters of the kind's list (as GET /api/v1/{kind} takes them); page and per_page are ignored")),
    security(("bearer" = [])),
    responses((status = 200, description = "the list as an .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, description = "an unknown filter value, or more rows than one download holds", body = ErrorBody)))]
pub async fn export_list(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(kind): ApiPath<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    export_response(&s, &actor, &kind, query.as_deref().unwrap_or("")).await
}

#[utoipa::path(get, path = "/api/v1/imports/{kind}/template", tag = "reports",
    params(("kind" = String, Path, description = "enterprises, cadres, households, volunteers, children, sites, job-postings", pattern = "^(enterprises|cadres|households|volunteers|children|sites|job-postings)$")),
    security(("bearer" = [])),
    responses((status = 200, description = "the import template: headers, an example row, and how to fill in each column", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn download_template(State(s): State<AppState>, ApiUser(actor): ApiUser, ApiPath(kind): ApiPath<String>) -> Result<Response, AppError> {
    template_response(&s, &actor, &kind).await
}

/// How an import goes.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// store the good rows and report the bad ones (default: a file with any problem stores nothing)
    pub skip_invalid: Option<bool>,
    /// check only, store nothing
    pub dry_run: Option<bool>,
}

/// A refused import: the error, and the report naming each problem's row and column.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefusal {
    pub error: RefusalDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefusalDetail {
    /// import_refused
    pub code: String,
    pub message: String,
    pub report: ImportReport,
}

/// The two 422 answers of an import: a refused file with its report, or no file at all.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ImportUnprocessable {
    Refused(ImportRefusal),
    NoFile(ErrorBody),
}

/// The body of an import: the .xlsx file's bytes.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct XlsxFile(pub Vec<u8>);

/// The answer to an import: 200 with the report, or 422 when nothing was stored.
pub fn report_response(report: ImportReport) -> Response {
    if report.outcome == Outcome::Refused {
        let n = report.problems.len() + report.more_problems;
        let message = format!("文件有{n}处问题，未导入任何数据");
        (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(ImportRefusal { error: RefusalDetail { code: "import_refused".into(), message, report } }))
            .into_response()
    } else {
        axum::Json(report).into_response()
    }
}

#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "reports",
    params(("kind" = String, Path, description = "enterprises, cadres, households, volunteers, children, sites, job-postings", pattern = "^(enterprises|cadres|households|volunteers|children|sites|job-postings)$"), ImportQuery),
    request_body(content = XlsxFile, description = "the .xlsx file (at most 20 MiB and 50,000 rows; larger files: zonedesk import)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 200, description = "imported (or checked, for a dry run)", body = ImportReport),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, description = "refused: nothing stored; the report names every problem's row and column (or no file was sent)", body = ImportUnprocessable)))]
pub async fn import_file(
    State(s): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiPath(kind): ApiPath<String>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    uc::check_may_import(&actor, kind)?;
    let bytes = body.map_err(|e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { AppError::PayloadTooLarge } else { AppError::BadRequest(e.body_text()) })?;
    if bytes.is_empty() {
        return Err(AppError::field("file", "请在请求内容中附上 .xlsx 文件"));
    }
    let report = import_bytes(&s, &actor, kind, bytes, q.skip_invalid.unwrap_or(false), q.dry_run.unwrap_or(false)).await?;
    Ok(report_response(report))
}
