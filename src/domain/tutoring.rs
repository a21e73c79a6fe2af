//! One-to-one tutoring (结对帮扶): subjects, grades, the children's categories,
//! the cost of pairing a volunteer with a child, and the optimal pairing itself —
//! a minimum-cost assignment (the Hungarian algorithm, Kuhn–Munkres with
//! potentials, O(n²·m)), never first come, first served. No I/O.
//!
//! The cost of a pair, lowest best: where they live (same village 0, same
//! township 300, elsewhere 1000 plus 10 for each kilometre between their
//! villages, at most 1000 more — and the most when a village has no
//! coordinates, so that a volunteer known to live near beats one whose village
//! is unknown), then how well the volunteer fits the child
//! (120 for each subject the child needs that the volunteer cannot teach, 60 for
//! each grade the child is outside the volunteer's range). When there are more
//! children than places, children in a priority category (poor families,
//! front-line workers' children, left-behind children) are paired first: every
//! other child's pairs carry a penalty larger than any difference of fit.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A school subject a child needs help with or a volunteer can teach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Chinese,
    Math,
    English,
    Physics,
    Chemistry,
    Biology,
    Politics,
    History,
    Geography,
    Science,
    Arts,
}

impl Subject {
    pub const ALL: [Subject; 11] = [
        Subject::Chinese,
        Subject::Math,
        Subject::English,
        Subject::Physics,
        Subject::Chemistry,
        Subject::Biology,
        Subject::Politics,
        Subject::History,
        Subject::Geography,
        Subject::Science,
        Subject::Arts,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Subject::Chinese => "chinese",
            Subject::Math => "math",
            Subject::English => "english",
            Subject::Physics => "physics",
            Subject::Chemistry => "chemistry",
            Subject::Biology => "biology",
            Subject::Politics => "politics",
            Subject::History => "history",
            Subject::Geography => "geography",
            Subject::Science => "science",
            Subject::Arts => "arts",
        }
    }

    pub fn parse(code: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Subject::Chinese => "语文",
            Subject::Math => "数学",
            Subject::English => "英语",
            Subject::Physics => "物理",
            Subject::Chemistry => "化学",
            Subject::Biology => "生物",
            Subject::Politics => "道德与法治",
            Subject::History => "历史",
            Subject::Geography => "地理",
            Subject::Science => "科学",
            Subject::Arts => "音体美",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of subjects, kept as a bit set (the cost matrix is built from millions
/// of comparisons of these).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SubjectSet(u16);

impl SubjectSet {
    /// Parses subject codes separated by commas (as stored), or given one by one.
    ///
    /// # Errors
    /// The first code that names no subject.
    pub fn parse<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<SubjectSet, String> {
        let mut set = SubjectSet::default();
        for code in codes.into_iter().flat_map(|c| c.split([',', '，', ' '])).map(str::trim).filter(|c| !c.is_empty()) {
            set.0 |= Subject::parse(code).ok_or_else(|| code.to_string())?.bit();
        }
        Ok(set)
    }

    pub fn of(subjects: &[Subject]) -> SubjectSet {
        SubjectSet(subjects.iter().fold(0, |bits, s| bits | s.bit()))
    }

    pub fn contains(self, s: Subject) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many of `self` are also in `other`.
    pub fn covered_by(self, other: SubjectSet) -> u32 {
        (self.0 & other.0).count_ones()
    }

    pub fn iter(self) -> impl Iterator<Item = Subject> {
        Subject::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// The codes, comma-separated, as stored.
    pub fn to_codes(self) -> String {
        self.iter().map(Subject::code).collect::<Vec<_>>().join(",")
    }

    /// The Chinese labels, separated by 、.
    pub fn labels(self) -> String {
        self.iter().map(Subject::label).collect::<Vec<_>>().join("、")
    }
}

/// Grades 1–12: 小学一年级 … 六年级, 初一 … 初三, 高一 … 高三.
pub const GRADES: std::ops::RangeInclusive<i64> = 1..=12;

/// The Chinese name of a grade (1–12).
pub fn grade_label(grade: i64) -> &'static str {
    const LABELS: [&str; 12] = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "初一", "初二", "初三", "高一", "高二", "高三"];
    usize::try_from(grade - 1).ok().and_then(|i| LABELS.get(i)).copied().unwrap_or("—")
}

/// Why a child is helped; the first three are the priority groups the 团区委's
/// call names ("贫困家庭子女、疫情防控一线人员子女、留守儿童").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChildCategory {
    /// 贫困家庭子女
    PoorFamily,
    /// 疫情防控一线人员子女
    FrontlineChild,
    /// 留守儿童
    LeftBehind,
    /// 其他
    Other,
}

