//! Resumption pages: the figures over time and who has not reported, daily
//! status reports, the green list, commitments and spot checks.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Choice, FormErrors, Pager, chrome, render};
use crate::app::commitment::{self, CheckResult, CommitmentInput, DrawInput};
use crate::app::greenlist::{self, GreenListed, ListingInput, TeamInput};
use crate::app::resumption::{self as uc, ReportInput, ReportQuery};
use crate::domain::resumption::{ResumptionStatus, StatusReportInput};
use crate::domain::{EnterpriseKind, Role};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::registry::EnterpriseFilter;
use crate::store::resumption::{ChecklistItem, CommitmentRow, ReportRow, SpotCheckRow};
use crate::web::AppState;
use crate::web::api::resumption::{CheckQuery, CommitmentQuery, GreenQuery};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// Every resumption page, for the router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(figures_page))
        .routes(routes!(reports_page, submit_report))
        .routes(routes!(green_list_page, add_green))
        .routes(routes!(remove_green))
        .routes(routes!(set_team))
        .routes(routes!(commitments_page, submit_commitment))
        .routes(routes!(new_commitment))
        .routes(routes!(spot_checks_page, draw))
        .routes(routes!(record_check))
}

/// The words of these pages.
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.resumption", "复工复产", "Resumption"),
    ("nav.green_list", "绿名单", "Green list"),
    ("nav.commitments", "承诺制复工", "Commitments"),
    ("nav.reports", "复工填报", "Status reports"),
    ("resumption.title", "复工复产情况", "Work resumption"),
    ("resumption.day", "日期", "Day"),
    ("resumption.enterprises", "企业数", "Enterprises"),
    ("resumption.known", "已填报企业", "Reported ever"),
    ("resumption.reported_today", "当日填报", "Reported that day"),
    ("resumption.resumed", "已复工", "Resumed"),
    ("resumption.full", "已达产", "Full production"),
    ("resumption.rate", "复工率", "Resumption rate"),
    ("resumption.worker_rate", "职工返岗率", "Workers back"),
    ("resumption.missing", "今日未填报企业", "Not reported today"),
    ("resumption.none_missing", "范围内企业今日均已填报。", "Every enterprise in scope has reported today."),
    ("resumption.empty", "该期间没有数据。", "No figures for this period."),
    ("reports.title", "复工情况填报", "Status reports"),
    ("reports.new", "填报复工情况", "Report today's status"),
    ("reports.empty", "还没有填报记录。", "No reports yet."),
    ("reports.status", "复工状态", "Status"),
    ("reports.workers_back", "返岗人数", "Workers back"),
    ("reports.workers_total", "职工总数", "All workers"),
    ("reports.capacity", "产能利用率（%）", "Capacity in use (%)"),
    ("reports.note", "备注", "Note"),
    ("reports.date", "填报日期", "Day"),
    (
        "reports.replace_hint",
        "同一天再次填报将覆盖当天的数据，原数据保留在审计日志中。",
        "A second report on the same day replaces the first; the audit log keeps the earlier one.",
    ),
    ("status.not_resumed", "未复工", "Not resumed"),
    ("status.resumed", "已复工", "Resumed"),
    ("status.full_production", "已达产", "Full production"),
    ("green.title", "绿名单", "Green list"),
    ("green.empty", "绿名单中还没有企业。", "The green list is empty."),
    ("green.add", "列入绿名单", "Add to the green list"),
    ("green.remove", "移出绿名单", "Remove"),
    ("green.added_on", "列入日期", "Listed on"),
    ("green.removed_on", "移出日期", "Removed on"),
    ("green.reason", "理由", "Reason"),
    ("green.team", "服务专班", "Service team"),
    ("green.lead", "牵头", "lead"),
    ("green.no_team", "尚未组建服务专班", "No service team yet"),
    ("green.team_members", "专班成员（干部编号，逗号分隔）", "Members (cadre ids, comma-separated)"),
    ("green.team_lead", "牵头人（干部编号）", "Lead (cadre id)"),
    ("green.open_orders", "未办结工单", "Open orders"),
    ("green.latest_status", "最新复工状态", "Latest status"),
    ("green.history", "含历史记录", "With history"),
    (
        "green.rule",
        "绿名单企业的工单自动列为优先，办结时限按类别时限的一定比例（默认50%）计算。",
        "Orders of green-list enterprises start with priority and get a share (50% unless changed) of their category's resolve limit.",
    ),
    ("commit.title", "承诺制复工", "Reopening by commitment"),
    ("commit.new", "提交复工承诺", "Submit a commitment"),
    ("commit.empty", "还没有复工承诺。", "No commitments yet."),
    ("commit.signer", "承诺人", "Signed by"),
    ("commit.signed_on", "签署日期", "Signed on"),
    ("commit.items", "疫情防控措施（须全部承诺）", "Epidemic-prevention measures (all required)"),
    ("commit.state", "状态", "State"),
    ("commit.active", "已复工（承诺有效）", "Reopened (in force)"),
    ("commit.suspended", "已暂停", "Suspended"),
    (
        "commit.pledge",
        "本单位承诺严格落实以上各项疫情防控措施，如有违反，自愿接受处理。",
        "We commit to every measure above and accept the consequences of any breach.",
    ),
    (
        "commit.intro",
        "商贸服务业企业具备疫情防控条件的，提交承诺即可复工营业。",
        "A commerce or service business that meets the conditions reopens as soon as it submits its commitment.",
    ),
    ("checks.title", "抽查", "Spot checks"),
    ("checks.draw", "随机抽取", "Draw"),
    ("checks.share", "抽查比例（%）", "Share (%)"),
    ("checks.seed", "随机种子（留空则随机生成）", "Seed (empty: random)"),
    ("checks.empty", "还没有抽查记录。", "No spot checks yet."),
    ("checks.state", "结果", "Result"),
    ("checks.pending", "待检查", "Pending"),
    ("checks.passed", "通过", "Passed"),
    ("checks.failed", "未通过", "Failed"),
    ("checks.inspector", "检查人", "Inspector"),
    ("checks.note", "检查情况", "Findings"),
    ("checks.suspend", "暂停营业整改", "Suspend the business"),
    ("checks.record_pass", "登记通过", "Record: passed"),
    ("checks.record_fail", "登记未通过", "Record: failed"),
    ("checks.draw_no", "抽查批次", "Draw"),
];

