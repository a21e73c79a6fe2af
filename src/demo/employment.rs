//! The demo's employment work (稳就业) of March 2020: enterprises' job postings
//! (线上用工信息发布), the poor households (贫困户) of the zone's villages and
//! their members, public-welfare posts (公益性岗位), a point-to-point trip of
//! workers to Jiangsu (点对点运输), and the newspaper's story — 雪汇食品 hired 16
//! poor workers at its recruitment fair ("像刘永胜这样的贫困人员，雪汇食品公司共招录
//! 了16名"), one of them from 新习镇小寨村, at about 4,000 元 a month. A few
//! households still lack a job on the 19th: the 一户一人一岗 gap list is not empty.
//!
//! Every private person's name here is invented (never the newspaper's); the
//! figures are the newspaper's. Everything goes through the use cases, at its
//! historical moment.

use std::collections::HashMap;
use std::sync::Arc;

use time::macros::date;
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use super::lookup;
use crate::AppError;
use crate::app::Actor;
use crate::app::auth::actor_of;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::employment::{self as uc, BatchInput, HouseholdInput, MemberInput, PassengerInput, PlacementInput, PostingInput, WelfarePostInput};
use crate::domain::WorkCalendar;
use crate::domain::id_number::IdNumber;
use crate::store::Db;
use crate::store::employment::{self as repo, Member};

/// What the employment demo left, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub households: usize,
    pub placements: usize,
}

/// "雪汇食品公司共招录了16名" poor workers.
pub(super) const XUEHUI_HIRES: usize = 16;

/// A posting: enterprise, post, places, pay, requirements, day posted.
const POSTINGS: &[(&str, &str, i64, &str, &str, Date)] = &[
    ("雪汇食品", "冷饮生产线操作工", 30, "4000元/月", "18—55周岁，身体健康，能适应倒班；建档立卡贫困劳动力优先，岗前免费培训", date!(2020 - 02 - 28)),
    ("濮阳润泽食品有限公司", "面制品包装工", 8, "3200元/月", "18—50周岁，手脚麻利，能吃苦耐劳", date!(2020 - 03 - 05)),
    ("濮阳中原羽绒制品有限公司", "缝纫工", 15, "计件，3500—4500元/月", "有缝纫经验者优先，可提供培训", date!(2020 - 03 - 06)),
    ("恒丰电子", "包装搬运工", 10, "3800元/月", "男性，20—50周岁，能操作叉车者优先", date!(2020 - 03 - 09)),
    ("濮阳康宁卫生用品有限公司", "口罩生产线操作工", 20, "3600元/月，包食宿", "18—45周岁，视力良好，能适应两班倒", date!(2020 - 03 - 03)),
    ("濮阳速达快递服务有限公司", "快递分拣员", 6, "3000元/月", "18—45周岁，身体健康", date!(2020 - 03 - 10)),
    ("濮阳万家福超市有限公司", "理货员", 4, "2600元/月", "初中以上文化，服务意识强", date!(2020 - 03 - 11)),
    ("濮阳龙城建设工程有限公司", "建筑普工", 12, "150元/天", "身体健康，55周岁以下", date!(2020 - 03 - 12)),
    ("濮阳老街坊餐饮管理有限公司", "后厨帮工", 2, "2500元/月，包吃住", "身体健康，持健康证", date!(2020 - 03 - 04)),
    ("濮阳天成包装材料有限公司", "纸箱成型工", 5, "3300元/月", "能适应倒班", date!(2020 - 02 - 26)),
];

/// A poor household: township, village, and its members (name, relation,
/// labour capacity, how the member is employed outside a placement).
struct HouseholdPlan {
    township: &'static str,
    village: &'static str,
    members: Vec<(String, &'static str, bool, Option<&'static str>)>,
}

/// Invented names: a surname and a two-character given name.
const SURNAMES: &[&str] =
    &["郑", "康", "贾", "韦", "白", "侯", "秦", "范", "魏", "姚", "孟", "尹", "付", "耿", "岳", "申", "薛", "蒋", "武", "崔", "霍", "阎", "焦", "邢"];
const GIVEN_FIRST: &[&str] = &["永", "建", "国", "红", "秀", "春", "海", "志", "玉", "桂", "德", "明", "晓", "金", "长", "俊"];
const GIVEN_SECOND: &[&str] = &["旺", "兰", "英", "军", "华", "芳", "林", "才", "梅", "生", "山", "霞", "福", "平", "亮", "娥", "强", "云"];

/// The real people the newspaper names: the demo never uses them.
pub(super) const REAL_PERSONS: &[&str] =
    &["刘永胜", "张峰", "谢佳盼", "谢美茜", "谢相华", "王恒", "陈晓华", "邵平", "高明忠", "牛永飞", "安玲玲", "王金勇", "武庆新", "尚丰军"];

