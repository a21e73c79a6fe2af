//! Criterion benches of the hot domain code: working-day arithmetic (every
//! deadline and every escalation sweep), the three rates (三率) arithmetic, the
//! optimal tutoring pairing (Hungarian), the isolation duty roster,
//! credit-code checking (every enterprise row of an import) and the title
//! similarity of duplicate detection (every filed order).
//!
//! `cargo bench --bench domain`; a group alone: `cargo bench --bench domain -- pairing`.
//! Inputs are made here from a fixed seed, so that two runs measure the same work.

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::macros::date;
use time::{Date, Duration};
use zonedesk::app::rates::RateLine;
use zonedesk::domain::CreditCode;
use zonedesk::domain::WorkCalendar;
use zonedesk::domain::isolation::{RosterRules, RosterStaff, StaffGroup, generate_roster};
use zonedesk::domain::tutoring::{ChildCategory, Coordinates, CostMatrix, Pupil, Subject, SubjectSet, Tutor, fit, min_cost_assignment, plan_pairings};
use zonedesk::domain::workorder::{DUPLICATE_THRESHOLD, RateCounts, similarity};

const SEED: u64 = 20_200_319;

/// Every day of `from..=to`.
fn days(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        out.push(d);
        d = d.next_day().expect("a representable date");
    }
    out
}

fn calendar(c: &mut Criterion) {
    let cal = WorkCalendar::shipped();
    // start days from which 40 working days stay inside the shipped years (2020; 2025–2027)
    let starts: Vec<Date> = days(date!(2020 - 01 - 01), date!(2020 - 10 - 31)).into_iter().chain(days(date!(2025 - 01 - 01), date!(2027 - 10 - 31))).collect();
    let mut g = c.benchmark_group("calendar");
    g.throughput(Throughput::Elements(starts.len() as u64));
    // 1: the sign-for limit; 5 and 15: typical resolve limits; 40: an extended order
    for n in [1u32, 5, 15, 40] {
        g.bench_with_input(BenchmarkId::new("add_working_days", n), &n, |b, &n| {
            b.iter(|| {
                let mut last = starts[0];
                for &d in &starts {
                    last = cal.add_working_days(black_box(d), n).expect("inside the shipped years");
                }
                last
            })
        });
    }
    // overdue-by counts: a week, a month, a year
    for span in [7i64, 30, 365] {
        let pairs: Vec<(Date, Date)> = starts.iter().map(|&d| (d, d + Duration::days(span))).filter(|&(_, e)| cal.is_working_day(e).is_ok()).collect();
        g.throughput(Throughput::Elements(pairs.len() as u64));
        g.bench_with_input(BenchmarkId::new("working_days_between", span), &pairs, |b, pairs| {
            b.iter(|| pairs.iter().map(|&(f, t)| cal.working_days_between(black_box(f), black_box(t)).expect("inside the shipped years")).sum::<i64>())
        });
    }
    g.throughput(Throughput::Elements(1));
    g.bench_function("working_days_between/2025-01-01..2027-12-31", |b| {
        b.iter(|| cal.working_days_between(black_box(date!(2025 - 01 - 01)), black_box(date!(2027 - 12 - 31))).expect("shipped"))
    });
    g.bench_function("shipped/parse_all_files", |b| b.iter(WorkCalendar::shipped));
    g.finish();
}

/// Counts as the rates query returns them for a province's 5,000 officers.
fn rate_counts(n: usize) -> Vec<RateCounts> {
    let mut rng = StdRng::seed_from_u64(SEED);
    (0..n)
        .map(|_| {
            let assigned = rng.gen_range(0..400i64);
            let response_due = rng.gen_range(0..=assigned);
            let resolution_due = rng.gen_range(0..=assigned);
            let rated = rng.gen_range(0..=resolution_due);
            RateCounts {
                assigned,
                response_due,
                signed_in_time: rng.gen_range(0..=response_due),
                resolution_due,
                resolved: rng.gen_range(0..=resolution_due),
                rated,
                satisfied: rng.gen_range(0..=rated),
            }
        })
        .collect()
}

