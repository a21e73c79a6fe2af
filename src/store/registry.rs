//! Townships, departments, enterprises, cadres and officer assignments.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Bind, Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError, now};
use crate::domain::{EnterpriseFields, EnterpriseKind, TownshipKind};

/// 乡/镇/办
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Township {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: TownshipKindCode,
    pub created_at: String,
    /// optimistic-locking version: send it back with an update
    pub version: i64,
}

/// 职能部门
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Department {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    /// optimistic-locking version: send it back with an update
    pub version: i64,
}

/// 企业, with the names of its township and current chief service officer.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Enterprise {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    #[sqlx(try_from = "String")]
    pub kind: EnterpriseKindCode,
    pub township_id: i64,
    pub township_name: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub headcount: i64,
    /// the current chief service officer (首席服务员), if one is assigned
    pub officer_id: Option<i64>,
    pub officer_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// optimistic-locking version: send it back with an update
    pub version: i64,
}

/// 干部
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Cadre {
    pub id: i64,
    pub name: String,
    /// e.g. 正科级
    pub rank: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub phone: String,
    /// how many enterprises the cadre currently serves as chief service officer
    pub enterprise_count: i64,
    pub created_at: String,
    /// optimistic-locking version: send it back with an update
    pub version: i64,
}

/// An enterprise kind as stored (decoded from its code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(transparent)]
pub struct EnterpriseKindCode(pub EnterpriseKind);

impl TryFrom<String> for EnterpriseKindCode {
    type Error = String;
    fn try_from(code: String) -> Result<Self, String> {
        EnterpriseKind::parse(&code).map(Self).ok_or(code)
    }
}

/// A township kind as stored (decoded from its code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(transparent)]
pub struct TownshipKindCode(pub TownshipKind);

impl TryFrom<String> for TownshipKindCode {
    type Error = String;
    fn try_from(code: String) -> Result<Self, String> {
        TownshipKind::parse(&code).map(Self).ok_or(code)
    }
}

// ---- townships -------------------------------------------------------------

pub async fn list_townships(db: &Db) -> Result<Vec<Township>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, kind, created_at, version FROM townships ORDER BY id").fetch_all(db.pool()).await
}

pub async fn find_township(conn: &mut AnyConnection, id: i64) -> Result<Option<Township>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, kind, created_at, version FROM townships WHERE id = $1").bind(id).fetch_optional(conn).await
}

pub async fn insert_township(conn: &mut AnyConnection, name: &str, kind: TownshipKind) -> Result<Township, StoreError> {
    sqlx::query_as("INSERT INTO townships (name, kind, created_at) VALUES ($1, $2, $3) RETURNING id, name, kind, created_at, version")
        .bind(name)
        .bind(kind.code())
        .bind(now())
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

/// Renames a township or changes its kind, if it is still at `version`.
///
/// # Errors
/// `Stale` when someone else changed it first (or it is gone), `Unique` on a taken name.
pub async fn update_township(conn: &mut AnyConnection, id: i64, version: i64, name: &str, kind: TownshipKind) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE townships SET name = $1, kind = $2, version = version + 1 WHERE id = $3 AND version = $4")
        .bind(name)
        .bind(kind.code())
        .bind(id)
        .bind(version)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

pub async fn delete_township(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM townships WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

// ---- departments -----------------------------------------------------------

pub async fn list_departments(db: &Db) -> Result<Vec<Department>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, created_at, version FROM departments ORDER BY id").fetch_all(db.pool()).await
}

pub async fn find_department(conn: &mut AnyConnection, id: i64) -> Result<Option<Department>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, created_at, version FROM departments WHERE id = $1").bind(id).fetch_optional(conn).await
}

