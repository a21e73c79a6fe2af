//! The work-order engine's rules (工单 / 交办事项): states, actions, the legal
//! transitions between them, and the three rates (三率). No I/O.
//!
//! States: submitted 待受理 → assigned 已交办 → in_progress 办理中 → resolved
//! 已办结 → closed 已评价. An assigned order may be returned 退回 to submitted or
//! transferred 转派 to another department; an unsatisfied rating reopens it to
//! assigned. Every other pair is refused with a message that says why.
//!
//! A verdict (`Rate`) is always a return visit 回访: the enterprise's own
//! rating online, or staff's call or visit, recorded with whom they reached
//! and what was said (the use case keeps the record and says when words are
//! required). A duplicate that is `Merge`d leaves its own life here (`Closed`
//! for this machine) but from then on reports its original's state: it is
//! open while the problem is open, and no action is taken on it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// 待受理: filed, not yet handed to a department
    Submitted,
    /// 已交办: handed to a department, waiting for it to sign for it
    Assigned,
    /// 办理中: signed for, being worked on
    InProgress,
    /// 已办结: the department says it is solved; waiting for the verdict
    Resolved,
    /// 已评价: rated 满意 or 基本满意 in a return visit
    Closed,
}

impl OrderState {
    pub const ALL: [OrderState; 5] = [OrderState::Submitted, OrderState::Assigned, OrderState::InProgress, OrderState::Resolved, OrderState::Closed];

    pub fn code(self) -> &'static str {
        match self {
            OrderState::Submitted => "submitted",
            OrderState::Assigned => "assigned",
            OrderState::InProgress => "in_progress",
            OrderState::Resolved => "resolved",
            OrderState::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderState::Submitted => "待受理",
            OrderState::Assigned => "已交办",
            OrderState::InProgress => "办理中",
            OrderState::Resolved => "已办结",
            OrderState::Closed => "已评价",
        }
    }

    /// Still waiting for someone to act (counts toward limits and escalation).
    pub fn is_open(self) -> bool {
        !matches!(self, OrderState::Closed)
    }

    /// A department holds it and its clock runs.
    pub fn is_with_department(self) -> bool {
        matches!(self, OrderState::Assigned | OrderState::InProgress)
    }
}

/// What filed an order; the order links back to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 企业诉求: filed by the enterprise itself
    Enterprise,
    /// 走访发现: raised by a chief service officer on a visit
    OfficerVisit,
    /// 热线: taken by staff on the phone
    Hotline,
    /// 督导检查: a finding of an inspection
    Inspection,
    /// 项目要素保障: a factor need of a key project
    Project,
    /// 政策督查: supervision of a policy's implementation
    PolicySupervision,
}

impl Source {
    pub const ALL: [Source; 6] = [Source::Enterprise, Source::OfficerVisit, Source::Hotline, Source::Inspection, Source::Project, Source::PolicySupervision];

    pub fn code(self) -> &'static str {
        match self {
            Source::Enterprise => "enterprise",
            Source::OfficerVisit => "officer_visit",
            Source::Hotline => "hotline",
            Source::Inspection => "inspection",
            Source::Project => "project",
            Source::PolicySupervision => "policy_supervision",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Enterprise => "企业诉求",
            Source::OfficerVisit => "走访发现",
            Source::Hotline => "热线受理",
            Source::Inspection => "督导检查",
            Source::Project => "项目要素保障",
            Source::PolicySupervision => "政策督查",
        }
    }
}

/// How urgent an order is; a green-list enterprise's orders start high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Normal, Priority::High, Priority::Urgent];

    pub fn code(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Normal => "一般",
            Priority::High => "优先",
            Priority::Urgent => "紧急",
        }
    }
}

/// The requester's verdict on a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意: reopens the order
    Unsatisfied,
}

impl Rating {
    pub const ALL: [Rating; 3] = [Rating::Satisfied, Rating::BasicallySatisfied, Rating::Unsatisfied];

    pub fn code(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::BasicallySatisfied => "basically_satisfied",
            Rating::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::Satisfied => "满意",
            Rating::BasicallySatisfied => "基本满意",
            Rating::Unsatisfied => "不满意",
        }
    }

    /// Counts toward the satisfaction rate.
    pub fn is_satisfied(self) -> bool {
        matches!(self, Rating::Satisfied | Rating::BasicallySatisfied)
    }
}

