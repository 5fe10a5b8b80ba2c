//! JPEG cases the shared files miss, built byte by byte from the JPEG (T.81) and EXIF
//! (TIFF 6.0) layouts.

use imago_core::probe::{probe, Probe};
use imago_core::{Format, ImageInfo};

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 2).expect("segment fits 64 KB");
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// A frame header: precision 8, height, width, three components.
fn frame(marker: u8, width: u16, height: u16) -> Vec<u8> {
    let mut body = vec![8];
    body.extend_from_slice(&height.to_be_bytes());
    body.extend_from_slice(&width.to_be_bytes());
    body.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    segment(marker, &body)
}

/// An APP1 EXIF body whose IFD0 holds one Orientation entry (tag 274, SHORT, count 1).
fn exif(big_endian: bool, orientation: u16) -> Vec<u8> {
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
    let mut tiff = Vec::new();
    tiff.extend_from_slice(if big_endian { b"MM" } else { b"II" });
    tiff.extend_from_slice(&u16b(42));
    tiff.extend_from_slice(&u32b(8));
    tiff.extend_from_slice(&u16b(1));
    tiff.extend_from_slice(&u16b(274));
    tiff.extend_from_slice(&u16b(3));
    tiff.extend_from_slice(&u32b(1));
    tiff.extend_from_slice(&u16b(orientation));
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&u32b(0));
    let mut body = b"Exif\0\0".to_vec();
    body.extend_from_slice(&tiff);
    body
}

/// SOI, the given segments, a scan and EOI.
fn jpeg(segments: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    out.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
    out
}

fn jfif() -> Vec<u8> {
    segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
}

fn known(width: u32, height: u32, orientation: Option<u8>) -> Probe {
    Probe::Known(ImageInfo {
        format: Format::Jpeg,
        width,
        height,
        orientation,
    })
}

#[test]
fn a_big_exif_and_icc_before_the_frame_grow_the_range_segment_by_segment() {
    // APP1: EXIF orientation 6 plus 60,000 bytes of padding (a thumbnail's worth);
    // APP2: a 50,000-byte ICC profile; then SOF0 4000 wide, 3000 high.
    let mut app1 = exif(false, 6);
    app1.resize(60_000, 0);
    let app2 = [b"ICC_PROFILE\0\x01\x01".as_slice(), &[7; 50_000 - 14]].concat();
    let file = jpeg(&[
        segment(0xE1, &app1),
        segment(0xE2, &app2),
        frame(0xC0, 4000, 3000),
    ]);

    // SOI (2) + APP1 marker and length (4) + body: where APP2 starts.
    let app2_at = 2 + 4 + app1.len();
    let sof_at = app2_at + 4 + app2.len();
    // The first 4 KB end inside APP1: ask for all of it and the next marker's first
    // 9 bytes (marker, length, precision, height, width), enough for a frame header.
    assert_eq!(probe(&file[..4096], false), Probe::NeedMore(app2_at + 9));
    // With that, APP2 is the one running past the end.
    assert_eq!(
        probe(&file[..app2_at + 9], false),
        Probe::NeedMore(sof_at + 9)
    );
    // Orientation 6 turns the 4000x3000 stored picture into a 3000x4000 one.
    assert_eq!(
        probe(&file[..sof_at + 9], false),
        known(3000, 4000, Some(6))
    );
    assert_eq!(probe(&file, true), known(3000, 4000, Some(6)));
}

#[test]
fn the_exif_orientation_is_read_in_both_byte_orders() {
    for big_endian in [false, true] {
        for orientation in 1..=8u8 {
            let file = jpeg(&[
                jfif(),
                segment(0xE1, &exif(big_endian, orientation.into())),
                frame(0xC0, 640, 480),
            ]);
            // 5-8 include a quarter turn: displayed width and height swap.
            let want = if orientation >= 5 {
                known(480, 640, Some(orientation))
            } else {
                known(640, 480, Some(orientation))
            };
            assert_eq!(
                probe(&file, true),
                want,
                "big-endian {big_endian}, {orientation}"
            );
        }
    }
}

