//! Step 6 for a video: [`imago_media::video::prepare`] (duration, size, poster, metadata)
//! on a blocking thread, then the poster thumbnailed by the same code as an uploaded PNG.

use axum::http::StatusCode;
use bytes::Bytes;
use imago_media::{inspect, process, Limits, ProcessOptions, VideoFormat};

use super::Files;
use crate::error::ApiError;
use crate::state::AppState;
use imago_media::video::{prepare, VideoError, VideoLimits, VideoReport};

pub(super) async fn video_files(
    state: &AppState,
    bytes: &Bytes,
    format: VideoFormat,
    strip: bool,
    limits: Limits,
) -> Result<(Files, VideoReport), ApiError> {
    let tmp = state.config.data_dir.join("tmp");
    let video_limits = VideoLimits {
        max_duration_secs: state.config.video.max_duration_secs,
        max_side: limits.max_width.min(limits.max_height),
        max_pixels: limits.max_pixels,
    };
    let tools = state.config.video.tools();
    let upload = bytes.clone();
    // The tools' runs and the temporary files are blocking work; a dropped request
    // leaves it to finish within the tools' timeout.
    let prepared = tokio::task::spawn_blocking(move || {
        prepare(&tools, &tmp, &upload, format, strip, video_limits)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("video task: {e}")))?
    .map_err(refusal)?;

    // The poster is a PNG made here or by ffmpeg: its variants come from the image code,
    // and a poster that fits the medium size already is its own medium.
    let poster = prepared.poster;
    let options = ProcessOptions::default();
    // The poster is ours, not the upload: the image body limit does not apply to it
    // (a 4K frame as PNG is larger than a 5 MB photo); its sides were checked.
    let limits = Limits {
        max_bytes: u64::MAX,
        ..limits
    };
    let (thumb, medium) = tokio::task::spawn_blocking(move || {
        let seen = inspect(&poster, &limits)?;
        let done = process(&poster, &seen, &options, &limits)?;
        Ok::<_, imago_media::MediaError>((done.thumb, done.medium.unwrap_or(done.original)))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("poster task: {e}")))?
    .map_err(|e| ApiError::Internal(format!("poster thumbnails: {e} ({})", e.code())))?;

    let files = Files {
        code: None,
        original: Bytes::from(prepared.stored),
        ext: format.extension(),
        mime: format.mime(),
        width: prepared.facts.width,
        height: prepared.facts.height,
        frames: 0,
        thumb,
        medium: Some(medium),
    };
    Ok((files, prepared.report))
}

/// A video the server will not take, with its status and stable code.
fn refusal(e: VideoError) -> ApiError {
    let refused = |status, code, e: &VideoError| ApiError::Refused {
        status,
        code,
        message: e.to_string(),
    };
    match &e {
        VideoError::TooLong { .. } => refused(StatusCode::PAYLOAD_TOO_LARGE, "video_too_long", &e),
        VideoError::TooManyPixels { .. } => {
            refused(StatusCode::PAYLOAD_TOO_LARGE, "too_many_pixels", &e)
        }
        VideoError::Unreadable(_) => refused(StatusCode::UNPROCESSABLE_ENTITY, "corrupt", &e),
        VideoError::Tool(m) => ApiError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "video_failed",
            message: format!("the video could not be processed: {m}"),
        },
        VideoError::ToolMissing | VideoError::Io(_) => ApiError::Internal(e.to_string()),
    }
}
