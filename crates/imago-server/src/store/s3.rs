//! Any S3-compatible object store (Garage, MinIO, AWS, ...) through `object_store`.
//!
//! A PUT is atomic on S3 (readers see the old object or the new one), and durable once
//! the server acknowledged it, which is what [`Store::put`] promises.

use std::ops::Range;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::key::{clamp_range, validate_key, validate_prefix};
use super::{Store, StoreError};

/// Where and how to reach the bucket.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// e.g. `http://127.0.0.1:3900` or `https://s3.example.net`.
    pub endpoint: String,
    /// The bucket; it must exist and the key must be allowed to read and write it.
    pub bucket: String,
    /// Garage's default region is `garage`.
    pub region: String,
    /// The access key's id (Garage: `GK...`).
    pub access_key_id: String,
    /// The access key's secret; kept out of `Debug`.
    pub secret_access_key: String,
    /// Plain HTTP; [`S3Config::new`] allows it only for a loopback endpoint, where the
    /// signed requests never cross a network.
    pub allow_http: bool,
    /// Keeps every key under this folder of the bucket (several tenants or test runs
    /// sharing one bucket).
    pub key_prefix: Option<String>,
}

impl std::fmt::Debug for S3Config {
    // The secret stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("allow_http", &self.allow_http)
            .field("key_prefix", &self.key_prefix)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// Path-style requests to `endpoint`, region `garage`, HTTP only on loopback.
    pub fn new(endpoint: &str, bucket: &str, access_key_id: &str, secret_access_key: &str) -> Self {
        S3Config {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            bucket: bucket.to_string(),
            region: "garage".to_string(),
            access_key_id: access_key_id.to_string(),
            secret_access_key: secret_access_key.to_string(),
            allow_http: is_loopback_http(endpoint),
            key_prefix: None,
        }
    }
}

fn is_loopback_http(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("http://") else {
        return false;
    };
    let host_port = rest.split('/').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Objects in an S3-compatible bucket.
#[derive(Debug)]
pub struct S3Store {
    inner: AmazonS3,
    prefix: Option<String>,
}

fn backend(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("{what}: {e}"))
}

impl S3Store {
    /// Builds the client; nothing is sent until the first call.
    pub fn new(config: &S3Config) -> Result<S3Store, StoreError> {
        let prefix = match config.key_prefix.as_deref() {
            None | Some("") => None,
            Some(p) => Some(validate_prefix(p)?.to_string()),
        };
        let inner = AmazonS3Builder::new()
            .with_endpoint(&config.endpoint)
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_virtual_hosted_style_request(false)
            .with_allow_http(config.allow_http)
            .build()
            .map_err(|e| backend("s3 configuration", e))?;
        Ok(S3Store { inner, prefix })
    }

    fn path_of(&self, key: &str) -> Result<ObjectPath, StoreError> {
        validate_key(key)?;
        let full = match &self.prefix {
            Some(p) => format!("{p}/{key}"),
            None => key.to_string(),
        };
        ObjectPath::parse(full).map_err(|_| StoreError::BadKey(key.to_string()))
    }
}

fn is_not_found(e: &object_store::Error) -> bool {
    matches!(e, object_store::Error::NotFound { .. })
}

#[async_trait]
impl Store for S3Store {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        self.inner
            .put(&path, PutPayload::from_bytes(bytes))
            .await
            .map_err(|e| backend(&format!("put {key}"), e))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        let path = self.path_of(key)?;
        let got = match self.inner.get(&path).await {
            Ok(g) => g,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(backend(&format!("get {key}"), e)),
        };
        got.bytes()
            .await
            .map(Some)
            .map_err(|e| backend(&format!("get {key}"), e))
    }

    async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Option<Bytes>, StoreError> {
        // The size first: S3 refuses a range that starts past the end, where the local
        // store reads nothing; clamping here keeps both backends the same.
        let Some(size) = self.size(key).await? else {
            return Ok(None);
        };
        let r = clamp_range(range, size);
        if r.is_empty() {
            return Ok(Some(Bytes::new()));
        }
        let path = self.path_of(key)?;
        match self.inner.get_range(&path, r).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(backend(&format!("get {key}"), e)),
        }
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        let path = self.path_of(key)?;
        match self.inner.head(&path).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(backend(&format!("size {key}"), e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        match self.inner.delete(&path).await {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(backend(&format!("delete {key}"), e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = validate_prefix(prefix)?;
        let full = match (&self.prefix, prefix) {
            (Some(p), "") => p.clone(),
            (Some(p), q) => format!("{p}/{q}"),
            (None, q) => q.to_string(),
        };
        let path = if full.is_empty() {
            None
        } else {
            Some(ObjectPath::parse(&full).map_err(|_| StoreError::BadKey(prefix.to_string()))?)
        };
        let metas: Vec<object_store::ObjectMeta> = self
            .inner
            .list(path.as_ref())
            .try_collect()
            .await
            .map_err(|e| backend(&format!("list {prefix}"), e))?;
        let strip = self.prefix.as_ref().map(|p| format!("{p}/"));
        let mut keys: Vec<String> = metas
            .into_iter()
            .filter_map(|m| {
                let key = m.location.to_string();
                match &strip {
                    Some(s) => key.strip_prefix(s.as_str()).map(str::to_string),
                    None => Some(key),
                }
            })
            .collect();
        keys.sort();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_http;

    #[test]
    fn http_only_on_loopback() {
        assert!(is_loopback_http("http://127.0.0.1:3900"));
        assert!(is_loopback_http("http://localhost:3900/"));
        assert!(is_loopback_http("http://[::1]:3900"));
        assert!(!is_loopback_http("http://10.0.0.5:3900"));
        assert!(!is_loopback_http("https://127.0.0.1:3900"));
        assert!(!is_loopback_http("http://127.0.0.1.evil.example:3900"));
    }
}
