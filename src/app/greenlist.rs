//! 绿名单: export-oriented enterprises with priority service — listing with
//! history, their service teams (服务专班), and the green-list view.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use sqlx::AnyConnection;

use super::clock::{WorkContext, date_text, parse_date};
use super::{Actor, snapshot};
use crate::domain::registry::required_text;
use crate::domain::resumption::{LIMIT_SHARE, green_limits};
use crate::domain::{EnterpriseKind, FieldError, Role};
use crate::error::AppError;
use crate::store::registry as reg;
use crate::store::resumption::{self as repo, GreenFilter, GreenListEntry, ReportFilter, TeamMember};
use crate::store::workorder::{self as orders, NewEvent, OrderFilter};
use crate::store::{Page, PageRequest, audit};

/// Listing or delisting an enterprise.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ListingInput {
    pub enterprise_id: i64,
    /// YYYY-MM-DD (default: today)
    pub on: Option<String>,
    pub reason: String,
}

fn check_listing(cx: &WorkContext, input: &ListingInput) -> Result<(String, String), AppError> {
    let mut errors = Vec::new();
    let reason = required_text("reason", "理由", &input.reason, 500).map_err(|e| errors.push(e)).unwrap_or_default();
    let on = match input.on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date(d).map(date_text).map_err(|_| errors.push(FieldError::new("on", "日期格式应为 YYYY-MM-DD"))).unwrap_or_default(),
        None => cx.today_text(),
    };
    if errors.is_empty() { Ok((on, reason)) } else { Err(errors.into()) }
}

