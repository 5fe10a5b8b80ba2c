//! The real backends the conformance suites run against, read from the environment
//! that `scripts/services/up.sh` prints (`eval "$(scripts/services/up.sh)"`).
//!
//! A missing variable fails the backend's tests with the script to run, unless
//! `IMAGO_TEST_SKIP_SERVICES=1` says to skip them: then each skipped test writes a loud
//! `SKIPPED:` line straight to the terminal (past the test harness's capture), so a
//! skip is never mistaken for a pass.

#![allow(dead_code)]

use std::io::Write;

pub const POSTGRES_URL: &str = "IMAGO_TEST_POSTGRES_URL";
pub const S3_ENDPOINT: &str = "IMAGO_TEST_S3_ENDPOINT";
pub const S3_BUCKET: &str = "IMAGO_TEST_S3_BUCKET";
pub const S3_KEY_ID: &str = "IMAGO_TEST_S3_KEY_ID";
pub const S3_SECRET: &str = "IMAGO_TEST_S3_SECRET";
pub const SKIP: &str = "IMAGO_TEST_SKIP_SERVICES";

/// The values of `vars`, or `None` after a loud skip line when they are missing and
/// skipping is allowed. Panics (fails the test) when they are missing otherwise.
pub fn require(test: &str, backend: &str, script: &str, vars: &[&str]) -> Option<Vec<String>> {
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
        return Some(values.into_iter().flatten().collect());
    }
    let what = format!(
        "{backend} backend: {} not set; start it with `eval \"$(scripts/services/up.sh)\"` \
         (or scripts/services/{script})",
        missing.join(", ")
    );
    if std::env::var(SKIP).as_deref() == Ok("1") {
        // Straight to stderr: `eprintln!` would be captured and hidden for a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: {test} [{backend}]: {what} ({SKIP}=1) ***"
        );
        return None;
    }
    panic!("{what}; or set {SKIP}=1 to skip the {backend} tests");
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
