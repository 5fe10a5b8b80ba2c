//! `--zip FILE`: one zip, streamed, complete or absent.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use imago_engine::zipout::ZipOut;
use imago_engine::DiskError;
use zip::{CompressionMethod, ZipArchive};

/// Bytes that do not compress to nothing and differ per seed.
fn pattern(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn write_src(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

/// Every entry of the zip at `path`: name, compression, bytes.
fn read_zip(path: &Path) -> Vec<(String, CompressionMethod, Vec<u8>)> {
    let mut z = ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (f.name().to_string(), f.compression(), buf)
        })
        .collect()
}

fn part_of(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(".part");
    PathBuf::from(s)
}

#[test]
fn entries_read_back_with_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let jpg = pattern(1, 70_000);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>".repeat(50);
    let png = pattern(2, 3);
    let sources = [
        (
            "shop.example/Red shoe/01.jpg",
            write_src(dir.path(), "s1", &jpg),
        ),
        (
            "shop.example/Red shoe/02.svg",
            write_src(dir.path(), "s2", &svg),
        ),
        ("other.example/x.png", write_src(dir.path(), "s3", &png)),
    ];
    let out = dir.path().join("images.zip");
    let mut z = ZipOut::create(&out).unwrap();
    for (name, src) in &sources {
        z.add_file(name, src).unwrap();
    }
    z.add_bytes("shop.example/Red shoe/index.json", b"{\"page\":\"p\"}")
        .unwrap();
    assert_eq!(z.len(), 4);
    assert_eq!(z.finish().unwrap(), out);

    let entries = read_zip(&out);
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "shop.example/Red shoe/01.jpg",
            "shop.example/Red shoe/02.svg",
            "other.example/x.png",
            "shop.example/Red shoe/index.json"
        ]
    );
    assert_eq!(entries[0].2, jpg);
    assert_eq!(entries[1].2, svg);
    assert_eq!(entries[2].2, png);
    assert_eq!(entries[3].2, b"{\"page\":\"p\"}");
    // Already-compressed images are stored; SVG and JSON are deflated.
    assert_eq!(entries[0].1, CompressionMethod::Stored);
    assert_eq!(entries[1].1, CompressionMethod::Deflated);
    assert_eq!(entries[2].1, CompressionMethod::Stored);
    assert_eq!(entries[3].1, CompressionMethod::Deflated);
    assert!(!part_of(&out).exists());
}

#[test]
fn entries_reach_the_disk_as_they_are_added() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.zip");
    let mut z = ZipOut::create(&out).unwrap();
    let mut total = 0u64;
    for i in 0..4u32 {
        let bytes = pattern(i, 1 << 20);
        total += bytes.len() as u64;
        let src = write_src(dir.path(), &format!("src{i}"), &bytes);
        z.add_file(&format!("{i}.jpg"), &src).unwrap();
        // Written as FILE.part, which grows with each entry; FILE does not exist yet.
        let on_disk = fs::metadata(part_of(&out)).unwrap().len();
        assert!(!out.exists());
        assert!(
            on_disk + 512 * 1024 >= total,
            "only {on_disk} of {total} bytes on disk after entry {i}"
        );
    }
    z.finish().unwrap();
    let entries = read_zip(&out);
    assert_eq!(entries.len(), 4);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.2, pattern(i as u32, 1 << 20), "entry {i}");
    }
}

#[test]
fn dropped_zip_leaves_no_file_and_no_part() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.zip");
    let src = write_src(dir.path(), "s", &pattern(3, 10_000));
    {
        let mut z = ZipOut::create(&out).unwrap();
        z.add_file("a.jpg", &src).unwrap();
        assert!(part_of(&out).exists());
        // The run fails here: z is dropped without finish().
    }
    assert!(!out.exists());
    assert!(!part_of(&out).exists());
}

#[test]
fn missing_source_fails_that_entry_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.zip");
    let good = write_src(dir.path(), "good", b"good bytes");
    let mut z = ZipOut::create(&out).unwrap();
    let err = z
        .add_file("gone.jpg", &dir.path().join("no-such-file"))
        .unwrap_err();
    assert!(err.to_string().contains("no-such-file"), "{err}");
    z.add_file("good.jpg", &good).unwrap();
    z.finish().unwrap();
    let entries = read_zip(&out);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].0.as_str(), entries[0].2.as_slice()),
        ("good.jpg", &b"good bytes"[..])
    );
}

