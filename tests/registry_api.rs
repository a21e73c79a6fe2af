//! The registry through the JSON API: create, read, update, delete, and every
//! kind of bad input answered with its 4xx while the data stays as it was.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn new_enterprise(township_id: i64) -> Value {
    json!({
        "name": "濮阳新材料科技有限公司",
        "credit_code": "91350100M000100Y43",
        "industry": "新材料",
        "kind": "industrial",
        "township_id": township_id,
        "address": "开发区产业集聚区",
        "contact_name": "王经理",
        "contact_phone": "0393-8123456",
        "headcount": 120
    })
}

async fn first_township(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/townships", token).await.1["items"][0]["id"].as_i64().expect("a township")
}

async fn admin_creates_reads_updates_and_deletes_an_enterprise(app: TestApp) {
    let admin = app.token("admin").await;
    let township = first_township(&app, &admin).await;
    let (status, created) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(new_enterprise(township))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["version"], 1);
    assert_eq!(created["kind"], "industrial");

    let (status, read) = app.get(&format!("/api/v1/enterprises/{id}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["credit_code"], "91350100M000100Y43");

    let mut change = new_enterprise(township);
    change["headcount"] = json!(150);
    change["version"] = json!(1);
    let (status, updated) = app.call(Method::PUT, &format!("/api/v1/enterprises/{id}"), Some(&admin), Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["headcount"], 150);
    assert_eq!(updated["version"], 2);

    let (status, _) = app.call(Method::DELETE, &format!("/api/v1/enterprises/{id}"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get(&format!("/api/v1/enterprises/{id}"), &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

async fn a_stale_update_is_refused_not_merged(app: TestApp) {
    let admin = app.token("admin").await;
    let id = app.enterprise_id("恒丰电子").await;
    let (_, before) = app.get(&format!("/api/v1/enterprises/{id}"), &admin).await;
    let mut first = before.clone();
    first["headcount"] = json!(300);
    let (status, _) = app.call(Method::PUT, &format!("/api/v1/enterprises/{id}"), Some(&admin), Some(first)).await;
    assert_eq!(status, StatusCode::OK);
    // a second writer still holding version 1
    let mut second = before.clone();
    second["headcount"] = json!(999);
    let (status, body) = app.call(Method::PUT, &format!("/api/v1/enterprises/{id}"), Some(&admin), Some(second)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "stale_version");
    let (_, after) = app.get(&format!("/api/v1/enterprises/{id}"), &admin).await;
    assert_eq!(after["headcount"], 300);
}

async fn lists_filter_and_paginate(app: TestApp) {
    let leader = app.token("leader").await;
    let (status, all) = app.get("/api/v1/enterprises?per_page=10", &leader).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all["total"], 60);
    assert_eq!(all["items"].as_array().unwrap().len(), 10);
    let (_, page7) = app.get("/api/v1/enterprises?per_page=10&page=7", &leader).await;
    assert_eq!(page7["items"].as_array().unwrap().len(), 0);
    let (_, foreign) = app.get("/api/v1/enterprises?kind=foreign_trade&per_page=100", &leader).await;
    assert_eq!(foreign["total"], 16);
    assert!(foreign["items"].as_array().unwrap().iter().all(|e| e["kind"] == "foreign_trade" && e["officer_name"].is_string()));
    let (_, without) = app.get("/api/v1/enterprises?has_officer=false&per_page=100", &leader).await;
    assert_eq!(without["total"], 13);
    let (_, with) = app.get("/api/v1/enterprises?has_officer=true", &leader).await;
    assert_eq!(with["total"], 47);
    let (_, found) = app.get(&format!("/api/v1/enterprises?q={}", common::urlencode("雪汇")), &leader).await;
    assert_eq!(found["items"][0]["name"], "雪汇食品");
    let (_, by_size) = app.get("/api/v1/enterprises?sort=-headcount&per_page=5", &leader).await;
    let sizes: Vec<i64> = by_size["items"].as_array().unwrap().iter().map(|e| e["headcount"].as_i64().unwrap()).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
}

async fn bad_inputs_get_their_4xx_and_change_nothing(app: TestApp) {
    let admin = app.token("admin").await;
    let township = first_township(&app, &admin).await;
    let before = app.count("enterprises").await;
    let audit_before = app.count("audit_log").await;

    // malformed JSON
    let res = app
        .client
        .post(app.url("/api/v1/enterprises"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "bad_request");

    // not JSON at all
    let res = app.client.post(app.url("/api/v1/enterprises")).bearer_auth(&admin).body("name=x").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(res.json::<Value>().await.unwrap()["error"]["message"].is_string());

    // wrong type
    let mut wrong_type = new_enterprise(township);
    wrong_type["headcount"] = json!("many");
    let (status, body) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(wrong_type)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // unknown enum value
    let mut unknown_kind = new_enterprise(township);
    unknown_kind["kind"] = json!("bank");
    let (status, body) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(unknown_kind)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "kind");

    // invalid credit code: the check character is wrong
    let mut bad_code = new_enterprise(township);
    bad_code["credit_code"] = json!("91350100M000100Y44");
    let (status, body) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(bad_code)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "credit_code");
    assert!(body["error"]["message"].as_str().unwrap().contains("校验位"));

    // a township that does not exist
    let (status, body) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(new_enterprise(99_999))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "township_id");

    // a credit code already registered
    let (_, hengfeng) = app.get(&format!("/api/v1/enterprises/{}", app.enterprise_id("恒丰电子").await), &admin).await;
    let mut duplicate = new_enterprise(township);
    duplicate["credit_code"] = hengfeng["credit_code"].clone();
    let (status, body) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(duplicate)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["field"], "credit_code");

    // an oversized body
    let mut huge = new_enterprise(township);
    huge["address"] = json!("很".repeat(600_000));
    let (status, body) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    // a text over its limit
    let mut long = new_enterprise(township);
    long["name"] = json!("恒".repeat(101));
    let (status, body) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(long)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "name");

    // a non-numeric id, an unknown id, an unknown filter value
    assert_eq!(app.get("/api/v1/enterprises/abc", &admin).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/api/v1/enterprises/99999", &admin).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/enterprises?kind=bank", &admin).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/enterprises?page=x", &admin).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/api/v1/no-such-thing", &admin).await.0, StatusCode::NOT_FOUND);

    assert_eq!(app.count("enterprises").await, before);
    assert_eq!(app.count("audit_log").await, audit_before);
}

