//! Tutoring use cases (结对帮扶): the volunteer and child registries, the
//! optimal pairing run and its manual overrides, accepting and ending pairings,
//! and the volunteers' session logs.
//!
//! Who may do what: the leader and admin run the whole programme; a township's
//! task force keeps the volunteers and children of its own township and decides
//! on their pairings; a volunteer sees its own record and pairings and logs its
//! sessions. Nobody else sees children's data.
//!
//! Phones (volunteers', guardians') are masked in every list and in exports;
//! one record shows them in clear to those who may see it (the managers, and
//! a volunteer its own), and an admin's export carries them in clear for
//! moving the registries between systems (docs/reliability.md, "Personal
//! information"). Audit entries keep them masked.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text, parse_date};
use super::{Actor, snapshot};
use crate::domain::id_number::{is_masked_phone, mask_phone};
use crate::domain::registry::{optional_phone, optional_text, required_text};
use crate::domain::tutoring::{self as rules, ChildCategory, Coordinates, GRADES, PinSkipped, Pupil, SessionTopic, Subject, SubjectSet, Tutor};
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::registry as reg;
use crate::store::tutoring::{
    self as repo, Child, ChildFilter, ChildRow, NewPairing, Pairing, PairingFilter, PairingRule, TutoringFigures, TutoringSession, Volunteer, VolunteerFilter,
    VolunteerRow,
};
use crate::store::{Db, Page, PageRequest, StoreError, audit};

/// Whose rows of the programme an actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TutoringScope {
    /// the leader and admin
    Zone,
    /// a township's task force
    Township(i64),
    /// a volunteer: its own record (None while its account is not yet bound)
    Volunteer(Option<i64>),
}

/// # Errors
/// `Forbidden` for roles outside the programme.
pub async fn scope_of(conn: &mut AnyConnection, actor: &Actor) -> Result<TutoringScope, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => Ok(TutoringScope::Zone),
        Role::Township => Ok(TutoringScope::Township(actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?)),
        Role::Volunteer => Ok(TutoringScope::Volunteer(repo::volunteer_of_user(conn, actor.user_id).await?)),
        Role::Department | Role::Officer | Role::Enterprise | Role::Isolation => Err(AppError::Forbidden("您的角色无权查看结对帮扶信息")),
    }
}

/// The scope of someone who keeps registries and decides on pairings (not a volunteer).
async fn manager_scope(conn: &mut AnyConnection, actor: &Actor) -> Result<TutoringScope, AppError> {
    match scope_of(conn, actor).await? {
        TutoringScope::Volunteer(_) => Err(AppError::Forbidden("志愿者只能查看本人的结对和辅导记录")),
        s => Ok(s),
    }
}

fn in_township(scope: TutoringScope, township_id: i64) -> Result<(), AppError> {
    match scope {
        TutoringScope::Township(t) if t != township_id => Err(AppError::Forbidden("只能管理本乡镇办的志愿者和帮扶对象")),
        _ => Ok(()),
    }
}

fn may_see_pairing(scope: TutoringScope, p: &Pairing) -> bool {
    match scope {
        TutoringScope::Zone => true,
        TutoringScope::Township(t) => p.child_township_id == t,
        TutoringScope::Volunteer(v) => v == Some(p.volunteer_id),
    }
}

/// A volunteer as the audit log keeps it: phone masked.
fn volunteer_audit_view(v: &Volunteer) -> Option<serde_json::Value> {
    let mut v = v.clone();
    v.phone = mask_phone(&v.phone);
    snapshot(&v)
}

/// A child as the audit log keeps it: the guardian's phone masked.
fn child_audit_view(c: &Child) -> Option<serde_json::Value> {
    let mut c = c.clone();
    c.guardian_phone = mask_phone(&c.guardian_phone);
    snapshot(&c)
}

/// A phone sent back as it was shown masked keeps the stored one; anything
/// else is taken as typed.
fn unmasked_phone(sent: &str, stored: &str) -> String {
    if is_masked_phone(sent) && !stored.is_empty() && sent.trim() == mask_phone(stored) { stored.to_string() } else { sent.to_string() }
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn check_subjects(field: &'static str, codes: &[String], errors: &mut Vec<FieldError>) -> SubjectSet {
    match SubjectSet::parse(codes.iter().map(String::as_str)) {
        Ok(s) if s.is_empty() => {
            errors.push(FieldError::new(field, "请至少选择一门学科"));
            s
        }
        Ok(s) => s,
        Err(code) => {
            errors.push(FieldError::new(field, format!("未知的学科“{code}”")));
            SubjectSet::default()
        }
    }
}

fn check_grade(field: &'static str, label: &str, grade: Option<i64>, errors: &mut Vec<FieldError>) -> i64 {
    match grade {
        Some(g) if GRADES.contains(&g) => g,
        Some(_) => {
            errors.push(FieldError::new(field, format!("{label}应为1到12（小学一年级到高三）")));
            1
        }
        None => {
            errors.push(FieldError::new(field, format!("请选择{label}")));
            1
        }
    }
}

async fn check_township(conn: &mut AnyConnection, id: Option<i64>, errors: &mut Vec<FieldError>) -> Result<i64, AppError> {
    match id {
        Some(t) if reg::find_township(conn, t).await?.is_some() => Ok(t),
        Some(_) => {
            errors.push(FieldError::new("township_id", "所选乡镇办不存在"));
            Ok(0)
        }
        None => {
            errors.push(FieldError::new("township_id", "请选择所在乡镇办"));
            Ok(0)
        }
    }
}

// ---- volunteers --------------------------------------------------------------

/// A volunteer as a form or JSON gives it.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct VolunteerInput {
    pub name: String,
    /// e.g. 郑州大学
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub phone: String,
    /// subject codes: chinese, math, english, physics, chemistry, biology, politics, history, geography, science, arts
    #[serde(default)]
    pub subjects: Vec<String>,
    /// the lowest and highest grade the volunteer can teach, 1–12
    pub grade_min: Option<i64>,
    pub grade_max: Option<i64>,
    pub township_id: Option<i64>,
    /// 村 (or 社区)
    #[serde(default)]
    pub village: String,
    /// when the volunteer can help, e.g. 工作日晚上、周末全天
    #[serde(default)]
    pub availability: String,
    /// how many children the volunteer takes on, 1–5 (default 1)
    pub capacity: Option<i64>,
    /// false while the volunteer cannot take on children (default true)
    pub active: Option<bool>,
    /// the version that was read (updates only)
    pub version: Option<i64>,
}

