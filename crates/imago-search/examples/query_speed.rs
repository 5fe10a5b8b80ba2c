//! Hash queries over many stored codes (bench/search.sh): random PDQ codes, a tenth of
//! them with a trimmed code too, and queries of eight orientations each, half of them
//! near copies (20 bits flipped) of a stored picture. Prints the build time, the median
//! and 99th percentile query time of multi-index hashing and of the scan, and the memory
//! the codes and tables take.
//!
//!   cargo run --release -p imago-search --example query_speed -- 1000000 10000000

use std::time::{Duration, Instant};

use imago_search::{Code, Codes, Dihedral, Hashes, Pdq, Query, Strategy};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn hashes(&mut self) -> Hashes {
        Hashes {
            phash: self.next(),
            pdq: Pdq([self.next(), self.next(), self.next(), self.next()]),
            quality: 100,
        }
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number of codes"))
        .collect();
    println!("| stored codes | build | multi-index median | p99 | scan median | memory |");
    println!("|---|---|---|---|---|---|");
    for n in sizes {
        let mut rng = Rng(0x5eed ^ n as u64);
        let before = rss_kib();
        let mut codes = Codes::default();
        let mut stored = Vec::new();
        for i in 0..n {
            let h = rng.hashes();
            let trimmed = (i % 10 == 0).then(|| rng.hashes());
            codes.push(&Code {
                hashes: h,
                trimmed,
                sha256: [0; 32],
                vector: None,
            });
            if i % (n / 500).max(1) == 0 {
                stored.push(h);
            }
        }
        let started = Instant::now();
        codes.prepare_multi_index();
        let build = started.elapsed();
        let memory = rss_kib().saturating_sub(before);
        let queries: Vec<Query> = (0..1000)
            .map(|i| {
                let mut variants: Vec<_> =
                    Dihedral::ALL.iter().map(|d| (*d, rng.hashes())).collect();
                if i % 2 == 0 {
                    let mut near = stored[i / 2 % stored.len()];
                    for _ in 0..20 {
                        let b = (rng.next() % 256) as usize;
                        near.pdq.0[b / 64] ^= 1 << (b % 64);
                    }
                    variants[0].1 = near;
                }
                Query {
                    sha256: [1; 32],
                    variants,
                    vector: None,
                }
            })
            .collect();
        let mut found = 0;
        let mut mih: Vec<Duration> = queries
            .iter()
            .map(|q| {
                let t = Instant::now();
                found += codes.search_using(q, 10, Strategy::MultiIndex).len();
                t.elapsed()
            })
            .collect();
        let mut scan: Vec<Duration> = queries
            .iter()
            .take(20)
            .map(|q| {
                let t = Instant::now();
                std::hint::black_box(codes.search_using(q, 10, Strategy::Scan));
                t.elapsed()
            })
            .collect();
        assert!(found >= 500, "the near copies were found: {found}");
        println!(
            "| {n} | {:.2} s | {:.3} ms | {:.3} ms | {:.1} ms | {} MiB ({} bytes per picture) |",
            build.as_secs_f64(),
            percentile(&mut mih, 0.5).as_secs_f64() * 1e3,
            percentile(&mut mih, 0.99).as_secs_f64() * 1e3,
            percentile(&mut scan, 0.5).as_secs_f64() * 1e3,
            memory / 1024,
            memory * 1024 / n as u64,
        );
    }
}
