//! WebP writing by libwebp (vendored by `libwebp-sys`): lossy or lossless, stills and
//! animations, with the ICC profile in an `ICCP` chunk (libwebp's simple encoder writes
//! none, so it is muxed in here).

use image::DynamicImage;
use webp::{AnimEncoder, AnimFrame, Encoder, WebPConfig};

use super::Frame;
use crate::container::webp::chunks;
use crate::MediaError;

/// VP8X flags.
const ICC_FLAG: u8 = 0x20;
const ALPHA_FLAG: u8 = 0x10;

fn config(quality: u8, lossless: bool) -> Result<WebPConfig, MediaError> {
    let mut c = WebPConfig::new().map_err(|()| MediaError::Encode("libwebp config".into()))?;
    c.lossless = i32::from(lossless);
    c.quality = f32::from(quality.min(100));
    // libwebp's default method (4): what cwebp and libvips use.
    c.method = 4;
    c.alpha_compression = i32::from(!lossless);
    // Several threads per image would only compete with the other files' workers.
    c.thread_level = 0;
    Ok(c)
}

/// One picture as WebP.
pub(crate) fn encode(
    image: &DynamicImage,
    quality: u8,
    lossless: bool,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    let (w, h) = (image.width(), image.height());
    let alpha = super::colour::has_transparency(image);
    let pixels;
    let encoder = if alpha {
        pixels = image.to_rgba8().into_raw();
        Encoder::from_rgba(&pixels, w, h)
    } else {
        pixels = image.to_rgb8().into_raw();
        Encoder::from_rgb(&pixels, w, h)
    };
    let out = encoder
        .encode_advanced(&config(quality, lossless)?)
        .map_err(|e| MediaError::Encode(format!("libwebp: {e:?}")))?;
    with_icc(out.to_vec(), (w, h), alpha, icc)
}

/// Every frame as an animated WebP that loops forever.
pub(crate) fn encode_animation(
    frames: &[Frame],
    quality: u8,
    lossless: bool,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    let first = &frames[0].image;
    let (w, h) = (first.width(), first.height());
    let cfg = config(quality, lossless)?;
    let pixels: Vec<Vec<u8>> = frames
        .iter()
        .map(|f| f.image.to_rgba8().into_raw())
        .collect();
    let mut encoder = AnimEncoder::new(w, h, &cfg);
    encoder.set_loop_count(0);
    let mut at_ms: i32 = 0;
    for (frame, rgba) in frames.iter().zip(&pixels) {
        encoder.add_frame(AnimFrame::from_rgba(rgba, w, h, at_ms));
        let delay = i32::try_from(frame.delay.as_millis()).unwrap_or(i32::MAX);
        at_ms = at_ms.saturating_add(delay.max(1));
    }
    let out = encoder
        .try_encode()
        .map_err(|e| MediaError::Encode(format!("libwebp animation: {e:?}")))?;
    with_icc(out.to_vec(), (w, h), true, icc)
}

/// `webp` with an `ICCP` chunk: a simple file becomes an extended one (a `VP8X` header
/// first), an extended one gets the flag and the chunk after its header.
fn with_icc(
    webp: Vec<u8>,
    (w, h): (u32, u32),
    alpha: bool,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    let Some(icc) = icc else {
        return Ok(webp);
    };
    let damaged = |e: String| MediaError::Encode(format!("libwebp wrote an unreadable file: {e}"));
    let mut body = b"WEBP".to_vec();
    let mut had_header = false;
    for chunk in chunks(&webp).map_err(damaged)? {
        let chunk = chunk.map_err(damaged)?;
        if &chunk.fourcc == b"VP8X" {
            had_header = true;
            let at = body.len();
            body.extend_from_slice(chunk.raw);
            body[at + 8] |= ICC_FLAG;
            push_chunk(&mut body, b"ICCP", icc)?;
        } else {
            if !had_header {
                had_header = true;
                let mut vp8x = vec![ICC_FLAG | if alpha { ALPHA_FLAG } else { 0 }, 0, 0, 0];
                vp8x.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
                vp8x.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
                push_chunk(&mut body, b"VP8X", &vp8x)?;
                push_chunk(&mut body, b"ICCP", icc)?;
            }
            body.extend_from_slice(chunk.raw);
        }
    }
    let mut out = b"RIFF".to_vec();
    let size =
        u32::try_from(body.len()).map_err(|_| MediaError::Encode("WebP over 4 GB".into()))?;
    out.extend_from_slice(&size.to_le_bytes());
    out.extend(body);
    Ok(out)
}

fn push_chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) -> Result<(), MediaError> {
    let len =
        u32::try_from(data.len()).map_err(|_| MediaError::Encode("chunk over 4 GB".into()))?;
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    Ok(())
}
