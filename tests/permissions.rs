//! The row-level permission matrix: every role against every registry endpoint,
//! on its own rows and on another's. Refusals change nothing.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zonedesk::domain::CreditCode;

/// Which enterprises a role's list shows.
#[derive(Clone, Copy, PartialEq)]
enum Shows {
    All,
    OwnTownship,
    OnlyOwn,
    Nothing,
}

/// What one demo user may do. `own` and `other` name enterprises that are and
/// are not within the user's scope.
struct Expect {
    user: &'static str,
    own: &'static str,
    other: &'static str,
    list: u16,
    /// which enterprises the list shows
    list_total: Shows,
    read_own: u16,
    read_other: u16,
    write_own: u16,
    write_other: u16,
    create_in_xinxi: u16,
    delete: u16,
    reference_read: u16,
    reference_write: u16,
    cadres_read: u16,
    assign_officer: u16,
    admin_only: u16,
}

const MATRIX: &[Expect] = &[
    Expect {
        user: "admin",
        own: "恒丰电子",
        other: "雪汇食品",
        list: 200,
        list_total: Shows::All,
        read_own: 200,
        read_other: 200,
        write_own: 200,
        write_other: 200,
        create_in_xinxi: 201,
        delete: 204,
        reference_read: 200,
        reference_write: 201,
        cadres_read: 200,
        assign_officer: 201,
        admin_only: 200,
    },
    Expect {
        user: "leader",
        own: "恒丰电子",
        other: "雪汇食品",
        list: 200,
        list_total: Shows::All,
        read_own: 200,
        read_other: 200,
        write_own: 200,
        write_other: 200,
        create_in_xinxi: 201,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 200,
        assign_officer: 201,
        admin_only: 403,
    },
    Expect {
        user: "township",
        own: "雪汇食品",
        other: "恒丰电子",
        list: 200,
        list_total: Shows::OwnTownship,
        read_own: 200,
        read_other: 403,
        write_own: 200,
        write_other: 403,
        create_in_xinxi: 201,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 200,
        assign_officer: 403,
        admin_only: 403,
    },
    Expect {
        user: "department",
        own: "恒丰电子",
        other: "雪汇食品",
        list: 200,
        list_total: Shows::All,
        read_own: 200,
        read_other: 200,
        write_own: 403,
        write_other: 403,
        create_in_xinxi: 403,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 200,
        assign_officer: 403,
        admin_only: 403,
    },
    Expect {
        user: "officer",
        own: "恒丰电子",
        other: "雪汇食品",
        list: 200,
        list_total: Shows::OnlyOwn,
        read_own: 200,
        read_other: 403,
        write_own: 403,
        write_other: 403,
        create_in_xinxi: 403,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 200,
        assign_officer: 403,
        admin_only: 403,
    },
    Expect {
        user: "hengfeng",
        own: "恒丰电子",
        other: "雪汇食品",
        list: 200,
        list_total: Shows::OnlyOwn,
        read_own: 200,
        read_other: 403,
        write_own: 200,
        write_other: 403,
        create_in_xinxi: 403,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 403,
        assign_officer: 403,
        admin_only: 403,
    },
    Expect {
        user: "xuehui",
        own: "雪汇食品",
        other: "恒丰电子",
        list: 200,
        list_total: Shows::OnlyOwn,
        read_own: 200,
        read_other: 403,
        write_own: 200,
        write_other: 403,
        create_in_xinxi: 403,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 403,
        assign_officer: 403,
        admin_only: 403,
    },
    Expect {
        user: "volunteer",
        own: "恒丰电子",
        other: "雪汇食品",
        list: 403,
        list_total: Shows::Nothing,
        read_own: 403,
        read_other: 403,
        write_own: 403,
        write_other: 403,
        create_in_xinxi: 403,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 403,
        assign_officer: 403,
        admin_only: 403,
    },
    Expect {
        user: "isolation",
        own: "恒丰电子",
        other: "雪汇食品",
        list: 403,
        list_total: Shows::Nothing,
        read_own: 403,
        read_other: 403,
        write_own: 403,
        write_other: 403,
        create_in_xinxi: 403,
        delete: 403,
        reference_read: 200,
        reference_write: 403,
        cadres_read: 403,
        assign_officer: 403,
        admin_only: 403,
    },
];

fn code(n: usize) -> String {
    CreditCode::with_check_character(&format!("91410900MA{:07}", 9_000_000 + n)).unwrap().to_string()
}

