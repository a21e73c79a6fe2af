//! Investment pages (招商): the leads with their filters, a lead and its next
//! step, the form for a new lead, and the quarter's progress against its target.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::projects::{Forms, field, integer, number, show_date};
use super::{Choice, Chrome, FormErrors, Pager, chrome, render};
use crate::app::investment::{self as uc, QuarterProgress, StageInput};
use crate::app::registry;
use crate::domain::Role;
use crate::domain::investment::{Channel, LeadInput, Quarter, Stage, TargetInput};
use crate::domain::policy::format_wan;
use crate::error::AppError;
use crate::store::investment::{Lead, Reached};
use crate::web::AppState;
use crate::web::api::investment::LeadQuery;
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// The investment pages, for the router's merge point.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_leads, create_lead))
        .routes(routes!(new_lead))
        .routes(routes!(show_lead))
        .routes(routes!(advance_lead))
        .routes(routes!(progress_page))
        .routes(routes!(set_target))
}

/// The words of these pages (added to the translation table in `i18n.rs`).
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.investment", "招商引资", "Investment"),
    ("investment.title", "招商项目", "Investment leads"),
    ("investment.new", "登记招商项目", "Register a lead"),
    ("investment.empty", "没有符合条件的招商项目。可调整筛选条件，或登记一个正在洽谈的项目。", "No lead matches. Change the filters or register one in talks."),
    ("investment.name", "项目名称", "Project"),
    ("investment.investor", "投资方", "Investor"),
    ("investment.channel", "招商方式", "Channel"),
    ("investment.stage", "阶段", "Stage"),
    ("investment.amount", "计划投资（万元）", "Planned investment (10k yuan)"),
    ("investment.chain", "产业链", "Industry chain"),
    ("investment.chain_hint", "如：口罩生产全产业链", "e.g. the full mask-production chain"),
    ("investment.negotiating_on", "洽谈日期", "Talks began"),
    ("investment.signed_on", "签约日期", "Signed"),
    ("investment.landed_on", "落地日期", "Landed"),
    ("investment.township", "落地乡镇办", "Township"),
    ("investment.note", "备注", "Note"),
    ("investment.next", "推进到下一阶段", "Move to the next stage"),
    ("investment.advance", "确认推进", "Move forward"),
    ("investment.advance_confirm", "阶段只能向前推进，确认吗？", "A stage cannot be undone. Continue?"),
    ("investment.done", "该项目已落地。", "This lead has landed."),
    ("investment.on", "日期", "Date"),
    ("investment.progress", "季度目标进度", "Quarterly progress"),
    ("investment.quarter", "季度", "Quarter"),
    ("investment.year", "年份", "Year"),
    ("investment.target", "目标", "Target"),
    ("investment.reached", "完成", "Reached"),
    ("investment.share", "完成率", "Share"),
    ("investment.no_target", "尚未设定本季度目标。", "No target is set for this quarter."),
    ("investment.signed_count", "签约项目（个）", "Projects signed"),
    ("investment.landed_count", "落地项目（个）", "Projects landed"),
    ("investment.signed_amount", "签约金额（万元）", "Investment signed (10k yuan)"),
    ("investment.in_talks", "新增洽谈", "New in talks"),
    ("investment.by_channel", "按招商方式", "By channel"),
    ("investment.by_chain", "产业链招商", "By industry chain"),
    ("investment.leads", "项目数", "Leads"),
    ("investment.set_target", "设定季度目标", "Set the quarter's target"),
    ("investment.counted", "统计区间", "Counted"),
    (
        "investment.rule",
        "口径：签约、落地以各阶段记录的日期计入所在季度；签约金额为当季签约项目的计划投资之和；乡镇办只统计本辖区项目。",
        "Signed and landed leads count in the quarter of the day recorded for that stage; the signed amount sums their planned investment; a township counts its own leads.",
    ),
    ("investment.no_chains", "本季度还没有标注产业链的项目。", "No lead of the quarter names an industry chain."),
    ("channel.remote", "不见面招商", "Remote (no meeting)"),
    ("channel.phone", "电话招商", "By phone"),
    ("channel.online", "网络招商", "Online"),
    ("stage.negotiating", "洽谈", "In talks"),
    ("stage.signed", "签约", "Signed"),
    ("stage.landed", "落地", "Landed"),
];

struct Row {
    id: i64,
    name: String,
    investor: String,
    channel: &'static str,
    stage: String,
    stage_label: &'static str,
    amount: String,
    chain: String,
    township: String,
    latest: String,
}

fn row(lang: Lang, l: Lead) -> Row {
    let latest = l.landed_on.as_deref().or(l.signed_on.as_deref()).unwrap_or(&l.negotiating_on);
    Row {
        channel: lang.label("channel", &l.channel),
        stage_label: lang.label("stage", &l.stage),
        amount: format_wan(l.amount_yuan),
        latest: show_date(latest),
        id: l.id,
        name: l.name,
        investor: l.investor,
        stage: l.stage,
        chain: l.industry_chain,
        township: l.township_name.unwrap_or_default(),
    }
}

