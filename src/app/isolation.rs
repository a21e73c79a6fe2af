//! Isolation observation point use cases (医学隔离观察点): the point and its
//! rooms, checking persons in and releasing them, twice-daily temperatures with
//! fever alerts, the staff and their duty roster, and the point's rules (制度).
//!
//! This is health data. Only the staff of the point itself (the `isolation`
//! role bound to it) and the leader see observed persons, temperatures and
//! fever alerts, and every read of observed persons is written to the audit
//! log, as every write is. The leader reads; the point's staff write. The
//! admin sets the point up — the point, its rooms, staff, roster and rules
//! (制度) — and is refused its health data (`health_access`).
//!
//! What each sees in clear (docs/reliability.md, "Personal information"): the
//! point's staff see the phones of their own point's persons and colleagues
//! everywhere (they call them twice a day), and ID numbers on one person's
//! record; the admin sees staff phones; the leader oversees with both masked. ID numbers are stored encrypted (`store::pii`);
//! audit entries never hold a phone or an ID number in clear.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text, parse_date};
use super::{Actor, snapshot};
use crate::domain::id_number::{IdNumber, is_masked_id_number, mask_phone};
use crate::domain::isolation::{self as rules, DEFAULT_OBSERVATION_DAYS, Gender, PersonSource, RosterRules, RosterStaff, Slot, StaffGroup, Temperature};
use crate::domain::registry::{optional_phone, optional_text, required_text};
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::isolation::{
    self as repo, Document, DutyShift, FeverAlert, IsolationPoint, NewPerson, ObservedPerson, PersonFilter, Room, Staff, TemperatureRecord,
};
use crate::store::{Db, Page, PageRequest, audit};

/// Which points an actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointAccess {
    /// the leader and admin
    All,
    /// the staff of one point
    One(i64),
}

impl PointAccess {
    /// # Errors
    /// `Forbidden` for another point.
    pub fn check(self, point_id: i64) -> Result<(), AppError> {
        match self {
            PointAccess::One(p) if p != point_id => Err(AppError::Forbidden("只能查看本观察点的信息")),
            _ => Ok(()),
        }
    }
}

const HEALTH_DATA: &str = "隔离观察信息涉及个人健康隐私，仅限本观察点工作人员和领导查看";

/// # Errors
/// `Forbidden` for every role but the leader, the admin and a bound isolation-staff account.
pub async fn access_of(conn: &mut AnyConnection, actor: &Actor) -> Result<PointAccess, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => Ok(PointAccess::All),
        Role::Isolation => Ok(PointAccess::One(repo::point_of_user(conn, actor.user_id).await?.ok_or(AppError::Forbidden("账号未绑定观察点"))?)),
        _ => Err(AppError::Forbidden(HEALTH_DATA)),
    }
}

const ADMIN_NO_HEALTH_DATA: &str = "系统管理员负责设置观察点、房间、工作人员和制度；留观人员和体温等健康信息仅限本观察点工作人员和领导查看";

/// Access to the health data of a point — observed persons, temperatures,
/// fever alerts, the desk: the point's own staff and the leader. Not the
/// admin: setting up points, rooms, staff and documents does not need anyone's
/// health (the least privilege the health data asks for).
///
/// # Errors
/// `Forbidden` for the admin and every role but the leader and a bound isolation-staff account.
pub async fn health_access(conn: &mut AnyConnection, actor: &Actor) -> Result<PointAccess, AppError> {
    if actor.role == Role::Admin {
        return Err(AppError::Forbidden(ADMIN_NO_HEALTH_DATA));
    }
    access_of(conn, actor).await
}

/// Access for a write of health data (check-in, temperatures, alerts,
/// release): the point's own staff only.
async fn health_write_access(conn: &mut AnyConnection, actor: &Actor, point_id: i64) -> Result<(), AppError> {
    if actor.role == Role::Admin {
        return Err(AppError::Forbidden(ADMIN_NO_HEALTH_DATA));
    }
    write_access(conn, actor, point_id).await
}

/// Access for a write of the point's set-up (rooms, staff, roster, documents):
/// the point's own staff, or the admin.
async fn write_access(conn: &mut AnyConnection, actor: &Actor, point_id: i64) -> Result<(), AppError> {
    if actor.role == Role::Leader {
        return Err(AppError::Forbidden("领导可查看观察点信息，录入由观察点工作人员负责"));
    }
    access_of(conn, actor).await?.check(point_id)
}

/// Where a record is shown: in a list (or the desk), or as itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    List,
    Record,
}

/// Shows a person's phone and ID number as the actor may see them (its access
/// to the point is checked before).
fn present_person(db: &Db, actor: &Actor, view: View, p: &mut ObservedPerson) -> Result<(), AppError> {
    // only the point's own staff (and the leader, masked) get this far
    let staff = actor.role == Role::Isolation;
    if !staff {
        p.phone = mask_phone(&p.phone);
    }
    p.id_number = db.present_id_number(p.id_number_enc.as_deref(), view == View::Record && staff)?;
    Ok(())
}

fn present_persons(db: &Db, actor: &Actor, view: View, persons: &mut [ObservedPerson]) -> Result<(), AppError> {
    persons.iter_mut().try_for_each(|p| present_person(db, actor, view, p))
}

/// A person as the audit log keeps it: phone masked, no ID number.
fn audit_view(p: &ObservedPerson) -> Option<serde_json::Value> {
    let mut p = p.clone();
    p.phone = mask_phone(&p.phone);
    p.id_number = String::new();
    snapshot(&p)
}

/// Staff phones: in clear for the point's own staff and the admin.
fn present_staff(actor: &Actor, staff: &mut [Staff]) {
    if !matches!(actor.role, Role::Isolation | Role::Admin) {
        for s in staff {
            s.phone = mask_phone(&s.phone);
        }
    }
}

