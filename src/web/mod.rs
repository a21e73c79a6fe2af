//! HTTP: server-rendered pages, the JSON API under `/api/v1` (with its OpenAPI
//! document), `/healthz` and `/metrics`. Routes are registered in `router.rs`;
//! the request time limit is here.

pub mod api;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod metrics;
pub mod open311;
pub mod pages;
pub mod router;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::auth::LoginThrottle;
use crate::app::clock::{Clock, WorkContext};
use crate::domain::calendar::WorkCalendar;
use crate::store::Db;

/// The largest request body accepted (forms and JSON); larger ones get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers 408 in our error format (a Chinese page for page routes) when the
/// rest of the stack takes longer than `limit`; the handler's work is dropped,
/// and with it any transaction it had open, which rolls back.
pub async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let lang = i18n::Lang::of_headers(request.headers());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(http.path = %path, limit_ms = limit.as_millis() as u64, "request timed out");
            let message = "请求处理超时，请稍后再试";
            if path.starts_with("/api/") || path.starts_with("/open311/") {
                let body =
                    error::ErrorBody { error: error::ErrorDetail { code: "request_timeout".into(), message: message.into(), field: None, fields: Vec::new() } };
                (StatusCode::REQUEST_TIMEOUT, axum::Json(body)).into_response()
            } else {
                pages::render_error_page(lang, None, StatusCode::REQUEST_TIMEOUT, message)
            }
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<LoginThrottle>,
    pub metrics: Arc<metrics::Metrics>,
    /// Mark cookies `Secure` (behind HTTPS in production; off for the local demo).
    pub secure_cookies: bool,
    /// The business clock (shifted to the demo's day in the demo).
    pub clock: Clock,
    pub calendar: Arc<WorkCalendar>,
    /// Run the escalation sweep once a minute while serving (tests sweep by hand,
    /// at the moments they choose, so that nothing changes under them).
    pub background_sweep: bool,
}

impl AppState {
    pub fn new(db: Db) -> Self {
        AppState {
            db,
            throttle: Arc::new(LoginThrottle::default()),
            metrics: Arc::new(metrics::Metrics::new()),
            secure_cookies: false,
            clock: Clock::system(),
            calendar: Arc::new(WorkCalendar::shipped()),
            background_sweep: true,
        }
    }

    /// The context of a work-order use case acting now.
    pub fn work(&self) -> WorkContext {
        WorkContext { db: self.db.clone(), calendar: self.calendar.clone(), now: self.clock.now() }
    }
}

/// How often the escalation sweep runs while serving: a minute, or
/// `ZONEDESK_SWEEP_SECONDS` (tests of several instances shorten it).
pub fn sweep_interval() -> Duration {
    let seconds = std::env::var("ZONEDESK_SWEEP_SECONDS").ok().and_then(|s| s.parse::<u64>().ok()).filter(|s| *s > 0).unwrap_or(60);
    Duration::from_secs(seconds)
}

/// The whole application as one axum router.
pub fn app(state: AppState) -> axum::Router {
    router::build(state).0
}

/// Serves the application until Ctrl-C or SIGTERM.
///
/// # Errors
/// The address cannot be bound.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener).await
}

/// Serves on an already bound listener (tests bind port 0).
///
/// # Errors
/// The listener fails.
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let db = state.db.clone();
    let sweeper = state.background_sweep.then(|| tokio::spawn(sweep_forever(state.clone())));
    let served = axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await;
    if let Some(sweeper) = sweeper {
        sweeper.abort();
    }
    served?;
    db.close().await;
    Ok(())
}

/// Escalates overdue orders and sends reminders, once a minute; deletes
/// expired sessions and log-in counters whose window has passed.
async fn sweep_forever(state: AppState) {
    let mut tick = tokio::time::interval(sweep_interval());
    loop {
        tick.tick().await;
        if let Err(e) = crate::store::users::delete_expired_sessions(&state.db).await {
            tracing::warn!(error = %e, "purging expired sessions failed");
        }
        if let Err(e) = state.throttle.purge(&state.db).await {
            tracing::warn!(error = %e, "purging log-in counters failed");
        }
        match crate::app::supervision::scheduled_sweep(&state.work()).await {
            Ok(Some(r)) if r.escalated + r.reminded > 0 => tracing::info!(escalated = r.escalated, reminded = r.reminded, "supervision sweep"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "supervision sweep failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