async fn emoji_and_mixed_scripts_round_trip(app: TestApp) {
    let admin = app.token("admin").await;
    let township = first_township(&app, &admin).await;
    let mut e = new_enterprise(township);
    e["name"] = json!("濮阳🌸Flower花卉 Co. — 龍鄉");
    e["address"] = json!("<script>alert('x')</script> & \"quotes\"");
    let (status, created) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(e)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, read) = app.get(&format!("/api/v1/enterprises/{}", created["id"]), &admin).await;
    assert_eq!(read["name"], "濮阳🌸Flower花卉 Co. — 龍鄉");
    assert_eq!(read["address"], "<script>alert('x')</script> & \"quotes\"");
}

async fn reference_data_is_managed_by_admin_and_protected_while_in_use(app: TestApp) {
    let admin = app.token("admin").await;
    let (status, t) = app.call(Method::POST, "/api/v1/townships", Some(&admin), Some(json!({"name": "岳村乡", "kind": "xiang"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.call(Method::POST, "/api/v1/townships", Some(&admin), Some(json!({"name": "岳村乡", "kind": "xiang"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["field"], "name");
    let (status, _) = app.call(Method::POST, "/api/v1/townships", Some(&admin), Some(json!({"name": "x", "kind": "county"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.call(Method::DELETE, &format!("/api/v1/townships/{}", t["id"]), Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // a township with enterprises cannot be deleted
    let used = first_township(&app, &admin).await;
    let townships_before = app.count("townships").await;
    let (status, body) = app.call(Method::DELETE, &format!("/api/v1/townships/{used}"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "in_use");
    assert_eq!(app.count("townships").await, townships_before);

    let (status, d) = app.call(Method::POST, "/api/v1/departments", Some(&admin), Some(json!({"name": "数据局"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, c) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "秦文博", "rank": "正科级", "department_id": d["id"]}))).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["department_name"], "数据局");
    let (status, _) = app.call(Method::DELETE, &format!("/api/v1/departments/{}", d["id"]), Some(&admin), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn an_enterprise_gets_one_officer_at_a_time(app: TestApp) {
    let leader = app.token("leader").await;
    let admin = app.token("admin").await;
    let (_, without) = app.get("/api/v1/enterprises?has_officer=false&per_page=1", &leader).await;
    let enterprise = without["items"][0]["id"].as_i64().unwrap();
    let (status, c) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "甘立新", "rank": "正科级"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let assign = json!({"cadre_id": c["id"], "enterprise_id": enterprise, "started_on": "2020-03-20"});
    let (status, _) = app.call(Method::POST, "/api/v1/officer-assignments", Some(&leader), Some(assign.clone())).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.call(Method::POST, "/api/v1/officer-assignments", Some(&leader), Some(assign)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["field"], "enterprise_id");
    let (_, e) = app.get(&format!("/api/v1/enterprises/{enterprise}"), &leader).await;
    assert_eq!(e["officer_name"], "甘立新");
    let (status, _) = app
        .call(Method::POST, "/api/v1/officer-assignments", Some(&leader), Some(json!({"cadre_id": c["id"], "enterprise_id": enterprise, "started_on": "3/20"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn every_write_is_audited_with_before_and_after(app: TestApp) {
    let admin = app.token("admin").await;
    let id = app.enterprise_id("雪汇食品").await;
    let (_, e) = app.get(&format!("/api/v1/enterprises/{id}"), &admin).await;
    let mut change = e.clone();
    change["contact_phone"] = json!("0393-8999999");
    let (status, _) = app.call(Method::PUT, &format!("/api/v1/enterprises/{id}"), Some(&admin), Some(change)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, log) = app.get(&format!("/api/v1/audit-entries?entity=enterprise&entity_id={id}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    let latest = &log["items"][0];
    assert_eq!(latest["action"], "update");
    assert_eq!(latest["actor_name"], "admin");
    let before: Value = serde_json::from_str(latest["before_json"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(latest["after_json"].as_str().unwrap()).unwrap();
    assert_eq!(before["contact_phone"], e["contact_phone"]);
    assert_eq!(after["contact_phone"], "0393-8999999");

    // the log is append-only, even for someone with the database in hand
    let refused = sqlx::query("UPDATE audit_log SET actor_name = 'nobody'").execute(app.db.pool()).await;
    assert!(refused.is_err());
    let refused = sqlx::query("DELETE FROM audit_log").execute(app.db.pool()).await;
    assert!(refused.is_err());

    // only an admin reads it
    let leader = app.token("leader").await;
    assert_eq!(app.get("/api/v1/audit-entries", &leader).await.0, StatusCode::FORBIDDEN);
}

async fn health_and_metrics_answer(app: TestApp) {
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let _ = app.client.get(app.url("/api/v1/townships")).send().await.unwrap();
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("zonedesk_http_requests_total{method=\"GET\",route=\"/api/v1/townships\",status=\"401\"} 1"), "{text}");
    assert!(text.contains("zonedesk_http_request_duration_seconds_bucket"));
}

on_both_databases!(
    admin_creates_reads_updates_and_deletes_an_enterprise,
    a_stale_update_is_refused_not_merged,
    lists_filter_and_paginate,
    bad_inputs_get_their_4xx_and_change_nothing,
    emoji_and_mixed_scripts_round_trip,
    reference_data_is_managed_by_admin_and_protected_while_in_use,
    an_enterprise_gets_one_officer_at_a_time,
    every_write_is_audited_with_before_and_after,
    health_and_metrics_answer,
);
