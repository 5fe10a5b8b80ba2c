//! The one error type of the disk side (archive, placing files, zip, metadata). Every
//! message names the path it is about, because "permission denied" alone does not tell a
//! user which of a thousand files or folders to look at.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What went wrong while writing to disk. Each variant carries the path it concerns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiskError {
    /// A file system call failed: `cannot create folder /x/y: permission denied`.
    #[error("cannot {action} {}: {}", path.display(), Reason(source))]
    Io {
        /// What was being done, as a verb phrase ("create folder", "read", "rename").
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A folder inside the output folder is a symlink (or resolves outside it): writing
    /// through it could land anywhere, so nothing is written.
    #[error("refusing to write through symlink {} -> {}", path.display(), target.display())]
    Symlink { path: PathBuf, target: PathBuf },
    /// The final path would resolve outside the output folder.
    #[error("refusing to write {} outside the output folder {}", path.display(), root.display())]
    Escape { path: PathBuf, root: PathBuf },
    /// A file (or anything else) already has this name; it is never overwritten. The
    /// caller picks another unique name.
    #[error("{} already exists; not overwriting it", path.display())]
    Exists { path: PathBuf },
    /// A path component or zip entry name that is not a single safe name (`..`, empty,
    /// a separator, NUL). Names from `imago_core::naming` never are; this is a guard.
    #[error("unsafe name {name:?} under {}: {why}", root.display())]
    BadName {
        root: PathBuf,
        name: String,
        why: &'static str,
    },
    /// The download archive (SQLite) failed.
    #[error("download archive {}: {source}", path.display())]
    Archive {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The download archive was written by a newer imago; it is left untouched.
    #[error(
        "download archive {} has schema version {found}, newer than this imago understands ({supported}); upgrade imago or use another archive file",
        path.display()
    )]
    ArchiveTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// A value read from the archive does not fit (a negative size): the file is damaged.
    #[error("download archive {} is damaged: {what}", path.display())]
    ArchiveDamaged { path: PathBuf, what: String },
    /// Writing the zip file failed.
    #[error("cannot write zip {}: {source}", path.display())]
    Zip {
        path: PathBuf,
        #[source]
        source: zip::result::ZipError,
    },
    /// The same entry name was added twice to one zip.
    #[error("zip {} already has an entry named {name:?}", path.display())]
    ZipDuplicate { path: PathBuf, name: String },
    /// An earlier failure left the zip in a state where it cannot be completed safely.
    #[error("zip {} is unusable after an earlier error; it will not be completed", path.display())]
    ZipBroken { path: PathBuf },
    /// An `index.json` could not be written or read.
    #[error("cannot {action} {}: {source}", path.display())]
    Json {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl DiskError {
    /// Shorthand for [`DiskError::Io`].
    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> DiskError {
        DiskError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// An `io::Error` as a short lowercase reason ("permission denied"), without the
/// "(os error 13)" tail std adds, so it reads well after a path.
struct Reason<'a>(&'a io::Error);

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let full = self.0.to_string();
        let text = match full.rfind(" (os error ") {
            Some(i) if full.ends_with(')') => &full[..i],
            _ => full.as_str(),
        };
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => {
                for c in first.to_lowercase() {
                    write!(f, "{c}")?;
                }
                f.write_str(chars.as_str())
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_message_names_path_and_short_reason() {
        let e = DiskError::io(
            "create folder",
            Path::new("/x/y"),
            io::Error::from_raw_os_error(13),
        );
        let msg = e.to_string();
        #[cfg(unix)]
        assert_eq!(msg, "cannot create folder /x/y: permission denied");
        assert!(!msg.contains("os error"), "{msg}");
    }

    #[test]
    fn symlink_message_shows_target() {
        let e = DiskError::Symlink {
            path: PathBuf::from("/out/a"),
            target: PathBuf::from("/etc"),
        };
        assert_eq!(
            e.to_string(),
            "refusing to write through symlink /out/a -> /etc"
        );
    }
}
