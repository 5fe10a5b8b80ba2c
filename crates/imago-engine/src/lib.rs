//! The network and disk side of imago (being written).
//!
//! Disk side: [`archive`] (what was saved, so re-runs skip it), [`place`] (a finished
//! download to its final name, never outside the output folder, never over a user's
//! file), [`zipout`] (`--zip`), [`metadata`] (`--metadata` index.json), all failing with
//! [`StoreError`].

pub mod archive;
pub mod metadata;
pub mod place;
pub mod store_error;
pub mod zipout;

pub use store_error::StoreError;
