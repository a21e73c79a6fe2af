//! The demo zone: 濮阳经济技术开发区 as the zone newspaper (开发区新闻) of
//! March 2020 describes it — its townships, its departments, about sixty
//! enterprises (恒丰电子, 雪汇食品, …), 47 正科级 cadres serving as chief service
//! officers in 47 enterprises, 16 of them foreign-trade, and one log-in per role.
//!
//! Everything is created through the ordinary use cases, acting as the system,
//! so the demo exercises the same validation, constraints and audit log as
//! production: a demo row that production would refuse cannot exist.
//!
//! Figures come from the newspaper; every private person's name is invented.
//! The data lives in the const tables at the bottom; the loader only walks them.

mod employment;
mod inspections;
mod investment;
mod isolation;
mod orders;
mod policies;
mod projects;
mod resumption;
mod tutoring;

use std::collections::HashMap;

use crate::AppError;
use crate::app::Actor;
use crate::app::registry::{self, CadreInput};
use crate::app::users::{self, UserInput};
use crate::domain::{CreditCode, EnterpriseInput, EnterpriseKind, Role};
use crate::store::Db;

/// What the demo loaded, for the CLI to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub townships: usize,
    pub departments: usize,
    pub enterprises: usize,
    pub cadres: usize,
    pub officers_assigned: usize,
    /// (username, role label in Chinese), in the order of `DEMO_USERNAMES`
    pub users: Vec<(String, String)>,
    /// work orders of March 2020 (see `orders`)
    pub orders: usize,
    /// officers' visits (走访记录)
    pub visits: usize,
    /// orders the supervision sweeps escalated (督办) over the month
    pub escalated: usize,
    /// inspection sites of the "四全" campaign (督导检查点位)
    pub sites: usize,
    /// inspections made by 2020-03-19
    pub inspections: usize,
    /// problems they found, each an assigned work order
    pub findings: usize,
    /// poor households (贫困户)
    pub households: usize,
    /// placements of poor workers (就业安置)
    pub placements: usize,
}

/// The day the demo zone lives on: the date of the newspaper's figures
/// ("至 3 月 19 日 …").
pub const DEMO_DAY: time::Date = time::macros::date!(2020 - 03 - 19);

/// The demo log-ins, for printing (DESIGN.md "Contracts").
pub const DEMO_USERNAMES: [&str; 9] = ["admin", "leader", "township", "department", "officer", "volunteer", "isolation", "hengfeng", "xuehui"];

/// The day the officers took up their posts: a few days before the 3 月 16 日
/// meeting that reported "47 名正科级干部派驻到 47 家企业".
const OFFICERS_START_ON: &str = "2020-03-12";

