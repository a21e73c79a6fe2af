//! Work-order use cases: file an order, read it with its timeline, list orders
//! in the actor's scope, and act on it (交办, 签收, 办结, 评价, 督办 …).

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::clock::{WorkContext, date_text, parse_date};
use super::{Actor, snapshot};
use crate::domain::registry::{optional_text, required_text};
use crate::domain::workorder::{self as rules, Action, OrderState, Priority, Rating, Source};
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::store::registry as reg;
use crate::store::workorder::{self as repo, NewEvent, NewOrder, NewReturnVisit, OrderEvent, OrderFilter, ReturnVisit, WorkOrder};
use crate::store::{Db, Page, PageRequest, StoreError, audit};

/// How far back a new order looks for duplicates of itself.
const DUPLICATE_WINDOW_DAYS: i64 = 7;

/// A new order as a form or JSON gives it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OrderInput {
    /// the enterprise concerned (an enterprise user's own is used regardless)
    pub enterprise_id: Option<i64>,
    /// the township of a site, for orders without an enterprise
    pub township_id: Option<i64>,
    /// a category code: permits, logistics, labour, materials, finance, epidemic_supplies, policy, sanitation, other
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// enterprise, officer_visit, hotline, inspection, project, policy_supervision (defaults from the role)
    pub source: Option<String>,
    pub source_ref: Option<i64>,
    /// normal, high, urgent (staff only; a green-list enterprise's orders start high)
    pub priority: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(default)]
    pub address: String,
}

/// A filed order, with the open orders it may duplicate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Filed {
    pub order: WorkOrder,
    /// ids of open orders of the same enterprise and category, filed in the last days, with similar titles
    pub possible_duplicates: Vec<i64>,
}

/// Files an order for the actor.
///
/// The checks read (category, enterprise, scope, green list, duplicates) on a
/// connection of their own, concurrently with other requests; only the writes
/// join the group commit, whose batch runs one write after another, so every
/// statement kept out of it is time every other filing waits less.
///
/// # Errors
/// `Forbidden` for an enterprise outside the actor's scope or a role that files
/// nothing; `Validation` naming each bad field.
pub async fn file_order(cx: &WorkContext, actor: &Actor, input: &OrderInput) -> Result<Filed, AppError> {
    let checked = {
        let mut conn = cx.db.pool().acquire().await?;
        check_filing(&mut conn, cx, actor, input).await?
    };
    let (cx, actor) = (cx.clone(), actor.clone());
    cx.db.clone().write(move |tx| Box::pin(async move { write_filing(tx, &cx, &actor, checked).await })).await
}

/// Files an order inside the caller's transaction (a visit files its demands with it).
///
/// # Errors
/// As `file_order`.
pub async fn file_in(tx: &mut AnyConnection, cx: &WorkContext, actor: &Actor, input: &OrderInput) -> Result<Filed, AppError> {
    let checked = check_filing(tx, cx, actor, input).await?;
    write_filing(tx, cx, actor, checked).await
}

/// An order that passed every check, ready to be written.
struct Filing {
    source: Source,
    source_ref: Option<i64>,
    enterprise: Option<i64>,
    township_id: Option<i64>,
    priority: Priority,
    order: CheckedOrder,
    latitude: Option<f64>,
    longitude: Option<f64>,
    possible_duplicates: Vec<i64>,
}

/// Everything `file_order` checks and reads before it writes.
async fn check_filing(conn: &mut AnyConnection, cx: &WorkContext, actor: &Actor, input: &OrderInput) -> Result<Filing, AppError> {
    let (source, enterprise_id) = source_and_enterprise(actor, input)?;
    let checked = check_order_input(conn, input).await?;
    let (enterprise, township_id) = match enterprise_id {
        Some(id) => {
            let e = reg::find_enterprise(conn, id).await?.ok_or_else(|| AppError::field("enterprise_id", "所选企业不存在"))?;
            (Some(e.id), Some(e.township_id))
        }
        None => (None, checked.township_id),
    };
    may_file_for(conn, actor, enterprise, township_id).await?;
    let asked = match (checked.priority, actor.role) {
        (Some(p), Role::Admin | Role::Leader | Role::Township | Role::Department) => p,
        _ => Priority::Normal,
    };
    // a green-list enterprise's orders start with priority
    let green = match enterprise {
        Some(e) => crate::store::resumption::is_green_listed(conn, e).await?,
        None => false,
    };
    let priority = if green { asked.max(Priority::High) } else { asked };
    let possible_duplicates = match enterprise {
        Some(e) => duplicates_of(conn, cx, e, checked.category_id, &checked.title).await?,
        None => Vec::new(),
    };
    Ok(Filing {
        source,
        source_ref: input.source_ref,
        enterprise,
        township_id,
        priority,
        order: checked,
        latitude: input.latitude,
        longitude: input.longitude,
        possible_duplicates,
    })
}

