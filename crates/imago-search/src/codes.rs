//! The hashes held in memory, and how a query meets them: a stored picture matches when
//! one of its codes (as it is, trimmed) is within PDQ's reach of one of the query's
//! orientations. Candidates come from a scan of every code or, from
//! [`MULTI_INDEX_FROM`] pictures on, from multi-index hashing (`mih.rs`); the answers are
//! the same. About 164 bytes per picture with the tables (bench/search.sh).

use std::sync::OnceLock;

use serde::Serialize;

use crate::mih::Mih;

use crate::ann::Ann;
use crate::embed::Vector;
use crate::hashes::{Dihedral, Hashes};

/// PDQ distances up to this are the same picture, edited (the reference's threshold for
/// a match, 31 of 256 bits).
pub const NEAR_PDQ: u32 = 31;

/// From this cosine of the embeddings on, two pictures are similar: a crop, a
/// watermark, a frame or a product card around the same photo. Among the 25
/// scikit-image photos, unrelated pairs stay at 0.36 or under (two textures, grass and
/// gravel); in `tests/embedding.rs` 53 of 55 hard edits reach 0.5 (a card at 0.46, a
/// watermark at 0.50 missed).
pub const SIMILAR_MIN: f32 = 0.5;

/// Below this PDQ quality (0..=100) a picture is too flat for its hash to tell it from
/// another flat one: it matches only when its bytes or both hashes are equal.
pub const MIN_QUALITY: u8 = 50;

/// How a stored picture matches a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The same file, or the same pixels as far as both hashes tell (upright: a mirrored
    /// copy is near).
    Exact,
    /// The same picture, edited: resized, recompressed, converted, trimmed of a frame,
    /// turned or mirrored.
    Near,
    /// Not the same pixels, but the same photo by the embedding ([`SIMILAR_MIN`]):
    /// cropped, watermarked, framed, turned a little.
    Similar,
}

impl MatchKind {
    /// The word `--json` writes.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Near => "near",
            MatchKind::Similar => "similar",
        }
    }
}

/// One stored picture's codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    /// Of the picture as it is.
    pub hashes: Hashes,
    /// Of the picture without its borders, when it has some.
    pub trimmed: Option<Hashes>,
    pub sha256: [u8; 32],
    /// The embedding of the trimmed picture, when the model was there to make it.
    pub vector: Option<Vector>,
}

impl Code {
    /// The hashes as stored (the index's `codes` column, the server's too): pHash (8
    /// bytes, big-endian), PDQ (32), quality (1), then the same for the trimmed picture
    /// when it has borders: 41 or 82 bytes.
    pub fn hashes_to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(82);
        for h in std::iter::once(&self.hashes).chain(self.trimmed.as_ref()) {
            out.extend_from_slice(&h.phash.to_be_bytes());
            out.extend_from_slice(&h.pdq.to_bytes());
            out.push(h.quality);
        }
        out
    }

    /// What [`Code::hashes_to_bytes`] wrote, with the file's digest (and no vector: it is
    /// stored apart, [`Vector::from_bytes`]); `None` for bytes it did not write.
    pub fn from_bytes(bytes: &[u8], sha256: [u8; 32]) -> Option<Code> {
        let one = |b: &[u8]| {
            let phash = u64::from_be_bytes(b[..8].try_into().ok()?);
            let pdq = crate::hashes::Pdq::from_bytes(b[8..40].try_into().ok()?);
            Some(Hashes {
                phash,
                pdq,
                quality: b[40],
            })
        };
        match bytes.len() {
            41 => Some(Code {
                hashes: one(bytes)?,
                trimmed: None,
                sha256,
                vector: None,
            }),
            82 => Some(Code {
                hashes: one(&bytes[..41])?,
                trimmed: Some(one(&bytes[41..])?),
                sha256,
                vector: None,
            }),
            _ => None,
        }
    }
}

/// A query: its file's digest and its hashes in the orientations to compare (the eight
/// of [`crate::query`], of the picture and of its trimmed self; or the upright ones
/// alone).
#[derive(Clone, Debug)]
pub struct Query {
    pub sha256: [u8; 32],
    pub variants: Vec<(Dihedral, Hashes)>,
    /// The embedding of the trimmed picture, when a model made one.
    pub vector: Option<Vector>,
}

impl Query {
    /// A stored picture as a query for its copies as they are, not turned or mirrored.
    pub fn upright(code: &Code) -> Query {
        let mut variants = vec![(Dihedral::Upright, code.hashes)];
        variants.extend(code.trimmed.map(|t| (Dihedral::Upright, t)));
        Query {
            sha256: code.sha256,
            variants,
            vector: code.vector,
        }
    }
}

