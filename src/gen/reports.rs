//! Generated 复工复产 daily status reports. Each enterprise reports on most days
//! of the recent weeks; its figures follow a course — not resumed, back at
//! work, at full production — with the day-to-day noise of real reports, and
//! satisfy every rule of `StatusReportInput::parse` (workers back never above
//! the total, no capacity in use before resuming).

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::bulk::{Q, Table};
use super::days::{Day, HOUR, MINUTE, Micros, date_text, local_midnight, timestamp};
use super::enterprises::World;
use crate::domain::resumption::ResumptionStatus;

const NOTES: &[&str] =
    &["设备检修，部分产线停产", "订单充足，满负荷生产", "原材料到货，逐步恢复产能", "部分员工返乡，返岗率偏低", "外地员工陆续返岗", "新增订单，计划扩大生产"];

/// How an enterprise fares over the period.
#[derive(Clone, Copy)]
enum Course {
    /// at full production throughout
    Full,
    /// back at work, below capacity
    Partial,
    /// not resumed until `day`, then ramping up
    ResumesOn(Day),
}

pub struct ReportRow {
    pub enterprise_id: i64,
    pub report_date: String,
    pub status: &'static str,
    pub workers_back: i64,
    pub workers_total: i64,
    pub capacity_pct: i64,
    pub note: &'static str,
    pub created_at: String,
}

pub const REPORTS: Table = Table {
    name: "status_reports",
    columns: &["enterprise_id", "report_date", "status", "workers_back", "workers_total", "capacity_pct", "note", "created_at"],
};

pub fn bind_report<'q>(q: Q<'q>, r: &'q ReportRow) -> Q<'q> {
    q.bind(r.enterprise_id)
        .bind(r.report_date.as_str())
        .bind(r.status)
        .bind(r.workers_back)
        .bind(r.workers_total)
        .bind(r.capacity_pct)
        .bind(r.note)
        .bind(r.created_at.as_str())
}

/// The reports of enterprises `range`, `per_enterprise[i]` each, on days of the
/// `window` days ending `last` (a report of day `last` is made before `end`).
pub fn for_enterprises(rng: &mut StdRng, world: &World, range: std::ops::Range<usize>, total: usize, last: Day, end: Micros, out: &mut Vec<ReportRow>) {
    let n = world.enterprises.len().max(1);
    let base = total / n;
    let extra = total % n;
    let window = window_days(total, n);
    let mut days: Vec<Day> = (last - window as Day + 1..=last).collect();
    for i in range {
        let e = &world.enterprises[i];
        let count = (base + usize::from(i < extra)).min(window);
        let course = match rng.gen_range(0..100) {
            0..=54 => Course::Full,
            55..=89 => Course::Partial,
            _ => Course::ResumesOn(last - window as Day + rng.gen_range(0..window as Day + 20)),
        };
        // which days it reported: a random `count` of the window
        days.shuffle(rng);
        let mut chosen = days[..count].to_vec();
        chosen.sort_unstable();
        let total_workers = e.headcount;
        let mut capacity = match course {
            Course::Full => rng.gen_range(90..=100),
            Course::Partial => rng.gen_range(50..90),
            Course::ResumesOn(_) => 0,
        };
        for day in chosen {
            let status = match course {
                Course::Full => ResumptionStatus::FullProduction,
                Course::Partial => ResumptionStatus::Resumed,
                Course::ResumesOn(d) if day < d => ResumptionStatus::NotResumed,
                Course::ResumesOn(d) if day < d + 10 => ResumptionStatus::Resumed,
                Course::ResumesOn(_) => ResumptionStatus::FullProduction,
            };
            let (back, pct) = match status {
                // a few people keep the premises (security, maintenance)
                ResumptionStatus::NotResumed => ((total_workers as f64 * rng.gen_range(0.0..0.08)) as i64, 0),
                ResumptionStatus::Resumed => {
                    capacity = (capacity + rng.gen_range(-3..=4)).clamp(30, 89);
                    ((total_workers as f64 * (capacity as f64 / 100.0 + rng.gen_range(0.0..0.1))).round() as i64, capacity)
                }
                ResumptionStatus::FullProduction => {
                    capacity = (capacity.max(88) + rng.gen_range(-2..=3)).clamp(90, 100);
                    ((total_workers as f64 * rng.gen_range(0.95..=1.0)).round() as i64, capacity)
                }
            };
            let morning = local_midnight(day) + rng.gen_range(8 * HOUR..11 * HOUR) + rng.gen_range(0..MINUTE);
            out.push(ReportRow {
                enterprise_id: e.id,
                report_date: date_text(day),
                status: status.code(),
                workers_back: back.clamp(0, total_workers),
                workers_total: total_workers,
                capacity_pct: pct,
                note: if rng.gen_bool(0.08) { NOTES[rng.gen_range(0..NOTES.len())] } else { "" },
                created_at: timestamp(morning.min(end - MINUTE)),
            });
        }
    }
}

/// The days reports are spread over: a quarter more than each enterprise
/// reports, so that some days are missed, as in life.
pub fn window_days(total: usize, enterprises: usize) -> usize {
    let per = total.div_ceil(enterprises.max(1));
    (per + per.div_ceil(4)).max(1)
}
