//! Which backends a node uses: the embedded default (SQLite and a folder under the data
//! directory), or PostgreSQL and an S3-compatible bucket shared by several nodes.

use std::path::Path;
use std::sync::Arc;

use crate::repo::{PostgresRepo, Repo, SqliteRepo};
use crate::store::{LocalStore, S3Config, S3Store, Store, StoreError};
use crate::ServeError;

/// Where metadata and bytes live. Every field is optional: what is missing is embedded.
#[derive(Clone, Default)]
pub struct StorageSpec {
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

impl std::fmt::Debug for StorageSpec {
    // Passwords in the database URL and the S3 secret stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageSpec")
            .field("database", &self.database_url.as_ref().map(|_| "postgres"))
            .field("store", &self.store)
            .field("s3_endpoint", &self.s3_endpoint)
            .finish_non_exhaustive()
    }
}

/// Opens (and migrates) the backends the spec names.
pub async fn open_storage(
    data_dir: &Path,
    spec: &StorageSpec,
) -> Result<(Arc<dyn Repo>, Arc<dyn Store>), ServeError> {
    let repo: Arc<dyn Repo> = match &spec.database_url {
        Some(url) => Arc::new(PostgresRepo::connect(url).await?),
        None => Arc::new(SqliteRepo::open_in(data_dir).await?),
    };
    repo.migrate().await?;
    let store: Arc<dyn Store> = match &spec.store {
        Some(s3) => Arc::new(S3Store::new(&s3_config(s3, spec)?)?),
        None => Arc::new(LocalStore::open(data_dir.join("store")).await?),
    };
    Ok((repo, store))
}

fn s3_config(url: &str, spec: &StorageSpec) -> Result<S3Config, StoreError> {
    let bad = |why: &str| StoreError::Backend(format!("--store {url}: {why}"));
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| bad("write it as s3://bucket or s3://bucket/prefix"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(bad("no bucket name"));
    }
    let endpoint = spec
        .s3_endpoint
        .as_deref()
        .ok_or_else(|| bad("needs an endpoint (--s3-endpoint or IMAGO_S3_ENDPOINT)"))?;
    let key = spec
        .s3_access_key_id
        .as_deref()
        .ok_or_else(|| bad("needs an access key (IMAGO_S3_ACCESS_KEY_ID)"))?;
    let secret = spec
        .s3_secret_access_key
        .as_deref()
        .ok_or_else(|| bad("needs a secret (IMAGO_S3_SECRET_ACCESS_KEY)"))?;
    let mut cfg = S3Config::new(endpoint, bucket, key, secret);
    if let Some(region) = &spec.s3_region {
        cfg.region = region.clone();
    }
    if !prefix.is_empty() {
        cfg.key_prefix = Some(prefix.trim_end_matches('/').to_string());
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_need_a_bucket_and_credentials() {
        let spec = StorageSpec {
            s3_endpoint: Some("http://127.0.0.1:3900".into()),
            s3_access_key_id: Some("GK1".into()),
            s3_secret_access_key: Some("s".into()),
            ..StorageSpec::default()
        };
        let cfg = s3_config("s3://pics/node-a/", &spec).unwrap();
        assert_eq!(
            (cfg.bucket.as_str(), cfg.key_prefix.as_deref()),
            ("pics", Some("node-a"))
        );
        assert!(cfg.allow_http, "plain HTTP is fine on loopback");
        assert!(s3_config("s3:///x", &spec).is_err());
        assert!(s3_config("gs://pics", &spec).is_err());
        let no_secret = StorageSpec {
            s3_secret_access_key: None,
            ..spec
        };
        let e = s3_config("s3://pics", &no_secret).unwrap_err().to_string();
        assert!(e.contains("IMAGO_S3_SECRET_ACCESS_KEY"), "{e}");
    }
}
