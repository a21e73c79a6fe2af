//! The demo's one-to-one tutoring (结对帮扶): the 团区委's call "大手拉小手"
//! brought students not yet back at school to tutor poor families' children,
//! front-line workers' children and left-behind children. A registry of 56
//! volunteers and 80 children in the zone's villages, the optimal pairing
//! computed over them, accepted, and the session logs of the week before the
//! newspaper's day — among them the newspaper's own story: a university student
//! of 新习镇仓上村 tutoring a sister and a brother of the same village online
//! classes (the names here are invented).
//!
//! The `volunteer` log-in is that student. This registry is separate from the
//! 746 volunteers the patriotic-health campaign mobilised (a campaign tally).

use std::collections::HashMap;
use std::sync::Arc;

use time::macros::{date, time};
use time::{Date, Duration, OffsetDateTime};

use super::lookup;
use crate::AppError;
use crate::app::auth::actor_of;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::tutoring::{self as uc, ChildInput, SessionInput, VolunteerInput};
use crate::app::{Actor, users};
use crate::domain::{ScopeKind, WorkCalendar};
use crate::store::Db;

/// What the tutoring demo left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub volunteers: usize,
    pub children: usize,
    pub accepted: usize,
    pub proposed: usize,
    pub sessions: usize,
}

/// The newspaper's student (invented name; the `volunteer` log-in's display name).
pub(super) const STUDENT: &str = "宁晓雨";
/// The sister and the brother the student tutors (invented names).
pub(super) const SIBLINGS: [&str; 2] = ["宁欣悦", "宁子豪"];
const STORY_VILLAGE: (&str, &str) = ("新习镇", "仓上村");

