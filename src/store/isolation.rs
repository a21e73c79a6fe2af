//! The isolation observation point: the point and its rooms, observed persons
//! (health data), temperature records and fever alerts, staff, the duty roster
//! and the point's rules and regulations (制度).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::pii::Sealed;
use super::query::{Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError};
use crate::domain::isolation::tenths_text;

// ---- points and rooms --------------------------------------------------------

/// 医学隔离观察点, with its head counts.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct IsolationPoint {
    pub id: i64,
    pub name: String,
    pub address: String,
    /// e.g. 火线临时党支部
    pub party_branch: String,
    /// the default observation period in days (14)
    pub observation_days: i64,
    /// active staff, and how many of them are party members
    pub staff: i64,
    pub party_members: i64,
    /// persons checked in and not released
    pub in_observation: i64,
    pub open_alerts: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const POINT_SELECT: &str = "SELECT ip.id, ip.name, ip.address, ip.party_branch, ip.observation_days, \
    (SELECT COUNT(*) FROM isolation_staff s WHERE s.point_id = ip.id AND s.active = 1) AS staff, \
    (SELECT COUNT(*) FROM isolation_staff s WHERE s.point_id = ip.id AND s.active = 1 AND s.party_member = 1) AS party_members, \
    (SELECT COUNT(*) FROM observed_persons o WHERE o.point_id = ip.id AND o.released_on IS NULL) AS in_observation, \
    (SELECT COUNT(*) FROM fever_alerts a WHERE a.point_id = ip.id AND a.handled_at IS NULL) AS open_alerts, \
    ip.created_at, ip.updated_at, ip.version FROM isolation_points ip";

