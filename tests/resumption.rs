//! Work resumption through HTTP on both databases: status reports and their
//! figures, the green list, commitments and spot checks.

mod common;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A commerce or service business of the demo without a commitment yet, and a user for it.
async fn shop_with_user(app: &TestApp) -> (i64, String) {
    let admin = app.token("admin").await;
    let (_, list) = app.get("/api/v1/enterprises?kind=commerce_service&per_page=100", &admin).await;
    let (_, commitments) = app.get("/api/v1/commitments?per_page=200", &admin).await;
    let committed: Vec<i64> = commitments["items"].as_array().unwrap().iter().map(|c| c["enterprise_id"].as_i64().unwrap()).collect();
    let shop =
        list["items"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).find(|id| !committed.contains(id)).expect("a shop without a commitment");
    let name = format!("shop{shop}");
    let body = json!({"username": name, "password": "demo", "role": "enterprise", "scope_id": shop});
    let (s, u) = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    (shop, app.token(&name).await)
}

async fn an_enterprise_reports_its_status_and_the_figures_follow(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let own = app.enterprise_id("恒丰电子").await;
    let report = json!({"status": "resumed", "workers_back": 180, "workers_total": 260, "capacity_pct": 70, "note": "订单恢复"});
    let (s, r) = app.call(Method::POST, "/api/v1/status-reports", Some(&hengfeng), Some(report)).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["enterprise_id"], own);
    // the same day again replaces the first, and the audit log keeps both
    let again = json!({"status": "full_production", "workers_back": 255, "workers_total": 260, "capacity_pct": 95});
    let (s, r2) = app.call(Method::POST, "/api/v1/status-reports", Some(&hengfeng), Some(again)).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(r2["report_date"], r["report_date"]);
    let (_, mine) = app.get(&format!("/api/v1/status-reports?from={0}&to={0}", r["report_date"].as_str().unwrap()), &hengfeng).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["status"], "full_production");

    let leader = app.token("leader").await;
    let today = r["report_date"].as_str().unwrap();
    let (s, series) = app.get(&format!("/api/v1/resumption/series?from={today}&to={today}"), &leader).await;
    assert_eq!(s, StatusCode::OK, "{series}");
    let day = &series["days"][0];
    assert!(day["resumed"].as_i64().unwrap() >= 1);
    assert!(day["workers_back"].as_i64().unwrap() >= 255);
    assert!(series["rule"].as_str().unwrap().contains("沿用"));
    // missing reports name the enterprises that did not report today
    let (_, missing) = app.get("/api/v1/status-reports/missing?per_page=200", &leader).await;
    assert!(missing["items"].as_array().unwrap().iter().all(|m| m["enterprise_id"] != own));
}

async fn impossible_reports_are_refused_and_nothing_is_stored(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let before = app.count("status_reports").await;
    for (body, field) in [
        (json!({"status": "resumed", "workers_back": 300, "workers_total": 260, "capacity_pct": 50}), "workers_back"),
        (json!({"status": "resumed", "workers_back": 10, "workers_total": 260, "capacity_pct": 120}), "capacity_pct"),
        (json!({"status": "not_resumed", "workers_back": 0, "workers_total": 260, "capacity_pct": 40}), "capacity_pct"),
        (json!({"status": "open", "workers_back": 0, "workers_total": 260, "capacity_pct": 0}), "status"),
        (json!({"status": "resumed", "workers_back": 1, "workers_total": 2, "capacity_pct": 1, "report_date": "2099-01-01"}), "report_date"),
    ] {
        let (s, b) = app.call(Method::POST, "/api/v1/status-reports", Some(&hengfeng), Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["field"], field, "{b}");
    }
    assert_eq!(app.count("status_reports").await, before);
}

async fn an_enterprise_sees_only_its_own_reports(app: TestApp) {
    let xuehui = app.token("xuehui").await;
    let hengfeng = app.enterprise_id("恒丰电子").await;
    let (s, list) = app.get("/api/v1/status-reports?per_page=200", &xuehui).await;
    assert_eq!(s, StatusCode::OK);
    let xid = app.enterprise_id("雪汇食品").await;
    assert!(list["items"].as_array().unwrap().iter().all(|r| r["enterprise_id"] == xid));
    assert_eq!(app.get(&format!("/api/v1/status-reports?enterprise_id={hengfeng}"), &xuehui).await.0, StatusCode::FORBIDDEN);
    let body = json!({"enterprise_id": hengfeng, "status": "resumed", "workers_back": 1, "workers_total": 2, "capacity_pct": 10});
    let (s, r) = app.call(Method::POST, "/api/v1/status-reports", Some(&xuehui), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "an enterprise's own is used regardless of what it names");
    assert_eq!(r["enterprise_id"], xid);
    let volunteer = app.token("volunteer").await;
    assert_eq!(app.get("/api/v1/status-reports", &volunteer).await.0, StatusCode::FORBIDDEN);
}