fn staff_audit_view(s: &Staff) -> Option<serde_json::Value> {
    let mut s = s.clone();
    s.phone = mask_phone(&s.phone);
    snapshot(&s)
}

fn by(actor: &Actor) -> Option<i64> {
    (actor.user_id > 0).then_some(actor.user_id)
}

fn take(r: Result<String, FieldError>, errors: &mut Vec<FieldError>) -> String {
    r.map_err(|e| errors.push(e)).unwrap_or_default()
}

fn day_field(field: &'static str, label: &str, text: &str, cx: &WorkContext, errors: &mut Vec<FieldError>) -> Option<time::Date> {
    match parse_date(text) {
        Ok(d) if d > cx.today() => {
            errors.push(FieldError::new(field, format!("{label}不能晚于今天")));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, "日期格式应为 YYYY-MM-DD"));
            None
        }
    }
}

// ---- points and rooms --------------------------------------------------------

/// # Errors
/// `Forbidden` outside the point's staff and the leadership.
pub async fn list_points(db: &Db, actor: &Actor) -> Result<Vec<IsolationPoint>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let access = access_of(&mut conn, actor).await?;
    Ok(repo::list_points(&mut conn).await?.into_iter().filter(|p| access.check(p.id).is_ok()).collect())
}

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn get_point(db: &Db, actor: &Actor, id: i64) -> Result<IsolationPoint, AppError> {
    let mut conn = db.pool().acquire().await?;
    access_of(&mut conn, actor).await?.check(id)?;
    repo::find_point(&mut conn, id).await?.ok_or(AppError::NotFound("观察点"))
}

/// A point as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PointInput {
    pub name: String,
    #[serde(default)]
    pub address: String,
    /// e.g. 火线临时党支部
    #[serde(default)]
    pub party_branch: String,
    /// the default observation period, 1–60 days (default 14)
    pub observation_days: Option<i64>,
    /// the version that was read (updates only)
    pub version: Option<i64>,
}

fn check_point(input: &PointInput) -> Result<(String, String, String, i64), AppError> {
    let mut errors = Vec::new();
    let name = take(required_text("name", "观察点名称", &input.name, 100), &mut errors);
    let address = take(optional_text("address", "地址", &input.address, 200), &mut errors);
    let branch = take(optional_text("party_branch", "党组织", &input.party_branch, 100), &mut errors);
    let days = input.observation_days.unwrap_or(DEFAULT_OBSERVATION_DAYS);
    if !(1..=60).contains(&days) {
        errors.push(FieldError::new("observation_days", "观察期应为1到60天"));
    }
    if errors.is_empty() { Ok((name, address, branch, days)) } else { Err(errors.into()) }
}

const POINT_NAME_TAKEN: &[(&str, &str, &str)] = &[("isolation_points", "name", "已有同名的观察点")];

/// # Errors
/// `Forbidden` (admin only), `Validation`, `Conflict` on a taken name.
pub async fn create_point(cx: &WorkContext, actor: &Actor, input: &PointInput) -> Result<IsolationPoint, AppError> {
    actor.require(&[Role::Admin])?;
    let (name, address, branch, days) = check_point(input)?;
    let mut tx = cx.db.begin_write().await?;
    let id = repo::insert_point(&mut tx, &name, &address, &branch, days, &cx.now_text()).await.map_err(|e| AppError::from_store(e, POINT_NAME_TAKEN, ""))?;
    let point = repo::find_point(&mut tx, id).await?.ok_or(AppError::NotFound("观察点"))?;
    let mut entry = actor.audit("create", "isolation_point", Some(id));
    entry.after = snapshot(&point);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(point)
}

/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` on a taken name or a stale version.
pub async fn update_point(cx: &WorkContext, actor: &Actor, id: i64, input: &PointInput) -> Result<IsolationPoint, AppError> {
    let (name, address, branch, days) = check_point(input)?;
    let version = input.version.ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let mut tx = cx.db.begin_write().await?;
    write_access(&mut tx, actor, id).await?;
    let before = repo::find_point(&mut tx, id).await?.ok_or(AppError::NotFound("观察点"))?;
    repo::update_point(&mut tx, id, version, &name, &address, &branch, days, &cx.now_text())
        .await
        .map_err(|e| AppError::from_store(e, POINT_NAME_TAKEN, ""))?;
    let after = repo::find_point(&mut tx, id).await?.ok_or(AppError::NotFound("观察点"))?;
    let mut entry = actor.audit("update", "isolation_point", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn list_rooms(db: &Db, actor: &Actor, point_id: i64) -> Result<Vec<Room>, AppError> {
    let mut conn = db.pool().acquire().await?;
    access_of(&mut conn, actor).await?.check(point_id)?;
    repo::find_point(&mut conn, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    Ok(repo::list_rooms(&mut conn, point_id).await?)
}

/// A room as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RoomInput {
    /// e.g. 201
    pub number: String,
    /// 1–10 (default 1)
    pub beds: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` on a taken room number.
