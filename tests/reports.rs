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
    for heading in [
        "一、复工复产",
        "二、首席服务员",
        "三、问题交办",
        "四、重点项目和招商引资",
        "五、惠企政策",
        "六、爱国卫生专项行动",
        "七、稳就业",
        "八、结对帮扶",
        "九、医学隔离观察",
    ] {
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

async fn actor(app: &TestApp, username: &str) -> zonedesk::app::Actor {
    let user = zonedesk::store::users::find_user_by_username(&app.db, username).await.unwrap().unwrap();
    zonedesk::app::auth::actor_of(&user)
}

/// A tile's figure, read back from the newspaper's number style ("47人/47家" → 47).
fn tile(d: &zonedesk::report::dashboard::Dashboard, label: &str) -> i64 {
    let t = d.tiles.iter().find(|t| t.label == label).unwrap_or_else(|| panic!("no tile {label}: {:?}", d.tiles));
    let figure: String = t.value.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '万' || *c == '余').collect();
    parse_count(&figure).unwrap_or_else(|| panic!("{label}: {:?}", t.value))
}

async fn scalar(app: &TestApp, sql: &str, township: i64) -> i64 {
    sqlx::query_scalar(sql).bind(township).fetch_one(app.db.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The demo's day, 2020-03-19, at 18:00 local time.
fn march_19(app: &TestApp) -> zonedesk::app::clock::WorkContext {
    zonedesk::app::clock::WorkContext {
        db: app.db.clone(),
        calendar: std::sync::Arc::new(zonedesk::domain::WorkCalendar::shipped()),
        now: time::macros::datetime!(2020-03-19 10:00 UTC),
    }
}

async fn a_township_users_dashboard_counts_its_own_township(app: TestApp) {
    use zonedesk::report::dashboard::dashboard;
    let cx = march_19(&app);
    let township = actor(&app, "township").await;
    let t = township.township_id.unwrap();
    let zone = dashboard(&cx, &actor(&app, "leader").await).await.unwrap();
    let own = dashboard(&cx, &township).await.unwrap();

    // counted by hand from the rows of the township
    let open = scalar(&app, "SELECT COUNT(*) FROM work_orders WHERE township_id = $1 AND merged_into IS NULL AND state <> 'closed'", t).await;
    let supervised = scalar(&app, "SELECT COUNT(*) FROM work_orders WHERE township_id = $1 AND escalated_at IS NOT NULL AND state <> 'closed'", t).await;
    let green = scalar(
        &app,
        "SELECT COUNT(*) FROM green_list g JOIN enterprises e ON e.id = g.enterprise_id WHERE e.township_id = $1 \
         AND g.added_on <= '2020-03-19' AND (g.removed_on IS NULL OR g.removed_on > '2020-03-19')",
        t,
    )
    .await;
    let served = scalar(
        &app,
        "SELECT COUNT(DISTINCT e.id) FROM enterprises e JOIN officer_assignments oa ON oa.enterprise_id = e.id WHERE e.township_id = $1 \
         AND oa.started_on <= '2020-03-19' AND (oa.ended_on IS NULL OR oa.ended_on > '2020-03-19')",
        t,
    )
    .await;
    assert_eq!(tile(&own, "未办结工单"), open);
    assert_eq!(tile(&own, "督办工单"), supervised);
    assert_eq!(tile(&own, "绿名单企业"), green);
    let officers = &own.tiles.iter().find(|t| t.label == "首席服务员").unwrap().value;
    assert!(officers.ends_with(&format!("/{served}家")), "{officers} serve {served} enterprises of the township");
    // and they are not the zone's
    assert!(tile(&zone, "未办结工单") > open, "the zone has more open orders than one township");
    assert_ne!(
        (tile(&zone, "未办结工单"), tile(&zone, "绿名单企业"), zone.tiles.iter().find(|t| t.label == "首席服务员").unwrap().value.clone()),
        (open, green, officers.clone())
    );
    // the green-list panel is the township's own, and the rates table its own line
    for g in &own.green_list {
        let of: i64 = sqlx::query_scalar("SELECT township_id FROM enterprises WHERE id = $1").bind(g.enterprise_id).fetch_one(app.db.pool()).await.unwrap();
        assert_eq!(of, t, "{} is of the township", g.name);
    }
    assert!(own.rates.len() <= 1, "{:?}", own.rates.iter().map(|r| &r.name).collect::<Vec<_>>());
    assert!(own.charts.iter().all(|c| c.id != "chart-rates"));
}

async fn the_dashboard_shows_industries_investment_rates_green_list_and_beds(app: TestApp) {
    let cx = march_19(&app);
    let d = zonedesk::report::dashboard::dashboard(&cx, &actor(&app, "leader").await).await.unwrap();
    let industries = d.charts.iter().find(|c| c.id == "chart-industries").expect("an industry chart");
    assert!(industries.svg.matches("<rect").count() >= 4);
    // the three rates as a table beside the bars: a line per department of the bars
    assert!(!d.rates.is_empty());
    let bars = &d.charts.iter().find(|c| c.id == "chart-rates").unwrap().svg;
    for r in &d.rates {
        let label: String = r.name.chars().take(3).collect();
        assert!(bars.contains(&label), "{} has its bars", r.name);
        assert!(r.response.ends_with('%') || r.response == "—", "{}", r.response);
    }
    // the green list: at most ten, those not resumed first, each with its open orders, and how many in all
    assert!(!d.green_list.is_empty() && d.green_list.len() <= 10);
    let rank = |status: &str| ["未复工", "未填报", "已复工", "已达产"].iter().position(|s| *s == status).unwrap();
    assert!(d.green_list.windows(2).all(|w| rank(&w[0].status) <= rank(&w[1].status)), "not resumed first");
    for g in &d.green_list {
        let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM work_orders WHERE enterprise_id = $1 AND state <> 'closed'")
            .bind(g.enterprise_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(g.open_orders, open, "{}", g.name);
    }
    assert_eq!(d.green_listed, 16);
    // investment of the quarter against its target
    let inv = d.investment.as_ref().expect("the leader sees investment");
    assert_eq!(inv.quarter, "2020年一季度");
    if let Some(target) = inv.signed_target {
        assert_eq!(inv.signed_share, zonedesk::report::number::percent(Some(inv.signed as f64 / target as f64)));
    }
    assert!(d.charts.iter().any(|c| c.id == "chart-investment"));
    // the isolation point's persons against its beds
    let beds: i64 = sqlx::query_scalar("SELECT CAST(SUM(beds) AS BIGINT) FROM isolation_rooms").fetch_one(app.db.pool()).await.unwrap();
    assert!(beds > 0);
    assert_eq!(d.isolation.iter().map(|p| p.beds).sum::<i64>(), beds);
    // the page renders the tables, the panels and the link to the whole list
    let client = common::browser_client();
    common::page_log_in(&app, &client, "leader").await;
    let html = client.get(app.url("/dashboard")).send().await.unwrap().text().await.unwrap();
    for id in ["chart-industries", "panel-rates", "panel-green-list", "panel-isolation", "href=\"/green-list\""] {
        assert!(html.contains(id), "{id} on the page");
    }
}

/// Adds, after the day asked about, a placement, a pairing and a person in
/// observation, and ends a placement: the earlier day's briefing is unchanged.
async fn a_briefing_of_an_earlier_day_does_not_count_what_came_later(app: TestApp) {
    let leader = app.token("leader").await;
    let text_of = |day: &'static str| {
        let (app, leader) = (&app, &leader);
        async move { app.get(&format!("/api/v1/briefing?date={day}"), leader).await.1["text"].as_str().unwrap().to_string() }
    };
    let (march_19, march_26) = (text_of("2020-03-19").await, text_of("2020-03-26").await);
    let figures = |text: &str| (figure(text, "贫困劳动力在岗", "人"), figure(text, "日结对", "对"), figure(text, "有留观人员", "人"));
    let (placed, paired, observed) = figures(&march_26);
    let later = "2020-03-25T02:00:00.000000Z";
    for sql in [
        "INSERT INTO placements (member_id, enterprise_id, started_on, created_at) \
         SELECT MIN(m.id), (SELECT MIN(id) FROM enterprises), '2020-03-25', $1 FROM household_members m \
         WHERE NOT EXISTS (SELECT 1 FROM placements p WHERE p.member_id = m.id AND p.ended_on IS NULL)",
        "INSERT INTO pairings (volunteer_id, child_id, status, origin, cost, place, subjects_covered, subjects_needed, grade_fits, created_at) \
         SELECT (SELECT MIN(id) FROM volunteers), MIN(c.id), 'accepted', 'manual', 0, 'elsewhere', 0, 0, 0, $1 FROM children c \
         WHERE NOT EXISTS (SELECT 1 FROM pairings p WHERE p.child_id = c.id AND p.status <> 'ended')",
        "INSERT INTO observed_persons (point_id, name, gender, source, checked_in_on, observation_end_on, created_at, updated_at) \
         SELECT MIN(id), '测试留观', 'male', 'other', '2020-03-25', '2020-04-08', $1, $1 FROM isolation_points",
    ] {
        let done = sqlx::query(sql).bind(later).execute(app.db.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(done.rows_affected(), 1, "{sql}");
    }
    // a placement current on the 19th that ends on the 25th still counts on the 19th
    sqlx::query(
        "UPDATE placements SET ended_on = '2020-03-25' WHERE id = (SELECT MIN(id) FROM placements WHERE started_on <= '2020-03-19' AND ended_on IS NULL)",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    assert_eq!(text_of("2020-03-19").await, march_19, "the 19th's briefing is as it was");
    let after = text_of("2020-03-26").await;
    assert_eq!(figures(&after), (placed, paired + 1, observed + 1), "one placed and one ended; one pairing and one person more:\n{after}");
}

/// An order's full record and the duty roster print without their forms: a
/// print button on each, and the stylesheet's print rules hide what is not
/// the record.
async fn an_order_and_the_duty_roster_print_as_records(app: TestApp) {
    let client = common::browser_client();
    common::page_log_in(&app, &client, "leader").await;
    let order: i64 = sqlx::query_scalar("SELECT MIN(id) FROM work_orders WHERE state <> 'closed'").fetch_one(app.db.pool()).await.unwrap();
    let html = client.get(app.url(&format!("/work-orders/{order}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"print-order\"") && html.contains("data-print"), "the order has a print button");
    assert!(html.contains("class=\"act\""), "the action forms are the section print hides");
    let css = client.get(app.url("/static/style.css")).send().await.unwrap().text().await.unwrap();
    let print = css.split("@media print").skip(1).collect::<String>();
    for rule in ["section.act", ".roster-form", ".roster-hints", ".no-print"] {
        assert!(print.contains(rule), "{rule} is hidden in print");
    }

    let client = common::browser_client();
    common::page_log_in(&app, &client, "isolation").await;
    let point: i64 = sqlx::query_scalar("SELECT MIN(id) FROM isolation_points").fetch_one(app.db.pool()).await.unwrap();
    let res = client.get(app.url(&format!("/isolation/points/{point}/roster?from=2020-03-19&to=2020-03-20"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"print-roster\"") && html.contains("roster-hints"), "the roster has a print button and marked hints");
    assert!(html.contains("class=\"roster-form\""), "the generate form is marked for print to hide");
}

on_both_databases!(
    an_order_and_the_duty_roster_print_as_records,
    a_township_users_dashboard_counts_its_own_township,
    the_dashboard_shows_industries_investment_rates_green_list_and_beds,
    a_briefing_of_an_earlier_day_does_not_count_what_came_later,
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
