//! One node's in-memory index: every image's codes, read from the repo at start and
//! followed from there.
//!
//! The repo is the truth; a node only follows it. Each fingerprint row has a `seq`, and
//! [`NodeIndex::catch_up`] reads the rows past the last one it read (before every search,
//! and after this node stored one), so a search on any node sees every upload that was
//! answered before it began. A deleted image takes its row with it, which a node cannot
//! see in the rows; the search resolves each hit to its image record and drops, for good,
//! the slots whose image is gone (`forget`). A replaced fingerprint (a new row for the
//! same image) drops its older slot the same way.
//!
//! PostgreSQL hands out `seq` values before their transactions commit, so a row may
//! become visible after a higher one was read. Each catch-up therefore reads again the
//! last [`OVERLAP`] rows before the highest it saw, and skips the ones it has.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use imago_search::{Code, Codes, Hit, Query, Vector};

use crate::repo::{Repo, RepoError, StoredFingerprint};

/// Rows read again at each catch-up: uploads whose fingerprint rows may commit out of
/// order (they are one-row inserts, so only those in flight at the same moment).
const OVERLAP: i64 = 64;

/// Rows read per query of the repo while catching up.
const PAGE: u32 = 1000;

#[derive(Default)]
struct Inner {
    codes: Codes,
    /// Per slot: its image id and the row it came from.
    ids: Vec<String>,
    seqs: Vec<i64>,
    /// The live slot of each image.
    slot_of: HashMap<String, usize>,
    /// Slots no longer answered: replaced, or their image deleted.
    gone: HashSet<usize>,
    /// The highest row read.
    last: i64,
}

/// The codes of every fingerprinted image, by slot.
#[derive(Default)]
pub struct NodeIndex {
    inner: RwLock<Inner>,
    /// One catch-up at a time (they would read the same rows).
    following: tokio::sync::Mutex<()>,
}

/// A hit with the image it is.
#[derive(Clone, Debug)]
pub struct Found {
    pub image_id: String,
    pub hit: Hit,
}

impl NodeIndex {
    /// Reads the rows written since the last catch-up into the index; how many were new.
    pub async fn catch_up(&self, repo: &dyn Repo) -> Result<usize, RepoError> {
        let _one = self.following.lock().await;
        let mut added = 0;
        let mut from = (self.read().last - OVERLAP).max(0);
        loop {
            let rows = repo.fingerprints_after(from, PAGE).await?;
            let Some(highest) = rows.last().map(|r| r.seq) else {
                break;
            };
            added += self.apply(rows);
            if highest <= from {
                break;
            }
            from = highest;
        }
        Ok(added)
    }

    /// Adds the rows not already in; returns how many.
    fn apply(&self, rows: Vec<StoredFingerprint>) -> usize {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let mut added = 0;
        for row in rows {
            inner.last = inner.last.max(row.seq);
            let f = &row.fingerprint;
            if let Some(&slot) = inner.slot_of.get(&f.image_id) {
                if inner.seqs[slot] >= row.seq {
                    continue;
                }
                inner.gone.insert(slot);
            }
            let Some(code) = code_of(&row) else {
                tracing::warn!(image = %f.image_id, "a fingerprint this imago cannot read was skipped");
                continue;
            };
            let slot = inner.codes.push(&code);
            inner.ids.push(f.image_id.clone());
            inner.seqs.push(row.seq);
            inner.slot_of.insert(f.image_id.clone(), slot);
            added += 1;
        }
        added
    }

    /// The stored pictures that match `query`, best first, at most `k` of the live slots;
    /// the caller still checks each image (it may be gone, or not the caller's to see)
    /// and asks for more than it shows.
    pub fn search(&self, query: &Query, k: usize) -> Vec<Found> {
        let inner = self.read();
        let asked = k.saturating_add(inner.gone.len());
        inner
            .codes
            .search(query, asked)
            .into_iter()
            .filter(|h| !inner.gone.contains(&h.slot))
            .take(k)
            .map(|hit| Found {
                image_id: inner.ids[hit.slot].clone(),
                hit,
            })
            .collect()
    }

    /// Stops answering `image_id` (its image is gone).
    pub fn forget(&self, image_id: &str) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = inner.slot_of.remove(image_id) {
            inner.gone.insert(slot);
        }
    }

    /// Live images in the index.
    pub fn len(&self) -> usize {
        let inner = self.read();
        inner.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// The row's code; `None` for bytes this imago did not write.
fn code_of(row: &StoredFingerprint) -> Option<Code> {
    let mut sha256 = [0u8; 32];
    hex::decode_to_slice(&row.sha256, &mut sha256).ok()?;
    let mut code = Code::from_bytes(&row.fingerprint.codes, sha256)?;
    code.vector = match &row.fingerprint.vector {
        Some(bytes) => Some(Vector::from_bytes(bytes)?),
        None => None,
    };
    Some(code)
}
