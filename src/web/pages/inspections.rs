//! Inspection pages (督导检查 / 整改): campaigns with their figures and the form
//! to add one, sites, inspections with their findings, the form to record an
//! inspection, re-inspection, and the list of findings (a department's
//! rectification queue).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Choice, Chrome, FormErrors, Pager, chinese_date, chrome, render};
use crate::app::clock::{date_text, parse_date};
use crate::app::inspection::{self as uc, CampaignInput, FindingInput, InspectionInput, RecheckInput, SiteInput, TallyInput};
use crate::app::{registry, workorder};
use crate::domain::Role;
use crate::domain::inspection::{FindingStatus, InspectionResult, SiteKind, TallyKind};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::inspection::{Campaign, Finding, Inspection, Recheck, Site, TallyEntry};
use crate::web::AppState;
use crate::web::api::inspections::{FindingQuery, InspectionQuery, SiteQuery};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// The inspection pages, merged into the router at its capability merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(campaigns_page, create_campaign))
        .routes(routes!(campaign_page))
        .routes(routes!(add_tally_entry))
        .routes(routes!(confirm_void_tally, void_tally))
        .routes(routes!(sites_page, create_site))
        .routes(routes!(new_site))
        .routes(routes!(inspections_page, record_inspection))
        .routes(routes!(new_inspection))
        .routes(routes!(inspection_page))
        .routes(routes!(recheck_finding))
        .routes(routes!(findings_page))
}

