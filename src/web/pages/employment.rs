//! Employment pages (稳就业): job postings, poor households with their members
//! and placements, the 一户一人一岗 gap list, public-welfare posts and
//! point-to-point transport batches.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Choice, Chrome, FormErrors, Pager, chinese_date, chrome, render};
use crate::app::clock::{date_text, parse_date};
use crate::app::employment::{
    self as uc, BatchInput, EndPlacementInput, Gap, GapQuery, HouseholdInput, MemberInput, MemberUpdate, PassengerInput, PlacementInput, PostingInput,
    PostingStatusInput, WelfarePostInput,
};
use crate::app::registry;
use crate::domain::employment::{EmploymentStatus, HealthCode, PostingStatus, Temperature};
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::PageRequest;
use crate::store::employment::{Household, JobPosting, Member, Passenger, Placement, PostingFilter, TransportBatch, WelfarePost};
use crate::store::registry::EnterpriseFilter;
use crate::web::AppState;
use crate::web::api::employment::{HouseholdQuery, PostingQuery, TownshipQuery};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// The employment pages, merged into the router at its capability merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(postings_page, create_posting))
        .routes(routes!(new_posting))
        .routes(routes!(posting_page))
        .routes(routes!(change_posting_status))
        .routes(routes!(households_page, create_household))
        .routes(routes!(new_household))
        .routes(routes!(household_page))
        .routes(routes!(add_member))
        .routes(routes!(update_member))
        .routes(routes!(place_member))
        .routes(routes!(confirm_end_placement, end_placement))
        .routes(routes!(gaps_page))
        .routes(routes!(welfare_posts_page, create_welfare_post))
        .routes(routes!(batches_page, create_batch))
        .routes(routes!(new_batch))
        .routes(routes!(batch_page))
}

