//! Property tests of the dedup building blocks.

use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use rasd_dedup::{
    all_pairs_above, brute_force_pairs, estimate_jaccard, exact_jaccard, group_duplicates,
    hash::fmix64, LshIndex, LshParams, MinHasher, Shingler, Signature,
};

/// Two sets with a controlled overlap: `common` shared elements plus
/// `only_a` and `only_b` private ones (hashed, so values look random).
fn pair(seed: u64, common: usize, only_a: usize, only_b: usize) -> (Vec<u64>, Vec<u64>) {
    let v = |i: u64| fmix64(seed.wrapping_mul(1_000_003).wrapping_add(i));
    let mut a: Vec<u64> = (0..common as u64).map(v).collect();
    let mut b = a.clone();
    a.extend((0..only_a as u64).map(|i| v(1_000_000 + i)));
    b.extend((0..only_b as u64).map(|i| v(2_000_000 + i)));
    a.sort_unstable();
    b.sort_unstable();
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// With 256 permutations the estimate's standard error is at most
    /// 0.5/16 = 0.031; allow 5 standard errors.
    #[test]
    fn estimate_close_to_exact(seed in any::<u64>(), common in 0usize..300, a in 0usize..200, b in 0usize..200) {
        prop_assume!(common + a > 0 && common + b > 0);
        let (x, y) = pair(seed, common, a, b);
        let h = MinHasher::new(256, 7);
        let est = estimate_jaccard(&h.signature(&x), &h.signature(&y));
        let ex = exact_jaccard(&x, &y);
        let se = (ex * (1.0 - ex) / 256.0).sqrt().max(0.01);
        prop_assert!((est - ex).abs() <= 5.0 * se, "est {est} exact {ex}");
    }

    /// A pair with Jaccard ≥ 0.95 shares a band of the default 25 × 5
    /// banding (miss probability < 10⁻¹⁰ per pair).
    #[test]
    fn lsh_finds_very_similar(seed in any::<u64>(), common in 100usize..400, diff in 0usize..5) {
        let (x, y) = pair(seed, common, diff, diff / 2);
        prop_assume!(exact_jaccard(&x, &y) >= 0.95);
        let h = MinHasher::new(128, 1);
        let mut idx = LshIndex::for_threshold(0.8, 128);
        let (other, _) = pair(seed ^ 0xdead, 200, 0, 0);
        idx.insert(1, &h.signature(&other));
        idx.insert(2, &h.signature(&x));
        prop_assert!(idx.query(&h.signature(&y)).contains(&2));
    }

    #[test]
    fn bytes_round_trip(values in vec(any::<u32>(), 0..300)) {
        let s = Signature::from_values(values);
        prop_assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
    }

    /// The exact join equals brute force, at several thresholds, on small
    /// sets drawn from a small universe (many overlaps, many ties).
    #[test]
    fn join_equals_brute_force(
        sets in vec(btree_set(0u64..24, 0..12), 0..40),
        t in prop::sample::select(vec![0.3, 0.5, 0.6, 0.75, 0.8, 0.9, 1.0]),
    ) {
        let sets: Vec<Vec<u64>> = sets.into_iter().map(|s| s.into_iter().collect()).collect();
        prop_assert_eq!(all_pairs_above(&sets, t), brute_force_pairs(&sets, t));
    }

    /// Same seed, same input → same signatures, candidates and groups.
    #[test]
    fn deterministic(seed in any::<u64>(), n in 1usize..30) {
        let run = || {
            let h = MinHasher::new(128, 42);
            let mut idx = LshIndex::for_threshold(0.8, 128);
            let mut pairs = Vec::new();
            for d in 0..n as u64 {
                // Documents come in near-identical triples.
                let (x, _) = pair(seed ^ (d / 3), 50, (d % 3) as usize, 0);
                let sig = h.signature(&x);
                for c in idx.query_then_insert(d, &sig) {
                    pairs.push((c, d));
                }
            }
            (pairs.clone(), group_duplicates(pairs, |id| id))
        };
        prop_assert_eq!(run(), run());
    }

    /// Signatures do not depend on the order or repetition of shingles.
    #[test]
    fn signature_is_set_function(mut xs in vec(any::<u64>(), 1..200)) {
        let h = MinHasher::new(64, 3);
        let s1 = h.signature(&xs);
        xs.reverse();
        let dup: Vec<u64> = xs.iter().chain(xs.iter()).copied().collect();
        prop_assert_eq!(&s1, &h.signature(&dup));
    }
}

#[test]
fn for_threshold_meets_recall_target() {
    for &(t, n) in &[(0.8, 128), (0.9, 128), (0.7, 64), (0.5, 256)] {
        let p = LshParams::for_threshold(t, n);
        assert!(p.used_perm() <= n);
        assert!(p.candidate_probability(t) >= 0.999, "{t} {n} {p:?}");
    }
}

#[test]
fn arabic_near_duplicates_via_shingles() {
    let s = Shingler::new(3);
    let base = "قالت الهيئة العامة للأرصاد إن موجة حارة ستضرب المناطق الشرقية خلال الأيام الثلاثة المقبلة مع درجات حرارة تتجاوز الخامسة والأربعين، ودعت السكان إلى تجنب التعرض المباشر للشمس في ساعات الظهيرة وشرب كميات كافية من الماء.";
    let edited = format!("{base} وأضافت الهيئة أن الطقس سيعتدل تدريجيا.");
    let other = "افتتح معرض الكتاب الدولي أبوابه أمس بمشاركة أكثر من خمسمئة دار نشر من ثلاثين دولة، ويستمر المعرض عشرة أيام تتخللها ندوات وأمسيات شعرية.";
    let (a, b, c) = (s.shingles(base), s.shingles(&edited), s.shingles(other));
    let j = exact_jaccard(&a, &b);
    assert!((0.75..1.0).contains(&j), "{j}");
    assert_eq!(exact_jaccard(&a, &c), 0.0);
    let h = MinHasher::new(128, 1);
    let mut idx = LshIndex::for_threshold(0.8, 128);
    idx.insert(1, &h.signature(&a));
    idx.insert(2, &h.signature(&c));
    assert_eq!(idx.query(&h.signature(&b)), vec![1]);
}
