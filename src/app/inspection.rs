//! Inspections and rectification (督导检查 / 整改): campaigns, sites, recording
//! inspections whose findings become assigned work orders, re-inspections that
//! verify the rectification, and the campaign's tallies summed to any day
//! (`tallies_as_of`, which the daily briefing reads).
//!
//! Who may do what: leaders and admins everything; a township's task force the
//! sites and inspections of its own township; a department the findings whose
//! work order it holds (and the inspections they came from). Campaign figures
//! are zone-wide aggregates that every staff role may read.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::clock::{LOCAL, WorkContext, date_text, parse_date};
use super::workorder::{self, OrderInput, TransitionInput};
use super::{Actor, snapshot};
use crate::domain::inspection::{self as rules, FindingStatus, InspectionResult, RecheckEffect, SiteKind, TallyKind};
use crate::domain::registry::{optional_text, required_text};
use crate::domain::workorder::OrderState;
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::inspection::{
    self as repo, Campaign, Finding, FindingFilter, Inspection, InspectionCounts, InspectionFilter, NewInspection, NewSite, NewTally, Recheck, Site,
    SiteFilter, TallyEntry,
};
use crate::store::registry as reg;
use crate::store::workorder as orders;
use crate::store::{Db, Page, PageRequest, audit};

/// The most findings one inspection may record.
const MAX_FINDINGS: usize = 50;
/// The category of a finding that names none: 环境卫生.
pub const DEFAULT_CATEGORY: &str = "sanitation";

const SITE_UNIQUE: &[(&str, &str, &str)] = &[("sites", "name", "本乡镇办已有同名点位"), ("township_id", "name", "本乡镇办已有同名点位")];

fn staff_reader(actor: &Actor) -> Result<(), AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township, Role::Department])
}

fn own_township(actor: &Actor) -> Result<i64, AppError> {
    actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))
}

/// Whether the actor may record inspections and tallies of `township_id`.
fn may_work_in(actor: &Actor, township_id: i64) -> Result<(), AppError> {
    match actor.role {
        Role::Admin | Role::Leader => Ok(()),
        Role::Township if actor.township_id == Some(township_id) => Ok(()),
        Role::Township => Err(AppError::Forbidden("只能登记本乡镇办的点位和检查")),
        _ => Err(AppError::Forbidden("您的角色不能登记督导检查")),
    }
}

fn date_field(field: &'static str, label: &str, text: &str) -> Result<Date, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, format!("请填写{label}")));
    }
    parse_date(text).map_err(|_| FieldError::new(field, "日期格式应为 YYYY-MM-DD"))
}

// ---- campaigns -----------------------------------------------------------------

/// A new campaign.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CampaignInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// YYYY-MM-DD
    pub started_on: String,
    /// YYYY-MM-DD, if it has ended
    pub ended_on: Option<String>,
}

/// Opens a campaign (leaders and admins).
///
/// # Errors
/// `Forbidden`, `Validation` naming each bad field, `Conflict` on a duplicate name.
pub async fn create_campaign(db: &Db, actor: &Actor, input: &CampaignInput) -> Result<Campaign, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let mut errors = Vec::new();
    let name = required_text("name", "专项行动名称", &input.name, 100).map_err(|e| errors.push(e)).unwrap_or_default();
    let description = optional_text("description", "说明", &input.description, 2000).map_err(|e| errors.push(e)).unwrap_or_default();
    let started = date_field("started_on", "开始日期", &input.started_on).map_err(|e| errors.push(e)).ok();
    let ended = match input.ended_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => date_field("ended_on", "结束日期", d).map_err(|e| errors.push(e)).ok(),
        None => None,
    };
    if let (Some(s), Some(e)) = (started, ended)
        && e < s
    {
        errors.push(FieldError::new("ended_on", "结束日期不能早于开始日期"));
    }
    let Some(started) = started.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    let mut tx = db.begin_write().await?;
    let ended_text = ended.map(date_text);
    let id = repo::insert_campaign(&mut tx, &name, &description, &date_text(started), ended_text.as_deref(), actor_id(actor), &crate::store::now())
        .await
        .map_err(|e| AppError::from_store(e, &[("campaigns", "name", "已有同名专项行动")], ""))?;
    let campaign = repo::find_campaign(&mut tx, id).await?.ok_or(AppError::NotFound("专项行动"))?;
    let mut entry = actor.audit("create", "campaign", Some(id));
    entry.after = snapshot(&campaign);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(campaign)
}

