//! The accuracy benchmark's imago side (bench/accuracy.sh): every picture under
//! `ROOT/originals/` is stored (its fingerprint, as `imago index` keeps it), and every
//! picture under `ROOT/originals/` and `ROOT/edits/<edit>/` (named as its original, any
//! extension) is a query (its eight orientations, trimmed too, as `imago search` asks).
//! Each query is compared with every stored original; one TSV line per pair:
//!
//!   pair  edit  query  stored  phash  phash8  pdq  pdq8  pdq_all  cosine  match  combined
//!
//! `pair` is `pos` (an edit and its own original), `neg` (two different originals, once
//! each) or `negx` (an edit and another photo's original). `phash`/`pdq` are the upright
//! distances (plain hashes), `phash8`/`pdq8` the smallest over the query's eight
//! orientations, `pdq_all` the smallest over those and the trimmed codes of both (the
//! distance imago's search decides by). `cosine` is the embeddings'. `match` is what
//! `Codes::search` answered for the pair (exact, near, similar or none) and `combined`
//! imago's ranking as one number, higher is closer: 3 for exact, 2 + score for near
//! (1 - pdq/256), 1 + cosine for similar, else the cosine.
//!
//!   cargo run --release -p imago-search --example accuracy -- ROOT OUT.tsv [THREADS]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use imago_search::{Code, Codes, Dihedral, Embedder, Limits, MatchKind, Query};

struct Item {
    edit: String,
    stem: String,
    path: PathBuf,
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: accuracy ROOT OUT.tsv [THREADS]");
        std::process::exit(2);
    };
    let threads: usize = rest.first().map_or(2, |t| t.parse().expect("a number"));
    let root = PathBuf::from(root);
    let model = imago_search::default_model_path().expect("HOME is set");
    let embedder = Embedder::load(&model).unwrap_or_else(|e| panic!("{e}"));

    let mut items: Vec<Item> = files(&root.join("originals"))
        .into_iter()
        .map(|p| Item {
            edit: "original".into(),
            stem: stem(&p),
            path: p,
        })
        .collect();
    let originals = items.len();
    let mut edits: Vec<PathBuf> = std::fs::read_dir(root.join("edits"))
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    edits.sort();
    for dir in edits {
        let edit = stem(&dir);
        for p in files(&dir) {
            items.push(Item {
                edit: edit.clone(),
                stem: stem(&p),
                path: p,
            });
        }
    }

    // Each picture read once: its stored code (originals) and its query, on `threads`.
    let started = Instant::now();
    let limits = Limits::default();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Option<Code>, Query)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let embedder = embedder.clone();
                let (items, next, limits) = (&items, &next, &limits);
                s.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let bytes = std::fs::read(&item.path).unwrap();
                        let code = (i < originals).then(|| {
                            imago_search::fingerprint(&bytes, limits, Some(&embedder))
                                .unwrap_or_else(|e| panic!("{}: {e}", item.path.display()))
                                .code
                        });
                        let query = imago_search::query(&bytes, limits, Some(&embedder))
                            .unwrap_or_else(|e| panic!("{}: {e}", item.path.display()));
                        out.push((i, code, query));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    done.sort_by_key(|d| d.0);
    let hashing = started.elapsed();

    let mut codes = Codes::default();
    let stored: Vec<Code> = done[..originals]
        .iter()
        .map(|d| d.1.expect("an original's code"))
        .collect();
    for c in &stored {
        codes.push(c);
    }

    let mut w = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    writeln!(
        w,
        "pair\tedit\tquery\tstored\tphash\tphash8\tpdq\tpdq8\tpdq_all\tcosine\tmatch\tcombined"
    )
    .unwrap();
    let mut lines = 0usize;
    let started = Instant::now();
    for (i, _, query) in &done {
        let item = &items[*i];
        let hits: BTreeMap<usize, (MatchKind, f32)> = codes
            .search(query, originals)
            .into_iter()
            .map(|h| (h.slot, (h.kind, h.score)))
            .collect();
        for (j, code) in stored.iter().enumerate() {
            let pair = if *i < originals {
                if j <= *i {
                    continue;
                }
                "neg"
            } else if items[j].stem == item.stem {
                "pos"
            } else {
                "negx"
            };
            let upright = &query.variants[0];
            debug_assert_eq!(upright.0, Dihedral::Upright);
            let eight = &query.variants[..8];
            let phash = (upright.1.phash ^ code.hashes.phash).count_ones();
            let pdq = upright.1.pdq.distance(&code.hashes.pdq);
            let phash8 = eight
                .iter()
                .map(|(_, h)| (h.phash ^ code.hashes.phash).count_ones())
                .min()
                .unwrap();
            let pdq8 = eight
                .iter()
                .map(|(_, h)| h.pdq.distance(&code.hashes.pdq))
                .min()
                .unwrap();
            let pdq_all = query
                .variants
                .iter()
                .flat_map(|(_, q)| {
                    std::iter::once(&code.hashes)
                        .chain(code.trimmed.as_ref())
                        .map(move |s| q.pdq.distance(&s.pdq))
                })
                .min()
                .unwrap();
            let cosine = match (&query.vector, &code.vector) {
                (Some(a), Some(b)) => a.cosine(b),
                _ => f32::NAN,
            };
            let (kind, combined) = match hits.get(&j) {
                Some((MatchKind::Exact, _)) => ("exact", 3.0),
                Some((MatchKind::Near, score)) => ("near", 2.0 + score),
                Some((MatchKind::Similar, score)) => ("similar", 1.0 + score),
                None => ("none", cosine),
            };
            writeln!(
                w,
                "{pair}\t{}\t{}\t{}\t{phash}\t{phash8}\t{pdq}\t{pdq8}\t{pdq_all}\t{cosine:.4}\t{kind}\t{combined:.4}",
                item.edit, item.stem, items[j].stem
            )
            .unwrap();
            lines += 1;
        }
    }
    w.flush().unwrap();
    eprintln!(
        "accuracy: {} pictures ({originals} originals) read, hashed and embedded in {:.1} s \
         ({:.0} ms each on {threads} threads); {lines} pairs compared in {:.1} s",
        items.len(),
        hashing.as_secs_f64(),
        hashing.as_secs_f64() * 1e3 * threads as f64 / items.len().max(1) as f64,
        started.elapsed().as_secs_f64(),
    );
}