/// The words of these pages, Chinese and English.
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.campaigns", "专项行动", "Campaigns"),
    ("nav.inspections", "督导检查", "Inspections"),
    ("nav.findings", "问题整改", "Rectification"),
    ("nav.sites", "检查点位", "Sites"),
    ("site_kind.residential", "小区", "Residential community"),
    ("site_kind.village", "村庄", "Village"),
    ("site_kind.supermarket", "商超", "Supermarket"),
    ("site_kind.enterprise", "企业", "Enterprise"),
    ("site_kind.river_pond", "河道坑塘", "River / pond"),
    ("site_kind.road", "道路", "Road"),
    ("site_kind.other", "其他", "Other"),
    ("insp_result.passed", "合格", "Passed"),
    ("insp_result.problems", "发现问题", "Problems found"),
    ("finding_status.open", "整改中", "Being rectified"),
    ("finding_status.verified", "整改到位", "Verified"),
    ("finding_status.not_verified", "整改不到位", "Not rectified"),
    ("tally.volunteers", "组织志愿者", "Volunteers mobilised"),
    ("tally.proposal_letters", "发出倡议书", "Proposal letters sent"),
    ("tally.materials", "编印宣传资料", "Materials printed"),
    ("tally.rectified_residential", "整治小区", "Communities rectified"),
    ("tally.rectified_village", "整治村庄", "Villages rectified"),
    ("tally.rectified_supermarket", "整治商超", "Supermarkets rectified"),
    ("tally.rectified_enterprise", "整治企业", "Enterprises rectified"),
    ("tally.rectified_river_pond", "整治河道坑塘", "Rivers and ponds rectified"),
    ("tally.rectified_road", "整治道路", "Roads rectified"),
    ("tally.rectified_other", "整治其他点位", "Other sites rectified"),
    ("tally.refuse_m3", "清除垃圾", "Refuse cleared"),
    ("tally.disinfection", "消毒消杀", "Disinfection rounds"),
    ("tally_unit.volunteers", "人", "people"),
    ("tally_unit.proposal_letters", "份", "copies"),
    ("tally_unit.materials", "份", "copies"),
    ("tally_unit.rectified_residential", "个", "sites"),
    ("tally_unit.rectified_village", "个", "sites"),
    ("tally_unit.rectified_supermarket", "个", "sites"),
    ("tally_unit.rectified_enterprise", "个", "sites"),
    ("tally_unit.rectified_river_pond", "个", "sites"),
    ("tally_unit.rectified_road", "条", "roads"),
    ("tally_unit.rectified_other", "个", "sites"),
    ("tally_unit.refuse_m3", "立方米", "m³"),
    ("tally_unit.disinfection", "次", "rounds"),
    ("campaigns.title", "专项行动", "Campaigns"),
    ("campaigns.new", "新建专项行动", "New campaign"),
    ("campaigns.empty", "还没有专项行动。领导或管理员可在下方新建。", "No campaign yet. A leader or administrator can open one below."),
    ("campaigns.name", "名称", "Name"),
    ("campaigns.description", "说明", "Description"),
    ("campaigns.started_on", "开始日期", "Started"),
    ("campaigns.ended_on", "结束日期", "Ended"),
    ("campaigns.ongoing", "进行中", "Ongoing"),
    ("campaigns.as_of", "统计截至", "As of"),
    ("campaigns.figures", "工作成效", "Figures"),
    ("campaigns.inspected", "督导检查重点区域", "Key sites inspected"),
    ("campaigns.inspections", "检查次数", "Inspections"),
    ("campaigns.found", "发现问题", "Problems found"),
    ("campaigns.assigned", "已交办问题", "Problems assigned"),
    ("campaigns.entries", "统计台账", "Tally entries"),
    ("campaigns.entries_empty", "还没有统计数据。可在下方登记。", "No entries yet. Add one below."),
    ("campaigns.add_entry", "登记统计数据", "Add an entry"),
    ("campaigns.entry_on", "统计日期", "Date"),
    ("campaigns.kind", "统计项目", "Figure"),
    ("campaigns.quantity", "数量", "Quantity"),
    ("campaigns.note", "备注", "Note"),
    ("campaigns.reporter", "填报乡镇办", "Reported by"),
    ("campaigns.void", "作废", "Void"),
    ("campaigns.voided", "已作废", "Voided"),
    ("campaigns.void_reason", "作废原因", "Reason"),
    ("campaigns.void_question", "作废后该条数据不再计入统计，但保留记录。确定作废吗？", "A voided entry no longer counts but stays on record. Void it?"),
    ("campaigns.void_title", "作废统计数据", "Void an entry"),
    ("sites.title", "检查点位", "Inspection sites"),
    ("sites.new", "新增点位", "Add a site"),
    ("sites.empty", "没有符合条件的点位。可调整筛选条件，或新增点位。", "No site matches. Change the filters or add a site."),
    ("sites.name", "点位名称", "Site"),
    ("sites.kind", "点位类型", "Kind"),
    ("sites.address", "地址", "Address"),
    ("sites.enterprise", "所属企业", "Enterprise"),
    ("sites.inspections", "检查次数", "Inspections"),
    ("sites.inspect", "检查", "Inspect"),
    ("sites.keyword", "名称或地址", "Name or address"),
    ("inspections.title", "督导检查", "Inspections"),
    ("inspections.new", "登记检查", "Record an inspection"),
    (
        "inspections.empty",
        "没有符合条件的检查记录。可调整筛选条件，或从点位列表登记一次检查。",
        "No inspection matches. Change the filters or record one from the site list.",
    ),
    ("inspections.campaign", "专项行动", "Campaign"),
    ("inspections.site", "检查点位", "Site"),
    ("inspections.date", "检查日期", "Date"),
    ("inspections.inspectors", "检查人员", "Inspectors"),
    ("inspections.result", "检查结果", "Result"),
    ("inspections.notes", "检查情况", "Notes"),
    ("inspections.findings", "发现问题", "Problems found"),
    ("inspections.finding", "问题", "Problem"),
    ("inspections.finding_description", "问题描述", "Description"),
    ("inspections.category", "问题类别", "Category"),
    ("inspections.department", "责任单位", "Responsible unit"),
    (
        "inspections.findings_hint",
        "每个问题将生成一张工单并交办给责任单位；不需要的行留空。检查结果按是否登记问题自动判定。",
        "Each problem becomes a work order assigned to its unit; leave unused rows empty. The result follows from the problems recorded.",
    ),
    ("inspections.choose_site", "请从点位列表选择要检查的点位，或在此选择：", "Choose the site from the site list, or here:"),
    ("inspections.order", "工单", "Order"),
    ("inspections.order_state", "办理状态", "Order state"),
    ("inspections.status", "整改情况", "Rectification"),
    ("inspections.no_findings", "本次检查未发现问题。", "This inspection found no problem."),
    ("inspections.recheck", "复查", "Re-inspection"),
    ("inspections.rechecks", "复查记录", "Re-inspections"),
    ("inspections.recheck_date", "复查日期", "Date"),
    ("inspections.recheck_inspectors", "复查人员", "Inspectors"),
    ("inspections.verified", "整改到位", "Rectified"),
    ("inspections.not_verified", "整改不到位", "Not rectified"),
    ("inspections.recheck_note", "复查情况", "Notes"),
    (
        "inspections.recheck_hint",
        "承办部门办结后复查：到位则工单办结；不到位则退回部门重新整改（领导对在办工单可督办）。",
        "Re-inspect once the department has resolved it: rectified closes the order; not rectified sends it back (a leader may supervise an open order).",
    ),
    ("findings.title", "问题整改", "Rectification of problems"),
    ("findings.empty", "没有符合条件的问题。", "No problem matches."),
    ("findings.awaiting", "待复查", "Awaiting re-inspection"),
];

