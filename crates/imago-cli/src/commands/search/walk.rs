//! The image files under folders, subfolders included.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use crate::commands::tools::is_image_name;
use crate::BadInput;

/// The image files `inputs` name, absolute, sorted, each once: a folder gives the image
/// files (by extension, hidden ones left out) under it, its subfolders too; symbolic
/// links to folders are not followed (a loop would never end). A file named on the
/// command line is taken whatever its name. A path that does not exist is bad input.
pub fn image_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        let abs = std::path::absolute(input).unwrap_or_else(|_| input.clone());
        let meta = std::fs::metadata(&abs).map_err(|e| {
            let what = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
                _ => format!("cannot read it: {e}"),
            };
            BadInput(anyhow!("{}: {what}", input.display()))
        })?;
        if meta.is_dir() {
            under(&abs, &mut out);
        } else {
            out.push(abs);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn under(dir: &Path, out: &mut Vec<PathBuf>) {
    // An unreadable subfolder is skipped: the others are still worth indexing.
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if hidden {
            continue;
        }
        if kind.is_dir() {
            under(&path, out);
        } else if (kind.is_file() || kind.is_symlink() && path.is_file()) && is_image_name(&path) {
            out.push(path);
        }
    }
}

/// The folders among `inputs`, absolute: what `index` owns in the index (a file indexed
/// under one that is gone from it is removed).
pub fn folders(inputs: &[PathBuf]) -> Vec<PathBuf> {
    inputs
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
        .collect()
}
