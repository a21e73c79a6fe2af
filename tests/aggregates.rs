//! The aggregates the database keeps by triggers (migrations/*/…_aggregates.sql)
//! against the figures counted from the rows themselves, on both databases:
//! the resumption series by the domain's rule, the order counts of the briefing
//! and the dashboard, the three rates. Each test writes at random (seeded) —
//! through the use cases and with plain SQL, as the importers and the bulk
//! generator do: back-dated reports, same-day corrections, deletions,
//! multi-row inserts, edits, enterprises that move, merges — and compares.

mod common;

use std::sync::Arc;

use common::TestApp;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use zonedesk::app::clock::{WorkContext, date_text, parse_date};
use zonedesk::app::{Actor, auth, resumption, workorder};
use zonedesk::domain::calendar::WorkCalendar;
use zonedesk::domain::resumption::{self as rules, DayFigures, Reported, ResumptionStatus, StatusReportInput};
use zonedesk::store::resumption::{self as res_store, ReportFilter};
use zonedesk::store::workorder::{self as orders, RateGroup};
use zonedesk::store::{Backend, Db};

const STATES: [&str; 3] = ["not_resumed", "resumed", "full_production"];

fn at(db: &Db, when: OffsetDateTime) -> WorkContext {
    WorkContext { db: db.clone(), calendar: Arc::new(WorkCalendar::shipped()), now: when }
}

async fn actor(app: &TestApp, username: &str) -> Actor {
    let user = zonedesk::store::users::find_user_by_username(&app.db, username).await.unwrap().unwrap();
    auth::actor_of(&user)
}

fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), move |d| d.next_day().filter(|n| *n <= to))
}

fn random_day(rng: &mut StdRng, from: Date, to: Date) -> Date {
    from + time::Duration::days(rng.gen_range(0..=(to - from).whole_days()))
}

/// A UTC timestamp text, as the application writes them, at a random moment of
/// the demo's spring; some on the last microsecond of an hour or of a local day.
fn random_timestamp(rng: &mut StdRng) -> String {
    let mut t = datetime!(2020-02-20 00:00 UTC) + time::Duration::seconds(rng.gen_range(0..45 * 86_400));
    match rng.gen_range(0..6) {
        0 => t = t.replace_minute(59).unwrap().replace_second(59).unwrap().replace_microsecond(999_999).unwrap(),
        1 => t = t.replace_hour(15).unwrap().replace_minute(59).unwrap().replace_second(59).unwrap().replace_microsecond(999_999).unwrap(),
        2 => t = t.replace_minute(0).unwrap().replace_second(0).unwrap(),
        _ => t = t.replace_microsecond(rng.gen_range(0..1_000_000)).unwrap(),
    }
    zonedesk::store::timestamp(t)
}

async fn ids(db: &Db, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sql).fetch_all(db.pool()).await.unwrap()
}

// ---- resumption ------------------------------------------------------------

/// The figures of a scope by the domain's rule, from every report in memory
/// (the way the series was computed before the tallies).
async fn by_the_rule(db: &Db, f: &ReportFilter, from: Date, to: Date) -> Vec<DayFigures> {
    let rows = res_store::reports_until(db, f, &date_text(to)).await.unwrap();
    let enterprises = res_store::count_enterprises(db, f).await.unwrap();
    let reports: Vec<Reported> = rows
        .iter()
        .map(|r| Reported {
            enterprise_id: r.enterprise_id,
            day: parse_date(&r.report_date).unwrap(),
            status: ResumptionStatus::parse(&r.status).unwrap(),
            workers_back: r.workers_back,
            workers_total: r.workers_total,
        })
        .collect();
    rules::series(&reports, enterprises, days(from, to))
}

