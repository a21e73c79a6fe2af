//! 惠企政策: the catalogue's kinds and eligibility rules (as data), an
//! application's states (申报 → 批准/驳回 → 兑现), the documents an application
//! must include, and amounts in 万元 — the unit the zone's measures speak —
//! kept as whole 元. No I/O.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::registry::{EnterpriseKind, FieldError};

// ---- amounts ---------------------------------------------------------------

/// 1 万元 in 元.
pub const YUAN_PER_WAN: i64 = 10_000;
/// The largest amount accepted anywhere: 1 000 亿元.
const MAX_WAN: f64 = 10_000_000.0;

/// An amount in 万元 as whole 元.
///
/// # Errors
/// Not a finite number, negative, above 1 000 亿元, or finer than 1 元.
pub fn wan_to_yuan(field: &'static str, label: &str, wan: f64) -> Result<i64, FieldError> {
    if !wan.is_finite() || wan < 0.0 {
        return Err(FieldError::new(field, format!("{label}应为不小于0的数（万元）")));
    }
    if wan > MAX_WAN {
        return Err(FieldError::new(field, format!("{label}过大")));
    }
    let yuan = wan * YUAN_PER_WAN as f64;
    let whole = yuan.round();
    if (yuan - whole).abs() > 1e-6 * whole.abs().max(1.0) {
        return Err(FieldError::new(field, format!("{label}最多精确到元（小数点后4位）")));
    }
    Ok(whole as i64)
}

/// Whole 元 as 万元.
pub fn yuan_to_wan(yuan: i64) -> f64 {
    yuan as f64 / YUAN_PER_WAN as f64
}

/// 元 as the 万元 text a page shows: "35000", "12.5", "0.0123".
pub fn format_wan(yuan: i64) -> String {
    let sign = if yuan < 0 { "-" } else { "" };
    let yuan = yuan.unsigned_abs();
    let whole = yuan / YUAN_PER_WAN as u64;
    let frac = yuan % YUAN_PER_WAN as u64;
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:04}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Parses the 万元 text of a form field (empty is `None`).
///
/// # Errors
/// Not a number, or not a valid amount (see `wan_to_yuan`).
pub fn parse_wan_text(field: &'static str, label: &str, text: &str) -> Result<Option<i64>, FieldError> {
    let t = text.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Ok(None);
    }
    let wan: f64 = t.parse().map_err(|_| FieldError::new(field, format!("{label}应为数字（万元）")))?;
    wan_to_yuan(field, label, wan).map(Some)
}

/// Serialises whole 元 as 万元 (for `#[serde(serialize_with)]`).
///
/// # Errors
/// Whatever the serializer refuses.
pub fn serialize_wan<S: serde::Serializer>(yuan: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(yuan_to_wan(*yuan))
}

/// As `serialize_wan`, for an optional amount.
///
/// # Errors
/// Whatever the serializer refuses.
pub fn serialize_opt_wan<S: serde::Serializer>(yuan: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match yuan {
        Some(y) => s.serialize_some(&yuan_to_wan(*y)),
        None => s.serialize_none(),
    }
}

// ---- the catalogue -----------------------------------------------------------

/// What a policy gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// 补贴 (出口总量补贴, 海外市场拓展补助)
    Subsidy,
    /// 奖励 (出口增量奖励)
    Reward,
    /// 贷款贴息
    InterestSubsidy,
    /// 资金池 (出口退税资金池, 中小微外贸企业纾困资金池)
    FundPool,
    /// 主办银行制度: a bank's credit line, arranged by the zone
    BankScheme,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 5] = [PolicyKind::Subsidy, PolicyKind::Reward, PolicyKind::InterestSubsidy, PolicyKind::FundPool, PolicyKind::BankScheme];

    pub fn code(self) -> &'static str {
        match self {
            PolicyKind::Subsidy => "subsidy",
            PolicyKind::Reward => "reward",
            PolicyKind::InterestSubsidy => "interest_subsidy",
            PolicyKind::FundPool => "fund_pool",
            PolicyKind::BankScheme => "bank_scheme",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::Subsidy => "补贴",
            PolicyKind::Reward => "奖励",
            PolicyKind::InterestSubsidy => "贷款贴息",
            PolicyKind::FundPool => "资金池",
            PolicyKind::BankScheme => "主办银行",
        }
    }
}

/// Who may apply for a policy and for how much: the catalogue's rules, as data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Eligibility {
    /// kinds of enterprise that may apply (empty: every kind)
    pub kinds: Vec<EnterpriseKind>,
    /// only enterprises on the green list (绿名单)
    pub green_list_only: bool,
    /// the most one application may be granted, in 元
    pub max_amount_yuan: Option<i64>,
}

/// Why an enterprise may not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ineligible {
    #[error("本政策仅限以下类型的企业申报：{0}")]
    Kind(String),
    #[error("本政策仅限列入复工“绿名单”的企业申报")]
    NotGreenListed,
}

