//! `imago serve`: a self-hosted image host. It speaks Chevereto's upload API v1 so ShareX
//! and existing clients work unchanged, and its own JSON API under `/api/v2/`.
//!
//! Storage has two seams, each a trait with one implementation per backend: [`repo::Repo`]
//! (metadata: SQLite by default, PostgreSQL for several nodes) and [`store::Store`]
//! (bytes: a local folder by default, any S3-compatible object store). One conformance
//! suite runs against every backend of a seam.

pub mod repo;
pub mod store;
