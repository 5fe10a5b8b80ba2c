//! `imago index`, `imago search` and `imago dedupe` as a user runs them, on real photos
//! (the scikit-image wheel's, `scripts/fetch-photos.sh`) and copies the tests make.

mod support;

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageFormat};
use support::{assert_ok, imago, json_lines, Route, Server};

fn photo(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("IMAGO_PHOTOS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/photos/skimage")
        });
    std::fs::read(dir.join(name)).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: run scripts/fetch-photos.sh (scripts/install-test-deps.sh does)",
            dir.join(name).display()
        )
    })
}

fn jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&image.to_rgb8())
        .unwrap();
    out
}

fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// photos/ with four photos (one in a subfolder), and nothing else.
fn library(dir: &Path) {
    std::fs::create_dir_all(dir.join("photos/trip")).unwrap();
    for name in ["astronaut.png", "coffee.png", "rocket.jpg"] {
        std::fs::write(dir.join("photos").join(name), photo(name)).unwrap();
    }
    std::fs::write(dir.join("photos/trip/chelsea.png"), photo("chelsea.png")).unwrap();
    std::fs::write(dir.join("photos/notes.txt"), "not a picture").unwrap();
}

fn summary(out: &std::process::Output) -> serde_json::Value {
    json_lines(out).pop().unwrap()
}

