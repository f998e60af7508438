//! Near-duplicates: every article's body gets a MinHash signature, checked
//! against the LSH index of all earlier articles (loaded from the stored
//! signatures: no pair is ever recomputed) and then added to it. LSH
//! candidates whose estimate is plausible are verified with the exact
//! Jaccard similarity of the two shingle sets, so a stored pair is a true
//! pair at the threshold. A candidate already in the article's duplicate
//! group (through another member) is not verified again: each article is
//! linked to every group it belongs to, not to every member of it.

use rasd_dedup::{
    estimate_jaccard, exact_jaccard, group_duplicates, DedupConfig, LshIndex, MinHasher, Shingler,
    Signature, UnionFind,
};
use rasd_store::{ArticleSignature, DupPair, Stage, Store, StoreError};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::time::Instant;

/// Version of the signatures and pairs; older ones are redone.
pub const DEDUP_VERSION: i64 = 1;

/// Candidates whose MinHash estimate is below this are not verified: with
/// 128 permutations the estimate's standard error near 0.8 is about 0.035,
/// so a true pair at 0.8 estimates below 0.6 with negligible probability.
const VERIFY_ABOVE: f64 = 0.6;

/// What a near-duplicate run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DedupSummary {
    /// Articles signed and checked now.
    pub articles: u64,
    /// New near-duplicate pairs (exact Jaccard at or above the threshold).
    pub pairs: u64,
    /// LSH candidates examined.
    pub candidates: u64,
    pub seconds: f64,
}

fn config() -> DedupConfig {
    DedupConfig::default()
}

/// Signs and checks every article without a current signature, in id order.
/// `force` redoes all of them.
pub fn update_duplicates(store: &mut dyn Store, force: bool) -> Result<DedupSummary, StoreError> {
    update_duplicates_upto(store, force, i64::MAX)
}

/// [`update_duplicates`] of the articles with ids up to `upto`.
pub fn update_duplicates_upto(
    store: &mut dyn Store,
    force: bool,
    upto: i64,
) -> Result<DedupSummary, StoreError> {
    let t0 = Instant::now();
    let cfg = config();
    let shingler = Shingler::new(cfg.shingle_k);
    let hasher = MinHasher::new(cfg.num_perm, cfg.seed);
    let mut index = LshIndex::with_params(cfg.lsh);
    let mut sigs: HashMap<i64, Signature> = HashMap::new();
    let mut sum = DedupSummary::default();
    if !force {
        let mut bad = 0u64;
        store.signatures(&mut |s| match Signature::from_bytes(&s.signature) {
            Some(sig) if !sig.is_empty() => {
                index.insert(s.article_id as u64, &sig);
                sigs.insert(s.article_id, sig);
            }
            Some(_) => {}
            None => bad += 1,
        })?;
        if bad > 0 {
            tracing::warn!(
                bad,
                "unreadable signatures ignored; `rasd process --force` redoes them"
            );
        }
    }
    // Duplicate groups so far: a candidate already linked to the article
    // through its group is not verified again, so a report copied a
    // thousand times costs a thousand checks, not half a million.
    let mut groups = Groups::default();
    if !force {
        for p in store.duplicate_pairs()? {
            groups.union(p.a, p.b);
        }
    }
    let below = if force { i64::MAX } else { DEDUP_VERSION };
    let mut after = 0;
    loop {
        let mut ids = store.articles_needing(Stage::Dedup, below, after, 2000)?;
        ids.retain(|&id| id <= upto);
        let Some(&last) = ids.last() else { break };
        after = last;
        let bodies: Vec<(i64, String)> = store
            .articles_of(&ids)?
            .into_iter()
            .map(|a| (a.id, a.article.body))
            .collect();
        let signed: Vec<(i64, Vec<u64>, Signature)> = bodies
            .par_iter()
            .map(|(id, body)| {
                let sh = shingler.shingles(body);
                let sig = hasher.signature(&sh);
                (*id, sh, sig)
            })
            .collect();
        // Shingle sets of this chunk, and of earlier candidates read back.
        let mut sets: HashMap<i64, Vec<u64>> = HashMap::new();
        let mut pairs = Vec::new();
        let mut out = Vec::with_capacity(signed.len());
        for (id, sh, sig) in signed {
            if !sig.is_empty() {
                let mut identical = false;
                let mut cands = index.query(&sig);
                cands.sort_unstable();
                for c in cands {
                    let c = c as i64;
                    if groups.find(c) == groups.find(id) {
                        continue;
                    }
                    sum.candidates += 1;
                    let estimate = estimate_jaccard(&sig, &sigs[&c]);
                    if estimate < VERIFY_ABOVE {
                        continue;
                    }
                    if let Entry::Vacant(slot) = sets.entry(c) {
                        let other = store
                            .article(c)?
                            .map(|a| shingler.shingles(&a.article.body));
                        slot.insert(other.unwrap_or_default());
                    }
                    let jaccard = exact_jaccard(&sh, &sets[&c]);
                    if jaccard >= cfg.threshold {
                        pairs.push(DupPair {
                            a: c.min(id),
                            b: c.max(id),
                            jaccard,
                            estimate,
                        });
                        groups.union(c, id);
                        identical |= jaccard >= 1.0;
                    }
                }
                // An identical shingle set adds nothing to the index: every
                // later copy finds the one already there.
                if !identical {
                    index.insert(id as u64, &sig);
                    sigs.insert(id, sig.clone());
                }
            }
            out.push(ArticleSignature {
                article_id: id,
                signature: sig.to_bytes(),
                shingles: sh.len() as u32,
            });
            sets.insert(id, sh);
        }
        sum.articles += out.len() as u64;
        sum.pairs += pairs.len() as u64;
        store.write_dedup(&out, &pairs, DEDUP_VERSION)?;
    }
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

/// Duplicate groups over article ids: `rasd-dedup`'s union–find, indexed
/// by the ids seen so far.
#[derive(Default)]
struct Groups {
    slot: HashMap<i64, usize>,
    uf: UnionFind,
}

impl Groups {
    fn index(&mut self, id: i64) -> usize {
        let uf = &mut self.uf;
        *self.slot.entry(id).or_insert_with(|| uf.push())
    }

    fn find(&mut self, id: i64) -> usize {
        let i = self.index(id);
        self.uf.find(i)
    }

    fn union(&mut self, a: i64, b: i64) {
        let (ia, ib) = (self.index(a), self.index(b));
        self.uf.union(ia, ib);
    }
}

/// A member of a duplicate group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupMember {
    pub id: i64,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub crawled: Option<String>,
    /// Exact Jaccard similarity with the canonical member (null when the
    /// two are linked only through other members).
    pub similarity: Option<f64>,
}