/// The words of these pages, Chinese and English.
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.job_postings", "用工信息", "Job postings"),
    ("nav.households", "贫困户", "Poor households"),
    ("nav.gaps", "一户一人一岗", "One job per household"),
    ("nav.welfare_posts", "公益性岗位", "Welfare posts"),
    ("nav.transport", "点对点运输", "Worker transport"),
    ("posting_status.open", "招聘中", "Open"),
    ("posting_status.filled", "已招满", "Filled"),
    ("posting_status.closed", "已停止招聘", "Closed"),
    ("employment.unemployed", "未就业", "Not employed"),
    ("employment.employed", "已就业", "Employed"),
    ("health_code.green", "绿码", "Green"),
    ("health_code.yellow", "黄码", "Yellow"),
    ("health_code.red", "红码", "Red"),
    ("postings.title", "用工信息", "Job postings"),
    ("postings.mine", "本企业用工信息", "Our job postings"),
    ("postings.new", "发布用工信息", "Publish a posting"),
    ("postings.empty", "没有符合条件的用工信息。企业可发布用工需求。", "No posting matches. Enterprises can publish their needs."),
    ("postings.enterprise", "招聘企业", "Enterprise"),
    ("postings.post", "岗位", "Post"),
    ("postings.headcount", "招聘人数", "Places"),
    ("postings.filled", "已录用", "Hired"),
    ("postings.remaining", "空缺", "Free"),
    ("postings.pay", "薪酬待遇", "Pay"),
    ("postings.requirements", "招聘要求", "Requirements"),
    ("postings.posted_on", "发布日期", "Posted"),
    ("postings.status", "状态", "Status"),
    ("postings.place", "工作地点", "Where"),
    ("postings.keyword", "岗位或企业", "Post or enterprise"),
    ("postings.close", "停止招聘", "Stop recruiting"),
    ("postings.reopen", "恢复招聘", "Reopen"),
    ("postings.close_question", "停止招聘后该岗位不再向贫困户推荐，确定吗？", "A closed posting is no longer suggested. Close it?"),
    ("postings.placements", "录用的贫困劳动力", "Poor workers hired"),
    ("postings.no_placements", "还没有贫困劳动力通过该岗位就业。", "No poor worker hired through this posting yet."),
    ("households.title", "贫困户", "Poor households"),
    ("households.new", "登记贫困户", "Register a household"),
    ("households.empty", "没有符合条件的贫困户。可调整筛选条件，或登记贫困户。", "No household matches. Change the filters or register one."),
    ("households.head", "户主", "Head"),
    ("households.village", "所在村", "Village"),
    ("households.address", "住址", "Address"),
    ("households.notes", "备注", "Notes"),
    ("households.members", "家庭成员", "Members"),
    ("households.labour_capable", "有劳动能力", "Able to work"),
    ("households.employed", "已就业", "Employed"),
    ("households.gap", "未实现一户一岗", "No job yet"),
    ("households.ok", "已实现一户一岗", "Has a job"),
    ("households.gaps_only", "仅未实现一户一岗", "Gaps only"),
    ("households.keyword", "户主或村", "Head or village"),
    ("households.member_name", "姓名", "Name"),
    ("households.relation", "与户主关系", "Relation"),
    ("households.employment", "就业状态", "Employment"),
    ("households.employment_note", "就业情况", "Where"),
    ("households.id_number", "身份证号", "ID number"),
    ("households.yes", "有", "Yes"),
    ("households.no", "无", "No"),
    ("households.members_hint", "户主本人也请作为成员登记；不需要的行留空。", "Register the head as a member too; leave unused rows empty."),
    ("households.add_member", "添加成员", "Add a member"),
    ("households.update", "更新", "Update"),
    ("households.place", "安置就业", "Place into a job"),
    ("households.place_hint", "选择用工岗位或公益性岗位之一。", "Choose a job posting or a welfare post."),
    ("households.member", "家庭成员", "Member"),
    ("households.posting", "用工岗位", "Job posting"),
    ("households.welfare_post", "公益性岗位", "Welfare post"),
    ("households.started_on", "上岗日期", "Start date"),
    ("households.placements", "就业安置", "Placements"),
    ("households.no_placements", "还没有就业安置记录。", "No placement yet."),
    ("households.job", "岗位", "Job"),
    ("households.ended_on", "离岗日期", "End date"),
    ("households.current", "在岗", "Current"),
    ("households.end", "离岗", "End"),
    ("households.end_title", "结束就业安置", "End a placement"),
    ("households.end_question", "离岗后该成员恢复为未就业，岗位空出一个名额。确定吗？", "The member becomes unemployed and the place is freed. End it?"),
    ("households.reason", "离岗原因", "Reason"),
    ("gaps.title", "一户一人一岗缺口", "One job per household: gaps"),
    (
        "gaps.rule",
        "有劳动能力的贫困家庭至少有1人实现就业。以下贫困户有劳动能力成员但无人就业，并列出推荐岗位（本乡镇办优先，其次空缺多者）。",
        "Every poor household able to work has at least one member employed. These households have members able to work and none employed; suggested postings follow (own township first, then the most free places).",
    ),
    ("gaps.empty", "所有有劳动能力的贫困家庭都已实现至少一人就业。", "Every poor household able to work has a member employed."),
    ("gaps.suggestions", "推荐岗位", "Suggested postings"),
    ("gaps.no_suggestions", "暂无空缺岗位，可开发公益性岗位。", "No free posting: consider a welfare post."),
    ("gaps.same_township", "本乡镇办", "Own township"),
    ("welfare.title", "公益性岗位", "Public-welfare posts"),
    ("welfare.new", "开发公益性岗位", "Open a welfare post"),
    ("welfare.empty", "还没有公益性岗位。", "No welfare post yet."),
    ("welfare.name", "岗位名称", "Post"),
    ("welfare.slots", "岗位数", "Places"),
    ("welfare.filled", "已安置", "Filled"),
    ("welfare.pay", "补贴标准", "Pay"),
    ("welfare.duties", "岗位职责", "Duties"),
    ("transport.title", "点对点运输", "Point-to-point worker transport"),
    ("transport.new", "登记运输批次", "Record a trip"),
    ("transport.empty", "还没有点对点运输记录。", "No trip recorded yet."),
    ("transport.route", "线路", "Route"),
    ("transport.vehicle", "车辆", "Vehicle"),
    ("transport.departs_on", "发车日期", "Date"),
    ("transport.escort", "带队人", "Escort"),
    ("transport.passengers", "乘客", "Passengers"),
    ("transport.boarded", "检测合格上车", "Boarded"),
    ("transport.name", "姓名", "Name"),
    ("transport.id_number", "身份证号", "ID number"),
    ("transport.destination", "务工地点", "Destination"),
    ("transport.temperature", "体温（℃）", "Temperature (°C)"),
    ("transport.health_code", "健康码", "Health code"),
    ("transport.check", "健康检查", "Health check"),
    ("transport.passed", "合格", "Passed"),
    ("transport.failed", "未通过", "Failed"),
    (
        "transport.passengers_hint",
        "体温低于37.3℃且为绿码方可上车；不需要的行留空。",
        "Only passengers below 37.3 °C with a green code board; leave unused rows empty.",
    ),
];

fn choices_with_all(lang: Lang, current: &str, items: impl IntoIterator<Item = (String, String)>) -> Vec<Choice> {
    let mut out = vec![Choice::new("", lang.t("common.all"), current)];
    out.extend(items.into_iter().map(|(v, l)| Choice::new(v, l, current)));
    out
}

async fn township_choices(s: &AppState, user: &PageUser, lang: Lang, current: &str, with_all: bool) -> Result<Vec<Choice>, AppError> {
    let townships = registry::list_townships(&s.db, &user.actor)
        .await?
        .into_iter()
        .filter(|t| user.actor.role != Role::Township || Some(t.id) == user.actor.township_id)
        .map(|t| (t.id.to_string(), t.name));
    Ok(if with_all && user.actor.role != Role::Township {
        choices_with_all(lang, current, townships)
    } else {
        townships.map(|(v, l)| Choice::new(v, l, current)).collect()
    })
}

fn manages_people(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader | Role::Township)
}

fn id_or_none(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn day_label(text: &str) -> String {
    parse_date(text).map(chinese_date).unwrap_or_else(|_| text.to_string())
}

fn with_status(mut response: Response, invalid: bool) -> Result<Response, AppError> {
    if invalid {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

// ---- job postings ------------------------------------------------------------------

struct PostingRow {
    p: JobPosting,
    status: &'static str,
    posted: String,
}

fn posting_row(lang: Lang, p: JobPosting) -> PostingRow {
    PostingRow { status: lang.label("posting_status", &p.status), posted: day_label(&p.posted_on), p }
}

#[derive(Template)]
#[template(path = "employment/postings.html")]
struct PostingsPage {
    c: Chrome,
    heading: &'static str,
    rows: Vec<PostingRow>,
    pager: Pager,
    q: String,
    statuses: Vec<Choice>,
    townships: Vec<Choice>,
    may_post: bool,
}

fn may_post(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader | Role::Township | Role::Enterprise | Role::Officer)
}

#[utoipa::path(get, path = "/job-postings", tag = "pages", params(PostingQuery),
    responses((status = 200, description = "job postings (an enterprise: its own)", body = String, content_type = "text/html")))]
