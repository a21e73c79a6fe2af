//! Users and their sessions (browser cookies and API bearer tokens).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use utoipa::ToSchema;

use super::query::{Page, PageRequest};
use super::{Db, StoreError, now};
use crate::domain::Role;

/// A user as stored, with the names of what its scope points at.
#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: RoleCode,
    pub township_id: Option<i64>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub cadre_id: Option<i64>,
    /// the volunteer record a volunteer is bound to
    pub volunteer_id: Option<i64>,
    /// the isolation observation point a staff member works at
    pub isolation_point_id: Option<i64>,
    /// what the user's scope is, by name (township, department, enterprise, cadre, volunteer or point)
    pub scope_name: Option<String>,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

/// A role as stored (decoded from its code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(transparent)]
pub struct RoleCode(pub Role);

impl TryFrom<String> for RoleCode {
    type Error = String;
    fn try_from(code: String) -> Result<Self, String> {
        Role::parse(&code).map(Self).ok_or(code)
    }
}

const USER_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.township_id, u.department_id, \
     u.enterprise_id, u.cadre_id, u.volunteer_id, u.isolation_point_id, COALESCE(t.name, d.name, e.name, c.name, v.name, ip.name) AS scope_name, \
     u.created_at, u.disabled_at \
     FROM users u LEFT JOIN townships t ON t.id = u.township_id LEFT JOIN departments d ON d.id = u.department_id \
     LEFT JOIN enterprises e ON e.id = u.enterprise_id LEFT JOIN cadres c ON c.id = u.cadre_id \
     LEFT JOIN volunteers v ON v.id = u.volunteer_id LEFT JOIN isolation_points ip ON ip.id = u.isolation_point_id";

/// A new user's row; the scope columns not used by its role stay empty.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub township_id: Option<i64>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub cadre_id: Option<i64>,
    pub volunteer_id: Option<i64>,
    pub isolation_point_id: Option<i64>,
}

pub async fn insert_user(conn: &mut AnyConnection, u: &NewUser<'_>) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, township_id, department_id, enterprise_id, cadre_id, volunteer_id, \
         isolation_point_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.role.code())
    .bind(u.township_id)
    .bind(u.department_id)
    .bind(u.enterprise_id)
    .bind(u.cadre_id)
    .bind(u.volunteer_id)
    .bind(u.isolation_point_id)
    .bind(now())
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn find_user_by_username(db: &Db, username: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!("{USER_SELECT} WHERE u.username = $1")).bind(username).fetch_optional(db.pool()).await
}

pub async fn find_user(conn: &mut AnyConnection, id: i64) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!("{USER_SELECT} WHERE u.id = $1")).bind(id).fetch_optional(conn).await
}

pub async fn list_users(db: &Db, page: &PageRequest) -> Result<Page<User>, sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db.pool()).await?;
    let items =
        sqlx::query_as(&format!("{USER_SELECT} ORDER BY u.id LIMIT $1 OFFSET $2")).bind(page.per_page()).bind(page.offset()).fetch_all(db.pool()).await?;
    Ok(Page { items, total, page: page.page(), per_page: page.per_page() })
}

/// Binds a volunteer or isolation-staff account to its row (`None` unbinds it).
pub async fn set_user_binding(conn: &mut AnyConnection, id: i64, volunteer_id: Option<i64>, isolation_point_id: Option<i64>) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE users SET volunteer_id = $1, isolation_point_id = $2 WHERE id = $3")
        .bind(volunteer_id)
        .bind(isolation_point_id)
        .bind(id)
        .execute(conn)
        .await
        .map_err(StoreError::classify)?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn set_user_disabled(conn: &mut AnyConnection, id: i64, disabled: bool) -> Result<(), StoreError> {
    let at = disabled.then(now);
    let done = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2").bind(at).bind(id).execute(&mut *conn).await.map_err(StoreError::classify)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(conn).await?;
    }
    Ok(())
}

pub async fn set_password_hash(conn: &mut AnyConnection, id: i64, hash: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(id).execute(&mut *conn).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(conn).await?;
    Ok(())
}

// ---- sessions --------------------------------------------------------------

/// Whether a session rides in a cookie (with CSRF) or in an Authorization header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    Bearer,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::Bearer => "bearer",
        }
    }
}

// Writes below go through `begin_write`: on SQLite a write outside the writer
// lock could invalidate the snapshot of a write transaction that has read
// already, which then fails with SQLITE_BUSY instead of waiting.

pub async fn insert_session(db: &Db, token_hash: &str, user_id: i64, kind: SessionKind, csrf: &str, expires_at: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(token_hash)
        .bind(user_id)
        .bind(kind.code())
        .bind(csrf)
        .bind(now())
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A session with its user, as every authenticated request needs them.
#[derive(Debug, Clone, FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: User,
    pub kind: String,
    pub csrf_token: String,
    pub expires_at: String,
}

/// The session of a token hash and its user, in one query: this runs on every
/// authenticated request.
pub async fn find_session_user(db: &Db, token_hash: &str) -> Result<Option<SessionUser>, sqlx::Error> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        USER_SELECT.replacen(" FROM users u ", ", s.kind, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id ", 1)
            + " WHERE s.token_hash = $1"
    });
    sqlx::query_as(&SQL).bind(token_hash).fetch_optional(db.pool()).await
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
    tx.commit().await
}

/// Ends every session and token of a user; answers how many there were.
pub async fn delete_user_sessions(conn: &mut AnyConnection, user_id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(conn).await?.rows_affected())
}

pub async fn delete_expired_sessions(db: &Db) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let deleted = sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now()).execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(deleted)
}

// ---- the log-in throttle ---------------------------------------------------

/// Counts one log-in attempt for `subject` in one statement (so that parallel
/// attempts, on any server, are all counted): a window that started before
/// `window_cutoff` starts anew at `now`. Answers the count and the window start.
pub async fn count_login_attempt(db: &Db, subject: &str, now: &str, window_cutoff: &str) -> Result<(i64, String), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let counted = sqlx::query_as(
        "INSERT INTO login_throttle (subject, failures, window_start) VALUES ($1, 1, $2) \
         ON CONFLICT (subject) DO UPDATE SET \
         failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END, \
         window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END \
         RETURNING failures, window_start",
    )
    .bind(subject)
    .bind(now)
    .bind(window_cutoff)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(counted)
}

pub async fn clear_login_attempts(db: &Db, subject: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM login_throttle WHERE subject = $1").bind(subject).execute(&mut *tx).await?;
    tx.commit().await
}

/// Deletes the counters whose window started before `window_cutoff`.
pub async fn purge_login_attempts(db: &Db, window_cutoff: &str) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let deleted = sqlx::query("DELETE FROM login_throttle WHERE window_start < $1").bind(window_cutoff).execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(deleted)
}
