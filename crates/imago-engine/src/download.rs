//! Download one image: candidates tried in order, bytes streamed to a temporary file in
//! the target folder while hashed, the first bytes checked (a web page or something
//! that is not an image is a failure, never a saved image), the length checked against
//! `Content-Length`, the file fsynced. An interrupted transfer resumes with `Range`.
//!
//! The temporary file is `.imago-<sha256 of the URL>.part`; the caller renames it into
//! place. A failed attempt removes it, unless the transfer was merely interrupted from a
//! server that serves ranges: then it stays for the next attempt (or run) to resume.

use std::path::{Path, PathBuf};

use imago_core::probe::{looks_like_html, probe as parse_prefix, Probe};
use imago_core::ImageInfo;
use reqwest::header::{HeaderValue, IF_RANGE, RANGE};
use reqwest::Method;
use sha2::{Digest, Sha256};
use tokio::fs::{self, File, OpenOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use url::Url;

use crate::client::{Client, Inner};
use crate::error::FetchError;
use crate::fetch::{check_length, check_scheme, image_headers, open, short_body_or, Opened};
use crate::probe::{parse_content_range, PROBE_MAX_BYTES};
use crate::retry::with_retries;

/// What to download.
#[derive(Clone, Debug)]
pub struct DownloadRequest {
    /// Tried in order (HD rewrites first, the original last); the next is tried on
    /// 404/403/410 and on an answer that is not an image.
    pub candidates: Vec<Url>,
    /// The page, sent as `Referer` (unless the client is set not to).
    pub referer: Option<Url>,
    /// The target folder (created if missing); the temporary file is written there so
    /// the final rename stays on one file system.
    pub dir: PathBuf,
}

/// A complete, verified, fsynced download waiting to be renamed into place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Downloaded {
    /// The candidate that worked.
    pub url: Url,
    /// `.imago-*.part` in the target folder.
    pub temp_path: PathBuf,
    pub bytes: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Format and size from the header (`None` when the header is longer than a probe
    /// reads).
    pub info: Option<ImageInfo>,
    pub content_type: Option<String>,
}

/// Enough bytes to tell a web page from an image before judging.
const SNIFF_BYTES: usize = 512;

impl Client {
    /// Downloads the first candidate that is an image into a temporary file in
    /// `req.dir`.
    pub async fn download(&self, req: DownloadRequest) -> Result<Downloaded, FetchError> {
        let inner = &*self.inner;
        if req.candidates.is_empty() {
            return Err(FetchError::NoCandidates);
        }
        fs::create_dir_all(&req.dir)
            .await
            .map_err(|source| FetchError::Io {
                path: req.dir.clone(),
                source,
            })?;
        let mut last = None;
        for url in &req.candidates {
            if let Err(e) = check_scheme(url) {
                last = Some(e);
                continue;
            }
            let result = with_retries(&inner.cfg, |_| {
                attempt(inner, url, req.referer.as_ref(), &req.dir)
            })
            .await;
            match result {
                Ok(done) => return Ok(done),
                Err(e) if e.tries_next_candidate() => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(FetchError::NoCandidates))
    }
}

/// The temporary file for `url` in `dir`: named by the URL so a later run finds it to
/// resume.
pub fn part_path(dir: &Path, url: &Url) -> PathBuf {
    let digest = Sha256::digest(url.as_str().as_bytes());
    let name = hex::encode(digest.get(..16).unwrap_or(&digest));
    dir.join(format!(".imago-{name}.part"))
}

/// Next to the part: the validator (`ETag` or `Last-Modified`) of the response it came
/// from, sent as `If-Range` when resuming so a changed file is not stitched to an old
/// beginning.
fn validator_path(part: &Path) -> PathBuf {
    let mut p = part.as_os_str().to_owned();
    p.push(".validator");
    PathBuf::from(p)
}

/// What is on disk already, and the running state of this transfer.
struct Progress {
    len: u64,
    hasher: Sha256,
    prefix: Vec<u8>,
    info: Option<ImageInfo>,
    /// The first bytes were judged (an image, or too long a header to judge).
    judged: bool,
    /// The next judgement waits for this many prefix bytes.
    need: usize,
}

impl Progress {
    fn fresh() -> Progress {
        Progress {
            len: 0,
            hasher: Sha256::new(),
            prefix: Vec::new(),
            info: None,
            judged: false,
            need: SNIFF_BYTES,
        }
    }

    /// Takes in bytes already on disk or just received; judges the beginning as soon
    /// as enough of it is there.
    fn take(&mut self, bytes: &[u8]) -> Result<(), FetchError> {
        self.hasher.update(bytes);
        self.len = self.len.saturating_add(bytes.len() as u64);
        if !self.judged {
            let room = PROBE_MAX_BYTES.saturating_sub(self.prefix.len());
            self.prefix
                .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(bytes));
            if self.prefix.len() >= self.need {
                self.judge(false)?;
            }
        }
        Ok(())
    }

    fn judge(&mut self, complete: bool) -> Result<(), FetchError> {
        if looks_like_html(&self.prefix) {
            return Err(FetchError::Html);
        }
        match parse_prefix(&self.prefix, complete) {
            Probe::Known(info) => {
                self.info = Some(info);
                self.finish_judging();
            }
            Probe::NotImage(reason) => return Err(FetchError::NotAnImage(reason)),
            Probe::NeedMore(_) if self.prefix.len() >= PROBE_MAX_BYTES => {
                // A header this long (a huge EXIF block) is still an image: keep it,
                // without size.
                self.finish_judging();
            }
            Probe::NeedMore(n) => self.need = n.max(self.prefix.len().saturating_add(1)),
        }
        Ok(())
    }

    fn finish_judging(&mut self) {
        self.judged = true;
        self.prefix = Vec::new();
    }
}

/// Reads a part left by an earlier attempt: its length, its hash so far, its first
/// bytes. `None` when there is none worth resuming.
async fn load_part(part: &Path, max_bytes: u64) -> Option<Progress> {
    let meta = fs::symlink_metadata(part).await.ok()?;
    if meta.file_type().is_symlink() {
        // Not ours: writing through it would land outside the target folder.
        let _ = fs::remove_file(part).await;
        return None;
    }
    if !meta.is_file() || meta.len() == 0 || meta.len() > max_bytes {
        return None;
    }
    let mut file = File::open(part).await.ok()?;
    let mut progress = Progress::fresh();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        // A part that fails judging is not resumed: it starts over and fails again
        // honestly, from the server's bytes.
        progress.take(buf.get(..n)?).ok()?;
    }
    Some(progress)
}