/// A stored picture that matched, by its position in the [`Codes`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub slot: usize,
    #[serde(rename = "match")]
    pub kind: MatchKind,
    /// 1 for the same picture, falling with the bits that differ (0.88 at the threshold);
    /// for a similar one, the cosine of the embeddings.
    pub score: f32,
    /// The cosine of the two embeddings, when both pictures have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
    pub pdq_distance: u32,
    pub phash_distance: u32,
    /// How the stored picture is turned relative to the query.
    pub orientation: Dihedral,
}

/// The stored codes, in slots (one per picture); a picture with borders has a second
/// set of hashes, of its trimmed self, in `trimmed`, found through `trimmed_of`.
#[derive(Clone, Debug, Default)]
pub struct Codes {
    hashes: Vec<Hashes>,
    sha256: Vec<[u8; 32]>,
    trimmed: Vec<Hashes>,
    /// Per slot: its index in `trimmed`, or `u32::MAX`.
    trimmed_of: Vec<u32>,
    /// Per entry of `trimmed`: its slot.
    trimmed_owner: Vec<u32>,
    /// The embeddings, and per entry its slot (pictures indexed without the model have
    /// none).
    vectors: Vec<Vector>,
    /// Per entry of `vectors`: its [`Vector::norm`].
    vector_norms: Vec<f32>,
    vector_owner: Vec<u32>,
    /// Per slot: its index in `vectors`, or `u32::MAX`.
    vector_of: Vec<u32>,
    /// The HNSW graph of `vectors`, built by [`Codes::prepare_ann`]; a push inserts
    /// into it.
    ann: OnceLock<std::sync::Arc<Ann>>,
    /// The multi-index tables, built by the first search that uses them, over the slots
    /// there were then; later slots are scanned (see [`Codes::push`]).
    mih: OnceLock<Covering>,
}

/// Multi-index tables and the slots they cover: `0..slots` (their ids below `slots`)
/// and those slots' trimmed hashes (ids from `slots` on, in `trimmed` order).
#[derive(Clone, Debug)]
struct Covering {
    mih: Mih,
    slots: usize,
}

/// How many slots pushed after the multi-index tables were built a search scans before
/// the tables are built again: at least this many, or an eighth of those covered, so
/// that a long-lived index that follows new pictures one at a time rebuilds its tables
/// (O(n)) only after O(n) pushes.
const UNCOVERED_MIN: usize = MULTI_INDEX_FROM / 4;

/// How [`Codes::search_using`] finds the stored codes to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Every stored code.
    Scan,
    /// Only those multi-index hashing finds within reach ([`crate::mih`]); and for the
    /// embeddings, the nearest the HNSW graph finds, once [`Codes::prepare_ann`] built it.
    MultiIndex,
}

/// From this many pictures on, [`Codes::search`] uses multi-index hashing (below it the
/// scan is as fast, and building the tables costs more than it saves).
pub const MULTI_INDEX_FROM: usize = 20_000;

impl Codes {
    pub fn push(&mut self, code: &Code) -> usize {
        self.hashes.push(code.hashes);
        self.sha256.push(code.sha256);
        let slot = self.hashes.len() - 1;
        let t = match code.trimmed {
            Some(t) => {
                self.trimmed.push(t);
                self.trimmed_owner.push(slot as u32);
                (self.trimmed.len() - 1) as u32
            }
            None => u32::MAX,
        };
        self.trimmed_of.push(t);
        let v = match code.vector {
            Some(v) => {
                self.vectors.push(v);
                self.vector_norms.push(v.norm());
                self.vector_owner.push(slot as u32);
                (self.vectors.len() - 1) as u32
            }
            None => u32::MAX,
        };
        self.vector_of.push(v);
        let uncovered = |c: &Covering| self.len() - c.slots;
        if self
            .mih
            .get()
            .is_some_and(|c| uncovered(c) > UNCOVERED_MIN.max(c.slots / 8))
        {
            self.mih = OnceLock::new();
        }
        if let (Some(graph), Some(vector)) = (self.ann.get(), code.vector) {
            graph.insert(&vector, v as usize);
        }
        slot
    }

    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The stored pictures that match `query`, best first: exact ones, then near ones by
    /// PDQ distance, pHash distance, then slot; at most `k`. Multi-index hashing from
    /// [`MULTI_INDEX_FROM`] pictures on, else a scan: the same answers.
    pub fn search(&self, query: &Query, k: usize) -> Vec<Hit> {
        let strategy = if self.len() >= MULTI_INDEX_FROM {
            Strategy::MultiIndex
        } else {
            Strategy::Scan
        };
        self.search_using(query, k, strategy)
    }

