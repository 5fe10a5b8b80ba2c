//! `--metadata`: an `index.json` in each page folder saying what every file there is
//! (where it came from, its alt text, size, SHA-256).
//!
//! The file is replaced atomically (temporary file, then rename), so a reader never sees
//! half a JSON. A re-run adds to it rather than starting over: with a download archive
//! the second run skips the images it already has, and an index listing only the new ones
//! would forget the rest. So [`write_index`] merges with an existing `index.json` of the
//! same page: entries are matched by `url`, replaced in place, and new ones appended. An
//! `index.json` of another page is replaced (pages sharing one folder share one index:
//! the last one wins). An `index.json` imago cannot read is not ours and is left alone
//! ([`DiskError::Exists`]).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::disk_error::DiskError;
use crate::place::replace_file;

/// The name of the file written in each page folder.
pub const INDEX_FILE: &str = "index.json";

/// What one page folder holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageIndex {
    /// The page URL (or the saved HTML file it was read from).
    pub page: String,
    #[serde(default)]
    pub title: Option<String>,
    /// When the page was fetched, RFC 3339 (`2026-11-28T00:43:12Z`).
    pub fetched_at: String,
    #[serde(default)]
    pub images: Vec<IndexEntry>,
}

/// One saved image of the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// The URL the bytes came from.
    pub url: String,
    /// Where on the page it was found (`img`, `srcset`, `css-inline`, ...).
    pub source: String,
    #[serde(default)]
    pub alt: Option<String>,
    /// The file, relative to the folder of `index.json` and `/`-separated, so the
    /// folder can be moved or zipped and still make sense.
    pub path: String,
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the file.
    pub sha256: String,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    /// `jpeg`, `png`, ... as in `imago list --json`.
    #[serde(default)]
    pub format: Option<String>,
}

/// Writes (or updates, see the module doc) `dir/index.json` and returns its path.
/// `dir` is created when missing.
pub fn write_index(dir: &Path, idx: &PageIndex) -> Result<PathBuf, DiskError> {
    fs::create_dir_all(dir).map_err(|e| DiskError::io("create folder", dir, e))?;
    let dest = dir.join(INDEX_FILE);
    let merged = match read_index(dir)? {
        Some(old) if old.page == idx.page => merge(old, idx),
        _ => idx.clone(),
    };
    let mut json = index_json(&merged, &dest)?;
    json.push(b'\n');

    // A plain rename: index.json is ours (read_index checked), and replacing a symlink
    // by that name replaces the link, not what it points at.
    replace_file(dir, INDEX_FILE, &json)
}

/// Reads `dir/index.json`; `None` when there is none. A file that is not an imago index
/// (or a symlink by that name) is [`DiskError::Exists`]: it belongs to someone else.
pub fn read_index(dir: &Path) -> Result<Option<PageIndex>, DiskError> {
    let path = dir.join(INDEX_FILE);
    match fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Err(DiskError::Exists { path }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(DiskError::io("read", &path, e)),
    }
    let bytes = fs::read(&path).map_err(|e| DiskError::io("read", &path, e))?;
    match serde_json::from_slice(&bytes) {
        Ok(idx) => Ok(Some(idx)),
        Err(_) => Err(DiskError::Exists { path }),
    }
}

/// The pretty JSON of an index, as written to disk (for a caller that puts it into a
/// zip instead). `path` only names the file in an error.
pub fn index_json(idx: &PageIndex, path: &Path) -> Result<Vec<u8>, DiskError> {
    serde_json::to_vec_pretty(idx).map_err(|source| DiskError::Json {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// The old entries with those of `new` replacing them by URL, then the new ones; title
/// and time from `new`.
fn merge(old: PageIndex, new: &PageIndex) -> PageIndex {
    let mut images = old.images;
    let mut at: HashMap<String, usize> = images
        .iter()
        .enumerate()
        .map(|(i, e)| (e.url.clone(), i))
        .collect();
    for entry in &new.images {
        match at.get(&entry.url).and_then(|&i| images.get_mut(i)) {
            Some(slot) => *slot = entry.clone(),
            None => {
                at.insert(entry.url.clone(), images.len());
                images.push(entry.clone());
            }
        }
    }
    PageIndex {
        page: new.page.clone(),
        title: new.title.clone().or(old.title),
        fetched_at: new.fetched_at.clone(),
        images,
    }
}
