//! The web page's routes: the page and its files come from the binary with their types,
//! a strict Content-Security-Policy and ETags; nothing else is reachable through
//! `/assets/`; `/api/v2/config` tells the page the server's limits.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use serde_json::Value;
use support::app::start;

#[tokio::test]
async fn page_is_served_with_a_strict_policy() {
    let app = start(|_| {}).await;
    // Each page with the one script it loads.
    for (path, script) in [
        ("/", "app.js"),
        ("/upload", "app.js"),
        ("/album/abcdEFGH", "app.js"),
        ("/search", "search.js"),
        ("/search?url=http%3A%2F%2Fexample.com%2Fa.jpg", "search.js"),
    ] {
        let res = app.get(&app.url(path), None).await;
        assert_eq!(res.status(), 200, "{path}");
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "text/html; charset=utf-8", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.starts_with("default-src 'self'; img-src 'self' blob: data:;"),
            "{csp}"
        );
        assert!(
            csp.contains("script-src 'self';") && csp.contains("object-src 'none'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "no-cache");
        let body = res.text().await.unwrap();
        let tag = format!("<script type=\"module\" src=\"/assets/js/{script}\">");
        assert!(body.contains(&tag), "{path} does not load {script}");
        // No address outside the server: every src/href is a local path.
        for attr in ["src=\"", "href=\""] {
            for part in body.split(attr).skip(1) {
                assert!(
                    part.starts_with('/'),
                    "{attr}{}",
                    &part[..part.len().min(40)]
                );
            }
        }
    }
}

#[tokio::test]
async fn assets_have_their_types_and_revalidate_with_etags() {
    let app = start(|_| {}).await;
    let cases = [
        ("/assets/js/app.js", "text/javascript; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/i18n/zh-TW.json", "application/json"),
        ("/assets/favicon.svg", "image/svg+xml"),
    ];
    for (path, mime) in cases {
        let res = app.get(&app.url(path), None).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], mime, "{path}");
        let etag = res.headers()["etag"].to_str().unwrap().to_string();
        assert!(etag.starts_with('"') && etag.len() == 34, "{etag}");
        let again = app
            .client
            .get(app.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    }
    let zh: Value = app
        .get(&app.url("/assets/i18n/zh-CN.json"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(zh["drop.title"], "把图片拖到这里");
}

#[tokio::test]
async fn nothing_but_the_assets_is_reachable() {
    let app = start(|_| {}).await;
    for path in [
        "/assets/",
        "/assets/nope.js",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/src/lib.rs",
        "/assets/js/..%5capp.js",
        "/assets/index.html%00.js",
        "/assets//etc/passwd",
        "/album/..%2fsecret",
        "/album/a%00b",
    ] {
        let res = app.get(&app.url(path), None).await;
        assert_eq!(res.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn config_tells_the_page_the_limits() {
    let app = start(|c| {
        c.body_limit = 1234567;
        c.video.max_bytes = 7654321;
        c.guest_uploads = true;
    })
    .await;
    let res = app.get(&app.url("/api/v2/config"), None).await;
    assert_eq!(res.status(), 200);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["max_bytes"], 1234567);
    assert_eq!(c["guest_uploads"], true);
    let accepted: Vec<&str> = c["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        accepted,
        ["jpeg", "png", "gif", "bmp", "webp", "avif", "heic", "mp4", "mov", "webm"]
    );
    assert_eq!(c["videos"], serde_json::json!(["mp4", "mov", "webm"]));
    assert_eq!(c["max_video_bytes"], 7654321);
    // Search by image is on by default: the extension offers "search on my server".
    assert_eq!(c["features"], serde_json::json!(["search"]));
    // The OpenAPI document describes this route and every field of its answer.
    let doc: Value = app
        .get(&app.url("/api/v2/openapi.json"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v2/config"]["get"].is_object());
    let described = doc["components"]["schemas"]["ServerConfig"]["properties"]
        .as_object()
        .expect("a ServerConfig schema");
    for field in c.as_object().unwrap().keys() {
        assert!(described.contains_key(field), "{field} is not documented");
    }
}

#[tokio::test]
async fn with_videos_off_the_page_is_told_images_only() {
    let app = start(|c| c.video.enabled = false).await;
    let c: Value = app
        .get(&app.url("/api/v2/config"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        c["accepted"],
        serde_json::json!(["jpeg", "png", "gif", "bmp", "webp", "avif", "heic"])
    );
    assert_eq!(c["videos"], serde_json::json!([]));
    assert_eq!(c["max_video_bytes"], 0);
}

#[tokio::test]
async fn with_search_off_no_search_is_offered() {
    let app = start(|c| c.search.enabled = false).await;
    let c: Value = app
        .get(&app.url("/api/v2/config"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["features"], serde_json::json!([]));
    let res = app
        .client
        .post(app.url("/api/v2/search"))
        .json(&serde_json::json!({"source": "AAAA"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_api_routes_still_answer_beside_the_page() {
    let app = start(|_| {}).await;
    assert!(app.healthy().await);
    let res = app.get(&app.url("/api/v2/openapi.json"), None).await;
    assert_eq!(res.status(), 200);
    let res = app.get(&app.url("/no/such/page"), None).await;
    assert_eq!(res.status(), 404);
}
