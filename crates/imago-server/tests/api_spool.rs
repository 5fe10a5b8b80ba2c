//! Upload bodies past the in-memory threshold are spooled to a temp file in the data
//! folder's `tmp/`, and that file is gone once the upload is answered, whatever the
//! answer, or once the client went away.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream;
use imago_server::ingest::MEMORY_LIMIT;
use support::app::{chevereto_error, multipart, read_shared, start, TestApp};
use tokio::sync::mpsc;

/// The spool files in `data/tmp`.
fn spooled(app: &TestApp) -> Vec<String> {
    let tmp = app.dir.path().join("tmp");
    match std::fs::read_dir(&tmp) {
        Ok(d) => d
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("upload-"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Waits up to 10 s for `ok(spool files)`.
async fn wait_for(app: &TestApp, what: &str, ok: impl Fn(&[String]) -> bool) {
    let started = Instant::now();
    loop {
        let files = spooled(app);
        if ok(&files) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what}: spool files now {files:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

type Sender = mpsc::UnboundedSender<Result<Bytes, std::io::Error>>;

/// Starts `POST /api/1/upload` with a body sent piece by piece through the returned
/// sender; the request's answer comes from the returned task.
fn upload_by_pieces(
    app: &TestApp,
    key: &str,
    content_type: &str,
) -> (
    Sender,
    tokio::task::JoinHandle<reqwest::Result<reqwest::Response>>,
) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let body = reqwest::Body::wrap_stream(stream::poll_fn(move |cx| rx.poll_recv(cx)));
    let req = app
        .client
        .post(app.url("/api/1/upload"))
        .header("content-type", content_type)
        .header("x-api-key", key)
        .body(body);
    (tx, tokio::spawn(req.send()))
}

/// A real JPEG of 4.5 x [`MEMORY_LIMIT`]: the shared Ultra HDR photo (1.2 MB: a primary
/// picture, then its gain map after the end marker) with zeros after it, bytes a decoder
/// never reads.
fn big_jpeg() -> Vec<u8> {
    let mut jpg = read_shared("formats/ultra-hdr.jpg");
    jpg.resize(MEMORY_LIMIT * 9 / 2, 0);
    jpg
}

fn assert_no_file_in(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left in {}: {left:?}", dir.display());
}

#[tokio::test]
async fn a_large_upload_is_spooled_to_a_temp_file_removed_after_success() {
    let app = start(|c| c.strip_metadata = false).await;
    let key = app.user("ann").await;
    let jpg = big_jpeg();
    assert!(jpg.len() > 2 * MEMORY_LIMIT);
    let (ct, body) = multipart(&[("source", Some("big.jpg"), &jpg)]);
    let (tx, answer) = upload_by_pieces(&app, &key, &ct);

    // Half the body sent: past the threshold, so it is in a file, not in memory.
    let half = body.len() / 2;
    tx.send(Ok(Bytes::copy_from_slice(&body[..half]))).unwrap();
    // The temp file appears before its first bytes are written: wait for them too.
    let tmp = app.dir.path().join("tmp");
    let size_of = |name: &str| std::fs::metadata(tmp.join(name)).map_or(0, |m| m.len() as usize);
    wait_for(&app, "the first half spooled", |f| {
        f.len() == 1 && size_of(&f[0]) > MEMORY_LIMIT
    })
    .await;
    let file = tmp.join(&spooled(&app)[0]);
    let size = size_of(&spooled(&app)[0]);
    assert!(
        size > MEMORY_LIMIT && size <= half,
        "{size} bytes spooled of {half} sent"
    );
    tx.send(Ok(Bytes::copy_from_slice(&body[half..]))).unwrap();
    drop(tx);

    let res = answer.await.unwrap().unwrap();
    assert_eq!(res.status(), 200);
    let image: serde_json::Value = res.json().await.unwrap();
    let served = app
        .get(image["image"]["url"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(served == jpg, "the stored original is the uploaded file");
    assert!(!file.exists(), "spool file left after success");
    assert!(spooled(&app).is_empty());
}

#[tokio::test]
async fn the_spool_file_is_removed_when_the_upload_fails_or_the_client_goes_away() {
    let app = start(|_| {}).await;
    let key = app.user("bob").await;

    // A JPEG's magic then garbage: refused after spooling.
    let mut bad = big_jpeg()[..4].to_vec();
    bad.extend(std::iter::repeat_n(0x5a, 3 * MEMORY_LIMIT));
    let res = app.upload(Some(&key), &bad, &[]).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(spooled(&app).is_empty(), "{:?}", spooled(&app));

    // The client sends half of a large body, then its connection breaks.
    let jpg = big_jpeg();
    let (ct, body) = multipart(&[("source", Some("big.jpg"), &jpg)]);
    let (tx, answer) = upload_by_pieces(&app, &key, &ct);
    tx.send(Ok(Bytes::copy_from_slice(&body[..body.len() / 2])))
        .unwrap();
    wait_for(&app, "the first half spooled", |f| f.len() == 1).await;
    tx.send(Err(std::io::Error::other("client gone"))).unwrap();
    assert!(answer.await.unwrap().is_err(), "the request was cut short");
    wait_for(&app, "the spool file removed", |f| f.is_empty()).await;
}

#[tokio::test]
async fn a_body_past_the_limit_is_refused_413_and_leaves_no_file() {
    let app = start(|c| c.body_limit = 3 * MEMORY_LIMIT).await;
    let key = app.user("cid").await;
    let jpg = big_jpeg();
    assert!(jpg.len() > 4 * MEMORY_LIMIT);
    let body = chevereto_error(app.upload(Some(&key), &jpg, &[]).await, 413).await;
    assert_eq!(body["error"]["context"], "too_large");
    assert!(spooled(&app).is_empty(), "{:?}", spooled(&app));
    assert_no_file_in(&app.dir.path().join("store"));
}
