//! Plain types and rules of the zone, with no I/O: everything here is unit-tested.

pub mod calendar;
pub mod credit_code;
pub mod employment;
pub mod id_number;
pub mod inspection;
pub mod investment;
pub mod isolation;
pub mod policy;
pub mod project;
pub mod registry;
pub mod resumption;
pub mod role;
pub mod tutoring;
pub mod workorder;

pub use calendar::{CalendarError, WorkCalendar};
pub use credit_code::{CreditCode, CreditCodeError};
pub use registry::{EnterpriseFields, EnterpriseInput, EnterpriseKind, FieldError, TownshipKind};
pub use role::{Role, ScopeKind};
