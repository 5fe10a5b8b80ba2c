//! `imago video`: the HLS streams of pages (or playlists given directly) saved as MP4.

use std::sync::Arc;

use anyhow::{anyhow, Result};
use imago_core::discover::video::{find_videos, video_kind, VideoKind};
use imago_core::hls::Quality;
use imago_engine::video::{stem_for, Remux, SavedStream, StreamRequest};
use imago_engine::Client;
pub use imago_server::video::FfmpegRemux;
use serde_json::json;
use url::Url;

use crate::cli::VideoArgs;
use crate::progress::VideoProgress;
use crate::{settings, BadInput, Outcome};

pub async fn run(args: VideoArgs) -> Result<Outcome> {
    let quality: Quality = args
        .quality
        .parse()
        .map_err(|e: String| BadInput(anyhow!("--quality: {e}")))?;
    let live_max = settings::duration("--live-max", &args.live_max)?;
    if args.segments == 0 {
        return Err(BadInput(anyhow!("--segments 0: at least one segment at a time")).into());
    }
    let referer = args
        .referer
        .as_deref()
        .map(|r| Url::parse(r).map_err(|e| BadInput(anyhow!("--referer {r:?}: {e}"))))
        .transpose()?;
    let mut inputs = Vec::new();
    for u in &args.urls {
        let url = Url::parse(u)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                BadInput(anyhow!(
                    "{u:?} is not an http(s) URL of a page or a playlist"
                ))
            })?;
        inputs.push(url);
    }
    let mut cfg = settings::client(&args.net)?;
    // Segments come from one host: the window is only a window if the host limit lets
    // that many through.
    cfg.per_host = cfg.per_host.max(args.segments);
    cfg.concurrency = cfg.concurrency.max(args.segments);
    let client = Client::new(cfg)?;
    let remux: Arc<dyn Remux> = Arc::new(FfmpegRemux::new(&args.ffmpeg));
    let show = VideoProgress::new(args.json, args.quiet);

    let mut seen = std::collections::HashSet::new();
    let (mut saved, mut failed, mut bad_input, mut bytes) = (0u64, 0u64, 0u64, 0u64);
    for input in inputs {
        let streams = match streams_of(&client, &input, referer.as_ref()).await {
            Ok(s) => s,
            Err(Found::Bad(reason)) => {
                show.failed(None, &input, &reason);
                failed += 1;
                bad_input += 1;
                continue;
            }
            Err(Found::Failed(reason)) => {
                show.failed(Some(&input), &input, &reason);
                failed += 1;
                continue;
            }
        };
        for Target {
            url,
            page,
            kind,
            stem,
        } in streams
        {
            if !seen.insert(url.clone()) {
                continue;
            }
            let referer = page.clone().or_else(|| referer.clone());
            let result = match kind {
                VideoKind::Hls => {
                    let req = StreamRequest {
                        url: url.clone(),
                        referer,
                        quality,
                        live_max: Some(live_max),
                        window: args.segments,
                        out_dir: args.output.clone(),
                        stem,
                    };
                    let progress = show.stream(&url);
                    client.save_stream(&req, remux.clone(), &progress).await
                }
                VideoKind::File => {
                    client
                        .save_video_file(&url, referer.as_ref(), &args.output, &stem, remux.clone())
                        .await
                }
            };
            match result {
                Ok(s) => {
                    show.saved(page.as_ref(), &url, &s);
                    saved += 1;
                    bytes += s.bytes;
                }
                Err(e) => {
                    if e.is_bad_input() {
                        bad_input += 1;
                    }
                    show.failed(page.as_ref(), &url, &e.to_string());
                    failed += 1;
                }
            }
        }
    }
    show.finish(&json!({"saved": saved, "failed": failed, "bytes": bytes}));
    Ok(if bad_input > 0 && saved == 0 {
        Outcome::BadInput
    } else if failed > 0 {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}

/// Why an input gave no stream.
enum Found {
    /// Not a page nor a playlist: the user's to fix (exit code 2).
    Bad(String),
    Failed(String),
}

/// One video to save.
struct Target {
    url: Url,
    /// The page it was found on (its Referer); `None` for a URL given directly.
    page: Option<Url>,
    kind: VideoKind,
    /// The file name without extension.
    stem: String,
}

/// The videos an input names: itself when it is a playlist or a video file, else the
/// videos of the page (HLS streams, and plain files when the page has no stream).
async fn streams_of(
    client: &Client,
    input: &Url,
    referer: Option<&Url>,
) -> Result<Vec<Target>, Found> {
    let direct = |kind| {
        Ok(vec![Target {
            url: input.clone(),
            page: None,
            kind,
            stem: stem_for(input),
        }])
    };
    if let Some(kind) = video_kind(input.as_str()) {
        return direct(kind);
    }
    let page = client
        .fetch_text(input, referer)
        .await
        .map_err(|e| Found::Failed(format!("cannot read the page: {e}")))?;
    let content_type = page.content_type.as_deref().unwrap_or("");
    // A playlist or a video behind a URL that does not say so.
    if page.text.trim_start().starts_with("#EXTM3U") {
        return direct(VideoKind::Hls);
    }
    if content_type.starts_with("video/") {
        return direct(VideoKind::File);
    }
    if !(content_type.is_empty() || content_type.contains("html") || content_type.contains("xml")) {
        return Err(Found::Bad(format!(
            "neither a page, an HLS playlist nor a video ({content_type})"
        )));
    }
    let videos = find_videos(&page.text, &page.final_url);
    let title = page_title(&page.text);
    // A page's streams are what its player plays; its plain files are saved when it has
    // no stream (a stream's page often names a low-quality MP4 fallback too).
    let has_hls = videos.iter().any(|v| v.kind == VideoKind::Hls);
    let chosen: Vec<(Url, VideoKind)> = videos
        .iter()
        .filter(|v| !has_hls || v.kind == VideoKind::Hls)
        .filter_map(|v| Url::parse(&v.url).ok().map(|u| (u, v.kind)))
        .collect();
    if chosen.is_empty() {
        return Err(Found::Failed(
            "no video on the page (one a player loads only when it runs may need the browser extension)".into(),
        ));
    }
    let many = chosen.len() > 1;
    Ok(chosen
        .into_iter()
        .enumerate()
        .map(|(i, (url, kind))| {
            let stem = match (&title, many) {
                (Some(t), false) => t.clone(),
                (Some(t), true) => format!("{t}-{}", i + 1),
                (None, _) => stem_for(&url),
            };
            Target {
                url,
                page: Some(page.final_url.clone()),
                kind,
                stem,
            }
        })
        .collect())
}

/// The page's `<title>`, for the file name.
fn page_title(html: &str) -> Option<String> {
    let lower = html.get(..html.len().min(64 * 1024))?.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let text =
        imago_core::html::decode(html.get(open_end..close)?, imago_core::html::Context::Text);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// `imago list --video`: a line per video of the page (JSON with `--json`); an HLS
/// stream's playlists are read for its variants. `false` when a playlist could not be.
pub async fn list_videos(
    client: &Client,
    page: &imago_engine::grab::PageImages,
    as_json: bool,
) -> bool {
    let mut all_read = true;
    let referer = matches!(page.page.scheme(), "http" | "https").then_some(&page.page);
    for v in &page.videos {
        let mut row = serde_json::to_value(v).unwrap_or_default();
        row["page"] = page.page.as_str().into();
        let info = match (v.kind, Url::parse(&v.url)) {
            (VideoKind::Hls, Ok(url)) => Some(client.read_stream(&url, referer).await),
            _ => None,
        };
        match &info {
            Some(Ok(i)) => {
                row["variants"] = serde_json::to_value(&i.variants).unwrap_or_default();
                row["duration"] = i.duration.into();
                row["segments"] = i.segments.into();
                row["live"] = i.live.into();
                row["encrypted"] = i.encrypted.into();
            }
            Some(Err(e)) => {
                all_read = false;
                row["error"] = e.to_string().into();
            }
            None => {}
        }
        if as_json {
            crate::out::line(&row.to_string());
            continue;
        }
        let detail = match &info {
            Some(Ok(i)) => {
                let variants: Vec<String> = i
                    .variants
                    .iter()
                    .map(|v| match (v.width, v.height) {
                        (Some(w), Some(h)) => format!("{w}x{h}@{}k", v.bandwidth / 1000),
                        _ => format!("{}k", v.bandwidth / 1000),
                    })
                    .collect();
                format!(
                    "hls\t{:.1}s\t{}{}",
                    i.duration,
                    if variants.is_empty() {
                        "-".to_string()
                    } else {
                        variants.join(",")
                    },
                    if i.live { "\tlive" } else { "" }
                )
            }
            Some(Err(e)) => format!("hls\t?\t{e}"),
            None => "file".to_string(),
        };
        crate::out::line(&format!("{}\t{detail}", v.url));
    }
    all_read
}

/// The `saved` event's JSON.
pub fn saved_json(page: Option<&Url>, url: &Url, s: &SavedStream) -> serde_json::Value {
    let mut v = json!({
        "event": "saved",
        "page": page.map(Url::as_str),
        "url": url.as_str(),
        "path": s.path.display().to_string(),
        "bytes": s.bytes,
        "duration": (s.duration_secs * 1000.0).round() / 1000.0,
        "width": s.width,
        "height": s.height,
        "segments": s.segments,
    });
    if let Some(variant) = &s.variant {
        v["variant"] = serde_json::to_value(variant).unwrap_or_default();
    }
    if s.segments == 0 {
        // A whole file, not segments.
        if let Some(o) = v.as_object_mut() {
            o.remove("segments");
        }
    }
    if s.resumed > 0 {
        v["resumed"] = s.resumed.into();
    }
    if let Some(note) = &s.note {
        v["note"] = note.clone().into();
    }
    v
}
