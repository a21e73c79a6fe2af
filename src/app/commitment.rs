//! 承诺制复工: a commerce or service business reopens at once on a signed,
//! complete commitment; a share is drawn at random, reproducibly, for spot
//! checks (抽查); a failed check becomes a work order and may suspend it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text, parse_date};
use super::workorder::{OrderInput, file_in};
use super::{Actor, snapshot};
use crate::domain::registry::{optional_text, required_text};
use crate::domain::resumption::{self as rules, ResumptionStatus, StatusReport};
use crate::domain::{EnterpriseKind, FieldError, Role};
use crate::error::AppError;
use crate::store::registry as reg;
use crate::store::resumption::{self as repo, ChecklistItem, CommitmentRow, DrawRow, SpotCheckRow};
use crate::store::{Page, PageRequest, audit};

/// # Errors
/// Only a database failure.
pub async fn checklist(cx: &WorkContext) -> Result<Vec<ChecklistItem>, AppError> {
    let mut conn = cx.db.pool().acquire().await?;
    Ok(repo::active_checklist(&mut conn).await?)
}

/// A commitment as the form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CommitmentInput {
    /// the business (an enterprise user's own is used regardless)
    pub enterprise_id: Option<i64>,
    /// who signs (法定代表人或负责人)
    pub signer: String,
    /// YYYY-MM-DD (default: today)
    pub signed_on: Option<String>,
    /// codes of the checklist items ticked
    #[serde(default)]
    pub items: Vec<String>,
}

/// Submits a commitment; a complete one reopens the business at once.
///
/// # Errors
/// `Forbidden` outside the actor's businesses; `Validation` for an unticked
/// item (each named), a business that is not commerce or services; `Conflict`
/// when a commitment is already in force.
pub async fn submit(cx: &WorkContext, actor: &Actor, input: &CommitmentInput) -> Result<CommitmentRow, AppError> {
    let enterprise_id = match actor.role {
        Role::Enterprise => actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?,
        Role::Township | Role::Leader | Role::Admin => input.enterprise_id.ok_or_else(|| AppError::field("enterprise_id", "请选择企业"))?,
        _ => return Err(AppError::Forbidden("您的角色不能提交复工承诺")),
    };
    let mut errors = Vec::new();
    let signer = required_text("signer", "承诺人", &input.signer, 30).map_err(|e| errors.push(e)).unwrap_or_default();
    let signed_on = match input.signed_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => match parse_date(d) {
            Ok(day) if day <= cx.today() => date_text(day),
            Ok(_) => {
                errors.push(FieldError::new("signed_on", "签署日期不能晚于今天"));
                String::new()
            }
            Err(_) => {
                errors.push(FieldError::new("signed_on", "日期格式应为 YYYY-MM-DD"));
                String::new()
            }
        },
        None => cx.today_text(),
    };
    let mut tx = cx.db.begin_write().await?;
    let required: Vec<(String, String)> = repo::active_checklist(&mut tx).await?.into_iter().map(|i| (i.code, i.text)).collect();
    let missing = rules::unticked(&required, &input.items);
    if !missing.is_empty() {
        errors.push(FieldError::new("items", format!("以下防疫措施未勾选承诺：{}", missing.join("；"))));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let e = reg::find_enterprise(&mut tx, enterprise_id).await?.ok_or_else(|| AppError::field("enterprise_id", "所选企业不存在"))?;
    if actor.role == Role::Township && actor.township_id != Some(e.township_id) {
        return Err(AppError::Forbidden("只能为本乡镇办的企业提交承诺"));
    }
    if e.kind.0 != EnterpriseKind::CommerceService {
        return Err(AppError::field("enterprise_id", "承诺制复工适用于商贸服务业企业"));
    }
    let ticked: Vec<&String> = required.iter().map(|(code, _)| code).collect();
    let items_json = serde_json::to_string(&ticked).unwrap_or_else(|_| "[]".into());
    let at = cx.now_text();
    let by = (actor.user_id > 0).then_some(actor.user_id);
    let id = repo::insert_commitment(&mut tx, e.id, &signer, &signed_on, &items_json, by, &at)
        .await
        .map_err(|err| AppError::from_store(err, &[("", "enterprise_id", "该企业已有生效的复工承诺")], ""))?;
    // reopened at once: the day's status says so, with the workers and capacity
    // the business last reported (none known: nobody counted back yet), never
    // figures nobody gave
    let last = repo::latest_report(&mut tx, e.id, &cx.today_text()).await?;
    let (workers_back, workers_total, capacity_pct) = match &last {
        Some(r) => (r.workers_back, r.workers_total, r.capacity_pct),
        None => (0, e.headcount, 0),
    };
    let reopened = StatusReport {
        status: ResumptionStatus::Resumed,
        workers_back,
        workers_total,
        capacity_pct,
        note: "承诺制复工（人数和产能沿用上次填报，请及时更新）".into(),
    };
    repo::put_report(&mut tx, e.id, &cx.today_text(), &reopened, by, &at).await.map_err(|err| AppError::from_store(err, &[], ""))?;
    let created = repo::find_commitment(&mut tx, id).await?.ok_or(AppError::NotFound("复工承诺"))?;
    let mut entry = actor.audit("create", "commitment", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Commitments in the actor's scope.
///
/// # Errors
/// `Forbidden` for roles without commitments.
pub async fn list(cx: &WorkContext, actor: &Actor, state: Option<&str>, page: &PageRequest) -> Result<Page<CommitmentRow>, AppError> {
    let (enterprise, township) = match actor.role {
        Role::Admin | Role::Leader | Role::Department => (None, None),
        Role::Township => (None, Some(actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?)),
        Role::Enterprise => (Some(actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?), None),
        _ => return Err(AppError::Forbidden("您的角色无权查看复工承诺")),
    };
    if let Some(s) = state.filter(|s| !matches!(*s, "active" | "suspended")) {
        return Err(AppError::field("state", format!("未知的承诺状态“{s}”")));
    }
    Ok(repo::list_commitments(&cx.db, enterprise, township, state, page).await?)
}

/// A draw for spot checks.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DrawInput {
    /// the share to draw, 1–100 (%)
    pub share_pct: i64,
    /// a seed to repeat a draw; drawn at random when absent
    pub seed: Option<u64>,
}

/// The draw made and the checks it created.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Drawn {
    pub draw_id: i64,
    /// the seed, recorded so that the draw can be verified
    pub seed: String,
    pub population: i64,
    pub commitment_ids: Vec<i64>,
}

