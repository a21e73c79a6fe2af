//! Key-project pages (重点项目调度): the list with its filters, the slippage
//! view, one project with its milestones, permits, dispatch notes and factor
//! needs (each with its form), and the project form.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::enterprises::ConfirmPage;
use super::{Choice, Chrome, FormErrors, Pager, chinese_date, chrome, render};
use crate::app::clock::parse_date;
use crate::app::project::{self as uc, FactorNeedInput, NoteInput};
use crate::app::registry;
use crate::domain::Role;
use crate::domain::policy::format_wan;
use crate::domain::project::{FactorKind, MilestoneInput, PermitInput, PermitStatus, ProjectInput, ProjectKind};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::project::{FactorNeed, Milestone, Permit, Project, ProjectNote, Slip};
use crate::store::registry::EnterpriseFilter;
use crate::web::AppState;
use crate::web::api::projects::{ProjectQuery, SlippageQuery};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// The project pages, for the router's merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(new_project))
        .routes(routes!(slippage_page))
        .routes(routes!(show_project, update_project))
        .routes(routes!(edit_project))
        .routes(routes!(add_milestone))
        .routes(routes!(update_milestone))
        .routes(routes!(confirm_delete_milestone, delete_milestone))
        .routes(routes!(add_permit))
        .routes(routes!(update_permit))
        .routes(routes!(add_note))
        .routes(routes!(raise_factor_need))
}

