//! `--render` against the real Debian Chromium: a local page on 127.0.0.1 whose images
//! are made by JavaScript (one after load, one on a timer). Static discovery does not see
//! them; the rendered read does, merged with what the HTML holds; and no Chromium
//! process is left afterwards.
//!
//! One test function on purpose: it sets TMPDIR for this process (where the browser's
//! profile goes, and what its processes inherit) and then finds them by it in /proc.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use imago_engine::grab::{collect_page, Discovery, PageInput};
use imago_engine::render::{RenderError, RenderOptions, Renderer};
use imago_engine::Client;
use support::{png, Reply, Server};

const PAGE: &str = r#"<!doctype html>
<html><head><title>Built by script</title></head>
<body>
<img src="/static.png" alt="in the HTML">
<div id="gallery"></div>
<script>
  window.addEventListener('load', () => {
    // A dialog stops the page's scripts until answered: the renderer must answer it.
    alert('Welcome!');
    const a = document.createElement('img');
    a.src = '/js/after-load.png';
    a.alt = 'made after load';
    document.getElementById('gallery').appendChild(a);
    setTimeout(() => {
      const b = document.createElement('img');
      b.src = '/js/on-timer.png';
      document.getElementById('gallery').appendChild(b);
    }, 400);
  });
</script>
</body></html>"#;

fn page_server() -> impl Fn(&support::Request, usize) -> Reply + Send + Sync + 'static {
    |req, _| match req.path.as_str() {
        "/page" => Reply::ok("text/html; charset=utf-8", PAGE.as_bytes()),
        "/static.png" | "/js/after-load.png" | "/js/on-timer.png" => {
            Reply::ok("image/png", &png(20, 10, 400))
        }
        _ => Reply::status(404, &[], b"not found"),
    }
}

fn chromium() -> PathBuf {
    PathBuf::from(std::env::var_os("IMAGO_CHROMIUM").unwrap_or("/usr/bin/chromium".into()))
}

/// Processes whose environment carries `TMPDIR=<tmp>` or a folder below it: Chromium and
/// every helper it started (they inherit it), found whatever their command line says.
fn processes_with_tmpdir(tmp: &Path) -> Vec<String> {
    let needle = format!("TMPDIR={}", tmp.display()).into_bytes();
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) || name == me {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rendered_page_shows_the_images_its_scripts_made_and_leaves_no_browser() {
    let tmp = tempfile::tempdir().unwrap();
    // SAFETY of the test: the only test of this binary, set before any thread reads it.
    std::env::set_var("TMPDIR", tmp.path());

    let server = Server::start(page_server()).await;
    let page = server.url("/page");
    let client = Client::new(support::config()).unwrap();
    let input = PageInput::Url(page.clone());

    // Static discovery: only the image written in the HTML.
    let plain = collect_page(&client, &input, &Discovery::default())
        .await
        .unwrap();
    let plain_urls: Vec<&str> = plain.images.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(plain_urls, [server.url("/static.png").as_str()]);

    let renderer = Arc::new(
        Renderer::new(RenderOptions {
            chromium: chromium(),
            ..RenderOptions::default()
        })
        .unwrap(),
    );
    let d = Discovery {
        render: Some(renderer.clone()),
        ..Discovery::default()
    };
    let rendered = collect_page(&client, &input, &d).await.unwrap();
    let mut urls: Vec<&str> = rendered.images.iter().map(|i| i.url.as_str()).collect();
    urls.sort();
    let mut want = vec![
        server.url("/js/after-load.png").to_string(),
        server.url("/js/on-timer.png").to_string(),
        server.url("/static.png").to_string(),
    ];
    want.sort();
    assert_eq!(urls, want, "warnings: {:?}", rendered.warnings);
    // The image in the HTML was found both ways: one image, listed once, with both sources.
    let stat = rendered
        .images
        .iter()
        .find(|i| i.url.ends_with("/static.png"))
        .unwrap();
    assert_eq!(stat.alt.as_deref(), Some("in the HTML"));
    assert_eq!(rendered.title.as_deref(), Some("Built by script"));
    // The browser really asked the server for the page (not only imago's static fetch).
    let page_hits = server.requests_for("/page");
    assert!(
        page_hits.iter().any(|r| r
            .header("user-agent")
            .is_some_and(|ua| ua.contains("Chrome"))),
        "no request from Chromium: {page_hits:?}"
    );

    // More pages in the same browser, at the same time (tabs share one browser).
    let (one, two) = tokio::join!(renderer.render(&page), renderer.render(&page));
    for again in [one.unwrap(), two.unwrap()] {
        assert!(again
            .candidates
            .iter()
            .any(|c| c.url.ends_with("/js/on-timer.png")));
        assert_eq!(again.page_url, page);
    }

    assert!(
        !processes_with_tmpdir(tmp.path()).is_empty(),
        "the check must see the running browser, or it proves nothing"
    );
    renderer.shutdown().await;
    drop(d);
    drop(renderer);
    let left = processes_with_tmpdir(tmp.path());
    assert!(left.is_empty(), "Chromium processes left: {left:#?}");
    // The profile folder went with it.
    let entries: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert!(entries.is_empty(), "left in TMPDIR: {entries:?}");

    // A page the browser cannot open is an error that names it, not a hang.
    let renderer = Renderer::new(RenderOptions {
        chromium: chromium(),
        timeout: Duration::from_secs(20),
        ..RenderOptions::default()
    })
    .unwrap();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dead = url::Url::parse(&format!("http://127.0.0.1:{closed}/nothing")).unwrap();
    let err = renderer.render(&dead).await.unwrap_err();
    assert!(
        matches!(err, RenderError::Navigate { .. }),
        "want a navigation error, got {err}"
    );
    assert!(err.to_string().contains("ERR_CONNECTION_REFUSED"), "{err}");
    drop(renderer);
    let left = processes_with_tmpdir(tmp.path());
    assert!(
        left.is_empty(),
        "Chromium processes left after a failed page: {left:#?}"
    );

    // A missing binary is refused before anything starts, with the install hint.
    let err = Renderer::new(RenderOptions {
        chromium: tmp.path().join("no-such-chromium"),
        ..RenderOptions::default()
    })
    .unwrap_err();
    assert!(err.is_bad_input());
    assert!(
        err.to_string().contains("apt-get install chromium"),
        "{err}"
    );
}