    /// Builds the multi-index tables now rather than at the first search that needs them.
    pub fn prepare_multi_index(&self) {
        self.mih();
    }

    /// Builds the HNSW graph of the embeddings, which [`Strategy::MultiIndex`] then
    /// searches instead of scanning them: for an index that answers many queries (a
    /// server); one query is answered sooner by the scan than the graph is built. Later
    /// pushes are inserted into the graph (a few milliseconds each).
    pub fn prepare_ann(&self) {
        self.ann
            .get_or_init(|| std::sync::Arc::new(Ann::build(&self.vectors)));
    }

    fn mih(&self) -> &Covering {
        self.mih.get_or_init(|| {
            let all: Vec<_> = self
                .hashes
                .iter()
                .chain(&self.trimmed)
                .map(|h| h.pdq)
                .collect();
            Covering {
                mih: Mih::build(&all),
                slots: self.len(),
            }
        })
    }

    /// [`Codes::search`] with the given way of finding candidates.
    pub fn search_using(&self, query: &Query, k: usize, strategy: Strategy) -> Vec<Hit> {
        let mut hits = Vec::new();
        match strategy {
            Strategy::Scan => {
                for slot in 0..self.len() {
                    if let Some(hit) = self.compare(slot, query) {
                        hits.push(hit);
                    }
                }
            }
            Strategy::MultiIndex => {
                let Covering { mih, slots } = self.mih();
                let slots = *slots;
                let mut seen = vec![0u64; slots.div_ceil(64)];
                for (_, q) in &query.variants {
                    mih.candidates(&q.pdq, |id| {
                        let id = id as usize;
                        let slot = if id < slots {
                            id
                        } else {
                            self.trimmed_owner[id - slots] as usize
                        };
                        let (word, bit) = (slot / 64, 1u64 << (slot % 64));
                        if seen[word] & bit == 0 {
                            seen[word] |= bit;
                            if let Some(hit) = self.compare(slot, query) {
                                hits.push(hit);
                            }
                        }
                    });
                }
                // Pushed since the tables were built.
                for slot in slots..self.len() {
                    if let Some(hit) = self.compare(slot, query) {
                        hits.push(hit);
                    }
                }
            }
        }
        if let Some(qv) = &query.vector {
            let ann = match strategy {
                Strategy::MultiIndex => self.ann.get().map(|a| &**a),
                Strategy::Scan => None,
            };
            self.similar(qv, query, &mut hits, ann.map(|a| (a, k)));
        }
        hits.sort_by(|a, b| {
            a.kind.cmp(&b.kind).then_with(|| match a.kind {
                MatchKind::Similar => b.score.total_cmp(&a.score).then(a.slot.cmp(&b.slot)),
                _ => (a.pdq_distance, a.phash_distance, a.slot).cmp(&(
                    b.pdq_distance,
                    b.phash_distance,
                    b.slot,
                )),
            })
        });
        hits.truncate(k);
        hits
    }

    /// Gives the hash hits their cosine, and adds to `hits` the pictures whose embedding
    /// is [`SIMILAR_MIN`] or closer to `qv`: among all (an exact scan, 512 multiply-adds a
    /// picture), or among the nearest the graph finds for `k` results.
    fn similar(&self, qv: &Vector, query: &Query, hits: &mut Vec<Hit>, ann: Option<(&Ann, usize)>) {
        let mut hashed = std::collections::HashSet::new();
        let qn = qv.norm();
        for h in hits.iter_mut() {
            hashed.insert(h.slot);
            let i = self.vector_of[h.slot] as usize;
            if i < self.vectors.len() {
                h.similarity = Some(self.cosine_to(qv, qn, i));
            }
        }
        let consider = |i: usize| {
            let slot = self.vector_owner[i] as usize;
            if hashed.contains(&slot) {
                return;
            }
            let cosine = self.cosine_to(qv, qn, i);
            if cosine >= SIMILAR_MIN {
                let (pdq_distance, phash_distance, orientation) = self.closest(slot, query);
                hits.push(Hit {
                    slot,
                    kind: MatchKind::Similar,
                    score: cosine,
                    similarity: Some(cosine),
                    pdq_distance,
                    phash_distance,
                    orientation,
                });
            }
        };
        match ann {
            // More than asked: some of the nearest may be hash hits already.
            Some((graph, k)) => graph
                .nearest(qv, k.saturating_add(hashed.len()).max(10))
                .into_iter()
                .for_each(consider),
            None => (0..self.vectors.len()).for_each(consider),
        }
    }