/// Random writes of status reports: through the use case (back-dated days and
/// same-day corrections among them) and in plain SQL (deletions, edits of any
/// column, several reports of an enterprise in one INSERT, enterprises that
/// change township, industry or kind).
async fn write_reports_at_random(db: &Db, reporter: Option<(&WorkContext, &Actor)>, rng: &mut StdRng, steps: usize) {
    let enterprises = ids(db, "SELECT id FROM enterprises ORDER BY id").await;
    let townships = ids(db, "SELECT id FROM townships ORDER BY id").await;
    let industries: Vec<String> = sqlx::query_scalar("SELECT DISTINCT industry FROM enterprises ORDER BY industry").fetch_all(db.pool()).await.unwrap();
    let kinds = ["industrial", "foreign_trade", "commerce_service"];
    let (first, last) = (date!(2020 - 02 - 01), date!(2020 - 03 - 31));
    for _ in 0..steps {
        let e = *enterprises.choose(rng).unwrap();
        let status = *STATES.choose(rng).unwrap();
        let total = rng.gen_range(0..300i64);
        let back = rng.gen_range(0..=total);
        let day = date_text(random_day(rng, first, last));
        match rng.gen_range(0..100) {
            0..=54 => {
                let capacity = if status == "not_resumed" { 0 } else { rng.gen_range(0..=100) };
                let report = StatusReportInput { status: status.into(), workers_back: back, workers_total: total, capacity_pct: capacity, note: String::new() };
                let input = resumption::ReportInput { enterprise_id: Some(e), report_date: Some(day.clone()), report };
                match reporter {
                    Some((cx, admin)) => {
                        resumption::report_status(cx, admin, &input).await.unwrap();
                    }
                    None => {
                        sqlx::query("DELETE FROM status_reports WHERE enterprise_id = $1 AND report_date = $2")
                            .bind(e)
                            .bind(&day)
                            .execute(db.pool())
                            .await
                            .unwrap();
                        insert_report(db, e, &day, status, back, total).await;
                    }
                }
            }
            55..=66 => {
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM status_reports WHERE enterprise_id = $1 ORDER BY report_date LIMIT 1 OFFSET $2")
                    .bind(e)
                    .bind(rng.gen_range(0..4i64))
                    .fetch_optional(db.pool())
                    .await
                    .unwrap();
                if let Some(id) = id {
                    sqlx::query("DELETE FROM status_reports WHERE id = $1").bind(id).execute(db.pool()).await.unwrap();
                }
            }
            67..=82 => {
                let Some(id) = ids(db, "SELECT id FROM status_reports").await.choose(rng).copied() else { continue };
                let edit = match rng.gen_range(0..4) {
                    0 => sqlx::query("UPDATE status_reports SET report_date = $1 WHERE id = $2").bind(day.clone()).bind(id),
                    1 => sqlx::query("UPDATE status_reports SET status = $1, capacity_pct = 0 WHERE id = $2").bind(status).bind(id),
                    2 => sqlx::query("UPDATE status_reports SET workers_back = $1, workers_total = $2 WHERE id = $3").bind(back).bind(total).bind(id),
                    _ => sqlx::query("UPDATE status_reports SET enterprise_id = $1 WHERE id = $2").bind(e).bind(id),
                };
                // a day the enterprise already reported on is refused, and changes nothing
                let _ = edit.execute(db.pool()).await;
            }
            83..=92 => {
                let mut picked: Vec<Date> = days(first, last).collect::<Vec<_>>().choose_multiple(rng, 3).copied().collect();
                picked.shuffle(rng);
                for d in &picked {
                    sqlx::query("DELETE FROM status_reports WHERE enterprise_id = $1 AND report_date = $2")
                        .bind(e)
                        .bind(date_text(*d))
                        .execute(db.pool())
                        .await
                        .unwrap();
                }
                let mut insert = sqlx::query(
                    "INSERT INTO status_reports (enterprise_id, report_date, status, workers_back, workers_total, capacity_pct, created_at) \
                     VALUES ($1, $2, $3, $4, $5, 0, $6), ($7, $8, $9, $10, $11, 0, $12), ($13, $14, $15, $16, $17, 0, $18)",
                );
                for d in &picked {
                    let total = rng.gen_range(0..50i64);
                    insert = insert
                        .bind(e)
                        .bind(date_text(*d))
                        .bind(*STATES.choose(rng).unwrap())
                        .bind(rng.gen_range(0..=total))
                        .bind(total)
                        .bind("2020-04-01T00:00:00.000000Z");
                }
                insert.execute(db.pool()).await.unwrap();
            }
            _ => {
                let edit = match rng.gen_range(0..3) {
                    0 => sqlx::query("UPDATE enterprises SET township_id = $1 WHERE id = $2").bind(*townships.choose(rng).unwrap()).bind(e),
                    1 => sqlx::query("UPDATE enterprises SET industry = $1 WHERE id = $2").bind(industries.choose(rng).unwrap().clone()).bind(e),
                    _ => sqlx::query("UPDATE enterprises SET kind = $1 WHERE id = $2").bind(*kinds.choose(rng).unwrap()).bind(e),
                };
                edit.execute(db.pool()).await.unwrap();
            }
        }
    }
}