async fn status(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> u16 {
    let (s, b) = app.call(method.clone(), path, Some(token), body).await;
    if s.is_client_error() {
        assert!(b["error"]["code"].is_string() && b["error"]["message"].is_string(), "{method} {path}: error body {b}");
    }
    s.as_u16()
}

async fn every_role_reaches_exactly_its_own_rows(app: TestApp) {
    let admin = app.token("admin").await;
    let (_, townships) = app.get("/api/v1/townships", &admin).await;
    let xinxi = townships["items"].as_array().unwrap().iter().find(|t| t["name"] == "新习镇").unwrap()["id"].as_i64().unwrap();
    // a cadre of its own, so that assigning it changes no demo officer's enterprises
    let (_, cadre) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": "矩阵干部", "rank": "正科级"}))).await;
    let cadre = cadre["id"].as_i64().unwrap();
    let mut checked = 0;

    for (n, e) in MATRIX.iter().enumerate() {
        let token = app.token(e.user).await;
        let who = e.user;
        let own = app.enterprise_id(e.own).await;
        let other = app.enterprise_id(e.other).await;

        let (s, list) = app.get("/api/v1/enterprises?per_page=200", &token).await;
        assert_eq!(s.as_u16(), e.list, "{who}: list");
        let expected = match e.list_total {
            Shows::All => app.get("/api/v1/enterprises", &admin).await.1["total"].as_i64(),
            Shows::OwnTownship => app.get(&format!("/api/v1/enterprises?township_id={xinxi}"), &admin).await.1["total"].as_i64(),
            Shows::OnlyOwn => Some(1),
            Shows::Nothing => None,
        };
        assert_eq!(list["total"].as_i64(), expected, "{who}: list total");
        if e.list_total == Shows::OnlyOwn {
            assert_eq!(list["items"][0]["name"], e.own, "{who}: the one row is its own");
        }
        assert_eq!(status(&app, Method::GET, &format!("/api/v1/enterprises/{own}"), &token, None).await, e.read_own, "{who}: read own");
        assert_eq!(status(&app, Method::GET, &format!("/api/v1/enterprises/{other}"), &token, None).await, e.read_other, "{who}: read other");

        for (target, expected, label) in [(own, e.write_own, "write own"), (other, e.write_other, "write other")] {
            let (_, current) = app.get(&format!("/api/v1/enterprises/{target}"), &admin).await;
            let mut change = current.clone();
            change["contact_name"] = json!(format!("联系人{n}"));
            let got = status(&app, Method::PUT, &format!("/api/v1/enterprises/{target}"), &token, Some(change)).await;
            assert_eq!(got, expected, "{who}: {label}");
            let (_, after) = app.get(&format!("/api/v1/enterprises/{target}"), &admin).await;
            if expected == 200 {
                assert_eq!(after["contact_name"], json!(format!("联系人{n}")), "{who}: {label} saved");
            } else {
                assert_eq!(after, current, "{who}: refused {label} changed nothing");
            }
        }

        let before = app.count("enterprises").await;
        let new = json!({"name": format!("测试企业{n}"), "credit_code": code(n), "kind": "commerce_service", "township_id": xinxi});
        let got = status(&app, Method::POST, "/api/v1/enterprises", &token, Some(new)).await;
        assert_eq!(got, e.create_in_xinxi, "{who}: create");
        assert_eq!(app.count("enterprises").await, before + i64::from(got == 201), "{who}: create count");

        let (_, victim) = app
            .call(
                Method::POST,
                "/api/v1/enterprises",
                Some(&admin),
                Some(json!({"name": "待删除企业", "credit_code": code(100 + n), "kind": "agriculture", "township_id": xinxi})),
            )
            .await;
        let victim = victim["id"].as_i64().unwrap();
        assert_eq!(status(&app, Method::DELETE, &format!("/api/v1/enterprises/{victim}"), &token, None).await, e.delete, "{who}: delete");

        assert_eq!(status(&app, Method::GET, "/api/v1/townships", &token, None).await, e.reference_read, "{who}: townships");
        assert_eq!(status(&app, Method::GET, "/api/v1/departments", &token, None).await, e.reference_read, "{who}: departments");
        let body = json!({"name": format!("测试乡{n}"), "kind": "xiang"});
        assert_eq!(status(&app, Method::POST, "/api/v1/townships", &token, Some(body)).await, e.reference_write, "{who}: create township");
        let body = json!({"name": format!("测试部门{n}")});
        assert_eq!(status(&app, Method::POST, "/api/v1/departments", &token, Some(body)).await, e.reference_write, "{who}: create department");
        assert_eq!(status(&app, Method::GET, "/api/v1/cadres", &token, None).await, e.cadres_read, "{who}: cadres");
        assert_eq!(status(&app, Method::GET, &format!("/api/v1/cadres/{cadre}"), &token, None).await, e.cadres_read, "{who}: one cadre");
        let body = json!({"name": format!("测试干部{n}")});
        assert_eq!(status(&app, Method::POST, "/api/v1/cadres", &token, Some(body)).await, e.reference_write, "{who}: create cadre");

        // reading one, changing and deleting reference data: who may create it may change it
        let (change, remove) = if e.reference_write == 201 { (200, 204) } else { (403, 403) };
        let (_, township) = app.call(Method::POST, "/api/v1/townships", Some(&admin), Some(json!({"name": format!("待改乡{n}"), "kind": "xiang"}))).await;
        let path = format!("/api/v1/townships/{}", township["id"]);
        assert_eq!(status(&app, Method::GET, &path, &token, None).await, e.reference_read, "{who}: one township");
        let body = json!({"name": format!("改名乡{n}"), "kind": "xiang", "version": 1});
        assert_eq!(status(&app, Method::PUT, &path, &token, Some(body)).await, change, "{who}: change township");
        let (_, department) = app.call(Method::POST, "/api/v1/departments", Some(&admin), Some(json!({"name": format!("待改部门{n}")}))).await;
        let path = format!("/api/v1/departments/{}", department["id"]);
        assert_eq!(status(&app, Method::GET, &path, &token, None).await, e.reference_read, "{who}: one department");
        assert_eq!(
            status(&app, Method::PUT, &path, &token, Some(json!({"name": format!("改名部门{n}"), "version": 1}))).await,
            change,
            "{who}: change department"
        );
        let (_, spare) = app.call(Method::POST, "/api/v1/cadres", Some(&admin), Some(json!({"name": format!("待改干部{n}")}))).await;
        let path = format!("/api/v1/cadres/{}", spare["id"]);
        let (_, before) = app.get(&path, &admin).await;
        assert_eq!(status(&app, Method::PUT, &path, &token, Some(json!({"name": "改名干部", "version": 1}))).await, change, "{who}: change cadre");
        if change == 403 {
            assert_eq!(app.get(&path, &admin).await.1, before, "{who}: a refused change changed nothing");
        }
        assert_eq!(status(&app, Method::DELETE, &path, &token, None).await, remove, "{who}: delete cadre");
        assert_eq!(app.get(&path, &admin).await.0.as_u16(), if remove == 204 { 404 } else { 200 }, "{who}: delete cadre done or not");
        // the officer history is read as the cadres are
        assert_eq!(status(&app, Method::GET, "/api/v1/officer-assignments", &token, None).await, e.cadres_read, "{who}: officer history");

        // a fresh enterprise without an officer, for the assignment
        let (_, target) = app
            .call(
                Method::POST,
                "/api/v1/enterprises",
                Some(&admin),
                Some(json!({"name": "待派驻企业", "credit_code": code(200 + n), "kind": "industrial", "township_id": xinxi})),
            )
            .await;
        let body = json!({"cadre_id": cadre, "enterprise_id": target["id"], "started_on": "2020-03-20"});
        assert_eq!(status(&app, Method::POST, "/api/v1/officer-assignments", &token, Some(body)).await, e.assign_officer, "{who}: assign officer");
        // and ending one: the assignment made just now, or one made by the admin for the purpose
        let (_, history) = app.get(&format!("/api/v1/officer-assignments?enterprise_id={}", target["id"]), &admin).await;
        let assignment = match history["items"][0]["id"].as_i64() {
            Some(id) => id,
            None => {
                let body = json!({"cadre_id": cadre, "enterprise_id": target["id"], "started_on": "2020-03-20"});
                app.call(Method::POST, "/api/v1/officer-assignments", Some(&admin), Some(body)).await.1["id"].as_i64().unwrap()
            }
        };
        let ended = if e.assign_officer == 201 { 204 } else { 403 };
        let body = json!({"ended_on": "2020-03-25"});
        assert_eq!(
            status(&app, Method::POST, &format!("/api/v1/officer-assignments/{assignment}/end"), &token, Some(body)).await,
            ended,
            "{who}: end assignment"
        );

        assert_eq!(status(&app, Method::GET, "/api/v1/users", &token, None).await, e.admin_only, "{who}: users");
        assert_eq!(status(&app, Method::GET, "/api/v1/audit-entries", &token, None).await, e.admin_only, "{who}: audit");
        let body = json!({"username": format!("new{n}"), "password": "secret", "role": "leader"});
        let expected_create = if e.admin_only == 200 { 201 } else { 403 };
        assert_eq!(status(&app, Method::POST, "/api/v1/users", &token, Some(body)).await, expected_create, "{who}: create user");
        checked += 1;
    }
    assert_eq!(checked, MATRIX.len());
}

async fn a_township_cannot_register_or_list_outside_its_township(app: TestApp) {
    let admin = app.token("admin").await;
    let township = app.token("township").await;
    let (_, townships) = app.get("/api/v1/townships", &admin).await;
    let elsewhere = townships["items"].as_array().unwrap().iter().find(|t| t["name"] != "新习镇").unwrap()["id"].as_i64().unwrap();
    let before = app.count("enterprises").await;
    let body = json!({"name": "越界企业", "credit_code": code(500), "kind": "industrial", "township_id": elsewhere});
    assert_eq!(status(&app, Method::POST, "/api/v1/enterprises", &township, Some(body)).await, 403);
    assert_eq!(app.count("enterprises").await, before);
    assert_eq!(status(&app, Method::GET, &format!("/api/v1/enterprises?township_id={elsewhere}"), &township, None).await, 403);

    // nor move one of its own out of it
    let own = app.enterprise_id("雪汇食品").await;
    let (_, current) = app.get(&format!("/api/v1/enterprises/{own}"), &admin).await;
    let mut moved = current.clone();
    moved["township_id"] = json!(elsewhere);
    assert_eq!(status(&app, Method::PUT, &format!("/api/v1/enterprises/{own}"), &township, Some(moved)).await, 403);
    assert_eq!(app.get(&format!("/api/v1/enterprises/{own}"), &admin).await.1, current);
}

async fn a_township_reads_only_its_own_enterprises_officer_history(app: TestApp) {
    let township = app.token("township").await;
    let own = app.enterprise_id("雪汇食品").await;
    let other = app.enterprise_id("恒丰电子").await;
    let (s, history) = app.get(&format!("/api/v1/officer-assignments?enterprise_id={own}"), &township).await;
    assert_eq!(s, StatusCode::OK);
    assert!(history["items"].as_array().unwrap().iter().all(|a| a["enterprise_id"] == own));
    assert_eq!(status(&app, Method::GET, &format!("/api/v1/officer-assignments?enterprise_id={other}"), &township, None).await, 403);
    // unfiltered: only its township's enterprises
    let (_, all) = app.get("/api/v1/officer-assignments?per_page=200", &township).await;
    let (_, mine) = app.get("/api/v1/enterprises?per_page=200", &township).await;
    let ids: Vec<&Value> = mine["items"].as_array().unwrap().iter().map(|e| &e["id"]).collect();
    assert!(all["items"].as_array().unwrap().iter().all(|a| ids.contains(&&a["enterprise_id"])), "{all}");
}

async fn an_enterprise_changes_only_its_contact_details(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let id = app.enterprise_id("恒丰电子").await;
    let (_, current) = app.get(&format!("/api/v1/enterprises/{id}"), &hengfeng).await;
    let mut change = current.clone();
    change["name"] = json!("改名电子");
    change["kind"] = json!("agriculture");
    change["contact_phone"] = json!("0393-8777777");
    let (s, after) = app.call(Method::PUT, &format!("/api/v1/enterprises/{id}"), Some(&hengfeng), Some(change)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(after["name"], "恒丰电子");
    assert_eq!(after["kind"], "foreign_trade");
    assert_eq!(after["contact_phone"], "0393-8777777");
}

async fn requests_without_a_valid_token_are_401(app: TestApp) {
    for path in ["/api/v1/enterprises", "/api/v1/townships", "/api/v1/users", "/api/v1/me"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        let res = app.client.get(app.url(path)).bearer_auth("0".repeat(64)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path} with a made-up token");
        let res = app.client.get(app.url(path)).header("authorization", "Basic YWRtaW46ZGVtbw==").send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path} with basic auth");
    }
}

on_both_databases!(
    every_role_reaches_exactly_its_own_rows,
    a_township_cannot_register_or_list_outside_its_township,
    a_township_reads_only_its_own_enterprises_officer_history,
    an_enterprise_changes_only_its_contact_details,
    requests_without_a_valid_token_are_401,
);
