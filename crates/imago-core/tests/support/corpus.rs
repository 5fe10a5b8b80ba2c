//! The saved pages of `shared/corpus`, decompressed: one loader for the corpus tests, the
//! discovery benchmark and the corpus examples (each includes this file with `#[path]`).

#![allow(dead_code)] // each includer uses a part

use std::io::Read;
use std::path::{Path, PathBuf};

use url::Url;

/// One saved page and the address it was saved from (its base URL).
pub struct Page {
    /// Its path in the corpus, e.g. `pages/product-0094....html.gz`.
    pub file: String,
    pub url: Url,
    pub html: String,
}

/// `IMAGO_CORPUS`, else `shared/corpus` beside the checkout (on the developers' machines
/// and in CI alike).
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("IMAGO_CORPUS") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The manifest's pages in its order: (file, url).
pub fn manifest(dir: &Path) -> Result<Vec<(String, Url)>, String> {
    let manifest = dir.join("manifest.jsonl");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("{}: {e} (set IMAGO_CORPUS)", manifest.display()))?;
    let mut pages = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let rec: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: {e}", manifest.display(), n + 1))?;
        let (Some(file), Some(url)) = (rec["file"].as_str(), rec["url"].as_str()) else {
            return Err(format!("{}:{}: no file or url", manifest.display(), n + 1));
        };
        let url = Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        pages.push((file.to_string(), url));
    }
    Ok(pages)
}

/// Reads and decompresses one page. A stray invalid byte must not drop a page, so the
/// text is read lossily.
pub fn read(dir: &Path, file: &str, url: Url) -> Result<Page, String> {
    let gz = std::fs::File::open(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{file}: {e}"))?;
    Ok(Page {
        file: file.to_string(),
        url,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Every page of the corpus.
pub fn load_all(dir: &Path) -> Result<Vec<Page>, String> {
    manifest(dir)?
        .into_iter()
        .map(|(file, url)| read(dir, &file, url))
        .collect()
}

/// The page whose file name starts with `pages/<prefix>`.
pub fn find(dir: &Path, prefix: &str) -> Result<Page, String> {
    let want = format!("pages/{prefix}");
    let (file, url) = manifest(dir)?
        .into_iter()
        .find(|(f, _)| f.starts_with(&want))
        .ok_or_else(|| format!("no corpus page named {prefix}* in {}", dir.display()))?;
    read(dir, &file, url)
}
