//! Multi-index hashing (Norouzi, Punjani and Fleet, 2012) over PDQ codes: the 256 bits cut
//! into 16 words of 16 bits, each word a table from its value to the codes holding it.
//! Two codes within 31 bits ([`crate::NEAR_PDQ`]) differ by at most one bit in at least
//! one word (sixteen words of two or more would be 32), so a query looks in 16 x 17
//! buckets (each of its words and the 16 values one bit away) and compares only the
//! codes found there. It answers what the exact scan answers (tested in `codes.rs`).

use crate::hashes::Pdq;

const WORDS: usize = 16;
const VALUES: usize = 1 << 16;

/// The tables, in compressed-row form: per word, each value's code ids are
/// `ids[offsets[v]..offsets[v + 1]]` (word `w`'s part of both arrays starts at
/// `w * (VALUES + 1)` and `w * n`). Four bytes per code per word, 64 per code, plus
/// 4 MiB of offsets.
#[derive(Clone)]
pub(crate) struct Mih {
    offsets: Vec<u32>,
    ids: Vec<u32>,
    len: usize,
}

impl std::fmt::Debug for Mih {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mih({} codes)", self.len)
    }
}

fn word(code: &Pdq, w: usize) -> usize {
    ((code.0[w / 4] >> ((w % 4) * 16)) & 0xffff) as usize
}

impl Mih {
    /// The tables of `codes`, whose ids are their positions.
    pub fn build(codes: &[Pdq]) -> Mih {
        let n = codes.len();
        let mut offsets = vec![0u32; WORDS * (VALUES + 1)];
        let mut ids = vec![0u32; WORDS * n];
        for w in 0..WORDS {
            let offsets = &mut offsets[w * (VALUES + 1)..(w + 1) * (VALUES + 1)];
            // Counting sort by the word's value.
            for code in codes {
                offsets[word(code, w) + 1] += 1;
            }
            for v in 0..VALUES {
                offsets[v + 1] += offsets[v];
            }
            let mut next: Vec<u32> = offsets[..VALUES].to_vec();
            let ids = &mut ids[w * n..(w + 1) * n];
            for (id, code) in codes.iter().enumerate() {
                let v = word(code, w);
                ids[next[v] as usize] = id as u32;
                next[v] += 1;
            }
        }
        Mih {
            offsets,
            ids,
            len: n,
        }
    }

    /// Calls `found` with every code id that may be within 31 bits of `query` (some
    /// more than once; none within 31 left out).
    pub fn candidates(&self, query: &Pdq, mut found: impl FnMut(u32)) {
        for w in 0..WORDS {
            let base = w * (VALUES + 1);
            let ids = &self.ids[w * self.len..(w + 1) * self.len];
            let v = word(query, w);
            for flip in 0..=16 {
                let probe = if flip == 16 { v } else { v ^ (1 << flip) };
                let (from, to) = (self.offsets[base + probe], self.offsets[base + probe + 1]);
                for id in &ids[from as usize..to as usize] {
                    found(*id);
                }
            }
        }
    }
}
