//! Policy pages (惠企政策): the catalogue, a policy with its rules and the
//! application form, the policy form, the applications with their filters, an
//! application with its review and payment forms, and supervision (督查).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::projects::{Forms, field, integer, number, show_date};
use super::{Choice, Chrome, FormErrors, Pager, chrome, render};
use crate::app::policy::{self as uc, ApplicationInput, DisbursementInput, PolicyInput, ReviewInput};
use crate::app::registry;
use crate::domain::policy::{ApplicationState, PolicyKind, document_list, format_wan, parse_kinds};
use crate::domain::{EnterpriseKind, Role};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::policy::{Application, Disbursement, Policy, TakeUp};
use crate::store::registry::EnterpriseFilter;
use crate::web::AppState;
use crate::web::api::policies::{ApplicationQuery, PolicyQuery, SupervisionQuery};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// The policy pages, for the router's merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(new_policy))
        .routes(routes!(show_policy, update_policy))
        .routes(routes!(edit_policy))
        .routes(routes!(list_applications, apply_for_policy))
        .routes(routes!(show_application))
        .routes(routes!(review_application))
        .routes(routes!(disburse_application))
        .routes(routes!(supervision_page))
}

/// The words of these pages (added to the translation table in `i18n.rs`).
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.policies", "惠企政策", "Policies"),
    ("nav.applications", "政策申报", "Applications"),
    ("nav.my_applications", "我的申报", "My applications"),
    ("nav.policy_supervision", "政策督查", "Policy supervision"),
    ("policies.title", "惠企政策", "Enterprise policies"),
    ("policies.new", "发布政策", "Publish a policy"),
    ("policies.edit", "编辑政策", "Edit policy"),
    ("policies.empty", "没有符合条件的政策。", "No policy matches."),
    ("policies.code", "政策编码", "Code"),
    ("policies.name", "政策名称", "Policy"),
    ("policies.kind", "政策类型", "Kind"),
    ("policies.summary", "政策内容", "Summary"),
    ("policies.eligible", "申报对象", "Who may apply"),
    ("policies.all_kinds", "各类企业", "Every kind of enterprise"),
    ("policies.green_list_only", "仅限绿名单企业", "Green-list enterprises only"),
    ("policies.max_amount", "单户上限（万元）", "Cap per enterprise (10k yuan)"),
    ("policies.no_cap", "不设上限", "No cap"),
    ("policies.documents", "申报材料", "Documents"),
    ("policies.documents_hint", "每行一项", "One per line"),
    ("policies.payment_days", "兑现时限（工作日）", "Payment limit (working days)"),
    ("policies.payment_days_hint", "批准后超过该时限未兑现的，自动生成督办工单。", "Approved money unpaid past this limit becomes an escalated work order."),
    ("policies.department", "责任部门", "Responsible department"),
    ("policies.published_on", "施行日期", "In force from"),
    ("policies.ends_on", "截止日期", "Until"),
    ("policies.apply", "申报本政策", "Apply"),
    ("policies.apply_for", "申报企业", "Applicant"),
    ("policies.amount", "申请金额（万元）", "Amount asked (10k yuan)"),
    ("policies.statement", "申报说明", "Statement"),
    ("policies.documents_included", "已提交材料", "Documents included"),
    ("policies.ineligible", "贵企业暂不能申报：", "Your enterprise may not apply: "),
    (
        "policies.open_application",
        "贵企业已有一份本政策的申报正在办理，办结前不能重复申报。",
        "Your application to this policy is still open; you may apply again once it is closed.",
    ),
    ("policies.view_application", "查看申报", "View the application"),
    ("policies.applications", "政策申报", "Applications"),
    (
        "policies.applications_empty",
        "没有符合条件的申报。企业可在惠企政策页面选择政策申报。",
        "No application matches. Enterprises apply from the policy catalogue.",
    ),
    ("policies.enterprise", "申报企业", "Enterprise"),
    ("policies.state", "状态", "State"),
    ("policies.submitted_on", "申报日期", "Applied"),
    ("policies.approved_amount", "批准金额（万元）", "Approved (10k yuan)"),
    ("policies.paid_amount", "已兑现（万元）", "Paid (10k yuan)"),
    ("policies.pay_deadline", "兑现时限", "Pay by"),
    ("policies.overdue", "超期未兑现", "Payment overdue"),
    ("policies.overdue_only", "仅看超期未兑现", "Overdue payments only"),
    ("policies.escalated_order", "督办工单", "Escalated order"),
    ("policies.review", "审核", "Review"),
    ("policies.reviewed", "审核情况", "Review"),
    ("policies.approve", "批准", "Approve"),
    ("policies.reject", "驳回", "Reject"),
    ("policies.decision", "审核结论", "Decision"),
    ("policies.review_note", "审核意见（驳回时必填理由）", "Note (the reason, when rejecting)"),
    ("policies.review_confirm", "审核结论提交后不能更改，确认吗？", "A review cannot be changed. Continue?"),
    ("policies.disburse", "登记兑现", "Record a payment"),
    ("policies.disburse_amount", "兑现金额（万元）", "Amount paid (10k yuan)"),
    ("policies.paid_on", "兑现日期", "Paid on"),
    ("policies.reference", "凭证号", "Reference"),
    ("policies.disburse_confirm", "兑现记录提交后不能撤销，确认吗？", "A payment cannot be undone. Continue?"),
    ("policies.disbursements", "兑现记录", "Payments"),
    ("policies.no_disbursements", "尚无兑现记录。", "No payment yet."),
    ("policies.remaining", "待兑现", "Still to pay"),
    ("policies.supervision", "政策督查", "Policy supervision"),
    ("policies.applicants", "申报企业数", "Applicants"),
    ("policies.applications_count", "申报件数", "Applications"),
    ("policies.pending", "待审核", "Pending"),
    ("policies.approved", "已批准", "Approved"),
    ("policies.rejected", "已驳回", "Rejected"),
    ("policies.paid", "已兑现", "Paid"),
    ("policies.requested", "申请金额", "Asked"),
    ("policies.granted", "批准金额", "Approved"),
    ("policies.paid_out", "兑现金额", "Paid"),
    ("policies.escalated", "已督办", "Escalated"),
    ("policies.total", "合计", "Total"),
    ("policies.as_of", "统计日期", "As of"),
    (
        "policies.supervision_rule",
        "口径：统计截至统计日期提交的申报；已批准含已兑现；金额单位万元；超期未兑现指批准后超过政策兑现时限仍未足额兑现的申报，每件自动生成一张督办工单。",
        "Counts applications submitted up to the day; approved includes paid; amounts in 10k yuan; an overdue payment is approved money not paid in full past the policy's limit, each escalated as one work order.",
    ),
    ("policy_kind.subsidy", "补贴", "Subsidy"),
    ("policy_kind.reward", "奖励", "Reward"),
    ("policy_kind.interest_subsidy", "贷款贴息", "Loan interest subsidy"),
    ("policy_kind.fund_pool", "资金池", "Fund pool"),
    ("policy_kind.bank_scheme", "主办银行", "Main-bank scheme"),
    ("application_state.submitted", "待审核", "Submitted"),
    ("application_state.approved", "已批准", "Approved"),
    ("application_state.rejected", "已驳回", "Rejected"),
    ("application_state.paid", "已兑现", "Paid"),
];

