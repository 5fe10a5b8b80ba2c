//! `--zip FILE`: every saved image goes into one zip instead of loose files.
//!
//! The zip is streamed: each entry is copied to disk as it is added, and memory holds
//! only the list of names (the central directory). It is written as `FILE.part` and
//! renamed to `FILE` by [`ZipOut::finish`]; a run that fails or is dropped midway removes
//! `FILE.part`, so a `FILE` on disk is always a complete zip.
//!
//! An existing `FILE` is never replaced by [`ZipOut::create`] (the same promise as for
//! loose images: what the user already has stays); [`ZipOut::create_replacing`] replaces
//! it, for a caller that was told to (no imago command is yet: `--zip` never overwrites).
//! Images are stored as they are, since
//! JPEG, PNG, WebP and friends are compressed already; formats that are not (SVG, BMP,
//! ICO, TIFF, JSON, text) are deflated.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::disk_error::DiskError;
use crate::place::{rename_no_clobber, sync_dir};

/// A zip being written (see the module doc).
pub struct ZipOut {
    path: PathBuf,
    part: PathBuf,
    writer: Option<ZipWriter<Sink>>,
    /// Set before dropping an unfinished writer, so its finalize-on-drop writes nothing.
    abandoned: Arc<AtomicBool>,
    names: HashSet<String>,
    replace: bool,
    /// An entry failed in a way that could not be undone; finishing would be a lie.
    broken: bool,
    /// `FILE.part` has been renamed (or removed): nothing for `Drop` to clean.
    done: bool,
}

impl std::fmt::Debug for ZipOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipOut")
            .field("path", &self.path)
            .field("entries", &self.names.len())
            .finish()
    }
}

impl ZipOut {
    /// Starts a zip that will be `path`. Refuses when `path` already exists
    /// ([`DiskError::Exists`]); the check is repeated atomically at [`ZipOut::finish`].
    /// Missing parent folders are created.
    pub fn create(path: &Path) -> Result<ZipOut, DiskError> {
        ZipOut::start(path, false)
    }

    /// Like [`ZipOut::create`], but a `path` that exists is replaced (atomically, at
    /// finish) instead of refused. A folder is still refused.
    pub fn create_replacing(path: &Path) -> Result<ZipOut, DiskError> {
        ZipOut::start(path, true)
    }

