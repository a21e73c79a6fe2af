//! Resumption pages: the figures over time and who has not reported, daily
//! status reports, the green list, commitments and spot checks.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Choice, FormErrors, Pager, chrome, render};
use crate::app::commitment::{self, CheckResult, ChecklistInput, CommitmentDetail, CommitmentInput, DrawInput};
use crate::app::greenlist::{self, GreenLimits, GreenListed, ListingInput, TeamInput};
use crate::app::resumption::{self as uc, ReportInput, ReportQuery};
use crate::domain::resumption::{ResumptionStatus, StatusReportInput};
use crate::domain::{EnterpriseKind, Role};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::registry::EnterpriseFilter;
use crate::store::resumption::{ChecklistItem, CommitmentRow, DrawRow, ReportRow, SpotCheckRow};
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
        .routes(routes!(green_limits_page, set_green_limits))
        .routes(routes!(checklist_page, add_checklist_item))
        .routes(routes!(edit_checklist_item))
        .routes(routes!(commitments_page, submit_commitment))
        .routes(routes!(new_commitment))
        .routes(routes!(commitment_page))
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
    ("resumption.missing", "未填报企业", "Not reported"),
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
    ("green.team_members", "专班成员（可多选）", "Members (choose one or more)"),
    ("green.team_lead", "牵头人", "Lead"),
    ("green.remove_reason", "移出理由", "Why removed"),
    ("green.limits", "时限设置", "Limits"),
    ("limits.title", "绿名单工单时限", "Green-list order limits"),
    ("limits.sign", "签收时限比例（%）", "Sign-for limit share (%)"),
    ("limits.resolve", "办结时限比例（%）", "Resolve limit share (%)"),
    (
        "limits.hint",
        "绿名单企业的工单按问题类别时限的以下比例计算，比例为10%到100%；签收时限为1个工作日的类别，比例低于100%即须当日签收；办结时限至少1个工作日。修改后对此后交办的工单生效。",
        "Green-list enterprises' orders run on these shares (10–100%) of their category's limits; below 100% a one-day sign-for limit means the same working day; resolving keeps at least one working day. Orders assigned from now on use them.",
    ),
    ("checklist.title", "承诺书防疫措施", "Commitment checklist"),
    ("checklist.text", "防疫措施", "Measure"),
    ("checklist.sort", "排序", "Order"),
    ("checklist.state", "状态", "State"),
    ("checklist.active", "启用", "Active"),
    ("checklist.inactive", "已停用", "Deactivated"),
    ("checklist.add", "新增措施", "Add a measure"),
    ("checklist.deactivate", "停用", "Deactivate"),
    ("checklist.activate", "重新启用", "Reactivate"),
    (
        "checklist.hint",
        "启用的措施是每份复工承诺书必须勾选的内容；停用的措施不再要求承诺，已提交的承诺书保留当时勾选的内容。",
        "Every commitment must tick each active measure; a deactivated one is no longer asked for, and past commitments keep what they ticked.",
    ),
    ("commit.detail", "复工承诺书", "Commitment"),
    ("commit.timeline", "办理经过", "Timeline"),
    ("commit.ticked", "已承诺", "Ticked"),
    ("commit.not_ticked", "未勾选（签署时未要求）", "Not ticked (not asked when signed)"),
    ("commit.open", "查看", "View"),
    ("checks.draws", "抽查批次", "Draws"),
    ("checks.drawn_at", "抽取时间", "Drawn at"),
    ("checks.population", "抽取范围（家）", "Population"),
    ("checks.drawn", "抽中（家）", "Drawn"),
    ("checks.category", "问题类别（未通过时）", "Category (if failed)"),
    ("checks.seed_col", "随机种子", "Seed"),
    ("resumption.industry", "行业", "Industry"),
    ("resumption.missing_on", "查看未填报企业的日期", "Missing reports on"),
    ("green.open_orders", "未办结工单", "Open orders"),
    ("green.latest_status", "最新复工状态", "Latest status"),
    ("green.history", "含历史记录", "With history"),
    (
        "green.rule",
        "绿名单企业的工单（含列入时尚未办结的）自动列为优先，签收和办结时限按类别时限的一定比例计算（比例由系统管理员设置）。",
        "Orders of green-list enterprises (open ones too, when listed) get priority, and a share of their category's sign-for and resolve limits (set by the administrator).",
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
    industry: String,
    industries: Vec<String>,
    missing_on: String,
    may_see_missing: bool,
    missing: Vec<(i64, String)>,
    missing_total: i64,
}

/// The day the figures page lists missing reports for.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct MissingOn {
    /// YYYY-MM-DD (default: today)
    pub missing_on: Option<String>,
}

