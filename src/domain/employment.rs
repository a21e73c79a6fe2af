//! Employment (稳就业): job postings, poor households and their members,
//! placements, the rule 一户一人一岗 and the postings suggested for each gap,
//! the health check of a point-to-point transport passenger. No I/O.
//!
//! 一户一人一岗: every poor household with a labour-capable member has at
//! least one member employed. A household that breaks it is a gap; for each gap
//! the open postings are suggested, those in the household's own township first.

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

/// An open posting as the suggestion ranking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPosting {
    pub id: i64,
    pub township_id: i64,
    /// places still free
    pub remaining: i64,
    /// YYYY-MM-DD
    pub posted_on: String,
}

/// The postings to suggest to a household of `township_id`, best first: those
/// with a free place only; the household's own township first (no travel),
/// then the most places free (the likeliest to hire), then the newest, then by
/// id so that the order is stable. At most `limit`.
pub fn rank_suggestions(township_id: i64, postings: &[OpenPosting], limit: usize) -> Vec<i64> {
    let mut open: Vec<&OpenPosting> = postings.iter().filter(|p| p.remaining > 0).collect();
    open.sort_by(|a, b| {
        (a.township_id != township_id)
            .cmp(&(b.township_id != township_id))
            .then(b.remaining.cmp(&a.remaining))
            .then(b.posted_on.cmp(&a.posted_on))
            .then(a.id.cmp(&b.id))
    });
    open.into_iter().take(limit).map(|p| p.id).collect()
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
        OpenPosting { id, township_id, remaining, posted_on: posted_on.into() }
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
        assert_eq!(rank_suggestions(1, &postings, 10), vec![4, 6, 2, 5, 1]);
        assert_eq!(rank_suggestions(1, &postings, 2), vec![4, 6]);
        assert_eq!(rank_suggestions(9, &postings, 3), vec![5, 1, 4], "no posting at home: the others by free places");
        assert!(rank_suggestions(1, &[], 5).is_empty());
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
