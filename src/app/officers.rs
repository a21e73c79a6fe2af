//! 首席服务员: officers' visits (走访记录) and the demands they raise, the end of
//! an assignment, coverage (which enterprises lack an officer) and an officer's
//! own view of its enterprises.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text, parse_date};
use super::workorder::{Filed, OrderInput, file_in};
use super::{Actor, snapshot};
use crate::domain::registry::required_text;
use crate::domain::{EnterpriseKind, Role};
use crate::error::AppError;
use crate::store::registry::{self as reg, EnterpriseFilter};
use crate::store::workorder::{self as repo, OrderFilter, Visit, WorkOrder};
use crate::store::{Db, Page, PageRequest, audit};

/// A demand raised on a visit: it becomes an order.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DemandInput {
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// A visit as an officer records it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct VisitInput {
    pub enterprise_id: i64,
    /// YYYY-MM-DD
    pub visited_on: String,
    /// what was found
    pub findings: String,
    /// demands raised, each filed as an order from this visit
    #[serde(default)]
    pub demands: Vec<DemandInput>,
}

/// The visit recorded and the orders it filed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordedVisit {
    pub visit: Visit,
    pub orders: Vec<Filed>,
}

/// Records an officer's visit to one of its enterprises, filing each demand as
/// an order linked to the visit — all or nothing.
///
/// # Errors
/// `Forbidden` unless the actor is the enterprise's current officer; `Validation`.
pub async fn record_visit(cx: &WorkContext, actor: &Actor, input: &VisitInput) -> Result<RecordedVisit, AppError> {
    actor.require(&[Role::Officer])?;
    let cadre = actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?;
    let findings = required_text("findings", "走访情况", &input.findings, 2000)?;
    let day = parse_date(&input.visited_on).map_err(|_| AppError::field("visited_on", "日期格式应为 YYYY-MM-DD"))?;
    if day > cx.today() {
        return Err(AppError::field("visited_on", "走访日期不能晚于今天"));
    }
    if input.demands.len() > 20 {
        return Err(AppError::field("demands", "一次走访最多提出20项诉求"));
    }
    let mut tx = cx.db.begin_write().await?;
    reg::find_enterprise(&mut tx, input.enterprise_id).await?.ok_or_else(|| AppError::field("enterprise_id", "所选企业不存在"))?;
    if !reg::cadre_serves(&mut tx, cadre, input.enterprise_id).await? {
        return Err(AppError::Forbidden("只能走访本人派驻的企业"));
    }
    let at = cx.now_text();
    let id = repo::insert_visit(&mut tx, cadre, input.enterprise_id, &date_text(day), &findings, Some(actor.user_id), &at)
        .await
        .map_err(|e| AppError::from_store(e, &[], ""))?;
    let mut orders = Vec::new();
    for d in &input.demands {
        let order = OrderInput {
            enterprise_id: Some(input.enterprise_id),
            category: d.category.clone(),
            title: d.title.clone(),
            description: d.description.clone(),
            source_ref: Some(id),
            ..OrderInput::default()
        };
        orders.push(file_in(&mut tx, cx, actor, &order).await?);
    }
    let visit = repo::find_visit(&mut tx, id).await?.ok_or(AppError::NotFound("走访记录"))?;
    let mut entry = actor.audit("create", "visit", Some(id));
    entry.after = snapshot(&visit);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(RecordedVisit { visit, orders })
}

/// Visits an actor may read: an officer its own, staff all, an enterprise those to it.
///
/// # Errors
/// `Forbidden` for volunteers and isolation staff.
pub async fn list_visits(db: &Db, actor: &Actor, enterprise_id: Option<i64>, page: &PageRequest) -> Result<Page<Visit>, AppError> {
    let (cadre, enterprise) = match actor.role {
        Role::Admin | Role::Leader | Role::Department | Role::Township => (None, enterprise_id),
        Role::Officer => (Some(actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?), enterprise_id),
        Role::Enterprise => (None, Some(actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?)),
        Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看走访记录")),
    };
    Ok(repo::list_visits(db, cadre, enterprise, page).await?)
}