pub async fn postings_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<PostingQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter()?;
    let page = uc::list_postings(&s.db, &user.actor, filter, &page_req).await?;
    let status = q.status.clone().unwrap_or_default();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let pager = Pager::new(&page, "/job-postings", &[("q", q.q.clone().unwrap_or_default()), ("status", status.clone()), ("township_id", township.clone())]);
    let statuses = PostingStatus::ALL.iter().map(|x| (x.code().to_string(), lang.label("posting_status", x.code()).to_string()));
    let townships = registry::list_townships(&s.db, &user.actor).await.unwrap_or_default().into_iter().map(|t| (t.id.to_string(), t.name));
    render(&PostingsPage {
        c: chrome(&s, &user, lang, "/job-postings").await,
        heading: if user.actor.role == Role::Enterprise { lang.t("postings.mine") } else { lang.t("postings.title") },
        rows: page.items.into_iter().map(|p| posting_row(lang, p)).collect(),
        pager,
        q: q.q.clone().unwrap_or_default(),
        statuses: choices_with_all(lang, &status, statuses),
        townships: if user.actor.role == Role::Enterprise { Vec::new() } else { choices_with_all(lang, &township, townships) },
        may_post: may_post(user.actor.role),
    })
}

/// The posting form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct PostingForm {
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub headcount: String,
    #[serde(default)]
    pub pay: String,
    #[serde(default)]
    pub requirements: String,
    #[serde(default)]
    pub posted_on: String,
}

#[derive(Template)]
#[template(path = "employment/posting_form.html")]
struct PostingFormPage {
    c: Chrome,
    f: PostingForm,
    errors: FormErrors,
    enterprises: Vec<Choice>,
    pick_enterprise: bool,
}

async fn posting_form(s: &AppState, user: &PageUser, lang: Lang, f: PostingForm, errors: FormErrors) -> Result<Response, AppError> {
    if !may_post(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能发布用工信息"));
    }
    let pick_enterprise = user.actor.role != Role::Enterprise;
    let mut enterprises = vec![Choice::new("", lang.t("orders.choose"), &f.enterprise_id)];
    if pick_enterprise {
        let page = registry::list_enterprises(&s.db, &user.actor, EnterpriseFilter::default(), &PageRequest { page: Some(1), per_page: Some(200) }).await?;
        enterprises.extend(page.items.into_iter().map(|e| Choice::new(e.id, &e.name, &f.enterprise_id)));
    }
    let page = PostingFormPage { c: chrome(s, user, lang, "/job-postings").await, f, errors, enterprises, pick_enterprise };
    with_status(render(&page)?, page.errors.any())
}

#[utoipa::path(get, path = "/job-postings/new", tag = "pages", responses((status = 200, description = "the form to publish a posting", body = String, content_type = "text/html")))]
pub async fn new_posting(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let f = PostingForm { posted_on: date_text(s.work().today()), ..PostingForm::default() };
    posting_form(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/job-postings", tag = "pages",
    responses((status = 303, description = "published; to the posting"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_posting(State(s): State<AppState>, lang: Lang, form: CsrfForm<PostingForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.headcount.trim().parse::<i64>() {
        Ok(headcount) => {
            let input = PostingInput {
                enterprise_id: id_or_none(&f.enterprise_id),
                post: f.post.clone(),
                headcount,
                pay: f.pay.clone(),
                requirements: f.requirements.clone(),
                posted_on: Some(f.posted_on.clone()).filter(|d| !d.trim().is_empty()),
                township_id: None,
            };
            uc::create_posting(&s.work(), &user.actor, &input).await
        }
        Err(_) => Err(AppError::field("headcount", "招聘人数应为整数")),
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/job-postings/{}", p.id)).into_response()),
        Err(e) => posting_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

struct PlacementRow {
    p: Placement,
    started: String,
    ended: String,
}

fn placement_row(p: Placement) -> PlacementRow {
    PlacementRow { started: day_label(&p.started_on), ended: p.ended_on.as_deref().map(day_label).unwrap_or_default(), p }
}

#[derive(Template)]
#[template(path = "employment/posting.html")]
struct PostingPage {
    c: Chrome,
    row: PostingRow,
    placements: Vec<PlacementRow>,
    may_change: bool,
    error: String,
}

async fn posting_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, error: String) -> Result<Response, AppError> {
    let detail = uc::get_posting(&s.db, &user.actor, id).await?;
    let page = PostingPage {
        c: chrome(s, user, lang, "/job-postings").await,
        row: posting_row(lang, detail.posting),
        placements: detail.placements.into_iter().map(placement_row).collect(),
        may_change: detail.may_change,
        error,
    };
    render(&page)
}

#[utoipa::path(get, path = "/job-postings/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "a posting and the poor workers hired through it", body = String, content_type = "text/html")))]
pub async fn posting_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    posting_view(&s, &user, lang, id, String::new()).await
}

/// The status form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub version: String,
}

#[utoipa::path(post, path = "/job-postings/{id}/status", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "changed; back to the posting"), (status = 409, description = "the posting again, with the conflict", body = String, content_type = "text/html")))]
pub async fn change_posting_status(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<StatusForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = PostingStatusInput { status: f.status.clone(), version: f.version.trim().parse().unwrap_or(-1) };
    match uc::set_posting_status(&s.db, &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/job-postings/{id}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = axum::http::StatusCode::from_u16(err.status()).unwrap_or(axum::http::StatusCode::CONFLICT);
            let mut page = posting_view(&s, &user, lang, id, err.to_string()).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        Err(other) => Err(other),
    }
}

// ---- households ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "employment/households.html")]
struct HouseholdsPage {
    c: Chrome,
    rows: Vec<Household>,
    pager: Pager,
    q: String,
    townships: Vec<Choice>,
    gaps_only: bool,
    may_create: bool,
}

#[utoipa::path(get, path = "/households", tag = "pages", params(HouseholdQuery),
    responses((status = 200, description = "poor households of the user's township (leaders: all)", body = String, content_type = "text/html")))]
pub async fn households_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<HouseholdQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter();
    let page = uc::list_households(&s.db, &user.actor, filter, &page_req).await?;
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let gaps_only = q.gaps_only == Some(true);
    let params =
        [("q", q.q.clone().unwrap_or_default()), ("township_id", township.clone()), ("gaps_only", if gaps_only { "true".into() } else { String::new() })];
    let pager = Pager::new(&page, "/households", &params);
    render(&HouseholdsPage {
        c: chrome(&s, &user, lang, "/households").await,
        rows: page.items,
        pager,
        q: q.q.clone().unwrap_or_default(),
        townships: township_choices(&s, &user, lang, &township, true).await?,
        gaps_only,
        may_create: manages_people(user.actor.role),
    })
}