/// The `n`-th invented name (deterministic, distinct for n below 6,912).
fn name(n: usize) -> String {
    let s = SURNAMES[n % SURNAMES.len()];
    let a = GIVEN_FIRST[(n / SURNAMES.len() + n) % GIVEN_FIRST.len()];
    let b = GIVEN_SECOND[(n * 7 + n / 5) % GIVEN_SECOND.len()];
    format!("{s}{a}{b}")
}

/// The households: 18 in 新习镇 whose 16 workers 雪汇食品 hires (the first of
/// 小寨村), others across the zone placed into welfare posts or other jobs, some
/// working away, some without labour capacity, and a few still without a job.
fn household_plans() -> Vec<HouseholdPlan> {
    let mut names = (0..).map(name).filter(|n| !REAL_PERSONS.contains(&n.as_str()));
    let mut next = || names.next().unwrap_or_default();
    let mut out: Vec<HouseholdPlan> = Vec::new();
    // 雪汇食品's hires: one able worker each from 16 households of 新习镇
    let xuehui_villages = [
        "小寨村",
        "小寨村",
        "小寨村",
        "仓上村",
        "仓上村",
        "仓上村",
        "东庄村",
        "东庄村",
        "西寨村",
        "西寨村",
        "前营村",
        "前营村",
        "后集村",
        "后集村",
        "大店村",
        "大店村",
    ];
    for village in xuehui_villages {
        out.push(HouseholdPlan {
            township: "新习镇",
            village,
            members: vec![(next(), "户主", true, None), (next(), "配偶", false, None), (next(), "子女", false, None)],
        });
    }
    // households whose worker gets a welfare post or another job
    for (township, village) in
        [("新习镇", "小寨村"), ("新习镇", "仓上村"), ("胡村乡", "刘庄村"), ("胡村乡", "马集村"), ("王助镇", "王楼村"), ("王助镇", "高岗村")]
    {
        out.push(HouseholdPlan { township, village, members: vec![(next(), "户主", true, None), (next(), "母亲", false, None)] });
    }
    // working away (外出务工), found on their own or by the point-to-point trip
    for (township, village) in [("新习镇", "仓上村"), ("新习镇", "东庄村"), ("胡村乡", "刘庄村"), ("王助镇", "王楼村")] {
        out.push(HouseholdPlan {
            township,
            village,
            members: vec![(next(), "户主", true, Some("外出务工（江苏昆山）")), (next(), "配偶", true, None), (next(), "子女", false, None)],
        });
    }
    // no labour capacity: elderly or ill, supported otherwise (no gap)
    for (township, village) in [("新习镇", "西寨村"), ("胡村乡", "马集村"), ("皇甫办事处", "韩庄村")] {
        out.push(HouseholdPlan { township, village, members: vec![(next(), "户主", false, None), (next(), "配偶", false, None)] });
    }
    // still without a job on the 19th: the gap list
    for (township, village) in [("新习镇", "小寨村"), ("新习镇", "前营村"), ("新习镇", "后集村"), ("胡村乡", "刘庄村"), ("王助镇", "高岗村")]
    {
        out.push(HouseholdPlan {
            township, village, members: vec![(next(), "户主", true, None), (next(), "配偶", true, None), (next(), "子女", false, None)]
        });
    }
    // children take the head's surname
    for h in &mut out {
        let surname: String = h.members[0].0.chars().take(1).collect();
        for m in h.members.iter_mut().filter(|m| m.1 == "子女") {
            m.0 = format!("{surname}{}", m.0.chars().skip(1).collect::<String>());
        }
    }
    out
}

/// Welfare posts: township, village, post, places, pay, duties.
const WELFARE_POSTS: &[(&str, &str, &str, i64, &str, &str)] = &[
    ("新习镇", "小寨村", "村级保洁员", 3, "800元/月", "村内道路、坑塘周边日常保洁"),
    ("新习镇", "仓上村", "防疫值守员", 2, "900元/月", "村口值守、测温登记"),
    ("胡村乡", "刘庄村", "村级保洁员", 2, "800元/月", "村内道路日常保洁"),
    ("王助镇", "王楼村", "护林员", 2, "700元/月", "林木巡护、防火宣传"),
];