impl Eligibility {
    /// Reads the stored form: kinds as comma-separated codes.
    pub fn from_stored(kinds: &str, green_list_only: bool, max_amount_yuan: Option<i64>) -> Eligibility {
        Eligibility { kinds: parse_kinds(kinds).unwrap_or_default(), green_list_only, max_amount_yuan }
    }

    /// The kinds as stored: comma-separated codes.
    pub fn kinds_text(&self) -> String {
        self.kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
    }

    /// Whether an enterprise of `kind`, listed or not, may apply.
    ///
    /// # Errors
    /// `Ineligible` saying which rule it fails.
    pub fn check(&self, kind: EnterpriseKind, green_listed: bool, kind_label: impl Fn(EnterpriseKind) -> &'static str) -> Result<(), Ineligible> {
        if !self.kinds.is_empty() && !self.kinds.contains(&kind) {
            return Err(Ineligible::Kind(self.kinds.iter().map(|k| kind_label(*k)).collect::<Vec<_>>().join("、")));
        }
        if self.green_list_only && !green_listed {
            return Err(Ineligible::NotGreenListed);
        }
        Ok(())
    }
}

/// The Chinese name of an enterprise kind, for the reasons given to applicants.
pub fn kind_label(kind: EnterpriseKind) -> &'static str {
    match kind {
        EnterpriseKind::Industrial => "工业企业",
        EnterpriseKind::ForeignTrade => "外贸企业",
        EnterpriseKind::CommerceService => "商贸服务业",
        EnterpriseKind::ConstructionRealEstate => "建筑房地产",
        EnterpriseKind::Agriculture => "农业",
    }
}

/// Comma-separated enterprise-kind codes.
///
/// # Errors
/// The first code that is not a kind.
pub fn parse_kinds(text: &str) -> Result<Vec<EnterpriseKind>, String> {
    let mut kinds = Vec::new();
    for code in text.split([',', '，', ' ']).map(str::trim).filter(|c| !c.is_empty()) {
        let kind = EnterpriseKind::parse(code).ok_or_else(|| code.to_string())?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// A list of documents, one per line, trimmed, without blanks or repeats.
pub fn document_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|d| d == line) {
            out.push(line.to_string());
        }
    }
    out
}

/// The required documents an application leaves out.
pub fn missing_documents(required: &[String], included: &[String]) -> Vec<String> {
    required.iter().filter(|r| !included.contains(r)).cloned().collect()
}

// ---- applications ------------------------------------------------------------

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// 待审核
    Submitted,
    /// 已批准, waiting for (the rest of) the money
    Approved,
    /// 已驳回
    Rejected,
    /// 已兑现: paid in full
    Paid,
}

impl ApplicationState {
    pub const ALL: [ApplicationState; 4] = [ApplicationState::Submitted, ApplicationState::Approved, ApplicationState::Rejected, ApplicationState::Paid];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationState::Submitted => "submitted",
            ApplicationState::Approved => "approved",
            ApplicationState::Rejected => "rejected",
            ApplicationState::Paid => "paid",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationState::Submitted => "待审核",
            ApplicationState::Approved => "已批准",
            ApplicationState::Rejected => "已驳回",
            ApplicationState::Paid => "已兑现",
        }
    }

    /// Still open: a second application to the same policy is refused meanwhile.
    pub fn is_open(self) -> bool {
        matches!(self, ApplicationState::Submitted | ApplicationState::Approved)
    }
}

/// A reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// A step an application's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("申报当前状态为“{}”，不能{}", .state.label(), .what)]
pub struct IllegalStep {
    pub state: ApplicationState,
    pub what: &'static str,
}

/// The state a review leads to.
///
/// # Errors
/// Only a submitted application is reviewed.
pub fn review(state: ApplicationState, decision: Decision) -> Result<ApplicationState, IllegalStep> {
    match (state, decision) {
        (ApplicationState::Submitted, Decision::Approve) => Ok(ApplicationState::Approved),
        (ApplicationState::Submitted, Decision::Reject) => Ok(ApplicationState::Rejected),
        _ => Err(IllegalStep { state, what: "审核" }),
    }
}

/// A payment that the approval does not cover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    State(#[from] IllegalStep),
    #[error("兑现金额超过尚未兑现的批准金额（还可兑现{}万元）", format_wan(*.remaining))]
    OverApproved { remaining: i64 },
    #[error("兑现金额应大于0")]
    NotPositive,
}

/// The paid total and state after paying `amount` (元) of an approved application.
///
/// # Errors
/// Not approved, a non-positive amount, or more than the approved amount left.
pub fn pay(state: ApplicationState, approved: i64, paid: i64, amount: i64) -> Result<(i64, ApplicationState), PaymentError> {
    if state != ApplicationState::Approved {
        return Err(IllegalStep { state, what: "兑现" }.into());
    }
    if amount <= 0 {
        return Err(PaymentError::NotPositive);
    }
    let remaining = approved - paid;
    if amount > remaining {
        return Err(PaymentError::OverApproved { remaining });
    }
    let total = paid + amount;
    Ok((total, if total == approved { ApplicationState::Paid } else { ApplicationState::Approved }))
}