/// Writes a checked order: the order, the first entry of its timeline, the audit entry.
async fn write_filing(tx: &mut AnyConnection, cx: &WorkContext, actor: &Actor, filing: Filing) -> Result<Filed, AppError> {
    let at = cx.now_text();
    let checked = &filing.order;
    let new = NewOrder {
        source: filing.source.code(),
        source_ref: filing.source_ref,
        enterprise_id: filing.enterprise,
        township_id: filing.township_id,
        category_id: checked.category_id,
        title: &checked.title,
        description: &checked.description,
        priority: filing.priority.code(),
        latitude: filing.latitude,
        longitude: filing.longitude,
        address: &checked.address,
        created_by: (actor.user_id > 0).then_some(actor.user_id),
        created_at: &at,
    };
    let id = repo::insert_order(tx, &new).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    repo::insert_event(tx, &event(actor, id, &at, "file", None, OrderState::Submitted, None, filing.source.label())).await?;
    let order = repo::find_order(tx, id).await?.ok_or(AppError::NotFound("工单"))?;
    let mut entry = actor.audit("create", "work_order", Some(id));
    entry.after = snapshot(&order);
    audit::append(tx, &entry).await?;
    Ok(Filed { order, possible_duplicates: filing.possible_duplicates })
}

/// The source an order gets from the actor's role, and the enterprise it is for.
fn source_and_enterprise(actor: &Actor, input: &OrderInput) -> Result<(Source, Option<i64>), AppError> {
    let asked = match input.source.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(Source::parse(s).ok_or_else(|| AppError::field("source", format!("未知的来源“{s}”")))?),
        None => None,
    };
    match actor.role {
        Role::Enterprise => Ok((Source::Enterprise, Some(actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?))),
        Role::Officer => {
            let id = input.enterprise_id.ok_or_else(|| AppError::field("enterprise_id", "请选择企业"))?;
            Ok((Source::OfficerVisit, Some(id)))
        }
        Role::Admin | Role::Leader | Role::Township | Role::Department => {
            let source = asked.unwrap_or(Source::Hotline);
            if matches!(source, Source::Enterprise | Source::OfficerVisit) {
                return Err(AppError::field("source", "企业诉求和走访发现应由企业或首席服务员提交"));
            }
            Ok((source, input.enterprise_id))
        }
        Role::Volunteer | Role::Isolation => Err(AppError::Forbidden("您的角色不能提交工单")),
    }
}

struct CheckedOrder {
    category_id: i64,
    title: String,
    description: String,
    address: String,
    priority: Option<Priority>,
    township_id: Option<i64>,
}

async fn check_order_input(conn: &mut AnyConnection, input: &OrderInput) -> Result<CheckedOrder, AppError> {
    let mut errors = Vec::new();
    let mut take = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
    let title = take(required_text("title", "标题", &input.title, 100));
    let description = take(optional_text("description", "问题描述", &input.description, 2000));
    let address = take(optional_text("address", "地点", &input.address, 200));
    let category = repo::find_category_by_code(conn, input.category.trim()).await?;
    if category.is_none() {
        errors.push(FieldError::new(
            "category",
            if input.category.trim().is_empty() { "请选择问题类别".to_string() } else { format!("未知的问题类别“{}”", input.category) },
        ));
    }
    let priority = match input.priority.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Priority::parse(p).or_else(|| {
            errors.push(FieldError::new("priority", format!("未知的优先级“{p}”")));
            None
        }),
        None => None,
    };
    if input.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v) || v.is_nan()) {
        errors.push(FieldError::new("latitude", "纬度应在-90到90之间"));
    }
    if input.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v) || v.is_nan()) {
        errors.push(FieldError::new("longitude", "经度应在-180到180之间"));
    }
    if input.latitude.is_some() != input.longitude.is_some() {
        errors.push(FieldError::new("latitude", "经纬度须同时填写"));
    }
    if let Some(t) = input.township_id
        && reg::find_township(conn, t).await?.is_none()
    {
        errors.push(FieldError::new("township_id", "所选乡镇办不存在"));
    }
    match category {
        Some(c) if errors.is_empty() => Ok(CheckedOrder { category_id: c.id, title, description, address, priority, township_id: input.township_id }),
        _ => Err(errors.into()),
    }
}

/// Whether the actor may file an order for this enterprise / township.
async fn may_file_for(conn: &mut AnyConnection, actor: &Actor, enterprise: Option<i64>, township: Option<i64>) -> Result<(), AppError> {
    let ok = match actor.role {
        Role::Admin | Role::Leader | Role::Department => true,
        Role::Township => township.is_some() && township == actor.township_id,
        Role::Enterprise => enterprise.is_some() && enterprise == actor.enterprise_id,
        Role::Officer => match (actor.cadre_id, enterprise) {
            (Some(c), Some(e)) => reg::cadre_serves(conn, c, e).await?,
            _ => false,
        },
        Role::Volunteer | Role::Isolation => false,
    };
    if ok { Ok(()) } else { Err(AppError::Forbidden("只能为本人负责的企业或辖区提交工单")) }
}

