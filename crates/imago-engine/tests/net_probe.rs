//! Probing over the network: only the first bytes are read, whatever the server does
//! with `Range`.

mod support;

use imago_core::Format;
use imago_engine::{Client, FetchError, PROBE_FIRST_BYTES};
use support::{config, jpeg, png, Reply, Server};

const TWO_MB: usize = 2 * 1024 * 1024;

#[tokio::test]
async fn a_ranged_probe_reads_only_the_first_kilobytes() {
    let image = jpeg(4000, 3000, 0, TWO_MB);
    let server = Server::start(move |req, _| Reply::ranged(req, "image/jpeg", &image, None)).await;
    let client = Client::new(config()).unwrap();

    let probed = client.probe(&server.url("/big.jpg"), None).await.unwrap();

    assert_eq!(
        (probed.info.format, probed.info.width, probed.info.height),
        (Format::Jpeg, 4000, 3000)
    );
    assert_eq!(probed.total_bytes, Some(TWO_MB as u64));
    assert_eq!(probed.bytes_read, PROBE_FIRST_BYTES as u64);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].header("range"), Some("bytes=0-4095"));
}

#[tokio::test]
async fn without_range_support_the_probe_stops_early() {
    let image = png(1920, 1080, TWO_MB);
    let server = Server::start(move |_, _| Reply::ok("image/png", &image)).await;
    let client = Client::new(config()).unwrap();

    let probed = client.probe(&server.url("/big.png"), None).await.unwrap();

    assert_eq!(
        (probed.info.format, probed.info.width, probed.info.height),
        (Format::Png, 1920, 1080)
    );
    // The size still comes from Content-Length.
    assert_eq!(probed.total_bytes, Some(TWO_MB as u64));
    assert!(probed.bytes_read > 0);
    assert!(
        probed.bytes_read < 128 * 1024,
        "read {} of {TWO_MB} bytes",
        probed.bytes_read
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_long_header_grows_the_range_only_as_needed() {
    // 20 KB of metadata before the frame header: the first 4 KiB cannot tell the size.
    let image = jpeg(1200, 800, 20_000, 300_000);
    let server = Server::start(move |req, _| Reply::ranged(req, "image/jpeg", &image, None)).await;
    let client = Client::new(config()).unwrap();

    let probed = client.probe(&server.url("/exif.jpg"), None).await.unwrap();

    assert_eq!((probed.info.width, probed.info.height), (1200, 800));
    assert_eq!(probed.total_bytes, Some(300_000));
    let reqs = server.requests();
    assert!(reqs.len() >= 2, "{} requests", reqs.len());
    assert_eq!(reqs[0].header("range"), Some("bytes=0-4095"));
    // Each later request continues where the previous stopped.
    assert!(reqs[1].header("range").unwrap().starts_with("bytes=4096-"));
    // The header ends near byte 20,030; the probe read well under a tenth of the file.
    assert!(
        probed.bytes_read >= 20_030 && probed.bytes_read < 30_000,
        "{}",
        probed.bytes_read
    );
}

#[tokio::test]
async fn a_probe_of_an_html_page_fails() {
    let server = Server::start(|req, _| {
        Reply::ranged(
            req,
            "text/html",
            b"<html><body>Please log in</body></html>",
            None,
        )
    })
    .await;
    let client = Client::new(config()).unwrap();
    let err = client
        .probe(&server.url("/img.jpg"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Html), "{err}");
}

#[tokio::test]
async fn a_small_file_is_probed_whole() {
    let image = png(16, 16, 300);
    let server = Server::start(move |req, _| Reply::ranged(req, "image/png", &image, None)).await;
    let client = Client::new(config()).unwrap();
    let probed = client.probe(&server.url("/icon.png"), None).await.unwrap();
    assert_eq!((probed.info.width, probed.info.height), (16, 16));
    assert_eq!(probed.total_bytes, Some(300));
    assert_eq!(probed.bytes_read, 300);
}

#[tokio::test]
async fn an_unknown_total_is_asked_with_head() {
    let image = png(50, 40, 10_000);
    let server = Server::start(move |req, _| {
        if req.method == "HEAD" {
            return Reply::raw(
                200,
                &[
                    ("Content-Type", "image/png".into()),
                    ("Content-Length", "10000".into()),
                ],
                b"",
            );
        }
        Reply::status(
            206,
            &[("Content-Range", "bytes 0-4095/*".into())],
            &image[..4096],
        )
    })
    .await;
    let client = Client::new(config()).unwrap();
    let probed = client.probe(&server.url("/p.png"), None).await.unwrap();
    assert_eq!(probed.total_bytes, Some(10_000));
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, vec!["GET", "HEAD"]);
}

#[tokio::test]
async fn a_probe_404_is_reported() {
    let server = Server::start(|_, _| Reply::status(404, &[], b"")).await;
    let client = Client::new(config()).unwrap();
    let err = client
        .probe(&server.url("/gone.jpg"), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}
