//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under
//! `/open311/v2`: discovery, services (our work-order categories), service
//! requests (our work orders) to read and to file, in JSON and XML, so that
//! existing civic-issue clients and dashboards work with the zone's desk.
//!
//! The format is the file extension of the last path segment (`services.json`,
//! `requests/12.xml`). axum cannot capture `{id}.json` inside one segment, so
//! the `{file}` routes split the extension off themselves.
//!
//! Who sees what: without an `api_key`, only orders of categories marked public
//! (problems at public sites); with one (a bearer token from
//! `POST /api/v1/auth/token`), what that user may see in the JSON API. Neither
//! shows enterprise names or ids, nor who filed an order; the personal fields a
//! client may post (email, name, phone, device) are not kept.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime, Time};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::app::clock::{LOCAL, WorkContext, date_text, parse_date};
use crate::app::workorder::{self as uc, OrderInput};
use crate::app::{Actor, auth};
use crate::domain::Role;
use crate::domain::workorder::OrderState;
use crate::error::AppError;
use crate::store::users::SessionKind;
use crate::store::workorder::{self as repo, Category, OrderFilter, WorkOrder};
use crate::store::{Db, PageRequest};

/// The most requests one `GET requests` answers (the spec's limit).
const MAX_REQUESTS: usize = 1000;
/// The window a `GET requests` without dates looks back, and the widest one it accepts.
const WINDOW_DAYS: i64 = 90;
/// When this API's surface last changed (discovery's `changeset`).
const CHANGESET: &str = "2026-11-30T00:00:00Z";
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
const FORMATS: [&str; 2] = ["application/json", "text/xml"];
/// How many characters of a description become the order's title.
const TITLE_CHARS: usize = 30;

/// Every Open311 route, for `router::build` to merge into the API router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(show_discovery_json))
        .routes(routes!(show_discovery_xml))
        .routes(routes!(list_services_json))
        .routes(routes!(list_services_xml))
        .routes(routes!(show_service_definition))
        .routes(routes!(list_service_requests_json, file_service_request_json))
        .routes(routes!(list_service_requests_xml, file_service_request_xml))
        .routes(routes!(show_service_request))
}

// ---- the documents -----------------------------------------------------------

/// The service discovery document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    /// how to get an api_key
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

/// One API endpoint of the discovery document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Endpoint {
    /// http://wiki.open311.org/GeoReport_v2
    pub specification: String,
    pub url: String,
    pub changeset: String,
    /// production
    #[serde(rename = "type")]
    pub kind: String,
    pub formats: Vec<String>,
}

/// A service: one work-order category.
#[derive(Debug, Serialize, ToSchema)]
pub struct Service {
    /// the category code, e.g. sanitation
    pub service_code: String,
    /// the category's Chinese name, e.g. 环境卫生
    pub service_name: String,
    pub description: String,
    /// always false: no service has extra attributes
    pub metadata: bool,
    /// realtime: a posted request gets its id at once
    #[serde(rename = "type")]
    pub kind: String,
    /// comma-separated
    pub keywords: String,
    pub group: String,
}

/// A service definition: the extra attributes a service asks for (none here).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<serde_json::Value>,
}

/// A service request: one work order, without enterprise or personal details.
/// What is unknown (no department yet, no coordinates) is left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRequest {
    pub service_request_id: String,
    /// open or closed (closed: rated, or merged into another order)
    pub status: String,
    /// the latest note of the order's timeline
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    /// the department handling it
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_responsible: Option<String>,
    /// where the order stands in our terms (待受理, 已交办, 办理中, 已办结, 已评价)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_notice: Option<String>,
    /// W3C datetime, +08:00
    pub requested_datetime: String,
    pub updated_datetime: String,
    /// the end of the day the order is to be resolved by
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_datetime: Option<String>,
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long: Option<f64>,
}

/// The answer to a posted request.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledRequest {
    pub service_request_id: String,
    pub service_notice: String,
    /// always null: accounts are not tied to requests
    pub account_id: Option<String>,
}

/// One error of the spec's error array.
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311Error {
    /// the HTTP status
    pub code: u16,
    pub description: String,
}

/// A new service request, as a form (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewServiceRequest {
    /// a bearer token of a user of this platform (required)
    pub api_key: Option<String>,
    /// a service_code from services.json (required)
    pub service_code: Option<String>,
    /// WGS84 latitude; lat and long, or address_string, are required
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    /// not used here: give address_string or lat and long
    pub address_id: Option<String>,
    /// the problem; its first 30 characters become the order's title
    pub description: Option<String>,
}

/// Filters of `GET requests`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// comma-separated ids; overrides every other filter
    pub service_request_id: Option<String>,
    /// comma-separated service codes
    pub service_code: Option<String>,
    /// earliest requested_datetime (W3C datetime); without dates, the last 90 days
    pub start_date: Option<String>,
    /// latest requested_datetime; at most 90 days after start_date
    pub end_date: Option<String>,
    /// open, closed, or both comma-separated
    pub status: Option<String>,
    /// a bearer token: shows what that user may see instead of the public categories
    pub api_key: Option<String>,
}