fn kind_choices(lang: Lang, current: &str, first: &'static str) -> Vec<Choice> {
    let mut out = vec![Choice::new("", lang.t(first), current)];
    out.extend(PolicyKind::ALL.iter().map(|k| Choice::new(k.code(), lang.label("policy_kind", k.code()), current)));
    out
}

fn eligible_text(lang: Lang, p: &Policy) -> String {
    let kinds = parse_kinds(&p.eligible_kinds).unwrap_or_default();
    let mut text =
        if kinds.is_empty() { lang.t("policies.all_kinds").to_string() } else { kinds.iter().map(|k| lang.kind(*k)).collect::<Vec<_>>().join("、") };
    if p.green_list_only == 1 {
        text.push_str(&format!("（{}）", lang.t("policies.green_list_only")));
    }
    text
}

fn cap_text(lang: Lang, p: &Policy) -> String {
    p.max_amount_yuan.map(format_wan).unwrap_or_else(|| lang.t("policies.no_cap").to_string())
}

// ---- the catalogue -------------------------------------------------------------------

struct PolicyRow {
    p: Policy,
    kind: &'static str,
    eligible: String,
    cap: String,
    published: String,
}

#[derive(Template)]
#[template(path = "policies/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<PolicyRow>,
    q: String,
    kinds: Vec<Choice>,
    may_publish: bool,
    may_supervise: bool,
}

