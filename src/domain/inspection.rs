//! Inspections and rectification (督导检查 / 整改): the kinds of sites a
//! campaign inspects, an inspection's result, the campaign's tally kinds, and
//! what a re-inspection (复查) does to the work order of a finding. No I/O.
//!
//! A finding's rectification is verified on re-inspection once the department
//! says it is done (the order is 已办结): verified, the inspectors' verdict closes
//! the order (满意); not verified, it reopens it to the department (不满意). A
//! leader who finds an order still open may instead supervise it (督办).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use super::workorder::{Action, OrderState, Rating};

/// 点位类型: what kind of place a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// 居民小区
    Residential,
    /// 村庄
    Village,
    /// 商超
    Supermarket,
    /// 企业
    Enterprise,
    /// 河道坑塘
    RiverPond,
    /// 道路
    Road,
    /// 其他
    Other,
}

impl SiteKind {
    pub const ALL: [SiteKind; 7] =
        [SiteKind::Residential, SiteKind::Village, SiteKind::Supermarket, SiteKind::Enterprise, SiteKind::RiverPond, SiteKind::Road, SiteKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            SiteKind::Residential => "residential",
            SiteKind::Village => "village",
            SiteKind::Supermarket => "supermarket",
            SiteKind::Enterprise => "enterprise",
            SiteKind::RiverPond => "river_pond",
            SiteKind::Road => "road",
            SiteKind::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            SiteKind::Residential => "小区",
            SiteKind::Village => "村庄",
            SiteKind::Supermarket => "商超",
            SiteKind::Enterprise => "企业",
            SiteKind::RiverPond => "河道坑塘",
            SiteKind::Road => "道路",
            SiteKind::Other => "其他",
        }
    }
}

/// 检查结果.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionResult {
    /// 合格: nothing found
    Passed,
    /// 发现问题: one or more findings
    Problems,
}

impl InspectionResult {
    pub const ALL: [InspectionResult; 2] = [InspectionResult::Passed, InspectionResult::Problems];

    pub fn code(self) -> &'static str {
        match self {
            InspectionResult::Passed => "passed",
            InspectionResult::Problems => "problems",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            InspectionResult::Passed => "合格",
            InspectionResult::Problems => "发现问题",
        }
    }

    /// The result that `findings` problems make, when the inspector names none.
    pub fn of_findings(findings: usize) -> Self {
        if findings == 0 { InspectionResult::Passed } else { InspectionResult::Problems }
    }
}

/// A stated result must agree with the findings: a passed inspection has none,
/// an inspection with problems names at least one.
///
/// # Errors
/// A `FieldError` on `result` saying which way they disagree.
pub fn check_result(result: InspectionResult, findings: usize) -> Result<(), FieldError> {
    match (result, findings) {
        (InspectionResult::Passed, n) if n > 0 => Err(FieldError::new("result", "检查结果为合格时不能登记问题")),
        (InspectionResult::Problems, 0) => Err(FieldError::new("findings", "检查结果为发现问题时，请至少登记一个问题")),
        _ => Ok(()),
    }
}

/// Where a finding's rectification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// 整改中: not yet verified
    Open,
    /// 整改到位: verified on re-inspection
    Verified,
    /// 整改不到位: the latest re-inspection found it not rectified
    NotVerified,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 3] = [FindingStatus::Open, FindingStatus::Verified, FindingStatus::NotVerified];

    pub fn code(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::Verified => "verified",
            FindingStatus::NotVerified => "not_verified",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Open => "整改中",
            FindingStatus::Verified => "整改到位",
            FindingStatus::NotVerified => "整改不到位",
        }
    }
}

/// What a re-inspection does to the finding's work order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecheckEffect {
    /// rate it: 满意 closes a resolved order, 不满意 reopens it
    Rate(Rating),
    /// 督办: the order is still with the department and is not rectified
    Supervise,
}

impl RecheckEffect {
    /// The work-order action this effect is taken with.
    pub fn action(self) -> Action {
        match self {
            RecheckEffect::Rate(_) => Action::Rate,
            RecheckEffect::Supervise => Action::Supervise,
        }
    }
}