/// The api_key of a single-request read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    /// a bearer token: shows what that user may see instead of the public categories
    pub api_key: Option<String>,
}

// ---- formats and errors ------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

impl Format {
    /// `12.json` → ("12", Json); None for a missing or unknown extension.
    fn split(file: &str) -> Option<(&str, Format)> {
        match file.rsplit_once('.')? {
            (stem, "json") => Some((stem, Format::Json)),
            (stem, "xml") => Some((stem, Format::Xml)),
            _ => None,
        }
    }
}

/// A refusal in the spec's terms: the HTTP status and what to tell the client.
#[derive(Debug)]
struct Failure {
    status: StatusCode,
    description: String,
}

impl Failure {
    fn bad_request(description: impl Into<String>) -> Self {
        Failure { status: StatusCode::BAD_REQUEST, description: description.into() }
    }

    fn not_found(description: impl Into<String>) -> Self {
        Failure { status: StatusCode::NOT_FOUND, description: description.into() }
    }

    fn unknown_format() -> Self {
        Failure::not_found("未知的资源或格式：请以 .json 或 .xml 结尾")
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let status = match &e {
            // the spec answers a bad api_key with 403, and bad input with 400
            AppError::Unauthorized(_) => StatusCode::FORBIDDEN,
            AppError::Validation(_) | AppError::UnsupportedMediaType(_) => StatusCode::BAD_REQUEST,
            other => StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        let description = match &e {
            AppError::Unauthorized(_) => "api_key 无效或已过期".to_string(),
            AppError::Validation(errors) => errors.iter().map(|f| format!("{}：{}", open311_field(f.field), f.message)).collect::<Vec<_>>().join("；"),
            AppError::Internal(cause) => {
                tracing::error!(error = %cause, "open311 request failed");
                e.public_message()
            }
            _ => e.public_message(),
        };
        Failure { status, description }
    }
}

/// The Open311 parameter behind one of the use case's fields.
fn open311_field(field: &str) -> &str {
    match field {
        "category" => "service_code",
        "latitude" => "lat",
        "longitude" => "long",
        "address" => "address_string",
        "title" => "description",
        other => other,
    }
}

/// What an Open311 answer carries.
enum Document {
    Discovery(Discovery),
    Services(Vec<Service>),
    Definition(ServiceDefinition),
    Requests(Vec<ServiceRequest>),
    Filed(Vec<FiledRequest>),
    Errors(Vec<Open311Error>),
}

// The XML shapes differ from the JSON ones where the spec wraps lists in an
// element per item (<services><service>…), so they get types of their own.

#[derive(Serialize)]
struct XmlServices<'a> {
    service: &'a [Service],
}

#[derive(Serialize)]
struct XmlRequests<'a, T> {
    request: &'a [T],
}

#[derive(Serialize)]
struct XmlErrors<'a> {
    error: &'a [Open311Error],
}

#[derive(Serialize)]
struct XmlDefinition<'a> {
    service_code: &'a str,
    /// serialised as an empty `<attributes/>`
    attributes: (),
}

#[derive(Serialize)]
struct XmlDiscovery<'a> {
    changeset: &'a str,
    contact: &'a str,
    key_service: &'a str,
    endpoints: XmlEndpoints<'a>,
}

#[derive(Serialize)]
struct XmlEndpoints<'a> {
    endpoint: Vec<XmlEndpoint<'a>>,
}

#[derive(Serialize)]
struct XmlEndpoint<'a> {
    specification: &'a str,
    url: &'a str,
    changeset: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    formats: XmlFormats<'a>,
}

#[derive(Serialize)]
struct XmlFormats<'a> {
    format: &'a [String],
}

impl Document {
    fn json(&self) -> Result<Vec<u8>, serde_json::Error> {
        match self {
            Document::Discovery(d) => serde_json::to_vec(d),
            Document::Services(s) => serde_json::to_vec(s),
            Document::Definition(d) => serde_json::to_vec(d),
            Document::Requests(r) => serde_json::to_vec(r),
            Document::Filed(f) => serde_json::to_vec(f),
            Document::Errors(e) => serde_json::to_vec(e),
        }
    }

