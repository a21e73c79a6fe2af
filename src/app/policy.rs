//! 惠企政策: the catalogue (eligibility rules as data), enterprises'
//! applications (申报), review (批准/驳回), payments (兑现), and supervision
//! (督查): each policy's take-up, and approved money unpaid past the policy's
//! limit escalated as a work order (督办) — once per application.
//!
//! Rows: an enterprise applies for itself and sees its own applications; the
//! leader and admin see all (and may register a paper application on an
//! enterprise's behalf); a department reviews and pays the applications of the
//! policies it is responsible for; a township and an officer read those of
//! their enterprises.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use time::Date;
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text, parse_date};
use super::workorder::{OrderInput, TransitionInput, calendar_error, file_in};
use super::{Actor, snapshot};
use crate::domain::policy::{
    self as rules, ApplicationState, Decision, Eligibility, PaymentError, PolicyKind, document_list, missing_documents, parse_kinds, wan_to_yuan,
};
use crate::domain::project::{optional_date, required_date};
use crate::domain::registry::{optional_text, required_text};
use crate::domain::workorder::OrderState;
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::policy::{self as repo, Application, ApplicationFilter, Disbursement, NewApplication, Policy, PolicyRow, TakeUp};
use crate::store::registry as reg;
use crate::store::workorder as orders;
use crate::store::{Db, Page, PageRequest, StoreError, audit};

const POLICY_UNIQUE: &[(&str, &str, &str)] = &[("code", "code", "该政策编码已存在")];

// ---- the catalogue ---------------------------------------------------------------------

/// A policy as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PolicyInput {
    /// a short stable code, e.g. export_volume
    pub code: String,
    pub name: String,
    /// subsidy, reward, interest_subsidy, fund_pool, bank_scheme
    pub kind: String,
    pub summary: String,
    /// enterprise kinds that may apply (empty: every kind)
    pub eligible_kinds: Vec<String>,
    /// only enterprises on the green list (绿名单) may apply
    pub green_list_only: bool,
    /// the most one application may be granted, 万元 (absent: no cap)
    pub max_amount_wan: Option<f64>,
    /// the documents an application must include
    pub documents: Vec<String>,
    /// working days from approval within which it must be paid (1–120)
    pub payment_days: i64,
    /// the department that reviews and pays
    pub department_id: Option<i64>,
    /// YYYY-MM-DD from which enterprises may apply
    pub published_on: String,
    /// YYYY-MM-DD after which they may not
    pub ends_on: Option<String>,
}

struct CheckedPolicy {
    code: String,
    name: String,
    kind: PolicyKind,
    summary: String,
    kinds: String,
    green_list_only: bool,
    max_amount_yuan: Option<i64>,
    documents: String,
    payment_days: i64,
    department_id: Option<i64>,
    published_on: String,
    ends_on: Option<String>,
}

impl CheckedPolicy {
    fn row(&self) -> PolicyRow<'_> {
        PolicyRow {
            code: &self.code,
            name: &self.name,
            kind: self.kind.code(),
            summary: &self.summary,
            eligible_kinds: &self.kinds,
            green_list_only: self.green_list_only,
            max_amount_yuan: self.max_amount_yuan,
            documents: &self.documents,
            payment_days: self.payment_days,
            department_id: self.department_id,
            published_on: &self.published_on,
            ends_on: self.ends_on.as_deref(),
        }
    }
}

