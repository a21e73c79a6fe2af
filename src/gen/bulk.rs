//! Multi-row INSERT for the bulk load: one statement carries hundreds of rows,
//! and every full statement of a table has the same text, so each connection
//! prepares it once.
//!
//! Placeholders are the one per-backend branch: PostgreSQL needs `$n`, and on
//! SQLite numbered placeholders cost time quadratic in their number (sqlx asks
//! `sqlite3_bind_parameter_name` for each, which walks the statement's list of
//! names), so SQLite gets anonymous `?`, bound in order.

use sqlx::AnyConnection;
use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;

use crate::store::Backend;

/// A query being bound.
pub type Q<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Binds one row's values, in the order of the table's columns.
pub type Binder<R> = for<'q> fn(Q<'q>, &'q R) -> Q<'q>;

/// Bound values per statement: below SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_VALUES: usize = 30_000;
/// Rows per statement: beyond a few hundred a longer statement saves nothing.
const MAX_ROWS: usize = 500;

/// A table and the columns the generator writes.
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

impl Table {
    fn rows_per_statement(&self) -> usize {
        (MAX_VALUES / self.columns.len()).clamp(1, MAX_ROWS)
    }

    fn sql(&self, rows: usize, backend: Backend) -> String {
        let width = self.columns.len();
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.name, self.columns.join(", "));
        sql.reserve(rows * width * 7);
        for r in 0..rows {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => {
                        sql.push('$');
                        sql.push_str(&(r * width + c + 1).to_string());
                    }
                }
            }
            sql.push(')');
        }
        sql
    }
}

/// Inserts `rows` into `table`, as many per statement as the limits allow.
///
/// # Errors
/// The database refused a statement (a constraint, or the connection failed).
pub async fn insert<R>(conn: &mut AnyConnection, backend: Backend, table: &Table, rows: &[R], bind: Binder<R>) -> Result<(), sqlx::Error> {
    let per = table.rows_per_statement();
    let full = table.sql(per, backend);
    for chunk in rows.chunks(per) {
        let partial;
        let sql = if chunk.len() == per {
            &full
        } else {
            partial = table.sql(chunk.len(), backend);
            &partial
        };
        let mut query = sqlx::query(sql);
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        let t = Table { name: "t", columns: &["a", "b"] };
        assert_eq!(t.sql(2, Backend::Postgres), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(t.sql(2, Backend::Sqlite), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        let wide = Table { name: "w", columns: &["c"; 100] };
        assert_eq!(wide.rows_per_statement(), 300);
    }
}