/// Loads the demo zone into an empty, migrated database; every user's password
/// is `password`.
///
/// # Errors
/// Whatever the use cases refuse — e.g. `Conflict` when the database already
/// holds the demo — or a database failure.
pub async fn load(db: &Db, password: &str) -> Result<DemoSummary, AppError> {
    let actor = Actor::system();

    let mut townships = HashMap::new();
    for &(name, kind) in TOWNSHIPS {
        townships.insert(name, registry::create_township(db, &actor, name, kind).await?.id);
    }
    let mut departments = HashMap::new();
    for &name in DEPARTMENTS {
        departments.insert(name, registry::create_department(db, &actor, name).await?.id);
    }
    let mut enterprises = HashMap::new();
    for (i, e) in ENTERPRISES.iter().enumerate() {
        let input = EnterpriseInput {
            name: e.name.to_string(),
            credit_code: credit_code(i, e.name).map_err(demo_error)?.as_str().to_string(),
            industry: e.industry.to_string(),
            kind: e.kind.code().to_string(),
            township_id: lookup(&townships, e.township)?,
            address: e.address.to_string(),
            contact_name: e.contact.to_string(),
            contact_phone: enterprise_phone(i),
            headcount: e.headcount,
        };
        enterprises.insert(e.name, registry::create_enterprise(db, &actor, &input).await?.id);
    }
    let mut cadres = HashMap::new();
    for (i, c) in CADRES.iter().enumerate() {
        let input = CadreInput {
            name: c.name.to_string(),
            rank: CADRE_RANK.to_string(),
            department_id: Some(lookup(&departments, c.department)?),
            phone: cadre_phone(i),
        };
        let cadre_id = registry::create_cadre(db, &actor, &input).await?.id;
        registry::assign_officer(db, &actor, cadre_id, lookup(&enterprises, c.enterprise)?, OFFICERS_START_ON).await?;
        cadres.insert(c.name, cadre_id);
    }
    let mut summary_users = Vec::new();
    for u in USERS {
        let scope_id = match u.scope {
            Scope::None => None,
            Scope::Township(name) => Some(lookup(&townships, name)?),
            Scope::Department(name) => Some(lookup(&departments, name)?),
            Scope::Cadre(name) => Some(lookup(&cadres, name)?),
            Scope::Enterprise(name) => Some(lookup(&enterprises, name)?),
        };
        let input = UserInput {
            username: u.username.to_string(),
            display_name: u.display_name.to_string(),
            password: password.to_string(),
            role: u.role.code().to_string(),
            scope_id,
        };
        users::create_user(db, &actor, &input).await?;
        summary_users.push((u.username.to_string(), crate::web::i18n::Lang::Zh.role(u.role).to_string()));
    }
    let ids = orders::Ids { townships: &townships, departments: &departments, enterprises: &enterprises, cadres: &cadres };
    // the green list first: its enterprises' orders are filed with priority
    resumption::green_list(db, &ids).await?;
    let history = orders::load(db, password, &ids).await?;
    resumption::load(db, &ids).await?;
    projects::load(db, &ids).await?;
    investment::load(db, &ids).await?;
    policies::load(db, &ids).await?;
    let campaign = inspections::load(db, &townships, &departments, &enterprises).await?;
    let jobs = employment::load(db, &townships, &enterprises).await?;
    tutoring::load(db, &townships).await?;
    isolation::load(db).await?;
    Ok(DemoSummary {
        townships: townships.len(),
        departments: departments.len(),
        enterprises: enterprises.len(),
        cadres: cadres.len(),
        officers_assigned: CADRES.len(),
        users: summary_users,
        orders: history.orders,
        visits: history.visits,
        escalated: history.escalated,
        sites: campaign.sites,
        inspections: campaign.inspections,
        findings: campaign.findings,
        households: jobs.households,
        placements: jobs.placements,
    })
}

/// A name the tables refer to but do not define is a bug in the tables.
fn lookup(ids: &HashMap<&str, i64>, name: &str) -> Result<i64, AppError> {
    ids.get(name).copied().ok_or_else(|| AppError::Internal(format!("demo data: unknown name {name}")))
}

fn demo_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("demo data: {e}"))
}

