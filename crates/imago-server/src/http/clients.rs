//! Ready-made client settings for the signed-in user: a ShareX custom uploader
//! (`/sharex.sxcu`) and a `curl` script for Flameshot, grim and other screenshot tools
//! (`/upload.sh`). Both carry the key the request was signed with, in a header, never in
//! a URL; both are served `no-store`.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{header_key, require_user};
use crate::error::ApiError;
use crate::state::AppState;

pub(super) async fn sharex(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let user = require_user(&state, &headers).await?;
    let key = header_key(&headers).unwrap_or_default();
    let host = state
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or(&state.base_url)
        .to_string();
    let doc = json!({
        "Version": "17.0.0",
        "Name": format!("imago ({host}, {})", user.name),
        "DestinationType": "ImageUploader, FileUploader",
        "RequestMethod": "POST",
        "RequestURL": format!("{}/api/1/upload", state.base_url),
        "Headers": {"X-API-Key": key},
        "Body": "MultipartFormData",
        "Arguments": {"format": "json"},
        "FileFormName": "source",
        "URL": "{json:image.url}",
        "ThumbnailURL": "{json:image.thumb.url}",
        "DeletionURL": "{json:image.delete_url}",
        "ErrorMessage": "{json:error.message}",
    });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"imago.sxcu\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}

pub(super) async fn upload_sh(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_user(&state, &headers).await?;
    let key = header_key(&headers).unwrap_or_default();
    // Keys are base62 and hex around one dot; refuse to paste anything else into a script.
    if !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
        return Err(ApiError::InvalidKey);
    }
    let base = state.base_url.replace('\'', "");
    let script = format!(
        r#"#!/bin/sh
# Uploads an image to imago and prints its URL.
#   upload.sh FILE          a file
#   upload.sh               standard input (flameshot gui -r | upload.sh)
# IMAGO_URL and IMAGO_API_KEY override the values below.
set -eu
url="${{IMAGO_URL:-{base}}}"
key="${{IMAGO_API_KEY:-{key}}}"
file="${{1:--}}"
# The key goes through a header file, not the command line, where ps would show it.
hdr="$(mktemp)"
trap 'rm -f "$hdr"' EXIT
printf 'X-API-Key: %s\n' "$key" > "$hdr"
curl --fail-with-body -sS -H "@$hdr" -F "source=@$file" -F format=txt "$url/api/1/upload"
echo
"#
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/x-shellscript; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"upload.sh\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        script,
    )
        .into_response())
}
