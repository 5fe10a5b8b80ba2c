//! Counters for `/metrics` in Prometheus' text format, hand-rolled: a few atomics and a
//! fixed-bucket latency histogram.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    uploads: AtomicU64,
    upload_bytes: AtomicU64,
    duplicates: AtomicU64,
    rejects: Mutex<BTreeMap<&'static str, u64>>,
    requests: AtomicU64,
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_sum_micros: AtomicU64,
}

impl Metrics {
    /// A stored upload of `bytes` bytes.
    pub fn upload(&self, bytes: u64) {
        self.uploads.fetch_add(1, Ordering::Relaxed);
        self.upload_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// An upload answered with an existing image.
    pub fn duplicate(&self) {
        self.duplicates.fetch_add(1, Ordering::Relaxed);
    }

    /// A refused request, by its stable reason code.
    pub fn reject(&self, reason: &'static str) {
        let mut map = match self.rejects.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        *map.entry(reason).or_insert(0) += 1;
    }

    /// One request's duration.
    pub fn observe(&self, took: Duration) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let secs = took.as_secs_f64();
        for (bound, count) in BUCKETS.iter().zip(&self.latency_buckets) {
            if secs <= *bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let _ = writeln!(out, "# HELP imago_uploads_total Uploads stored.");
        let _ = writeln!(out, "# TYPE imago_uploads_total counter");
        let _ = writeln!(out, "imago_uploads_total {}", load(&self.uploads));
        let _ = writeln!(
            out,
            "# HELP imago_upload_bytes_total Bytes of stored uploads."
        );
        let _ = writeln!(out, "# TYPE imago_upload_bytes_total counter");
        let _ = writeln!(out, "imago_upload_bytes_total {}", load(&self.upload_bytes));
        let _ = writeln!(
            out,
            "# HELP imago_upload_duplicates_total Uploads answered with an existing image."
        );
        let _ = writeln!(out, "# TYPE imago_upload_duplicates_total counter");
        let _ = writeln!(
            out,
            "imago_upload_duplicates_total {}",
            load(&self.duplicates)
        );
        let _ = writeln!(
            out,
            "# HELP imago_rejects_total Refused requests by reason."
        );
        let _ = writeln!(out, "# TYPE imago_rejects_total counter");
        if let Ok(map) = self.rejects.lock() {
            for (reason, n) in map.iter() {
                let _ = writeln!(out, "imago_rejects_total{{reason=\"{reason}\"}} {n}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP imago_request_duration_seconds Request latency."
        );
        let _ = writeln!(out, "# TYPE imago_request_duration_seconds histogram");
        for (bound, count) in BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "imago_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                load(count)
            );
        }
        let total = load(&self.requests);
        let _ = writeln!(
            out,
            "imago_request_duration_seconds_bucket{{le=\"+Inf\"}} {total}"
        );
        let sum = load(&self.latency_sum_micros) as f64 / 1e6;
        let _ = writeln!(out, "imago_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "imago_request_duration_seconds_count {total}");
        out
    }
}
