//! Lists that export but do not import: work orders (工单) and the daily
//! resumption reports (复工复产情况).

use super::{Column, ReportQuery, Sheet};
use crate::app::Actor;
use crate::app::clock::{LOCAL, WorkContext};
use crate::app::resumption as reports;
use crate::app::workorder as orders;
use crate::domain::resumption::ResumptionStatus;
use crate::domain::workorder::{OrderState, Priority, Rating, Source};
use crate::error::AppError;
use crate::report::xlsx::Cell;
use crate::store::resumption::ReportRow;
use crate::store::workorder::{OrderFilter, WorkOrder};

pub(super) const ORDER_COLUMNS: &[Column] = &[
    Column::shown("工单编号", 8.0),
    Column::shown("标题", 30.0),
    Column::shown("来源", 10.0),
    Column::shown("企业", 20.0),
    Column::shown("乡镇办", 12.0),
    Column::shown("问题类别", 12.0),
    Column::shown("优先级", 8.0),
    Column::shown("状态", 8.0),
    Column::shown("承办部门", 14.0),
    Column::shown("督办", 6.0),
    Column::shown("签收时限", 12.0),
    Column::shown("办结时限", 12.0),
    Column::shown("提交时间", 17.0),
    Column::shown("办结时间", 17.0),
    Column::shown("办理结果", 30.0),
    Column::shown("评价", 10.0),
];

pub(super) const REPORT_COLUMNS: &[Column] = &[
    Column::shown("填报日期", 12.0),
    Column::shown("企业", 24.0),
    Column::shown("复工状态", 10.0),
    Column::shown("返岗人数", 10.0),
    Column::shown("职工总数", 10.0),
    Column::shown("产能利用率（%）", 14.0),
    Column::shown("备注", 30.0),
];

/// A stored UTC timestamp as Beijing time, `2020-03-19 09:30`.
fn local_time(iso: &str) -> String {
    match time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(LOCAL);
            format!("{:04}-{:02}-{:02} {:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
        }
        Err(_) => iso.to_string(),
    }
}

fn order_cells(o: &WorkOrder) -> [Cell; 16] {
    let escalated = o.escalated_at.is_some() && o.state != OrderState::Closed.code();
    [
        o.id.into(),
        o.title.as_str().into(),
        super::shown(Source::parse(&o.source).map(Source::label), &o.source).into(),
        o.enterprise_name.as_deref().into(),
        o.township_name.as_deref().into(),
        o.category_name.as_str().into(),
        super::shown(Priority::parse(&o.priority).map(Priority::label), &o.priority).into(),
        super::shown(OrderState::parse(&o.state).map(OrderState::label), &o.state).into(),
        o.department_name.as_deref().into(),
        (if escalated { "督办" } else { "" }).into(),
        o.sign_deadline.as_deref().into(),
        o.resolve_deadline.as_deref().into(),
        local_time(&o.created_at).into(),
        o.resolved_at.as_deref().map(local_time).into(),
        o.resolution.as_deref().into(),
        o.rating.as_deref().map(|r| super::shown(Rating::parse(r).map(Rating::label), r)).into(),
    ]
}

fn status_label(code: &str) -> &str {
    match ResumptionStatus::parse(code) {
        Some(ResumptionStatus::NotResumed) => "未复工",
        Some(ResumptionStatus::Resumed) => "已复工",
        Some(ResumptionStatus::FullProduction) => "已达产",
        None => code,
    }
}

fn report_cells(r: &ReportRow) -> [Cell; 7] {
    [
        r.report_date.as_str().into(),
        r.enterprise_name.as_str().into(),
        status_label(&r.status).into(),
        r.workers_back.into(),
        r.workers_total.into(),
        r.capacity_pct.into(),
        r.note.as_str().into(),
    ]
}

pub(super) async fn export_orders(cx: &WorkContext, actor: &Actor, f: OrderFilter, out: &mut Sheet<'_>) -> Result<(), AppError> {
    super::export_pages!(out, |req| orders::list_orders(cx, actor, f.clone(), &req).await?, |o| order_cells(o));
    Ok(())
}

pub(super) async fn export_reports(cx: &WorkContext, actor: &Actor, q: ReportQuery, out: &mut Sheet<'_>) -> Result<(), AppError> {
    super::export_pages!(out, |req| reports::list_reports(cx, actor, &ReportQuery { page: req.page, per_page: req.per_page, ..q.clone() }).await?, |r| {
        report_cells(r)
    });
    Ok(())
}
