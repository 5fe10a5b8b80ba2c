//! An upload body on its way in: kept in memory while small, written to a temp file past
//! [`MEMORY_LIMIT`], hashed as it arrives. Sixty-four uploads in flight then hold
//! sixty-four files on disk, not sixty-four bodies in RAM; the pipeline reads a body back
//! only when its turn to be decoded comes (under the decoder permit).
//!
//! The small bodies kept in memory share one [`MemoryBudget`] ([`MEMORY_BUDGET`] for the
//! server): past it, a body goes to a file however small it is, so the memory that bodies
//! hold does not grow with the number of uploads in flight.
//!
//! The temp file lives in the data folder's `tmp/` (emptied when the server starts, for
//! what a crash left) and is removed when the [`Spooled`] body is dropped, whether the
//! upload succeeded or failed.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bodies up to this size stay in memory (while the budget lasts); a larger one goes to a
/// temp file. A phone photo of 1 MB then never touches the disk before it is stored.
pub const MEMORY_LIMIT: usize = 1024 * 1024;

/// What all bodies held in memory may take together: 8 bodies at [`MEMORY_LIMIT`].
pub const MEMORY_BUDGET: usize = 8 * 1024 * 1024;

/// The bytes bodies may hold in memory at once, shared by every upload in flight.
#[derive(Clone, Debug)]
pub struct MemoryBudget(Arc<Semaphore>);

impl MemoryBudget {
    pub fn new(bytes: usize) -> MemoryBudget {
        MemoryBudget(Arc::new(Semaphore::new(bytes)))
    }

    /// Takes `bytes` if that much is left.
    fn try_take(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let n = u32::try_from(bytes).ok()?;
        self.0.clone().try_acquire_many_owned(n).ok()
    }

    /// Bytes left, for tests.
    pub fn available(&self) -> usize {
        self.0.available_permits()
    }
}

/// How much of the start of a body is kept in memory to tell what it is (magic bytes).
const HEAD: usize = 4096;

/// A body being received.
pub struct Spool {
    dir: PathBuf,
    budget: MemoryBudget,
    memory: BytesMut,
    /// The budget `memory`'s capacity holds; given back when the body leaves memory.
    taken: Option<OwnedSemaphorePermit>,
    file: Option<(tokio::fs::File, TempPath)>,
    head: BytesMut,
    len: u64,
    hasher: Sha256,
}

impl Spool {
    /// A spool whose temp file, if it needs one, goes into `dir`, and whose memory comes
    /// out of `budget`.
    pub fn new(dir: &Path, budget: &MemoryBudget) -> Spool {
        Spool {
            dir: dir.to_path_buf(),
            budget: budget.clone(),
            memory: BytesMut::new(),
            taken: None,
            file: None,
            head: BytesMut::new(),
            len: 0,
            hasher: Sha256::new(),
        }
    }

