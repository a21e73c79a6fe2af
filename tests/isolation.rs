//! The isolation observation point through HTTP on both databases: fever
//! alerts at 37.3 °C, bad temperatures, the generated roster, releases, who may
//! see health data and that every read of it is audited, and the pages.

mod common;

use std::collections::HashSet;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

/// The demo's point, as its staff member sees it.
async fn point_id(app: &TestApp, token: &str) -> i64 {
    let (s, body) = app.get("/api/v1/isolation-points", token).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1);
    body["items"][0]["id"].as_i64().unwrap()
}

/// Checks a new person in today and answers its id.
async fn check_in(app: &TestApp, token: &str, point: i64, name: &str) -> i64 {
    let body = json!({"name": name, "gender": "female", "age": 30, "source": "overseas", "origin": "韩国首尔"});
    let (s, p) = post(app, token, &format!("/api/v1/isolation-points/{point}/observed-persons"), body).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

async fn audited_reads(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'observed_person' AND action = $1").bind(action).fetch_one(app.db.pool()).await.unwrap()
}

async fn a_fever_alert_is_raised_at_37_3_and_not_at_37_2(app: TestApp) {
    let staff = app.token("isolation").await;
    let point = point_id(&app, &staff).await;
    let id = check_in(&app, &staff, point, "测温甲").await;
    let (s, rec) = post(&app, &staff, &format!("/api/v1/observed-persons/{id}/temperatures"), json!({"temperature": 37.2, "slot": "morning"})).await;
    assert_eq!(s, StatusCode::CREATED, "{rec}");
    assert!(rec["alert"].is_null(), "37.2 °C is no fever: {rec}");
    assert_eq!((rec["record"]["tenths"].as_i64(), rec["record"]["celsius"].as_str(), rec["record"]["fever"].as_i64()), (Some(372), Some("37.2"), Some(0)));
    let (s, rec) =
        post(&app, &staff, &format!("/api/v1/observed-persons/{id}/temperatures"), json!({"temperature": "37.3℃", "slot": "afternoon", "symptoms": "乏力"}))
            .await;
    assert_eq!(s, StatusCode::CREATED, "{rec}");
    assert_eq!(rec["alert"]["celsius"], "37.3", "37.3 °C raises the alert: {rec}");
    let alert = rec["alert"]["id"].as_i64().unwrap();
    let (_, open) = app.get(&format!("/api/v1/isolation-points/{point}/fever-alerts?open=true"), &staff).await;
    assert!(open["items"].as_array().unwrap().iter().any(|a| a["id"] == alert && a["person_id"] == id));
    // the desk shows it; it cannot be released until handled
    let (_, desk) = app.get(&format!("/api/v1/isolation-points/{point}/dashboard"), &staff).await;
    assert!(desk["open_alerts"].as_array().unwrap().iter().any(|a| a["id"] == alert));
    let (s, body) = post(&app, &staff, &format!("/api/v1/observed-persons/{id}/release"), json!({"note": "转诊"})).await;
    assert_eq!((s, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("open_alert")));
    let (s, _) = post(&app, &staff, &format!("/api/v1/fever-alerts/{alert}/handle"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, handled) = post(&app, &staff, &format!("/api/v1/fever-alerts/{alert}/handle"), json!({"note": "复测36.9℃"})).await;
    assert_eq!(s, StatusCode::OK, "{handled}");
    assert!(handled["handled_at"].is_string());
    assert_eq!(post(&app, &staff, &format!("/api/v1/fever-alerts/{alert}/handle"), json!({"note": "again"})).await.0, StatusCode::CONFLICT);
}

async fn bad_temperatures_are_refused_with_422(app: TestApp) {
    let staff = app.token("isolation").await;
    let point = point_id(&app, &staff).await;
    let id = check_in(&app, &staff, point, "测温乙").await;
    let path = format!("/api/v1/observed-persons/{id}/temperatures");
    let before = app.count("temperature_records").await;
    for bad in [json!(60), json!("abc"), json!("36.55"), json!(""), json!(-36.5), json!(1e300)] {
        let (s, body) = post(&app, &staff, &path, json!({"temperature": bad, "slot": "morning"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(body["error"]["field"], "temperature", "{bad}: {body}");
    }
    let (s, body) = post(&app, &staff, &path, json!({"temperature": 36.5, "slot": "noon", "taken_on": "2099-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["slot", "taken_on"]);
    assert_eq!(app.count("temperature_records").await, before, "nothing was stored");
    // the same slot twice is a conflict, not a second reading
    assert_eq!(post(&app, &staff, &path, json!({"temperature": 36.5, "slot": "morning"})).await.0, StatusCode::CREATED);
    let (s, body) = post(&app, &staff, &path, json!({"temperature": 36.6, "slot": "morning"})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::CONFLICT, Some("slot")));
    // a round is all or nothing, and names the person at fault
    let other = check_in(&app, &staff, point, "测温丙").await;
    let round = json!({"slot": "afternoon", "readings": [{"person_id": id, "temperature": 36.4}, {"person_id": other, "temperature": "hot"}]});
    let (s, body) = post(&app, &staff, &format!("/api/v1/isolation-points/{point}/temperature-rounds"), round).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("测温丙"), "{body}");
    assert_eq!(app.count("temperature_records").await, before + 1);
}

async fn the_roster_covers_every_shift_and_names_a_missing_group(app: TestApp) {
    let staff = app.token("isolation").await;
    let point = point_id(&app, &staff).await;
    let (s, roster) = post(&app, &staff, &format!("/api/v1/isolation-points/{point}/roster"), json!({"from": "2020-04-01", "to": "2020-04-07"})).await;
    assert_eq!(s, StatusCode::CREATED, "{roster}");
    assert!(roster["gaps"].as_array().unwrap().is_empty(), "{roster}");
    let shifts = roster["shifts"].as_array().unwrap();
    let mut covered = HashSet::new();
    let mut last_of: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for s in shifts {
        let day = s["shift_on"].as_str().unwrap()[8..].parse::<i64>().unwrap();
        let k = day * 3 + s["shift_index"].as_i64().unwrap();
        covered.insert((k, s["group_code"].as_str().unwrap().to_string()));
        let staff_id = s["staff_id"].as_i64().unwrap();
        if let Some(prev) = last_of.insert(staff_id, k) {
            assert!(k - prev >= 2, "staff {staff_id} works shifts {prev} and {k} in a row");
        }
    }
    assert_eq!(covered.len(), 7 * 3 * 4, "every shift of every day by each of the four groups");
    let (_, stored) = app.get(&format!("/api/v1/isolation-points/{point}/roster?from=2020-04-01&to=2020-04-07"), &staff).await;
    assert_eq!(stored["shifts"].as_array().unwrap().len(), shifts.len());
    assert!(stored["gaps"].as_array().unwrap().is_empty());

    // take the disinfection group off the point: no roster can be made, and the error says which group
    let (_, members) = app.get(&format!("/api/v1/isolation-points/{point}/staff"), &staff).await;
    for m in members["items"].as_array().unwrap().iter().filter(|m| m["group_code"] == "disinfection") {
        let (s, _) = app.call(Method::DELETE, &format!("/api/v1/isolation-staff/{}", m["id"]), Some(&staff), None).await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, body) = post(&app, &staff, &format!("/api/v1/isolation-points/{point}/roster"), json!({"from": "2020-04-08", "to": "2020-04-09"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "staff");
    assert!(body["error"]["message"].as_str().unwrap().contains("消杀组"), "{body}");
    let (s, body) = post(&app, &staff, &format!("/api/v1/isolation-points/{point}/roster"), json!({"from": "2020-04-09", "to": "2020-04-01"})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")));
}

async fn observed_persons_are_for_the_points_staff_and_leaders_and_every_read_is_audited(app: TestApp) {
    let staff = app.token("isolation").await;
    let point = point_id(&app, &staff).await;
    let id = check_in(&app, &staff, point, "隐私甲").await;
    for user in ["department", "hengfeng", "officer", "township", "volunteer"] {
        let token = app.token(user).await;
        for path in [
            format!("/api/v1/observed-persons/{id}"),
            format!("/api/v1/isolation-points/{point}/observed-persons"),
            format!("/api/v1/isolation-points/{point}/fever-alerts"),
            "/api/v1/isolation-points".to_string(),
        ] {
            let (s, body) = app.get(&path, &token).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{user} {path}: {body}");
            assert!(!body.to_string().contains("隐私甲"));
        }
        let (s, _) = post(&app, &token, &format!("/api/v1/observed-persons/{id}/temperatures"), json!({"temperature": 36.5, "slot": "morning"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} records nothing");
    }

    // the admin sets the point up but is refused its health data, read or write
    let admin = app.token("admin").await;
    let alert = {
        let (s, r) = post(&app, &staff, &format!("/api/v1/observed-persons/{id}/temperatures"), json!({"temperature": 38.1, "slot": "morning"})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let (_, alerts) = app.get(&format!("/api/v1/isolation-points/{point}/fever-alerts"), &staff).await;
        alerts["items"].as_array().unwrap().iter().find(|a| a["person_id"] == id).expect("the fever's alert")["id"].as_i64().unwrap()
    };
    for path in [
        format!("/api/v1/observed-persons/{id}"),
        format!("/api/v1/isolation-points/{point}/observed-persons"),
        format!("/api/v1/isolation-points/{point}/fever-alerts"),
        format!("/api/v1/isolation-points/{point}/dashboard"),
    ] {
        let (s, body) = app.get(&path, &admin).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "admin {path}: {body}");
        assert!(!body.to_string().contains("隐私甲"));
        assert!(body["error"]["message"].as_str().unwrap().contains("系统管理员"), "{body}");
    }
    for (path, body) in [
        (format!("/api/v1/observed-persons/{id}/temperatures"), json!({"temperature": 36.5, "slot": "afternoon"})),
        (format!("/api/v1/isolation-points/{point}/temperature-rounds"), json!({"slot": "afternoon", "readings": [{"person_id": id, "temperature": 36.5}]})),
        (format!("/api/v1/isolation-points/{point}/observed-persons"), json!({"name": "管理员登记", "gender": "male", "age": 40, "source": "overseas"})),
        (format!("/api/v1/observed-persons/{id}/release"), json!({"note": "管理员解除"})),
        (format!("/api/v1/fever-alerts/{alert}/handle"), json!({"note": "管理员处置"})),
    ] {
        let (s, answer) = post(&app, &admin, &path, body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "admin writes nothing to {path}: {answer}");
    }
    let (_, records) = app.get(&format!("/api/v1/observed-persons/{id}"), &staff).await;
    assert_eq!(records["temperatures"].as_array().map(Vec::len), Some(1), "nothing the admin sent was stored: {records}");
    assert_eq!(records["person"]["released_on"], Value::Null);
    // what the admin keeps: the point, its rooms, staff and rules
    for path in [
        format!("/api/v1/isolation-points/{point}"),
        format!("/api/v1/isolation-points/{point}/rooms"),
        format!("/api/v1/isolation-points/{point}/staff"),
        format!("/api/v1/isolation-points/{point}/documents"),
    ] {
        assert_eq!(app.get(&path, &admin).await.0, StatusCode::OK, "admin {path}");
    }

    // the leader reads (and only reads); each read of a record is in the audit log
    let leader = app.token("leader").await;
    let leader_id = app.get("/api/v1/me", &leader).await.1["id"].as_i64().unwrap();
    let reads = audited_reads(&app, "read").await;
    let (s, detail) = app.get(&format!("/api/v1/observed-persons/{id}"), &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(detail["person"]["name"], "隐私甲");
    assert_eq!(audited_reads(&app, "read").await, reads + 1);
    let (actor, entity_id): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT actor_id, entity_id FROM audit_log WHERE entity = 'observed_person' AND action = 'read' ORDER BY id DESC LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((actor, entity_id), (Some(leader_id), Some(id)));
    let lists = audited_reads(&app, "list").await;
    let (s, list) = app.get(&format!("/api/v1/isolation-points/{point}/observed-persons?status=in_observation"), &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert!(list["items"].as_array().unwrap().iter().any(|p| p["id"] == id));
    assert_eq!(audited_reads(&app, "list").await, lists + 1, "a list of records is a read too");
    let (s, _) = post(&app, &leader, &format!("/api/v1/observed-persons/{id}/temperatures"), json!({"temperature": 36.5, "slot": "morning"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the leader reads, the point's staff record");

    // the staff of another point see nothing of this one
    let (s, other) = post(&app, &admin, "/api/v1/isolation-points", json!({"name": "第二医学隔离观察点"})).await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    assert_eq!(other["observation_days"], 14);
    let body = json!({"username": "isolation2", "display_name": "二号点值守", "password": "s3cret", "role": "isolation", "scope_id": other["id"]});
    let (s, u) = post(&app, &admin, "/api/v1/users", body).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["scope_name"], "第二医学隔离观察点");
    let (_, t) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "isolation2", "password": "s3cret"}))).await;
    let second = t["token"].as_str().unwrap().to_string();
    assert_eq!(point_id(&app, &second).await, other["id"].as_i64().unwrap());
    assert_eq!(app.get(&format!("/api/v1/observed-persons/{id}"), &second).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/isolation-points/{point}/observed-persons"), &second).await.0, StatusCode::FORBIDDEN);
    // an account opened before its point exists sees nothing until it is bound
    let body = json!({"username": "isolation3", "password": "s3cret", "role": "isolation"});
    assert_eq!(post(&app, &admin, "/api/v1/users", body).await.0, StatusCode::CREATED);
    let (_, t) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "isolation3", "password": "s3cret"}))).await;
    let third = t["token"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/isolation-points", &third).await.0, StatusCode::FORBIDDEN);
    let third_id = app.get("/api/v1/me", &third).await.1["id"].clone();
    let volunteer_id = app.get("/api/v1/me", &app.token("volunteer").await).await.1["id"].clone();
    let (s, body) = post(&app, &admin, &format!("/api/v1/isolation-points/{point}/accounts"), json!({"user_id": volunteer_id})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id")), "a volunteer is no point's staff");
    assert_eq!(post(&app, &staff, &format!("/api/v1/isolation-points/{point}/accounts"), json!({"user_id": third_id})).await.0, StatusCode::FORBIDDEN);
    let (s, bound) = post(&app, &admin, &format!("/api/v1/isolation-points/{point}/accounts"), json!({"user_id": third_id})).await;
    assert_eq!(s, StatusCode::OK, "{bound}");
    assert_eq!(point_id(&app, &third).await, point);
}

async fn check_in_and_release_follow_the_observation_period(app: TestApp) {
    let staff = app.token("isolation").await;
    let point = point_id(&app, &staff).await;
    let (_, rooms) = app.get(&format!("/api/v1/isolation-points/{point}/rooms"), &staff).await;
    let full = rooms["items"].as_array().unwrap().iter().find(|r| r["occupants"].as_i64() >= r["beds"].as_i64()).expect("an occupied room")["id"].clone();
    let body = json!({"name": "入住甲", "gender": "male", "source": "hubei", "checked_in_on": "2020-03-19", "room_id": full});
    let (s, e) = post(&app, &staff, &format!("/api/v1/isolation-points/{point}/observed-persons"), body).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("room_id")), "{e}");
    let (s, e) = post(&app, &staff, &format!("/api/v1/isolation-points/{point}/observed-persons"), json!({"name": ""})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "gender", "source"]);

    let body = json!({"name": "入住乙", "gender": "male", "source": "hubei", "origin": "湖北省武汉市", "checked_in_on": "2020-03-19"});
    let (s, p) = post(&app, &staff, &format!("/api/v1/isolation-points/{point}/observed-persons"), body).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["observation_end_on"], "2020-04-02", "14 days from check-in");
    let id = p["id"].as_i64().unwrap();
    let path = format!("/api/v1/observed-persons/{id}/release");
    let (s, e) = post(&app, &staff, &path, json!({"released_on": "2020-03-25"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")), "an early release needs a reason");
    let (s, e) = post(&app, &staff, &path, json!({"released_on": "2020-03-18"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("released_on")));
    let (s, r) = post(&app, &staff, &path, json!({"released_on": "2020-04-02"})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["released_on"], "2020-04-02");
    assert_eq!(post(&app, &staff, &path, json!({})).await.0, StatusCode::CONFLICT);
    let (s, _) =
        post(&app, &staff, &format!("/api/v1/observed-persons/{id}/temperatures"), json!({"temperature": 36.5, "slot": "morning", "taken_on": "2020-04-03"}))
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "no readings after release");
}

async fn the_demo_point_has_its_fourteen_staff_and_an_open_alert(app: TestApp) {
    let leader = app.token("leader").await;
    let (_, points) = app.get("/api/v1/isolation-points", &leader).await;
    let p = &points["items"][0];
    assert_eq!((p["staff"].as_i64(), p["party_members"].as_i64()), (Some(14), Some(6)), "6 名党员、8 名工作人员");
    assert_eq!(p["open_alerts"], 1);
    let id = p["id"].as_i64().unwrap();
    let (_, staff) = app.get(&format!("/api/v1/isolation-points/{id}/staff"), &leader).await;
    let groups: HashSet<&str> = staff["items"].as_array().unwrap().iter().map(|s| s["group_code"].as_str().unwrap()).collect();
    assert_eq!(groups.len(), 4);
    let (_, roster) = app.get(&format!("/api/v1/isolation-points/{id}/roster?from=2020-03-13&to=2020-03-26"), &leader).await;
    assert_eq!(roster["shifts"].as_array().unwrap().len(), 14 * 3 * 4);
    let (_, docs) = app.get(&format!("/api/v1/isolation-points/{id}/documents"), &leader).await;
    assert!(docs["items"].as_array().unwrap().iter().any(|d| d["title"] == "医学观察制度"));
}

async fn the_staff_record_a_fever_on_the_pages_and_the_alert_shows(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "isolation").await;
    let res = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], "/isolation");
    let res = client.get(app.url("/isolation")).send().await.unwrap();
    let desk = res.headers()[header::LOCATION].to_str().unwrap().to_string();
    assert!(desk.starts_with("/isolation/points/"));
    let html = client.get(app.url(&desk)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("发热预警") && html.contains("37.4"), "the demo's open alert is on the desk");
    let point: i64 = desk.rsplit('/').next().unwrap().parse().unwrap();
    for tab in ["persons", "round", "staff", "rooms", "roster", "documents", "persons/new"] {
        let res = client.get(app.url(&format!("/isolation/points/{point}/{tab}"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{tab}");
    }
    let csv = client.get(app.url(&format!("/isolation/points/{point}/roster.csv?from=2020-03-13&to=2020-03-14"))).send().await.unwrap();
    assert!(csv.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.text().await.unwrap().contains("消杀组"));

    // check a person in through the form, then record 38.1 °C: the alert appears
    let html = client.get(app.url(&format!("/isolation/points/{point}/persons/new"))).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_value(&html, "_csrf").unwrap();
    let res = client
        .post(app.url(&format!("/isolation/points/{point}/persons")))
        .form(&[("_csrf", csrf.as_str()), ("name", "页面甲"), ("gender", "male"), ("source", "overseas"), ("age", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("年龄应为整数"));
    let res = client
        .post(app.url(&format!("/isolation/points/{point}/persons")))
        .form(&[("_csrf", csrf.as_str()), ("name", "页面甲"), ("gender", "male"), ("source", "overseas"), ("age", "40")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let person = res.headers()[header::LOCATION].to_str().unwrap().to_string();
    let res = client
        .post(app.url(&format!("{person}/temperatures")))
        .form(&[("_csrf", csrf.as_str()), ("temperature", "60"), ("slot", "morning")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("34.0 到 43.0"), "the message stands beside the field");
    let res = client
        .post(app.url(&format!("{person}/temperatures")))
        .form(&[("_csrf", csrf.as_str()), ("temperature", "38.1"), ("slot", "morning")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = client.get(app.url(&person)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"fever-alert\"") && html.contains("38.1"), "{html}");
    let html = client.get(app.url(&desk)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("页面甲") && html.contains("38.1"));

    // an enterprise user is refused the pages, and they name nobody
    let client = browser_client();
    page_log_in(&app, &client, "hengfeng").await;
    let res = client.get(app.url(&person)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!res.text().await.unwrap().contains("页面甲"));
}

on_both_databases!(
    a_fever_alert_is_raised_at_37_3_and_not_at_37_2,
    bad_temperatures_are_refused_with_422,
    the_roster_covers_every_shift_and_names_a_missing_group,
    observed_persons_are_for_the_points_staff_and_leaders_and_every_read_is_audited,
    check_in_and_release_follow_the_observation_period,
    the_demo_point_has_its_fourteen_staff_and_an_open_alert,
    the_staff_record_a_fever_on_the_pages_and_the_alert_shows,
);