/// The words of these pages (added to the translation table in `i18n.rs`).
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.projects", "重点项目", "Key projects"),
    ("nav.my_projects", "本企业项目", "Our projects"),
    ("projects.title", "重点项目调度", "Key projects"),
    ("projects.new", "登记重点项目", "Register a project"),
    ("projects.edit", "编辑重点项目", "Edit project"),
    ("projects.empty", "没有符合条件的重点项目。可调整筛选条件，或登记一个新项目。", "No project matches. Change the filters or register one."),
    ("projects.name", "项目名称", "Project"),
    ("projects.kind", "项目类型", "Kind"),
    ("projects.owner", "业主企业", "Owner"),
    ("projects.investment", "总投资（万元）", "Investment (10k yuan)"),
    ("projects.start", "开工日期", "Start"),
    ("projects.planned_end", "计划竣工", "Planned completion"),
    ("projects.progress", "形象进度", "Progress"),
    ("projects.location", "项目地点", "Location"),
    ("projects.description", "建设内容", "Scope"),
    ("projects.township_default", "默认为业主企业所在乡镇办", "Defaults to the owner's township"),
    ("projects.slipping", "进度滞后", "Slipping"),
    ("projects.slipping_only", "仅看滞后项目", "Slipping only"),
    ("projects.late_milestones", "滞后节点", "Late milestones"),
    ("projects.stalled_permits", "超期手续", "Stalled permits"),
    ("projects.open_needs", "待保障要素", "Open factor needs"),
    ("projects.progress_only", "企业联系人只能填报形象进度。", "An enterprise contact may report the progress only."),
    ("projects.milestones", "节点计划", "Milestones"),
    ("projects.milestone", "节点", "Milestone"),
    ("projects.planned_on", "计划日期", "Planned"),
    ("projects.actual_on", "完成日期", "Reached"),
    ("projects.days_late", "滞后天数", "Days late"),
    ("projects.on_time", "按期", "On time"),
    ("projects.no_milestones", "还没有节点计划。", "No milestones planned yet."),
    ("projects.add_milestone", "新增节点", "Add a milestone"),
    ("projects.record_actual", "填报完成", "Record"),
    ("projects.delete_milestone_question", "确定要删除该节点吗？删除记录会保留在审计日志中。", "Delete this milestone? The audit log keeps it."),
    ("projects.permits", "手续办理", "Permits"),
    ("projects.permit", "手续名称", "Permit"),
    ("projects.authority", "审批部门", "Authority"),
    ("projects.status", "办理状态", "Status"),
    ("projects.due_on", "要求办结", "Due"),
    ("projects.decided_on", "办结日期", "Decided"),
    ("projects.no_permits", "还没有登记手续。", "No permits listed yet."),
    ("projects.add_permit", "登记手续", "Add a permit"),
    ("projects.change_status", "更新状态", "Update"),
    ("projects.stalled", "超期未办结", "Overdue"),
    ("projects.notes", "调度记录", "Dispatch notes"),
    ("projects.no_notes", "还没有调度记录。", "No notes yet."),
    ("projects.add_note", "记录调度情况", "Add a note"),
    ("projects.note_text", "调度内容", "Note"),
    ("projects.noted_on", "日期", "Date"),
    ("projects.needs", "要素保障", "Factor needs"),
    (
        "projects.no_needs",
        "还没有要素保障需求。用工、用料、交通物流、手续审批方面的问题可在此提出，将生成工单交办。",
        "No factor needs yet. Raise labour, materials, logistics or approval problems here; each becomes a work order.",
    ),
    ("projects.raise_need", "提出要素保障需求", "Raise a factor need"),
    ("projects.need_kind", "保障类型", "Kind"),
    ("projects.need_title", "需求", "Need"),
    ("projects.need_description", "需求描述", "Details"),
    (
        "projects.need_hint",
        "提交后生成工单（来源：项目要素保障），由专班交办责任部门。",
        "It becomes a work order (source: project factor need) for the task force to assign.",
    ),
    ("projects.slippage", "进度滞后", "Slippage"),
    ("projects.slippage_as_of", "统计日期", "As of"),
    (
        "projects.slippage_rule",
        "滞后节点：计划日期已过仍未完成的节点；超期手续：要求办结日期已过仍未批复的手续。天数按自然日计。",
        "Late milestones: planned day passed, not reached. Stalled permits: due day passed, not decided. Counted in calendar days.",
    ),
    ("projects.no_slippage", "目前没有滞后的节点和超期的手续。", "No milestone is late and no permit is overdue."),
    ("project_kind.construction", "建筑", "Construction"),
    ("project_kind.real_estate", "房地产", "Real estate"),
    ("project_kind.shantytown", "棚改", "Shantytown redevelopment"),
    ("project_kind.industrial", "工业", "Industrial"),
    ("permit_status.pending", "未申报", "Not applied"),
    ("permit_status.in_progress", "办理中", "In progress"),
    ("permit_status.approved", "已批复", "Approved"),
    ("permit_status.rejected", "未通过", "Rejected"),
    ("factor.labour", "用工", "Labour"),
    ("factor.materials", "用料", "Materials"),
    ("factor.logistics", "交通物流", "Logistics"),
    ("factor.approval", "手续审批", "Approvals"),
    ("common.wan", "万元", "×10k yuan"),
    ("common.days", "天", "days"),
];

/// The forms of a page, one of which may have come back with errors: the
/// values posted and the messages, shown beside that form's fields only.
#[derive(Default)]
pub struct Forms {
    which: &'static str,
    values: HashMap<String, String>,
    errors: FormErrors,
}

impl Forms {
    pub fn failed(which: &'static str, values: HashMap<String, String>, errors: FormErrors) -> Forms {
        Forms { which, values, errors }
    }

    /// The value posted to `field` of form `which` (empty for the other forms).
    pub fn val(&self, which: &str, field: &str) -> &str {
        if self.which == which { self.values.get(field).map(String::as_str).unwrap_or("") } else { "" }
    }

    /// The message beside `field` of form `which`.
    pub fn err(&self, which: &str, field: &str) -> &str {
        if self.which == which { self.errors.get(field) } else { "" }
    }

    /// The message of form `which` that belongs to no field.
    pub fn general(&self, which: &str) -> &str {
        if self.which == which { &self.errors.general } else { "" }
    }

    pub fn is(&self, which: &str) -> bool {
        self.which == which
    }
}

/// The text of a posted field.
pub fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or("")
}

/// A posted number that must be one: empty is `None`, text is a field error.
///
/// # Errors
/// `Validation` naming the field.
pub fn number(form: &HashMap<String, String>, name: &'static str) -> Result<Option<f64>, AppError> {
    match field(form, name).trim().replace([',', '，'], "") {
        t if t.is_empty() => Ok(None),
        t => t.parse::<f64>().map(Some).map_err(|_| AppError::field(name, "请填写数字")),
    }
}

