//! Signed links: the owner of an image in a private album gets URLs that `/i/...`
//! serves without a key until they expire, for `<img>` tags that cannot send one.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use serde_json::{json, Value};
use support::app::{chevereto_error, read_shared, start, TestApp};

/// Ann's key, an image of hers in a private album, and the album's id.
async fn private_image(app: &TestApp) -> (String, Value, String) {
    let ann = app.user("ann").await;
    let res = app
        .client
        .post(app.url("/api/v2/albums"))
        .header("x-api-key", &ann)
        .json(&json!({"name": "Private", "visibility": "private"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let album: Value = res.json().await.unwrap();
    let image = app
        .upload_ok(
            &ann,
            &read_shared("formats/sample.jpg"),
            &[("album_id", album["id"].as_str().unwrap())],
        )
        .await;
    (ann, image, album["id"].as_str().unwrap().to_string())
}

async fn links(app: &TestApp, key: &str, id: &str, query: &str) -> reqwest::Response {
    app.get(
        &app.url(&format!("/api/v2/images/{id}/signed{query}")),
        Some(key),
    )
    .await
}

#[tokio::test]
async fn signed_links_serve_a_private_image_without_a_key_until_they_expire() {
    let app = start(|c| c.strip_metadata = false).await;
    let (ann, image, album) = private_image(&app).await;
    let id = image["id_encoded"].as_str().unwrap();
    let plain = image["url"].as_str().unwrap();
    assert_eq!(app.get(plain, None).await.status(), 404);

    let before = imago_core::dates::unix_now();
    let res = links(&app, &ann, id, "").await;
    assert_eq!(res.status(), 200);
    let signed: Value = res.json().await.unwrap();
    // An hour by default.
    let exp = signed["expires_at"].as_i64().unwrap();
    assert!((before + 3600..=before + 3605).contains(&exp), "{signed}");
    let url = signed["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{plain}?exp={exp}&sig=")), "{url}");
    assert!(!url.contains(&ann), "the key never goes into a URL");
    let got = app.get(url, None).await;
    assert_eq!(got.status(), 200);
    // A shared cache must not keep a private image past its link (or hand it to others).
    assert_eq!(got.headers()["cache-control"], "private, no-cache");
    assert_eq!(
        got.bytes().await.unwrap().as_ref(),
        read_shared("formats/sample.jpg").as_slice()
    );
    // One signature covers the variants (sample.jpg is small: a thumbnail, no medium).
    let thumb = signed["thumb_url"].as_str().unwrap();
    assert!(thumb.contains(&format!("?exp={exp}&sig=")), "{thumb}");
    assert_eq!(app.get(thumb, None).await.status(), 200);
    assert!(signed["medium_url"].is_null(), "{signed}");

    // Tampered: another expiry, another signature, the signature moved to another
    // image, or only one of the two parameters.
    let sig = url.rsplit_once("sig=").unwrap().1;
    let later = url.replace(&format!("exp={exp}"), &format!("exp={}", exp + 1));
    assert_eq!(app.get(&later, None).await.status(), 404);
    let flipped = format!(
        "{}{}",
        &url[..url.len() - 1],
        if url.ends_with('0') { '1' } else { '0' }
    );
    assert_eq!(app.get(&flipped, None).await.status(), 404);
    let other = app
        .upload_ok(
            &ann,
            &read_shared("formats/small.bmp"),
            &[("album_id", album.as_str())],
        )
        .await;
    let other_url = other["url"].as_str().unwrap();
    assert_eq!(app.get(other_url, None).await.status(), 404);
    let moved = format!("{other_url}?exp={exp}&sig={sig}");
    assert_eq!(app.get(&moved, None).await.status(), 404);
    assert_eq!(
        app.get(&format!("{plain}?exp={exp}"), None).await.status(),
        404
    );
    // The internal header that carries the signature cannot be sent from outside.
    let res = app
        .client
        .get(plain)
        .header("x-imago-signed-view", format!("{exp}.{sig}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // Short links stop working when they expire.
    let res = links(&app, &ann, id, "?ttl=1").await;
    let short: Value = res.json().await.unwrap();
    let short_url = short["url"].as_str().unwrap();
    assert_eq!(app.get(short_url, None).await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(app.get(short_url, None).await.status(), 404);
}

#[tokio::test]
async fn only_the_owner_gets_signed_links() {
    let app = start(|_| {}).await;
    let (ann, image, _) = private_image(&app).await;
    let id = image["id_encoded"].as_str().unwrap();
    let bob = app.user("bob").await;
    chevereto_error(links(&app, &bob, id, "").await, 404).await;
    let res = app
        .get(&app.url(&format!("/api/v2/images/{id}/signed")), None)
        .await;
    chevereto_error(res, 401).await;
    for bad in ["?ttl=0", "?ttl=604801", "?ttl=soon"] {
        let body = chevereto_error(links(&app, &ann, id, bad).await, 400).await;
        assert!(
            ["invalid_ttl", "bad_query"].contains(&body["error"]["context"].as_str().unwrap()),
            "{bad}: {body}"
        );
    }
    assert_eq!(links(&app, &ann, id, "?ttl=604800").await.status(), 200);
}
