//! The test application: the real router on a random port over a fresh, migrated
//! database holding the demo zone — SQLite in a temporary folder, or PostgreSQL
//! in a schema of its own when `ZONEDESK_TEST_POSTGRES_URL` is set.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use zonedesk::store::{Backend, Db, pii};
use zonedesk::web::{self, AppState};

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub backend: Backend,
    pub client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
    /// the server URL and the test's own database, dropped with the app
    pg_schema: Option<(String, String)>,
}

/// Runs `$test(app)` once on SQLite and once on PostgreSQL, as two test cases.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::TestApp::sqlite().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::common::TestApp::postgres().await {
                    super::$name(app).await;
                }
            }
        }
    )*};
}

/// Whether a test that needs `var` must run (CI) or may be skipped (a laptop).
pub fn required_or_skip(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") => {
            panic!("{var} is not set, but CI must run the {what} tests")
        }
        _ => {
            eprintln!("SKIPPED: {what} test — set {var} to run it");
            None
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

/// A PostgreSQL database with the demo loaded, built once per test binary; each
/// test copies it (CREATE DATABASE … TEMPLATE), which is far quicker than loading.
fn postgres_template(base_url: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let base_url = base_url.to_string();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async {
                let admin = Db::connect(&base_url).await.expect("connect postgres");
                // templates of earlier runs: those whose test process is gone
                let stale: Vec<String> = sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE 'zdtpl\\_%'")
                    .fetch_all(admin.pool())
                    .await
                    .expect("list stale templates");
                for old in stale.into_iter().filter(|name| !owner_is_running(name)) {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)")).execute(admin.pool()).await;
                }
                // the pid alone can repeat across runs on a fresh machine; the random part cannot
                let name = format!("zdtpl_{}_{}", std::process::id(), &zonedesk::app::auth::random_secret()[..8].to_lowercase());
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.expect("create the template database");
                let db = Db::connect(&with_database(&base_url, &name)).await.expect("connect the template").with_pii_key(postgres_pii_key());
                db.migrate().await.expect("migrate the template");
                zonedesk::demo::load(&db, "demo").await.expect("demo loads");
                db.close().await;
                admin.close().await;
                name
            })
        })
        .join()
        .expect("template thread")
    })
}

/// The personal-information key of the PostgreSQL test databases (the
/// template's and its copies'); SQLite keeps its key in a file beside the database.
fn postgres_pii_key() -> pii::PiiKey {
    pii::PiiKey::from_hex(postgres_pii_key_hex(), "test key").expect("64 hex digits")
}

/// The same key as hex, for `zonedesk serve` processes a test starts (`ZONEDESK_PII_KEY`).
pub fn postgres_pii_key_hex() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(zonedesk::app::auth::random_secret)
}

/// True when the test process that made a template (`zdtpl_<pid>_…`) still runs:
/// several test binaries may run at once on a developer's machine.
fn owner_is_running(template: &str) -> bool {
    template.split('_').nth(1).and_then(|pid| pid.parse::<u32>().ok()).is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
}