crate::debug_without_pii!(VolunteerInput { township_id, version });

async fn check_volunteer(conn: &mut AnyConnection, input: &VolunteerInput) -> Result<VolunteerRow, AppError> {
    let mut errors = Vec::new();
    let take = |r: Result<String, FieldError>, errors: &mut Vec<FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
    let name = take(required_text("name", "姓名", &input.name, 50), &mut errors);
    let school = take(optional_text("school", "学校", &input.school, 100), &mut errors);
    let phone = take(optional_phone("phone", &input.phone), &mut errors);
    let village = take(required_text("village", "所在村（社区）", &input.village, 50), &mut errors);
    let availability = take(optional_text("availability", "可服务时间", &input.availability, 200), &mut errors);
    let subjects = check_subjects("subjects", &input.subjects, &mut errors);
    let grade_min = check_grade("grade_min", "可辅导最低年级", input.grade_min, &mut errors);
    let grade_max = check_grade("grade_max", "可辅导最高年级", input.grade_max, &mut errors);
    if grade_min > grade_max {
        errors.push(FieldError::new("grade_max", "最高年级不能低于最低年级"));
    }
    let capacity = input.capacity.unwrap_or(1);
    if !(1..=5).contains(&capacity) {
        errors.push(FieldError::new("capacity", "结对人数应为1到5人"));
    }
    let township_id = check_township(conn, input.township_id, &mut errors).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok(VolunteerRow {
        name,
        school,
        phone,
        subjects: subjects.to_codes(),
        grade_min,
        grade_max,
        township_id,
        village,
        availability,
        capacity,
        active: input.active.unwrap_or(true),
    })
}

/// Registers a volunteer.
///
/// # Errors
/// `Forbidden` outside the managers (or another township), `Validation` naming each bad field.
pub async fn create_volunteer(cx: &WorkContext, actor: &Actor, input: &VolunteerInput) -> Result<Volunteer, AppError> {
    Ok(create_volunteers(cx, actor, std::slice::from_ref(input)).await?.remove(0))
}

/// Registers several volunteers at once, all or nothing (an import).
///
/// # Errors
/// As `create_volunteer`, for the first bad one.
pub async fn create_volunteers(cx: &WorkContext, actor: &Actor, inputs: &[VolunteerInput]) -> Result<Vec<Volunteer>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let at = cx.now_text();
    let mut created = Vec::with_capacity(inputs.len());
    for input in inputs {
        let row = check_volunteer(&mut tx, input).await?;
        in_township(scope, row.township_id)?;
        let id = repo::insert_volunteer(&mut tx, &row, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
        let v = repo::find_volunteer(&mut tx, id).await?.ok_or(AppError::NotFound("志愿者"))?;
        let mut entry = actor.audit("create", "volunteer", Some(id));
        entry.after = volunteer_audit_view(&v);
        audit::append(&mut tx, &entry).await?;
        created.push(v);
    }
    tx.commit().await?;
    Ok(created)
}

/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` on a stale version.
pub async fn update_volunteer(cx: &WorkContext, actor: &Actor, id: i64, input: &VolunteerInput) -> Result<Volunteer, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let before = repo::find_volunteer(&mut tx, id).await?.ok_or(AppError::NotFound("志愿者"))?;
    in_township(scope, before.township_id)?;
    let input = VolunteerInput { phone: unmasked_phone(&input.phone, &before.phone), ..input.clone() };
    let row = check_volunteer(&mut tx, &input).await?;
    in_township(scope, row.township_id)?;
    if row.capacity < before.paired {
        return Err(AppError::field("capacity", format!("该志愿者已有{}个结对，结对人数不能少于此数", before.paired)));
    }
    let version = input.version.ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    repo::update_volunteer(&mut tx, id, version, &row, &cx.now_text()).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_volunteer(&mut tx, id).await?.ok_or(AppError::NotFound("志愿者"))?;
    let mut entry = actor.audit("update", "volunteer", Some(id));
    entry.before = volunteer_audit_view(&before);
    entry.after = volunteer_audit_view(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` when the volunteer has pairings (end them, or mark it inactive).
pub async fn delete_volunteer(cx: &WorkContext, actor: &Actor, id: i64) -> Result<(), AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let before = repo::find_volunteer(&mut tx, id).await?.ok_or(AppError::NotFound("志愿者"))?;
    in_township(scope, before.township_id)?;
    repo::delete_volunteer(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], "该志愿者已有结对或绑定了账号，不能删除；可将其设为暂停服务"))?;
    let mut entry = actor.audit("delete", "volunteer", Some(id));
    entry.before = volunteer_audit_view(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// # Errors
/// `NotFound`, `Forbidden` outside the actor's scope.
pub async fn get_volunteer(db: &Db, actor: &Actor, id: i64) -> Result<Volunteer, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = scope_of(&mut conn, actor).await?;
    let v = repo::find_volunteer(&mut conn, id).await?.ok_or(AppError::NotFound("志愿者"))?;
    let ok = match scope {
        TutoringScope::Zone => true,
        TutoringScope::Township(t) => v.township_id == t,
        TutoringScope::Volunteer(own) => own == Some(id),
    };
    if ok { Ok(v) } else { Err(AppError::Forbidden("无权查看该志愿者")) }
}

/// Volunteers in the actor's scope (a volunteer: only itself), phones masked
/// (a volunteer's own in clear).
///
/// # Errors
/// `Forbidden` outside the programme, or for another township's filter.
pub async fn list_volunteers(db: &Db, actor: &Actor, filter: VolunteerFilter, page: &PageRequest) -> Result<Page<Volunteer>, AppError> {
    let mut page = volunteers_in_scope(db, actor, filter, page).await?;
    if actor.role != Role::Volunteer {
        page.items.iter_mut().for_each(|v| v.phone = mask_phone(&v.phone));
    }
    Ok(page)
}

