//! A real browser against the real server: Debian's headless Chromium, driven
//! through chromedriver with fantoccini. Runs when `ZONEDESK_TEST_BROWSER` is
//! set (always under CI); needs the Debian packages chromium, chromium-driver
//! and fonts-noto-cjk (so that the screenshots show Chinese, not boxes).
//!
//! Screenshots land in `target/browser-screenshots/`; on a failure the page the
//! browser was on is saved there as `failure.png`.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestApp;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long any one page may take to appear.
const PAGE_WAIT: Duration = Duration::from_secs(15);
/// How long the whole scenario may take before it counts as hung.
const SCENARIO_WAIT: Duration = Duration::from_secs(120);

type Outcome<T = ()> = Result<T, String>;

/// chromedriver, started on a free port in a process group of its own; dropping
/// the guard kills the group (chromedriver and the Chromium it started), also
/// when the test panics.
struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    fn start() -> ChromeDriver {
        use std::os::unix::process::CommandExt;
        for path in [CHROMEDRIVER, CHROMIUM] {
            assert!(Path::new(path).exists(), "{path} is missing: apt-get install chromium chromium-driver fonts-noto-cjk");
        }
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        ChromeDriver { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until chromedriver accepts connections.
    async fn ready(&mut self) -> Outcome {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("chromedriver exited at start: {status}"));
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not open its port within 20 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // the whole group: chromedriver, and any Chromium a failed session left
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind a free port").local_addr().expect("addr").port()
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("browser-screenshots");
    std::fs::create_dir_all(&dir).expect("create target/browser-screenshots");
    dir
}

async fn screenshot(client: &Client, name: &str) -> Outcome<PathBuf> {
    let png = client.screenshot().await.map_err(|e| format!("screenshot {name}: {e}"))?;
    let path = screenshot_dir().join(name);
    std::fs::write(&path, png).map_err(|e| format!("write {}: {e}", path.display()))?;
    println!("screenshot: {}", path.display());
    Ok(path)
}

async fn connect(driver: &ChromeDriver, profile: &Path) -> Outcome<Client> {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,900",
                "--lang=zh-CN",
            ],
            // on Linux --lang alone leaves Accept-Language at en-US; the pages
            // follow Accept-Language, so ask for Chinese the way a user's browser does
            "prefs": { "intl.accept_languages": "zh-CN,zh" },
        }
    });
    let serde_json::Value::Object(caps) = caps else { unreachable!() };
    ClientBuilder::rustls()
        .map_err(|e| format!("TLS roots: {e}"))?
        .capabilities(caps)
        .connect(&driver.url())
        .await
        .map_err(|e| format!("start a Chromium session: {e}"))
}

/// The path (and query) the browser is on.
async fn location(client: &Client) -> Outcome<String> {
    let url = client.current_url().await.map_err(|e| format!("current url: {e}"))?;
    Ok(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    })
}