fn percent(v: Option<f64>) -> String {
    v.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

struct FigureRow {
    day: String,
    enterprises: i64,
    known: i64,
    reported_today: i64,
    resumed: i64,
    full: i64,
    rate: String,
    worker_rate: String,
}

#[derive(Template)]
#[template(path = "resumption/figures.html")]
struct FiguresPage {
    c: super::Chrome,
    rows: Vec<FigureRow>,
    rule: String,
    from: String,
    to: String,
    townships: Vec<Choice>,
    kinds: Vec<Choice>,
    missing: Vec<(i64, String)>,
    missing_total: i64,
}

#[utoipa::path(get, path = "/resumption", tag = "pages", params(ReportQuery), responses((status = 200, description = "resumption figures over time", body = String, content_type = "text/html")))]
pub async fn figures_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<ReportQuery>) -> Result<Response, AppError> {
    let cx = s.work();
    let series = uc::series(&cx, &user.actor, &q).await?;
    let missing = match uc::missing(&cx, &user.actor, None, &PageRequest { page: Some(1), per_page: Some(50) }).await {
        Ok(page) => page,
        Err(AppError::Forbidden(_)) => crate::store::Page { items: Vec::new(), total: 0, page: 1, per_page: 50 },
        Err(e) => return Err(e),
    };
    let rows = series
        .days
        .iter()
        .rev()
        .map(|d| FigureRow {
            day: super::chinese_date(d.day),
            enterprises: d.enterprises,
            known: d.known,
            reported_today: d.reported_today,
            resumed: d.resumed,
            full: d.full_production,
            rate: percent(d.resumption_rate()),
            worker_rate: percent(d.worker_return_rate()),
        })
        .collect();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let mut townships = vec![Choice::new("", lang.t("common.all"), &township)];
    if matches!(user.actor.role, Role::Admin | Role::Leader | Role::Department) {
        townships.extend(crate::app::registry::list_townships(&s.db, &user.actor).await?.into_iter().map(|t| Choice::new(t.id, &t.name, &township)));
    }
    let kind = q.kind.clone().unwrap_or_default();
    let mut kinds = vec![Choice::new("", lang.t("common.all"), &kind)];
    kinds.extend(EnterpriseKind::ALL.iter().map(|k| Choice::new(k.code(), lang.kind(*k), &kind)));
    render(&FiguresPage {
        c: chrome(&s, &user, lang, "/resumption").await,
        rows,
        rule: series.rule,
        from: series.from,
        to: series.to,
        townships,
        kinds,
        missing_total: missing.total,
        missing: missing.items,
    })
}

