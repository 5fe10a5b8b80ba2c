//! `imago native-host`: spawned as a browser would, spoken to in Chrome's framing.

mod support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{png, sha256_hex, Route, Server};

fn spawn(home: &Path) -> (Child, ChildStdin, ChildStdout) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imago"))
        // How Chrome starts a host on Linux: the manifest's path, the caller's origin.
        .arg("chrome-extension://abcdefghijklmnopabcdefghijklmnop/")
        .env("HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run imago native-host");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, stdin, stdout)
}

fn send(stdin: &mut ChildStdin, body: &[u8]) {
    stdin.write_all(&(body.len() as u32).to_ne_bytes()).unwrap();
    stdin.write_all(body).unwrap();
    stdin.flush().unwrap();
}

fn receive(stdout: &mut ChildStdout) -> Value {
    let mut len = [0u8; 4];
    stdout.read_exact(&mut len).expect("a frame length");
    let len = u32::from_ne_bytes(len) as usize;
    assert!(
        len <= 1024 * 1024,
        "answer of {len} bytes is over Chrome's 1 MiB"
    );
    let mut body = vec![0; len];
    stdout.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).expect("the answer is JSON")
}

fn ask(stdin: &mut ChildStdin, stdout: &mut ChildStdout, msg: Value) -> Value {
    send(stdin, msg.to_string().as_bytes());
    receive(stdout)
}

/// The names in a save folder, sorted, without the download archive.
fn saved_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".imago-archive"))
        .collect();
    names.sort();
    names
}

/// Waits (bounded) for the host to exit and returns its code.
fn exit_code(mut child: Child) -> Option<i32> {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("the host did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ping_answers_pong_with_the_version_and_eof_ends_with_exit_0() {
    let home = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut stdout) = spawn(home.path());
    let pong = ask(&mut stdin, &mut stdout, json!({"type": "ping"}));
    assert_eq!(
        pong,
        json!({"type": "pong", "version": env!("CARGO_PKG_VERSION")})
    );
    drop(stdin);
    assert_eq!(exit_code(child), Some(0));
}

#[test]
fn bad_messages_get_an_error_and_the_host_keeps_reading() {
    let home = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut stdout) = spawn(home.path());
    send(&mut stdin, b"{not json");
    let e = receive(&mut stdout);
    assert_eq!(e["type"], "error");
    assert!(e["message"].as_str().unwrap().contains("not JSON"), "{e}");

    let e = ask(&mut stdin, &mut stdout, json!({"type": "teleport"}));
    assert_eq!(e["type"], "error");
    assert!(e["message"].as_str().unwrap().contains("teleport"), "{e}");

    let e = ask(&mut stdin, &mut stdout, json!({"no": "type"}));
    assert_eq!(e["type"], "error");

    let e = ask(
        &mut stdin,
        &mut stdout,
        json!({"type": "save", "items": "x", "folder": "/tmp"}),
    );
    assert_eq!(e["type"], "error");
    assert!(e["message"].as_str().unwrap().starts_with("save:"), "{e}");

    let e = ask(
        &mut stdin,
        &mut stdout,
        json!({"type": "save", "items": [], "folder": "relative/folder"}),
    );
    assert_eq!(e["type"], "error");
    assert!(e["message"].as_str().unwrap().contains("absolute"), "{e}");

    // Still there.
    assert_eq!(
        ask(&mut stdin, &mut stdout, json!({"type": "ping"}))["type"],
        "pong"
    );
    drop(stdin);
    assert_eq!(exit_code(child), Some(0));
}

