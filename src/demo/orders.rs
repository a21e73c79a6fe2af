//! The demo's work orders (工单 / 交办事项) of March 2020: the problems that
//! enterprises, chief service officers and the health campaign's inspections
//! raised between 2 and 19 March — 手续审批, 交通物流, 用工, 原材料, 资金融资,
//! 防疫物资 … — and what the zone did about them up to the evening of 19 March,
//! the newspaper's day. With them the three rates (三率), the supervision list
//! (督办), the departments' queues and the briefing have real content.
//!
//! Every order is filed and moved by the user whose job it is, through the
//! ordinary use cases (`file_order`, `record_visit`, `act`, `sweep`), each at its
//! own historical moment (a `WorkContext` whose clock reads that moment), so the
//! limits, escalations, notifications and audit entries are those production
//! would have produced. Nothing is written with SQL.
//!
//! The history is first written as a script — pure and deterministic (a
//! constant-seeded xorshift generator), so every demo is the same — and then
//! played in chronological order. Four orders are the newspaper's own stories:
//! 恒丰电子's promotional video for its overseas promotion, 雪汇食品's 600 万元
//! credit line from 邮储银行 and its recruitment fair that hired 16 poor workers,
//! and 龙乡花卉's orchids sold online and flown out.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use time::macros::{date, datetime, time};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use super::{CADRES, ENTERPRISES, Ent, lookup};
use crate::AppError;
use crate::app::auth::actor_of;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::officers::{self, DemandInput, VisitInput};
use crate::app::users::{self, UserInput};
use crate::app::workorder::{self, OrderInput, TransitionInput};
use crate::app::{Actor, supervision};
use crate::domain::{EnterpriseKind, Role, WorkCalendar};
use crate::store::Db;

/// The maps from names to ids that the registry part of the demo created.
pub(super) struct Ids<'a> {
    pub townships: &'a HashMap<&'a str, i64>,
    pub departments: &'a HashMap<&'a str, i64>,
    pub enterprises: &'a HashMap<&'a str, i64>,
    pub cadres: &'a HashMap<&'a str, i64>,
}

/// What the history left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub orders: usize,
    pub visits: usize,
    /// orders the supervision sweeps escalated (督办), over the whole month
    pub escalated: usize,
}

/// Creates the users who act in the history (a handler per department that
/// receives orders, a few more officers) and plays the history.
///
/// # Errors
/// Whatever a use case refuses (a bug in the script, reported with the order's
/// title), or a database failure.
pub(super) async fn load(db: &Db, password: &str, ids: &Ids<'_>) -> Result<Loaded, AppError> {
    let system = Actor::system();
    let mut actors = HashMap::new();
    for &(department, username, display_name) in HANDLERS.iter().filter(|h| h.1 != "department") {
        let input = user_input(username, display_name, password, Role::Department, lookup(ids.departments, department)?);
        actors.insert(username, actor_of(&users::create_user(db, &system, &input).await?));
    }
    for &(username, cadre) in OFFICER_USERS.iter().filter(|o| o.0 != "officer") {
        let input = user_input(username, cadre, password, Role::Officer, lookup(ids.cadres, cadre)?);
        actors.insert(username, actor_of(&users::create_user(db, &system, &input).await?));
    }
    for username in ["leader", "township", "department", "officer", "hengfeng", "xuehui"] {
        let user = crate::store::users::find_user_by_username(db, username).await?.ok_or_else(|| demo_bug(format!("no user {username}")))?;
        actors.insert(username, actor_of(&user));
    }
    let actor = |name: &str| actors.get(name).ok_or_else(|| demo_bug(format!("no actor {name}")));

    let calendar = Arc::new(WorkCalendar::shipped());
    let script = script();
    let mut order_ids: Vec<Option<i64>> = vec![None; script.plans.len()];
    let order_id =
        |ids: &[Option<i64>], plan: usize| ids[plan].ok_or_else(|| demo_bug(format!("order “{}” acted on before it was filed", script.plans[plan].title)));
    let mut loaded = Loaded::default();
    for event in &script.events {
        // stored timestamps are UTC, as the production clock gives them (the
        // store writes the offset it is handed, and the rates compare text)
        let cx = WorkContext { db: db.clone(), calendar: calendar.clone(), now: event.at.to_offset(UtcOffset::UTC) };
        let failed = |what: &str, e: AppError| match event.plan {
            Some(p) => demo_bug(format!("order “{}”, {what} at {}: {e}", script.plans[p].title, event.at)),
            None => demo_bug(format!("{what} at {}: {e}", event.at)),
        };
        match (&event.what, event.plan) {
            (Do::File { by, source, priority }, Some(p)) => {
                let plan = &script.plans[p];
                let input = OrderInput {
                    enterprise_id: plan.enterprise.map(|e| lookup(ids.enterprises, e)).transpose()?,
                    township_id: plan.township.map(|t| lookup(ids.townships, t)).transpose()?,
                    category: plan.category.to_string(),
                    title: plan.title.clone(),
                    description: plan.description.clone(),
                    source: source.map(str::to_string),
                    priority: priority.map(str::to_string),
                    address: plan.address.to_string(),
                    ..OrderInput::default()
                };
                let filed = workorder::file_order(&cx, actor(by)?, &input).await.map_err(|e| failed("file", e))?;
                order_ids[p] = Some(filed.order.id);
                loaded.orders += 1;
            }
            (Do::Visit { by, enterprise, findings, plans }, _) => {
                let demands = plans
                    .iter()
                    .map(|&p| {
                        let plan = &script.plans[p];
                        DemandInput { category: plan.category.to_string(), title: plan.title.clone(), description: plan.description.clone() }
                    })
                    .collect();
                let input = VisitInput {
                    enterprise_id: lookup(ids.enterprises, enterprise)?,
                    visited_on: date_text(event.at.date()),
                    findings: findings.clone(),
                    demands,
                };
                let recorded = officers::record_visit(&cx, actor(by)?, &input).await.map_err(|e| failed("visit", e))?;
                for (&p, filed) in plans.iter().zip(&recorded.orders) {
                    order_ids[p] = Some(filed.order.id);
                }
                loaded.visits += 1;
                loaded.orders += recorded.orders.len();
            }
            (Do::Act { by, act }, Some(p)) => {
                let id = order_id(&order_ids, p)?;
                let version = {
                    let mut conn = db.pool().acquire().await?;
                    crate::store::workorder::find_order(&mut conn, id).await?.ok_or(AppError::NotFound("工单"))?.version
                };
                let input = TransitionInput {
                    action: act.action.to_string(),
                    version,
                    department_id: act.department.map(|d| lookup(ids.departments, d)).transpose()?,
                    note: act.note.clone(),
                    resolution: act.resolution.clone(),
                    rating: act.rating.map(str::to_string),
                    days: act.days,
                    approve: act.approve,
                    deadline: act.deadline.map(date_text),
                    target_id: act.target.map(|t| order_id(&order_ids, t)).transpose()?,
                    ..TransitionInput::default()
                };
                workorder::act(&cx, actor(by)?, id, &input).await.map_err(|e| failed(act.action, e))?;
            }
            (Do::Sweep, _) => loaded.escalated += supervision::sweep(&cx).await.map_err(|e| failed("sweep", e))?.escalated,
            (_, None) => return Err(demo_bug("an order's event without its order".into())),
        }
    }
    Ok(loaded)
}

fn user_input(username: &str, display_name: &str, password: &str, role: Role, scope_id: i64) -> UserInput {
    UserInput {
        username: username.to_string(),
        display_name: display_name.to_string(),
        password: password.to_string(),
        role: role.code().to_string(),
        scope_id: Some(scope_id),
    }
}

fn demo_bug(message: String) -> AppError {
    AppError::Internal(format!("demo orders: {message}"))
}

// ---- the script ---------------------------------------------------------------

/// The first day orders are filed: the first Monday of March.
const FIRST_DAY: Date = date!(2020 - 03 - 02);
/// The day officers took up their posts (see `OFFICERS_START_ON`): their visits start then.
const OFFICERS_START: Date = date!(2020 - 03 - 12);
/// The last moment of the history: the evening of the newspaper's day.
const END: OffsetDateTime = datetime!(2020-03-19 17:40 +8);
/// The final sweep, after the day's work.
const FINAL_SWEEP: OffsetDateTime = datetime!(2020-03-19 18:00 +8);
const SEED: u64 = 0x2020_0319_0000_5EED;

/// One order's content; who files it and what happens to it are events.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    enterprise: Option<&'static str>,
    /// for an inspection finding without an enterprise
    township: Option<&'static str>,
    category: &'static str,
    title: String,
    description: String,
    address: &'static str,
}