fn may_publish(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader)
}

#[utoipa::path(get, path = "/policies", tag = "pages", params(PolicyQuery),
    responses((status = 200, description = "the policy catalogue", body = String, content_type = "text/html")))]
pub async fn list_policies(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<PolicyQuery>) -> Result<Response, AppError> {
    let kind = q.kind.clone().unwrap_or_default();
    let policies = uc::list_policies(&s.db, &user.actor, Some(kind.as_str()).filter(|k| !k.is_empty()), q.q.as_deref()).await?;
    let rows = policies
        .into_iter()
        .map(|p| PolicyRow {
            kind: lang.label("policy_kind", &p.kind),
            eligible: eligible_text(lang, &p),
            cap: cap_text(lang, &p),
            published: show_date(&p.published_on),
            p,
        })
        .collect();
    render(&ListPage {
        c: chrome(&s, &user, lang, "/policies").await,
        rows,
        q: q.q.clone().unwrap_or_default(),
        kinds: kind_choices(lang, &kind, "common.all"),
        may_publish: may_publish(user.actor.role),
        may_supervise: matches!(user.actor.role, Role::Admin | Role::Leader | Role::Department),
    })
}

// ---- one policy and the application form -------------------------------------------------

#[derive(Template)]
#[template(path = "policies/show.html")]
struct ShowPage {
    c: Chrome,
    p: Policy,
    kind: &'static str,
    eligible: String,
    cap: String,
    published: String,
    ends: String,
    documents: Vec<String>,
    ineligible: Option<String>,
    open_application: Option<i64>,
    /// an enterprise applies for itself; the leader registers a paper application
    may_apply: bool,
    pick_enterprise: bool,
    enterprises: Vec<Choice>,
    may_edit: bool,
    f: Forms,
}

impl ShowPage {
    /// Whether document `i` is ticked: all of them to begin with, then as posted.
    fn ticked(&self, i: &usize) -> bool {
        !self.f.is("apply") || !self.f.val("apply", &format!("doc_{i}")).is_empty()
    }
}

async fn show_page(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: Forms) -> Result<Response, AppError> {
    let detail = uc::get_policy(&s.work(), &user.actor, id).await?;
    let role = user.actor.role;
    let pick_enterprise = may_publish(role);
    let mut enterprises = Vec::new();
    if pick_enterprise {
        let current = f.val("apply", "enterprise_id").to_string();
        enterprises.push(Choice::new("", lang.t("orders.choose"), &current));
        let all = PageRequest { page: Some(1), per_page: Some(200) };
        let kinds = parse_kinds(&detail.policy.eligible_kinds).unwrap_or_default();
        let filter = EnterpriseFilter { kind: (kinds.len() == 1).then(|| kinds[0]), ..EnterpriseFilter::default() };
        enterprises.extend(
            registry::list_enterprises(&s.db, &user.actor, filter, &all)
                .await?
                .items
                .into_iter()
                .filter(|e| kinds.is_empty() || kinds.contains(&e.kind.0))
                .map(|e| Choice::new(e.id, &e.name, &current)),
        );
    }
    let has_errors = !f.is("");
    let p = detail.policy;
    let page = ShowPage {
        c: chrome(s, user, lang, "/policies").await,
        kind: lang.label("policy_kind", &p.kind),
        eligible: eligible_text(lang, &p),
        cap: cap_text(lang, &p),
        published: show_date(&p.published_on),
        ends: p.ends_on.as_deref().map(show_date).unwrap_or_default(),
        documents: detail.documents,
        ineligible: detail.ineligible_reason,
        open_application: detail.open_application_id,
        may_apply: role == Role::Enterprise || pick_enterprise,
        pick_enterprise,
        enterprises,
        may_edit: may_publish(role),
        f,
        p,
    };
    let mut response = render(&page)?;
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/policies/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "one policy, its rules and the application form", body = String, content_type = "text/html")))]
pub async fn show_policy(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    show_page(&s, &user, lang, id, Forms::default()).await
}