pub async fn insert_department(conn: &mut AnyConnection, name: &str) -> Result<Department, StoreError> {
    sqlx::query_as("INSERT INTO departments (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at, version")
        .bind(name)
        .bind(now())
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

/// Renames a department, if it is still at `version`.
///
/// # Errors
/// `Stale` when someone else changed it first (or it is gone), `Unique` on a taken name.
pub async fn update_department(conn: &mut AnyConnection, id: i64, version: i64, name: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE departments SET name = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(name)
        .bind(id)
        .bind(version)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

pub async fn delete_department(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM departments WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

// ---- enterprises -----------------------------------------------------------

const ENTERPRISE_SELECT: &str = "SELECT e.id, e.name, e.credit_code, e.industry, e.kind, e.township_id, t.name AS township_name, \
     e.address, e.contact_name, e.contact_phone, e.headcount, oa.cadre_id AS officer_id, c.name AS officer_name, \
     e.created_at, e.updated_at, e.version \
     FROM enterprises e JOIN townships t ON t.id = e.township_id \
     LEFT JOIN officer_assignments oa ON oa.enterprise_id = e.id AND oa.ended_on IS NULL \
     LEFT JOIN cadres c ON c.id = oa.cadre_id";

/// Which enterprises a list shows: the caller's filters plus the row scope of
/// the user asking (the use case sets the scope, never the client).
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub township_id: Option<i64>,
    pub kind: Option<EnterpriseKind>,
    /// part of the name or the credit code
    pub q: Option<String>,
    /// only enterprises with (true) or without (false) a current officer
    pub has_officer: Option<bool>,
    /// only enterprises on (true) or off (false) the green list (绿名单) now
    pub green_list: Option<bool>,
    /// scope: only this enterprise
    pub only_enterprise: Option<i64>,
    /// scope: only enterprises this cadre currently serves
    pub only_cadre: Option<i64>,
    pub sort: EnterpriseSort,
}

/// The orders a list of enterprises can be sorted in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EnterpriseSort {
    #[default]
    Name,
    HeadcountDesc,
    Newest,
}

impl EnterpriseSort {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "name" => Some(Self::Name),
            "-headcount" => Some(Self::HeadcountDesc),
            "-created_at" => Some(Self::Newest),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            Self::Name => " ORDER BY e.name, e.id",
            Self::HeadcountDesc => " ORDER BY e.headcount DESC, e.id",
            Self::Newest => " ORDER BY e.id DESC",
        }
    }
}

/// `e` is on the green list now (its membership has not been removed).
const GREEN_LISTED: &str = "EXISTS (SELECT 1 FROM green_list g WHERE g.enterprise_id = e.id AND g.removed_on IS NULL)";

pub async fn list_enterprises(db: &Db, filter: &EnterpriseFilter, page: &PageRequest) -> Result<Page<Enterprise>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(t) = filter.township_id {
        c.push("e.township_id = {}", t);
    }
    if let Some(k) = filter.kind {
        c.push("e.kind = {}", k.code().to_string());
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(e.name LIKE {} ESCAPE '\\' OR e.credit_code LIKE UPPER({}) ESCAPE '\\')", like_pattern(q));
    }
    match filter.has_officer {
        Some(true) => {
            c.push_raw("oa.id IS NOT NULL");
        }
        Some(false) => {
            c.push_raw("oa.id IS NULL");
        }
        None => {}
    }
    match filter.green_list {
        Some(true) => {
            c.push_raw(GREEN_LISTED);
        }
        Some(false) => {
            c.push_raw(&format!("NOT {GREEN_LISTED}"));
        }
        None => {}
    }
    if let Some(id) = filter.only_enterprise {
        c.push("e.id = {}", id);
    }
    if let Some(cadre) = filter.only_cadre {
        c.push("oa.cadre_id = {}", cadre);
    }
    let from = "FROM enterprises e LEFT JOIN officer_assignments oa ON oa.enterprise_id = e.id AND oa.ended_on IS NULL";
    c.fetch_page(db, from, ENTERPRISE_SELECT, filter.sort.order_by(), page).await
}