fn choices<const N: usize>(lang: Lang, kind: &str, codes: [&'static str; N], current: &str, first: &'static str) -> Vec<Choice> {
    let mut out = vec![Choice::new("", lang.t(first), current)];
    out.extend(codes.iter().map(|c| Choice::new(c, lang.label(kind, c), current)));
    out
}

fn stage_codes() -> [&'static str; 3] {
    Stage::ALL.map(Stage::code)
}

fn channel_codes() -> [&'static str; 3] {
    Channel::ALL.map(Channel::code)
}

async fn township_choices(s: &AppState, user: &PageUser, current: &str, first: &str) -> Result<Vec<Choice>, AppError> {
    let mut out = vec![Choice::new("", first, current)];
    out.extend(
        registry::list_townships(&s.db, &user.actor)
            .await?
            .into_iter()
            .filter(|t| user.actor.role != Role::Township || Some(t.id) == user.actor.township_id)
            .map(|t| Choice::new(t.id, &t.name, current)),
    );
    Ok(out)
}

fn may_register(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader | Role::Department | Role::Township)
}

/// A quarter's figures as the pages show them.
struct ProgressView {
    label: String,
    counted: String,
    has_target: bool,
    /// (label, target, reached, share %, share for the meter)
    lines: Vec<(&'static str, String, String, String, i64)>,
    channels: Vec<(&'static str, Reached, String)>,
    chains: Vec<crate::store::investment::ChainCount>,
    negotiating: i64,
}

fn progress_view(lang: Lang, p: QuarterProgress) -> ProgressView {
    let pct = |s: Option<f64>| s.map(|v| format!("{:.0}%", v * 100.0)).unwrap_or_else(|| "—".to_string());
    let meter = |s: Option<f64>| s.map(|v| (v * 100.0).round().min(100.0) as i64).unwrap_or(0);
    let (ts, tl, ta) = match &p.target {
        Some(t) => (t.signed_count.to_string(), t.landed_count.to_string(), format_wan(t.signed_amount_yuan)),
        None => ("—".to_string(), "—".to_string(), "—".to_string()),
    };
    ProgressView {
        label: p.label.clone(),
        counted: format!("{} — {}", show_date(&p.from), show_date(&p.to)),
        has_target: p.target.is_some(),
        lines: vec![
            (lang.t("investment.signed_count"), ts, p.total.signed.to_string(), pct(p.signed_share), meter(p.signed_share)),
            (lang.t("investment.landed_count"), tl, p.total.landed.to_string(), pct(p.landed_share), meter(p.landed_share)),
            (lang.t("investment.signed_amount"), ta, format_wan(p.total.signed_amount_yuan), pct(p.amount_share), meter(p.amount_share)),
        ],
        channels: p
            .by_channel
            .into_iter()
            .map(|r| {
                let amount = format_wan(r.signed_amount_yuan);
                (lang.label("channel", r.channel.as_deref().unwrap_or("")), r, amount)
            })
            .collect(),
        chains: p.chains,
        negotiating: p.total.negotiating,
    }
}

// ---- the list ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "investment/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    q: String,
    stages: Vec<Choice>,
    channels: Vec<Choice>,
    townships: Vec<Choice>,
    show_townships: bool,
    may_register: bool,
    progress: ProgressView,
}

#[utoipa::path(get, path = "/investment-leads", tag = "pages", params(LeadQuery),
    responses((status = 200, description = "the filtered, paginated leads with the quarter's progress", body = String, content_type = "text/html")))]
pub async fn list_leads(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<LeadQuery>) -> Result<Response, AppError> {
    let (filter, page_req) = q.filter()?;
    let page = uc::list_leads(&s.db, &user.actor, filter, &page_req).await?;
    let progress = uc::current_progress(&s.work(), &user.actor).await?;
    let stage = q.stage.clone().unwrap_or_default();
    let channel = q.channel.clone().unwrap_or_default();
    let township = q.township_id.map(|t| t.to_string()).unwrap_or_default();
    let params = [("q", q.q.clone().unwrap_or_default()), ("stage", stage.clone()), ("channel", channel.clone()), ("township_id", township.clone())];
    let pager = Pager::new(&page, "/investment-leads", &params);
    let show_townships = user.actor.role != Role::Township;
    render(&ListPage {
        c: chrome(&s, &user, lang, "/investment-leads").await,
        rows: page.items.into_iter().map(|l| row(lang, l)).collect(),
        pager,
        q: q.q.clone().unwrap_or_default(),
        stages: choices(lang, "stage", stage_codes(), &stage, "common.all"),
        channels: choices(lang, "channel", channel_codes(), &channel, "common.all"),
        townships: if show_townships { township_choices(&s, &user, &township, lang.t("common.all")).await? } else { Vec::new() },
        show_townships,
        may_register: may_register(user.actor.role),
        progress: progress_view(lang, progress),
    })
}

