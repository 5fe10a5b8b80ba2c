//! Serving: `/i/{id}.{ext}` (and `.th.`/`.md.` variants) with validators and ranges, the
//! viewer page `/v/{id}`, and the delete-by-token URL.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;

use super::{escape_html, header_key, image_json, may_see, signed_in, Param};
use crate::accounts::{digests_equal, sha256_hex};
use crate::error::ApiError;
use crate::ids::is_public_id;
use crate::ingest::{delete_image, ext_of_key, mime_of_key};
use crate::repo::ImageRecord;
use crate::state::AppState;

const MEDIA_CSP: &str = "default-src 'none'; sandbox";
const PAGE_CSP: &str = "default-src 'none'; img-src 'self'; media-src 'self'; \
     style-src 'unsafe-inline'; form-action 'self'";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Variant {
    Original,
    Thumb,
    Medium,
}

/// `abc.jpg`, `abc.th.webp`, `abc.md.jpg`: anything else is not one of ours.
pub(super) fn parse_file(file: &str) -> Option<(&str, Variant, &str)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let (id, variant) = match stem.rsplit_once('.') {
        Some((id, "th")) => (id, Variant::Thumb),
        Some((id, "md")) => (id, Variant::Medium),
        Some(_) => return None,
        None => (stem, Variant::Original),
    };
    let ext_ok = (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric());
    (is_public_id(id) && ext_ok).then_some((id, variant, ext))
}

/// Who may see an image that was found visible: it decides what caches may keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Anyone with the link: shared caches may keep it.
    Anyone,
    /// Only its owner's key or a signed link: only the asking browser may keep it, and
    /// must ask again (a revoked key, a link past its time or a changed album must bite).
    Restricted,
}

