//! What the leadership reads: the daily briefing (通报), the dashboard (数据驾驶舱)
//! with its charts, and the newspaper's number style they share.

pub mod briefing;
pub mod charts;
pub mod dashboard;
pub mod number;
pub mod xlsx;
