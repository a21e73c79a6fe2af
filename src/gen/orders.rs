//! Generated work orders (工单) with their timelines: each order lives through
//! the engine's rules — filed, assigned (交办) with limits on the working-day
//! calendar, sometimes returned (退回) or transferred (转派), signed for (签收),
//! worked on with notes and extension requests (延期), resolved (办结), rated
//! (评价) and, when the verdict is 不满意, reopened — up to the moment the
//! history ends. The escalation sweep's work is replayed too: an order past a
//! limit while a department holds it is escalated (督办) at the first minute of
//! the next day, and a leader supervises some of them.
//!
//! Every transition is checked against `domain::workorder::transition`, and
//! every column the use cases maintain (deadlines, signed_in_time, version,
//! updated_at, escalation) is written as they would have written it, so that
//! the app reads the generated orders exactly as orders it made itself.

use std::sync::Arc;

use rand::Rng;
use rand::distributions::WeightedIndex;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::GenError;
use super::bulk::{Q, Table};
use super::days::{DAY, Day, Days, HOUR, MINUTE, Micros, SECOND, WORKING_DAY, date_text, local_day, local_midnight, timestamp};
use super::enterprises::{Ent, World};
use super::names;
use crate::domain::EnterpriseKind;
use crate::domain::workorder::{self as rules, Action, OrderState, Priority, Rating, Source};

/// A category of the database with its limits.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: i64,
    pub code: String,
    pub sign_days: u32,
    pub resolve_days: u32,
}

/// What the orders are generated from.
pub struct Plan {
    pub world: Arc<World>,
    pub categories: Vec<Category>,
    /// `green_list_resolve_percent`: priority orders run on this share of the limit
    pub priority_percent: i64,
    pub orders: usize,
    pub first: Day,
    /// the moment the history ends
    pub end: Micros,
    pub days: Days,
}

/// One batch of orders with their timelines and the visits that raised some.
#[derive(Default)]
pub struct Chunk {
    pub orders: Vec<OrderRow>,
    pub events: Vec<EventRow>,
    pub visits: Vec<VisitRow>,
}

/// Tallies of what was generated, for the summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderCounts {
    pub orders: usize,
    pub events: usize,
    pub visits: usize,
    /// by `OrderState::ALL`
    pub by_state: [usize; 5],
    pub escalated: usize,
    /// open, past a limit
    pub overdue: usize,
    pub returned: usize,
    pub reopened: usize,
}

/// Orders per chunk handed to the writer.
pub const CHUNK: usize = 50_000;

/// How a department works: its share of on-time sign-fors and resolutions, and
/// how its requesters rate it. Departments differ, so the three rates do.
struct Behaviour {
    handlers: Vec<String>,
    sign_on_time: f64,
    resolve_on_time: f64,
    satisfied: f64,
    unsatisfied: f64,
}

/// The people who act in the histories without being users of the generated
/// database (its accounts are made afterwards): the zone's dispatchers, the
/// staff who make return calls, each department's handlers.
struct Cast {
    dispatchers: Vec<String>,
    callers: Vec<String>,
    departments: Vec<Behaviour>,
}