/// # Errors
/// `Forbidden` outside the zone's staff.
pub async fn list_campaigns(db: &Db, actor: &Actor) -> Result<Vec<Campaign>, AppError> {
    staff_reader(actor)?;
    Ok(repo::list_campaigns(db).await?)
}

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn get_campaign(db: &Db, actor: &Actor, id: i64) -> Result<Campaign, AppError> {
    staff_reader(actor)?;
    let mut conn = db.pool().acquire().await?;
    repo::find_campaign(&mut conn, id).await?.ok_or(AppError::NotFound("专项行动"))
}

fn actor_id(actor: &Actor) -> Option<i64> {
    (actor.user_id > 0).then_some(actor.user_id)
}

// ---- sites -----------------------------------------------------------------------

/// A new site.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SiteInput {
    /// residential, village, supermarket, enterprise, river_pond, road, other
    pub kind: String,
    /// a township's task force may leave it out: its own is used
    pub township_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub address: String,
    /// for kind enterprise: the enterprise whose premises it is
    pub enterprise_id: Option<i64>,
}

struct CheckedSite {
    kind: SiteKind,
    township_id: i64,
    name: String,
    address: String,
    enterprise_id: Option<i64>,
}

async fn check_site(conn: &mut AnyConnection, actor: &Actor, input: &SiteInput) -> Result<CheckedSite, AppError> {
    let mut errors = Vec::new();
    let name = required_text("name", "点位名称", &input.name, 100).map_err(|e| errors.push(e)).unwrap_or_default();
    let address = optional_text("address", "地址", &input.address, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let kind = SiteKind::parse(input.kind.trim());
    if kind.is_none() {
        let message = if input.kind.trim().is_empty() { "请选择点位类型".to_string() } else { format!("未知的点位类型“{}”", input.kind) };
        errors.push(FieldError::new("kind", message));
    }
    let township_id = match (input.township_id, actor.role) {
        (Some(t), _) => Some(t),
        (None, Role::Township) => actor.township_id,
        (None, _) => None,
    };
    match township_id {
        Some(t) if reg::find_township(conn, t).await?.is_some() => {}
        Some(_) => errors.push(FieldError::new("township_id", "所选乡镇办不存在")),
        None => errors.push(FieldError::new("township_id", "请选择所属乡镇办")),
    }
    if let Some(e) = input.enterprise_id
        && reg::find_enterprise(conn, e).await?.is_none()
    {
        errors.push(FieldError::new("enterprise_id", "所选企业不存在"));
    }
    match (kind, township_id) {
        (Some(kind), Some(township_id)) if errors.is_empty() => {
            may_work_in(actor, township_id)?;
            Ok(CheckedSite { kind, township_id, name, address, enterprise_id: input.enterprise_id })
        }
        _ => Err(errors.into()),
    }
}

/// Registers a site.
///
/// # Errors
/// `Forbidden` outside the actor's township, `Validation`, `Conflict` on a
/// duplicate name in the township.
pub async fn create_site(db: &Db, actor: &Actor, input: &SiteInput) -> Result<Site, AppError> {
    let ids = create_sites(db, actor, std::slice::from_ref(input)).await?;
    let mut conn = db.pool().acquire().await?;
    repo::find_site(&mut conn, ids[0]).await?.ok_or(AppError::NotFound("点位"))
}

/// Registers many sites in one transaction (an import, the demo): all or none.
///
/// # Errors
/// As `create_site`, for the first bad site (its row number in the message).
pub async fn create_sites(db: &Db, actor: &Actor, inputs: &[SiteInput]) -> Result<Vec<i64>, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let mut tx = db.begin_write().await?;
    let at = crate::store::now();
    let mut ids = Vec::with_capacity(inputs.len());
    for (row, input) in inputs.iter().enumerate() {
        let site = check_site(&mut tx, actor, input).await.map_err(|e| numbered(e, row, inputs.len()))?;
        let new =
            NewSite { kind: site.kind.code(), township_id: site.township_id, name: &site.name, address: &site.address, enterprise_id: site.enterprise_id };
        let id = repo::insert_site(&mut tx, &new, &at).await.map_err(|e| numbered(AppError::from_store(e, SITE_UNIQUE, ""), row, inputs.len()))?;
        let mut entry = actor.audit("create", "site", Some(id));
        entry.after = Some(serde_json::json!({"kind": site.kind.code(), "township_id": site.township_id, "name": site.name, "address": site.address}));
        audit::append(&mut tx, &entry).await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// In a batch of more than one, says which row a field error belongs to.
fn numbered(err: AppError, row: usize, of: usize) -> AppError {
    match err {
        AppError::Validation(errors) if of > 1 => {
            AppError::Validation(errors.into_iter().map(|e| FieldError::new(e.field, format!("第{}条：{}", row + 1, e.message))).collect())
        }
        AppError::Conflict { code, message, field } if of > 1 => AppError::Conflict { code, message: format!("第{}条：{message}", row + 1), field },
        other => other,
    }
}

/// # Errors
/// `Forbidden` for roles without sites, or a township filter outside the actor's own.
pub async fn list_sites(db: &Db, actor: &Actor, mut filter: SiteFilter, page: &PageRequest) -> Result<Page<Site>, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => {}
        Role::Township => {
            let own = own_township(actor)?;
            if filter.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的点位"));
            }
            filter.township_id = Some(own);
        }
        _ => return Err(AppError::Forbidden("您的角色无权查看检查点位")),
    }
    Ok(repo::list_sites(db, &filter, page).await?)
}

