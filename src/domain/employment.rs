//! Employment (稳就业): job postings, poor households and their members,
//! placements, the rule 一户一人一岗 and the postings suggested for each gap,
//! the health check of a point-to-point transport passenger. No I/O.
//!
//! 一户一人一岗: every poor household with a labour-capable member has at
//! least one member employed. A household that breaks it is a gap; for each gap
//! the open postings that one of its members can meet (the age and sex the
//! posting's requirements ask) are suggested, those in the household's own
//! township first, then those whose skill words a member has.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A member's employment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentStatus {
    /// 未就业
    Unemployed,
    /// 已就业 (placed, on a welfare post, or working elsewhere)
    Employed,
}

impl EmploymentStatus {
    pub const ALL: [EmploymentStatus; 2] = [EmploymentStatus::Unemployed, EmploymentStatus::Employed];

    pub fn code(self) -> &'static str {
        match self {
            EmploymentStatus::Unemployed => "unemployed",
            EmploymentStatus::Employed => "employed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            EmploymentStatus::Unemployed => "未就业",
            EmploymentStatus::Employed => "已就业",
        }
    }
}

/// Where a job posting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostingStatus {
    /// 招聘中
    Open,
    /// 已招满: every place is taken
    Filled,
    /// 已停止招聘
    Closed,
}

impl PostingStatus {
    pub const ALL: [PostingStatus; 3] = [PostingStatus::Open, PostingStatus::Filled, PostingStatus::Closed];

    pub fn code(self) -> &'static str {
        match self {
            PostingStatus::Open => "open",
            PostingStatus::Filled => "filled",
            PostingStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            PostingStatus::Open => "招聘中",
            PostingStatus::Filled => "已招满",
            PostingStatus::Closed => "已停止招聘",
        }
    }

    /// The status after the number of placements changed: full postings are
    /// filled, a filled one with a free place again is open; a closed one stays closed.
    pub fn after_count(self, filled: i64, headcount: i64) -> PostingStatus {
        match self {
            PostingStatus::Closed => PostingStatus::Closed,
            _ if filled >= headcount => PostingStatus::Filled,
            _ => PostingStatus::Open,
        }
    }
}

/// 健康码
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthCode {
    Green,
    Yellow,
    Red,
}

impl HealthCode {
    pub const ALL: [HealthCode; 3] = [HealthCode::Green, HealthCode::Yellow, HealthCode::Red];

    pub fn code(self) -> &'static str {
        match self {
            HealthCode::Green => "green",
            HealthCode::Yellow => "yellow",
            HealthCode::Red => "red",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            HealthCode::Green => "绿码",
            HealthCode::Yellow => "黄码",
            HealthCode::Red => "红码",
        }
    }
}

/// A body temperature, in tenths of a degree Celsius, within what a
/// thermometer at a boarding check can read (34.0–43.0 °C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct Temperature(i64);

/// 37.3 °C and above is a fever.
pub const FEVER: Temperature = Temperature(373);

impl Temperature {
    /// # Errors
    /// Not a number, or outside 34.0–43.0 °C.
    pub fn parse(text: &str) -> Result<Temperature, String> {
        let value: f64 = text.trim().parse().map_err(|_| format!("体温“{}”不是数字", text.trim()))?;
        Temperature::from_celsius(value)
    }

    /// # Errors
    /// Outside 34.0–43.0 °C (or not a number).
    pub fn from_celsius(value: f64) -> Result<Temperature, String> {
        if !value.is_finite() || !(34.0..=43.0).contains(&value) {
            return Err("体温应在34.0到43.0℃之间".to_string());
        }
        Ok(Temperature((value * 10.0).round() as i64))
    }

    pub fn from_tenths(tenths: i64) -> Temperature {
        Temperature(tenths)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    /// "36.5"
    pub fn text(self) -> String {
        format!("{}.{}", self.0 / 10, self.0 % 10)
    }

    pub fn is_fever(self) -> bool {
        self >= FEVER
    }
}

/// A passenger may board only with a normal temperature and a green code.
pub fn passes_health_check(temperature: Temperature, code: HealthCode) -> bool {
    !temperature.is_fever() && code == HealthCode::Green
}

/// What the gap rule needs to know of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberFacts {
    pub labour_capable: bool,
    pub employed: bool,
}

/// 一户一人一岗 is broken: someone could work, and nobody does.
pub fn is_gap(members: &[MemberFacts]) -> bool {
    members.iter().any(|m| m.labour_capable) && !members.iter().any(|m| m.employed)
}

