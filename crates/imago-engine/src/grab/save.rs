//! The end of the pipeline: a verified temp file becomes a named file (or a zip entry),
//! once per content, recorded in the archive and the page's index.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use imago_core::datauri;
use imago_core::naming::{safe_relative_path, RelPath, UniqueNames};
use imago_core::probe::{probe, Probe};
use imago_core::{Image, ImageInfo};
use sha2::{Digest, Sha256};

use super::events::Event;
use super::{GrabError, GrabOptions};
use crate::archive::{unix_now, Archive, Saved};
use crate::metadata::{index_json, write_index, IndexEntry, PageIndex, INDEX_FILE};
use crate::place::{place_synced, sync_folder};
use crate::zipout::ZipOut;
use crate::{Downloaded, Probed, StoreError};

/// A complete, verified download waiting for its name.
pub(crate) struct Fetched {
    /// The URL that gave the bytes (an HD candidate, the original, or an alternate).
    pub url: String,
    pub temp: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    pub info: Option<ImageInfo>,
}

impl Fetched {
    pub(crate) fn from_download(d: Downloaded) -> Fetched {
        Fetched {
            url: d.url.to_string(),
            temp: d.temp_path,
            bytes: d.bytes,
            sha256: d.sha256,
            info: d.info,
        }
    }

    /// Decodes a `data:` URI into a temp file in `dir`, refusing anything that is not an
    /// image (a `data:text/html` is not saved as a picture).
    pub(crate) async fn from_data_uri(uri: &str, dir: &Path) -> Result<Fetched, String> {
        let data = datauri::decode(uri).map_err(|e| format!("data: URI: {e}"))?;
        let info = match probe(&data.bytes, true) {
            Probe::Known(info) => info,
            Probe::NotImage(why) => return Err(format!("data: URI is not an image: {why}")),
            Probe::NeedMore(_) => return Err("data: URI is not a complete image".into()),
        };
        let sha256 = hex::encode(Sha256::digest(&data.bytes));
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let temp = dir.join(format!(".imago-data-{}.part", &sha256[..16]));
        write_synced(&temp, &data.bytes)
            .await
            .map_err(|e| format!("cannot write {}: {e}", temp.display()))?;
        Ok(Fetched {
            url: uri.chars().take(48).collect::<String>() + "...",
            temp,
            bytes: data.bytes.len() as u64,
            sha256,
            info: Some(info),
        })
    }

    /// Drops the temp file: the image was not wanted after all.
    pub(crate) fn discard(self) {
        let _ = std::fs::remove_file(&self.temp);
    }
}

async fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut f = tokio::fs::File::create(path).await?;
    f.write_all(bytes).await?;
    f.sync_all().await
}

/// Probes a `data:` URI without any network.
pub(crate) fn probe_data_uri(uri: &str) -> Result<Probed, String> {
    let data = datauri::decode(uri).map_err(|e| e.to_string())?;
    match probe(&data.bytes, true) {
        Probe::Known(info) => Ok(Probed {
            info,
            total_bytes: Some(data.bytes.len() as u64),
            bytes_read: 0,
        }),
        Probe::NotImage(why) => Err(why),
        Probe::NeedMore(_) => Err("not a complete image".into()),
    }
}

/// Where finished files go, and what was saved: shared by every page of a run.
pub(crate) struct Sink {
    root: PathBuf,
    /// Temp files of zip mode live here (next to the zip), not in the output folder.
    zip_work: Option<PathBuf>,
    zip: Mutex<Option<ZipOut>>,
    names: Mutex<UniqueNames>,
    /// Content saved in this run: sha256 -> where it went.
    by_hash: Mutex<HashMap<String, String>>,
    archive: Option<Mutex<Archive>>,
    metadata: bool,
    index: Mutex<HashMap<String, Vec<IndexEntry>>>,
    date: String,
}

