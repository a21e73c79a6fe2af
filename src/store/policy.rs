//! The policy catalogue (惠企政策), enterprises' applications (申报), their
//! payments (兑现), and the per-policy take-up that supervision (督查) reads.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError};
use crate::domain::policy::{serialize_opt_wan, serialize_wan};

/// 惠企政策, with its eligibility rules.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Policy {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// subsidy, reward, interest_subsidy, fund_pool, bank_scheme
    pub kind: String,
    pub summary: String,
    /// enterprise kinds that may apply, comma-separated ('' = every kind)
    pub eligible_kinds: String,
    /// 1: only green-list (绿名单) enterprises may apply
    pub green_list_only: i64,
    /// the most one application may be granted, 万元 (absent: no cap)
    #[serde(rename = "max_amount_wan", serialize_with = "serialize_opt_wan")]
    #[schema(value_type = Option<f64>)]
    pub max_amount_yuan: Option<i64>,
    /// the documents an application must include, one per line
    pub documents: String,
    /// working days from approval to payment before it is overdue
    pub payment_days: i64,
    /// the reviewing department
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub published_on: String,
    pub ends_on: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const POLICY_SELECT: &str = "SELECT p.id, p.code, p.name, p.kind, p.summary, p.eligible_kinds, p.green_list_only, p.max_amount_yuan, p.documents, \
    p.payment_days, p.department_id, d.name AS department_name, p.published_on, p.ends_on, p.created_at, p.updated_at, p.version \
    FROM policies p LEFT JOIN departments d ON d.id = p.department_id";

/// A policy's stored fields.
#[derive(Debug, Clone)]
pub struct PolicyRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub summary: &'a str,
    pub eligible_kinds: &'a str,
    pub green_list_only: bool,
    pub max_amount_yuan: Option<i64>,
    pub documents: &'a str,
    pub payment_days: i64,
    pub department_id: Option<i64>,
    pub published_on: &'a str,
    pub ends_on: Option<&'a str>,
}

pub async fn list_policies(db: &Db, kind: Option<&str>, q: Option<&str>) -> Result<Vec<Policy>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(k) = kind {
        c.push("p.kind = {}", k);
    }
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(p.name LIKE {} ESCAPE '\\' OR p.summary LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    sqlx::query_as_with(&format!("{POLICY_SELECT}{} ORDER BY p.published_on, p.id", c.where_sql()), c.args()).fetch_all(db.pool()).await
}

