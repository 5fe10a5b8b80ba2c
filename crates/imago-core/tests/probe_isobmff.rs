//! AVIF and HEIF cases built box by box from ISO/IEC 14496-12 and 23008-12: thumbnails
//! and alpha planes next to the primary item, rotation, 64-bit and zero box sizes, and
//! hostile lengths.

use imago_core::probe::{probe, sniff, Probe, MAX_NEED};
use imago_core::{Format, ImageInfo};

fn bx(typ: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let size = u32::try_from(8 + body.len()).expect("small box");
    [&size.to_be_bytes(), typ.as_slice(), body].concat()
}

fn full(typ: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut head = flags.to_be_bytes();
    head[0] = version;
    bx(typ, &[head.as_slice(), body].concat())
}

fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let mut body = major.to_vec();
    body.extend_from_slice(&[0, 0, 0, 0]);
    for brand in compatible {
        body.extend_from_slice(*brand);
    }
    bx(b"ftyp", &body)
}

fn ispe(width: u32, height: u32) -> Vec<u8> {
    full(
        b"ispe",
        0,
        0,
        &[width.to_be_bytes(), height.to_be_bytes()].concat(),
    )
}

fn pitm(item: u16) -> Vec<u8> {
    full(b"pitm", 0, 0, &item.to_be_bytes())
}

/// ipma version 0, 8-bit indices: (item, [index with the essential bit 0x80 allowed]).
fn ipma(entries: &[(u16, &[u8])]) -> Vec<u8> {
    let mut body = u32::try_from(entries.len()).unwrap().to_be_bytes().to_vec();
    for (item, indices) in entries {
        body.extend_from_slice(&item.to_be_bytes());
        body.push(u8::try_from(indices.len()).unwrap());
        body.extend_from_slice(indices);
    }
    full(b"ipma", 0, 0, &body)
}

fn meta(children: &[Vec<u8>]) -> Vec<u8> {
    let hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
    let mut body = hdlr;
    for c in children {
        body.extend_from_slice(c);
    }
    full(b"meta", 0, 0, &body)
}

fn iprp(properties: &[Vec<u8>], ipma: Vec<u8>) -> Vec<u8> {
    let ipco = bx(b"ipco", &properties.concat());
    bx(b"iprp", &[ipco, ipma].concat())
}

fn file(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = parts.concat();
    out.extend_from_slice(&bx(b"mdat", &[0x55; 64]));
    out
}

fn avif() -> Vec<u8> {
    ftyp(b"avif", &[b"avif", b"mif1", b"miaf"])
}

fn known(format: Format, width: u32, height: u32) -> Probe {
    Probe::Known(ImageInfo {
        format,
        width,
        height,
        orientation: None,
    })
}

fn refused(bytes: &[u8], fragment: &str) {
    match probe(bytes, true) {
        Probe::NotImage(why) => assert!(why.contains(fragment), "{why}"),
        other => panic!("expected a refusal with {fragment:?}, got {other:?}"),
    }
}

#[test]
fn the_primary_items_size_wins_over_a_thumbnail_and_an_alpha_plane_listed_first() {
    // Properties: 1 = thumbnail ispe, 2 = alpha ispe, 3 = primary ispe, 4 = a codec
    // config. Items: 2 is the thumbnail, 3 the alpha plane, 1 the primary (pitm), listed
    // last in ipma, with its ispe marked essential (0x80).
    let properties = [
        ispe(320, 240),
        ispe(4000, 3000),
        ispe(4032, 3024),
        bx(b"av1C", &[0x81, 0, 0, 0]),
    ];
    let ipma = ipma(&[(2, &[1, 4]), (3, &[2, 4]), (1, &[0x83, 0x84])]);
    let bytes = file(&[avif(), meta(&[pitm(1), iprp(&properties, ipma)])]);
    assert_eq!(probe(&bytes, true), known(Format::Avif, 4032, 3024));
}