    /// The `k` stored pictures whose embeddings are nearest `qv`, by cosine, nearest
    /// first, whatever their cosine: all compared ([`Strategy::Scan`]), or those the HNSW
    /// graph finds ([`Strategy::MultiIndex`], once prepared). What the graph's recall is
    /// measured by.
    pub fn nearest_vectors(&self, qv: &Vector, k: usize, strategy: Strategy) -> Vec<(usize, f32)> {
        let qn = qv.norm();
        let mut found: Vec<(usize, f32)> = match (strategy, self.ann.get()) {
            (Strategy::MultiIndex, Some(graph)) => graph.nearest(qv, k),
            _ => (0..self.vectors.len()).collect(),
        }
        .into_iter()
        .map(|i| (self.vector_owner[i] as usize, self.cosine_to(qv, qn, i)))
        .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(k);
        found
    }

    /// The cosine of `qv` (of length `qn`) and stored vector `i`, with its kept length.
    fn cosine_to(&self, qv: &Vector, qn: f32, i: usize) -> f32 {
        qv.cosine_with(&self.vectors[i], qn, self.vector_norms[i])
    }

    /// The smallest PDQ (then pHash) distance between slot `slot`'s hashes and the
    /// query's, and the orientation it was found in.
    fn closest(&self, slot: usize, query: &Query) -> (u32, u32, Dihedral) {
        self.best_pair(slot, query, None)
            .map_or((u32::MAX, u32::MAX, Dihedral::Upright), |(d, p, o, ..)| {
                (d, p, o)
            })
    }