fn rates(c: &mut Criterion) {
    let mut g = c.benchmark_group("rates");
    for n in [30usize, 5_000] {
        let counts = rate_counts(n);
        g.throughput(Throughput::Elements(n as u64));
        // the per-group arithmetic of `app::rates`: three rates and the league score
        g.bench_with_input(BenchmarkId::new("three_rates_and_score", n), &counts, |b, counts| {
            b.iter(|| {
                counts
                    .iter()
                    .map(|&k| {
                        let line = RateLine {
                            id: None,
                            name: String::new(),
                            counts: k,
                            response_rate: k.response_rate(),
                            resolution_rate: k.resolution_rate(),
                            satisfaction_rate: k.satisfaction_rate(),
                        };
                        line.score().unwrap_or(0.0)
                    })
                    .sum::<f64>()
            })
        });
    }
    g.finish();
}

/// Volunteers and children of a county: 12 townships of 8 villages each, every
/// village on the map (townships about 10 km apart), with the subjects and
/// grades a volunteer teaches and a child needs; each volunteer takes `places`
/// children, so there are `n` volunteers and `n * places` children.
fn tutoring_people(n: usize, places: u32, seed: u64) -> (Vec<Tutor>, Vec<Pupil>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let location = |township: i64, village: i64| {
        Some(Coordinates { latitude: 35.5 + 0.09 * (township % 4) as f64 + 0.01 * village as f64, longitude: 114.8 + 0.11 * (township / 4) as f64 })
    };
    let subjects = |rng: &mut StdRng, k: usize| {
        let picked: Vec<Subject> = (0..k).map(|_| Subject::ALL[rng.gen_range(0..Subject::ALL.len())]).collect();
        SubjectSet::of(&picked)
    };
    let tutors = (0..n)
        .map(|i| {
            let low = rng.gen_range(1..=9i64);
            let k = rng.gen_range(1..=3);
            let (township, village) = (rng.gen_range(1..=12), rng.gen_range(0..8));
            Tutor {
                id: i as i64 + 1,
                township_id: township,
                village: format!("村{village}"),
                location: location(township, village),
                subjects: subjects(&mut rng, k),
                grade_min: low,
                grade_max: (low + rng.gen_range(0..=3)).min(12),
                places,
            }
        })
        .collect();
    let categories = [ChildCategory::PoorFamily, ChildCategory::FrontlineChild, ChildCategory::LeftBehind, ChildCategory::Other];
    let pupils = (0..n * places as usize)
        .map(|i| {
            let k = rng.gen_range(1..=2);
            let (township, village) = (rng.gen_range(1..=12), rng.gen_range(0..8));
            Pupil {
                id: i as i64 + 1,
                township_id: township,
                village: format!("村{village}"),
                location: location(township, village),
                grade: rng.gen_range(1..=12),
                subjects: subjects(&mut rng, k),
                category: categories[rng.gen_range(0..categories.len())],
            }
        })
        .collect();
    (tutors, pupils)
}

/// The cost matrix the pairing solves: children × volunteers, costs from `fit`.
fn cost_matrix(tutors: &[Tutor], pupils: &[Pupil]) -> CostMatrix {
    let data = pupils.iter().flat_map(|p| tutors.iter().map(move |t| fit(t, p).cost)).collect();
    CostMatrix::new(pupils.len(), tutors.len(), data)
}

fn pairing(c: &mut Criterion) {
    let mut g = c.benchmark_group("pairing");
    for n in [200usize, 1_000, 2_000] {
        if n >= 1_000 {
            g.sample_size(10);
        }
        let (tutors, pupils) = tutoring_people(n, 1, SEED + n as u64);
        let matrix = cost_matrix(&tutors, &pupils);
        g.bench_with_input(BenchmarkId::new("hungarian", format!("{n}x{n}")), &matrix, |b, m| b.iter(|| min_cost_assignment(black_box(m)).total));
        // the whole plan: the matrix from `fit` (with the distances), the assignment, the pairs
        g.bench_with_input(BenchmarkId::new("plan_pairings", format!("{n}x{n}")), &(tutors, pupils), |b, (t, p)| {
            b.iter(|| plan_pairings(black_box(t), black_box(p), &[], &[]).total_cost)
        });
    }
    // 1,000 volunteers who take 2 children each: 2,000 places for 2,000 children
    let (tutors, pupils) = tutoring_people(1_000, 2, SEED + 2);
    g.bench_with_input(BenchmarkId::new("plan_pairings", "1000x2places_2000children"), &(tutors, pupils), |b, (t, p)| {
        b.iter(|| plan_pairings(black_box(t), black_box(p), &[], &[]).total_cost)
    });
    g.finish();
}

