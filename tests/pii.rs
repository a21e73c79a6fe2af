//! Personal information (个人信息保护) on both databases: ID numbers are checked
//! (位数, 出生日期, 校验码) through the API and the import; they are stored
//! encrypted, so that neither the SQLite file nor any PostgreSQL row holds one
//! in clear, nor the audit log a phone; lists and exports mask them; the roles
//! that need them see them in clear on one record; every read of a health
//! record is audited. The command line refuses a wrong or missing key.

mod common;

use std::io::Cursor;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::date;
use zonedesk::app::exchange::Kind;
use zonedesk::domain::id_number::{IdNumber, check_character, mask_id_number};
use zonedesk::report::xlsx::{self, Cell, Flow, Line, XlsxWriter};
use zonedesk::store::Backend;

// ---- helpers ---------------------------------------------------------------------

/// A valid, invented ID number; `n` tells numbers apart.
fn id_number(n: u16) -> String {
    IdNumber::from_parts("410928", date!(1990 - 03 - 07), 100 + n).unwrap().as_str().to_string()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

/// (field, message) of each field error of an error body.
fn field_errors(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| (f["field"].as_str().unwrap_or("").to_string(), f["message"].as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default()
}

fn assert_field_error(status: StatusCode, body: &Value, field: &str, word: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let errors = field_errors(body);
    assert!(errors.iter().any(|(f, m)| f == field && m.contains(word)), "{field} named with “{word}” in {errors:?}");
}

/// A household of the township user's own township, with one member of this ID number.
async fn household_with(app: &TestApp, township: &str, head: &str, id: &str) -> Value {
    let member = json!({"name": head, "relation": "户主", "labour_capable": true, "id_number": id});
    let (s, h) =
        post(app, township, "/api/v1/households", json!({"head_name": head, "village": "保密村", "address": "PII-MARKER-7731", "members": [member]})).await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    h
}

async fn point_id(app: &TestApp, token: &str) -> i64 {
    let (s, body) = app.get("/api/v1/isolation-points", token).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["items"][0]["id"].as_i64().unwrap()
}

async fn check_in(app: &TestApp, token: &str, point: i64, name: &str, phone: &str, id: &str) -> (StatusCode, Value) {
    let body = json!({"name": name, "gender": "female", "age": 34, "phone": phone, "id_number": id, "source": "overseas", "origin": "韩国首尔"});
    post(app, token, &format!("/api/v1/isolation-points/{point}/observed-persons"), body).await
}

async fn batch_with(app: &TestApp, township: &str, id: &str) -> (StatusCode, Value) {
    let passenger = json!({"name": "乘客甲", "destination": "江苏昆山", "temperature": 36.5, "health_code": "green", "id_number": id});
    let body = json!({"route": "新习镇—江苏昆山", "vehicle": "豫J·A0001", "departs_on": "2020-03-10", "passengers": [passenger]});
    post(app, township, "/api/v1/transport-batches", body).await
}

async fn download(app: &TestApp, path: &str, token: &str) -> Vec<u8> {
    let res = app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.bytes().await.unwrap().to_vec()
}

/// The cells of one column of an .xlsx file's first sheet.
fn column(bytes: &[u8], header: &str) -> Vec<String> {
    let mut at = None;
    let mut cells = Vec::new();
    xlsx::read_first_sheet(
        Cursor::new(bytes.to_vec()),
        |_| {},
        |line| {
            match line {
                Line::Header(_, h) => at = h.iter().position(|c| c == header),
                Line::Row(_, r) => cells.push(at.and_then(|i| r.get(i)).cloned().unwrap_or_default()),
            }
            Flow::Continue
        },
    )
    .expect("an .xlsx file");
    assert!(at.is_some(), "a column {header}");
    cells
}

fn workbook(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = XlsxWriter::new();
    let columns: Vec<(&str, f64)> = headers.iter().map(|h| (*h, 12.0)).collect();
    let sheet = w.add_sheet("数据", &columns).unwrap();
    for r in rows {
        let cells: Vec<Cell> = r.iter().map(|c| Cell::from(c.as_str())).collect();
        w.push_row(sheet, &cells).unwrap();
    }
    w.into_bytes().unwrap()
}

async fn upload(app: &TestApp, kind: &str, token: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/imports/{kind}")))
        .bearer_auth(token)
        .header("content-type", xlsx::CONTENT_TYPE)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// How many rows of any table hold `needle` anywhere, as a database dump would show them.
async fn rows_holding(app: &TestApp, needle: &str) -> i64 {
    match app.backend {
        Backend::Sqlite => {
            // the file itself, and its write-ahead log: what a copied database holds
            let (_, _, file): (i64, String, String) = sqlx::query_as("PRAGMA database_list").fetch_one(app.db.pool()).await.unwrap();
            let mut bytes = std::fs::read(&file).unwrap();
            bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
            bytes.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count() as i64
        }
        Backend::Postgres => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
                    .fetch_all(app.db.pool())
                    .await
                    .unwrap();
            let mut found = 0;
            for t in tables {
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t} x WHERE row_to_json(x)::text LIKE $1"))
                    .bind(format!("%{needle}%"))
                    .fetch_one(app.db.pool())
                    .await
                    .unwrap();
                found += n;
            }
            found
        }
    }
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1").bind(username).fetch_one(app.db.pool()).await.unwrap()
}

/// Audit entries of `action` on `entity` by `username` whose entity id or
/// listed ids name `id`.
async fn audited(app: &TestApp, username: &str, action: &str, entity: &str, id: i64) -> usize {
    let rows: Vec<(Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT entity_id, after_json FROM audit_log WHERE actor_id = $1 AND action = $2 AND entity = $3")
            .bind(user_id(app, username).await)
            .bind(action)
            .bind(entity)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    rows.into_iter()
        .filter(|(entity_id, after)| {
            *entity_id == Some(id)
                || after
                    .as_deref()
                    .and_then(|a| serde_json::from_str::<Value>(a).ok())
                    .is_some_and(|a| ["ids", "passengers"].iter().any(|k| a[*k].as_array().is_some_and(|ids| ids.iter().any(|i| i.as_i64() == Some(id)))))
        })
        .count()
}

// ---- the tests ---------------------------------------------------------------------

async fn an_invalid_id_number_is_refused_naming_the_field_and_the_problem(app: TestApp) {
    let township = app.token("township").await;
    let isolation = app.token("isolation").await;
    let members = app.count("household_members").await;

    // 校验码: the standard's example with a wrong last character
    let member = json!({"name": "错号甲", "labour_capable": true, "id_number": "110105194912310021"});
    let (s, body) = post(&app, &township, "/api/v1/households", json!({"head_name": "错号甲", "village": "保密村", "members": [member]})).await;
    assert_field_error(s, &body, "members.id_number", "校验码");

    // 出生日期: 30 February, with the right check character
    let household = household_with(&app, &township, "错号乙", &id_number(1)).await;
    let h = household["household"]["id"].as_i64().unwrap();
    let feb30 = format!("41092819900230001{}", check_character("41092819900230001"));
    let (s, body) =
        post(&app, &township, &format!("/api/v1/households/{h}/members"), json!({"name": "错号丙", "labour_capable": false, "id_number": feb30})).await;
    assert_field_error(s, &body, "id_number", "出生日期");

    // 位数, and a masked number, which cannot be stored
    let point = point_id(&app, &isolation).await;
    let (s, body) = check_in(&app, &isolation, point, "错号丁", "", "41092819900307").await;
    assert_field_error(s, &body, "id_number", "位数");
    let (s, body) = check_in(&app, &isolation, point, "错号丁", "", &mask_id_number(&id_number(2))).await;
    assert_field_error(s, &body, "id_number", "脱敏");
    let (s, body) = batch_with(&app, &township, "41092819900307123").await;
    assert_field_error(s, &body, "passengers.id_number", "位数");
    assert_eq!(app.count("household_members").await, members + 1, "only the good household was stored");

    // a number already registered for another member is refused too
    let (s, body) =
        post(&app, &township, &format!("/api/v1/households/{h}/members"), json!({"name": "重号", "labour_capable": false, "id_number": id_number(1)})).await;
    assert_eq!((s, body["error"]["field"].as_str()), (StatusCode::CONFLICT, Some("id_number")), "{body}");

    // the import names the row and the column 身份证号
    let headers: Vec<&str> = Kind::Households.columns().iter().filter(|c| c.import).map(|c| c.header).collect();
    let row = |n: &str, name: &str, id: &str| -> Vec<String> {
        headers
            .iter()
            .map(|c| match *c {
                "户编号" => n.to_string(),
                "户主姓名" | "成员姓名" => name.to_string(),
                "所属乡镇办" => household["household"]["township_name"].as_str().unwrap().to_string(),
                "所在村" => "保密村".to_string(),
                "身份证号" => id.to_string(),
                _ => String::new(),
            })
            .collect()
    };
    let households = app.count("poor_households").await;
    let bad =
        workbook(&headers, &[row("1", "导入甲", &id_number(3)), row("2", "导入乙", "110105194912310021"), row("3", "导入丙", &mask_id_number(&id_number(4)))]);
    let (s, body) = upload(&app, "households", &township, bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problems: Vec<(u64, String, String)> = body["error"]["report"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap().to_string(), p["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!((problems[0].0, problems[0].1.as_str()), (3, "身份证号"));
    assert!(problems[0].2.contains("校验码"), "{problems:?}");
    assert_eq!((problems[1].0, problems[1].1.as_str()), (4, "身份证号"));
    assert!(problems[1].2.contains("脱敏"), "{problems:?}");
    assert_eq!(app.count("poor_households").await, households, "a refused file stores nothing");
    let good = workbook(&headers, &[row("1", "导入甲", &id_number(3)), row("2", "导入乙", &id_number(5))]);
    let (s, body) = upload(&app, "households", &township, good).await;
    assert_eq!((s, body["imported"].as_i64()), (StatusCode::OK, Some(2)), "{body}");
}

async fn stored_id_numbers_and_audited_phones_are_not_in_the_database_in_clear(app: TestApp) {
    let township = app.token("township").await;
    let isolation = app.token("isolation").await;
    let (member, person, passenger) = (id_number(11), id_number(12), id_number(13));
    household_with(&app, &township, "密文户", &member).await;
    let (s, body) = check_in(&app, &isolation, point_id(&app, &isolation).await, "密文人", "13912345678", &person).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (s, body) = batch_with(&app, &township, &passenger).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");

    // the search finds what was written in clear beside them, so it would find them too
    assert!(rows_holding(&app, "PII-MARKER-7731").await > 0, "the dump holds the household's address");
    for id in [&member, &person, &passenger] {
        assert_eq!(rows_holding(&app, id).await, 0, "{id} is stored encrypted only");
    }
    let (enc, idx): (String, String) =
        sqlx::query_as("SELECT id_number_enc, id_number_idx FROM observed_persons WHERE name = '密文人'").fetch_one(app.db.pool()).await.unwrap();
    assert!(enc.starts_with("v1:") && idx.len() == 64, "ciphertext and a keyed index");
    // the audit log keeps the check-in with the phone masked, never in clear
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT after_json FROM audit_log WHERE entity = 'observed_person' AND action = 'create'").fetch_all(app.db.pool()).await.unwrap();
    assert!(audit.iter().any(|a| a.contains("139****5678")), "{audit:?}");
    assert!(audit.iter().all(|a| !a.contains("13912345678")), "{audit:?}");
}

async fn lists_and_exports_mask_and_the_allowed_roles_see_clear_on_one_record(app: TestApp) {
    let (admin, leader, township, isolation) = (app.token("admin").await, app.token("leader").await, app.token("township").await, app.token("isolation").await);
    let number = id_number(21);
    let masked = mask_id_number(&number);
    assert_eq!(masked.len(), 18);
    assert_ne!(masked, number);

    // a household: its township and the admin read the number, the leader a mask
    let h = household_with(&app, &township, "脱敏户", &number).await;
    assert_eq!(h["members"][0]["id_number"], number.as_str(), "the township sees what it entered");
    let id = h["household"]["id"].as_i64().unwrap();
    for (token, shown) in [(&township, &number), (&admin, &number), (&leader, &masked)] {
        let (s, d) = app.get(&format!("/api/v1/households/{id}"), token).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["members"][0]["id_number"], shown.as_str());
        assert!(d["members"][0].get("id_number_enc").is_none(), "the ciphertext never leaves");
    }
    // a whole number finds its household (by the blind index), and no other
    let (_, found) = app.get(&format!("/api/v1/households?q={number}"), &township).await;
    assert_eq!((found["total"].as_i64(), found["items"][0]["id"].as_i64()), (Some(1), Some(id)), "{found}");
    let (_, none) = app.get(&format!("/api/v1/households?q={}", id_number(22)), &township).await;
    assert_eq!(none["total"], 0);
    // the mask sent back unchanged keeps the number
    let m = &h["members"][0];
    let (s, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/household-members/{}", m["id"]),
            Some(&township),
            Some(json!({"version": m["version"], "name": "脱敏户", "labour_capable": true, "employment": "employed", "id_number": masked})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["id_number"], number.as_str());
    // exports mask it for everyone, the admin too
    for token in [&township, &admin] {
        let cells = column(&download(&app, "/api/v1/exports/households", token).await, "身份证号");
        assert!(cells.contains(&masked) && !cells.contains(&number), "{cells:?}");
    }

    // an observed person: the point's staff call it (phone in clear in lists too),
    // the number only on its record; the leader oversees with masks
    let point = point_id(&app, &isolation).await;
    let person_number = id_number(23);
    let (s, p) = check_in(&app, &isolation, point, "脱敏人", "13987654321", &person_number).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_i64().unwrap();
    let listed = |list: &Value| list["items"].as_array().unwrap().iter().find(|x| x["id"] == pid).cloned().expect("the person is listed");
    let (_, list) = app.get(&format!("/api/v1/isolation-points/{point}/observed-persons?per_page=100"), &isolation).await;
    let row = listed(&list);
    assert_eq!((row["phone"].as_str(), row["id_number"].as_str()), (Some("13987654321"), Some(mask_id_number(&person_number).as_str())));
    let (_, list) = app.get(&format!("/api/v1/isolation-points/{point}/observed-persons?per_page=100"), &leader).await;
    let row = listed(&list);
    assert_eq!((row["phone"].as_str(), row["id_number"].as_str()), (Some("139****4321"), Some(mask_id_number(&person_number).as_str())));
    for (token, phone, number) in [(&isolation, "13987654321", person_number.clone()), (&leader, "139****4321", mask_id_number(&person_number))] {
        let (s, d) = app.get(&format!("/api/v1/observed-persons/{pid}"), token).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!((d["person"]["phone"].as_str(), d["person"]["id_number"].as_str()), (Some(phone), Some(number.as_str())));
    }
    // the admin sets the point up and is refused its health data
    let (s, d) = app.get(&format!("/api/v1/observed-persons/{pid}"), &admin).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{d}");
    assert!(!d.to_string().contains("13987654321"));
    let (_, found) = app.get(&format!("/api/v1/isolation-points/{point}/observed-persons?q={person_number}"), &isolation).await;
    assert_eq!((found["total"].as_i64(), found["items"][0]["id"].as_i64()), (Some(1), Some(pid)), "{found}");
    // the page shows the number to the point's staff only
    let pages = common::browser_client();
    common::page_log_in(&app, &pages, "isolation").await;
    let html = pages.get(app.url(&format!("/isolation/persons/{pid}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&person_number) && html.contains("13987654321"));
    let pages = common::browser_client();
    common::page_log_in(&app, &pages, "leader").await;
    let html = pages.get(app.url(&format!("/isolation/persons/{pid}"))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains(&person_number) && !html.contains("13987654321") && html.contains("139****4321"));

    // a transport batch: its township reads the number, the leader a mask
    let (s, b) = batch_with(&app, &township, &id_number(24)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let bid = b["batch"]["id"].as_i64().unwrap();
    for (token, shown) in [(&township, id_number(24)), (&leader, mask_id_number(&id_number(24)))] {
        let (_, d) = app.get(&format!("/api/v1/transport-batches/{bid}"), token).await;
        assert_eq!(d["passengers"][0]["id_number"], shown.as_str());
    }

    // volunteers: lists mask the phone; the record shows it; the admin's export carries it
    let t = h["household"]["township_id"].as_i64().unwrap();
    let body =
        json!({"name": "脱敏志愿者", "phone": "13611112222", "subjects": ["math"], "grade_min": 7, "grade_max": 9, "township_id": t, "village": "保密村"});
    let (s, v) = post(&app, &township, "/api/v1/volunteers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, list) = app.get(&format!("/api/v1/volunteers?township_id={t}&per_page=100"), &admin).await;
    let phones: Vec<&str> = list["items"].as_array().unwrap().iter().filter_map(|v| v["phone"].as_str()).collect();
    assert!(phones.contains(&"136****2222") && !phones.contains(&"13611112222"), "{phones:?}");
    let (_, one) = app.get(&format!("/api/v1/volunteers/{}", v["id"]), &township).await;
    assert_eq!(one["phone"], "13611112222");
    let of = |token: &str| {
        let token = token.to_string();
        let app = &app;
        async move { column(&download(app, &format!("/api/v1/exports/volunteers?township_id={t}"), &token).await, "电话") }
    };
    let by_township = of(&township).await;
    assert!(by_township.contains(&"136****2222".to_string()) && !by_township.contains(&"13611112222".to_string()), "{by_township:?}");
    assert!(of(&admin).await.contains(&"13611112222".to_string()), "the admin's export moves the registry in clear");
    let exports: Vec<Option<String>> = sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = 'export' AND entity = 'volunteer' ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(exports.len(), 2, "each export of personal data is audited");
    assert!(exports[1].as_deref().is_some_and(|a| a.contains("\"phones_in_clear\":true")), "{exports:?}");
}

async fn every_read_of_a_health_record_is_audited(app: TestApp) {
    let (isolation, leader, township) = (app.token("isolation").await, app.token("leader").await, app.token("township").await);
    let point = point_id(&app, &isolation).await;
    let (s, p) = check_in(&app, &isolation, point, "审计人", "", "").await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_i64().unwrap();

    assert_eq!(audited(&app, "leader", "read", "observed_person", pid).await, 0);
    let (s, _) = app.get(&format!("/api/v1/observed-persons/{pid}"), &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(audited(&app, "leader", "read", "observed_person", pid).await, 1, "one entry for one read");
    let (s, _) = app.get(&format!("/api/v1/isolation-points/{point}/observed-persons?per_page=100"), &isolation).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(audited(&app, "isolation", "list", "observed_person", pid).await, 1, "a list read names its rows");

    // a fever: the alert list is a read of health data too
    let (s, rec) = post(&app, &isolation, &format!("/api/v1/observed-persons/{pid}/temperatures"), json!({"temperature": 38.2, "slot": "morning"})).await;
    assert_eq!(s, StatusCode::CREATED, "{rec}");
    let alert = rec["alert"]["id"].as_i64().unwrap();
    let (s, _) = app.get(&format!("/api/v1/isolation-points/{point}/fever-alerts"), &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(audited(&app, "leader", "list", "fever_alert", alert).await, 1);

    // the boarding health checks of a trip
    let (s, b) = batch_with(&app, &township, "").await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let bid = b["batch"]["id"].as_i64().unwrap();
    let passenger = b["passengers"][0]["id"].as_i64().unwrap();
    let (s, _) = app.get(&format!("/api/v1/transport-batches/{bid}"), &leader).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(audited(&app, "leader", "read", "transport_batch", bid).await, 1);
    assert_eq!(audited(&app, "leader", "read", "transport_batch", passenger).await, 1, "the entry names the passengers");
}

on_both_databases!(
    an_invalid_id_number_is_refused_naming_the_field_and_the_problem,
    stored_id_numbers_and_audited_phones_are_not_in_the_database_in_clear,
    lists_and_exports_mask_and_the_allowed_roles_see_clear_on_one_record,
    every_read_of_a_health_record_is_audited,
);

// ---- the key, on the command line ------------------------------------------------------

const BIN: &str = env!("CARGO_BIN_EXE_zonedesk");

fn zonedesk(args: &[&str], url: &str) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(args)
        .env("ZONEDESK_DATABASE_URL", url)
        .env("ZONEDESK_USER_PASSWORD", "correct horse battery")
        .env_remove("ZONEDESK_PII_KEY")
        .output()
        .expect("run zonedesk")
}

#[test]
fn sqlite_keeps_its_key_beside_the_database_and_refuses_another() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zone.db");
    let url = format!("sqlite://{}", db.display());
    let out = zonedesk(&["user", "add", "root", "--role", "admin"], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = zonedesk::store::pii::key_file_of(&db);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "the key file is the owner's only");
    }

    // a backup says where the key is (it is not in the backup), and restores over the same key
    let backup = dir.path().join("backup.db");
    let out = zonedesk(&["backup", backup.to_str().unwrap()], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(".key"), "{}", String::from_utf8_lossy(&out.stdout));
    let out = zonedesk(&["restore", backup.to_str().unwrap()], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // another key: the database refuses to start, and a restore over it is refused
    let original = std::fs::read_to_string(&key).unwrap();
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    let out = zonedesk(&["user", "add", "second", "--role", "admin"], &url);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("密钥与数据库不符"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zonedesk(&["restore", backup.to_str().unwrap()], &url);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("密钥与数据库不符"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&key, original).unwrap();
    let out = zonedesk(&["user", "add", "second", "--role", "admin"], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_without_a_key_refuses_to_start_naming_the_variable() {
    let Some(base) = common::required_or_skip("ZONEDESK_TEST_POSTGRES_URL", "PostgreSQL") else { return };
    let admin = zonedesk::store::Db::connect(&base).await.unwrap();
    let name = format!("zdt_pii_{}", &zonedesk::app::auth::random_secret()[..12]);
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.unwrap();
    let (root, query) = base.split_once('?').map(|(b, q)| (b.to_string(), format!("?{q}"))).unwrap_or((base.clone(), String::new()));
    let url = format!("{}/{name}{query}", &root[..root.rfind('/').unwrap()]);
    let out = zonedesk(&["user", "add", "root", "--role", "admin"], &url);
    let key = "cd".repeat(32);
    let with_key = std::process::Command::new(BIN)
        .args(["user", "add", "root", "--role", "admin"])
        .env("ZONEDESK_DATABASE_URL", &url)
        .env("ZONEDESK_USER_PASSWORD", "correct horse battery")
        .env("ZONEDESK_PII_KEY", &key)
        .output()
        .unwrap();
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(admin.pool()).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ZONEDESK_PII_KEY"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(with_key.status.success(), "{}", String::from_utf8_lossy(&with_key.stderr));
}
