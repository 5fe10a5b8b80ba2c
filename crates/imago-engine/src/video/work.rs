//! A stream's work folder beside its target: `DIR/.imago-video-<hash>/`, holding each
//! finished segment as its own file (`v-<sequence>.seg`, `a-<sequence>.seg`, written
//! under a temporary name and renamed when whole). A run that stops keeps the folder; the
//! next run of the same stream into the same folder finds the finished segments and
//! fetches only the rest. A saved stream leaves nothing behind.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::VideoError;

/// The folder's name for a stream: the playlists chosen, so another quality of the same
/// page is another folder.
pub(crate) fn folder_for(out_dir: &Path, playlists: &[&url::Url]) -> PathBuf {
    let mut h = Sha256::new();
    for p in playlists {
        h.update(p.as_str().as_bytes());
        h.update(b"\n");
    }
    let digest = h.finalize();
    out_dir.join(format!(".imago-video-{}", hex::encode(&digest[..8])))
}

/// A finished segment's file.
pub(crate) fn segment_file(work: &Path, track: char, sequence: u64) -> PathBuf {
    work.join(format!("{track}-{sequence}.seg"))
}

/// A finished initialization section's file (its index among the stream's maps).
pub(crate) fn init_file(work: &Path, track: char, index: usize) -> PathBuf {
    work.join(format!("{track}-init-{index}.seg"))
}

/// Writes `bytes` as `path` whole or not at all: a temporary name, then a rename.
pub(crate) async fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), VideoError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = match tokio::fs::write(&tmp, bytes).await {
        Ok(()) => tokio::fs::rename(&tmp, path).await,
        Err(e) => Err(e),
    };
    written.map_err(|source| VideoError::Disk {
        path: path.to_path_buf(),
        source,
    })
}