async fn insert_report(db: &Db, enterprise: i64, day: &str, status: &str, back: i64, total: i64) {
    sqlx::query(
        "INSERT INTO status_reports (enterprise_id, report_date, status, workers_back, workers_total, capacity_pct, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, '2020-04-01T00:00:00.000000Z')",
    )
    .bind(enterprise)
    .bind(day)
    .bind(status)
    .bind(back)
    .bind(total)
    .execute(db.pool())
    .await
    .unwrap();
}

/// Every scope (the zone, each township, industry and kind, an industry and a
/// kind, township-and-kind pairs) over two periods, and every township's
/// figures on a few days, against the rule.
async fn assert_series_follow_the_rule(cx: &WorkContext, admin: &Actor) {
    let db = &cx.db;
    let mut scopes = vec![ReportFilter::default()];
    for t in ids(db, "SELECT id FROM townships ORDER BY id").await {
        scopes.push(ReportFilter { township_id: Some(t), ..Default::default() });
        for kind in ["industrial", "commerce_service"] {
            scopes.push(ReportFilter { township_id: Some(t), kind: Some(kind.into()), ..Default::default() });
        }
    }
    let industries: Vec<String> = sqlx::query_scalar("SELECT DISTINCT industry FROM enterprises ORDER BY industry").fetch_all(db.pool()).await.unwrap();
    for industry in industries.iter().take(6) {
        scopes.push(ReportFilter { industry: Some(industry.clone()), ..Default::default() });
    }
    if let Some(industry) = industries.first() {
        scopes.push(ReportFilter { industry: Some(industry.clone()), kind: Some("industrial".into()), ..Default::default() });
    }
    for kind in ["industrial", "foreign_trade", "commerce_service", "construction_real_estate", "agriculture"] {
        scopes.push(ReportFilter { kind: Some(kind.into()), ..Default::default() });
    }
    for f in &scopes {
        // a township's kind is counted from its reports, the rest from the tallies
        assert_eq!(res_store::tallied(f), f.township_id.is_none() || f.kind.is_none());
        for (from, to) in [(date!(2020 - 01 - 25), date!(2020 - 04 - 05)), (date!(2020 - 03 - 01), date!(2020 - 03 - 10))] {
            let q = resumption::ReportQuery {
                township_id: f.township_id,
                industry: f.industry.clone(),
                kind: f.kind.clone(),
                from: Some(date_text(from)),
                to: Some(date_text(to)),
                ..Default::default()
            };
            let tallied = resumption::series(cx, admin, &q).await.unwrap().days;
            let counted = by_the_rule(db, f, from, to).await;
            assert_eq!(tallied.len(), counted.len());
            for (t, c) in tallied.iter().zip(&counted) {
                assert_eq!(t, c, "scope {f:?}");
            }
        }
    }
    for day in [date!(2020 - 01 - 31), date!(2020 - 02 - 15), date!(2020 - 03 - 19), date!(2020 - 03 - 31), date!(2020 - 04 - 02)] {
        let grouped = res_store::township_figures_on(db, &date_text(day), None).await.unwrap();
        for t in ids(db, "SELECT id FROM townships ORDER BY id").await {
            let f = ReportFilter { township_id: Some(t), ..Default::default() };
            let counted = by_the_rule(db, &f, day, day).await[0];
            let (enterprises, s) = grouped.iter().find(|g| g.0 == t).map(|g| (g.1, g.2)).unwrap_or_default();
            let figures = (enterprises, s.known, s.reports, s.resumed, s.full_production, s.workers_back, s.workers_total);
            let expected = (
                counted.enterprises,
                counted.known,
                counted.reported_today,
                counted.resumed,
                counted.full_production,
                counted.workers_back,
                counted.workers_total,
            );
            assert_eq!(figures, expected, "township {t} on {day}");
        }
    }
}

async fn tallied_resumption_figures_equal_the_rule_on_random_reports(app: TestApp) {
    let admin = actor(&app, "admin").await;
    let cx = at(&app.db, datetime!(2020-03-31 20:00 +8));
    // the demo's own reports, written through the use cases
    assert_series_follow_the_rule(&cx, &admin).await;
    let mut rng = StdRng::seed_from_u64(20_200_319);
    for _ in 0..3 {
        write_reports_at_random(&app.db, Some((&cx, &admin)), &mut rng, 60).await;
        assert_series_follow_the_rule(&cx, &admin).await;
    }
}