fn choices_with_all(lang: Lang, current: &str, items: impl IntoIterator<Item = (String, String)>) -> Vec<Choice> {
    let mut out = vec![Choice::new("", lang.t("common.all"), current)];
    out.extend(items.into_iter().map(|(v, l)| Choice::new(v, l, current)));
    out
}

fn site_kind_choices(lang: Lang, current: &str, with_all: bool) -> Vec<Choice> {
    let kinds = SiteKind::ALL.iter().map(|k| (k.code().to_string(), lang.label("site_kind", k.code()).to_string()));
    if with_all { choices_with_all(lang, current, kinds) } else { kinds.map(|(v, l)| Choice::new(v, l, current)).collect() }
}

async fn township_choices(s: &AppState, user: &PageUser, lang: Lang, current: &str, with_all: bool) -> Result<Vec<Choice>, AppError> {
    let townships = registry::list_townships(&s.db, &user.actor)
        .await?
        .into_iter()
        .filter(|t| user.actor.role != Role::Township || Some(t.id) == user.actor.township_id)
        .map(|t| (t.id.to_string(), t.name));
    Ok(if with_all && user.actor.role != Role::Township {
        choices_with_all(lang, current, townships)
    } else {
        townships.map(|(v, l)| Choice::new(v, l, current)).collect()
    })
}

fn may_record(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader | Role::Township)
}

fn id_or_none(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// A whole number from a form field, or a field error naming it.
fn whole(field: &'static str, text: &str) -> Result<i64, AppError> {
    text.trim().parse().map_err(|_| AppError::field(field, "请填写整数"))
}

// ---- campaigns ----------------------------------------------------------------

struct CampaignRow {
    c: Campaign,
    started: String,
    ended: String,
}

#[derive(Template)]
#[template(path = "inspections/campaigns.html")]
struct CampaignsPage {
    c: Chrome,
    rows: Vec<CampaignRow>,
    may_create: bool,
    f: CampaignForm,
    errors: FormErrors,
}

/// The campaign form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub ended_on: String,
}

async fn campaigns_view(s: &AppState, user: &PageUser, lang: Lang, f: CampaignForm, errors: FormErrors) -> Result<Response, AppError> {
    let rows = uc::list_campaigns(&s.db, &user.actor)
        .await?
        .into_iter()
        .map(|c| CampaignRow {
            started: parse_date(&c.started_on).map(chinese_date).unwrap_or_default(),
            ended: c.ended_on.as_deref().and_then(|d| parse_date(d).ok()).map(chinese_date).unwrap_or_default(),
            c,
        })
        .collect();
    let page =
        CampaignsPage { c: chrome(s, user, lang, "/campaigns").await, rows, may_create: matches!(user.actor.role, Role::Admin | Role::Leader), f, errors };
    with_status(render(&page)?, page.errors.any())
}