/// The open orders of the enterprise a new order may repeat (read before the
/// new one is written, so it is not among them).
async fn duplicates_of(conn: &mut AnyConnection, cx: &WorkContext, enterprise: i64, category: i64, title: &str) -> Result<Vec<i64>, AppError> {
    let since = crate::store::timestamp(cx.now - time::Duration::days(DUPLICATE_WINDOW_DAYS));
    let recent = repo::recent_open_orders(conn, enterprise, category, &since).await?;
    Ok(recent.into_iter().filter(|(_, t)| rules::similarity(t, title) >= rules::DUPLICATE_THRESHOLD).map(|(other, _)| other).collect())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn event<'a>(
    actor: &'a Actor,
    order_id: i64,
    at: &'a str,
    action: &'a str,
    from: Option<OrderState>,
    to: OrderState,
    department_id: Option<i64>,
    note: &'a str,
) -> NewEvent<'a> {
    NewEvent {
        order_id,
        at,
        actor_id: (actor.user_id > 0).then_some(actor.user_id),
        actor_name: &actor.display_name,
        action,
        from_state: from.map(OrderState::code),
        to_state: to.code(),
        department_id,
        note,
    }
}

// ---- reading ---------------------------------------------------------------

/// An order with its timeline and what it is linked to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderDetail {
    pub order: WorkOrder,
    pub timeline: Vec<OrderEvent>,
    /// orders merged into this one
    pub merged: Vec<i64>,
    /// 回访: the verdicts taken on its resolutions, oldest first
    pub return_visits: Vec<ReturnVisit>,
    /// open orders that may repeat this one (same enterprise and category,
    /// similar title, filed within days of it), shown to those who may merge
    /// them; empty for everyone else, and unless asked for (`get_order_with_duplicates`)
    pub possible_duplicates: Vec<i64>,
}

/// Whether the actor may see this order.
pub async fn may_read(conn: &mut AnyConnection, actor: &Actor, o: &WorkOrder) -> Result<bool, AppError> {
    Ok(match actor.role {
        Role::Admin | Role::Leader => true,
        Role::Department => actor.department_id.is_some() && o.department_id == actor.department_id,
        Role::Township => actor.township_id.is_some() && o.township_id == actor.township_id,
        Role::Enterprise => actor.enterprise_id.is_some() && o.enterprise_id == actor.enterprise_id,
        Role::Officer => {
            o.created_by == Some(actor.user_id)
                || match (actor.cadre_id, o.enterprise_id) {
                    (Some(c), Some(e)) => reg::cadre_serves(conn, c, e).await?,
                    _ => false,
                }
        }
        Role::Volunteer | Role::Isolation => false,
    })
}

/// # Errors
/// `NotFound`, or `Forbidden` outside the actor's scope.
pub async fn get_order(db: &Db, actor: &Actor, id: i64) -> Result<OrderDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    let order = repo::find_order(&mut conn, id).await?.ok_or(AppError::NotFound("工单"))?;
    if !may_read(&mut conn, actor, &order).await? {
        return Err(AppError::Forbidden("无权查看该工单"));
    }
    let timeline = repo::list_events(&mut conn, id).await?;
    let merged = repo::merged_followers(&mut conn, id).await?;
    let return_visits = repo::list_return_visits(&mut conn, id).await?;
    Ok(OrderDetail { order, timeline, merged, return_visits, possible_duplicates: Vec::new() })
}

/// One order as `get_order` reads it, with its possible duplicates for an
/// actor who may merge them. The duplicate check is a search of its own, so
/// only those who ask for it (the order's page, `?duplicates=true`) pay for it,
/// and a plain read stays a few lookups by key.
///
/// # Errors
/// As `get_order`.
pub async fn get_order_with_duplicates(db: &Db, actor: &Actor, id: i64) -> Result<OrderDetail, AppError> {
    let mut detail = get_order(db, actor, id).await?;
    let mut conn = db.pool().acquire().await?;
    let order = &detail.order;
    let may_merge = order.merged_into.is_none()
        && OrderState::parse(&order.state).is_some_and(|s| rules::transition(s, Action::Merge, None).is_ok())
        && may_take(&mut conn, actor, order, Action::Merge).await.is_ok();
    if may_merge {
        detail.possible_duplicates = duplicates_around(&mut conn, order).await?;
    }
    Ok(detail)
}

/// The open orders `o` may duplicate or be duplicated by, with the detection
/// used at filing: same enterprise and category, similar title, filed within
/// `DUPLICATE_WINDOW_DAYS` of it (before or after), not merged themselves.
async fn duplicates_around(conn: &mut AnyConnection, o: &WorkOrder) -> Result<Vec<i64>, AppError> {
    let Some(enterprise) = o.enterprise_id else { return Ok(Vec::new()) };
    let Ok(filed) = time::OffsetDateTime::parse(&o.created_at, &time::format_description::well_known::Rfc3339) else { return Ok(Vec::new()) };
    let since = crate::store::timestamp(filed - time::Duration::days(DUPLICATE_WINDOW_DAYS));
    let until = crate::store::timestamp(filed + time::Duration::days(DUPLICATE_WINDOW_DAYS));
    let nearby = repo::open_orders_filed_between(conn, enterprise, o.category_id, &since, &until).await?;
    Ok(nearby
        .into_iter()
        .filter(|(other, title)| *other != o.id && rules::similarity(title, &o.title) >= rules::DUPLICATE_THRESHOLD)
        .map(|(other, _)| other)
        .collect())
}