/// A posted integer (ids, versions, percentages).
///
/// # Errors
/// `Validation` naming the field.
pub fn integer(form: &HashMap<String, String>, name: &'static str) -> Result<Option<i64>, AppError> {
    match field(form, name).trim() {
        "" => Ok(None),
        t => t.parse::<i64>().map(Some).map_err(|_| AppError::field(name, "请填写整数")),
    }
}

/// A date as the pages show it: 2020年3月19日.
pub fn show_date(iso: &str) -> String {
    parse_date(iso).map(chinese_date).unwrap_or_else(|_| iso.to_string())
}

// ---- the list ----------------------------------------------------------------------

struct Row {
    id: i64,
    name: String,
    kind: &'static str,
    owner: String,
    township: String,
    investment: String,
    start: String,
    planned_end: String,
    progress: i64,
    late_milestones: i64,
    stalled_permits: i64,
    open_needs: i64,
}

fn row(lang: Lang, p: Project) -> Row {
    Row {
        kind: lang.label("project_kind", &p.kind),
        investment: format_wan(p.investment_yuan),
        start: show_date(&p.start_on),
        planned_end: show_date(&p.planned_end_on),
        id: p.id,
        name: p.name,
        owner: p.owner_name,
        township: p.township_name,
        progress: p.progress_pct,
        late_milestones: p.late_milestones,
        stalled_permits: p.stalled_permits,
        open_needs: p.open_needs,
    }
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    q: String,
    kinds: Vec<Choice>,
    townships: Vec<Choice>,
    slipping: bool,
    show_townships: bool,
    may_create: bool,
}

fn kind_choices(lang: Lang, current: &str, all: bool) -> Vec<Choice> {
    let mut out = if all { vec![Choice::new("", lang.t("common.all"), current)] } else { vec![Choice::new("", lang.t("orders.choose"), current)] };
    out.extend(ProjectKind::ALL.iter().map(|k| Choice::new(k.code(), lang.label("project_kind", k.code()), current)));
    out
}

async fn township_choices(s: &AppState, user: &PageUser, lang: Lang, current: &str, first: &'static str) -> Result<Vec<Choice>, AppError> {
    let mut out = vec![Choice::new("", lang.t(first), current)];
    out.extend(
        registry::list_townships(&s.db, &user.actor)
            .await?
            .into_iter()
            .filter(|t| user.actor.role != Role::Township || Some(t.id) == user.actor.township_id)
            .map(|t| Choice::new(t.id, &t.name, current)),
    );
    Ok(out)
}

fn may_create(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader | Role::Township)
}

#[utoipa::path(get, path = "/projects", tag = "pages", params(ProjectQuery),
    responses((status = 200, description = "the filtered, paginated project list", body = String, content_type = "text/html")))]
pub async fn list_projects(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<ProjectQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter()?;
    let page = uc::list_projects(&s.work(), &user.actor, filter, &page_req).await?;
    let kind = q.kind.clone().unwrap_or_default();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        ("kind", kind.clone()),
        ("township_id", township.clone()),
        ("slipping", q.slipping.filter(|s| *s).map(|s| s.to_string()).unwrap_or_default()),
    ];
    let pager = Pager::new(&page, "/projects", &params);
    let show_townships = matches!(user.actor.role, Role::Admin | Role::Leader | Role::Department);
    render(&ListPage {
        c: chrome(&s, &user, lang, "/projects").await,
        rows: page.items.into_iter().map(|p| row(lang, p)).collect(),
        pager,
        q: q.q.clone().unwrap_or_default(),
        kinds: kind_choices(lang, &kind, true),
        townships: if show_townships { township_choices(&s, &user, lang, &township, "common.all").await? } else { Vec::new() },
        slipping: q.slipping == Some(true),
        show_townships,
        may_create: may_create(user.actor.role),
    })
}

// ---- slippage ------------------------------------------------------------------------

