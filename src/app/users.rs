//! User administration: accounts, roles and the scope each role is bound to.

use super::{Actor, auth, snapshot};
use crate::domain::registry::required_text;
use crate::domain::{FieldError, Role, ScopeKind};
use crate::error::AppError;
use crate::store::registry as reg;
use crate::store::users::{self as repo, NewUser, User};
use crate::store::{Db, Page, PageRequest, audit};

/// Raw input for a new account.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
    /// admin, leader, township, department, officer, enterprise, volunteer, isolation
    pub role: String,
    /// the id of the township, department, cadre, enterprise, volunteer or isolation point the role is bound to
    /// (a volunteer or isolation account may be bound later)
    pub scope_id: Option<i64>,
}

/// Creates an account (admin only; the CLI acts as the system).
///
/// # Errors
/// `Forbidden`, `Validation` naming each bad field, `Conflict` on a taken user name.
pub async fn create_user(db: &Db, actor: &Actor, input: &UserInput) -> Result<User, AppError> {
    actor.require(&[Role::Admin])?;
    let mut errors = Vec::new();
    let username = input.username.trim();
    let valid_name = (2..=32).contains(&username.len()) && username.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    if !valid_name {
        errors.push(FieldError::new("username", "用户名应为2到32位字母、数字、下划线、点或短横线"));
    }
    let display_name = if input.display_name.trim().is_empty() { username.to_string() } else { input.display_name.clone() };
    let display_name = required_text("display_name", "姓名", &display_name, 50).map_err(|e| errors.push(e)).unwrap_or_default();
    if input.password.chars().count() < 4 || input.password.len() > 128 {
        errors.push(FieldError::new("password", "密码长度应为4到128位"));
    }
    let role = Role::parse(&input.role);
    if role.is_none() {
        errors.push(FieldError::new("role", format!("未知的角色“{}”", input.role)));
    }
    let scope = role.and_then(Role::scope_kind);
    if scope.is_some_and(|k| !k.may_bind_later()) && input.scope_id.is_none() {
        errors.push(FieldError::new("scope_id", "该角色需要绑定所属单位"));
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    let password_hash = auth::hash_password(&input.password)?;
    let mut tx = db.begin_write().await?;
    let mut new = NewUser {
        username,
        display_name: &display_name,
        password_hash: &password_hash,
        role,
        township_id: None,
        department_id: None,
        enterprise_id: None,
        cadre_id: None,
        volunteer_id: None,
        isolation_point_id: None,
    };
    if let (Some(kind), Some(id)) = (scope, input.scope_id) {
        if !scope_exists(&mut tx, kind, id).await? {
            return Err(AppError::field("scope_id", "所绑定的单位不存在"));
        }
        match kind {
            ScopeKind::Township => new.township_id = Some(id),
            ScopeKind::Department => new.department_id = Some(id),
            ScopeKind::Cadre => new.cadre_id = Some(id),
            ScopeKind::Enterprise => new.enterprise_id = Some(id),
            ScopeKind::Volunteer => new.volunteer_id = Some(id),
            ScopeKind::IsolationPoint => new.isolation_point_id = Some(id),
        }
    }
    let id = repo::insert_user(&mut tx, &new).await.map_err(|e| AppError::from_store(e, &[("username", "username", "该用户名已被使用")], ""))?;
    let created = repo::find_user(&mut tx, id).await?.ok_or(AppError::NotFound("用户"))?;
    let mut entry = actor.audit("create", "user", Some(id));
    entry.after = snapshot(&created);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

async fn scope_exists(conn: &mut sqlx::AnyConnection, kind: ScopeKind, id: i64) -> Result<bool, AppError> {
    Ok(match kind {
        ScopeKind::Township => reg::find_township(conn, id).await?.is_some(),
        ScopeKind::Department => reg::find_department(conn, id).await?.is_some(),
        ScopeKind::Cadre => reg::find_cadre(conn, id).await?.is_some(),
        ScopeKind::Enterprise => reg::find_enterprise(conn, id).await?.is_some(),
        ScopeKind::Volunteer => crate::store::tutoring::find_volunteer(conn, id).await?.is_some(),
        ScopeKind::IsolationPoint => crate::store::isolation::find_point(conn, id).await?.is_some(),
    })
}

/// Binds a volunteer's account to its volunteer record, or an isolation-staff
/// account to its observation point (those may be opened before the row exists).
///
/// # Errors
/// `Forbidden` (admin only), `NotFound`, `Validation` when the account's role
/// is not bound to rows of `kind`, or the row does not exist.
pub async fn bind_user(db: &Db, actor: &Actor, user_id: i64, kind: ScopeKind, scope_id: i64) -> Result<User, AppError> {
    actor.require(&[Role::Admin])?;
    if !kind.may_bind_later() {
        return Err(AppError::field("scope_id", "该角色的所属单位在创建账号时确定"));
    }
    let mut tx = db.begin_write().await?;
    let before = repo::find_user(&mut tx, user_id).await?.ok_or_else(|| AppError::field("user_id", "所选账号不存在"))?;
    if before.role.0.scope_kind() != Some(kind) {
        let role = if kind == ScopeKind::Volunteer { "志愿者" } else { "观察点工作人员" };
        return Err(AppError::field("user_id", format!("该账号的角色不是{role}")));
    }
    if !scope_exists(&mut tx, kind, scope_id).await? {
        return Err(AppError::field("scope_id", "所绑定的单位不存在"));
    }
    let (volunteer, point) = match kind {
        ScopeKind::Volunteer => (Some(scope_id), None),
        _ => (None, Some(scope_id)),
    };
    repo::set_user_binding(&mut tx, user_id, volunteer, point).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_user(&mut tx, user_id).await?.ok_or(AppError::NotFound("用户"))?;
    let mut entry = actor.audit("bind", "user", Some(user_id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// # Errors
/// `Forbidden` for anyone but an admin.
pub async fn list_users(db: &Db, actor: &Actor, page: &PageRequest) -> Result<Page<User>, AppError> {
    actor.require(&[Role::Admin])?;
    Ok(repo::list_users(db, page).await?)
}

/// Disables (or re-enables) an account; disabling ends its sessions at once.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` when an admin would disable itself.
pub async fn set_user_disabled(db: &Db, actor: &Actor, id: i64, disabled: bool) -> Result<User, AppError> {
    actor.require(&[Role::Admin])?;
    if disabled && id == actor.user_id {
        return Err(AppError::Conflict { code: "self_disable", message: "不能停用自己的账号".into(), field: None });
    }
    let mut tx = db.begin_write().await?;
    let before = repo::find_user(&mut tx, id).await?.ok_or(AppError::NotFound("用户"))?;
    repo::set_user_disabled(&mut tx, id, disabled).await.map_err(|e| AppError::from_store(e, &[], ""))?;
    let after = repo::find_user(&mut tx, id).await?.ok_or(AppError::NotFound("用户"))?;
    let mut entry = actor.audit(if disabled { "disable" } else { "enable" }, "user", Some(id));
    entry.before = snapshot(&before);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}