/// Registers the volunteers and children, computes the optimal pairing,
/// accepts it (a few proposals are left for the demo user to decide), binds
/// the `volunteer` log-in and logs the sessions.
///
/// # Errors
/// Whatever a use case refuses (a bug in the tables), or a database failure.
pub(super) async fn load(db: &Db, townships: &HashMap<&str, i64>) -> Result<Loaded, AppError> {
    let system = Actor::system();
    let calendar = Arc::new(WorkCalendar::shipped());
    let at = |day: Date, hour: u8| WorkContext { db: db.clone(), calendar: calendar.clone(), now: local(day, hour) };

    let mut volunteers = vec![VolunteerInput {
        name: STUDENT.into(),
        school: "河南大学".into(),
        phone: "15803931000".into(),
        subjects: vec!["chinese".into(), "math".into(), "english".into()],
        grade_min: Some(1),
        grade_max: Some(9),
        township_id: Some(lookup(townships, STORY_VILLAGE.0)?),
        village: STORY_VILLAGE.1.into(),
        availability: "每天下午（网课时间）".into(),
        capacity: Some(2),
        ..VolunteerInput::default()
    }];
    for i in 0..VOLUNTEERS {
        let (township, village) = VILLAGES[(i * 5 + 1) % VILLAGES.len()];
        let (subjects, lo, hi) = MAJORS[i % MAJORS.len()];
        volunteers.push(VolunteerInput {
            name: person(i, GIVEN_ADULT, 7),
            school: SCHOOLS[(i * 3) % SCHOOLS.len()].into(),
            phone: format!("1580393{:04}", 1_100 + i * 13),
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            grade_min: Some(lo),
            grade_max: Some(hi),
            township_id: Some(lookup(townships, township)?),
            village: village.into(),
            availability: AVAILABILITY[i % AVAILABILITY.len()].into(),
            capacity: Some(if i % 7 == 3 { 2 } else { 1 }),
            ..VolunteerInput::default()
        });
    }
    let volunteers = uc::create_volunteers(&at(date!(2020 - 03 - 08), 10), &system, &volunteers).await?;

    let (t, v) = STORY_VILLAGE;
    let mut children = vec![
        child(SIBLINGS[0], 5, &["math", "english"], "left_behind", lookup(townships, t)?, v, "宁建华"),
        child(SIBLINGS[1], 2, &["chinese", "math"], "left_behind", lookup(townships, t)?, v, "宁建华"),
    ];
    for i in 0..CHILDREN {
        let (township, village) = VILLAGES[(i * 7 + 3) % VILLAGES.len()];
        let grade = GRADE_SPREAD[i % GRADE_SPREAD.len()];
        let needs = needs_of(grade, i);
        let name = person(i, GIVEN_CHILD, 5);
        let guardian = format!("{}{}", name.chars().next().unwrap_or('王'), GUARDIAN[i % GUARDIAN.len()]);
        let mut c = child(&name, grade, needs, CATEGORIES[i % CATEGORIES.len()], lookup(townships, township)?, village, &guardian);
        c.guardian_phone = format!("1370393{:04}", 2_000 + i * 17);
        children.push(c);
    }
    let children = uc::create_children(&at(date!(2020 - 03 - 09), 10), &system, &children).await?;

    // the villages on the map, so that the pairing grades the distance between townships
    for &(township, village, latitude, longitude) in VILLAGE_COORDINATES {
        let input = uc::VillageLocationInput {
            township_id: Some(lookup(townships, township)?),
            village: village.into(),
            latitude: Some(latitude),
            longitude: Some(longitude),
        };
        uc::set_village_location(&at(date!(2020 - 03 - 09), 11), &system, &input).await?;
    }
    let run = uc::compute_pairings(&at(date!(2020 - 03 - 10), 9), &system).await?;
    let student = volunteers.first().map(|v| v.id).ok_or_else(|| super::demo_error("no student"))?;
    // the task force accepts the proposals; the last few stay open for the demo
    let all = uc::list_pairings(db, &system, &uc::PairingQuery { status: Some("proposed".into()), per_page: Some(200), ..Default::default() }).await?.items;
    let mut left_open = 0;
    let mut accept = Vec::new();
    for p in all.iter().rev() {
        if left_open < LEFT_OPEN && p.volunteer_id != student {
            left_open += 1;
        } else {
            accept.push(p.id);
        }
    }
    accept.sort_unstable();
    let accepted = uc::accept_pairings(&at(date!(2020 - 03 - 10), 16), &system, &accept).await?;

    // the `volunteer` log-in is the student
    let user = crate::store::users::find_user_by_username(db, "volunteer").await?.ok_or_else(|| super::demo_error("no user volunteer"))?;
    let user = users::bind_user(db, &system, user.id, ScopeKind::Volunteer, student).await?;
    let me = actor_of(&user);

    let mut sessions = 0;
    for p in &accepted {
        if p.volunteer_id == student {
            for (k, &(day, minutes, topic, note)) in STORY_SESSIONS.iter().enumerate() {
                // the sister's online classes every day; the brother's homework on alternate days
                if p.child_name == SIBLINGS[1] && k % 2 == 1 {
                    continue;
                }
                let input = SessionInput { held_on: date_text(day), minutes: Some(minutes), topic: topic.into(), note: note.into() };
                uc::log_session(&at(day, 18), &me, p.id, &input).await?;
                sessions += 1;
            }
        } else if p.id % 3 == 0 {
            let n = 1 + (p.id % 2) as usize;
            for k in 0..n {
                let day = date!(2020 - 03 - 12) + Duration::days(p.id % 5 + 2 * k as i64);
                let (topic, note) = OTHER_SESSIONS[(p.id as usize + k) % OTHER_SESSIONS.len()];
                let input = SessionInput { held_on: date_text(day), minutes: Some(60 + 30 * (k as i64 % 2)), topic: topic.into(), note: note.into() };
                uc::log_session(&at(day, 20), &system, p.id, &input).await?;
                sessions += 1;
            }
        }
    }
    Ok(Loaded { volunteers: volunteers.len(), children: children.len(), accepted: accepted.len(), proposed: run.proposed.len() - accepted.len(), sessions })
}

fn local(day: Date, hour: u8) -> OffsetDateTime {
    day.with_time(time!(00:00)).assume_offset(LOCAL) + Duration::hours(i64::from(hour))
}

fn child(name: &str, grade: i64, needs: &[&str], category: &str, township: i64, village: &str, guardian: &str) -> ChildInput {
    ChildInput {
        name: name.into(),
        grade: Some(grade),
        subjects: needs.iter().map(|s| s.to_string()).collect(),
        category: category.into(),
        township_id: Some(township),
        village: village.into(),
        guardian: guardian.into(),
        guardian_phone: "13703931999".into(),
        version: None,
    }
}

/// An invented name: a surname and a given name picked by co-prime steps.
fn person(i: usize, given: &[&str], step: usize) -> String {
    format!("{}{}", SURNAMES[(i * step + 2) % SURNAMES.len()], given[(i * 11 + 5) % given.len()])
}

