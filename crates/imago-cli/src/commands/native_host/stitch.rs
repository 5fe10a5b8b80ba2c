//! `{type:'stitch'}`: the grid's "stitch selected": the selection downloaded, joined by
//! `imago_media::tools::stitch` (the long image of product listings) and written into
//! the folder the user chose, split into numbered parts when taller than marketplaces
//! take.

use std::path::{Path, PathBuf};

use futures_util::stream::{self, StreamExt};
use imago_engine::{Client, DownloadRequest};
use imago_media::codecs::{read, write, Picture, ReadOptions, Target, WriteOptions};
use imago_media::tools::{stitch, Layout, StitchOptions, MAX_HEIGHT};
use imago_media::Limits;
use serde::Deserialize;
use url::Url;

use crate::commands::tools::write_atomic;

/// Pictures in one stitch: a long image of more is no longer read by anyone.
pub const MAX_PICTURES: usize = 50;

#[derive(Debug, Deserialize)]
pub struct StitchItem {
    pub url: String,
}

#[derive(Debug, Deserialize)]
pub struct StitchRequest {
    pub items: Vec<StitchItem>,
    pub folder: String,
    /// The result's name; its extension says the format (default `stitched.jpg`).
    #[serde(default)]
    pub filename: Option<String>,
    /// `vertical` (default) or `horizontal`.
    #[serde(default)]
    pub layout: Option<String>,
    #[serde(default)]
    pub gap: Option<u32>,
    #[serde(default)]
    pub width: Option<u32>,
}

/// The files written, or why none was.
pub async fn run(client: &Client, req: StitchRequest) -> Result<Vec<String>, String> {
    if req.items.is_empty() || req.items.len() > MAX_PICTURES {
        return Err(format!(
            "stitch: give 1 to {MAX_PICTURES} pictures, not {}",
            req.items.len()
        ));
    }
    let layout = match req.layout.as_deref().unwrap_or("vertical") {
        "vertical" => Layout::Vertical,
        "horizontal" => Layout::Horizontal,
        other => return Err(format!("stitch: layout {other:?}: vertical or horizontal")),
    };
    let root = super::save::target_folder(&req.folder)?;
    let name = req
        .filename
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("stitched.jpg");
    let name = imago_core::naming::sanitize_file_name(name);
    let target = Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Target::parse)
        .ok_or_else(|| format!("stitch: {name}: name it .jpg, .png, .webp, .avif or .gif"))?;
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let work = tempfile::Builder::new()
        .prefix(".imago-stitch-")
        .tempdir_in(&root)
        .map_err(|e| format!("cannot write in {}: {e}", root.display()))?;
    // Downloaded in order (four at once), each refused on its own reason.
    let files: Vec<Result<PathBuf, String>> = stream::iter(&req.items)
        .map(|item| fetch(client, &item.url, work.path()))
        .buffered(4)
        .collect()
        .await;
    let mut paths = Vec::with_capacity(files.len());
    for (item, file) in req.items.iter().zip(files) {
        paths.push(file.map_err(|e| format!("{}: {e}", item.url))?);
    }
    let opts = StitchOptions {
        layout,
        gap: req.gap.unwrap_or(0),
        background: [255, 255, 255, 255],
        width: req.width,
        max_height: MAX_HEIGHT,
    };
    let urls: Vec<String> = req.items.iter().map(|i| i.url.clone()).collect();
    tokio::task::spawn_blocking(move || join(&paths, &urls, &opts, target, &root, &name))
        .await
        .map_err(|e| format!("stitch: {e}"))?
}

async fn fetch(client: &Client, url: &str, dir: &Path) -> Result<PathBuf, String> {
    let url = Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    let req = DownloadRequest {
        candidates: vec![url],
        referer: None,
        dir: dir.to_path_buf(),
    };
    client
        .download(req)
        .await
        .map(|d| d.temp_path)
        .map_err(|e| e.to_string())
}

/// Decodes, stitches and writes; the parts get `name`, or `stem-1.ext`, `stem-2.ext`, ...
/// (a number added where a file of that name exists: nothing is replaced).
fn join(
    paths: &[PathBuf],
    urls: &[String],
    opts: &StitchOptions,
    target: Target,
    root: &Path,
    name: &str,
) -> Result<Vec<String>, String> {
    let limits = Limits {
        max_bytes: u64::MAX,
        ..Limits::default()
    };
    let mut pictures = Vec::with_capacity(paths.len());
    for (path, url) in paths.iter().zip(urls) {
        let bytes = std::fs::read(path).map_err(|e| format!("{url}: {e}"))?;
        let picture =
            read(&bytes, &limits, &ReadOptions::default()).map_err(|e| format!("{url}: {e}"))?;
        let Picture { mut frames, .. } = picture;
        pictures.push(frames.swap_remove(0).image);
    }
    let parts = stitch(&pictures, opts).map_err(|e| e.to_string())?;
    drop(pictures);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, target.extension()));
    let many = parts.len() > 1;
    let mut written = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        let picture = Picture::still(target.format(), part);
        let bytes = write(&picture, target, &WriteOptions::default())
            .map_err(|e| e.to_string())?
            .bytes;
        let base = if many {
            format!("{stem}-{}", i + 1)
        } else {
            stem.to_string()
        };
        let path = free_name(root, &base, ext);
        write_atomic(&path, &bytes, false)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// `root/base.ext`, or `root/base-2.ext`, ... when taken.
fn free_name(root: &Path, base: &str, ext: &str) -> PathBuf {
    let first = root.join(format!("{base}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| root.join(format!("{base}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}
