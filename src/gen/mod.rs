//! `zonedesk gen`: a synthetic zone, city or province for performance work —
//! townships, departments, enterprises, chief service officers, the green list,
//! work orders in every state with their timelines, and daily status reports —
//! written straight into an empty database with multi-row INSERTs, in large
//! transactions, with the big tables' secondary indexes built once at the end,
//! in a fraction of the time the use cases would take. A run that fails leaves
//! a partial database: delete it and start again.
//!
//! What the use cases maintain is filled as they would fill it: limits from the
//! working-day calendar, signed_in_time, escalations and versions, so that every
//! page and API reads the generated rows as it reads its own. Everything is
//! drawn from seeded generators: the same seed and end moment give the same data
//! (apart from the password hashes, which are salted at random).
//!
//! The accounts the load tests log in with (`admin`, `leader`, `ent1`) are made
//! last, through `app::users`, with the app's own password hashing; the people
//! acting in the histories are names, not accounts (accounts made afterwards
//! cannot have acted before), so the histories leave no notifications.

mod bulk;
mod days;
mod enterprises;
mod names;
mod orders;
mod reports;
mod tallies;

use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::StdRng;
use sqlx::{Acquire, AnyConnection};
use time::OffsetDateTime;

use self::days::{Day, Days, HOUR, Micros, local_day, local_time_of_day};
use crate::app::Actor;
use crate::app::exchange::Progress;
use crate::app::users::{self, UserInput};
use crate::domain::Role;
use crate::domain::calendar::{CalendarError, WorkCalendar};
use crate::error::AppError;
use crate::store::{Backend, Db};

/// How big a data set to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// a development zone: 1,000 enterprises
    Zone,
    /// a prefecture city: 10,000 enterprises
    City,
    /// a province: 100,000 enterprises, 1,000,000 orders
    Province,
    /// for tests: 200 enterprises, 2,000 orders (not offered on the command line)
    Tiny,
}

impl Scale {
    pub fn parse(code: &str) -> Option<Scale> {
        match code {
            "zone" => Some(Scale::Zone),
            "city" => Some(Scale::City),
            "province" => Some(Scale::Province),
            "tiny" => Some(Scale::Tiny),
            _ => None,
        }
    }

    pub fn sizes(self) -> Sizes {
        let factor = match self {
            Scale::Tiny => return Sizes { townships: 4, enterprises: 200, officers: 10, orders: 2_000, reports: 6_000 },
            Scale::Zone => 1,
            Scale::City => 10,
            Scale::Province => 100,
        };
        Sizes { townships: 20 * factor, enterprises: 1_000 * factor, officers: 50 * factor, orders: 10_000 * factor, reports: 30_000 * factor }
    }
}

/// What to generate, in numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub townships: usize,
    pub enterprises: usize,
    /// cadres serving as chief service officers (首席服务员)
    pub officers: usize,
    pub orders: usize,
    /// daily status reports (复工复产情况)
    pub reports: usize,
}

/// A span of local days: from `from`, until the day before `until` (open when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Day,
    pub until: Option<Day>,
}

impl Period {
    pub fn contains(&self, day: Day) -> bool {
        self.from <= day && self.until.is_none_or(|u| day < u)
    }
}

/// The generator's settings.
#[derive(Debug, Clone)]
pub struct GenOptions {
    pub sizes: Sizes,
    pub seed: u64,
    /// the moment the history ends: nothing happens after it
    pub end: OffsetDateTime,
    /// the password of the generated accounts
    pub password: String,
    pub calendar: WorkCalendar,
}

