//! Isolation observation point pages (医学隔离观察点): the staff's desk with
//! fever alerts and missing readings, observed persons with check-in, readings
//! and release, a round of readings, staff, rooms, the duty roster (printable
//! and as CSV) and the point's rules. Health data: the use cases decide who
//! sees it and audit every read.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::enterprises::{ConfirmPage, NoFields};
use super::{Choice, Chrome, FormErrors, Pager, chinese_date, chrome, render};
use crate::app::clock::{date_text, parse_date};
use crate::app::isolation::{
    self as uc, DocumentInput, HandleInput, PersonInput, PersonQuery, PointInput, Reading, ReleaseInput, RoomInput, RosterInput, RosterView, RoundInput,
    RoundReading, StaffInput, TemperatureInput,
};
use crate::domain::Role;
use crate::domain::isolation::{Gender, PersonSource, RosterRules, Slot, StaffGroup};
use crate::error::AppError;
use crate::store::isolation::{Document, FeverAlert, IsolationPoint, ObservedPerson, Room, Staff, TemperatureRecord};
use crate::web::AppState;
use crate::web::api::isolation::{RosterQuery, roster_range};
use crate::web::extract::{ApiPath, ApiQuery, CsrfForm, PageUser};
use crate::web::i18n::Lang;

/// Every isolation page, for the router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(points_page, create_point))
        .routes(routes!(desk_page))
        .routes(routes!(persons_page, check_in))
        .routes(routes!(new_person))
        .routes(routes!(person_page))
        .routes(routes!(record_temperature))
        .routes(routes!(release_person))
        .routes(routes!(round_page, record_round))
        .routes(routes!(handle_alert))
        .routes(routes!(staff_page, add_staff))
        .routes(routes!(confirm_remove_staff, remove_staff))
        .routes(routes!(rooms_page, create_room))
        .routes(routes!(roster_page, generate_roster))
        .routes(routes!(roster_csv))
        .routes(routes!(documents_page, create_document))
        .routes(routes!(document_page))
        .routes(routes!(confirm_delete_document, delete_document))
}

/// The words of these pages.
pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.isolation", "隔离观察点", "Isolation point"),
    ("isolation.points", "医学隔离观察点", "Isolation observation points"),
    ("isolation.points_empty", "还没有观察点。管理员可在此新增。", "No observation points yet. An administrator can add one here."),
    ("isolation.new_point", "新增观察点", "Add a point"),
    ("isolation.point_name", "观察点名称", "Name"),
    ("isolation.address", "地址", "Address"),
    ("isolation.party_branch", "党组织", "Party branch"),
    ("isolation.observation_days", "观察期（天）", "Observation (days)"),
    (
        "isolation.privacy",
        "本页含个人健康信息，仅限本观察点工作人员和领导查看，每次查看均记入审计日志。",
        "This page holds personal health data: only the point's staff and the leadership see it, and every read is audited.",
    ),
    ("isolation.desk", "工作台", "Desk"),
    ("isolation.persons", "留观人员", "Observed persons"),
    ("isolation.round", "体温录入", "Temperature round"),
    ("isolation.staff", "工作人员", "Staff"),
    ("isolation.rooms", "房间", "Rooms"),
    ("isolation.roster", "值班排班", "Duty roster"),
    ("isolation.documents", "制度", "Rules and regulations"),
    ("isolation.in_observation", "在观察", "Under observation"),
    ("isolation.party_members", "党员", "Party members"),
    ("isolation.open_alerts", "发热预警", "Fever alerts"),
    ("isolation.alerts_none", "目前没有未处置的发热预警。", "No open fever alert."),
    ("isolation.alert", "发热预警", "Fever alert"),
    ("isolation.handle", "处置", "Handle"),
    ("isolation.handled", "已处置", "Handled"),
    ("isolation.handle_note", "处置情况", "What was done"),
    ("isolation.missing_morning", "今日上午未测体温", "No morning reading today"),
    ("isolation.missing_afternoon", "今日下午未测体温", "No afternoon reading today"),
    ("isolation.missing_none", "均已测温。", "All measured."),
    ("isolation.due", "观察期满待解除", "Observation over, to release"),
    ("isolation.due_none", "没有观察期满待解除的人员。", "Nobody is due for release."),
    ("isolation.on_duty", "今日值班", "On duty today"),
    ("isolation.on_duty_none", "今日尚未排班。", "No roster for today yet."),
    ("isolation.name", "姓名", "Name"),
    ("isolation.gender", "性别", "Gender"),
    ("isolation.age", "年龄", "Age"),
    ("isolation.phone", "联系电话", "Phone"),
    ("isolation.id_number", "身份证号", "ID number"),
    ("isolation.source", "人员来源", "Reason"),
    ("isolation.origin", "来源地", "Came from"),
    ("isolation.room", "房间", "Room"),
    ("isolation.no_room", "未分配", "None"),
    ("isolation.checked_in_on", "入住日期", "Checked in"),
    ("isolation.observation_end_on", "观察期至", "Observation ends"),
    ("isolation.released_on", "解除日期", "Released"),
    ("isolation.status", "状态", "Status"),
    ("isolation.status.in_observation", "观察中", "Under observation"),
    ("isolation.status.due", "期满待解除", "Due for release"),
    ("isolation.status.released", "已解除", "Released"),
    ("isolation.fever_only", "仅发热预警", "Fever alerts only"),
    ("isolation.latest", "最近体温", "Latest"),
    ("isolation.persons_empty", "没有符合条件的留观人员。", "No observed person matches."),
    ("isolation.check_in", "登记入住", "Check in"),
    ("isolation.check_in_hint", "观察期默认自入住日起14天，可按要求调整。", "Observation lasts 14 days from check-in unless set otherwise."),
    ("isolation.temperatures", "体温记录", "Temperatures"),
    ("isolation.temperatures_empty", "还没有体温记录。", "No readings yet."),
    ("isolation.record", "记录体温", "Record a reading"),
    ("isolation.temperature", "体温（℃）", "Temperature (°C)"),
    ("isolation.slot", "时段", "Slot"),
    ("isolation.taken_on", "测温日期", "Date"),
    ("isolation.symptoms", "症状", "Symptoms"),
    ("isolation.recorded_by", "记录人", "Recorded by"),
    ("isolation.release", "解除医学观察", "Release"),
    ("isolation.release_note", "说明（提前解除须填写）", "Note (required before the end)"),
    ("isolation.release_confirm", "确定解除该人员的医学观察吗？", "Release this person from observation?"),
    ("isolation.release_note_shown", "解除说明", "Release note"),
    (
        "isolation.round_hint",
        "逐人填写本轮体温，未测的留空；≥37.3℃ 自动发出发热预警。",
        "Enter each reading of the round, leave out who was not measured; 37.3 °C or more raises a fever alert.",
    ),
    ("isolation.round_empty", "该日没有在观察的人员。", "Nobody is under observation that day."),
    ("isolation.round_saved", "已保存本轮体温", "Round saved"),
    ("isolation.group", "小组", "Group"),
    ("isolation.party_member", "党员", "Party member"),
    ("isolation.title", "职务", "Title"),
    ("isolation.staff_empty", "还没有工作人员。", "No staff yet."),
    ("isolation.add_staff", "添加工作人员", "Add a staff member"),
    ("isolation.remove_staff", "离岗", "Remove"),
    (
        "isolation.remove_staff_question",
        "确定该工作人员离岗吗？离岗后不再参与排班，已有排班记录保留。",
        "Take this person off the point? They leave future rosters; past ones keep them.",
    ),
    ("isolation.former", "已离岗", "Former"),
    ("isolation.room_number", "房间号", "Room"),
    ("isolation.beds", "床位", "Beds"),
    ("isolation.occupants", "在住", "Occupied"),
    ("isolation.note", "备注", "Note"),
    ("isolation.rooms_empty", "还没有房间。", "No rooms yet."),
    ("isolation.add_room", "添加房间", "Add a room"),
    ("isolation.from", "开始日期", "From"),
    ("isolation.to", "结束日期", "To"),
    ("isolation.shifts_per_day", "每日班次", "Shifts a day"),
    ("isolation.per_shift", "每组每班人数", "People per group and shift"),
    ("isolation.rest_shifts", "两班间至少休息班次", "Shifts off between two"),
    ("isolation.generate", "生成排班", "Generate the roster"),
    (
        "isolation.generate_confirm",
        "将按规则重新生成所选日期的排班，原有排班被替换。继续吗？",
        "The roster of these days is generated anew, replacing what they held. Continue?",
    ),
    (
        "isolation.roster_hint",
        "按规则自动排班：24小时每个班次四个小组均有人值守，同一人不连续值班，班次均衡分配。",
        "Generated by rule: every shift of the 24 hours has each of the four groups on duty, nobody works two shifts in a row, and shifts are spread evenly.",
    ),
    ("isolation.roster_empty", "所选日期还没有排班。", "No roster for these days yet."),
    ("isolation.gaps", "人手不足的班次", "Shifts short of staff"),
    ("isolation.shift", "班次", "Shift"),
    ("isolation.export_csv", "导出 CSV", "Export CSV"),
    ("isolation.print", "打印", "Print"),
    ("isolation.documents_empty", "还没有制度文件。", "No rules yet."),
    ("isolation.add_document", "新增制度", "Add a rule"),
    ("isolation.doc_title", "标题", "Title"),
    ("isolation.doc_body", "正文", "Text"),
    ("isolation.delete_document_question", "确定要删除该制度吗？", "Delete this document?"),
    ("gender.male", "男", "Male"),
    ("gender.female", "女", "Female"),
    ("slot.morning", "上午", "Morning"),
    ("slot.afternoon", "下午", "Afternoon"),
    ("person_source.hubei", "湖北返回", "Back from Hubei"),
    ("person_source.overseas", "境外入境", "Arrived from abroad"),
    ("person_source.close_contact", "密切接触者", "Close contact"),
    ("person_source.key_area", "其他重点地区返回", "Back from another key area"),
    ("person_source.other", "其他", "Other"),
    ("staff_group.management", "管理组", "Management"),
    ("staff_group.medical", "医护组", "Medical"),
    ("staff_group.disinfection", "消杀组", "Disinfection"),
    ("staff_group.logistics", "后勤组", "Logistics"),
];