/// An action on an order, by names (the ids are known only when it is played).
#[derive(Debug, Clone, Default, PartialEq)]
struct Act {
    action: &'static str,
    department: Option<&'static str>,
    note: String,
    resolution: String,
    rating: Option<&'static str>,
    days: Option<i64>,
    approve: Option<bool>,
    deadline: Option<Date>,
    /// merge: the plan of the original
    target: Option<usize>,
}

impl Act {
    fn new(action: &'static str) -> Act {
        Act { action, ..Act::default() }
    }

    fn to(action: &'static str, department: &'static str) -> Act {
        Act { action, department: Some(department), ..Act::default() }
    }

    fn note(mut self, note: impl Into<String>) -> Act {
        self.note = note.into();
        self
    }

    fn resolve(resolution: impl Into<String>) -> Act {
        Act { action: "resolve", resolution: resolution.into(), ..Act::default() }
    }

    fn rate(rating: &'static str, comment: &str) -> Act {
        Act { action: "rate", rating: Some(rating), note: comment.to_string(), ..Act::default() }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Do {
    /// a user files the event's order
    File {
        by: &'static str,
        source: Option<&'static str>,
        priority: Option<&'static str>,
    },
    /// an officer's visit, filing these plans' orders as its demands
    Visit {
        by: &'static str,
        enterprise: &'static str,
        findings: String,
        plans: Vec<usize>,
    },
    Act {
        by: &'static str,
        act: Act,
    },
    /// the supervision sweep (督办) of the event's day
    Sweep,
}

#[derive(Debug, Clone, PartialEq)]
struct Event {
    /// local time (+08:00)
    at: OffsetDateTime,
    plan: Option<usize>,
    what: Do,
}

/// The whole history, events in chronological order.
#[derive(Debug, Clone, PartialEq)]
struct Script {
    plans: Vec<Plan>,
    events: Vec<Event>,
}

fn script() -> Script {
    let mut w = Writer { cal: WorkCalendar::shipped(), rng: Rng(SEED), plans: Vec::new(), events: Vec::new(), used: HashSet::new() };
    w.newspaper_stories();
    w.enterprise_demands();
    w.officer_visits();
    w.inspections();
    // the morning sweep of every working day (the first day has nothing to sweep)
    let mut day = w.working(FIRST_DAY, 1);
    while day <= END.date() {
        w.events.push(Event { at: local(day, 7 * 60 + 30), plan: None, what: Do::Sweep });
        day = w.working(day, 1);
    }
    w.events.push(Event { at: FINAL_SWEEP, plan: None, what: Do::Sweep });
    // stable: one order's events keep their (strictly increasing) order
    w.events.sort_by_key(|e| e.at);
    Script { plans: w.plans, events: w.events }
}

/// A local (+08:00) moment: `minutes` after midnight of `day`.
fn local(day: Date, minutes: i64) -> OffsetDateTime {
    OffsetDateTime::new_in_offset(day, Time::MIDNIGHT, LOCAL) + Duration::minutes(minutes)
}

/// xorshift64*: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 16
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A number in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// One order's clock while its story is written; dead once a step falls after `END`.
struct Thread {
    plan: usize,
    at: OffsetDateTime,
    alive: bool,
}

/// How a generated order goes.
struct Story {
    category: &'static str,
    department: &'static str,
    /// who hands it out (leader, or the township for its own)
    assigner: &'static str,
    /// who gives the verdict: the enterprise, its officer, or staff on a return visit
    rater: &'static str,
    high: bool,
    resolution: String,
    /// working days it takes at least (an original a duplicate is merged into stays open)
    min_days: i64,
}

struct Writer {
    cal: WorkCalendar,
    rng: Rng,
    plans: Vec<Plan>,
    events: Vec<Event>,
    /// (enterprise, title) pairs already filed, so no enterprise files the same twice
    used: HashSet<(&'static str, &'static str)>,
}

impl Writer {
    fn working(&self, day: Date, n: i64) -> Date {
        let n = n.max(0) as u32;
        self.cal.add_working_days(day, n).unwrap_or(day + Duration::days(i64::from(n)))
    }

    fn is_working(&self, day: Date) -> bool {
        self.cal.is_working_day(day).unwrap_or(true)
    }

    /// Working days in (from, to].
    fn between(&self, from: Date, to: Date) -> i64 {
        self.cal.working_days_between(from, to).unwrap_or(0)
    }

    /// A moment `wd` working days after `at` in office hours; with 0, a little
    /// later the same working day if there is time left, else the next morning.
    fn later(&mut self, at: OffsetDateTime, wd: i64) -> OffsetDateTime {
        let day = at.date();
        if wd <= 0 && self.is_working(day) {
            let next = at + Duration::minutes(self.rng.range(20, 150));
            if next.date() == day && next.time() <= time!(18:30) {
                return next;
            }
            return local(self.working(day, 1), self.rng.range(8 * 60 + 20, 10 * 60 + 30));
        }
        local(self.working(day, wd), self.rng.range(8 * 60 + 20, 18 * 60))
    }

    fn plan(&mut self, plan: Plan) -> usize {
        self.plans.push(plan);
        self.plans.len() - 1
    }

    fn file(&mut self, plan: usize, at: OffsetDateTime, by: &'static str, source: Option<&'static str>, priority: Option<&'static str>) -> Thread {
        let alive = at <= END;
        if alive {
            self.events.push(Event { at, plan: Some(plan), what: Do::File { by, source, priority } });
        }
        Thread { plan, at, alive }
    }

    /// An action at an exact moment (the newspaper's stories).
    fn step_at(&mut self, th: &mut Thread, at: OffsetDateTime, by: &'static str, act: Act) {
        if th.alive && at > th.at && at <= END {
            th.at = at;
            self.events.push(Event { at, plan: Some(th.plan), what: Do::Act { by, act } });
        } else {
            th.alive = false;
        }
    }

    /// An action `wd` working days after the order's last one.
    fn step(&mut self, th: &mut Thread, wd: i64, by: &'static str, act: Act) {
        if th.alive {
            let at = self.later(th.at, wd);
            self.step_at(th, at, by, act);
        }
    }

    /// An action on `day` (or as soon as possible after the last one).
    fn step_on(&mut self, th: &mut Thread, day: Date, by: &'static str, act: Act) {
        let wd = self.between(th.at.date(), day);
        self.step(th, wd, by, act);
    }

    /// 交办 → 签收 → 办理 → 办结 → 评价, with the detours real orders take:
    /// misrouted and returned, transferred, late, extended, supervised, rated
    /// 不满意 and reopened — each by chance, and cut off at `END`.
    fn tell(&mut self, mut th: Thread, s: &Story) {
        let r = &mut self.rng;
        let assign_wd = i64::from(!r.percent(80));
        let misrouted = r.percent(4);
        let transferred = !misrouted && r.percent(4);
        let sign_wd = match r.below(100) {
            0..=49 => 0,
            50..=84 => 1,
            85..=93 => r.range(2, 3),
            // stalled: nobody signs for a week
            _ => r.range(4, 7),
        };
        let slow = r.percent(16);
        let extended = !slow && r.percent(7);
        let supervised = slow && r.percent(50);
        let notes = r.range(0, 2);
        let unrated = r.percent(8);
        if misrouted {
            let wrong = wrong_department(s.department);
            self.step(&mut th, assign_wd, s.assigner, Act::to("assign", wrong));
            let wd = self.rng.range(0, 1);
            self.step(&mut th, wd, handler(wrong), Act::new("return").note(format!("经核实，该事项不属于本部门职责，建议交{}办理", s.department)));
            self.step(&mut th, 0, s.assigner, Act::to("assign", s.department));
        } else {
            self.step(&mut th, assign_wd, s.assigner, Act::to("assign", s.department));
        }
        let limit = resolve_days(s.category, s.high);
        let mut deadline = self.working(th.at.date(), limit);
        let mut holder = s.department;
        let note = self.rng.pick(SIGN_NOTES).to_string();
        self.step(&mut th, sign_wd, handler(holder), Act::new("sign_for").note(note));
        if transferred {
            let to = alternate(holder);
            let wd = self.rng.range(0, 1);
            self.step(&mut th, wd, handler(holder), Act::to("transfer", to).note(format!("经现场核实，该事项主要由{to}负责，转派办理")));
            holder = to;
            deadline = self.working(th.at.date(), limit);
            let wd = self.rng.range(0, 1);
            self.step(&mut th, wd, handler(holder), Act::new("sign_for").note("已签收，马上办理"));
        }
        let start = th.at.date();
        let mut resolve_on = if slow {
            let late = self.rng.range(1, 5);
            self.working(deadline, late)
        } else {
            let span = self.between(start, deadline).max(s.min_days);
            let days = self.rng.range(s.min_days, span);
            self.working(start, days)
        };
        for _ in 0..notes {
            let gap = self.between(th.at.date(), resolve_on);
            if gap < 1 {
                break;
            }
            let wd = self.rng.range(0, (gap - 1).min(2));
            let note = self.rng.pick(PROGRESS_NOTES).to_string();
            self.step(&mut th, wd, handler(holder), Act::new("note").note(note));
        }
        if extended && limit >= 3 {
            let days = self.rng.range(3, 5);
            let reason = self.rng.pick(EXTENSION_REASONS).to_string();
            let wd = self.rng.range(0, 1);
            self.step(&mut th, wd, handler(holder), Act { days: Some(days), ..Act::new("request_extension").note(reason) });
            let approve = self.rng.percent(85);
            let note = if approve { "同意延期，请按新时限办结" } else { "不同意延期，请加快办理" };
            self.step(&mut th, 0, "leader", Act { approve: Some(approve), ..Act::new("decide_extension").note(note) });
            let late = self.rng.range(1, if approve { days } else { 3 });
            resolve_on = self.working(deadline, late);
        }
        if supervised {
            // the morning sweep after the limit escalates it; the leader follows up
            let day = self.working(deadline, 1).max(th.at.date());
            let new_limit = self.working(day, 2);
            let note = self.rng.pick(SUPERVISION_NOTES).to_string();
            self.step_on(&mut th, day, "leader", Act { deadline: Some(new_limit), ..Act::new("supervise").note(note) });
        }
        self.step_on(&mut th, resolve_on, handler(holder), Act::resolve(s.resolution.clone()));
        if unrated {
            return;
        }
        let wd = self.rng.range(0, 2);
        let rating = self.verdict(slow);
        let comment = self.comment(rating);
        self.step(&mut th, wd, s.rater, Act::rate(rating, comment));
        if rating == "unsatisfied" {
            // reopened: the department takes it up again
            let wd = self.rng.range(0, 1);
            self.step(&mut th, wd, handler(holder), Act::new("sign_for").note("已重新签收，再次核实办理"));
            let wd = self.rng.range(1, 3);
            self.step(&mut th, wd, handler(holder), Act::resolve(format!("经重新核查落实：{}", s.resolution)));
            let wd = self.rng.range(0, 2);
            let rating = if self.rng.percent(60) { "satisfied" } else { "basically_satisfied" };
            let comment = self.comment(rating);
            self.step(&mut th, wd, s.rater, Act::rate(rating, comment));
        }
    }

    fn verdict(&mut self, slow: bool) -> &'static str {
        let unsatisfied = if slow { 30 } else { 8 };
        match self.rng.below(100) as u64 {
            n if n < unsatisfied => "unsatisfied",
            n if n < unsatisfied + 28 => "basically_satisfied",
            _ => "satisfied",
        }
    }

    fn comment(&mut self, rating: &str) -> &'static str {
        match rating {
            "satisfied" => self.rng.pick(SATISFIED_COMMENTS),
            "basically_satisfied" => self.rng.pick(BASIC_COMMENTS),
            _ => self.rng.pick(UNSATISFIED_COMMENTS),
        }
    }