/// Why a re-inspection cannot be recorded now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecheckRefusal {
    #[error("问题尚未交办，不能复查")]
    NotAssigned,
    #[error("承办部门尚未办结，不能复查验收；整改不到位的在办问题可由领导督办")]
    NotResolved,
    #[error("该问题的工单已关闭；如问题复现，请登记新的检查")]
    Closed,
}

/// The effect of a re-inspection's verdict on an order in `state`.
///
/// `may_supervise` is whether the re-inspector may supervise (a leader): only
/// then may a not-yet-resolved order be found not rectified.
///
/// # Errors
/// `RecheckRefusal` when the order's state allows no verdict.
pub fn recheck_effect(state: OrderState, verified: bool, may_supervise: bool) -> Result<RecheckEffect, RecheckRefusal> {
    match (state, verified) {
        (OrderState::Submitted, _) => Err(RecheckRefusal::NotAssigned),
        (OrderState::Closed, _) => Err(RecheckRefusal::Closed),
        (OrderState::Resolved, true) => Ok(RecheckEffect::Rate(Rating::Satisfied)),
        (OrderState::Resolved, false) => Ok(RecheckEffect::Rate(Rating::Unsatisfied)),
        (OrderState::Assigned | OrderState::InProgress, false) if may_supervise => Ok(RecheckEffect::Supervise),
        (OrderState::Assigned | OrderState::InProgress, _) => Err(RecheckRefusal::NotResolved),
    }
}

/// The status a finding takes from a verdict.
pub fn status_after(verified: bool) -> FindingStatus {
    if verified { FindingStatus::Verified } else { FindingStatus::NotVerified }
}

/// A kind of campaign figure (专项行动统计), with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TallyKind {
    /// 组织志愿者 (人)
    Volunteers,
    /// 发出倡议书 (份)
    ProposalLetters,
    /// 编印宣传资料 (份)
    Materials,
    /// 整治小区 (个)
    RectifiedResidential,
    /// 整治村庄 (个)
    RectifiedVillage,
    /// 整治商超 (个)
    RectifiedSupermarket,
    /// 整治企业 (个)
    RectifiedEnterprise,
    /// 整治河道坑塘 (个)
    RectifiedRiverPond,
    /// 整治道路 (条)
    RectifiedRoad,
    /// 整治其他点位 (个)
    RectifiedOther,
    /// 清除垃圾 (立方米)
    RefuseM3,
    /// 消毒消杀 (次)
    Disinfection,
}

impl TallyKind {
    pub const ALL: [TallyKind; 12] = [
        TallyKind::Volunteers,
        TallyKind::ProposalLetters,
        TallyKind::Materials,
        TallyKind::RectifiedResidential,
        TallyKind::RectifiedVillage,
        TallyKind::RectifiedSupermarket,
        TallyKind::RectifiedEnterprise,
        TallyKind::RectifiedRiverPond,
        TallyKind::RectifiedRoad,
        TallyKind::RectifiedOther,
        TallyKind::RefuseM3,
        TallyKind::Disinfection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TallyKind::Volunteers => "volunteers",
            TallyKind::ProposalLetters => "proposal_letters",
            TallyKind::Materials => "materials",
            TallyKind::RectifiedResidential => "rectified_residential",
            TallyKind::RectifiedVillage => "rectified_village",
            TallyKind::RectifiedSupermarket => "rectified_supermarket",
            TallyKind::RectifiedEnterprise => "rectified_enterprise",
            TallyKind::RectifiedRiverPond => "rectified_river_pond",
            TallyKind::RectifiedRoad => "rectified_road",
            TallyKind::RectifiedOther => "rectified_other",
            TallyKind::RefuseM3 => "refuse_m3",
            TallyKind::Disinfection => "disinfection",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            TallyKind::Volunteers => "组织志愿者",
            TallyKind::ProposalLetters => "发出倡议书",
            TallyKind::Materials => "编印宣传资料",
            TallyKind::RectifiedResidential => "整治小区",
            TallyKind::RectifiedVillage => "整治村庄",
            TallyKind::RectifiedSupermarket => "整治商超",
            TallyKind::RectifiedEnterprise => "整治企业",
            TallyKind::RectifiedRiverPond => "整治河道坑塘",
            TallyKind::RectifiedRoad => "整治道路",
            TallyKind::RectifiedOther => "整治其他点位",
            TallyKind::RefuseM3 => "清除垃圾",
            TallyKind::Disinfection => "消毒消杀",
        }
    }

    /// The unit the figure is counted in (人, 份, 个, 立方米, 次).
    pub fn unit(self) -> &'static str {
        match self {
            TallyKind::Volunteers => "人",
            TallyKind::ProposalLetters | TallyKind::Materials => "份",
            TallyKind::RectifiedResidential
            | TallyKind::RectifiedVillage
            | TallyKind::RectifiedSupermarket
            | TallyKind::RectifiedEnterprise
            | TallyKind::RectifiedRiverPond
            | TallyKind::RectifiedOther => "个",
            // roads are counted as 条, as the zone's reports do
            TallyKind::RectifiedRoad => "条",
            TallyKind::RefuseM3 => "立方米",
            TallyKind::Disinfection => "次",
        }
    }
}

