//! zonedesk — 开发区复工复产服务平台: the service desk of an economic development
//! zone. Layers, inside out: `domain` (rules, no I/O), `store` (the database),
//! `app` (use cases), `web` (HTTP), with `demo` and `cli` on top.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod error;
pub mod r#gen;
pub mod report;
pub mod store;
pub mod web;

pub use error::AppError;
