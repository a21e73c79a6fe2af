//! One-to-one tutoring (结对帮扶) through HTTP on both databases: the optimal
//! pairing against the domain's optimum, a volunteer's own rows, overrides,
//! never pairing a child twice, session logs, bad input and the pages.

mod common;

use std::collections::HashMap;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use zonedesk::domain::tutoring::{ChildCategory, Coordinates, Pupil, SubjectSet, Tutor, plan_pairings};

/// Every item of a paginated list.
async fn all(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    for page in 1.. {
        let (s, body) = app.get(&format!("{path}{sep}per_page=200&page={page}"), token).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
        let got = body["items"].as_array().unwrap().clone();
        let total = body["total"].as_i64().unwrap() as usize;
        items.extend(got);
        if items.len() >= total {
            return items;
        }
    }
    unreachable!()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

async fn create(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let (s, v) = post(app, token, path, body).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {v}");
    v["id"].as_i64().unwrap()
}

fn fields(body: &Value) -> Vec<&str> {
    body["error"]["fields"].as_array().map(|f| f.iter().map(|x| x["field"].as_str().unwrap()).collect()).unwrap_or_default()
}

/// The pairing problem a run solves, as the API shows it: the free places of
/// active volunteers and the children without an accepted pairing (a run
/// withdraws open proposals first), and the rules.
async fn problem(app: &TestApp, admin: &str) -> (Vec<Tutor>, Vec<Pupil>, Vec<(i64, i64)>, Vec<(i64, i64)>) {
    let subjects = |v: &Value| SubjectSet::parse([v.as_str().unwrap()]).unwrap();
    let villages = app.get("/api/v1/village-locations", admin).await.1["items"].as_array().unwrap().clone();
    let location = |r: &Value| {
        villages
            .iter()
            .find(|l| l["township_id"] == r["township_id"] && l["village"] == r["village"])
            .and_then(|l| Some(Coordinates { latitude: l["latitude"].as_f64()?, longitude: l["longitude"].as_f64()? }))
    };
    let accepted = all(app, admin, "/api/v1/pairings?status=accepted").await;
    let taken = |volunteer: i64| accepted.iter().filter(|p| p["volunteer_id"] == volunteer).count() as i64;
    let tutors = all(app, admin, "/api/v1/volunteers?active=true")
        .await
        .iter()
        .map(|v| (v, v["capacity"].as_i64().unwrap() - taken(v["id"].as_i64().unwrap())))
        .filter(|(_, places)| *places > 0)
        .map(|(v, places)| Tutor {
            id: v["id"].as_i64().unwrap(),
            township_id: v["township_id"].as_i64().unwrap(),
            village: v["village"].as_str().unwrap().into(),
            location: location(v),
            subjects: subjects(&v["subjects"]),
            grade_min: v["grade_min"].as_i64().unwrap(),
            grade_max: v["grade_max"].as_i64().unwrap(),
            places: places as u32,
        })
        .collect();
    let pupils = all(app, admin, "/api/v1/children")
        .await
        .iter()
        .filter(|c| !accepted.iter().any(|p| p["child_id"] == c["id"]))
        .map(|c| Pupil {
            id: c["id"].as_i64().unwrap(),
            township_id: c["township_id"].as_i64().unwrap(),
            village: c["village"].as_str().unwrap().into(),
            location: location(c),
            grade: c["grade"].as_i64().unwrap(),
            subjects: subjects(&c["subjects"]),
            category: ChildCategory::parse(c["category"].as_str().unwrap()).unwrap(),
        })
        .collect();
    let rules = app.get("/api/v1/pairing-rules", admin).await.1["items"].as_array().unwrap().clone();
    let of = |kind: &str| rules.iter().filter(|r| r["rule"] == kind).map(|r| (r["volunteer_id"].as_i64().unwrap(), r["child_id"].as_i64().unwrap())).collect();
    (tutors, pupils, of("pin"), of("forbid"))
}

/// A township of its own, so that the fixture's costs to the demo's people are all "elsewhere".
async fn fixture_township(app: &TestApp, admin: &str) -> i64 {
    create(app, admin, "/api/v1/townships", json!({"name": "试验镇", "kind": "zhen"})).await
}

async fn the_api_pairing_is_the_domain_optimum(app: TestApp) {
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    let t = fixture_township(&app, &admin).await;
    // First come, first served gives 甲 the volunteer of its own village (cost 0)
    // and leaves 乙 one who cannot teach physics and is five grades short (720);
    // the optimum pairs each with the other village's volunteer (300 + 300).
    let v1 = create(
        &app,
        &admin,
        "/api/v1/volunteers",
        json!({"name": "试验志愿者一", "subjects": ["math", "physics"], "grade_min": 1, "grade_max": 12, "township_id": t, "village": "甲村"}),
    )
    .await;
    let v2 = create(
        &app,
        &admin,
        "/api/v1/volunteers",
        json!({"name": "试验志愿者二", "subjects": ["math"], "grade_min": 1, "grade_max": 6, "township_id": t, "village": "丙村"}),
    )
    .await;
    let c1 = create(
        &app,
        &admin,
        "/api/v1/children",
        json!({"name": "试验儿童甲", "grade": 3, "subjects": ["math"], "category": "left_behind", "township_id": t, "village": "甲村"}),
    )
    .await;
    let c2 = create(
        &app,
        &admin,
        "/api/v1/children",
        json!({"name": "试验儿童乙", "grade": 11, "subjects": ["physics"], "category": "poor_family", "township_id": t, "village": "乙村"}),
    )
    .await;
    let (tutors, pupils, pins, bans) = problem(&app, &admin).await;

    let (s, run) = post(&app, &leader, "/api/v1/pairings/compute", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{run}");
    let plan = plan_pairings(&tutors, &pupils, &pins, &bans);
    assert_eq!(run["total_cost"].as_i64().unwrap(), plan.total_cost, "the run's cost is the domain's optimum");
    assert_eq!(run["proposed"].as_array().unwrap().len(), plan.pairs.len());
    assert_eq!(run["unpaired_priority"], 0, "no priority child is left behind while places remain");

    let pairs = all(&app, &admin, &format!("/api/v1/pairings?township_id={t}&status=proposed")).await;
    let got: HashMap<i64, i64> = pairs.iter().map(|p| (p["child_id"].as_i64().unwrap(), p["volunteer_id"].as_i64().unwrap())).collect();
    assert_eq!(got.get(&c1), Some(&v2), "{pairs:?}");
    assert_eq!(got.get(&c2), Some(&v1), "the optimum, not first come first served");
    let p = pairs.iter().find(|p| p["child_id"] == c1).unwrap();
    assert_eq!((p["place"].as_str(), p["origin"].as_str(), p["cost"].as_i64()), (Some("same_township"), Some("computed"), Some(300)));
}

async fn a_volunteer_sees_only_its_own_pairings(app: TestApp) {
    let volunteer = app.token("volunteer").await;
    let admin = app.token("admin").await;
    let (s, mine) = app.get("/api/v1/volunteers", &volunteer).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["total"], 1, "a volunteer sees its own record only: {mine}");
    let own = mine["items"][0]["id"].as_i64().unwrap();
    assert_eq!(mine["items"][0]["village"], "仓上村");

    let (s, list) = app.get("/api/v1/pairings?per_page=200", &volunteer).await;
    assert_eq!(s, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the two siblings of the same village: {list}");
    assert!(items.iter().all(|p| p["volunteer_id"] == own && p["place"] == "same_village" && p["status"] == "accepted"));
    // another volunteer's pairing, its children and the other volunteers are not the volunteer's
    let others = all(&app, &admin, "/api/v1/pairings?status=accepted").await;
    let other = others.iter().find(|p| p["volunteer_id"] != own).unwrap()["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/pairings/{other}"), &volunteer).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/pairings?volunteer_id={}", others[0]["volunteer_id"]), &volunteer).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/children", &volunteer).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Method::POST, "/api/v1/pairings/compute", Some(&volunteer), None).await.0, StatusCode::FORBIDDEN);

    // it logs a session of its own pairing, not of another's
    let mine = items[0]["id"].as_i64().unwrap();
    let session = json!({"held_on": "2020-03-20", "minutes": 90, "topic": "online_class", "note": "到同村姐弟家中辅导上网课"});
    let (s, logged) = post(&app, &volunteer, &format!("/api/v1/pairings/{mine}/sessions"), session.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{logged}");
    assert_eq!(logged["topic"], "online_class");
    let (s, _) = post(&app, &volunteer, &format!("/api/v1/pairings/{other}/sessions"), session).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, detail) = app.get(&format!("/api/v1/pairings/{mine}"), &volunteer).await;
    assert!(detail["sessions"].as_array().unwrap().iter().any(|x| x["held_on"] == "2020-03-20"));
}

