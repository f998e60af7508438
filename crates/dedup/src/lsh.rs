//! Locality-sensitive hashing of MinHash signatures by banding.
//!
//! A signature is cut into `bands` bands of `rows` consecutive minima; two
//! signatures are candidates when they agree on all rows of at least one
//! band, which happens with probability `1 − (1 − J^rows)^bands` for a pair of
//! Jaccard similarity `J`. Each band is a hash table from the band's 64-bit
//! key to a chain of documents threaded through one flat array, so an insert
//! is `bands` hash-table updates and a query `bands` look-ups plus the
//! candidates, whatever the size of the index.

use crate::hash::{combine, fmix64, FastMap};
use crate::minhash::Signature;

/// Banding parameters: `bands × rows` minima are used (at most `num_perm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LshParams {
    pub bands: usize,
    pub rows: usize,
}

impl LshParams {
    /// Explicit parameters.
    ///
    /// # Panics
    /// If `bands` or `rows` is 0.
    pub fn new(bands: usize, rows: usize) -> Self {
        assert!(bands > 0 && rows > 0, "bands and rows must be at least 1");
        LshParams { bands, rows }
    }

    /// Recall-first parameters for a similarity `threshold`: the largest
    /// `rows` (fewest spurious candidates) such that, with
    /// `bands = num_perm / rows`, a pair at exactly the threshold is a
    /// candidate with probability at least 0.999. Candidates are meant to be
    /// verified (exactly or by estimate) afterwards, so false candidates cost
    /// only time while misses cannot be recovered.
    ///
    /// For `threshold = 0.8, num_perm = 128` this gives 25 bands × 5 rows
    /// (P(candidate) = 0.99995 at J = 0.8, 0.55 at J = 0.5, 0.008 at J = 0.2).
    pub fn for_threshold(threshold: f64, num_perm: usize) -> Self {
        Self::for_recall(threshold, num_perm, 0.999)
    }

    /// Like [`for_threshold`](Self::for_threshold) with an explicit minimum
    /// candidate probability at the threshold. Falls back to one row per band
    /// if no setting reaches it.
    pub fn for_recall(threshold: f64, num_perm: usize, min_recall: f64) -> Self {
        assert!(num_perm > 0, "num_perm must be at least 1");
        for rows in (1..=num_perm).rev() {
            let p = LshParams::new(num_perm / rows, rows);
            if p.candidate_probability(threshold) >= min_recall {
                return p;
            }
        }
        LshParams::new(num_perm, 1)
    }

