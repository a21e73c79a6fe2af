//! 重点项目调度: register and change key projects, their milestones (节点),
//! permits (手续) and dispatch notes (调度记录); raise factor needs (要素保障)
//! as work orders linked to the project; the slippage view (late milestones,
//! stalled permits) as of the business day.
//!
//! Rows: the leader and admin see every project, a department too (it grants
//! the permits); a township its own township's; an officer those its
//! enterprises own; an enterprise the projects it owns.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text};
use super::workorder::{Filed, OrderInput, file_in};
use super::{Actor, snapshot};
use crate::domain::project::{FactorKind, MilestoneInput, PermitInput, PermitStatus, ProjectFields, ProjectInput, days_late, permit_stalled, required_date};
use crate::domain::registry::{optional_text, required_text};
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::project::{self as repo, FactorNeed, Milestone, Permit, Project, ProjectFilter, ProjectNote, Slip};
use crate::store::registry as reg;
use crate::store::{Page, PageRequest, audit};

const PROJECT_UNIQUE: &[(&str, &str, &str)] = &[("name", "name", "已有同名的重点项目")];

// ---- who may do what -------------------------------------------------------------

/// Whether the actor may see this project.
async fn may_read(conn: &mut AnyConnection, actor: &Actor, p: &Project) -> Result<bool, AppError> {
    Ok(match actor.role {
        Role::Admin | Role::Leader | Role::Department => true,
        Role::Township => actor.township_id == Some(p.township_id),
        Role::Enterprise => actor.enterprise_id == Some(p.owner_enterprise_id),
        Role::Officer => match actor.cadre_id {
            Some(c) => reg::cadre_serves(conn, c, p.owner_enterprise_id).await?,
            None => false,
        },
        Role::Volunteer | Role::Isolation => false,
    })
}

/// Whether the actor schedules this project: plans its milestones, permits and notes.
fn may_manage(actor: &Actor, township_id: i64) -> bool {
    match actor.role {
        Role::Admin | Role::Leader => true,
        Role::Township => actor.township_id == Some(township_id),
        _ => false,
    }
}

/// Loads a project the actor may see, as of the context's day.
async fn load(conn: &mut AnyConnection, cx: &WorkContext, actor: &Actor, id: i64) -> Result<Project, AppError> {
    let p = repo::find_project(conn, id, cx.today()).await?.ok_or(AppError::NotFound("重点项目"))?;
    if !may_read(conn, actor, &p).await? {
        return Err(AppError::Forbidden("无权查看该重点项目"));
    }
    Ok(p)
}

/// Narrows a list filter to the actor's rows.
///
/// # Errors
/// `Forbidden` for roles that see no projects, or a filter outside the actor's scope.
pub fn scope_filter(actor: &Actor, mut f: ProjectFilter) -> Result<ProjectFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader | Role::Department => {}
        Role::Township => {
            let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
            if f.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的项目"));
            }
            f.township_id = Some(own);
        }
        Role::Enterprise => {
            let own = actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?;
            if f.owner_enterprise_id.is_some_and(|e| e != own) {
                return Err(AppError::Forbidden("无权查看其他企业的项目"));
            }
            f.owner_enterprise_id = Some(own);
        }
        Role::Officer => f.only_cadre = Some(actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?),
        Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看重点项目")),
    }
    Ok(f)
}

// ---- projects ----------------------------------------------------------------------

/// # Errors
/// `Forbidden` for roles that see no projects.
pub async fn list_projects(cx: &WorkContext, actor: &Actor, filter: ProjectFilter, page: &PageRequest) -> Result<Page<Project>, AppError> {
    let f = scope_filter(actor, filter)?;
    Ok(repo::list_projects(&cx.db, &f, cx.today(), page).await?)
}

/// A project with everything scheduled on it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectDetail {
    pub project: Project,
    pub milestones: Vec<Milestone>,
    pub permits: Vec<Permit>,
    pub notes: Vec<ProjectNote>,
    /// the factor needs raised for it, as work orders
    pub factor_needs: Vec<FactorNeed>,
}

/// # Errors
/// `NotFound`, or `Forbidden` outside the actor's scope.
pub async fn get_project(cx: &WorkContext, actor: &Actor, id: i64) -> Result<ProjectDetail, AppError> {
    let mut conn = cx.db.pool().acquire().await?;
    let project = load(&mut conn, cx, actor, id).await?;
    let today = cx.today();
    let mut milestones = repo::list_milestones(&mut conn, id).await?;
    for m in &mut milestones {
        m.days_late = late(m, today);
    }
    let mut permits = repo::list_permits(&mut conn, id).await?;
    for p in &mut permits {
        p.stalled = stalled(p, today);
    }
    let notes = repo::list_notes(&mut conn, id).await?;
    let factor_needs = repo::list_factor_needs(&mut conn, id).await?;
    Ok(ProjectDetail { project, milestones, permits, notes, factor_needs })
}

