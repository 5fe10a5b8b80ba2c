//! Two `imago serve` nodes on one PostgreSQL schema and one bucket prefix, as a
//! deployment behind a load balancer runs them: what one node stores the other serves,
//! manages and deletes, and expired images are reaped once between them (claimed with
//! `FOR UPDATE SKIP LOCKED`).

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::collections::BTreeSet;

use imago_server::repo::ImageRecord;
use imago_server::server::reap_once;
use serde_json::Value;
use support::app::{read_shared, start_at, TestApp};
use support::backend::{Backend, Place};

/// Two nodes on a fresh place, or `None` when `IMAGO_TEST_BACKENDS` leaves the shared
/// backends out (said on stderr).
async fn two_nodes(test: &str) -> Option<(Place, TestApp, TestApp)> {
    let backend = Backend::PostgresS3;
    if backend.skipped(test) {
        return None;
    }
    let place = backend.place(test).await;
    // The reapers run by hand below, so that the test decides when they race.
    let a = start_at(&place, |c| c.reaper_interval_secs = 3600, None).await;
    let b = start_at(&place, |c| c.reaper_interval_secs = 3600, None).await;
    assert_ne!(a.base, b.base);
    Some((place, a, b))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_on_one_node_is_served_and_managed_by_the_other() {
    let Some((_place, a, b)) = two_nodes("nodes_share").await else {
        return;
    };
    let key = a.user("ann").await;
    let jpg = read_shared("formats/sample.jpg");
    let image = a.upload_ok(&key, &jpg, &[]).await;
    let id = image["id_encoded"].as_str().unwrap();
    let url = image["url"].as_str().unwrap();
    let path = url.split_once("/i/").unwrap().1;
    assert!(url.starts_with(&a.base), "{url}");

    // Node B serves the original and both variants from the shared bucket.
    let got = b.get(&b.url(&format!("/i/{path}")), None).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/jpeg");
    let served = got.bytes().await.unwrap();
    assert_eq!(served.len() as u64, image["size"].as_u64().unwrap());
    for variant in ["thumb", "medium"] {
        let v = image[variant]["url"].as_str().unwrap();
        let v_path = v.split_once("/i/").unwrap().1;
        let res = b.get(&b.url(&format!("/i/{v_path}")), None).await;
        assert_eq!(res.status(), 200, "{variant} {v}");
    }
    // The key made through node A signs in on node B; B lists A's upload.
    let list = b.get(&b.url("/api/v2/images"), Some(&key)).await;
    assert_eq!(list.status(), 200);
    let list: Value = list.json().await.unwrap();
    let ids: Vec<&str> = list["images"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(ids, [id], "{list}");
    // A signed link made on node A works on node B: they sign with the same secret.
    let links = a
        .get(&a.url(&format!("/api/v2/images/{id}/signed")), Some(&key))
        .await;
    assert_eq!(links.status(), 200);
    let links: Value = links.json().await.unwrap();
    let signed_path = links["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&a.base)
        .unwrap()
        .to_string();
    assert_eq!(b.get(&b.url(&signed_path), None).await.status(), 200);
    // The same bytes on node B are the same image, not a second copy.
    let again = b.upload_ok(&key, &jpg, &[]).await;
    assert_eq!(again["id_encoded"], image["id_encoded"]);

    // Node B hands out the same delete URL for the duplicate (delete tokens derive from
    // a secret every node of the deployment shares), and it works on either node.
    let path_of = |url: &Value, base: &str| {
        url.as_str()
            .unwrap()
            .strip_prefix(base)
            .unwrap()
            .to_string()
    };
    assert_eq!(
        path_of(&again["delete_url"], &b.base),
        path_of(&image["delete_url"], &a.base)
    );
    let res = b
        .client
        .post(b.url(&path_of(&image["delete_url"], &a.base)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(a.get(url, None).await.status(), 404);
    assert!(b.repo.image(id).await.unwrap().is_none());
    assert!(b.store.list("").await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_images_are_reaped_once_between_two_nodes() {
    let Some((_place, a, b)) = two_nodes("nodes_reap").await else {
        return;
    };
    let key = a.user("bob").await;
    // Different bytes per image (a PNG's text chunk), so each is its own record.
    let png = read_shared("formats/sample.png");
    let mut ids = BTreeSet::new();
    for i in 0..12u8 {
        let node = if i % 2 == 0 { &a } else { &b };
        let image = node
            .upload_ok(&key, &with_text_chunk(&png, i), &[("expiration", "PT1S")])
            .await;
        ids.insert(image["id_encoded"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 12);
    // Hundreds more records (copies of the first, sharing its blobs) so that the two
    // reapers' batches of 100 overlap in time and their claims have to stay apart.
    let first = a
        .repo
        .image(ids.iter().next().unwrap())
        .await
        .unwrap()
        .unwrap();
    for i in 0..288 {
        let copy = ImageRecord {
            id: format!("copy{i:04}"),
            ..first.clone()
        };
        a.repo.insert_image(&copy).await.unwrap();
        ids.insert(copy.id);
    }
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    // Both reapers at once: each expired image is removed by exactly one of them.
    let (ra, rb) = tokio::join!(reap_once(&a.state), reap_once(&b.state));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    eprintln!("node A reaped {ra}, node B reaped {rb}");
    assert_eq!(ra + rb, 300, "A {ra} + B {rb}");
    for id in &ids {
        assert!(a.repo.image(id).await.unwrap().is_none(), "{id}");
    }
    assert!(a.store.list("").await.unwrap().is_empty());
    // Nothing is left for a second pass on either node.
    assert_eq!(reap_once(&a.state).await.unwrap(), 0);
    assert_eq!(reap_once(&b.state).await.unwrap(), 0);
}

/// `png` with a `tEXt` chunk holding `n` before IEND: a valid, distinct PNG.
fn with_text_chunk(png: &[u8], n: u8) -> Vec<u8> {
    let iend = png.len() - 12;
    let data = [b"imago\0".as_slice(), &[b'0' + n % 10, b'a' + n]].concat();
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let typed = [b"tEXt".as_slice(), &data].concat();
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    [&png[..iend], &chunk, &png[iend..]].concat()
}

/// PNG's CRC-32 (ISO 3309), bit by bit: a few bytes per test, no table needed.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