/// Volunteers as an export writes them: phones in clear for the admin (who
/// moves the registries between systems; the export is audited), masked for
/// everyone else.
///
/// # Errors
/// As `list_volunteers`.
pub async fn export_volunteers(db: &Db, actor: &Actor, filter: VolunteerFilter, page: &PageRequest) -> Result<Page<Volunteer>, AppError> {
    let mut page = volunteers_in_scope(db, actor, filter, page).await?;
    if actor.role != Role::Admin {
        page.items.iter_mut().for_each(|v| v.phone = mask_phone(&v.phone));
    }
    Ok(page)
}

async fn volunteers_in_scope(db: &Db, actor: &Actor, mut filter: VolunteerFilter, page: &PageRequest) -> Result<Page<Volunteer>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = scope_of(&mut conn, actor).await?;
    drop(conn);
    if let Some(s) = filter.subject.as_deref()
        && Subject::parse(s).is_none()
    {
        return Err(AppError::field("subject", format!("未知的学科“{s}”")));
    }
    match scope {
        TutoringScope::Zone => {}
        TutoringScope::Township(t) => {
            if filter.township_id.is_some_and(|f| f != t) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的志愿者"));
            }
            filter.township_id = Some(t);
        }
        TutoringScope::Volunteer(own) => {
            let items: Vec<Volunteer> = match own {
                Some(id) => repo::find_volunteer(&mut *db.pool().acquire().await?, id).await?.into_iter().collect(),
                None => Vec::new(),
            };
            return Ok(Page { total: items.len() as i64, items, page: 1, per_page: page.per_page() });
        }
    }
    Ok(repo::list_volunteers(db, &filter, page).await?)
}

// ---- children ----------------------------------------------------------------

/// A child as a form or JSON gives it.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct ChildInput {
    pub name: String,
    /// 1–12 (小学一年级 … 高三)
    pub grade: Option<i64>,
    /// subject codes the child needs help with
    #[serde(default)]
    pub subjects: Vec<String>,
    /// poor_family, frontline_child, left_behind, other
    #[serde(default)]
    pub category: String,
    pub township_id: Option<i64>,
    #[serde(default)]
    pub village: String,
    /// 监护人
    #[serde(default)]
    pub guardian: String,
    #[serde(default)]
    pub guardian_phone: String,
    /// the version that was read (updates only)
    pub version: Option<i64>,
}

crate::debug_without_pii!(ChildInput { township_id, version });

async fn check_child(conn: &mut AnyConnection, input: &ChildInput) -> Result<ChildRow, AppError> {
    let mut errors = Vec::new();
    let take = |r: Result<String, FieldError>, errors: &mut Vec<FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
    let name = take(required_text("name", "姓名", &input.name, 50), &mut errors);
    let village = take(required_text("village", "所在村（社区）", &input.village, 50), &mut errors);
    let guardian = take(optional_text("guardian", "监护人", &input.guardian, 50), &mut errors);
    let guardian_phone = take(optional_phone("guardian_phone", &input.guardian_phone), &mut errors);
    let subjects = check_subjects("subjects", &input.subjects, &mut errors);
    let grade = check_grade("grade", "年级", input.grade, &mut errors);
    let category = match ChildCategory::parse(input.category.trim()) {
        Some(c) => c.code().to_string(),
        None if input.category.trim().is_empty() => {
            errors.push(FieldError::new("category", "请选择帮扶类别"));
            String::new()
        }
        None => {
            errors.push(FieldError::new("category", format!("未知的帮扶类别“{}”", input.category)));
            String::new()
        }
    };
    let township_id = check_township(conn, input.township_id, &mut errors).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok(ChildRow { name, grade, subjects: subjects.to_codes(), category, township_id, village, guardian, guardian_phone })
}

/// Registers a child to help.
///
/// # Errors
/// `Forbidden`, `Validation` naming each bad field.
pub async fn create_child(cx: &WorkContext, actor: &Actor, input: &ChildInput) -> Result<Child, AppError> {
    Ok(create_children(cx, actor, std::slice::from_ref(input)).await?.remove(0))
}

/// Registers several children at once, all or nothing (an import).
///
/// # Errors
/// As `create_child`, for the first bad one.
pub async fn create_children(cx: &WorkContext, actor: &Actor, inputs: &[ChildInput]) -> Result<Vec<Child>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let at = cx.now_text();
    let mut created = Vec::with_capacity(inputs.len());
    for input in inputs {
        let row = check_child(&mut tx, input).await?;
        in_township(scope, row.township_id)?;
        let id = repo::insert_child(&mut tx, &row, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
        let c = repo::find_child(&mut tx, id).await?.ok_or(AppError::NotFound("帮扶对象"))?;
        let mut entry = actor.audit("create", "child", Some(id));
        entry.after = child_audit_view(&c);
        audit::append(&mut tx, &entry).await?;
        created.push(c);
    }
    tx.commit().await?;
    Ok(created)
}

/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` on a stale version.
pub async fn update_child(cx: &WorkContext, actor: &Actor, id: i64, input: &ChildInput) -> Result<Child, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let before = repo::find_child(&mut tx, id).await?.ok_or(AppError::NotFound("帮扶对象"))?;
    in_township(scope, before.township_id)?;
    let input = ChildInput { guardian_phone: unmasked_phone(&input.guardian_phone, &before.guardian_phone), ..input.clone() };
    let row = check_child(&mut tx, &input).await?;
    in_township(scope, row.township_id)?;
    let version = input.version.ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    repo::update_child(&mut tx, id, version, &row, &cx.now_text()).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_child(&mut tx, id).await?.ok_or(AppError::NotFound("帮扶对象"))?;
    let mut entry = actor.audit("update", "child", Some(id));
    entry.before = child_audit_view(&before);
    entry.after = child_audit_view(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` when the child has pairings.
