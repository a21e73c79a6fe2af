//! Enterprise policies (惠企政策) through HTTP on both databases: applying,
//! review and payment; bad applications refused with nothing stored; who sees
//! which application; supervision of take-up; and an overdue payment
//! escalated as exactly one work order.

mod common;

use std::sync::Arc;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zonedesk::app::clock::WorkContext;
use zonedesk::app::{Actor, auth, policy, supervision};
use zonedesk::domain::calendar::WorkCalendar;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

/// The demo policy with this name, as an enterprise sees it.
async fn policy_named(app: &TestApp, token: &str, name: &str) -> Value {
    let (s, list) = app.get("/api/v1/policies", token).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let id = list["items"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name}"))["id"].as_i64().unwrap();
    app.get(&format!("/api/v1/policies/{id}"), token).await.1
}

fn application(policy: &Value, amount: f64) -> Value {
    json!({"policy_id": policy["policy"]["id"], "amount_wan": amount, "documents": policy["documents"], "statement": "2019年出口额较上年增长"})
}

async fn actor(app: &TestApp, username: &str) -> Actor {
    auth::actor_of(&zonedesk::store::users::find_user_by_username(&app.db, username).await.unwrap().unwrap())
}

fn at(app: &TestApp, when: time::OffsetDateTime) -> WorkContext {
    WorkContext { db: app.db.clone(), calendar: Arc::new(WorkCalendar::shipped()), now: when }
}