/// Narrows a list filter to the actor's rows.
///
/// # Errors
/// `Forbidden` for roles that see no orders.
pub fn scope_filter(actor: &Actor, mut f: OrderFilter) -> Result<OrderFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader => {}
        Role::Department => f.department_id = Some(actor.department_id.ok_or(AppError::Forbidden("账号未绑定部门"))?),
        Role::Township => f.township_id = Some(actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?),
        Role::Enterprise => f.enterprise_id = Some(actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?),
        Role::Officer => f.only_cadre = Some((actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?, actor.user_id)),
        Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看工单")),
    }
    Ok(f)
}

/// # Errors
/// `Forbidden` for roles that see no orders.
pub async fn list_orders(cx: &WorkContext, actor: &Actor, filter: OrderFilter, page: &PageRequest) -> Result<Page<WorkOrder>, AppError> {
    let mut f = scope_filter(actor, filter)?;
    f.today = Some(cx.today_text());
    Ok(repo::list_orders(&cx.db, &f, page).await?)
}

// ---- acting on an order ------------------------------------------------------

/// An action on an order, as `POST /api/v1/work-orders/{id}/transitions` takes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TransitionInput {
    /// assign, return, transfer, sign_for, note, resolve, rate, supervise, request_extension, decide_extension, merge
    pub action: String,
    /// the version of the order that was read (optimistic locking)
    pub version: i64,
    /// assign, transfer: the department to hand it to
    pub department_id: Option<i64>,
    /// return: why; note; supervise; rate: the requester's words; request_extension: why
    #[serde(default)]
    pub note: String,
    /// resolve: what was done
    #[serde(default)]
    pub resolution: String,
    /// rate: satisfied, basically_satisfied, unsatisfied
    pub rating: Option<String>,
    /// rate by staff (a return visit 回访): phone (the default) or onsite
    pub channel: Option<String>,
    /// rate by staff: the person reached (defaults to the enterprise's contact)
    #[serde(default)]
    pub contact: String,
    /// request_extension: working days asked for
    pub days: Option<i64>,
    /// decide_extension: grant (true) or refuse (false)
    pub approve: Option<bool>,
    /// supervise: a new resolve limit, YYYY-MM-DD
    pub deadline: Option<String>,
    /// merge: the original this order duplicates
    pub target_id: Option<i64>,
}

/// Applies one action to an order: permission, the state machine, the limits,
/// the timeline, notifications and the audit log, in one transaction.
///
/// # Errors
/// `Forbidden` (not the actor's order or action), `Conflict` (an illegal
/// transition or a stale version), `Validation` (missing or bad fields).
pub async fn act(cx: &WorkContext, actor: &Actor, id: i64, input: &TransitionInput) -> Result<WorkOrder, AppError> {
    let action = Action::parse(input.action.trim()).ok_or_else(|| AppError::field("action", format!("未知的操作“{}”", input.action)))?;
    let (cx, actor, input) = (cx.clone(), actor.clone(), input.clone());
    cx.db.clone().write(move |tx| Box::pin(async move { act_in(tx, &cx, &actor, id, action, &input).await })).await
}

/// Takes an action inside the caller's transaction.
///
/// # Errors
/// As `act`.
pub async fn act_in(tx: &mut AnyConnection, cx: &WorkContext, actor: &Actor, id: i64, action: Action, input: &TransitionInput) -> Result<WorkOrder, AppError> {
    let before = repo::find_order(tx, id).await?.ok_or(AppError::NotFound("工单"))?;
    if !may_read(tx, actor, &before).await? {
        return Err(AppError::Forbidden("无权处理该工单"));
    }
    if let Some(original) = before.merged_into {
        return Err(AppError::Conflict {
            code: "merged", message: format!("该工单已合并到工单#{original}，随原工单办理，请在原工单上操作"), field: None
        });
    }
    may_take(tx, actor, &before, action).await?;
    let state = OrderState::parse(&before.state).ok_or_else(|| AppError::Internal(format!("order {id} has state {}", before.state)))?;
    let rating = match action {
        Action::Rate => Some(parse_rating(input.rating.as_deref())?),
        _ => None,
    };
    let next = rules::transition(state, action, rating).map_err(|e| AppError::Conflict {
        code: "illegal_transition",
        message: e.to_string(),
        field: Some("action"),
    })?;
    if input.version != before.version {
        return Err(AppError::from_store(StoreError::Stale, &[], ""));
    }
    let mut after = before.clone();
    after.state = next.code().to_string();
    let effect = apply(cx, tx, actor, &mut after, action, rating, input).await?;
    // a merged duplicate takes its original's state, not the machine's `closed`
    let next = OrderState::parse(&after.state).unwrap_or(next);
    let at = cx.now_text();
    repo::save_order(tx, &after, &at).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    repo::insert_event(tx, &event(actor, id, &at, action.code(), Some(state), next, after.department_id, &effect.note)).await?;
    for (users, kind, text) in &effect.notices {
        repo::notify(tx, users, id, kind, text, &at).await?;
    }
    let saved = repo::find_order(tx, id).await?.ok_or(AppError::NotFound("工单"))?;
    if action != Action::Merge {
        repo::follow_original(tx, &saved, &at).await?;
        if let Some((kind, text)) = &effect.to_followers {
            tell_followers(tx, &saved, kind, text, &at).await?;
        }
    }
    let mut entry = actor.audit(action.code(), "work_order", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&saved);
    audit::append(tx, &entry).await?;
    Ok(saved)
}