impl ChildCategory {
    pub const ALL: [ChildCategory; 4] = [ChildCategory::PoorFamily, ChildCategory::FrontlineChild, ChildCategory::LeftBehind, ChildCategory::Other];

    pub fn code(self) -> &'static str {
        match self {
            ChildCategory::PoorFamily => "poor_family",
            ChildCategory::FrontlineChild => "frontline_child",
            ChildCategory::LeftBehind => "left_behind",
            ChildCategory::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ChildCategory::PoorFamily => "贫困家庭子女",
            ChildCategory::FrontlineChild => "一线人员子女",
            ChildCategory::LeftBehind => "留守儿童",
            ChildCategory::Other => "其他",
        }
    }

    /// Paired first when there are more children than volunteers.
    pub fn is_priority(self) -> bool {
        !matches!(self, ChildCategory::Other)
    }
}

/// What a tutoring session was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionTopic {
    /// 网课辅导
    OnlineClass,
    /// 作业答疑
    Homework,
    /// 学习陪伴
    Companionship,
    /// 心理疏导
    Counselling,
    /// 防疫知识宣传
    EpidemicKnowledge,
}

impl SessionTopic {
    pub const ALL: [SessionTopic; 5] =
        [SessionTopic::OnlineClass, SessionTopic::Homework, SessionTopic::Companionship, SessionTopic::Counselling, SessionTopic::EpidemicKnowledge];

    pub fn code(self) -> &'static str {
        match self {
            SessionTopic::OnlineClass => "online_class",
            SessionTopic::Homework => "homework",
            SessionTopic::Companionship => "companionship",
            SessionTopic::Counselling => "counselling",
            SessionTopic::EpidemicKnowledge => "epidemic_knowledge",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            SessionTopic::OnlineClass => "网课辅导",
            SessionTopic::Homework => "作业答疑",
            SessionTopic::Companionship => "学习陪伴",
            SessionTopic::Counselling => "心理疏导",
            SessionTopic::EpidemicKnowledge => "防疫知识宣传",
        }
    }
}

/// Where a volunteer lives relative to a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// 同村
    SameVillage,
    /// 同乡镇
    SameTownship,
    /// 跨乡镇
    Elsewhere,
}

impl Place {
    pub const ALL: [Place; 3] = [Place::SameVillage, Place::SameTownship, Place::Elsewhere];

    pub fn code(self) -> &'static str {
        match self {
            Place::SameVillage => "same_village",
            Place::SameTownship => "same_township",
            Place::Elsewhere => "elsewhere",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Place::SameVillage => "同村",
            Place::SameTownship => "同乡镇",
            Place::Elsewhere => "跨乡镇",
        }
    }

    fn cost(self) -> i64 {
        match self {
            Place::SameVillage => 0,
            Place::SameTownship => 300,
            Place::Elsewhere => ELSEWHERE_COST,
        }
    }
}

/// Where a village lies: WGS-84 degrees, as a map shows them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Coordinates {
    /// −90 … 90 (north positive)
    pub latitude: f64,
    /// −180 … 180 (east positive)
    pub longitude: f64,
}

impl Coordinates {
    /// # Errors
    /// Which of the two is out of range (or not a number), in Chinese.
    pub fn parse(latitude: f64, longitude: f64) -> Result<Coordinates, (&'static str, &'static str)> {
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(("latitude", "纬度应在 -90 到 90 之间"));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(("longitude", "经度应在 -180 到 180 之间"));
        }
        Ok(Coordinates { latitude, longitude })
    }

    /// The great-circle distance in kilometres (haversine; a zone's villages
    /// are close enough that the earth's flattening does not matter).
    pub fn km_to(self, other: Coordinates) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (la1, la2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dla = la2 - la1;
        let dlo = (other.longitude - self.longitude).to_radians();
        let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

/// The cost of living in another township, before the distance.
pub const ELSEWHERE_COST: i64 = 1000;
/// Each kilometre between the villages of a volunteer and a child of
/// different townships.
pub const KM_COST: i64 = 10;
/// The most the distance adds (100 km: beyond that, one far is as far as
/// another); also what an unknown distance costs.
pub const DISTANCE_COST_CAP: i64 = 1000;

/// What the distance between two villages of different townships adds.
pub fn distance_cost(km: Option<f64>) -> i64 {
    match km {
        // rounded to whole kilometres: metres must not decide between two volunteers
        #[allow(clippy::cast_possible_truncation)]
        Some(km) => (km.round() as i64 * KM_COST).min(DISTANCE_COST_CAP),
        None => DISTANCE_COST_CAP,
    }
}

/// A subject the child needs that the volunteer cannot teach.
pub const UNCOVERED_SUBJECT_COST: i64 = 120;
/// Each grade the child is below or above what the volunteer can teach.
pub const GRADE_STEP_COST: i64 = 60;
/// Added to every pair of a child outside the priority categories: more than
/// any pair's cost, so that no such child takes a place a priority child could have.
pub const NON_PRIORITY_PENALTY: i64 = 100_000;
/// A forbidden pair: chosen only if nothing else is possible, and then dropped.
pub const FORBIDDEN: i64 = 1_000_000_000_000;

/// A volunteer as the pairing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tutor {
    pub id: i64,
    pub township_id: i64,
    pub village: String,
    /// where the village lies, when it is known
    pub location: Option<Coordinates>,
    pub subjects: SubjectSet,
    /// the grades the volunteer can teach, inclusive
    pub grade_min: i64,
    pub grade_max: i64,
    /// how many more children the volunteer can take on
    pub places: u32,
}

