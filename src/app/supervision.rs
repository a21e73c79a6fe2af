//! 督办: the sweep that escalates orders past a limit and reminds departments of
//! limits that fall on the next working day (or today), and the leader's
//! supervision list.
//!
//! Each limit is its own period: a new deadline (supervision, an extension), a
//! transfer or a reopening clears the escalation, and the new limit gets its
//! own reminder and, once passed, its own escalation.

use super::Actor;
use super::clock::WorkContext;
use crate::domain::Role;
use crate::domain::workorder::OrderState;
use crate::error::AppError;
use crate::store::workorder::{self as repo, OrderFilter, WorkOrder};
use crate::store::{Page, PageRequest, StoreError, schedule};

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SweepReport {
    pub escalated: usize,
    pub reminded: usize,
}

/// Escalates every open order past a limit as of the context's day, and
/// reminds the departments whose limits fall today or on the next working
/// day. Safe to run often: an order is escalated once per limit and each
/// reminder is sent once per limit (`reminded` counts the orders whose
/// department was told this time).
///
/// # Errors
/// A database failure.
pub async fn sweep(cx: &WorkContext) -> Result<SweepReport, AppError> {
    let today = cx.today_text();
    let system = Actor { display_name: "系统".into(), ..Actor::system() };
    let mut report = SweepReport::default();
    let candidates = {
        let mut conn = cx.db.pool().acquire().await?;
        repo::overdue_unescalated(&mut conn, &today).await?
    };
    for id in candidates {
        if escalate_one(cx, &system, id, &today).await? {
            report.escalated += 1;
        }
    }
    report.escalated += super::policy::escalate_overdue_payments(cx).await?;
    let mut tx = cx.db.begin_write().await?;
    let at = cx.now_text();
    // the working day before a limit, and the limit's own day: a limit on
    // Monday is told on Friday (and again on the day if the sweep missed Friday)
    let horizon = cx.calendar.add_working_days(cx.today(), 1).map(super::clock::date_text).unwrap_or_else(|_| today.clone());
    for (id, limit, day) in repo::due_between(&mut tx, &today, &horizon).await? {
        let Some(o) = repo::find_order(&mut tx, id).await? else { continue };
        let Some(department) = o.department_id else { continue };
        let (kind, what) = if limit == "sign" { ("nearing_sign", "签收") } else { ("nearing_resolve", "办结") };
        let when = if day == today { "今日".to_string() } else { day.clone() };
        let users = repo::department_users(&mut tx, department).await?;
        let text = format!("{when}为{what}时限（{day}）：{}", o.title);
        if repo::notify_once(&mut tx, &users, id, kind, &format!("{limit}:{day}"), &text, &at).await? > 0 {
            report.reminded += 1;
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Job name of the sweep in the run log.
pub const SWEEP_JOB: &str = "supervision_sweep";

/// The sweep as serving instances run it: each minute's run goes to exactly one
/// of the instances on the database (`None` when another has it).
///
/// # Errors
/// A database failure.
pub async fn scheduled_sweep(cx: &WorkContext) -> Result<Option<SweepReport>, AppError> {
    let at = cx.now_text();
    let minute = at.get(..16).unwrap_or(&at);
    let real_now = time::OffsetDateTime::now_utc();
    if !schedule::claim(&cx.db, SWEEP_JOB, minute, schedule::runner_id(), &crate::store::timestamp(real_now)).await? {
        return Ok(None);
    }
    schedule::prune(&cx.db, &crate::store::timestamp(real_now - time::Duration::days(7))).await?;
    sweep(cx).await.map(Some)
}

/// Escalates one order if it is still overdue and unescalated (another sweep
/// or a user may have acted since it was found).
async fn escalate_one(cx: &WorkContext, system: &Actor, id: i64, today: &str) -> Result<bool, AppError> {
    let mut tx = cx.db.begin_write().await?;
    let Some(mut o) = repo::find_order(&mut tx, id).await? else { return Ok(false) };
    let Some(reason) = overdue_reason(&o, today) else { return Ok(false) };
    if o.escalated_at.is_some() {
        return Ok(false);
    }
    let at = cx.now_text();
    o.escalated_at = Some(at.clone());
    o.escalation = Some(reason.to_string());
    match repo::save_order(&mut tx, &o, &at).await {
        Ok(()) => {}
        Err(StoreError::Stale) => return Ok(false),
        Err(e) => return Err(AppError::from_store(e, &[], "")),
    }
    let state = OrderState::parse(&o.state).unwrap_or(OrderState::Assigned);
    let what = if reason == "sign" { "签收" } else { "办结" };
    let note = format!("超过{what}时限，列入督办");
    repo::insert_event(&mut tx, &super::workorder::event(system, id, &at, "escalate", Some(state), state, o.department_id, &note)).await?;
    let mut users = repo::leader_users(&mut tx).await?;
    if let Some(d) = o.department_id {
        users.extend(repo::department_users(&mut tx, d).await?);
    }
    let deadline = if reason == "sign" { o.sign_deadline.clone() } else { o.resolve_deadline.clone() }.unwrap_or_default();
    repo::notify_once(&mut tx, &users, id, "escalated", &format!("{reason}:{deadline}"), &format!("工单超期督办：{}", o.title), &at).await?;
    super::workorder::tell_followers(&mut tx, &o, "escalated", &format!("工单超期，已列入督办：{}", o.title), &at).await?;
    tx.commit().await?;
    Ok(true)
}

/// Which limit an open order has passed as of `today`, if any.
pub fn overdue_reason(o: &WorkOrder, today: &str) -> Option<&'static str> {
    let past = |d: &Option<String>| d.as_deref().is_some_and(|d| d < today);
    match o.state.as_str() {
        "assigned" if past(&o.sign_deadline) => Some("sign"),
        "assigned" | "in_progress" if past(&o.resolve_deadline) => Some("resolve"),
        _ => None,
    }
}

/// Which part of the supervision list to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct SupervisionFilter {
    /// only orders held by this department
    pub department_id: Option<i64>,
    /// only orders of this township
    pub township_id: Option<i64>,
}

/// The leader's supervision list: escalated open orders, the most overdue first.
///
/// # Errors
/// `Forbidden` for anyone but a leader or admin.
pub async fn supervision_list(cx: &WorkContext, actor: &Actor, page: &PageRequest) -> Result<Page<WorkOrder>, AppError> {
    supervision_list_in(cx, actor, SupervisionFilter::default(), page).await
}

/// `supervision_list` narrowed to a department and/or a township.
///
/// # Errors
/// `Forbidden` for anyone but a leader or admin.
pub async fn supervision_list_in(cx: &WorkContext, actor: &Actor, only: SupervisionFilter, page: &PageRequest) -> Result<Page<WorkOrder>, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let filter = OrderFilter {
        escalated: Some(true),
        overdue_first: true,
        today: Some(cx.today_text()),
        department_id: only.department_id,
        township_id: only.township_id,
        ..OrderFilter::default()
    };
    Ok(repo::list_orders(&cx.db, &filter, page).await?)
}
