//! Excel import and export: lists export with their filters and in the user's
//! scope; registries round-trip (export → import reproduces the records); a
//! file with bad rows is refused with a report naming each row and column, and
//! nothing is stored; formula injection is neutralised; the command line
//! imports and exports with the same rules.

mod common;

use std::io::Cursor;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zonedesk::app::exchange::Kind;
use zonedesk::domain::CreditCode;
use zonedesk::report::xlsx::{self, Cell, Flow, Line, XlsxWriter};

// ---- helpers ---------------------------------------------------------------------

/// A sheet as read back: the header and the data rows with their row numbers.
struct Sheet {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn read(bytes: &[u8]) -> Sheet {
        let mut sheet = Sheet { header: Vec::new(), rows: Vec::new() };
        xlsx::read_first_sheet(
            Cursor::new(bytes.to_vec()),
            |_| {},
            |line| {
                match line {
                    Line::Header(_, h) => sheet.header = h.to_vec(),
                    Line::Row(n, r) => sheet.rows.push((n, r.to_vec())),
                }
                Flow::Continue
            },
        )
        .expect("an .xlsx file");
        sheet
    }

    fn col(&self, header: &str) -> usize {
        self.header.iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header} in {:?}", self.header))
    }

    fn cell<'a>(&self, row: &'a [String], header: &str) -> &'a str {
        row.get(self.col(header)).map(String::as_str).unwrap_or("")
    }

    /// Each row's cells under `headers`, sorted: a multiset to compare files by.
    fn records(&self, headers: &[&str]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = self.rows.iter().map(|(_, r)| headers.iter().map(|h| self.cell(r, h).to_string()).collect()).collect();
        out.sort();
        out
    }
}

/// An .xlsx file with these headers and rows (text cells), as a user would make it.
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

fn import_headers(kind: Kind) -> Vec<&'static str> {
    kind.columns().iter().filter(|c| c.import).map(|c| c.header).collect()
}

fn code(n: u32) -> String {
    CreditCode::with_check_character(&format!("91410900MA{n:07}")).unwrap().as_str().to_string()
}

async fn download(app: &TestApp, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
    let res = app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    (status, res.bytes().await.unwrap().to_vec())
}

async fn export(app: &TestApp, kind_and_query: &str, token: &str) -> Sheet {
    let (status, bytes) = download(app, &format!("/api/v1/exports/{kind_and_query}"), token).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    Sheet::read(&bytes)
}

async fn upload(app: &TestApp, path: &str, token: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let res = app.client.post(app.url(path)).bearer_auth(token).header("content-type", xlsx::CONTENT_TYPE).body(bytes).send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Sends a request's head only and answers the head of the response.
async fn raw_request(app: &TestApp, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer)).await.expect("an answer").unwrap();
    String::from_utf8_lossy(&answer[..n]).to_string()
}

/// A multipart form body with text fields and one file.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let b = "zonedesk-test-boundary-7d3f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend(
        format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.xlsx\"\r\nContent-Type: {}\r\n\r\n", xlsx::CONTENT_TYPE).as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

fn problems(body: &Value) -> Vec<(u64, String, String)> {
    body["error"]["report"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("a report in {body}"))
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap().to_string(), p["message"].as_str().unwrap().to_string()))
        .collect()
}

async fn township_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let (_, body) = app.get("/api/v1/townships", token).await;
    body["items"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("township {name}"))["id"].as_i64().unwrap()
}

/// A row of the enterprise import columns.
fn enterprise_row(name: &str, code: &str, kind: &str, township: &str) -> Vec<String> {
    [name, code, kind, township, "电子信息", "纬五路8号", "李经理", "0393-8888888", "50"].map(str::to_string).to_vec()
}

// ---- enterprises -----------------------------------------------------------------------

/// A township's enterprises as the API lists them, by credit code.
async fn listed_in(app: &TestApp, token: &str, township: i64) -> Vec<Value> {
    let (_, body) = app.get(&format!("/api/v1/enterprises?township_id={township}&per_page=200"), token).await;
    let mut items: Vec<Value> = body["items"].as_array().unwrap().clone();
    items.sort_by_key(|e| e["credit_code"].as_str().unwrap().to_string());
    items
}

