//! MinHash signatures.
//!
//! Permutation `i` is simulated by Dietzfelbinger's multiply-add-shift hash
//! on 32-bit keys, `h_i(x) = ((a_i·x + b_i) mod 2^64) >> 32` with `a_i`,
//! `b_i` drawn from SplitMix64 on the seed: a strongly universal
//! (2-independent) family, the same guarantee as the `a·x + b mod p` family
//! of datasketch, at one 64-bit multiply per value instead of a 128-bit
//! modular reduction. The 64-bit shingle hashes are folded to 32-bit keys
//! (`x ^ x >> 32`); a fold collision only merges two shingles of a pair's
//! union, with probability ≈ |A∪B|²/2^33 (≈ 10⁻⁴ for 1,000 shingles).
//!
//! The kernel is plain Rust that the compiler vectorizes; on x86-64 it is
//! compiled a second and third time for AVX2 and AVX-512 and chosen at run
//! time. All paths compute the same integers, so signatures do not depend on
//! the machine.

use crate::hash::SplitMix64;

/// A MinHash signature: one 32-bit minimum per permutation.
///
/// The signature of the empty set is all `u32::MAX` and is
/// [`is_empty`](Signature::is_empty); it is similar to nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature(Vec<u32>);

impl Signature {
    /// Wraps raw minima.
    pub fn from_values(values: Vec<u32>) -> Self {
        Signature(values)
    }

    /// The minima, one per permutation.
    pub fn values(&self) -> &[u32] {
        &self.0
    }

    /// Number of permutations.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the signature of an empty shingle set (or with no
    /// permutations).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&v| v == u32::MAX)
    }

    /// Compact bytes for storage (a SQLite BLOB): the minima as
    /// little-endian `u32`, 4 bytes per permutation (512 bytes for 128).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 4);
        for v in &self.0 {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads [`to_bytes`](Self::to_bytes); `None` if the length is not a
    /// multiple of 4.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if !bytes.len().is_multiple_of(4) {
            return None;
        }
        Some(Signature(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect(),
        ))
    }
}

/// Estimated Jaccard similarity: the fraction of permutations whose minima
/// agree. 0 if either signature is empty; compares the common prefix if the
/// lengths differ (signatures should come from the same [`MinHasher`]).
pub fn estimate_jaccard(a: &Signature, b: &Signature) -> f64 {
    let n = a.0.len().min(b.0.len());
    if n == 0 || a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let same = a.0[..n]
        .iter()
        .zip(&b.0[..n])
        .filter(|(x, y)| x == y)
        .count();
    same as f64 / n as f64
}

/// Computes MinHash signatures with `num_perm` fixed, seeded permutations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
    seed: u64,
}

impl MinHasher {
    /// `num_perm` permutations drawn from `seed`.
    ///
    /// # Panics
    /// If `num_perm` is 0.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        assert!(num_perm > 0, "num_perm must be at least 1");
        let mut rng = SplitMix64(seed);
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            a.push(rng.next_u64());
            b.push(rng.next_u64());
        }
        MinHasher { a, b, seed }
    }

    /// Number of permutations.
    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The signature of a shingle set (any order; duplicates are harmless).
    pub fn signature(&self, shingles: &[u64]) -> Signature {
        let mut mins = vec![u64::MAX; self.a.len()];
        dispatch(&self.a, &self.b, shingles, &mut mins);
        Signature(
            mins.into_iter()
                .map(|m| u32::try_from(m).unwrap_or(u32::MAX))
                .collect(),
        )
    }
}

/// Permutations handled per pass over the shingles: the running minima stay
/// in registers / L1.
const BLOCK: usize = 32;

#[inline(always)]
fn kernel(a: &[u64], b: &[u64], xs: &[u64], mins: &mut [u64]) {
    for ((a, b), mins) in a
        .chunks(BLOCK)
        .zip(b.chunks(BLOCK))
        .zip(mins.chunks_mut(BLOCK))
    {
        if a.len() == BLOCK {
            let a: &[u64; BLOCK] = a.try_into().expect("block");
            let b: &[u64; BLOCK] = b.try_into().expect("block");
            let mut m = [u64::MAX; BLOCK];
            for &x in xs {
                let x = (x ^ (x >> 32)) & 0xffff_ffff;
                for j in 0..BLOCK {
                    let h = a[j].wrapping_mul(x).wrapping_add(b[j]) >> 32;
                    m[j] = m[j].min(h);
                }
            }
            for j in 0..BLOCK {
                mins[j] = mins[j].min(m[j]);
            }
        } else {
            for &x in xs {
                let x = (x ^ (x >> 32)) & 0xffff_ffff;
                for j in 0..a.len() {
                    let h = a[j].wrapping_mul(x).wrapping_add(b[j]) >> 32;
                    mins[j] = mins[j].min(h);
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
fn kernel_avx512(a: &[u64], b: &[u64], xs: &[u64], mins: &mut [u64]) {
    kernel(a, b, xs, mins)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn kernel_avx2(a: &[u64], b: &[u64], xs: &[u64], mins: &mut [u64]) {
    kernel(a, b, xs, mins)
}

fn dispatch(a: &[u64], b: &[u64], xs: &[u64], mins: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            // SAFETY: the required CPU features were detected above.
            return unsafe { kernel_avx512(a, b, xs, mins) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 was detected above.
            return unsafe { kernel_avx2(a, b, xs, mins) };
        }
    }
    kernel(a, b, xs, mins)
}

/// The portable kernel, for tests comparing it with the dispatched one.
#[cfg(test)]
pub(crate) fn signature_portable(h: &MinHasher, xs: &[u64]) -> Signature {
    let mut mins = vec![u64::MAX; h.a.len()];
    kernel(&h.a, &h.b, xs, &mut mins);
    Signature(mins.into_iter().map(|m| m as u32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_sets_agree_everywhere() {
        let h = MinHasher::new(128, 1);
        let s: Vec<u64> = (0..500u64).map(crate::hash::fmix64).collect();
        let a = h.signature(&s);
        let mut rev = s.clone();
        rev.reverse();
        assert_eq!(a, h.signature(&rev));
        assert_eq!(estimate_jaccard(&a, &a), 1.0);
    }

    #[test]
    fn empty_set() {
        let h = MinHasher::new(64, 1);
        let e = h.signature(&[]);
        assert!(e.is_empty());
        assert_eq!(estimate_jaccard(&e, &e), 0.0);
        assert!(!h.signature(&[5]).is_empty());
    }

    #[test]
    fn bytes_round_trip_and_reject() {
        let h = MinHasher::new(10, 3);
        let s = h.signature(&[1, 2, 3]);
        let b = s.to_bytes();
        assert_eq!(b.len(), 40);
        assert_eq!(Signature::from_bytes(&b), Some(s));
        assert_eq!(Signature::from_bytes(&b[..39]), None);
    }

    #[test]
    fn odd_num_perm_matches_portable() {
        let h = MinHasher::new(45, 9);
        let s: Vec<u64> = (0..77u64).map(crate::hash::fmix64).collect();
        assert_eq!(h.signature(&s), signature_portable(&h, &s));
    }
}