fn parse_rating(code: Option<&str>) -> Result<Rating, AppError> {
    match code.filter(|c| !c.is_empty()) {
        Some(c) => Rating::parse(c).ok_or_else(|| AppError::field("rating", format!("未知的评价“{c}”"))),
        None => Err(AppError::field("rating", "请选择满意、基本满意或不满意")),
    }
}

/// Who may take which action on an order they can see.
async fn may_take(conn: &mut AnyConnection, actor: &Actor, o: &WorkOrder, action: Action) -> Result<(), AppError> {
    let holds_it = actor.role == Role::Department && actor.department_id.is_some() && o.department_id == actor.department_id;
    let dispatcher = matches!(actor.role, Role::Admin | Role::Leader) || (actor.role == Role::Township && o.township_id == actor.township_id);
    let ok = match action {
        Action::Assign | Action::Merge => dispatcher,
        Action::Transfer => dispatcher || holds_it,
        Action::Return | Action::SignFor | Action::Note | Action::Resolve | Action::RequestExtension => holds_it,
        Action::Supervise | Action::DecideExtension => matches!(actor.role, Role::Admin | Role::Leader),
        Action::Rate => match actor.role {
            Role::Enterprise => o.enterprise_id.is_some() && o.enterprise_id == actor.enterprise_id,
            // a return visit (回访) by staff records the requester's verdict
            Role::Admin | Role::Leader => true,
            Role::Township => o.township_id == actor.township_id,
            Role::Officer => match (actor.cadre_id, o.enterprise_id) {
                (Some(c), Some(e)) => reg::cadre_serves(conn, c, e).await?,
                _ => false,
            },
            _ => false,
        },
    };
    if ok { Ok(()) } else { Err(AppError::Forbidden("您无权对该工单进行此操作")) }
}

