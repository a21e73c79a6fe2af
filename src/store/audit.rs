//! The append-only audit log: who changed what, when, and how it looked before and
//! after, kept as a hash chain that `verify_chain` walks to find edited, deleted or
//! reordered entries.

use std::sync::Mutex;

use serde::Serialize;
use sha2::{Digest, Sha256};
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

/// The `prev_hash` of the first chained entry: the chain starts here.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry: SHA-256 over a domain tag and the JSON array
/// `[prev_hash, at, actor_id, actor_name, action, entity, entity_id, before_json, after_json]`.
///
/// JSON encodes each field with its own delimiters and escapes, and keeps `null`
/// apart from `""` and from the text `"null"`, so no two different entries share
/// an encoding (concatenation would let `("ab","c")` pass for `("a","bc")`).
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    prev_hash: &str,
    at: &str,
    actor_id: Option<i64>,
    actor_name: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before_json: Option<&str>,
    after_json: Option<&str>,
) -> String {
    let fields = (prev_hash, at, actor_id, actor_name, action, entity, entity_id, before_json, after_json);
    let encoded = serde_json::to_vec(&fields).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(b"zonedesk-audit-v1\n");
    hasher.update(&encoded);
    hex::encode(hasher.finalize())
}

/// The hash this process last wrote to the chain head: a guess that saves the
/// locking read on the hot path. It is only ever used in a compare-and-set on the
/// head, so a wrong guess (a rolled-back append, another instance, another
/// database) costs one more statement and never a wrong link.
static TIP_GUESS: Mutex<Option<String>> = Mutex::new(None);

