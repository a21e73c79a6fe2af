//! Scheduled jobs shared by every instance on one database: each slot of a job
//! (a minute, a day) is claimed by exactly one runner.

use std::sync::OnceLock;

use super::Db;

/// This process, as the run log names it: host, pid and a random part (a pid
/// repeats across machines and restarts).
pub fn runner_id() -> &'static str {
    static RUNNER: OnceLock<String> = OnceLock::new();
    RUNNER.get_or_init(|| {
        let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "host".into());
        let nonce = &crate::app::auth::random_secret()[..6];
        format!("{host}:{}:{nonce}", std::process::id())
    })
}

/// Claims `slot` of `job` for `runner`; true for exactly one caller per slot,
/// however many instances ask at once (the primary key decides).
///
/// # Errors
/// A database failure.
pub async fn claim(db: &Db, job: &str, slot: &str, runner: &str, at: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("INSERT INTO scheduled_runs (job, slot, runner, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT (job, slot) DO NOTHING")
        .bind(job)
        .bind(slot)
        .bind(runner)
        .bind(at)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets runs started before `before` (the log is for audit and tests, not history).
///
/// # Errors
/// A database failure.
pub async fn prune(db: &Db, before: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM scheduled_runs WHERE started_at < $1").bind(before).execute(db.pool()).await?.rows_affected())
}
