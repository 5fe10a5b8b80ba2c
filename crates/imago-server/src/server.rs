//! Starting the server: migrate, clean the temporary folder, load (or make) the server
//! secret, load the search model and index, bind, run the expiry reaper (and the
//! fingerprinting of images stored before search) beside the HTTP server, stop on a
//! signal.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::fetch::{GuardedUrlFetcher, UrlFetcher};
use crate::ingest::drop_unused_blobs;
use crate::repo::{Repo, RepoError};
use crate::state::AppState;
use crate::store::Store;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("data folder {path}: {source}")]
    Data {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Repo(#[from] RepoError),
    #[error("storage: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("the operating system gave no randomness: {0}")]
    Random(String),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Search(#[from] crate::search::SearchStartError),
}

/// A bound server, not yet answering: [`Server::local_addr`] tells the port when the
/// config asked for port 0.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    /// Migrates the schema, empties `data/tmp/`, loads the secret and binds.
    pub async fn bind(
        config: Config,
        repo: Arc<dyn Repo>,
        store: Arc<dyn Store>,
    ) -> Result<Server, ServeError> {
        repo.migrate().await?;
        let data = config.data_dir.clone();
        let data_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ServeError::Data { path, source }
        };
        std::fs::create_dir_all(&data).map_err(data_err(&data))?;
        clean_tmp(&data.join("tmp")).map_err(data_err(&data.join("tmp")))?;
        let own = load_secret(&data.join("secret"))?;
        let secret = shared_secret(repo.as_ref(), own).await?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| ServeError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr()?;
        let base = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let fetcher = GuardedUrlFetcher::system(config.upload_body_limit()).map(|f| {
            if config.video.enabled {
                f.with_hls(crate::fetch::HlsUploads {
                    remux: Arc::new(crate::video::FfmpegRemux::with_tools(config.video.tools())),
                    tmp: data.join("tmp"),
                    live_max: std::time::Duration::from_secs(config.video.max_duration_secs),
                })
            } else {
                f
            }
        });
        // Search: the model loads (a named one must) and the index reads every stored
        // fingerprint before the first request.
        let search = crate::search::Search::start(&config.search)?.map(Arc::new);
        if let Some(search) = &search {
            let read = search.index.catch_up(repo.as_ref()).await?;
            tracing::info!(
                images = read,
                model = search.has_model(),
                "search index read"
            );
        }
        let mut state = AppState::new(config, repo, store, &base, secret).with_search(search);
        match fetcher {
            Ok(f) => state = state.with_fetcher(Arc::new(f)),
            Err(e) => {
                tracing::warn!(error = %e, "upload by URL is off: the guarded fetcher failed to start")
            }
        }
        Ok(Server { listener, state })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.state.config.listen)
    }

    /// The state handlers will share.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Uses `fetcher` for uploads by URL (the SSRF-guarded one in production).
    pub fn with_fetcher(mut self, fetcher: Arc<dyn UrlFetcher>) -> Self {
        self.state = self.state.with_fetcher(fetcher);
        self
    }

    /// Answers requests until `shutdown` completes, with the reaper running beside.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let reaper = tokio::spawn(reap_forever(self.state.clone()));
        // Images stored before search (or the model) was there get their fingerprints.
        let backfill = self.state.search.clone().map(|search| {
            let state = self.state.clone();
            tokio::spawn(async move {
                if let Err(e) = crate::search::backfill(&state, &search).await {
                    tracing::warn!(error = %e, "fingerprinting stored images stopped");
                }
            })
        });
        tracing::info!(addr = %self.local_addr(), base = %self.state.base_url, "imago serve listening");
        let app = crate::http::router(self.state.clone());
        crate::accept::serve(self.listener, app, shutdown).await;
        reaper.abort();
        if let Some(b) = backfill {
            b.abort();
        }
        Ok(())
    }
}

/// The embedded default storage under `data_dir`: SQLite in `imago.db` (migrated) and
/// bytes in `store/`.
pub async fn embedded_storage(
    data_dir: &Path,
) -> Result<(Arc<dyn Repo>, Arc<dyn Store>), ServeError> {
    let repo = crate::repo::SqlRepo::open_in(data_dir).await?;
    repo.migrate().await?;
    let store = crate::store::LocalStore::open(data_dir.join("store")).await?;
    Ok((Arc::new(repo), Arc::new(store)))
}

/// Binds and runs until `shutdown`.
pub async fn serve(
    config: Config,
    repo: Arc<dyn Repo>,
    store: Arc<dyn Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    Server::bind(config, repo, store).await?.run(shutdown).await
}

/// Temporary files of an earlier run (killed mid-upload) are garbage.
fn clean_tmp(tmp: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::create_dir_all(tmp)
}

/// The 32-byte secret delete tokens derive from: made once, kept in `data/secret`
/// (readable by the owner only).
fn load_secret(path: &Path) -> Result<[u8; 32], ServeError> {
    let data_err = |source| ServeError::Data {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut out = [0u8; 32];
            hex::decode_to_slice(text.trim(), &mut out).map_err(|e| {
                data_err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    e.to_string(),
                ))
            })?;
            Ok(out)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut out = [0u8; 32];
            crate::ids::random_bytes(&mut out).map_err(|e| ServeError::Random(e.to_string()))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(path).map_err(data_err)?;
            file.write_all(hex::encode(out).as_bytes())
                .map_err(data_err)?;
            file.sync_all().map_err(data_err)?;
            Ok(out)
        }
        Err(e) => Err(data_err(e)),
    }
}

/// The deployment's secret: this node's own (`data/secret`) when it is the first to
/// start on the database, else the one the first node stored, so that every node hands
/// out the same delete URL for an image.
async fn shared_secret(repo: &dyn Repo, own: [u8; 32]) -> Result<[u8; 32], ServeError> {
    let stored = repo.server_secret(&hex::encode(own)).await?;
    let mut out = [0u8; 32];
    hex::decode_to_slice(stored.trim(), &mut out).map_err(|e| {
        ServeError::Repo(RepoError::Backend(format!(
            "the server secret in the database is not 64 hex digits: {e}"
        )))
    })?;
    Ok(out)
}

/// Removes expired images and their unused blobs, every `reaper_interval_secs`.
async fn reap_forever(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(
        state.config.reaper_interval_secs.max(1),
    ));
    loop {
        tick.tick().await;
        match reap_once(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired images removed"),
            Err(e) => tracing::warn!(error = %e, "expiry reaper failed"),
        }
    }
}

/// One pass of the reaper; how many images it removed.
pub async fn reap_once(state: &AppState) -> Result<usize, RepoError> {
    let mut removed = 0;
    loop {
        let batch = state
            .repo
            .claim_expired(imago_core::dates::unix_now(), 100)
            .await?;
        if batch.is_empty() {
            return Ok(removed);
        }
        let n = batch.len();
        for record in batch {
            if let Some(gone) = state.repo.delete_image(&record.id).await? {
                drop_unused_blobs(state, &gone).await;
                removed += 1;
            }
        }
        if n < 100 {
            return Ok(removed);
        }
    }
}