/// A sex a posting may ask for (as a member's ID number tells it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// Skills and certificates a posting may name, as 用工信息 write them. Data,
/// not code: a word added here is matched in every posting and every member.
pub const SKILL_WORDS: &[&str] = &[
    "叉车",
    "缝纫",
    "电焊",
    "焊工",
    "驾驶",
    "驾照",
    "厨师",
    "烹饪",
    "面点",
    "健康证",
    "电工",
    "钳工",
    "车床",
    "计算机",
    "电脑",
    "收银",
    "会计",
    "保洁",
    "育婴",
    "护理",
    "养老",
    "木工",
    "瓦工",
    "钢筋",
    "水电",
    "装卸",
    "搬运",
    "包装",
    "分拣",
    "种植",
    "养殖",
    "挖掘机",
    "维修",
    "普通话",
];

/// What a posting's requirements (要求) ask, read from its text: an age range
/// ("18—55周岁", "55周岁以下"), a sex ("男性", "限女工"; "男女不限" is none) and
/// the skill words it names. What the text does not say is not asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostingNeeds {
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub sex: Option<Sex>,
    pub skills: Vec<&'static str>,
}

impl PostingNeeds {
    pub fn parse(requirements: &str) -> PostingNeeds {
        let text: String = requirements
            .chars()
            .map(|c| match c {
                '—' | '–' | '－' | '～' | '~' | '至' | '到' => '-',
                '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
                c => c,
            })
            .collect();
        let (mut age_min, mut age_max) = (None, None);
        // every "…岁": the number (or range) before it, 以下/以上 after it
        for (at, _) in text.match_indices('岁') {
            let before = text[..at].trim_end_matches('周');
            let digits_from = before.trim_end_matches(|c: char| c.is_ascii_digit());
            let Ok(high) = before[digits_from.len()..].parse::<i32>() else { continue };
            let after = &text[at + '岁'.len_utf8()..];
            if let Some(range) = digits_from.strip_suffix('-') {
                let low_from = range.trim_end_matches(|c: char| c.is_ascii_digit());
                if let Ok(low) = range[low_from.len()..].parse::<i32>() {
                    (age_min, age_max) = (Some(low.min(high)), Some(low.max(high)));
                    continue;
                }
            }
            if after.starts_with("以下") || after.starts_with("以内") {
                age_max = Some(high);
            } else if after.starts_with("以上") {
                age_min = Some(high);
            }
        }
        let sex = if text.contains("男女不限") || text.contains("不限男女") {
            None
        } else {
            let male = ["男性", "限男", "男工"].iter().any(|w| text.contains(w));
            let female = ["女性", "限女", "女工"].iter().any(|w| text.contains(w));
            match (male, female) {
                (true, false) => Some(Sex::Male),
                (false, true) => Some(Sex::Female),
                _ => None,
            }
        };
        let skills = SKILL_WORDS.iter().copied().filter(|w| text.contains(w)).collect();
        PostingNeeds { age_min, age_max, sex, skills }
    }
}

/// A labour-capable member without work, as the suggestions see it; what is
/// not known (no ID number, no skills recorded) never rules a posting out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberProfile {
    pub birth_year: Option<i32>,
    pub sex: Option<Sex>,
    /// skills or past work in the member's own words, e.g. 缝纫, 开过叉车
    pub skills: Vec<String>,
}

impl MemberProfile {
    /// Whether the member meets what the posting asks, its age taken in the
    /// year `year` (the posting's).
    pub fn can_meet(&self, needs: &PostingNeeds, year: i32) -> bool {
        let age = self.birth_year.map(|b| year - b);
        let old_enough = match (age, needs.age_min) {
            (Some(a), Some(min)) => a >= min,
            _ => true,
        };
        let young_enough = match (age, needs.age_max) {
            (Some(a), Some(max)) => a <= max,
            _ => true,
        };
        let sex_fits = match (self.sex, needs.sex) {
            (Some(s), Some(wanted)) => s == wanted,
            _ => true,
        };
        old_enough && young_enough && sex_fits
    }

    /// How many of the skill words the posting names the member has.
    pub fn skill_matches(&self, needs: &PostingNeeds) -> usize {
        needs.skills.iter().filter(|w| self.skills.iter().any(|s| s.contains(*w))).count()
    }
}

/// An open posting as the suggestion ranking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPosting {
    pub id: i64,
    pub township_id: i64,
    /// places still free
    pub remaining: i64,
    /// YYYY-MM-DD
    pub posted_on: String,
    /// what its requirements ask (`PostingNeeds::parse`)
    pub needs: PostingNeeds,
}