// ---- helpers -----------------------------------------------------------------

/// The tabs of a point's pages.
pub struct Tabs {
    pub id: i64,
    pub name: String,
    pub active: &'static str,
}

async fn tabs(s: &AppState, user: &PageUser, point_id: i64, active: &'static str) -> Result<Tabs, AppError> {
    let p = uc::get_point(&s.db, &user.actor, point_id).await?;
    Ok(Tabs { id: p.id, name: p.name, active })
}

fn num(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn may_write(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Isolation)
}

fn with_status(mut response: Response, errors: &FormErrors) -> Response {
    if errors.any() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

fn choices<T: Copy>(lang: Lang, kind: &str, all: &[T], code: fn(T) -> &'static str, current: &str, empty: Option<&'static str>) -> Vec<Choice> {
    let mut v: Vec<Choice> = empty.map(|e| Choice::new("", e, current)).into_iter().collect();
    v.extend(all.iter().map(|x| Choice::new(code(*x), lang.label(kind, code(*x)), current)));
    v
}

/// A person as a row, in the user's language.
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub gender: &'static str,
    pub age: String,
    pub source: &'static str,
    pub origin: String,
    pub room: String,
    pub checked_in_on: String,
    pub end_on: String,
    pub released_on: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub latest: String,
    pub latest_fever: bool,
    pub open_alerts: i64,
}

fn person_row(lang: Lang, today: &str, p: &ObservedPerson) -> PersonRow {
    let status_code = match (&p.released_on, p.observation_end_on.as_str() <= today) {
        (Some(_), _) => "released",
        (None, true) => "due",
        (None, false) => "in_observation",
    };
    PersonRow {
        id: p.id,
        name: p.name.clone(),
        gender: lang.label("gender", &p.gender),
        age: p.age.map(|a| a.to_string()).unwrap_or_default(),
        source: lang.label("person_source", &p.source),
        origin: p.origin.clone(),
        room: p.room_number.clone().unwrap_or_default(),
        checked_in_on: p.checked_in_on.clone(),
        end_on: p.observation_end_on.clone(),
        released_on: p.released_on.clone().unwrap_or_default(),
        status: lang.t(&format!("isolation.status.{status_code}")),
        status_code,
        latest: p.latest.clone().unwrap_or_default(),
        latest_fever: p.latest_tenths.is_some_and(|t| t >= crate::domain::isolation::Temperature::FEVER_TENTHS),
        open_alerts: p.open_alerts,
    }
}

