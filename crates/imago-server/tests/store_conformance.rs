//! One suite for the bytes seam, run against every backend: the local folder (a temp
//! folder) and an S3-compatible server (the Garage `scripts/services/garage.sh`
//! starts; each test keeps its keys under its own prefix of the bucket). Every test
//! function below runs once per backend, as `local::NAME` and `s3::NAME`.

#[path = "support/services.rs"]
mod services;

use std::collections::BTreeSet;
use std::sync::Arc;

use bytes::Bytes;
use imago_server::store::{LocalStore, S3Config, S3Store, Store, StoreError};

struct Fixture {
    store: Arc<dyn Store>,
    /// The local store's folder, to check nothing lands outside it.
    dir: Option<tempfile::TempDir>,
}

async fn local_fixture(_test: &str) -> Option<Fixture> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = LocalStore::open(dir.path().join("store"))
        .await
        .expect("open local store");
    Some(Fixture {
        store: Arc::new(store),
        dir: Some(dir),
    })
}

async fn s3_fixture(test: &str) -> Option<Fixture> {
    let v = services::require(
        test,
        "s3",
        "garage.sh",
        &[
            services::S3_ENDPOINT,
            services::S3_BUCKET,
            services::S3_KEY_ID,
            services::S3_SECRET,
        ],
    )?;
    let mut config = S3Config::new(&v[0], &v[1], &v[2], &v[3]);
    config.key_prefix = Some(services::unique(test));
    let store = S3Store::new(&config).expect("s3 store");
    Some(Fixture {
        store: Arc::new(store),
        dir: None,
    })
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::local_fixture(stringify!($name)).await {
                        super::$name(&f).await;
                    }
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::s3_fixture(stringify!($name)).await {
                        super::$name(&f).await;
                    }
                }
            )*
        }
    };
}

conformance!(
    put_then_get_returns_the_bytes,
    put_replaces_what_was_there,
    missing_keys_are_none,
    get_range_reads_part_of_an_object,
    delete_removes_the_object,
    list_returns_keys_under_a_folder,
    bad_keys_are_refused,
    empty_object_round_trip,
    large_object_round_trip,
    concurrent_puts_of_different_keys,
);

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

/// Bytes that are not all alike, from a fixed seed.
fn noise(len: usize, seed: u64) -> Bytes {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut v = vec![0u8; len];
    rng.fill(&mut v);
    Bytes::from(v)
}

async fn put_then_get_returns_the_bytes(f: &Fixture) {
    let s = &f.store;
    let key = "o/ab/cd/abcd0123.jpg";
    // 3 bytes of JPEG signature and 11 of text.
    let jpeg = Bytes::from_static(b"\xff\xd8\xff jpeg bytes");
    s.put(key, jpeg.clone()).await.unwrap();
    assert_eq!(s.get(key).await.unwrap(), Some(jpeg));
    assert_eq!(s.size(key).await.unwrap(), Some(14));
    assert_eq!(s.list("o").await.unwrap(), vec![key.to_string()]);
}

async fn put_replaces_what_was_there(f: &Fixture) {
    let s = &f.store;
    s.put("o/x.png", b("a longer first version")).await.unwrap();
    s.put("o/x.png", b("second")).await.unwrap();
    assert_eq!(s.get("o/x.png").await.unwrap(), Some(b("second")));
    assert_eq!(s.size("o/x.png").await.unwrap(), Some(6));
    assert_eq!(s.list("").await.unwrap(), vec!["o/x.png".to_string()]);
}

async fn missing_keys_are_none(f: &Fixture) {
    let s = &f.store;
    assert_eq!(s.get("o/missing.png").await.unwrap(), None);
    assert_eq!(s.get_range("o/missing.png", 0..10).await.unwrap(), None);
    assert_eq!(s.size("o/missing.png").await.unwrap(), None);
    s.delete("o/missing.png").await.unwrap();
    assert!(s.list("o").await.unwrap().is_empty());
    // A folder that holds objects is not an object itself.
    s.put("o/dir/file.png", b("x")).await.unwrap();
    assert_eq!(s.get("o/dir").await.unwrap(), None);
    assert_eq!(s.size("o/dir").await.unwrap(), None);
}

async fn get_range_reads_part_of_an_object(f: &Fixture) {
    let s = &f.store;
    s.put("o/r.bin", b("0123456789abcdef")).await.unwrap();
    let r = |a: u64, z: u64| s.get_range("o/r.bin", a..z);
    assert_eq!(r(0, 10).await.unwrap(), Some(b("0123456789")));
    assert_eq!(r(10, 16).await.unwrap(), Some(b("abcdef")));
    assert_eq!(r(5, 6).await.unwrap(), Some(b("5")));
    // A range past the end is cut at the end; one starting there reads nothing.
    assert_eq!(r(12, 100).await.unwrap(), Some(b("cdef")));
    assert_eq!(r(16, 20).await.unwrap(), Some(Bytes::new()));
    assert_eq!(r(30, 40).await.unwrap(), Some(Bytes::new()));
    assert_eq!(r(4, 4).await.unwrap(), Some(Bytes::new()));
}

async fn delete_removes_the_object(f: &Fixture) {
    let s = &f.store;
    s.put("o/a.png", b("a")).await.unwrap();
    s.put("o/b.png", b("b")).await.unwrap();
    s.delete("o/a.png").await.unwrap();
    assert_eq!(s.get("o/a.png").await.unwrap(), None);
    assert_eq!(s.size("o/a.png").await.unwrap(), None);
    assert_eq!(s.get("o/b.png").await.unwrap(), Some(b("b")));
    assert_eq!(s.list("o").await.unwrap(), vec!["o/b.png".to_string()]);
    s.delete("o/a.png").await.unwrap();
}