    /// The closest pair (by PDQ, then pHash distance) of slot `slot`'s hashes (as it is,
    /// trimmed) and the query's variants: the distances, the orientation, and the two
    /// hashes. With `reach`, pairs farther than it by PDQ are passed over after one
    /// comparison.
    fn best_pair<'a>(
        &'a self,
        slot: usize,
        query: &'a Query,
        reach: Option<u32>,
    ) -> Option<(u32, u32, Dihedral, &'a Hashes, &'a Hashes)> {
        let whole = &self.hashes[slot];
        let trimmed = self.trimmed.get(self.trimmed_of[slot] as usize);
        let mut best: Option<(u32, u32, Dihedral, &Hashes, &Hashes)> = None;
        for (o, q) in &query.variants {
            for stored in std::iter::once(whole).chain(trimmed) {
                let d = q.pdq.distance(&stored.pdq);
                if reach.is_some_and(|r| d > r) {
                    continue;
                }
                let p = (q.phash ^ stored.phash).count_ones();
                if best.is_none_or(|(bd, bp, ..)| (d, p) < (bd, bp)) {
                    best = Some((d, p, *o, q, stored));
                }
            }
        }
        best
    }

    /// How slot `slot` matches `query`, if it does: its [`Codes::best_pair`] within PDQ's
    /// reach (any, for the same file).
    pub fn compare(&self, slot: usize, query: &Query) -> Option<Hit> {
        let same_bytes = query.sha256 == self.sha256[slot];
        let best = self.best_pair(slot, query, (!same_bytes).then_some(NEAR_PDQ));
        let (pdq_distance, phash_distance, orientation, q, stored) = best?;
        let same_pixels =
            pdq_distance == 0 && phash_distance == 0 && orientation == Dihedral::Upright;
        let kind = if same_bytes || same_pixels {
            MatchKind::Exact
        } else if pdq_distance <= NEAR_PDQ
            && q.quality >= MIN_QUALITY
            && stored.quality >= MIN_QUALITY
        {
            MatchKind::Near
        } else {
            return None;
        };
        let score = if same_bytes {
            1.0
        } else {
            1.0 - pdq_distance as f32 / 256.0
        };
        Some(Hit {
            slot,
            kind,
            score,
            similarity: None,
            pdq_distance,
            phash_distance,
            orientation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hashes::Pdq;

    /// xorshift64*: reproducible codes without a dependency.
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

    /// `h` with `bits` of its PDQ bits flipped (distinct positions).
    fn flipped(h: &Hashes, bits: u32, rng: &mut Rng) -> Hashes {
        let mut out = *h;
        let mut done = std::collections::HashSet::new();
        while done.len() < bits as usize {
            let b = (rng.next() % 256) as usize;
            if done.insert(b) {
                out.pdq.0[b / 64] ^= 1 << (b % 64);
            }
        }
        out
    }

    #[test]
    fn multi_index_hashing_answers_what_the_scan_answers() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut codes = Codes::default();
        let mut queries = Vec::new();
        for i in 0..30_000u32 {
            if i == 26_000 {
                // The tables cover what is here now; the rest is pushed after them, as a
                // server follows its uploads, and must be found as well.
                codes.prepare_multi_index();
            }
            let h = rng.hashes();
            // Every tenth picture has borders: a second, trimmed code.
            let trimmed = (i % 10 == 0).then(|| rng.hashes());
            codes.push(&Code {
                hashes: h,
                trimmed,
                sha256: [0; 32],
                vector: None,
            });
            if i % 1000 == 0 {
                // Copies at every distance up to just past the threshold, of the picture
                // and of its trimmed self; some with more than one stored match.
                for bits in [0, 1, 15, 16, 17, 30, 31, 32, 40] {
                    let base = if bits % 2 == 0 {
                        trimmed.unwrap_or(h)
                    } else {
                        h
                    };
                    queries.push(flipped(&base, bits, &mut rng));
                }
                codes.push(&Code {
                    hashes: flipped(&h, 20, &mut rng),
                    trimmed: None,
                    sha256: [1; 32],
                    vector: None,
                });
            }
        }
        queries.extend((0..50).map(|_| rng.hashes()));
        assert_eq!(codes.mih.get().map(|c| c.slots), Some(26_026));
        let mut found = 0;
        for q in &queries {
            let query = Query {
                sha256: [9; 32],
                variants: vec![(Dihedral::Upright, *q), (Dihedral::Mirrored, rng.hashes())],
                vector: None,
            };
            let scan = codes.search_using(&query, 100, Strategy::Scan);
            let mih = codes.search_using(&query, 100, Strategy::MultiIndex);
            assert_eq!(scan, mih);
            found += scan.len();
        }
        // The copies within 31 bits were found (31 of 9 per planted picture at least).
        assert!(found >= 30 * 7, "{found}");
    }

    #[test]
    fn code_bytes_go_round_with_and_without_a_trimmed_code() {
        let mut rng = Rng(7);
        for trimmed in [None, Some(rng.hashes())] {
            let code = Code {
                hashes: rng.hashes(),
                trimmed,
                sha256: [3; 32],
                vector: None,
            };
            let bytes = code.hashes_to_bytes();
            assert_eq!(bytes.len(), if trimmed.is_some() { 82 } else { 41 });
            assert_eq!(Code::from_bytes(&bytes, [3; 32]), Some(code));
        }
        assert_eq!(Code::from_bytes(&[0; 40], [0; 32]), None);
    }

    #[test]
    fn the_graph_finds_the_nearest_vectors_and_the_same_similar_hits_as_the_scan() {
        let mut rng = Rng(99);
        let mut unit = || (rng.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
        // 150 subjects of 20 pictures each: a centre and noise.
        let centres: Vec<Vec<f32>> = (0..150)
            .map(|_| (0..crate::DIMENSIONS).map(|_| unit()).collect())
            .collect();
        let mut codes = Codes::default();
        let mut rng2 = Rng(5);
        for i in 0..3000 {
            if i == 2000 {
                // The last third is inserted into the graph one by one.
                codes.prepare_ann();
            }
            let values: Vec<f32> = centres[i % 150].iter().map(|c| c + 0.5 * unit()).collect();
            codes.push(&Code {
                hashes: rng2.hashes(),
                trimmed: None,
                sha256: [0; 32],
                vector: Some(Vector::quantize(&values)),
            });
        }
        codes.prepare_ann();
        let (mut same, mut asked) = (0, 0);
        for c in centres.iter().take(50) {
            let q = Vector::quantize(c);
            let scan = codes.nearest_vectors(&q, 10, Strategy::Scan);
            let graph = codes.nearest_vectors(&q, 10, Strategy::MultiIndex);
            asked += scan.len();
            same += scan.iter().filter(|s| graph.contains(s)).count();
            // The scan's nearest are the centre's own pictures.
            assert!(scan.iter().all(|(slot, _)| slot % 150 == scan[0].0 % 150));
            let query = Query {
                sha256: [1; 32],
                variants: vec![(Dihedral::Upright, rng2.hashes())],
                vector: Some(q),
            };
            let hits = codes.search_using(&query, 5, Strategy::MultiIndex);
            assert_eq!(hits, codes.search_using(&query, 5, Strategy::Scan));
            assert!(
                hits.iter().all(|h| h.kind == MatchKind::Similar),
                "{hits:?}"
            );
            assert_eq!(hits.len(), 5);
        }
        assert!(same * 100 >= asked * 95, "recall {same} of {asked}");
    }
}