/// # Errors
/// `NotFound`, `Forbidden` outside the actor's township.
pub async fn get_site(db: &Db, actor: &Actor, id: i64) -> Result<Site, AppError> {
    let mut conn = db.pool().acquire().await?;
    let site = repo::find_site(&mut conn, id).await?.ok_or(AppError::NotFound("点位"))?;
    match actor.role {
        Role::Admin | Role::Leader => Ok(site),
        Role::Township if actor.township_id == Some(site.township_id) => Ok(site),
        _ => Err(AppError::Forbidden("无权查看该点位")),
    }
}

// ---- inspections -------------------------------------------------------------------

/// A problem found: it becomes a work order assigned to `department_id`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FindingInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// a work-order category code (default sanitation 环境卫生)
    #[serde(default)]
    pub category: String,
    /// the responsible department (责任单位) the order is assigned to
    pub department_id: Option<i64>,
}

/// An inspection as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct InspectionInput {
    pub campaign_id: i64,
    pub site_id: i64,
    /// YYYY-MM-DD, not after today
    pub inspected_on: String,
    /// who inspected (检查人员)
    pub inspectors: String,
    /// passed or problems; derived from the findings when left out
    pub result: Option<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub findings: Vec<FindingInput>,
}

/// An inspection with its findings (each with its work order).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InspectionDetail {
    pub inspection: Inspection,
    pub findings: Vec<Finding>,
    /// the re-inspections of these findings, oldest first
    pub rechecks: Vec<Recheck>,
}

/// What a batch of inspections left.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RecordedBatch {
    pub inspections: Vec<i64>,
    pub findings: Vec<i64>,
    /// the work orders filed for the findings, each assigned to its department
    pub orders: Vec<i64>,
}

struct CheckedFinding {
    title: String,
    description: String,
    category_code: String,
    category_id: i64,
    department_id: i64,
}

struct CheckedInspection {
    site: Site,
    campaign_id: i64,
    inspected_on: String,
    inspectors: String,
    result: InspectionResult,
    notes: String,
    findings: Vec<CheckedFinding>,
}

/// Lookups shared by the inspections of a batch (the demo records thousands).
#[derive(Default)]
struct Lookups {
    campaigns: HashMap<i64, Option<Campaign>>,
    categories: HashMap<String, Option<i64>>,
    departments: HashMap<i64, bool>,
}

