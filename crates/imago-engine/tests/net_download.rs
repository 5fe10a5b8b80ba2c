//! Downloads against a local server that misbehaves on purpose: nothing lost, nothing
//! corrupted, nothing that is not a complete image left looking like one.

mod support;

use std::time::{Duration, Instant};

use imago_core::Format;
use imago_engine::{part_path, Client, ClientConfig, DownloadRequest, FetchError, TimeoutKind};
use support::{config, files_in, jpeg, png, sha256_hex, Reply, Server};
use url::Url;

fn request(candidates: Vec<Url>, dir: &std::path::Path) -> DownloadRequest {
    DownloadRequest {
        candidates,
        referer: None,
        dir: dir.to_path_buf(),
    }
}

/// The error itself, or the last one when retries ran out.
fn root(e: &FetchError) -> &FetchError {
    match e {
        FetchError::GaveUp { last, .. } => last,
        other => other,
    }
}

#[tokio::test]
async fn normal_download_is_byte_identical_with_its_sha256() {
    let image = png(640, 480, 100_000);
    let served = image.clone();
    let server = Server::start(move |_, _| Reply::ok("image/png", &served)).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("page");
    let client = Client::new(config()).unwrap();

    let done = client
        .download(request(vec![server.url("/a.png")], &target))
        .await
        .unwrap();

    assert_eq!(std::fs::read(&done.temp_path).unwrap(), image);
    assert_eq!(done.sha256, sha256_hex(&image));
    assert_eq!(done.bytes, 100_000);
    assert_eq!(done.url, server.url("/a.png"));
    assert_eq!(done.content_type.as_deref(), Some("image/png"));
    let info = done.info.unwrap();
    assert_eq!(
        (info.format, info.width, info.height),
        (Format::Png, 640, 480)
    );
    assert_eq!(done.temp_path.parent(), Some(target.as_path()));
    let name = done
        .temp_path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(".imago-") && name.ends_with(".part"),
        "{name}"
    );
    // Only the temporary file is in the folder: the caller renames it.
    assert_eq!(files_in(&target), vec![name]);
}

