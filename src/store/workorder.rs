//! Work orders, their timeline, categories, visits, notifications and the
//! aggregates the three rates and the supervision list are computed from.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Bind, Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError, now};
use crate::domain::workorder::RateCounts;

/// An order as stored, with the names of what it refers to.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct WorkOrder {
    pub id: i64,
    /// enterprise, officer_visit, hotline, inspection, project, policy_supervision
    pub source: String,
    /// the id of the visit, inspection, project or policy it came from
    pub source_ref: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub township_id: Option<i64>,
    pub township_name: Option<String>,
    pub category_id: i64,
    pub category_code: String,
    pub category_name: String,
    pub title: String,
    pub description: String,
    /// normal, high, urgent
    pub priority: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub address: String,
    /// submitted, assigned, in_progress, resolved, closed
    pub state: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub first_assigned_at: Option<String>,
    pub assigned_at: Option<String>,
    /// YYYY-MM-DD, local: sign for by the end of this day
    pub sign_deadline: Option<String>,
    pub signed_at: Option<String>,
    pub signed_in_time: Option<i64>,
    /// YYYY-MM-DD, local: resolve by the end of this day
    pub resolve_deadline: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    /// satisfied, basically_satisfied, unsatisfied
    pub rating: Option<String>,
    pub rated_at: Option<String>,
    pub rating_comment: Option<String>,
    pub escalated_at: Option<String>,
    /// sign, resolve or leader: why it was escalated
    pub escalation: Option<String>,
    /// a pending extension request: working days asked for
    pub extension_days: Option<i64>,
    pub extension_reason: Option<String>,
    pub merged_into: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const ORDER_SELECT: &str = "SELECT o.id, o.source, o.source_ref, o.enterprise_id, e.name AS enterprise_name, o.township_id, t.name AS township_name, \
    o.category_id, c.code AS category_code, c.name AS category_name, o.title, o.description, o.priority, o.latitude, o.longitude, o.address, \
    o.state, o.department_id, d.name AS department_name, o.first_assigned_at, o.assigned_at, o.sign_deadline, o.signed_at, o.signed_in_time, \
    o.resolve_deadline, o.resolved_at, o.resolution, o.rating, o.rated_at, o.rating_comment, o.escalated_at, o.escalation, \
    o.extension_days, o.extension_reason, o.merged_into, o.created_by, o.created_at, o.updated_at, o.version \
    FROM work_orders o JOIN work_order_categories c ON c.id = o.category_id \
    LEFT JOIN enterprises e ON e.id = o.enterprise_id LEFT JOIN townships t ON t.id = o.township_id \
    LEFT JOIN departments d ON d.id = o.department_id";

/// The fields of a new order.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    pub source: &'a str,
    pub source_ref: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub township_id: Option<i64>,
    pub category_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub priority: &'a str,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub address: &'a str,
    pub created_by: Option<i64>,
    pub created_at: &'a str,
}

pub async fn insert_order(conn: &mut AnyConnection, o: &NewOrder<'_>) -> Result<i64, StoreError> {
    // Coordinates are bound only when present: sqlx's Any driver declares a NULL
    // float with the wrong PostgreSQL type, which poisons the prepared statement
    // for the next order that has coordinates (sqlx issue 4284).
    let (columns, values) = match (o.latitude, o.longitude) {
        (Some(_), Some(_)) => (", latitude, longitude", ", $13, $14"),
        _ => ("", ""),
    };
    let sql = format!(
        "INSERT INTO work_orders (source, source_ref, enterprise_id, township_id, category_id, title, description, priority, address, state, \
         created_by, created_at, updated_at{columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'submitted', $10, $11, $12{values}) RETURNING id"
    );
    let mut query = sqlx::query_scalar(&sql)
        .bind(o.source)
        .bind(o.source_ref)
        .bind(o.enterprise_id)
        .bind(o.township_id)
        .bind(o.category_id)
        .bind(o.title)
        .bind(o.description)
        .bind(o.priority)
        .bind(o.address)
        .bind(o.created_by)
        .bind(o.created_at)
        .bind(o.created_at);
    if let (Some(lat), Some(long)) = (o.latitude, o.longitude) {
        query = query.bind(lat).bind(long);
    }
    query.fetch_one(conn).await.map_err(StoreError::classify)
}

