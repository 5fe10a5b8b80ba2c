//! The embedded default: objects are files under one folder.
//!
//! A put writes a temp file beside its target, fsyncs it, renames it over the target
//! and fsyncs the folder, so a crash leaves the old object or the new one, never half
//! of one. Temp files left by a crash are removed when the store is opened.

use std::fs::{self, File};
use std::io::{self, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::key::{clamp_range, validate_key, validate_prefix, TEMP_MARK};
use super::{ByteStream, Store, StoreError};

/// The size of the chunks a read yields: the most one reader holds at a time.
const READ_CHUNK: usize = 64 * 1024;

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

/// A temp file being written beside its target; removed unless renamed over it, also
/// when the put is cancelled half-way (its future dropped).
struct TempFile {
    path: PathBuf,
    /// The object's folder.
    dir: PathBuf,
    /// The first folder made for this object, if any (see [`finish_blocking`]).
    first_new: Option<PathBuf>,
    renamed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Makes the object's folders and creates its temp file.
fn start_blocking(inner: &Inner, path: &Path) -> io::Result<(File, TempFile)> {
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
    let file = File::create_new(&tmp)?;
    Ok((
        file,
        TempFile {
            path: tmp,
            dir: dir.to_path_buf(),
            first_new,
            renamed: false,
        },
    ))
}

/// Renames the written and synced temp file over `path`, then syncs the folders.
fn finish_blocking(tmp: &mut TempFile, path: &Path) -> io::Result<()> {
    fs::rename(&tmp.path, path)?;
    tmp.renamed = true;
    let dir = tmp.dir.as_path();
    sync_dir(dir)?;
    if let Some(new) = &tmp.first_new {
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

/// Bytes gathered before a write: a body that arrives in small chunks costs one trip to a
/// blocking thread per this much, not per chunk.
const WRITE_BATCH: usize = 512 * 1024;

/// Writes `body` to `file` and syncs it; the byte count. A failed write or sync is
/// reported as `what`; an error of the body itself is passed on as it is.
///
/// Chunks are written from their own memory on a blocking thread, a batch at a time.
/// `tokio::fs::File` would first copy each into a buffer of its own: for an upload held in
/// memory, a fresh megabyte faulted in page by page, an eighth of an upload's page faults.
async fn write_synced(file: File, mut body: ByteStream, what: &str) -> Result<u64, StoreError> {
    let file = Arc::new(file);
    let mut written = 0u64;
    let mut batch: Vec<Bytes> = Vec::new();
    loop {
        let chunk = body.try_next().await?;
        let last = chunk.is_none();
        if let Some(chunk) = chunk {
            written += chunk.len() as u64;
            batch.push(chunk);
        }
        let batched: usize = batch.iter().map(Bytes::len).sum();
        if batched >= WRITE_BATCH || last {
            let (f, chunks, what) = (file.clone(), std::mem::take(&mut batch), what.to_string());
            blocking(move || {
                let mut out: &File = &f;
                for chunk in &chunks {
                    out.write_all(chunk).map_err(|e| backend(&what, e))?;
                }
                if last {
                    f.sync_all().map_err(|e| backend(&what, e))?;
                }
                Ok(())
            })
            .await?;
        }
        if last {
            return Ok(written);
        }
    }
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
    async fn put_stream(&self, key: &str, body: ByteStream) -> Result<u64, StoreError> {
        let path = self.path_of(key)?;
        let what = format!("put {key}");
        let inner = self.inner.clone();
        let (target, start) = (path.clone(), what.clone());
        let (file, mut tmp) =
            blocking(move || start_blocking(&inner, &target).map_err(|e| backend(&start, e)))
                .await?;
        let written = write_synced(file, body, &what).await?;
        blocking(move || {
            finish_blocking(&mut tmp, &path).map_err(|e| backend(&what, e))
            // `tmp` drops here: after a failed rename it removes the temp file.
        })
        .await?;
        Ok(written)
    }

    async fn get_stream(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<Option<ByteStream>, StoreError> {
        let path = self.path_of(key)?;
        let what = format!("get {key}");
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) => return Err(backend(&what, e)),
        };
        let meta = file.metadata().await.map_err(|e| backend(&what, e))?;
        if !meta.is_file() {
            return Ok(None);
        }
        let r = clamp_range(range.unwrap_or(0..u64::MAX), meta.len());
        if r.start > 0 {
            file.seek(SeekFrom::Start(r.start))
                .await
                .map_err(|e| backend(&what, e))?;
        }
        // The open file is the object even if a put replaces it meanwhile (the rename
        // swaps the name, not these bytes).
        let chunks = ReaderStream::with_capacity(file.take(r.end - r.start), READ_CHUNK)
            .map_err(move |e| backend(&what, e));
        Ok(Some(chunks.boxed()))
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
