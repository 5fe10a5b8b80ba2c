//! A 40 MB original served whole and by Range from each store: the right bytes, the
//! right headers. (That the store hands them over in bounded chunks, not the whole
//! object, is `tests/store_conformance.rs`'s `streamed_*` tests; the server passes the
//! store's stream on as the body.)

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use bytes::Bytes;
use futures_util::{stream, StreamExt};
use sha2::{Digest, Sha256};
use support::app::{read_shared, start_on};
use support::backend::Backend;

support::backend::on_every_backend!(a_40_mb_original_is_served_whole_and_by_range);

const SIZE: usize = 40 * 1024 * 1024 + 123;

/// Byte `i` of the large object: not periodic at any power of two, so a range read from
/// the wrong offset cannot match.
fn byte(i: usize) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

fn part(range: std::ops::Range<usize>) -> Vec<u8> {
    range.map(byte).collect()
}

async fn a_40_mb_original_is_served_whole_and_by_range(backend: Backend) {
    let app = start_on(backend, |c| c.strip_metadata = false).await;
    let key = app.user("ann").await;
    let image = app
        .upload_ok(&key, &read_shared("formats/sample.png"), &[])
        .await;
    let url = image["url"].as_str().unwrap().to_string();
    let id = image["id_encoded"].as_str().unwrap();
    // The record's original replaced by 40 MB, put as a stream of 1 MiB chunks.
    let record = app.repo.image(id).await.unwrap().unwrap();
    let chunks = (0..SIZE)
        .step_by(1 << 20)
        .map(|a| Ok(Bytes::from(part(a..(a + (1 << 20)).min(SIZE)))));
    app.store
        .put_stream(&record.original_key, stream::iter(chunks).boxed())
        .await
        .unwrap();

    let res = app.get(&url, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-length"], SIZE.to_string().as_str());
    let mut hasher = Sha256::new();
    let mut got = 0usize;
    let mut body = res.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        hasher.update(&chunk);
        got += chunk.len();
    }
    assert_eq!(got, SIZE);
    let want = Sha256::digest(part(0..SIZE));
    assert!(hasher.finalize() == want, "the whole body differs");

    for (header, from, to) in [
        ("bytes=30000000-30999999", 30_000_000, 31_000_000),
        ("bytes=0-0", 0, 1),
        ("bytes=-4096", SIZE - 4096, SIZE),
        ("bytes=41900000-", 41_900_000, SIZE),
    ] {
        let res = app
            .client
            .get(&url)
            .header("range", header)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 206, "{header}");
        assert_eq!(
            res.headers()["content-range"],
            format!("bytes {from}-{}/{SIZE}", to - 1).as_str(),
            "{header}"
        );
        assert_eq!(
            res.headers()["content-length"],
            (to - from).to_string().as_str()
        );
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.as_ref() == part(from..to).as_slice(), "{header}");
    }
    let res = app
        .client
        .get(&url)
        .header("range", format!("bytes={SIZE}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 416);
}
