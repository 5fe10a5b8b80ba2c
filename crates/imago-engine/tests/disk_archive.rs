//! The download archive: what a re-run needs to find again.

use imago_engine::archive::{Archive, Saved, SCHEMA_VERSION};
use imago_engine::DiskError;

fn saved(url: &str, path: &str, sha: &str, at: i64) -> Saved {
    Saved {
        url: url.to_string(),
        page: "https://shop.example/item/42".to_string(),
        path: path.to_string(),
        sha256: sha.to_string(),
        bytes: 12_345,
        saved_at: at,
    }
}

const SHA_A: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const SHA_B: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

#[test]
fn round_trip_by_url() {
    let dir = tempfile::tempdir().unwrap();
    let a = Archive::open(&dir.path().join("archive.db")).unwrap();
    let s = saved(
        "https://img.example/a.jpg",
        "/out/a.jpg",
        SHA_A,
        1_700_000_000,
    );
    a.record(&s).unwrap();
    assert_eq!(a.seen_url("https://img.example/a.jpg").unwrap(), Some(s));
    assert_eq!(a.seen_url("https://img.example/other.jpg").unwrap(), None);
}

#[test]
fn reopen_keeps_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested").join("archive.db");
    let s = saved(
        "https://img.example/a.jpg",
        "/out/a.jpg",
        SHA_A,
        1_700_000_000,
    );
    {
        let a = Archive::open(&db).unwrap();
        a.record(&s).unwrap();
    }
    let again = Archive::open(&db).unwrap();
    assert_eq!(again.seen_url(&s.url).unwrap(), Some(s));
    assert_eq!(again.len().unwrap(), 1);
}

#[test]
fn seen_hash_finds_first_save_of_that_content() {
    let a = Archive::open_in_memory().unwrap();
    let first = saved("https://a.example/1.jpg", "/out/1.jpg", SHA_A, 100);
    // Same bytes under another URL, recorded later as a duplicate of the first file.
    let dup = saved("https://b.example/copy.jpg", "/out/1.jpg", SHA_A, 200);
    let other = saved("https://a.example/2.jpg", "/out/2.jpg", SHA_B, 150);
    a.record(&dup).unwrap();
    a.record(&first).unwrap();
    a.record(&other).unwrap();

    assert_eq!(a.seen_hash(SHA_A).unwrap(), Some(first));
    assert_eq!(a.seen_hash(&SHA_B.to_uppercase()).unwrap(), Some(other));
    assert_eq!(a.seen_hash(&"0".repeat(64)).unwrap(), None);
    // The duplicate's URL is skipped too on the next run.
    assert_eq!(
        a.seen_url("https://b.example/copy.jpg")
            .unwrap()
            .unwrap()
            .path,
        "/out/1.jpg"
    );
}

#[test]
fn uppercase_hash_is_stored_lowercase() {
    let a = Archive::open_in_memory().unwrap();
    a.record(&saved("u", "p", &SHA_A.to_uppercase(), 1))
        .unwrap();
    assert_eq!(a.seen_url("u").unwrap().unwrap().sha256, SHA_A);
    assert!(a.seen_hash(SHA_A).unwrap().is_some());
}

#[test]
fn recording_a_url_again_replaces_it() {
    let a = Archive::open_in_memory().unwrap();
    a.record(&saved("u", "/out/old.jpg", SHA_A, 1)).unwrap();
    a.record(&saved("u", "/out/new.jpg", SHA_B, 2)).unwrap();
    assert_eq!(a.len().unwrap(), 1);
    let got = a.seen_url("u").unwrap().unwrap();
    assert_eq!(
        (got.path.as_str(), got.sha256.as_str()),
        ("/out/new.jpg", SHA_B)
    );
    // The old content is no longer recorded anywhere.
    assert_eq!(a.seen_hash(SHA_A).unwrap(), None);
}

#[test]
fn schema_version_and_wal_are_set_on_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archive.db");
    let a = Archive::open(&db).unwrap();
    assert_eq!(SCHEMA_VERSION, 1);
    assert_eq!(a.schema_version().unwrap(), SCHEMA_VERSION);
    drop(a);

    let raw = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    assert_eq!(mode, "wal");
}

#[test]
fn archive_from_a_newer_imago_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archive.db");
    {
        let raw = rusqlite::Connection::open(&db).unwrap();
        raw.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 7;")
            .unwrap();
    }
    let err = Archive::open(&db).unwrap_err();
    assert!(
        matches!(
            err,
            DiskError::ArchiveTooNew {
                found: 7,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("archive.db"), "{err}");
    let raw = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 7);
}

#[test]
fn two_handles_on_one_file_see_each_other() {
    // Two imago runs sharing one archive.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archive.db");
    let one = Archive::open(&db).unwrap();
    let two = Archive::open(&db).unwrap();
    one.record(&saved("u1", "p1", SHA_A, 1)).unwrap();
    two.record(&saved("u2", "p2", SHA_B, 2)).unwrap();
    assert!(two.seen_url("u1").unwrap().is_some());
    assert!(one.seen_url("u2").unwrap().is_some());
}

#[test]
fn size_too_large_for_sqlite_is_an_error_not_a_panic() {
    let a = Archive::open_in_memory().unwrap();
    let mut s = saved("u", "p", SHA_A, 1);
    s.bytes = u64::MAX;
    assert!(matches!(
        a.record(&s),
        Err(DiskError::ArchiveDamaged { .. })
    ));
    assert!(a.is_empty().unwrap());
}

#[test]
fn unopenable_archive_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the database file should be.
    let db = dir.path().join("is-a-folder");
    std::fs::create_dir(&db).unwrap();
    let err = Archive::open(&db).unwrap_err();
    assert!(err.to_string().contains("is-a-folder"), "{err}");
}

#[test]
fn a_file_that_is_not_an_archive_is_reported_not_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.txt");
    let text = "shopping list: milk, eggs, and enough bytes to fill a header block. ".repeat(4);
    std::fs::write(&db, &text).unwrap();
    let err = Archive::open(&db).unwrap_err();
    assert!(matches!(err, DiskError::Archive { .. }), "{err:?}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
    assert_eq!(std::fs::read_to_string(&db).unwrap(), text);
}

#[test]
fn archive_can_move_to_a_blocking_thread() {
    // The grab pipeline hands it to spawn_blocking behind a mutex.
    fn is_send<T: Send + 'static>() {}
    is_send::<Archive>();
    is_send::<std::sync::Mutex<Archive>>();
}

#[test]
fn a_temporary_archive_answers_like_a_file_and_many_records_stay_findable() {
    // What a --no-archive run remembers for "identical content saved once": on disk
    // past SQLite's page cache, so 20,000 records must still be found by hash and URL.
    let a = Archive::open_temporary().unwrap();
    for i in 0..20_000u32 {
        let sha = format!("{i:064x}");
        a.record(&saved(
            &format!("https://img.example/{i}.png"),
            &format!("/out/{i}.png"),
            &sha,
            i64::from(i),
        ))
        .unwrap();
    }
    assert_eq!(a.len().unwrap(), 20_000);
    let found = a.seen_hash(&format!("{:064x}", 12_345)).unwrap().unwrap();
    assert_eq!(found.path, "/out/12345.png");
    assert!(a
        .seen_url("https://img.example/19999.png")
        .unwrap()
        .is_some());
    assert_eq!(a.seen_hash(SHA_B).unwrap(), None);
}