    /// A filing day, weighted as the demands came in.
    fn filing_day(&mut self) -> Date {
        let total: u32 = FILING_DAYS.iter().map(|d| d.1).sum();
        let mut n = self.rng.below(total as usize) as u32;
        for &(day, weight) in FILING_DAYS {
            if n < weight {
                return date!(2020 - 03 - 01).replace_day(day).unwrap_or(FIRST_DAY);
            }
            n -= weight;
        }
        FIRST_DAY
    }

    /// A template this enterprise's kind of business would file, not filed by it before.
    fn template_for(&mut self, e: &'static Ent) -> &'static Template {
        let fits: Vec<&'static Template> = TEMPLATES.iter().filter(|t| t.fits & fits_of(e) != 0).collect();
        let fresh: Vec<&'static Template> = fits.iter().copied().filter(|t| !self.used.contains(&(e.name, t.title))).collect();
        let t = if fresh.is_empty() { self.rng.pick(&fits) } else { self.rng.pick(&fresh) };
        self.used.insert((e.name, t.title));
        t
    }

    fn enterprise_plan(&mut self, enterprise: &'static str, t: &Template) -> (usize, String) {
        let n = self.rng.range(t.n.0, t.n.1);
        let plan = Plan {
            enterprise: Some(enterprise),
            township: None,
            category: t.category,
            title: t.title.to_string(),
            description: t.description.replace("{n}", &n.to_string()),
            address: "",
        };
        (self.plan(plan), t.resolution.replace("{n}", &n.to_string()))
    }

    /// Demands phoned in to the task force's hotline (or its township's), or
    /// filed on line by the two enterprises that have users; every enterprise
    /// files at least one.
    fn enterprise_demands(&mut self) {
        let mut queue: Vec<usize> = (0..ENTERPRISES.len()).collect();
        for i in (1..queue.len()).rev() {
            let j = self.rng.below(i + 1);
            queue.swap(i, j);
        }
        while queue.len() < ENTERPRISE_DEMANDS {
            // makers and exporters have more to ask for
            let i = self.rng.below(ENTERPRISES.len());
            if matches!(ENTERPRISES[i].kind, EnterpriseKind::ForeignTrade | EnterpriseKind::Industrial) || self.rng.percent(50) {
                queue.push(i);
            }
        }
        for i in queue {
            let e = &ENTERPRISES[i];
            let t = self.template_for(e);
            let day = self.filing_day();
            let own_user = ENTERPRISE_USERS.iter().find(|u| u.0 == e.name).map(|u| u.1);
            let by_township = own_user.is_none() && e.township == TOWNSHIP_USER_OF && self.rng.percent(50);
            let (by, source, rater) = match own_user {
                Some(user) => (user, None, user),
                None if by_township => ("township", Some("hotline"), "township"),
                None if e.kind == EnterpriseKind::ConstructionRealEstate && matches!(t.category, "permits" | "materials" | "labour") => {
                    ("leader", Some("project"), "leader")
                }
                None => ("leader", Some("hotline"), "leader"),
            };
            let staff = own_user.is_none();
            let priority = match (staff, t.category, e.kind) {
                (true, "epidemic_supplies", _) => Some("urgent"),
                (true, _, EnterpriseKind::ForeignTrade) => Some("high"),
                _ => None,
            };
            let last = if day == END.date() {
                17 * 60 + 20
            } else if staff {
                18 * 60 + 30
            } else {
                21 * 60 + 30
            };
            let at = local(day, self.rng.range(7 * 60 + 40, last));
            let duplicate = self.rng.percent(3) && day < END.date();
            let (p, resolution) = self.enterprise_plan(e.name, t);
            let th = self.file(p, at, by, source, priority);
            let assigner = if by == "township" { "township" } else { "leader" };
            let story = Story {
                category: t.category,
                department: t.department,
                assigner,
                rater,
                high: priority.is_some(),
                resolution,
                min_days: if duplicate { 3 } else { 0 },
            };
            if duplicate {
                // the same demand phoned in again: merged into the original
                let again = Plan {
                    title: format!("{}（再次反映）", t.title),
                    description: format!("企业再次来电反映：{}", self.plans[p].description),
                    ..self.plans[p].clone()
                };
                let q = self.plan(again);
                let wd = self.rng.range(0, 1);
                let at = self.later(at, wd);
                let mut dup = self.file(q, at, "leader", Some("hotline"), None);
                self.step(&mut dup, 0, "leader", Act { target: Some(p), ..Act::new("merge").note("企业就同一问题再次反映，合并至原工单办理") });
            }
            self.tell(th, &story);
        }
    }

    /// Officers' visits from the day they took up their posts: some find the
    /// enterprise running well, most bring back a demand or two.
    fn officer_visits(&mut self) {
        let days: Vec<Date> =
            (12..=19).filter_map(|d| date!(2020 - 03 - 01).replace_day(d).ok()).filter(|&d| d >= OFFICERS_START && self.is_working(d)).collect();
        for &(username, cadre) in OFFICER_USERS {
            let Some(enterprise) = CADRES.iter().find(|c| c.name == cadre).map(|c| c.enterprise) else { continue };
            let Some(e) = ENTERPRISES.iter().find(|e| e.name == enterprise) else { continue };
            let visits = self.rng.range(2, 3) as usize;
            let mut chosen: Vec<Date> = Vec::new();
            while chosen.len() < visits {
                let d = self.rng.pick(&days);
                // 恒丰电子's officer reported on the 12th (the newspaper's story)
                let reported = username == "officer" && d == OFFICERS_START;
                if !reported && !chosen.contains(&d) {
                    chosen.push(d);
                }
            }
            chosen.sort();
            for day in chosen {
                let at = local(day, self.rng.range(9 * 60, 16 * 60 + 30));
                let demands = match self.rng.below(100) {
                    0..=19 => 0,
                    20..=74 => 1,
                    _ => 2,
                };
                let mut plans = Vec::new();
                let mut stories = Vec::new();
                for _ in 0..demands {
                    let t = self.template_for(e);
                    let (p, resolution) = self.enterprise_plan(e.name, t);
                    let rater = ENTERPRISE_USERS.iter().find(|u| u.0 == e.name).map_or(username, |u| u.1);
                    plans.push(p);
                    stories.push(Story { category: t.category, department: t.department, assigner: "leader", rater, high: false, resolution, min_days: 0 });
                }
                let seen = self.rng.pick(VISIT_FINDINGS);
                let findings = if plans.is_empty() {
                    format!("{seen}。企业生产经营正常，暂无需要协调的问题。")
                } else {
                    let titles: Vec<&str> = plans.iter().map(|&p| self.plans[p].title.as_str()).collect();
                    format!("{seen}。企业反映{}，已登记诉求{}项并提交交办。", titles.join("、"), plans.len())
                };
                self.events.push(Event { at, plan: None, what: Do::Visit { by: username, enterprise: e.name, findings, plans: plans.clone() } });
                for (p, story) in plans.into_iter().zip(stories) {
                    self.tell(Thread { plan: p, at, alive: true }, &story);
                }
            }
        }
    }

    /// 督导检查: the campaign's findings at villages, communities and shops,
    /// assigned to the responsible department.
    fn inspections(&mut self) {
        for f in INSPECTIONS {
            let day = loop {
                let d = self.filing_day();
                if d > FIRST_DAY && self.is_working(d) {
                    break d;
                }
            };
            let own = f.township == TOWNSHIP_USER_OF;
            let by = if own { "township" } else { "leader" };
            let last = if day == END.date() { 16 * 60 } else { 17 * 60 + 30 };
            let at = local(day, self.rng.range(9 * 60, last));
            let plan = Plan {
                enterprise: None,
                township: Some(f.township),
                category: f.category,
                title: f.title.to_string(),
                description: format!("督导检查发现：{}", f.description),
                address: f.site,
            };
            let p = self.plan(plan);
            let th = self.file(p, at, by, Some("inspection"), None);
            let story = Story {
                category: f.category,
                department: f.department,
                assigner: by,
                rater: by,
                high: false,
                resolution: f.resolution.to_string(),
                min_days: 0,
            };
            self.tell(th, &story);
        }
    }

    /// The newspaper's own stories, as they happened.
    fn newspaper_stories(&mut self) {
        let at = |day: u8, h: i64, m: i64| local(date!(2020 - 03 - 01).replace_day(day).unwrap_or(FIRST_DAY), h * 60 + m);

        // 恒丰电子: "我们企业近期要去国外做推介，可是做的宣传片不给力 … 尚主任了解情况后，
        // 二话没说就给相关方面进行了沟通安排"
        let p = self.plan(Plan {
            enterprise: Some("恒丰电子"),
            township: None,
            category: "other",
            title: "海外推介宣传片质量不高，请求协助制作".into(),
            description: "企业近期要赴韩国、美国等地做产品推介，现有宣传片不给力，企业正为此发愁，请求协调专业力量帮助重新制作。".into(),
            address: "",
        });
        self.used.insert(("恒丰电子", "海外推介资料翻译制作"));
        let findings = "到企业报到，了解生产经营和疫情防控情况。企业近期要赴国外做产品推介，现有宣传片质量不高，已登记诉求1项并提交交办。";
        self.events.push(Event {
            at: at(12, 9, 40),
            plan: None,
            what: Do::Visit { by: "officer", enterprise: "恒丰电子", findings: findings.into(), plans: vec![p] },
        });
        let mut th = Thread { plan: p, at: at(12, 9, 40), alive: true };
        self.step_at(&mut th, at(12, 10, 25), "leader", Act::to("assign", "宣传统战办公室").note("请首席服务员所在单位牵头办理"));
        self.step_at(&mut th, at(12, 11, 5), "dept-xuantong", Act::new("sign_for").note("已签收，由首席服务员程明远牵头协调"));
        self.step_at(&mut th, at(12, 15, 20), "dept-xuantong", Act::new("note").note("已联系专业影视制作团队，与企业商定重新拍摄方案"));
        let done = "首席服务员协调专业团队完成宣传片重新拍摄和剪辑，中文、英文、韩文三个版本已交付企业，满足海外推介需要。";
        self.step_at(&mut th, at(13, 17, 30), "dept-xuantong", Act::resolve(done));
        self.step_at(&mut th, at(16, 9, 15), "hengfeng", Act::rate("satisfied", "首席服务员二话没说就给相关方面进行了沟通安排，真是帮了我们的大忙"));

        // 雪汇食品: "邮储银行也来了，为雪汇食品公司增加了 600 万元的信贷授信，可以随时使用"
        let p = self.plan(Plan {
            enterprise: Some("雪汇食品"),
            township: None,
            category: "finance",
            title: "停产期间资金紧张，申请增加银行授信".into(),
            description: "受疫情影响，公司从春节到2月23日一直停产，2月24日复工后资金、销售压力大，冷饮旺季备货需要流动资金，申请协调银行增加授信。".into(),
            address: "",
        });
        let mut th = self.file(p, at(2, 8, 50), "xuehui", None, None);
        self.step_at(&mut th, at(2, 10, 15), "leader", Act::to("assign", "财政金融局").note("请财政金融局协调合作银行上门服务"));
        self.step_at(&mut th, at(2, 11, 0), "dept-caizheng", Act::new("sign_for").note("已签收，马上对接银行"));
        self.step_at(&mut th, at(3, 16, 40), "dept-caizheng", Act::new("note").note("已协调邮储银行客户经理上门对接，开展授信调查"));
        self.step_at(&mut th, at(6, 17, 10), "dept-caizheng", Act::resolve("协调邮储银行为企业增加600万元信贷授信，可随时使用。"));
        self.step_at(&mut th, at(9, 9, 5), "xuehui", Act::rate("satisfied", "邮储银行上门服务，600万元授信解了燃眉之急"));

        // 雪汇食品: "该区组织人事部门来了，为雪汇食品公司量身定制了用工招聘会" — 16 poor workers hired
        let p = self.plan(Plan {
            enterprise: Some("雪汇食品"),
            township: None,
            category: "labour",
            title: "复工后用工缺口较大，申请组织专场招聘".into(),
            description: "公司2月24日复工，部分员工未返岗，一线岗位缺口较大，希望开发区帮助组织招聘，愿意优先招用本地贫困群众。".into(),
            address: "",
        });
        let mut th = self.file(p, at(3, 9, 20), "xuehui", None, None);
        self.step_at(&mut th, at(3, 10, 40), "leader", Act::to("assign", "组织人事部").note("请组织人事部为企业量身定制招聘会"));
        self.step_at(&mut th, at(3, 14, 30), "dept-zuzhi", Act::new("sign_for").note("已签收，马上办理"));
        self.step_at(&mut th, at(5, 11, 20), "dept-zuzhi", Act::new("note").note("已联系新习镇等乡镇办摸排有劳动能力的贫困群众，发布招聘信息"));
        let ask = Act { days: Some(5), ..Act::new("request_extension").note("专场招聘会定于3月11日举办，录用人员还需体检和岗前培训") };
        self.step_at(&mut th, at(9, 16, 20), "dept-zuzhi", ask);
        self.step_at(&mut th, at(9, 17, 30), "leader", Act { approve: Some(true), ..Act::new("decide_extension").note("同意，请确保贫困群众按期上岗") });
        self.step_at(&mut th, at(11, 17, 50), "dept-zuzhi", Act::new("note").note("专场招聘会在企业举办，现场达成就业意向"));
        let done = "为企业量身定制专场招聘会，新招录员工经体检和岗前培训后签订劳动合同，其中贫困人员16名，3月19日前全部上岗。";
        self.step_at(&mut th, at(17, 16, 40), "dept-zuzhi", Act::resolve(done));
        self.step_at(&mut th, at(18, 10, 20), "xuehui", Act::rate("satisfied", "招聘会办到了企业门口，不再为用工发愁"));

        // 龙乡花卉种植合作社: "通过调整花卉生产周期、网上销售、航空运输等多种途径，确保鲜花顺利销售"
        let p = self.plan(Plan {
            enterprise: Some("龙乡花卉种植合作社"),
            township: None,
            category: "logistics",
            title: "蝴蝶兰积压滞销，运输和销售渠道受阻".into(),
            description: "受疫情影响，花店和婚庆市场停摆，外运车辆受限，花棚里大批蝴蝶兰即将进入盛花期，面临积压滞销。".into(),
            address: "新习镇花卉产业园",
        });
        self.used.insert(("龙乡花卉种植合作社", "鲜活农产品外运受限"));
        let mut th = self.file(p, at(4, 10, 5), "township", Some("hotline"), None);
        self.step_at(&mut th, at(4, 11, 30), "township", Act::to("assign", "经济发展局"));
        self.step_at(&mut th, at(4, 14, 10), "department", Act::new("sign_for").note("已签收，马上对接物流和电商平台"));
        self.step_at(&mut th, at(5, 16, 30), "department", Act::new("note").note("已对接濮阳电子商务产业园开设网上销售渠道，正在联系航空运输"));
        let done = "协调开通网上销售和航空运输渠道，指导合作社调整花卉生产周期，鲜花已顺利销售。";
        self.step_at(&mut th, at(9, 15, 0), "department", Act::resolve(done));
        self.step_at(&mut th, at(10, 9, 40), "township", Act::rate("satisfied", "网上卖花、坐飞机运花，合作社的花不愁卖了"));
    }
}

/// The resolve limit of a category in working days, as the migration seeds it;
/// priority orders run on half of it.
fn resolve_days(category: &str, high: bool) -> i64 {
    let days = CATEGORY_DAYS.iter().find(|c| c.0 == category).map_or(5, |c| c.1);
    if high { (days / 2).max(1) } else { days }
}

/// The handler (a department user) of a department.
fn handler(department: &str) -> &'static str {
    HANDLERS.iter().find(|h| h.0 == department).map_or("department", |h| h.1)
}

