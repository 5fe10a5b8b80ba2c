//! `POST /api/v2/search` on every backend: uploads are indexed before their answer, an
//! edited copy finds its original (resized: `near`; cropped: `similar`, with the model),
//! and what a caller finds is only what they may: others' private and unlisted albums
//! never, their own always. Two nodes on one database answer the same, follow each
//! other's uploads and deletions, and a node fingerprints the images stored before
//! search was on.
//!
//! The photos are the scikit-image ones (`scripts/fetch-photos.sh`), the model is
//! `scripts/fetch-model.sh`'s; both are installed by `scripts/install-test-deps.sh`.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::io::Cursor;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use image::{DynamicImage, ImageFormat};
use serde_json::{json, Value};
use support::app::{chevereto_error, multipart, start_at, TestApp};
use support::backend::{on_every_backend, Backend};

on_every_backend!(
    edited_copies_are_found_and_private_albums_stay_private,
    search_takes_base64_and_refuses_what_it_cannot_read,
);

fn photo(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("IMAGO_PHOTOS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/photos/skimage")
        });
    std::fs::read(dir.join(name)).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: run scripts/fetch-photos.sh (scripts/install-test-deps.sh does)",
            dir.join(name).display()
        )
    })
}

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).unwrap()
}

fn jpeg(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img.to_rgb8())
        .unwrap();
    out
}

/// The photo at 60% of its size, as a JPEG of quality 80: the hashes' `near`.
fn resized(bytes: &[u8]) -> Vec<u8> {
    let img = decode(bytes);
    let (w, h) = (img.width() * 3 / 5, img.height() * 3 / 5);
    jpeg(
        &img.resize_exact(w, h, image::imageops::FilterType::Triangle),
        80,
    )
}

/// The photo with 10% cut from each side: beyond the hashes, the embedding's `similar`.
fn cropped(bytes: &[u8]) -> Vec<u8> {
    let img = decode(bytes);
    let (w, h) = (img.width(), img.height());
    let mut png = Vec::new();
    img.crop_imm(w / 10, h / 10, w - w / 5, h - h / 5)
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    png
}

async fn start(backend: Backend) -> TestApp {
    let place = backend.place("search").await;
    start_at(&place, |c| c.search.embeddings = true, None).await
}