/// Puts an export-oriented enterprise on the green list (leader or admin).
/// Its open orders of normal priority are raised to high at once (each with a
/// line in its timeline), as its new orders are when filed.
///
/// # Errors
/// `Forbidden`; `Validation` for an enterprise that is not foreign-trade or
/// industrial; `Conflict` when it is already listed.
pub async fn add(cx: &WorkContext, actor: &Actor, input: &ListingInput) -> Result<GreenListEntry, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let (on, reason) = check_listing(cx, input)?;
    let mut tx = cx.db.begin_write().await?;
    let e = reg::find_enterprise(&mut tx, input.enterprise_id).await?.ok_or_else(|| AppError::field("enterprise_id", "所选企业不存在"))?;
    if !matches!(e.kind.0, EnterpriseKind::ForeignTrade | EnterpriseKind::Industrial) {
        return Err(AppError::field("enterprise_id", "绿名单只收录外向型工业企业（外贸企业、工业企业）"));
    }
    let id = repo::add_to_green_list(&mut tx, e.id, &on, &reason, &cx.now_text())
        .await
        .map_err(|err| AppError::from_store(err, &[("", "enterprise_id", "该企业已在绿名单中")], ""))?;
    let at = cx.now_text();
    let raised = repo::raise_open_orders(&mut tx, e.id, &at).await?;
    for (order, state, department) in &raised {
        let event = NewEvent {
            order_id: *order,
            at: &at,
            actor_id: (actor.user_id > 0).then_some(actor.user_id),
            actor_name: &actor.display_name,
            action: "note",
            from_state: Some(state),
            to_state: state,
            department_id: *department,
            note: "企业列入绿名单，优先级提升为“高”",
        };
        orders::insert_event(&mut tx, &event).await?;
    }
    let mut entry = actor.audit("create", "green_list", Some(id));
    entry.after =
        Some(serde_json::json!({"enterprise_id": e.id, "added_on": on, "reason": reason, "orders_raised": raised.iter().map(|r| r.0).collect::<Vec<_>>()}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    current_entry(cx, e.id).await
}

/// Takes an enterprise off the green list; its history is kept.
///
/// # Errors
/// `Forbidden`; `NotFound` when it is not listed; `Validation`.
pub async fn remove(cx: &WorkContext, actor: &Actor, input: &ListingInput) -> Result<(), AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let (on, reason) = check_listing(cx, input)?;
    let mut tx = cx.db.begin_write().await?;
    if !repo::remove_from_green_list(&mut tx, input.enterprise_id, &on, &reason).await? {
        return Err(AppError::NotFound("绿名单中的该企业"));
    }
    let mut entry = actor.audit("remove", "green_list", Some(input.enterprise_id));
    entry.after = Some(serde_json::json!({"enterprise_id": input.enterprise_id, "removed_on": on, "reason": reason}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

async fn current_entry(cx: &WorkContext, enterprise_id: i64) -> Result<GreenListEntry, AppError> {
    let f = GreenFilter { current_only: true, enterprise_id: Some(enterprise_id), ..GreenFilter::default() };
    let page = repo::list_green_list(&cx.db, &f, &PageRequest { page: Some(1), per_page: Some(1) }).await?;
    page.items.into_iter().find(|g| g.enterprise_id == enterprise_id).ok_or(AppError::NotFound("绿名单记录"))
}

/// A service team: its members and its lead.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TeamInput {
    /// cadre ids
    pub members: Vec<i64>,
    /// the lead, one of the members
    pub lead: i64,
}

/// Sets the service team of a listed enterprise (leader or admin).
///
/// # Errors
/// `Forbidden`; `Validation` for an empty team, a lead outside it, an unknown
/// cadre; `NotFound` when the enterprise is not listed.
pub async fn set_team(cx: &WorkContext, actor: &Actor, enterprise_id: i64, input: &TeamInput) -> Result<Vec<TeamMember>, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let mut members = input.members.clone();
    members.sort_unstable();
    members.dedup();
    if members.is_empty() || members.len() > 20 {
        return Err(AppError::field("members", "服务专班应有1到20名成员"));
    }
    if !members.contains(&input.lead) {
        return Err(AppError::field("lead", "牵头人须是专班成员"));
    }
    let mut tx = cx.db.begin_write().await?;
    if !repo::is_green_listed(&mut tx, enterprise_id).await? {
        return Err(AppError::NotFound("绿名单中的该企业"));
    }
    for cadre in &members {
        if reg::find_cadre(&mut tx, *cadre).await?.is_none() {
            return Err(AppError::field("members", format!("干部#{cadre}不存在")));
        }
    }
    let before = repo::service_team(&mut tx, enterprise_id).await?;
    repo::set_service_team(&mut tx, enterprise_id, &members, input.lead).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::service_team(&mut tx, enterprise_id).await?;
    let mut entry = actor.audit("update", "service_team", Some(enterprise_id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// A listed enterprise as the green-list view shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GreenListed {
    pub entry: GreenListEntry,
    pub team: Vec<TeamMember>,
    pub open_orders: i64,
    /// the latest status report's status, if any
    pub status: Option<String>,
    pub status_date: Option<String>,
}

/// The green list (current, or `history` with past memberships), with each
/// enterprise's team, open orders and latest status — of the actor's rows: a
/// township's own enterprises, an officer's own, the whole zone for the rest
/// of the staff.
///
/// # Errors
/// `Forbidden` outside the zone's staff, or for an account bound to nothing.
pub async fn view(cx: &WorkContext, actor: &Actor, history: bool, page: &PageRequest) -> Result<Page<GreenListed>, AppError> {
    let mut f = GreenFilter { current_only: !history, ..GreenFilter::default() };
    match actor.role {
        Role::Admin | Role::Leader | Role::Department => {}
        Role::Township => f.township_id = Some(actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?),
        Role::Officer => f.only_cadre = Some(actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?),
        Role::Enterprise | Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看绿名单")),
    }
    let list = repo::list_green_list(&cx.db, &f, page).await?;
    let mut conn = cx.db.pool().acquire().await?;
    let mut items = Vec::with_capacity(list.items.len());
    for entry in list.items {
        let team = repo::service_team(&mut conn, entry.enterprise_id).await?;
        let open = orders::list_orders(
            &cx.db,
            &OrderFilter { enterprise_id: Some(entry.enterprise_id), open: true, ..OrderFilter::default() },
            &PageRequest { page: Some(1), per_page: Some(1) },
        )
        .await?
        .total;
        let latest = repo::list_reports(
            &cx.db,
            &ReportFilter { enterprise_id: Some(entry.enterprise_id), ..ReportFilter::default() },
            &PageRequest { page: Some(1), per_page: Some(1) },
        )
        .await?
        .items
        .into_iter()
        .next();
        items.push(GreenListed {
            status: latest.as_ref().map(|r| r.status.clone()),
            status_date: latest.map(|r| r.report_date),
            entry,
            team,
            open_orders: open,
        });
    }
    Ok(Page { items, total: list.total, page: list.page, per_page: list.per_page })
}

/// The green list's tighter limits: shares of each category's limits that a
/// listed enterprise's orders run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GreenLimits {
    /// share of the sign-for limit, 10–100 (%); a one-day limit below 100% is the same day
    pub sign_percent: i64,
    /// share of the resolve limit, 10–100 (%), at least one working day
    pub resolve_percent: i64,
}

const SIGN_KEY: &str = "green_list_sign_percent";
const RESOLVE_KEY: &str = "green_list_resolve_percent";

async fn read_limits(conn: &mut AnyConnection) -> Result<GreenLimits, sqlx::Error> {
    Ok(GreenLimits {
        sign_percent: repo::setting_i64(conn, SIGN_KEY, 100).await?.clamp(*LIMIT_SHARE.start(), *LIMIT_SHARE.end()),
        resolve_percent: repo::setting_i64(conn, RESOLVE_KEY, 50).await?.clamp(*LIMIT_SHARE.start(), *LIMIT_SHARE.end()),
    })
}

/// The limits in force (any of the staff may read them: they explain deadlines).
///
/// # Errors
/// `Forbidden` outside the staff.
pub async fn limits(cx: &WorkContext, actor: &Actor) -> Result<GreenLimits, AppError> {
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("您的角色无权查看绿名单时限设置"));
    }
    let mut conn = cx.db.pool().acquire().await?;
    Ok(read_limits(&mut conn).await?)
}