/// The household form as posted: six member rows, unused ones left empty.
#[derive(Debug, Default, Deserialize)]
pub struct HouseholdForm {
    #[serde(default)]
    pub head_name: String,
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub name_1: String,
    #[serde(default)]
    pub relation_1: String,
    #[serde(default)]
    pub labour_1: String,
    #[serde(default)]
    pub employment_1: String,
    #[serde(default)]
    pub name_2: String,
    #[serde(default)]
    pub relation_2: String,
    #[serde(default)]
    pub labour_2: String,
    #[serde(default)]
    pub employment_2: String,
    #[serde(default)]
    pub name_3: String,
    #[serde(default)]
    pub relation_3: String,
    #[serde(default)]
    pub labour_3: String,
    #[serde(default)]
    pub employment_3: String,
    #[serde(default)]
    pub name_4: String,
    #[serde(default)]
    pub relation_4: String,
    #[serde(default)]
    pub labour_4: String,
    #[serde(default)]
    pub employment_4: String,
    #[serde(default)]
    pub name_5: String,
    #[serde(default)]
    pub relation_5: String,
    #[serde(default)]
    pub labour_5: String,
    #[serde(default)]
    pub employment_5: String,
    #[serde(default)]
    pub name_6: String,
    #[serde(default)]
    pub relation_6: String,
    #[serde(default)]
    pub labour_6: String,
    #[serde(default)]
    pub employment_6: String,
}

impl HouseholdForm {
    fn rows(&self) -> [(&String, &String, &String, &String); 6] {
        [
            (&self.name_1, &self.relation_1, &self.labour_1, &self.employment_1),
            (&self.name_2, &self.relation_2, &self.labour_2, &self.employment_2),
            (&self.name_3, &self.relation_3, &self.labour_3, &self.employment_3),
            (&self.name_4, &self.relation_4, &self.labour_4, &self.employment_4),
            (&self.name_5, &self.relation_5, &self.labour_5, &self.employment_5),
            (&self.name_6, &self.relation_6, &self.labour_6, &self.employment_6),
        ]
    }

    fn input(&self) -> HouseholdInput {
        let members = self
            .rows()
            .into_iter()
            .filter(|(n, r, ..)| !n.trim().is_empty() || !r.trim().is_empty())
            .map(|(n, r, l, e)| MemberInput {
                name: n.clone(),
                relation: r.clone(),
                labour_capable: l == "true",
                employment: Some(e.clone()).filter(|e| !e.is_empty()),
                employment_note: String::new(),
                id_number: None,
            })
            .collect();
        HouseholdInput {
            head_name: self.head_name.clone(),
            township_id: id_or_none(&self.township_id),
            village: self.village.clone(),
            address: self.address.clone(),
            notes: self.notes.clone(),
            members,
        }
    }
}

struct MemberRowForm {
    n: usize,
    name: String,
    relation: String,
    labour: Vec<Choice>,
    employment: Vec<Choice>,
}

fn labour_choices(lang: Lang, current: &str) -> Vec<Choice> {
    vec![Choice::new("true", lang.t("households.yes"), current), Choice::new("false", lang.t("households.no"), current)]
}

fn employment_choices(lang: Lang, current: &str) -> Vec<Choice> {
    EmploymentStatus::ALL.iter().map(|e| Choice::new(e.code(), lang.label("employment", e.code()), current)).collect()
}

#[derive(Template)]
#[template(path = "employment/household_form.html")]
struct HouseholdFormPage {
    c: Chrome,
    f: HouseholdForm,
    errors: FormErrors,
    townships: Vec<Choice>,
    members: Vec<MemberRowForm>,
}

