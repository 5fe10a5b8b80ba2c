//! BMP, TIFF, ICO/CUR, GIF, WebP and PNG cases the shared files miss, built from each
//! format's header layout.

use imago_core::probe::{probe, sniff, Probe};
use imago_core::{Format, ImageInfo};

fn known(format: Format, width: u32, height: u32, orientation: Option<u8>) -> Probe {
    Probe::Known(ImageInfo {
        format,
        width,
        height,
        orientation,
    })
}

fn refused(bytes: &[u8], fragment: &str) {
    match probe(bytes, true) {
        Probe::NotImage(why) => assert!(why.contains(fragment), "{why}"),
        other => panic!("expected a refusal with {fragment:?}, got {other:?}"),
    }
}

/// BMP file header + BITMAPINFOHEADER (40 bytes) with the given signed sizes.
fn bmp_info(width: i32, height: i32) -> Vec<u8> {
    let mut b = b"BM".to_vec();
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&54u32.to_le_bytes());
    b.extend_from_slice(&40u32.to_le_bytes());
    b.extend_from_slice(&width.to_le_bytes());
    b.extend_from_slice(&height.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&24u16.to_le_bytes());
    b.extend_from_slice(&[0; 24]);
    b
}

#[test]
fn a_top_down_bmp_reports_its_height_as_a_positive_number() {
    assert_eq!(
        probe(&bmp_info(200, -300), true),
        known(Format::Bmp, 200, 300, None)
    );
    assert_eq!(
        probe(&bmp_info(200, 300), true),
        known(Format::Bmp, 200, 300, None)
    );
    // i32::MIN has no positive i32: it must not overflow.
    assert_eq!(
        probe(&bmp_info(1, i32::MIN), true),
        known(Format::Bmp, 1, 1 << 31, None)
    );
    refused(&bmp_info(-5, 10), "width");
    refused(&bmp_info(5, 0), "0");
}

#[test]
fn an_os2_core_header_bmp_has_16_bit_sizes() {
    let mut b = b"BM".to_vec();
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&26u32.to_le_bytes());
    b.extend_from_slice(&12u32.to_le_bytes());
    b.extend_from_slice(&640u16.to_le_bytes());
    b.extend_from_slice(&480u16.to_le_bytes());
    b.extend_from_slice(&[1, 0, 24, 0]);
    assert_eq!(probe(&b, true), known(Format::Bmp, 640, 480, None));
}

#[test]
fn text_starting_with_bm_is_not_a_bmp() {
    let text = b"BMW parts catalogue, page 1 of 12, all models";
    assert_eq!(sniff(text), None);
    refused(text, "unknown format");
}

/// A TIFF with IFD0 at `ifd_at` holding the given (tag, type, value) entries.
fn tiff(big_endian: bool, ifd_at: u32, entries: &[(u16, u16, u32)]) -> Vec<u8> {
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut b = if big_endian {
        b"MM".to_vec()
    } else {
        b"II".to_vec()
    };
    b.extend_from_slice(&u16b(42));
    b.extend_from_slice(&u32b(ifd_at));
    b.resize(ifd_at as usize, 0);
    b.extend_from_slice(&u16b(entries.len() as u16));
    for &(tag, ty, value) in entries {
        b.extend_from_slice(&u16b(tag));
        b.extend_from_slice(&u16b(ty));
        b.extend_from_slice(&u32b(1));
        // A SHORT sits in the first two bytes of the value field, in file byte order.
        if ty == 3 {
            b.extend_from_slice(&u16b(value as u16));
            b.extend_from_slice(&[0, 0]);
        } else {
            b.extend_from_slice(&u32b(value));
        }
    }
    b.extend_from_slice(&u32b(0));
    b
}

#[test]
fn tiff_sizes_and_orientation_are_read_in_both_byte_orders() {
    // Width as SHORT, height as LONG, orientation 6 (rotate 90 clockwise): 3000 stored
    // wide, 2000 high, shown 2000 wide and 3000 high.
    let entries = [(256, 3, 3000), (257, 4, 2000), (274, 3, 6)];
    for big_endian in [true, false] {
        let b = tiff(big_endian, 8, &entries);
        assert_eq!(sniff(&b), Some(Format::Tiff));
        assert_eq!(probe(&b, true), known(Format::Tiff, 2000, 3000, Some(6)));
    }
    let plain = tiff(true, 8, &[(256, 4, 70_000), (257, 3, 5)]);
    assert_eq!(probe(&plain, true), known(Format::Tiff, 70_000, 5, None));
}

