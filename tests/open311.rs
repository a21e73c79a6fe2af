//! Open311 GeoReport v2 as a client written to the specification
//! (wiki.open311.org/GeoReport_v2) sees it, on both databases: discovery,
//! services, filing and reading requests in JSON and XML, who sees which
//! request, and the spec's error format.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

const V2: &str = "/open311/v2";

// ---- a small Open311 client --------------------------------------------------

/// One answer: status, content type and the raw body.
struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        assert!(self.content_type.starts_with("application/json"), "JSON answer, not {}: {}", self.content_type, self.body);
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("JSON ({e}): {}", self.body))
    }

    fn xml<T: for<'de> Deserialize<'de>>(&self) -> T {
        assert!(self.content_type.starts_with("text/xml"), "XML answer, not {}: {}", self.content_type, self.body);
        assert!(self.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "XML declaration: {}", self.body);
        quick_xml::de::from_str(&self.body).unwrap_or_else(|e| panic!("XML ({e}): {}", self.body))
    }
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status();
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    Answer { status, content_type, body: res.text().await.expect("body") }
}

async fn get(app: &TestApp, resource: &str, query: &[(&str, &str)]) -> Answer {
    answer(app.client.get(app.url(&format!("{V2}/{resource}"))).query(query).send().await.expect("GET")).await
}

async fn post(app: &TestApp, resource: &str, form: &[(&str, &str)]) -> Answer {
    answer(app.client.post(app.url(&format!("{V2}/{resource}"))).form(form).send().await.expect("POST")).await
}

/// Files a request and answers its service_request_id.
async fn file(app: &TestApp, form: &[(&str, &str)]) -> String {
    let a = post(app, "requests.json", form).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let body = a.json();
    assert_eq!(body.as_array().map(Vec::len), Some(1), "{body}");
    assert!(body[0]["account_id"].is_null());
    assert!(body[0]["service_notice"].is_string());
    body[0]["service_request_id"].as_str().expect("service_request_id is a string").to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().expect("an array of requests").iter().map(|r| r["service_request_id"].as_str().expect("id").to_string()).collect()
}

