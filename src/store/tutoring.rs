//! Volunteers, the children they help, pairings (结对), the manual rules that
//! override the assignment, and tutoring sessions (辅导记录).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError};

// ---- volunteers --------------------------------------------------------------

/// 志愿者, with the name of its township and how many children it tutors now.
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct Volunteer {
    pub id: i64,
    pub name: String,
    pub school: String,
    pub phone: String,
    /// subject codes, comma-separated: chinese, math, english, physics, chemistry, biology, politics, history, geography, science, arts
    pub subjects: String,
    /// the grades the volunteer can teach, 1–12 (小学一年级 … 高三)
    pub grade_min: i64,
    pub grade_max: i64,
    pub township_id: i64,
    pub township_name: String,
    pub village: String,
    /// when the volunteer can help, in its own words
    pub availability: String,
    /// how many children the volunteer takes on
    pub capacity: i64,
    /// 1 while the volunteer can take on children
    pub active: i64,
    /// live (proposed or accepted) pairings
    pub paired: i64,
    pub created_at: String,
    pub updated_at: String,
    /// optimistic-locking version: send it back with an update
    pub version: i64,
}

crate::debug_without_pii!(Volunteer { id, township_id, active, version });

const VOLUNTEER_SELECT: &str = "SELECT v.id, v.name, v.school, v.phone, v.subjects, v.grade_min, v.grade_max, v.township_id, t.name AS township_name, \
    v.village, v.availability, v.capacity, v.active, \
    (SELECT COUNT(*) FROM pairings p WHERE p.volunteer_id = v.id AND p.status <> 'ended') AS paired, v.created_at, v.updated_at, v.version \
    FROM volunteers v JOIN townships t ON t.id = v.township_id";

/// A volunteer's checked fields.
#[derive(Clone)]
pub struct VolunteerRow {
    pub name: String,
    pub school: String,
    pub phone: String,
    pub subjects: String,
    pub grade_min: i64,
    pub grade_max: i64,
    pub township_id: i64,
    pub village: String,
    pub availability: String,
    pub capacity: i64,
    pub active: bool,
}

crate::debug_without_pii!(VolunteerRow { township_id, active });

