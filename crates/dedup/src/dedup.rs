//! [`Deduper`]: shingles → signature → LSH candidates → verified matches, for
//! one article at a time.

use std::collections::HashMap;

use crate::exact::exact_jaccard;
use crate::lsh::{LshIndex, LshParams};
use crate::minhash::{estimate_jaccard, MinHasher, Signature};
use crate::shingle::{Scratch, Shingler};

/// How LSH candidates are confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// Keep every shingle set in memory (8 bytes per distinct shingle) and
    /// report a candidate when its exact Jaccard is at least the threshold:
    /// no false positives.
    Exact,
    /// Keep only signatures and report a candidate when its estimated
    /// Jaccard is at least the threshold (standard error
    /// `√(J(1−J)/num_perm)`, ≈ 0.035 at J = 0.8 with 128 permutations).
    Estimate,
}

/// Parameters of a [`Deduper`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DedupConfig {
    /// Words per shingle.
    pub shingle_k: usize,
    /// MinHash permutations.
    pub num_perm: usize,
    /// Seed of the permutations (signatures are comparable only under the
    /// same `num_perm` and seed).
    pub seed: u64,
    /// Jaccard similarity at or above which two articles are duplicates.
    pub threshold: f64,
    /// LSH banding.
    pub lsh: LshParams,
    /// Candidate verification.
    pub verify: Verify,
}

impl Default for DedupConfig {
    /// `k = 3`, 128 permutations, seed 1, threshold 0.8, 25 bands × 5 rows,
    /// exact verification.
    fn default() -> Self {
        DedupConfig {
            shingle_k: crate::DEFAULT_K,
            num_perm: crate::DEFAULT_NUM_PERM,
            seed: crate::DEFAULT_SEED,
            threshold: crate::DEFAULT_THRESHOLD,
            lsh: LshParams::for_threshold(crate::DEFAULT_THRESHOLD, crate::DEFAULT_NUM_PERM),
            verify: Verify::Exact,
        }
    }
}

/// A verified near-duplicate of the article being checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Match {
    /// Id of the earlier article.
    pub id: u64,
    /// Estimated Jaccard from the signatures.
    pub estimated: f64,
    /// Exact Jaccard of the shingle sets (with [`Verify::Exact`]).
    pub exact: Option<f64>,
}

/// The result of checking one article.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The article's signature (store it as [`Signature::to_bytes`]).
    pub signature: Signature,
    /// Matches at or above the threshold, in insertion order of the index.
    pub matches: Vec<Match>,
    /// LSH candidates before verification.
    pub candidates: usize,
}

/// An incremental near-duplicate detector.
#[derive(Debug)]
pub struct Deduper {
    config: DedupConfig,
    shingler: Shingler,
    hasher: MinHasher,
    index: LshIndex,
    signatures: HashMap<u64, Signature>,
    sets: HashMap<u64, Box<[u64]>>,
    scratch: Scratch,
    buf: Vec<u64>,
}

