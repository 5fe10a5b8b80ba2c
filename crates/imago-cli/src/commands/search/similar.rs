//! `grab --dedupe similar`: the engine's [`Similar`] check, filled with imago-search.
//! A folder's own image files are fingerprinted the first time a download is checked
//! against it (not its subfolders); pictures saved by the run join them. Copies are
//! compared upright, as `imago dedupe` does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use imago_engine::grab::Similar;
use imago_search::{Codes, Query};

#[derive(Debug, Default)]
pub struct FolderSimilar {
    folders: Mutex<HashMap<PathBuf, Folder>>,
}

/// One folder's pictures: their codes and what a skip names them by.
#[derive(Debug, Default)]
struct Folder {
    codes: Codes,
    labels: Vec<String>,
}

impl Folder {
    /// The image files directly in `dir`, by their names.
    fn read(dir: &Path) -> Folder {
        let mut folder = Folder::default();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return folder;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && crate::commands::tools::is_image_name(p))
            .collect();
        files.sort();
        for file in files {
            // A file that does not read as a picture cannot be a copy of one.
            if let Ok((fp, _)) = super::fingerprint_file(&file, None) {
                folder.codes.push(&fp.code);
                // Named as grab names what it saves: an absolute path.
                let path = std::path::absolute(&file).unwrap_or(file);
                folder.labels.push(path.display().to_string());
            }
        }
        folder
    }
}

impl Similar for FolderSimilar {
    fn admit(&self, folder: &Path, bytes: &[u8], label: &str) -> Option<String> {
        let fp = imago_search::fingerprint(bytes, &super::limits(), None).ok()?;
        let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        let known = folders
            .entry(folder.to_path_buf())
            .or_insert_with(|| Folder::read(folder));
        if let Some(hit) = known.codes.search(&Query::upright(&fp.code), 1).first() {
            return Some(known.labels[hit.slot].clone());
        }
        known.codes.push(&fp.code);
        known.labels.push(label.to_string());
        None
    }

    fn saved_as(&self, folder: &Path, label: &str, path: &str) {
        let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = folders.get_mut(folder) {
            for l in known.labels.iter_mut().filter(|l| *l == label) {
                *l = path.to_string();
            }
        }
    }
}