impl HouseholdFormPage {
    /// The messages about the members as a whole and about their rows.
    fn member_errors(&self) -> Vec<&str> {
        ["members", "members.name", "members.relation", "members.employment", "members.employment_note"]
            .iter()
            .map(|f| self.errors.get(f))
            .filter(|e| !e.is_empty())
            .collect()
    }
}

async fn household_form(s: &AppState, user: &PageUser, lang: Lang, f: HouseholdForm, errors: FormErrors) -> Result<Response, AppError> {
    if !manages_people(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能登记贫困户"));
    }
    let mut townships = vec![Choice::new("", lang.t("orders.choose"), &f.township_id)];
    townships.extend(township_choices(s, user, lang, &f.township_id, false).await?);
    let members = f
        .rows()
        .iter()
        .enumerate()
        .map(|(i, (n, r, l, e))| MemberRowForm {
            n: i + 1,
            name: (*n).clone(),
            relation: (*r).clone(),
            labour: labour_choices(lang, if l.is_empty() { "true" } else { l.as_str() }),
            employment: employment_choices(lang, if e.is_empty() { "unemployed" } else { e.as_str() }),
        })
        .collect();
    let page = HouseholdFormPage { c: chrome(s, user, lang, "/households").await, f, errors, townships, members };
    with_status(render(&page)?, page.errors.any())
}

#[utoipa::path(get, path = "/households/new", tag = "pages", responses((status = 200, description = "the form to register a poor household", body = String, content_type = "text/html")))]
pub async fn new_household(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let f = HouseholdForm { township_id: user.actor.township_id.map(|t| t.to_string()).unwrap_or_default(), ..HouseholdForm::default() };
    household_form(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/households", tag = "pages",
    responses((status = 303, description = "registered; to the household"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_household(State(s): State<AppState>, lang: Lang, form: CsrfForm<HouseholdForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::create_household(&s.db, &user.actor, &f.input()).await {
        Ok(d) => Ok(Redirect::to(&format!("/households/{}", d.household.id)).into_response()),
        Err(e) => household_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

struct MemberView {
    m: Member,
    employment: &'static str,
    labour: Vec<Choice>,
    employments: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "employment/household.html")]
struct HouseholdPage {
    c: Chrome,
    h: Household,
    gap: bool,
    members: Vec<MemberView>,
    placements: Vec<PlacementRow>,
    may_manage: bool,
    /// labour-capable members without a job, for the placement form
    candidates: Vec<Choice>,
    postings: Vec<Choice>,
    welfare_posts: Vec<Choice>,
    today: String,
    place: PlaceForm,
    place_errors: FormErrors,
    member: MemberForm,
    member_errors: FormErrors,
    new_labour: Vec<Choice>,
    new_employment: Vec<Choice>,
    error: String,
}

async fn household_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, forms: HouseholdForms) -> Result<Response, AppError> {
    let detail = uc::get_household(&s.db, &user.actor, id).await?;
    let may_manage = manages_people(user.actor.role);
    let HouseholdForms { place, place_errors, member, member_errors, error } = forms;
    let mut candidates = vec![Choice::new("", lang.t("orders.choose"), &place.member_id)];
    candidates
        .extend(detail.members.iter().filter(|m| m.labour_capable == 1 && m.employment == "unemployed").map(|m| Choice::new(m.id, &m.name, &place.member_id)));
    let (postings, welfare_posts) = if may_manage {
        let open = PostingFilter { status: Some(PostingStatus::Open.code().into()), ..PostingFilter::default() };
        let all = PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) };
        let mut postings = vec![Choice::new("", "—", &place.posting_id)];
        postings.extend(uc::list_postings(&s.db, &user.actor, open, &all).await?.items.into_iter().map(|p| {
            let label = format!("{}·{}（{}，{} {}）", p.enterprise_name, p.post, p.township_name, lang.t("postings.remaining"), p.headcount - p.filled);
            Choice::new(p.id, label, &place.posting_id)
        }));
        let mut welfare = vec![Choice::new("", "—", &place.welfare_post_id)];
        welfare.extend(
            uc::list_welfare_posts(&s.db, &user.actor, Some(detail.household.township_id), &all)
                .await?
                .items
                .into_iter()
                .filter(|w| w.filled < w.slots)
                .map(|w| Choice::new(w.id, format!("{}·{}", w.village, w.name), &place.welfare_post_id)),
        );
        (postings, welfare)
    } else {
        (Vec::new(), Vec::new())
    };
    let members = detail
        .members
        .into_iter()
        .map(|m| MemberView {
            employment: lang.label("employment", &m.employment),
            labour: labour_choices(lang, if m.labour_capable == 1 { "true" } else { "false" }),
            employments: employment_choices(lang, &m.employment),
            m,
        })
        .collect();
    let page = HouseholdPage {
        c: chrome(s, user, lang, "/households").await,
        h: detail.household,
        gap: detail.gap,
        members,
        placements: detail.placements.into_iter().map(placement_row).collect(),
        may_manage,
        candidates,
        postings,
        welfare_posts,
        today: date_text(s.work().today()),
        new_labour: labour_choices(lang, if member.labour_capable.is_empty() { "true" } else { &member.labour_capable }),
        new_employment: employment_choices(lang, if member.employment.is_empty() { "unemployed" } else { &member.employment }),
        place,
        place_errors,
        member,
        member_errors,
        error,
    };
    let invalid = page.place_errors.any() || page.member_errors.any() || !page.error.is_empty();
    with_status(render(&page)?, invalid)
}

/// The forms of the household page, with what was posted and their messages.
#[derive(Default)]
struct HouseholdForms {
    place: PlaceForm,
    place_errors: FormErrors,
    member: MemberForm,
    member_errors: FormErrors,
    error: String,
}

#[utoipa::path(get, path = "/households/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "a household, its members and placements", body = String, content_type = "text/html")))]
pub async fn household_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    household_view(&s, &user, lang, id, HouseholdForms::default()).await
}

/// The add-member form (and the member update form) as posted.
#[derive(Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub labour_capable: String,
    #[serde(default)]
    pub employment: String,
    #[serde(default)]
    pub employment_note: String,
    /// 身份证号: only the add-member form has the field (an update leaves it as stored)
    pub id_number: Option<String>,
    #[serde(default)]
    pub version: String,
}