async fn list_returns_keys_under_a_folder(f: &Fixture) {
    let s = &f.store;
    for k in [
        "o/aa/1.png",
        "o/aa/2.png",
        "o/bb/3.png",
        "t/aa/4.webp",
        "o/aaa/5.png",
    ] {
        s.put(k, b(k)).await.unwrap();
    }
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        s.list("o").await.unwrap(),
        strs(&["o/aa/1.png", "o/aa/2.png", "o/aaa/5.png", "o/bb/3.png"])
    );
    // Folders, not string prefixes: `o/aa` does not take in `o/aaa`.
    assert_eq!(
        s.list("o/aa").await.unwrap(),
        strs(&["o/aa/1.png", "o/aa/2.png"])
    );
    assert_eq!(
        s.list("o/aa/").await.unwrap(),
        strs(&["o/aa/1.png", "o/aa/2.png"])
    );
    assert_eq!(s.list("").await.unwrap().len(), 5);
    assert!(s.list("x").await.unwrap().is_empty());
    assert!(s.list("o/a").await.unwrap().is_empty());
}

const BAD_KEYS: &[&str] = &[
    "",
    "/etc/passwd",
    "../escape.png",
    "o/../../escape.png",
    "o/..",
    "./o.png",
    "o//x.png",
    "o/",
    "o\\..\\x.png",
    "o/x\0.png",
    "o/.imago-tmp-1",
];

async fn bad_keys_are_refused(f: &Fixture) {
    let s = &f.store;
    let is_bad = |r: Result<_, StoreError>| matches!(r, Err(StoreError::BadKey(_)));
    for &key in BAD_KEYS {
        assert!(is_bad(s.put(key, b("x")).await.map(|_| ())), "put {key:?}");
        assert!(is_bad(s.get(key).await.map(|_| ())), "get {key:?}");
        assert!(
            is_bad(s.get_range(key, 0..1).await.map(|_| ())),
            "range {key:?}"
        );
        assert!(is_bad(s.size(key).await.map(|_| ())), "size {key:?}");
        assert!(is_bad(s.delete(key).await), "delete {key:?}");
    }
    for prefix in ["../", "/", "/etc", "o/../..", "a\\b"] {
        assert!(is_bad(s.list(prefix).await.map(|_| ())), "list {prefix:?}");
    }
    assert!(s.list("").await.unwrap().is_empty(), "nothing was stored");
    if let Some(dir) = &f.dir {
        // Only the store folder exists beside where escapes would have landed.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["store"]);
    }
}

async fn empty_object_round_trip(f: &Fixture) {
    let s = &f.store;
    s.put("o/empty", Bytes::new()).await.unwrap();
    assert_eq!(s.get("o/empty").await.unwrap(), Some(Bytes::new()));
    assert_eq!(s.size("o/empty").await.unwrap(), Some(0));
    assert_eq!(
        s.get_range("o/empty", 0..10).await.unwrap(),
        Some(Bytes::new())
    );
}

async fn large_object_round_trip(f: &Fixture) {
    let s = &f.store;
    let data = noise(5 * 1024 * 1024 + 17, 7);
    s.put("o/large.bin", data.clone()).await.unwrap();
    assert_eq!(
        s.size("o/large.bin").await.unwrap(),
        Some(data.len() as u64)
    );
    let got = s.get("o/large.bin").await.unwrap().expect("stored");
    assert!(got == data, "5 MB object came back different");
    let mid = s
        .get_range("o/large.bin", 3_000_000..3_100_000)
        .await
        .unwrap()
        .expect("stored");
    assert!(mid == data.slice(3_000_000..3_100_000));
}

async fn concurrent_puts_of_different_keys(f: &Fixture) {
    let mut tasks = Vec::new();
    for n in 0..24u64 {
        let s = f.store.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("o/{:02x}/obj{n}.bin", n % 4);
            s.put(&key, noise(10_000 + n as usize * 100, n))
                .await
                .unwrap();
            key
        }));
    }
    let mut keys = BTreeSet::new();
    for t in tasks {
        keys.insert(t.await.unwrap());
    }
    for n in 0..24u64 {
        let key = format!("o/{:02x}/obj{n}.bin", n % 4);
        let got = f.store.get(&key).await.unwrap().expect("stored");
        assert!(got == noise(10_000 + n as usize * 100, n), "{key}");
    }
    let listed: BTreeSet<String> = f.store.list("o").await.unwrap().into_iter().collect();
    assert_eq!(listed, keys);
}

/// A crash between writing a temp file and renaming it leaves the temp file; opening
/// the store removes it, and it is never listed as an object.
#[tokio::test]
async fn local_store_removes_crash_leftovers_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let store = LocalStore::open(&root).await.unwrap();
    store.put("o/ab/kept.png", b("kept")).await.unwrap();
    let leftover = root.join("o/ab/.imago-tmp-999-0-00000000deadbeef");
    std::fs::write(&leftover, b"half").unwrap();
    assert_eq!(
        store.list("").await.unwrap(),
        vec!["o/ab/kept.png".to_string()]
    );

    let reopened = LocalStore::open(&root).await.unwrap();
    assert!(!leftover.exists(), "temp file removed on open");
    assert_eq!(
        reopened.get("o/ab/kept.png").await.unwrap(),
        Some(b("kept"))
    );
}

/// After a put returns, the object's folder holds the object and no temp file.
#[tokio::test]
async fn local_put_leaves_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).await.unwrap();
    for n in 0..5 {
        store.put("o/cd/x.png", noise(1000, n)).await.unwrap();
    }
    let names: Vec<String> = std::fs::read_dir(dir.path().join("o/cd"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["x.png"]);
}
