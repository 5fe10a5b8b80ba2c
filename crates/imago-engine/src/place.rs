//! Putting a finished download at its final name, safely.
//!
//! Three promises, in order of importance:
//! 1. Nothing is written outside the output folder: a folder on the way that is a symlink
//!    is refused (even one pointing back inside: it is simpler to explain and a download
//!    tool has no reason to follow links it did not make), and the final folder is
//!    checked once more after canonicalizing.
//! 2. A file the user already has is never replaced: the final move is an atomic
//!    no-clobber rename, so even a file that appears between our check and our move
//!    survives, and the caller gets [`DiskError::Exists`] to pick another name.
//! 3. A crash never leaves a partial image under its final name: the bytes are fsynced
//!    before the move and the folder after it.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::disk_error::DiskError;

/// Moves the finished file `temp` to `root/rel[0]/.../rel[n-1]` and returns that path
/// (with `root` canonicalized, so it is absolute).
///
/// `rel` are single sanitized names (from `imago_core::naming`); the last is the file
/// name. `root` is created when missing; it may itself be a symlink (the user chose it),
/// but nothing below it may be. Missing folders are created.
///
/// Errors: [`DiskError::BadName`] for a component that is not one plain name,
/// [`DiskError::Symlink`] / [`DiskError::Escape`] when the path would leave `root`,
/// [`DiskError::Exists`] when the final name is taken (nothing is changed then, and
/// `temp` is left where it is).
pub fn place(root: &Path, rel: &[String], temp: &Path) -> Result<PathBuf, DiskError> {
    place_inner(root, rel, temp, true)
}

/// [`place`] without its two fsyncs, for a `temp` whose bytes are already on disk (the
/// downloader fsyncs every file it finishes): neither the file again nor the final folder
/// after the rename. The caller flushes each folder once with [`sync_folder`] after its
/// last file. Promise 3 still holds, since the bytes were flushed before the rename; a
/// crash may only forget the rename itself, leaving the temp file, never a partial file
/// under the final name. fsync was most of imago's gap to wget when downloading 5,000
/// small images (bench/README.md, "Notes": 3.0 s with fsync a no-op, 4.7 s with it).
pub fn place_without_fsync(root: &Path, rel: &[String], temp: &Path) -> Result<PathBuf, DiskError> {
    place_inner(root, rel, temp, false)
}

/// Flushes a folder so the names [`place_without_fsync`] gave in it survive a crash.
pub fn sync_folder(dir: &Path) -> Result<(), DiskError> {
    sync_dir(dir)
}

fn place_inner(
    root: &Path,
    rel: &[String],
    temp: &Path,
    sync_each: bool,
) -> Result<PathBuf, DiskError> {
    let (file_name, folders) = match rel.split_last() {
        Some(split) => split,
        None => {
            return Err(DiskError::BadName {
                root: root.to_path_buf(),
                name: String::new(),
                why: "no file name given",
            })
        }
    };
    for name in rel {
        check_name(root, name)?;
    }

    fs::create_dir_all(root).map_err(|e| DiskError::io("create folder", root, e))?;
    let root = fs::canonicalize(root).map_err(|e| DiskError::io("open folder", root, e))?;

    let mut dir = root.clone();
    for name in folders {
        let next = dir.join(name);
        if enter_or_create(&next)? {
            sync_dir(&dir)?;
        }
        dir = next;
    }
    // Belt and braces: every step was checked, but a rename racing with us could still
    // have swapped a folder; canonicalize tells where the bytes would really go.
    let real = fs::canonicalize(&dir).map_err(|e| DiskError::io("open folder", &dir, e))?;
    if !real.starts_with(&root) {
        return Err(DiskError::Escape { path: real, root });
    }

    let dest = real.join(file_name);
    if fs::symlink_metadata(&dest).is_ok() {
        return Err(DiskError::Exists { path: dest });
    }
    if sync_each {
        sync_file(temp)?;
    }
    match rename_no_clobber(temp, &dest) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(DiskError::Exists { path: dest })
        }
        Err(e) => return Err(DiskError::io("move into place", &dest, e)),
    }
    if sync_each {
        sync_dir(&real)?;
    }
    Ok(dest)
}

