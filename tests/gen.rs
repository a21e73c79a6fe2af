//! `zonedesk gen`: the generated data set has the sizes asked for, orders in
//! every state with consistent timelines, is the same for the same seed, and
//! the app's use cases, API and pages read it without errors.
//!
//! Each test runs on SQLite and, when `ZONEDESK_TEST_POSTGRES_URL` is set, on
//! PostgreSQL, each time in a fresh, migrated, empty database (the demo
//! template of `tests/common` would be refused: the generator wants an empty one).

use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use zonedesk::app::exchange::Silent;
use zonedesk::domain::CreditCode;
use zonedesk::domain::resumption::StatusReportInput;
use zonedesk::r#gen::{GenError, GenOptions, Scale, generate};
use zonedesk::store::{Backend, Db};
use zonedesk::web::{self, AppState};

/// A fresh, migrated, empty database, dropped with the value.
struct Fresh {
    db: Db,
    _dir: Option<tempfile::TempDir>,
    /// the server URL and this test's database, to drop it
    pg: Option<(String, String)>,
}

impl Fresh {
    async fn sqlite() -> Fresh {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("zonedesk.db").display())).await.expect("connect sqlite");
        db.migrate().await.expect("migrate");
        Fresh { db, _dir: Some(dir), pg: None }
    }

    async fn postgres() -> Option<Fresh> {
        let url = match std::env::var("ZONEDESK_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") => panic!("ZONEDESK_TEST_POSTGRES_URL must be set in CI"),
            _ => {
                eprintln!("SKIPPED: PostgreSQL test — set ZONEDESK_TEST_POSTGRES_URL to run it");
                return None;
            }
        };
        let name = format!("zdgen_{}", &zonedesk::app::auth::random_secret()[..16].to_lowercase());
        let admin = Db::connect(&url).await.expect("connect postgres");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.expect("create the test database");
        admin.close().await;
        let db = Db::connect(&with_database(&url, &name)).await.expect("connect the test database");
        db.migrate().await.expect("migrate");
        Some(Fresh { db, _dir: None, pg: Some((url, name)) })
    }

    async fn of(backend: Backend) -> Option<Fresh> {
        match backend {
            Backend::Sqlite => Some(Fresh::sqlite().await),
            Backend::Postgres => Fresh::postgres().await,
        }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some((url, name)) = self.pg.take() {
            // Drop cannot await: a thread of its own with a runtime of its own
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Runtime::new() else { return };
                rt.block_on(async {
                    if let Ok(db) = Db::connect(&url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(db.pool()).await;
                        db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// `url` with its database replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((url, String::new()));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{root}/{database}{query}")
}

/// Runs `$test(backend)` once on SQLite and once on PostgreSQL.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(zonedesk::store::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(zonedesk::store::Backend::Postgres).await;
            }
        }
    )*};
}

on_both_databases!(
    a_tiny_data_set_has_its_sizes_every_state_and_consistent_timelines,
    the_same_seed_gives_the_same_data_and_another_seed_other_data,
    the_app_reads_the_generated_data_through_its_api_and_pages,
    a_database_with_data_is_refused,
);

