//! What happens to the pixels on the way in: odd files, metadata, uploads by URL.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::sync::Arc;

use imago_engine::guard::{GuardConfig, GuardedFetcher, SystemResolver};
use imago_server::GuardedUrlFetcher;
use serde_json::Value;
use support::app::{read_shared, shared, start, start_with};

#[tokio::test]
async fn odd_files_are_stored_as_what_they_are_or_refused_with_a_reason() {
    let app = start(|_| {}).await;
    let key = app.user("ann").await;
    for entry in std::fs::read_dir(shared("odd")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let res = app.upload(Some(&key), &bytes, &[]).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if status == 200 {
            let url = body["image"]["url"].as_str().unwrap();
            let got = app.get(url, None).await;
            assert_eq!(got.status(), 200, "{name}");
            let ct = got.headers()["content-type"].to_str().unwrap().to_string();
            let served = got.bytes().await.unwrap();
            // The type announced is the type the stored bytes really are.
            let sniffed = imago_core::probe::sniff(&served).map(|f| f.mime());
            assert_eq!(sniffed, Some(ct.as_str()), "{name}");
            if name == "looks-like-svg.webp" {
                assert_eq!(ct, "image/webp");
            }
        } else {
            assert!(status.is_client_error(), "{name}: {status} {body}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{name}: {body}"
            );
        }
        assert!(app.healthy().await, "{name} took the server down");
    }
}

#[tokio::test]
async fn exif_is_stripped_by_default_and_kept_when_configured() {
    let jpg = read_shared("formats/sample.jpg");
    assert!(
        jpg.windows(6).any(|w| w == b"Exif\0\0"),
        "the fixture carries EXIF"
    );

    let app = start(|_| {}).await;
    let key = app.user("ann").await;
    let image = app.upload_ok(&key, &jpg, &[]).await;
    let served = app
        .get(image["url"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(
        !served.windows(6).any(|w| w == b"Exif\0\0"),
        "EXIF left in the stored original"
    );
    assert_eq!(&served[..3], b"\xFF\xD8\xFF");
    assert_eq!(image["size"], served.len() as u64);

    // A user who keeps metadata does not make the same file keep it for another user.
    let mut cy = app.repo.user(1).await.unwrap().unwrap();
    assert_eq!(cy.name, "ann");
    cy.strip_metadata = false;
    app.repo.update_user(&cy).await.unwrap();
    let kept = app.upload_ok(&key, &jpg, &[("title", "again")]).await;
    let same = app
        .get(kept["url"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(
        !same.windows(6).any(|w| w == b"Exif\0\0"),
        "ann's earlier, stripped upload is found again"
    );
    let dee = app.user("dee").await;
    let mut dee_user = app.repo.user_by_name("dee").await.unwrap().unwrap();
    dee_user.strip_metadata = false;
    app.repo.update_user(&dee_user).await.unwrap();
    let with_exif = app.upload_ok(&dee, &jpg, &[]).await;
    let bytes = app
        .get(with_exif["url"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(
        bytes.windows(6).any(|w| w == b"Exif\0\0"),
        "dee keeps metadata"
    );
    let eve = app.user("eve").await;
    let stripped = app.upload_ok(&eve, &jpg, &[]).await;
    let bytes = app
        .get(stripped["url"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(
        !bytes.windows(6).any(|w| w == b"Exif\0\0"),
        "eve's copy must not be dee's"
    );

    let keep = start(|c| c.strip_metadata = false).await;
    let key = keep.user("bob").await;
    let image = keep.upload_ok(&key, &jpg, &[]).await;
    let served = keep
        .get(image["url"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(served.windows(6).any(|w| w == b"Exif\0\0"));
}

/// A stand-in for a public web server: `/cat.jpg` and a redirect to a private address.
async fn origin(jpg: Vec<u8>) -> String {
    use axum::routing::get;
    let app = axum::Router::new()
        .route("/cat.jpg", get(move || async move { jpg.clone() }))
        .route(
            "/to-private",
            get(|| async { axum::response::Redirect::temporary("http://10.0.0.1/cat.jpg") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn upload_by_url_through_the_guard() {
    let jpg = read_shared("formats/sample.jpg");
    let origin = origin(jpg.clone()).await;
    // Loopback stands in for the public internet here; every other check stays on.
    let guard = GuardedFetcher::new(
        GuardConfig {
            allow_loopback_for_tests: true,
            ..GuardConfig::default()
        },
        Arc::new(SystemResolver),
    )
    .unwrap();
    let app = start_with(
        |c| c.strip_metadata = false,
        Some(Arc::new(GuardedUrlFetcher::new(guard))),
    )
    .await;
    let key = app.user("ann").await;
    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .form(&[
            ("key", key.as_str()),
            ("source", &format!("{origin}/cat.jpg")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["image"]["original_filename"], "cat.jpg");
    let served = app
        .get(body["image"]["url"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(served.as_ref(), jpg.as_slice());

    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .form(&[
            ("key", key.as_str()),
            ("source", &format!("{origin}/to-private")),
        ])
        .send()
        .await
        .unwrap();
    let body = support::app::chevereto_error(res, 400).await;
    assert_eq!(body["error"]["context"], "url_refused");
    // The redirect's target is refused: the server never connected to it.
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a public address"),
        "{body}"
    );
}
