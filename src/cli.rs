//! The command line: `demo`, `serve`, `user add`, `import`, `export`, `backup`,
//! `restore`, `briefing`, `openapi`, `audit verify`, `gen`.
//! Each command is a function here so that `main.rs` stays a thin shell.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::app::{Actor, exchange, registry, users};
use crate::demo;
use crate::domain::{Role, ScopeKind};
use crate::store::registry::EnterpriseFilter;
use crate::store::{self, Backend, Db, PageRequest};
use crate::web::{self, AppState};

#[derive(Debug, Parser)]
#[command(name = "zonedesk", version, about = "开发区复工复产服务平台 — the zone's enterprise-service desk")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the demo zone of the newspaper page (creates it on first run).
    Demo(DemoArgs),
    /// Serve production from a database URL (migrations run at start).
    Serve(ServeArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Copy the SQLite database to FILE while it is in use (PostgreSQL: use pg_dump).
    Backup(BackupArgs),
    /// Replace the SQLite database with a backup FILE (stop the server first).
    Restore(BackupArgs),
    /// Print the daily briefing (通报) of a day.
    Briefing(BriefingArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Import a registry from an .xlsx file (all or nothing: a file with any bad row stores nothing).
    Import(ImportArgs),
    /// Export a list to an .xlsx file (or a registry's import template).
    Export(ExportArgs),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Generate a synthetic zone, city or province into an empty database (for performance work).
    Gen(GenArgs),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain; exit non-zero at the first edited, deleted or reordered entry.
    Verify(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// enterprises, cadres, households, volunteers, children, sites, job-postings
    pub kind: String,
    /// The .xlsx file (the first sheet is read; `export KIND FILE --template` writes a template).
    pub file: PathBuf,
    /// Store the good rows and report the bad ones, instead of refusing the whole file.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Check the file only; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// enterprises, cadres, households, volunteers, children, sites, job-postings, work-orders, status-reports
    pub kind: String,
    /// The .xlsx file to write.
    pub file: PathBuf,
    /// The list's filters as its page takes them, e.g. "kind=foreign_trade&township_id=2".
    #[arg(long)]
    pub filter: Option<String>,
    /// Write the registry's import template instead of its rows.
    #[arg(long)]
    pub template: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder of the demo database.
    #[arg(long, env = "ZONEDESK_DEMO_DATA", default_value = "zonedesk-demo")]
    pub data: PathBuf,
    /// Address to listen on.
    #[arg(long, env = "ZONEDESK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Throw the demo database away and load it anew.
    #[arg(long)]
    pub reset: bool,
    /// Password of every demo user.
    #[arg(long, env = "ZONEDESK_DEMO_PASSWORD", default_value = "demo", hide_env_values = true)]
    pub password: String,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long, env = "ZONEDESK_DATABASE_URL", default_value = "sqlite://zonedesk.db", hide_env_values = true)]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "ZONEDESK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark session cookies Secure (set when served behind HTTPS).
    #[arg(long, env = "ZONEDESK_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The log-in name.
    pub name: String,
    /// admin, leader, township, department, officer, enterprise, volunteer, isolation
    #[arg(long)]
    pub role: String,
    /// What the role is bound to: township=NAME, department=NAME, cadre=NAME,
    /// enterprise=NAME or CREDIT-CODE, volunteer=NAME, isolation_point=NAME (an id works too: township=3).
    #[arg(long)]
    pub scope: Option<String>,
    /// The display name (defaults to the log-in name).
    #[arg(long)]
    pub display_name: Option<String>,
    /// The initial password.
    #[arg(long, env = "ZONEDESK_USER_PASSWORD", hide_env_values = true)]
    pub password: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct BriefingArgs {
    /// The day, YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Runs one command to its end.
///
/// # Errors
/// Whatever stops the command, with context for the operator.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Demo(args) => run_demo(args).await,
        Command::Serve(args) => run_serve(args).await,
        Command::User(UserCommand::Add(args)) => run_user_add(args).await,
        Command::Backup(args) => run_backup(&args).await,
        Command::Restore(args) => run_restore(&args).await,
        Command::Briefing(args) => {
            let day = crate::app::clock::parse_date(&args.date).with_context(|| format!("--date {} is not YYYY-MM-DD", args.date))?;
            let db = open(&args.db.database_url).await?;
            let b = crate::report::briefing::briefing(&db, &Actor::system(), day).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", b.text);
            Ok(())
        }
        Command::Import(args) => run_import(args).await,
        Command::Export(args) => run_export(args).await,
        Command::Audit(AuditCommand::Verify(args)) => run_audit_verify(&args).await,
        Command::Gen(args) => run_gen(args).await,
        Command::Openapi => {
            let db = Db::connect("sqlite::memory:").await?;
            println!("{}", serde_json::to_string_pretty(&web::router::openapi(AppState::new(db)))?);
            Ok(())
        }
    }
}