async fn the_dashboard_counts_each_township_as_its_series_does(app: TestApp) {
    let leader = actor(&app, "leader").await;
    let township = actor(&app, "township").await;
    let cx = at(&app.db, datetime!(2020-03-19 18:00 +8));
    let mut rng = StdRng::seed_from_u64(7);
    write_reports_at_random(&app.db, None, &mut rng, 80).await;
    let d = zonedesk::report::dashboard::dashboard(&cx, &leader).await.unwrap();
    let chart = d.charts.iter().find(|c| c.id == "chart-townships").unwrap();
    for t in zonedesk::app::registry::list_townships(&app.db, &leader).await.unwrap() {
        assert!(chart.svg.contains(&t.name), "{} is on the chart", t.name);
    }
    // a township user's chart is its own township only
    let own = zonedesk::report::dashboard::dashboard(&cx, &township).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM townships ORDER BY id").fetch_all(app.db.pool()).await.unwrap();
    let own_name: String =
        sqlx::query_scalar("SELECT name FROM townships WHERE id = $1").bind(township.township_id.unwrap()).fetch_one(app.db.pool()).await.unwrap();
    let chart = own.charts.iter().find(|c| c.id == "chart-townships").unwrap();
    for name in names {
        assert_eq!(chart.svg.contains(&name), name == own_name || own_name.contains(&name), "{name} on the township's own chart");
    }
    // a province's chart shows the townships with the most not resumed, as counted
    let all = res_store::township_figures_on(&app.db, "2020-03-19", None).await.unwrap();
    let bars = res_store::township_bars_on(&app.db, "2020-03-19", None, 3).await.unwrap();
    let townships: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM townships").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(bars.len(), 3);
    assert!(bars.iter().all(|b| b.townships == townships));
    let mut worst: Vec<i64> = all.iter().map(|(_, enterprises, f)| enterprises - f.resumed).collect();
    worst.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(bars.iter().map(|b| b.enterprises - b.resumed).collect::<Vec<_>>(), worst[..3]);
    for b in &bars {
        let (_, enterprises, f) = all.iter().find(|(t, _, _)| *t == b.township_id).unwrap();
        assert_eq!((b.enterprises, b.resumed), (*enterprises, f.resumed), "{}", b.name);
    }
    let grouped = res_store::township_figures_on(&app.db, "2020-03-19", township.township_id).await.unwrap();
    assert_eq!(grouped.len(), 1);
    let f = ReportFilter { township_id: township.township_id, ..Default::default() };
    let counted = by_the_rule(&app.db, &f, date!(2020 - 03 - 19), date!(2020 - 03 - 19)).await[0];
    assert_eq!((grouped[0].1, grouped[0].2.resumed), (counted.enterprises, counted.resumed));
}

// ---- work orders -----------------------------------------------------------

/// counts_until as it was: five counts over every order, and the states.
async fn counted_until(db: &Db, until: &str) -> orders::OrderCounts {
    let count = |column: &'static str| {
        let sql = format!("SELECT COUNT(*) FROM work_orders WHERE {column} < $1 AND merged_into IS NULL");
        async move { sqlx::query_scalar::<_, i64>(&sql).bind(until).fetch_one(db.pool()).await.unwrap() }
    };
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM work_orders WHERE merged_into IS NULL GROUP BY state").fetch_all(db.pool()).await.unwrap();
    let mut by_state = [0; 5];
    for (state, n) in rows {
        let i = zonedesk::domain::workorder::OrderState::ALL.iter().position(|s| s.code() == state).unwrap();
        by_state[i] = n;
    }
    orders::OrderCounts {
        filed: count("created_at").await,
        assigned: count("first_assigned_at").await,
        resolved: count("resolved_at").await,
        rated: count("rated_at").await,
        escalated: count("escalated_at").await,
        by_state,
    }
}

fn figures(c: &orders::OrderCounts) -> (i64, i64, i64, i64, i64, [i64; 5]) {
    (c.filed, c.assigned, c.resolved, c.rated, c.escalated, c.by_state)
}

fn lines(groups: Vec<orders::GroupCounts>) -> Vec<(Option<i64>, String, zonedesk::domain::workorder::RateCounts)> {
    groups.into_iter().map(|g| (g.id, g.name, g.counts)).collect()
}