#[test]
fn an_orientation_out_of_range_or_a_broken_exif_is_no_orientation() {
    let file = jpeg(&[segment(0xE1, &exif(false, 9)), frame(0xC0, 640, 480)]);
    assert_eq!(probe(&file, true), known(640, 480, None));

    // IFD0 offset pointing past the segment, then pointing back into the header.
    for offset in [0xFFFF_FF00u32, 2] {
        let mut body = exif(false, 6);
        body[10..14].copy_from_slice(&offset.to_le_bytes());
        let file = jpeg(&[segment(0xE1, &body), frame(0xC0, 640, 480)]);
        assert_eq!(probe(&file, true), known(640, 480, None), "IFD at {offset}");
    }

    // An IFD claiming 65535 entries inside a 30-byte segment.
    let mut body = exif(true, 6);
    body[14..16].copy_from_slice(&[0xFF, 0xFF]);
    let file = jpeg(&[segment(0xE1, &body), frame(0xC0, 640, 480)]);
    assert_eq!(probe(&file, true), known(640, 480, None));
}

#[test]
fn every_frame_header_kind_is_read_and_the_look_alike_markers_are_skipped() {
    // SOF0-3, 5-7, 9-11, 13-15: baseline, extended, progressive, lossless, hierarchical,
    // arithmetic.
    for marker in [
        0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF,
    ] {
        let file = jpeg(&[jfif(), frame(marker, 1024, 768)]);
        assert_eq!(
            probe(&file, true),
            known(1024, 768, None),
            "SOF {marker:#x}"
        );
    }
    // DHT (C4), JPG (C8) and DAC (CC) sit in the SOF range but are tables: a DHT whose
    // bytes look like a 9x9 frame must be skipped, not read.
    for marker in [0xC4, 0xC8, 0xCC] {
        let fake = segment(marker, &[8, 0, 9, 0, 9, 1, 1, 0x11, 0]);
        let file = jpeg(&[fake, frame(0xC2, 1024, 768)]);
        assert_eq!(probe(&file, true), known(1024, 768, None), "{marker:#x}");
    }
}

#[test]
fn fill_bytes_and_standalone_markers_are_stepped_over() {
    let mut file = vec![0xFF, 0xD8];
    file.extend_from_slice(&jfif());
    // Fill bytes before a marker, then RST3 and TEM (no length), then more fill.
    file.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xD3, 0xFF, 0x01, 0xFF, 0xFF]);
    file.extend_from_slice(&frame(0xC0, 300, 200)[1..]);
    assert_eq!(probe(&file, true), known(300, 200, None));
}

#[test]
fn zero_and_short_segment_lengths_are_refused_without_looping() {
    for len in [[0u8, 0], [0, 1]] {
        let mut file = vec![0xFF, 0xD8, 0xFF, 0xE0];
        file.extend_from_slice(&len);
        file.extend_from_slice(&frame(0xC0, 10, 10));
        assert!(
            matches!(probe(&file, true), Probe::NotImage(ref why) if why.contains("length")),
            "{len:?}: {:?}",
            probe(&file, true)
        );
    }
}

#[test]
fn a_jpeg_without_a_frame_header_is_refused() {
    let eoi_first = [0xFF, 0xD8, 0xFF, 0xD9];
    assert!(matches!(probe(&eoi_first, true), Probe::NotImage(_)));
    let scan_first = jpeg(&[jfif()]);
    assert!(
        matches!(probe(&scan_first, true), Probe::NotImage(ref why) if why.contains("scan")),
        "{:?}",
        probe(&scan_first, true)
    );
    let zero_width = jpeg(&[frame(0xC0, 0, 480)]);
    assert!(matches!(probe(&zero_width, true), Probe::NotImage(_)));
}

#[test]
fn a_jpeg_cut_before_its_frame_header_needs_more_or_is_truncated() {
    let app1 = segment(0xE1, &exif(false, 3));
    let file = jpeg(&[jfif(), app1.clone(), frame(0xC0, 64, 48)]);
    let sof_at = 2 + jfif().len() + app1.len();
    for cut in 0..sof_at + 9 {
        match probe(&file[..cut], false) {
            Probe::NeedMore(n) => assert!(n > cut && n <= sof_at + 9, "{cut}: {n}"),
            other => panic!("{cut}: {other:?}"),
        }
        match probe(&file[..cut], true) {
            Probe::NotImage(why) => assert!(why.contains("truncated"), "{why}"),
            other => panic!("{cut}: {other:?}"),
        }
    }
    assert_eq!(probe(&file[..sof_at + 9], false), known(64, 48, Some(3)));
}
