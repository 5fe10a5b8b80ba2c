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

/// The raw answer to `head` (a request head without a body) on a new connection.
async fn answer_to(base: &str, head: &str) -> String {
    let mut conn = TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_request_head_over_64_kib_is_refused_with_431() {
    let app = start(|_| {}).await;
    // An ordinary head with a 10 KB header is read as usual.
    let pad = "a".repeat(10_000);
    let ok = answer_to(
        &app.base,
        &format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(
        ok.starts_with("HTTP/1.1 200"),
        "{}",
        &ok[..ok.len().min(200)]
    );
    // 100 KB of headers: past the 64 KiB limit. `axum::serve` took it (hyper only stops a
    // head at its read buffer's size, about 400 KB, and not when one read brings it all).
    let pad = "a".repeat(100_000);
    let refused = answer_to(
        &app.base,
        &format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(
        refused.starts_with("HTTP/1.1 431"),
        "{}",
        &refused[..refused.len().min(200)]
    );
}
