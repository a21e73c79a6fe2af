//! Status reports, the green list and its service teams, commitments and spot
//! checks, and the settings they read.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Conditions, Page, PageRequest};
use super::{Db, StoreError};
use crate::domain::resumption::StatusReport;

// ---- status reports --------------------------------------------------------

/// A day's report, with the enterprise's name.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct ReportRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub township_id: i64,
    /// YYYY-MM-DD
    pub report_date: String,
    /// not_resumed, resumed, full_production
    pub status: String,
    pub workers_back: i64,
    pub workers_total: i64,
    pub capacity_pct: i64,
    pub note: String,
    pub created_at: String,
}

const REPORT_SELECT: &str = "SELECT r.id, r.enterprise_id, e.name AS enterprise_name, e.township_id, r.report_date, r.status, r.workers_back, \
    r.workers_total, r.capacity_pct, r.note, r.created_at FROM status_reports r JOIN enterprises e ON e.id = r.enterprise_id";

pub async fn find_report(conn: &mut AnyConnection, enterprise_id: i64, day: &str) -> Result<Option<ReportRow>, sqlx::Error> {
    sqlx::query_as(&format!("{REPORT_SELECT} WHERE r.enterprise_id = $1 AND r.report_date = $2")).bind(enterprise_id).bind(day).fetch_optional(conn).await
}

/// Writes the day's report, replacing an earlier one of the same day.
pub async fn put_report(conn: &mut AnyConnection, enterprise_id: i64, day: &str, r: &StatusReport, by: Option<i64>, at: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM status_reports WHERE enterprise_id = $1 AND report_date = $2").bind(enterprise_id).bind(day).execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO status_reports (enterprise_id, report_date, status, workers_back, workers_total, capacity_pct, note, reported_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(enterprise_id)
    .bind(day)
    .bind(r.status.code())
    .bind(r.workers_back)
    .bind(r.workers_total)
    .bind(r.capacity_pct)
    .bind(&r.note)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Which reports a list shows (the use case sets the scope).
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub enterprise_id: Option<i64>,
    pub township_id: Option<i64>,
    pub kind: Option<String>,
    pub industry: Option<String>,
    pub status: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub only_cadre: Option<i64>,
}

fn report_conditions(f: &ReportFilter) -> Conditions {
    let mut c = Conditions::default();
    // enterprise conditions name `e`, so they serve the enterprise count too
    if let Some(e) = f.enterprise_id {
        c.push("e.id = {}", e);
    }
    if let Some(t) = f.township_id {
        c.push("e.township_id = {}", t);
    }
    if let Some(k) = &f.kind {
        c.push("e.kind = {}", k.as_str());
    }
    if let Some(i) = &f.industry {
        c.push("e.industry = {}", i.as_str());
    }
    if let Some(s) = &f.status {
        c.push("r.status = {}", s.as_str());
    }
    if let Some(d) = &f.from {
        c.push("r.report_date >= {}", d.as_str());
    }
    if let Some(d) = &f.to {
        c.push("r.report_date <= {}", d.as_str());
    }
    if let Some(cadre) = f.only_cadre {
        c.push("e.id IN (SELECT enterprise_id FROM officer_assignments WHERE cadre_id = {} AND ended_on IS NULL)", cadre);
    }
    c
}