#[utoipa::path(post, path = "/policy-applications", tag = "pages",
    responses((status = 303, description = "applied; to the application"), (status = 422, description = "the policy again, with the messages", body = String, content_type = "text/html")))]
pub async fn apply_for_policy(State(s): State<AppState>, lang: Lang, form: CsrfForm<HashMap<String, String>>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let policy_id = integer(&form, "policy_id")?.unwrap_or(0);
    let mut docs: Vec<(usize, String)> =
        form.iter().filter_map(|(k, v)| k.strip_prefix("doc_").and_then(|i| i.parse().ok()).map(|i: usize| (i, v.clone()))).collect();
    docs.sort();
    let input = number(&form, "amount_wan").and_then(|amount| {
        Ok(ApplicationInput {
            policy_id,
            enterprise_id: integer(&form, "enterprise_id")?,
            amount_wan: amount.unwrap_or(0.0),
            documents: docs.into_iter().map(|(_, d)| d).collect(),
            statement: field(&form, "statement").to_string(),
        })
    });
    let applied = match input {
        Ok(input) => uc::apply(&s.work(), &user.actor, &input).await,
        Err(e) => Err(e),
    };
    match applied {
        Ok(a) => Ok(Redirect::to(&format!("/policy-applications/{}", a.id)).into_response()),
        Err(e) => show_page(&s, &user, lang, policy_id, Forms::failed("apply", form, FormErrors::from_app_error(e)?)).await,
    }
}

// ---- the policy form --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "policies/form.html")]
struct FormPage {
    c: Chrome,
    title: &'static str,
    action: String,
    cancel: String,
    f: HashMap<String, String>,
    errors: FormErrors,
    kinds: Vec<Choice>,
    /// (code, label, ticked)
    enterprise_kinds: Vec<(&'static str, &'static str, bool)>,
    departments: Vec<Choice>,
}

