//! Videos through the Chevereto upload, against the real ffmpeg and ffprobe (Debian's
//! `ffmpeg`, installed by scripts/install-test-deps.sh). The clips are made by ffmpeg's
//! own test pattern generator, so the expected size, duration and poster picture are
//! known from how they were made.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
    pub mod video;
}

use std::path::Path;

use serde_json::Value;
use support::app::{chevereto_error, start, TestApp};
use support::video::{clip, mean_diff, tags, testsrc_frame};

/// The served bytes and headers of `url`, which must answer 200.
async fn fetch(app: &TestApp, url: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = app.get(url, None).await;
    assert_eq!(res.status(), 200, "{url}");
    let headers = res.headers().clone();
    (headers, res.bytes().await.unwrap().to_vec())
}

fn decode(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn mp4_mov_and_webm_are_served_as_videos_with_a_poster_frame_of_their_own() {
    let app = start(|_| {}).await;
    let key = app.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    // The frame the poster is taken at (1 s), as the generator draws it.
    let expected = testsrc_frame(work.path(), 1.0);
    for (ext, mime) in [
        ("mp4", "video/mp4"),
        ("mov", "video/quicktime"),
        ("webm", "video/webm"),
    ] {
        let path = clip(work.path(), ext, 2);
        let bytes = std::fs::read(&path).unwrap();
        let image = app.upload_ok(&key, &bytes, &[]).await;
        assert_eq!(image["extension"], ext, "{image}");
        assert_eq!(image["mime"], mime, "{image}");
        assert_eq!(
            (image["width"].as_u64(), image["height"].as_u64()),
            (Some(320), Some(240))
        );
        let video = &image["video"];
        assert_eq!(video["poster"], "frame", "{image}");
        assert_eq!(video["metadata"], "stripped", "{image}");
        let duration = video["duration_secs"].as_f64().unwrap();
        assert!((duration - 2.0).abs() < 0.1, "{ext}: {duration}");

        // The original: the clip's streams, its title and GPS location gone.
        let url = image["url"].as_str().unwrap();
        assert!(url.ends_with(&format!(".{ext}")), "{url}");
        let (h, served) = fetch(&app, url).await;
        assert_eq!(header(&h, "content-type"), mime);
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
        assert_eq!(
            header(&h, "content-security-policy"),
            "default-src 'none'; sandbox"
        );
        assert_eq!(header(&h, "accept-ranges"), "bytes");
        assert_eq!(image["size"].as_u64(), Some(served.len() as u64));
        let before = tags(&bytes, work.path(), ext).join("\n");
        assert!(before.contains("secret-title"), "{ext} clip tags: {before}");
        let after = tags(&served, work.path(), ext).join("\n");
        for gone in ["secret-title", "48.8577", "location"] {
            assert!(!after.contains(gone), "{ext}: {gone} still in {after}");
        }

        // A player's Range request.
        let res = app
            .client
            .get(url)
            .header("range", "bytes=100-199")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 206);
        assert_eq!(
            header(res.headers(), "content-range"),
            format!("bytes 100-199/{}", served.len())
        );
        assert_eq!(res.bytes().await.unwrap().as_ref(), &served[100..200]);

        // The poster: the medium is the frame at full size, the thumbnail fits 160 px.
        let (_, medium) = fetch(&app, image["medium"]["url"].as_str().unwrap()).await;
        let medium = decode(&medium);
        assert_eq!(medium.dimensions(), (320, 240), "{ext}");
        let diff = mean_diff(&medium, &expected);
        eprintln!("{ext}: poster {diff:.2} levels off the testsrc frame");
        // Lossy H.264/VP8 moves a few levels; another frame or the placeholder differs
        // by tens.
        assert!(
            diff < 6.0,
            "{ext}: the poster is {diff:.1} levels off the testsrc frame"
        );
        let (h, thumb) = fetch(&app, image["thumb"]["url"].as_str().unwrap()).await;
        assert!(header(&h, "content-type").starts_with("image/"), "{ext}");
        assert_eq!(decode(&thumb).dimensions(), (160, 120), "{ext}");

        // The viewer page plays it.
        let page = app
            .get(image["url_viewer"].as_str().unwrap(), None)
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("<video"), "{page}");
        assert!(page.contains(url), "{page}");
    }
}