#[test]
fn irot_of_a_quarter_or_three_quarter_turn_swaps_the_sides() {
    for (angle, want) in [
        (0u8, (4000, 3000)),
        (1, (3000, 4000)),
        (2, (4000, 3000)),
        (3, (3000, 4000)),
    ] {
        let properties = [ispe(4000, 3000), bx(b"irot", &[angle])];
        let meta = meta(&[pitm(1), iprp(&properties, ipma(&[(1, &[1, 0x82])]))]);
        let bytes = file(&[avif(), meta]);
        assert_eq!(
            probe(&bytes, true),
            known(Format::Avif, want.0, want.1),
            "irot {angle}"
        );
    }
    // An irot of another item does not turn the primary.
    let properties = [ispe(4000, 3000), bx(b"irot", &[1])];
    let meta = meta(&[pitm(1), iprp(&properties, ipma(&[(2, &[1, 2]), (1, &[1])]))]);
    assert_eq!(
        probe(&file(&[avif(), meta]), true),
        known(Format::Avif, 4000, 3000)
    );
}

#[test]
fn the_brand_decides_between_avif_and_heif() {
    let body = |f: Vec<u8>| {
        let properties = [ispe(64, 48)];
        file(&[f, meta(&[pitm(1), iprp(&properties, ipma(&[(1, &[1])]))])])
    };
    let cases: [(Vec<u8>, Option<Format>); 6] = [
        (ftyp(b"avif", &[b"mif1"]), Some(Format::Avif)),
        (ftyp(b"avis", &[b"msf1"]), Some(Format::Avif)),
        (ftyp(b"mif1", &[b"miaf", b"avif"]), Some(Format::Avif)),
        (ftyp(b"heic", &[b"mif1", b"heic"]), Some(Format::Heif)),
        (ftyp(b"mif1", &[b"heic"]), Some(Format::Heif)),
        (ftyp(b"isom", &[b"mp41", b"mp42"]), None),
    ];
    for (f, want) in cases {
        let bytes = body(f);
        assert_eq!(sniff(&bytes), want);
        match want {
            Some(format) => assert_eq!(probe(&bytes, true), known(format, 64, 48)),
            None => refused(&bytes, "brand"),
        }
    }
}

#[test]
fn version_1_records_with_32_bit_ids_and_16_bit_indices_are_read() {
    // pitm v1: 32-bit item id; ipma v1 flags 1: 32-bit ids, 16-bit indices.
    let pitm = full(b"pitm", 1, 0, &70_000u32.to_be_bytes());
    let mut body = 2u32.to_be_bytes().to_vec();
    body.extend_from_slice(&5u32.to_be_bytes());
    body.extend_from_slice(&[1, 0x00, 0x01]);
    body.extend_from_slice(&70_000u32.to_be_bytes());
    body.extend_from_slice(&[1, 0x80, 0x02]);
    let ipma = full(b"ipma", 1, 1, &body);
    let properties = [ispe(100, 50), ispe(8000, 6000)];
    let bytes = file(&[avif(), meta(&[pitm, iprp(&properties, ipma)])]);
    assert_eq!(probe(&bytes, true), known(Format::Avif, 8000, 6000));
}

#[test]
fn a_64_bit_largesize_and_a_size_0_box_are_followed() {
    let properties = [ispe(1920, 1080)];
    let meta_box = meta(&[pitm(1), iprp(&properties, ipma(&[(1, &[1])]))]);
    // A `free` box with size 1 and a 64-bit largesize of 24 before meta.
    let mut free = 1u32.to_be_bytes().to_vec();
    free.extend_from_slice(b"free");
    free.extend_from_slice(&24u64.to_be_bytes());
    free.extend_from_slice(&[0; 8]);
    let bytes = file(&[avif(), free, meta_box.clone()]);
    assert_eq!(probe(&bytes, true), known(Format::Avif, 1920, 1080));

    // meta itself written with a largesize.
    let mut large = 1u32.to_be_bytes().to_vec();
    large.extend_from_slice(b"meta");
    large.extend_from_slice(&(meta_box.len() as u64 + 8).to_be_bytes());
    large.extend_from_slice(&meta_box[8..]);
    let bytes = file(&[avif(), large]);
    assert_eq!(probe(&bytes, true), known(Format::Avif, 1920, 1080));

    // meta with size 0 runs to the end of the file: the last box, read to the end.
    let mut zero = meta_box.clone();
    zero[..4].copy_from_slice(&[0; 4]);
    let bytes = [avif(), zero].concat();
    assert_eq!(probe(&bytes, true), known(Format::Avif, 1920, 1080));
    assert_eq!(probe(&bytes, false), known(Format::Avif, 1920, 1080));
}