/// Where a misrouted order first lands.
fn wrong_department(right: &str) -> &'static str {
    if right == "经济发展局" { "市场监督管理分局" } else { "经济发展局" }
}

/// Where a department transfers an order that turns out to be another's.
fn alternate(department: &str) -> &'static str {
    ALTERNATES.iter().find(|a| a.0 == department).map_or("经济发展局", |a| a.1)
}

const FT: u8 = 1;
const IN: u8 = 2;
const CR: u8 = 4;
const AG: u8 = 8;
const CS: u8 = 16;
const ALL: u8 = FT | IN | CR | AG | CS;
/// makers of masks and medical protective goods
const MED: u8 = 32;
/// chemical works (hazardous goods)
const CHEM: u8 = 64;

/// The kinds of demand an enterprise raises: its kind, and what its industry adds.
fn fits_of(e: &Ent) -> u8 {
    let kind = match e.kind {
        EnterpriseKind::ForeignTrade => FT,
        EnterpriseKind::Industrial => IN,
        EnterpriseKind::ConstructionRealEstate => CR,
        EnterpriseKind::Agriculture => AG,
        EnterpriseKind::CommerceService => CS,
    };
    let has = |words: &[&str]| words.iter().any(|w| e.industry.contains(w));
    let maker = matches!(e.kind, EnterpriseKind::ForeignTrade | EnterpriseKind::Industrial);
    kind | if maker && has(&["医", "口罩", "熔喷"]) { MED } else { 0 } | if maker && has(&["化", "气体", "聚氨酯"]) { CHEM } else { 0 }
}

