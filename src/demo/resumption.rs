//! The demo's resumption of February–March 2020: every enterprise's status
//! reports from 20 February (雪汇食品 stopped from the Spring Festival to
//! 23 February and resumed on the 24th; 恒丰电子 back at full production by
//! mid-March), the green list of the 16 foreign-trade enterprises with their
//! service teams (16 March, "对外贸工业企业落实复工'绿名单'制度"), commerce and
//! service businesses reopening by commitment, and the first spot-check draw.
//!
//! All through the use cases, each at its historical moment; the figures come
//! from a fixed script, so every demo is the same.

use std::collections::HashMap;
use std::sync::Arc;

use time::macros::date;
use time::{Date, Duration, OffsetDateTime, Time};

use super::orders::Ids;
use super::{CADRES, ENTERPRISES, lookup};
use crate::AppError;
use crate::app::auth::actor_of;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::commitment::{self, CheckResult, CommitmentInput, DrawInput};
use crate::app::greenlist::{self, ListingInput, TeamInput};
use crate::app::resumption::{self, ReportInput};
use crate::domain::resumption::StatusReportInput;
use crate::domain::{EnterpriseKind, WorkCalendar};
use crate::store::Db;

/// The first day reports were asked for.
const FIRST_REPORT: Date = date!(2020 - 02 - 20);
/// The newspaper's day: the last report.
const LAST_REPORT: Date = date!(2020 - 03 - 19);
/// The green list was set up after the 16 March meeting.
const GREEN_LIST_DAY: Date = date!(2020 - 03 - 16);

/// What the resumption history left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub reports: usize,
    pub commitments: usize,
}

fn moment(day: Date, hour: u8, minute: u8) -> OffsetDateTime {
    OffsetDateTime::new_in_offset(day, Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT), LOCAL).to_offset(time::UtcOffset::UTC)
}

/// Plays the history.
///
/// # Errors
/// Whatever a use case refuses (a bug in the script), or a database failure.
pub(super) async fn load(db: &Db, ids: &Ids<'_>) -> Result<Loaded, AppError> {
    let calendar = Arc::new(WorkCalendar::shipped());
    let cx = |at: OffsetDateTime| WorkContext { db: db.clone(), calendar: calendar.clone(), now: at };
    let mut actors = HashMap::new();
    for name in ["leader", "hengfeng", "xuehui"] {
        let user = crate::store::users::find_user_by_username(db, name).await?.ok_or_else(|| AppError::Internal(format!("demo: no user {name}")))?;
        actors.insert(name, actor_of(&user));
    }
    let leader = &actors["leader"];
    let mut loaded = Loaded::default();

    // commerce businesses that reopen by commitment, and the day each commits
    let committers: Vec<(usize, Date)> = ENTERPRISES
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EnterpriseKind::CommerceService && e.name != "濮阳电子商务产业园")
        .enumerate()
        .filter(|(n, _)| n % 5 != 4)
        .map(|(n, (i, _))| (i, date!(2020 - 03 - 04) + Duration::days((n as i64 * 3) % 14)))
        .collect();

    let mut reports: Vec<(Date, usize, StatusReportInput)> = Vec::new();
    for (i, e) in ENTERPRISES.iter().enumerate() {
        if committers.iter().any(|(c, _)| *c == i) {
            continue;
        }
        reports.extend(plan(i, e.name, e.kind, e.headcount).into_iter().map(|(day, r)| (day, i, r)));
    }
    reports.sort_by_key(|(day, i, _)| (*day, *i));
    for (n, (day, i, report)) in reports.into_iter().enumerate() {
        let name = ENTERPRISES[i].name;
        let actor = match name {
            "恒丰电子" => &actors["hengfeng"],
            "雪汇食品" => &actors["xuehui"],
            _ => leader,
        };
        let input = ReportInput { enterprise_id: Some(lookup(ids.enterprises, name)?), report_date: Some(date_text(day)), report };
        let at = moment(day, 9 + (n % 8) as u8, (n * 7 % 60) as u8);
        resumption::report_status(&cx(at), actor, &input).await.map_err(|e| AppError::Internal(format!("demo report of {name} on {day}: {e}")))?;
        loaded.reports += 1;
    }

    let items: Vec<String> = commitment::checklist(&cx(moment(FIRST_REPORT, 8, 0))).await?.into_iter().map(|i| i.code).collect();
    for (n, (i, day)) in committers.iter().enumerate() {
        let e = &ENTERPRISES[*i];
        let input = CommitmentInput {
            enterprise_id: Some(lookup(ids.enterprises, e.name)?),
            signer: e.contact.to_string(),
            signed_on: Some(date_text(*day)),
            items: items.clone(),
        };
        commitment::submit(&cx(moment(*day, 10, (n * 11 % 60) as u8)), leader, &input)
            .await
            .map_err(|err| AppError::Internal(format!("demo commitment of {}: {err}", e.name)))?;
        loaded.commitments += 1;
    }
    let drawn = commitment::draw(&cx(moment(date!(2020 - 03 - 18), 15, 0)), leader, &DrawInput { share_pct: 10, seed: Some(20_200_318) }).await?;
    let checks =
        commitment::list_checks(&cx(moment(LAST_REPORT, 9, 0)), leader, Some(drawn.draw_id), &crate::store::PageRequest { page: Some(1), per_page: Some(50) })
            .await?;
    for check in checks.items {
        let result =
            CheckResult {
                passed: true, inspector: "区督查组".into(), note: "体温检测、消毒记录、员工健康台账齐全".into(), suspend: false, category: None
            };
        commitment::record(&cx(moment(LAST_REPORT, 10, 30)), leader, check.id, &result).await?;
    }

    Ok(loaded)
}