#[test]
fn a_length_over_64_mib_gets_an_error_and_a_nonzero_exit_without_waiting_for_the_body() {
    let home = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut stdout) = spawn(home.path());
    let started = Instant::now();
    // Only the length: a host that tried to read (or allocate) 4 GiB first would hang
    // here, since no body ever comes; the pipe stays open.
    stdin.write_all(&u32::MAX.to_ne_bytes()).unwrap();
    stdin.flush().unwrap();
    let e = receive(&mut stdout);
    assert_eq!(e["type"], "error");
    assert!(e["message"].as_str().unwrap().contains("64 MiB"), "{e}");
    let code = exit_code(child);
    assert!(code.is_some_and(|c| c != 0), "exit code {code:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(stdin);

    // Just over the limit is refused as well; exactly at it would be read.
    let (child, mut stdin, mut stdout) = spawn(home.path());
    stdin
        .write_all(&(64 * 1024 * 1024 + 1u32).to_ne_bytes())
        .unwrap();
    stdin.flush().unwrap();
    assert_eq!(receive(&mut stdout)["type"], "error");
    assert_ne!(exit_code(child), Some(0));
}

#[test]
fn save_downloads_into_the_folder_and_skips_what_the_archive_holds() {
    let a = png(30, 20, 7);
    let b = png(16, 16, 9);
    let mut routes = HashMap::new();
    routes.insert("/pics/a.png".to_string(), Route::ok("image/png", a.clone()));
    routes.insert("/pics/b".to_string(), Route::ok("image/png", b.clone()));
    let srv = Server::start(routes);
    let home = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut stdout) = spawn(home.path());

    let msg = json!({
        "type": "save",
        "folder": folder.path(),
        "items": [
            {"url": srv.url("/pics/a.png"), "filename": "shop/Red shoe.png"},
            {"url": srv.url("/pics/b")},
            {"url": srv.url("/pics/missing.png"), "filename": "x.png"},
            {"url": "file:///etc/passwd", "filename": "p.png"},
            {"url": "../../escape.png", "filename": "../../../escape.png"}
        ]
    });
    let saved = ask(&mut stdin, &mut stdout, msg.clone());
    assert_eq!(saved["type"], "saved", "{saved}");
    let r = saved["results"].as_array().unwrap();
    assert_eq!(r.len(), 5);

    let want_a = folder
        .path()
        .canonicalize()
        .unwrap()
        .join("shop")
        .join("Red shoe.png");
    assert_eq!(r[0]["url"], srv.url("/pics/a.png"));
    assert_eq!(r[0]["ok"], true);
    assert_eq!(r[0]["path"], want_a.display().to_string());
    assert_eq!(sha256_hex(&std::fs::read(&want_a).unwrap()), sha256_hex(&a));

    // No name given: the URL's name and the format read from the bytes.
    let want_b = folder.path().canonicalize().unwrap().join("b.png");
    assert_eq!(r[1]["ok"], true, "{}", r[1]);
    assert_eq!(r[1]["path"], want_b.display().to_string());
    assert_eq!(std::fs::read(&want_b).unwrap(), b);

    assert_eq!(r[2]["ok"], false);
    assert!(r[2]["error"].as_str().unwrap().contains("404"), "{}", r[2]);
    assert!(!folder.path().join("x.png").exists());
    assert_eq!(r[3]["ok"], false);
    assert!(r[3]["error"].as_str().unwrap().contains("file"), "{}", r[3]);
    assert_eq!(r[4]["ok"], false);
    assert!(!folder.path().parent().unwrap().join("escape.png").exists());

    // The same selection again: nothing is downloaded, both are reported as skipped.
    let hits_before = srv.hits_of("/pics/a.png") + srv.hits_of("/pics/b");
    let again = ask(&mut stdin, &mut stdout, msg);
    let r = again["results"].as_array().unwrap();
    assert_eq!(r[0]["ok"], true);
    assert_eq!(r[0]["skipped"], true);
    assert_eq!(r[0]["path"], want_a.display().to_string());
    assert_eq!(r[1]["skipped"], true);
    assert_eq!(
        srv.hits_of("/pics/a.png") + srv.hits_of("/pics/b"),
        hits_before
    );
    // Only what was saved is in the folder (plus the archive).
    let names = saved_names(folder.path());
    assert_eq!(names, ["b.png", "shop"]);

    drop(stdin);
    assert_eq!(exit_code(child), Some(0));
}