async fn check_inspection(
    conn: &mut AnyConnection,
    cx: &WorkContext,
    actor: &Actor,
    input: &InspectionInput,
    known: &mut Lookups,
) -> Result<CheckedInspection, AppError> {
    let mut errors = Vec::new();
    let inspectors = required_text("inspectors", "检查人员", &input.inspectors, 100).map_err(|e| errors.push(e)).unwrap_or_default();
    let notes = optional_text("notes", "检查情况", &input.notes, 2000).map_err(|e| errors.push(e)).unwrap_or_default();
    let day = date_field("inspected_on", "检查日期", &input.inspected_on).map_err(|e| errors.push(e)).ok();
    if day.is_some_and(|d| d > cx.today()) {
        errors.push(FieldError::new("inspected_on", "检查日期不能晚于今天"));
    }
    let campaign = match known.campaigns.get(&input.campaign_id) {
        Some(c) => c.clone(),
        None => {
            let c = repo::find_campaign(conn, input.campaign_id).await?;
            known.campaigns.insert(input.campaign_id, c.clone());
            c
        }
    };
    match &campaign {
        None => errors.push(FieldError::new("campaign_id", "请选择专项行动")),
        Some(c) => {
            if let Some(d) = day.map(date_text)
                && (d < c.started_on || c.ended_on.as_ref().is_some_and(|end| &d > end))
            {
                errors.push(FieldError::new("inspected_on", "检查日期不在专项行动期间"));
            }
        }
    }
    let site = repo::find_site(conn, input.site_id).await?;
    if site.is_none() {
        errors.push(FieldError::new("site_id", "请选择检查点位"));
    }
    let result = match input.result.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => match InspectionResult::parse(r) {
            Some(r) => Some(r),
            None => {
                errors.push(FieldError::new("result", format!("未知的检查结果“{r}”")));
                None
            }
        },
        None => Some(InspectionResult::of_findings(input.findings.len())),
    };
    if let Some(r) = result
        && let Err(e) = rules::check_result(r, input.findings.len())
    {
        errors.push(e);
    }
    if input.findings.len() > MAX_FINDINGS {
        errors.push(FieldError::new("findings", format!("一次检查最多登记{MAX_FINDINGS}个问题")));
    }
    let mut findings = Vec::new();
    for f in input.findings.iter().take(MAX_FINDINGS) {
        let title = required_text("findings.title", "问题", &f.title, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let description = optional_text("findings.description", "问题描述", &f.description, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
        let code = if f.category.trim().is_empty() { DEFAULT_CATEGORY.to_string() } else { f.category.trim().to_string() };
        let category_id = match known.categories.get(&code) {
            Some(c) => *c,
            None => {
                let c = orders::find_category_by_code(conn, &code).await?.map(|c| c.id);
                known.categories.insert(code.clone(), c);
                c
            }
        };
        if category_id.is_none() {
            errors.push(FieldError::new("findings.category", format!("未知的问题类别“{code}”")));
        }
        let department_ok = match f.department_id {
            Some(d) => match known.departments.get(&d) {
                Some(ok) => *ok,
                None => {
                    let ok = reg::find_department(conn, d).await?.is_some();
                    known.departments.insert(d, ok);
                    ok
                }
            },
            None => false,
        };
        if !department_ok {
            errors.push(FieldError::new("findings.department_id", "请为每个问题选择责任单位"));
        }
        if let (Some(category_id), Some(department_id)) = (category_id, f.department_id.filter(|_| department_ok)) {
            findings.push(CheckedFinding { title, description, category_code: code, category_id, department_id });
        }
    }
    match (site, campaign, day, result) {
        (Some(site), Some(campaign), Some(day), Some(result)) if errors.is_empty() => {
            may_work_in(actor, site.township_id)?;
            Ok(CheckedInspection { site, campaign_id: campaign.id, inspected_on: date_text(day), inspectors, result, notes, findings })
        }
        _ => Err(errors.into()),
    }
}

/// Records an inspection; each finding is filed as a work order (source
/// 督导检查, linked to the finding, in the site's township) and assigned to its
/// responsible department.
///
/// # Errors
/// `Forbidden` outside the actor's township, `Validation` naming each bad field
/// (nothing is stored then).
pub async fn record_inspection(cx: &WorkContext, actor: &Actor, input: &InspectionInput) -> Result<InspectionDetail, AppError> {
    let batch = record_inspections(cx, actor, std::slice::from_ref(input)).await?;
    get_inspection(&cx.db, actor, batch.inspections[0]).await
}

/// Records many inspections at once (a day's checks, an import, the demo).
///
/// The inspections, their findings and the filing of every finding's order
/// are one transaction: a bad row refuses the whole batch and nothing is
/// stored. The orders are then assigned (交办) one by one through the
/// work-order engine's `act`, which runs its own transaction; everything that
/// could refuse an assignment (department, calendar) is checked beforehand.
///
/// # Errors
/// As `record_inspection`, for the first bad inspection.
pub async fn record_inspections(cx: &WorkContext, actor: &Actor, inputs: &[InspectionInput]) -> Result<RecordedBatch, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    // an assignment computes limits on the working-day calendar: refuse now, not half-way
    cx.calendar.add_working_days(cx.today(), 1).map_err(workorder::calendar_error)?;
    let mut tx = cx.db.begin_write().await?;
    let at = cx.now_text();
    let mut known = Lookups::default();
    let mut batch = RecordedBatch::default();
    let mut assignments = Vec::new();
    for (row, input) in inputs.iter().enumerate() {
        let checked = check_inspection(&mut tx, cx, actor, input, &mut known).await.map_err(|e| numbered(e, row, inputs.len()))?;
        let new = NewInspection {
            campaign_id: checked.campaign_id,
            site_id: checked.site.id,
            township_id: checked.site.township_id,
            inspected_on: &checked.inspected_on,
            inspectors: &checked.inspectors,
            result: checked.result.code(),
            notes: &checked.notes,
            created_by: actor_id(actor),
        };
        let id = repo::insert_inspection(&mut tx, &new, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
        let mut entry = actor.audit("create", "inspection", Some(id));
        entry.after = Some(serde_json::json!({"campaign_id": new.campaign_id, "site_id": new.site_id, "inspected_on": new.inspected_on,
            "inspectors": new.inspectors, "result": new.result, "findings": checked.findings.len()}));
        audit::append(&mut tx, &entry).await?;
        batch.inspections.push(id);
        for f in &checked.findings {
            let finding_id = repo::insert_finding(&mut tx, id, &f.title, &f.description, f.category_id, f.department_id, &at)
                .await
                .map_err(|e| AppError::from_store(e, &[], ""))?;
            let place =
                if checked.site.address.is_empty() { checked.site.name.clone() } else { format!("{}（{}）", checked.site.name, checked.site.address) };
            let description = if f.description.is_empty() {
                format!("{}督导检查发现：{}", checked.inspected_on, f.title)
            } else {
                format!("{}督导检查发现：{}", checked.inspected_on, f.description)
            };
            let order = OrderInput {
                township_id: Some(checked.site.township_id),
                category: f.category_code.clone(),
                title: f.title.clone(),
                description,
                source: Some(crate::domain::workorder::Source::Inspection.code().to_string()),
                source_ref: Some(finding_id),
                address: place,
                ..OrderInput::default()
            };
            let filed = workorder::file_in(&mut tx, cx, actor, &order).await.map_err(|e| numbered(e, row, inputs.len()))?;
            repo::set_finding_order(&mut tx, finding_id, filed.order.id).await.map_err(|e| AppError::from_store(e, &[], ""))?;
            batch.findings.push(finding_id);
            batch.orders.push(filed.order.id);
            assignments.push((filed.order.id, filed.order.version, f.department_id));
        }
    }
    tx.commit().await?;
    for (order_id, version, department_id) in assignments {
        let assign = TransitionInput {
            action: "assign".into(),
            version,
            department_id: Some(department_id),
            note: "督导检查发现问题，请按时限整改到位".into(),
            ..TransitionInput::default()
        };
        workorder::act(cx, actor, order_id, &assign).await?;
    }
    Ok(batch)
}

/// Whether the actor may see this inspection: a department only one that
/// found a problem it holds the order of.
async fn may_read_inspection(conn: &mut AnyConnection, actor: &Actor, i: &Inspection) -> Result<bool, AppError> {
    Ok(match actor.role {
        Role::Admin | Role::Leader => true,
        Role::Township => actor.township_id == Some(i.township_id),
        Role::Department => {
            let Some(d) = actor.department_id else { return Ok(false) };
            repo::findings_of_inspection(conn, i.id).await?.iter().any(|f| f.order_department_id == Some(d))
        }
        _ => false,
    })
}

/// # Errors
/// `NotFound`, or `Forbidden` outside the actor's rows.
pub async fn get_inspection(db: &Db, actor: &Actor, id: i64) -> Result<InspectionDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    let inspection = repo::find_inspection(&mut conn, id).await?.ok_or(AppError::NotFound("检查记录"))?;
    if !may_read_inspection(&mut conn, actor, &inspection).await? {
        return Err(AppError::Forbidden("无权查看该检查记录"));
    }
    let mut findings = repo::findings_of_inspection(&mut conn, id).await?;
    if actor.role == Role::Department {
        findings.retain(|f| f.order_department_id.is_some() && f.order_department_id == actor.department_id);
    }
    let ids: Vec<i64> = findings.iter().map(|f| f.id).collect();
    let rechecks = repo::rechecks_of(&mut conn, &ids).await?;
    Ok(InspectionDetail { inspection, findings, rechecks })
}