async fn assert_orders_are_counted_right(db: &Db, rng: &mut StdRng) {
    let mut instants: Vec<String> = (0..40).map(|_| random_timestamp(rng)).collect();
    let stamps: Vec<String> =
        sqlx::query_scalar("SELECT created_at FROM work_orders UNION ALL SELECT resolved_at FROM work_orders WHERE resolved_at IS NOT NULL")
            .fetch_all(db.pool())
            .await
            .unwrap();
    instants.extend(stamps.choose_multiple(rng, 10).cloned());
    instants.extend(["2020-03-19T16:00:00.000000Z".to_string(), "2020-03-20".to_string(), "2019-01-01T00:00:00.000000Z".into(), zonedesk::store::now()]);
    for until in &instants {
        let tallied = orders::counts_until(db, until).await.unwrap();
        assert_eq!(figures(&tallied), figures(&counted_until(db, until).await), "counts until {until}");
    }
    let supervised: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM work_orders WHERE escalated_at IS NOT NULL AND state <> 'closed'").fetch_one(db.pool()).await.unwrap();
    assert_eq!(orders::supervised_count(db).await.unwrap(), supervised);
    for _ in 0..25 {
        let (a, b) = (random_day(rng, date!(2020 - 02 - 18), date!(2020 - 04 - 08)), random_day(rng, date!(2020 - 02 - 18), date!(2020 - 04 - 08)));
        let (from, to) = (date_text(a.min(b)), date_text(a.max(b)));
        let today = date_text(random_day(rng, date!(2020 - 02 - 18), date!(2020 - 04 - 10)));
        for group in [RateGroup::Zone, RateGroup::Department] {
            let tallied = orders::tallied_rate_counts(db, group, &from, &to, &today).await.unwrap();
            let counted = orders::rate_counts(db, group, &from, &to, &today).await.unwrap();
            assert_eq!(lines(tallied), lines(counted), "{group:?} {from}..{to} on {today}");
        }
    }
}

/// Random edits of orders in plain SQL: any column the counts read, merges and
/// their undoing, deletions (refused while the timeline refers to the order).
async fn edit_orders_at_random(db: &Db, rng: &mut StdRng, steps: usize) {
    let departments = ids(db, "SELECT id FROM departments").await;
    let states = ["submitted", "assigned", "in_progress", "resolved", "closed"];
    let ratings = [None, Some("satisfied"), Some("basically_satisfied"), Some("unsatisfied")];
    for _ in 0..steps {
        let orders = ids(db, "SELECT id FROM work_orders").await;
        let Some(&id) = orders.choose(rng) else { return };
        let maybe = |rng: &mut StdRng| if rng.gen_bool(0.25) { None } else { Some(random_timestamp(rng)) };
        let day = |rng: &mut StdRng| if rng.gen_bool(0.2) { None } else { Some(date_text(random_day(rng, date!(2020 - 02 - 18), date!(2020 - 04 - 08)))) };
        let q = match rng.gen_range(0..15) {
            0 => sqlx::query("UPDATE work_orders SET state = $1 WHERE id = $2").bind(*states.choose(rng).unwrap()).bind(id),
            1 => sqlx::query("UPDATE work_orders SET department_id = $1 WHERE id = $2")
                .bind(departments.choose(rng).copied().filter(|_| rng.gen_bool(0.85)))
                .bind(id),
            2 => sqlx::query("UPDATE work_orders SET first_assigned_at = $1 WHERE id = $2").bind(maybe(rng)).bind(id),
            3 => sqlx::query("UPDATE work_orders SET signed_at = $1, signed_in_time = $2 WHERE id = $3").bind(maybe(rng)).bind(rng.gen_range(0..2i64)).bind(id),
            4 => sqlx::query("UPDATE work_orders SET resolved_at = $1 WHERE id = $2").bind(maybe(rng)).bind(id),
            5 => sqlx::query("UPDATE work_orders SET rating = $1, rated_at = $2 WHERE id = $3").bind(*ratings.choose(rng).unwrap()).bind(maybe(rng)).bind(id),
            6 => sqlx::query("UPDATE work_orders SET escalated_at = $1 WHERE id = $2").bind(maybe(rng)).bind(id),
            7 => sqlx::query("UPDATE work_orders SET sign_deadline = $1, resolve_deadline = $2 WHERE id = $3").bind(day(rng)).bind(day(rng)).bind(id),
            8 => sqlx::query("UPDATE work_orders SET created_at = $1 WHERE id = $2").bind(random_timestamp(rng)).bind(id),
            9 => {
                let target = *orders.choose(rng).unwrap();
                sqlx::query("UPDATE work_orders SET merged_into = $1 WHERE id = $2").bind((target != id).then_some(target)).bind(id)
            }
            10 => sqlx::query("UPDATE work_orders SET merged_into = NULL WHERE merged_into IS NOT NULL AND id = $1").bind(id),
            11 => sqlx::query("DELETE FROM work_orders WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM work_orders m WHERE m.merged_into = $1)").bind(id),
            _ => sqlx::query(
                "UPDATE work_orders SET state = 'assigned', department_id = $1, first_assigned_at = $2, sign_deadline = $3, resolve_deadline = $4, \
                 signed_at = NULL, resolved_at = NULL, rating = NULL WHERE id = $5",
            )
            .bind(departments.choose(rng).copied())
            .bind(random_timestamp(rng))
            .bind(day(rng))
            .bind(day(rng))
            .bind(id),
        };
        // a deletion the timeline's foreign key refuses changes nothing
        let _ = q.execute(db.pool()).await;
    }
}

