//! Serving, expiry, delete URLs, visibility, hostile paths, client settings, OpenAPI.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use serde_json::Value;
use support::app::{read_shared, start, start_on};
use support::backend::Backend;

support::backend::on_every_backend!(
    media_headers_etag_304_and_ranges,
    expired_images_are_gone_before_the_reaper_runs,
    delete_url_works_without_a_key_and_spares_other_users_copies,
    private_albums_show_to_their_owner_only,
    traversal_and_nul_in_ids_never_reach_storage,
    the_reaper_removes_expired_records_and_their_blobs,
);

async fn media_headers_etag_304_and_ranges(backend: Backend) {
    let app = start_on(backend, |c| c.strip_metadata = false).await;
    let key = app.user("ann").await;
    let jpg = read_shared("formats/sample.jpg");
    let image = app.upload_ok(&key, &jpg, &[]).await;
    let url = image["url"].as_str().unwrap();

    let res = app.get(url, None).await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-security-policy"], "default-src 'none'; sandbox");
    assert!(h.contains_key("last-modified"));
    let etag = h["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");

    let res = app
        .client
        .get(url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert!(res.bytes().await.unwrap().is_empty());
    let lm = h["last-modified"].to_str().unwrap();
    let res = app
        .client
        .get(url)
        .header("if-modified-since", lm)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    let res = app
        .client
        .get(url)
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(
        res.headers()["content-range"],
        format!("bytes 0-9/{}", jpg.len()).as_str()
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), &jpg[..10]);
    let res = app
        .client
        .get(url)
        .header("range", "bytes=-4")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().await.unwrap().as_ref(), &jpg[jpg.len() - 4..]);
    let res = app
        .client
        .get(url)
        .header("range", format!("bytes={}-", jpg.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 416);
    assert_eq!(
        res.headers()["content-range"],
        format!("bytes */{}", jpg.len()).as_str()
    );
    // An If-Range that does not match: the whole file.
    let res = app
        .client
        .get(url)
        .header("range", "bytes=0-9")
        .header("if-range", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().len(), jpg.len());

    // The wrong extension for this id is not served.
    let wrong = url.replace(".jpg", ".png");
    assert_eq!(app.get(&wrong, None).await.status(), 404);
}

async fn expired_images_are_gone_before_the_reaper_runs(backend: Backend) {
    let app = start_on(backend, |c| c.reaper_interval_secs = 3600).await;
    let key = app.user("bob").await;
    let jpg = read_shared("formats/sample.jpg");
    // Expiry is kept in whole seconds: PT4S lives between 3 and 4 seconds, room for the
    // upload and the first read on a loaded machine.
    let image = app.upload_ok(&key, &jpg, &[("expiration", "PT4S")]).await;
    assert!(image["expiration_date_gmt"].is_string(), "{image}");
    let url = image["url"].as_str().unwrap();
    assert_eq!(app.get(url, None).await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(4100)).await;
    assert_eq!(app.get(url, None).await.status(), 404);
    assert_eq!(
        app.get(image["url_viewer"].as_str().unwrap(), None)
            .await
            .status(),
        404
    );
    // Its record is still there: only the reaper removes it.
    let id = image["id_encoded"].as_str().unwrap();
    assert!(app.repo.image(id).await.unwrap().is_some());
    // The same bytes again make a new, live image rather than the expired one.
    let again = app.upload_ok(&key, &jpg, &[]).await;
    assert_ne!(again["url"], image["url"]);
    let r = app.get(again["url"].as_str().unwrap(), None).await;
    assert_eq!(r.status(), 200, "{again} {:?}", r.text().await);

    let bad = app
        .upload(Some(&key), &jpg, &[("expiration", "soon")])
        .await;
    support::app::chevereto_error(bad, 400).await;
}

