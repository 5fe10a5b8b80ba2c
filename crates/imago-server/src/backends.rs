//! Which backends a node uses: the embedded default (SQLite and a folder under the data
//! directory), or PostgreSQL and an S3-compatible bucket shared by several nodes. The
//! settings are the `[storage]` table of `imago.toml`, layered like the rest of
//! [`crate::Config`]: the file, then `IMAGO_DATABASE_URL`, `IMAGO_STORE`,
//! `IMAGO_S3_ENDPOINT`, `IMAGO_S3_REGION`, `IMAGO_S3_ACCESS_KEY_ID`,
//! `IMAGO_S3_SECRET_ACCESS_KEY`, then the flags.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::repo::{Repo, SqlRepo};
use crate::store::{LocalStore, S3Config, S3Store, Store, StoreError};
use crate::ServeError;

/// Where metadata and bytes live. Every field is optional: what is missing is embedded.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StorageConfig {
    /// `postgres://...`; `None` is SQLite in the data folder.
    pub database_url: Option<String>,
    /// `s3://bucket` or `s3://bucket/prefix`; `None` is the data folder.
    pub store: Option<String>,
    /// The S3 endpoint (`http://127.0.0.1:3900`, `https://s3.example.com`).
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
}

impl std::fmt::Debug for StorageConfig {
    // Passwords in the database URL and the S3 secret stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageConfig")
            .field("database", &self.database_url.as_ref().map(|_| "postgres"))
            .field("store", &self.store)
            .field("s3_endpoint", &self.s3_endpoint)
            .field("s3_region", &self.s3_region)
            .field("s3_access_key_id", &self.s3_access_key_id)
            .finish_non_exhaustive()
    }
}

/// The file's `[storage]` table; unknown keys are refused like everywhere else.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileStorage {
    database_url: Option<String>,
    store: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
}

impl std::fmt::Debug for FileStorage {
    // A TOML error message may print the table; the secrets stay out of it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStorage").finish_non_exhaustive()
    }
}

impl StorageConfig {
    /// Applies the file's `[storage]` table.
    pub(crate) fn apply_file(&mut self, file: FileStorage) {
        let pairs = [
            (&mut self.database_url, file.database_url),
            (&mut self.store, file.store),
            (&mut self.s3_endpoint, file.s3_endpoint),
            (&mut self.s3_region, file.s3_region),
            (&mut self.s3_access_key_id, file.s3_access_key_id),
            (&mut self.s3_secret_access_key, file.s3_secret_access_key),
        ];
        for (slot, value) in pairs {
            if value.is_some() {
                *slot = value;
            }
        }
    }

    /// Applies one environment variable; `false` when it is not a storage setting.
    pub(crate) fn apply_env(&mut self, name: &str, value: &str) -> bool {
        let slot = match name {
            "IMAGO_DATABASE_URL" => &mut self.database_url,
            "IMAGO_STORE" => &mut self.store,
            "IMAGO_S3_ENDPOINT" => &mut self.s3_endpoint,
            "IMAGO_S3_REGION" => &mut self.s3_region,
            "IMAGO_S3_ACCESS_KEY_ID" => &mut self.s3_access_key_id,
            "IMAGO_S3_SECRET_ACCESS_KEY" => &mut self.s3_secret_access_key,
            _ => return false,
        };
        // An empty variable is unset (`IMAGO_STORE= imago serve` for the folder).
        *slot = Some(value.to_string()).filter(|v| !v.trim().is_empty());
        true
    }

    /// Checks what can be checked before connecting: the bucket URL and that the S3
    /// endpoint and credentials are given. The error is one line saying what to set.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(format!(
                    "database_url: {:?} is not a postgres:// URL (leave it unset for SQLite in the data folder)",
                    redact(url)
                ));
            }
        }
        match &self.store {
            Some(url) => self.s3_config(url).map(|_| ()),
            None => Ok(()),
        }
    }

    fn s3_config(&self, url: &str) -> Result<S3Config, String> {
        let bad = |why: &str| format!("store {url}: {why}");
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("write it as s3://bucket or s3://bucket/prefix"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(bad("no bucket name"));
        }
        let endpoint = self.s3_endpoint.as_deref().ok_or_else(|| {
            bad("needs an endpoint (--s3-endpoint, IMAGO_S3_ENDPOINT or s3_endpoint in [storage])")
        })?;
        let key = self.s3_access_key_id.as_deref().ok_or_else(|| {
            bad("needs an access key (IMAGO_S3_ACCESS_KEY_ID or s3_access_key_id in [storage])")
        })?;
        let secret = self.s3_secret_access_key.as_deref().ok_or_else(|| {
            bad("needs a secret (IMAGO_S3_SECRET_ACCESS_KEY or s3_secret_access_key in [storage])")
        })?;
        let mut cfg = S3Config::new(endpoint, bucket, key, secret);
        if let Some(region) = &self.s3_region {
            cfg.region = region.clone();
        }
        if !prefix.is_empty() {
            cfg.key_prefix = Some(prefix.trim_end_matches('/').to_string());
        }
        Ok(cfg)
    }
}

/// A database URL with its password replaced, for messages.
fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://...{}", &url[at..]),
        _ => url.to_string(),
    }
}

/// Opens (and migrates) the backends the settings name.
pub async fn open_backends(
    data_dir: &Path,
    storage: &StorageConfig,
) -> Result<(Arc<dyn Repo>, Arc<dyn Store>), ServeError> {
    let repo: Arc<dyn Repo> = match &storage.database_url {
        Some(url) => Arc::new(SqlRepo::connect(url).await?),
        None => Arc::new(SqlRepo::open_in(data_dir).await?),
    };
    repo.migrate().await?;
    let store: Arc<dyn Store> = match &storage.store {
        Some(s3) => Arc::new(S3Store::new(
            &storage.s3_config(s3).map_err(StoreError::Backend)?,
        )?),
        None => Arc::new(LocalStore::open(data_dir.join("store")).await?),
    };
    Ok((repo, store))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_need_a_bucket_and_credentials() {
        let storage = StorageConfig {
            s3_endpoint: Some("http://127.0.0.1:3900".into()),
            s3_access_key_id: Some("GK1".into()),
            s3_secret_access_key: Some("s".into()),
            ..StorageConfig::default()
        };
        let cfg = storage.s3_config("s3://pics/node-a/").unwrap();
        assert_eq!(
            (cfg.bucket.as_str(), cfg.key_prefix.as_deref()),
            ("pics", Some("node-a"))
        );
        assert!(cfg.allow_http, "plain HTTP is fine on loopback");
        assert!(storage.s3_config("s3:///x").is_err());
        assert!(storage.s3_config("gs://pics").is_err());
        let no_secret = StorageConfig {
            s3_secret_access_key: None,
            store: Some("s3://pics".into()),
            ..storage
        };
        let e = no_secret.check().unwrap_err();
        assert!(e.contains("IMAGO_S3_SECRET_ACCESS_KEY"), "{e}");
    }

    #[test]
    fn secrets_stay_out_of_debug_and_messages() {
        let storage = StorageConfig {
            database_url: Some("mysql://imago:hunter2@db/imago".into()),
            s3_secret_access_key: Some("s3cr3t".into()),
            ..StorageConfig::default()
        };
        let shown = format!("{storage:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("s3cr3t"),
            "{shown}"
        );
        let e = storage.check().unwrap_err();
        assert!(e.contains("postgres://") && !e.contains("hunter2"), "{e}");
    }
}
