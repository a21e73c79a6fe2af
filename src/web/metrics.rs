//! Prometheus metrics of the HTTP layer, one registry per application (so tests
//! that run several applications in one process do not share counters).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

use super::AppState;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("zonedesk_http_requests_total", "HTTP requests answered, by method, route and status"),
            &["method", "route", "status"],
        )
        .expect("metric definition is valid");
        let durations = HistogramVec::new(HistogramOpts::new("zonedesk_http_request_duration_seconds", "Time to answer an HTTP request, by route"), &["route"])
            .expect("metric definition is valid");
        registry.register(Box::new(requests.clone())).expect("registered once");
        registry.register(Box::new(durations.clone())).expect("registered once");
        Metrics { registry, requests, durations }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }
}

/// Counts and times every request by its route template (never the raw path,
/// which would carry ids and blow up the label set).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.durations.with_label_values(&[route.as_str()]).observe(started.elapsed().as_secs_f64());
    state.metrics.requests.with_label_values(&[method.as_str(), route.as_str(), response.status().as_str()]).inc();
    response
}