/// Draws a share of the commitments in force that no draw has picked yet.
///
/// # Errors
/// `Forbidden` (leader and admin); `Validation` for a share outside 1–100.
pub async fn draw(cx: &WorkContext, actor: &Actor, input: &DrawInput) -> Result<Drawn, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    if !(1..=100).contains(&input.share_pct) {
        return Err(AppError::field("share_pct", "抽查比例应为1%到100%"));
    }
    let seed = input.seed.unwrap_or_else(rand::random);
    let mut tx = cx.db.begin_write().await?;
    let population = repo::undrawn_active_commitments(&mut tx).await?;
    let picked = rules::draw(&population, input.share_pct as u32, seed);
    let at = cx.now_text();
    let id =
        repo::insert_draw(&mut tx, &at, &seed.to_string(), input.share_pct, &population, picked.len() as i64, (actor.user_id > 0).then_some(actor.user_id))
            .await
            .map_err(|e| AppError::from_store(e, &[], ""))?;
    for commitment in &picked {
        repo::insert_spot_check(&mut tx, id, *commitment).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    }
    let mut entry = actor.audit("draw", "spot_check_draw", Some(id));
    entry.after = Some(serde_json::json!({"seed": seed.to_string(), "share_pct": input.share_pct, "population": population, "picked": picked}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(Drawn { draw_id: id, seed: seed.to_string(), population: population.len() as i64, commitment_ids: picked })
}

/// Spot checks in the actor's scope.
///
/// # Errors
/// `Forbidden` outside the zone's staff.
pub async fn list_checks(cx: &WorkContext, actor: &Actor, draw_id: Option<i64>, page: &PageRequest) -> Result<Page<SpotCheckRow>, AppError> {
    let township = match actor.role {
        Role::Admin | Role::Leader | Role::Department => None,
        Role::Township => Some(actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?),
        _ => return Err(AppError::Forbidden("您的角色无权查看抽查")),
    };
    Ok(repo::list_spot_checks(&cx.db, draw_id, township, page).await?)
}

/// The result of a spot check.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CheckResult {
    pub passed: bool,
    pub inspector: String,
    #[serde(default)]
    pub note: String,
    /// a failed check: suspend the commitment too
    #[serde(default)]
    pub suspend: bool,
    /// a failed check: the category of the work order it files (default epidemic_supplies)
    #[serde(default)]
    pub category: Option<String>,
}

/// The category a failed check's order is filed under when the checker names none.
pub const DEFAULT_CHECK_CATEGORY: &str = "epidemic_supplies";