async fn remove_part(part: &Path) {
    let _ = fs::remove_file(part).await;
    let _ = fs::remove_file(validator_path(part)).await;
}

/// One attempt at one candidate; on failure the part is kept only when resuming it
/// makes sense.
async fn attempt(
    inner: &Inner,
    url: &Url,
    referer: Option<&Url>,
    dir: &Path,
) -> Result<Downloaded, FetchError> {
    let part = part_path(dir, url);
    let mut fate = Fate::default();
    let result = transfer(inner, url, referer, &part, &mut fate).await;
    match &result {
        Err(e) => {
            let keep = fate.resumable
                && (e.is_interruption() || (e.is_retryable() && e.status().is_some()))
                && fs::metadata(&part).await.is_ok_and(|m| m.len() > 0);
            if !keep {
                remove_part(&part).await;
            } else if let Some(v) = fate.new_validator {
                // Written only now, when a resume will need it: a download that
                // succeeds costs no extra file.
                let path = validator_path(&part);
                let _ = if v.is_empty() {
                    fs::remove_file(path).await
                } else {
                    fs::write(path, v).await
                };
            }
        }
        Ok(_) if fate.had_part => {
            let _ = fs::remove_file(validator_path(&part)).await;
        }
        Ok(_) => {}
    }
    result
}

/// What an attempt learned that decides what becomes of the part if it fails.
#[derive(Default)]
struct Fate {
    /// The server serves ranges (or a part from earlier is still untested).
    resumable: bool,
    /// A part (and maybe its validator) was on disk before this attempt.
    had_part: bool,
    /// The validator of the response that started the part afresh (`Some("")` to
    /// clear an old one when the new response has none).
    new_validator: Option<String>,
}

