//! The save step shared by `imago grab` and the extension's helper: names unique against
//! the folder on disk and within the run, identical content saved once.

use std::fs;
use std::path::{Path, PathBuf};

use imago_core::{Image, SourceKind};
use imago_engine::grab::{Event, Fetched, SaveTo, Saver};
use imago_engine::place::temp_name;
use sha2::{Digest, Sha256};

fn saver(root: &Path) -> Saver {
    Saver::open(&SaveTo {
        output: root.to_path_buf(),
        zip: None,
        archive: None,
        metadata: false,
        date: "2026-12-06".into(),
        sync_each: false,
        products_csv: None,
    })
    .unwrap()
}

fn image(url: &str) -> Image {
    Image {
        url: url.into(),
        source: SourceKind::Img,
        sources: vec![SourceKind::Img],
        alt: None,
        alternates: Vec::new(),
        width: None,
        height: None,
        order: 0,
    }
}

/// A finished download of `bytes` waiting in `dir`.
fn fetched(dir: &Path, url: &str, bytes: &[u8]) -> Fetched {
    fs::create_dir_all(dir).unwrap();
    let temp = dir.join(temp_name("test"));
    fs::write(&temp, bytes).unwrap();
    Fetched {
        url: url.into(),
        temp,
        bytes: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(bytes)),
        info: None,
    }
}

fn folder() -> Vec<String> {
    vec!["pics".to_string()]
}

/// Saves `bytes` as `pics/<file>`; the saved file's name, or the event when not saved.
fn save(s: &Saver, root: &Path, url: &str, bytes: &[u8], file: &str) -> Result<String, Box<Event>> {
    let f = fetched(&root.join("pics"), url, bytes);
    match s.save("http://shop.test/", &image(url), f, &folder(), file) {
        Event::Saved { path, .. } => Ok(PathBuf::from(path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()),
        other => Err(Box::new(other)),
    }
}

#[test]
fn a_name_already_on_disk_is_not_overwritten_and_the_next_same_name_gets_a_number() {
    let root = tempfile::tempdir().unwrap();
    let pics = root.path().join("pics");
    fs::create_dir_all(&pics).unwrap();
    fs::write(pics.join("a.jpg"), b"the user's").unwrap();
    fs::write(pics.join("Photo.JPG"), b"the user's too").unwrap();

    let s = saver(root.path());
    s.open_page(&folder());
    assert_eq!(
        save(&s, root.path(), "http://x/1", b"one", "a.jpg").unwrap(),
        "a-2.jpg"
    );
    assert_eq!(
        save(&s, root.path(), "http://x/2", b"two", "a.jpg").unwrap(),
        "a-3.jpg"
    );
    // Differs only in case from a file on disk: one file on macOS and Windows.
    assert_eq!(
        save(&s, root.path(), "http://x/3", b"three", "photo.jpg").unwrap(),
        "photo-2.jpg"
    );
    s.finish_page("http://shop.test/", None, &folder()).unwrap();

    assert_eq!(fs::read(pics.join("a.jpg")).unwrap(), b"the user's");
    assert_eq!(fs::read(pics.join("Photo.JPG")).unwrap(), b"the user's too");
    assert_eq!(fs::read(pics.join("a-2.jpg")).unwrap(), b"one");
    assert_eq!(fs::read(pics.join("a-3.jpg")).unwrap(), b"two");
}

#[test]
fn a_folder_used_again_after_its_page_is_done_still_knows_its_names() {
    // The names of a folder are dropped from memory when its last page is done (so a run's
    // memory does not grow with its count); a later page there reads them back from disk.
    let root = tempfile::tempdir().unwrap();
    let s = saver(root.path());
    s.open_page(&folder());
    assert_eq!(
        save(&s, root.path(), "http://x/1", b"one", "b.png").unwrap(),
        "b.png"
    );
    s.finish_page("http://shop.test/1", None, &folder())
        .unwrap();

    s.open_page(&folder());
    assert_eq!(
        save(&s, root.path(), "http://x/2", b"two", "B.png").unwrap(),
        "B-2.png"
    );
    s.finish_page("http://shop.test/2", None, &folder())
        .unwrap();
    assert_eq!(fs::read(root.path().join("pics/b.png")).unwrap(), b"one");
}

#[test]
fn identical_content_is_saved_once_without_an_archive() {
    let root = tempfile::tempdir().unwrap();
    let s = saver(root.path());
    s.open_page(&folder());
    let first = save(&s, root.path(), "http://x/1", b"same", "one.png").unwrap();
    let second = save(&s, root.path(), "http://x/2", b"same", "two.png").unwrap_err();
    match *second {
        Event::Skipped {
            reason, earlier, ..
        } => {
            let earlier = earlier.expect("a duplicate names the file it duplicates");
            assert!(earlier.ends_with(&first), "{earlier}");
            assert_eq!(reason, format!("same content as {earlier}"));
        }
        other => panic!("expected a skip, got {other:?}"),
    }
    s.finish_page("http://shop.test/", None, &folder()).unwrap();
    let left: Vec<_> = fs::read_dir(root.path().join("pics"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["one.png"], "no second copy, no temp file left");
}
