//! 复工复产 use cases: daily status reports, the figures over time, and who has
//! not reported.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::clock::{WorkContext, date_text, parse_date};
use super::{Actor, snapshot};
use crate::domain::resumption::{self as rules, DayFigures, Reported, ResumptionStatus, StatusReportInput};
use crate::domain::{EnterpriseKind, Role};
use crate::error::AppError;
use crate::store::registry as reg;
use crate::store::resumption::{self as repo, ReportFilter, ReportRow};
use crate::store::{Page, PageRequest, audit};

/// The longest period the figures are computed over at once.
const MAX_SERIES_DAYS: i64 = 366;

/// A report as posted: the enterprise (staff report for one) and the day.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReportInput {
    /// the enterprise (an enterprise user's own is used regardless)
    pub enterprise_id: Option<i64>,
    /// YYYY-MM-DD (default: today)
    pub report_date: Option<String>,
    #[serde(flatten)]
    pub report: StatusReportInput,
}

/// Narrows a filter to the actor's enterprises.
///
/// # Errors
/// `Forbidden` for roles without resumption data, or a filter outside the scope.
pub fn scope(actor: &Actor, mut f: ReportFilter) -> Result<ReportFilter, AppError> {
    match actor.role {
        Role::Admin | Role::Leader | Role::Department => {}
        Role::Township => {
            let own = actor.township_id.ok_or(AppError::Forbidden("账号未绑定乡镇办"))?;
            if f.township_id.is_some_and(|t| t != own) {
                return Err(AppError::Forbidden("无权查看其他乡镇办的复工情况"));
            }
            f.township_id = Some(own);
        }
        Role::Enterprise => {
            let own = actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?;
            if f.enterprise_id.is_some_and(|e| e != own) {
                return Err(AppError::Forbidden("无权查看其他企业的复工情况"));
            }
            f.enterprise_id = Some(own);
        }
        Role::Officer => f.only_cadre = Some(actor.cadre_id.ok_or(AppError::Forbidden("账号未绑定干部"))?),
        Role::Volunteer | Role::Isolation => return Err(AppError::Forbidden("您的角色无权查看复工复产情况")),
    }
    Ok(f)
}

/// Records (or corrects) an enterprise's report for a day.
///
/// # Errors
/// `Forbidden` outside the actor's enterprises; `Validation` naming each bad
/// field (more workers back than in total, capacity over 100%, a future day).
pub async fn report_status(cx: &WorkContext, actor: &Actor, input: &ReportInput) -> Result<ReportRow, AppError> {
    let enterprise_id = match actor.role {
        Role::Enterprise => actor.enterprise_id.ok_or(AppError::Forbidden("账号未绑定企业"))?,
        Role::Officer | Role::Township | Role::Leader | Role::Admin => input.enterprise_id.ok_or_else(|| AppError::field("enterprise_id", "请选择企业"))?,
        _ => return Err(AppError::Forbidden("您的角色不能填报复工情况")),
    };
    let day = match input.report_date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date(d).map_err(|_| AppError::field("report_date", "日期格式应为 YYYY-MM-DD"))?,
        None => cx.today(),
    };
    if day > cx.today() {
        return Err(AppError::field("report_date", "不能填报今天以后的情况"));
    }
    let report = input.report.parse()?;
    let mut tx = cx.db.begin_write().await?;
    let e = reg::find_enterprise(&mut tx, enterprise_id).await?.ok_or_else(|| AppError::field("enterprise_id", "所选企业不存在"))?;
    let allowed = match actor.role {
        Role::Admin | Role::Leader | Role::Enterprise => true,
        Role::Township => actor.township_id == Some(e.township_id),
        Role::Officer => match actor.cadre_id {
            Some(c) => reg::cadre_serves(&mut tx, c, e.id).await?,
            None => false,
        },
        _ => false,
    };
    if !allowed {
        return Err(AppError::Forbidden("只能填报本人负责企业的复工情况"));
    }
    let day_text = date_text(day);
    let before = repo::find_report(&mut tx, e.id, &day_text).await?;
    repo::put_report(&mut tx, e.id, &day_text, &report, (actor.user_id > 0).then_some(actor.user_id), &cx.now_text())
        .await
        .map_err(|err| AppError::from_store(err, &[], ""))?;
    let after = repo::find_report(&mut tx, e.id, &day_text).await?.ok_or(AppError::NotFound("复工情况"))?;
    let mut entry = actor.audit(if before.is_some() { "update" } else { "create" }, "status_report", Some(after.id));
    entry.before = before.as_ref().and_then(snapshot);
    entry.after = snapshot(&after);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Filters of the report list and the figures.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ReportQuery {
    pub enterprise_id: Option<i64>,
    pub township_id: Option<i64>,
    /// industrial, foreign_trade, commerce_service, construction_real_estate, agriculture
    pub kind: Option<String>,
    /// an industry as registered (e.g. 食品加工)
    pub industry: Option<String>,
    /// not_resumed, resumed, full_production
    pub status: Option<String>,
    /// first day, YYYY-MM-DD
    pub from: Option<String>,
    /// last day, YYYY-MM-DD
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ReportQuery {
    /// # Errors
    /// `Validation` for an unknown kind or status, or a malformed date.
    pub fn filter(&self) -> Result<ReportFilter, AppError> {
        let nonempty = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
        if let Some(k) = nonempty(&self.kind).filter(|k| EnterpriseKind::parse(k).is_none()) {
            return Err(AppError::field("kind", format!("未知的企业类型“{k}”")));
        }
        if let Some(st) = nonempty(&self.status).filter(|st| ResumptionStatus::parse(st).is_none()) {
            return Err(AppError::field("status", format!("未知的复工状态“{st}”")));
        }
        for (field, v) in [("from", &self.from), ("to", &self.to)] {
            if let Some(d) = nonempty(v)
                && parse_date(&d).is_err()
            {
                return Err(AppError::field(field, "日期格式应为 YYYY-MM-DD"));
            }
        }
        Ok(ReportFilter {
            enterprise_id: self.enterprise_id,
            township_id: self.township_id,
            kind: nonempty(&self.kind),
            industry: nonempty(&self.industry),
            status: nonempty(&self.status),
            from: nonempty(&self.from),
            to: nonempty(&self.to),
            only_cadre: None,
        })
    }

    pub fn page(&self) -> PageRequest {
        PageRequest { page: self.page, per_page: self.per_page }
    }
}

/// # Errors
/// As `scope`.
pub async fn list_reports(cx: &WorkContext, actor: &Actor, q: &ReportQuery) -> Result<Page<ReportRow>, AppError> {
    let f = scope(actor, q.filter()?)?;
    Ok(repo::list_reports(&cx.db, &f, &q.page()).await?)
}

/// The figures over a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Series {
    pub from: String,
    pub to: String,
    /// the rule, stated for the page: how missing days are counted
    pub rule: String,
    pub days: Vec<DayFigures>,
}