    fn xml(&self) -> Result<String, quick_xml::SeError> {
        use quick_xml::se::to_string_with_root as xml;
        let body = match self {
            Document::Discovery(d) => xml(
                "discovery",
                &XmlDiscovery {
                    changeset: &d.changeset,
                    contact: &d.contact,
                    key_service: &d.key_service,
                    endpoints: XmlEndpoints {
                        endpoint: d
                            .endpoints
                            .iter()
                            .map(|e| XmlEndpoint {
                                specification: &e.specification,
                                url: &e.url,
                                changeset: &e.changeset,
                                kind: &e.kind,
                                formats: XmlFormats { format: &e.formats },
                            })
                            .collect(),
                    },
                },
            )?,
            Document::Services(s) => xml("services", &XmlServices { service: s })?,
            Document::Definition(d) => xml("service_definition", &XmlDefinition { service_code: &d.service_code, attributes: () })?,
            Document::Requests(r) => xml("service_requests", &XmlRequests { request: r })?,
            Document::Filed(f) => xml("service_requests", &XmlRequests { request: f })?,
            Document::Errors(e) => xml("errors", &XmlErrors { error: e })?,
        };
        Ok(format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{body}"))
    }

    fn render(&self, format: Format, status: StatusCode) -> Response {
        let body = match format {
            Format::Json => self.json().map_err(|e| e.to_string()),
            Format::Xml => self.xml().map(String::into_bytes).map_err(|e| e.to_string()),
        };
        match body {
            Ok(bytes) => {
                let content_type = match format {
                    Format::Json => "application/json; charset=utf-8",
                    Format::Xml => "text/xml; charset=utf-8",
                };
                (status, [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], bytes).into_response()
            }
            Err(cause) => {
                tracing::error!(error = %cause, "open311 answer could not be serialised");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    }
}

/// The answer to a call: the document, or the error array with its status.
fn answer(format: Format, status: StatusCode, result: Result<Document, Failure>) -> Response {
    match result {
        Ok(doc) => doc.render(format, status),
        Err(f) => Document::Errors(vec![Open311Error { code: f.status.as_u16(), description: f.description }]).render(format, f.status),
    }
}

// ---- handlers ----------------------------------------------------------------

#[utoipa::path(get, path = "/open311/v2/discovery.json", tag = "open311",
    responses((status = 200, description = "the service discovery document", body = Discovery)))]
pub async fn show_discovery_json(headers: HeaderMap) -> Response {
    answer(Format::Json, StatusCode::OK, Ok(discovery(&headers)))
}

#[utoipa::path(get, path = "/open311/v2/discovery.xml", tag = "open311",
    responses((status = 200, description = "the service discovery document, <discovery>", body = String, content_type = "text/xml")))]
pub async fn show_discovery_xml(headers: HeaderMap) -> Response {
    answer(Format::Xml, StatusCode::OK, Ok(discovery(&headers)))
}

#[utoipa::path(get, path = "/open311/v2/services.json", tag = "open311",
    responses((status = 200, description = "every work-order category as a service", body = Vec<Service>)))]
pub async fn list_services_json(State(s): State<AppState>) -> Response {
    answer(Format::Json, StatusCode::OK, services(&s).await)
}

#[utoipa::path(get, path = "/open311/v2/services.xml", tag = "open311",
    responses((status = 200, description = "every work-order category as a service, <services><service>…", body = String, content_type = "text/xml")))]
pub async fn list_services_xml(State(s): State<AppState>) -> Response {
    answer(Format::Xml, StatusCode::OK, services(&s).await)
}

#[utoipa::path(get, path = "/open311/v2/services/{file}", tag = "open311",
    params(("file" = String, Path, description = "a service_code and the format, e.g. sanitation.json or sanitation.xml")),
    responses(
        (status = 200, description = "the service definition (no attributes)", content((ServiceDefinition = "application/json"), (String = "text/xml"))),
        (status = 404, description = "unknown service_code or format", content((Vec<Open311Error> = "application/json"), (String = "text/xml")))))]
pub async fn show_service_definition(State(s): State<AppState>, file: Result<Path<String>, PathRejection>) -> Response {
    let Some((code, format)) = file.ok().and_then(|Path(f)| Format::split(&f).map(|(c, fmt)| (c.to_string(), fmt))) else {
        return answer(Format::Xml, StatusCode::NOT_FOUND, Err(Failure::unknown_format()));
    };
    answer(format, StatusCode::OK, service_definition(&s, &code).await)
}

#[utoipa::path(get, path = "/open311/v2/requests.json", tag = "open311", params(RequestsQuery),
    responses(
        (status = 200, description = "service requests, newest first, at most 1000", body = Vec<ServiceRequest>),
        (status = 400, description = "a filter that is not understood", body = Vec<Open311Error>),
        (status = 403, description = "an invalid api_key", body = Vec<Open311Error>)))]
pub async fn list_service_requests_json(State(s): State<AppState>, RawQuery(query): RawQuery) -> Response {
    answer(Format::Json, StatusCode::OK, service_requests(&s, query.as_deref()).await)
}

#[utoipa::path(get, path = "/open311/v2/requests.xml", tag = "open311", params(RequestsQuery),
    responses(
        (status = 200, description = "service requests, <service_requests><request>…", body = String, content_type = "text/xml"),
        (status = 400, description = "<errors><error>…", body = String, content_type = "text/xml"),
        (status = 403, description = "<errors><error>…", body = String, content_type = "text/xml")))]
pub async fn list_service_requests_xml(State(s): State<AppState>, RawQuery(query): RawQuery) -> Response {
    answer(Format::Xml, StatusCode::OK, service_requests(&s, query.as_deref()).await)
}