/// What an action leaves besides the new state: the timeline note and who to tell.
struct Effect {
    note: String,
    notices: Vec<(Vec<i64>, &'static str, String)>,
    /// what the requesters of the orders merged into this one are told (they
    /// follow it: assigned, resolved, reopened, escalated)
    to_followers: Option<(&'static str, String)>,
}

/// Tells the requesters of every order merged into `original` what happened
/// to it; each notice points at their own order, which they may read.
///
/// # Errors
/// Only a database failure.
pub(crate) async fn tell_followers(conn: &mut AnyConnection, original: &WorkOrder, kind: &str, text: &str, at: &str) -> Result<(), AppError> {
    for follower in repo::merged_followers(conn, original.id).await? {
        let Some(f) = repo::find_order(conn, follower).await? else { continue };
        let users = requesters(conn, &f).await?;
        let text = format!("{text}（您的工单#{}已并入工单#{}）", f.id, original.id);
        repo::notify(conn, &users, f.id, kind, &text, at).await?;
    }
    Ok(())
}

async fn apply(
    cx: &WorkContext,
    conn: &mut AnyConnection,
    actor: &Actor,
    o: &mut WorkOrder,
    action: Action,
    rating: Option<Rating>,
    input: &TransitionInput,
) -> Result<Effect, AppError> {
    let now = cx.now_text();
    let mut notices = Vec::new();
    let mut to_followers = None;
    let note = match action {
        Action::Assign | Action::Transfer => {
            let department = input.department_id.ok_or_else(|| AppError::field("department_id", "请选择承办部门"))?;
            let d = reg::find_department(conn, department).await?.ok_or_else(|| AppError::field("department_id", "所选部门不存在"))?;
            if action == Action::Transfer && o.department_id == Some(department) {
                return Err(AppError::field("department_id", "转派须选择另一个部门"));
            }
            hand_to(cx, conn, o, department).await?;
            let text = format!("新交办工单：{}（{}前签收）", o.title, o.sign_deadline.clone().unwrap_or_default());
            notices.push((repo::department_users(conn, department).await?, "assigned", text));
            let verb = if action == Action::Assign { "交办至" } else { "转派至" };
            to_followers = Some(("assigned", format!("工单已{verb}{}：{}", d.name, o.title)));
            join_note(&format!("{verb}{}", d.name), &input.note)
        }
        Action::Return => {
            let reason = required_text("note", "退回理由", &input.note, 500)?;
            o.department_id = None;
            o.assigned_at = None;
            o.sign_deadline = None;
            o.resolve_deadline = None;
            // no department, no limits: nothing left to be overdue
            o.escalated_at = None;
            o.escalation = None;
            notices.push((repo::leader_users(conn).await?, "returned", format!("工单被退回：{}（{}）", o.title, reason)));
            reason
        }
        Action::SignFor => {
            if o.signed_at.is_none() {
                o.signed_at = Some(now.clone());
                o.signed_in_time = Some(i64::from(o.sign_deadline.as_deref().is_none_or(|d| cx.today_text().as_str() <= d)));
            }
            optional_text("note", "备注", &input.note, 500)?
        }
        Action::Note => required_text("note", "办理进展", &input.note, 2000)?,
        Action::Resolve => {
            let resolution = required_text("resolution", "办理结果", &input.resolution, 2000)?;
            o.resolved_at = Some(now.clone());
            o.resolution = Some(resolution.clone());
            let text = format!("工单已办结，请评价：{}", o.title);
            notices.push((requesters(conn, o).await?, "resolved", text));
            to_followers = Some(("resolved", format!("工单已办结：{}", o.title)));
            resolution
        }
        Action::Rate => {
            let rating = rating.ok_or_else(|| AppError::field("rating", "请选择评价"))?;
            let comment = optional_text("note", "评价意见", &input.note, 500)?;
            let visit = return_visit(conn, actor, o, input, &comment).await?;
            repo::insert_return_visit(
                conn,
                &NewReturnVisit {
                    order_id: o.id,
                    at: &now,
                    caller_id: (actor.user_id > 0).then_some(actor.user_id),
                    caller_name: &actor.display_name,
                    channel: visit.channel,
                    contact: &visit.contact,
                    rating: rating.code(),
                    note: &comment,
                },
            )
            .await?;
            o.rating = Some(rating.code().to_string());
            o.rated_at = Some(now.clone());
            o.rating_comment = Some(comment.clone()).filter(|c| !c.is_empty());
            if rating == Rating::Unsatisfied {
                let department = o.department_id.ok_or_else(|| AppError::Internal("resolved order without department".into()))?;
                hand_to(cx, conn, o, department).await?;
                let text = format!("企业不满意，工单重新办理：{}", o.title);
                notices.push((repo::department_users(conn, department).await?, "reopened", text));
                to_followers = Some(("reopened", format!("回访不满意，工单重新办理：{}", o.title)));
            }
            let reached = if visit.contact.is_empty() { String::new() } else { format!("（受访人：{}）", visit.contact) };
            join_note(&format!("{}{reached}：{}", visit.label, rating.label()), &comment)
        }
        Action::Supervise => {
            let note = required_text("note", "督办意见", &input.note, 1000)?;
            if let Some(d) = input.deadline.as_deref().filter(|d| !d.trim().is_empty()) {
                let day = parse_date(d).map_err(|_| AppError::field("deadline", "日期格式应为 YYYY-MM-DD"))?;
                if day < cx.today() {
                    return Err(AppError::field("deadline", "新的办结时限不能早于今天"));
                }
                o.resolve_deadline = Some(date_text(day));
                // a new limit is a new period: the escalation of the old one
                // is over, and passing the new one escalates again
                o.escalated_at = None;
                o.escalation = None;
            } else if o.escalated_at.is_none() {
                o.escalated_at = Some(now.clone());
                o.escalation = Some("leader".into());
            }
            if let Some(dep) = o.department_id {
                notices.push((repo::department_users(conn, dep).await?, "supervised", format!("领导督办：{}（{}）", o.title, note)));
            }
            to_followers = Some(("escalated", format!("领导督办：{}", o.title)));
            join_note(&note, &o.resolve_deadline.as_ref().map(|d| format!("办结时限：{d}")).unwrap_or_default())
        }
        Action::RequestExtension => {
            if o.extension_days.is_some() {
                return Err(AppError::Conflict { code: "extension_pending", message: "已有待审批的延期申请".into(), field: None });
            }
            let days = input.days.filter(|d| (1..=30).contains(d)).ok_or_else(|| AppError::field("days", "延期天数应为1到30个工作日"))?;
            let reason = required_text("note", "延期理由", &input.note, 500)?;
            o.extension_days = Some(days);
            o.extension_reason = Some(reason.clone());
            notices.push((repo::leader_users(conn).await?, "extension_requested", format!("延期申请：{}（{}个工作日）", o.title, days)));
            format!("申请延期{days}个工作日：{reason}")
        }
        Action::DecideExtension => {
            let days =
                o.extension_days.ok_or(AppError::Conflict { code: "no_extension", message: "该工单没有待审批的延期申请".into(), field: None })?;
            let approve = input.approve.ok_or_else(|| AppError::field("approve", "请选择同意或不同意"))?;
            if approve {
                let from = o.resolve_deadline.as_deref().and_then(|d| parse_date(d).ok()).unwrap_or(cx.today());
                let day = cx.calendar.add_working_days(from, days as u32).map_err(calendar_error)?;
                o.resolve_deadline = Some(date_text(day));
                // the extended limit is a new period (see `Supervise`)
                o.escalated_at = None;
                o.escalation = None;
            }
            o.extension_days = None;
            o.extension_reason = None;
            if let Some(dep) = o.department_id {
                let text = format!("延期申请{}：{}", if approve { "已同意" } else { "未同意" }, o.title);
                notices.push((repo::department_users(conn, dep).await?, "extension_decided", text));
            }
            let verdict = if approve {
                format!("同意延期，办结时限至{}", o.resolve_deadline.clone().unwrap_or_default())
            } else {
                "不同意延期".to_string()
            };
            join_note(&verdict, &input.note)
        }
        Action::Merge => {
            let target_id = input.target_id.ok_or_else(|| AppError::field("target_id", "请填写原工单编号"))?;
            let target = repo::find_order(conn, target_id).await?.ok_or_else(|| AppError::field("target_id", "原工单不存在"))?;
            if target.id == o.id || target.merged_into.is_some() || target.state == "closed" {
                return Err(AppError::field("target_id", "只能合并到另一张未关闭的工单"));
            }
            // a duplicate without an enterprise (a hotline call, a site) may
            // join any original; an enterprise's demand only its own
            if o.enterprise_id.is_some() && o.enterprise_id != target.enterprise_id {
                return Err(AppError::Conflict {
                    code: "merge_enterprise_mismatch",
                    message: format!(
                        "不能合并不同企业的工单：工单#{}属于{}，原工单#{}属于{}",
                        o.id,
                        o.enterprise_name.clone().unwrap_or_default(),
                        target.id,
                        target.enterprise_name.clone().unwrap_or_else(|| "无企业".into())
                    ),
                    field: Some("target_id"),
                });
            }
            if !repo::merged_followers(conn, o.id).await?.is_empty() {
                return Err(AppError::Conflict {
                    code: "merge_has_followers",
                    message: "已有其他工单合并到本工单，不能再合并到别处".into(),
                    field: Some("target_id"),
                });
            }
            // from now on it reports its original's state and department; its
            // own limits and escalation are over (the original's count)
            o.merged_into = Some(target.id);
            o.state = target.state.clone();
            o.department_id = target.department_id;
            o.sign_deadline = None;
            o.resolve_deadline = None;
            o.escalated_at = None;
            o.escalation = None;
            o.extension_days = None;
            o.extension_reason = None;
            let at = cx.now_text();
            let to = OrderState::parse(&target.state).unwrap_or(OrderState::Submitted);
            repo::insert_event(conn, &event(actor, target.id, &at, "note", Some(to), to, target.department_id, &format!("合并了重复工单#{}", o.id))).await?;
            let text = format!("您的工单与工单#{}重复，已合并，将随其办理：{}", target.id, o.title);
            notices.push((requesters(conn, o).await?, "merged", text));
            join_note(&format!("与工单#{}重复，已合并", target.id), &input.note)
        }
    };
    Ok(Effect { note, notices, to_followers })
}

/// Hands an order to a department, restarting its limits from today.
async fn hand_to(cx: &WorkContext, conn: &mut AnyConnection, o: &mut WorkOrder, department: i64) -> Result<(), AppError> {
    let category = repo::find_category(conn, o.category_id).await?.ok_or(AppError::NotFound("问题类别"))?;
    let today = cx.today();
    // 绿名单 enterprises' orders run on shares of the limits (settings an administrator changes)
    let (sign_days, resolve_days) = super::greenlist::order_limits(conn, o.enterprise_id, category.sign_days, category.resolve_days).await?;
    let sign = cx.calendar.add_working_days(today, sign_days as u32).map_err(calendar_error)?;
    let resolve = cx.calendar.add_working_days(today, resolve_days as u32).map_err(calendar_error)?;
    let now = cx.now_text();
    // an order filed as 督办 (an overdue policy payment) stays under supervision
    // when it first reaches a department; a later holder starts a fresh period
    let first_holder = o.first_assigned_at.is_none();
    o.department_id = Some(department);
    o.assigned_at = Some(now.clone());
    o.first_assigned_at.get_or_insert(now);
    o.sign_deadline = Some(date_text(sign));
    o.resolve_deadline = Some(date_text(resolve));
    // a new holder has its own sign-for, timed against its own limit, and a
    // fresh period in which nothing is overdue yet
    o.signed_at = None;
    o.signed_in_time = None;
    if !first_holder {
        o.escalated_at = None;
        o.escalation = None;
    }
    Ok(())
}

/// The enterprise's users and whoever filed the order (the requesters of
/// merged duplicates are told through `tell_followers`, on their own orders).
async fn requesters(conn: &mut AnyConnection, o: &WorkOrder) -> Result<Vec<i64>, AppError> {
    let mut users = match o.enterprise_id {
        Some(e) => repo::enterprise_users(conn, e).await?,
        None => Vec::new(),
    };
    if let Some(creator) = o.created_by
        && !users.contains(&creator)
    {
        users.push(creator);
    }
    users.sort_unstable();
    users.dedup();
    Ok(users)
}

/// How a verdict was taken: the return visit's channel and whom it reached.
struct VisitOf {
    channel: &'static str,
    label: &'static str,
    contact: String,
}

/// 回访: the rule by which an order closes. An order closes (or is reopened)
/// only on a requester's verdict taken in a return visit, and every verdict is
/// kept as one (who called, when, how, whom they reached, what was said):
///
/// - an enterprise that rates online has made its own return visit (channel
///   `online`, the enterprise user as the person reached);
/// - staff (the leader, an admin, the township, the enterprise's officer)
///   record a return visit by phone or on site (`channel`, default `phone`),
///   naming whom they reached (`contact`, by default the enterprise's
///   registered contact). When the enterprise has an account of its own —
///   it could have rated online — staff close its order only with what the
///   enterprise said on the call (`note`): a verdict without the requester's
///   words is not a return visit but staff closing the order for it. For a
///   requester without an account (a hotline caller, a site, a project),
///   the staff member's verdict is the return visit and words are optional.
///
/// # Errors
/// `Validation` for an unknown channel, or a staff verdict on an enterprise
/// with an account that does not say what the enterprise said.
async fn return_visit(conn: &mut AnyConnection, actor: &Actor, o: &WorkOrder, input: &TransitionInput, words: &str) -> Result<VisitOf, AppError> {
    if actor.role == Role::Enterprise {
        return Ok(VisitOf { channel: "online", label: "网上评价", contact: actor.display_name.clone() });
    }
    let (channel, label) = match input.channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None | Some("phone") => ("phone", "电话回访"),
        Some("onsite") => ("onsite", "上门回访"),
        Some(other) => return Err(AppError::field("channel", format!("未知的回访方式“{other}”，应为电话（phone）或上门（onsite）"))),
    };
    let named = optional_text("contact", "受访人", &input.contact, 50)?;
    let registered = match o.enterprise_id {
        Some(e) => reg::find_enterprise(conn, e).await?.map(|e| e.contact_name).unwrap_or_default(),
        None => String::new(),
    };
    if words.trim().is_empty()
        && let Some(e) = o.enterprise_id
        && !repo::enterprise_users(conn, e).await?.is_empty()
    {
        return Err(AppError::field("note", "工作人员关闭企业工单须先回访：请记录企业在回访中的意见（企业也可自行网上评价）"));
    }
    let contact = if named.is_empty() { registered } else { named };
    Ok(VisitOf { channel, label, contact })
}

fn join_note(head: &str, tail: &str) -> String {
    if tail.trim().is_empty() { head.to_string() } else { format!("{head}；{}", tail.trim()) }
}

/// A limit that cannot be computed because the calendar lacks the year.
pub fn calendar_error(e: crate::domain::calendar::CalendarError) -> AppError {
    AppError::Conflict { code: "calendar_missing", message: format!("{e}，请管理员补充工作日历后再试"), field: None }
}

// ---- categories and templates ------------------------------------------------

/// Every category with its limits (reference data for forms).
///
/// # Errors
/// Only a database failure.
pub async fn list_categories(db: &Db) -> Result<Vec<repo::Category>, AppError> {
    Ok(repo::list_categories(db).await?)
}

/// New limits for a category.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CategoryLimits {
    /// working days to sign for (0–30)
    pub sign_days: i64,
    /// working days to resolve (1–365)
    pub resolve_days: i64,
    /// whether anonymous Open311 reads may show its orders
    #[serde(default)]
    pub public: bool,
}

