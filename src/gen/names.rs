//! Invented Chinese names for the generated data: people, townships, roads,
//! enterprises and their industries, and valid 统一社会信用代码. Syllable lists
//! combined at random give names that read naturally without naming real people.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::domain::{CreditCode, EnterpriseKind};

/// Common surnames, the most frequent first (picked with a bias toward the front).
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐",
    "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余", "潘",
    "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦",
    "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "黎", "易", "常", "武", "乔", "贺", "赖", "龚", "文", "庞", "樊", "兰", "殷",
    "施", "陶", "洪", "翟", "安", "颜", "倪", "严", "牛", "温", "芦", "季", "俞", "章", "鲁", "葛", "伍", "韦", "申", "尤", "毕",
];

/// Characters of given names.
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国",
    "文", "辉", "力", "斌", "宇", "浩", "凯", "鹏", "俊", "帅", "玉", "兰", "红", "梅", "晓", "立", "志", "海", "云", "峰", "春", "永", "亮", "新", "林", "健",
    "婷", "雪", "琳", "慧", "佳", "欣", "倩", "颖", "瑞", "博", "毅", "昊", "晨", "阳", "思", "雨", "嘉", "子", "振", "东", "卫", "荣", "德", "庆", "成", "金",
    "福", "贵", "宏", "亚", "莉", "萍", "燕", "君", "彬", "鑫", "旭", "飞", "冬", "秋", "松", "晶", "悦", "琦", "航", "哲", "睿", "晗",
];

/// Characters of place names (townships, villages, roads).
const PLACE: &[&str] = &[
    "东", "西", "南", "北", "新", "安", "和", "兴", "华", "丰", "平", "宁", "清", "河", "山", "桥", "庄", "集", "店", "湾", "城", "阳", "林", "泉", "水", "王",
    "李", "张", "刘", "柳", "杨", "梁", "马", "陈", "胡", "白", "黄", "高", "石", "金", "龙", "凤", "鹤", "盘", "古", "双", "三", "五", "八", "十", "文", "德",
    "仁", "义", "礼", "庙", "寨", "岗", "堤", "营", "屯", "铺", "坡", "口", "陵", "沟", "湖", "渠", "坊", "台", "关", "岭", "洼", "滩", "塘",
];

/// Road name endings.
const ROADS: &[&str] = &["路", "大道", "街", "大街", "中路", "东路", "西路", "北路", "南路"];

/// Cities an enterprise or township may be named after, with the region code of
/// their credit codes (GB/T 2260). A zone uses the first only.
pub const CITIES: &[(&str, &str)] = &[
    ("濮阳", "410900"),
    ("郑州", "410100"),
    ("开封", "410200"),
    ("洛阳", "410300"),
    ("平顶山", "410400"),
    ("安阳", "410500"),
    ("鹤壁", "410600"),
    ("新乡", "410700"),
    ("焦作", "410800"),
    ("许昌", "411000"),
    ("漯河", "411100"),
    ("三门峡", "411200"),
    ("南阳", "411300"),
    ("商丘", "411400"),
    ("信阳", "411500"),
    ("周口", "411600"),
    ("驻马店", "411700"),
];

/// Trade names (字号): two characters of good omen.
const TRADE: &[&str] = &[
    "恒", "丰", "华", "瑞", "鑫", "达", "宏", "业", "盛", "昌", "隆", "泰", "康", "宁", "顺", "通", "金", "源", "润", "泽", "天", "成", "中", "联", "新", "科",
    "博", "远", "德", "信", "安", "永", "兴", "旺", "嘉", "禾", "汇", "众", "合", "创", "锦", "绣", "辰", "星", "海", "诚", "益", "祥", "凯", "利",
];

/// What each kind of enterprise makes or does: (the industry as the registry
/// records it, the word in the enterprise's name).
fn trades(kind: EnterpriseKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        EnterpriseKind::Industrial => &[
            ("机械加工", "机械制造"),
            ("塑料制品", "塑料制品"),
            ("食品加工", "食品"),
            ("包装材料", "包装材料"),
            ("输配电设备", "电气设备"),
            ("化工原料", "化工"),
            ("新材料", "新材料科技"),
            ("纺织服装", "纺织"),
            ("家具制造", "家具"),
            ("汽车零部件", "汽车配件"),
            ("医疗器械", "医疗器械"),
            ("光伏组件", "新能源科技"),
            ("钢结构", "钢结构"),
            ("电子元器件", "电子科技"),
            ("印刷", "印务"),
        ],
        EnterpriseKind::ForeignTrade => &[
            ("进出口贸易", "进出口贸易"),
            ("国际物流", "国际物流"),
            ("羽绒制品出口", "羽绒制品"),
            ("精细化工出口", "精细化工"),
            ("机电产品出口", "机电"),
            ("服装出口", "服饰"),
            ("农产品出口", "农产品进出口"),
            ("跨境电商", "跨境电子商务"),
        ],
        EnterpriseKind::CommerceService => &[
            ("商超零售", "超市"),
            ("餐饮服务", "餐饮管理"),
            ("住宿餐饮", "酒店"),
            ("快递物流", "快递服务"),
            ("物业服务", "物业服务"),
            ("汽车销售与维修", "汽车销售服务"),
            ("药品零售", "大药房"),
            ("人力资源服务", "人力资源服务"),
            ("财务代理", "会计服务"),
            ("电子商务", "电子商务"),
            ("美容美发", "美容美发"),
            ("建材家居零售", "建材商贸"),
        ],
        EnterpriseKind::ConstructionRealEstate => &[
            ("房地产开发", "置业"),
            ("房屋建筑工程", "建设工程"),
            ("道路桥梁工程", "路桥工程"),
            ("建筑安装", "建筑安装工程"),
            ("园林绿化", "园林绿化工程"),
            ("装饰装修", "装饰工程"),
        ],
        EnterpriseKind::Agriculture => &[
            ("蔬菜种植", "蔬菜种植专业合作社"),
            ("粮食种植", "粮食种植专业合作社"),
            ("花卉种植", "花卉种植专业合作社"),
            ("生猪养殖", "生猪养殖"),
            ("家禽养殖", "禽业养殖专业合作社"),
            ("水产养殖", "水产养殖"),
            ("农产品加工", "农业开发"),
        ],
    }
}