#[test]
fn save_with_convert_writes_the_new_format_and_refuses_what_it_cannot_decode() {
    let mut routes = HashMap::new();
    routes.insert(
        "/pics/a.png".to_string(),
        Route::ok("image/png", png(30, 20, 7)),
    );
    // An image the download takes but conversion does not (SVG can carry scripts).
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>"#;
    routes.insert(
        "/pics/logo.svg".to_string(),
        Route::ok("image/svg+xml", svg.to_vec()),
    );
    let srv = Server::start(routes);
    let home = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut stdout) = spawn(home.path());

    let msg = json!({
        "type": "save",
        "folder": folder.path(),
        "convert": "jpeg",
        "items": [
            {"url": srv.url("/pics/a.png"), "filename": "a.png"},
            {"url": srv.url("/pics/logo.svg"), "filename": "logo.svg"}
        ]
    });
    let saved = ask(&mut stdin, &mut stdout, msg);
    let r = saved["results"].as_array().unwrap();
    let want = folder.path().canonicalize().unwrap().join("a.jpg");
    assert_eq!(r[0]["ok"], true, "{}", r[0]);
    assert_eq!(r[0]["path"], want.display().to_string());
    let jpeg = std::fs::read(&want).unwrap();
    assert_eq!(
        &jpeg[..3],
        &[0xFF, 0xD8, 0xFF],
        "a JPEG, not the PNG renamed"
    );

    assert_eq!(r[1]["ok"], false);
    let why = r[1]["error"].as_str().unwrap();
    assert!(
        why.starts_with("not converted:") && why.contains("SVG"),
        "{why}"
    );
    let names = saved_names(folder.path());
    assert_eq!(
        names,
        ["a.jpg"],
        "no half-written or unconverted file is left"
    );

    drop(stdin);
    assert_eq!(exit_code(child), Some(0));
}

#[test]
fn save_with_max_scales_down_what_is_larger_and_keeps_the_rest_as_downloaded() {
    let big = png(30, 20, 7);
    let small = png(12, 12, 9);
    let mut routes = HashMap::new();
    routes.insert("/pics/big.png".to_string(), Route::ok("image/png", big));
    routes.insert(
        "/pics/small.png".to_string(),
        Route::ok("image/png", small.clone()),
    );
    let srv = Server::start(routes);
    let home = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut stdout) = spawn(home.path());

    let zero = json!({"type": "save", "folder": folder.path(), "max": 0,
        "items": [{"url": srv.url("/pics/big.png")}]});
    let refused = ask(&mut stdin, &mut stdout, zero);
    assert_eq!(refused["type"], "error", "{refused}");
    assert!(saved_names(folder.path()).is_empty());

    let msg = json!({
        "type": "save",
        "folder": folder.path(),
        "max": 15,
        "items": [
            {"url": srv.url("/pics/big.png"), "filename": "big.png"},
            {"url": srv.url("/pics/small.png"), "filename": "small.png"}
        ]
    });
    let saved = ask(&mut stdin, &mut stdout, msg);
    let r = saved["results"].as_array().unwrap();
    assert!(r.iter().all(|x| x["ok"] == true), "{saved}");
    let scaled = std::fs::read(folder.path().join("big.png")).unwrap();
    assert_eq!(&scaled[1..4], b"PNG", "still a PNG");
    let side = |at: usize| u32::from_be_bytes(scaled[at..at + 4].try_into().unwrap());
    assert_eq!(
        (side(16), side(20)),
        (15, 10),
        "the longest side at 15, the shape kept"
    );
    assert_eq!(
        std::fs::read(folder.path().join("small.png")).unwrap(),
        small,
        "within the size: the downloaded bytes"
    );

    drop(stdin);
    assert_eq!(exit_code(child), Some(0));
}