/// A fever alert as a row.
pub struct AlertRow {
    pub id: i64,
    pub person_id: i64,
    pub person: String,
    pub room: String,
    pub celsius: String,
    pub when: String,
    pub symptoms: String,
    pub open: bool,
    pub handled: String,
}

fn alert_row(lang: Lang, a: &FeverAlert) -> AlertRow {
    AlertRow {
        id: a.id,
        person_id: a.person_id,
        person: a.person_name.clone(),
        room: a.room_number.clone().unwrap_or_default(),
        celsius: a.celsius.clone(),
        when: format!("{} {}", a.taken_on, lang.label("slot", &a.slot)),
        symptoms: a.symptoms.clone(),
        open: a.handled_at.is_none(),
        handled: match (&a.handled_by_name, a.handled_at.is_some()) {
            (Some(by), true) => format!("{}（{}）", a.handled_note, by),
            (None, true) => a.handled_note.clone(),
            _ => String::new(),
        },
    }
}

// ---- points ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "isolation/points.html")]
struct PointsPage {
    c: Chrome,
    points: Vec<IsolationPoint>,
    may_create: bool,
    f: PointForm,
    errors: FormErrors,
}

/// The point form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct PointForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub party_branch: String,
    #[serde(default)]
    pub observation_days: String,
}

async fn points_view(s: &AppState, user: &PageUser, lang: Lang, f: PointForm, errors: FormErrors) -> Result<Response, AppError> {
    let points = uc::list_points(&s.db, &user.actor).await?;
    let page = PointsPage { c: chrome(s, user, lang, "/isolation").await, points, may_create: user.actor.role == Role::Admin, f, errors };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/isolation", tag = "pages",
    responses((status = 200, description = "the observation points (leaders, admin)", body = String, content_type = "text/html"), (status = 303, description = "a point's staff to its desk")))]
pub async fn points_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    if user.actor.role == Role::Isolation {
        let points = uc::list_points(&s.db, &user.actor).await?;
        if let Some(p) = points.first() {
            return Ok(Redirect::to(&format!("/isolation/points/{}", p.id)).into_response());
        }
    }
    points_view(&s, &user, lang, PointForm { observation_days: "14".into(), ..PointForm::default() }, FormErrors::default()).await
}

#[utoipa::path(post, path = "/isolation", tag = "pages",
    responses((status = 303, description = "added; to its desk"), (status = 422, description = "the page again, with messages", body = String, content_type = "text/html")))]
pub async fn create_point(State(s): State<AppState>, lang: Lang, form: CsrfForm<PointForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = PointInput {
        name: f.name.clone(),
        address: f.address.clone(),
        party_branch: f.party_branch.clone(),
        observation_days: num(&f.observation_days),
        version: None,
    };
    match uc::create_point(&s.work(), &user.actor, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/isolation/points/{}", p.id)).into_response()),
        Err(e) => points_view(&s, &user, lang, f, FormErrors::from_app_error(e)?).await,
    }
}

// ---- the desk ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "isolation/desk.html")]
struct DeskPage {
    c: Chrome,
    tabs: Tabs,
    point: IsolationPoint,
    today: String,
    alerts: Vec<AlertRow>,
    missing_morning: Vec<PersonRow>,
    missing_afternoon: Vec<PersonRow>,
    due: Vec<PersonRow>,
    on_duty: Vec<(String, String, Vec<String>)>,
    may_write: bool,
}

#[utoipa::path(get, path = "/isolation/points/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the point's desk: fever alerts, missing readings, releases due, today's duty", body = String, content_type = "text/html")))]
pub async fn desk_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let cx = s.work();
    let d = uc::dashboard(&cx, &user.actor, id).await?;
    let today = d.today.clone();
    let rules = RosterRules { shifts_per_day: d.on_duty.first().map(|x| x.shifts_per_day as u8).unwrap_or(3), ..RosterRules::default() };
    let mut on_duty: Vec<(String, String, Vec<String>)> = Vec::new();
    for shift in &d.on_duty {
        let hours = rules.shift_hours(shift.shift_index as u8);
        let group = lang.label("staff_group", &shift.group_code).to_string();
        match on_duty.iter_mut().find(|(h, g, _)| *h == hours && *g == group) {
            Some((_, _, names)) => names.push(shift.staff_name.clone()),
            None => on_duty.push((hours, group, vec![shift.staff_name.clone()])),
        }
    }
    render(&DeskPage {
        c: chrome(&s, &user, lang, &format!("/isolation/points/{id}")).await,
        tabs: Tabs { id, name: d.point.name.clone(), active: "desk" },
        alerts: d.open_alerts.iter().map(|a| alert_row(lang, a)).collect(),
        missing_morning: d.missing_morning.iter().map(|p| person_row(lang, &today, p)).collect(),
        missing_afternoon: d.missing_afternoon.iter().map(|p| person_row(lang, &today, p)).collect(),
        due: d.due.iter().map(|p| person_row(lang, &today, p)).collect(),
        today: parse_date(&today).map(chinese_date).unwrap_or(today),
        point: d.point,
        on_duty,
        may_write: may_write(user.actor.role),
    })
}

/// The alert form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct HandleForm {
    #[serde(default)]
    pub note: String,
    /// where to go back to
    #[serde(default)]
    pub back: String,
}

#[utoipa::path(post, path = "/isolation/alerts/{id}/handle", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "handled; back to where the form was"), (status = 422, description = "without a note", body = String, content_type = "text/html")))]
pub async fn handle_alert(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<HandleForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let alert = uc::handle_alert(&s.work(), &user.actor, id, &HandleInput { note: f.note }).await?;
    let back = if f.back.starts_with("/isolation/") && !f.back.starts_with("//") { f.back } else { format!("/isolation/persons/{}", alert.person_id) };
    Ok(Redirect::to(&back).into_response())
}