#[tokio::test]
async fn a_turned_phone_video_is_described_and_postered_as_displayed() {
    let app = start(|_| {}).await;
    let key = app.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    // A phone held upright: the stream is 320 x 240, its display matrix turns it 90 deg.
    let turned = work.path().join("turned.mp4");
    let clip = clip(work.path(), "mp4", 2);
    support::video::tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-y",
            "-i",
            clip.to_str().unwrap(),
            "-c",
            "copy",
            "-metadata:s:v",
            "rotate=90",
            turned.to_str().unwrap(),
        ],
    );
    let image = app
        .upload_ok(&key, &std::fs::read(&turned).unwrap(), &[])
        .await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(240), Some(320))
    );
    let (_, medium) = fetch(&app, image["medium"]["url"].as_str().unwrap()).await;
    assert_eq!(decode(&medium).dimensions(), (240, 320));
    let (_, thumb) = fetch(&app, image["thumb"]["url"].as_str().unwrap()).await;
    assert_eq!(decode(&thumb).dimensions(), (120, 160));
    // Stripping metadata kept the turn: players show it upright too.
    let (_, served) = fetch(&app, image["url"].as_str().unwrap()).await;
    let path = work.path().join("served-turned.mp4");
    std::fs::write(&path, &served).unwrap();
    let out = support::video::tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_entries",
            "stream_side_data=rotation",
            "-of",
            "csv=p=0",
            path.to_str().unwrap(),
        ],
    );
    let rotation = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(rotation == "90" || rotation == "-90", "{rotation:?}");

    // Without ffprobe the header's track matrix says the same.
    let bare = start(|c| {
        c.video.ffmpeg = "/nonexistent/bin/ffmpeg".into();
        c.video.ffprobe = "/nonexistent/bin/ffprobe".into();
    })
    .await;
    let key = bare.user("vic").await;
    let image = bare
        .upload_ok(&key, &std::fs::read(&turned).unwrap(), &[])
        .await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(240), Some(320))
    );
}