/// `POST /api/v2/search` with the picture as a file part; the status and body.
async fn search(app: &TestApp, key: Option<&str>, picture: &[u8]) -> (u16, Value) {
    let (ct, body) = multipart(&[("source", Some("query.jpg"), picture)]);
    let mut req = app
        .client
        .post(app.url("/api/v2/search"))
        .header("content-type", ct)
        .body(body);
    if let Some(key) = key {
        req = req.header("x-api-key", key);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

/// The ids of a search's results, in order, with their kind of match.
async fn found(app: &TestApp, key: Option<&str>, picture: &[u8]) -> Vec<(String, String)> {
    let (status, body) = search(app, key, picture).await;
    assert_eq!(status, 200, "{body}");
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["match"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn album(app: &TestApp, key: &str, visibility: &str) -> String {
    let res = app
        .client
        .post(app.url("/api/v2/albums"))
        .header("x-api-key", key)
        .json(&json!({"name": visibility, "visibility": visibility}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_string()
}

async fn upload(app: &TestApp, key: &str, bytes: &[u8], album: Option<&str>) -> String {
    let fields: Vec<(&str, &str)> = album.map(|a| ("album_id", a)).into_iter().collect();
    let image = app.upload_ok(key, bytes, &fields).await;
    image["id_encoded"].as_str().unwrap().to_string()
}

async fn edited_copies_are_found_and_private_albums_stay_private(backend: Backend) {
    let app = start(backend).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let (chelsea, coffee, rocket, astronaut) = (
        photo("chelsea.png"),
        photo("coffee.png"),
        photo("rocket.jpg"),
        photo("astronaut.png"),
    );
    let ann_private = album(&app, &ann, "private").await;
    let bob_unlisted = album(&app, &bob, "unlisted").await;
    let bob_public = album(&app, &bob, "public").await;
    let cat = upload(&app, &ann, &chelsea, None).await;
    let cup = upload(&app, &ann, &coffee, Some(&ann_private)).await;
    let ship = upload(&app, &bob, &rocket, Some(&bob_unlisted)).await;
    let man = upload(&app, &bob, &astronaut, Some(&bob_public)).await;

    let config: Value = app
        .get(&app.url("/api/v2/config"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config["features"], json!(["search"]), "{config}");

    // Indexed before the upload answered: the same file is found at once, by anyone.
    let hits = found(&app, None, &chelsea).await;
    assert_eq!(
        hits.first(),
        Some(&(cat.clone(), "exact".into())),
        "{hits:?}"
    );
    // A resized copy is near; a cropped one similar (the model's).
    let hits = found(&app, Some(&bob), &resized(&chelsea)).await;
    assert_eq!(
        hits.first(),
        Some(&(cat.clone(), "near".into())),
        "{hits:?}"
    );
    let (status, body) = search(&app, None, &cropped(&astronaut)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["model"], true, "{body}");
    let first = &body["results"][0];
    assert_eq!(first["id"], man.as_str(), "{body}");
    assert_eq!(first["match"], "similar", "{body}");
    assert!(first["similarity"].as_f64().unwrap() >= 0.5, "{body}");
    assert_eq!(first["mine"], false, "{body}");
    // No photo is taken for another.
    for (id, _) in found(&app, None, &cropped(&chelsea)).await {
        assert_eq!(id, cat, "a crop of chelsea found {id}");
    }

    // Ann's private album: hers to find (with signed links that work), no one else's.
    for key in [None, Some(bob.as_str())] {
        let hits = found(&app, key, &resized(&coffee)).await;
        assert!(hits.iter().all(|(id, _)| *id != cup), "{key:?}: {hits:?}");
    }
    let (_, body) = search(&app, Some(&ann), &resized(&coffee)).await;
    let first = &body["results"][0];
    assert_eq!(first["id"], cup.as_str(), "{body}");
    assert_eq!(first["mine"], true, "{body}");
    let thumb = first["thumb_url"].as_str().unwrap();
    assert!(thumb.contains("sig="), "{thumb}");
    assert_eq!(app.get(thumb, None).await.status(), 200, "{thumb}");
    let plain = thumb.split('?').next().unwrap();
    assert_eq!(app.get(plain, None).await.status(), 404, "{plain}");
    let page = first["url_viewer"].as_str().unwrap();
    assert_eq!(app.get(page, None).await.status(), 200, "{page}");

    // Bob's unlisted album is reached by its link, not found by searching: only Bob
    // finds it.
    for key in [None, Some(ann.as_str())] {
        let hits = found(&app, key, &rocket).await;
        assert!(hits.iter().all(|(id, _)| *id != ship), "{key:?}: {hits:?}");
    }
    let hits = found(&app, Some(&bob), &rocket).await;
    assert_eq!(
        hits.first(),
        Some(&(ship.clone(), "exact".into())),
        "{hits:?}"
    );

    // A deleted image is found no more.
    let res = app
        .client
        .delete(app.url(&format!("/api/v2/images/{cat}")))
        .header("x-api-key", &ann)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let hits = found(&app, Some(&ann), &chelsea).await;
    assert!(hits.iter().all(|(id, _)| *id != cat), "{hits:?}");
}

async fn search_takes_base64_and_refuses_what_it_cannot_read(backend: Backend) {
    let app = start(backend).await;
    let ann = app.user("ann").await;
    let coffee = photo("coffee.png");
    let cup = upload(&app, &ann, &coffee, None).await;
    let post = |body: Value| {
        app.client
            .post(app.url("/api/v2/search"))
            .json(&body)
            .send()
    };

    let b64 = base64::engine::general_purpose::STANDARD.encode(resized(&coffee));
    let res = post(json!({"source": b64, "k": 1})).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["results"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["results"][0]["id"], cup.as_str(), "{body}");

    // A link to one of this server's images is read from the store (what the
    // extension's "search on my imago server" sends for an image hosted here)...
    let own = format!("{}/i/{cup}.th.png?x=1", app.base);
    let res = post(json!({"source": own})).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["results"][0]["id"], cup.as_str(), "{body}");
    assert_eq!(body["results"][0]["match"], "exact", "{body}");
    let res = post(json!({"source": format!("{}/i/AAAAAAAAAA.png", app.base)}))
        .await
        .unwrap();
    chevereto_error(res, 404).await;
    // ...any other URL goes through the upload's SSRF guard, which refuses loopback.
    let elsewhere = "http://127.0.0.1:9/cup.png";
    let res = post(json!({"source": elsewhere})).await.unwrap();
    let body = chevereto_error(res, 400).await;
    assert_eq!(body["error"]["context"], "url_refused", "{body}");

    // Not a picture, no picture, a bad k: one clear 4xx each.
    let (status, body) = search(&app, None, b"just some text, not an image").await;
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    let res = post(json!({"k": 3})).await.unwrap();
    chevereto_error(res, 400).await;
    let res = post(json!({"source": b64, "k": 0})).await.unwrap();
    let body = chevereto_error(res, 400).await;
    assert_eq!(body["error"]["context"], "invalid_k", "{body}");
    let res = post(json!({"source": b64, "k": 101})).await.unwrap();
    chevereto_error(res, 400).await;
}

/// Two nodes on one PostgreSQL schema and bucket: an upload on either is found on the
/// other, a deletion on one is followed by the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_answer_the_same() {
    let backend = Backend::PostgresS3;
    if backend.skipped("two_nodes_answer_the_same") {
        return;
    }
    let place = backend.place("search_nodes").await;
    let a = start_at(&place, |c| c.search.embeddings = true, None).await;
    let b = start_at(&place, |c| c.search.embeddings = true, None).await;
    let ann = a.user("ann").await;
    let (chelsea, coffee) = (photo("chelsea.png"), photo("coffee.png"));
    let cat = upload(&a, &ann, &chelsea, None).await;
    let cup = upload(&b, &ann, &coffee, None).await;
    for node in [&a, &b] {
        let hits = found(node, None, &resized(&chelsea)).await;
        assert_eq!(
            hits.first(),
            Some(&(cat.clone(), "near".into())),
            "{hits:?}"
        );
        let hits = found(node, None, &cropped(&coffee)).await;
        assert_eq!(hits.first().map(|h| &h.0), Some(&cup), "{hits:?}");
        // Each node gives the same answer (links aside: each node hands out its own
        // address).
        let answer = |body: Value| -> Vec<(Value, Value, Value)> {
            body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["id"].clone(), r["match"].clone(), r["score"].clone()))
                .collect()
        };
        let (_, from_a) = search(&a, Some(&ann), &cropped(&chelsea)).await;
        let (_, from_b) = search(&b, Some(&ann), &cropped(&chelsea)).await;
        assert!(!answer(from_a.clone()).is_empty(), "{from_a}");
        assert_eq!(answer(from_a), answer(from_b));
    }
    let res = a
        .client
        .delete(a.url(&format!("/api/v2/images/{cup}")))
        .header("x-api-key", &ann)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    for node in [&b, &a] {
        let hits = found(node, None, &coffee).await;
        assert!(hits.iter().all(|(id, _)| *id != cup), "{hits:?}");
    }
}

/// Images stored while search was off are fingerprinted by the next node that starts
/// with it on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_stored_before_search_are_fingerprinted_at_start() {
    let backend = Backend::PostgresS3;
    if backend.skipped("images_stored_before_search_are_fingerprinted_at_start") {
        return;
    }
    let place = backend.place("search_backfill").await;
    let old = start_at(&place, |c| c.search.enabled = false, None).await;
    let ann = old.user("ann").await;
    let rocket = photo("rocket.jpg");
    let ship = upload(&old, &ann, &rocket, None).await;
    let config: Value = old
        .get(&old.url("/api/v2/config"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(config["features"], json!([]), "{config}");
    let (status, _) = search(&old, None, &rocket).await;
    assert_eq!(status, 404);
    drop(old);

    let new = start_at(&place, |c| c.search.embeddings = true, None).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let hits = found(&new, None, &cropped(&rocket)).await;
        if hits.first().map(|h| &h.0) == Some(&ship) {
            assert_eq!(hits[0].1, "similar", "{hits:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not fingerprinted in 60 s: {hits:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
