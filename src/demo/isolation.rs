//! The demo's medical isolation observation point (医学隔离观察点), as the
//! newspaper describes it: a 火线临时党支部 whose "6 名党员、8 名工作人员分为
//! 管理组、医护组、消杀组、后勤组，坚持 24 小时值守", running "一个多月" by
//! 19 March, with its 医学观察制度 and 日常管理制度. Persons returning from
//! Hubei and other key areas, close contacts and, from mid-March, arrivals from
//! abroad check in for 14 days; their temperatures are taken twice a day —
//! one afternoon reading of 37.6 °C raised an alert that was handled, and the
//! morning of 19 March one of 37.4 °C is still open on the staff's desk. The
//! 24-hour duty roster of 13–26 March is generated from the staff and the rules.
//!
//! The `isolation` log-in works at this point and records the readings. Every
//! name is invented (the newspaper names the branch secretary; the demo does not).

use std::sync::Arc;

use time::macros::{date, time};
use time::{Date, Duration, OffsetDateTime};

use crate::AppError;
use crate::app::auth::actor_of;
use crate::app::clock::{LOCAL, WorkContext, date_text};
use crate::app::isolation::{
    self as uc, DocumentInput, HandleInput, PersonInput, PointInput, Reading, ReleaseInput, RoomInput, RosterInput, RoundInput, RoundReading, StaffInput,
};
use crate::app::{Actor, users};
use crate::domain::id_number::IdNumber;
use crate::domain::{ScopeKind, WorkCalendar};
use crate::store::Db;

/// What the isolation demo left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Loaded {
    pub staff: usize,
    pub persons: usize,
    pub readings: usize,
    pub duties: usize,
}

pub(super) const POINT: &str = "开发区医学隔离观察点";