/// A child as the pairing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pupil {
    pub id: i64,
    pub township_id: i64,
    pub village: String,
    /// where the village lies, when it is known
    pub location: Option<Coordinates>,
    pub grade: i64,
    pub subjects: SubjectSet,
    pub category: ChildCategory,
}

/// How well a volunteer fits a child, and what that costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Fit {
    pub place: Place,
    /// kilometres between the two villages, when both lie on the map
    pub distance_km: Option<u32>,
    pub subjects_covered: u32,
    pub subjects_needed: u32,
    pub grade_fits: bool,
    pub cost: i64,
}

/// The cost of pairing `t` with `p` and its parts.
pub fn fit(t: &Tutor, p: &Pupil) -> Fit {
    let place = if t.township_id != p.township_id {
        Place::Elsewhere
    } else if t.village.trim() == p.village.trim() {
        Place::SameVillage
    } else {
        Place::SameTownship
    };
    let needed = p.subjects.len();
    let covered = p.subjects.covered_by(t.subjects);
    let grade_gap = if p.grade < t.grade_min {
        t.grade_min - p.grade
    } else if p.grade > t.grade_max {
        p.grade - t.grade_max
    } else {
        0
    };
    let km = t.location.zip(p.location).map(|(a, b)| a.km_to(b));
    let distance = if place == Place::Elsewhere { distance_cost(km) } else { 0 };
    let cost = place.cost() + distance + UNCOVERED_SUBJECT_COST * i64::from(needed - covered) + GRADE_STEP_COST * grade_gap;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let distance_km = km.map(|k| k.round() as u32);
    Fit { place, distance_km, subjects_covered: covered, subjects_needed: needed, grade_fits: grade_gap == 0, cost }
}

/// A dense cost matrix, row-major in one flat vector (the inner loop of the
/// assignment walks one row at a time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostMatrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<i64>,
}

impl CostMatrix {
    /// # Panics
    /// Never for consistent input; `data` must hold `rows * cols` costs.
    pub fn new(rows: usize, cols: usize, data: Vec<i64>) -> CostMatrix {
        assert_eq!(data.len(), rows * cols, "a cost matrix holds rows × cols costs");
        CostMatrix { rows, cols, data }
    }

    pub fn at(&self, row: usize, col: usize) -> i64 {
        self.data[row * self.cols + col]
    }

    fn transposed(&self) -> CostMatrix {
        let mut data = Vec::with_capacity(self.data.len());
        for c in 0..self.cols {
            data.extend((0..self.rows).map(|r| self.data[r * self.cols + c]));
        }
        CostMatrix { rows: self.cols, cols: self.rows, data }
    }
}

/// A minimum-cost assignment: `min(rows, cols)` pairs `(row, col)`, each row and
/// each column at most once, with the least total cost of all such assignments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub pairs: Vec<(usize, usize)>,
    pub total: i64,
}

/// The Hungarian algorithm (Kuhn–Munkres with row and column potentials and
/// shortest augmenting paths), O(n²·m) for n = min(rows, cols), m = max. A
/// matrix with more rows than columns is solved transposed.
///
/// Costs must stay well inside ±2⁶⁰ (`FORBIDDEN` is 10¹²).
pub fn min_cost_assignment(m: &CostMatrix) -> Assignment {
    if m.rows == 0 || m.cols == 0 {
        return Assignment { pairs: Vec::new(), total: 0 };
    }
    let (matrix, transposed) = if m.rows > m.cols { (std::borrow::Cow::Owned(m.transposed()), true) } else { (std::borrow::Cow::Borrowed(m), false) };
    let col_of_row = hungarian(matrix.rows, matrix.cols, &matrix.data);
    let mut pairs: Vec<(usize, usize)> = col_of_row.into_iter().enumerate().map(|(r, c)| if transposed { (c, r) } else { (r, c) }).collect();
    pairs.sort_unstable();
    let total = pairs.iter().map(|&(r, c)| m.at(r, c)).sum();
    Assignment { pairs, total }
}

