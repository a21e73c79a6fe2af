//! The daily briefing and the dashboard, on both databases: the demo's briefing
//! of 2020-03-19 states the newspaper's own figures, read back out of its text.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use zonedesk::report::number::parse_count;

/// The figure that stands between `before` and `after` in `text`, read back
/// from the newspaper's number style ("2.3万" → 23000, "2000余" → 2000).
fn figure(text: &str, before: &str, after: &str) -> i64 {
    let start = text.find(before).unwrap_or_else(|| panic!("{before:?} is not in the briefing:\n{text}")) + before.len();
    let rest = &text[start..];
    let end = rest.find(after).unwrap_or_else(|| panic!("{after:?} does not follow {before:?}:\n{text}"));
    parse_count(&rest[..end]).unwrap_or_else(|| panic!("{:?} (after {before:?}) is not a count", &rest[..end]))
}

async fn the_demo_briefing_states_the_newspapers_figures(app: TestApp) {
    let leader = app.token("leader").await;
    let (status, body) = app.get("/api/v1/briefing?date=2020-03-19", &leader).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["date"], "2020-03-19");
    let text = body["text"].as_str().unwrap();
    assert!(text.contains("至3月19日"));
    // "至3月19日，开发区共组织志愿者746人，发出倡议书2.3万份，编印宣传资料4.3万份"
    assert_eq!(figure(text, "组织志愿者", "人"), 746);
    assert_eq!(figure(text, "发出倡议书", "份"), 23_000);
    assert_eq!(figure(text, "编印宣传资料", "份"), 43_000);
    // "共整治小区594个、村庄315个、商超336个，清除垃圾9.6万立方米"
    assert_eq!(figure(text, "整治小区", "个"), 594);
    assert_eq!(figure(text, "、村庄", "个"), 315);
    assert_eq!(figure(text, "、商超", "个"), 336);
    assert_eq!(figure(text, "清除垃圾", "立方米"), 96_000);
    // "共督导检查居民小区、村庄、商超等重点区域2000余个，发现并交办问题264个"
    let sites = figure(text, "重点区域", "个");
    assert!(sites >= 2000, "{sites}");
    assert!(text.contains("重点区域2000余个") || text.contains("重点区域2000个"), "the newspaper's style: 2000余");
    assert_eq!(figure(text, "发现并交办问题", "个"), 264);
    // "选派47名正科级干部派驻到47家企业担任首席服务员"; "向16家外经外贸外资企业选派了首席服务员"
    assert_eq!(figure(text, "选派", "名正科级干部"), 47);
    assert_eq!(figure(text, "派驻到", "家企业"), 47);
    assert_eq!(figure(text, "向", "家外经外贸外资企业"), 16);
    assert_eq!(figure(text, "列入“绿名单”企业", "家"), 16);
    // every section is there, with data or saying it has none
    for heading in ["一、复工复产", "二、首席服务员", "三、问题交办", "四、爱国卫生专项行动", "五、稳就业", "六、结对帮扶", "七、医学隔离观察"]
    {
        assert!(text.contains(heading), "{heading}");
    }
}

async fn an_earlier_day_has_smaller_figures_and_a_day_before_anything_says_so(app: TestApp) {
    let leader = app.token("leader").await;
    let (_, march_10) = app.get("/api/v1/briefing?date=2020-03-10", &leader).await;
    let text = march_10["text"].as_str().unwrap();
    assert!(text.contains("至3月10日"));
    if text.contains("组织志愿者") {
        assert!(figure(text, "组织志愿者", "人") < 746);
    }
    let (_, long_ago) = app.get("/api/v1/briefing?date=2019-01-01", &leader).await;
    let text = long_ago["text"].as_str().unwrap();
    assert!(text.contains("暂无相关数据"), "{text}");
    assert!(!text.contains("组织志愿者"));
    assert_eq!(app.get("/api/v1/briefing?date=19-03-2020", &leader).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get("/api/v1/briefing?date=2020-03-19", &hengfeng).await.0, StatusCode::FORBIDDEN);
}

async fn the_dashboard_draws_its_charts_from_the_data(app: TestApp) {
    let leader = app.token("leader").await;
    let (status, d) = app.get("/api/v1/dashboard", &leader).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let charts = d["charts"].as_array().unwrap();
    assert!(charts.len() >= 4);
    for chart in charts {
        let svg = chart["svg"].as_str().unwrap();
        assert!(svg.starts_with("<svg") && (svg.contains("<path") || svg.contains("<rect")), "{}", chart["id"]);
        assert!(!svg.contains("style="), "the CSP refuses inline styles");
    }
    let orders = charts.iter().find(|c| c["id"] == "chart-orders").unwrap()["svg"].as_str().unwrap();
    assert!(orders.contains("办理中") && orders.contains("已评价"));
    let tiles: Vec<&str> = d["tiles"].as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert!(tiles.contains(&"绿名单企业") && tiles.contains(&"督办工单"), "{tiles:?}");
    let hengfeng = app.token("hengfeng").await;
    assert_eq!(app.get("/api/v1/dashboard", &hengfeng).await.0, StatusCode::FORBIDDEN);
}

async fn the_briefing_downloads_as_a_word_document(app: TestApp) {
    let client = common::browser_client();
    common::page_log_in(&app, &client, "leader").await;
    let res = client.get(app.url("/briefing.docx?date=2020-03-19")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "a .docx is a zip");
    let html = client.get(app.url("/briefing?date=2020-03-19")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("组织志愿者746人"), "the page shows the same text");
}

on_both_databases!(
    the_briefing_downloads_as_a_word_document,
    the_demo_briefing_states_the_newspapers_figures,
    an_earlier_day_has_smaller_figures_and_a_day_before_anything_says_so,
    the_dashboard_draws_its_charts_from_the_data,
);

#[test]
fn the_cli_prints_the_briefing() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_zonedesk");
    let out = std::process::Command::new(bin)
        .args(["briefing", "--date", "2020-03-19", "--database-url", "sqlite://zd.db"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("开发区复工复产工作情况通报（2020年3月19日）") && text.contains("暂无相关数据"), "an empty zone says so: {text}");
    let bad =
        std::process::Command::new(bin).args(["briefing", "--date", "yesterday", "--database-url", "sqlite://zd.db"]).current_dir(dir.path()).output().unwrap();
    assert!(!bad.status.success());
}
