//! The `imago` command end to end, against a local server: what it lists, what it saves,
//! its JSON lines and its exit codes.

mod support;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;
use support::{imago, json_lines, png, sha256_hex, Route, Server};

const PAGE: &str = r#"<!doctype html>
<html><head><title>Shop: Red Mug</title>
<meta property="og:image" content="/img/og.png">
<style>.hero { background-image: url('/img/bg.png') }</style>
<link rel="stylesheet" href="/css/site.css">
</head><body>
<div class="hero"></div>
<img src="/img/a.png" alt="A mug">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/late.png" alt="lazy">
<picture><source srcset="/img/small.png 300w, /img/big.png 1200w"><img src="/img/small.png"></picture>
<a href="/img/full.png"><img src="/img/thumb.png"></a>
<img src="/img/dup.png">
<img src="/img/missing.png">
</body></html>"#;

/// The images the page shows, by path, with distinct contents (dup.png repeats a.png).
fn images() -> Vec<(&'static str, Vec<u8>)> {
    let a = png(40, 30, 1);
    vec![
        ("/img/a.png", a.clone()),
        ("/img/dup.png", a),
        ("/img/og.png", png(120, 60, 2)),
        ("/img/bg.png", png(200, 100, 3)),
        ("/img/late.png", png(64, 64, 4)),
        ("/img/small.png", png(30, 20, 5)),
        ("/img/big.png", png(300, 200, 6)),
        ("/img/thumb.png", png(16, 16, 7)),
        ("/img/full.png", png(160, 160, 8)),
        ("/img/css.png", png(50, 50, 9)),
        ("/img/imported.png", png(70, 20, 10)),
    ]
}

fn shop(page: &str) -> Server {
    let mut routes: HashMap<String, Route> = images()
        .into_iter()
        .map(|(p, b)| (p.to_string(), Route::ok("image/png", b)))
        .collect();
    routes.insert(
        "/shop.html".into(),
        Route::ok("text/html; charset=utf-8", page),
    );
    // A linked stylesheet that imports another: both are read, and URLs resolve against
    // the stylesheet that holds them.
    routes.insert(
        "/css/site.css".into(),
        Route::ok(
            "text/css",
            "@import \"more.css\";\n.x { background: url(../img/css.png) no-repeat }",
        ),
    );
    routes.insert(
        "/css/more.css".into(),
        Route::ok(
            "text/css",
            ".y { background-image: url(\"/img/imported.png\") }",
        ),
    );
    routes.insert(
        "/ok.html".into(),
        Route::ok(
            "text/html",
            r#"<img src="/img/a.png"><img src="/img/og.png">"#,
        ),
    );
    Server::start(routes)
}

fn by_event<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["event"] == kind).collect()
}

fn path_of(server: &Server, url: &str) -> String {
    url.strip_prefix(&server.base).unwrap_or(url).to_string()
}

