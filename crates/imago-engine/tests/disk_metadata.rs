//! `--metadata`: index.json per page folder.

use std::fs;

use imago_engine::metadata::{read_index, write_index, IndexEntry, PageIndex, INDEX_FILE};
use imago_engine::DiskError;

fn entry(url: &str, path: &str, bytes: u64) -> IndexEntry {
    IndexEntry {
        url: url.to_string(),
        source: "srcset".to_string(),
        alt: Some("Red shoe, side view".to_string()),
        path: path.to_string(),
        bytes,
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_string(),
        width: Some(1600),
        height: Some(1200),
        format: Some("jpeg".to_string()),
    }
}

fn page(images: Vec<IndexEntry>) -> PageIndex {
    PageIndex {
        page: "https://shop.example/item/42".to_string(),
        title: Some("Red shoe".to_string()),
        fetched_at: "2026-11-28T00:43:12Z".to_string(),
        images,
    }
}

#[test]
fn index_json_holds_what_the_page_gave() {
    let dir = tempfile::tempdir().unwrap();
    let mut second = entry("https://cdn.example/b.png", "02.png", 99);
    second.alt = None;
    second.width = None;
    second.format = None;
    let idx = page(vec![
        entry("https://cdn.example/a.jpg", "01.jpg", 48_213),
        second,
    ]);
    let path = write_index(dir.path(), &idx).unwrap();
    assert_eq!(path, dir.path().join("index.json"));

    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\n  \"page\""), "not pretty: {text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["page"], "https://shop.example/item/42");
    assert_eq!(v["title"], "Red shoe");
    assert_eq!(v["fetched_at"], "2026-11-28T00:43:12Z");
    let images = v["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0]["url"], "https://cdn.example/a.jpg");
    assert_eq!(images[0]["source"], "srcset");
    assert_eq!(images[0]["alt"], "Red shoe, side view");
    assert_eq!(images[0]["path"], "01.jpg");
    assert_eq!(images[0]["bytes"], 48_213);
    assert_eq!(images[0]["width"], 1600);
    assert_eq!(images[0]["format"], "jpeg");
    assert!(images[1]["alt"].is_null());
    assert!(images[1]["width"].is_null());

    assert_eq!(read_index(dir.path()).unwrap(), Some(idx));
    // Only index.json is left: no temporary file.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [INDEX_FILE]);
}

#[test]
fn rerun_of_the_same_page_adds_to_the_index() {
    let dir = tempfile::tempdir().unwrap();
    write_index(
        dir.path(),
        &page(vec![
            entry("https://cdn.example/a.jpg", "01.jpg", 1),
            entry("https://cdn.example/b.jpg", "02.jpg", 2),
        ]),
    )
    .unwrap();
    // Second run: a and b were skipped (archive) except b, saved again under a new
    // name; c is new.
    let mut later = page(vec![
        entry("https://cdn.example/b.jpg", "02-1.jpg", 22),
        entry("https://cdn.example/c.jpg", "03.jpg", 3),
    ]);
    later.fetched_at = "2026-11-29T10:00:00Z".to_string();
    write_index(dir.path(), &later).unwrap();

    let got = read_index(dir.path()).unwrap().unwrap();
    let rows: Vec<(&str, &str, u64)> = got
        .images
        .iter()
        .map(|e| (e.url.as_str(), e.path.as_str(), e.bytes))
        .collect();
    assert_eq!(
        rows,
        [
            ("https://cdn.example/a.jpg", "01.jpg", 1),
            ("https://cdn.example/b.jpg", "02-1.jpg", 22),
            ("https://cdn.example/c.jpg", "03.jpg", 3),
        ]
    );
    assert_eq!(got.fetched_at, "2026-11-29T10:00:00Z");
}

#[test]
fn index_of_another_page_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    write_index(
        dir.path(),
        &page(vec![entry("https://cdn.example/a.jpg", "a.jpg", 1)]),
    )
    .unwrap();
    let mut other = page(vec![entry("https://cdn.example/z.jpg", "z.jpg", 9)]);
    other.page = "https://shop.example/item/43".to_string();
    write_index(dir.path(), &other).unwrap();
    assert_eq!(read_index(dir.path()).unwrap(), Some(other));
}

#[test]
fn foreign_index_json_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.json");
    fs::write(&path, b"{\"name\": \"my-package\", \"version\": \"1.0.0\"}").unwrap();
    let err = write_index(dir.path(), &page(vec![])).unwrap_err();
    assert!(matches!(err, DiskError::Exists { .. }), "{err:?}");
    assert_eq!(
        fs::read(&path).unwrap(),
        b"{\"name\": \"my-package\", \"version\": \"1.0.0\"}"
    );
}

#[test]
fn missing_folder_is_created_and_missing_index_reads_as_none() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("host").join("page");
    assert_eq!(read_index(&folder).unwrap(), None);
    write_index(&folder, &page(vec![])).unwrap();
    assert_eq!(read_index(&folder).unwrap().unwrap().images.len(), 0);
}
