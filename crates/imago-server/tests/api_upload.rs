//! Chevereto API v1 uploads against the real server.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use base64::Engine;
use serde_json::Value;
use support::app::{chevereto_error, read_shared, start, start_on};
use support::backend::Backend;

support::backend::on_every_backend!(
    multipart_upload_answers_chevereto_shape_and_serves_the_bytes,
    base64_and_form_encoded_uploads_work,
    the_same_bytes_twice_give_the_same_image,
    wrong_missing_and_revoked_keys_are_refused,
    concurrent_uploads_of_shared_bytes_are_all_served_whole,
);

async fn multipart_upload_answers_chevereto_shape_and_serves_the_bytes(backend: Backend) {
    // No stripping: the stored original must be the uploaded file, byte for byte.
    let app = start_on(backend, |c| c.strip_metadata = false).await;
    let key = app.user("ann").await;
    let png = read_shared("formats/sample.png");
    let res = app
        .upload(
            Some(&key),
            &png,
            &[("title", "Sample <b>"), ("description", "a test")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status_code"], 200);
    assert_eq!(body["success"]["code"], 200);
    assert_eq!(body["status_txt"], "OK");
    let image = &body["image"];
    assert_eq!(image["extension"], "png");
    assert_eq!(image["size"], png.len() as u64);
    assert_eq!(image["title"], "Sample <b>");
    assert_eq!(image["original_filename"], "upload.bin");
    assert_eq!(image["nsfw"], "0");
    // sample.png's IHDR: width and height at bytes 16..24.
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(w.into()), Some(h.into()))
    );
    for field in [
        "url",
        "url_viewer",
        "display_url",
        "delete_url",
        "date",
        "date_gmt",
    ] {
        assert!(image[field].is_string(), "{field}: {image}");
    }
    assert!(image["thumb"]["url"].is_string() && image["medium"]["url"].is_string());
    assert!(image["expiration_date_gmt"].is_null());
    let url = image["url"].as_str().unwrap();
    assert!(url.starts_with(&app.base) && url.ends_with(".png"), "{url}");
    assert!(!url.contains(&key) && !image["delete_url"].as_str().unwrap().contains(&key));

    let got = app.get(url, None).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().as_ref(), png.as_slice());

    let thumb = app.get(image["thumb"]["url"].as_str().unwrap(), None).await;
    assert_eq!(thumb.status(), 200);
    let ct = thumb.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let tb = thumb.bytes().await.unwrap();
    assert!(ct.starts_with("image/"), "{ct}");
    assert!(
        tb.len() < png.len(),
        "a thumbnail is smaller than the {}x{} original",
        w,
        h
    );
    assert_eq!(
        imago_core::probe::sniff(&tb).map(|f| f.mime()),
        Some(ct.as_str())
    );

    let viewer = app.get(image["url_viewer"].as_str().unwrap(), None).await;
    assert_eq!(viewer.status(), 200);
    let html = viewer.text().await.unwrap();
    assert!(
        html.contains("Sample &lt;b&gt;") && !html.contains("Sample <b>"),
        "{html}"
    );
}

