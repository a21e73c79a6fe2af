//! 复工复产: an enterprise's daily status, the zone's resumption figures over
//! time (the latest known report carried forward), the commitment checklist,
//! and the reproducible random draw of commitments for spot checks (抽查).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::FieldError;
use super::registry::optional_text;

/// Where an enterprise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResumptionStatus {
    /// 未复工
    NotResumed,
    /// 已复工
    Resumed,
    /// 已达产
    FullProduction,
}

impl ResumptionStatus {
    pub const ALL: [ResumptionStatus; 3] = [ResumptionStatus::NotResumed, ResumptionStatus::Resumed, ResumptionStatus::FullProduction];

    pub fn code(self) -> &'static str {
        match self {
            ResumptionStatus::NotResumed => "not_resumed",
            ResumptionStatus::Resumed => "resumed",
            ResumptionStatus::FullProduction => "full_production",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Counts as back at work (复工), whether or not at full production.
    pub fn is_resumed(self) -> bool {
        !matches!(self, ResumptionStatus::NotResumed)
    }
}

/// A day's report as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusReport {
    pub status: ResumptionStatus,
    pub workers_back: i64,
    pub workers_total: i64,
    pub capacity_pct: i64,
    pub note: String,
}

/// A day's report as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct StatusReportInput {
    /// not_resumed, resumed, full_production
    pub status: String,
    /// workers back at work
    pub workers_back: i64,
    /// all workers
    pub workers_total: i64,
    /// capacity in use, 0–100
    pub capacity_pct: i64,
    #[serde(default)]
    pub note: String,
}

impl StatusReportInput {
    /// # Errors
    /// One `FieldError` per bad field: more workers back than in total, capacity
    /// over 100%, a business not resumed that reports capacity in use, …
    pub fn parse(&self) -> Result<StatusReport, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = ResumptionStatus::parse(&self.status);
        if status.is_none() {
            errors.push(FieldError::new("status", format!("未知的复工状态“{}”", self.status)));
        }
        if !(0..=1_000_000).contains(&self.workers_total) {
            errors.push(FieldError::new("workers_total", "职工总数应在0到1000000之间"));
        }
        if self.workers_back < 0 {
            errors.push(FieldError::new("workers_back", "返岗人数不能为负"));
        } else if self.workers_back > self.workers_total {
            errors.push(FieldError::new("workers_back", format!("返岗人数（{}）不能超过职工总数（{}）", self.workers_back, self.workers_total)));
        }
        if !(0..=100).contains(&self.capacity_pct) {
            errors.push(FieldError::new("capacity_pct", "产能利用率应在0%到100%之间"));
        } else if status == Some(ResumptionStatus::NotResumed) && self.capacity_pct > 0 {
            errors.push(FieldError::new("capacity_pct", "未复工企业的产能利用率应为0"));
        }
        let note = optional_text("note", "备注", &self.note, 500).map_err(|e| errors.push(e)).unwrap_or_default();
        match status {
            Some(status) if errors.is_empty() => {
                Ok(StatusReport { status, workers_back: self.workers_back, workers_total: self.workers_total, capacity_pct: self.capacity_pct, note })
            }
            _ => Err(errors),
        }
    }
}

/// One stored report, as the series needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub enterprise_id: i64,
    pub day: Date,
    pub status: ResumptionStatus,
    pub workers_back: i64,
    pub workers_total: i64,
}

/// The zone's (or a township's …) figures on one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct DayFigures {
    #[schema(value_type = String)]
    pub day: Date,
    /// enterprises in scope
    pub enterprises: i64,
    /// of them, with any report on or before the day
    pub known: i64,
    /// reporting on that very day
    pub reported_today: i64,
    /// resumed or at full production (latest known report)
    pub resumed: i64,
    pub full_production: i64,
    pub workers_back: i64,
    pub workers_total: i64,
}