#[tokio::test]
async fn a_video_sent_as_a_plain_field_or_as_base64_is_a_video_too() {
    use base64::Engine;
    let app = start(|_| {}).await;
    let key = app.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(clip(work.path(), "webm", 1)).unwrap();
    // Raw bytes in a part without a file name, as some clients send them.
    let res = app
        .upload_parts(Some(&key), &[("source", None, &bytes)])
        .await;
    assert_eq!(res.status(), 200);
    let image: Value = res.json().await.unwrap();
    assert_eq!(image["image"]["mime"], "video/webm", "{image}");
    // Base64 of another clip, in a form field.
    let other = std::fs::read(clip(work.path(), "mov", 1)).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&other);
    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .header("x-api-key", &key)
        .form(&[("source", b64.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let image: Value = res.json().await.unwrap();
    assert_eq!(image["image"]["mime"], "video/quicktime", "{image}");
}

#[tokio::test]
async fn the_poster_is_not_another_frame() {
    // The check above is only worth something if a wrong frame would fail it.
    let work = tempfile::tempdir().unwrap();
    let (at0, at1) = (
        testsrc_frame(work.path(), 0.0),
        testsrc_frame(work.path(), 1.0),
    );
    let placeholder = decode(&imago_media::video::placeholder::png());
    let diff = mean_diff(&at0, &at1);
    eprintln!("testsrc at 0 s and at 1 s: {diff:.2} levels apart");
    assert!(diff > 6.0, "{diff}");
    assert_eq!(
        placeholder.dimensions(),
        (320, 180),
        "not comparable to 320x240 at all"
    );
}

#[tokio::test]
async fn a_clip_over_the_duration_limit_is_refused_with_a_reason() {
    let app = start(|c| c.video.max_duration_secs = 1).await;
    let key = app.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(clip(work.path(), "mp4", 2)).unwrap();
    let body = chevereto_error(app.upload(Some(&key), &bytes, &[]).await, 413).await;
    assert_eq!(body["error"]["context"], "video_too_long", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("2.0 s") && message.contains("1 s"),
        "{message}"
    );
    assert_tmp_empty(app.dir.path());
}

#[tokio::test]
async fn garbage_behind_an_ftyp_box_is_refused_and_the_server_stays_up() {
    let app = start(|_| {}).await;
    let key = app.user("vic").await;
    // Magic of an MP4, then noise: no moov, nothing ffprobe can read.
    let mut garbage = b"\0\0\0\x18ftypisom\0\0\x02\0isomavc1".to_vec();
    garbage.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let body = chevereto_error(app.upload(Some(&key), &garbage, &[]).await, 422).await;
    assert_eq!(body["error"]["context"], "corrupt", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("MP4") && message.contains("ffprobe"),
        "{message}"
    );
    // A WebM header with nothing after it.
    let webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x02\x42\x85\x81\x02";
    chevereto_error(app.upload(Some(&key), webm, &[]).await, 422).await;
    assert!(app.healthy().await);
    // And a real clip still goes through.
    let work = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(clip(work.path(), "mp4", 2)).unwrap();
    app.upload_ok(&key, &bytes, &[]).await;
    assert_tmp_empty(app.dir.path());
}

#[tokio::test]
async fn a_tool_that_hangs_is_killed_at_the_timeout_and_the_upload_refused() {
    // An "ffprobe" that never answers, as one stuck on a hostile file would.
    let bin = tempfile::tempdir().unwrap();
    let stuck = bin.path().join("ffprobe");
    std::fs::write(&stuck, "#!/bin/sh\nexec sleep 60\n").unwrap();
    let mut perms = std::fs::metadata(&stuck).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&stuck, perms).unwrap();
    let app = start(|c| {
        c.video.ffprobe = stuck.clone();
        c.video.timeout_secs = 1;
    })
    .await;
    let key = app.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(clip(work.path(), "mp4", 1)).unwrap();
    let started = std::time::Instant::now();
    let body = chevereto_error(app.upload(Some(&key), &bytes, &[]).await, 422).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(body["error"]["context"], "video_failed", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("more than 1 s and was killed"),
        "{message}"
    );
    assert!(app.healthy().await);
    assert_tmp_empty(app.dir.path());
}

#[tokio::test]
async fn without_ffmpeg_the_poster_is_a_placeholder_and_the_file_is_kept_as_is() {
    let app = start(|c| c.video.ffmpeg = "/nonexistent/bin/ffmpeg".into()).await;
    let key = app.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(clip(work.path(), "mp4", 2)).unwrap();
    let image = app.upload_ok(&key, &bytes, &[]).await;
    let video = &image["video"];
    assert_eq!(video["poster"], "placeholder", "{image}");
    assert_eq!(video["metadata"], "kept", "{image}");
    let notes = video["notes"].to_string();
    assert!(notes.contains("ffmpeg is not installed"), "{notes}");
    // ffprobe is still there: the size is the clip's.
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(320), Some(240))
    );
    let (_, served) = fetch(&app, image["url"].as_str().unwrap()).await;
    assert_eq!(served, bytes, "stored as it came");
    let (_, medium) = fetch(&app, image["medium"]["url"].as_str().unwrap()).await;
    assert_eq!(
        decode(&medium),
        decode(&imago_media::video::placeholder::png()),
        "the medium is the placeholder itself"
    );
    let (_, thumb) = fetch(&app, image["thumb"]["url"].as_str().unwrap()).await;
    let thumb = decode(&thumb);
    assert_eq!(thumb.dimensions(), (160, 90));
    let corner = thumb.get_pixel(2, 2).0;
    let bg = imago_media::video::placeholder::BACKGROUND;
    assert!(
        corner.iter().zip(bg).all(|(a, b)| a.abs_diff(b) <= 4),
        "{corner:?} vs {bg:?}"
    );
}