    fn start(path: &Path, replace: bool) -> Result<ZipOut, DiskError> {
        if let Ok(meta) = fs::symlink_metadata(path) {
            if !replace || meta.is_dir() {
                return Err(DiskError::Exists {
                    path: path.to_path_buf(),
                });
            }
        }
        let Some(file_name) = path.file_name() else {
            return Err(DiskError::BadName {
                root: path.to_path_buf(),
                name: path.display().to_string(),
                why: "a zip needs a file name",
            });
        };
        let mut part_name = file_name.to_os_string();
        part_name.push(".part");
        let part = path.with_file_name(part_name);
        if let Some(parent) = part.parent() {
            if !parent.as_os_str().is_empty() {
                fs::create_dir_all(parent)
                    .map_err(|e| DiskError::io("create folder", parent, e))?;
            }
        }
        // A FILE.part left by a crashed run is ours to replace; a symlink by that name is
        // not something we made, and opening it would write wherever it points.
        match fs::symlink_metadata(&part) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&part).unwrap_or_else(|_| PathBuf::from("?"));
                return Err(DiskError::Symlink { path: part, target });
            }
            Ok(_) => fs::remove_file(&part).map_err(|e| DiskError::io("remove", &part, e))?,
            Err(_) => {}
        }
        let file = OpenOptions::new()
            .write(true)
            .read(true)
            .create_new(true)
            .open(&part)
            .map_err(|e| DiskError::io("create", &part, e))?;
        let abandoned = Arc::new(AtomicBool::new(false));
        let sink = Sink {
            inner: BufWriter::with_capacity(256 * 1024, file),
            abandoned: abandoned.clone(),
        };
        Ok(ZipOut {
            path: path.to_path_buf(),
            part,
            writer: Some(ZipWriter::new(sink)),
            abandoned,
            names: HashSet::new(),
            replace,
            broken: false,
            done: false,
        })
    }

    /// Copies the file `src` into the zip as `name`, a `/`-separated relative path of
    /// plain names. A name used before is refused ([`DiskError::ZipDuplicate`]: the
    /// caller makes names unique). When reading `src` fails midway the partial entry is
    /// taken out again and the zip stays usable.
    pub fn add_file(&mut self, name: &str, src: &Path) -> Result<(), DiskError> {
        self.check_open(name)?;
        let mut input = File::open(src).map_err(|e| DiskError::io("read", src, e))?;
        let meta = input
            .metadata()
            .map_err(|e| DiskError::io("read", src, e))?;
        let time = meta.modified().map(zip_time).unwrap_or_default();
        self.add_entry(name, &mut input, meta.len(), time, src)
    }

    /// Adds `data` as the entry `name` (an `index.json`, say), dated now. Same rules
    /// as [`ZipOut::add_file`].
    pub fn add_bytes(&mut self, name: &str, data: &[u8]) -> Result<(), DiskError> {
        self.check_open(name)?;
        let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
        let mut input = data;
        let time = zip_time(SystemTime::now());
        self.add_entry(name, &mut input, len, time, Path::new(name))
    }

    fn check_open(&self, name: &str) -> Result<(), DiskError> {
        if self.broken {
            return Err(DiskError::ZipBroken {
                path: self.path.clone(),
            });
        }
        check_entry_name(&self.path, name)?;
        if self.names.contains(name) {
            return Err(DiskError::ZipDuplicate {
                path: self.path.clone(),
                name: name.to_string(),
            });
        }
        Ok(())
    }

    /// Streams one entry; `src` names the source in errors.
    fn add_entry(
        &mut self,
        name: &str,
        input: &mut impl Read,
        len: u64,
        time: DateTime,
        src: &Path,
    ) -> Result<(), DiskError> {
        let options = SimpleFileOptions::default()
            .compression_method(compression_for(name))
            .large_file(len >= u64::from(u32::MAX))
            .unix_permissions(0o644)
            .last_modified_time(time);
        let Some(writer) = self.writer.as_mut() else {
            return Err(DiskError::ZipBroken {
                path: self.path.clone(),
            });
        };
        if let Err(source) = writer.start_file(name, options) {
            // Whether the entry got half-registered is not knowable from outside, and
            // undoing the wrong one would drop a good image: stop here.
            self.broken = true;
            return Err(DiskError::Zip {
                path: self.path.clone(),
                source,
            });
        }
        if let Err(e) = copy_entry(input, writer) {
            if writer.abort_file().is_err() {
                self.broken = true;
            }
            return Err(match e {
                CopyError::Read(e) => DiskError::io("read", src, e),
                CopyError::Write(e) => DiskError::io("write", &self.part, e),
            });
        }
        self.names.insert(name.to_string());
        Ok(())
    }

    /// Writes the central directory, flushes, and renames `FILE.part` to `FILE`;
    /// returns `FILE`. With [`ZipOut::create`], a `FILE` that appeared meanwhile is not
    /// replaced: [`DiskError::Exists`], and `FILE.part` is removed.
    pub fn finish(mut self) -> Result<PathBuf, DiskError> {
        if self.broken {
            return Err(DiskError::ZipBroken {
                path: self.path.clone(),
            });
        }
        let Some(writer) = self.writer.take() else {
            return Err(DiskError::ZipBroken {
                path: self.path.clone(),
            });
        };
        let sink = writer.finish().map_err(|source| DiskError::Zip {
            path: self.path.clone(),
            source,
        })?;
        let part = self.part.clone();
        let mut file = sink
            .inner
            .into_inner()
            .map_err(|e| DiskError::io("write", &part, e.into_error()))?;
        // An entry taken back by abort_file may have left bytes past the end of the
        // central directory; readers look for it at the very end, so cut them off.
        let end = file
            .stream_position()
            .map_err(|e| DiskError::io("write", &part, e))?;
        file.set_len(end)
            .and_then(|()| file.sync_all())
            .map_err(|e| DiskError::io("write", &part, e))?;
        drop(file);

        let moved = if self.replace {
            fs::rename(&part, &self.path)
        } else {
            rename_no_clobber(&part, &self.path)
        };
        match moved {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(DiskError::Exists {
                    path: self.path.clone(),
                })
            }
            Err(e) => return Err(DiskError::io("rename", &self.path, e)),
        }
        self.done = true;
        if let Some(parent) = self.path.parent() {
            if !parent.as_os_str().is_empty() {
                sync_dir(parent)?;
            }
        }
        Ok(self.path.clone())
    }

    /// The final path of the zip.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many entries were added.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True before the first entry.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl Drop for ZipOut {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // ZipWriter finishes the archive when dropped; make that a no-op, close the file,
        // then remove it (Windows cannot remove an open file).
        self.abandoned.store(true, Ordering::SeqCst);
        drop(self.writer.take());
        let _ = fs::remove_file(&self.part);
    }
}

