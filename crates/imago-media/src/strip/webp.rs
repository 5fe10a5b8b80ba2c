use super::Icc;
use crate::container::webp::chunks;

/// VP8X flag bits that announce the dropped chunks.
const ICC_FLAG: u8 = 0x20;
const EXIF_FLAG: u8 = 0x08;
const XMP_FLAG: u8 = 0x04;

pub(super) fn strip(b: &[u8], icc: Icc) -> Result<Vec<u8>, String> {
    let dropped = match icc {
        Icc::Keep => EXIF_FLAG | XMP_FLAG,
        Icc::Drop => ICC_FLAG | EXIF_FLAG | XMP_FLAG,
    };
    let walk = chunks(b)?;
    let mut out = Vec::with_capacity(b.len());
    // `chunks` checked the 12-byte RIFF header.
    out.extend_from_slice(b.get(..12).unwrap_or_default());
    for chunk in walk {
        let chunk = chunk?;
        match &chunk.fourcc {
            b"EXIF" | b"XMP " => {}
            b"ICCP" if icc == Icc::Drop => {}
            b"VP8X" => {
                let at = out.len();
                out.extend_from_slice(chunk.raw);
                // Flags are the first byte of the data, after the 8-byte chunk header.
                if let Some(flags) = out.get_mut(at + 8) {
                    *flags &= !dropped;
                }
            }
            _ => out.extend_from_slice(chunk.raw),
        }
    }
    let riff = u32::try_from(out.len() - 8).map_err(|_| "WebP too large".to_string())?;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Ok(out)
}