/// Lists the 16 foreign-trade enterprises on the green list (dated 16 March)
/// with their service teams. Loaded before the order history, so that their
/// orders are filed with priority and the green list's limits, as the zone
/// runs them.
///
/// # Errors
/// Whatever a use case refuses (a bug in the script), or a database failure.
pub(super) async fn green_list(db: &Db, ids: &Ids<'_>) -> Result<usize, AppError> {
    let calendar = Arc::new(WorkCalendar::shipped());
    let cx = |at: OffsetDateTime| WorkContext { db: db.clone(), calendar: calendar.clone(), now: at };
    let user = crate::store::users::find_user_by_username(db, "leader").await?.ok_or_else(|| AppError::Internal("demo: no user leader".into()))?;
    let leader = &actor_of(&user);
    let mut listed = 0;
    let officers: HashMap<&str, &str> = CADRES.iter().map(|c| (c.enterprise, c.name)).collect();
    let helpers: Vec<&str> = CADRES.iter().filter(|c| matches!(c.department, "经济发展局" | "招商局")).map(|c| c.name).collect();
    for (n, e) in ENTERPRISES.iter().filter(|e| e.kind == EnterpriseKind::ForeignTrade).enumerate() {
        let id = lookup(ids.enterprises, e.name)?;
        let at = cx(moment(GREEN_LIST_DAY, 16, n as u8));
        let reason = "外贸工业企业落实复工“绿名单”制度，成立服务专班".to_string();
        greenlist::add(&at, leader, &ListingInput { enterprise_id: id, on: Some(date_text(GREEN_LIST_DAY)), reason }).await?;
        let lead = lookup(ids.cadres, officers.get(e.name).copied().ok_or_else(|| AppError::Internal(format!("demo: no officer for {}", e.name)))?)?;
        let mut members = vec![lead];
        for k in 0..2 {
            let other = lookup(ids.cadres, helpers[(n * 2 + k) % helpers.len()])?;
            if !members.contains(&other) {
                members.push(other);
            }
        }
        greenlist::set_team(&at, leader, id, &TeamInput { members, lead }).await?;
        listed += 1;
    }
    Ok(listed)
}

/// One enterprise's reports: not resumed until its day, then back at work with
/// more workers and capacity at each report, some reaching full production.
fn plan(i: usize, name: &str, kind: EnterpriseKind, headcount: i64) -> Vec<(Date, StatusReportInput)> {
    let resume = match name {
        "雪汇食品" => Some(date!(2020 - 02 - 24)),
        "恒丰电子" => Some(date!(2020 - 02 - 17)),
        _ if i % 13 == 7 => None,
        _ => {
            let (first, spread) = match kind {
                EnterpriseKind::ForeignTrade | EnterpriseKind::Industrial => (date!(2020 - 02 - 17), 20),
                EnterpriseKind::Agriculture => (date!(2020 - 02 - 20), 14),
                EnterpriseKind::ConstructionRealEstate => (date!(2020 - 03 - 02), 12),
                EnterpriseKind::CommerceService => (date!(2020 - 03 - 02), 14),
            };
            Some(first + Duration::days(((i * 7) % spread) as i64))
        }
    };
    let total = headcount.max(1);
    let mut out = Vec::new();
    let mut day = FIRST_REPORT;
    let mut step = 0i64;
    while day <= LAST_REPORT {
        let report = match resume {
            Some(r) if day >= r => {
                let pace = 8 + (i as i64 % 5) * 3;
                let capacity = (40 + (i as i64 % 4) * 5 + step * pace).min(if name == "恒丰电子" { 100 } else { 95 });
                let back = (total * (capacity + 5).min(100) / 100).min(total);
                step += 1;
                let status = if capacity >= 90 { "full_production" } else { "resumed" };
                StatusReportInput { status: status.into(), workers_back: back, workers_total: total, capacity_pct: capacity, note: String::new() }
            }
            _ => StatusReportInput {
                status: "not_resumed".into(), workers_back: 0, workers_total: total, capacity_pct: 0, note: "疫情防控期间停产".into()
            },
        };
        out.push((day, report));
        // the resumption day is always reported; otherwise every fourth day
        let next = day + Duration::days(4);
        day = match resume {
            Some(r) if r > day && r < next => r,
            _ => next,
        };
        if day > LAST_REPORT && out.last().is_some_and(|(d, _)| *d < LAST_REPORT) {
            day = LAST_REPORT;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xuehui_stops_until_the_23rd_and_resumes_on_the_24th() {
        let p = plan(1, "雪汇食品", EnterpriseKind::Industrial, 300);
        let on = |d: Date| p.iter().find(|(day, _)| *day == d).map(|(_, r)| r.status.clone());
        assert_eq!(on(date!(2020 - 02 - 20)).as_deref(), Some("not_resumed"));
        assert_eq!(on(date!(2020 - 02 - 24)).as_deref(), Some("resumed"));
        assert_eq!(p.last().map(|(d, _)| *d), Some(LAST_REPORT));
    }

    #[test]
    fn every_planned_report_is_a_valid_one() {
        for (i, e) in ENTERPRISES.iter().enumerate() {
            for (day, r) in plan(i, e.name, e.kind, e.headcount) {
                assert!(r.parse().is_ok(), "{} on {day}: {r:?}", e.name);
                assert!((FIRST_REPORT..=LAST_REPORT).contains(&day));
            }
        }
    }
}
