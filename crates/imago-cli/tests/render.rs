//! `imago list --render` / `imago grab --render` with the real Debian Chromium against a
//! page on 127.0.0.1 whose images are made by JavaScript (after load, and on a timer).
//!
//! Every run gets its own TMPDIR: the browser's profile goes there and its processes
//! inherit it, so the test finds exactly its own Chromium processes in /proc.

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use support::{json_lines, png, sha256_hex, Route, Server};

const PAGE: &str = r#"<!doctype html>
<html><head><title>Script gallery</title></head>
<body>
<h1>Made by script</h1>
<div id="g"></div>
<script>
  window.addEventListener('load', () => {
    const g = document.getElementById('g');
    const a = document.createElement('img');
    a.src = '/img/first.png';
    g.appendChild(a);
    setTimeout(() => {
      const b = document.createElement('img');
      b.src = '/img/later.png';
      g.appendChild(b);
    }, 300);
  });
</script>
</body></html>"#;

fn server() -> (Server, Vec<u8>, Vec<u8>) {
    let first = png(40, 30, 1);
    let later = png(50, 20, 2);
    let mut routes = HashMap::new();
    routes.insert("/page".to_string(), Route::ok("text/html", PAGE));
    routes.insert(
        "/img/first.png".to_string(),
        Route::ok("image/png", first.clone()),
    );
    routes.insert(
        "/img/later.png".to_string(),
        Route::ok("image/png", later.clone()),
    );
    (Server::start(routes), first, later)
}

/// Runs imago with TMPDIR set to `tmp`.
fn imago(dir: &Path, tmp: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .env_remove("IMAGO_CHROMIUM")
        .output()
        .expect("run imago")
}

/// Live processes whose environment holds `TMPDIR=<tmp>` or a folder below it.
fn processes_with_tmpdir(tmp: &Path) -> Vec<String> {
    let needle = format!("TMPDIR={}", tmp.display()).into_bytes();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(env) = std::fs::read(format!("/proc/{name}/environ")) else {
            continue;
        };
        // Chromium's own TMPDIR is a folder inside its profile, below `tmp`.
        let inside = [needle.as_slice(), b"/"].concat();
        if env
            .split(|&b| b == 0)
            .any(|v| v == needle.as_slice() || v.starts_with(&inside))
        {
            let cmd = std::fs::read(format!("/proc/{name}/cmdline")).unwrap_or_default();
            found.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(&cmd).replace('\0', " ")
            ));
        }
    }
    found
}

fn urls(out: &Output) -> Vec<String> {
    let mut u: Vec<String> = json_lines(out)
        .iter()
        .map(|l| l["url"].as_str().unwrap().to_string())
        .collect();
    u.sort();
    u
}

fn assert_nothing_left(tmp: &Path) {
    let left = processes_with_tmpdir(tmp);
    assert!(left.is_empty(), "Chromium processes left: {left:#?}");
    let files: Vec<_> = std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(files.is_empty(), "left in TMPDIR: {files:?}");
}