#[utoipa::path(get, path = "/open311/v2/requests/{file}", tag = "open311", params(("file" = String, Path, description = "a service_request_id and the format, e.g. 12.json or 12.xml"), KeyQuery),
    responses(
        (status = 200, description = "the request, in a list of one", content((Vec<ServiceRequest> = "application/json"), (String = "text/xml"))),
        (status = 403, description = "an invalid api_key", content((Vec<Open311Error> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "no such request, not visible, or an unknown format", content((Vec<Open311Error> = "application/json"), (String = "text/xml")))))]
pub async fn show_service_request(State(s): State<AppState>, file: Result<Path<String>, PathRejection>, RawQuery(query): RawQuery) -> Response {
    let Some((id, format)) = file.ok().and_then(|Path(f)| Format::split(&f).map(|(id, fmt)| (id.to_string(), fmt))) else {
        return answer(Format::Xml, StatusCode::NOT_FOUND, Err(Failure::unknown_format()));
    };
    answer(format, StatusCode::OK, service_request(&s, &id, query.as_deref()).await)
}

#[utoipa::path(post, path = "/open311/v2/requests.json", tag = "open311",
    request_body(content = NewServiceRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "filed: [{service_request_id, service_notice, account_id}]", body = Vec<FiledRequest>),
        (status = 400, description = "missing or bad input", body = Vec<Open311Error>),
        (status = 403, description = "an invalid api_key, or not allowed to file this", body = Vec<Open311Error>)))]
pub async fn file_service_request_json(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    answer(Format::Json, StatusCode::CREATED, file_request(&s, &headers, body).await)
}

#[utoipa::path(post, path = "/open311/v2/requests.xml", tag = "open311",
    request_body(content = NewServiceRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "filed: <service_requests><request>…", body = String, content_type = "text/xml"),
        (status = 400, description = "<errors><error>…", body = String, content_type = "text/xml"),
        (status = 403, description = "<errors><error>…", body = String, content_type = "text/xml")))]
pub async fn file_service_request_xml(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    answer(Format::Xml, StatusCode::CREATED, file_request(&s, &headers, body).await)
}

// ---- discovery and services --------------------------------------------------

fn discovery(headers: &HeaderMap) -> Document {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let https = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let base = format!("{}://{host}", if https { "https" } else { "http" });
    Document::Discovery(Discovery {
        changeset: CHANGESET.to_string(),
        contact: "开发区复工复产服务平台（企业服务中心）".to_string(),
        key_service: format!("api_key 即平台账号的访问令牌：以用户名和密码 POST {base}/api/v1/auth/token 获取"),
        endpoints: vec![Endpoint {
            specification: SPECIFICATION.to_string(),
            url: format!("{base}/open311/v2"),
            changeset: CHANGESET.to_string(),
            kind: "production".to_string(),
            formats: FORMATS.iter().map(|f| (*f).to_string()).collect(),
        }],
    })
}

fn service_of(c: &Category) -> Service {
    Service {
        service_code: c.code.clone(),
        service_name: c.name.clone(),
        description: format!("{}类问题：{}个工作日内签收，{}个工作日内办结", c.name, c.sign_days, c.resolve_days),
        metadata: false,
        kind: "realtime".to_string(),
        keywords: format!("{},{}", c.code, c.name),
        group: if c.public == 1 { "公共区域" } else { "企业服务" }.to_string(),
    }
}

async fn services(s: &AppState) -> Result<Document, Failure> {
    Ok(Document::Services(uc::list_categories(&s.db).await?.iter().map(service_of).collect()))
}

async fn service_definition(s: &AppState, code: &str) -> Result<Document, Failure> {
    let categories = uc::list_categories(&s.db).await?;
    let c = categories.iter().find(|c| c.code == code).ok_or_else(|| Failure::not_found(format!("service_code“{code}”不存在")))?;
    Ok(Document::Definition(ServiceDefinition { service_code: c.code.clone(), attributes: Vec::new() }))
}

// ---- reading requests --------------------------------------------------------

/// Who reads: anyone (public categories only), or a user by api_key.
enum Reader {
    Public,
    User(Actor),
}

/// # Errors
/// 403 for an api_key that is no valid bearer token.
async fn reader(s: &AppState, api_key: Option<&str>) -> Result<Reader, Failure> {
    match api_key.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(Reader::Public),
        Some(key) => Ok(Reader::User(auth::authenticate(&s.db, key, SessionKind::Bearer).await?.0)),
    }
}

fn parse_query<T: serde::de::DeserializeOwned + Default>(query: Option<&str>) -> Result<T, Failure> {
    match query.filter(|q| !q.is_empty()) {
        Some(q) => serde_urlencoded::from_str(q).map_err(|e| Failure::bad_request(format!("查询参数不正确：{e}"))),
        None => Ok(T::default()),
    }
}

/// The items of a comma-separated parameter.
fn items(value: Option<&str>) -> Vec<&str> {
    value.map(|v| v.split(',').map(str::trim).filter(|x| !x.is_empty()).collect()).unwrap_or_default()
}

fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|id| *id > 0)
}

