//! The end of the pipeline, shared by `imago grab` and the extension's helper: a
//! verified temp file becomes a named file (or a zip entry), once per content, recorded in
//! the archive and the page's index.
//!
//! Memory stays flat however many images a run saves: names are checked against the
//! folder on disk (the move never replaces a file) and a compact set per folder in use
//! (hashes, dropped when the folder's last page is done, read back from the folder if it
//! is used again); content seen in this run is looked up in the archive, or with
//! `--no-archive` in a temporary one on disk, not in a map in memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use imago_core::datauri;
use imago_core::naming::{safe_relative_path, RelPath, UniqueNames};
use imago_core::probe::{probe, Probe};
use imago_core::{Image, ImageInfo};
use sha2::{Digest, Sha256};

use super::events::Event;
use super::product_out::{product_file_name, ProductsCsv, PRODUCTS_CSV};
use super::{GrabError, GrabOptions};
use crate::archive::{Archive, Saved};
use crate::metadata::{index_json, write_index, IndexEntry, PageIndex, INDEX_FILE};
use crate::place::replace_file;
use crate::place::{is_temp_name, place, place_without_fsync, sync_folder};
use crate::zipout::ZipOut;
use crate::{DiskError, Downloaded, Probed};

/// A complete, verified download waiting for its name.
pub struct Fetched {
    /// The URL that gave the bytes (an HD candidate, the original, or an alternate).
    pub url: String,
    /// The finished file, flushed to disk, in the folder it will be named in.
    pub temp: PathBuf,
    pub bytes: u64,
    /// Of the bytes downloaded: what duplicates are recognised by.
    pub sha256: String,
    pub info: Option<ImageInfo>,
}