/// Removes leftover `.imago-*.part` files in `dir` (not below it) whose last change is
/// older than `older_than`: the temporary files of runs that crashed or were killed.
/// Returns how many were removed. A missing `dir` is not an error; a file that cannot be
/// removed is skipped (another run may own it).
pub fn sweep_temp(dir: &Path, older_than: Duration) -> Result<usize, DiskError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(DiskError::io("list folder", dir, e)),
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_temp_name(name) {
            continue;
        }
        // DirEntry::metadata does not follow symlinks: a link named like ours is skipped.
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= older_than);
        if old && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// True for the names [`temp_name`] makes (and the download side uses): `.imago-*.part`.
pub fn is_temp_name(name: &str) -> bool {
    name.len() > ".imago-.part".len() && name.starts_with(".imago-") && name.ends_with(".part")
}

/// A fresh temporary file name, `.imago-<tag>-<pid>-<time>-<n>.part`: hidden, recognisable
/// by [`sweep_temp`], and unique across threads and processes sharing a folder.
pub fn temp_name(tag: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(".imago-{tag}-{}-{nanos:x}-{n}.part", std::process::id())
}

/// Refuses anything but one plain name. The naming module never produces these; this
/// guard keeps a future bug there from becoming a write outside the output folder.
fn check_name(root: &Path, name: &str) -> Result<(), DiskError> {
    let why = if name.is_empty() {
        "empty name"
    } else if name == "." || name == ".." {
        "relative step"
    } else if name.contains('/') || name.contains('\\') {
        "contains a path separator"
    } else if name.contains('\0') {
        "contains a NUL byte"
    } else if cfg!(windows) && name.contains(':') {
        "contains a drive or stream separator"
    } else {
        return Ok(());
    };
    Err(DiskError::BadName {
        root: root.to_path_buf(),
        name: name.to_string(),
        why,
    })
}

/// Makes sure `path` is a real folder (not a symlink), creating it when missing.
/// Returns true when it was created (its parent then needs an fsync).
fn enter_or_create(path: &Path) -> Result<bool, DiskError> {
    // Two tries: a concurrent run may create the folder between our look and our mkdir.
    for _ in 0..2 {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(path).unwrap_or_else(|_| PathBuf::from("?"));
                return Err(DiskError::Symlink {
                    path: path.to_path_buf(),
                    target,
                });
            }
            Ok(meta) if meta.is_dir() => return Ok(false),
            Ok(_) => {
                return Err(DiskError::io(
                    "create folder",
                    path,
                    io::Error::new(
                        io::ErrorKind::NotADirectory,
                        "a file with this name is in the way",
                    ),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(path) {
                Ok(()) => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(DiskError::io("create folder", path, e)),
            },
            Err(e) => return Err(DiskError::io("open folder", path, e)),
        }
    }
    Err(DiskError::io(
        "create folder",
        path,
        io::Error::other("it keeps changing under us"),
    ))
}

/// Flushes a file's bytes to disk before it gets its final name.
fn sync_file(path: &Path) -> Result<(), DiskError> {
    // Write access because Windows refuses to flush a read-only handle.
    OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| DiskError::io("flush", path, e))
}

/// Flushes a folder, so a new name in it survives a crash. Some file systems cannot
/// fsync folders; that is not a reason to fail a download.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), DiskError> {
    #[cfg(unix)]
    {
        let result = File::open(dir).and_then(|f| f.sync_all());
        match result {
            Ok(()) => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(DiskError::io("flush folder", dir, e)),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Renames `from` to `to` unless `to` exists, atomically where the system allows; the
/// error kind is `AlreadyExists` when the name is taken.
///
/// The ways tried, best first: Linux `renameat2(RENAME_NOREPLACE)`; a hard link then
/// unlink (the link fails if the name exists); and for file systems with neither, an
/// exclusive create of an empty file that reserves the name, then a rename over our own
/// reservation (a crash there leaves an empty file, never a user's file replaced and
/// never a half image). Across devices the bytes are first copied next to `to`.
pub(crate) fn rename_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    match renameat2_noreplace(from, to) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            return copy_across_then_place(from, to)
        }
        // Not supported by this file system or kernel: try the portable ways.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)
            ) => {}
        Err(e) => return Err(e),
    }
    portable_no_clobber(from, to)
}