#[test]
fn a_meta_running_past_the_prefix_asks_for_all_of_it() {
    // A 3,000-byte colour profile inside ipco before the ispe.
    let properties = [bx(b"colr", &[0x11; 3000]), ispe(640, 480)];
    let meta_box = meta(&[pitm(1), iprp(&properties, ipma(&[(1, &[1, 2])]))]);
    let meta_at = avif().len();
    let meta_end = meta_at + meta_box.len();
    let bytes = file(&[avif(), meta_box]);
    for cut in [meta_at + 8, meta_at + 100, meta_end - 40] {
        assert_eq!(
            probe(&bytes[..cut], false),
            Probe::NeedMore(meta_end),
            "cut {cut}"
        );
        refused(&bytes[..cut], "truncated");
    }
    assert_eq!(
        probe(&bytes[..meta_end], false),
        known(Format::Avif, 640, 480)
    );
}

#[test]
fn hostile_box_sizes_are_refused_and_never_loop() {
    let good_iprp = iprp(&[ispe(10, 10)], ipma(&[(1, &[1])]));

    // A box smaller than its own header (sizes 2..7) would never advance.
    for size in 2u32..8 {
        let mut bad = avif();
        bad.extend_from_slice(&size.to_be_bytes());
        bad.extend_from_slice(b"free");
        bad.extend_from_slice(&[0; 32]);
        refused(&bad, "shorter than its header");
    }

    // A child box claiming more bytes than its meta holds.
    let mut liar = pitm(1);
    liar[..4].copy_from_slice(&4000u32.to_be_bytes());
    refused(
        &file(&[avif(), meta(&[liar, good_iprp.clone()])]),
        "past its container",
    );

    // A largesize smaller than the 16-byte header.
    let mut tiny = 1u32.to_be_bytes().to_vec();
    tiny.extend_from_slice(b"free");
    tiny.extend_from_slice(&9u64.to_be_bytes());
    refused(&[avif(), tiny].concat(), "shorter than its header");

    // A 4 GB mdat before meta: reaching meta would take more than a probe reads.
    let mut huge = 1u32.to_be_bytes().to_vec();
    huge.extend_from_slice(b"mdat");
    huge.extend_from_slice(&(1u64 << 32).to_be_bytes());
    let bytes = [avif(), huge, vec![0; 100]].concat();
    match probe(&bytes, false) {
        Probe::NotImage(why) => assert!(why.contains(&MAX_NEED.to_string()), "{why}"),
        other => panic!("{other:?}"),
    }

    // An ipma claiming four billion entries in a few bytes.
    // (The one real entry is another item's, so the reader keeps looking for item 1.)
    let mut ipma_box = ipma(&[(2, &[1])]);
    ipma_box[12..16].copy_from_slice(&u32::MAX.to_be_bytes());
    let iprp_box = iprp(&[ispe(10, 10)], ipma_box);
    refused(
        &file(&[avif(), meta(&[pitm(1), iprp_box])]),
        "ends inside a record",
    );
}

#[test]
fn a_missing_primary_item_or_size_is_refused() {
    let no_pitm = meta(&[iprp(&[ispe(10, 10)], ipma(&[(1, &[1])]))]);
    refused(&file(&[avif(), no_pitm]), "primary item");
    let no_ispe = meta(&[pitm(1), iprp(&[ispe(10, 10)], ipma(&[(2, &[1])]))]);
    refused(&file(&[avif(), no_ispe]), "ispe");
    refused(&file(&[avif()]), "no meta box");
}