#[test]
fn install_writes_a_valid_manifest_for_each_browser_present_and_uninstall_removes_them() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".config");
    std::fs::create_dir_all(config.join("chromium")).unwrap();
    std::fs::create_dir_all(config.join("BraveSoftware/Brave-Browser")).unwrap();
    let id = "abcdefghijklmnopabcdefghijklmnop";
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_imago"))
            .args(args)
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .output()
            .unwrap()
    };
    let out = run(&["native-host", "--install", "--extension-id", id]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    let files = [
        config.join("chromium/NativeMessagingHosts/dev.imago.host.json"),
        config.join("BraveSoftware/Brave-Browser/NativeMessagingHosts/dev.imago.host.json"),
    ];
    let exe = Path::new(env!("CARGO_BIN_EXE_imago"))
        .canonicalize()
        .unwrap();
    for f in &files {
        assert!(printed.contains(&f.display().to_string()), "{printed}");
        let m: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        assert_eq!(m["name"], "dev.imago.host");
        assert_eq!(m["type"], "stdio");
        assert_eq!(m["path"], exe.display().to_string());
        assert!(Path::new(m["path"].as_str().unwrap()).is_absolute());
        assert_eq!(
            m["allowed_origins"],
            json!([format!("chrome-extension://{id}/")])
        );
        assert!(!m["description"].as_str().unwrap().is_empty());
    }
    // Browsers the user does not have get nothing.
    assert!(!config.join("google-chrome").exists());
    assert!(!config.join("microsoft-edge").exists());

    let out = run(&["native-host", "--uninstall"]);
    assert_eq!(out.status.code(), Some(0));
    for f in &files {
        assert!(!f.exists(), "{} still there", f.display());
    }

    // --install needs a real extension id.
    assert_eq!(run(&["native-host", "--install"]).status.code(), Some(2));
    let bad = run(&["native-host", "--install", "--extension-id", "not-an-id"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("extension id"));

    // No browser at all: one clear error.
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(["native-host", "--install", "--extension-id", id])
        .env("HOME", empty.path())
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("start the browser once"));
}

/// The id Chromium gives an unpacked extension: the first 128 bits of the SHA-256 of its
/// absolute path, as hex digits written with the letters a-p.
fn unpacked_extension_id(dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    use std::os::unix::ffi::OsStrExt;
    let digest = Sha256::digest(dir.as_os_str().as_bytes());
    hex::encode(&digest[..16])
        .bytes()
        .map(|h| {
            let v = (h as char).to_digit(16).unwrap() as u8;
            (b'a' + v) as char
        })
        .collect()
}

