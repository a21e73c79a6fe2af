//! The registry of a generated zone: townships, departments, enterprises with
//! valid credit codes, cadres serving as chief service officers (with history),
//! the green list and its service teams. Builds the `World` the orders and the
//! status reports are generated from, and writes it.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use sqlx::AnyConnection;

use super::bulk::{Q, Table, insert};
use super::days::{Day, HOUR, MINUTE, date_text, local_midnight, timestamp};
use super::names;
use super::{GenError, Period, Sizes};
use crate::app::exchange::Progress;
use crate::domain::{EnterpriseInput, EnterpriseKind, TownshipKind};
use crate::store::Backend;

/// 职能部门 that orders are assigned to and cadres come from.
pub const DEPARTMENTS: &[&str] = &[
    "行政审批服务局",
    "发展和改革委员会",
    "工业和信息化局",
    "商务局",
    "财政局",
    "地方金融监督管理局",
    "人力资源和社会保障局",
    "交通运输局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "生态环境局",
    "城市管理局",
    "市场监督管理局",
    "卫生健康委员会",
    "应急管理局",
    "农业农村局",
    "科学技术局",
    "税务局",
];

/// Ranks of cadres, the first the most common ("选派 47 名正科级干部").
const RANKS: &[(&str, u32)] = &[("正科级", 6), ("副科级", 3), ("科员", 1)];

const GREEN_REASONS: &[&str] =
    &["外贸订单充足，列入绿名单优先保障生产", "出口型工业企业，纳入绿名单实行专班服务", "重点出口企业，保障原材料和物流", "外向型骨干企业，优先协调用工和资金"];
const DELIST_REASONS: &[&str] = &["企业主营业务转为内销", "企业已稳定达产，转入常态化服务", "企业停产整顿"];

/// A township as the generator knows it.
pub struct Town {
    pub id: i64,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// An enterprise as the orders and reports need it.
pub struct Ent {
    pub id: i64,
    pub name: String,
    pub township: usize,
    pub kind: EnterpriseKind,
    pub address: String,
    pub contact: String,
    pub latitude: f64,
    pub longitude: f64,
    pub headcount: i64,
    /// on the green list from, until (a removal day), if ever
    pub listed: Option<Period>,
    /// its chief service officers over time: (cadre index, from, until)
    pub officers: Vec<(usize, Period)>,
}

impl Ent {
    /// The cadre serving it on `day`, if any.
    pub fn officer_on(&self, day: Day) -> Option<usize> {
        self.officers.iter().find(|(_, p)| p.contains(day)).map(|(c, _)| *c)
    }