async fn service_request(s: &AppState, id: &str, query: Option<&str>) -> Result<Document, Failure> {
    let q: KeyQuery = parse_query(query)?;
    let reader = reader(s, q.api_key.as_deref()).await?;
    let missing = || Failure::not_found(format!("service_request_id“{id}”不存在"));
    let id = parse_id(id).ok_or_else(missing)?;
    let request = match &reader {
        Reader::User(actor) => match uc::get_order(&s.db, actor, id).await {
            Ok(detail) => {
                let note = detail.timeline.iter().rev().find(|e| !e.note.is_empty()).map(|e| e.note.clone());
                request_of(&detail.order, note)
            }
            // an order the user may not see is, to them, not there
            Err(AppError::NotFound(_) | AppError::Forbidden(_)) => return Err(missing()),
            Err(e) => return Err(e.into()),
        },
        Reader::Public => {
            let public = public_categories(&s.db).await?;
            let mut conn = s.db.pool().acquire().await.map_err(AppError::from)?;
            let order = repo::find_order(&mut conn, id).await.map_err(AppError::from)?.filter(|o| public.contains(&o.category_id)).ok_or_else(missing)?;
            let note = repo::latest_note(&mut conn, id).await.map_err(AppError::from)?;
            request_of(&order, note)
        }
    };
    Ok(Document::Requests(vec![request]))
}

async fn service_requests(s: &AppState, query: Option<&str>) -> Result<Document, Failure> {
    let q: RequestsQuery = parse_query(query)?;
    let reader = reader(s, q.api_key.as_deref()).await?;
    let cx = s.work();
    let orders = if q.service_request_id.as_deref().is_some_and(|v| !v.trim().is_empty()) {
        orders_by_id(&cx, &reader, &q).await?
    } else {
        orders_by_filter(&cx, &reader, &q).await?
    };
    let mut conn = s.db.pool().acquire().await.map_err(AppError::from)?;
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let mut notes = repo::latest_notes(&mut conn, &ids).await.map_err(AppError::from)?;
    Ok(Document::Requests(orders.iter().map(|o| request_of(o, notes.remove(&o.id))).collect()))
}

/// `service_request_id=1,2,3`: those of them the reader may see (the spec lets
/// this override every other filter).
async fn orders_by_id(cx: &WorkContext, reader: &Reader, q: &RequestsQuery) -> Result<Vec<WorkOrder>, Failure> {
    let mut ids = Vec::new();
    for text in items(q.service_request_id.as_deref()) {
        ids.push(parse_id(text).ok_or_else(|| Failure::bad_request(format!("service_request_id“{text}”不是有效的编号")))?);
    }
    ids.sort_unstable_by_key(|id| std::cmp::Reverse(*id));
    ids.dedup();
    ids.truncate(MAX_REQUESTS);
    let public = match reader {
        Reader::Public => public_categories(&cx.db).await?,
        Reader::User(_) => Vec::new(),
    };
    let mut conn = cx.db.pool().acquire().await.map_err(AppError::from)?;
    let mut found = Vec::new();
    for id in ids {
        let Some(order) = repo::find_order(&mut conn, id).await.map_err(AppError::from)? else { continue };
        let visible = match reader {
            Reader::Public => public.contains(&order.category_id),
            Reader::User(actor) => uc::may_read(&mut conn, actor, &order).await?,
        };
        if visible {
            found.push(order);
        }
    }
    Ok(found)
}

/// The ids of the categories anyone may read.
async fn public_categories(db: &Db) -> Result<Vec<i64>, Failure> {
    Ok(uc::list_categories(db).await?.into_iter().filter(|c| c.public == 1).map(|c| c.id).collect())
}

/// The time span a list covers: [start, end], end open when None.
struct Window {
    start: OffsetDateTime,
    end: Option<OffsetDateTime>,
}

impl Window {
    /// The spec's rules: no dates, the last 90 days; an end alone, the 90 days
    /// before it; both, at most 90 days apart.
    fn of(q: &RequestsQuery, now: OffsetDateTime) -> Result<Window, Failure> {
        let start = q.start_date.as_deref().filter(|v| !v.trim().is_empty()).map(|v| parse_datetime("start_date", v, false)).transpose()?;
        let end = q.end_date.as_deref().filter(|v| !v.trim().is_empty()).map(|v| parse_datetime("end_date", v, true)).transpose()?;
        let span = Duration::days(WINDOW_DAYS);
        match (start, end) {
            (None, None) => Ok(Window { start: now - span, end: None }),
            (Some(start), None) => Ok(Window { start, end: None }),
            (None, Some(end)) => Ok(Window { start: end - span, end: Some(end) }),
            (Some(start), Some(end)) if end < start => Err(Failure::bad_request("end_date 不能早于 start_date")),
            (Some(start), Some(end)) if end - start > span => Err(Failure::bad_request("start_date 与 end_date 相隔不能超过90天")),
            (Some(start), Some(end)) => Ok(Window { start, end: Some(end) }),
        }
    }

    fn contains(&self, created_at: &str) -> bool {
        match OffsetDateTime::parse(created_at, &Rfc3339) {
            Ok(at) => at >= self.start && self.end.is_none_or(|end| at <= end),
            Err(_) => true,
        }
    }

