//! 重点项目调度: project kinds, permit (手续) statuses and their moves, factor
//! needs (要素保障) and the work-order categories they become, the checked input
//! of a project, a milestone (节点) and a permit, and slippage. No I/O.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::policy::wan_to_yuan;
use super::registry::{FieldError, optional_text, required_text};

/// What kind of project it is ("抓好棚改工程、重点项目、房地产项目紧急复工").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 建筑 (roads, bridges, public works)
    Construction,
    /// 房地产
    RealEstate,
    /// 棚改 (shantytown redevelopment)
    Shantytown,
    /// 工业 (plants, industrial parks)
    Industrial,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 4] = [ProjectKind::Construction, ProjectKind::RealEstate, ProjectKind::Shantytown, ProjectKind::Industrial];

    pub fn code(self) -> &'static str {
        match self {
            ProjectKind::Construction => "construction",
            ProjectKind::RealEstate => "real_estate",
            ProjectKind::Shantytown => "shantytown",
            ProjectKind::Industrial => "industrial",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectKind::Construction => "建筑",
            ProjectKind::RealEstate => "房地产",
            ProjectKind::Shantytown => "棚改",
            ProjectKind::Industrial => "工业",
        }
    }
}

/// Where a permit (手续) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PermitStatus {
    /// 未申报
    Pending,
    /// 办理中
    InProgress,
    /// 已批复
    Approved,
    /// 未通过
    Rejected,
}

impl PermitStatus {
    pub const ALL: [PermitStatus; 4] = [PermitStatus::Pending, PermitStatus::InProgress, PermitStatus::Approved, PermitStatus::Rejected];

    pub fn code(self) -> &'static str {
        match self {
            PermitStatus::Pending => "pending",
            PermitStatus::InProgress => "in_progress",
            PermitStatus::Approved => "approved",
            PermitStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            PermitStatus::Pending => "未申报",
            PermitStatus::InProgress => "办理中",
            PermitStatus::Approved => "已批复",
            PermitStatus::Rejected => "未通过",
        }
    }

    /// Not yet decided: it stalls the project when its due day passes.
    pub fn is_open(self) -> bool {
        matches!(self, PermitStatus::Pending | PermitStatus::InProgress)
    }

    /// Whether a permit may move from `self` to `next`: forward, or a rejected
    /// one submitted again; an approved permit is final.
    pub fn may_become(self, next: PermitStatus) -> bool {
        use PermitStatus as P;
        matches!(
            (self, next),
            (P::Pending, P::InProgress | P::Approved | P::Rejected) | (P::InProgress, P::Approved | P::Rejected) | (P::Rejected, P::InProgress)
        ) || self == next
    }
}

/// A factor need (要素保障) of a project; each is raised as a work order of the
/// category that the order engine routes ("手续审批、交通物流、用工用料").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// 用工
    Labour,
    /// 用料
    Materials,
    /// 交通物流
    Logistics,
    /// 手续审批
    Approval,
}

impl FactorKind {
    pub const ALL: [FactorKind; 4] = [FactorKind::Labour, FactorKind::Materials, FactorKind::Logistics, FactorKind::Approval];

    pub fn code(self) -> &'static str {
        match self {
            FactorKind::Labour => "labour",
            FactorKind::Materials => "materials",
            FactorKind::Logistics => "logistics",
            FactorKind::Approval => "approval",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            FactorKind::Labour => "用工",
            FactorKind::Materials => "用料",
            FactorKind::Logistics => "交通物流",
            FactorKind::Approval => "手续审批",
        }
    }

    /// The work-order category the need is filed under.
    pub fn category_code(self) -> &'static str {
        match self {
            FactorKind::Labour => "labour",
            FactorKind::Materials => "materials",
            FactorKind::Logistics => "logistics",
            FactorKind::Approval => "permits",
        }
    }
}

