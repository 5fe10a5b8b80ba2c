//! Probing the real files of `shared/images`. Expected values were read from the files
//! with other tools, not from this probe: `file(1)`, Pillow 13 (`Image.open(f).size`,
//! `getexif()[274]`) and hand-decoded headers (`xxd`, Python `struct`). Where those
//! tools disagree with the probe's documented choice, the test says why.

use imago_core::probe::{probe, sniff, Probe};
use imago_core::{Format, ImageInfo};

const IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/images");

fn read(name: &str) -> Vec<u8> {
    let path = format!("{IMAGES}/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn known(format: Format, width: u32, height: u32, orientation: Option<u8>) -> Probe {
    Probe::Known(ImageInfo {
        format,
        width,
        height,
        orientation,
    })
}

/// Every readable file, with what it holds.
fn expected() -> Vec<(&'static str, Probe)> {
    use Format::*;
    vec![
        // `file`: VP8 encoding, 550x368.
        ("formats/1.webp", known(Webp, 550, 368, None)),
        // `file`: baseline, 531x373; no EXIF segment (JFIF then DQT then SOF0).
        ("formats/cd1.1.jpg", known(Jpeg, 531, 373, None)),
        ("formats/cogs.gif", known(Gif, 85, 77, None)),
        // Three BMP entries, 16, 32 and 48 (Pillow opens the largest: 48x48).
        ("formats/favicon.ico", known(Ico, 48, 48, None)),
        // `file`: EXIF orientation=upper-left (1), 290x442.
        ("formats/sample.jpg", known(Jpeg, 290, 442, Some(1))),
        ("formats/sample.png", known(Png, 290, 442, None)),
        // `file`: 16 x -12: stored top-down, 12 rows high.
        ("formats/small.bmp", known(Bmp, 16, 12, None)),
        // XMP and MPF segments, no EXIF, then SOF0 3840x2160 at byte 1810.
        ("formats/ultra-hdr.jpg", known(Jpeg, 3840, 2160, None)),
        // ispe of the only (primary) item: 17000x17000. Refusing it is the server's job.
        ("hostile/17000x17000.avif", known(Avif, 17000, 17000, None)),
        // <svg viewBox="0 0 736 552" height="552" width="736">.
        ("hostile/logo.svg", known(Svg, 736, 552, None)),
        // Cut short after its header: the header still says 575x800 (`file` agrees).
        ("hostile/truncated.gif", known(Gif, 575, 800, None)),
        ("hostile/truncated.jpg", known(Jpeg, 290, 442, Some(1))),
        // Missing IDAT: invisible in the header, which is valid (32x32 grey, 1 bit).
        ("hostile/xdtn0g01.png", known(Png, 32, 32, None)),
        // ispe 3024x4032 and no irot; the EXIF item saying 6 is at byte 159809 of 162011.
        // Browsers orient AVIF by irot/imir only (MIAF), and so does the probe.
        ("odd/avif-orientation-6.avif", known(Avif, 3024, 4032, None)),
        ("odd/badrle.bmp", known(Bmp, 127, 64, None)),
        ("odd/pal8badindex.bmp", known(Bmp, 127, 64, None)),
        // VP8X canvas 12+1 x 168+1 (Pillow: 13x169, 99 frames).
        ("odd/big-height.webp", known(Webp, 13, 169, None)),
        ("odd/looks-like-svg.webp", known(Webp, 256, 256, None)),
        ("odd/invalid_multiframe.gif", known(Gif, 10, 9, None)),
        // The screen is 10x10 (`file` agrees); Pillow says 16x16 because it grows the
        // canvas to the oversized first frame. Browsers lay out the screen.
        ("odd/issue_1455_oversized.gif", known(Gif, 10, 10, None)),
        ("odd/truncated_mask_32bpp.ico", known(Ico, 64, 64, None)),
        // Bad IDAT checksum: the header is fine.
        ("odd/xcsn0g01.png", known(Png, 32, 32, None)),
    ]
}

#[test]
fn every_readable_file_gives_its_format_and_size() {
    for (name, want) in expected() {
        let bytes = read(name);
        assert_eq!(probe(&bytes, true), want, "{name} (whole file)");
        assert_eq!(probe(&bytes, false), want, "{name} (as a prefix)");
    }
}

#[test]
fn damaged_png_headers_are_refused_with_a_reason() {
    // PngSuite: x = corrupt. Reason fragments come from what each file's name says is
    // wrong (c1/c9: color type 1/9, d0/d3/d9: bit depth 0/3/99, hd: IHDR checksum,
    // cr/lf/s*: signature bytes damaged).
    let cases = [
        ("xc1n0g08.png", "color type 1"),
        ("xc9n2c08.png", "color type 9"),
        ("xd0n2c08.png", "bit depth 0"),
        ("xd3n2c08.png", "bit depth 3"),
        ("xd9n2c08.png", "bit depth 99"),
        ("xhdn0g08.png", "checksum"),
        ("xcrn0g04.png", "signature"),
        ("xlfn0g04.png", "signature"),
        ("xs1n0g01.png", "signature"),
        ("xs2n0g01.png", "signature"),
        ("xs4n0g01.png", "signature"),
        ("xs7n0g01.png", "signature"),
    ];
    for (name, reason) in cases {
        let bytes = read(&format!("hostile/{name}"));
        match probe(&bytes, true) {
            Probe::NotImage(why) => assert!(why.contains(reason), "{name}: {why}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn sniff_names_every_readable_file_from_64_bytes() {
    for (name, want) in expected() {
        let Probe::Known(info) = want else { continue };
        let bytes = read(name);
        assert_eq!(
            sniff(&bytes[..bytes.len().min(64)]),
            Some(info.format),
            "{name}"
        );
    }
}

#[test]
fn a_webp_that_contains_svg_text_is_a_webp() {
    let bytes = read("odd/looks-like-svg.webp");
    assert!(
        memchr_find(&bytes, b"<svg").is_some(),
        "fixture holds <svg text"
    );
    assert_eq!(sniff(&bytes), Some(Format::Webp));
    assert!(!imago_core::probe::looks_like_html(&bytes));
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The prefix length at which the engine learns the header, growing its prefix to what
/// each `NeedMore` asks from `start` bytes; and how many calls that took.
fn engine_growth(bytes: &[u8], start: usize) -> (usize, u32) {
    let mut len = start.min(bytes.len());
    let mut calls = 0;
    loop {
        calls += 1;
        let complete = len == bytes.len();
        match probe(&bytes[..len], complete) {
            Probe::Known(_) => return (len, calls),
            Probe::NeedMore(n) => {
                assert!(n > len, "NeedMore({n}) with {len} bytes");
                len = n.min(bytes.len());
            }
            Probe::NotImage(why) => panic!("NotImage at {len}: {why}"),
        }
        assert!(calls < 100, "no answer after 100 calls");
    }
}

/// The smallest prefix that gives `Known`.
fn smallest_known(bytes: &[u8]) -> usize {
    (0..=bytes.len())
        .find(|&n| matches!(probe(&bytes[..n], false), Probe::Known(_)))
        .expect("the whole file is Known")
}

#[test]
fn headers_are_learned_from_a_few_kilobytes() {
    // Bounds from the files' layouts (offsets above): ultra-hdr's SOF is at 1810,
    // sample.jpg's at 980, the AVIF metas end before 850 bytes, favicon's directory is
    // 54 bytes; logo.svg's <svg> tag ends near byte 400.
    let mut report = Vec::new();
    for (name, _) in expected() {
        let bytes = read(name);
        let smallest = smallest_known(&bytes);
        // The engine starts with 4 KB; growing from nothing shows how many round trips
        // a NeedMore chain costs in the worst case.
        let (grown, calls) = engine_growth(&bytes, 0);
        report.push(format!(
            "{name}: {smallest} of {} bytes; from 0: {grown} in {calls} calls",
            bytes.len()
        ));
        assert!(smallest < 4096, "{name} needed {smallest} bytes");
        assert!(
            grown >= smallest,
            "{name}: Known at {grown} below the smallest {smallest}"
        );
        assert!(
            grown < 8192 && calls <= 12,
            "{name}: grew to {grown} in {calls} calls"
        );
        let (_, calls) = engine_growth(&bytes, 4096);
        assert_eq!(calls, 1, "{name}: one 4 KB read is enough");
    }
    println!("{}", report.join("\n"));
}

#[test]
fn the_big_ultra_hdr_jpeg_is_probed_from_under_two_percent_of_its_bytes() {
    // The probe goal: bytes read under 2% of the file for MB-sized JPEGs.
    let bytes = read("formats/ultra-hdr.jpg");
    let needed = smallest_known(&bytes);
    assert!(needed * 50 < bytes.len(), "{needed} of {}", bytes.len());
}
