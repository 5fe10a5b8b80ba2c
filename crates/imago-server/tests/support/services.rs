//! The real backends the suites run against, read from the environment that
//! `scripts/services/up.sh` prints (`eval "$(scripts/services/up.sh)"`).
//!
//! Every backend runs unless `IMAGO_TEST_BACKENDS` names the ones to run (a comma list
//! of `sqlite`, `folder`, `postgres`, `s3`; the embedded `sqlite` and `folder` need no
//! service and always run). A backend that should run but whose variables are missing
//! fails its tests with the variable's name and the script to run. A backend left out
//! on purpose writes a loud `SKIPPED:` line per test straight to the terminal (past the
//! test harness's capture), so a skip is never mistaken for a pass.

#![allow(dead_code)]

use std::io::Write;

pub const POSTGRES_URL: &str = "IMAGO_TEST_POSTGRES_URL";
pub const S3_ENDPOINT: &str = "IMAGO_TEST_S3_ENDPOINT";
pub const S3_BUCKET: &str = "IMAGO_TEST_S3_BUCKET";
pub const S3_KEY_ID: &str = "IMAGO_TEST_S3_KEY_ID";
pub const S3_SECRET: &str = "IMAGO_TEST_S3_SECRET";
pub const BACKENDS: &str = "IMAGO_TEST_BACKENDS";

/// Whether `service` (`postgres` or `s3`) is to be tested: always, unless
/// `IMAGO_TEST_BACKENDS` is set and leaves it out.
pub fn selected(service: &str) -> bool {
    match std::env::var(BACKENDS) {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(str::trim)
            .any(|s| s == service || s == "all"),
        _ => true,
    }
}

/// Says loudly that `test` does not run on `backend`, and why.
pub fn say_skipped(test: &str, backend: &str) {
    let list = std::env::var(BACKENDS).unwrap_or_default();
    // Straight to stderr: `eprintln!` would be captured and hidden for a passing test.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: {test} [{backend}]: left out by {BACKENDS}={list} ***"
    );
}

/// The values of `vars` for `service` (`postgres` or `s3`), or `None` after a loud
/// skip line when `IMAGO_TEST_BACKENDS` leaves the service out. Panics (fails the test)
/// when the service should run and a variable is missing.
pub fn require(test: &str, service: &str, script: &str, vars: &[&str]) -> Option<Vec<String>> {
    if !selected(service) {
        say_skipped(test, service);
        return None;
    }
    Some(values(service, script, vars))
}

/// The values of `vars`; panics naming the missing ones and the script that sets them.
pub fn values(service: &str, script: &str, vars: &[&str]) -> Vec<String> {
    let values: Vec<Option<String>> = vars
        .iter()
        .map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .collect();
    let missing: Vec<&str> = vars
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| *n)
        .collect();
    if missing.is_empty() {
        return values.into_iter().flatten().collect();
    }
    panic!(
        "{service} backend: {} not set; start it with `eval \"$(scripts/services/up.sh)\"` \
         (or scripts/services/{script}); or set {BACKENDS}=sqlite to test the embedded \
         backends only",
        missing.join(", ")
    );
}

/// A name no earlier run used, for schemas, key prefixes and folders.
pub fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{tag}_{}_{nanos:x}_{:08x}",
        std::process::id(),
        fastrand::u32(..)
    )
}
