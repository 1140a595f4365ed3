//! Prometheus metrics, served in text format on a separate loopback listener.
//!
//! Labels are route templates (`/v1/collections/{collection}/records/{id}`), methods,
//! status classes, limiter scopes and refusal codes: bounded sets that never hold ids,
//! keys, addresses or personal data.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, &'static str, &'static str), u64>,
    latency: BTreeMap<String, Histogram>,
    rate_limited: BTreeMap<&'static str, u64>,
    auth_failures: BTreeMap<&'static str, u64>,
}

/// The counters of one server.
#[derive(Default)]
pub(crate) struct Metrics {
    inner: Mutex<Inner>,
}

fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn class_label(s: StatusCode) -> &'static str {
    match s.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One finished request. `route` is a template or `unmatched`.
    pub fn observe(&self, route: &str, method: &Method, status: StatusCode, latency: Duration) {
        let mut inner = self.lock();
        *inner
            .requests
            .entry((route.to_owned(), method_label(method), class_label(status)))
            .or_default() += 1;
        let h = inner.latency.entry(route.to_owned()).or_default();
        let secs = latency.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    /// One request refused by a rate limit (`scope`: `ip` or `key`).
    pub fn rate_limited(&self, scope: &'static str) {
        *self.lock().rate_limited.entry(scope).or_default() += 1;
    }

    /// One failed authentication (`reason`: a stable code).
    pub fn auth_failure(&self, reason: &'static str) {
        *self.lock().auth_failures.entry(reason).or_default() += 1;
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let inner = self.lock();
        let mut out = String::new();
        out.push_str("# HELP gembok_http_requests_total HTTP requests by route template, method and status class.\n");
        out.push_str("# TYPE gembok_http_requests_total counter\n");
        for ((route, method, class), n) in &inner.requests {
            let _ = writeln!(
                out,
                "gembok_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{class}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP gembok_http_request_duration_seconds Time from request head to response head.\n");
        out.push_str("# TYPE gembok_http_request_duration_seconds histogram\n");
        for (route, h) in &inner.latency {
            let route = escape(route);
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "gembok_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "gembok_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "gembok_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "gembok_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        out.push_str("# HELP gembok_rate_limited_total Requests refused by a rate limit.\n");
        out.push_str("# TYPE gembok_rate_limited_total counter\n");
        for scope in ["ip", "key"] {
            let n = inner.rate_limited.get(scope).copied().unwrap_or(0);
            let _ = writeln!(out, "gembok_rate_limited_total{{scope=\"{scope}\"}} {n}");
        }
        out.push_str("# HELP gembok_auth_failures_total Failed authentications by reason.\n");
        out.push_str("# TYPE gembok_auth_failures_total counter\n");
        for (reason, n) in &inner.auth_failures {
            let _ = writeln!(out, "gembok_auth_failures_total{{reason=\"{reason}\"}} {n}");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The router of the metrics listener: `GET /metrics` and nothing else.
pub(crate) fn router(metrics: Arc<Metrics>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let metrics = Arc::clone(&metrics);
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    metrics.render(),
                )
                    .into_response()
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        let route = "/v1/collections/{collection}/records/{id}";
        m.observe(
            route,
            &Method::GET,
            StatusCode::OK,
            Duration::from_millis(3),
        );
        m.observe(
            route,
            &Method::GET,
            StatusCode::NOT_FOUND,
            Duration::from_millis(300),
        );
        m.rate_limited("key");
        m.auth_failure("invalid_api_key");
        let text = m.render();
        assert!(text.contains(&format!(
            "gembok_http_requests_total{{route=\"{route}\",method=\"GET\",status=\"2xx\"}} 1"
        )));
        assert!(text.contains("status=\"4xx\"} 1"));
        assert!(text.contains(&format!(
            "gembok_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"0.005\"}} 1"
        )));
        assert!(text.contains(&format!(
            "gembok_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"0.5\"}} 2"
        )));
        assert!(text.contains("gembok_rate_limited_total{scope=\"key\"} 1"));
        assert!(text.contains("gembok_rate_limited_total{scope=\"ip\"} 0"));
        assert!(text.contains("gembok_auth_failures_total{reason=\"invalid_api_key\"} 1"));
    }
}
