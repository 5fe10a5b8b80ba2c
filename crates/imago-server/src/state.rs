//! What every handler shares.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::fetch::{UnavailableFetcher, UrlFetcher};
use crate::ingest::{MemoryBudget, MEMORY_BUDGET};
use crate::metrics::Metrics;
use crate::ratelimit::Limiter;
use crate::repo::Repo;
use crate::store::Store;

/// The application state: storage seams, settings, limits, counters. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub repo: Arc<dyn Repo>,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// Base of the URLs handed out, without a trailing slash.
    pub base_url: Arc<str>,
    pub fetcher: Arc<dyn UrlFetcher>,
    pub metrics: Arc<Metrics>,
    pub key_limiter: Arc<Limiter>,
    pub ip_limiter: Arc<Limiter>,
    /// Password sign-in attempts per client address (`POST /api/v2/session`).
    pub sign_in_limiter: Arc<Limiter>,
    /// Decodes at once: one per core, so that many concurrent uploads queue instead of
    /// each holding a decoder's memory.
    pub decoders: Arc<tokio::sync::Semaphore>,
    /// Uploads between reading their body back and having their files stored: one more
    /// than the decoders, so that one can wait for its fsyncs while every core decodes,
    /// and a fast decoder cannot pile up decoded uploads waiting for the disk.
    pub in_hand: Arc<tokio::sync::Semaphore>,
    /// What upload bodies may hold in memory at once (the rest wait in temp files).
    pub upload_memory: MemoryBudget,
    /// Search by image, when it is on: the model and this node's index.
    pub search: Option<Arc<crate::search::Search>>,
    /// The server secret delete tokens are derived from (`data/secret`).
    secret: Arc<[u8; 32]>,
}

impl AppState {
    /// State for `config`; `base_url` is where clients reach this server.
    pub fn new(
        config: Config,
        repo: Arc<dyn Repo>,
        store: Arc<dyn Store>,
        base_url: &str,
        secret: [u8; 32],
    ) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            repo,
            store,
            key_limiter: Arc::new(Limiter::new(config.rate_per_key)),
            ip_limiter: Arc::new(Limiter::new(config.rate_per_ip)),
            sign_in_limiter: Arc::new(Limiter::new(crate::accounts::SIGN_IN_RATE)),
            config: Arc::new(config),
            base_url: Arc::from(base_url.trim_end_matches('/')),
            fetcher: Arc::new(UnavailableFetcher),
            metrics: Arc::new(Metrics::default()),
            upload_memory: MemoryBudget::new(MEMORY_BUDGET),
            decoders: Arc::new(tokio::sync::Semaphore::new(cores)),
            in_hand: Arc::new(tokio::sync::Semaphore::new(cores + 1)),
            search: None,
            secret: Arc::new(secret),
        }
    }

    /// Uses `search` for indexing uploads and answering searches.
    pub fn with_search(mut self, search: Option<Arc<crate::search::Search>>) -> Self {
        self.search = search;
        self
    }

    /// The bounds a decode of an upload (or a search's picture) keeps to: the image and
    /// video size limits and the pixel area.
    pub fn media_limits(&self) -> imago_media::Limits {
        imago_media::Limits {
            max_bytes: self.config.body_limit as u64,
            max_pixels: self.config.max_pixels,
            max_video_bytes: self.config.video.max_bytes as u64,
            ..imago_media::Limits::default()
        }
    }

    /// Uses `fetcher` for uploads by URL.
    pub fn with_fetcher(mut self, fetcher: Arc<dyn UrlFetcher>) -> Self {
        self.fetcher = fetcher;
        self
    }

    /// The delete token of an image: derived from the server secret and the image id
    /// (HMAC-SHA256), so a repeated upload of the same bytes can hand out the same
    /// delete URL again while only the token's SHA-256 is stored.
    pub fn delete_token(&self, image_id: &str) -> String {
        let mac = hmac_sha256(&self.secret[..], format!("delete:{image_id}").as_bytes());
        hex::encode(&mac[..16])
    }

    /// A signature of `message` under the server secret (HMAC-SHA256, 16 bytes in hex):
    /// what signed links carry. Messages start with their purpose (`view:`), so a
    /// signature made for one use is never valid for another.
    pub fn sign(&self, message: &str) -> String {
        hex::encode(&hmac_sha256(&self.secret[..], message.as_bytes())[..16])
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // RFC 2104 with a 64-byte block; the key is 32 bytes, so it is never hashed first.
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().take(64).enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