pub async fn create_room(cx: &WorkContext, actor: &Actor, point_id: i64, input: &RoomInput) -> Result<Room, AppError> {
    let mut errors = Vec::new();
    let number = take(required_text("number", "房间号", &input.number, 20), &mut errors);
    let note = take(optional_text("note", "备注", &input.note, 200), &mut errors);
    let beds = input.beds.unwrap_or(1);
    if !(1..=10).contains(&beds) {
        errors.push(FieldError::new("beds", "床位数应为1到10"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = cx.db.begin_write().await?;
    write_access(&mut tx, actor, point_id).await?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let id = repo::insert_room(&mut tx, point_id, &number, beds, &note)
        .await
        .map_err(|e| AppError::from_store(e, &[("isolation_rooms", "number", "该房间号已存在")], ""))?;
    let room = repo::find_room(&mut tx, id).await?.ok_or(AppError::NotFound("房间"))?;
    let mut entry = actor.audit("create", "isolation_room", Some(id));
    entry.after = snapshot(&room);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(room)
}

// ---- observed persons --------------------------------------------------------

/// A person checking in, as a form or JSON gives it.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct PersonInput {
    pub name: String,
    /// male, female
    #[serde(default)]
    pub gender: String,
    pub age: Option<i64>,
    #[serde(default)]
    pub phone: String,
    /// 居民身份证号 (18 characters, GB 11643), optional; stored encrypted
    #[serde(default)]
    pub id_number: String,
    /// hubei 湖北返回, overseas 境外入境, close_contact 密切接触者, key_area 其他重点地区返回, other
    #[serde(default)]
    pub source: String,
    /// where the person came from
    #[serde(default)]
    pub origin: String,
    pub room_id: Option<i64>,
    /// YYYY-MM-DD (default today)
    #[serde(default)]
    pub checked_in_on: String,
    /// the observation period for this person (default the point's, 14 days)
    pub observation_days: Option<i64>,
}

crate::debug_without_pii!(PersonInput { room_id, checked_in_on });

/// Checks a person in: the observation ends `observation_days` after check-in.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` naming each bad field, `Conflict` when the room is full.
pub async fn check_in(cx: &WorkContext, actor: &Actor, point_id: i64, input: &PersonInput) -> Result<ObservedPerson, AppError> {
    let mut errors = Vec::new();
    let name = take(required_text("name", "姓名", &input.name, 50), &mut errors);
    let phone = take(optional_phone("phone", &input.phone), &mut errors);
    let id_number = match input.id_number.trim() {
        "" => None,
        t if is_masked_id_number(t) => {
            errors.push(FieldError::new("id_number", "身份证号已脱敏（只显示前4位和后4位），请填写完整的18位号码"));
            None
        }
        t => IdNumber::parse(t).map_err(|e| errors.push(FieldError::new("id_number", e.to_string()))).ok(),
    };
    let origin = take(optional_text("origin", "来源地", &input.origin, 100), &mut errors);
    let gender = Gender::parse(input.gender.trim());
    if gender.is_none() {
        errors.push(FieldError::new("gender", "请选择性别"));
    }
    let source = PersonSource::parse(input.source.trim());
    if source.is_none() {
        errors.push(FieldError::new("source", "请选择人员来源"));
    }
    if input.age.is_some_and(|a| !(0..=120).contains(&a)) {
        errors.push(FieldError::new("age", "年龄应为0到120岁"));
    }
    let checked_in = if input.checked_in_on.trim().is_empty() {
        Some(cx.today())
    } else {
        day_field("checked_in_on", "入住日期", &input.checked_in_on, cx, &mut errors)
    };
    if input.observation_days.is_some_and(|d| !(1..=60).contains(&d)) {
        errors.push(FieldError::new("observation_days", "观察期应为1到60天"));
    }
    let mut tx = cx.db.begin_write().await?;
    health_write_access(&mut tx, actor, point_id).await?;
    let point = repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    if let Some(room_id) = input.room_id {
        match repo::find_room(&mut tx, room_id).await? {
            Some(r) if r.point_id == point_id => {
                if r.occupants >= r.beds {
                    errors.push(FieldError::new("room_id", format!("{}房间已住满（{}张床位）", r.number, r.beds)));
                }
            }
            _ => errors.push(FieldError::new("room_id", "所选房间不存在")),
        }
    }
    let (Some(gender), Some(source), Some(checked_in)) = (gender, source, checked_in) else { return Err(errors.into()) };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let end = rules::observation_end(checked_in, input.observation_days.unwrap_or(point.observation_days));
    let at = cx.now_text();
    let sealed = match &id_number {
        Some(id) => Some(cx.db.pii()?.seal_id_number(id)),
        None => None,
    };
    let new = NewPerson {
        point_id,
        room_id: input.room_id,
        name: &name,
        gender: gender.code(),
        age: input.age,
        phone: &phone,
        id_number: sealed.as_ref(),
        source: source.code(),
        origin: &origin,
        checked_in_on: &date_text(checked_in),
        observation_end_on: &date_text(end),
        created_by: by(actor),
        at: &at,
    };
    let id = repo::insert_person(&mut tx, &new).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut person = repo::find_person(&mut tx, id).await?.ok_or(AppError::NotFound("留观人员"))?;
    let mut entry = actor.audit("create", "observed_person", Some(id));
    entry.after = audit_view(&person);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    present_person(&cx.db, actor, View::Record, &mut person)?;
    Ok(person)
}

/// Filters of the observed-person list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PersonQuery {
    /// in_observation, due (observation over, not yet released), released
    pub status: Option<String>,
    pub room_id: Option<i64>,
    /// hubei, overseas, close_contact, key_area, other
    pub source: Option<String>,
    /// part of the name, or a whole ID number
    pub q: Option<String>,
    /// only persons with an open fever alert
    pub fever: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Lists a point's observed persons; the read is audited (who read which records).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` for an unknown status or source.
pub async fn list_persons(cx: &WorkContext, actor: &Actor, point_id: i64, q: &PersonQuery) -> Result<Page<ObservedPerson>, AppError> {
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let status = nonempty(&q.status);
    if let Some(s) = status.as_deref().filter(|s| !matches!(*s, "in_observation" | "due" | "released")) {
        return Err(AppError::field("status", format!("未知的状态“{s}”")));
    }
    let source = nonempty(&q.source);
    if let Some(s) = source.as_deref().filter(|s| PersonSource::parse(s).is_none()) {
        return Err(AppError::field("source", format!("未知的人员来源“{s}”")));
    }
    let mut tx = cx.db.begin_write().await?;
    health_access(&mut tx, actor).await?.check(point_id)?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let mut filter = PersonFilter {
        point_id,
        status,
        today: cx.today_text(),
        room_id: q.room_id,
        source,
        q: nonempty(&q.q),
        fever: q.fever.unwrap_or(false),
        id_number_idx: None,
    };
    // a whole ID number finds its person by the blind index, never by the number
    if let Some(id) = filter.q.as_deref().and_then(|q| IdNumber::parse(q).ok()) {
        filter.id_number_idx = Some(cx.db.pii()?.id_number_index(&id));
        filter.q = None;
    }
    let mut page = repo::list_persons(&mut tx, &filter, &PageRequest { page: q.page, per_page: q.per_page }).await?;
    audit_read(&mut tx, actor, "observed_person", point_id, page.items.iter().map(|p| p.id).collect()).await?;
    tx.commit().await?;
    present_persons(&cx.db, actor, View::List, &mut page.items)?;
    Ok(page)
}

/// Records that `actor` read these records of a point (one entry per list,
/// naming the rows; none when the list is empty).
async fn audit_read(conn: &mut AnyConnection, actor: &Actor, entity: &str, point_id: i64, mut ids: Vec<i64>) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    let mut entry = actor.audit("list", entity, None);
    entry.after = Some(serde_json::json!({"point_id": point_id, "ids": ids}));
    audit::append(conn, &entry).await?;
    Ok(())
}

/// A person's record with its temperatures and alerts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDetail {
    pub person: ObservedPerson,
    pub temperatures: Vec<TemperatureRecord>,
    pub alerts: Vec<FeverAlert>,
}

