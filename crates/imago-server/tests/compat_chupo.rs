//! A real third-party Chevereto client, used as-is against the real server: `chupo`
//! 0.1.3 from PyPI (a Chevereto V4 API v1 upload CLI: typer, rich, httpx).
//!
//! chupo declares `Requires-Python >=3.13`; this machine has Python 3.11. Its code was
//! read before use: it needs nothing past 3.10 (`from __future__ import annotations`,
//! `dataclass(slots=True)`, `X | None` only in annotations), so
//! `scripts/install-test-deps.sh` installs it with
//! `pip install --ignore-requires-python chupo==0.1.3` into the venv
//! `target/compat/chupo-venv` (only when missing). Nothing of chupo is patched.
//!
//! What chupo does, from its source (`chupo/chevereto.py`, `chupo/cli.py`): one
//! `POST {base}/api/1/upload` per file, `X-API-Key` header, multipart `source` with the
//! file name and a type guessed from it, `format` field; with `-f json` it prints each
//! answer's body, with `-f txt` the body (the URL), with `-f redirect` the `Location`
//! (not followed) made absolute against the base URL. Errors go to stderr as
//! `name: reason`, exit code 1.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
    pub mod video;
}

use std::path::{Path, PathBuf};
use tokio::process::Command;

use serde_json::Value;
use support::app::{read_shared, start, TestApp};

/// The installed client, or a failure saying how to install it.
fn chupo() -> PathBuf {
    let path = std::env::var_os("IMAGO_CHUPO")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/compat/chupo-venv/bin/chupo")
        });
    assert!(
        path.is_file(),
        "the chupo client is missing at {}: run scripts/install-test-deps.sh \
         (or set IMAGO_CHUPO to its path)",
        path.display()
    );
    path
}

