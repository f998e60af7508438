//! Exact Jaccard similarity and an exact similarity join.
//!
//! [`all_pairs_above`] is the AllPairs algorithm (Bayardo et al., WWW 2007)
//! with prefix and size filtering: every set is re-coded with token ranks
//! ordered by increasing document frequency, and sets are processed by
//! increasing size. If `J(x, y) ≥ t` then `|x ∩ y| ≥ ⌈t·|x|⌉` and
//! `|x ∩ y| ≥ ⌈t·|y|⌉`, so (whatever the global token order) the first
//! `|x| − ⌈t·|x|⌉ + 1` tokens of `x` and the first `|y| − ⌈t·|y|⌉ + 1` tokens
//! of `y` share a token; and `|y| ≥ t·|x|`. Every pair passing both filters is
//! verified with the same exact Jaccard as [`exact_jaccard`], so the result
//! equals the brute force [`brute_force_pairs`] (tested). Thresholds are
//! rounded towards longer prefixes and looser size bounds, never the other
//! way, so floating-point rounding cannot drop a pair.

use crate::hash::FastMap;

/// Exact Jaccard similarity `|a ∩ b| / |a ∪ b|` of two sorted, deduplicated
/// slices; 0 if both are empty.
pub fn exact_jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let inter = intersection_len(a, b);
    jaccard_from(inter, a.len(), b.len())
}