pub async fn find_order(conn: &mut AnyConnection, id: i64) -> Result<Option<WorkOrder>, sqlx::Error> {
    sqlx::query_as(&format!("{ORDER_SELECT} WHERE o.id = $1")).bind(id).fetch_optional(conn).await
}

/// Writes every mutable column of `o` if the stored order is still at `o.version`
/// (and bumps the version).
///
/// # Errors
/// `Stale` when someone changed it first.
pub async fn save_order(conn: &mut AnyConnection, o: &WorkOrder, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE work_orders SET state = $1, department_id = $2, first_assigned_at = $3, assigned_at = $4, sign_deadline = $5, signed_at = $6, \
         signed_in_time = $7, resolve_deadline = $8, resolved_at = $9, resolution = $10, rating = $11, rated_at = $12, rating_comment = $13, \
         escalated_at = $14, escalation = $15, extension_days = $16, extension_reason = $17, merged_into = $18, priority = $19, updated_at = $20, \
         version = version + 1 WHERE id = $21 AND version = $22",
    )
    .bind(&o.state)
    .bind(o.department_id)
    .bind(&o.first_assigned_at)
    .bind(&o.assigned_at)
    .bind(&o.sign_deadline)
    .bind(&o.signed_at)
    .bind(o.signed_in_time)
    .bind(&o.resolve_deadline)
    .bind(&o.resolved_at)
    .bind(&o.resolution)
    .bind(&o.rating)
    .bind(&o.rated_at)
    .bind(&o.rating_comment)
    .bind(&o.escalated_at)
    .bind(&o.escalation)
    .bind(o.extension_days)
    .bind(&o.extension_reason)
    .bind(o.merged_into)
    .bind(&o.priority)
    .bind(at)
    .bind(o.id)
    .bind(o.version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Which orders a list shows: filters plus the row scope the use case sets.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub state: Option<String>,
    /// only orders that are still open (not closed)
    pub open: bool,
    pub category_id: Option<i64>,
    pub department_id: Option<i64>,
    pub township_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub source: Option<String>,
    pub escalated: Option<bool>,
    /// part of the title
    pub q: Option<String>,
    /// created on or after this date (YYYY-MM-DD)
    pub from: Option<String>,
    /// created on or before this date (YYYY-MM-DD)
    pub to: Option<String>,
    /// scope: only orders of enterprises this cadre serves, or that it filed
    pub only_cadre: Option<(i64, i64)>,
    /// overdue first (the leader's view), else newest first
    pub overdue_first: bool,
    /// today, for the overdue-first order
    pub today: Option<String>,
}

