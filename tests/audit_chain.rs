//! The audit log's hash chain on both databases: the demo leaves a valid chain;
//! an edited, deleted or reordered entry, or a cut-off tail, is named by the
//! verification (use case, API and `zonedesk audit verify`); concurrent writers
//! still leave one valid chain.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;
use zonedesk::store::Backend;
use zonedesk::store::audit::{BreakKind, ChainReport, verify_chain};

async fn verify(app: &TestApp) -> ChainReport {
    verify_chain(&app.db).await.expect("the walk reads the log")
}

/// Lets raw SQL change the append-only log, as someone with the database's
/// owner rights could: the triggers refuse it otherwise.
async fn allow_tampering(app: &TestApp) {
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"],
    };
    for sql in statements {
        sqlx::query(sql).execute(app.db.pool()).await.expect(sql);
    }
}

/// The ids of the chained entries, oldest first.
async fn chained_ids(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM audit_log WHERE hash IS NOT NULL ORDER BY id").fetch_all(app.db.pool()).await.unwrap()
}

async fn the_demo_leaves_a_valid_chain(app: TestApp) {
    let entries = app.count("audit_log").await;
    let report = verify(&app).await;
    assert!(report.ok, "{:?}", report.broken);
    assert!(report.verified > 0);
    assert_eq!(report.verified, entries, "every entry of the demo is chained");
    assert_eq!(report.unchained, 0);
    let head: String = sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(report.head_hash, head);

    // the same walk over the API, for an admin only
    let admin = app.token("admin").await;
    let (s, body) = app.get("/api/v1/audit/verify", &admin).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["ok"], true);
    assert_eq!(body["verified"], entries);
    assert!(body.get("broken").is_none());
    let leader = app.token("leader").await;
    let (s, body) = app.get("/api/v1/audit/verify", &leader).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "forbidden");
}