#[test]
fn list_render_sees_script_made_images_that_static_list_does_not() {
    let (srv, _, _) = server();
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let page = srv.url("/page");

    let plain = imago(work.path(), tmp.path(), &["list", &page, "--json"]);
    assert_eq!(
        plain.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    assert!(
        urls(&plain).is_empty(),
        "static list found {:?}",
        urls(&plain)
    );

    let rendered = imago(
        work.path(),
        tmp.path(),
        &["list", "--render", &page, "--json"],
    );
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert_eq!(
        urls(&rendered),
        [srv.url("/img/first.png"), srv.url("/img/later.png")]
    );
    for line in json_lines(&rendered) {
        assert_eq!(line["page"], srv.url("/page"));
    }
    assert_nothing_left(tmp.path());
}

#[test]
fn grab_render_downloads_script_made_images_and_leaves_no_browser() {
    let (srv, first, later) = server();
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = work.path().join("out");
    let out = imago(
        work.path(),
        tmp.path(),
        &[
            "grab",
            "--render",
            &srv.url("/page"),
            "-o",
            out_dir.to_str().unwrap(),
            "--folder",
            "",
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = json_lines(&out);
    let saved: Vec<_> = events.iter().filter(|e| e["event"] == "saved").collect();
    assert_eq!(saved.len(), 2, "{events:#?}");
    for (name, bytes) in [("first.png", &first), ("later.png", &later)] {
        let on_disk = std::fs::read(out_dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sha256_hex(&on_disk), sha256_hex(bytes), "{name}");
    }
    assert_nothing_left(tmp.path());
}

#[test]
fn a_bad_chromium_path_is_one_clear_error_and_exit_2() {
    let (srv, _, _) = server();
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let missing = work.path().join("no-chromium-here");
    let out = imago(
        work.path(),
        tmp.path(),
        &[
            "grab",
            "--render",
            "--chromium",
            missing.to_str().unwrap(),
            &srv.url("/page"),
            "-o",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(missing.to_str().unwrap()), "{err}");
    assert!(err.contains("apt-get install chromium"), "{err}");
    // Refused before any page was read.
    assert_eq!(srv.hits_of("/page"), 0);

    // A file that is not a program is refused the same way.
    let not_exec = work.path().join("chromium.txt");
    std::fs::write(&not_exec, "not a program").unwrap();
    let out = imago(
        work.path(),
        tmp.path(),
        &[
            "list",
            "--render",
            "--chromium",
            not_exec.to_str().unwrap(),
            &srv.url("/page"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not executable"));
}

#[test]
fn ctrl_c_during_a_render_closes_the_browser_and_removes_its_profile() {
    // A page that never stops changing: the renderer waits for it (up to its bound),
    // which gives the test time to interrupt.
    let busy = r#"<!doctype html><html><body><p id="t">0</p>
<script>setInterval(() => { document.getElementById('t').className = 'c' + Date.now(); }, 20);</script>
</body></html>"#;
    let mut routes = HashMap::new();
    routes.insert("/busy".to_string(), Route::ok("text/html", busy));
    let srv = Server::start(routes);
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(["list", "--render", &srv.url("/busy")])
        .current_dir(work.path())
        .env("TMPDIR", tmp.path())
        .env_remove("IMAGO_CHROMIUM")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the browser runs (a process other than imago with our TMPDIR).
    let imago_pid = child.id().to_string();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !processes_with_tmpdir(tmp.path())
        .iter()
        .any(|p| !p.starts_with(&format!("{imago_pid}:")))
    {
        assert!(std::time::Instant::now() < until, "Chromium never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let status = Command::new("kill")
        .args(["-INT", &imago_pid])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "128 + SIGINT, as shells report Ctrl-C"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_nothing_left(tmp.path());
}

/// A page whose only picture sits 6,000 px down behind an IntersectionObserver loader:
/// it gets its `src` only when scrolled into view.
const LAZY_PAGE: &str = r#"<!doctype html>
<html><head><title>Lazy</title></head>
<body>
<div style="height: 6000px">tall text</div>
<img id="lazy" width="40" height="30" alt="far down">
<script>
  const img = document.getElementById('lazy');
  new IntersectionObserver((entries, io) => {
    for (const e of entries) {
      if (e.isIntersecting) { img.src = '/img/far.png'; io.disconnect(); }
    }
  }).observe(img);
</script>
</body></html>"#;

#[test]
fn render_with_scroll_finds_the_image_a_lazy_loader_adds_only_when_scrolled_to() {
    let mut routes = HashMap::new();
    routes.insert("/lazy".to_string(), Route::ok("text/html", LAZY_PAGE));
    routes.insert(
        "/img/far.png".to_string(),
        Route::ok("image/png", png(40, 30, 3)),
    );
    let srv = Server::start(routes);
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let page = srv.url("/lazy");

    let still = imago(
        work.path(),
        tmp.path(),
        &["list", "--render", &page, "--json"],
    );
    assert_eq!(
        still.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&still.stderr)
    );
    assert!(
        urls(&still).is_empty(),
        "without --scroll the lazy image must not load, yet found {:?}",
        urls(&still)
    );

    let scrolled = imago(
        work.path(),
        tmp.path(),
        &["list", "--render", "--scroll", &page, "--json"],
    );
    assert_eq!(
        scrolled.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&scrolled.stderr)
    );
    assert_eq!(urls(&scrolled), [srv.url("/img/far.png")]);
    assert_nothing_left(tmp.path());
}

/// A shop page that writes its product (JSON-LD and the visible price) with a script.
const SCRIPTED_SHOP: &str = r#"<!doctype html>
<html><head><title>Shop</title></head><body><div id="app"></div>
<script>
  window.addEventListener('load', () => {
    const ld = document.createElement('script');
    ld.type = 'application/ld+json';
    ld.textContent = JSON.stringify({"@context": "https://schema.org", "@type": "Product",
      "name": "Tea kettle", "sku": "TK-7",
      "offers": {"@type": "Offer", "price": "34.50", "priceCurrency": "EUR",
                 "availability": "https://schema.org/OutOfStock"}});
    document.head.appendChild(ld);
    document.getElementById('app').innerHTML = '<h1>Tea kettle</h1>';
  });
</script></body></html>"#;

#[test]
fn product_render_reads_what_the_pages_scripts_wrote() {
    let mut routes = HashMap::new();
    routes.insert("/kettle".to_string(), Route::ok("text/html", SCRIPTED_SHOP));
    let srv = Server::start(routes);
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let page = srv.url("/kettle");

    let plain = imago(work.path(), tmp.path(), &["product", &page, "--json"]);
    assert_eq!(
        plain.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let p = &json_lines(&plain)[0];
    assert!(p["title"].is_null() || p["title"] == "Shop", "{p}");
    assert!(p["price"].is_null(), "{p}");

    let rendered = imago(
        work.path(),
        tmp.path(),
        &["product", "--render", &page, "--json"],
    );
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let p = &json_lines(&rendered)[0];
    assert_eq!(p["title"], "Tea kettle");
    assert_eq!(p["sku"], "TK-7");
    assert_eq!(p["price"]["amount"], "34.50");
    assert_eq!(p["availability"], "OutOfStock");
    assert_eq!(p["source"]["price"], "jsonld");
    assert_nothing_left(tmp.path());
}

/// A player that sets its stream from script: only the live document names it.
const VIDEO_PAGE: &str = r#"<!doctype html>
<html><head><title>Script player</title></head>
<body><div id="p"></div>
<script>
  window.addEventListener('load', () => {
    const v = document.createElement('video');
    // Built from pieces, as players do: no URL in the page's text.
    v.src = ['', 'v', 'clip.m3u' + '8'].join('/');
    document.getElementById('p').appendChild(v);
  });
</script>
</body></html>"#;

#[test]
fn list_render_video_sees_a_stream_a_script_set() {
    let mut routes = HashMap::new();
    routes.insert("/player".to_string(), Route::ok("text/html", VIDEO_PAGE));
    routes.insert(
        "/v/clip.m3u8".to_string(),
        Route::ok(
            "application/vnd.apple.mpegurl",
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na.ts\n#EXTINF:2.0,\nb.ts\n#EXT-X-ENDLIST\n",
        ),
    );
    let srv = Server::start(routes);
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let page = srv.url("/player");

    let plain = imago(
        work.path(),
        tmp.path(),
        &["list", &page, "--video", "--json"],
    );
    assert_eq!(plain.status.code(), Some(0));
    assert!(
        json_lines(&plain).is_empty(),
        "static discovery cannot see it"
    );

    let rendered = imago(
        work.path(),
        tmp.path(),
        &["list", "--render", &page, "--video", "--json"],
    );
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let rows = json_lines(&rendered);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["url"], srv.url("/v/clip.m3u8"));
    assert_eq!(rows[0]["duration"], 4.0);
    assert_eq!(rows[0]["segments"], 2);
    assert_nothing_left(tmp.path());
}

/// A player that fetches its playlist itself (as hls.js does) and plays from `blob:`:
/// neither the page's text nor its live document names the stream; what the page
/// requested does.
const FETCH_PAGE: &str = r#"<!doctype html>
<html><head><title>Fetching player</title></head>
<body><video id="v"></video>
<script>
  window.addEventListener('load', () => {
    fetch(['', 'v', 'clip.m3u' + '8'].join('/')).then((r) => r.text());
  });
</script>
</body></html>"#;

#[test]
fn list_render_video_sees_a_playlist_the_page_requested() {
    let mut routes = HashMap::new();
    routes.insert("/fetcher".to_string(), Route::ok("text/html", FETCH_PAGE));
    routes.insert(
        "/v/clip.m3u8".to_string(),
        Route::ok(
            "application/vnd.apple.mpegurl",
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na.ts\n#EXT-X-ENDLIST\n",
        ),
    );
    let srv = Server::start(routes);
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let page = srv.url("/fetcher");
    let rendered = imago(
        work.path(),
        tmp.path(),
        &["list", "--render", &page, "--video", "--json"],
    );
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let rows = json_lines(&rendered);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["url"], srv.url("/v/clip.m3u8"));
    assert_eq!(rows[0]["source"], "resource");
    assert_eq!(rows[0]["duration"], 2.0);
    assert_nothing_left(tmp.path());
}