async fn green_list_orders_get_priority_and_tighter_limits(app: TestApp) {
    let leader = app.token("leader").await;
    let (_, foreign) = app.get("/api/v1/enterprises?kind=foreign_trade&per_page=100", &leader).await;
    let (_, listed) = app.get("/api/v1/green-list?per_page=200", &leader).await;
    let on_list: Vec<i64> = listed["items"].as_array().unwrap().iter().map(|g| g["entry"]["enterprise_id"].as_i64().unwrap()).collect();
    let target = foreign["items"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).find(|id| !on_list.contains(id));
    let target = match target {
        Some(t) => t,
        None => {
            // every foreign-trade enterprise is listed: take one off and put it back
            let t = on_list[0];
            let (s, _) = app.call(Method::POST, &format!("/api/v1/green-list/{t}/remove"), Some(&leader), Some(json!({"reason": "测试"}))).await;
            assert_eq!(s, StatusCode::NO_CONTENT);
            t
        }
    };
    let (s, g) =
        app.call(Method::POST, "/api/v1/green-list", Some(&leader), Some(json!({"enterprise_id": target, "reason": "出口订单恢复，列入绿名单"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    let (s, _) = app.call(Method::POST, "/api/v1/green-list", Some(&leader), Some(json!({"enterprise_id": target, "reason": "again"}))).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // a shop is not export-oriented
    let (_, shops) = app.get("/api/v1/enterprises?kind=commerce_service&per_page=1", &leader).await;
    let (s, b) = app.call(Method::POST, "/api/v1/green-list", Some(&leader), Some(json!({"enterprise_id": shops["items"][0]["id"], "reason": "x"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // a service team with a lead
    let (_, cadres) = app.get("/api/v1/cadres?per_page=3", &leader).await;
    let ids: Vec<i64> = cadres["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    let (s, team) = app.call(Method::PUT, &format!("/api/v1/green-list/{target}/team"), Some(&leader), Some(json!({"members": ids, "lead": ids[1]}))).await;
    assert_eq!(s, StatusCode::OK, "{team}");
    assert_eq!(team.as_array().unwrap().iter().filter(|m| m["is_lead"] == 1).count(), 1);
    let (s, _) = app.call(Method::PUT, &format!("/api/v1/green-list/{target}/team"), Some(&leader), Some(json!({"members": [ids[0]], "lead": ids[2]}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // its orders start with priority and half the resolve limit
    let body = json!({"category": "finance", "title": "出口信用保险补贴申请", "enterprise_id": target, "source": "hotline"});
    let (s, filed) = app.call(Method::POST, "/api/v1/work-orders", Some(&leader), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    assert_eq!(filed["order"]["priority"], "high");
    let dept = app.token("department").await;
    let dept_id = app.get("/api/v1/me", &dept).await.1["department_id"].clone();
    let id = filed["order"]["id"].as_i64().unwrap();
    let (_, o) = app
        .call(
            Method::POST,
            &format!("/api/v1/work-orders/{id}/transitions"),
            Some(&leader),
            Some(json!({"action": "assign", "version": 1, "department_id": dept_id})),
        )
        .await;
    let calendar = zonedesk::domain::WorkCalendar::shipped();
    let today = zonedesk::app::clock::local_date(time::OffsetDateTime::now_utc());
    let deadline = zonedesk::app::clock::parse_date(o["resolve_deadline"].as_str().unwrap()).unwrap();
    assert_eq!(calendar.working_days_between(today, deadline).unwrap(), 5, "finance is 10 working days; the green list halves it");

    let (_, view) = app.get("/api/v1/green-list", &leader).await;
    let row = view["items"].as_array().unwrap().iter().find(|g| g["entry"]["enterprise_id"] == target).unwrap().clone();
    assert!(row["open_orders"].as_i64().unwrap() >= 1);
    // removal keeps the history
    let (s, _) = app.call(Method::POST, &format!("/api/v1/green-list/{target}/remove"), Some(&leader), Some(json!({"reason": "企业转型"}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, history) = app.get("/api/v1/green-list?history=true&per_page=200", &leader).await;
    assert!(history["items"].as_array().unwrap().iter().any(|g| g["entry"]["enterprise_id"] == target && g["entry"]["removed_on"].is_string()));
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get("/api/v1/green-list", &hengfeng).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.call(Method::POST, "/api/v1/green-list", Some(&hengfeng), Some(json!({"enterprise_id": target, "reason": "x"}))).await.0,
        StatusCode::FORBIDDEN
    );
}

async fn a_complete_commitment_reopens_the_business_at_once(app: TestApp) {
    let (shop, token) = shop_with_user(&app).await;
    let (_, checklist) = app.get("/api/v1/commitment-checklist", &token).await;
    let codes: Vec<Value> = checklist["items"].as_array().unwrap().iter().map(|i| i["code"].clone()).collect();
    assert!(codes.len() >= 4);
    // one item unticked: refused, naming it, nothing stored
    let before = app.count("commitments").await;
    let partial: Vec<Value> = codes[1..].to_vec();
    let (s, b) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "王店长", "items": partial}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["field"], "items");
    assert!(b["error"]["message"].as_str().unwrap().contains(checklist["items"][0]["text"].as_str().unwrap()));
    assert_eq!(app.count("commitments").await, before);

    let (s, c) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "王店长", "items": codes}))).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["state"], "active");
    assert_eq!(c["enterprise_id"], shop);
    let (_, reports) = app.get("/api/v1/status-reports", &token).await;
    assert_eq!(reports["items"][0]["status"], "resumed", "reopened at once");
    let (s, _) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "王店长", "items": codes}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "one commitment in force at a time");
    // an industrial enterprise does not reopen by commitment
    let hengfeng = app.token("hengfeng").await;
    let (s, b) = app.call(Method::POST, "/api/v1/commitments", Some(&hengfeng), Some(json!({"signer": "路总", "items": codes}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // another business cannot see it
    let (_, others) = app.get("/api/v1/commitments", &hengfeng).await;
    assert!(others["items"].as_array().unwrap().iter().all(|c| c["enterprise_id"] != shop));
}

async fn spot_checks_are_drawn_reproducibly_and_a_failure_files_an_order(app: TestApp) {
    let (_, token) = shop_with_user(&app).await;
    let (_, checklist) = app.get("/api/v1/commitment-checklist", &token).await;
    let codes: Vec<Value> = checklist["items"].as_array().unwrap().iter().map(|i| i["code"].clone()).collect();
    let (s, c) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "李经理", "items": codes}))).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let leader = app.token("leader").await;
    assert_eq!(app.call(Method::POST, "/api/v1/spot-check-draws", Some(&leader), Some(json!({"share_pct": 0}))).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, d) = app.call(Method::POST, "/api/v1/spot-check-draws", Some(&leader), Some(json!({"share_pct": 100, "seed": 20200319}))).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["seed"], "20200319");
    let picked: Vec<i64> = d["commitment_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(picked.contains(&c["id"].as_i64().unwrap()), "100% draws everyone not yet drawn");
    // the same seed over the same population draws the same: verified in the domain's tests;
    // here, a second draw has nobody left
    let (_, again) = app.call(Method::POST, "/api/v1/spot-check-draws", Some(&leader), Some(json!({"share_pct": 100, "seed": 20200319}))).await;
    assert_eq!(again["commitment_ids"], json!([]));

    let (_, checks) = app.get(&format!("/api/v1/spot-checks?draw_id={}&per_page=200", d["draw_id"]), &leader).await;
    let check = checks["items"].as_array().unwrap().iter().find(|k| k["commitment_id"] == c["id"]).unwrap().clone();
    let path = format!("/api/v1/spot-checks/{}/result", check["id"]);
    let (s, b) = app.call(Method::POST, &path, Some(&leader), Some(json!({"passed": false, "inspector": "督查组"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a failure names what was found: {b}");
    let orders_before = app.count("work_orders").await;
    let (s, r) = app
        .call(Method::POST, &path, Some(&leader), Some(json!({"passed": false, "inspector": "督查组", "note": "未见消毒记录，员工未戴口罩", "suspend": true})))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["state"], "failed");
    assert_eq!(app.count("work_orders").await, orders_before + 1);
    let (_, order) = app.get(&format!("/api/v1/work-orders/{}", r["work_order_id"]), &leader).await;
    assert_eq!(order["order"]["source"], "inspection");
    let (_, mine) = app.get("/api/v1/commitments", &token).await;
    assert_eq!(mine["items"][0]["state"], "suspended");
    let (_, reports) = app.get("/api/v1/status-reports", &token).await;
    assert_eq!(reports["items"][0]["status"], "not_resumed", "suspended: closed again for rectification");
    assert_eq!(app.call(Method::POST, &path, Some(&leader), Some(json!({"passed": true, "inspector": "x"}))).await.0, StatusCode::CONFLICT);
}

async fn an_administrator_configures_the_commitment_checklist(app: TestApp) {
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    let before = app.count("checklist_items").await;
    // bad input: refused, naming the field, nothing stored
    let (s, b) = app.call(Method::POST, "/api/v1/commitment-checklist", Some(&admin), Some(json!({"text": "  "}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["field"], "text");
    assert_eq!(app.count("checklist_items").await, before);
    let (s, _) = app.call(Method::POST, "/api/v1/commitment-checklist", Some(&leader), Some(json!({"text": "错峰营业"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "reference data is the administrator's");
    let (s, added) = app.call(Method::POST, "/api/v1/commitment-checklist", Some(&admin), Some(json!({"text": "设置一米线，错峰营业", "sort": 7}))).await;
    assert_eq!(s, StatusCode::CREATED, "{added}");
    assert_eq!(added["active"], 1);

    // a new item is asked for at once
    let (shop, token) = shop_with_user(&app).await;
    let (_, checklist) = app.get("/api/v1/commitment-checklist", &token).await;
    let codes: Vec<Value> = checklist["items"].as_array().unwrap().iter().map(|i| i["code"].clone()).collect();
    assert!(codes.contains(&added["code"]));
    let without: Vec<Value> = codes.iter().filter(|c| **c != added["code"]).cloned().collect();
    let (s, b) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "赵店长", "items": without}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("设置一米线"));
    let (s, c) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "赵店长", "items": codes}))).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");

    // edited, then deactivated: no longer asked for, but the past commitment keeps what it ticked
    let path = format!("/api/v1/commitment-checklist/{}", added["id"]);
    let (s, b) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"text": ""}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, edited) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"text": "店内设置一米线", "sort": 7}))).await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(edited["text"], "店内设置一米线");
    let (s, off) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"text": "店内设置一米线", "sort": 7, "active": false}))).await;
    assert_eq!(s, StatusCode::OK, "{off}");
    assert_eq!(off["active"], 0);
    let (_, asked) = app.get("/api/v1/commitment-checklist", &token).await;
    assert!(asked["items"].as_array().unwrap().iter().all(|i| i["code"] != added["code"]));
    let (_, all) = app.get("/api/v1/commitment-checklist?all=true", &admin).await;
    assert!(all["items"].as_array().unwrap().iter().any(|i| i["code"] == added["code"] && i["active"] == 0));
    assert_eq!(app.get("/api/v1/commitment-checklist?all=true", &token).await.0, StatusCode::FORBIDDEN);
    let (s, detail) = app.get(&format!("/api/v1/commitments/{}", c["id"]), &token).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["commitment"]["enterprise_id"], shop);
    let kept = detail["items"].as_array().unwrap().iter().find(|i| i["code"] == added["code"]).expect("the deactivated item it ticked");
    assert_eq!(kept["ticked"], true);
}