// ---- the data ----------------------------------------------------------------

/// Demands filed by enterprises besides visits and the newspaper's stories.
const ENTERPRISE_DEMANDS: usize = 125;

/// The township whose task force has the demo's `township` log-in.
const TOWNSHIP_USER_OF: &str = "新习镇";

/// The enterprises with a log-in of their own.
const ENTERPRISE_USERS: &[(&str, &str)] = &[("恒丰电子", "hengfeng"), ("雪汇食品", "xuehui")];

/// Day of March and how many demands came in that day: few at the weekends,
/// more once the officers were posted.
const FILING_DAYS: &[(u8, u32)] = &[
    (2, 7),
    (3, 8),
    (4, 8),
    (5, 8),
    (6, 8),
    (7, 2),
    (8, 1),
    (9, 9),
    (10, 10),
    (11, 10),
    (12, 9),
    (13, 9),
    (14, 2),
    (15, 1),
    (16, 10),
    (17, 10),
    (18, 9),
    (19, 6),
];

/// Resolve limits in working days per category (migrations/*/…_work_orders.sql).
const CATEGORY_DAYS: &[(&str, i64)] = &[
    ("permits", 10),
    ("logistics", 3),
    ("labour", 5),
    ("materials", 5),
    ("finance", 10),
    ("epidemic_supplies", 2),
    ("policy", 3),
    ("sanitation", 3),
    ("other", 5),
];

/// One handler per department that receives orders (invented names); the
/// demo's own `department` log-in is 经济发展局's.
const HANDLERS: &[(&str, &str, &str)] = &[
    ("经济发展局", "department", "石磊"),
    ("财政金融局", "dept-caizheng", "覃玉洁"),
    ("组织人事部", "dept-zuzhi", "涂建勋"),
    ("规划建设局", "dept-guihua", "晏国梁"),
    ("自然资源局", "dept-ziyuan", "甘立平"),
    ("生态环境分局", "dept-huanjing", "芦文涛"),
    ("市场监督管理分局", "dept-shijian", "冉晓红"),
    ("应急管理局", "dept-yingji", "郜振东"),
    ("社会事业局", "dept-shehui", "蒲春燕"),
    ("宣传统战办公室", "dept-xuantong", "仝海鹰"),
    ("招商局", "dept-zhaoshang", "栾志鹏"),
];

/// Officers with a log-in, who visit their enterprises (the demo's `officer` is 程明远).
const OFFICER_USERS: &[(&str, &str)] = &[
    ("officer", "程明远"),
    ("officer-02", "何建军"),
    ("officer-03", "赵立新"),
    ("officer-04", "李建国"),
    ("officer-05", "沈玉兰"),
    ("officer-06", "严俊杰"),
    ("officer-07", "陶立民"),
    ("officer-08", "周丽娟"),
];

/// Where a department passes on an order that is another's.
const ALTERNATES: &[(&str, &str)] = &[
    ("经济发展局", "应急管理局"),
    ("财政金融局", "经济发展局"),
    ("组织人事部", "社会事业局"),
    ("规划建设局", "自然资源局"),
    ("自然资源局", "规划建设局"),
    ("生态环境分局", "规划建设局"),
    ("市场监督管理分局", "经济发展局"),
    ("应急管理局", "经济发展局"),
    ("社会事业局", "组织人事部"),
    ("宣传统战办公室", "招商局"),
    ("招商局", "经济发展局"),
];

/// A kind of demand: its category, the department it belongs to, the kinds of
/// enterprise that raise it, and its words; `{n}` takes a number from `n`.
struct Template {
    category: &'static str,
    department: &'static str,
    fits: u8,
    n: (i64, i64),
    title: &'static str,
    description: &'static str,
    resolution: &'static str,
}

const fn tpl(
    category: &'static str,
    department: &'static str,
    fits: u8,
    n: (i64, i64),
    title: &'static str,
    description: &'static str,
    resolution: &'static str,
) -> Template {
    Template { category, department, fits, n, title, description, resolution }
}