/// Narrows a filter to the actor's rows.
fn scope_inspections(actor: &Actor, mut f: InspectionFilter) -> Result<InspectionFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => {}
        Role::Township => {
            let own = own_township(actor)?;
            if f.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的检查记录"));
            }
            f.township_id = Some(own);
        }
        Role::Department => f.department_id = Some(actor.department_id.ok_or(AppError::Forbidden("账号未绑定部门"))?),
        _ => return Err(AppError::Forbidden("您的角色无权查看督导检查")),
    }
    Ok(f)
}

/// # Errors
/// `Forbidden` for roles without inspections, or filters outside the actor's scope.
pub async fn list_inspections(db: &Db, actor: &Actor, filter: InspectionFilter, page: &PageRequest) -> Result<Page<Inspection>, AppError> {
    let f = scope_inspections(actor, filter)?;
    Ok(repo::list_inspections(db, &f, page).await?)
}

/// # Errors
/// `Forbidden` for roles without findings, or filters outside the actor's scope.
pub async fn list_findings(db: &Db, actor: &Actor, mut f: FindingFilter, page: &PageRequest) -> Result<Page<Finding>, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => {}
        Role::Township => {
            let own = own_township(actor)?;
            if f.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的问题"));
            }
            f.township_id = Some(own);
        }
        Role::Department => {
            let own = actor.department_id.ok_or(AppError::Forbidden("账号未绑定部门"))?;
            if f.department_id.is_some_and(|d| d != own) {
                return Err(AppError::Forbidden("无权查看交办给其他部门的问题"));
            }
            f.department_id = Some(own);
        }
        _ => return Err(AppError::Forbidden("您的角色无权查看督导检查发现的问题")),
    }
    Ok(repo::list_findings(db, &f, page).await?)
}