/// The postings to suggest to a household of `township_id` whose members
/// looking for work are `members`, best first: only those with a free place
/// and that at least one of them can meet (age, sex); the household's own
/// township first (no travel), then the most skill words matched by one
/// member, then the most places free (the likeliest to hire), then the newest,
/// then by id so that the order is stable. At most `limit`.
pub fn rank_suggestions(township_id: i64, members: &[MemberProfile], postings: &[OpenPosting], limit: usize) -> Vec<i64> {
    let mut open: Vec<(&OpenPosting, usize)> = postings
        .iter()
        .filter(|p| p.remaining > 0)
        .filter_map(|p| {
            let year = p.posted_on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
            let able: Vec<&MemberProfile> = members.iter().filter(|m| m.can_meet(&p.needs, year)).collect();
            if able.is_empty() && !members.is_empty() {
                return None;
            }
            Some((p, able.iter().map(|m| m.skill_matches(&p.needs)).max().unwrap_or(0)))
        })
        .collect();
    open.sort_by(|(a, a_skills), (b, b_skills)| {
        (a.township_id != township_id)
            .cmp(&(b.township_id != township_id))
            .then(b_skills.cmp(a_skills))
            .then(b.remaining.cmp(&a.remaining))
            .then(b.posted_on.cmp(&a.posted_on))
            .then(a.id.cmp(&b.id))
    });
    open.into_iter().take(limit).map(|(p, _)| p.id).collect()
}

