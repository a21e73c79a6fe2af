//! Key projects (重点项目), their milestones (节点), permits (手续) and dispatch
//! notes (调度记录); the factor needs are work orders linked back by
//! `source = 'project'` and `source_ref`.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;
use utoipa::ToSchema;

use super::query::{Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError};
use crate::domain::policy::serialize_wan;
use crate::domain::project::{MilestoneFields, PermitFields, PermitStatus, ProjectFields};

/// A project with the names of its owner and township and the counts that say
/// whether it is slipping (as of the day the list was asked for).
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Project {
    pub id: i64,
    pub name: String,
    /// construction, real_estate, shantytown, industrial
    pub kind: String,
    pub owner_enterprise_id: i64,
    pub owner_name: String,
    pub township_id: i64,
    pub township_name: String,
    /// total investment, 万元
    #[serde(rename = "investment_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub investment_yuan: i64,
    pub start_on: String,
    pub planned_end_on: String,
    /// 形象进度, 0–100
    pub progress_pct: i64,
    pub location: String,
    pub description: String,
    pub milestones: i64,
    /// milestones whose planned day has passed without them
    pub late_milestones: i64,
    /// permits still undecided after their due day
    pub stalled_permits: i64,
    /// factor needs (work orders) not yet closed
    pub open_needs: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// A date as the YYYY-MM-DD text the store keeps.
pub(crate) fn iso(d: Date) -> String {
    d.format(time::macros::format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// The select of a project as of `today` (a date we format, never user text).
fn project_select(today: Date) -> String {
    let today = iso(today);
    format!(
        "SELECT p.id, p.name, p.kind, p.owner_enterprise_id, e.name AS owner_name, p.township_id, t.name AS township_name, p.investment_yuan, \
         p.start_on, p.planned_end_on, p.progress_pct, p.location, p.description, \
         (SELECT COUNT(*) FROM project_milestones m WHERE m.project_id = p.id) AS milestones, \
         (SELECT COUNT(*) FROM project_milestones m WHERE m.project_id = p.id AND m.actual_on IS NULL AND m.planned_on < '{today}') AS late_milestones, \
         (SELECT COUNT(*) FROM project_permits r WHERE r.project_id = p.id AND r.status IN ('pending', 'in_progress') AND r.due_on < '{today}') AS stalled_permits, \
         (SELECT COUNT(*) FROM work_orders o WHERE o.source = 'project' AND o.source_ref = p.id AND o.state <> 'closed') AS open_needs, \
         p.created_at, p.updated_at, p.version \
         FROM projects p JOIN enterprises e ON e.id = p.owner_enterprise_id JOIN townships t ON t.id = p.township_id"
    )
}

/// Which projects a list shows: filters plus the row scope the use case sets.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub kind: Option<String>,
    pub township_id: Option<i64>,
    pub owner_enterprise_id: Option<i64>,
    /// part of the name
    pub q: Option<String>,
    /// only projects with late milestones or stalled permits
    pub slipping: bool,
    /// scope: only projects whose owner this cadre serves
    pub only_cadre: Option<i64>,
}

impl ProjectFilter {
    fn conditions(&self, today: Date) -> Conditions {
        let mut c = Conditions::default();
        if let Some(k) = &self.kind {
            c.push("p.kind = {}", k.as_str());
        }
        if let Some(t) = self.township_id {
            c.push("p.township_id = {}", t);
        }
        if let Some(e) = self.owner_enterprise_id {
            c.push("p.owner_enterprise_id = {}", e);
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            c.push("p.name LIKE {} ESCAPE '\\'", like_pattern(q));
        }
        if self.slipping {
            let today = iso(today);
            c.push_raw(&format!(
                "(EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = p.id AND m.actual_on IS NULL AND m.planned_on < '{today}') \
                 OR EXISTS (SELECT 1 FROM project_permits r WHERE r.project_id = p.id AND r.status IN ('pending', 'in_progress') AND r.due_on < '{today}'))"
            ));
        }
        if let Some(cadre) = self.only_cadre {
            c.push(
                "EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.enterprise_id = p.owner_enterprise_id AND oa.cadre_id = {} AND oa.ended_on IS NULL)",
                cadre,
            );
        }
        c
    }
}

pub async fn list_projects(db: &Db, f: &ProjectFilter, today: Date, page: &PageRequest) -> Result<Page<Project>, sqlx::Error> {
    let c = f.conditions(today);
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM projects p{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let sql = format!("{}{} ORDER BY p.start_on DESC, p.id DESC{limit}", project_select(today), c.where_sql());
    let items = sqlx::query_as_with(&sql, args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

pub async fn find_project(conn: &mut AnyConnection, id: i64, today: Date) -> Result<Option<Project>, sqlx::Error> {
    sqlx::query_as(&format!("{} WHERE p.id = $1", project_select(today))).bind(id).fetch_optional(conn).await
}

pub async fn insert_project(conn: &mut AnyConnection, f: &ProjectFields, township_id: i64, created_by: Option<i64>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO projects (name, kind, owner_enterprise_id, township_id, investment_yuan, start_on, planned_end_on, progress_pct, location, \
         description, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(&f.name)
    .bind(f.kind.code())
    .bind(f.owner_enterprise_id)
    .bind(township_id)
    .bind(f.investment_yuan)
    .bind(iso(f.start_on))
    .bind(iso(f.planned_end_on))
    .bind(f.progress_pct)
    .bind(&f.location)
    .bind(&f.description)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// # Errors
/// `Stale` when the project is no longer at `version`.
pub async fn update_project(conn: &mut AnyConnection, id: i64, version: i64, f: &ProjectFields, township_id: i64, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE projects SET name = $1, kind = $2, owner_enterprise_id = $3, township_id = $4, investment_yuan = $5, start_on = $6, \
         planned_end_on = $7, progress_pct = $8, location = $9, description = $10, updated_at = $11, version = version + 1 \
         WHERE id = $12 AND version = $13",
    )
    .bind(&f.name)
    .bind(f.kind.code())
    .bind(f.owner_enterprise_id)
    .bind(township_id)
    .bind(f.investment_yuan)
    .bind(iso(f.start_on))
    .bind(iso(f.planned_end_on))
    .bind(f.progress_pct)
    .bind(&f.location)
    .bind(&f.description)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// The earliest milestone day of a project (a new start may not pass it).
pub async fn earliest_milestone(conn: &mut AnyConnection, project_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(d) FROM (SELECT planned_on AS d FROM project_milestones WHERE project_id = $1 \
         UNION ALL SELECT actual_on AS d FROM project_milestones WHERE project_id = $1 AND actual_on IS NOT NULL) x",
    )
    .bind(project_id)
    .fetch_one(conn)
    .await
}

// ---- milestones ----------------------------------------------------------------

/// 节点
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Milestone {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub planned_on: String,
    pub actual_on: Option<String>,
    pub note: String,
    /// calendar days behind, as of today (absent when on time)
    #[sqlx(skip)]
    pub days_late: Option<i64>,
    pub version: i64,
}

const MILESTONE_SELECT: &str = "SELECT id, project_id, name, planned_on, actual_on, note, version FROM project_milestones";

pub async fn list_milestones(conn: &mut AnyConnection, project_id: i64) -> Result<Vec<Milestone>, sqlx::Error> {
    sqlx::query_as(&format!("{MILESTONE_SELECT} WHERE project_id = $1 ORDER BY planned_on, id")).bind(project_id).fetch_all(conn).await
}

pub async fn find_milestone(conn: &mut AnyConnection, id: i64) -> Result<Option<Milestone>, sqlx::Error> {
    sqlx::query_as(&format!("{MILESTONE_SELECT} WHERE id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn insert_milestone(conn: &mut AnyConnection, project_id: i64, f: &MilestoneFields, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO project_milestones (project_id, name, planned_on, actual_on, note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(project_id)
    .bind(&f.name)
    .bind(iso(f.planned_on))
    .bind(f.actual_on.map(iso))
    .bind(&f.note)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// # Errors
/// `Stale` when the milestone is no longer at `version`.
pub async fn update_milestone(conn: &mut AnyConnection, id: i64, version: i64, f: &MilestoneFields, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE project_milestones SET name = $1, planned_on = $2, actual_on = $3, note = $4, updated_at = $5, version = version + 1 \
         WHERE id = $6 AND version = $7",
    )
    .bind(&f.name)
    .bind(iso(f.planned_on))
    .bind(f.actual_on.map(iso))
    .bind(&f.note)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

pub async fn delete_milestone(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM project_milestones WHERE id = $1").bind(id).execute(conn).await.map_err(StoreError::classify)?;
    Ok(())
}

// ---- permits -------------------------------------------------------------------

/// 手续
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Permit {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub authority: String,
    /// pending, in_progress, approved, rejected
    pub status: String,
    pub due_on: String,
    pub decided_on: Option<String>,
    pub note: String,
    /// undecided after its due day, as of today
    #[sqlx(skip)]
    pub stalled: bool,
    pub version: i64,
}

const PERMIT_SELECT: &str = "SELECT id, project_id, name, authority, status, due_on, decided_on, note, version FROM project_permits";

pub async fn list_permits(conn: &mut AnyConnection, project_id: i64) -> Result<Vec<Permit>, sqlx::Error> {
    sqlx::query_as(&format!("{PERMIT_SELECT} WHERE project_id = $1 ORDER BY due_on, id")).bind(project_id).fetch_all(conn).await
}

pub async fn find_permit(conn: &mut AnyConnection, id: i64) -> Result<Option<Permit>, sqlx::Error> {
    sqlx::query_as(&format!("{PERMIT_SELECT} WHERE id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn insert_permit(conn: &mut AnyConnection, project_id: i64, f: &PermitFields, decided_on: Option<&str>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO project_permits (project_id, name, authority, status, due_on, decided_on, note, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(project_id)
    .bind(&f.name)
    .bind(&f.authority)
    .bind(f.status.code())
    .bind(iso(f.due_on))
    .bind(decided_on)
    .bind(&f.note)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// # Errors
/// `Stale` when the permit is no longer at `version`.
pub async fn update_permit(conn: &mut AnyConnection, id: i64, version: i64, f: &PermitFields, decided_on: Option<&str>, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE project_permits SET name = $1, authority = $2, status = $3, due_on = $4, decided_on = $5, note = $6, updated_at = $7, \
         version = version + 1 WHERE id = $8 AND version = $9",
    )
    .bind(&f.name)
    .bind(&f.authority)
    .bind(f.status.code())
    .bind(iso(f.due_on))
    .bind(decided_on)
    .bind(&f.note)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Whether a status code means the permit is still undecided.
pub fn is_open_status(code: &str) -> bool {
    PermitStatus::parse(code).is_some_and(PermitStatus::is_open)
}

// ---- dispatch notes ------------------------------------------------------------

/// 调度记录
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct ProjectNote {
    pub id: i64,
    pub project_id: i64,
    pub noted_on: String,
    pub text: String,
    pub author_name: String,
    pub created_at: String,
}

pub async fn list_notes(conn: &mut AnyConnection, project_id: i64) -> Result<Vec<ProjectNote>, sqlx::Error> {
    sqlx::query_as("SELECT id, project_id, noted_on, text, author_name, created_at FROM project_notes WHERE project_id = $1 ORDER BY noted_on DESC, id DESC")
        .bind(project_id)
        .fetch_all(conn)
        .await
}

pub async fn insert_note(
    conn: &mut AnyConnection,
    project_id: i64,
    noted_on: &str,
    text: &str,
    author: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO project_notes (project_id, noted_on, text, author_name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(project_id)
    .bind(noted_on)
    .bind(text)
    .bind(author)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

// ---- factor needs ----------------------------------------------------------------

/// A factor need (要素保障) of a project: the work order it was raised as.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct FactorNeed {
    pub order_id: i64,
    pub title: String,
    pub category_code: String,
    pub category_name: String,
    /// the order's state: submitted, assigned, in_progress, resolved, closed
    pub state: String,
    pub department_name: Option<String>,
    pub resolve_deadline: Option<String>,
    pub escalated_at: Option<String>,
    pub created_at: String,
}

pub async fn list_factor_needs(conn: &mut AnyConnection, project_id: i64) -> Result<Vec<FactorNeed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id AS order_id, o.title, c.code AS category_code, c.name AS category_name, o.state, d.name AS department_name, o.resolve_deadline, \
         o.escalated_at, o.created_at FROM work_orders o JOIN work_order_categories c ON c.id = o.category_id \
         LEFT JOIN departments d ON d.id = o.department_id WHERE o.source = 'project' AND o.source_ref = $1 ORDER BY o.id DESC",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

// ---- slippage ------------------------------------------------------------------

/// A late milestone or a stalled permit, with its project, for the slippage view.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Slip {
    /// milestone or permit
    pub what: String,
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub owner_name: String,
    pub township_name: String,
    pub name: String,
    /// for a permit: the authority that holds it
    pub authority: Option<String>,
    /// for a permit: pending or in_progress
    pub status: Option<String>,
    /// the planned day (milestone) or the due day (permit)
    pub due_on: String,
    /// calendar days past it, as of today
    #[sqlx(skip)]
    pub days_late: i64,
}

/// Every late milestone and stalled permit of the projects `scope` lets through,
/// the longest overdue first.
pub async fn slippage(db: &Db, scope: &ProjectFilter, today: Date) -> Result<Vec<Slip>, sqlx::Error> {
    let c = scope.conditions(today);
    let t = iso(today);
    let sql = format!(
        "WITH scoped AS (SELECT p.id FROM projects p{}) \
         SELECT 'milestone' AS what, m.id AS id, p.id AS project_id, p.name AS project_name, e.name AS owner_name, tw.name AS township_name, m.name AS name, \
         CAST(NULL AS TEXT) AS authority, CAST(NULL AS TEXT) AS status, m.planned_on AS due_on \
         FROM project_milestones m JOIN projects p ON p.id = m.project_id JOIN enterprises e ON e.id = p.owner_enterprise_id \
         JOIN townships tw ON tw.id = p.township_id WHERE p.id IN (SELECT id FROM scoped) AND m.actual_on IS NULL AND m.planned_on < '{t}' \
         UNION ALL \
         SELECT 'permit' AS what, r.id AS id, p.id AS project_id, p.name AS project_name, e.name AS owner_name, tw.name AS township_name, r.name AS name, \
         r.authority AS authority, r.status AS status, r.due_on AS due_on \
         FROM project_permits r JOIN projects p ON p.id = r.project_id JOIN enterprises e ON e.id = p.owner_enterprise_id \
         JOIN townships tw ON tw.id = p.township_id WHERE p.id IN (SELECT id FROM scoped) AND r.status IN ('pending', 'in_progress') AND r.due_on < '{t}' \
         ORDER BY due_on, project_id, id",
        c.where_sql()
    );
    let args = c.args();
    let mut rows: Vec<Slip> = sqlx::query_as_with(&sql, args).fetch_all(db.pool()).await?;
    for r in &mut rows {
        if let Ok(d) = Date::parse(&r.due_on, time::macros::format_description!("[year]-[month]-[day]")) {
            r.days_late = (today - d).whole_days();
        }
    }
    Ok(rows)
}

/// Key projects as they stood at the end of a day (the briefing).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProjectsOn {
    /// projects recorded by then
    pub projects: i64,
    /// their planned investment, 元
    pub investment_yuan: i64,
    /// milestones reached on or before the day
    pub milestones_done: i64,
    /// milestones whose planned day had passed without them
    pub milestones_late: i64,
}

/// Key projects recorded before `until` (the UTC instant `day` ends) and
/// their milestones as of `day` (YYYY-MM-DD): reached by then, or late then.
pub async fn projects_on(db: &Db, day: &str, until: &str) -> Result<ProjectsOn, sqlx::Error> {
    let (projects, investment_yuan): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(SUM(investment_yuan), 0) AS BIGINT) FROM projects WHERE created_at < $1")
            .bind(until)
            .fetch_one(db.pool())
            .await?;
    let (milestones_done, milestones_late): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN m.actual_on <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN m.planned_on < $1 AND (m.actual_on IS NULL OR m.actual_on > $1) THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM project_milestones m JOIN projects p ON p.id = m.project_id WHERE p.created_at < $2",
    )
    .bind(day)
    .bind(until)
    .fetch_one(db.pool())
    .await?;
    Ok(ProjectsOn { projects, investment_yuan, milestones_done, milestones_late })
}
