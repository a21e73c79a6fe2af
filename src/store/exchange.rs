//! What imports from Excel need beyond the repositories of each capability:
//! look-up indexes loaded once per file (so that checking a row costs no query)
//! and a batched insert of enterprises for province-sized files.

use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments, FromRow};

use super::{Db, StoreError};
use crate::domain::EnterpriseFields;

/// An enterprise as an import refers to it: by name or credit code.
#[derive(Debug, Clone, FromRow)]
pub struct EnterpriseKey {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub township_id: i64,
}

/// Every enterprise's id, name, credit code and township.
///
/// # Errors
/// The database failed.
pub async fn enterprise_keys(db: &Db) -> Result<Vec<EnterpriseKey>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, credit_code, township_id FROM enterprises ORDER BY id").fetch_all(db.pool()).await
}

/// Every site's township and name (a township's site names are unique).
///
/// # Errors
/// The database failed.
pub async fn site_keys(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT township_id, name FROM sites").fetch_all(db.pool()).await
}

/// Rows per INSERT statement: 10 values each, well under SQLite's 32,766 and
/// PostgreSQL's 65,535 bound parameters.
pub const ENTERPRISE_BATCH: usize = 500;

/// Inserts enterprises with a multi-row INSERT, answering their new ids.
///
/// # Errors
/// `Unique` on a registered credit code, or another database failure.
pub async fn insert_enterprises(conn: &mut AnyConnection, rows: &[EnterpriseFields], at: &str) -> Result<Vec<i64>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = String::from(
        "INSERT INTO enterprises (name, credit_code, industry, kind, township_id, address, contact_name, contact_phone, headcount, created_at, updated_at) VALUES ",
    );
    let mut args = AnyArguments::default();
    let mut n = 0;
    for (i, f) in rows.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        let p: Vec<String> = (1..=10).map(|k| format!("${}", n + k)).collect();
        sql.push_str(&format!("({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})", p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[9]));
        n += 10;
        // adding a string or an integer to AnyArguments cannot fail
        let _ = args.add(f.name.clone());
        let _ = args.add(f.credit_code.as_str().to_string());
        let _ = args.add(f.industry.clone());
        let _ = args.add(f.kind.code().to_string());
        let _ = args.add(f.township_id);
        let _ = args.add(f.address.clone());
        let _ = args.add(f.contact_name.clone());
        let _ = args.add(f.contact_phone.clone());
        let _ = args.add(f.headcount);
        let _ = args.add(at.to_string());
    }
    sql.push_str(" RETURNING id");
    sqlx::query_scalar_with(&sql, args).fetch_all(conn).await.map_err(StoreError::classify)
}
