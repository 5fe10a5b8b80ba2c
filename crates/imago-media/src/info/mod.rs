//! `imago info`: what a file is and what it tells about its owner, from headers and
//! metadata blocks, without decoding a pixel.
//!
//! EXIF fields (the GPS position, the orientation) are read by `kamadak-exif`, which finds
//! the EXIF block in JPEG, PNG, WebP, TIFF and HEIF/AVIF files; the colour profile's name
//! by `moxcms`; which blocks are present by the container walkers of `strip` (and libheif
//! for HEIC and AVIF items).

mod blocks;

use image::ImageDecoder;
use imago_core::Format;
use serde::Serialize;

use crate::process::decode::image_format;
use crate::{inspect_readable, Limits, MediaError};

/// A metadata block a file may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Block {
    Exif,
    Xmp,
    Iptc,
    Icc,
}

impl Block {
    pub fn as_str(self) -> &'static str {
        match self {
            Block::Exif => "EXIF",
            Block::Xmp => "XMP",
            Block::Iptc => "IPTC",
            Block::Icc => "ICC",
        }
    }
}

/// Where a photo was taken, in decimal degrees (south and west negative).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Gps {
    pub latitude: f64,
    pub longitude: f64,
}

/// What [`info`] found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Info {
    /// `jpeg`, `png`, `heif`, ...
    #[serde(serialize_with = "format_name")]
    pub format: Format,
    /// As shown: after the EXIF orientation (or `irot` for HEIC and AVIF).
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    /// Bits per sample as stored.
    pub bit_depth: u8,
    /// The EXIF orientation (1-8), when the file has one.
    pub orientation: Option<u8>,
    /// The embedded ICC profile's description ("Display P3", "sRGB IEC61966-2.1").
    pub color_profile: Option<String>,
    /// The metadata blocks present, in the order EXIF, XMP, IPTC, ICC.
    pub metadata: Vec<Block>,
    pub gps: Option<Gps>,
}

fn format_name<S: serde::Serializer>(f: &Format, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(f.as_str())
}

/// Reads what a file says about itself. The sides, area and frames are checked against
/// `limits` from headers, as before a decode, though nothing is decoded.
pub fn info(bytes: &[u8], limits: &Limits) -> Result<Info, MediaError> {
    let seen = inspect_readable(bytes, limits)?;
    let format = seen.image_format()?;
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok();
    let orientation = exif
        .as_ref()
        .and_then(|e| e.get_field(exif::Tag::Orientation, exif::In::PRIMARY))
        .and_then(|f| f.value.get_uint(0))
        .and_then(|o| u8::try_from(o).ok())
        .filter(|o| (1..=8).contains(o));
    let gps = exif.as_ref().and_then(gps);
    let found = blocks::present(format, bytes, limits)?;
    let mut metadata = found.blocks.clone();
    if exif.is_some() && !metadata.contains(&Block::Exif) {
        metadata.push(Block::Exif);
    }
    if found.icc.is_some() && !metadata.contains(&Block::Icc) {
        metadata.push(Block::Icc);
    }
    metadata.sort();
    metadata.dedup();
    // The header walk turns JPEGs by their EXIF and AVIF/HEIC by `irot`; PNG, WebP and
    // TIFF carry the orientation only in EXIF, read here.
    let (mut width, mut height) = found.shown.unwrap_or((seen.width, seen.height));
    let header_turned = matches!(format, Format::Jpeg | Format::Avif | Format::Heif);
    if !header_turned && matches!(orientation, Some(5..=8)) {
        std::mem::swap(&mut width, &mut height);
    }
    Ok(Info {
        format,
        width,
        height,
        frames: seen.frames,
        bit_depth: found.bit_depth,
        orientation,
        color_profile: found.icc.as_deref().and_then(profile_name),
        metadata,
        gps,
    })
}

/// Latitude and longitude from the GPS directory, when both are there and make sense.
fn gps(exif: &exif::Exif) -> Option<Gps> {
    let degrees = |tag, reference, negative: &str| -> Option<f64> {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Rational(parts) = &field.value else {
            return None;
        };
        let value = parts
            .iter()
            .zip([1.0, 60.0, 3600.0])
            .map(|(r, scale)| r.to_f64() / scale)
            .sum::<f64>();
        let sign = match exif.get_field(reference, exif::In::PRIMARY) {
            Some(f) if f.display_value().to_string().trim() == negative => -1.0,
            _ => 1.0,
        };
        Some(sign * value).filter(|v| v.is_finite())
    };
    let latitude = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, "S")?;
    let longitude = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, "W")?;
    ((-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude)).then_some(Gps {
        latitude,
        longitude,
    })
}

/// The description of an ICC profile, as colour-managed viewers name it.
fn profile_name(icc: &[u8]) -> Option<String> {
    use moxcms::ProfileText;
    let profile = moxcms::ColorProfile::new_from_slice(icc).ok()?;
    let text = match profile.description? {
        ProfileText::PlainString(s) => s,
        ProfileText::Localizable(all) => {
            let english = all.iter().find(|s| s.language == "en");
            english.or(all.first())?.value.clone()
        }
        ProfileText::Description(d) => d.ascii_string,
    };
    let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!text.is_empty()).then(|| text.to_string())
}

/// Bits per sample and the ICC profile of a format the `image` crate reads, from its
/// decoder's header (no pixel is decoded).
fn raster_header(format: Format, bytes: &[u8]) -> (u8, Option<Vec<u8>>) {
    if format == Format::Jxl {
        return match jxl_oxide::integration::JxlDecoder::new(std::io::Cursor::new(bytes)) {
            Ok(decoder) => header_of(decoder),
            Err(_) => (8, None),
        };
    }
    let Some(codec) = image_format(format) else {
        return (8, None);
    };
    let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), codec);
    match reader.into_decoder() {
        Ok(decoder) => header_of(decoder),
        Err(_) => (8, None),
    }
}

fn header_of(mut decoder: impl ImageDecoder) -> (u8, Option<Vec<u8>>) {
    let color = decoder.color_type();
    let depth = (color.bits_per_pixel() / u16::from(color.channel_count().max(1))) as u8;
    (depth, decoder.icc_profile().ok().flatten())
}
