//! The demo's "四全" patriotic-health campaign (“四全”爱国卫生疫情防控专项行动)
//! as the newspaper reports it on 19 March 2020:
//!
//! - "至3月19日，开发区共组织志愿者746人，发出倡议书2.3万份，编印宣传资料4.3万份" and
//!   "共整治小区594个、村庄315个、商超336个，清除垃圾9.6万立方米" — dated tally
//!   entries through March that sum to exactly these figures by the 19th;
//! - "共督导检查居民小区、村庄、商超等重点区域2000余个，发现并交办问题264个" — 2,086
//!   key sites, each inspected once between 2 and 19 March, 264 problems found,
//!   every one filed as a work order and assigned to its department on the day;
//!   the departments sign for and rectify them, and re-inspections verify most
//!   of the rectifications (a few are found wanting and go back).
//!
//! Everything goes through the use cases at its historical moment (a
//! `WorkContext` whose clock reads that moment); a day's inspections of a
//! township are one batch. The sites' names are generated, deterministically.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use time::macros::date;
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use super::{ENTERPRISES, lookup};
use crate::AppError;
use crate::app::Actor;
use crate::app::auth::actor_of;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::inspection::{self as uc, CampaignInput, FindingInput, InspectionInput, RecheckInput, SiteInput, TallyInput};
use crate::app::workorder::{self, TransitionInput};
use crate::domain::WorkCalendar;
use crate::domain::inspection::TallyKind;
use crate::store::Db;

/// What the campaign left, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub sites: usize,
    pub inspections: usize,
    pub findings: usize,
}

pub(super) const CAMPAIGN: &str = "“四全”爱国卫生疫情防控专项行动";
const CAMPAIGN_START: Date = date!(2020 - 03 - 02);
const LAST_DAY: Date = date!(2020 - 03 - 19);
/// "发现并交办问题264个"
pub(super) const FINDINGS: usize = 264;
/// Of those, how many inspections found two problems (the rest found one).
const DOUBLE_FINDINGS: usize = 12;
const SEED: u64 = 0x4C51_2020_0319_0264;

/// The figures of 19 March ("至3月19日 …"), by kind.
pub(super) const FIGURES: &[(TallyKind, i64)] = &[
    (TallyKind::Volunteers, 746),
    (TallyKind::ProposalLetters, 23_000),
    (TallyKind::Materials, 43_000),
    (TallyKind::RectifiedResidential, 594),
    (TallyKind::RectifiedVillage, 315),
    (TallyKind::RectifiedSupermarket, 336),
    (TallyKind::RefuseM3, 96_000),
];

/// The days the campaign office entered its figures, with each one's share
/// (percent) of the final total; the last day takes what is left, so the sums
/// are exact.
const TALLY_DAYS: &[(Date, i64)] = &[(date!(2020 - 03 - 04), 22), (date!(2020 - 03 - 09), 27), (date!(2020 - 03 - 13), 26), (date!(2020 - 03 - 19), 0)];

/// Sites per township and kind: (township, residential, village, supermarket, river/pond, road).
const SITES: &[(&str, usize, usize, usize, usize, usize)] = &[
    ("新习镇", 62, 95, 72, 45, 40),
    ("王助镇", 52, 90, 62, 40, 40),
    ("胡村乡", 42, 100, 62, 45, 40),
    ("皇甫办事处", 278, 30, 168, 20, 60),
    ("濮上办事处", 296, 25, 182, 20, 60),
];

