//! `POST /api/v2/search`: the images on this server that are the picture sent, an edited
//! copy of it, or like it, among those the caller may find.
//!
//! The picture comes as the upload's does — a file part `source`, or `source` as base64
//! or an http(s) URL fetched through the same SSRF guard — in multipart, a form, or JSON
//! (`{"source": "...", "k": 20}`). It is fingerprinted under a decoder permit, within
//! the upload limits, and never stored.
//!
//! What a caller finds: their own images, and other people's that are in no album or in
//! a public one. Unlisted albums are reached by their link, not found by searching;
//! private ones stay their owner's; expired images are found by no one. The owner's
//! images in a private album come with signed links, so a page can show them.

use axum::extract::{FromRequest, Query, Request, State};
use axum::http::header;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::image_json::image_v2;
use super::upload::{read_body, source_text, Fields, Source};
use super::{header_key, signed, signed_in};
use crate::error::ApiError;
use crate::repo::{ImageRecord, User, Visibility};
use crate::search::api_error;
use crate::state::AppState;

/// Results when the request names no `k`, and the most it may name.
const DEFAULT_K: usize = 20;
const MAX_K: usize = 100;

/// How long the signed links of the caller's private images work.
const SIGNED_TTL_SECS: i64 = 60 * 60;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSearch {
    source: String,
    k: Option<Value>,
}

pub(super) async fn search(
    State(state): State<AppState>,
    req: Request,
) -> Result<Json<Value>, ApiError> {
    let Some(search) = state.search.clone() else {
        return Err(ApiError::NotFound);
    };
    let headers = req.headers().clone();
    let viewer = signed_in(&state, header_key(&headers).as_deref()).await?;

    // 1. The request: `k` from the query or the body, the picture from the body.
    let mut fields = Fields::default();
    let Query(query) = Query::<Vec<(String, String)>>::try_from_uri(req.uri())
        .map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    for (k, v) in query.into_iter().filter(|(k, _)| k == "k") {
        fields.set(k, v);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"));
    if is_json {
        let body = axum::body::Bytes::from_request(req, &state)
            .await
            .map_err(|e| ApiError::bad_request("bad_body", e.body_text()))?;
        let parsed: JsonSearch = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request("bad_json", format!("the JSON body: {e}")))?;
        fields.set("source".into(), parsed.source);
        if let Some(k) = parsed.k {
            fields.set("k".into(), k.to_string().trim_matches('"').to_string());
        }
    } else {
        read_body(&state, &headers, req, &mut fields).await?;
    }
    let k = match fields.text.get("k").map(|s| s.trim()) {
        None | Some("") => DEFAULT_K,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|k| (1..=MAX_K).contains(k))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_k", format!("k is a number from 1 to {MAX_K}"))
            })?,
    };
    let bytes = match fields.source.take() {
        None => {
            return Err(ApiError::bad_request(
                "missing_source",
                "no source: send the picture as a file, a base64 string or a URL",
            ))
        }
        Some(Source::File { body, .. }) => {
            if body.len() > state.config.body_limit as u64 {
                return Err(too_large(&state, body.len()));
            }
            body.bytes()
                .await
                .map_err(|e| ApiError::Internal(format!("reading the spooled picture: {e}")))?
        }
        Some(Source::Text(text)) => match own_image(&state, &text, viewer.as_ref()).await? {
            Some(bytes) => bytes,
            None => source_text(&state, &text).await?.0,
        },
    };
    if bytes.len() > state.config.body_limit {
        return Err(too_large(&state, bytes.len() as u64));
    }

    // 2. Its codes, one picture per core at a time as uploads are.
    let permit = state
        .decoders
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(format!("decoder queue closed: {e}")))?;
    let limits = state.media_limits();
    let worker = search.clone();
    let query = tokio::task::spawn_blocking(move || worker.query(&bytes, &limits))
        .await
        .map_err(|e| ApiError::Internal(format!("search task: {e}")))?
        .map_err(api_error)?;
    drop(permit);

    // 3. What every node has stored by now, then the matches the caller may find. More
    //    are asked than shown: some may be gone or someone else's to see.
    search.index.catch_up(state.repo.as_ref()).await?;
    let asked = k.saturating_mul(4).saturating_add(16);
    let index = search.clone();
    let found = tokio::task::spawn_blocking(move || index.index.search(&query, asked))
        .await
        .map_err(|e| ApiError::Internal(format!("search task: {e}")))?;
    let mut results = Vec::new();
    for f in found {
        if results.len() == k {
            break;
        }
        let Some(image) = state.repo.image(&f.image_id).await? else {
            search.index.forget(&f.image_id);
            continue;
        };
        let Some(private) = findable(&state, &image, viewer.as_ref()).await? else {
            continue;
        };
        let mut item = result_json(&state, &image, private);
        item["score"] = json!(round(f.hit.score));
        item["match"] = json!(f.hit.kind.as_str());
        if let Some(s) = f.hit.similarity {
            item["similarity"] = json!(round(s));
        }
        item["mine"] = json!(viewer.as_ref().is_some_and(|v| Some(v.id) == image.user_id));
        results.push(item);
    }
    Ok(Json(json!({
        "results": results,
        "model": search.has_model(),
    })))
}

