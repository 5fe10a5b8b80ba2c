//! One suite for the bytes seam, run against every backend: the local folder (a temp
//! folder) and an S3-compatible server (the Garage `scripts/services/garage.sh`
//! starts; each test keeps its keys under its own prefix of the bucket). Every test
//! function below runs once per backend, as `local::NAME` and `s3::NAME`.

#[path = "support/services.rs"]
mod services;

use std::collections::BTreeSet;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt, TryStreamExt};
use imago_server::store::{ByteStream, LocalStore, S3Config, S3Store, Store, StoreError};
use sha2::{Digest, Sha256};

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
    streamed_large_object_round_trips,
    streamed_ranges_read_part_of_an_object,
    streams_of_missing_keys_are_none,
    a_failing_stream_stores_nothing,
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

/// The largest chunk a read may yield: a reader holds about this much, not the object.
const MAX_CHUNK: usize = 1024 * 1024;

/// `len` bytes of noise as a stream of `chunk`-sized pieces, made as they are asked for
/// (the test holds no more of it than the store does).
fn noise_stream(len: usize, chunk: usize, seed: u64) -> ByteStream {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut left = len;
    stream::iter(std::iter::from_fn(move || {
        let n = left.min(chunk);
        left -= n;
        (n > 0).then(|| {
            let mut v = vec![0u8; n];
            rng.fill(&mut v);
            Ok(Bytes::from(v))
        })
    }))
    .boxed()
}

/// The length, SHA-256 and largest chunk of what a stream yields.
async fn digest(s: ByteStream) -> (usize, String, usize) {
    let mut hasher = Sha256::new();
    let (len, largest) = s
        .try_fold((0usize, 0usize), |(len, largest), chunk| {
            hasher.update(&chunk);
            async move { Ok((len + chunk.len(), largest.max(chunk.len()))) }
        })
        .await
        .expect("stream read");
    (len, hex(hasher.finalize().as_slice()), largest)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// 21 MB put from a stream of odd-sized chunks (S3: a multipart upload) comes back
/// byte-exact, and a read gives it in chunks of at most [`MAX_CHUNK`].
async fn streamed_large_object_round_trips(f: &Fixture) {
    let s = &f.store;
    let len = 21 * 1024 * 1024 + 5;
    let stored = s
        .put_stream("o/big.bin", noise_stream(len, 300_007, 11))
        .await
        .unwrap();
    assert_eq!(stored, len as u64);
    assert_eq!(s.size("o/big.bin").await.unwrap(), Some(len as u64));
    // The same chunking: the noise depends on it.
    let (want_len, want_sha, _) = digest(noise_stream(len, 300_007, 11)).await;
    let got = s
        .get_stream("o/big.bin", None)
        .await
        .unwrap()
        .expect("stored");
    let (got_len, got_sha, largest) = digest(got).await;
    assert_eq!((got_len, got_sha), (want_len, want_sha));
    assert!(
        largest <= MAX_CHUNK,
        "a read yielded a chunk of {largest} bytes: the object was held whole"
    );
    assert_eq!(s.list("o").await.unwrap(), vec!["o/big.bin".to_string()]);
}

async fn streamed_ranges_read_part_of_an_object(f: &Fixture) {
    let s = &f.store;
    let data = noise(6 * 1024 * 1024 + 3, 5);
    s.put_stream(
        "o/ranged.bin",
        stream::iter(
            (0..data.len())
                .step_by(1 << 20)
                .map(|a| Ok(data.slice(a..(a + (1 << 20)).min(data.len()))))
                .collect::<Vec<_>>(),
        )
        .boxed(),
    )
    .await
    .unwrap();
    let len = data.len() as u64;
    for (a, z) in [
        (0, 1),
        (0, len),
        (1_000_000, 5_500_000),
        (len - 10, len),
        (len - 10, len + 100),
        (len, len + 5),
        (7, 7),
    ] {
        let got = s
            .get_stream("o/ranged.bin", Some(a..z))
            .await
            .unwrap()
            .expect("stored");
        let (n, sha, largest) = digest(got).await;
        let (a, z) = (a.min(len) as usize, z.min(len) as usize);
        let want = &data[a..z];
        assert_eq!(
            (n, sha),
            (want.len(), hex(&Sha256::digest(want))),
            "{a}..{z}"
        );
        assert!(largest <= MAX_CHUNK, "{a}..{z}: a chunk of {largest} bytes");
    }
}

async fn streams_of_missing_keys_are_none(f: &Fixture) {
    let s = &f.store;
    assert!(s.get_stream("o/missing.bin", None).await.unwrap().is_none());
    assert!(s
        .get_stream("o/missing.bin", Some(0..10))
        .await
        .unwrap()
        .is_none());
    let bad = s.get_stream("../x", None).await.map(|_| ());
    assert!(matches!(bad, Err(StoreError::BadKey(_))));
}

/// A source that fails half-way (a client gone mid-upload) stores nothing, even past
/// the size where S3 switches to a multipart upload.
async fn a_failing_stream_stores_nothing(f: &Fixture) {
    let s = &f.store;
    for len in [1000, 12 * 1024 * 1024] {
        let failing = noise_stream(len, 1 << 20, 3)
            .chain(stream::once(async {
                Err(StoreError::Source("client went away".into()))
            }))
            .boxed();
        let r = s.put_stream("o/half.bin", failing).await;
        assert!(matches!(r, Err(StoreError::Source(_))), "{len}: {r:?}");
        assert_eq!(s.size("o/half.bin").await.unwrap(), None, "{len}");
        assert!(s.list("").await.unwrap().is_empty(), "{len}");
    }
    if let Some(dir) = &f.dir {
        // No temp file left beside where the object would have gone.
        let left = std::fs::read_dir(dir.path().join("store/o")).map_or(0, |d| d.count());
        assert_eq!(left, 0, "temp files left in the store folder");
    }
}

/// A put cancelled half-way (its future dropped: the client went away and the request
/// was dropped) leaves no temp file.
#[tokio::test]
async fn local_cancelled_put_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Result<Bytes, StoreError>>();
    tx.send(Ok(noise(100_000, 1))).unwrap();
    let put = store.put_stream(
        "o/ef/x.bin",
        stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed(),
    );
    // The stream never ends: the put waits for more until the timeout drops it.
    let r = tokio::time::timeout(std::time::Duration::from_millis(300), put).await;
    assert!(r.is_err(), "the put should still be waiting");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("o/ef"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    drop(tx);
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
