//! `POST /api/1/upload`: Chevereto's API v1, as ShareX and Chevereto clients speak it.

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use bytes::Bytes;
use std::collections::HashMap;

use super::{header_key, image_json, signed_in};
use crate::error::ApiError;
use crate::fetch::UrlUploadError;
use crate::ingest::{ingest, Spool, Spooled, Upload};
use crate::state::AppState;

/// The `source` as sent.
pub(super) enum Source {
    File { body: Spooled, name: Option<String> },
    Text(String),
}

/// A request's fields (`POST /api/v2/search` reads its own the same way).
#[derive(Default)]
pub(super) struct Fields {
    pub(super) source: Option<Source>,
    pub(super) text: HashMap<String, String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Json,
    Txt,
    Redirect,
}

pub(super) async fn upload(State(state): State<AppState>, req: Request) -> Response {
    match run(&state, req).await {
        Ok(response) => response,
        Err(e) => {
            state.metrics.reject(e.status_and_code().1);
            e.into_response()
        }
    }
}

async fn run(state: &AppState, req: Request) -> Result<Response, ApiError> {
    let headers = req.headers().clone();
    let mut fields = Fields::default();
    let Query(query) = Query::<Vec<(String, String)>>::try_from_uri(req.uri())
        .map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    for (k, v) in query {
        fields.set(k, v);
    }
    read_body(state, &headers, req, &mut fields).await?;

    let answer = match fields.text.get("format").map(String::as_str) {
        None | Some("") | Some("json") => Answer::Json,
        Some("txt") => Answer::Txt,
        Some("redirect") => Answer::Redirect,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_format",
                "format must be json, txt or redirect",
            ))
        }
    };

    let key = header_key(&headers).or_else(|| fields.text.get("key").cloned());
    let user = signed_in(state, key.as_deref()).await?;
    if user.is_none() && !state.config.guest_uploads {
        return Err(ApiError::MissingKey);
    }

    let expires_in = match fields.text.get("expiration").map(|s| s.trim()) {
        None | Some("") => None,
        Some(text) => match super::expiry_secs(text) {
            Some(secs) => Some(secs),
            None => {
                return Err(ApiError::bad_request(
                    "invalid_expiration",
                    "expiration must be a duration such as PT5M or P3D (or 5m, 3d)",
                ))
            }
        },
    };
    let nsfw = matches!(
        fields.text.get("nsfw").map(|s| s.trim()),
        Some("1") | Some("true")
    );
    let (body, original_name) = match fields.source.take() {
        None => {
            return Err(ApiError::bad_request(
                "missing_source",
                "no source: send a file, a base64 string or a URL",
            ))
        }
        Some(Source::File { body, name }) => (body, name),
        Some(Source::Text(text)) => {
            let (bytes, name) = source_text(state, &text).await?;
            (Spooled::from_bytes(bytes), name)
        }
    };
    let non_empty = |k: &str| fields.text.get(k).filter(|v| !v.trim().is_empty()).cloned();
    let upload = Upload {
        body,
        user,
        title: non_empty("title").map(|t| clip(&t, 200)),
        description: non_empty("description").map(|t| clip(&t, 5000)),
        album_id: non_empty("album_id"),
        nsfw,
        expires_in,
    };
    let done = ingest(state, upload).await?;
    let urls = image_json::urls(state, &done.record);
    Ok(match answer {
        Answer::Json => {
            let mut body =
                image_json::chevereto_upload_answer(state, &done.record, original_name.as_deref());
            // How a video was handled: a placeholder poster or kept metadata must be
            // visible to the uploader, not only in the log.
            if let (Some(report), Some(image)) = (&done.video, body.get_mut("image")) {
                if let Ok(v) = serde_json::to_value(report) {
                    image["video"] = v;
                }
            }
            Json(body).into_response()
        }
        Answer::Txt => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            urls.url,
        )
            .into_response(),
        Answer::Redirect => Redirect::to(&urls.viewer).into_response(),
    })
}

impl Fields {
    pub(super) fn set(&mut self, name: String, value: String) {
        if name == "source" {
            self.source = Some(Source::Text(value));
        } else {
            self.text.insert(name, value);
        }
    }
}