    /// Adds the next chunk of the body.
    pub async fn push(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.hasher.update(chunk);
        self.len += chunk.len() as u64;
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if self.file.is_none() && !self.keep_in_memory(chunk.len()) {
            let dir = self.dir.clone();
            let (file, path) = tokio::task::spawn_blocking(move || {
                std::fs::create_dir_all(&dir)?;
                tempfile::Builder::new()
                    .prefix("upload-")
                    .tempfile_in(&dir)
                    .map(tempfile::NamedTempFile::into_parts)
            })
            .await
            .map_err(io::Error::other)??;
            let mut file = tokio::fs::File::from_std(file);
            file.write_all(&std::mem::take(&mut self.memory)).await?;
            self.taken = None;
            self.file = Some((file, path));
        }
        match &mut self.file {
            Some((file, _)) => file.write_all(chunk).await,
            None => {
                self.memory.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    /// Whether `more` bytes can join the body in memory: it stays under
    /// [`MEMORY_LIMIT`] and the budget has room for the buffer's growth, which is taken
    /// from it before the buffer grows (a refused body never holds more than it was given).
    fn keep_in_memory(&mut self, more: usize) -> bool {
        let len = self.memory.len() + more;
        if len > MEMORY_LIMIT {
            return false;
        }
        let capacity = self.memory.capacity();
        if len <= capacity {
            return true;
        }
        // A BytesMut grows to the larger of twice its capacity and what is asked.
        let target = len.max(capacity.saturating_mul(2));
        let held = self.taken.as_ref().map_or(0, |p| p.num_permits());
        let grow = target.saturating_sub(held);
        if grow > 0 {
            let Some(permit) = self.budget.try_take(grow) else {
                return false;
            };
            match &mut self.taken {
                Some(taken) => taken.merge(permit),
                None => self.taken = Some(permit),
            }
        }
        self.memory.reserve(target - self.memory.len());
        true
    }

    /// The whole body received.
    pub async fn finish(self) -> io::Result<Spooled> {
        let body = match self.file {
            Some((mut file, path)) => {
                file.flush().await?;
                Held::File(path)
            }
            None => Held::Memory {
                bytes: self.memory.freeze(),
                _budget: self.taken,
            },
        };
        Ok(Spooled {
            len: self.len,
            sha256: hex::encode(self.hasher.finalize()),
            head: self.head.freeze(),
            body,
        })
    }
}

enum Held {
    /// With the budget it holds, given back when dropped (`None`: bytes that were in
    /// memory already).
    Memory {
        bytes: Bytes,
        _budget: Option<OwnedSemaphorePermit>,
    },
    /// Removed from disk when dropped.
    File(TempPath),
}

/// A body received whole: in memory or in a temp file, with its length and SHA-256.
pub struct Spooled {
    len: u64,
    sha256: String,
    head: Bytes,
    body: Held,
}

impl std::fmt::Debug for Spooled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spooled")
            .field("len", &self.len)
            .field("file", &self.path())
            .finish_non_exhaustive()
    }
}

impl Default for Spooled {
    fn default() -> Self {
        Spooled::from_bytes(Bytes::new())
    }
}

impl Spooled {
    /// Bytes that are in memory already (a base64 `source`, a fetched URL).
    pub fn from_bytes(bytes: Bytes) -> Spooled {
        Spooled {
            len: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
            head: bytes.slice(..bytes.len().min(HEAD)),
            body: Held::Memory {
                bytes,
                _budget: None,
            },
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The SHA-256 of the whole body, hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The first few KB: enough for magic bytes, not for a header probe.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The temp file holding the body, if it was large enough to need one.
    pub fn path(&self) -> Option<&Path> {
        match &self.body {
            Held::File(path) => Some(path),
            Held::Memory { .. } => None,
        }
    }

    /// The whole body in memory: for decoding, under the decoder permit.
    pub async fn bytes(&self) -> io::Result<Bytes> {
        match &self.body {
            Held::Memory { bytes, .. } => Ok(bytes.clone()),
            Held::File(path) => tokio::fs::read(path).await.map(Bytes::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_never_grows_past_what_the_budget_gave() {
        let dir = tempfile::tempdir().unwrap();
        let budget = MemoryBudget::new(100_000);
        let mut spool = Spool::new(dir.path(), &budget);
        assert!(spool.keep_in_memory(60_000));
        spool.memory.extend_from_slice(&[7; 60_000]);
        let held = 100_000 - budget.available();
        assert!(
            spool.memory.capacity() <= held,
            "{} > {held}",
            spool.memory.capacity()
        );
        // 120,000 bytes do not fit in the 100,000: refused before the buffer grows.
        assert!(!spool.keep_in_memory(60_000));
        assert!(
            spool.memory.capacity() <= 100_000,
            "the buffer grew to {} bytes past the budget",
            spool.memory.capacity()
        );
    }

    async fn spooled(dir: &Path, sizes: &[usize]) -> (Spooled, Vec<u8>) {
        let mut spool = Spool::new(dir, &MemoryBudget::new(MEMORY_BUDGET));
        let mut all = Vec::new();
        for (i, n) in sizes.iter().enumerate() {
            let chunk: Vec<u8> = (0..*n).map(|j| (i * 31 + j) as u8).collect();
            spool.push(&chunk).await.unwrap();
            all.extend_from_slice(&chunk);
        }
        (spool.finish().await.unwrap(), all)
    }

    #[tokio::test]
    async fn a_small_body_stays_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let (body, all) = spooled(dir.path(), &[1000, 2000]).await;
        assert_eq!(body.path(), None);
        assert_eq!(body.bytes().await.unwrap(), all);
        assert_eq!(body.sha256(), hex::encode(Sha256::digest(&all)));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn a_large_body_goes_to_a_file_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let (body, all) = spooled(
            dir.path(),
            &[MEMORY_LIMIT / 2, MEMORY_LIMIT / 2, MEMORY_LIMIT / 2, 5],
        )
        .await;
        let path = body.path().expect("spooled to a file").to_path_buf();
        assert!(path.starts_with(dir.path()));
        assert_eq!(std::fs::read(&path).unwrap(), all);
        assert_eq!(body.len(), all.len() as u64);
        assert_eq!(body.head(), &all[..HEAD]);
        assert_eq!(body.sha256(), hex::encode(Sha256::digest(&all)));
        assert_eq!(body.bytes().await.unwrap(), all);
        drop(body);
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn a_body_dropped_half_way_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new(dir.path(), &MemoryBudget::new(MEMORY_BUDGET));
        spool.push(&vec![7u8; MEMORY_LIMIT + 1]).await.unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(spool);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn small_bodies_share_one_budget_and_go_to_files_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let budget = MemoryBudget::new(50_000);
        let push = |n: usize| {
            let (dir, budget) = (dir.path().to_path_buf(), budget.clone());
            async move {
                let mut spool = Spool::new(&dir, &budget);
                spool.push(&vec![1u8; n]).await.unwrap();
                spool.finish().await.unwrap()
            }
        };
        let first = push(30_000).await;
        assert_eq!(first.path(), None, "in memory while the budget has room");
        assert!(budget.available() <= 20_000, "{}", budget.available());
        // Small, but past what is left: a file.
        let second = push(30_000).await;
        assert!(second.path().is_some(), "spooled once the budget is spent");
        assert_eq!(second.bytes().await.unwrap(), vec![1u8; 30_000]);
        // A body done with gives its share back.
        drop(first);
        assert_eq!(budget.available(), 50_000);
        assert_eq!(push(30_000).await.path(), None);
        assert_eq!(
            budget.available(),
            50_000,
            "the third body gave it back too"
        );
    }
}