// ---- persons -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "isolation/persons.html")]
struct PersonsPage {
    c: Chrome,
    tabs: Tabs,
    rows: Vec<PersonRow>,
    pager: Pager,
    q: String,
    statuses: Vec<Choice>,
    sources: Vec<Choice>,
    fever: bool,
    may_write: bool,
}

#[utoipa::path(get, path = "/isolation/points/{id}/persons", tag = "pages", params(("id" = i64, Path), PersonQuery),
    responses((status = 200, description = "the point's observed persons (the read is audited)", body = String, content_type = "text/html")))]
pub async fn persons_page(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Response, AppError> {
    let cx = s.work();
    let page = uc::list_persons(&cx, &user.actor, id, &q).await?;
    let today = cx.today_text();
    let status = q.status.clone().unwrap_or_default();
    let source = q.source.clone().unwrap_or_default();
    let fever = q.fever.unwrap_or(false);
    let params = [
        ("status", status.clone()),
        ("source", source.clone()),
        ("q", q.q.clone().unwrap_or_default()),
        ("fever", if fever { "true".into() } else { String::new() }),
    ];
    let path = format!("/isolation/points/{id}/persons");
    let pager = Pager::new(&page, &path, &params);
    let all = lang.t("common.all");
    let mut statuses = vec![Choice::new("", all, &status)];
    statuses.extend(["in_observation", "due", "released"].iter().map(|st| Choice::new(st, lang.t(&format!("isolation.status.{st}")), &status)));
    render(&PersonsPage {
        c: chrome(&s, &user, lang, &path).await,
        tabs: tabs(&s, &user, id, "persons").await?,
        rows: page.items.iter().map(|p| person_row(lang, &today, p)).collect(),
        pager,
        q: q.q.clone().unwrap_or_default(),
        statuses,
        sources: choices(lang, "person_source", &PersonSource::ALL, PersonSource::code, &source, Some(all)),
        fever,
        may_write: may_write(user.actor.role),
    })
}

/// The check-in form as posted.
#[derive(Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub origin: String,
    #[serde(default)]
    pub room_id: String,
    #[serde(default)]
    pub checked_in_on: String,
    #[serde(default)]
    pub observation_days: String,
}

crate::debug_without_pii!(PersonForm { room_id, checked_in_on });

#[derive(Template)]
#[template(path = "isolation/person_form.html")]
struct PersonFormPage {
    c: Chrome,
    tabs: Tabs,
    f: PersonForm,
    errors: FormErrors,
    genders: Vec<Choice>,
    sources: Vec<Choice>,
    rooms: Vec<Choice>,
}

async fn person_form(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: PersonForm, errors: FormErrors) -> Result<Response, AppError> {
    let rooms_list = uc::list_rooms(&s.db, &user.actor, id).await?;
    let mut rooms = vec![Choice::new("", lang.t("isolation.no_room"), &f.room_id)];
    rooms.extend(rooms_list.iter().map(|r| Choice::new(r.id, format!("{}（{}/{}）", r.number, r.occupants, r.beds), &f.room_id)));
    let page = PersonFormPage {
        c: chrome(s, user, lang, &format!("/isolation/points/{id}/persons")).await,
        tabs: tabs(s, user, id, "persons").await?,
        genders: choices(lang, "gender", &Gender::ALL, Gender::code, &f.gender, Some("—")),
        sources: choices(lang, "person_source", &PersonSource::ALL, PersonSource::code, &f.source, Some("—")),
        rooms,
        f,
        errors,
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/isolation/points/{id}/persons/new", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the check-in form", body = String, content_type = "text/html")))]
pub async fn new_person(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let point = uc::get_point(&s.db, &user.actor, id).await?;
    if !may_write(user.actor.role) {
        return Err(AppError::Forbidden("领导可查看观察点信息，录入由观察点工作人员负责"));
    }
    let f = PersonForm { checked_in_on: s.work().today_text(), observation_days: point.observation_days.to_string(), ..PersonForm::default() };
    person_form(&s, &user, lang, id, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/isolation/points/{id}/persons", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "checked in; to the person's record"), (status = 422, description = "the form again, with messages", body = String, content_type = "text/html")))]
pub async fn check_in(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<PersonForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    if !f.age.trim().is_empty() && f.age.trim().parse::<i64>().is_err() {
        let errors = FormErrors::from_fields(&[crate::domain::FieldError::new("age", "年龄应为整数")]);
        return person_form(&s, &user, lang, id, f, errors).await;
    }
    let input = PersonInput {
        name: f.name.clone(),
        gender: f.gender.clone(),
        age: num(&f.age),
        phone: f.phone.clone(),
        id_number: f.id_number.clone(),
        source: f.source.clone(),
        origin: f.origin.clone(),
        room_id: num(&f.room_id),
        checked_in_on: f.checked_in_on.clone(),
        observation_days: num(&f.observation_days),
    };
    match uc::check_in(&s.work(), &user.actor, id, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/isolation/persons/{}", p.id)).into_response()),
        Err(e) => person_form(&s, &user, lang, id, f, FormErrors::from_app_error(e)?).await,
    }
}

/// A reading as a row.
pub struct ReadingRow {
    pub taken_on: String,
    pub slot: &'static str,
    pub celsius: String,
    pub fever: bool,
    pub symptoms: String,
    pub by: String,
}

fn reading_row(lang: Lang, r: &TemperatureRecord) -> ReadingRow {
    ReadingRow {
        taken_on: r.taken_on.clone(),
        slot: lang.label("slot", &r.slot),
        celsius: r.celsius.clone(),
        fever: r.fever == 1,
        symptoms: r.symptoms.clone(),
        by: r.recorded_by_name.clone().unwrap_or_default(),
    }
}

/// The reading form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct ReadingForm {
    #[serde(default)]
    pub temperature: String,
    #[serde(default)]
    pub slot: String,
    #[serde(default)]
    pub taken_on: String,
    #[serde(default)]
    pub symptoms: String,
}

/// The release form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct ReleaseForm {
    #[serde(default)]
    pub released_on: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Template)]
#[template(path = "isolation/person.html")]
struct PersonPage {
    c: Chrome,
    tabs: Tabs,
    p: PersonRow,
    phone: String,
    id_number: String,
    release_note: String,
    version: i64,
    readings: Vec<ReadingRow>,
    alerts: Vec<AlertRow>,
    f: ReadingForm,
    r: ReleaseForm,
    slots: Vec<Choice>,
    errors: FormErrors,
    may_write: bool,
    back: String,
}