pub(super) async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    req: Request,
    fields: &mut Fields,
) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request("bad_multipart", e.body_text()))?;
        loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(e.status(), e.body_text())),
            };
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(|s| s.to_string());
            if name != "source" {
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(e.status(), e.body_text()))?;
                let value = String::from_utf8(data.to_vec()).map_err(|_| {
                    ApiError::bad_request("bad_field", format!("field {name:?} is not UTF-8 text"))
                })?;
                fields.set(name, value);
                continue;
            }
            // The file is read chunk by chunk into a spool (a temp file past a small
            // size, or when the bodies in memory fill their budget), never whole into
            // memory; the body limit still ends it with a 413.
            let mut spool = Spool::new(&state.config.data_dir.join("tmp"), &state.upload_memory);
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => spool.push(&chunk).await.map_err(spool_error)?,
                    Ok(None) => break,
                    Err(e) => return Err(multipart_error(e.status(), e.body_text())),
                }
            }
            let body = spool.finish().await.map_err(spool_error)?;
            // A file part usually has a file name; some clients send the raw bytes as a
            // plain field, told apart from base64 or a URL by their magic bytes.
            let head = body.head();
            let raw_image = imago_core::probe::sniff(head).is_some() || is_video(head);
            if file_name.is_some() || raw_image {
                fields.source = Some(Source::File {
                    body,
                    name: file_name,
                });
            } else {
                let data = body.bytes().await.map_err(spool_error)?;
                let value = String::from_utf8(data.to_vec()).map_err(|_| {
                    ApiError::bad_request("bad_field", format!("field {name:?} is not UTF-8 text"))
                })?;
                fields.set(name, value);
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|e| multipart_error(e.status(), e.body_text()))?;
        for (k, v) in pairs {
            fields.set(k, v);
        }
    }
    Ok(())
}

fn spool_error(e: std::io::Error) -> ApiError {
    ApiError::Internal(format!("spooling the upload: {e}"))
}

fn multipart_error(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("the request body is larger than this server accepts".into())
    } else {
        ApiError::bad_request("bad_body", text)
    }
}

/// A text `source`: an http(s) URL to fetch, or base64 (a `data:` URL's too).
pub(super) async fn source_text(
    state: &AppState,
    text: &str,
) -> Result<(Bytes, Option<String>), ApiError> {
    let t = text.trim();
    let lower = t.get(..8).unwrap_or(t).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let bytes = state
            .fetcher
            .fetch(t, state.config.upload_body_limit())
            .await
            .map_err(|e| match e {
                UrlUploadError::Unavailable(m) => ApiError::NotImplemented(m),
                UrlUploadError::Refused(m) => ApiError::bad_request("url_refused", m),
                UrlUploadError::Failed(m) => ApiError::unprocessable("fetch_failed", m),
                UrlUploadError::TooLarge(_) => ApiError::TooLarge(e.to_string()),
            })?;
        let name = t
            .rsplit('/')
            .next()
            .map(|s| s.split(['?', '#']).next().unwrap_or(s).to_string())
            .filter(|s| !s.is_empty());
        return Ok((bytes, name));
    }
    let payload = match t.strip_prefix("data:") {
        Some(rest) => rest.split_once(";base64,").map_or(rest, |(_, b)| b),
        None => t,
    };
    let compact: Vec<u8> = payload
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    // Decoding more than the limit allows is pointless: refuse by length first.
    let largest = state.config.upload_body_limit();
    if compact.len() / 4 * 3 > largest.saturating_add(3) {
        return Err(ApiError::TooLarge(format!(
            "the file is larger than the {largest} bytes this server accepts"
        )));
    }
    let lenient = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
    standard
        .decode(&compact)
        .or_else(|_| url_safe.decode(&compact))
        .map(|b| (Bytes::from(b), None))
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_source",
                "source is neither a file, an http(s) URL nor base64",
            )
        })
}

/// Whether `data` starts like a video container (MP4, MOV, WebM).
fn is_video(data: &[u8]) -> bool {
    let any_size = imago_media::Limits {
        max_bytes: u64::MAX,
        max_video_bytes: u64::MAX,
        ..imago_media::Limits::default()
    };
    matches!(
        imago_media::inspect(data, &any_size),
        Ok(imago_media::Inspected {
            kind: imago_media::MediaKind::Video(_),
            ..
        })
    )
}

fn clip(s: &str, max_chars: usize) -> String {
    s.trim().chars().take(max_chars).collect()
}
