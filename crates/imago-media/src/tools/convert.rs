//! `imago convert` and `imago resize`: one pipeline, read (shrunk on load when a resize
//! allows) → resized → written.

use imago_core::Format;

use super::resize::{resample, target_size, ResizeOptions};
use crate::codecs::{read_inspected, write, Picture, ReadOptions, Target, WriteOptions};
use crate::{inspect_readable, Inspected, Limits, MediaError};

/// What to do with one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConvertOptions {
    /// The format to write; `None` keeps the file's when imago writes it (else JPEG, or
    /// PNG for a picture with transparency).
    pub to: Option<Target>,
    pub resize: Option<ResizeOptions>,
    pub write: WriteOptions,
}

/// A converted file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Converted {
    pub bytes: Vec<u8>,
    pub target: Target,
    pub width: u32,
    pub height: u32,
    pub frames: usize,
    /// Frames dropped, colours converted, transparency flattened, format chosen.
    pub notes: Vec<String>,
}

/// `bytes` read (its headers checked against `limits` first), resized and written as
/// `opts` say.
pub fn convert_image(
    bytes: &[u8],
    limits: &Limits,
    opts: &ConvertOptions,
) -> Result<Converted, MediaError> {
    convert_inspected(bytes, &inspect_readable(bytes, limits)?, limits, opts)
}

/// [`convert_image`] when the caller has inspected the bytes already.
pub fn convert_inspected(
    bytes: &[u8],
    seen: &Inspected,
    limits: &Limits,
    opts: &ConvertOptions,
) -> Result<Converted, MediaError> {
    let format = seen.image_format()?;
    let kept = opts.to.or_else(|| Target::parse(format.extension()));
    let all_frames = kept.is_none_or(Target::animates) && seen.frames > 1;
    // A JPEG is decoded at the smallest IDCT scale that still covers the output.
    let shrink_to = opts.resize.and_then(|r| {
        let (w, h) = target_size(seen.width, seen.height, &r);
        let scale = (f64::from(w) / f64::from(seen.width.max(1)))
            .max(f64::from(h) / f64::from(seen.height.max(1)));
        let longer = f64::from(seen.width.max(seen.height));
        (format == Format::Jpeg && scale < 1.0).then(|| (longer * scale).ceil() as u32)
    });
    let read = ReadOptions {
        all_frames,
        shrink_to,
    };
    let mut picture = read_inspected(bytes, seen, limits, &read)?;
    let mut notes = Vec::new();
    let target = match kept {
        Some(t) => t,
        None => {
            let t = if crate::codecs::has_transparency(picture.first()) {
                Target::Png
            } else {
                Target::Jpeg
            };
            notes.push(format!(
                "{} is not written here: written as {}",
                format.as_str().to_uppercase(),
                t.extension().to_uppercase()
            ));
            t
        }
    };
    if let Some(r) = &opts.resize {
        // The shown size from the header (a shrunk JPEG is smaller than it), else the
        // decoded one (libheif's crop can make it differ from the header's).
        let (w, h) = if shrink_to.is_some() {
            (seen.width, seen.height)
        } else {
            let first = picture.first();
            (first.width(), first.height())
        };
        let size = target_size(w, h, r);
        resize_frames(&mut picture, size)?;
    }
    let written = write(&picture, target, &opts.write)?;
    notes.extend(written.notes);
    Ok(Converted {
        bytes: written.bytes,
        target,
        width: written.width,
        height: written.height,
        frames: written.frames,
        notes,
    })
}

fn resize_frames(picture: &mut Picture, size: (u32, u32)) -> Result<(), MediaError> {
    for frame in &mut picture.frames {
        frame.image = resample(&frame.image, size)?;
    }
    Ok(())
}
