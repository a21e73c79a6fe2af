//! The JSON API under `/api/v1`: short handlers that extract, call one use
//! case and answer JSON. Documented for OpenAPI by their `#[utoipa::path]`.

pub mod admin;
pub mod auth;
pub mod contract;
pub mod employment;
pub mod exchange;
pub mod inspections;
pub mod investment;
pub mod isolation;
pub mod meta;
pub mod policies;
pub mod projects;
pub mod registry;
pub mod reports;
pub mod resumption;
pub mod tutoring;
pub mod workorders;

use serde::Serialize;
use utoipa::ToSchema;

use crate::store::Page;

/// A list answer: `{"items":[…],"total":N}` (plus the page asked for).
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> From<Page<T>> for List<T> {
    fn from(p: Page<T>) -> Self {
        List { items: p.items, total: p.total, page: p.page, per_page: p.per_page }
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        let total = items.len() as i64;
        List { items, total, page: 1, per_page: total.max(1) }
    }
}
