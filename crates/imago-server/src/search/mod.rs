//! Search by image in `imago serve`: every image upload is fingerprinted (hashes, and the
//! embedding when the model is there) before its answer, the fingerprint is stored in the
//! repo beside the image row, and each node keeps the codes in memory ([`NodeIndex`]) to
//! answer `POST /api/v2/search` (`http/search.rs`). The work on pixels is
//! `imago_search`'s; here it is wired to the repo, the pipeline and the settings
//! ([`SearchConfig`], the `[search]` table).
//!
//! Images stored before search existed (or before the model was installed) are
//! fingerprinted by [`backfill`] after start, oldest first, one at a time under a decoder
//! permit.

mod config;
mod index;

pub(crate) use config::FileSearch;
pub use config::SearchConfig;
pub use index::{Found, NodeIndex};

use std::sync::Arc;

use imago_search::{Code, Embedder, Limits, Query, FINGERPRINT_VERSION, MODEL_ID};

use crate::error::ApiError;
use crate::repo::{FingerprintRecord, ImageRecord, RepoError};
use crate::state::AppState;

/// The search side of a running server: the model (if any) and this node's index.
pub struct Search {
    embedder: Option<Embedder>,
    pub index: NodeIndex,
}

/// Why search could not start.
#[derive(Debug, thiserror::Error)]
#[error("[search] model: {0}")]
pub struct SearchStartError(#[from] imago_search::SearchError);

impl Search {
    /// Search as `config` asks, or `None` when it is off. A model named in the settings
    /// must load; the default one is used when it is there, and without it the hashes
    /// alone answer (said in the log).
    pub fn start(config: &SearchConfig) -> Result<Option<Search>, SearchStartError> {
        if !config.enabled {
            return Ok(None);
        }
        let embedder = if !config.embeddings {
            None
        } else if let Some(path) = &config.model {
            Some(Embedder::load(path)?)
        } else {
            match imago_search::default_model_path() {
                Some(path) if path.is_file() => Some(Embedder::load(&path)?),
                path => {
                    tracing::warn!(
                        model = %path.map(|p| p.display().to_string()).unwrap_or_default(),
                        "no search model: searches find identical, resized and turned copies, \
                         not crops or watermarked ones; run scripts/fetch-model.sh"
                    );
                    None
                }
            }
        };
        Ok(Some(Search {
            embedder,
            index: NodeIndex::default(),
        }))
    }

    /// Whether embeddings are made (and `similar` hits found).
    pub fn has_model(&self) -> bool {
        self.embedder.is_some()
    }

    /// The codes of the picture in `bytes` (CPU work: call it off the async workers).
    pub fn fingerprint(
        &self,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Code, imago_search::SearchError> {
        imago_search::fingerprint(bytes, limits, self.embedder.as_ref()).map(|f| f.code)
    }

    /// The picture in `bytes` as a query (CPU work, like [`Search::fingerprint`]).
    pub fn query(&self, bytes: &[u8], limits: &Limits) -> Result<Query, imago_search::SearchError> {
        imago_search::query(bytes, limits, self.embedder.as_ref())
    }

    /// The model whose vectors the index should hold, for [`backfill`].
    fn model_id(&self) -> Option<&'static str> {
        self.embedder.as_ref().map(|_| MODEL_ID)
    }
}

/// `code` as the repo keeps it for `image_id`.
pub fn record(image_id: &str, code: &Code) -> FingerprintRecord {
    FingerprintRecord {
        image_id: image_id.to_string(),
        version: FINGERPRINT_VERSION.to_string(),
        codes: code.hashes_to_bytes(),
        vector: code.vector.map(|v| v.to_bytes()),
        model: code.vector.map(|_| MODEL_ID.to_string()),
    }
}

/// A search failure as the API answers it: what the client sent is not a picture that
/// can be read (4xx), or the server failed (500).
pub fn api_error(e: imago_search::SearchError) -> ApiError {
    match e {
        imago_search::SearchError::Media(m) => m.into(),
        e @ imago_search::SearchError::TooSmall { .. } => ApiError::Unprocessable {
            code: "too_small",
            message: e.to_string(),
        },
        e => ApiError::Internal(e.to_string()),
    }
}

/// Fingerprints the stored images that have no (current) fingerprint, oldest first, and
/// follows them into this node's index; how many were done. An image that cannot be
/// read is logged and passed over.
pub async fn backfill(state: &AppState, search: &Arc<Search>) -> Result<usize, RepoError> {
    let limits = state.media_limits();
    let mut after: Option<String> = None;
    let mut done = 0;
    loop {
        let page = state
            .repo
            .images_to_fingerprint(FINGERPRINT_VERSION, search.model_id(), after.as_deref(), 32)
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.id.clone());
        for image in page {
            match fingerprint_stored(state, search, &image, &limits).await {
                Ok(()) => done += 1,
                Err(e) => {
                    tracing::warn!(image = %image.id, error = %e, "could not fingerprint a stored image")
                }
            }
        }
        search.index.catch_up(state.repo.as_ref()).await?;
    }
    if done > 0 {
        tracing::info!(images = done, "fingerprinted stored images for search");
    }
    Ok(done)
}

async fn fingerprint_stored(
    state: &AppState,
    search: &Arc<Search>,
    image: &ImageRecord,
    limits: &Limits,
) -> Result<(), String> {
    let bytes = state
        .store
        .get(&image.original_key)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("its original is missing from the store")?;
    let _permit = state.decoders.acquire().await.map_err(|e| e.to_string())?;
    let (search2, limits) = (search.clone(), *limits);
    let code = tokio::task::spawn_blocking(move || search2.fingerprint(&bytes, &limits))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    match state.repo.put_fingerprint(&record(&image.id, &code)).await {
        // Deleted meanwhile.
        Ok(()) | Err(RepoError::NotFound(_)) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}
