//! `imago info` and `imago strip` as a user runs them: folders, names, exit codes,
//! nothing overwritten without --force, results whole.

mod support;

use std::path::Path;

use support::{imago, json_lines, png};

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
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
