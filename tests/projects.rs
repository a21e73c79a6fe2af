//! Key projects (重点项目调度) through HTTP on both databases: scheduling a
//! project, factor needs raised as work orders, the slippage view, bad input
//! refused with nothing stored, and who sees which project.

mod common;

use std::sync::Arc;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zonedesk::app::clock::WorkContext;
use zonedesk::app::{auth, project};
use zonedesk::domain::calendar::WorkCalendar;
use zonedesk::store::project::ProjectFilter;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

async fn project_id(app: &TestApp, name: &str) -> i64 {
    let leader = app.token("leader").await;
    let (_, list) = app.get(&format!("/api/v1/projects?per_page=200&q={}", common::urlencode(name)), &leader).await;
    list["items"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name} in demo"))["id"].as_i64().unwrap()
}

fn new_project(owner: i64) -> Value {
    json!({"name": "龙城商务中心项目", "kind": "construction", "owner_enterprise_id": owner, "investment_wan": 12500.5,
        "start_on": "2020-03-01", "planned_end_on": "2021-06-30", "progress_pct": 5, "location": "开发区皇甫路西段"})
}

async fn a_project_is_scheduled_and_its_factor_needs_become_orders(app: TestApp) {
    let leader = app.token("leader").await;
    let owner = app.enterprise_id("濮阳龙城建设工程有限公司").await;
    let (s, p) = post(&app, &leader, "/api/v1/projects", new_project(owner)).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["investment_wan"], 12500.5);
    assert_eq!(p["township_name"], "皇甫办事处", "the owner's township by default");
    assert_eq!(p["owner_name"], "濮阳龙城建设工程有限公司");

    let (s, m) = post(&app, &leader, &format!("/api/v1/projects/{id}/milestones"), json!({"name": "基础施工完成", "planned_on": "2020-05-31"})).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, m2) =
        post(&app, &leader, &format!("/api/v1/projects/{id}/milestones"), json!({"name": "开工", "planned_on": "2020-03-01", "actual_on": "2020-03-05"})).await;
    assert_eq!(s, StatusCode::CREATED, "{m2}");
    assert_eq!(m2["days_late"], 4);
    let (s, permit) = post(
        &app,
        &leader,
        &format!("/api/v1/projects/{id}/permits"),
        json!({"name": "建筑工程施工许可证", "authority": "规划建设局", "due_on": "2020-04-30"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{permit}");
    assert_eq!(permit["status"], "pending");
    let (s, _) = post(&app, &leader, &format!("/api/v1/projects/{id}/notes"), json!({"noted_on": "2020-03-18", "text": "现场调度，要求倒排工期"})).await;
    assert_eq!(s, StatusCode::CREATED);

    // a factor need is a work order of the owner, linked back to the project
    let (s, filed) = post(
        &app,
        &leader,
        &format!("/api/v1/projects/{id}/factor-needs"),
        json!({"kind": "approval", "title": "协调加快施工许可审批", "description": "影响基础施工"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    let order = &filed["order"];
    assert_eq!(order["source"], "project");
    assert_eq!(order["source_ref"], id);
    assert_eq!(order["category_code"], "permits");
    assert_eq!(order["enterprise_id"], owner);
    let order_id = order["id"].as_i64().unwrap();
    let (s, o) = app.get(&format!("/api/v1/work-orders/{order_id}"), &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert!(o["order"]["description"].as_str().unwrap().contains("龙城商务中心项目"));
    let (_, by_source) = app.get(&format!("/api/v1/work-orders?source=project&enterprise_id={owner}"), &leader).await;
    assert!(by_source["items"].as_array().unwrap().iter().any(|o| o["id"] == order_id));

    let (s, detail) = app.get(&format!("/api/v1/projects/{id}"), &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(detail["milestones"].as_array().unwrap().len(), 2);
    assert_eq!(detail["milestones"][0]["name"], "开工", "in planned order");
    assert_eq!(detail["permits"][0]["name"], "建筑工程施工许可证");
    assert_eq!(detail["notes"][0]["noted_on"], "2020-03-18");
    assert_eq!(detail["factor_needs"][0]["order_id"], order_id);
    assert_eq!(detail["project"]["open_needs"], 1);

    // an update names the version it read; a stale one is refused
    let mut change = new_project(owner);
    change["progress_pct"] = json!(12);
    change["version"] = json!(1);
    let (s, updated) = app.call(Method::PUT, &format!("/api/v1/projects/{id}"), Some(&leader), Some(change.clone())).await;
    assert_eq!(s, StatusCode::OK, "{updated}");
    assert_eq!(updated["progress_pct"], 12);
    let (s, body) = app.call(Method::PUT, &format!("/api/v1/projects/{id}"), Some(&leader), Some(change)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "stale_version");

    // a milestone is changed with its version, and removed
    let mid = m["id"].as_i64().unwrap();
    let (s, m) = app
        .call(
            Method::PUT,
            &format!("/api/v1/project-milestones/{mid}"),
            Some(&leader),
            Some(json!({"name": "基础施工完成", "planned_on": "2020-05-31", "actual_on": "2020-05-28", "version": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["actual_on"], "2020-05-28");
    assert!(m["days_late"].is_null());
    let (s, _) = app.call(Method::DELETE, &format!("/api/v1/project-milestones/{mid}"), Some(&leader), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, detail) = app.get(&format!("/api/v1/projects/{id}"), &leader).await;
    assert_eq!(detail["milestones"].as_array().unwrap().len(), 1);
}

async fn bad_project_input_is_refused_and_nothing_is_stored(app: TestApp) {
    let leader = app.token("leader").await;
    let owner = app.enterprise_id("濮阳龙城建设工程有限公司").await;
    let (projects, milestones) = (app.count("projects").await, app.count("project_milestones").await);

    let mut bad = new_project(owner);
    bad["kind"] = json!("bridge");
    bad["planned_end_on"] = json!("2020-02-01");
    bad["progress_pct"] = json!(120);
    let (s, body) = post(&app, &leader, "/api/v1/projects", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["kind", "planned_end_on", "progress_pct"]);
    let mut unknown_owner = new_project(owner);
    unknown_owner["owner_enterprise_id"] = json!(999_999);
    let (s, body) = post(&app, &leader, "/api/v1/projects", unknown_owner).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "owner_enterprise_id");
    assert_eq!(app.count("projects").await, projects);

    // a milestone planned before the project's start: 422 naming the field
    let id = project_id(&app, "开州路与濮范高速互通立交项目").await;
    let (s, body) = post(&app, &leader, &format!("/api/v1/projects/{id}/milestones"), json!({"name": "前期准备", "planned_on": "2019-09-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "planned_on");
    assert!(body["error"]["message"].as_str().unwrap().contains("2019-09-26"));
    let (s, body) = post(&app, &leader, &format!("/api/v1/projects/{id}/milestones"), json!({"name": "x", "planned_on": "2020-13-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "planned_on");
    let (s, body) =
        post(&app, &leader, &format!("/api/v1/projects/{id}/milestones"), json!({"name": "x", "planned_on": "2020-04-01", "actual_on": "2099-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "actual_on");
    assert_eq!(app.count("project_milestones").await, milestones);

    // the start cannot move past a milestone already planned
    let (_, detail) = app.get(&format!("/api/v1/projects/{id}"), &leader).await;
    let p = &detail["project"];
    let body = json!({"name": p["name"], "kind": p["kind"], "owner_enterprise_id": p["owner_enterprise_id"], "investment_wan": p["investment_wan"],
        "start_on": "2020-01-01", "planned_end_on": p["planned_end_on"], "progress_pct": p["progress_pct"], "version": p["version"]});
    let (s, body) = app.call(Method::PUT, &format!("/api/v1/projects/{id}"), Some(&leader), Some(body)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "start_on");

    // a factor need of an unknown kind; a permit moving backwards
    let orders = app.count("work_orders").await;
    let (s, body) = post(&app, &leader, &format!("/api/v1/projects/{id}/factor-needs"), json!({"kind": "weather", "title": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "kind");
    let (s, _) = post(&app, &leader, &format!("/api/v1/projects/{id}/factor-needs"), json!({"kind": "labour", "title": ""})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("work_orders").await, orders);
    let approved = detail["permits"].as_array().unwrap().iter().find(|p| p["status"] == "approved").unwrap().clone();
    let body = json!({"name": approved["name"], "authority": approved["authority"], "status": "in_progress", "due_on": approved["due_on"], "version": approved["version"]});
    let (s, body) = app.call(Method::PUT, &format!("/api/v1/project-permits/{}", approved["id"]), Some(&leader), Some(body)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "illegal_transition");
    assert_eq!(app.get(&format!("/api/v1/projects/{id}"), &leader).await.1["permits"], detail["permits"], "nothing changed");
}

async fn slippage_shows_late_milestones_and_stalled_permits_as_of_the_business_day(app: TestApp) {
    // the demo's 19 March 2020, through the use case with that day's context
    let cx = WorkContext { db: app.db.clone(), calendar: Arc::new(WorkCalendar::shipped()), now: time::macros::datetime!(2020-03-19 10:00 +8) };
    let user = zonedesk::store::users::find_user_by_username(&app.db, "leader").await.unwrap().unwrap();
    let leader = auth::actor_of(&user);
    let slip = project::slippage(&cx, &leader, ProjectFilter::default()).await.unwrap();
    assert_eq!(slip.as_of, "2020-03-19");
    let late = slip.milestones.iter().find(|s| s.name == "匝道桥下部结构完成").expect("the interchange's late milestone");
    assert_eq!((late.project_name.as_str(), late.days_late), ("开州路与濮范高速互通立交项目", 4));
    let stalled = slip.permits.iter().find(|s| s.name == "高速公路涉路施工许可").expect("the stalled permit");
    assert_eq!((stalled.days_late, stalled.status.as_deref()), (9, Some("in_progress")));
    assert!(slip.milestones.iter().all(|s| s.name != "揭牌开园"), "reached on time");
    assert!(slip.milestones.iter().all(|s| s.name != "首批企业入园"), "not due yet");
    let detail = project::get_project(&cx, &leader, late.project_id).await.unwrap();
    assert_eq!(detail.project.late_milestones, 1);
    assert_eq!(detail.project.stalled_permits, 1);
    assert!(detail.notes.iter().any(|n| n.noted_on == "2020-03-18" && n.text.contains("现场调研")));
    assert!(detail.factor_needs.len() >= 2);

    // through HTTP (today's real date): a new project's overdue milestone and permit
    let token = app.token("leader").await;
    let owner = app.enterprise_id("濮阳龙城建设工程有限公司").await;
    let id = post(&app, &token, "/api/v1/projects", new_project(owner)).await.1["id"].as_i64().unwrap();
    post(&app, &token, &format!("/api/v1/projects/{id}/milestones"), json!({"name": "地下室完成", "planned_on": "2020-06-30"})).await;
    post(
        &app,
        &token,
        &format!("/api/v1/projects/{id}/permits"),
        json!({"name": "人防审批", "authority": "人防办", "status": "in_progress", "due_on": "2020-04-01"}),
    )
    .await;
    let (s, slip) = app.get("/api/v1/projects/slippage?kind=construction", &token).await;
    assert_eq!(s, StatusCode::OK, "{slip}");
    assert!(slip["milestones"].as_array().unwrap().iter().any(|m| m["project_id"] == id && m["name"] == "地下室完成" && m["days_late"].as_i64() > Some(0)));
    assert!(slip["permits"].as_array().unwrap().iter().any(|m| m["project_id"] == id && m["authority"] == "人防办"));
    let (_, slipping) = app.get("/api/v1/projects?slipping=true&per_page=200", &token).await;
    assert!(slipping["items"].as_array().unwrap().iter().any(|p| p["id"] == id));
    assert_eq!(app.get("/api/v1/projects/slippage?kind=bridge", &token).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // an enterprise's slippage is its own projects'
    let hengfeng = app.token("hengfeng").await;
    let (_, own) = app.get("/api/v1/projects/slippage", &hengfeng).await;
    for s in own["milestones"].as_array().unwrap().iter().chain(own["permits"].as_array().unwrap()) {
        assert_eq!(s["owner_name"], "恒丰电子");
    }
}

async fn projects_are_seen_and_changed_only_by_those_they_concern(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let township = app.token("township").await;
    let officer = app.token("officer").await;
    let department = app.token("department").await;
    let volunteer = app.token("volunteer").await;
    let leader = app.token("leader").await;
    let interchange = project_id(&app, "开州路与濮范高速互通立交项目").await;
    let own = project_id(&app, "恒丰电子均苯四甲酸酐扩产技改项目").await;
    let xinxi = project_id(&app, "雪汇食品冷链物流中心项目").await;

    let (s, list) = app.get("/api/v1/projects", &hengfeng).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], own);
    assert_eq!(app.get(&format!("/api/v1/projects/{interchange}"), &hengfeng).await.0, StatusCode::FORBIDDEN);
    let other_owner = app.enterprise_id("濮阳开州路桥工程有限公司").await;
    assert_eq!(app.get(&format!("/api/v1/projects?owner_enterprise_id={other_owner}"), &hengfeng).await.0, StatusCode::FORBIDDEN);
    let (_, list) = app.get("/api/v1/projects", &township).await;
    assert!(list["items"].as_array().unwrap().iter().all(|p| p["township_name"] == "新习镇"));
    assert!(list["items"].as_array().unwrap().iter().any(|p| p["id"] == xinxi));
    assert_eq!(app.get(&format!("/api/v1/projects/{interchange}"), &township).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/projects/{own}"), &officer).await.0, StatusCode::OK, "恒丰电子's officer");
    assert_eq!(app.get(&format!("/api/v1/projects/{interchange}"), &officer).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/projects/{interchange}"), &department).await.0, StatusCode::OK);
    assert_eq!(app.get("/api/v1/projects", &volunteer).await.0, StatusCode::FORBIDDEN);

    // the owner reports its progress, and only that
    let (_, detail) = app.get(&format!("/api/v1/projects/{own}"), &hengfeng).await;
    let p = &detail["project"];
    let body = json!({"name": "改名", "kind": "real_estate", "owner_enterprise_id": p["owner_enterprise_id"], "investment_wan": 1,
        "start_on": p["start_on"], "planned_end_on": p["planned_end_on"], "progress_pct": 40, "version": p["version"]});
    let (s, after) = app.call(Method::PUT, &format!("/api/v1/projects/{own}"), Some(&hengfeng), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!((after["progress_pct"].as_i64(), after["name"].as_str(), after["kind"].as_str()), (Some(40), p["name"].as_str(), Some("industrial")));

    // writes the role or the row does not allow change nothing
    let before = (app.count("projects").await, app.count("work_orders").await, app.count("project_milestones").await);
    let owner = app.enterprise_id("恒丰电子").await;
    assert_eq!(post(&app, &hengfeng, "/api/v1/projects", new_project(owner)).await.0, StatusCode::FORBIDDEN);
    let lc = app.enterprise_id("濮阳龙城建设工程有限公司").await;
    assert_eq!(post(&app, &township, "/api/v1/projects", new_project(lc)).await.0, StatusCode::FORBIDDEN, "not its township");
    let need = json!({"kind": "labour", "title": "缺工"});
    assert_eq!(post(&app, &hengfeng, &format!("/api/v1/projects/{own}/factor-needs"), need.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &township, &format!("/api/v1/projects/{interchange}/factor-needs"), need.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &department, &format!("/api/v1/projects/{interchange}/factor-needs"), need).await.0, StatusCode::FORBIDDEN);
    let m = json!({"name": "x", "planned_on": "2020-06-01"});
    assert_eq!(post(&app, &hengfeng, &format!("/api/v1/projects/{own}/milestones"), m.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &officer, &format!("/api/v1/projects/{own}/milestones"), m).await.0, StatusCode::FORBIDDEN);
    assert_eq!(before, (app.count("projects").await, app.count("work_orders").await, app.count("project_milestones").await));
    // the township schedules its own township's project
    let (s, filed) = post(&app, &township, &format!("/api/v1/projects/{xinxi}/factor-needs"), json!({"kind": "logistics", "title": "冷库建材运输通行"})).await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    assert_eq!(filed["order"]["source"], "project");
    assert_eq!(app.get(&format!("/api/v1/projects/{xinxi}"), &leader).await.1["project"]["open_needs"], 1);
}

async fn project_pages_render_and_show_errors_beside_their_fields(app: TestApp) {
    let browser = common::browser_client();
    common::page_log_in(&app, &browser, "leader").await;
    let page = |path: &str| {
        let (browser, url) = (browser.clone(), app.url(path));
        async move {
            let res = browser.get(url).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (s, list) = page("/projects").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("开州路与濮范高速互通立交项目") && list.contains("重点项目调度"));
    let (s, filtered) = page("/projects?kind=shantytown").await;
    assert_eq!(s, StatusCode::OK);
    assert!(filtered.contains("安居小区棚户区改造项目") && !filtered.contains("开州路与濮范高速互通立交项目"));
    let (_, none) = page("/projects?q=%E4%B8%8D%E5%AD%98%E5%9C%A8").await;
    assert!(none.contains("没有符合条件的重点项目"), "the empty state says what to do");
    let id = project_id(&app, "开州路与濮范高速互通立交项目").await;
    let (s, show) = page(&format!("/projects/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    for text in ["匝道桥下部结构完成", "高速公路涉路施工许可", "A型单喇叭+T型", "现场调研", "互通立交项目急需钢筋工"] {
        assert!(show.contains(text), "{text}");
    }
    assert_eq!(page("/projects/slippage").await.0, StatusCode::OK);
    assert_eq!(page(&format!("/projects/{id}/edit")).await.0, StatusCode::OK);
    assert_eq!(page("/projects/new").await.0, StatusCode::OK);

    // a milestone before the start comes back beside its field, and nothing is stored
    let csrf = common::hidden_value(&show, "_csrf").unwrap();
    let before = app.count("project_milestones").await;
    let res = browser
        .post(app.url(&format!("/projects/{id}/milestones")))
        .form(&[("_csrf", csrf.as_str()), ("name", "前期准备"), ("planned_on", "2019-09-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"planned_on-error\"") && html.contains("计划日期不能早于项目开工日期"), "the message is beside the field");
    assert!(html.contains("value=\"前期准备\""), "the form keeps what was typed");
    assert_eq!(app.count("project_milestones").await, before);
    let res = browser
        .post(app.url(&format!("/projects/{id}/milestones")))
        .form(&[("_csrf", csrf.as_str()), ("name", "匝道桥上部结构完成"), ("planned_on", "2020-06-30")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("project_milestones").await, before + 1);
    // a project form with a bad number is a field error, not a 400
    let res = browser.post(app.url("/projects")).form(&[("_csrf", csrf.as_str()), ("name", "x"), ("investment_wan", "很多")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // in English
    browser.get(app.url("/lang/en?next=/")).send().await.unwrap();
    let english = browser.get(app.url("/projects")).send().await.unwrap().text().await.unwrap();
    assert!(english.contains("Key projects") && english.contains("Shantytown redevelopment"), "{english}");
    // the owner enterprise sees its own project and the progress-only form
    let owner = common::browser_client();
    common::page_log_in(&app, &owner, "hengfeng").await;
    let nav = owner.get(app.url("/projects")).send().await.unwrap().text().await.unwrap();
    assert!(nav.contains("恒丰电子均苯四甲酸酐扩产技改项目") && !nav.contains("开州路与濮范高速互通立交项目"));
    let res = owner.get(app.url(&format!("/projects/{id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

on_both_databases!(
    project_pages_render_and_show_errors_beside_their_fields,
    a_project_is_scheduled_and_its_factor_needs_become_orders,
    bad_project_input_is_refused_and_nothing_is_stored,
    slippage_shows_late_milestones_and_stalled_permits_as_of_the_business_day,
    projects_are_seen_and_changed_only_by_those_they_concern,
);