/// The image `id` if `headers`' key or signed link (if any) may see it, and how; 404
/// otherwise, so that a private image and a missing one look the same.
async fn visible(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<(ImageRecord, Access), ApiError> {
    if !is_public_id(id) {
        return Err(ApiError::NotFound);
    }
    let record = state.repo.image(id).await?.ok_or(ApiError::NotFound)?;
    if may_see(state, &record, None).await? {
        return Ok((record, Access::Anyone));
    }
    if super::signed::grants(state, &record, headers) {
        return Ok((record, Access::Restricted));
    }
    let needs_viewer = record.album_id.is_some();
    let viewer = if needs_viewer {
        signed_in(state, header_key(headers).as_deref()).await?
    } else {
        None
    };
    if viewer.is_some() && may_see(state, &record, viewer.as_ref()).await? {
        Ok((record, Access::Restricted))
    } else {
        Err(ApiError::NotFound)
    }
}

pub(super) async fn serve_file(
    State(state): State<AppState>,
    Param(file): Param<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (id, variant, ext) = parse_file(&file).ok_or(ApiError::NotFound)?;
    let (record, access) = visible(&state, id, &headers).await?;
    let (key, mime) = match variant {
        Variant::Original => (record.original_key.clone(), record.mime.clone()),
        Variant::Thumb | Variant::Medium => {
            let key = if variant == Variant::Thumb {
                record.thumb_key.clone()
            } else {
                record.medium_key.clone()
            }
            .ok_or(ApiError::NotFound)?;
            let mime = mime_of_key(&key).ok_or(ApiError::NotFound)?.to_string();
            (key, mime)
        }
    };
    let expected_ext = match variant {
        Variant::Original => record.ext.as_str(),
        _ => ext_of_key(&key),
    };
    if ext != expected_ext {
        return Err(ApiError::NotFound);
    }
    let tag = match variant {
        Variant::Original => "o",
        Variant::Thumb => "th",
        Variant::Medium => "md",
    };
    let etag = format!("\"{}-{tag}\"", record.sha256);
    let last_modified = imago_core::dates::DateTime::from_unix(record.created_at).http_date();

    let mut out = HeaderMap::new();
    let put = |out: &mut HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            out.insert(name, v);
        }
    };
    put(&mut out, header::ETAG, &etag);
    put(&mut out, header::LAST_MODIFIED, &last_modified);
    // An image that expires must not outlive its expiry in caches.
    let cache = match (access, record.expires_at) {
        (Access::Restricted, _) => "private, no-cache".to_string(),
        (Access::Anyone, Some(at)) => format!(
            "public, max-age={}",
            at.saturating_sub(imago_core::dates::unix_now()).max(0)
        ),
        (Access::Anyone, None) => "public, max-age=31536000, immutable".to_string(),
    };
    put(&mut out, header::CACHE_CONTROL, &cache);
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(MEDIA_CSP),
    );
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if record.album_id.is_some() {
        // Visibility may depend on the key: shared caches must not keep it.
        out.insert(header::VARY, HeaderValue::from_static("X-API-Key"));
    }

    if not_modified(&headers, &etag, record.created_at) {
        return Ok((StatusCode::NOT_MODIFIED, out).into_response());
    }
    put(&mut out, header::CONTENT_TYPE, &mime);

    let size = state.store.size(&key).await?.ok_or_else(|| {
        ApiError::Internal(format!(
            "image {} has a record but no blob {key}",
            record.id
        ))
    })?;
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok(&headers, &etag))
        .map(|v| parse_range(v, size));
    // The body is streamed from the store chunk by chunk: a reader of a 50 MB video
    // holds a chunk, not the file, however many read at once.
    let (status, start, end) = match range {
        Some(Err(())) => return Err(ApiError::RangeNotSatisfiable { size }),
        Some(Ok(Some((start, end)))) => {
            put(
                &mut out,
                header::CONTENT_RANGE,
                &format!("bytes {start}-{}/{size}", end - 1),
            );
            (StatusCode::PARTIAL_CONTENT, start, end)
        }
        // No Range, or one we serve whole (several ranges).
        None | Some(Ok(None)) => (StatusCode::OK, 0, size),
    };
    let chunks = state
        .store
        .get_stream(&key, Some(start..end))
        .await?
        .ok_or(ApiError::NotFound)?;
    put(&mut out, header::CONTENT_LENGTH, &(end - start).to_string());
    Ok((status, out, Body::from_stream(chunks)).into_response())
}

fn not_modified(headers: &HeaderMap, etag: &str, modified: i64) -> bool {
    if let Some(inm) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return inm
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(imago_core::dates::parse_http_date)
        .is_some_and(|since| modified <= since)
}

fn if_range_ok(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag)
}

/// One `bytes=` range as a half-open interval; `Ok(None)` for what is served whole
/// (several ranges, another unit), `Err` for an unsatisfiable one.
#[allow(clippy::result_unit_err)]
fn parse_range(value: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (size.saturating_sub(n), size)
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end = if b.is_empty() {
            size
        } else {
            let last: u64 = b.parse().map_err(|_| ())?;
            if last < start {
                return Err(());
            }
            last.saturating_add(1).min(size)
        };
        (start, end)
    };
    if start >= size || start >= end {
        return Err(());
    }
    Ok(Some((start, end)))
}