impl TallyKind {
    /// The figure that counts rectified sites of a kind: every kind of site
    /// has one, so "sites rectified by type" covers all of them.
    pub fn rectified(site: SiteKind) -> TallyKind {
        match site {
            SiteKind::Residential => TallyKind::RectifiedResidential,
            SiteKind::Village => TallyKind::RectifiedVillage,
            SiteKind::Supermarket => TallyKind::RectifiedSupermarket,
            SiteKind::Enterprise => TallyKind::RectifiedEnterprise,
            SiteKind::RiverPond => TallyKind::RectifiedRiverPond,
            SiteKind::Road => TallyKind::RectifiedRoad,
            SiteKind::Other => TallyKind::RectifiedOther,
        }
    }

    /// The site kind a rectified figure counts; None for the other figures.
    pub fn rectified_site(self) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|&k| TallyKind::rectified(k) == self)
    }
}

/// The largest single tally entry accepted (a typo guard, not a law).
pub const MAX_TALLY_QUANTITY: i64 = 10_000_000;

/// Sums dated entries up to and including `as_of` (YYYY-MM-DD text sorts as the
/// dates do), one total per kind, every kind present (0 when nothing was entered).
pub fn totals_as_of<'a>(entries: impl IntoIterator<Item = (&'a str, TallyKind, i64)>, as_of: &str) -> Vec<(TallyKind, i64)> {
    let mut totals: Vec<(TallyKind, i64)> = TallyKind::ALL.iter().map(|k| (*k, 0)).collect();
    for (day, kind, quantity) in entries {
        if day <= as_of
            && let Some(slot) = totals.iter_mut().find(|(k, _)| *k == kind)
        {
            slot.1 = slot.1.saturating_add(quantity);
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in SiteKind::ALL {
            assert_eq!(SiteKind::parse(k.code()), Some(k));
        }
        for r in InspectionResult::ALL {
            assert_eq!(InspectionResult::parse(r.code()), Some(r));
        }
        for s in FindingStatus::ALL {
            assert_eq!(FindingStatus::parse(s.code()), Some(s));
        }
        for k in TallyKind::ALL {
            assert_eq!(TallyKind::parse(k.code()), Some(k));
            assert!(!k.unit().is_empty());
        }
        assert_eq!(SiteKind::parse("castle"), None);
    }

    #[test]
    fn a_result_must_agree_with_the_findings() {
        assert!(check_result(InspectionResult::Passed, 0).is_ok());
        assert!(check_result(InspectionResult::Problems, 2).is_ok());
        assert_eq!(check_result(InspectionResult::Passed, 1).unwrap_err().field, "result");
        assert_eq!(check_result(InspectionResult::Problems, 0).unwrap_err().field, "findings");
        assert_eq!(InspectionResult::of_findings(0), InspectionResult::Passed);
        assert_eq!(InspectionResult::of_findings(3), InspectionResult::Problems);
    }

    #[test]
    fn a_recheck_closes_or_reopens_a_resolved_order() {
        assert_eq!(recheck_effect(OrderState::Resolved, true, false), Ok(RecheckEffect::Rate(Rating::Satisfied)));
        assert_eq!(recheck_effect(OrderState::Resolved, false, false), Ok(RecheckEffect::Rate(Rating::Unsatisfied)));
        // and the engine agrees: 满意 closes, 不满意 reopens to the department
        let close = crate::domain::workorder::transition(OrderState::Resolved, Action::Rate, Some(Rating::Satisfied));
        let reopen = crate::domain::workorder::transition(OrderState::Resolved, Action::Rate, Some(Rating::Unsatisfied));
        assert_eq!((close, reopen), (Ok(OrderState::Closed), Ok(OrderState::Assigned)));
    }

    #[test]
    fn an_open_order_is_supervised_only_by_a_leader_and_never_verified() {
        for state in [OrderState::Assigned, OrderState::InProgress] {
            assert_eq!(recheck_effect(state, false, true), Ok(RecheckEffect::Supervise));
            assert_eq!(recheck_effect(state, false, false), Err(RecheckRefusal::NotResolved));
            assert_eq!(recheck_effect(state, true, true), Err(RecheckRefusal::NotResolved));
            assert!(crate::domain::workorder::transition(state, RecheckEffect::Supervise.action(), None).is_ok());
        }
    }

    #[test]
    fn unassigned_and_closed_orders_take_no_verdict() {
        for verified in [true, false] {
            assert_eq!(recheck_effect(OrderState::Submitted, verified, true), Err(RecheckRefusal::NotAssigned));
            assert_eq!(recheck_effect(OrderState::Closed, verified, true), Err(RecheckRefusal::Closed));
        }
        assert_eq!(status_after(true), FindingStatus::Verified);
        assert_eq!(status_after(false), FindingStatus::NotVerified);
    }

    #[test]
    fn every_kind_of_site_has_its_rectified_figure() {
        let mut seen = std::collections::HashSet::new();
        for site in SiteKind::ALL {
            let kind = TallyKind::rectified(site);
            assert!(seen.insert(kind), "{site:?} shares its figure");
            assert_eq!(kind.rectified_site(), Some(site));
            assert_eq!(kind.code(), format!("rectified_{}", site.code()));
            assert!(kind.label().starts_with("整治") && kind.label().contains(site.label()), "{}", kind.label());
        }
        assert_eq!(TallyKind::ALL.iter().filter(|k| k.rectified_site().is_some()).count(), SiteKind::ALL.len());
        assert_eq!(TallyKind::Volunteers.rectified_site(), None);
        // summed like any other figure
        let entries =
            [("2020-03-18", TallyKind::RectifiedRiverPond, 12), ("2020-03-19", TallyKind::RectifiedRiverPond, 3), ("2020-03-19", TallyKind::RectifiedRoad, 7)];
        let totals = totals_as_of(entries, "2020-03-19");
        assert!(totals.contains(&(TallyKind::RectifiedRiverPond, 15)) && totals.contains(&(TallyKind::RectifiedRoad, 7)));
        assert!(totals.contains(&(TallyKind::RectifiedEnterprise, 0)));
    }

    #[test]
    fn tallies_are_summed_up_to_and_including_the_day() {
        let entries = [
            ("2020-03-05", TallyKind::Volunteers, 300),
            ("2020-03-12", TallyKind::Volunteers, 400),
            ("2020-03-19", TallyKind::Volunteers, 46),
            ("2020-03-20", TallyKind::Volunteers, 1000),
            ("2020-03-10", TallyKind::RefuseM3, 96_000),
        ];
        let totals = totals_as_of(entries, "2020-03-19");
        assert_eq!(totals.len(), TallyKind::ALL.len());
        let of = |k: TallyKind| totals.iter().find(|(x, _)| *x == k).unwrap().1;
        assert_eq!(of(TallyKind::Volunteers), 746);
        assert_eq!(of(TallyKind::RefuseM3), 96_000);
        assert_eq!(of(TallyKind::Materials), 0);
        let earlier = totals_as_of(entries, "2020-03-11");
        assert_eq!(earlier.iter().find(|(k, _)| *k == TallyKind::Volunteers).unwrap().1, 300);
    }
}
