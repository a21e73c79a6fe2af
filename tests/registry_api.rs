//! The registry through the JSON API: create, read, update, delete, and every
//! kind of bad input answered with its 4xx while the data stays as it was.

mod common;

use common::{TestApp, browser_client, hidden_value, page_log_in};
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

/// The newest audit entry of a row, as (action, before, after).
async fn latest_audit(app: &TestApp, admin: &str, entity: &str, id: i64) -> (String, Value, Value) {
    let (_, log) = app.get(&format!("/api/v1/audit-entries?entity={entity}&entity_id={id}"), admin).await;
    let latest = &log["items"][0];
    let parse = |v: &Value| v.as_str().map(|t| serde_json::from_str(t).unwrap()).unwrap_or(Value::Null);
    (latest["action"].as_str().unwrap_or_default().to_string(), parse(&latest["before_json"]), parse(&latest["after_json"]))
}

async fn townships_and_departments_are_changed_at_the_version_read(app: TestApp) {
    let admin = app.token("admin").await;
    let (_, t) = app.call(Method::POST, "/api/v1/townships", Some(&admin), Some(json!({"name": "岳村乡", "kind": "xiang"}))).await;
    let id = t["id"].as_i64().unwrap();
    assert_eq!(t["version"], 1);
    let (status, read) = app.get(&format!("/api/v1/townships/{id}"), &admin).await;
    assert_eq!((status, &read["name"]), (StatusCode::OK, &json!("岳村乡")));

    let path = format!("/api/v1/townships/{id}");
    let (status, updated) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": "岳村镇", "kind": "zhen", "version": 1}))).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!((&updated["name"], &updated["kind"], &updated["version"]), (&json!("岳村镇"), &json!("zhen"), &json!(2)));
    let (action, before, after) = latest_audit(&app, &admin, "township", id).await;
    assert_eq!((action.as_str(), &before["name"], &after["name"]), ("update", &json!("岳村乡"), &json!("岳村镇")));

    // refused, each with its 4xx, and the township stays as it was
    let audit_before = app.count("audit_log").await;
    let (status, body) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": "岳村三镇", "kind": "zhen", "version": 1}))).await;
    assert_eq!((status, &body["error"]["code"]), (StatusCode::CONFLICT, &json!("stale_version")));
    let (status, body) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": "新习镇", "kind": "zhen", "version": 2}))).await;
    assert_eq!((status, &body["error"]["field"]), (StatusCode::CONFLICT, &json!("name")), "{body}");
    let (status, body) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": " ", "kind": "county", "version": 2}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": "岳村镇", "kind": "zhen"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the version is required");
    assert_eq!(
        app.call(Method::PUT, "/api/v1/townships/99999", Some(&admin), Some(json!({"name": "x", "kind": "zhen", "version": 1}))).await.0,
        StatusCode::NOT_FOUND
    );
    let leader = app.token("leader").await;
    assert_eq!(app.call(Method::PUT, &path, Some(&leader), Some(json!({"name": "领导改名", "kind": "zhen", "version": 2}))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, &admin).await.1, updated);
    assert_eq!(app.count("audit_log").await, audit_before);

    let (_, d) = app.call(Method::POST, "/api/v1/departments", Some(&admin), Some(json!({"name": "数据局"}))).await;
    let path = format!("/api/v1/departments/{}", d["id"]);
    let (status, updated) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": "大数据局", "version": 1}))).await;
    assert_eq!((status, &updated["name"], &updated["version"]), (StatusCode::OK, &json!("大数据局"), &json!(2)));
    let (status, body) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": "又改名", "version": 1}))).await;
    assert_eq!((status, &body["error"]["code"]), (StatusCode::CONFLICT, &json!("stale_version")));
    let (status, _) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name": "", "version": 2}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get(&path, &admin).await.1, updated);
    let (action, _, after) = latest_audit(&app, &admin, "department", d["id"].as_i64().unwrap()).await;
    assert_eq!((action.as_str(), &after["name"]), ("update", &json!("大数据局")));
}