    /// The parameters datasketch's `MinHashLSH` picks: minimize
    /// `fp_weight · ∫₀ᵗ P(cand) + fn_weight · ∫ₜ¹ (1 − P(cand))` over all
    /// `bands × rows ≤ num_perm` (datasketch integrates numerically with
    /// scipy-style quadrature; this uses Simpson's rule on 200 intervals).
    pub fn optimal(threshold: f64, num_perm: usize, fp_weight: f64, fn_weight: f64) -> Self {
        let mut best = (f64::INFINITY, LshParams::new(1, 1));
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let p = LshParams::new(bands, rows);
                let fp = simpson(|s| p.candidate_probability(s), 0.0, threshold);
                let fnr = simpson(|s| 1.0 - p.candidate_probability(s), threshold, 1.0);
                let err = fp * fp_weight + fnr * fn_weight;
                if err < best.0 {
                    best = (err, p);
                }
            }
        }
        best.1
    }

    /// Probability that a pair of Jaccard similarity `j` becomes a candidate.
    pub fn candidate_probability(&self, j: f64) -> f64 {
        1.0 - (1.0 - j.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// Number of signature values used.
    pub fn used_perm(&self) -> usize {
        self.bands * self.rows
    }
}

fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const N: usize = 200;
    let h = (b - a) / N as f64;
    let mut s = f(a) + f(b);
    for i in 1..N {
        let x = a + h * i as f64;
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    s * h / 3.0
}

const NONE: u32 = u32::MAX;

/// An incremental LSH index over signatures, keyed by caller ids.
///
/// Insertions never rebuild anything. Empty signatures (empty shingle sets)
/// are neither inserted nor matched. Results are deterministic: candidates
/// come back in insertion order.
#[derive(Clone, Debug)]
pub struct LshIndex {
    params: LshParams,
    /// Per band: band key → most recently inserted document with that key.
    heads: Vec<FastMap<u64, u32>>,
    /// `next[doc * bands + band]`: the previous document with the same key.
    next: Vec<u32>,
    ids: Vec<u64>,
}

impl LshIndex {
    /// An empty index with explicit banding.
    pub fn new(bands: usize, rows: usize) -> Self {
        Self::with_params(LshParams::new(bands, rows))
    }

    /// An empty index with [`LshParams::for_threshold`].
    pub fn for_threshold(threshold: f64, num_perm: usize) -> Self {
        Self::with_params(LshParams::for_threshold(threshold, num_perm))
    }

    /// An empty index with the given parameters.
    pub fn with_params(params: LshParams) -> Self {
        LshIndex {
            params,
            heads: (0..params.bands).map(|_| FastMap::default()).collect(),
            next: Vec::new(),
            ids: Vec::new(),
        }
    }

    /// The banding.
    pub fn params(&self) -> LshParams {
        self.params
    }

    /// Number of documents indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True if nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Reserves room for `n` more documents.
    pub fn reserve(&mut self, n: usize) {
        self.ids.reserve(n);
        self.next.reserve(n * self.params.bands);
        for h in &mut self.heads {
            h.reserve(n);
        }
    }

    /// The band keys of a signature.
    ///
    /// # Panics
    /// If the signature is shorter than `bands × rows`.
    fn keys<'a>(&self, sig: &'a Signature) -> impl Iterator<Item = u64> + 'a {
        let params = self.params;
        let v = sig.values();
        assert!(
            v.len() >= params.used_perm(),
            "signature has {} values, the banding needs {}",
            v.len(),
            params.used_perm()
        );
        v.chunks_exact(params.rows)
            .take(params.bands)
            .enumerate()
            .map(|(band, rows)| {
                let mut acc = (band as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                for &r in rows {
                    acc = combine(acc, u64::from(r));
                }
                fmix64(acc)
            })
    }

    /// Adds a document. Ids need not be unique (a repeated id is simply
    /// indexed twice and returned once per entry).
    pub fn insert(&mut self, id: u64, sig: &Signature) {
        if sig.is_empty() {
            return;
        }
        let doc = u32::try_from(self.ids.len()).expect("at most 2^32 - 1 documents");
        assert!(doc != NONE, "at most 2^32 - 1 documents");
        for (band, key) in self.keys(sig).enumerate() {
            let prev = self.heads[band].insert(key, doc).unwrap_or(NONE);
            self.next.push(prev);
        }
        self.ids.push(id);
    }

    /// Ids of the indexed documents that share at least one band with `sig`,
    /// each once, in insertion order.
    pub fn query(&self, sig: &Signature) -> Vec<u64> {
        let mut docs = Vec::new();
        self.query_docs(sig, &mut docs);
        docs.into_iter().map(|d| self.ids[d as usize]).collect()
    }

    fn query_docs(&self, sig: &Signature, docs: &mut Vec<u32>) {
        docs.clear();
        if sig.is_empty() {
            return;
        }
        let bands = self.params.bands;
        for (band, key) in self.keys(sig).enumerate() {
            let mut d = self.heads[band].get(&key).copied().unwrap_or(NONE);
            while d != NONE {
                docs.push(d);
                d = self.next[d as usize * bands + band];
            }
        }
        docs.sort_unstable();
        docs.dedup();
    }

    /// Queries, then inserts: the candidates among the documents indexed
    /// before this one.
    pub fn query_then_insert(&mut self, id: u64, sig: &Signature) -> Vec<u64> {
        let c = self.query(sig);
        self.insert(id, sig);
        c
    }

    /// Approximate heap memory in bytes.
    pub fn memory_bytes(&self) -> usize {
        let tables: usize = self
            .heads
            .iter()
            .map(|h| h.capacity() * (std::mem::size_of::<(u64, u32)>() + 1))
            .sum();
        tables + self.next.capacity() * 4 + self.ids.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::MinHasher;

    #[test]
    fn params() {
        assert_eq!(LshParams::for_threshold(0.8, 128), LshParams::new(25, 5));
        let p = LshParams::for_threshold(0.8, 128);
        assert!(p.candidate_probability(0.8) > 0.999);
        // datasketch 2.0.0's choices (MinHashLSH(threshold, num_perm).b, .r).
        assert_eq!(
            LshParams::optimal(0.8, 128, 0.5, 0.5),
            LshParams::new(9, 13)
        );
        assert_eq!(
            LshParams::optimal(0.5, 128, 0.5, 0.5),
            LshParams::new(25, 5)
        );
        assert_eq!(LshParams::optimal(0.9, 64, 0.5, 0.5), LshParams::new(3, 21));
    }

    #[test]
    fn finds_identical_and_skips_empty() {
        let h = MinHasher::new(128, 1);
        let mut idx = LshIndex::for_threshold(0.8, 128);
        let a = h.signature(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        let b = h.signature(&[100, 200, 300, 400, 500, 600, 700, 800]);
        assert!(idx.query_then_insert(7, &a).is_empty());
        assert!(idx.query_then_insert(8, &b).is_empty());
        assert_eq!(idx.query_then_insert(9, &a), vec![7]);
        assert_eq!(idx.query(&a), vec![7, 9]);
        let e = h.signature(&[]);
        idx.insert(10, &e);
        assert!(idx.query(&e).is_empty());
        assert_eq!(idx.len(), 3);
    }
}
