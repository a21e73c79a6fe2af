//! Tutoring pages (结对帮扶): the programme's figures, volunteers and children
//! with their forms, the pairings (the optimal run, by hand, accept, end), the
//! manual rules, and a volunteer's own pairings with its session log.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::enterprises::{ConfirmPage, NoFields};
use super::{Choice, Chrome, FormErrors, Pager, chrome, display_time, render};
use crate::app::registry;
use crate::app::tutoring::{self as uc, ChildInput, EndInput, PairingInput, PairingQuery, RuleInput, SessionInput, VillageLocationInput, VolunteerInput};
use crate::domain::Role;
use crate::domain::tutoring::{ChildCategory, GRADES, SessionTopic, Subject, SubjectSet, grade_label};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::tutoring::{Child, Pairing, PairingRule, TutoringFigures, TutoringSession, VillageLocation, Volunteer};
use crate::web::AppState;
use crate::web::api::tutoring::{ChildQuery, VolunteerQuery};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// Every tutoring page, for the router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview_page))
        .routes(routes!(my_pairings_page))
        .routes(routes!(volunteers_page, create_volunteer))
        .routes(routes!(new_volunteer))
        .routes(routes!(volunteer_page, update_volunteer))
        .routes(routes!(edit_volunteer))
        .routes(routes!(confirm_delete_volunteer, delete_volunteer))
        .routes(routes!(children_page, create_child))
        .routes(routes!(new_child))
        .routes(routes!(child_page, update_child))
        .routes(routes!(edit_child))
        .routes(routes!(confirm_delete_child, delete_child))
        .routes(routes!(pairings_page, pair_by_hand))
        .routes(routes!(new_pairing))
        .routes(routes!(compute_pairings))
        .routes(routes!(accept_all))
        .routes(routes!(pairing_page))
        .routes(routes!(accept_pairing))
        .routes(routes!(end_pairing))
        .routes(routes!(log_session))
        .routes(routes!(rules_page, create_rule))
        .routes(routes!(delete_rule))
        .routes(routes!(villages_page, set_village_location))
}