async fn person_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: ReadingForm, r: ReleaseForm, errors: FormErrors) -> Result<Response, AppError> {
    let cx = s.work();
    let d = uc::get_person(&cx, &user.actor, id).await?;
    let today = cx.today_text();
    let point_id = d.person.point_id;
    let page = PersonPage {
        c: chrome(s, user, lang, &format!("/isolation/points/{point_id}/persons")).await,
        tabs: Tabs { id: point_id, name: d.person.point_name.clone(), active: "persons" },
        p: person_row(lang, &today, &d.person),
        phone: d.person.phone.clone(),
        id_number: d.person.id_number.clone(),
        release_note: d.person.release_note.clone(),
        version: d.person.version,
        readings: d.temperatures.iter().map(|t| reading_row(lang, t)).collect(),
        alerts: d.alerts.iter().map(|a| alert_row(lang, a)).collect(),
        slots: choices(lang, "slot", &Slot::ALL, Slot::code, &f.slot, None),
        f,
        r,
        errors,
        may_write: may_write(user.actor.role) && d.person.released_on.is_none(),
        back: format!("/isolation/persons/{id}"),
    };
    Ok(with_status(render(&page)?, &page.errors))
}

/// The slot of the day it is now: morning until noon.
fn current_slot(s: &AppState) -> &'static str {
    if s.clock.now().to_offset(crate::app::clock::LOCAL).hour() < 12 { "morning" } else { "afternoon" }
}

#[utoipa::path(get, path = "/isolation/persons/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "an observed person's record (the read is audited)", body = String, content_type = "text/html")))]
pub async fn person_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let today = s.work().today_text();
    let f = ReadingForm { slot: current_slot(&s).into(), taken_on: today.clone(), ..ReadingForm::default() };
    person_view(&s, &user, lang, id, f, ReleaseForm { released_on: today, ..ReleaseForm::default() }, FormErrors::default()).await
}

#[utoipa::path(post, path = "/isolation/persons/{id}/temperatures", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "recorded; back to the record (with the alert if ≥ 37.3 °C)"), (status = 422, description = "the record again, with the message beside the field", body = String, content_type = "text/html")))]
pub async fn record_temperature(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<ReadingForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input = TemperatureInput {
        temperature: Reading::Text(f.temperature.clone()),
        slot: f.slot.clone(),
        taken_on: f.taken_on.clone(),
        symptoms: f.symptoms.clone(),
    };
    match uc::record_temperature(&s.work(), &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/isolation/persons/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app_error(e)?;
            let today = s.work().today_text();
            person_view(&s, &user, lang, id, f, ReleaseForm { released_on: today, ..ReleaseForm::default() }, errors).await
        }
    }
}

#[utoipa::path(post, path = "/isolation/persons/{id}/release", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "released; back to the record"), (status = 422, description = "the record again, with the message", body = String, content_type = "text/html")))]
pub async fn release_person(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<ReleaseForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: r } = form;
    let input = ReleaseInput { released_on: r.released_on.clone(), note: r.note.clone(), version: num(&r.version) };
    match uc::release(&s.work(), &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/isolation/persons/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app_error(e)?;
            let f = ReadingForm { slot: current_slot(&s).into(), taken_on: s.work().today_text(), ..ReadingForm::default() };
            person_view(&s, &user, lang, id, f, r, errors).await
        }
    }
}

// ---- a round of readings -----------------------------------------------------

/// Which round to enter.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct RoundQuery {
    /// YYYY-MM-DD (default today)
    pub taken_on: Option<String>,
    /// morning, afternoon (default by the hour)
    pub slot: Option<String>,
    /// set after a round was saved
    pub saved: Option<i64>,
}

#[derive(Template)]
#[template(path = "isolation/round.html")]
struct RoundPage {
    c: Chrome,
    tabs: Tabs,
    taken_on: String,
    slots: Vec<Choice>,
    persons: Vec<(PersonRow, String, String)>,
    messages: Vec<String>,
    saved: Option<i64>,
    may_write: bool,
}

#[allow(clippy::too_many_arguments)]
async fn round_view(
    s: &AppState,
    user: &PageUser,
    lang: Lang,
    id: i64,
    taken_on: String,
    slot: String,
    values: &HashMap<String, String>,
    messages: Vec<String>,
    saved: Option<i64>,
) -> Result<Response, AppError> {
    let cx = s.work();
    let day = parse_date(&taken_on).map(date_text).unwrap_or_else(|_| cx.today_text());
    let persons = uc::persons_for_round(&cx, &user.actor, id, &day).await?;
    let today = cx.today_text();
    let rows = persons
        .iter()
        .map(|p| {
            let t = values.get(&format!("t_{}", p.id)).cloned().unwrap_or_default();
            let sy = values.get(&format!("s_{}", p.id)).cloned().unwrap_or_default();
            (person_row(lang, &today, p), t, sy)
        })
        .collect();
    let page = RoundPage {
        c: chrome(s, user, lang, &format!("/isolation/points/{id}/round")).await,
        tabs: tabs(s, user, id, "round").await?,
        taken_on: day,
        slots: choices(lang, "slot", &Slot::ALL, Slot::code, &slot, None),
        persons: rows,
        saved,
        may_write: may_write(user.actor.role),
        messages,
    };
    let mut response = render(&page)?;
    if !page.messages.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[utoipa::path(get, path = "/isolation/points/{id}/round", tag = "pages", params(("id" = i64, Path), RoundQuery),
    responses((status = 200, description = "the form of a round of readings (晨检/午检)", body = String, content_type = "text/html")))]
pub async fn round_page(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RoundQuery>,
) -> Result<Response, AppError> {
    let taken_on = q.taken_on.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| s.work().today_text());
    let slot = q.slot.clone().filter(|x| Slot::parse(x).is_some()).unwrap_or_else(|| current_slot(&s).to_string());
    round_view(&s, &user, lang, id, taken_on, slot, &HashMap::new(), Vec::new(), q.saved).await
}