crate::debug_without_pii!(MemberForm { version });

impl MemberForm {
    fn input(&self) -> MemberInput {
        MemberInput {
            name: self.name.clone(),
            relation: self.relation.clone(),
            labour_capable: self.labour_capable == "true",
            employment: Some(self.employment.clone()).filter(|e| !e.is_empty()),
            employment_note: self.employment_note.clone(),
            id_number: self.id_number.clone(),
        }
    }
}

#[utoipa::path(post, path = "/households/{id}/members", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "added; back to the household"), (status = 422, description = "the household again, with messages", body = String, content_type = "text/html")))]
pub async fn add_member(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<MemberForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::add_member(&s.db, &user.actor, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(e) => {
            let forms = HouseholdForms { member_errors: FormErrors::from_app_error(e)?, member: f, ..HouseholdForms::default() };
            household_view(&s, &user, lang, id, forms).await
        }
    }
}

#[utoipa::path(post, path = "/household-members/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "updated; back to the household"), (status = 409, description = "the household again, with the conflict", body = String, content_type = "text/html")))]
pub async fn update_member(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<MemberForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let household = {
        let mut conn = s.db.pool().acquire().await?;
        crate::store::employment::find_member(&mut conn, id).await?.ok_or(AppError::NotFound("家庭成员"))?.household_id
    };
    let input = MemberUpdate { version: f.version.trim().parse().unwrap_or(-1), member: f.input() };
    match uc::update_member(&s.db, &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/households/{household}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = axum::http::StatusCode::from_u16(err.status()).unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            let mut page = household_view(&s, &user, lang, household, HouseholdForms { error: err.to_string(), ..HouseholdForms::default() }).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        Err(other) => Err(other),
    }
}

/// The placement form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct PlaceForm {
    #[serde(default)]
    pub member_id: String,
    #[serde(default)]
    pub posting_id: String,
    #[serde(default)]
    pub welfare_post_id: String,
    #[serde(default)]
    pub started_on: String,
}

#[utoipa::path(post, path = "/households/{id}/placements", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "placed; back to the household"), (status = 409, description = "the household again, with the conflict", body = String, content_type = "text/html"),
        (status = 422, description = "the household again, with messages", body = String, content_type = "text/html")))]
pub async fn place_member(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<PlaceForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = PlacementInput {
        member_id: id_or_none(&f.member_id).unwrap_or(0),
        posting_id: id_or_none(&f.posting_id),
        enterprise_id: None,
        welfare_post_id: id_or_none(&f.welfare_post_id),
        started_on: f.started_on.clone(),
    };
    match uc::create_placement(&s.work(), &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app_error(e)?;
            let status = if errors.general.is_empty() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::CONFLICT };
            let mut page = household_view(&s, &user, lang, id, HouseholdForms { place: f, place_errors: errors, ..HouseholdForms::default() }).await?;
            *page.status_mut() = status;
            Ok(page)
        }
    }
}

#[derive(Template)]
#[template(path = "employment/end.html")]
struct EndPage {
    c: Chrome,
    row: PlacementRow,
    ended_on: String,
    reason: String,
    errors: FormErrors,
}

/// The end-of-placement form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub ended_on: String,
    #[serde(default)]
    pub reason: String,
}

async fn end_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: EndForm, errors: FormErrors) -> Result<Response, AppError> {
    let p = uc::get_placement(&s.db, &user.actor, id).await?;
    if !manages_people(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能结束就业安置"));
    }
    let page = EndPage { c: chrome(s, user, lang, "/households").await, row: placement_row(p), ended_on: f.ended_on, reason: f.reason, errors };
    with_status(render(&page)?, page.errors.any())
}

#[utoipa::path(get, path = "/placements/{id}/end", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before ending a placement", body = String, content_type = "text/html")))]
pub async fn confirm_end_placement(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let f = EndForm { ended_on: date_text(s.work().today()), reason: String::new() };
    end_view(&s, &user, lang, id, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/placements/{id}/end", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "ended; back to the household"), (status = 422, description = "the question again, with messages", body = String, content_type = "text/html")))]
pub async fn end_placement(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<EndForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = EndPlacementInput { ended_on: f.ended_on.clone(), reason: f.reason.clone() };
    match uc::end_placement(&s.work(), &user.actor, id, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/households/{}", p.household_id)).into_response()),
        Err(e) => end_view(&s, &user, lang, id, f, FormErrors::from_app_error(e)?).await,
    }
}

// ---- gaps -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "employment/gaps.html")]
struct GapsPage {
    c: Chrome,
    rows: Vec<Gap>,
    pager: Pager,
    townships: Vec<Choice>,
}

#[utoipa::path(get, path = "/employment/gaps", tag = "pages", params(GapQuery),
    responses((status = 200, description = "一户一人一岗: households with no member employed, and suggested postings", body = String, content_type = "text/html")))]