async fn delete_url_works_without_a_key_and_spares_other_users_copies(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let png = read_shared("formats/sample.png");
    let a = app.upload_ok(&ann, &png, &[]).await;
    let b = app.upload_ok(&bob, &png, &[]).await;
    let delete = a["delete_url"].as_str().unwrap();

    // GET only asks: link previews must not delete.
    let page = app.get(delete, None).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    assert_eq!(
        app.get(a["url"].as_str().unwrap(), None).await.status(),
        200
    );

    // A wrong token deletes nothing.
    let forged = format!("{}{}", &delete[..delete.len() - 4], "0000");
    let res = app.client.post(&forged).send().await.unwrap();
    assert_eq!(res.status(), 404);

    let res = app.client.post(delete).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get(a["url"].as_str().unwrap(), None).await.status(),
        404
    );
    assert_eq!(
        app.get(a["thumb"]["url"].as_str().unwrap(), None)
            .await
            .status(),
        404
    );
    let res = app.get(b["url"].as_str().unwrap(), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get(b["thumb"]["url"].as_str().unwrap(), None)
            .await
            .status(),
        200
    );
    // Deleting the last user of the bytes removes the blobs.
    app.client
        .post(b["delete_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(app.store.list("").await.unwrap().is_empty());
}

async fn private_albums_show_to_their_owner_only(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let res = app
        .client
        .post(app.url("/api/v2/albums"))
        .header("x-api-key", &ann)
        .json(&serde_json::json!({"name": "Holiday", "visibility": "private"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let album: Value = res.json().await.unwrap();
    let album_id = album["id"].as_str().unwrap();
    let jpg = read_shared("formats/sample.jpg");
    let image = app.upload_ok(&ann, &jpg, &[("album_id", album_id)]).await;
    let url = image["url"].as_str().unwrap();

    let owner = app.get(url, Some(&ann)).await;
    assert_eq!(owner.status(), 200);
    // Seen through the owner's key: no shared cache may keep it for others.
    assert_eq!(owner.headers()["cache-control"], "private, no-cache");
    assert_eq!(app.get(url, Some(&bob)).await.status(), 404);
    assert_eq!(app.get(url, None).await.status(), 404);
    assert_eq!(
        app.get(image["url_viewer"].as_str().unwrap(), Some(&bob))
            .await
            .status(),
        404
    );
    let album_url = app.url(&format!("/api/v2/albums/{album_id}/images"));
    assert_eq!(app.get(&album_url, Some(&bob)).await.status(), 404);
    assert_eq!(app.get(&album_url, Some(&ann)).await.status(), 200);

    // Bob cannot upload into Ann's album.
    let res = app
        .upload(Some(&bob), &jpg, &[("album_id", album_id)])
        .await;
    support::app::chevereto_error(res, 400).await;

    // Made unlisted, it is visible by link.
    let res = app
        .client
        .patch(app.url(&format!("/api/v2/albums/{album_id}")))
        .header("x-api-key", &ann)
        .json(&serde_json::json!({"visibility": "unlisted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let by_link = app.get(url, None).await;
    assert_eq!(by_link.status(), 200);
    assert_eq!(
        by_link.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let listed: Value = app.get(&album_url, Some(&bob)).await.json().await.unwrap();
    assert_eq!(listed["images"].as_array().unwrap().len(), 1);
    assert!(listed["images"][0].get("delete_url").is_none(), "{listed}");
}

async fn traversal_and_nul_in_ids_never_reach_storage(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let key = app.user("ann").await;
    let jpg = read_shared("formats/sample.jpg");
    let image = app.upload_ok(&key, &jpg, &[]).await;
    let id = image["id_encoded"].as_str().unwrap();
    for path in [
        "/i/..%2F..%2Fsecret".to_string(),
        "/i/..%2Fsecret.jpg".to_string(),
        "/i/%2e%2e%2fsecret.jpg".to_string(),
        format!("/i/{id}%00.jpg"),
        format!("/i/{id}.jpg%00.png"),
        "/i/%00".to_string(),
        format!("/i/{id}.th..jpg"),
        "/i/o%2Fab%2Fcd.jpg".to_string(),
        "/v/..%2F..%2Fsecret".to_string(),
        format!("/v/{id}%00"),
        format!("/delete/{id}/..%2F..%2Fx"),
        "/delete/%00/%00".to_string(),
        "/api/v2/images/..%2Fx".to_string(),
        "/../../etc/passwd".to_string(),
    ] {
        let res = app.get(&app.url(&path), Some(&key)).await;
        let status = res.status().as_u16();
        assert!(status == 400 || status == 404, "{path}: {status}");
    }
    // Not UTF-8 once decoded: still the one error shape.
    for path in ["/i/%FF%FE.jpg", "/v/%C0%AF", "/api/v2/images/%FF"] {
        let res = app.get(&app.url(path), Some(&key)).await;
        support::app::chevereto_error(res, 404).await;
    }
    assert!(app.healthy().await);
}

#[tokio::test]
async fn sharex_profile_and_upload_script() {
    let app = start(|_| {}).await;
    let key = app.user("ann").await;
    assert_eq!(app.get(&app.url("/sharex.sxcu"), None).await.status(), 401);
    let res = app.get(&app.url("/sharex.sxcu"), Some(&key)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let sx: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    let version: Vec<u32> = sx["Version"]
        .as_str()
        .unwrap()
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(version[0] >= 17, "{sx}");
    assert_eq!(sx["RequestMethod"], "POST");
    assert_eq!(sx["RequestURL"], app.url("/api/1/upload"));
    assert_eq!(sx["Headers"]["X-API-Key"], key.as_str());
    assert_eq!(sx["Body"], "MultipartFormData");
    assert_eq!(sx["FileFormName"], "source");
    assert_eq!(sx["URL"], "{json:image.url}");
    assert_eq!(sx["ThumbnailURL"], "{json:image.thumb.url}");
    assert_eq!(sx["DeletionURL"], "{json:image.delete_url}");
    assert_eq!(sx["ErrorMessage"], "{json:error.message}");
    assert!(!sx["RequestURL"].as_str().unwrap().contains(&key));

    // Every {json:...} path names a string in a real answer.
    let image = app
        .upload_ok(&key, &read_shared("formats/sample.png"), &[])
        .await;
    let answer = serde_json::json!({"image": image});
    for field in ["URL", "ThumbnailURL", "DeletionURL"] {
        let path = sx[field]
            .as_str()
            .unwrap()
            .trim_start_matches("{json:")
            .trim_end_matches('}');
        let mut v = &answer;
        for part in path.split('.') {
            v = &v[part];
        }
        assert!(v.is_string(), "{path}");
    }

    let script = app
        .get(&app.url("/upload.sh"), Some(&key))
        .await
        .text()
        .await
        .unwrap();
    assert!(script.starts_with("#!/bin/sh"));
    assert!(script.contains("source=@") && script.contains(&app.url("")));
    assert!(script.contains(&key));
}

#[tokio::test]
async fn openapi_lists_every_route() {
    let app = start(|_| {}).await;
    let doc: Value = app
        .get(&app.url("/api/v2/openapi.json"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let table = imago_server::route_table();
    assert!(table.len() >= 20);
    for (method, path) in &table {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    // And nothing documented that the router does not answer.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            assert!(
                table.contains(&(method.as_str(), path.as_str())),
                "{method} {path} is documented only"
            );
        }
    }
    assert_eq!(app.get(&app.url("/nowhere"), None).await.status(), 404);
}

#[tokio::test]
async fn temporary_files_are_removed_on_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tmp/part")).unwrap();
    std::fs::write(dir.path().join("tmp/upload-123.part"), b"half").unwrap();
    let data = dir.path().to_path_buf();
    let app = start(move |c| c.data_dir = data).await;
    assert!(app.healthy().await);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("tmp")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(dir.path().join("secret").exists());
}

async fn the_reaper_removes_expired_records_and_their_blobs(backend: Backend) {
    let app = start_on(backend, |c| c.reaper_interval_secs = 1).await;
    let key = app.user("cy").await;
    let image = app
        .upload_ok(
            &key,
            &read_shared("formats/sample.jpg"),
            &[("expiration", "PT1S")],
        )
        .await;
    let id = image["id_encoded"].as_str().unwrap().to_string();
    assert!(!app.store.list("").await.unwrap().is_empty());
    // The reaper removes the record, then the blobs no record uses: wait for both (on
    // S3 the second step takes a few round trips after the first).
    let mut gone = (false, false);
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        gone = (
            app.repo.image(&id).await.unwrap().is_none(),
            app.store.list("").await.unwrap().is_empty(),
        );
        if gone == (true, true) {
            break;
        }
    }
    assert_eq!(
        gone,
        (true, true),
        "(record gone, blobs gone) after 10 s on {}",
        backend.name()
    );
}

#[tokio::test]
async fn urls_use_the_configured_public_base() {
    let app = start(|c| c.public_url = Some("https://img.example.com".into())).await;
    let key = app.user("ann").await;
    let image = app
        .upload_ok(&key, &read_shared("formats/sample.jpg"), &[])
        .await;
    for field in ["url", "url_viewer", "display_url", "delete_url"] {
        let url = image[field].as_str().unwrap();
        assert!(
            url.starts_with("https://img.example.com/"),
            "{field}: {url}"
        );
    }
    assert!(image["thumb"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://img.example.com/i/"));
    // The path part is served by this server whatever the host in front of it.
    let path = image["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("https://img.example.com");
    assert_eq!(app.get(&app.url(path), None).await.status(), 200);
    let sx: Value = app
        .get(&app.url("/sharex.sxcu"), Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sx["RequestURL"], "https://img.example.com/api/1/upload");
}