/// Waits until the browser's path satisfies `ok`, and returns it.
async fn wait_for_path(client: &Client, what: &str, ok: impl Fn(&str) -> bool) -> Outcome<String> {
    let deadline = Instant::now() + PAGE_WAIT;
    loop {
        let here = location(client).await?;
        if ok(&here) {
            return Ok(here);
        }
        if Instant::now() > deadline {
            return Err(format!("expected {what}, but the browser stayed on {here}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(client: &Client, css: &str) -> Outcome<String> {
    let element = client.wait().at_most(PAGE_WAIT).for_element(Locator::Css(css)).await.map_err(|e| format!("find {css}: {e}"))?;
    element.text().await.map(|t| t.trim().to_string()).map_err(|e| format!("text of {css}: {e}"))
}

async fn click(client: &Client, css: &str) -> Outcome {
    let element = client.wait().at_most(PAGE_WAIT).for_element(Locator::Css(css)).await.map_err(|e| format!("find {css}: {e}"))?;
    element.click().await.map_err(|e| format!("click {css}: {e}"))
}

async fn type_into(client: &Client, css: &str, text: &str) -> Outcome {
    let element = client.wait().at_most(PAGE_WAIT).for_element(Locator::Css(css)).await.map_err(|e| format!("find {css}: {e}"))?;
    element.clear().await.map_err(|e| format!("clear {css}: {e}"))?;
    element.send_keys(text).await.map_err(|e| format!("type into {css}: {e}"))
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Outcome {
    if ok { Ok(()) } else { Err(what()) }
}

/// The log-in page, in Chinese.
async fn expect_login_page(client: &Client, after: &str) -> Outcome {
    let here = wait_for_path(client, &format!("the log-in page after {after}"), |p| p == "/login" || p.starts_with("/login?")).await?;
    let h1 = text_of(client, "h1").await?;
    check(h1 == "登录", || format!("{here}: the log-in heading is {h1:?}, not 登录"))?;
    let lang = client.find(Locator::Css("html")).await.map_err(|e| e.to_string())?.attr("lang").await.map_err(|e| e.to_string())?;
    check(lang.as_deref() == Some("zh-CN"), || format!("{here}: <html lang> is {lang:?}, not zh-CN"))?;
    client.find(Locator::Css("#username")).await.map_err(|e| format!("{here}: no #username field: {e}"))?;
    Ok(())
}

async fn body_text(client: &Client) -> Outcome<String> {
    text_of(client, "body").await
}

async fn scenario(client: &Client, app: &TestApp, hengfeng_id: i64, xuehui_id: i64) -> Outcome {
    // 1. the front door sends a stranger to the log-in page, in Chinese
    client.goto(&app.url("/")).await.map_err(|e| format!("open /: {e}"))?;
    expect_login_page(client, "opening /").await?;

    // 2. the enterprise user signs in through the form
    type_into(client, "#username", "hengfeng").await?;
    type_into(client, "#password", "demo").await?;
    click(client, "#login").await?;

    // 3. … and lands on its own enterprise's page
    let own = format!("/enterprises/{hengfeng_id}");
    wait_for_path(client, &format!("{own} after logging in as hengfeng"), |p| p == own).await?;
    let name = text_of(client, "#enterprise-name").await?;
    check(name == "恒丰电子", || format!("#enterprise-name is {name:?}, not 恒丰电子"))?;
    let body = body_text(client).await?;
    for label in ["统一社会信用代码", "所属行业", "联系人", "首席服务员"] {
        check(body.contains(label), || format!("{own} lacks the label {label}: {body}"))?;
    }
    check(!body.contains("雪汇食品"), || format!("{own} mentions another enterprise: {body}"))?;
    let logout = text_of(client, "#logout").await?;
    check(logout == "退出", || format!("the log-out button reads {logout:?}"))?;
    screenshot(client, "enterprise-page.png").await?;

    // 4. another enterprise's page is refused with the 403 page
    let other = format!("/enterprises/{xuehui_id}");
    client.goto(&app.url(&other)).await.map_err(|e| format!("open {other}: {e}"))?;
    let here = location(client).await?;
    check(here == other, || format!("opening {other} ended on {here}"))?;
    let body = body_text(client).await?;
    check(body.contains("无权访问") && body.contains("403"), || format!("{other} is not the 403 page: {body}"))?;
    check(!body.contains("雪汇食品") && !body.contains("新习镇小寨村东"), || format!("the 403 page leaks the enterprise: {body}"))?;
    screenshot(client, "forbidden-page.png").await?;

    // 5. log out (from the user's own page: the 403 page may carry no top bar)
    let session = client.get_named_cookie("zd_session").await.map_err(|e| format!("the session cookie: {e}"))?.value().to_string();
    if client.find(Locator::Css("#logout")).await.is_err() {
        client.goto(&app.url(&own)).await.map_err(|e| format!("open {own}: {e}"))?;
        wait_for_path(client, &own, |p| p == own).await?;
    }
    click(client, "#logout").await?;
    expect_login_page(client, "logging out").await?;

    // 6. the session is over: the browser's own page asks for a log-in again …
    client.goto(&app.url(&own)).await.map_err(|e| format!("open {own}: {e}"))?;
    expect_login_page(client, &format!("opening {own} after logging out")).await?;
    // … and so does the server for the old session id, replayed (not just a dropped cookie)
    let replay =
        app.client.get(app.url(&own)).header("Cookie", format!("zd_session={session}")).send().await.map_err(|e| format!("replay the old session: {e}"))?;
    let target = replay.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    check(replay.status().is_redirection() && target.starts_with("/login"), || {
        format!("the old session id still opens {own}: {} → {target:?}", replay.status())
    })?;
    Ok(())
}

/// Signs in through the log-in form and waits to leave the log-in page.
async fn log_in(client: &Client, app: &TestApp, username: &str) -> Outcome {
    client.goto(&app.url("/login")).await.map_err(|e| format!("open /login: {e}"))?;
    type_into(client, "#username", username).await?;
    type_into(client, "#password", "demo").await?;
    click(client, "#login").await?;
    wait_for_path(client, &format!("a page after logging in as {username}"), |p| !p.starts_with("/login")).await?;
    Ok(())
}

async fn log_out(client: &Client) -> Outcome {
    click(client, "#logout").await?;
    expect_login_page(client, "logging out").await
}

async fn select(client: &Client, css: &str, value: &str) -> Outcome {
    let element = client.wait().at_most(PAGE_WAIT).for_element(Locator::Css(css)).await.map_err(|e| format!("find {css}: {e}"))?;
    element.select_by_value(value).await.map_err(|e| format!("choose {value} in {css}: {e}"))
}

/// Waits for the order page to show `state` (a form post reloads the page).
async fn expect_state(client: &Client, state: &str, after: &str) -> Outcome {
    let deadline = Instant::now() + PAGE_WAIT;
    loop {
        let shown = text_of(client, "#order-state").await.unwrap_or_default();
        if shown == state {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("after {after} the order is {shown:?}, not {state}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The demand's whole life in the browser: the enterprise files it, the leader
/// assigns it, the department signs for and resolves it, the enterprise rates it.
async fn demand_lifecycle(client: &Client, app: &TestApp, hengfeng_id: i64, department_id: i64) -> Outcome {
    log_in(client, app, "hengfeng").await?;
    click(client, "#file-demand").await?;
    wait_for_path(client, "the filing form", |p| p.starts_with("/work-orders/new")).await?;
    select(client, "#category", "labour").await?;
    type_into(client, "#title", "复工后急需招聘操作工30名").await?;
    type_into(client, "#description", "订单已恢复，熟练操作工缺口30人").await?;
    click(client, "#file").await?;
    let order = wait_for_path(client, "the filed order", |p| p.starts_with("/work-orders/") && !p.starts_with("/work-orders/new")).await?;
    let order = order.split('?').next().unwrap_or_default().to_string();
    expect_state(client, "待受理", "filing").await?;
    let title = text_of(client, "#order-title").await?;
    check(title.contains("复工后急需招聘操作工30名"), || format!("the order's title is {title:?}"))?;
    log_out(client).await?;

    log_in(client, app, "leader").await?;
    client.goto(&app.url(&order)).await.map_err(|e| format!("open {order}: {e}"))?;
    select(client, "#department_id", &department_id.to_string()).await?;
    click(client, "#act-assign").await?;
    wait_for_path(client, &order, |p| p == order).await?;
    expect_state(client, "已交办", "the leader's assignment").await?;
    log_out(client).await?;

    log_in(client, app, "department").await?;
    // the queue, searched as a busy department would
    let search = format!("/work-orders?q={}", common::urlencode("复工后急需招聘"));
    client.goto(&app.url(&search)).await.map_err(|e| format!("open {search}: {e}"))?;
    let queue = body_text(client).await?;
    check(queue.contains("复工后急需招聘操作工30名"), || format!("the department's queue lacks the order: {queue}"))?;
    client.goto(&app.url(&order)).await.map_err(|e| format!("open {order}: {e}"))?;
    click(client, "#act-sign_for").await?;
    expect_state(client, "办理中", "signing for it").await?;
    type_into(client, "#resolution", "已举办专场招聘会，招录操作工32名，均已上岗").await?;
    click(client, "#act-resolve").await?;
    expect_state(client, "已办结", "resolving it").await?;
    log_out(client).await?;

    log_in(client, app, "hengfeng").await?;
    let unread = text_of(client, "#unread").await?;
    check(unread.parse::<i64>().is_ok_and(|n| n >= 1), || format!("the enterprise has {unread:?} unread messages"))?;
    client.goto(&app.url(&order)).await.map_err(|e| format!("open {order}: {e}"))?;
    let body = body_text(client).await?;
    check(body.contains("已举办专场招聘会"), || format!("the resolution is not shown: {body}"))?;
    click(client, "#rating-satisfied").await?;
    type_into(client, "#rate-note", "服务及时").await?;
    click(client, "#act-rate").await?;
    expect_state(client, "已评价", "rating it").await?;
    let timeline = text_of(client, "#timeline").await?;
    for step in ["提交", "交办", "签收", "办结", "评价"] {
        check(timeline.contains(step), || format!("the timeline lacks {step}: {timeline}"))?;
    }
    screenshot(client, "order-closed.png").await?;
    let own = format!("/enterprises/{hengfeng_id}");
    client.goto(&app.url(&own)).await.map_err(|e| format!("open {own}: {e}"))?;
    let body = body_text(client).await?;
    check(!body.contains("复工后急需招聘操作工30名"), || "a closed order still shows among the open demands".to_string())?;
    Ok(())
}

/// A commerce business reopens by commitment, and a leader reads the green list.
async fn commitment_and_green_list(client: &Client, app: &TestApp, shop_user: &str, shop_name: &str) -> Outcome {
    log_in(client, app, shop_user).await?;
    client.goto(&app.url("/commitments")).await.map_err(|e| format!("open /commitments: {e}"))?;
    click(client, "#new-commitment").await?;
    wait_for_path(client, "the commitment form", |p| p == "/commitments/new").await?;
    // tick every item but the first: the form comes back naming it
    let boxes = client.find_all(Locator::Css("input[name=items]")).await.map_err(|e| format!("the checklist: {e}"))?;
    check(boxes.len() >= 4, || format!("the checklist has {} items", boxes.len()))?;
    for b in boxes.iter().skip(1) {
        b.click().await.map_err(|e| format!("tick an item: {e}"))?;
    }
    type_into(client, "#signer", "孙店长").await?;
    click(client, "#submit-commitment").await?;
    let alert = text_of(client, ".field-error").await?;
    check(alert.contains("未勾选"), || format!("an unticked item was not named: {alert}"))?;
    client.find(Locator::Css("input[name=items]")).await.map_err(|e| e.to_string())?.click().await.map_err(|e| e.to_string())?;
    click(client, "#submit-commitment").await?;
    wait_for_path(client, "the commitments after submitting", |p| p == "/commitments").await?;
    let state = text_of(client, ".commitment-state").await?;
    check(state.contains("已复工"), || format!("the business is shown as {state:?}, not reopened"))?;
    let body = body_text(client).await?;
    check(body.contains(shop_name), || format!("the commitment list lacks {shop_name}: {body}"))?;
    screenshot(client, "commitment-reopened.png").await?;
    log_out(client).await?;

    log_in(client, app, "leader").await?;
    client.goto(&app.url("/green-list")).await.map_err(|e| format!("open /green-list: {e}"))?;
    let h1 = text_of(client, "h1").await?;
    check(h1 == "绿名单", || format!("the green-list page is headed {h1:?}"))?;
    let table = text_of(client, "#green-list").await?;
    check(table.contains("恒丰电子"), || format!("the green list lacks 恒丰电子: {table}"))?;
    screenshot(client, "green-list.png").await?;
    Ok(())
}

/// The leader's home is the dashboard, and its charts are drawn with data.
async fn dashboard_charts(client: &Client, app: &TestApp) -> Outcome {
    log_in(client, app, "leader").await?;
    wait_for_path(client, "the dashboard as the leader's home", |p| p == "/dashboard").await?;
    // the rates chart covers this month, which a test zone may not have orders in yet: it must be drawn, not full
    for (chart, mark, at_least) in
        [("#chart-resumption", "path", 2), ("#chart-townships", "rect", 5), ("#chart-orders", "rect", 5), ("#chart-rates", "rect", 1)]
    {
        let css = format!("{chart} svg {mark}");
        let found = client.find_all(Locator::Css(&css)).await.map_err(|e| format!("{css}: {e}"))?;
        check(found.len() >= at_least, || format!("{css}: {} marks, expected at least {at_least}", found.len()))?;
    }
    let caption = text_of(client, "#chart-resumption figcaption").await?;
    check(caption.contains("复工率"), || format!("the resumption chart's caption is {caption:?}"))?;
    let tiles = text_of(client, "#tiles").await?;
    check(tiles.contains("绿名单企业") && tiles.contains("16"), || format!("the tiles lack the green list: {tiles}"))?;
    screenshot(client, "dashboard.png").await?;
    Ok(())
}

/// Isolation staff record a 38.1 °C reading and the fever alert appears, on
/// the person's page and on the staff's desk.
async fn fever_alert(client: &Client, app: &TestApp, person: i64) -> Outcome {
    log_in(client, app, "isolation").await?;
    let page = format!("/isolation/persons/{person}");
    client.goto(&app.url(&page)).await.map_err(|e| format!("open {page}: {e}"))?;
    type_into(client, "#temperature", "38.1").await?;
    click(client, "#record").await?;
    let deadline = Instant::now() + PAGE_WAIT;
    loop {
        let alert = text_of(client, "#fever-alert").await.unwrap_or_default();
        if alert.contains("38.1") {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("no fever alert with 38.1 after recording it: {alert:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(client, "fever-alert.png").await?;
    // and the staff's desk lists it among the open alerts
    client.goto(&app.url("/isolation")).await.map_err(|e| format!("open the desk: {e}"))?;
    let alerts = text_of(client, "#alerts").await?;
    check(alerts.contains("38.1"), || format!("the desk's open alerts lack 38.1 ℃: {alerts:?}"))?;
    screenshot(client, "fever-desk.png").await?;
    Ok(())
}

/// Starts Chromium, runs a scenario with a time limit, and on failure saves a
/// screenshot of where the browser was before failing the test.
async fn in_browser<F, Fut>(failure_png: &str, scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Outcome>,
{
    // declared before the driver, so dropped after Chromium is gone
    let profile = tempfile::tempdir().expect("Chromium profile dir");
    let mut driver = ChromeDriver::start();
    if let Err(e) = driver.ready().await {
        panic!("{e}");
    }
    let client = match connect(&driver, profile.path()).await {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let outcome = match tokio::time::timeout(SCENARIO_WAIT, scenario(client.clone())).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("the scenario took longer than {SCENARIO_WAIT:?}")),
    };
    if let Err(e) = &outcome {
        let at = location(&client).await.unwrap_or_else(|e| format!("(unknown: {e})"));
        match screenshot(&client, failure_png).await {
            Ok(_) => eprintln!("the browser was on {at} when the scenario failed"),
            Err(s) => eprintln!("no failure screenshot either: {s}"),
        }
        let _ = client.close().await;
        panic!("{e}");
    }
    client.close().await.expect("close the Chromium session");
    drop(driver);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enterprise_user_sees_its_own_page_and_is_refused_another() {
    if common::required_or_skip("ZONEDESK_TEST_BROWSER", "browser").is_none() {
        return;
    }
    let app = TestApp::sqlite().await;
    let hengfeng_id = app.enterprise_id("恒丰电子").await;
    let xuehui_id = app.enterprise_id("雪汇食品").await;
    in_browser("failure.png", |client| async move { scenario(&client, &app, hengfeng_id, xuehui_id).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enterprise_files_a_demand_a_department_resolves_it_and_the_enterprise_rates_it() {
    if common::required_or_skip("ZONEDESK_TEST_BROWSER", "browser").is_none() {
        return;
    }
    let app = TestApp::sqlite().await;
    let hengfeng_id = app.enterprise_id("恒丰电子").await;
    let token = app.token("department").await;
    let department_id = app.get("/api/v1/me", &token).await.1["department_id"].as_i64().expect("the department user's department");
    in_browser("failure-lifecycle.png", |client| async move { demand_lifecycle(&client, &app, hengfeng_id, department_id).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_reopens_by_commitment_and_a_leader_reads_the_green_list() {
    if common::required_or_skip("ZONEDESK_TEST_BROWSER", "browser").is_none() {
        return;
    }
    let app = TestApp::sqlite().await;
    // a commerce business of the demo that has not committed yet, with a user of its own
    let admin = app.token("admin").await;
    let (_, shops) = app.get("/api/v1/enterprises?kind=commerce_service&per_page=100", &admin).await;
    let (_, commitments) = app.get("/api/v1/commitments?per_page=200", &admin).await;
    let committed: Vec<i64> = commitments["items"].as_array().expect("commitments").iter().filter_map(|c| c["enterprise_id"].as_i64()).collect();
    let shop =
        shops["items"].as_array().expect("shops").iter().find(|e| !committed.contains(&e["id"].as_i64().unwrap_or(0))).expect("a shop to reopen").clone();
    let body = json!({"username": "shop", "password": "demo", "role": "enterprise", "scope_id": shop["id"]});
    let (status, _) = app.call(reqwest::Method::POST, "/api/v1/users", Some(&admin), Some(body)).await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    let name = shop["name"].as_str().expect("name").to_string();
    in_browser("failure-commitment.png", |client| async move { commitment_and_green_list(&client, &app, "shop", &name).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_opens_the_dashboard_and_its_charts_render() {
    if common::required_or_skip("ZONEDESK_TEST_BROWSER", "browser").is_none() {
        return;
    }
    let app = TestApp::sqlite().await;
    in_browser("failure-dashboard.png", |client| async move { dashboard_charts(&client, &app).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_staff_record_a_fever_and_the_alert_appears() {
    if common::required_or_skip("ZONEDESK_TEST_BROWSER", "browser").is_none() {
        return;
    }
    let app = TestApp::sqlite().await;
    let token = app.token("isolation").await;
    let (_, points) = app.get("/api/v1/isolation-points", &token).await;
    let point = points["items"][0]["id"].as_i64().expect("the demo's isolation point");
    let (_, persons) = app.get(&format!("/api/v1/isolation-points/{point}/observed-persons?per_page=100"), &token).await;
    let person = persons["items"]
        .as_array()
        .expect("observed persons")
        .iter()
        .find(|p| p["released_on"].is_null())
        .and_then(|p| p["id"].as_i64())
        .expect("a person under observation");
    in_browser("failure-fever.png", |client| async move { fever_alert(&client, &app, person).await }).await;
}