struct SlipRow {
    project_id: i64,
    project: String,
    owner: String,
    township: String,
    name: String,
    authority: String,
    status: &'static str,
    due: String,
    days_late: i64,
}

fn slip_row(lang: Lang, s: Slip) -> SlipRow {
    SlipRow {
        status: s.status.as_deref().map(|st| lang.label("permit_status", st)).unwrap_or(""),
        due: show_date(&s.due_on),
        project_id: s.project_id,
        project: s.project_name,
        owner: s.owner_name,
        township: s.township_name,
        name: s.name,
        authority: s.authority.unwrap_or_default(),
        days_late: s.days_late,
    }
}

#[derive(Template)]
#[template(path = "projects/slippage.html")]
struct SlippagePage {
    c: Chrome,
    as_of: String,
    milestones: Vec<SlipRow>,
    permits: Vec<SlipRow>,
    kinds: Vec<Choice>,
    townships: Vec<Choice>,
    show_townships: bool,
}

#[utoipa::path(get, path = "/projects/slippage", tag = "pages", params(SlippageQuery),
    responses((status = 200, description = "late milestones and stalled permits", body = String, content_type = "text/html")))]
pub async fn slippage_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<SlippageQuery>) -> Result<Response, AppError> {
    let kind = q.kind.clone().unwrap_or_default();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let (filter, _) = ProjectQuery { kind: q.kind.clone(), township_id: q.township_id, ..ProjectQuery::default() }.filter()?;
    let slip = uc::slippage(&s.work(), &user.actor, filter).await?;
    let show_townships = matches!(user.actor.role, Role::Admin | Role::Leader | Role::Department);
    render(&SlippagePage {
        c: chrome(&s, &user, lang, "/projects/slippage").await,
        as_of: show_date(&slip.as_of),
        milestones: slip.milestones.into_iter().map(|x| slip_row(lang, x)).collect(),
        permits: slip.permits.into_iter().map(|x| slip_row(lang, x)).collect(),
        kinds: kind_choices(lang, &kind, true),
        townships: if show_townships { township_choices(&s, &user, lang, &township, "common.all").await? } else { Vec::new() },
        show_townships,
    })
}

// ---- one project ------------------------------------------------------------------------

struct MilestoneRow {
    m: Milestone,
    planned: String,
    actual: String,
}

struct PermitRow {
    p: Permit,
    status: &'static str,
    due: String,
    decided: String,
    next: Vec<Choice>,
}

struct NeedRow {
    n: FactorNeed,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "projects/show.html")]
struct ShowPage {
    c: Chrome,
    p: Project,
    kind: &'static str,
    investment: String,
    start: String,
    planned_end: String,
    milestones: Vec<MilestoneRow>,
    permits: Vec<PermitRow>,
    notes: Vec<ProjectNote>,
    needs: Vec<NeedRow>,
    manage: bool,
    may_edit: bool,
    /// the owner enterprise records milestones reached
    may_record: bool,
    may_permit: bool,
    statuses: Vec<Choice>,
    factor_kinds: Vec<Choice>,
    today: String,
    f: Forms,
}

