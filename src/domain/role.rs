//! Roles (DESIGN.md "Who uses it") and the scope a user's rows are limited to.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a user is in the zone; decides which capabilities and rows it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 专班/领导
    Leader,
    /// 乡镇办专班
    Township,
    /// 职能部门
    Department,
    /// 首席服务员
    Officer,
    /// 企业联系人
    Enterprise,
    /// 志愿者
    Volunteer,
    /// 观察点工作人员
    Isolation,
}

impl Role {
    pub const ALL: [Role; 8] = [Role::Admin, Role::Leader, Role::Township, Role::Department, Role::Officer, Role::Enterprise, Role::Volunteer, Role::Isolation];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Township => "township",
            Role::Department => "department",
            Role::Officer => "officer",
            Role::Enterprise => "enterprise",
            Role::Volunteer => "volunteer",
            Role::Isolation => "isolation",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The kind of scope a user of this role must be bound to, if any.
    pub fn scope_kind(self) -> Option<ScopeKind> {
        match self {
            Role::Township => Some(ScopeKind::Township),
            Role::Department => Some(ScopeKind::Department),
            Role::Officer => Some(ScopeKind::Cadre),
            Role::Enterprise => Some(ScopeKind::Enterprise),
            Role::Volunteer => Some(ScopeKind::Volunteer),
            Role::Isolation => Some(ScopeKind::IsolationPoint),
            Role::Admin | Role::Leader => None,
        }
    }

    /// Staff of the zone (as opposed to enterprises and volunteers), who may read
    /// the shared reference data: townships, departments, cadres.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Leader | Role::Township | Role::Department | Role::Officer)
    }
}

/// What a scoped role is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Township,
    Department,
    Cadre,
    Enterprise,
    /// a volunteer's own record (志愿者)
    Volunteer,
    /// the isolation observation point a staff member works at
    IsolationPoint,
}

impl ScopeKind {
    pub fn code(self) -> &'static str {
        match self {
            ScopeKind::Township => "township",
            ScopeKind::Department => "department",
            ScopeKind::Cadre => "cadre",
            ScopeKind::Enterprise => "enterprise",
            ScopeKind::Volunteer => "volunteer",
            ScopeKind::IsolationPoint => "isolation_point",
        }
    }

    /// Whether an account may be opened before the row it is bound to exists and
    /// bound later: a volunteer's or an observation point's staff account is often
    /// opened before the record is registered. Until it is bound it sees nothing.
    pub fn may_bind_later(self) -> bool {
        matches!(self, ScopeKind::Volunteer | ScopeKind::IsolationPoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn scoped_roles_name_their_scope() {
        assert_eq!(Role::Enterprise.scope_kind(), Some(ScopeKind::Enterprise));
        assert_eq!(Role::Officer.scope_kind(), Some(ScopeKind::Cadre));
        assert_eq!(Role::Leader.scope_kind(), None);
        assert_eq!(Role::Volunteer.scope_kind(), Some(ScopeKind::Volunteer));
        assert!(Role::Isolation.scope_kind().is_some_and(ScopeKind::may_bind_later));
        assert!(!ScopeKind::Enterprise.may_bind_later());
    }
}
