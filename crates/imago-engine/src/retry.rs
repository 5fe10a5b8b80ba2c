//! Trying again: exponential backoff with jitter, and `Retry-After`.

use std::future::Future;
use std::time::{Duration, SystemTime};

use crate::config::ClientConfig;
use crate::error::FetchError;

/// No backoff grows past this, however many retries are configured.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Runs `attempt` until it succeeds, fails for good, or the retries run out. Between
/// attempts it waits the server's `Retry-After` (capped at `max_retry_after`) or else an
/// exponential backoff with jitter. When retries ran out the error says how many
/// attempts were made.
pub(crate) async fn with_retries<T, F, Fut>(
    cfg: &ClientConfig,
    mut attempt: F,
) -> Result<T, FetchError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, FetchError>>,
{
    let mut n: u32 = 0;
    loop {
        let err = match attempt(n).await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        if !err.is_retryable() {
            return Err(err);
        }
        if n >= cfg.retries {
            return Err(if n == 0 {
                err
            } else {
                FetchError::GaveUp {
                    attempts: n.saturating_add(1),
                    last: Box::new(mark_capped(err, cfg.max_retry_after)),
                }
            });
        }
        let wait = match err.retry_after() {
            Some(asked) => asked.min(cfg.max_retry_after),
            None => backoff(cfg.backoff_base, n),
        };
        tokio::time::sleep(wait).await;
        n = n.saturating_add(1);
    }
}

fn mark_capped(err: FetchError, cap: Duration) -> FetchError {
    match err {
        FetchError::Http {
            status,
            retry_after: Some(asked),
            ..
        } if asked > cap => FetchError::Http {
            status,
            retry_after: Some(asked),
            retry_after_cap: Some(cap),
        },
        other => other,
    }
}

/// `base * 2^attempt`, capped, then "equal jitter": between half and all of it, so
/// clients that failed together do not come back together.
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    let factor = 1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX);
    let full = base.saturating_mul(factor).min(MAX_BACKOFF);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

/// Parses `Retry-After`: a number of seconds or an HTTP date (a date in the past means
/// now).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // Wed, 21 Oct 2015 07:28:00 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let full = base * 2u32.pow(attempt);
            let d = backoff(base, attempt);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
        assert!(backoff(Duration::from_secs(10), 30) <= MAX_BACKOFF);
    }

    #[tokio::test]
    async fn gives_up_after_the_configured_retries_with_the_count() {
        let cfg = ClientConfig {
            retries: 2,
            backoff_base: Duration::from_millis(1),
            ..ClientConfig::default()
        };
        let mut calls = 0;
        let err = with_retries(&cfg, |_| {
            calls += 1;
            async {
                Err::<(), _>(FetchError::Http {
                    status: 503,
                    retry_after: None,
                    retry_after_cap: None,
                })
            }
        })
        .await
        .unwrap_err();
        assert_eq!(calls, 3);
        assert_eq!(
            err.to_string(),
            "HTTP 503 Service Unavailable (gave up after 3 attempts)"
        );
    }

    #[tokio::test]
    async fn a_final_error_is_not_retried() {
        let cfg = ClientConfig::default();
        let mut calls = 0;
        let err = with_retries(&cfg, |_| {
            calls += 1;
            async { Err::<(), _>(FetchError::Html) }
        })
        .await
        .unwrap_err();
        assert_eq!(calls, 1);
        assert!(matches!(err, FetchError::Html));
    }
}
