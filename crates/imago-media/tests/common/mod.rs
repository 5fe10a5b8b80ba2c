//! Fixtures made on the spot, and the shared test images.
#![allow(dead_code)]

use image::{ImageFormat, Rgb, RgbImage};
use std::io::Cursor;
use std::path::PathBuf;

/// `shared/images/` beside the repository (set `IMAGO_SHARED` to point elsewhere).
pub fn shared_images() -> PathBuf {
    let base = std::env::var_os("IMAGO_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = base.join("images");
    assert!(dir.is_dir(), "test images not found at {}", dir.display());
    dir
}

/// Every file of `shared/images/<folder>/`, sorted, with its name.
pub fn shared_files(folder: &str) -> Vec<(String, Vec<u8>)> {
    let dir = shared_images().join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

pub fn encode(img: &image::DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

pub const RED: Rgb<u8> = Rgb([220, 20, 20]);
pub const BLUE: Rgb<u8> = Rgb([20, 20, 220]);

/// `width` x `height`, left half red, right half blue (halves on 16-pixel boundaries
/// when the width allows, so JPEG blocks do not blur the line).
pub fn two_colour(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| if x < width / 2 { RED } else { BLUE })
}

/// A colour is "near" another when every channel is within 40 (JPEG at quality 75-90).
pub fn near(a: Rgb<u8>, b: Rgb<u8>) -> bool {
    a.0.iter().zip(b.0).all(|(x, y)| x.abs_diff(y) <= 40)
}

/// A little-endian TIFF block (EXIF body after `Exif\0\0`): IFD0 with Orientation and a
/// GPS pointer; the GPS IFD with latitude N 48/1, 51/1, 30/1 and longitude W 2/1, 17/1,
/// 40/1 (48.858333, -2.294444 in decimal degrees).
pub fn exif_tiff(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II*\0");
    t.extend_from_slice(&8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    // IFD0 at 8: two entries (30 bytes), then the GPS IFD at 38: four entries (54
    // bytes), then the latitude's three rationals at 92 and the longitude's at 116.
    t.extend_from_slice(&2u16.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 38);
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 92u32.to_le_bytes());
    entry(&mut t, 0x0003, 2, 2, *b"W\0\0\0");
    entry(&mut t, 0x0004, 5, 3, 116u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len(), 92);
    for v in [48u32, 51, 30, 2, 17, 40] {
        t.extend_from_slice(&v.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
    }
    t
}

/// `jpeg` with an APP1 EXIF segment (see [`exif_tiff`]) right after its start marker.
pub fn jpeg_with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut body = b"Exif\0\0".to_vec();
    body.extend_from_slice(&exif_tiff(orientation));
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The GPS fields an EXIF reader finds in a file (JPEG, PNG, WebP), or none.
pub fn gps_fields(bytes: &[u8]) -> Vec<String> {
    match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(found) => found
            .fields()
            .filter(|f| f.ifd_num == exif::In::PRIMARY && f.tag.context() == exif::Context::Gps)
            .map(|f| f.tag.to_string())
            .collect(),
        Err(exif::Error::NotFound(_)) => Vec::new(),
        // A HEIF EXIF item blanked in place: the item is there, its TIFF header zeros.
        Err(exif::Error::InvalidFormat("Invalid TIFF byte order")) => Vec::new(),
        Err(e) => panic!("EXIF reader: {e}"),
    }
}

/// A PNG chunk with its CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32(kind);
    crc = crc32_continue(crc, data);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    crc32_continue(0, data)
}

/// CRC-32 (IEEE), as PNG uses it; `prev` is the CRC of the bytes before.
fn crc32_continue(prev: u32, data: &[u8]) -> u32 {
    let mut c = !prev;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// The chunk types of a PNG, in order.
pub fn png_chunk_types(png: &[u8]) -> Vec<String> {
    let mut off = 8;
    let mut out = Vec::new();
    while off + 8 <= png.len() {
        let len = u32::from_be_bytes(png[off..off + 4].try_into().unwrap()) as usize;
        out.push(String::from_utf8_lossy(&png[off + 4..off + 8]).into_owned());
        off += 12 + len;
    }
    out
}

/// The chunk fourccs of a WebP, in order.
pub fn webp_chunk_types(webp: &[u8]) -> Vec<String> {
    let mut off = 12;
    let mut out = Vec::new();
    while off + 8 <= webp.len() {
        let len = u32::from_le_bytes(webp[off + 4..off + 8].try_into().unwrap()) as usize;
        out.push(String::from_utf8_lossy(&webp[off..off + 4]).into_owned());
        off += 8 + len + (len & 1);
    }
    out
}

/// `img` written by libheif as HEIC (HEVC by x265) or AVIF (AV1 by aom) at quality 90,
/// with `orientation` (EXIF's 1-8) as the container's `irot`/`imir`, and `exif` (a TIFF
/// block) as an EXIF item when given.
pub fn heif_fixture(img: &RgbImage, av1: bool, orientation: u8, exif: Option<&[u8]>) -> Vec<u8> {
    use libheif_rs::{
        Channel, ColorSpace, CompressionFormat, EncoderQuality, EncodingOptions, HeifContext,
        Image, ImageOrientation, LibHeif, RgbChroma,
    };
    let (w, h) = img.dimensions();
    let mut pixels = Image::new(w, h, ColorSpace::Rgb(RgbChroma::Rgb)).unwrap();
    pixels.create_plane(Channel::Interleaved, w, h, 8).unwrap();
    {
        let planes = pixels.planes_mut();
        let plane = planes.interleaved.unwrap();
        let row = w as usize * 3;
        for (y, line) in img.as_raw().chunks(row).enumerate() {
            plane.data[y * plane.stride..y * plane.stride + row].copy_from_slice(line);
        }
    }
    let lib = LibHeif::new();
    let codec = if av1 {
        CompressionFormat::Av1
    } else {
        CompressionFormat::Hevc
    };
    let mut encoder = lib.encoder_for_format(codec).unwrap();
    encoder.set_quality(EncoderQuality::Lossy(90)).unwrap();
    let mut opts = EncodingOptions::new().unwrap();
    opts.set_image_orientation(ImageOrientation::n(orientation).unwrap());
    let mut ctx = HeifContext::new().unwrap();
    let handle = ctx.encode_image(&pixels, &mut encoder, Some(opts)).unwrap();
    if let Some(exif) = exif {
        ctx.add_exif_metadata(&handle, exif).unwrap();
    }
    ctx.write_to_bytes().unwrap()
}

/// 64 x 32 (or any size), four quadrants of clearly different colours, so every turn and
/// mirror gives a different picture.
pub fn quadrants(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        match (x < width / 2, y < height / 2) {
            (true, true) => Rgb([220, 20, 20]),
            (false, true) => Rgb([20, 220, 20]),
            (true, false) => Rgb([20, 20, 220]),
            (false, false) => Rgb([230, 230, 30]),
        }
    })
}