#[tokio::test]
async fn lying_content_length_fails_and_leaves_no_file() {
    // Declares 2000 bytes, sends 1000, closes.
    let image = png(10, 10, 2000);
    let sent = image[..1000].to_vec();
    let server = Server::start(move |_, _| {
        Reply::raw(
            200,
            &[
                ("Content-Type", "image/png".into()),
                ("Content-Length", "2000".into()),
            ],
            &sent,
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        retries: 1,
        ..config()
    })
    .unwrap();

    let err = client
        .download(request(vec![server.url("/short.png")], dir.path()))
        .await
        .unwrap_err();

    assert!(
        matches!(
            root(&err),
            FetchError::ShortBody {
                got: 1000,
                expected: 2000
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("1000 of 2000 bytes"), "{err}");
    // A short body is worth one more try.
    assert_eq!(server.requests().len(), 2);
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn slow_body_hits_the_read_timeout() {
    let image = png(10, 10, 5000);
    let server = Server::start(move |_, _| {
        Reply::ok("image/png", &image).stall_after(1000, Duration::from_secs(3))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        read_timeout: Duration::from_millis(300),
        retries: 0,
        ..config()
    })
    .unwrap();

    let started = Instant::now();
    let err = client
        .download(request(vec![server.url("/slow.png")], dir.path()))
        .await
        .unwrap_err();

    assert!(
        matches!(
            err,
            FetchError::Timeout {
                kind: TimeoutKind::Read,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.to_string(), "timeout: no data for 300ms");
    assert!(started.elapsed() < Duration::from_millis(2000));
    // The server did not offer ranges, so the partial file is not kept.
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_stalled_body_with_no_byte_for_the_total_time_stops_at_the_total_timeout() {
    let image = png(10, 10, 5000);
    let server = Server::start(move |_, _| {
        Reply::ok("image/png", &image).stall_after(1000, Duration::from_secs(3))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        read_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_millis(400),
        retries: 0,
        ..config()
    })
    .unwrap();
    let err = client
        .download(request(vec![server.url("/slow.png")], dir.path()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::Timeout {
                kind: TimeoutKind::Total,
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn html_instead_of_an_image_fails_and_saves_nothing() {
    let server = Server::start(|_, _| {
        Reply::ok(
            "image/jpeg",
            b"<!DOCTYPE html><html><head><title>Hotlinking forbidden</title></head><body>no</body></html>",
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(config()).unwrap();
    let err = client
        .download(request(vec![server.url("/photo.jpg")], dir.path()))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Html), "{err}");
    assert_eq!(err.to_string(), "HTML page instead of an image");
    // Not something waiting would fix.
    assert_eq!(server.requests().len(), 1);
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn bytes_that_are_no_image_fail() {
    let server = Server::start(|_, _| {
        Reply::ok(
            "image/jpeg",
            &support::filler(3000, 1)
                .iter()
                .map(|b| b | 1)
                .collect::<Vec<u8>>(),
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(config()).unwrap();
    let err = client
        .download(request(vec![server.url("/noise.jpg")], dir.path()))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::NotAnImage(_)), "{err}");
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn hd_candidate_404_falls_back_to_the_original() {
    let image = jpeg(800, 600, 0, 20_000);
    let served = image.clone();
    let server = Server::start(move |req, _| match req.path.as_str() {
        "/orig.jpg" => Reply::ok("image/jpeg", &served),
        _ => Reply::status(404, &[], b"not here"),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(config()).unwrap();

    let done = client
        .download(request(
            vec![server.url("/hd.jpg"), server.url("/orig.jpg")],
            dir.path(),
        ))
        .await
        .unwrap();

    assert_eq!(done.url, server.url("/orig.jpg"));
    assert_eq!(done.sha256, sha256_hex(&image));
    let info = done.info.unwrap();
    assert_eq!(
        (info.format, info.width, info.height),
        (Format::Jpeg, 800, 600)
    );
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    // A 404 is final for that URL: no retry of the HD one.
    assert_eq!(paths, vec!["/hd.jpg", "/orig.jpg"]);
    assert_eq!(files_in(dir.path()).len(), 1);
}

#[tokio::test]
async fn every_candidate_404_reports_the_last_failure() {
    let server = Server::start(|_, _| Reply::status(404, &[], b"")).await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(config()).unwrap();
    let err = client
        .download(request(
            vec![server.url("/a"), server.url("/b")],
            dir.path(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "HTTP 404 Not Found");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn size_cap_aborts_announced_and_unannounced_bodies() {
    let image = png(100, 100, 50_000);
    let served = image.clone();
    let server = Server::start(move |req, _| match req.path.as_str() {
        // No Content-Length: the body runs until the connection closes.
        "/quiet.png" => Reply::raw(200, &[("Content-Type", "image/png".into())], &served),
        _ => Reply::ok("image/png", &served),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        max_bytes: 10_000,
        ..config()
    })
    .unwrap();

    let err = client
        .download(request(vec![server.url("/big.png")], dir.path()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::TooLarge {
                limit: 10_000,
                declared: Some(50_000)
            }
        ),
        "{err}"
    );

    let err = client
        .download(request(vec![server.url("/quiet.png")], dir.path()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::TooLarge {
                limit: 10_000,
                declared: None
            }
        ),
        "{err}"
    );
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_partial_file_resumes_with_range() {
    let image = png(300, 200, 60_000);
    let served = image.clone();
    let server =
        Server::start(move |req, _| Reply::ranged(req, "image/png", &served, Some("\"v1\""))).await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/r.png");
    // An earlier run got the first 25,000 bytes.
    std::fs::write(part_path(dir.path(), &url), &image[..25_000]).unwrap();
    let client = Client::new(config()).unwrap();

    let done = client
        .download(request(vec![url.clone()], dir.path()))
        .await
        .unwrap();

    assert_eq!(done.sha256, sha256_hex(&image));
    assert_eq!(done.bytes, 60_000);
    assert_eq!(std::fs::read(&done.temp_path).unwrap(), image);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].header("range"), Some("bytes=25000-"));
    let info = done.info.unwrap();
    assert_eq!((info.width, info.height), (300, 200));
}

#[tokio::test]
async fn an_interrupted_transfer_resumes_on_the_retry() {
    let image = png(300, 200, 40_000);
    let served = image.clone();
    let server = Server::start(move |req, nth| {
        let reply = Reply::ranged(req, "image/png", &served, Some("\"abc\""));
        if nth == 0 {
            // The first answer stalls after 10,000 bytes of body.
            let head_len = 200; // generous: the head is shorter than this
            reply.stall_after(head_len + 9_800, Duration::from_secs(3))
        } else {
            reply
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(ClientConfig {
        read_timeout: Duration::from_millis(300),
        retries: 1,
        ..config()
    })
    .unwrap();

    let done = client
        .download(request(vec![server.url("/i.png")], dir.path()))
        .await
        .unwrap();

    assert_eq!(done.sha256, sha256_hex(&image));
    assert_eq!(std::fs::read(&done.temp_path).unwrap(), image);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("range"), None);
    let range = reqs[1].header("range").expect("the retry asks for a range");
    let from: u64 = range
        .strip_prefix("bytes=")
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .expect("bytes=N-");
    assert!(from > 9_000 && from < 40_000, "{range}");
    assert_eq!(reqs[1].header("if-range"), Some("\"abc\""));
    // Nothing but the finished part is left (no validator file).
    assert_eq!(files_in(dir.path()).len(), 1);
}

#[tokio::test]
async fn a_changed_file_is_not_stitched_to_an_old_beginning() {
    let old = png(300, 200, 40_000);
    let new = png(301, 200, 45_000);
    let (o, n) = (old.clone(), new.clone());
    let server = Server::start(move |req, nth| {
        if nth == 0 {
            Reply::ranged(req, "image/png", &o, Some("\"old\""))
                .stall_after(10_000, Duration::from_secs(3))
        } else {
            Reply::ranged(req, "image/png", &n, Some("\"new\""))
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/c.png");
    let client = Client::new(ClientConfig {
        read_timeout: Duration::from_millis(300),
        retries: 0,
        ..config()
    })
    .unwrap();

    // The first run is interrupted; the part stays because the server serves ranges.
    let err = client
        .download(request(vec![url.clone()], dir.path()))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err}");
    let part = part_path(dir.path(), &url);
    let kept = std::fs::read(&part).unwrap();
    assert!(
        !kept.is_empty() && old.starts_with(&kept),
        "the part is the old file's beginning"
    );

    // The file changed meanwhile: If-Range does not match, the server sends it whole.
    let done = client
        .download(request(vec![url.clone()], dir.path()))
        .await
        .unwrap();
    assert_eq!(done.sha256, sha256_hex(&new));
    assert_eq!(std::fs::read(&done.temp_path).unwrap(), new);
    let reqs = server.requests();
    assert_eq!(reqs[1].header("if-range"), Some("\"old\""));
    assert!(reqs[1].header("range").is_some());
    // Only the finished part is left: the validator kept for the resume is gone.
    assert_eq!(files_in(dir.path()).len(), 1);
}

#[tokio::test]
async fn a_non_http_candidate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(config()).unwrap();
    let err = client
        .download(request(
            vec![Url::parse("file:///etc/passwd").unwrap()],
            dir.path(),
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::NotHttp(_)), "{err}");
    let err = client
        .download(request(vec![], dir.path()))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::NoCandidates), "{err}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_in_place_of_the_part_is_not_written_through() {
    let image = png(10, 10, 2000);
    let served = image.clone();
    let server = Server::start(move |_, _| Reply::ok("image/png", &served)).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    std::fs::create_dir(&target).unwrap();
    let outside = dir.path().join("precious.txt");
    std::fs::write(&outside, b"keep me").unwrap();
    let url = server.url("/s.png");
    std::os::unix::fs::symlink(&outside, part_path(&target, &url)).unwrap();
    let client = Client::new(config()).unwrap();

    let done = client.download(request(vec![url], &target)).await.unwrap();

    assert_eq!(std::fs::read(&outside).unwrap(), b"keep me");
    assert!(!std::fs::symlink_metadata(&done.temp_path)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&done.temp_path).unwrap(), image);
}

#[tokio::test]
async fn a_part_is_started_over_when_the_server_ignores_range() {
    let image = png(120, 90, 30_000);
    let served = image.clone();
    let server = Server::start(move |_, _| Reply::ok("image/png", &served)).await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/n.png");
    // A stale beginning from another version of the file.
    std::fs::write(part_path(dir.path(), &url), png(5, 5, 8_000)).unwrap();
    let client = Client::new(config()).unwrap();

    let done = client
        .download(request(vec![url], dir.path()))
        .await
        .unwrap();

    assert_eq!(server.requests()[0].header("range"), Some("bytes=8000-"));
    assert_eq!(std::fs::read(&done.temp_path).unwrap(), image);
    assert_eq!(done.sha256, sha256_hex(&image));
    assert_eq!(done.bytes, 30_000);
}

#[tokio::test]
async fn a_part_longer_than_the_file_is_started_over() {
    let image = png(120, 90, 10_000);
    let served = image.clone();
    let server = Server::start(move |req, _| Reply::ranged(req, "image/png", &served, None)).await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/shrunk.png");
    std::fs::write(part_path(dir.path(), &url), png(120, 90, 20_000)).unwrap();
    let client = Client::new(config()).unwrap();

    let done = client
        .download(request(vec![url], dir.path()))
        .await
        .unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "a refused resume, then the whole file");
    assert_eq!(reqs[0].header("range"), Some("bytes=20000-"));
    assert_eq!(reqs[1].header("range"), None);
    assert_eq!(std::fs::read(&done.temp_path).unwrap(), image);
}

#[tokio::test]
async fn a_server_error_during_a_resume_keeps_the_part_for_later() {
    let image = png(120, 90, 30_000);
    let server = Server::start(|_, _| Reply::status(503, &[], b"busy")).await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/busy.png");
    let part = part_path(dir.path(), &url);
    std::fs::write(&part, &image[..12_000]).unwrap();
    let client = Client::new(ClientConfig {
        retries: 1,
        ..config()
    })
    .unwrap();

    let err = client
        .download(request(vec![url], dir.path()))
        .await
        .unwrap_err();

    assert_eq!(err.status(), Some(503));
    assert_eq!(std::fs::read(&part).unwrap(), &image[..12_000]);
}