/// Creates the point, its rooms, staff and rules, binds the `isolation`
/// log-in, plays the persons' stays day by day and generates the roster.
///
/// # Errors
/// Whatever a use case refuses (a bug in the tables), or a database failure.
pub(super) async fn load(db: &Db) -> Result<Loaded, AppError> {
    let system = Actor::system();
    let calendar = Arc::new(WorkCalendar::shipped());
    let at = |day: Date, hour: u8| WorkContext { db: db.clone(), calendar: calendar.clone(), now: local(day, hour) };
    let opened = date!(2020 - 02 - 10);

    let point_input = PointInput {
        name: POINT.into(),
        address: "开发区皇甫路东段（集中隔离观察宾馆）".into(),
        party_branch: "医学隔离观察点火线临时党支部".into(),
        observation_days: Some(14),
        version: None,
    };
    let point = uc::create_point(&at(opened, 9), &system, &point_input).await?;
    let user = crate::store::users::find_user_by_username(db, "isolation").await?.ok_or_else(|| super::demo_error("no user isolation"))?;
    let me = actor_of(&users::bind_user(db, &system, user.id, ScopeKind::IsolationPoint, point.id).await?);

    for floor in [1, 2] {
        for n in 1..=10 {
            let number = format!("{floor}{n:02}");
            let beds = if n == 10 { 2 } else { 1 };
            let note = if n == 10 { "家庭房" } else { "" };
            uc::create_room(&at(opened, 10), &me, point.id, &RoomInput { number, beds: Some(beds), note: note.into() }).await?;
        }
    }
    let rooms = uc::list_rooms(db, &me, point.id).await?;
    let room_id = |number: &str| rooms.iter().find(|r| r.number == number).map(|r| r.id);

    let staff: Vec<StaffInput> = STAFF
        .iter()
        .enumerate()
        .map(|(i, &(name, group, party, title))| StaffInput {
            name: name.into(),
            group: group.into(),
            party_member: party,
            title: title.into(),
            phone: format!("1360393{:04}", 3_000 + i * 23),
        })
        .collect();
    let staff = uc::add_staff_members(&at(opened, 11), &me, point.id, &staff).await?;
    for &(title, body) in DOCUMENTS {
        uc::create_document(&at(opened + Duration::days(1), 9), &me, point.id, &DocumentInput { title: title.into(), body: body.into() }).await?;
    }

    // the stays, day by day: check-ins in the morning, two rounds, releases at the end of the day
    let first = PERSONS.iter().map(|p| p.checked_in).min().unwrap_or(opened);
    let last = date!(2020 - 03 - 19);
    let mut ids: Vec<Option<i64>> = vec![None; PERSONS.len()];
    let mut readings = 0;
    let mut day = first;
    while day <= last {
        for (i, p) in PERSONS.iter().enumerate().filter(|(_, p)| p.checked_in == day) {
            let input = PersonInput {
                name: p.name.into(),
                gender: p.gender.into(),
                age: Some(p.age),
                phone: format!("1350393{:04}", 4_000 + i * 29),
                id_number: invented_id_number(i, p),
                source: p.source.into(),
                origin: p.origin.into(),
                room_id: room_id(p.room),
                checked_in_on: date_text(day),
                observation_days: None,
            };
            ids[i] = Some(uc::check_in(&at(day, 8), &me, point.id, &input).await?.id);
        }
        for (slot, hour) in [("morning", 8), ("afternoon", 15)] {
            // the afternoon of the newspaper's day is left for the live demo
            if day == last && slot == "afternoon" {
                continue;
            }
            let mut round = Vec::new();
            for (i, p) in PERSONS.iter().enumerate() {
                let Some(id) = ids[i] else { continue };
                if p.checked_in > day || release_day(p).is_some_and(|r| r < day) {
                    continue;
                }
                let fever = fever(p.name, day, slot);
                let tenths = fever.map(|f| f.tenths).unwrap_or_else(|| normal(i, day, slot));
                let symptoms = fever.map(|f| f.symptoms).unwrap_or("");
                round.push(RoundReading { person_id: id, temperature: Reading::Text(format!("{}.{}", tenths / 10, tenths % 10)), symptoms: symptoms.into() });
            }
            if round.is_empty() {
                continue;
            }
            readings += round.len();
            let recorded =
                uc::record_round(&at(day, hour), &me, point.id, &RoundInput { taken_on: date_text(day), slot: slot.into(), readings: round }).await?;
            for alert in recorded.iter().filter_map(|r| r.alert.as_ref()) {
                if let Some(note) = fever(&alert.person_name, day, slot).and_then(|f| f.handled) {
                    uc::handle_alert(&at(day, hour + 1), &me, alert.id, &HandleInput { note: note.into() }).await?;
                }
            }
        }
        for (i, p) in PERSONS.iter().enumerate() {
            if let (Some(id), Some(r)) = (ids[i], release_day(p))
                && r == day
            {
                let input = ReleaseInput { released_on: date_text(day), note: "观察期满，无异常，解除医学观察".into(), version: None };
                uc::release(&at(day, 17), &me, id, &input).await?;
            }
        }
        day = day.next_day().unwrap_or(last + Duration::days(1));
    }

    let roster = RosterInput { from: "2020-03-13".into(), to: "2020-03-26".into(), ..RosterInput::default() };
    let roster = uc::generate_roster(&at(date!(2020 - 03 - 12), 16), &me, point.id, &roster).await?;
    Ok(Loaded { staff: staff.len(), persons: PERSONS.len(), readings, duties: roster.shifts.len() })
}

fn local(day: Date, hour: u8) -> OffsetDateTime {
    day.with_time(time!(00:00)).assume_offset(LOCAL) + Duration::hours(i64::from(hour))
}

/// The day a person is released: the end of the observation, if it is before
/// the newspaper's day (the one whose observation ends on it is still due).
fn release_day(p: &Person) -> Option<Date> {
    let end = p.checked_in + Duration::days(14);
    (end < date!(2020 - 03 - 19)).then_some(end)
}