/// Every tally, summed over its shards, as sorted text rows (all-zero rows left
/// out: a trigger may leave one where counts cancelled).
async fn tallies(db: &Db) -> Vec<String> {
    const TALLIES: &[(&str, &str, &str)] = &[
        ("resumption_township_tally", "township_id, day", "known, resumed, full_production, workers_back, workers_total, reports"),
        ("resumption_industry_tally", "industry, kind, day", "known, resumed, full_production, workers_back, workers_total, reports"),
        ("resumption_zone_tally", "day", "known, resumed, full_production, workers_back, workers_total, reports"),
        ("resumption_township_totals", "township_id", "enterprises, known, resumed, full_production, workers_back, workers_total"),
        ("order_tally", "metric, grain, bucket", "n"),
        ("order_state_tally", "state, escalated, merged", "n"),
        ("order_rate_tally", "day, department_id", "assigned, signed, signed_in_time, resolved, rated, satisfied"),
        ("order_due_tally", "day, department_id, limit_kind, deadline", "n"),
    ];
    let mut rows = Vec::new();
    for (table, keys, values) in TALLIES {
        let text = |cols: &str, f: &dyn Fn(&str) -> String| cols.split(", ").map(f).collect::<Vec<_>>().join(" || '|' || ");
        let key = text(keys, &|c| format!("CAST({c} AS TEXT)"));
        let sum = text(values, &|c| format!("CAST(SUM({c}) AS TEXT)"));
        let nonzero = values.split(", ").map(|c| format!("SUM({c}) <> 0")).collect::<Vec<_>>().join(" OR ");
        let sql = format!("SELECT '{table}|' || {key} || '|' || {sum} FROM {table} GROUP BY {keys} HAVING {nonzero}");
        let mut these: Vec<String> = sqlx::query_scalar(&sql).fetch_all(db.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(!these.is_empty(), "{table} is empty");
        rows.append(&mut these);
    }
    rows.sort();
    rows
}

/// On PostgreSQL the generator loads with the tally triggers off and counts the
/// tallies once at the end; on SQLite the triggers count every row. The same
/// seed gives the same rows, so both must give the same tallies, and
/// PostgreSQL's triggers must be on again for the server's writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tallies_counted_after_the_load_equal_the_triggers_counting_each_row() {
    let Some(pg) = Fresh::of(Backend::Postgres).await else { return };
    let sqlite = Fresh::sqlite().await;
    generate(&pg.db, &tiny(7), &Silent).await.expect("generates on PostgreSQL");
    generate(&sqlite.db, &tiny(7), &Silent).await.expect("generates on SQLite");
    let (counted, triggered) = (tallies(&pg.db).await, tallies(&sqlite.db).await);
    assert_eq!(counted.len(), triggered.len());
    for (c, t) in counted.iter().zip(&triggered) {
        assert_eq!(c, t);
    }
    let disabled = count(
        &pg.db,
        "SELECT COUNT(*) FROM pg_trigger WHERE tgname IN ('enterprises_tally_insert_delete', 'status_reports_tally_insert_delete', \
         'work_orders_tally_insert_delete') AND tgenabled = 'D'",
    )
    .await;
    assert_eq!(disabled, 0, "the tally triggers are on after the load");
    // and they count: one more order is one more in its state
    let before = count(&pg.db, "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM order_state_tally WHERE state = 'closed'").await;
    sqlx::query("UPDATE work_orders SET state = 'closed' WHERE id = (SELECT MIN(id) FROM work_orders WHERE state = 'submitted')")
        .execute(pg.db.pool())
        .await
        .unwrap();
    assert_eq!(count(&pg.db, "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM order_state_tally WHERE state = 'closed'").await, before + 1);
}