pub(super) async fn load(db: &Db, townships: &HashMap<&str, i64>, enterprises: &HashMap<&str, i64>) -> Result<Loaded, AppError> {
    let leader = user(db, "leader").await?;
    let township = user(db, "township").await?;
    let xinxi = lookup(townships, "新习镇")?;
    let calendar = Arc::new(WorkCalendar::shipped());
    let at = |day: Date, minutes: i64| WorkContext { db: db.clone(), calendar: calendar.clone(), now: local(day, minutes) };
    let actor_for = |t: &str| -> Result<&Actor, AppError> { if lookup(townships, t)? == xinxi { Ok(&township) } else { Ok(&leader) } };

    // 线上用工信息发布
    let mut postings = HashMap::new();
    for &(enterprise, post, headcount, pay, requirements, day) in POSTINGS {
        let input = PostingInput {
            enterprise_id: Some(lookup(enterprises, enterprise)?),
            post: post.into(),
            headcount,
            pay: pay.into(),
            requirements: requirements.into(),
            posted_on: Some(date_text(day)),
            township_id: None,
        };
        let p = uc::create_posting(&at(day, 10 * 60), &leader, &input).await?;
        postings.insert(enterprise, p.id);
    }
    // recruitment stopped at the packaging plant once its season's need was met
    let closed = lookup(&postings, "濮阳天成包装材料有限公司")?;
    let version = {
        let mut conn = db.pool().acquire().await?;
        repo::find_posting(&mut conn, closed).await?.ok_or(AppError::NotFound("用工信息"))?.version
    };
    uc::set_posting_status(db, &leader, closed, &uc::PostingStatusInput { status: "closed".into(), version }).await?;

    // 贫困户, registered by their townships (the zone's office for the others)
    let plans = household_plans();
    let mut household_ids = Vec::new();
    for p in &plans {
        let input = HouseholdInput {
            head_name: p.members[0].0.clone(),
            township_id: Some(lookup(townships, p.township)?),
            village: p.village.into(),
            address: format!("{}{}", p.township, p.village),
            notes: String::new(),
            members: p
                .members
                .iter()
                .map(|(n, relation, able, away)| MemberInput {
                    name: n.clone(),
                    relation: (*relation).into(),
                    labour_capable: *able,
                    employment: Some(if away.is_some() { "employed" } else { "unemployed" }.into()),
                    employment_note: away.unwrap_or_default().into(),
                    id_number: None,
                })
                .collect(),
        };
        household_ids.push(uc::create_households(db, actor_for(p.township)?, std::slice::from_ref(&input)).await?[0]);
    }
    let members = {
        let mut conn = db.pool().acquire().await?;
        repo::members_of(&mut conn, &household_ids).await?
    };
    let first_able = |household: i64| -> Result<&Member, AppError> {
        members.iter().find(|m| m.household_id == household && m.labour_capable == 1).ok_or_else(|| bug("a household without an able member"))
    };

    // 雪汇食品's recruitment fair: 16 poor workers in three groups, all at work by the 19th
    let xuehui = lookup(&postings, "雪汇食品")?;
    let mut placed = 0;
    for (group, day) in [(0..6, date!(2020 - 03 - 02)), (6..11, date!(2020 - 03 - 09)), (11..16, date!(2020 - 03 - 16))] {
        let inputs: Vec<PlacementInput> = household_ids[group]
            .iter()
            .map(|&h| {
                Ok(PlacementInput {
                    member_id: first_able(h)?.id,
                    posting_id: Some(xuehui),
                    enterprise_id: None,
                    welfare_post_id: None,
                    started_on: date_text(day),
                })
            })
            .collect::<Result<_, AppError>>()?;
        placed += uc::create_placements(&at(day, 9 * 60), &township, &inputs).await?.len();
    }

    // 公益性岗位
    let mut welfare = Vec::new();
    for &(t, village, post, slots, pay, duties) in WELFARE_POSTS {
        let input = WelfarePostInput {
            name: post.into(),
            township_id: Some(lookup(townships, t)?),
            village: village.into(),
            slots,
            pay: pay.into(),
            duties: duties.into(),
        };
        welfare.push((t, uc::create_welfare_post(db, actor_for(t)?, &input).await?.id));
    }
    // the six households after 雪汇食品's: welfare posts and other jobs
    let others = &household_ids[XUEHUI_HIRES..XUEHUI_HIRES + 6];
    let jobs: [(usize, Option<&str>, Option<usize>, Date); 6] = [
        (0, None, Some(0), date!(2020 - 03 - 05)),
        (1, None, Some(1), date!(2020 - 03 - 06)),
        (2, None, Some(2), date!(2020 - 03 - 10)),
        (3, Some("濮阳老街坊餐饮管理有限公司"), None, date!(2020 - 03 - 11)),
        (4, Some("濮阳老街坊餐饮管理有限公司"), None, date!(2020 - 03 - 12)),
        (5, None, Some(3), date!(2020 - 03 - 13)),
    ];
    for (i, posting, welfare_post, day) in jobs {
        let plan = &plans[XUEHUI_HIRES + i];
        let input = PlacementInput {
            member_id: first_able(others[i])?.id,
            posting_id: posting.map(|e| lookup(&postings, e)).transpose()?,
            enterprise_id: None,
            welfare_post_id: welfare_post.map(|w| welfare[w].1),
            started_on: date_text(day),
        };
        uc::create_placement(&at(day, 10 * 60), actor_for(plan.township)?, &input).await?;
        placed += 1;
    }

    // 点对点运输: a chartered coach from 新习镇 to the factories of 昆山
    let home: Vec<i64> = household_ids.iter().zip(&plans).filter(|(_, p)| p.township == "新习镇").map(|(id, _)| *id).collect();
    let away: Vec<&Member> = members.iter().filter(|m| m.employment == "employed" && home.contains(&m.household_id)).collect();
    let mut passengers: Vec<PassengerInput> = away
        .iter()
        .enumerate()
        .map(|(i, m)| PassengerInput {
            name: m.name.clone(),
            member_id: Some(m.id),
            destination: "江苏昆山·电子厂".into(),
            temperature: [36.3, 36.5, 36.6, 36.4][i % 4],
            health_code: "green".into(),
            id_number: String::new(),
        })
        .collect();
    let mut extra = (500..).map(name).filter(|n| !REAL_PERSONS.contains(&n.as_str()));
    for (k, t) in [36.2, 36.7, 36.5, 36.4, 36.8, 36.3, 36.6, 37.6].into_iter().enumerate() {
        passengers.push(PassengerInput {
            name: extra.next().unwrap_or_default(),
            member_id: None,
            destination: if k % 2 == 0 { "江苏昆山·电子厂".into() } else { "江苏苏州·纺织厂".into() },
            temperature: t,
            health_code: "green".into(),
            // invented numbers (濮阳县, born 1985–1999), stored encrypted like real ones
            id_number: IdNumber::from_parts("410928", date!(1985 - 01 - 01) + Duration::days(397 * k as i64 + 40), 100 + 2 * k as u16 + 1)
                .map(|id| id.as_str().to_string())
                .unwrap_or_default(),
        });
    }
    let trip = BatchInput {
        township_id: Some(xinxi),
        route: "新习镇—江苏昆山（点对点直达）".into(),
        vehicle: "豫J·A6852 大型客车".into(),
        departs_on: "2020-03-10".into(),
        escort: extra.next().unwrap_or_default(),
        passengers,
    };
    uc::create_batch(&at(date!(2020 - 03 - 10), 6 * 60 + 30), &township, &trip).await?;

    Ok(Loaded { households: household_ids.len(), placements: placed })
}

