//! The learned embedding: tract runs the network as ONNX Runtime does (a fixture made by
//! `scripts/reference-embedding.py`), and the real photos' edits that hashes cannot follow
//! (crops, watermark text, a product card, a small rotation) find their original as
//! `similar`, while no other photo does.

mod support;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use imago_search::{fingerprint, query, Codes, Limits, MatchKind, DIMENSIONS, EMBED_SIDE};
use support::{embedder, encode, jpeg, originals, photos_dir, EDITED};

#[test]
fn tract_gives_the_reference_runtimes_outputs() {
    let embedder = embedder();
    let fixture = include_str!("fixtures/sscd_distilled.txt");
    let mut checked = 0;
    for line in fixture.lines() {
        let mut fields = line.split(' ');
        let name = fields.next().unwrap();
        let want: Vec<f32> = fields.map(|v| v.parse().unwrap()).collect();
        assert_eq!(want.len(), DIMENSIONS);
        // The same integer nearest-neighbour sampling as the script: the network alone
        // is compared, not a resizer.
        let photo = image::open(photos_dir().join(name)).unwrap().to_rgb8();
        let (w, h) = photo.dimensions();
        let side = EMBED_SIDE;
        let input = RgbImage::from_fn(side, side, |x, y| {
            *photo.get_pixel(x * w / side, y * h / side)
        });
        let got = embedder.embed_f32(&input).unwrap();
        let worst = got
            .iter()
            .zip(&want)
            .map(|(g, w)| (g - w).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-4, "{name}: a value is {worst} off the reference");
        let norm: f32 = got.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-3, "{name}: length {norm}");
        checked += 1;
    }
    assert_eq!(checked, 3);
}