pub async fn insert_volunteer(conn: &mut AnyConnection, v: &VolunteerRow, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO volunteers (name, school, phone, subjects, grade_min, grade_max, township_id, village, availability, capacity, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&v.name)
    .bind(&v.school)
    .bind(&v.phone)
    .bind(&v.subjects)
    .bind(v.grade_min)
    .bind(v.grade_max)
    .bind(v.township_id)
    .bind(&v.village)
    .bind(&v.availability)
    .bind(v.capacity)
    .bind(i64::from(v.active))
    .bind(at)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// # Errors
/// `Stale` when the volunteer changed since `version` was read.
pub async fn update_volunteer(conn: &mut AnyConnection, id: i64, version: i64, v: &VolunteerRow, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE volunteers SET name = $1, school = $2, phone = $3, subjects = $4, grade_min = $5, grade_max = $6, township_id = $7, village = $8, \
         availability = $9, capacity = $10, active = $11, updated_at = $12, version = version + 1 WHERE id = $13 AND version = $14",
    )
    .bind(&v.name)
    .bind(&v.school)
    .bind(&v.phone)
    .bind(&v.subjects)
    .bind(v.grade_min)
    .bind(v.grade_max)
    .bind(v.township_id)
    .bind(&v.village)
    .bind(&v.availability)
    .bind(v.capacity)
    .bind(i64::from(v.active))
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

pub async fn delete_volunteer(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM pairing_rules WHERE volunteer_id = $1").bind(id).execute(&mut *conn).await.map_err(StoreError::classify)?;
    let done = sqlx::query("DELETE FROM volunteers WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn find_volunteer(conn: &mut AnyConnection, id: i64) -> Result<Option<Volunteer>, sqlx::Error> {
    sqlx::query_as(&format!("{VOLUNTEER_SELECT} WHERE v.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn find_volunteer_by_name(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM volunteers WHERE name = $1 ORDER BY id LIMIT 1").bind(name).fetch_optional(db.pool()).await
}

/// Filters of the volunteer list.
#[derive(Debug, Clone, Default)]
pub struct VolunteerFilter {
    /// part of the name, school or village
    pub q: Option<String>,
    pub township_id: Option<i64>,
    /// a subject code the volunteer teaches
    pub subject: Option<String>,
    pub active: Option<bool>,
    /// with a free place (active, fewer live pairings than its capacity)
    pub has_place: Option<bool>,
}

pub async fn list_volunteers(db: &Db, f: &VolunteerFilter, page: &PageRequest) -> Result<Page<Volunteer>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(v.name LIKE {} ESCAPE '\\' OR v.school LIKE {} ESCAPE '\\' OR v.village LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    if let Some(t) = f.township_id {
        c.push("v.township_id = {}", t);
    }
    if let Some(s) = &f.subject {
        c.push("(',' || v.subjects || ',') LIKE {}", format!("%,{s},%"));
    }
    if let Some(a) = f.active {
        c.push("v.active = {}", i64::from(a));
    }
    let live = "(SELECT COUNT(*) FROM pairings p WHERE p.volunteer_id = v.id AND p.status <> 'ended')";
    match f.has_place {
        Some(true) => c.push_raw(&format!("v.active = 1 AND {live} < v.capacity")),
        Some(false) => c.push_raw(&format!("(v.active = 0 OR {live} >= v.capacity)")),
        None => &mut c,
    };
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM volunteers v{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{VOLUNTEER_SELECT}{} ORDER BY t.name, v.village, v.name, v.id{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Every active volunteer, for the pairing run.
pub async fn active_volunteers(conn: &mut AnyConnection) -> Result<Vec<Volunteer>, sqlx::Error> {
    sqlx::query_as(&format!("{VOLUNTEER_SELECT} WHERE v.active = 1 ORDER BY v.id")).fetch_all(conn).await
}

/// A volunteer as the pairing run takes it: its places counted against its
/// accepted pairings only, since the run withdraws every proposal.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct RunVolunteer {
    pub id: i64,
    pub township_id: i64,
    pub village: String,
    pub subjects: String,
    pub grade_min: i64,
    pub grade_max: i64,
    pub capacity: i64,
    /// accepted pairings
    pub accepted: i64,
}

/// Every active volunteer with a place left once the proposals are withdrawn.
/// The same answer before and after the withdrawal, so that a run can read it
/// outside its write and check it again inside.
pub async fn run_volunteers(conn: &mut AnyConnection) -> Result<Vec<RunVolunteer>, sqlx::Error> {
    sqlx::query_as(
        "SELECT * FROM (SELECT v.id, v.township_id, v.village, v.subjects, v.grade_min, v.grade_max, v.capacity, \
         (SELECT COUNT(*) FROM pairings p WHERE p.volunteer_id = v.id AND p.status = 'accepted') AS accepted \
         FROM volunteers v WHERE v.active = 1) x WHERE x.accepted < x.capacity ORDER BY x.id",
    )
    .fetch_all(conn)
    .await
}

/// A child as the pairing run takes it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct RunChild {
    pub id: i64,
    pub township_id: i64,
    pub village: String,
    pub grade: i64,
    pub subjects: String,
    pub category: String,
}

/// Every child without an accepted pairing (see `run_volunteers`).
pub async fn run_children(conn: &mut AnyConnection) -> Result<Vec<RunChild>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.township_id, c.village, c.grade, c.subjects, c.category FROM children c \
         WHERE NOT EXISTS (SELECT 1 FROM pairings p WHERE p.child_id = c.id AND p.status = 'accepted') ORDER BY c.id",
    )
    .fetch_all(conn)
    .await
}

/// The volunteer record a user is bound to.
pub async fn volunteer_of_user(conn: &mut AnyConnection, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let v: Option<Option<i64>> = sqlx::query_scalar("SELECT volunteer_id FROM users WHERE id = $1").bind(user_id).fetch_optional(conn).await?;
    Ok(v.flatten())
}

// ---- children ----------------------------------------------------------------

/// 帮扶对象, with its township's name and its live pairing, if any.
#[derive(Clone, Serialize, FromRow, ToSchema)]
pub struct Child {
    pub id: i64,
    pub name: String,
    /// 1–12 (小学一年级 … 高三)
    pub grade: i64,
    /// subject codes the child needs help with, comma-separated
    pub subjects: String,
    /// poor_family, frontline_child, left_behind, other
    pub category: String,
    pub township_id: i64,
    pub township_name: String,
    pub village: String,
    pub guardian: String,
    pub guardian_phone: String,
    /// the live (proposed or accepted) pairing
    pub pairing_id: Option<i64>,
    pub volunteer_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

crate::debug_without_pii!(Child { id, township_id, pairing_id, version });

const CHILD_SELECT: &str = "SELECT c.id, c.name, c.grade, c.subjects, c.category, c.township_id, t.name AS township_name, c.village, c.guardian, \
    c.guardian_phone, p.id AS pairing_id, v.name AS volunteer_name, c.created_at, c.updated_at, c.version \
    FROM children c JOIN townships t ON t.id = c.township_id \
    LEFT JOIN pairings p ON p.child_id = c.id AND p.status <> 'ended' LEFT JOIN volunteers v ON v.id = p.volunteer_id";

/// A child's checked fields.
#[derive(Clone)]
pub struct ChildRow {
    pub name: String,
    pub grade: i64,
    pub subjects: String,
    pub category: String,
    pub township_id: i64,
    pub village: String,
    pub guardian: String,
    pub guardian_phone: String,
}

crate::debug_without_pii!(ChildRow { township_id, category });

pub async fn insert_child(conn: &mut AnyConnection, c: &ChildRow, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO children (name, grade, subjects, category, township_id, village, guardian, guardian_phone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&c.name)
    .bind(c.grade)
    .bind(&c.subjects)
    .bind(&c.category)
    .bind(c.township_id)
    .bind(&c.village)
    .bind(&c.guardian)
    .bind(&c.guardian_phone)
    .bind(at)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// # Errors
/// `Stale` when the child's record changed since `version` was read.
pub async fn update_child(conn: &mut AnyConnection, id: i64, version: i64, c: &ChildRow, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE children SET name = $1, grade = $2, subjects = $3, category = $4, township_id = $5, village = $6, guardian = $7, guardian_phone = $8, \
         updated_at = $9, version = version + 1 WHERE id = $10 AND version = $11",
    )
    .bind(&c.name)
    .bind(c.grade)
    .bind(&c.subjects)
    .bind(&c.category)
    .bind(c.township_id)
    .bind(&c.village)
    .bind(&c.guardian)
    .bind(&c.guardian_phone)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

pub async fn delete_child(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM pairing_rules WHERE child_id = $1").bind(id).execute(&mut *conn).await.map_err(StoreError::classify)?;
    let done = sqlx::query("DELETE FROM children WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn find_child(conn: &mut AnyConnection, id: i64) -> Result<Option<Child>, sqlx::Error> {
    sqlx::query_as(&format!("{CHILD_SELECT} WHERE c.id = $1")).bind(id).fetch_optional(conn).await
}

/// Filters of the children list.
#[derive(Debug, Clone, Default)]
pub struct ChildFilter {
    /// part of the name or village
    pub q: Option<String>,
    pub township_id: Option<i64>,
    pub category: Option<String>,
    pub grade: Option<i64>,
    /// with (true) or without (false) a live pairing
    pub paired: Option<bool>,
}

pub async fn list_children(db: &Db, f: &ChildFilter, page: &PageRequest) -> Result<Page<Child>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(c.name LIKE {} ESCAPE '\\' OR c.village LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    if let Some(t) = f.township_id {
        c.push("c.township_id = {}", t);
    }
    if let Some(cat) = &f.category {
        c.push("c.category = {}", cat.as_str());
    }
    if let Some(g) = f.grade {
        c.push("c.grade = {}", g);
    }
    match f.paired {
        Some(true) => c.push_raw("p.id IS NOT NULL"),
        Some(false) => c.push_raw("p.id IS NULL"),
        None => &mut c,
    };
    let from = "FROM children c LEFT JOIN pairings p ON p.child_id = c.id AND p.status <> 'ended'";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{CHILD_SELECT}{} ORDER BY t.name, c.village, c.name, c.id{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Every child without a live pairing, for the pairing run.
pub async fn unpaired_children(conn: &mut AnyConnection) -> Result<Vec<Child>, sqlx::Error> {
    sqlx::query_as(&format!("{CHILD_SELECT} WHERE p.id IS NULL ORDER BY c.id")).fetch_all(conn).await
}

// ---- pairings ----------------------------------------------------------------

/// 结对: a volunteer and a child, with why they fit and what they did together.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Pairing {
    pub id: i64,
    pub volunteer_id: i64,
    pub volunteer_name: String,
    pub school: String,
    pub volunteer_village: String,
    pub child_id: i64,
    pub child_name: String,
    pub child_grade: i64,
    pub child_subjects: String,
    /// poor_family, frontline_child, left_behind, other
    pub child_category: String,
    pub child_township_id: i64,
    pub child_township_name: String,
    pub child_village: String,
    /// proposed, accepted, ended
    pub status: String,
    /// computed (by the optimal assignment), pinned, manual
    pub origin: String,
    /// the pair's cost in the assignment (lower is a better fit)
    pub cost: i64,
    /// same_village, same_township, elsewhere
    pub place: String,
    pub subjects_covered: i64,
    pub subjects_needed: i64,
    /// 1 when the child's grade is one the volunteer teaches
    pub grade_fits: i64,
    pub created_at: String,
    pub accepted_at: Option<String>,
    pub ended_at: Option<String>,
    pub end_reason: String,
    /// tutoring sessions logged, and their minutes
    pub sessions: i64,
    pub minutes: i64,
}

const PAIRING_SELECT: &str = "SELECT p.id, p.volunteer_id, v.name AS volunteer_name, v.school, v.village AS volunteer_village, p.child_id, \
    c.name AS child_name, c.grade AS child_grade, c.subjects AS child_subjects, c.category AS child_category, c.township_id AS child_township_id, \
    t.name AS child_township_name, c.village AS child_village, p.status, p.origin, p.cost, p.place, p.subjects_covered, p.subjects_needed, \
    p.grade_fits, p.created_at, p.accepted_at, p.ended_at, p.end_reason, \
    (SELECT COUNT(*) FROM tutoring_sessions s WHERE s.pairing_id = p.id) AS sessions, \
    (SELECT CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) FROM tutoring_sessions s WHERE s.pairing_id = p.id) AS minutes \
    FROM pairings p JOIN volunteers v ON v.id = p.volunteer_id JOIN children c ON c.id = p.child_id JOIN townships t ON t.id = c.township_id";

/// A pairing to store.
#[derive(Debug, Clone)]
pub struct NewPairing<'a> {
    pub volunteer_id: i64,
    pub child_id: i64,
    pub status: &'a str,
    pub origin: &'a str,
    pub cost: i64,
    pub place: &'a str,
    pub subjects_covered: i64,
    pub subjects_needed: i64,
    pub grade_fits: bool,
    pub created_by: Option<i64>,
    pub at: &'a str,
}

/// # Errors
/// `Unique` (pairings_child_live) when the child already has a live pairing.
pub async fn insert_pairing(conn: &mut AnyConnection, p: &NewPairing<'_>) -> Result<i64, StoreError> {
    let accepted_at = (p.status == "accepted").then_some(p.at);
    sqlx::query_scalar(
        "INSERT INTO pairings (volunteer_id, child_id, status, origin, cost, place, subjects_covered, subjects_needed, grade_fits, created_by, \
         created_at, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(p.volunteer_id)
    .bind(p.child_id)
    .bind(p.status)
    .bind(p.origin)
    .bind(p.cost)
    .bind(p.place)
    .bind(p.subjects_covered)
    .bind(p.subjects_needed)
    .bind(i64::from(p.grade_fits))
    .bind(p.created_by)
    .bind(p.at)
    .bind(accepted_at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_pairing(conn: &mut AnyConnection, id: i64) -> Result<Option<Pairing>, sqlx::Error> {
    sqlx::query_as(&format!("{PAIRING_SELECT} WHERE p.id = $1")).bind(id).fetch_optional(conn).await
}

/// Filters of the pairing list.
#[derive(Debug, Clone, Default)]
pub struct PairingFilter {
    pub status: Option<String>,
    /// only live pairings (proposed or accepted)
    pub live: bool,
    pub volunteer_id: Option<i64>,
    pub child_id: Option<i64>,
    /// the child's township
    pub township_id: Option<i64>,
    pub category: Option<String>,
    /// part of the volunteer's or child's name
    pub q: Option<String>,
}

pub async fn list_pairings(db: &Db, f: &PairingFilter, page: &PageRequest) -> Result<Page<Pairing>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(s) = &f.status {
        c.push("p.status = {}", s.as_str());
    }
    if f.live {
        c.push_raw("p.status <> 'ended'");
    }
    if let Some(v) = f.volunteer_id {
        c.push("p.volunteer_id = {}", v);
    }
    if let Some(v) = f.child_id {
        c.push("p.child_id = {}", v);
    }
    if let Some(t) = f.township_id {
        c.push("c.township_id = {}", t);
    }
    if let Some(cat) = &f.category {
        c.push("c.category = {}", cat.as_str());
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(v.name LIKE {} ESCAPE '\\' OR c.name LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    let from = "FROM pairings p JOIN volunteers v ON v.id = p.volunteer_id JOIN children c ON c.id = p.child_id";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let order = " ORDER BY CASE p.status WHEN 'proposed' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, t.name, c.village, p.id";
    let items = sqlx::query_as_with(&format!("{PAIRING_SELECT}{}{order}{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Withdraws every proposal (a recompute replaces them); answers their ids.
pub async fn delete_proposed(conn: &mut AnyConnection) -> Result<Vec<i64>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM pairings WHERE status = 'proposed' ORDER BY id").fetch_all(&mut *conn).await?;
    sqlx::query("DELETE FROM pairings WHERE status = 'proposed'").execute(conn).await?;
    Ok(ids)
}

/// Accepts a proposal; false when it is not (or no longer) proposed.
pub async fn accept_pairing(conn: &mut AnyConnection, id: i64, at: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE pairings SET status = 'accepted', accepted_at = $1 WHERE id = $2 AND status = 'proposed'").bind(at).bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a live pairing; false when it had already ended.
pub async fn end_pairing(conn: &mut AnyConnection, id: i64, reason: &str, at: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE pairings SET status = 'ended', ended_at = $1, end_reason = $2 WHERE id = $3 AND status <> 'ended'")
        .bind(at)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Accepted pairings, zone-wide.
pub async fn accepted_count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM pairings WHERE status = 'accepted'").fetch_one(conn).await
}

/// Live pairings per volunteer.
pub async fn live_count(conn: &mut AnyConnection, volunteer_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM pairings WHERE volunteer_id = $1 AND status <> 'ended'").bind(volunteer_id).fetch_one(conn).await
}

// ---- rules -------------------------------------------------------------------

/// A manual override: pin a pair into the assignment, or forbid it.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct PairingRule {
    pub id: i64,
    pub volunteer_id: i64,
    pub volunteer_name: String,
    pub child_id: i64,
    pub child_name: String,
    /// pin, forbid
    pub rule: String,
    pub note: String,
    pub created_at: String,
}

const RULE_SELECT: &str = "SELECT r.id, r.volunteer_id, v.name AS volunteer_name, r.child_id, c.name AS child_name, r.rule, r.note, r.created_at \
    FROM pairing_rules r JOIN volunteers v ON v.id = r.volunteer_id JOIN children c ON c.id = r.child_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_rule(
    conn: &mut AnyConnection,
    volunteer_id: i64,
    child_id: i64,
    rule: &str,
    note: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO pairing_rules (volunteer_id, child_id, rule, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(volunteer_id)
        .bind(child_id)
        .bind(rule)
        .bind(note)
        .bind(created_by)
        .bind(at)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn find_rule(conn: &mut AnyConnection, id: i64) -> Result<Option<PairingRule>, sqlx::Error> {
    sqlx::query_as(&format!("{RULE_SELECT} WHERE r.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn delete_rule(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM pairing_rules WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn list_rules(conn: &mut AnyConnection) -> Result<Vec<PairingRule>, sqlx::Error> {
    sqlx::query_as(&format!("{RULE_SELECT} ORDER BY r.id")).fetch_all(conn).await
}

// ---- village locations -------------------------------------------------------

/// A village where volunteers or children live, and where it lies when known.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow, ToSchema)]
pub struct VillageLocation {
    pub township_id: i64,
    pub township_name: String,
    pub village: String,
    /// WGS-84 degrees; both or neither
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// volunteers and children registered in the village
    pub volunteers: i64,
    pub children: i64,
}

/// Every village named by a volunteer, a child or a location, with its
/// coordinates if any; optionally of one township.
pub async fn list_villages(db: &Db, township_id: Option<i64>) -> Result<Vec<VillageLocation>, sqlx::Error> {
    let filter = if township_id.is_some() { " WHERE k.township_id = $1" } else { "" };
    let sql = format!(
        "SELECT k.township_id, t.name AS township_name, k.village, l.latitude, l.longitude, \
         (SELECT COUNT(*) FROM volunteers v WHERE v.township_id = k.township_id AND v.village = k.village) AS volunteers, \
         (SELECT COUNT(*) FROM children c WHERE c.township_id = k.township_id AND c.village = k.village) AS children \
         FROM (SELECT township_id, village FROM volunteers UNION SELECT township_id, village FROM children \
               UNION SELECT township_id, village FROM village_locations) k \
         JOIN townships t ON t.id = k.township_id \
         LEFT JOIN village_locations l ON l.township_id = k.township_id AND l.village = k.village{filter} \
         ORDER BY t.name, k.village"
    );
    let query = sqlx::query_as(&sql);
    match township_id {
        Some(t) => query.bind(t).fetch_all(db.pool()).await,
        None => query.fetch_all(db.pool()).await,
    }
}

/// The coordinates of every village on the map: (township, village, latitude, longitude).
pub async fn village_coordinates(conn: &mut AnyConnection) -> Result<Vec<(i64, String, f64, f64)>, sqlx::Error> {
    sqlx::query_as("SELECT township_id, village, latitude, longitude FROM village_locations ORDER BY township_id, village").fetch_all(conn).await
}

/// The coordinates of one village, if it is on the map.
pub async fn find_village_coordinates(conn: &mut AnyConnection, township_id: i64, village: &str) -> Result<Option<(f64, f64)>, sqlx::Error> {
    sqlx::query_as("SELECT latitude, longitude FROM village_locations WHERE township_id = $1 AND village = $2")
        .bind(township_id)
        .bind(village)
        .fetch_optional(conn)
        .await
}

/// Puts a village on the map, or moves it.
pub async fn set_village_location(
    conn: &mut AnyConnection,
    township_id: i64,
    village: &str,
    (latitude, longitude): (f64, f64),
    by: Option<i64>,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO village_locations (township_id, village, latitude, longitude, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (township_id, village) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(township_id)
    .bind(village)
    .bind(latitude)
    .bind(longitude)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Takes a village off the map; false when it was not on it.
pub async fn clear_village_location(conn: &mut AnyConnection, township_id: i64, village: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM village_locations WHERE township_id = $1 AND village = $2").bind(township_id).bind(village).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

// ---- sessions ----------------------------------------------------------------

/// 辅导记录
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct TutoringSession {
    pub id: i64,
    pub pairing_id: i64,
    pub volunteer_name: String,
    pub child_name: String,
    /// YYYY-MM-DD
    pub held_on: String,
    pub minutes: i64,
    /// online_class, homework, companionship, counselling, epidemic_knowledge
    pub topic: String,
    pub note: String,
    pub created_at: String,
}

const SESSION_SELECT: &str = "SELECT s.id, s.pairing_id, v.name AS volunteer_name, c.name AS child_name, s.held_on, s.minutes, s.topic, s.note, \
    s.created_at FROM tutoring_sessions s JOIN pairings p ON p.id = s.pairing_id JOIN volunteers v ON v.id = p.volunteer_id \
    JOIN children c ON c.id = p.child_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_session(
    conn: &mut AnyConnection,
    pairing_id: i64,
    held_on: &str,
    minutes: i64,
    topic: &str,
    note: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO tutoring_sessions (pairing_id, held_on, minutes, topic, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(pairing_id)
    .bind(held_on)
    .bind(minutes)
    .bind(topic)
    .bind(note)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_session(conn: &mut AnyConnection, id: i64) -> Result<Option<TutoringSession>, sqlx::Error> {
    sqlx::query_as(&format!("{SESSION_SELECT} WHERE s.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_sessions(db: &Db, pairing_id: Option<i64>, volunteer_id: Option<i64>, page: &PageRequest) -> Result<Page<TutoringSession>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(p) = pairing_id {
        c.push("s.pairing_id = {}", p);
    }
    if let Some(v) = volunteer_id {
        c.push("p.volunteer_id = {}", v);
    }
    let from = "FROM tutoring_sessions s JOIN pairings p ON p.id = s.pairing_id";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items = sqlx::query_as_with(&format!("{SESSION_SELECT}{} ORDER BY s.held_on DESC, s.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

// ---- figures -----------------------------------------------------------------

/// The tutoring programme at a glance.
#[derive(Debug, Clone, Copy, Default, Serialize, FromRow, ToSchema)]
pub struct TutoringFigures {
    pub volunteers: i64,
    pub active_volunteers: i64,
    pub children: i64,
    pub priority_children: i64,
    pub accepted: i64,
    pub proposed: i64,
    /// children in a priority category without a live pairing
    pub unpaired_priority: i64,
    pub sessions: i64,
    pub minutes: i64,
}

/// The figures, optionally of one township (by the child's or volunteer's township).
pub async fn figures(db: &Db, township_id: Option<i64>) -> Result<TutoringFigures, sqlx::Error> {
    let (vt, ct) = match township_id {
        Some(_) => (" AND v.township_id = $1", " AND c.township_id = $1"),
        None => ("", ""),
    };
    let sql = format!(
        "SELECT \
         (SELECT COUNT(*) FROM volunteers v WHERE 1 = 1{vt}) AS volunteers, \
         (SELECT COUNT(*) FROM volunteers v WHERE v.active = 1{vt}) AS active_volunteers, \
         (SELECT COUNT(*) FROM children c WHERE 1 = 1{ct}) AS children, \
         (SELECT COUNT(*) FROM children c WHERE c.category <> 'other'{ct}) AS priority_children, \
         (SELECT COUNT(*) FROM pairings p JOIN children c ON c.id = p.child_id WHERE p.status = 'accepted'{ct}) AS accepted, \
         (SELECT COUNT(*) FROM pairings p JOIN children c ON c.id = p.child_id WHERE p.status = 'proposed'{ct}) AS proposed, \
         (SELECT COUNT(*) FROM children c WHERE c.category <> 'other'{ct} \
            AND NOT EXISTS (SELECT 1 FROM pairings p WHERE p.child_id = c.id AND p.status <> 'ended')) AS unpaired_priority, \
         (SELECT COUNT(*) FROM tutoring_sessions s JOIN pairings p ON p.id = s.pairing_id JOIN children c ON c.id = p.child_id WHERE 1 = 1{ct}) AS sessions, \
         (SELECT CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) FROM tutoring_sessions s JOIN pairings p ON p.id = s.pairing_id \
            JOIN children c ON c.id = p.child_id WHERE 1 = 1{ct}) AS minutes"
    );
    let query = sqlx::query_as(&sql);
    match township_id {
        Some(t) => query.bind(t).fetch_one(db.pool()).await,
        None => query.fetch_one(db.pool()).await,
    }
}

/// Pairings that existed at `until` (a UTC instant, the end of a day): made
/// before it and not ended by then (the briefing's "目前结对" as of its day).
pub async fn pairings_at(db: &Db, until: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM pairings WHERE created_at < $1 AND (ended_at IS NULL OR ended_at >= $1)").bind(until).fetch_one(db.pool()).await
}