fn late(m: &Milestone, today: time::Date) -> Option<i64> {
    let planned = super::clock::parse_date(&m.planned_on).ok()?;
    let actual = m.actual_on.as_deref().and_then(|a| super::clock::parse_date(a).ok());
    days_late(planned, actual, today)
}

fn stalled(p: &Permit, today: time::Date) -> bool {
    match (PermitStatus::parse(&p.status), super::clock::parse_date(&p.due_on)) {
        (Some(s), Ok(due)) => permit_stalled(s, due, today),
        _ => false,
    }
}

/// Checks the ids a project refers to and decides its township (the owner's
/// unless given).
async fn check_refs(conn: &mut AnyConnection, f: &ProjectFields) -> Result<i64, AppError> {
    let owner = reg::find_enterprise(conn, f.owner_enterprise_id).await?.ok_or_else(|| AppError::field("owner_enterprise_id", "所选业主企业不存在"))?;
    match f.township_id {
        Some(t) => match reg::find_township(conn, t).await? {
            Some(_) => Ok(t),
            None => Err(AppError::field("township_id", "所选乡镇办不存在")),
        },
        None => Ok(owner.township_id),
    }
}

/// Registers a key project (admin, leader, or a township for its own township).
///
/// # Errors
/// `Forbidden`, `Validation` naming each bad field, `Conflict` on a duplicate name.
pub async fn create_project(cx: &WorkContext, actor: &Actor, input: &ProjectInput) -> Result<Project, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let fields = input.parse()?;
    let mut tx = cx.db.begin_write().await?;
    let township = check_refs(&mut tx, &fields).await?;
    if !may_manage(actor, township) {
        return Err(AppError::Forbidden("只能登记本乡镇办的重点项目"));
    }
    let at = cx.now_text();
    let id = repo::insert_project(&mut tx, &fields, township, (actor.user_id > 0).then_some(actor.user_id), &at)
        .await
        .map_err(|e| AppError::from_store(e, PROJECT_UNIQUE, ""))?;
    let created = repo::find_project(&mut tx, id, cx.today()).await?.ok_or(AppError::NotFound("重点项目"))?;
    let mut entry = actor.audit("create", "project", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes a project that is still at `version`. The owner enterprise may
/// report only its progress (形象进度); the start may not move past a milestone.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (stale version, duplicate name).
pub async fn update_project(cx: &WorkContext, actor: &Actor, id: i64, version: i64, input: &ProjectInput) -> Result<Project, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township, Role::Enterprise])?;
    let mut tx = cx.db.begin_write().await?;
    let before = load(&mut tx, cx, actor, id).await?;
    let input = if actor.role == Role::Enterprise {
        ProjectInput {
            name: before.name.clone(),
            kind: before.kind.clone(),
            owner_enterprise_id: Some(before.owner_enterprise_id),
            township_id: Some(before.township_id),
            investment_wan: crate::domain::policy::yuan_to_wan(before.investment_yuan),
            start_on: before.start_on.clone(),
            planned_end_on: before.planned_end_on.clone(),
            progress_pct: input.progress_pct,
            location: before.location.clone(),
            description: before.description.clone(),
        }
    } else {
        if !may_manage(actor, before.township_id) {
            return Err(AppError::Forbidden("无权修改该重点项目"));
        }
        input.clone()
    };
    let fields = input.parse()?;
    let township = check_refs(&mut tx, &fields).await?;
    if actor.role == Role::Township && actor.township_id != Some(township) {
        return Err(AppError::Forbidden("不能把项目移到其他乡镇办"));
    }
    if let Some(first) = repo::earliest_milestone(&mut tx, id).await?
        && first < date_text(fields.start_on)
    {
        return Err(AppError::field("start_on", format!("已有节点日期（{first}）早于新的开工日期")));
    }
    if version != before.version {
        return Err(AppError::from_store(crate::store::StoreError::Stale, &[], ""));
    }
    let at = cx.now_text();
    repo::update_project(&mut tx, id, version, &fields, township, &at).await.map_err(|e| AppError::from_store(e, PROJECT_UNIQUE, ""))?;
    let after = repo::find_project(&mut tx, id, cx.today()).await?.ok_or(AppError::NotFound("重点项目"))?;
    let mut entry = actor.audit("update", "project", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- milestones ---------------------------------------------------------------------

/// Plans a milestone of a project; a day before the project's start is refused
/// naming the field.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`.
pub async fn add_milestone(cx: &WorkContext, actor: &Actor, project_id: i64, input: &MilestoneInput) -> Result<Milestone, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let p = load(&mut tx, cx, actor, project_id).await?;
    if !may_manage(actor, p.township_id) {
        return Err(AppError::Forbidden("无权为该项目安排节点"));
    }
    let start = start_of(&p)?;
    let fields = input.parse(start, cx.today())?;
    let at = cx.now_text();
    let id = repo::insert_milestone(&mut tx, project_id, &fields, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut created = repo::find_milestone(&mut tx, id).await?.ok_or(AppError::NotFound("节点"))?;
    created.days_late = late(&created, cx.today());
    let mut entry = actor.audit("create", "project_milestone", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

fn start_of(p: &Project) -> Result<time::Date, AppError> {
    super::clock::parse_date(&p.start_on).map_err(|_| AppError::Internal(format!("project {} has start {}", p.id, p.start_on)))
}

/// Changes a milestone still at `version`. The owner enterprise may record
/// only when it was reached (and a note).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` on a stale version.
pub async fn update_milestone(cx: &WorkContext, actor: &Actor, id: i64, version: i64, input: &MilestoneInput) -> Result<Milestone, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_milestone(&mut tx, id).await?.ok_or(AppError::NotFound("节点"))?;
    let p = load(&mut tx, cx, actor, before.project_id).await?;
    let input = if may_manage(actor, p.township_id) {
        input.clone()
    } else if actor.role == Role::Enterprise {
        MilestoneInput { name: before.name.clone(), planned_on: before.planned_on.clone(), actual_on: input.actual_on.clone(), note: input.note.clone() }
    } else {
        return Err(AppError::Forbidden("无权修改该项目的节点"));
    };
    let fields = input.parse(start_of(&p)?, cx.today())?;
    let at = cx.now_text();
    repo::update_milestone(&mut tx, id, version, &fields, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut after = repo::find_milestone(&mut tx, id).await?.ok_or(AppError::NotFound("节点"))?;
    after.days_late = late(&after, cx.today());
    let mut entry = actor.audit("update", "project_milestone", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes a milestone planned by mistake (the audit log keeps it).
///
/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn delete_milestone(cx: &WorkContext, actor: &Actor, id: i64) -> Result<i64, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_milestone(&mut tx, id).await?.ok_or(AppError::NotFound("节点"))?;
    let p = load(&mut tx, cx, actor, before.project_id).await?;
    if !may_manage(actor, p.township_id) {
        return Err(AppError::Forbidden("无权删除该项目的节点"));
    }
    repo::delete_milestone(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], "该节点仍被引用，不能删除"))?;
    let mut entry = actor.audit("delete", "project_milestone", Some(id));
    entry.before = snapshot(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(p.id)
}

// ---- permits ------------------------------------------------------------------------

/// Lists a permit (手续) the project needs.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`.
pub async fn add_permit(cx: &WorkContext, actor: &Actor, project_id: i64, input: &PermitInput) -> Result<Permit, AppError> {
    let fields = input.parse()?;
    let mut tx = cx.db.begin_write().await?;
    let p = load(&mut tx, cx, actor, project_id).await?;
    if !may_manage(actor, p.township_id) {
        return Err(AppError::Forbidden("无权为该项目登记手续"));
    }
    // a permit listed as already decided keeps no decision day: it is not known
    let at = cx.now_text();
    let id = repo::insert_permit(&mut tx, project_id, &fields, None, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut created = repo::find_permit(&mut tx, id).await?.ok_or(AppError::NotFound("手续"))?;
    created.stalled = stalled(&created, cx.today());
    let mut entry = actor.audit("create", "project_permit", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes a permit still at `version`: its status moves forward (or a
/// rejected one is submitted again); a department may record the decision.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (an illegal move, a stale version).
pub async fn update_permit(cx: &WorkContext, actor: &Actor, id: i64, version: i64, input: &PermitInput) -> Result<Permit, AppError> {
    let fields = input.parse()?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_permit(&mut tx, id).await?.ok_or(AppError::NotFound("手续"))?;
    let p = load(&mut tx, cx, actor, before.project_id).await?;
    if !(may_manage(actor, p.township_id) || actor.role == Role::Department) {
        return Err(AppError::Forbidden("无权办理该项目的手续"));
    }
    let from = PermitStatus::parse(&before.status).ok_or_else(|| AppError::Internal(format!("permit {id} has status {}", before.status)))?;
    if !from.may_become(fields.status) {
        return Err(AppError::Conflict {
            code: "illegal_transition",
            message: format!("手续当前为“{}”，不能改为“{}”", from.label(), fields.status.label()),
            field: Some("status"),
        });
    }
    let decided = if fields.status == from { before.decided_on.clone() } else { (!fields.status.is_open()).then(|| cx.today_text()) };
    let at = cx.now_text();
    repo::update_permit(&mut tx, id, version, &fields, decided.as_deref(), &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut after = repo::find_permit(&mut tx, id).await?.ok_or(AppError::NotFound("手续"))?;
    after.stalled = stalled(&after, cx.today());
    let mut entry = actor.audit("update", "project_permit", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- notes and factor needs -----------------------------------------------------------

/// A dispatch note (调度记录): a field visit, a meeting, a decision.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NoteInput {
    /// YYYY-MM-DD (default today)
    pub noted_on: Option<String>,
    pub text: String,
}

/// # Errors
/// `Forbidden`, `NotFound`, `Validation`.
pub async fn add_note(cx: &WorkContext, actor: &Actor, project_id: i64, input: &NoteInput) -> Result<ProjectNote, AppError> {
    let mut errors = Vec::new();
    let text = required_text("text", "调度内容", &input.text, 2000).map_err(|e| errors.push(e)).unwrap_or_default();
    let day = match input.noted_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => required_date("noted_on", "日期", d).map_err(|e| errors.push(e)).ok(),
        None => Some(cx.today()),
    };
    if day.is_some_and(|d| d > cx.today()) {
        errors.push(FieldError::new("noted_on", "日期不能晚于今天"));
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    let mut tx = cx.db.begin_write().await?;
    let p = load(&mut tx, cx, actor, project_id).await?;
    if !may_manage(actor, p.township_id) {
        return Err(AppError::Forbidden("无权为该项目记录调度情况"));
    }
    let at = cx.now_text();
    let id = repo::insert_note(&mut tx, project_id, &date_text(day), &text, &actor.display_name, (actor.user_id > 0).then_some(actor.user_id), &at)
        .await
        .map_err(|e| AppError::from_store(e, &[], ""))?;
    let note = repo::list_notes(&mut tx, project_id).await?.into_iter().find(|n| n.id == id).ok_or(AppError::NotFound("调度记录"))?;
    let mut entry = actor.audit("create", "project_note", Some(id));
    entry.after = snapshot(&note);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(note)
}

/// A factor need (要素保障) as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FactorNeedInput {
    /// labour (用工), materials (用料), logistics (交通物流), approval (手续审批)
    pub kind: String,
    pub title: String,
    pub description: String,
}

/// Raises a factor need as a work order of the project's owner, with source
/// "project" and the project's id as its source reference; the order engine
/// takes it from there (交办, limits, 督办).
///
/// # Errors
/// `Forbidden` (only the task force raises needs: admin, leader, the project's
/// township), `NotFound`, `Validation`.
pub async fn raise_factor_need(cx: &WorkContext, actor: &Actor, project_id: i64, input: &FactorNeedInput) -> Result<Filed, AppError> {
    let kind = FactorKind::parse(input.kind.trim()).ok_or_else(|| {
        AppError::field("kind", if input.kind.trim().is_empty() { "请选择要素保障类型".to_string() } else { format!("未知的要素保障类型“{}”", input.kind) })
    })?;
    let mut tx = cx.db.begin_write().await?;
    let p = load(&mut tx, cx, actor, project_id).await?;
    if !may_manage(actor, p.township_id) {
        return Err(AppError::Forbidden("项目要素保障需求由专班或属地乡镇办登记；企业可通过“提交诉求”反映"));
    }
    let description = optional_text("description", "需求描述", &input.description, 1900)?;
    let order = OrderInput {
        enterprise_id: Some(p.owner_enterprise_id),
        category: kind.category_code().to_string(),
        title: input.title.clone(),
        description: if description.is_empty() { format!("重点项目：{}", p.name) } else { format!("重点项目：{}\n{description}", p.name) },
        source: Some("project".to_string()),
        source_ref: Some(p.id),
        address: p.location.clone(),
        ..OrderInput::default()
    };
    let filed = file_in(&mut tx, cx, actor, &order).await?;
    tx.commit().await?;
    Ok(filed)
}

// ---- slippage --------------------------------------------------------------------------

/// The slippage view (进度滞后): late milestones and stalled permits.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Slippage {
    /// the business day it is computed for
    pub as_of: String,
    /// milestones whose planned day has passed without them
    pub milestones: Vec<Slip>,
    /// permits still undecided after their due day
    pub permits: Vec<Slip>,
}

/// The slippage of the projects the actor may see, as of the business day.
///
/// # Errors
/// `Forbidden` for roles that see no projects.
pub async fn slippage(cx: &WorkContext, actor: &Actor, filter: ProjectFilter) -> Result<Slippage, AppError> {
    let f = scope_filter(actor, filter)?;
    let (milestones, permits) = repo::slippage(&cx.db, &f, cx.today()).await?.into_iter().partition(|s| s.what == "milestone");
    Ok(Slippage { as_of: cx.today_text(), milestones, permits })
}