/// Everything that can be done to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 交办: hand to a department with limits
    Assign,
    /// 退回: the department says it is not theirs
    Return,
    /// 转派: pass it to another department
    Transfer,
    /// 签收: the department accepts it
    SignFor,
    /// 办理进展: a note on the way
    Note,
    /// 办结: solved, with a resolution
    Resolve,
    /// 评价 / 回访: the requester's verdict, online or by a return call
    Rate,
    /// 督办: a leader's note and, if given, a new deadline
    Supervise,
    /// 延期申请: the department asks for more time
    RequestExtension,
    /// 延期审批: a leader grants or refuses it
    DecideExtension,
    /// 合并: a duplicate folds into the original
    Merge,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::Assign,
        Action::Return,
        Action::Transfer,
        Action::SignFor,
        Action::Note,
        Action::Resolve,
        Action::Rate,
        Action::Supervise,
        Action::RequestExtension,
        Action::DecideExtension,
        Action::Merge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Assign => "assign",
            Action::Return => "return",
            Action::Transfer => "transfer",
            Action::SignFor => "sign_for",
            Action::Note => "note",
            Action::Resolve => "resolve",
            Action::Rate => "rate",
            Action::Supervise => "supervise",
            Action::RequestExtension => "request_extension",
            Action::DecideExtension => "decide_extension",
            Action::Merge => "merge",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Assign => "交办",
            Action::Return => "退回",
            Action::Transfer => "转派",
            Action::SignFor => "签收",
            Action::Note => "办理进展",
            Action::Resolve => "办结",
            Action::Rate => "评价",
            Action::Supervise => "督办",
            Action::RequestExtension => "延期申请",
            Action::DecideExtension => "延期审批",
            Action::Merge => "合并",
        }
    }
}

/// An action that the order's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("工单当前状态为“{}”，不能{}", .state.label(), .action.label())]
pub struct IllegalTransition {
    pub state: OrderState,
    pub action: Action,
}

/// The state an action leads to from `state`, or why it may not be taken.
///
/// `rating` matters only for `Rate`: an unsatisfied verdict reopens the order.
///
/// # Errors
/// `IllegalTransition` for every pair the engine does not allow.
pub fn transition(state: OrderState, action: Action, rating: Option<Rating>) -> Result<OrderState, IllegalTransition> {
    use Action as A;
    use OrderState as S;
    let next = match (state, action) {
        (S::Submitted, A::Assign) => S::Assigned,
        (S::Assigned, A::Return) => S::Submitted,
        (S::Assigned | S::InProgress, A::Transfer) => S::Assigned,
        (S::Assigned, A::SignFor) => S::InProgress,
        (S::InProgress, A::Note) => S::InProgress,
        (S::InProgress, A::Resolve) => S::Resolved,
        (S::Resolved, A::Rate) => match rating {
            Some(Rating::Unsatisfied) => S::Assigned,
            Some(_) => S::Closed,
            None => return Err(IllegalTransition { state, action }),
        },
        (S::Assigned | S::InProgress, A::Supervise) => state,
        (S::InProgress, A::RequestExtension) => S::InProgress,
        (S::InProgress, A::DecideExtension) => S::InProgress,
        (S::Submitted | S::Assigned, A::Merge) => S::Closed,
        _ => return Err(IllegalTransition { state, action }),
    };
    Ok(next)
}

/// 三率: the response, resolution and satisfaction rates of a set of orders.
///
/// The cohort is the orders first assigned in the period. Response: of those
/// whose sign-for limit has passed or that were signed for, the share signed
/// for in time. DESIGN.md writes "signed in time / assigned"; the denominator
/// here leaves out the orders whose sign-for window is still open (assigned
/// today, say), because they are neither in time nor late yet: counting them
/// would lower a department's response rate for orders it still has time to
/// sign for. Once signed or past the limit, each counts. Resolution: of those whose resolve limit has passed or that were
/// resolved, the share resolved. Satisfaction: of those rated, the share rated
/// 满意 or 基本满意. A rate with nothing to count is `None`, not 0% or 100%.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RateCounts {
    pub assigned: i64,
    pub response_due: i64,
    pub signed_in_time: i64,
    pub resolution_due: i64,
    pub resolved: i64,
    pub rated: i64,
    pub satisfied: i64,
}

impl RateCounts {
    pub fn response_rate(&self) -> Option<f64> {
        ratio(self.signed_in_time, self.response_due)
    }

    pub fn resolution_rate(&self) -> Option<f64> {
        ratio(self.resolved, self.resolution_due)
    }