pub async fn gaps_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<GapQuery>) -> Result<Response, AppError> {
    let page = uc::gaps(&s.db, &user.actor, &q).await?;
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let pager = Pager::new(&page, "/employment/gaps", &[("township_id", township.clone())]);
    render(&GapsPage {
        c: chrome(&s, &user, lang, "/employment/gaps").await,
        rows: page.items,
        pager,
        townships: township_choices(&s, &user, lang, &township, true).await?,
    })
}

// ---- welfare posts ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "employment/welfare.html")]
struct WelfarePage {
    c: Chrome,
    rows: Vec<WelfarePost>,
    pager: Pager,
    townships: Vec<Choice>,
    may_create: bool,
    f: WelfareForm,
    errors: FormErrors,
    form_townships: Vec<Choice>,
}

/// The welfare-post form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct WelfareForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub slots: String,
    #[serde(default)]
    pub pay: String,
    #[serde(default)]
    pub duties: String,
}

async fn welfare_view(s: &AppState, user: &PageUser, lang: Lang, q: &TownshipQuery, f: WelfareForm, errors: FormErrors) -> Result<Response, AppError> {
    let page = uc::list_welfare_posts(&s.db, &user.actor, q.township_id, &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let pager = Pager::new(&page, "/welfare-posts", &[("township_id", township.clone())]);
    let view = WelfarePage {
        c: chrome(s, user, lang, "/welfare-posts").await,
        rows: page.items,
        pager,
        townships: township_choices(s, user, lang, &township, true).await?,
        may_create: manages_people(user.actor.role),
        form_townships: township_choices(s, user, lang, &f.township_id, false).await?,
        f,
        errors,
    };
    with_status(render(&view)?, view.errors.any())
}

#[utoipa::path(get, path = "/welfare-posts", tag = "pages", params(TownshipQuery),
    responses((status = 200, description = "public-welfare posts and the form to open one", body = String, content_type = "text/html")))]
pub async fn welfare_posts_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<TownshipQuery>) -> Result<Response, AppError> {
    let f = WelfareForm { township_id: user.actor.township_id.map(|t| t.to_string()).unwrap_or_default(), ..WelfareForm::default() };
    welfare_view(&s, &user, lang, &q, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/welfare-posts", tag = "pages",
    responses((status = 303, description = "opened; back to the list"), (status = 422, description = "the list again, with messages", body = String, content_type = "text/html")))]
pub async fn create_welfare_post(State(s): State<AppState>, lang: Lang, form: CsrfForm<WelfareForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.slots.trim().parse::<i64>() {
        Ok(slots) => {
            let input = WelfarePostInput {
                name: f.name.clone(),
                township_id: id_or_none(&f.township_id),
                village: f.village.clone(),
                slots,
                pay: f.pay.clone(),
                duties: f.duties.clone(),
            };
            uc::create_welfare_post(&s.db, &user.actor, &input).await
        }
        Err(_) => Err(AppError::field("slots", "岗位数应为整数")),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/welfare-posts").into_response()),
        Err(e) => welfare_view(&s, &user, lang, &TownshipQuery::default(), f, FormErrors::from_app_error(e)?).await,
    }
}

// ---- transport ------------------------------------------------------------------------

struct BatchRow {
    b: TransportBatch,
    day: String,
}

#[derive(Template)]
#[template(path = "employment/batches.html")]
struct BatchesPage {
    c: Chrome,
    rows: Vec<BatchRow>,
    pager: Pager,
    townships: Vec<Choice>,
    may_create: bool,
}

#[utoipa::path(get, path = "/transport-batches", tag = "pages", params(TownshipQuery),
    responses((status = 200, description = "point-to-point transport batches", body = String, content_type = "text/html")))]
pub async fn batches_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<TownshipQuery>) -> Result<Response, AppError> {
    let page = uc::list_batches(&s.db, &user.actor, q.township_id, &PageRequest { page: q.page, per_page: q.per_page }).await?;
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let pager = Pager::new(&page, "/transport-batches", &[("township_id", township.clone())]);
    render(&BatchesPage {
        c: chrome(&s, &user, lang, "/transport-batches").await,
        rows: page.items.into_iter().map(|b| BatchRow { day: day_label(&b.departs_on), b }).collect(),
        pager,
        townships: township_choices(&s, &user, lang, &township, true).await?,
        may_create: manages_people(user.actor.role),
    })
}

/// The batch form as posted: eight passenger rows, unused ones left empty.
#[derive(Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    pub township_id: String,
    #[serde(default)]
    pub route: String,
    #[serde(default)]
    pub vehicle: String,
    #[serde(default)]
    pub departs_on: String,
    #[serde(default)]
    pub escort: String,
    #[serde(flatten)]
    pub rows: std::collections::HashMap<String, String>,
}

crate::debug_without_pii!(BatchForm { township_id, departs_on });

/// How many passenger rows the form offers.
const PASSENGER_ROWS: usize = 8;

impl BatchForm {
    fn row(&self, field: &str, n: usize) -> String {
        self.rows.get(&format!("{field}_{n}")).cloned().unwrap_or_default()
    }