#[test]
fn index_reads_changed_files_only_and_forgets_deleted_ones() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let out = imago(dir.path(), &["index", "photos", "--db", "i.db", "--json"]);
    assert_ok(&out);
    let events = json_lines(&out);
    let indexed: Vec<_> = events
        .iter()
        .filter(|e| e["event"] == "indexed")
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(indexed.len(), 4, "{events:?}");
    assert!(
        indexed
            .iter()
            .any(|p| p.ends_with("/photos/trip/chelsea.png")),
        "subfolders are read: {indexed:?}"
    );
    assert_eq!(summary(&out)["pictures"], 4);

    // Again: nothing read.
    let out = imago(dir.path(), &["index", "photos", "--db", "i.db", "--json"]);
    let s = summary(&out);
    assert_eq!(
        (s["indexed"].as_u64(), s["unchanged"].as_u64()),
        (Some(0), Some(4)),
        "{s}"
    );

    // One file replaced by another picture, one deleted: only those change.
    std::fs::write(dir.path().join("photos/coffee.png"), photo("camera.png")).unwrap();
    std::fs::remove_file(dir.path().join("photos/rocket.jpg")).unwrap();
    let out = imago(dir.path(), &["index", "photos", "--db", "i.db", "--json"]);
    let s = summary(&out);
    assert_eq!(
        (
            s["indexed"].as_u64(),
            s["unchanged"].as_u64(),
            s["removed"].as_u64(),
            s["pictures"].as_u64()
        ),
        (Some(1), Some(2), Some(1), Some(3)),
        "{s}"
    );
    // The index answers the new picture under the old name, and not the deleted one.
    let out = imago(
        dir.path(),
        &["search", "--db", "i.db", "--json", "photos/coffee.png"],
    );
    let hits = json_lines(&out);
    assert!(hits[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/photos/coffee.png"));
    assert_eq!(hits[0]["match"], "exact");
    std::fs::write(dir.path().join("rocket.jpg"), photo("rocket.jpg")).unwrap();
    let out = imago(
        dir.path(),
        &["search", "--db", "i.db", "--json", "rocket.jpg"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        json_lines(&out).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_damaged_file_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let mut cut = photo("rocket.jpg");
    cut.truncate(300);
    std::fs::write(dir.path().join("photos/cut.jpg"), cut).unwrap();
    let out = imago(dir.path(), &["index", "photos", "--db", "i.db", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let events = json_lines(&out);
    let failed: Vec<_> = events.iter().filter(|e| e["event"] == "failed").collect();
    assert_eq!(failed.len(), 1, "{events:?}");
    assert!(failed[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/photos/cut.jpg"));
    assert!(!failed[0]["reason"].as_str().unwrap().is_empty());
    assert_eq!(summary(&out)["pictures"], 4);
}

#[test]
fn search_finds_edited_copies_best_first_from_a_file_or_a_url() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    assert_eq!(
        imago(dir.path(), &["index", "photos", "--db", "i.db", "-q"])
            .status
            .code(),
        Some(0)
    );

    let astronaut = image::load_from_memory(&photo("astronaut.png")).unwrap();
    let small = jpeg(
        &astronaut.resize(200, 200, image::imageops::FilterType::Triangle),
        60,
    );
    std::fs::write(dir.path().join("small.jpg"), &small).unwrap();
    let out = imago(
        dir.path(),
        &["search", "--db", "i.db", "--json", "small.jpg"],
    );
    assert_ok(&out);
    let hits = json_lines(&out);
    assert_eq!(hits.len(), 1, "only the astronaut: {hits:?}");
    assert!(hits[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/photos/astronaut.png"));
    assert_eq!(hits[0]["match"], "near");
    let score = hits[0]["score"].as_f64().unwrap();
    assert!(score > 0.85 && score < 1.0, "{score}");
    assert_eq!(
        (hits[0]["width"].as_u64(), hits[0]["height"].as_u64()),
        (Some(512), Some(512))
    );

    // Mirrored, from a server: found, and said to be mirrored.
    let cat = image::load_from_memory(&photo("chelsea.png")).unwrap();
    let server = Server::start(HashMap::from([(
        "/cat.png".to_string(),
        Route::ok("image/png", png(&cat.fliph())),
    )]));
    let out = imago(
        dir.path(),
        &["search", "--db", "i.db", "--json", &server.url("/cat.png")],
    );
    assert_ok(&out);
    let hits = json_lines(&out);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/photos/trip/chelsea.png"));
    assert_eq!(
        (hits[0]["match"].as_str(), hits[0]["orientation"].as_str()),
        (Some("near"), Some("mirrored"))
    );

    // The plain line a person reads.
    let out = imago(dir.path(), &["search", "--db", "i.db", "photos/rocket.jpg"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("1.00 exact ")
            && text.contains("/photos/rocket.jpg")
            && text.contains("(640x427 JPEG)"),
        "{text}"
    );
    // -k bounds the results.
    std::fs::write(dir.path().join("photos/astronaut-copy.jpg"), &small).unwrap();
    imago(dir.path(), &["index", "photos", "--db", "i.db", "-q"]);
    let out = imago(
        dir.path(),
        &[
            "search",
            "--db",
            "i.db",
            "--json",
            "-k",
            "1",
            "photos/astronaut.png",
        ],
    );
    let hits = json_lines(&out);
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("/photos/astronaut.png"),
        "the exact one first"
    );
}

#[test]
fn search_refuses_what_it_cannot_answer_with_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let out = imago(
        dir.path(),
        &["search", "--db", "none.db", "photos/rocket.jpg"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--db none.db: no index there") && err.contains("imago index"),
        "{err}"
    );
    imago(dir.path(), &["index", "photos", "--db", "i.db", "-q"]);
    let out = imago(dir.path(), &["search", "--db", "i.db", "photos/notes.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("photos/notes.txt") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn a_cropped_copy_is_similar_with_the_model_and_missed_without_it() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let model = model();
    let out = imago(
        dir.path(),
        &["index", "photos", "--db", "i.db", "-q", "--model", &model],
    );
    assert_ok(&out);
    // A tenth cut off the edges: past the hashes' reach (PDQ 40+ bits), within the
    // embedding's.
    let astronaut = image::load_from_memory(&photo("astronaut.png")).unwrap();
    std::fs::write(
        dir.path().join("cropped.jpg"),
        jpeg(&astronaut.crop_imm(26, 26, 460, 460), 85),
    )
    .unwrap();
    let out = imago(
        dir.path(),
        &[
            "search",
            "--db",
            "i.db",
            "--json",
            "--model",
            &model,
            "cropped.jpg",
        ],
    );
    assert_ok(&out);
    let hits = json_lines(&out);
    assert_eq!(hits.len(), 1, "only the astronaut: {hits:?}");
    assert!(hits[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/photos/astronaut.png"));
    assert_eq!(hits[0]["match"], "similar");
    let score = hits[0]["score"].as_f64().unwrap();
    assert!((0.5..1.0).contains(&score), "{score}");
    assert_eq!(hits[0]["similarity"], hits[0]["score"]);

    // Hashes alone do not reach it, and say nothing about a model.
    let out = imago(
        dir.path(),
        &[
            "search",
            "--db",
            "i.db",
            "--json",
            "--hashes-only",
            "cropped.jpg",
        ],
    );
    assert_ok(&out);
    assert!(json_lines(&out).is_empty());

    // A model file that is not there: one sentence, exit 2.
    let out = imago(
        dir.path(),
        &[
            "search",
            "--db",
            "i.db",
            "--model",
            "none.onnx",
            "cropped.jpg",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("none.onnx") && err.contains("scripts/fetch-model.sh"),
        "{err}"
    );
}

#[test]
fn an_index_made_without_the_model_gains_its_vectors_when_the_model_is_there() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let out = imago(
        dir.path(),
        &["index", "photos", "--db", "i.db", "--json", "--hashes-only"],
    );
    assert_ok(&out);
    assert_eq!(summary(&out)["indexed"], 4);
    let out = imago(
        dir.path(),
        &[
            "index",
            "photos",
            "--db",
            "i.db",
            "--json",
            "--model",
            &model(),
        ],
    );
    assert_ok(&out);
    // Every file read again for its vector, though none changed.
    assert_eq!(
        (
            summary(&out)["indexed"].as_u64(),
            summary(&out)["unchanged"].as_u64()
        ),
        (Some(4), Some(0))
    );
    let out = imago(
        dir.path(),
        &[
            "index",
            "photos",
            "--db",
            "i.db",
            "--json",
            "--model",
            &model(),
        ],
    );
    assert_eq!(summary(&out)["unchanged"], 4);
}

#[test]
fn a_hashes_only_index_is_searched_without_loading_the_model() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let out = imago(
        dir.path(),
        &["index", "photos", "--db", "i.db", "--json", "--hashes-only"],
    );
    assert_ok(&out);
    // A damaged model where the default one would be: loading it fails the command, so
    // a search that succeeds did not load it (the index has no vectors to compare).
    std::fs::write(dir.path().join("broken.onnx"), b"not a network").unwrap();
    let search = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_imago"))
            .args([
                "search",
                "photos/trip/chelsea.png",
                "--db",
                "i.db",
                "--json",
            ])
            .args(extra)
            .env("IMAGO_MODEL", dir.path().join("broken.onnx"))
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = search(&[]);
    assert_ok(&out);
    assert_eq!(json_lines(&out)[0]["match"], "exact");
    // A model named on the command line is loaded, and must load.
    let out = search(&["--model", "broken.onnx"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// The search model `scripts/fetch-model.sh` installed.
fn model() -> String {
    let path = std::env::var_os("IMAGO_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME"))
                .join(".local/share/imago/models/sscd_distilled.onnx")
        });
    assert!(
        path.is_file(),
        "no search model at {}: run scripts/fetch-model.sh (scripts/install-test-deps.sh does)",
        path.display()
    );
    path.display().to_string()
}

#[test]
fn dedupe_keeps_the_largest_copy_and_moves_or_deletes_only_with_yes() {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let coffee = image::load_from_memory(&photo("coffee.png")).unwrap();
    let half = coffee.resize(
        coffee.width() / 2,
        coffee.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    std::fs::write(dir.path().join("photos/coffee-small.jpg"), jpeg(&half, 80)).unwrap();
    std::fs::write(
        dir.path().join("photos/trip/coffee again.png"),
        photo("coffee.png"),
    )
    .unwrap();
    // Mirrored is not a duplicate: it may be meant.
    std::fs::write(
        dir.path().join("photos/coffee-mirrored.png"),
        png(&coffee.fliph()),
    )
    .unwrap();

    let out = imago(dir.path(), &["dedupe", "photos", "--json"]);
    assert_ok(&out);
    let events = json_lines(&out);
    let groups: Vec<_> = events.iter().filter(|e| e["event"] == "group").collect();
    assert_eq!(groups.len(), 1, "{events:?}");
    let keep = groups[0]["keep"].as_str().unwrap();
    assert!(
        keep.ends_with("/photos/coffee.png"),
        "full size, and first of the two equal files: {keep}"
    );
    let dups: Vec<(String, String)> = groups[0]["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"]
                    .as_str()
                    .unwrap()
                    .rsplit("/photos/")
                    .next()
                    .unwrap()
                    .to_string(),
                d["match"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        dups,
        [
            ("coffee-small.jpg".to_string(), "near".to_string()),
            ("trip/coffee again.png".to_string(), "exact".to_string())
        ]
    );

    // Told to delete without --yes: refused, nothing touched.
    let out = imago(dir.path(), &["dedupe", "photos", "--delete"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--delete --yes"));
    assert!(dir.path().join("photos/coffee-small.jpg").exists());

    // Moved, never over a file already there.
    std::fs::create_dir(dir.path().join("dups")).unwrap();
    std::fs::write(dir.path().join("dups/coffee-small.jpg"), "mine").unwrap();
    let out = imago(
        dir.path(),
        &["dedupe", "photos", "--move-to", "dups", "--yes", "--json"],
    );
    assert_ok(&out);
    assert_eq!(
        std::fs::read(dir.path().join("dups/coffee-small.jpg")).unwrap(),
        b"mine"
    );
    assert!(dir.path().join("dups/coffee-small-2.jpg").is_file());
    assert!(dir.path().join("dups/coffee again.png").is_file());
    assert!(!dir.path().join("photos/coffee-small.jpg").exists());
    assert!(
        dir.path().join("photos/coffee.png").is_file()
            && dir.path().join("photos/coffee-mirrored.png").is_file()
    );
    let s = summary(&out);
    assert_eq!(
        (s["duplicates"].as_u64(), s["moved"].as_u64()),
        (Some(2), Some(2)),
        "{s}"
    );

    // Deleted.
    std::fs::write(
        dir.path().join("photos/coffee-again.jpg"),
        jpeg(&coffee, 90),
    )
    .unwrap();
    let out = imago(
        dir.path(),
        &["dedupe", "photos", "--delete", "--yes", "--json"],
    );
    assert_eq!(summary(&out)["deleted"], 1);
    assert!(!dir.path().join("photos/coffee-again.jpg").exists());
    assert!(dir.path().join("photos/coffee.png").is_file());
}

#[test]
fn grab_dedupe_similar_skips_pictures_already_in_the_folder_at_another_size() {
    let astronaut = image::load_from_memory(&photo("astronaut.png")).unwrap();
    let coffee = image::load_from_memory(&photo("coffee.png")).unwrap();
    let rocket = photo("rocket.jpg");
    let page = r#"<html><head><title>Shop</title></head><body>
        <img src="/img/astronaut.png"><img src="/img/astronaut-small.jpg">
        <img src="/img/coffee.jpg"><img src="/img/rocket.jpg">
        <img src="/img/rocket-mirrored.png"></body></html>"#;
    let rocket_image = image::load_from_memory(&rocket).unwrap();
    let routes = HashMap::from([
        ("/shop.html".to_string(), Route::ok("text/html", page)),
        (
            "/img/astronaut.png".to_string(),
            Route::ok("image/png", photo("astronaut.png")),
        ),
        (
            "/img/astronaut-small.jpg".to_string(),
            Route::ok(
                "image/jpeg",
                jpeg(
                    &astronaut.resize(256, 256, image::imageops::FilterType::Triangle),
                    70,
                ),
            ),
        ),
        (
            "/img/coffee.jpg".to_string(),
            Route::ok("image/jpeg", jpeg(&coffee, 90)),
        ),
        (
            "/img/rocket.jpg".to_string(),
            Route::ok("image/jpeg", rocket.clone()),
        ),
        (
            "/img/rocket-mirrored.png".to_string(),
            Route::ok("image/png", png(&rocket_image.fliph())),
        ),
    ]);
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    // The folder has the coffee photo already, as a PNG under another name.
    std::fs::create_dir_all(dir.path().join("out/shop")).unwrap();
    std::fs::write(
        dir.path().join("out/shop/my coffee.png"),
        photo("coffee.png"),
    )
    .unwrap();

    let url = server.url("/shop.html");
    let grab = |output: &str, extra: &[&str]| {
        let args = [
            "grab",
            &url,
            "-o",
            output,
            "--folder",
            "shop",
            "--no-hd",
            "--no-archive",
            "--json",
            "-j",
            "1",
        ];
        imago(dir.path(), &[&args[..], extra].concat())
    };
    let out = grab("out", &["--dedupe", "similar"]);
    assert_ok(&out);
    let events = json_lines(&out);
    let names = |kind: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e["event"] == kind)
            .map(|e| {
                e["url"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        names("saved"),
        ["astronaut.png", "rocket.jpg", "rocket-mirrored.png"],
        "{events:#?}"
    );
    assert_eq!(
        names("skipped"),
        ["astronaut-small.jpg", "coffee.jpg"],
        "{events:#?}"
    );
    let reasons: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "skipped")
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons[0].starts_with("the same picture as ") && reasons[0].ends_with("astronaut.png"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].ends_with("/out/shop/my coffee.png"),
        "{reasons:?}"
    );
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("out/shop"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "astronaut.png",
            "my coffee.png",
            "rocket-mirrored.png",
            "rocket.jpg"
        ]
    );

    // Without it, every picture of another size or format is saved.
    let out = grab("plain", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_lines(&out)
            .iter()
            .filter(|e| e["event"] == "saved")
            .count(),
        5
    );
}