/// Files an order for an enterprise and assigns it to the demo department; the assigned order.
async fn filed_and_assigned(app: &TestApp, enterprise: i64, category: &str, priority: Option<&str>) -> Value {
    let leader = app.token("leader").await;
    let mut body = json!({"category": category, "title": "测试时限", "enterprise_id": enterprise, "source": "hotline"});
    if let Some(p) = priority {
        body["priority"] = json!(p);
    }
    let (s, filed) = app.call(Method::POST, "/api/v1/work-orders", Some(&leader), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    let dept = app.token("department").await;
    let dept_id = app.get("/api/v1/me", &dept).await.1["department_id"].clone();
    let id = filed["order"]["id"].as_i64().unwrap();
    let transition = json!({"action": "assign", "version": filed["order"]["version"], "department_id": dept_id});
    let (s, o) = app.call(Method::POST, &format!("/api/v1/work-orders/{id}/transitions"), Some(&leader), Some(transition)).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    o
}

fn working_days_to(o: &Value, field: &str) -> i64 {
    let calendar = zonedesk::domain::WorkCalendar::shipped();
    let today = zonedesk::app::clock::local_date(time::OffsetDateTime::now_utc());
    let deadline = zonedesk::app::clock::parse_date(o[field].as_str().unwrap()).unwrap();
    calendar.working_days_between(today, deadline).unwrap()
}

async fn changing_the_green_list_limits_changes_a_new_orders_deadlines(app: TestApp) {
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    let (s, limits) = app.get("/api/v1/green-list-limits", &leader).await;
    assert_eq!(s, StatusCode::OK, "{limits}");
    assert_eq!(limits, json!({"sign_percent": 100, "resolve_percent": 50}));
    let (_, listed) = app.get("/api/v1/green-list?per_page=1", &leader).await;
    let green = listed["items"][0]["entry"]["enterprise_id"].as_i64().expect("the demo's green list");
    let o = filed_and_assigned(&app, green, "finance", None).await;
    assert_eq!(working_days_to(&o, "resolve_deadline"), 5, "finance: 10 working days, half on the green list");
    assert_eq!(working_days_to(&o, "sign_deadline"), 1);

    // bad input and the wrong role change nothing
    let (s, b) = app.call(Method::PUT, "/api/v1/green-list-limits", Some(&admin), Some(json!({"sign_percent": 50, "resolve_percent": 120}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["field"], "resolve_percent");
    let (s, _) = app.call(Method::PUT, "/api/v1/green-list-limits", Some(&leader), Some(json!({"sign_percent": 50, "resolve_percent": 30}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/green-list-limits", &admin).await.1, limits);

    let (s, set) = app.call(Method::PUT, "/api/v1/green-list-limits", Some(&admin), Some(json!({"sign_percent": 50, "resolve_percent": 30}))).await;
    assert_eq!(s, StatusCode::OK, "{set}");
    let o = filed_and_assigned(&app, green, "finance", None).await;
    assert_eq!(working_days_to(&o, "resolve_deadline"), 3, "30% of 10 working days");
    assert_eq!(working_days_to(&o, "sign_deadline"), 0, "half a day: signed for the same working day");
    // an urgent order of an enterprise not on the list keeps its category's limits
    let (_, shops) = app.get("/api/v1/enterprises?kind=commerce_service&per_page=1", &leader).await;
    let o = filed_and_assigned(&app, shops["items"][0]["id"].as_i64().unwrap(), "finance", Some("urgent")).await;
    assert_eq!(o["priority"], "urgent");
    assert_eq!(working_days_to(&o, "resolve_deadline"), 10, "priority alone does not tighten the limit; the green list does");
    assert_eq!(working_days_to(&o, "sign_deadline"), 1);
}

async fn listing_an_enterprise_raises_its_open_orders(app: TestApp) {
    // the demo lists its foreign-trade enterprises before their orders: none is of normal priority
    let normal: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM work_orders o JOIN green_list g ON g.enterprise_id = o.enterprise_id AND g.removed_on IS NULL WHERE o.priority = 'normal'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(normal, 0, "demo orders of green-list enterprises are high priority");

    let leader = app.token("leader").await;
    let (_, industrial) = app.get("/api/v1/enterprises?kind=industrial&per_page=100", &leader).await;
    let (_, listed) = app.get("/api/v1/green-list?per_page=200", &leader).await;
    let on_list: Vec<i64> = listed["items"].as_array().unwrap().iter().map(|g| g["entry"]["enterprise_id"].as_i64().unwrap()).collect();
    let target = industrial["items"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).find(|id| !on_list.contains(id)).unwrap();
    let body = json!({"category": "labour", "title": "招工难", "enterprise_id": target, "source": "hotline"});
    let (s, filed) = app.call(Method::POST, "/api/v1/work-orders", Some(&leader), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    assert_eq!(filed["order"]["priority"], "normal");
    let id = filed["order"]["id"].as_i64().unwrap();
    let (s, g) = app.call(Method::POST, "/api/v1/green-list", Some(&leader), Some(json!({"enterprise_id": target, "reason": "出口订单恢复"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    let (_, raised) = app.get(&format!("/api/v1/work-orders/{id}"), &leader).await;
    assert_eq!(raised["order"]["priority"], "high", "{raised}");
    assert_eq!(raised["order"]["version"], filed["order"]["version"].as_i64().unwrap() + 1, "a new version: a stale edit is refused");
    let timeline = raised.to_string();
    assert!(timeline.contains("列入绿名单"), "the timeline says why: {timeline}");
}

async fn a_commitment_shows_its_timeline_to_its_own_business_only(app: TestApp) {
    let (shop, token) = shop_with_user(&app).await;
    let (_, earlier) = app.get("/api/v1/status-reports?per_page=1", &token).await;
    let last = earlier["items"][0].clone();
    let (_, checklist) = app.get("/api/v1/commitment-checklist", &token).await;
    let codes: Vec<Value> = checklist["items"].as_array().unwrap().iter().map(|i| i["code"].clone()).collect();
    let (s, c) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "孙经理", "items": codes}))).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    // reopened with the figures it last reported, not invented ones
    let (_, reports) = app.get("/api/v1/status-reports?per_page=1", &token).await;
    let reopened = &reports["items"][0];
    assert_eq!(reopened["status"], "resumed");
    if last.is_object() {
        assert_eq!((&reopened["workers_back"], &reopened["workers_total"]), (&last["workers_back"], &last["workers_total"]));
    }
    let path = format!("/api/v1/commitments/{}", c["id"]);
    let (s, d) = app.get(&path, &token).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["timeline"].as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect::<Vec<_>>(), ["submitted"]);
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get(&path, &hengfeng).await.0, StatusCode::FORBIDDEN, "another business");
    assert_eq!(app.get("/api/v1/commitments/999999", &token).await.0, StatusCode::NOT_FOUND);

    let leader = app.token("leader").await;
    let (_, draw) = app.call(Method::POST, "/api/v1/spot-check-draws", Some(&leader), Some(json!({"share_pct": 100, "seed": 7}))).await;
    let (_, checks) = app.get(&format!("/api/v1/spot-checks?draw_id={}&per_page=200", draw["draw_id"]), &leader).await;
    let check = checks["items"].as_array().unwrap().iter().find(|k| k["commitment_id"] == c["id"]).unwrap().clone();
    let result = json!({"passed": false, "inspector": "督查组", "note": "未落实一米线", "suspend": true, "category": "sanitation"});
    let (s, r) = app.call(Method::POST, &format!("/api/v1/spot-checks/{}/result", check["id"]), Some(&leader), Some(result)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, order) = app.get(&format!("/api/v1/work-orders/{}", r["work_order_id"]), &leader).await;
    assert_eq!(order["order"]["category_code"].as_str().or(order["order"]["category"].as_str()), Some("sanitation"), "{order}");
    assert!(order["order"]["source_ref"].is_null(), "a spot check is not an inspection finding");
    assert!(order["order"]["description"].as_str().unwrap().contains(&format!("抽查#{}", check["id"])));
    // closed again, but the business still has its workers
    let (_, reports) = app.get("/api/v1/status-reports?per_page=1", &token).await;
    assert_eq!(reports["items"][0]["status"], "not_resumed");
    assert_eq!(reports["items"][0]["workers_total"], reopened["workers_total"]);

    let (_, d) = app.get(&path, &token).await;
    let kinds: Vec<&str> = d["timeline"].as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["submitted", "drawn", "checked", "suspended"], "{d}");
    let drawn = &d["timeline"][1];
    assert_eq!((&drawn["draw_id"], drawn["seed"].as_str()), (&draw["draw_id"], Some("7")));
    let checked = &d["timeline"][2];
    assert_eq!((&checked["passed"], &checked["work_order_id"]), (&json!(false), &r["work_order_id"]));
    assert_eq!(d["commitment"]["enterprise_id"], shop);
    // rectified, the business reopens on a new commitment: the old one's timeline says so
    let (s, again) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "孙经理", "items": codes}))).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    let (_, d) = app.get(&path, &token).await;
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["kind"].as_str(), &last["commitment_id"]), (Some("restored"), &again["id"]), "{d}");
}