    pub fn satisfaction_rate(&self) -> Option<f64> {
        ratio(self.satisfied, self.rated)
    }
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Character-bigram similarity (Jaccard) of two short Chinese texts, for
/// duplicate detection: word segmentation is not needed for titles this short.
pub fn similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> std::collections::HashSet<(char, char)> {
        let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation()).collect();
        if chars.len() == 1 {
            return std::iter::once((chars[0], ' ')).collect();
        }
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, y) = (grams(a), grams(b));
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let common = x.intersection(&y).count() as f64;
    common / (x.len() + y.len()) as f64 * 2.0
}

/// Two orders this similar are offered as possible duplicates.
pub const DUPLICATE_THRESHOLD: f64 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use OrderState as S;

    /// The complete table of legal transitions; everything else is illegal.
    const LEGAL: &[(OrderState, Action, Option<Rating>, OrderState)] = &[
        (S::Submitted, A::Assign, None, S::Assigned),
        (S::Submitted, A::Merge, None, S::Closed),
        (S::Assigned, A::Return, None, S::Submitted),
        (S::Assigned, A::Transfer, None, S::Assigned),
        (S::Assigned, A::SignFor, None, S::InProgress),
        (S::Assigned, A::Supervise, None, S::Assigned),
        (S::Assigned, A::Merge, None, S::Closed),
        (S::InProgress, A::Transfer, None, S::Assigned),
        (S::InProgress, A::Note, None, S::InProgress),
        (S::InProgress, A::Resolve, None, S::Resolved),
        (S::InProgress, A::Supervise, None, S::InProgress),
        (S::InProgress, A::RequestExtension, None, S::InProgress),
        (S::InProgress, A::DecideExtension, None, S::InProgress),
        (S::Resolved, A::Rate, Some(Rating::Satisfied), S::Closed),
        (S::Resolved, A::Rate, Some(Rating::BasicallySatisfied), S::Closed),
        (S::Resolved, A::Rate, Some(Rating::Unsatisfied), S::Assigned),
    ];

    #[test]
    fn every_legal_transition_leads_where_the_design_says() {
        for &(from, action, rating, to) in LEGAL {
            assert_eq!(transition(from, action, rating), Ok(to), "{from:?} --{action:?}/{rating:?}-->");
        }
    }

    #[test]
    fn every_other_pair_is_refused_with_a_message() {
        let ratings = [None, Some(Rating::Satisfied), Some(Rating::BasicallySatisfied), Some(Rating::Unsatisfied)];
        let mut refused = 0;
        for state in OrderState::ALL {
            for action in Action::ALL {
                for rating in ratings {
                    let legal = LEGAL.iter().any(|&(f, a, r, _)| f == state && a == action && (r == rating || (r.is_none() && action != A::Rate)));
                    match transition(state, action, rating) {
                        Ok(_) => assert!(legal, "{state:?} {action:?} {rating:?} should be refused"),
                        Err(e) => {
                            assert!(!legal, "{state:?} {action:?} {rating:?} should be allowed");
                            assert!(e.to_string().contains(state.label()) && e.to_string().contains(action.label()));
                            refused += 1;
                        }
                    }
                }
            }
        }
        assert!(refused > 150);
    }

    #[test]
    fn a_closed_order_accepts_nothing() {
        for action in Action::ALL {
            assert!(transition(S::Closed, action, Some(Rating::Satisfied)).is_err());
        }
    }

    #[test]
    fn rating_needs_a_verdict() {
        assert!(transition(S::Resolved, A::Rate, None).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for s in OrderState::ALL {
            assert_eq!(OrderState::parse(s.code()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(a));
        }
        for s in Source::ALL {
            assert_eq!(Source::parse(s.code()), Some(s));
        }
        for r in Rating::ALL {
            assert_eq!(Rating::parse(r.code()), Some(r));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.code()), Some(p));
        }
    }

    #[test]
    fn rates_with_nothing_to_count_are_none() {
        let c = RateCounts { assigned: 4, response_due: 4, signed_in_time: 3, resolution_due: 0, resolved: 0, rated: 2, satisfied: 1 };
        assert_eq!(c.response_rate(), Some(0.75));
        assert_eq!(c.resolution_rate(), None);
        assert_eq!(c.satisfaction_rate(), Some(0.5));
    }

    #[test]
    fn similar_titles_are_recognised() {
        assert!(similarity("企业用工短缺急需招聘", "企业用工短缺，急需招聘工人") > DUPLICATE_THRESHOLD);
        assert!(similarity("原材料运输受阻", "申请贷款贴息") < DUPLICATE_THRESHOLD);
        assert_eq!(similarity("", ""), 1.0);
    }
}