async fn show_page(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: Forms) -> Result<Response, AppError> {
    let detail = uc::get_project(&s.work(), &user.actor, id).await?;
    let role = user.actor.role;
    let manage = match role {
        Role::Admin | Role::Leader => true,
        Role::Township => user.actor.township_id == Some(detail.project.township_id),
        _ => false,
    };
    let owner = role == Role::Enterprise;
    let p = detail.project;
    let has_errors = !f.is("");
    let page = ShowPage {
        c: chrome(s, user, lang, "/projects").await,
        kind: lang.label("project_kind", &p.kind),
        investment: format_wan(p.investment_yuan),
        start: show_date(&p.start_on),
        planned_end: show_date(&p.planned_end_on),
        milestones: detail
            .milestones
            .into_iter()
            .map(|m| MilestoneRow { planned: show_date(&m.planned_on), actual: m.actual_on.as_deref().map(show_date).unwrap_or_default(), m })
            .collect(),
        permits: detail
            .permits
            .into_iter()
            .map(|r| {
                let from = PermitStatus::parse(&r.status).unwrap_or(PermitStatus::Pending);
                PermitRow {
                    status: lang.label("permit_status", &r.status),
                    due: show_date(&r.due_on),
                    decided: r.decided_on.as_deref().map(show_date).unwrap_or_default(),
                    next: PermitStatus::ALL
                        .iter()
                        .filter(|to| from.may_become(**to))
                        .map(|to| Choice::new(to.code(), lang.label("permit_status", to.code()), &r.status))
                        .collect(),
                    p: r,
                }
            })
            .collect(),
        notes: detail.notes,
        needs: detail.factor_needs.into_iter().map(|n| NeedRow { state: lang.label("state", &n.state), n }).collect(),
        manage,
        may_edit: manage || owner,
        may_record: manage || owner,
        may_permit: manage || role == Role::Department,
        statuses: PermitStatus::ALL.iter().map(|st| Choice::new(st.code(), lang.label("permit_status", st.code()), f.val("permits", "status"))).collect(),
        factor_kinds: {
            let mut v = vec![Choice::new("", lang.t("orders.choose"), f.val("needs", "kind"))];
            v.extend(FactorKind::ALL.iter().map(|k| Choice::new(k.code(), lang.label("factor", k.code()), f.val("needs", "kind"))));
            v
        },
        today: s.work().today_text(),
        f,
        p,
    };
    let mut response = render(&page)?;
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/projects/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "one project with its schedule, permits, notes and factor needs", body = String, content_type = "text/html")))]
pub async fn show_project(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    show_page(&s, &user, lang, id, Forms::default()).await
}

/// Back to the project, or the project again with the form's messages.
async fn after(
    s: &AppState,
    user: &PageUser,
    lang: Lang,
    id: i64,
    which: &'static str,
    form: HashMap<String, String>,
    done: Result<(), AppError>,
) -> Result<Response, AppError> {
    match done {
        Ok(()) => {
            let anchor = match which {
                "milestone_update" => "milestones",
                "permit_update" => "permits",
                other => other,
            };
            Ok(Redirect::to(&format!("/projects/{id}#{anchor}")).into_response())
        }
        Err(e) => show_page(s, user, lang, id, Forms::failed(which, form, FormErrors::from_app_error(e)?)).await,
    }
}

fn milestone_input(form: &HashMap<String, String>) -> MilestoneInput {
    MilestoneInput {
        name: field(form, "name").to_string(),
        planned_on: field(form, "planned_on").to_string(),
        actual_on: Some(field(form, "actual_on").to_string()),
        note: field(form, "note").to_string(),
    }
}

#[utoipa::path(post, path = "/projects/{id}/milestones", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "added; back to the project"), (status = 422, description = "the project again, with the messages", body = String, content_type = "text/html")))]
pub async fn add_milestone(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let done = uc::add_milestone(&s.work(), &user.actor, id, &milestone_input(&form)).await.map(|_| ());
    after(&s, &user, lang, id, "milestones", form, done).await
}

#[utoipa::path(post, path = "/project-milestones/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "changed; back to the project"), (status = 422, description = "the project again, with the messages", body = String, content_type = "text/html")))]
pub async fn update_milestone(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let project = integer(&form, "project_id")?.unwrap_or(0);
    let version = integer(&form, "version")?.unwrap_or(-1);
    let done = uc::update_milestone(&s.work(), &user.actor, id, version, &milestone_input(&form)).await.map(|_| ());
    after(&s, &user, lang, project, "milestone_update", form, done).await
}

#[utoipa::path(get, path = "/project-milestones/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before deleting a milestone", body = String, content_type = "text/html")))]
pub async fn confirm_delete_milestone(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    // the question only for those who may delete (a township: its own projects, checked below)
    if !may_create(user.actor.role) {
        return Err(AppError::Forbidden("您的角色无权删除项目节点"));
    }
    let detail = milestone_project(&s, &user, id).await?;
    let (project, milestone) = detail;
    render(&ConfirmPage {
        c: chrome(&s, &user, lang, "/projects").await,
        title: milestone.name,
        question: lang.t("projects.delete_milestone_question"),
        action: format!("/project-milestones/{id}/delete"),
        cancel: format!("/projects/{project}"),
        csrf: user.csrf.clone(),
    })
}