/// n ≤ m; answers the column of each row. Columns are 1-based inside (0 is the
/// virtual column the augmenting path starts from); `a` is 0-based row-major.
fn hungarian(n: usize, m: usize, a: &[i64]) -> Vec<usize> {
    const INF: i64 = i64::MAX / 4;
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; m + 1];
    // p[j]: the row (1-based) matched to column j, 0 when free
    let mut p = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    let mut minv = vec![INF; m + 1];
    let mut used = vec![false; m + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0usize;
        minv.fill(INF);
        used.fill(false);
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let row = &a[(i0 - 1) * m..i0 * m];
            let ui0 = u[i0];
            let mut delta = INF;
            let mut j1 = 0usize;
            // the hot loop: one pass over the row, no bounds checks
            for (j, ((((&cost, &vj), &done), mv), w)) in row.iter().zip(&v[1..]).zip(&used[1..]).zip(minv[1..].iter_mut()).zip(way[1..].iter_mut()).enumerate()
            {
                if !done {
                    let cur = cost - ui0 - vj;
                    if cur < *mv {
                        *mv = cur;
                        *w = j0;
                    }
                    if *mv < delta {
                        delta = *mv;
                        j1 = j + 1;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut col_of_row = vec![0usize; n];
    for (j, &row) in p.iter().enumerate().skip(1) {
        if row > 0 {
            col_of_row[row - 1] = j - 1;
        }
    }
    col_of_row
}

/// A pair the plan proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedPair {
    pub volunteer_id: i64,
    pub child_id: i64,
    pub fit: Fit,
    /// pinned by hand, not chosen by the optimisation
    pub pinned: bool,
}

/// Why a pin could not be honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinSkipped {
    /// the volunteer is not available or has no place left
    VolunteerFull,
    /// the child is already paired (or pinned twice)
    ChildTaken,
}

/// The outcome of a pairing run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub pairs: Vec<PlannedPair>,
    /// children left without a volunteer (more children than places, or only forbidden pairs)
    pub unpaired: Vec<i64>,
    pub skipped_pins: Vec<((i64, i64), PinSkipped)>,
    /// the sum of the pairs' costs (without the priority penalty)
    pub total_cost: i64,
}