impl GenOptions {
    /// A data set of `scale` whose history ends now, on the shipped calendar.
    pub fn new(scale: Scale, seed: u64, password: &str) -> GenOptions {
        GenOptions { sizes: scale.sizes(), seed, end: OffsetDateTime::now_utc(), password: password.to_string(), calendar: WorkCalendar::shipped() }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub townships: usize,
    pub departments: usize,
    pub enterprises: usize,
    pub cadres: usize,
    pub officer_assignments: usize,
    pub green_listed: usize,
    pub orders: usize,
    pub events: usize,
    pub visits: usize,
    /// orders by state, in the order of `OrderState::ALL`
    pub by_state: [usize; 5],
    pub escalated: usize,
    pub overdue: usize,
    pub returned: usize,
    pub reopened: usize,
    pub reports: usize,
    /// the first and last day of the history (YYYY-MM-DD)
    pub first_day: String,
    pub last_day: String,
    /// (username, display name, role)
    pub accounts: Vec<(String, String, Role)>,
    /// seconds each stage took
    pub timings: Vec<(&'static str, f64)>,
}

/// Why the generator stopped.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// The database already holds data; the generator writes only into an empty one.
    #[error("数据库中已有数据（{0}）；生成器只写入新建的空数据库，请换一个新的 --data 目录或新的数据库")]
    NotEmpty(String),
    #[error("工作日历不全，无法计算办理时限：{0}")]
    Calendar(#[from] CalendarError),
    #[error("数据库出错：{0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    App(#[from] AppError),
    /// Generated data the rules refuse: a bug in the generator.
    #[error("生成器内部错误：{0}")]
    Bug(String),
}

/// Orders per day of history: a year for a zone and larger, shorter for tests,
/// so that even a small data set has orders in every state.
const ORDERS_PER_DAY: usize = 27;

/// Generates a data set into `db` (migrated, and empty).
///
/// # Errors
/// `NotEmpty` when the database holds townships, departments, enterprises,
/// cadres, orders, reports or users; `Calendar` when the history or a limit
/// needs a year the calendar lacks; a database failure.
pub async fn generate(db: &Db, options: &GenOptions, progress: &dyn Progress) -> Result<Summary, GenError> {
    refuse_unless_empty(db).await?;
    let end: Micros = days::from_datetime(options.end);
    let today = local_day(end);
    let history = (options.sizes.orders / ORDERS_PER_DAY).clamp(60, 365) as Day;
    let first = today - history + 1;
    // a day's reports are made in the morning: today's only once the morning is over
    let last_report_day = if local_time_of_day(end) >= 12 * HOUR { today } else { today - 1 };
    let calendar = Days::new(options.calendar.clone(), first - 5, today + 1)?;
    let seed = |stage: u64| StdRng::seed_from_u64(options.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ stage.wrapping_mul(0xD1B5_4A32_D192_ED03));

    let mut conn = db.pool().acquire().await?;
    bulk_mode(&mut conn, db.backend(), true).await?;
    let indexes = secondary_indexes(&mut conn, db.backend()).await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX {name}")).execute(&mut *conn).await?;
    }
    let postgres = db.backend() == Backend::Postgres;
    if postgres {
        tallies::set_row_triggers(&mut conn, false).await?;
    }
    let mut result = load(&mut conn, db.backend(), options, &seed, calendar, first, today, end, last_report_day, progress).await;
    if let Ok(summary) = &mut result
        && let Err(e) = index_and_count(&mut conn, &indexes, postgres, summary, progress).await
    {
        result = Err(e.into());
    }
    if postgres {
        // on, whatever became of the load: the server must count every write
        tallies::set_row_triggers(&mut conn, true).await?;
    }
    // the connection goes back to the pool as the server would open it
    let restored = bulk_mode(&mut conn, db.backend(), false).await;
    let mut summary = result?;
    restored?;
    drop(conn);
    summary.first_day = days::date_text(first);
    summary.last_day = days::date_text(today);
    progress.stage("账号", 3);
    let started = std::time::Instant::now();
    summary.accounts = accounts(db, options, progress).await?;
    summary.timings.push(("账号", started.elapsed().as_secs_f64()));
    progress.stage("收尾：统计信息与检查点", 0);
    let started = std::time::Instant::now();
    finish(db, &summary, options).await?;
    summary.timings.push(("收尾", started.elapsed().as_secs_f64()));
    progress.finish();
    Ok(summary)
}

/// Builds the dropped indexes again and, on PostgreSQL, counts the tallies.
async fn index_and_count(
    conn: &mut AnyConnection,
    indexes: &[(String, String)],
    postgres: bool,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Result<(), sqlx::Error> {
    progress.stage("建立索引", indexes.len() as u64);
    let started = std::time::Instant::now();
    for (_, sql) in indexes {
        sqlx::query(sql).execute(&mut *conn).await?;
        progress.advance(1);
    }
    summary.timings.push(("建立索引", started.elapsed().as_secs_f64()));
    if postgres {
        progress.stage("统计汇总", 0);
        let started = std::time::Instant::now();
        tallies::count_from_rows(conn).await?;
        summary.timings.push(("统计汇总", started.elapsed().as_secs_f64()));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn load(
    conn: &mut AnyConnection,
    backend: Backend,
    options: &GenOptions,
    seed: &dyn Fn(u64) -> StdRng,
    calendar: Days,
    first: Day,
    today: Day,
    end: Micros,
    last_report_day: Day,
    progress: &dyn Progress,
) -> Result<Summary, GenError> {
    let sizes = options.sizes;
    let mut summary = Summary::default();
    let mut started = std::time::Instant::now();
    let mut lap = |summary: &mut Summary, stage: &'static str| {
        summary.timings.push((stage, started.elapsed().as_secs_f64()));
        started = std::time::Instant::now();
    };

    let mut tx = conn.begin().await?;
    let (world, registry) = enterprises::generate(&mut tx, backend, &mut seed(1), &sizes, first, today, progress).await?;
    tx.commit().await?;
    summary.townships = world.townships.len();
    summary.departments = world.departments.len();
    summary.enterprises = world.enterprises.len();
    summary.cadres = world.cadres.len();
    summary.officer_assignments = registry.assignments;
    summary.green_listed = registry.green_listed;
    let world = Arc::new(world);
    lap(&mut summary, "登记信息");

    let categories: Vec<(i64, String, i64, i64)> =
        sqlx::query_as("SELECT id, code, sign_days, resolve_days FROM work_order_categories ORDER BY sort, id").fetch_all(&mut *conn).await?;
    let categories = categories
        .into_iter()
        .map(|(id, code, sign, resolve)| orders::Category { id, code, sign_days: sign.max(0) as u32, resolve_days: resolve.max(1) as u32 })
        .collect();
    let priority_percent = crate::store::resumption::setting_i64(conn, "green_list_resolve_percent", 50).await?.clamp(10, 100);
    let plan = orders::Plan { world: world.clone(), categories, priority_percent, orders: sizes.orders, first, end, days: calendar };

    progress.stage("工单及办理记录", sizes.orders as u64);
    let (sender, mut chunks) = tokio::sync::mpsc::channel::<orders::Chunk>(2);
    let mut rng = seed(2);
    let producer = tokio::task::spawn_blocking(move || orders::generate(plan, &mut rng, |chunk| sender.blocking_send(chunk).is_ok()));
    let written: Result<(), GenError> = async {
        while let Some(chunk) = chunks.recv().await {
            let mut tx = conn.begin().await?;
            bulk::insert(&mut tx, backend, &orders::VISITS, &chunk.visits, orders::bind_visit).await?;
            bulk::insert(&mut tx, backend, &orders::ORDERS, &chunk.orders, orders::bind_order).await?;
            bulk::insert(&mut tx, backend, &orders::EVENTS, &chunk.events, orders::bind_event).await?;
            tx.commit().await?;
            progress.advance(chunk.orders.len() as u64);
        }
        Ok(())
    }
    .await;
    // a writer that failed stops the producer (its sends fail), and its error wins
    drop(chunks);
    let counts = producer.await.map_err(|e| GenError::Bug(format!("the order generator stopped: {e}")))?;
    written?;
    let counts = counts?;
    summary.orders = counts.orders;
    summary.events = counts.events;
    summary.visits = counts.visits;
    summary.by_state = counts.by_state;
    summary.escalated = counts.escalated;
    summary.overdue = counts.overdue;
    summary.returned = counts.returned;
    summary.reopened = counts.reopened;
    lap(&mut summary, "工单");

    progress.stage("复工复产日报", sizes.reports as u64);
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<reports::ReportRow>>(2);
    let mut rng = seed(3);
    let reporting = world.clone();
    let total = sizes.reports;
    let producer = tokio::task::spawn_blocking(move || {
        let n = reporting.enterprises.len();
        let step = 10_000;
        for start in (0..n).step_by(step) {
            let mut rows = Vec::new();
            reports::for_enterprises(&mut rng, &reporting, start..(start + step).min(n), total, last_report_day, end, &mut rows);
            if sender.blocking_send(rows).is_err() {
                break;
            }
        }
    });
    let written: Result<(), GenError> = async {
        while let Some(rows) = batches.recv().await {
            let mut tx = conn.begin().await?;
            bulk::insert(&mut tx, backend, &reports::REPORTS, &rows, reports::bind_report).await?;
            tx.commit().await?;
            summary.reports += rows.len();
            progress.advance(rows.len() as u64);
        }
        Ok(())
    }
    .await;
    drop(batches);
    producer.await.map_err(|e| GenError::Bug(format!("the report generator stopped: {e}")))?;
    written?;
    lap(&mut summary, "复工复产日报");
    Ok(summary)
}

/// Refuses a database that holds anything the generator would write.
async fn refuse_unless_empty(db: &Db) -> Result<(), GenError> {
    const TABLES: [(&str, &str); 7] = [
        ("townships", "乡镇办"),
        ("departments", "职能部门"),
        ("enterprises", "企业"),
        ("cadres", "干部"),
        ("work_orders", "工单"),
        ("status_reports", "复工复产日报"),
        ("users", "账号"),
    ];
    let mut found = Vec::new();
    for (table, label) in TABLES {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(db.pool()).await?;
        if n > 0 {
            found.push(format!("{label}{n}条"));
        }
    }
    if found.is_empty() { Ok(()) } else { Err(GenError::NotEmpty(found.join("、"))) }
}

/// The tables that take millions of rows.
const BIG_TABLES: &str = "'work_orders', 'work_order_events', 'visits', 'status_reports'";

/// The secondary indexes of the big tables, (name, definition), from the
/// database's own catalogue: they are dropped for the load and made again after
/// it (one sorted build is far quicker than millions of inserts at random
/// places of a B-tree), exactly as the migrations defined them. Indexes behind
/// constraints (primary keys, UNIQUE) stay and are checked as rows arrive.
async fn secondary_indexes(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = match backend {
        Backend::Sqlite => format!("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({BIG_TABLES}) ORDER BY name"),
        Backend::Postgres => format!(
            "SELECT CAST(indexname AS TEXT), CAST(indexdef AS TEXT) FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ({BIG_TABLES}) \
             AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
        ),
    };
    sqlx::query_as(&sql).fetch_all(conn).await
}

/// Bulk mode on the generator's own connection: no fsync per commit and a large
/// page cache (1 GiB) on SQLite (a crash mid-load leaves a half-made data set to throw
/// away, never a damaged server database: the server's connections keep FULL);
/// asynchronous commit on PostgreSQL. `false` restores the server's settings.
async fn bulk_mode(conn: &mut AnyConnection, backend: Backend, on: bool) -> Result<(), sqlx::Error> {
    let statements: &[&str] = match (backend, on) {
        // statement journals in memory; the WAL folded in once at the end
        // rather than after every commit (each commit rewrites the hot index pages)
        (Backend::Sqlite, true) => &["PRAGMA synchronous = OFF", "PRAGMA cache_size = -1048576", "PRAGMA temp_store = MEMORY", "PRAGMA wal_autocheckpoint = 0"],
        (Backend::Sqlite, false) => {
            &["PRAGMA synchronous = FULL", "PRAGMA cache_size = -2000", "PRAGMA temp_store = DEFAULT", "PRAGMA wal_autocheckpoint = 1000"]
        }
        (Backend::Postgres, true) => &["SET synchronous_commit = off"],
        (Backend::Postgres, false) => &["RESET synchronous_commit"],
    };
    for sql in statements {
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The accounts the load tests log in with, made through the use case (the
/// app's password hashing, an audit entry each).
async fn accounts(db: &Db, options: &GenOptions, progress: &dyn Progress) -> Result<Vec<(String, String, Role)>, GenError> {
    let mut rng = StdRng::seed_from_u64(options.seed ^ 0x0ACC_00A7);
    let (enterprise_id, contact): (i64, String) = sqlx::query_as("SELECT id, contact_name FROM enterprises ORDER BY id LIMIT 1").fetch_one(db.pool()).await?;
    let wanted = [
        ("admin", names::person(&mut rng), Role::Admin, None),
        ("leader", names::person(&mut rng), Role::Leader, None),
        ("ent1", contact, Role::Enterprise, Some(enterprise_id)),
    ];
    let mut made = Vec::new();
    for (username, display_name, role, scope_id) in wanted {
        let input =
            UserInput { username: username.into(), display_name: display_name.clone(), password: options.password.clone(), role: role.code().into(), scope_id };
        users::create_user(db, &Actor::system(), &input).await?;
        progress.advance(1);
        made.push((username.to_string(), display_name, role));
    }
    Ok(made)
}

/// Records the generation in the audit log, then leaves the database as the
/// server expects it: planner statistics, and on SQLite the WAL folded into the
/// main file; on PostgreSQL the id sequences moved past the ids written.
async fn finish(db: &Db, summary: &Summary, options: &GenOptions) -> Result<(), GenError> {
    let mut tx = db.begin_write().await?;
    let after = serde_json::json!({
        "seed": options.seed,
        "enterprises": summary.enterprises,
        "orders": summary.orders,
        "status_reports": summary.reports,
        "history": [summary.first_day, summary.last_day],
    });
    let entry = crate::store::audit::NewAuditEntry {
        actor_id: None,
        actor_name: "system",
        action: "generate",
        entity: "dataset",
        entity_id: None,
        before: None,
        after: Some(after),
    };
    crate::store::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    match db.backend() {
        Backend::Sqlite => {
            // sampled statistics: exact ones would read every index of a province
            for sql in ["PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"] {
                sqlx::query(sql).execute(db.pool()).await?;
            }
        }
        Backend::Postgres => {
            for table in ["townships", "departments", "enterprises", "cadres", "visits", "work_orders"] {
                sqlx::query(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))
                    .execute(db.pool())
                    .await?;
            }
            sqlx::query("ANALYZE").execute(db.pool()).await?;
        }
    }
    Ok(())
}