async fn a_draw_is_reproduced_from_its_recorded_seed_and_population(app: TestApp) {
    for _ in 0..3 {
        let (_, token) = shop_with_user(&app).await;
        let (_, checklist) = app.get("/api/v1/commitment-checklist", &token).await;
        let codes: Vec<Value> = checklist["items"].as_array().unwrap().iter().map(|i| i["code"].clone()).collect();
        let (s, c) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "周店长", "items": codes}))).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
    }
    let leader = app.token("leader").await;
    let (s, d) = app.call(Method::POST, "/api/v1/spot-check-draws", Some(&leader), Some(json!({"share_pct": 40}))).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (s, draw) = app.get(&format!("/api/v1/spot-check-draws/{}", d["draw_id"]), &leader).await;
    assert_eq!(s, StatusCode::OK, "{draw}");
    assert_eq!(draw["draw"]["seed"], d["seed"]);
    assert_eq!(draw["draw"]["share_pct"], 40);
    let population: Vec<i64> = draw["population_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(population.len() as i64, draw["draw"]["population"].as_i64().unwrap());
    assert!(population.len() >= 3);
    let drawn: Vec<i64> = draw["drawn"].as_array().unwrap().iter().map(|k| k["commitment_id"].as_i64().unwrap()).collect();
    let seed: u64 = draw["draw"]["seed"].as_str().unwrap().parse().unwrap();
    assert_eq!(zonedesk::domain::resumption::draw(&population, 40, seed), drawn, "anyone can repeat the draw from what it recorded");
    assert_eq!(drawn, d["commitment_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect::<Vec<_>>());

    let (_, list) = app.get("/api/v1/spot-check-draws", &leader).await;
    assert_eq!(list["items"][0]["id"], d["draw_id"], "newest first");
    let township = app.token("township").await;
    assert_eq!(app.get("/api/v1/spot-check-draws", &township).await.0, StatusCode::OK);
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get("/api/v1/spot-check-draws", &hengfeng).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/spot-check-draws/{}", d["draw_id"]), &hengfeng).await.0, StatusCode::FORBIDDEN);
}

/// A signed-in browser and the CSRF token of a page it reads.
async fn browser(app: &TestApp, user: &str, page: &str) -> (reqwest::Client, String) {
    let client = browser_client();
    page_log_in(app, &client, user).await;
    let html = client.get(app.url(page)).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_value(&html, "_csrf").unwrap_or_else(|| panic!("a form on {page}: {html}"));
    (client, csrf)
}

async fn post_form(app: &TestApp, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = client.post(app.url(path)).form(form).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

/// The message shown beside a field: the `field-error` after the field's `id`.
fn beside(html: &str, field: &str) -> String {
    let at = html.find(&format!("id=\"{field}\"")).unwrap_or_else(|| panic!("no field {field}"));
    let rest = &html[at..];
    let end = rest.find("</div>").unwrap_or(rest.len());
    let cell = &rest[..end];
    let Some(e) = cell.find("class=\"field-error\">") else { return String::new() };
    let text = &cell[e + 20..];
    text[..text.find('<').unwrap_or(text.len())].to_string()
}

async fn the_resumption_forms_show_errors_beside_their_fields_and_store_nothing(app: TestApp) {
    let (client, csrf) = browser(&app, "hengfeng", "/status-reports").await;
    let reports = app.count("status_reports").await;
    let form = [("_csrf", csrf.as_str()), ("status", "resumed"), ("workers_back", "300"), ("workers_total", "260"), ("capacity_pct", "50"), ("note", "")];
    let (s, html) = post_form(&app, &client, "/status-reports", &form).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(beside(&html, "workers_back").contains("不能超过职工总数"), "{}", beside(&html, "workers_back"));
    assert_eq!(beside(&html, "capacity_pct"), "");
    assert!(html.contains("value=\"300\""), "the form keeps what was typed");
    assert_eq!(app.count("status_reports").await, reports);

    let (client, csrf) = browser(&app, "leader", "/green-list").await;
    let listed = app.count("green_list").await;
    let (_, industrial) = app.get("/api/v1/enterprises?kind=industrial&per_page=1", &app.token("leader").await).await;
    let target = industrial["items"][0]["id"].to_string();
    let (s, html) = post_form(&app, &client, "/green-list", &[("_csrf", &csrf), ("enterprise_id", &target), ("reason", " ")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(beside(&html, "reason").contains("理由"), "{html}");
    assert_eq!(app.count("green_list").await, listed);

    // the administrator's forms: the checklist and the limits
    let (client, csrf) = browser(&app, "admin", "/commitment-checklist").await;
    let items = app.count("checklist_items").await;
    let (s, html) = post_form(&app, &client, "/commitment-checklist", &[("_csrf", &csrf), ("text", ""), ("sort", "3")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!beside(&html, "text").is_empty(), "{html}");
    assert_eq!(app.count("checklist_items").await, items);
    let (s, _) = post_form(&app, &client, "/commitment-checklist", &[("_csrf", &csrf), ("text", "收银台设置防护隔板"), ("sort", "8")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let html = client.get(app.url("/commitment-checklist")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("收银台设置防护隔板"));
    let (s, html) = post_form(&app, &client, "/green-list/limits", &[("_csrf", &csrf), ("sign_percent", "5"), ("resolve_percent", "40")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!beside(&html, "sign_percent").is_empty() && beside(&html, "resolve_percent").is_empty(), "{html}");
    let (s, _) = post_form(&app, &client, "/green-list/limits", &[("_csrf", &csrf), ("sign_percent", "50"), ("resolve_percent", "40")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/api/v1/green-list-limits", &app.token("leader").await).await.1, json!({"sign_percent": 50, "resolve_percent": 40}));
    let (leader_pages, _) = browser(&app, "leader", "/green-list").await;
    assert_eq!(leader_pages.get(app.url("/commitment-checklist")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

async fn the_green_list_is_seen_by_row_with_its_history_and_a_cadre_picker(app: TestApp) {
    let listed_in = |column: &'static str, user: &'static str| {
        let sql = match column {
            "township" => format!(
                "SELECT COUNT(*) FROM green_list g JOIN enterprises e ON e.id = g.enterprise_id WHERE g.removed_on IS NULL \
                 AND e.township_id = (SELECT township_id FROM users WHERE username = '{user}')"
            ),
            _ => format!(
                "SELECT COUNT(*) FROM green_list g WHERE g.removed_on IS NULL AND g.enterprise_id IN (SELECT enterprise_id FROM officer_assignments \
                 WHERE ended_on IS NULL AND cadre_id = (SELECT cadre_id FROM users WHERE username = '{user}'))"
            ),
        };
        let pool = app.db.pool().clone();
        async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(&pool).await.unwrap() }
    };
    let leader = app.token("leader").await;
    let (_, all) = app.get("/api/v1/green-list?per_page=200", &leader).await;
    for (user, column) in [("township", "township"), ("officer", "officer")] {
        let token = app.token(user).await;
        let (s, mine) = app.get("/api/v1/green-list?per_page=200", &token).await;
        assert_eq!(s, StatusCode::OK, "{mine}");
        assert_eq!(mine["total"].as_i64(), Some(listed_in(column, user).await), "{user} sees only its own rows");
        assert!(mine["total"].as_i64() < all["total"].as_i64(), "{user} does not see the whole zone");
    }

    // a team from the picker, a removal with its reason in the history
    let (client, csrf) = browser(&app, "leader", "/green-list").await;
    let html = client.get(app.url("/green-list")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<select name=\"members\" multiple"), "a cadre picker, not raw ids");
    let target = all["items"][0]["entry"]["enterprise_id"].as_i64().unwrap();
    let (_, cadres) = app.get("/api/v1/cadres?per_page=2", &leader).await;
    let (a, b) = (cadres["items"][0]["id"].to_string(), cadres["items"][1]["id"].to_string());
    let (s, _) = post_form(&app, &client, &format!("/green-list/{target}/team"), &[("_csrf", &csrf), ("members", &a), ("members", &b), ("lead", &b)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, view) = app.get("/api/v1/green-list?per_page=200", &leader).await;
    let row = view["items"].as_array().unwrap().iter().find(|g| g["entry"]["enterprise_id"] == target).unwrap().clone();
    assert_eq!(row["team"].as_array().unwrap().len(), 2);
    let (s, _) = post_form(&app, &client, &format!("/green-list/{target}/remove"), &[("_csrf", &csrf), ("reason", "企业转产内销")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let html = client.get(app.url("/green-list?history=true&per_page=200")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("企业转产内销"), "the history shows why it was removed");

    // the figures page filters by industry and lists missing reports of a chosen day
    let html = client.get(app.url("/resumption?industry=%E9%A3%9F%E5%93%81%E5%8A%A0%E5%B7%A5&missing_on=2020-03-19")).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    let html = html.text().await.unwrap();
    assert!(html.contains("name=\"industry\"") && html.contains("name=\"missing_on\" value=\"2020-03-19\""), "{html}");
}

async fn a_business_reads_its_commitment_page(app: TestApp) {
    let (_, token) = shop_with_user(&app).await;
    let (_, checklist) = app.get("/api/v1/commitment-checklist", &token).await;
    let codes: Vec<Value> = checklist["items"].as_array().unwrap().iter().map(|i| i["code"].clone()).collect();
    let (s, c) = app.call(Method::POST, "/api/v1/commitments", Some(&token), Some(json!({"signer": "吴店长", "items": codes}))).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (_, me) = app.get("/api/v1/me", &token).await;
    let client = browser_client();
    page_log_in(&app, &client, me["username"].as_str().unwrap()).await;
    let res = client.get(app.url(&format!("/commitments/{}", c["id"]))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("吴店长签署承诺书并提交，即时复工营业"), "{html}");
    let (other, _) = browser(&app, "hengfeng", "/status-reports").await;
    assert_eq!(other.get(app.url(&format!("/commitments/{}", c["id"]))).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let (leader, _) = browser(&app, "leader", "/spot-checks").await;
    let html = leader.get(app.url("/spot-checks")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<code>20200318</code>"), "the demo draw's seed is on the page");
}

on_both_databases!(
    an_enterprise_reports_its_status_and_the_figures_follow,
    impossible_reports_are_refused_and_nothing_is_stored,
    an_enterprise_sees_only_its_own_reports,
    green_list_orders_get_priority_and_tighter_limits,
    a_complete_commitment_reopens_the_business_at_once,
    spot_checks_are_drawn_reproducibly_and_a_failure_files_an_order,
    an_administrator_configures_the_commitment_checklist,
    changing_the_green_list_limits_changes_a_new_orders_deadlines,
    listing_an_enterprise_raises_its_open_orders,
    a_commitment_shows_its_timeline_to_its_own_business_only,
    a_draw_is_reproduced_from_its_recorded_seed_and_population,
    the_resumption_forms_show_errors_beside_their_fields_and_store_nothing,
    the_green_list_is_seen_by_row_with_its_history_and_a_cadre_picker,
    a_business_reads_its_commitment_page,
);