#[derive(Template)]
#[template(path = "resumption/reports.html")]
struct ReportsPage {
    c: super::Chrome,
    rows: Vec<ReportRow>,
    statuses: Vec<Choice>,
    enterprises: Vec<Choice>,
    pager: Pager,
    may_report: bool,
    pick_enterprise: bool,
    f: ReportForm,
    errors: FormErrors,
    export_href: String,
}

/// The report form as posted: text, so a bad number is a field error.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub report_date: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub workers_back: String,
    #[serde(default)]
    pub workers_total: String,
    #[serde(default)]
    pub capacity_pct: String,
    #[serde(default)]
    pub note: String,
}

impl ReportForm {
    fn input(&self) -> Result<ReportInput, AppError> {
        let mut errors = Vec::new();
        let mut number = |field: &'static str, v: &str| {
            v.trim().parse::<i64>().unwrap_or_else(|_| {
                errors.push(crate::domain::FieldError::new(field, "请填写整数"));
                0
            })
        };
        let report = StatusReportInput {
            status: self.status.clone(),
            workers_back: number("workers_back", &self.workers_back),
            workers_total: number("workers_total", &self.workers_total),
            capacity_pct: number("capacity_pct", &self.capacity_pct),
            note: self.note.clone(),
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok(ReportInput { enterprise_id: self.enterprise_id.trim().parse().ok(), report_date: Some(self.report_date.clone()), report })
    }
}

async fn reports(s: &AppState, user: &PageUser, lang: Lang, q: &ReportQuery, f: ReportForm, errors: FormErrors) -> Result<Response, AppError> {
    let cx = s.work();
    let page = uc::list_reports(&cx, &user.actor, q).await?;
    let pager = Pager::new(&page, "/status-reports", &[("enterprise_id", q.enterprise_id.map(|e| e.to_string()).unwrap_or_default())]);
    let role = user.actor.role;
    let may_report = matches!(role, Role::Enterprise | Role::Officer | Role::Township | Role::Leader | Role::Admin);
    let pick_enterprise = role != Role::Enterprise;
    let mut enterprises = Vec::new();
    if may_report && pick_enterprise {
        let list = crate::app::registry::list_enterprises(&s.db, &user.actor, EnterpriseFilter::default(), &PageRequest { page: Some(1), per_page: Some(200) })
            .await?;
        enterprises = list.items.into_iter().map(|e| Choice::new(e.id, &e.name, &f.enterprise_id)).collect();
    }
    let statuses = ResumptionStatus::ALL.iter().map(|st| Choice::new(st.code(), lang.label("status", st.code()), &f.status)).collect();
    let f = ReportForm { report_date: if f.report_date.is_empty() { cx.today_text() } else { f.report_date }, ..f };
    let page = ReportsPage {
        c: chrome(s, user, lang, "/status-reports").await,
        rows: page.items,
        statuses,
        enterprises,
        pager,
        may_report,
        pick_enterprise,
        f,
        errors,
        export_href: super::exchange::report_export_href(q),
    };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/status-reports", tag = "pages", params(ReportQuery), responses((status = 200, description = "status reports and the form", body = String, content_type = "text/html")))]
pub async fn reports_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<ReportQuery>) -> Result<Response, AppError> {
    reports(&s, &user, lang, &q, ReportForm::default(), FormErrors::default()).await
}