/// `sizes[g]` people in each of the four groups, numbered from 1.
fn roster_staff(sizes: [usize; 4]) -> Vec<RosterStaff> {
    StaffGroup::ALL
        .into_iter()
        .zip(sizes)
        .flat_map(|(group, n)| std::iter::repeat_n(group, n))
        .enumerate()
        .map(|(i, group)| RosterStaff { id: i as i64 + 1, group })
        .collect()
}

fn roster(c: &mut Criterion) {
    let mut g = c.benchmark_group("roster");
    let (from, to) = (date!(2020 - 03 - 01), date!(2020 - 03 - 31));
    // the seed's point: 14 staff; a large point: 4 groups of 50
    let cases = [
        ("14_staff_3x1_31_days", roster_staff([3, 5, 3, 3]), RosterRules { shifts_per_day: 3, per_shift: 1, rest_shifts: 1 }),
        ("200_staff_4x3_31_days", roster_staff([50; 4]), RosterRules { shifts_per_day: 4, per_shift: 3, rest_shifts: 2 }),
    ];
    for (name, staff, rules) in cases {
        let last: Vec<(i64, u32)> = staff.iter().step_by(3).map(|s| (s.id, 1)).collect();
        g.bench_with_input(BenchmarkId::new("generate_roster", name), &(staff, rules, last), |b, (staff, rules, last)| {
            b.iter(|| generate_roster(black_box(staff), from, to, *rules, last).expect("every group staffed").duties.len())
        });
    }
    g.finish();
}

/// Valid codes: a registration authority, a region, an organisation code, and the check character.
fn credit_codes(n: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut rng = StdRng::seed_from_u64(SEED);
    (0..n)
        .map(|_| {
            // 9 enterprise, 1 company, 410100 the region, then the organisation code
            let org: String = (0..9).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
            let body = format!("91410100{org}");
            CreditCode::with_check_character(&body).expect("17 characters of the alphabet").as_str().to_string()
        })
        .collect()
}

fn credit_code(c: &mut Criterion) {
    let valid = credit_codes(10_000);
    // one typo each: the check character then catches it
    let typos: Vec<String> =
        valid.iter().map(|code| code.char_indices().map(|(i, ch)| if i == 10 { if ch == '0' { '1' } else { '0' } } else { ch }).collect()).collect();
    let bodies: Vec<String> = valid.iter().map(|code| code[..17].to_string()).collect();
    let mut g = c.benchmark_group("credit_code");
    g.throughput(Throughput::Elements(valid.len() as u64));
    g.bench_function("parse_valid", |b| b.iter(|| valid.iter().filter(|c| CreditCode::parse(black_box(c)).is_ok()).count()));
    g.bench_function("parse_with_typo", |b| b.iter(|| typos.iter().filter(|c| CreditCode::parse(black_box(c)).is_err()).count()));
    g.bench_function("with_check_character", |b| {
        b.iter_batched(|| bodies.clone(), |bodies| bodies.iter().filter_map(|b| CreditCode::with_check_character(b).ok()).count(), BatchSize::LargeInput)
    });
    g.finish();
}

fn duplicates(c: &mut Criterion) {
    let titles = ["企业复工急需口罩和额温枪", "员工返岗包车手续办理", "原材料运输车辆通行证申请", "申请稳岗补贴", "厂区污水管网堵塞"];
    let recent: Vec<String> = (0..50).map(|i| format!("{}（第{}批）", titles[i % titles.len()], i)).collect();
    let mut g = c.benchmark_group("duplicates");
    g.throughput(Throughput::Elements(recent.len() as u64));
    // a new order against the 50 open orders of its enterprise and category in the window
    g.bench_function("similarity_against_50_recent", |b| {
        b.iter(|| recent.iter().filter(|t| similarity(black_box(t), black_box("复工急需口罩、额温枪")) >= DUPLICATE_THRESHOLD).count())
    });
    g.finish();
}

criterion_group!(benches, calendar, rates, pairing, roster, credit_code, duplicates);
criterion_main!(benches);
