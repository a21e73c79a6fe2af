//! Log-in, sessions and tokens, password hashing (argon2id) and the throttle on
//! repeated failed log-ins.

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Actor;
use crate::domain::Role;
use crate::error::AppError;
use crate::store::users::{self, SessionKind, User};
use crate::store::{self, Db, audit};

/// How long a browser session lives.
pub const COOKIE_SESSION_HOURS: i64 = 12;
/// How long an API token lives; a script that runs longer logs in again.
pub const BEARER_TOKEN_HOURS: i64 = 12;

/// Hashes a password with argon2id and a random salt.
///
/// # Errors
/// Only if the hasher itself fails (it does not for valid parameters).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Counts failed log-ins per user name within a window and refuses further
/// attempts once the limit is reached, until the window passes.
///
/// The counters live in the database (`login_throttle`), so that every server
/// on one database counts the same failures; this holds only the limits.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    limit: u32,
    window: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(LOGIN_FAILURE_LIMIT, Duration::from_secs(LOGIN_WINDOW_SECS))
    }
}

/// Failed log-ins allowed per user name within the window.
pub const LOGIN_FAILURE_LIMIT: u32 = 5;
/// The throttle's window: the lock-out ends this long after the window's first failure.
pub const LOGIN_WINDOW_SECS: u64 = 15 * 60;

impl LoginThrottle {
    pub fn new(limit: u32, window: Duration) -> Self {
        LoginThrottle { limit, window }
    }

    fn window(&self) -> time::Duration {
        time::Duration::try_from(self.window).unwrap_or(time::Duration::MINUTE)
    }

    /// Counts an attempt for `key` before the password is checked, so that
    /// parallel guesses cannot all pass a check made before any is counted.
    ///
    /// # Errors
    /// `TooManyRequests` when this attempt is over the limit.
    pub async fn attempt(&self, db: &Db, key: &str) -> Result<(), AppError> {
        let now = time::OffsetDateTime::now_utc();
        let (failures, since) = users::count_login_attempt(db, key, &store::timestamp(now), &store::timestamp(now - self.window())).await?;
        if failures > i64::from(self.limit) {
            let since = time::OffsetDateTime::parse(&since, &time::format_description::well_known::Rfc3339).unwrap_or(now);
            let left = (since + self.window() - now).whole_seconds();
            return Err(AppError::TooManyRequests { retry_after_secs: u64::try_from(left).unwrap_or(0).max(1) });
        }
        Ok(())
    }

    /// Forgets `key`'s failures (after a successful log-in).
    ///
    /// # Errors
    /// Only a database failure.
    pub async fn clear(&self, db: &Db, key: &str) -> Result<(), AppError> {
        users::clear_login_attempts(db, key).await?;
        Ok(())
    }

    /// Deletes counters whose window has passed.
    ///
    /// # Errors
    /// Only a database failure.
    pub async fn purge(&self, db: &Db) -> Result<u64, AppError> {
        let cutoff = store::timestamp(time::OffsetDateTime::now_utc() - self.window());
        Ok(users::purge_login_attempts(db, &cutoff).await?)
    }
}

/// A new session: the secret goes to the client once and is never stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub actor: Actor,
    /// when the session or token stops working (ISO-8601 UTC)
    pub expires_at: String,
}

/// Checks a user name and password and opens a session of the given kind.
///
/// # Errors
/// `TooManyRequests` after repeated failures, `Unauthorized` for wrong or disabled credentials.
pub async fn log_in(db: &Db, throttle: &LoginThrottle, username: &str, password: &str, kind: SessionKind) -> Result<NewSession, AppError> {
    // no user name is longer than 32 characters: a longer one cannot grow the table
    let key: String = username.trim().to_lowercase().chars().take(64).collect();
    throttle.attempt(db, &key).await?;
    let user = users::find_user_by_username(db, username.trim()).await?;
    let valid = match &user {
        Some(u) => verify_password(password, &u.password_hash) && u.disabled_at.is_none(),
        None => {
            // spend the same time as a real check so that timing does not reveal user names
            let _ = verify_password(password, DUMMY_HASH);
            false
        }
    };
    let Some(user) = user.filter(|_| valid) else {
        // the attempt is already counted
        return Err(AppError::Unauthorized("用户名或密码错误"));
    };
    throttle.clear(db, &key).await?;
    let lifetime = match kind {
        SessionKind::Cookie => time::Duration::hours(COOKIE_SESSION_HOURS),
        SessionKind::Bearer => time::Duration::hours(BEARER_TOKEN_HOURS),
    };
    let token = random_secret();
    let csrf_token = random_secret();
    let expires_at = store::timestamp(time::OffsetDateTime::now_utc() + lifetime);
    users::insert_session(db, &hash_secret(&token), user.id, kind, &csrf_token, &expires_at).await?;
    Ok(NewSession { token, csrf_token, actor: actor_of(&user), expires_at })
}

/// The actor behind a session secret, with the session's CSRF token.
///
/// # Errors
/// `Unauthorized` for an unknown, expired, wrong-kind or disabled session.
pub async fn authenticate(db: &Db, token: &str, kind: SessionKind) -> Result<(Actor, String), AppError> {
    const GONE: AppError = AppError::Unauthorized("未登录或登录已过期，请重新登录");
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(GONE);
    }
    let hash = hash_secret(token);
    let session = users::find_session_user(db, &hash).await?.ok_or(GONE)?;
    let kind_code = match kind {
        SessionKind::Cookie => "cookie",
        SessionKind::Bearer => "bearer",
    };
    if session.kind != kind_code || session.expires_at < store::now() || session.user.disabled_at.is_some() {
        return Err(GONE);
    }
    Ok((actor_of(&session.user), session.csrf_token))
}

/// Ends every session and API token of a user at once (admin only), e.g. when
/// a token may have leaked; the account itself stays usable.
///
/// # Errors
/// `Forbidden`, `NotFound` for an unknown user.
pub async fn revoke_user_sessions(db: &Db, actor: &Actor, user_id: i64) -> Result<u64, AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    users::find_user(&mut tx, user_id).await?.ok_or(AppError::NotFound("用户"))?;
    let revoked = users::delete_user_sessions(&mut tx, user_id).await?;
    let mut entry = actor.audit("revoke_sessions", "user", Some(user_id));
    entry.after = Some(serde_json::json!({ "sessions_revoked": revoked }));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(revoked)
}

/// Ends a session on the server, so its secret is worthless from now on.
///
/// # Errors
/// Only a database failure.
pub async fn log_out(db: &Db, token: &str) -> Result<(), AppError> {
    users::delete_session(db, &hash_secret(token)).await?;
    Ok(())
}

pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role.0,
        township_id: user.township_id,
        department_id: user.department_id,
        enterprise_id: user.enterprise_id,
        cadre_id: user.cadre_id,
    }
}

/// 32 random bytes as hex: session ids, API tokens, CSRF tokens.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn secrets_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hash of a random password, verified against when the user does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3lSjqx0y3u8ezLXrbyqYfMh0d2v1i7C7oQ3iNpb8Lr0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_passwords_verify_and_wrong_ones_do_not() {
        let hash = hash_password("demo").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("demo", &hash));
        assert!(!verify_password("Demo", &hash));
    }

    #[test]
    fn the_dummy_hash_is_well_formed() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(secrets_match("abc", "abc"));
        assert!(!secrets_match("abc", "abd"));
        assert!(!secrets_match("abc", "abcd"));
    }
}
