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
    ("briefing.title", "每日通报", "Daily briefing"),
    ("briefing.date", "通报日期", "Date"),
    ("briefing.print", "打印", "Print"),
    ("briefing.show", "生成", "Show"),
    ("briefing.docx", "下载Word文档", "Download as Word"),
];

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    c: super::Chrome,
    d: Dashboard,
    date: String,
}

#[utoipa::path(get, path = "/dashboard", tag = "pages", responses((status = 200, description = "the dashboard with its charts", body = String, content_type = "text/html")))]
pub async fn dashboard_page(State(s): State<AppState>, user: PageUser, lang: Lang) -> Result<Response, AppError> {
    let cx = s.work();
    let d = dashboard::dashboard(&cx, &user.actor).await?;
    render(&DashboardPage { c: chrome(&s, &user, lang, "/dashboard").await, date: super::chinese_date(cx.today()), d })
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