async fn a_volunteer_account_sees_nothing_until_bound_to_its_record(app: TestApp) {
    let admin = app.token("admin").await;
    let (s, body) = post(&app, &admin, "/api/v1/users", json!({"username": "vol2", "password": "s3cret", "role": "volunteer", "scope_id": 999_999})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("scope_id")));
    let (s, user) = post(&app, &admin, "/api/v1/users", json!({"username": "vol2", "password": "s3cret", "role": "volunteer"})).await;
    assert_eq!(s, StatusCode::CREATED, "{user}");
    let (_, t) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "vol2", "password": "s3cret"}))).await;
    let token = t["token"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/pairings", &token).await.1["total"], 0);
    assert_eq!(app.get("/api/v1/volunteers", &token).await.1["total"], 0);

    let paired = all(&app, &admin, "/api/v1/pairings?status=accepted").await;
    let volunteer = paired[0]["volunteer_id"].as_i64().unwrap();
    let leader = app.token("leader").await;
    let path = format!("/api/v1/volunteers/{volunteer}/account");
    assert_eq!(post(&app, &leader, &path, json!({"user_id": user["id"]})).await.0, StatusCode::FORBIDDEN, "admin only");
    let hengfeng = app.get("/api/v1/me", &app.token("hengfeng").await).await.1["id"].clone();
    let (s, body) = post(&app, &admin, &path, json!({"user_id": hengfeng})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id")), "an enterprise contact is no volunteer");
    let (s, bound) = post(&app, &admin, &path, json!({"user_id": user["id"]})).await;
    assert_eq!(s, StatusCode::OK, "{bound}");
    assert_eq!(bound["volunteer_id"], volunteer);
    let mine = all(&app, &token, "/api/v1/pairings").await;
    assert!(!mine.is_empty() && mine.iter().all(|p| p["volunteer_id"] == volunteer));
}

async fn other_roles_see_no_childrens_data(app: TestApp) {
    for user in ["department", "officer", "hengfeng", "isolation"] {
        let token = app.token(user).await;
        for path in ["/api/v1/children", "/api/v1/volunteers", "/api/v1/pairings", "/api/v1/pairings/1", "/api/v1/tutoring-figures"] {
            let (s, body) = app.get(path, &token).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{user} {path}: {body}");
            assert_eq!(body["error"]["code"], "forbidden");
        }
    }
    // a township's task force sees its own township's children only
    let township = app.token("township").await;
    let own = app.get("/api/v1/me", &township).await.1["township_id"].as_i64().unwrap();
    let children = all(&app, &township, "/api/v1/children").await;
    assert!(!children.is_empty() && children.iter().all(|c| c["township_id"] == own));
    let other = app.get("/api/v1/townships", &township).await.1["items"].as_array().unwrap().iter().find(|t| t["id"] != own).unwrap()["id"].clone();
    assert_eq!(app.get(&format!("/api/v1/children?township_id={other}"), &township).await.0, StatusCode::FORBIDDEN);
}

async fn a_child_is_never_paired_twice(app: TestApp) {
    let admin = app.token("admin").await;
    let t = fixture_township(&app, &admin).await;
    let v = create(
        &app,
        &admin,
        "/api/v1/volunteers",
        json!({"name": "满员志愿者", "subjects": ["chinese"], "grade_min": 1, "grade_max": 9, "township_id": t, "village": "甲村", "capacity": 1}),
    )
    .await;
    // a child the demo paired already
    let paired = all(&app, &admin, "/api/v1/pairings?status=accepted").await;
    let child = paired[0]["child_id"].as_i64().unwrap();
    let before = app.count("pairings").await;
    let (s, body) = post(&app, &admin, "/api/v1/pairings", json!({"volunteer_id": v, "child_id": child})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["field"], "child_id");
    assert_eq!(app.count("pairings").await, before);

    // a full volunteer takes no more
    let a = create(
        &app,
        &admin,
        "/api/v1/children",
        json!({"name": "儿童子", "grade": 2, "subjects": ["chinese"], "category": "poor_family", "township_id": t, "village": "甲村"}),
    )
    .await;
    let b = create(
        &app,
        &admin,
        "/api/v1/children",
        json!({"name": "儿童丑", "grade": 2, "subjects": ["chinese"], "category": "poor_family", "township_id": t, "village": "甲村"}),
    )
    .await;
    let (s, p) = post(&app, &admin, "/api/v1/pairings", json!({"volunteer_id": v, "child_id": a})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!((p["status"].as_str(), p["origin"].as_str()), (Some("accepted"), Some("manual")));
    let (s, body) = post(&app, &admin, "/api/v1/pairings", json!({"volunteer_id": v, "child_id": b})).await;
    assert_eq!((s, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("volunteer_full")));
    let (s, body) = post(&app, &admin, "/api/v1/pairings", json!({"volunteer_id": v, "child_id": a})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::CONFLICT, Some("child_id")));
    // ending the pairing frees both
    let (s, body) = post(&app, &admin, &format!("/api/v1/pairings/{}/end", p["id"]), json!({})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
    let (s, _) = post(&app, &admin, &format!("/api/v1/pairings/{}/end", p["id"]), json!({"reason": "儿童已复学"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = post(&app, &admin, &format!("/api/v1/pairings/{}/end", p["id"]), json!({"reason": "再次结束"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = post(&app, &admin, "/api/v1/pairings", json!({"volunteer_id": v, "child_id": b})).await;
    assert_eq!(s, StatusCode::CREATED);
}

async fn recomputing_keeps_accepted_pairs_and_honours_pins_and_bans(app: TestApp) {
    let admin = app.token("admin").await;
    let accepted = |items: Vec<Value>| {
        let mut ids: Vec<i64> = items.iter().map(|p| p["id"].as_i64().unwrap()).collect();
        ids.sort_unstable();
        ids
    };
    let before = accepted(all(&app, &admin, "/api/v1/pairings?status=accepted").await);
    let (s, run) = post(&app, &admin, "/api/v1/pairings/compute", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{run}");
    assert_eq!(run["kept"].as_i64().unwrap() as usize, before.len());
    assert_eq!(accepted(all(&app, &admin, "/api/v1/pairings?status=accepted").await), before, "accepted pairs survive a recompute");

    let proposed = all(&app, &admin, "/api/v1/pairings?status=proposed").await;
    assert!(!proposed.is_empty());
    let banned = (proposed[0]["volunteer_id"].as_i64().unwrap(), proposed[0]["child_id"].as_i64().unwrap());
    create(&app, &admin, "/api/v1/pairing-rules", json!({"volunteer_id": banned.0, "child_id": banned.1, "rule": "forbid", "note": "住址较远"})).await;
    // pin a child left without a volunteer to the volunteer of another proposal
    let unpaired = all(&app, &admin, "/api/v1/children?paired=false").await;
    let child = unpaired[0]["id"].as_i64().unwrap();
    let volunteer = proposed.last().unwrap()["volunteer_id"].as_i64().unwrap();
    create(&app, &admin, "/api/v1/pairing-rules", json!({"volunteer_id": volunteer, "child_id": child, "rule": "pin"})).await;
    let (s, dup) = post(&app, &admin, "/api/v1/pairing-rules", json!({"volunteer_id": volunteer, "child_id": child, "rule": "forbid"})).await;
    assert_eq!((s, dup["error"]["field"].as_str()), (StatusCode::CONFLICT, Some("child_id")));

    let (_, run) = post(&app, &admin, "/api/v1/pairings/compute", json!({})).await;
    let (tutors, pupils, pins, bans) = problem(&app, &admin).await;
    let after = all(&app, &admin, "/api/v1/pairings?status=proposed").await;
    assert!(!after.iter().any(|p| p["volunteer_id"] == banned.0 && p["child_id"] == banned.1), "a banned pair is never proposed");
    let pinned = after.iter().find(|p| p["child_id"] == child).expect("the pinned child is paired");
    assert_eq!((pinned["volunteer_id"].as_i64(), pinned["origin"].as_str()), (Some(volunteer), Some("pinned")));
    assert_eq!(run["total_cost"].as_i64().unwrap(), plan_pairings(&tutors, &pupils, &pins, &bans).total_cost, "{run}");
}

async fn bad_input_is_named_field_by_field(app: TestApp) {
    let admin = app.token("admin").await;
    let (s, body) = post(&app, &admin, "/api/v1/volunteers", json!({"name": ""})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["name", "village", "subjects", "grade_min", "grade_max", "township_id"]);
    let t = app.get("/api/v1/townships", &admin).await.1["items"][0]["id"].clone();
    let (s, body) = post(
        &app,
        &admin,
        "/api/v1/volunteers",
        json!({"name": "某", "village": "某村", "subjects": ["dance"], "grade_min": 9, "grade_max": 3, "township_id": t}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["subjects", "grade_max"]);
    let (s, body) = post(
        &app,
        &admin,
        "/api/v1/children",
        json!({"name": "某", "grade": 13, "subjects": ["math"], "category": "orphan", "village": "某村", "township_id": t}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["grade", "category"]);
    let (s, body) = post(&app, &admin, "/api/v1/volunteers", json!({"name": 5})).await;
    assert_eq!((s, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
    let pairing = all(&app, &admin, "/api/v1/pairings?status=accepted").await[0]["id"].clone();
    let (s, body) =
        post(&app, &admin, &format!("/api/v1/pairings/{pairing}/sessions"), json!({"held_on": "2020-13-01", "minutes": 0, "topic": "dancing"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["held_on", "minutes", "topic"]);
    let (s, _) = app.get("/api/v1/pairings?status=lost", &admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_pages_serve_the_volunteer_and_the_task_force(app: TestApp) {
    // the volunteer lands on its own pairings: the two siblings
    let client = browser_client();
    page_log_in(&app, &client, "volunteer").await;
    let res = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], "/tutoring/mine");
    let html = client.get(app.url("/tutoring/mine")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("宁欣悦") && html.contains("宁子豪") && html.contains("我的结对"), "{html}");
    assert_eq!(client.get(app.url("/tutoring/children")).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    // the leader recomputes from the page and sees the figures
    let client = browser_client();
    page_log_in(&app, &client, "leader").await;
    let html = client.get(app.url("/tutoring")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("结对帮扶") && html.contains("重新计算最优结对"));
    let csrf = hidden_value(&html, "_csrf").unwrap();
    let res = client.post(app.url("/tutoring/pairings/compute")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = client.get(app.url(res.headers()[header::LOCATION].to_str().unwrap())).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("run-notice"));
    for path in ["/tutoring/pairings", "/tutoring/volunteers", "/tutoring/children", "/tutoring/rules", "/tutoring/volunteers/new", "/tutoring/pairings/new"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let html = client.get(app.url("/tutoring/pairings?status=accepted")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("宁晓雨") && html.contains("同村"));
    // a bad form answers 422 with the message beside the field, in English too
    let res = client
        .post(app.url("/tutoring/volunteers"))
        .form(&[("_csrf", csrf.as_str()), ("name", ""), ("village", "甲村"), ("grade_min", "1"), ("grade_max", "6"), ("subject_math", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("请填写姓名") && html.contains("请选择所在乡镇办") && html.contains("checked"), "{html}");
    client.get(app.url("/lang/en?next=/tutoring")).send().await.unwrap();
    let html = client.get(app.url("/tutoring/pairings")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Pairings") && html.contains("Recompute the optimal pairing"));
}

async fn the_nearer_village_wins_between_townships(app: TestApp) {
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    let township = app.token("township").await;
    let home = fixture_township(&app, &admin).await;
    let near = create(&app, &admin, "/api/v1/townships", json!({"name": "近邻镇", "kind": "zhen"})).await;
    let far = create(&app, &admin, "/api/v1/townships", json!({"name": "远方镇", "kind": "zhen"})).await;
    // two volunteers alike but for where they live; the far one registered first
    let body = |t: i64, village: &str, name: &str| json!({"name": name, "subjects": ["chemistry"], "grade_min": 10, "grade_max": 12, "township_id": t, "village": village});
    let v_far = create(&app, &admin, "/api/v1/volunteers", body(far, "远村", "试验远志愿者")).await;
    let v_near = create(&app, &admin, "/api/v1/volunteers", body(near, "近村", "试验近志愿者")).await;
    let child = create(
        &app,
        &admin,
        "/api/v1/children",
        json!({"name": "试验儿童丙", "grade": 12, "subjects": ["chemistry"], "category": "frontline_child", "township_id": home, "village": "家村"}),
    )
    .await;
    let put = |body: Value| {
        let (app, admin) = (&app, &admin);
        async move { app.call(Method::PUT, "/api/v1/village-locations", Some(admin), Some(body)).await }
    };
    for (t, village, lat) in [(home, "家村", 35.60), (near, "近村", 35.63), (far, "远村", 35.90)] {
        let (s, body) = put(json!({"township_id": t, "village": village, "latitude": lat, "longitude": 115.0})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["latitude"], lat);
    }
    let listed = all(&app, &admin, "/api/v1/village-locations").await;
    assert!(listed.iter().any(|l| l["village"] == "近村" && l["volunteers"] == 1 && l["latitude"] == 35.63), "{listed:?}");

    let (tutors, pupils, pins, bans) = problem(&app, &admin).await;
    let (s, run) = post(&app, &leader, "/api/v1/pairings/compute", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{run}");
    assert_eq!(run["total_cost"].as_i64().unwrap(), plan_pairings(&tutors, &pupils, &pins, &bans).total_cost, "{run}");
    let pairs = all(&app, &admin, &format!("/api/v1/pairings?child_id={child}&live=true")).await;
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0]["volunteer_id"].as_i64(), Some(v_near), "3 km beats 33 km (and {v_far} came first)");
    assert_eq!((pairs[0]["place"].as_str(), pairs[0]["cost"].as_i64()), (Some("elsewhere"), Some(1000 + 3 * 10)));

    // bad coordinates are named, and nothing is stored
    let (s, body) = put(json!({"township_id": home, "village": "家村", "latitude": 135.0, "longitude": 115.0})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), vec!["latitude"]);
    let (s, body) = put(json!({"township_id": home, "village": "家村", "latitude": 35.0})).await;
    assert_eq!((s, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["longitude"]));
    let (s, body) =
        app.call(Method::PUT, "/api/v1/village-locations", Some(&admin), Some(json!({"township_id": home, "village": "家村", "latitude": "北纬"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let listed = all(&app, &admin, "/api/v1/village-locations").await;
    assert!(listed.iter().any(|l| l["village"] == "家村" && l["latitude"] == 35.60), "{listed:?}");
    // a township's task force keeps its own villages only; a volunteer none
    let (s, _) = app.call(Method::PUT, "/api/v1/village-locations", Some(&township), Some(json!({"township_id": home, "village": "家村"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let own = all(&app, &township, "/api/v1/village-locations").await;
    assert!(!own.is_empty() && own.iter().all(|l| l["township_id"] != home), "{own:?}");
    let volunteer = app.token("volunteer").await;
    assert_eq!(app.get("/api/v1/village-locations", &volunteer).await.0, StatusCode::FORBIDDEN);
    // neither coordinate takes the village off the map; twice is a 404
    let (s, body) = put(json!({"township_id": home, "village": "家村"})).await;
    assert_eq!((s, body), (StatusCode::OK, Value::Null));
    assert_eq!(put(json!({"township_id": home, "village": "家村"})).await.0, StatusCode::NOT_FOUND);
}

async fn the_task_force_puts_its_villages_on_the_map_from_the_page(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "township").await;
    let html = client.get(app.url("/tutoring/villages")).send().await.unwrap().text().await.unwrap();
    // the demo's villages of its own township are on the map already
    assert!(html.contains("村庄坐标") && html.contains("纬度"), "{html}");
    let township = app.get("/api/v1/me", &app.token("township").await).await.1["township_id"].as_i64().unwrap();
    let csrf = hidden_value(&html, "_csrf").unwrap();
    let t = township.to_string();
    // not a number: the message beside the field, nothing stored
    let res = client
        .post(app.url("/tutoring/villages"))
        .form(&[("_csrf", csrf.as_str()), ("township_id", t.as_str()), ("village", "新建村"), ("latitude", "北纬35度"), ("longitude", "115.0")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("应为数字") && html.contains("新建村"), "{html}");
    let res = client
        .post(app.url("/tutoring/villages"))
        .form(&[("_csrf", csrf.as_str()), ("township_id", t.as_str()), ("village", "新建村"), ("latitude", "35.701"), ("longitude", "115.002")])
        .send()
        .await
        .unwrap();
    assert_eq!((res.status(), res.headers()[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/tutoring/villages"));
    let html = client.get(app.url("/tutoring/villages")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("新建村") && html.contains("35.701"), "{html}");
    // a volunteer has no such page
    let client = browser_client();
    page_log_in(&app, &client, "volunteer").await;
    assert_eq!(client.get(app.url("/tutoring/villages")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

on_both_databases!(
    the_task_force_puts_its_villages_on_the_map_from_the_page,
    the_nearer_village_wins_between_townships,
    the_api_pairing_is_the_domain_optimum,
    a_volunteer_sees_only_its_own_pairings,
    a_volunteer_account_sees_nothing_until_bound_to_its_record,
    other_roles_see_no_childrens_data,
    a_child_is_never_paired_twice,
    recomputing_keeps_accepted_pairs_and_honours_pins_and_bans,
    bad_input_is_named_field_by_field,
    the_pages_serve_the_volunteer_and_the_task_force,
);
