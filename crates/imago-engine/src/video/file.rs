//! A video that is one file (`.mp4`, `.webm`, `.mov`): streamed to a temporary file
//! beside its target (never whole in memory), its first bytes checked to be a video
//! container and not an error page, its length checked against `Content-Length`, then
//! read back by the [`Remux`] step's probe and moved into place.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_ENCODING};
use reqwest::Method;
use tokio::io::AsyncWriteExt;
use url::Url;

use crate::error::FetchError;
use crate::fetch::{check_length, open, short_body_or};
use crate::retry::with_retries;
use crate::Client;

use super::{place_numbered, Remux, SavedStream, VideoError};

impl Client {
    /// Saves the video file at `url` into `out_dir` as `stem.<ext>`.
    pub async fn save_video_file(
        &self,
        url: &Url,
        referer: Option<&Url>,
        out_dir: &Path,
        stem: &str,
        probe: Arc<dyn Remux>,
    ) -> Result<SavedStream, VideoError> {
        let inner = &*self.inner;
        std::fs::create_dir_all(out_dir).map_err(|source| VideoError::Disk {
            path: out_dir.to_path_buf(),
            source,
        })?;
        let temp = out_dir.join(crate::place::temp_name("video"));
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        let headers = &headers;
        let temp_ref = &temp;
        let fetched = with_retries(&inner.cfg, |_| async move {
            let mut opened = open(inner, Method::GET, url, referer, headers).await?;
            if !(200..300).contains(&opened.status()) {
                return Err(opened.status_error());
            }
            let expected = opened.content_length();
            if expected.is_some_and(|n| n > inner.cfg.max_bytes) {
                return Err(FetchError::TooLarge {
                    limit: inner.cfg.max_bytes,
                    declared: expected,
                });
            }
            let io = |source| FetchError::Io {
                path: temp_ref.clone(),
                source,
            };
            let mut out = tokio::fs::File::create(temp_ref).await.map_err(io)?;
            let mut got: u64 = 0;
            // The first bytes, held until they say what the file is.
            let mut head: Vec<u8> = Vec::new();
            let mut ext: Option<Option<&'static str>> = None;
            loop {
                let chunk = match opened.chunk().await {
                    Ok(Some(c)) => c,
                    Ok(None) => break,
                    Err(e) => return Err(short_body_or(e, got, expected)),
                };
                got = got.saturating_add(chunk.len() as u64);
                if got > inner.cfg.max_bytes {
                    return Err(FetchError::TooLarge {
                        limit: inner.cfg.max_bytes,
                        declared: expected,
                    });
                }
                if ext.is_none() {
                    head.extend_from_slice(&chunk);
                    if head.len() < HEAD {
                        continue;
                    }
                    let kind = container(&head);
                    if kind.is_none() {
                        return Ok((None, got));
                    }
                    ext = Some(kind);
                    out.write_all(&head).await.map_err(io)?;
                    continue;
                }
                out.write_all(&chunk).await.map_err(io)?;
            }
            check_length(got, expected)?;
            if ext.is_none() {
                let kind = container(&head);
                if kind.is_none() {
                    return Ok((None, got));
                }
                out.write_all(&head).await.map_err(io)?;
                ext = Some(kind);
            }
            out.sync_all().await.map_err(io)?;
            Ok((ext.flatten(), got))
        })
        .await;
        let (ext, bytes) = match fetched {
            Ok((Some(ext), bytes)) => (ext, bytes),
            Ok((None, _)) => {
                let _ = std::fs::remove_file(&temp);
                return Err(VideoError::NotVideo(url.to_string()));
            }
            Err(source) => {
                let _ = std::fs::remove_file(&temp);
                return Err(VideoError::File {
                    url: url.to_string(),
                    source,
                });
            }
        };
        let temp_for_probe: PathBuf = temp.clone();
        let facts = tokio::task::spawn_blocking(move || probe.facts(&temp_for_probe))
            .await
            .map_err(|e| VideoError::Remux(format!("the probe stopped: {e}")))
            .and_then(|r| r.map_err(VideoError::Remux));
        let facts = match facts {
            Ok(f) => f,
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
        };
        let path = place_numbered(out_dir, stem, ext, &temp).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })?;
        Ok(SavedStream {
            path,
            variant: None,
            width: facts.width,
            height: facts.height,
            duration_secs: facts.duration_secs,
            bytes,
            segments: 0,
            resumed: 0,
            note: None,
        })
    }
}

/// Bytes looked at before a file is judged.
const HEAD: usize = 16;

/// The file's extension by its first bytes: ISO-BMFF (`ftyp`: MP4, MOV) or EBML
/// (WebM); `None` for anything else (an HTML error page above all).
fn container(first: &[u8]) -> Option<&'static str> {
    if first.get(4..8) == Some(b"ftyp") {
        return Some(if first.get(8..10) == Some(b"qt") {
            "mov"
        } else {
            "mp4"
        });
    }
    if first.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some("webm");
    }
    None
}
