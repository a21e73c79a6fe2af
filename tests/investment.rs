//! Investment (招商) through HTTP on both databases: a lead's stages forward
//! only, the quarter against its target, and who sees which lead.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

async fn township_id(app: &TestApp, name: &str) -> i64 {
    let admin = app.token("admin").await;
    let (_, list) = app.get("/api/v1/townships", &admin).await;
    list["items"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["id"].as_i64().unwrap()
}

fn new_lead(township: i64) -> Value {
    json!({"name": "医用无纺布生产线项目", "investor": "河南美纶新材料有限公司", "channel": "phone", "amount_wan": 6800,
        "industry_chain": "口罩生产全产业链", "township_id": township, "negotiating_on": "2020-03-02"})
}

async fn a_lead_goes_from_talks_to_signing_to_landing(app: TestApp) {
    let department = app.token("department").await;
    let leader = app.token("leader").await;
    let xinxi = township_id(&app, "新习镇").await;
    let (s, lead) = post(&app, &department, "/api/v1/investment-leads", new_lead(xinxi)).await;
    assert_eq!(s, StatusCode::CREATED, "{lead}");
    let id = lead["id"].as_i64().unwrap();
    assert_eq!((lead["stage"].as_str(), lead["amount_wan"].as_f64(), lead["township_name"].as_str()), (Some("negotiating"), Some(6800.0), Some("新习镇")));
    let path = format!("/api/v1/investment-leads/{id}/stage");
    let (s, lead) = post(&app, &department, &path, json!({"stage": "signed", "version": 1, "on": "2020-03-10"})).await;
    assert_eq!(s, StatusCode::OK, "{lead}");
    assert_eq!((lead["stage"].as_str(), lead["signed_on"].as_str()), (Some("signed"), Some("2020-03-10")));
    let (s, lead) = post(&app, &leader, &path, json!({"stage": "landed", "version": 2, "on": "2020-03-18", "note": "设备已进场"})).await;
    assert_eq!(s, StatusCode::OK, "{lead}");
    assert_eq!((lead["stage"].as_str(), lead["landed_on"].as_str(), lead["note"].as_str()), (Some("landed"), Some("2020-03-18"), Some("设备已进场")));
    assert_eq!(lead["negotiating_on"], "2020-03-02");
    let (_, landed) = app.get("/api/v1/investment-leads?stage=landed&channel=phone&per_page=200", &leader).await;
    assert!(landed["items"].as_array().unwrap().iter().any(|l| l["id"] == id));
    let (_, chain) = app.get(&format!("/api/v1/investment-leads?q={}", common::urlencode("口罩生产全产业链")), &leader).await;
    assert!(chain["total"].as_i64().unwrap() >= 5);
}

async fn a_stage_never_goes_backwards_nor_skips_and_bad_leads_are_refused(app: TestApp) {
    let department = app.token("department").await;
    let xinxi = township_id(&app, "新习镇").await;
    let leads = app.count("investment_leads").await;
    let mut bad = new_lead(xinxi);
    bad["channel"] = json!("fax");
    bad["amount_wan"] = json!(-5);
    bad["negotiating_on"] = json!("2999-01-01");
    let (s, body) = post(&app, &department, "/api/v1/investment-leads", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["channel", "amount_wan", "negotiating_on"]);
    assert_eq!(app.count("investment_leads").await, leads);

    let id = post(&app, &department, "/api/v1/investment-leads", new_lead(xinxi)).await.1["id"].as_i64().unwrap();
    let path = format!("/api/v1/investment-leads/{id}/stage");
    let (s, body) = post(&app, &department, &path, json!({"stage": "landed", "version": 1})).await;
    assert_eq!(s, StatusCode::CONFLICT, "skipping 签约");
    assert_eq!(body["error"]["code"], "illegal_transition");
    let (s, _) = post(&app, &department, &path, json!({"stage": "signed", "version": 1, "on": "2020-03-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "signed before talks began");
    let (s, _) = post(&app, &department, &path, json!({"stage": "signed", "version": 1, "on": "2020-03-05"})).await;
    assert_eq!(s, StatusCode::OK);
    let before = app.get(&format!("/api/v1/investment-leads/{id}"), &department).await.1;
    let (s, body) = post(&app, &department, &path, json!({"stage": "negotiating", "version": 2})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("只能向前推进"));
    let (s, _) = post(&app, &department, &path, json!({"stage": "signed", "version": 2})).await;
    assert_eq!(s, StatusCode::CONFLICT, "signed twice");
    let (s, body) = post(&app, &department, &path, json!({"stage": "moved", "version": 2})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "stage");
    let (s, body) = post(&app, &department, &path, json!({"stage": "landed", "version": 1})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "stale_version");
    assert_eq!(app.get(&format!("/api/v1/investment-leads/{id}"), &department).await.1, before, "refusals changed nothing");
    assert_eq!(app.get("/api/v1/investment-leads?stage=won", &department).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_quarter_is_measured_against_its_target(app: TestApp) {
    let leader = app.token("leader").await;
    let (s, p) = app.get("/api/v1/investment-progress?year=2020&quarter=1&as_of=2020-03-19", &leader).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["label"], "2020年一季度");
    assert_eq!((p["from"].as_str(), p["to"].as_str()), (Some("2020-01-01"), Some("2020-03-19")));
    assert_eq!((p["target"]["signed_count"].as_i64(), p["target"]["landed_count"].as_i64()), (Some(6), Some(3)));
    assert_eq!((p["total"]["signed"].as_i64(), p["total"]["landed"].as_i64()), (Some(6), Some(2)));
    assert_eq!(p["total"]["signed_amount_wan"], 118_500.0);
    assert_eq!(p["signed_share"], 1.0);
    assert_eq!(p["landed_share"].as_f64().unwrap(), 2.0 / 3.0);
    let channel = |c: &str| p["by_channel"].as_array().unwrap().iter().find(|r| r["channel"] == c).unwrap().clone();
    assert_eq!((channel("remote")["signed"].as_i64(), channel("remote")["landed"].as_i64()), (Some(2), Some(1)));
    assert_eq!((channel("online")["signed"].as_i64(), channel("online")["landed"].as_i64()), (Some(1), Some(1)));
    assert_eq!(channel("phone")["signed"], 3);
    let mask = p["chains"].as_array().unwrap().iter().find(|c| c["industry_chain"] == "口罩生产全产业链").unwrap();
    assert_eq!(mask["signed"], 4);
    // a week earlier, less was reached
    let (_, earlier) = app.get("/api/v1/investment-progress?year=2020&quarter=1&as_of=2020-03-12", &leader).await;
    assert_eq!((earlier["total"]["signed"].as_i64(), earlier["total"]["landed"].as_i64()), (Some(3), Some(0)));

    // the leader sets the next quarter's target; others may not
    let target = json!({"year": 2020, "quarter": 2, "signed_count": 10, "landed_count": 5, "signed_amount_wan": 200000});
    let (s, t) = app.call(Method::PUT, "/api/v1/investment-targets", Some(&leader), Some(target.clone())).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["signed_amount_wan"], 200_000.0);
    let department = app.token("department").await;
    assert_eq!(app.call(Method::PUT, "/api/v1/investment-targets", Some(&department), Some(target)).await.0, StatusCode::FORBIDDEN);
    let bad = json!({"year": 2020, "quarter": 5, "signed_count": -1, "landed_count": 1});
    assert_eq!(app.call(Method::PUT, "/api/v1/investment-targets", Some(&leader), Some(bad)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, targets) = app.get("/api/v1/investment-targets", &leader).await;
    assert_eq!(targets["total"], 2);
    let (_, q2) = app.get("/api/v1/investment-progress?year=2020&quarter=2&as_of=2020-03-19", &leader).await;
    assert_eq!(q2["total"]["signed"], 0, "a quarter not yet begun");
    assert_eq!(q2["target"]["signed_count"], 10);
    assert_eq!(app.get("/api/v1/investment-progress?as_of=19-03-2020", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn leads_are_seen_only_by_the_zone_and_their_own_township(app: TestApp) {
    let township = app.token("township").await;
    let department = app.token("department").await;
    let hengfeng = app.token("hengfeng").await;
    let xinxi = township_id(&app, "新习镇").await;
    let wangzhu = township_id(&app, "王助镇").await;
    let (s, own) = app.get("/api/v1/investment-leads?per_page=200", &township).await;
    assert_eq!(s, StatusCode::OK);
    assert!(own["total"].as_i64().unwrap() >= 3);
    assert!(own["items"].as_array().unwrap().iter().all(|l| l["township_id"] == xinxi));
    assert_eq!(app.get(&format!("/api/v1/investment-leads?township_id={wangzhu}"), &township).await.0, StatusCode::FORBIDDEN);
    let (_, all) = app.get("/api/v1/investment-leads?per_page=200", &department).await;
    let other = all["items"].as_array().unwrap().iter().find(|l| l["township_id"] == wangzhu).unwrap()["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/investment-leads/{other}"), &township).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        post(&app, &township, &format!("/api/v1/investment-leads/{other}/stage"), json!({"stage": "signed", "version": 1})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get("/api/v1/investment-leads", &hengfeng).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/investment-progress", &hengfeng).await.0, StatusCode::FORBIDDEN);
    // a township registers its own leads, and sees its own progress without the zone's target
    let leads = app.count("investment_leads").await;
    assert_eq!(post(&app, &township, "/api/v1/investment-leads", new_lead(wangzhu)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &hengfeng, "/api/v1/investment-leads", new_lead(xinxi)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.count("investment_leads").await, leads);
    let mut mine = new_lead(xinxi);
    mine.as_object_mut().unwrap().remove("township_id");
    let (s, lead) = post(&app, &township, "/api/v1/investment-leads", mine).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(lead["township_id"], xinxi);
    let (_, progress) = app.get("/api/v1/investment-progress?year=2020&quarter=1&as_of=2020-03-19", &township).await;
    assert!(progress["target"].is_null());
    assert_eq!(progress["township_id"], xinxi);
    assert_eq!(progress["total"]["signed"], 2, "熔喷布 and 冷链包装 in 新习镇");
}

async fn investment_pages_render_and_refuse_a_step_back(app: TestApp) {
    let browser = common::browser_client();
    common::page_log_in(&app, &browser, "leader").await;
    let get = |path: &str| {
        let (browser, url) = (browser.clone(), app.url(path));
        async move {
            let res = browser.get(url).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (s, list) = get("/investment-leads?channel=remote").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("年产3000吨熔喷布生产线项目") && !list.contains("全自动口罩机制造项目"));
    let (s, progress) = get("/investment-progress?year=2020&quarter=1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(progress.contains("2020年一季度") && progress.contains("口罩生产全产业链") && progress.contains("不见面招商"));
    assert_eq!(get("/investment-leads/new").await.0, StatusCode::OK);
    let (_, none) = get("/investment-leads?q=nothing-like-this").await;
    assert!(none.contains("没有符合条件的招商项目"));

    // a lead moved forward through its page; the same form posted again is refused
    let department = app.token("department").await;
    let xinxi = township_id(&app, "新习镇").await;
    let id = post(&app, &department, "/api/v1/investment-leads", new_lead(xinxi)).await.1["id"].as_i64().unwrap();
    let (_, show) = get(&format!("/investment-leads/{id}")).await;
    assert!(show.contains("data-confirm"), "an irreversible step asks first");
    let csrf = common::hidden_value(&show, "_csrf").unwrap();
    let form = [("_csrf", csrf.as_str()), ("stage", "signed"), ("version", "1"), ("on", "2020-03-10")];
    let res = browser.post(app.url(&format!("/investment-leads/{id}/stage"))).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = browser.post(app.url(&format!("/investment-leads/{id}/stage"))).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("已处于“签约”阶段"));
    // a bad target comes back beside its field
    let res = browser
        .post(app.url("/investment-targets"))
        .form(&[("_csrf", csrf.as_str()), ("year", "2020"), ("quarter", "2"), ("signed_count", "很多"), ("landed_count", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("请填写整数"));
}

on_both_databases!(
    investment_pages_render_and_refuse_a_step_back,
    a_lead_goes_from_talks_to_signing_to_landing,
    a_stage_never_goes_backwards_nor_skips_and_bad_leads_are_refused,
    the_quarter_is_measured_against_its_target,
    leads_are_seen_only_by_the_zone_and_their_own_township,
);