pub async fn find_enterprise(conn: &mut AnyConnection, id: i64) -> Result<Option<Enterprise>, sqlx::Error> {
    sqlx::query_as(&format!("{ENTERPRISE_SELECT} WHERE e.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn insert_enterprise(conn: &mut AnyConnection, f: &EnterpriseFields) -> Result<i64, StoreError> {
    let at = now();
    sqlx::query_scalar(
        "INSERT INTO enterprises (name, credit_code, industry, kind, township_id, address, contact_name, contact_phone, headcount, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(&f.name)
    .bind(f.credit_code.as_str())
    .bind(&f.industry)
    .bind(f.kind.code())
    .bind(f.township_id)
    .bind(&f.address)
    .bind(&f.contact_name)
    .bind(&f.contact_phone)
    .bind(f.headcount)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// Updates an enterprise if it is still at `version`.
///
/// # Errors
/// `Stale` when someone else changed it first, `NotFound`, or a constraint.
pub async fn update_enterprise(conn: &mut AnyConnection, id: i64, version: i64, f: &EnterpriseFields) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE enterprises SET name = $1, credit_code = $2, industry = $3, kind = $4, township_id = $5, address = $6, \
         contact_name = $7, contact_phone = $8, headcount = $9, updated_at = $10, version = version + 1 \
         WHERE id = $11 AND version = $12",
    )
    .bind(&f.name)
    .bind(f.credit_code.as_str())
    .bind(&f.industry)
    .bind(f.kind.code())
    .bind(f.township_id)
    .bind(&f.address)
    .bind(&f.contact_name)
    .bind(&f.contact_phone)
    .bind(f.headcount)
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

pub async fn delete_enterprise(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM enterprises WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

// ---- cadres and officer assignments ----------------------------------------

const CADRE_SELECT: &str = "SELECT c.id, c.name, c.rank, c.department_id, d.name AS department_name, c.phone, \
     (SELECT COUNT(*) FROM officer_assignments oa WHERE oa.cadre_id = c.id AND oa.ended_on IS NULL) AS enterprise_count, \
     c.created_at, c.version FROM cadres c LEFT JOIN departments d ON d.id = c.department_id";

pub async fn list_cadres(db: &Db, department_id: Option<i64>, page: &PageRequest) -> Result<Page<Cadre>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(d) = department_id {
        c.push("c.department_id = {}", d);
    }
    c.fetch_page(db, "FROM cadres c", CADRE_SELECT, " ORDER BY c.id", page).await
}

pub async fn find_cadre(conn: &mut AnyConnection, id: i64) -> Result<Option<Cadre>, sqlx::Error> {
    sqlx::query_as(&format!("{CADRE_SELECT} WHERE c.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn insert_cadre(conn: &mut AnyConnection, name: &str, rank: &str, department_id: Option<i64>, phone: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO cadres (name, rank, department_id, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(name)
        .bind(rank)
        .bind(department_id)
        .bind(phone)
        .bind(now())
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

/// Changes a cadre's name, rank, home department and phone, if it is still at `version`.
///
/// # Errors
/// `Stale` when someone else changed it first (or it is gone), `ForeignKey` for a missing department.
pub async fn update_cadre(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    name: &str,
    rank: &str,
    department_id: Option<i64>,
    phone: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE cadres SET name = $1, rank = $2, department_id = $3, phone = $4, version = version + 1 WHERE id = $5 AND version = $6")
        .bind(name)
        .bind(rank)
        .bind(department_id)
        .bind(phone)
        .bind(id)
        .bind(version)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// What still refers to a cadre: deleting it would orphan these or lose history.
#[derive(Debug, Clone, Copy, Default)]
pub struct CadreUses {
    /// enterprises it serves now
    pub current_assignments: i64,
    /// assignments that have ended (the officer history)
    pub past_assignments: i64,
    /// accounts bound to the cadre
    pub users: i64,
}

pub async fn cadre_uses(conn: &mut AnyConnection, id: i64) -> Result<CadreUses, sqlx::Error> {
    let (current_assignments, past_assignments, users): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM officer_assignments WHERE cadre_id = $1 AND ended_on IS NULL), \
         (SELECT COUNT(*) FROM officer_assignments WHERE cadre_id = $1 AND ended_on IS NOT NULL), \
         (SELECT COUNT(*) FROM users WHERE cadre_id = $1)",
    )
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(CadreUses { current_assignments, past_assignments, users })
}

/// # Errors
/// `ForeignKey` while anything (visits, service teams, …) still refers to the cadre.
pub async fn delete_cadre(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM cadres WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Starts an assignment of a cadre to an enterprise.
///
/// # Errors
/// `Unique` when the enterprise already has a current officer.
pub async fn insert_officer_assignment(conn: &mut AnyConnection, cadre_id: i64, enterprise_id: i64, started_on: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO officer_assignments (cadre_id, enterprise_id, started_on) VALUES ($1, $2, $3) RETURNING id")
        .bind(cadre_id)
        .bind(enterprise_id)
        .bind(started_on)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

/// True when the cadre currently serves the enterprise.
pub async fn cadre_serves(conn: &mut AnyConnection, cadre_id: i64, enterprise_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM officer_assignments WHERE cadre_id = $1 AND enterprise_id = $2 AND ended_on IS NULL")
        .bind(cadre_id)
        .bind(enterprise_id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// An enterprise a cadre serves now, with the assignment's id and start.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Assignment {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub started_on: String,
}

pub async fn current_assignments(conn: &mut AnyConnection, cadre_id: i64) -> Result<Vec<Assignment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT oa.id, oa.enterprise_id, e.name AS enterprise_name, oa.started_on FROM officer_assignments oa \
         JOIN enterprises e ON e.id = oa.enterprise_id WHERE oa.cadre_id = $1 AND oa.ended_on IS NULL ORDER BY e.name",
    )
    .bind(cadre_id)
    .fetch_all(conn)
    .await
}

/// One assignment of the officer history (首席服务员派驻记录), current or ended.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct AssignmentRecord {
    pub id: i64,
    pub cadre_id: i64,
    pub cadre_name: String,
    pub cadre_rank: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// YYYY-MM-DD
    pub started_on: String,
    /// YYYY-MM-DD; none while the cadre still serves the enterprise
    pub ended_on: Option<String>,
}

/// Which assignments a history shows: of one enterprise, one cadre, or the
/// enterprises of one township (the use case sets the township for a township user).
#[derive(Debug, Clone, Copy, Default)]
pub struct AssignmentFilter {
    pub enterprise_id: Option<i64>,
    pub cadre_id: Option<i64>,
    pub township_id: Option<i64>,
}

/// The officer history, newest first: current assignments and ended ones.
pub async fn list_assignments(db: &Db, filter: &AssignmentFilter, page: &PageRequest) -> Result<Page<AssignmentRecord>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(e) = filter.enterprise_id {
        c.push("oa.enterprise_id = {}", e);
    }
    if let Some(cadre) = filter.cadre_id {
        c.push("oa.cadre_id = {}", cadre);
    }
    if let Some(t) = filter.township_id {
        c.push("e.township_id = {}", t);
    }
    let from = "FROM officer_assignments oa JOIN enterprises e ON e.id = oa.enterprise_id";
    let select = "SELECT oa.id, oa.cadre_id, c.name AS cadre_name, c.rank AS cadre_rank, oa.enterprise_id, e.name AS enterprise_name, \
         oa.started_on, oa.ended_on FROM officer_assignments oa JOIN enterprises e ON e.id = oa.enterprise_id JOIN cadres c ON c.id = oa.cadre_id";
    c.fetch_page(db, from, select, " ORDER BY oa.started_on DESC, oa.id DESC", page).await
}

/// One assignment of the history.
pub async fn find_assignment(conn: &mut AnyConnection, id: i64) -> Result<Option<AssignmentRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT oa.id, oa.cadre_id, c.name AS cadre_name, c.rank AS cadre_rank, oa.enterprise_id, e.name AS enterprise_name, \
         oa.started_on, oa.ended_on FROM officer_assignments oa JOIN enterprises e ON e.id = oa.enterprise_id JOIN cadres c ON c.id = oa.cadre_id \
         WHERE oa.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The enterprises an officer list looks at: all, a township's, a kind's, the green list's.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfficerScope {
    pub township_id: Option<i64>,
    pub kind: Option<EnterpriseKind>,
    pub green_list: bool,
}

impl OfficerScope {
    /// The condition that `e` (an enterprise) is in this scope, with a `{}`
    /// for each of the values that go with it.
    fn enterprise_clause(&self) -> (String, Vec<Bind>) {
        let mut clause = String::from("1 = 1");
        let mut values = Vec::new();
        if let Some(t) = self.township_id {
            clause.push_str(" AND e.township_id = {}");
            values.push(Bind::Int(t));
        }
        if let Some(k) = self.kind {
            clause.push_str(" AND e.kind = {}");
            values.push(Bind::Text(k.code().to_string()));
        }
        if self.green_list {
            clause.push_str(" AND ");
            clause.push_str(GREEN_LISTED);
        }
        (clause, values)
    }
}

/// Cadres that currently serve at least one enterprise of the scope.
pub async fn list_officers(db: &Db, scope: &OfficerScope, page: &PageRequest) -> Result<Page<Cadre>, sqlx::Error> {
    let (clause, values) = scope.enterprise_clause();
    let mut c = Conditions::default();
    c.push_each(
        &format!(
            "EXISTS (SELECT 1 FROM officer_assignments oa JOIN enterprises e ON e.id = oa.enterprise_id \
             WHERE oa.cadre_id = c.id AND oa.ended_on IS NULL AND {clause})"
        ),
        &values,
    );
    c.fetch_page(db, "FROM cadres c", CADRE_SELECT, " ORDER BY c.id", page).await
}

/// The enterprises of the scope a cadre serves now.
pub async fn current_assignments_in(db: &Db, cadre_id: i64, scope: &OfficerScope) -> Result<Vec<Assignment>, sqlx::Error> {
    let (clause, values) = scope.enterprise_clause();
    let mut c = Conditions::default();
    c.push("oa.cadre_id = {}", cadre_id);
    c.push_raw("oa.ended_on IS NULL");
    c.push_each(&clause, &values);
    let sql = format!(
        "SELECT oa.id, oa.enterprise_id, e.name AS enterprise_name, oa.started_on FROM officer_assignments oa \
         JOIN enterprises e ON e.id = oa.enterprise_id{} ORDER BY e.name",
        c.where_sql()
    );
    sqlx::query_as_with(&sql, c.args()).fetch_all(db.pool()).await
}

/// Ends a current assignment; false when there was none with that id.
pub async fn end_officer_assignment(conn: &mut AnyConnection, id: i64, ended_on: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE officer_assignments SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL")
        .bind(ended_on)
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(done.rows_affected() > 0)
}

/// Chief service officers in post on a day: the cadres, those of them 正科级,
/// the enterprises they serve, and of those the foreign-trade ones.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct OfficerCounts {
    pub cadres: i64,
    pub section_chiefs: i64,
    pub enterprises: i64,
    pub foreign_trade: i64,
}

/// Assignments in post on `$1`, as `oa`.
const IN_POST: &str = "oa.started_on <= $1 AND (oa.ended_on IS NULL OR oa.ended_on > $1)";

/// The officer counts of the last few days asked for, with the version of the
/// data they were counted at (migration `…_officer_counts_version.sql`).
#[derive(Debug, Default)]
pub struct OfficerCountsCache {
    counted: std::sync::Mutex<Vec<(String, i64, OfficerCounts)>>,
}

/// Days kept: today's, and a few a leader looks back at.
const COUNTED_DAYS: usize = 8;

impl OfficerCountsCache {
    fn get(&self, day: &str, version: i64) -> Option<OfficerCounts> {
        let counted = self.counted.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        counted.iter().find(|(d, v, _)| d == day && *v == version).map(|(_, _, c)| *c)
    }

    fn put(&self, day: &str, version: i64, counts: OfficerCounts) {
        let mut counted = self.counted.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        counted.retain(|(d, _, _)| d != day);
        if counted.len() == COUNTED_DAYS {
            counted.remove(0);
        }
        counted.push((day.to_string(), version, counts));
    }
}

/// Every count of `OfficerCounts` on a day (the dashboard and the briefing).
///
/// Counted again only when the data they come from changed since (the
/// database's `officers` version, moved by triggers on every such change) or
/// for a day not counted lately. The version is read before counting: a change
/// made during the count moves it, and the next call counts again.
pub async fn officers_on(db: &Db, day: &str) -> Result<OfficerCounts, sqlx::Error> {
    let version: i64 = sqlx::query_scalar("SELECT version FROM data_versions WHERE name = 'officers'").fetch_one(db.pool()).await?;
    if let Some(counts) = db.officer_counts_cache().get(day, version) {
        return Ok(counts);
    }
    let mut counts = officers_in_post(db, day).await?;
    counts.foreign_trade = foreign_trade_served_on(db, day).await?;
    db.officer_counts_cache().put(day, version, counts);
    Ok(counts)
}

/// The cadres in post and the enterprises they serve, counted now
/// (`foreign_trade` left 0).
///
/// Each count seeks through an index instead of scanning every assignment
/// ever made (a province has 100,000): cadres by cadre, the enterprises as the
/// current assignments (one per enterprise, by the unique index) plus those
/// whose officer left after the day.
async fn officers_in_post(db: &Db, day: &str) -> Result<OfficerCounts, sqlx::Error> {
    let (cadres, section_chiefs): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.rank = '正科级' THEN 1 ELSE 0 END), 0) FROM cadres c \
         WHERE EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.cadre_id = c.id AND {IN_POST})"
    ))
    .bind(day)
    .fetch_one(db.pool())
    .await?;
    let current: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM officer_assignments WHERE ended_on IS NULL AND started_on <= $1").bind(day).fetch_one(db.pool()).await?;
    let left_since: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT a.enterprise_id) FROM officer_assignments a WHERE a.ended_on > $1 AND a.started_on <= $1 \
         AND NOT EXISTS (SELECT 1 FROM officer_assignments b WHERE b.enterprise_id = a.enterprise_id AND b.ended_on IS NULL AND b.started_on <= $1)",
    )
    .bind(day)
    .fetch_one(db.pool())
    .await?;
    Ok(OfficerCounts { cadres, section_chiefs, enterprises: current + left_since, foreign_trade: 0 })
}