async fn tallied_order_counts_and_rates_equal_counting_every_order(app: TestApp) {
    let mut rng = StdRng::seed_from_u64(264);
    // the demo's orders, filed and handled through the use cases
    assert_orders_are_counted_right(&app.db, &mut rng).await;
    // and more through the use cases: filed, assigned, signed for, resolved, rated, supervised, merged
    let xuehui = actor(&app, "xuehui").await;
    let leader = actor(&app, "leader").await;
    let department = actor(&app, "department").await;
    let dept = department.department_id.unwrap();
    let cx = at(&app.db, datetime!(2020-03-23 09:00 +8));
    let step = |action: &str, version: i64| workorder::TransitionInput { action: action.into(), version, ..Default::default() };
    let mut filed = Vec::new();
    for title in ["原料断供", "物流受阻", "用工短缺"] {
        let input = workorder::OrderInput { category: "materials".into(), title: title.into(), ..Default::default() };
        filed.push(workorder::file_order(&cx, &xuehui, &input).await.unwrap().order.id);
    }
    let (a, b, c) = (filed[0], filed[1], filed[2]);
    workorder::act(&cx, &leader, a, &workorder::TransitionInput { department_id: Some(dept), ..step("assign", 1) }).await.unwrap();
    workorder::act(&cx, &department, a, &step("sign_for", 2)).await.unwrap();
    let later = at(&app.db, datetime!(2020-03-25 15:59:59.999999 +8));
    workorder::act(&later, &department, a, &workorder::TransitionInput { resolution: "已协调供货".into(), ..step("resolve", 3) }).await.unwrap();
    workorder::act(&later, &xuehui, a, &workorder::TransitionInput { rating: Some("basically_satisfied".into()), ..step("rate", 4) }).await.unwrap();
    workorder::act(&cx, &leader, b, &workorder::TransitionInput { department_id: Some(dept), ..step("assign", 1) }).await.unwrap();
    workorder::act(&cx, &leader, b, &workorder::TransitionInput { note: "请加快办理".into(), ..step("supervise", 2) }).await.unwrap();
    workorder::act(&cx, &leader, c, &workorder::TransitionInput { target_id: Some(b), ..step("merge", 1) }).await.unwrap();
    assert_orders_are_counted_right(&app.db, &mut rng).await;
    for _ in 0..3 {
        edit_orders_at_random(&app.db, &mut rng, 80).await;
        assert_orders_are_counted_right(&app.db, &mut rng).await;
    }
}