/// A person's name as those who may not read personal data see it: the
/// surname and a mask (刘永胜 → 刘**).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(labour_capable: bool, employed: bool) -> MemberFacts {
        MemberFacts { labour_capable, employed }
    }

    #[test]
    fn a_household_is_a_gap_when_someone_could_work_and_nobody_does() {
        assert!(is_gap(&[m(true, false)]));
        assert!(is_gap(&[m(true, false), m(false, false), m(true, false)]));
        assert!(!is_gap(&[m(true, true), m(true, false)]), "one employed member is enough");
        assert!(!is_gap(&[m(false, false), m(false, false)]), "no labour capacity: no gap");
        assert!(!is_gap(&[]));
        // employed without being counted as labour-capable still fills the household's post
        assert!(!is_gap(&[m(true, false), m(false, true)]));
    }

    fn p(id: i64, township_id: i64, remaining: i64, posted_on: &str) -> OpenPosting {
        OpenPosting { id, township_id, remaining, posted_on: posted_on.into(), needs: PostingNeeds::default() }
    }

    fn needing(id: i64, township_id: i64, requirements: &str) -> OpenPosting {
        OpenPosting { needs: PostingNeeds::parse(requirements), ..p(id, township_id, 5, "2020-03-01") }
    }

    fn member(birth_year: Option<i32>, sex: Option<Sex>, skills: &[&str]) -> MemberProfile {
        MemberProfile { birth_year, sex, skills: skills.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn requirements_are_read_from_the_postings_own_words() {
        let n = PostingNeeds::parse("男性，20—50周岁，能操作叉车者优先");
        assert_eq!((n.age_min, n.age_max, n.sex), (Some(20), Some(50), Some(Sex::Male)));
        assert_eq!(n.skills, vec!["叉车"]);
        let n = PostingNeeds::parse("身体健康，55周岁以下");
        assert_eq!((n.age_min, n.age_max, n.sex), (None, Some(55), None));
        assert_eq!(PostingNeeds::parse("18岁以上，限女工，持健康证").age_min, Some(18));
        assert_eq!(PostingNeeds::parse("18岁以上，限女工，持健康证").sex, Some(Sex::Female));
        assert_eq!(PostingNeeds::parse("１８~４５岁，男女不限").age_max, Some(45));
        assert_eq!(PostingNeeds::parse("１８~４５岁，男女不限").sex, None);
        assert_eq!(PostingNeeds::parse("有缝纫经验者优先，可提供培训").skills, vec!["缝纫"]);
        assert_eq!(PostingNeeds::parse("能适应倒班"), PostingNeeds::default());
        assert_eq!(PostingNeeds::parse("岁岁平安-岁"), PostingNeeds::default(), "no number: nothing asked");
    }

    #[test]
    fn a_member_meets_a_posting_by_age_and_sex_and_the_unknown_never_rules_out() {
        let forklift = PostingNeeds::parse("男性，20—50周岁，能操作叉车者优先");
        assert!(member(Some(1980), Some(Sex::Male), &[]).can_meet(&forklift, 2020));
        assert!(!member(Some(1965), Some(Sex::Male), &[]).can_meet(&forklift, 2020), "55 in 2020");
        assert!(!member(Some(2003), Some(Sex::Male), &[]).can_meet(&forklift, 2020), "17 in 2020");
        assert!(!member(Some(1980), Some(Sex::Female), &[]).can_meet(&forklift, 2020));
        assert!(member(None, None, &[]).can_meet(&forklift, 2020));
        assert_eq!(member(None, None, &["开过叉车"]).skill_matches(&forklift), 1);
        assert_eq!(member(None, None, &["缝纫"]).skill_matches(&forklift), 0);
    }

    #[test]
    fn suggestions_leave_out_what_nobody_can_meet_and_put_skills_first_at_home() {
        let postings = [
            needing(1, 1, "男性，20—50周岁"),
            needing(2, 1, "18—45周岁，有缝纫经验者优先"),
            needing(3, 1, "身体健康"),
            needing(4, 2, "有缝纫经验者优先"),
            needing(5, 1, "限女工，18—40周岁"),
        ];
        // a woman of 48 who sews and her husband of 60
        let members = [member(Some(1972), Some(Sex::Female), &["缝纫"]), member(Some(1960), Some(Sex::Male), &[])];
        // 1: he is too old, she is no man; 2 and 5: she is too old; 4 matches her skill but lies in another township
        assert_eq!(rank_suggestions(1, &members, &postings, 10), vec![3, 4]);
        // a daughter of 22 who sews makes 2 (her skill) the first, then 5 and 3
        let family = [members[0].clone(), members[1].clone(), member(Some(1998), Some(Sex::Female), &["缝纫"])];
        assert_eq!(rank_suggestions(1, &family, &postings, 10), vec![2, 3, 5, 4]);
        // nobody known: every open posting, as before
        assert_eq!(rank_suggestions(1, &[member(None, None, &[])], &postings, 10), vec![1, 2, 3, 5, 4]);
    }

    #[test]
    fn suggestions_put_the_own_township_first_then_free_places() {
        let postings = [
            p(1, 2, 10, "2020-03-01"),
            p(2, 1, 3, "2020-03-01"),
            p(3, 1, 0, "2020-03-05"),
            p(4, 1, 8, "2020-03-02"),
            p(5, 3, 10, "2020-03-09"),
            p(6, 1, 3, "2020-03-04"),
        ];
        assert_eq!(rank_suggestions(1, &[], &postings, 10), vec![4, 6, 2, 5, 1]);
        assert_eq!(rank_suggestions(1, &[], &postings, 2), vec![4, 6]);
        assert_eq!(rank_suggestions(9, &[], &postings, 3), vec![5, 1, 4], "no posting at home: the others by free places");
        assert!(rank_suggestions(1, &[], &[], 5).is_empty());
    }

    #[test]
    fn temperatures_are_parsed_and_checked() {
        assert_eq!(Temperature::parse("36.5").unwrap().tenths(), 365);
        assert_eq!(Temperature::parse(" 37.3 ").unwrap(), FEVER);
        assert!(Temperature::parse("60").is_err());
        assert!(Temperature::parse("hot").is_err());
        assert!(Temperature::from_celsius(f64::NAN).is_err());
        assert_eq!(Temperature::from_tenths(368).text(), "36.8");
        let normal = Temperature::parse("36.4").unwrap();
        assert!(passes_health_check(normal, HealthCode::Green));
        assert!(!passes_health_check(normal, HealthCode::Yellow));
        assert!(!passes_health_check(Temperature::parse("37.3").unwrap(), HealthCode::Green));
        assert!(passes_health_check(Temperature::parse("37.2").unwrap(), HealthCode::Green));
    }

    #[test]
    fn a_posting_fills_and_reopens_with_its_placements() {
        assert_eq!(PostingStatus::Open.after_count(16, 16), PostingStatus::Filled);
        assert_eq!(PostingStatus::Filled.after_count(15, 16), PostingStatus::Open);
        assert_eq!(PostingStatus::Open.after_count(3, 16), PostingStatus::Open);
        assert_eq!(PostingStatus::Closed.after_count(3, 16), PostingStatus::Closed);
    }

    #[test]
    fn names_are_masked_for_outsiders() {
        assert_eq!(mask_name("刘永胜"), "刘**");
        assert_eq!(mask_name("王二"), "王*");
        assert_eq!(mask_name("李"), "李*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn codes_round_trip() {
        for s in EmploymentStatus::ALL {
            assert_eq!(EmploymentStatus::parse(s.code()), Some(s));
        }
        for s in PostingStatus::ALL {
            assert_eq!(PostingStatus::parse(s.code()), Some(s));
        }
        for c in HealthCode::ALL {
            assert_eq!(HealthCode::parse(c.code()), Some(c));
        }
    }
}