#[tokio::test]
async fn without_ffprobe_duration_and_size_come_from_the_header() {
    let app = start(|c| {
        c.video.ffmpeg = "/nonexistent/bin/ffmpeg".into();
        c.video.ffprobe = "/nonexistent/bin/ffprobe".into();
        c.video.max_duration_secs = 3;
    })
    .await;
    let key = app.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    for ext in ["mp4", "mov", "webm"] {
        let bytes = std::fs::read(clip(work.path(), ext, 2)).unwrap();
        let image = app.upload_ok(&key, &bytes, &[]).await;
        assert_eq!(
            (image["width"].as_u64(), image["height"].as_u64()),
            (Some(320), Some(240)),
            "{ext}"
        );
        let duration = image["video"]["duration_secs"].as_f64().unwrap();
        assert!((duration - 2.0).abs() < 0.1, "{ext}: {duration}");
        // The limit holds on the header's duration too.
        let long = std::fs::read(clip(work.path(), ext, 4)).unwrap();
        let body = chevereto_error(app.upload(Some(&key), &long, &[]).await, 413).await;
        assert_eq!(body["error"]["context"], "video_too_long", "{ext}: {body}");
    }
    // A WebM written to a pipe has no Duration in its header: refused, saying why.
    let live = support::video::live_webm(1);
    let body = chevereto_error(app.upload(Some(&key), &live, &[]).await, 422).await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("does not give its duration"), "{message}");
}

#[tokio::test]
async fn a_webm_recorded_live_gets_its_duration_from_its_packets() {
    let app = start(|c| c.video.max_duration_secs = 3).await;
    let key = app.user("vic").await;
    let live = support::video::live_webm(1);
    let work = tempfile::tempdir().unwrap();
    let header = tags(&live, work.path(), "webm");
    assert!(
        !header.iter().any(|t| t.starts_with("DURATION")),
        "{header:?}"
    );
    let image = app.upload_ok(&key, &live, &[]).await;
    // Ten frames at 10 fps: the last starts at 0.9 s and lasts 0.1 s.
    let duration = image["video"]["duration_secs"].as_f64().unwrap();
    assert!((duration - 1.0).abs() < 0.05, "{duration}");
    assert_eq!(image["video"]["poster"], "frame");
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(64), Some(48))
    );
    // The limit holds on that duration too.
    let long = support::video::live_webm(4);
    let body = chevereto_error(app.upload(Some(&key), &long, &[]).await, 413).await;
    assert_eq!(body["error"]["context"], "video_too_long", "{body}");
}

#[tokio::test]
async fn videos_turned_off_answer_415_and_each_kind_keeps_its_own_size_limit() {
    let off = start(|c| c.video.enabled = false).await;
    let key = off.user("vic").await;
    let work = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(clip(work.path(), "webm", 1)).unwrap();
    let body = chevereto_error(off.upload(Some(&key), &bytes, &[]).await, 415).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("turned off"),
        "{body}"
    );

    // Videos up to 64 KB, images up to 10 KB: a 12 KB image is too large even though
    // the transport lets a video of that size through; a video over 64 KB is refused.
    let app = start(|c| {
        c.body_limit = 10 * 1024;
        c.video.max_bytes = 64 * 1024;
    })
    .await;
    let key = app.user("vic").await;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(12 * 1024, 0);
    let body = chevereto_error(app.upload(Some(&key), &png, &[]).await, 413).await;
    assert_eq!(body["error"]["context"], "too_large", "{body}");
    let small = std::fs::read(clip(work.path(), "mp4", 1)).unwrap();
    assert!(
        small.len() < 64 * 1024 && small.len() > 10 * 1024,
        "{}",
        small.len()
    );
    app.upload_ok(&key, &small, &[]).await;
    let mut big = small.clone();
    big.resize(70 * 1024, 0);
    let body = chevereto_error(app.upload(Some(&key), &big, &[]).await, 413).await;
    assert_eq!(body["error"]["context"], "too_large", "{body}");
}

