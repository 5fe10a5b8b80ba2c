//! JPEG writing by libjpeg-turbo, the library that reads JPEG here.

use crate::MediaError;

/// Opaque RGB pixels as a baseline JPEG at `quality`, 4:2:0 (each chroma sample the mean
/// of its 2x2 block); the ICC profile goes in as APP2 segments after the JFIF header (the
/// `turbojpeg` crate has no call for it).
pub(crate) fn encode(
    rgb: &[u8],
    (width, height): (u32, u32),
    quality: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    let fail = |e: turbojpeg::Error| MediaError::Encode(e.to_string());
    let side = |n: u32| {
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= 65_535)
            .ok_or_else(|| {
                MediaError::Encode(format!(
                    "{width}x{height} is larger than JPEG allows (65535 a side)"
                ))
            })
    };
    let (w, h) = (side(width)?, side(height)?);
    let mut compressor = turbojpeg::Compressor::new().map_err(fail)?;
    compressor
        .set_quality(i32::from(quality.clamp(1, 100)))
        .map_err(fail)?;
    compressor
        .set_subsamp(turbojpeg::Subsamp::Sub2x2)
        .map_err(fail)?;
    let jpeg = compressor
        .compress_to_vec(turbojpeg::Image {
            pixels: rgb,
            width: w,
            pitch: w * 3,
            height: h,
            format: turbojpeg::PixelFormat::RGB,
        })
        .map_err(fail)?;
    // A profile too large to carry only costs colour accuracy.
    Ok(match icc.and_then(crate::strip::jpeg_icc_segments) {
        Some(segments) => crate::strip::splice_after_header(&jpeg, &segments),
        None => jpeg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_than_jpeg_allows_is_an_error_not_a_panic() {
        let err = encode(&[0; 3], (70_000, 1), 85, None).unwrap_err();
        assert!(matches!(err, MediaError::Encode(_)), "{err:?}");
    }
}