impl Deduper {
    /// An empty detector.
    ///
    /// # Panics
    /// If the banding needs more values than `num_perm`, or the threshold is
    /// not in `(0, 1]`.
    pub fn new(config: DedupConfig) -> Self {
        assert!(
            config.lsh.used_perm() <= config.num_perm,
            "bands × rows > num_perm"
        );
        assert!(
            config.threshold > 0.0 && config.threshold <= 1.0,
            "threshold must be in (0, 1]"
        );
        Deduper {
            shingler: Shingler::new(config.shingle_k),
            hasher: MinHasher::new(config.num_perm, config.seed),
            index: LshIndex::with_params(config.lsh),
            signatures: HashMap::new(),
            sets: HashMap::new(),
            scratch: Scratch::default(),
            buf: Vec::new(),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// The shingler.
    pub fn shingler(&self) -> &Shingler {
        &self.shingler
    }

    /// The MinHash hasher.
    pub fn hasher(&self) -> &MinHasher {
        &self.hasher
    }

    /// Number of indexed articles.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// True if nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// Reserves room for `n` more articles (avoids rehashing pauses while
    /// loading a large index).
    pub fn reserve(&mut self, n: usize) {
        self.index.reserve(n);
        self.signatures.reserve(n);
        if self.config.verify == Verify::Exact {
            self.sets.reserve(n);
        }
    }

    /// Checks `text` against the index, then indexes it under `id`.
    pub fn check_and_insert(&mut self, id: u64, text: &str) -> Checked {
        let mut buf = std::mem::take(&mut self.buf);
        self.shingler
            .shingles_into(text, &mut self.scratch, &mut buf);
        let c = self.check_and_insert_shingles(id, &buf);
        self.buf = buf;
        c
    }

    /// Checks `text` against the index without indexing it.
    pub fn check(&self, text: &str) -> Checked {
        let shingles = self.shingler.shingles(text);
        self.check_shingles(&shingles)
    }

    /// [`check`](Self::check) from a sorted, deduplicated shingle set.
    pub fn check_shingles(&self, shingles: &[u64]) -> Checked {
        let signature = self.hasher.signature(shingles);
        let cands = self.index.query(&signature);
        let candidates = cands.len();
        let t = self.config.threshold;
        let matches = cands
            .into_iter()
            .filter_map(|id| {
                let estimated = estimate_jaccard(&signature, &self.signatures[&id]);
                match self.config.verify {
                    Verify::Estimate => (estimated >= t).then_some(Match {
                        id,
                        estimated,
                        exact: None,
                    }),
                    Verify::Exact => {
                        let exact = exact_jaccard(shingles, &self.sets[&id]);
                        (exact >= t).then_some(Match {
                            id,
                            estimated,
                            exact: Some(exact),
                        })
                    }
                }
            })
            .collect();
        Checked {
            signature,
            matches,
            candidates,
        }
    }

    /// [`check_and_insert`](Self::check_and_insert) from a sorted,
    /// deduplicated shingle set.
    pub fn check_and_insert_shingles(&mut self, id: u64, shingles: &[u64]) -> Checked {
        let c = self.check_shingles(shingles);
        self.insert_parts(id, c.signature.clone(), shingles);
        c
    }

    /// Indexes an article from a stored signature (and, with
    /// [`Verify::Exact`], its shingle set) without checking it, e.g. when
    /// reloading an index. Replacing an id is not supported: each id should
    /// be inserted once.
    pub fn insert_parts(&mut self, id: u64, signature: Signature, shingles: &[u64]) {
        if signature.is_empty() {
            return;
        }
        self.index.insert(id, &signature);
        if self.config.verify == Verify::Exact {
            self.sets.insert(id, shingles.into());
        }
        self.signatures.insert(id, signature);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة الشمالية يضم مئتي سرير وقسما للطوارئ ومختبرات حديثة، وقال الوزير إن المشروع جزء من خطة لتوسيع الخدمات الصحية في المناطق النائية خلال الأعوام المقبلة.";
    const B: &str = "بدأ موسم الحصاد في السهول الجنوبية وسط توقعات بمحصول وفير من القمح والشعير بعد أمطار غزيرة هطلت خلال الشتاء الماضي، وأكد المزارعون أن الأسعار ما زالت مستقرة في الأسواق المحلية.";

    #[test]
    fn finds_a_lightly_edited_copy() {
        for verify in [Verify::Exact, Verify::Estimate] {
            let mut d = Deduper::new(DedupConfig {
                verify,
                ..DedupConfig::default()
            });
            assert!(d.check_and_insert(1, A).matches.is_empty());
            assert!(d.check_and_insert(2, B).matches.is_empty());
            // Diacritics, hamza and punctuation differences only: identical.
            let copy = A.replace("أعلنت", "اعلنت").replace('،', " ");
            let c = d.check_and_insert(3, &copy);
            assert_eq!(c.matches.len(), 1);
            assert_eq!(c.matches[0].id, 1);
            if verify == Verify::Exact {
                assert_eq!(c.matches[0].exact, Some(1.0));
            }
            assert_eq!(c.matches[0].estimated, 1.0);
            assert_eq!(d.len(), 3);
            // `check` does not insert.
            assert_eq!(d.check(B).matches.len(), 1);
            assert_eq!(d.len(), 3);
        }
    }
}