// ---- re-inspection -----------------------------------------------------------------

/// A re-inspection's verdict on one finding.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RecheckInput {
    /// the finding's version that was read (optimistic locking)
    pub version: i64,
    /// true: rectified (整改到位); false: not rectified
    pub verified: bool,
    /// YYYY-MM-DD, not after today
    pub checked_on: String,
    pub inspectors: String,
    /// required when not verified: what is still wrong
    #[serde(default)]
    pub note: String,
}

/// Records a re-inspection (复查). Verified, the inspectors' verdict closes the
/// order (满意); not verified, it reopens a resolved order to the department
/// (不满意), or — a leader's re-inspection of an order still being worked on —
/// supervises it (督办).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (the order's state allows
/// no verdict now, or a stale version).
pub async fn recheck_finding(cx: &WorkContext, actor: &Actor, finding_id: i64, input: &RecheckInput) -> Result<Finding, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let mut errors = Vec::new();
    let inspectors = required_text("inspectors", "复查人员", &input.inspectors, 100).map_err(|e| errors.push(e)).unwrap_or_default();
    let note = if input.verified {
        optional_text("note", "复查情况", &input.note, 1000)
    } else {
        required_text("note", "整改不到位的情况", &input.note, 1000)
    }
    .map_err(|e| errors.push(e))
    .unwrap_or_default();
    let day = date_field("checked_on", "复查日期", &input.checked_on).map_err(|e| errors.push(e)).ok();
    if day.is_some_and(|d| d > cx.today()) {
        errors.push(FieldError::new("checked_on", "复查日期不能晚于今天"));
    }
    let (finding, order) = {
        let mut conn = cx.db.pool().acquire().await?;
        let finding = repo::find_finding(&mut conn, finding_id).await?.ok_or(AppError::NotFound("问题"))?;
        may_work_in(actor, finding.township_id)?;
        let order_id = finding.order_id.ok_or(AppError::Conflict { code: "not_filed", message: "该问题尚未生成工单".into(), field: None })?;
        let order = orders::find_order(&mut conn, order_id).await?.ok_or(AppError::NotFound("工单"))?;
        (finding, order)
    };
    if day.is_some_and(|d| date_text(d) < finding.inspected_on) {
        errors.push(FieldError::new("checked_on", "复查日期不能早于检查日期"));
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    if input.version != finding.version {
        return Err(AppError::from_store(crate::store::StoreError::Stale, &[], ""));
    }
    let state = OrderState::parse(&order.state).ok_or_else(|| AppError::Internal(format!("order {} has state {}", order.id, order.state)))?;
    let may_supervise = matches!(actor.role, Role::Admin | Role::Leader);
    let effect = rules::recheck_effect(state, input.verified, may_supervise).map_err(|e| AppError::Conflict {
        code: "recheck_refused",
        message: e.to_string(),
        field: Some("verified"),
    })?;
    let verdict = if input.verified { "复查整改到位" } else { "复查整改不到位" };
    let words = if note.is_empty() { format!("{verdict}（{inspectors}）") } else { format!("{verdict}（{inspectors}）：{note}") };
    let transition = match effect {
        RecheckEffect::Rate(rating) => {
            TransitionInput { action: "rate".into(), version: order.version, rating: Some(rating.code().into()), note: words, ..Default::default() }
        }
        RecheckEffect::Supervise => TransitionInput { action: "supervise".into(), version: order.version, note: words, ..Default::default() },
    };
    // The engine's `act` runs its own transaction, so the verdict on the order
    // and the record of the re-inspection are two: the order first (what could
    // refuse it — state, permission, version — was checked above), then the
    // record, whose only refusal left is a concurrent re-inspection (stale).
    workorder::act(cx, actor, order.id, &transition).await?;

    let mut tx = cx.db.begin_write().await?;
    let at = cx.now_text();
    let status: FindingStatus = rules::status_after(input.verified);
    repo::insert_recheck(&mut tx, finding_id, &date_text(day), &inspectors, input.verified, &note, actor_id(actor), &at)
        .await
        .map_err(|e| AppError::from_store(e, &[], ""))?;
    repo::save_finding_status(&mut tx, finding_id, finding.version, status.code(), &date_text(day)).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_finding(&mut tx, finding_id).await?.ok_or(AppError::NotFound("问题"))?;
    let mut entry = actor.audit("recheck", "inspection_finding", Some(finding_id));
    entry.before = snapshot(&finding);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- tallies -----------------------------------------------------------------------

/// A dated campaign figure.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TallyInput {
    /// YYYY-MM-DD, not after today
    pub entry_on: String,
    /// volunteers, proposal_letters, materials, rectified_residential, rectified_village, rectified_supermarket, rectified_enterprise,
    /// rectified_river_pond, rectified_road, rectified_other, refuse_m3, disinfection
    pub kind: String,
    /// a positive whole number in the kind's unit
    pub quantity: i64,
    #[serde(default)]
    pub note: String,
    /// the reporting township (a township's task force: always its own)
    pub township_id: Option<i64>,
}