#[test]
fn a_tiff_directory_past_the_prefix_is_asked_for_whole() {
    // IFD0 at 5000 with 3 entries: 2 + 36 bytes from there.
    let b = tiff(false, 5000, &[(256, 3, 10), (257, 3, 20), (274, 3, 1)]);
    assert_eq!(probe(&b[..100], false), Probe::NeedMore(5002));
    assert_eq!(probe(&b[..5002], false), Probe::NeedMore(5000 + 2 + 36));
    assert_eq!(
        probe(&b[..5038], false),
        known(Format::Tiff, 10, 20, Some(1))
    );
}

#[test]
fn a_tiff_directory_pointing_into_the_header_or_missing_sizes_is_refused() {
    for at in [0, 4, 7] {
        let mut b = tiff(false, 8, &[(256, 3, 10), (257, 3, 20)]);
        b[4..8].copy_from_slice(&(at as u32).to_le_bytes());
        refused(&b, "first directory at offset");
    }
    refused(
        &tiff(true, 8, &[(256, 3, 10)]),
        "no ImageWidth or ImageLength",
    );
}

#[test]
fn a_bigtiff_is_read_with_its_wide_entries() {
    // "II", 43, offset size 8, 0, IFD at 16; count (8 bytes); entries of 20 bytes.
    let mut b = b"II".to_vec();
    b.extend_from_slice(&43u16.to_le_bytes());
    b.extend_from_slice(&8u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&16u64.to_le_bytes());
    b.extend_from_slice(&2u64.to_le_bytes());
    for (tag, ty, value) in [(256u16, 16u16, 100_000u64), (257, 4, 80_000)] {
        b.extend_from_slice(&tag.to_le_bytes());
        b.extend_from_slice(&ty.to_le_bytes());
        b.extend_from_slice(&1u64.to_le_bytes());
        b.extend_from_slice(&value.to_le_bytes());
    }
    b.extend_from_slice(&0u64.to_le_bytes());
    assert_eq!(probe(&b, true), known(Format::Tiff, 100_000, 80_000, None));
}

/// An ICO (type 1) or CUR (type 2) directory; each entry (width byte, height byte,
/// offset, data).
fn ico(kind: u16, entries: &[(u8, u8, Vec<u8>)]) -> Vec<u8> {
    let mut b = vec![0, 0];
    b.extend_from_slice(&kind.to_le_bytes());
    b.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    let mut offset = 6 + 16 * entries.len();
    let mut data = Vec::new();
    for (w, h, bytes) in entries {
        b.extend_from_slice(&[*w, *h, 0, 0, 1, 0, 32, 0]);
        b.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        b.extend_from_slice(&(offset as u32).to_le_bytes());
        offset += bytes.len();
        data.extend_from_slice(bytes);
    }
    b.extend_from_slice(&data);
    b
}

/// A PNG signature and IHDR with a correct CRC (computed by flate2's crc32, an
/// independent implementation).
fn png_head(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(&13u32.to_be_bytes());
    b.extend_from_slice(&ihdr);
    b.extend_from_slice(&crc.sum().to_be_bytes());
    b
}

#[test]
fn an_icon_reports_its_largest_entry_and_reads_a_png_entry_behind_a_256() {
    let bmp_data = vec![0x28; 40];
    let small = ico(
        1,
        &[
            (16, 16, bmp_data.clone()),
            (48, 32, bmp_data.clone()),
            (32, 32, bmp_data.clone()),
        ],
    );
    assert_eq!(probe(&small, true), known(Format::Ico, 48, 32, None));

    // A 0x0 entry means 256; a PNG stored there may be bigger, and its IHDR says so.
    let big = ico(2, &[(32, 32, bmp_data.clone()), (0, 0, png_head(512, 512))]);
    assert_eq!(probe(&big, true), known(Format::Ico, 512, 512, None));
    // The PNG is the last thing in the file: the prefix must reach its IHDR.
    let png_at = big.len() - png_head(512, 512).len();
    assert_eq!(
        probe(&big[..png_at + 10], false),
        Probe::NeedMore(png_at + 33)
    );

    // A 256 BMP entry is 256.
    let bmp256 = ico(1, &[(0, 0, bmp_data)]);
    assert_eq!(probe(&bmp256, true), known(Format::Ico, 256, 256, None));
}

