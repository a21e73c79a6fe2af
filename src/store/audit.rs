//! The append-only audit log: who changed what, when, and how it looked before and after.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Conditions, Page, PageRequest};
use super::{Db, now};

/// One audit entry.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// create, update, delete, login, …
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// What a use case records; written in the same transaction as the change.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn append(conn: &mut AnyConnection, e: &NewAuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(now())
        .bind(e.actor_id)
        .bind(e.actor_name)
        .bind(e.action)
        .bind(e.entity)
        .bind(e.entity_id)
        .bind(e.before.as_ref().map(|v| v.to_string()))
        .bind(e.after.as_ref().map(|v| v.to_string()))
        .execute(conn)
        .await?;
    Ok(())
}

/// Filters of the audit list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
}

pub async fn list(db: &Db, filter: &AuditFilter, page: &PageRequest) -> Result<Page<AuditEntry>, sqlx::Error> {
    let mut c = Conditions::default();
    if let Some(e) = &filter.entity {
        c.push("entity = {}", e.clone());
    }
    if let Some(id) = filter.entity_id {
        c.push("entity_id = {}", id);
    }
    if let Some(id) = filter.actor_id {
        c.push("actor_id = {}", id);
    }
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) FROM audit_log{}", c.where_sql()), c.args()).fetch_one(db.pool()).await?;
    let (limit, args) = c.limit_sql(page);
    let items = sqlx::query_as_with(
        &format!(
            "SELECT id, at, actor_id, actor_name, action, entity, entity_id, before_json, after_json FROM audit_log{} ORDER BY id DESC{limit}",
            c.where_sql()
        ),
        args,
    )
    .fetch_all(db.pool())
    .await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}