#[cfg(target_os = "linux")]
#[test]
fn source_failing_mid_read_is_taken_back_out() {
    // On Linux a folder opens fine and fails on read (EISDIR): the entry has started
    // when the failure comes, which is the case abort_file must undo.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.zip");
    let before = write_src(dir.path(), "b", &pattern(5, 5000));
    let after = write_src(dir.path(), "a", &pattern(6, 7000));
    let mut z = ZipOut::create(&out).unwrap();
    z.add_file("before.jpg", &before).unwrap();
    assert!(z.add_file("broken.jpg", dir.path()).is_err());
    z.add_file("after.jpg", &after).unwrap();
    z.finish().unwrap();
    let entries = read_zip(&out);
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["before.jpg", "after.jpg"]);
    assert_eq!(entries[0].2, pattern(5, 5000));
    assert_eq!(entries[1].2, pattern(6, 7000));
}

#[test]
fn duplicate_entry_name_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.zip");
    let a = write_src(dir.path(), "a", b"first");
    let b = write_src(dir.path(), "b", b"second");
    let mut z = ZipOut::create(&out).unwrap();
    z.add_file("p/x.jpg", &a).unwrap();
    let err = z.add_file("p/x.jpg", &b).unwrap_err();
    assert!(matches!(err, DiskError::ZipDuplicate { .. }), "{err:?}");
    z.finish().unwrap();
    let entries = read_zip(&out);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].2, b"first");
}

#[test]
fn unsafe_entry_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = write_src(dir.path(), "s", b"x");
    let mut z = ZipOut::create(&dir.path().join("o.zip")).unwrap();
    for bad in [
        "../x.jpg",
        "/abs.jpg",
        "a/../../x.jpg",
        "a\\b.jpg",
        "C:/x.jpg",
        "",
    ] {
        let err = z.add_file(bad, &src).unwrap_err();
        assert!(matches!(err, DiskError::BadName { .. }), "{bad:?}: {err:?}");
    }
    assert!(z.is_empty());
}

#[test]
fn existing_zip_is_not_replaced_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.zip");
    fs::write(&out, b"an older zip of the user").unwrap();
    let err = ZipOut::create(&out).unwrap_err();
    assert!(matches!(err, DiskError::Exists { .. }), "{err:?}");
    assert_eq!(fs::read(&out).unwrap(), b"an older zip of the user");
    assert!(!part_of(&out).exists());

    let src = write_src(dir.path(), "s", b"new");
    let mut z = ZipOut::create_replacing(&out).unwrap();
    z.add_file("n.jpg", &src).unwrap();
    // Until finish, the old file is still whole.
    assert_eq!(fs::read(&out).unwrap(), b"an older zip of the user");
    z.finish().unwrap();
    assert_eq!(read_zip(&out)[0].2, b"new");
}

#[test]
fn zip_that_appears_meanwhile_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.zip");
    let src = write_src(dir.path(), "s", b"new");
    let mut z = ZipOut::create(&out).unwrap();
    z.add_file("n.jpg", &src).unwrap();
    fs::write(&out, b"someone else's").unwrap();
    let err = z.finish().unwrap_err();
    assert!(matches!(err, DiskError::Exists { .. }), "{err:?}");
    assert_eq!(fs::read(&out).unwrap(), b"someone else's");
    assert!(!part_of(&out).exists());
}

#[test]
fn stale_part_of_a_crashed_run_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.zip");
    fs::write(part_of(&out), b"half a zip from yesterday").unwrap();
    let src = write_src(dir.path(), "s", b"fresh");
    let mut z = ZipOut::create(&out).unwrap();
    z.add_file("f.jpg", &src).unwrap();
    z.finish().unwrap();
    assert_eq!(read_zip(&out)[0].2, b"fresh");
}

#[test]
fn empty_zip_is_still_a_valid_zip() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub").join("empty.zip");
    ZipOut::create(&out).unwrap().finish().unwrap();
    assert!(read_zip(&out).is_empty());
}

#[cfg(unix)]
#[test]
fn symlink_named_like_the_part_file_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.zip");
    let target = dir.path().join("precious");
    fs::write(&target, b"keep").unwrap();
    std::os::unix::fs::symlink(&target, part_of(&out)).unwrap();
    let err = ZipOut::create(&out).unwrap_err();
    assert!(matches!(err, DiskError::Symlink { .. }), "{err:?}");
    assert_eq!(fs::read(&target).unwrap(), b"keep");
}

#[test]
fn zip_can_move_to_a_blocking_thread() {
    fn is_send<T: Send + 'static>() {}
    is_send::<ZipOut>();
}
