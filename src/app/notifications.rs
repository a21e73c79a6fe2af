//! In-app notifications (消息提醒) of the signed-in user.

use super::Actor;
use crate::error::AppError;
use crate::store::workorder::{self as repo, Notification};
use crate::store::{Db, Page, PageRequest};

/// # Errors
/// Only a database failure: every user has notifications of its own.
pub async fn list_notifications(db: &Db, actor: &Actor, unread_only: bool, page: &PageRequest) -> Result<Page<Notification>, AppError> {
    Ok(repo::list_notifications(db, actor.user_id, unread_only, page).await?)
}

/// # Errors
/// Only a database failure.
pub async fn unread_count(db: &Db, actor: &Actor) -> Result<i64, AppError> {
    Ok(repo::unread_count(db, actor.user_id).await?)
}

/// Marks one notification (or, with `None`, all) of the actor as read.
///
/// # Errors
/// `NotFound` when `id` is not an unread notification of the actor.
pub async fn mark_read(db: &Db, actor: &Actor, id: Option<i64>) -> Result<u64, AppError> {
    let mut tx = db.begin_write().await?;
    let n = repo::mark_read(&mut tx, actor.user_id, id).await?;
    if id.is_some() && n == 0 {
        return Err(AppError::NotFound("未读消息"));
    }
    tx.commit().await?;
    Ok(n)
}