pub async fn delete_child(cx: &WorkContext, actor: &Actor, id: i64) -> Result<(), AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let before = repo::find_child(&mut tx, id).await?.ok_or(AppError::NotFound("帮扶对象"))?;
    in_township(scope, before.township_id)?;
    repo::delete_child(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], "该帮扶对象已有结对记录，不能删除"))?;
    let mut entry = actor.audit("delete", "child", Some(id));
    entry.before = child_audit_view(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// # Errors
/// `NotFound`, `Forbidden` outside the managers' scope (volunteers see children through their pairings).
pub async fn get_child(db: &Db, actor: &Actor, id: i64) -> Result<Child, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = manager_scope(&mut conn, actor).await?;
    let c = repo::find_child(&mut conn, id).await?.ok_or(AppError::NotFound("帮扶对象"))?;
    in_township(scope, c.township_id).map_err(|_| AppError::Forbidden("无权查看该帮扶对象"))?;
    Ok(c)
}

/// Children in the actor's scope, guardians' phones masked.
///
/// # Errors
/// `Forbidden` outside the managers, or for another township's filter; `Validation` for an unknown category.
pub async fn list_children(db: &Db, actor: &Actor, filter: ChildFilter, page: &PageRequest) -> Result<Page<Child>, AppError> {
    let mut page = children_in_scope(db, actor, filter, page).await?;
    page.items.iter_mut().for_each(|c| c.guardian_phone = mask_phone(&c.guardian_phone));
    Ok(page)
}

/// Children as an export writes them: guardians' phones in clear for the
/// admin only (see `export_volunteers`).
///
/// # Errors
/// As `list_children`.
pub async fn export_children(db: &Db, actor: &Actor, filter: ChildFilter, page: &PageRequest) -> Result<Page<Child>, AppError> {
    let mut page = children_in_scope(db, actor, filter, page).await?;
    if actor.role != Role::Admin {
        page.items.iter_mut().for_each(|c| c.guardian_phone = mask_phone(&c.guardian_phone));
    }
    Ok(page)
}

async fn children_in_scope(db: &Db, actor: &Actor, mut filter: ChildFilter, page: &PageRequest) -> Result<Page<Child>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = manager_scope(&mut conn, actor).await?;
    drop(conn);
    if let Some(c) = filter.category.as_deref()
        && ChildCategory::parse(c).is_none()
    {
        return Err(AppError::field("category", format!("未知的帮扶类别“{c}”")));
    }
    if let TutoringScope::Township(t) = scope {
        if filter.township_id.is_some_and(|f| f != t) {
            return Err(AppError::Forbidden("无权查看其他乡镇办的帮扶对象"));
        }
        filter.township_id = Some(t);
    }
    Ok(repo::list_children(db, &filter, page).await?)
}

// ---- the pairing run ---------------------------------------------------------

/// A pin the run could not honour.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkippedPin {
    pub volunteer_id: i64,
    pub child_id: i64,
    pub reason: String,
}

/// What a pairing run did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairingRun {
    /// proposals of the previous run, withdrawn
    pub withdrawn: i64,
    /// accepted pairings, kept as they are
    pub kept: i64,
    /// the new proposals' ids
    pub proposed: Vec<i64>,
    /// the sum of the new proposals' costs: the minimum over all possible pairings
    pub total_cost: i64,
    /// children still without a volunteer (more children than places)
    pub unpaired: Vec<i64>,
    /// how many of them are in a priority category
    pub unpaired_priority: i64,
    pub skipped_pins: Vec<SkippedPin>,
}

/// What a pairing run solves: the inputs as read, so that the write can check
/// that they still hold.
#[derive(Debug, Clone, PartialEq)]
struct RunInputs {
    tutors: Vec<Tutor>,
    pupils: Vec<Pupil>,
    pins: Vec<(i64, i64)>,
    forbidden: Vec<(i64, i64)>,
}

/// Reads what a run solves. Proposals do not count: the run withdraws them, so
/// the answer is the same before and after the withdrawal.
async fn run_inputs(conn: &mut AnyConnection) -> Result<RunInputs, AppError> {
    let map: HashMap<(i64, String), Coordinates> =
        repo::village_coordinates(conn).await?.into_iter().map(|(t, v, latitude, longitude)| ((t, v), Coordinates { latitude, longitude })).collect();
    let at = |township_id: i64, village: &str| map.get(&(township_id, village.trim().to_string())).copied();
    let tutors = repo::run_volunteers(conn)
        .await?
        .into_iter()
        .map(|v| Tutor {
            id: v.id,
            township_id: v.township_id,
            location: at(v.township_id, &v.village),
            village: v.village,
            subjects: SubjectSet::parse([v.subjects.as_str()]).unwrap_or_default(),
            grade_min: v.grade_min,
            grade_max: v.grade_max,
            places: u32::try_from(v.capacity - v.accepted).unwrap_or(0),
        })
        .collect();
    let pupils: Vec<Pupil> = repo::run_children(conn)
        .await?
        .into_iter()
        .map(|c| Pupil {
            id: c.id,
            township_id: c.township_id,
            location: at(c.township_id, &c.village),
            village: c.village,
            grade: c.grade,
            subjects: SubjectSet::parse([c.subjects.as_str()]).unwrap_or_default(),
            category: ChildCategory::parse(&c.category).unwrap_or(ChildCategory::Other),
        })
        .collect();
    let all_rules = repo::list_rules(conn).await?;
    // a pin of a child who is already paired is not news
    let live_children: HashSet<i64> = pupils.iter().map(|p| p.id).collect();
    let pins = all_rules.iter().filter(|r| r.rule == "pin" && live_children.contains(&r.child_id)).map(|r| (r.volunteer_id, r.child_id)).collect();
    let forbidden = all_rules.iter().filter(|r| r.rule == "forbid").map(|r| (r.volunteer_id, r.child_id)).collect();
    Ok(RunInputs { tutors, pupils, pins, forbidden })
}

