//! Employment through HTTP on both databases: the 一户一人一岗 gap list against
//! a hand count, suggestions ranked, placements filling postings, transport
//! health checks, row permissions and personal data, bad input.

mod common;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn today() -> String {
    zonedesk::app::clock::date_text(zonedesk::app::clock::local_date(time::OffsetDateTime::now_utc()))
}

async fn township_id(app: &TestApp, name: &str) -> i64 {
    let admin = app.token("admin").await;
    let (_, list) = app.get("/api/v1/townships", &admin).await;
    list["items"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{name}"))["id"].as_i64().unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

fn member(name: &str, able: bool, employment: &str) -> Value {
    json!({"name": name, "relation": "", "labour_capable": able, "employment": employment})
}

/// A household in `township`; answers its members' ids in order.
async fn household(app: &TestApp, token: &str, township: i64, head: &str, members: Vec<Value>) -> (i64, Vec<i64>) {
    let (s, h) = post(app, token, "/api/v1/households", json!({"head_name": head, "township_id": township, "village": "试点村", "members": members})).await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    (h["household"]["id"].as_i64().unwrap(), h["members"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect())
}

async fn posting(app: &TestApp, token: &str, enterprise: i64, township: i64, post: &str, headcount: i64) -> i64 {
    let body = json!({"enterprise_id": enterprise, "township_id": township, "post": post, "headcount": headcount, "pay": "3000元/月",
        "requirements": "身体健康", "posted_on": today()});
    let (s, p) = self::post(app, token, "/api/v1/job-postings", body).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"].as_array().map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

async fn gap_list(app: &TestApp, token: &str, township: i64) -> (StatusCode, Value) {
    app.get(&format!("/api/v1/employment/gaps?township_id={township}"), token).await
}

async fn the_gap_list_matches_a_hand_count_and_ranks_suggestions(app: TestApp) {
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    // a township of its own, so the demo's households do not count
    let (s, t) = post(&app, &admin, "/api/v1/townships", json!({"name": "试点乡", "kind": "xiang"})).await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let test = t["id"].as_i64().unwrap();
    let elsewhere = township_id(&app, "胡村乡").await;
    // H1: one able, unemployed — a gap
    let (h1, m1) = household(&app, &leader, test, "甲一", vec![member("甲一", true, "unemployed"), member("甲二", false, "unemployed")]).await;
    // H2: able, working away — not a gap
    household(&app, &leader, test, "乙一", vec![member("乙一", true, "employed"), member("乙二", true, "unemployed")]).await;
    // H3: nobody able to work — not a gap
    household(&app, &leader, test, "丙一", vec![member("丙一", false, "unemployed")]).await;
    // H4: two able, neither employed — a gap
    let (h4, m4) = household(&app, &leader, test, "丁一", vec![member("丁一", true, "unemployed"), member("丁二", true, "unemployed")]).await;
    let (s, g) = gap_list(&app, &leader, test).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["total"], 2, "{g}");
    let ids: Vec<i64> = g["items"].as_array().unwrap().iter().map(|x| x["household_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [h1, h4]);
    assert_eq!(g["items"][0]["members"].as_array().unwrap().len(), 2);

    // postings: two at home (2 and 5 places), a big one elsewhere, a closed one at home
    let xuehui = app.enterprise_id("雪汇食品").await;
    let small = posting(&app, &leader, xuehui, test, "包装工", 2).await;
    let large = posting(&app, &leader, xuehui, test, "操作工", 5).await;
    let far = posting(&app, &leader, xuehui, elsewhere, "搬运工", 900).await;
    let closed = posting(&app, &leader, xuehui, test, "保洁员", 50).await;
    let (s, _) = post(&app, &leader, &format!("/api/v1/job-postings/{closed}/status"), json!({"status": "closed", "version": 1})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, g) = gap_list(&app, &leader, test).await;
    let suggested: Vec<i64> = g["items"][0]["suggestions"].as_array().unwrap().iter().map(|x| x["posting_id"].as_i64().unwrap()).collect();
    assert_eq!(suggested, [large, small, far], "own township first (most places first), then the biggest elsewhere; never a closed posting");
    assert_eq!(g["items"][0]["suggestions"][0]["same_township"], true);
    assert_eq!(g["items"][0]["suggestions"][2]["same_township"], false);
    assert_eq!(g["items"][0]["suggestions"][0]["requirements"], "身体健康");

    // placing a member closes the gap; the posting fills
    let place = |member: i64, posting: i64| json!({"member_id": member, "posting_id": posting, "started_on": today()});
    let (s, p1) = post(&app, &leader, "/api/v1/placements", place(m1[0], small)).await;
    assert_eq!(s, StatusCode::CREATED, "{p1}");
    assert_eq!(p1["enterprise_id"], xuehui);
    let (_, g) = gap_list(&app, &leader, test).await;
    assert_eq!(g["total"], 1);
    let (s, _) = post(&app, &leader, "/api/v1/placements", place(m4[0], small)).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, full) = app.get(&format!("/api/v1/job-postings/{small}"), &leader).await;
    assert_eq!((full["posting"]["status"].as_str(), full["posting"]["filled"].as_i64()), (Some("filled"), Some(2)));
    assert_eq!(gap_list(&app, &leader, test).await.1["total"], 0);
    // a full posting refuses the next one, and nothing changes
    let before = app.count("placements").await;
    let (s, body) = post(&app, &leader, "/api/v1/placements", place(m4[1], small)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["field"], "posting_id");
    // a member already placed cannot be placed twice
    let (s, body) = post(&app, &leader, "/api/v1/placements", place(m4[0], large)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["field"], "member_id");
    assert_eq!(app.count("placements").await, before);
    let (_, m) = app.get(&format!("/api/v1/households/{h4}"), &leader).await;
    assert_eq!(m["members"][1]["employment"], "unemployed");

    // ending a placement frees the place and reopens the gap
    let id = p1["id"].as_i64().unwrap();
    let (s, ended) = post(&app, &leader, &format!("/api/v1/placements/{id}/end"), json!({"ended_on": today(), "reason": "合同到期"})).await;
    assert_eq!(s, StatusCode::OK, "{ended}");
    let (_, open) = app.get(&format!("/api/v1/job-postings/{small}"), &leader).await;
    assert_eq!((open["posting"]["status"].as_str(), open["posting"]["filled"].as_i64()), (Some("open"), Some(1)));
    assert_eq!(gap_list(&app, &leader, test).await.1["items"][0]["household_id"], h1);
    let (s, _) = post(&app, &leader, &format!("/api/v1/placements/{id}/end"), json!({"ended_on": today(), "reason": "again"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn suggestions_leave_out_postings_no_member_can_meet(app: TestApp) {
    let admin = app.token("admin").await;
    let leader = app.token("leader").await;
    let (s, t) = post(&app, &admin, "/api/v1/townships", json!({"name": "要求乡", "kind": "xiang"})).await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let test = t["id"].as_i64().unwrap();
    // a woman born in 1965 (her ID number says so), and a household nobody's ID number is known of
    let id_number = {
        let first17 = "41092819650307122";
        format!("{first17}{}", zonedesk::domain::id_number::check_character(first17))
    };
    let mut woman = member("戊一", true, "unemployed");
    woman["id_number"] = json!(id_number);
    let (known, _) = household(&app, &leader, test, "戊一", vec![woman]).await;
    let (unknown, _) = household(&app, &leader, test, "己一", vec![member("己一", true, "unemployed")]).await;
    let xuehui = app.enterprise_id("雪汇食品").await;
    let with = |post: &str, headcount: i64, requirements: &str| {
        json!({"enterprise_id": xuehui, "township_id": test, "post": post, "headcount": headcount, "pay": "3000元/月",
            "requirements": requirements, "posted_on": today()})
    };
    let mut ids = Vec::new();
    for body in [with("搬运工", 9, "男性，20—50周岁，能操作叉车者优先"), with("分拣员", 8, "18—45周岁，身体健康"), with("包装工", 2, "身体健康")]
    {
        let (s, p) = post(&app, &leader, "/api/v1/job-postings", body).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        ids.push(p["id"].as_i64().unwrap());
    }
    let (s, g) = gap_list(&app, &leader, test).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let suggested = |household: i64| -> Vec<i64> {
        let gap = g["items"].as_array().unwrap().iter().find(|x| x["household_id"] == household).expect("a gap");
        gap["suggestions"].as_array().unwrap().iter().map(|x| x["posting_id"].as_i64().unwrap()).collect()
    };
    // she is no man and past 45: only the posting that asks neither is hers at home
    assert_eq!(suggested(known).first(), Some(&ids[2]), "{g}");
    assert!(!suggested(known).contains(&ids[0]) && !suggested(known).contains(&ids[1]), "{g}");
    // of a member nothing is known: every posting at home, the most places first
    assert_eq!(suggested(unknown)[..3], ids[..]);
}

async fn the_demo_gap_list_answers_the_contract(app: TestApp) {
    let leader = app.token("leader").await;
    let (s, g) = app.get("/api/v1/employment/gaps", &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(g["total"], 5, "{g}");
    let items = g["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for gap in items {
        assert!(gap["members"].as_array().unwrap().iter().any(|m| m["labour_capable"] == true));
        assert!(gap["members"].as_array().unwrap().iter().all(|m| m["employment"] == "unemployed"));
        let s = gap["suggestions"].as_array().unwrap();
        assert!(!s.is_empty());
        // own township first
        let firsts: Vec<bool> = s.iter().map(|x| x["same_township"].as_bool().unwrap()).collect();
        let mut sorted = firsts.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(firsts, sorted);
    }
    // 雪汇食品's sixteen poor workers
    let xuehui = app.token("xuehui").await;
    let (_, mine) = app.get("/api/v1/placements?current=true", &xuehui).await;
    assert_eq!(mine["total"], 16);
}

async fn postings_and_personal_data_stay_with_those_they_concern(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let xuehui = app.token("xuehui").await;
    let township = app.token("township").await;
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let volunteer = app.token("volunteer").await;
    let hengfeng_id = app.enterprise_id("恒丰电子").await;
    let xuehui_id = app.enterprise_id("雪汇食品").await;

    // an enterprise sees and publishes only its own postings
    let (_, own) = app.get("/api/v1/job-postings?per_page=200", &hengfeng).await;
    assert!(own["total"].as_i64().unwrap() >= 1);
    assert!(own["items"].as_array().unwrap().iter().all(|p| p["enterprise_id"] == hengfeng_id));
    assert_eq!(app.get(&format!("/api/v1/job-postings?enterprise_id={xuehui_id}"), &hengfeng).await.0, StatusCode::FORBIDDEN);
    let (_, theirs) = app.get(&format!("/api/v1/job-postings?enterprise_id={xuehui_id}"), &leader).await;
    let xuehui_posting = theirs["items"].as_array().unwrap().iter().find(|p| p["post"] == "冷饮生产线操作工").unwrap()["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/job-postings/{xuehui_posting}"), &hengfeng).await.0, StatusCode::FORBIDDEN);
    let (s, p) =
        post(&app, &hengfeng, "/api/v1/job-postings", json!({"enterprise_id": xuehui_id, "post": "叉车司机", "headcount": 2, "pay": "5000元/月"})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["enterprise_id"], hengfeng_id, "an enterprise posts for itself only");
    let (s, _) = post(&app, &hengfeng, &format!("/api/v1/job-postings/{xuehui_posting}/status"), json!({"status": "closed", "version": 1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // the hiring enterprise sees its hires, names masked; staff see the names
    let (_, detail) = app.get(&format!("/api/v1/job-postings/{xuehui_posting}"), &xuehui).await;
    let masked: Vec<&str> = detail["placements"].as_array().unwrap().iter().map(|p| p["member_name"].as_str().unwrap()).collect();
    assert_eq!(masked.len(), 16);
    assert!(masked.iter().all(|n| n.ends_with("**")), "{masked:?}");
    let (_, staff) = app.get(&format!("/api/v1/job-postings/{xuehui_posting}"), &township).await;
    assert!(staff["placements"].as_array().unwrap().iter().all(|p| !p["member_name"].as_str().unwrap().contains('*')));

    // a township sees its own households only
    let xinxi = township_id(&app, "新习镇").await;
    let hucun = township_id(&app, "胡村乡").await;
    let (_, own) = app.get("/api/v1/households?per_page=200", &township).await;
    assert!(own["total"].as_i64().unwrap() > 0);
    assert!(own["items"].as_array().unwrap().iter().all(|h| h["township_id"] == xinxi));
    assert_eq!(app.get(&format!("/api/v1/households?township_id={hucun}"), &township).await.0, StatusCode::FORBIDDEN);
    let (_, other) = app.get(&format!("/api/v1/households?township_id={hucun}"), &leader).await;
    let other_household = other["items"][0]["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/households/{other_household}"), &township).await.0, StatusCode::FORBIDDEN);
    let (_, gaps) = app.get("/api/v1/employment/gaps", &township).await;
    assert!(gaps["items"].as_array().unwrap().iter().all(|g| g["township_id"] == xinxi));
    assert_eq!(gaps["total"], 3);
    assert_eq!(app.get(&format!("/api/v1/employment/gaps?township_id={hucun}"), &township).await.0, StatusCode::FORBIDDEN);
    // a township cannot register a household elsewhere
    let body = json!({"head_name": "越权", "township_id": hucun, "village": "x", "members": [member("越权", true, "unemployed")]});
    assert_eq!(post(&app, &township, "/api/v1/households", body).await.0, StatusCode::FORBIDDEN);
    // others see no household, no member's name
    for token in [&dept, &hengfeng, &volunteer] {
        for path in ["/api/v1/households", "/api/v1/employment/gaps", "/api/v1/transport-batches", "/api/v1/welfare-posts"] {
            assert_eq!(app.get(path, token).await.0, StatusCode::FORBIDDEN, "{path}");
        }
    }
    assert_eq!(app.get("/api/v1/job-postings", &volunteer).await.0, StatusCode::FORBIDDEN);
    let (_, placements) = app.get("/api/v1/placements?per_page=200", &hengfeng).await;
    assert_eq!(placements["total"], 0, "no placements into 恒丰电子");
}

async fn a_transport_batch_checks_every_passenger(app: TestApp) {
    let township = app.token("township").await;
    let passenger = |name: &str, t: f64, code: &str| json!({"name": name, "destination": "江苏昆山", "temperature": t, "health_code": code});
    let body = json!({"route": "新习镇—江苏昆山", "vehicle": "豫J·B1234 大客车", "departs_on": today(), "escort": "带队员",
        "passengers": [passenger("甲", 36.5, "green"), passenger("乙", 37.5, "green"), passenger("丙", 36.4, "yellow"), passenger("丁", 37.2, "green")]});
    let (s, b) = post(&app, &township, "/api/v1/transport-batches", body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!((b["batch"]["passengers"].as_i64(), b["batch"]["boarded"].as_i64()), (Some(4), Some(2)));
    let passed: Vec<i64> = b["passengers"].as_array().unwrap().iter().map(|p| p["passed"].as_i64().unwrap()).collect();
    assert_eq!(passed, [1, 0, 0, 1]);
    assert_eq!(b["passengers"][1]["temperature_tenths"], 375);
    let id = b["batch"]["id"].as_i64().unwrap();
    let leader = app.token("leader").await;
    assert_eq!(app.get(&format!("/api/v1/transport-batches/{id}"), &leader).await.0, StatusCode::OK);
    let hucun = township_id(&app, "胡村乡").await;
    let (s, b) = post(
        &app,
        &leader,
        "/api/v1/transport-batches",
        json!({"township_id": hucun, "route": "胡村乡—郑州", "vehicle": "客车", "departs_on": today(),
        "passengers": [passenger("戊", 36.6, "green")]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let other = b["batch"]["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/api/v1/transport-batches/{other}"), &township).await.0, StatusCode::FORBIDDEN);
}

async fn bad_input_is_refused_with_field_names_and_nothing_is_stored(app: TestApp) {
    let leader = app.token("leader").await;
    let township = app.token("township").await;
    let tables = ["poor_households", "household_members", "job_postings", "placements", "transport_batches", "transport_passengers", "welfare_posts"];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(t).await);
    }
    let check = |body: &Value, expected: &[&str]| {
        let f = fields(body);
        for name in expected {
            assert!(f.iter().any(|x| x == name), "{name} not in {f:?}: {body}");
        }
    };
    let (s, body) = post(&app, &township, "/api/v1/households", json!({"head_name": "", "village": "", "members": []})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["head_name", "village", "members"]);
    let (s, body) = post(
        &app,
        &township,
        "/api/v1/households",
        json!({"head_name": "某", "village": "某村", "members": [{"name": "", "labour_capable": true, "employment": "retired"}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["members.name", "members.employment"]);
    let xuehui = app.enterprise_id("雪汇食品").await;
    let (s, body) =
        post(&app, &leader, "/api/v1/job-postings", json!({"enterprise_id": xuehui, "post": "", "headcount": 0, "pay": "", "posted_on": "2099-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["post", "headcount", "pay", "posted_on"]);
    let (s, body) = post(&app, &leader, "/api/v1/job-postings", json!({"post": "x", "headcount": 1, "pay": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["enterprise_id"]);
    let (s, body) = post(
        &app,
        &township,
        "/api/v1/transport-batches",
        json!({"route": "", "vehicle": "", "departs_on": "tomorrow",
        "passengers": [{"name": "甲", "temperature": 60.0, "health_code": "purple"}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["route", "vehicle", "departs_on", "passengers.temperature", "passengers.health_code"]);
    let (s, _) = post(
        &app,
        &township,
        "/api/v1/transport-batches",
        json!({"route": "x", "vehicle": "x", "departs_on": today(),
        "passengers": [{"name": "甲", "temperature": "hot", "health_code": "green"}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a temperature that is not a number");
    // placements: no job, a member who cannot work, an unknown member
    let (_, own) = app.get("/api/v1/households?per_page=200", &township).await;
    let mut unable = None;
    for h in own["items"].as_array().unwrap() {
        let (_, d) = app.get(&format!("/api/v1/households/{}", h["id"]), &township).await;
        if let Some(m) = d["members"].as_array().unwrap().iter().find(|m| m["labour_capable"] == 0) {
            unable = Some(m["id"].as_i64().unwrap());
            break;
        }
    }
    let unable = unable.expect("a member without labour capacity");
    let (s, body) = post(&app, &township, "/api/v1/placements", json!({"member_id": unable, "started_on": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["posting_id", "started_on", "member_id"]);
    let (s, body) = post(&app, &township, "/api/v1/placements", json!({"member_id": 999_999, "posting_id": 1, "started_on": today()})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["member_id"]);
    let (s, body) = post(&app, &leader, "/api/v1/welfare-posts", json!({"name": "", "slots": 0})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    check(&body, &["name", "slots", "township_id"]);
    assert_eq!(app.get("/api/v1/job-postings?status=lost", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(app.count(t).await, n, "{t} changed");
    }
}

async fn the_pages_show_households_gaps_and_forms(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "township").await;
    let get = |path: &str| {
        let client = client.clone();
        let url = app.url(path);
        async move {
            let res = client.get(url).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    for path in [
        "/job-postings",
        "/households",
        "/employment/gaps",
        "/welfare-posts",
        "/transport-batches",
        "/households/new",
        "/transport-batches/new",
        "/job-postings/new",
    ] {
        let (s, html) = get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {html}");
        assert!(!html.contains("??"), "{path} has a missing translation");
    }
    let (_, gaps) = get("/employment/gaps").await;
    assert!(gaps.contains("推荐岗位") && gaps.contains("本乡镇办"));
    let (_, list) = get("/households?gaps_only=true").await;
    let id: String = list
        .split("href=\"/households/")
        .skip(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
        .find(|id| !id.is_empty())
        .expect("a link to one");
    let (s, html) = get(&format!("/households/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("安置就业") && html.contains("未实现一户一岗"));
    // a bad trip: the temperature's message beside the passengers
    let (_, form) = get("/transport-batches/new").await;
    let csrf = hidden_value(&form, "_csrf").unwrap();
    let res = client
        .post(app.url("/transport-batches"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("route", "新习镇—昆山"),
            ("vehicle", "客车"),
            ("departs_on", &today()),
            ("name_1", "甲"),
            ("temperature_1", "高烧"),
            ("health_code_1", "green"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("field-error") && html.contains("不是数字"), "{html}");
    // the enterprise's own page of postings
    let xuehui = browser_client();
    page_log_in(&app, &xuehui, "xuehui").await;
    let html = xuehui.get(app.url("/job-postings")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("本企业用工信息") && html.contains("冷饮生产线操作工") && !html.contains("快递分拣员"));
}

on_both_databases!(
    the_gap_list_matches_a_hand_count_and_ranks_suggestions,
    suggestions_leave_out_postings_no_member_can_meet,
    the_demo_gap_list_answers_the_contract,
    postings_and_personal_data_stay_with_those_they_concern,
    a_transport_batch_checks_every_passenger,
    bad_input_is_refused_with_field_names_and_nothing_is_stored,
    the_pages_show_households_gaps_and_forms,
);
