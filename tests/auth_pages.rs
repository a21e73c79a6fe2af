//! Log-in, sessions, tokens, throttling, CSRF and the pages a browser sees.

mod common;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

async fn wrong_passwords_are_refused_then_throttled(app: TestApp) {
    for _ in 0..5 {
        let (s, body) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "xuehui", "password": "wrong"}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    let res = app.client.post(app.url("/api/v1/auth/token")).json(&json!({"username": "xuehui", "password": "demo"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert!(res.headers().get(header::RETRY_AFTER).is_some());
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["code"], "too_many_requests");
    // another user is not affected
    app.token("hengfeng").await;
    // unknown users get the same answer as wrong passwords
    let (s, _) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "nobody", "password": "demo"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn a_revoked_token_stops_working(app: TestApp) {
    let token = app.token("leader").await;
    let (s, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["role"], "leader");
    let (s, _) = app.call(Method::DELETE, "/api/v1/auth/token", Some(&token), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED);
}

async fn a_disabled_user_is_signed_out_at_once(app: TestApp) {
    let admin = app.token("admin").await;
    let victim = app.token("volunteer").await;
    let (_, users) = app.get("/api/v1/users?per_page=100", &admin).await;
    let id = users["items"].as_array().unwrap().iter().find(|u| u["username"] == "volunteer").unwrap()["id"].as_i64().unwrap();
    let (s, u) = app.call(Method::POST, &format!("/api/v1/users/{id}/disable"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(u["disabled_at"].is_string());
    assert!(u.get("password_hash").is_none(), "hashes never leave the server");
    assert_eq!(app.get("/api/v1/me", &victim).await.0, StatusCode::UNAUTHORIZED);
    let (s, _) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "volunteer", "password": "demo"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // an admin cannot lock itself out
    let (_, me) = app.get("/api/v1/me", &admin).await;
    let (s, _) = app.call(Method::POST, &format!("/api/v1/users/{}/disable", me["id"]), Some(&admin), None).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn users_are_created_with_a_scope_and_can_log_in(app: TestApp) {
    let admin = app.token("admin").await;
    let id = app.enterprise_id("雪汇食品").await;
    let body = json!({"username": "xuehui2", "display_name": "雪汇副经理", "password": "s3cret", "role": "enterprise", "scope_id": id});
    let (s, u) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(body.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["scope_name"], "雪汇食品");
    let (s, _) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, body) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(json!({"username": "x y", "password": "1", "role": "enterprise"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "password", "scope_id"]);
    let (s, t) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "xuehui2", "password": "s3cret"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (_, list) = app.get("/api/v1/enterprises", t["token"].as_str().unwrap()).await;
    assert_eq!(list["items"][0]["name"], "雪汇食品");
}

async fn the_enterprise_user_sees_its_page_and_not_anothers(app: TestApp) {
    let client = browser_client();
    let res = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/login?next=%2F");

    let res = page_log_in(&app, &client, "hengfeng").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("zd_session=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    let res = client.get(app.url("/")).send().await.unwrap();
    let own = app.enterprise_id("恒丰电子").await;
    assert_eq!(res.headers()[header::LOCATION], format!("/enterprises/{own}").as_str());
    let html = client.get(app.url(&format!("/enterprises/{own}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("恒丰电子") && html.contains("统一社会信用代码") && html.contains("lang=\"zh-CN\""));

    let other = app.enterprise_id("雪汇食品").await;
    let res = client.get(app.url(&format!("/enterprises/{other}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    assert!(html.contains("无权访问") && !html.contains("雪汇食品"), "the 403 page names nothing of the other enterprise");
    assert!(html.contains("id=\"logout\""), "the 403 page keeps the user's top bar, with log-out");

    // the enterprise list shows only its own row
    let html = client.get(app.url("/enterprises")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("恒丰电子") && !html.contains("雪汇食品"));
}

async fn log_out_ends_the_session_on_the_server(app: TestApp) {
    let client = browser_client();
    let res = page_log_in(&app, &client, "leader").await;
    let session = res.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("zd_session=")).unwrap();
    let session = session.split(';').next().unwrap().to_string();
    let html = client.get(app.url("/enterprises")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_value(&html, "_csrf").unwrap();
    let res = client.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // replaying the old cookie by hand: the server no longer knows it
    let res = app.client.get(app.url("/enterprises")).header(header::COOKIE, &session).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()[header::LOCATION].to_str().unwrap().starts_with("/login"));
}

async fn forms_without_the_csrf_token_are_refused(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "admin").await;
    let before = app.count("townships").await;
    for token in ["", "forged"] {
        let res = client.post(app.url("/townships")).form(&[("name", "伪造乡"), ("kind", "xiang"), ("_csrf", token)]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.text().await.unwrap().contains("CSRF"));
    }
    assert_eq!(app.count("townships").await, before);
    // the log-in form is protected too
    let fresh = browser_client();
    let res = fresh.post(app.url("/login")).form(&[("username", "admin"), ("password", "demo"), ("_csrf", "x")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get_all(header::SET_COOKIE).iter().all(|c| !c.to_str().unwrap().starts_with("zd_session=")));
    // with the token, the same form works
    let html = client.get(app.url("/townships")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_value(&html, "_csrf").unwrap();
    let res = client.post(app.url("/townships")).form(&[("name", "岳村乡"), ("kind", "xiang"), ("_csrf", &csrf)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("townships").await, before + 1);
}

async fn a_bad_form_shows_the_message_beside_the_field_and_stores_nothing(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "admin").await;
    let html = client.get(app.url("/enterprises/new")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_value(&html, "_csrf").unwrap();
    let before = app.count("enterprises").await;
    let res = client
        .post(app.url("/enterprises"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "新企业"),
            ("credit_code", "91350100M000100Y44"),
            ("kind", "industrial"),
            ("township_id", "1"),
            ("headcount", "很多"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("职工人数应为整数"), "headcount message");
    assert!(html.contains("value=\"新企业\""), "what was typed is kept");
    assert_eq!(app.count("enterprises").await, before);
    let res = client
        .post(app.url("/enterprises"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "新企业"),
            ("credit_code", "91350100M000100Y44"),
            ("kind", "industrial"),
            ("township_id", "1"),
            ("headcount", "12"),
        ])
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("校验位错误"), "credit code message beside its field");
    let res = client
        .post(app.url("/enterprises"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "新企业"),
            ("credit_code", "91350100M000100Y43"),
            ("kind", "industrial"),
            ("township_id", "1"),
            ("headcount", "12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("enterprises").await, before + 1);
}

async fn pages_escape_what_users_typed(app: TestApp) {
    let admin = app.token("admin").await;
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/enterprises",
            Some(&admin),
            Some(json!({"name": "<script>alert(1)</script>", "credit_code": "91350100M000100Y43", "kind": "industrial", "township_id": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let client = browser_client();
    page_log_in(&app, &client, "admin").await;
    let html = client.get(app.url(&format!("/enterprises/{}", e["id"]))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
}

async fn the_language_follows_the_switch_and_the_browser(app: TestApp) {
    let res = app.client.get(app.url("/login")).header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.8").send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("Log in") && html.contains("lang=\"en\""));
    let client = browser_client();
    page_log_in(&app, &client, "leader").await;
    let res = client.get(app.url("/lang/en?next=/enterprises")).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], "/enterprises");
    let html = client.get(app.url("/enterprises")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Enterprises") && html.contains("Foreign trade"));
    let res = client.get(app.url("/lang/en?next=https://evil.example/")).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], "/");
    assert_eq!(client.get(app.url("/lang/fr")).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
}

async fn every_role_lands_on_its_home(app: TestApp) {
    for (user, location) in [
        ("admin", Some("/dashboard")),
        ("leader", Some("/dashboard")),
        ("township", Some("/dashboard")),
        ("department", Some("/work-orders")),
        ("officer", Some("/officers/me")),
        ("volunteer", Some("/tutoring/mine")),
        ("isolation", Some("/isolation")),
    ] {
        let client = browser_client();
        page_log_in(&app, &client, user).await;
        let res = client.get(app.url("/")).send().await.unwrap();
        match location {
            Some(l) => assert_eq!(res.headers()[header::LOCATION], l, "{user}"),
            None => assert_eq!(res.status(), StatusCode::OK, "{user}"),
        }
    }
    // the township's list shows only its township
    let client = browser_client();
    page_log_in(&app, &client, "township").await;
    let html = client.get(app.url("/enterprises?per_page=200")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("雪汇食品") && !html.contains("恒丰电子"));
    // a volunteer is refused the enterprise pages
    let client = browser_client();
    page_log_in(&app, &client, "volunteer").await;
    assert_eq!(client.get(app.url("/enterprises")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(client.get(app.url("/users")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

async fn security_headers_are_on_every_answer(app: TestApp) {
    for path in ["/login", "/api/v1/townships", "/nowhere", "/static/style.css"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        assert!(h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(h[header::REFERRER_POLICY], "same-origin", "{path}");
    }
    let res = app.client.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("页面不存在"));
}

on_both_databases!(
    wrong_passwords_are_refused_then_throttled,
    a_revoked_token_stops_working,
    a_disabled_user_is_signed_out_at_once,
    users_are_created_with_a_scope_and_can_log_in,
    the_enterprise_user_sees_its_page_and_not_anothers,
    log_out_ends_the_session_on_the_server,
    forms_without_the_csrf_token_are_refused,
    a_bad_form_shows_the_message_beside_the_field_and_stores_nothing,
    pages_escape_what_users_typed,
    the_language_follows_the_switch_and_the_browser,
    every_role_lands_on_its_home,
    security_headers_are_on_every_answer,
);