fn check_policy(input: &PolicyInput) -> Result<CheckedPolicy, AppError> {
    let mut errors = Vec::new();
    let code = required_text("code", "政策编码", &input.code, 40).map_err(|e| errors.push(e)).unwrap_or_default();
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        errors.push(FieldError::new("code", "政策编码只能包含字母、数字、下划线和连字符"));
    }
    let name = required_text("name", "政策名称", &input.name, 100).map_err(|e| errors.push(e)).unwrap_or_default();
    let kind = PolicyKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", format!("未知的政策类型“{}”", input.kind)));
    }
    let summary = optional_text("summary", "政策内容", &input.summary, 2000).map_err(|e| errors.push(e)).unwrap_or_default();
    let kinds = parse_kinds(&input.eligible_kinds.join(","))
        .map_err(|k| errors.push(FieldError::new("eligible_kinds", format!("未知的企业类型“{k}”"))))
        .unwrap_or_default();
    let max_amount_yuan = match input.max_amount_wan {
        Some(w) => match wan_to_yuan("max_amount_wan", "单户上限", w) {
            Ok(0) => {
                errors.push(FieldError::new("max_amount_wan", "单户上限应大于0"));
                None
            }
            Ok(y) => Some(y),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let documents = document_list(&input.documents.join("\n"));
    if documents.iter().any(|d| d.chars().count() > 100) || documents.len() > 30 {
        errors.push(FieldError::new("documents", "申报材料最多30项，每项不超过100个字"));
    }
    if !(1..=120).contains(&input.payment_days) {
        errors.push(FieldError::new("payment_days", "兑现时限应为1到120个工作日"));
    }
    let published = required_date("published_on", "施行日期", &input.published_on).map_err(|e| errors.push(e)).ok();
    let ends = optional_date("ends_on", "截止日期", input.ends_on.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
    if let (Some(p), Some(e)) = (published, ends)
        && e < p
    {
        errors.push(FieldError::new("ends_on", "截止日期不能早于施行日期"));
    }
    match (kind, published) {
        (Some(kind), Some(published)) if errors.is_empty() => Ok(CheckedPolicy {
            code,
            name,
            kind,
            summary,
            kinds: kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(","),
            green_list_only: input.green_list_only,
            max_amount_yuan,
            documents: documents.join("\n"),
            payment_days: input.payment_days,
            department_id: input.department_id,
            published_on: date_text(published),
            ends_on: ends.map(date_text),
        }),
        _ => Err(errors.into()),
    }
}

fn may_browse(actor: &Actor) -> Result<(), AppError> {
    if matches!(actor.role, Role::Volunteer | Role::Isolation) { Err(AppError::Forbidden("您的角色无权查看惠企政策")) } else { Ok(()) }
}

/// The catalogue (everyone but volunteers and isolation staff).
///
/// # Errors
/// `Forbidden`, `Validation` for an unknown kind.
pub async fn list_policies(db: &Db, actor: &Actor, kind: Option<&str>, q: Option<&str>) -> Result<Vec<Policy>, AppError> {
    may_browse(actor)?;
    if let Some(k) = kind.filter(|k| PolicyKind::parse(k).is_none()) {
        return Err(AppError::field("kind", format!("未知的政策类型“{k}”")));
    }
    Ok(repo::list_policies(db, kind, q).await?)
}

/// A policy with its rules spelled out, and for an enterprise whether it may apply.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyDetail {
    pub policy: Policy,
    /// the documents an application must include
    pub documents: Vec<String>,
    /// enterprise kinds that may apply (empty: every kind)
    pub eligible_kinds: Vec<String>,
    /// for an enterprise: why it may not apply now (absent when it may)
    pub ineligible_reason: Option<String>,
    /// for an enterprise: its open application to this policy
    pub open_application_id: Option<i64>,
}

/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn get_policy(cx: &WorkContext, actor: &Actor, id: i64) -> Result<PolicyDetail, AppError> {
    may_browse(actor)?;
    let mut conn = cx.db.pool().acquire().await?;
    let policy = repo::find_policy(&mut conn, id).await?.ok_or(AppError::NotFound("政策"))?;
    let (ineligible_reason, open_application_id) = match (actor.role, actor.enterprise_id) {
        (Role::Enterprise, Some(e)) => {
            let reason = eligibility_problem(&mut conn, cx, &policy, e).await?;
            (reason, repo::open_application(&mut conn, id, e).await?)
        }
        _ => (None, None),
    };
    Ok(PolicyDetail {
        documents: document_list(&policy.documents),
        eligible_kinds: parse_kinds(&policy.eligible_kinds).unwrap_or_default().iter().map(|k| k.code().to_string()).collect(),
        policy,
        ineligible_reason,
        open_application_id,
    })
}

/// Adds a policy to the catalogue (admin and leader).
///
/// # Errors
/// `Forbidden`, `Validation`, `Conflict` on a duplicate code.
pub async fn create_policy(cx: &WorkContext, actor: &Actor, input: &PolicyInput) -> Result<Policy, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let checked = check_policy(input)?;
    let mut tx = cx.db.begin_write().await?;
    check_department(&mut tx, checked.department_id).await?;
    let id = repo::insert_policy(&mut tx, &checked.row(), &cx.now_text()).await.map_err(|e| AppError::from_store(e, POLICY_UNIQUE, ""))?;
    let created = repo::find_policy(&mut tx, id).await?.ok_or(AppError::NotFound("政策"))?;
    let mut entry = actor.audit("create", "policy", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes a policy still at `version`; applications already made keep the
/// amounts and deadlines they were given.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (stale version, duplicate code).
pub async fn update_policy(cx: &WorkContext, actor: &Actor, id: i64, version: i64, input: &PolicyInput) -> Result<Policy, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let checked = check_policy(input)?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_policy(&mut tx, id).await?.ok_or(AppError::NotFound("政策"))?;
    check_department(&mut tx, checked.department_id).await?;
    repo::update_policy(&mut tx, id, version, &checked.row(), &cx.now_text()).await.map_err(|e| AppError::from_store(e, POLICY_UNIQUE, ""))?;
    let after = repo::find_policy(&mut tx, id).await?.ok_or(AppError::NotFound("政策"))?;
    let mut entry = actor.audit("update", "policy", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

async fn check_department(conn: &mut AnyConnection, department_id: Option<i64>) -> Result<(), AppError> {
    match department_id {
        Some(d) if reg::find_department(conn, d).await?.is_none() => Err(AppError::field("department_id", "所选部门不存在")),
        _ => Ok(()),
    }
}

/// Why an enterprise may not apply for a policy today, if it may not.
async fn eligibility_problem(conn: &mut AnyConnection, cx: &WorkContext, policy: &Policy, enterprise_id: i64) -> Result<Option<String>, AppError> {
    let today = cx.today_text();
    if today < policy.published_on {
        return Ok(Some(format!("本政策自{}起受理申报", policy.published_on)));
    }
    if policy.ends_on.as_deref().is_some_and(|end| today.as_str() > end) {
        return Ok(Some("本政策申报已截止".to_string()));
    }
    let enterprise = reg::find_enterprise(conn, enterprise_id).await?.ok_or(AppError::NotFound("企业"))?;
    let rules = Eligibility::from_stored(&policy.eligible_kinds, policy.green_list_only == 1, policy.max_amount_yuan);
    let listed = rules.green_list_only && repo::is_green_listed(conn, enterprise_id).await?;
    Ok(rules.check(enterprise.kind.0, listed, rules::kind_label).err().map(|e| e.to_string()))
}

// ---- applications ------------------------------------------------------------------------

/// An application as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ApplicationInput {
    pub policy_id: i64,
    /// the applicant; an enterprise user applies for itself (leave it out)
    pub enterprise_id: Option<i64>,
    /// asked for, 万元
    pub amount_wan: f64,
    /// the documents included (every one the policy requires)
    pub documents: Vec<String>,
    /// what the money is for, in the enterprise's words
    pub statement: String,
}

/// Whether the actor may read this application.
async fn may_read(conn: &mut AnyConnection, actor: &Actor, a: &Application) -> Result<bool, AppError> {
    Ok(match actor.role {
        Role::Admin | Role::Leader => true,
        Role::Enterprise => actor.enterprise_id == Some(a.enterprise_id),
        Role::Department => actor.department_id.is_some() && a.policy_department_id == actor.department_id,
        Role::Township => actor.township_id == Some(a.township_id),
        Role::Officer => match actor.cadre_id {
            Some(c) => reg::cadre_serves(conn, c, a.enterprise_id).await?,
            None => false,
        },
        Role::Volunteer | Role::Isolation => false,
    })
}

/// Whether the actor reviews and pays this application.
fn may_decide(actor: &Actor, a: &Application) -> bool {
    match actor.role {
        Role::Admin | Role::Leader => true,
        Role::Department => actor.department_id.is_some() && a.policy_department_id == actor.department_id,
        _ => false,
    }
}

/// Applies for a policy. An enterprise applies only for itself; the leader or
/// admin may register a paper application for a named enterprise. Refused
/// with nothing stored: an ineligible enterprise, an amount above the cap, a
/// missing document, or a second application while one is open (409).
///
/// # Errors
/// `Forbidden`, `Validation` naming the field, `Conflict` (`duplicate`).
pub async fn apply(cx: &WorkContext, actor: &Actor, input: &ApplicationInput) -> Result<Application, AppError> {
    let enterprise_id = match actor.role {
        Role::Enterprise => {
            let own = actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?;
            if input.enterprise_id.is_some_and(|e| e != own) {
                return Err(AppError::Forbidden("企业只能为本企业申报政策"));
            }
            own
        }
        Role::Admin | Role::Leader => input.enterprise_id.ok_or_else(|| AppError::field("enterprise_id", "请选择申报企业"))?,
        _ => return Err(AppError::Forbidden("政策由企业自行申报")),
    };
    let mut errors = Vec::new();
    let amount = wan_to_yuan("amount_wan", "申请金额", input.amount_wan).map_err(|e| errors.push(e)).ok();
    if amount == Some(0) {
        errors.push(FieldError::new("amount_wan", "申请金额应大于0"));
    }
    let statement = optional_text("statement", "申报说明", &input.statement, 2000).map_err(|e| errors.push(e)).unwrap_or_default();
    let included = document_list(&input.documents.join("\n"));
    let mut tx = cx.db.begin_write().await?;
    let policy = repo::find_policy(&mut tx, input.policy_id).await?.ok_or_else(|| AppError::field("policy_id", "所选政策不存在"))?;
    if reg::find_enterprise(&mut tx, enterprise_id).await?.is_none() {
        return Err(AppError::field("enterprise_id", "所选企业不存在"));
    }
    if let Some(reason) = eligibility_problem(&mut tx, cx, &policy, enterprise_id).await? {
        errors.push(FieldError::new("policy_id", reason));
    }
    if let (Some(a), Some(max)) = (amount, policy.max_amount_yuan)
        && a > max
    {
        errors.push(FieldError::new("amount_wan", format!("申请金额超过本政策单户上限{}万元", rules::format_wan(max))));
    }
    let missing = missing_documents(&document_list(&policy.documents), &included);
    if !missing.is_empty() {
        errors.push(FieldError::new("documents", format!("缺少申报材料：{}", missing.join("、"))));
    }
    let Some(amount) = amount.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    if let Some(open) = repo::open_application(&mut tx, policy.id, enterprise_id).await? {
        return Err(duplicate(open));
    }
    let at = cx.now_text();
    let today = cx.today_text();
    let new = NewApplication {
        policy_id: policy.id,
        enterprise_id,
        amount_yuan: amount,
        documents: &included.join("\n"),
        statement: &statement,
        submitted_on: &today,
        created_by: (actor.user_id > 0).then_some(actor.user_id),
        at: &at,
    };
    let id = repo::insert_application(&mut tx, &new).await.map_err(|e| match e {
        // another request won the race past the check above
        StoreError::Unique(_) => duplicate(0),
        other => AppError::from_store(other, &[], ""),
    })?;
    let created = repo::find_application(&mut tx, id).await?.ok_or(AppError::NotFound("申报"))?;
    let mut entry = actor.audit("create", "policy_application", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

fn duplicate(open: i64) -> AppError {
    let which = if open > 0 { format!("（申报编号 {open}）") } else { String::new() };
    AppError::Conflict {
        code: "duplicate", message: format!("该企业已有一份本政策的申报正在办理{which}，办结前不能重复申报"), field: Some("policy_id")
    }
}

/// Narrows a list filter to the actor's rows.
///
/// # Errors
/// `Forbidden` for roles that see no applications, or a filter outside the scope.
pub fn scope_filter(actor: &Actor, mut f: ApplicationFilter) -> Result<ApplicationFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => {}
        Role::Enterprise => {
            let own = actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?;
            if f.enterprise_id.is_some_and(|e| e != own) {
                return Err(AppError::Forbidden("无权查看其他企业的申报"));
            }
            f.enterprise_id = Some(own);
        }
        Role::Department => f.department_id = Some(actor.department_id.ok_or(AppError::Forbidden("账号未绑定部门"))?),
        Role::Township => {
            let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
            if f.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的申报"));
            }
            f.township_id = Some(own);
        }
        Role::Officer => f.only_cadre = Some(actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?),
        Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看政策申报")),
    }
    Ok(f)
}

/// # Errors
/// `Forbidden` for roles that see no applications.
pub async fn list_applications(db: &Db, actor: &Actor, filter: ApplicationFilter, page: &PageRequest) -> Result<Page<Application>, AppError> {
    let f = scope_filter(actor, filter)?;
    Ok(repo::list_applications(db, &f, page).await?)
}

/// An application with its payments and what the actor may do with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationDetail {
    pub application: Application,
    pub disbursements: Vec<Disbursement>,
    /// the documents the policy requires
    pub required_documents: Vec<String>,
    /// the documents included
    pub documents: Vec<String>,
    /// whether the actor may review it now
    pub may_review: bool,
    /// whether the actor may record a payment now
    pub may_pay: bool,
}