/// The project of a milestone the user may see, and the milestone.
async fn milestone_project(s: &AppState, user: &PageUser, id: i64) -> Result<(i64, Milestone), AppError> {
    let mut conn = s.db.pool().acquire().await?;
    let m = crate::store::project::find_milestone(&mut conn, id).await?.ok_or(AppError::NotFound("节点"))?;
    drop(conn);
    // reading the project checks that the user may see it
    uc::get_project(&s.work(), &user.actor, m.project_id).await?;
    Ok((m.project_id, m))
}

#[utoipa::path(post, path = "/project-milestones/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "deleted; back to the project")))]
pub async fn delete_milestone(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<HashMap<String, String>>) -> Result<Response, AppError> {
    let project = uc::delete_milestone(&s.work(), &form.user.actor, id).await?;
    Ok(Redirect::to(&format!("/projects/{project}#milestones")).into_response())
}

fn permit_input(form: &HashMap<String, String>) -> PermitInput {
    PermitInput {
        name: field(form, "name").to_string(),
        authority: field(form, "authority").to_string(),
        status: Some(field(form, "status").to_string()),
        due_on: field(form, "due_on").to_string(),
        note: field(form, "note").to_string(),
    }
}

#[utoipa::path(post, path = "/projects/{id}/permits", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "added; back to the project"), (status = 422, description = "the project again, with the messages", body = String, content_type = "text/html")))]
pub async fn add_permit(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let done = uc::add_permit(&s.work(), &user.actor, id, &permit_input(&form)).await.map(|_| ());
    after(&s, &user, lang, id, "permits", form, done).await
}

#[utoipa::path(post, path = "/project-permits/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "changed; back to the project"), (status = 409, description = "the project again, with the conflict", body = String, content_type = "text/html")))]
pub async fn update_permit(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let project = integer(&form, "project_id")?.unwrap_or(0);
    let version = integer(&form, "version")?.unwrap_or(-1);
    let done = uc::update_permit(&s.work(), &user.actor, id, version, &permit_input(&form)).await.map(|_| ());
    after(&s, &user, lang, project, "permit_update", form, done).await
}

#[utoipa::path(post, path = "/projects/{id}/notes", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "noted; back to the project"), (status = 422, description = "the project again, with the messages", body = String, content_type = "text/html")))]
pub async fn add_note(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<HashMap<String, String>>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let input = NoteInput { noted_on: Some(field(&form, "noted_on").to_string()), text: field(&form, "text").to_string() };
    let done = uc::add_note(&s.work(), &user.actor, id, &input).await.map(|_| ());
    after(&s, &user, lang, id, "notes", form, done).await
}

#[utoipa::path(post, path = "/projects/{id}/factor-needs", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "raised; to the work order"), (status = 422, description = "the project again, with the messages", body = String, content_type = "text/html")))]
pub async fn raise_factor_need(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let input = FactorNeedInput {
        kind: field(&form, "kind").to_string(),
        title: field(&form, "title").to_string(),
        description: field(&form, "description").to_string(),
    };
    match uc::raise_factor_need(&s.work(), &user.actor, id, &input).await {
        Ok(filed) => Ok(Redirect::to(&format!("/work-orders/{}", filed.order.id)).into_response()),
        Err(e) => after(&s, &user, lang, id, "needs", form, Err(e)).await,
    }
}