pub async fn find_policy(conn: &mut AnyConnection, id: i64) -> Result<Option<Policy>, sqlx::Error> {
    sqlx::query_as(&format!("{POLICY_SELECT} WHERE p.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn insert_policy(conn: &mut AnyConnection, p: &PolicyRow<'_>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO policies (code, name, kind, summary, eligible_kinds, green_list_only, max_amount_yuan, documents, payment_days, department_id, \
         published_on, ends_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(p.code)
    .bind(p.name)
    .bind(p.kind)
    .bind(p.summary)
    .bind(p.eligible_kinds)
    .bind(i64::from(p.green_list_only))
    .bind(p.max_amount_yuan)
    .bind(p.documents)
    .bind(p.payment_days)
    .bind(p.department_id)
    .bind(p.published_on)
    .bind(p.ends_on)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// # Errors
/// `Stale` when the policy is no longer at `version`.
pub async fn update_policy(conn: &mut AnyConnection, id: i64, version: i64, p: &PolicyRow<'_>, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE policies SET code = $1, name = $2, kind = $3, summary = $4, eligible_kinds = $5, green_list_only = $6, max_amount_yuan = $7, \
         documents = $8, payment_days = $9, department_id = $10, published_on = $11, ends_on = $12, updated_at = $13, version = version + 1 \
         WHERE id = $14 AND version = $15",
    )
    .bind(p.code)
    .bind(p.name)
    .bind(p.kind)
    .bind(p.summary)
    .bind(p.eligible_kinds)
    .bind(i64::from(p.green_list_only))
    .bind(p.max_amount_yuan)
    .bind(p.documents)
    .bind(p.payment_days)
    .bind(p.department_id)
    .bind(p.published_on)
    .bind(p.ends_on)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Whether the enterprise is on the green list (绿名单) now.
pub async fn is_green_listed(conn: &mut AnyConnection, enterprise_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM green_list WHERE enterprise_id = $1 AND removed_on IS NULL").bind(enterprise_id).fetch_one(conn).await?;
    Ok(n > 0)
}

// ---- applications ----------------------------------------------------------------

/// 申报, with the names of its policy and enterprise.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Application {
    pub id: i64,
    pub policy_id: i64,
    pub policy_name: String,
    pub policy_department_id: Option<i64>,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub township_id: i64,
    /// asked for, 万元
    #[serde(rename = "amount_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub amount_yuan: i64,
    /// the documents included, one per line
    pub documents: String,
    pub statement: String,
    /// submitted, approved, rejected, paid
    pub state: String,
    pub submitted_on: String,
    pub reviewed_by_name: Option<String>,
    pub reviewed_on: Option<String>,
    pub review_note: Option<String>,
    /// granted, 万元
    #[serde(rename = "approved_amount_wan", serialize_with = "serialize_opt_wan")]
    #[schema(value_type = Option<f64>)]
    pub approved_amount_yuan: Option<i64>,
    /// the last day to pay it (approval + the policy's payment days)
    pub pay_deadline: Option<String>,
    /// paid so far, 万元
    #[serde(rename = "paid_amount_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub paid_amount_yuan: i64,
    pub paid_on: Option<String>,
    /// the escalated work order of an overdue payment (督办)
    pub escalated_order_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const APPLICATION_SELECT: &str = "SELECT a.id, a.policy_id, p.name AS policy_name, p.department_id AS policy_department_id, a.enterprise_id, \
    e.name AS enterprise_name, e.township_id, a.amount_yuan, a.documents, a.statement, a.state, a.submitted_on, a.reviewed_by_name, a.reviewed_on, \
    a.review_note, a.approved_amount_yuan, a.pay_deadline, a.paid_amount_yuan, a.paid_on, a.escalated_order_id, a.created_by, a.created_at, \
    a.updated_at, a.version \
    FROM policy_applications a JOIN policies p ON p.id = a.policy_id JOIN enterprises e ON e.id = a.enterprise_id";

/// Which applications a list shows: filters plus the row scope the use case sets.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub policy_id: Option<i64>,
    pub state: Option<String>,
    pub enterprise_id: Option<i64>,
    pub township_id: Option<i64>,
    /// scope: the applications to policies this department reviews
    pub department_id: Option<i64>,
    /// scope: the applications of enterprises this cadre serves
    pub only_cadre: Option<i64>,
    /// only approved applications past their payment deadline on this day
    pub overdue_on: Option<String>,
}

pub async fn list_applications(db: &Db, f: &ApplicationFilter, page: &PageRequest) -> Result<Page<Application>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(p) = f.policy_id {
        c.push("a.policy_id = {}", p);
    }
    if let Some(s) = &f.state {
        c.push("a.state = {}", s.as_str());
    }
    if let Some(e) = f.enterprise_id {
        c.push("a.enterprise_id = {}", e);
    }
    if let Some(t) = f.township_id {
        c.push("e.township_id = {}", t);
    }
    if let Some(d) = f.department_id {
        c.push("p.department_id = {}", d);
    }
    if let Some(cadre) = f.only_cadre {
        c.push("EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.enterprise_id = a.enterprise_id AND oa.cadre_id = {} AND oa.ended_on IS NULL)", cadre);
    }
    if let Some(day) = &f.overdue_on {
        c.push("a.state = 'approved' AND a.pay_deadline < {}", day.as_str());
    }
    let from = "FROM policy_applications a JOIN policies p ON p.id = a.policy_id JOIN enterprises e ON e.id = a.enterprise_id";
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {from}{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let sql = format!("{APPLICATION_SELECT}{} ORDER BY a.id DESC{limit}", c.where_sql());
    let items = sqlx::query_as_with(&sql, args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

pub async fn find_application(conn: &mut AnyConnection, id: i64) -> Result<Option<Application>, sqlx::Error> {
    sqlx::query_as(&format!("{APPLICATION_SELECT} WHERE a.id = $1")).bind(id).fetch_optional(conn).await
}

/// The open application (submitted or approved) of an enterprise to a policy, if any.
pub async fn open_application(conn: &mut AnyConnection, policy_id: i64, enterprise_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM policy_applications WHERE policy_id = $1 AND enterprise_id = $2 AND state IN ('submitted', 'approved')")
        .bind(policy_id)
        .bind(enterprise_id)
        .fetch_optional(conn)
        .await
}

/// A new application's fields.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    pub policy_id: i64,
    pub enterprise_id: i64,
    pub amount_yuan: i64,
    pub documents: &'a str,
    pub statement: &'a str,
    pub submitted_on: &'a str,
    pub created_by: Option<i64>,
    pub at: &'a str,
}

pub async fn insert_application(conn: &mut AnyConnection, a: &NewApplication<'_>) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO policy_applications (policy_id, enterprise_id, amount_yuan, documents, statement, state, submitted_on, created_by, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $8) RETURNING id",
    )
    .bind(a.policy_id)
    .bind(a.enterprise_id)
    .bind(a.amount_yuan)
    .bind(a.documents)
    .bind(a.statement)
    .bind(a.submitted_on)
    .bind(a.created_by)
    .bind(a.at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// Writes the review and payment columns of `a` if it is still at `a.version`.
///
/// # Errors
/// `Stale` when someone changed it first.
pub async fn save_application(conn: &mut AnyConnection, a: &Application, at: &str) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE policy_applications SET state = $1, reviewed_by_name = $2, reviewed_on = $3, review_note = $4, approved_amount_yuan = $5, \
         pay_deadline = $6, paid_amount_yuan = $7, paid_on = $8, escalated_order_id = $9, updated_at = $10, version = version + 1 \
         WHERE id = $11 AND version = $12",
    )
    .bind(&a.state)
    .bind(&a.reviewed_by_name)
    .bind(&a.reviewed_on)
    .bind(&a.review_note)
    .bind(a.approved_amount_yuan)
    .bind(&a.pay_deadline)
    .bind(a.paid_amount_yuan)
    .bind(&a.paid_on)
    .bind(a.escalated_order_id)
    .bind(at)
    .bind(a.id)
    .bind(a.version)
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Approved applications whose payment deadline passed before `today`, not yet escalated.
pub async fn overdue_unescalated(conn: &mut AnyConnection, today: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM policy_applications WHERE state = 'approved' AND pay_deadline < $1 AND escalated_order_id IS NULL ORDER BY pay_deadline, id",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Tells users of something that concerns no work order (a review, a payment).
pub async fn notify_users(conn: &mut AnyConnection, users: &[i64], kind: &str, text: &str, at: &str) -> Result<(), sqlx::Error> {
    for user in users {
        sqlx::query("INSERT INTO notifications (user_id, order_id, kind, text, created_at) VALUES ($1, NULL, $2, $3, $4)")
            .bind(user)
            .bind(kind)
            .bind(text)
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

// ---- disbursements -----------------------------------------------------------------

/// 兑现: one payment.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Disbursement {
    pub id: i64,
    pub application_id: i64,
    /// 万元
    #[serde(rename = "amount_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub amount_yuan: i64,
    pub paid_on: String,
    /// the voucher or bank reference
    pub reference: String,
    pub created_at: String,
}

pub async fn list_disbursements(conn: &mut AnyConnection, application_id: i64) -> Result<Vec<Disbursement>, sqlx::Error> {
    sqlx::query_as("SELECT id, application_id, amount_yuan, paid_on, reference, created_at FROM policy_disbursements WHERE application_id = $1 ORDER BY id")
        .bind(application_id)
        .fetch_all(conn)
        .await
}

pub async fn insert_disbursement(
    conn: &mut AnyConnection,
    application_id: i64,
    amount_yuan: i64,
    paid_on: &str,
    reference: &str,
    created_by: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO policy_disbursements (application_id, amount_yuan, paid_on, reference, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(application_id)
    .bind(amount_yuan)
    .bind(paid_on)
    .bind(reference)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

// ---- supervision (督查) ---------------------------------------------------------------

/// One policy's take-up as of a day.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct TakeUp {
    pub policy_id: i64,
    pub policy_name: String,
    pub department_name: Option<String>,
    /// enterprises that applied
    pub applicants: i64,
    pub applications: i64,
    pub pending: i64,
    /// approved (paid or not)
    pub approved: i64,
    pub rejected: i64,
    /// paid in full
    pub paid: i64,
    /// asked for, 万元
    #[serde(rename = "requested_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub requested_yuan: i64,
    /// granted, 万元
    #[serde(rename = "approved_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub approved_yuan: i64,
    /// paid out, 万元
    #[serde(rename = "paid_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub paid_yuan: i64,
    /// approved, not paid in full, past the deadline
    pub overdue: i64,
    /// of them, escalated as work orders
    pub escalated: i64,
}

#[derive(FromRow)]
struct TakeUpRow {
    policy_id: i64,
    policy_name: String,
    department_name: Option<String>,
    applicants: i64,
    applications: i64,
    pending: Option<i64>,
    approved: Option<i64>,
    rejected: Option<i64>,
    paid: Option<i64>,
    requested_yuan: Option<i64>,
    approved_yuan: Option<i64>,
    paid_yuan: Option<i64>,
    overdue: Option<i64>,
    escalated: Option<i64>,
}

/// Every policy's take-up as of `today` (applications submitted up to it);
/// `department_id` narrows to the policies one department reviews.
pub async fn take_up(db: &Db, today: &str, department_id: Option<i64>) -> Result<Vec<TakeUp>, sqlx::Error> {
    let scope = if department_id.is_some() { " WHERE p.department_id = $2" } else { "" };
    // the casts keep one decoding: PostgreSQL sums BIGINT as NUMERIC
    let sql = format!(
        "SELECT p.id AS policy_id, p.name AS policy_name, d.name AS department_name, COUNT(DISTINCT a.enterprise_id) AS applicants, \
         COUNT(a.id) AS applications, \
         SUM(CASE WHEN a.state = 'submitted' THEN 1 ELSE 0 END) AS pending, \
         SUM(CASE WHEN a.state IN ('approved', 'paid') THEN 1 ELSE 0 END) AS approved, \
         SUM(CASE WHEN a.state = 'rejected' THEN 1 ELSE 0 END) AS rejected, \
         SUM(CASE WHEN a.state = 'paid' THEN 1 ELSE 0 END) AS paid, \
         CAST(SUM(a.amount_yuan) AS BIGINT) AS requested_yuan, \
         CAST(SUM(CASE WHEN a.state IN ('approved', 'paid') THEN a.approved_amount_yuan ELSE 0 END) AS BIGINT) AS approved_yuan, \
         CAST(SUM(a.paid_amount_yuan) AS BIGINT) AS paid_yuan, \
         SUM(CASE WHEN a.state = 'approved' AND a.pay_deadline < $1 THEN 1 ELSE 0 END) AS overdue, \
         SUM(CASE WHEN a.escalated_order_id IS NOT NULL THEN 1 ELSE 0 END) AS escalated \
         FROM policies p LEFT JOIN departments d ON d.id = p.department_id \
         LEFT JOIN policy_applications a ON a.policy_id = p.id AND a.submitted_on <= $1{scope} \
         GROUP BY p.id, p.name, d.name, p.published_on ORDER BY p.published_on, p.id"
    );
    let mut q = sqlx::query_as::<_, TakeUpRow>(&sql).bind(today);
    if let Some(d) = department_id {
        q = q.bind(d);
    }
    let rows = q.fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| TakeUp {
            policy_id: r.policy_id,
            policy_name: r.policy_name,
            department_name: r.department_name,
            applicants: r.applicants,
            applications: r.applications,
            pending: r.pending.unwrap_or(0),
            approved: r.approved.unwrap_or(0),
            rejected: r.rejected.unwrap_or(0),
            paid: r.paid.unwrap_or(0),
            requested_yuan: r.requested_yuan.unwrap_or(0),
            approved_yuan: r.approved_yuan.unwrap_or(0),
            paid_yuan: r.paid_yuan.unwrap_or(0),
            overdue: r.overdue.unwrap_or(0),
            escalated: r.escalated.unwrap_or(0),
        })
        .collect())
}

/// Policy applications as they stood at the end of a day (the briefing):
/// `take_up` counts the states of today, these the dates of each step.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoliciesOn {
    /// policies published by then
    pub policies: i64,
    pub applications: i64,
    pub applicants: i64,
    /// approved on or before the day (paid since or not)
    pub approved: i64,
    pub approved_yuan: i64,
    /// applications with a payment by then, and the money paid by then
    pub paid: i64,
    pub paid_yuan: i64,
}

/// The figures of `PoliciesOn` on `day` (YYYY-MM-DD).
pub async fn policies_on(db: &Db, day: &str) -> Result<PoliciesOn, sqlx::Error> {
    let policies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM policies WHERE published_on <= $1").bind(day).fetch_one(db.pool()).await?;
    let (applications, applicants, approved, approved_yuan): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT enterprise_id), \
         CAST(COALESCE(SUM(CASE WHEN state IN ('approved', 'paid') AND reviewed_on <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN state IN ('approved', 'paid') AND reviewed_on <= $1 THEN approved_amount_yuan ELSE 0 END), 0) AS BIGINT) \
         FROM policy_applications WHERE submitted_on <= $1",
    )
    .bind(day)
    .fetch_one(db.pool())
    .await?;
    let (paid, paid_yuan): (i64, i64) =
        sqlx::query_as("SELECT COUNT(DISTINCT application_id), CAST(COALESCE(SUM(amount_yuan), 0) AS BIGINT) FROM policy_disbursements WHERE paid_on <= $1")
            .bind(day)
            .fetch_one(db.pool())
            .await?;
    Ok(PoliciesOn { policies, applications, applicants, approved, approved_yuan, paid, paid_yuan })
}
