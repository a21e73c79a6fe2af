//! Registry use cases: townships, departments, enterprises, cadres, officer
//! assignments — each checks who may see or change which row.

use sqlx::AnyConnection;

use super::{Actor, snapshot};
use crate::domain::registry::{optional_phone, optional_text, required_text};
use crate::domain::{EnterpriseInput, FieldError, Role, TownshipKind};
use crate::error::AppError;
use crate::store::audit;
use crate::store::registry::{self as repo, Cadre, Department, Enterprise, EnterpriseFilter, Township};
use crate::store::{Db, Page, PageRequest};

const ENTERPRISE_UNIQUE: &[(&str, &str, &str)] = &[("credit_code", "credit_code", "该统一社会信用代码已登记")];

// ---- who may see which enterprise ------------------------------------------

/// Whether the actor may read this enterprise's record.
async fn may_read_enterprise(conn: &mut AnyConnection, actor: &Actor, e: &Enterprise) -> Result<bool, AppError> {
    Ok(match actor.role {
        Role::Admin | Role::Leader | Role::Department => true,
        Role::Township => actor.township_id == Some(e.township_id),
        Role::Enterprise => actor.enterprise_id == Some(e.id),
        Role::Officer => match actor.cadre_id {
            Some(cadre) => repo::cadre_serves(conn, cadre, e.id).await?,
            None => false,
        },
        Role::Volunteer | Role::Isolation => false,
    })
}

/// Narrows a list filter to the rows the actor may see.
///
/// # Errors
/// `Forbidden` for roles that see no enterprises, or a township filter outside the actor's own.
fn scope_enterprise_filter(actor: &Actor, mut filter: EnterpriseFilter) -> Result<EnterpriseFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader | Role::Department => {}
        Role::Township => {
            let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
            if filter.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的企业"));
            }
            filter.township_id = Some(own);
        }
        Role::Enterprise => filter.only_enterprise = Some(actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?),
        Role::Officer => filter.only_cadre = Some(actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?),
        Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看企业信息")),
    }
    Ok(filter)
}

// ---- enterprises -------------------------------------------------------------

/// # Errors
/// `Forbidden` when the actor sees no enterprises or asks outside its scope.
pub async fn list_enterprises(db: &Db, actor: &Actor, filter: EnterpriseFilter, page: &PageRequest) -> Result<Page<Enterprise>, AppError> {
    let filter = scope_enterprise_filter(actor, filter)?;
    Ok(repo::list_enterprises(db, &filter, page).await?)
}

/// # Errors
/// `NotFound`, or `Forbidden` when the enterprise is outside the actor's scope.
pub async fn get_enterprise(db: &Db, actor: &Actor, id: i64) -> Result<Enterprise, AppError> {
    let mut conn = db.pool().acquire().await?;
    let e = repo::find_enterprise(&mut conn, id).await?.ok_or(AppError::NotFound("企业"))?;
    if !may_read_enterprise(&mut conn, actor, &e).await? {
        return Err(AppError::Forbidden("无权查看其他企业的信息"));
    }
    Ok(e)
}

async fn check_township_exists(conn: &mut AnyConnection, township_id: i64) -> Result<(), AppError> {
    match repo::find_township(conn, township_id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::field("township_id", "所选乡镇办不存在")),
    }
}

