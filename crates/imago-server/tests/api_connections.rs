//! The accept loop (src/accept.rs): a request in flight when the server is told to stop
//! is still answered, no connection is taken after, and a request head past 64 KiB is
//! refused rather than held.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream;
use support::app::{multipart, read_shared, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

#[tokio::test]
async fn an_upload_in_flight_when_the_server_stops_is_answered_and_then_the_port_closes() {
    let mut app = start(|_| {}).await;
    let key = app.user("ann").await;
    let png = read_shared("formats/sample.png");
    let (ct, body) = multipart(&[("source", Some("a.png"), &png)]);

    let (tx, mut rx) = mpsc::unbounded_channel::<Result<Bytes, std::io::Error>>();
    let req = app
        .client
        .post(app.url("/api/1/upload"))
        .header("content-type", ct)
        .header("x-api-key", &key)
        .body(reqwest::Body::wrap_stream(stream::poll_fn(move |cx| {
            rx.poll_recv(cx)
        })));
    let answer = tokio::spawn(req.send());
    let half = body.len() / 2;
    tx.send(Ok(Bytes::copy_from_slice(&body[..half]))).unwrap();
    // Let the request reach the handler before the stop.
    tokio::time::sleep(Duration::from_millis(200)).await;

    app.stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(Ok(Bytes::copy_from_slice(&body[half..]))).unwrap();
    drop(tx);
    let res = answer.await.unwrap().unwrap();
    assert_eq!(res.status(), 200, "the upload in flight was cut off");
    let image: serde_json::Value = res.json().await.unwrap();
    assert_eq!(image["image"]["width"], 290, "{image}");

    // No new connection is taken once the server stops.
    let addr = app.base.trim_start_matches("http://").to_string();
    let started = Instant::now();
    loop {
        if TcpStream::connect(&addr).await.is_err() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{addr} still takes connections after the stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The status line of the answer to `GET /healthz` with a header of `pad` bytes, sent on
/// a new connection.
async fn status_with_header_of(base: &str, pad: usize) -> String {
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(pad)
    );
    let mut conn = TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out);
    text.lines().next().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_request_head_over_64_kib_is_refused_with_431() {
    let app = start(|_| {}).await;
    // An ordinary head with a 10 KB header is read as usual.
    assert_eq!(
        status_with_header_of(&app.base, 10_000).await,
        "HTTP/1.1 200 OK"
    );
    // 100 KB of headers: past the 64 KiB limit. `axum::serve` took it (hyper only stops a
    // head at its read buffer's size, about 400 KB, and not when one read brings it all).
    assert_eq!(
        status_with_header_of(&app.base, 100_000).await,
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
}