pub async fn list_orders(db: &Db, f: &OrderFilter, page: &PageRequest) -> Result<Page<WorkOrder>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(s) = &f.state {
        c.push("o.state = {}", s.as_str());
    }
    if f.open {
        c.push_raw("o.state <> 'closed'");
    }
    if let Some(v) = f.category_id {
        c.push("o.category_id = {}", v);
    }
    if let Some(v) = f.department_id {
        c.push("o.department_id = {}", v);
    }
    if let Some(v) = f.township_id {
        c.push("o.township_id = {}", v);
    }
    if let Some(v) = f.enterprise_id {
        c.push("o.enterprise_id = {}", v);
    }
    if let Some(v) = &f.source {
        c.push("o.source = {}", v.as_str());
    }
    match f.escalated {
        Some(true) => {
            c.push_raw("o.escalated_at IS NOT NULL AND o.state <> 'closed'");
        }
        Some(false) => {
            c.push_raw("o.escalated_at IS NULL");
        }
        None => {}
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("o.title LIKE {} ESCAPE '\\'", like_pattern(q));
    }
    // the dates are local (UTC+8) days; created_at is UTC
    if let Some(from) = &f.from {
        c.push("o.created_at >= {}", local_day_start_utc(from));
    }
    if let Some(to) = &f.to {
        c.push("o.created_at < {}", local_day_start_utc(&next_day(to)));
    }
    if let Some((cadre, user)) = f.only_cadre {
        c.push_each(
            "(o.created_by = {} OR o.enterprise_id IN (SELECT enterprise_id FROM officer_assignments WHERE cadre_id = {} AND ended_on IS NULL))",
            &[Bind::Int(user), Bind::Int(cadre)],
        );
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM work_orders o{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let order_by = if f.overdue_first {
        // open and past a limit first, the most overdue first; then the newest
        let today = f.today.clone().unwrap_or_default().replace('\'', "");
        format!(
            " ORDER BY CASE WHEN o.state IN ('assigned', 'in_progress') AND (o.resolve_deadline < '{today}' OR (o.state = 'assigned' AND o.sign_deadline < '{today}')) THEN 0 \
             WHEN o.escalated_at IS NOT NULL AND o.state <> 'closed' THEN 1 WHEN o.state IN ('submitted', 'assigned', 'in_progress') THEN 2 \
             WHEN o.state = 'resolved' THEN 3 ELSE 4 END, o.resolve_deadline, o.id DESC"
        )
    } else {
        " ORDER BY o.id DESC".to_string()
    };
    let items = sqlx::query_as_with(&format!("{ORDER_SELECT}{}{order_by}{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

// ---- timeline --------------------------------------------------------------

/// One entry of an order's timeline.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct OrderEvent {
    pub id: i64,
    pub order_id: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub order_id: i64,
    pub at: &'a str,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub department_id: Option<i64>,
    pub note: &'a str,
}

pub async fn insert_event(conn: &mut AnyConnection, e: &NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO work_order_events (order_id, at, actor_id, actor_name, action, from_state, to_state, department_id, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.order_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.action)
    .bind(e.from_state)
    .bind(e.to_state)
    .bind(e.department_id)
    .bind(e.note)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_events(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<OrderEvent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT ev.id, ev.order_id, ev.at, ev.actor_id, ev.actor_name, ev.action, ev.from_state, ev.to_state, ev.department_id, \
         d.name AS department_name, ev.note FROM work_order_events ev LEFT JOIN departments d ON d.id = ev.department_id \
         WHERE ev.order_id = $1 ORDER BY ev.id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await
}

/// The latest note of an order's timeline (Open311's status_notes).
pub async fn latest_note(conn: &mut AnyConnection, order_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT note FROM work_order_events WHERE order_id = $1 AND note <> '' ORDER BY id DESC LIMIT 1")
        .bind(order_id)
        .fetch_optional(conn)
        .await
}

/// The latest note of each of `order_ids` that has one, in one query (a page
/// of Open311 requests holds up to 1,000 orders).
pub async fn latest_notes(conn: &mut AnyConnection, order_ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    if order_ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let placeholders: Vec<String> = (1..=order_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT order_id, note FROM work_order_events WHERE id IN \
         (SELECT MAX(id) FROM work_order_events WHERE order_id IN ({}) AND note <> '' GROUP BY order_id)",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for id in order_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(conn).await?.into_iter().collect())
}

// ---- categories ------------------------------------------------------------

/// 工单类别 with its limits.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Category {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// working days to sign for
    pub sign_days: i64,
    /// working days to resolve
    pub resolve_days: i64,
    /// 1 when anonymous Open311 reads may show its orders
    pub public: i64,
    pub sort: i64,
}

pub async fn list_categories(db: &Db) -> Result<Vec<Category>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, name, sign_days, resolve_days, public, sort FROM work_order_categories ORDER BY sort, id").fetch_all(db.pool()).await
}

pub async fn find_category(conn: &mut AnyConnection, id: i64) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, name, sign_days, resolve_days, public, sort FROM work_order_categories WHERE id = $1").bind(id).fetch_optional(conn).await
}

pub async fn find_category_by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, name, sign_days, resolve_days, public, sort FROM work_order_categories WHERE code = $1")
        .bind(code)
        .fetch_optional(conn)
        .await
}

pub async fn update_category_limits(conn: &mut AnyConnection, id: i64, sign_days: i64, resolve_days: i64, public: bool) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE work_order_categories SET sign_days = $1, resolve_days = $2, public = $3 WHERE id = $4")
        .bind(sign_days)
        .bind(resolve_days)
        .bind(i64::from(public))
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

// ---- response templates ----------------------------------------------------

/// A wording a department can start from.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct ResponseTemplate {
    pub id: i64,
    pub category_id: Option<i64>,
    pub state: String,
    pub text: String,
}

/// Templates for a category and state: the category's own first, then the general ones.
pub async fn list_templates(db: &Db, category_id: Option<i64>, state: Option<&str>) -> Result<Vec<ResponseTemplate>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(cat) = category_id {
        c.push("(category_id = {} OR category_id IS NULL)", cat);
    }
    if let Some(s) = state {
        c.push("state = {}", s);
    }
    sqlx::query_as_with(
        &format!("SELECT id, category_id, state, text FROM response_templates{} ORDER BY category_id IS NULL, sort, id", c.where_sql()),
        c.args(),
    )
    .fetch_all(db.pool())
    .await
}