/// The file under the zip writer. Once the `ZipOut` is abandoned every write is
/// swallowed, so the zip crate's finish-on-drop neither spends time nor prints errors
/// about a file that is about to be deleted.
struct Sink {
    inner: BufWriter<File>,
    abandoned: Arc<AtomicBool>,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.abandoned.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.abandoned.load(Ordering::Relaxed) {
            return Ok(());
        }
        self.inner.flush()
    }
}

impl Seek for Sink {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// `io::copy`, but telling a failing source from a failing zip.
fn copy_entry(input: &mut impl Read, out: &mut impl Write) -> Result<(), CopyError> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        let chunk = buf.get(..n).unwrap_or(&[]);
        out.write_all(chunk).map_err(CopyError::Write)?;
    }
}

/// Refuses entry names that would extract outside the target folder or not at all.
fn check_entry_name(zip: &Path, name: &str) -> Result<(), DiskError> {
    let why = if name.is_empty() {
        Some("empty name")
    } else if name.starts_with('/') {
        Some("absolute path")
    } else if name.contains('\\') {
        Some("backslash (a separator on Windows)")
    } else if name.contains('\0') {
        Some("contains a NUL byte")
    } else if name.contains(':') {
        Some("contains ':' (a drive or stream separator on Windows)")
    } else if name
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        Some("empty, '.' or '..' path component")
    } else {
        None
    };
    match why {
        None => Ok(()),
        Some(why) => Err(DiskError::BadName {
            root: zip.to_path_buf(),
            name: name.to_string(),
            why,
        }),
    }
}

/// Formats whose bytes are compressed already: deflating them costs time and saves
/// nothing. Everything else (SVG, BMP, ICO, TIFF, JSON, text) is deflated.
const STORED_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "jfif", "png", "apng", "gif", "webp", "avif", "heic", "heif", "jxl",
    "svgz", "gz", "zip", "br", "zst", "xz", "bz2", "7z", "mp4", "webm", "mov", "woff", "woff2",
];

fn compression_for(name: &str) -> CompressionMethod {
    let file = name.rsplit('/').next().unwrap_or(name);
    let ext = match file.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => return CompressionMethod::Deflated,
    };
    if STORED_EXTENSIONS.contains(&ext.as_str()) {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    }
}

/// A file time as a zip timestamp (UTC; zip has no time zone). Times outside the zip
/// range (1980-2107) become the zip default, 1980-01-01.
fn zip_time(t: SystemTime) -> DateTime {
    let Ok(since) = t.duration_since(UNIX_EPOCH) else {
        return DateTime::default();
    };
    let t =
        imago_core::dates::DateTime::from_unix(i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
    let Ok(year) = u16::try_from(t.year) else {
        return DateTime::default();
    };
    DateTime::from_date_and_time(year, t.month, t.day, t.hour, t.minute, t.second)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_time_keeps_the_clock() {
        // 2024-05-06 07:08:10 UTC = 1_714_979_290 (`date -u -d @1714979290`). Zip
        // (DOS) time counts seconds in twos, so an even second survives exactly.
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_714_979_290);
        let z = zip_time(t);
        assert_eq!(
            (
                z.year(),
                z.month(),
                z.day(),
                z.hour(),
                z.minute(),
                z.second()
            ),
            (2024, 5, 6, 7, 8, 10)
        );
        assert_eq!(zip_time(UNIX_EPOCH), DateTime::default());
    }

    #[test]
    fn compression_follows_format() {
        assert_eq!(compression_for("a/b.JPG"), CompressionMethod::Stored);
        assert_eq!(compression_for("x.webp"), CompressionMethod::Stored);
        assert_eq!(compression_for("x.svg"), CompressionMethod::Deflated);
        assert_eq!(compression_for("x.bmp"), CompressionMethod::Deflated);
        assert_eq!(compression_for("x.tiff"), CompressionMethod::Deflated);
        assert_eq!(
            compression_for("dir.jpg/index.json"),
            CompressionMethod::Deflated
        );
        assert_eq!(compression_for("noext"), CompressionMethod::Deflated);
    }

    #[test]
    fn entry_names_must_stay_inside() {
        let z = Path::new("/o.zip");
        for bad in [
            "", "/etc/x", "a/../b", "..", "a//b", "./a", "a\\b", "c:/x", "a/", "a\0b",
        ] {
            assert!(check_entry_name(z, bad).is_err(), "{bad:?} accepted");
        }
        for good in ["a.jpg", "host/page/01.png", "..a/b..c.jpg"] {
            assert!(check_entry_name(z, good).is_ok(), "{good:?} refused");
        }
    }
}
