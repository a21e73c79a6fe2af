//! 招商: register investment leads, move them forward 洽谈 → 签约 → 落地 (the
//! day of each step recorded, never backwards), set the zone's quarterly
//! target and measure the quarter against it ("确保一季度有一批项目签约、有招商
//! 项目签约落地").
//!
//! Rows: the leader, admin and departments (招商局) see every lead; a township
//! its own township's. Enterprises, officers and the others see none.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text, parse_date};
use super::{Actor, snapshot};
use crate::domain::Role;
use crate::domain::investment::{self as rules, LeadInput, Quarter, Stage, TargetInput, share, stage_date};
use crate::domain::registry::optional_text;
use crate::error::AppError;
use crate::store::investment::{self as repo, ChainCount, Lead, LeadFilter, Reached, Target};
use crate::store::registry as reg;
use crate::store::{Db, Page, PageRequest, StoreError, audit};

/// Narrows a list filter to the actor's rows.
///
/// # Errors
/// `Forbidden` for roles that see no leads, or a township outside the actor's own.
pub fn scope_filter(actor: &Actor, mut f: LeadFilter) -> Result<LeadFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader | Role::Department => {}
        Role::Township => {
            let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
            if f.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的招商项目"));
            }
            f.township_id = Some(own);
        }
        _ => return Err(AppError::Forbidden("您的角色无权查看招商项目")),
    }
    Ok(f)
}

fn may_read(actor: &Actor, lead: &Lead) -> bool {
    match actor.role {
        Role::Admin | Role::Leader | Role::Department => true,
        Role::Township => actor.township_id.is_some() && lead.township_id == actor.township_id,
        _ => false,
    }
}

/// # Errors
/// `Forbidden` for roles that see no leads.
pub async fn list_leads(db: &Db, actor: &Actor, filter: LeadFilter, page: &PageRequest) -> Result<Page<Lead>, AppError> {
    let f = scope_filter(actor, filter)?;
    Ok(repo::list_leads(db, &f, page).await?)
}

/// # Errors
/// `NotFound`, or `Forbidden` outside the actor's scope.
pub async fn get_lead(db: &Db, actor: &Actor, id: i64) -> Result<Lead, AppError> {
    let mut conn = db.pool().acquire().await?;
    let lead = repo::find_lead(&mut conn, id).await?.ok_or(AppError::NotFound("招商项目"))?;
    if !may_read(actor, &lead) {
        return Err(AppError::Forbidden("无权查看该招商项目"));
    }
    Ok(lead)
}