async fn base64_and_form_encoded_uploads_work(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let key = app.user("bob").await;
    let gif = read_shared("formats/cogs.gif");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&gif);
    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .form(&[
            ("key", key.as_str()),
            ("source", b64.as_str()),
            ("nsfw", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["image"]["extension"], "gif");
    assert_eq!(body["image"]["nsfw"], "1");

    // A data: URL in a multipart text field.
    let png = read_shared("formats/sample.png");
    let data_url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    let res = app
        .upload_parts(Some(&key), &[("source", None, data_url.as_bytes())])
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["image"]["extension"], "png");

    // Chevereto's documented spelling, with a trailing slash and the key as a query
    // parameter.
    let res = app
        .client
        .post(app.url(&format!("/api/1/upload/?key={key}&format=txt")))
        .form(&[("source", b64.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().ends_with(".gif"));

    // Raw bytes in a plain field (`curl -F "source=<cogs.gif"`): told by their magic.
    let res = app
        .upload_parts(Some(&key), &[("source", None, &gif)])
        .await;
    assert_eq!(res.status(), 200);

    let res = app.upload(Some(&key), b"", &[]).await;
    assert!(res.status().is_client_error());
    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .form(&[("key", key.as_str()), ("source", "%%% not base64 %%%")])
        .send()
        .await
        .unwrap();
    chevereto_error(res, 400).await;
}

async fn the_same_bytes_twice_give_the_same_image(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let key = app.user("cid").await;
    let jpg = read_shared("formats/sample.jpg");
    let a = app.upload_ok(&key, &jpg, &[]).await;
    let b = app.upload_ok(&key, &jpg, &[]).await;
    assert_eq!(a["url"], b["url"]);
    assert_eq!(a["delete_url"], b["delete_url"]);
    // Another user gets an image of their own.
    let other = app.user("dee").await;
    let c = app.upload_ok(&other, &jpg, &[]).await;
    assert_ne!(a["url"], c["url"]);
}

#[tokio::test]
async fn txt_and_redirect_formats() {
    let app = start(|_| {}).await;
    let key = app.user("eve").await;
    let jpg = read_shared("formats/sample.jpg");
    let image = app.upload_ok(&key, &jpg, &[]).await;
    let res = app.upload(Some(&key), &jpg, &[("format", "txt")]).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(res.text().await.unwrap(), image["url"].as_str().unwrap());
    let res = app
        .upload(Some(&key), &jpg, &[("format", "redirect")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        image["url_viewer"].as_str().unwrap()
    );
    let res = app.upload(Some(&key), &jpg, &[("format", "xml")]).await;
    chevereto_error(res, 400).await;
}

async fn wrong_missing_and_revoked_keys_are_refused(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let key = app.user("fay").await;
    let jpg = read_shared("formats/sample.jpg");

    let body = chevereto_error(app.upload(None, &jpg, &[]).await, 401).await;
    assert_eq!(body["error"]["context"], "missing_key");
    let (prefix, _) = key.split_once('.').unwrap();
    let wrong = format!("{prefix}.{}", "0".repeat(64));
    let body = chevereto_error(app.upload(Some(&wrong), &jpg, &[]).await, 403).await;
    assert_eq!(body["error"]["context"], "invalid_key");
    chevereto_error(app.upload(Some("garbage"), &jpg, &[]).await, 403).await;

    app.upload_ok(&key, &jpg, &[]).await;
    assert!(imago_server::revoke_key(app.repo.as_ref(), prefix)
        .await
        .unwrap());
    let body = chevereto_error(app.upload(Some(&key), &jpg, &[]).await, 403).await;
    assert_eq!(body["error"]["context"], "invalid_key");
    // A second key of the same user still works.
    let (_, second) = imago_server::create_key(app.repo.as_ref(), "fay", Some("laptop"))
        .await
        .unwrap();
    app.upload_ok(&second, &jpg, &[]).await;
    let keys = imago_server::list_keys(app.repo.as_ref(), "fay")
        .await
        .unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys
        .iter()
        .all(|k| !k.secret_sha256.contains(second.split_once('.').unwrap().1)));
}

#[tokio::test]
async fn guest_uploads_are_off_unless_configured() {
    let jpg = read_shared("formats/sample.jpg");
    let off = start(|_| {}).await;
    chevereto_error(off.upload(None, &jpg, &[]).await, 401).await;
    let on = start(|c| c.guest_uploads = true).await;
    let res = on.upload(None, &jpg, &[]).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn oversize_svg_and_hostile_files_are_refused_with_a_reason() {
    let app = start(|c| c.body_limit = 64 * 1024).await;
    let key = app.user("gus").await;

    let big = read_shared("formats/ultra-hdr.jpg");
    let body = chevereto_error(app.upload(Some(&key), &big, &[]).await, 413).await;
    assert_eq!(body["error"]["context"], "too_large");

    let svg = read_shared("hostile/logo.svg");
    chevereto_error(app.upload(Some(&key), &svg, &[]).await, 415).await;
    chevereto_error(
        app.upload(Some(&key), b"<html><body>hi</body></html>", &[])
            .await,
        415,
    )
    .await;

    let dir = support::app::shared("hostile");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let res = app.upload(Some(&key), &bytes, &[]).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert!(
            status.is_client_error(),
            "{}: {status} {body}",
            path.display()
        );
        let message = body["error"]["message"].as_str().unwrap_or("");
        assert!(
            !message.is_empty() && message != "internal error",
            "{}: {body}",
            path.display()
        );
        assert!(
            app.healthy().await,
            "{} took the server down",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 10, "the hostile folder has {seen} files");

    let metrics = app
        .get(&app.url("/metrics"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("imago_rejects_total{reason=\"too_large\"} "),
        "{metrics}"
    );
    assert!(
        metrics.contains("imago_request_duration_seconds_count"),
        "{metrics}"
    );
}

#[tokio::test]
async fn upload_by_url_never_reaches_loopback() {
    let app = start(|_| {}).await;
    let key = app.user("hal").await;
    // The server's own health URL: reachable from the server, not a public address.
    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .form(&[
            ("key", key.as_str()),
            ("source", app.url("/healthz").as_str()),
        ])
        .send()
        .await
        .unwrap();
    let body = chevereto_error(res, 400).await;
    assert_eq!(body["error"]["context"], "url_refused");
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/x.png",
    ] {
        let res = app
            .client
            .post(app.url("/api/1/upload"))
            .form(&[("key", key.as_str()), ("source", url)])
            .send()
            .await
            .unwrap();
        chevereto_error(res, 400).await;
    }
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = start(|c| {
        c.rate_per_key = imago_server::RateLimit {
            per_minute: 2,
            burst: 2,
        };
    })
    .await;
    let key = app.user("ivy").await;
    let jpg = read_shared("formats/sample.jpg");
    app.upload_ok(&key, &jpg, &[]).await;
    app.upload_ok(&key, &jpg, &[]).await;
    let res = app.upload(Some(&key), &jpg, &[]).await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    chevereto_error(res, 429).await;

    let per_ip = start(|c| {
        c.rate_per_ip = imago_server::RateLimit {
            per_minute: 1,
            burst: 1,
        }
    })
    .await;
    assert_ne!(
        per_ip
            .get(&per_ip.url("/api/v2/account/usage"), None)
            .await
            .status(),
        429
    );
    let res = per_ip.get(&per_ip.url("/api/v2/account/usage"), None).await;
    assert!(res.headers().contains_key("retry-after"));
    chevereto_error(res, 429).await;
    assert!(
        per_ip.healthy().await,
        "serving and health are not rate-limited"
    );

    // Behind a trusted proxy, each forwarded client has its own bucket; an untrusted
    // peer's X-Forwarded-For changes nothing.
    let proxied = start(|c| {
        c.rate_per_ip = imago_server::RateLimit {
            per_minute: 1,
            burst: 1,
        };
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        let res = proxied
            .client
            .get(proxied.url("/api/v2/account/usage"))
            .header("x-forwarded-for", format!("198.51.100.9, {client}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{client} has its own bucket");
    }
    let res = proxied
        .client
        .get(proxied.url("/api/v2/account/usage"))
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let res = per_ip
        .client
        .get(per_ip.url("/api/v2/account/usage"))
        .header("x-forwarded-for", "203.0.113.3")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "the peer is not a trusted proxy");
}

async fn concurrent_uploads_of_shared_bytes_are_all_served_whole(backend: Backend) {
    let app = std::sync::Arc::new(start_on(backend, |c| c.strip_metadata = false).await);
    let files = [
        "formats/sample.jpg",
        "formats/sample.png",
        "formats/cogs.gif",
        "formats/1.webp",
    ];
    let mut keys = Vec::new();
    for i in 0..4 {
        keys.push(app.user(&format!("user{i}")).await);
    }
    let mut tasks = Vec::new();
    for round in 0..3 {
        for (u, key) in keys.iter().enumerate() {
            let app = app.clone();
            let key = key.clone();
            let file = files[(u + round) % files.len()];
            tasks.push(tokio::spawn(async move {
                let bytes = read_shared(file);
                let image = app.upload_ok(&key, &bytes, &[]).await;
                (bytes, image["url"].as_str().unwrap().to_string())
            }));
        }
    }
    for task in tasks {
        let (bytes, url) = task.await.unwrap();
        let served = app.get(&url, None).await.bytes().await.unwrap();
        assert_eq!(served.as_ref(), bytes.as_slice(), "{url}");
    }
}