/// The round form as posted: `t_ID` and `s_ID` for each person.
#[derive(Debug, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    pub taken_on: String,
    #[serde(default)]
    pub slot: String,
    #[serde(flatten)]
    pub values: HashMap<String, String>,
}

#[utoipa::path(post, path = "/isolation/points/{id}/round", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "saved; the form again"), (status = 422, description = "the form again, with each message naming the person", body = String, content_type = "text/html")))]
pub async fn record_round(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<RoundForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let mut readings: Vec<RoundReading> = f
        .values
        .iter()
        .filter_map(|(k, v)| {
            let person_id = k.strip_prefix("t_")?.parse().ok()?;
            (!v.trim().is_empty()).then(|| RoundReading {
                person_id,
                temperature: Reading::Text(v.clone()),
                symptoms: f.values.get(&format!("s_{person_id}")).cloned().unwrap_or_default(),
            })
        })
        .collect();
    readings.sort_by_key(|r| r.person_id);
    let input = RoundInput { taken_on: f.taken_on.clone(), slot: f.slot.clone(), readings };
    match uc::record_round(&s.work(), &user.actor, id, &input).await {
        Ok(saved) => Ok(Redirect::to(&format!("/isolation/points/{id}/round?taken_on={}&slot={}&saved={}", f.taken_on, f.slot, saved.len())).into_response()),
        Err(AppError::Validation(errors)) => {
            let messages = errors.into_iter().map(|e| e.message).collect();
            round_view(&s, &user, lang, id, f.taken_on.clone(), f.slot.clone(), &f.values, messages, None).await
        }
        Err(AppError::Conflict { message, .. }) => round_view(&s, &user, lang, id, f.taken_on.clone(), f.slot.clone(), &f.values, vec![message], None).await,
        Err(e) => Err(e),
    }
}

// ---- staff -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "isolation/staff.html")]
struct StaffPage {
    c: Chrome,
    tabs: Tabs,
    groups: Vec<(&'static str, Vec<Staff>)>,
    total: usize,
    party: usize,
    former: Vec<Staff>,
    f: StaffForm,
    group_choices: Vec<Choice>,
    errors: FormErrors,
    may_write: bool,
}

/// The staff form as posted.
#[derive(Default, Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub party_member: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
}

crate::debug_without_pii!(StaffForm { group });

async fn staff_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: StaffForm, errors: FormErrors) -> Result<Response, AppError> {
    let all = uc::list_staff(&s.db, &user.actor, id, true).await?;
    let (active, former): (Vec<Staff>, Vec<Staff>) = all.into_iter().partition(|x| x.active == 1);
    let groups =
        StaffGroup::ALL.iter().map(|g| (lang.label("staff_group", g.code()), active.iter().filter(|x| x.group_code == g.code()).cloned().collect())).collect();
    let page = StaffPage {
        c: chrome(s, user, lang, &format!("/isolation/points/{id}/staff")).await,
        tabs: tabs(s, user, id, "staff").await?,
        groups,
        total: active.len(),
        party: active.iter().filter(|x| x.party_member == 1).count(),
        former,
        group_choices: choices(lang, "staff_group", &StaffGroup::ALL, StaffGroup::code, &f.group, Some("—")),
        f,
        errors,
        may_write: may_write(user.actor.role),
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/isolation/points/{id}/staff", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the point's staff by group", body = String, content_type = "text/html")))]
pub async fn staff_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    staff_view(&s, &user, lang, id, StaffForm::default(), FormErrors::default()).await
}

#[utoipa::path(post, path = "/isolation/points/{id}/staff", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "added"), (status = 422, description = "the page again, with messages", body = String, content_type = "text/html")))]
pub async fn add_staff(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<StaffForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let input =
        StaffInput { name: f.name.clone(), group: f.group.clone(), party_member: !f.party_member.is_empty(), title: f.title.clone(), phone: f.phone.clone() };
    match uc::add_staff(&s.work(), &user.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/isolation/points/{id}/staff")).into_response()),
        Err(e) => staff_view(&s, &user, lang, id, f, FormErrors::from_app_error(e)?).await,
    }
}

#[utoipa::path(get, path = "/isolation/staff/{id}/remove", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before taking a staff member off", body = String, content_type = "text/html")))]
pub async fn confirm_remove_staff(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    // the question only for those who may remove (a worker: at its own point)
    user.actor.require(&[Role::Admin, Role::Isolation])?;
    let points = uc::list_points(&s.db, &user.actor).await?;
    let mut found = None;
    for p in &points {
        if let Some(x) = uc::list_staff(&s.db, &user.actor, p.id, true).await?.into_iter().find(|x| x.id == id) {
            found = Some(x);
            break;
        }
    }
    let staff = found.ok_or(AppError::NotFound("工作人员"))?;
    render(&ConfirmPage {
        c: chrome(&s, &user, lang, &format!("/isolation/points/{}/staff", staff.point_id)).await,
        title: staff.name,
        question: lang.t("isolation.remove_staff_question"),
        action: format!("/isolation/staff/{id}/remove"),
        cancel: format!("/isolation/points/{}/staff", staff.point_id),
        csrf: user.csrf.clone(),
    })
}

#[utoipa::path(post, path = "/isolation/staff/{id}/remove", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "taken off the point")))]
pub async fn remove_staff(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    let staff = uc::remove_staff(&s.work(), &form.user.actor, id).await?;
    Ok(Redirect::to(&format!("/isolation/points/{}/staff", staff.point_id)).into_response())
}

// ---- rooms -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "isolation/rooms.html")]
struct RoomsPage {
    c: Chrome,
    tabs: Tabs,
    rooms: Vec<Room>,
    f: RoomForm,
    errors: FormErrors,
    may_write: bool,
}

/// The room form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct RoomForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub beds: String,
    #[serde(default)]
    pub note: String,
}

async fn rooms_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: RoomForm, errors: FormErrors) -> Result<Response, AppError> {
    let rooms = uc::list_rooms(&s.db, &user.actor, id).await?;
    let page = RoomsPage {
        c: chrome(s, user, lang, &format!("/isolation/points/{id}/rooms")).await,
        tabs: tabs(s, user, id, "rooms").await?,
        rooms,
        f,
        errors,
        may_write: may_write(user.actor.role),
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/isolation/points/{id}/rooms", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the point's rooms and their occupancy", body = String, content_type = "text/html")))]
pub async fn rooms_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    rooms_view(&s, &user, lang, id, RoomForm { beds: "1".into(), ..RoomForm::default() }, FormErrors::default()).await
}