/// Generates the orders, in order of filing, handing each chunk to `emit`
/// (which answers false when the writer has stopped).
///
/// # Errors
/// A limit that runs into a year without a calendar file, or a generated
/// transition the engine refuses (a bug).
pub fn generate(mut plan: Plan, rng: &mut StdRng, mut emit: impl FnMut(Chunk) -> bool) -> Result<OrderCounts, GenError> {
    let world = plan.world.clone();
    if world.enterprises.is_empty() || world.departments.is_empty() || world.townships.is_empty() || plan.categories.is_empty() {
        return Err(GenError::Bug("orders need enterprises, departments, townships and categories".into()));
    }
    let cast = Cast {
        dispatchers: (0..4).map(|_| names::person(rng)).collect(),
        callers: (0..3).map(|_| names::person(rng)).collect(),
        departments: world
            .departments
            .iter()
            .map(|_| Behaviour {
                handlers: (0..rng.gen_range(2..=6)).map(|_| names::person(rng)).collect(),
                sign_on_time: rng.gen_range(0.84..0.98),
                resolve_on_time: rng.gen_range(0.78..0.95),
                satisfied: rng.gen_range(0.70..0.86),
                unsatisfied: rng.gen_range(0.02..0.07),
            })
            .collect(),
    };
    let filed = filing_moments(&plan, rng);
    // a few enterprises file much more than most: a random order of them, and a
    // draw skewed toward its front
    let mut busy: Vec<usize> = (0..world.enterprises.len()).collect();
    busy.shuffle(rng);
    let by_kind: Vec<(EnterpriseKind, WeightedIndex<u32>)> = EnterpriseKind::ALL
        .into_iter()
        .filter_map(|k| WeightedIndex::new(plan.categories.iter().map(|c| category_weight(&c.code, Some(k)))).ok().map(|w| (k, w)))
        .collect();
    let sites = WeightedIndex::new(plan.categories.iter().map(|c| category_weight(&c.code, None))).ok();
    let mut counts = OrderCounts::default();
    let mut chunk = Chunk::default();
    let mut visit_id = 0_i64;
    for (i, &created) in filed.iter().enumerate() {
        let id = i as i64 + 1;
        let enterprise = rng.gen_bool(0.85).then(|| {
            let u: f64 = rng.r#gen();
            &world.enterprises[busy[((u * u) * busy.len() as f64) as usize % busy.len()]]
        });
        let category = match enterprise {
            Some(e) => by_kind.iter().find(|(k, _)| *k == e.kind).map(|(_, w)| rng.sample(w)),
            None => sites.as_ref().map(|w| rng.sample(w)),
        }
        .unwrap_or_else(|| rng.gen_range(0..plan.categories.len()));
        let category = plan.categories[category].clone();
        let day = local_day(created);
        let source = match enterprise {
            Some(e) => match rng.gen_range(0..100) {
                0..=59 => Source::Enterprise,
                60..=84 if e.officer_on(day).is_some() => Source::OfficerVisit,
                60..=84 => Source::Enterprise,
                85..=94 => Source::Hotline,
                _ => Source::PolicySupervision,
            },
            None => {
                if rng.gen_bool(0.6) {
                    Source::Hotline
                } else {
                    Source::Inspection
                }
            }
        };
        let staff = matches!(source, Source::Hotline | Source::Inspection | Source::PolicySupervision);
        let asked = if staff {
            match rng.gen_range(0..100) {
                0..=87 => Priority::Normal,
                88..=96 => Priority::High,
                _ => Priority::Urgent,
            }
        } else {
            Priority::Normal
        };
        // a green-list enterprise's orders start with priority (as `file_order` does)
        let priority = if enterprise.is_some_and(|e| e.listed_on(day)) { asked.max(Priority::High) } else { asked };
        let content = content(rng, &category.code, enterprise);
        let filer = match source {
            Source::Enterprise => enterprise.map_or_else(|| cast.dispatchers[0].clone(), |e| e.contact.clone()),
            Source::OfficerVisit => enterprise.and_then(|e| e.officer_on(day)).map_or_else(String::new, |c| world.cadres[c].name.clone()),
            _ => cast.dispatchers[rng.gen_range(0..cast.dispatchers.len())].clone(),
        };
        let source_ref = if source == Source::OfficerVisit {
            let (Some(e), Some(cadre)) = (enterprise, enterprise.and_then(|e| e.officer_on(day))) else {
                return Err(GenError::Bug("a visit without an officer".into()));
            };
            visit_id += 1;
            chunk.visits.push(VisitRow {
                id: visit_id,
                cadre_id: world.cadres[cadre].id,
                enterprise_id: e.id,
                visited_on: date_text(day),
                findings: format!("走访{}，了解企业生产经营情况。企业反映：{}", e.name, content.title),
                created_at: timestamp(created),
            });
            Some(visit_id)
        } else {
            None
        };
        let resolve_days = match priority {
            Priority::High | Priority::Urgent => (i64::from(category.resolve_days) * plan.priority_percent / 100).max(1) as u32,
            Priority::Normal => category.resolve_days,
        };
        let mut life = Life {
            rng: &mut *rng,
            days: &mut plan.days,
            world: &world,
            cast: &cast,
            end: plan.end,
            events: &mut chunk.events,
            id,
            category: &category,
            resolve_days,
            kind: enterprise.map(|e| e.kind),
            requester: enterprise.filter(|_| source == Source::Enterprise).map(|e| e.contact.clone()),
            state: OrderState::Submitted,
            t: created,
            version: 1,
            updated: created,
            department: None,
            first_assigned: None,
            assigned: None,
            sign_deadline: None,
            signed: None,
            signed_in_time: None,
            resolve_deadline: None,
            resolved: None,
            resolution: None,
            rating: None,
            rated: None,
            rating_comment: None,
            escalated: None,
            escalation: None,
            extension: None,
            returned: false,
            reopened: false,
        };
        life.push(created, filer, "file", None, OrderState::Submitted, source.label().to_string());
        life.live()?;
        let (lat, long, address, township) = match enterprise {
            Some(e) => (e.latitude + life.rng.gen_range(-0.002..0.002), e.longitude + life.rng.gen_range(-0.002..0.002), e.address.clone(), e.township),
            None => {
                let t = life.rng.gen_range(0..world.townships.len());
                let town = &world.townships[t];
                let address = format!("{}{}", town.name, content.site.clone().unwrap_or_default());
                (town.latitude + life.rng.gen_range(-0.03..0.03), town.longitude + life.rng.gen_range(-0.03..0.03), address, t)
            }
        };
        counts.by_state[OrderState::ALL.iter().position(|s| *s == life.state).unwrap_or(0)] += 1;
        counts.escalated += usize::from(life.escalated.is_some());
        counts.returned += usize::from(life.returned);
        counts.reopened += usize::from(life.reopened);
        counts.overdue += usize::from(life.overdue());
        chunk.orders.push(OrderRow {
            id,
            source: source.code(),
            source_ref,
            enterprise_id: enterprise.map(|e| e.id),
            township_id: world.townships[township].id,
            category_id: category.id,
            title: content.title,
            description: content.description,
            priority: priority.code(),
            latitude: lat,
            longitude: long,
            address,
            state: life.state.code(),
            department_id: life.department.map(|d| world.departments[d].0),
            first_assigned_at: life.first_assigned.map(timestamp),
            assigned_at: life.assigned.map(timestamp),
            sign_deadline: life.sign_deadline.map(date_text),
            signed_at: life.signed.map(timestamp),
            signed_in_time: life.signed_in_time,
            resolve_deadline: life.resolve_deadline.map(date_text),
            resolved_at: life.resolved.map(timestamp),
            resolution: life.resolution.take(),
            rating: life.rating.map(Rating::code),
            rated_at: life.rated.map(timestamp),
            rating_comment: life.rating_comment.take(),
            escalated_at: life.escalated.map(timestamp),
            escalation: life.escalation,
            extension_days: life.extension.as_ref().map(|e| e.0),
            extension_reason: life.extension.take().map(|e| e.1),
            created_at: timestamp(created),
            updated_at: timestamp(life.updated),
            version: life.version,
        });
        if chunk.orders.len() == CHUNK || i + 1 == filed.len() {
            counts.orders += chunk.orders.len();
            counts.events += chunk.events.len();
            counts.visits += chunk.visits.len();
            if !emit(std::mem::take(&mut chunk)) {
                break;
            }
        }
    }
    Ok(counts)
}

