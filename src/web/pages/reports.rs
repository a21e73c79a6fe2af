//! The dashboard (the leader's home) and the printable daily briefing.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{chrome, render};
use crate::error::AppError;
use crate::report::briefing::{self, Briefing};
use crate::report::dashboard::{self, Dashboard};
use crate::web::AppState;
use crate::web::api::reports::{BriefingQuery, day_of};
use crate::web::extract::{ApiQuery, PageUser};
use crate::web::i18n::Lang;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dashboard_page)).routes(routes!(briefing_page)).routes(routes!(briefing_docx))
}

pub const I18N: &[(&str, &str, &str)] = &[
    ("nav.dashboard", "数据驾驶舱", "Dashboard"),
    ("nav.briefing", "通报", "Briefing"),
    ("dashboard.title", "数据驾驶舱", "Dashboard"),
    ("dashboard.as_of", "数据截至", "As of"),
    ("dashboard.rates", "三率（本月）", "Three rates (this month)"),
    ("dashboard.rates_empty", "本月尚无交办工单，暂无三率。", "No orders assigned this month yet."),
    ("dashboard.rates_more", "查看三率详情", "All rates"),
    ("dashboard.unit", "单位", "Unit"),
    ("dashboard.assigned", "交办", "Assigned"),
    ("dashboard.response", "响应率", "Response"),
    ("dashboard.resolution", "解决率", "Resolution"),
    ("dashboard.satisfaction", "满意率", "Satisfaction"),
    ("dashboard.green_list", "绿名单", "Green list"),
    ("dashboard.green_total", "共", "In all"),
    ("dashboard.green_empty", "暂无列入绿名单的企业。", "No enterprise is on the green list."),
    ("dashboard.green_all", "查看全部绿名单企业", "The whole green list"),
    ("dashboard.enterprise", "企业", "Enterprise"),
    ("dashboard.status", "复工状态", "Status"),
    ("dashboard.open_orders", "未办结工单", "Open orders"),
    ("dashboard.investment", "招商进度", " investment"),
    ("dashboard.reached", "已完成", "Reached"),
    ("dashboard.target", "季度目标", "Target"),
    ("dashboard.share", "完成率", "Share"),
    ("dashboard.signed", "签约项目（个）", "Signed (projects)"),
    ("dashboard.landed", "落地项目（个）", "Landed (projects)"),
    ("dashboard.amount", "签约金额（万元）", "Signed amount (10k yuan)"),
    ("dashboard.investment_more", "查看招商进度", "Investment progress"),
    ("dashboard.isolation", "医学隔离观察点床位", "Isolation beds"),
    ("dashboard.point", "观察点", "Point"),
    ("dashboard.observed_beds", "留观/床位", "Observed/beds"),
    ("dashboard.occupancy", "占用率", "Occupancy"),
    ("dashboard.alerts", "体温异常", "Fever alerts"),
    ("briefing.title", "每日通报", "Daily briefing"),
    ("briefing.date", "通报日期", "Date"),
    ("briefing.print", "打印", "Print"),
    // the print button of every printable page (an order's record, the duty roster)
    ("print.page", "打印", "Print"),
    ("briefing.show", "生成", "Show"),
    ("briefing.docx", "下载Word文档", "Download as Word"),
];

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    c: super::Chrome,
    d: Dashboard,
    date: String,
    /// the rates table stands beside the rates chart; without the chart (a township) on its own
    rates_beside_chart: bool,
}

#[utoipa::path(get, path = "/dashboard", tag = "pages", responses((status = 200, description = "the dashboard with its charts", body = String, content_type = "text/html")))]
pub async fn dashboard_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let cx = s.work();
    let d = dashboard::dashboard(&cx, &user.actor).await?;
    let rates_beside_chart = d.charts.iter().any(|ch| ch.id == "chart-rates");
    render(&DashboardPage { c: chrome(&s, &user, lang, "/dashboard").await, date: super::chinese_date(cx.today()), d, rates_beside_chart })
}

#[derive(Template)]
#[template(path = "reports/briefing.html")]
struct BriefingPage {
    c: super::Chrome,
    b: Briefing,
}

#[utoipa::path(get, path = "/briefing", tag = "pages", params(BriefingQuery), responses((status = 200, description = "the printable daily briefing", body = String, content_type = "text/html")))]
pub async fn briefing_page(State(s): State<AppState>, user: PageUser, lang: Lang, ApiQuery(q): ApiQuery<BriefingQuery>) -> Result<Response, AppError> {
    let b = briefing::briefing(&s.db, &user.actor, day_of(&s, q.date.as_deref())?).await?;
    render(&BriefingPage { c: chrome(&s, &user, lang, "/briefing").await, b })
}

#[utoipa::path(get, path = "/briefing.docx", tag = "pages", params(BriefingQuery),
    responses((status = 200, description = "the briefing as a Word document", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))]
pub async fn briefing_docx(State(s): State<AppState>, user: PageUser, ApiQuery(q): ApiQuery<BriefingQuery>) -> Result<Response, AppError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let b = briefing::briefing(&s.db, &user.actor, day_of(&s, q.date.as_deref())?).await?;
    let bytes = briefing::to_docx(&b)?;
    let disposition =
        format!("attachment; filename=\"briefing-{}.docx\"; filename*=UTF-8''{}", b.date, crate::web::error::urlencode(&format!("通报-{}.docx", b.date)));
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
