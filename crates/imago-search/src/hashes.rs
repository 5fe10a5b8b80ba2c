//! The two hashes of a prepared picture: a 64-bit pHash (`image_hasher`: the DCT of a
//! 16x16 grey picture, its 8x8 low frequencies against their median) and Meta's 256-bit
//! PDQ (`pdqhash`, bit-for-bit with the reference), with PDQ's quality.
//!
//! Stored pictures keep one of each. A query is hashed in the eight orientations of the
//! square's symmetry group ([`Dihedral`]: four turns, each mirrored too), so a flipped or
//! turned copy meets its original under one of them.

use image::imageops;
use image::GrayImage;
use image_hasher::{HashAlg, HasherConfig};
use serde::{Deserialize, Serialize};

/// A 256-bit PDQ hash as four words; word 0 holds the hash's first 64 bits as the
/// reference writes them in hex (most significant first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pdq(pub [u64; 4]);

impl Pdq {
    /// Bits that differ, 0..=256.
    pub fn distance(&self, other: &Pdq) -> u32 {
        self.0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }

    /// The 32 bytes, most significant first (as [`Pdq::to_hex`] writes them).
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut out = [0; 32];
        for (chunk, word) in out.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8; 32]) -> Pdq {
        let mut words = [0; 4];
        for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut b = [0; 8];
            b.copy_from_slice(chunk);
            *word = u64::from_be_bytes(b);
        }
        Pdq(words)
    }

    /// 64 hex digits, as Meta's tools print a PDQ hash.
    pub fn to_hex(&self) -> String {
        self.to_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The hashes of one grey picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hashes {
    pub phash: u64,
    pub pdq: Pdq,
    /// PDQ's quality, 0..=100: under 50 the picture is too flat for its hash to mean much
    /// (the reference's advice), and such a hash only ever matches as `exact`.
    pub quality: u8,
}

/// The eight orientations: the four turns clockwise, then the same mirrored (left to
/// right) before turning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dihedral {
    Upright,
    Turned90,
    Turned180,
    Turned270,
    Mirrored,
    MirroredTurned90,
    MirroredTurned180,
    MirroredTurned270,
}

impl Dihedral {
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Upright,
        Dihedral::Turned90,
        Dihedral::Turned180,
        Dihedral::Turned270,
        Dihedral::Mirrored,
        Dihedral::MirroredTurned90,
        Dihedral::MirroredTurned180,
        Dihedral::MirroredTurned270,
    ];

    /// `luma` in this orientation.
    pub fn apply(self, luma: &GrayImage) -> GrayImage {
        let mirrored;
        let (src, turns) = match self {
            Dihedral::Upright => return luma.clone(),
            Dihedral::Turned90 => (luma, 1),
            Dihedral::Turned180 => (luma, 2),
            Dihedral::Turned270 => (luma, 3),
            Dihedral::Mirrored => return imageops::flip_horizontal(luma),
            Dihedral::MirroredTurned90
            | Dihedral::MirroredTurned180
            | Dihedral::MirroredTurned270 => {
                mirrored = imageops::flip_horizontal(luma);
                let turns = match self {
                    Dihedral::MirroredTurned90 => 1,
                    Dihedral::MirroredTurned180 => 2,
                    _ => 3,
                };
                (&mirrored, turns)
            }
        };
        match turns {
            1 => imageops::rotate90(src),
            2 => imageops::rotate180(src),
            _ => imageops::rotate270(src),
        }
    }
}

/// The hashes of a prepared (at most [`crate::SIDE`] px) grey picture.
pub fn hash(luma: &GrayImage) -> Hashes {
    let phash = phash(luma);
    let (pdq, quality) = pdq(luma);
    Hashes {
        phash,
        pdq,
        quality,
    }
}

/// The hashes of `luma` in each of the eight orientations, [`Dihedral::ALL`]'s order.
pub fn hash_dihedral(luma: &GrayImage) -> [(Dihedral, Hashes); 8] {
    Dihedral::ALL.map(|d| (d, hash(&d.apply(luma))))
}

fn phash(luma: &GrayImage) -> u64 {
    // image_hasher resizes to 16x16 with the image crate's Lanczos filter, which cost
    // 18 ms from 512 px; from 32 px it is nothing. SIMD does the large step.
    let small = crate::prepare::resize_exact(luma, 32, 32);
    let luma = &small;
    let hasher = HasherConfig::new()
        .hash_size(8, 8)
        .hash_alg(HashAlg::Median)
        .preproc_dct()
        .to_hasher();
    let hash = hasher.hash_image(luma);
    let mut word = [0u8; 8];
    for (dst, src) in word.iter_mut().zip(hash.as_bytes()) {
        *dst = *src;
    }
    u64::from_be_bytes(word)
}

fn pdq(luma: &GrayImage) -> (Pdq, u8) {
    use pdqhash::image as image023;
    let (w, h) = luma.dimensions();
    let Some(buffer) = image023::GrayImage::from_raw(w, h, luma.as_raw().clone()) else {
        return (Pdq::default(), 0);
    };
    let (bytes, quality) =
        pdqhash::generate_pdq_full_size(&image023::DynamicImage::ImageLuma8(buffer));
    (
        Pdq::from_bytes(&bytes),
        (quality * 100.0).round().clamp(0.0, 100.0) as u8,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(w: u32, h: u32) -> GrayImage {
        // Shapes at different places, so each turn and mirror is a different picture.
        GrayImage::from_fn(w, h, |x, y| {
            let v = if x < w / 3 && y < h / 2 {
                220
            } else if (x as i64 - i64::from(w) * 2 / 3).pow(2)
                + (y as i64 - i64::from(h) * 2 / 3).pow(2)
                < i64::from(h * h / 16)
            {
                30
            } else {
                ((x * 7 + y * 3) % 90 + 80) as u8
            };
            image::Luma([v])
        })
    }

    #[test]
    fn pdq_bytes_and_hex_go_round() {
        let h = hash(&scene(200, 150));
        assert_eq!(Pdq::from_bytes(&h.pdq.to_bytes()), h.pdq);
        assert_eq!(h.pdq.to_hex().len(), 64);
        assert_eq!(h.pdq.distance(&h.pdq), 0);
    }

    #[test]
    fn each_orientation_of_a_query_finds_the_stored_turned_copy() {
        let base = scene(240, 160);
        let query = hash_dihedral(&base);
        for d in Dihedral::ALL {
            let stored = hash(&d.apply(&base));
            let (best, dist) = query
                .iter()
                .map(|(q, h)| (*q, h.pdq.distance(&stored.pdq)))
                .min_by_key(|(_, dist)| *dist)
                .unwrap();
            assert_eq!((best, dist), (d, 0), "{d:?}");
            // And the upright hash alone does not match it (the picture is not symmetric).
            if d != Dihedral::Upright {
                assert!(query[0].1.pdq.distance(&stored.pdq) > 64, "{d:?}");
            }
        }
    }
}