/// Records a spot check; a failed one files a work order (and may suspend the
/// commitment, closing the business again).
///
/// # Errors
/// `Forbidden` (leader, admin, or the business's township); `NotFound`;
/// `Conflict` when it was already recorded; `Validation`.
pub async fn record(cx: &WorkContext, actor: &Actor, id: i64, input: &CheckResult) -> Result<SpotCheckRow, AppError> {
    let mut errors = Vec::new();
    let inspector = required_text("inspector", "检查人", &input.inspector, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let note = optional_text("note", "检查情况", &input.note, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
    if !input.passed && note.is_empty() {
        errors.push(FieldError::new("note", "未通过时请写明发现的问题"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = cx.db.begin_write().await?;
    let check = repo::find_spot_check(&mut tx, id).await?.ok_or(AppError::NotFound("抽查"))?;
    let allowed = matches!(actor.role, Role::Admin | Role::Leader) || (actor.role == Role::Township && actor.township_id == Some(check.township_id));
    if !allowed {
        return Err(AppError::Forbidden("无权登记该抽查结果"));
    }
    if check.state != "pending" {
        return Err(AppError::Conflict { code: "already_recorded", message: "该抽查结果已登记".into(), field: None });
    }
    let order = if input.passed {
        None
    } else {
        // filed as an inspection (督导检查) without a source_ref: an inspection's
        // source_ref names a finding, and a spot check's id is not one; the
        // check names its order (work_order_id) and the text names the check
        let category = input.category.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or(DEFAULT_CHECK_CATEGORY);
        let demand = OrderInput {
            enterprise_id: Some(check.enterprise_id),
            category: category.into(),
            title: format!("承诺制复工抽查未通过：{}", check.enterprise_name),
            description: format!("承诺制复工抽查#{}（抽查批次#{}，承诺书#{}）未通过：{note}", check.id, check.draw_id, check.commitment_id),
            source: Some("inspection".into()),
            source_ref: None,
            ..OrderInput::default()
        };
        let filer = Actor { role: Role::Leader, ..actor.clone() };
        Some(file_in(&mut tx, cx, &filer, &demand).await?.order.id)
    };
    let today = cx.today_text();
    repo::record_spot_check(&mut tx, id, input.passed, &today, &inspector, &note, order).await?;
    if !input.passed && input.suspend {
        repo::suspend_commitment(&mut tx, check.commitment_id, &note, &cx.now_text()).await?;
        // closed again: nobody at work, but the business still has its workers
        let last = repo::latest_report(&mut tx, check.enterprise_id, &today).await?;
        let workers_total = last.map(|r| r.workers_total).unwrap_or(0);
        let closed =
            StatusReport {
                status: ResumptionStatus::NotResumed, workers_back: 0, workers_total, capacity_pct: 0, note: "抽查未通过，暂停营业整改".into()
            };
        repo::put_report(&mut tx, check.enterprise_id, &today, &closed, (actor.user_id > 0).then_some(actor.user_id), &cx.now_text())
            .await
            .map_err(|e| AppError::from_store(e, &[], ""))?;
    }
    let after = repo::find_spot_check(&mut tx, id).await?.ok_or(AppError::NotFound("抽查"))?;
    let mut entry = actor.audit("record", "spot_check", Some(id));
    entry.before = snapshot(&check);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- the checklist, configured by the administrator ---------------------------

/// Every checklist item, deactivated ones too (the administrator's view).
///
/// # Errors
/// `Forbidden` for everyone but the administrator.
pub async fn checklist_all(cx: &WorkContext, actor: &Actor) -> Result<Vec<ChecklistItem>, AppError> {
    actor.require(&[Role::Admin])?;
    let mut conn = cx.db.pool().acquire().await?;
    Ok(repo::all_checklist(&mut conn).await?)
}

/// A checklist item as the form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ChecklistInput {
    /// what the business promises, e.g. 每日对经营场所消毒不少于两次
    pub text: String,
    /// where it stands in the list (smaller first; default 0)
    #[serde(default)]
    pub sort: Option<i64>,
    /// false deactivates it: no longer asked for, kept for the commitments that ticked it
    #[serde(default)]
    pub active: Option<bool>,
}

fn check_item(input: &ChecklistInput) -> Result<(String, i64), AppError> {
    let mut errors = Vec::new();
    let text = required_text("text", "防疫措施", &input.text, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let sort = input.sort.unwrap_or(0);
    if !(0..=1000).contains(&sort) {
        errors.push(FieldError::new("sort", "排序应为0到1000之间的整数"));
    }
    if errors.is_empty() { Ok((text, sort)) } else { Err(errors.into()) }
}

/// Adds an item every later commitment must tick (administrator).
///
/// # Errors
/// `Forbidden`; `Validation` for an empty text or a bad sort.
pub async fn add_item(cx: &WorkContext, actor: &Actor, input: &ChecklistInput) -> Result<ChecklistItem, AppError> {
    actor.require(&[Role::Admin])?;
    let (text, sort) = check_item(input)?;
    let mut tx = cx.db.begin_write().await?;
    let id = repo::insert_checklist_item(&mut tx, &text, sort).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let item = repo::find_checklist_item(&mut tx, id).await?.ok_or(AppError::NotFound("防疫措施"))?;
    let mut entry = actor.audit("create", "checklist_item", Some(id));
    entry.after = snapshot(&item);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(item)
}

/// Edits an item's text or place, or (de)activates it (administrator). Past
/// commitments keep the codes they ticked; a deactivated item is no longer asked for.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Validation`.
pub async fn edit_item(cx: &WorkContext, actor: &Actor, id: i64, input: &ChecklistInput) -> Result<ChecklistItem, AppError> {
    actor.require(&[Role::Admin])?;
    let (text, sort) = check_item(input)?;
    let mut tx = cx.db.begin_write().await?;
    let before = repo::find_checklist_item(&mut tx, id).await?.ok_or(AppError::NotFound("防疫措施"))?;
    let active = input.active.unwrap_or(before.active == 1);
    if !active && before.active == 1 && repo::active_checklist(&mut tx).await?.len() <= 1 {
        return Err(AppError::field("active", "至少保留一项须承诺的防疫措施"));
    }
    repo::update_checklist_item(&mut tx, id, &text, sort, active).await?;
    let after = repo::find_checklist_item(&mut tx, id).await?.ok_or(AppError::NotFound("防疫措施"))?;
    let mut entry = actor.audit("update", "checklist_item", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

// ---- one commitment and its timeline ------------------------------------------

/// One step of a commitment's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineStep {
    /// when (a timestamp, or a day for a check's result)
    pub at: String,
    /// submitted, drawn, checked, suspended, restored
    pub kind: String,
    /// what happened, in Chinese
    pub text: String,
    pub draw_id: Option<i64>,
    pub seed: Option<String>,
    pub spot_check_id: Option<i64>,
    /// a check's result: true passed, false failed
    pub passed: Option<bool>,
    /// the work order a failed check filed
    pub work_order_id: Option<i64>,
    /// the new commitment a suspended business reopened on
    pub commitment_id: Option<i64>,
}

impl TimelineStep {
    fn new(at: &str, kind: &str, text: String) -> Self {
        TimelineStep {
            at: at.to_string(),
            kind: kind.to_string(),
            text,
            draw_id: None,
            seed: None,
            spot_check_id: None,
            passed: None,
            work_order_id: None,
            commitment_id: None,
        }
    }
}

/// An item of the checklist as the commitment answered it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TickedItem {
    pub code: String,
    pub text: String,
    pub ticked: bool,
}

/// A commitment with what it ticked and what happened to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommitmentDetail {
    pub commitment: CommitmentRow,
    pub items: Vec<TickedItem>,
    pub timeline: Vec<TimelineStep>,
}

/// A commitment in the actor's scope, with its timeline: submitted (and
/// reopened at once), drawn for a spot check (draw and seed), checked (and the
/// work order a failure filed), suspended, restored (on a new commitment).
///
/// # Errors
/// `NotFound`; `Forbidden` outside the actor's scope (an enterprise sees only
/// its own, a township its own township's).
pub async fn show(cx: &WorkContext, actor: &Actor, id: i64) -> Result<CommitmentDetail, AppError> {
    let mut conn = cx.db.pool().acquire().await?;
    let c = repo::find_commitment(&mut conn, id).await?.ok_or(AppError::NotFound("复工承诺"))?;
    let allowed = match actor.role {
        Role::Admin | Role::Leader | Role::Department => true,
        Role::Township => actor.township_id == Some(c.township_id),
        Role::Enterprise => actor.enterprise_id == Some(c.enterprise_id),
        _ => false,
    };
    if !allowed {
        return Err(AppError::Forbidden("无权查看该复工承诺"));
    }
    let ticked: Vec<String> = serde_json::from_str(&c.items_json).unwrap_or_default();
    let all = repo::all_checklist(&mut conn).await?;
    let mut items: Vec<TickedItem> = all
        .iter()
        .filter(|i| i.active == 1 || ticked.contains(&i.code))
        .map(|i| TickedItem { code: i.code.clone(), text: i.text.clone(), ticked: ticked.contains(&i.code) })
        .collect();
    // a code no longer in the list (should not happen: items are deactivated, never deleted)
    items.extend(ticked.iter().filter(|code| !all.iter().any(|i| &i.code == *code)).map(|code| TickedItem {
        code: code.clone(),
        text: code.clone(),
        ticked: true,
    }));
    // in the order things can happen (a check's result carries only its day,
    // so sorting by time would misplace it): submitted, each draw and its
    // result, then a suspension, which only a failed check makes
    let mut timeline = vec![TimelineStep::new(&c.submitted_at, "submitted", format!("{}签署承诺书并提交，即时复工营业", c.signer))];
    for k in repo::checks_of_commitment(&mut conn, c.id).await? {
        timeline.push(TimelineStep {
            draw_id: Some(k.draw_id),
            seed: Some(k.seed.clone()),
            spot_check_id: Some(k.id),
            ..TimelineStep::new(&k.drawn_at, "drawn", format!("被抽查批次#{}随机抽中（随机种子{}）", k.draw_id, k.seed))
        });
        if let Some(on) = &k.checked_on {
            let passed = k.state == "passed";
            let verdict = if passed { "抽查通过" } else { "抽查未通过" };
            let mut text = format!("{verdict}（检查人：{}）", k.inspector.as_deref().unwrap_or(""));
            if let Some(note) = k.note.as_deref().filter(|n| !n.is_empty()) {
                text.push('：');
                text.push_str(note);
            }
            if let Some(order) = k.work_order_id {
                text.push_str(&format!("，已交办工单#{order}"));
            }
            timeline.push(TimelineStep {
                draw_id: Some(k.draw_id),
                spot_check_id: Some(k.id),
                passed: Some(passed),
                work_order_id: k.work_order_id,
                ..TimelineStep::new(on, "checked", text)
            });
        }
    }
    if let Some(at) = &c.suspended_at {
        timeline.push(TimelineStep::new(at, "suspended", format!("暂停营业整改：{}", c.suspension_reason.as_deref().unwrap_or(""))));
        // restored: once rectified, the business reopens on a new commitment
        if let Some((next, at)) = repo::next_commitment(&mut conn, c.enterprise_id, c.id).await? {
            timeline.push(TimelineStep {
                commitment_id: Some(next), ..TimelineStep::new(&at, "restored", format!("整改后重新提交承诺书#{next}，恢复营业"))
            });
        }
    }
    Ok(CommitmentDetail { commitment: c, items, timeline })
}

// ---- draws -----------------------------------------------------------------

/// A draw with the commitments it picked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrawDetail {
    pub draw: DrawRow,
    /// the population's ids, when recorded (draws since the population was kept)
    pub population_ids: Option<Vec<i64>>,
    /// the commitments drawn, in the draw's order
    pub drawn: Vec<SpotCheckRow>,
}

fn staff_of_checks(actor: &Actor) -> Result<(), AppError> {
    match actor.role {
        Role::Admin | Role::Leader | Role::Department | Role::Township => Ok(()),
        _ => Err(AppError::Forbidden("您的角色无权查看抽查")),
    }
}

/// The draws, newest first (who may see spot checks may see how they were drawn).
///
/// # Errors
/// `Forbidden` outside the staff who see spot checks.
pub async fn list_draws(cx: &WorkContext, actor: &Actor, page: &PageRequest) -> Result<Page<DrawRow>, AppError> {
    staff_of_checks(actor)?;
    Ok(repo::list_draws(&cx.db, page).await?)
}

/// One draw: its seed, share, population and the commitments drawn. A township
/// sees every drawn commitment's name: the draw is the zone's, and its
/// fairness is only checkable whole.
///
/// # Errors
/// `Forbidden`; `NotFound`.
pub async fn show_draw(cx: &WorkContext, actor: &Actor, id: i64) -> Result<DrawDetail, AppError> {
    staff_of_checks(actor)?;
    let mut conn = cx.db.pool().acquire().await?;
    let draw = repo::find_draw(&mut conn, id).await?.ok_or(AppError::NotFound("抽查批次"))?;
    let drawn = repo::drawn_commitments(&mut conn, id).await?;
    let population_ids = draw.population_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
    Ok(DrawDetail { draw, population_ids, drawn })
}
