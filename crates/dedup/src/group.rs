//! Duplicate groups: connected components of duplicate pairs.

use std::collections::HashMap;

/// A group of near-duplicate documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DupGroup {
    /// The member with the smallest key (ties: smallest id).
    pub canonical: u64,
    /// All members, canonical included, sorted by id.
    pub members: Vec<u64>,
}

/// Union–find with path halving and union by size.
#[derive(Clone, Debug, Default)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// Adds a singleton; returns its index.
    pub fn push(&mut self) -> usize {
        let i = self.parent.len();
        self.parent.push(i as u32);
        self.size.push(1);
        i
    }

    /// Representative of `i`'s set.
    pub fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] as usize != i {
            let p = self.parent[i] as usize;
            self.parent[i] = self.parent[p];
            i = self.parent[i] as usize;
        }
        i
    }

    /// Merges the sets of `a` and `b`; false if already together.
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return false;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a as u32;
        self.size[a] += self.size[b];
        true
    }
}

/// Groups documents linked by duplicate pairs (transitively) and picks a
/// canonical member per group: the one with the smallest `key(id)`, ties by
/// smallest id. For "earliest published, then longest", use a key like
/// `(published, std::cmp::Reverse(len))`.
///
/// Only documents that appear in some pair are grouped (every group has at
/// least two members). Groups are sorted by their smallest member id.
pub fn group_duplicates<K: Ord>(
    pairs: impl IntoIterator<Item = (u64, u64)>,
    mut key: impl FnMut(u64) -> K,
) -> Vec<DupGroup> {
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut ids: Vec<u64> = Vec::new();
    let mut uf = UnionFind::default();
    let mut slot = |id: u64, uf: &mut UnionFind, ids: &mut Vec<u64>| {
        *index.entry(id).or_insert_with(|| {
            ids.push(id);
            uf.push()
        })
    };
    for (a, b) in pairs {
        let ia = slot(a, &mut uf, &mut ids);
        let ib = slot(b, &mut uf, &mut ids);
        uf.union(ia, ib);
    }
    let mut by_root: HashMap<usize, Vec<u64>> = HashMap::new();
    for (i, &id) in ids.iter().enumerate() {
        by_root.entry(uf.find(i)).or_default().push(id);
    }
    let mut groups: Vec<DupGroup> = by_root
        .into_values()
        .filter(|m| m.len() > 1)
        .map(|mut members| {
            members.sort_unstable();
            let canonical = members
                .iter()
                .map(|&id| (key(id), id))
                .min()
                .map(|(_, id)| id)
                .expect("non-empty group");
            DupGroup { canonical, members }
        })
        .collect();
    groups.sort_unstable_by_key(|g| g.members[0]);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_transitively_with_canonical_by_key() {
        // Keys: (published day, Reverse(length)).
        let meta: HashMap<u64, (u32, std::cmp::Reverse<usize>)> = [
            (10, (3, std::cmp::Reverse(100))),
            (11, (2, std::cmp::Reverse(50))),
            (12, (2, std::cmp::Reverse(80))),
            (20, (1, std::cmp::Reverse(10))),
            (21, (1, std::cmp::Reverse(10))),
        ]
        .into_iter()
        .collect();
        let g = group_duplicates([(10, 11), (12, 11), (21, 20), (10, 10)], |id| meta[&id]);
        assert_eq!(
            g,
            vec![
                DupGroup {
                    canonical: 12,
                    members: vec![10, 11, 12]
                },
                DupGroup {
                    canonical: 20,
                    members: vec![20, 21]
                },
            ]
        );
    }
}
