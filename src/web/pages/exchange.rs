//! Excel pages: the "导出Excel" download of every list (with the list's filters),
//! the import page of each registry (template download, upload form, and the
//! report naming each problem's row and column).

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Chrome, chrome, render};
use crate::app::auth;
use crate::app::exchange::{self as uc, ImportReport, Kind, Outcome};
use crate::error::AppError;
use crate::web::AppState;
use crate::web::api::exchange::{MAX_IMPORT_BYTES, export_response, import_bytes, kind_of, template_response};
use crate::web::extract::{ApiPath, PageUser};
use crate::web::i18n::Lang;

/// The Excel pages.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_list))
        .routes(routes!(imports_page))
        .routes(routes!(import_page, upload_import))
        .routes(routes!(download_template))
        .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES))
}

pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.imports", "数据导入", "Import"),
    ("exchange.export", "导出Excel", "Export to Excel"),
    ("exchange.title", "数据导入", "Import from Excel"),
    (
        "exchange.intro",
        "先下载导入模板，按模板填写后上传。乡镇办、部门、企业按名称填写。",
        "Download the template, fill it in and upload it. Townships, departments and enterprises are given by name.",
    ),
    ("exchange.kind", "数据类型", "Data"),
    ("exchange.template", "下载导入模板", "Download the template"),
    ("exchange.import", "导入", "Import"),
    ("exchange.file", "Excel 文件（.xlsx）", "Excel file (.xlsx)"),
    ("exchange.skip_invalid", "跳过有问题的行，只导入没有问题的行", "Skip the rows with problems and import the rest"),
    ("exchange.dry_run", "只检查，不导入", "Check only; store nothing"),
    ("exchange.upload", "上传并导入", "Upload and import"),
    (
        "exchange.all_or_nothing",
        "默认整表导入：任何一行有问题，整个文件都不导入，并列出每个问题所在的行和列。",
        "By default a file is imported whole or not at all: if any row has a problem, nothing is stored and every problem is listed by row and column.",
    ),
    (
        "exchange.cli_hint",
        "网页上传的文件不超过20MB、5万行；更大的文件请由管理员用命令行导入：zonedesk import 类型 文件.xlsx",
        "Uploads are limited to 20 MB and 50,000 rows; larger files are imported on the server: zonedesk import KIND FILE.xlsx",
    ),
    ("exchange.report", "导入结果", "Result"),
    ("exchange.imported", "导入成功", "Imported"),
    (
        "exchange.refused",
        "未导入：文件有问题，没有保存任何数据。请按下表修改后重新上传。",
        "Not imported: the file has problems and nothing was stored. Correct the rows below and upload it again.",
    ),
    ("exchange.checked", "检查完毕（只检查，未导入）", "Checked (nothing stored)"),
    ("exchange.rows", "读取行数", "Rows read"),
    ("exchange.count", "导入记录数", "Records imported"),
    ("exchange.would_import", "可导入记录数", "Records that would be imported"),
    ("exchange.skipped", "跳过的行", "Rows skipped"),
    ("exchange.row", "行", "Row"),
    ("exchange.column", "列", "Column"),
    ("exchange.problem", "问题", "Problem"),
    ("exchange.more_problems", "另有问题未列出：", "Problems not listed: "),
    ("exchange.whole_file", "整个文件", "Whole file"),
    ("exchange.none", "您的角色没有可导入的数据。", "Your role imports no data."),
    ("exchange.kind.enterprises", "企业名录", "Enterprises"),
    ("exchange.kind.cadres", "干部名录", "Cadres"),
    ("exchange.kind.households", "贫困户", "Poor households"),
    ("exchange.kind.volunteers", "志愿者", "Volunteers"),
    ("exchange.kind.children", "帮扶对象", "Children"),
    ("exchange.kind.sites", "检查点位", "Inspection sites"),
    ("exchange.kind.job-postings", "用工信息", "Job postings"),
    ("exchange.kind.work-orders", "工单", "Work orders"),
    ("exchange.kind.status-reports", "复工复产情况", "Status reports"),
];

fn kind_label(lang: Lang, kind: Kind) -> &'static str {
    lang.t(&format!("exchange.kind.{}", kind.code()))
}

#[utoipa::path(get, path = "/exports/{kind}", tag = "pages",
    params(("kind" = String, Path, description = "enterprises, cadres, households, volunteers, children, sites, job-postings, work-orders, status-reports")),
    responses((status = 200, description = "the list, with the filters of the list page's query string, as an .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_list(State(s): State<AppState>, user: PageUser, ApiPath(kind): ApiPath<String>, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    export_response(&s, &user.actor, &kind, query.as_deref().unwrap_or("")).await
}

#[utoipa::path(get, path = "/imports/{kind}/template.xlsx", tag = "pages",
    params(("kind" = String, Path, description = "enterprises, cadres, households, volunteers, children, sites, job-postings")),
    responses((status = 200, description = "the import template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn download_template(State(s): State<AppState>, user: PageUser, ApiPath(kind): ApiPath<String>) -> Result<Response, AppError> {
    template_response(&s, &user.actor, &kind).await
}

struct KindLink {
    code: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "exchange/index.html")]
struct IndexPage {
    c: Chrome,
    kinds: Vec<KindLink>,
}

#[utoipa::path(get, path = "/imports", tag = "pages", responses((status = 200, description = "the registries the user may import", body = String, content_type = "text/html")))]
pub async fn imports_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let kinds = uc::importable_kinds(&user.actor).into_iter().map(|k| KindLink { code: k.code(), label: kind_label(lang, k) }).collect();
    render(&IndexPage { c: chrome(&s, &user, lang, "/imports").await, kinds })
}