/// The characters GB 32100 allows in a credit code.
const CODE_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A deterministic, unique, valid credit code for the `index`-th enterprise:
/// registered in 濮阳 (410900), as a farmers' co-operative (93) or a company (91),
/// with a distinct 7-character serial per index and the GB 32100 check character.
fn credit_code(index: usize, name: &str) -> Result<CreditCode, crate::domain::CreditCodeError> {
    let category = if name.ends_with("合作社") { "93" } else { "91" };
    // Spread the serials (a prime step) so that neighbouring codes do not look alike.
    let mut n = 4_000_000 + index as u64 * 104_729;
    let mut serial = [b'0'; 7];
    for slot in serial.iter_mut().rev() {
        *slot = CODE_ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let serial = std::str::from_utf8(&serial).unwrap_or("0000000");
    CreditCode::with_check_character(&format!("{category}410900MA{serial}"))
}

/// An invented 濮阳 (0393) landline for the `index`-th enterprise.
fn enterprise_phone(index: usize) -> String {
    format!("0393-86{:05}", 10_000 + index * 37)
}

/// An invented mobile number for the `index`-th cadre.
fn cadre_phone(index: usize) -> String {
    format!("1390393{:04}", 1_000 + index * 11)
}

// ---- the data ----------------------------------------------------------------

/// The rank of every officer: "选派 47 名正科级干部".
const CADRE_RANK: &str = "正科级";

/// 乡（镇、办） of the zone, with their kind code.
const TOWNSHIPS: &[(&str, &str)] = &[("新习镇", "zhen"), ("王助镇", "zhen"), ("胡村乡", "xiang"), ("皇甫办事处", "ban"), ("濮上办事处", "ban")];

/// 职能部门 the cadres come from and work orders are assigned to.
const DEPARTMENTS: &[&str] = &[
    "党政办公室",
    "宣传统战办公室",
    "组织人事部",
    "经济发展局",
    "财政金融局",
    "招商局",
    "规划建设局",
    "自然资源局",
    "生态环境分局",
    "市场监督管理分局",
    "应急管理局",
    "社会事业局",
    "团区委",
    "医学隔离观察点工作组",
];

/// One enterprise of the demo; the credit code and phone are derived from its position.
struct Ent {
    name: &'static str,
    kind: EnterpriseKind,
    township: &'static str,
    industry: &'static str,
    address: &'static str,
    /// invented contact person
    contact: &'static str,
    headcount: i64,
}

const fn ent(
    name: &'static str,
    kind: EnterpriseKind,
    township: &'static str,
    industry: &'static str,
    address: &'static str,
    contact: &'static str,
    headcount: i64,
) -> Ent {
    Ent { name, kind, township, industry, address, contact, headcount }
}

use EnterpriseKind::{Agriculture as AG, CommerceService as CS, ConstructionRealEstate as CR, ForeignTrade as FT, Industrial as IN};

/// The enterprises: 16 foreign-trade ("向 16 家外经外贸外资企业选派了首席服务员"),
/// industrial, construction and real estate (棚改、房地产项目), agriculture
/// (合作社, 生猪), and commerce and services (商超, 餐饮, 物业…).
const ENTERPRISES: &[Ent] = &[
    // 外经外贸外资企业 (16), every one with an officer
    ent("恒丰电子", FT, "王助镇", "化工新材料（均苯四甲酸酐）", "开发区产业集聚区化工新材料园", "路海涛", 260),
    ent("濮阳国龙物流有限公司", FT, "濮上办事处", "国际物流与进出口代理", "开发区开州路国龙物流园", "邢云飞", 180),
    ent("宏业控股集团有限公司", FT, "皇甫办事处", "进出口贸易与实业投资", "开发区皇甫路宏业大厦", "常建伟", 520),
    ent("濮阳龙腾精细化工有限公司", FT, "王助镇", "精细化工", "开发区产业集聚区纬三路", "贾慧敏", 150),
    ent("濮阳华瑞新材料科技有限公司", FT, "王助镇", "聚氨酯新材料", "开发区产业集聚区经五路", "侯立伟", 210),
    ent("濮阳中原羽绒制品有限公司", FT, "新习镇", "羽绒制品", "新习镇工业园区纬一路", "史文娟", 380),
    ent("濮阳众鑫石油机械有限公司", FT, "胡村乡", "石油机械", "胡村乡工业园区经一路", "段志刚", 230),
    ent("濮阳绿源生物科技有限公司", FT, "王助镇", "生物基材料", "开发区产业集聚区纬五路", "郝晓静", 140),
    ent("濮阳新科光电材料有限公司", FT, "王助镇", "电子化学品", "开发区产业集聚区化工新材料园", "龚伟", 120),
    ent("濮阳宏达家居制品有限公司", FT, "胡村乡", "家具制造", "胡村乡濮范高速出口东", "邱建华", 290),
    ent("濮阳泰和医疗器械有限公司", FT, "濮上办事处", "医用防护用品", "开发区濮阳电子商务产业园医药医疗器械产业园", "尹丽华", 160),
    ent("濮阳博远熔喷材料有限公司", FT, "新习镇", "熔喷无纺布", "新习镇工业园区纬二路", "黎志勇", 90),
    ent("濮阳金汇纺织有限公司", FT, "皇甫办事处", "纺织服装", "开发区皇甫路中段", "邓秀英", 310),
    ent("濮阳德润化工机械有限公司", FT, "王助镇", "化工装备", "开发区产业集聚区经三路", "崔永军", 170),
    ent("濮阳瑞丰碳材料有限公司", FT, "胡村乡", "碳材料", "胡村乡工业园区纬二路", "毛春燕", 110),
    ent("濮阳安泰环保设备有限公司", FT, "新习镇", "环保设备", "新习镇工业园区经二路", "汪志华", 95),
    // 工业企业 (17), every one with an officer
    ent("雪汇食品", IN, "新习镇", "冷冻饮品", "新习镇小寨村东", "樊立强", 420),
    ent("濮阳华隆塑料制品有限公司", IN, "新习镇", "塑料制品", "新习镇工业园区纬三路", "包建新", 85),
    ent("濮阳中联混凝土有限公司", IN, "胡村乡", "商品混凝土", "胡村乡工业园区经三路", "雷振东", 70),
    ent("濮阳天成包装材料有限公司", IN, "王助镇", "包装材料", "开发区产业集聚区纬二路", "赖晓燕", 120),
    ent("濮阳康宁卫生用品有限公司", IN, "濮上办事处", "口罩及卫生用品", "开发区濮上路医疗器械产业园", "庞立新", 200),
    ent("濮阳鑫达机械制造有限公司", IN, "王助镇", "机械加工", "开发区产业集聚区经四路", "万国华", 130),
    ent("濮阳恒信电气设备有限公司", IN, "皇甫办事处", "输配电设备", "开发区皇甫路工业区", "阎立峰", 160),
    ent("濮阳润泽食品有限公司", IN, "新习镇", "面制品加工", "新习镇仓上村北", "柯秀兰", 140),
    ent("濮阳森宇木业有限公司", IN, "胡村乡", "木材加工", "胡村乡胡村北街", "蔡国栋", 75),
    ent("濮阳兴业钢结构有限公司", IN, "王助镇", "钢结构", "王助镇工业园区", "熊建平", 110),
    ent("濮阳晟阳新能源科技有限公司", IN, "王助镇", "光伏组件", "开发区产业集聚区纬四路", "钟志明", 190),
    ent("濮阳同创印务有限公司", IN, "濮上办事处", "包装印刷", "开发区濮上路东段", "欧阳丽", 60),
    ent("濮阳丰禾饲料有限公司", IN, "胡村乡", "饲料加工", "胡村乡工业园区经二路", "闫海军", 65),
    ent("濮阳安平消防器材有限公司", IN, "皇甫办事处", "消防器材", "开发区皇甫路工业区", "景卫国", 55),
    ent("濮阳润达化工有限公司", IN, "王助镇", "化工原料", "开发区产业集聚区化工新材料园", "汤庆丰", 180),
    ent("濮阳蓝天气体有限公司", IN, "王助镇", "工业气体", "开发区产业集聚区经二路", "谭红", 45),
    ent("濮阳中亚管业有限公司", IN, "新习镇", "塑料管材", "新习镇工业园区经三路", "温丽娜", 100),
    // 建筑和房地产 (7): 棚改工程、重点项目、房地产项目
    ent("濮阳建投置业有限公司", CR, "濮上办事处", "房地产开发", "开发区濮上路建投大厦", "廖志军", 80),
    ent("濮阳龙城建设工程有限公司", CR, "皇甫办事处", "房屋建筑工程", "开发区皇甫路西段", "康海峰", 260),
    ent("濮阳开州路桥工程有限公司", CR, "濮上办事处", "道路桥梁工程", "开发区开州路与濮范高速互通立交项目部", "夏文斌", 150),
    ent("濮阳盛世华庭置业有限公司", CR, "皇甫办事处", "房地产开发", "开发区皇甫路盛世华庭项目部", "戴晓峰", 40),
    ent("濮阳安居棚户区改造建设有限公司", CR, "濮上办事处", "棚户区改造", "开发区濮上路安居小区项目部", "车红伟", 60),
    ent("濮阳广厦建筑安装有限公司", CR, "新习镇", "建筑安装", "新习镇镇区南街", "翟建设", 180),
    ent("濮阳锦绣园林绿化工程有限公司", CR, "胡村乡", "园林绿化", "胡村乡胡村南街", "米秀云", 35),
    // 农业 (5): 春季田间管理、生猪生产恢复、畜禽疫病防控
    ent("龙乡花卉种植合作社", AG, "新习镇", "花卉种植（蝴蝶兰）", "新习镇花卉产业园", "祁玉梅", 40),
    ent("濮阳新习绿丰蔬菜专业合作社", AG, "新习镇", "蔬菜种植", "新习镇仓上村西", "申海洋", 30),
    ent("濮阳兴旺生猪养殖有限公司", AG, "胡村乡", "生猪养殖", "胡村乡养殖小区", "聂春来", 50),
    ent("濮阳王助优质小麦种植专业合作社", AG, "王助镇", "粮食种植", "王助镇王助村北", "鲍庆云", 25),
    ent("濮阳胡村禽业养殖专业合作社", AG, "胡村乡", "家禽养殖", "胡村乡胡村西街", "殷桂芝", 20),
    // 商贸服务业 (15): 提交承诺即可复工营业
    ent("濮阳电子商务产业园", CS, "濮上办事处", "电子商务与产业园区运营", "开发区濮上路电子商务产业园", "俞建明", 120),
    ent("濮阳万家福超市有限公司", CS, "皇甫办事处", "商超零售", "开发区皇甫路与开州路交叉口", "林佳怡", 150),
    ent("濮阳便民惠生活超市", CS, "新习镇", "商超零售", "新习镇镇区中心街", "吉小军", 12),
    ent("濮阳开发区华联购物广场", CS, "濮上办事处", "商超零售", "开发区濮上路中段", "桂晓丽", 220),
    ent("濮阳悦来酒店有限公司", CS, "皇甫办事处", "住宿餐饮", "开发区皇甫路东段", "华志强", 85),
    ent("濮阳老街坊餐饮管理有限公司", CS, "濮上办事处", "餐饮服务", "开发区濮上路美食街", "卢红英", 30),
    ent("濮阳顺通汽车销售服务有限公司", CS, "皇甫办事处", "汽车销售与维修", "开发区开州路汽车城", "薛海龙", 45),
    ent("濮阳安康大药房连锁有限公司开发区店", CS, "濮上办事处", "药品零售", "开发区濮上路东段", "易晓雯", 10),
    ent("濮阳新城物业服务有限公司", CS, "皇甫办事处", "物业服务", "开发区皇甫路新城小区", "唐建新", 60),
    ent("濮阳速达快递服务有限公司", CS, "濮上办事处", "快递物流", "开发区开州路国龙物流园", "齐国伟", 70),
    ent("濮阳金桥人力资源服务有限公司", CS, "皇甫办事处", "人力资源服务", "开发区皇甫路宏业大厦", "莫晓琳", 18),
    ent("濮阳美家家居建材城", CS, "胡村乡", "建材家居零售", "胡村乡濮范高速出口西", "应建军", 40),
    ent("濮阳开发区丽人美发店", CS, "濮上办事处", "美容美发", "开发区濮上路美食街", "井丽丽", 6),
    ent("濮阳鑫源加油站", CS, "王助镇", "成品油零售", "王助镇王助村南", "单永福", 8),
    ent("濮阳诚信会计服务有限公司", CS, "皇甫办事处", "财务代理", "开发区皇甫路宏业大厦", "艾文华", 9),
];

/// A 正科级 cadre (invented name), the department it comes from, and the one
/// enterprise it serves as chief service officer.
struct Officer {
    name: &'static str,
    department: &'static str,
    enterprise: &'static str,
}

const fn officer(name: &'static str, department: &'static str, enterprise: &'static str) -> Officer {
    Officer { name, department, enterprise }
}

/// "选派 47 名正科级干部派驻到 47 家企业担任首席服务员"; 恒丰电子's officer is
/// the head of 宣统办, as the newspaper reports.
const CADRES: &[Officer] = &[
    officer("程明远", "宣传统战办公室", "恒丰电子"),
    officer("苏振宇", "宣传统战办公室", "濮阳金汇纺织有限公司"),
    officer("潘桂英", "宣传统战办公室", "濮阳电子商务产业园"),
    officer("李建国", "招商局", "宏业控股集团有限公司"),
    officer("王志强", "招商局", "濮阳龙腾精细化工有限公司"),
    officer("张海燕", "招商局", "濮阳华瑞新材料科技有限公司"),
    officer("刘德明", "招商局", "濮阳新科光电材料有限公司"),
    officer("杨秀梅", "招商局", "濮阳瑞丰碳材料有限公司"),
    officer("赵立新", "经济发展局", "濮阳国龙物流有限公司"),
    officer("孙卫东", "经济发展局", "濮阳众鑫石油机械有限公司"),
    officer("周丽娟", "经济发展局", "濮阳中原羽绒制品有限公司"),
    officer("吴国栋", "经济发展局", "濮阳德润化工机械有限公司"),
    officer("郑晓东", "经济发展局", "濮阳润达化工有限公司"),
    officer("冯春生", "财政金融局", "濮阳绿源生物科技有限公司"),
    officer("褚文博", "财政金融局", "濮阳宏达家居制品有限公司"),
    officer("卫红霞", "财政金融局", "濮阳晟阳新能源科技有限公司"),
    officer("蒋振华", "财政金融局", "濮阳同创印务有限公司"),
    officer("沈玉兰", "党政办公室", "濮阳泰和医疗器械有限公司"),
    officer("韩庆林", "党政办公室", "濮阳博远熔喷材料有限公司"),
    officer("朱永康", "党政办公室", "濮阳安泰环保设备有限公司"),
    officer("秦素芳", "党政办公室", "濮阳康宁卫生用品有限公司"),
    officer("许志远", "党政办公室", "濮阳鑫达机械制造有限公司"),
    officer("何建军", "组织人事部", "雪汇食品"),
    officer("吕红梅", "组织人事部", "濮阳润泽食品有限公司"),
    officer("施国庆", "组织人事部", "濮阳悦来酒店有限公司"),
    officer("孔祥瑞", "规划建设局", "濮阳建投置业有限公司"),
    officer("曹丽萍", "规划建设局", "濮阳龙城建设工程有限公司"),
    officer("严俊杰", "规划建设局", "濮阳开州路桥工程有限公司"),
    officer("金宏伟", "规划建设局", "濮阳盛世华庭置业有限公司"),
    officer("魏淑琴", "自然资源局", "濮阳安居棚户区改造建设有限公司"),
    officer("陶立民", "自然资源局", "龙乡花卉种植合作社"),
    officer("姜海波", "自然资源局", "濮阳广厦建筑安装有限公司"),
    officer("戚晓光", "生态环境分局", "濮阳华隆塑料制品有限公司"),
    officer("邹文静", "生态环境分局", "濮阳蓝天气体有限公司"),
    officer("喻建平", "生态环境分局", "濮阳中联混凝土有限公司"),
    officer("柏玉珍", "市场监督管理分局", "濮阳万家福超市有限公司"),
    officer("章明辉", "市场监督管理分局", "濮阳开发区华联购物广场"),
    officer("葛向阳", "市场监督管理分局", "濮阳天成包装材料有限公司"),
    officer("范永刚", "市场监督管理分局", "濮阳中亚管业有限公司"),
    officer("彭雪莲", "应急管理局", "濮阳兴业钢结构有限公司"),
    officer("鲁红军", "应急管理局", "濮阳恒信电气设备有限公司"),
    officer("马俊峰", "应急管理局", "濮阳安平消防器材有限公司"),
    officer("苗国强", "社会事业局", "濮阳速达快递服务有限公司"),
    officer("方志诚", "社会事业局", "濮阳森宇木业有限公司"),
    officer("任晓梅", "社会事业局", "濮阳丰禾饲料有限公司"),
    officer("袁德胜", "团区委", "濮阳新习绿丰蔬菜专业合作社"),
    officer("柳春华", "团区委", "濮阳兴旺生猪养殖有限公司"),
];

/// What a demo user's role is bound to, by name.
enum Scope {
    None,
    Township(&'static str),
    Department(&'static str),
    Cadre(&'static str),
    Enterprise(&'static str),
}

/// A demo log-in (invented display name).
struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    scope: Scope,
}

const fn user(username: &'static str, display_name: &'static str, role: Role, scope: Scope) -> DemoUser {
    DemoUser { username, display_name, role, scope }
}

/// One log-in per role; the department is 经济发展局, which handles the factor
/// needs (要素保障) most orders are about; the officer is 恒丰电子's; the two
/// enterprise users are the contacts of 恒丰电子 and 雪汇食品.
const USERS: &[DemoUser] = &[
    user("admin", "孟凡超", Role::Admin, Scope::None),
    user("leader", "田志刚", Role::Leader, Scope::None),
    user("township", "贺永红", Role::Township, Scope::Township("新习镇")),
    user("department", "石磊", Role::Department, Scope::Department("经济发展局")),
    user("officer", "程明远", Role::Officer, Scope::Cadre("程明远")),
    user("volunteer", "宁晓雨", Role::Volunteer, Scope::None),
    user("isolation", "霍建英", Role::Isolation, Scope::None),
    user("hengfeng", "路海涛", Role::Enterprise, Scope::Enterprise("恒丰电子")),
    user("xuehui", "樊立强", Role::Enterprise, Scope::Enterprise("雪汇食品")),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::store::PageRequest;
    use crate::store::registry::{EnterpriseFilter, list_cadres, list_departments, list_enterprises, list_townships};

    /// The real people the newspaper names; the demo must never use them.
    const SEED_PERSONS: &[&str] = &[
        "陈晓华",
        "邵平",
        "高明忠",
        "牛永飞",
        "安玲玲",
        "王金勇",
        "冯建彬",
        "王新芳",
        "黄静",
        "刘杰",
        "宋钢豹",
        "武庆新",
        "尚丰军",
        "白秉千",
        "谢佳盼",
        "谢美茜",
        "谢相华",
        "王恒",
        "刘永胜",
        "张峰",
        "边艺洲",
    ];

    fn enterprise(name: &str) -> &'static Ent {
        ENTERPRISES.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn forty_seven_cadres_serve_forty_seven_distinct_enterprises() {
        assert_eq!(CADRES.len(), 47);
        let served: HashSet<_> = CADRES.iter().map(|c| c.enterprise).collect();
        assert_eq!(served.len(), 47);
        for c in CADRES {
            enterprise(c.enterprise);
            assert!(DEPARTMENTS.contains(&c.department), "{} has unknown department {}", c.name, c.department);
        }
        let names: HashSet<_> = CADRES.iter().map(|c| c.name).collect();
        assert_eq!(names.len(), 47, "cadre names must be unique (users are bound by name)");
    }

    #[test]
    fn all_sixteen_foreign_trade_enterprises_have_officers() {
        let served: HashSet<_> = CADRES.iter().map(|c| c.enterprise).collect();
        let foreign: Vec<_> = ENTERPRISES.iter().filter(|e| e.kind == EnterpriseKind::ForeignTrade).collect();
        assert_eq!(foreign.len(), 16);
        for e in foreign {
            assert!(served.contains(e.name), "{} lacks an officer", e.name);
        }
        // the other 13 (mostly small shops and co-operatives) have no officer yet
        assert_eq!(ENTERPRISES.len(), 60);
    }

    #[test]
    fn the_seed_enterprises_are_present() {
        let hengfeng = enterprise("恒丰电子");
        assert_eq!(hengfeng.kind, EnterpriseKind::ForeignTrade);
        assert!(hengfeng.industry.contains("均苯四甲酸酐"));
        assert!(hengfeng.address.contains("产业集聚区"));
        let xuehui = enterprise("雪汇食品");
        assert_eq!(xuehui.kind, EnterpriseKind::Industrial);
        assert_eq!(xuehui.township, "新习镇");
        assert_eq!(xuehui.industry, "冷冻饮品");
        enterprise("濮阳国龙物流有限公司");
        enterprise("宏业控股集团有限公司");
        assert_eq!(enterprise("龙乡花卉种植合作社").kind, EnterpriseKind::Agriculture);
        assert_eq!(enterprise("濮阳电子商务产业园").kind, EnterpriseKind::CommerceService);
        let officer = CADRES.iter().find(|c| c.enterprise == "恒丰电子").unwrap();
        assert_eq!(officer.department, "宣传统战办公室");
    }

    #[test]
    fn every_enterprise_is_valid_input_with_a_unique_credit_code() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for (i, e) in ENTERPRISES.iter().enumerate() {
            let code = credit_code(i, e.name).unwrap();
            assert_eq!(CreditCode::parse(code.as_str()).unwrap(), code);
            assert!(codes.insert(code.as_str().to_string()), "duplicate code {code}");
            assert!(names.insert(e.name), "duplicate enterprise {}", e.name);
            assert!(TOWNSHIPS.iter().any(|(t, _)| *t == e.township), "{} has unknown township", e.name);
            let input = EnterpriseInput {
                name: e.name.into(),
                credit_code: code.as_str().into(),
                industry: e.industry.into(),
                kind: e.kind.code().into(),
                township_id: 1,
                address: e.address.into(),
                contact_name: e.contact.into(),
                contact_phone: enterprise_phone(i),
                headcount: e.headcount,
            };
            input.parse().unwrap_or_else(|errs| panic!("{}: {errs:?}", e.name));
        }
        assert!(
            credit_code(ENTERPRISES.iter().position(|e| e.name == "龙乡花卉种植合作社").unwrap(), "龙乡花卉种植合作社").unwrap().as_str().starts_with("93")
        );
    }

    #[test]
    fn every_person_is_invented() {
        let persons = ENTERPRISES.iter().map(|e| e.contact).chain(CADRES.iter().map(|c| c.name)).chain(USERS.iter().map(|u| u.display_name));
        for p in persons {
            assert!(!SEED_PERSONS.contains(&p), "{p} is a real person named in the newspaper");
        }
    }

    #[test]
    fn the_users_are_the_contract_log_ins() {
        let names: Vec<_> = USERS.iter().map(|u| u.username).collect();
        assert_eq!(names, DEMO_USERNAMES);
        for u in USERS {
            assert_eq!(u.role.scope_kind().is_some_and(|k| !k.may_bind_later()), !matches!(u.scope, Scope::None), "{}", u.username);
        }
        assert!(matches!(USERS[4].scope, Scope::Cadre("程明远")));
        assert!(CADRES.iter().any(|c| c.name == "程明远" && c.enterprise == "恒丰电子"));
    }

    #[tokio::test]
    async fn loads_through_the_use_cases() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display())).await.unwrap();
        db.migrate().await.unwrap();
        let summary = load(&db, "demo").await.unwrap();
        assert_eq!(
            (summary.townships, summary.departments, summary.enterprises, summary.cadres, summary.officers_assigned),
            (5, DEPARTMENTS.len(), ENTERPRISES.len(), 47, 47)
        );
        let names: Vec<_> = summary.users.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(names, DEMO_USERNAMES);
        assert_eq!(summary.users[7].1, "企业联系人");

        let page = PageRequest { page: Some(1), per_page: Some(200) };
        assert_eq!(list_townships(&db).await.unwrap().len(), 5);
        assert_eq!(list_departments(&db).await.unwrap().len(), DEPARTMENTS.len());
        assert_eq!(list_cadres(&db, None, &page).await.unwrap().total, 47);
        let all = list_enterprises(&db, &EnterpriseFilter::default(), &page).await.unwrap();
        assert_eq!(all.total as usize, ENTERPRISES.len());
        let with = EnterpriseFilter { has_officer: Some(true), ..Default::default() };
        assert_eq!(list_enterprises(&db, &with, &page).await.unwrap().total, 47);
        let foreign = EnterpriseFilter { kind: Some(EnterpriseKind::ForeignTrade), ..Default::default() };
        assert_eq!(list_enterprises(&db, &foreign, &page).await.unwrap().total, 16);
        let foreign_without = EnterpriseFilter { kind: Some(EnterpriseKind::ForeignTrade), has_officer: Some(false), ..Default::default() };
        assert_eq!(list_enterprises(&db, &foreign_without, &page).await.unwrap().total, 0);

        let hengfeng = all.items.iter().find(|e| e.name == "恒丰电子").unwrap();
        assert_eq!(hengfeng.officer_name.as_deref(), Some("程明远"));
        let officer = crate::store::users::find_user_by_username(&db, "officer").await.unwrap().unwrap();
        assert_eq!(officer.cadre_id, hengfeng.officer_id);
        let user = crate::store::users::find_user_by_username(&db, "hengfeng").await.unwrap().unwrap();
        assert_eq!(user.enterprise_id, Some(hengfeng.id));
        let township = crate::store::users::find_user_by_username(&db, "township").await.unwrap().unwrap();
        assert_eq!(township.scope_name.as_deref(), Some("新习镇"));

        // A second load is refused by the same constraints production relies on.
        assert!(matches!(load(&db, "demo").await, Err(AppError::Conflict { .. })));
    }
}
