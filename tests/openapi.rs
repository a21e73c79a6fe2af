//! The OpenAPI document lists every route there is, and every route it lists
//! exists: each documented operation is called and must reach a handler.

mod common;

use common::{TestApp, browser_client, page_log_in};
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn every_documented_operation_reaches_a_handler(app: TestApp) {
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
    let paths = doc["paths"].as_object().expect("paths");
    for required in
        ["/api/v1/auth/token", "/api/v1/enterprises", "/api/v1/enterprises/{id}", "/healthz", "/metrics", "/api/openapi.json", "/login", "/enterprises/{id}"]
    {
        assert!(paths.contains_key(required), "{required} is documented");
    }
    let token = app.token("admin").await;
    let pages = browser_client();
    page_log_in(&app, &pages, "admin").await;
    let hengfeng = app.enterprise_id("恒丰电子").await;
    let mut operations = 0;
    for (path, item) in paths {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let concrete = path.replace("{id}", &hengfeng.to_string()).replace("{code}", "zh");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let client = if path.starts_with("/api/") { &app.client } else { &pages };
            // an empty JSON object: enough to reach the handler, which then refuses it
            let mut req = client.request(m, app.url(&concrete)).bearer_auth(&token);
            if method != "get" && method != "delete" && path.starts_with("/api/") {
                req = req.json(&serde_json::json!({}));
            }
            let res = req.send().await.unwrap();
            let status = res.status();
            let unrouted = res.headers().contains_key(zonedesk::web::error::NO_ROUTE_HEADER);
            let body = res.text().await.unwrap();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is routed");
            assert!(!unrouted, "{method} {path} is routed: {body}");
            assert!(status.as_u16() < 500, "{method} {path} answered {status}: {body}");
        }
    }
    assert!(operations >= 40, "only {operations} operations documented");
    // undocumented paths are not routed
    let res = app.client.get(app.url("/api/v1/secret-admin")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers().contains_key(zonedesk::web::error::NO_ROUTE_HEADER));
}

on_both_databases!(every_documented_operation_reaches_a_handler);
