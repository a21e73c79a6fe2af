//! Use cases: check permission, load, apply the domain rule, save, audit —
//! one function each, one transaction each.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod commitment;
pub mod employment;
pub mod exchange;
pub mod greenlist;
pub mod inspection;
pub mod investment;
pub mod isolation;
pub mod notifications;
pub mod officers;
pub mod policy;
pub mod project;
pub mod rates;
pub mod registry;
pub mod resumption;
pub mod supervision;
pub mod tutoring;
pub mod users;
pub mod workorder;

use crate::domain::Role;
use crate::error::AppError;
use crate::store::audit::NewAuditEntry;

/// The authenticated user a use case acts for, with its row scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub township_id: Option<i64>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub cadre_id: Option<i64>,
}

impl Actor {
    /// The system itself (CLI commands, the demo loader): may do anything, and is
    /// audited under this name.
    pub fn system() -> Actor {
        Actor {
            user_id: 0,
            username: "system".to_string(),
            display_name: "系统".to_string(),
            role: Role::Admin,
            township_id: None,
            department_id: None,
            enterprise_id: None,
            cadre_id: None,
        }
    }

    /// # Errors
    /// `Forbidden` unless the actor has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) { Ok(()) } else { Err(AppError::Forbidden("您的角色无权进行此操作")) }
    }

    /// An audit entry by this actor.
    pub fn audit<'a>(&'a self, action: &'a str, entity: &'a str, entity_id: Option<i64>) -> NewAuditEntry<'a> {
        NewAuditEntry { actor_id: (self.user_id > 0).then_some(self.user_id), actor_name: &self.username, action, entity, entity_id, before: None, after: None }
    }
}

/// Serialises a record for an audit entry's before/after.
pub fn snapshot<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}