impl Sink {
    pub(crate) fn open(opts: &GrabOptions) -> Result<Sink, GrabError> {
        let (zip, zip_work) = match &opts.zip {
            Some(path) => {
                let work = path.with_file_name(format!(
                    ".{}.imago-work",
                    path.file_name().and_then(|n| n.to_str()).unwrap_or("zip")
                ));
                std::fs::create_dir_all(&work)
                    .map_err(|e| StoreError::io("create folder", &work, e))?;
                (Some(ZipOut::create(path)?), Some(work))
            }
            None => {
                std::fs::create_dir_all(&opts.output)
                    .map_err(|e| StoreError::io("create folder", &opts.output, e))?;
                (None, None)
            }
        };
        let archive = match &opts.archive {
            Some(p) => Some(Mutex::new(Archive::open(p)?)),
            None => None,
        };
        Ok(Sink {
            root: opts.output.clone(),
            zip_work,
            zip: Mutex::new(zip),
            names: Mutex::new(UniqueNames::new()),
            by_hash: Mutex::new(HashMap::new()),
            archive,
            metadata: opts.metadata,
            index: Mutex::new(HashMap::new()),
            date: opts.date.clone(),
        })
    }

    /// The folder where downloads of a page are streamed before they get their names:
    /// the page's own folder, so the final rename never crosses file systems.
    pub(crate) fn work_dir(&self, components: &[String]) -> PathBuf {
        match &self.zip_work {
            Some(w) => w.clone(),
            None => components.iter().fold(self.root.clone(), |p, c| p.join(c)),
        }
    }

    /// Why a URL need not be fetched again, if the archive saw it before.
    pub(crate) fn already_saved(&self, url: &str) -> Option<String> {
        let archive = self.archive.as_ref()?.lock().ok()?;
        match archive.seen_url(url) {
            Ok(Some(saved)) => Some(format!("in the archive: saved as {}", saved.path)),
            _ => None,
        }
    }

    /// Names and saves one finished download; returns the event that says how it went.
    pub(crate) fn save(
        &self,
        page: &str,
        title: Option<&str>,
        image: &Image,
        fetched: Fetched,
        folder: &[String],
        file: &str,
    ) -> Event {
        let _ = title;
        let failed = |reason: String| Event::Failed {
            page: page.to_string(),
            url: image.url.clone(),
            reason,
        };
        if let Some(earlier) = self.duplicate_of(&fetched.sha256) {
            // Recorded too, so the next run skips this URL without downloading it.
            self.record(page, image, &fetched, &earlier);
            fetched.discard();
            return Event::Skipped {
                page: page.to_string(),
                url: image.url.clone(),
                reason: format!("same content as {earlier}"),
            };
        }
        let rel = safe_relative_path(&folder.join("/"), file);
        let (saved_at, in_folder) = match self.put(rel, folder.len(), &fetched) {
            Ok(path) => path,
            Err(e) => {
                fetched.discard();
                return failed(e.to_string());
            }
        };
        self.remember(page, image, &fetched, &saved_at, &in_folder);
        let info = fetched.info;
        Event::Saved {
            page: page.to_string(),
            url: fetched.url,
            path: saved_at,
            bytes: fetched.bytes,
            sha256: fetched.sha256,
            width: info.map(|i| i.width),
            height: info.map(|i| i.height),
            format: info.map(|i| i.format.to_string()),
        }
    }

    fn duplicate_of(&self, sha256: &str) -> Option<String> {
        if let Some(p) = self.by_hash.lock().ok()?.get(sha256) {
            return Some(p.clone());
        }
        let archive = self.archive.as_ref()?.lock().ok()?;
        archive.seen_hash(sha256).ok().flatten().map(|s| s.path)
    }