/// A YYYY-MM-DD date of a form or JSON field.
///
/// # Errors
/// Empty or not a date.
pub fn required_date(field: &'static str, label: &str, text: &str) -> Result<Date, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, format!("请填写{label}")));
    }
    Date::parse(t, time::macros::format_description!("[year]-[month]-[day]")).map_err(|_| FieldError::new(field, format!("{label}格式应为 YYYY-MM-DD")))
}

/// As `required_date`, but empty is `None`.
///
/// # Errors
/// Not a date.
pub fn optional_date(field: &'static str, label: &str, text: Option<&str>) -> Result<Option<Date>, FieldError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => required_date(field, label, t).map(Some),
        None => Ok(None),
    }
}

/// A project as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProjectInput {
    pub name: String,
    /// construction, real_estate, shantytown, industrial
    pub kind: String,
    /// the enterprise that owns (builds) it
    pub owner_enterprise_id: Option<i64>,
    /// defaults to the owner's township
    pub township_id: Option<i64>,
    /// total investment, 万元
    pub investment_wan: f64,
    /// YYYY-MM-DD
    pub start_on: String,
    /// YYYY-MM-DD, not before the start
    pub planned_end_on: String,
    /// 0–100
    pub progress_pct: i64,
    pub location: String,
    pub description: String,
}

/// A checked project (the ids are checked against the database by the use case).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFields {
    pub name: String,
    pub kind: ProjectKind,
    pub owner_enterprise_id: i64,
    pub township_id: Option<i64>,
    pub investment_yuan: i64,
    pub start_on: Date,
    pub planned_end_on: Date,
    pub progress_pct: i64,
    pub location: String,
    pub description: String,
}

impl ProjectInput {
    /// # Errors
    /// Every bad field, each named.
    pub fn parse(&self) -> Result<ProjectFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required_text("name", "项目名称", &self.name, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let kind = ProjectKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                if self.kind.trim().is_empty() { "请选择项目类型".to_string() } else { format!("未知的项目类型“{}”", self.kind) },
            ));
        }
        if self.owner_enterprise_id.is_none() {
            errors.push(FieldError::new("owner_enterprise_id", "请选择项目业主企业"));
        }
        let investment = wan_to_yuan("investment_wan", "总投资", self.investment_wan).map_err(|e| errors.push(e)).ok();
        let start = required_date("start_on", "开工日期", &self.start_on).map_err(|e| errors.push(e)).ok();
        let end = required_date("planned_end_on", "计划竣工日期", &self.planned_end_on).map_err(|e| errors.push(e)).ok();
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errors.push(FieldError::new("planned_end_on", "计划竣工日期不能早于开工日期"));
        }
        if !(0..=100).contains(&self.progress_pct) {
            errors.push(FieldError::new("progress_pct", "形象进度应为0到100之间的整数"));
        }
        let location = optional_text("location", "项目地点", &self.location, 200).map_err(|e| errors.push(e)).unwrap_or_default();
        let description = optional_text("description", "建设内容", &self.description, 2000).map_err(|e| errors.push(e)).unwrap_or_default();
        match (kind, self.owner_enterprise_id, investment, start, end) {
            (Some(kind), Some(owner), Some(investment_yuan), Some(start_on), Some(planned_end_on)) if errors.is_empty() => Ok(ProjectFields {
                name,
                kind,
                owner_enterprise_id: owner,
                township_id: self.township_id,
                investment_yuan,
                start_on,
                planned_end_on,
                progress_pct: self.progress_pct,
                location,
                description,
            }),
            _ => Err(errors),
        }
    }
}

/// A milestone (节点) as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MilestoneInput {
    pub name: String,
    /// YYYY-MM-DD, not before the project's start
    pub planned_on: String,
    /// YYYY-MM-DD when reached, not before the start nor after today
    pub actual_on: Option<String>,
    pub note: String,
}

/// A checked milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFields {
    pub name: String,
    pub planned_on: Date,
    pub actual_on: Option<Date>,
    pub note: String,
}

