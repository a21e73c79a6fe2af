//! Crash safety of the real binary. `zonedesk serve` on a SQLite file is killed
//! with SIGKILL at a random moment while sixteen writers file work orders, then
//! started again on the same file: every order it answered 201 for must be there,
//! intact (title, description, category, enterprise) with its "file" event, no
//! order may appear that was never sent, and `PRAGMA integrity_check` must say
//! "ok". The file grows over the rounds and every check covers every order
//! acknowledged so far. Then `zonedesk backup` runs under the same load, the copy
//! is restored elsewhere with `zonedesk restore`, and it must hold every order
//! acknowledged before the backup started. On PostgreSQL (when
//! `ZONEDESK_TEST_POSTGRES_URL` is set) the kill loop runs too.
//!
//! The seed is printed; `ZONEDESK_CRASH_SEED=N` replays a run's kill moments and
//! orders, `ZONEDESK_CRASH_KILLS=N` runs more rounds. Figures go to
//! `target/reliability/crash.txt` (and `crash-postgres.txt`).

mod common;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::AnyPool;
use sqlx::Row;
use sqlx::any::AnyPoolOptions;
use zonedesk::domain::credit_code::CreditCode;

/// Concurrent writers during the load.
const WRITERS: usize = 16;
/// SIGKILLs per run on SQLite (each followed by a restart and a full check).
const KILLS_SQLITE: usize = 20;
/// SIGKILLs on PostgreSQL: its durability is the server's, so fewer rounds suffice.
const KILLS_POSTGRES: usize = 5;
/// Online backups taken under load.
const BACKUPS: usize = 3;
/// The kill comes this many milliseconds into the load.
const KILL_WINDOW_MS: std::ops::RangeInclusive<u64> = 50..=600;
/// PostgreSQL files fewer orders a second through a debug build: a longer window, so that each round acknowledges some.
const KILL_WINDOW_MS_POSTGRES: std::ops::RangeInclusive<u64> = 200..=1500;
const TITLE_PREFIX: &str = "断电测试";
const PASSWORD: &str = "crash-test-口令-2026";

/// What the server acknowledged with a 201: what was sent, and the id it answered.
#[derive(Debug, Clone)]
struct Ack {
    title: String,
    description: String,
    category: String,
    enterprise_id: i64,
    id: Option<i64>,
}

/// Everything the writers sent and heard, over all rounds.
#[derive(Default)]
struct Ledger {
    acks: Vec<Ack>,
    /// every title sent, acknowledged or not: no other may appear in the database
    sent: HashSet<String>,
    /// answers that are defects by themselves (a 5xx, a failure before the kill, a body that differs from what was sent)
    problems: Vec<String>,
}

/// The zone the orders are filed for.
struct Zone {
    token: String,
    enterprises: Vec<i64>,
    categories: Vec<String>,
}

/// A running `zonedesk serve`; killed when dropped, so a failing test leaves no server behind.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown, no flush, no goodbye.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_zonedesk")
}

/// The personal-information key every process of a run shares (`ZONEDESK_PII_KEY`
/// wins over a key file beside the database, so a backup restored elsewhere and
/// a PostgreSQL database are read with the key they were written with).
fn pii_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect())
}

/// `zonedesk` with the run's key and quiet logs.
fn zonedesk_command() -> Command {
    let mut command = Command::new(bin());
    command.env("ZONEDESK_LOG", "zonedesk=warn").env(zonedesk::store::pii::KEY_ENV, pii_key());
    command
}

/// A plain connection pool, outside the application: what a check reads is what is on disk.
async fn open_pool(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPoolOptions::new().max_connections(2).connect(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0").local_addr().expect("addr").port()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client")
}

/// Runs a `zonedesk` command to its end (outside the runtime's worker threads).
async fn zonedesk(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || zonedesk_command().args(&args).output().expect("run zonedesk")).await.expect("command thread")
}