/// Registers an enterprise (admin, leader, or a township for its own township).
///
/// # Errors
/// `Forbidden`, `Validation` naming each bad field, `Conflict` on a registered credit code.
pub async fn create_enterprise(db: &Db, actor: &Actor, input: &EnterpriseInput) -> Result<Enterprise, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township])?;
    let fields = input.parse()?;
    if actor.role == Role::Township && actor.township_id != Some(fields.township_id) {
        return Err(AppError::Forbidden("只能登记本乡镇办的企业"));
    }
    let mut tx = db.begin_write().await?;
    check_township_exists(&mut tx, fields.township_id).await?;
    let id = repo::insert_enterprise(&mut tx, &fields).await.map_err(|e| AppError::from_store(e, ENTERPRISE_UNIQUE, ""))?;
    let created = repo::find_enterprise(&mut tx, id).await?.ok_or(AppError::NotFound("企业"))?;
    let mut entry = actor.audit("create", "enterprise", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes an enterprise that is still at `version`.
///
/// An enterprise user may change only its own contact details and headcount;
/// a township user may not move an enterprise to another township.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (stale version or duplicate credit code).
pub async fn update_enterprise(db: &Db, actor: &Actor, id: i64, version: i64, input: &EnterpriseInput) -> Result<Enterprise, AppError> {
    actor.require(&[Role::Admin, Role::Leader, Role::Township, Role::Enterprise])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_enterprise(&mut tx, id).await?.ok_or(AppError::NotFound("企业"))?;
    if !may_read_enterprise(&mut tx, actor, &before).await? {
        return Err(AppError::Forbidden("无权修改其他企业的信息"));
    }
    let input = match actor.role {
        Role::Enterprise => EnterpriseInput {
            name: before.name.clone(),
            credit_code: before.credit_code.clone(),
            kind: before.kind.0.code().to_string(),
            township_id: before.township_id,
            industry: before.industry.clone(),
            ..input.clone()
        },
        _ => input.clone(),
    };
    let fields = input.parse()?;
    if actor.role == Role::Township && actor.township_id != Some(fields.township_id) {
        return Err(AppError::Forbidden("不能把企业移出本乡镇办"));
    }
    check_township_exists(&mut tx, fields.township_id).await?;
    repo::update_enterprise(&mut tx, id, version, &fields).await.map_err(|e| AppError::from_store(e, ENTERPRISE_UNIQUE, ""))?;
    let after = repo::find_enterprise(&mut tx, id).await?.ok_or(AppError::NotFound("企业"))?;
    let mut entry = actor.audit("update", "enterprise", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes an enterprise that nothing refers to any more (admin only).
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` while users, officers or records still refer to it.
pub async fn delete_enterprise(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_enterprise(&mut tx, id).await?.ok_or(AppError::NotFound("企业"))?;
    repo::delete_enterprise(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], "该企业仍有账号、首席服务员或业务记录，不能删除"))?;
    let mut entry = actor.audit("delete", "enterprise", Some(id));
    entry.before = snapshot(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

// ---- townships and departments ---------------------------------------------

/// Reference data every signed-in user may read (forms need it).
pub async fn list_townships(db: &Db, _actor: &Actor) -> Result<Vec<Township>, AppError> {
    Ok(repo::list_townships(db).await?)
}

/// A township's name and kind, checked.
fn township_fields(name: &str, kind: &str) -> Result<(String, TownshipKind), AppError> {
    let mut errors = Vec::new();
    let name = required_text("name", "名称", name, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    let kind = TownshipKind::parse(kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "类型应为乡、镇或办"));
    }
    match (kind, errors.is_empty()) {
        (Some(kind), true) => Ok((name, kind)),
        _ => Err(errors.into()),
    }
}

const TOWNSHIP_UNIQUE: &[(&str, &str, &str)] = &[("name", "name", "已有同名乡镇办")];

/// # Errors
/// `Forbidden` for anyone but an admin, `Validation`, `Conflict` on a duplicate name.
pub async fn create_township(db: &Db, actor: &Actor, name: &str, kind: &str) -> Result<Township, AppError> {
    actor.require(&[Role::Admin])?;
    let (name, kind) = township_fields(name, kind)?;
    let mut tx = db.begin_write().await?;
    let created = repo::insert_township(&mut tx, &name, kind).await.map_err(|e| AppError::from_store(e, TOWNSHIP_UNIQUE, ""))?;
    let mut entry = actor.audit("create", "township", Some(created.id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Reference data every signed-in user may read, as the list.
///
/// # Errors
/// `NotFound`.
pub async fn get_township(db: &Db, _actor: &Actor, id: i64) -> Result<Township, AppError> {
    let mut conn = db.pool().acquire().await?;
    repo::find_township(&mut conn, id).await?.ok_or(AppError::NotFound("乡镇办"))
}

/// Renames a township or changes its kind (admin only), if it is still at `version`.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (stale version or a name already taken).
pub async fn update_township(db: &Db, actor: &Actor, id: i64, version: i64, name: &str, kind: &str) -> Result<Township, AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_township(&mut tx, id).await?.ok_or(AppError::NotFound("乡镇办"))?;
    let (name, kind) = township_fields(name, kind)?;
    repo::update_township(&mut tx, id, version, &name, kind).await.map_err(|e| AppError::from_store(e, TOWNSHIP_UNIQUE, ""))?;
    let after = repo::find_township(&mut tx, id).await?.ok_or(AppError::NotFound("乡镇办"))?;
    let mut entry = actor.audit("update", "township", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` while enterprises or users belong to it.
pub async fn delete_township(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_township(&mut tx, id).await?.ok_or(AppError::NotFound("乡镇办"))?;
    repo::delete_township(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], "该乡镇办仍有企业或账号，不能删除"))?;
    let mut entry = actor.audit("delete", "township", Some(id));
    entry.before = snapshot(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_departments(db: &Db, _actor: &Actor) -> Result<Vec<Department>, AppError> {
    Ok(repo::list_departments(db).await?)
}

const DEPARTMENT_UNIQUE: &[(&str, &str, &str)] = &[("name", "name", "已有同名部门")];

/// # Errors
/// `Forbidden` for anyone but an admin, `Validation`, `Conflict` on a duplicate name.
pub async fn create_department(db: &Db, actor: &Actor, name: &str) -> Result<Department, AppError> {
    actor.require(&[Role::Admin])?;
    let name = required_text("name", "名称", name, 50)?;
    let mut tx = db.begin_write().await?;
    let created = repo::insert_department(&mut tx, &name).await.map_err(|e| AppError::from_store(e, DEPARTMENT_UNIQUE, ""))?;
    let mut entry = actor.audit("create", "department", Some(created.id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// # Errors
/// `NotFound`.
pub async fn get_department(db: &Db, _actor: &Actor, id: i64) -> Result<Department, AppError> {
    let mut conn = db.pool().acquire().await?;
    repo::find_department(&mut conn, id).await?.ok_or(AppError::NotFound("部门"))
}

/// Renames a department (admin only), if it is still at `version`.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` (stale version or a name already taken).
pub async fn update_department(db: &Db, actor: &Actor, id: i64, version: i64, name: &str) -> Result<Department, AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_department(&mut tx, id).await?.ok_or(AppError::NotFound("部门"))?;
    let name = required_text("name", "名称", name, 50)?;
    repo::update_department(&mut tx, id, version, &name).await.map_err(|e| AppError::from_store(e, DEPARTMENT_UNIQUE, ""))?;
    let after = repo::find_department(&mut tx, id).await?.ok_or(AppError::NotFound("部门"))?;
    let mut entry = actor.audit("update", "department", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` while cadres or users belong to it.
pub async fn delete_department(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_department(&mut tx, id).await?.ok_or(AppError::NotFound("部门"))?;
    repo::delete_department(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], "该部门仍有干部或账号，不能删除"))?;
    let mut entry = actor.audit("delete", "department", Some(id));
    entry.before = snapshot(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

// ---- cadres and officers -----------------------------------------------------

/// Raw cadre input.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CadreInput {
    pub name: String,
    #[serde(default)]
    pub rank: String,
    pub department_id: Option<i64>,
    #[serde(default)]
    pub phone: String,
}

/// # Errors
/// `Forbidden` for roles outside the zone's staff.
pub async fn list_cadres(db: &Db, actor: &Actor, department_id: Option<i64>, page: &PageRequest) -> Result<Page<Cadre>, AppError> {
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("您的角色无权查看干部名录"));
    }
    Ok(repo::list_cadres(db, department_id, page).await?)
}

/// # Errors
/// `Forbidden` for roles outside the zone's staff, `NotFound`.
pub async fn get_cadre(db: &Db, actor: &Actor, id: i64) -> Result<Cadre, AppError> {
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden("您的角色无权查看干部名录"));
    }
    let mut conn = db.pool().acquire().await?;
    repo::find_cadre(&mut conn, id).await?.ok_or(AppError::NotFound("干部"))
}

/// A cadre's fields, checked: (name, rank, phone).
fn cadre_fields(input: &CadreInput) -> Result<(String, String, String), AppError> {
    let mut errors = Vec::new();
    let mut take = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
    let name = take(required_text("name", "姓名", &input.name, 30));
    let rank = take(optional_text("rank", "职级", &input.rank, 20));
    let phone = take(optional_phone("phone", &input.phone));
    if errors.is_empty() { Ok((name, rank, phone)) } else { Err(errors.into()) }
}

async fn check_department_exists(conn: &mut AnyConnection, department_id: Option<i64>) -> Result<(), AppError> {
    if let Some(d) = department_id
        && repo::find_department(conn, d).await?.is_none()
    {
        return Err(AppError::field("department_id", "所选部门不存在"));
    }
    Ok(())
}

/// # Errors
/// `Forbidden` for anyone but an admin, `Validation`.
pub async fn create_cadre(db: &Db, actor: &Actor, input: &CadreInput) -> Result<Cadre, AppError> {
    actor.require(&[Role::Admin])?;
    let (name, rank, phone) = cadre_fields(input)?;
    let mut tx = db.begin_write().await?;
    check_department_exists(&mut tx, input.department_id).await?;
    let id = repo::insert_cadre(&mut tx, &name, &rank, input.department_id, &phone).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let created = repo::find_cadre(&mut tx, id).await?.ok_or(AppError::NotFound("干部"))?;
    let mut entry = actor.audit("create", "cadre", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes a cadre's name, rank, home department and phone (admin only), if it
/// is still at `version`. Its assignments and their history stay as they are.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Validation`, `Conflict` on a stale version.
pub async fn update_cadre(db: &Db, actor: &Actor, id: i64, version: i64, input: &CadreInput) -> Result<Cadre, AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_cadre(&mut tx, id).await?.ok_or(AppError::NotFound("干部"))?;
    let (name, rank, phone) = cadre_fields(input)?;
    check_department_exists(&mut tx, input.department_id).await?;
    repo::update_cadre(&mut tx, id, version, &name, &rank, input.department_id, &phone).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_cadre(&mut tx, id).await?.ok_or(AppError::NotFound("干部"))?;
    let mut entry = actor.audit("update", "cadre", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes a cadre nothing refers to (admin only): one entered by mistake.
///
/// A cadre who serves or has served enterprises keeps its record, so that the
/// officer history stays whole; one bound to an account keeps it too.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` (`in_use`) naming what still refers to it.
pub async fn delete_cadre(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.require(&[Role::Admin])?;
    let mut tx = db.begin_write().await?;
    let before = repo::find_cadre(&mut tx, id).await?.ok_or(AppError::NotFound("干部"))?;
    let uses = repo::cadre_uses(&mut tx, id).await?;
    let refusal = if uses.current_assignments > 0 {
        Some(format!("该干部正在{}家企业担任首席服务员，请先结束派驻，不能删除", uses.current_assignments))
    } else if uses.users > 0 {
        Some("仍有账号绑定该干部，请先调整账号，不能删除".to_string())
    } else if uses.past_assignments > 0 {
        Some("该干部有首席服务员派驻历史，删除会丢失历史记录，不能删除".to_string())
    } else {
        None
    };
    if let Some(message) = refusal {
        return Err(AppError::Conflict { code: "in_use", message, field: None });
    }
    repo::delete_cadre(&mut tx, id).await.map_err(|e| AppError::from_store(e, &[], "该干部仍有走访记录、服务专班或其他业务记录，不能删除"))?;
    let mut entry = actor.audit("delete", "cadre", Some(id));
    entry.before = snapshot(&before);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns a cadre as the chief service officer (首席服务员) of an enterprise.
///
/// # Errors
/// `Forbidden` (admin and leader only), `Validation` (a bad date, a cadre or enterprise
/// that does not exist), `Conflict` when the enterprise already has a current officer.
pub async fn assign_officer(db: &Db, actor: &Actor, cadre_id: i64, enterprise_id: i64, started_on: &str) -> Result<i64, AppError> {
    actor.require(&[Role::Admin, Role::Leader])?;
    let mut errors = Vec::new();
    if time::Date::parse(started_on, time::macros::format_description!("[year]-[month]-[day]")).is_err() {
        errors.push(FieldError::new("started_on", "日期格式应为 YYYY-MM-DD"));
    }
    let mut tx = db.begin_write().await?;
    // a choice that names no row is the form's mistake: said beside its field
    if repo::find_cadre(&mut tx, cadre_id).await?.is_none() {
        errors.push(FieldError::new("cadre_id", "请选择一名干部（所选干部不存在）"));
    }
    if repo::find_enterprise(&mut tx, enterprise_id).await?.is_none() {
        errors.push(FieldError::new("enterprise_id", "请选择一家企业（所选企业不存在）"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let id = repo::insert_officer_assignment(&mut tx, cadre_id, enterprise_id, started_on)
        .await
        .map_err(|e| AppError::from_store(e, &[("", "enterprise_id", "该企业已有首席服务员")], ""))?;
    let mut entry = actor.audit("create", "officer_assignment", Some(id));
    entry.after = Some(serde_json::json!({"cadre_id": cadre_id, "enterprise_id": enterprise_id, "started_on": started_on}));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(id)
}