/// One problem as the report table shows it.
struct ProblemRow {
    row: String,
    column: String,
    message: String,
}

#[derive(Template)]
#[template(path = "exchange/import.html")]
struct ImportPage {
    c: Chrome,
    code: &'static str,
    label: &'static str,
    error: String,
    report: Option<ImportReport>,
    problems: Vec<ProblemRow>,
}

impl ImportPage {
    fn outcome(&self) -> &'static str {
        match self.report.as_ref().map(|r| r.outcome) {
            Some(Outcome::Imported) => "imported",
            Some(Outcome::Refused) => "refused",
            Some(Outcome::Checked) => "checked",
            None => "",
        }
    }
}

async fn import_form(s: &AppState, user: &PageUser, lang: Lang, kind: Kind, error: String, report: Option<ImportReport>) -> Result<Response, AppError> {
    let whole = lang.t("exchange.whole_file");
    let problems = report
        .iter()
        .flat_map(|r| r.problems.iter())
        .map(|p| ProblemRow { row: if p.row == 0 { whole.to_string() } else { p.row.to_string() }, column: p.column.clone(), message: p.message.clone() })
        .collect();
    let path = format!("/imports/{}", kind.code());
    let status =
        if !error.is_empty() || report.as_ref().is_some_and(|r| r.outcome == Outcome::Refused) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ImportPage { c: chrome(s, user, lang, &path).await, code: kind.code(), label: kind_label(lang, kind), error, report, problems };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

#[utoipa::path(get, path = "/imports/{kind}", tag = "pages",
    params(("kind" = String, Path, description = "enterprises, cadres, households, volunteers, children, sites, job-postings")),
    responses((status = 200, description = "the upload form with the template link", body = String, content_type = "text/html")))]
pub async fn import_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(kind): ApiPath<String>) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    uc::check_may_import(&user.actor, kind)?;
    import_form(&s, &user, lang, kind, String::new(), None).await
}

fn multipart_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest(format!("上传的内容无法读取：{}", e.body_text()))
    }
}

#[utoipa::path(post, path = "/imports/{kind}", tag = "pages",
    params(("kind" = String, Path, description = "enterprises, cadres, households, volunteers, children, sites, job-postings")),
    request_body(content_type = "multipart/form-data", description = "_csrf, file (.xlsx), skip_invalid, dry_run"),
    responses((status = 200, description = "imported (or checked): the report", body = String, content_type = "text/html"),
        (status = 422, description = "refused, nothing stored: the report names each problem's row and column", body = String, content_type = "text/html")))]
pub async fn upload_import(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(kind): ApiPath<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    let mut multipart =
        multipart.map_err(|e| AppError::UnsupportedMediaType(format!("请通过导入页面的表单上传文件（multipart/form-data）：{}", e.body_text())))?;
    let (mut csrf, mut file, mut skip_invalid, mut dry_run) = (String::new(), Bytes::new(), false, false);
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "_csrf" => csrf = field.text().await.map_err(multipart_error)?,
            "file" => file = field.bytes().await.map_err(multipart_error)?,
            "skip_invalid" => skip_invalid = !field.text().await.map_err(multipart_error)?.is_empty(),
            "dry_run" => dry_run = !field.text().await.map_err(multipart_error)?.is_empty(),
            _ => {}
        }
    }
    if !auth::secrets_match(&csrf, &user.csrf) {
        return Err(AppError::Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试"));
    }
    uc::check_may_import(&user.actor, kind)?;
    if file.is_empty() {
        return import_form(&s, &user, lang, kind, "请选择要上传的 .xlsx 文件".to_string(), None).await;
    }
    match import_bytes(&s, &user.actor, kind, file, skip_invalid, dry_run).await {
        Ok(report) => import_form(&s, &user, lang, kind, String::new(), Some(report)).await,
        Err(AppError::Validation(errors)) => {
            let message = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；");
            import_form(&s, &user, lang, kind, message, None).await
        }
        Err(other) => Err(other),
    }
}

/// The "导出Excel" link of a list page: the export of `kind` with the filters
/// the page applies (`params`, as its pager keeps them).
pub fn export_href(kind: &str, params: &[(&str, String)]) -> String {
    let kept: Vec<&(&str, String)> = params.iter().filter(|(k, v)| !v.trim().is_empty() && *k != "page" && *k != "per_page").collect();
    if kept.is_empty() { format!("/exports/{kind}") } else { format!("/exports/{kind}?{}", serde_urlencoded::to_string(&kept).unwrap_or_default()) }
}

/// The export link of the status-report list with its filters.
pub fn report_export_href(q: &crate::app::resumption::ReportQuery) -> String {
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    export_href(
        "status-reports",
        &[
            ("enterprise_id", id(q.enterprise_id)),
            ("township_id", id(q.township_id)),
            ("kind", text(&q.kind)),
            ("industry", text(&q.industry)),
            ("status", text(&q.status)),
            ("from", text(&q.from)),
            ("to", text(&q.to)),
        ],
    )
}