pub(super) async fn viewer(
    State(state): State<AppState>,
    Param(id): Param<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (record, _) = visible(&state, &id, &headers).await?;
    let urls = image_json::urls(&state, &record);
    let title = record.title.clone().unwrap_or_else(|| record.id.clone());
    let description = record
        .description
        .as_deref()
        .map(|d| format!("<p>{}</p>", escape_html(d)))
        .unwrap_or_default();
    let shown = urls.medium.as_deref().unwrap_or(&urls.url);
    // A video plays in the page, its poster frame shown until it starts.
    let media = if record.mime.starts_with("video/") {
        format!(
            "<video controls preload=\"metadata\" poster=\"{p}\" width=\"{w}\" height=\"{h}\">\
             <source src=\"{u}\" type=\"{m}\"><a href=\"{u}\">{t}</a></video>",
            p = escape_html(shown),
            u = escape_html(&urls.url),
            m = escape_html(&record.mime),
            t = escape_html(&title),
            w = record.width,
            h = record.height,
        )
    } else {
        format!(
            "<a href=\"{u}\"><img src=\"{s}\" alt=\"{t}\" width=\"{w}\" height=\"{h}\"></a>",
            u = escape_html(&urls.url),
            s = escape_html(shown),
            t = escape_html(&title),
            w = record.width,
            h = record.height,
        )
    };
    let page = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{t}</title>\
         <style>body{{font-family:sans-serif;margin:2em;text-align:center}}img,video{{max-width:100%;height:auto}}</style>\
         </head><body><h1>{t}</h1>{media}\
         {d}<p>{w} &times; {h} &middot; {size} bytes</p></body></html>\n",
        t = escape_html(&title),
        d = description,
        w = record.width,
        h = record.height,
        size = record.size,
    );
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Html(page),
    )
        .into_response())
}

/// The image behind a delete URL, if the token is its own.
async fn by_token(state: &AppState, id: &str, token: &str) -> Result<ImageRecord, ApiError> {
    let well_formed =
        is_public_id(id) && token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Err(ApiError::NotFound);
    }
    let record = state.repo.image(id).await?.ok_or(ApiError::NotFound)?;
    if !digests_equal(&sha256_hex(token), &record.delete_token_sha256) {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

/// `GET /delete/{id}/{token}`: a confirmation page whose button posts to the same URL,
/// so link previews and prefetchers that follow the URL delete nothing.
pub(super) async fn delete_page(
    State(state): State<AppState>,
    Param((id, token)): Param<(String, String)>,
) -> Result<Response, ApiError> {
    let record = by_token(&state, &id, &token).await?;
    let page = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Delete {id}?</title></head>\
         <body><p>Delete image <b>{id}</b> ({w} &times; {h})? This cannot be undone.</p>\
         <form method=\"post\"><button type=\"submit\">Delete</button></form></body></html>\n",
        id = escape_html(&record.id),
        w = record.width,
        h = record.height,
    );
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(page),
    )
        .into_response())
}

/// `POST /delete/{id}/{token}`: deletes without the account key.
pub(super) async fn delete_by_token(
    State(state): State<AppState>,
    Param((id, token)): Param<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let record = by_token(&state, &id, &token).await?;
    delete_image(&state, &record.id).await?;
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html {
        return Ok(Html("<!doctype html>\n<p>The image was deleted.</p>\n").into_response());
    }
    Ok(Json(serde_json::json!({
        "status_code": 200,
        "success": {"message": "image deleted", "code": 200},
        "status_txt": "OK",
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file("abc.jpg"),
            Some(("abc", Variant::Original, "jpg"))
        );
        assert_eq!(
            parse_file("abc.th.webp"),
            Some(("abc", Variant::Thumb, "webp"))
        );
        assert_eq!(
            parse_file("abc.md.png"),
            Some(("abc", Variant::Medium, "png"))
        );
        for bad in [
            "abc",
            ".jpg",
            "..",
            "a.b.c.jpg",
            "a.xx.jpg",
            "a\0.jpg",
            "../a.jpg",
            "a.j/g",
        ] {
            assert_eq!(parse_file(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Ok(Some((0, 10))));
        assert_eq!(parse_range("bytes=90-", 100), Ok(Some((90, 100))));
        assert_eq!(parse_range("bytes=-10", 100), Ok(Some((90, 100))));
        assert_eq!(parse_range("bytes=50-500", 100), Ok(Some((50, 100))));
        assert_eq!(parse_range("bytes=100-", 100), Err(()));
        assert_eq!(parse_range("bytes=5-1", 100), Err(()));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
    }
}