/// The spec's JSON error array: one error carrying the HTTP status as its code.
fn assert_json_error(a: &Answer, status: StatusCode) {
    assert_eq!(a.status, status, "{}", a.body);
    let body = a.json();
    assert_eq!(body[0]["code"], status.as_u16(), "{body}");
    assert!(body[0]["description"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
}

fn assert_xml_error(a: &Answer, status: StatusCode) {
    assert_eq!(a.status, status, "{}", a.body);
    let errors: XmlErrors = a.xml();
    assert_eq!(errors.error.len(), 1, "{}", a.body);
    assert_eq!(errors.error[0].code, status.as_u16());
    assert!(!errors.error[0].description.is_empty());
}

#[derive(Debug, Deserialize)]
struct XmlDiscovery {
    changeset: String,
    endpoints: XmlEndpoints,
}

#[derive(Debug, Deserialize)]
struct XmlEndpoints {
    endpoint: Vec<XmlEndpoint>,
}

#[derive(Debug, Deserialize)]
struct XmlEndpoint {
    specification: String,
    url: String,
    #[serde(rename = "type")]
    kind: String,
    formats: XmlFormats,
}

#[derive(Debug, Deserialize)]
struct XmlFormats {
    format: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct XmlServices {
    #[serde(default)]
    service: Vec<XmlService>,
}

#[derive(Debug, Deserialize)]
struct XmlService {
    service_code: String,
    service_name: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
struct XmlDefinition {
    service_code: String,
}

#[derive(Debug, Deserialize)]
struct XmlRequests {
    #[serde(default)]
    request: Vec<XmlRequest>,
}

#[derive(Debug, Deserialize)]
struct XmlRequest {
    service_request_id: String,
    status: Option<String>,
    service_code: Option<String>,
    description: Option<String>,
    address: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    service_notice: Option<String>,
}

#[derive(Debug, Deserialize)]
struct XmlErrors {
    error: Vec<XmlError>,
}

#[derive(Debug, Deserialize)]
struct XmlError {
    code: u16,
    description: String,
}

// ---- the tests -----------------------------------------------------------------

async fn discovery_lists_the_georeport_v2_endpoint(app: TestApp) {
    let a = get(&app, "discovery.json", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    let d = a.json();
    assert!(d["changeset"].is_string() && d["contact"].is_string() && d["key_service"].is_string(), "{d}");
    let endpoint = d["endpoints"].as_array().unwrap().iter().find(|e| e["specification"] == "http://wiki.open311.org/GeoReport_v2").expect("a v2 endpoint");
    assert_eq!(endpoint["url"], format!("{}{V2}", app.base), "built from the Host header");
    assert_eq!(endpoint["type"], "production");
    let formats: Vec<&str> = endpoint["formats"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(formats.contains(&"application/json") && formats.contains(&"text/xml"), "{formats:?}");

    let a = get(&app, "discovery.xml", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    let d: XmlDiscovery = a.xml();
    assert!(!d.changeset.is_empty());
    let e = &d.endpoints.endpoint[0];
    assert_eq!(e.specification, "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(e.url, format!("{}{V2}", app.base));
    assert_eq!(e.kind, "production");
    assert!(e.formats.format.iter().any(|f| f == "text/xml"));

    // every route is in the OpenAPI document, under the open311 tag
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["discovery.json", "discovery.xml", "services.json", "services.xml", "services/{file}", "requests.json", "requests.xml", "requests/{file}"] {
        let item = &doc["paths"][format!("{V2}/{path}")];
        assert!(item.is_object(), "{path} is documented");
        for method in ["get", "post"] {
            if let Some(op) = item.get(method) {
                assert_eq!(op["tags"][0], "open311", "{method} {path}");
            }
        }
    }
    assert!(doc["paths"][format!("{V2}/requests.json")]["post"].is_object());
}

async fn services_are_the_work_order_categories(app: TestApp) {
    let a = get(&app, "services.json", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    let services = a.json();
    let find = |code: &str| services.as_array().unwrap().iter().find(|s| s["service_code"] == code).cloned().unwrap_or_else(|| panic!("{code} in {services}"));
    let permits = find("permits");
    assert_eq!(permits["service_name"], "手续审批");
    let sanitation = find("sanitation");
    assert_eq!(sanitation["service_name"], "环境卫生");
    for s in services.as_array().unwrap() {
        assert_eq!(s["metadata"], false, "{s}");
        assert_eq!(s["type"], "realtime", "{s}");
        for field in ["description", "keywords", "group"] {
            assert!(s[field].is_string(), "{field} of {s}");
        }
    }

    let a = get(&app, "services.xml", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    let xml: XmlServices = a.xml();
    assert_eq!(xml.service.len(), services.as_array().unwrap().len());
    let s = xml.service.iter().find(|s| s.service_code == "permits").expect("permits in XML");
    assert_eq!(s.service_name, "手续审批");
    assert!(!s.metadata);
    assert_eq!(s.kind, "realtime");

    let a = get(&app, "services/sanitation.json", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    let def = a.json();
    assert_eq!(def["service_code"], "sanitation");
    assert_eq!(def["attributes"], json!([]));
    let a = get(&app, "services/sanitation.xml", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.xml::<XmlDefinition>().service_code, "sanitation");

    assert_json_error(&get(&app, "services/potholes.json", &[]).await, StatusCode::NOT_FOUND);
    assert_xml_error(&get(&app, "services/potholes.xml", &[]).await, StatusCode::NOT_FOUND);
    assert_xml_error(&get(&app, "services/sanitation", &[]).await, StatusCode::NOT_FOUND);
    assert_xml_error(&get(&app, "services/sanitation.csv", &[]).await, StatusCode::NOT_FOUND);
}

async fn staff_file_a_problem_and_read_it_back(app: TestApp) {
    let leader = app.token("leader").await;
    let description = "开发区纬二路与经三路交叉口东北角生活垃圾堆积三天未清运，气味很大，影响周边企业复工";
    let id = file(&app, &[("api_key", &leader), ("service_code", "sanitation"), ("lat", "34.7466"), ("long", "113.6253"), ("description", description)]).await;

    let a = get(&app, &format!("requests/{id}.json"), &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let list = a.json();
    assert_eq!(ids(&list), [id.as_str()], "an array of one");
    let r = &list[0];
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "sanitation");
    assert_eq!(r["service_name"], "环境卫生");
    assert_eq!(r["description"], description);
    assert_eq!(r["lat"], 34.7466);
    assert_eq!(r["long"], 113.6253);
    assert!(r["requested_datetime"].as_str().unwrap().ends_with("+08:00"), "{r}");
    assert!(r["updated_datetime"].is_string());
    assert!(r.get("enterprise_name").is_none() && r.get("created_by").is_none(), "{r}");

    // the order in our own API: a hotline order, its title the start of the description
    let (_, order) = app.get(&format!("/api/v1/work-orders/{id}"), &leader).await;
    assert_eq!(order["order"]["title"], description.chars().take(30).collect::<String>());
    assert_eq!(order["order"]["source"], "hotline");
    assert_eq!(order["order"]["state"], "submitted");

    // the same in XML
    let a = post(
        &app,
        "requests.xml",
        &[("api_key", &leader), ("service_code", "sanitation"), ("address_string", "新习镇政府门前广场"), ("description", "广场绿化带内建筑垃圾")],
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let filed: XmlRequests = a.xml();
    assert_eq!(filed.request.len(), 1);
    let xml_id = filed.request[0].service_request_id.clone();
    assert!(xml_id.parse::<i64>().is_ok(), "{xml_id}");
    assert!(filed.request[0].service_notice.as_deref().is_some_and(|n| !n.is_empty()));
    let a = get(&app, &format!("requests/{xml_id}.xml"), &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let read: XmlRequests = a.xml();
    assert_eq!(read.request.len(), 1);
    assert_eq!(read.request[0].service_request_id, xml_id);
    assert_eq!(read.request[0].status.as_deref(), Some("open"));
    assert_eq!(read.request[0].service_code.as_deref(), Some("sanitation"));
    assert_eq!(read.request[0].address.as_deref(), Some("新习镇政府门前广场"));

    // a township files for its own township (Open311 has no township parameter)
    let township = app.token("township").await;
    let id =
        file(&app, &[("api_key", &township), ("service_code", "sanitation"), ("lat", "34.70"), ("long", "113.60"), ("description", "村口垃圾桶满溢")]).await;
    let (status, order) = app.get(&format!("/api/v1/work-orders/{id}"), &township).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["order"]["township_name"], "新习镇");

    // an enterprise files for itself
    let hengfeng = app.token("hengfeng").await;
    let id =
        file(&app, &[("api_key", &hengfeng), ("service_code", "logistics"), ("address_string", "厂区北门"), ("description", "原材料运输车辆无法进园")]).await;
    let (_, order) = app.get(&format!("/api/v1/work-orders/{id}"), &hengfeng).await;
    assert_eq!(order["order"]["enterprise_name"], "恒丰电子");
    assert_eq!(order["order"]["source"], "enterprise");
}

async fn anonymous_reads_show_public_categories_only(app: TestApp) {
    let hengfeng = app.token("hengfeng").await;
    let xuehui = app.token("xuehui").await;
    let leader = app.token("leader").await;
    let (status, filed) = app
        .call(
            Method::POST,
            "/api/v1/work-orders",
            Some(&hengfeng),
            Some(json!({"category": "permits", "title": "新建仓库施工许可办理", "description": "恒丰电子二期仓库"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let private = filed["order"]["id"].as_i64().unwrap().to_string();
    let public = file(&app, &[("api_key", &leader), ("service_code", "sanitation"), ("lat", "34.75"), ("long", "113.62"), ("description", "道路积水")]).await;

    let a = get(&app, "requests.json", &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let list = a.json();
    assert!(ids(&list).contains(&public), "{list}");
    assert!(!ids(&list).contains(&private), "an enterprise's permit is not public: {list}");
    assert!(list.as_array().unwrap().iter().all(|r| r["service_code"] == "sanitation"), "only public categories: {list}");
    assert!(!a.body.contains("恒丰电子") && !a.body.contains("enterprise"), "{}", a.body);
    assert_json_error(&get(&app, &format!("requests/{private}.json"), &[]).await, StatusCode::NOT_FOUND);
    assert_xml_error(&get(&app, &format!("requests/{private}.xml"), &[]).await, StatusCode::NOT_FOUND);
    let by_id = get(&app, "requests.json", &[("service_request_id", &format!("{private},{public}"))]).await.json();
    assert_eq!(ids(&by_id), [public.as_str()]);
    let filtered = get(&app, "requests.json", &[("service_code", "permits")]).await.json();
    assert_eq!(filtered, json!([]), "nothing public in permits");
    let xml: XmlRequests = get(&app, "requests.xml", &[]).await.xml();
    assert!(xml.request.iter().any(|r| r.service_request_id == public));
    assert!(xml.request.iter().all(|r| r.service_request_id != private));

    // the enterprise's own key shows its order, as our API would
    let mine = get(&app, "requests.json", &[("api_key", &hengfeng)]).await.json();
    assert!(ids(&mine).contains(&private), "{mine}");
    assert!(!ids(&mine).contains(&public), "not hengfeng's: {mine}");
    let one = get(&app, &format!("requests/{private}.json"), &[("api_key", &hengfeng)]).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    let one = one.json();
    assert_eq!(one[0]["service_code"], "permits");
    assert_eq!(one[0]["description"], "恒丰电子二期仓库");
    assert!(one[0].get("enterprise_name").is_none() && one[0].get("enterprise_id").is_none(), "{one}");
    // another enterprise does not see it; the leader does
    assert!(!ids(&get(&app, "requests.json", &[("api_key", &xuehui)]).await.json()).contains(&private));
    assert_json_error(&get(&app, &format!("requests/{private}.json"), &[("api_key", &xuehui)]).await, StatusCode::NOT_FOUND);
    let all = get(&app, "requests.json", &[("api_key", &leader)]).await.json();
    assert!(ids(&all).contains(&private) && ids(&all).contains(&public), "{all}");
}

async fn refusals_answer_in_the_spec_error_format(app: TestApp) {
    let leader = app.token("leader").await;
    let volunteer = app.token("volunteer").await;
    let before = app.count("work_orders").await;
    let bad_key = "0".repeat(64);
    let problem = [("service_code", "sanitation"), ("lat", "34.75"), ("long", "113.62"), ("description", "道路积水")];
    let with = |key: &str| -> Vec<(String, String)> {
        std::iter::once(("api_key".to_string(), key.to_string())).chain(problem.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string()))).collect()
    };
    let send = |resource: &'static str, form: Vec<(String, String)>| {
        let app = &app;
        async move { answer(app.client.post(app.url(&format!("{V2}/{resource}"))).form(&form).send().await.unwrap()).await }
    };

    assert_json_error(&send("requests.json", with(&bad_key)).await, StatusCode::FORBIDDEN);
    assert_json_error(&send("requests.json", with("not-a-token")).await, StatusCode::FORBIDDEN);
    assert_xml_error(&send("requests.xml", with(&bad_key)).await, StatusCode::FORBIDDEN);
    assert_json_error(&post(&app, "requests.json", &problem).await, StatusCode::BAD_REQUEST);
    // a volunteer's key is valid, but volunteers file nothing
    assert_json_error(&send("requests.json", with(&volunteer)).await, StatusCode::FORBIDDEN);

    let missing_code = post(&app, "requests.json", &[("api_key", &leader), ("lat", "34.75"), ("long", "113.62"), ("description", "道路积水")]).await;
    assert_json_error(&missing_code, StatusCode::BAD_REQUEST);
    assert!(missing_code.body.contains("service_code"), "{}", missing_code.body);
    let missing_code = post(&app, "requests.xml", &[("api_key", &leader), ("address_string", "纬二路"), ("description", "道路积水")]).await;
    assert_xml_error(&missing_code, StatusCode::BAD_REQUEST);
    assert_json_error(
        &post(&app, "requests.json", &[("api_key", &leader), ("service_code", "potholes"), ("address_string", "纬二路")]).await,
        StatusCode::BAD_REQUEST,
    );
    assert_json_error(
        &post(&app, "requests.json", &[("api_key", &leader), ("service_code", "sanitation"), ("description", "哪里？")]).await,
        StatusCode::BAD_REQUEST,
    );
    assert_json_error(
        &post(&app, "requests.json", &[("api_key", &leader), ("service_code", "sanitation"), ("lat", "north"), ("long", "113.6")]).await,
        StatusCode::BAD_REQUEST,
    );
    let out_of_range = post(&app, "requests.json", &[("api_key", &leader), ("service_code", "sanitation"), ("lat", "134.7"), ("long", "113.6")]).await;
    assert_json_error(&out_of_range, StatusCode::BAD_REQUEST);
    assert!(out_of_range.body.contains("lat"), "the use case's field named as the spec names it: {}", out_of_range.body);
    let json_body = answer(app.client.post(app.url(&format!("{V2}/requests.json"))).json(&json!({"api_key": leader})).send().await.unwrap()).await;
    assert_json_error(&json_body, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("work_orders").await, before, "refusals filed nothing");

    assert_json_error(&get(&app, "requests/999999.json", &[]).await, StatusCode::NOT_FOUND);
    assert_xml_error(&get(&app, "requests/999999.xml", &[]).await, StatusCode::NOT_FOUND);
    assert_json_error(&get(&app, "requests/999999.json", &[("api_key", &leader)]).await, StatusCode::NOT_FOUND);
    assert_json_error(&get(&app, "requests/abc.json", &[]).await, StatusCode::NOT_FOUND);
    assert_xml_error(&get(&app, "requests/12", &[]).await, StatusCode::NOT_FOUND);
    assert_json_error(&get(&app, "requests.json", &[("api_key", &bad_key)]).await, StatusCode::FORBIDDEN);
    assert_json_error(&get(&app, "requests/1.json", &[("api_key", &bad_key)]).await, StatusCode::FORBIDDEN);
    assert_json_error(&get(&app, "requests.json", &[("status", "pending")]).await, StatusCode::BAD_REQUEST);
    assert_xml_error(&get(&app, "requests.xml", &[("start_date", "last week")]).await, StatusCode::BAD_REQUEST);
    assert_json_error(
        &get(&app, "requests.json", &[("start_date", "2020-01-01T00:00:00Z"), ("end_date", "2020-06-01T00:00:00Z")]).await,
        StatusCode::BAD_REQUEST,
    );
    assert_json_error(
        &get(&app, "requests.json", &[("start_date", "2020-03-19T00:00:00Z"), ("end_date", "2020-03-18T00:00:00Z")]).await,
        StatusCode::BAD_REQUEST,
    );
    assert_json_error(&get(&app, "requests.json", &[("service_code", "potholes")]).await, StatusCode::BAD_REQUEST);
}

async fn the_status_and_date_filters_select_requests(app: TestApp) {
    let leader = app.token("leader").await;
    let dept = app.token("department").await;
    let department_id = app.get("/api/v1/me", &dept).await.1["department_id"].as_i64().unwrap();
    let open = file(&app, &[("api_key", &leader), ("service_code", "sanitation"), ("address_string", "纬一路"), ("description", "路灯下垃圾堆放")]).await;
    let closed = file(&app, &[("api_key", &leader), ("service_code", "sanitation"), ("address_string", "纬三路"), ("description", "污水外溢")]).await;
    let id: i64 = closed.parse().unwrap();
    let steps = [
        (&leader, json!({"action": "assign", "version": 1, "department_id": department_id})),
        (&dept, json!({"action": "sign_for", "version": 2})),
        (&dept, json!({"action": "resolve", "version": 3, "resolution": "已疏通管道"})),
        (&leader, json!({"action": "rate", "version": 4, "rating": "satisfied", "note": "周边企业反映已无异味"})),
    ];
    for (token, body) in steps {
        let (s, o) = app.call(Method::POST, &format!("/api/v1/work-orders/{id}/transitions"), Some(token), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{o}");
    }

    let only_closed = get(&app, "requests.json", &[("status", "closed")]).await.json();
    assert_eq!(ids(&only_closed), [closed.as_str()]);
    let r = &only_closed[0];
    assert_eq!(r["status"], "closed");
    assert!(r["agency_responsible"].as_str().is_some_and(|a| !a.is_empty()), "{r}");
    assert!(r["status_notes"].as_str().unwrap().contains("周边企业反映已无异味"), "the latest note: {r}");
    assert!(r["expected_datetime"].as_str().unwrap().ends_with("T23:59:59+08:00"), "{r}");
    let only_open = get(&app, "requests.json", &[("status", "open")]).await.json();
    assert_eq!(ids(&only_open), [open.as_str()]);
    let both = get(&app, "requests.json", &[("status", "open,closed")]).await.json();
    assert_eq!(ids(&both), [closed.clone(), open.clone()], "newest first");

    let now = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8));
    let w3c = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    let day = time::Duration::days(1);
    let around = get(&app, "requests.json", &[("start_date", &w3c(now - day)), ("end_date", &w3c(now + day))]).await.json();
    assert_eq!(ids(&around), [closed.clone(), open.clone()]);
    let later = get(&app, "requests.json", &[("start_date", &w3c(now + day))]).await.json();
    assert_eq!(later, json!([]));
    let earlier = get(&app, "requests.json", &[("end_date", &w3c(now - day))]).await.json();
    assert_eq!(earlier, json!([]));
    let ninety_days_ago =
        get(&app, "requests.json", &[("start_date", &w3c(now - time::Duration::days(100))), ("end_date", &w3c(now - time::Duration::days(20)))]).await;
    assert_eq!(ninety_days_ago.json(), json!([]));
    let by_id = get(&app, "requests.json", &[("service_request_id", &format!("{open}, {closed}")), ("status", "closed")]).await.json();
    assert_eq!(ids(&by_id), [closed, open], "ids override the other filters");
}

async fn unsafe_characters_round_trip(app: TestApp) {
    let leader = app.token("leader").await;
    let description = r#"井盖<破损> & "无人"修理 'A&B' 区域 </request><x>"#;
    let address = "纬二路 <3号> & 4号之间";
    let a = post(
        &app,
        "requests.xml",
        &[("api_key", &leader), ("service_code", "sanitation"), ("address_string", address), ("lat", "34.7"), ("long", "113.6"), ("description", description)],
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let id = a.xml::<XmlRequests>().request[0].service_request_id.clone();

    let read: XmlRequests = get(&app, &format!("requests/{id}.xml"), &[]).await.xml();
    assert_eq!(read.request.len(), 1);
    assert_eq!(read.request[0].description.as_deref(), Some(description));
    assert_eq!(read.request[0].address.as_deref(), Some(address));
    assert_eq!(read.request[0].lat, Some(34.7));
    assert_eq!(read.request[0].long, Some(113.6));
    let listed: XmlRequests = get(&app, "requests.xml", &[("service_request_id", &id)]).await.xml();
    assert_eq!(listed.request[0].description.as_deref(), Some(description));
    let json = get(&app, &format!("requests/{id}.json"), &[]).await.json();
    assert_eq!(json[0]["description"], description);
    assert_eq!(json[0]["address"], address);

    // a multi-line description is kept, its line breaks as spaces
    let id = file(&app, &[("api_key", &leader), ("service_code", "sanitation"), ("address_string", "经三路"), ("description", "垃圾堆放\r\n已三天")]).await;
    assert_eq!(get(&app, &format!("requests/{id}.json"), &[]).await.json()[0]["description"], "垃圾堆放 已三天");
}

/// On PostgreSQL, sqlx 0.8.6's Any driver binds a NULL f64 as float4; a pooled
/// connection that first inserted an order without coordinates then refuses
/// coordinates ("incorrect binary data format in bind parameter 9").
async fn coordinates_are_accepted_after_orders_without_them(app: TestApp) {
    let leader = app.token("leader").await;
    let mut refused = Vec::new();
    for (i, with_coordinates) in [false; 12].into_iter().chain([true; 12]).enumerate() {
        let description = format!("第{i}处垃圾堆放");
        let mut form = vec![("api_key", leader.as_str()), ("service_code", "sanitation"), ("address_string", "纬二路"), ("description", &description)];
        if with_coordinates {
            form.extend([("lat", "34.75"), ("long", "113.62")]);
        }
        let a = post(&app, "requests.json", &form).await;
        if a.status != StatusCode::CREATED {
            refused.push(format!("#{i} (coordinates: {with_coordinates}): {} {}", a.status, a.body));
        }
    }
    assert!(refused.is_empty(), "refused: {refused:#?}");
}

async fn an_officer_files_for_its_single_enterprise_and_is_told_when_it_serves_several(app: TestApp) {
    let officer = app.token("officer").await;
    let leader = app.token("leader").await;
    let id = file(&app, &[("api_key", &officer), ("service_code", "logistics"), ("address_string", "恒丰电子北门"), ("description", "货车进园受阻")]).await;
    let (_, order) = app.get(&format!("/api/v1/work-orders/{id}"), &leader).await;
    assert_eq!(order["order"]["enterprise_name"], "恒丰电子", "the officer's one enterprise");
    assert_eq!(order["order"]["source"], "officer_visit");

    // a second enterprise: Open311 cannot say which one, so the request is refused in the spec's format
    let me = app.get("/api/v1/me", &officer).await.1;
    let cadre = me["cadre_id"].as_i64().expect("the officer's cadre");
    let (_, coverage) = app.get("/api/v1/officers/coverage", &leader).await;
    let free = coverage["uncovered"]["items"][0]["id"].as_i64().expect("an enterprise without an officer");
    let mut tx = app.db.begin_write().await.unwrap();
    zonedesk::store::registry::insert_officer_assignment(&mut tx, cadre, free, "2020-03-01").await.unwrap();
    tx.commit().await.unwrap();
    let before = app.count("work_orders").await;
    let form = [("api_key", officer.as_str()), ("service_code", "logistics"), ("address_string", "北门"), ("description", "货车进园受阻")];
    let refused = post(&app, "requests.json", &form).await;
    assert_json_error(&refused, StatusCode::BAD_REQUEST);
    assert!(refused.json()[0]["description"].as_str().unwrap().contains("enterprise_id"), "{}", refused.body);
    assert_xml_error(&post(&app, "requests.xml", &form).await, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("work_orders").await, before, "nothing filed");
}

on_both_databases!(
    coordinates_are_accepted_after_orders_without_them,
    discovery_lists_the_georeport_v2_endpoint,
    services_are_the_work_order_categories,
    staff_file_a_problem_and_read_it_back,
    anonymous_reads_show_public_categories_only,
    refusals_answer_in_the_spec_error_format,
    the_status_and_date_filters_select_requests,
    unsafe_characters_round_trip,
    an_officer_files_for_its_single_enterprise_and_is_told_when_it_serves_several,
);