/// When each order is filed, in order: spread over the history, working days
/// busier than rest days, office hours busier than evenings; none after the end.
fn filing_moments(plan: &Plan, rng: &mut StdRng) -> Vec<Micros> {
    let last = local_day(plan.end);
    let weights: Vec<f64> = (plan.first..=last).map(|d| if plan.days.is_working(d) { 1.0 } else { 0.25 }).collect();
    let Ok(pick) = WeightedIndex::new(&weights) else { return Vec::new() };
    let mut out: Vec<Micros> = (0..plan.orders)
        .map(|_| {
            let day = plan.first + rng.sample(&pick) as Day;
            let working = plan.days.is_working(day);
            let time = if working && rng.gen_bool(0.85) {
                rng.gen_range(8 * HOUR + 30 * MINUTE..18 * HOUR)
            } else if working {
                rng.gen_range(18 * HOUR..23 * HOUR)
            } else {
                rng.gen_range(8 * HOUR..21 * HOUR)
            };
            let at = local_midnight(day) + time;
            if at < plan.end {
                at
            } else {
                // today: before the end, whatever the hour
                let start = local_midnight(last);
                start + ((plan.end - start) as f64 * rng.r#gen::<f64>()) as Micros
            }
        })
        .collect();
    out.sort_unstable();
    out
}

/// How often a category comes up for an enterprise of `kind` (or at a public site).
fn category_weight(code: &str, kind: Option<EnterpriseKind>) -> u32 {
    use EnterpriseKind as K;
    let table: &[(&str, u32)] = match kind {
        Some(K::Industrial) => &[
            ("permits", 12),
            ("logistics", 14),
            ("labour", 18),
            ("materials", 16),
            ("finance", 14),
            ("epidemic_supplies", 6),
            ("policy", 10),
            ("sanitation", 2),
            ("other", 8),
        ],
        Some(K::ForeignTrade) => {
            &[("permits", 8), ("logistics", 22), ("labour", 12), ("materials", 12), ("finance", 16), ("epidemic_supplies", 4), ("policy", 16), ("other", 10)]
        }
        Some(K::CommerceService) => {
            &[("permits", 14), ("logistics", 10), ("labour", 14), ("finance", 12), ("epidemic_supplies", 10), ("policy", 16), ("sanitation", 8), ("other", 16)]
        }
        Some(K::ConstructionRealEstate) => &[("permits", 30), ("logistics", 8), ("labour", 16), ("materials", 16), ("finance", 14), ("other", 16)],
        Some(K::Agriculture) => &[("logistics", 16), ("labour", 10), ("materials", 14), ("finance", 18), ("policy", 20), ("other", 22)],
        None => &[("sanitation", 70), ("other", 30)],
    };
    let known = ["permits", "logistics", "labour", "materials", "finance", "epidemic_supplies", "policy", "sanitation", "other"];
    // a category an administrator added comes up now and then
    table.iter().find(|(c, _)| *c == code).map_or(if known.contains(&code) { 0 } else { 3 }, |(_, w)| *w)
}

/// The departments that handle a category, with weights.
fn routes(code: &str, kind: Option<EnterpriseKind>) -> &'static [(&'static str, u32)] {
    match (code, kind) {
        ("permits", Some(EnterpriseKind::ConstructionRealEstate)) => &[("住房和城乡建设局", 60), ("自然资源和规划局", 25), ("行政审批服务局", 15)],
        ("permits", _) => &[("行政审批服务局", 60), ("自然资源和规划局", 15), ("生态环境局", 15), ("住房和城乡建设局", 10)],
        ("logistics", _) => &[("交通运输局", 80), ("商务局", 20)],
        ("labour", _) => &[("人力资源和社会保障局", 100)],
        ("materials", _) => &[("工业和信息化局", 70), ("商务局", 30)],
        ("finance", _) => &[("地方金融监督管理局", 60), ("财政局", 40)],
        ("epidemic_supplies", _) => &[("卫生健康委员会", 70), ("工业和信息化局", 30)],
        ("policy", Some(EnterpriseKind::ForeignTrade)) => &[("商务局", 60), ("税务局", 20), ("发展和改革委员会", 20)],
        ("policy", _) => &[("发展和改革委员会", 40), ("科学技术局", 20), ("商务局", 20), ("税务局", 20)],
        ("sanitation", _) => &[("城市管理局", 70), ("生态环境局", 30)],
        ("other", Some(EnterpriseKind::Agriculture)) => &[("农业农村局", 70), ("市场监督管理局", 30)],
        _ => &[("市场监督管理局", 30), ("应急管理局", 20), ("城市管理局", 20), ("住房和城乡建设局", 15), ("工业和信息化局", 15)],
    }
}

/// An order's title and description (and, for a public site, where it is).
struct Content {
    title: String,
    description: String,
    site: Option<String>,
}