async fn enterprises_export_and_import_back_after_deleting(app: TestApp) {
    let admin = app.token("admin").await;
    let (status, township) = app.call(Method::POST, "/api/v1/townships", Some(&admin), Some(json!({"name": "试验乡", "kind": "xiang"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{township}");
    let t = township["id"].as_i64().unwrap();
    let tricky = [
        ("=HYPERLINK(\"http://evil.example\",\"点我\")", "-化工", "@张三", "+86 393 888 8888", "foreign_trade", 0),
        ("濮阳试验电子有限公司", "电子信息", "'=单引号开头", "0393-6666666", "industrial", 320),
        ("+号开头的商贸公司", "商贸", "王经理", "", "commerce_service", 12),
    ];
    for (i, (name, industry, contact, phone, kind, headcount)) in tricky.iter().enumerate() {
        let body = json!({"name": name, "credit_code": code(i as u32 + 1), "industry": industry, "kind": kind, "township_id": t,
            "address": format!("-{i}号"), "contact_name": contact, "contact_phone": phone, "headcount": headcount});
        let (status, created) = app.call(Method::POST, "/api/v1/enterprises", Some(&admin), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
    let before = listed_in(&app, &admin, t).await;
    assert_eq!(before.len(), 3);

    let (status, bytes) = download(&app, &format!("/api/v1/exports/enterprises?township_id={t}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    // formula-like text is written as text behind an apostrophe, never as a formula
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    use calamine::Reader;
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let raw: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(raw.contains(&"'=HYPERLINK(\"http://evil.example\",\"点我\")".to_string()), "{raw:?}");
    assert!(raw.contains(&"'@张三".to_string()) && raw.contains(&"'-化工".to_string()) && raw.contains(&"'+86 393 888 8888".to_string()));
    assert!(raw.contains(&"''=单引号开头".to_string()), "an apostrophe before a formula start is kept: {raw:?}");
    let name = book.sheet_names()[0].clone();
    assert!(book.worksheet_formula(&name).unwrap().rows().flatten().all(String::is_empty), "no formulas");
    let sheet = Sheet::read(&bytes);
    assert_eq!(sheet.rows.len(), 3);
    assert_eq!(sheet.rows[0].0, 2, "data starts on Excel's row 2");

    for e in &before {
        let (status, _) = app.call(Method::DELETE, &format!("/api/v1/enterprises/{}", e["id"]), Some(&admin), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert!(listed_in(&app, &admin, t).await.is_empty());
    let audits = app.count("audit_log").await;

    let (status, report) = upload(&app, "/api/v1/imports/enterprises", &admin, bytes).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["outcome"].as_str(), report["imported"].as_i64(), report["rows"].as_i64()), (Some("imported"), Some(3), Some(3)));
    let after = listed_in(&app, &admin, t).await;
    let fields = ["name", "credit_code", "kind", "township_id", "township_name", "industry", "address", "contact_name", "contact_phone", "headcount"];
    for (a, b) in before.iter().zip(&after) {
        for f in fields {
            assert_eq!(a[f], b[f], "{f} round-trips");
        }
    }
    // one audit entry names the import and its count
    assert_eq!(app.count("audit_log").await, audits + 1);
    let (after_json,): (String,) = sqlx::query_as("SELECT after_json FROM audit_log WHERE action = 'import' AND entity = 'enterprise' ORDER BY id DESC")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(after_json.contains("\"count\":3"), "{after_json}");

    // importing the same file again is refused row by row: the codes are registered
    let again = download(&app, &format!("/api/v1/exports/enterprises?township_id={t}"), &admin).await.1;
    let (status, body) = upload(&app, "/api/v1/imports/enterprises", &admin, again).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let found = problems(&body);
    assert_eq!(found.iter().map(|p| p.0).collect::<Vec<_>>(), [2, 3, 4]);
    assert!(found.iter().all(|p| p.1 == "统一社会信用代码" && p.2.contains("已登记")), "{found:?}");
}

async fn a_file_with_bad_rows_is_refused_with_a_report_and_nothing_is_stored(app: TestApp) {
    let admin = app.token("admin").await;
    let headers = import_headers(Kind::Enterprises);
    let rows = vec![
        enterprise_row("好企业甲", &code(101), "工业企业", "王助镇"),
        enterprise_row("坏代码企业", "91410900MA0000102X", "工业企业", "王助镇"),
        enterprise_row("好企业乙", &code(103), "外贸企业", "新习镇"),
        enterprise_row("未知乡镇企业", &code(104), "农业", "火星镇"),
        enterprise_row("重复代码企业", &code(101), "商贸服务业", "胡村乡"),
        enterprise_row("", &code(106), "银行", "新习镇"),
    ];
    let file = workbook(&headers, &rows);
    let (enterprises, audits) = (app.count("enterprises").await, app.count("audit_log").await);

    let (status, body) = upload(&app, "/api/v1/imports/enterprises", &admin, file.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "import_refused");
    let found = problems(&body);
    let at = |row: u64, column: &str| found.iter().find(|p| p.0 == row && p.1 == column).map(|p| p.2.clone());
    assert!(at(3, "统一社会信用代码").is_some_and(|m| m.contains("统一社会信用代码")), "{found:?}");
    assert!(at(5, "所属乡镇办").is_some_and(|m| m.contains("火星镇")), "{found:?}");
    assert!(at(6, "统一社会信用代码").is_some_and(|m| m.contains("第2行")), "{found:?}");
    assert!(at(7, "企业名称").is_some() && at(7, "企业类型").is_some_and(|m| m.contains("银行")), "{found:?}");
    assert!(found.iter().all(|p| [3, 5, 6, 7].contains(&p.0)), "good rows have no problems: {found:?}");
    assert_eq!(app.count("enterprises").await, enterprises, "nothing is stored");
    assert_eq!(app.count("audit_log").await, audits);

    // a dry run checks without storing
    let (status, body) = upload(&app, "/api/v1/imports/enterprises?dry_run=true", &admin, workbook(&headers, &rows[..1])).await;
    assert_eq!((status, body["outcome"].as_str()), (StatusCode::OK, Some("checked")), "{body}");
    assert_eq!(app.count("enterprises").await, enterprises);

    // skipping the bad rows stores the good ones and reports the rest
    let (status, body) = upload(&app, "/api/v1/imports/enterprises?skip_invalid=true", &admin, file).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["imported"].as_i64(), body["skipped"].as_i64()), (Some(2), Some(4)));
    assert_eq!(app.count("enterprises").await, enterprises + 2);

    // a file without the required columns is refused at its header
    let (status, body) = upload(&app, "/api/v1/imports/enterprises", &admin, workbook(&["名称", "代码"], &[vec!["甲".into(), "乙".into()]])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problems(&body).iter().any(|p| p.0 == 1 && p.1 == "统一社会信用代码" && p.2.contains("缺少此列")), "{body}");

    // something that is not an .xlsx file is a validation error, not a 500
    let (status, body) = upload(&app, "/api/v1/imports/enterprises", &admin, b"name,code\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("不是有效的 Excel"));
}

// ---- the pages -----------------------------------------------------------------------

async fn the_import_page_uploads_a_file_and_shows_the_report(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "admin").await;
    let index = client.get(app.url("/imports")).send().await.unwrap().text().await.unwrap();
    for k in ["enterprises", "cadres", "households", "volunteers", "children", "sites", "job-postings"] {
        assert!(index.contains(&format!("/imports/{k}/template.xlsx")), "{k} has a template link");
    }
    let page = client.get(app.url("/imports/enterprises")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let csrf = hidden_value(&page, "_csrf").expect("csrf");

    // the template: the import columns, an example row, and how to fill them in
    let res = client.get(app.url("/imports/enterprises/template.xlsx")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], xlsx::CONTENT_TYPE);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let template = res.bytes().await.unwrap().to_vec();
    let sheet = Sheet::read(&template);
    assert_eq!(sheet.header, import_headers(Kind::Enterprises));
    assert_eq!(sheet.rows.len(), 1, "one example row");
    let book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(template)).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["企业名录", "填写说明"]);

    // a bad file: 422, the report's table names row and column, nothing stored
    let headers = import_headers(Kind::Enterprises);
    let bad = workbook(&headers, &[enterprise_row("页面企业", &code(201), "工业企业", "王助镇"), enterprise_row("坏企业", "123", "工业企业", "王助镇")]);
    let before = app.count("enterprises").await;
    let (content_type, body) = multipart(&[("_csrf", &csrf)], &bad);
    let res = client.post(app.url("/imports/enterprises")).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-outcome=\"refused\""), "{html}");
    assert!(html.contains("<td class=\"num\">3</td><td>统一社会信用代码</td><td>统一社会信用代码应为18位，实际为3位</td>"), "{html}");
    assert_eq!(app.count("enterprises").await, before);

    // without the form's CSRF token the upload is refused
    let (content_type, body) = multipart(&[], &bad);
    let res = client.post(app.url("/imports/enterprises")).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // a good file, skipping nothing: stored, and the count shown
    let good = workbook(&headers, &[enterprise_row("页面企业", &code(201), "工业企业", "王助镇")]);
    let (content_type, body) = multipart(&[("_csrf", &csrf)], &good);
    let res = client.post(app.url("/imports/enterprises")).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("<strong id=\"imported\">1</strong>"));
    assert_eq!(app.count("enterprises").await, before + 1);
}

async fn list_pages_export_what_they_show(app: TestApp) {
    let client = browser_client();
    page_log_in(&app, &client, "admin").await;
    let admin = app.token("admin").await;
    // the enterprise list links its export with its filters
    let page = client.get(app.url("/enterprises?kind=foreign_trade&q=&sort=name")).send().await.unwrap().text().await.unwrap();
    let link = page.find("/exports/").map(|at| &page[at..at + 60]).unwrap_or("");
    assert!(page.contains("href=\"/exports/enterprises?kind=foreign_trade&#38;sort=name\""), "the export link keeps the filters: {link}");
    let res = client.get(app.url("/exports/enterprises?kind=foreign_trade&sort=name")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let sheet = Sheet::read(&res.bytes().await.unwrap());
    let (_, listed) = app.get("/api/v1/enterprises?kind=foreign_trade", &admin).await;
    assert_eq!(sheet.rows.len() as i64, listed["total"].as_i64().unwrap());
    assert!(sheet.rows.len() >= 16, "the seed's foreign-trade enterprises");
    assert!(sheet.rows.iter().all(|(_, r)| sheet.cell(r, "企业类型") == "外贸企业"));

    // work orders: the export of a state holds that state's orders, as many as the list
    let page = client.get(app.url("/work-orders?state=assigned")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("href=\"/exports/work-orders?state=assigned"), "work-order export link");
    let orders = export(&app, "work-orders?state=assigned", &admin).await;
    let (_, listed) = app.get("/api/v1/work-orders?state=assigned", &admin).await;
    assert_eq!(orders.rows.len() as i64, listed["total"].as_i64().unwrap());
    assert!(orders.rows.iter().all(|(_, r)| orders.cell(r, "状态") == "已交办"));

    // status reports: the page links the export; the export holds the list
    let page = client.get(app.url("/status-reports")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("href=\"/exports/status-reports\""));
    let reports = export(&app, "status-reports?status=resumed", &admin).await;
    let (_, listed) = app.get("/api/v1/status-reports?status=resumed", &admin).await;
    assert_eq!(reports.rows.len() as i64, listed["total"].as_i64().unwrap());

    // an unknown filter value is the list's own error, an unknown kind a 400
    let (status, _) = download(&app, "/api/v1/exports/enterprises?kind=bank", &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = download(&app, "/api/v1/exports/passwords", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// ---- scope and permissions ------------------------------------------------------------

async fn exports_and_imports_keep_to_the_users_scope(app: TestApp) {
    let township = app.token("township").await;
    let (_, me) = app.get("/api/v1/me", &township).await;
    let own = me["township_id"].as_i64().unwrap();
    let (_, towns) = app.get("/api/v1/townships", &township).await;
    let own_name = towns["items"].as_array().unwrap().iter().find(|t| t["id"] == own).unwrap()["name"].as_str().unwrap().to_string();
    let other = towns["items"].as_array().unwrap().iter().find(|t| t["id"] != own).unwrap()["name"].as_str().unwrap().to_string();

    // a township exports its own enterprises only
    let sheet = export(&app, "enterprises", &township).await;
    assert!(!sheet.rows.is_empty());
    assert!(sheet.rows.iter().all(|(_, r)| sheet.cell(r, "所属乡镇办") == own_name));
    // and may not ask for another's
    let other_id = township_id(&app, &township, &other).await;
    let (status, _) = download(&app, &format!("/api/v1/exports/enterprises?township_id={other_id}"), &township).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // a township imports rows of its own township only
    let file = workbook(
        &import_headers(Kind::Enterprises),
        &[enterprise_row("本乡企业", &code(301), "工业企业", &own_name), enterprise_row("外乡企业", &code(302), "工业企业", &other)],
    );
    let before = app.count("enterprises").await;
    let (status, body) = upload(&app, "/api/v1/imports/enterprises", &township, file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(problems(&body).into_iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(), [(3, "所属乡镇办".to_string())]);
    assert_eq!(app.count("enterprises").await, before);

    // roles that do not register these may not import them, nor download their templates
    let enterprise = app.token("hengfeng").await;
    let (status, _) = upload(&app, "/api/v1/imports/enterprises", &enterprise, workbook(&["企业名称"], &[])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let department = app.token("department").await;
    let (status, _) = download(&app, "/api/v1/imports/households/template", &department).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = download(&app, "/api/v1/imports/cadres/template", &township).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "cadres are the admin's");
    let volunteer = app.token("volunteer").await;
    let (status, _) = download(&app, "/api/v1/exports/enterprises", &volunteer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // work orders export but do not import
    let admin = app.token("admin").await;
    let (status, _) = upload(&app, "/api/v1/imports/work-orders", &admin, workbook(&["标题"], &[])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn imports_take_larger_bodies_than_forms(app: TestApp) {
    let admin = app.token("admin").await;
    // 2 MiB is over the 1 MiB limit of forms and JSON, but an import reads it (and finds no .xlsx)
    let (status, body) = upload(&app, "/api/v1/imports/enterprises", &admin, vec![b'x'; 2 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // over 20 MiB is refused on the declared length, before the body is read
    let head = raw_request(
        &app,
        &format!("POST /api/v1/imports/enterprises HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nContent-Length: {}\r\n\r\n", 21 * 1024 * 1024),
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    // the rest of the API keeps its 1 MiB limit
    let res = app
        .client
        .post(app.url("/api/v1/enterprises"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

// ---- the other registries ----------------------------------------------------------------

/// Exports a registry, imports the file back, and checks that the registry now
/// holds every exported record twice (compared by the import columns).
async fn round_trip(app: &TestApp, token: &str, kind: Kind, query: &str, table: &str, skip: &[&str]) {
    let first = export(app, &format!("{}{query}", kind.code()), token).await;
    assert!(!first.rows.is_empty(), "the demo has {}", kind.code());
    let compared: Vec<&str> = import_headers(kind).into_iter().filter(|h| !skip.contains(h)).collect();
    let before = app.count(table).await;
    let (_, bytes) = download(app, &format!("/api/v1/exports/{}{query}", kind.code()), token).await;
    let (status, body) = upload(app, &format!("/api/v1/imports/{}", kind.code()), token, bytes).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", kind.code());
    assert_eq!(body["outcome"], "imported");
    assert!(app.count(table).await > before, "{} stored", kind.code());
    let second = export(app, &format!("{}{query}", kind.code()), token).await;
    let once = first.records(&compared);
    let mut twice: Vec<Vec<String>> = once.iter().chain(once.iter()).cloned().collect();
    twice.sort();
    assert_eq!(second.records(&compared), twice, "{} round-trips", kind.code());
}

async fn every_registry_round_trips_through_excel(app: TestApp) {
    let admin = app.token("admin").await;
    let t = township_id(&app, &admin, "新习镇").await;
    round_trip(&app, &admin, Kind::Cadres, "", "cadres", &[]).await;
    round_trip(&app, &admin, Kind::Volunteers, &format!("?township_id={t}"), "volunteers", &[]).await;
    round_trip(&app, &admin, Kind::Children, &format!("?township_id={t}"), "children", &[]).await;
    round_trip(&app, &admin, Kind::Households, &format!("?township_id={t}"), "poor_households", &["户编号"]).await;
    round_trip(&app, &admin, Kind::JobPostings, "", "job_postings", &[]).await;

    // a township's site names are unique: the same file again is refused row by row
    let sites = export(&app, &format!("sites?township_id={t}"), &admin).await;
    let (_, bytes) = download(&app, &format!("/api/v1/exports/sites?township_id={t}"), &admin).await;
    let before = app.count("sites").await;
    let (status, body) = upload(&app, "/api/v1/imports/sites", &admin, bytes).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let found = problems(&body);
    assert_eq!(found.len(), sites.rows.len(), "one problem per row");
    assert!(found.iter().all(|p| p.1 == "点位名称" && p.2.contains("同名")));
    // renamed, they import
    let headers = import_headers(Kind::Sites);
    let renamed: Vec<Vec<String>> = sites
        .rows
        .iter()
        .map(|(_, r)| headers.iter().map(|h| if *h == "点位名称" { format!("{}（二）", sites.cell(r, h)) } else { sites.cell(r, h).to_string() }).collect())
        .collect();
    let (status, body) = upload(&app, "/api/v1/imports/sites", &admin, workbook(&headers, &renamed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.count("sites").await, before + sites.rows.len() as i64);
    // read back, the renamed sites carry every field as the file wrote it
    let after = export(&app, &format!("sites?township_id={t}"), &admin).await;
    let mut expected: Vec<Vec<String>> = sites.records(&headers).into_iter().chain(renamed.iter().cloned()).collect();
    expected.sort();
    assert_eq!(after.records(&headers), expected, "sites round-trip field by field");

    // a household's rows must agree on the household
    let h = import_headers(Kind::Households);
    let row = |n: &str, head: &str, member: &str| -> Vec<String> {
        h.iter()
            .map(|c| match *c {
                "户编号" => n.to_string(),
                "户主姓名" => head.to_string(),
                "所属乡镇办" => "新习镇".to_string(),
                "所在村" => "王庄村".to_string(),
                "成员姓名" => member.to_string(),
                "有劳动能力" => "是".to_string(),
                _ => String::new(),
            })
            .collect()
    };
    let before = app.count("poor_households").await;
    let file = workbook(&h, &[row("1", "王大山", "王大山"), row("1", "王小山", "王小山"), row("2", "李四", "李四")]);
    let (status, body) = upload(&app, "/api/v1/imports/households", &admin, file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problems(&body).into_iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(), [(3, "户主姓名".to_string())]);
    let file = workbook(&h, &[row("1", "王大山", "王大山"), row("1", "", "王小山"), row("2", "李四", "李四")]);
    let (status, body) = upload(&app, "/api/v1/imports/households", &admin, file).await;
    assert_eq!((status, body["imported"].as_i64()), (StatusCode::OK, Some(2)), "{body}");
    assert_eq!(app.count("poor_households").await, before + 2);
    let members: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM household_members m JOIN poor_households h ON h.id = m.household_id WHERE h.head_name = '王大山'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(members, 2);
}

/// The list pages a leader reads, and an admin's own; each offers "导出Excel".
const LEADER_LISTS: &[&str] = &[
    "/cadres",
    "/campaigns",
    "/commitments",
    "/departments",
    "/employment/gaps",
    "/findings",
    "/green-list",
    "/households",
    "/inspections",
    "/investment-leads",
    "/investment-progress",
    "/job-postings",
    "/notifications",
    "/officers",
    "/policies",
    "/policy-applications",
    "/policy-supervision",
    "/projects",
    "/projects/slippage",
    "/rates",
    "/rates/league",
    "/sites",
    "/spot-checks",
    "/supervision",
    "/townships",
    "/transport-batches",
    "/tutoring/children",
    "/tutoring/pairings",
    "/tutoring/volunteers",
    "/visits",
    "/welfare-posts",
];
const ADMIN_LISTS: &[&str] = &["/users", "/audit", "/categories"];

/// The href of the page's export link, as a URL to follow.
fn export_link(page: &str) -> Option<String> {
    let at = page.find("id=\"export-list\"")?;
    let start = page[..at].rfind("href=\"")? + 6;
    let end = start + page[start..].find('"')?;
    Some(page[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

async fn every_list_page_exports_its_table_with_its_filters(app: TestApp) {
    let leader = browser_client();
    page_log_in(&app, &leader, "leader").await;
    let admin = browser_client();
    page_log_in(&app, &admin, "admin").await;
    for (client, paths) in [(&leader, LEADER_LISTS), (&admin, ADMIN_LISTS)] {
        for path in paths {
            let res = client.get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let page = res.text().await.unwrap();
            let Some(link) = export_link(&page) else {
                // an empty list (its page says so) has nothing to export
                assert!(page.contains("class=\"empty\""), "{path} offers no Excel export");
                continue;
            };
            let res = client.get(app.url(&link)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{link}");
            assert_eq!(res.headers()["content-type"], xlsx::CONTENT_TYPE, "{link}");
            assert!(res.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"), "{link}");
            let sheet = Sheet::read(&res.bytes().await.unwrap());
            // an empty list (its page says so) exports an empty sheet
            assert!(!sheet.header.is_empty() || page.contains("class=\"empty\""), "{link}: a header row");
        }
    }

    // the filters hold, and every page of a long list is in the file: the
    // demo's villages are more than one page of 200
    let token = app.token("leader").await;
    let (_, listed) = app.get("/api/v1/sites?kind=village&per_page=1", &token).await;
    let villages = listed["total"].as_i64().unwrap();
    assert!(villages > 200, "the demo has {villages} villages");
    let page = leader.get(app.url("/sites?kind=village&page=2")).send().await.unwrap().text().await.unwrap();
    let link = export_link(&page).unwrap();
    assert_eq!(link, "/sites?kind=village&export=xlsx", "the link keeps the filter and drops the page");
    let sheet = Sheet::read(&leader.get(app.url(&link)).send().await.unwrap().bytes().await.unwrap());
    assert_eq!(sheet.rows.len() as i64, villages);
    let kind = sheet.header.iter().position(|h| h == "点位类型").unwrap_or_else(|| panic!("a 点位类型 column in {:?}", sheet.header));
    assert!(sheet.rows.iter().all(|(_, r)| r[kind] == "村庄"));

    // the export keeps to the user's scope: a township exports its own sites only
    let township = browser_client();
    page_log_in(&app, &township, "township").await;
    let t_token = app.token("township").await;
    let (_, own) = app.get("/api/v1/sites?per_page=1", &t_token).await;
    let sheet = Sheet::read(&township.get(app.url("/sites?export=xlsx")).send().await.unwrap().bytes().await.unwrap());
    assert_eq!(sheet.rows.len() as i64, own["total"].as_i64().unwrap());
    // and a page the user may not open exports nothing
    let res = township.get(app.url("/users?export=xlsx")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}

on_both_databases!(
    enterprises_export_and_import_back_after_deleting,
    every_list_page_exports_its_table_with_its_filters,
    a_file_with_bad_rows_is_refused_with_a_report_and_nothing_is_stored,
    the_import_page_uploads_a_file_and_shows_the_report,
    list_pages_export_what_they_show,
    exports_and_imports_keep_to_the_users_scope,
    imports_take_larger_bodies_than_forms,
    every_registry_round_trips_through_excel,
);

// ---- the command line -----------------------------------------------------------------

const BIN: &str = env!("CARGO_BIN_EXE_zonedesk");

fn zonedesk(args: &[&str], url: &str) -> std::process::Output {
    std::process::Command::new(BIN).args(args).env("ZONEDESK_DATABASE_URL", url).output().expect("run zonedesk")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_imports_and_exports_enterprises() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("zone.db").display());
    let db = zonedesk::store::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    zonedesk::app::registry::create_township(&db, &zonedesk::app::Actor::system(), "城关镇", "zhen").await.unwrap();
    db.close().await;

    let headers = import_headers(Kind::Enterprises);
    let rows: Vec<Vec<String>> = (0..2000).map(|i| enterprise_row(&format!("企业{i}"), &code(10_000 + i), "工业企业", "城关镇")).collect();
    let file = dir.path().join("enterprises.xlsx");
    std::fs::write(&file, workbook(&headers, &rows)).unwrap();
    let out = zonedesk(&["import", "enterprises", file.to_str().unwrap()], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已导入企业名录：2000条"), "{}", String::from_utf8_lossy(&out.stdout));

    let exported = dir.path().join("out.xlsx");
    let out = zonedesk(&["export", "enterprises", exported.to_str().unwrap(), "--filter", "q=企业1"], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sheet = Sheet::read(&std::fs::read(&exported).unwrap());
    assert_eq!(sheet.rows.len(), 1111, "企业1, 企业10–19, 企业100–199, 企业1000–1999");

    // a bad file fails, names the row and column, and stores nothing
    let mut bad: Vec<Vec<String>> = (0..3).map(|i| enterprise_row(&format!("新企业{i}"), &code(20_000 + i), "工业企业", "城关镇")).collect();
    bad[1][1] = "not-a-code".into();
    std::fs::write(&file, workbook(&headers, &bad)).unwrap();
    let out = zonedesk(&["import", "enterprises", file.to_str().unwrap()], &url);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("第3行【统一社会信用代码】"), "{stderr}");
    let db = zonedesk::store::Db::connect(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enterprises").fetch_one(db.pool()).await.unwrap();
    assert_eq!(n, 2000);

    // the template
    let template = dir.path().join("template.xlsx");
    let out = zonedesk(&["export", "households", template.to_str().unwrap(), "--template"], &url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(Sheet::read(&std::fs::read(&template).unwrap()).header, import_headers(Kind::Households));
}

/// Prepares the province-sized import that DESIGN.md sets a figure for (run by
/// hand, then time the command line on it):
/// `ZONEDESK_BENCH_DIR=/tmp/zd cargo test --test exchange -- --ignored province`, then
/// `zonedesk import enterprises /tmp/zd/enterprises.xlsx --database-url sqlite:///tmp/zd/zone.db`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes a 100,000-row file for timing by hand"]
async fn province_sized_enterprise_file() {
    let dir = std::path::PathBuf::from(std::env::var("ZONEDESK_BENCH_DIR").unwrap_or_else(|_| "zonedesk-bench".into()));
    let n: u32 = std::env::var("ZONEDESK_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("zone.db");
    let _ = std::fs::remove_file(&db_path);
    let db = zonedesk::store::Db::connect(&format!("sqlite://{}", db_path.display())).await.unwrap();
    db.migrate().await.unwrap();
    let townships = ["城关镇", "新习镇", "王助镇", "胡村乡", "皇甫办事处"];
    for (i, t) in townships.iter().enumerate() {
        let kind = ["zhen", "zhen", "zhen", "xiang", "ban"][i];
        zonedesk::app::registry::create_township(&db, &zonedesk::app::Actor::system(), t, kind).await.unwrap();
    }
    db.close().await;
    let kinds = ["工业企业", "外贸企业", "商贸服务业", "建筑房地产", "农业"];
    let mut w = XlsxWriter::new();
    let headers: Vec<(&str, f64)> = import_headers(Kind::Enterprises).into_iter().map(|h| (h, 12.0)).collect();
    let sheet = w.add_sheet("企业名录", &headers).unwrap();
    for i in 0..n {
        let i_ = i as usize;
        let row = [
            Cell::from(format!("濮阳市第{i}号实业有限公司")),
            Cell::from(code(1_000_000 + i)),
            Cell::from(kinds[i_ % 5]),
            Cell::from(townships[i_ % 5]),
            Cell::from("精细化工"),
            Cell::from(format!("产业集聚区纬{}路{}号", i % 20, i % 300)),
            Cell::from("李经理"),
            Cell::from(format!("1380000{:04}", i % 10_000)),
            Cell::Int(i64::from(i % 2000)),
        ];
        w.push_row(sheet, &row).unwrap();
    }
    w.save(&dir.join("enterprises.xlsx")).unwrap();
}
