//! Inspections and rectification through HTTP on both databases: findings
//! become assigned work orders, re-inspections verify or reopen them, the
//! campaign's tallies are summed to a day, row permissions, bad input.

mod common;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zonedesk::app::inspection;
use zonedesk::domain::inspection::{SiteKind, TallyKind};

fn today() -> String {
    zonedesk::app::clock::date_text(zonedesk::app::clock::local_date(time::OffsetDateTime::now_utc()))
}

async fn id_of(app: &TestApp, path: &str, field: &str, value: &str) -> i64 {
    let admin = app.token("admin").await;
    let (_, list) = app.get(path, &admin).await;
    list["items"].as_array().unwrap().iter().find(|x| x[field] == value).unwrap_or_else(|| panic!("{value} in {path}"))["id"].as_i64().unwrap()
}

async fn department(app: &TestApp, name: &str) -> i64 {
    id_of(app, "/api/v1/departments", "name", name).await
}

async fn township_id(app: &TestApp, name: &str) -> i64 {
    id_of(app, "/api/v1/townships", "name", name).await
}

async fn campaign(app: &TestApp) -> i64 {
    id_of(app, "/api/v1/campaigns", "name", "“四全”爱国卫生疫情防控专项行动").await
}

/// A new site of 新习镇, registered by the township's task force.
async fn new_site(app: &TestApp, name: &str) -> i64 {
    let township = app.token("township").await;
    let (s, site) = app.call(Method::POST, "/api/v1/sites", Some(&township), Some(json!({"kind": "village", "name": name, "address": "新习镇"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{site}");
    site["id"].as_i64().unwrap()
}

async fn inspect(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/api/v1/inspections", Some(token), Some(body)).await
}

async fn act(app: &TestApp, token: &str, id: i64, body: Value) -> Value {
    let (s, o) = app.call(Method::POST, &format!("/api/v1/work-orders/{id}/transitions"), Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    o
}

async fn order(app: &TestApp, id: i64) -> Value {
    let leader = app.token("leader").await;
    app.get(&format!("/api/v1/work-orders/{id}"), &leader).await.1["order"].clone()
}

async fn an_inspection_files_each_finding_as_an_assigned_work_order(app: TestApp) {
    let township = app.token("township").await;
    let dept = app.token("department").await;
    let economy = department(&app, "经济发展局").await;
    let planning = department(&app, "规划建设局").await;
    let site = new_site(&app, "测试一村").await;
    let campaign = campaign(&app).await;
    let body = json!({"campaign_id": campaign, "site_id": site, "inspected_on": today(), "inspectors": "联合督导组第九组",
    "findings": [
        {"title": "村口防疫值守不到位", "description": "值守人员未佩戴口罩", "category": "other", "department_id": economy},
        {"title": "坑塘周边垃圾堆积", "department_id": planning}
    ]});
    let (s, detail) = inspect(&app, &township, body).await;
    assert_eq!(s, StatusCode::CREATED, "{detail}");
    assert_eq!(detail["inspection"]["result"], "problems", "derived from the findings");
    assert_eq!(detail["inspection"]["findings"], 2);
    let findings = detail["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    let xinxi = township_id(&app, "新习镇").await;
    for (f, dep) in findings.iter().zip([economy, planning]) {
        assert_eq!(f["status"], "open");
        assert_eq!(f["order_state"], "assigned");
        assert_eq!(f["order_department_id"], dep);
        let o = order(&app, f["order_id"].as_i64().unwrap()).await;
        assert_eq!(o["source"], "inspection");
        assert_eq!(o["source_ref"], f["id"], "the order links back to its finding");
        assert_eq!(o["township_id"], xinxi);
        assert_eq!(o["department_id"], dep);
        assert_eq!(o["state"], "assigned");
        assert!(o["resolve_deadline"].is_string() && o["sign_deadline"].is_string());
    }
    assert_eq!(findings[1]["category_code"], "sanitation", "the default category");
    // the department sees the finding it holds, and not the other one
    let (s, mine) = app.get("/api/v1/findings?per_page=200", &dept).await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<i64> = mine["items"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&findings[0]["id"].as_i64().unwrap()));
    assert!(!ids.contains(&findings[1]["id"].as_i64().unwrap()));
    assert!(mine["items"].as_array().unwrap().iter().all(|f| f["order_department_id"] == economy));
    let id = detail["inspection"]["id"].as_i64().unwrap();
    let (s, seen) = app.get(&format!("/api/v1/inspections/{id}"), &dept).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["findings"].as_array().unwrap().len(), 1, "only the finding it holds");
    let (_, notes) = app.get("/api/v1/notifications?unread=true", &dept).await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["order_id"] == findings[0]["order_id"] && n["kind"] == "assigned"));
    // a passed inspection files nothing
    let before = app.count("work_orders").await;
    let (s, passed) = inspect(&app, &township, json!({"campaign_id": campaign, "site_id": site, "inspected_on": today(), "inspectors": "第九组"})).await;
    assert_eq!(s, StatusCode::CREATED, "{passed}");
    assert_eq!(passed["inspection"]["result"], "passed");
    assert_eq!(app.count("work_orders").await, before);
}

async fn a_recheck_verifies_or_sends_back_the_rectification(app: TestApp) {
    let township = app.token("township").await;
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let economy = department(&app, "经济发展局").await;
    let site = new_site(&app, "测试二村").await;
    let body = json!({"campaign_id": campaign(&app).await, "site_id": site, "inspected_on": today(), "inspectors": "第九组",
        "findings": [{"title": "员工返岗健康监测台账不全", "category": "other", "department_id": economy},
                     {"title": "厂区消毒记录不完整", "category": "other", "department_id": economy}]});
    let (_, detail) = inspect(&app, &township, body).await;
    let finding = |n: usize| detail["findings"][n].clone();
    let (f1, f2) = (finding(0), finding(1));
    let o1 = f1["order_id"].as_i64().unwrap();
    let recheck = |verified: bool, version: i64| json!({"version": version, "verified": verified, "checked_on": today(), "inspectors": "复查组", "note": if verified { "" } else { "仍有缺项" }});
    let path = |f: &Value| format!("/api/v1/findings/{}/rechecks", f["id"]);

    // not yet resolved: a township cannot verify, nor fail it
    let (s, body) = app.call(Method::POST, &path(&f1), Some(&township), Some(recheck(true, 1))).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "recheck_refused");

    act(&app, &dept, o1, json!({"action": "sign_for", "version": 2})).await;
    act(&app, &dept, o1, json!({"action": "resolve", "version": 3, "resolution": "台账已补全"})).await;
    // not verified: the order goes back to the department
    let (s, f) = app.call(Method::POST, &path(&f1), Some(&township), Some(recheck(false, 1))).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["status"], "not_verified");
    assert_eq!(f["order_state"], "assigned");
    let o = order(&app, o1).await;
    assert_eq!((o["state"].as_str(), o["rating"].as_str()), (Some("assigned"), Some("unsatisfied")));
    // a stale version is refused
    let (s, _) = app.call(Method::POST, &path(&f1), Some(&township), Some(recheck(true, 1))).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // rectified again and verified: the order closes
    let v = o["version"].as_i64().unwrap();
    act(&app, &dept, o1, json!({"action": "sign_for", "version": v})).await;
    act(&app, &dept, o1, json!({"action": "resolve", "version": v + 1, "resolution": "已整改到位"})).await;
    let (s, f) = app.call(Method::POST, &path(&f1), Some(&township), Some(recheck(true, 2))).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!((f["status"].as_str(), f["order_state"].as_str()), (Some("verified"), Some("closed")));
    let (_, seen) = app.get(&format!("/api/v1/inspections/{}", detail["inspection"]["id"]), &leader).await;
    assert_eq!(seen["rechecks"].as_array().unwrap().len(), 2);

    // a leader who finds an open order not rectified supervises it (督办)
    let (s, f) = app.call(Method::POST, &path(&f2), Some(&leader), Some(recheck(false, 1))).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let o = order(&app, f2["order_id"].as_i64().unwrap()).await;
    assert_eq!(o["escalation"], "leader");
    // the department may not recheck at all
    let (s, _) = app.call(Method::POST, &path(&f2), Some(&dept), Some(recheck(false, 2))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn tallies_are_summed_as_of_a_day(app: TestApp) {
    let leader = app.token("leader").await;
    let township = app.token("township").await;
    // the demo campaign reaches the newspaper's figures on 19 March 2020
    let demo = campaign(&app).await;
    let (s, t) = app.get(&format!("/api/v1/campaign-tallies?campaign_id={demo}&as_of=2020-03-19"), &leader).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let total = |t: &Value, kind: &str| t["totals"].as_array().unwrap().iter().find(|x| x["kind"] == kind).unwrap()["total"].as_i64().unwrap();
    for (kind, figure) in [
        ("volunteers", 746),
        ("proposal_letters", 23_000),
        ("materials", 43_000),
        ("rectified_residential", 594),
        ("rectified_village", 315),
        ("rectified_supermarket", 336),
        ("refuse_m3", 96_000),
    ] {
        assert_eq!(total(&t, kind), figure, "{kind}");
    }
    assert!(t["inspections"]["inspections"].as_i64().unwrap() > 2000);
    assert_eq!(t["inspections"]["findings"], 264);
    assert_eq!(t["inspections"]["assigned"], 264);
    let volunteers = t["totals"].as_array().unwrap().iter().find(|x| x["kind"] == "volunteers").unwrap().clone();
    assert_eq!((volunteers["label"].as_str(), volunteers["unit"].as_str()), (Some("组织志愿者"), Some("人")));

    // a fresh campaign, summed by hand
    let (s, c) = app.call(Method::POST, "/api/v1/campaigns", Some(&leader), Some(json!({"name": "冬季爱国卫生运动", "started_on": "2021-01-01"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let entry = |day: &str, kind: &str, quantity: i64| json!({"entry_on": day, "kind": kind, "quantity": quantity});
    let path = format!("/api/v1/campaigns/{id}/tally-entries");
    let mut ids = Vec::new();
    for (token, body) in [
        (&leader, entry("2021-01-05", "volunteers", 10)),
        (&township, entry("2021-01-10", "volunteers", 5)),
        (&leader, entry("2021-01-10", "refuse_m3", 300)),
        (&leader, entry("2021-02-01", "volunteers", 100)),
        (&leader, entry("2021-01-08", "volunteers", 7)),
    ] {
        let (s, e) = app.call(Method::POST, &path, Some(token), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        ids.push(e["id"].as_i64().unwrap());
    }
    let sum = |day: &'static str| {
        let app = &app;
        let leader = leader.clone();
        async move { app.get(&format!("/api/v1/campaign-tallies?campaign_id={id}&as_of={day}"), &leader).await.1 }
    };
    assert_eq!(total(&sum("2021-01-04").await, "volunteers"), 0);
    assert_eq!(total(&sum("2021-01-05").await, "volunteers"), 10, "the day itself counts");
    assert_eq!(total(&sum("2021-01-10").await, "volunteers"), 22);
    assert_eq!(total(&sum("2021-01-10").await, "refuse_m3"), 300);
    assert_eq!(total(&sum("2021-03-01").await, "volunteers"), 122);
    assert_eq!(sum("2021-03-01").await["inspections"]["inspections"], 0, "no inspections in this campaign");
    // a voided entry no longer counts, but stays on record
    let (s, v) = app.call(Method::POST, &format!("/api/v1/tally-entries/{}/void", ids[4]), Some(&leader), Some(json!({"reason": "重复录入"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["voided_at"].is_string());
    assert_eq!(total(&sum("2021-01-10").await, "volunteers"), 15);
    let (s, _) = app.call(Method::POST, &format!("/api/v1/tally-entries/{}/void", ids[4]), Some(&leader), Some(json!({"reason": "再次"}))).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // a township sees and voids only its own entries
    let (_, own) = app.get(&path, &township).await;
    assert_eq!(own["total"], 1);
    let (s, _) = app.call(Method::POST, &format!("/api/v1/tally-entries/{}/void", ids[0]), Some(&township), Some(json!({"reason": "x"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // the use case the daily briefing calls
    let actor = zonedesk::app::Actor::system();
    let zone = inspection::tallies_as_of(&app.db, &actor, None, time::macros::date!(2020 - 03 - 19)).await.unwrap();
    assert_eq!(zone.total(TallyKind::Volunteers), 746);
    assert_eq!(zone.inspections.findings, 264);
    assert_eq!(app.get("/api/v1/campaign-tallies?as_of=19-03-2020", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get("/api/v1/campaign-tallies", &hengfeng).await.0, StatusCode::FORBIDDEN);
}

async fn each_role_sees_only_its_own_rows(app: TestApp) {
    let township = app.token("township").await;
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let hengfeng = app.token("hengfeng").await;
    let volunteer = app.token("volunteer").await;
    let xinxi = township_id(&app, "新习镇").await;
    let huangfu = township_id(&app, "皇甫办事处").await;

    let (s, own) = app.get("/api/v1/sites?per_page=200", &township).await;
    assert_eq!(s, StatusCode::OK);
    assert!(own["items"].as_array().unwrap().iter().all(|x| x["township_id"] == xinxi));
    let (_, all) = app.get("/api/v1/sites", &leader).await;
    assert!(all["total"].as_i64().unwrap() > own["total"].as_i64().unwrap());
    assert_eq!(app.get(&format!("/api/v1/sites?township_id={huangfu}"), &township).await.0, StatusCode::FORBIDDEN);
    let (_, theirs) = app.get(&format!("/api/v1/sites?township_id={huangfu}&per_page=1"), &leader).await;
    let other_site = theirs["items"][0]["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/sites/{other_site}"), &township).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/sites/{other_site}"), &leader).await.0, StatusCode::OK);

    let (_, inspections) = app.get("/api/v1/inspections?per_page=200", &township).await;
    assert!(inspections["items"].as_array().unwrap().iter().all(|x| x["township_id"] == xinxi));
    let (_, other) = app.get(&format!("/api/v1/inspections?township_id={huangfu}&per_page=1"), &leader).await;
    let other_inspection = other["items"][0]["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/inspections/{other_inspection}"), &township).await.0, StatusCode::FORBIDDEN);
    // a township cannot record an inspection of another township's site: nothing is stored
    let before = (app.count("inspections").await, app.count("work_orders").await);
    let body = json!({"campaign_id": campaign(&app).await, "site_id": other_site, "inspected_on": today(), "inspectors": "x",
        "findings": [{"title": "越权", "department_id": department(&app, "经济发展局").await}]});
    assert_eq!(inspect(&app, &township, body).await.0, StatusCode::FORBIDDEN);
    assert_eq!((app.count("inspections").await, app.count("work_orders").await), before);

    // a department: findings it holds only, inspections through them, no sites
    let economy = department(&app, "经济发展局").await;
    let (_, findings) = app.get("/api/v1/findings?per_page=200", &dept).await;
    assert!(findings["total"].as_i64().unwrap() > 0, "the demo assigns problems of enterprises to 经济发展局");
    assert!(findings["items"].as_array().unwrap().iter().all(|f| f["order_department_id"] == economy));
    let (_, leader_findings) = app.get("/api/v1/findings", &leader).await;
    assert_eq!(leader_findings["total"], 264);
    let (_, dept_inspections) = app.get("/api/v1/inspections", &dept).await;
    let seen = dept_inspections["total"].as_i64().unwrap();
    assert!(seen > 0 && seen <= findings["total"].as_i64().unwrap(), "the inspections that found its problems");
    assert_eq!(app.get("/api/v1/sites", &dept).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/inspections/{other_inspection}"), &dept).await.0, StatusCode::FORBIDDEN);

    // others see none of it
    for token in [&hengfeng, &volunteer] {
        for path in ["/api/v1/sites", "/api/v1/inspections", "/api/v1/findings", "/api/v1/campaigns"] {
            assert_eq!(app.get(path, token).await.0, StatusCode::FORBIDDEN, "{path}");
        }
    }
    // only leaders open campaigns
    assert_eq!(
        app.call(Method::POST, "/api/v1/campaigns", Some(&township), Some(json!({"name": "x", "started_on": "2026-01-01"}))).await.0,
        StatusCode::FORBIDDEN
    );
}

async fn bad_input_is_refused_field_by_field_and_nothing_is_stored(app: TestApp) {
    let township = app.token("township").await;
    let leader = app.token("leader").await;
    let site = new_site(&app, "测试三村").await;
    let campaign = campaign(&app).await;
    let tables = ["inspections", "inspection_findings", "work_orders", "campaign_tallies", "sites"];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(t).await);
    }
    let fields = |body: &Value| -> Vec<String> {
        body["error"]["fields"].as_array().map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_string()).collect()).unwrap_or_default()
    };
    let (s, body) = inspect(
        &app,
        &township,
        json!({"campaign_id": campaign, "site_id": site, "inspected_on": "2099-01-01", "inspectors": " ", "result": "passed",
            "findings": [{"title": "", "category": "bank"}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let f = fields(&body);
    for name in ["inspected_on", "inspectors", "result", "findings.title", "findings.category", "findings.department_id"] {
        assert!(f.iter().any(|x| x == name), "{name} not in {f:?}");
    }
    let (s, body) = inspect(&app, &township, json!({"campaign_id": 999_999, "site_id": 999_999, "inspected_on": "19/03/2020", "inspectors": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let f = fields(&body);
    for name in ["campaign_id", "site_id", "inspected_on"] {
        assert!(f.iter().any(|x| x == name), "{name} not in {f:?}");
    }
    let (s, body) =
        inspect(&app, &township, json!({"campaign_id": campaign, "site_id": site, "inspected_on": today(), "inspectors": "x", "result": "problems"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "findings");
    let (s, _) = inspect(&app, &township, json!({"campaign_id": "one"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a wrong type is a field error in our format");
    let res = app.client.post(app.url("/api/v1/inspections")).bearer_auth(&township).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let path = format!("/api/v1/campaigns/{campaign}/tally-entries");
    let (s, body) = app.call(Method::POST, &path, Some(&leader), Some(json!({"entry_on": "2099-01-01", "kind": "smiles", "quantity": 0}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let f = fields(&body);
    for name in ["entry_on", "kind", "quantity"] {
        assert!(f.iter().any(|x| x == name), "{name} not in {f:?}");
    }
    let (s, body) = app.call(Method::POST, "/api/v1/sites", Some(&township), Some(json!({"kind": "castle", "name": ""}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fields(&body).contains(&"kind".to_string()) && fields(&body).contains(&"name".to_string()));
    let (s, body) = app.call(Method::POST, "/api/v1/sites", Some(&township), Some(json!({"kind": "village", "name": "测试三村"}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "a duplicate name in the township");
    assert_eq!(body["error"]["field"], "name");
    assert_eq!(app.get("/api/v1/sites?kind=castle", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/inspections?result=maybe", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/findings?status=lost", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(app.count(t).await, n, "{t} changed");
    }
}

async fn the_pages_show_campaigns_inspections_and_forms(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "township").await;
    let campaign = campaign(&app).await;
    let page = |path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move {
            let res = client.get(url).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (s, html) = page(format!("/campaigns/{campaign}?as_of=2020-03-19")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("组织志愿者") && html.contains("746") && html.contains("96000") && html.contains("264"), "the figures");
    for path in ["/campaigns", "/inspections", "/sites", "/findings", "/inspections/new", "/sites/new"] {
        let (s, html) = page(path.to_string()).await;
        assert_eq!(s, StatusCode::OK, "{path}: {html}");
        assert!(!html.contains("??"), "{path} has a missing translation");
    }
    let (_, list) = page("/inspections?result=problems".into()).await;
    let id: String = list
        .split("href=\"/inspections/")
        .skip(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
        .find(|id| !id.is_empty())
        .expect("a link to one");
    let (s, html) = page(format!("/inspections/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("/work-orders/"), "the finding links to its order");
    // a bad form comes back with the message beside the field
    let (_, form) = page("/inspections/new".into()).await;
    let csrf = hidden_value(&form, "_csrf").unwrap();
    let res = client
        .post(app.url("/inspections"))
        .form(&[("_csrf", csrf.as_str()), ("campaign_id", &campaign.to_string()), ("site_id", ""), ("inspected_on", "2020-03-19"), ("inspectors", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("field-error") && html.contains("请填写检查人员"), "{html}");
    // and in English
    client.get(app.url("/lang/en?next=/campaigns")).send().await.unwrap();
    let (_, html) = page("/campaigns".into()).await;
    assert!(html.contains("Campaigns") && html.contains("lang=\"en\""), "{html}");
}

async fn every_kind_of_site_can_be_tallied_as_rectified(app: TestApp) {
    let leader = app.token("leader").await;
    let (s, c) = app.call(Method::POST, "/api/v1/campaigns", Some(&leader), Some(json!({"name": "河道坑塘整治", "started_on": "2021-04-01"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let path = format!("/api/v1/campaigns/{id}/tally-entries");
    // one entry per kind of site, stored by both databases
    for (n, site) in SiteKind::ALL.into_iter().enumerate() {
        let kind = TallyKind::rectified(site);
        let body = json!({"entry_on": "2021-04-02", "kind": kind.code(), "quantity": n + 1});
        let (s, e) = app.call(Method::POST, &path, Some(&leader), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{site:?}: {e}");
    }
    let (s, t) = app.get(&format!("/api/v1/campaign-tallies?campaign_id={id}&as_of=2021-04-02"), &leader).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let row = |kind: &str| t["totals"].as_array().unwrap().iter().find(|x| x["kind"] == kind).cloned().unwrap_or_else(|| panic!("{kind}: {t}"));
    for (n, site) in SiteKind::ALL.into_iter().enumerate() {
        assert_eq!(row(TallyKind::rectified(site).code())["total"], n + 1, "{site:?}");
    }
    let (road, river) = (row("rectified_road"), row("rectified_river_pond"));
    assert_eq!((road["label"].as_str(), road["unit"].as_str()), (Some("整治道路"), Some("条")));
    assert_eq!(river["label"], "整治河道坑塘");
    // an unknown kind is still refused, and nothing stored
    let (s, body) = app.call(Method::POST, &path, Some(&leader), Some(json!({"entry_on": "2021-04-02", "kind": "rectified_castle", "quantity": 1}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(app.get(&path, &leader).await.1["total"], SiteKind::ALL.len());
}

on_both_databases!(
    every_kind_of_site_can_be_tallied_as_rectified,
    an_inspection_files_each_finding_as_an_assigned_work_order,
    a_recheck_verifies_or_sends_back_the_rectification,
    tallies_are_summed_as_of_a_day,
    each_role_sees_only_its_own_rows,
    bad_input_is_refused_field_by_field_and_nothing_is_stored,
    the_pages_show_campaigns_inspections_and_forms,
);
