//! The work-order engine through HTTP on both databases: the lifecycle, return,
//! reopen, escalation, conflicts, permissions, the three rates, visits and
//! notifications.

mod common;

use std::sync::Arc;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zonedesk::app::clock::WorkContext;
use zonedesk::app::{Actor, auth, workorder};
use zonedesk::domain::calendar::WorkCalendar;

async fn file(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, filed) = app.call(Method::POST, "/api/v1/work-orders", Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    filed
}

async fn act(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, &format!("/api/v1/work-orders/{id}/transitions"), Some(token), Some(body)).await
}

async fn department_id(app: &TestApp, name: &str) -> i64 {
    let admin = app.token("admin").await;
    let (_, list) = app.get("/api/v1/departments", &admin).await;
    list["items"].as_array().unwrap().iter().find(|d| d["name"] == name).unwrap_or_else(|| panic!("department {name}"))["id"].as_i64().unwrap()
}

/// The department of the demo `department` user.
async fn own_department(app: &TestApp) -> i64 {
    let t = app.token("department").await;
    app.get("/api/v1/me", &t).await.1["department_id"].as_i64().unwrap()
}

async fn an_order_goes_from_demand_to_satisfied_rating(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let dept_id = own_department(&app).await;

    let filed = file(&app, &hengfeng, json!({"category": "labour", "title": "春节后用工短缺，急需招聘操作工30名", "description": "复工后缺少操作工"})).await;
    let order = &filed["order"];
    let id = order["id"].as_i64().unwrap();
    assert_eq!(order["state"], "submitted");
    assert_eq!(order["source"], "enterprise");
    assert_eq!(order["enterprise_name"], "恒丰电子");

    let (s, o) = act(&app, &leader, id, json!({"action": "assign", "version": 1, "department_id": dept_id})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "assigned");
    let (sign, resolve) = (o["sign_deadline"].as_str().unwrap().to_string(), o["resolve_deadline"].as_str().unwrap().to_string());
    let calendar = WorkCalendar::shipped();
    for d in [&sign, &resolve] {
        let day = zonedesk::app::clock::parse_date(d).unwrap();
        assert!(calendar.is_working_day(day).unwrap(), "{d} is a working day");
    }
    assert!(sign <= resolve);

    // the department learns of it
    let (_, notes) = app.get("/api/v1/notifications?unread=true", &dept).await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["order_id"] == id && n["kind"] == "assigned"), "{notes}");

    let (s, o) = act(&app, &dept, id, json!({"action": "sign_for", "version": 2})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "in_progress");
    assert_eq!(o["signed_in_time"], 1);
    let (s, _) = act(&app, &dept, id, json!({"action": "note", "version": 3, "note": "已联系人社局安排专场招聘会"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, o) = act(&app, &dept, id, json!({"action": "resolve", "version": 4, "resolution": "专场招聘会招录操作工32名，已上岗"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "resolved");
    let (_, notes) = app.get("/api/v1/notifications?unread=true", &hengfeng).await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["order_id"] == id && n["kind"] == "resolved"));

    let (s, o) = act(&app, &hengfeng, id, json!({"action": "rate", "version": 5, "rating": "satisfied", "note": "服务很及时"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "closed");
    assert_eq!(o["rating"], "satisfied");

    let (s, detail) = app.get(&format!("/api/v1/work-orders/{id}"), &hengfeng).await;
    assert_eq!(s, StatusCode::OK);
    let actions: Vec<&str> = detail["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["file", "assign", "sign_for", "note", "resolve", "rate"]);
    assert!(detail["timeline"].as_array().unwrap().iter().all(|e| e["at"].is_string() && e["actor_name"].is_string()));

    // a closed order accepts nothing more
    let (s, body) = act(&app, &dept, id, json!({"action": "note", "version": 6, "note": "x"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, body) = act(&app, &leader, id, json!({"action": "assign", "version": 6, "department_id": dept_id})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "illegal_transition");
    assert!(body["error"]["message"].as_str().unwrap().contains("已评价"));
}

async fn a_wrong_department_returns_and_an_unsatisfied_rating_reopens(app: TestApp) {
    let xuehui = app.token("xuehui").await;
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let dept_id = own_department(&app).await;
    let id = file(&app, &xuehui, json!({"category": "finance", "title": "流动资金紧张，申请贷款贴息"})).await["order"]["id"].as_i64().unwrap();
    act(&app, &leader, id, json!({"action": "assign", "version": 1, "department_id": dept_id})).await;
    let (s, body) = act(&app, &dept, id, json!({"action": "return", "version": 2})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a return needs its reason");
    assert_eq!(body["error"]["field"], "note");
    let (s, o) = act(&app, &dept, id, json!({"action": "return", "version": 2, "note": "属财政金融局职责"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(o["state"], "submitted");
    assert!(o["department_id"].is_null());

    let finance = department_id(&app, "财政金融局").await;
    let (s, _) = act(&app, &leader, id, json!({"action": "assign", "version": 3, "department_id": finance})).await;
    assert_eq!(s, StatusCode::OK);
    // the first department cannot act on it any more
    let (s, _) = act(&app, &dept, id, json!({"action": "sign_for", "version": 4})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // the leader transfers it back
    let (s, o) = act(&app, &leader, id, json!({"action": "transfer", "version": 4, "department_id": dept_id, "note": "由经发局牵头"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["department_id"], dept_id);
    act(&app, &dept, id, json!({"action": "sign_for", "version": 5})).await;
    act(&app, &dept, id, json!({"action": "resolve", "version": 6, "resolution": "已协调银行"})).await;
    let (s, o) = act(&app, &xuehui, id, json!({"action": "rate", "version": 7, "rating": "unsatisfied", "note": "贴息尚未到账"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(o["state"], "assigned", "an unsatisfied rating reopens it");
    assert_eq!(o["department_id"], dept_id);
    let (s, body) = act(&app, &xuehui, id, json!({"action": "rate", "version": 8, "rating": "satisfied"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "illegal_transition");
}

async fn a_stale_version_is_refused_and_concurrent_actions_do_not_both_win(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let leader = app.token("leader").await;
    let admin = app.token("admin").await;
    let dept_id = own_department(&app).await;
    let id = file(&app, &hengfeng, json!({"category": "logistics", "title": "原材料运输车辆通行受阻"})).await["order"]["id"].as_i64().unwrap();
    let body = json!({"action": "assign", "version": 1, "department_id": dept_id});
    let (a, b) = tokio::join!(act(&app, &leader, id, body.clone()), act(&app, &admin, id, body.clone()));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", a.1, b.1);
    let (_, detail) = app.get(&format!("/api/v1/work-orders/{id}"), &admin).await;
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 2, "one assignment, not two");
    let (s, body) = act(&app, &leader, id, json!({"action": "supervise", "version": 1, "note": "请加快办理"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "stale_version");
}

async fn orders_are_seen_and_acted_on_only_by_those_they_concern(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let xuehui = app.token("xuehui").await;
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let township = app.token("township").await;
    let officer = app.token("officer").await;
    let volunteer = app.token("volunteer").await;
    let dept_id = own_department(&app).await;
    let other_dept = department_id(&app, "规划建设局").await;
    let id = file(&app, &hengfeng, json!({"category": "permits", "title": "新建仓库施工许可办理"})).await["order"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/work-orders/{id}");

    assert_eq!(app.get(&path, &hengfeng).await.0, StatusCode::OK);
    assert_eq!(app.get(&path, &xuehui).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, &officer).await.0, StatusCode::OK, "恒丰电子's officer");
    assert_eq!(app.get(&path, &township).await.0, StatusCode::FORBIDDEN, "恒丰电子 is not in 新习镇");
    assert_eq!(app.get(&path, &volunteer).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, &dept).await.0, StatusCode::FORBIDDEN, "not yet assigned to it");
    let (_, list) = app.get("/api/v1/work-orders", &xuehui).await;
    assert!(list["items"].as_array().unwrap().iter().all(|o| o["id"] != id));
    assert_eq!(app.get(&format!("/api/v1/work-orders?enterprise_id={}", app.enterprise_id("恒丰电子").await), &xuehui).await.0, StatusCode::FORBIDDEN);

    // an enterprise cannot assign, and cannot rate another's order
    assert_eq!(act(&app, &hengfeng, id, json!({"action": "assign", "version": 1, "department_id": dept_id})).await.0, StatusCode::FORBIDDEN);
    act(&app, &leader, id, json!({"action": "assign", "version": 1, "department_id": other_dept})).await;
    assert_eq!(app.get(&path, &dept).await.0, StatusCode::FORBIDDEN, "assigned to another department");
    assert_eq!(act(&app, &dept, id, json!({"action": "sign_for", "version": 2})).await.0, StatusCode::FORBIDDEN);
    act(&app, &leader, id, json!({"action": "transfer", "version": 2, "department_id": dept_id})).await;
    assert_eq!(app.get(&path, &dept).await.0, StatusCode::OK);
    act(&app, &dept, id, json!({"action": "sign_for", "version": 3})).await;
    act(&app, &dept, id, json!({"action": "resolve", "version": 4, "resolution": "许可证已办结"})).await;
    let before = app.get(&path, &leader).await.1;
    assert_eq!(act(&app, &xuehui, id, json!({"action": "rate", "version": 5, "rating": "unsatisfied"})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(act(&app, &dept, id, json!({"action": "rate", "version": 5, "rating": "satisfied"})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, &leader).await.1, before, "refusals changed nothing");
    // the officer may record the verdict of a return visit
    let (s, o) = act(&app, &officer, id, json!({"action": "rate", "version": 5, "rating": "basically_satisfied", "note": "电话回访"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "closed");

    // the others cannot file for an enterprise that is not theirs
    let body = json!({"category": "other", "title": "越权提交", "enterprise_id": app.enterprise_id("恒丰电子").await});
    assert_eq!(app.call(Method::POST, "/api/v1/work-orders", Some(&township), Some(body.clone())).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Method::POST, "/api/v1/work-orders", Some(&volunteer), Some(body)).await.0, StatusCode::FORBIDDEN);
}

async fn bad_order_input_is_refused_field_by_field(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let before = app.count("work_orders").await;
    let (s, body) = app.call(Method::POST, "/api/v1/work-orders", Some(&hengfeng), Some(json!({"category": "bank", "title": ""}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"title") && fields.contains(&"category"), "{fields:?}");
    let (s, _) = app
        .call(Method::POST, "/api/v1/work-orders", Some(&hengfeng), Some(json!({"category": "other", "title": "x", "latitude": 95.0, "longitude": 10.0})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.call(Method::POST, "/api/v1/work-orders", Some(&hengfeng), Some(json!({"category": "other", "title": "标".repeat(101)}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("work_orders").await, before);
    let id = file(&app, &hengfeng, json!({"category": "other", "title": "测试"})).await["order"]["id"].as_i64().unwrap();
    let (s, body) = act(&app, &hengfeng, id, json!({"action": "fly", "version": 1})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "action");
    assert_eq!(app.get("/api/v1/work-orders?state=lost", &hengfeng).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/work-orders?from=19-03-2020", &hengfeng).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn duplicates_are_detected_and_merged_into_the_original(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let leader = app.token("leader").await;
    let first = file(&app, &hengfeng, json!({"category": "labour", "title": "企业用工短缺急需招聘操作工"})).await;
    let original = first["order"]["id"].as_i64().unwrap();
    assert_eq!(first["possible_duplicates"], json!([]));
    let second = file(&app, &hengfeng, json!({"category": "labour", "title": "企业用工短缺，急需招聘操作工人"})).await;
    assert_eq!(second["possible_duplicates"], json!([original]));
    let other = file(&app, &hengfeng, json!({"category": "labour", "title": "申请稳岗补贴"})).await;
    assert_eq!(other["possible_duplicates"], json!([]));
    let dup = second["order"]["id"].as_i64().unwrap();
    // the leader, asking for them, is offered the duplicate, recomputed; a plain read does not search
    let (_, detail) = app.get(&format!("/api/v1/work-orders/{original}?duplicates=true"), &leader).await;
    assert_eq!(detail["possible_duplicates"], json!([dup]));
    let (_, plain) = app.get(&format!("/api/v1/work-orders/{original}"), &leader).await;
    assert_eq!(plain["possible_duplicates"], json!([]));
    let (_, own) = app.get(&format!("/api/v1/work-orders/{original}?duplicates=true"), &hengfeng).await;
    assert_eq!(own["possible_duplicates"], json!([]), "only those who may merge are offered it");
    let (s, o) = act(&app, &leader, dup, json!({"action": "merge", "version": 1, "target_id": original})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "submitted", "a merged order reports its original's state");
    assert_eq!(o["merged_into"], original);
    let (_, detail) = app.get(&format!("/api/v1/work-orders/{original}?duplicates=true"), &leader).await;
    assert_eq!(detail["merged"], json!([dup]));
    assert_eq!(detail["possible_duplicates"], json!([]));
    let (s, _) = act(&app, &leader, original, json!({"action": "merge", "version": 1, "target_id": dup})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "cannot merge into a merged order");
}

async fn the_order_page_offers_possible_duplicates_with_a_confirmed_merge(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let original = file(&app, &hengfeng, json!({"category": "materials", "title": "包装纸箱原材料断供"})).await["order"]["id"].as_i64().unwrap();
    let dup = file(&app, &hengfeng, json!({"category": "materials", "title": "包装纸箱原材料断供，急需协调"})).await["order"]["id"].as_i64().unwrap();
    let leader = common::browser_client();
    common::page_log_in(&app, &leader, "leader").await;
    let page = leader.get(app.url(&format!("/work-orders/{original}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"possible-duplicates\""), "{page}");
    let button = page.find(&format!("id=\"merge-{dup}\"")).expect("a merge button for the duplicate");
    assert!(page[button..].contains("data-confirm="), "the merge asks first");
    // the enterprise sees no merge button
    let own = common::browser_client();
    common::page_log_in(&app, &own, "hengfeng").await;
    let page = own.get(app.url(&format!("/work-orders/{original}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("possible-duplicates"));

    // the duplicate's page offers to merge it into the original; the form does it
    let page = leader.get(app.url(&format!("/work-orders/{dup}"))).send().await.unwrap().text().await.unwrap();
    let form_at = page.find(&format!("id=\"merge-{original}\"")).expect("merge this one into the original");
    let form = &page[page[..form_at].rfind("<form").unwrap()..form_at];
    let field = |name: &str| common::hidden_value(form, name).unwrap();
    let res = leader
        .post(app.url(&format!("/work-orders/{dup}/act")))
        .form(&[("_csrf", field("_csrf")), ("version", field("version")), ("action", field("action")), ("target_id", field("target_id"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, d) = app.get(&format!("/api/v1/work-orders/{dup}"), &hengfeng).await;
    assert_eq!(d["order"]["merged_into"], original);
}

/// Assigns, signs for and resolves an order; answers its version.
async fn resolve(app: &TestApp, id: i64) -> i64 {
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let dept_id = own_department(app).await;
    let (s, o) = act(app, &leader, id, json!({"action": "assign", "version": 1, "department_id": dept_id})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    act(app, &dept, id, json!({"action": "sign_for", "version": 2})).await;
    let (s, o) = act(app, &dept, id, json!({"action": "resolve", "version": 3, "resolution": "已办结"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    o["version"].as_i64().unwrap()
}

async fn staff_close_an_order_only_through_a_recorded_return_visit(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let leader = app.token("leader").await;
    let id = file(&app, &hengfeng, json!({"category": "materials", "title": "包装材料供应商未复工"})).await["order"]["id"].as_i64().unwrap();
    let version = resolve(&app, id).await;
    let path = format!("/api/v1/work-orders/{id}");
    let before = app.get(&path, &leader).await.1;
    let visits = app.count("work_order_return_visits").await;

    // 恒丰电子 has an account: the leader may not close its order with a bare verdict
    let (s, body) = act(&app, &leader, id, json!({"action": "rate", "version": version, "rating": "satisfied"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "note");
    assert!(body["error"]["message"].as_str().unwrap().contains("回访"), "{body}");
    let (s, body) = act(&app, &leader, id, json!({"action": "rate", "version": version, "rating": "satisfied", "note": "满意", "channel": "email"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "channel");
    assert_eq!(app.get(&path, &leader).await.1, before, "refusals changed nothing");
    assert_eq!(app.count("work_order_return_visits").await, visits);

    // a return visit on site, with whom was reached and what they said
    let (s, o) = act(
        &app,
        &leader,
        id,
        json!({"action": "rate", "version": version, "rating": "basically_satisfied", "channel": "onsite", "contact": "李经理", "note": "供应商已复工，价格偏高"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "closed");
    let (_, detail) = app.get(&path, &hengfeng).await;
    let visit = &detail["return_visits"][0];
    assert_eq!((visit["channel"].as_str(), visit["contact"].as_str(), visit["rating"].as_str()), (Some("onsite"), Some("李经理"), Some("basically_satisfied")));
    assert_eq!(visit["note"], "供应商已复工，价格偏高");
    assert!(visit["caller_name"].is_string() && visit["at"].is_string());
    let last = detail["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "rate");
    assert!(last["note"].as_str().unwrap().contains("上门回访（受访人：李经理）"), "{last}");

    // the enterprise's own rating online is its own return visit
    let other = file(&app, &hengfeng, json!({"category": "finance", "title": "申请出口信保保费补贴"})).await["order"]["id"].as_i64().unwrap();
    let version = resolve(&app, other).await;
    let (s, o) = act(&app, &hengfeng, other, json!({"action": "rate", "version": version, "rating": "satisfied"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    let (_, detail) = app.get(&format!("/api/v1/work-orders/{other}"), &hengfeng).await;
    assert_eq!(detail["return_visits"].as_array().unwrap().len(), 1);
    assert_eq!(detail["return_visits"][0]["channel"], "online");

    // a hotline order without an account behind it: the staff member's verdict is the return visit
    let hotline = file(&app, &leader, json!({"category": "sanitation", "title": "园区道路积水", "address": "纬二路"})).await["order"]["id"].as_i64().unwrap();
    let version = resolve(&app, hotline).await;
    let (s, o) = act(&app, &leader, hotline, json!({"action": "rate", "version": version, "rating": "satisfied"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    let (_, detail) = app.get(&format!("/api/v1/work-orders/{hotline}"), &leader).await;
    assert_eq!(detail["return_visits"][0]["channel"], "phone");
}

/// The notices a user has about an order, by kind.
async fn notices(app: &TestApp, token: &str, order: i64) -> Vec<String> {
    let (_, list) = app.get("/api/v1/notifications?per_page=100", token).await;
    let mut kinds: Vec<String> =
        list["items"].as_array().unwrap().iter().filter(|n| n["order_id"] == order).map(|n| n["kind"].as_str().unwrap().to_string()).collect();
    kinds.reverse();
    kinds
}

async fn a_merged_duplicate_follows_its_original_and_its_requesters_hear_everything(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let xuehui = app.token("xuehui").await;
    let officer = app.token("officer").await;
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let dept_id = own_department(&app).await;
    let original = file(&app, &hengfeng, json!({"category": "labour", "title": "复工后一线操作工短缺"})).await["order"]["id"].as_i64().unwrap();
    // the officer raises the same demand after a visit: its requester is the officer
    let dup = file(&app, &officer, json!({"category": "labour", "title": "复工后一线操作工短缺严重", "enterprise_id": app.enterprise_id("恒丰电子").await}))
        .await["order"]["id"]
        .as_i64()
        .unwrap();

    // another enterprise's order cannot be merged into it
    let foreign = file(&app, &xuehui, json!({"category": "labour", "title": "复工后一线操作工短缺"})).await["order"]["id"].as_i64().unwrap();
    let before = app.get(&format!("/api/v1/work-orders/{foreign}"), &leader).await.1;
    let (s, body) = act(&app, &leader, foreign, json!({"action": "merge", "version": 1, "target_id": original})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "merge_enterprise_mismatch");
    assert!(body["error"]["message"].as_str().unwrap().contains("不同企业"), "{body}");
    assert_eq!(app.get(&format!("/api/v1/work-orders/{foreign}"), &leader).await.1, before, "nothing changed");
    // a hotline call without an enterprise may join it
    let call = file(&app, &leader, json!({"category": "labour", "title": "来电反映园区企业缺工"})).await["order"]["id"].as_i64().unwrap();
    let (s, o) = act(&app, &leader, call, json!({"action": "merge", "version": 1, "target_id": original})).await;
    assert_eq!(s, StatusCode::OK, "{o}");

    let (s, o) = act(&app, &leader, dup, json!({"action": "merge", "version": 1, "target_id": original})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "submitted");
    assert_eq!(notices(&app, &officer, dup).await, ["merged"]);
    let dup_path = format!("/api/v1/work-orders/{dup}");
    let state_of = |v: &Value| v["order"]["state"].as_str().unwrap().to_string();

    let (s, o) = act(&app, &leader, original, json!({"action": "assign", "version": 1, "department_id": dept_id})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    let d = app.get(&dup_path, &officer).await.1;
    assert_eq!(state_of(&d), "assigned");
    assert_eq!(d["order"]["department_id"], dept_id);
    // the department works the original, not the duplicate
    let (s, body) = act(&app, &dept, dup, json!({"action": "sign_for", "version": d["order"]["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "merged");
    assert!(body["error"]["message"].as_str().unwrap().contains(&format!("#{original}")));

    // Open311 shows the duplicate open while the problem is open
    let open311 = |id: i64, key: String| {
        let app = &app;
        async move {
            let res = app.client.get(app.url(&format!("/open311/v2/requests/{id}.json"))).query(&[("api_key", key)]).send().await.unwrap();
            res.json::<Value>().await.unwrap()[0]["status"].as_str().unwrap().to_string()
        }
    };
    assert_eq!(open311(dup, hengfeng.clone()).await, "open");

    let (_, o) = act(&app, &leader, original, json!({"action": "supervise", "version": 2, "note": "请尽快组织招聘"})).await;
    let (_, o) = act(&app, &dept, original, json!({"action": "sign_for", "version": o["version"]})).await;
    let (_, o) = act(&app, &dept, original, json!({"action": "resolve", "version": o["version"], "resolution": "专场招聘会已举办"})).await;
    assert_eq!(state_of(&app.get(&dup_path, &officer).await.1), "resolved");
    let (s, o) = act(&app, &hengfeng, original, json!({"action": "rate", "version": o["version"], "rating": "unsatisfied", "note": "人还没招到"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["state"], "assigned");
    assert!(o["signed_at"].is_null() && o["signed_in_time"].is_null(), "the reopened order is signed for again, and timed again: {o}");
    assert_eq!(state_of(&app.get(&dup_path, &officer).await.1), "assigned");
    assert_eq!(notices(&app, &officer, dup).await, ["merged", "assigned", "escalated", "resolved", "reopened"]);
    assert_eq!(notices(&app, &leader, call).await, ["merged", "assigned", "escalated", "resolved", "reopened"], "the hotline call's filer too");

    // closed when the original is closed
    let (_, o) = act(&app, &dept, original, json!({"action": "sign_for", "version": o["version"]})).await;
    let (_, o) = act(&app, &dept, original, json!({"action": "resolve", "version": o["version"], "resolution": "32名操作工已上岗"})).await;
    let (s, o) = act(&app, &hengfeng, original, json!({"action": "rate", "version": o["version"], "rating": "satisfied"})).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(state_of(&app.get(&dup_path, &officer).await.1), "closed");
    assert_eq!(open311(dup, hengfeng.clone()).await, "closed");
}

/// A work context at a moment of the demo's March 2020.
fn at(db: &zonedesk::store::Db, when: time::OffsetDateTime) -> WorkContext {
    WorkContext { db: db.clone(), calendar: Arc::new(WorkCalendar::shipped()), now: when }
}

async fn actor(app: &TestApp, username: &str) -> Actor {
    let user = zonedesk::store::users::find_user_by_username(&app.db, username).await.unwrap().unwrap();
    auth::actor_of(&user)
}

fn step(kind: &str, version: i64) -> workorder::TransitionInput {
    workorder::TransitionInput { action: kind.into(), version, ..Default::default() }
}

async fn overdue_orders_are_escalated_and_supervised(app: TestApp) {
    use time::macros::datetime;
    // 雪汇食品 is not on the green list: its orders run on the category's full limit
    let hengfeng = actor(&app, "xuehui").await;
    let leader = actor(&app, "leader").await;
    let dept_id = own_department(&app).await;
    let monday = at(&app.db, datetime!(2020-03-02 09:00 +8));
    let filed =
        workorder::file_order(&monday, &hengfeng, &workorder::OrderInput { category: "logistics".into(), title: "物流受阻".into(), ..Default::default() })
            .await
            .unwrap();
    let id = filed.order.id;
    let assigned = workorder::act(&monday, &leader, id, &workorder::TransitionInput { department_id: Some(dept_id), ..step("assign", 1) }).await.unwrap();
    assert_eq!(assigned.sign_deadline.as_deref(), Some("2020-03-03"));
    assert_eq!(assigned.resolve_deadline.as_deref(), Some("2020-03-05"), "3 working days from Monday");

    // on the deadline day nothing is overdue yet; the department is reminded
    let report = zonedesk::app::supervision::sweep(&at(&app.db, datetime!(2020-03-03 10:00 +8))).await.unwrap();
    assert_eq!(report.escalated, 0);
    assert!(report.reminded >= 1);
    // the next day the sign-for limit has passed
    let wednesday = at(&app.db, datetime!(2020-03-04 10:00 +8));
    let report = zonedesk::app::supervision::sweep(&wednesday).await.unwrap();
    assert_eq!(report.escalated, 1);
    assert_eq!(zonedesk::app::supervision::sweep(&wednesday).await.unwrap().escalated, 0, "once only");

    let token = app.token("leader").await;
    let (s, list) = app.get("/api/v1/supervision", &token).await;
    assert_eq!(s, StatusCode::OK);
    let row = list["items"].as_array().unwrap().iter().find(|o| o["id"] == id).expect("on the supervision list");
    assert_eq!(row["escalation"], "sign");
    let dept_token = app.token("department").await;
    assert_eq!(app.get("/api/v1/supervision", &dept_token).await.0, StatusCode::FORBIDDEN);
    let (_, notes) = app.get("/api/v1/notifications", &dept_token).await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["order_id"] == id && n["kind"] == "escalated"));

    // the leader supervises with a new deadline; signing late is recorded as late
    let supervise = workorder::TransitionInput {
        note: "请今日内签收办理".into(),
        deadline: Some("2020-03-20".into()),
        ..step("supervise", row["version"].as_i64().unwrap())
    };
    let o = workorder::act(&wednesday, &leader, id, &supervise).await.unwrap();
    assert_eq!(o.resolve_deadline.as_deref(), Some("2020-03-20"));
    let too_early = workorder::TransitionInput { deadline: Some("2020-03-01".into()), ..supervise.clone() };
    assert!(workorder::act(&wednesday, &leader, id, &workorder::TransitionInput { version: o.version, ..too_early }).await.is_err());
    let department = actor(&app, "department").await;
    let signed = workorder::act(&wednesday, &department, id, &step("sign_for", o.version)).await.unwrap();
    assert_eq!(signed.signed_in_time, Some(0));

    // an extension: asked for, then granted in working days
    let asked = workorder::act(
        &wednesday,
        &department,
        id,
        &workorder::TransitionInput { days: Some(3), note: "需等待物流恢复".into(), ..step("request_extension", signed.version) },
    )
    .await
    .unwrap();
    assert_eq!(asked.extension_days, Some(3));
    let granted =
        workorder::act(&wednesday, &leader, id, &workorder::TransitionInput { approve: Some(true), ..step("decide_extension", asked.version) }).await.unwrap();
    assert_eq!(granted.extension_days, None);
    assert_eq!(granted.resolve_deadline.as_deref(), Some("2020-03-25"), "three working days after Friday 2020-03-20");
    // a limit in a year without a calendar is a clear refusal, not a guess
    let far = workorder::TransitionInput { note: "x".into(), deadline: Some("2031-06-01".into()), ..step("supervise", granted.version) };
    let moved = workorder::act(&wednesday, &leader, id, &far).await.unwrap();
    let asked = workorder::act(
        &wednesday,
        &department,
        id,
        &workorder::TransitionInput { days: Some(1), note: "再延".into(), ..step("request_extension", moved.version) },
    )
    .await
    .unwrap();
    let err = workorder::act(&wednesday, &leader, id, &workorder::TransitionInput { approve: Some(true), ..step("decide_extension", asked.version) })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("2031"), "{err}");
}

/// How many limits an order's notices of `kind` were about (each limit is told once).
async fn limits_told(app: &TestApp, order: i64, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(DISTINCT due_key) FROM notifications WHERE order_id = $1 AND kind = $2")
        .bind(order)
        .bind(kind)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A user of 规划建设局, to act for a second department.
async fn planning_user(app: &TestApp) -> Actor {
    let b = department_id(app, "规划建设局").await;
    let admin = actor(app, "admin").await;
    let user = zonedesk::app::users::create_user(
        &app.db,
        &admin,
        &zonedesk::app::users::UserInput {
            username: "guihua".into(),
            password: "demo1234".into(),
            role: "department".into(),
            scope_id: Some(b),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    auth::actor_of(&user)
}

async fn a_new_limit_clears_the_escalation_and_a_second_overdue_period_escalates_again(app: TestApp) {
    use time::macros::datetime;
    use zonedesk::app::supervision::sweep;
    let xuehui = actor(&app, "xuehui").await;
    let leader = actor(&app, "leader").await;
    let department = actor(&app, "department").await;
    let planning = planning_user(&app).await;
    let (a, b) = (own_department(&app).await, department_id(&app, "规划建设局").await);
    let monday = at(&app.db, datetime!(2020-03-02 09:00 +8));
    let new = workorder::OrderInput { category: "logistics".into(), title: "冷链车辆通行证办理".into(), ..Default::default() };
    let id = workorder::file_order(&monday, &xuehui, &new).await.unwrap().order.id;
    workorder::act(&monday, &leader, id, &workorder::TransitionInput { department_id: Some(a), ..step("assign", 1) }).await.unwrap();
    let read = || async { workorder::get_order(&app.db, &leader, id).await.unwrap().order };
    // a hotline call about the same problem, merged into it: its filer hears of the escalation
    let call = workorder::file_order(
        &monday,
        &leader,
        &workorder::OrderInput { category: "logistics".into(), title: "来电：冷链车进不了园区".into(), ..Default::default() },
    )
    .await
    .unwrap()
    .order
    .id;
    workorder::act(&monday, &leader, call, &workorder::TransitionInput { target_id: Some(id), ..step("merge", 1) }).await.unwrap();

    // not signed for by Tuesday: escalated on Wednesday
    let wednesday = at(&app.db, datetime!(2020-03-04 10:00 +8));
    sweep(&wednesday).await.unwrap();
    let o = read().await;
    assert_eq!(o.escalation.as_deref(), Some("sign"));
    assert_eq!(limits_told(&app, id, "escalated").await, 1);
    let merged = workorder::get_order(&app.db, &leader, call).await.unwrap().order;
    assert_eq!((merged.state.as_str(), merged.escalated_at.as_deref()), ("assigned", None), "the duplicate follows; only the original is escalated");
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE order_id = $1 AND kind = 'escalated' AND user_id = $2")
        .bind(call)
        .bind(leader.user_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(told, 1, "the merged call's filer is told of the escalation");

    // the department passes it on itself: a new holder, a new period
    let moved = workorder::act(
        &wednesday,
        &department,
        id,
        &workorder::TransitionInput { department_id: Some(b), note: "属规划建设局职责".into(), ..step("transfer", o.version) },
    )
    .await
    .unwrap();
    assert_eq!(moved.department_id, Some(b));
    assert_eq!((moved.escalated_at.as_deref(), moved.escalation.as_deref(), moved.signed_at.as_deref()), (None, None, None));
    assert_eq!(moved.sign_deadline.as_deref(), Some("2020-03-05"));
    assert_eq!(moved.resolve_deadline.as_deref(), Some("2020-03-09"));
    assert!(workorder::act(&wednesday, &department, id, &step("sign_for", moved.version)).await.is_err(), "no longer the first department's");
    let signed = workorder::act(&at(&app.db, datetime!(2020-03-05 09:00 +8)), &planning, id, &step("sign_for", moved.version)).await.unwrap();
    assert_eq!(signed.signed_in_time, Some(1), "the new department's sign-for is timed against its own limit");

    // the resolve limit passes: escalated a second time, and told again
    let tuesday = at(&app.db, datetime!(2020-03-10 10:00 +8));
    sweep(&tuesday).await.unwrap();
    let o = read().await;
    assert_eq!(o.escalation.as_deref(), Some("resolve"));
    assert_eq!(limits_told(&app, id, "escalated").await, 2);

    // a supervisor's new deadline ends that escalation
    let supervised = workorder::act(
        &tuesday,
        &leader,
        id,
        &workorder::TransitionInput { note: "限期办结".into(), deadline: Some("2020-03-20".into()), ..step("supervise", o.version) },
    )
    .await
    .unwrap();
    assert_eq!((supervised.escalated_at.as_deref(), supervised.resolve_deadline.as_deref()), (None, Some("2020-03-20")));

    // an extension refused: the limit stays, the request is gone, the department is told
    let asked = workorder::act(
        &tuesday,
        &planning,
        id,
        &workorder::TransitionInput { days: Some(5), note: "需协调交警部门".into(), ..step("request_extension", supervised.version) },
    )
    .await
    .unwrap();
    let refused = workorder::act(
        &tuesday,
        &leader,
        id,
        &workorder::TransitionInput { approve: Some(false), note: "时限已调整，不再延期".into(), ..step("decide_extension", asked.version) },
    )
    .await
    .unwrap();
    assert_eq!((refused.extension_days, refused.extension_reason.as_deref()), (None, None));
    assert_eq!(refused.resolve_deadline.as_deref(), Some("2020-03-20"));
    assert_eq!(refused.state, "in_progress");
    let detail = workorder::get_order(&app.db, &leader, id).await.unwrap();
    assert!(detail.timeline.last().unwrap().note.starts_with("不同意延期"), "{:?}", detail.timeline.last());
    let told = zonedesk::app::notifications::list_notifications(&app.db, &planning, false, &zonedesk::store::PageRequest { page: None, per_page: Some(200) })
        .await
        .unwrap();
    assert!(told.items.iter().any(|n| n.order_id == Some(id) && n.kind == "extension_decided" && n.text.contains("未同意")));

    // passing the supervisor's deadline escalates a third time
    sweep(&at(&app.db, datetime!(2020-03-23 10:00 +8))).await.unwrap();
    assert_eq!(read().await.escalation.as_deref(), Some("resolve"));
    assert_eq!(limits_told(&app, id, "escalated").await, 3);
}

async fn nearing_limits_are_told_the_working_day_before_and_once_per_limit(app: TestApp) {
    use time::macros::datetime;
    use zonedesk::app::supervision::sweep;
    let xuehui = actor(&app, "xuehui").await;
    let leader = actor(&app, "leader").await;
    let department = actor(&app, "department").await;
    let a = own_department(&app).await;
    let friday = at(&app.db, datetime!(2020-03-06 09:00 +8));
    let new = workorder::OrderInput { category: "logistics".into(), title: "原料进口清关缓慢".into(), ..Default::default() };
    let id = workorder::file_order(&friday, &xuehui, &new).await.unwrap().order.id;
    let o = workorder::act(&friday, &leader, id, &workorder::TransitionInput { department_id: Some(a), ..step("assign", 1) }).await.unwrap();
    assert_eq!((o.sign_deadline.as_deref(), o.resolve_deadline.as_deref()), (Some("2020-03-09"), Some("2020-03-11")));

    // Friday is the working day before Monday's sign-for limit
    sweep(&friday).await.unwrap();
    assert_eq!(limits_told(&app, id, "nearing_sign").await, 1);
    assert_eq!(limits_told(&app, id, "nearing_resolve").await, 0, "Wednesday's limit is not near yet");
    sweep(&friday).await.unwrap();
    sweep(&at(&app.db, datetime!(2020-03-07 10:00 +8))).await.unwrap();
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE order_id = $1 AND kind = 'nearing_sign'").bind(id).fetch_one(app.db.pool()).await.unwrap();
    let users = zonedesk::store::workorder::department_users(&mut app.db.pool().acquire().await.unwrap(), a).await.unwrap().len() as i64;
    assert_eq!(count, users, "each of the department's users is told once");

    let monday = at(&app.db, datetime!(2020-03-09 09:00 +8));
    let signed = workorder::act(&monday, &department, id, &step("sign_for", o.version)).await.unwrap();
    sweep(&monday).await.unwrap();
    assert_eq!(limits_told(&app, id, "nearing_resolve").await, 0);
    let tuesday = at(&app.db, datetime!(2020-03-10 09:00 +8));
    sweep(&tuesday).await.unwrap();
    assert_eq!(limits_told(&app, id, "nearing_resolve").await, 1, "told on Tuesday of Wednesday's limit");

    // an extension moves the limit: the new one is told too
    let asked = workorder::act(
        &tuesday,
        &department,
        id,
        &workorder::TransitionInput { days: Some(2), note: "等待海关查验".into(), ..step("request_extension", signed.version) },
    )
    .await
    .unwrap();
    let granted =
        workorder::act(&tuesday, &leader, id, &workorder::TransitionInput { approve: Some(true), ..step("decide_extension", asked.version) }).await.unwrap();
    assert_eq!(granted.resolve_deadline.as_deref(), Some("2020-03-13"));
    sweep(&at(&app.db, datetime!(2020-03-11 09:00 +8))).await.unwrap();
    assert_eq!(limits_told(&app, id, "nearing_resolve").await, 1, "Friday's limit is not near on Wednesday");
    sweep(&at(&app.db, datetime!(2020-03-12 09:00 +8))).await.unwrap();
    sweep(&at(&app.db, datetime!(2020-03-13 09:00 +8))).await.unwrap();
    assert_eq!(limits_told(&app, id, "nearing_resolve").await, 2);
}

async fn the_supervision_list_filters_by_department_and_township_across_pages(app: TestApp) {
    use time::macros::datetime;
    let xuehui = actor(&app, "xuehui").await;
    let leader = actor(&app, "leader").await;
    let a = own_department(&app).await;
    let monday = at(&app.db, datetime!(2020-03-02 09:00 +8));
    for title in ["冷库电力增容", "冷链车辆通行受阻"] {
        let id = workorder::file_order(&monday, &xuehui, &workorder::OrderInput { category: "logistics".into(), title: title.into(), ..Default::default() })
            .await
            .unwrap()
            .order
            .id;
        workorder::act(&monday, &leader, id, &workorder::TransitionInput { department_id: Some(a), ..step("assign", 1) }).await.unwrap();
    }
    zonedesk::app::supervision::sweep(&at(&app.db, datetime!(2020-03-04 10:00 +8))).await.unwrap();
    let token = app.token("leader").await;
    let township = app.get(&format!("/api/v1/enterprises/{}", app.enterprise_id("雪汇食品").await), &token).await.1["township_id"].as_i64().unwrap();
    let (_, all) = app.get("/api/v1/supervision?per_page=200", &token).await;
    let (s, by_department) = app.get(&format!("/api/v1/supervision?department_id={a}&per_page=200"), &token).await;
    assert_eq!(s, StatusCode::OK, "{by_department}");
    let items = by_department["items"].as_array().unwrap();
    assert!(items.len() >= 2 && items.iter().all(|o| o["department_id"] == a), "{by_department}");
    let expected = all["items"].as_array().unwrap().iter().filter(|o| o["department_id"] == a).count() as i64;
    assert_eq!(by_department["total"].as_i64(), Some(expected));
    let (_, by_township) = app.get(&format!("/api/v1/supervision?township_id={township}&department_id={a}"), &token).await;
    assert!(by_township["total"].as_i64().unwrap() >= 2);
    assert!(by_township["items"].as_array().unwrap().iter().all(|o| o["township_id"] == township && o["department_id"] == a));

    // the page keeps the filters on its pager
    let browser = common::browser_client();
    common::page_log_in(&app, &browser, "leader").await;
    let page = browser.get(app.url(&format!("/supervision?department_id={a}&per_page=1"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"supervision-filters\""));
    let next = page
        .split("href=\"")
        .map(|h| h.split('"').next().unwrap_or(""))
        .find(|h| h.starts_with("/supervision?") && h.ends_with("page=2"))
        .expect("a next page");
    assert!(next.contains(&format!("department_id={a}")) && next.contains("per_page=1"), "{next}");
}

/// The fixture lives in November 2020 (2 November is a Monday, no holidays), a
/// month the demo's March history does not touch.
async fn the_three_rates_match_a_hand_count(app: TestApp) {
    use time::macros::datetime;
    let hengfeng = actor(&app, "hengfeng").await;
    let leader = actor(&app, "leader").await;
    let department = actor(&app, "department").await;
    let a = own_department(&app).await;
    let b = department_id(&app, "规划建设局").await;
    // a user of department B, to act for it
    let admin = actor(&app, "admin").await;
    let b_user = zonedesk::app::users::create_user(
        &app.db,
        &admin,
        &zonedesk::app::users::UserInput {
            username: "guihua".into(),
            password: "demo1234".into(),
            role: "department".into(),
            scope_id: Some(b),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let b_actor = auth::actor_of(&b_user);
    let day = |d: u8| {
        at(
            &app.db,
            time::OffsetDateTime::new_in_offset(
                time::Date::from_calendar_date(2020, time::Month::November, d).unwrap(),
                time::macros::time!(9:00),
                time::macros::offset!(+8),
            ),
        )
    };
    let new = |title: &str| workorder::OrderInput { category: "labour".into(), title: title.into(), ..Default::default() };
    let assign = |dep: i64| workorder::TransitionInput { department_id: Some(dep), ..step("assign", 1) };

    // O1: A, signed in time, resolved, 满意
    let o1 = workorder::file_order(&day(2), &hengfeng, &new("一号")).await.unwrap().order.id;
    workorder::act(&day(2), &leader, o1, &assign(a)).await.unwrap();
    workorder::act(&day(2), &department, o1, &step("sign_for", 2)).await.unwrap();
    workorder::act(&day(4), &department, o1, &workorder::TransitionInput { resolution: "办结".into(), ..step("resolve", 3) }).await.unwrap();
    workorder::act(&day(5), &hengfeng, o1, &workorder::TransitionInput { rating: Some("satisfied".into()), ..step("rate", 4) }).await.unwrap();
    // O2: A, signed late, resolved, 不满意 (reopened)
    let o2 = workorder::file_order(&day(2), &hengfeng, &new("二号")).await.unwrap().order.id;
    workorder::act(&day(2), &leader, o2, &assign(a)).await.unwrap();
    workorder::act(&day(4), &department, o2, &step("sign_for", 2)).await.unwrap();
    workorder::act(&day(5), &department, o2, &workorder::TransitionInput { resolution: "办结".into(), ..step("resolve", 3) }).await.unwrap();
    workorder::act(&day(6), &hengfeng, o2, &workorder::TransitionInput { rating: Some("unsatisfied".into()), ..step("rate", 4) }).await.unwrap();
    // O3: A, never signed for
    let o3 = workorder::file_order(&day(2), &hengfeng, &new("三号")).await.unwrap().order.id;
    workorder::act(&day(2), &leader, o3, &assign(a)).await.unwrap();
    // O4: B, in time, resolved, 基本满意
    let o4 = workorder::file_order(&day(3), &hengfeng, &new("四号")).await.unwrap().order.id;
    workorder::act(&day(3), &leader, o4, &assign(b)).await.unwrap();
    workorder::act(&day(3), &b_actor, o4, &step("sign_for", 2)).await.unwrap();
    workorder::act(&day(6), &b_actor, o4, &workorder::TransitionInput { resolution: "办结".into(), ..step("resolve", 3) }).await.unwrap();
    workorder::act(&day(9), &hengfeng, o4, &workorder::TransitionInput { rating: Some("basically_satisfied".into()), ..step("rate", 4) }).await.unwrap();
    // O6: 雪汇食品, B, signed in time, resolved, 满意
    let xuehui = actor(&app, "xuehui").await;
    let o6 = workorder::file_order(&day(3), &xuehui, &new("六号")).await.unwrap().order.id;
    workorder::act(&day(3), &leader, o6, &assign(b)).await.unwrap();
    workorder::act(&day(3), &b_actor, o6, &step("sign_for", 2)).await.unwrap();
    workorder::act(&day(5), &b_actor, o6, &workorder::TransitionInput { resolution: "办结".into(), ..step("resolve", 3) }).await.unwrap();
    workorder::act(&day(6), &xuehui, o6, &workorder::TransitionInput { rating: Some("satisfied".into()), ..step("rate", 4) }).await.unwrap();
    // O5: A, in December: outside the period
    let december = at(&app.db, datetime!(2020-12-01 09:00 +8));
    let o5 = workorder::file_order(&december, &hengfeng, &new("五号")).await.unwrap().order.id;
    workorder::act(&december, &leader, o5, &assign(a)).await.unwrap();

    let token = app.token("leader").await;
    let (s, rates) = app.get("/api/v1/rates?group=department&from=2020-11-01&to=2020-11-30", &token).await;
    assert_eq!(s, StatusCode::OK, "{rates}");
    let line = |id: i64| rates["items"].as_array().unwrap().iter().find(|l| l["id"] == id).cloned().unwrap();
    let la = line(a);
    assert_eq!(la["counts"]["assigned"], 3);
    assert_eq!(la["response_rate"].as_f64().unwrap(), 1.0 / 3.0);
    assert_eq!(la["resolution_rate"].as_f64().unwrap(), 2.0 / 3.0);
    assert_eq!(la["satisfaction_rate"].as_f64().unwrap(), 0.5);
    let lb = line(b);
    assert_eq!((lb["response_rate"].as_f64(), lb["resolution_rate"].as_f64(), lb["satisfaction_rate"].as_f64()), (Some(1.0), Some(1.0), Some(1.0)));
    let (_, zone) = app.get("/api/v1/rates?from=2020-11-01&to=2020-11-30", &token).await;
    let z = &zone["items"][0];
    assert_eq!(z["counts"]["assigned"], 5);
    assert_eq!(z["response_rate"].as_f64().unwrap(), 3.0 / 5.0);
    assert_eq!(z["resolution_rate"].as_f64().unwrap(), 4.0 / 5.0);
    assert_eq!(z["satisfaction_rate"].as_f64().unwrap(), 3.0 / 4.0);

    // by township and by officer: 恒丰电子's four (O1–O4) and 雪汇食品's one (O6)
    let rates_of = |l: &Value| (l["counts"]["assigned"].as_i64(), l["response_rate"].as_f64(), l["resolution_rate"].as_f64(), l["satisfaction_rate"].as_f64());
    let hengfeng_figures = (Some(4), Some(2.0 / 4.0), Some(3.0 / 4.0), Some(2.0 / 3.0));
    let xuehui_figures = (Some(1), Some(1.0), Some(1.0), Some(1.0));
    let zone_figures = rates_of(z);
    let township_of = |name: &'static str| {
        let app = &app;
        let token = token.clone();
        async move { app.get(&format!("/api/v1/enterprises/{}", app.enterprise_id(name).await), &token).await.1["township_id"].as_i64().unwrap() }
    };
    let (t_hengfeng, t_xuehui) = (township_of("恒丰电子").await, township_of("雪汇食品").await);
    let (s, by_township) = app.get("/api/v1/rates?group=township&from=2020-11-01&to=2020-11-30", &token).await;
    assert_eq!(s, StatusCode::OK, "{by_township}");
    let line_of =
        |list: &Value, id: i64| list["items"].as_array().unwrap().iter().find(|l| l["id"] == id).cloned().unwrap_or_else(|| panic!("line {id}: {list}"));
    if t_hengfeng == t_xuehui {
        assert_eq!(rates_of(&line_of(&by_township, t_hengfeng)), zone_figures);
    } else {
        assert_eq!(rates_of(&line_of(&by_township, t_hengfeng)), hengfeng_figures);
        assert_eq!(rates_of(&line_of(&by_township, t_xuehui)), xuehui_figures);
        assert_eq!(by_township["items"].as_array().unwrap().len(), 2, "{by_township}");
    }
    let officer_token = app.token("officer").await;
    let cadre = app.get("/api/v1/me", &officer_token).await.1["cadre_id"].as_i64().unwrap();
    let (s, by_officer) = app.get("/api/v1/rates?group=officer&from=2020-11-01&to=2020-11-30", &token).await;
    assert_eq!(s, StatusCode::OK, "{by_officer}");
    assert_eq!(rates_of(&line_of(&by_officer, cadre)), hengfeng_figures, "恒丰电子's officer");
    for other in by_officer["items"].as_array().unwrap().iter().filter(|l| l["id"] != cadre) {
        assert_eq!(rates_of(other), xuehui_figures, "雪汇食品's officer, if it has one: {by_officer}");
    }

    // the department sees only its own line; the league ranks B above A
    let dept_token = app.token("department").await;
    let (_, own) = app.get("/api/v1/rates?group=department&from=2020-11-01&to=2020-11-30", &dept_token).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    assert_eq!(own["items"][0]["id"], a);
    assert_eq!(app.get("/api/v1/rates?group=zone", &dept_token).await.0, StatusCode::FORBIDDEN);
    let (_, league) = app.get("/api/v1/rates/league?month=2020-11", &token).await;
    assert_eq!(league["items"][0]["id"], b);
    assert_eq!(app.get("/api/v1/rates?group=galaxy", &token).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // the page says why the response rate's denominator leaves out open sign-for windows
    let browser = common::browser_client();
    common::page_log_in(&app, &browser, "leader").await;
    let page = browser.get(app.url("/rates?from=2020-11-01&to=2020-11-30")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"rates-why\"") && page.contains("既不算按时也不算超时"), "{page}");
    assert_eq!(app.get("/api/v1/rates?from=2020-03-31&to=2020-03-01", &token).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn an_officers_visit_files_its_demands(app: TestApp) {
    let officer = app.token("officer").await;
    let hengfeng = app.enterprise_id("恒丰电子").await;
    let xuehui = app.enterprise_id("雪汇食品").await;
    let today = zonedesk::app::clock::date_text(zonedesk::app::clock::local_date(time::OffsetDateTime::now_utc()));
    let body = json!({"enterprise_id": hengfeng, "visited_on": today, "findings": "企业已复工，海外推介宣传片效果不佳",
        "demands": [{"category": "policy", "title": "协助制作海外推介宣传片"}, {"category": "finance", "title": "申请出口信用保险补贴"}]});
    let (s, v) = app.call(Method::POST, "/api/v1/visits", Some(&officer), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["visit"]["demands"], 2);
    let orders = v["orders"].as_array().unwrap();
    assert!(orders.iter().all(|o| o["order"]["source"] == "officer_visit" && o["order"]["source_ref"] == v["visit"]["id"]));
    // not its enterprise: refused, nothing written
    let before = (app.count("visits").await, app.count("work_orders").await);
    let body = json!({"enterprise_id": xuehui, "visited_on": today, "findings": "x", "demands": [{"category": "other", "title": "y"}]});
    assert_eq!(app.call(Method::POST, "/api/v1/visits", Some(&officer), Some(body)).await.0, StatusCode::FORBIDDEN);
    // one bad demand: the whole visit is refused
    let body = json!({"enterprise_id": hengfeng, "visited_on": today, "findings": "x", "demands": [{"category": "other", "title": "好"}, {"category": "nope", "title": "坏"}]});
    assert_eq!(app.call(Method::POST, "/api/v1/visits", Some(&officer), Some(body)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((app.count("visits").await, app.count("work_orders").await), before);
    // the officer's desk shows its enterprise and the open orders
    let (s, desk) = app.get("/api/v1/officers/me", &officer).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(desk["enterprises"][0]["enterprise_name"], "恒丰电子");
    assert!(desk["open_orders"].as_array().unwrap().len() >= 2);
    // the open orders come a page at a time, with the total
    let total = desk["open_total"].as_i64().unwrap();
    let (_, first) = app.get("/api/v1/officers/me?per_page=1", &officer).await;
    let (_, second) = app.get("/api/v1/officers/me?per_page=1&page=2", &officer).await;
    assert_eq!((first["open_total"].as_i64(), first["open_orders"].as_array().unwrap().len()), (Some(total), 1));
    assert_ne!(first["open_orders"][0]["id"], second["open_orders"][0]["id"]);
    let browser = common::browser_client();
    common::page_log_in(&app, &browser, "officer").await;
    let page = browser.get(app.url("/officers/me?per_page=1")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("class=\"pager\"") && page.contains("rel=\"next\""), "the desk has a pager");
}

async fn coverage_names_the_enterprises_without_an_officer(app: TestApp) {
    let leader = app.token("leader").await;
    let (s, all) = app.get("/api/v1/officers/coverage?per_page=100", &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(all["in_scope"], 60);
    assert_eq!(all["covered"], 47);
    assert_eq!(all["uncovered"]["total"], 13);
    let (_, foreign) = app.get("/api/v1/officers/coverage?kind=foreign_trade", &leader).await;
    assert_eq!((foreign["in_scope"].as_i64(), foreign["covered"].as_i64()), (Some(16), Some(16)));
    let (_, officers) = app.get("/api/v1/officers?per_page=100", &leader).await;
    assert_eq!(officers["total"], 47);
    assert!(officers["items"].as_array().unwrap().iter().all(|o| o["enterprises"].as_array().unwrap().len() == 1));
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get("/api/v1/officers/coverage", &hengfeng).await.0, StatusCode::FORBIDDEN);
    // ending an assignment keeps the history and frees the enterprise
    let assignment = officers["items"][0]["enterprises"][0]["id"].as_i64().unwrap();
    let (s, _) = app.call(Method::POST, &format!("/api/v1/officer-assignments/{assignment}/end"), Some(&leader), Some(json!({"ended_on": "2020-06-30"}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, after) = app.get("/api/v1/officers/coverage", &leader).await;
    assert_eq!(after["covered"], 46);
    assert_eq!(app.count("officer_assignments").await, 47);
}

async fn categories_are_data_an_admin_can_change(app: TestApp) {
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    let (_, cats) = app.get("/api/v1/work-order-categories", &leader).await;
    let names: Vec<&str> = cats["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    for n in ["手续审批", "交通物流", "用工", "原材料", "资金融资", "防疫物资", "政策咨询", "其他"] {
        assert!(names.contains(&n), "{n}");
    }
    let labour = cats["items"].as_array().unwrap().iter().find(|c| c["code"] == "labour").unwrap()["id"].as_i64().unwrap();
    let (s, c) =
        app.call(Method::PUT, &format!("/api/v1/work-order-categories/{labour}"), Some(&admin), Some(json!({"sign_days": 2, "resolve_days": 7}))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["resolve_days"], 7);
    assert_eq!(
        app.call(Method::PUT, &format!("/api/v1/work-order-categories/{labour}"), Some(&leader), Some(json!({"sign_days": 1, "resolve_days": 1}))).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(Method::PUT, &format!("/api/v1/work-order-categories/{labour}"), Some(&admin), Some(json!({"sign_days": 99, "resolve_days": 0}))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, t) = app.get(&format!("/api/v1/response-templates?category_id={labour}&state=resolved"), &leader).await;
    assert!(t["items"][0]["text"].as_str().unwrap().contains("招聘"), "the category's own template first");
}

on_both_databases!(
    an_order_goes_from_demand_to_satisfied_rating,
    a_wrong_department_returns_and_an_unsatisfied_rating_reopens,
    a_stale_version_is_refused_and_concurrent_actions_do_not_both_win,
    orders_are_seen_and_acted_on_only_by_those_they_concern,
    bad_order_input_is_refused_field_by_field,
    duplicates_are_detected_and_merged_into_the_original,
    staff_close_an_order_only_through_a_recorded_return_visit,
    the_order_page_offers_possible_duplicates_with_a_confirmed_merge,
    a_merged_duplicate_follows_its_original_and_its_requesters_hear_everything,
    a_new_limit_clears_the_escalation_and_a_second_overdue_period_escalates_again,
    nearing_limits_are_told_the_working_day_before_and_once_per_limit,
    the_supervision_list_filters_by_department_and_township_across_pages,
    overdue_orders_are_escalated_and_supervised,
    the_three_rates_match_a_hand_count,
    an_officers_visit_files_its_demands,
    coverage_names_the_enterprises_without_an_officer,
    categories_are_data_an_admin_can_change,
);
