//! The embedded default: objects are files under one folder.
//!
//! A put writes a temp file beside its target, fsyncs it, renames it over the target
//! and fsyncs the folder, so a crash leaves the old object or the new one, never half
//! of one. Temp files left by a crash are removed when the store is opened.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

use super::key::{clamp_range, validate_key, validate_prefix, TEMP_MARK};
use super::{Store, StoreError};

/// Objects as files under a root folder; keys map to relative paths.
#[derive(Clone, Debug)]
pub struct LocalStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    root: PathBuf,
    /// Makes temp names unique within the process; the pid and a random part make them
    /// unique across processes sharing the folder.
    counter: AtomicU64,
}

fn backend(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("{what}: {e}"))
}

impl LocalStore {
    /// Opens the store at `root` (created when missing) and removes temp files a crash
    /// left behind.
    pub async fn open(root: impl Into<PathBuf>) -> Result<LocalStore, StoreError> {
        let root = root.into();
        let store = LocalStore {
            inner: Arc::new(Inner {
                root,
                counter: AtomicU64::new(0),
            }),
        };
        let inner = store.inner.clone();
        blocking(move || {
            fs::create_dir_all(&inner.root).map_err(|e| backend("create store folder", e))?;
            remove_temp_files(&inner.root).map_err(|e| backend("remove temp files", e))
        })
        .await?;
        Ok(store)
    }

    /// The folder the objects live in.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    fn path_of(&self, key: &str) -> Result<PathBuf, StoreError> {
        validate_key(key)?;
        Ok(self.inner.root.join(key))
    }
}

async fn blocking<T, F>(f: F) -> Result<T, StoreError>
where
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| backend("store task", e))?
}

/// Walks the tree and deletes every file whose name carries the temp mark.
fn remove_temp_files(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            remove_temp_files(&entry.path())?;
        } else if entry.file_name().to_string_lossy().starts_with(TEMP_MARK) {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Not-found and "that is a folder" both mean: no such object.
fn is_absent(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::IsADirectory | io::ErrorKind::NotADirectory
    )
}

fn put_blocking(inner: &Inner, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("object path has no folder"))?;
    // Folders made for this object must reach the disk too, or the rename could be
    // lost with them: remember the first one that did not exist.
    let mut first_new: Option<PathBuf> = None;
    let mut probe = dir;
    while probe != inner.root && !probe.exists() {
        first_new = Some(probe.to_path_buf());
        match probe.parent() {
            Some(p) => probe = p,
            None => break,
        }
    }
    fs::create_dir_all(dir)?;

    let n = inner.counter.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(
        "{TEMP_MARK}{}-{n}-{:016x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let written = (|| {
        let mut file = File::create_new(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)?;
    if let Some(new) = first_new {
        // Sync every folder from the object's up to the root's entry for the first
        // new one.
        let mut d = dir;
        while let Some(parent) = d.parent() {
            sync_dir(parent)?;
            if d == new.as_path() {
                break;
            }
            d = parent;
        }
    }
    Ok(())
}

fn get_range_blocking(path: &Path, range: Range<u64>) -> io::Result<Option<Bytes>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if is_absent(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    let r = clamp_range(range, meta.len());
    let len = usize::try_from(r.end - r.start).map_err(io::Error::other)?;
    let mut buf = vec![0u8; len];
    file.seek(SeekFrom::Start(r.start))?;
    file.read_exact(&mut buf)?;
    Ok(Some(Bytes::from(buf)))
}

fn list_blocking(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if is_absent(&e) => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            list_blocking(root, &path, out)?;
        } else if kind.is_file() && !entry.file_name().to_string_lossy().starts_with(TEMP_MARK) {
            let rel = path.strip_prefix(root).map_err(io::Error::other)?;
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

#[async_trait]
impl Store for LocalStore {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        let inner = self.inner.clone();
        let key = key.to_string();
        blocking(move || {
            put_blocking(&inner, &path, &bytes).map_err(|e| backend(&format!("put {key}"), e))
        })
        .await
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::read(&path).await {
            Ok(v) => Ok(Some(Bytes::from(v))),
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(backend(&format!("get {key}"), e)),
        }
    }

    async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Option<Bytes>, StoreError> {
        let path = self.path_of(key)?;
        let key = key.to_string();
        blocking(move || {
            get_range_blocking(&path, range).map_err(|e| backend(&format!("get {key}"), e))
        })
        .await
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_file() => Ok(Some(m.len())),
            Ok(_) => Ok(None),
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(backend(&format!("size {key}"), e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if is_absent(&e) => Ok(()),
            Err(e) => Err(backend(&format!("delete {key}"), e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = validate_prefix(prefix)?.to_string();
        let root = self.inner.root.clone();
        blocking(move || {
            let mut out = Vec::new();
            list_blocking(&root, &root.join(&prefix), &mut out)
                .map_err(|e| backend(&format!("list {prefix}"), e))?;
            out.sort();
            Ok(out)
        })
        .await
    }
}