    /// The input, or field errors for temperatures that are not numbers.
    fn input(&self) -> Result<BatchInput, AppError> {
        let mut passengers = Vec::new();
        let mut errors = Vec::new();
        for n in 1..=PASSENGER_ROWS {
            let name = self.row("name", n);
            if name.trim().is_empty() {
                continue;
            }
            let temperature = match Temperature::parse(&self.row("temperature", n)) {
                Ok(t) => t.tenths() as f64 / 10.0,
                Err(message) => {
                    errors.push(FieldError::new("passengers.temperature", format!("{name}：{message}")));
                    0.0
                }
            };
            passengers.push(PassengerInput {
                name,
                member_id: None,
                destination: self.row("destination", n),
                temperature,
                health_code: self.row("health_code", n),
                id_number: self.row("id_number", n),
            });
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok(BatchInput {
            township_id: id_or_none(&self.township_id),
            route: self.route.clone(),
            vehicle: self.vehicle.clone(),
            departs_on: self.departs_on.clone(),
            escort: self.escort.clone(),
            passengers,
        })
    }
}

struct PassengerRowForm {
    n: usize,
    name: String,
    id_number: String,
    destination: String,
    temperature: String,
    codes: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "employment/batch_form.html")]
struct BatchFormPage {
    c: Chrome,
    f: BatchForm,
    errors: FormErrors,
    townships: Vec<Choice>,
    passengers: Vec<PassengerRowForm>,
}

impl BatchFormPage {
    /// The messages about the passengers as a whole and about their rows.
    fn passenger_errors(&self) -> Vec<&str> {
        [
            "passengers",
            "passengers.name",
            "passengers.id_number",
            "passengers.destination",
            "passengers.temperature",
            "passengers.health_code",
            "passengers.member_id",
        ]
        .iter()
        .map(|f| self.errors.get(f))
        .filter(|e| !e.is_empty())
        .collect()
    }
}

async fn batch_form(s: &AppState, user: &PageUser, lang: Lang, f: BatchForm, errors: FormErrors) -> Result<Response, AppError> {
    if !manages_people(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能登记点对点运输"));
    }
    let mut townships = vec![Choice::new("", lang.t("orders.choose"), &f.township_id)];
    townships.extend(township_choices(s, user, lang, &f.township_id, false).await?);
    let passengers = (1..=PASSENGER_ROWS)
        .map(|n| {
            let code = f.row("health_code", n);
            let current = if code.is_empty() { "green".to_string() } else { code };
            PassengerRowForm {
                n,
                name: f.row("name", n),
                id_number: f.row("id_number", n),
                destination: f.row("destination", n),
                temperature: f.row("temperature", n),
                codes: HealthCode::ALL.iter().map(|h| Choice::new(h.code(), lang.label("health_code", h.code()), &current)).collect(),
            }
        })
        .collect();
    let page = BatchFormPage { c: chrome(s, user, lang, "/transport-batches").await, f, errors, townships, passengers };
    with_status(render(&page)?, page.errors.any())
}

#[utoipa::path(get, path = "/transport-batches/new", tag = "pages", responses((status = 200, description = "the form to record a trip", body = String, content_type = "text/html")))]
pub async fn new_batch(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let f = BatchForm {
        township_id: user.actor.township_id.map(|t| t.to_string()).unwrap_or_default(),
        departs_on: date_text(s.work().today()),
        ..BatchForm::default()
    };
    batch_form(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/transport-batches", tag = "pages",
    responses((status = 303, description = "recorded; to the batch"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_batch(State(s): State<AppState>, lang: Lang, form: CsrfForm<BatchForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let result = match f.input() {
        Ok(input) => uc::create_batch(&s.work(), &user.actor, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("/transport-batches/{}", d.batch.id)).into_response()),
        Err(e) => batch_form(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

struct PassengerView {
    p: Passenger,
    temperature: String,
    code: &'static str,
}

#[derive(Template)]
#[template(path = "employment/batch.html")]
struct BatchPage {
    c: Chrome,
    b: TransportBatch,
    day: String,
    passengers: Vec<PassengerView>,
}

#[utoipa::path(get, path = "/transport-batches/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "a trip and its passengers' checks", body = String, content_type = "text/html")))]
pub async fn batch_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let detail = uc::get_batch(&s.db, &user.actor, id).await?;
    let passengers = detail
        .passengers
        .into_iter()
        .map(|p| PassengerView { temperature: Temperature::from_tenths(p.temperature_tenths).text(), code: lang.label("health_code", &p.health_code), p })
        .collect();
    render(&BatchPage { c: chrome(&s, &user, lang, "/transport-batches").await, day: day_label(&detail.batch.departs_on), b: detail.batch, passengers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_words() {
        for s in PostingStatus::ALL {
            assert_eq!(Lang::Zh.label("posting_status", s.code()), s.label());
        }
        for s in EmploymentStatus::ALL {
            assert_eq!(Lang::Zh.label("employment", s.code()), s.label());
        }
        for c in HealthCode::ALL {
            assert_eq!(Lang::Zh.label("health_code", c.code()), c.label());
            assert_ne!(Lang::En.label("health_code", c.code()), "—");
        }
        assert!(I18N.iter().all(|(k, zh, en)| !k.is_empty() && !zh.is_empty() && !en.is_empty()));
    }
}