fn tip_guess() -> Option<String> {
    TIP_GUESS.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

fn remember_tip(hash: &str) {
    *TIP_GUESS.lock().unwrap_or_else(|p| p.into_inner()) = Some(hash.to_string());
}

/// Appends an entry to the hash chain, in the caller's transaction.
///
/// The head row is updated before the INSERT and stays locked until the caller
/// commits (PostgreSQL) or is written under the single writer (SQLite), so
/// concurrent appends link one after the other and take their ids in chain order.
/// Usually one extra statement: a compare-and-set of the head from the hash this
/// process wrote last; when that misses, a locking read and a write of the head.
pub async fn append(conn: &mut AnyConnection, e: &NewAuditEntry<'_>) -> Result<(), sqlx::Error> {
    let at = now();
    let before = e.before.as_ref().map(|v| v.to_string());
    let after = e.after.as_ref().map(|v| v.to_string());
    let hash_after = |prev: &str| entry_hash(prev, &at, e.actor_id, e.actor_name, e.action, e.entity, e.entity_id, before.as_deref(), after.as_deref());
    let mut linked = None;
    if let Some(prev) = tip_guess() {
        let hash = hash_after(&prev);
        let done =
            sqlx::query("UPDATE audit_chain_head SET last_hash = $1 WHERE id = 1 AND last_hash = $2").bind(&hash).bind(&prev).execute(&mut *conn).await?;
        if done.rows_affected() == 1 {
            linked = Some((prev, hash));
        }
    }
    let (prev, hash) = match linked {
        Some(link) => link,
        None => {
            // a no-op update takes the row lock and reads the head as it now is
            let prev: String =
                sqlx::query_scalar("UPDATE audit_chain_head SET last_hash = last_hash WHERE id = 1 RETURNING last_hash").fetch_one(&mut *conn).await?;
            let hash = hash_after(&prev);
            sqlx::query("UPDATE audit_chain_head SET last_hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
            (prev, hash)
        }
    };
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&at)
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(before)
    .bind(after)
    .bind(&prev)
    .bind(&hash)
    .execute(conn)
    .await?;
    remember_tip(&hash);
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

// ---- verifying the chain ---------------------------------------------------

/// How a chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// an entry's fields no longer give its hash: it was edited
    Altered,
    /// an entry's link names an entry that is not in the log: the one before it was deleted (or rewritten with a new hash)
    Deleted,
    /// an entry's link names an entry that stands elsewhere in the log: entries were reordered
    Reordered,
    /// an entry after the chain start carries no hash
    Unhashed,
    /// the newest entries are missing: the last entry is not the head of the chain
    Truncated,
}

/// Where and why the chain is broken (the first break in id order).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChainBreak {
    /// the first entry that does not verify (for a truncated tail: the last entry there is, if any)
    pub id: Option<i64>,
    pub kind: BreakKind,
    /// what is wrong, in Chinese
    pub message: String,
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChainReport {
    pub ok: bool,
    /// chained entries checked (up to the break, if there is one)
    pub verified: i64,
    /// entries written before the chain existed (no hash), before the chain start
    pub unchained: i64,
    /// the hash the head names; write it down elsewhere to detect a rewrite of the whole chain later
    pub head_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<ChainBreak>,
}

#[derive(FromRow)]
struct ChainRow {
    id: i64,
    at: String,
    actor_id: Option<i64>,
    actor_name: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl ChainRow {
    fn computed_hash(&self) -> String {
        let prev = self.prev_hash.as_deref().unwrap_or("");
        entry_hash(
            prev,
            &self.at,
            self.actor_id,
            &self.actor_name,
            &self.action,
            &self.entity,
            self.entity_id,
            self.before_json.as_deref(),
            self.after_json.as_deref(),
        )
    }
}

/// Rows read per query while walking: the walk holds one batch in memory.
const VERIFY_BATCH: i64 = 1000;

/// Walks the audit log in id order, a batch at a time, and checks every link and
/// every hash from the chain start on, then the head against the last entry.
/// Entries appended while it runs are walked too.
///
/// # Errors
/// Only a database failure; a broken chain is a report, not an error.
pub async fn verify_chain(db: &Db) -> Result<ChainReport, sqlx::Error> {
    let mut report = ChainReport { ok: true, verified: 0, unchained: 0, head_hash: String::new(), broken: None };
    // the hash the next chained entry must name as its predecessor; None until the chain starts
    let mut expected: Option<(Option<i64>, String)> = None;
    let mut after_id = i64::MIN;
    let mut last_id = None;
    loop {
        let rows: Vec<ChainRow> = sqlx::query_as(
            "SELECT id, at, actor_id, actor_name, action, entity, entity_id, before_json, after_json, prev_hash, hash \
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(VERIFY_BATCH)
        .fetch_all(db.pool())
        .await?;
        if rows.is_empty() {
            // the head is read first, then the log again: an append that commits in
            // between shows in the second read and is walked, not taken for a break
            let head: String = sqlx::query_scalar("SELECT last_hash FROM audit_chain_head WHERE id = 1").fetch_one(db.pool()).await?;
            let more: Option<i64> =
                sqlx::query_scalar("SELECT id FROM audit_log WHERE id > $1 ORDER BY id LIMIT 1").bind(after_id).fetch_optional(db.pool()).await?;
            if more.is_some() {
                continue;
            }
            let tip = expected.as_ref().map_or(GENESIS, |(_, h)| h.as_str());
            if head != tip {
                let message = match last_id {
                    Some(id) => format!("最后一条记录 #{id} 不是链尾：其后的记录已被删除（链尾哈希 {head} 不在日志中）"),
                    None => format!("审计日志为空，但链尾哈希为 {head}：记录已被删除"),
                };
                report.broken = Some(ChainBreak { id: last_id, kind: BreakKind::Truncated, message });
            }
            report.head_hash = head;
            break;
        }
        for row in rows {
            after_id = row.id;
            last_id = Some(row.id);
            let Some(hash) = row.hash.clone() else {
                if expected.is_none() {
                    report.unchained += 1;
                    continue;
                }
                let message = format!("记录 #{} 没有哈希：链中的记录不应缺少哈希（哈希被清除，或记录绕过了审计链写入）", row.id);
                return broken(report, db, Some(row.id), BreakKind::Unhashed, message).await;
            };
            let (prev_id, prev_hash) = expected.clone().unwrap_or((None, GENESIS.to_string()));
            if row.prev_hash.as_deref() != Some(prev_hash.as_str()) {
                let (kind, message) = link_break(db, &row, prev_id).await?;
                return broken(report, db, Some(row.id), kind, message).await;
            }
            if row.computed_hash() != hash {
                let message = format!("记录 #{} 的内容与其哈希不符：该记录已被修改", row.id);
                return broken(report, db, Some(row.id), BreakKind::Altered, message).await;
            }
            report.verified += 1;
            expected = Some((Some(row.id), hash));
        }
    }
    report.ok = report.broken.is_none();
    Ok(report)
}

/// Explains a link that does not name the entry before: the entry it names
/// stands elsewhere (reordered) or nowhere (deleted, or rewritten).
async fn link_break(db: &Db, row: &ChainRow, prev_id: Option<i64>) -> Result<(BreakKind, String), sqlx::Error> {
    let named: Option<i64> = match row.prev_hash.as_deref() {
        Some(h) if h != GENESIS => sqlx::query_scalar("SELECT id FROM audit_log WHERE hash = $1 ORDER BY id LIMIT 1").bind(h).fetch_optional(db.pool()).await?,
        _ => None,
    };
    let after = match prev_id {
        Some(p) => format!("前一条记录 #{p}"),
        None => "链首".to_string(),
    };
    Ok(match (named, row.prev_hash.as_deref()) {
        (Some(other), _) => (BreakKind::Reordered, format!("记录 #{} 与{after}不衔接：它应紧随记录 #{other} 之后，记录顺序已被调换", row.id)),
        (None, Some(GENESIS)) => (BreakKind::Reordered, format!("记录 #{} 自称链首，却排在{after}之后：记录顺序已被调换或有记录被插入", row.id)),
        (None, _) => (BreakKind::Deleted, format!("记录 #{} 与{after}不衔接：它之前的记录已被删除（或被改写）", row.id)),
    })
}

async fn broken(mut report: ChainReport, db: &Db, id: Option<i64>, kind: BreakKind, message: String) -> Result<ChainReport, sqlx::Error> {
    report.head_hash = sqlx::query_scalar("SELECT last_hash FROM audit_chain_head WHERE id = 1").fetch_one(db.pool()).await?;
    report.ok = false;
    report.broken = Some(ChainBreak { id, kind, message });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(actor_name: &str, action: &str, before: Option<&str>) -> String {
        entry_hash(GENESIS, "2020-03-19T01:00:00.000000Z", Some(1), actor_name, action, "enterprise", Some(7), before, None)
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        assert_ne!(hash_of("ab", "c", None), hash_of("a", "bc", None));
        assert_ne!(hash_of("a\",\"b", "c", None), hash_of("a", "b\",\"c", None));
    }

    #[test]
    fn absent_empty_and_null_text_differ() {
        assert_ne!(hash_of("a", "b", None), hash_of("a", "b", Some("")));
        assert_ne!(hash_of("a", "b", None), hash_of("a", "b", Some("null")));
    }

    #[test]
    fn the_hash_depends_on_the_link_and_is_stable() {
        let a = hash_of("admin", "create", Some("{}"));
        assert_eq!(a, hash_of("admin", "create", Some("{}")));
        assert_eq!(a.len(), 64);
        let relinked = entry_hash(&a, "2020-03-19T01:00:00.000000Z", Some(1), "admin", "create", "enterprise", Some(7), Some("{}"), None);
        assert_ne!(a, relinked);
    }
}