impl MilestoneInput {
    /// Checks a milestone of a project that starts on `start`, as of `today`.
    ///
    /// # Errors
    /// Every bad field: a planned or actual date before the project's start is
    /// refused naming its field; so is an actual date in the future.
    pub fn parse(&self, start: Date, today: Date) -> Result<MilestoneFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required_text("name", "节点名称", &self.name, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let planned = required_date("planned_on", "计划日期", &self.planned_on).map_err(|e| errors.push(e)).ok();
        if planned.is_some_and(|p| p < start) {
            errors.push(FieldError::new("planned_on", format!("计划日期不能早于项目开工日期（{}）", iso(start))));
        }
        let actual = optional_date("actual_on", "完成日期", self.actual_on.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
        if actual.is_some_and(|a| a < start) {
            errors.push(FieldError::new("actual_on", format!("完成日期不能早于项目开工日期（{}）", iso(start))));
        } else if actual.is_some_and(|a| a > today) {
            errors.push(FieldError::new("actual_on", "完成日期不能晚于今天"));
        }
        let note = optional_text("note", "备注", &self.note, 500).map_err(|e| errors.push(e)).unwrap_or_default();
        match planned {
            Some(planned_on) if errors.is_empty() => Ok(MilestoneFields { name, planned_on, actual_on: actual, note }),
            _ => Err(errors),
        }
    }
}

/// A permit (手续) as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PermitInput {
    /// e.g. 建设工程规划许可证
    pub name: String,
    /// the authority that grants it, e.g. 规划建设局
    pub authority: String,
    /// pending (default), in_progress, approved, rejected
    pub status: Option<String>,
    /// YYYY-MM-DD: when it must be granted for the schedule to hold
    pub due_on: String,
    pub note: String,
}

/// A checked permit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitFields {
    pub name: String,
    pub authority: String,
    pub status: PermitStatus,
    pub due_on: Date,
    pub note: String,
}

impl PermitInput {
    /// # Errors
    /// Every bad field, each named.
    pub fn parse(&self) -> Result<PermitFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required_text("name", "手续名称", &self.name, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let authority = required_text("authority", "审批部门", &self.authority, 100).map_err(|e| errors.push(e)).unwrap_or_default();
        let status = match self.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(PermitStatus::Pending),
            Some(code) => PermitStatus::parse(code).or_else(|| {
                errors.push(FieldError::new("status", format!("未知的办理状态“{code}”")));
                None
            }),
        };
        let due = required_date("due_on", "要求办结日期", &self.due_on).map_err(|e| errors.push(e)).ok();
        let note = optional_text("note", "备注", &self.note, 500).map_err(|e| errors.push(e)).unwrap_or_default();
        match (status, due) {
            (Some(status), Some(due_on)) if errors.is_empty() => Ok(PermitFields { name, authority, status, due_on, note }),
            _ => Err(errors),
        }
    }
}

/// How many calendar days a milestone is behind on `today`: reached late, or
/// not reached and its day passed. `None` when it is on time.
pub fn days_late(planned: Date, actual: Option<Date>, today: Date) -> Option<i64> {
    let late = match actual {
        Some(a) => (a - planned).whole_days(),
        None => (today - planned).whole_days(),
    };
    (late > 0).then_some(late)
}

/// A permit stalls the schedule when it is still undecided after its due day.
pub fn permit_stalled(status: PermitStatus, due_on: Date, today: Date) -> bool {
    status.is_open() && due_on < today
}

