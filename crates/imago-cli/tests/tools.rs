//! `imago info` and `imago strip` as a user runs them: folders, names, exit codes,
//! nothing overwritten without --force, results whole.

mod support;

use std::collections::HashMap;
use std::path::Path;

use support::{assert_ok, imago, json_lines, png, Route, Server};

fn shared(rel: &str) -> Vec<u8> {
    let base = std::env::var_os("IMAGO_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    std::fs::read(base.join("images").join(rel)).unwrap()
}

#[test]
fn info_reads_a_folder_in_order_and_says_where_a_photo_was_taken() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.avif"),
        shared("odd/avif-orientation-6.avif"),
    )
    .unwrap();
    std::fs::write(dir.path().join("a.png"), png(4, 3, 1)).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not an image").unwrap();
    let out = imago(dir.path(), &["info", "."]);
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], "./a.png: PNG 4x3, 8-bit, no metadata");
    assert!(lines[1].starts_with("./b.avif: AVIF 3024x4032"), "{text}");
    assert!(lines[1].ends_with("GPS 50.439750, 30.502072"), "{text}");

    let out = imago(dir.path(), &["info", "--json", "b.avif"]);
    let events = json_lines(&out);
    assert_eq!(events[0]["event"], "info");
    assert_eq!(events[0]["format"], "avif");
    assert!((events[0]["gps"]["latitude"].as_f64().unwrap() - 50.43975).abs() < 1e-6);
    assert_eq!(events[1]["event"], "summary");
    assert_eq!(events[1]["done"], 1);
}

#[test]
fn a_bad_file_fails_alone_and_a_missing_one_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.png"), png(4, 3, 1)).unwrap();
    std::fs::write(dir.path().join("bad.jpg"), b"<html>").unwrap();
    let out = imago(dir.path(), &["info", "good.png", "bad.jpg"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("good.png: PNG 4x3"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("imago: failed: bad.jpg: "), "{err}");

    let out = imago(dir.path(), &["info", "good.png", "nowhere.png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.png: no such file or folder"));
    assert!(
        out.stdout.is_empty(),
        "nothing done before the inputs are checked"
    );
}

#[test]
fn hostile_files_are_refused_one_by_one_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = imago(
        dir.path(),
        &["info", "--json", &format!("{}/hostile", shared_dir())],
    );
    assert_eq!(out.status.code(), Some(1));
    let events = json_lines(&out);
    let failed: Vec<_> = events.iter().filter(|e| e["event"] == "failed").collect();
    assert!(failed.len() >= 10, "{events:?}");
    for e in failed {
        assert!(!e["reason"].as_str().unwrap().is_empty());
    }
}

fn shared_dir() -> String {
    let base = std::env::var_os("IMAGO_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    base.join("images").display().to_string()
}

#[test]
fn strip_writes_new_files_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let photo = shared("formats/sample.jpg");
    std::fs::write(dir.path().join("photo.jpg"), &photo).unwrap();
    let out = imago(
        dir.path(),
        &[
            "strip",
            "photo.jpg",
            "-o",
            "clean",
            "--name",
            "{name}-{w}x{h}.{ext}",
        ],
    );
    assert_ok(&out);
    let clean = dir.path().join("clean/photo-290x442.jpg");
    let stripped = std::fs::read(&clean).unwrap();
    assert!(stripped.len() < photo.len());
    let out = imago(dir.path(), &["info", "clean/photo-290x442.jpg"]);
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("no metadata\n"));
    // The original is untouched.
    assert_eq!(std::fs::read(dir.path().join("photo.jpg")).unwrap(), photo);

    std::fs::write(&clean, b"mine").unwrap();
    let again = [
        "strip",
        "photo.jpg",
        "-o",
        "clean",
        "--name",
        "{name}-{w}x{h}.{ext}",
    ];
    let out = imago(dir.path(), &again);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already (--force replaces it)"));
    assert_eq!(std::fs::read(&clean).unwrap(), b"mine");
    let mut forced = again.to_vec();
    forced.push("--force");
    assert_eq!(imago(dir.path(), &forced).status.code(), Some(0));
    assert_eq!(std::fs::read(&clean).unwrap(), stripped);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("clean"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["photo-290x442.jpg"]);
}