/// # Errors
/// `NotFound`, or `Forbidden` outside the actor's scope.
pub async fn get_application(db: &Db, actor: &Actor, id: i64) -> Result<ApplicationDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    let application = repo::find_application(&mut conn, id).await?.ok_or(AppError::NotFound("申报"))?;
    if !may_read(&mut conn, actor, &application).await? {
        return Err(AppError::Forbidden("无权查看该申报"));
    }
    let policy = repo::find_policy(&mut conn, application.policy_id).await?.ok_or(AppError::NotFound("政策"))?;
    let disbursements = repo::list_disbursements(&mut conn, id).await?;
    let decides = may_decide(actor, &application);
    Ok(ApplicationDetail {
        may_review: decides && application.state == ApplicationState::Submitted.code(),
        may_pay: decides && application.state == ApplicationState::Approved.code(),
        required_documents: document_list(&policy.documents),
        documents: document_list(&application.documents),
        disbursements,
        application,
    })
}

/// A review, as `POST /api/v1/policy-applications/{id}/review` takes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReviewInput {
    /// approve or reject
    pub decision: String,
    /// the version of the application that was read (optimistic locking)
    pub version: i64,
    /// approve: the amount granted, 万元 (default: the amount asked for)
    pub approved_amount_wan: Option<f64>,
    /// reject: the reason (required); approve: an optional note
    #[serde(default)]
    pub note: String,
}