pub async fn insert_point(conn: &mut AnyConnection, name: &str, address: &str, party_branch: &str, observation_days: i64, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO isolation_points (name, address, party_branch, observation_days, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(address)
    .bind(party_branch)
    .bind(observation_days)
    .bind(at)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// # Errors
/// `Stale` when the point changed since `version` was read.
#[allow(clippy::too_many_arguments)]
pub async fn update_point(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    name: &str,
    address: &str,
    party_branch: &str,
    observation_days: i64,
    at: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE isolation_points SET name = $1, address = $2, party_branch = $3, observation_days = $4, updated_at = $5, version = version + 1 \
         WHERE id = $6 AND version = $7",
    )
    .bind(name)
    .bind(address)
    .bind(party_branch)
    .bind(observation_days)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

pub async fn find_point(conn: &mut AnyConnection, id: i64) -> Result<Option<IsolationPoint>, sqlx::Error> {
    sqlx::query_as(&format!("{POINT_SELECT} WHERE ip.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn find_point_by_name(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM isolation_points WHERE name = $1").bind(name).fetch_optional(db.pool()).await
}

pub async fn list_points(conn: &mut AnyConnection) -> Result<Vec<IsolationPoint>, sqlx::Error> {
    sqlx::query_as(&format!("{POINT_SELECT} ORDER BY ip.id")).fetch_all(conn).await
}

/// The point an isolation-staff user is bound to.
pub async fn point_of_user(conn: &mut AnyConnection, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let p: Option<Option<i64>> = sqlx::query_scalar("SELECT isolation_point_id FROM users WHERE id = $1").bind(user_id).fetch_optional(conn).await?;
    Ok(p.flatten())
}

/// A room of the point, with how many persons under observation are in it.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Room {
    pub id: i64,
    pub point_id: i64,
    pub number: String,
    pub beds: i64,
    pub note: String,
    pub occupants: i64,
}

const ROOM_SELECT: &str = "SELECT r.id, r.point_id, r.number, r.beds, r.note, \
    (SELECT COUNT(*) FROM observed_persons o WHERE o.room_id = r.id AND o.released_on IS NULL) AS occupants FROM isolation_rooms r";

pub async fn insert_room(conn: &mut AnyConnection, point_id: i64, number: &str, beds: i64, note: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO isolation_rooms (point_id, number, beds, note) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(point_id)
        .bind(number)
        .bind(beds)
        .bind(note)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn find_room(conn: &mut AnyConnection, id: i64) -> Result<Option<Room>, sqlx::Error> {
    sqlx::query_as(&format!("{ROOM_SELECT} WHERE r.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_rooms(conn: &mut AnyConnection, point_id: i64) -> Result<Vec<Room>, sqlx::Error> {
    sqlx::query_as(&format!("{ROOM_SELECT} WHERE r.point_id = $1 ORDER BY r.number, r.id")).bind(point_id).fetch_all(conn).await
}

// ---- observed persons --------------------------------------------------------

/// 留观人员: health data.
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct ObservedPerson {
    pub id: i64,
    pub point_id: i64,
    pub point_name: String,
    pub room_id: Option<i64>,
    pub room_number: Option<String>,
    pub name: String,
    /// male, female
    pub gender: String,
    pub age: Option<i64>,
    /// in clear or masked, as the reader may see it (set by the use cases)
    pub phone: String,
    /// 居民身份证号 (empty when not recorded): in clear or masked, as the reader
    /// may see it (set by the use cases from `id_number_enc`)
    #[sqlx(skip)]
    pub id_number: String,
    /// the number encrypted (`store::pii`); never leaves the server
    #[serde(skip)]
    pub id_number_enc: Option<String>,
    /// hubei, overseas, close_contact, key_area, other
    pub source: String,
    /// where the person came from
    pub origin: String,
    /// YYYY-MM-DD
    pub checked_in_on: String,
    /// the last day of observation
    pub observation_end_on: String,
    pub released_on: Option<String>,
    pub release_note: String,
    /// the latest reading, in tenths of a degree
    pub latest_tenths: Option<i64>,
    /// the latest reading as text, e.g. 36.5
    #[sqlx(skip)]
    pub latest: Option<String>,
    pub open_alerts: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

crate::debug_without_pii!(ObservedPerson { id, point_id, room_id, version });

const PERSON_SELECT: &str = "SELECT o.id, o.point_id, ip.name AS point_name, o.room_id, r.number AS room_number, o.name, o.gender, o.age, o.phone, \
    o.id_number_enc, o.source, o.origin, o.checked_in_on, o.observation_end_on, o.released_on, o.release_note, \
    (SELECT tr.tenths FROM temperature_records tr WHERE tr.person_id = o.id ORDER BY tr.taken_on DESC, tr.slot ASC LIMIT 1) AS latest_tenths, \
    (SELECT COUNT(*) FROM fever_alerts a WHERE a.person_id = o.id AND a.handled_at IS NULL) AS open_alerts, \
    o.created_at, o.updated_at, o.version \
    FROM observed_persons o JOIN isolation_points ip ON ip.id = o.point_id LEFT JOIN isolation_rooms r ON r.id = o.room_id";

fn with_text(mut p: ObservedPerson) -> ObservedPerson {
    p.latest = p.latest_tenths.map(tenths_text);
    p
}

/// A person checking in.
#[derive(Clone)]
pub struct NewPerson<'a> {
    pub point_id: i64,
    pub room_id: Option<i64>,
    pub name: &'a str,
    pub gender: &'a str,
    pub age: Option<i64>,
    pub phone: &'a str,
    /// the ID number encrypted, and its blind index (`store::pii`)
    pub id_number: Option<&'a Sealed>,
    pub source: &'a str,
    pub origin: &'a str,
    pub checked_in_on: &'a str,
    pub observation_end_on: &'a str,
    pub created_by: Option<i64>,
    pub at: &'a str,
}

crate::debug_without_pii!(NewPerson<'a> { point_id, room_id });

pub async fn insert_person(conn: &mut AnyConnection, p: &NewPerson<'_>) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO observed_persons (point_id, room_id, name, gender, age, phone, source, origin, checked_in_on, observation_end_on, created_by, \
         created_at, updated_at, id_number_enc, id_number_idx) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(p.point_id)
    .bind(p.room_id)
    .bind(p.name)
    .bind(p.gender)
    .bind(p.age)
    .bind(p.phone)
    .bind(p.source)
    .bind(p.origin)
    .bind(p.checked_in_on)
    .bind(p.observation_end_on)
    .bind(p.created_by)
    .bind(p.at)
    .bind(p.at)
    .bind(p.id_number.map(|s| s.enc.as_str()))
    .bind(p.id_number.map(|s| s.idx.as_str()))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_person(conn: &mut AnyConnection, id: i64) -> Result<Option<ObservedPerson>, sqlx::Error> {
    Ok(sqlx::query_as(&format!("{PERSON_SELECT} WHERE o.id = $1")).bind(id).fetch_optional(conn).await?.map(with_text))
}

/// Filters of the observed-person list.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    pub point_id: i64,
    /// in_observation, due (observation over, not yet released), released
    pub status: Option<String>,
    /// today, for `due`
    pub today: String,
    pub room_id: Option<i64>,
    pub source: Option<String>,
    /// part of the name
    pub q: Option<String>,
    /// only persons with an open fever alert
    pub fever: bool,
    /// only the person with this ID number (its blind index, see `store::pii`)
    pub id_number_idx: Option<String>,
}

pub async fn list_persons(conn: &mut AnyConnection, f: &PersonFilter, page: &PageRequest) -> Result<Page<ObservedPerson>, sqlx::Error> {
    let mut c = Conditions::default();
    c.push("o.point_id = {}", f.point_id);
    match f.status.as_deref() {
        Some("in_observation") => c.push_raw("o.released_on IS NULL"),
        Some("due") => c.push("o.released_on IS NULL AND o.observation_end_on <= {}", f.today.as_str()),
        Some("released") => c.push_raw("o.released_on IS NOT NULL"),
        _ => &mut c,
    };
    if let Some(r) = f.room_id {
        c.push("o.room_id = {}", r);
    }
    if let Some(s) = &f.source {
        c.push("o.source = {}", s.as_str());
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("o.name LIKE {} ESCAPE '\\'", like_pattern(q));
    }
    if f.fever {
        c.push_raw("EXISTS (SELECT 1 FROM fever_alerts a WHERE a.person_id = o.id AND a.handled_at IS NULL)");
    }
    if let Some(idx) = &f.id_number_idx {
        c.push("o.id_number_idx = {}", idx.as_str());
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM observed_persons o{}", c.where_sql()), c.args()).fetch_one(&mut *conn).await?;
    let (limit, args) = c.limit_sql(page);
    let items: Vec<ObservedPerson> =
        sqlx::query_as_with(&format!("{PERSON_SELECT}{} ORDER BY o.released_on IS NOT NULL, o.checked_in_on DESC, o.id DESC{limit}", c.where_sql()), args)
            .fetch_all(conn)
            .await?;
    Ok(Page { items: items.into_iter().map(with_text).collect(), total, page: page.page(), per_page: page.per_page() })
}

/// Persons under observation at a point on `day` (checked in by then, not released).
pub async fn persons_on(conn: &mut AnyConnection, point_id: i64, day: &str) -> Result<Vec<ObservedPerson>, sqlx::Error> {
    let items: Vec<ObservedPerson> = sqlx::query_as(&format!(
        "{PERSON_SELECT} WHERE o.point_id = $1 AND o.checked_in_on <= $2 AND (o.released_on IS NULL OR o.released_on > $2) ORDER BY r.number, o.id"
    ))
    .bind(point_id)
    .bind(day)
    .fetch_all(conn)
    .await?;
    Ok(items.into_iter().map(with_text).collect())
}

/// # Errors
/// `Stale` when the record changed since `version` was read.
pub async fn release_person(conn: &mut AnyConnection, id: i64, version: i64, day: &str, note: &str, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE observed_persons SET released_on = $1, release_note = $2, updated_at = $3, version = version + 1 \
         WHERE id = $4 AND version = $5 AND released_on IS NULL",
    )
    .bind(day)
    .bind(note)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

// ---- temperatures and alerts -------------------------------------------------

/// 体温 record.
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct TemperatureRecord {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// YYYY-MM-DD
    pub taken_on: String,
    /// morning, afternoon
    pub slot: String,
    /// tenths of a degree Celsius (373 = 37.3 °C)
    pub tenths: i64,
    /// the reading as text, e.g. 37.3
    #[sqlx(skip)]
    pub celsius: String,
    /// 1 at 37.3 °C or more
    pub fever: i64,
    pub symptoms: String,
    pub recorded_by_name: Option<String>,
    pub created_at: String,
}

crate::debug_without_pii!(TemperatureRecord { id, person_id, taken_on, slot });

const RECORD_SELECT: &str = "SELECT tr.id, tr.person_id, o.name AS person_name, tr.taken_on, tr.slot, tr.tenths, \
    CASE WHEN tr.tenths >= 373 THEN 1 ELSE 0 END AS fever, tr.symptoms, u.display_name AS recorded_by_name, tr.created_at \
    FROM temperature_records tr JOIN observed_persons o ON o.id = tr.person_id LEFT JOIN users u ON u.id = tr.recorded_by";

fn record_text(mut r: TemperatureRecord) -> TemperatureRecord {
    r.celsius = tenths_text(r.tenths);
    r
}

/// # Errors
/// `Unique` (temperature_records_slot_key) when the slot of that day is already recorded.
#[allow(clippy::too_many_arguments)]
pub async fn insert_record(
    conn: &mut AnyConnection,
    person_id: i64,
    taken_on: &str,
    slot: &str,
    tenths: i64,
    symptoms: &str,
    recorded_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO temperature_records (person_id, taken_on, slot, tenths, symptoms, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(person_id)
    .bind(taken_on)
    .bind(slot)
    .bind(tenths)
    .bind(symptoms)
    .bind(recorded_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_record(conn: &mut AnyConnection, id: i64) -> Result<Option<TemperatureRecord>, sqlx::Error> {
    Ok(sqlx::query_as(&format!("{RECORD_SELECT} WHERE tr.id = $1")).bind(id).fetch_optional(conn).await?.map(record_text))
}

pub async fn list_records(conn: &mut AnyConnection, person_id: i64) -> Result<Vec<TemperatureRecord>, sqlx::Error> {
    let items: Vec<TemperatureRecord> = sqlx::query_as(&format!(
        "{RECORD_SELECT} WHERE tr.person_id = $1 ORDER BY tr.taken_on DESC, CASE tr.slot WHEN 'afternoon' THEN 0 ELSE 1 END, tr.id DESC"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await?;
    Ok(items.into_iter().map(record_text).collect())
}

/// The persons of a point under observation on `day` with no reading for `slot` yet.
pub async fn missing_readings(conn: &mut AnyConnection, point_id: i64, day: &str, slot: &str) -> Result<Vec<ObservedPerson>, sqlx::Error> {
    let items: Vec<ObservedPerson> = sqlx::query_as(&format!(
        "{PERSON_SELECT} WHERE o.point_id = $1 AND o.checked_in_on <= $2 AND (o.released_on IS NULL OR o.released_on > $2) \
         AND NOT EXISTS (SELECT 1 FROM temperature_records tr WHERE tr.person_id = o.id AND tr.taken_on = $2 AND tr.slot = $3) ORDER BY r.number, o.id"
    ))
    .bind(point_id)
    .bind(day)
    .bind(slot)
    .fetch_all(conn)
    .await?;
    Ok(items.into_iter().map(with_text).collect())
}

/// 发热预警
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct FeverAlert {
    pub id: i64,
    pub record_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub room_number: Option<String>,
    pub point_id: i64,
    pub tenths: i64,
    /// the reading as text, e.g. 38.1
    #[sqlx(skip)]
    pub celsius: String,
    pub taken_on: String,
    /// morning, afternoon
    pub slot: String,
    pub symptoms: String,
    pub raised_at: String,
    pub handled_at: Option<String>,
    pub handled_by_name: Option<String>,
    pub handled_note: String,
}

crate::debug_without_pii!(FeverAlert { id, record_id, person_id, point_id });

const ALERT_SELECT: &str = "SELECT a.id, a.record_id, a.person_id, o.name AS person_name, r.number AS room_number, a.point_id, a.tenths, \
    tr.taken_on, tr.slot, tr.symptoms, a.raised_at, a.handled_at, u.display_name AS handled_by_name, a.handled_note \
    FROM fever_alerts a JOIN observed_persons o ON o.id = a.person_id JOIN temperature_records tr ON tr.id = a.record_id \
    LEFT JOIN isolation_rooms r ON r.id = o.room_id LEFT JOIN users u ON u.id = a.handled_by";

fn alert_text(mut a: FeverAlert) -> FeverAlert {
    a.celsius = tenths_text(a.tenths);
    a
}

pub async fn insert_alert(conn: &mut AnyConnection, record_id: i64, person_id: i64, point_id: i64, tenths: i64, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO fever_alerts (record_id, person_id, point_id, tenths, raised_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(record_id)
        .bind(person_id)
        .bind(point_id)
        .bind(tenths)
        .bind(at)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn find_alert(conn: &mut AnyConnection, id: i64) -> Result<Option<FeverAlert>, sqlx::Error> {
    Ok(sqlx::query_as(&format!("{ALERT_SELECT} WHERE a.id = $1")).bind(id).fetch_optional(conn).await?.map(alert_text))
}

/// Alerts of a point (or of one person), open ones first.
pub async fn list_alerts(conn: &mut AnyConnection, point_id: i64, person_id: Option<i64>, open_only: bool) -> Result<Vec<FeverAlert>, sqlx::Error> {
    let mut c = Conditions::default();
    c.push("a.point_id = {}", point_id);
    if let Some(p) = person_id {
        c.push("a.person_id = {}", p);
    }
    if open_only {
        c.push_raw("a.handled_at IS NULL");
    }
    let items: Vec<FeverAlert> =
        sqlx::query_as_with(&format!("{ALERT_SELECT}{} ORDER BY a.handled_at IS NOT NULL, a.raised_at DESC, a.id DESC LIMIT 200", c.where_sql()), c.args())
            .fetch_all(conn)
            .await?;
    Ok(items.into_iter().map(alert_text).collect())
}

/// Marks an open alert handled; false when it was handled already.
pub async fn handle_alert(conn: &mut AnyConnection, id: i64, by: Option<i64>, note: &str, at: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE fever_alerts SET handled_at = $1, handled_by = $2, handled_note = $3 WHERE id = $4 AND handled_at IS NULL")
        .bind(at)
        .bind(by)
        .bind(note)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

// ---- staff and roster --------------------------------------------------------

/// 工作人员 of the point.
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct Staff {
    pub id: i64,
    pub point_id: i64,
    pub name: String,
    /// management, medical, disinfection, logistics
    pub group_code: String,
    /// 1 for a party member (党员)
    pub party_member: i64,
    /// e.g. 临时党支部书记
    pub title: String,
    pub phone: String,
    /// 1 while on the point's staff
    pub active: i64,
    pub created_at: String,
}

crate::debug_without_pii!(Staff { id, point_id, group_code, active });

const STAFF_SELECT: &str = "SELECT id, point_id, name, group_code, party_member, title, phone, active, created_at FROM isolation_staff";

#[allow(clippy::too_many_arguments)]
pub async fn insert_staff(
    conn: &mut AnyConnection,
    point_id: i64,
    name: &str,
    group: &str,
    party_member: bool,
    title: &str,
    phone: &str,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO isolation_staff (point_id, name, group_code, party_member, title, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(point_id)
    .bind(name)
    .bind(group)
    .bind(i64::from(party_member))
    .bind(title)
    .bind(phone)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_staff(conn: &mut AnyConnection, id: i64) -> Result<Option<Staff>, sqlx::Error> {
    sqlx::query_as(&format!("{STAFF_SELECT} WHERE id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_staff(conn: &mut AnyConnection, point_id: i64, active_only: bool) -> Result<Vec<Staff>, sqlx::Error> {
    let active = if active_only { " AND active = 1" } else { "" };
    sqlx::query_as(&format!(
        "{STAFF_SELECT} WHERE point_id = $1{active} ORDER BY active DESC, CASE group_code WHEN 'management' THEN 0 WHEN 'medical' THEN 1 \
         WHEN 'disinfection' THEN 2 ELSE 3 END, party_member DESC, id"
    ))
    .bind(point_id)
    .fetch_all(conn)
    .await
}

pub async fn set_staff_active(conn: &mut AnyConnection, id: i64, active: bool) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE isolation_staff SET active = $1 WHERE id = $2").bind(i64::from(active)).bind(id).execute(conn).await?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// One person on one shift of the roster.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct DutyShift {
    pub id: i64,
    pub point_id: i64,
    /// YYYY-MM-DD
    pub shift_on: String,
    /// 0 is the shift starting at 08:00
    pub shift_index: i64,
    pub shifts_per_day: i64,
    pub group_code: String,
    pub staff_id: i64,
    pub staff_name: String,
    pub party_member: i64,
}

pub async fn delete_shifts(conn: &mut AnyConnection, point_id: i64, from: &str, to: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM duty_shifts WHERE point_id = $1 AND shift_on >= $2 AND shift_on <= $3")
        .bind(point_id)
        .bind(from)
        .bind(to)
        .execute(conn)
        .await?
        .rows_affected())
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_shift(
    conn: &mut AnyConnection,
    point_id: i64,
    day: &str,
    index: i64,
    shifts_per_day: i64,
    group: &str,
    staff_id: i64,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO duty_shifts (point_id, shift_on, shift_index, shifts_per_day, group_code, staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(point_id)
    .bind(day)
    .bind(index)
    .bind(shifts_per_day)
    .bind(group)
    .bind(staff_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_shifts(conn: &mut AnyConnection, point_id: i64, from: &str, to: &str) -> Result<Vec<DutyShift>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.point_id, d.shift_on, d.shift_index, d.shifts_per_day, d.group_code, d.staff_id, s.name AS staff_name, s.party_member \
         FROM duty_shifts d JOIN isolation_staff s ON s.id = d.staff_id WHERE d.point_id = $1 AND d.shift_on >= $2 AND d.shift_on <= $3 \
         ORDER BY d.shift_on, d.shift_index, CASE d.group_code WHEN 'management' THEN 0 WHEN 'medical' THEN 1 WHEN 'disinfection' THEN 2 ELSE 3 END, \
         s.id",
    )
    .bind(point_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

// ---- documents ---------------------------------------------------------------

/// 制度: one of the point's rules and regulations.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Document {
    pub id: i64,
    pub point_id: i64,
    pub title: String,
    pub body: String,
    pub created_at: String,
}

pub async fn insert_document(conn: &mut AnyConnection, point_id: i64, title: &str, body: &str, by: Option<i64>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO isolation_documents (point_id, title, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(point_id)
        .bind(title)
        .bind(body)
        .bind(by)
        .bind(at)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn find_document(conn: &mut AnyConnection, id: i64) -> Result<Option<Document>, sqlx::Error> {
    sqlx::query_as("SELECT id, point_id, title, body, created_at FROM isolation_documents WHERE id = $1").bind(id).fetch_optional(conn).await
}

pub async fn list_documents(conn: &mut AnyConnection, point_id: i64) -> Result<Vec<Document>, sqlx::Error> {
    sqlx::query_as("SELECT id, point_id, title, body, created_at FROM isolation_documents WHERE point_id = $1 ORDER BY id").bind(point_id).fetch_all(conn).await
}

pub async fn delete_document(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM isolation_documents WHERE id = $1").bind(id).execute(conn).await?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

// ---- the dashboard and the briefing -------------------------------------------

/// Each point's beds (the sum of its rooms' limits), by point id.
pub async fn beds_by_point(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT point_id, CAST(SUM(beds) AS BIGINT) FROM isolation_rooms GROUP BY point_id ORDER BY point_id").fetch_all(db.pool()).await
}

/// A point as it stood at the end of a day.
#[derive(Debug, Clone, FromRow)]
pub struct PointOn {
    pub name: String,
    /// staff recorded by then and still active
    pub staff: i64,
    pub party_members: i64,
    /// checked in on or before the day, not released by its end
    pub in_observation: i64,
    /// fever alerts raised by then and not handled by then
    pub open_alerts: i64,
}

/// Every point as of `day` (YYYY-MM-DD), `until` being the UTC instant it
/// ends: the persons in observation then, not now.
pub async fn points_on(db: &Db, day: &str, until: &str) -> Result<Vec<PointOn>, sqlx::Error> {
    sqlx::query_as(
        "SELECT ip.name, \
         (SELECT COUNT(*) FROM isolation_staff s WHERE s.point_id = ip.id AND s.active = 1 AND s.created_at < $2) AS staff, \
         (SELECT COUNT(*) FROM isolation_staff s WHERE s.point_id = ip.id AND s.active = 1 AND s.party_member = 1 AND s.created_at < $2) AS party_members, \
         (SELECT COUNT(*) FROM observed_persons o WHERE o.point_id = ip.id AND o.checked_in_on <= $1 AND (o.released_on IS NULL OR o.released_on > $1)) \
             AS in_observation, \
         (SELECT COUNT(*) FROM fever_alerts a WHERE a.point_id = ip.id AND a.raised_at < $2 AND (a.handled_at IS NULL OR a.handled_at >= $2)) AS open_alerts \
         FROM isolation_points ip WHERE ip.created_at < $2 ORDER BY ip.id",
    )
    .bind(day)
    .bind(until)
    .fetch_all(db.pool())
    .await
}