/// Recomputes the pairing: withdraws the open proposals, keeps every accepted
/// pairing, and proposes the minimum-cost assignment of the remaining children
/// to the volunteers' free places, honouring pins and forbidden pairs.
///
/// The assignment takes seconds for thousands of volunteers and children, so
/// it is solved from the inputs as read, on a blocking thread, outside any
/// transaction (the database stays open to writers, the async workers to
/// requests); the write then checks in its own transaction that the inputs
/// are still what was solved.
///
/// # Errors
/// `Forbidden` for anyone but the leader and admin (the run is zone-wide);
/// `Conflict` (`inputs_changed`) when a volunteer, a child, a pairing or a
/// rule changed while the run was solving: nothing is stored, run it again.
pub async fn compute_pairings(cx: &WorkContext, actor: &Actor) -> Result<PairingRun, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let inputs = {
        let mut conn = cx.db.pool().acquire().await?;
        run_inputs(&mut conn).await?
    };
    let solved = inputs.clone();
    let plan = tokio::task::spawn_blocking(move || rules::plan_pairings(&solved.tutors, &solved.pupils, &solved.pins, &solved.forbidden))
        .await
        .map_err(|e| AppError::Internal(format!("pairing run: {e}")))?;
    let mut tx = cx.db.begin_write().await?;
    let withdrawn = repo::delete_proposed(&mut tx).await?;
    if run_inputs(&mut tx).await? != inputs {
        return Err(AppError::Conflict {
            code: "inputs_changed",
            message: "计算期间志愿者、帮扶对象、结对或规则有变动，本次结果未保存，请重新计算".into(),
            field: None,
        });
    }
    let kept = repo::accepted_count(&mut tx).await?;
    let pupils = inputs.pupils;
    let at = cx.now_text();
    let mut proposed = Vec::with_capacity(plan.pairs.len());
    for pair in &plan.pairs {
        let new = NewPairing {
            volunteer_id: pair.volunteer_id,
            child_id: pair.child_id,
            status: "proposed",
            origin: if pair.pinned { "pinned" } else { "computed" },
            cost: pair.fit.cost,
            place: pair.fit.place.code(),
            subjects_covered: i64::from(pair.fit.subjects_covered),
            subjects_needed: i64::from(pair.fit.subjects_needed),
            grade_fits: pair.fit.grade_fits,
            created_by: (actor.user_id > 0).then_some(actor.user_id),
            at: &at,
        };
        proposed.push(repo::insert_pairing(&mut tx, &new).await.map_err(|e| AppError::from_store(e, &[], ""))?);
    }
    let category: HashMap<i64, ChildCategory> = pupils.iter().map(|p| (p.id, p.category)).collect();
    let unpaired_priority = plan.unpaired.iter().filter(|c| category.get(c).is_some_and(|c| c.is_priority())).count() as i64;
    let skipped_pins = plan
        .skipped_pins
        .iter()
        .map(|&((volunteer_id, child_id), why)| SkippedPin {
            volunteer_id,
            child_id,
            reason: match why {
                PinSkipped::VolunteerFull => "志愿者已满员或暂停服务".into(),
                PinSkipped::ChildTaken => "该儿童已有结对".into(),
            },
        })
        .collect();
    let run =
        PairingRun { withdrawn: withdrawn.len() as i64, kept, proposed, total_cost: plan.total_cost, unpaired: plan.unpaired, unpaired_priority, skipped_pins };
    let mut entry = actor.audit("compute", "pairing", None);
    entry.after = Some(serde_json::json!({
        "withdrawn": run.withdrawn, "kept": run.kept, "proposed": run.proposed.len(), "total_cost": run.total_cost,
        "unpaired": run.unpaired.len(), "unpaired_priority": run.unpaired_priority,
    }));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(run)
}

// ---- pairings ----------------------------------------------------------------

/// Filters of the pairing list, as the API and the page take them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PairingQuery {
    /// proposed, accepted, ended
    pub status: Option<String>,
    /// only live pairings (proposed or accepted)
    pub live: Option<bool>,
    pub volunteer_id: Option<i64>,
    pub child_id: Option<i64>,
    /// the child's township
    pub township_id: Option<i64>,
    /// poor_family, frontline_child, left_behind, other
    pub category: Option<String>,
    /// part of the volunteer's or child's name
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Pairings in the actor's scope: a volunteer's own, a township's children's, or all.
///
/// # Errors
/// `Forbidden` outside the programme; `Validation` for an unknown status or category.
pub async fn list_pairings(db: &Db, actor: &Actor, q: &PairingQuery) -> Result<Page<Pairing>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = scope_of(&mut conn, actor).await?;
    drop(conn);
    let status = nonempty(&q.status);
    if let Some(s) = status.as_deref().filter(|s| !matches!(*s, "proposed" | "accepted" | "ended")) {
        return Err(AppError::field("status", format!("未知的结对状态“{s}”")));
    }
    let category = nonempty(&q.category);
    if let Some(c) = category.as_deref().filter(|c| ChildCategory::parse(c).is_none()) {
        return Err(AppError::field("category", format!("未知的帮扶类别“{c}”")));
    }
    let mut f = PairingFilter {
        status,
        live: q.live.unwrap_or(false),
        volunteer_id: q.volunteer_id,
        child_id: q.child_id,
        township_id: q.township_id,
        category,
        q: nonempty(&q.q),
    };
    match scope {
        TutoringScope::Zone => {}
        TutoringScope::Township(t) => {
            if f.township_id.is_some_and(|x| x != t) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的结对"));
            }
            f.township_id = Some(t);
        }
        TutoringScope::Volunteer(own) => {
            if f.volunteer_id.is_some_and(|x| Some(x) != own) {
                return Err(AppError::Forbidden("只能查看本人的结对"));
            }
            // an unbound volunteer account sees nothing
            f.volunteer_id = Some(own.unwrap_or(-1));
        }
    }
    Ok(repo::list_pairings(db, &f, &PageRequest { page: q.page, per_page: q.per_page }).await?)
}

/// A pairing with its sessions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairingDetail {
    pub pairing: Pairing,
    pub sessions: Vec<TutoringSession>,
}

/// # Errors
/// `NotFound`, `Forbidden` outside the actor's scope.
pub async fn get_pairing(db: &Db, actor: &Actor, id: i64) -> Result<PairingDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = scope_of(&mut conn, actor).await?;
    let pairing = repo::find_pairing(&mut conn, id).await?.ok_or(AppError::NotFound("结对"))?;
    if !may_see_pairing(scope, &pairing) {
        return Err(AppError::Forbidden("无权查看该结对"));
    }
    drop(conn);
    let sessions = repo::list_sessions(db, Some(id), None, &PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) }).await?.items;
    Ok(PairingDetail { pairing, sessions })
}

