//! Sessions and headers on both databases: security headers on pages, API
//! answers and errors; pages free of what the CSP refuses; token expiry and
//! revocation; the body size limit; the session cookie; the log-in throttle
//! shared by two servers on one database. And the request time limit.

mod common;

use std::time::Duration;

use common::{TestApp, browser_client, page_log_in};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use zonedesk::store::{Backend, Db};
use zonedesk::web::{self, AppState};

/// Checks the headers every answer carries, whatever its status.
fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    let csp = h.get(header::CONTENT_SECURITY_POLICY).unwrap_or_else(|| panic!("{what}: no CSP")).to_str().unwrap();
    for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "form-action 'self'"] {
        assert!(csp.split(';').any(|d| d.trim() == directive), "{what}: CSP lacks {directive}: {csp}");
    }
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert!(csp.contains("base-uri"), "{what}: {csp}");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{what}");
    assert_eq!(h[header::REFERRER_POLICY], "same-origin", "{what}");
}

async fn security_headers_are_on_pages_api_answers_and_errors(app: TestApp) {
    let token = app.token("admin").await;
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode)> = vec![
        ("a page", app.client.get(app.url("/login")), StatusCode::OK),
        ("an API answer", app.client.get(app.url("/api/v1/townships")).bearer_auth(&token), StatusCode::OK),
        ("an API error", app.client.get(app.url("/api/v1/enterprises/99999999")).bearer_auth(&token), StatusCode::NOT_FOUND),
        ("a missing token", app.client.get(app.url("/api/v1/me")), StatusCode::UNAUTHORIZED),
        ("a missing page", app.client.get(app.url("/nowhere")), StatusCode::NOT_FOUND),
        ("a stylesheet", app.client.get(app.url("/static/style.css")), StatusCode::OK),
    ];
    for (what, req, status) in cases {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), status, "{what}");
        assert_security_headers(&res, what);
        if what.starts_with("an API error") || what == "a missing token" {
            let body: Value = res.json().await.unwrap();
            assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{what}: {body}");
        }
    }
}

/// Every page in the navigation of the admin and the leader (the dashboard with
/// its SVG charts among them) holds no inline script, style attribute or event
/// handler, which `script-src 'self'; style-src 'self'` would refuse.
async fn pages_hold_nothing_the_csp_refuses(app: TestApp) {
    for user in ["admin", "leader"] {
        let client = browser_client();
        page_log_in(&app, &client, user).await;
        let home = client.get(app.url("/")).send().await.unwrap();
        let location = home.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_string());
        let first = match location {
            Some(l) => l,
            None => "/".to_string(),
        };
        let html = client.get(app.url(&first)).send().await.unwrap().text().await.unwrap();
        let nav = html.split("<nav class=\"mainnav\">").nth(1).and_then(|n| n.split("</nav>").next()).expect("navigation");
        let mut paths: Vec<String> = nav.split("href=\"").skip(1).filter_map(|h| h.split('"').next()).map(|h| h.replace("&amp;", "&")).collect();
        paths.push(first);
        assert!(paths.len() >= 5, "{user}: {paths:?}");
        for path in paths {
            let res = client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{user} {path}");
            let html = res.text().await.unwrap();
            if let Some(found) = first_inline_code(&html) {
                panic!("{user} {path}: {found}");
            }
        }
    }
}

/// The first inline script, style attribute or `on…=` handler in a page.
fn first_inline_code(html: &str) -> Option<String> {
    let lower = html.to_lowercase();
    for (at, _) in lower.match_indices("<script") {
        let tag = &lower[at..at + lower[at..].find('>').unwrap_or(0)];
        if !tag.contains(" src=") {
            return Some(lower[at..(at + 80).min(lower.len())].to_string());
        }
    }
    if let Some(at) = lower.find(" style=") {
        return Some(lower[at..(at + 80).min(lower.len())].to_string());
    }
    if lower.contains("<style") {
        return Some("a <style> element".into());
    }
    for (at, _) in lower.match_indices(" on") {
        let name: String = lower[at + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if name.len() > 2 && lower[at + 1 + name.len()..].starts_with('=') && lower[..at].rfind('<') > lower[..at].rfind('>') {
            return Some(lower[at..(at + 60).min(lower.len())].to_string());
        }
    }
    None
}

async fn an_expired_token_is_refused(app: TestApp) {
    let (s, answer) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "leader", "password": "demo"}))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(answer["expires_in"], zonedesk::app::auth::BEARER_TOKEN_HOURS * 3600);
    let token = answer["token"].as_str().unwrap();
    let stored: String = sqlx::query_scalar("SELECT expires_at FROM sessions WHERE token_hash = $1")
        .bind(zonedesk::app::auth::hash_secret(token))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(answer["expires_at"], stored.as_str());
    assert_eq!(app.get("/api/v1/me", token).await.0, StatusCode::OK);
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind("2020-03-19T00:00:00.000000Z")
        .bind(zonedesk::app::auth::hash_secret(token))
        .execute(app.db.pool())
        .await
        .unwrap();
    let (s, body) = app.get("/api/v1/me", token).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
}