fn content(rng: &mut StdRng, code: &str, enterprise: Option<&Ent>) -> Content {
    fn one<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
        list[rng.gen_range(0..list.len())]
    }
    let n = |rng: &mut StdRng, low: u32, high: u32| rng.gen_range(low..=high);
    let title = match code {
        "permits" => {
            let item = one(
                rng,
                &[
                    "排污许可证",
                    "施工许可证",
                    "食品生产许可证",
                    "消防验收",
                    "建设工程规划许可证",
                    "环评批复",
                    "安全生产许可证延续",
                    "危险化学品经营许可证",
                    "营业执照变更登记",
                    "不动产权证",
                ],
            );
            match rng.gen_range(0..3) {
                0 => format!("申请加快办理{item}"),
                1 => format!("{item}办理进度缓慢，请协调"),
                _ => format!("{item}材料已提交，尚未受理"),
            }
        }
        "logistics" => {
            let goods = one(rng, &["原材料", "成品", "冷链食品", "出口集装箱", "化工原料", "建材", "农产品"]);
            match rng.gen_range(0..3) {
                0 => format!("{goods}运输车辆通行受阻"),
                1 => format!("申请办理{goods}运输车辆通行证"),
                _ => format!("{goods}物流成本上涨，请协调运力"),
            }
        }
        "labour" => {
            let job = one(rng, &["普工", "电焊工", "叉车司机", "质检员", "缝纫工", "厨师", "营业员", "技术员", "装配工", "数控车工"]);
            match rng.gen_range(0..3) {
                0 => format!("急需招聘{job}{}名", n(rng, 3, 80)),
                1 => format!("{job}用工缺口{}人，请协助招聘", n(rng, 5, 120)),
                _ => "外地员工返岗交通需协调".to_string(),
            }
        }
        "materials" => {
            let m = one(rng, &["钢材", "塑料粒子", "纸箱包装", "芯片", "化工原料", "面粉", "木材", "水泥", "布料", "电子元器件"]);
            match rng.gen_range(0..3) {
                0 => format!("{m}供应紧张，影响生产"),
                1 => format!("上游{m}断供，请协调货源"),
                _ => format!("{m}价格上涨过快，请协调保供"),
            }
        }
        "finance" => match rng.gen_range(0..4) {
            0 => format!("申请{}万元流动资金贷款", n(rng, 5, 300) * 10),
            1 => "贷款到期续贷困难".to_string(),
            2 => format!("申请应急转贷资金{}万元", n(rng, 5, 100) * 10),
            _ => "融资担保费用过高，请协调".to_string(),
        },
        "epidemic_supplies" => match rng.gen_range(0..3) {
            0 => format!("急需口罩{}只", n(rng, 1, 50) * 1000),
            1 => "消毒液、测温枪等防疫物资短缺".to_string(),
            _ => format!("申请调配防护服{}套", n(rng, 1, 20) * 50),
        },
        "policy" => {
            let p =
                one(rng, &["出口信用保险补贴", "外贸稳增长奖励", "稳岗补贴", "研发费用加计扣除", "社保费减免", "贷款贴息", "技术改造补助", "小微企业税收优惠"]);
            match rng.gen_range(0..3) {
                0 => format!("咨询{p}申报条件"),
                1 => format!("{p}资金尚未拨付"),
                _ => format!("申请{p}"),
            }
        }
        "sanitation" => {
            let what = one(rng, &["垃圾堆积未清运", "污水外溢", "路灯损坏", "道路破损积水", "违规焚烧垃圾", "占道经营影响通行"]);
            return site_content(rng, what);
        }
        _ => {
            if enterprise.is_none() {
                let what = one(rng, &["井盖缺失", "绿化带杂草丛生", "公厕设施损坏", "交通标志缺失"]);
                return site_content(rng, what);
            }
            one(rng, &["企业周边道路破损需修复", "厂区供电不稳定，请协调供电公司", "供水管网压力不足", "企业门前道路积水", "宽带网络不稳定", "天然气供应不足"])
                .to_string()
        }
    };
    let description = match enterprise {
        Some(e) => format!("{}反映：{}，影响企业正常生产经营，请协调解决。", e.name, title),
        None => format!("群众反映：{title}，请尽快处理。"),
    };
    Content { title, description, site: None }
}

fn site_content(rng: &mut StdRng, what: &str) -> Content {
    let place = if rng.gen_bool(0.5) { names::road(rng) } else { format!("{}村", names::place(rng)) };
    let title = format!("{place}{what}");
    Content { description: format!("群众反映：{title}，请尽快处理。"), title, site: Some(place) }
}

fn resolution_text(code: &str) -> &'static str {
    match code {
        "permits" => "相关手续已办理完毕，证照已送达企业。",
        "logistics" => "已为企业办理车辆通行证，运输渠道已打通。",
        "labour" => "已组织专场招聘会并对接人社部门，用工缺口已补齐。",
        "materials" => "已协调上游供应商恢复供货，原材料已到厂。",
        "finance" => "已协调合作银行完成授信审批，资金已到位。",
        "epidemic_supplies" => "已调配口罩、消毒液等防疫物资送达企业。",
        "policy" => "已向企业详细解读政策，并指导完成申报。",
        "sanitation" => "已安排人员现场处置，问题已整改到位。",
        _ => "经协调，问题已解决，请企业确认并评价。",
    }
}

const PROGRESS_NOTES: &[&str] =
    &["已与企业联系，正在核实情况", "已现场查看，正在协调解决", "已召开协调会，明确办理方案", "正在等待相关单位反馈", "已上报分管领导，正在推进"];
const SUPERVISE_NOTES: &[&str] = &["请加快办理，按时办结", "已超期，请说明原因并尽快办结", "请主要负责同志亲自督办"];
const EXTENSION_REASONS: &[&str] = &["需协调上级部门审批", "涉及多个部门会商", "企业补充材料尚未提交"];