/// Reads one person's record; the read is audited.
///
/// # Errors
/// `Forbidden` outside the point's staff and the leadership, `NotFound`.
pub async fn get_person(cx: &WorkContext, actor: &Actor, id: i64) -> Result<PersonDetail, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let access = health_access(&mut tx, actor).await?;
    let mut person = repo::find_person(&mut tx, id).await?.ok_or(AppError::NotFound("留观人员"))?;
    access.check(person.point_id)?;
    let temperatures = repo::list_records(&mut tx, id).await?;
    let alerts = repo::list_alerts(&mut tx, person.point_id, Some(id), false).await?;
    let mut entry = actor.audit("read", "observed_person", Some(id));
    entry.after = Some(serde_json::json!({"point_id": person.point_id}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    present_person(&cx.db, actor, View::Record, &mut person)?;
    Ok(PersonDetail { person, temperatures, alerts })
}

/// A release from observation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReleaseInput {
    /// YYYY-MM-DD (default today)
    #[serde(default)]
    pub released_on: String,
    /// required when released before the observation ends
    #[serde(default)]
    pub note: String,
    /// the version of the record that was read
    pub version: Option<i64>,
}

/// Releases a person (解除医学观察).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` (a date before check-in or after
/// today; an early release without a reason), `Conflict` (already released, an
/// open fever alert, a stale version).
pub async fn release(cx: &WorkContext, actor: &Actor, id: i64, input: &ReleaseInput) -> Result<ObservedPerson, AppError> {
    let mut errors = Vec::new();
    let day =
        if input.released_on.trim().is_empty() { Some(cx.today()) } else { day_field("released_on", "解除日期", &input.released_on, cx, &mut errors) };
    let note = take(optional_text("note", "说明", &input.note, 500), &mut errors);
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_person(&mut tx, id).await?.ok_or(AppError::NotFound("留观人员"))?;
    health_write_access(&mut tx, actor, before.point_id).await?;
    if before.released_on.is_some() {
        return Err(AppError::Conflict { code: "released", message: "该人员已解除医学观察".into(), field: None });
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    let day_text = date_text(day);
    if day_text < before.checked_in_on {
        return Err(AppError::field("released_on", "解除日期不能早于入住日期"));
    }
    if day_text < before.observation_end_on && note.is_empty() {
        return Err(AppError::field("note", format!("观察期至{}，提前解除须说明原因", before.observation_end_on)));
    }
    if before.open_alerts > 0 {
        return Err(AppError::Conflict {
            code: "open_alert", message: "该人员有未处理的发热预警，处理后方可解除观察".into(), field: None
        });
    }
    let version = input.version.unwrap_or(before.version);
    repo::release_person(&mut tx, id, version, &day_text, &note, &cx.now_text()).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut after = repo::find_person(&mut tx, id).await?.ok_or(AppError::NotFound("留观人员"))?;
    let mut entry = actor.audit("release", "observed_person", Some(id));
    entry.before = audit_view(&before);
    entry.after = audit_view(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    present_person(&cx.db, actor, View::Record, &mut after)?;
    Ok(after)
}

// ---- temperatures ------------------------------------------------------------

/// A reading as JSON may send it: a number (37.3) or text ("37.3℃").
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Reading {
    Number(f64),
    Text(String),
}

impl Default for Reading {
    fn default() -> Self {
        Reading::Text(String::new())
    }
}

impl Reading {
    fn text(&self) -> String {
        match self {
            Reading::Number(v) => format!("{v}"),
            Reading::Text(t) => t.clone(),
        }
    }
}

/// One temperature reading.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct TemperatureInput {
    /// °C, e.g. 36.5 (34.0–43.0, one decimal)
    #[serde(default)]
    pub temperature: Reading,
    /// morning, afternoon
    #[serde(default)]
    pub slot: String,
    /// YYYY-MM-DD (default today)
    #[serde(default)]
    pub taken_on: String,
    /// e.g. 咳嗽、乏力 (empty: none)
    #[serde(default)]
    pub symptoms: String,
}

crate::debug_without_pii!(TemperatureInput { slot, taken_on });

/// A reading stored, and the fever alert it raised (at 37.3 °C or more).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recorded {
    pub record: TemperatureRecord,
    pub alert: Option<FeverAlert>,
}