/// A SQLite database with the demo loaded, built once per test binary and copied
/// for each test (loading hashes nine passwords; copying is instant).
fn sqlite_template() -> &'static PathBuf {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &TEMPLATE
        .get_or_init(|| {
            std::thread::spawn(|| {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("template.db");
                let rt = tokio::runtime::Runtime::new().expect("runtime");
                rt.block_on(async {
                    let db = Db::connect(&format!("sqlite://{}", path.display())).await.expect("connect");
                    db.migrate().await.expect("migrate");
                    zonedesk::demo::load(&db, "demo").await.expect("demo loads");
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(db.pool()).await.expect("checkpoint");
                    db.close().await;
                });
                (dir, path)
            })
            .join()
            .expect("template thread")
        })
        .1
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("zonedesk.db");
        std::fs::copy(sqlite_template(), &path).expect("copy template");
        // the template's personal information is encrypted under the key beside it
        std::fs::copy(pii::key_file_of(sqlite_template()), pii::key_file_of(&path)).expect("copy the template's key");
        let db = Db::connect(&format!("sqlite://{}", path.display())).await.expect("connect sqlite");
        db.migrate().await.expect("migrate");
        Self::start(db, Backend::Sqlite, Some(dir), None).await
    }

    pub async fn postgres() -> Option<TestApp> {
        let base_url = required_or_skip("ZONEDESK_TEST_POSTGRES_URL", "PostgreSQL")?;
        let template = postgres_template(&base_url);
        let name = format!("zdt_{}", &zonedesk::app::auth::random_secret()[..16]);
        {
            // one CREATE … TEMPLATE at a time: PostgreSQL refuses to copy a database others are copying
            static CREATING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
            let _turn = CREATING.lock().await;
            let admin = Db::connect(&base_url).await.expect("connect postgres");
            sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(admin.pool()).await.expect("create the test database");
            admin.close().await;
        }
        let db = Db::connect(&with_database(&base_url, &name)).await.expect("connect the test database").with_pii_key(postgres_pii_key());
        db.migrate().await.expect("migrate");
        Some(Self::start(db, Backend::Postgres, None, Some((base_url, name))).await)
    }

    async fn start(db: Db, backend: Backend, dir: Option<tempfile::TempDir>, pg_schema: Option<(String, String)>) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let mut state = AppState::new(db.clone());
        // tests sweep by hand: a background sweep would change counts under them
        state.background_sweep = false;
        tokio::spawn(async move {
            let _ = web::serve_on(state, listener).await;
        });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        TestApp { base, db, backend, client, _dir: dir, pg_schema }
    }

    /// The URL of a PostgreSQL test's own database, to point other processes at it.
    pub fn postgres_url(&self) -> Option<String> {
        self.pg_schema.as_ref().map(|(url, database)| with_database(url, database))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A bearer token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let (status, body) = self.call(Method::POST, "/api/v1/auth/token", None, Some(serde_json::json!({"username": username, "password": "demo"}))).await;
        assert_eq!(status, StatusCode::OK, "log-in of {username}: {body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// One JSON API call; the body of the answer is parsed when it is JSON.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// The id of the demo enterprise with this exact name.
    pub async fn enterprise_id(&self, name: &str) -> i64 {
        let admin = self.token("admin").await;
        let (_, body) = self.get(&format!("/api/v1/enterprises?q={}", urlencode(name)), &admin).await;
        body["items"].as_array().expect("items").iter().find(|e| e["name"] == name).unwrap_or_else(|| panic!("{name} in demo"))["id"].as_i64().expect("id")
    }

    /// How many rows a table has (to prove a refused write changed nothing).
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(self.db.pool()).await.expect("count")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((url, database)) = self.pg_schema.take() {
            // drop the test's database from a thread of its own: Drop cannot await
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Runtime::new() else { return };
                rt.block_on(async {
                    if let Ok(db) = Db::connect(&url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).execute(db.pool()).await;
                        db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn urlencode(text: &str) -> String {
    zonedesk::web::error::urlencode(text)
}

/// A browser-like client that keeps cookies and does not follow redirects.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The value of `<input … name="NAME" value="…">` in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let v = rest.find("value=\"")? + 7;
    let end = rest[v..].find('"')?;
    Some(rest[v..v + end].to_string())
}

/// Signs in through the log-in form, as a browser does.
pub async fn page_log_in(app: &TestApp, client: &reqwest::Client, username: &str) -> reqwest::Response {
    let page = client.get(app.url("/login")).send().await.expect("login page").text().await.expect("html");
    let csrf = hidden_value(&page, "_csrf").expect("csrf field");
    client.post(app.url("/login")).form(&[("username", username), ("password", "demo"), ("_csrf", &csrf), ("next", "/")]).send().await.expect("post login")
}

/// `target/reliability/NAME`, where the tests leave the figures `.ci/run` prints:
/// the target folder is `CARGO_TARGET_DIR`, or where cargo put the binary, two
/// levels up.
pub fn reliability_file(name: &str) -> PathBuf {
    let target = match std::env::var("CARGO_TARGET_DIR") {
        Ok(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => std::path::Path::new(env!("CARGO_BIN_EXE_zonedesk")).parent().and_then(std::path::Path::parent).expect("target folder").to_path_buf(),
    };
    let dir = target.join("reliability");
    std::fs::create_dir_all(&dir).expect("create target/reliability");
    dir.join(name)
}
