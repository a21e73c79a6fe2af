//! The permission matrix of every route (issue #8): each (method, path) of the
//! router has a stated policy in `POLICY`, and every role (and an anonymous
//! caller) is sent to every route — on a row of its own and on another's where
//! the path names a row — and must be let through or refused exactly as stated.
//! Nothing is protected only by hiding a link: the pages are requested directly.
//!
//! The human-readable form of the same policy is docs/permissions.md.
//!
//! `MATRIX_PROBE=1 cargo test --test route_matrix sqlite -- --nocapture` prints
//! what each caller got from each route (R refused, N 404, A allowed, with the
//! status), without failing on unstated routes: a start for a new route's entry,
//! to be checked against DESIGN.md and the use case before it goes in the table.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use common::{TestApp, browser_client, hidden_value, page_log_in};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zonedesk::domain::Role;
use zonedesk::domain::Role::{Admin, Department, Enterprise, Isolation, Leader, Officer, Township, Volunteer};

// ---- the policy ----------------------------------------------------------------

/// Who may use a route.
#[derive(Clone, Copy, Debug)]
enum Policy {
    /// anyone, signed in or not
    Public,
    /// anyone without credentials; a caller who gives them (Open311's
    /// `api_key`) must have one of these roles
    Open(&'static [Role]),
    /// any signed-in user, whatever its role
    AnyUser,
    /// only these roles (the route names no row, or every row is theirs)
    Roles(&'static [Role]),
    /// the path names a row: `all` reach every row, `own` only rows in their
    /// scope; everyone else is refused. A refused row answers 403, or 404 where
    /// `hides` says the code deliberately hides that the row exists.
    Rows { all: &'static [Role], own: &'static [Role], hides: bool },
}

use Policy::{AnyUser, Open, Public, Roles, Rows};

const STAFF: &[Role] = &[Admin, Leader, Township, Department, Officer];
const ADMIN: &[Role] = &[Admin];
/// who files and reads work orders (DESIGN.md: not volunteers, not observation points)
const STAFF_AND_ENTERPRISES: &[Role] = &[Admin, Leader, Township, Department, Officer, Enterprise];
const ZONE: &[Role] = &[Admin, Leader];

/// Every (method, path template) of the router and who may use it.
const POLICY: &[(&str, &str, Policy)] = &[
    ("GET", "/api/openapi.json", Public),
    ("GET", "/api/v1/audit-entries", Roles(ADMIN)),
    ("GET", "/api/v1/audit/verify", Roles(ADMIN)),
    ("DELETE", "/api/v1/auth/token", AnyUser),
    ("POST", "/api/v1/auth/token", Public),
    ("GET", "/api/v1/briefing", Roles(ZONE)),
    ("GET", "/api/v1/cadres", Roles(STAFF)),
    ("POST", "/api/v1/cadres", Roles(ADMIN)),
    ("GET", "/api/v1/cadres/{id}", Roles(STAFF)),
    ("PUT", "/api/v1/cadres/{id}", Roles(ADMIN)),
    ("DELETE", "/api/v1/cadres/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/campaign-tallies", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/api/v1/campaigns", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/api/v1/campaigns", Roles(ZONE)),
    ("GET", "/api/v1/campaigns/{id}", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/api/v1/campaigns/{id}/tally-entries", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/api/v1/campaigns/{id}/tally-entries", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/children", Roles(&[Admin, Leader, Township])),
    ("POST", "/api/v1/children", Roles(&[Admin, Leader, Township])),
    ("DELETE", "/api/v1/children/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/children/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("PUT", "/api/v1/children/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/commitment-checklist", AnyUser),
    ("POST", "/api/v1/commitment-checklist", Roles(ADMIN)),
    ("PUT", "/api/v1/commitment-checklist/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/commitments", Roles(&[Admin, Leader, Township, Department, Enterprise])),
    ("POST", "/api/v1/commitments", Roles(&[Admin, Leader, Township, Enterprise])),
    ("GET", "/api/v1/commitments/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township, Enterprise], hides: false }),
    ("GET", "/api/v1/dashboard", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/departments", AnyUser),
    ("POST", "/api/v1/departments", Roles(ADMIN)),
    ("DELETE", "/api/v1/departments/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/departments/{id}", AnyUser),
    ("PUT", "/api/v1/departments/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/employment/gaps", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/enterprises", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/enterprises", Roles(&[Admin, Leader, Township])),
    ("DELETE", "/api/v1/enterprises/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/enterprises/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township, Officer, Enterprise], hides: false }),
    ("PUT", "/api/v1/enterprises/{id}", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("GET", "/api/v1/exports/{kind}", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/fever-alerts/{id}/handle", Rows { all: &[], own: &[Isolation], hides: false }),
    ("GET", "/api/v1/findings", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/api/v1/findings/{id}/rechecks", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/green-list", Roles(STAFF)),
    ("POST", "/api/v1/green-list", Roles(ZONE)),
    ("POST", "/api/v1/green-list/{enterprise_id}/remove", Roles(ZONE)),
    ("PUT", "/api/v1/green-list/{enterprise_id}/team", Roles(ZONE)),
    ("GET", "/api/v1/green-list-limits", Roles(STAFF)),
    ("PUT", "/api/v1/green-list-limits", Roles(ADMIN)),
    ("PUT", "/api/v1/household-members/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/households", Roles(&[Admin, Leader, Township])),
    ("POST", "/api/v1/households", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/households/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/api/v1/households/{id}/members", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/api/v1/imports/{kind}", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/imports/{kind}/template", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/inspections", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/api/v1/inspections", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/inspections/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/investment-leads", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/api/v1/investment-leads", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/api/v1/investment-leads/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township], hides: false }),
    ("POST", "/api/v1/investment-leads/{id}/stage", Rows { all: &[Admin, Leader, Department], own: &[Township], hides: false }),
    ("GET", "/api/v1/investment-progress", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/api/v1/investment-targets", Roles(&[Admin, Leader, Township, Department])),
    ("PUT", "/api/v1/investment-targets", Roles(ZONE)),
    ("DELETE", "/api/v1/isolation-documents/{id}", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-documents/{id}", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-points", Roles(&[Admin, Leader, Isolation])),
    ("POST", "/api/v1/isolation-points", Roles(ADMIN)),
    ("GET", "/api/v1/isolation-points/{id}", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("PUT", "/api/v1/isolation-points/{id}", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("POST", "/api/v1/isolation-points/{id}/accounts", Roles(ADMIN)),
    ("GET", "/api/v1/isolation-points/{id}/dashboard", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-points/{id}/documents", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/api/v1/isolation-points/{id}/documents", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-points/{id}/fever-alerts", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-points/{id}/observed-persons", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("POST", "/api/v1/isolation-points/{id}/observed-persons", Rows { all: &[], own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-points/{id}/rooms", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/api/v1/isolation-points/{id}/rooms", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-points/{id}/roster", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/api/v1/isolation-points/{id}/roster", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/api/v1/isolation-points/{id}/staff", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/api/v1/isolation-points/{id}/staff", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("POST", "/api/v1/isolation-points/{id}/temperature-rounds", Rows { all: &[], own: &[Isolation], hides: false }),
    ("DELETE", "/api/v1/isolation-staff/{id}", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/api/v1/job-postings", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/job-postings", Roles(&[Admin, Leader, Township, Officer, Enterprise])),
    ("GET", "/api/v1/job-postings/{id}", Rows { all: STAFF, own: &[Enterprise], hides: false }),
    ("POST", "/api/v1/job-postings/{id}/status", Rows { all: ZONE, own: &[Township, Officer, Enterprise], hides: false }),
    ("GET", "/api/v1/me", AnyUser),
    ("GET", "/api/v1/notifications", AnyUser),
    ("POST", "/api/v1/notifications/read-all", AnyUser),
    ("POST", "/api/v1/notifications/{id}/read", AnyUser),
    ("GET", "/api/v1/observed-persons/{id}", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("POST", "/api/v1/observed-persons/{id}/release", Rows { all: &[], own: &[Isolation], hides: false }),
    ("POST", "/api/v1/observed-persons/{id}/temperatures", Rows { all: &[], own: &[Isolation], hides: false }),
    ("POST", "/api/v1/officer-assignments", Roles(ZONE)),
    ("GET", "/api/v1/officer-assignments", Roles(STAFF)),
    ("POST", "/api/v1/officer-assignments/{id}/end", Roles(ZONE)),
    ("GET", "/api/v1/officers", Roles(STAFF)),
    ("GET", "/api/v1/officers/coverage", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/api/v1/officers/me", Roles(&[Officer])),
    ("GET", "/api/v1/pairing-rules", Roles(&[Admin, Leader, Township])),
    ("POST", "/api/v1/pairing-rules", Roles(ZONE)),
    ("DELETE", "/api/v1/pairing-rules/{id}", Roles(ZONE)),
    ("GET", "/api/v1/pairings", Roles(&[Admin, Leader, Township, Volunteer])),
    ("POST", "/api/v1/pairings", Roles(&[Admin, Leader, Township])),
    ("POST", "/api/v1/pairings/compute", Roles(ZONE)),
    ("GET", "/api/v1/pairings/{id}", Rows { all: ZONE, own: &[Township, Volunteer], hides: false }),
    ("POST", "/api/v1/pairings/{id}/accept", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/api/v1/pairings/{id}/end", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/pairings/{id}/sessions", Rows { all: ZONE, own: &[Township, Volunteer], hides: false }),
    ("POST", "/api/v1/pairings/{id}/sessions", Rows { all: ZONE, own: &[Township, Volunteer], hides: false }),
    ("GET", "/api/v1/placements", Roles(&[Admin, Leader, Township, Enterprise])),
    ("POST", "/api/v1/placements", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/placements/{id}", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("POST", "/api/v1/placements/{id}/end", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/policies", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/policies", Roles(ZONE)),
    ("GET", "/api/v1/policies/{id}", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("PUT", "/api/v1/policies/{id}", Roles(ZONE)),
    ("GET", "/api/v1/policy-applications", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/policy-applications", Roles(&[Admin, Leader, Enterprise])),
    ("GET", "/api/v1/policy-applications/{id}", Rows { all: ZONE, own: &[Township, Department, Officer, Enterprise], hides: false }),
    ("POST", "/api/v1/policy-applications/{id}/disbursements", Rows { all: ZONE, own: &[Department], hides: false }),
    ("POST", "/api/v1/policy-applications/{id}/review", Rows { all: ZONE, own: &[Department], hides: false }),
    ("GET", "/api/v1/policy-supervision", Roles(&[Admin, Leader, Department])),
    ("DELETE", "/api/v1/project-milestones/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("PUT", "/api/v1/project-milestones/{id}", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("PUT", "/api/v1/project-permits/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township], hides: false }),
    ("GET", "/api/v1/projects", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/projects", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/projects/slippage", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/api/v1/projects/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township, Officer, Enterprise], hides: false }),
    ("PUT", "/api/v1/projects/{id}", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("POST", "/api/v1/projects/{id}/factor-needs", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/api/v1/projects/{id}/milestones", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/api/v1/projects/{id}/notes", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/api/v1/projects/{id}/permits", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/rates", Roles(ZONE)),
    ("GET", "/api/v1/rates/league", Roles(STAFF)),
    ("GET", "/api/v1/response-templates", AnyUser),
    ("GET", "/api/v1/resumption/series", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/api/v1/sites", Roles(&[Admin, Leader, Township])),
    ("POST", "/api/v1/sites", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/sites/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/spot-check-draws", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/api/v1/spot-check-draws", Roles(ZONE)),
    ("GET", "/api/v1/spot-check-draws/{id}", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/api/v1/spot-checks", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/api/v1/spot-checks/{id}/result", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/status-reports", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/status-reports", Roles(&[Admin, Leader, Township, Officer, Enterprise])),
    ("GET", "/api/v1/status-reports/missing", Roles(STAFF)),
    ("GET", "/api/v1/supervision", Roles(ZONE)),
    ("POST", "/api/v1/supervision/sweep", Roles(ZONE)),
    ("POST", "/api/v1/tally-entries/{id}/void", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/townships", AnyUser),
    ("POST", "/api/v1/townships", Roles(ADMIN)),
    ("DELETE", "/api/v1/townships/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/townships/{id}", AnyUser),
    ("PUT", "/api/v1/townships/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/transport-batches", Roles(&[Admin, Leader, Township])),
    ("POST", "/api/v1/transport-batches", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/transport-batches/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/tutoring-figures", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/village-locations", Roles(&[Admin, Leader, Township])),
    ("PUT", "/api/v1/village-locations", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/users", Roles(ADMIN)),
    ("POST", "/api/v1/users", Roles(ADMIN)),
    ("POST", "/api/v1/users/{id}/disable", Roles(ADMIN)),
    ("POST", "/api/v1/users/{id}/enable", Roles(ADMIN)),
    ("DELETE", "/api/v1/users/{id}/sessions", Roles(ADMIN)),
    ("GET", "/api/v1/visits", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/visits", Roles(&[Officer])),
    ("GET", "/api/v1/volunteers", Roles(&[Admin, Leader, Township, Volunteer])),
    ("POST", "/api/v1/volunteers", Roles(&[Admin, Leader, Township])),
    ("DELETE", "/api/v1/volunteers/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/api/v1/volunteers/{id}", Rows { all: ZONE, own: &[Township, Volunteer], hides: false }),
    ("PUT", "/api/v1/volunteers/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/api/v1/volunteers/{id}/account", Roles(ADMIN)),
    ("GET", "/api/v1/welfare-posts", Roles(&[Admin, Leader, Township])),
    ("POST", "/api/v1/welfare-posts", Roles(&[Admin, Leader, Township])),
    ("GET", "/api/v1/work-order-categories", AnyUser),
    ("PUT", "/api/v1/work-order-categories/{id}", Roles(ADMIN)),
    ("GET", "/api/v1/work-orders", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/api/v1/work-orders", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/api/v1/work-orders/{id}", Rows { all: ZONE, own: &[Township, Department, Officer, Enterprise], hides: false }),
    ("POST", "/api/v1/work-orders/{id}/transitions", Rows { all: ZONE, own: &[Township, Officer, Enterprise], hides: false }),
    ("GET", "/open311/v2/discovery.json", Public),
    ("GET", "/open311/v2/discovery.xml", Public),
    ("GET", "/open311/v2/requests.json", Open(STAFF_AND_ENTERPRISES)),
    ("POST", "/open311/v2/requests.json", Open(STAFF_AND_ENTERPRISES)),
    ("GET", "/open311/v2/requests.xml", Open(STAFF_AND_ENTERPRISES)),
    ("POST", "/open311/v2/requests.xml", Open(STAFF_AND_ENTERPRISES)),
    ("GET", "/open311/v2/requests/{file}", Public),
    ("GET", "/open311/v2/services.json", Public),
    ("GET", "/open311/v2/services.xml", Public),
    ("GET", "/open311/v2/services/{file}", Public),
    ("GET", "/", AnyUser),
    ("GET", "/audit", Roles(ADMIN)),
    ("GET", "/briefing", Roles(ZONE)),
    ("GET", "/briefing.docx", Roles(ZONE)),
    ("GET", "/cadres", Roles(STAFF)),
    ("POST", "/cadres", Roles(ADMIN)),
    ("GET", "/cadres/{id}", Roles(STAFF)),
    ("POST", "/cadres/{id}", Roles(ADMIN)),
    ("GET", "/cadres/{id}/edit", Roles(ADMIN)),
    ("GET", "/cadres/{id}/delete", Roles(ADMIN)),
    ("POST", "/cadres/{id}/delete", Roles(ADMIN)),
    ("GET", "/campaigns", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/campaigns", Roles(ZONE)),
    ("GET", "/campaigns/{id}", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/campaigns/{id}/tally-entries", Roles(&[Admin, Leader, Township])),
    ("GET", "/categories", Roles(ADMIN)),
    ("POST", "/categories/{id}", Roles(ADMIN)),
    ("GET", "/commitments", Roles(&[Admin, Leader, Township, Department, Enterprise])),
    ("POST", "/commitments", Roles(&[Admin, Leader, Township, Enterprise])),
    ("GET", "/commitments/new", Roles(&[Admin, Leader, Township, Enterprise])),
    ("GET", "/commitments/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township, Enterprise], hides: false }),
    ("GET", "/commitment-checklist", Roles(ADMIN)),
    ("POST", "/commitment-checklist", Roles(ADMIN)),
    ("POST", "/commitment-checklist/{id}", Roles(ADMIN)),
    ("GET", "/dashboard", Roles(&[Admin, Leader, Township])),
    ("GET", "/departments", Roles(ZONE)),
    ("POST", "/departments", Roles(ADMIN)),
    ("GET", "/departments/{id}/delete", Roles(ADMIN)),
    ("POST", "/departments/{id}/delete", Roles(ADMIN)),
    ("POST", "/departments/{id}", Roles(ADMIN)),
    ("GET", "/departments/{id}/edit", Roles(ADMIN)),
    ("GET", "/employment/gaps", Roles(&[Admin, Leader, Township])),
    ("GET", "/enterprises", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/enterprises", Roles(&[Admin, Leader, Township])),
    ("GET", "/enterprises/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/enterprises/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township, Officer, Enterprise], hides: false }),
    ("POST", "/enterprises/{id}", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("GET", "/enterprises/{id}/delete", Roles(ADMIN)),
    ("POST", "/enterprises/{id}/delete", Roles(ADMIN)),
    ("GET", "/enterprises/{id}/edit", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("GET", "/exports/{kind}", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/findings", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/findings/{id}/recheck", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/green-list", Roles(STAFF)),
    ("POST", "/green-list", Roles(ZONE)),
    ("POST", "/green-list/{enterprise_id}/remove", Roles(ZONE)),
    ("POST", "/green-list/{enterprise_id}/team", Roles(ZONE)),
    ("GET", "/green-list/limits", Roles(STAFF)),
    ("POST", "/green-list/limits", Roles(ADMIN)),
    ("GET", "/healthz", Public),
    ("POST", "/household-members/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/households", Roles(&[Admin, Leader, Township])),
    ("POST", "/households", Roles(&[Admin, Leader, Township])),
    ("GET", "/households/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/households/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/households/{id}/members", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/households/{id}/placements", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/imports", AnyUser),
    ("GET", "/imports/{kind}", Roles(&[Admin, Leader, Township])),
    ("POST", "/imports/{kind}", Roles(&[Admin, Leader, Township])),
    ("GET", "/imports/{kind}/template.xlsx", Roles(&[Admin, Leader, Township])),
    ("GET", "/inspections", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/inspections", Roles(&[Admin, Leader, Township])),
    ("GET", "/inspections/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/inspections/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/investment-leads", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/investment-leads", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/investment-leads/new", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/investment-leads/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township], hides: false }),
    ("POST", "/investment-leads/{id}/stage", Rows { all: &[Admin, Leader, Department], own: &[Township], hides: false }),
    ("GET", "/investment-progress", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/investment-targets", Roles(ZONE)),
    ("GET", "/isolation", Roles(&[Admin, Leader, Isolation])),
    ("POST", "/isolation", Roles(ADMIN)),
    ("POST", "/isolation/alerts/{id}/handle", Rows { all: &[], own: &[Isolation], hides: false }),
    ("GET", "/isolation/documents/{id}", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("GET", "/isolation/documents/{id}/delete", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/isolation/documents/{id}/delete", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/isolation/persons/{id}", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("POST", "/isolation/persons/{id}/release", Rows { all: &[], own: &[Isolation], hides: false }),
    ("POST", "/isolation/persons/{id}/temperatures", Rows { all: &[], own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/documents", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/isolation/points/{id}/documents", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/persons", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("POST", "/isolation/points/{id}/persons", Rows { all: &[], own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/persons/new", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/rooms", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/isolation/points/{id}/rooms", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/roster", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/isolation/points/{id}/roster", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/roster.csv", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/round", Rows { all: &[Leader], own: &[Isolation], hides: false }),
    ("POST", "/isolation/points/{id}/round", Rows { all: &[], own: &[Isolation], hides: false }),
    ("GET", "/isolation/points/{id}/staff", Rows { all: ZONE, own: &[Isolation], hides: false }),
    ("POST", "/isolation/points/{id}/staff", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/isolation/staff/{id}/remove", Rows { all: ADMIN, own: &[Isolation], hides: true }),
    ("POST", "/isolation/staff/{id}/remove", Rows { all: ADMIN, own: &[Isolation], hides: false }),
    ("GET", "/job-postings", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/job-postings", Roles(&[Admin, Leader, Township, Officer, Enterprise])),
    ("GET", "/job-postings/new", Roles(&[Admin, Leader, Township, Officer, Enterprise])),
    ("GET", "/job-postings/{id}", Rows { all: STAFF, own: &[Enterprise], hides: false }),
    ("POST", "/job-postings/{id}/status", Rows { all: ZONE, own: &[Township, Officer, Enterprise], hides: false }),
    ("GET", "/lang/{code}", Public),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", AnyUser),
    ("GET", "/metrics", Public),
    ("GET", "/notifications", AnyUser),
    ("POST", "/notifications/read-all", AnyUser),
    ("POST", "/notifications/{id}/read", AnyUser),
    ("GET", "/officers", Roles(&[Admin, Leader, Township, Department])),
    ("GET", "/officers/me", Roles(&[Officer])),
    ("GET", "/officer-assignments", Roles(STAFF)),
    ("POST", "/officer-assignments", Roles(ZONE)),
    ("GET", "/officer-assignments/new", Roles(ZONE)),
    ("GET", "/officer-assignments/{id}/end", Roles(ZONE)),
    ("POST", "/officer-assignments/{id}/end", Roles(ZONE)),
    ("GET", "/placements/{id}/end", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/placements/{id}/end", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/policies", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/policies", Roles(ZONE)),
    ("GET", "/policies/new", Roles(ZONE)),
    ("GET", "/policies/{id}", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/policies/{id}", Roles(ZONE)),
    ("GET", "/policies/{id}/edit", Roles(ZONE)),
    ("GET", "/policy-applications", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/policy-applications", Roles(&[Admin, Leader, Enterprise])),
    ("GET", "/policy-applications/{id}", Rows { all: ZONE, own: &[Township, Department, Officer, Enterprise], hides: false }),
    ("POST", "/policy-applications/{id}/disbursements", Rows { all: ZONE, own: &[Department], hides: false }),
    ("POST", "/policy-applications/{id}/review", Rows { all: ZONE, own: &[Department], hides: false }),
    ("GET", "/policy-supervision", Roles(&[Admin, Leader, Department])),
    ("POST", "/project-milestones/{id}", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("GET", "/project-milestones/{id}/delete", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/project-milestones/{id}/delete", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/project-permits/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township], hides: false }),
    ("GET", "/projects", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/projects", Roles(&[Admin, Leader, Township])),
    ("GET", "/projects/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/projects/slippage", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/projects/{id}", Rows { all: &[Admin, Leader, Department], own: &[Township, Officer, Enterprise], hides: false }),
    ("POST", "/projects/{id}", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("GET", "/projects/{id}/edit", Rows { all: ZONE, own: &[Township, Enterprise], hides: false }),
    ("POST", "/projects/{id}/factor-needs", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/projects/{id}/milestones", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/projects/{id}/notes", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/projects/{id}/permits", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/rates", Roles(STAFF)),
    ("GET", "/rates/league", Roles(STAFF)),
    ("GET", "/resumption", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/sites", Roles(&[Admin, Leader, Township])),
    ("POST", "/sites", Roles(&[Admin, Leader, Township])),
    ("GET", "/sites/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/spot-checks", Roles(&[Admin, Leader, Township, Department])),
    ("POST", "/spot-checks", Roles(ZONE)),
    ("POST", "/spot-checks/{id}/result", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/static/app.js", Public),
    ("GET", "/static/style.css", Public),
    ("GET", "/status-reports", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/status-reports", Roles(&[Admin, Leader, Township, Officer, Enterprise])),
    ("GET", "/supervision", Roles(ZONE)),
    ("GET", "/tally-entries/{id}/void", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/tally-entries/{id}/void", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/townships", Roles(ZONE)),
    ("POST", "/townships", Roles(ADMIN)),
    ("GET", "/townships/{id}/delete", Roles(ADMIN)),
    ("POST", "/townships/{id}/delete", Roles(ADMIN)),
    ("POST", "/townships/{id}", Roles(ADMIN)),
    ("GET", "/townships/{id}/edit", Roles(ADMIN)),
    ("GET", "/transport-batches", Roles(&[Admin, Leader, Township])),
    ("POST", "/transport-batches", Roles(&[Admin, Leader, Township])),
    ("GET", "/transport-batches/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/transport-batches/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/tutoring", Roles(&[Admin, Leader, Township, Volunteer])),
    ("GET", "/tutoring/children", Roles(&[Admin, Leader, Township])),
    ("POST", "/tutoring/children", Roles(&[Admin, Leader, Township])),
    ("GET", "/tutoring/children/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/tutoring/children/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/tutoring/children/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/tutoring/children/{id}/delete", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/tutoring/children/{id}/delete", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/tutoring/children/{id}/edit", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/tutoring/mine", AnyUser),
    ("GET", "/tutoring/pairings", Roles(&[Admin, Leader, Township, Volunteer])),
    ("POST", "/tutoring/pairings", Roles(&[Admin, Leader, Township])),
    ("POST", "/tutoring/pairings/accept-all", Roles(&[Admin, Leader, Township])),
    ("POST", "/tutoring/pairings/compute", Roles(ZONE)),
    ("GET", "/tutoring/pairings/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/tutoring/pairings/{id}", Rows { all: ZONE, own: &[Township, Volunteer], hides: false }),
    ("POST", "/tutoring/pairings/{id}/accept", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/tutoring/pairings/{id}/end", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/tutoring/pairings/{id}/sessions", Rows { all: ZONE, own: &[Township, Volunteer], hides: false }),
    ("GET", "/tutoring/rules", Roles(&[Admin, Leader, Township])),
    ("POST", "/tutoring/rules", Roles(ZONE)),
    ("POST", "/tutoring/rules/{id}/delete", Roles(ZONE)),
    ("GET", "/tutoring/villages", Roles(&[Admin, Leader, Township])),
    ("POST", "/tutoring/villages", Roles(&[Admin, Leader, Township])),
    ("GET", "/tutoring/volunteers", Roles(&[Admin, Leader, Township, Volunteer])),
    ("POST", "/tutoring/volunteers", Roles(&[Admin, Leader, Township])),
    ("GET", "/tutoring/volunteers/new", Roles(&[Admin, Leader, Township])),
    ("GET", "/tutoring/volunteers/{id}", Rows { all: ZONE, own: &[Township, Volunteer], hides: false }),
    ("POST", "/tutoring/volunteers/{id}", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/tutoring/volunteers/{id}/delete", Rows { all: ZONE, own: &[Township], hides: false }),
    ("POST", "/tutoring/volunteers/{id}/delete", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/tutoring/volunteers/{id}/edit", Rows { all: ZONE, own: &[Township], hides: false }),
    ("GET", "/users", Roles(ADMIN)),
    ("POST", "/users", Roles(ADMIN)),
    ("POST", "/users/{id}/toggle", Roles(ADMIN)),
    ("GET", "/visits", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/visits", Roles(&[Officer])),
    ("GET", "/visits/new", Roles(&[Officer])),
    ("GET", "/welfare-posts", Roles(&[Admin, Leader, Township])),
    ("POST", "/welfare-posts", Roles(&[Admin, Leader, Township])),
    ("GET", "/work-orders", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("POST", "/work-orders", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/work-orders/new", Roles(&[Admin, Leader, Township, Department, Officer, Enterprise])),
    ("GET", "/work-orders/{id}", Rows { all: ZONE, own: &[Township, Department, Officer, Enterprise], hides: false }),
    ("POST", "/work-orders/{id}/act", Rows { all: ZONE, own: &[Township, Officer, Enterprise], hides: false }),
];

// ---- callers -------------------------------------------------------------------

/// A caller of the matrix: nobody signed in, or the demo user of a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Who {
    Anonymous,
    User(RoleKey),
}

/// `Role` with an order, to key maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct RoleKey(usize);

impl RoleKey {
    fn role(self) -> Role {
        Role::ALL[self.0]
    }
}

fn callers() -> Vec<Who> {
    std::iter::once(Who::Anonymous).chain((0..Role::ALL.len()).map(|i| Who::User(RoleKey(i)))).collect()
}

/// The demo user of each role (the enterprise is 恒丰电子's contact).
fn username(role: Role) -> &'static str {
    match role {
        Admin => "admin",
        Leader => "leader",
        Township => "township",
        Department => "department",
        Officer => "officer",
        Enterprise => "hengfeng",
        Volunteer => "volunteer",
        Isolation => "isolation",
    }
}

impl std::fmt::Display for Who {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Who::Anonymous => write!(f, "anonymous"),
            Who::User(r) => write!(f, "{}", r.role().code()),
        }
    }
}

/// Which row a request names: one in the caller's scope, or one outside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    Own,
    Other,
}

/// What the policy says a caller must get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allowed,
    Refused { may_hide: bool },
}

fn expect(policy: Policy, who: Who, row: Row) -> Expect {
    let role = match who {
        Who::Anonymous => None,
        Who::User(r) => Some(r.role()),
    };
    let refused = Expect::Refused { may_hide: false };
    match (policy, role) {
        (Public, _) | (Open(_), None) => Expect::Allowed,
        (Open(roles), Some(r)) => {
            if roles.contains(&r) {
                Expect::Allowed
            } else {
                refused
            }
        }
        (_, None) => refused,
        (AnyUser, Some(_)) => Expect::Allowed,
        (Roles(roles), Some(r)) => {
            if roles.contains(&r) {
                Expect::Allowed
            } else {
                refused
            }
        }
        (Rows { all, own, hides }, Some(r)) => {
            if all.contains(&r) || (row == Row::Own && own.contains(&r)) {
                Expect::Allowed
            } else {
                Expect::Refused { may_hide: hides && row == Row::Other }
            }
        }
    }
}

// ---- rows of the demo zone -----------------------------------------------------

/// What kind of row a path parameter names, and how its rows are scoped.
#[derive(Clone, Copy, Debug)]
struct Kind {
    table: &'static str,
    /// SQL expressions of the row's enterprise, township, department, cadre,
    /// volunteer, isolation point and user, where it has one
    enterprise: Option<&'static str>,
    township: Option<&'static str>,
    department: Option<&'static str>,
    cadre: Option<&'static str>,
    volunteer: Option<&'static str>,
    point: Option<&'static str>,
    user: Option<&'static str>,
    /// the rows the matrix may name at all
    only: Option<&'static str>,
}

const fn kind(table: &'static str) -> Kind {
    Kind { table, enterprise: None, township: None, department: None, cadre: None, volunteer: None, point: None, user: None, only: None }
}

impl Kind {
    const fn ent(mut self, e: &'static str) -> Kind {
        self.enterprise = Some(e);
        self
    }
    const fn town(mut self, t: &'static str) -> Kind {
        self.township = Some(t);
        self
    }
    const fn dept(mut self, d: &'static str) -> Kind {
        self.department = Some(d);
        self
    }
    const fn cadre(mut self, c: &'static str) -> Kind {
        self.cadre = Some(c);
        self
    }
    const fn vol(mut self, v: &'static str) -> Kind {
        self.volunteer = Some(v);
        self
    }
    const fn point(mut self, p: &'static str) -> Kind {
        self.point = Some(p);
        self
    }
    const fn user(mut self, u: &'static str) -> Kind {
        self.user = Some(u);
        self
    }
    const fn only(mut self, o: &'static str) -> Kind {
        self.only = Some(o);
        self
    }
}

const PROJECT_OWNER: &str = "(SELECT owner_enterprise_id FROM projects WHERE projects.id = project_id)";
const PROJECT_TOWN: &str = "(SELECT township_id FROM projects WHERE projects.id = project_id)";
const MEMBER_TOWN: &str = "(SELECT township_id FROM poor_households h WHERE h.id = household_id)";

/// The kind of row named by the parameter of a path, from the segment before it.
fn kind_of(path: &str) -> Option<Kind> {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let segment = path.split("/{").next()?.rsplit('/').next()?;
    let parent = path.split("/{").next()?;
    Some(match segment {
        "enterprises" | "green-list" => kind("enterprises").ent("id").town("township_id"),
        "townships" => kind("townships").town("id"),
        "departments" => kind("departments").dept("id"),
        "cadres" => kind("cadres").cadre("id"),
        // throwaway accounts (seeded): disabling a demo user would end the run
        "users" => kind("users").only("username LIKE 'matrix%'"),
        "work-orders" => kind("work_orders").ent("enterprise_id").town("township_id").dept("department_id"),
        "work-order-categories" | "categories" => kind("work_order_categories"),
        "notifications" => kind("notifications").user("user_id"),
        "officer-assignments" => kind("officer_assignments").ent("enterprise_id").cadre("cadre_id"),
        "campaigns" => kind("campaigns"),
        "tally-entries" => kind("campaign_tallies").town("township_id"),
        "inspections" => kind("inspections").town("township_id"),
        "findings" => kind("inspection_findings").town("(SELECT township_id FROM inspections i WHERE i.id = inspection_id)").dept("department_id"),
        "sites" => kind("sites").town("township_id").ent("enterprise_id"),
        "commitment-checklist" => kind("checklist_items"),
        "commitments" => kind("commitments").ent("enterprise_id").town("(SELECT township_id FROM enterprises e WHERE e.id = enterprise_id)"),
        "spot-check-draws" => kind("spot_check_draws"),
        "spot-checks" => kind("spot_checks").ent("(SELECT enterprise_id FROM commitments c WHERE c.id = commitment_id)"),
        "job-postings" => kind("job_postings").ent("enterprise_id").town("township_id"),
        "households" => kind("poor_households").town("township_id"),
        "household-members" => kind("household_members").town(MEMBER_TOWN),
        "placements" => kind("placements")
            .ent("enterprise_id")
            .town("(SELECT h.township_id FROM household_members m JOIN poor_households h ON h.id = m.household_id WHERE m.id = member_id)"),
        "transport-batches" => kind("transport_batches").town("township_id"),
        "projects" => kind("projects").ent("owner_enterprise_id").town("township_id"),
        "project-milestones" => kind("project_milestones").ent(PROJECT_OWNER).town(PROJECT_TOWN),
        "project-permits" => kind("project_permits").ent(PROJECT_OWNER).town(PROJECT_TOWN),
        "investment-leads" => kind("investment_leads").town("township_id"),
        "policies" => kind("policies"),
        "policy-applications" => kind("policy_applications")
            .ent("enterprise_id")
            .town("(SELECT township_id FROM enterprises e WHERE e.id = enterprise_id)")
            .dept("(SELECT department_id FROM policies p WHERE p.id = policy_id)"),
        "children" => kind("children").town("township_id").vol("(SELECT MAX(volunteer_id) FROM pairings p WHERE p.child_id = children.id)"),
        "volunteers" => kind("volunteers").town("township_id").vol("id"),
        "pairings" => kind("pairings").vol("volunteer_id").town("(SELECT township_id FROM children c WHERE c.id = child_id)"),
        "pairing-rules" | "rules" => kind("pairing_rules").vol("volunteer_id"),
        "isolation-points" | "points" => kind("isolation_points").point("id"),
        "observed-persons" | "persons" => kind("observed_persons").point("point_id"),
        "isolation-documents" | "documents" => kind("isolation_documents").point("point_id"),
        "isolation-staff" | "staff" => kind("isolation_staff").point("point_id"),
        "fever-alerts" | "alerts" => kind("fever_alerts").point("point_id"),
        _ => panic!("no kind of row for the parameter of {parent}"),
    })
}

/// The scope of a demo user, from its row in `users`.
#[derive(Clone, Copy, Debug, Default)]
struct Scope {
    user: i64,
    enterprise: Option<i64>,
    township: Option<i64>,
    department: Option<i64>,
    cadre: Option<i64>,
    volunteer: Option<i64>,
    point: Option<i64>,
}

/// The SQL condition that a row of `kind` is within the scope of `role`, when
/// the role is scoped on such rows.
fn own_condition(kind: &Kind, role: Role, s: &Scope) -> Option<String> {
    let n = |v: Option<i64>| v.unwrap_or(-1);
    match role {
        Enterprise => kind.enterprise.map(|c| format!("{c} = {}", n(s.enterprise))),
        Officer => kind.cadre.map(|c| format!("{c} = {}", n(s.cadre))).or_else(|| {
            kind.enterprise.map(|c| format!("{c} IN (SELECT enterprise_id FROM officer_assignments WHERE cadre_id = {} AND ended_on IS NULL)", n(s.cadre)))
        }),
        Township => kind
            .township
            .map(|c| format!("{c} = {}", n(s.township)))
            .or_else(|| kind.enterprise.map(|c| format!("{c} IN (SELECT id FROM enterprises WHERE township_id = {})", n(s.township)))),
        Department => kind.department.map(|c| format!("{c} = {}", n(s.department))),
        Volunteer => kind.volunteer.map(|c| format!("{c} = {}", n(s.volunteer))),
        Isolation => kind.point.map(|c| format!("{c} = {}", n(s.point))),
        Admin | Leader => None,
    }
    .or_else(|| kind.user.map(|c| format!("{c} = {}", s.user)))
}

async fn scalar(app: &TestApp, sql: &str) -> Option<i64> {
    sqlx::query_scalar::<_, i64>(sql).fetch_optional(app.db.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn scope_of(app: &TestApp, username: &str) -> Scope {
    let row = sqlx::query_as::<_, (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>)>(&format!(
        "SELECT id, enterprise_id, township_id, department_id, cadre_id, volunteer_id, isolation_point_id FROM users WHERE username = '{username}'"
    ))
    .fetch_one(app.db.pool())
    .await
    .expect("demo user");
    Scope { user: row.0, enterprise: row.1, township: row.2, department: row.3, cadre: row.4, volunteer: row.5, point: row.6 }
}

/// The ids a caller's requests name: for each path, a row of its own and one of another's.
async fn row_ids(app: &TestApp, kind: &Kind, who: Who, scope: &Scope) -> (Option<i64>, Option<i64>) {
    let table = kind.table;
    let only = kind.only.unwrap_or("1 = 1");
    let condition = match who {
        Who::User(r) => own_condition(kind, r.role(), scope),
        Who::Anonymous => None,
    };
    match condition {
        Some(c) => (
            scalar(app, &format!("SELECT id FROM {table} WHERE {only} AND {c} ORDER BY id LIMIT 1")).await,
            scalar(app, &format!("SELECT id FROM {table} WHERE {only} AND id NOT IN (SELECT id FROM {table} WHERE {c}) ORDER BY id LIMIT 1")).await,
        ),
        None => (
            scalar(app, &format!("SELECT id FROM {table} WHERE {only} ORDER BY id LIMIT 1")).await,
            scalar(app, &format!("SELECT id FROM {table} WHERE {only} ORDER BY id LIMIT 1 OFFSET 1")).await,
        ),
    }
}

// ---- requests ------------------------------------------------------------------

/// One operation of the OpenAPI document.
#[derive(Clone, Debug)]
struct Route {
    method: String,
    path: String,
    page: bool,
    /// the JSON schema of the request body, if it takes JSON
    body: Option<Value>,
    /// the content type of a body that is not JSON
    other_body: Option<String>,
}

fn routes_of(doc: &Value) -> Vec<Route> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let page = op["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == "pages"));
            let content = &op["requestBody"]["content"];
            let body = content["application/json"]["schema"].as_object().map(|s| Value::Object(s.clone()));
            let other_body = content.as_object().and_then(|c| c.keys().find(|k| *k != "application/json").cloned());
            out.push(Route { method: method.to_uppercase(), path: path.clone(), page, body, other_body });
        }
    }
    out
}

/// When in a caller's run a route is requested: reads first, then writes, then
/// those that delete or end something, then those that end the session.
fn order_of(r: &Route) -> u8 {
    let ends_own_session = r.path == "/logout" || r.path == "/api/v1/auth/token" && r.method == "DELETE";
    let ends_session = r.path.ends_with("/sessions") && r.method == "DELETE";
    let destroys = r.method == "DELETE" || ["/delete", "/remove", "/end", "/disable", "/toggle", "/void", "/release"].iter().any(|s| r.path.ends_with(s));
    match (r.method.as_str(), destroys, ends_session) {
        _ if ends_own_session => 4,
        (_, _, true) => 3,
        (_, true, _) => 2,
        ("GET", _, _) => 0,
        _ => 1,
    }
}

/// An example value of a JSON schema: required fields only, ids from the caller's rows.
fn example(doc: &Value, schema: &Value, field: &str, ids: &HashMap<&'static str, i64>, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or_default();
        return example(doc, &doc["components"]["schemas"][name], field, ids, depth + 1);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema[key].as_array() {
            let pick = variants.iter().find(|v| v["type"] != "null").unwrap_or(&Value::Null);
            return example(doc, pick, field, ids, depth + 1);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = serde_json::Map::new();
        for p in parts {
            if let Value::Object(o) = example(doc, p, field, ids, depth + 1) {
                merged.extend(o);
            }
        }
        return Value::Object(merged);
    }
    if let Some(values) = schema["enum"].as_array() {
        return values.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null);
    }
    if !schema["example"].is_null() {
        return schema["example"].clone();
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null").to_string(),
        _ if schema["properties"].is_object() => "object".into(),
        _ => "null".into(),
    };
    match ty.as_str() {
        "object" => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                out.insert(name.to_string(), example(doc, &schema["properties"][name], name, ids, depth + 1));
            }
            Value::Object(out)
        }
        "integer" | "number" => json!(ids.get(field).copied().unwrap_or(1)),
        "boolean" => json!(false),
        "array" => json!([]),
        "string" => match schema["format"].as_str() {
            Some("date") => json!("2020-03-20"),
            Some("date-time") => json!("2020-03-20T08:00:00Z"),
            _ if field.ends_with("_on") || field.ends_with("date") => json!("2020-03-20"),
            _ if field == "password" => json!("matrix-password-1"),
            _ if field == "username" => json!(format!("matrix{}", ids.len())),
            _ => json!("矩阵测试"),
        },
        _ => Value::Null,
    }
}

/// A valid body for the writes whose use cases check the input before the
/// caller's permission: a refusal must be about permission, not the input.
/// Pages get the same fields as a form.
fn valid_body(method: &str, path: &str, ids: &HashMap<&'static str, i64>) -> Option<Value> {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    Some(match (method, path) {
        ("POST", "/fever-alerts/{id}/handle" | "/isolation/alerts/{id}/handle") => json!({"note": "已复测，体温正常"}),
        ("POST", "/isolation-points/{id}/roster" | "/isolation/points/{id}/roster") => json!({"from": "2020-03-20", "to": "2020-03-21"}),
        ("POST", "/isolation/points/{id}/documents") => json!({"title": "矩阵文件", "body": "内容"}),
        ("POST", "/isolation/points/{id}/rooms") => json!({"number": "909", "beds": 1}),
        ("PUT", "/isolation-points/{id}") => json!({"name": "矩阵改名观察点", "observation_days": 14, "version": 1}),
        ("POST", "/job-postings/{id}/status") => json!({"status": "closed", "version": 1}),
        ("POST", "/pairings/{id}/end" | "/tutoring/pairings/{id}/end") => json!({"reason": "矩阵测试结束"}),
        ("POST", "/policy-applications/{id}/review") => json!({"decision": "approve", "version": 1, "approved_amount_wan": 1.0, "note": "同意"}),
        ("POST", "/projects/{id}/factor-needs") => json!({"kind": "labour", "title": "缺工", "description": "缺少普工二十人"}),
        ("POST", "/projects/{id}/notes") => json!({"text": "矩阵调度"}),
        ("POST", "/projects/{id}/permits") => json!({"name": "施工许可", "authority": "住建局", "due_on": "2020-04-01", "note": ""}),
        ("PUT", "/project-permits/{id}") | ("POST", "/project-permits/{id}") => {
            json!({"name": "施工许可", "authority": "住建局", "status": "in_progress", "due_on": "2020-04-01", "note": "", "version": 1})
        }
        ("POST", "/spot-checks/{id}/result") => json!({"passed": true, "inspector": "矩阵检查员"}),
        ("POST", "/work-orders/{id}/transitions" | "/work-orders/{id}/act") => json!({"action": "rate", "version": 1, "rating": "satisfied"}),
        ("POST", "/investment-leads/{id}/stage") => json!({"stage": "signed", "version": 1}),
        ("POST", "/campaigns/{id}/tally-entries") => json!({"entry_on": "2020-03-19", "kind": "people", "quantity": 1}),
        ("POST", "/tally-entries/{id}/void") => json!({"reason": "矩阵作废"}),
        ("POST", "/status-reports") => {
            json!({"enterprise_id": ids.get("enterprise_id"), "status": "resumed", "workers_back": 1, "workers_total": 2, "capacity_pct": 50, "report_date": "2020-03-19"})
        }
        ("POST", "/enterprises/{id}") => json!({
            "name": "矩阵企业",
            "credit_code": zonedesk::domain::CreditCode::with_check_character("91410900MA9000999").expect("a credit code").to_string(),
            "kind": "industrial",
            "township_id": ids.get("township_id").copied().unwrap_or(1).to_string(),
            "contact_name": "矩阵联系人",
            "headcount": "10",
            "version": "1",
        }),
        _ => return None,
    })
}

/// What one request answered.
struct Answer {
    status: StatusCode,
    location: String,
    no_route: bool,
    body: String,
}

struct Caller {
    who: Who,
    token: Option<String>,
    client: reqwest::Client,
    csrf: String,
    scope: Scope,
}

async fn sign_in(app: &TestApp, who: Who) -> Caller {
    let client = browser_client();
    let (token, scope, csrf) = match who {
        Who::Anonymous => {
            let page = client.get(app.url("/login")).send().await.expect("login page").text().await.expect("html");
            (None, Scope::default(), hidden_value(&page, "_csrf").unwrap_or_default())
        }
        Who::User(r) => {
            let name = username(r.role());
            let res = page_log_in(app, &client, name).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{name} signs in");
            let page = client.get(app.url("/notifications")).send().await.expect("a page").text().await.expect("html");
            let csrf = hidden_value(&page, "_csrf").unwrap_or_else(|| panic!("{name}: a CSRF field on the page"));
            (Some(app.token(name).await), scope_of(app, name).await, csrf)
        }
    };
    Caller { who, token, client, csrf, scope }
}

fn multipart(csrf: &str) -> (String, Vec<u8>) {
    let boundary = "zdmatrixboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

async fn send(app: &TestApp, caller: &Caller, route: &Route, url_path: &str, body: Option<Value>) -> Answer {
    let method = Method::from_bytes(route.method.as_bytes()).expect("method");
    let open311 = route.path.starts_with("/open311/");
    let mut url = app.url(url_path);
    if open311
        && route.method == "GET"
        && let Some(t) = &caller.token
    {
        url.push_str(&format!("?api_key={t}"));
    }
    let mut req = caller.client.request(method, url);
    if route.method == "POST" && route.path == "/login" {
        // signing in again would replace the caller's session: a client of its own
        let res = page_log_in(app, &browser_client(), caller_name(caller.who)).await;
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        return Answer { status: res.status(), location, no_route: false, body: String::new() };
    }
    if route.page {
        if route.method != "GET" {
            if route.other_body.as_deref().is_some_and(|c| c.starts_with("multipart/")) {
                let (ct, bytes) = multipart(&caller.csrf);
                req = req.header("content-type", ct).body(bytes);
            } else {
                let mut form = vec![("_csrf".to_string(), caller.csrf.clone())];
                for (k, v) in body.as_ref().and_then(Value::as_object).into_iter().flatten() {
                    form.push((k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())));
                }
                req = req.form(&form);
            }
        }
    } else if open311 {
        if route.method == "POST" {
            let key = caller.token.clone().unwrap_or_default();
            req = req.form(&[("api_key", key.as_str()), ("service_code", "other"), ("description", "路灯不亮，请尽快维修"), ("address_string", "新习镇")]);
        }
    } else {
        // the API: no cookie, a bearer token
        let body = if route.path == "/api/v1/auth/token" && route.method == "POST" {
            Some(json!({"username": caller_name(caller.who), "password": "demo"}))
        } else {
            body
        };
        req = caller_api(app, caller, route, url_path, body);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{} {url_path}: {e}", route.method));
    let status = res.status();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let no_route = res.headers().contains_key(zonedesk::web::error::NO_ROUTE_HEADER);
    let body = res.text().await.unwrap_or_default();
    Answer { status, location, no_route, body }
}

fn caller_api(app: &TestApp, caller: &Caller, route: &Route, url_path: &str, body: Option<Value>) -> reqwest::RequestBuilder {
    let method = Method::from_bytes(route.method.as_bytes()).expect("method");
    let mut req = app.client.request(method, app.url(url_path));
    if let Some(t) = &caller.token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    } else if let Some(ct) = &route.other_body {
        req = req.header("content-type", ct.as_str()).body("x");
    }
    req
}

/// Whether an answer is a refusal: 401/403, or for a page, the way to the log-in page.
fn is_refusal(a: &Answer, page: bool) -> bool {
    a.status == StatusCode::UNAUTHORIZED
        || a.status == StatusCode::FORBIDDEN
        || (page && a.status == StatusCode::SEE_OTHER && a.location.starts_with("/login?next="))
}

// ---- the test ------------------------------------------------------------------

fn policy_map() -> BTreeMap<(String, String), Policy> {
    let mut map = BTreeMap::new();
    for (method, path, policy) in POLICY {
        assert!(map.insert((method.to_string(), path.to_string()), *policy).is_none(), "{method} {path} is stated twice");
    }
    map
}

async fn openapi_doc(app: &TestApp) -> Value {
    app.client.get(app.url("/api/openapi.json")).send().await.expect("openapi").json().await.expect("json")
}

async fn every_route_answers_every_role_as_stated(make: impl AsyncFn() -> Option<TestApp>, label: &str) {
    let started = Instant::now();
    let Some(first) = make().await else { return };
    let doc = openapi_doc(&first).await;
    drop(first);
    let mut routes = routes_of(&doc);
    routes.sort_by_key(|r| (order_of(r), r.path.clone(), r.method.clone()));

    // 1. every route has a stated policy, and every stated policy a route
    let policies = policy_map();
    let listed: BTreeSet<(String, String)> = routes.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    let unstated: Vec<String> = listed.iter().filter(|k| !policies.contains_key(*k)).map(|(m, p)| format!("{m} {p}")).collect();
    let stale: Vec<String> = policies.keys().filter(|k| !listed.contains(*k)).map(|(m, p)| format!("{m} {p}")).collect();
    if std::env::var("MATRIX_PROBE").is_err() {
        assert!(unstated.is_empty(), "routes without a stated policy ({}):\n{}", unstated.len(), unstated.join("\n"));
        assert!(stale.is_empty(), "policies of routes that no longer exist ({}):\n{}", stale.len(), stale.join("\n"));
    }

    // 2. every caller against every route, each caller on a fresh copy of the demo zone
    let mut requests = 0usize;
    let mut failures: Vec<String> = Vec::new();
    let mut probe: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut missing_rows: BTreeSet<String> = BTreeSet::new();
    // each caller on a fresh copy of the demo zone, all at once
    let (routes, policies, doc) = (Arc::new(routes), Arc::new(policies), Arc::new(doc));
    let mut runs = tokio::task::JoinSet::new();
    for who in callers() {
        let app = make().await.expect("app");
        let (routes, policies, doc) = (routes.clone(), policies.clone(), doc.clone());
        runs.spawn(async move { run_caller(app, who, &routes, &policies, &doc).await });
    }
    while let Some(run) = runs.join_next().await {
        let o = run.expect("a caller's run");
        requests += o.requests;
        failures.extend(o.failures);
        missing_rows.extend(o.missing_rows);
        for (k, v) in o.probe {
            probe.entry(k).or_default().extend(v);
        }
    }
    if std::env::var("MATRIX_PROBE").is_ok() {
        for ((m, p), outcomes) in &probe {
            println!("PROBE {m} {p} :: {}", outcomes.join(" "));
        }
        println!("UNSTATED {}", unstated.len());
    }
    assert!(missing_rows.is_empty(), "{label}: routes whose rows the demo zone lacks:\n{}", missing_rows.iter().cloned().collect::<Vec<_>>().join("\n"));
    assert!(failures.is_empty(), "{label}: {} of {requests} requests not as stated:\n{}", failures.len(), failures.join("\n"));

    let summary = format!(
        "route matrix ({label}): {} routes × {} roles, {requests} requests, all as stated ({:.1} s)",
        routes.len(),
        callers().len(),
        started.elapsed().as_secs_f64()
    );
    println!("{summary}");
    write_summary(label, &summary);
}

/// What one caller's run found.
#[derive(Default)]
struct Outcome {
    requests: usize,
    failures: Vec<String>,
    probe: BTreeMap<(String, String), Vec<String>>,
    missing_rows: BTreeSet<String>,
}

/// Every route as one caller, on its own copy of the demo zone.
async fn run_caller(app: TestApp, who: Who, routes: &[Route], policies: &BTreeMap<(String, String), Policy>, doc: &Value) -> Outcome {
    let mut o = Outcome::default();
    seed_other_rows(&app).await;
    let caller = sign_in(&app, who).await;
    let mut ids: HashMap<&'static str, i64> = HashMap::new();
    for (field, path) in [("enterprise_id", "/enterprises/{id}"), ("township_id", "/townships/{id}"), ("department_id", "/departments/{id}")] {
        if let Some(k) = kind_of(path)
            && let (Some(own), _) = row_ids(&app, &k, who, &caller.scope).await
        {
            ids.insert(field, own);
        }
    }
    for route in routes.iter() {
        let policy = policies.get(&(route.method.clone(), route.path.clone())).copied().unwrap_or(Roles(&[]));
        let rows: Vec<(Row, String)> = match filled_paths(&app, route, who, &caller.scope).await {
            Ok(rows) => rows,
            Err(missing) => {
                o.missing_rows.insert(format!("{} {}: {missing}", route.method, route.path));
                continue;
            }
        };
        for (row, url_path) in rows {
            let body = valid_body(&route.method, &route.path, &ids).or_else(|| route.body.as_ref().map(|s| example(doc, s, "", &ids, 0)));
            let audited_before = if route.method != "GET" { app.count("audit_log").await } else { 0 };
            let answer = send(&app, &caller, route, &url_path, body.clone()).await;
            o.requests += 1;
            let refused = is_refusal(&answer, route.page);
            let what = format!("{who} {} {url_path} ({row:?} row) → {}", route.method, answer.status);
            o.probe.entry((route.method.clone(), route.path.clone())).or_default().push(format!(
                "{who}:{row:?}:{}{}",
                if refused {
                    "R"
                } else if answer.status == StatusCode::NOT_FOUND {
                    "N"
                } else {
                    "A"
                },
                answer.status.as_u16()
            ));
            if answer.no_route {
                o.failures.push(format!("{what}: no route matched (the test filled the path wrong)"));
                continue;
            }
            if answer.status.is_server_error() {
                o.failures.push(format!("{what}: server error {}", snippet(&answer.body)));
                continue;
            }
            match expect(policy, who, row) {
                Expect::Allowed if refused => o.failures.push(format!("{what}: refused, but the policy allows it ({policy:?}) {}", snippet(&answer.body))),
                Expect::Allowed => {}
                Expect::Refused { may_hide } => {
                    let hidden = may_hide && answer.status == StatusCode::NOT_FOUND;
                    if !refused && !hidden {
                        o.failures.push(format!("{what}: let through, but the policy refuses it ({policy:?}) body {:?} {}", body, snippet(&answer.body)));
                    } else if route.method != "GET" && app.count("audit_log").await != audited_before {
                        o.failures.push(format!("{what}: refused, yet something was written (audit log grew)"));
                    }
                }
            }
        }
    }
    o
}

fn snippet(body: &str) -> String {
    body.chars().take(160).collect()
}

/// The paths of a route to request: with a row of the caller's own and one of another's.
async fn filled_paths(app: &TestApp, route: &Route, who: Who, scope: &Scope) -> Result<Vec<(Row, String)>, String> {
    let path = &route.path;
    if !path.contains('{') {
        return Ok(vec![(Row::Own, path.clone())]);
    }
    if path.contains("{kind}") {
        return Ok(vec![(Row::Own, path.replace("{kind}", "enterprises"))]);
    }
    if path.contains("{code}") {
        return Ok(vec![(Row::Own, path.replace("{code}", "en"))]);
    }
    if path.starts_with("/open311/v2/services/") {
        let code = doc_service_code(app).await;
        return Ok(vec![(Row::Own, path.replace("{file}", &format!("{code}.json")))]);
    }
    if path.starts_with("/open311/v2/requests/") {
        let id = scalar(app, "SELECT id FROM work_orders ORDER BY id LIMIT 1").await.ok_or("no work order")?;
        return Ok(vec![(Row::Own, path.replace("{file}", &format!("{id}.json")))]);
    }
    let param = if path.contains("{enterprise_id}") { "{enterprise_id}" } else { "{id}" };
    let kind = kind_of(path).ok_or_else(|| format!("no kind for {path}"))?;
    let (own, other) = row_ids(app, &kind, who, scope).await;
    let scoped = matches!(who, Who::User(_)) && own_condition(&kind, role_of(who), scope).is_some();
    let mut out = Vec::new();
    match own {
        Some(id) => out.push((Row::Own, path.replace(param, &id.to_string()))),
        // a scoped caller without a row of this kind of its own (a volunteer's notifications)
        None if scoped => {}
        None => return Err(format!("no {} row", kind.table)),
    }
    match other {
        Some(id) => out.push((Row::Other, path.replace(param, &id.to_string()))),
        // an unscoped caller: any one row stands for all
        None if !scoped => {}
        None => return Err(format!("no other {} row for {who}", kind.table)),
    }
    Ok(out)
}

/// Rows the demo zone has only on one side of a scope: a second observation
/// point with a room, a person, a fever alert, staff and a document; pairing
/// rules of the demo volunteer and of another; a transport batch elsewhere.
async fn seed_other_rows(app: &TestApp) {
    let admin = app.token("admin").await;
    let post = async |path: &str, body: Value| -> i64 {
        let (status, answer) = app.call(Method::POST, path, Some(&admin), Some(body.clone())).await;
        assert!(status.is_success(), "seeding {path} {body}: {status} {answer}");
        answer["id"].as_i64().unwrap_or_default()
    };
    for n in 1..=2 {
        post("/api/v1/users", json!({"username": format!("matrix{n}"), "password": "matrix-password-1", "role": "leader"})).await;
    }
    let point = post("/api/v1/isolation-points", json!({"name": "矩阵第二观察点", "observation_days": 14})).await;
    post(&format!("/api/v1/isolation-points/{point}/rooms"), json!({"number": "101", "beds": 1})).await;
    // health data is entered by the point's own staff (the admin is refused it)
    post("/api/v1/users", json!({"username": "matrix-isolation", "password": "matrix-password-1", "role": "isolation", "scope_id": point})).await;
    let (_, token) = app.call(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "matrix-isolation", "password": "matrix-password-1"}))).await;
    let staff = token["token"].as_str().expect("the second point's staff signs in").to_string();
    let by_staff = async |path: &str, body: Value| -> i64 {
        let (status, answer) = app.call(Method::POST, path, Some(&staff), Some(body.clone())).await;
        assert!(status.is_success(), "seeding {path} {body}: {status} {answer}");
        answer["id"].as_i64().unwrap_or_default()
    };
    let person = by_staff(
        &format!("/api/v1/isolation-points/{point}/observed-persons"),
        json!({"name": "矩阵甲", "gender": "male", "age": 30, "source": "other", "checked_in_on": "2020-03-18"}),
    )
    .await;
    by_staff(&format!("/api/v1/observed-persons/{person}/temperatures"), json!({"temperature": "38.6", "slot": "morning", "taken_on": "2020-03-19"})).await;
    post(&format!("/api/v1/isolation-points/{point}/staff"), json!({"name": "矩阵员", "group": "medical"})).await;
    post(&format!("/api/v1/isolation-points/{point}/documents"), json!({"title": "矩阵文件", "body": "内容"})).await;
    let volunteer = scope_of(app, "volunteer").await.volunteer.unwrap_or(-1);
    for condition in [format!("volunteer_id = {volunteer}"), format!("volunteer_id <> {volunteer}")] {
        // two of each: the API and the page each delete one
        let pairs = sqlx::query_as::<_, (i64, i64)>(&format!("SELECT volunteer_id, child_id FROM pairings WHERE {condition} ORDER BY id LIMIT 2"))
            .fetch_all(app.db.pool())
            .await
            .expect("pairings");
        assert_eq!(pairs.len(), 2, "two pairings where {condition}");
        for (volunteer, child) in pairs {
            post("/api/v1/pairing-rules", json!({"volunteer_id": volunteer, "child_id": child, "rule": "forbid", "note": "矩阵"})).await;
        }
    }
    let elsewhere =
        scalar(app, "SELECT id FROM townships WHERE id NOT IN (SELECT township_id FROM transport_batches) ORDER BY id LIMIT 1").await.expect("a township");
    post("/api/v1/transport-batches", json!({"township_id": elsewhere, "route": "矩阵—郑州", "vehicle": "豫J00001", "departs_on": "2020-03-20", "passengers": [{"name": "矩阵乙", "temperature": 36.5, "health_code": "green"}]})).await;
}

/// Whose credentials a log-in by this caller uses (anonymous: anyone's).
fn caller_name(who: Who) -> &'static str {
    match who {
        Who::User(r) => username(r.role()),
        Who::Anonymous => "leader",
    }
}

fn role_of(who: Who) -> Role {
    match who {
        Who::User(r) => r.role(),
        Who::Anonymous => Admin,
    }
}

async fn doc_service_code(app: &TestApp) -> String {
    let services: Value = app.client.get(app.url("/open311/v2/services.json")).send().await.expect("services").json().await.expect("json");
    services[0]["service_code"].as_str().unwrap_or("other").to_string()
}

fn write_summary(label: &str, summary: &str) {
    let file = common::reliability_file("route_matrix.txt");
    let mut lines: Vec<String> =
        std::fs::read_to_string(&file).unwrap_or_default().lines().filter(|l| !l.contains(&format!("({label})"))).map(str::to_string).collect();
    lines.push(summary.to_string());
    std::fs::write(&file, lines.join("\n") + "\n").expect("write the summary");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    every_route_answers_every_role_as_stated(async || Some(TestApp::sqlite().await), "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    every_route_answers_every_role_as_stated(TestApp::postgres, "postgres").await;
}