/// Registers a lead in talks (洽谈). A township registers for itself.
///
/// # Errors
/// `Forbidden`, `Validation` naming each bad field.
pub async fn create_lead(cx: &WorkContext, actor: &Actor, input: &LeadInput) -> Result<Lead, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Department, Role::Township])?;
    let mut input = input.clone();
    if actor.role == Role::Township {
        let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
        if input.township_id.is_some_and(|t| t != own) {
            return Err(AppError::Forbidden("只能登记本乡镇办的招商项目"));
        }
        input.township_id = Some(own);
    }
    let fields = input.parse(cx.today())?;
    let mut tx = cx.db.begin_write().await?;
    if let Some(t) = fields.township_id
        && reg::find_township(&mut tx, t).await?.is_none()
    {
        return Err(AppError::field("township_id", "所选乡镇办不存在"));
    }
    let at = cx.now_text();
    let id = repo::insert_lead(&mut tx, &fields, (actor.user_id > 0).then_some(actor.user_id), &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let created = repo::find_lead(&mut tx, id).await?.ok_or(AppError::NotFound("招商项目"))?;
    let mut entry = actor.audit("create", "investment_lead", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// A step of a lead, as `POST /api/v1/investment-leads/{id}/stage` takes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct StageInput {
    /// signed (签约) or landed (落地): the next stage, never an earlier one
    pub stage: String,
    /// the version of the lead that was read (optimistic locking)
    pub version: i64,
    /// YYYY-MM-DD the step happened (default today)
    pub on: Option<String>,
    /// replaces the lead's note when given
    pub note: Option<String>,
}

/// Moves a lead one stage forward, recording the day.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` (unknown stage, bad date),
/// `Conflict` (backwards, skipped or repeated stage; stale version).
pub async fn advance_lead(cx: &WorkContext, actor: &Actor, id: i64, input: &StageInput) -> Result<Lead, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Department, Role::Township])?;
    let to = Stage::parse(input.stage.trim()).ok_or_else(|| AppError::field("stage", format!("未知的阶段“{}”（应为 signed 或 landed）", input.stage)))?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_lead(&mut tx, id).await?.ok_or(AppError::NotFound("招商项目"))?;
    if !may_read(actor, &before) {
        return Err(AppError::Forbidden("无权推进该招商项目"));
    }
    let from = Stage::parse(&before.stage).ok_or_else(|| AppError::Internal(format!("lead {id} has stage {}", before.stage)))?;
    rules::advance(from, to).map_err(|e| AppError::Conflict { code: "illegal_transition", message: e.to_string(), field: Some("stage") })?;
    if input.version != before.version {
        return Err(AppError::from_store(StoreError::Stale, &[], ""));
    }
    let previous = match from {
        Stage::Negotiating => before.negotiating_on.as_str(),
        Stage::Signed | Stage::Landed => before.signed_on.as_deref().unwrap_or(&before.negotiating_on),
    };
    let previous = parse_date(previous).map_err(|_| AppError::Internal(format!("lead {id} has a bad date")))?;
    let day = stage_date(input.on.as_deref(), previous, cx.today())?;
    let note = match &input.note {
        Some(n) => optional_text("note", "备注", n, 1000)?,
        None => before.note.clone(),
    };
    let at = cx.now_text();
    repo::set_stage(&mut tx, id, input.version, to, &date_text(day), &note, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_lead(&mut tx, id).await?.ok_or(AppError::NotFound("招商项目"))?;
    let mut entry = actor.audit(to.code(), "investment_lead", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- targets and progress -------------------------------------------------------------

/// Sets a quarter's target (admin and leader).
///
/// # Errors
/// `Forbidden`, `Validation`.
pub async fn set_target(cx: &WorkContext, actor: &Actor, input: &TargetInput) -> Result<Target, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let fields = input.parse()?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_target(&mut tx, fields.quarter.year, fields.quarter.quarter).await?;
    repo::upsert_target(&mut tx, &fields, &cx.now_text()).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_target(&mut tx, fields.quarter.year, fields.quarter.quarter).await?.ok_or(AppError::NotFound("季度目标"))?;
    let mut entry = actor.audit(if before.is_some() { "update" } else { "create" }, "investment_target", Some(after.id));
    entry.before = before.as_ref().and_then(snapshot);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Forbidden` for roles that see no leads.
pub async fn list_targets(db: &Db, actor: &Actor) -> Result<Vec<Target>, AppError> {
    scope_filter(actor, LeadFilter::default())?;
    Ok(repo::list_targets(db).await?)
}

/// A quarter measured against its target, as of a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuarterProgress {
    pub year: i32,
    pub quarter: u8,
    /// 2020年一季度
    pub label: String,
    /// the first day counted
    pub from: String,
    /// the last day counted: the quarter's end, or the day asked about if earlier
    pub to: String,
    /// the zone's target (absent when none is set, or for a township's own view)
    pub target: Option<Target>,
    /// the township the counts are narrowed to
    pub township_id: Option<i64>,
    pub total: Reached,
    /// per channel: remote (不见面), phone (电话), online (网络)
    pub by_channel: Vec<Reached>,
    /// by industry chain (产业链招商), with the leads signed in the quarter
    pub chains: Vec<ChainCount>,
    /// signed projects ÷ the target's (absent without a target)
    pub signed_share: Option<f64>,
    /// landed projects ÷ the target's
    pub landed_share: Option<f64>,
    /// signed investment ÷ the target's
    pub amount_share: Option<f64>,
}

/// Investment progress of a quarter against its target, counted up to `as_of`
/// (or the quarter's end): what the dashboard and the briefing show. A township
/// sees its own leads, without the zone's target.
///
/// # Errors
/// `Forbidden` for roles that see no leads.
pub async fn quarter_progress(db: &Db, actor: &Actor, quarter: Quarter, as_of: Option<Date>) -> Result<QuarterProgress, AppError> {
    let scope = scope_filter(actor, LeadFilter::default())?;
    let from = quarter.first_day();
    let to = as_of.map_or(quarter.last_day(), |d| d.min(quarter.last_day()));
    let (from_text, to_text) = (date_text(from), date_text(to));
    let by: Vec<Reached> = if to < from { Vec::new() } else { repo::reached(db, &from_text, &to_text, scope.township_id).await? };
    let mut by_channel = Vec::new();
    for channel in rules::Channel::ALL {
        let found = by.iter().find(|r| r.channel.as_deref() == Some(channel.code())).cloned();
        by_channel.push(found.unwrap_or(Reached { channel: Some(channel.code().to_string()), ..Reached::default() }));
    }
    let total = by_channel.iter().fold(Reached::default(), |t, r| Reached {
        channel: None,
        negotiating: t.negotiating + r.negotiating,
        signed: t.signed + r.signed,
        landed: t.landed + r.landed,
        signed_amount_yuan: t.signed_amount_yuan + r.signed_amount_yuan,
    });
    let chains = if to < from { Vec::new() } else { repo::chains(db, &from_text, &to_text, scope.township_id).await? };
    let target = if scope.township_id.is_some() {
        None
    } else {
        let mut conn = db.pool().acquire().await?;
        repo::find_target(&mut conn, quarter.year, quarter.quarter).await?
    };
    let (signed_share, landed_share, amount_share) = match &target {
        Some(t) => (share(total.signed, t.signed_count), share(total.landed, t.landed_count), share(total.signed_amount_yuan, t.signed_amount_yuan)),
        None => (None, None, None),
    };
    Ok(QuarterProgress {
        year: quarter.year,
        quarter: quarter.quarter,
        label: quarter.label(),
        from: from_text,
        to: to_text,
        target,
        township_id: scope.township_id,
        total,
        by_channel,
        chains,
        signed_share,
        landed_share,
        amount_share,
    })
}

/// The quarter of the business day, measured up to that day.
///
/// # Errors
/// As `quarter_progress`.
pub async fn current_progress(cx: &WorkContext, actor: &Actor) -> Result<QuarterProgress, AppError> {
    quarter_progress(&cx.db, actor, Quarter::of(cx.today()), Some(cx.today())).await
}
