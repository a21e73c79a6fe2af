//! A small builder for filtered, paginated queries with `$n` placeholders,
//! which both SQLite and PostgreSQL understand.

use serde::{Deserialize, Serialize};
use sqlx::Arguments;
use sqlx::any::AnyArguments;
use utoipa::{IntoParams, ToSchema};

/// `?page=&per_page=` as every list takes them.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub struct PageRequest {
    /// 1-based page number
    pub page: Option<i64>,
    /// rows per page, 1–200 (default 20)
    pub per_page: Option<i64>,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: i64 = 20;
    pub const MAX_PER_PAGE: i64 = 200;

    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(&self) -> i64 {
        self.per_page.unwrap_or(Self::DEFAULT_PER_PAGE).clamp(1, Self::MAX_PER_PAGE)
    }

    pub fn offset(&self) -> i64 {
        (self.page() - 1).saturating_mul(self.per_page())
    }
}

/// One page of a list, as the API answers it: `{"items":[…],"total":N}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// A value bound into a query built at run time.
#[derive(Debug, Clone)]
pub enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Self {
        Bind::Int(v)
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Self {
        Bind::Text(v)
    }
}

impl From<&str> for Bind {
    fn from(v: &str) -> Self {
        Bind::Text(v.to_string())
    }
}

/// WHERE conditions with their bound values, numbered as they are added.
#[derive(Default)]
pub struct Conditions {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Conditions {
    /// Adds a condition; each `{}` in `clause` becomes the next `$n` bound to `value`.
    pub fn push(&mut self, clause: &str, value: impl Into<Bind>) -> &mut Self {
        let value = value.into();
        let values = vec![value; clause.matches("{}").count()];
        self.push_each(clause, &values)
    }

    /// Adds a condition whose `{}` placeholders take `values` in order.
    pub fn push_each(&mut self, clause: &str, values: &[Bind]) -> &mut Self {
        let mut text = String::new();
        let mut rest = clause;
        let mut values = values.iter();
        while let (Some(at), Some(value)) = (rest.find("{}"), values.next()) {
            self.binds.push(value.clone());
            text.push_str(&rest[..at]);
            text.push_str(&format!("${}", self.binds.len()));
            rest = &rest[at + 2..];
        }
        text.push_str(rest);
        self.clauses.push(text);
        self
    }

    /// A condition with no bound value.
    pub fn push_raw(&mut self, clause: &str) -> &mut Self {
        self.clauses.push(clause.to_string());
        self
    }

    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!(" WHERE {}", self.clauses.join(" AND ")) }
    }

    /// The arguments so far, for the COUNT query.
    pub fn args(&self) -> AnyArguments<'static> {
        arguments(&self.binds)
    }

    /// `LIMIT $n OFFSET $m` and the arguments including them, for the page query.
    pub fn limit_sql(&self, page: &PageRequest) -> (String, AnyArguments<'static>) {
        let mut binds = self.binds.clone();
        binds.push(Bind::Int(page.per_page()));
        binds.push(Bind::Int(page.offset()));
        let n = self.binds.len();
        (format!(" LIMIT ${} OFFSET ${}", n + 1, n + 2), arguments(&binds))
    }
}

impl Conditions {
    /// One page of rows: `SELECT COUNT(*) {count_from}` and `{select}` under these
    /// conditions, ordered by `order_by` (" ORDER BY …"), with LIMIT/OFFSET.
    ///
    /// # Errors
    /// A database failure.
    pub async fn fetch_page<T>(&self, db: &super::Db, count_from: &str, select: &str, order_by: &str, page: &PageRequest) -> Result<Page<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let total: i64 = sqlx::query_scalar_with(&format!("SELECT COUNT(*) {count_from}{}", self.where_sql()), self.args()).fetch_one(db.pool()).await?;
        let (limit, args) = self.limit_sql(page);
        let items = sqlx::query_as_with(&format!("{select}{}{order_by}{limit}", self.where_sql()), args).fetch_all(db.pool()).await?;
        Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
    }
}

fn arguments(binds: &[Bind]) -> AnyArguments<'static> {
    let mut args = AnyArguments::default();
    for b in binds {
        // adding an integer or a string to AnyArguments cannot fail
        let _ = match b {
            Bind::Int(v) => args.add(*v),
            Bind::Text(v) => args.add(v.clone()),
        };
    }
    args
}

/// Escapes `%` and `_` so user text in LIKE matches literally.
pub fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut c = Conditions::default();
        c.push("a = {}", 1i64).push("(b LIKE {} OR c LIKE {})", "x".to_string());
        assert_eq!(c.where_sql(), " WHERE a = $1 AND (b LIKE $2 OR c LIKE $3)");
        let (limit, _) = c.limit_sql(&PageRequest { page: Some(2), per_page: Some(10) });
        assert_eq!(limit, " LIMIT $4 OFFSET $5");
    }

    #[test]
    fn pages_are_clamped() {
        let p = PageRequest { page: Some(0), per_page: Some(100_000) };
        assert_eq!((p.page(), p.per_page(), p.offset()), (1, 200, 0));
    }

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