struct CheckedReading {
    temperature: Temperature,
    slot: Slot,
    day: time::Date,
    symptoms: String,
}

fn check_reading(cx: &WorkContext, input: &TemperatureInput) -> Result<CheckedReading, Vec<FieldError>> {
    let mut errors = Vec::new();
    let temperature = Temperature::parse(&input.temperature.text()).map_err(|e| errors.push(FieldError::new("temperature", e.to_string()))).ok();
    let slot = Slot::parse(input.slot.trim());
    if slot.is_none() {
        errors.push(FieldError::new("slot", "请选择上午或下午"));
    }
    let day = if input.taken_on.trim().is_empty() { Some(cx.today()) } else { day_field("taken_on", "测温日期", &input.taken_on, cx, &mut errors) };
    let symptoms = take(optional_text("symptoms", "症状", &input.symptoms, 200), &mut errors);
    match (temperature, slot, day) {
        (Some(temperature), Some(slot), Some(day)) if errors.is_empty() => Ok(CheckedReading { temperature, slot, day, symptoms }),
        _ => Err(errors),
    }
}

async fn store_reading(conn: &mut AnyConnection, cx: &WorkContext, actor: &Actor, person: &ObservedPerson, r: &CheckedReading) -> Result<Recorded, AppError> {
    let day = date_text(r.day);
    if person.released_on.as_deref().is_some_and(|rel| day.as_str() >= rel) {
        return Err(AppError::field("taken_on", format!("{}已于{}解除观察", person.name, person.released_on.clone().unwrap_or_default())));
    }
    if day < person.checked_in_on {
        return Err(AppError::field("taken_on", format!("{}于{}入住，测温日期不能早于入住日期", person.name, person.checked_in_on)));
    }
    let at = cx.now_text();
    let taken = &[("temperature_records", "slot", "该时段已记录过体温")];
    let id = repo::insert_record(conn, person.id, &day, r.slot.code(), r.temperature.tenths(), &r.symptoms, by(actor), &at).await.map_err(|e| {
        match AppError::from_store(e, taken, "") {
            AppError::Conflict { code, field, .. } => {
                AppError::Conflict { code, message: format!("{}{}{}的体温已记录", person.name, day, r.slot.label()), field }
            }
            other => other,
        }
    })?;
    let record = repo::find_record(conn, id).await?.ok_or(AppError::NotFound("体温记录"))?;
    let alert = if r.temperature.is_fever() {
        let alert_id =
            repo::insert_alert(conn, id, person.id, person.point_id, r.temperature.tenths(), &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
        repo::find_alert(conn, alert_id).await?
    } else {
        None
    };
    let mut entry = actor.audit("create", "temperature_record", Some(id));
    entry.after = Some(
        serde_json::json!({"person_id": person.id, "taken_on": day, "slot": r.slot.code(), "fever": alert.is_some(), "alert_id": alert.as_ref().map(|a| a.id)}),
    );
    audit::append(conn, &entry).await?;
    Ok(Recorded { record, alert })
}

/// Records one reading; a fever (≥ 37.3 °C) raises an alert for the staff.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` (a temperature that is no number or out
/// of range, a missing slot, a day outside the observation), `Conflict` when
/// the slot is already recorded.
pub async fn record_temperature(cx: &WorkContext, actor: &Actor, person_id: i64, input: &TemperatureInput) -> Result<Recorded, AppError> {
    let checked = check_reading(cx, input);
    let mut tx = cx.db.begin_write().await?;
    let person = repo::find_person(&mut tx, person_id).await?.ok_or(AppError::NotFound("留观人员"))?;
    health_write_access(&mut tx, actor, person.point_id).await?;
    let checked = checked.map_err(AppError::Validation)?;
    let recorded = store_reading(&mut tx, cx, actor, &person, &checked).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// One reading of a round.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RoundReading {
    pub person_id: i64,
    #[serde(default)]
    pub temperature: Reading,
    #[serde(default)]
    pub symptoms: String,
}

/// A round of readings (晨检 / 午检): every person of the point at one slot.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RoundInput {
    /// YYYY-MM-DD (default today)
    #[serde(default)]
    pub taken_on: String,
    /// morning, afternoon
    #[serde(default)]
    pub slot: String,
    pub readings: Vec<RoundReading>,
}

/// Records a round of readings, all or nothing; each error names the person.
///
/// # Errors
/// As `record_temperature`; `Validation` for a person of another point.
pub async fn record_round(cx: &WorkContext, actor: &Actor, point_id: i64, input: &RoundInput) -> Result<Vec<Recorded>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    health_write_access(&mut tx, actor, point_id).await?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    if input.readings.is_empty() {
        return Err(AppError::field("readings", "请至少录入一人的体温"));
    }
    let mut checked = Vec::with_capacity(input.readings.len());
    let mut errors = Vec::new();
    for reading in &input.readings {
        let person = match repo::find_person(&mut tx, reading.person_id).await? {
            Some(p) if p.point_id == point_id => p,
            _ => {
                errors.push(FieldError::new("readings", format!("编号{}的留观人员不在本观察点", reading.person_id)));
                continue;
            }
        };
        let one = TemperatureInput {
            temperature: reading.temperature.clone(),
            slot: input.slot.clone(),
            taken_on: input.taken_on.clone(),
            symptoms: reading.symptoms.clone(),
        };
        match check_reading(cx, &one) {
            Ok(c) => checked.push((person, c)),
            Err(errs) => errors.extend(errs.into_iter().map(|e| FieldError::new(e.field, format!("{}：{}", person.name, e.message)))),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut recorded = Vec::with_capacity(checked.len());
    for (person, reading) in &checked {
        recorded.push(store_reading(&mut tx, cx, actor, person, reading).await?);
    }
    tx.commit().await?;
    Ok(recorded)
}

/// A point's fever alerts (whose temperatures and symptoms are health data:
/// the read is audited, naming the alerts).
///
/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn list_alerts(db: &Db, actor: &Actor, point_id: i64, open_only: bool) -> Result<Vec<FeverAlert>, AppError> {
    let mut tx = db.begin_write().await?;
    health_access(&mut tx, actor).await?.check(point_id)?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let alerts = repo::list_alerts(&mut tx, point_id, None, open_only).await?;
    audit_read(&mut tx, actor, "fever_alert", point_id, alerts.iter().map(|a| a.id).collect()).await?;
    tx.commit().await?;
    Ok(alerts)
}

/// How an alert was handled.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct HandleInput {
    /// e.g. 复测36.9℃，已报告医护组
    #[serde(default)]
    pub note: String,
}

