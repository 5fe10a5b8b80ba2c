//! Retries: 429 with `Retry-After`, 5xx that pass, 5xx that do not, and a server asking
//! for an absurd wait.

mod support;

use std::time::{Duration, Instant};

use imago_engine::{Client, ClientConfig, DownloadRequest, FetchError};
use support::{config, png, sha256_hex, Reply, Server};

fn request(server: &Server, path: &str, dir: &std::path::Path) -> DownloadRequest {
    DownloadRequest {
        candidates: vec![server.url(path)],
        referer: None,
        dir: dir.to_path_buf(),
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_wait() {
    let image = png(20, 20, 3000);
    let served = image.clone();
    let server = Server::start(move |_, nth| {
        if nth == 0 {
            Reply::status(429, &[("Retry-After", "1".into())], b"slow down")
        } else {
            Reply::ok("image/png", &served)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    // A tiny backoff: any wait near a second comes from Retry-After.
    let client = Client::new(config()).unwrap();

    let done = client
        .download(request(&server, "/p.png", dir.path()))
        .await
        .unwrap();

    assert_eq!(done.sha256, sha256_hex(&image));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let gap = reqs[1].at.duration_since(reqs[0].at);
    assert!(gap >= Duration::from_secs(1), "retried after {gap:?}");
}

#[tokio::test]
async fn two_500s_then_a_200_succeeds() {
    let image = png(20, 20, 3000);
    let served = image.clone();
    let server = Server::start(move |_, nth| {
        if nth < 2 {
            Reply::status(500, &[], b"oops")
        } else {
            Reply::ok("image/png", &served)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        retries: 2,
        ..config()
    })
    .unwrap();

    let done = client
        .download(request(&server, "/p.png", dir.path()))
        .await
        .unwrap();

    assert_eq!(done.sha256, sha256_hex(&image));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn endless_500s_fail_after_the_retries_with_the_reason() {
    let server = Server::start(|_, _| Reply::status(500, &[], b"oops")).await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        retries: 3,
        ..config()
    })
    .unwrap();

    let err = client
        .download(request(&server, "/p.png", dir.path()))
        .await
        .unwrap_err();

    assert_eq!(server.requests().len(), 4);
    assert!(
        matches!(err, FetchError::GaveUp { attempts: 4, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "HTTP 500 Internal Server Error (gave up after 4 attempts)"
    );
    assert_eq!(err.status(), Some(500));
    assert_eq!(support::files_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn backoff_grows_between_retries() {
    let server = Server::start(|_, _| Reply::status(503, &[], b"")).await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        retries: 2,
        backoff_base: Duration::from_millis(100),
        ..config()
    })
    .unwrap();
    let _ = client
        .download(request(&server, "/p.png", dir.path()))
        .await;
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    // Equal jitter: the first wait is 50-100 ms, the second 100-200 ms.
    let first = reqs[1].at.duration_since(reqs[0].at);
    let second = reqs[2].at.duration_since(reqs[1].at);
    assert!(first >= Duration::from_millis(50), "{first:?}");
    assert!(second >= Duration::from_millis(100), "{second:?}");
}

#[tokio::test]
async fn a_huge_retry_after_is_capped_and_the_error_says_so() {
    let server =
        Server::start(|_, _| Reply::status(503, &[("Retry-After", "86400".into())], b"")).await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        retries: 1,
        max_retry_after: Duration::from_millis(200),
        ..config()
    })
    .unwrap();

    let started = Instant::now();
    let err = client
        .download(request(&server, "/p.png", dir.path()))
        .await
        .unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(2));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].at.duration_since(reqs[0].at) >= Duration::from_millis(200));
    let text = err.to_string();
    assert!(text.contains("HTTP 503"), "{text}");
    assert!(text.contains("86400s"), "{text}");
    assert!(text.contains("waited the 200ms cap"), "{text}");
}

#[tokio::test]
async fn a_retry_after_date_is_honored() {
    let image = png(20, 20, 3000);
    let served = image.clone();
    let server = Server::start(move |_, nth| {
        if nth == 0 {
            let at = std::time::SystemTime::now() + Duration::from_secs(2);
            Reply::status(503, &[("Retry-After", httpdate_fmt(at))], b"")
        } else {
            Reply::ok("image/png", &served)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(config()).unwrap();
    client
        .download(request(&server, "/p.png", dir.path()))
        .await
        .unwrap();
    let reqs = server.requests();
    // HTTP dates have whole seconds: two seconds ahead is at least one second of wait.
    assert!(reqs[1].at.duration_since(reqs[0].at) >= Duration::from_secs(1));
}

fn httpdate_fmt(t: std::time::SystemTime) -> String {
    httpdate::fmt_http_date(t)
}