async fn an_edited_entry_is_named(app: TestApp) {
    let ids = chained_ids(&app).await;
    let victim = ids[ids.len() / 2];
    allow_tampering(&app).await;
    sqlx::query("UPDATE audit_log SET after_json = $1 WHERE id = $2").bind(r#"{"headcount":1}"#).bind(victim).execute(app.db.pool()).await.unwrap();
    let report = verify(&app).await;
    assert!(!report.ok);
    let broken = report.broken.expect("a break");
    assert_eq!(broken.id, Some(victim));
    assert_eq!(broken.kind, BreakKind::Altered);
    assert!(broken.message.contains(&format!("#{victim}")) && broken.message.contains("修改"), "{}", broken.message);
    assert_eq!(report.verified, ids.iter().position(|&i| i == victim).unwrap() as i64, "every entry before it verified");

    let admin = app.token("admin").await;
    let (_, body) = app.get("/api/v1/audit/verify", &admin).await;
    assert_eq!(body["ok"], false);
    assert_eq!(body["broken"]["id"], victim);
    assert_eq!(body["broken"]["kind"], "altered");
}

async fn a_deleted_entry_is_named(app: TestApp) {
    let ids = chained_ids(&app).await;
    let at = ids.len() / 3;
    let (victim, next) = (ids[at], ids[at + 1]);
    allow_tampering(&app).await;
    sqlx::query("DELETE FROM audit_log WHERE id = $1").bind(victim).execute(app.db.pool()).await.unwrap();
    let broken = verify(&app).await.broken.expect("a break");
    assert_eq!(broken.id, Some(next), "the entry after the gap is named");
    assert_eq!(broken.kind, BreakKind::Deleted);
    assert!(broken.message.contains("删除"), "{}", broken.message);
}

async fn reordered_entries_are_named(app: TestApp) {
    let ids = chained_ids(&app).await;
    let (a, b) = (ids[10], ids[11]);
    allow_tampering(&app).await;
    // swap every column but the id, so that the two entries change places
    let columns = "at, actor_id, actor_name, action, entity, entity_id, before_json, after_json, prev_hash, hash";
    sqlx::query(&format!("CREATE TABLE swap AS SELECT id, {columns} FROM audit_log WHERE id IN ({a}, {b})")).execute(app.db.pool()).await.unwrap();
    for (to, from) in [(a, b), (b, a)] {
        let set = columns.split(", ").map(|c| format!("{c} = (SELECT {c} FROM swap WHERE id = $2)")).collect::<Vec<_>>().join(", ");
        sqlx::query(&format!("UPDATE audit_log SET {set} WHERE id = $1")).bind(to).bind(from).execute(app.db.pool()).await.unwrap();
    }
    let broken = verify(&app).await.broken.expect("a break");
    assert_eq!(broken.id, Some(a));
    assert_eq!(broken.kind, BreakKind::Reordered);
    assert!(broken.message.contains(&format!("#{b}")), "names where its predecessor went: {}", broken.message);
}

async fn a_cut_off_tail_is_seen(app: TestApp) {
    let ids = chained_ids(&app).await;
    allow_tampering(&app).await;
    sqlx::query("DELETE FROM audit_log WHERE id >= $1").bind(ids[ids.len() - 2]).execute(app.db.pool()).await.unwrap();
    let report = verify(&app).await;
    let broken = report.broken.expect("a break");
    assert_eq!(broken.kind, BreakKind::Truncated);
    assert_eq!(broken.id, Some(ids[ids.len() - 3]), "the last entry left is named");
    assert_eq!(report.verified, ids.len() as i64 - 2);
}

async fn concurrent_writers_leave_one_valid_chain(app: TestApp) {
    let before = verify(&app).await;
    assert!(before.ok);
    let hengfeng = app.token("hengfeng").await;
    let xuehui = app.token("xuehui").await;
    let mut tasks = Vec::new();
    for n in 0..50 {
        let token = if n % 2 == 0 { hengfeng.clone() } else { xuehui.clone() };
        let client = app.client.clone();
        let url = app.url("/api/v1/work-orders");
        tasks.push(tokio::spawn(async move {
            let body = json!({"category": "labour", "title": format!("并发工单第{n}号：用工缺口"), "description": "并发写入审计链"});
            client.request(Method::POST, url).bearer_auth(token).json(&body).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let after = verify(&app).await;
    assert!(after.ok, "{:?}", after.broken);
    assert_eq!(after.verified, before.verified + 50, "one chained entry per order");
    let links: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT prev_hash) FROM audit_log WHERE hash IS NOT NULL").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(links, after.verified, "no two entries link to the same predecessor");
}

on_both_databases!(
    the_demo_leaves_a_valid_chain,
    an_edited_entry_is_named,
    a_deleted_entry_is_named,
    reordered_entries_are_named,
    a_cut_off_tail_is_seen,
    concurrent_writers_leave_one_valid_chain,
);

/// `zonedesk audit verify` on a copy of a SQLite database: 0 and the count when
/// whole, non-zero naming the entry once an entry is edited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_verifies_a_copy_and_fails_on_a_broken_one() {
    let app = TestApp::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    sqlx::query("VACUUM INTO $1").bind(copy.display().to_string()).execute(app.db.pool()).await.unwrap();
    let entries = app.count("audit_log").await;
    let url = format!("sqlite://{}", copy.display());
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_zonedesk"))
            .args(["audit", "verify", "--database-url", &url])
            .env_remove("ZONEDESK_DATABASE_URL")
            .output()
            .expect("run zonedesk")
    };
    let whole = run();
    let stdout = String::from_utf8_lossy(&whole.stdout);
    assert!(whole.status.success(), "{stdout} {}", String::from_utf8_lossy(&whole.stderr));
    assert!(stdout.contains(&format!("审计链完整：已校验{entries}条记录")), "{stdout}");

    let copy_db = zonedesk::store::Db::connect(&url).await.unwrap();
    let victim: i64 = sqlx::query_scalar("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 5").fetch_one(copy_db.pool()).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(copy_db.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor_name = 'someone else' WHERE id = $1").bind(victim).execute(copy_db.pool()).await.unwrap();
    copy_db.close().await;
    let broken = run();
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(!broken.status.success());
    assert!(stderr.contains("审计链断裂（altered）") && stderr.contains(&format!("#{victim}")), "{stderr}");

    let figures = format!(
        "audit chain: `zonedesk audit verify` verified {entries} entries of the demo's log (exit 0), then named the edited entry #{victim} (exit 1); \
         edits, deletions, reordering, a cut-off tail and 50 concurrent writers are checked on SQLite and PostgreSQL by tests/audit_chain.rs\n"
    );
    std::fs::write(common::reliability_file("audit.txt"), figures).expect("write audit.txt");
}