/// The words of these pages.
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.tutoring", "结对帮扶", "Tutoring"),
    ("nav.my_pairings", "我的结对", "My pairings"),
    ("tutoring.title", "结对帮扶", "One-to-one tutoring"),
    (
        "tutoring.lead",
        "团区委发动未返校的大、中专学生“一对一”结对帮扶贫困家庭子女、疫情防控一线人员子女、留守儿童。结对按总成本最低的最优分配计算（同村优先，其次同乡镇，兼顾学科与年级），不按报名先后。",
        "Students not yet back at school tutor children one to one. Pairs are computed as a minimum-cost assignment (same village first, then same township, with subject and grade fit), never first come, first served.",
    ),
    ("tutoring.volunteers", "志愿者", "Volunteers"),
    ("tutoring.active_volunteers", "可服务志愿者", "Available volunteers"),
    ("tutoring.children", "帮扶对象", "Children"),
    ("tutoring.priority_children", "重点帮扶对象", "Priority children"),
    ("tutoring.accepted", "已结对", "Paired"),
    ("tutoring.proposed", "待确认", "Proposed"),
    ("tutoring.unpaired_priority", "未结对重点对象", "Priority children unpaired"),
    ("tutoring.sessions", "辅导次数", "Sessions"),
    ("tutoring.minutes", "辅导时长（分钟）", "Minutes"),
    ("tutoring.minutes_unit", "分钟", "minutes"),
    ("tutoring.pairings", "结对", "Pairings"),
    ("tutoring.rules", "指定与禁止", "Pins and bans"),
    ("tutoring.compute", "重新计算最优结对", "Recompute the optimal pairing"),
    (
        "tutoring.compute_confirm",
        "将撤回所有待确认的结对并重新计算，已确认的结对保持不变。继续吗？",
        "All open proposals are withdrawn and recomputed; accepted pairings stay. Continue?",
    ),
    ("tutoring.computed", "已重新计算：新提出结对", "Recomputed: new proposals"),
    ("tutoring.total_cost", "总成本", "total cost"),
    ("tutoring.unpaired", "未能结对", "left unpaired"),
    ("tutoring.accept_all", "全部确认", "Accept all proposals"),
    ("tutoring.accept", "确认结对", "Accept"),
    ("tutoring.end", "结束结对", "End"),
    ("tutoring.reject", "不采纳", "Reject"),
    ("tutoring.end_reason", "结束原因", "Reason"),
    ("tutoring.end_confirm", "确定结束该结对吗？", "End this pairing?"),
    ("tutoring.reject_hint", "不采纳的建议将被禁止，今后计算不再提出。", "A rejected proposal is banned from later runs."),
    ("tutoring.new_pairing", "手工结对", "Pair by hand"),
    ("tutoring.new_pairing_hint", "手工结对直接生效，重新计算时保留。", "A pair made by hand is accepted at once and kept by every recompute."),
    ("tutoring.pairings_empty", "没有符合条件的结对。可重新计算最优结对，或手工结对。", "No pairing matches. Recompute the optimal pairing, or pair by hand."),
    ("tutoring.mine_empty", "您还没有结对的帮扶对象。结对确认后会显示在这里。", "You have no pairing yet; once one is accepted it shows here."),
    ("tutoring.unbound", "您的账号尚未绑定志愿者登记信息，请联系管理员。", "Your account is not yet bound to a volunteer record; ask the administrator."),
    ("tutoring.volunteers_empty", "没有符合条件的志愿者。请调整筛选条件，或登记志愿者。", "No volunteer matches. Change the filters or register one."),
    ("tutoring.children_empty", "没有符合条件的帮扶对象。请调整筛选条件，或登记帮扶对象。", "No child matches. Change the filters or register one."),
    ("tutoring.new_volunteer", "登记志愿者", "Register a volunteer"),
    ("tutoring.edit_volunteer", "编辑志愿者", "Edit volunteer"),
    ("tutoring.new_child", "登记帮扶对象", "Register a child"),
    ("tutoring.edit_child", "编辑帮扶对象", "Edit child"),
    (
        "tutoring.delete_volunteer_question",
        "确定要删除该志愿者吗？已有结对的志愿者不能删除，可设为暂停服务。",
        "Delete this volunteer? One with pairings cannot be deleted; mark it unavailable instead.",
    ),
    ("tutoring.delete_child_question", "确定要删除该帮扶对象吗？已有结对的不能删除。", "Delete this child? One with pairings cannot be deleted."),
    ("tutoring.delete_rule_question", "确定要删除该规则吗？", "Delete this rule?"),
    ("tutoring.name", "姓名", "Name"),
    ("tutoring.school", "学校", "School"),
    ("tutoring.phone", "联系电话", "Phone"),
    ("tutoring.subjects", "可辅导学科", "Subjects taught"),
    ("tutoring.needs", "需辅导学科", "Subjects needed"),
    ("tutoring.grades", "可辅导年级", "Grades taught"),
    ("tutoring.grade_min", "最低年级", "From grade"),
    ("tutoring.grade_max", "最高年级", "To grade"),
    ("tutoring.grade", "年级", "Grade"),
    ("tutoring.township", "乡镇办", "Township"),
    ("tutoring.village", "村（社区）", "Village"),
    ("tutoring.availability", "可服务时间", "Availability"),
    ("tutoring.capacity", "可结对人数", "Takes on"),
    ("tutoring.paired", "已结对", "Paired"),
    ("tutoring.active", "可以服务", "Available"),
    ("tutoring.inactive", "暂停服务", "Unavailable"),
    ("tutoring.has_place", "名额", "Places"),
    ("tutoring.has_place_yes", "尚有名额", "Has a free place"),
    ("tutoring.has_place_no", "已满员", "Full"),
    ("tutoring.category", "帮扶类别", "Category"),
    ("tutoring.guardian", "监护人", "Guardian"),
    ("tutoring.guardian_phone", "监护人电话", "Guardian's phone"),
    ("tutoring.paired_filter", "结对情况", "Pairing"),
    ("tutoring.paired_yes", "已结对", "Paired"),
    ("tutoring.paired_no", "未结对", "Not paired"),
    ("tutoring.volunteer", "志愿者", "Volunteer"),
    ("tutoring.child", "帮扶对象", "Child"),
    ("tutoring.status", "状态", "Status"),
    ("tutoring.fit", "匹配情况", "Fit"),
    ("tutoring.cost", "成本", "Cost"),
    ("tutoring.origin", "来源", "Origin"),
    ("tutoring.subjects_fit", "学科", "subjects"),
    ("tutoring.grade_fits", "年级相符", "grade fits"),
    ("tutoring.grade_off", "年级不符", "grade outside range"),
    ("tutoring.accepted_at", "确认时间", "Accepted"),
    ("tutoring.ended_at", "结束时间", "Ended"),
    ("tutoring.session_log", "辅导记录", "Sessions"),
    ("tutoring.sessions_empty", "还没有辅导记录。", "No sessions logged yet."),
    ("tutoring.log_session", "记录辅导", "Log a session"),
    ("tutoring.held_on", "辅导日期", "Date"),
    ("tutoring.session_minutes", "时长（分钟）", "Minutes"),
    ("tutoring.topic", "辅导内容", "Topic"),
    ("tutoring.note", "辅导情况", "Notes"),
    ("tutoring.rule", "规则", "Rule"),
    ("tutoring.rule_note", "说明", "Note"),
    ("tutoring.rules_hint", "指定结对：重新计算时必定结成此对；禁止结对：永不结成此对。", "Pin: every run pairs these two; ban: no run ever does."),
    ("tutoring.rules_empty", "还没有指定或禁止的结对。", "No pins or bans yet."),
    ("tutoring.villages", "村庄坐标", "Village locations"),
    (
        "tutoring.villages_hint",
        "志愿者与帮扶对象不在同一乡镇办时，按两村之间的距离计算成本（每公里加10，100公里封顶）；没有坐标的村庄按最远计算。坐标为经纬度（WGS-84），可从地图上读取；经纬度都不填则取消该村坐标。",
        "Between townships, a pair costs more the farther apart the villages are (10 per km, at most 100 km); a village without coordinates counts as the farthest. Coordinates are WGS-84 degrees, as a map shows them; leave both empty to remove a village's.",
    ),
    ("tutoring.villages_empty", "还没有登记志愿者或帮扶对象的村庄。", "No village has volunteers or children yet."),
    ("tutoring.latitude", "纬度", "Latitude"),
    ("tutoring.longitude", "经度", "Longitude"),
    ("tutoring.no_location", "未设置", "Not set"),
    ("tutoring.set_location", "设置坐标", "Set coordinates"),
    ("tutoring.not_a_number", "应为数字，如 35.76", "Must be a number, e.g. 35.76"),
    ("tutoring.new_rule", "新增规则", "Add a rule"),
    ("tutoring.choose", "请选择", "Choose"),
    ("rule.pin", "指定结对", "Pin"),
    ("rule.forbid", "禁止结对", "Ban"),
    ("pairing_status.proposed", "待确认", "Proposed"),
    ("pairing_status.accepted", "已结对", "Accepted"),
    ("pairing_status.ended", "已结束", "Ended"),
    ("origin.computed", "最优计算", "Computed"),
    ("origin.pinned", "指定", "Pinned"),
    ("origin.manual", "手工", "By hand"),
    ("place.same_village", "同村", "Same village"),
    ("place.same_township", "同乡镇", "Same township"),
    ("place.elsewhere", "跨乡镇", "Another township"),
    ("child_category.poor_family", "贫困家庭子女", "Poor family"),
    ("child_category.frontline_child", "一线人员子女", "Front-line worker's child"),
    ("child_category.left_behind", "留守儿童", "Left-behind child"),
    ("child_category.other", "其他", "Other"),
    ("topic.online_class", "网课辅导", "Online class"),
    ("topic.homework", "作业答疑", "Homework"),
    ("topic.companionship", "学习陪伴", "Study companionship"),
    ("topic.counselling", "心理疏导", "Counselling"),
    ("topic.epidemic_knowledge", "防疫知识宣传", "Epidemic prevention knowledge"),
    ("subject.chinese", "语文", "Chinese"),
    ("subject.math", "数学", "Mathematics"),
    ("subject.english", "英语", "English"),
    ("subject.physics", "物理", "Physics"),
    ("subject.chemistry", "化学", "Chemistry"),
    ("subject.biology", "生物", "Biology"),
    ("subject.politics", "道德与法治", "Morality and law"),
    ("subject.history", "历史", "History"),
    ("subject.geography", "地理", "Geography"),
    ("subject.science", "科学", "Science"),
    ("subject.arts", "音体美", "Arts and PE"),
    ("grade.1", "一年级", "Grade 1"),
    ("grade.2", "二年级", "Grade 2"),
    ("grade.3", "三年级", "Grade 3"),
    ("grade.4", "四年级", "Grade 4"),
    ("grade.5", "五年级", "Grade 5"),
    ("grade.6", "六年级", "Grade 6"),
    ("grade.7", "初一", "Grade 7"),
    ("grade.8", "初二", "Grade 8"),
    ("grade.9", "初三", "Grade 9"),
    ("grade.10", "高一", "Grade 10"),
    ("grade.11", "高二", "Grade 11"),
    ("grade.12", "高三", "Grade 12"),
];

