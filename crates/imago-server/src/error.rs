//! One error type for every handler: one status match, stable codes, Chevereto's shape.
//!
//! The body is `{"status_code": N, "error": {"message", "code", "context"}, "status_txt"}`
//! like Chevereto's, where `code` is the HTTP status (as Chevereto mostly sends) and
//! `context` the stable machine-readable reason (`invalid_key`, `unsupported_type`, ...).
//! Server-side failures answer a generic message; their detail goes to the log.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::repo::RepoError;
use crate::store::StoreError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// No key, where one is needed (guest uploads off, account routes).
    #[error("an API key is required")]
    MissingKey,
    /// A key that is malformed, unknown or revoked: one answer for all three so that a
    /// probe learns nothing.
    #[error("invalid API key")]
    InvalidKey,
    /// The key is fine but may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedType(String),
    /// The bytes say what they are, but it cannot be accepted (truncated, pixel flood).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// A refusal with its own status and stable code (from the pixel checks).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error("range not satisfiable")]
    RangeNotSatisfiable { size: u64 },
    /// A feature that is not built yet; the message says which.
    #[error("{0}")]
    NotImplemented(String),
    /// A bug or a backend failure: the detail is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status and the stable reason code.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::MissingKey => (StatusCode::UNAUTHORIZED, "missing_key"),
            ApiError::InvalidKey => (StatusCode::FORBIDDEN, "invalid_key"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::UnsupportedType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
            }
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::Refused { status, code, .. } => (*status, code),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::RangeNotSatisfiable { .. } => {
                (StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable")
            }
            ApiError::NotImplemented(_) => (StatusCode::NOT_IMPLEMENTED, "not_implemented"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<imago_media::MediaError> for ApiError {
    fn from(e: imago_media::MediaError) -> Self {
        match StatusCode::from_u16(e.http_status()) {
            Ok(status) if status.is_client_error() => ApiError::Refused {
                status,
                code: e.code(),
                message: e.to_string(),
            },
            _ => ApiError::Internal(format!("{} ({})", e, e.code())),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                "internal error".to_string()
            }
            other => other.to_string(),
        };
        let body = serde_json::json!({
            "status_code": status.as_u16(),
            "error": {"message": message, "code": status.as_u16(), "context": code},
            "status_txt": status.canonical_reason().unwrap_or(""),
        });
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::RateLimited { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            ApiError::RangeNotSatisfiable { size } => {
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    headers.insert(header::CONTENT_RANGE, v);
                }
            }
            ApiError::MissingKey | ApiError::InvalidKey => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("X-API-Key"),
                );
            }
            _ => {}
        }
        response
    }
}