#[utoipa::path(post, path = "/isolation/points/{id}/rooms", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "added"), (status = 422, description = "the page again, with messages", body = String, content_type = "text/html")))]
pub async fn create_room(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<RoomForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let beds = if f.beds.trim().is_empty() { None } else { Some(num(&f.beds).unwrap_or(0)) };
    match uc::create_room(&s.work(), &user.actor, id, &RoomInput { number: f.number.clone(), beds, note: f.note.clone() }).await {
        Ok(_) => Ok(Redirect::to(&format!("/isolation/points/{id}/rooms")).into_response()),
        Err(e) => rooms_view(&s, &user, lang, id, f, FormErrors::from_app_error(e)?).await,
    }
}

// ---- roster ------------------------------------------------------------------

/// One day of the roster, as the page shows it.
pub struct RosterDay {
    pub date: String,
    /// per shift: its hours, then per group the names on duty
    pub shifts: Vec<(String, Vec<String>)>,
}

fn roster_days(lang: Lang, view: &RosterView) -> (Vec<RosterDay>, Vec<String>) {
    let mut days: Vec<RosterDay> = Vec::new();
    let mut current = String::new();
    for s in &view.shifts {
        if s.shift_on != current {
            current = s.shift_on.clone();
            let spd = u8::try_from(s.shifts_per_day).unwrap_or(3);
            let rules = RosterRules { shifts_per_day: spd, ..RosterRules::default() };
            days.push(RosterDay {
                date: parse_date(&current).map(chinese_date).unwrap_or_else(|_| current.clone()),
                shifts: (0..spd).map(|i| (rules.shift_hours(i), vec![String::new(); StaffGroup::ALL.len()])).collect(),
            });
        }
        if let (Some(day), Some(g)) = (days.last_mut(), StaffGroup::ALL.iter().position(|g| g.code() == s.group_code))
            && let Some((_, groups)) = day.shifts.get_mut(s.shift_index as usize)
        {
            let cell = &mut groups[g];
            if !cell.is_empty() {
                cell.push('、');
            }
            cell.push_str(&s.staff_name);
        }
    }
    let gaps = view
        .gaps
        .iter()
        .map(|g| format!("{} {} {}（{} {}）", g.day, g.hours, lang.label("staff_group", g.group.code()), lang.t("isolation.gaps"), g.missing))
        .collect();
    (days, gaps)
}

#[derive(Template)]
#[template(path = "isolation/roster.html")]
struct RosterPage {
    c: Chrome,
    tabs: Tabs,
    from: String,
    to: String,
    days: Vec<RosterDay>,
    group_names: Vec<&'static str>,
    gaps: Vec<String>,
    f: RosterForm,
    spd_choices: Vec<Choice>,
    per_choices: Vec<Choice>,
    rest_choices: Vec<Choice>,
    errors: FormErrors,
    may_write: bool,
}

/// The roster form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct RosterForm {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub shifts_per_day: String,
    #[serde(default)]
    pub per_shift: String,
    #[serde(default)]
    pub rest_shifts: String,
}

#[allow(clippy::too_many_arguments)]
async fn roster_view(
    s: &AppState,
    user: &PageUser,
    lang: Lang,
    id: i64,
    from: String,
    to: String,
    f: RosterForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let (view, errors) = match uc::get_roster(&s.db, &user.actor, id, &from, &to).await {
        Ok(v) => (Some(v), errors),
        Err(e @ AppError::Validation(_)) => (None, FormErrors::from_app_error(e)?),
        Err(e) => return Err(e),
    };
    let (days, gaps) = view.as_ref().map(|v| roster_days(lang, v)).unwrap_or_default();
    let page = RosterPage {
        c: chrome(s, user, lang, &format!("/isolation/points/{id}/roster")).await,
        tabs: tabs(s, user, id, "roster").await?,
        from,
        to,
        days,
        group_names: StaffGroup::ALL.iter().map(|g| lang.label("staff_group", g.code())).collect(),
        gaps,
        spd_choices: ["2", "3", "4"].iter().map(|n| Choice::new(n, n, &f.shifts_per_day)).collect(),
        per_choices: ["1", "2", "3"].iter().map(|n| Choice::new(n, n, &f.per_shift)).collect(),
        rest_choices: ["1", "2", "3"].iter().map(|n| Choice::new(n, n, &f.rest_shifts)).collect(),
        f,
        errors,
        may_write: may_write(user.actor.role),
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/isolation/points/{id}/roster", tag = "pages", params(("id" = i64, Path), RosterQuery),
    responses((status = 200, description = "the duty roster of a week (printable) and the form to generate one", body = String, content_type = "text/html")))]
pub async fn roster_page(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RosterQuery>,
) -> Result<Response, AppError> {
    let (from, to) = roster_range(&s, &q);
    let f = RosterForm { from: from.clone(), to: to.clone(), shifts_per_day: "3".into(), per_shift: "1".into(), rest_shifts: "1".into() };
    roster_view(&s, &user, lang, id, from, to, f, FormErrors::default()).await
}

#[utoipa::path(post, path = "/isolation/points/{id}/roster", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "generated; to the roster of those days"), (status = 422, description = "the page again, naming what is missing", body = String, content_type = "text/html")))]
pub async fn generate_roster(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<RosterForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    let small = |t: &str| t.trim().parse::<u8>().ok();
    let input = RosterInput {
        from: f.from.clone(),
        to: f.to.clone(),
        shifts_per_day: small(&f.shifts_per_day),
        per_shift: small(&f.per_shift),
        rest_shifts: small(&f.rest_shifts),
    };
    match uc::generate_roster(&s.work(), &user.actor, id, &input).await {
        Ok(v) => Ok(Redirect::to(&format!("/isolation/points/{id}/roster?from={}&to={}", v.from, v.to)).into_response()),
        Err(e) => {
            let errors = FormErrors::from_app_error(e)?;
            let (from, to) = (f.from.clone(), f.to.clone());
            let valid = parse_date(&from).is_ok() && parse_date(&to).is_ok() && to >= from;
            let (from, to) = if valid { (from, to) } else { roster_range(&s, &RosterQuery::default()) };
            roster_view(&s, &user, lang, id, from, to, f, errors).await
        }
    }
}