/// Approves (with the amount granted and a payment deadline of the policy's
/// working days) or rejects (with a reason) a submitted application.
///
/// # Errors
/// `Forbidden` (not the policy's department, the leader or admin), `NotFound`,
/// `Validation`, `Conflict` (not submitted any more; stale version).
pub async fn review(cx: &WorkContext, actor: &Actor, id: i64, input: &ReviewInput) -> Result<Application, AppError> {
    let decision = Decision::parse(input.decision.trim()).ok_or_else(|| AppError::field("decision", "请选择批准（approve）或驳回（reject）"))?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_application(&mut tx, id).await?.ok_or(AppError::NotFound("申报"))?;
    if !may_read(&mut tx, actor, &before).await? || !may_decide(actor, &before) {
        return Err(AppError::Forbidden("只有政策的责任部门或领导可以审核申报"));
    }
    let state = ApplicationState::parse(&before.state).ok_or_else(|| AppError::Internal(format!("application {id} has state {}", before.state)))?;
    let next =
        rules::review(state, decision).map_err(|e| AppError::Conflict { code: "illegal_transition", message: e.to_string(), field: Some("decision") })?;
    if input.version != before.version {
        return Err(AppError::from_store(StoreError::Stale, &[], ""));
    }
    let policy = repo::find_policy(&mut tx, before.policy_id).await?.ok_or(AppError::NotFound("政策"))?;
    let mut after = before.clone();
    after.state = next.code().to_string();
    after.reviewed_by_name = Some(actor.display_name.clone());
    after.reviewed_on = Some(cx.today_text());
    match decision {
        Decision::Approve => {
            let granted = match input.approved_amount_wan {
                Some(w) => wan_to_yuan("approved_amount_wan", "批准金额", w)?,
                None => before.amount_yuan,
            };
            if granted == 0 {
                return Err(AppError::field("approved_amount_wan", "批准金额应大于0"));
            }
            if granted > before.amount_yuan {
                return Err(AppError::field("approved_amount_wan", "批准金额不能超过申请金额"));
            }
            if policy.max_amount_yuan.is_some_and(|max| granted > max) {
                return Err(AppError::field("approved_amount_wan", "批准金额超过本政策单户上限"));
            }
            let deadline = cx.calendar.add_working_days(cx.today(), policy.payment_days as u32).map_err(calendar_error)?;
            after.approved_amount_yuan = Some(granted);
            after.pay_deadline = Some(date_text(deadline));
            after.review_note = Some(optional_text("note", "审核意见", &input.note, 1000)?).filter(|n| !n.is_empty());
        }
        Decision::Reject => {
            after.review_note = Some(required_text("note", "驳回理由", &input.note, 1000)?);
        }
    }
    let at = cx.now_text();
    repo::save_application(&mut tx, &after, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let saved = repo::find_application(&mut tx, id).await?.ok_or(AppError::NotFound("申报"))?;
    let users = orders::enterprise_users(&mut tx, saved.enterprise_id).await?;
    let verdict = if decision == Decision::Approve { "已批准" } else { "未通过" };
    repo::notify_users(&mut tx, &users, "policy_reviewed", &format!("政策申报{verdict}：{}", saved.policy_name), &at).await?;
    let mut entry = actor.audit(if decision == Decision::Approve { "approve" } else { "reject" }, "policy_application", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&saved);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(saved)
}

/// A payment, as `POST /api/v1/policy-applications/{id}/disbursements` takes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DisbursementInput {
    /// the version of the application that was read (optimistic locking)
    pub version: i64,
    /// 万元; never more than the approved amount still unpaid
    pub amount_wan: f64,
    /// YYYY-MM-DD (default today)
    pub paid_on: Option<String>,
    /// the voucher or bank reference
    #[serde(default)]
    pub reference: String,
}