// ---- helpers -----------------------------------------------------------------

fn num(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn grade_text(lang: Lang, g: i64) -> &'static str {
    lang.label("grade", &g.to_string())
}

fn subjects_text(lang: Lang, codes: &str) -> String {
    SubjectSet::parse([codes]).unwrap_or_default().iter().map(|s| lang.label("subject", s.code())).collect::<Vec<_>>().join("、")
}

fn grade_choices(lang: Lang, current: &str, with_empty: Option<&'static str>) -> Vec<Choice> {
    let mut v: Vec<Choice> = with_empty.map(|l| Choice::new("", l, current)).into_iter().collect();
    v.extend(GRADES.map(|g| Choice::new(g, grade_text(lang, g), current)));
    v
}

fn subject_boxes(lang: Lang, selected: &[String]) -> Vec<Choice> {
    Subject::ALL
        .iter()
        .map(|s| Choice { value: s.code().into(), label: lang.label("subject", s.code()).into(), selected: selected.iter().any(|x| x == s.code()) })
        .collect()
}

fn category_choices(lang: Lang, current: &str, empty: &'static str) -> Vec<Choice> {
    let mut v = vec![Choice::new("", empty, current)];
    v.extend(ChildCategory::ALL.iter().map(|k| Choice::new(k.code(), lang.label("child_category", k.code()), current)));
    v
}

/// The townships the user may choose: a township's task force only its own.
async fn township_choices(s: &AppState, user: &PageUser, current: &str, empty: &'static str) -> Result<Vec<Choice>, AppError> {
    let mut v = vec![Choice::new("", empty, current)];
    let all = registry::list_townships(&s.db, &user.actor).await?;
    v.extend(all.iter().filter(|t| user.actor.role != Role::Township || Some(t.id) == user.actor.township_id).map(|t| Choice::new(t.id, &t.name, current)));
    Ok(v)
}

fn is_manager(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader | Role::Township)
}

fn runs_programme(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader)
}

fn with_status(mut response: Response, errors: &FormErrors) -> Response {
    if errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// The subjects ticked in a form (checkboxes named `subject_CODE`).
fn ticked(extra: &HashMap<String, String>) -> Vec<String> {
    Subject::ALL.iter().filter(|s| extra.contains_key(&format!("subject_{}", s.code()))).map(|s| s.code().to_string()).collect()
}

// ---- overview ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "tutoring/overview.html")]
struct OverviewPage {
    c: Chrome,
    f: TutoringFigures,
    may_compute: bool,
    notice: String,
}

/// What the overview says after a run.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct OverviewQuery {
    /// proposals of the run just made
    pub proposed: Option<i64>,
    pub cost: Option<i64>,
    pub unpaired: Option<i64>,
}

#[utoipa::path(get, path = "/tutoring", tag = "pages", params(OverviewQuery),
    responses((status = 200, description = "the programme's figures", body = String, content_type = "text/html"), (status = 303, description = "a volunteer to its own pairings")))]
pub async fn overview_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<OverviewQuery>) -> Result<Response, AppError> {
    if user.actor.role == Role::Volunteer {
        return Ok(Redirect::to("/tutoring/mine").into_response());
    }
    let f = uc::figures(&s.db, &user.actor).await?;
    let notice = match (q.proposed, q.cost, q.unpaired) {
        (Some(p), Some(c), Some(u)) => {
            format!("{} {p}，{} {c}，{} {u}", lang.t("tutoring.computed"), lang.t("tutoring.total_cost"), lang.t("tutoring.unpaired"))
        }
        _ => String::new(),
    };
    render(&OverviewPage { c: chrome(&s, &user, lang, "/tutoring").await, f, may_compute: runs_programme(user.actor.role), notice })
}

// ---- pairings ----------------------------------------------------------------

/// A pairing as a row of a list.
pub struct PairingRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub volunteer: String,
    pub school: String,
    pub child_id: i64,
    pub child: String,
    pub grade: &'static str,
    pub category: &'static str,
    pub village: String,
    pub needs: String,
    pub status: String,
    pub status_label: &'static str,
    pub origin: &'static str,
    pub place: &'static str,
    pub place_code: String,
    pub subjects_fit: String,
    pub grade_fits: bool,
    pub cost: i64,
    pub sessions: i64,
    pub minutes: i64,
}

fn pairing_row(lang: Lang, p: Pairing) -> PairingRow {
    PairingRow {
        id: p.id,
        volunteer_id: p.volunteer_id,
        volunteer: p.volunteer_name,
        school: p.school,
        child_id: p.child_id,
        child: p.child_name,
        grade: grade_text(lang, p.child_grade),
        category: lang.label("child_category", &p.child_category),
        village: format!("{}·{}", p.child_township_name, p.child_village),
        needs: subjects_text(lang, &p.child_subjects),
        status_label: lang.label("pairing_status", &p.status),
        status: p.status,
        origin: lang.label("origin", &p.origin),
        place: lang.label("place", &p.place),
        place_code: p.place,
        subjects_fit: format!("{}/{}", p.subjects_covered, p.subjects_needed),
        grade_fits: p.grade_fits == 1,
        cost: p.cost,
        sessions: p.sessions,
        minutes: p.minutes,
    }
}

#[derive(Template)]
#[template(path = "tutoring/pairings.html")]
struct PairingsPage {
    c: Chrome,
    rows: Vec<PairingRow>,
    pager: Pager,
    q: String,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    townships: Vec<Choice>,
    may_compute: bool,
    may_decide: bool,
    proposed: i64,
}

#[utoipa::path(get, path = "/tutoring/pairings", tag = "pages", params(PairingQuery),
    responses((status = 200, description = "pairings in the user's scope, filtered and paginated", body = String, content_type = "text/html")))]
pub async fn pairings_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<PairingQuery>) -> Result<Response, AppError> {
    let page = uc::list_pairings(&s.db, &user.actor, &q).await?;
    let status = q.status.clone().unwrap_or_default();
    let category = q.category.clone().unwrap_or_default();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let params = [("status", status.clone()), ("category", category.clone()), ("township_id", township.clone()), ("q", q.q.clone().unwrap_or_default())];
    let pager = Pager::new(&page, "/tutoring/pairings", &params);
    let all = lang.t("common.all");
    let mut statuses = vec![Choice::new("", all, &status)];
    statuses.extend(["proposed", "accepted", "ended"].iter().map(|st| Choice::new(st, lang.label("pairing_status", st), &status)));
    let role = user.actor.role;
    let proposed = if is_manager(role) {
        uc::list_pairings(&s.db, &user.actor, &PairingQuery { status: Some("proposed".into()), per_page: Some(1), ..PairingQuery::default() }).await?.total
    } else {
        0
    };
    render(&PairingsPage {
        c: chrome(&s, &user, lang, "/tutoring/pairings").await,
        rows: page.items.into_iter().map(|p| pairing_row(lang, p)).collect(),
        pager,
        q: q.q.clone().unwrap_or_default(),
        statuses,
        categories: category_choices(lang, &category, all),
        townships: township_choices(&s, &user, &township, all).await?,
        may_compute: runs_programme(role),
        may_decide: is_manager(role),
        proposed,
    })
}