/// Sets the limits (administrator); orders assigned from now on run on them.
///
/// # Errors
/// `Forbidden`; `Validation` for a share outside 10–100%.
pub async fn set_limits(cx: &WorkContext, actor: &Actor, input: &GreenLimits) -> Result<GreenLimits, AppError> {
    actor.require(&[Role::Admin])?;
    let mut errors = Vec::new();
    for (field, v) in [("sign_percent", input.sign_percent), ("resolve_percent", input.resolve_percent)] {
        if !LIMIT_SHARE.contains(&v) {
            errors.push(FieldError::new(field, "时限比例应为10%到100%之间的整数"));
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = cx.db.begin_write().await?;
    let before = read_limits(&mut tx).await?;
    repo::set_setting(&mut tx, SIGN_KEY, &input.sign_percent.to_string()).await?;
    repo::set_setting(&mut tx, RESOLVE_KEY, &input.resolve_percent.to_string()).await?;
    let mut entry = actor.audit("update", "green_list_limits", None);
    entry.before = snapshot(&before);
    entry.after = snapshot(input);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(*input)
}

/// The sign-for and resolve limits (working days) of an order of
/// `enterprise_id` whose category allows `sign_days` and `resolve_days`: the
/// green list's shares when the enterprise is listed, the category's own
/// otherwise. The work-order engine asks this whenever it hands an order on.
///
/// # Errors
/// Only a database failure.
pub async fn order_limits(conn: &mut AnyConnection, enterprise_id: Option<i64>, sign_days: i64, resolve_days: i64) -> Result<(i64, i64), sqlx::Error> {
    match enterprise_id {
        Some(e) if repo::is_green_listed(conn, e).await? => {
            let l = read_limits(conn).await?;
            Ok(green_limits(sign_days, resolve_days, l.sign_percent, l.resolve_percent))
        }
        _ => Ok((sign_days, resolve_days)),
    }
}
