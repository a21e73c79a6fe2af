//! 数据驾驶舱: the figures and charts a leader opens the day with — resumption
//! over time, by township and by industry, the orders by state and overdue,
//! the three rates by department (bars and a table), the green list,
//! investment against the quarter's target, employment gaps, tutoring pairs,
//! the isolation point's occupancy against its beds. A township user sees its
//! own township.

use serde::Serialize;
use utoipa::ToSchema;

use super::charts;
use super::number::{count, percent};
use crate::app::clock::{WorkContext, date_text};
use crate::app::{Actor, employment, investment, isolation, rates, resumption, tutoring};
use crate::domain::Role;
use crate::domain::policy::format_wan;
use crate::domain::resumption::ResumptionStatus;
use crate::domain::workorder::OrderState;
use crate::error::AppError;
use crate::store::{isolation as iso_store, registry, resumption as res_store, workorder};

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

/// One line of the three-rates table beside the bars (percent texts, "—" with nothing due).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateRow {
    pub name: String,
    /// orders first assigned in the period
    pub assigned: i64,
    pub response: String,
    pub resolution: String,
    pub satisfaction: String,
}

/// A green-listed enterprise on the dashboard's short list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GreenItem {
    pub enterprise_id: i64,
    pub name: String,
    /// 未复工 / 已复工 / 已达产, or 未填报
    pub status: String,
    pub open_orders: i64,
}

/// Investment of the current quarter against its target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvestmentPanel {
    /// 2020年一季度
    pub quarter: String,
    pub signed: i64,
    pub landed: i64,
    /// 万元
    pub signed_amount: String,
    /// the zone's targets (absent without one, and for a township)
    pub signed_target: Option<i64>,
    pub landed_target: Option<i64>,
    pub amount_target: Option<String>,
    /// percent texts of the target reached
    pub signed_share: String,
    pub landed_share: String,
    pub amount_share: String,
}

/// An isolation point's occupancy against its beds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Occupancy {
    pub point: String,
    pub in_observation: i64,
    /// the sum of its rooms' bed limits
    pub beds: i64,
    /// percent text of the beds taken
    pub share: String,
    pub open_alerts: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// YYYY-MM-DD
    pub date: String,
    pub tiles: Vec<Tile>,
    pub charts: Vec<Chart>,
    /// the three rates of this month: by department (a township: its own line)
    pub rates: Vec<RateRow>,
    /// the green list's first enterprises, those not resumed first
    pub green_list: Vec<GreenItem>,
    /// how many are on the green list in all
    pub green_listed: i64,
    pub investment: Option<InvestmentPanel>,
    pub isolation: Vec<Occupancy>,
}

/// Townships on the township chart: a zone's all, a province's worst.
const TOWNSHIP_BARS: i64 = 30;
/// Industries on the industry chart: the worst, as a province has hundreds.
const INDUSTRY_BARS: i64 = 8;
/// Enterprises on the green-list panel; the rest are a click away.
const GREEN_ITEMS: i64 = 10;
/// Characters of a name under a bar (an industry as the registry records it, a
/// department's full name): longer ones overlap their neighbours; the tables
/// give them whole. A department's group of three bars is narrower.
const LABEL_CHARS: usize = 5;
const DEPARTMENT_CHARS: usize = 4;