    /// Moves the temp file to a unique name (or into the zip); returns where it went, and
    /// its path below the page folder (for index.json).
    fn put(
        &self,
        rel: RelPath,
        folder_depth: usize,
        fetched: &Fetched,
    ) -> Result<(String, String), StoreError> {
        let below = |rel: &RelPath| rel.components.get(folder_depth..).unwrap_or(&[]).join("/");
        let mut rel = self.claim(rel);
        let mut zip = self.zip.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(zip) = zip.as_mut() {
            let name = rel.to_string();
            zip.add_file(&name, &fetched.temp)?;
            let _ = std::fs::remove_file(&fetched.temp);
            return Ok((name, below(&rel)));
        }
        drop(zip);
        // A name can still be taken on disk by a file from before this run (the user's, or
        // an earlier run without an archive): never overwrite it, take the next name.
        for _ in 0..1000 {
            // Every temp file here was fsynced when it was finished (downloads and
            // data: URIs alike); the folder is flushed once, in finish_page.
            match place_synced(&self.root, &rel.components, &fetched.temp) {
                Ok(path) => return Ok((path.display().to_string(), below(&rel))),
                Err(StoreError::Exists { .. }) => rel = self.claim(rel),
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Exists {
            path: self.root.join(rel.to_string()),
        })
    }

    fn claim(&self, rel: RelPath) -> RelPath {
        match self.names.lock() {
            Ok(mut names) => names.claim(rel),
            Err(_) => rel,
        }
    }

    fn remember(&self, page: &str, image: &Image, fetched: &Fetched, path: &str, in_folder: &str) {
        if let Ok(mut h) = self.by_hash.lock() {
            h.insert(fetched.sha256.clone(), path.to_string());
        }
        self.record(page, image, fetched, path);
        if self.metadata {
            if let Ok(mut idx) = self.index.lock() {
                idx.entry(page.to_string()).or_default().push(IndexEntry {
                    url: fetched.url.clone(),
                    source: image.source.to_string(),
                    alt: image.alt.clone(),
                    path: in_folder.to_string(),
                    bytes: fetched.bytes,
                    sha256: fetched.sha256.clone(),
                    width: fetched.info.map(|i| i.width),
                    height: fetched.info.map(|i| i.height),
                    format: fetched.info.map(|i| i.format.to_string()),
                });
            }
        }
    }

    fn record(&self, page: &str, image: &Image, fetched: &Fetched, path: &str) {
        if let Some(archive) = &self.archive {
            if let Ok(a) = archive.lock() {
                let saved = Saved {
                    url: image.url.clone(),
                    page: page.to_string(),
                    path: path.to_string(),
                    sha256: fetched.sha256.clone(),
                    bytes: fetched.bytes,
                    saved_at: unix_now(),
                };
                // The archive only saves work on re-runs: a failure to record is not a
                // failure of this download.
                let _ = a.record(&saved);
            }
        }
    }

    /// Writes the page's `index.json` (with `--metadata`).
    pub(crate) fn finish_page(
        &self,
        page: &str,
        title: Option<&str>,
        folder: &[String],
    ) -> Result<(), StoreError> {
        if self.zip_work.is_none() {
            let dir = self.work_dir(folder);
            if dir.exists() {
                sync_folder(&dir)?;
            }
        }
        if !self.metadata {
            return Ok(());
        }
        let images = self
            .index
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(page)
            .unwrap_or_default();
        let idx = PageIndex {
            page: page.to_string(),
            title: title.map(str::to_string),
            fetched_at: self.date.clone(),
            images,
        };
        let mut zip = self.zip.lock().unwrap_or_else(PoisonError::into_inner);
        match zip.as_mut() {
            None => {
                let dir = self.work_dir(folder);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| StoreError::io("create folder", &dir, e))?;
                write_index(&dir, &idx).map(|_| ())
            }
            Some(zip) => {
                let mut name = folder.to_vec();
                name.push(INDEX_FILE.into());
                let rel = self.claim(RelPath { components: name });
                let bytes = index_json(&idx, Path::new(&rel.to_string()))?;
                zip.add_bytes(&rel.to_string(), &bytes)
            }
        }
    }

    /// Completes the zip (renamed into place only now) and removes the work folder.
    pub(crate) fn finish(&self) -> Result<(), StoreError> {
        let zip = self
            .zip
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(zip) = zip {
            zip.finish()?;
        }
        if let Some(w) = &self.zip_work {
            let _ = std::fs::remove_dir_all(w);
        }
        Ok(())
    }
}