/// The original of an image of this server that `url` links (`{base}/i/{id}.{ext}` or
/// a variant's), read from the store rather than fetched: the SSRF guard would refuse a
/// server's own address on a private network, and the store is nearer. `None` when the
/// URL is not one of ours; 404 for an image the caller may not see.
async fn own_image(
    state: &AppState,
    url: &str,
    viewer: Option<&User>,
) -> Result<Option<axum::body::Bytes>, ApiError> {
    let Some(file) = url
        .trim()
        .strip_prefix(&*state.base_url)
        .and_then(|rest| rest.strip_prefix("/i/"))
    else {
        return Ok(None);
    };
    let file = file.split(['?', '#']).next().unwrap_or(file);
    let Some((id, _, _)) = super::media::parse_file(file) else {
        return Err(ApiError::NotFound);
    };
    let image = state.repo.image(id).await?.ok_or(ApiError::NotFound)?;
    if !super::may_see(state, &image, viewer).await? {
        return Err(ApiError::NotFound);
    }
    let bytes = state
        .store
        .get(&image.original_key)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Some(bytes))
}

fn too_large(state: &AppState, len: u64) -> ApiError {
    ApiError::TooLarge(format!(
        "the picture is {len} bytes, more than the {} this server accepts",
        state.config.body_limit
    ))
}

/// Whether `viewer` may find `image` by searching: `None` if not, else whether it is in
/// a private album (its links must be signed).
async fn findable(
    state: &AppState,
    image: &ImageRecord,
    viewer: Option<&User>,
) -> Result<Option<bool>, ApiError> {
    if image
        .expires_at
        .is_some_and(|t| t <= imago_core::dates::unix_now())
    {
        return Ok(None);
    }
    let own = viewer.is_some_and(|v| Some(v.id) == image.user_id);
    let Some(album_id) = &image.album_id else {
        return Ok(Some(false));
    };
    let Some(album) = state.repo.album(album_id).await? else {
        return Ok(Some(false));
    };
    let private = album.visibility == Visibility::Private;
    Ok((own || album.visibility == Visibility::Public).then_some(private))
}

/// The image as a search result: its links (signed when `private`), title and size; no
/// delete link.
fn result_json(state: &AppState, image: &ImageRecord, private: bool) -> Value {
    let full = image_v2(state, image);
    let suffix = private.then(|| signed::suffix(state, &image.id, SIGNED_TTL_SECS));
    let link = |field: &str| match (full[field].as_str(), &suffix) {
        (Some(u), Some(s)) => json!(format!("{u}{s}")),
        (Some(u), None) => json!(u),
        (None, _) => Value::Null,
    };
    json!({
        "id": image.id,
        "url": link("url"),
        // The viewer page takes no signed link: a private image links its signed file.
        "url_viewer": if private { link("url") } else { full["url_viewer"].clone() },
        "thumb_url": link("thumb_url"),
        "medium_url": link("medium_url"),
        "title": image.title,
        "width": image.width,
        "height": image.height,
        "mime": image.mime,
    })
}

/// Scores to three decimals: what a client compares, without float noise.
fn round(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}