/// # Errors
/// `Forbidden` for roles without a dashboard (leaders, administrators and townships have one).
pub async fn dashboard(cx: &WorkContext, actor: &Actor) -> Result<Dashboard, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let today = cx.today();
    let day = date_text(today);
    let mut tiles = Vec::new();
    let mut charts_out = Vec::new();
    let pct = |v: Option<f64>| v.map(|r| (r * 1000.0).round() / 10.0).unwrap_or(0.0);

    // resumption over the last 30 days
    let from = today - time::Duration::days(29);
    let q = resumption::ReportQuery { from: Some(date_text(from)), to: Some(day.clone()), ..Default::default() };
    let series = resumption::series(cx, actor, &q).await?;
    if let Some(last) = series.days.last() {
        tiles.push(Tile { label: "复工率".into(), value: percent(last.resumption_rate()), href: "/resumption".into() });
        tiles.push(Tile { label: "职工返岗率".into(), value: percent(last.worker_return_rate()), href: "/resumption".into() });
    }
    let labels: Vec<String> = series.days.iter().map(|d| format!("{}/{}", u8::from(d.day.month()), d.day.day())).collect();
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
    let township = scope.township_id;
    let bars = res_store::township_bars_on(&cx.db, &day, township, TOWNSHIP_BARS).await?;
    let title = match bars.first() {
        Some(b) if b.townships > bars.len() as i64 => format!("未复工企业最多的{}个乡镇办（共{}个）", bars.len(), count(b.townships)),
        _ => "各乡镇办企业复工情况".to_string(),
    };
    let names: Vec<String> = bars.iter().map(|b| b.name.clone()).collect();
    let resumed = bars.iter().map(|b| b.resumed as f64).collect();
    let not_resumed = bars.iter().map(|b| (b.enterprises - b.resumed) as f64).collect();
    charts_out.push(Chart { id: "chart-townships".into(), svg: charts::bars(&title, &names, &[("已复工", resumed), ("未复工", not_resumed)]), title });

    // status by industry, today, over the enterprises that have reported
    let bars = res_store::industry_bars_on(&cx.db, &day, township, INDUSTRY_BARS).await?;
    if !bars.is_empty() {
        let title = match bars.first() {
            Some(b) if b.industries > bars.len() as i64 => format!("未复工企业最多的{}个行业（共{}个，已填报企业）", bars.len(), count(b.industries)),
            _ => "各行业企业复工情况（已填报企业）".to_string(),
        };
        let names: Vec<String> = bars.iter().map(|b| short(&b.industry, LABEL_CHARS)).collect();
        let resumed = bars.iter().map(|b| b.resumed as f64).collect();
        let not_resumed = bars.iter().map(|b| (b.known - b.resumed) as f64).collect();
        charts_out
            .push(Chart { id: "chart-industries".into(), svg: charts::bars(&title, &names, &[("已复工", resumed), ("未复工", not_resumed)]), title });
    }

    // orders: the township's own, or the zone's from the tallies
    let counts = match township {
        Some(t) => workorder::township_counts_until(&cx.db, t, &cx.now_text()).await?,
        None => workorder::counts_until(&cx.db, &cx.now_text()).await?,
    };
    let open = counts.by_state[..4].iter().sum::<i64>();
    tiles.push(Tile { label: "未办结工单".into(), value: count(open), href: "/work-orders?open=true".into() });
    let supervised = match township {
        Some(t) => workorder::township_supervised_count(&cx.db, t).await?,
        None => workorder::supervised_count(&cx.db).await?,
    };
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

    // three rates this month: by department for the zone, a township's own line
    let first = today.replace_day(1).unwrap_or(today);
    let group = if actor.role == Role::Township { "township" } else { "department" };
    let q = rates::RatesQuery { group: Some(group.into()), from: Some(date_text(first)), to: Some(day.clone()) };
    let lines = rates::rates(cx, actor, &q).await?.items;
    if actor.role != Role::Township {
        let labels: Vec<String> = lines.iter().map(|l| short(&l.name, DEPARTMENT_CHARS)).collect();
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
    let rate_rows = lines
        .iter()
        .map(|l| RateRow {
            name: l.name.clone(),
            assigned: l.counts.assigned,
            response: percent(l.response_rate),
            resolution: percent(l.resolution_rate),
            satisfaction: percent(l.satisfaction_rate),
        })
        .collect();

    // the green list and the officers: the township's own, or the zone's
    let (green_listed, officers) = match township {
        Some(t) => (res_store::township_green_listed_on(&cx.db, &day, t).await?, registry::township_officers_on(&cx.db, &day, t).await?),
        None => (res_store::green_listed_on(&cx.db, &day).await?, registry::officers_on(&cx.db, &day).await?),
    };
    tiles.push(Tile { label: "绿名单企业".into(), value: count(green_listed), href: "/green-list".into() });
    tiles.push(Tile {
        label: "首席服务员".into(), value: format!("{}人/{}家", count(officers.cadres), count(officers.enterprises)), href: "/officers".into()
    });
    let green_list = res_store::green_list_brief(&cx.db, &day, township, GREEN_ITEMS)
        .await?
        .into_iter()
        .map(|g| GreenItem { enterprise_id: g.enterprise_id, name: g.enterprise_name, status: status_label(g.status.as_deref()), open_orders: g.open_orders })
        .collect();

    // investment this quarter against its target
    let investment = match investment::current_progress(cx, actor).await {
        Ok(p) => {
            let target = p.target.as_ref();
            Some(InvestmentPanel {
                quarter: p.label.clone(),
                signed: p.total.signed,
                landed: p.total.landed,
                signed_amount: format_wan(p.total.signed_amount_yuan),
                signed_target: target.map(|t| t.signed_count),
                landed_target: target.map(|t| t.landed_count),
                amount_target: target.map(|t| format_wan(t.signed_amount_yuan)),
                signed_share: percent(p.signed_share),
                landed_share: percent(p.landed_share),
                amount_share: percent(p.amount_share),
            })
        }
        Err(AppError::Forbidden(_)) => None,
        Err(e) => return Err(e),
    };
    if let Some(inv) = &investment {
        let labels = vec!["签约项目".to_string(), "落地项目".to_string()];
        let mut series = vec![("已完成", vec![inv.signed as f64, inv.landed as f64])];
        if let (Some(s), Some(l)) = (inv.signed_target, inv.landed_target) {
            series.push(("季度目标", vec![s as f64, l as f64]));
        }
        let title = format!("{}招商进度", inv.quarter);
        charts_out.push(Chart { id: "chart-investment".into(), svg: charts::bars(&title, &labels, &series), title });
    }

    if let Ok(gaps) = employment::gaps(&cx.db, actor, &employment::GapQuery { township_id: None, page: Some(1), per_page: Some(1) }).await {
        tiles.push(Tile { label: "就业缺口户".into(), value: count(gaps.total), href: "/employment/gaps".into() });
    }
    if let Ok(pairs) = tutoring::list_pairings(&cx.db, actor, &tutoring::PairingQuery { live: Some(true), ..Default::default() }).await {
        tiles.push(Tile { label: "结对帮扶".into(), value: format!("{}对", count(pairs.total)), href: "/pairings".into() });
    }
    let mut occupancy = Vec::new();
    if let Ok(points) = isolation::list_points(&cx.db, actor).await {
        let observed: i64 = points.iter().map(|p| p.in_observation).sum();
        let alerts: i64 = points.iter().map(|p| p.open_alerts).sum();
        tiles.push(Tile { label: "留观人员/体温异常".into(), value: format!("{}/{}", count(observed), count(alerts)), href: "/isolation".into() });
        let beds = iso_store::beds_by_point(&cx.db).await?;
        for p in points {
            let beds = beds.iter().find(|(id, _)| *id == p.id).map_or(0, |(_, n)| *n);
            occupancy.push(Occupancy {
                point: p.name,
                in_observation: p.in_observation,
                beds,
                share: percent((beds > 0).then(|| p.in_observation as f64 / beds as f64)),
                open_alerts: p.open_alerts,
            });
        }
    }
    Ok(Dashboard { date: day, tiles, charts: charts_out, rates: rate_rows, green_list, green_listed, investment, isolation: occupancy })
}

/// A name cut to `chars` characters (its last an ellipsis) to fit under its bar.
fn short(name: &str, chars: usize) -> String {
    if name.chars().count() <= chars { name.to_string() } else { format!("{}…", name.chars().take(chars - 1).collect::<String>()) }
}

/// A status report's status as the panel says it.
fn status_label(code: Option<&str>) -> String {
    match code.and_then(ResumptionStatus::parse) {
        Some(ResumptionStatus::NotResumed) => "未复工",
        Some(ResumptionStatus::Resumed) => "已复工",
        Some(ResumptionStatus::FullProduction) => "已达产",
        None => "未填报",
    }
    .to_string()
}