/// Records a payment of an approved application; paid in full, it is 已兑现.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` (an amount over what is approved and
/// unpaid, a bad date), `Conflict` (not approved; stale version).
pub async fn disburse(cx: &WorkContext, actor: &Actor, id: i64, input: &DisbursementInput) -> Result<ApplicationDetail, AppError> {
    let amount = wan_to_yuan("amount_wan", "兑现金额", input.amount_wan)?;
    let reference = optional_text("reference", "凭证号", &input.reference, 100)?;
    let paid_on = optional_date("paid_on", "兑现日期", input.paid_on.as_deref())?.unwrap_or(cx.today());
    if paid_on > cx.today() {
        return Err(AppError::field("paid_on", "兑现日期不能晚于今天"));
    }
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_application(&mut tx, id).await?.ok_or(AppError::NotFound("申报"))?;
    if !may_read(&mut tx, actor, &before).await? || !may_decide(actor, &before) {
        return Err(AppError::Forbidden("只有政策的责任部门或领导可以登记兑现"));
    }
    let state = ApplicationState::parse(&before.state).ok_or_else(|| AppError::Internal(format!("application {id} has state {}", before.state)))?;
    let approved = before.approved_amount_yuan.unwrap_or(0);
    let (paid_total, next) = rules::pay(state, approved, before.paid_amount_yuan, amount).map_err(|e| match e {
        PaymentError::State(step) => AppError::Conflict { code: "illegal_transition", message: step.to_string(), field: None },
        other => AppError::field("amount_wan", other.to_string()),
    })?;
    if before.reviewed_on.as_deref().and_then(|d| parse_date(d).ok()).is_some_and(|approved_on| paid_on < approved_on) {
        return Err(AppError::field("paid_on", "兑现日期不能早于批准日期"));
    }
    if input.version != before.version {
        return Err(AppError::from_store(StoreError::Stale, &[], ""));
    }
    let at = cx.now_text();
    let day = date_text(paid_on);
    repo::insert_disbursement(&mut tx, id, amount, &day, &reference, (actor.user_id > 0).then_some(actor.user_id), &at)
        .await
        .map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut after = before.clone();
    after.paid_amount_yuan = paid_total;
    after.state = next.code().to_string();
    if next == ApplicationState::Paid {
        after.paid_on = Some(day);
    }
    repo::save_application(&mut tx, &after, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let saved = repo::find_application(&mut tx, id).await?.ok_or(AppError::NotFound("申报"))?;
    let users = orders::enterprise_users(&mut tx, saved.enterprise_id).await?;
    repo::notify_users(&mut tx, &users, "policy_paid", &format!("政策资金已兑现{}万元：{}", rules::format_wan(amount), saved.policy_name), &at).await?;
    let mut entry = actor.audit("disburse", "policy_application", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&saved);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    get_application(&cx.db, actor, id).await
}

// ---- supervision (督查) ---------------------------------------------------------------------

/// Policy take-up as of a day, for supervision, the dashboard and the briefing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Supervision {
    /// the day it is counted up to
    pub as_of: String,
    pub policies: Vec<TakeUp>,
    /// the totals over every policy listed
    pub total: TakeUp,
}