#[utoipa::path(get, path = "/resumption", tag = "pages", params(ReportQuery, MissingOn), responses((status = 200, description = "resumption figures over time", body = String, content_type = "text/html")))]
pub async fn figures_page(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiQuery(q): ApiQuery<ReportQuery>,
    ApiQuery(m): ApiQuery<MissingOn>,
) -> Result<Response, AppError> {
    let cx = s.work();
    let series = uc::series(&cx, &user.actor, &q).await?;
    let missing_on = m.missing_on.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| cx.today_text());
    let mut may_see_missing = true;
    let missing = match uc::missing(&cx, &user.actor, Some(&missing_on), &PageRequest { page: Some(1), per_page: Some(50) }).await {
        Ok(page) => page,
        Err(AppError::Forbidden(_)) => {
            may_see_missing = false;
            crate::store::Page { items: Vec::new(), total: 0, page: 1, per_page: 50 }
        }
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
        industry: q.industry.clone().unwrap_or_default(),
        industries: crate::store::resumption::industries(&s.db, 200).await?,
        missing_on,
        may_see_missing,
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
    let pager = Pager::new(&page, "/status-reports", &[("enterprise_id", q.enterprise_id.map(|e| e.to_string()).unwrap_or_default())]).with_typed_export();
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

/// A listed enterprise on the page, with its team form's choices.
struct GreenRow {
    g: GreenListed,
    /// every cadre, the team's members selected
    members: Vec<Choice>,
    /// every cadre, the lead selected
    lead: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "resumption/green_list.html")]
struct GreenPage {
    c: super::Chrome,
    rows: Vec<GreenRow>,
    pager: Pager,
    may_manage: bool,
    candidates: Vec<Choice>,
    history: bool,
    /// a refused team or removal (a row's form): above the list
    error: String,
    /// the add form's errors, beside its fields, and what it held
    add_errors: FormErrors,
    add_reason: String,
}

/// What the green-list page shows besides the list: a refusal and the add form's state.
#[derive(Default)]
struct GreenState {
    error: String,
    add_errors: FormErrors,
    add_enterprise: String,
    add_reason: String,
}