impl DayFigures {
    /// Resumed enterprises over all enterprises in scope (an enterprise never
    /// heard from counts as not resumed).
    pub fn resumption_rate(&self) -> Option<f64> {
        (self.enterprises > 0).then(|| self.resumed as f64 / self.enterprises as f64)
    }

    /// Workers back over the workers of the enterprises that reported.
    pub fn worker_return_rate(&self) -> Option<f64> {
        (self.workers_total > 0).then(|| self.workers_back as f64 / self.workers_total as f64)
    }
}

/// The figures for every day in `days`, each enterprise counted by its latest
/// report on or before the day (carried forward), over `enterprises` enterprises.
///
/// `reports` may include reports before the first day (they seed the carry).
pub fn series(reports: &[Reported], enterprises: i64, days: impl Iterator<Item = Date>) -> Vec<DayFigures> {
    let mut by_day: BTreeMap<Date, Vec<&Reported>> = BTreeMap::new();
    for r in reports {
        by_day.entry(r.day).or_default().push(r);
    }
    let mut latest: HashMap<i64, &Reported> = HashMap::new();
    let mut pending = by_day.into_iter().peekable();
    let mut out = Vec::new();
    for day in days {
        let mut today = 0;
        while let Some((d, _)) = pending.peek() {
            if *d > day {
                break;
            }
            let (d, rs) = pending.next().unwrap_or((day, Vec::new()));
            for r in rs {
                latest.insert(r.enterprise_id, r);
                if d == day {
                    today += 1;
                }
            }
        }
        let mut f = DayFigures {
            day,
            enterprises,
            known: latest.len() as i64,
            reported_today: today,
            resumed: 0,
            full_production: 0,
            workers_back: 0,
            workers_total: 0,
        };
        for r in latest.values() {
            f.resumed += i64::from(r.status.is_resumed());
            f.full_production += i64::from(r.status == ResumptionStatus::FullProduction);
            f.workers_back += r.workers_back;
            f.workers_total += r.workers_total;
        }
        out.push(f);
    }
    out
}

/// The limits, in working days, of a green-list enterprise's order: shares
/// (percent) of its category's sign-for and resolve limits. Resolving keeps at
/// least one working day; signing for may come down to the same working day
/// (0), which is how a one-day sign-for limit is tightened at all.
pub fn green_limits(sign_days: i64, resolve_days: i64, sign_pct: i64, resolve_pct: i64) -> (i64, i64) {
    let share = |days: i64, pct: i64| days.max(0) * pct.clamp(0, 100) / 100;
    (share(sign_days, sign_pct).min(sign_days.max(0)), share(resolve_days, resolve_pct).max(1))
}

/// A share of a limit an administrator may set: 10–100 % (a limit cut below a
/// tenth could not be met; above 100 it would not be priority at all).
pub const LIMIT_SHARE: std::ops::RangeInclusive<i64> = 10..=100;

/// The checklist items a commitment left unticked; empty when it is complete.
pub fn unticked<'a>(required: &'a [(String, String)], ticked: &[String]) -> Vec<&'a str> {
    required.iter().filter(|(code, _)| !ticked.contains(code)).map(|(_, text)| text.as_str()).collect()
}