/// "及时协调解决企业手续审批、交通物流、用工用料等方面的问题" — and money, masks and the rest.
#[rustfmt::skip]
const TEMPLATES: &[Template] = &[
    // 手续审批
    tpl("permits", "规划建设局", CR, (0, 0), "施工许可证延期办理", "项目受疫情影响停工一个多月，施工许可证即将到期，申请办理延期以便尽快复工。", "已开辟绿色通道，施工许可证延期当日办结，证照已送达项目部。"),
    tpl("permits", "规划建设局", CR, (0, 0), "复工项目疫情防控方案备案", "项目拟近日复工，需报备复工疫情防控方案和应急预案，企业不清楚报送材料和流程。", "已上门指导完善防控方案和应急预案，备案已办结，项目已复工。"),
    tpl("permits", "规划建设局", CR, (0, 0), "商品房预售许可办理", "项目已达到预售条件，受疫情影响现场踏勘推迟，申请加快办理商品房预售许可。", "已采取视频踏勘方式完成核验，预售许可证已核发。"),
    tpl("permits", "自然资源局", FT | IN, (20, 80), "扩产项目用地手续办理", "企业扩产新建厂房约{n}亩，土地出让和不动产登记手续进展慢，影响项目开工。", "已协调完成土地出让合同签订，不动产权证书已办理完毕。"),
    tpl("permits", "自然资源局", AG, (0, 0), "设施农用地备案", "合作社新建育苗大棚和冷库，需办理设施农用地备案，不清楚办理流程。", "已指导完成设施农用地备案，大棚和冷库已开工建设。"),
    tpl("permits", "市场监督管理分局", FT | IN, (0, 0), "转产防疫物资变更经营范围", "企业拟转产口罩、防护服等防疫物资，需变更营业执照经营范围。", "已通过网上办理变更登记，新营业执照已寄送企业。"),
    tpl("permits", "市场监督管理分局", MED, (0, 0), "医疗器械生产备案办理", "企业新增医用口罩生产线，申请协助办理第一类医疗器械生产备案。", "已指导企业准备材料并协调上级部门加快审核，生产备案已完成。"),
    tpl("permits", "市场监督管理分局", CS, (0, 0), "食品经营许可证延续", "企业食品经营许可证在疫情期间到期，申请办理延续手续。", "已按“不见面审批”办理延续，新证已邮寄送达。"),
    tpl("permits", "生态环境分局", FT | IN, (0, 0), "技改项目环评审批", "企业技改项目环评报告已编制完成，申请加快审批，争取一季度开工。", "已开通环评审批绿色通道，环评批复已下达。"),
    // 交通物流
    tpl("logistics", "经济发展局", FT | IN, (0, 0), "原料运输车辆通行证办理", "企业原料运输车辆在高速路口和村口卡点被劝返，申请办理复工复产车辆通行证。", "已为企业办理车辆通行证并通报沿途卡点放行，运输渠道已打通。"),
    tpl("logistics", "经济发展局", FT, (0, 0), "出口货物集港运输受阻", "企业一批出口韩国的产品需运往青岛港，物流公司车辆和司机不足，影响按期交货。", "已协调国龙物流安排专车运输，货物已按期集港装船。"),
    tpl("logistics", "经济发展局", AG, (0, 0), "鲜活农产品外运受限", "合作社蔬菜、鲜花需外运销售，运输车辆进出村庄和高速口受限。", "已纳入鲜活农产品运输绿色通道，车辆凭通行证明优先通行。"),
    tpl("logistics", "应急管理局", CHEM, (0, 0), "危化品运输车辆复运资质核验", "企业危险化学品运输车辆和押运人员复工，需要核验资质并办理通行。", "已完成运输车辆和押运人员资质核验，协调交警部门办理通行。"),
    tpl("logistics", "经济发展局", CS, (0, 0), "配送车辆进小区受限", "小区和村庄封闭管理，企业配送车辆无法进入，货物积压。", "已协调各乡镇办设置集中投放点，并为配送车辆办理通行证明，配送恢复正常。"),
    tpl("logistics", "经济发展局", FT | IN | CR, (2, 6), "员工通勤班车通行", "企业开通{n}条员工通勤班车线路，途经多个村庄卡点，需要统一的通行证明。", "已为通勤班车办理通行证明并报备沿途卡点。"),
    tpl("logistics", "经济发展局", ALL, (0, 0), "外地货车司机返程需隔离", "企业外地货运司机送货后返程须隔离14天，司机不愿接单，运输受阻。", "已协调对货运司机实行“点对点”闭环管理，凭健康证明和通行证明免于隔离，运输已恢复。"),
    tpl("logistics", "经济发展局", FT | IN | CR | AG, (0, 0), "高速口卡点排队时间长", "企业货车进出濮范高速口卡点排队时间长，影响发货。", "已协调设置复工复产车辆专用通道，通行时间明显缩短。"),
    tpl("logistics", "经济发展局", CS | AG, (0, 0), "快递揽收渠道未恢复", "企业网上订单增加，但快递网点未全部恢复揽收，货物发不出去。", "已协调速达快递等网点上门揽收，发货恢复正常。"),
    // 用工
    tpl("labour", "组织人事部", FT | IN, (20, 120), "一线工人缺口较大", "企业已复工，外地员工返岗不足，一线工人缺口约{n}人，申请协助招聘。", "已在线上用工信息平台发布岗位并组织乡镇办推荐，缺口已基本补齐。"),
    tpl("labour", "组织人事部", FT | IN | CR, (15, 60), "外省员工返岗“点到点”运输", "企业有{n}名外省员工需返岗，申请安排“点到点”包车接回。", "已协调安排“点到点”包车，员工经体温检测后安全返岗。"),
    tpl("labour", "社会事业局", ALL, (0, 0), "返岗员工健康证明开具", "外地返岗员工需开具健康证明，企业不清楚办理渠道。", "已协调社区卫生服务中心集中开具健康证明。"),
    tpl("labour", "组织人事部", ALL, (5, 40), "申请发布线上用工信息", "企业需招聘技术工人和普工{n}名，希望通过开发区线上平台发布用工信息。", "已在线上用工信息平台发布岗位，并推送至各乡镇办。"),
    tpl("labour", "组织人事部", IN | AG | CS, (3, 20), "吸纳本地贫困劳动力就业", "企业愿意吸纳本地贫困群众就业，请求对接有劳动能力的贫困户。", "已对接乡镇办推荐贫困劳动力{n}人，企业已录用上岗。"),
    tpl("labour", "组织人事部", CR, (30, 150), "项目工地建筑工人不足", "项目复工后建筑工人到岗不足，缺口约{n}人，影响施工进度。", "已联系劳务公司并组织本地劳动力上岗，工地用工已满足施工需要。"),
    tpl("labour", "社会事业局", ALL, (0, 0), "申请稳岗返还", "企业疫情期间未裁员，咨询并申请失业保险稳岗返还。", "已指导企业完成稳岗返还申报，资金已拨付。"),
    // 原材料
    tpl("materials", "经济发展局", FT | IN, (5, 10), "上游原料供应商未复工", "企业主要原料供应商所在地尚未复工，库存原料仅能维持{n}天生产。", "已协调区内同类企业调剂原料，并联系外地供应商恢复供货。"),
    tpl("materials", "经济发展局", FT | IN, (0, 0), "包装辅料短缺影响出货", "企业包装箱、标签等辅料供应中断，成品无法包装出货。", "已对接区内天成包装材料公司就近供货。"),
    tpl("materials", "经济发展局", MED, (0, 0), "熔喷布采购困难", "企业口罩生产线急需熔喷布，市场价格上涨且货源紧张。", "已协调博远熔喷材料公司优先保障供应。"),
    tpl("materials", "经济发展局", CR, (0, 0), "商品混凝土供应不足", "项目复工后商品混凝土供应跟不上浇筑进度。", "已协调中联混凝土公司增加供应车次，保障浇筑需要。"),
    tpl("materials", "经济发展局", AG, (0, 0), "饲料兽药采购受阻", "养殖场饲料、兽药库存不足，外地供货车辆进不来。", "已协调丰禾饲料公司就近供应，兽药已通过绿色通道运达。"),
    tpl("materials", "经济发展局", FT | IN, (0, 0), "工业气体供应不稳定", "企业生产所需氮气、氧气供应时断时续，影响连续生产。", "已协调蓝天气体公司按计划配送，供应已稳定。"),
    tpl("materials", "经济发展局", AG, (0, 0), "春耕农资供应不足", "春季田间管理需要的化肥、种子供应不足，农资门店未全部开业。", "已协调农资企业开门营业并送货到田间地头。"),
    tpl("materials", "经济发展局", CS, (0, 0), "生活物资货源紧张", "超市蔬菜、米面油等生活物资补货困难，部分商品断货。", "已对接蔬菜合作社和面制品企业直供，货源已充足。"),
    // 资金融资
    tpl("finance", "财政金融局", FT | IN | CR, (100, 800), "流动资金紧张申请贷款", "受疫情影响停产一个多月，应收账款回笼慢，流动资金缺口约{n}万元。", "已协调合作银行完成授信审批，{n}万元贷款已发放到位。"),
    tpl("finance", "财政金融局", ALL, (0, 0), "申请疫情期间贷款贴息", "企业为复工复产新增贷款，申请享受贷款贴息政策。", "已受理贴息申请并完成审核，纳入首批贴息名单。"),
    tpl("finance", "财政金融局", FT, (0, 0), "出口退税款到账慢", "企业出口退税款到账慢，资金周转困难，申请出口退税资金池支持。", "已纳入出口退税资金池支持范围，资金已垫付到位。"),
    tpl("finance", "财政金融局", ALL, (0, 0), "贷款到期申请展期续贷", "企业一笔贷款即将到期，受疫情影响还款困难，申请协调银行展期。", "已协调银行办理展期，不影响企业征信。"),
    tpl("finance", "财政金融局", FT, (50, 300), "申请中小微外贸企业纾困资金", "企业海外订单延迟付款，资金缺口约{n}万元，申请纾困资金池支持。", "已审核通过，纾困资金已拨付到位。"),
    tpl("finance", "财政金融局", CS | AG, (10, 80), "申请小额信用贷款", "企业复工后周转资金不足，申请{n}万元小额信用贷款。", "已对接邮储银行办理信用贷款，{n}万元已到账。"),
    tpl("finance", "财政金融局", ALL, (0, 0), "申请缓缴社会保险费", "企业受疫情影响经营困难，申请阶段性缓缴社会保险费。", "已指导企业办理缓缴手续，缓缴期间不影响职工权益。"),
    // 防疫物资
    tpl("epidemic_supplies", "社会事业局", ALL, (2, 5), "复工防疫口罩缺口", "企业复工需每天为员工配发口罩，现有库存仅够{n}天使用。", "已调配口罩、消毒液等防疫物资送达企业。"),
    tpl("epidemic_supplies", "社会事业局", ALL, (0, 0), "缺少红外测温设备", "企业出入口需配备体温检测设备，市场上采购困难。", "已协调调配红外测温枪送达企业，并指导设置测温点。"),
    tpl("epidemic_supplies", "应急管理局", FT | IN | CR, (0, 0), "消毒液和酒精采购困难", "企业厂区、宿舍和食堂每日消毒需要大量消毒液，采购渠道不畅。", "已协调生产企业定向供应消毒液，物资已送达。"),
    tpl("epidemic_supplies", "社会事业局", CS, (0, 0), "复工营业防疫指导", "企业拟复工营业，申请上门指导设置测温登记点和消毒流程。", "已派员上门指导，企业防疫措施已落实到位。"),
    tpl("epidemic_supplies", "社会事业局", FT | IN | CR, (0, 0), "员工宿舍隔离观察室设置", "企业需按要求设置临时隔离观察室，不清楚具体标准。", "已派员上门指导，隔离观察室已按标准设置。"),
    // 政策咨询
    tpl("policy", "经济发展局", ALL, (0, 0), "复工复产备案政策咨询", "企业咨询复工备案需要提交哪些材料、由哪个部门审核。", "已向企业解读复工复产政策，指导完成复工备案。"),
    tpl("policy", "财政金融局", FT, (0, 0), "稳外贸补贴申报咨询", "企业咨询出口总量补贴、出口增量奖励的申报条件和时间。", "已解读开发区稳外贸增外资促外经若干措施，指导企业准备申报材料。"),
    tpl("policy", "招商局", FT, (0, 0), "海外市场拓展补助申报", "企业计划参加线上国际展会，咨询海外市场拓展补助如何申报。", "已解读补助政策并协助企业完成申报。"),
    tpl("policy", "市场监督管理分局", CS, (0, 0), "承诺制复工营业咨询", "企业咨询提交承诺书即可复工营业的具体要求和防疫清单。", "已解读承诺制复工要求，企业已提交承诺书复工营业。"),
    tpl("policy", "应急管理局", FT | IN | CR, (2, 8), "复工安全生产检查要求咨询", "企业咨询复工前安全隐患排查的要求和验收程序。", "已派员上门开展复工前安全检查，指导消除隐患{n}处。"),
    tpl("policy", "组织人事部", ALL, (0, 0), "吸纳贫困劳动力就业补贴咨询", "企业咨询招用贫困劳动力能享受哪些补贴。", "已解读就业扶贫政策，指导企业办理补贴申请。"),
    // 环境卫生
    tpl("sanitation", "生态环境分局", FT | IN | CR, (20, 150), "厂区周边垃圾堆积", "企业厂区围墙外堆积生活和建筑垃圾，影响环境卫生和疫情防控。", "已组织清运垃圾{n}立方米，并设置垃圾收集点。"),
    tpl("sanitation", "规划建设局", CS, (0, 0), "门前道路积水和垃圾", "店铺门前道路积水、垃圾无人清扫，影响顾客出行。", "已安排环卫人员清扫，并疏通路边排水口。"),
    tpl("sanitation", "生态环境分局", AG, (0, 0), "养殖废弃物处理", "养殖场粪污和病死畜禽需要规范处理，周边群众有意见。", "已指导企业规范处理养殖废弃物，并开展消毒消杀。"),
    // 其他
    tpl("other", "招商局", FT, (0, 0), "外方技术人员无法来华调试设备", "企业进口生产线需外方工程师安装调试，受疫情影响无法来华。", "已协调外方通过远程视频指导，设备已完成安装调试。"),
    tpl("other", "宣传统战办公室", FT | IN, (0, 0), "申请宣传企业复工复产", "企业复工后订单恢复，希望通过开发区新闻等媒体宣传企业复工复产情况。", "已安排记者到企业采访，稿件已在开发区新闻刊发。"),
    tpl("other", "社会事业局", FT | IN, (0, 0), "员工集中就餐存在风险", "企业食堂员工集中就餐，存在聚集风险，申请指导。", "已指导企业实行错峰分餐，食堂已完成改造。"),
    tpl("other", "宣传统战办公室", FT, (0, 0), "海外推介资料翻译制作", "企业参加海外线上推介，需要制作英文、韩文产品资料。", "已协调专业团队完成产品资料翻译和排版。"),
    tpl("other", "经济发展局", FT | IN, (0, 0), "用电增容申请", "企业扩产需要用电增容，供电部门受理进度慢。", "已协调供电公司上门勘察，增容工程已完成。"),
];

