//! Which storage a test server runs on: SQLite or PostgreSQL for metadata, a folder or
//! an S3-compatible bucket (Garage) for bytes. [`on_every_backend!`] turns one `async fn
//! name(backend: Backend)` into one test per backend (`sqlite_folder::name`,
//! `postgres_folder::name`, `sqlite_s3::name`, `postgres_s3::name`).
//!
//! Every test gets its own PostgreSQL schema and its own key prefix in the bucket, so
//! runs never see each other. Two servers given the same [`Place`] share both, as two
//! nodes of one deployment do.

#![allow(dead_code)]

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use imago_server::repo::{Repo, SqlRepo};
use imago_server::store::{LocalStore, S3Config, S3Store, Store};
use sqlx::postgres::PgConnectOptions;

use super::services;

/// One combination of the two storage seams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    SqliteFolder,
    PostgresFolder,
    SqliteS3,
    PostgresS3,
}

impl Backend {
    pub fn uses_postgres(self) -> bool {
        matches!(self, Backend::PostgresFolder | Backend::PostgresS3)
    }

    pub fn uses_s3(self) -> bool {
        matches!(self, Backend::SqliteS3 | Backend::PostgresS3)
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::SqliteFolder => "sqlite+folder",
            Backend::PostgresFolder => "postgres+folder",
            Backend::SqliteS3 => "sqlite+s3",
            Backend::PostgresS3 => "postgres+s3",
        }
    }

    /// Whether `IMAGO_TEST_BACKENDS` leaves this backend out on purpose; says so on
    /// stderr when it does.
    pub fn skipped(self, test: &str) -> bool {
        let out = (self.uses_postgres() && !services::selected("postgres"))
            || (self.uses_s3() && !services::selected("s3"));
        if out {
            services::say_skipped(test, self.name());
        }
        out
    }

    /// A fresh place (schema, bucket prefix) on this backend. Missing service variables
    /// fail the test with the variable's name and the script that sets it.
    pub async fn place(self, test: &str) -> Place {
        let mut place = Place {
            backend: self,
            postgres: None,
            s3: None,
        };
        if self.uses_postgres() {
            let v = services::values("postgres", "postgres.sh", &[services::POSTGRES_URL]);
            let schema = services::unique("t");
            let admin = sqlx::PgPool::connect(&v[0])
                .await
                .unwrap_or_else(|e| panic!("connect to {}: {e}", services::POSTGRES_URL));
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&admin)
                .await
                .expect("create schema");
            admin.close().await;
            place.postgres = Some((v[0].clone(), schema));
        }
        if self.uses_s3() {
            let v = services::values(
                "s3",
                "garage.sh",
                &[
                    services::S3_ENDPOINT,
                    services::S3_BUCKET,
                    services::S3_KEY_ID,
                    services::S3_SECRET,
                ],
            );
            let mut config = S3Config::new(&v[0], &v[1], &v[2], &v[3]);
            config.key_prefix = Some(services::unique(test));
            place.s3 = Some(config);
        }
        place
    }
}

/// Where one test's data lives: the PostgreSQL URL and schema, the S3 settings with
/// the test's prefix. The folder backends keep theirs in each node's data folder.
#[derive(Clone)]
pub struct Place {
    pub backend: Backend,
    postgres: Option<(String, String)>,
    s3: Option<S3Config>,
}

impl Place {
    /// Opens (and migrates) the repo and store, with `data_dir` for the embedded parts.
    pub async fn open(&self, data_dir: &Path) -> (Arc<dyn Repo>, Arc<dyn Store>) {
        let repo: Arc<dyn Repo> = match &self.postgres {
            Some((url, schema)) => {
                let options = PgConnectOptions::from_str(url)
                    .expect("postgres url")
                    .options([("search_path", schema.as_str())]);
                Arc::new(
                    SqlRepo::connect_with(options, 8)
                        .await
                        .expect("connect to postgres"),
                )
            }
            None => Arc::new(SqlRepo::open_in(data_dir).await.expect("open sqlite")),
        };
        repo.migrate().await.expect("migrate");
        let store: Arc<dyn Store> = match &self.s3 {
            Some(config) => Arc::new(S3Store::new(config).expect("s3 store")),
            None => Arc::new(
                LocalStore::open(data_dir.join("store"))
                    .await
                    .expect("open local store"),
            ),
        };
        (repo, store)
    }

    /// The place as environment variables, for a server in a child process.
    pub fn to_env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![(PLACE_BACKEND, format!("{:?}", self.backend))];
        if let Some((_, schema)) = &self.postgres {
            env.push((PLACE_SCHEMA, schema.clone()));
        }
        if let Some(prefix) = self.s3.as_ref().and_then(|c| c.key_prefix.clone()) {
            env.push((PLACE_PREFIX, prefix));
        }
        env
    }

    /// The place [`Place::to_env`] described, read back in the child process (which
    /// inherits the service variables).
    pub fn from_env() -> Place {
        let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} not set"));
        let backend = match var(PLACE_BACKEND).as_str() {
            "SqliteFolder" => Backend::SqliteFolder,
            "PostgresFolder" => Backend::PostgresFolder,
            "SqliteS3" => Backend::SqliteS3,
            "PostgresS3" => Backend::PostgresS3,
            other => panic!("unknown backend {other}"),
        };
        let env = |name: &str| std::env::var(name).expect(name);
        Place {
            backend,
            postgres: backend
                .uses_postgres()
                .then(|| (env(services::POSTGRES_URL), var(PLACE_SCHEMA))),
            s3: backend.uses_s3().then(|| {
                let mut c = S3Config::new(
                    &env(services::S3_ENDPOINT),
                    &env(services::S3_BUCKET),
                    &env(services::S3_KEY_ID),
                    &env(services::S3_SECRET),
                );
                c.key_prefix = Some(var(PLACE_PREFIX));
                c
            }),
        }
    }
}

const PLACE_BACKEND: &str = "IMAGO_TEST_PLACE_BACKEND";
const PLACE_SCHEMA: &str = "IMAGO_TEST_PLACE_SCHEMA";
const PLACE_PREFIX: &str = "IMAGO_TEST_PLACE_PREFIX";

/// One `#[tokio::test]` per metadata backend (SQLite, PostgreSQL; bytes in a folder)
/// for each `async fn name(backend: Backend)` listed: for behaviour of the `Repo` seam
/// alone.
// Not every test file that shares this module generates tests with it.
#[allow(unused_macros)]
macro_rules! on_every_repo {
    ($($name:ident),* $(,)?) => {
        $crate::support::backend::on_every_backend!(@one sqlite_folder, SqliteFolder, $($name),*);
        $crate::support::backend::on_every_backend!(@one postgres_folder, PostgresFolder, $($name),*);
    };
}
#[allow(unused_imports)]
pub(crate) use on_every_repo;

/// One `#[tokio::test]` per backend for each `async fn name(backend: Backend)` listed.
#[allow(unused_macros)]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        $crate::support::backend::on_every_backend!(@one sqlite_folder, SqliteFolder, $($name),*);
        $crate::support::backend::on_every_backend!(@one postgres_folder, PostgresFolder, $($name),*);
        $crate::support::backend::on_every_backend!(@one sqlite_s3, SqliteS3, $($name),*);
        $crate::support::backend::on_every_backend!(@one postgres_s3, PostgresS3, $($name),*);
    };
    (@one $module:ident, $variant:ident, $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = super::support::backend::Backend::$variant;
                    if !backend.skipped(stringify!($name)) {
                        super::$name(backend).await;
                    }
                }
            )*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_every_backend;