/// The optimal one-to-one pairing of `pupils` with `tutors`' free places:
/// pinned pairs first, then a minimum-cost assignment of the rest, never using
/// a forbidden pair. Each child gets at most one volunteer, each volunteer at
/// most its number of free places.
pub fn plan_pairings(tutors: &[Tutor], pupils: &[Pupil], pinned: &[(i64, i64)], forbidden: &[(i64, i64)]) -> Plan {
    let mut places: HashMap<i64, u32> = tutors.iter().map(|t| (t.id, t.places)).collect();
    let tutor_by_id: HashMap<i64, &Tutor> = tutors.iter().map(|t| (t.id, t)).collect();
    let pupil_by_id: HashMap<i64, &Pupil> = pupils.iter().map(|p| (p.id, p)).collect();
    let mut taken: HashSet<i64> = HashSet::new();
    let mut pairs = Vec::new();
    let mut skipped_pins = Vec::new();
    for &(v, c) in pinned {
        let (Some(t), Some(p)) = (tutor_by_id.get(&v), pupil_by_id.get(&c)) else {
            let why = if tutor_by_id.contains_key(&v) { PinSkipped::ChildTaken } else { PinSkipped::VolunteerFull };
            skipped_pins.push(((v, c), why));
            continue;
        };
        if taken.contains(&c) {
            skipped_pins.push(((v, c), PinSkipped::ChildTaken));
            continue;
        }
        match places.get_mut(&v) {
            Some(n) if *n > 0 => {
                *n -= 1;
                taken.insert(c);
                pairs.push(PlannedPair { volunteer_id: v, child_id: c, fit: fit(t, p), pinned: true });
            }
            _ => skipped_pins.push(((v, c), PinSkipped::VolunteerFull)),
        }
    }
    let rest: Vec<&Pupil> = pupils.iter().filter(|p| !taken.contains(&p.id)).collect();
    // one column per free place of each volunteer
    let slots: Vec<&Tutor> = tutors.iter().flat_map(|t| std::iter::repeat_n(t, places.get(&t.id).copied().unwrap_or(0) as usize)).collect();
    let forbidden: HashSet<(i64, i64)> = forbidden.iter().copied().collect();
    let mut data = Vec::with_capacity(rest.len() * slots.len());
    for p in &rest {
        let penalty = if p.category.is_priority() { 0 } else { NON_PRIORITY_PENALTY };
        data.extend(slots.iter().map(|t| if forbidden.contains(&(t.id, p.id)) { FORBIDDEN } else { fit(t, p).cost + penalty }));
    }
    let matrix = CostMatrix::new(rest.len(), slots.len(), data);
    let assignment = min_cost_assignment(&matrix);
    let mut matched = HashSet::new();
    for (r, c) in assignment.pairs {
        if matrix.at(r, c) >= FORBIDDEN {
            continue;
        }
        let (t, p) = (slots[c], rest[r]);
        matched.insert(p.id);
        pairs.push(PlannedPair { volunteer_id: t.id, child_id: p.id, fit: fit(t, p), pinned: false });
    }
    let unpaired = rest.iter().filter(|p| !matched.contains(&p.id)).map(|p| p.id).collect();
    let total_cost = pairs.iter().map(|p| p.fit.cost).sum();
    Plan { pairs, unpaired, skipped_pins, total_cost }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The least total over every way to match all of the smaller side.
    fn brute_force(m: &CostMatrix) -> i64 {
        let m = if m.rows > m.cols { m.transposed() } else { m.clone() };
        fn go(m: &CostMatrix, row: usize, used: &mut Vec<bool>) -> i64 {
            if row == m.rows {
                return 0;
            }
            let mut best = i64::MAX;
            for c in 0..m.cols {
                if !used[c] {
                    used[c] = true;
                    let rest = go(m, row + 1, used);
                    used[c] = false;
                    best = best.min(m.at(row, c) + rest);
                }
            }
            best
        }
        go(&m, 0, &mut vec![false; m.cols])
    }

    fn matrix() -> impl Strategy<Value = CostMatrix> {
        (0usize..=7, 0usize..=7).prop_flat_map(|(r, c)| prop::collection::vec(0i64..2000, r * c).prop_map(move |data| CostMatrix::new(r, c, data)))
    }

    fn tutor(id: i64, township: i64, village: &str, subjects: &[Subject], grades: (i64, i64), places: u32) -> Tutor {
        Tutor {
            id,
            township_id: township,
            village: village.into(),
            location: None,
            subjects: SubjectSet::of(subjects),
            grade_min: grades.0,
            grade_max: grades.1,
            places,
        }
    }

    fn pupil(id: i64, township: i64, village: &str, grade: i64, subjects: &[Subject], category: ChildCategory) -> Pupil {
        Pupil { id, township_id: township, village: village.into(), location: None, grade, subjects: SubjectSet::of(subjects), category }
    }

    /// A village on a small map: `v` steps of about 11 km north of 35.7°N, 115°E.
    fn at(v: i64) -> Option<Coordinates> {
        Some(Coordinates { latitude: 35.7 + 0.1 * v as f64, longitude: 115.0 })
    }

    proptest! {
        /// Law: the assignment is never worse than the best of all permutations,
        /// and uses every row and column at most once, matching the smaller side.
        #[test]
        fn the_assignment_is_as_cheap_as_brute_force(m in matrix()) {
            let a = min_cost_assignment(&m);
            prop_assert!(a.total <= brute_force(&m));
            prop_assert_eq!(a.pairs.len(), m.rows.min(m.cols));
            let rows: HashSet<_> = a.pairs.iter().map(|p| p.0).collect();
            let cols: HashSet<_> = a.pairs.iter().map(|p| p.1).collect();
            prop_assert_eq!(rows.len(), a.pairs.len());
            prop_assert_eq!(cols.len(), a.pairs.len());
            prop_assert_eq!(a.total, a.pairs.iter().map(|&(r, c)| m.at(r, c)).sum::<i64>());
        }

        /// Law: a plan pairs each child at most once, fills no volunteer past its
        /// places, and — without pins or forbidden pairs — costs no more than the
        /// brute-force optimum over the same places.
        #[test]
        fn a_plan_is_optimal_and_uses_everyone_at_most_once(
            tutors in prop::collection::vec((0i64..3, 0i64..3, 0u16..2048, 1i64..=12, 0i64..4, 1u32..=2, any::<bool>()), 0..=4),
            pupils in prop::collection::vec((0i64..3, 0i64..3, 1i64..=12, 0u16..2048, 0usize..4, any::<bool>()), 0..=7),
        ) {
            // a village's place on the map follows from its township and number; some are not on the map
            let tutors: Vec<Tutor> = tutors.iter().enumerate().map(|(i, &(t, v, s, g, span, n, mapped))| Tutor {
                id: i as i64 + 1, township_id: t, village: format!("村{v}"), location: if mapped { at(t * 3 + v) } else { None },
                subjects: SubjectSet(s), grade_min: g, grade_max: (g + span).min(12), places: n,
            }).collect();
            let pupils: Vec<Pupil> = pupils.iter().enumerate().map(|(i, &(t, v, g, s, c, mapped))| Pupil {
                id: i as i64 + 100, township_id: t, village: format!("村{v}"), location: if mapped { at(t * 3 + v) } else { None },
                grade: g, subjects: SubjectSet(s), category: ChildCategory::ALL[c],
            }).collect();
            let slots: usize = tutors.iter().map(|t| t.places as usize).sum();
            prop_assume!(slots <= 8);
            let plan = plan_pairings(&tutors, &pupils, &[], &[]);
            let children: HashSet<_> = plan.pairs.iter().map(|p| p.child_id).collect();
            prop_assert_eq!(children.len(), plan.pairs.len(), "a child is paired at most once");
            for t in &tutors {
                prop_assert!(plan.pairs.iter().filter(|p| p.volunteer_id == t.id).count() <= t.places as usize);
            }
            prop_assert_eq!(plan.pairs.len() + plan.unpaired.len(), pupils.len());
            prop_assert_eq!(plan.pairs.len(), pupils.len().min(slots));
            // the same matrix, solved by brute force
            let slot_tutors: Vec<&Tutor> = tutors.iter().flat_map(|t| std::iter::repeat_n(t, t.places as usize)).collect();
            let penalty = |p: &Pupil| if p.category.is_priority() { 0 } else { NON_PRIORITY_PENALTY };
            let data = pupils.iter().flat_map(|p| slot_tutors.iter().map(move |t| fit(t, p).cost + penalty(p))).collect();
            let best = brute_force(&CostMatrix::new(pupils.len(), slot_tutors.len(), data));
            let planned: i64 = plan.pairs.iter().map(|pp| pp.fit.cost + penalty(pupils.iter().find(|p| p.id == pp.child_id).unwrap())).sum();
            prop_assert!(planned <= best);
            // a priority child is never left out while another child has a place
            let left_priority = plan.unpaired.iter().any(|id| pupils.iter().any(|p| p.id == *id && p.category.is_priority()));
            let paired_other = plan.pairs.iter().any(|pp| pupils.iter().any(|p| p.id == pp.child_id && !p.category.is_priority()));
            prop_assert!(!(left_priority && paired_other));
        }
    }

    #[test]
    fn rectangular_matrices_match_the_smaller_side() {
        let wide = CostMatrix::new(2, 3, vec![5, 1, 9, 1, 7, 2]);
        assert_eq!(min_cost_assignment(&wide), Assignment { pairs: vec![(0, 1), (1, 0)], total: 2 });
        let tall = CostMatrix::new(3, 2, vec![5, 1, 1, 7, 9, 2]);
        assert_eq!(min_cost_assignment(&tall), Assignment { pairs: vec![(0, 1), (1, 0)], total: 2 });
        assert_eq!(min_cost_assignment(&CostMatrix::new(0, 4, vec![])).pairs, vec![]);
    }

    #[test]
    fn the_optimum_is_not_first_come_first_served() {
        // first come, first served gives child 0 the volunteer it fits best (cost 0)
        // and leaves child 1 the other one (cost 1000); the optimum costs 2.
        let m = CostMatrix::new(2, 2, vec![0, 1, 1, 1000]);
        let a = min_cost_assignment(&m);
        assert_eq!(a.pairs, vec![(0, 1), (1, 0)]);
        assert_eq!(a.total, 2);
    }

    #[test]
    fn a_village_student_tutors_the_siblings_of_the_same_village() {
        use Subject::*;
        // the newspaper's story: a student of 仓上村 helps a sister and a brother of the same village
        let tutors = [tutor(1, 1, "仓上村", &[Chinese, Math, English], (1, 9), 2), tutor(2, 1, "小寨村", &[Chinese, Math], (1, 6), 1)];
        let pupils = [
            pupil(10, 1, "仓上村", 5, &[Math, English], ChildCategory::LeftBehind),
            pupil(11, 1, "仓上村", 2, &[Chinese], ChildCategory::LeftBehind),
            pupil(12, 1, "小寨村", 3, &[Math], ChildCategory::PoorFamily),
        ];
        let plan = plan_pairings(&tutors, &pupils, &[], &[]);
        let mut got: Vec<_> = plan.pairs.iter().map(|p| (p.volunteer_id, p.child_id, p.fit.place)).collect();
        got.sort_unstable();
        assert_eq!(got, vec![(1, 10, Place::SameVillage), (1, 11, Place::SameVillage), (2, 12, Place::SameVillage)]);
        assert_eq!(plan.total_cost, 0);
        assert!(plan.unpaired.is_empty());
    }

    #[test]
    fn the_cost_ranks_village_then_township_then_fit() {
        use Subject::*;
        let child = pupil(1, 1, "仓上村", 4, &[Math, Chinese], ChildCategory::PoorFamily);
        let same_village = fit(&tutor(1, 1, "仓上村", &[Math], (1, 3), 1), &child);
        let same_township = fit(&tutor(2, 1, "小寨村", &[Math, Chinese], (1, 6), 1), &child);
        let elsewhere = fit(&tutor(3, 2, "仓上村", &[Math, Chinese], (1, 6), 1), &child);
        assert_eq!((same_village.place, same_village.subjects_covered, same_village.grade_fits), (Place::SameVillage, 1, false));
        assert_eq!(same_village.cost, UNCOVERED_SUBJECT_COST + GRADE_STEP_COST);
        assert!(same_village.cost < same_township.cost && same_township.cost < elsewhere.cost);
        assert_eq!(elsewhere.place, Place::Elsewhere, "a village of the same name in another township is elsewhere");
    }

    #[test]
    fn between_townships_the_nearer_volunteer_is_chosen() {
        use Subject::*;
        // two volunteers alike in everything but how far their villages lie from the child's
        let child = Pupil { location: at(0), ..pupil(10, 1, "仓上村", 4, &[Math], ChildCategory::LeftBehind) };
        let far = Tutor { location: at(5), ..tutor(1, 2, "胡村", &[Math], (1, 6), 1) };
        let near = Tutor { location: at(1), ..tutor(2, 3, "皇甫村", &[Math], (1, 6), 1) };
        let (f, n) = (fit(&far, &child), fit(&near, &child));
        assert_eq!((f.place, n.place), (Place::Elsewhere, Place::Elsewhere));
        assert_eq!((f.distance_km, n.distance_km), (Some(56), Some(11)));
        assert_eq!(n.cost, ELSEWHERE_COST + 11 * KM_COST);
        assert!(n.cost < f.cost);
        // listed far first, so that a first-come choice would take it
        let plan = plan_pairings(&[far.clone(), near.clone()], std::slice::from_ref(&child), &[], &[]);
        assert_eq!(plan.pairs.iter().map(|p| p.volunteer_id).collect::<Vec<_>>(), vec![2]);
        // a village not on the map costs as much as the farthest: the known near one still wins
        let unknown = Tutor { location: None, ..far.clone() };
        assert_eq!(fit(&unknown, &child).cost, ELSEWHERE_COST + DISTANCE_COST_CAP);
        let plan = plan_pairings(&[unknown, near], std::slice::from_ref(&child), &[], &[]);
        assert_eq!(plan.pairs[0].volunteer_id, 2);
        // however near, another township never beats the same township
        let next_door = Tutor { location: at(0), ..tutor(3, 2, "胡村", &[Math], (1, 6), 1) };
        let same_township = tutor(4, 1, "小寨村", &[Math], (1, 6), 1);
        assert!(fit(&same_township, &child).cost < fit(&next_door, &child).cost);
        assert_eq!(distance_cost(Some(5000.0)), DISTANCE_COST_CAP);
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        assert!(Coordinates::parse(35.76, 115.03).is_ok());
        assert_eq!(Coordinates::parse(91.0, 115.0).unwrap_err().0, "latitude");
        assert_eq!(Coordinates::parse(35.0, -181.0).unwrap_err().0, "longitude");
        assert_eq!(Coordinates::parse(f64::NAN, 115.0).unwrap_err().0, "latitude");
        let (a, b) = (Coordinates { latitude: 35.0, longitude: 115.0 }, Coordinates { latitude: 36.0, longitude: 115.0 });
        assert!((a.km_to(b) - 111.2).abs() < 0.1, "{}", a.km_to(b));
    }

    #[test]
    fn priority_children_are_paired_first() {
        use Subject::*;
        let tutors = [tutor(1, 1, "东营村", &[Math], (1, 12), 1)];
        // the other child lives next door; the left-behind child lives in another township
        let pupils = [pupil(10, 1, "东营村", 3, &[Math], ChildCategory::Other), pupil(11, 2, "王助村", 3, &[Math], ChildCategory::LeftBehind)];
        let plan = plan_pairings(&tutors, &pupils, &[], &[]);
        assert_eq!(plan.pairs.iter().map(|p| p.child_id).collect::<Vec<_>>(), vec![11]);
        assert_eq!(plan.unpaired, vec![10]);
    }

    #[test]
    fn pins_are_kept_and_forbidden_pairs_never_made() {
        use Subject::*;
        let tutors = [tutor(1, 1, "东营村", &[Math], (1, 12), 1), tutor(2, 1, "西营村", &[Math], (1, 12), 1)];
        let pupils = [pupil(10, 1, "东营村", 3, &[Math], ChildCategory::PoorFamily), pupil(11, 1, "西营村", 3, &[Math], ChildCategory::PoorFamily)];
        // pin the worse pair: the other two must then pair up
        let plan = plan_pairings(&tutors, &pupils, &[(1, 11)], &[]);
        let mut got: Vec<_> = plan.pairs.iter().map(|p| (p.volunteer_id, p.child_id, p.pinned)).collect();
        got.sort_unstable();
        assert_eq!(got, vec![(1, 11, true), (2, 10, false)]);
        // forbid the only pair child 10 could have: it stays unpaired
        let plan = plan_pairings(&tutors[..1], &pupils[..1], &[], &[(1, 10)]);
        assert!(plan.pairs.is_empty());
        assert_eq!(plan.unpaired, vec![10]);
        // a pin for a volunteer with no place left, or for a child pinned twice, is reported
        let plan = plan_pairings(&tutors, &pupils, &[(1, 10), (1, 11), (2, 10)], &[]);
        assert_eq!(plan.skipped_pins, vec![((1, 11), PinSkipped::VolunteerFull), ((2, 10), PinSkipped::ChildTaken)]);
        assert_eq!(plan.pairs.len(), 2);
    }

    #[test]
    fn subjects_parse_from_codes_and_report_the_unknown_one() {
        let s = SubjectSet::parse(["chinese,math", "english"]).unwrap();
        assert_eq!(s.to_codes(), "chinese,math,english");
        assert_eq!(s.labels(), "语文、数学、英语");
        assert_eq!(SubjectSet::parse(["math, dance"]), Err("dance".to_string()));
        assert_eq!(grade_label(7), "初一");
        assert_eq!(grade_label(13), "—");
    }

    #[test]
    fn codes_round_trip() {
        for s in Subject::ALL {
            assert_eq!(Subject::parse(s.code()), Some(s));
        }
        for c in ChildCategory::ALL {
            assert_eq!(ChildCategory::parse(c.code()), Some(c));
        }
        for t in SessionTopic::ALL {
            assert_eq!(SessionTopic::parse(t.code()), Some(t));
        }
        for p in Place::ALL {
            assert_eq!(Place::parse(p.code()), Some(p));
        }
    }

    /// A zone-sized run: 2,000 volunteers and 2,000 children in 5 townships and
    /// 120 villages. Run with `cargo test --release --lib tutoring -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing; run in release"]
    fn two_thousand_by_two_thousand_in_seconds() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as i64
        };
        let n = 2000;
        let tutors: Vec<Tutor> = (0..n)
            .map(|i| {
                let township = next(5);
                let lo = next(12) + 1;
                Tutor {
                    id: i,
                    township_id: township,
                    village: format!("村{}", township * 24 + next(24)),
                    location: None,
                    subjects: SubjectSet((next(2047) + 1) as u16),
                    grade_min: lo,
                    grade_max: (lo + next(6)).min(12),
                    places: 1,
                }
            })
            .collect();
        let pupils: Vec<Pupil> = (0..n)
            .map(|i| {
                let township = next(5);
                Pupil {
                    id: 10_000 + i,
                    township_id: township,
                    village: format!("村{}", township * 24 + next(24)),
                    location: None,
                    grade: next(12) + 1,
                    subjects: SubjectSet(1 << next(11) | 1 << next(11)),
                    category: ChildCategory::ALL[next(4) as usize],
                }
            })
            .collect();
        let started = std::time::Instant::now();
        let plan = plan_pairings(&tutors, &pupils, &[], &[]);
        let took = started.elapsed();
        eprintln!("2000 × 2000 pairing: {took:?}, total cost {}", plan.total_cost);
        assert_eq!(plan.pairs.len(), 2000);
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    }
}