impl Fetched {
    pub fn from_download(d: Downloaded) -> Fetched {
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
    pub fn discard(self) {
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

/// Where a [`Saver`] puts files and what it remembers.
#[derive(Clone, Debug)]
pub struct SaveTo {
    /// The output folder; nothing is written outside it.
    pub output: PathBuf,
    /// Write one zip instead of loose files.
    pub zip: Option<PathBuf>,
    /// The download archive; `None` remembers content for this run only.
    pub archive: Option<PathBuf>,
    /// Write `index.json` per page folder.
    pub metadata: bool,
    /// `fetched_at` of `index.json`.
    pub date: String,
    /// Flush each file and its folder as it is placed. `grab` flushes each page folder
    /// once when the page is done instead; the extension's helper answers per file, and a
    /// converted file was never flushed by the downloader.
    pub sync_each: bool,
    /// `grab --product`: write `products.csv` (with a byte-order mark when `true`).
    pub products_csv: Option<bool>,
}

impl SaveTo {
    pub(crate) fn of(opts: &GrabOptions) -> SaveTo {
        SaveTo {
            output: opts.output.clone(),
            zip: opts.zip.clone(),
            archive: opts.archive.clone(),
            metadata: opts.metadata,
            date: opts.date.clone(),
            sync_each: false,
            products_csv: opts.product.map(|p| p.csv_bom),
        }
    }
}

/// The names given in one folder, and how many pages are writing there now.
struct FolderNames {
    names: UniqueNames,
    pages: usize,
}

/// Where finished files go, and what was saved: shared by every page of a run (or every
/// item of one message of the extension's helper).
pub struct Saver {
    root: PathBuf,
    /// Temp files of zip mode live here (next to the zip), not in the output folder.
    zip_work: Option<PathBuf>,
    zip: Mutex<Option<ZipOut>>,
    /// Folder (below `root`) -> the names given in it. In zip mode one entry for the whole
    /// zip, kept to the end: a zip has no folder to read names back from.
    names: Mutex<HashMap<Vec<String>, FolderNames>>,
    /// The user's archive, or a temporary one that only knows this run.
    archive: Mutex<Archive>,
    /// Whether `archive` is the user's: only then does a URL saved before skip.
    user_archive: bool,
    metadata: bool,
    index: Mutex<HashMap<String, Vec<IndexEntry>>>,
    date: String,
    sync_each: bool,
    products: Option<Mutex<ProductsCsv>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Saver {
    pub fn open(to: &SaveTo) -> Result<Saver, GrabError> {
        let (zip, zip_work) = match &to.zip {
            Some(path) => {
                let work = path.with_file_name(format!(
                    ".{}.imago-work",
                    path.file_name().and_then(|n| n.to_str()).unwrap_or("zip")
                ));
                std::fs::create_dir_all(&work)
                    .map_err(|e| DiskError::io("create folder", &work, e))?;
                (Some(ZipOut::create(path)?), Some(work))
            }
            None => {
                std::fs::create_dir_all(&to.output)
                    .map_err(|e| DiskError::io("create folder", &to.output, e))?;
                (None, None)
            }
        };
        let products = match to.products_csv {
            Some(bom) => Some(Mutex::new(ProductsCsv::open(
                &to.output,
                bom,
                to.zip.is_some(),
            )?)),
            None => None,
        };
        let (archive, user_archive) = match &to.archive {
            Some(p) => (Archive::open(p)?, true),
            None => (Archive::open_temporary()?, false),
        };
        Ok(Saver {
            root: to.output.clone(),
            zip_work,
            zip: Mutex::new(zip),
            names: Mutex::new(HashMap::new()),
            archive: Mutex::new(archive),
            user_archive,
            metadata: to.metadata,
            index: Mutex::new(HashMap::new()),
            date: to.date.clone(),
            sync_each: to.sync_each,
            products,
        })
    }

    /// `grab --product`: writes the page's `product.json` in `folder` and its row of
    /// `products.csv`; returns where the JSON went.
    pub(crate) fn write_product(
        &self,
        page: &str,
        folder: &[String],
        json: &serde_json::Value,
        row: Vec<String>,
    ) -> Result<String, DiskError> {
        let dir = self.work_dir(folder);
        let mut bytes = serde_json::to_vec_pretty(json).map_err(|source| DiskError::Json {
            action: "write",
            path: dir.join(super::product_out::PRODUCT_FILE),
            source,
        })?;
        bytes.push(b'\n');
        let written = {
            let mut zip = lock(&self.zip);
            match zip.as_mut() {
                Some(zip) => {
                    let mut name = folder.to_vec();
                    name.push(super::product_out::PRODUCT_FILE.into());
                    let rel = self.claim(RelPath { components: name }, 0).to_string();
                    zip.add_bytes(&rel, &bytes)?;
                    rel
                }
                None => {
                    let name = product_file_name(&dir, page);
                    replace_file(&dir, &name, &bytes)?.display().to_string()
                }
            }
        };
        if let Some(csv) = &self.products {
            lock(csv).append(row)?;
        }
        Ok(written)
    }

    /// A saved file's path below its page folder (`folder`), as `index.json` and
    /// `product.json` list it; a path elsewhere is given as it is.
    pub(crate) fn below_folder(&self, path: &str, folder: &[String]) -> String {
        let prefix = match &self.zip_work {
            Some(_) => PathBuf::from(folder.join("/")),
            None => self.work_dir(folder),
        };
        match Path::new(path).strip_prefix(&prefix) {
            Ok(rest) => rest
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => path.to_string(),
        }
    }

    /// The folder where downloads of a page are streamed before they get their names:
    /// the page's own folder, so the final rename never crosses file systems.
    pub fn work_dir(&self, components: &[String]) -> PathBuf {
        match &self.zip_work {
            Some(w) => w.clone(),
            None => components.iter().fold(self.root.clone(), |p, c| p.join(c)),
        }
    }

    /// A page starts writing into `folder`: its names are kept until the last page
    /// writing there calls [`Saver::finish_page`].
    pub fn open_page(&self, folder: &[String]) {
        let mut names = lock(&self.names);
        self.folder_names(&mut names, folder).pages += 1;
    }

    /// The record of a URL saved before, from the user's archive.
    pub fn already_saved(&self, url: &str) -> Option<Saved> {
        if !self.user_archive {
            return None;
        }
        lock(&self.archive).seen_url(url).ok().flatten()
    }

    /// Where content with this hash was saved already (this run or, with the user's
    /// archive, an earlier one).
    pub fn duplicate_of(&self, sha256: &str) -> Option<String> {
        let archive = lock(&self.archive);
        archive.seen_hash(sha256).ok().flatten().map(|s| s.path)
    }

    /// Names and saves one finished download as `folder/file` (`file` may hold more
    /// folders); returns the event that says how it went. A duplicate's event is
    /// `Skipped` with `earlier` set.
    pub fn save(
        &self,
        page: &str,
        image: &Image,
        fetched: Fetched,
        folder: &[String],
        file: &str,
    ) -> Event {
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
                earlier: Some(earlier),
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

    /// Moves the temp file to a unique name (or into the zip); returns where it went, and
    /// its path below the page folder (for index.json).
    fn put(
        &self,
        rel: RelPath,
        folder_depth: usize,
        fetched: &Fetched,
    ) -> Result<(String, String), DiskError> {
        let below = |rel: &RelPath| rel.components.get(folder_depth..).unwrap_or(&[]).join("/");
        let mut rel = self.claim(rel, folder_depth);
        let mut zip = lock(&self.zip);
        if let Some(zip) = zip.as_mut() {
            let name = rel.to_string();
            zip.add_file(&name, &fetched.temp)?;
            let _ = std::fs::remove_file(&fetched.temp);
            return Ok((name, below(&rel)));
        }
        drop(zip);
        // A name can still be taken on disk by a file the set does not know (one below a
        // subfolder from before this run, one made by another program meanwhile): never
        // overwrite it, take the next name.
        for _ in 0..1000 {
            // Every temp file here was fsynced when it was finished (downloads and
            // data: URIs alike); the folder is flushed once, in finish_page.
            let placed = if self.sync_each {
                place(&self.root, &rel.components, &fetched.temp)
            } else {
                place_without_fsync(&self.root, &rel.components, &fetched.temp)
            };
            match placed {
                Ok(path) => return Ok((path.display().to_string(), below(&rel))),
                Err(DiskError::Exists { .. }) => rel = self.claim(rel, folder_depth),
                Err(e) => return Err(e),
            }
        }
        Err(DiskError::Exists {
            path: self.root.join(rel.to_string()),
        })
    }

    /// A free name for `rel` in the set of its folder (its first `folder_depth`
    /// components; the whole zip in zip mode).
    fn claim(&self, rel: RelPath, folder_depth: usize) -> RelPath {
        let depth = if self.zip_work.is_some() {
            0
        } else {
            folder_depth.min(rel.components.len().saturating_sub(1))
        };
        let mut components = rel.components;
        let below = components.split_off(depth);
        let mut names = lock(&self.names);
        let claimed = self
            .folder_names(&mut names, &components)
            .names
            .claim(RelPath { components: below });
        components.extend(claimed.components);
        RelPath { components }
    }

    /// The names of `folder`, made when it is first used: from what the folder on disk
    /// already holds, so that a file from before (or from an earlier page of this run)
    /// keeps its name and a new one that differs only in case gets a number.
    fn folder_names<'a>(
        &self,
        names: &'a mut HashMap<Vec<String>, FolderNames>,
        folder: &[String],
    ) -> &'a mut FolderNames {
        let key = if self.zip_work.is_some() {
            Vec::new()
        } else {
            folder.to_vec()
        };
        names.entry(key).or_insert_with_key(|key| {
            let mut set = UniqueNames::new();
            if self.zip_work.is_none() {
                let dir = key.iter().fold(self.root.clone(), |p, c| p.join(c));
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let Ok(name) = entry.file_name().into_string() else {
                        continue;
                    };
                    if is_temp_name(&name) {
                        continue;
                    }
                    let rel = RelPath {
                        components: vec![name],
                    };
                    match entry.file_type() {
                        Ok(t) if t.is_dir() => set.reserve_folder(&rel),
                        _ => set.reserve(&rel),
                    }
                }
            }
            FolderNames {
                names: set,
                pages: 0,
            }
        })
    }

    fn remember(&self, page: &str, image: &Image, fetched: &Fetched, path: &str, in_folder: &str) {
        self.record(page, image, fetched, path);
        if self.metadata {
            lock(&self.index)
                .entry(page.to_string())
                .or_default()
                .push(IndexEntry {
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

    fn record(&self, page: &str, image: &Image, fetched: &Fetched, path: &str) {
        let saved = Saved {
            url: image.url.clone(),
            page: page.to_string(),
            path: path.to_string(),
            sha256: fetched.sha256.clone(),
            bytes: fetched.bytes,
            saved_at: imago_core::dates::unix_now(),
        };
        // The archive only saves work on re-runs (and a temporary one, a second copy in
        // this run): a failure to record is not a failure of this download.
        let _ = lock(&self.archive).record(&saved);
    }

    /// The page is done: flushes its folder, writes its `index.json` (with `--metadata`)
    /// and forgets the folder's names when no other page is writing there.
    pub fn finish_page(
        &self,
        page: &str,
        title: Option<&str>,
        folder: &[String],
    ) -> Result<(), DiskError> {
        let result = self.finish_folder(page, title, folder);
        if self.zip_work.is_none() {
            let mut names = lock(&self.names);
            if let Some(f) = names.get_mut(folder) {
                f.pages = f.pages.saturating_sub(1);
                if f.pages == 0 {
                    names.remove(folder);
                }
            }
        }
        result
    }

    fn finish_folder(
        &self,
        page: &str,
        title: Option<&str>,
        folder: &[String],
    ) -> Result<(), DiskError> {
        if self.zip_work.is_none() {
            let dir = self.work_dir(folder);
            if dir.exists() {
                sync_folder(&dir)?;
            }
        }
        if !self.metadata {
            return Ok(());
        }
        let images = lock(&self.index).remove(page).unwrap_or_default();
        let idx = PageIndex {
            page: page.to_string(),
            title: title.map(str::to_string),
            fetched_at: self.date.clone(),
            images,
        };
        let mut zip = lock(&self.zip);
        match zip.as_mut() {
            None => {
                let dir = self.work_dir(folder);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| DiskError::io("create folder", &dir, e))?;
                write_index(&dir, &idx).map(|_| ())
            }
            Some(zip) => {
                let mut name = folder.to_vec();
                name.push(INDEX_FILE.into());
                let rel = self.claim(RelPath { components: name }, 0);
                let bytes = index_json(&idx, Path::new(&rel.to_string()))?;
                zip.add_bytes(&rel.to_string(), &bytes)
            }
        }
    }

    /// Completes the zip (renamed into place only now) and removes the work folder.
    pub fn finish(&self) -> Result<(), DiskError> {
        let zip = lock(&self.zip).take();
        if let Some(mut zip) = zip {
            let csv = self
                .products
                .as_ref()
                .and_then(|m| std::mem::replace(&mut *lock(m), ProductsCsv::empty()).into_bytes());
            if let Some(bytes) = csv {
                zip.add_bytes(PRODUCTS_CSV, &bytes)?;
            }
            zip.finish()?;
        }
        if let Some(w) = &self.zip_work {
            let _ = std::fs::remove_dir_all(w);
        }
        Ok(())
    }
}