    pub fn listed_on(&self, day: Day) -> bool {
        self.listed.is_some_and(|p| p.contains(day))
    }
}

pub struct Cadre {
    pub id: i64,
    pub name: String,
}

/// The registry the rest is generated from.
pub struct World {
    pub townships: Vec<Town>,
    /// (id, name)
    pub departments: Vec<(i64, &'static str)>,
    pub enterprises: Vec<Ent>,
    pub cadres: Vec<Cadre>,
}

/// Counts of what the registry stage wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegistryCounts {
    pub assignments: usize,
    pub green_listed: usize,
}

/// Generates and writes the registry. `first` is the first day of the history.
///
/// # Errors
/// A database failure, or a generated enterprise the registry would refuse (a bug).
pub async fn generate(
    conn: &mut AnyConnection,
    backend: Backend,
    rng: &mut StdRng,
    sizes: &Sizes,
    first: Day,
    last: Day,
    progress: &dyn Progress,
) -> Result<(World, RegistryCounts), GenError> {
    let cities = if sizes.enterprises >= 50_000 { names::CITIES.len() } else { 1 };
    progress.stage("乡镇办、职能部门", (sizes.townships + DEPARTMENTS.len()) as u64);
    let (townships, city_of_township) = townships(rng, sizes.townships, cities);
    let registered = timestamp(local_midnight(first - 800) + 9 * HOUR);
    let rows: Vec<(i64, &str, &str, &str)> = townships.iter().map(|(t, kind)| (t.id, t.name.as_str(), kind.code(), registered.as_str())).collect();
    insert(conn, backend, &TOWNSHIPS, &rows, bind_township).await?;
    let departments: Vec<(i64, &'static str)> = DEPARTMENTS.iter().enumerate().map(|(i, n)| (i as i64 + 1, *n)).collect();
    let rows: Vec<(i64, &str, &str)> = departments.iter().map(|(id, n)| (*id, *n, registered.as_str())).collect();
    insert(conn, backend, &DEPARTMENTS_TABLE, &rows, bind_department).await?;
    progress.advance((sizes.townships + DEPARTMENTS.len()) as u64);
    let townships: Vec<Town> = townships.into_iter().map(|(t, _)| t).collect();

    progress.stage("企业", sizes.enterprises as u64);
    let salt = rng.r#gen::<u64>();
    let weights: Vec<f64> = (0..townships.len()).map(|_| rng.gen_range(0.3..3.0)).collect();
    let township_pick = rand::distributions::WeightedIndex::new(&weights).map_err(|e| GenError::Bug(format!("township weights: {e}")))?;
    let mut enterprises = Vec::with_capacity(sizes.enterprises);
    let mut batch = Vec::new();
    for i in 0..sizes.enterprises {
        let township = rng.sample(&township_pick);
        let city = names::CITIES[city_of_township[township]];
        let kind = pick_kind(rng);
        let (name, industry) = names::enterprise(rng, city.0, kind);
        let town = &townships[township];
        let address = format!("{}{}{}号", town.name, names::road(rng), rng.gen_range(1..400));
        let contact = names::person(rng);
        let (low, high) = headcount_range(kind);
        let headcount = (rng.gen_range(f64::ln(low)..f64::ln(high))).exp().round() as i64;
        let code = names::credit_code(i as u64, salt, city.1, name.ends_with("合作社"));
        let input = EnterpriseInput {
            name,
            credit_code: code.as_str().to_string(),
            industry,
            kind: kind.code().to_string(),
            township_id: town.id,
            address,
            contact_name: contact,
            contact_phone: names::mobile(rng),
            headcount,
        };
        // what production would refuse must not be generated either
        let fields = input.parse().map_err(|errors| GenError::Bug(format!("generated enterprise refused: {errors:?}")))?;
        let registered = local_midnight(first - rng.gen_range(30..2000)) + rng.gen_range(9 * HOUR..17 * HOUR);
        let id = i as i64 + 1;
        batch.push(EnterpriseRow { id, fields: input, created_at: timestamp(registered) });
        enterprises.push(Ent {
            id,
            name: fields.name,
            township,
            kind,
            address: fields.address,
            contact: fields.contact_name,
            latitude: town.latitude + rng.gen_range(-0.03..0.03),
            longitude: town.longitude + rng.gen_range(-0.03..0.03),
            headcount,
            listed: None,
            officers: Vec::new(),
        });
        if batch.len() == 5_000 {
            insert(conn, backend, &ENTERPRISES, &batch, bind_enterprise).await?;
            progress.advance(batch.len() as u64);
            batch.clear();
        }
    }
    insert(conn, backend, &ENTERPRISES, &batch, bind_enterprise).await?;
    progress.advance(batch.len() as u64);

    progress.stage("干部、首席服务员、绿名单", (sizes.officers + sizes.enterprises) as u64);
    let mut cadres = Vec::with_capacity(sizes.officers);
    let mut rows = Vec::with_capacity(sizes.officers);
    let rank_pick = rand::distributions::WeightedIndex::new(RANKS.iter().map(|r| r.1)).map_err(|e| GenError::Bug(format!("rank weights: {e}")))?;
    for i in 0..sizes.officers {
        let name = names::person(rng);
        rows.push(CadreRow {
            id: i as i64 + 1,
            name: name.clone(),
            rank: RANKS[rng.sample(&rank_pick)].0,
            department_id: departments[rng.gen_range(0..departments.len())].0,
            phone: names::mobile(rng),
            created_at: timestamp(local_midnight(first - rng.gen_range(400..900)) + 10 * HOUR),
        });
        cadres.push(Cadre { id: i as i64 + 1, name });
    }
    insert(conn, backend, &CADRES, &rows, bind_cadre).await?;
    let assignments = assign_officers(conn, backend, rng, &mut enterprises, cadres.len(), first, last).await?;
    let green_listed = green_list(conn, backend, rng, &mut enterprises, &cadres, first, last).await?;
    let counts = RegistryCounts { assignments, green_listed };
    progress.advance((sizes.officers + sizes.enterprises) as u64);
    Ok((World { townships, departments, enterprises, cadres }, counts))
}

/// Townships with unique names, spread over the cities, each with a centre.
fn townships(rng: &mut StdRng, n: usize, cities: usize) -> (Vec<(Town, TownshipKind)>, Vec<usize>) {
    // the zone's area grows with the number of townships
    let radius = 0.08 * (n as f64 / 20.0).sqrt().max(0.5);
    let (centre_lat, centre_long) = if cities > 1 { (33.9, 113.6) } else { (35.76, 115.03) };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    let mut city_of = Vec::with_capacity(n);
    for i in 0..n {
        let kind = match rng.gen_range(0..10) {
            0..=3 => TownshipKind::Zhen,
            4..=6 => TownshipKind::Xiang,
            _ => TownshipKind::Ban,
        };
        let suffix = match kind {
            TownshipKind::Zhen => "镇",
            TownshipKind::Xiang => "乡",
            TownshipKind::Ban => "办事处",
        };
        let mut name = format!("{}{suffix}", names::place(rng));
        let mut tries = 0;
        while !seen.insert(name.clone()) {
            tries += 1;
            // two characters run out at a province's size: a third tells them apart
            name = if tries < 20 { format!("{}{suffix}", names::place(rng)) } else { format!("{}{}{suffix}", names::place(rng), names::place(rng)) };
        }
        out.push((
            Town {
                id: i as i64 + 1,
                name,
                latitude: centre_lat + rng.gen_range(-radius..radius) * 0.8,
                longitude: centre_long + rng.gen_range(-radius..radius),
            },
            kind,
        ));
        city_of.push(i * cities / n.max(1));
    }
    (out, city_of)
}

fn pick_kind(rng: &mut StdRng) -> EnterpriseKind {
    match rng.gen_range(0..100) {
        0..=34 => EnterpriseKind::Industrial,
        35..=42 => EnterpriseKind::ForeignTrade,
        43..=82 => EnterpriseKind::CommerceService,
        83..=91 => EnterpriseKind::ConstructionRealEstate,
        _ => EnterpriseKind::Agriculture,
    }
}

fn headcount_range(kind: EnterpriseKind) -> (f64, f64) {
    match kind {
        EnterpriseKind::Industrial => (20.0, 900.0),
        EnterpriseKind::ForeignTrade => (15.0, 600.0),
        EnterpriseKind::CommerceService => (3.0, 150.0),
        EnterpriseKind::ConstructionRealEstate => (20.0, 400.0),
        EnterpriseKind::Agriculture => (5.0, 80.0),
    }
}

/// Gives about 92% of enterprises a current officer, spread evenly over the
/// cadres; some had another officer before, and some lost theirs.
async fn assign_officers(
    conn: &mut AnyConnection,
    backend: Backend,
    rng: &mut StdRng,
    enterprises: &mut [Ent],
    cadres: usize,
    first: Day,
    last: Day,
) -> Result<usize, GenError> {
    if cadres == 0 {
        return Ok(0);
    }
    let mut order: Vec<usize> = (0..enterprises.len()).collect();
    order.shuffle(rng);
    let covered = enterprises.len() * 92 / 100;
    let mut rows = Vec::new();
    for (slot, &e) in order.iter().enumerate() {
        let ent = &mut enterprises[e];
        if slot < covered {
            let cadre = slot % cadres;
            let start = rng.gen_range(first - 200..last - 20);
            if rng.gen_bool(0.06) && cadres > 1 {
                let before = (cadre + 1 + rng.gen_range(0..cadres - 1)) % cadres;
                let from = rng.gen_range(start - 400..start - 30);
                rows.push(AssignmentRow { cadre_id: before as i64 + 1, enterprise_id: ent.id, started_on: date_text(from), ended_on: Some(date_text(start)) });
                ent.officers.push((before, Period { from, until: Some(start) }));
            }
            rows.push(AssignmentRow { cadre_id: cadre as i64 + 1, enterprise_id: ent.id, started_on: date_text(start), ended_on: None });
            ent.officers.push((cadre, Period { from: start, until: None }));
        } else if rng.gen_bool(0.35) {
            // served once; the officer was called back and nobody replaced them yet
            let cadre = rng.gen_range(0..cadres);
            let from = rng.gen_range(first - 300..last - 60);
            let until = rng.gen_range(from + 20..last - 10);
            rows.push(AssignmentRow { cadre_id: cadre as i64 + 1, enterprise_id: ent.id, started_on: date_text(from), ended_on: Some(date_text(until)) });
            ent.officers.push((cadre, Period { from, until: Some(until) }));
        }
        if rows.len() >= 5_000 {
            insert(conn, backend, &ASSIGNMENTS, &rows, bind_assignment).await?;
            rows.clear();
        }
    }
    insert(conn, backend, &ASSIGNMENTS, &rows, bind_assignment).await?;
    Ok(enterprises.iter().map(|e| e.officers.len()).sum())
}

/// Lists export-oriented enterprises (a third of the foreign-trade ones, a few
/// industrial ones), delists some again, and gives each listed one a service
/// team led by its officer. Returns how many are listed now.
async fn green_list(
    conn: &mut AnyConnection,
    backend: Backend,
    rng: &mut StdRng,
    enterprises: &mut [Ent],
    cadres: &[Cadre],
    first: Day,
    last: Day,
) -> Result<usize, GenError> {
    let mut listings = Vec::new();
    let mut team = Vec::new();
    let mut current = 0;
    for ent in enterprises.iter_mut() {
        let share = match ent.kind {
            EnterpriseKind::ForeignTrade => 0.35,
            EnterpriseKind::Industrial => 0.06,
            _ => 0.0,
        };
        if share == 0.0 || !rng.gen_bool(share) {
            continue;
        }
        let added = rng.gen_range(first - 120..last - 10);
        let removed = rng.gen_bool(0.08).then(|| rng.gen_range(added + 30..last + 31).min(last));
        ent.listed = Some(Period { from: added, until: removed });
        listings.push(GreenRow {
            enterprise_id: ent.id,
            added_on: date_text(added),
            add_reason: GREEN_REASONS[rng.gen_range(0..GREEN_REASONS.len())],
            removed_on: removed.map(date_text),
            remove_reason: removed.map(|_| DELIST_REASONS[rng.gen_range(0..DELIST_REASONS.len())]),
            created_at: timestamp(local_midnight(added) + 10 * HOUR + rng.gen_range(0..120) * MINUTE),
        });
        if removed.is_some() || cadres.is_empty() {
            continue;
        }
        current += 1;
        let lead = ent.officer_on(last).unwrap_or_else(|| rng.gen_range(0..cadres.len()));
        team.push((ent.id, cadres[lead].id, 1));
        for _ in 0..rng.gen_range(1..=2) {
            let member = rng.gen_range(0..cadres.len());
            if !team.iter().rev().take(3).any(|(e, c, _)| *e == ent.id && *c == cadres[member].id) {
                team.push((ent.id, cadres[member].id, 0));
            }
        }
    }
    for chunk in listings.chunks(5_000) {
        insert(conn, backend, &GREEN_LIST, chunk, bind_green).await?;
    }
    for chunk in team.chunks(5_000) {
        insert(conn, backend, &TEAM, chunk, bind_team).await?;
    }
    Ok(current)
}

// ---- rows ----------------------------------------------------------------------

const TOWNSHIPS: Table = Table { name: "townships", columns: &["id", "name", "kind", "created_at"] };
const DEPARTMENTS_TABLE: Table = Table { name: "departments", columns: &["id", "name", "created_at"] };
const ENTERPRISES: Table = Table {
    name: "enterprises",
    columns: &[
        "id",
        "name",
        "credit_code",
        "industry",
        "kind",
        "township_id",
        "address",
        "contact_name",
        "contact_phone",
        "headcount",
        "created_at",
        "updated_at",
        "version",
    ],
};
const CADRES: Table = Table { name: "cadres", columns: &["id", "name", "rank", "department_id", "phone", "created_at"] };
const ASSIGNMENTS: Table = Table { name: "officer_assignments", columns: &["cadre_id", "enterprise_id", "started_on", "ended_on"] };
const GREEN_LIST: Table = Table { name: "green_list", columns: &["enterprise_id", "added_on", "add_reason", "removed_on", "remove_reason", "created_at"] };
const TEAM: Table = Table { name: "service_team_members", columns: &["enterprise_id", "cadre_id", "is_lead"] };

fn bind_township<'q>(q: Q<'q>, r: &'q (i64, &str, &str, &str)) -> Q<'q> {
    q.bind(r.0).bind(r.1).bind(r.2).bind(r.3)
}

fn bind_department<'q>(q: Q<'q>, r: &'q (i64, &str, &str)) -> Q<'q> {
    q.bind(r.0).bind(r.1).bind(r.2)
}

struct EnterpriseRow {
    id: i64,
    fields: EnterpriseInput,
    created_at: String,
}

fn bind_enterprise<'q>(q: Q<'q>, r: &'q EnterpriseRow) -> Q<'q> {
    let f = &r.fields;
    q.bind(r.id)
        .bind(f.name.as_str())
        .bind(f.credit_code.as_str())
        .bind(f.industry.as_str())
        .bind(f.kind.as_str())
        .bind(f.township_id)
        .bind(f.address.as_str())
        .bind(f.contact_name.as_str())
        .bind(f.contact_phone.as_str())
        .bind(f.headcount)
        .bind(r.created_at.as_str())
        .bind(r.created_at.as_str())
        .bind(1_i64)
}

struct CadreRow {
    id: i64,
    name: String,
    rank: &'static str,
    department_id: i64,
    phone: String,
    created_at: String,
}

fn bind_cadre<'q>(q: Q<'q>, r: &'q CadreRow) -> Q<'q> {
    q.bind(r.id).bind(r.name.as_str()).bind(r.rank).bind(r.department_id).bind(r.phone.as_str()).bind(r.created_at.as_str())
}

struct AssignmentRow {
    cadre_id: i64,
    enterprise_id: i64,
    started_on: String,
    ended_on: Option<String>,
}

fn bind_assignment<'q>(q: Q<'q>, r: &'q AssignmentRow) -> Q<'q> {
    q.bind(r.cadre_id).bind(r.enterprise_id).bind(r.started_on.as_str()).bind(r.ended_on.as_deref())
}

struct GreenRow {
    enterprise_id: i64,
    added_on: String,
    add_reason: &'static str,
    removed_on: Option<String>,
    remove_reason: Option<&'static str>,
    created_at: String,
}

fn bind_green<'q>(q: Q<'q>, r: &'q GreenRow) -> Q<'q> {
    q.bind(r.enterprise_id).bind(r.added_on.as_str()).bind(r.add_reason).bind(r.removed_on.as_deref()).bind(r.remove_reason).bind(r.created_at.as_str())
}

fn bind_team<'q>(q: Q<'q>, r: &'q (i64, i64, i64)) -> Q<'q> {
    q.bind(r.0).bind(r.1).bind(r.2)
}
