//! Investment leads (招商项目) and the quarterly targets (季度目标) they are
//! counted against.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Conditions, Page, PageRequest, like_pattern};
use super::{Db, StoreError};
use crate::domain::investment::{LeadFields, Stage, TargetFields};
use crate::domain::policy::serialize_wan;

/// 招商项目
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Lead {
    pub id: i64,
    pub name: String,
    pub investor: String,
    /// remote (不见面), phone (电话), online (网络)
    pub channel: String,
    /// negotiating (洽谈), signed (签约), landed (落地)
    pub stage: String,
    /// planned investment, 万元
    #[serde(rename = "amount_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub amount_yuan: i64,
    pub industry_chain: String,
    pub township_id: Option<i64>,
    pub township_name: Option<String>,
    pub negotiating_on: String,
    pub signed_on: Option<String>,
    pub landed_on: Option<String>,
    pub note: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const LEAD_SELECT: &str = "SELECT l.id, l.name, l.investor, l.channel, l.stage, l.amount_yuan, l.industry_chain, l.township_id, \
    t.name AS township_name, l.negotiating_on, l.signed_on, l.landed_on, l.note, l.created_at, l.updated_at, l.version \
    FROM investment_leads l LEFT JOIN townships t ON t.id = l.township_id";

/// Which leads a list shows.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub stage: Option<String>,
    pub channel: Option<String>,
    /// scope or filter: one township's leads
    pub township_id: Option<i64>,
    /// part of the name, the investor or the chain
    pub q: Option<String>,
    /// signed or landed (a stage's day) within [from, to]
    pub from: Option<String>,
    pub to: Option<String>,
}