    /// Dates for the store's day filter, a day wider on each side so that
    /// whether it reads them as UTC or local days, nothing in the window is lost.
    fn days(&self) -> (String, Option<String>) {
        let utc = |t: OffsetDateTime| t.to_offset(time::UtcOffset::UTC).date();
        let from = utc(self.start).previous_day().unwrap_or(Date::MIN);
        (date_text(from), self.end.map(|e| date_text(utc(e).next_day().unwrap_or(Date::MAX))))
    }
}

/// A W3C datetime with its offset (a `+` that was not percent-encoded arrives
/// as a space and is put back); a bare date is a local day, its start or end.
fn parse_datetime(name: &str, text: &str, end_of_day: bool) -> Result<OffsetDateTime, Failure> {
    let text = text.trim();
    let restored;
    let text = if text.len() > 6 && text.as_bytes()[text.len() - 6] == b' ' {
        restored = format!("{}+{}", &text[..text.len() - 6], &text[text.len() - 5..]);
        restored.as_str()
    } else {
        text
    };
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return within_calendar(name, at);
    }
    match parse_date(text) {
        Ok(day) => {
            let time = if end_of_day { Time::MAX } else { Time::MIDNIGHT };
            within_calendar(name, day.with_time(time).assume_offset(LOCAL))
        }
        Err(_) => Err(Failure::bad_request(format!("{name} 应为 W3C 日期时间，如 2020-03-19T08:00:00+08:00"))),
    }
}

/// Refuses an instant so near the ends of the calendar (years 0000 and 9999,
/// with an offset beyond them) that the window around it, in UTC or 90 days
/// away, could not be represented: `end_date=9999-12-31T23:59:59-23:59` used
/// to panic (found by `fuzz/`, target open311).
fn within_calendar(name: &str, at: OffsetDateTime) -> Result<OffsetDateTime, Failure> {
    if (1..=9998).contains(&at.year()) { Ok(at) } else { Err(Failure::bad_request(format!("{name} 超出支持的日期范围"))) }
}

async fn orders_by_filter(cx: &WorkContext, reader: &Reader, q: &RequestsQuery) -> Result<Vec<WorkOrder>, Failure> {
    let window = Window::of(q, cx.now)?;
    let (mut open, mut closed) = (false, false);
    for status in items(q.status.as_deref()) {
        match status {
            "open" => open = true,
            "closed" => closed = true,
            other => return Err(Failure::bad_request(format!("status“{other}”无效：应为 open 或 closed"))),
        }
    }
    let categories = uc::list_categories(&cx.db).await?;
    let mut wanted = Vec::new();
    for code in items(q.service_code.as_deref()) {
        let c = categories.iter().find(|c| c.code == code).ok_or_else(|| Failure::bad_request(format!("service_code“{code}”不存在")))?;
        wanted.push(c);
    }
    // None: every category in one query
    let selected: Option<Vec<i64>> = match reader {
        Reader::Public if wanted.is_empty() => Some(categories.iter().filter(|c| c.public == 1).map(|c| c.id).collect()),
        Reader::Public => Some(wanted.iter().filter(|c| c.public == 1).map(|c| c.id).collect()),
        Reader::User(_) if wanted.is_empty() => None,
        Reader::User(_) => Some(wanted.iter().map(|c| c.id).collect()),
    };
    let (from, to) = window.days();
    let base = OrderFilter {
        state: (closed && !open).then(|| OrderState::Closed.code().to_string()),
        open: open && !closed,
        from: Some(from),
        to,
        ..OrderFilter::default()
    };
    let mut orders = Vec::new();
    for category_id in selected.map_or(vec![None], |ids| ids.into_iter().map(Some).collect()) {
        let filter = OrderFilter { category_id, ..base.clone() };
        orders.extend(newest_in_window(cx, reader, filter, &window).await?);
    }
    orders.sort_unstable_by_key(|o| std::cmp::Reverse(o.id));
    orders.dedup_by_key(|o| o.id);
    orders.truncate(MAX_REQUESTS);
    Ok(orders)
}

/// Up to `MAX_REQUESTS` orders of one filter inside the window, newest first,
/// page by page.
async fn newest_in_window(cx: &WorkContext, reader: &Reader, filter: OrderFilter, window: &Window) -> Result<Vec<WorkOrder>, Failure> {
    let mut found = Vec::new();
    for number in 1.. {
        let page = PageRequest { page: Some(number), per_page: Some(PageRequest::MAX_PER_PAGE) };
        let items = match reader {
            Reader::User(actor) => uc::list_orders(cx, actor, filter.clone(), &page).await?.items,
            Reader::Public => repo::list_orders(&cx.db, &filter, &page).await.map_err(AppError::from)?.items,
        };
        let last_page = (items.len() as i64) < page.per_page();
        found.extend(items.into_iter().filter(|o| window.contains(&o.created_at)));
        if last_page || found.len() >= MAX_REQUESTS {
            break;
        }
    }
    found.truncate(MAX_REQUESTS);
    Ok(found)
}

