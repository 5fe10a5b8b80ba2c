//! API v2: images, albums, usage.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use serde_json::{json, Value};
use support::app::{read_shared, start_on, TestApp};
use support::backend::Backend;

support::backend::on_every_backend!(
    images_list_page_get_update_delete,
    albums_create_rename_visibility_list_delete,
);

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app.client.request(method.parse().unwrap(), app.url(path));
    if let Some(k) = key {
        req = req.header("x-api-key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}

async fn images_list_page_get_update_delete(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let mut ids = Vec::new();
    for name in [
        "formats/sample.jpg",
        "formats/sample.png",
        "formats/cogs.gif",
        "formats/small.bmp",
        "formats/1.webp",
    ] {
        let image = app.upload_ok(&ann, &read_shared(name), &[]).await;
        ids.push(image["id_encoded"].as_str().unwrap().to_string());
    }
    assert_eq!(send(&app, "GET", "/api/v2/images", None, None).await.0, 401);

    // Pages of two, newest first, until the cursor runs out.
    let mut seen = Vec::new();
    let mut path = "/api/v2/images?limit=2".to_string();
    loop {
        let (status, page) = send(&app, "GET", &path, Some(&ann), None).await;
        assert_eq!(status, 200, "{page}");
        for image in page["images"].as_array().unwrap() {
            seen.push(image["id"].as_str().unwrap().to_string());
        }
        match page["next_before"].as_str() {
            Some(next) => path = format!("/api/v2/images?limit=2&before={next}"),
            None => break,
        }
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
    let (status, body) = send(&app, "GET", "/api/v2/images?limit=many", Some(&ann), None).await;
    assert_eq!(
        (status, body["error"]["context"].as_str()),
        (400, Some("bad_query"))
    );
    let (_, bobs) = send(&app, "GET", "/api/v2/images", Some(&bob), None).await;
    assert!(bobs["images"].as_array().unwrap().is_empty());

    let path = format!("/api/v2/images/{}", ids[0]);
    let (status, image) = send(&app, "GET", &path, Some(&ann), None).await;
    assert_eq!(status, 200);
    assert_eq!(image["mime"], "image/jpeg");
    assert_eq!(send(&app, "GET", &path, Some(&bob), None).await.0, 404);

    let (status, image) = send(
        &app,
        "PATCH",
        &path,
        Some(&ann),
        Some(json!({"title": "Cat", "description": "on a mat"})),
    )
    .await;
    assert_eq!(status, 200, "{image}");
    assert_eq!(
        (image["title"].as_str(), image["description"].as_str()),
        (Some("Cat"), Some("on a mat"))
    );
    let (_, image) = send(
        &app,
        "PATCH",
        &path,
        Some(&ann),
        Some(json!({"title": null})),
    )
    .await;
    assert!(image["title"].is_null() && image["description"] == "on a mat");
    assert_eq!(
        send(&app, "PATCH", &path, Some(&ann), Some(json!({"owner": 2})))
            .await
            .0,
        400
    );
    assert_eq!(
        send(
            &app,
            "PATCH",
            &path,
            Some(&bob),
            Some(json!({"title": "mine"}))
        )
        .await
        .0,
        404
    );

    assert_eq!(send(&app, "DELETE", &path, Some(&bob), None).await.0, 404);
    assert_eq!(send(&app, "DELETE", &path, Some(&ann), None).await.0, 204);
    assert_eq!(send(&app, "GET", &path, Some(&ann), None).await.0, 404);

    let (status, usage) = send(&app, "GET", "/api/v2/account/usage", Some(&ann), None).await;
    assert_eq!(status, 200);
    assert_eq!(usage["images"], 4);
    assert!(usage["bytes"].as_u64().unwrap() > 0);
}

async fn albums_create_rename_visibility_list_delete(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let ann = app.user("ann").await;
    let (status, album) = send(
        &app,
        "POST",
        "/api/v2/albums",
        Some(&ann),
        Some(json!({"name": "Trip", "default_expiry": "P1D"})),
    )
    .await;
    assert_eq!(status, 201, "{album}");
    assert_eq!(album["visibility"], "unlisted");
    assert_eq!(album["default_expiry_secs"], 86_400);
    let id = album["id"].as_str().unwrap().to_string();
    assert_eq!(
        send(
            &app,
            "POST",
            "/api/v2/albums",
            Some(&ann),
            Some(json!({"name": " "}))
        )
        .await
        .0,
        400
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/api/v2/albums",
            Some(&ann),
            Some(json!({"name": "x", "visibility": "secret"}))
        )
        .await
        .0,
        400
    );

    // An image uploaded into it takes the album's expiry.
    let image = app
        .upload_ok(
            &ann,
            &read_shared("formats/sample.jpg"),
            &[("album_id", &id)],
        )
        .await;
    assert!(image["expiration_date_gmt"].is_string(), "{image}");
    let other = app
        .upload_ok(&ann, &read_shared("formats/sample.png"), &[])
        .await;
    let (_, moved) = send(
        &app,
        "PATCH",
        &format!("/api/v2/images/{}", other["id_encoded"].as_str().unwrap()),
        Some(&ann),
        Some(json!({"album_id": id})),
    )
    .await;
    assert_eq!(moved["album_id"], id.as_str());

    let (status, a) = send(
        &app,
        "PATCH",
        &format!("/api/v2/albums/{id}"),
        Some(&ann),
        Some(json!({"name": "Trip 2026", "visibility": "public"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (a["name"].as_str(), a["visibility"].as_str()),
        (Some("Trip 2026"), Some("public"))
    );
    let (_, list) = send(&app, "GET", "/api/v2/albums", Some(&ann), None).await;
    assert_eq!(list["albums"].as_array().unwrap().len(), 1);
    let (_, images) = send(
        &app,
        "GET",
        &format!("/api/v2/albums/{id}/images"),
        None,
        None,
    )
    .await;
    assert_eq!(images["images"].as_array().unwrap().len(), 2);
    let (_, filtered) = send(
        &app,
        "GET",
        &format!("/api/v2/images?album_id={id}"),
        Some(&ann),
        None,
    )
    .await;
    assert_eq!(filtered["images"].as_array().unwrap().len(), 2);

    assert_eq!(
        send(
            &app,
            "DELETE",
            &format!("/api/v2/albums/{id}"),
            Some(&ann),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        send(
            &app,
            "GET",
            &format!("/api/v2/albums/{id}"),
            Some(&ann),
            None
        )
        .await
        .0,
        404
    );
    // Its images stay, without an album.
    let url = image["url"].as_str().unwrap();
    assert_eq!(app.get(url, None).await.status(), 200);
    let (_, usage) = send(&app, "GET", "/api/v2/account/usage", Some(&ann), None).await;
    assert_eq!(
        (usage["images"].as_u64(), usage["albums"].as_u64()),
        (Some(2), Some(0))
    );
}