// ---- the project form ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "projects/form.html")]
struct FormPage {
    c: Chrome,
    title: &'static str,
    action: String,
    cancel: String,
    f: HashMap<String, String>,
    errors: FormErrors,
    kinds: Vec<Choice>,
    owners: Vec<Choice>,
    townships: Vec<Choice>,
    /// an owner enterprise reports the progress only
    limited: bool,
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
    let limited = user.actor.role == Role::Enterprise;
    if !limited && !may_create(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能登记或修改重点项目"));
    }
    let owner = field(&f, "owner_enterprise_id").to_string();
    let mut owners = vec![Choice::new("", lang.t("orders.choose"), &owner)];
    let all = PageRequest { page: Some(1), per_page: Some(200) };
    if !limited {
        owners.extend(
            registry::list_enterprises(&s.db, &user.actor, EnterpriseFilter::default(), &all)
                .await?
                .items
                .into_iter()
                .map(|e| Choice::new(e.id, &e.name, &owner)),
        );
    }
    let page = FormPage {
        c: chrome(s, user, lang, "/projects").await,
        title: lang.t(title),
        action,
        cancel,
        kinds: kind_choices(lang, field(&f, "kind"), false),
        townships: township_choices(s, user, lang, field(&f, "township_id"), "projects.township_default").await?,
        owners,
        f,
        errors,
        limited,
    };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

fn project_input(form: &HashMap<String, String>) -> Result<ProjectInput, AppError> {
    let progress = integer(form, "progress_pct").map_err(|_| AppError::field("progress_pct", "形象进度应为0到100之间的整数"))?;
    Ok(ProjectInput {
        name: field(form, "name").to_string(),
        kind: field(form, "kind").to_string(),
        owner_enterprise_id: integer(form, "owner_enterprise_id")?,
        township_id: integer(form, "township_id")?,
        investment_wan: number(form, "investment_wan")?.unwrap_or(0.0),
        start_on: field(form, "start_on").to_string(),
        planned_end_on: field(form, "planned_end_on").to_string(),
        progress_pct: progress.unwrap_or(0),
        location: field(form, "location").to_string(),
        description: field(form, "description").to_string(),
    })
}

#[utoipa::path(get, path = "/projects/new", tag = "pages", responses((status = 200, description = "the form to register a project", body = String, content_type = "text/html")))]
pub async fn new_project(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    if !may_create(user.actor.role) {
        return Err(AppError::Forbidden("您的角色无权登记项目"));
    }
    let f = HashMap::from([("progress_pct".to_string(), "0".to_string())]);
    form_page(&s, &user, lang, "projects.new", "/projects".into(), "/projects".into(), f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/projects", tag = "pages",
    responses((status = 303, description = "registered; to the project"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_project(State(s): State<AppState>, lang: Lang, form: CsrfForm<HashMap<String, String>>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let created = match project_input(&form) {
        Ok(input) => uc::create_project(&s.work(), &user.actor, &input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}", p.id)).into_response()),
        Err(e) => form_page(&s, &user, lang, "projects.new", "/projects".into(), "/projects".into(), form, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/projects/{id}/edit", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the form to change a project", body = String, content_type = "text/html")))]
pub async fn edit_project(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let p = uc::get_project(&s.work(), &user.actor, id).await?.project;
    let f = HashMap::from([
        ("name".to_string(), p.name),
        ("kind".to_string(), p.kind),
        ("owner_enterprise_id".to_string(), p.owner_enterprise_id.to_string()),
        ("township_id".to_string(), p.township_id.to_string()),
        ("investment_wan".to_string(), format_wan(p.investment_yuan)),
        ("start_on".to_string(), p.start_on),
        ("planned_end_on".to_string(), p.planned_end_on),
        ("progress_pct".to_string(), p.progress_pct.to_string()),
        ("location".to_string(), p.location),
        ("description".to_string(), p.description),
        ("version".to_string(), p.version.to_string()),
        ("owner_name".to_string(), p.owner_name),
    ]);
    form_page(&s, &user, lang, "projects.edit", format!("/projects/{id}"), format!("/projects/{id}"), f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/projects/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "changed; to the project"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_project(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let version = integer(&form, "version")?.unwrap_or(-1);
    let changed = match project_input(&form) {
        Ok(input) => uc::update_project(&s.work(), &user.actor, id, version, &input).await,
        Err(e) => Err(e),
    };
    match changed {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(e) => form_page(&s, &user, lang, "projects.edit", format!("/projects/{id}"), format!("/projects/{id}"), form, FormErrors::from_app_error(e)?).await,
    }
}