/// The ways that work everywhere (hard link, then reservation + rename).
fn portable_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => {
            // The image is in place; a temp name left behind is swept later, so this
            // is not worth failing over.
            let _ = fs::remove_file(from);
            return Ok(());
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            return copy_across_then_place(from, to)
        }
        Err(_) => {}
    }

    OpenOptions::new().write(true).create_new(true).open(to)?;
    if let Err(e) = fs::rename(from, to) {
        let _ = fs::remove_file(to);
        return Err(e);
    }
    Ok(())
}

/// `from` is on another device: copy it to a temp name beside `to` (same device), then
/// place that.
fn copy_across_then_place(from: &Path, to: &Path) -> io::Result<()> {
    let dir = to.parent().unwrap_or(Path::new("."));
    let near = dir.join(temp_name("move"));
    let result = (|| {
        let mut src = File::open(from)?;
        let mut dst = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&near)?;
        io::copy(&mut src, &mut dst)?;
        dst.sync_all()?;
        drop(dst);
        rename_no_clobber(&near, to)
    })();
    match result {
        Ok(()) => {
            let _ = fs::remove_file(from);
            Ok(())
        }
        Err(e) => {
            let _ = fs::remove_file(&near);
            Err(e)
        }
    }
}

#[cfg(target_os = "linux")]
fn renameat2_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;

    // RENAME_NOREPLACE from <linux/fs.h>; spelled out because not every libc target
    // exports it, while the value is fixed by the kernel ABI.
    const RENAME_NOREPLACE: libc::c_uint = 1;
    let nul = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains NUL"))
    };
    let (from_c, to_c) = (nul(from)?, nul(to)?);
    // SAFETY: both pointers are to NUL-terminated strings that outlive the call; the
    // syscall reads them and touches no other memory of ours. The raw syscall is used
    // because older glibc and musl lack the renameat2 wrapper.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            from_c.as_ptr(),
            libc::AT_FDCWD,
            to_c.as_ptr(),
            RENAME_NOREPLACE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Writes `dir/name` whole or not at all: a temporary file, flushed, then renamed over
/// `name` (a file imago keeps up to date: `index.json`, `product.json`), and the folder
/// flushed. `dir` is created when missing.
pub(crate) fn replace_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, DiskError> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| DiskError::io("create folder", dir, e))?;
    let dest = dir.join(name);
    let temp = dir.join(temp_name("replace"));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(DiskError::io("write", &temp, e));
    }
    if let Err(e) = std::fs::rename(&temp, &dest) {
        let _ = std::fs::remove_file(&temp);
        return Err(DiskError::io("write", &dest, e));
    }
    sync_dir(dir)?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised_and_unique() {
        let a = temp_name("dl");
        let b = temp_name("dl");
        assert_ne!(a, b);
        assert!(is_temp_name(&a), "{a}");
        assert!(!is_temp_name("photo.part"));
        assert!(!is_temp_name(".imago-.part"));
        assert!(!is_temp_name(".imago-x.jpg"));
    }

    #[test]
    fn no_clobber_rename_keeps_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("from");
        let to = dir.path().join("to");
        fs::write(&from, b"new").unwrap();
        fs::write(&to, b"old").unwrap();
        let err = rename_no_clobber(&from, &to).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&to).unwrap(), b"old");
        assert_eq!(fs::read(&from).unwrap(), b"new");
    }

    #[test]
    fn portable_fallback_moves_and_refuses_existing() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("from");
        let to = dir.path().join("to");
        fs::write(&from, b"bytes").unwrap();
        portable_no_clobber(&from, &to).unwrap();
        assert_eq!(fs::read(&to).unwrap(), b"bytes");
        assert!(!from.exists());

        fs::write(&from, b"other").unwrap();
        let err = portable_no_clobber(&from, &to).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&to).unwrap(), b"bytes");
    }

    #[test]
    fn copy_across_places_bytes_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("from");
        let to = dir.path().join("sub").join("to");
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(&from, b"copied").unwrap();
        copy_across_then_place(&from, &to).unwrap();
        assert_eq!(fs::read(&to).unwrap(), b"copied");
        assert!(!from.exists());
        let left: Vec<_> = fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(left.len(), 1, "only the placed file remains");
    }
}
