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
use crate::store::resumption::{self as repo, ChecklistItem, CommitmentRow, SpotCheckRow};
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
    // reopened at once: the day's status says so
    let reopened =
        StatusReport {
            status: ResumptionStatus::Resumed, workers_back: e.headcount, workers_total: e.headcount, capacity_pct: 100, note: "承诺制复工".into()
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
    let id = repo::insert_draw(
        &mut tx,
        &at,
        &seed.to_string(),
        input.share_pct,
        population.len() as i64,
        picked.len() as i64,
        (actor.user_id > 0).then_some(actor.user_id),
    )
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
}

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
        let demand = OrderInput {
            enterprise_id: Some(check.enterprise_id),
            category: "epidemic_supplies".into(),
            title: format!("承诺制复工抽查未通过：{}", check.enterprise_name),
            description: note.clone(),
            source: Some("inspection".into()),
            source_ref: Some(check.id),
            ..OrderInput::default()
        };
        let filer = Actor { role: Role::Leader, ..actor.clone() };
        Some(file_in(&mut tx, cx, &filer, &demand).await?.order.id)
    };
    let today = cx.today_text();
    repo::record_spot_check(&mut tx, id, input.passed, &today, &inspector, &note, order).await?;
    if !input.passed && input.suspend {
        repo::suspend_commitment(&mut tx, check.commitment_id, &note, &cx.now_text()).await?;
        let closed =
            StatusReport {
                status: ResumptionStatus::NotResumed, workers_back: 0, workers_total: 0, capacity_pct: 0, note: "抽查未通过，暂停营业整改".into()
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