/// The last lines of the server's log, for a failure message.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Starts `zonedesk serve` on `url` and waits until /healthz answers.
async fn start_server(url: &str, log: &Path) -> Server {
    let http = client();
    for _attempt in 0..3 {
        let port = free_port();
        let out = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("server log");
        let child = zonedesk_command()
            .args(["serve", "--database-url", url, "--addr", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .spawn()
            .expect("start zonedesk serve");
        let mut server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if server.child.try_wait().expect("server status").is_some() {
                break; // the port was taken between our probe and its bind, or it failed: see the log
            }
            if let Ok(r) = http.get(format!("{}/healthz", server.base)).send().await
                && r.status() == StatusCode::OK
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = server.child.kill();
    }
    panic!("zonedesk serve did not come up on {url}; its log:\n{}", log_tail(log));
}

/// Creates the admin account with the CLI, then a township, three enterprises and the category list through the API.
async fn set_up_zone(url: &str, log: &Path) -> (Server, Zone) {
    let out =
        zonedesk(["user", "add", "crash-admin", "--role", "admin", "--password", PASSWORD, "--database-url", url].iter().map(|s| s.to_string()).collect())
            .await;
    assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
    let server = start_server(url, log).await;
    let http = client();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut req = http.post(format!("{}{path}", server.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req
    };
    let answer = post("/api/v1/auth/token", None, json!({"username": "crash-admin", "password": PASSWORD})).send().await.expect("log in");
    assert_eq!(answer.status(), StatusCode::OK);
    let token = answer.json::<Value>().await.expect("token")["token"].as_str().expect("token").to_string();
    let township = post("/api/v1/townships", Some(&token), json!({"name": "断电测试镇", "kind": "zhen"})).send().await.expect("township");
    assert_eq!(township.status(), StatusCode::CREATED);
    let township_id = township.json::<Value>().await.expect("township")["id"].as_i64().expect("id");
    let mut enterprises = Vec::new();
    for (n, name) in ["恒久电子科技有限公司", "雪域食品有限公司", "长风物流有限公司"].iter().enumerate() {
        let code = CreditCode::with_check_character(&format!("91320500MA{:07}", 4711 + n)).expect("credit code");
        let body = json!({"name": name, "credit_code": code.as_str(), "kind": "industrial", "township_id": township_id, "industry": "制造业"});
        let answer = post("/api/v1/enterprises", Some(&token), body).send().await.expect("enterprise");
        assert_eq!(answer.status(), StatusCode::CREATED);
        enterprises.push(answer.json::<Value>().await.expect("enterprise")["id"].as_i64().expect("id"));
    }
    let list: Value = http
        .get(format!("{}/api/v1/work-order-categories", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("categories")
        .json()
        .await
        .expect("categories");
    let categories: Vec<String> = list["items"].as_array().expect("items").iter().map(|c| c["code"].as_str().expect("code").to_string()).collect();
    assert!(!categories.is_empty(), "the migrations seed the categories");
    (server, Zone { token, enterprises, categories })
}

/// A description in Chinese with emoji (some joined, some with skin tones),
/// quotes, wildcards, markup and line breaks: what a careless byte would break.
fn description(rng: &mut StdRng) -> String {
    const EMOJI: [&str; 10] = ["😷", "🏭", "🚚", "✅", "❗", "👨‍👩‍👧", "🇨🇳", "💊", "🧧", "👍🏽"];
    const MARKS: [&str; 16] = ["，", "。", "；", "：", "“", "”", "（", "）", "、", "\n", "'", "\"", "%", "_", "\\", "<b>&amp;</b>"];
    let tokens = rng.gen_range(8..=300);
    let mut text = String::new();
    for _ in 0..tokens {
        match rng.gen_range(0..20) {
            0 => text.push_str(EMOJI[rng.gen_range(0..EMOJI.len())]),
            1 | 2 => text.push_str(MARKS[rng.gen_range(0..MARKS.len())]),
            _ => text.push(char::from_u32(rng.gen_range(0x4E00..=0x9FA5)).expect("CJK")),
        }
    }
    // the server trims text fields; what we compare is what it keeps
    text.trim().to_string()
}

/// Sixteen writers file orders until `stop` is set (or the server dies under them).
fn start_writers(
    base: &str,
    zone: &Arc<Zone>,
    ledger: &Arc<Mutex<Ledger>>,
    stop: &Arc<AtomicBool>,
    seed: u64,
    round: &str,
) -> Vec<tokio::task::JoinHandle<()>> {
    let http = client();
    (0..WRITERS)
        .map(|writer| {
            let (http, zone, ledger, stop) = (http.clone(), zone.clone(), ledger.clone(), stop.clone());
            let url = format!("{base}/api/v1/work-orders");
            let round = round.to_string();
            let mut rng =
                StdRng::seed_from_u64(seed ^ ((writer as u64 + 1) << 32) ^ round.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64)));
            tokio::spawn(async move {
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let ack = Ack {
                        title: format!("{TITLE_PREFIX} {round} {writer}号 第{n}张"),
                        description: description(&mut rng),
                        category: zone.categories[rng.gen_range(0..zone.categories.len())].clone(),
                        enterprise_id: zone.enterprises[rng.gen_range(0..zone.enterprises.len())],
                        id: None,
                    };
                    ledger.lock().unwrap().sent.insert(ack.title.clone());
                    let body = json!({"enterprise_id": ack.enterprise_id, "category": ack.category, "title": ack.title, "description": ack.description});
                    let answer = match http.post(&url).bearer_auth(&zone.token).json(&body).send().await {
                        Ok(a) => a,
                        Err(e) => {
                            if !stop.load(Ordering::SeqCst) {
                                ledger.lock().unwrap().problems.push(format!("{}: the request failed before the kill: {e}", ack.title));
                            }
                            return;
                        }
                    };
                    let status = answer.status();
                    if status != StatusCode::CREATED {
                        let text = answer.text().await.unwrap_or_default();
                        ledger.lock().unwrap().problems.push(format!("{}: answered {status}, not 201: {text}", ack.title));
                        return;
                    }
                    // the status line is the acknowledgement; the body may be cut by the kill
                    let mut ack = ack;
                    if let Ok(filed) = answer.json::<Value>().await {
                        let o = &filed["order"];
                        ack.id = o["id"].as_i64();
                        if o["title"] != ack.title.as_str()
                            || o["description"] != ack.description.as_str()
                            || o["category_code"] != ack.category.as_str()
                            || o["enterprise_id"] != ack.enterprise_id
                            || o["state"] != "submitted"
                        {
                            ledger.lock().unwrap().problems.push(format!("{}: the 201 answer differs from what was sent: {o}", ack.title));
                        }
                    }
                    ledger.lock().unwrap().acks.push(ack);
                }
            })
        })
        .collect()
}

async fn join(writers: Vec<tokio::task::JoinHandle<()>>) {
    for w in writers {
        w.await.expect("writer task");
    }
}

/// Every acknowledged order is in `db`, intact, filed exactly once with its
/// "file" event, and nothing is there that was never sent. Returns the problems.
async fn check_orders(db: &AnyPool, acks: &[Ack], sent: &HashSet<String>) -> Vec<String> {
    let rows = sqlx::query(
        "SELECT o.id, o.title, o.description, c.code, o.enterprise_id, o.state, \
         (SELECT COUNT(*) FROM work_order_events e WHERE e.order_id = o.id AND e.action = 'file') \
         FROM work_orders o JOIN work_order_categories c ON c.id = o.category_id",
    )
    .fetch_all(db)
    .await
    .expect("read the orders");
    let mut problems = Vec::new();
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let title: String = row.get(1);
        if !sent.contains(&title) {
            problems.push(format!("order {} has a title that was never sent: {title:?}", row.get::<i64, _>(0)));
        }
        by_title.entry(title).or_default().push(i);
    }
    for ack in acks {
        let Some(found) = by_title.get(&ack.title) else {
            problems.push(format!("LOST: {} (id {:?}) was acknowledged with 201 and is not in the database", ack.title, ack.id));
            continue;
        };
        if found.len() != 1 {
            problems.push(format!("{} is in the database {} times", ack.title, found.len()));
        }
        let row = &rows[found[0]];
        let (id, description, category, enterprise, state, file_events): (i64, String, String, Option<i64>, String, i64) =
            (row.get(0), row.get(2), row.get(3), row.get(4), row.get(5), row.get(6));
        if ack.id.is_some_and(|acked| acked != id) {
            problems.push(format!("{} was acknowledged as id {:?} but is stored as id {id}", ack.title, ack.id));
        }
        if description != ack.description {
            problems.push(format!("{}: the description changed: {description:?} instead of {:?}", ack.title, ack.description));
        }
        if category != ack.category || enterprise != Some(ack.enterprise_id) || state != "submitted" {
            problems
                .push(format!("{}: stored as {category}/{enterprise:?}/{state}, acknowledged as {}/{}/submitted", ack.title, ack.category, ack.enterprise_id));
        }
        if file_events != 1 {
            problems.push(format!("{}: {file_events} \"file\" events in its timeline instead of one", ack.title));
        }
    }
    problems
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` of a SQLite database.
async fn sqlite_integrity(db: &AnyPool) -> Vec<String> {
    let mut problems = Vec::new();
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(db).await.expect("integrity_check");
    if integrity != ["ok"] {
        problems.push(format!("integrity_check: {}", integrity.join("; ")));
    }
    let dangling = sqlx::query("PRAGMA foreign_key_check").fetch_all(db).await.expect("foreign_key_check").len();
    if dangling > 0 {
        problems.push(format!("foreign_key_check: {dangling} rows point at nothing"));
    }
    problems
}

fn seed() -> u64 {
    match std::env::var("ZONEDESK_CRASH_SEED") {
        Ok(s) => s.parse().expect("ZONEDESK_CRASH_SEED is a number"),
        Err(_) => rand::random(),
    }
}

fn kills(default: usize) -> usize {
    std::env::var("ZONEDESK_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(default)
}

/// What the kill rounds measured.
struct KillRounds {
    kills: usize,
    acked: usize,
    sent: usize,
    moments: Vec<u64>,
}

/// Kills the server `kills` times under load, restarting and checking after each kill.
/// `integrity` also checks the SQLite file. Leaves the last server running.
async fn kill_rounds(
    url: &str,
    log: &Path,
    seed: u64,
    kills: usize,
    window: std::ops::RangeInclusive<u64>,
    ledger: &Arc<Mutex<Ledger>>,
    integrity: bool,
) -> (Server, Arc<Zone>, KillRounds) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut server, zone) = set_up_zone(url, log).await;
    let zone = Arc::new(zone);
    let mut moments = Vec::new();
    for round in 1..=kills {
        let stop = Arc::new(AtomicBool::new(false));
        let writers = start_writers(&server.base, &zone, ledger, &stop, seed, &format!("第{round}轮"));
        let moment = rng.gen_range(window.clone());
        moments.push(moment);
        tokio::time::sleep(Duration::from_millis(moment)).await;
        stop.store(true, Ordering::SeqCst);
        server.kill();
        join(writers).await;

        server = start_server(url, log).await;
        let db = open_pool(url).await;
        let (acks, sent, mut problems) = {
            let l = ledger.lock().unwrap();
            (l.acks.clone(), l.sent.clone(), l.problems.clone())
        };
        problems.extend(check_orders(&db, &acks, &sent).await);
        if integrity {
            problems.extend(sqlite_integrity(&db).await);
        }
        db.close().await;
        // the restarted server serves what it acknowledged before it died
        if let Some(last) = acks.iter().rev().find_map(|a| a.id) {
            let detail: Value = client()
                .get(format!("{}/api/v1/work-orders/{last}", server.base))
                .bearer_auth(&zone.token)
                .send()
                .await
                .expect("read")
                .json()
                .await
                .expect("json");
            if detail["timeline"][0]["action"] != "file" {
                problems.push(format!("order {last} after the restart: {detail}"));
            }
        }
        assert!(
            problems.is_empty(),
            "after SIGKILL {round} of {kills} ({moment} ms into the load; seed {seed}, replay with ZONEDESK_CRASH_SEED={seed}):\n{}\nserver log:\n{}",
            problems.join("\n"),
            log_tail(log)
        );
        eprintln!("kill {round}/{kills} at {moment} ms: {} orders acknowledged so far, all there", acks.len());
    }
    let (acked, sent) = {
        let l = ledger.lock().unwrap();
        (l.acks.len(), l.sent.len())
    };
    (server, zone, KillRounds { kills, acked, sent, moments })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_orders_survive_sigkill_and_reach_online_backups() {
    let started = Instant::now();
    let seed = seed();
    eprintln!("crash test seed {seed} (replay with ZONEDESK_CRASH_SEED={seed})");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("zonedesk.db");
    let url = format!("sqlite://{}", file.display());
    let log = dir.path().join("server.log");
    let ledger = Arc::new(Mutex::new(Ledger::default()));

    let (server, zone, rounds) = kill_rounds(&url, &log, seed, kills(KILLS_SQLITE), KILL_WINDOW_MS, &ledger, true).await;

    // online backups while sixteen writers file orders
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(1));
    let mut backups = Vec::new();
    for b in 1..=BACKUPS {
        let stop = Arc::new(AtomicBool::new(false));
        let writers = start_writers(&server.base, &zone, &ledger, &stop, seed, &format!("备份{b}"));
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..=300))).await;
        let before = ledger.lock().unwrap().acks.clone();
        let copy = dir.path().join(format!("backup-{b}.db"));
        let backup_started = Instant::now();
        let out = zonedesk(vec!["backup".into(), copy.display().to_string(), "--database-url".into(), url.clone()]).await;
        let backup_ms = backup_started.elapsed().as_millis();
        assert!(out.status.success(), "zonedesk backup under load: {}", String::from_utf8_lossy(&out.stderr));
        tokio::time::sleep(Duration::from_millis(rng.gen_range(20..=100))).await;
        stop.store(true, Ordering::SeqCst);
        join(writers).await;

        let restored_dir = dir.path().join(format!("restored-{b}"));
        std::fs::create_dir_all(&restored_dir).expect("restore folder");
        let restored = restored_dir.join("zonedesk.db");
        let out = zonedesk(vec!["restore".into(), copy.display().to_string(), "--database-url".into(), format!("sqlite://{}", restored.display())]).await;
        assert!(out.status.success(), "zonedesk restore: {}", String::from_utf8_lossy(&out.stderr));
        let db = open_pool(&format!("sqlite://{}?mode=ro", restored.display())).await;
        let sent = ledger.lock().unwrap().sent.clone();
        let mut problems = sqlite_integrity(&db).await;
        problems.extend(check_orders(&db, &before, &sent).await);
        let in_copy: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM work_orders").fetch_one(&db).await.expect("count");
        db.close().await;
        let problems: Vec<String> = problems.into_iter().map(|p| p.replace("is not in the database", "is not in the backup")).collect();
        assert!(problems.is_empty(), "backup {b} (seed {seed}):\n{}", problems.join("\n"));
        eprintln!("backup {b}: {} orders acknowledged before it started, all in the restored copy ({in_copy} orders, {backup_ms} ms)", before.len());
        backups.push((before.len(), in_copy, backup_ms));
    }
    let problems = ledger.lock().unwrap().problems.clone();
    assert!(problems.is_empty(), "answers during the backups:\n{}", problems.join("\n"));
    drop(server);

    let (first, last) = (rounds.moments.iter().min().copied().unwrap_or(0), rounds.moments.iter().max().copied().unwrap_or(0));
    let mut figures = String::new();
    let _ = writeln!(figures, "crash safety (cargo test --test crash; seed {seed}; {:.1} s)", started.elapsed().as_secs_f64());
    let _ = writeln!(
        figures,
        "SQLite: {} SIGKILLs survived under {WRITERS} concurrent writers (kill {first}–{last} ms into the load), each followed by a restart and a full check",
        rounds.kills
    );
    let _ = writeln!(
        figures,
        "orders acknowledged (201) and checked intact after every restart: {} of {} sent; integrity_check ok and no dangling foreign key after each restart",
        rounds.acked, rounds.sent
    );
    for (b, (before, in_copy, ms)) in backups.iter().enumerate() {
        let _ = writeln!(
            figures,
            "online backup {} under load ({ms} ms): {before} orders acknowledged before it started, all in the restored copy ({in_copy} orders), integrity_check ok",
            b + 1
        );
    }
    eprint!("{figures}");
    std::fs::write(common::reliability_file("crash.txt"), figures).expect("write crash.txt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_orders_survive_sigkill_on_postgresql() {
    let Some(base_url) = common::required_or_skip("ZONEDESK_TEST_POSTGRES_URL", "PostgreSQL crash") else { return };
    let started = Instant::now();
    let seed = seed();
    eprintln!("PostgreSQL crash test seed {seed} (replay with ZONEDESK_CRASH_SEED={seed})");
    let name = format!("zdcrash_{}", &zonedesk::app::auth::random_secret()[..12].to_lowercase());
    let admin = open_pool(&base_url).await;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create the crash database");
    let (root, query) = match base_url.split_once('?') {
        Some((b, q)) => (b.to_string(), format!("?{q}")),
        None => (base_url.clone(), String::new()),
    };
    let scheme_end = root.find("://").map(|i| i + 3).unwrap_or(0);
    let host = match root[scheme_end..].find('/') {
        Some(slash) => &root[..scheme_end + slash],
        None => &root,
    };
    let url = format!("{host}/{name}{query}");
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("server.log");
    let ledger = Arc::new(Mutex::new(Ledger::default()));

    let (server, _zone, rounds) = kill_rounds(&url, &log, seed, kills(KILLS_POSTGRES), KILL_WINDOW_MS_POSTGRES, &ledger, false).await;
    drop(server);
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
    admin.close().await;

    let figures = format!(
        "crash safety on PostgreSQL (cargo test --test crash; seed {seed}; {:.1} s)\n\
         PostgreSQL: {} SIGKILLs survived under {WRITERS} concurrent writers (kill {}–{} ms into the load); {} orders acknowledged (of {} sent), all intact after every restart\n",
        started.elapsed().as_secs_f64(),
        rounds.kills,
        rounds.moments.iter().min().copied().unwrap_or(0),
        rounds.moments.iter().max().copied().unwrap_or(0),
        rounds.acked,
        rounds.sent
    );
    eprint!("{figures}");
    std::fs::write(common::reliability_file("crash-postgres.txt"), figures).expect("write crash-postgres.txt");
}