/// A form shown again with its messages answers 422.
fn with_status(mut response: Response, invalid: bool) -> Result<Response, AppError> {
    if invalid {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/campaigns", tag = "pages", responses((status = 200, description = "the campaigns", body = String, content_type = "text/html")))]
pub async fn campaigns_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let today = date_text(s.work().today());
    campaigns_view(&s, &user, lang, CampaignForm { started_on: today, ..CampaignForm::default() }, FormErrors::default()).await
}

#[utoipa::path(post, path = "/campaigns", tag = "pages",
    responses((status = 303, description = "opened; to the campaign"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_campaign(State(s): State<AppState>, lang: Lang, form: CsrfForm<CampaignForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = CampaignInput {
        name: f.name.clone(),
        description: f.description.clone(),
        started_on: f.started_on.clone(),
        ended_on: Some(f.ended_on.clone()).filter(|d| !d.trim().is_empty()),
    };
    match uc::create_campaign(&s.db, &user.actor, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response()),
        Err(e) => campaigns_view(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

struct TotalRow {
    label: &'static str,
    unit: &'static str,
    total: i64,
}

struct EntryRow {
    e: TallyEntry,
    day: String,
    kind: &'static str,
    unit: &'static str,
    may_void: bool,
}

#[derive(Template)]
#[template(path = "inspections/campaign.html")]
struct CampaignPage {
    c: Chrome,
    campaign: Campaign,
    as_of: String,
    as_of_label: String,
    totals: Vec<TotalRow>,
    inspections: i64,
    sites: i64,
    found: i64,
    assigned: i64,
    entries: Vec<EntryRow>,
    pager: Pager,
    may_add: bool,
    f: TallyForm,
    errors: FormErrors,
    kinds: Vec<Choice>,
}

/// Which day the figures are summed to, and which page of entries.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct CampaignQuery {
    /// YYYY-MM-DD (default today)
    pub as_of: Option<String>,
    pub page: Option<i64>,
}

/// The tally form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct TallyForm {
    #[serde(default)]
    pub entry_on: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub note: String,
}

async fn campaign_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, q: &CampaignQuery, f: TallyForm, errors: FormErrors) -> Result<Response, AppError> {
    let campaign = uc::get_campaign(&s.db, &user.actor, id).await?;
    let day = match q.as_of.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date(d).map_err(|_| AppError::field("as_of", "日期格式应为 YYYY-MM-DD"))?,
        None => s.work().today(),
    };
    let tallies = uc::tallies_as_of(&s.db, &user.actor, Some(id), day).await?;
    let totals =
        tallies.totals.iter().map(|t| TotalRow { label: lang.label("tally", &t.kind), unit: lang.label("tally_unit", &t.kind), total: t.total }).collect();
    let page = uc::list_tallies(&s.db, &user.actor, id, &PageRequest { page: q.page, per_page: Some(20) }).await?;
    let pager = Pager::new(&page, &format!("/campaigns/{id}"), &[("as_of", q.as_of.clone().unwrap_or_default())]);
    let may_add = may_record(user.actor.role);
    let entries = page
        .items
        .into_iter()
        .map(|e| EntryRow {
            day: parse_date(&e.entry_on).map(chinese_date).unwrap_or_default(),
            kind: lang.label("tally", &e.kind),
            unit: lang.label("tally_unit", &e.kind),
            may_void: may_add && e.voided_at.is_none(),
            e,
        })
        .collect();
    let kinds = TallyKind::ALL.iter().map(|k| Choice::new(k.code(), lang.label("tally", k.code()), &f.kind)).collect();
    let view = CampaignPage {
        c: chrome(s, user, lang, "/campaigns").await,
        campaign,
        as_of: date_text(day),
        as_of_label: chinese_date(day),
        totals,
        inspections: tallies.inspections.inspections,
        sites: tallies.inspections.sites,
        found: tallies.inspections.findings,
        assigned: tallies.inspections.assigned,
        entries,
        pager,
        may_add,
        f,
        errors,
        kinds,
    };
    with_status(render(&view)?, view.errors.any())
}

#[utoipa::path(get, path = "/campaigns/{id}", tag = "pages", params(("id" = i64, Path), CampaignQuery),
    responses((status = 200, description = "a campaign's figures as of a day and its tally entries", body = String, content_type = "text/html")))]
