//! `imago grab --convert FORMAT --max N --strip`: the engine's per-file step, done by
//! imago-media (the engine declares the trait; this binary plugs the pixels in).

use imago_core::ImageInfo;
use imago_engine::grab::{Transform, Transformed};
use imago_media::codecs::{Target, WriteOptions};
use imago_media::tools::{
    convert_inspected, strip_inspected, ConvertOptions, Fit, ResizeOptions, Size, StripOptions,
};
use imago_media::{inspect_readable, Limits, MediaError};

#[derive(Debug)]
pub struct ImageStep {
    /// The format to write; a file already in it is not written again unless resized.
    pub convert: Option<Target>,
    pub max: Option<u32>,
    pub strip: bool,
    pub write: WriteOptions,
    pub limits: Limits,
    /// What the tools do not read (SVG, an unknown type): kept as downloaded, said in a
    /// note (grab), or refused (the desktop helper, whose user asked for a format).
    pub keep_unreadable: bool,
}

impl Transform for ImageStep {
    fn apply(&self, bytes: &[u8]) -> Result<Transformed, String> {
        match self.run(bytes) {
            Ok(done) => Ok(done),
            Err(e @ (MediaError::Unsupported(_) | MediaError::SvgRefused))
                if self.keep_unreadable =>
            {
                let info = match imago_core::probe::probe(bytes, true) {
                    imago_core::probe::Probe::Known(info) => info,
                    _ => return Err(e.to_string()),
                };
                Ok(Transformed {
                    bytes: bytes.to_vec(),
                    info,
                    note: Some(format!("kept as downloaded: {e}")),
                })
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

impl ImageStep {
    fn run(&self, bytes: &[u8]) -> Result<Transformed, MediaError> {
        let seen = inspect_readable(bytes, &self.limits)?;
        let format = seen.image_format()?;
        let small = self.max.is_none_or(|m| seen.width <= m && seen.height <= m);
        let convert = self
            .convert
            .filter(|to| Target::parse(format.extension()) != Some(*to));
        if convert.is_none() && small {
            // Nothing to re-encode: stripped (losslessly) or kept.
            if !self.strip {
                return Ok(Transformed {
                    bytes: bytes.to_vec(),
                    info: info(format, seen.width, seen.height),
                    note: None,
                });
            }
            let s = strip_inspected(bytes, &seen, &self.limits, &StripOptions { keep_icc: true })?;
            return Ok(Transformed {
                info: info(s.format, s.width, s.height),
                note: s
                    .reencoded
                    .then(|| "turned upright by its EXIF orientation and written again".into()),
                bytes: s.bytes,
            });
        }
        let opts = ConvertOptions {
            to: convert,
            resize: self.max.map(|m| ResizeOptions {
                size: Size::Max(m),
                fit: Fit::Contain,
                upscale: false,
            }),
            write: self.write,
        };
        let c = convert_inspected(bytes, &seen, &self.limits, &opts)?;
        Ok(Transformed {
            info: info(c.target.format(), c.width, c.height),
            note: (!c.notes.is_empty()).then(|| c.notes.join("; ")),
            bytes: c.bytes,
        })
    }
}

fn info(format: imago_core::Format, width: u32, height: u32) -> ImageInfo {
    ImageInfo {
        format,
        width,
        height,
        orientation: None,
    }
}
