//! `{type:'video'}`: one HLS stream the extension found on a tab, saved as MP4 into a
//! folder the user chose, through the same engine step as `imago video` (the page as
//! Referer, the variant by quality).

use std::sync::Arc;

use imago_engine::video::{stem_for, Remux, StreamRequest, DEFAULT_WINDOW};
use imago_engine::Client;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::commands::video::FfmpegRemux;

#[derive(Debug, Deserialize)]
pub struct VideoRequest {
    /// The playlist (`.m3u8`).
    pub url: String,
    /// The tab's page: sent as Referer.
    #[serde(default)]
    pub page: Option<String>,
    pub folder: String,
    /// The file name without `.mp4` (the extension's template); the playlist's name
    /// when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// `best` (default), `worst` or a height (`720p`).
    #[serde(default)]
    pub quality: Option<String>,
}

/// Saves the stream; the answer is `{type:'videoSaved', path, width, height, duration,
/// bytes}` or an error message.
pub async fn run(client: &Client, req: VideoRequest) -> Result<serde_json::Value, String> {
    let url = Url::parse(&req.url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| format!("video: {:?} is not an http(s) URL", req.url))?;
    let referer = req
        .page
        .as_deref()
        .and_then(|p| Url::parse(p).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let quality = req
        .quality
        .as_deref()
        .unwrap_or("best")
        .parse()
        .map_err(|e: String| format!("video: {e}"))?;
    let out_dir = super::save::target_folder(&req.folder).map_err(|e| format!("video: {e}"))?;
    let stem = req
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.strip_suffix(".mp4").unwrap_or(n).to_string())
        .unwrap_or_else(|| stem_for(&url));
    let stream = StreamRequest {
        url,
        referer,
        quality,
        live_max: Some(std::time::Duration::from_secs(3600)),
        window: DEFAULT_WINDOW,
        out_dir,
        stem,
    };
    let remux: Arc<dyn Remux> = Arc::new(FfmpegRemux::new(std::path::Path::new("ffmpeg")));
    let saved = client
        .save_stream(&stream, remux, &|_, _, _| {})
        .await
        .map_err(|e| format!("video: {e}"))?;
    Ok(json!({
        "type": "videoSaved",
        "url": req.url,
        "path": saved.path.display().to_string(),
        "width": saved.width,
        "height": saved.height,
        "duration": (saved.duration_secs * 1000.0).round() / 1000.0,
        "bytes": saved.bytes,
    }))
}