#[inline]
fn jaccard_from(inter: usize, na: usize, nb: usize) -> f64 {
    let union = na + nb - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Size of the intersection of two sorted, deduplicated slices.
pub fn intersection_len<T: Ord>(a: &[T], b: &[T]) -> usize {
    intersection_at_least(a, b, 0).unwrap_or(0)
}

/// Size of the intersection of two sorted, deduplicated slices, or `None`
/// as soon as it cannot reach `need`.
fn intersection_at_least<T: Ord>(a: &[T], b: &[T], need: usize) -> Option<usize> {
    let (na, nb) = (a.len(), b.len());
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < na && j < nb {
        if n + (na - i).min(nb - j) < need {
            return None;
        }
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    Some(n)
}

/// Slack for float rounding in the filters (always applied in the safe
/// direction).
const EPS: f64 = 1e-9;

/// Smallest overlap a set of size `n` can have with a set it is at least
/// `t`-similar to (rounded down to be safe).
#[inline]
fn min_overlap(t: f64, n: usize) -> usize {
    ((t * n as f64) - EPS).ceil().max(0.0) as usize
}

/// All pairs `(i, j, J)` with `i < j` and exact Jaccard `J ≥ threshold`,
/// sorted by `(i, j)`. Sets must be sorted and deduplicated; empty sets never
/// match. `threshold` must be in `(0, 1]`.
pub fn all_pairs_above<S: AsRef<[u64]>>(sets: &[S], threshold: f64) -> Vec<(usize, usize, f64)> {
    assert!(
        threshold > 0.0 && threshold <= 1.0,
        "threshold must be in (0, 1]"
    );
    let t = threshold;
    // Document frequencies.
    let mut df: FastMap<u64, u32> = FastMap::default();
    for s in sets {
        for &h in s.as_ref() {
            *df.entry(h).or_insert(0) += 1;
        }
    }
    // Ranks: rarest first, ties by hash value (deterministic).
    let mut toks: Vec<(u32, u64)> = df.iter().map(|(&h, &c)| (c, h)).collect();
    toks.sort_unstable();
    let mut rank: FastMap<u64, u32> = FastMap::default();
    rank.reserve(toks.len());
    for (r, &(_, h)) in toks.iter().enumerate() {
        rank.insert(h, r as u32);
    }
    drop(df);
    let recoded: Vec<Vec<u32>> = sets
        .iter()
        .map(|s| {
            let mut v: Vec<u32> = s.as_ref().iter().map(|h| rank[h]).collect();
            v.sort_unstable();
            v
        })
        .collect();
    drop(rank);
    let mut order: Vec<usize> = (0..sets.len())
        .filter(|&i| !recoded[i].is_empty())
        .collect();
    order.sort_by_key(|&i| (recoded[i].len(), i));

    // Inverted index over indexed prefixes: token → documents (in processing
    // order, hence by non-decreasing size).
    let mut inverted: Vec<Vec<u32>> = vec![Vec::new(); toks.len()];
    let mut start: Vec<usize> = vec![0; toks.len()];
    let mut seen: Vec<u32> = vec![u32::MAX; sets.len()];
    let mut cands: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for (step, &x) in order.iter().enumerate() {
        let xs = &recoded[x];
        let nx = xs.len();
        let min_size = min_overlap(t, nx); // |y| ≥ t·|x| (|y| ≤ |x| here)
        let prefix = nx - min_overlap(t, nx) + 1;
        cands.clear();
        for &tok in &xs[..prefix.min(nx)] {
            let list = &inverted[tok as usize];
            // Lists are by non-decreasing size: skip sets too small for good.
            let mut s = start[tok as usize];
            while s < list.len() && recoded[list[s] as usize].len() < min_size {
                s += 1;
            }
            start[tok as usize] = s;
            for &y in &list[s..] {
                if seen[y as usize] != step as u32 {
                    seen[y as usize] = step as u32;
                    cands.push(y);
                }
            }
        }
        for &y in &cands {
            let ys = &recoded[y as usize];
            if let Some(j) = verify(xs, ys, t) {
                let (a, b) = if x < y as usize {
                    (x, y as usize)
                } else {
                    (y as usize, x)
                };
                out.push((a, b, j));
            }
        }
        for &tok in &xs[..prefix.min(nx)] {
            inverted[tok as usize].push(x as u32);
        }
    }
    out.sort_unstable_by_key(|p| (p.0, p.1));
    out
}

/// Exact Jaccard of `a` and `b` if it is at least `t`, with an early exit
/// once the required overlap is out of reach.
fn verify(a: &[u32], b: &[u32], t: f64) -> Option<f64> {
    let (na, nb) = (a.len(), b.len());
    // J ≥ t ⇔ |a ∩ b| ≥ t/(1+t)·(|a|+|b|); rounded down to stay safe.
    let need = ((t / (1.0 + t) * (na + nb) as f64) - 1e-6).ceil().max(0.0) as usize;
    let n = intersection_at_least(a, b, need)?;
    let jac = jaccard_from(n, na, nb);
    (jac >= t).then_some(jac)
}

/// The naive reference: every pair, exact Jaccard, `J ≥ threshold`, sorted
/// by `(i, j)`. Quadratic; for tests and for checking [`all_pairs_above`].
pub fn brute_force_pairs<S: AsRef<[u64]>>(sets: &[S], threshold: f64) -> Vec<(usize, usize, f64)> {
    let mut out = Vec::new();
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            let jac = exact_jaccard(sets[i].as_ref(), sets[j].as_ref());
            if jac >= threshold && jac > 0.0 {
                out.push((i, j, jac));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_basics() {
        assert_eq!(exact_jaccard::<u64>(&[], &[]), 0.0);
        assert_eq!(exact_jaccard(&[1u64, 2, 3], &[1, 2, 3]), 1.0);
        assert_eq!(exact_jaccard(&[1u64, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(exact_jaccard(&[1u64], &[2]), 0.0);
    }

    #[test]
    fn join_small() {
        let sets: Vec<Vec<u64>> = vec![
            vec![1, 2, 3, 4, 5],
            vec![1, 2, 3, 4, 5, 6],
            vec![],
            vec![10, 11, 12],
            vec![1, 2, 3, 4, 5],
            vec![],
        ];
        let got = all_pairs_above(&sets, 0.8);
        assert_eq!(got, vec![(0, 1, 5.0 / 6.0), (0, 4, 1.0), (1, 4, 5.0 / 6.0)]);
        assert_eq!(got, brute_force_pairs(&sets, 0.8));
        assert_eq!(all_pairs_above(&sets, 1.0).len(), 1);
    }
}