/// A pair made by hand.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PairingInput {
    pub volunteer_id: Option<i64>,
    pub child_id: Option<i64>,
}

/// Pairs a volunteer and a child by hand; the pairing is accepted at once and
/// every later run keeps it.
///
/// # Errors
/// `Forbidden`; `Validation` for a missing or unknown volunteer or child;
/// `Conflict` when the child already has a live pairing or the volunteer is full.
pub async fn pair_by_hand(cx: &WorkContext, actor: &Actor, input: &PairingInput) -> Result<Pairing, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let mut errors = Vec::new();
    let volunteer = match input.volunteer_id {
        Some(id) => repo::find_volunteer(&mut tx, id).await?,
        None => None,
    };
    if volunteer.is_none() {
        errors.push(FieldError::new("volunteer_id", if input.volunteer_id.is_some() { "所选志愿者不存在" } else { "请选择志愿者" }));
    }
    let child = match input.child_id {
        Some(id) => repo::find_child(&mut tx, id).await?,
        None => None,
    };
    if child.is_none() {
        errors.push(FieldError::new("child_id", if input.child_id.is_some() { "所选帮扶对象不存在" } else { "请选择帮扶对象" }));
    }
    let (Some(v), Some(c)) = (volunteer, child) else { return Err(errors.into()) };
    in_township(scope, c.township_id)?;
    if v.active == 0 {
        return Err(AppError::field("volunteer_id", "该志愿者暂停服务"));
    }
    if c.pairing_id.is_some() {
        return Err(child_taken());
    }
    if v.paired >= v.capacity {
        return Err(AppError::Conflict {
            code: "volunteer_full", message: format!("该志愿者已结对{}人，已满员", v.paired), field: Some("volunteer_id")
        });
    }
    let tutor = Tutor { location: village_at(&mut tx, v.township_id, &v.village).await?, ..tutor_of(&v, 1) };
    let pupil = Pupil { location: village_at(&mut tx, c.township_id, &c.village).await?, ..pupil_of(&c) };
    let fit = rules::fit(&tutor, &pupil);
    let at = cx.now_text();
    let new = NewPairing {
        volunteer_id: v.id,
        child_id: c.id,
        status: "accepted",
        origin: "manual",
        cost: fit.cost,
        place: fit.place.code(),
        subjects_covered: i64::from(fit.subjects_covered),
        subjects_needed: i64::from(fit.subjects_needed),
        grade_fits: fit.grade_fits,
        created_by: (actor.user_id > 0).then_some(actor.user_id),
        at: &at,
    };
    let id = repo::insert_pairing(&mut tx, &new).await.map_err(|e| match e {
        StoreError::Unique(_) => child_taken(),
        other => AppError::from_store(other, &[], ""),
    })?;
    let saved = repo::find_pairing(&mut tx, id).await?.ok_or(AppError::NotFound("结对"))?;
    let mut entry = actor.audit("create", "pairing", Some(id));
    entry.after = snapshot(&saved);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(saved)
}

fn child_taken() -> AppError {
    AppError::Conflict { code: "duplicate", message: "该帮扶对象已有结对，不能重复结对".into(), field: Some("child_id") }
}

async fn village_at(conn: &mut AnyConnection, township_id: i64, village: &str) -> Result<Option<Coordinates>, AppError> {
    Ok(repo::find_village_coordinates(conn, township_id, village.trim()).await?.map(|(latitude, longitude)| Coordinates { latitude, longitude }))
}

fn tutor_of(v: &Volunteer, places: u32) -> Tutor {
    Tutor {
        id: v.id,
        township_id: v.township_id,
        village: v.village.clone(),
        location: None,
        subjects: SubjectSet::parse([v.subjects.as_str()]).unwrap_or_default(),
        grade_min: v.grade_min,
        grade_max: v.grade_max,
        places,
    }
}

fn pupil_of(c: &Child) -> Pupil {
    Pupil {
        id: c.id,
        township_id: c.township_id,
        village: c.village.clone(),
        location: None,
        grade: c.grade,
        subjects: SubjectSet::parse([c.subjects.as_str()]).unwrap_or_default(),
        category: ChildCategory::parse(&c.category).unwrap_or(ChildCategory::Other),
    }
}

/// Accepts proposals (确认结对).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` when one is not a proposal (any more).
pub async fn accept_pairings(cx: &WorkContext, actor: &Actor, ids: &[i64]) -> Result<Vec<Pairing>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let at = cx.now_text();
    let mut accepted = Vec::with_capacity(ids.len());
    for &id in ids {
        let before = repo::find_pairing(&mut tx, id).await?.ok_or(AppError::NotFound("结对"))?;
        if !may_see_pairing(scope, &before) {
            return Err(AppError::Forbidden("无权确认该结对"));
        }
        if !repo::accept_pairing(&mut tx, id, &at).await? {
            return Err(AppError::Conflict { code: "not_proposed", message: "只有待确认的结对可以确认".into(), field: None });
        }
        let after = repo::find_pairing(&mut tx, id).await?.ok_or(AppError::NotFound("结对"))?;
        let mut entry = actor.audit("accept", "pairing", Some(id));
        entry.before = snapshot(&before);
        entry.after = snapshot(&after);
        audit::append(&mut tx, &entry).await?;
        accepted.push(after);
    }
    tx.commit().await?;
    Ok(accepted)
}

/// The ids of every open proposal in the actor's scope (to accept them all).
///
/// # Errors
/// `Forbidden` for volunteers and roles outside the programme.
pub async fn proposed_ids(db: &Db, actor: &Actor) -> Result<Vec<i64>, AppError> {
    let q = PairingQuery { status: Some("proposed".into()), per_page: Some(PageRequest::MAX_PER_PAGE), ..PairingQuery::default() };
    let mut conn = db.pool().acquire().await?;
    manager_scope(&mut conn, actor).await?;
    drop(conn);
    let mut ids = Vec::new();
    let mut n = 1;
    loop {
        let page = list_pairings(db, actor, &PairingQuery { page: Some(n), ..q.clone() }).await?;
        ids.extend(page.items.iter().map(|p| p.id));
        if n >= page.pages() {
            return Ok(ids);
        }
        n += 1;
    }
}