#[utoipa::path(post, path = "/status-reports", tag = "pages", responses((status = 303, description = "recorded"), (status = 422, description = "the form again", body = String, content_type = "text/html")))]
pub async fn submit_report(State(s): State<AppState>, lang: Lang, form: CsrfForm<ReportForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.input() {
        Ok(input) => uc::report_status(&s.work(), &user.actor, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/status-reports").into_response()),
        Err(e) => reports(&s, &user, lang, &ReportQuery::default(), f, FormErrors::from_app_error(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "resumption/green_list.html")]
struct GreenPage {
    c: super::Chrome,
    rows: Vec<GreenListed>,
    pager: Pager,
    may_manage: bool,
    candidates: Vec<Choice>,
    history: bool,
    error: String,
}

async fn green(s: &AppState, user: &PageUser, lang: Lang, history: bool, page: PageRequest, error: String) -> Result<Response, AppError> {
    let cx = s.work();
    let list = greenlist::view(&cx, &user.actor, history, &page).await?;
    let pager = Pager::new(&list, "/green-list", &[("history", if history { "true".into() } else { String::new() })]);
    let may_manage = matches!(user.actor.role, Role::Admin | Role::Leader);
    let mut candidates = Vec::new();
    if may_manage {
        for kind in [EnterpriseKind::ForeignTrade, EnterpriseKind::Industrial] {
            let filter = EnterpriseFilter { kind: Some(kind), ..EnterpriseFilter::default() };
            let page = crate::app::registry::list_enterprises(&s.db, &user.actor, filter, &PageRequest { page: Some(1), per_page: Some(200) }).await?;
            candidates
                .extend(page.items.into_iter().filter(|e| !list.items.iter().any(|g| g.entry.enterprise_id == e.id)).map(|e| Choice::new(e.id, &e.name, "")));
        }
    }
    let mut response =
        render(&GreenPage { c: chrome(s, user, lang, "/green-list").await, rows: list.items, pager, may_manage, candidates, history, error: error.clone() })?;
    if !error.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/green-list", tag = "pages", params(GreenQuery), responses((status = 200, description = "the green list", body = String, content_type = "text/html")))]
pub async fn green_list_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<GreenQuery>) -> Result<Response, AppError> {
    green(&s, &user, lang, q.history.unwrap_or(false), PageRequest { page: q.page, per_page: q.per_page }, String::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct GreenForm {
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub members: String,
    #[serde(default)]
    pub lead: String,
}

/// A page-level refusal of a green-list action: the list again, with the message.
async fn green_error(s: &AppState, user: &PageUser, lang: Lang, e: AppError) -> Result<Response, AppError> {
    match e {
        AppError::Validation(_) | AppError::Conflict { .. } | AppError::NotFound(_) => {
            green(s, user, lang, false, PageRequest { page: None, per_page: None }, e.to_string()).await
        }
        other => Err(other),
    }
}

#[utoipa::path(post, path = "/green-list", tag = "pages", responses((status = 303, description = "listed"), (status = 422, description = "the list again, with the message", body = String, content_type = "text/html")))]
pub async fn add_green(State(s): State<AppState>, lang: Lang, form: CsrfForm<GreenForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = ListingInput { enterprise_id: f.enterprise_id.trim().parse().unwrap_or(0), on: None, reason: f.reason };
    match greenlist::add(&s.work(), &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/green-list").into_response()),
        Err(e) => green_error(&s, &user, lang, e).await,
    }
}

#[utoipa::path(post, path = "/green-list/{enterprise_id}/remove", tag = "pages", params(("enterprise_id" = i64, Path)), responses((status = 303, description = "removed")))]
pub async fn remove_green(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(enterprise_id): ApiPath<i64>,
    form: CsrfForm<GreenForm>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match greenlist::remove(&s.work(), &user.actor, &ListingInput { enterprise_id, on: None, reason: f.reason }).await {
        Ok(()) => Ok(Redirect::to("/green-list").into_response()),
        Err(e) => green_error(&s, &user, lang, e).await,
    }
}

#[utoipa::path(post, path = "/green-list/{enterprise_id}/team", tag = "pages", params(("enterprise_id" = i64, Path)), responses((status = 303, description = "the team is set")))]
pub async fn set_team(State(s): State<AppState>, lang: Lang, ApiPath(enterprise_id): ApiPath<i64>, form: CsrfForm<GreenForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let members = f.members.split([',', '，', ' ']).filter_map(|m| m.trim().parse().ok()).collect();
    let input = TeamInput { members, lead: f.lead.trim().parse().unwrap_or(0) };
    match greenlist::set_team(&s.work(), &user.actor, enterprise_id, &input).await {
        Ok(_) => Ok(Redirect::to("/green-list").into_response()),
        Err(e) => green_error(&s, &user, lang, e).await,
    }
}

#[derive(Template)]
#[template(path = "resumption/commitments.html")]
struct CommitmentsPage {
    c: super::Chrome,
    rows: Vec<CommitmentRow>,
    pager: Pager,
    may_submit: bool,
}

#[utoipa::path(get, path = "/commitments", tag = "pages", params(CommitmentQuery), responses((status = 200, description = "commitments", body = String, content_type = "text/html")))]
pub async fn commitments_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<CommitmentQuery>) -> Result<Response, AppError> {
    let page =
        commitment::list(&s.work(), &user.actor, q.state.as_deref().filter(|s| !s.is_empty()), &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let pager = Pager::new(&page, "/commitments", &[("state", q.state.clone().unwrap_or_default())]);
    let may_submit = matches!(user.actor.role, Role::Enterprise | Role::Township | Role::Leader | Role::Admin);
    render(&CommitmentsPage { c: chrome(&s, &user, lang, "/commitments").await, rows: page.items, pager, may_submit })
}

#[derive(Template)]
#[template(path = "resumption/commitment_new.html")]
struct CommitmentForm {
    c: super::Chrome,
    /// each item, and whether it was ticked
    items: Vec<(ChecklistItem, bool)>,
    signer: String,
    enterprises: Vec<Choice>,
    errors: FormErrors,
}

async fn commitment_form(
    s: &AppState,
    user: &PageUser,
    lang: Lang,
    ticked: Vec<String>,
    signer: String,
    enterprise: &str,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let items = commitment::checklist(&s.work())
        .await?
        .into_iter()
        .map(|i| {
            let on = ticked.contains(&i.code);
            (i, on)
        })
        .collect();
    let mut enterprises = Vec::new();
    if user.actor.role != Role::Enterprise {
        let filter = EnterpriseFilter { kind: Some(EnterpriseKind::CommerceService), ..EnterpriseFilter::default() };
        let page = crate::app::registry::list_enterprises(&s.db, &user.actor, filter, &PageRequest { page: Some(1), per_page: Some(200) }).await?;
        enterprises = page.items.into_iter().map(|e| Choice::new(e.id, &e.name, enterprise)).collect();
    }
    let page = CommitmentForm { c: chrome(s, user, lang, "/commitments").await, items, signer, enterprises, errors };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/commitments/new", tag = "pages", responses((status = 200, description = "the commitment form with its checklist", body = String, content_type = "text/html")))]
pub async fn new_commitment(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    // the form only for those whose submission the use case takes
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township, Role::Enterprise])?;
    commitment_form(&s, &user, lang, Vec::new(), String::new(), "", FormErrors::default()).await
}

#[utoipa::path(post, path = "/commitments", tag = "pages", responses((status = 303, description = "in force: reopened"), (status = 422, description = "the form again, naming what is missing", body = String, content_type = "text/html")))]
pub async fn submit_commitment(State(s): State<AppState>, lang: Lang, form: CsrfForm<Vec<(String, String)>>) -> Result<Response, AppError> {
    let CsrfForm { user, form: pairs } = form;
    let value = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let ticked: Vec<String> = pairs.iter().filter(|(k, _)| k == "items").map(|(_, v)| v.clone()).collect();
    let input = CommitmentInput { enterprise_id: value("enterprise_id").trim().parse().ok(), signer: value("signer"), signed_on: None, items: ticked.clone() };
    match commitment::submit(&s.work(), &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/commitments").into_response()),
        Err(e) => commitment_form(&s, &user, lang, ticked, input.signer, &value("enterprise_id"), FormErrors::from_app_error(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "resumption/spot_checks.html")]
struct ChecksPage {
    c: super::Chrome,
    rows: Vec<SpotCheckRow>,
    pager: Pager,
    may_draw: bool,
    error: String,
}

async fn checks(s: &AppState, user: &PageUser, lang: Lang, q: &CheckQuery, error: String) -> Result<Response, AppError> {
    let page = commitment::list_checks(&s.work(), &user.actor, q.draw_id, &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let pager = Pager::new(&page, "/spot-checks", &[("draw_id", q.draw_id.map(|d| d.to_string()).unwrap_or_default())]);
    let may_draw = matches!(user.actor.role, Role::Admin | Role::Leader);
    let mut response = render(&ChecksPage { c: chrome(s, user, lang, "/spot-checks").await, rows: page.items, pager, may_draw, error: error.clone() })?;
    if !error.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/spot-checks", tag = "pages", params(CheckQuery), responses((status = 200, description = "spot checks", body = String, content_type = "text/html")))]
pub async fn spot_checks_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<CheckQuery>) -> Result<Response, AppError> {
    checks(&s, &user, lang, &q, String::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    pub share_pct: String,
    #[serde(default)]
    pub seed: String,
}

#[utoipa::path(post, path = "/spot-checks", tag = "pages", responses((status = 303, description = "drawn"), (status = 422, description = "the page again, with the message", body = String, content_type = "text/html")))]
pub async fn draw(State(s): State<AppState>, lang: Lang, form: CsrfForm<DrawForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let seed = match f.seed.trim() {
        "" => None,
        t => match t.parse::<u64>() {
            Ok(v) => Some(v),
            Err(_) => return checks(&s, &user, lang, &CheckQuery { draw_id: None, page: None, per_page: None }, "随机种子应为非负整数".into()).await,
        },
    };
    let input = DrawInput { share_pct: f.share_pct.trim().parse().unwrap_or(0), seed };
    match commitment::draw(&s.work(), &user.actor, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/spot-checks?draw_id={}", d.draw_id)).into_response()),
        Err(e @ AppError::Validation(_)) => checks(&s, &user, lang, &CheckQuery { draw_id: None, page: None, per_page: None }, e.to_string()).await,
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CheckForm {
    #[serde(default)]
    pub passed: String,
    #[serde(default)]
    pub inspector: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub suspend: String,
    #[serde(default)]
    pub category: String,
}

#[utoipa::path(post, path = "/spot-checks/{id}/result", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "recorded"), (status = 422, description = "the page again, with the message", body = String, content_type = "text/html")))]
pub async fn record_check(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<CheckForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = CheckResult { passed: f.passed == "true", inspector: f.inspector, note: f.note, suspend: f.suspend == "true", category: Some(f.category) };
    match commitment::record(&s.work(), &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to("/spot-checks").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            checks(&s, &user, lang, &CheckQuery { draw_id: None, page: None, per_page: None }, e.to_string()).await
        }
        Err(e) => Err(e),
    }
}