/// A fixed end, so that the data (and so the assertions on it) never change.
fn tiny(seed: u64) -> GenOptions {
    let mut options = GenOptions::new(Scale::Tiny, seed, "bench");
    options.end = time::macros::datetime!(2026-11-20 15:30 +8).to_offset(time::UtcOffset::UTC);
    options
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn a_tiny_data_set_has_its_sizes_every_state_and_consistent_timelines(backend: Backend) {
    let Some(fresh) = Fresh::of(backend).await else { return };
    let db = &fresh.db;
    let indexes_before = indexes(db, backend).await;
    let summary = generate(db, &tiny(7), &Silent).await.expect("generates");
    let sizes = Scale::Tiny.sizes();

    // the indexes dropped for the load are back, as the migrations made them
    assert_eq!(indexes(db, backend).await, indexes_before);
    assert!(indexes_before.iter().any(|(name, _)| name == "work_orders_state_department"));
    if backend == Backend::Sqlite {
        let broken: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check").fetch_all(db.pool()).await.unwrap();
        assert!(broken.is_empty(), "{broken:?}");
    }

    assert_eq!(count(db, "SELECT COUNT(*) FROM townships").await, sizes.townships as i64);
    assert_eq!(count(db, "SELECT COUNT(*) FROM enterprises").await, sizes.enterprises as i64);
    assert_eq!(count(db, "SELECT COUNT(*) FROM cadres").await, sizes.officers as i64);
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_orders").await, sizes.orders as i64);
    assert_eq!(count(db, "SELECT COUNT(*) FROM status_reports").await, sizes.reports as i64);
    assert_eq!(summary.orders, sizes.orders);
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_order_events").await, summary.events as i64);
    assert!(count(db, "SELECT COUNT(*) FROM officer_assignments WHERE ended_on IS NULL").await > sizes.enterprises as i64 * 8 / 10);
    assert!(count(db, "SELECT COUNT(*) FROM green_list WHERE removed_on IS NULL").await > 0);

    // every state, and the detours: returned, reopened, escalated and supervised, extended
    let states: Vec<String> = sqlx::query_scalar("SELECT DISTINCT state FROM work_orders ORDER BY state").fetch_all(db.pool()).await.unwrap();
    assert_eq!(states, ["assigned", "closed", "in_progress", "resolved", "submitted"]);
    for (action, sql) in [
        ("return", "SELECT COUNT(*) FROM work_order_events WHERE action = 'return' AND to_state = 'submitted'"),
        ("reopen", "SELECT COUNT(*) FROM work_order_events WHERE action = 'rate' AND to_state = 'assigned'"),
        ("transfer", "SELECT COUNT(*) FROM work_order_events WHERE action = 'transfer'"),
        ("escalate", "SELECT COUNT(*) FROM work_order_events WHERE action = 'escalate'"),
        ("supervise", "SELECT COUNT(*) FROM work_order_events WHERE action = 'supervise'"),
        ("extension", "SELECT COUNT(*) FROM work_order_events WHERE action = 'decide_extension'"),
    ] {
        assert!(count(db, sql).await > 0, "no {action} in the timelines");
    }
    let closed = count(db, "SELECT COUNT(*) FROM work_orders WHERE state = 'closed'").await;
    assert!(closed > sizes.orders as i64 * 7 / 10, "most orders are closed, not {closed}");

    // every order has a timeline that starts with its filing and ends in its state
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_orders o WHERE NOT EXISTS (SELECT 1 FROM work_order_events e WHERE e.order_id = o.id)").await, 0);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM work_order_events e WHERE e.action = 'file' AND e.id <> (SELECT MIN(id) FROM work_order_events f WHERE f.order_id = e.order_id)")
            .await,
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM work_orders o WHERE o.state <> (SELECT e.to_state FROM work_order_events e WHERE e.order_id = o.id ORDER BY e.id DESC LIMIT 1)"
        )
        .await,
        0
    );
    // each change after filing saved the order once: the version counts them
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM work_orders o WHERE o.version <> 1 + (SELECT COUNT(*) FROM work_order_events e WHERE e.order_id = o.id AND e.action <> 'file')")
            .await,
        0
    );
    // timelines never go back in time, and end at the order's last change
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM work_order_events a JOIN work_order_events b ON b.order_id = a.order_id AND b.id = a.id + 1 WHERE b.at < a.at").await,
        0
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM work_orders o WHERE o.updated_at <> (SELECT MAX(e.at) FROM work_order_events e WHERE e.order_id = o.id)").await,
        0
    );
    // what the use cases keep: limits while a department holds an order, none before
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_orders WHERE state = 'submitted' AND (department_id IS NOT NULL OR sign_deadline IS NOT NULL)").await, 0);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM work_orders WHERE state <> 'submitted' AND (department_id IS NULL OR resolve_deadline IS NULL OR first_assigned_at IS NULL)"
        )
        .await,
        0
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_orders WHERE state = 'closed' AND rating NOT IN ('satisfied', 'basically_satisfied')").await, 0);
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_orders WHERE (escalated_at IS NULL) <> (escalation IS NULL)").await, 0);

    // the sweep has nothing left to do: every open order past a limit is escalated
    let today = summary.last_day.clone();
    let mut conn = db.pool().acquire().await.unwrap();
    assert_eq!(zonedesk::store::workorder::overdue_unescalated(&mut conn, &today).await.unwrap(), Vec::<i64>::new());
    assert!(summary.overdue > 0, "a realistic share of open orders is overdue");
    // what production would refuse was not generated
    let codes: Vec<String> = sqlx::query_scalar("SELECT credit_code FROM enterprises").fetch_all(db.pool()).await.unwrap();
    assert!(codes.iter().all(|c| CreditCode::parse(c).is_ok()));
    let reports: Vec<(String, i64, i64, i64, String)> =
        sqlx::query_as("SELECT status, workers_back, workers_total, capacity_pct, note FROM status_reports").fetch_all(db.pool()).await.unwrap();
    for (status, workers_back, workers_total, capacity_pct, note) in reports {
        let input = StatusReportInput { status, workers_back, workers_total, capacity_pct, note };
        assert!(input.parse().is_ok(), "{input:?}");
    }
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_orders WHERE latitude IS NULL OR longitude IS NULL").await, 0);
    assert_eq!(count(db, "SELECT COUNT(*) FROM work_orders WHERE source = 'officer_visit' AND source_ref NOT IN (SELECT id FROM visits)").await, 0);
}

