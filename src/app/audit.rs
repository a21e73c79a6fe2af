//! Reading the audit log and verifying its hash chain (admin only).

use super::Actor;
use crate::domain::Role;
use crate::error::AppError;
use crate::store::audit::{self, AuditEntry, AuditFilter, ChainReport};
use crate::store::{Db, Page, PageRequest};

/// # Errors
/// `Forbidden` for anyone but an admin.
pub async fn list_audit_entries(db: &Db, actor: &Actor, filter: &AuditFilter, page: &PageRequest) -> Result<Page<AuditEntry>, AppError> {
    actor.require(&[Role::Admin])?;
    Ok(audit::list(db, filter, page).await?)
}

/// Walks the audit chain and reports the first broken entry, if any (admin only).
///
/// # Errors
/// `Forbidden` for anyone but an admin.
pub async fn verify_audit_chain(db: &Db, actor: &Actor) -> Result<ChainReport, AppError> {
    actor.require(&[Role::Admin])?;
    Ok(audit::verify_chain(db).await?)
}