/// Closes a fever alert with what was done.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` without a note, `Conflict` when handled already.
pub async fn handle_alert(cx: &WorkContext, actor: &Actor, id: i64, input: &HandleInput) -> Result<FeverAlert, AppError> {
    let note = required_text("note", "处置情况", &input.note, 500)?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_alert(&mut tx, id).await?.ok_or(AppError::NotFound("发热预警"))?;
    health_write_access(&mut tx, actor, before.point_id).await?;
    if !repo::handle_alert(&mut tx, id, by(actor), &note, &cx.now_text()).await? {
        return Err(AppError::Conflict { code: "handled", message: "该预警已处置".into(), field: None });
    }
    let after = repo::find_alert(&mut tx, id).await?.ok_or(AppError::NotFound("发热预警"))?;
    let mut entry = actor.audit("handle", "fever_alert", Some(id));
    entry.after = Some(serde_json::json!({"person_id": after.person_id, "note": note}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// What the point's staff look at first: open alerts, who still needs today's
/// readings, and who is due for release.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = IsolationDashboard)]
pub struct Dashboard {
    pub point: IsolationPoint,
    pub today: String,
    pub open_alerts: Vec<FeverAlert>,
    pub missing_morning: Vec<ObservedPerson>,
    pub missing_afternoon: Vec<ObservedPerson>,
    /// observation over, not yet released
    pub due: Vec<ObservedPerson>,
    /// today's roster
    pub on_duty: Vec<DutyShift>,
}

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn dashboard(cx: &WorkContext, actor: &Actor, point_id: i64) -> Result<Dashboard, AppError> {
    let mut tx = cx.db.begin_write().await?;
    health_access(&mut tx, actor).await?.check(point_id)?;
    let point = repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let today = cx.today_text();
    let open_alerts = repo::list_alerts(&mut tx, point_id, None, true).await?;
    let missing_morning = repo::missing_readings(&mut tx, point_id, &today, Slot::Morning.code()).await?;
    let missing_afternoon = repo::missing_readings(&mut tx, point_id, &today, Slot::Afternoon.code()).await?;
    let filter = PersonFilter { point_id, status: Some("due".into()), today: today.clone(), ..PersonFilter::default() };
    let due = repo::list_persons(&mut tx, &filter, &PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) }).await?.items;
    let on_duty = repo::list_shifts(&mut tx, point_id, &today, &today).await?;
    let seen: Vec<i64> = missing_morning.iter().chain(&missing_afternoon).chain(&due).map(|p| p.id).chain(open_alerts.iter().map(|a| a.person_id)).collect();
    audit_read(&mut tx, actor, "observed_person", point_id, seen).await?;
    tx.commit().await?;
    let (mut missing_morning, mut missing_afternoon, mut due) = (missing_morning, missing_afternoon, due);
    for list in [&mut missing_morning, &mut missing_afternoon, &mut due] {
        present_persons(&cx.db, actor, View::List, list)?;
    }
    Ok(Dashboard { point, today, open_alerts, missing_morning, missing_afternoon, due, on_duty })
}

/// The persons under observation on a day, for a round's form (audited as a read).
///
/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn persons_for_round(cx: &WorkContext, actor: &Actor, point_id: i64, day: &str) -> Result<Vec<ObservedPerson>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    health_access(&mut tx, actor).await?.check(point_id)?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let mut persons = repo::persons_on(&mut tx, point_id, day).await?;
    audit_read(&mut tx, actor, "observed_person", point_id, persons.iter().map(|p| p.id).collect()).await?;
    tx.commit().await?;
    present_persons(&cx.db, actor, View::List, &mut persons)?;
    Ok(persons)
}

// ---- staff -------------------------------------------------------------------

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn list_staff(db: &Db, actor: &Actor, point_id: i64, include_former: bool) -> Result<Vec<Staff>, AppError> {
    let mut conn = db.pool().acquire().await?;
    access_of(&mut conn, actor).await?.check(point_id)?;
    repo::find_point(&mut conn, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let mut staff = repo::list_staff(&mut conn, point_id, !include_former).await?;
    present_staff(actor, &mut staff);
    Ok(staff)
}

/// A staff member as a form or JSON gives it.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct StaffInput {
    pub name: String,
    /// management 管理组, medical 医护组, disinfection 消杀组, logistics 后勤组
    #[serde(default)]
    pub group: String,
    /// 党员
    #[serde(default)]
    pub party_member: bool,
    /// e.g. 临时党支部书记
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
}

crate::debug_without_pii!(StaffInput { group });

/// # Errors
/// `Forbidden`, `NotFound`, `Validation`.
pub async fn add_staff(cx: &WorkContext, actor: &Actor, point_id: i64, input: &StaffInput) -> Result<Staff, AppError> {
    Ok(add_staff_members(cx, actor, point_id, std::slice::from_ref(input)).await?.remove(0))
}