// ---- one lead -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "investment/show.html")]
struct ShowPage {
    c: Chrome,
    l: Lead,
    channel: &'static str,
    stage: &'static str,
    amount: String,
    negotiating_on: String,
    signed_on: String,
    landed_on: String,
    /// the next stage's code and label, when there is one and the user may move it
    next: Option<(&'static str, &'static str)>,
    today: String,
    f: Forms,
}

async fn show_page(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: Forms) -> Result<Response, AppError> {
    let l = uc::get_lead(&s.db, &user.actor, id).await?;
    let has_errors = !f.is("");
    let next = Stage::parse(&l.stage).and_then(Stage::next).filter(|_| may_register(user.actor.role)).map(|n| (n.code(), lang.label("stage", n.code())));
    let page = ShowPage {
        c: chrome(s, user, lang, "/investment-leads").await,
        channel: lang.label("channel", &l.channel),
        stage: lang.label("stage", &l.stage),
        amount: format_wan(l.amount_yuan),
        negotiating_on: show_date(&l.negotiating_on),
        signed_on: l.signed_on.as_deref().map(show_date).unwrap_or_default(),
        landed_on: l.landed_on.as_deref().map(show_date).unwrap_or_default(),
        next,
        today: s.work().today_text(),
        f,
        l,
    };
    let mut response = render(&page)?;
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/investment-leads/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "one lead and its next step", body = String, content_type = "text/html")))]
pub async fn show_lead(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    show_page(&s, &user, lang, id, Forms::default()).await
}

#[utoipa::path(post, path = "/investment-leads/{id}/stage", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "moved; back to the lead"), (status = 422, description = "the lead again, with the message", body = String, content_type = "text/html")))]
pub async fn advance_lead(
    State(s): State<AppState>,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    form: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let input = StageInput {
        stage: field(&form, "stage").to_string(),
        version: integer(&form, "version")?.unwrap_or(-1),
        on: Some(field(&form, "on").to_string()),
        note: form.get("note").cloned(),
    };
    match uc::advance_lead(&s.work(), &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/investment-leads/{id}")).into_response()),
        Err(e) => show_page(&s, &user, lang, id, Forms::failed("stage", form, FormErrors::from_app_error(e)?)).await,
    }
}

// ---- a new lead -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "investment/form.html")]
struct FormPage {
    c: Chrome,
    f: HashMap<String, String>,
    errors: FormErrors,
    channels: Vec<Choice>,
    townships: Vec<Choice>,
    township_locked: bool,
}

impl FormPage {
    fn v(&self, name: &str) -> &str {
        field(&self.f, name)
    }
}

