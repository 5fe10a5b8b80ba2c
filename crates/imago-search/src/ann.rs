//! Approximate nearest neighbours of the embeddings, for a long-lived index of many
//! pictures (a server): an HNSW graph (`hnsw_rs`) over the 512-byte vectors, by cosine.
//!
//! A graph costs hundreds of distance computations per picture to build, where one exact
//! scan of all vectors costs one; so a command that answers one query and exits scans
//! (`Codes::search`), and only an index that answers many builds the graph
//! ([`crate::Codes::prepare_ann`]). The candidates it finds are measured again exactly
//! before they are kept, so a score never depends on the graph. Recall against the scan
//! is measured by `examples/vector_speed.rs` (bench (7)).

use hnsw_rs::prelude::{Distance, Hnsw};

use crate::embed::{Vector, DIMENSIONS};

/// Links per node (the HNSW paper's M); 2M on the bottom layer.
const LINKS: usize = 16;

/// The breadth of the search while building (`ef_construction`).
const BUILD_BREADTH: usize = 200;

/// The breadth of a query's search (`ef`), at least the number of results asked for.
const SEARCH_BREADTH: usize = 128;

/// 1 - cosine of two quantised vectors.
#[derive(Clone, Copy, Debug, Default)]
struct CosineI8;

impl Distance<i8> for CosineI8 {
    fn eval(&self, a: &[i8], b: &[i8]) -> f32 {
        let (mut ab, mut aa, mut bb) = (0i32, 0i32, 0i32);
        for (x, y) in a.iter().zip(b) {
            let (x, y) = (i32::from(*x), i32::from(*y));
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        let norms = (aa as f32 * bb as f32).sqrt();
        if norms == 0.0 {
            1.0
        } else {
            1.0 - ab as f32 / norms
        }
    }
}

/// The graph; ids are positions in the vectors it was built from.
pub(crate) struct Ann {
    graph: Hnsw<'static, i8, CosineI8>,
}

impl Ann {
    /// A graph of `vectors` (built on the rayon pool in use).
    pub(crate) fn build(vectors: &[Vector]) -> Ann {
        let layers = 16;
        let graph = Hnsw::new(LINKS, vectors.len().max(1), layers, BUILD_BREADTH, CosineI8);
        let rows: Vec<Vec<i8>> = vectors.iter().map(|v| v.0.to_vec()).collect();
        let refs: Vec<(&Vec<i8>, usize)> = rows.iter().zip(0..).collect();
        graph.parallel_insert(&refs);
        Ann { graph }
    }

    /// Adds `vector` at position `id` (the next one): a long-lived index follows new
    /// pictures without building the graph again.
    pub(crate) fn insert(&self, vector: &Vector, id: usize) {
        self.graph.insert_slice((&vector.0, id));
    }

    /// The positions of the `k` vectors nearest `query`, nearest first (approximately).
    pub(crate) fn nearest(&self, query: &Vector, k: usize) -> Vec<usize> {
        debug_assert_eq!(query.0.len(), DIMENSIONS);
        self.graph
            .search(&query.0, k, SEARCH_BREADTH.max(k))
            .into_iter()
            .map(|n| n.d_id)
            .collect()
    }
}

impl std::fmt::Debug for Ann {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ann({} vectors)", self.graph.get_nb_point())
    }
}
