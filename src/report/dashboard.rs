//! 数据驾驶舱: the figures and charts a leader opens the day with — resumption
//! over time and by township, the orders by state and overdue, the three rates
//! by department, the green list, employment gaps, tutoring pairs, the
//! isolation point. A township user sees its own township.

use serde::Serialize;
use utoipa::ToSchema;

use super::charts;
use super::number::{count, percent};
use crate::app::clock::{WorkContext, date_text};
use crate::app::{Actor, employment, isolation, rates, resumption, tutoring};
use crate::domain::Role;
use crate::domain::workorder::OrderState;
use crate::error::AppError;
use crate::store::{registry, resumption as res_store, workorder};

/// One figure of the top row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Tile {
    pub label: String,
    pub value: String,
    /// where to read more
    pub href: String,
}

/// A chart, as SVG markup, with its title (for a screen reader and a caption).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub svg: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// YYYY-MM-DD
    pub date: String,
    pub tiles: Vec<Tile>,
    pub charts: Vec<Chart>,
}

/// Townships on the township chart: a zone's all, a province's worst.
const TOWNSHIP_BARS: i64 = 30;

/// # Errors
/// `Forbidden` for roles without a dashboard (leaders, administrators and townships have one).
pub async fn dashboard(cx: &WorkContext, actor: &Actor) -> Result<Dashboard, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let today = cx.today();
    let mut tiles = Vec::new();
    let mut charts_out = Vec::new();

    // resumption over the last 30 days
    let from = today - time::Duration::days(29);
    let q = resumption::ReportQuery { from: Some(date_text(from)), to: Some(date_text(today)), ..Default::default() };
    let series = resumption::series(cx, actor, &q).await?;
    if let Some(last) = series.days.last() {
        tiles.push(Tile { label: "复工率".into(), value: percent(last.resumption_rate()), href: "/resumption".into() });
        tiles.push(Tile { label: "职工返岗率".into(), value: percent(last.worker_return_rate()), href: "/resumption".into() });
    }
    let labels: Vec<String> = series.days.iter().map(|d| format!("{}/{}", u8::from(d.day.month()), d.day.day())).collect();
    let pct = |v: Option<f64>| v.map(|r| (r * 1000.0).round() / 10.0).unwrap_or(0.0);
    charts_out.push(Chart {
        id: "chart-resumption".into(),
        title: "复工率与职工返岗率（近30天）".into(),
        svg: charts::line(
            "复工率与职工返岗率",
            &labels,
            &[
                ("复工率", series.days.iter().map(|d| pct(d.resumption_rate())).collect()),
                ("职工返岗率", series.days.iter().map(|d| pct(d.worker_return_rate())).collect()),
            ],
            true,
        ),
    });

    // status by township, today: the townships with the most not resumed
    let scope = resumption::scope(actor, res_store::ReportFilter::default())?;
    let bars = res_store::township_bars_on(&cx.db, &date_text(today), scope.township_id, TOWNSHIP_BARS).await?;
    let title = match bars.first() {
        Some(b) if b.townships > bars.len() as i64 => format!("未复工企业最多的{}个乡镇办（共{}个）", bars.len(), count(b.townships)),
        _ => "各乡镇办企业复工情况".to_string(),
    };
    let names: Vec<String> = bars.iter().map(|b| b.name.clone()).collect();
    let resumed = bars.iter().map(|b| b.resumed as f64).collect();
    let not_resumed = bars.iter().map(|b| (b.enterprises - b.resumed) as f64).collect();
    charts_out.push(Chart { id: "chart-townships".into(), svg: charts::bars(&title, &names, &[("已复工", resumed), ("未复工", not_resumed)]), title });

    // orders
    let counts = workorder::counts_until(&cx.db, &cx.now_text()).await?;
    let open = counts.by_state[..4].iter().sum::<i64>();
    tiles.push(Tile { label: "未办结工单".into(), value: count(open), href: "/work-orders?open=true".into() });
    let supervised = workorder::supervised_count(&cx.db).await?;
    tiles.push(Tile { label: "督办工单".into(), value: count(supervised), href: "/supervision".into() });
    charts_out.push(Chart {
        id: "chart-orders".into(),
        title: "工单状态分布".into(),
        svg: charts::bars(
            "工单状态分布",
            &OrderState::ALL.iter().map(|s| s.label().to_string()).collect::<Vec<_>>(),
            &[("工单数", counts.by_state.iter().map(|n| *n as f64).collect())],
        ),
    });

    // three rates by department, this month
    if actor.role != Role::Township {
        let first = today.replace_day(1).unwrap_or(today);
        let q = rates::RatesQuery { group: Some("department".into()), from: Some(date_text(first)), to: Some(date_text(today)) };
        let lines = rates::rates(cx, actor, &q).await?.items;
        let labels: Vec<String> = lines.iter().map(|l| l.name.clone()).collect();
        charts_out.push(Chart {
            id: "chart-rates".into(),
            title: "各部门三率（本月）".into(),
            svg: charts::bars(
                "各部门三率（%）",
                &labels,
                &[
                    ("响应率", lines.iter().map(|l| pct(l.response_rate)).collect()),
                    ("解决率", lines.iter().map(|l| pct(l.resolution_rate)).collect()),
                    ("满意率", lines.iter().map(|l| pct(l.satisfaction_rate)).collect()),
                ],
            ),
        });
    }

    // the rest of the zone's work, as figures
    let day = date_text(today);
    let green_listed = res_store::green_listed_on(&cx.db, &day).await?;
    tiles.push(Tile { label: "绿名单企业".into(), value: count(green_listed), href: "/green-list".into() });
    let officers = registry::officers_on(&cx.db, &day).await?;
    tiles.push(Tile {
        label: "首席服务员".into(), value: format!("{}人/{}家", count(officers.cadres), count(officers.enterprises)), href: "/officers".into()
    });
    if let Ok(gaps) = employment::gaps(&cx.db, actor, &employment::GapQuery { township_id: None, page: Some(1), per_page: Some(1) }).await {
        tiles.push(Tile { label: "就业缺口户".into(), value: count(gaps.total), href: "/employment/gaps".into() });
    }
    if let Ok(pairs) = tutoring::list_pairings(&cx.db, actor, &tutoring::PairingQuery { live: Some(true), ..Default::default() }).await {
        tiles.push(Tile { label: "结对帮扶".into(), value: format!("{}对", count(pairs.total)), href: "/pairings".into() });
    }
    if let Ok(points) = isolation::list_points(&cx.db, actor).await {
        let observed: i64 = points.iter().map(|p| p.in_observation).sum();
        let alerts: i64 = points.iter().map(|p| p.open_alerts).sum();
        tiles.push(Tile { label: "留观人员/体温异常".into(), value: format!("{}/{}", count(observed), count(alerts)), href: "/isolation".into() });
    }
    Ok(Dashboard { date: day, tiles, charts: charts_out })
}