/// A stored timestamp as a W3C datetime in China Standard Time.
fn local_datetime(stored: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]");
    OffsetDateTime::parse(stored, &Rfc3339).ok().and_then(|t| t.to_offset(LOCAL).format(&format).ok()).unwrap_or_else(|| stored.to_string())
}

/// The order as the spec shows it: no enterprise, no filer, no rating comment.
fn request_of(o: &WorkOrder, note: Option<String>) -> ServiceRequest {
    let state = OrderState::parse(&o.state);
    ServiceRequest {
        service_request_id: o.id.to_string(),
        status: if state == Some(OrderState::Closed) { "closed" } else { "open" }.to_string(),
        status_notes: note,
        service_name: o.category_name.clone(),
        service_code: o.category_code.clone(),
        description: if o.description.is_empty() { o.title.clone() } else { o.description.clone() },
        agency_responsible: o.department_name.clone(),
        service_notice: state.map(|s| s.label().to_string()),
        requested_datetime: local_datetime(&o.created_at),
        updated_datetime: local_datetime(&o.updated_at),
        expected_datetime: o.resolve_deadline.as_deref().map(|d| format!("{d}T23:59:59+08:00")),
        address: o.address.clone(),
        lat: o.latitude,
        long: o.longitude,
    }
}

// ---- filing a request --------------------------------------------------------

async fn file_request(s: &AppState, headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Document, Failure> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")));
    if !is_form {
        return Err(Failure::bad_request("请求须为 Content-Type: application/x-www-form-urlencoded"));
    }
    let body = body.map_err(|e| Failure { status: e.status(), description: "无法读取请求内容".to_string() })?;
    let form: NewServiceRequest = serde_urlencoded::from_bytes(&body).map_err(|e| Failure::bad_request(format!("表单内容不正确：{e}")))?;
    let key = form.api_key.as_deref().map(str::trim).filter(|k| !k.is_empty()).ok_or_else(|| Failure::bad_request("缺少 api_key"))?;
    let (actor, _) = auth::authenticate(&s.db, key, SessionKind::Bearer).await?;
    let input = order_input(&s.db, &actor, &form).await?;
    let filed = uc::file_order(&s.work(), &actor, &input).await?;
    let notice = format!("已受理，工单编号{}，状态：{}", filed.order.id, OrderState::Submitted.label());
    Ok(Document::Filed(vec![FiledRequest { service_request_id: filed.order.id.to_string(), service_notice: notice, account_id: None }]))
}

/// The order a form asks for. Runs of white space in the description, line
/// breaks included, become one space (the use case refuses control characters);
/// the personal fields (email, names, phone, device) are not read at all.
async fn order_input(db: &Db, actor: &Actor, form: &NewServiceRequest) -> Result<OrderInput, Failure> {
    if form.service_code.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(Failure::bad_request("缺少 service_code"));
    }
    let mut input = order_input_of(&uc::list_categories(db).await?, actor, form)?;
    input.enterprise_id = officers_enterprise(db, actor).await?;
    Ok(input)
}

/// The enterprise an officer's request is for. The specification has no field
/// for it, so an officer who serves exactly one enterprise files for that one;
/// one who serves several (or none) is told to use the JSON API, which asks.
/// Other roles file as the use case decides (an enterprise for itself, staff
/// for no enterprise).
async fn officers_enterprise(db: &Db, actor: &Actor) -> Result<Option<i64>, Failure> {
    if actor.role != Role::Officer {
        return Ok(None);
    }
    let Some(cadre) = actor.cadre_id else { return Err(Failure::bad_request("账号未绑定干部，不能提交工单")) };
    let mut conn = db.pool().acquire().await.map_err(AppError::from)?;
    let serving = crate::store::registry::current_assignments(&mut conn, cadre).await.map_err(AppError::from)?;
    match serving.as_slice() {
        [one] => Ok(Some(one.enterprise_id)),
        [] => Err(Failure::bad_request("您目前没有服务的企业，不能通过 Open311 提交工单")),
        _ => Err(Failure::bad_request(format!(
            "您服务{}家企业，Open311 无法指明是哪一家：请通过 POST /api/v1/work-orders 提交并填写 enterprise_id",
            serving.len()
        ))),
    }
}

/// `order_input` once the categories are loaded (pure, so that the fuzz targets can run it).
fn order_input_of(categories: &[Category], actor: &Actor, form: &NewServiceRequest) -> Result<OrderInput, Failure> {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    let code = text(&form.service_code);
    if code.is_empty() {
        return Err(Failure::bad_request("缺少 service_code"));
    }
    let category = categories.iter().find(|c| c.code == code).ok_or_else(|| Failure::bad_request(format!("service_code“{code}”不存在")))?;
    let coordinate = |name: &str, v: &Option<String>| -> Result<Option<f64>, Failure> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v.parse::<f64>().map(Some).map_err(|_| Failure::bad_request(format!("{name} 应为数字（WGS84 经纬度）"))),
        }
    };
    let (latitude, longitude) = (coordinate("lat", &form.lat)?, coordinate("long", &form.long)?);
    let address = text(&form.address_string);
    if address.is_empty() && (latitude.is_none() || longitude.is_none()) {
        return Err(Failure::bad_request("须提供 lat 和 long，或 address_string"));
    }
    let description = text(&form.description).split_whitespace().collect::<Vec<_>>().join(" ");
    let title = if description.is_empty() { category.name.clone() } else { description.chars().take(TITLE_CHARS).collect() };
    Ok(OrderInput {
        category: category.code.clone(),
        title,
        description,
        latitude,
        longitude,
        address,
        // Open311 knows no townships: a township files for its own
        township_id: if actor.role == Role::Township { actor.township_id } else { None },
        ..OrderInput::default()
    })
}