/// An ordinary reading, 36.1–36.8 °C, the same every time the demo loads.
fn normal(i: usize, day: Date, slot: &str) -> i64 {
    let n = i as i64 * 7 + i64::from(day.ordinal()) * 3 + if slot == "morning" { 0 } else { 5 };
    361 + n.rem_euclid(8)
}

/// An invented ID number that passes the check (濮阳县's region code, the
/// person's age and gender), stored encrypted like a real one.
fn invented_id_number(i: usize, p: &Person) -> String {
    let birth = date!(2020 - 01 - 01) - Duration::days(p.age * 365 + 30 * i as i64 + 100);
    let sequence = 200 + 2 * i as u16 + u16::from(p.gender == "male");
    IdNumber::from_parts("410928", birth, sequence).map(|id| id.as_str().to_string()).unwrap_or_default()
}

/// A person who stayed at the point (invented).
struct Person {
    name: &'static str,
    gender: &'static str,
    age: i64,
    source: &'static str,
    origin: &'static str,
    room: &'static str,
    checked_in: Date,
}

const fn person(
    name: &'static str,
    gender: &'static str,
    age: i64,
    source: &'static str,
    origin: &'static str,
    room: &'static str,
    checked_in: Date,
) -> Person {
    Person { name, gender, age, source, origin, room, checked_in }
}

const PERSONS: &[Person] = &[
    person("常志斌", "male", 42, "hubei", "湖北省武汉市", "101", date!(2020 - 02 - 20)),
    person("蒋丽娜", "female", 35, "hubei", "湖北省孝感市", "102", date!(2020 - 02 - 21)),
    person("符国强", "male", 51, "close_contact", "开发区新习镇", "103", date!(2020 - 02 - 24)),
    person("詹雨婷", "female", 27, "key_area", "浙江省温州市", "104", date!(2020 - 02 - 27)),
    person("柴文涛", "male", 38, "hubei", "湖北省黄冈市", "105", date!(2020 - 03 - 01)),
    person("祝海燕", "female", 44, "close_contact", "开发区王助镇", "106", date!(2020 - 03 - 03)),
    person("项明哲", "male", 30, "key_area", "广东省深圳市", "107", date!(2020 - 03 - 05)),
    person("伍晓琳", "female", 33, "hubei", "湖北省武汉市", "201", date!(2020 - 03 - 06)),
    person("管少华", "male", 56, "close_contact", "开发区胡村乡", "202", date!(2020 - 03 - 09)),
    person("贝佳颖", "female", 24, "overseas", "韩国首尔", "203", date!(2020 - 03 - 12)),
    person("甘俊宇", "male", 29, "overseas", "意大利米兰", "204", date!(2020 - 03 - 15)),
    person("牧欣", "female", 31, "overseas", "伊朗德黑兰", "205", date!(2020 - 03 - 17)),
    person("宁振华", "male", 47, "key_area", "黑龙江省哈尔滨市", "206", date!(2020 - 03 - 18)),
];

/// A reading of 37.3 °C or more, and how its alert was handled (None: still open).
struct Fever {
    person: &'static str,
    day: Date,
    slot: &'static str,
    tenths: i64,
    symptoms: &'static str,
    handled: Option<&'static str>,
}

const FEVERS: &[Fever] = &[
    Fever {
        person: "詹雨婷",
        day: date!(2020 - 03 - 02),
        slot: "afternoon",
        tenths: 373,
        symptoms: "乏力",
        handled: Some("复测36.8℃，医护组加强观察，次日体温正常"),
    },
    Fever {
        person: "管少华",
        day: date!(2020 - 03 - 17),
        slot: "afternoon",
        tenths: 376,
        symptoms: "咽部不适",
        handled: Some("复测36.9℃，医护组持续观察，已报告区疫情防控指挥部"),
    },
    Fever { person: "甘俊宇", day: date!(2020 - 03 - 19), slot: "morning", tenths: 374, symptoms: "", handled: None },
];

