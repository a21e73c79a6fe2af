//! Plain types and rules of the zone, with no I/O: everything here is unit-tested.

pub mod calendar;
pub mod credit_code;
pub mod registry;
pub mod resumption;
pub mod role;
pub mod workorder;

pub use calendar::{CalendarError, WorkCalendar};
pub use credit_code::{CreditCode, CreditCodeError};
pub use registry::{EnterpriseFields, EnterpriseInput, EnterpriseKind, FieldError, TownshipKind};
pub use role::{Role, ScopeKind};