/// 5x7 capitals for the watermark's words.
fn glyph(c: char) -> [&'static str; 7] {
    match c {
        'S' => [
            ".####", "#....", "#....", ".###.", "....#", "....#", "####.",
        ],
        'A' => [
            ".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
        'M' => [
            "#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#",
        ],
        'P' => [
            "####.", "#...#", "#...#", "####.", "#....", "#....", "#....",
        ],
        'L' => [
            "#....", "#....", "#....", "#....", "#....", "#....", "#####",
        ],
        'E' => [
            "#####", "#....", "#....", "####.", "#....", "#....", "#####",
        ],
        'H' => [
            "#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
        'O' => [
            ".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.",
        ],
        '$' => [
            "..#..", ".####", "#.#..", ".###.", "..#.#", "####.", "..#..",
        ],
        '9' => [
            ".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##..",
        ],
        _ => ["....."; 7],
    }
}

/// `text` drawn at (`x`, `y`) in `colour` blended by `alpha`, each dot `dot` px square.
fn write(image: &mut RgbImage, text: &str, x: u32, y: u32, dot: u32, colour: [u8; 3], alpha: f32) {
    for (i, c) in text.chars().enumerate() {
        for (row, bits) in glyph(c).iter().enumerate() {
            for (col, bit) in bits.chars().enumerate() {
                if bit != '#' {
                    continue;
                }
                let x0 = x + (i as u32 * 6 + col as u32) * dot;
                let y0 = y + row as u32 * dot;
                for py in y0..(y0 + dot).min(image.height()) {
                    for px in x0..(x0 + dot).min(image.width()) {
                        let p = image.get_pixel_mut(px, py);
                        for (v, c) in p.0.iter_mut().zip(colour) {
                            *v = (f32::from(*v) * (1.0 - alpha) + f32::from(c) * alpha) as u8;
                        }
                    }
                }
            }
        }
    }
}

fn crop(image: &DynamicImage, share: f32) -> DynamicImage {
    let (w, h) = (image.width(), image.height());
    let (dx, dy) = (
        (w as f32 * share / 2.0) as u32,
        (h as f32 * share / 2.0) as u32,
    );
    image.crop_imm(dx, dy, w - 2 * dx, h - 2 * dy)
}

/// Three lines of "SAMPLE SHOP" across the photo, half opaque, as shops stamp theirs.
fn watermark(image: &DynamicImage) -> DynamicImage {
    let mut rgb = image.to_rgb8();
    let (w, h) = rgb.dimensions();
    let dot = (w / 70).max(1);
    for line in 1..4 {
        write(
            &mut rgb,
            "SAMPLE SHOP",
            w / 12,
            h * line / 4 - 3 * dot,
            dot,
            [255; 3],
            0.5,
        );
    }
    rgb.into()
}

/// The photo at 80% on a light card, with a title line and a red price button under it,
/// as a shop's listing shows it.
fn card(image: &DynamicImage) -> DynamicImage {
    let (w, h) = (image.width(), image.height());
    let photo = image
        .resize(w * 4 / 5, h * 4 / 5, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut out = RgbImage::from_pixel(w, h * 3 / 2, Rgb([244, 244, 246]));
    image::imageops::replace(&mut out, &photo, i64::from(w / 10), i64::from(h / 20));
    let dot = (w / 100).max(1);
    let below = h / 20 + photo.height() + h / 20;
    write(
        &mut out,
        "SAMPLE SHOP",
        w / 10,
        below,
        dot,
        [30, 30, 30],
        1.0,
    );
    let button = below + 10 * dot;
    for y in button..(button + h / 8).min(out.height()) {
        for x in w / 10..w / 2 {
            out.put_pixel(x, y, Rgb([220, 40, 40]));
        }
    }
    write(
        &mut out,
        "$9.99",
        w / 10 + 2 * dot,
        button + 2 * dot,
        dot,
        [255; 3],
        1.0,
    );
    out.into()
}

/// Turned by `degrees` about the centre, bilinear, the corners white, the size kept.
fn rotate(image: &DynamicImage, degrees: f32) -> DynamicImage {
    let rgb = image.to_rgb8();
    let (w, h) = rgb.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        let sx = cos * dx + sin * dy + cx - 0.5;
        let sy = -sin * dx + cos * dy + cy - 0.5;
        if sx < 0.0 || sy < 0.0 || sx > (w - 1) as f32 || sy > (h - 1) as f32 {
            return Rgb([255; 3]);
        }
        let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
        let mut p = [0u8; 3];
        for (c, v) in p.iter_mut().enumerate() {
            let at = |x, y| f32::from(rgb.get_pixel(x, y).0[c]);
            let top = at(x0, y0) * (1.0 - fx) + at(x1, y0) * fx;
            let bottom = at(x0, y1) * (1.0 - fx) + at(x1, y1) * fx;
            *v = (top * (1.0 - fy) + bottom * fy).round() as u8;
        }
        Rgb(p)
    })
    .into()
}

const HARD_EDITS: [&str; 5] = [
    "crop 5%",
    "crop 10%",
    "watermark text",
    "framed on a card",
    "turned 10 degrees",
];

/// The edits past PDQ's reach ([`HARD_EDITS`]), each saved as a JPEG the way a copy on
/// the web is.
fn hard_edits(image: &DynamicImage) -> Vec<(&'static str, Vec<u8>)> {
    let edited = [
        crop(image, 0.05),
        crop(image, 0.10),
        watermark(image),
        card(image),
        rotate(image, 10.0),
    ];
    HARD_EDITS
        .into_iter()
        .zip(edited.iter().map(|e| jpeg(e, 85)))
        .collect()
}

#[test]
fn crops_watermarks_cards_and_small_turns_find_their_original_as_similar() {
    let limits = Limits::default();
    let embedder = embedder();
    let photos = originals();
    let mut codes = Codes::default();
    for (_, bytes) in &photos {
        codes.push(&fingerprint(bytes, &limits, Some(&embedder)).unwrap().code);
    }
    let mut missed: Vec<(&str, String)> = Vec::new();
    let mut wrong = Vec::new();
    for (slot, (name, bytes)) in photos.iter().enumerate().take(EDITED) {
        let image = image::load_from_memory(bytes).unwrap();
        for (edit, edited) in hard_edits(&image) {
            let q = query(&edited, &limits, Some(&embedder)).unwrap();
            let hits = codes.search(&q, 10);
            match hits.first() {
                Some(h) if h.slot == slot => {}
                first => missed.push((
                    edit,
                    format!(
                        "{name} {edit}: first {:?}, the original's cosine {:.3}",
                        first.map(|h| (&photos[h.slot].0, h.kind, h.score)),
                        q.vector
                            .unwrap()
                            .cosine(&codes_vector(&photos[slot].1, &embedder)),
                    ),
                )),
            }
            for h in hits.iter().filter(|h| h.slot != slot) {
                wrong.push(format!(
                    "{name} {edit} matched {} ({:?} {:.3})",
                    photos[h.slot].0, h.kind, h.score
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "other photos matched:\n{}",
        wrong.join("\n")
    );
    // The goal for these edits is 90% found: at most one photo in 11 per edit.
    // (Found missing on the last run: hubble_deep_field on a card at 0.46, moon under
    // watermark text at 0.50, both dark, low-contrast photos.)
    let report: Vec<&str> = missed.iter().map(|(_, m)| m.as_str()).collect();
    eprintln!("missed:\n{}", report.join("\n"));
    for edit in HARD_EDITS {
        let n = missed.iter().filter(|(e, _)| *e == edit).count();
        assert!(
            n * 10 <= EDITED,
            "{edit}: {n} of {EDITED} photos missed:\n{}",
            report.join("\n")
        );
    }
}

fn codes_vector(bytes: &[u8], embedder: &imago_search::Embedder) -> imago_search::Vector {
    fingerprint(bytes, &Limits::default(), Some(embedder))
        .unwrap()
        .code
        .vector
        .unwrap()
}

#[test]
fn hash_matches_rank_before_similar_ones_and_carry_the_cosine() {
    let limits = Limits::default();
    let embedder = embedder();
    let photos = originals();
    let image = image::load_from_memory(&photos[0].1).unwrap();
    let mut codes = Codes::default();
    // The original and a cropped copy stored; the query is a recompressed copy.
    codes.push(
        &fingerprint(&jpeg(&crop(&image, 0.1), 90), &limits, Some(&embedder))
            .unwrap()
            .code,
    );
    codes.push(
        &fingerprint(&photos[0].1, &limits, Some(&embedder))
            .unwrap()
            .code,
    );
    let hits = codes.search(
        &query(&encode(&image, ImageFormat::Jpeg), &limits, Some(&embedder)).unwrap(),
        5,
    );
    let kinds: Vec<_> = hits.iter().map(|h| (h.slot, h.kind)).collect();
    assert_eq!(kinds, [(1, MatchKind::Near), (0, MatchKind::Similar)]);
    assert!(hits[0].similarity.unwrap() > 0.95, "{hits:?}");
    assert_eq!(hits[1].score, hits[1].similarity.unwrap());
}