/// Writers at the same time (on PostgreSQL each in a transaction of its own,
/// meeting on the same tally rows): every order and report is counted once,
/// and none of them fails for the tallies' sake (a deadlock, a lost update).
async fn concurrent_writers_are_all_counted(app: TestApp) {
    let xuehui = actor(&app, "xuehui").await;
    let admin = actor(&app, "admin").await;
    let leader = actor(&app, "leader").await;
    let dept = actor(&app, "department").await.department_id.unwrap();
    let cx = at(&app.db, datetime!(2020-03-31 10:00 +8));
    let enterprises = ids(&app.db, "SELECT id FROM enterprises ORDER BY id").await;
    let mut tasks = Vec::new();
    for writer in 0..8usize {
        let (cx, xuehui, admin, leader, enterprises) = (cx.clone(), xuehui.clone(), admin.clone(), leader.clone(), enterprises.clone());
        tasks.push(tokio::spawn(async move {
            for round in 0..6 {
                let input = workorder::OrderInput { category: "labour".into(), title: format!("用工{writer}-{round}"), ..Default::default() };
                let id = workorder::file_order(&cx, &xuehui, &input).await.unwrap().order.id;
                let assign = workorder::TransitionInput { action: "assign".into(), version: 1, department_id: Some(dept), ..Default::default() };
                workorder::act(&cx, &leader, id, &assign).await.unwrap();
                // two writers per enterprise, on alternate days: each writes before and after the other's reports
                let e = enterprises[writer % 4];
                let day = date_text(date!(2020 - 03 - 20) + time::Duration::days((writer / 4) as i64 + 2 * round));
                let status = STATES[(writer + round as usize) % 3];
                let capacity = if status == "not_resumed" { 0 } else { 50 };
                let report = StatusReportInput {
                    status: status.into(),
                    workers_back: 5,
                    workers_total: 10 + round + 7 * writer as i64,
                    capacity_pct: capacity,
                    note: String::new(),
                };
                resumption::report_status(&cx, &admin, &resumption::ReportInput { enterprise_id: Some(e), report_date: Some(day), report }).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut rng = StdRng::seed_from_u64(1);
    assert_orders_are_counted_right(&app.db, &mut rng).await;
    assert_series_follow_the_rule(&cx, &admin).await;
}

// ---- the migration's backfill ----------------------------------------------

/// `url` with its database replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((url, String::new()));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{root}/{database}{query}")
}

/// A fresh database at the schema before the aggregates (every migration but
/// theirs), its URL and what drops it.
async fn database_before_the_aggregates(backend: Backend, dir: &std::path::Path) -> Option<(Db, Option<(String, String)>)> {
    let (url, dropper) = match backend {
        Backend::Sqlite => (format!("sqlite://{}", dir.join("before.db").display()), None),
        Backend::Postgres => {
            let base = common::required_or_skip("ZONEDESK_TEST_POSTGRES_URL", "PostgreSQL")?;
            let name = format!("zdagg_{}", &zonedesk::app::auth::random_secret()[..16].to_lowercase());
            let admin = Db::connect(&base).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.unwrap();
            admin.close().await;
            (with_database(&base, &name), Some((base, name)))
        }
    };
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let earlier = dir.join("migrations");
    std::fs::create_dir_all(&earlier).unwrap();
    for entry in std::fs::read_dir(format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR"))).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.as_str() < "20261201000010" {
            std::fs::copy(&path, earlier.join(&name)).unwrap();
        }
    }
    let db = Db::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(earlier.as_path()).await.unwrap().run(db.pool()).await.unwrap();
    Some((db, dropper))
}

/// A small zone written in plain SQL before the aggregates exist.
async fn fill_before_the_aggregates(db: &Db, rng: &mut StdRng) {
    let at = "2020-01-01T00:00:00.000000Z";
    for t in 1..=3i64 {
        sqlx::query("INSERT INTO townships (id, name, kind, created_at) VALUES ($1, $2, 'zhen', $3)")
            .bind(t)
            .bind(format!("第{t}镇"))
            .bind(at)
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query("INSERT INTO departments (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(t)
            .bind(format!("第{t}局"))
            .bind(at)
            .execute(db.pool())
            .await
            .unwrap();
    }
    let kinds = ["industrial", "foreign_trade", "commerce_service"];
    for e in 1..=14i64 {
        sqlx::query(
            "INSERT INTO enterprises (id, name, credit_code, industry, kind, township_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(e)
        .bind(format!("企业{e}"))
        .bind(format!("CODE{e}"))
        .bind(["食品加工", "机械加工", "商超零售"][rng.gen_range(0..3)])
        .bind(*kinds.choose(rng).unwrap())
        .bind(rng.gen_range(1..=3i64))
        .bind(at)
        .execute(db.pool())
        .await
        .unwrap();
    }
    for _ in 0..150 {
        let e = rng.gen_range(1..=14i64);
        let day = date_text(random_day(rng, date!(2020 - 02 - 01), date!(2020 - 03 - 31)));
        let total = rng.gen_range(0..100i64);
        sqlx::query("DELETE FROM status_reports WHERE enterprise_id = $1 AND report_date = $2").bind(e).bind(&day).execute(db.pool()).await.unwrap();
        insert_report(db, e, &day, STATES.choose(rng).unwrap(), rng.gen_range(0..=total), total).await;
    }
    for _ in 0..120 {
        let created = random_timestamp(rng);
        sqlx::query(
            "INSERT INTO work_orders (source, category_id, title, state, created_at, updated_at) VALUES ('hotline', \
             (SELECT MIN(id) FROM work_order_categories), '问题', 'submitted', $1, $1)",
        )
        .bind(created)
        .execute(db.pool())
        .await
        .unwrap();
    }
    edit_orders_at_random(db, rng, 400).await;
}

async fn the_migration_counts_what_was_there_before_it(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, dropper)) = database_before_the_aggregates(backend, dir.path()).await else { return };
    let mut rng = StdRng::seed_from_u64(47);
    fill_before_the_aggregates(&db, &mut rng).await;
    db.migrate().await.unwrap();
    let cx = at(&db, datetime!(2020-03-31 20:00 +8));
    let system = Actor::system();
    assert_series_follow_the_rule(&cx, &system).await;
    assert_orders_are_counted_right(&db, &mut rng).await;
    // and the triggers carry on from the backfilled figures
    write_reports_at_random(&db, None, &mut rng, 80).await;
    edit_orders_at_random(&db, &mut rng, 80).await;
    assert_series_follow_the_rule(&cx, &system).await;
    assert_orders_are_counted_right(&db, &mut rng).await;
    db.close().await;
    if let Some((base, name)) = dropper {
        let admin = Db::connect(&base).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(admin.pool()).await.unwrap();
        admin.close().await;
    }
}

/// The officer counts are kept between requests and counted again after any
/// change to assignments, ranks or kinds: made here in plain SQL, as an
/// importer or a manual fix would, so only the database's version can tell.
async fn officer_counts_follow_every_change(app: TestApp) {
    let db = &app.db;
    let day = "2020-03-19";
    let exec = |sql: &'static str| async move { sqlx::query(sql).execute(db.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}")) };
    let counts = || async { zonedesk::store::registry::officers_on(db, day).await.unwrap() };
    let before = counts().await;
    assert_eq!((before.cadres, before.enterprises), (47, 47), "the seed's 47 officers at 47 enterprises");
    assert_eq!(counts().await.cadres, before.cadres, "asked again, the same");

    // a new 副科级 cadre in post at a foreign-trade enterprise that had no officer
    exec("INSERT INTO cadres (name, rank, department_id, created_at) VALUES ('测试干部', '副科级', NULL, '2020-03-01T00:00:00Z')").await;
    exec(
        "UPDATE enterprises SET kind = 'foreign_trade' WHERE id = (SELECT MIN(e.id) FROM enterprises e \
          WHERE NOT EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.enterprise_id = e.id))",
    )
    .await;
    let kinded = counts().await;
    assert_eq!(kinded.foreign_trade, before.foreign_trade, "no officer there yet");
    exec(
        "INSERT INTO officer_assignments (cadre_id, enterprise_id, started_on) SELECT (SELECT MAX(id) FROM cadres), MIN(e.id), '2020-03-10' \
          FROM enterprises e WHERE e.kind = 'foreign_trade' AND NOT EXISTS (SELECT 1 FROM officer_assignments oa WHERE oa.enterprise_id = e.id)",
    )
    .await;
    let assigned = counts().await;
    assert_eq!(
        (assigned.cadres, assigned.section_chiefs, assigned.enterprises, assigned.foreign_trade),
        (before.cadres + 1, before.section_chiefs, before.enterprises + 1, before.foreign_trade + 1)
    );
    exec("UPDATE cadres SET rank = '正科级' WHERE id = (SELECT MAX(id) FROM cadres)").await;
    assert_eq!(counts().await.section_chiefs, before.section_chiefs + 1);
    exec("UPDATE officer_assignments SET ended_on = '2020-03-15' WHERE cadre_id = (SELECT MAX(id) FROM cadres)").await;
    let ended = counts().await;
    assert_eq!((ended.cadres, ended.enterprises, ended.foreign_trade), (before.cadres, before.enterprises, before.foreign_trade));
}

on_both_databases!(
    officer_counts_follow_every_change,
    tallied_resumption_figures_equal_the_rule_on_random_reports,
    the_dashboard_counts_each_township_as_its_series_does,
    tallied_order_counts_and_rates_equal_counting_every_order,
    concurrent_writers_are_all_counted,
);

mod the_migration_counts_what_was_there_before_it {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::the_migration_counts_what_was_there_before_it(zonedesk::store::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::the_migration_counts_what_was_there_before_it(zonedesk::store::Backend::Postgres).await;
    }
}