/// Adds an entry to a campaign's figures.
///
/// # Errors
/// `Forbidden`, `NotFound` (campaign), `Validation` naming each bad field.
pub async fn add_tally(cx: &WorkContext, actor: &Actor, campaign_id: i64, input: &TallyInput) -> Result<TallyEntry, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let mut errors = Vec::new();
    let day = date_field("entry_on", "统计日期", &input.entry_on).map_err(|e| errors.push(e)).ok();
    if day.is_some_and(|d| d > cx.today()) {
        errors.push(FieldError::new("entry_on", "统计日期不能晚于今天"));
    }
    let kind = TallyKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", if input.kind.trim().is_empty() { "请选择统计项目".into() } else { format!("未知的统计项目“{}”", input.kind) }));
    }
    if !(1..=rules::MAX_TALLY_QUANTITY).contains(&input.quantity) {
        errors.push(FieldError::new("quantity", format!("数量应为1到{}之间的整数", rules::MAX_TALLY_QUANTITY)));
    }
    let note = optional_text("note", "备注", &input.note, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let township_id = match actor.role {
        Role::Township => {
            let own = own_township(actor)?;
            if input.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("只能登记本乡镇办的统计数据"));
            }
            Some(own)
        }
        _ => input.township_id,
    };
    let mut tx = cx.db.begin_write().await?;
    let campaign = repo::find_campaign(&mut tx, campaign_id).await?.ok_or(AppError::NotFound("专项行动"))?;
    if let Some(t) = township_id
        && reg::find_township(&mut tx, t).await?.is_none()
    {
        errors.push(FieldError::new("township_id", "所选乡镇办不存在"));
    }
    if let Some(d) = day.map(date_text)
        && d < campaign.started_on
    {
        errors.push(FieldError::new("entry_on", "统计日期早于专项行动开始日期"));
    }
    let (Some(day), Some(kind)) = (day, kind) else { return Err(errors.into()) };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let at = cx.now_text();
    let day = date_text(day);
    let new = NewTally { campaign_id, township_id, entry_on: &day, kind: kind.code(), quantity: input.quantity, note: &note, created_by: actor_id(actor) };
    let id = repo::insert_tally(&mut tx, &new, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let saved = repo::find_tally(&mut tx, id).await?.ok_or(AppError::NotFound("统计数据"))?;
    let mut entry = actor.audit("create", "campaign_tally", Some(id));
    entry.after = snapshot(&saved);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Voids a wrong entry (作废): it stays on record but no longer counts.
/// Leaders and admins any entry; a township's task force its own township's.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` (a reason is required), `Conflict`
/// when it is already void.
pub async fn void_tally(db: &Db, actor: &Actor, id: i64, reason: &str) -> Result<TallyEntry, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let reason = required_text("reason", "作废原因", reason, 200)?;
    let mut tx = db.begin_write().await?;
    let before = get_tally_in(&mut tx, actor, id).await?;
    if !repo::void_tally(&mut tx, id, actor_id(actor), &reason, &crate::store::now()).await.map_err(|e| AppError::from_store(e, &[], ""))? {
        return Err(AppError::Conflict { code: "already_void", message: "该统计数据已作废".into(), field: None });
    }
    let after = repo::find_tally(&mut tx, id).await?.ok_or(AppError::NotFound("统计数据"))?;
    let mut entry = actor.audit("void", "campaign_tally", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

async fn get_tally_in(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<TallyEntry, AppError> {
    staff_reader(actor)?;
    let entry = repo::find_tally(conn, id).await?.ok_or(AppError::NotFound("统计数据"))?;
    if actor.role == Role::Township && entry.township_id != actor.township_id {
        return Err(AppError::Forbidden("只能处理本乡镇办登记的统计数据"));
    }
    Ok(entry)
}

/// One entry, for the page that asks before voiding it.
///
/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn get_tally(db: &Db, actor: &Actor, id: i64) -> Result<TallyEntry, AppError> {
    let mut conn = db.pool().acquire().await?;
    get_tally_in(&mut conn, actor, id).await
}

/// A campaign's entries, the latest first, voided ones included and marked (a
/// township sees its own).
///
/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn list_tallies(db: &Db, actor: &Actor, campaign_id: i64, page: &PageRequest) -> Result<Page<TallyEntry>, AppError> {
    get_campaign(db, actor, campaign_id).await?;
    let township = if actor.role == Role::Township { Some(own_township(actor)?) } else { None };
    Ok(repo::list_tallies(db, campaign_id, township, page).await?)
}

/// One figure summed to a day, with its Chinese label and unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TallyTotal {
    /// the kind's code
    pub kind: String,
    /// e.g. 组织志愿者
    pub label: String,
    /// e.g. 人
    pub unit: String,
    pub total: i64,
}

/// A campaign's figures (or the whole zone's) up to and including a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignTallies {
    /// None: every campaign (the zone)
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    /// YYYY-MM-DD
    pub as_of: String,
    /// every kind, in `TallyKind::ALL` order, 0 when nothing was entered
    pub totals: Vec<TallyTotal>,
    /// inspections, sites inspected, findings and findings assigned, up to the day
    pub inspections: InspectionCounts,
}

impl CampaignTallies {
    /// The total of one kind.
    pub fn total(&self, kind: TallyKind) -> i64 {
        self.totals.iter().find(|t| t.kind == kind.code()).map(|t| t.total).unwrap_or(0)
    }
}

/// The campaign's figures summed up to and including `as_of` (a local date):
/// each tally kind, and the inspections made by that day with the problems they
/// found and how many of those had been assigned (交办) by the end of it.
/// `campaign_id` None sums every campaign. The daily briefing reads this, e.g.
/// "至3月19日，开发区共组织志愿者746人 … 督导检查 … 2000余个，发现并交办问题264个".
///
/// # Errors
/// `Forbidden` outside the zone's staff; `NotFound` for an unknown campaign.
pub async fn tallies_as_of(db: &Db, actor: &Actor, campaign_id: Option<i64>, as_of: Date) -> Result<CampaignTallies, AppError> {
    staff_reader(actor)?;
    let campaign = match campaign_id {
        Some(id) => Some(get_campaign(db, actor, id).await?),
        None => None,
    };
    let day = date_text(as_of);
    let sums = repo::tally_totals(db, campaign_id, &day).await?;
    let entries = sums.iter().filter_map(|(code, total)| TallyKind::parse(code).map(|k| (day.as_str(), k, *total)));
    let totals = rules::totals_as_of(entries, &day)
        .into_iter()
        .map(|(kind, total)| TallyTotal { kind: kind.code().into(), label: kind.label().into(), unit: kind.unit().into(), total })
        .collect();
    let next_day = as_of.next_day().unwrap_or(as_of);
    let assigned_before = crate::store::timestamp(next_day.midnight().assume_offset(LOCAL));
    let inspections = repo::inspection_counts(db, campaign_id, &day, &assigned_before).await?;
    Ok(CampaignTallies { campaign_id, campaign_name: campaign.map(|c| c.name), as_of: day, totals, inspections })
}

/// The query of the tallies endpoint.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct TalliesQuery {
    /// one campaign (default: every campaign)
    pub campaign_id: Option<i64>,
    /// YYYY-MM-DD (default: today)
    pub as_of: Option<String>,
}
