//! `grab --dedupe similar`: a download that is the same picture as one in the folder it
//! would be saved in (there before the run, or saved by it: another size, another
//! format, recompressed) is skipped. The engine declares the check; the binary fills it
//! with imago-search, as it fills the image step with imago-media.

use std::path::Path;
use std::sync::Arc;

/// Whether a picture is already in a folder.
pub trait Similar: Send + Sync + std::fmt::Debug {
    /// The earlier picture in `folder` that `bytes` is a copy of (what the user reads:
    /// a path, or the URL of one saved in this run), or `None`; then `bytes` is taken in
    /// as `label`, so a later copy in the same folder is found. Check and take are one
    /// step: of two copies downloaded at once, one is saved. Bytes that cannot be read
    /// as a picture answer `None`. Runs on a blocking thread.
    fn admit(&self, folder: &Path, bytes: &[u8], label: &str) -> Option<String>;

    /// The picture taken in as `label` was saved as `path`: later skips name it.
    fn saved_as(&self, folder: &Path, label: &str, path: &str);
}

/// [`Similar::admit`] on a blocking thread, over the file at `temp`.
pub(crate) async fn admit(
    check: Arc<dyn Similar>,
    folder: &Path,
    temp: &Path,
    label: &str,
) -> Option<String> {
    let (folder, temp, label) = (folder.to_path_buf(), temp.to_path_buf(), label.to_string());
    tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&temp).ok()?;
        check.admit(&folder, &bytes, &label)
    })
    .await
    .ok()
    .flatten()
}