/// What a child of `grade` needs help with: one or two subjects of its stage.
fn needs_of(grade: i64, i: usize) -> &'static [&'static str] {
    const PRIMARY: [&[&str]; 4] = [&["math"], &["chinese", "math"], &["english"], &["chinese"]];
    const JUNIOR: [&[&str]; 4] = [&["math", "english"], &["physics"], &["english"], &["math"]];
    const SENIOR: [&[&str]; 4] = [&["math"], &["physics", "chemistry"], &["english"], &["chemistry"]];
    let stage = match grade {
        1..=6 => PRIMARY,
        7..=9 => JUNIOR,
        _ => SENIOR,
    };
    stage[i % stage.len()]
}

const VOLUNTEERS: usize = 55;
const CHILDREN: usize = 78;
/// Proposals left for the demo user to accept or reject.
const LEFT_OPEN: usize = 4;

/// Villages (村) and communities (社区) of the zone's townships, where the
/// volunteers and children live; 仓上村 is kept for the newspaper's story.
const VILLAGES: &[(&str, &str)] = &[
    ("新习镇", "小寨村"),
    ("新习镇", "新习村"),
    ("新习镇", "东营村"),
    ("新习镇", "西营村"),
    ("新习镇", "苏堤村"),
    ("王助镇", "王助村"),
    ("王助镇", "后王助村"),
    ("王助镇", "李庄村"),
    ("王助镇", "马庄村"),
    ("胡村乡", "胡村"),
    ("胡村乡", "前胡村"),
    ("胡村乡", "孟庄村"),
    ("胡村乡", "岳村"),
    ("皇甫办事处", "皇甫村"),
    ("皇甫办事处", "后皇甫村"),
    ("皇甫办事处", "张仪村"),
    ("濮上办事处", "濮上社区"),
    ("濮上办事处", "东北庄村"),
    ("濮上办事处", "西辛庄村"),
];

/// Where the villages lie (WGS-84, approximate: the zone lies south-west of
/// 濮阳 city, about 35.7°N 115.0°E; each township's villages around its seat).
const VILLAGE_COORDINATES: &[(&str, &str, f64, f64)] = &[
    ("新习镇", "仓上村", 35.672, 114.941),
    ("新习镇", "小寨村", 35.681, 114.952),
    ("新习镇", "新习村", 35.676, 114.962),
    ("新习镇", "东营村", 35.669, 114.975),
    ("新习镇", "西营村", 35.668, 114.930),
    ("新习镇", "苏堤村", 35.659, 114.950),
    ("王助镇", "王助村", 35.628, 115.004),
    ("王助镇", "后王助村", 35.639, 115.006),
    ("王助镇", "李庄村", 35.622, 115.021),
    ("王助镇", "马庄村", 35.615, 114.992),
    ("胡村乡", "胡村", 35.664, 114.883),
    ("胡村乡", "前胡村", 35.655, 114.885),
    ("胡村乡", "孟庄村", 35.671, 114.870),
    ("胡村乡", "岳村", 35.648, 114.872),
    ("皇甫办事处", "皇甫村", 35.748, 114.962),
    ("皇甫办事处", "后皇甫村", 35.757, 114.960),
    ("皇甫办事处", "张仪村", 35.741, 114.948),
    ("濮上办事处", "濮上社区", 35.739, 115.018),
    ("濮上办事处", "东北庄村", 35.746, 115.031),
    ("濮上办事处", "西辛庄村", 35.733, 115.004),
];

const SCHOOLS: &[&str] = &[
    "郑州大学",
    "河南大学",
    "河南师范大学",
    "河南理工大学",
    "华北水利水电大学",
    "河南工业大学",
    "信阳师范学院",
    "安阳师范学院",
    "新乡医学院",
    "濮阳职业技术学院",
    "河南农业大学",
    "洛阳师范学院",
];

/// What students of different majors can teach, and to which grades.
const MAJORS: &[(&[&str], i64, i64)] = &[
    (&["chinese", "english", "politics"], 1, 9),
    (&["math", "physics", "chemistry"], 7, 12),
    (&["math", "chinese", "english"], 1, 6),
    (&["english", "history", "geography"], 4, 9),
    (&["math", "science", "chinese"], 1, 6),
    (&["biology", "chemistry", "math"], 7, 12),
    (&["chinese", "math", "arts"], 1, 6),
    (&["math", "english", "physics"], 5, 12),
];

const AVAILABILITY: &[&str] = &["工作日晚上", "每天上午", "每天下午", "周末全天", "工作日下午、周末"];