/// Draws `share_pct`% (rounded up, at least one when there is anyone) of
/// `population` at random, reproducibly: the same seed and population give the
/// same draw, on any machine and any version (SplitMix64 and Fisher–Yates, no
/// library generator whose stream may change).
pub fn draw(population: &[i64], share_pct: u32, seed: u64) -> Vec<i64> {
    if population.is_empty() || share_pct == 0 {
        return Vec::new();
    }
    let mut ids = population.to_vec();
    ids.sort_unstable();
    let n = ids.len();
    let k = (n * share_pct.min(100) as usize).div_ceil(100).clamp(1, n);
    let mut state = seed;
    for i in 0..k {
        let j = i + (splitmix64(&mut state) % (n - i) as u64) as usize;
        ids.swap(i, j);
    }
    ids.truncate(k);
    ids
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn input(status: &str, back: i64, total: i64, capacity: i64) -> StatusReportInput {
        StatusReportInput { status: status.into(), workers_back: back, workers_total: total, capacity_pct: capacity, note: String::new() }
    }

    #[test]
    fn a_sound_report_parses() {
        let r = input("resumed", 120, 200, 60).parse().unwrap();
        assert_eq!(r.status, ResumptionStatus::Resumed);
    }

    #[test]
    fn impossible_figures_name_their_field() {
        let fields = |i: StatusReportInput| i.parse().unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(input("resumed", 201, 200, 60)), ["workers_back"]);
        assert_eq!(fields(input("resumed", 10, 200, 120)), ["capacity_pct"]);
        assert_eq!(fields(input("not_resumed", 0, 200, 30)), ["capacity_pct"]);
        assert_eq!(fields(input("open", 0, 200, 0)), ["status"]);
        assert_eq!(fields(input("resumed", -1, 200, 0)), ["workers_back"]);
    }

    #[test]
    fn the_latest_report_is_carried_forward() {
        let r = |e, day, status, back, total| Reported { enterprise_id: e, day, status, workers_back: back, workers_total: total };
        let reports = vec![
            r(1, date!(2020 - 02 - 20), ResumptionStatus::NotResumed, 0, 100),
            r(1, date!(2020 - 02 - 24), ResumptionStatus::Resumed, 60, 100),
            r(2, date!(2020 - 02 - 25), ResumptionStatus::FullProduction, 50, 50),
        ];
        let days = [date!(2020 - 02 - 23), date!(2020 - 02 - 24), date!(2020 - 02 - 26)];
        let s = series(&reports, 3, days.into_iter());
        assert_eq!((s[0].known, s[0].resumed, s[0].reported_today), (1, 0, 0));
        assert_eq!((s[1].resumed, s[1].reported_today, s[1].workers_back), (1, 1, 60));
        assert_eq!((s[2].known, s[2].resumed, s[2].full_production), (2, 2, 1));
        assert_eq!(s[2].resumption_rate(), Some(2.0 / 3.0));
        assert_eq!(s[2].worker_return_rate(), Some(110.0 / 150.0));
    }

    #[test]
    fn green_limits_are_shares_of_the_category_limits() {
        assert_eq!(green_limits(1, 10, 100, 50), (1, 5));
        assert_eq!(green_limits(1, 10, 50, 30), (0, 3), "half a day: sign for the same day");
        assert_eq!(green_limits(2, 1, 50, 10), (1, 1), "resolving keeps a working day");
    }

    #[test]
    fn unticked_items_are_named() {
        let required = vec![("masks".to_string(), "佩戴口罩".to_string()), ("temperature".to_string(), "体温检测".to_string())];
        assert_eq!(unticked(&required, &["masks".to_string()]), ["体温检测"]);
        assert!(unticked(&required, &["temperature".to_string(), "masks".to_string()]).is_empty());
    }

    #[test]
    fn a_draw_takes_the_share_rounded_up() {
        let pop: Vec<i64> = (1..=25).collect();
        assert_eq!(draw(&pop, 10, 7).len(), 3);
        assert_eq!(draw(&pop, 100, 7).len(), 25);
        assert_eq!(draw(&[5], 10, 7), [5]);
        assert!(draw(&[], 10, 7).is_empty());
    }

    proptest! {
        #[test]
        fn the_same_seed_draws_the_same_and_never_twice(seed in any::<u64>(), n in 1usize..200, share in 1u32..=100) {
            let pop: Vec<i64> = (0..n as i64).map(|i| i * 3 + 1).collect();
            let mut shuffled = pop.clone();
            shuffled.reverse();
            let a = draw(&pop, share, seed);
            prop_assert_eq!(&a, &draw(&shuffled, share, seed), "the population's order does not matter");
            let mut unique = a.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), a.len());
            prop_assert!(a.iter().all(|x| pop.contains(x)));
        }
    }
}