#[utoipa::path(post, path = "/tutoring/pairings/compute", tag = "pages",
    responses((status = 303, description = "recomputed; to the overview with the run's figures"), (status = 403, description = "not the leader or admin", body = String, content_type = "text/html")))]
pub async fn compute_pairings(State(s): State<AppState>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    let run = uc::compute_pairings(&s.work(), &form.user.actor).await?;
    Ok(Redirect::to(&format!("/tutoring?proposed={}&cost={}&unpaired={}", run.proposed.len(), run.total_cost, run.unpaired.len())).into_response())
}

#[utoipa::path(post, path = "/tutoring/pairings/accept-all", tag = "pages",
    responses((status = 303, description = "every open proposal in scope accepted")))]
pub async fn accept_all(State(s): State<AppState>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    let ids = uc::proposed_ids(&s.db, &form.user.actor).await?;
    uc::accept_pairings(&s.work(), &form.user.actor, &ids).await?;
    Ok(Redirect::to("/tutoring/pairings?status=accepted").into_response())
}

#[derive(Template)]
#[template(path = "tutoring/pairing.html")]
struct PairingPage {
    c: Chrome,
    p: PairingRow,
    accepted_at: String,
    ended: String,
    sessions: Vec<SessionRow>,
    may_decide: bool,
    may_log: bool,
    f: SessionForm,
    topics: Vec<Choice>,
    end_reason: String,
    errors: FormErrors,
}

/// A session as a row.
pub struct SessionRow {
    pub held_on: String,
    pub minutes: i64,
    pub topic: &'static str,
    pub note: String,
}

fn session_row(lang: Lang, t: TutoringSession) -> SessionRow {
    SessionRow { held_on: t.held_on, minutes: t.minutes, topic: lang.label("topic", &t.topic), note: t.note }
}

/// The session form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub note: String,
}

async fn pairing_view(
    s: &AppState,
    user: &PageUser,
    lang: Lang,
    id: i64,
    f: SessionForm,
    end_reason: String,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let detail = uc::get_pairing(&s.db, &user.actor, id).await?;
    let p = detail.pairing;
    let accepted_at = p.accepted_at.as_deref().map(display_time).unwrap_or_default();
    let ended = p.ended_at.as_deref().map(|e| format!("{}（{}）", display_time(e), p.end_reason)).unwrap_or_default();
    let role = user.actor.role;
    let may_log = p.status == "accepted" && matches!(role, Role::Volunteer | Role::Admin | Role::Leader | Role::Township);
    let topics = SessionTopic::ALL.iter().map(|t| Choice::new(t.code(), lang.label("topic", t.code()), &f.topic)).collect();
    let nav = if role == Role::Volunteer { "/tutoring/mine" } else { "/tutoring/pairings" };
    let page = PairingPage {
        c: chrome(s, user, lang, nav).await,
        accepted_at,
        ended,
        sessions: detail.sessions.into_iter().map(|t| session_row(lang, t)).collect(),
        may_decide: is_manager(role) && p.status != "ended",
        may_log,
        p: pairing_row(lang, p),
        f,
        topics,
        end_reason,
        errors,
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/tutoring/pairings/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "a pairing with its sessions and the forms the user may use", body = String, content_type = "text/html")))]
pub async fn pairing_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let today = crate::app::clock::date_text(s.work().today());
    pairing_view(&s, &user, lang, id, SessionForm { held_on: today, minutes: "60".into(), ..SessionForm::default() }, String::new(), FormErrors::default())
        .await
}

#[utoipa::path(post, path = "/tutoring/pairings/{id}/accept", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "accepted; back to the pairing")))]
pub async fn accept_pairing(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::accept_pairings(&s.work(), &form.user.actor, &[id]).await?;
    Ok(Redirect::to(&format!("/tutoring/pairings/{id}")).into_response())
}

/// The end form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/tutoring/pairings/{id}/end", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "ended"), (status = 422, description = "the page again, with the message", body = String, content_type = "text/html")))]
pub async fn end_pairing(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<EndForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::end_pairing(&s.work(), &user.actor, id, &EndInput { reason: f.reason.clone() }).await {
        Ok(_) => Ok(Redirect::to(&format!("/tutoring/pairings/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app_error(e)?;
            pairing_view(&s, &user, lang, id, SessionForm::default(), f.reason, errors).await
        }
    }
}

#[utoipa::path(post, path = "/tutoring/pairings/{id}/sessions", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "logged; back to the pairing"), (status = 422, description = "the page again, with the message beside each bad field", body = String, content_type = "text/html")))]
pub async fn log_session(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<SessionForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = SessionInput { held_on: f.held_on.clone(), minutes: num(&f.minutes), topic: f.topic.clone(), note: f.note.clone() };
    match uc::log_session(&s.work(), &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/tutoring/pairings/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app_error(e)?;
            pairing_view(&s, &user, lang, id, f, String::new(), errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "tutoring/mine.html")]
struct MinePage {
    c: Chrome,
    bound: bool,
    rows: Vec<PairingRow>,
    volunteer: Option<Volunteer>,
}

#[utoipa::path(get, path = "/tutoring/mine", tag = "pages",
    responses((status = 200, description = "a volunteer's own pairings", body = String, content_type = "text/html"), (status = 303, description = "others to the pairing list")))]
pub async fn my_pairings_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    if user.actor.role != Role::Volunteer {
        return Ok(Redirect::to("/tutoring/pairings").into_response());
    }
    let own = uc::list_volunteers(&s.db, &user.actor, Default::default(), &PageRequest { page: None, per_page: None }).await?;
    let volunteer = own.items.into_iter().next();
    let q = PairingQuery { per_page: Some(PageRequest::MAX_PER_PAGE), ..PairingQuery::default() };
    let rows = uc::list_pairings(&s.db, &user.actor, &q).await?.items.into_iter().filter(|p| p.status != "proposed").map(|p| pairing_row(lang, p)).collect();
    render(&MinePage { c: chrome(&s, &user, lang, "/tutoring/mine").await, bound: volunteer.is_some(), rows, volunteer })
}

/// The manual pairing form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct PairForm {
    #[serde(default)]
    pub volunteer_id: String,
    #[serde(default)]
    pub child_id: String,
}