// ---- visits ----------------------------------------------------------------

/// 走访记录
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Visit {
    pub id: i64,
    pub cadre_id: i64,
    pub cadre_name: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub visited_on: String,
    pub findings: String,
    /// how many orders the visit raised
    pub demands: i64,
    pub created_at: String,
}

const VISIT_SELECT: &str = "SELECT v.id, v.cadre_id, c.name AS cadre_name, v.enterprise_id, e.name AS enterprise_name, v.visited_on, v.findings, \
    (SELECT COUNT(*) FROM work_orders o WHERE o.source = 'officer_visit' AND o.source_ref = v.id) AS demands, v.created_at \
    FROM visits v JOIN cadres c ON c.id = v.cadre_id JOIN enterprises e ON e.id = v.enterprise_id";

pub async fn insert_visit(
    conn: &mut AnyConnection,
    cadre_id: i64,
    enterprise_id: i64,
    visited_on: &str,
    findings: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO visits (cadre_id, enterprise_id, visited_on, findings, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(cadre_id)
    .bind(enterprise_id)
    .bind(visited_on)
    .bind(findings)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_visit(conn: &mut AnyConnection, id: i64) -> Result<Option<Visit>, sqlx::Error> {
    sqlx::query_as(&format!("{VISIT_SELECT} WHERE v.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_visits(db: &Db, cadre_id: Option<i64>, enterprise_id: Option<i64>, page: &PageRequest) -> Result<Page<Visit>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(v) = cadre_id {
        c.push("v.cadre_id = {}", v);
    }
    if let Some(v) = enterprise_id {
        c.push("v.enterprise_id = {}", v);
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM visits v{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("{VISIT_SELECT}{} ORDER BY v.visited_on DESC, v.id DESC{limit}", c.where_sql()), args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

// ---- notifications ---------------------------------------------------------

/// 消息提醒
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub order_id: Option<i64>,
    /// assigned, nearing_sign, nearing_resolve, resolved, escalated, reopened, returned
    pub kind: String,
    pub text: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// Notifies each user; a reminder or escalation notice is skipped when the user
/// already has one of that kind for the same order and limit.
pub async fn notify(conn: &mut AnyConnection, user_ids: &[i64], order_id: i64, kind: &str, text: &str, at: &str) -> Result<usize, sqlx::Error> {
    notify_once(conn, user_ids, order_id, kind, "", text, at).await
}

/// `notify` for a notice about one limit: `due_key` names it (e.g.
/// `resolve:2020-03-05`), so a new limit after an extension, a new deadline,
/// a transfer or a reopening is told again while a repeated sweep is not.
/// Answers how many notices were written.
pub async fn notify_once(
    conn: &mut AnyConnection,
    user_ids: &[i64],
    order_id: i64,
    kind: &str,
    due_key: &str,
    text: &str,
    at: &str,
) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    for user in user_ids {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND order_id = $2 AND kind = $3 AND due_key = $4 \
             AND kind IN ('nearing_sign', 'nearing_resolve', 'escalated')",
        )
        .bind(user)
        .bind(order_id)
        .bind(kind)
        .bind(due_key)
        .fetch_one(&mut *conn)
        .await?;
        if exists > 0 {
            continue;
        }
        sqlx::query("INSERT INTO notifications (user_id, order_id, kind, text, created_at, due_key) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(user)
            .bind(order_id)
            .bind(kind)
            .bind(text)
            .bind(at)
            .bind(due_key)
            .execute(&mut *conn)
            .await?;
        written += 1;
    }
    Ok(written)
}

pub async fn list_notifications(db: &Db, user_id: i64, unread_only: bool, page: &PageRequest) -> Result<Page<Notification>, sqlx::Error> {
    let mut c = Conditions::default();
    c.push("user_id = {}", user_id);
    if unread_only {
        c.push_raw("read_at IS NULL");
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM notifications{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items =
        sqlx::query_as_with(&format!("SELECT id, order_id, kind, text, created_at, read_at FROM notifications{} ORDER BY id DESC{limit}", c.where_sql()), args)
            .fetch_all(db.pool())
            .await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

pub async fn unread_count(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL").bind(user_id).fetch_one(db.pool()).await
}

pub async fn mark_read(conn: &mut AnyConnection, user_id: i64, id: Option<i64>) -> Result<u64, sqlx::Error> {
    let at = now();
    let done = match id {
        Some(id) => {
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL")
                .bind(at)
                .bind(user_id)
                .bind(id)
                .execute(conn)
                .await?
        }
        None => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL").bind(at).bind(user_id).execute(conn).await?,
    };
    Ok(done.rows_affected())
}

/// The users an order concerns, by role.
pub async fn department_users(conn: &mut AnyConnection, department_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'department' AND department_id = $1 AND disabled_at IS NULL")
        .bind(department_id)
        .fetch_all(conn)
        .await
}

pub async fn enterprise_users(conn: &mut AnyConnection, enterprise_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'enterprise' AND enterprise_id = $1 AND disabled_at IS NULL")
        .bind(enterprise_id)
        .fetch_all(conn)
        .await
}

pub async fn leader_users(conn: &mut AnyConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'leader' AND disabled_at IS NULL").fetch_all(conn).await
}

// ---- escalation and reminders ----------------------------------------------

/// Open orders past a limit that are not yet escalated, as of `today`.
/// Merged duplicates are left out: they follow their original, which is the
/// one escalated.
pub async fn overdue_unescalated(conn: &mut AnyConnection, today: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE escalated_at IS NULL AND merged_into IS NULL AND ((state = 'assigned' AND sign_deadline < $1) \
         OR (state IN ('assigned', 'in_progress') AND resolve_deadline < $1)) ORDER BY id",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Open orders with a limit in [`from`, `to`] (local days), with the limit's
/// kind (`sign` or `resolve`) and day: the reminders the sweep sends.
pub async fn due_between(conn: &mut AnyConnection, from: &str, to: &str) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, 'sign', sign_deadline FROM work_orders WHERE state = 'assigned' AND signed_at IS NULL AND merged_into IS NULL \
         AND sign_deadline >= $1 AND sign_deadline <= $2 \
         UNION ALL SELECT id, 'resolve', resolve_deadline FROM work_orders WHERE state IN ('assigned', 'in_progress') AND merged_into IS NULL \
         AND resolve_deadline >= $1 AND resolve_deadline <= $2 ORDER BY 1, 2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

// ---- duplicates ------------------------------------------------------------

/// Open orders of the same enterprise and category filed since `since`
/// (not merged: a duplicate is offered its original, not its siblings).
pub async fn recent_open_orders(conn: &mut AnyConnection, enterprise_id: i64, category_id: i64, since: &str) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, title FROM work_orders WHERE enterprise_id = $1 AND category_id = $2 AND state <> 'closed' AND merged_into IS NULL \
         AND created_at >= $3 ORDER BY id",
    )
    .bind(enterprise_id)
    .bind(category_id)
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Open orders (not merged) of the same enterprise and category filed in
/// [`since`, `until`], oldest first: the candidates an order's page offers.
pub async fn open_orders_filed_between(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    category_id: i64,
    since: &str,
    until: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, title FROM work_orders WHERE enterprise_id = $1 AND category_id = $2 AND state <> 'closed' AND merged_into IS NULL \
         AND created_at >= $3 AND created_at <= $4 ORDER BY id LIMIT 20",
    )
    .bind(enterprise_id)
    .bind(category_id)
    .bind(since)
    .bind(until)
    .fetch_all(conn)
    .await
}

/// Orders merged into `id` (they follow it).
pub async fn merged_followers(conn: &mut AnyConnection, id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM work_orders WHERE merged_into = $1 ORDER BY id").bind(id).fetch_all(conn).await
}

/// Makes the orders merged into `original` report its state and department
/// (a duplicate is open while its original is). Their own version moves, so
/// a form read before is stale.
pub async fn follow_original(conn: &mut AnyConnection, original: &WorkOrder, at: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE work_orders SET state = $1, department_id = $2, updated_at = $3, version = version + 1 \
         WHERE merged_into = $4",
    )
    .bind(&original.state)
    .bind(original.department_id)
    .bind(at)
    .bind(original.id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

// ---- return visits ---------------------------------------------------------

/// 回访: a requester's verdict on a resolution, taken by a call, on site, or
/// given online by the enterprise itself.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct ReturnVisit {
    pub id: i64,
    pub order_id: i64,
    pub at: String,
    pub caller_id: Option<i64>,
    /// who called (or the enterprise user who rated online)
    pub caller_name: String,
    /// online, phone, onsite
    pub channel: String,
    /// the person reached
    pub contact: String,
    /// satisfied, basically_satisfied, unsatisfied
    pub rating: String,
    /// what the requester said
    pub note: String,
}

/// The fields of a return visit to record.
#[derive(Debug, Clone)]
pub struct NewReturnVisit<'a> {
    pub order_id: i64,
    pub at: &'a str,
    pub caller_id: Option<i64>,
    pub caller_name: &'a str,
    pub channel: &'a str,
    pub contact: &'a str,
    pub rating: &'a str,
    pub note: &'a str,
}

pub async fn insert_return_visit(conn: &mut AnyConnection, v: &NewReturnVisit<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO work_order_return_visits (order_id, at, caller_id, caller_name, channel, contact, rating, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(v.order_id)
    .bind(v.at)
    .bind(v.caller_id)
    .bind(v.caller_name)
    .bind(v.channel)
    .bind(v.contact)
    .bind(v.rating)
    .bind(v.note)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_return_visits(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<ReturnVisit>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, order_id, at, caller_id, caller_name, channel, contact, rating, note FROM work_order_return_visits WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await
}

// ---- the three rates -------------------------------------------------------

/// What the rates are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateGroup {
    Zone,
    Department,
    Township,
    Officer,
}

/// One group's counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupCounts {
    pub id: Option<i64>,
    pub name: String,
    pub counts: RateCounts,
}

/// Counts of the orders first assigned in [from, to] (local dates), grouped.
///
/// `today` decides which limits have passed.
pub async fn rate_counts(db: &Db, group: RateGroup, from: &str, to: &str, today: &str) -> Result<Vec<GroupCounts>, sqlx::Error> {
    let (key, name, join) = match group {
        RateGroup::Zone => ("CAST(NULL AS BIGINT)", "'开发区'", ""),
        RateGroup::Department => ("o.department_id", "d.name", " JOIN departments d ON d.id = o.department_id"),
        RateGroup::Township => ("o.township_id", "t.name", " JOIN townships t ON t.id = o.township_id"),
        RateGroup::Officer => (
            "oa.cadre_id",
            "c.name",
            " JOIN officer_assignments oa ON oa.enterprise_id = o.enterprise_id AND oa.ended_on IS NULL JOIN cadres c ON c.id = oa.cadre_id",
        ),
    };
    // the zone is one group over everything (PostgreSQL refuses GROUP BY a constant)
    let group_by = if group == RateGroup::Zone { String::new() } else { format!(" GROUP BY {key}, {name} ORDER BY {name}") };
    // first_assigned_at is UTC; the period is local (UTC+8) days
    let sql = format!(
        "SELECT {key} AS gid, {name} AS gname, COUNT(*) AS assigned, \
         SUM(CASE WHEN o.signed_at IS NOT NULL OR o.sign_deadline < $3 THEN 1 ELSE 0 END) AS response_due, \
         SUM(CASE WHEN o.signed_in_time = 1 THEN 1 ELSE 0 END) AS signed_in_time, \
         SUM(CASE WHEN o.resolved_at IS NOT NULL OR o.resolve_deadline < $3 THEN 1 ELSE 0 END) AS resolution_due, \
         SUM(CASE WHEN o.resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved, \
         SUM(CASE WHEN o.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated, \
         SUM(CASE WHEN o.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS satisfied \
         FROM work_orders o{join} WHERE o.first_assigned_at >= $1 AND o.first_assigned_at < $2 AND o.merged_into IS NULL{group_by}"
    );
    let rows: Vec<RateRow> =
        sqlx::query_as(&sql).bind(local_day_start_utc(from)).bind(local_day_start_utc(&next_day(to))).bind(today).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| GroupCounts {
            id: r.gid,
            name: r.gname,
            counts: RateCounts {
                assigned: r.assigned,
                response_due: r.response_due.unwrap_or(0),
                signed_in_time: r.signed_in_time.unwrap_or(0),
                resolution_due: r.resolution_due.unwrap_or(0),
                resolved: r.resolved.unwrap_or(0),
                rated: r.rated.unwrap_or(0),
                satisfied: r.satisfied.unwrap_or(0),
            },
        })
        .collect())
}

/// One group's row of the rates query (SUM is NULL over no rows on PostgreSQL).
#[derive(FromRow)]
struct RateRow {
    gid: Option<i64>,
    gname: String,
    assigned: i64,
    response_due: Option<i64>,
    signed_in_time: Option<i64>,
    resolution_due: Option<i64>,
    resolved: Option<i64>,
    rated: Option<i64>,
    satisfied: Option<i64>,
}

/// The UTC timestamp text at which a local (UTC+8) day begins.
fn local_day_start_utc(day: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(day, &format) {
        Ok(d) => super::timestamp(d.midnight().assume_offset(time::macros::offset!(+8)).to_offset(time::UtcOffset::UTC)),
        Err(_) => day.to_string(),
    }
}

fn next_day(day: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(day, &format).ok().and_then(|d| d.next_day()).and_then(|d| d.format(&format).ok()).unwrap_or_else(|| day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_days_begin_at_16_utc_the_day_before() {
        assert_eq!(local_day_start_utc("2020-03-19"), "2020-03-18T16:00:00.000000Z");
        assert_eq!(next_day("2020-02-28"), "2020-02-29");
    }
}

/// The orders as they stood at a moment (a UTC timestamp): filed, assigned,
/// resolved and closed by then, and how many were open and escalated.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct OrderCounts {
    pub filed: i64,
    pub assigned: i64,
    pub resolved: i64,
    pub rated: i64,
    pub escalated: i64,
    /// by state now (the dashboard's bars)
    pub by_state: [i64; 5],
}

/// The counts at `until` from the tallies the database keeps (see
/// `migrations/*/…_aggregates.sql`): the months before `until`'s month, the
/// days of its month before its day and the hours of its day before its hour,
/// plus an indexed count of the orders of its own hour. The same figures as
/// counting every order, at a cost that does not grow with their number.
pub async fn counts_until(db: &Db, until: &str) -> Result<OrderCounts, sqlx::Error> {
    let prefix = |n: usize| until.get(..n).unwrap_or(until);
    let (month, day, hour) = (prefix(7), prefix(10), prefix(13));
    let tallied: Vec<(String, i64)> = sqlx::query_as(
        "SELECT metric, CAST(SUM(n) AS BIGINT) FROM (\
         SELECT metric, n FROM order_tally WHERE grain = 'month' AND bucket < $1 \
         UNION ALL SELECT metric, n FROM order_tally WHERE grain = 'day' AND bucket >= $1 AND bucket < $2 \
         UNION ALL SELECT metric, n FROM order_tally WHERE grain = 'hour' AND bucket >= $2 AND bucket < $3) b GROUP BY metric",
    )
    .bind(month)
    .bind(day)
    .bind(hour)
    .fetch_all(db.pool())
    .await?;
    let partial: (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM work_orders WHERE created_at >= $1 AND created_at < $2 AND merged_into IS NULL), \
         (SELECT COUNT(*) FROM work_orders WHERE first_assigned_at >= $1 AND first_assigned_at < $2 AND merged_into IS NULL), \
         (SELECT COUNT(*) FROM work_orders WHERE resolved_at >= $1 AND resolved_at < $2 AND merged_into IS NULL), \
         (SELECT COUNT(*) FROM work_orders WHERE rated_at >= $1 AND rated_at < $2 AND merged_into IS NULL), \
         (SELECT COUNT(*) FROM work_orders WHERE escalated_at >= $1 AND escalated_at < $2 AND merged_into IS NULL)",
    )
    .bind(hour)
    .bind(until)
    .fetch_one(db.pool())
    .await?;
    let metric = |name: &str| tallied.iter().find(|(m, _)| m == name).map_or(0, |(_, n)| *n);
    let states: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, CAST(SUM(n) AS BIGINT) FROM order_state_tally WHERE merged = 0 GROUP BY state").fetch_all(db.pool()).await?;
    let mut by_state = [0; 5];
    for (state, n) in states {
        if let Some(i) = crate::domain::workorder::OrderState::ALL.iter().position(|s| s.code() == state) {
            by_state[i] = n;
        }
    }
    Ok(OrderCounts {
        filed: metric("filed") + partial.0,
        assigned: metric("assigned") + partial.1,
        resolved: metric("resolved") + partial.2,
        rated: metric("rated") + partial.3,
        escalated: metric("escalated") + partial.4,
        by_state,
    })
}

/// Orders under supervision now (督办: escalated and not closed), as the
/// supervision list counts them, from the state tally.
pub async fn supervised_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM order_state_tally WHERE escalated = 1 AND state <> 'closed'").fetch_one(db.pool()).await
}

/// `rate_counts` for the zone or by department, from the tallies: the orders
/// first assigned on each local day per department (the counts that do not
/// change with `today`), and the orders not yet signed for or resolved by
/// deadline (those that do). The same figures as counting the period's
/// orders, at a cost of its days times the departments.
///
/// # Errors
/// A database failure; `Protocol` for a grouping the tallies do not hold
/// (township, officer: use `rate_counts`).
pub async fn tallied_rate_counts(db: &Db, group: RateGroup, from: &str, to: &str, today: &str) -> Result<Vec<GroupCounts>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT department_id, CAST(SUM(assigned) AS BIGINT), CAST(SUM(signed) AS BIGINT), CAST(SUM(signed_in_time) AS BIGINT), \
         CAST(SUM(resolved) AS BIGINT), CAST(SUM(rated) AS BIGINT), CAST(SUM(satisfied) AS BIGINT) \
         FROM order_rate_tally WHERE day >= $1 AND day <= $2 GROUP BY department_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    let due: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT department_id, limit_kind, CAST(SUM(n) AS BIGINT) FROM order_due_tally WHERE day >= $1 AND day <= $2 AND deadline < $3 \
         GROUP BY department_id, limit_kind",
    )
    .bind(from)
    .bind(to)
    .bind(today)
    .fetch_all(db.pool())
    .await?;
    let due_of = |department: i64, kind: &str| due.iter().filter(|(d, k, _)| *d == department && k == kind).map(|(_, _, n)| n).sum::<i64>();
    let counts = |&(department, assigned, signed, signed_in_time, resolved, rated, satisfied): &(i64, i64, i64, i64, i64, i64, i64)| RateCounts {
        assigned,
        response_due: signed + due_of(department, "sign"),
        signed_in_time,
        resolution_due: resolved + due_of(department, "resolve"),
        resolved,
        rated,
        satisfied,
    };
    match group {
        RateGroup::Zone => {
            let mut zone = RateCounts::default();
            for c in rows.iter().map(counts) {
                zone.assigned += c.assigned;
                zone.response_due += c.response_due;
                zone.signed_in_time += c.signed_in_time;
                zone.resolution_due += c.resolution_due;
                zone.resolved += c.resolved;
                zone.rated += c.rated;
                zone.satisfied += c.satisfied;
            }
            Ok(vec![GroupCounts { id: None, name: "开发区".into(), counts: zone }])
        }
        RateGroup::Department => {
            // the departments in the database's own order of names, as the counting query sorts them
            let departments: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM departments ORDER BY name").fetch_all(db.pool()).await?;
            Ok(departments
                .into_iter()
                .filter_map(|(id, name)| {
                    let row = rows.iter().find(|r| r.0 == id && r.1 > 0)?;
                    Some(GroupCounts { id: Some(id), name, counts: counts(row) })
                })
                .collect())
        }
        RateGroup::Township | RateGroup::Officer => Err(sqlx::Error::Protocol("the rate tallies are by department only".into())),
    }
}