/// Every index of the database with its definition.
async fn indexes(db: &Db, backend: Backend) -> Vec<(String, String)> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name",
        Backend::Postgres => "SELECT CAST(indexname AS TEXT), CAST(indexdef AS TEXT) FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname",
    };
    sqlx::query_as(sql).fetch_all(db.pool()).await.expect("indexes")
}

/// A digest of every generated row (not the accounts: their password hashes are salted).
async fn checksum(db: &Db) -> String {
    const TABLES: &[(&str, &str)] = &[
        ("townships", "id, name, kind, created_at"),
        ("departments", "id, name"),
        ("enterprises", "id, name, credit_code, industry, kind, township_id, address, contact_name, contact_phone, headcount, created_at, version"),
        ("cadres", "id, name, rank, department_id, phone, created_at"),
        ("officer_assignments", "id, cadre_id, enterprise_id, started_on, ended_on"),
        ("green_list", "id, enterprise_id, added_on, add_reason, removed_on, remove_reason"),
        ("service_team_members", "id, enterprise_id, cadre_id, is_lead"),
        ("visits", "id, cadre_id, enterprise_id, visited_on, findings, created_at"),
        (
            "work_orders",
            "id, source, source_ref, enterprise_id, township_id, category_id, title, description, priority, latitude, longitude, address, state, \
             department_id, first_assigned_at, assigned_at, sign_deadline, signed_at, signed_in_time, resolve_deadline, resolved_at, resolution, \
             rating, rated_at, rating_comment, escalated_at, escalation, extension_days, extension_reason, created_at, updated_at, version",
        ),
        ("work_order_events", "id, order_id, at, actor_name, action, from_state, to_state, department_id, note"),
        ("status_reports", "id, enterprise_id, report_date, status, workers_back, workers_total, capacity_pct, note, created_at"),
    ];
    let mut hash = Sha256::new();
    for (table, columns) in TABLES {
        let row = columns.split(", ").map(|c| format!("COALESCE(CAST({} AS TEXT), '-')", c.trim())).collect::<Vec<_>>().join(" || '|' || ");
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {row} FROM {table} ORDER BY id")).fetch_all(db.pool()).await.expect(table);
        assert!(!rows.is_empty(), "{table} is empty");
        hash.update(table.as_bytes());
        for r in rows {
            hash.update(r.as_bytes());
            hash.update(b"\n");
        }
    }
    hex::encode(hash.finalize())
}

async fn the_same_seed_gives_the_same_data_and_another_seed_other_data(backend: Backend) {
    let mut sums = Vec::new();
    for seed in [7, 7, 8] {
        let Some(fresh) = Fresh::of(backend).await else { return };
        generate(&fresh.db, &tiny(seed), &Silent).await.expect("generates");
        sums.push(checksum(&fresh.db).await);
    }
    assert_eq!(sums[0], sums[1], "seed 7 twice");
    assert_ne!(sums[0], sums[2], "seeds 7 and 8");
}