/// One order's life, as the use cases would have written it.
struct Life<'a> {
    rng: &'a mut StdRng,
    days: &'a mut Days,
    world: &'a World,
    cast: &'a Cast,
    end: Micros,
    events: &'a mut Vec<EventRow>,
    id: i64,
    category: &'a Category,
    /// the resolve limit this order runs on (shorter for priority orders)
    resolve_days: u32,
    kind: Option<EnterpriseKind>,
    /// the enterprise's contact, when the enterprise filed it (it rates online)
    requester: Option<String>,
    state: OrderState,
    /// the moment of the latest event
    t: Micros,
    version: i64,
    updated: Micros,
    department: Option<usize>,
    first_assigned: Option<Micros>,
    assigned: Option<Micros>,
    sign_deadline: Option<Day>,
    signed: Option<Micros>,
    signed_in_time: Option<i64>,
    resolve_deadline: Option<Day>,
    resolved: Option<Micros>,
    resolution: Option<String>,
    rating: Option<Rating>,
    rated: Option<Micros>,
    rating_comment: Option<String>,
    escalated: Option<Micros>,
    escalation: Option<&'static str>,
    extension: Option<(i64, String)>,
    returned: bool,
    reopened: bool,
}

impl Life<'_> {
    fn live(&mut self) -> Result<(), GenError> {
        let right = self.route();
        let t = self.dispatch_delay(self.t);
        if !self.advance(t)? {
            return Ok(());
        }
        // now and then the first department is the wrong one and sends it back
        let misrouted = self.cast.departments.len() > 1 && self.rng.gen_bool(0.04);
        let first = if misrouted { self.other_than(right) } else { right };
        self.hand_over(t, Action::Assign, first, String::new())?;
        if misrouted {
            let t = self.days.after_work(t, self.rng.gen_range(30 * MINUTE..6 * HOUR));
            if !self.advance(t)? {
                return Ok(());
            }
            let name = self.department_name(right);
            let handler = self.handler();
            // a return clears the department and its limits; the first assignment stays
            self.department = None;
            self.assigned = None;
            self.sign_deadline = None;
            self.resolve_deadline = None;
            self.act(t, handler, Action::Return, None, format!("该事项不属于本部门职责，建议交由{name}办理"))?;
            self.returned = true;
            let t = self.dispatch_delay(t);
            if !self.advance(t)? {
                return Ok(());
            }
            self.hand_over(t, Action::Assign, right, String::new())?;
        }
        for round in 0..3 {
            let t = self.sign_time();
            if !self.advance(t)? {
                return Ok(());
            }
            self.sign_for(t)?;
            if round == 0 && self.cast.departments.len() > 1 && self.rng.gen_bool(0.03) {
                let t = self.days.after_work(t, self.rng.gen_range(HOUR..WORKING_DAY));
                if !self.advance(t)? {
                    return Ok(());
                }
                let to = self.other_than(self.department.unwrap_or(right));
                let note = format!("经核实，该事项由{}负责", self.department_name(to));
                self.hand_over(t, Action::Transfer, to, note)?;
                let t = self.sign_time();
                if !self.advance(t)? {
                    return Ok(());
                }
                self.sign_for(t)?;
            }
            if !self.work()? {
                return Ok(());
            }
            let t = self.rating_time();
            if !self.advance(t)? {
                return Ok(());
            }
            if !self.rate(t, round)? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Notes, perhaps an extension, and the resolution. False when the history ends first.
    fn work(&mut self) -> Result<bool, GenError> {
        let from = self.t;
        let resolve_at = self.resolve_time();
        let span = (resolve_at.min(self.end) - from).max(MINUTE);
        let mut steps: Vec<(Micros, u8)> = Vec::new();
        let notes = match self.rng.gen_range(0..100) {
            0..=49 => 0,
            50..=84 => 1,
            _ => 2,
        };
        for _ in 0..notes {
            steps.push((from + (span as f64 * self.rng.gen_range(0.05..0.95)) as Micros, 0));
        }
        if self.rng.gen_bool(0.04) {
            let asked = from + (span as f64 * self.rng.gen_range(0.2..0.5)) as Micros;
            let decided = self.days.after_work(asked, self.rng.gen_range(2 * HOUR..WORKING_DAY * 3 / 2)).min(asked + (resolve_at - asked) / 2);
            steps.push((asked, 1));
            steps.push((decided.max(asked + MINUTE), 2));
        }
        steps.sort_unstable();
        for (at, what) in steps {
            let at = at.max(self.t + SECOND);
            if !self.advance(at)? {
                return Ok(false);
            }
            match what {
                0 => {
                    let note = PROGRESS_NOTES[self.rng.gen_range(0..PROGRESS_NOTES.len())].to_string();
                    let handler = self.handler();
                    self.act(at, handler, Action::Note, None, note)?;
                }
                1 => {
                    let days = self.rng.gen_range(3..=10_i64);
                    let reason = EXTENSION_REASONS[self.rng.gen_range(0..EXTENSION_REASONS.len())].to_string();
                    let handler = self.handler();
                    self.act(at, handler, Action::RequestExtension, None, format!("申请延期{days}个工作日：{reason}"))?;
                    self.extension = Some((days, reason));
                }
                _ => {
                    let Some((days, _)) = self.extension.take() else { continue };
                    let note = if self.rng.gen_bool(0.8) {
                        let from = self.resolve_deadline.unwrap_or(local_day(at));
                        let day = self.days.add_working_days(from, days as u32)?;
                        self.resolve_deadline = Some(day);
                        format!("同意延期，办结时限至{}", date_text(day))
                    } else {
                        "不同意延期".to_string()
                    };
                    let leader = self.dispatcher();
                    self.act(at, leader, Action::DecideExtension, None, note)?;
                }
            }
        }
        let at = resolve_at.max(self.t + MINUTE);
        if !self.advance(at)? {
            return Ok(false);
        }
        let resolution = resolution_text(&self.category.code).to_string();
        let handler = self.handler();
        self.act(at, handler, Action::Resolve, None, resolution.clone())?;
        self.resolved = Some(at);
        self.resolution = Some(resolution);
        Ok(true)
    }

    /// The requester's verdict: online, or by a return call. False when it closes the order.
    fn rate(&mut self, at: Micros, round: usize) -> Result<bool, GenError> {
        let b = &self.cast.departments[self.department.unwrap_or(0)];
        let unsatisfied = if round < 2 { b.unsatisfied * if round == 0 { 1.0 } else { 0.4 } } else { 0.0 };
        let u: f64 = self.rng.r#gen();
        let rating = if u < unsatisfied {
            Rating::Unsatisfied
        } else if u < unsatisfied + (1.0 - b.satisfied - b.unsatisfied) {
            Rating::BasicallySatisfied
        } else {
            Rating::Satisfied
        };
        let comment = match rating {
            Rating::Satisfied if self.rng.gen_bool(0.3) => ["办理及时，非常满意", "感谢帮助", "服务热情周到"][self.rng.gen_range(0..3)],
            Rating::BasicallySatisfied if self.rng.gen_bool(0.4) => ["问题基本解决", "办理时间稍长", "希望进一步跟进"][self.rng.gen_range(0..3)],
            Rating::Unsatisfied => ["问题尚未真正解决", "办理结果与诉求不符", "处理太慢，影响生产"][self.rng.gen_range(0..3)],
            _ => "",
        };
        let online = self.requester.is_some() && self.rng.gen_bool(0.7);
        let (actor, channel) = match (&self.requester, online) {
            (Some(contact), true) => (contact.clone(), "网上评价"),
            _ => (self.cast.callers[self.rng.gen_range(0..self.cast.callers.len())].clone(), "电话回访"),
        };
        let note = join_note(&format!("{channel}：{}", rating.label()), comment);
        self.rating = Some(rating);
        self.rated = Some(at);
        self.rating_comment = Some(comment.to_string()).filter(|c| !c.is_empty());
        if rating == Rating::Unsatisfied {
            // reopened: back to the same department, with limits from today
            let department = self.department.ok_or_else(|| GenError::Bug("a resolved order without a department".into()))?;
            self.limits_from(at, department)?;
            self.act(at, actor, Action::Rate, Some(rating), note)?;
            self.reopened = true;
            return Ok(true);
        }
        self.act(at, actor, Action::Rate, Some(rating), note)?;
        Ok(false)
    }

    /// Applies the sweep's and the leaders' work up to `next` (escalation at the
    /// first minute of the day after a limit, then perhaps a 督办 note), and
    /// says whether `next` comes before the end of the history.
    fn advance(&mut self, next: Micros) -> Result<bool, GenError> {
        let limit = next.min(self.end);
        if let Some((due, reason)) = self.due_escalation() {
            let at = due + self.rng.gen_range(SECOND..MINUTE);
            if at < limit && at > self.t {
                self.escalated = Some(at);
                self.escalation = Some(reason);
                let what = if reason == "sign" { "签收" } else { "办结" };
                self.push(at, "系统".to_string(), "escalate", Some(self.state), self.state, format!("超过{what}时限，列入督办"));
                self.version += 1;
                self.updated = at;
                if self.rng.gen_bool(0.4) {
                    let supervised = self.days.after_work(at, self.rng.gen_range(HOUR..WORKING_DAY * 3 / 2));
                    if supervised < limit {
                        let note = SUPERVISE_NOTES[self.rng.gen_range(0..SUPERVISE_NOTES.len())];
                        let deadline = self.resolve_deadline.map(|d| format!("办结时限：{}", date_text(d))).unwrap_or_default();
                        let leader = self.dispatcher();
                        self.act(supervised, leader, Action::Supervise, None, join_note(note, &deadline))?;
                    }
                }
            }
        }
        Ok(next < self.end)
    }

    /// When the sweep would escalate this order, and why, if it is not yet escalated.
    fn due_escalation(&self) -> Option<(Micros, &'static str)> {
        if self.escalated.is_some() {
            return None;
        }
        let sign = self.sign_deadline?;
        let resolve = self.resolve_deadline?;
        match self.state {
            // the sweep names the sign-for limit first when both have passed
            OrderState::Assigned if sign <= resolve => Some((local_midnight(sign + 1), "sign")),
            OrderState::Assigned | OrderState::InProgress => Some((local_midnight(resolve + 1), "resolve")),
            _ => None,
        }
    }

    /// Open and past a limit at the end of the history.
    fn overdue(&self) -> bool {
        let today = local_day(self.end);
        match self.state {
            OrderState::Assigned => self.sign_deadline.is_some_and(|d| d < today) || self.resolve_deadline.is_some_and(|d| d < today),
            OrderState::InProgress => self.resolve_deadline.is_some_and(|d| d < today),
            _ => false,
        }
    }

    /// Assigns (交办) or transfers (转派) to a department, with new limits.
    fn hand_over(&mut self, at: Micros, action: Action, department: usize, note: String) -> Result<(), GenError> {
        // the dispatcher assigns; a transfer is the holding department's
        let actor = if action == Action::Assign { self.dispatcher() } else { self.handler() };
        self.limits_from(at, department)?;
        let verb = if action == Action::Assign { "交办至" } else { "转派至" };
        let note = join_note(&format!("{verb}{}", self.department_name(department)), &note);
        self.act(at, actor, action, None, note)
    }

    /// `hand_to` of the use cases: the department, and limits counted from the local day of `at`.
    fn limits_from(&mut self, at: Micros, department: usize) -> Result<(), GenError> {
        let today = local_day(at);
        self.sign_deadline = Some(self.days.add_working_days(today, self.category.sign_days)?);
        self.resolve_deadline = Some(self.days.add_working_days(today, self.resolve_days)?);
        self.department = Some(department);
        self.assigned = Some(at);
        self.first_assigned.get_or_insert(at);
        Ok(())
    }

    fn sign_for(&mut self, at: Micros) -> Result<(), GenError> {
        if self.signed.is_none() {
            self.signed = Some(at);
            self.signed_in_time = Some(i64::from(self.sign_deadline.is_none_or(|d| local_day(at) <= d)));
        }
        let note = if self.rng.gen_bool(0.3) { "已签收，正在与企业联系核实情况，将在时限内办结。" } else { "" };
        let handler = self.handler();
        self.act(at, handler, Action::SignFor, None, note.to_string())
    }

    /// A transition checked by the engine's own rules, with its timeline entry.
    fn act(&mut self, at: Micros, actor: String, action: Action, rating: Option<Rating>, note: String) -> Result<(), GenError> {
        let next = rules::transition(self.state, action, rating).map_err(|e| GenError::Bug(format!("order {}: {e}", self.id)))?;
        let from = self.state;
        self.state = next;
        self.push(at, actor, action.code(), Some(from), next, note);
        self.version += 1;
        self.updated = at;
        Ok(())
    }

    fn push(&mut self, at: Micros, actor: String, action: &'static str, from: Option<OrderState>, to: OrderState, note: String) {
        debug_assert!(at >= self.t, "order {} goes back in time", self.id);
        self.t = at;
        let department_id = self.department.map(|d| self.world.departments[d].0);
        self.events.push(EventRow {
            order_id: self.id,
            at: timestamp(at),
            actor_name: actor,
            action,
            from_state: from.map(OrderState::code),
            to_state: to.code(),
            department_id,
            note,
        });
    }

    // ---- how long people take ------------------------------------------------

    /// From filing (or a return) to the dispatcher's assignment, in office time.
    fn dispatch_delay(&mut self, from: Micros) -> Micros {
        let work = match self.rng.gen_range(0..100) {
            0..=69 => self.rng.gen_range(5 * MINUTE..2 * HOUR),
            70..=94 => self.rng.gen_range(2 * HOUR..WORKING_DAY),
            _ => self.rng.gen_range(WORKING_DAY..3 * WORKING_DAY),
        };
        self.days.after_work(from, work)
    }

    fn sign_time(&mut self) -> Micros {
        let assigned = self.assigned.unwrap_or(self.t);
        let Some(deadline) = self.sign_deadline else { return self.days.after_work(assigned, HOUR) };
        let deadline_end = local_midnight(deadline + 1);
        let b = &self.cast.departments[self.department.unwrap_or(0)];
        if self.rng.gen_bool(b.sign_on_time) {
            let room = self.days.work_between(assigned, deadline_end);
            if room > 2 * MINUTE {
                let u: f64 = self.rng.r#gen();
                return self.days.after_work(assigned, ((room as f64 * u * u) as Micros).max(2 * MINUTE)).max(self.t + SECOND);
            }
        }
        self.days.after_work(deadline_end, self.rng.gen_range(30 * MINUTE..WORKING_DAY * 5 / 2)).max(self.t + SECOND)
    }

    fn resolve_time(&mut self) -> Micros {
        let from = self.t;
        let Some(deadline) = self.resolve_deadline else { return self.days.after_work(from, WORKING_DAY) };
        let deadline_end = local_midnight(deadline + 1);
        let b = &self.cast.departments[self.department.unwrap_or(0)];
        let u: f64 = self.rng.r#gen();
        if u < 0.015 {
            // stuck: these are the long-overdue orders on the leader's list
            return self.days.after_work(deadline_end, self.rng.gen_range(10 * WORKING_DAY..120 * WORKING_DAY));
        }
        if u < b.resolve_on_time {
            let room = self.days.work_between(from, deadline_end);
            if room > 30 * MINUTE {
                return self.days.after_work(from, ((room as f64 * self.rng.gen_range(0.15..1.0)) as Micros).max(10 * MINUTE));
            }
        }
        self.days.after_work(deadline_end, self.rng.gen_range(HOUR..8 * WORKING_DAY)).max(from + 10 * MINUTE)
    }

    fn rating_time(&mut self) -> Micros {
        let from = self.t;
        if self.rng.gen_bool(0.03) {
            return from + self.rng.gen_range(10 * DAY..40 * DAY);
        }
        if self.requester.is_some() {
            let u: f64 = self.rng.r#gen();
            from + 30 * MINUTE + (u * u * (4 * DAY) as f64) as Micros
        } else {
            self.days.after_work(from, self.rng.gen_range(HOUR..3 * WORKING_DAY))
        }
    }

    // ---- who -------------------------------------------------------------------

    fn route(&mut self) -> usize {
        let routes = routes(&self.category.code, self.kind);
        let total: u32 = routes.iter().map(|r| r.1).sum();
        let mut u = self.rng.gen_range(0..total.max(1));
        for (name, w) in routes {
            if u < *w {
                return self.world.departments.iter().position(|d| d.1 == *name).unwrap_or(0);
            }
            u -= w;
        }
        0
    }

    fn other_than(&mut self, department: usize) -> usize {
        let n = self.cast.departments.len();
        (department + 1 + self.rng.gen_range(0..n - 1)) % n
    }

    fn department_name(&self, d: usize) -> &'static str {
        self.world.departments.get(d).map_or("职能部门", |d| d.1)
    }

    fn handler(&mut self) -> String {
        let b = &self.cast.departments[self.department.unwrap_or(0)];
        b.handlers[self.rng.gen_range(0..b.handlers.len())].clone()
    }

    fn dispatcher(&mut self) -> String {
        self.cast.dispatchers[self.rng.gen_range(0..self.cast.dispatchers.len())].clone()
    }
}