/// A finding of the "四全" health campaign's inspections (督导检查).
struct Finding {
    township: &'static str,
    site: &'static str,
    category: &'static str,
    department: &'static str,
    title: &'static str,
    description: &'static str,
    resolution: &'static str,
}

const fn finding(
    township: &'static str,
    site: &'static str,
    category: &'static str,
    department: &'static str,
    title: &'static str,
    description: &'static str,
    resolution: &'static str,
) -> Finding {
    Finding { township, site, category, department, title, description, resolution }
}

/// "督导检查居民小区、村庄、商超等重点区域 … 发现并交办问题" (the demo's share of them
/// that went through the work-order desk).
#[rustfmt::skip]
const INSPECTIONS: &[Finding] = &[
    finding("新习镇", "新习镇仓上村", "sanitation", "生态环境分局", "仓上村坑塘周边垃圾未清理", "仓上村坑塘周边堆积生活垃圾，存在卫生死角。", "已组织村组清理垃圾并对坑塘周边消毒消杀，建立日常保洁制度。"),
    finding("新习镇", "新习镇小寨村", "sanitation", "规划建设局", "小寨村主干道两侧柴草乱堆", "小寨村主干道两侧柴草、杂物乱堆乱放，存在火灾和卫生隐患。", "已组织清理柴草杂物，道路两侧已整治到位。"),
    finding("新习镇", "新习镇镇区中心街", "other", "市场监督管理分局", "镇区商超未落实进店测温登记", "镇区部分商超未落实顾客进店测温、登记和佩戴口罩要求。", "已督促商超设置测温登记点，落实进店人员测温、登记和佩戴口罩。"),
    finding("新习镇", "新习镇花卉产业园", "sanitation", "生态环境分局", "花卉产业园废弃花盆和包装物堆放", "花卉产业园内废弃花盆、包装物随意堆放。", "已清理废弃物并设置分类收集点。"),
    finding("王助镇", "王助镇王助村", "sanitation", "规划建设局", "王助村道路两侧垃圾清运不及时", "王助村道路两侧垃圾桶满溢，清运不及时。", "已增加清运频次，垃圾做到日产日清。"),
    finding("王助镇", "开发区产业集聚区纬三路", "sanitation", "生态环境分局", "纬三路沿线排水沟淤堵", "纬三路沿线排水沟淤堵，有积水和异味。", "已组织清淤疏通排水沟，并开展消毒消杀。"),
    finding("胡村乡", "胡村乡胡村西街", "sanitation", "规划建设局", "胡村西街农贸市场周边卫生差", "胡村西街农贸市场周边垃圾和污水较多，卫生状况差。", "已组织集中整治，落实市场环境卫生责任人。"),
    finding("胡村乡", "胡村乡养殖小区", "sanitation", "生态环境分局", "养殖小区周边消毒消杀不到位", "养殖小区周边道路和粪污堆放点未按要求消毒。", "已督促落实每日消毒消杀并建立台账。"),
    finding("胡村乡", "胡村乡胡村南街小区", "other", "社会事业局", "小区出入口消毒和登记记录不全", "胡村南街小区出入口未按要求记录消毒和人员登记情况。", "已指导小区完善出入口值守、消毒和登记制度。"),
    finding("皇甫办事处", "开发区皇甫路新城小区", "other", "社会事业局", "新城小区出入口值守人员防护不到位", "新城小区出入口值守人员未按要求佩戴口罩和手套。", "已为值守人员配发防护用品并开展培训。"),
    finding("皇甫办事处", "开发区皇甫路沿线", "sanitation", "规划建设局", "皇甫路沿线绿化带垃圾未清理", "皇甫路沿线绿化带内塑料袋、烟头等垃圾较多。", "已组织环卫人员集中清理，纳入日常保洁范围。"),
    finding("皇甫办事处", "开发区皇甫路与开州路交叉口", "other", "市场监督管理分局", "商超购物车和电梯扶手消毒记录缺失", "商超购物车、电梯扶手等公共接触部位消毒记录缺失。", "已督促商超落实每日定时消毒并公示消毒记录。"),
    finding("濮上办事处", "开发区濮上路美食街", "sanitation", "规划建设局", "濮上路美食街餐厨垃圾乱倒", "美食街部分餐饮店餐厨垃圾随意倾倒。", "已约谈相关商户，统一收运餐厨垃圾。"),
    finding("濮上办事处", "开发区濮上路安居小区", "sanitation", "规划建设局", "安居小区楼道杂物堆积", "安居小区部分楼道杂物堆积，存在卫生和消防隐患。", "已组织物业和居民清理楼道杂物。"),
    finding("濮上办事处", "开发区濮上路东段", "sanitation", "生态环境分局", "濮上路东段河道漂浮物未打捞", "濮上路东段河道漂浮物较多，未及时打捞。", "已组织打捞漂浮物并落实河道日常保洁。"),
];