/// Foreign-trade enterprises with an officer in post, by kind (seeks per enterprise of the kind).
async fn foreign_trade_served_on(db: &Db, day: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM enterprises e WHERE e.kind = 'foreign_trade' \
         AND EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.enterprise_id = e.id AND {IN_POST})"
    ))
    .bind(day)
    .fetch_one(db.pool())
    .await
}

/// `officers_on` for one township: the cadres in post at its enterprises, the
/// 正科级 among them, its enterprises served, and of those the foreign-trade
/// ones. Counted each time (a township's enterprises are few; the cache is
/// the zone's).
pub async fn township_officers_on(db: &Db, day: &str, township_id: i64) -> Result<OfficerCounts, sqlx::Error> {
    // from the township's enterprises (its index), not from every cadre of a province
    let (cadres, section_chiefs): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(DISTINCT c.id), COUNT(DISTINCT CASE WHEN c.rank = '正科级' THEN c.id END) \
         FROM enterprises e JOIN officer_assignments oa ON oa.enterprise_id = e.id JOIN cadres c ON c.id = oa.cadre_id \
         WHERE e.township_id = $2 AND {IN_POST}"
    ))
    .bind(day)
    .bind(township_id)
    .fetch_one(db.pool())
    .await?;
    let (enterprises, foreign_trade): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN e.kind = 'foreign_trade' THEN 1 ELSE 0 END), 0) FROM enterprises e \
         WHERE e.township_id = $2 AND EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.enterprise_id = e.id AND {IN_POST})"
    ))
    .bind(day)
    .bind(township_id)
    .fetch_one(db.pool())
    .await?;
    Ok(OfficerCounts { cadres, section_chiefs, enterprises, foreign_trade })
}