async fn open(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await.with_context(|| format!("cannot open the database {}", store::redact(url)))?;
    db.migrate().await.context("cannot migrate the database")?;
    store::pii::verify_key(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(db)
}

async fn run_demo(args: DemoArgs) -> anyhow::Result<()> {
    let file = args.data.join("zonedesk.db");
    if args.reset {
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", file.display()));
            if path.exists() {
                std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
    }
    std::fs::create_dir_all(&args.data).with_context(|| format!("cannot create {}", args.data.display()))?;
    let db = open(&format!("sqlite://{}", file.display())).await?;
    let fresh = store::users::list_users(&db, &PageRequest { page: None, per_page: Some(1) }).await?.total == 0;
    if fresh {
        let summary = demo::load(&db, &args.password).await.map_err(|e| anyhow::anyhow!("loading the demo failed: {e}"))?;
        println!(
            "已创建演示数据：{} 个乡镇办、{} 个职能部门、{} 家企业、{} 名干部（{} 名首席服务员已派驻）、{} 张工单（{} 次走访，{} 张曾列入督办）",
            summary.townships,
            summary.departments,
            summary.enterprises,
            summary.cadres,
            summary.officers_assigned,
            summary.orders,
            summary.visits,
            summary.escalated
        );
    } else {
        println!("使用已有演示数据：{}（--reset 重新开始）", file.display());
    }
    println!("开发区复工复产服务平台 演示：http://{}/", args.addr);
    println!("演示账号（密码均为 {}）：", if args.password == "demo" { "demo" } else { "--password 所设" });
    for name in demo::DEMO_USERNAMES {
        if let Some(u) = store::users::find_user_by_username(&db, name).await? {
            println!("  {:<11} {}（{}）", u.username, crate::web::i18n::Lang::Zh.role(u.role.0), u.display_name);
        }
    }
    let mut state = AppState::new(db);
    // the demo zone lives on the day of its newspaper page
    state.clock = crate::app::clock::Clock::on_day(demo::DEMO_DAY);
    println!("演示日期：2020年3月19日（工单时限、督办和通报按此日计算）");
    web::serve(state, args.addr).await.with_context(|| format!("cannot serve on {}", args.addr))
}

async fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    let db = open(&args.db.database_url).await?;
    let mut state = AppState::new(db);
    state.secure_cookies = args.secure_cookies;
    tracing::info!(addr = %args.addr, "serving");
    println!("zonedesk serving on http://{}/", args.addr);
    web::serve(state, args.addr).await.with_context(|| format!("cannot serve on {}", args.addr))
}

async fn run_user_add(args: UserAddArgs) -> anyhow::Result<()> {
    let db = open(&args.db.database_url).await?;
    let role = Role::parse(&args.role).with_context(|| format!("unknown role {}", args.role))?;
    let scope_id = match (role.scope_kind(), args.scope.as_deref()) {
        (Some(kind), Some(scope)) => Some(resolve_scope(&db, kind, scope).await?),
        (Some(kind), None) => bail!("role {} needs --scope {}=…", role.code(), kind.code()),
        (None, _) => None,
    };
    let input = users::UserInput {
        username: args.name.clone(),
        display_name: args.display_name.clone().unwrap_or_default(),
        password: args.password.clone(),
        role: role.code().to_string(),
        scope_id,
    };
    let user = users::create_user(&db, &Actor::system(), &input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("已创建账号 {}（{}）", user.username, crate::web::i18n::Lang::Zh.role(role));
    Ok(())
}

/// Finds what `kind=value` names: an id, or a name (a credit code for enterprises).
async fn resolve_scope(db: &Db, kind: ScopeKind, scope: &str) -> anyhow::Result<i64> {
    let (given_kind, value) = scope.split_once('=').with_context(|| format!("--scope should be {}=NAME", kind.code()))?;
    if given_kind != kind.code() {
        bail!("this role is bound to a {}, not a {given_kind}", kind.code());
    }
    if let Ok(id) = value.parse::<i64>() {
        return Ok(id);
    }
    let system = Actor::system();
    let found = match kind {
        ScopeKind::Township => registry::list_townships(db, &system).await?.into_iter().find(|t| t.name == value).map(|t| t.id),
        ScopeKind::Department => registry::list_departments(db, &system).await?.into_iter().find(|d| d.name == value).map(|d| d.id),
        ScopeKind::Cadre => {
            let page = PageRequest { page: None, per_page: Some(PageRequest::MAX_PER_PAGE) };
            let mut found = None;
            let mut n = 1;
            loop {
                let p = registry::list_cadres(db, &system, None, &PageRequest { page: Some(n), ..page }).await?;
                if let Some(c) = p.items.iter().find(|c| c.name == value) {
                    found = Some(c.id);
                    break;
                }
                if n >= p.pages() {
                    break;
                }
                n += 1;
            }
            found
        }
        ScopeKind::Enterprise => {
            let filter = EnterpriseFilter { q: Some(value.to_string()), ..EnterpriseFilter::default() };
            let page = registry::list_enterprises(db, &system, filter, &PageRequest { page: None, per_page: Some(50) }).await?;
            page.items.into_iter().find(|e| e.name == value || e.credit_code == value.to_uppercase()).map(|e| e.id)
        }
        ScopeKind::Volunteer => crate::store::tutoring::find_volunteer_by_name(db, value).await?,
        ScopeKind::IsolationPoint => crate::store::isolation::find_point_by_name(db, value).await?,
    };
    found.with_context(|| format!("no {} named {value}", kind.code()))
}

fn exchange_kind(code: &str) -> anyhow::Result<exchange::Kind> {
    exchange::Kind::parse(code).with_context(|| {
        let known: Vec<&str> = exchange::Kind::ALL.iter().map(|k| k.code()).collect();
        format!("unknown kind {code}; one of {}", known.join(", "))
    })
}

/// A progress bar on the terminal (hidden when stderr is not one).
struct ProgressBar(indicatif::ProgressBar);

impl ProgressBar {
    fn new() -> ProgressBar {
        let bar = indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} 行，剩余 {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        ProgressBar(bar)
    }
}

impl exchange::Progress for ProgressBar {
    fn stage(&self, name: &'static str, total: u64) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_message(name);
    }

    fn advance(&self, steps: u64) {
        self.0.inc(steps);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// `zonedesk import KIND FILE.xlsx`: as the system, with a progress bar; a
/// refused file prints each problem with its row and column and fails.
async fn run_import(args: ImportArgs) -> anyhow::Result<()> {
    let kind = exchange_kind(&args.kind)?;
    let file = std::fs::File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let db = open(&args.db.database_url).await?;
    let state = AppState::new(db);
    let options = exchange::ImportOptions { skip_invalid: args.skip_invalid, dry_run: args.dry_run, ..exchange::ImportOptions::default() };
    let started = std::time::Instant::now();
    let progress = std::sync::Arc::new(ProgressBar::new());
    let report =
        exchange::import(&state.work(), &Actor::system(), kind, std::io::BufReader::new(file), &options, progress).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    for p in &report.problems {
        let row = if p.row == 0 { "整个文件".to_string() } else { format!("第{}行", p.row) };
        let column = if p.column.is_empty() { String::new() } else { format!("【{}】", p.column) };
        eprintln!("{row}{column}{}", p.message);
    }
    if report.more_problems > 0 {
        eprintln!("……另有{}处问题未列出", report.more_problems);
    }
    let seconds = started.elapsed().as_secs_f64();
    match report.outcome {
        exchange::Outcome::Imported => {
            println!("已导入{}：{}条（读取{}行，跳过{}行，用时{seconds:.1}秒）", kind.label(), report.imported, report.rows, report.skipped);
            Ok(())
        }
        exchange::Outcome::Checked => {
            println!("检查完毕：{}行，可导入{}条{}（未导入，用时{seconds:.1}秒）", report.rows, report.imported, kind.label());
            Ok(())
        }
        exchange::Outcome::Refused => {
            bail!("{} 有{}处问题，未导入任何数据", args.file.display(), report.problems.len() + report.more_problems)
        }
    }
}

/// `zonedesk export KIND FILE.xlsx`: the whole list (or `--filter`ed), as the system.
async fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let kind = exchange_kind(&args.kind)?;
    let db = open(&args.db.database_url).await?;
    let state = AppState::new(db);
    let system = Actor::system();
    if args.template {
        let bytes = exchange::template(&state.db, &system, kind).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        std::fs::write(&args.file, bytes).with_context(|| format!("cannot write {}", args.file.display()))?;
        println!("已写出{}导入模板：{}", kind.label(), args.file.display());
        return Ok(());
    }
    let filter = web::api::exchange::export_filter(&state, kind, args.filter.as_deref().unwrap_or("")).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = std::time::Instant::now();
    let file =
        exchange::export(&state.work(), &system, filter, crate::report::xlsx::MAX_ROWS, &ProgressBar::new()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(&args.file, &file.bytes).with_context(|| format!("cannot write {}", args.file.display()))?;
    println!("已导出{}：{}条，写入 {}（用时{:.1}秒）", kind.label(), file.rows, args.file.display(), started.elapsed().as_secs_f64());
    Ok(())
}

/// `zonedesk audit verify`: OK with the count, or the first break and a failure exit.
async fn run_audit_verify(args: &DatabaseArgs) -> anyhow::Result<()> {
    let db = open(&args.database_url).await?;
    let report = store::audit::verify_chain(&db).await.context("cannot read the audit log")?;
    db.close().await;
    let unchained = if report.unchained > 0 { format!("；链首之前另有{}条建链前的旧记录未校验", report.unchained) } else { String::new() };
    match &report.broken {
        None => {
            println!("审计链完整：已校验{}条记录{unchained}", report.verified);
            println!("链尾哈希：{}", report.head_hash);
            Ok(())
        }
        Some(b) => {
            println!("已校验{}条记录{unchained}", report.verified);
            bail!("审计链断裂（{}）：{}", serde_json::to_value(b.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(), b.message)
        }
    }
}

/// The file behind a `sqlite://` URL.
fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    if store::backend_of(url) != Some(Backend::Sqlite) {
        bail!("backup and restore work on SQLite; for PostgreSQL use pg_dump and pg_restore (see README)");
    }
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        bail!("an in-memory database has nothing to back up");
    }
    Ok(PathBuf::from(path))
}

/// An online backup: `VACUUM INTO` writes a consistent copy while the server runs.
async fn run_backup(args: &BackupArgs) -> anyhow::Result<()> {
    sqlite_path(&args.db.database_url)?;
    if args.file.exists() {
        bail!("{} already exists; choose a new file", args.file.display());
    }
    let db = Db::connect(&args.db.database_url).await?;
    sqlx::query("VACUUM INTO $1").bind(args.file.display().to_string()).execute(db.pool()).await.context("backup failed")?;
    println!("已备份到 {}", args.file.display());
    if std::env::var_os(store::pii::KEY_ENV).is_none() {
        let key = store::pii::key_file_of(&sqlite_path(&args.db.database_url)?);
        println!("注意：身份证号已加密保存，密钥不在备份中（{}）；请另行妥善保管，恢复到其他机器时需要它", key.display());
    }
    Ok(())
}

/// Checks the backup, then swaps it in atomically (copy beside the target, rename).
async fn run_restore(args: &BackupArgs) -> anyhow::Result<()> {
    let target = sqlite_path(&args.db.database_url)?;
    verify_backup(&args.file).await?;
    let backup = Db::open_sqlite_read_only(&args.file).await?;
    store::pii::check_backup(&backup, &args.db.database_url).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    backup.close().await;
    let staging = PathBuf::from(format!("{}.restoring", target.display()));
    std::fs::copy(&args.file, &staging).with_context(|| format!("cannot copy {}", args.file.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side)?;
        }
    }
    std::fs::rename(&staging, &target).with_context(|| format!("cannot replace {}", target.display()))?;
    println!("已从 {} 恢复到 {}", args.file.display(), target.display());
    Ok(())
}

async fn verify_backup(file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let db = Db::open_sqlite_read_only(file).await.context("the backup is not a SQLite database")?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(db.pool()).await.context("the backup cannot be read")?;
    if check != "ok" {
        bail!("the backup is damaged: {check}");
    }
    let migrations: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(db.pool()).await.context("the backup is not a zonedesk database")?;
    if migrations == 0 {
        bail!("the backup is not a zonedesk database");
    }
    db.close().await;
    Ok(())
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// zone (1,000 enterprises, 10,000 orders), city (10,000 / 100,000) or province (100,000 / 1,000,000)
    #[arg(long, value_parser = parse_scale)]
    pub scale: crate::r#gen::Scale,
    /// Write SQLite at DIR/zonedesk.db (DIR is created); instead of --database-url.
    #[arg(long, conflicts_with = "database_url")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The same seed (and --as-of) gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Password of the generated accounts admin, leader and ent1.
    #[arg(long, env = "ZONEDESK_GEN_PASSWORD", default_value = "bench", hide_env_values = true)]
    pub password: String,
    /// The last day of the history, YYYY-MM-DD, ending at 18:00 (default: the history ends now).
    #[arg(long)]
    pub as_of: Option<String>,
}

fn parse_scale(code: &str) -> Result<crate::r#gen::Scale, String> {
    // `tiny` (for tests) is accepted but not offered
    crate::r#gen::Scale::parse(code).ok_or_else(|| format!("未知的规模“{code}”：应为 zone、city 或 province"))
}

/// `zonedesk gen`: a synthetic data set for performance work, with a progress bar.
async fn run_gen(args: GenArgs) -> anyhow::Result<()> {
    let url = match &args.data {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            format!("sqlite://{}", dir.join("zonedesk.db").display())
        }
        None => args.db.database_url.clone(),
    };
    let db = open(&url).await?;
    let mut options = crate::r#gen::GenOptions::new(args.scale, args.seed, &args.password);
    if let Some(day) = &args.as_of {
        let day = crate::app::clock::parse_date(day).with_context(|| format!("--as-of {day} is not YYYY-MM-DD"))?;
        options.end = day.with_time(time::macros::time!(18:00)).assume_offset(crate::app::clock::LOCAL).to_offset(time::UtcOffset::UTC);
    }
    let started = std::time::Instant::now();
    let s = crate::r#gen::generate(&db, &options, &ProgressBar::new()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let states: Vec<String> = crate::domain::workorder::OrderState::ALL.iter().zip(s.by_state).map(|(st, n)| format!("{}{n}", st.label())).collect();
    println!(
        "已生成（{}至{}）：{}个乡镇办、{}个职能部门、{}家企业（绿名单{}家）、{}名干部（派驻记录{}条）、{}张工单（{}）、{}条办理记录、{}次走访、{}条复工复产日报；督办{}张，当前超期{}张，退回{}张，不满意重办{}张。用时{:.1}秒",
        s.first_day,
        s.last_day,
        s.townships,
        s.departments,
        s.enterprises,
        s.green_listed,
        s.cadres,
        s.officer_assignments,
        s.orders,
        states.join("、"),
        s.events,
        s.visits,
        s.reports,
        s.escalated,
        s.overdue,
        s.returned,
        s.reopened,
        started.elapsed().as_secs_f64()
    );
    let timings: Vec<String> = s.timings.iter().map(|(stage, secs)| format!("{stage}{secs:.1}秒")).collect();
    println!("分阶段用时：{}", timings.join("、"));
    println!("数据库：{}", store::redact(&url));
    println!("账号（密码均为 --password 所设，默认 bench）：");
    for (username, display_name, role) in &s.accounts {
        println!("  {username:<7} {}（{display_name}）", crate::web::i18n::Lang::Zh.role(*role));
    }
    Ok(())
}
