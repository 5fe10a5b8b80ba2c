//! The `[search]` settings: whether uploads are indexed and `POST /api/v2/search`
//! answers, and whether the embedding model is used. Layered like the rest of
//! [`crate::Config`]: defaults, the file's `[search]` table, `IMAGO_SEARCH` and
//! `IMAGO_SEARCH_EMBEDDINGS`.

use std::path::PathBuf;

use serde::Deserialize;

/// How the server searches by image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchConfig {
    /// Fingerprint uploads and answer searches (default on); off, the route answers 404
    /// and `/api/v2/config` does not list `search`.
    pub enabled: bool,
    /// Compute embeddings (crops, watermarks and frames found as `similar`) when the
    /// model is there (default on); off, the hashes alone answer.
    pub embeddings: bool,
    /// The model file; `None`: `imago_search::default_model_path()` (`$IMAGO_MODEL`, else
    /// where `scripts/fetch-model.sh` puts it), used when it exists. A file named here
    /// must load, or the server does not start.
    pub model: Option<PathBuf>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            embeddings: true,
            model: None,
        }
    }
}

/// The file's `[search]` table; unknown keys are refused like everywhere else.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSearch {
    enabled: Option<bool>,
    embeddings: Option<bool>,
    model: Option<PathBuf>,
}

impl SearchConfig {
    /// Applies the file's `[search]` table; a relative `model` is relative to `dir`, the
    /// file's folder.
    pub(crate) fn apply_file(&mut self, file: FileSearch, dir: &std::path::Path) {
        if let Some(v) = file.enabled {
            self.enabled = v;
        }
        if let Some(v) = file.embeddings {
            self.embeddings = v;
        }
        if let Some(v) = file.model {
            self.model = Some(dir.join(v));
        }
    }

    /// Applies `IMAGO_SEARCH` or `IMAGO_SEARCH_EMBEDDINGS`; `Ok(false)` for other names.
    pub(crate) fn apply_env(&mut self, name: &str, value: &str) -> Result<bool, String> {
        match name {
            "IMAGO_SEARCH" => self.enabled = crate::config::parse_bool(value)?,
            "IMAGO_SEARCH_EMBEDDINGS" => self.embeddings = crate::config::parse_bool(value)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}