/// Changes a category's limits (admin only); orders already assigned keep theirs.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation` for limits out of range.
pub async fn update_category(db: &Db, actor: &Actor, id: i64, limits: &CategoryLimits) -> Result<repo::Category, AppError> {
    actor.require(&[Role::Admin])?;
    let mut errors = Vec::new();
    if !(0..=30).contains(&limits.sign_days) {
        errors.push(FieldError::new("sign_days", "签收时限应为0到30个工作日"));
    }
    if !(1..=365).contains(&limits.resolve_days) {
        errors.push(FieldError::new("resolve_days", "办结时限应为1到365个工作日"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = db.begin_write().await?;
    let before = repo::find_category(&mut tx, id).await?.ok_or(AppError::NotFound("问题类别"))?;
    repo::update_category_limits(&mut tx, id, limits.sign_days, limits.resolve_days, limits.public).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_category(&mut tx, id).await?.ok_or(AppError::NotFound("问题类别"))?;
    let mut entry = actor.audit("update", "work_order_category", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Validation` for an unknown state.
pub async fn list_templates(db: &Db, category_id: Option<i64>, state: Option<&str>) -> Result<Vec<repo::ResponseTemplate>, AppError> {
    if let Some(s) = state.filter(|s| OrderState::parse(s).is_none()) {
        return Err(AppError::field("state", format!("未知的状态“{s}”")));
    }
    Ok(repo::list_templates(db, category_id, state).await?)
}

/// The actions the actor may take on the order now (for the page's forms).
///
/// # Errors
/// Only a database failure.
pub async fn allowed_actions(db: &Db, actor: &Actor, o: &WorkOrder) -> Result<Vec<Action>, AppError> {
    let Some(state) = OrderState::parse(&o.state) else { return Ok(Vec::new()) };
    if o.merged_into.is_some() {
        return Ok(Vec::new());
    }
    let mut conn = db.pool().acquire().await?;
    let mut out = Vec::new();
    for action in Action::ALL {
        let rating = (action == Action::Rate).then_some(Rating::Satisfied);
        let pending = o.extension_days.is_some();
        let precondition = match action {
            Action::RequestExtension => !pending,
            Action::DecideExtension => pending,
            _ => true,
        };
        if precondition && rules::transition(state, action, rating).is_ok() && may_take(&mut conn, actor, o, action).await.is_ok() {
            out.push(action);
        }
    }
    Ok(out)
}