/// A person's name: a surname (common ones more often) and one or two characters.
pub fn person(rng: &mut impl Rng) -> String {
    // squaring a uniform draw favours the front of the list, as surnames are in life
    let u: f64 = rng.r#gen();
    let surname = SURNAMES[((u * u) * SURNAMES.len() as f64) as usize % SURNAMES.len()];
    let mut name = String::with_capacity(9);
    name.push_str(surname);
    name.push_str(pick(rng, GIVEN));
    if rng.gen_bool(0.7) {
        name.push_str(pick(rng, GIVEN));
    }
    name
}

/// A two-character place name.
pub fn place(rng: &mut impl Rng) -> String {
    let first = pick(rng, PLACE);
    let mut second = pick(rng, PLACE);
    while second == first {
        second = pick(rng, PLACE);
    }
    format!("{first}{second}")
}

/// A road: a place name and an ending ("兴华路").
pub fn road(rng: &mut impl Rng) -> String {
    format!("{}{}", place(rng), pick(rng, ROADS))
}

/// An enterprise of `kind` in `city`: its name and the industry the registry records.
pub fn enterprise(rng: &mut impl Rng, city: &str, kind: EnterpriseKind) -> (String, String) {
    let (industry, word) = *trades(kind).choose(rng).unwrap_or(&("其他", "实业"));
    let first = pick(rng, TRADE);
    let mut second = pick(rng, TRADE);
    while second == first {
        second = pick(rng, TRADE);
    }
    let form = if word.ends_with("合作社") {
        ""
    } else {
        match rng.gen_range(0..10) {
            0 => "股份有限公司",
            1 => "有限责任公司",
            _ => "有限公司",
        }
    };
    (format!("{city}{first}{second}{word}{form}"), industry.to_string())
}

/// A mobile number (invented; 13x–18x prefixes).
pub fn mobile(rng: &mut impl Rng) -> String {
    const PREFIXES: [&str; 10] = ["135", "136", "137", "138", "139", "150", "151", "158", "186", "187"];
    format!("{}{:08}", pick(rng, &PREFIXES), rng.gen_range(0..100_000_000u32))
}

/// The characters GB 32100 allows in a credit code.
const CODE_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 31^7: the number of distinct seven-character serials.
const SERIALS: u64 = 27_512_614_111;

/// A valid credit code, unique per `index` for a given `salt`: registration
/// authority 9 (工商), kind 1 (company) or 3 (farmers' co-operative), the region
/// code, "MA" and a seven-character serial that a multiplication by a number
/// prime to 31 spreads over the serial space (so `index` ↦ serial is one-to-one),
/// then the GB 32100 check character.
pub fn credit_code(index: u64, salt: u64, region: &str, cooperative: bool) -> CreditCode {
    let mut n = (index.wrapping_mul(7_368_787) + salt % SERIALS) % SERIALS;
    let mut serial = [b'0'; 7];
    for slot in serial.iter_mut().rev() {
        *slot = CODE_ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let serial = std::str::from_utf8(&serial).unwrap_or("0000000");
    let body = format!("9{}{region}MA{serial}", if cooperative { '3' } else { '1' });
    // the body is built from the alphabet and a six-digit region: always valid
    CreditCode::with_check_character(&body).unwrap_or_else(|e| unreachable!("generated credit code body {body}: {e}"))
}

fn pick<'a>(rng: &mut impl Rng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn credit_codes_are_valid_and_distinct() {
        let mut seen = HashSet::new();
        for i in 0..20_000 {
            let code = credit_code(i, 12_345, "410900", i % 7 == 0);
            assert!(CreditCode::parse(code.as_str()).is_ok(), "{code}");
            assert!(seen.insert(code.as_str().to_string()), "{code} repeated");
        }
    }

    #[test]
    fn names_read_as_names() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            let p = person(&mut rng);
            assert!((2..=3).contains(&p.chars().count()), "{p}");
            let (name, industry) = enterprise(&mut rng, "濮阳", EnterpriseKind::Agriculture);
            assert!(name.starts_with("濮阳") && name.chars().count() <= 100 && !industry.is_empty(), "{name}");
            assert_eq!(mobile(&mut rng).len(), 11);
        }
    }
}