impl FormPage {
    fn v(&self, name: &str) -> &str {
        field(&self.f, name)
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    s: &AppState,
    user: &PageUser,
    lang: Lang,
    title: &'static str,
    action: String,
    cancel: String,
    f: HashMap<String, String>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    if !may_publish(user.actor.role) {
        return Err(AppError::Forbidden("只有领导和管理员可以发布或修改政策"));
    }
    let department = field(&f, "department_id").to_string();
    let mut departments = vec![Choice::new("", "—", &department)];
    departments.extend(registry::list_departments(&s.db, &user.actor).await?.into_iter().map(|d| Choice::new(d.id, &d.name, &department)));
    let page = FormPage {
        c: chrome(s, user, lang, "/policies").await,
        title: lang.t(title),
        action,
        cancel,
        kinds: kind_choices(lang, field(&f, "kind"), "orders.choose"),
        enterprise_kinds: EnterpriseKind::ALL.iter().map(|k| (k.code(), lang.kind(*k), !field(&f, &format!("kind_{}", k.code())).is_empty())).collect(),
        departments,
        f,
        errors,
    };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

fn policy_input(form: &HashMap<String, String>) -> Result<PolicyInput, AppError> {
    Ok(PolicyInput {
        code: field(form, "code").to_string(),
        name: field(form, "name").to_string(),
        kind: field(form, "kind").to_string(),
        summary: field(form, "summary").to_string(),
        eligible_kinds: EnterpriseKind::ALL.iter().filter(|k| !field(form, &format!("kind_{}", k.code())).is_empty()).map(|k| k.code().to_string()).collect(),
        green_list_only: !field(form, "green_list_only").is_empty(),
        max_amount_wan: number(form, "max_amount_wan")?,
        documents: document_list(field(form, "documents")),
        payment_days: integer(form, "payment_days").map_err(|_| AppError::field("payment_days", "兑现时限应为1到120个工作日"))?.unwrap_or(0),
        department_id: integer(form, "department_id")?,
        published_on: field(form, "published_on").to_string(),
        ends_on: Some(field(form, "ends_on").to_string()).filter(|e| !e.trim().is_empty()),
    })
}

#[utoipa::path(get, path = "/policies/new", tag = "pages", responses((status = 200, description = "the form to publish a policy", body = String, content_type = "text/html")))]
pub async fn new_policy(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let f = HashMap::from([("payment_days".to_string(), "10".to_string()), ("published_on".to_string(), s.work().today_text())]);
    form_page(&s, &user, lang, "policies.new", "/policies".into(), "/policies".into(), f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/policies", tag = "pages",
    responses((status = 303, description = "published; to the policy"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_policy(State(s): State<AppState>, lang: Lang, form: CsrfForm<HashMap<String, String>>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let created = match policy_input(&form) {
        Ok(input) => uc::create_policy(&s.work(), &user.actor, &input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(p) => Ok(Redirect::to(&format!("/policies/{}", p.id)).into_response()),
        Err(e) => form_page(&s, &user, lang, "policies.new", "/policies".into(), "/policies".into(), form, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/policies/{id}/edit", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the form to change a policy", body = String, content_type = "text/html")))]
pub async fn edit_policy(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let p = uc::get_policy(&s.work(), &user.actor, id).await?.policy;
    let mut f = HashMap::from([
        ("code".to_string(), p.code),
        ("name".to_string(), p.name),
        ("kind".to_string(), p.kind),
        ("summary".to_string(), p.summary),
        ("max_amount_wan".to_string(), p.max_amount_yuan.map(format_wan).unwrap_or_default()),
        ("documents".to_string(), p.documents),
        ("payment_days".to_string(), p.payment_days.to_string()),
        ("department_id".to_string(), p.department_id.map(|d| d.to_string()).unwrap_or_default()),
        ("published_on".to_string(), p.published_on),
        ("ends_on".to_string(), p.ends_on.unwrap_or_default()),
        ("version".to_string(), p.version.to_string()),
    ]);
    if p.green_list_only == 1 {
        f.insert("green_list_only".into(), "on".into());
    }
    for k in parse_kinds(&p.eligible_kinds).unwrap_or_default() {
        f.insert(format!("kind_{}", k.code()), "on".into());
    }
    form_page(&s, &user, lang, "policies.edit", format!("/policies/{id}"), format!("/policies/{id}"), f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/policies/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "changed; to the policy"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_policy(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let version = integer(&form, "version")?.unwrap_or(-1);
    let changed = match policy_input(&form) {
        Ok(input) => uc::update_policy(&s.work(), &user.actor, id, version, &input).await,
        Err(e) => Err(e),
    };
    match changed {
        Ok(_) => Ok(Redirect::to(&format!("/policies/{id}")).into_response()),
        Err(e) => form_page(&s, &user, lang, "policies.edit", format!("/policies/{id}"), format!("/policies/{id}"), form, FormErrors::from_app_error(e)?).await,
    }
}

// ---- applications --------------------------------------------------------------------------

struct AppRow {
    a: Application,
    state: &'static str,
    amount: String,
    approved: String,
    paid: String,
    submitted: String,
    deadline: String,
    overdue: bool,
}

fn app_row(lang: Lang, today: &str, a: Application) -> AppRow {
    let state = ApplicationState::parse(&a.state).unwrap_or(ApplicationState::Submitted);
    AppRow {
        state: lang.label("application_state", &a.state),
        amount: format_wan(a.amount_yuan),
        approved: a.approved_amount_yuan.map(format_wan).unwrap_or_default(),
        paid: format_wan(a.paid_amount_yuan),
        submitted: show_date(&a.submitted_on),
        deadline: a.pay_deadline.as_deref().filter(|_| state == ApplicationState::Approved).map(show_date).unwrap_or_default(),
        overdue: crate::domain::policy::payment_overdue(state, a.pay_deadline.as_deref(), today),
        a,
    }
}

#[derive(Template)]
#[template(path = "policies/applications.html")]
struct ApplicationsPage {
    c: Chrome,
    heading: &'static str,
    rows: Vec<AppRow>,
    pager: Pager,
    policies: Vec<Choice>,
    states: Vec<Choice>,
    overdue: bool,
    show_enterprise: bool,
}

#[utoipa::path(get, path = "/policy-applications", tag = "pages", params(ApplicationQuery),
    responses((status = 200, description = "the applications the user may see, filtered and paginated", body = String, content_type = "text/html")))]
pub async fn list_applications(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<ApplicationQuery>) -> Result<Response, AppError> {
    let today = s.work().today_text();
    let (filter, page_req) = q.filter(today.clone())?;
    let page = uc::list_applications(&s.db, &user.actor, filter, &page_req).await?;
    let policy = q.policy_id.map(|p| p.to_string()).unwrap_or_default();
    let state = q.state.clone().unwrap_or_default();
    let params = [
        ("policy_id", policy.clone()),
        ("state", state.clone()),
        ("overdue", q.overdue.filter(|o| *o).map(|o| o.to_string()).unwrap_or_default()),
        ("enterprise_id", q.enterprise_id.map(|e| e.to_string()).unwrap_or_default()),
    ];
    let pager = Pager::new(&page, "/policy-applications", &params);
    let mut policies = vec![Choice::new("", lang.t("common.all"), &policy)];
    policies.extend(uc::list_policies(&s.db, &user.actor, None, None).await?.into_iter().map(|p| Choice::new(p.id, &p.name, &policy)));
    let mut states = vec![Choice::new("", lang.t("common.all"), &state)];
    states.extend(ApplicationState::ALL.iter().map(|st| Choice::new(st.code(), lang.label("application_state", st.code()), &state)));
    let enterprise = user.actor.role == Role::Enterprise;
    render(&ApplicationsPage {
        c: chrome(&s, &user, lang, "/policy-applications").await,
        heading: if enterprise { lang.t("nav.my_applications") } else { lang.t("policies.applications") },
        rows: page.items.into_iter().map(|a| app_row(lang, &today, a)).collect(),
        pager,
        policies,
        states,
        overdue: q.overdue == Some(true),
        show_enterprise: !enterprise,
    })
}

#[derive(Template)]
#[template(path = "policies/application.html")]
struct ApplicationPage {
    c: Chrome,
    r: AppRow,
    required: Vec<String>,
    included: Vec<String>,
    payments: Vec<(Disbursement, String, String)>,
    remaining: String,
    reviewed_on: String,
    may_review: bool,
    may_pay: bool,
    today: String,
    f: Forms,
}

async fn application_page(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: Forms) -> Result<Response, AppError> {
    let detail = uc::get_application(&s.db, &user.actor, id).await?;
    let today = s.work().today_text();
    let has_errors = !f.is("");
    let a = detail.application;
    let remaining = a.approved_amount_yuan.map(|ap| format_wan(ap - a.paid_amount_yuan)).unwrap_or_default();
    let page = ApplicationPage {
        c: chrome(s, user, lang, "/policy-applications").await,
        required: detail.required_documents,
        included: detail.documents,
        payments: detail
            .disbursements
            .into_iter()
            .map(|d| {
                let (amount, day) = (format_wan(d.amount_yuan), show_date(&d.paid_on));
                (d, amount, day)
            })
            .collect(),
        remaining,
        reviewed_on: a.reviewed_on.as_deref().map(show_date).unwrap_or_default(),
        may_review: detail.may_review,
        may_pay: detail.may_pay,
        r: app_row(lang, &today, a),
        today,
        f,
    };
    let mut response = render(&page)?;
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/policy-applications/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "one application with its review and payments", body = String, content_type = "text/html")))]
pub async fn show_application(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    application_page(&s, &user, lang, id, Forms::default()).await
}

#[utoipa::path(post, path = "/policy-applications/{id}/review", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "reviewed; back to the application"), (status = 422, description = "the application again, with the messages", body = String, content_type = "text/html")))]
pub async fn review_application(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let input = number(&form, "approved_amount_wan").and_then(|amount| {
        Ok(ReviewInput {
            decision: field(&form, "decision").to_string(),
            version: integer(&form, "version")?.unwrap_or(-1),
            approved_amount_wan: amount,
            note: field(&form, "note").to_string(),
        })
    });
    let done = match input {
        Ok(input) => uc::review(&s.work(), &user.actor, id, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/policy-applications/{id}")).into_response()),
        Err(e) => application_page(&s, &user, lang, id, Forms::failed("review", form, FormErrors::from_app_error(e)?)).await,
    }
}

#[utoipa::path(post, path = "/policy-applications/{id}/disbursements", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "recorded; back to the application"), (status = 422, description = "the application again, with the messages", body = String, content_type = "text/html")))]
pub async fn disburse_application(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let input = number(&form, "amount_wan").and_then(|amount| {
        Ok(DisbursementInput {
            version: integer(&form, "version")?.unwrap_or(-1),
            amount_wan: amount.unwrap_or(0.0),
            paid_on: Some(field(&form, "paid_on").to_string()),
            reference: field(&form, "reference").to_string(),
        })
    });
    let done = match input {
        Ok(input) => uc::disburse(&s.work(), &user.actor, id, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/policy-applications/{id}")).into_response()),
        Err(e) => application_page(&s, &user, lang, id, Forms::failed("pay", form, FormErrors::from_app_error(e)?)).await,
    }
}

// ---- supervision ------------------------------------------------------------------------------

struct TakeUpRow {
    t: TakeUp,
    requested: String,
    approved: String,
    paid: String,
    /// paid ÷ approved, as a percentage for the meter
    paid_pct: i64,
}

fn take_up_row(t: TakeUp) -> TakeUpRow {
    TakeUpRow {
        requested: format_wan(t.requested_yuan),
        approved: format_wan(t.approved_yuan),
        paid: format_wan(t.paid_yuan),
        paid_pct: if t.approved_yuan > 0 { (t.paid_yuan * 100 / t.approved_yuan).clamp(0, 100) } else { 0 },
        t,
    }
}

#[derive(Template)]
#[template(path = "policies/supervision.html")]
struct SupervisionPage {
    c: Chrome,
    as_of: String,
    as_of_iso: String,
    rows: Vec<TakeUpRow>,
    total: TakeUpRow,
}

#[utoipa::path(get, path = "/policy-supervision", tag = "pages", params(SupervisionQuery),
    responses((status = 200, description = "each policy's take-up and overdue payments", body = String, content_type = "text/html")))]
pub async fn supervision_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<SupervisionQuery>) -> Result<Response, AppError> {
    let as_of = match q.as_of.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(crate::app::clock::parse_date(d).map_err(|_| AppError::field("as_of", "日期格式应为 YYYY-MM-DD"))?),
        None => None,
    };
    let sup = uc::take_up(&s.work(), &user.actor, as_of).await?;
    render(&SupervisionPage {
        c: chrome(&s, &user, lang, "/policy-supervision").await,
        as_of: show_date(&sup.as_of),
        as_of_iso: sup.as_of.clone(),
        rows: sup.policies.into_iter().map(take_up_row).collect(),
        total: take_up_row(sup.total),
    })
}