/// No temporary file of a video is left once its upload answered.
fn assert_tmp_empty(data: &Path) {
    let left: Vec<Value> = std::fs::read_dir(data.join("tmp"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| Value::from(e.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "left in tmp/: {left:?}");
}

/// Files of one folder over HTTP on 127.0.0.1, standing in for a public stream host.
async fn serve_folder(dir: &Path) -> String {
    use axum::extract::Path as UrlPath;
    let root = dir.to_path_buf();
    let app = axum::Router::new().route(
        "/{*file}",
        axum::routing::get(move |UrlPath(file): UrlPath<String>| {
            let path = root.join(file.replace("..", ""));
            async move {
                match std::fs::read(path) {
                    Ok(b) => Ok(b),
                    Err(_) => Err(axum::http::StatusCode::NOT_FOUND),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The video frames of a file, as ffmpeg's framemd5 hashes.
fn frame_hashes(file: &Path) -> Vec<String> {
    let out = support::video::tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            file.to_str().unwrap(),
            "-map",
            "0:v:0",
            "-f",
            "framemd5",
            "-",
        ],
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit(',').next().map(|h| h.trim().to_string()))
        .collect()
}

/// An `.m3u8` given by URL is saved as MP4 by the stream step of `imago video`, every
/// request through the upload guard: the stored video has the source's frames; a
/// playlist whose segments sit on a private address is refused.
#[tokio::test]
async fn an_hls_playlist_uploaded_by_url_is_stored_as_the_mp4_of_its_stream() {
    use imago_engine::guard::{GuardConfig, GuardedFetcher, SystemResolver};
    use imago_server::{GuardedUrlFetcher, HlsUploads};
    use std::sync::Arc;

    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src.mp4");
    support::video::tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=4:size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=4",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "25",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            src.to_str().unwrap(),
        ],
    );
    let hls = work.path().join("hls");
    std::fs::create_dir_all(&hls).unwrap();
    support::video::tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            src.to_str().unwrap(),
            "-c",
            "copy",
            "-f",
            "hls",
            "-hls_time",
            "1",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            hls.join("seg%d.ts").to_str().unwrap(),
            hls.join("index.m3u8").to_str().unwrap(),
        ],
    );
    std::fs::write(
        hls.join("private.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nhttp://10.0.0.1/seg0.ts\n#EXT-X-ENDLIST\n",
    )
    .unwrap();
    let origin = serve_folder(&hls).await;

    let tmp = tempfile::tempdir().unwrap();
    // Loopback stands in for the public internet; every other check stays on.
    let guard = GuardedFetcher::new(
        GuardConfig {
            allow_loopback_for_tests: true,
            ..GuardConfig::default()
        },
        Arc::new(SystemResolver),
    )
    .unwrap();
    let fetcher = GuardedUrlFetcher::new(guard).with_hls(HlsUploads {
        remux: Arc::new(imago_server::video::FfmpegRemux::new(Path::new("ffmpeg"))),
        tmp: tmp.path().to_path_buf(),
        live_max: std::time::Duration::from_secs(600),
    });
    let app = support::app::start_with(|_| {}, Some(Arc::new(fetcher))).await;
    let key = app.user("vic").await;

    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .form(&[
            ("key", key.as_str()),
            ("source", &format!("{origin}/index.m3u8")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let image = &body["image"];
    assert_eq!(image["extension"], "mp4", "{image}");
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(320), Some(240))
    );
    let duration = image["video"]["duration_secs"].as_f64().unwrap();
    assert!((duration - 4.0).abs() < 0.5, "{duration}");
    assert_eq!(image["video"]["poster"], "frame", "{image}");
    let (_, served) = fetch(&app, image["url"].as_str().unwrap()).await;
    let stored = work.path().join("stored.mp4");
    std::fs::write(&stored, &served).unwrap();
    let want = frame_hashes(&src);
    assert_eq!(want.len(), 100);
    assert_eq!(
        frame_hashes(&stored),
        want,
        "the stream's frames, all of them"
    );
    // Nothing of the stream is left in the temporary folder.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);

    let res = app
        .client
        .post(app.url("/api/1/upload"))
        .form(&[
            ("key", key.as_str()),
            ("source", &format!("{origin}/private.m3u8")),
        ])
        .send()
        .await
        .unwrap();
    let body = chevereto_error(res, 400).await;
    assert_eq!(body["error"]["context"], "url_refused", "{body}");
}