/// Whether an approved application's payment is overdue on `today` (dates as
/// YYYY-MM-DD text): its deadline has passed and it is not paid in full.
pub fn payment_overdue(state: ApplicationState, pay_deadline: Option<&str>, today: &str) -> bool {
    state == ApplicationState::Approved && pay_deadline.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_wan_are_whole_yuan() {
        assert_eq!(wan_to_yuan("a", "金额", 12.5), Ok(125_000));
        assert_eq!(wan_to_yuan("a", "金额", 0.0001), Ok(1));
        assert_eq!(wan_to_yuan("a", "金额", 35_000.0), Ok(350_000_000));
        assert!(wan_to_yuan("a", "金额", 0.00001).is_err(), "finer than 1 元");
        assert!(wan_to_yuan("a", "金额", -1.0).is_err());
        assert!(wan_to_yuan("a", "金额", f64::NAN).is_err());
        assert!(wan_to_yuan("a", "金额", 1e12).is_err());
        assert_eq!(format_wan(125_000), "12.5");
        assert_eq!(format_wan(350_000_000), "35000");
        assert_eq!(format_wan(123), "0.0123");
        assert_eq!(parse_wan_text("a", "金额", " 1,200.5 "), Ok(Some(12_005_000)));
        assert_eq!(parse_wan_text("a", "金额", ""), Ok(None));
        assert!(parse_wan_text("a", "金额", "十万").is_err());
    }

    #[test]
    fn eligibility_rules_are_data() {
        let rules = Eligibility::from_stored("foreign_trade,industrial", true, Some(500_000));
        let label = |k: EnterpriseKind| k.code();
        assert_eq!(rules.check(EnterpriseKind::ForeignTrade, true, label), Ok(()));
        assert_eq!(rules.check(EnterpriseKind::ForeignTrade, false, label), Err(Ineligible::NotGreenListed));
        assert!(matches!(rules.check(EnterpriseKind::Agriculture, true, label), Err(Ineligible::Kind(_))));
        assert_eq!(rules.kinds_text(), "foreign_trade,industrial");
        assert_eq!(Eligibility::from_stored("", false, None).check(EnterpriseKind::Agriculture, false, label), Ok(()));
        assert_eq!(parse_kinds("foreign_trade, galaxy"), Err("galaxy".to_string()));
    }

    #[test]
    fn documents_are_lines() {
        let required = document_list("营业执照\n 出口报关单 \n\n营业执照");
        assert_eq!(required, ["营业执照", "出口报关单"]);
        assert_eq!(missing_documents(&required, &document_list("营业执照")), ["出口报关单"]);
    }

    #[test]
    fn only_a_submitted_application_is_reviewed() {
        assert_eq!(review(ApplicationState::Submitted, Decision::Approve), Ok(ApplicationState::Approved));
        assert_eq!(review(ApplicationState::Submitted, Decision::Reject), Ok(ApplicationState::Rejected));
        for s in [ApplicationState::Approved, ApplicationState::Rejected, ApplicationState::Paid] {
            let e = review(s, Decision::Approve).unwrap_err();
            assert!(e.to_string().contains(s.label()));
        }
    }

    #[test]
    fn payments_never_exceed_the_approval() {
        assert_eq!(pay(ApplicationState::Approved, 100, 0, 40), Ok((40, ApplicationState::Approved)));
        assert_eq!(pay(ApplicationState::Approved, 100, 40, 60), Ok((100, ApplicationState::Paid)));
        assert_eq!(pay(ApplicationState::Approved, 100, 40, 61), Err(PaymentError::OverApproved { remaining: 60 }));
        assert_eq!(pay(ApplicationState::Approved, 100, 0, 0), Err(PaymentError::NotPositive));
        assert!(matches!(pay(ApplicationState::Submitted, 100, 0, 1), Err(PaymentError::State(_))));
        assert!(matches!(pay(ApplicationState::Paid, 100, 100, 1), Err(PaymentError::State(_))));
    }

    #[test]
    fn a_payment_is_overdue_the_day_after_its_deadline() {
        assert!(!payment_overdue(ApplicationState::Approved, Some("2020-03-16"), "2020-03-16"));
        assert!(payment_overdue(ApplicationState::Approved, Some("2020-03-16"), "2020-03-17"));
        assert!(!payment_overdue(ApplicationState::Paid, Some("2020-03-16"), "2020-03-19"));
        assert!(!payment_overdue(ApplicationState::Approved, None, "2020-03-19"));
    }

    #[test]
    fn codes_round_trip() {
        for k in PolicyKind::ALL {
            assert_eq!(PolicyKind::parse(k.code()), Some(k));
        }
        for s in ApplicationState::ALL {
            assert_eq!(ApplicationState::parse(s.code()), Some(s));
        }
        assert!(ApplicationState::Approved.is_open() && !ApplicationState::Paid.is_open());
    }
}