async fn green(s: &AppState, user: &PageUser, lang: Lang, history: bool, page: PageRequest, st: GreenState) -> Result<Response, AppError> {
    let cx = s.work();
    let list = greenlist::view(&cx, &user.actor, history, &page).await?;
    let pager = Pager::new(&list, "/green-list", &[("history", if history { "true".into() } else { String::new() })]);
    let may_manage = matches!(user.actor.role, Role::Admin | Role::Leader);
    let mut candidates = Vec::new();
    let mut cadres = Vec::new();
    if may_manage {
        for kind in [EnterpriseKind::ForeignTrade, EnterpriseKind::Industrial] {
            let filter = EnterpriseFilter { kind: Some(kind), ..EnterpriseFilter::default() };
            let page = crate::app::registry::list_enterprises(&s.db, &user.actor, filter, &PageRequest { page: Some(1), per_page: Some(200) }).await?;
            candidates.extend(
                page.items
                    .into_iter()
                    .filter(|e| !list.items.iter().any(|g| g.entry.enterprise_id == e.id))
                    .map(|e| Choice::new(e.id, &e.name, &st.add_enterprise)),
            );
        }
        cadres =
            crate::app::registry::list_cadres(&s.db, &user.actor, None, &PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) }).await?.items;
    }
    let label = |c: &crate::store::registry::Cadre| match &c.department_name {
        Some(d) => format!("{}（{}，{}）", c.name, d, c.rank),
        None => format!("{}（{}）", c.name, c.rank),
    };
    let rows = list
        .items
        .into_iter()
        .map(|g| {
            let lead = g.team.iter().find(|m| m.is_lead == 1).map(|m| m.cadre_id.to_string()).unwrap_or_default();
            let members =
                cadres.iter().map(|c| Choice { value: c.id.to_string(), label: label(c), selected: g.team.iter().any(|m| m.cadre_id == c.id) }).collect();
            let lead = cadres.iter().map(|c| Choice::new(c.id, label(c), &lead)).collect();
            GreenRow { g, members, lead }
        })
        .collect();
    let failed = !st.error.is_empty() || st.add_errors.any();
    let mut response = render(&GreenPage {
        c: chrome(s, user, lang, "/green-list").await,
        rows,
        pager,
        may_manage,
        candidates,
        history,
        error: st.error,
        add_errors: st.add_errors,
        add_reason: st.add_reason,
    })?;
    if failed {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/green-list", tag = "pages", params(GreenQuery), responses((status = 200, description = "the green list", body = String, content_type = "text/html")))]
pub async fn green_list_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<GreenQuery>) -> Result<Response, AppError> {
    green(&s, &user, lang, q.history.unwrap_or(false), PageRequest { page: q.page, per_page: q.per_page }, GreenState::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct GreenForm {
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub reason: String,
}

/// A page-level refusal of a green-list action: the list again, with the message.
async fn green_error(s: &AppState, user: &PageUser, lang: Lang, e: AppError) -> Result<Response, AppError> {
    match e {
        AppError::Validation(_) | AppError::Conflict { .. } | AppError::NotFound(_) => {
            green(s, user, lang, false, PageRequest { page: None, per_page: None }, GreenState { error: e.to_string(), ..GreenState::default() }).await
        }
        other => Err(other),
    }
}

#[utoipa::path(post, path = "/green-list", tag = "pages", responses((status = 303, description = "listed"), (status = 422, description = "the list again, the message beside the field", body = String, content_type = "text/html")))]
pub async fn add_green(State(s): State<AppState>, lang: Lang, form: CsrfForm<GreenForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = ListingInput { enterprise_id: f.enterprise_id.trim().parse().unwrap_or(0), on: None, reason: f.reason.clone() };
    match greenlist::add(&s.work(), &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/green-list").into_response()),
        Err(e) => {
            let st = GreenState { add_errors: FormErrors::from_app_error(e)?, add_enterprise: f.enterprise_id, add_reason: f.reason, ..GreenState::default() };
            green(&s, &user, lang, false, PageRequest { page: None, per_page: None }, st).await
        }
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
pub async fn set_team(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(enterprise_id): ApiPath<i64>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form: pairs } = form;
    // the picker sends one `members` per cadre chosen
    let members = pairs.iter().filter(|(k, _)| k == "members").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let lead = pairs.iter().find(|(k, _)| k == "lead").and_then(|(_, v)| v.trim().parse().ok()).unwrap_or(0);
    let input = TeamInput { members, lead };
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
    may_configure: bool,
}

#[utoipa::path(get, path = "/commitments", tag = "pages", params(CommitmentQuery), responses((status = 200, description = "commitments", body = String, content_type = "text/html")))]
pub async fn commitments_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<CommitmentQuery>) -> Result<Response, AppError> {
    let page =
        commitment::list(&s.work(), &user.actor, q.state.as_deref().filter(|s| !s.is_empty()), &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let pager = Pager::new(&page, "/commitments", &[("state", q.state.clone().unwrap_or_default())]);
    let may_submit = matches!(user.actor.role, Role::Enterprise | Role::Township | Role::Leader | Role::Admin);
    let may_configure = user.actor.role == Role::Admin;
    render(&CommitmentsPage { c: chrome(&s, &user, lang, "/commitments").await, rows: page.items, pager, may_submit, may_configure })
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
    /// the latest draws (or the one shown), with their seeds
    draws: Vec<DrawRow>,
    /// the categories a failed check's order may be filed under
    categories: Vec<Choice>,
}

async fn checks(s: &AppState, user: &PageUser, lang: Lang, q: &CheckQuery, error: String) -> Result<Response, AppError> {
    let cx = s.work();
    let page = commitment::list_checks(&cx, &user.actor, q.draw_id, &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let pager = Pager::new(&page, "/spot-checks", &[("draw_id", q.draw_id.map(|d| d.to_string()).unwrap_or_default())]);
    let may_draw = matches!(user.actor.role, Role::Admin | Role::Leader);
    let draws = match q.draw_id {
        Some(id) => vec![commitment::show_draw(&cx, &user.actor, id).await?.draw],
        None => commitment::list_draws(&cx, &user.actor, &PageRequest { page: Some(1), per_page: Some(10) }).await?.items,
    };
    let categories =
        crate::app::workorder::list_categories(&s.db).await?.into_iter().map(|c| Choice::new(&c.code, &c.name, commitment::DEFAULT_CHECK_CATEGORY)).collect();
    let mut response =
        render(&ChecksPage { c: chrome(s, user, lang, "/spot-checks").await, rows: page.items, pager, may_draw, error: error.clone(), draws, categories })?;
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

#[derive(Template)]
#[template(path = "resumption/green_limits.html")]
struct LimitsPage {
    c: super::Chrome,
    sign_percent: String,
    resolve_percent: String,
    may_set: bool,
    errors: FormErrors,
}

async fn limits_form(s: &AppState, user: &PageUser, lang: Lang, values: Option<(String, String)>, errors: FormErrors) -> Result<Response, AppError> {
    let current = greenlist::limits(&s.work(), &user.actor).await?;
    let (sign_percent, resolve_percent) = values.unwrap_or((current.sign_percent.to_string(), current.resolve_percent.to_string()));
    let page = LimitsPage { c: chrome(s, user, lang, "/green-list").await, sign_percent, resolve_percent, may_set: user.actor.role == Role::Admin, errors };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/green-list/limits", tag = "pages", responses((status = 200, description = "the green list's limits, and the administrator's form", body = String, content_type = "text/html")))]
pub async fn green_limits_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    limits_form(&s, &user, lang, None, FormErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct LimitsForm {
    #[serde(default)]
    pub sign_percent: String,
    #[serde(default)]
    pub resolve_percent: String,
}

#[utoipa::path(post, path = "/green-list/limits", tag = "pages", responses((status = 303, description = "set"), (status = 422, description = "the form again, the message beside the field", body = String, content_type = "text/html")))]
pub async fn set_green_limits(State(s): State<AppState>, lang: Lang, form: CsrfForm<LimitsForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    // not a number: the same message as a number out of range, beside its field
    let number = |v: &str| v.trim().parse::<i64>().unwrap_or(-1);
    let input = GreenLimits { sign_percent: number(&f.sign_percent), resolve_percent: number(&f.resolve_percent) };
    match greenlist::set_limits(&s.work(), &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/green-list/limits").into_response()),
        Err(e) => limits_form(&s, &user, lang, Some((f.sign_percent, f.resolve_percent)), FormErrors::from_app_error(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "resumption/checklist.html")]
struct ChecklistPage {
    c: super::Chrome,
    items: Vec<ChecklistItem>,
    text: String,
    sort: String,
    errors: FormErrors,
    /// a refused edit of a listed item
    error: String,
}

async fn checklist_form(
    s: &AppState,
    user: &PageUser,
    lang: Lang,
    text: String,
    sort: String,
    errors: FormErrors,
    error: String,
) -> Result<Response, AppError> {
    let items = commitment::checklist_all(&s.work(), &user.actor).await?;
    let page = ChecklistPage { c: chrome(s, user, lang, "/commitments").await, items, text, sort, errors, error };
    let mut response = render(&page)?;
    if page.errors.any() || !page.error.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/commitment-checklist", tag = "pages", responses((status = 200, description = "the commitment checklist and its forms (administrator)", body = String, content_type = "text/html")))]
pub async fn checklist_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    checklist_form(&s, &user, lang, String::new(), String::new(), FormErrors::default(), String::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ChecklistForm {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub sort: String,
    /// "true" or "false" from the (de)activate buttons; absent keeps the state
    #[serde(default)]
    pub active: String,
}

impl ChecklistForm {
    fn input(&self) -> Result<ChecklistInput, AppError> {
        let sort = match self.sort.trim() {
            "" => None,
            t => Some(t.parse::<i64>().map_err(|_| AppError::field("sort", "排序应为0到1000之间的整数"))?),
        };
        let active = match self.active.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        Ok(ChecklistInput { text: self.text.clone(), sort, active })
    }
}

#[utoipa::path(post, path = "/commitment-checklist", tag = "pages", responses((status = 303, description = "added"), (status = 422, description = "the form again, the message beside the field", body = String, content_type = "text/html")))]
pub async fn add_checklist_item(State(s): State<AppState>, lang: Lang, form: CsrfForm<ChecklistForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.input() {
        Ok(input) => commitment::add_item(&s.work(), &user.actor, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/commitment-checklist").into_response()),
        Err(e) => checklist_form(&s, &user, lang, f.text, f.sort, FormErrors::from_app_error(e)?, String::new()).await,
    }
}

#[utoipa::path(post, path = "/commitment-checklist/{id}", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "edited"), (status = 422, description = "the list again, with the message", body = String, content_type = "text/html")))]
pub async fn edit_checklist_item(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<ChecklistForm>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.input() {
        Ok(input) => commitment::edit_item(&s.work(), &user.actor, id, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/commitment-checklist").into_response()),
        Err(e @ AppError::Validation(_)) => checklist_form(&s, &user, lang, String::new(), String::new(), FormErrors::default(), e.to_string()).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "resumption/commitment.html")]
struct CommitmentPage {
    c: super::Chrome,
    d: CommitmentDetail,
}

#[utoipa::path(get, path = "/commitments/{id}", tag = "pages", params(("id" = i64, Path)), responses((status = 200, description = "a commitment with its timeline", body = String, content_type = "text/html")))]
pub async fn commitment_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let d = commitment::show(&s.work(), &user.actor, id).await?;
    render(&CommitmentPage { c: chrome(&s, &user, lang, "/commitments").await, d })
}
