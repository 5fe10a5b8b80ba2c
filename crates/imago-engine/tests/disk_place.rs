//! Placing finished downloads: the right name, never outside the output folder, never
//! over a file the user has.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use imago_engine::place::{place, place_without_fsync, sweep_temp, sync_folder, temp_name};
use imago_engine::DiskError;

fn names(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// A finished download waiting in `dir` under a temp name.
fn temp_with(dir: &Path, bytes: &[u8]) -> PathBuf {
    let p = dir.join(temp_name("test"));
    fs::write(&p, bytes).unwrap();
    p
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn file_lands_at_its_name_and_temp_is_gone() {
    let root = tempfile::tempdir().unwrap();
    let temp = temp_with(root.path(), b"\xff\xd8jpeg bytes");
    let got = place(root.path(), &names(&["photo.jpg"]), &temp).unwrap();
    let want = fs::canonicalize(root.path()).unwrap().join("photo.jpg");
    assert_eq!(got, want);
    assert_eq!(fs::read(&want).unwrap(), b"\xff\xd8jpeg bytes");
    assert!(!temp.exists());
}

#[test]
fn nested_folders_are_created() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out"); // does not exist yet
    let temp = temp_with(root.path(), b"png");
    let got = place(&out, &names(&["shop.example", "Red shoe", "01.png"]), &temp).unwrap();
    assert!(got.ends_with("out/shop.example/Red shoe/01.png"), "{got:?}");
    assert_eq!(fs::read(&got).unwrap(), b"png");
}

#[test]
fn existing_file_is_never_overwritten() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir(root.path().join("page")).unwrap();
    let mine = root.path().join("page").join("a.jpg");
    fs::write(&mine, b"the user's own picture").unwrap();
    let temp = temp_with(root.path(), b"downloaded");

    let err = place(root.path(), &names(&["page", "a.jpg"]), &temp).unwrap_err();
    assert!(matches!(err, DiskError::Exists { .. }), "{err:?}");
    assert!(err.to_string().contains("a.jpg"), "{err}");
    assert_eq!(fs::read(&mine).unwrap(), b"the user's own picture");
    // The download is still there for the caller to place under another name.
    assert_eq!(fs::read(&temp).unwrap(), b"downloaded");
    let second = place(root.path(), &names(&["page", "a-1.jpg"]), &temp).unwrap();
    assert_eq!(fs::read(second).unwrap(), b"downloaded");
}

