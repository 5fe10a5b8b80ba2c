//! The hashes held in memory and searched by an exact scan: every stored code is compared
//! with every orientation of the query (popcount over packed words). A million codes are
//! 48 MB and one pass over them.

use serde::Serialize;

use crate::hashes::{Dihedral, Hashes};

/// PDQ distances up to this are the same picture, edited (the reference's threshold for
/// a match, 31 of 256 bits).
pub const NEAR_PDQ: u32 = 31;

/// Below this PDQ quality (0..=100) a picture is too flat for its hash to tell it from
/// another flat one: it matches only when its bytes or both hashes are equal.
pub const MIN_QUALITY: u8 = 50;

/// How a stored picture matches a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The same file, or the same pixels as far as both hashes tell (upright: a mirrored
    /// copy is near).
    Exact,
    /// The same picture, edited: resized, recompressed, converted, trimmed of a frame,
    /// turned or mirrored.
    Near,
}

/// One stored picture's codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    /// Of the picture as it is.
    pub hashes: Hashes,
    /// Of the picture without its borders, when it has some.
    pub trimmed: Option<Hashes>,
    pub sha256: [u8; 32],
}

impl Code {
    /// The hashes as stored (the index's `codes` column, the server's too): pHash (8
    /// bytes, big-endian), PDQ (32), quality (1), then the same for the trimmed picture
    /// when it has borders: 41 or 82 bytes.
    pub fn hashes_to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(82);
        for h in std::iter::once(&self.hashes).chain(self.trimmed.as_ref()) {
            out.extend_from_slice(&h.phash.to_be_bytes());
            out.extend_from_slice(&h.pdq.to_bytes());
            out.push(h.quality);
        }
        out
    }

    /// What [`Code::hashes_to_bytes`] wrote, with the file's digest; `None` for bytes it
    /// did not write.
    pub fn from_bytes(bytes: &[u8], sha256: [u8; 32]) -> Option<Code> {
        let one = |b: &[u8]| {
            let phash = u64::from_be_bytes(b[..8].try_into().ok()?);
            let pdq = crate::hashes::Pdq::from_bytes(b[8..40].try_into().ok()?);
            Some(Hashes {
                phash,
                pdq,
                quality: b[40],
            })
        };
        match bytes.len() {
            41 => Some(Code {
                hashes: one(bytes)?,
                trimmed: None,
                sha256,
            }),
            82 => Some(Code {
                hashes: one(&bytes[..41])?,
                trimmed: Some(one(&bytes[41..])?),
                sha256,
            }),
            _ => None,
        }
    }
}

/// A query: its file's digest and its hashes in the orientations to compare (the eight
/// of [`crate::query`], of the picture and of its trimmed self; or the upright ones
/// alone).
#[derive(Clone, Debug)]
pub struct Query {
    pub sha256: [u8; 32],
    pub variants: Vec<(Dihedral, Hashes)>,
}

impl Query {
    /// A stored picture as a query for its copies as they are, not turned or mirrored.
    pub fn upright(code: &Code) -> Query {
        let mut variants = vec![(Dihedral::Upright, code.hashes)];
        variants.extend(code.trimmed.map(|t| (Dihedral::Upright, t)));
        Query {
            sha256: code.sha256,
            variants,
        }
    }
}

/// A stored picture that matched, by its position in the [`Codes`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub slot: usize,
    #[serde(rename = "match")]
    pub kind: MatchKind,
    /// 1 for the same picture, falling with the bits that differ (0.88 at the threshold).
    pub score: f32,
    pub pdq_distance: u32,
    pub phash_distance: u32,
    /// How the stored picture is turned relative to the query.
    pub orientation: Dihedral,
}

/// The stored codes, in slots (one per picture); a picture with borders has a second
/// set of hashes, of its trimmed self, in `trimmed`, found through `trimmed_of`.
#[derive(Clone, Debug, Default)]
pub struct Codes {
    hashes: Vec<Hashes>,
    sha256: Vec<[u8; 32]>,
    trimmed: Vec<Hashes>,
    /// Per slot: its index in `trimmed`, or `u32::MAX`.
    trimmed_of: Vec<u32>,
}

impl Codes {
    pub fn push(&mut self, code: &Code) -> usize {
        self.hashes.push(code.hashes);
        self.sha256.push(code.sha256);
        let t = match code.trimmed {
            Some(t) => {
                self.trimmed.push(t);
                (self.trimmed.len() - 1) as u32
            }
            None => u32::MAX,
        };
        self.trimmed_of.push(t);
        self.hashes.len() - 1
    }

    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The stored pictures that match `query`, best first: exact ones, then near ones by
    /// PDQ distance, pHash distance, then slot; at most `k`.
    pub fn search(&self, query: &Query, k: usize) -> Vec<Hit> {
        let mut hits = Vec::new();
        for slot in 0..self.len() {
            if let Some(hit) = self.compare(slot, query) {
                hits.push(hit);
            }
        }
        hits.sort_by(|a, b| {
            (a.kind, a.pdq_distance, a.phash_distance, a.slot).cmp(&(
                b.kind,
                b.pdq_distance,
                b.phash_distance,
                b.slot,
            ))
        });
        hits.truncate(k);
        hits
    }

    /// How slot `slot` matches `query`, if it does: the closest pair of the stored
    /// picture's hashes (as it is, trimmed) and the query's variants.
    pub fn compare(&self, slot: usize, query: &Query) -> Option<Hit> {
        let whole = &self.hashes[slot];
        let trimmed = self.trimmed.get(self.trimmed_of[slot] as usize);
        let (orientation, q, stored) = query
            .variants
            .iter()
            .flat_map(|(o, q)| {
                std::iter::once(whole)
                    .chain(trimmed)
                    .map(move |s| (*o, q, s))
            })
            .min_by_key(|(_, q, s)| (q.pdq.distance(&s.pdq), (q.phash ^ s.phash).count_ones()))?;
        let pdq_distance = q.pdq.distance(&stored.pdq);
        let phash_distance = (q.phash ^ stored.phash).count_ones();
        let same_bytes = query.sha256 == self.sha256[slot];
        let same_pixels =
            pdq_distance == 0 && phash_distance == 0 && orientation == Dihedral::Upright;
        let kind = if same_bytes || same_pixels {
            MatchKind::Exact
        } else if pdq_distance <= NEAR_PDQ
            && q.quality >= MIN_QUALITY
            && stored.quality >= MIN_QUALITY
        {
            MatchKind::Near
        } else {
            return None;
        };
        let score = if same_bytes {
            1.0
        } else {
            1.0 - pdq_distance as f32 / 256.0
        };
        Some(Hit {
            slot,
            kind,
            score,
            pdq_distance,
            phash_distance,
            orientation,
        })
    }
}