async fn a_cadre_is_changed_and_deleted_only_when_nothing_refers_to_it(app: TestApp) {
    let admin = app.token("admin").await;
    let (_, d) = app.call(Method::POST, "/api/v1/departments", Some(&admin), Some(json!({"name": "数据局"}))).await;
    let (_, c) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "秦文博", "rank": "副科级"}))).await;
    let id = c["id"].as_i64().unwrap();
    let path = format!("/api/v1/cadres/{id}");
    let change = json!({"name": "秦文博", "rank": "正科级", "department_id": d["id"], "phone": "13903930001", "version": 1});
    let (status, updated) = app.call(Method::PUT, &path, Some(&admin), Some(change.clone())).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!((&updated["rank"], &updated["department_name"], &updated["version"]), (&json!("正科级"), &json!("数据局"), &json!(2)));
    let (action, before, after) = latest_audit(&app, &admin, "cadre", id).await;
    assert_eq!((action.as_str(), &before["rank"], &after["rank"]), ("update", &json!("副科级"), &json!("正科级")));

    // stale, a bad phone, a department that does not exist: refused, nothing changed
    let audit_before = app.count("audit_log").await;
    assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(change.clone())).await.1["error"]["code"], "stale_version");
    let mut bad = change.clone();
    bad["version"] = json!(2);
    bad["phone"] = json!("not a phone");
    let (status, body) = app.call(Method::PUT, &path, Some(&admin), Some(bad.clone())).await;
    assert_eq!((status, &body["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("phone")));
    bad["phone"] = json!("");
    bad["department_id"] = json!(99_999);
    let (status, body) = app.call(Method::PUT, &path, Some(&admin), Some(bad)).await;
    assert_eq!((status, &body["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("department_id")));
    assert_eq!(app.get(&path, &admin).await.1, updated);
    assert_eq!(app.count("audit_log").await, audit_before);

    // a cadre in post: refused with the reason, nothing removed
    let cadres_before = app.count("cadres").await;
    let (_, officers) = app.get("/api/v1/officers?per_page=1", &admin).await;
    let serving = officers["items"][0]["cadre"]["id"].as_i64().unwrap();
    let (status, body) = app.call(Method::DELETE, &format!("/api/v1/cadres/{serving}"), Some(&admin), None).await;
    assert_eq!((status, &body["error"]["code"]), (StatusCode::CONFLICT, &json!("in_use")));
    assert!(body["error"]["message"].as_str().unwrap().contains("结束派驻"), "{body}");
    // one whose assignment has ended keeps its record for the history
    let (_, without) = app.get("/api/v1/enterprises?has_officer=false&per_page=1", &admin).await;
    let assign = json!({"cadre_id": id, "enterprise_id": without["items"][0]["id"], "started_on": "2020-03-01"});
    let (_, a) = app.call(Method::POST, "/api/v1/officer-assignments", Some(&admin), Some(assign)).await;
    let (status, _) =
        app.call(Method::POST, &format!("/api/v1/officer-assignments/{}/end", a["id"]), Some(&admin), Some(json!({"ended_on": "2020-03-10"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.call(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains("派驻历史"), "{body}");
    // one bound to an account
    let (_, bound) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "有账号"}))).await;
    sqlx::query("UPDATE users SET cadre_id = $1 WHERE username = 'volunteer'").bind(bound["id"].as_i64().unwrap()).execute(app.db.pool()).await.unwrap();
    let (status, body) = app.call(Method::DELETE, &format!("/api/v1/cadres/{}", bound["id"]), Some(&admin), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains("账号"), "{body}");
    assert_eq!(app.count("cadres").await, cadres_before + 1);

    // a leader may not; an admin may delete one entered by mistake
    let (_, mistake) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "录错了"}))).await;
    let leader = app.token("leader").await;
    assert_eq!(app.call(Method::DELETE, &format!("/api/v1/cadres/{}", mistake["id"]), Some(&leader), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Method::DELETE, &format!("/api/v1/cadres/{}", mistake["id"]), Some(&admin), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/api/v1/cadres/{}", mistake["id"]), &admin).await.0, StatusCode::NOT_FOUND);
    let (action, before, _) = latest_audit(&app, &admin, "cadre", mistake["id"].as_i64().unwrap()).await;
    assert_eq!((action.as_str(), &before["name"]), ("delete", &json!("录错了")));
    assert_eq!(app.call(Method::DELETE, "/api/v1/cadres/99999", Some(&admin), None).await.0, StatusCode::NOT_FOUND);
}

/// A signed-in browser: its client and the CSRF token of its session.
async fn browser(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let client = browser_client();
    assert_eq!(page_log_in(app, &client, username).await.status(), StatusCode::SEE_OTHER);
    let page = client.get(app.url("/officers")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_value(&page, "_csrf").expect("a CSRF field");
    (client, csrf)
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn post_form(client: &reqwest::Client, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let res = client.post(app.url(path)).form(fields).send().await.unwrap();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (res.status(), location, res.text().await.unwrap())
}

async fn officers_are_assigned_and_ended_on_pages_and_their_history_is_kept(app: TestApp) {
    let admin = app.token("admin").await;
    let (client, csrf) = browser(&app, "leader").await;
    let (_, without) = app.get("/api/v1/enterprises?has_officer=false&per_page=1", &admin).await;
    let enterprise = without["items"][0]["id"].as_i64().unwrap();
    let name = without["items"][0]["name"].as_str().unwrap().to_string();
    let (_, first) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "甘立新", "rank": "正科级"}))).await;
    let (_, second) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "房卫东", "rank": "副科级"}))).await;
    let (first, second) = (first["id"].as_i64().unwrap().to_string(), second["id"].as_i64().unwrap().to_string());
    let e = enterprise.to_string();

    // the form offers the cadres by name, and the enterprise asked for
    let (status, form) = page(&client, &app, &format!("/officer-assignments/new?enterprise_id={e}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(&format!("<option value=\"{first}\">甘立新（正科级）</option>")), "{form}");
    assert!(form.contains(&format!("<option value=\"{e}\" selected>{name}")), "the enterprise is chosen");

    // nothing chosen, a bad date: the form again, each message beside its field, nothing stored
    let assignments = app.count("officer_assignments").await;
    let (status, _, again) =
        post_form(&client, &app, "/officer-assignments", &[("_csrf", &csrf), ("cadre_id", ""), ("enterprise_id", &e), ("started_on", "3/1")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.contains("请选择一名干部") && again.contains("YYYY-MM-DD"), "{again}");
    assert_eq!(app.count("officer_assignments").await, assignments);

    // assign, end (asked first), assign the next: both stay in the history
    let (status, location, _) =
        post_form(&client, &app, "/officer-assignments", &[("_csrf", &csrf), ("cadre_id", &first), ("enterprise_id", &e), ("started_on", "2020-03-01")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/officer-assignments?enterprise_id={e}").as_str()));
    let (_, history) = page(&client, &app, &location).await;
    assert!(history.contains("甘立新") && history.contains("2020年3月1日") && history.contains("在岗"), "{history}");
    let (_, listed) = app.get(&format!("/api/v1/officer-assignments?enterprise_id={e}"), &admin).await;
    let assignment = listed["items"][0]["id"].as_i64().unwrap();

    let (status, confirm) = page(&client, &app, &format!("/officer-assignments/{assignment}/end")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("id=\"confirm-end\"") && confirm.contains("name=\"ended_on\""), "{confirm}");
    let end = format!("/officer-assignments/{assignment}/end");
    let (status, _, again) = post_form(&client, &app, &end, &[("_csrf", &csrf), ("ended_on", "2020-02-01")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.contains("结束日期不能早于派驻日期"), "{again}");
    let (status, location, _) = post_form(&client, &app, &end, &[("_csrf", &csrf), ("ended_on", "2020-03-15")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/officer-assignments?enterprise_id={e}").as_str()));
    let (status, _, again) = post_form(&client, &app, &end, &[("_csrf", &csrf), ("ended_on", "2020-03-16")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an ended assignment is not ended twice");
    assert!(again.contains("该派驻已于此前结束"), "{again}");
    let (status, body) = app.call(Method::POST, &format!("/api/v1{end}"), Some(&admin), Some(json!({"ended_on": "2020-03-16"}))).await;
    assert_eq!((status, &body["error"]["code"]), (StatusCode::CONFLICT, &json!("already_ended")));
    let (status, _, _) =
        post_form(&client, &app, "/officer-assignments", &[("_csrf", &csrf), ("cadre_id", &second), ("enterprise_id", &e), ("started_on", "2020-03-16")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, listed) = app.get(&format!("/api/v1/officer-assignments?enterprise_id={e}"), &admin).await;
    assert_eq!(listed["total"], 2);
    assert_eq!((&listed["items"][0]["cadre_name"], &listed["items"][0]["ended_on"]), (&json!("房卫东"), &Value::Null));
    assert_eq!((&listed["items"][1]["cadre_name"], &listed["items"][1]["ended_on"]), (&json!("甘立新"), &json!("2020-03-15")));
    let (_, history) = page(&client, &app, &format!("/officer-assignments?enterprise_id={e}")).await;
    assert!(history.contains("房卫东") && history.contains("甘立新") && history.contains("2020年3月15日"), "{history}");
    let (_, cadre) = page(&client, &app, &format!("/cadres/{first}")).await;
    assert!(cadre.contains(&name) && cadre.contains("2020年3月1日") && cadre.contains("2020年3月15日"), "the cadre's page shows its history: {cadre}");
    let (_, shown) = app.get(&format!("/api/v1/enterprises/{e}"), &admin).await;
    assert_eq!(shown["officer_name"], "房卫东");
    let (action, before, after) = latest_audit(&app, &admin, "officer_assignment", assignment).await;
    assert_eq!((action.as_str(), &before["ended_on"], &after["ended_on"]), ("end", &Value::Null, &json!("2020-03-15")));

    // an enterprise user reads no history; a department reads it
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get("/api/v1/officer-assignments", &hengfeng).await.0, StatusCode::FORBIDDEN);
    let department = app.token("department").await;
    assert_eq!(app.get(&format!("/api/v1/officer-assignments?enterprise_id={e}"), &department).await.1["total"], 2);
}

async fn reference_data_is_edited_and_deleted_on_pages(app: TestApp) {
    let admin = app.token("admin").await;
    let (client, csrf) = browser(&app, "admin").await;
    let (_, t) = app.call(Method::POST, "/api/v1/townships", Some(&admin), Some(json!({"name": "岳村乡", "kind": "xiang"}))).await;
    let id = t["id"].as_i64().unwrap();
    let (status, form) = page(&client, &app, &format!("/townships/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let version = hidden_value(&form, "version").expect("the version read");
    let (status, _, again) =
        post_form(&client, &app, &format!("/townships/{id}"), &[("_csrf", &csrf), ("name", ""), ("kind", "xiang"), ("version", &version)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.contains("field-error"), "{again}");
    let (status, location, _) =
        post_form(&client, &app, &format!("/townships/{id}"), &[("_csrf", &csrf), ("name", "岳村镇"), ("kind", "zhen"), ("version", &version)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/townships"));
    // the same form posted again holds a stale version: said on the form, not saved
    let (status, _, again) =
        post_form(&client, &app, &format!("/townships/{id}"), &[("_csrf", &csrf), ("name", "岳村三镇"), ("kind", "zhen"), ("version", &version)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.contains("已被他人修改"), "{again}");
    assert_eq!(app.get(&format!("/api/v1/townships/{id}"), &admin).await.1["name"], "岳村镇");

    let (_, d) = app.call(Method::POST, "/api/v1/departments", Some(&admin), Some(json!({"name": "数据局"}))).await;
    let (status, location, _) =
        post_form(&client, &app, &format!("/departments/{}", d["id"]), &[("_csrf", &csrf), ("name", "大数据局"), ("version", "1")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/departments"));

    let (_, c) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "秦文博"}))).await;
    let cid = c["id"].as_i64().unwrap();
    let (status, form) = page(&client, &app, &format!("/cadres/{cid}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let fields = [("_csrf", csrf.as_str()), ("name", "秦文博"), ("rank", "正科级"), ("department_id", &d["id"].to_string()), ("phone", ""), ("version", "1")];
    assert!(form.contains("name=\"version\" value=\"1\""));
    let (status, location, _) = post_form(&client, &app, &format!("/cadres/{cid}"), &fields).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/cadres/{cid}")));
    let (_, shown) = page(&client, &app, &format!("/cadres/{cid}")).await;
    assert!(shown.contains("正科级") && shown.contains("大数据局"), "{shown}");

    // deleting asks first; a cadre in post is refused with the reason
    let (status, confirm) = page(&client, &app, &format!("/cadres/{cid}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("id=\"confirm-delete\""));
    let (_, officers) = app.get("/api/v1/officers?per_page=1", &admin).await;
    let serving = officers["items"][0]["cadre"]["id"].as_i64().unwrap();
    let (status, _, refused) = post_form(&client, &app, &format!("/cadres/{serving}/delete"), &[("_csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(refused.contains("结束派驻"), "{refused}");
    let (status, location, _) = post_form(&client, &app, &format!("/cadres/{cid}/delete"), &[("_csrf", &csrf)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/cadres"));
    assert_eq!(app.get(&format!("/api/v1/cadres/{cid}"), &admin).await.0, StatusCode::NOT_FOUND);
}

async fn coverage_and_the_officer_list_follow_the_scope_and_page_apart(app: TestApp) {
    let leader = app.token("leader").await;
    let listed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM green_list WHERE removed_on IS NULL").fetch_one(app.db.pool()).await.unwrap();
    assert!(listed > 0, "the demo has a green list");
    let without: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM green_list g WHERE g.removed_on IS NULL \
         AND NOT EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.enterprise_id = g.enterprise_id AND oa.ended_on IS NULL)",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (status, green) = app.get("/api/v1/officers/coverage?green_list=true", &leader).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((green["in_scope"].as_i64(), green["uncovered"]["total"].as_i64()), (Some(listed), Some(without)));
    let (_, listed_enterprises) = app.get("/api/v1/enterprises?green_list=true&per_page=200", &leader).await;
    assert_eq!(listed_enterprises["total"].as_i64(), Some(listed));

    let (client, _) = browser(&app, "leader").await;
    let (status, html) = page(&client, &app, "/officers?township_id=&kind=&green_list=true").await;
    assert_eq!(status, StatusCode::OK, "the filter's 'all' options are no filter, not a 400");
    assert!(html.contains(&format!("<strong id=\"in-scope\">{listed}</strong>")), "{html}");
    assert!(html.contains("name=\"green_list\" value=\"true\" checked"));

    // the officer list follows the township filter
    let township: i64 = sqlx::query_scalar("SELECT township_id FROM enterprises WHERE name = '雪汇食品'").fetch_one(app.db.pool()).await.unwrap();
    let officers_there: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT oa.cadre_id) FROM officer_assignments oa JOIN enterprises e ON e.id = oa.enterprise_id \
         WHERE oa.ended_on IS NULL AND e.township_id = $1",
    )
    .bind(township)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (_, html) = page(&client, &app, &format!("/officers?township_id={township}")).await;
    let table = &html[html.find("id=\"officer-list\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr><td><a href=\"/cadres/").count() as i64, officers_there, "{table}");

    // the uncovered list's page does not page the officer list
    let (_, html) = page(&client, &app, "/officers?page=2").await;
    let table = &html[html.find("id=\"officer-list\"").unwrap()..];
    assert_eq!(table[..table.find("</table>").unwrap()].matches("<tr><td><a href=\"/cadres/").count(), 47);
    assert_eq!(page(&client, &app, "/officers?township_id=x").await.0, StatusCode::UNPROCESSABLE_ENTITY);
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
    townships_and_departments_are_changed_at_the_version_read,
    a_cadre_is_changed_and_deleted_only_when_nothing_refers_to_it,
    officers_are_assigned_and_ended_on_pages_and_their_history_is_kept,
    reference_data_is_edited_and_deleted_on_pages,
    coverage_and_the_officer_list_follow_the_scope_and_page_apart,
);
