//! 三率: response, resolution and satisfaction rates per department, township,
//! officer and the zone, over any period, and the monthly league table (月排名).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Actor;
use super::clock::{WorkContext, date_text, parse_date};
use crate::domain::Role;
use crate::domain::workorder::RateCounts;
use crate::error::AppError;
use crate::store::workorder::{self as repo, RateGroup};

/// One group's rates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateLine {
    pub id: Option<i64>,
    pub name: String,
    pub counts: RateCounts,
    /// signed for in time / due for signing (0–1; null with nothing due)
    pub response_rate: Option<f64>,
    /// resolved / due for resolution
    pub resolution_rate: Option<f64>,
    /// (满意 + 基本满意) / rated
    pub satisfaction_rate: Option<f64>,
}

impl RateLine {
    fn of(id: Option<i64>, name: String, counts: RateCounts) -> Self {
        RateLine {
            id,
            name,
            response_rate: counts.response_rate(),
            resolution_rate: counts.resolution_rate(),
            satisfaction_rate: counts.satisfaction_rate(),
            counts,
        }
    }

    /// The mean of the rates that have something to count (the league table's score).
    pub fn score(&self) -> Option<f64> {
        let rates: Vec<f64> = [self.response_rate, self.resolution_rate, self.satisfaction_rate].into_iter().flatten().collect();
        (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
    }
}

/// The rates query: a grouping and a period of local days.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct RatesQuery {
    /// zone (default), department, township, officer
    pub group: Option<String>,
    /// first day, YYYY-MM-DD (default: the first of this month)
    pub from: Option<String>,
    /// last day, YYYY-MM-DD (default: today)
    pub to: Option<String>,
}

/// The answer: the period and one line per group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rates {
    pub group: String,
    pub from: String,
    pub to: String,
    pub items: Vec<RateLine>,
    pub total: i64,
}

/// # Errors
/// `Validation` for an unknown group or a bad period; `Forbidden` for roles
/// without rates (each scoped role sees only its own line).
pub async fn rates(cx: &WorkContext, actor: &Actor, q: &RatesQuery) -> Result<Rates, AppError> {
    let group = match q.group.as_deref().unwrap_or("zone") {
        "zone" | "" => RateGroup::Zone,
        "department" => RateGroup::Department,
        "township" => RateGroup::Township,
        "officer" => RateGroup::Officer,
        other => return Err(AppError::field("group", format!("未知的统计口径“{other}”，应为 zone、department、township 或 officer"))),
    };
    let today = cx.today();
    let from = match q.from.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => parse_date(d).map_err(|_| AppError::field("from", "日期格式应为 YYYY-MM-DD"))?,
        None => today.replace_day(1).unwrap_or(today),
    };
    let to = match q.to.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => parse_date(d).map_err(|_| AppError::field("to", "日期格式应为 YYYY-MM-DD"))?,
        None => today,
    };
    if to < from {
        return Err(AppError::field("to", "结束日期不能早于开始日期"));
    }
    let own: Option<i64> = match (actor.role, group) {
        (Role::Admin | Role::Leader, _) => None,
        (Role::Department, RateGroup::Department) => actor.department_id,
        (Role::Township, RateGroup::Township) => actor.township_id,
        (Role::Officer, RateGroup::Officer) => actor.cadre_id,
        _ => return Err(AppError::Forbidden("您的角色只能查看本单位的三率")),
    };
    let (from_text, to_text, today_text) = (date_text(from), date_text(to), cx.today_text());
    let lines = match group {
        // the dashboard's and the briefing's: from the tallies, whatever the number of orders
        RateGroup::Zone | RateGroup::Department => repo::tallied_rate_counts(&cx.db, group, &from_text, &to_text, &today_text).await?,
        RateGroup::Township | RateGroup::Officer => repo::rate_counts(&cx.db, group, &from_text, &to_text, &today_text).await?,
    };
    let items: Vec<RateLine> = lines.into_iter().filter(|l| own.is_none() || l.id == own).map(|l| RateLine::of(l.id, l.name, l.counts)).collect();
    let group_code = match group {
        RateGroup::Zone => "zone",
        RateGroup::Department => "department",
        RateGroup::Township => "township",
        RateGroup::Officer => "officer",
    };
    Ok(Rates { group: group_code.into(), from: date_text(from), to: date_text(to), total: items.len() as i64, items })
}

/// The monthly league table of departments: ranked by the mean of their three
/// rates, then by how many orders they were assigned.
///
/// # Errors
/// `Validation` for a month that is not YYYY-MM; `Forbidden` for roles outside the zone's staff.
pub async fn league_table(cx: &WorkContext, actor: &Actor, month: Option<&str>) -> Result<Rates, AppError> {
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("您的角色无权查看月排名"));
    }
    let today = cx.today();
    let month = month.filter(|m| !m.is_empty()).map(str::to_string).unwrap_or_else(|| date_text(today)[..7].to_string());
    let first = parse_date(&format!("{month}-01")).map_err(|_| AppError::field("month", "月份格式应为 YYYY-MM"))?;
    let last = (1..=31).rev().find_map(|d| first.replace_day(d).ok()).unwrap_or(first);
    let lines = repo::tallied_rate_counts(&cx.db, RateGroup::Department, &date_text(first), &date_text(last), &cx.today_text()).await?;
    let mut items: Vec<RateLine> = lines.into_iter().map(|l| RateLine::of(l.id, l.name, l.counts)).collect();
    items.sort_by(|a, b| {
        b.score().unwrap_or(-1.0).partial_cmp(&a.score().unwrap_or(-1.0)).unwrap_or(std::cmp::Ordering::Equal).then(b.counts.assigned.cmp(&a.counts.assigned))
    });
    Ok(Rates { group: "department".into(), from: date_text(first), to: date_text(last), total: items.len() as i64, items })
}
