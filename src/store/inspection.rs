//! Campaigns, sites, inspections, findings and their re-inspections, and the
//! campaign's dated tallies (督导检查 / 整改).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Bind, Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError};

// ---- campaigns -----------------------------------------------------------------

/// 专项行动
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// YYYY-MM-DD
    pub started_on: String,
    pub ended_on: Option<String>,
    pub created_at: String,
}

const CAMPAIGN_SELECT: &str = "SELECT id, name, description, started_on, ended_on, created_at FROM campaigns";

pub async fn insert_campaign(
    conn: &mut AnyConnection,
    name: &str,
    description: &str,
    started_on: &str,
    ended_on: Option<&str>,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO campaigns (name, description, started_on, ended_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(name)
        .bind(description)
        .bind(started_on)
        .bind(ended_on)
        .bind(created_by)
        .bind(at)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn find_campaign(conn: &mut AnyConnection, id: i64) -> Result<Option<Campaign>, sqlx::Error> {
    sqlx::query_as(&format!("{CAMPAIGN_SELECT} WHERE id = $1")).bind(id).fetch_optional(conn).await
}

/// Every campaign, the latest first.
pub async fn list_campaigns(db: &Db) -> Result<Vec<Campaign>, sqlx::Error> {
    sqlx::query_as(&format!("{CAMPAIGN_SELECT} ORDER BY started_on DESC, id DESC")).fetch_all(db.pool()).await
}

// ---- sites -----------------------------------------------------------------------

/// 点位
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Site {
    pub id: i64,
    /// residential, village, supermarket, enterprise, river_pond, road, other
    pub kind: String,
    pub township_id: i64,
    pub township_name: String,
    pub name: String,
    pub address: String,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    /// how many inspections it has had
    pub inspections: i64,
    pub created_at: String,
}

const SITE_SELECT: &str = "SELECT s.id, s.kind, s.township_id, t.name AS township_name, s.name, s.address, s.enterprise_id, e.name AS enterprise_name, \
    (SELECT COUNT(*) FROM inspections i WHERE i.site_id = s.id) AS inspections, s.created_at \
    FROM sites s JOIN townships t ON t.id = s.township_id LEFT JOIN enterprises e ON e.id = s.enterprise_id";

/// The checked fields of a new site.
#[derive(Debug, Clone)]
pub struct NewSite<'a> {
    pub kind: &'a str,
    pub township_id: i64,
    pub name: &'a str,
    pub address: &'a str,
    pub enterprise_id: Option<i64>,
}

pub async fn insert_site(conn: &mut AnyConnection, s: &NewSite<'_>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO sites (kind, township_id, name, address, enterprise_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(s.kind)
        .bind(s.township_id)
        .bind(s.name)
        .bind(s.address)
        .bind(s.enterprise_id)
        .bind(at)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn find_site(conn: &mut AnyConnection, id: i64) -> Result<Option<Site>, sqlx::Error> {
    sqlx::query_as(&format!("{SITE_SELECT} WHERE s.id = $1")).bind(id).fetch_optional(conn).await
}

/// Which sites a list shows.
#[derive(Debug, Clone, Default)]
pub struct SiteFilter {
    pub kind: Option<String>,
    pub township_id: Option<i64>,
    /// part of the name or address
    pub q: Option<String>,
}

pub async fn list_sites(db: &Db, f: &SiteFilter, page: &PageRequest) -> Result<Page<Site>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(k) = &f.kind {
        c.push("s.kind = {}", k.as_str());
    }
    if let Some(t) = f.township_id {
        c.push("s.township_id = {}", t);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(s.name LIKE {} ESCAPE '\\' OR s.address LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM sites s{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{SITE_SELECT}{} ORDER BY s.township_id, s.kind, s.name, s.id{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

// ---- inspections -------------------------------------------------------------------

/// 督导检查: one visit of a site in a campaign.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub site_id: i64,
    pub site_name: String,
    /// the site's kind
    pub site_kind: String,
    pub township_id: i64,
    pub township_name: String,
    /// YYYY-MM-DD
    pub inspected_on: String,
    pub inspectors: String,
    /// passed, problems
    pub result: String,
    pub notes: String,
    /// how many problems it found
    pub findings: i64,
    pub created_by: Option<i64>,
    pub created_at: String,
}

const INSPECTION_SELECT: &str = "SELECT i.id, i.campaign_id, c.name AS campaign_name, i.site_id, s.name AS site_name, s.kind AS site_kind, \
    i.township_id, t.name AS township_name, i.inspected_on, i.inspectors, i.result, i.notes, \
    (SELECT COUNT(*) FROM inspection_findings f WHERE f.inspection_id = i.id) AS findings, i.created_by, i.created_at \
    FROM inspections i JOIN campaigns c ON c.id = i.campaign_id JOIN sites s ON s.id = i.site_id JOIN townships t ON t.id = i.township_id";

/// The checked fields of a new inspection.
#[derive(Debug, Clone)]
pub struct NewInspection<'a> {
    pub campaign_id: i64,
    pub site_id: i64,
    pub township_id: i64,
    pub inspected_on: &'a str,
    pub inspectors: &'a str,
    pub result: &'a str,
    pub notes: &'a str,
    pub created_by: Option<i64>,
}

pub async fn insert_inspection(conn: &mut AnyConnection, i: &NewInspection<'_>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO inspections (campaign_id, site_id, township_id, inspected_on, inspectors, result, notes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(i.campaign_id)
    .bind(i.site_id)
    .bind(i.township_id)
    .bind(i.inspected_on)
    .bind(i.inspectors)
    .bind(i.result)
    .bind(i.notes)
    .bind(i.created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_inspection(conn: &mut AnyConnection, id: i64) -> Result<Option<Inspection>, sqlx::Error> {
    sqlx::query_as(&format!("{INSPECTION_SELECT} WHERE i.id = $1")).bind(id).fetch_optional(conn).await
}

/// Which inspections a list shows: filters plus the row scope the use case sets.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub campaign_id: Option<i64>,
    pub site_id: Option<i64>,
    pub township_id: Option<i64>,
    pub result: Option<String>,
    /// YYYY-MM-DD, inclusive
    pub from: Option<String>,
    pub to: Option<String>,
    /// scope: only inspections with a finding whose order this department holds
    pub department_id: Option<i64>,
}

fn inspection_conditions(f: &InspectionFilter) -> Conditions {
    let mut c = Conditions::default();
    if let Some(v) = f.campaign_id {
        c.push("i.campaign_id = {}", v);
    }
    if let Some(v) = f.site_id {
        c.push("i.site_id = {}", v);
    }
    if let Some(v) = f.township_id {
        c.push("i.township_id = {}", v);
    }
    if let Some(v) = &f.result {
        c.push("i.result = {}", v.as_str());
    }
    if let Some(v) = &f.from {
        c.push("i.inspected_on >= {}", v.as_str());
    }
    if let Some(v) = &f.to {
        c.push("i.inspected_on <= {}", v.as_str());
    }
    if let Some(d) = f.department_id {
        c.push("EXISTS (SELECT 1 FROM inspection_findings f JOIN work_orders o ON o.id = f.order_id WHERE f.inspection_id = i.id AND o.department_id = {})", d);
    }
    c
}

pub async fn list_inspections(db: &Db, f: &InspectionFilter, page: &PageRequest) -> Result<Page<Inspection>, sqlx::Error> {
    let c = inspection_conditions(f);
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM inspections i{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{INSPECTION_SELECT}{} ORDER BY i.inspected_on DESC, i.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

// ---- findings ------------------------------------------------------------------------

/// 问题: what an inspection found, with its order and the rectification's status.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Finding {
    pub id: i64,
    pub inspection_id: i64,
    pub campaign_id: i64,
    pub site_id: i64,
    pub site_name: String,
    pub site_kind: String,
    pub township_id: i64,
    pub township_name: String,
    /// the day of the inspection that found it
    pub inspected_on: String,
    pub title: String,
    pub description: String,
    pub category_id: i64,
    pub category_code: String,
    pub category_name: String,
    /// the department it was first handed to
    pub department_id: i64,
    pub department_name: String,
    /// the work order filed for it
    pub order_id: Option<i64>,
    /// the order's state: submitted, assigned, in_progress, resolved, closed
    pub order_state: Option<String>,
    /// the department that holds the order now
    pub order_department_id: Option<i64>,
    pub order_department_name: Option<String>,
    pub order_resolve_deadline: Option<String>,
    /// open, verified, not_verified
    pub status: String,
    /// the day of the latest re-inspection
    pub checked_on: Option<String>,
    pub created_at: String,
    pub version: i64,
}

const FINDING_SELECT: &str = "SELECT f.id, f.inspection_id, i.campaign_id, i.site_id, s.name AS site_name, s.kind AS site_kind, i.township_id, \
    t.name AS township_name, i.inspected_on, f.title, f.description, f.category_id, c.code AS category_code, c.name AS category_name, \
    f.department_id, d.name AS department_name, f.order_id, o.state AS order_state, o.department_id AS order_department_id, \
    od.name AS order_department_name, o.resolve_deadline AS order_resolve_deadline, f.status, f.checked_on, f.created_at, f.version \
    FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id JOIN sites s ON s.id = i.site_id \
    JOIN townships t ON t.id = i.township_id JOIN work_order_categories c ON c.id = f.category_id \
    JOIN departments d ON d.id = f.department_id LEFT JOIN work_orders o ON o.id = f.order_id \
    LEFT JOIN departments od ON od.id = o.department_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_finding(
    conn: &mut AnyConnection,
    inspection_id: i64,
    title: &str,
    description: &str,
    category_id: i64,
    department_id: i64,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO inspection_findings (inspection_id, title, description, category_id, department_id, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
    )
    .bind(inspection_id)
    .bind(title)
    .bind(description)
    .bind(category_id)
    .bind(department_id)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// Links a finding to the order filed for it.
pub async fn set_finding_order(conn: &mut AnyConnection, id: i64, order_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE inspection_findings SET order_id = $1 WHERE id = $2").bind(order_id).bind(id).execute(conn).await.map_err(StoreError::classify)?;
    Ok(())
}

pub async fn find_finding(conn: &mut AnyConnection, id: i64) -> Result<Option<Finding>, sqlx::Error> {
    sqlx::query_as(&format!("{FINDING_SELECT} WHERE f.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn findings_of_inspection(conn: &mut AnyConnection, inspection_id: i64) -> Result<Vec<Finding>, sqlx::Error> {
    sqlx::query_as(&format!("{FINDING_SELECT} WHERE f.inspection_id = $1 ORDER BY f.id")).bind(inspection_id).fetch_all(conn).await
}

/// Which findings a list shows.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub campaign_id: Option<i64>,
    pub township_id: Option<i64>,
    /// open, verified, not_verified
    pub status: Option<String>,
    /// scope: the department that holds the finding's order now
    pub department_id: Option<i64>,
    /// only findings whose order the department says is done (waiting for a re-inspection)
    pub awaiting_recheck: bool,
}

pub async fn list_findings(db: &Db, f: &FindingFilter, page: &PageRequest) -> Result<Page<Finding>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(v) = f.campaign_id {
        c.push("i.campaign_id = {}", v);
    }
    if let Some(v) = f.township_id {
        c.push("i.township_id = {}", v);
    }
    if let Some(v) = &f.status {
        c.push("f.status = {}", v.as_str());
    }
    if let Some(v) = f.department_id {
        c.push("o.department_id = {}", v);
    }
    if f.awaiting_recheck {
        c.push_raw("o.state = 'resolved'");
    }
    let from = "FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id LEFT JOIN work_orders o ON o.id = f.order_id";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{FINDING_SELECT}{} ORDER BY i.inspected_on DESC, f.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Records a re-inspection's verdict on the finding if it is still at `version`.
///
/// # Errors
/// `Stale` when someone changed it first.
pub async fn save_finding_status(conn: &mut AnyConnection, id: i64, version: i64, status: &str, checked_on: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE inspection_findings SET status = $1, checked_on = $2, version = version + 1 WHERE id = $3 AND version = $4")
        .bind(status)
        .bind(checked_on)
        .bind(id)
        .bind(version)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// 复查记录
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Recheck {
    pub id: i64,
    pub finding_id: i64,
    pub checked_on: String,
    pub inspectors: String,
    /// 1 when the rectification was found done
    pub verified: i64,
    pub note: String,
    pub created_at: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_recheck(
    conn: &mut AnyConnection,
    finding_id: i64,
    checked_on: &str,
    inspectors: &str,
    verified: bool,
    note: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO finding_rechecks (finding_id, checked_on, inspectors, verified, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(finding_id)
    .bind(checked_on)
    .bind(inspectors)
    .bind(i64::from(verified))
    .bind(note)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn rechecks_of(conn: &mut AnyConnection, finding_ids: &[i64]) -> Result<Vec<Recheck>, sqlx::Error> {
    if finding_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = Conditions::default();
    let placeholders = vec!["{}"; finding_ids.len()].join(", ");
    c.push_each(&format!("finding_id IN ({placeholders})"), &finding_ids.iter().map(|i| Bind::Int(*i)).collect::<Vec<_>>());
    sqlx::query_as_with(
        &format!("SELECT id, finding_id, checked_on, inspectors, verified, note, created_at FROM finding_rechecks{} ORDER BY id", c.where_sql()),
        c.args(),
    )
    .fetch_all(conn)
    .await
}

// ---- tallies -----------------------------------------------------------------------------

/// One dated campaign figure.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct TallyEntry {
    pub id: i64,
    pub campaign_id: i64,
    pub township_id: Option<i64>,
    pub township_name: Option<String>,
    /// YYYY-MM-DD
    pub entry_on: String,
    /// volunteers, proposal_letters, materials, rectified_residential, rectified_village, rectified_supermarket, refuse_m3, disinfection
    pub kind: String,
    pub quantity: i64,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: String,
    /// set when the entry was voided (作废): it no longer counts
    pub voided_at: Option<String>,
    pub void_reason: String,
}

const TALLY_SELECT: &str = "SELECT y.id, y.campaign_id, y.township_id, t.name AS township_name, y.entry_on, y.kind, y.quantity, y.note, \
    y.created_by, y.created_at, y.voided_at, y.void_reason FROM campaign_tallies y LEFT JOIN townships t ON t.id = y.township_id";

/// The checked fields of a new tally entry.
#[derive(Debug, Clone)]
pub struct NewTally<'a> {
    pub campaign_id: i64,
    pub township_id: Option<i64>,
    pub entry_on: &'a str,
    pub kind: &'a str,
    pub quantity: i64,
    pub note: &'a str,
    pub created_by: Option<i64>,
}

pub async fn insert_tally(conn: &mut AnyConnection, y: &NewTally<'_>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO campaign_tallies (campaign_id, township_id, entry_on, kind, quantity, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(y.campaign_id)
    .bind(y.township_id)
    .bind(y.entry_on)
    .bind(y.kind)
    .bind(y.quantity)
    .bind(y.note)
    .bind(y.created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_tally(conn: &mut AnyConnection, id: i64) -> Result<Option<TallyEntry>, sqlx::Error> {
    sqlx::query_as(&format!("{TALLY_SELECT} WHERE y.id = $1")).bind(id).fetch_optional(conn).await
}

/// Voids an entry; false when it was already void.
pub async fn void_tally(conn: &mut AnyConnection, id: i64, by: Option<i64>, reason: &str, at: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE campaign_tallies SET voided_at = $1, voided_by = $2, void_reason = $3 WHERE id = $4 AND voided_at IS NULL")
        .bind(at)
        .bind(by)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(done.rows_affected() == 1)
}

/// A campaign's entries, the latest day first.
pub async fn list_tallies(db: &Db, campaign_id: i64, township_id: Option<i64>, page: &PageRequest) -> Result<Page<TallyEntry>, sqlx::Error> {
    let mut c = Conditions::default();
    c.push("y.campaign_id = {}", campaign_id);
    if let Some(t) = township_id {
        c.push("y.township_id = {}", t);
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM campaign_tallies y{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items = sqlx::query_as_with(&format!("{TALLY_SELECT}{} ORDER BY y.entry_on DESC, y.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// The sum of each kind's entries (not voided) up to and including `as_of`, for
/// one campaign or all. Kinds without entries are absent.
pub async fn tally_totals(db: &Db, campaign_id: Option<i64>, as_of: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut c = Conditions::default();
    c.push("entry_on <= {}", as_of);
    c.push_raw("voided_at IS NULL");
    if let Some(id) = campaign_id {
        c.push("campaign_id = {}", id);
    }
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast it back to one integer type
    sqlx::query_as_with(&format!("SELECT kind, CAST(SUM(quantity) AS BIGINT) AS total FROM campaign_tallies{} GROUP BY kind", c.where_sql()), c.args())
        .fetch_all(db.pool())
        .await
}

/// Inspection counts up to a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, FromRow, ToSchema)]
pub struct InspectionCounts {
    /// inspections made on or before the day
    pub inspections: i64,
    /// distinct sites they covered
    pub sites: i64,
    /// problems they found
    pub findings: i64,
    /// of those, problems whose order had been assigned (交办) by the end of the day
    pub assigned: i64,
}

/// Counts for one campaign or all, up to `as_of` (a local date); `assigned_before`
/// is the UTC timestamp at which the day after `as_of` begins.
///
/// The orders are asked about per finding (EXISTS), not joined: with few
/// findings and a million orders SQLite's planner led a join with the orders'
/// `first_assigned_at` index and walked it whole (59 ms of a 160 ms briefing).
pub async fn inspection_counts(db: &Db, campaign_id: Option<i64>, as_of: &str, assigned_before: &str) -> Result<InspectionCounts, sqlx::Error> {
    let campaign = if campaign_id.is_some() { " AND i.campaign_id = $3" } else { "" };
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM inspections i WHERE i.inspected_on <= $1{campaign}) AS inspections, \
         (SELECT COUNT(DISTINCT i.site_id) FROM inspections i WHERE i.inspected_on <= $1{campaign}) AS sites, \
         (SELECT COUNT(*) FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id WHERE i.inspected_on <= $1{campaign}) AS findings, \
         (SELECT COUNT(*) FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id WHERE i.inspected_on <= $1{campaign} \
          AND EXISTS (SELECT 1 FROM work_orders o WHERE o.id = f.order_id AND o.first_assigned_at < $2)) AS assigned"
    );
    let mut query = sqlx::query_as::<_, InspectionCounts>(&sql).bind(as_of).bind(assigned_before);
    if let Some(id) = campaign_id {
        query = query.bind(id);
    }
    query.fetch_one(db.pool()).await
}