/// Ends a current assignment (history is kept).
///
/// # Errors
/// `Forbidden` (admin and leader only), `NotFound`, `Validation`.
pub async fn end_assignment(db: &Db, actor: &Actor, assignment_id: i64, ended_on: &str) -> Result<(), AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let day = parse_date(ended_on).map_err(|_| AppError::field("ended_on", "日期格式应为 YYYY-MM-DD"))?;
    let mut tx = db.begin_write().await?;
    let before = reg::find_assignment(&mut tx, assignment_id).await?.ok_or(AppError::NotFound("在岗的派驻记录"))?;
    if before.ended_on.is_some() {
        return Err(AppError::Conflict { code: "already_ended", message: "该派驻已于此前结束".to_string(), field: Some("ended_on") });
    }
    if date_text(day) < before.started_on {
        return Err(AppError::field("ended_on", format!("结束日期不能早于派驻日期（{}）", before.started_on)));
    }
    let done = reg::end_officer_assignment(&mut tx, assignment_id, &date_text(day)).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    if !done {
        return Err(AppError::NotFound("在岗的派驻记录"));
    }
    let mut entry = actor.audit("end", "officer_assignment", Some(assignment_id));
    entry.before = snapshot(&before);
    entry.after = reg::find_assignment(&mut tx, assignment_id).await?.and_then(|after| snapshot(&after));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Coverage of a scope: how many enterprises it has, and which lack an officer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverage {
    pub in_scope: i64,
    pub covered: i64,
    pub uncovered: Page<reg::Enterprise>,
}

/// The scope of a coverage question: all, a township, the green list, or a kind of enterprise.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct CoverageQuery {
    pub township_id: Option<i64>,
    /// industrial, foreign_trade, commerce_service, construction_real_estate, agriculture
    pub kind: Option<String>,
    /// only enterprises on the green list (绿名单) now
    pub green_list: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// # Errors
/// `Forbidden` outside the zone's staff; `Validation` for an unknown kind.
pub async fn coverage(db: &Db, actor: &Actor, q: &CoverageQuery) -> Result<Coverage, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township, Role::Department])?;
    let kind = parse_kind(q.kind.as_deref())?;
    let green_list = q.green_list.filter(|g| *g);
    let base = EnterpriseFilter { township_id: q.township_id, kind, green_list, ..EnterpriseFilter::default() };
    let one = PageRequest { page: Some(1), per_page: Some(1) };
    let in_scope = super::registry::list_enterprises(db, actor, base.clone(), &one).await?.total;
    let uncovered = super::registry::list_enterprises(
        db,
        actor,
        EnterpriseFilter { has_officer: Some(false), ..base },
        &PageRequest { page: q.page, per_page: q.per_page },
    )
    .await?;
    Ok(Coverage { in_scope, covered: in_scope - uncovered.total, uncovered })
}

/// An optional enterprise kind from its code ("" or none: every kind).
fn parse_kind(code: Option<&str>) -> Result<Option<EnterpriseKind>, AppError> {
    match code.filter(|k| !k.is_empty()) {
        Some(k) => Ok(Some(EnterpriseKind::parse(k).ok_or_else(|| AppError::field("kind", format!("未知的企业类型“{k}”")))?)),
        None => Ok(None),
    }
}

/// An officer with the enterprises it currently serves.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Officer {
    pub cadre: reg::Cadre,
    pub enterprises: Vec<reg::Assignment>,
}

/// The cadres that serve as officers now, with their enterprises.
///
/// # Errors
/// `Forbidden` outside the zone's staff.
pub async fn list_officers(db: &Db, actor: &Actor, page: &PageRequest) -> Result<Page<Officer>, AppError> {
    list_officers_in(db, actor, &CoverageQuery::default(), page).await
}

/// The officers of a scope (all, a township, the green list, a kind), each with
/// the enterprises of that scope it serves now. A township user sees its own
/// township's, whatever it asks.
///
/// # Errors
/// `Forbidden` outside the zone's staff, or a township user asking about another
/// township; `Validation` for an unknown kind.
pub async fn list_officers_in(db: &Db, actor: &Actor, q: &CoverageQuery, page: &PageRequest) -> Result<Page<Officer>, AppError> {
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("您的角色无权查看首席服务员名单"));
    }
    let mut township_id = q.township_id;
    if actor.role == Role::Township {
        let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
        if township_id.is_some_and(|t| t != own) {
            return Err(AppError::Forbidden("无权查看其他乡镇办的企业"));
        }
        township_id = Some(own);
    }
    let scope = reg::OfficerScope { township_id, kind: parse_kind(q.kind.as_deref())?, green_list: q.green_list == Some(true) };
    let cadres = reg::list_officers(db, &scope, page).await?;
    let mut items = Vec::with_capacity(cadres.items.len());
    for cadre in cadres.items {
        let enterprises = reg::current_assignments_in(db, cadre.id, &scope).await?;
        items.push(Officer { cadre, enterprises });
    }
    Ok(Page { items, total: cadres.total, page: cadres.page, per_page: cadres.per_page })
}

