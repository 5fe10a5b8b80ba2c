//! Embedding queries over many stored vectors (bench/search.sh): the HNSW graph against
//! the exact scan on the same vectors. Prints the graph's build time, its recall@10 (the
//! share of the scan's ten nearest it also answers), the median query time of both, and
//! the memory the vectors and the graph take.
//!
//! The vectors are made, not embedded (a million photos are not at hand): 512 values in
//! clusters, as pictures of a few subjects are, each a centre plus noise, so nearest
//! neighbours are near and the rest spread out (an unclustered random set has no near
//! neighbours and no graph finds them well). Queries are stored vectors moved a little.
//!
//!   cargo run --release -p imago-search --example vector_speed -- 100000

use std::time::{Duration, Instant};

use imago_search::{Code, Codes, Hashes, Pdq, Strategy, Vector, DIMENSIONS};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Roughly normal, from four uniform draws.
    fn normal(&mut self) -> f32 {
        (0..4)
            .map(|_| (self.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5)
            .sum::<f32>()
            * 1.7
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

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number of vectors"))
        .collect();
    println!("| stored vectors | graph build | recall@10 | graph median | scan median | memory |");
    println!("|---|---|---|---|---|---|");
    for n in sizes {
        let mut rng = Rng(0xfeed ^ n as u64);
        let clusters = (n / 20).max(1);
        let centres: Vec<Vec<f32>> = (0..clusters)
            .map(|_| (0..DIMENSIONS).map(|_| rng.normal()).collect())
            .collect();
        let before = rss_kib();
        let mut codes = Codes::default();
        let mut kept = Vec::new();
        for i in 0..n {
            let centre = &centres[(rng.next() % clusters as u64) as usize];
            let values: Vec<f32> = centre.iter().map(|c| c + 0.8 * rng.normal()).collect();
            let vector = Vector::quantize(&values);
            codes.push(&Code {
                hashes: Hashes {
                    phash: rng.next(),
                    pdq: Pdq([rng.next(), rng.next(), rng.next(), rng.next()]),
                    quality: 100,
                },
                trimmed: None,
                sha256: [0; 32],
                vector: Some(vector),
            });
            if i % (n / 200).max(1) == 0 {
                kept.push(values);
            }
        }
        let t = Instant::now();
        codes.prepare_ann();
        let build = t.elapsed();
        let memory = rss_kib().saturating_sub(before);
        let queries: Vec<Vector> = kept
            .iter()
            .map(|v| {
                Vector::quantize(&v.iter().map(|x| x + 0.3 * rng.normal()).collect::<Vec<_>>())
            })
            .collect();
        let (mut graph_t, mut scan_t) = (Vec::new(), Vec::new());
        let (mut same, mut asked) = (0, 0);
        for q in &queries {
            let t = Instant::now();
            let graph = codes.nearest_vectors(q, 10, Strategy::MultiIndex);
            graph_t.push(t.elapsed());
            let t = Instant::now();
            let scan = codes.nearest_vectors(q, 10, Strategy::Scan);
            scan_t.push(t.elapsed());
            asked += scan.len();
            same += scan
                .iter()
                .filter(|s| graph.iter().any(|g| g.0 == s.0))
                .count();
        }
        println!(
            "| {n} | {:.1} s | **{:.3}** | {:.2} ms | {:.1} ms | {} MiB ({} bytes per picture, hashes included) |",
            build.as_secs_f64(),
            same as f64 / asked as f64,
            median(&mut graph_t).as_secs_f64() * 1e3,
            median(&mut scan_t).as_secs_f64() * 1e3,
            memory / 1024,
            memory * 1024 / n as u64,
        );
    }
}
