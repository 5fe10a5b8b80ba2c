//! GIF writing by the `gif` crate through `image` (colours reduced to 256 a frame by
//! NeuQuant), stills and animations that loop forever.

use image::codecs::gif::{GifEncoder, Repeat};
use image::Delay;

use super::Frame;
use crate::MediaError;

/// `frames` as a GIF (one frame: a still image).
pub(crate) fn encode(frames: &[Frame]) -> Result<Vec<u8>, MediaError> {
    let fail = |e: image::ImageError| MediaError::Encode(format!("GIF: {e}"));
    let mut out = Vec::new();
    {
        // Speed 10 of 1-30: the `gif` crate's default balance of colours and time.
        let mut encoder = GifEncoder::new_with_speed(&mut out, 10);
        if frames.len() > 1 {
            encoder.set_repeat(Repeat::Infinite).map_err(fail)?;
        }
        for frame in frames {
            let delay = Delay::from_saturating_duration(frame.delay);
            let rgba = frame.image.to_rgba8();
            encoder
                .encode_frame(image::Frame::from_parts(rgba, 0, 0, delay))
                .map_err(fail)?;
        }
    }
    Ok(out)
}