/// Every policy's applicants, approvals, payments and overdue payments, as of
/// `as_of` (default: the business day). A department sees the policies it is
/// responsible for.
///
/// # Errors
/// `Forbidden` for anyone but the leader, admin or a department.
pub async fn take_up(cx: &WorkContext, actor: &Actor, as_of: Option<Date>) -> Result<Supervision, AppError> {
    let department = match actor.role {
        Role::Admin | Role::Leader => None,
        Role::Department => Some(actor.department_id.ok_or(AppError::Forbidden("账号未绑定部门"))?),
        _ => return Err(AppError::Forbidden("您的角色无权查看政策督查")),
    };
    let day = date_text(as_of.unwrap_or(cx.today()));
    let policies = repo::take_up(&cx.db, &day, department).await?;
    let total = policies.iter().fold(
        TakeUp {
            policy_id: 0,
            policy_name: "合计".to_string(),
            department_name: None,
            applicants: 0,
            applications: 0,
            pending: 0,
            approved: 0,
            rejected: 0,
            paid: 0,
            requested_yuan: 0,
            approved_yuan: 0,
            paid_yuan: 0,
            overdue: 0,
            escalated: 0,
        },
        |t, p| TakeUp {
            applicants: t.applicants + p.applicants,
            applications: t.applications + p.applications,
            pending: t.pending + p.pending,
            approved: t.approved + p.approved,
            rejected: t.rejected + p.rejected,
            paid: t.paid + p.paid,
            requested_yuan: t.requested_yuan + p.requested_yuan,
            approved_yuan: t.approved_yuan + p.approved_yuan,
            paid_yuan: t.paid_yuan + p.paid_yuan,
            overdue: t.overdue + p.overdue,
            escalated: t.escalated + p.escalated,
            ..t
        },
    );
    Ok(Supervision { as_of: day, policies, total })
}