/// The real thing: Debian's Chromium loads a tiny extension whose service worker pings
/// the host and then asks it to save an image; the host was registered with
/// `--install --user-data-dir`, and the file it saves is named after the pong's version.
#[test]
fn chromium_reaches_the_installed_host_and_the_host_saves_what_the_extension_asks() {
    use std::os::unix::process::CommandExt;
    let image = png(24, 24, 3);
    let mut routes = HashMap::new();
    routes.insert(
        "/photo.png".to_string(),
        Route::ok("image/png", image.clone()),
    );
    let srv = Server::start(routes);

    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().canonicalize().unwrap();
    let ext = root_path.join("ext");
    let profile = root_path.join("profile");
    let folder = root_path.join("saved");
    let tmp = root_path.join("tmp");
    for d in [&ext, &profile, &tmp] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(
        ext.join("manifest.json"),
        json!({
            "manifest_version": 3,
            "name": "imago native host test",
            "version": "1",
            "permissions": ["nativeMessaging"],
            "background": {"service_worker": "sw.js"}
        })
        .to_string(),
    )
    .unwrap();
    let sw = format!(
        "chrome.runtime.sendNativeMessage('dev.imago.host', {{type: 'ping'}}, (pong) => {{\n\
           chrome.runtime.sendNativeMessage('dev.imago.host', {{type: 'save', folder: {folder},\n\
             items: [{{url: {url}, filename: 'from-browser/v' + pong.version + '.png'}}]}}, () => {{}});\n\
         }});\n",
        folder = json!(folder),
        url = json!(srv.url("/photo.png")),
    );
    std::fs::write(ext.join("sw.js"), sw).unwrap();

    let id = unpacked_extension_id(&ext);
    let out = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args([
            "native-host",
            "--install",
            "--extension-id",
            &id,
            "--user-data-dir",
        ])
        .arg(&profile)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(profile
        .join("NativeMessagingHosts/dev.imago.host.json")
        .is_file());

    let mut browser = Command::new(
        std::env::var_os("IMAGO_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()),
    )
    .args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--disable-extensions-except={}", ext.display()))
    .arg(format!("--load-extension={}", ext.display()))
    .arg("about:blank")
    .env("TMPDIR", &tmp)
    .env("XDG_CONFIG_HOME", root_path.join("config"))
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .process_group(0)
    .spawn()
    .expect("start chromium");

    let want = folder
        .join("from-browser")
        .join(format!("v{}.png", env!("CARGO_PKG_VERSION")));
    let until = Instant::now() + Duration::from_secs(60);
    while !want.is_file() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    let saved = std::fs::read(&want);

    // Stop the browser and everything it started (the host too), in its own group.
    let pgid = browser.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pgid]).status();
    let stop_until = Instant::now() + Duration::from_secs(5);
    while browser.try_wait().unwrap().is_none() && Instant::now() < stop_until {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .status();
    let _ = browser.wait();

    let saved = saved.unwrap_or_else(|e| panic!("{} was not saved: {e}", want.display()));
    assert_eq!(sha256_hex(&saved), sha256_hex(&image));
}

#[test]
fn stitch_joins_the_selection_into_one_long_image_in_the_folder() {
    let mut routes = HashMap::new();
    routes.insert(
        "/a.png".to_string(),
        Route::ok("image/png", png(200, 300, 1)),
    );
    routes.insert(
        "/b.png".to_string(),
        Route::ok("image/png", png(400, 200, 2)),
    );
    let server = Server::start(routes);
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("listing");
    let (child, mut stdin, mut stdout) = spawn(home.path());
    let answer = ask(
        &mut stdin,
        &mut stdout,
        json!({"type": "stitch", "folder": "~/listing", "filename": "long.png", "gap": 10,
               "items": [{"url": server.url("/a.png")}, {"url": server.url("/b.png")}]}),
    );
    assert_eq!(answer["type"], "stitched", "{answer}");
    let written = folder.join("long.png");
    assert_eq!(answer["paths"], json!([written.display().to_string()]));
    // 400x200 at the narrowest width (200) is 200x100: 300 + 10 + 100.
    let out = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(["info", "--json"])
        .arg(&written)
        .output()
        .unwrap();
    let info: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(
        (info["width"].as_u64(), info["height"].as_u64()),
        (Some(200), Some(410))
    );
    // Again: a new name, the first file kept; no work folder left behind.
    let again = ask(
        &mut stdin,
        &mut stdout,
        json!({"type": "stitch", "folder": "~/listing", "filename": "long.png",
               "items": [{"url": server.url("/a.png")}]}),
    );
    assert_eq!(
        again["paths"],
        json!([folder.join("long-2.png").display().to_string()])
    );
    assert_eq!(saved_names(&folder), ["long-2.png", "long.png"]);
    // A picture that cannot be had: the answer names it, nothing is written.
    let missing = ask(
        &mut stdin,
        &mut stdout,
        json!({"type": "stitch", "folder": "~/listing", "filename": "x.jpg",
               "items": [{"url": server.url("/a.png")}, {"url": server.url("/gone.png")}]}),
    );
    assert_eq!(missing["type"], "error");
    assert!(
        missing["message"].as_str().unwrap().contains("/gone.png"),
        "{missing}"
    );
    assert_eq!(saved_names(&folder), ["long-2.png", "long.png"]);
    drop(stdin);
    assert_eq!(exit_code(child), Some(0));
}
