//! `{type:'save'}`: the engine downloads a selection into a folder the user chose,
//! skipping what the folder's download archive already holds, each image converted or
//! scaled down on the way when the message asks (grab's own step).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use imago_core::naming::{safe_relative_path, url_extension, url_name, RelPath};
use imago_core::{Image, SourceKind};
use imago_engine::grab::{Event, Fetched, SaveTo, Saver, Transform};
use imago_engine::{Client, DownloadRequest};
use imago_media::codecs::{Target as Format, WriteOptions};
use imago_media::Limits;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::commands::tools::ImageStep;

/// Items in one save message: their answers must fit in the 1 MiB a host may send.
pub const MAX_ITEMS: usize = 250;
/// Longest URL accepted (its answer echoes it).
const MAX_URL: usize = 2048;
/// Longest error text in an answer.
const MAX_ERROR: usize = 300;
/// Downloads at once within one message.
const AT_ONCE: usize = 4;
/// The archive file in the target folder, the same name `imago grab` uses.
const ARCHIVE_FILE: &str = ".imago-archive.sqlite";

/// One image to save: where from and, optionally, the name (with `/` for subfolders)
/// the extension's templates gave it.
#[derive(Debug, Deserialize)]
pub struct SaveItem {
    pub url: String,
    #[serde(default)]
    pub filename: Option<String>,
}

/// How one item went.
#[derive(Debug, Serialize)]
pub struct SaveResult {
    pub url: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl SaveResult {
    fn failed(url: &str, error: impl Into<String>) -> SaveResult {
        let mut error = error.into();
        if error.len() > MAX_ERROR {
            let mut cut = MAX_ERROR;
            while !error.is_char_boundary(cut) {
                cut -= 1;
            }
            error.truncate(cut);
            error.push_str("...");
        }
        SaveResult {
            url: echo(url),
            ok: false,
            path: None,
            skipped: false,
            error: Some(error),
        }
    }
}

/// The URL as the answer repeats it (cut when it is over the limit, which failed anyway).
fn echo(url: &str) -> String {
    url.chars().take(MAX_URL).collect()
}

/// The target folder: absolute, or `~/...` under the home folder.
pub fn target_folder(folder: &str) -> Result<PathBuf, String> {
    let path = match folder.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME") {
            Some(home) => Path::new(&home).join(rest),
            None => return Err("folder: ~ needs HOME to be set".into()),
        },
        None => PathBuf::from(folder),
    };
    if !path.is_absolute() {
        return Err(format!(
            "folder {folder:?}: give an absolute path (or one starting with ~/)"
        ));
    }
    Ok(path)
}

/// The formats a selection can be converted to.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Convert {
    Png,
    Jpeg,
    /// Lossy WebP at quality 80 (libwebp).
    Webp,
}

impl Convert {
    fn format(self) -> Format {
        match self {
            Convert::Png => Format::Png,
            Convert::Jpeg => Format::Jpeg,
            Convert::Webp => Format::Webp,
        }
    }
}

/// What the save does to each image before it is named: `imago grab`'s own step
/// (`--convert`, `--max`), so a file already in the format and within the size is kept
/// as downloaded, and what cannot be read is refused with the reason.
pub fn image_step(convert: Option<Convert>, max: Option<u32>) -> Option<Arc<dyn Transform>> {
    if convert.is_none() && max.is_none() {
        return None;
    }
    Some(Arc::new(ImageStep {
        convert: convert.map(Convert::format),
        max,
        strip: false,
        // JPEG at 90 (visually lossless for photos), WebP at its default 80.
        write: WriteOptions {
            quality: (convert == Some(Convert::Jpeg)).then_some(90),
            ..WriteOptions::default()
        },
        // The download was already held to the helper's own size limit.
        limits: Limits {
            max_bytes: u64::MAX,
            ..Limits::default()
        },
        keep_unreadable: false,
    }))
}

/// What every item of one message shares.
struct Target {
    root: PathBuf,
    step: Option<Arc<dyn Transform>>,
    /// The engine's save, as `imago grab` uses it: names unique against the folder, the
    /// folder's archive, each file flushed before it is answered for.
    saver: Saver,
}

/// Saves `items` into `root`; one result per item, in order, each through `step` (see
/// [`image_step`]) before it is named.
pub async fn save(
    client: &Client,
    root: &Path,
    items: Vec<SaveItem>,
    step: Option<Arc<dyn Transform>>,
) -> Vec<SaveResult> {
    let opened = std::fs::create_dir_all(root)
        .map_err(|e| format!("cannot create {}: {e}", root.display()))
        .and_then(|()| {
            Saver::open(&SaveTo {
                output: root.to_path_buf(),
                zip: None,
                archive: Some(root.join(ARCHIVE_FILE)),
                metadata: false,
                date: String::new(),
                sync_each: true,
                products_csv: None,
            })
            .map_err(|e| format!("archive: {e}"))
        });
    let saver = match opened {
        Ok(s) => s,
        Err(e) => {
            return items
                .iter()
                .map(|i| SaveResult::failed(&i.url, e.clone()))
                .collect()
        }
    };
    let target = Target {
        root: root.to_path_buf(),
        step,
        saver,
    };
    stream::iter(items)
        .map(|item| save_one(client, &target, item))
        .buffered(AT_ONCE)
        .collect()
        .await
}