/// Grades of the children, primary school the most.
const GRADE_SPREAD: &[i64] = &[3, 5, 1, 7, 4, 2, 8, 6, 9, 3, 10, 5, 2, 11, 4, 6, 1, 12];

/// Why each child is helped, in turn: most are in a priority category.
const CATEGORIES: &[&str] = &["left_behind", "poor_family", "frontline_child", "left_behind", "other", "poor_family", "frontline_child", "other"];

const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "宋", "韩"];

const GIVEN_ADULT: &[&str] = &[
    "思远", "梦琪", "浩宇", "佳怡", "子墨", "雨萱", "俊杰", "欣然", "文博", "诗涵", "天宇", "若曦", "明轩", "婉清", "一鸣", "紫涵", "泽宇", "可馨", "晨阳",
    "静怡", "博文", "雅琪", "凯文", "梓萌", "鹏飞", "晓彤", "宇航", "心怡", "昊然", "嘉欣", "志远", "佳琪", "瑞泽", "思彤", "逸飞", "雪晴", "振宇", "语嫣",
    "立伟", "梦洁", "嘉豪",
];

const GIVEN_CHILD: &[&str] = &[
    "子轩", "欣怡", "梓涵", "浩然", "雨桐", "一诺", "俊熙", "诗琪", "宇轩", "佳琪", "梓睿", "可欣", "皓轩", "思琪", "奕辰", "雨欣", "铭轩", "语桐", "子涵",
    "嘉怡", "睿泽", "若汐", "晨曦", "依诺", "沐阳", "欣妍", "宇泽", "梓萱", "浩宇", "心悦", "天佑", "紫萱", "梓豪", "诗雨", "博宇", "安琪", "锦程",
];

const GUARDIAN: &[&str] = &["建国", "秀英", "丽华", "志强", "桂兰", "红梅", "国庆", "玉兰"];

/// The student's sessions with the siblings in the week up to the newspaper's day.
const STORY_SESSIONS: &[(Date, i64, &str, &str)] = &[
    (date!(2020 - 03 - 11), 90, "online_class", "陪姐弟俩上网课，调试网课平台"),
    (date!(2020 - 03 - 12), 60, "homework", "讲解数学作业中的应用题"),
    (date!(2020 - 03 - 13), 90, "online_class", "辅导英语网课，练习单词听写"),
    (date!(2020 - 03 - 14), 45, "epidemic_knowledge", "讲解勤洗手、戴口罩等防疫知识"),
    (date!(2020 - 03 - 16), 90, "online_class", "网课辅导，检查课堂笔记"),
    (date!(2020 - 03 - 17), 60, "companionship", "陪伴学习，制订每日学习计划"),
    (date!(2020 - 03 - 18), 90, "online_class", "网课辅导，订正数学练习"),
    (date!(2020 - 03 - 19), 60, "homework", "作业答疑，复习本周所学"),
];

const OTHER_SESSIONS: &[(&str, &str)] = &[
    ("online_class", "陪同上网课"),
    ("homework", "作业答疑"),
    ("companionship", "学习陪伴"),
    ("counselling", "聊天谈心，疏导居家学习的焦虑"),
    ("epidemic_knowledge", "宣传居家防疫知识"),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_name_is_invented_and_unique() {
        let seed = ["谢佳盼", "谢美茜", "谢相华"];
        let volunteers: Vec<String> = (0..VOLUNTEERS).map(|i| person(i, GIVEN_ADULT, 7)).chain([STUDENT.to_string()]).collect();
        let children: Vec<String> = (0..CHILDREN).map(|i| person(i, GIVEN_CHILD, 5)).chain(SIBLINGS.map(String::from)).collect();
        for n in volunteers.iter().chain(&children) {
            assert!(!seed.contains(&n.as_str()), "{n} is a real person named in the newspaper");
        }
        assert_eq!(volunteers.iter().collect::<HashSet<_>>().len(), volunteers.len(), "volunteer names are unique (users bind by name)");
        // the story's village is the story's alone, so that the optimum pairs it as the newspaper tells
        assert!(!VILLAGES.contains(&STORY_VILLAGE));
        // every village of the demo lies on the map
        for &(t, v) in VILLAGES.iter().chain([&STORY_VILLAGE]) {
            assert!(VILLAGE_COORDINATES.iter().any(|&(ct, cv, _, _)| (ct, cv) == (t, v)), "{t}{v} has no coordinates");
        }
    }
}