#[test]
fn strip_in_place_keeps_the_file_and_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("photo.jpg");
    std::fs::write(&file, shared("formats/sample.jpg")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = imago(
        dir.path(),
        &["strip", "--in-place", "--keep-icc", "--json", "photo.jpg"],
    );
    assert_ok(&out);
    let events = json_lines(&out);
    assert_eq!(events[0]["event"], "done");
    assert_eq!(events[0]["output"], "photo.jpg");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let out = imago(dir.path(), &["info", "photo.jpg"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with(", ICC\n"),
        "{out:?}"
    );
    // Neither -o nor --in-place: said, nothing done.
    let out = imago(dir.path(), &["strip", "photo.jpg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR or --in-place"));
}

/// Width and height of an `info --json` event (or a `saved` one).
fn sides(v: &serde_json::Value) -> (Option<u64>, Option<u64>) {
    (v["width"].as_u64(), v["height"].as_u64())
}

/// The result's format and size, as `imago info --json` reads it.
fn probe(dir: &Path, file: &str) -> serde_json::Value {
    let out = imago(dir, &["info", "--json", file]);
    assert_ok(&out);
    json_lines(&out).remove(0)
}

#[test]
fn convert_a_folder_to_webp_keeps_animations_and_says_what_it_changed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in/cogs.gif"), shared("formats/cogs.gif")).unwrap();
    std::fs::write(
        dir.path().join("in/photo.jpg"),
        shared("formats/sample.jpg"),
    )
    .unwrap();
    let out = imago(
        dir.path(),
        &[
            "convert",
            "in",
            "--to",
            "webp",
            "--quality",
            "70",
            "-o",
            "out",
        ],
    );
    assert_ok(&out);
    let gif = probe(dir.path(), "out/cogs.webp");
    assert_eq!(
        (gif["format"].as_str(), gif["frames"].as_u64()),
        (Some("webp"), Some(5))
    );
    let photo = probe(dir.path(), "out/photo.webp");
    assert_eq!(sides(&photo), (Some(290), Some(442)));
    // The profile went along; EXIF and XMP did not.
    assert_eq!(photo["metadata"], serde_json::json!(["icc"]));

    // To JPEG, the animation keeps its first frame, and says so.
    let out = imago(
        dir.path(),
        &["convert", "in/cogs.gif", "--to", "jpg", "-o", "out"],
    );
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the first of 5 frames was written"), "{err}");
    assert_eq!(probe(dir.path(), "out/cogs.jpg")["frames"], 1);

    let out = imago(dir.path(), &["convert", "in", "--to", "tiff", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a format imago writes"));
}

#[test]
fn resize_for_a_marketplace_jpeg_under_1000_pixels() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.jpg"), shared("formats/ultra-hdr.jpg")).unwrap();
    std::fs::write(dir.path().join("small.png"), png(40, 30, 2)).unwrap();
    let out = imago(
        dir.path(),
        &[
            "resize",
            "big.jpg",
            "small.png",
            "--max",
            "999",
            "--no-upscale",
            "--to",
            "jpg",
            "-o",
            "out",
        ],
    );
    assert_ok(&out);
    let big = probe(dir.path(), "out/big.jpg");
    assert_eq!(sides(&big), (Some(999), Some(562)));
    let small = probe(dir.path(), "out/small.jpg");
    assert_eq!(sides(&small), (Some(40), Some(30)));
    // A box filled: cover.
    let out = imago(
        dir.path(),
        &[
            "resize", "big.jpg", "--width", "300", "--height", "300", "--fit", "cover", "-o", "sq",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let sq = probe(dir.path(), "sq/big.jpg");
    assert_eq!(sides(&sq), (Some(300), Some(300)));
    // No size: bad usage, by clap.
    assert_eq!(
        imago(dir.path(), &["resize", "big.jpg", "-o", "x"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn stitch_makes_the_long_image_and_splits_it_into_numbered_parts() {
    let dir = tempfile::tempdir().unwrap();
    for (i, seed) in [1u8, 2, 3].iter().enumerate() {
        std::fs::create_dir_all(dir.path().join("in")).unwrap();
        std::fs::write(dir.path().join(format!("in/{i}.png")), png(200, 300, *seed)).unwrap();
    }
    let out = imago(
        dir.path(),
        &[
            "stitch",
            "in/0.png",
            "in/1.png",
            "in/2.png",
            "--vertical",
            "--gap",
            "10",
            "--width",
            "100",
            "-o",
            "long.jpg",
        ],
    );
    assert_ok(&out);
    let long = probe(dir.path(), "long.jpg");
    // 200x300 at width 100 is 100x150: three, and two gaps of 10.
    assert_eq!(sides(&long), (Some(100), Some(470)));

    let out = imago(
        dir.path(),
        &[
            "stitch",
            "in",
            "--vertical",
            "--max-height",
            "350",
            "-o",
            "parts.png",
        ],
    );
    assert_ok(&out);
    for n in 1..=3 {
        let part = probe(dir.path(), &format!("parts-{n}.png"));
        assert_eq!(sides(&part), (Some(200), Some(300)));
    }
    assert!(!dir.path().join("parts.png").exists());

    let out = imago(
        dir.path(),
        &[
            "stitch",
            "in/0.png",
            "in/1.png",
            "--grid",
            "2x1",
            "--gap",
            "4",
            "-o",
            "grid.webp",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let grid = probe(dir.path(), "grid.webp");
    assert_eq!(sides(&grid), (Some(404), Some(300)));
    // Never over a file without --force.
    let out = imago(
        dir.path(),
        &[
            "stitch",
            "in/0.png",
            "in/1.png",
            "--grid",
            "2x1",
            "-o",
            "grid.webp",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already"));
}

#[test]
fn grab_converts_resizes_and_strips_each_image_as_it_lands() {
    let photo = shared("formats/sample.jpg"); // 290x442, EXIF, XMP, ICC
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'/>".to_vec();
    let page = "<html><head><title>Shop</title></head><body>\
                <img src='/photo.jpg'><img src='/mark.svg'></body></html>";
    let mut routes = HashMap::new();
    routes.insert("/photo.jpg".to_string(), Route::ok("image/jpeg", photo));
    routes.insert(
        "/mark.svg".to_string(),
        Route::ok("image/svg+xml", svg.clone()),
    );
    let (dir, out) = grab_page(
        page,
        routes,
        &["--convert", "webp", "--max", "200", "--strip"],
    );
    assert_ok(&out);
    let events = json_lines(&out);
    let saved: Vec<_> = events.iter().filter(|e| e["event"] == "saved").collect();
    assert_eq!(saved.len(), 2, "{events:?}");
    let webp = saved
        .iter()
        .find(|e| e["url"].as_str().unwrap().ends_with("photo.jpg"))
        .unwrap();
    assert_eq!(webp["format"], "webp");
    assert_eq!(sides(webp), (Some(131), Some(200)));
    assert!(
        webp["path"].as_str().unwrap().ends_with("photo.webp"),
        "{webp}"
    );
    let found = probe(&dir.path().join("out"), "photo.webp");
    assert_eq!(sides(&found), (Some(131), Some(200)));
    assert_eq!(found["gps"], serde_json::Value::Null);
    assert!(!found["metadata"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b == "exif" || b == "xmp"));
    // What the tools do not read is saved as downloaded, and said.
    assert_eq!(std::fs::read(dir.path().join("out/mark.svg")).unwrap(), svg);
    assert!(events.iter().any(|e| e["event"] == "note"
        && e["note"]
            .as_str()
            .unwrap()
            .starts_with("kept as downloaded")));
}

#[test]
fn grab_keeps_a_file_already_in_the_asked_format_as_downloaded() {
    let photo = shared("formats/sample.jpg");
    let page = "<html><body><img src='/photo.jpg'></body></html>";
    let mut routes = HashMap::new();
    routes.insert(
        "/photo.jpg".to_string(),
        Route::ok("image/jpeg", photo.clone()),
    );
    let (dir, out) = grab_page(page, routes, &["--convert", "jpg"]);
    assert_ok(&out);
    // A JPEG written again as a JPEG only loses quality: the bytes are the server's.
    let saved = std::fs::read(dir.path().join("out/photo.jpg")).unwrap();
    assert!(
        saved == photo,
        "written again: {} bytes, {} downloaded",
        saved.len(),
        photo.len()
    );
}

/// `imago grab` of `page` (served at `/` beside `routes`) into `out/` of a new folder,
/// with `--json` and `extra` flags.
fn grab_page(
    page: &str,
    mut routes: HashMap<String, Route>,
    extra: &[&str],
) -> (tempfile::TempDir, std::process::Output) {
    routes.insert("/".to_string(), Route::ok("text/html", page.to_string()));
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/");
    let mut args = vec![
        "grab",
        url.as_str(),
        "-o",
        "out",
        "--folder",
        "",
        "--no-archive",
        "--json",
    ];
    args.extend_from_slice(extra);
    let out = imago(dir.path(), &args);
    (dir, out)
}