#[test]
fn racing_placers_of_one_name_produce_one_winner() {
    // Eight downloads finishing at once under the same name: the no-clobber move must
    // let exactly one through and keep its bytes intact.
    let root = tempfile::tempdir().unwrap();
    let temps: Vec<PathBuf> = (0..8u8)
        .map(|i| temp_with(root.path(), &[i; 4096]))
        .collect();
    let results: Vec<Result<PathBuf, DiskError>> = std::thread::scope(|s| {
        let handles: Vec<_> = temps
            .iter()
            .map(|t| s.spawn(|| place(root.path(), &names(&["same.bin"]), t)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1, "{results:?}");
    assert!(results
        .iter()
        .all(|r| r.is_ok() || matches!(r, Err(DiskError::Exists { .. }))));
    let content = fs::read(root.path().join("same.bin")).unwrap();
    assert_eq!(content.len(), 4096);
    assert!(content.iter().all(|&b| b == content[0]), "mixed bytes");
}

#[test]
fn relative_steps_and_separators_are_refused() {
    let base = tempfile::tempdir().unwrap();
    let root = base.path().join("out");
    fs::create_dir(&root).unwrap();
    let temp = temp_with(base.path(), b"x");
    let bad: &[&[&str]] = &[
        &["..", "x.jpg"],
        &["a", "..", "..", "x.jpg"],
        &[".."],
        &["."],
        &["a/../../x.jpg"],
        &["..\\x.jpg"],
        &["", "x.jpg"],
        &["/etc", "passwd"],
        &["x\0.jpg"],
        &[],
    ];
    for rel in bad {
        let err = place(&root, &names(rel), &temp).unwrap_err();
        assert!(matches!(err, DiskError::BadName { .. }), "{rel:?}: {err:?}");
    }
    // Nothing was written anywhere, and the temp is untouched.
    assert!(files_under(&root).is_empty());
    assert_eq!(files_under(base.path()), vec![temp.clone()]);
}

#[test]
fn a_file_in_the_way_of_a_folder_is_reported_with_its_path() {
    let root = tempfile::tempdir().unwrap();
    fs::write(root.path().join("page"), b"not a folder").unwrap();
    let temp = temp_with(root.path(), b"x");
    let err = place(root.path(), &names(&["page", "a.jpg"]), &temp).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("cannot create folder "), "{msg}");
    assert!(msg.contains("page"), "{msg}");
    assert_eq!(fs::read(root.path().join("page")).unwrap(), b"not a folder");
}

#[cfg(unix)]
mod symlinks {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn folder_symlink_pointing_outside_is_refused() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("out");
        let outside = base.path().join("elsewhere");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&outside).unwrap();
        symlink(&outside, root.join("page")).unwrap();
        let temp = temp_with(base.path(), b"x");

        let err = place(&root, &names(&["page", "a.jpg"]), &temp).unwrap_err();
        assert!(matches!(err, DiskError::Symlink { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.starts_with("refusing to write through symlink"),
            "{msg}"
        );
        assert!(msg.contains("elsewhere"), "{msg}");
        assert!(files_under(&outside).is_empty());
        assert!(temp.exists());
    }

    #[test]
    fn deeper_symlink_is_refused_too() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("out");
        let outside = base.path().join("elsewhere");
        fs::create_dir_all(root.join("host")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        symlink(&outside, root.join("host").join("page")).unwrap();
        let temp = temp_with(base.path(), b"x");

        let err = place(&root, &names(&["host", "page", "sub", "a.jpg"]), &temp).unwrap_err();
        assert!(matches!(err, DiskError::Symlink { .. }), "{err:?}");
        // Not even the "sub" folder was created through the link.
        assert!(fs::read_dir(&outside).unwrap().next().is_none());
    }

    #[test]
    fn symlink_pointing_inside_is_refused_as_well() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("real")).unwrap();
        symlink(root.path().join("real"), root.path().join("alias")).unwrap();
        let temp = temp_with(root.path(), b"x");
        let err = place(root.path(), &names(&["alias", "a.jpg"]), &temp).unwrap_err();
        assert!(matches!(err, DiskError::Symlink { .. }), "{err:?}");
    }

    #[test]
    fn final_name_that_is_a_symlink_is_not_written_through() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("out");
        fs::create_dir(&root).unwrap();
        let target = base.path().join("precious.txt");
        fs::write(&target, b"keep me").unwrap();
        symlink(&target, root.join("a.jpg")).unwrap();
        // And a dangling one: it still takes the name.
        symlink(base.path().join("missing"), root.join("b.jpg")).unwrap();
        let temp = temp_with(base.path(), b"x");

        for name in ["a.jpg", "b.jpg"] {
            let err = place(&root, &names(&[name]), &temp).unwrap_err();
            assert!(matches!(err, DiskError::Exists { .. }), "{name}: {err:?}");
        }
        assert_eq!(fs::read(&target).unwrap(), b"keep me");
        assert!(!base.path().join("missing").exists());
    }

    #[test]
    fn root_itself_may_be_a_symlink() {
        // The user chose `-o link-to-somewhere`; that is theirs to decide.
        let base = tempfile::tempdir().unwrap();
        let real = base.path().join("real");
        fs::create_dir(&real).unwrap();
        symlink(&real, base.path().join("link")).unwrap();
        let temp = temp_with(base.path(), b"ok");
        place(&base.path().join("link"), &names(&["p", "a.jpg"]), &temp).unwrap();
        assert_eq!(fs::read(real.join("p").join("a.jpg")).unwrap(), b"ok");
    }
}

#[test]
fn sweep_removes_only_old_imago_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join(".imago-dl-1-2-3.part");
    let fresh = dir.path().join(".imago-dl-4-5-6.part");
    let users = dir.path().join("holiday.jpg.part");
    let image = dir.path().join("a.jpg");
    for p in [&old, &fresh, &users, &image] {
        fs::write(p, b"x").unwrap();
    }
    let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
    for p in [&old, &users, &image] {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let removed = sweep_temp(dir.path(), Duration::from_secs(3600)).unwrap();
    assert_eq!(removed, 1);
    assert!(!old.exists());
    assert!(fresh.exists() && users.exists() && image.exists());
    assert_eq!(
        sweep_temp(&dir.path().join("missing"), Duration::ZERO).unwrap(),
        0
    );
}

/// The grab pipeline's variant (no fsync of its own) keeps the promises that matter:
/// the name, no overwrite, the temp left for another name.
#[test]
fn place_synced_lands_files_and_never_overwrites() {
    let root = tempfile::tempdir().unwrap();
    let temp = temp_with(root.path(), b"first");
    let got = place_without_fsync(root.path(), &names(&["page", "a.jpg"]), &temp).unwrap();
    assert_eq!(fs::read(&got).unwrap(), b"first");
    assert!(!temp.exists());

    let again = temp_with(root.path(), b"second");
    let err = place_without_fsync(root.path(), &names(&["page", "a.jpg"]), &again).unwrap_err();
    assert!(matches!(err, DiskError::Exists { .. }), "{err:?}");
    assert_eq!(fs::read(&got).unwrap(), b"first");
    assert_eq!(fs::read(&again).unwrap(), b"second");
    sync_folder(got.parent().unwrap()).unwrap();
}