#[derive(Template)]
#[template(path = "tutoring/pair_new.html")]
struct PairNewPage {
    c: Chrome,
    volunteers: Vec<Choice>,
    children: Vec<Choice>,
    errors: FormErrors,
}

async fn pair_form(s: &AppState, user: &PageUser, lang: Lang, f: PairForm, errors: FormErrors) -> Result<Response, AppError> {
    let all = PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) };
    let free = crate::store::tutoring::VolunteerFilter { has_place: Some(true), ..Default::default() };
    let mut volunteers = vec![Choice::new("", lang.t("tutoring.choose"), &f.volunteer_id)];
    volunteers.extend(
        uc::list_volunteers(&s.db, &user.actor, free, &all)
            .await?
            .items
            .iter()
            .map(|v| Choice::new(v.id, format!("{}（{}·{}，{}）", v.name, v.township_name, v.village, subjects_text(lang, &v.subjects)), &f.volunteer_id)),
    );
    let unpaired = crate::store::tutoring::ChildFilter { paired: Some(false), ..Default::default() };
    let mut children = vec![Choice::new("", lang.t("tutoring.choose"), &f.child_id)];
    children.extend(uc::list_children(&s.db, &user.actor, unpaired, &all).await?.items.iter().map(|c| {
        Choice::new(
            c.id,
            format!("{}（{}，{}·{}，{}）", c.name, grade_label(c.grade), c.township_name, c.village, lang.label("child_category", &c.category)),
            &f.child_id,
        )
    }));
    let page = PairNewPage { c: chrome(s, user, lang, "/tutoring/pairings").await, volunteers, children, errors };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/tutoring/pairings/new", tag = "pages", responses((status = 200, description = "the form to pair by hand", body = String, content_type = "text/html")))]
pub async fn new_pairing(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    pair_form(&s, &user, lang, PairForm::default(), FormErrors::default()).await
}