fn skipped(url: &str, path: String) -> SaveResult {
    SaveResult {
        url: echo(url),
        ok: true,
        path: Some(path),
        skipped: true,
        error: None,
    }
}

async fn save_one(client: &Client, t: &Target, item: SaveItem) -> SaveResult {
    if item.url.len() > MAX_URL {
        return SaveResult::failed(&item.url, format!("URL longer than {MAX_URL} bytes"));
    }
    let url = match Url::parse(&item.url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        Ok(u) => {
            return SaveResult::failed(
                &item.url,
                format!("{}: URLs are saved by the extension itself", u.scheme()),
            )
        }
        Err(e) => return SaveResult::failed(&item.url, format!("not a URL: {e}")),
    };
    if let Some(saved) = t.saver.already_saved(url.as_str()) {
        return skipped(&item.url, saved.path);
    }
    let req = DownloadRequest {
        candidates: vec![url.clone()],
        referer: None,
        dir: t.root.clone(),
    };
    let mut fetched = match client.download(req).await {
        Ok(d) => Fetched::from_download(d),
        Err(e) => return SaveResult::failed(&item.url, e.to_string()),
    };
    // Checked before converting, so a duplicate costs no decode; the save checks again.
    if let Some(earlier) = t.saver.duplicate_of(&fetched.sha256) {
        fetched.discard();
        return skipped(&item.url, earlier);
    }
    let mut ext = fetched
        .info
        .map(|i| i.format.extension().to_string())
        .or_else(|| url_extension(url.as_str()))
        .unwrap_or_else(|| "bin".into());
    let mut filename = item.filename.clone();
    if let Some(step) = &t.step {
        if let Err(e) = fetched.transform(step.clone()).await {
            fetched.discard();
            return SaveResult::failed(&item.url, format!("not converted: {e}"));
        }
        let now = fetched.info.map(|i| i.format.extension().to_string());
        if let Some(now) = now.filter(|now| *now != ext) {
            ext = now;
            filename = filename.map(|f| swap_extension(&f, &ext));
        }
    }
    let mut rel = relative_name(filename.as_deref(), url.as_str(), &ext);
    let file = rel.components.pop().unwrap_or_else(|| "_".into());
    let image = Image {
        url: url.to_string(),
        source: SourceKind::Img,
        sources: Vec::new(),
        alt: None,
        alternates: Vec::new(),
        width: None,
        height: None,
        order: 0,
    };
    match t.saver.save("", &image, fetched, &rel.components, &file) {
        Event::Saved { path, .. } => SaveResult {
            url: echo(&item.url),
            ok: true,
            path: Some(path),
            skipped: false,
            error: None,
        },
        Event::Skipped {
            earlier: Some(path),
            ..
        } => skipped(&item.url, path),
        Event::Failed { reason, .. } | Event::Skipped { reason, .. } => {
            SaveResult::failed(&item.url, reason)
        }
        other => SaveResult::failed(&item.url, format!("unexpected: {other:?}")),
    }
}

/// The extension's name (`a/b/c.jpg`: folders, then the file), made safe; or
/// `{name}.{ext}` of the URL when it gave none.
fn relative_name(filename: Option<&str>, url: &str, ext: &str) -> RelPath {
    match filename.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => {
            let (folder, file) = f.rsplit_once(['/', '\\']).unwrap_or(("", f));
            safe_relative_path(folder, file)
        }
        None => safe_relative_path("", &format!("{}.{ext}", url_name(url))),
    }
}

/// `name` (which may hold folders) with its file's extension replaced by `ext`.
fn swap_extension(name: &str, ext: &str) -> String {
    let file_start = name.rfind(['/', '\\']).map_or(0, |i| i + 1);
    match name[file_start..].rfind('.') {
        Some(dot) if dot > 0 => format!("{}.{ext}", &name[..file_start + dot]),
        _ => format!("{name}.{ext}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_formats_the_tools_write() {
        let c: Vec<Convert> = serde_json::from_str(r#"["png","jpeg","webp"]"#).unwrap();
        let formats: Vec<&str> = c.iter().map(|c| c.format().extension()).collect();
        assert_eq!(formats, ["png", "jpg", "webp"]);
        assert!(serde_json::from_str::<Convert>(r#""bmp""#).is_err());
    }

    #[test]
    fn a_converted_file_gets_the_new_extension() {
        assert_eq!(
            swap_extension("shop/a-800x400.jpg", "png"),
            "shop/a-800x400.png"
        );
        assert_eq!(swap_extension("a.b/noext", "webp"), "a.b/noext.webp");
        assert_eq!(swap_extension(".hidden", "png"), ".hidden.png");
    }

    #[test]
    fn names_stay_inside_the_folder() {
        let r = relative_name(Some("../../etc/passwd"), "http://x/a.png", "png");
        assert_eq!(r.components, ["etc", "passwd"]);
        let r = relative_name(Some("shop/Red shoe.jpg"), "http://x/a.png", "png");
        assert_eq!(r.components, ["shop", "Red shoe.jpg"]);
        let r = relative_name(None, "http://x/img/cat.webp?w=1", "webp");
        assert_eq!(r.components, ["cat.webp"]);
    }

    #[test]
    fn folders_must_be_absolute() {
        assert!(target_folder("relative/dir").is_err());
        assert_eq!(target_folder("/srv/x").unwrap(), PathBuf::from("/srv/x"));
    }
}
