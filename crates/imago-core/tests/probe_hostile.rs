//! Mutated and degenerate inputs: the probe never panics, never asks for less than it
//! has or more than its limit, never asks for more when told the file is complete, and
//! finishes quickly on inputs built to make a naive parser loop.

use imago_core::probe::{probe, Probe, MAX_NEED};
use std::time::{Duration, Instant};

const IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/images");

/// xorshift64*: a fixed seed keeps failures reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn check(bytes: &[u8], what: &str) {
    match probe(bytes, false) {
        Probe::NeedMore(n) => {
            assert!(n > bytes.len() && n <= MAX_NEED, "{what}: NeedMore({n})")
        }
        Probe::Known(info) => assert!(info.width > 0 && info.height > 0, "{what}: {info:?}"),
        Probe::NotImage(why) => assert!(!why.is_empty(), "{what}"),
    }
    assert!(
        !matches!(probe(bytes, true), Probe::NeedMore(_)),
        "{what}: NeedMore for a complete file"
    );
}

#[test]
fn mutated_headers_of_every_shared_file_never_break_the_probe() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for dir in ["formats", "odd", "hostile"] {
        for entry in std::fs::read_dir(format!("{IMAGES}/{dir}")).expect("shared images") {
            let path = entry.expect("entry").path();
            let original = std::fs::read(&path).expect("readable");
            let head = &original[..original.len().min(4096)];
            for round in 0..300 {
                let mut bytes = head.to_vec();
                // Overwrite 1-4 bytes among the first 64 (magic, sizes, lengths) and one
                // anywhere; sometimes with the values that break parsers most.
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(bytes.len().clamp(1, 64));
                    if let Some(b) = bytes.get_mut(at) {
                        *b = [0x00, 0xFF, 0x01, 0x80, rng.next() as u8][rng.below(5)];
                    }
                }
                let at = rng.below(bytes.len().max(1));
                if let Some(b) = bytes.get_mut(at) {
                    *b = rng.next() as u8;
                }
                let cut = rng.below(bytes.len() + 1);
                check(&bytes[..cut], &format!("{} round {round}", path.display()));
                check(&bytes, &format!("{} round {round}", path.display()));
            }
        }
    }
}

#[test]
fn degenerate_inputs_finish_quickly() {
    let big = 4 << 20;
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        // SOI then megabytes of fill bytes, then of junk that is not a marker.
        ("jpeg fill", [vec![0xFF, 0xD8], vec![0xFF; big]].concat()),
        ("jpeg junk", [vec![0xFF, 0xD8], vec![0x00; big]].concat()),
        // Restart markers forever.
        (
            "jpeg rst",
            [vec![0xFF, 0xD8], [0xFF, 0xD0].repeat(big / 2)].concat(),
        ),
        // Whitespace and comments that never reach a root element.
        ("svg comments", b"<!---->".repeat(big / 7)),
        ("spaces", vec![b' '; big]),
        // A GIF with a zero screen and endless extension sub-blocks.
        (
            "gif blocks",
            [
                b"GIF89a\0\0\0\0\0\0\0\x21\xFE".to_vec(),
                [1u8, b'x'].repeat(big / 2),
            ]
            .concat(),
        ),
    ];
    // An ISOBMFF file of endless 8-byte `free` boxes before any meta.
    let mut boxes = b"\0\0\0\x14ftypavif\0\0\0\0avif".to_vec();
    boxes.extend_from_slice(&b"\0\0\0\x08free".repeat(big / 8));
    cases.push(("avif free boxes", boxes));
    for (name, bytes) in cases {
        let started = Instant::now();
        check(&bytes, name);
        // Generous for a debug build on a shared machine; a loop would never finish.
        assert!(started.elapsed() < Duration::from_secs(10), "{name}");
    }
}