#[utoipa::path(post, path = "/tutoring/pairings", tag = "pages",
    responses((status = 303, description = "paired; to the pairing"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn pair_by_hand(State(s): State<AppState>, lang: Lang, form: CsrfForm<PairForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::pair_by_hand(&s.work(), &user.actor, &PairingInput { volunteer_id: num(&f.volunteer_id), child_id: num(&f.child_id) }).await {
        Ok(p) => Ok(Redirect::to(&format!("/tutoring/pairings/{}", p.id)).into_response()),
        Err(e) => pair_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

// ---- rules -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "tutoring/rules.html")]
struct RulesPage {
    c: Chrome,
    rules: Vec<(PairingRule, &'static str)>,
    volunteers: Vec<Choice>,
    children: Vec<Choice>,
    kinds: Vec<Choice>,
    f: RuleForm,
    errors: FormErrors,
    may_edit: bool,
}

/// The rule form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    pub volunteer_id: String,
    #[serde(default)]
    pub child_id: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub note: String,
}

async fn rules_view(s: &AppState, user: &PageUser, lang: Lang, f: RuleForm, errors: FormErrors) -> Result<Response, AppError> {
    let rules = uc::list_rules(&s.db, &user.actor).await?.into_iter().map(|r| {
        let label = lang.label("rule", &r.rule);
        (r, label)
    });
    let all = PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) };
    let mut volunteers = vec![Choice::new("", lang.t("tutoring.choose"), &f.volunteer_id)];
    volunteers.extend(
        uc::list_volunteers(&s.db, &user.actor, Default::default(), &all)
            .await?
            .items
            .iter()
            .map(|v| Choice::new(v.id, format!("{}（{}）", v.name, v.village), &f.volunteer_id)),
    );
    let mut children = vec![Choice::new("", lang.t("tutoring.choose"), &f.child_id)];
    children.extend(
        uc::list_children(&s.db, &user.actor, Default::default(), &all)
            .await?
            .items
            .iter()
            .map(|c| Choice::new(c.id, format!("{}（{}）", c.name, c.village), &f.child_id)),
    );
    let kinds = ["pin", "forbid"].iter().map(|k| Choice::new(k, lang.label("rule", k), &f.rule)).collect();
    let page = RulesPage {
        c: chrome(s, user, lang, "/tutoring/rules").await,
        rules: rules.collect(),
        volunteers,
        children,
        kinds,
        f,
        errors,
        may_edit: runs_programme(user.actor.role),
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/tutoring/rules", tag = "pages", responses((status = 200, description = "pins and bans of the pairing run", body = String, content_type = "text/html")))]
pub async fn rules_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    rules_view(&s, &user, lang, RuleForm { rule: "pin".into(), ..RuleForm::default() }, FormErrors::default()).await
}

#[utoipa::path(post, path = "/tutoring/rules", tag = "pages",
    responses((status = 303, description = "added"), (status = 422, description = "the page again, with messages", body = String, content_type = "text/html")))]
pub async fn create_rule(State(s): State<AppState>, lang: Lang, form: CsrfForm<RuleForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = RuleInput { volunteer_id: num(&f.volunteer_id), child_id: num(&f.child_id), rule: f.rule.clone(), note: f.note.clone() };
    match uc::create_rule(&s.work(), &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/tutoring/rules").into_response()),
        Err(e) => rules_view(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(post, path = "/tutoring/rules/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "deleted")))]
pub async fn delete_rule(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::delete_rule(&s.work(), &form.user.actor, id).await?;
    Ok(Redirect::to("/tutoring/rules").into_response())
}

// ---- village locations -------------------------------------------------------

#[derive(Template)]
#[template(path = "tutoring/villages.html")]
struct VillagesPage {
    c: Chrome,
    villages: Vec<VillageLocation>,
    townships: Vec<Choice>,
    f: VillageForm,
    errors: FormErrors,
}

/// The coordinates form as posted (and as a village's "set" link fills it).
#[derive(Debug, Default, Deserialize)]
pub struct VillageForm {
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
}

async fn villages_view(s: &AppState, user: &PageUser, lang: Lang, f: VillageForm, errors: FormErrors) -> Result<Response, AppError> {
    let villages = uc::list_villages(&s.db, &user.actor).await?;
    let page = VillagesPage {
        c: chrome(s, user, lang, "/tutoring/villages").await,
        villages,
        townships: township_choices(s, user, &f.township_id, lang.t("tutoring.choose")).await?,
        f,
        errors,
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/tutoring/villages", tag = "pages",
    responses((status = 200, description = "the villages of volunteers and children and their coordinates, which grade the distance between townships", body = String, content_type = "text/html")))]
pub async fn villages_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(f): ApiQuery<VillageForm>) -> Result<Response, AppError> {
    villages_view(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/tutoring/villages", tag = "pages",
    responses((status = 303, description = "saved"), (status = 422, description = "the page again, with messages", body = String, content_type = "text/html")))]
pub async fn set_village_location(State(s): State<AppState>, lang: Lang, form: CsrfForm<VillageForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    // a coordinate that is not a number is named here; the use case checks the rest
    let mut bad = Vec::new();
    let mut coordinate = |field: &'static str, text: &str| match text.trim() {
        "" => None,
        t => t.parse::<f64>().map_err(|_| bad.push(crate::domain::FieldError::new(field, lang.t("tutoring.not_a_number")))).ok(),
    };
    let (latitude, longitude) = (coordinate("latitude", &f.latitude), coordinate("longitude", &f.longitude));
    let input = VillageLocationInput { township_id: num(&f.township_id), village: f.village.clone(), latitude, longitude };
    let outcome = if bad.is_empty() { uc::set_village_location(&s.work(), &user.actor, &input).await.map(|_| ()) } else { Err(AppError::Validation(bad)) };
    match outcome {
        Ok(()) => Ok(Redirect::to("/tutoring/villages").into_response()),
        Err(e) => villages_view(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

// ---- volunteers --------------------------------------------------------------

/// A volunteer as a row.
pub struct VolunteerRow {
    pub id: i64,
    pub name: String,
    pub school: String,
    pub subjects: String,
    pub grades: String,
    pub place: String,
    pub availability: String,
    pub capacity: i64,
    pub paired: i64,
    pub active: bool,
}

fn volunteer_row(lang: Lang, v: &Volunteer) -> VolunteerRow {
    VolunteerRow {
        id: v.id,
        name: v.name.clone(),
        school: v.school.clone(),
        subjects: subjects_text(lang, &v.subjects),
        grades: format!("{}–{}", grade_text(lang, v.grade_min), grade_text(lang, v.grade_max)),
        place: format!("{}·{}", v.township_name, v.village),
        availability: v.availability.clone(),
        capacity: v.capacity,
        paired: v.paired,
        active: v.active == 1,
    }
}

#[derive(Template)]
#[template(path = "tutoring/volunteers.html")]
struct VolunteersPage {
    c: Chrome,
    rows: Vec<VolunteerRow>,
    pager: Pager,
    q: String,
    townships: Vec<Choice>,
    subjects: Vec<Choice>,
    places: Vec<Choice>,
    may_edit: bool,
}

#[utoipa::path(get, path = "/tutoring/volunteers", tag = "pages", params(VolunteerQuery),
    responses((status = 200, description = "volunteers, filtered and paginated", body = String, content_type = "text/html")))]
pub async fn volunteers_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<VolunteerQuery>) -> Result<Response, AppError> {
    if user.actor.role == Role::Volunteer {
        return Ok(Redirect::to("/tutoring/mine").into_response());
    }
    let (filter, page_req) = q.filter();
    let page = uc::list_volunteers(&s.db, &user.actor, filter, &page_req).await?;
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let subject = q.subject.clone().unwrap_or_default();
    let has_place = q.has_place.map(|b| b.to_string()).unwrap_or_default();
    let params = [("q", q.q.clone().unwrap_or_default()), ("township_id", township.clone()), ("subject", subject.clone()), ("has_place", has_place.clone())];
    let pager = Pager::new(&page, "/tutoring/volunteers", &params);
    let all = lang.t("common.all");
    let mut subjects = vec![Choice::new("", all, &subject)];
    subjects.extend(Subject::ALL.iter().map(|x| Choice::new(x.code(), lang.label("subject", x.code()), &subject)));
    let places = vec![
        Choice::new("", all, &has_place),
        Choice::new("true", lang.t("tutoring.has_place_yes"), &has_place),
        Choice::new("false", lang.t("tutoring.has_place_no"), &has_place),
    ];
    render(&VolunteersPage {
        c: chrome(&s, &user, lang, "/tutoring/volunteers").await,
        rows: page.items.iter().map(|v| volunteer_row(lang, v)).collect(),
        pager,
        q: q.q.clone().unwrap_or_default(),
        townships: township_choices(&s, &user, &township, all).await?,
        subjects,
        places,
        may_edit: is_manager(user.actor.role),
    })
}

#[derive(Template)]
#[template(path = "tutoring/volunteer.html")]
struct VolunteerPage {
    c: Chrome,
    v: VolunteerRow,
    phone: String,
    pairings: Vec<PairingRow>,
    may_edit: bool,
}

#[utoipa::path(get, path = "/tutoring/volunteers/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "a volunteer with its pairings", body = String, content_type = "text/html")))]
pub async fn volunteer_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let v = uc::get_volunteer(&s.db, &user.actor, id).await?;
    let q = PairingQuery { volunteer_id: Some(id), per_page: Some(PageRequest::MAX_PER_PAGE), ..PairingQuery::default() };
    let pairings = uc::list_pairings(&s.db, &user.actor, &q).await?.items.into_iter().map(|p| pairing_row(lang, p)).collect();
    render(&VolunteerPage {
        c: chrome(&s, &user, lang, "/tutoring/volunteers").await,
        phone: v.phone.clone(),
        v: volunteer_row(lang, &v),
        pairings,
        may_edit: is_manager(user.actor.role),
    })
}

/// The volunteer form as posted: text throughout, the subjects as checkboxes `subject_CODE`.
#[derive(Default, Deserialize)]
pub struct VolunteerForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub grade_min: String,
    #[serde(default)]
    pub grade_max: String,
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub availability: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub active: String,
    #[serde(default)]
    pub version: String,
    #[serde(flatten)]
    pub extra: HashMap<String, String>,
}

crate::debug_without_pii!(VolunteerForm { township_id, version });

impl VolunteerForm {
    fn of(v: &Volunteer) -> Self {
        let mut extra = HashMap::new();
        for s in SubjectSet::parse([v.subjects.as_str()]).unwrap_or_default().iter() {
            extra.insert(format!("subject_{}", s.code()), "on".to_string());
        }
        VolunteerForm {
            name: v.name.clone(),
            school: v.school.clone(),
            phone: v.phone.clone(),
            grade_min: v.grade_min.to_string(),
            grade_max: v.grade_max.to_string(),
            township_id: v.township_id.to_string(),
            village: v.village.clone(),
            availability: v.availability.clone(),
            capacity: v.capacity.to_string(),
            active: if v.active == 1 { "on".into() } else { String::new() },
            version: v.version.to_string(),
            extra,
        }
    }

    fn input(&self) -> VolunteerInput {
        VolunteerInput {
            name: self.name.clone(),
            school: self.school.clone(),
            phone: self.phone.clone(),
            subjects: ticked(&self.extra),
            grade_min: num(&self.grade_min),
            grade_max: num(&self.grade_max),
            township_id: num(&self.township_id),
            village: self.village.clone(),
            availability: self.availability.clone(),
            capacity: num(&self.capacity),
            active: Some(!self.active.is_empty()),
            version: num(&self.version),
        }
    }
}

#[derive(Template)]
#[template(path = "tutoring/volunteer_form.html")]
struct VolunteerFormPage {
    c: Chrome,
    title: &'static str,
    action: String,
    cancel: String,
    f: VolunteerForm,
    errors: FormErrors,
    townships: Vec<Choice>,
    subjects: Vec<Choice>,
    grades_min: Vec<Choice>,
    grades_max: Vec<Choice>,
    capacities: Vec<Choice>,
}

async fn volunteer_form(s: &AppState, user: &PageUser, lang: Lang, id: Option<i64>, f: VolunteerForm, errors: FormErrors) -> Result<Response, AppError> {
    let (title, action, cancel) = match id {
        Some(id) => (lang.t("tutoring.edit_volunteer"), format!("/tutoring/volunteers/{id}"), format!("/tutoring/volunteers/{id}")),
        None => (lang.t("tutoring.new_volunteer"), "/tutoring/volunteers".to_string(), "/tutoring/volunteers".to_string()),
    };
    let page = VolunteerFormPage {
        c: chrome(s, user, lang, "/tutoring/volunteers").await,
        title,
        action,
        cancel,
        townships: township_choices(s, user, &f.township_id, "—").await?,
        subjects: subject_boxes(lang, &ticked(&f.extra)),
        grades_min: grade_choices(lang, &f.grade_min, Some("—")),
        grades_max: grade_choices(lang, &f.grade_max, Some("—")),
        capacities: (1..=5).map(|n| Choice::new(n, n, &f.capacity)).collect(),
        f,
        errors,
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/tutoring/volunteers/new", tag = "pages", responses((status = 200, description = "the form for a new volunteer", body = String, content_type = "text/html")))]
pub async fn new_volunteer(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let f = VolunteerForm {
        township_id: user.actor.township_id.map(|t| t.to_string()).unwrap_or_default(),
        grade_min: "1".into(),
        grade_max: "9".into(),
        capacity: "1".into(),
        active: "on".into(),
        ..VolunteerForm::default()
    };
    volunteer_form(&s, &user, lang, None, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/tutoring/volunteers", tag = "pages",
    responses((status = 303, description = "registered; to its page"), (status = 422, description = "the form again, with the message beside each bad field", body = String, content_type = "text/html")))]
pub async fn create_volunteer(State(s): State<AppState>, lang: Lang, form: CsrfForm<VolunteerForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::create_volunteer(&s.work(), &user.actor, &f.input()).await {
        Ok(v) => Ok(Redirect::to(&format!("/tutoring/volunteers/{}", v.id)).into_response()),
        Err(e) => volunteer_form(&s, &user, lang, None, f, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/tutoring/volunteers/{id}/edit", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the form to change a volunteer", body = String, content_type = "text/html")))]
pub async fn edit_volunteer(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let v = uc::get_volunteer(&s.db, &user.actor, id).await?;
    volunteer_form(&s, &user, lang, Some(id), VolunteerForm::of(&v), FormErrors::default()).await
}

#[utoipa::path(post, path = "/tutoring/volunteers/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "saved; to its page"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_volunteer(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<VolunteerForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::update_volunteer(&s.work(), &user.actor, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/tutoring/volunteers/{id}")).into_response()),
        Err(e) => volunteer_form(&s, &user, lang, Some(id), f, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/tutoring/volunteers/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_volunteer(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let v = uc::get_volunteer(&s.db, &user.actor, id).await?;
    render(&ConfirmPage {
        c: chrome(&s, &user, lang, "/tutoring/volunteers").await,
        title: v.name,
        question: lang.t("tutoring.delete_volunteer_question"),
        action: format!("/tutoring/volunteers/{id}/delete"),
        cancel: format!("/tutoring/volunteers/{id}"),
        csrf: user.csrf.clone(),
    })
}

#[utoipa::path(post, path = "/tutoring/volunteers/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "deleted; to the list"), (status = 409, description = "it has pairings", body = String, content_type = "text/html")))]
pub async fn delete_volunteer(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::delete_volunteer(&s.work(), &form.user.actor, id).await?;
    Ok(Redirect::to("/tutoring/volunteers").into_response())
}

// ---- children ----------------------------------------------------------------

/// A child as a row.
pub struct ChildRow {
    pub id: i64,
    pub name: String,
    pub grade: &'static str,
    pub needs: String,
    pub category: &'static str,
    pub priority: bool,
    pub place: String,
    pub guardian: String,
    pub pairing_id: Option<i64>,
    pub volunteer: String,
}

fn child_row(lang: Lang, c: &Child) -> ChildRow {
    ChildRow {
        id: c.id,
        name: c.name.clone(),
        grade: grade_text(lang, c.grade),
        needs: subjects_text(lang, &c.subjects),
        category: lang.label("child_category", &c.category),
        priority: ChildCategory::parse(&c.category).is_some_and(ChildCategory::is_priority),
        place: format!("{}·{}", c.township_name, c.village),
        guardian: c.guardian.clone(),
        pairing_id: c.pairing_id,
        volunteer: c.volunteer_name.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "tutoring/children.html")]
struct ChildrenPage {
    c: Chrome,
    rows: Vec<ChildRow>,
    pager: Pager,
    q: String,
    townships: Vec<Choice>,
    categories: Vec<Choice>,
    grades: Vec<Choice>,
    paired: Vec<Choice>,
    may_edit: bool,
}

#[utoipa::path(get, path = "/tutoring/children", tag = "pages", params(ChildQuery),
    responses((status = 200, description = "children to help, filtered and paginated", body = String, content_type = "text/html")))]
pub async fn children_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<ChildQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter();
    let page = uc::list_children(&s.db, &user.actor, filter, &page_req).await?;
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let category = q.category.clone().unwrap_or_default();
    let grade = q.grade.map(|g| g.to_string()).unwrap_or_default();
    let paired = q.paired.map(|b| b.to_string()).unwrap_or_default();
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        ("township_id", township.clone()),
        ("category", category.clone()),
        ("grade", grade.clone()),
        ("paired", paired.clone()),
    ];
    let pager = Pager::new(&page, "/tutoring/children", &params);
    let all = lang.t("common.all");
    let paired_choices = vec![
        Choice::new("", all, &paired),
        Choice::new("true", lang.t("tutoring.paired_yes"), &paired),
        Choice::new("false", lang.t("tutoring.paired_no"), &paired),
    ];
    render(&ChildrenPage {
        c: chrome(&s, &user, lang, "/tutoring/children").await,
        rows: page.items.iter().map(|c| child_row(lang, c)).collect(),
        pager,
        q: q.q.clone().unwrap_or_default(),
        townships: township_choices(&s, &user, &township, all).await?,
        categories: category_choices(lang, &category, all),
        grades: grade_choices(lang, &grade, Some(all)),
        paired: paired_choices,
        may_edit: is_manager(user.actor.role),
    })
}