/// Adds several staff members at once, all or nothing.
///
/// # Errors
/// As `add_staff`.
pub async fn add_staff_members(cx: &WorkContext, actor: &Actor, point_id: i64, inputs: &[StaffInput]) -> Result<Vec<Staff>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    write_access(&mut tx, actor, point_id).await?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let at = cx.now_text();
    let mut added = Vec::with_capacity(inputs.len());
    for input in inputs {
        let mut errors = Vec::new();
        let name = take(required_text("name", "姓名", &input.name, 50), &mut errors);
        let title = take(optional_text("title", "职务", &input.title, 50), &mut errors);
        let phone = take(optional_phone("phone", &input.phone), &mut errors);
        let group = StaffGroup::parse(input.group.trim());
        if group.is_none() {
            errors.push(FieldError::new("group", "请选择所在小组"));
        }
        let Some(group) = group.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
        let id = repo::insert_staff(&mut tx, point_id, &name, group.code(), input.party_member, &title, &phone, &at)
            .await
            .map_err(|e| AppError::from_store(e, &[], ""))?;
        let staff = repo::find_staff(&mut tx, id).await?.ok_or(AppError::NotFound("工作人员"))?;
        let mut entry = actor.audit("create", "isolation_staff", Some(id));
        entry.after = staff_audit_view(&staff);
        audit::append(&mut tx, &entry).await?;
        added.push(staff);
    }
    tx.commit().await?;
    present_staff(actor, &mut added);
    Ok(added)
}

/// Takes a staff member off the point (kept in past rosters).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` when already off.
pub async fn remove_staff(cx: &WorkContext, actor: &Actor, id: i64) -> Result<Staff, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_staff(&mut tx, id).await?.ok_or(AppError::NotFound("工作人员"))?;
    write_access(&mut tx, actor, before.point_id).await?;
    if before.active == 0 {
        return Err(AppError::Conflict { code: "inactive", message: "该工作人员已离岗".into(), field: None });
    }
    repo::set_staff_active(&mut tx, id, false).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut after = repo::find_staff(&mut tx, id).await?.ok_or(AppError::NotFound("工作人员"))?;
    let mut entry = actor.audit("deactivate", "isolation_staff", Some(id));
    entry.before = staff_audit_view(&before);
    entry.after = staff_audit_view(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    present_staff(actor, std::slice::from_mut(&mut after));
    Ok(after)
}

// ---- the duty roster ---------------------------------------------------------

/// What to generate a roster for, and by which rules.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RosterInput {
    /// YYYY-MM-DD
    #[serde(default)]
    pub from: String,
    /// YYYY-MM-DD, at most 31 days after `from`
    #[serde(default)]
    pub to: String,
    /// 2 (12-hour shifts), 3 (8-hour, the default) or 4 (6-hour)
    pub shifts_per_day: Option<u8>,
    /// people of each group on every shift (default 1)
    pub per_shift: Option<u8>,
    /// shifts off between two shifts of one person (default 1: never two in a row)
    pub rest_shifts: Option<u8>,
}

/// A shift a group could not cover (fully).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterGap {
    /// YYYY-MM-DD
    pub day: String,
    pub shift: u8,
    /// e.g. 08:00–16:00
    pub hours: String,
    pub group: StaffGroup,
    /// people missing on that shift
    pub missing: u8,
}

fn gap_of(g: &rules::Gap, spd: u8) -> RosterGap {
    let hours = RosterRules { shifts_per_day: spd, ..RosterRules::default() }.shift_hours(g.shift);
    RosterGap { day: date_text(g.day), shift: g.shift, hours, group: g.group, missing: g.missing }
}

/// A roster as stored, with the shifts no one of a group covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterView {
    pub point_id: i64,
    pub from: String,
    pub to: String,
    pub shifts: Vec<DutyShift>,
    pub gaps: Vec<RosterGap>,
}

/// Generates and stores the duty roster of a date range from the point's
/// active staff, replacing what the range held; rest carries over from the
/// shifts of the day before.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` naming a group without staff, a bad
/// range or rules out of bounds.
pub async fn generate_roster(cx: &WorkContext, actor: &Actor, point_id: i64, input: &RosterInput) -> Result<RosterView, AppError> {
    let mut errors = Vec::new();
    let from = parse_date(&input.from).map_err(|_| errors.push(FieldError::new("from", "开始日期格式应为 YYYY-MM-DD"))).ok();
    let to = parse_date(&input.to).map_err(|_| errors.push(FieldError::new("to", "结束日期格式应为 YYYY-MM-DD"))).ok();
    let (Some(from), Some(to)) = (from, to) else { return Err(errors.into()) };
    let defaults = RosterRules::default();
    let rules_in = RosterRules {
        shifts_per_day: input.shifts_per_day.unwrap_or(defaults.shifts_per_day),
        per_shift: input.per_shift.unwrap_or(defaults.per_shift),
        rest_shifts: input.rest_shifts.unwrap_or(defaults.rest_shifts),
    };
    let mut tx = cx.db.begin_write().await?;
    write_access(&mut tx, actor, point_id).await?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let staff = repo::list_staff(&mut tx, point_id, true).await?;
    let roster_staff: Vec<RosterStaff> = staff.iter().filter_map(|s| StaffGroup::parse(&s.group_code).map(|group| RosterStaff { id: s.id, group })).collect();
    let day_before = date_text(from.previous_day().unwrap_or(from));
    let spd = i64::from(rules_in.shifts_per_day);
    let mut last_worked: HashMap<i64, u32> = HashMap::new();
    for s in repo::list_shifts(&mut tx, point_id, &day_before, &day_before).await? {
        if s.shifts_per_day == spd {
            let before = u32::try_from(spd - s.shift_index).unwrap_or(u32::MAX);
            last_worked.entry(s.staff_id).and_modify(|b| *b = (*b).min(before)).or_insert(before);
        }
    }
    let last_worked: Vec<(i64, u32)> = last_worked.into_iter().collect();
    let roster = rules::generate_roster(&roster_staff, from, to, rules_in, &last_worked).map_err(|e| {
        let field = match e {
            rules::RosterError::NoStaff(_) => "staff",
            rules::RosterError::Backwards | rules::RosterError::TooLong => "to",
            rules::RosterError::ShiftsPerDay => "shifts_per_day",
            rules::RosterError::PerShift => "per_shift",
            rules::RosterError::Rest => "rest_shifts",
        };
        AppError::field(field, e.to_string())
    })?;
    let (from_text, to_text) = (date_text(from), date_text(to));
    let replaced = repo::delete_shifts(&mut tx, point_id, &from_text, &to_text).await?;
    let at = cx.now_text();
    for d in &roster.duties {
        repo::insert_shift(&mut tx, point_id, &date_text(d.day), i64::from(d.shift), spd, d.group.code(), d.staff_id, &at).await?;
    }
    let shifts = repo::list_shifts(&mut tx, point_id, &from_text, &to_text).await?;
    let mut entry = actor.audit("generate", "duty_roster", Some(point_id));
    entry.after = Some(
        serde_json::json!({"from": from_text, "to": to_text, "rules": rules_in, "duties": roster.duties.len(), "replaced": replaced, "gaps": roster.gaps.len()}),
    );
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    let gaps = roster.gaps.iter().map(|g| gap_of(g, rules_in.shifts_per_day)).collect();
    Ok(RosterView { point_id, from: from_text, to: to_text, shifts, gaps })
}