#[test]
fn an_icon_with_no_entries_or_data_inside_its_directory_is_refused() {
    let empty = [0u8, 0, 1, 0, 0, 0];
    assert_eq!(sniff(&empty), None);
    let mut inside = ico(1, &[(0, 0, png_head(300, 300))]);
    inside[18..22].copy_from_slice(&6u32.to_le_bytes());
    refused(&inside, "inside the directory");
}

#[test]
fn a_gif_with_a_zero_screen_takes_its_first_frames_extent() {
    // Screen 0x0 with a 2-entry global table, a graphic control extension, then a frame
    // at (5, 7) of 100x50.
    let mut b = b"GIF89a".to_vec();
    b.extend_from_slice(&[0, 0, 0, 0, 0x80, 0, 0]);
    b.extend_from_slice(&[0; 6]);
    b.extend_from_slice(&[0x21, 0xF9, 4, 0, 0, 0, 0, 0]);
    b.push(0x2C);
    for v in [5u16, 7, 100, 50] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&[0, 2, 0, 0x3B]);
    assert_eq!(probe(&b, true), known(Format::Gif, 105, 57, None));
    // Cut inside the extension: ask for more, or call it truncated.
    assert!(matches!(probe(&b[..22], false), Probe::NeedMore(n) if n > 22));
    refused(&b[..22], "truncated");
}

fn riff(chunk: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = b"RIFF".to_vec();
    b.extend_from_slice(&((4 + 8 + body.len()) as u32).to_le_bytes());
    b.extend_from_slice(b"WEBP");
    b.extend_from_slice(chunk);
    b.extend_from_slice(&(body.len() as u32).to_le_bytes());
    b.extend_from_slice(body);
    b
}

#[test]
fn webp_lossy_lossless_and_extended_headers() {
    // VP8: frame tag, start code, 14-bit sizes whose top two bits are a scale (set here).
    let mut vp8 = vec![0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A];
    vp8.extend_from_slice(&(1000u16 | 0xC000).to_le_bytes());
    vp8.extend_from_slice(&(750u16 | 0x4000).to_le_bytes());
    assert_eq!(
        probe(&riff(b"VP8 ", &vp8), true),
        known(Format::Webp, 1000, 750, None)
    );

    // VP8L: 0x2F, then width-1 in bits 0-13 and height-1 in bits 14-27.
    let bits: u32 = (16_383 - 1) | ((300 - 1) << 14);
    let mut vp8l = vec![0x2F];
    vp8l.extend_from_slice(&bits.to_le_bytes());
    assert_eq!(
        probe(&riff(b"VP8L", &vp8l), true),
        known(Format::Webp, 16_383, 300, None)
    );

    // VP8X: the largest canvas, 2^24 on each side.
    let vp8x = [0x10, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    assert_eq!(
        probe(&riff(b"VP8X", &vp8x), true),
        known(Format::Webp, 1 << 24, 1 << 24, None)
    );

    refused(
        &riff(b"VP8 ", &[0x30, 1, 0, 0, 0, 0, 10, 0, 10, 0]),
        "start code",
    );
    refused(&riff(b"ALPH", &[0; 10]), "first chunk");
}

#[test]
fn an_apng_is_a_png() {
    let mut b = png_head(400, 300);
    // acTL (animation control) right after IHDR: the size is still IHDR's.
    b.extend_from_slice(&8u32.to_be_bytes());
    b.extend_from_slice(b"acTL");
    b.extend_from_slice(&[0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(probe(&b, true), known(Format::Png, 400, 300, None));
}

#[test]
fn a_png_whose_first_chunk_is_not_ihdr_is_refused() {
    let mut b = png_head(10, 10);
    b[12..16].copy_from_slice(b"IDAT");
    refused(&b, "IHDR");
}