async fn an_enterprise_applies_and_is_approved_and_paid(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let department = app.token("department").await;
    let growth = policy_named(&app, &hengfeng, "出口增量奖励").await;
    assert_eq!(growth["policy"]["max_amount_wan"], 30.0);
    assert_eq!(growth["eligible_kinds"], json!(["foreign_trade"]));
    assert!(growth["ineligible_reason"].is_null(), "{growth}");
    assert!(growth["open_application_id"].is_null());

    let (s, a) = post(&app, &hengfeng, "/api/v1/policy-applications", application(&growth, 18.0)).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    assert_eq!((a["state"].as_str(), a["enterprise_name"].as_str(), a["amount_wan"].as_f64()), (Some("submitted"), Some("恒丰电子"), Some(18.0)));
    assert_eq!(policy_named(&app, &hengfeng, "出口增量奖励").await["open_application_id"], id);

    // 经济发展局 reviews the policies it is responsible for
    let (s, a) =
        post(&app, &department, &format!("/api/v1/policy-applications/{id}/review"), json!({"decision": "approve", "version": 1, "approved_amount_wan": 8}))
            .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!((a["state"].as_str(), a["approved_amount_wan"].as_f64()), (Some("approved"), Some(8.0)));
    assert!(a["pay_deadline"].as_str().unwrap() > a["reviewed_on"].as_str().unwrap());
    let pay = format!("/api/v1/policy-applications/{id}/disbursements");
    let (s, d) = post(&app, &department, &pay, json!({"version": 2, "amount_wan": 5, "reference": "KFQ-001"})).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!((d["application"]["state"].as_str(), d["application"]["paid_amount_wan"].as_f64()), (Some("approved"), Some(5.0)));
    assert!(d["may_pay"].as_bool().unwrap());
    let (s, d) = post(&app, &department, &pay, json!({"version": 3, "amount_wan": 3})).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["application"]["state"], "paid");
    assert_eq!(d["disbursements"].as_array().unwrap().len(), 2);
    assert!(!d["may_pay"].as_bool().unwrap());

    // the enterprise follows it, and is told
    let (s, mine) = app.get(&format!("/api/v1/policy-applications/{id}"), &hengfeng).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["application"]["paid_amount_wan"], 8.0);
    assert!(!mine["may_review"].as_bool().unwrap());
    let (_, notes) = app.get("/api/v1/notifications", &hengfeng).await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["text"].as_str().unwrap().contains("已兑现")));
    // closed, it may apply again
    assert!(policy_named(&app, &hengfeng, "出口增量奖励").await["open_application_id"].is_null());

    // a rejection needs its reason
    let relief = policy_named(&app, &hengfeng, "中小微外贸企业纾困资金池").await;
    let id = post(&app, &hengfeng, "/api/v1/policy-applications", application(&relief, 50.0)).await.1["id"].as_i64().unwrap();
    let caizheng = app.token("dept-caizheng").await;
    let review = format!("/api/v1/policy-applications/{id}/review");
    let (s, body) = post(&app, &caizheng, &review, json!({"decision": "reject", "version": 1})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "note");
    let (s, a) = post(&app, &caizheng, &review, json!({"decision": "reject", "version": 1, "note": "材料不全"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((a["state"].as_str(), a["review_note"].as_str()), (Some("rejected"), Some("材料不全")));
    let (s, body) = post(&app, &caizheng, &review, json!({"decision": "approve", "version": 2})).await;
    assert_eq!(s, StatusCode::CONFLICT, "reviewed once");
    assert_eq!(body["error"]["code"], "illegal_transition");
}

async fn bad_applications_and_payments_are_refused_and_nothing_is_stored(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let xuehui = app.token("xuehui").await;
    let department = app.token("department").await;
    let growth = policy_named(&app, &hengfeng, "出口增量奖励").await;
    let first = post(&app, &hengfeng, "/api/v1/policy-applications", application(&growth, 10.0)).await;
    assert_eq!(first.0, StatusCode::CREATED);
    let (applications, payments) = (app.count("policy_applications").await, app.count("policy_disbursements").await);

    // a second application while the first is open: 409 duplicate
    let (s, body) = post(&app, &hengfeng, "/api/v1/policy-applications", application(&growth, 12.0)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "duplicate");
    assert_eq!(body["error"]["field"], "policy_id");
    // both at once: one wins
    let export_volume = policy_named(&app, &hengfeng, "出口总量补贴").await;
    let (a, b) = tokio::join!(
        post(&app, &hengfeng, "/api/v1/policy-applications", application(&export_volume, 5.0)),
        post(&app, &hengfeng, "/api/v1/policy-applications", application(&export_volume, 6.0))
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "{} / {}", a.1, b.1);
    assert_eq!(app.count("policy_applications").await, applications + 1);
    let applications = applications + 1;

    let loan = policy_named(&app, &hengfeng, "贷款贴息").await;
    let mut missing = application(&loan, 10.0);
    missing["documents"] = json!(["营业执照"]);
    let (s, body) = post(&app, &hengfeng, "/api/v1/policy-applications", missing).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "documents");
    assert!(body["error"]["message"].as_str().unwrap().contains("借款合同"));
    let (s, body) = post(&app, &hengfeng, "/api/v1/policy-applications", application(&loan, 150.0)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "above the cap of 100万元");
    assert_eq!(body["error"]["field"], "amount_wan");
    let (s, _) = post(&app, &hengfeng, "/api/v1/policy-applications", application(&loan, 0.0)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // 雪汇食品 is an industrial enterprise: the export subsidies are not for it
    let volume = policy_named(&app, &xuehui, "出口总量补贴").await;
    assert!(volume["ineligible_reason"].as_str().unwrap().contains("外贸企业"), "{volume}");
    let (s, body) = post(&app, &xuehui, "/api/v1/policy-applications", application(&volume, 5.0)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "policy_id");
    // the main-bank scheme is for the green list only
    let main_bank = policy_named(&app, &xuehui, "主办银行制度").await;
    assert!(main_bank["policy"]["green_list_only"] == 1);
    let (s, _) = post(&app, &xuehui, "/api/v1/policy-applications", json!({"policy_id": 999_999, "amount_wan": 1})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("policy_applications").await, applications);

    // a payment above the approved amount still unpaid
    let id = first.1["id"].as_i64().unwrap();
    post(&app, &department, &format!("/api/v1/policy-applications/{id}/review"), json!({"decision": "approve", "version": 1, "approved_amount_wan": 6})).await;
    let pay = format!("/api/v1/policy-applications/{id}/disbursements");
    let (s, body) = post(&app, &department, &pay, json!({"version": 2, "amount_wan": 6.5})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "amount_wan");
    assert!(body["error"]["message"].as_str().unwrap().contains("6万元"));
    let (s, _) = post(&app, &department, &pay, json!({"version": 2, "amount_wan": 2, "paid_on": "2999-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "paid in the future");
    assert_eq!(app.count("policy_disbursements").await, payments);
    let (_, a) = app.get(&format!("/api/v1/policy-applications/{id}"), &department).await;
    assert_eq!((a["application"]["paid_amount_wan"].as_f64(), a["application"]["version"].as_i64()), (Some(0.0), Some(2)));
    // approving more than was asked for
    let pending = post(&app, &hengfeng, "/api/v1/policy-applications", application(&loan, 10.0)).await.1["id"].as_i64().unwrap();
    let caizheng = app.token("dept-caizheng").await;
    let (s, body) = post(
        &app,
        &caizheng,
        &format!("/api/v1/policy-applications/{pending}/review"),
        json!({"decision": "approve", "version": 1, "approved_amount_wan": 11}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "approved_amount_wan");
}

async fn an_enterprise_cannot_see_another_enterprises_application(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let xuehui = app.token("xuehui").await;
    let department = app.token("department").await;
    let officer = app.token("officer").await;
    let township = app.token("township").await;
    let volunteer = app.token("volunteer").await;
    let (_, mine) = app.get("/api/v1/policy-applications?per_page=200", &hengfeng).await;
    assert_eq!(mine["total"], 2, "恒丰电子's two demo applications");
    assert!(mine["items"].as_array().unwrap().iter().all(|a| a["enterprise_name"] == "恒丰电子"));
    let theirs = mine["items"][0]["id"].as_i64().unwrap();
    let (s, body) = app.get(&format!("/api/v1/policy-applications/{theirs}"), &xuehui).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, list) = app.get("/api/v1/policy-applications", &xuehui).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 0);
    let hengfeng_id = app.enterprise_id("恒丰电子").await;
    assert_eq!(app.get(&format!("/api/v1/policy-applications?enterprise_id={hengfeng_id}"), &xuehui).await.0, StatusCode::FORBIDDEN);
    // an enterprise applies only for itself
    let xuehui_id = app.enterprise_id("雪汇食品").await;
    let growth = policy_named(&app, &hengfeng, "出口增量奖励").await;
    let mut for_other = application(&growth, 5.0);
    for_other["enterprise_id"] = json!(xuehui_id);
    let before = app.count("policy_applications").await;
    assert_eq!(post(&app, &hengfeng, "/api/v1/policy-applications", for_other.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &department, "/api/v1/policy-applications", for_other).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.count("policy_applications").await, before);

    // the officer reads its enterprise's; the department those of its policies
    assert_eq!(app.get(&format!("/api/v1/policy-applications/{theirs}"), &officer).await.0, StatusCode::OK);
    let (_, dept) = app.get("/api/v1/policy-applications?per_page=200", &department).await;
    let names: Vec<&str> = dept["items"].as_array().unwrap().iter().map(|a| a["policy_name"].as_str().unwrap()).collect();
    assert!(!names.is_empty() && names.iter().all(|n| ["出口总量补贴", "出口增量奖励", "海外市场拓展补助"].contains(n)), "{names:?}");
    let (_, all) = app.get("/api/v1/policy-applications?per_page=200", &app.token("leader").await).await;
    let loan = all["items"].as_array().unwrap().iter().find(|a| a["policy_name"] == "贷款贴息").unwrap()["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/policy-applications/{loan}"), &department).await.0, StatusCode::FORBIDDEN, "财政金融局's policy");
    let (_, town) = app.get("/api/v1/policy-applications?per_page=200", &township).await;
    assert!(town["items"].as_array().unwrap().iter().all(|a| a["enterprise_name"] != "恒丰电子"), "恒丰电子 is not in 新习镇");
    assert_eq!(app.get("/api/v1/policy-applications", &volunteer).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/policies", &volunteer).await.0, StatusCode::FORBIDDEN);
    // only the leader, admin and the responsible department review and pay
    let pending = all["items"].as_array().unwrap().iter().find(|a| a["state"] == "submitted" && a["policy_name"] == "出口增量奖励").unwrap();
    let path = format!("/api/v1/policy-applications/{}/review", pending["id"]);
    let approve = json!({"decision": "approve", "version": pending["version"]});
    for token in [&hengfeng, &officer, &township, &app.token("dept-caizheng").await] {
        assert_eq!(post(&app, token, &path, approve.clone()).await.0, StatusCode::FORBIDDEN);
    }
    // the catalogue is changed by the leader only
    let body = json!({"code": "x", "name": "测试政策", "kind": "subsidy", "payment_days": 5, "published_on": "2020-03-01"});
    assert_eq!(post(&app, &department, "/api/v1/policies", body.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &hengfeng, "/api/v1/policies", body).await.0, StatusCode::FORBIDDEN);
}

async fn supervision_counts_each_policys_take_up(app: TestApp) {
    let leader = app.token("leader").await;
    let (s, sup) = app.get("/api/v1/policy-supervision?as_of=2020-03-19", &leader).await;
    assert_eq!(s, StatusCode::OK, "{sup}");
    let line = |name: &str| sup["policies"].as_array().unwrap().iter().find(|p| p["policy_name"] == name).unwrap().clone();
    let loan = line("贷款贴息");
    assert_eq!((loan["applicants"].as_i64(), loan["approved"].as_i64(), loan["paid"].as_i64()), (Some(2), Some(2), Some(1)));
    assert_eq!((loan["approved_wan"].as_f64(), loan["paid_wan"].as_f64()), (Some(100.0), Some(60.0)));
    assert_eq!((loan["overdue"].as_i64(), loan["escalated"].as_i64()), (Some(1), Some(1)));
    assert_eq!(line("主办银行制度")["applications"], 0);
    assert_eq!(sup["total"]["applications"], 11);
    assert_eq!(sup["total"]["overdue"], 1, "the one payment past its limit on 19 March");
    assert_eq!(sup["policies"].as_array().unwrap().len(), 7);
    // a week earlier
    let (_, early) = app.get("/api/v1/policy-supervision?as_of=2020-03-10", &leader).await;
    assert!(early["total"]["applications"].as_i64().unwrap() < 11);
    // the escalated order links back to its application
    let (_, overdue) = app.get("/api/v1/work-orders?source=policy_supervision&per_page=200", &leader).await;
    let (_, apps) = app.get("/api/v1/policy-applications?per_page=200", &leader).await;
    let escalated = apps["items"].as_array().unwrap().iter().find(|a| a["enterprise_name"] == "濮阳中原羽绒制品有限公司").unwrap();
    let order = overdue["items"].as_array().unwrap().iter().find(|o| o["source_ref"] == escalated["id"]).expect("the escalated order");
    assert_eq!(escalated["escalated_order_id"], order["id"]);
    assert!(order["escalated_at"].is_string());
    assert_eq!(order["department_name"], "财政金融局");

    let department = app.token("department").await;
    let (_, own) = app.get("/api/v1/policy-supervision?as_of=2020-03-19", &department).await;
    assert_eq!(own["policies"].as_array().unwrap().len(), 3, "经济发展局's three policies");
    assert_eq!(app.get("/api/v1/policy-supervision", &app.token("hengfeng").await).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/policy-supervision?as_of=yesterday", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The fixture lives in November 2027 (calendar shipped; after the real day,
/// so the server's own background sweep never finds it overdue first).
async fn an_overdue_payment_becomes_exactly_one_escalated_order(app: TestApp) {
    use time::macros::datetime;
    let leader = actor(&app, "leader").await;
    let hengfeng = actor(&app, "hengfeng").await;
    let department = actor(&app, "department").await;
    let published = at(&app, datetime!(2027-11-01 09:00 +8));
    let input = policy::PolicyInput {
        code: "export_2027".into(),
        name: "2027年出口奖励".into(),
        kind: "reward".into(),
        eligible_kinds: vec!["foreign_trade".into()],
        documents: vec!["营业执照".into()],
        payment_days: 5,
        department_id: department.department_id,
        published_on: "2027-11-01".into(),
        ..Default::default()
    };
    let p = policy::create_policy(&published, &leader, &input).await.unwrap();
    let apply = policy::ApplicationInput { policy_id: p.id, amount_wan: 20.0, documents: vec!["营业执照".into()], ..Default::default() };
    let a = policy::apply(&published, &hengfeng, &apply).await.unwrap();
    let review = policy::ReviewInput { decision: "approve".into(), version: a.version, ..Default::default() };
    let a = policy::review(&published, &department, a.id, &review).await.unwrap();
    assert_eq!(a.pay_deadline.as_deref(), Some("2027-11-08"), "five working days from Monday");
    // a part is paid; the rest is still owed
    let pay = policy::DisbursementInput { version: a.version, amount_wan: 5.0, ..Default::default() };
    policy::disburse(&at(&app, datetime!(2027-11-05 10:00 +8)), &department, a.id, &pay).await.unwrap();

    let orders_of = |app: &TestApp, id: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM work_orders WHERE source = 'policy_supervision' AND source_ref = $1")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .unwrap()
        }
    };
    // on its deadline it is not overdue yet
    policy::escalate_overdue_payments(&at(&app, datetime!(2027-11-08 18:00 +8))).await.unwrap();
    assert_eq!(orders_of(&app, a.id).await, 0);
    // the next day it is, once: by the policy sweep or the supervision sweep, never twice
    let tuesday = at(&app, datetime!(2027-11-09 09:00 +8));
    let (first, second) = tokio::join!(policy::escalate_overdue_payments(&tuesday), supervision::sweep(&tuesday));
    first.unwrap();
    second.unwrap();
    supervision::sweep(&at(&app, datetime!(2027-11-10 09:00 +8))).await.unwrap();
    assert_eq!(orders_of(&app, a.id).await, 1);

    let token = app.token("leader").await;
    let (_, detail) = app.get(&format!("/api/v1/policy-applications/{}", a.id), &token).await;
    let order_id = detail["application"]["escalated_order_id"].as_i64().expect("linked to its order");
    let (_, o) = app.get(&format!("/api/v1/work-orders/{order_id}"), &token).await;
    assert_eq!(o["order"]["source"], "policy_supervision");
    assert_eq!(o["order"]["source_ref"], a.id);
    assert_eq!(o["order"]["enterprise_name"], "恒丰电子");
    assert_eq!(o["order"]["priority"], "high");
    assert_eq!(o["order"]["state"], "assigned", "handed to the policy's department");
    assert_eq!(o["order"]["department_id"], department.department_id.unwrap());
    assert!(o["order"]["escalated_at"].is_string());
    assert!(o["order"]["description"].as_str().unwrap().contains("15万元未兑现"), "{}", o["order"]["description"]);
    let actions: Vec<&str> = o["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["file", "escalate", "assign"]);
    let (_, supervised) = app.get("/api/v1/supervision?per_page=200", &token).await;
    assert!(supervised["items"].as_array().unwrap().iter().any(|o| o["id"] == order_id), "on the leader's supervision list");
    let overdue = policy::overdue_applications(&tuesday, &leader, &zonedesk::store::PageRequest { page: Some(1), per_page: Some(200) }).await.unwrap();
    assert!(overdue.items.iter().any(|x| x.id == a.id));
    // paid in full afterwards, it is no longer overdue; the order stays for the department to close
    let a = policy::get_application(&app.db, &leader, a.id).await.unwrap().application;
    let rest = policy::DisbursementInput { version: a.version, amount_wan: 15.0, ..Default::default() };
    let paid = policy::disburse(&at(&app, datetime!(2027-11-10 10:00 +8)), &department, a.id, &rest).await.unwrap();
    assert_eq!(paid.application.state, "paid");
    assert_eq!(orders_of(&app, a.id).await, 1);
}

async fn an_enterprise_applies_through_the_pages_and_the_leader_supervises(app: TestApp) {
    let browser = common::browser_client();
    common::page_log_in(&app, &browser, "hengfeng").await;
    let (s, catalogue) = {
        let res = browser.get(app.url("/policies")).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    };
    assert_eq!(s, StatusCode::OK);
    for name in ["出口总量补贴", "出口增量奖励", "海外市场拓展补助", "贷款贴息", "出口退税资金池", "中小微外贸企业纾困资金池", "主办银行制度"]
    {
        assert!(catalogue.contains(name), "{name}");
    }
    let token = app.token("hengfeng").await;
    let growth = policy_named(&app, &token, "出口增量奖励").await;
    let pid = growth["policy"]["id"].as_i64().unwrap();
    let show = browser.get(app.url(&format!("/policies/{pid}"))).send().await.unwrap().text().await.unwrap();
    assert!(show.contains("id=\"apply-form\""));
    let csrf = common::hidden_value(&show, "_csrf").unwrap();
    let pid = pid.to_string();
    let docs = growth["documents"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()).collect::<Vec<_>>();
    // a missing document is named beside the documents, and nothing is stored
    let before = app.count("policy_applications").await;
    let partial = [("_csrf", csrf.as_str()), ("policy_id", pid.as_str()), ("amount_wan", "12"), ("doc_0", docs[0].as_str())];
    let res = browser.post(app.url("/policy-applications")).form(&partial).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("缺少申报材料"));
    assert_eq!(app.count("policy_applications").await, before);
    let full = [("_csrf", csrf.as_str()), ("policy_id", pid.as_str()), ("amount_wan", "12"), ("doc_0", docs[0].as_str()), ("doc_1", docs[1].as_str())];
    let res = browser.post(app.url("/policy-applications")).form(&full).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let mine = browser.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("待审核") && mine.contains("出口增量奖励"));
    // the same application again: refused, the page says why
    let res = browser.post(app.url("/policy-applications")).form(&full).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("办结前不能重复申报"));
    assert_eq!(app.count("policy_applications").await, before + 1);
    let list = browser.get(app.url("/policy-applications")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("我的申报") && !list.contains("濮阳中原羽绒制品有限公司"));

    // the department pays too much through the page: the message is beside the amount
    let dept = common::browser_client();
    common::page_log_in(&app, &dept, "department").await;
    let page = dept.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"review-form\""));
    let csrf = common::hidden_value(&page, "_csrf").unwrap();
    let res = dept
        .post(app.url(&format!("{location}/review")))
        .form(&[("_csrf", csrf.as_str()), ("decision", "approve"), ("version", "1"), ("approved_amount_wan", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = dept
        .post(app.url(&format!("{location}/disbursements")))
        .form(&[("_csrf", csrf.as_str()), ("version", "2"), ("amount_wan", "11")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"pay-amount-error\""));

    let leader = common::browser_client();
    common::page_log_in(&app, &leader, "leader").await;
    let res = leader.get(app.url("/policy-supervision?as_of=2020-03-19")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("贷款贴息") && html.contains("id=\"overdue-count\">1<"), "one overdue payment on 19 March");
    for path in ["/policies/new", &format!("/policies/{pid}/edit"), "/policy-applications?overdue=true"] {
        assert_eq!(leader.get(app.url(path)).send().await.unwrap().status(), StatusCode::OK, "{path}");
    }
    leader.get(app.url("/lang/en?next=/")).send().await.unwrap();
    let english = leader.get(app.url("/policy-supervision")).send().await.unwrap().text().await.unwrap();
    assert!(english.contains("Policy supervision"), "{english}");
}

on_both_databases!(
    an_enterprise_applies_through_the_pages_and_the_leader_supervises,
    an_enterprise_applies_and_is_approved_and_paid,
    bad_applications_and_payments_are_refused_and_nothing_is_stored,
    an_enterprise_cannot_see_another_enterprises_application,
    supervision_counts_each_policys_take_up,
    an_overdue_payment_becomes_exactly_one_escalated_order,
);