pub(super) async fn load(
    db: &Db,
    townships: &HashMap<&str, i64>,
    departments: &HashMap<&str, i64>,
    enterprises: &HashMap<&str, i64>,
) -> Result<Loaded, AppError> {
    let leader = user(db, "leader").await?;
    let township = user(db, "township").await?;
    let own_township = township.township_id.ok_or_else(|| bug("the township user has no township"))?;
    let calendar = Arc::new(WorkCalendar::shipped());
    let at = |day: Date, minutes: i64| WorkContext { db: db.clone(), calendar: calendar.clone(), now: local(day, minutes) };

    let campaign = uc::create_campaign(
        db,
        &leader,
        &CampaignInput {
            name: CAMPAIGN.into(),
            description: "大力开展爱国卫生宣传教育，扎实开展城乡环境卫生整治和消毒消杀，加大督导检查力度，筑牢疫情防控卫生屏障，切实让环境更好家园更美。"
                .into(),
            started_on: date_text(CAMPAIGN_START),
            ended_on: None,
        },
    )
    .await?;

    // the campaign office's figures, entered as the weeks went by
    for &(kind, total) in FIGURES {
        let mut left = total;
        for (i, &(day, share)) in TALLY_DAYS.iter().enumerate() {
            let quantity = if i + 1 == TALLY_DAYS.len() { left } else { total * share / 100 };
            left -= quantity;
            let input = TallyInput { entry_on: date_text(day), kind: kind.code().into(), quantity, note: "专项行动专班汇总".into(), township_id: None };
            uc::add_tally(&at(day, 17 * 60 + 30), &leader, campaign.id, &input).await?;
        }
    }

    // the key sites
    let mut rng = Rng(SEED);
    let plans = site_plans(&mut rng);
    let inputs: Vec<SiteInput> = plans
        .iter()
        .map(|p| {
            Ok(SiteInput {
                kind: p.kind.into(),
                township_id: Some(lookup(townships, p.township)?),
                name: p.name.clone(),
                address: p.address.clone(),
                enterprise_id: p.enterprise.map(|e| lookup(enterprises, e)).transpose()?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let site_ids = uc::create_sites(db, &Actor::system(), &inputs).await?;

    // which inspections find problems: 264 problems in 252 inspections
    let with_problems = FINDINGS - DOUBLE_FINDINGS;
    let mut order: Vec<usize> = (0..plans.len()).collect();
    shuffle(&mut order, &mut rng);
    let mut problems = vec![0usize; plans.len()];
    for (n, &i) in order.iter().take(with_problems).enumerate() {
        problems[i] = if n < DOUBLE_FINDINGS { 2 } else { 1 };
    }
    // each site's day: spread over the campaign, fewer on weekends
    let days = campaign_days();
    let mut batches: BTreeMap<(Date, &str), Vec<usize>> = BTreeMap::new();
    for (i, p) in plans.iter().enumerate() {
        let day = days[(rng.next() % days.len() as u64) as usize];
        batches.entry((day, p.township)).or_default().push(i);
    }

    let handlers = handlers(db, departments).await?;
    let mut loaded = Loaded { sites: site_ids.len(), ..Loaded::default() };
    let mut lifecycle = Vec::new();
    for ((day, township_name), members) in &batches {
        let recorder = if lookup(townships, township_name)? == own_township { &township } else { &leader };
        let cx = at(*day, 17 * 60);
        let inputs: Vec<InspectionInput> = members
            .iter()
            .map(|&i| {
                let p = &plans[i];
                let findings = (0..problems[i])
                    .map(|k| {
                        let f = finding_for(p.kind, i + k);
                        Ok(FindingInput {
                            title: f.title.into(),
                            description: format!("{}：{}", p.name, f.description),
                            category: f.category.into(),
                            department_id: Some(lookup(departments, f.department)?),
                        })
                    })
                    .collect::<Result<Vec<_>, AppError>>()?;
                Ok(InspectionInput {
                    campaign_id: campaign.id,
                    site_id: site_ids[i],
                    inspected_on: date_text(*day),
                    inspectors: format!("联合督导组第{}组", 1 + i % 6),
                    result: None,
                    notes: if findings.is_empty() { "环境卫生整洁，防控措施落实到位。".into() } else { String::new() },
                    findings,
                })
            })
            .collect::<Result<_, AppError>>()?;
        let batch = uc::record_inspections(&cx, recorder, &inputs).await?;
        loaded.inspections += batch.inspections.len();
        loaded.findings += batch.findings.len();
        for (finding, order) in batch.findings.iter().zip(&batch.orders) {
            lifecycle.push((*day, *finding, *order, recorder.clone()));
        }
    }

    // the departments rectify; re-inspections verify
    for (n, (day, finding, order, recorder)) in lifecycle.iter().enumerate() {
        let o = {
            let mut conn = db.pool().acquire().await?;
            crate::store::workorder::find_order(&mut conn, *order).await?.ok_or(AppError::NotFound("工单"))?
        };
        let department = o.department_id.ok_or_else(|| bug("an inspection order was not assigned"))?;
        let handler = handlers.get(&department).ok_or_else(|| bug(format!("no handler for department {department}")))?;
        let sign_day = working(&calendar, *day, 1);
        if sign_day > LAST_DAY {
            continue;
        }
        let signed = workorder::act(&at(sign_day, 8 * 60 + 40 + (n % 50) as i64), handler, *order, &step("sign_for", o.version)).await?;
        let resolve_day = working(&calendar, *day, 2);
        if resolve_day > LAST_DAY {
            continue;
        }
        let f = finding_for_order(&o.title);
        let resolve = TransitionInput { resolution: f.into(), ..step("resolve", signed.version) };
        workorder::act(&at(resolve_day, 15 * 60 + (n % 90) as i64), handler, *order, &resolve).await?;
        let check_day = working(&calendar, *day, 3);
        // a quarter still wait for their re-inspection on the 19th
        if check_day > LAST_DAY || n % 4 == 3 {
            continue;
        }
        let finding_version = {
            let mut conn = db.pool().acquire().await?;
            crate::store::inspection::find_finding(&mut conn, *finding).await?.ok_or(AppError::NotFound("问题"))?.version
        };
        let verified = n % 23 != 5;
        let input = RecheckInput {
            version: finding_version,
            verified,
            checked_on: date_text(check_day),
            inspectors: format!("联合督导组第{}组", 1 + n % 6),
            note: if verified { "已整改到位".into() } else { "整改不彻底，仍有垃圾残留".into() },
        };
        uc::recheck_finding(&at(check_day, 10 * 60 + (n % 120) as i64), recorder, *finding, &input).await?;
    }
    Ok(loaded)
}

fn step(action: &str, version: i64) -> TransitionInput {
    TransitionInput { action: action.into(), version, ..TransitionInput::default() }
}

async fn user(db: &Db, username: &str) -> Result<Actor, AppError> {
    let u = crate::store::users::find_user_by_username(db, username).await?.ok_or_else(|| bug(format!("no user {username}")))?;
    Ok(actor_of(&u))
}

/// A handler of each department that receives inspection problems (the
/// work-order history created them).
async fn handlers(db: &Db, departments: &HashMap<&str, i64>) -> Result<HashMap<i64, Actor>, AppError> {
    let mut out = HashMap::new();
    for f in FINDING_TEMPLATES {
        let id = lookup(departments, f.department)?;
        if out.contains_key(&id) {
            continue;
        }
        let existing = {
            let mut conn = db.pool().acquire().await?;
            crate::store::workorder::department_users(&mut conn, id).await?
        };
        let actor = match existing.first() {
            Some(&user_id) => {
                let mut conn = db.pool().acquire().await?;
                actor_of(&crate::store::users::find_user(&mut conn, user_id).await?.ok_or_else(|| bug("a department user vanished"))?)
            }
            None => return Err(bug(format!("{} has no handler (the work-order history creates them)", f.department))),
        };
        out.insert(id, actor);
    }
    Ok(out)
}

fn bug(message: impl Into<String>) -> AppError {
    AppError::Internal(format!("demo inspections: {}", message.into()))
}

/// A local (+08:00) moment, as the UTC the production clock gives.
fn local(day: Date, minutes: i64) -> OffsetDateTime {
    (OffsetDateTime::new_in_offset(day, Time::MIDNIGHT, LOCAL) + Duration::minutes(minutes)).to_offset(UtcOffset::UTC)
}

fn working(calendar: &WorkCalendar, day: Date, n: u32) -> Date {
    calendar.add_working_days(day, n).unwrap_or(day + Duration::days(i64::from(n)))
}

/// The days sites are drawn from: every day of the campaign, weekdays thrice.
fn campaign_days() -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = CAMPAIGN_START;
    while day <= LAST_DAY {
        let weight = if matches!(day.weekday(), time::Weekday::Saturday | time::Weekday::Sunday) { 1 } else { 3 };
        out.extend(std::iter::repeat_n(day, weight));
        day += Duration::days(1);
    }
    out
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
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// One generated site.
#[derive(Debug, Clone, PartialEq)]
struct SitePlan {
    township: &'static str,
    kind: &'static str,
    name: String,
    address: String,
    enterprise: Option<&'static str>,
}

const VILLAGE_FIRST: &[&str] = &[
    "东", "西", "南", "北", "前", "后", "大", "小", "高", "王", "李", "张", "刘", "陈", "赵", "马", "孙", "杨", "朱", "郭", "何", "罗", "韩", "唐", "冯", "邓",
    "曹", "彭", "田", "苏",
];
const VILLAGE_SECOND: &[&str] = &["庄", "寨", "屯", "集", "营", "店", "楼", "园", "堤", "口", "坡", "湾", "岗", "庙", "河", "桥"];
const ESTATE_FIRST: &[&str] = &[
    "阳光", "幸福", "锦绣", "和谐", "翠苑", "金色", "康宁", "华庭", "绿城", "书香", "紫荆", "兴华", "建业", "昆吾", "帝丘", "龙乡", "石化", "油田", "世纪",
    "盛世", "御景", "碧水", "蓝湾", "春晓", "丽景", "金桥", "安居", "民生", "祥和", "瑞丰", "泰和", "恒通", "天成", "中原", "开州", "濮上", "皇甫", "新城",
    "东方", "枫林",
];
const ESTATE_SECOND: &[&str] = &[
    "花园", "家园", "小区", "苑", "新村", "公寓", "嘉园", "名苑", "雅居", "华府", "佳苑", "丽都", "一期", "二期", "三期", "东区", "西区", "南区", "北区", "里",
];
const SHOP_FIRST: &[&str] = &["惠", "佳", "鑫", "福", "旺", "兴", "隆", "华", "润", "丰", "盛", "源", "泰", "康", "乐", "美", "家", "百", "万", "金"];
const SHOP_SECOND: &[&str] = &["民", "佳", "源", "隆", "发", "达", "客", "福", "盛", "联"];
const SHOP_KIND: &[&str] = &["超市", "便利店", "生鲜超市", "购物中心", "商行", "百货"];
const ROAD_FIRST: &[&str] = &[
    "开州", "濮上", "皇甫", "胡村", "新习", "王助", "黄河", "长庆", "中原", "振兴", "建设", "人民", "文化", "科技", "创业", "绿城", "石化", "昆吾", "帝丘",
    "龙乡",
];
const ROAD_SECOND: &[&str] = &["路", "大道", "街", "东路", "西路", "南路", "北路", "中路", "一路", "二路", "三路", "东街", "西街", "南街", "北街"];

/// Every site: each township's communities, villages, supermarkets, ponds and
/// roads (names unique across the zone), and every enterprise's premises.
fn site_plans(rng: &mut Rng) -> Vec<SitePlan> {
    let mut villages: Vec<String> = Vec::new();
    for a in VILLAGE_FIRST {
        for b in VILLAGE_SECOND {
            villages.push(format!("{a}{b}村"));
        }
    }
    shuffle(&mut villages, rng);
    // the newspaper's villages of 新习镇 come first
    for (at, name) in ["小寨村", "仓上村"].into_iter().enumerate() {
        villages.retain(|v| v != name);
        villages.insert(at, name.to_string());
    }
    let mut estates: Vec<String> = ESTATE_FIRST.iter().flat_map(|a| ESTATE_SECOND.iter().map(move |b| format!("{a}{b}"))).collect();
    shuffle(&mut estates, rng);
    let mut shops: Vec<String> =
        SHOP_FIRST.iter().flat_map(|a| SHOP_SECOND.iter().flat_map(move |b| SHOP_KIND.iter().map(move |k| format!("{a}{b}{k}")))).collect();
    shuffle(&mut shops, rng);
    let mut roads: Vec<String> = ROAD_FIRST.iter().flat_map(|a| ROAD_SECOND.iter().map(move |b| format!("{a}{b}"))).collect();
    shuffle(&mut roads, rng);

    let (mut v, mut e, mut s, mut r) = (0, 0, 0, 0);
    let mut out = Vec::new();
    for &(township, residential, village, supermarket, pond, road) in SITES {
        let own_villages: Vec<String> = villages[v..v + village].to_vec();
        v += village;
        for name in &own_villages {
            out.push(SitePlan { township, kind: "village", name: name.clone(), address: format!("{township}{name}"), enterprise: None });
        }
        for name in &estates[e..e + residential] {
            out.push(SitePlan { township, kind: "residential", name: name.clone(), address: township.to_string(), enterprise: None });
        }
        e += residential;
        for (k, name) in shops[s..s + supermarket].iter().enumerate() {
            let near = &own_villages[k % own_villages.len()];
            out.push(SitePlan { township, kind: "supermarket", name: name.clone(), address: format!("{township}{near}"), enterprise: None });
        }
        s += supermarket;
        for name in own_villages.iter().take(pond) {
            out.push(SitePlan { township, kind: "river_pond", name: format!("{name}坑塘"), address: format!("{township}{name}"), enterprise: None });
        }
        for name in &roads[r..r + road] {
            out.push(SitePlan { township, kind: "road", name: name.clone(), address: format!("{township}{name}沿线"), enterprise: None });
        }
        r += road;
    }
    for ent in ENTERPRISES {
        out.push(SitePlan {
            township: ent.township,
            kind: "enterprise",
            name: ent.name.to_string(),
            address: ent.address.to_string(),
            enterprise: Some(ent.name),
        });
    }
    out
}

/// A kind of problem an inspection finds, the department that rectifies it, and what it does.
struct FindingTemplate {
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    category: &'static str,
    department: &'static str,
    resolution: &'static str,
}

const fn ft(
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    category: &'static str,
    department: &'static str,
    resolution: &'static str,
) -> FindingTemplate {
    FindingTemplate { kind, title, description, category, department, resolution }
}

const FINDING_TEMPLATES: &[FindingTemplate] = &[
    ft(
        "residential",
        "小区出入口测温登记不规范",
        "出入口值守人员未逐人测温登记，登记台账不全",
        "other",
        "社会事业局",
        "已指导小区完善出入口值守、测温和登记制度，台账已补全。",
    ),
    ft("residential", "楼道杂物堆积", "部分楼道杂物、纸箱堆积，存在卫生和消防隐患", "sanitation", "规划建设局", "已组织物业和居民清理楼道杂物，纳入日常巡查。"),
    ft("residential", "垃圾桶满溢未及时清运", "小区垃圾桶满溢，周边有散落垃圾", "sanitation", "规划建设局", "已增加清运频次，垃圾做到日产日清。"),
    ft("residential", "小区积水滋生蚊蝇", "小区内低洼处积水，滋生蚊蝇", "sanitation", "生态环境分局", "已排除积水并开展消毒消杀。"),
    ft("village", "村内柴草乱堆乱放", "村内主干道两侧柴草、杂物乱堆乱放", "sanitation", "规划建设局", "已组织村组清理柴草杂物，道路两侧整治到位。"),
    ft("village", "村内生活垃圾未清理", "村内生活垃圾堆积，存在卫生死角", "sanitation", "生态环境分局", "已组织集中清理并建立村级保洁制度。"),
    ft("village", "村口防疫值守不到位", "村口值守人员未佩戴口罩，外来人员登记不全", "other", "社会事业局", "已为值守人员配发防护用品，落实外来人员登记。"),
    ft("village", "畜禽粪污露天堆放", "养殖户畜禽粪污露天堆放，未及时清运处理", "sanitation", "生态环境分局", "已督促养殖户清运粪污并落实消毒。"),
    ft(
        "supermarket",
        "未落实顾客进店测温登记",
        "商超未落实顾客进店测温、登记和佩戴口罩要求",
        "other",
        "市场监督管理分局",
        "已督促商超设置测温登记点，落实进店人员测温登记。",
    ),
    ft(
        "supermarket",
        "公共接触部位消毒记录缺失",
        "购物车、电梯扶手等公共接触部位消毒记录缺失",
        "other",
        "市场监督管理分局",
        "已督促落实每日定时消毒并公示消毒记录。",
    ),
    ft("supermarket", "生鲜区卫生状况差", "生鲜区地面污水、废弃物未及时清理", "sanitation", "市场监督管理分局", "已责令商超清理整改并落实专人保洁。"),
    ft(
        "enterprise",
        "员工返岗健康监测台账不全",
        "返岗员工健康监测和体温记录台账不全",
        "other",
        "经济发展局",
        "已指导企业建立返岗员工健康监测台账，每日两次测温。",
    ),
    ft("enterprise", "厂区消毒消杀记录不完整", "厂区、宿舍、食堂消毒消杀记录不完整", "other", "经济发展局", "已督促企业每日消毒消杀并如实记录。"),
    ft("enterprise", "员工食堂未分餐错峰就餐", "员工食堂未落实分餐、错峰就餐", "other", "经济发展局", "已督促企业落实分餐制和错峰就餐。"),
    ft("enterprise", "仓库物品堆放存在安全隐患", "仓库物品堆放杂乱，消防通道堵塞", "other", "应急管理局", "已督促企业清理消防通道，规范物品堆放。"),
    ft("river_pond", "河道坑塘漂浮物未打捞", "水面漂浮物较多，未及时打捞", "sanitation", "生态环境分局", "已组织打捞漂浮物并落实日常保洁。"),
    ft("river_pond", "坑塘周边垃圾堆积", "坑塘周边堆积生活垃圾，存在卫生死角", "sanitation", "生态环境分局", "已清理坑塘周边垃圾并开展消毒消杀。"),
    ft("road", "道路两侧垃圾清运不及时", "道路两侧垃圾桶满溢，清运不及时", "sanitation", "规划建设局", "已增加清运频次，落实道路日常保洁。"),
    ft("road", "绿化带内垃圾较多", "绿化带内塑料袋、烟头等垃圾较多", "sanitation", "规划建设局", "已组织环卫人员集中清理，纳入日常保洁范围。"),
    ft("road", "道路沿线乱贴乱画", "道路沿线电线杆、墙面小广告乱贴乱画", "sanitation", "规划建设局", "已组织清理小广告，落实门前三包责任。"),
];

/// The `n`-th problem of a site of `kind`.
fn finding_for(kind: &str, n: usize) -> &'static FindingTemplate {
    let of_kind: Vec<&FindingTemplate> = FINDING_TEMPLATES.iter().filter(|f| f.kind == kind).collect();
    of_kind[n % of_kind.len()]
}

/// The resolution of the problem an order was filed for.
fn finding_for_order(title: &str) -> &'static str {
    FINDING_TEMPLATES.iter().find(|f| f.title == title).map(|f| f.resolution).unwrap_or("已整改到位。")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::app::employment::{GapQuery, gaps};
    use crate::store::PageRequest;
    use crate::store::employment::{PlacementFilter, list_placements};

    fn site_count() -> usize {
        SITES.iter().map(|s| s.1 + s.2 + s.3 + s.4 + s.5).sum::<usize>() + ENTERPRISES.len()
    }

    #[test]
    fn the_sites_are_two_thousand_odd_with_unique_names_in_each_township() {
        let plans = site_plans(&mut Rng(SEED));
        assert_eq!(plans.len(), site_count());
        assert!((2000..2100).contains(&plans.len()), "{}", plans.len());
        let unique: HashSet<_> = plans.iter().map(|p| (p.township, p.name.as_str())).collect();
        assert_eq!(unique.len(), plans.len());
        assert!(plans.iter().any(|p| p.township == "新习镇" && p.name == "小寨村"));
        assert!(plans.iter().any(|p| p.township == "新习镇" && p.name == "仓上村"));
        for kind in ["residential", "village", "supermarket", "enterprise", "river_pond", "road"] {
            assert!(plans.iter().any(|p| p.kind == kind), "{kind}");
        }
    }

    #[test]
    fn every_kind_has_a_problem_and_every_figure_splits_exactly() {
        for kind in ["residential", "village", "supermarket", "enterprise", "river_pond", "road"] {
            finding_for(kind, 7);
        }
        for &(_, total) in FIGURES {
            let mut left = total;
            let mut sum = 0;
            for (i, &(_, share)) in TALLY_DAYS.iter().enumerate() {
                let q = if i + 1 == TALLY_DAYS.len() { left } else { total * share / 100 };
                assert!(q > 0);
                left -= q;
                sum += q;
            }
            assert_eq!(sum, total);
        }
        assert!(TALLY_DAYS.iter().all(|(d, _)| *d <= LAST_DAY && *d >= CAMPAIGN_START));
    }

    /// The newspaper's figures of 19 March, as the briefing will read them.
    #[tokio::test]
    async fn the_newspapers_figures_are_reached_on_the_nineteenth() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display())).await.unwrap();
        db.migrate().await.unwrap();
        let started = std::time::Instant::now();
        let summary = super::super::load(&db, "demo").await.unwrap();
        eprintln!("demo loaded in {:?}: {} sites, {} inspections, {} findings", started.elapsed(), summary.sites, summary.inspections, summary.findings);
        let leader = user(&db, "leader").await.unwrap();
        let t = uc::tallies_as_of(&db, &leader, None, LAST_DAY).await.unwrap();
        for &(kind, figure) in FIGURES {
            assert_eq!(t.total(kind), figure, "{kind:?}");
        }
        assert_eq!(t.total(TallyKind::Disinfection), 0, "the newspaper gives no figure");
        assert_eq!(t.inspections.inspections as usize, site_count());
        assert_eq!(t.inspections.sites as usize, site_count(), "every key site once: 2000余个");
        assert!(t.inspections.inspections > 2000);
        assert_eq!((t.inspections.findings, t.inspections.assigned), (FINDINGS as i64, FINDINGS as i64), "发现并交办问题264个");
        // a week earlier the figures were smaller
        let earlier = uc::tallies_as_of(&db, &leader, None, date!(2020 - 03 - 12)).await.unwrap();
        assert!(earlier.total(TallyKind::Volunteers) < 746 && earlier.inspections.findings < FINDINGS as i64);
        // rectification under way: verified, awaiting re-inspection, and sent back
        let page = PageRequest { page: Some(1), per_page: Some(1) };
        for status in ["verified", "not_verified", "open"] {
            let f = crate::store::inspection::FindingFilter { status: Some(status.into()), ..Default::default() };
            assert!(uc::list_findings(&db, &leader, f, &page).await.unwrap().total > 0, "{status}");
        }
        // 雪汇食品's sixteen, and households still without a job
        let xuehui = lookup(
            &HashMap::from([("雪汇食品", crate::store::users::find_user_by_username(&db, "xuehui").await.unwrap().unwrap().enterprise_id.unwrap())]),
            "雪汇食品",
        )
        .unwrap();
        let hired = list_placements(&db, &PlacementFilter { enterprise_id: Some(xuehui), current: true, ..Default::default() }, &page).await.unwrap();
        assert_eq!(hired.total as usize, super::super::employment::XUEHUI_HIRES);
        let g = gaps(&db, &leader, &GapQuery::default()).await.unwrap();
        assert_eq!(g.total, 5);
        assert!(g.items.iter().all(|gap| !gap.suggestions.is_empty()));
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
    }
}