pub async fn list_reports(db: &Db, f: &ReportFilter, page: &PageRequest) -> Result<Page<ReportRow>, sqlx::Error> {
    let c = report_conditions(f);
    let total: i64 =
        sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM status_reports r JOIN enterprises e ON e.id = r.enterprise_id{}", c.where_sql()), c.args())
            .fetch_one(db.pool())
            .await?;
    let (limit, args) = c.limit_sql(page);
    let items = sqlx::query_as_with(&format!("{REPORT_SELECT}{} ORDER BY r.report_date DESC, e.name{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Every report of the scope up to `to` (the series carries the latest forward).
pub async fn reports_until(db: &Db, f: &ReportFilter, to: &str) -> Result<Vec<ReportRow>, sqlx::Error> {
    let f = ReportFilter { to: Some(to.to_string()), from: None, ..f.clone() };
    let c = report_conditions(&f);
    sqlx::query_as_with(&format!("{REPORT_SELECT}{} ORDER BY r.report_date", c.where_sql()), c.args()).fetch_all(db.pool()).await
}

/// Enterprises in scope that have no report on `day`.
pub async fn missing_reports(
    db: &Db,
    township_id: Option<i64>,
    only_cadre: Option<i64>,
    day: &str,
    page: &PageRequest,
) -> Result<Page<(i64, String)>, sqlx::Error> {
    let mut c = Conditions::default();
    c.push("NOT EXISTS (SELECT 1 FROM status_reports r WHERE r.enterprise_id = e.id AND r.report_date = {})", day);
    if let Some(t) = township_id {
        c.push("e.township_id = {}", t);
    }
    if let Some(cadre) = only_cadre {
        c.push("e.id IN (SELECT enterprise_id FROM officer_assignments WHERE cadre_id = {} AND ended_on IS NULL)", cadre);
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM enterprises e{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items: Vec<(i64, String)> =
        sqlx::query_as_with(&format!("SELECT e.id, e.name FROM enterprises e{} ORDER BY e.name{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// How many enterprises a scope has (the same scope fields as the reports).
pub async fn count_enterprises(db: &Db, f: &ReportFilter) -> Result<i64, sqlx::Error> {
    let scope = ReportFilter { status: None, from: None, to: None, ..f.clone() };
    let c = report_conditions(&scope);
    sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM enterprises e{}", c.where_sql()), c.args()).fetch_one(db.pool()).await
}

// ---- the resumption tallies (kept by triggers: migrations/*/…_aggregates.sql) --

/// Sums of the tallied deltas, or the figures they add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TallySums {
    pub known: i64,
    pub resumed: i64,
    pub full_production: i64,
    pub workers_back: i64,
    pub workers_total: i64,
    /// reports filed on the day (not summed over days)
    pub reports: i64,
}

impl TallySums {
    /// Adds a day's deltas to running figures (the day's reports replace the count).
    pub fn carry(&mut self, day: &TallySums) {
        self.known += day.known;
        self.resumed += day.resumed;
        self.full_production += day.full_production;
        self.workers_back += day.workers_back;
        self.workers_total += day.workers_total;
        self.reports = day.reports;
    }
}

type SumsRow = (i64, i64, i64, i64, i64, i64);

fn sums((known, resumed, full_production, workers_back, workers_total, reports): SumsRow) -> TallySums {
    TallySums { known, resumed, full_production, workers_back, workers_total, reports }
}

/// True when a scope is one the tallies answer: the zone, a township, an
/// industry or a kind zone-wide (or an industry and a kind). Narrower scopes
/// (one enterprise, an officer's enterprises, a township's industry or kind)
/// are counted from their own reports.
pub fn tallied(f: &ReportFilter) -> bool {
    f.enterprise_id.is_none() && f.only_cadre.is_none() && !(f.township_id.is_some() && (f.industry.is_some() || f.kind.is_some()))
}

/// The tally that holds a tallied scope's groups, and the scope's conditions.
fn tally_source(f: &ReportFilter) -> (&'static str, Conditions) {
    let mut c = Conditions::default();
    let table = match f.township_id {
        Some(t) => {
            c.push("township_id = {}", t);
            "resumption_township_tally"
        }
        None if f.industry.is_some() || f.kind.is_some() => "resumption_industry_tally",
        None => "resumption_zone_tally",
    };
    if let Some(i) = &f.industry {
        c.push("industry = {}", i.as_str());
    }
    if let Some(k) = &f.kind {
        c.push("kind = {}", k.as_str());
    }
    (table, c)
}

const SUMS: &str = "CAST(COALESCE(SUM(known), 0) AS BIGINT), CAST(COALESCE(SUM(resumed), 0) AS BIGINT), \
    CAST(COALESCE(SUM(full_production), 0) AS BIGINT), CAST(COALESCE(SUM(workers_back), 0) AS BIGINT), \
    CAST(COALESCE(SUM(workers_total), 0) AS BIGINT), CAST(COALESCE(SUM(reports), 0) AS BIGINT)";

/// A scope's tallied deltas for a period: their sum over every day before
/// `from` (the figures of the day before), and each day's of `from..=to` that
/// has any, in order. Reads the days of the history, never its reports.
pub async fn tally_series(db: &Db, f: &ReportFilter, from: &str, to: &str) -> Result<(TallySums, Vec<(String, TallySums)>), sqlx::Error> {
    let (table, mut before) = tally_source(f);
    let mut during = tally_source(f).1;
    before.push("day < {}", from);
    during.push("day >= {}", from).push("day <= {}", to);
    let base: SumsRow = sqlx::query_as_with(&format!("SELECT {SUMS} FROM {table}{}", before.where_sql()), before.args()).fetch_one(db.pool()).await?;
    let days: Vec<(String, i64, i64, i64, i64, i64, i64)> =
        sqlx::query_as_with(&format!("SELECT day, {SUMS} FROM {table}{} GROUP BY day ORDER BY day", during.where_sql()), during.args())
            .fetch_all(db.pool())
            .await?;
    let days = days.into_iter().map(|(day, k, r, fp, wb, wt, n)| (day, sums((k, r, fp, wb, wt, n)))).collect();
    Ok((sums(base), days))
}

/// How many enterprises a tallied scope has: the zone's and a township's from
/// the township totals, the rest counted.
pub async fn tally_enterprises(db: &Db, f: &ReportFilter) -> Result<i64, sqlx::Error> {
    match (f.township_id, f.industry.is_some() || f.kind.is_some()) {
        (None, false) => sqlx::query_scalar("SELECT CAST(COALESCE(SUM(enterprises), 0) AS BIGINT) FROM resumption_township_totals").fetch_one(db.pool()).await,
        (Some(t), false) => {
            let n: Option<i64> =
                sqlx::query_scalar("SELECT enterprises FROM resumption_township_totals WHERE township_id = $1").bind(t).fetch_optional(db.pool()).await?;
            Ok(n.unwrap_or(0))
        }
        _ => count_enterprises(db, f).await,
    }
}

/// The figures of every township (or of one) on `day`, by township id, with
/// its number of enterprises: each township's totals (every enterprise's
/// latest report) less its deltas after the day. One query, a seek per
/// township into its deltas from the day on (none after today).
pub async fn township_figures_on(db: &Db, day: &str, township_id: Option<i64>) -> Result<Vec<(i64, i64, TallySums)>, sqlx::Error> {
    let only = if township_id.is_some() { " WHERE t.township_id = $2" } else { "" };
    let after = |column: &str| format!("t.{column} - CAST(COALESCE(SUM(CASE WHEN s.day > $1 THEN s.{column} ELSE 0 END), 0) AS BIGINT)");
    let sql = format!(
        "SELECT t.township_id, t.enterprises, {}, {}, {}, {}, {}, CAST(COALESCE(SUM(CASE WHEN s.day = $1 THEN s.reports ELSE 0 END), 0) AS BIGINT) \
         FROM resumption_township_totals t LEFT JOIN resumption_township_tally s ON s.township_id = t.township_id AND s.day >= $1{only} \
         GROUP BY t.township_id, t.enterprises, t.known, t.resumed, t.full_production, t.workers_back, t.workers_total",
        after("known"),
        after("resumed"),
        after("full_production"),
        after("workers_back"),
        after("workers_total"),
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64, i64, i64, i64, i64, i64)>(&sql).bind(day);
    if let Some(t) = township_id {
        query = query.bind(t);
    }
    let rows = query.fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(|(t, enterprises, k, r, fp, wb, wt, n)| (t, enterprises, sums((k, r, fp, wb, wt, n)))).collect())
}

/// One bar of the dashboard's township chart.
#[derive(Debug, Clone, FromRow)]
pub struct TownshipBar {
    pub township_id: i64,
    pub name: String,
    pub enterprises: i64,
    pub resumed: i64,
    /// how many townships there are in all (the chart may show fewer)
    pub townships: i64,
}

/// The `limit` townships with the most enterprises not resumed on `day` (then
/// by id), every township counted whether it has enterprises or not. A
/// province has thousands of townships: a chart of all of them is unreadable,
/// and fetching them all cost more than the rest of the dashboard.
pub async fn township_bars_on(db: &Db, day: &str, township_id: Option<i64>, limit: i64) -> Result<Vec<TownshipBar>, sqlx::Error> {
    let only = if township_id.is_some() { " WHERE tw.id = $3" } else { "" };
    let sql = format!(
        "SELECT township_id, name, enterprises, resumed, townships FROM (\
             SELECT tw.id AS township_id, tw.name, COALESCE(t.enterprises, 0) AS enterprises, \
                 COALESCE(t.resumed, 0) - CAST(COALESCE(SUM(s.resumed), 0) AS BIGINT) AS resumed, COUNT(*) OVER () AS townships \
             FROM townships tw LEFT JOIN resumption_township_totals t ON t.township_id = tw.id \
             LEFT JOIN resumption_township_tally s ON s.township_id = tw.id AND s.day > $1{only} \
             GROUP BY tw.id, tw.name, t.enterprises, t.resumed) bars \
         ORDER BY enterprises - resumed DESC, township_id LIMIT $2"
    );
    let mut query = sqlx::query_as::<_, TownshipBar>(&sql).bind(day).bind(limit);
    if let Some(t) = township_id {
        query = query.bind(t);
    }
    query.fetch_all(db.pool()).await
}

// ---- green list ------------------------------------------------------------

/// A green-list membership (current or past), with the enterprise's name.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct GreenListEntry {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub added_on: String,
    pub add_reason: String,
    pub removed_on: Option<String>,
    pub remove_reason: Option<String>,
}

const GREEN_SELECT: &str = "SELECT g.id, g.enterprise_id, e.name AS enterprise_name, g.added_on, g.add_reason, g.removed_on, g.remove_reason \
    FROM green_list g JOIN enterprises e ON e.id = g.enterprise_id";

pub async fn is_green_listed(conn: &mut AnyConnection, enterprise_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM green_list WHERE enterprise_id = $1 AND removed_on IS NULL").bind(enterprise_id).fetch_one(conn).await?;
    Ok(n > 0)
}

pub async fn add_to_green_list(conn: &mut AnyConnection, enterprise_id: i64, on: &str, reason: &str, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO green_list (enterprise_id, added_on, add_reason, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(enterprise_id)
        .bind(on)
        .bind(reason)
        .bind(at)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

/// Ends the current membership; false when the enterprise is not listed.
pub async fn remove_from_green_list(conn: &mut AnyConnection, enterprise_id: i64, on: &str, reason: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE green_list SET removed_on = $1, remove_reason = $2 WHERE enterprise_id = $3 AND removed_on IS NULL")
        .bind(on)
        .bind(reason)
        .bind(enterprise_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Which memberships a green-list view shows (the use case sets the scope).
#[derive(Debug, Clone, Copy, Default)]
pub struct GreenFilter {
    /// only current memberships (else the history too)
    pub current_only: bool,
    pub enterprise_id: Option<i64>,
    pub township_id: Option<i64>,
    /// only the enterprises this cadre serves as officer
    pub only_cadre: Option<i64>,
}

/// The current green list, or the whole history, within a scope.
pub async fn list_green_list(db: &Db, f: &GreenFilter, page: &PageRequest) -> Result<Page<GreenListEntry>, sqlx::Error> {
    let mut c = Conditions::default();
    if f.current_only {
        c.push_raw("g.removed_on IS NULL");
    }
    if let Some(e) = f.enterprise_id {
        c.push("g.enterprise_id = {}", e);
    }
    if let Some(t) = f.township_id {
        c.push("e.township_id = {}", t);
    }
    if let Some(cadre) = f.only_cadre {
        c.push("e.id IN (SELECT enterprise_id FROM officer_assignments WHERE cadre_id = {} AND ended_on IS NULL)", cadre);
    }
    let total: i64 =
        sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM green_list g JOIN enterprises e ON e.id = g.enterprise_id{}", c.where_sql()), c.args())
            .fetch_one(db.pool())
            .await?;
    let (limit, args) = c.limit_sql(page);
    let items = sqlx::query_as_with(&format!("{GREEN_SELECT}{} ORDER BY g.removed_on IS NOT NULL, e.name, g.id DESC{limit}", c.where_sql()), args)
        .fetch_all(db.pool())
        .await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Raises the open orders of an enterprise that are of normal priority to
/// high (it was put on the green list), each a new version; the ids, states
/// and departments of the orders raised, for their timelines.
pub async fn raise_open_orders(conn: &mut AnyConnection, enterprise_id: i64, at: &str) -> Result<Vec<(i64, String, Option<i64>)>, sqlx::Error> {
    let raised: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, state, department_id FROM work_orders WHERE enterprise_id = $1 AND priority = 'normal' AND state IN ('submitted', 'assigned', 'in_progress') \
         AND merged_into IS NULL ORDER BY id",
    )
    .bind(enterprise_id)
    .fetch_all(&mut *conn)
    .await?;
    for (id, _, _) in &raised {
        sqlx::query("UPDATE work_orders SET priority = 'high', version = version + 1, updated_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(raised)
}

/// A member of a service team (服务专班).
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct TeamMember {
    pub cadre_id: i64,
    pub cadre_name: String,
    pub department_name: Option<String>,
    pub is_lead: i64,
}

pub async fn service_team(conn: &mut AnyConnection, enterprise_id: i64) -> Result<Vec<TeamMember>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.cadre_id, c.name AS cadre_name, d.name AS department_name, m.is_lead FROM service_team_members m JOIN cadres c ON c.id = m.cadre_id \
         LEFT JOIN departments d ON d.id = c.department_id WHERE m.enterprise_id = $1 ORDER BY m.is_lead DESC, c.name",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await
}

/// Replaces an enterprise's service team.
pub async fn set_service_team(conn: &mut AnyConnection, enterprise_id: i64, members: &[i64], lead: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM service_team_members WHERE enterprise_id = $1").bind(enterprise_id).execute(&mut *conn).await?;
    for cadre in members {
        sqlx::query("INSERT INTO service_team_members (enterprise_id, cadre_id, is_lead) VALUES ($1, $2, $3)")
            .bind(enterprise_id)
            .bind(cadre)
            .bind(i64::from(*cadre == lead))
            .execute(&mut *conn)
            .await
            .map_err(StoreError::classify)?;
    }
    Ok(())
}

/// Writes a setting, adding it when it is not there yet.
pub async fn set_setting(conn: &mut AnyConnection, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// An integer setting, or `default` when unset or unreadable.
pub async fn setting_i64(conn: &mut AnyConnection, key: &str, default: i64) -> Result<i64, sqlx::Error> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(conn).await?;
    Ok(v.and_then(|v| v.trim().parse().ok()).unwrap_or(default))
}

// ---- commitments and spot checks -------------------------------------------

/// A checklist item of the commitment form.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct ChecklistItem {
    pub id: i64,
    pub code: String,
    pub text: String,
    pub sort: i64,
    /// 1 while a commitment must tick it; 0 once deactivated (kept for the
    /// commitments that ticked it)
    pub active: i64,
}

pub async fn active_checklist(conn: &mut AnyConnection) -> Result<Vec<ChecklistItem>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, text, sort, active FROM checklist_items WHERE active = 1 ORDER BY sort, id").fetch_all(conn).await
}

/// Every checklist item, deactivated ones last.
pub async fn all_checklist(conn: &mut AnyConnection) -> Result<Vec<ChecklistItem>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, text, sort, active FROM checklist_items ORDER BY active DESC, sort, id").fetch_all(conn).await
}

pub async fn find_checklist_item(conn: &mut AnyConnection, id: i64) -> Result<Option<ChecklistItem>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, text, sort, active FROM checklist_items WHERE id = $1").bind(id).fetch_optional(conn).await
}

/// Adds an item; its code is made from the next id (`item7`), since codes
/// only tie commitments to items and an administrator need not invent one.
pub async fn insert_checklist_item(conn: &mut AnyConnection, text: &str, sort: i64) -> Result<i64, StoreError> {
    let next: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM checklist_items").fetch_one(&mut *conn).await?;
    sqlx::query_scalar("INSERT INTO checklist_items (code, text, sort, active) VALUES ($1, $2, $3, 1) RETURNING id")
        .bind(format!("item{next}"))
        .bind(text)
        .bind(sort)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn update_checklist_item(conn: &mut AnyConnection, id: i64, text: &str, sort: i64, active: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE checklist_items SET text = $1, sort = $2, active = $3 WHERE id = $4")
        .bind(text)
        .bind(sort)
        .bind(i64::from(active))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A commitment with its business's name.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct CommitmentRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub township_id: i64,
    pub signer: String,
    pub signed_on: String,
    /// active, suspended
    pub state: String,
    /// the checklist items ticked, as a JSON list of codes
    pub items_json: String,
    pub submitted_at: String,
    pub suspended_at: Option<String>,
    pub suspension_reason: Option<String>,
}

const COMMITMENT_SELECT: &str = "SELECT c.id, c.enterprise_id, e.name AS enterprise_name, e.township_id, c.signer, c.signed_on, c.state, c.items_json, \
    c.submitted_at, c.suspended_at, c.suspension_reason FROM commitments c JOIN enterprises e ON e.id = c.enterprise_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_commitment(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    signer: &str,
    signed_on: &str,
    items_json: &str,
    by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO commitments (enterprise_id, signer, signed_on, state, items_json, submitted_at, created_by) VALUES ($1, $2, $3, 'active', $4, $5, $6) RETURNING id",
    )
    .bind(enterprise_id)
    .bind(signer)
    .bind(signed_on)
    .bind(items_json)
    .bind(at)
    .bind(by)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_commitment(conn: &mut AnyConnection, id: i64) -> Result<Option<CommitmentRow>, sqlx::Error> {
    sqlx::query_as(&format!("{COMMITMENT_SELECT} WHERE c.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_commitments(
    db: &Db,
    enterprise_id: Option<i64>,
    township_id: Option<i64>,
    state: Option<&str>,
    page: &PageRequest,
) -> Result<Page<CommitmentRow>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(e) = enterprise_id {
        c.push("c.enterprise_id = {}", e);
    }
    if let Some(t) = township_id {
        c.push("e.township_id = {}", t);
    }
    if let Some(s) = state {
        c.push("c.state = {}", s);
    }
    let total: i64 =
        sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM commitments c JOIN enterprises e ON e.id = c.enterprise_id{}", c.where_sql()), c.args())
            .fetch_one(db.pool())
            .await?;
    let (limit, args) = c.limit_sql(page);
    let items = sqlx::query_as_with(&format!("{COMMITMENT_SELECT}{} ORDER BY c.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

pub async fn suspend_commitment(conn: &mut AnyConnection, id: i64, reason: &str, at: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE commitments SET state = 'suspended', suspended_at = $1, suspension_reason = $2 WHERE id = $3 AND state = 'active'")
        .bind(at)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Ids of commitments in force that no earlier draw has picked.
pub async fn undrawn_active_commitments(conn: &mut AnyConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT c.id FROM commitments c WHERE c.state = 'active' AND NOT EXISTS (SELECT 1 FROM spot_checks s WHERE s.commitment_id = c.id) ORDER BY c.id",
    )
    .fetch_all(conn)
    .await
}

/// Records a draw with its seed and the population (ids) it drew from.
pub async fn insert_draw(
    conn: &mut AnyConnection,
    at: &str,
    seed: &str,
    share_pct: i64,
    population: &[i64],
    drawn: i64,
    by: Option<i64>,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO spot_check_draws (drawn_at, seed, share_pct, population, drawn, drawn_by, population_json) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(at)
    .bind(seed)
    .bind(share_pct)
    .bind(population.len() as i64)
    .bind(drawn)
    .bind(by)
    .bind(serde_json::to_string(population).unwrap_or_else(|_| "[]".into()))
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

pub async fn insert_spot_check(conn: &mut AnyConnection, draw_id: i64, commitment_id: i64) -> Result<i64, StoreError> {
    sqlx::query_scalar("INSERT INTO spot_checks (draw_id, commitment_id, state) VALUES ($1, $2, 'pending') RETURNING id")
        .bind(draw_id)
        .bind(commitment_id)
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)
}

/// A spot check with what it checks.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct SpotCheckRow {
    pub id: i64,
    pub draw_id: i64,
    pub commitment_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub township_id: i64,
    /// pending, passed, failed
    pub state: String,
    pub checked_on: Option<String>,
    pub inspector: Option<String>,
    pub note: Option<String>,
    pub work_order_id: Option<i64>,
}

const SPOT_SELECT: &str = "SELECT s.id, s.draw_id, s.commitment_id, c.enterprise_id, e.name AS enterprise_name, e.township_id, s.state, s.checked_on, \
    s.inspector, s.note, s.work_order_id FROM spot_checks s JOIN commitments c ON c.id = s.commitment_id JOIN enterprises e ON e.id = c.enterprise_id";

pub async fn find_spot_check(conn: &mut AnyConnection, id: i64) -> Result<Option<SpotCheckRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SPOT_SELECT} WHERE s.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_spot_checks(db: &Db, draw_id: Option<i64>, township_id: Option<i64>, page: &PageRequest) -> Result<Page<SpotCheckRow>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(d) = draw_id {
        c.push("s.draw_id = {}", d);
    }
    if let Some(t) = township_id {
        c.push("e.township_id = {}", t);
    }
    let from = "FROM spot_checks s JOIN commitments c ON c.id = s.commitment_id JOIN enterprises e ON e.id = c.enterprise_id";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{SPOT_SELECT}{} ORDER BY s.state = 'pending' DESC, s.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

pub async fn record_spot_check(
    conn: &mut AnyConnection,
    id: i64,
    passed: bool,
    on: &str,
    inspector: &str,
    note: &str,
    order: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE spot_checks SET state = $1, checked_on = $2, inspector = $3, note = $4, work_order_id = $5 WHERE id = $6 AND state = 'pending'")
            .bind(if passed { "passed" } else { "failed" })
            .bind(on)
            .bind(inspector)
            .bind(note)
            .bind(order)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// On a day: enterprises on the green list, how many of them have a service
/// team, commitments signed by then and spot checks made by then.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct ResumptionCounts {
    pub green_listed: i64,
    pub with_team: i64,
    pub commitments: i64,
    pub spot_checked: i64,
}

/// Green-list memberships that cover `$1`, as `g`.
const LISTED_ON: &str = "FROM green_list g WHERE g.added_on <= $1 AND (g.removed_on IS NULL OR g.removed_on > $1)";

/// Enterprises on the green list on a day (what the dashboard shows of `counts_on`).
pub async fn green_listed_on(db: &Db, day: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) {LISTED_ON}")).bind(day).fetch_one(db.pool()).await
}

pub async fn counts_on(db: &Db, day: &str) -> Result<ResumptionCounts, sqlx::Error> {
    let green_listed = green_listed_on(db, day).await?;
    let with_team: i64 =
        sqlx::query_scalar(&format!("SELECT COUNT(*) {LISTED_ON} AND EXISTS (SELECT 1 FROM service_team_members m WHERE m.enterprise_id = g.enterprise_id)"))
            .bind(day)
            .fetch_one(db.pool())
            .await?;
    let commitments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM commitments WHERE signed_on <= $1").bind(day).fetch_one(db.pool()).await?;
    let spot_checked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM spot_checks WHERE checked_on IS NOT NULL AND checked_on <= $1").bind(day).fetch_one(db.pool()).await?;
    Ok(ResumptionCounts { green_listed, with_team, commitments, spot_checked })
}

// ---- the dashboard's industry bars and green-list panel --------------------

/// One bar of the dashboard's industry chart: the enterprises of an industry
/// that had reported by the day, and of them those resumed.
#[derive(Debug, Clone, FromRow)]
pub struct IndustryBar {
    pub industry: String,
    pub known: i64,
    pub resumed: i64,
    /// how many industries there are in all (the chart may show fewer)
    pub industries: i64,
}

/// The `limit` industries with the most reporting enterprises not resumed on
/// `day` (then by name). Zone-wide from the industry tally (its days up to
/// `day`, never the reports); a township's counted from its own enterprises'
/// latest reports, as the tallies hold no township × industry figures.
///
/// Counts enterprises that have reported: the registry's industry counts
/// would need a scan of every enterprise, which the dashboard cannot afford at
/// a province's scale.
pub async fn industry_bars_on(db: &Db, day: &str, township_id: Option<i64>, limit: i64) -> Result<Vec<IndustryBar>, sqlx::Error> {
    match township_id {
        None => {
            sqlx::query_as(
                "SELECT industry, CAST(SUM(known) AS BIGINT) AS known, CAST(SUM(resumed) AS BIGINT) AS resumed, COUNT(*) OVER () AS industries \
                 FROM resumption_industry_tally WHERE day <= $1 GROUP BY industry HAVING SUM(known) > 0 \
                 ORDER BY SUM(known) - SUM(resumed) DESC, industry LIMIT $2",
            )
            .bind(day)
            .bind(limit)
            .fetch_all(db.pool())
            .await
        }
        Some(t) => {
            sqlx::query_as(
                "SELECT e.industry, COUNT(*) AS known, CAST(SUM(CASE WHEN r.status <> 'not_resumed' THEN 1 ELSE 0 END) AS BIGINT) AS resumed, \
                 COUNT(*) OVER () AS industries \
                 FROM enterprises e JOIN status_reports r ON r.enterprise_id = e.id AND r.report_date = \
                     (SELECT MAX(l.report_date) FROM status_reports l WHERE l.enterprise_id = e.id AND l.report_date <= $1) \
                 WHERE e.township_id = $3 GROUP BY e.industry \
                 ORDER BY COUNT(*) - SUM(CASE WHEN r.status <> 'not_resumed' THEN 1 ELSE 0 END) DESC, e.industry LIMIT $2",
            )
            .bind(day)
            .bind(limit)
            .bind(t)
            .fetch_all(db.pool())
            .await
        }
    }
}

/// Enterprises of one township on the green list on a day (the township
/// dashboard's `green_listed_on`).
pub async fn township_green_listed_on(db: &Db, day: &str, township_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) {LISTED_ON} AND g.enterprise_id IN (SELECT e.id FROM enterprises e WHERE e.township_id = $2)"))
        .bind(day)
        .bind(township_id)
        .fetch_one(db.pool())
        .await
}

/// A green-listed enterprise as the dashboard's short list shows it.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct GreenListBrief {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// the latest status report's status on or before the day (not_resumed, resumed, full_production)
    pub status: Option<String>,
    /// its orders not yet closed
    pub open_orders: i64,
}

/// The first `limit` enterprises on the green list on `day` (of a township,
/// or all): those not resumed first, then those that never reported, then by
/// name. A seek per listed enterprise for its latest report; its open orders
/// are counted for the `limit` chosen only (a province lists thousands, and
/// counting each one's orders cost more than the rest of the dashboard).
pub async fn green_list_brief(db: &Db, day: &str, township_id: Option<i64>, limit: i64) -> Result<Vec<GreenListBrief>, sqlx::Error> {
    let only = if township_id.is_some() { " AND e.township_id = $3" } else { "" };
    // the latest status as a rank (0 not resumed, 1 no report, 2 resumed, 3 full production):
    // one seek per enterprise, sorted by its alias so that it is not sought twice
    let sql = format!(
        "SELECT l.enterprise_id, l.enterprise_name, \
             CASE l.status_rank WHEN 0 THEN 'not_resumed' WHEN 2 THEN 'resumed' WHEN 3 THEN 'full_production' END AS status, \
             (SELECT COUNT(*) FROM work_orders o WHERE o.enterprise_id = l.enterprise_id AND o.state <> 'closed') AS open_orders \
         FROM (SELECT g.enterprise_id, e.name AS enterprise_name, \
                 COALESCE((SELECT CASE r.status WHEN 'not_resumed' THEN 0 WHEN 'resumed' THEN 2 ELSE 3 END FROM status_reports r \
                     WHERE r.enterprise_id = g.enterprise_id AND r.report_date <= $1 ORDER BY r.report_date DESC LIMIT 1), 1) AS status_rank \
             FROM green_list g JOIN enterprises e ON e.id = g.enterprise_id \
             WHERE g.added_on <= $1 AND (g.removed_on IS NULL OR g.removed_on > $1){only} \
             ORDER BY status_rank, enterprise_name, enterprise_id LIMIT $2) l \
         ORDER BY l.status_rank, l.enterprise_name, l.enterprise_id"
    );
    let mut query = sqlx::query_as::<_, GreenListBrief>(&sql).bind(day).bind(limit);
    if let Some(t) = township_id {
        query = query.bind(t);
    }
    query.fetch_all(db.pool()).await
}

// ---- draws and a commitment's history ---------------------------------------

/// A spot-check draw as recorded: when, the seed, the share and the population.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct DrawRow {
    pub id: i64,
    pub drawn_at: String,
    /// the seed of the generator, as a decimal u64
    pub seed: String,
    pub share_pct: i64,
    /// how many commitments were in force and not yet drawn
    pub population: i64,
    /// how many were drawn
    pub drawn: i64,
    /// the ids of the population, as a JSON list (absent for draws made before it was kept)
    pub population_json: Option<String>,
}

const DRAW_SELECT: &str = "SELECT d.id, d.drawn_at, d.seed, d.share_pct, d.population, d.drawn, d.population_json FROM spot_check_draws d";

pub async fn find_draw(conn: &mut AnyConnection, id: i64) -> Result<Option<DrawRow>, sqlx::Error> {
    sqlx::query_as(&format!("{DRAW_SELECT} WHERE d.id = $1")).bind(id).fetch_optional(conn).await
}

/// Draws, newest first.
pub async fn list_draws(db: &Db, page: &PageRequest) -> Result<Page<DrawRow>, sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM spot_check_draws").fetch_one(db.pool()).await?;
    let items =
        sqlx::query_as(&format!("{DRAW_SELECT} ORDER BY d.id DESC LIMIT $1 OFFSET $2")).bind(page.per_page()).bind(page.offset()).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// The commitments a draw picked, in the order the draw picked them (check ids follow it).
pub async fn drawn_commitments(conn: &mut AnyConnection, draw_id: i64) -> Result<Vec<SpotCheckRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SPOT_SELECT} WHERE s.draw_id = $1 ORDER BY s.id")).bind(draw_id).fetch_all(conn).await
}

/// A spot check of one commitment, with its draw's time and seed.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct CommitmentCheck {
    pub id: i64,
    pub draw_id: i64,
    pub drawn_at: String,
    pub seed: String,
    /// pending, passed, failed
    pub state: String,
    pub checked_on: Option<String>,
    pub inspector: Option<String>,
    pub note: Option<String>,
    pub work_order_id: Option<i64>,
}

pub async fn checks_of_commitment(conn: &mut AnyConnection, commitment_id: i64) -> Result<Vec<CommitmentCheck>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.draw_id, d.drawn_at, d.seed, s.state, s.checked_on, s.inspector, s.note, s.work_order_id \
         FROM spot_checks s JOIN spot_check_draws d ON d.id = s.draw_id WHERE s.commitment_id = $1 ORDER BY s.id",
    )
    .bind(commitment_id)
    .fetch_all(conn)
    .await
}

/// An enterprise's latest report on or before a day, if any.
pub async fn latest_report(conn: &mut AnyConnection, enterprise_id: i64, day: &str) -> Result<Option<ReportRow>, sqlx::Error> {
    sqlx::query_as(&format!("{REPORT_SELECT} WHERE r.enterprise_id = $1 AND r.report_date <= $2 ORDER BY r.report_date DESC LIMIT 1"))
        .bind(enterprise_id)
        .bind(day)
        .fetch_optional(conn)
        .await
}

/// The industries enterprises are registered under (for a filter), at most `limit`.
pub async fn industries(db: &Db, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT industry FROM enterprises WHERE industry <> '' ORDER BY industry LIMIT $1").bind(limit).fetch_all(db.pool()).await
}

/// The business's next commitment after `after_id` (its reopening after a
/// suspension), if any: its id and when it was submitted.
pub async fn next_commitment(conn: &mut AnyConnection, enterprise_id: i64, after_id: i64) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, submitted_at FROM commitments WHERE enterprise_id = $1 AND id > $2 ORDER BY id LIMIT 1")
        .bind(enterprise_id)
        .bind(after_id)
        .fetch_optional(conn)
        .await
}