/// One assignment of the officer history, for the page that ends it.
///
/// # Errors
/// `Forbidden` outside the zone's staff or, for a township user, another
/// township's enterprise; `NotFound`.
pub async fn find_assignment(db: &Db, actor: &Actor, id: i64) -> Result<reg::AssignmentRecord, AppError> {
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("您的角色无权查看首席服务员派驻记录"));
    }
    let mut conn = db.pool().acquire().await?;
    let a = reg::find_assignment(&mut conn, id).await?.ok_or(AppError::NotFound("派驻记录"))?;
    if actor.role == Role::Township {
        let e = reg::find_enterprise(&mut conn, a.enterprise_id).await?.ok_or(AppError::NotFound("企业"))?;
        if actor.township_id != Some(e.township_id) {
            return Err(AppError::Forbidden("无权查看其他乡镇办企业的派驻记录"));
        }
    }
    Ok(a)
}

/// Which part of the officer history to read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AssignmentQuery {
    /// one enterprise's officers, past and present
    pub enterprise_id: Option<i64>,
    /// one cadre's enterprises, past and present
    pub cadre_id: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The officer history (派驻记录): who served which enterprise from when to when,
/// newest first. Staff read it as they read the officer list; a township user
/// only its own township's enterprises.
///
/// # Errors
/// `Forbidden` outside the zone's staff, or a township user asking about an
/// enterprise of another township; `NotFound` for an unknown enterprise.
pub async fn assignment_history(db: &Db, actor: &Actor, q: &AssignmentQuery) -> Result<Page<reg::AssignmentRecord>, AppError> {
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("您的角色无权查看首席服务员派驻记录"));
    }
    let mut filter = reg::AssignmentFilter { enterprise_id: q.enterprise_id, cadre_id: q.cadre_id, township_id: None };
    if actor.role == Role::Township {
        let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
        if let Some(e) = q.enterprise_id {
            let mut conn = db.pool().acquire().await?;
            let enterprise = reg::find_enterprise(&mut conn, e).await?.ok_or(AppError::NotFound("企业"))?;
            if enterprise.township_id != own {
                return Err(AppError::Forbidden("无权查看其他乡镇办企业的派驻记录"));
            }
        }
        filter.township_id = Some(own);
    }
    Ok(reg::list_assignments(db, &filter, &PageRequest { page: q.page, per_page: q.per_page }).await?)
}

/// An officer's own desk: its enterprises and one page of their open orders.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficerDesk {
    pub enterprises: Vec<reg::Assignment>,
    /// one page of the open orders, overdue first
    pub open_orders: Vec<WorkOrder>,
    /// how many open orders there are in all
    pub open_total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The desk with the first 200 open orders (the visit form needs only the enterprises).
///
/// # Errors
/// `Forbidden` unless the actor is an officer.
pub async fn officer_desk(cx: &WorkContext, actor: &Actor) -> Result<OfficerDesk, AppError> {
    officer_desk_page(cx, actor, &PageRequest { page: Some(1), per_page: Some(PageRequest::MAX_PER_PAGE) }).await
}

/// The desk with one page of the open orders: an officer of many enterprises
/// may have more open orders than one page shows, and pages through them.
///
/// # Errors
/// `Forbidden` unless the actor is an officer.
pub async fn officer_desk_page(cx: &WorkContext, actor: &Actor, page: &PageRequest) -> Result<OfficerDesk, AppError> {
    actor.require(&[Role::Officer])?;
    let cadre = actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?;
    let mut conn = cx.db.pool().acquire().await?;
    let enterprises = reg::current_assignments(&mut conn, cadre).await?;
    drop(conn);
    let filter =
        OrderFilter { open: true, only_cadre: Some((cadre, actor.user_id)), overdue_first: true, today: Some(cx.today_text()), ..OrderFilter::default() };
    let open = repo::list_orders(&cx.db, &filter, page).await?;
    Ok(OfficerDesk { enterprises, open_orders: open.items, open_total: open.total, page: open.page, per_page: open.per_page })
}