fn iso(d: Date) -> String {
    d.format(time::macros::format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn project() -> ProjectInput {
        ProjectInput {
            name: "开州路与濮范高速互通立交项目".into(),
            kind: "construction".into(),
            owner_enterprise_id: Some(1),
            investment_wan: 38_600.0,
            start_on: "2019-10-08".into(),
            planned_end_on: "2020-12-31".into(),
            progress_pct: 35,
            ..ProjectInput::default()
        }
    }

    #[test]
    fn a_good_project_parses() {
        let p = project().parse().unwrap();
        assert_eq!(p.kind, ProjectKind::Construction);
        assert_eq!(p.investment_yuan, 386_000_000);
        assert_eq!(p.start_on, date!(2019 - 10 - 08));
    }

    #[test]
    fn every_bad_project_field_is_named() {
        let bad = ProjectInput {
            name: String::new(),
            kind: "bridge".into(),
            owner_enterprise_id: None,
            investment_wan: -1.0,
            start_on: "2020-03-01".into(),
            planned_end_on: "2020-02-01".into(),
            progress_pct: 101,
            ..ProjectInput::default()
        };
        let fields: Vec<_> = bad.parse().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "kind", "owner_enterprise_id", "investment_wan", "planned_end_on", "progress_pct"]);
    }

    #[test]
    fn a_milestone_before_the_start_is_refused_naming_its_field() {
        let start = date!(2020 - 03 - 01);
        let today = date!(2020 - 03 - 19);
        let m = MilestoneInput { name: "桥梁下部结构完成".into(), planned_on: "2020-02-28".into(), ..MilestoneInput::default() };
        let errors = m.parse(start, today).unwrap_err();
        assert_eq!(errors[0].field, "planned_on");
        assert!(errors[0].message.contains("2020-03-01"));
        let future = MilestoneInput { name: "x".into(), planned_on: "2020-04-01".into(), actual_on: Some("2020-03-20".into()), ..MilestoneInput::default() };
        assert_eq!(future.parse(start, today).unwrap_err()[0].field, "actual_on");
        let ok = MilestoneInput { name: "x".into(), planned_on: "2020-03-01".into(), actual_on: Some(String::new()), ..MilestoneInput::default() };
        assert_eq!(ok.parse(start, today).unwrap().actual_on, None);
    }

    #[test]
    fn permits_move_forward_or_are_resubmitted() {
        use PermitStatus as P;
        assert!(P::Pending.may_become(P::InProgress));
        assert!(P::InProgress.may_become(P::Approved));
        assert!(P::Rejected.may_become(P::InProgress));
        assert!(!P::Approved.may_become(P::InProgress));
        assert!(!P::InProgress.may_become(P::Pending));
        assert!(P::Approved.may_become(P::Approved));
        assert!(
            PermitInput { name: "a".into(), authority: "b".into(), status: Some("lost".into()), due_on: "2020-03-01".into(), ..Default::default() }
                .parse()
                .is_err()
        );
    }

    #[test]
    fn slippage_counts_days_behind() {
        let today = date!(2020 - 03 - 19);
        assert_eq!(days_late(date!(2020 - 03 - 10), None, today), Some(9));
        assert_eq!(days_late(date!(2020 - 03 - 10), Some(date!(2020 - 03 - 12)), today), Some(2));
        assert_eq!(days_late(date!(2020 - 03 - 10), Some(date!(2020 - 03 - 09)), today), None);
        assert_eq!(days_late(date!(2020 - 03 - 19), None, today), None);
        assert!(permit_stalled(PermitStatus::InProgress, date!(2020 - 03 - 18), today));
        assert!(!permit_stalled(PermitStatus::Approved, date!(2020 - 03 - 18), today));
        assert!(!permit_stalled(PermitStatus::Pending, today, today));
    }

    #[test]
    fn factor_needs_become_order_categories() {
        assert_eq!(FactorKind::Approval.category_code(), "permits");
        for k in FactorKind::ALL {
            assert_eq!(FactorKind::parse(k.code()), Some(k));
        }
        for k in ProjectKind::ALL {
            assert_eq!(ProjectKind::parse(k.code()), Some(k));
        }
        for s in PermitStatus::ALL {
            assert_eq!(PermitStatus::parse(s.code()), Some(s));
        }
    }
}