// ---- input checks without a database (fuzz/ and tests/fuzz_corpus.rs) ---------

/// What `GET requests` makes of a query string before it reads the database.
#[derive(Debug)]
pub struct CheckedRequestsQuery {
    /// the window's first instant
    pub start: OffsetDateTime,
    /// its last, when the query bounds it
    pub end: Option<OffsetDateTime>,
    /// the store's day filter for the window (a day wider on each side)
    pub days: (String, Option<String>),
    /// the ids of `service_request_id`
    pub ids: Vec<i64>,
}

/// Reads a `GET requests` query string the way the handler does, up to the
/// first database query, so that the fuzz targets try hostile queries without
/// a server: both the ids and the window (the handler reads the one or the
/// other). The handler itself does not call it.
///
/// # Errors
/// The description the client would read.
pub fn check_requests_query(query: &str, now: OffsetDateTime) -> Result<CheckedRequestsQuery, String> {
    let q: RequestsQuery = parse_query(Some(query)).map_err(|f| f.description)?;
    let mut ids = Vec::new();
    for text in items(q.service_request_id.as_deref()) {
        ids.push(parse_id(text).ok_or_else(|| format!("service_request_id“{text}”不是有效的编号"))?);
    }
    let window = Window::of(&q, now).map_err(|f| f.description)?;
    Ok(CheckedRequestsQuery { days: window.days(), start: window.start, end: window.end, ids })
}

/// Reads a `POST requests` form body the way the handler does, given the
/// categories there are and who files, up to the use case: the order it asks
/// for (for the fuzz targets; the use case checks it again).
///
/// # Errors
/// The description the client would read.
pub fn check_service_request_form(body: &[u8], categories: &[Category], actor: &Actor) -> Result<OrderInput, String> {
    let form: NewServiceRequest = serde_urlencoded::from_bytes(body).map_err(|e| format!("表单内容不正确：{e}"))?;
    order_input_of(categories, actor, &form).map_err(|f| f.description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_split_into_stem_and_format() {
        assert_eq!(Format::split("12.json"), Some(("12", Format::Json)));
        assert_eq!(Format::split("sanitation.xml"), Some(("sanitation", Format::Xml)));
        assert_eq!(Format::split("12"), None);
        assert_eq!(Format::split("12.csv"), None);
    }

    #[test]
    fn datetimes_keep_their_offset_and_a_lost_plus_is_restored() {
        let a = parse_datetime("start_date", "2020-03-19T08:00:00+08:00", false).unwrap();
        let b = parse_datetime("start_date", "2020-03-19T08:00:00 08:00", false).unwrap();
        let c = parse_datetime("start_date", "2020-03-19T00:00:00Z", false).unwrap();
        assert_eq!(a, c);
        assert_eq!(a, b);
        assert_eq!(parse_datetime("end_date", "2020-03-19", true).unwrap().to_offset(LOCAL).time(), Time::MAX);
        assert!(parse_datetime("start_date", "yesterday", false).is_err());
    }

    #[test]
    fn stored_timestamps_read_in_china_standard_time() {
        assert_eq!(local_datetime("2020-03-18T16:30:00Z"), "2020-03-19T00:30:00+08:00");
        assert_eq!(local_datetime("2020-03-18T16:30:00.123456Z"), "2020-03-19T00:30:00+08:00");
    }

    #[test]
    fn a_window_without_dates_is_the_last_ninety_days_and_wider_is_refused() {
        let now = time::macros::datetime!(2020-03-19 12:00 UTC);
        let w = Window::of(&RequestsQuery::default(), now).unwrap();
        assert_eq!(w.start, now - Duration::days(90));
        assert!(w.contains("2020-03-19T11:00:00Z"));
        assert!(!w.contains("2019-12-01T00:00:00Z"));
        let wide = RequestsQuery { start_date: Some("2020-01-01T00:00:00Z".into()), end_date: Some("2020-06-01T00:00:00Z".into()), ..Default::default() };
        assert!(Window::of(&wide, now).is_err());
    }

    #[test]
    fn xml_escapes_markup_and_keeps_chinese() {
        let doc = Document::Errors(vec![Open311Error { code: 400, description: "<a&b> 环境卫生".into() }]);
        let xml = doc.xml().unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(xml.contains("<errors><error><code>400</code><description>"), "{xml}");
        assert!(xml.contains("&lt;a&amp;b") && xml.contains("环境卫生") && !xml.contains("<a&b>"), "{xml}");
    }
}