pub async fn campaign_page(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> Result<Response, AppError> {
    let f = TallyForm { entry_on: date_text(s.work().today()), ..TallyForm::default() };
    campaign_view(&s, &user, lang, id, &q, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/campaigns/{id}/tally-entries", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "added; back to the campaign"), (status = 422, description = "the campaign again, with messages", body = String, content_type = "text/html")))]
pub async fn add_tally_entry(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<TallyForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match whole("quantity", &f.quantity) {
        Ok(quantity) => {
            let input = TallyInput { entry_on: f.entry_on.clone(), kind: f.kind.clone(), quantity, note: f.note.clone(), township_id: None };
            uc::add_tally(&s.work(), &user.actor, id, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(e) => campaign_view(&s, &user, lang, id, &CampaignQuery::default(), f, FormErrors::from_app_error(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "inspections/void.html")]
struct VoidPage {
    c: Chrome,
    e: TallyEntry,
    day: String,
    kind: &'static str,
    unit: &'static str,
    reason: String,
    error: String,
}

/// The void form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    pub reason: String,
}

async fn void_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, reason: String, error: String) -> Result<Response, AppError> {
    let e = uc::get_tally(&s.db, &user.actor, id).await?;
    let page = VoidPage {
        c: chrome(s, user, lang, "/campaigns").await,
        day: parse_date(&e.entry_on).map(chinese_date).unwrap_or_default(),
        kind: lang.label("tally", &e.kind),
        unit: lang.label("tally_unit", &e.kind),
        e,
        reason,
        error,
    };
    with_status(render(&page)?, !page.error.is_empty())
}

#[utoipa::path(get, path = "/tally-entries/{id}/void", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before voiding an entry", body = String, content_type = "text/html")))]
pub async fn confirm_void_tally(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    // the question only for those who may void (a township: its own entries, as the view checks)
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    void_view(&s, &user, lang, id, String::new(), String::new()).await
}

#[utoipa::path(post, path = "/tally-entries/{id}/void", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "voided; back to the campaign"), (status = 422, description = "the question again, with the message", body = String, content_type = "text/html")))]
pub async fn void_tally(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<VoidForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::void_tally(&s.db, &user.actor, id, &f.reason).await {
        Ok(e) => Ok(Redirect::to(&format!("/campaigns/{}", e.campaign_id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => void_view(&s, &user, lang, id, f.reason, e.to_string()).await,
        Err(e) => Err(e),
    }
}

// ---- sites ----------------------------------------------------------------------

struct SiteRow {
    s: Site,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "inspections/sites.html")]
struct SitesPage {
    c: Chrome,
    rows: Vec<SiteRow>,
    pager: Pager,
    q: String,
    kinds: Vec<Choice>,
    townships: Vec<Choice>,
    may_record: bool,
}

#[utoipa::path(get, path = "/sites", tag = "pages", params(SiteQuery),
    responses((status = 200, description = "the inspection sites of the user's scope", body = String, content_type = "text/html")))]
pub async fn sites_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<SiteQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter()?;
    let page = uc::list_sites(&s.db, &user.actor, filter, &page_req).await?;
    let kind = q.kind.clone().unwrap_or_default();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let pager = Pager::new(&page, "/sites", &[("kind", kind.clone()), ("township_id", township.clone()), ("q", q.q.clone().unwrap_or_default())]);
    let rows = page.items.into_iter().map(|site| SiteRow { kind: lang.label("site_kind", &site.kind), s: site }).collect();
    render(&SitesPage {
        c: chrome(&s, &user, lang, "/sites").await,
        rows,
        pager,
        q: q.q.clone().unwrap_or_default(),
        kinds: site_kind_choices(lang, &kind, true),
        townships: township_choices(&s, &user, lang, &township, true).await?,
        may_record: may_record(user.actor.role),
    })
}

/// The site form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct SiteForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
}

#[derive(Template)]
#[template(path = "inspections/site_form.html")]
struct SiteFormPage {
    c: Chrome,
    f: SiteForm,
    errors: FormErrors,
    kinds: Vec<Choice>,
    townships: Vec<Choice>,
}

async fn site_form(s: &AppState, user: &PageUser, lang: Lang, f: SiteForm, errors: FormErrors) -> Result<Response, AppError> {
    if !may_record(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能新增检查点位"));
    }
    let mut kinds = vec![Choice::new("", lang.t("orders.choose"), &f.kind)];
    kinds.extend(site_kind_choices(lang, &f.kind, false));
    let townships = township_choices(s, user, lang, &f.township_id, false).await?;
    let page = SiteFormPage { c: chrome(s, user, lang, "/sites").await, f, errors, kinds, townships };
    with_status(render(&page)?, page.errors.any())
}

#[utoipa::path(get, path = "/sites/new", tag = "pages", responses((status = 200, description = "the form for a new site", body = String, content_type = "text/html")))]
pub async fn new_site(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let f = SiteForm { township_id: user.actor.township_id.map(|t| t.to_string()).unwrap_or_default(), ..SiteForm::default() };
    site_form(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/sites", tag = "pages",
    responses((status = 303, description = "added; to the site list"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_site(State(s): State<AppState>, lang: Lang, form: CsrfForm<SiteForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input =
        SiteInput { kind: f.kind.clone(), township_id: id_or_none(&f.township_id), name: f.name.clone(), address: f.address.clone(), enterprise_id: None };
    match uc::create_site(&s.db, &user.actor, &input).await {
        Ok(site) => Ok(Redirect::to(&format!("/sites?township_id={}&q={}", site.township_id, crate::web::error::urlencode(&site.name))).into_response()),
        Err(e) => site_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

// ---- inspections ------------------------------------------------------------------

struct InspectionRow {
    i: Inspection,
    day: String,
    kind: &'static str,
    result: &'static str,
}

fn inspection_row(lang: Lang, i: Inspection) -> InspectionRow {
    InspectionRow {
        day: parse_date(&i.inspected_on).map(chinese_date).unwrap_or_default(),
        kind: lang.label("site_kind", &i.site_kind),
        result: lang.label("insp_result", &i.result),
        i,
    }
}

#[derive(Template)]
#[template(path = "inspections/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<InspectionRow>,
    pager: Pager,
    campaigns: Vec<Choice>,
    townships: Vec<Choice>,
    results: Vec<Choice>,
    from: String,
    to: String,
    may_record: bool,
}

#[utoipa::path(get, path = "/inspections", tag = "pages", params(InspectionQuery),
    responses((status = 200, description = "inspections of the user's scope", body = String, content_type = "text/html")))]
pub async fn inspections_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<InspectionQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter()?;
    let page = uc::list_inspections(&s.db, &user.actor, filter, &page_req).await?;
    let campaign = q.campaign_id.map(|c| c.to_string()).unwrap_or_default();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let result = q.result.clone().unwrap_or_default();
    let params = [
        ("campaign_id", campaign.clone()),
        ("township_id", township.clone()),
        ("site_id", q.site_id.map(|t| t.to_string()).unwrap_or_default()),
        ("result", result.clone()),
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
    ];
    let pager = Pager::new(&page, "/inspections", &params);
    let campaigns = uc::list_campaigns(&s.db, &user.actor).await?.into_iter().map(|c| (c.id.to_string(), c.name));
    let results = InspectionResult::ALL.iter().map(|r| (r.code().to_string(), lang.label("insp_result", r.code()).to_string()));
    let townships = if user.actor.role == Role::Department { Vec::new() } else { township_choices(&s, &user, lang, &township, true).await? };
    render(&ListPage {
        c: chrome(&s, &user, lang, "/inspections").await,
        rows: page.items.into_iter().map(|i| inspection_row(lang, i)).collect(),
        pager,
        campaigns: choices_with_all(lang, &campaign, campaigns),
        townships,
        results: choices_with_all(lang, &result, results),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        may_record: may_record(user.actor.role),
    })
}

/// The inspection form as posted: three finding rows, unused ones left empty.
#[derive(Debug, Default, Deserialize)]
pub struct InspectionForm {
    #[serde(default)]
    pub campaign_id: String,
    #[serde(default)]
    pub site_id: String,
    #[serde(default)]
    pub inspected_on: String,
    #[serde(default)]
    pub inspectors: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub title_1: String,
    #[serde(default)]
    pub category_1: String,
    #[serde(default)]
    pub department_1: String,
    #[serde(default)]
    pub title_2: String,
    #[serde(default)]
    pub category_2: String,
    #[serde(default)]
    pub department_2: String,
    #[serde(default)]
    pub title_3: String,
    #[serde(default)]
    pub category_3: String,
    #[serde(default)]
    pub department_3: String,
}

impl InspectionForm {
    fn rows(&self) -> [(&String, &String, &String); 3] {
        [
            (&self.title_1, &self.category_1, &self.department_1),
            (&self.title_2, &self.category_2, &self.department_2),
            (&self.title_3, &self.category_3, &self.department_3),
        ]
    }

    fn input(&self) -> InspectionInput {
        let findings = self
            .rows()
            .into_iter()
            .filter(|(t, c, d)| !t.trim().is_empty() || !c.trim().is_empty() || !d.trim().is_empty())
            .map(|(t, c, d)| FindingInput { title: t.clone(), description: String::new(), category: c.clone(), department_id: id_or_none(d) })
            .collect();
        InspectionInput {
            campaign_id: id_or_none(&self.campaign_id).unwrap_or(0),
            site_id: id_or_none(&self.site_id).unwrap_or(0),
            inspected_on: self.inspected_on.clone(),
            inspectors: self.inspectors.clone(),
            result: None,
            notes: self.notes.clone(),
            findings,
        }
    }
}

/// The three finding rows of the form, with their choices.
struct FindingRow {
    n: usize,
    title: String,
    categories: Vec<Choice>,
    departments: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "inspections/new.html")]
struct NewPage {
    c: Chrome,
    f: InspectionForm,
    errors: FormErrors,
    site: Option<Site>,
    site_kind: &'static str,
    sites: Vec<Choice>,
    campaigns: Vec<Choice>,
    rows: Vec<FindingRow>,
}

impl NewPage {
    /// The messages about the findings as a whole and about their rows.
    fn finding_errors(&self) -> Vec<&str> {
        ["findings", "result", "findings.title", "findings.category", "findings.department_id"]
            .iter()
            .map(|f| self.errors.get(f))
            .filter(|e| !e.is_empty())
            .collect()
    }
}

/// Which site the new inspection is of.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct NewInspectionQuery {
    pub site_id: Option<i64>,
}

async fn inspection_form(s: &AppState, user: &PageUser, lang: Lang, f: InspectionForm, errors: FormErrors) -> Result<Response, AppError> {
    if !may_record(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能登记督导检查"));
    }
    let site = match id_or_none(&f.site_id) {
        Some(id) => Some(uc::get_site(&s.db, &user.actor, id).await?),
        None => None,
    };
    let sites = if site.is_none() {
        let page = uc::list_sites(&s.db, &user.actor, Default::default(), &PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) }).await?;
        let mut v = vec![Choice::new("", lang.t("orders.choose"), &f.site_id)];
        v.extend(page.items.into_iter().map(|x| Choice::new(x.id, format!("{}·{}", x.township_name, x.name), &f.site_id)));
        v
    } else {
        Vec::new()
    };
    let campaigns = uc::list_campaigns(&s.db, &user.actor).await?.into_iter().map(|c| Choice::new(c.id, c.name, &f.campaign_id)).collect();
    let categories = workorder::list_categories(&s.db).await?;
    let departments = registry::list_departments(&s.db, &user.actor).await?;
    let rows = f
        .rows()
        .iter()
        .enumerate()
        .map(|(i, (title, category, department))| {
            let current_category = if category.is_empty() { uc::DEFAULT_CATEGORY } else { category.as_str() };
            let mut deps = vec![Choice::new("", "—", department)];
            deps.extend(departments.iter().map(|d| Choice::new(d.id, &d.name, department)));
            FindingRow {
                n: i + 1,
                title: (*title).clone(),
                categories: categories.iter().map(|c| Choice::new(&c.code, &c.name, current_category)).collect(),
                departments: deps,
            }
        })
        .collect();
    let page = NewPage {
        c: chrome(s, user, lang, "/inspections").await,
        site_kind: site.as_ref().map(|x| lang.label("site_kind", &x.kind)).unwrap_or(""),
        site,
        sites,
        campaigns,
        rows,
        f,
        errors,
    };
    with_status(render(&page)?, page.errors.any())
}

#[utoipa::path(get, path = "/inspections/new", tag = "pages", params(NewInspectionQuery),
    responses((status = 200, description = "the form to record an inspection", body = String, content_type = "text/html")))]
