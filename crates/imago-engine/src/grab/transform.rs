//! A step every downloaded file of a grab goes through before it is named: convert,
//! resize, strip (`imago grab --convert webp --max 1600 --strip`). The engine declares
//! it; the binary plugs the pixel library in, so the engine never depends on one.

use std::path::Path;
use std::sync::Arc;

use imago_core::ImageInfo;

use super::Fetched;

/// The new bytes of a file and what they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transformed {
    pub bytes: Vec<u8>,
    pub info: ImageInfo,
    /// What the user should know (frames dropped, the one re-encode); `None`: nothing.
    pub note: Option<String>,
}

/// Rewrites one downloaded image. Runs on a blocking thread; an error is the file's
/// failure (its reason), and the download is not kept.
pub trait Transform: Send + Sync + std::fmt::Debug {
    fn apply(&self, bytes: &[u8]) -> Result<Transformed, String>;
}

impl Fetched {
    /// The download through `step`, rewritten in place (the temp file keeps its path, so
    /// naming and placing go on as for any download); its size and kind follow the new
    /// bytes, its hash stays the downloaded bytes' (what a re-download is recognised by).
    /// Gives the step's note. On an error the caller discards the download.
    pub async fn transform(&mut self, step: Arc<dyn Transform>) -> Result<Option<String>, String> {
        let done = apply(step, &self.temp).await?;
        self.bytes = done.bytes.len() as u64;
        self.info = Some(done.info);
        Ok(done.note)
    }
}

async fn apply(step: Arc<dyn Transform>, temp: &Path) -> Result<Transformed, String> {
    let path = temp.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let done = step.apply(&bytes)?;
        drop(bytes);
        let write = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        let mut f = std::fs::File::create(&path).map_err(write)?;
        std::io::Write::write_all(&mut f, &done.bytes).map_err(write)?;
        f.sync_all().map_err(write)?;
        Ok(done)
    })
    .await
    .map_err(|e| format!("image step: {e}"))?
}