/// The stored roster of a date range; a shift with nobody of a group on it is a gap.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` for a bad range.
pub async fn get_roster(db: &Db, actor: &Actor, point_id: i64, from: &str, to: &str) -> Result<RosterView, AppError> {
    let f = parse_date(from).map_err(|_| AppError::field("from", "开始日期格式应为 YYYY-MM-DD"))?;
    let t = parse_date(to).map_err(|_| AppError::field("to", "结束日期格式应为 YYYY-MM-DD"))?;
    if t < f || (t - f).whole_days() >= rules::MAX_ROSTER_DAYS {
        return Err(AppError::field("to", "结束日期应在开始日期之后31天内"));
    }
    let mut conn = db.pool().acquire().await?;
    access_of(&mut conn, actor).await?.check(point_id)?;
    repo::find_point(&mut conn, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let (from, to) = (date_text(f), date_text(t));
    let shifts = repo::list_shifts(&mut conn, point_id, &from, &to).await?;
    let mut gaps = Vec::new();
    let mut day = f;
    loop {
        let text = date_text(day);
        let of_day: Vec<&DutyShift> = shifts.iter().filter(|s| s.shift_on == text).collect();
        if let Some(spd) = of_day.first().map(|s| u8::try_from(s.shifts_per_day).unwrap_or(3)) {
            for index in 0..spd {
                for group in StaffGroup::ALL {
                    if !of_day.iter().any(|s| s.shift_index == i64::from(index) && s.group_code == group.code()) {
                        gaps.push(gap_of(&rules::Gap { day, shift: index, group, missing: 1 }, spd));
                    }
                }
            }
        }
        match day.next_day() {
            Some(next) if next <= t => day = next,
            _ => break,
        }
    }
    Ok(RosterView { point_id, from, to, shifts, gaps })
}

// ---- rules and regulations ---------------------------------------------------

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn list_documents(db: &Db, actor: &Actor, point_id: i64) -> Result<Vec<Document>, AppError> {
    let mut conn = db.pool().acquire().await?;
    access_of(&mut conn, actor).await?.check(point_id)?;
    repo::find_point(&mut conn, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    Ok(repo::list_documents(&mut conn, point_id).await?)
}

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn get_document(db: &Db, actor: &Actor, id: i64) -> Result<Document, AppError> {
    let mut conn = db.pool().acquire().await?;
    let access = access_of(&mut conn, actor).await?;
    let doc = repo::find_document(&mut conn, id).await?.ok_or(AppError::NotFound("制度"))?;
    access.check(doc.point_id)?;
    Ok(doc)
}

/// A rule or regulation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DocumentInput {
    /// e.g. 医学观察制度
    pub title: String,
    pub body: String,
}

/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` on a taken title.
pub async fn create_document(cx: &WorkContext, actor: &Actor, point_id: i64, input: &DocumentInput) -> Result<Document, AppError> {
    let mut errors = Vec::new();
    let title = take(required_text("title", "标题", &input.title, 100), &mut errors);
    let body = take(required_text("body", "正文", &input.body, 20_000), &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = cx.db.begin_write().await?;
    write_access(&mut tx, actor, point_id).await?;
    repo::find_point(&mut tx, point_id).await?.ok_or(AppError::NotFound("观察点"))?;
    let id = repo::insert_document(&mut tx, point_id, &title, &body, by(actor), &cx.now_text())
        .await
        .map_err(|e| AppError::from_store(e, &[("isolation_documents", "title", "已有同名的制度")], ""))?;
    let doc = repo::find_document(&mut tx, id).await?.ok_or(AppError::NotFound("制度"))?;
    let mut entry = actor.audit("create", "isolation_document", Some(id));
    entry.after = snapshot(&doc);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(doc)
}

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn delete_document(cx: &WorkContext, actor: &Actor, id: i64) -> Result<(), AppError> {
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_document(&mut tx, id).await?.ok_or(AppError::NotFound("制度"))?;
    write_access(&mut tx, actor, before.point_id).await?;
    repo::delete_document(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut entry = actor.audit("delete", "isolation_document", Some(id));
    entry.before = snapshot(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}