pub async fn new_inspection(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<NewInspectionQuery>) -> Result<Response, AppError> {
    let campaign = uc::list_campaigns(&s.db, &user.actor).await.unwrap_or_default().first().map(|c| c.id.to_string()).unwrap_or_default();
    let f = InspectionForm {
        site_id: q.site_id.map(|x| x.to_string()).unwrap_or_default(),
        campaign_id: campaign,
        inspected_on: date_text(s.work().today()),
        ..InspectionForm::default()
    };
    inspection_form(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/inspections", tag = "pages",
    responses((status = 303, description = "recorded; to the inspection"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn record_inspection(State(s): State<AppState>, lang: Lang, form: CsrfForm<InspectionForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::record_inspection(&s.work(), &user.actor, &f.input()).await {
        Ok(d) => Ok(Redirect::to(&format!("/inspections/{}", d.inspection.id)).into_response()),
        Err(e) => inspection_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

struct FindingView {
    f: Finding,
    status: &'static str,
    order_state: &'static str,
    rechecks: Vec<RecheckView>,
    may_recheck: bool,
}

struct RecheckView {
    day: String,
    r: Recheck,
}

#[derive(Template)]
#[template(path = "inspections/show.html")]
struct ShowPage {
    c: Chrome,
    i: Inspection,
    day: String,
    kind: &'static str,
    result: &'static str,
    findings: Vec<FindingView>,
    today: String,
    error: String,
}

async fn inspection_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, error: String) -> Result<Response, AppError> {
    let detail = uc::get_inspection(&s.db, &user.actor, id).await?;
    let recorder = may_record(user.actor.role);
    let findings = detail
        .findings
        .into_iter()
        .map(|f| FindingView {
            status: lang.label("finding_status", &f.status),
            order_state: f.order_state.as_deref().map(|st| lang.label("state", st)).unwrap_or(""),
            rechecks: detail
                .rechecks
                .iter()
                .filter(|r| r.finding_id == f.id)
                .map(|r| RecheckView { day: parse_date(&r.checked_on).map(chinese_date).unwrap_or_default(), r: r.clone() })
                .collect(),
            may_recheck: recorder && matches!(f.order_state.as_deref(), Some("resolved" | "assigned" | "in_progress")),
            f,
        })
        .collect();
    let i = detail.inspection;
    let page = ShowPage {
        c: chrome(s, user, lang, "/inspections").await,
        day: parse_date(&i.inspected_on).map(chinese_date).unwrap_or_default(),
        kind: lang.label("site_kind", &i.site_kind),
        result: lang.label("insp_result", &i.result),
        i,
        findings,
        today: date_text(s.work().today()),
        error,
    };
    render(&page)
}

#[utoipa::path(get, path = "/inspections/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "an inspection, its problems, their orders and re-inspections", body = String, content_type = "text/html")))]
pub async fn inspection_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    inspection_view(&s, &user, lang, id, String::new()).await
}

/// The re-inspection form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct RecheckForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub verified: String,
    #[serde(default)]
    pub checked_on: String,
    #[serde(default)]
    pub inspectors: String,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/findings/{id}/recheck", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "recorded; back to the inspection"), (status = 409, description = "the inspection again, with the conflict", body = String, content_type = "text/html"),
        (status = 422, description = "the inspection again, with the message", body = String, content_type = "text/html")))]
pub async fn recheck_finding(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<RecheckForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = RecheckInput {
        version: f.version.trim().parse().unwrap_or(-1),
        verified: f.verified == "true",
        checked_on: f.checked_on.clone(),
        inspectors: f.inspectors.clone(),
        note: f.note.clone(),
    };
    // where to come back to (reading it needs no permission: the use case checks before acting)
    let inspection = {
        let mut conn = s.db.pool().acquire().await?;
        crate::store::inspection::find_finding(&mut conn, id).await?.ok_or(AppError::NotFound("问题"))?.inspection_id
    };
    match uc::recheck_finding(&s.work(), &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/inspections/{inspection}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = axum::http::StatusCode::from_u16(err.status()).unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            let mut page = inspection_view(&s, &user, lang, inspection, err.to_string()).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        Err(other) => Err(other),
    }
}

struct FindingRow2 {
    f: Finding,
    day: String,
    kind: &'static str,
    status: &'static str,
    order_state: &'static str,
}

#[derive(Template)]
#[template(path = "inspections/findings.html")]
struct FindingsPage {
    c: Chrome,
    rows: Vec<FindingRow2>,
    pager: Pager,
    statuses: Vec<Choice>,
    awaiting: bool,
}

#[utoipa::path(get, path = "/findings", tag = "pages", params(FindingQuery),
    responses((status = 200, description = "problems found and their rectification (a department: those it holds)", body = String, content_type = "text/html")))]
