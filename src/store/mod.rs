//! The database: one `Db` over SQLite (embedded, the default) or PostgreSQL,
//! chosen by URL. Both run the same SQL through sqlx's `Any` driver; migrations
//! are kept per backend in `migrations/` with the same file names.

pub mod audit;
pub mod employment;
pub mod exchange;
pub mod group_commit;
pub mod inspection;
pub mod investment;
pub mod isolation;
pub mod pii;
pub mod policy;
pub mod project;
pub mod query;
pub mod registry;
pub mod resumption;
pub mod schedule;
pub mod tutoring;
pub mod users;
pub mod workorder;

use std::sync::{Arc, Once, OnceLock};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use group_commit::WriteFuture;
pub use query::{Page, PageRequest};

use group_commit::GroupCommitter;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Which database a `Db` talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool, plus (on SQLite) the single-writer lock.
///
/// SQLite allows one writer at a time; a deferred transaction that reads and then
/// writes can fail with SQLITE_BUSY instead of waiting. Serialising write
/// transactions in the process makes every writer wait its turn instead.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    write_lock: Option<Arc<Mutex<()>>>,
    /// started on the first grouped write, in the runtime of its caller
    committer: Arc<OnceLock<GroupCommitter>>,
    /// the key of the personal information at rest (see `pii`)
    pii: Option<pii::PiiKey>,
    /// the officer counts last counted (see `registry::officers_on`)
    officer_counts: Arc<registry::OfficerCountsCache>,
}

/// A write transaction; on SQLite it holds the writer lock until it ends.
pub struct WriteTx {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// # Errors
    /// The database refused the commit.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Db {
    /// Opens `sqlite://PATH` (created if missing) or `postgres://…`.
    ///
    /// # Errors
    /// An unsupported URL scheme or a database that cannot be reached.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        install_drivers();
        let backend = backend_of(url)
            .ok_or_else(|| sqlx::Error::Configuration(format!("unsupported database URL (expected sqlite:// or postgres://): {}", redact(url)).into()))?;
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        let options: AnyConnectOptions = url.parse()?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    // a file on this machine does not hang up: a ping before every
                    // acquire would be one more hand-off to the connection's thread
                    // per query of every request (sqlx pings on release regardless)
                    .test_before_acquire(false)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers work during a write; FULL makes every
                            // acknowledged commit durable across a power loss.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(options).await?,
        };
        let write_lock = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let pii = pii::PiiKey::resolve(&url, true).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        Ok(Db { pool, backend, write_lock, committer: Arc::default(), pii, officer_counts: Arc::default() })
    }

    /// Opens a SQLite file read-only, without changing its journal mode (to
    /// check a backup before restoring it).
    ///
    /// # Errors
    /// The file is not a database that SQLite can open.
    pub async fn open_sqlite_read_only(path: &std::path::Path) -> Result<Db, sqlx::Error> {
        install_drivers();
        let options: AnyConnectOptions = format!("sqlite://{}?mode=ro", path.display()).parse()?;
        let pool = AnyPoolOptions::new().max_connections(1).acquire_timeout(Duration::from_secs(5)).connect_with(options).await?;
        Ok(Db { pool, backend: Backend::Sqlite, write_lock: None, committer: Arc::default(), pii: None, officer_counts: Arc::default() })
    }

    /// Applies every migration not yet applied.
    ///
    /// # Errors
    /// A migration failed, or an applied migration was edited afterwards.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn officer_counts_cache(&self) -> &registry::OfficerCountsCache {
        &self.officer_counts
    }

    /// Starts a write transaction (see the type's note on SQLite).
    ///
    /// # Errors
    /// No connection could be had.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        // on SQLite, IMMEDIATE: see `group_commit` on why a deferred one fails
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _guard: guard })
    }

    /// Runs `write` in a transaction of its own (PostgreSQL) or in the next
    /// group commit (SQLite, see `group_commit`); answers once it is durable.
    /// For the hot writes (filing and acting on orders), whose rate one fsync
    /// per transaction would cap.
    ///
    /// # Errors
    /// The write's own error, with its changes undone, or the commit's.
    pub async fn write<T, E, F>(&self, write: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut sqlx::AnyConnection) -> WriteFuture<'c, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
    {
        match &self.write_lock {
            Some(lock) => self.committer.get_or_init(|| GroupCommitter::start(self.pool.clone(), lock.clone())).write(write).await,
            None => {
                let mut tx = self.pool.begin().await?;
                let done = write(&mut tx).await?;
                tx.commit().await?;
                Ok(done)
            }
        }
    }

    /// True when the database answers a trivial query.
    pub async fn is_healthy(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn install_drivers() {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(sqlx::any::install_default_drivers);
}

/// The backend a URL names, if it is one we support.
pub fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Backend::Postgres)
    } else {
        None
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Now, as the ISO-8601 UTC text every timestamp column holds.
pub fn now() -> String {
    timestamp(time::OffsetDateTime::now_utc())
}

/// UTC, with exactly six fractional digits, so that the text sorts as the time does.
pub fn timestamp(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// What went wrong with a write, in the terms a use case decides on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint: the text names the constraint or column.
    #[error("unique constraint: {0}")]
    Unique(String),
    /// A row is still referenced by another (or references a missing one).
    #[error("foreign key: {0}")]
    ForeignKey(String),
    /// The row changed since it was read (optimistic locking).
    #[error("stale version")]
    Stale,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Classifies a database error by its kind; only constraint violations are
    /// turned into something a user can act on.
    pub fn classify(err: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            let message = db.message().to_string();
            if db.is_unique_violation() || message.contains("UNIQUE constraint failed") {
                return StoreError::Unique(message);
            }
            if db.is_foreign_key_violation() || message.contains("FOREIGN KEY constraint failed") {
                return StoreError::ForeignKey(message);
            }
        }
        if matches!(err, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        StoreError::Database(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(redact("postgres://zd:secret@db:5432/zd"), "postgres://zd:***@db:5432/zd");
        assert_eq!(redact("postgres://postgres@127.0.0.1/zd"), "postgres://postgres@127.0.0.1/zd");
        assert_eq!(redact("sqlite://data/z.db"), "sqlite://data/z.db");
    }

    #[test]
    fn timestamps_sort_as_the_times_do() {
        let a = time::macros::datetime!(2020-03-19 09:00:00.3 +8);
        let b = time::macros::datetime!(2020-03-19 09:00:00.123456789 +8);
        assert_eq!(timestamp(a), "2020-03-19T01:00:00.300000Z");
        assert!(timestamp(b) < timestamp(a));
    }

    #[test]
    fn backends_are_recognised_by_scheme() {
        assert_eq!(backend_of("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(backend_of("postgresql://h/d"), Some(Backend::Postgres));
        assert_eq!(backend_of("mysql://h/d"), None);
    }
}