/// The colours at the centres of the four quadrants of `img`, top left, top right,
/// bottom left, bottom right.
pub fn quadrant_colours(img: &RgbImage) -> [Rgb<u8>; 4] {
    let (w, h) = img.dimensions();
    let at = |x, y| *img.get_pixel(x, y);
    [
        at(w / 4, h / 4),
        at(3 * w / 4, h / 4),
        at(w / 4, 3 * h / 4),
        at(3 * w / 4, 3 * h / 4),
    ]
}

/// `webp` (a simple lossy or lossless file of `width` x `height`) rebuilt as an extended
/// WebP with a `VP8X` header announcing EXIF, and an `EXIF` chunk holding `tiff`.
pub fn webp_with_exif(webp: &[u8], width: u32, height: u32, tiff: &[u8]) -> Vec<u8> {
    let chunk = webp_chunk;
    let mut vp8x = vec![0x08, 0, 0, 0];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &vp8x));
    body.extend_from_slice(&webp[12..]);
    body.extend(chunk(b"EXIF", tiff));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    out.extend(body);
    out
}

/// `png` with an `eXIf` chunk holding `tiff`, right after `IHDR`.
pub fn png_with_exif(png: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut with = png[..33].to_vec();
    with.extend(png_chunk(b"eXIf", tiff));
    with.extend_from_slice(&png[33..]);
    with
}

/// The 64 x 32 quadrants picture in JPEG, PNG, WebP, HEIC and AVIF, each with an EXIF
/// block of orientation `o` and the GPS position of [`exif_tiff`] (for JPEG, PNG and
/// WebP in the EXIF; for HEIC and AVIF an EXIF item, the turn in `irot`/`imir`).
pub fn gps_tagged(o: u8) -> Vec<(&'static str, Vec<u8>, imago_core::Format)> {
    use image::DynamicImage;
    use imago_core::Format;
    let stored = quadrants(64, 32);
    let img = DynamicImage::ImageRgb8(stored.clone());
    let tiff = exif_tiff(o.into());
    vec![
        (
            "JPEG",
            jpeg_with_exif(&encode(&img, ImageFormat::Jpeg), o.into()),
            Format::Jpeg,
        ),
        (
            "PNG",
            png_with_exif(&encode(&img, ImageFormat::Png), &tiff),
            Format::Png,
        ),
        (
            "WebP",
            webp_with_exif(&encode(&img, ImageFormat::WebP), 64, 32, &tiff),
            Format::Webp,
        ),
        (
            "HEIC",
            heif_fixture(&stored, false, o, Some(&tiff)),
            Format::Heif,
        ),
        (
            "AVIF",
            heif_fixture(&stored, true, o, Some(&tiff)),
            Format::Avif,
        ),
    ]
}

/// A WebP chunk: fourcc, little-endian size, data, a pad byte to an even length.
pub fn webp_chunk(fourcc: &[u8], data: &[u8]) -> Vec<u8> {
    let mut c = fourcc.to_vec();
    c.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}
