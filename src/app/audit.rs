//! Reading the audit log (admin only).

use super::Actor;
use crate::domain::Role;
use crate::error::AppError;
use crate::store::audit::{self, AuditEntry, AuditFilter};
use crate::store::{Db, Page, PageRequest};

/// # Errors
/// `Forbidden` for anyone but an admin.
pub async fn list_audit_entries(db: &Db, actor: &Actor, filter: &AuditFilter, page: &PageRequest) -> Result<Page<AuditEntry>, AppError> {
    actor.require(&[Role::Admin])?;
    Ok(audit::list(db, filter, page).await?)
}