fn fever(person: &str, day: Date, slot: &str) -> Option<&'static Fever> {
    FEVERS.iter().find(|f| f.person == person && f.day == day && f.slot == slot)
}

/// The point's 14 staff in four groups: 6 party members, 8 others (invented
/// names; 霍建英 is the `isolation` log-in).
const STAFF: &[(&str, &str, bool, &str)] = &[
    ("郝振东", "management", true, "临时党支部书记、组长"),
    ("霍建英", "management", true, "副组长"),
    ("简志明", "management", false, "信息联络员"),
    ("鲍丽君", "medical", true, "医生"),
    ("殷晓燕", "medical", true, "护士长"),
    ("甄文静", "medical", false, "护士"),
    ("阚雪梅", "medical", false, "护士"),
    ("查永刚", "disinfection", true, "消杀组长"),
    ("邰建新", "disinfection", false, "消杀员"),
    ("仇海军", "disinfection", false, "消杀员"),
    ("解春生", "logistics", true, "后勤组长"),
    ("庞玉兰", "logistics", false, "送餐员"),
    ("冀学军", "logistics", false, "保障员"),
    ("盖红英", "logistics", false, "保洁员"),
];

const DOCUMENTS: &[(&str, &str)] = &[
    (
        "医学观察制度",
        "一、留观人员实行单人单间（家庭房除外）集中隔离，观察期自入住之日起14天。\n二、每日上午、下午各测量体温一次，并询问有无咳嗽、乏力、咽痛等症状，如实记录。\n三、体温达到37.3℃及以上或出现可疑症状的，医护组立即复测并报告组长，按规定转诊排查。\n四、观察期满、体温和症状无异常的，由医护组评估后解除医学观察，出具解除证明。\n五、留观人员个人信息和健康信息严格保密，仅限本点工作人员因工作需要查阅。",
    ),
    (
        "日常管理制度",
        "一、工作人员分为管理组、医护组、消杀组、后勤组，24小时值守，交接班须当面交接、记录清楚。\n二、严格区分清洁区、缓冲区、污染区，进出按规定穿脱防护用品。\n三、后勤组按时送餐到门口，生活垃圾按医疗废物统一收集处置。\n四、做好留观人员的心理疏导和生活服务，坚持硬性管理、柔性服务。\n五、非工作人员一律不得进入观察点。",
    ),
    (
        "消毒消杀制度",
        "一、公共区域每日消毒不少于两次，电梯按钮、门把手等高频接触部位每4小时消毒一次。\n二、留观人员解除观察后，房间经终末消毒并通风后方可再次使用。\n三、消杀组每日填写消毒记录，管理组每周检查。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_party_members_and_eight_staff_in_four_groups() {
        assert_eq!(STAFF.len(), 14);
        assert_eq!(STAFF.iter().filter(|s| s.2).count(), 6);
        for g in crate::domain::isolation::StaffGroup::ALL {
            assert!(STAFF.iter().filter(|s| s.1 == g.code()).count() >= 2, "{g:?} can cover the clock without two shifts in a row");
        }
        assert!(STAFF.iter().all(|s| s.0 != "王恒"), "the newspaper's branch secretary is a real person");
    }

    #[test]
    fn every_fever_is_a_reading_during_a_stay() {
        for f in FEVERS {
            let p = PERSONS.iter().find(|p| p.name == f.person).expect("a person of the demo");
            assert!(p.checked_in <= f.day && release_day(p).is_none_or(|r| f.day <= r), "{} on {}", f.person, f.day);
            assert!(f.tenths >= crate::domain::isolation::Temperature::FEVER_TENTHS);
        }
        assert!(FEVERS.iter().any(|f| f.handled.is_none()), "one alert is still open on the demo's day");
    }
}