pub async fn findings_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<FindingQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter()?;
    let page = uc::list_findings(&s.db, &user.actor, filter, &page_req).await?;
    let status = q.status.clone().unwrap_or_default();
    let awaiting = q.awaiting_recheck == Some(true);
    let pager = Pager::new(&page, "/findings", &[("status", status.clone()), ("awaiting_recheck", if awaiting { "true".into() } else { String::new() })]);
    let rows = page
        .items
        .into_iter()
        .map(|f| FindingRow2 {
            day: parse_date(&f.inspected_on).map(chinese_date).unwrap_or_default(),
            kind: lang.label("site_kind", &f.site_kind),
            status: lang.label("finding_status", &f.status),
            order_state: f.order_state.as_deref().map(|st| lang.label("state", st)).unwrap_or(""),
            f,
        })
        .collect();
    let statuses = FindingStatus::ALL.iter().map(|x| (x.code().to_string(), lang.label("finding_status", x.code()).to_string()));
    render(&FindingsPage { c: chrome(&s, &user, lang, "/findings").await, rows, pager, statuses: choices_with_all(lang, &status, statuses), awaiting })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_words() {
        for k in SiteKind::ALL {
            assert_eq!(Lang::Zh.label("site_kind", k.code()), k.label());
            assert_ne!(Lang::En.label("site_kind", k.code()), "—");
        }
        for r in InspectionResult::ALL {
            assert_eq!(Lang::Zh.label("insp_result", r.code()), r.label());
        }
        for s in FindingStatus::ALL {
            assert_eq!(Lang::Zh.label("finding_status", s.code()), s.label());
        }
        for k in TallyKind::ALL {
            assert_eq!(Lang::Zh.label("tally", k.code()), k.label());
            assert_eq!(Lang::Zh.label("tally_unit", k.code()), k.unit());
            assert_ne!(Lang::En.label("tally_unit", k.code()), "—");
        }
        assert!(I18N.iter().all(|(k, zh, en)| !k.is_empty() && !zh.is_empty() && !en.is_empty()));
    }
}