pub async fn list_leads(db: &Db, f: &LeadFilter, page: &PageRequest) -> Result<Page<Lead>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(s) = &f.stage {
        c.push("l.stage = {}", s.as_str());
    }
    if let Some(ch) = &f.channel {
        c.push("l.channel = {}", ch.as_str());
    }
    if let Some(t) = f.township_id {
        c.push("l.township_id = {}", t);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c.push("(l.name LIKE {} ESCAPE '\\' OR l.investor LIKE {} ESCAPE '\\' OR l.industry_chain LIKE {} ESCAPE '\\')", like_pattern(q));
    }
    if let Some(from) = &f.from {
        c.push("COALESCE(l.landed_on, l.signed_on, l.negotiating_on) >= {}", from.as_str());
    }
    if let Some(to) = &f.to {
        c.push("l.negotiating_on <= {}", to.as_str());
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM investment_leads l{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let sql = format!("{LEAD_SELECT}{} ORDER BY COALESCE(l.landed_on, l.signed_on, l.negotiating_on) DESC, l.id DESC{limit}", c.where_sql());
    let items = sqlx::query_as_with(&sql, args).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

pub async fn find_lead(conn: &mut AnyConnection, id: i64) -> Result<Option<Lead>, sqlx::Error> {
    sqlx::query_as(&format!("{LEAD_SELECT} WHERE l.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn insert_lead(conn: &mut AnyConnection, f: &LeadFields, created_by: Option<i64>, at: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO investment_leads (name, investor, channel, stage, amount_yuan, industry_chain, township_id, negotiating_on, note, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, 'negotiating', $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(&f.name)
    .bind(&f.investor)
    .bind(f.channel.code())
    .bind(f.amount_yuan)
    .bind(&f.industry_chain)
    .bind(f.township_id)
    .bind(super::project::iso(f.negotiating_on))
    .bind(&f.note)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// Moves a lead that is still at `version` to `stage`, on `day`.
///
/// # Errors
/// `Stale` when the lead changed since it was read.
pub async fn set_stage(conn: &mut AnyConnection, id: i64, version: i64, stage: Stage, day: &str, note: &str, at: &str) -> Result<(), StoreError> {
    let column = match stage {
        Stage::Signed => "signed_on",
        Stage::Landed => "landed_on",
        Stage::Negotiating => "negotiating_on",
    };
    let done = sqlx::query(&format!(
        "UPDATE investment_leads SET stage = $1, {column} = $2, note = $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6"
    ))
    .bind(stage.code())
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

// ---- targets and progress --------------------------------------------------------

/// A quarter's target.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct Target {
    pub id: i64,
    pub year: i64,
    pub quarter: i64,
    pub signed_count: i64,
    pub landed_count: i64,
    /// 万元
    #[serde(rename = "signed_amount_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub signed_amount_yuan: i64,
    pub note: String,
    pub updated_at: String,
}

pub async fn find_target(conn: &mut AnyConnection, year: i32, quarter: u8) -> Result<Option<Target>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, year, quarter, signed_count, landed_count, signed_amount_yuan, note, updated_at FROM investment_targets WHERE year = $1 AND quarter = $2",
    )
    .bind(i64::from(year))
    .bind(i64::from(quarter))
    .fetch_optional(conn)
    .await
}

pub async fn list_targets(db: &Db) -> Result<Vec<Target>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, year, quarter, signed_count, landed_count, signed_amount_yuan, note, updated_at FROM investment_targets ORDER BY year DESC, quarter DESC",
    )
    .fetch_all(db.pool())
    .await
}

/// Sets a quarter's target, replacing the one it had.
pub async fn upsert_target(conn: &mut AnyConnection, f: &TargetFields, at: &str) -> Result<(), StoreError> {
    let (year, quarter) = (i64::from(f.quarter.year), i64::from(f.quarter.quarter));
    let done = sqlx::query(
        "UPDATE investment_targets SET signed_count = $1, landed_count = $2, signed_amount_yuan = $3, note = $4, updated_at = $5 WHERE year = $6 AND quarter = $7",
    )
    .bind(f.signed_count)
    .bind(f.landed_count)
    .bind(f.signed_amount_yuan)
    .bind(&f.note)
    .bind(at)
    .bind(year)
    .bind(quarter)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO investment_targets (year, quarter, signed_count, landed_count, signed_amount_yuan, note, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(year)
        .bind(quarter)
        .bind(f.signed_count)
        .bind(f.landed_count)
        .bind(f.signed_amount_yuan)
        .bind(&f.note)
        .bind(at)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(())
}

/// What was reached in a period, in total and per channel.
#[derive(Debug, Clone, Default, Serialize, FromRow, ToSchema)]
pub struct Reached {
    /// the channel, or absent for the total
    pub channel: Option<String>,
    /// leads whose talks began in the period
    pub negotiating: i64,
    /// leads signed in the period
    pub signed: i64,
    /// leads landed in the period
    pub landed: i64,
    /// the planned investment of the leads signed in the period, 万元
    #[serde(rename = "signed_amount_wan", serialize_with = "serialize_wan")]
    #[schema(value_type = f64)]
    pub signed_amount_yuan: i64,
}

#[derive(FromRow)]
struct ReachedRow {
    channel: Option<String>,
    negotiating: Option<i64>,
    signed: Option<i64>,
    landed: Option<i64>,
    signed_amount_yuan: Option<i64>,
}

/// Counts in [from, to] (YYYY-MM-DD, inclusive), per channel; `township_id`
/// narrows to one township's leads.
pub async fn reached(db: &Db, from: &str, to: &str, township_id: Option<i64>) -> Result<Vec<Reached>, sqlx::Error> {
    let scope = if township_id.is_some() { " AND township_id = $3" } else { "" };
    // PostgreSQL sums BIGINT as NUMERIC: the cast keeps one decoding for both
    let sql = format!(
        "SELECT channel, \
         SUM(CASE WHEN negotiating_on >= $1 AND negotiating_on <= $2 THEN 1 ELSE 0 END) AS negotiating, \
         SUM(CASE WHEN signed_on >= $1 AND signed_on <= $2 THEN 1 ELSE 0 END) AS signed, \
         SUM(CASE WHEN landed_on >= $1 AND landed_on <= $2 THEN 1 ELSE 0 END) AS landed, \
         CAST(SUM(CASE WHEN signed_on >= $1 AND signed_on <= $2 THEN amount_yuan ELSE 0 END) AS BIGINT) AS signed_amount_yuan \
         FROM investment_leads WHERE negotiating_on <= $2{scope} GROUP BY channel ORDER BY channel"
    );
    let mut q = sqlx::query_as::<_, ReachedRow>(&sql).bind(from).bind(to);
    if let Some(t) = township_id {
        q = q.bind(t);
    }
    let rows = q.fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| Reached {
            channel: r.channel,
            negotiating: r.negotiating.unwrap_or(0),
            signed: r.signed.unwrap_or(0),
            landed: r.landed.unwrap_or(0),
            signed_amount_yuan: r.signed_amount_yuan.unwrap_or(0),
        })
        .collect())
}

/// Signed leads of a period by industry chain (产业链招商), most first.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct ChainCount {
    pub industry_chain: String,
    pub leads: i64,
    pub signed: i64,
}

pub async fn chains(db: &Db, from: &str, to: &str, township_id: Option<i64>) -> Result<Vec<ChainCount>, sqlx::Error> {
    let scope = if township_id.is_some() { " AND township_id = $3" } else { "" };
    let sql = format!(
        "SELECT industry_chain, COUNT(*) AS leads, COALESCE(SUM(CASE WHEN signed_on >= $1 AND signed_on <= $2 THEN 1 ELSE 0 END), 0) AS signed \
         FROM investment_leads WHERE industry_chain <> '' AND negotiating_on <= $2{scope} GROUP BY industry_chain ORDER BY signed DESC, leads DESC, industry_chain"
    );
    let mut q = sqlx::query_as::<_, ChainCount>(&sql).bind(from).bind(to);
    if let Some(t) = township_id {
        q = q.bind(t);
    }
    q.fetch_all(db.pool()).await
}