/// `counts_until` for one township's orders: the tallies hold the zone's
/// only, so these are counted from the township's own orders (a seek on the
/// township index; a township holds a small share of a province's orders).
pub async fn township_counts_until(db: &Db, township_id: i64, until: &str) -> Result<OrderCounts, sqlx::Error> {
    let rows: Vec<(String, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT state, COUNT(*), \
         CAST(SUM(CASE WHEN created_at < $2 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN first_assigned_at < $2 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN resolved_at < $2 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN rated_at < $2 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN escalated_at < $2 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM work_orders WHERE township_id = $1 AND merged_into IS NULL GROUP BY state",
    )
    .bind(township_id)
    .bind(until)
    .fetch_all(db.pool())
    .await?;
    let mut c = OrderCounts::default();
    for (state, n, filed, assigned, resolved, rated, escalated) in rows {
        if let Some(i) = crate::domain::workorder::OrderState::ALL.iter().position(|s| s.code() == state) {
            c.by_state[i] = n;
        }
        c.filed += filed;
        c.assigned += assigned;
        c.resolved += resolved;
        c.rated += rated;
        c.escalated += escalated;
    }
    Ok(c)
}

/// `supervised_count` for one township's orders (escalated and not closed,
/// merged or not, as the supervision list counts them).
pub async fn township_supervised_count(db: &Db, township_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM work_orders WHERE township_id = $1 AND escalated_at IS NOT NULL AND state <> 'closed'")
        .bind(township_id)
        .fetch_one(db.pool())
        .await
}