#[utoipa::path(get, path = "/isolation/points/{id}/roster.csv", tag = "pages", params(("id" = i64, Path), RosterQuery),
    responses((status = 200, description = "the roster as CSV (UTF-8 with BOM, opens in Excel)", body = String, content_type = "text/csv")))]
pub async fn roster_csv(
    State(s): State<AppState>,
    user: PageUser,
    lang: Lang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RosterQuery>,
) -> Result<Response, AppError> {
    let (from, to) = roster_range(&s, &q);
    let view = uc::get_roster(&s.db, &user.actor, id, &from, &to).await?;
    let field = |t: &str| if t.contains([',', '"', '\n']) { format!("\"{}\"", t.replace('"', "\"\"")) } else { t.to_string() };
    let mut csv = String::from("\u{feff}");
    let head = ["isolation.taken_on", "isolation.shift", "isolation.group", "isolation.name", "isolation.party_member"].map(|k| lang.t(k));
    csv.push_str(&head.join(","));
    csv.push_str("\r\n");
    for sh in &view.shifts {
        let rules = RosterRules { shifts_per_day: u8::try_from(sh.shifts_per_day).unwrap_or(3), ..RosterRules::default() };
        let row = [
            sh.shift_on.clone(),
            rules.shift_hours(u8::try_from(sh.shift_index).unwrap_or(0)),
            lang.label("staff_group", &sh.group_code).to_string(),
            field(&sh.staff_name),
            if sh.party_member == 1 { lang.t("isolation.party_member").to_string() } else { String::new() },
        ];
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    let disposition = format!("attachment; filename=\"roster-{from}-{to}.csv\"");
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)], csv).into_response())
}

// ---- documents ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "isolation/documents.html")]
struct DocumentsPage {
    c: Chrome,
    tabs: Tabs,
    documents: Vec<Document>,
    f: DocumentForm,
    errors: FormErrors,
    may_write: bool,
}

/// The document form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

async fn documents_view(s: &AppState, user: &PageUser, lang: Lang, id: i64, f: DocumentForm, errors: FormErrors) -> Result<Response, AppError> {
    let documents = uc::list_documents(&s.db, &user.actor, id).await?;
    let page = DocumentsPage {
        c: chrome(s, user, lang, &format!("/isolation/points/{id}/documents")).await,
        tabs: tabs(s, user, id, "documents").await?,
        documents,
        f,
        errors,
        may_write: may_write(user.actor.role),
    };
    Ok(with_status(render(&page)?, &page.errors))
}

#[utoipa::path(get, path = "/isolation/points/{id}/documents", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "the point's rules and regulations", body = String, content_type = "text/html")))]
pub async fn documents_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    documents_view(&s, &user, lang, id, DocumentForm::default(), FormErrors::default()).await
}

#[utoipa::path(post, path = "/isolation/points/{id}/documents", tag = "pages", params(("id" = i64, Path)),
    responses((status = 303, description = "added; to the document"), (status = 422, description = "the page again, with messages", body = String, content_type = "text/html")))]
pub async fn create_document(State(s): State<AppState>, lang: Lang, ApiPath(id): ApiPath<i64>, form: CsrfForm<DocumentForm>) -> Result<Response, AppError> {
    let CsrfForm { user, form: f } = form;
    match uc::create_document(&s.work(), &user.actor, id, &DocumentInput { title: f.title.clone(), body: f.body.clone() }).await {
        Ok(d) => Ok(Redirect::to(&format!("/isolation/documents/{}", d.id)).into_response()),
        Err(e) => documents_view(&s, &user, lang, id, f, FormErrors::from_app_error(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "isolation/document.html")]
struct DocumentPage {
    c: Chrome,
    tabs: Tabs,
    d: Document,
    may_write: bool,
}

#[utoipa::path(get, path = "/isolation/documents/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "one rule or regulation (printable)", body = String, content_type = "text/html")))]
pub async fn document_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let d = uc::get_document(&s.db, &user.actor, id).await?;
    render(&DocumentPage {
        c: chrome(&s, &user, lang, &format!("/isolation/points/{}/documents", d.point_id)).await,
        tabs: tabs(&s, &user, d.point_id, "documents").await?,
        d,
        may_write: may_write(user.actor.role),
    })
}

#[utoipa::path(get, path = "/isolation/documents/{id}/delete", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, description = "asks before deleting", body = String, content_type = "text/html")))]
pub async fn confirm_delete_document(State(s): State<AppState>, user: PageUser, lang: Lang, ApiPath(id): ApiPath<i64>) -> Result<Response, AppError> {
    let d = uc::get_document(&s.db, &user.actor, id).await?;
    render(&ConfirmPage {
        c: chrome(&s, &user, lang, &format!("/isolation/points/{}/documents", d.point_id)).await,
        title: d.title,
        question: lang.t("isolation.delete_document_question"),
        action: format!("/isolation/documents/{id}/delete"),
        cancel: format!("/isolation/documents/{id}"),
        csrf: user.csrf.clone(),
    })
}

#[utoipa::path(post, path = "/isolation/documents/{id}/delete", tag = "pages", params(("id" = i64, Path)), responses((status = 303, description = "deleted")))]
pub async fn delete_document(State(s): State<AppState>, ApiPath(id): ApiPath<i64>, form: CsrfForm<NoFields>) -> Result<Response, AppError> {
    let d = uc::get_document(&s.db, &form.user.actor, id).await?;
    uc::delete_document(&s.work(), &form.user.actor, id).await?;
    Ok(Redirect::to(&format!("/isolation/points/{}/documents", d.point_id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_words() {
        for g in StaffGroup::ALL {
            assert_eq!(Lang::Zh.label("staff_group", g.code()), g.label());
        }
        for s in PersonSource::ALL {
            assert_eq!(Lang::Zh.label("person_source", s.code()), s.label());
        }
        for s in Slot::ALL {
            assert_eq!(Lang::Zh.label("slot", s.code()), s.label());
        }
        for g in Gender::ALL {
            assert_eq!(Lang::Zh.label("gender", g.code()), g.label());
        }
    }
}