/// Why a pairing ends.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct EndInput {
    /// e.g. 志愿者返校, 儿童已复学
    #[serde(default)]
    pub reason: String,
}

/// Ends a pairing. Rejecting a proposal also forbids the pair, so that the next
/// run does not propose it again.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` without a reason, `Conflict` when it has ended already.
pub async fn end_pairing(cx: &WorkContext, actor: &Actor, id: i64, input: &EndInput) -> Result<Pairing, AppError> {
    let reason = required_text("reason", "结束原因", &input.reason, 200)?;
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let before = repo::find_pairing(&mut tx, id).await?.ok_or(AppError::NotFound("结对"))?;
    if !may_see_pairing(scope, &before) {
        return Err(AppError::Forbidden("无权结束该结对"));
    }
    let at = cx.now_text();
    if !repo::end_pairing(&mut tx, id, &reason, &at).await? {
        return Err(AppError::Conflict { code: "ended", message: "该结对已结束".into(), field: None });
    }
    if before.status == "proposed" {
        let by = (actor.user_id > 0).then_some(actor.user_id);
        match repo::insert_rule(&mut tx, before.volunteer_id, before.child_id, "forbid", &reason, by, &at).await {
            Ok(_) | Err(StoreError::Unique(_)) => {}
            Err(e) => return Err(AppError::from_store(e, &[], "")),
        }
    }
    let after = repo::find_pairing(&mut tx, id).await?.ok_or(AppError::NotFound("结对"))?;
    let mut entry = actor.audit("end", "pairing", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- manual rules ------------------------------------------------------------

/// A manual override of the run.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RuleInput {
    pub volunteer_id: Option<i64>,
    pub child_id: Option<i64>,
    /// pin (always pair these two) or forbid (never)
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub note: String,
}

/// Pins a pair into the next runs, or forbids it.
///
/// # Errors
/// `Forbidden` (leader and admin), `Validation`, `Conflict` when the pair already has a rule.
pub async fn create_rule(cx: &WorkContext, actor: &Actor, input: &RuleInput) -> Result<PairingRule, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let mut errors = Vec::new();
    if !matches!(input.rule.as_str(), "pin" | "forbid") {
        errors.push(FieldError::new("rule", "请选择指定结对（pin）或禁止结对（forbid）"));
    }
    let note = optional_text("note", "说明", &input.note, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let mut tx = cx.db.begin_write().await?;
    let volunteer = match input.volunteer_id {
        Some(id) => repo::find_volunteer(&mut tx, id).await?,
        None => None,
    };
    if volunteer.is_none() {
        errors.push(FieldError::new("volunteer_id", "请选择志愿者"));
    }
    let child = match input.child_id {
        Some(id) => repo::find_child(&mut tx, id).await?,
        None => None,
    };
    if child.is_none() {
        errors.push(FieldError::new("child_id", "请选择帮扶对象"));
    }
    let (Some(v), Some(c)) = (volunteer, child) else { return Err(errors.into()) };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let by = (actor.user_id > 0).then_some(actor.user_id);
    let id = repo::insert_rule(&mut tx, v.id, c.id, &input.rule, &note, by, &cx.now_text())
        .await
        .map_err(|e| AppError::from_store(e, &[("pairing_rules", "child_id", "该志愿者与该帮扶对象已有规则")], ""))?;
    let rule = repo::find_rule(&mut tx, id).await?.ok_or(AppError::NotFound("规则"))?;
    let mut entry = actor.audit("create", "pairing_rule", Some(id));
    entry.after = snapshot(&rule);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(rule)
}

/// # Errors
/// `Forbidden` (leader and admin), `NotFound`.
pub async fn delete_rule(cx: &WorkContext, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_rule(&mut tx, id).await?.ok_or(AppError::NotFound("规则"))?;
    repo::delete_rule(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut entry = actor.audit("delete", "pairing_rule", Some(id));
    entry.before = snapshot(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// # Errors
/// `Forbidden` outside the managers.
pub async fn list_rules(db: &Db, actor: &Actor) -> Result<Vec<PairingRule>, AppError> {
    let mut conn = db.pool().acquire().await?;
    manager_scope(&mut conn, actor).await?;
    Ok(repo::list_rules(&mut conn).await?)
}

// ---- village locations -------------------------------------------------------

/// Where a village lies; without both coordinates it is taken off the map.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct VillageLocationInput {
    pub township_id: Option<i64>,
    /// as volunteers and children name it, e.g. 仓上村
    #[serde(default)]
    pub village: String,
    /// WGS-84 degrees, north positive (e.g. 35.76)
    pub latitude: Option<f64>,
    /// WGS-84 degrees, east positive (e.g. 115.03)
    pub longitude: Option<f64>,
}

/// The villages where volunteers and children live, with their coordinates:
/// a township's own, or the zone's.
///
/// # Errors
/// `Forbidden` outside the managers.
pub async fn list_villages(db: &Db, actor: &Actor) -> Result<Vec<repo::VillageLocation>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = manager_scope(&mut conn, actor).await?;
    drop(conn);
    let township = match scope {
        TutoringScope::Township(t) => Some(t),
        _ => None,
    };
    Ok(repo::list_villages(db, township).await?)
}

/// Puts a village on the map (both coordinates), moves it, or takes it off
/// (neither): the pairing grades the distance between villages of different
/// townships by it.
///
/// # Errors
/// `Forbidden` outside the managers or for another township; `Validation`
/// naming the missing or out-of-range field; `NotFound` when clearing a
/// village that is not on the map.
pub async fn set_village_location(cx: &WorkContext, actor: &Actor, input: &VillageLocationInput) -> Result<Option<Coordinates>, AppError> {
    let mut errors = Vec::new();
    let village = required_text("village", "村（社区）", &input.village, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let coordinates = match (input.latitude, input.longitude) {
        (Some(la), Some(lo)) => match Coordinates::parse(la, lo) {
            Ok(c) => Some(c),
            Err((field, message)) => {
                errors.push(FieldError::new(field, message));
                None
            }
        },
        (None, None) => None,
        (None, Some(_)) => {
            errors.push(FieldError::new("latitude", "请同时填写纬度和经度（都不填则取消坐标）"));
            None
        }
        (Some(_), None) => {
            errors.push(FieldError::new("longitude", "请同时填写纬度和经度（都不填则取消坐标）"));
            None
        }
    };
    let mut tx = cx.db.begin_write().await?;
    let scope = manager_scope(&mut tx, actor).await?;
    let township_id = check_township(&mut tx, input.township_id, &mut errors).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    in_township(scope, township_id)?;
    let before = village_at(&mut tx, township_id, &village).await?;
    match coordinates {
        Some(c) => {
            let by = (actor.user_id > 0).then_some(actor.user_id);
            repo::set_village_location(&mut tx, township_id, &village, (c.latitude, c.longitude), by, &cx.now_text())
                .await
                .map_err(|e| AppError::from_store(e, &[], ""))?;
        }
        None => {
            if !repo::clear_village_location(&mut tx, township_id, &village).await? {
                return Err(AppError::NotFound("村庄坐标"));
            }
        }
    }
    let mut entry = actor.audit(if coordinates.is_some() { "locate" } else { "unlocate" }, "village_location", None);
    entry.before = before.map(|c| serde_json::json!({ "township_id": township_id, "village": village, "latitude": c.latitude, "longitude": c.longitude }));
    entry.after = coordinates.map(|c| serde_json::json!({ "township_id": township_id, "village": village, "latitude": c.latitude, "longitude": c.longitude }));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(coordinates)
}

// ---- sessions ----------------------------------------------------------------

/// A tutoring session as the volunteer logs it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SessionInput {
    /// YYYY-MM-DD
    #[serde(default)]
    pub held_on: String,
    /// 1–480
    pub minutes: Option<i64>,
    /// online_class 网课辅导, homework 作业答疑, companionship 学习陪伴, counselling 心理疏导, epidemic_knowledge 防疫知识宣传
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub note: String,
}

/// Logs a session of an accepted pairing: by its volunteer, or by a manager for it.
///
/// # Errors
/// `Forbidden` (another volunteer's pairing), `NotFound`, `Validation` naming
/// each bad field, `Conflict` when the pairing is not (or no longer) accepted.
pub async fn log_session(cx: &WorkContext, actor: &Actor, pairing_id: i64, input: &SessionInput) -> Result<TutoringSession, AppError> {
    let mut errors = Vec::new();
    let held_on = match parse_date(&input.held_on) {
        Ok(d) if d > cx.today() => {
            errors.push(FieldError::new("held_on", "辅导日期不能晚于今天"));
            String::new()
        }
        Ok(d) if d.year() < 2000 => {
            errors.push(FieldError::new("held_on", "辅导日期不正确"));
            String::new()
        }
        Ok(d) => date_text(d),
        Err(_) => {
            errors.push(FieldError::new("held_on", "日期格式应为 YYYY-MM-DD"));
            String::new()
        }
    };
    let minutes = match input.minutes {
        Some(m) if (1..=480).contains(&m) => m,
        _ => {
            errors.push(FieldError::new("minutes", "辅导时长应为1到480分钟"));
            0
        }
    };
    let topic = SessionTopic::parse(input.topic.trim());
    if topic.is_none() {
        errors.push(FieldError::new("topic", "请选择辅导内容"));
    }
    let note = optional_text("note", "辅导情况", &input.note, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
    let mut tx = cx.db.begin_write().await?;
    let scope = scope_of(&mut tx, actor).await?;
    let pairing = repo::find_pairing(&mut tx, pairing_id).await?.ok_or(AppError::NotFound("结对"))?;
    if !may_see_pairing(scope, &pairing) {
        return Err(AppError::Forbidden("只能为本人的结对记录辅导情况"));
    }
    let Some(topic) = topic.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    if pairing.status != "accepted" {
        return Err(AppError::Conflict { code: "not_accepted", message: "该结对尚未确认或已结束，不能记录辅导".into(), field: None });
    }
    let by = (actor.user_id > 0).then_some(actor.user_id);
    let id = repo::insert_session(&mut tx, pairing_id, &held_on, minutes, topic.code(), &note, by, &cx.now_text())
        .await
        .map_err(|e| AppError::from_store(e, &[], ""))?;
    let session = repo::find_session(&mut tx, id).await?.ok_or(AppError::NotFound("辅导记录"))?;
    let mut entry = actor.audit("create", "tutoring_session", Some(id));
    entry.after = snapshot(&session);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(session)
}

/// Sessions of one pairing, or (for a volunteer without a pairing named) all its own.
///
/// # Errors
/// `Forbidden` outside the actor's scope, `NotFound`.
pub async fn list_sessions(db: &Db, actor: &Actor, pairing_id: Option<i64>, page: &PageRequest) -> Result<Page<TutoringSession>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = scope_of(&mut conn, actor).await?;
    if let Some(id) = pairing_id {
        let pairing = repo::find_pairing(&mut conn, id).await?.ok_or(AppError::NotFound("结对"))?;
        if !may_see_pairing(scope, &pairing) {
            return Err(AppError::Forbidden("无权查看该结对的辅导记录"));
        }
        drop(conn);
        return Ok(repo::list_sessions(db, Some(id), None, page).await?);
    }
    drop(conn);
    match scope {
        TutoringScope::Volunteer(own) => Ok(repo::list_sessions(db, None, Some(own.unwrap_or(-1)), page).await?),
        TutoringScope::Zone => Ok(repo::list_sessions(db, None, None, page).await?),
        TutoringScope::Township(_) => Err(AppError::field("pairing_id", "请指定结对")),
    }
}

/// The programme's figures in the actor's scope.
///
/// # Errors
/// `Forbidden` outside the managers.
pub async fn figures(db: &Db, actor: &Actor) -> Result<TutoringFigures, AppError> {
    let mut conn = db.pool().acquire().await?;
    let scope = manager_scope(&mut conn, actor).await?;
    drop(conn);
    let township = match scope {
        TutoringScope::Township(t) => Some(t),
        _ => None,
    };
    Ok(repo::figures(db, township).await?)
}
