//! Any S3-compatible object store (Garage, MinIO, AWS, ...) through `object_store`.
//!
//! A PUT is atomic on S3 (readers see the old object or the new one), and durable once
//! the server acknowledged it, which is what [`Store::put`] promises.

use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use tokio::io::AsyncWriteExt;

use super::key::{clamp_range, validate_key, validate_prefix};
use super::{ByteStream, Store, StoreError};

/// Up to this size a put is one PUT; past it, a multipart upload of parts this large
/// (S3 wants at least 5 MiB per part but the last).
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once in a multipart upload: with [`PART_SIZE`], what one large
/// put may hold in memory.
const PARTS_IN_FLIGHT: usize = 2;

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
    inner: Arc<dyn ObjectStore>,
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
        Ok(S3Store {
            inner: Arc::new(inner),
            prefix,
        })
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
    async fn put_stream(&self, key: &str, mut body: ByteStream) -> Result<u64, StoreError> {
        let path = self.path_of(key)?;
        let what = format!("put {key}");
        let mut writer = BufWriter::with_capacity(self.inner.clone(), path, PART_SIZE)
            .with_max_concurrency(PARTS_IN_FLIGHT);
        let mut written = 0u64;
        let sent = async {
            while let Some(chunk) = body.try_next().await? {
                written += chunk.len() as u64;
                writer.put(chunk).await.map_err(|e| backend(&what, e))?;
            }
            // Sends the one PUT, or completes the multipart upload.
            writer.shutdown().await.map_err(|e| backend(&what, e))
        }
        .await;
        if let Err(e) = sent {
            // A multipart upload begun is taken back, so its parts do not linger.
            if let Err(abort) = writer.abort().await {
                tracing::warn!(%key, error = %abort, "could not abort a multipart upload");
            }
            return Err(e);
        }
        Ok(written)
    }

    async fn get_stream(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<Option<ByteStream>, StoreError> {
        let path = self.path_of(key)?;
        let what = format!("get {key}");
        let range = match range {
            None => None,
            Some(range) => {
                // The size first: S3 refuses a range that starts past the end, where the
                // local store reads nothing; clamping here keeps both backends the same.
                let Some(size) = self.size(key).await? else {
                    return Ok(None);
                };
                let r = clamp_range(range, size);
                if r.is_empty() {
                    return Ok(Some(futures_util::stream::empty().boxed()));
                }
                Some(GetRange::Bounded(r))
            }
        };
        let options = GetOptions {
            range,
            ..GetOptions::default()
        };
        match self.inner.get_opts(&path, options).await {
            Ok(got) => Ok(Some(
                got.into_stream()
                    .map_err(move |e| backend(&what, e))
                    .boxed(),
            )),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(backend(&what, e)),
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
