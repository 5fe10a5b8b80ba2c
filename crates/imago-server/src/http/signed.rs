//! Signed links to images: `GET /api/v2/images/{id}/signed` gives the owner URLs
//! ending in `?exp=UNIX&sig=HEX` that `/i/...` serves until `exp` to anyone holding
//! them. They are for what cannot send a key header, such as the web page's `<img>`
//! of an image in a private album; the key itself never goes into a URL.
//!
//! `sig` is an HMAC of the image id and `exp` under the server secret (shared by every
//! node), so one signature covers the original and its variants, and nothing is
//! stored. The query reaches the media handler as an internal header
//! ([`carry_signature`]), checked there by [`grants`].

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::image_json::image_v2;
use super::native::owned_image;
use super::{require_user, Param};
use crate::accounts::digests_equal;
use crate::error::ApiError;
use crate::repo::ImageRecord;
use crate::state::AppState;

/// Where [`carry_signature`] puts `exp.sig` for [`grants`]. Whatever a client sends
/// under this name is dropped first.
const CARRIED: &str = "x-imago-signed-view";
/// Lifetime of a link when the request names none, and the longest it may name.
const DEFAULT_TTL_SECS: i64 = 60 * 60;
const MAX_TTL_SECS: i64 = 7 * 24 * 60 * 60;

/// The signature of a view of `id` until `exp`.
fn signature(state: &AppState, id: &str, exp: i64) -> String {
    state.sign(&format!("view:{id}:{exp}"))
}

/// Layer on `/i/{file}`: moves `exp` and `sig` from the query into [`CARRIED`].
pub(super) async fn carry_signature(mut req: Request, next: Next) -> Response {
    req.headers_mut().remove(CARRIED);
    let (mut exp, mut sig) = (None, None);
    for pair in req.uri().query().unwrap_or("").split('&') {
        match pair.split_once('=') {
            Some(("exp", v)) => exp = Some(v.to_string()),
            Some(("sig", v)) => sig = Some(v.to_string()),
            _ => {}
        }
    }
    if let (Some(exp), Some(sig)) = (exp, sig) {
        if let Ok(v) = HeaderValue::from_str(&format!("{exp}.{sig}")) {
            req.headers_mut().insert(CARRIED, v);
        }
    }
    next.run(req).await
}

/// Whether the request carries a live signature for `record` (which must not have
/// expired either). Called by the media handler before its visibility check.
pub(super) fn grants(state: &AppState, record: &ImageRecord, headers: &HeaderMap) -> bool {
    let Some((exp, sig)) = headers
        .get(CARRIED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once('.'))
    else {
        return false;
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return false;
    };
    let now = imago_core::dates::unix_now();
    exp > now
        && record.expires_at.is_none_or(|t| t > now)
        && digests_equal(&signature(state, &record.id, exp), sig)
}

/// The query that makes a link to image `id` (or one of its variants) work for
/// `ttl_secs`: `?exp=...&sig=...`. Only for a caller who may see the image.
pub(super) fn suffix(state: &AppState, id: &str, ttl_secs: i64) -> String {
    let exp = imago_core::dates::unix_now() + ttl_secs;
    format!("?exp={exp}&sig={}", signature(state, id, exp))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SignQuery {
    /// Seconds the links work (default an hour, at most a week).
    ttl: Option<i64>,
}

/// `GET /api/v2/images/{id}/signed[?ttl=SECONDS]`: the owner's signed links to an image
/// and its variants.
pub(super) async fn signed_links(
    State(state): State<AppState>,
    headers: HeaderMap,
    Param(id): Param<String>,
    query: Result<Query<SignQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let user = require_user(&state, &headers).await?;
    let Query(q) = query.map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    let ttl = q.ttl.unwrap_or(DEFAULT_TTL_SECS);
    if !(1..=MAX_TTL_SECS).contains(&ttl) {
        return Err(ApiError::bad_request(
            "invalid_ttl",
            format!("ttl is 1 to {MAX_TTL_SECS} seconds"),
        ));
    }
    let record = owned_image(&state, &user, &id).await?;
    let exp = imago_core::dates::unix_now() + ttl;
    let suffix = suffix(&state, &record.id, ttl);
    let plain = image_v2(&state, &record);
    let signed = |field: &str| plain[field].as_str().map(|u| format!("{u}{suffix}"));
    Ok(Json(json!({
        "id": record.id,
        "url": signed("url"),
        "thumb_url": signed("thumb_url"),
        "medium_url": signed("medium_url"),
        "expires_at": exp,
    })))
}