/// The resumption figures for every day of a period, each enterprise counted by
/// its latest report on or before the day.
///
/// # Errors
/// As `scope`; `Validation` for a period that is reversed or longer than a year.
pub async fn series(cx: &WorkContext, actor: &Actor, q: &ReportQuery) -> Result<Series, AppError> {
    let f = scope(actor, ReportQuery { status: None, ..q.clone() }.filter()?)?;
    let to = f.to.as_deref().and_then(|d| parse_date(d).ok()).unwrap_or(cx.today());
    let from = f.from.as_deref().and_then(|d| parse_date(d).ok()).unwrap_or(to - time::Duration::days(29));
    if to < from {
        return Err(AppError::field("to", "结束日期不能早于开始日期"));
    }
    if (to - from).whole_days() >= MAX_SERIES_DAYS {
        return Err(AppError::field("from", "统计期间不能超过一年"));
    }
    let days = std::iter::successors(Some(from), |d| d.next_day().filter(|n| *n <= to));
    let figures = if repo::tallied(&f) { tallied_series(cx, &f, from, to, days).await? } else { counted_series(cx, &f, to, days).await? };
    Ok(Series {
        from: date_text(from),
        to: date_text(to),
        rule: "每家企业按当日或此前最近一次填报计算（未再填报的沿用上次数据）；从未填报的企业计为未复工；职工返岗率只计已填报企业。".into(),
        days: figures,
    })
}

/// The figures from the tallies the database keeps (the zone, a township, an
/// industry or a kind zone-wide): the deltas before the period summed, then
/// carried day by day. Costs the days of the history, not its reports.
async fn tallied_series(cx: &WorkContext, f: &ReportFilter, from: Date, to: Date, days: impl Iterator<Item = Date>) -> Result<Vec<DayFigures>, AppError> {
    let (mut running, deltas) = repo::tally_series(&cx.db, f, &date_text(from), &date_text(to)).await?;
    let enterprises = repo::tally_enterprises(&cx.db, f).await?;
    let mut deltas = deltas.into_iter().peekable();
    let mut out = Vec::new();
    for day in days {
        let text = date_text(day);
        running.reports = 0;
        while let Some((_, delta)) = deltas.next_if(|(d, _)| *d <= text) {
            running.carry(&delta);
        }
        out.push(DayFigures {
            day,
            enterprises,
            known: running.known,
            reported_today: running.reports,
            resumed: running.resumed,
            full_production: running.full_production,
            workers_back: running.workers_back,
            workers_total: running.workers_total,
        });
    }
    Ok(out)
}

/// The figures of a small scope (one enterprise, an officer's enterprises, a
/// township's industry or kind) from its reports, in memory: the rule as
/// written in the domain.
async fn counted_series(cx: &WorkContext, f: &ReportFilter, to: Date, days: impl Iterator<Item = Date>) -> Result<Vec<DayFigures>, AppError> {
    let rows = repo::reports_until(&cx.db, f, &date_text(to)).await?;
    let enterprises = repo::count_enterprises(&cx.db, f).await?;
    let reports: Vec<Reported> = rows
        .iter()
        .filter_map(|r| {
            Some(Reported {
                enterprise_id: r.enterprise_id,
                day: parse_date(&r.report_date).ok()?,
                status: ResumptionStatus::parse(&r.status)?,
                workers_back: r.workers_back,
                workers_total: r.workers_total,
            })
        })
        .collect();
    Ok(rules::series(&reports, enterprises, days))
}

/// Enterprises in the actor's scope without a report on a day.
///
/// # Errors
/// As `scope`.
pub async fn missing(cx: &WorkContext, actor: &Actor, day: Option<&str>, page: &PageRequest) -> Result<Page<(i64, String)>, AppError> {
    let f = scope(actor, ReportFilter::default())?;
    if f.enterprise_id.is_some() {
        return Err(AppError::Forbidden("企业用户无需查看未填报名单"));
    }
    let day = match day.filter(|d| !d.is_empty()) {
        Some(d) => date_text(parse_date(d).map_err(|_| AppError::field("date", "日期格式应为 YYYY-MM-DD"))?),
        None => cx.today_text(),
    };
    Ok(repo::missing_reports(&cx.db, f.township_id, f.only_cadre, &day, page).await?)
}
