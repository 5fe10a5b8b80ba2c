//! Search by image: the same picture and its edited copies, among the user's own images.
//!
//! A picture is [`prepare`]d (decoded within the host's limits, upright, shrunk in the
//! decoder, grey, and a copy with uniform borders trimmed) and [`hash`]ed (64-bit pHash,
//! 256-bit PDQ; the trimmed copy too) and, with the model, [`Embedder`]-ed (a learned
//! vector that survives crops, watermarks and frames). The
//! command line keeps the codes in one SQLite file ([`Store`]); a query is hashed in its
//! eight orientations and compared with the stored codes within reach ([`Codes::search`]:
//! a scan, or multi-index hashing for many pictures); its vector finds the similar ones.
//!
//! ```
//! use imago_search::{fingerprint, query, Codes, Limits};
//!
//! let mut png = Vec::new();
//! image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]))
//!     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
//!     .unwrap();
//! let stored = fingerprint(&png, &Limits::default(), None).unwrap();
//! let mut codes = Codes::default();
//! codes.push(&stored.code);
//! let hits = codes.search(&query(&png, &Limits::default(), None).unwrap(), 10);
//! assert_eq!(hits[0].kind, imago_search::MatchKind::Exact);
//! ```

mod ann;
mod codes;
mod embed;
mod error;
mod hashes;
mod mih;
mod prepare;
mod store;

pub use codes::{
    Code, Codes, Hit, MatchKind, Query, Strategy, MIN_QUALITY, MULTI_INDEX_FROM, NEAR_PDQ,
    SIMILAR_MIN,
};
pub use embed::{
    default_model_path, Embedder, Vector, DIMENSIONS, EMBED_SIDE, MODEL_FILE, MODEL_ID,
};
pub use error::SearchError;
pub use hashes::{hash, hash_dihedral, Dihedral, Hashes, Pdq};
pub use imago_media::Limits;
pub use prepare::{prepare, prepare_for, trim, Prepared, SIDE};
pub use store::{Entry, Store, FINGERPRINT_VERSION};

use sha2::{Digest, Sha256};

/// What [`fingerprint`] reads from a file.
#[derive(Clone, Debug)]
pub struct Fingerprint {
    pub code: Code,
    pub format: imago_core::Format,
    /// As displayed.
    pub width: u32,
    pub height: u32,
}

/// The codes stored for the picture in `bytes`; its embedding too when `embedder` is
/// given.
pub fn fingerprint(
    bytes: &[u8],
    limits: &Limits,
    embedder: Option<&Embedder>,
) -> Result<Fingerprint, SearchError> {
    let prepared = prepare_for(bytes, limits, embedder.is_some())?;
    Ok(Fingerprint {
        code: Code {
            hashes: hash(&prepared.luma),
            trimmed: prepared.trimmed.as_ref().map(hash),
            sha256: Sha256::digest(bytes).into(),
            vector: embed(embedder, &prepared)?,
        },
        format: prepared.format,
        width: prepared.width,
        height: prepared.height,
    })
}

/// The picture in `bytes` as a query: hashed in its eight orientations, as it is and
/// trimmed, and embedded when `embedder` is given.
pub fn query(
    bytes: &[u8],
    limits: &Limits,
    embedder: Option<&Embedder>,
) -> Result<Query, SearchError> {
    let prepared = prepare_for(bytes, limits, embedder.is_some())?;
    let mut variants = hash_dihedral(&prepared.luma).to_vec();
    if let Some(t) = &prepared.trimmed {
        variants.extend(hash_dihedral(t));
    }
    Ok(Query {
        sha256: Sha256::digest(bytes).into(),
        variants,
        vector: embed(embedder, &prepared)?,
    })
}

fn embed(embedder: Option<&Embedder>, prepared: &Prepared) -> Result<Option<Vector>, SearchError> {
    match (embedder, &prepared.rgb) {
        (Some(e), Some(rgb)) => e.embed(rgb).map(Some),
        _ => Ok(None),
    }
}