/// "head；tail", or just the head (the use cases' `join_note`).
fn join_note(head: &str, tail: &str) -> String {
    if tail.trim().is_empty() { head.to_string() } else { format!("{head}；{}", tail.trim()) }
}

// ---- rows ----------------------------------------------------------------------

pub struct OrderRow {
    pub id: i64,
    pub source: &'static str,
    pub source_ref: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub township_id: i64,
    pub category_id: i64,
    pub title: String,
    pub description: String,
    pub priority: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    pub address: String,
    pub state: &'static str,
    pub department_id: Option<i64>,
    pub first_assigned_at: Option<String>,
    pub assigned_at: Option<String>,
    pub sign_deadline: Option<String>,
    pub signed_at: Option<String>,
    pub signed_in_time: Option<i64>,
    pub resolve_deadline: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    pub rating: Option<&'static str>,
    pub rated_at: Option<String>,
    pub rating_comment: Option<String>,
    pub escalated_at: Option<String>,
    pub escalation: Option<&'static str>,
    pub extension_days: Option<i64>,
    pub extension_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

pub const ORDERS: Table = Table {
    name: "work_orders",
    columns: &[
        "id",
        "source",
        "source_ref",
        "enterprise_id",
        "township_id",
        "category_id",
        "title",
        "description",
        "priority",
        "latitude",
        "longitude",
        "address",
        "state",
        "department_id",
        "first_assigned_at",
        "assigned_at",
        "sign_deadline",
        "signed_at",
        "signed_in_time",
        "resolve_deadline",
        "resolved_at",
        "resolution",
        "rating",
        "rated_at",
        "rating_comment",
        "escalated_at",
        "escalation",
        "extension_days",
        "extension_reason",
        "created_at",
        "updated_at",
        "version",
    ],
};

pub fn bind_order<'q>(q: Q<'q>, o: &'q OrderRow) -> Q<'q> {
    q.bind(o.id)
        .bind(o.source)
        .bind(o.source_ref)
        .bind(o.enterprise_id)
        .bind(o.township_id)
        .bind(o.category_id)
        .bind(o.title.as_str())
        .bind(o.description.as_str())
        .bind(o.priority)
        .bind(o.latitude)
        .bind(o.longitude)
        .bind(o.address.as_str())
        .bind(o.state)
        .bind(o.department_id)
        .bind(o.first_assigned_at.as_deref())
        .bind(o.assigned_at.as_deref())
        .bind(o.sign_deadline.as_deref())
        .bind(o.signed_at.as_deref())
        .bind(o.signed_in_time)
        .bind(o.resolve_deadline.as_deref())
        .bind(o.resolved_at.as_deref())
        .bind(o.resolution.as_deref())
        .bind(o.rating)
        .bind(o.rated_at.as_deref())
        .bind(o.rating_comment.as_deref())
        .bind(o.escalated_at.as_deref())
        .bind(o.escalation)
        .bind(o.extension_days)
        .bind(o.extension_reason.as_deref())
        .bind(o.created_at.as_str())
        .bind(o.updated_at.as_str())
        .bind(o.version)
}

pub struct EventRow {
    pub order_id: i64,
    pub at: String,
    pub actor_name: String,
    pub action: &'static str,
    pub from_state: Option<&'static str>,
    pub to_state: &'static str,
    pub department_id: Option<i64>,
    pub note: String,
}

pub const EVENTS: Table =
    Table { name: "work_order_events", columns: &["order_id", "at", "actor_name", "action", "from_state", "to_state", "department_id", "note"] };

pub fn bind_event<'q>(q: Q<'q>, e: &'q EventRow) -> Q<'q> {
    q.bind(e.order_id)
        .bind(e.at.as_str())
        .bind(e.actor_name.as_str())
        .bind(e.action)
        .bind(e.from_state)
        .bind(e.to_state)
        .bind(e.department_id)
        .bind(e.note.as_str())
}

pub struct VisitRow {
    pub id: i64,
    pub cadre_id: i64,
    pub enterprise_id: i64,
    pub visited_on: String,
    pub findings: String,
    pub created_at: String,
}

pub const VISITS: Table = Table { name: "visits", columns: &["id", "cadre_id", "enterprise_id", "visited_on", "findings", "created_at"] };

pub fn bind_visit<'q>(q: Q<'q>, v: &'q VisitRow) -> Q<'q> {
    q.bind(v.id).bind(v.cadre_id).bind(v.enterprise_id).bind(v.visited_on.as_str()).bind(v.findings.as_str()).bind(v.created_at.as_str())
}

#[cfg(test)]
mod tests {
    use super::super::days::local_time_of_day;
    use super::*;

    #[test]
    fn the_sweep_escalates_at_local_midnight_after_the_limit() {
        let day = super::super::days::day_of(time::macros::date!(2026 - 03 - 02));
        assert_eq!(timestamp(local_midnight(day + 1)), "2026-03-02T16:00:00.000000Z");
        assert_eq!(local_time_of_day(local_midnight(day + 1)), 0);
    }

    #[test]
    fn every_category_routes_to_a_known_department() {
        for code in ["permits", "logistics", "labour", "materials", "finance", "epidemic_supplies", "policy", "sanitation", "other", "new"] {
            for kind in EnterpriseKind::ALL.into_iter().map(Some).chain([None]) {
                for (name, _) in routes(code, kind) {
                    assert!(super::super::enterprises::DEPARTMENTS.contains(name), "{name}");
                }
            }
        }
    }
}