/// What one chupo run printed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs chupo against `app` with `key` from the environment (as its docs suggest; a key
/// on the command line would show in `ps`), no user settings and no proxy. Async: the
/// server answers on this test's runtime while chupo waits for it.
async fn run_chupo(app: &TestApp, key: &str, args: &[&str], files: &[&Path], home: &Path) -> Run {
    let mut cmd = Command::new(chupo());
    cmd.kill_on_drop(true);
    cmd.args(args)
        .args(files)
        .env("CHEVERETO_URL", &app.base)
        .env("CHEVERETO_API_KEY", key)
        .env("XDG_CONFIG_HOME", home)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env("NO_PROXY", "*");
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().await.expect("chupo runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A 48 x 32 PNG with no metadata, made here: the server stores it byte for byte.
fn plain_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([(x * 5) as u8, (y * 7) as u8, 90])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn served(app: &TestApp, url: &str) -> Vec<u8> {
    let res = app.get(url, None).await;
    assert_eq!(res.status(), 200, "{url}");
    res.bytes().await.unwrap().to_vec()
}

fn decode(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

/// The direct URL of an image on `app`: `{base}/i/{id}.{ext}`.
fn assert_direct_url(app: &TestApp, url: &str, ext: &str) {
    let rest = url
        .strip_prefix(&format!("{}/i/", app.base))
        .unwrap_or_else(|| panic!("{url} is not a direct URL of {}", app.base));
    let id = rest
        .strip_suffix(&format!(".{ext}"))
        .unwrap_or_else(|| panic!("{url} does not end in .{ext}"));
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{url}"
    );
}

#[tokio::test]
async fn chupo_uploads_in_txt_json_and_redirect_formats() {
    let app = start(|_| {}).await;
    let key = app.user("chupo-user").await;
    let work = tempfile::tempdir().unwrap();
    let home = work.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    let png = plain_png();
    let png_path = work.path().join("plain.png");
    std::fs::write(&png_path, &png).unwrap();
    // A camera-style JPEG with an EXIF block: stored with it stripped.
    let jpeg = read_shared("formats/sample.jpg");
    assert!(jpeg.windows(6).any(|w| w == b"Exif\0\0"));
    let jpeg_path = work.path().join("sample.jpg");
    std::fs::write(&jpeg_path, &jpeg).unwrap();
    let mp4_path = support::video::clip(work.path(), "mp4", 2);

    // txt: one direct URL per file, in order.
    let run = run_chupo(&app, &key, &["-f", "txt"], &[&png_path, &jpeg_path], &home).await;
    assert_eq!(
        run.code,
        Some(0),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert_direct_url(&app, lines[0], "png");
    assert_direct_url(&app, lines[1], "jpg");
    assert_eq!(served(&app, lines[0]).await, png, "the PNG byte for byte");
    let stripped = served(&app, lines[1]).await;
    assert!(!stripped.windows(6).any(|w| w == b"Exif\0\0"), "EXIF left");
    assert_eq!(decode(&stripped), decode(&jpeg), "the same pixels");

    // json: each answer's body as the server sent it; a video too.
    let run = run_chupo(&app, &key, &["-f", "json"], &[&png_path, &mp4_path], &home).await;
    assert_eq!(
        run.code,
        Some(0),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    let bodies: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(bodies.len(), 2, "{}", run.stdout);
    let (png_json, mp4_json) = (&bodies[0]["image"], &bodies[1]["image"]);
    assert_eq!(bodies[0]["status_code"], 200);
    assert_eq!(
        png_json["original_filename"], "plain.png",
        "chupo sends the file name"
    );
    assert_eq!(
        (png_json["width"].as_u64(), png_json["height"].as_u64()),
        (Some(48), Some(32))
    );
    // The same bytes from the same user: the image of the txt run, not a second one.
    assert_eq!(png_json["url"], lines[0]);
    assert_eq!(mp4_json["mime"], "video/mp4");
    let mp4_url = mp4_json["url"].as_str().unwrap();
    assert_direct_url(&app, mp4_url, "mp4");
    let mp4_served = served(&app, mp4_url).await;
    assert_eq!(mp4_json["size"].as_u64(), Some(mp4_served.len() as u64));
    assert!(
        mp4_served.get(4..8) == Some(b"ftyp".as_slice()),
        "an MP4 is served"
    );
    let thumb = served(&app, mp4_json["thumb"]["url"].as_str().unwrap()).await;
    assert_eq!(
        decode(&thumb).dimensions(),
        (160, 120),
        "the poster's thumbnail"
    );

    // redirect: chupo prints the Location it was sent, the viewer page, which shows
    // the image.
    let gif = read_shared("formats/cogs.gif");
    let gif_path = work.path().join("cogs.gif");
    std::fs::write(&gif_path, &gif).unwrap();
    let run = run_chupo(&app, &key, &["-f", "redirect"], &[&gif_path], &home).await;
    assert_eq!(
        run.code,
        Some(0),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    let viewer = run.stdout.trim();
    let id = viewer
        .strip_prefix(&format!("{}/v/", app.base))
        .unwrap_or_else(|| panic!("{viewer} is not a viewer URL"));
    let page = String::from_utf8(served(&app, viewer).await).unwrap();
    let direct = format!("{}/i/{id}.gif", app.base);
    assert!(page.contains(&direct), "{page}");
    let gif_served = served(&app, &direct).await;
    assert_eq!(decode(&gif_served), decode(&gif), "the GIF's first frame");
}

#[tokio::test]
async fn chupo_reports_a_wrong_key_and_a_refused_file() {
    let app = start(|_| {}).await;
    let key = app.user("chupo-user").await;
    let work = tempfile::tempdir().unwrap();
    let home = work.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let png_path = work.path().join("plain.png");
    std::fs::write(&png_path, plain_png()).unwrap();
    let svg_path = work.path().join("logo.svg");
    std::fs::write(&svg_path, read_shared("hostile/logo.svg")).unwrap();

    let run = run_chupo(&app, "nope.nope", &["-f", "json"], &[&png_path], &home).await;
    assert_eq!(
        run.code,
        Some(1),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.trim().is_empty(), "{}", run.stdout);
    // chupo prints `name: status_txt`.
    assert!(
        run.stderr.contains("plain.png: Forbidden"),
        "{}",
        run.stderr
    );

    // One good file and one refused: the good one is printed, the other named on
    // stderr, exit code 1.
    let run = run_chupo(&app, &key, &["-f", "txt"], &[&png_path, &svg_path], &home).await;
    assert_eq!(
        run.code,
        Some(1),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert_direct_url(&app, run.stdout.trim(), "png");
    assert!(run.stderr.contains("logo.svg:"), "{}", run.stderr);
    assert!(run.stderr.contains("svg_refused"), "{}", run.stderr);
    assert!(app.healthy().await);
}