async fn an_admin_revokes_every_session_of_a_user(app: TestApp) {
    let admin = app.token("admin").await;
    let leader_token = app.token("leader").await;
    let other = app.token("hengfeng").await;
    let browser = browser_client();
    page_log_in(&app, &browser, "leader").await;
    assert!(signed_in(&app, &browser, None).await);
    let leader_id = app.get("/api/v1/me", &leader_token).await.1["id"].as_i64().unwrap();

    // only an admin may
    let (s, _) = app.call(Method::DELETE, &format!("/api/v1/users/{leader_id}/sessions"), Some(&other), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = app.call(Method::DELETE, "/api/v1/users/99999999/sessions", Some(&admin), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");

    let (s, body) = app.call(Method::DELETE, &format!("/api/v1/users/{leader_id}/sessions"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["revoked"], 2, "the token and the browser session");
    assert_eq!(app.get("/api/v1/me", &leader_token).await.0, StatusCode::UNAUTHORIZED);
    assert!(!signed_in(&app, &browser, None).await, "the browser session ended too");
    // others keep theirs, and the account itself still works
    assert_eq!(app.get("/api/v1/me", &other).await.0, StatusCode::OK);
    app.token("leader").await;
    let (_, audit) = app.get(&format!("/api/v1/audit-entries?entity=user&entity_id={leader_id}"), &admin).await;
    assert_eq!(audit["items"][0]["action"], "revoke_sessions", "{audit}");

    // the caller's own token ends with DELETE /api/v1/auth/token
    let (s, _) = app.call(Method::DELETE, "/api/v1/auth/token", Some(&other), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", &other).await.0, StatusCode::UNAUTHORIZED);
}

async fn a_body_over_the_limit_is_refused_in_our_format(app: TestApp) {
    let admin = app.token("admin").await;
    let huge = json!({"name": "x".repeat(web::MAX_BODY_BYTES + 1)});
    let res = app.client.post(app.url("/api/v1/townships")).bearer_auth(&admin).json(&huge).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_security_headers(&res, "413");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert!(body["error"]["message"].as_str().unwrap().contains("过大"));
}

async fn the_session_cookie_is_locked_down_and_rotates_at_log_in(app: TestApp) {
    let client = browser_client();
    let first = page_log_in(&app, &client, "leader").await;
    let cookie = first.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("zd_session=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "not configured for the plain-HTTP test server: {cookie}");
    let old = cookie.split(';').next().unwrap().to_string();
    // signing in again (the browser still sends the old cookie) ends the old session
    let second = page_log_in(&app, &client, "leader").await;
    let new = second.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("zd_session=")).unwrap();
    assert_ne!(new.split(';').next().unwrap(), old, "a new session id");
    assert!(!signed_in(&app, &app.client, Some(&old)).await, "the old id is worthless");
    assert!(signed_in(&app, &client, None).await, "the new one works");
}

/// Whether a page answers the client (with `cookie`, if given) rather than
/// sending it to the log-in page.
async fn signed_in(app: &TestApp, client: &reqwest::Client, cookie: Option<&str>) -> bool {
    let mut req = client.get(app.url("/notifications"));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = req.send().await.unwrap();
    let to_login = res.headers().get(header::LOCATION).is_some_and(|l| l.to_str().unwrap().starts_with("/login"));
    assert!(res.status() == StatusCode::OK || to_login, "{}", res.status());
    !to_login
}

/// A second server on the same database, as a second instance behind a load
/// balancer would be: its own process state, its own connection pool.
async fn second_instance(app: &TestApp) -> (String, Db) {
    let url = match app.backend {
        Backend::Sqlite => {
            let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(app.db.pool()).await.unwrap();
            format!("sqlite://{file}")
        }
        Backend::Postgres => {
            let base = std::env::var("ZONEDESK_TEST_POSTGRES_URL").unwrap();
            let name: String = sqlx::query_scalar("SELECT current_database()::text").fetch_one(app.db.pool()).await.unwrap();
            let root = &base[..base.rfind('/').filter(|&i| i > base.find("://").unwrap() + 2).unwrap_or(base.len())];
            format!("{root}/{name}")
        }
    };
    let db = Db::connect(&url).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut state = AppState::new(db.clone());
    state.background_sweep = false;
    tokio::spawn(async move {
        let _ = web::serve_on(state, listener).await;
    });
    (base, db)
}

async fn log_in_at(client: &reqwest::Client, base: &str, username: &str, password: &str) -> reqwest::Response {
    client.post(format!("{base}/api/v1/auth/token")).json(&json!({"username": username, "password": password})).send().await.unwrap()
}

async fn the_throttle_counts_failures_on_every_instance(app: TestApp) {
    let (other, _db) = second_instance(&app).await;
    let client = &app.client;
    // a success clears the count
    for base in [&app.base, &other, &app.base, &other] {
        assert_eq!(log_in_at(client, base, "xuehui", "wrong").await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(log_in_at(client, &other, "xuehui", "demo").await.status(), StatusCode::OK, "four failures are under the limit");
    // five failures, split over the two servers, lock the name on both
    for base in [&app.base, &app.base, &app.base, &other, &other] {
        assert_eq!(log_in_at(client, base, "xuehui", "wrong").await.status(), StatusCode::UNAUTHORIZED);
    }
    for base in [&app.base, &other] {
        let res = log_in_at(client, base, "xuehui", "demo").await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        let retry: u64 = res.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=zonedesk::app::auth::LOGIN_WINDOW_SECS).contains(&retry), "{retry}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "too_many_requests");
        assert!(body["error"]["message"].as_str().unwrap().starts_with("登录失败次数过多"), "{body}");
    }
    // another name is not affected
    assert_eq!(log_in_at(client, &other, "hengfeng", "demo").await.status(), StatusCode::OK);
    // once the window has passed, the right password works again and the count is gone
    sqlx::query("UPDATE login_throttle SET window_start = $1 WHERE subject = 'xuehui'")
        .bind("2020-03-19T00:00:00.000000Z")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(log_in_at(client, &other, "xuehui", "demo").await.status(), StatusCode::OK);
    assert_eq!(app.count("login_throttle WHERE subject = 'xuehui'").await, 0);
}

on_both_databases!(
    security_headers_are_on_pages_api_answers_and_errors,
    pages_hold_nothing_the_csp_refuses,
    an_expired_token_is_refused,
    an_admin_revokes_every_session_of_a_user,
    a_body_over_the_limit_is_refused_in_our_format,
    the_session_cookie_is_locked_down_and_rotates_at_log_in,
    the_throttle_counts_failures_on_every_instance,
);

/// A request that outlives the time limit gets 408 in our error format (the
/// limit is 30 s in the server; a slow route and a short limit show it here).
#[tokio::test]
async fn a_request_past_the_time_limit_gets_408_in_our_format() {
    use tower::ServiceExt;
    let slow = axum::Router::new()
        .route(
            "/api/v1/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route("/slow-page", axum::routing::get(|| async { tokio::time::sleep(Duration::from_secs(5)).await }))
        .route("/api/v1/quick", axum::routing::get(|| async { "quick" }))
        .layer(axum::middleware::from_fn_with_state(Duration::from_millis(50), web::time_limit));
    let call = |path: &str| axum::http::Request::builder().uri(path).body(axum::body::Body::empty()).unwrap();

    let res = slow.clone().oneshot(call("/api/v1/slow")).await.unwrap();
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT.as_u16());
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 16).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "request_timeout");
    assert!(body["error"]["message"].as_str().unwrap().contains("超时"));

    let res = slow.clone().oneshot(call("/slow-page")).await.unwrap();
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT.as_u16());
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("请求处理超时"), "a page for page routes");

    let res = slow.oneshot(call("/api/v1/quick")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK.as_u16());
}