/// The work-order category an overdue payment is filed under.
const OVERDUE_CATEGORY: &str = "policy";

/// Escalates every approved application whose payment is overdue on the
/// context's day: files a work order (source "policy_supervision", the
/// application's id as its reference) marked 督办, links it to the application
/// in the same transaction (so each application is escalated once), then hands
/// it to the policy's department. Safe to run often; the supervision sweep
/// calls it.
///
/// # Errors
/// A database failure.
pub async fn escalate_overdue_payments(cx: &WorkContext) -> Result<usize, AppError> {
    let today = cx.today_text();
    let candidates = {
        let mut conn = cx.db.pool().acquire().await?;
        repo::overdue_unescalated(&mut conn, &today).await?
    };
    let system = Actor { display_name: "系统".into(), ..Actor::system() };
    let mut escalated = 0;
    for id in candidates {
        if let Some((order_id, department)) = escalate_one(cx, &system, id, &today).await? {
            escalated += 1;
            if let Some(department) = department {
                let version = {
                    let mut conn = cx.db.pool().acquire().await?;
                    orders::find_order(&mut conn, order_id).await?.map_or(0, |o| o.version)
                };
                let assign = TransitionInput { action: "assign".into(), version, department_id: Some(department), ..TransitionInput::default() };
                if let Err(e) = super::workorder::act(cx, &system, order_id, &assign).await {
                    // the order stays on the leader's supervision list, unassigned
                    tracing::warn!(work_order.id = order_id, error = %e, "could not assign an overdue policy payment");
                }
            }
        }
    }
    Ok(escalated)
}