async fn user(db: &Db, username: &str) -> Result<Actor, AppError> {
    let u = crate::store::users::find_user_by_username(db, username).await?.ok_or_else(|| bug(format!("no user {username}")))?;
    Ok(actor_of(&u))
}

fn bug(message: impl Into<String>) -> AppError {
    AppError::Internal(format!("demo employment: {}", message.into()))
}

/// A local (+08:00) moment, as the UTC the production clock gives.
fn local(day: Date, minutes: i64) -> OffsetDateTime {
    (OffsetDateTime::new_in_offset(day, Time::MIDNIGHT, LOCAL) + Duration::minutes(minutes)).to_offset(UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_name_is_invented_and_distinct() {
        let plans = household_plans();
        let names: Vec<String> = plans.iter().flat_map(|p| p.members.iter().map(|m| m.0.clone())).collect();
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "names repeat");
        for n in &names {
            assert!(!REAL_PERSONS.contains(&n.as_str()), "{n} is a real person named in the newspaper");
            assert_eq!(n.chars().count(), 3);
        }
    }

    #[test]
    fn sixteen_households_give_xuehui_its_hires_and_five_remain_gaps() {
        let plans = household_plans();
        assert!(plans[..XUEHUI_HIRES].iter().all(|p| p.township == "新习镇" && p.members.iter().any(|m| m.2)));
        assert_eq!(plans[0].village, "小寨村");
        let gaps = plans.iter().filter(|p| p.members.iter().any(|m| m.2) && p.members.iter().all(|m| m.3.is_none())).count();
        // before the placements: the 16 + 6 to be placed, and the 5 that stay gaps
        assert_eq!(gaps, XUEHUI_HIRES + 6 + 5);
        assert!(POSTINGS.iter().any(|p| p.0 == "雪汇食品" && p.2 >= XUEHUI_HIRES as i64 && p.3 == "4000元/月"));
    }
}
