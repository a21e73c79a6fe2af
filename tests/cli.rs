//! The command line as an operator uses it: the demo (first run, restart, reset),
//! `user add`, `backup` and `restore`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_zonedesk");

fn zonedesk(args: &[&str], dir: &Path) -> Output {
    Command::new(BIN).args(args).current_dir(dir).env_remove("ZONEDESK_DATABASE_URL").output().expect("run zonedesk")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `zonedesk demo`, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_demo(dir: &Path, port: u16, extra: &[&str]) -> Server {
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec!["demo", "--data", "demo-data", "--addr", addr.as_str()];
    args.extend_from_slice(extra);
    let child = Command::new(BIN).args(&args).current_dir(dir).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start demo");
    let server = Server(child);
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(&addr).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the demo did not start on {addr}");
}

async fn token(base: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": "admin", "password": "demo"}))
        .send()
        .await
        .unwrap();
    res.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string()
}

async fn township_names(base: &str) -> Vec<String> {
    let t = token(base).await;
    let body: serde_json::Value = reqwest::Client::new().get(format!("{base}/api/v1/townships")).bearer_auth(t).send().await.unwrap().json().await.unwrap();
    body["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_demo_serves_the_chinese_log_in_page_and_keeps_what_users_enter() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    {
        let _server = start_demo(dir.path(), port, &[]);
        let html = reqwest::get(format!("{base}/login")).await.unwrap().text().await.unwrap();
        assert!(html.contains("lang=\"zh-CN\"") && html.contains("登录") && html.contains("开发区复工复产服务平台"));
        let t = token(&base).await;
        let res = reqwest::Client::new()
            .post(format!("{base}/api/v1/townships"))
            .bearer_auth(&t)
            .json(&serde_json::json!({"name": "岳村乡", "kind": "xiang"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    {
        let _server = start_demo(dir.path(), port, &[]);
        assert!(township_names(&base).await.contains(&"岳村乡".to_string()), "a restart keeps what was entered");
    }
    {
        let _server = start_demo(dir.path(), port, &["--reset"]);
        let names = township_names(&base).await;
        assert!(!names.contains(&"岳村乡".to_string()) && names.contains(&"新习镇".to_string()), "--reset starts over: {names:?}");
    }
}

#[test]
fn user_add_creates_a_scoped_account_and_refuses_a_bad_scope() {
    let dir = tempfile::tempdir().unwrap();
    let url = "sqlite://zd.db";
    let ok = zonedesk(&["user", "add", "boss", "--role", "leader", "--password", "pw1234", "--database-url", url], dir.path());
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("boss"));
    let bad = zonedesk(&["user", "add", "t1", "--role", "township", "--scope", "township=无此乡", "--password", "pw1234", "--database-url", url], dir.path());
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("无此乡"));
    let missing = zonedesk(&["user", "add", "t2", "--role", "township", "--password", "pw1234", "--database-url", url], dir.path());
    assert!(!missing.status.success());
    let dup = zonedesk(&["user", "add", "boss", "--role", "leader", "--password", "pw1234", "--database-url", url], dir.path());
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("已被使用"));
}

#[test]
fn backup_and_restore_bring_the_database_back() {
    let dir = tempfile::tempdir().unwrap();
    let url = "sqlite://zd.db";
    let add = |name: &str| zonedesk(&["user", "add", name, "--role", "leader", "--password", "pw1234", "--database-url", url], dir.path());
    assert!(add("before").status.success());
    let backup = zonedesk(&["backup", "copy.db", "--database-url", url], dir.path());
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert!(add("after").status.success());
    // an existing file is never overwritten
    assert!(!zonedesk(&["backup", "copy.db", "--database-url", url], dir.path()).status.success());
    // a file that is not a backup is refused, and the database stays as it is
    std::fs::write(dir.path().join("junk.db"), b"not a database").unwrap();
    assert!(!zonedesk(&["restore", "junk.db", "--database-url", url], dir.path()).status.success());
    assert!(!add("after").status.success(), "still there after the refused restore");

    let restore = zonedesk(&["restore", "copy.db", "--database-url", url], dir.path());
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    assert!(add("after").status.success(), "the user added after the backup is gone");
    assert!(!add("before").status.success(), "the user from before the backup is back");
}

#[test]
fn backup_on_postgres_points_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let out = zonedesk(&["backup", "x.dump", "--database-url", "postgres://postgres@127.0.0.1/postgres"], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}