#[test]
fn list_json_reports_each_picture_once_with_its_best_version() {
    let server = shop(PAGE);
    let tmp = tempfile::tempdir().unwrap();
    let out = imago(tmp.path(), &["list", &server.url("/shop.html"), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let urls: Vec<String> = lines
        .iter()
        .map(|l| path_of(&server, l["url"].as_str().unwrap()))
        .collect();
    let unique: HashSet<&String> = urls.iter().collect();
    assert_eq!(
        unique.len(),
        urls.len(),
        "a picture reported twice: {urls:?}"
    );
    for want in [
        "/img/og.png",
        "/img/bg.png",
        "/img/a.png",
        "/img/late.png",
        "/img/big.png",
        "/img/full.png",
        "/img/dup.png",
        "/img/missing.png",
        "/img/css.png",
        "/img/imported.png",
    ] {
        assert!(
            urls.iter().any(|u| u == want),
            "{want} not listed: {urls:?}; server saw {:?}",
            server.hits.lock().unwrap()
        );
    }
    // The smaller srcset entry and the thumbnail are versions, not pictures of their own.
    for not_best in ["/img/small.png", "/img/thumb.png"] {
        assert!(
            !urls.iter().any(|u| u == not_best),
            "{not_best} listed as a picture"
        );
    }
    assert!(
        !urls.iter().any(|u| u.starts_with("data:")),
        "placeholder won: {urls:?}"
    );
    let big = lines
        .iter()
        .find(|l| l["url"].as_str().unwrap().ends_with("/img/big.png"))
        .unwrap();
    let alts: Vec<&str> = big["alternates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(alts.iter().any(|a| a.ends_with("/img/small.png")), "{big}");
    assert_eq!(big["page"], server.url("/shop.html"));
    let full = lines
        .iter()
        .find(|l| l["url"].as_str().unwrap().ends_with("/img/full.png"))
        .unwrap();
    assert_eq!(full["source"], "link");
}

#[test]
fn list_probe_reads_sizes_from_the_first_bytes() {
    let server = shop(PAGE);
    let tmp = tempfile::tempdir().unwrap();
    let out = imago(
        tmp.path(),
        &["list", &server.url("/shop.html"), "--json", "--probe"],
    );
    let lines = json_lines(&out);
    let big = lines
        .iter()
        .find(|l| l["url"].as_str().unwrap().ends_with("/img/big.png"))
        .unwrap();
    assert_eq!(
        (big["width"].as_u64(), big["height"].as_u64()),
        (Some(300), Some(200))
    );
    assert_eq!(big["format"], "png");
    assert_eq!(big["bytes"].as_u64(), Some(png(300, 200, 6).len() as u64));
}

#[test]
fn grab_saves_verified_files_reports_each_item_and_exits_1_on_a_failure() {
    let server = shop(PAGE);
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let out = imago(
        tmp.path(),
        &[
            "grab",
            &server.url("/shop.html"),
            "-o",
            out_dir.to_str().unwrap(),
            "--json",
            "--no-hd",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "missing.png must fail: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let want: HashMap<String, String> = images()
        .into_iter()
        .map(|(p, b)| (p.to_string(), sha256_hex(&b)))
        .collect();

    let saved = by_event(&lines, "saved");
    // a, og, bg, late, big, full, css, imported: dup.png has a.png's bytes and is
    // saved once.
    assert_eq!(saved.len(), 8, "{lines:#?}");
    for s in &saved {
        let path = Path::new(s["path"].as_str().unwrap());
        assert!(
            path.starts_with(&out_dir),
            "{} outside the output",
            path.display()
        );
        let bytes = std::fs::read(path).unwrap();
        let sha = sha256_hex(&bytes);
        assert_eq!(s["sha256"].as_str().unwrap(), sha);
        let url_path = path_of(&server, s["url"].as_str().unwrap());
        assert_eq!(want[&url_path], sha, "{url_path} saved with other bytes");
        assert_eq!(s["bytes"].as_u64(), Some(bytes.len() as u64));
    }
    let failed = by_event(&lines, "failed");
    assert_eq!(failed.len(), 1, "{lines:#?}");
    assert!(failed[0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/img/missing.png"));
    assert!(
        failed[0]["reason"].as_str().unwrap().contains("404"),
        "{}",
        failed[0]
    );
    let dup = by_event(&lines, "skipped");
    assert!(
        dup.iter()
            .any(|s| s["reason"].as_str().unwrap().contains("same content")),
        "dup.png not reported as a duplicate: {lines:#?}"
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["saved"], 8);
    assert_eq!(summary["failed"], 1);
    // No temp file is left behind that could pass for an image.
    let leftovers: Vec<_> = walk(&out_dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Again: the archive skips what was saved, nothing is fetched twice.
    let before = server.hits_of("/img/big.png");
    let again = imago(
        tmp.path(),
        &[
            "grab",
            &server.url("/shop.html"),
            "-o",
            out_dir.to_str().unwrap(),
            "--json",
            "--no-hd",
        ],
    );
    let lines = json_lines(&again);
    assert_eq!(by_event(&lines, "saved").len(), 0, "{lines:#?}");
    assert!(by_event(&lines, "skipped")
        .iter()
        .any(|s| s["reason"].as_str().unwrap().contains("archive")));
    assert_eq!(
        server.hits_of("/img/big.png"),
        before,
        "re-run downloaded again"
    );
}

#[test]
fn grab_never_overwrites_a_file_the_user_had() {
    let server = shop(PAGE);
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let args = [
        "grab",
        &server.url("/ok.html"),
        "-o",
        out_dir.to_str().unwrap(),
        "--json",
        "--no-archive",
        "--no-hd",
    ];
    let first = json_lines(&imago(tmp.path(), &args));
    let a = by_event(&first, "saved")
        .into_iter()
        .find(|s| s["url"].as_str().unwrap().ends_with("/img/a.png"))
        .unwrap()
        .clone();
    let a_path = a["path"].as_str().unwrap().to_string();
    std::fs::write(&a_path, b"my own notes").unwrap();

    let out = imago(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&a_path).unwrap(), b"my own notes");
    let second = json_lines(&out);
    let a2 = by_event(&second, "saved")
        .into_iter()
        .find(|s| s["url"].as_str().unwrap().ends_with("/img/a.png"))
        .unwrap()
        .clone();
    assert_ne!(a2["path"], a["path"]);
    assert_eq!(
        sha256_hex(&std::fs::read(a2["path"].as_str().unwrap()).unwrap()),
        a["sha256"].as_str().unwrap()
    );
}

#[test]
fn a_name_on_disk_in_another_case_is_kept_and_equal_names_get_numbers() {
    // Two different images both named a.png, into a folder where the user already has
    // A.PNG: on a case-insensitive disk (macOS, Windows, or a copy of the folder there)
    // a.png would be that file, so neither new image may take the name.
    let mut routes: HashMap<String, Route> = HashMap::new();
    routes.insert("/img/a.png".into(), Route::ok("image/png", png(40, 30, 1)));
    routes.insert(
        "/other/a.png".into(),
        Route::ok("image/png", png(40, 30, 2)),
    );
    routes.insert(
        "/two.html".into(),
        Route::ok(
            "text/html",
            r#"<img src="/img/a.png"><img src="/other/a.png">"#,
        ),
    );
    let server = Server::start(routes);
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("out").join("pics");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("A.PNG"), b"my own notes").unwrap();

    let out = imago(
        tmp.path(),
        &[
            "grab",
            &server.url("/two.html"),
            "-o",
            tmp.path().join("out").to_str().unwrap(),
            "--folder",
            "pics",
            "--json",
            "--no-archive",
            "--no-hd",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    let mut names: Vec<String> = by_event(&lines, "saved")
        .iter()
        .map(|s| {
            Path::new(s["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["a-2.png", "a-3.png"]);
    assert_eq!(
        std::fs::read(folder.join("A.PNG")).unwrap(),
        b"my own notes"
    );
    assert!(!folder.join("a.png").exists());
}

#[test]
fn grab_zip_holds_the_images_and_nothing_is_left_loose() {
    let server = shop(PAGE);
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("shop.zip");
    let out = imago(
        tmp.path(),
        &[
            "grab",
            &server.url("/ok.html"),
            "--zip",
            zip_path.to_str().unwrap(),
            "--json",
            "--no-hd",
            "--metadata",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut shas = HashSet::new();
    let mut has_index = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut buf).unwrap();
        if f.name().ends_with("index.json") {
            has_index = true;
            let idx: Value = serde_json::from_slice(&buf).unwrap();
            assert_eq!(idx["images"].as_array().unwrap().len(), 2);
        } else {
            shas.insert(sha256_hex(&buf));
        }
    }
    assert!(has_index);
    let want: HashSet<String> = [png(40, 30, 1), png(120, 60, 2)]
        .iter()
        .map(|b| sha256_hex(b))
        .collect();
    assert_eq!(shas, want);
    let loose: Vec<_> = walk(tmp.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "part"))
        .collect();
    assert!(loose.is_empty(), "{loose:?}");
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_2() {
    let server = shop(PAGE);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[[rule]]\nname = \"x\"\nhosts = [\"a.com\"]\npattern = \"(unclosed\"\nreplace = [\"$1\"]\n").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["list".into(), "ftp://example.com/x.html".into()],
            "ftp",
        ),
        (
            vec!["list".into(), "no-such-page.html".into()],
            "no-such-page.html",
        ),
        (
            vec![
                "grab".into(),
                server.url("/img/a.png"),
                "-o".into(),
                "o".into(),
            ],
            "not an HTML page",
        ),
        (
            vec![
                "grab".into(),
                server.url("/ok.html"),
                "--name".into(),
                "{nope}.{ext}".into(),
            ],
            "nope",
        ),
        (
            vec![
                "grab".into(),
                server.url("/ok.html"),
                "--min-bytes".into(),
                "lots".into(),
            ],
            "--min-bytes",
        ),
        (
            vec![
                "rewrite".into(),
                "--hd-rules".into(),
                "bad.toml".into(),
                "https://a.com/x.jpg".into(),
            ],
            "bad.toml:",
        ),
        // The flag's old name still reads the file.
        (
            vec![
                "rewrite".into(),
                "--rules".into(),
                "bad.toml".into(),
                "https://a.com/x.jpg".into(),
            ],
            "bad.toml:",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = imago(tmp.path(), &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            err.trim().lines().count() <= 2,
            "{args:?}: more than one message: {err}"
        );
    }
}

#[test]
fn rewrite_prints_original_size_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = imago(
        tmp.path(),
        &[
            "rewrite",
            "https://i.pinimg.com/236x/3b/7c/aa/3b7caa1f0e2d4c5b6a7980a1b2c3d4e5.jpg",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().next().unwrap_or("").starts_with(
            "https://i.pinimg.com/originals/3b/7c/aa/3b7caa1f0e2d4c5b6a7980a1b2c3d4e5.jpg"
        ),
        "{text}"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Regression: `imago list ... | head` panicked with "failed printing to stdout".
#[test]
fn list_into_a_closed_pipe_exits_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    let page: String = (0..5000)
        .map(|i| format!("<img src=\"/p/{i}.jpg\">\n"))
        .collect();
    std::fs::write(tmp.path().join("many.html"), page).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args([
            "list",
            "many.html",
            "--base-url",
            "http://127.0.0.1:9/",
            "--json",
        ])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("/p/0.jpg"), "{first}");
    // The reader is gone now (dropped above); imago must notice and stop cleanly.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn several_pages_from_a_list_each_get_their_own_folder() {
    let mut routes: HashMap<String, Route> = HashMap::new();
    routes.insert(
        "/a.html".into(),
        Route::ok("text/html", "<title>First</title><img src=\"/1.png\">"),
    );
    routes.insert(
        "/b.html".into(),
        Route::ok("text/html", "<title>Second</title><img src=\"/2.png\">"),
    );
    routes.insert("/1.png".into(), Route::ok("image/png", png(10, 10, 1)));
    routes.insert("/2.png".into(), Route::ok("image/png", png(10, 10, 2)));
    let server = Server::start(routes);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("tabs.txt"),
        format!(
            "# two tabs\n{}\n\n{}\n",
            server.url("/a.html"),
            server.url("/b.html")
        ),
    )
    .unwrap();
    let out = imago(
        tmp.path(),
        &["grab", "-i", "tabs.txt", "-o", "out", "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let saved = by_event(&lines, "saved");
    assert_eq!(saved.len(), 2);
    let folders: HashSet<String> = saved
        .iter()
        .map(|s| {
            Path::new(s["path"].as_str().unwrap())
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        folders,
        HashSet::from(["First".to_string(), "Second".to_string()])
    );
}

#[test]
fn no_linked_css_contacts_no_stylesheet_host() {
    let server = shop(PAGE);
    let tmp = tempfile::tempdir().unwrap();
    let out = imago(
        tmp.path(),
        &[
            "list",
            &server.url("/shop.html"),
            "--json",
            "--no-linked-css",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let urls: Vec<String> = json_lines(&out)
        .iter()
        .map(|l| l["url"].as_str().unwrap().to_string())
        .collect();
    assert!(
        urls.iter().any(|u| u.ends_with("/img/bg.png")),
        "inline CSS is still read"
    );
    assert!(
        !urls.iter().any(|u| u.ends_with("/img/css.png")),
        "{urls:?}"
    );
    assert_eq!(server.hits_of("/css/site.css"), 0);
}

#[test]
fn a_data_uri_image_is_saved_as_a_file_and_a_spacer_is_not() {
    let picture = png(40, 30, 11);
    let page = format!(
        "<title>Inline</title><img src=\"data:image/png;base64,{}\" alt=\"inline\">\
         <img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">",
        support::base64(&picture)
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("inline.html"), page).unwrap();
    let out = imago(
        tmp.path(),
        &[
            "grab",
            "inline.html",
            "--base-url",
            "http://127.0.0.1:9/",
            "-o",
            "out",
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let saved = by_event(&lines, "saved");
    assert_eq!(
        saved.len(),
        1,
        "only the real picture, not the 1x1 spacer: {lines:#?}"
    );
    let path = saved[0]["path"].as_str().unwrap();
    assert_eq!(std::fs::read(path).unwrap(), picture);
    assert!(path.ends_with(".png"), "{path}");
}