/// Files and marks the order of one overdue application, if it still is overdue
/// and unescalated (another sweep may have got there first).
async fn escalate_one(cx: &WorkContext, system: &Actor, id: i64, today: &str) -> Result<Option<(i64, Option<i64>)>, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let Some(before) = repo::find_application(&mut tx, id).await? else { return Ok(None) };
    let state = ApplicationState::parse(&before.state).unwrap_or(ApplicationState::Submitted);
    if before.escalated_order_id.is_some() || !rules::payment_overdue(state, before.pay_deadline.as_deref(), today) {
        return Ok(None);
    }
    let unpaid = before.approved_amount_yuan.unwrap_or(0) - before.paid_amount_yuan;
    let input = OrderInput {
        enterprise_id: Some(before.enterprise_id),
        category: OVERDUE_CATEGORY.to_string(),
        title: format!("政策资金超期未兑现：{}", before.policy_name),
        description: format!(
            "{}申报的“{}”于{}批准{}万元，应于{}前兑现，至{}尚有{}万元未兑现。",
            before.enterprise_name,
            before.policy_name,
            before.reviewed_on.as_deref().unwrap_or(""),
            rules::format_wan(before.approved_amount_yuan.unwrap_or(0)),
            before.pay_deadline.as_deref().unwrap_or(""),
            today,
            rules::format_wan(unpaid)
        ),
        source: Some("policy_supervision".to_string()),
        source_ref: Some(before.id),
        priority: Some("high".to_string()),
        ..OrderInput::default()
    };
    let filed = file_in(&mut tx, cx, system, &input).await?;
    let mut order = filed.order;
    let at = cx.now_text();
    order.escalated_at = Some(at.clone());
    order.escalation = Some("leader".to_string());
    orders::save_order(&mut tx, &order, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let note = "政策资金超过兑现时限未兑现，列入督办";
    orders::insert_event(&mut tx, &super::workorder::event(system, order.id, &at, "escalate", Some(OrderState::Submitted), OrderState::Submitted, None, note))
        .await?;
    let leaders = orders::leader_users(&mut tx).await?;
    orders::notify(&mut tx, &leaders, order.id, "escalated", &format!("政策兑现超期督办：{}（{}）", before.policy_name, before.enterprise_name), &at).await?;
    let mut after = before.clone();
    after.escalated_order_id = Some(order.id);
    match repo::save_application(&mut tx, &after, &at).await {
        Ok(()) => {}
        Err(StoreError::Stale) => return Ok(None),
        Err(e) => return Err(AppError::from_store(e, &[], "")),
    }
    let mut entry = system.audit("escalate", "policy_application", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(Some((order.id, before.policy_department_id)))
}

/// The applications whose payment is overdue on the business day (escalated or not).
///
/// # Errors
/// `Forbidden` for roles that see no applications.
pub async fn overdue_applications(cx: &WorkContext, actor: &Actor, page: &PageRequest) -> Result<Page<Application>, AppError> {
    let f = scope_filter(actor, ApplicationFilter { overdue_on: Some(cx.today_text()), ..ApplicationFilter::default() })?;
    Ok(repo::list_applications(&cx.db, &f, page).await?)
}
