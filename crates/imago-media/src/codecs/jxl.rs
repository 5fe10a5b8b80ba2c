//! JPEG XL through jxl-oxide's `image` decoder: turned by the codestream's orientation as
//! it renders, CMYK converted to sRGB, 16-bit and float pictures kept as such.

use std::io::Cursor;
use std::time::Duration;

use image::{DynamicImage, ImageDecoder};
use imago_core::Format;
use jxl_oxide::integration::JxlDecoder;

use super::{Frame, Picture};
use crate::process::decode::from_image;
use crate::{Limits, MediaError};

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Picture, MediaError> {
    let mut decoder = JxlDecoder::new(Cursor::new(bytes)).map_err(from_image)?;
    let (w, h) = decoder.dimensions();
    crate::inspect::check_area(w, h, limits)?;
    let mut bounds = image::Limits::default();
    bounds.max_alloc = Some(limits.decode_budget());
    decoder.set_limits(bounds).map_err(from_image)?;
    let icc = decoder.icc_profile().ok().flatten();
    let color = decoder.color_type();
    let bit_depth = (color.bits_per_pixel() / u16::from(color.channel_count().max(1))) as u8;
    let image = DynamicImage::from_decoder(decoder).map_err(from_image)?;
    Ok(Picture {
        format: Format::Jxl,
        frames: vec![Frame {
            image,
            delay: Duration::ZERO,
        }],
        frames_in_file: 1,
        icc,
        bit_depth,
    })
}