async fn transfer(
    inner: &Inner,
    url: &Url,
    referer: Option<&Url>,
    part: &Path,
    fate: &mut Fate,
) -> Result<Downloaded, FetchError> {
    let max = inner.cfg.max_bytes;
    let io = |source| FetchError::Io {
        path: part.to_path_buf(),
        source,
    };
    // Two passes at most: a resume the server refuses (416, wrong range) starts over.
    for _ in 0..2 {
        let existing = load_part(part, max).await;
        fate.resumable = existing.is_some();
        fate.had_part |= existing.is_some();
        let mut headers = image_headers();
        if let Some(p) = &existing {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes={}-", p.len)) {
                headers.insert(RANGE, v);
            }
            let validator = fs::read_to_string(validator_path(part)).await.ok();
            let validator = validator.filter(|v| !v.trim().is_empty());
            if let Some(v) = validator.and_then(|v| HeaderValue::from_str(v.trim()).ok()) {
                headers.insert(IF_RANGE, v);
            }
        }
        let mut opened = open(inner, Method::GET, url, referer, &headers).await?;
        let status = opened.status();
        if (200..300).contains(&status) {
            // An error answer says nothing about ranges: a part on disk stays resumable.
            fate.resumable = status == 206
                || opened
                    .header("accept-ranges")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("bytes"));
        }
        let (progress, file, expected_end) = match (status, existing) {
            (206, Some(progress)) => {
                let cr = opened.header("content-range").and_then(parse_content_range);
                let Some(cr) = cr.filter(|cr| cr.start == progress.len) else {
                    remove_part(part).await;
                    continue;
                };
                let end = cr.total.unwrap_or(cr.end.saturating_add(1));
                if end > max {
                    return Err(FetchError::TooLarge {
                        limit: max,
                        declared: Some(end),
                    });
                }
                let file = OpenOptions::new()
                    .append(true)
                    .open(part)
                    .await
                    .map_err(io)?;
                (progress, file, Some(end))
            }
            (416, Some(_)) => {
                remove_part(part).await;
                continue;
            }
            (200, _) => {
                let len = opened.content_length();
                if let Some(len) = len.filter(|&l| l > max) {
                    return Err(FetchError::TooLarge {
                        limit: max,
                        declared: Some(len),
                    });
                }
                let file = File::create(part).await.map_err(io)?;
                fate.new_validator = Some(validator_of(&opened).unwrap_or_default());
                (Progress::fresh(), file, len)
            }
            _ if (200..300).contains(&status) => {
                // 203/206-without-asking and the like: not a body we can trust as
                // the file.
                return Err(FetchError::BadRange(format!("unexpected HTTP {status}")));
            }
            _ => return Err(opened.status_error()),
        };
        return stream(inner, url, &mut opened, part, progress, file, expected_end).await;
    }
    Err(FetchError::BadRange(
        "the server refused to resume and then to start over".to_string(),
    ))
}

/// A strong `ETag` (weak ones are not allowed in `If-Range`), else `Last-Modified`.
fn validator_of(opened: &Opened) -> Option<String> {
    let etag = opened
        .header("etag")
        .map(str::trim)
        .filter(|e| !e.starts_with("W/") && !e.is_empty());
    etag.or_else(|| opened.header("last-modified"))
        .map(str::to_string)
}

async fn stream(
    inner: &Inner,
    url: &Url,
    opened: &mut Opened,
    part: &Path,
    mut progress: Progress,
    file: File,
    expected_end: Option<u64>,
) -> Result<Downloaded, FetchError> {
    let max = inner.cfg.max_bytes;
    let io = |source| FetchError::Io {
        path: part.to_path_buf(),
        source,
    };
    let mut out = BufWriter::with_capacity(64 * 1024, file);
    let outcome: Result<(), FetchError> = async {
        while let Some(chunk) = opened
            .chunk()
            .await
            .map_err(|e| short_body_or(e, progress.len, expected_end))?
        {
            if progress.len.saturating_add(chunk.len() as u64) > max {
                return Err(FetchError::TooLarge {
                    limit: max,
                    declared: expected_end,
                });
            }
            progress.take(&chunk)?;
            out.write_all(&chunk).await.map_err(io)?;
        }
        check_length(progress.len, expected_end)
    }
    .await;
    // What arrived is on disk either way: a resume starts from it.
    let flushed = out.flush().await.map_err(io);
    outcome?;
    flushed?;
    if !progress.judged {
        progress.judge(true)?;
    }
    let file = out.into_inner();
    file.sync_all().await.map_err(io)?;
    drop(file);
    Ok(Downloaded {
        url: url.clone(),
        temp_path: part.to_path_buf(),
        bytes: progress.len,
        sha256: hex::encode(progress.hasher.finalize()),
        info: progress.info,
        content_type: opened.header("content-type").map(str::to_string),
    })
}