/// A near-duplicate group (`rasd duplicates --json`).
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateGroup {
    /// The canonical member: earliest published, then longest body, then
    /// lowest id.
    pub canonical: i64,
    pub members: Vec<GroupMember>,
    /// Distinct publishers: syndication is information.
    pub publishers: Vec<String>,
    /// Lowest exact Jaccard among the pairs that link the group.
    pub min_similarity: f64,
}

/// All near-duplicate groups, largest first, then by canonical id.
pub fn duplicate_groups(store: &dyn Store) -> Result<Vec<DuplicateGroup>, StoreError> {
    let pairs = store.duplicate_pairs()?;
    let mut info: HashMap<i64, (GroupMember, usize)> = HashMap::new();
    for p in &pairs {
        for id in [p.a, p.b] {
            if info.contains_key(&id) {
                continue;
            }
            if let Some(s) = store.article(id)? {
                let a = &s.article;
                let member = GroupMember {
                    id,
                    title: a.title.clone(),
                    publisher: crate::annotate::publisher(a),
                    url: a.url.clone(),
                    published: a.published.as_ref().map(|d| d.to_string()),
                    crawled: a.crawled.as_ref().map(|d| d.to_string()),
                    similarity: None,
                };
                info.insert(id, (member, a.body.len()));
            }
        }
    }
    let key = |id: u64| {
        let (m, len) = &info[&(id as i64)];
        // No date sorts last.
        (
            m.published.is_none(),
            m.published.clone(),
            std::cmp::Reverse(*len),
        )
    };
    let links: Vec<(u64, u64)> = pairs
        .iter()
        .filter(|p| info.contains_key(&p.a) && info.contains_key(&p.b))
        .map(|p| (p.a as u64, p.b as u64))
        .collect();
    let sim: HashMap<(i64, i64), f64> = pairs.iter().map(|p| ((p.a, p.b), p.jaccard)).collect();
    let mut groups: Vec<DuplicateGroup> = group_duplicates(links, key)
        .into_iter()
        .map(|g| {
            let canonical = g.canonical as i64;
            let ids: Vec<i64> = g.members.iter().map(|&m| m as i64).collect();
            let members: Vec<GroupMember> = ids
                .iter()
                .map(|&id| {
                    let mut m = info[&id].0.clone();
                    m.similarity = if id == canonical {
                        Some(1.0)
                    } else {
                        sim.get(&(id.min(canonical), id.max(canonical))).copied()
                    };
                    m
                })
                .collect();
            let mut publishers: Vec<String> =
                members.iter().filter_map(|m| m.publisher.clone()).collect();
            publishers.sort();
            publishers.dedup();
            let min_similarity = pairs
                .iter()
                .filter(|p| ids.contains(&p.a))
                .map(|p| p.jaccard)
                .fold(1.0, f64::min);
            DuplicateGroup {
                canonical,
                members,
                publishers,
                min_similarity,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.canonical.cmp(&b.canonical))
    });
    Ok(groups)
}