#[derive(Template)]
#[template(path = "tutoring/child.html")]
struct ChildPage {
    c: Chrome,
    k: ChildRow,
    phone: String,
    pairings: Vec<PairingRow>,
    may_edit: bool,
}

#[utoipa::path(get, path = "/tutoring/children/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "a child with its pairings", body = String, content_type = "text/html")))]
pub async fn child_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let child = uc::get_child(&s.db, &user.actor, id).await?;
    let q = PairingQuery { child_id: Some(id), per_page: Some(PageRequest::MAX_PER_PAGE), ..PairingQuery::default() };
    let pairings = uc::list_pairings(&s.db, &user.actor, &q).await?.items.into_iter().map(|p| pairing_row(lang, p)).collect();
    render(&ChildPage {
        c: chrome(&s, &user, lang, "/tutoring/children").await,
        phone: child.guardian_phone.clone(),
        k: child_row(lang, &child),
        pairings,
        may_edit: is_manager(user.actor.role),
    })
}

/// The child form as posted.
#[derive(Default, Deserialize)]
pub struct ChildForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub guardian: String,
    #[serde(default)]
    pub guardian_phone: String,
    #[serde(default)]
    pub version: String,
    #[serde(flatten)]
    pub extra: HashMap<String, String>,
}

crate::debug_without_pii!(ChildForm { township_id, version });