async fn form_page(s: &AppState, user: &PageUser, lang: Lang, f: HashMap<String, String>, errors: FormErrors) -> Result<Response, AppError> {
    if !may_register(user.actor.role) {
        return Err(AppError::Forbidden("您的角色不能登记招商项目"));
    }
    let township_locked = user.actor.role == Role::Township;
    let current = if township_locked { user.actor.township_id.map(|t| t.to_string()).unwrap_or_default() } else { field(&f, "township_id").to_string() };
    let page = FormPage {
        c: chrome(s, user, lang, "/investment-leads").await,
        channels: choices(lang, "channel", channel_codes(), field(&f, "channel"), "orders.choose"),
        townships: township_choices(s, user, &current, "—").await?,
        township_locked,
        f,
        errors,
    };
    let mut response = render(&page)?;
    if page.errors.any() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/investment-leads/new", tag = "pages", responses((status = 200, description = "the form to register a lead", body = String, content_type = "text/html")))]
pub async fn new_lead(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let f = HashMap::from([("negotiating_on".to_string(), s.work().today_text())]);
    form_page(&s, &user, lang, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/investment-leads", tag = "pages",
    responses((status = 303, description = "registered; to the lead"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn create_lead(State(s): State<AppState>, lang: Lang, form: CsrfForm<HashMap<String, String>>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let input = number(&form, "amount_wan").and_then(|amount| {
        Ok(LeadInput {
            name: field(&form, "name").to_string(),
            investor: field(&form, "investor").to_string(),
            channel: field(&form, "channel").to_string(),
            amount_wan: amount.unwrap_or(0.0),
            industry_chain: field(&form, "industry_chain").to_string(),
            township_id: integer(&form, "township_id")?,
            negotiating_on: Some(field(&form, "negotiating_on").to_string()),
            note: field(&form, "note").to_string(),
        })
    });
    let created = match input {
        Ok(input) => uc::create_lead(&s.work(), &user.actor, &input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(l) => Ok(Redirect::to(&format!("/investment-leads/{}", l.id)).into_response()),
        Err(e) => form_page(&s, &user, lang, form, FormErrors::from_app_error(e)?).await,
    }
}

// ---- progress against the target --------------------------------------------------------

/// Which quarter the progress page shows.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct QuarterQuery {
    pub year: Option<i32>,
    /// 1–4
    pub quarter: Option<u8>,
}

#[derive(Template)]
#[template(path = "investment/progress.html")]
struct ProgressPage {
    c: Chrome,
    progress: ProgressView,
    years: Vec<Choice>,
    quarters: Vec<Choice>,
    year: i32,
    quarter: u8,
    may_set: bool,
    f: Forms,
}

async fn progress_response(s: &AppState, user: &PageUser, lang: Lang, year: Option<i32>, quarter: Option<u8>, f: Forms) -> Result<Response, AppError> {
    let cx = s.work();
    let current = Quarter::of(cx.today());
    let q = Quarter::new(year.unwrap_or(current.year), quarter.unwrap_or(current.quarter))?;
    let progress = uc::quarter_progress(&cx.db, &user.actor, q, Some(cx.today())).await?;
    let target = progress.target.clone();
    let mut f = f;
    if f.is("") {
        // the form starts from the quarter's present target
        let values = HashMap::from([
            ("signed_count".to_string(), target.as_ref().map(|t| t.signed_count.to_string()).unwrap_or_default()),
            ("landed_count".to_string(), target.as_ref().map(|t| t.landed_count.to_string()).unwrap_or_default()),
            ("signed_amount_wan".to_string(), target.as_ref().map(|t| format_wan(t.signed_amount_yuan)).unwrap_or_default()),
            ("note".to_string(), target.as_ref().map(|t| t.note.clone()).unwrap_or_default()),
        ]);
        f = Forms::failed("prefill", values, FormErrors::default());
    }
    let has_errors = !f.is("prefill");
    let years = (current.year - 2..=current.year + 1).rev().map(|y| Choice::new(y, y, &q.year.to_string())).collect();
    let quarters = (1..=4u8).map(|n| Choice::new(n, Quarter { year: q.year, quarter: n }.label(), &q.quarter.to_string())).collect();
    let page = ProgressPage {
        c: chrome(s, user, lang, "/investment-progress").await,
        progress: progress_view(lang, progress),
        years,
        quarters,
        year: q.year,
        quarter: q.quarter,
        may_set: matches!(user.actor.role, Role::Admin | Role::Leader),
        f,
    };
    let mut response = render(&page)?;
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

impl ProgressPage {
    /// A field of the target form: what was posted, or the present target.
    fn tv(&self, name: &str) -> &str {
        if self.f.is("prefill") { self.f.val("prefill", name) } else { self.f.val("target", name) }
    }
}

#[utoipa::path(get, path = "/investment-progress", tag = "pages", params(QuarterQuery),
    responses((status = 200, description = "a quarter's progress against its target", body = String, content_type = "text/html")))]
pub async fn progress_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<QuarterQuery>) -> Result<Response, AppError> {
    progress_response(&s, &user, lang, q.year, q.quarter, Forms::default()).await
}

#[utoipa::path(post, path = "/investment-targets", tag = "pages",
    responses((status = 303, description = "set; back to the quarter"), (status = 422, description = "the quarter again, with the messages", body = String, content_type = "text/html")))]
pub async fn set_target(State(s): State<AppState>, lang: Lang, form: CsrfForm<HashMap<String, String>>) -> Result<Response, AppError> {
    let CsrfForm { user, form } = form;
    let year = integer(&form, "year")?.and_then(|y| i32::try_from(y).ok());
    let quarter = integer(&form, "quarter")?.and_then(|q| u8::try_from(q).ok());
    let count = |name: &'static str| integer(&form, name).map(|v| v.unwrap_or(0));
    let input = (|| -> Result<TargetInput, AppError> {
        Ok(TargetInput {
            year: year.unwrap_or(0),
            quarter: quarter.unwrap_or(0),
            signed_count: count("signed_count")?,
            landed_count: count("landed_count")?,
            signed_amount_wan: number(&form, "signed_amount_wan")?.unwrap_or(0.0),
            note: field(&form, "note").to_string(),
        })
    })();
    let done = match input {
        Ok(input) => uc::set_target(&s.work(), &user.actor, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/investment-progress?year={}&quarter={}", year.unwrap_or(0), quarter.unwrap_or(0))).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app_error(e)?;
            let (year, quarter) = (year.filter(|y| (2000..=2100).contains(y)), quarter.filter(|q| (1..=4).contains(q)));
            progress_response(&s, &user, lang, year, quarter, Forms::failed("target", form, errors)).await
        }
    }
}
