//! Several `zonedesk serve` processes on one PostgreSQL: nothing correctness
//! needs lives in one process. A session made on one instance works on the
//! other, and the escalation sweep of a minute runs on exactly one of them.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::TestApp;
use reqwest::StatusCode;

struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

async fn start(database_url: &str) -> Instance {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_zonedesk"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("ZONEDESK_DATABASE_URL", database_url)
        .env("ZONEDESK_SWEEP_SECONDS", "1")
        .env("ZONEDESK_PII_KEY", common::postgres_pii_key_hex())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start zonedesk serve");
    let instance = Instance { child, base: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(format!("{}/healthz", instance.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            return instance;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("zonedesk serve did not answer /healthz");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.expect(sql)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_share_sessions_and_sweep_once() {
    let Some(app) = TestApp::postgres().await else { return };
    let url = app.postgres_url().expect("a PostgreSQL test database");
    // the demo lives in March 2020: on the real clock its open orders are long overdue
    let overdue_before = count(&app, "SELECT COUNT(*) FROM work_orders WHERE escalated_at IS NULL AND state IN ('assigned', 'in_progress')").await;
    assert!(overdue_before > 0, "the demo has open orders for the sweep to escalate");
    // the demo's own history escalates some orders and sets them new limits (a
    // second overdue period escalates again): only this test's sweeps count
    let history = count(&app, "SELECT COALESCE(MAX(id), 0) FROM work_order_events").await;

    let (a, b) = tokio::join!(start(&url), start(&url));
    let client = reqwest::Client::new();

    // a token made on one instance works on the other; revoking it there ends it everywhere
    let answer: serde_json::Value = client
        .post(format!("{}/api/v1/auth/token", a.base))
        .json(&serde_json::json!({"username": "leader", "password": "demo"}))
        .send()
        .await
        .expect("log in on A")
        .json()
        .await
        .expect("token JSON");
    let token = answer["token"].as_str().expect("token");
    let on_b = client.get(format!("{}/api/v1/work-orders", b.base)).bearer_auth(token).send().await.expect("list on B");
    assert_eq!(on_b.status(), StatusCode::OK, "a token made on A is good on B");

    // both instances sweep every second; let several slots pass
    let mut runs = 0;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        runs = count(&app, "SELECT COUNT(*) FROM scheduled_runs WHERE job = 'supervision_sweep'").await;
        let left = count(
            &app,
            "SELECT COUNT(*) FROM work_orders WHERE escalated_at IS NULL AND state IN ('assigned', 'in_progress') AND resolve_deadline < '2026-01-01'",
        )
        .await;
        if runs > 0 && left == 0 {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(runs > 0, "a sweep ran");
    let twice = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM (SELECT order_id FROM work_order_events WHERE action = 'escalate' AND id > {history} GROUP BY order_id HAVING COUNT(*) > 1) t"
        ),
    )
    .await;
    assert_eq!(twice, 0, "no order was escalated twice");
    let escalated = count(&app, &format!("SELECT COUNT(DISTINCT order_id) FROM work_order_events WHERE action = 'escalate' AND id > {history}")).await;
    assert!(escalated > 0, "the sweep escalated the overdue orders");
    let slots_run_twice = count(&app, "SELECT COUNT(*) FROM (SELECT slot FROM scheduled_runs GROUP BY job, slot HAVING COUNT(*) > 1) t").await;
    assert_eq!(slots_run_twice, 0, "each minute's sweep ran on one instance");
    let runners = count(&app, "SELECT COUNT(DISTINCT runner) FROM scheduled_runs").await;
    eprintln!("two instances: {escalated} orders escalated once each, {runs} sweep slots, {runners} runner(s)");
}