impl ChildForm {
    fn of(c: &Child) -> Self {
        let extra = SubjectSet::parse([c.subjects.as_str()]).unwrap_or_default().iter().map(|s| (format!("subject_{}", s.code()), "on".to_string())).collect();
        ChildForm {
            name: c.name.clone(),
            grade: c.grade.to_string(),
            category: c.category.clone(),
            township_id: c.township_id.to_string(),
            village: c.village.clone(),
            guardian: c.guardian.clone(),
            guardian_phone: c.guardian_phone.clone(),
            version: c.version.to_string(),
            extra,
        }
    }

    fn input(&self) -> ChildInput {
        ChildInput {
            name: self.name.clone(),
            grade: num(&self.grade),
            subjects: ticked(&self.extra),
            category: self.category.clone(),
            township_id: num(&self.township_id),
            village: self.village.clone(),
            guardian: self.guardian.clone(),
            guardian_phone: self.guardian_phone.clone(),
            version: num(&self.version),
        }
    }
}

#[derive(Template)]
#[template(path = "tutoring/child_form.html")]
struct ChildFormPage {
    c: Chrome,
    title: &'static str,
    action: String,
    cancel: String,
    f: ChildForm,
    errors: FormErrors,
    townships: Vec<Choice>,
    subjects: Vec<Choice>,
    grades: Vec<Choice>,
    categories: Vec<Choice>,
}

async fn child_form(s: &AppState, user: &PageUser, lang: Lang, id: Option<i64>, f: ChildForm, errors: FormErrors) -> Result<Response, AppError> {
    let (title, action, cancel) = match id {
        Some(id) => (lang.t("tutoring.edit_child"), format!("/tutoring/children/{id}"), format!("/tutoring/children/{id}")),
        None => (lang.t("tutoring.new_child"), "/tutoring/children".to_string(), "/tutoring/children".to_string()),
    };
    let page = ChildFormPage {
        c: chrome(s, user, lang, "/tutoring/children").await,
        title,
        action,
        cancel,
        townships: township_choices(s, user, &f.township_id, "—").await?,
        subjects: subject_boxes(lang, &ticked(&f.extra)),
        grades: grade_choices(lang, &f.grade, Some("—")),
        categories: category_choices(lang, &f.category, "—"),
        f,
        errors,
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/tutoring/children/new", tag = "pages", responses((status = 200, description = "the form for a new child", body = String, content_type = "text/html")))]
pub async fn new_child(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    user.actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let f = ChildForm { township_id: user.actor.township_id.map(|t| t.to_string()).unwrap_or_default(), ..ChildForm::default() };
    child_form(&s, &user, lang, None, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/tutoring/children", tag = "pages",
    responses((status = 303, description = "registered; to its page"), (status = 422, description = "the form again, with the message beside each bad field", body = String, content_type = "text/html")))]
pub async fn create_child(State(s): State<AppState>, lang: Lang, form: CsrfForm<ChildForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::create_child(&s.work(), &user.actor, &f.input()).await {
        Ok(c) => Ok(Redirect::to(&format!("/tutoring/children/{}", c.id)).into_response()),
        Err(e) => child_form(&s, &user, lang, None, f, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/tutoring/children/{id}/edit", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the form to change a child's record", body = String, content_type = "text/html")))]
pub async fn edit_child(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let c = uc::get_child(&s.db, &user.actor, id).await?;
    child_form(&s, &user, lang, Some(id), ChildForm::of(&c), FormErrors::default()).await
}

#[utoipa::path(post, path = "/tutoring/children/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "saved; to its page"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn update_child(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<ChildForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::update_child(&s.work(), &user.actor, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/tutoring/children/{id}")).into_response()),
        Err(e) => child_form(&s, &user, lang, Some(id), f, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/tutoring/children/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_child(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let c = uc::get_child(&s.db, &user.actor, id).await?;
    render(&ConfirmPage {
        c: chrome(&s, &user, lang, "/tutoring/children").await,
        title: c.name,
        question: lang.t("tutoring.delete_child_question"),
        action: format!("/tutoring/children/{id}/delete"),
        cancel: format!("/tutoring/children/{id}"),
        csrf: user.csrf.clone(),
    })
}

#[utoipa::path(post, path = "/tutoring/children/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "deleted; to the list"), (status = 409, description = "it has pairings", body = String, content_type = "text/html")))]
pub async fn delete_child(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    uc::delete_child(&s.work(), &form.user.actor, id).await?;
    Ok(Redirect::to("/tutoring/children").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_words() {
        for s in Subject::ALL {
            assert_eq!(Lang::Zh.label("subject", s.code()), s.label());
        }
        for c in ChildCategory::ALL {
            assert_eq!(Lang::Zh.label("child_category", c.code()), c.label());
        }
        for t in SessionTopic::ALL {
            assert_eq!(Lang::Zh.label("topic", t.code()), t.label());
        }
        for g in GRADES {
            assert_eq!(grade_text(Lang::Zh, g), grade_label(g));
        }
    }
}
