//! Damaged copies of valid files (cut short, bytes overwritten, lengths inflated) are
//! processed or refused with a 4xx, never a panic.

mod common;

use common::shared_files;
use imago_media::{inspect, process, Limits, ProcessOptions};

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutants(bytes: &[u8], rng: &mut Rng, n: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..n {
        let mut m = bytes.to_vec();
        match i % 3 {
            // Cut anywhere, header included.
            0 => m.truncate(rng.below(bytes.len())),
            // A few random bytes anywhere in the first 2 KB (where the headers are).
            1 => {
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(m.len().min(2048));
                    m[at] = rng.next() as u8;
                }
            }
            // 0xFF runs: lengths and sizes at their maximum.
            _ => {
                let at = rng.below(m.len().min(2048));
                let end = (at + 4).min(m.len());
                m[at..end].fill(0xFF);
            }
        }
        out.push(m);
    }
    out
}

#[test]
fn damaged_copies_are_processed_or_refused_without_panic() {
    let limits = Limits::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let small = ["cd1.1.jpg", "cogs.gif", "small.bmp", "1.webp", "sample.jpg"];
    let mut seen_refusals = 0;
    for (name, bytes) in shared_files("formats")
        .into_iter()
        .filter(|(n, _)| small.contains(&n.as_str()))
    {
        for (i, m) in mutants(&bytes, &mut rng, 30).into_iter().enumerate() {
            let outcome = inspect(&m, &limits)
                .and_then(|seen| process(&m, &seen, &ProcessOptions::default(), &limits));
            if let Err(e) = outcome {
                assert!((400..500).contains(&e.http_status()), "{name} #{i}: {e}");
                seen_refusals += 1;
            }
        }
    }
    // Most cuts and overwritten headers are refused: the test did reach the errors.
    assert!(seen_refusals > 50, "{seen_refusals}");
}