async fn a_database_with_data_is_refused(backend: Backend) {
    let Some(fresh) = Fresh::of(backend).await else { return };
    generate(&fresh.db, &tiny(1), &Silent).await.expect("generates");
    let orders = count(&fresh.db, "SELECT COUNT(*) FROM work_orders").await;
    match generate(&fresh.db, &tiny(2), &Silent).await {
        Err(e @ GenError::NotEmpty(_)) => assert!(e.to_string().contains("企业200条"), "{e}"),
        other => panic!("a second generation must be refused, got {other:?}"),
    }
    assert_eq!(count(&fresh.db, "SELECT COUNT(*) FROM work_orders").await, orders, "nothing was written");
}

/// The value of `<input … name="NAME" value="…">` in a page.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let v = rest.find("value=\"")? + 7;
    let end = rest[v..].find('"')?;
    Some(rest[v..v + end].to_string())
}

async fn the_app_reads_the_generated_data_through_its_api_and_pages(backend: Backend) {
    let Some(fresh) = Fresh::of(backend).await else { return };
    // a history that ends now, as `zonedesk gen` makes it for the server that runs today
    let summary = generate(&fresh.db, &GenOptions::new(Scale::Tiny, 3, "bench"), &Silent).await.expect("generates");
    assert_eq!(summary.accounts.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), ["admin", "leader", "ent1"]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let mut state = AppState::new(fresh.db.clone());
    state.background_sweep = false;
    tokio::spawn(async move {
        let _ = web::serve_on(state, listener).await;
    });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let token = |username: &'static str| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let res =
                client.post(format!("{base}/api/v1/auth/token")).json(&serde_json::json!({"username": username, "password": "bench"})).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "log-in of {username}");
            res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
        }
    };
    let get = |path: String, token: String| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let res = client.get(format!("{base}{path}")).bearer_auth(token).send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body))
        }
    };
    let leader = token("leader").await;
    let list = get("/api/v1/work-orders?page=1".into(), leader.clone()).await;
    assert_eq!(list["total"], summary.orders);
    // one order of each state, with its timeline
    for state in ["submitted", "assigned", "in_progress", "resolved", "closed"] {
        let page = get(format!("/api/v1/work-orders?state={state}&per_page=1"), leader.clone()).await;
        let Some(id) = page["items"][0]["id"].as_i64() else { continue };
        let order = get(format!("/api/v1/work-orders/{id}"), leader.clone()).await;
        assert_eq!(order["order"]["state"], state);
        assert!(!order["timeline"].as_array().unwrap().is_empty());
    }
    let supervision = get("/api/v1/supervision".into(), leader.clone()).await;
    assert!(supervision["total"].as_i64().unwrap() > 0, "escalated open orders are on the leader's list");
    get("/api/v1/dashboard".into(), leader.clone()).await;
    let briefing = get(format!("/api/v1/briefing?date={}", summary.last_day), leader.clone()).await;
    assert!(!briefing["text"].as_str().unwrap().is_empty());
    get("/api/v1/rates?group=department".into(), leader.clone()).await;
    get("/api/v1/enterprises?page=1".into(), leader.clone()).await;
    get("/open311/v2/requests.json".into(), leader.clone()).await;

    // the enterprise user sees its own orders only
    let ent = token("ent1").await;
    let own = get("/api/v1/work-orders?per_page=100".into(), ent).await;
    let enterprise_id = sqlx::query_scalar::<_, i64>("SELECT enterprise_id FROM users WHERE username = 'ent1'").fetch_one(fresh.db.pool()).await.unwrap();
    assert!(own["items"].as_array().unwrap().iter().all(|o| o["enterprise_id"] == enterprise_id));

    // the leader's pages, through the log-in form
    let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = browser.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_value(&login, "_csrf").expect("csrf field");
    let res = browser
        .post(format!("{base}/login"))
        .form(&[("username", "leader"), ("password", "bench"), ("_csrf", csrf.as_str()), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let some_order: i64 = sqlx::query_scalar("SELECT MAX(id) FROM work_orders").fetch_one(fresh.db.pool()).await.unwrap();
    for path in ["/dashboard".to_string(), "/briefing".into(), "/work-orders".into(), format!("/work-orders/{some_order}"), "/supervision".into()] {
        let res = browser.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}