const SIGN_NOTES: &[&str] = &["", "", "已签收，马上办理", "已签收，安排专人负责", "已签收，已联系企业了解情况"];

const PROGRESS_NOTES: &[&str] = &[
    "已与企业负责人电话沟通，了解具体需求",
    "已到企业现场查看，正在协调相关单位",
    "已形成办理方案，正在推进落实",
    "已对接相关单位，预计近日办结",
    "已报分管领导，正在加快办理",
];

const EXTENSION_REASONS: &[&str] =
    &["需协调上级部门审批，申请延期", "涉及外地供应商恢复生产，需要更多时间协调", "需等待银行完成授信审批流程", "需与企业进一步核实情况，申请延期办理"];

const SUPERVISION_NOTES: &[&str] =
    &["该事项已超过办结时限，请主要负责同志亲自过问，尽快办结", "企业反映强烈，请加快办理并及时报告进展", "请于新的时限前办结，逾期将通报"];

const SATISFIED_COMMENTS: &[&str] = &["办理及时，非常满意", "感谢开发区靠前服务", "问题已解决，为你们点赞", ""];

const BASIC_COMMENTS: &[&str] = &["问题基本解决，希望加快进度", "办理效果还可以，后续请继续跟进", ""];

const UNSATISFIED_COMMENTS: &[&str] = &["问题没有实际解决", "答复不具体，仍未落实到位", "办理太慢，影响了生产"];

const VISIT_FINDINGS: &[&str] = &[
    "到企业走访，了解生产经营、员工返岗和疫情防控情况",
    "走访企业生产车间，检查测温、消毒、分餐等防控措施落实情况",
    "与企业负责人座谈，了解订单、用工、资金等方面的困难",
    "了解企业复工以来产能恢复情况和一季度生产目标",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::rates::{RatesQuery, rates};
    use crate::domain::workorder::OrderState;
    use crate::store::PageRequest;
    use crate::store::workorder::{OrderFilter, list_orders};

    #[test]
    fn the_script_is_the_same_every_time() {
        assert_eq!(script(), script());
    }

    #[test]
    fn the_script_stays_in_march_and_in_order() {
        let s = script();
        assert!((120..=200).contains(&s.plans.len()), "{} orders", s.plans.len());
        assert!(s.events.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(END.date(), super::super::DEMO_DAY);
        let mut last: HashMap<usize, OffsetDateTime> = HashMap::new();
        for e in &s.events {
            assert!(e.at >= local(FIRST_DAY, 0) && e.at <= FINAL_SWEEP);
            let plans = match &e.what {
                Do::Visit { plans, .. } => plans.clone(),
                _ => e.plan.into_iter().collect(),
            };
            for p in plans {
                if let Some(before) = last.insert(p, e.at) {
                    assert!(before < e.at, "order {p} goes back in time");
                }
            }
            if matches!(e.what, Do::Act { .. } | Do::File { .. }) {
                assert!(e.at <= END);
            }
        }
        assert_eq!(last.len(), s.plans.len(), "every order is filed");
    }

    #[test]
    fn the_tables_name_only_what_exists() {
        let departments: HashSet<_> = super::super::DEPARTMENTS.iter().copied().collect();
        for h in HANDLERS {
            assert!(departments.contains(h.0), "{}", h.0);
        }
        let handled: HashSet<_> = HANDLERS.iter().map(|h| h.0).collect();
        let named = TEMPLATES.iter().map(|t| t.department).chain(INSPECTIONS.iter().map(|f| f.department)).chain(ALTERNATES.iter().flat_map(|a| [a.0, a.1]));
        for d in named {
            assert!(handled.contains(d), "{d} has no handler");
        }
        let categories: HashSet<_> = TEMPLATES.iter().map(|t| t.category).collect();
        assert_eq!(categories.len(), CATEGORY_DAYS.len());
        for (_, cadre) in OFFICER_USERS {
            assert!(CADRES.iter().any(|c| c.name == *cadre), "{cadre}");
        }
        for f in INSPECTIONS {
            assert!(super::super::TOWNSHIPS.iter().any(|t| t.0 == f.township), "{}", f.township);
        }
        for e in ENTERPRISES {
            assert!(TEMPLATES.iter().any(|t| t.fits & fits_of(e) != 0), "{}", e.name);
        }
    }

    #[tokio::test]
    async fn the_month_fills_every_state_the_rates_and_the_supervision_list() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display())).await.unwrap();
        db.migrate().await.unwrap();
        let started = std::time::Instant::now();
        let summary = super::super::load(&db, "demo").await.unwrap();
        eprintln!("demo loaded in {:?}: {summary:?}", started.elapsed());
        let page = PageRequest { page: Some(1), per_page: Some(200) };

        // the other capabilities' demos (inspections, spot checks, policies) file orders too
        let mut all = list_orders(&db, &OrderFilter::default(), &page).await.unwrap();
        assert!(all.total as usize >= summary.orders);
        assert!((120..=200).contains(&summary.orders));
        for n in 2..=all.pages() {
            let more = list_orders(&db, &OrderFilter::default(), &PageRequest { page: Some(n), ..page }).await.unwrap();
            all.items.extend(more.items);
        }
        for state in OrderState::ALL {
            let n = all.items.iter().filter(|o| o.state == state.code()).count();
            eprintln!("{:<12} {n}", state.code());
            assert!(n > 0, "no order is {}", state.code());
        }
        let escalated_open = all.items.iter().filter(|o| o.escalated_at.is_some() && o.state != "closed").count();
        assert!(escalated_open >= 5, "{escalated_open} escalated open orders");
        let unsigned_late = all.items.iter().filter(|o| o.state == "assigned" && o.sign_deadline.as_deref() < Some("2020-03-19")).count();
        let unresolved_late = all.items.iter().filter(|o| o.state == "in_progress" && o.resolve_deadline.as_deref() < Some("2020-03-19")).count();
        eprintln!("escalated open {escalated_open}, past sign-for limit {unsigned_late}, past resolve limit {unresolved_late}");
        assert!(unsigned_late >= 2 && unresolved_late >= 2, "{unsigned_late} past their sign-for limit, {unresolved_late} past their resolve limit");
        assert!(all.items.iter().any(|o| o.state != "closed" && o.rating.as_deref() == Some("unsatisfied")), "no order reopened after 不满意");
        let rated: Vec<_> = all.items.iter().filter_map(|o| o.rating.as_deref()).collect();
        assert!(rated.len() >= 10);
        assert!(rated.contains(&"satisfied") && rated.contains(&"unsatisfied"));
        for name in ["恒丰电子", "雪汇食品"] {
            assert!(all.items.iter().any(|o| o.enterprise_name.as_deref() == Some(name) && o.state == "closed" && o.rating.is_some()), "{name}");
        }

        let leader = actor_of(&crate::store::users::find_user_by_username(&db, "leader").await.unwrap().unwrap());
        let cx = WorkContext { db: db.clone(), calendar: Arc::new(WorkCalendar::shipped()), now: datetime!(2020-03-19 18:00 +8).to_offset(UtcOffset::UTC) };
        let q = RatesQuery { group: None, from: Some("2020-03-01".into()), to: Some("2020-03-19".into()) };
        let zone = rates(&cx, &leader, &q).await.unwrap();
        let line = &zone.items[0];
        eprintln!("三率 {:?}", line.counts);
        for rate in [line.response_rate, line.resolution_rate, line.satisfaction_rate] {
            assert!(rate.is_some_and(|r| r > 0.0 && r < 1.0), "{rate:?}");
        }
        let supervised = supervision::supervision_list(&cx, &leader, &page).await.unwrap();
        assert!(supervised.total >= 5);

        // every detour of the engine happened somewhere in the month
        let mut actions = HashSet::new();
        for o in &all.items {
            for e in workorder::get_order(&db, &leader, o.id).await.unwrap().timeline {
                actions.insert(e.action);
            }
        }
        for action in [
            "file",
            "assign",
            "return",
            "transfer",
            "sign_for",
            "note",
            "resolve",
            "rate",
            "supervise",
            "request_extension",
            "decide_extension",
            "merge",
            "escalate",
        ] {
            assert!(actions.contains(action), "no {action} in the month");
        }
        assert!(summary.visits >= 10);
    }
}
