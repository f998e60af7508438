//! The knowledge base: entities across articles.
//!
//! Articles are added in a fixed order (store id order), so the knowledge base
//! and its ids are the same on every run. It is kept between runs
//! ([`KnowledgeBase::entities`] is its whole state, serde-serialisable; the
//! indexes are rebuilt by [`KnowledgeBase::from_entities`]), so that new
//! articles are linked to it without rebuilding it: [`KnowledgeBase::consolidate_new`]
//! then merges only the entities they created, and a merged entity
//! stays in place as a redirect (`merged_into`), so ids never change. An article's entity joins a known
//! entity of its type when their name keys match word by word; a person known
//! only by one word joins the single known person whose family (or first)
//! name matches, if there is exactly one; otherwise it is a new entity.

use crate::doc::{DocEntity, EntityType};
use crate::key::{name_keys_match, same_person_forms, word_keys_match};
use crate::role::Sector;
use rasd_text::{fold, Folds};
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entity {
    pub id: u32,
    /// The entity this one was merged into (a redirect: its data is there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<u32>,
    /// Fuller forms of the name indexed besides `key`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_keys: Vec<String>,
    pub etype: EntityType,
    /// The most frequent of its fullest names.
    pub name: String,
    pub key: String,
    pub variants: BTreeMap<String, u32>,
    pub mentions: u32,
    pub articles: BTreeSet<i64>,
    /// Country votes (ISO alpha-2) with the role text of the first vote.
    pub countries: BTreeMap<String, (u32, String)>,
    pub sectors: BTreeMap<Sector, u32>,
    /// Roles: (article, role text).
    pub roles: Vec<(i64, String)>,
    /// Place votes (gazetteer ids) for places.
    pub places: BTreeMap<u32, u32>,
}

impl Entity {
    /// The country with the most votes (ties: alphabetical).
    pub fn country(&self) -> Option<&str> {
        self.countries
            .iter()
            .max_by_key(|(c, (n, _))| (*n, std::cmp::Reverse(c.as_str())))
            .map(|(c, _)| c.as_str())
    }

    pub fn country_evidence(&self) -> Option<&str> {
        self.country()
            .and_then(|c| self.countries.get(c))
            .map(|(_, e)| e.as_str())
    }

    /// The place most often linked (ties: the smaller id).
    pub fn place(&self) -> Option<u32> {
        self.places
            .iter()
            .max_by_key(|(p, n)| (**n, std::cmp::Reverse(**p)))
            .map(|(p, _)| *p)
    }

    pub fn sector(&self) -> Option<Sector> {
        self.sectors
            .iter()
            .max_by_key(|(s, n)| (**n, std::cmp::Reverse(**s)))
            .map(|(s, _)| *s)
    }
}

#[derive(Debug, Default, Clone)]
pub struct KnowledgeBase {
    pub entities: Vec<Entity>,
    /// Entities by type and first word key, for candidate lookup.
    by_first: HashMap<(EntityType, String), Vec<u32>>,
    by_last: HashMap<(EntityType, String), Vec<u32>>,
    /// Places by gazetteer id: every spelling of a linked place is one entity.
    by_place: HashMap<u32, u32>,
}

/// For a one-word entity `one` joining `other` by its last word's key:
/// with a key of fewer than 4 letters (`كل`: غال, جوجل; `سله`: صالح,
/// السلاح) the written forms must be the same too.
fn same_last_word(one: &Entity, other: &Entity) -> bool {
    if one.key.chars().count() >= 4 {
        return true;
    }
    let last = |e: &Entity| {
        let n = e.name.rsplit(' ').next().unwrap_or(&e.name);
        let f = fold(n, &Folds::SEARCH);
        f.strip_prefix("ال").map(str::to_string).unwrap_or(f)
    };
    last(one) == last(other)
}

fn first_word(k: &str) -> &str {
    k.split(' ').next().unwrap_or(k)
}

fn last_word(k: &str) -> &str {
    k.rsplit(' ').next().unwrap_or(k)
}

impl KnowledgeBase {
    pub fn new() -> Self {
        Self::default()
    }

    fn index(&mut self, id: u32) {
        let e = &self.entities[id as usize];
        let (t, k) = (e.etype, e.key.clone());
        self.by_first
            .entry((t, first_word(&k).to_string()))
            .or_default()
            .push(id);
        self.by_last
            .entry((t, last_word(&k).to_string()))
            .or_default()
            .push(id);
    }

    /// Candidates whose first or last word key matches the first or last word
    /// of `k` (spelling variants included, through a scan of near keys).
    /// `name`: the surface name, so that two known different names with
    /// one key (`سلمان`, `سليمان`) stay apart.
    fn find(&self, t: EntityType, k: &str, name: &str) -> Option<u32> {
        let words = k.split(' ').count();
        let clash = |id: u32| {
            t == EntityType::PER && {
                let e = &self.entities[id as usize].name;
                crate::english::distinct_names(e, name)
                    || (words == 1
                        && crate::english::distinct_names(e.rsplit(' ').next().unwrap_or(e), name))
            }
        };
        // A one-word key of fewer than 4 letters (`اسن`: آسيان, ياسين) is too
        // lossy to join on: the same written form is needed.
        let short = words == 1 && k.chars().count() < 4;
        let folded = fold(name, &Folds::SEARCH);
        let same_form = |id: u32| {
            self.entities[id as usize]
                .variants
                .keys()
                .chain(std::iter::once(&self.entities[id as usize].name))
                .any(|v| fold(v, &Folds::SEARCH) == folded)
        };
        let exact = |ids: Option<&Vec<u32>>| {
            ids.into_iter().flatten().copied().find(|&id| {
                name_keys_match(&self.entities[id as usize].key, k)
                    && !clash(id)
                    && (!short || same_form(id))
            })
        };
        if let Some(id) = exact(self.by_first.get(&(t, first_word(k).to_string()))) {
            return Some(id);
        }
        // The first word may be a variant (`فكيروف`): try the last word.
        if let Some(id) = exact(self.by_last.get(&(t, last_word(k).to_string()))) {
            return Some(id);
        }
        if words >= 2 && t == EntityType::PER {
            // A shorter or longer form of a known name (`سلمان بن عبدالعزيز`,
            // `سلمان بن عبدالعزيز آل سعود`; `عبدالله صالح`, `علي عبدالله
            // صالح`), when exactly one known person fits.
            let mut fits: BTreeSet<u32> = BTreeSet::new();
            for (ids, suffix) in [
                (self.by_first.get(&(t, first_word(k).to_string())), false),
                (self.by_last.get(&(t, last_word(k).to_string())), true),
            ] {
                for &id in ids.into_iter().flatten() {
                    let ek = &self.entities[id as usize].key;
                    if same_person_forms(k, ek, suffix) || same_person_forms(ek, k, suffix) {
                        fits.insert(id);
                    }
                }
            }
            if let Some(id) = self.dominant(fits.into_iter().collect(), 1) {
                return Some(id);
            }
        }
        if words == 1 && t == EntityType::PER {
            // One word: the single known person whose family name matches.
            let fam: BTreeSet<u32> = self
                .by_last
                .iter()
                .filter(|((et, lk), _)| *et == t && word_keys_match(lk, k))
                .flat_map(|(_, ids)| ids.iter().copied())
                .filter(|&id| {
                    let e = &self.entities[id as usize];
                    e.key.contains(' ')
                        && !clash(id)
                        && (!short
                            || fold(e.name.rsplit(' ').next().unwrap_or(&e.name), &Folds::SEARCH)
                                == folded)
                })
                .collect();
            if fam.len() == 1 {
                return fam.into_iter().next();
            }
            // A bare common first name (`عبدالله`, `سلمان`) is not attached
            // by frequency: in `X بن Y` names the last word is the father's
            // name, and a wrong merge is worse than an unresolved name.
        }
        if words == 1 {
            // A variant spelling of a one-word name.
            return self
                .by_first
                .iter()
                .filter(|((et, fk), _)| *et == t && word_keys_match(fk, k))
                .flat_map(|(_, ids)| ids.iter().copied())
                .find(|&id| {
                    self.entities[id as usize].key.split(' ').count() == 1
                        && !clash(id)
                        && (!short || same_form(id))
                });
        }
        None
    }

    /// The one candidate, or the most mentioned one when it has at least 3
    /// times the mentions of the next (and at least `min` mentions).
    fn dominant(&self, mut cands: Vec<u32>, min: u32) -> Option<u32> {
        cands.sort_unstable();
        cands.dedup();
        cands.sort_by_key(|&id| (std::cmp::Reverse(self.entities[id as usize].mentions), id));
        let m = |id: u32| self.entities[id as usize].mentions;
        match cands.as_slice() {
            [one] if m(*one) >= min => Some(*one),
            [a, b, ..] if m(*a) >= min && m(*a) >= 3 * m(*b).max(1) => Some(*a),
            _ => None,
        }
    }

    /// Merges person entities that are shorter or longer forms of one name
    /// (`سلمان بن عبدالعزيز` / `سلمان بن عبدالعزيز آل سعود`), which
    /// the online pass kept apart when they arrived in the wrong order: each
    /// entity, smallest first, joins the dominant larger entity its name is a
    /// part of (or that is a part of it). Returns the new id of every old id;
    /// ids stay in first-seen order, merged entities are dropped (a full
    /// rebuild: ids are compacted).
    pub fn consolidate(&mut self) -> Vec<u32> {
        let roots = self.plan(None);
        self.fold(&roots);
        let n = self.entities.len();
        let mut remap = vec![0u32; n];
        let mut kept = Vec::new();
        for i in 0..n {
            if roots[i] as usize == i {
                remap[i] = kept.len() as u32;
                kept.push(i);
            }
        }
        for i in 0..n {
            remap[i] = remap[roots[i] as usize];
        }
        let old = std::mem::take(&mut self.entities);
        self.entities = kept.into_iter().map(|i| old[i].clone()).collect();
        for (new_id, e) in self.entities.iter_mut().enumerate() {
            e.id = new_id as u32;
        }
        self.reindex();
        remap
    }

    /// The incremental form of [`consolidate`](Self::consolidate), after
    /// new articles: the same decisions, taken only for the entities created
    /// since `first_new` (an entity that arrived before the fuller form it
    /// belongs to joins it). Entities that were already there are not merged
    /// with each other again: a second pass over consolidated entities
    /// snowballs (a dominant `محمد علي` would absorb every `محمد علي X`); a
    /// full rebuild reconsiders them. A merged entity stays in place with
    /// `merged_into` set and its data folded into the other, so no id
    /// changes. Returns the merges `(from, into)`.
    pub fn consolidate_new(&mut self, first_new: u32) -> Vec<(u32, u32)> {
        let scope: BTreeSet<u32> = (first_new..self.entities.len() as u32)
            .filter(|&i| self.entities[i as usize].merged_into.is_none())
            .collect();
        let roots = self.plan(Some(&scope));
        self.fold(&roots);
        let mut merges = Vec::new();
        for (i, &r) in roots.iter().enumerate() {
            if r as usize != i && self.entities[i].merged_into.is_none() {
                let e = &mut self.entities[i];
                e.merged_into = Some(r);
                e.variants.clear();
                e.articles.clear();
                e.countries.clear();
                e.sectors.clear();
                e.roles.clear();
                e.places.clear();
                e.extra_keys.clear();
                e.mentions = 0;
                merges.push((i as u32, r));
            }
        }
        if !merges.is_empty() {
            self.reindex();
        }
        merges
    }

    /// The entity `id` stands for now: itself, or the one it was merged into.
    pub fn resolve(&self, mut id: u32) -> u32 {
        while let Some(next) = self.entities.get(id as usize).and_then(|e| e.merged_into) {
            if next == id {
                break;
            }
            id = next;
        }
        id
    }

    /// A knowledge base from its saved entities (as
    /// [`entities`](Self::entities) holds them), indexes rebuilt.
    pub fn from_entities(entities: Vec<Entity>) -> Self {
        let mut kb = KnowledgeBase {
            entities,
            ..Default::default()
        };
        kb.reindex();
        kb
    }

    /// Rebuilds the lookup indexes from the entities, in id order (merged
    /// entities left out).
    fn reindex(&mut self) {
        self.by_first.clear();
        self.by_last.clear();
        self.by_place.clear();
        for id in 0..self.entities.len() as u32 {
            if self.entities[id as usize].merged_into.is_some() {
                continue;
            }
            self.index(id);
            let e = &self.entities[id as usize];
            let (t, extra) = (e.etype, e.extra_keys.clone());
            for k in extra {
                for (map, w) in [
                    (&mut self.by_first, first_word(&k).to_string()),
                    (&mut self.by_last, last_word(&k).to_string()),
                ] {
                    let ids = map.entry((t, w)).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            for &p in self.entities[id as usize].places.keys() {
                self.by_place.entry(p).or_insert(id);
            }
        }
    }

    /// The merge decisions of consolidation over the entities of `scope`
    /// (all when `None`): the root every entity joins (itself if none).
    fn plan(&self, scope: Option<&BTreeSet<u32>>) -> Vec<u32> {
        let n = self.entities.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn root(parent: &mut [u32], mut i: u32) -> u32 {
            while parent[i as usize] != i {
                parent[i as usize] = parent[parent[i as usize] as usize];
                i = parent[i as usize];
            }
            i
        }
        let live = |i: u32| {
            self.entities[i as usize].merged_into.is_none() && scope.is_none_or(|s| s.contains(&i))
        };
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&i| live(i) && self.entities[i as usize].etype == EntityType::PER)
            .collect();
        order.sort_by_key(|&i| (self.entities[i as usize].mentions, std::cmp::Reverse(i)));
        for &id in &order {
            let e = &self.entities[id as usize];
            let k = e.key.clone();
            let words = k.split(' ').count();
            let t = e.etype;
            let mut cands: Vec<u32> = Vec::new();
            for (map, w, suffix) in [
                (&self.by_first, first_word(&k), false),
                (&self.by_last, last_word(&k), true),
            ] {
                for &j in map.get(&(t, w.to_string())).into_iter().flatten() {
                    if j == id {
                        continue;
                    }
                    let ej = &self.entities[j as usize];
                    let kj = &ej.key;
                    let (n, nj) = (&self.entities[id as usize].name, &ej.name);
                    let related = words >= 2
                        && ((same_person_forms(&k, kj, suffix)
                            && !crate::english::distinct_parts(n, nj, suffix))
                            || (same_person_forms(kj, &k, suffix)
                                && !crate::english::distinct_parts(nj, n, suffix)));
                    if related {
                        cands.push(root(&mut parent, j));
                    }
                }
            }
            cands.retain(|&c| c != id && self.entities[c as usize].mentions >= e.mentions);
            if let Some(c) = self.dominant(cands, 3) {
                parent[id as usize] = c;
            }
        }
        // A one-word person that is an organisation's name elsewhere
        // (`مقاتلو فاغنر` read as a person) is that organisation, when the
        // organisation is the better attested reading.
        for id in 0..n as u32 {
            let e = &self.entities[id as usize];
            if !live(id)
                || e.etype != EntityType::PER
                || e.key.contains(' ')
                || parent[id as usize] != id
            {
                continue;
            }
            let cands: Vec<u32> = self
                .by_last
                .get(&(EntityType::ORG, e.key.clone()))
                .into_iter()
                .flatten()
                .filter(|&&j| {
                    let o = &self.entities[j as usize];
                    o.mentions > e.mentions && same_last_word(e, o)
                })
                .map(|&j| root(&mut parent, j))
                .collect();
            if let Some(c) = self.dominant(cands, 3) {
                parent[id as usize] = c;
            }
        }
        // The reverse: a one-word organisation or place that is the family
        // name of a dominant person (`قوات حفتر` tagged as an organisation in
        // an article that names no Haftar in full) is that person.
        for id in 0..n as u32 {
            let e = &self.entities[id as usize];
            if !live(id)
                || !matches!(e.etype, EntityType::ORG | EntityType::LOC)
                || e.key.contains(' ')
                || e.place().is_some()
                || parent[id as usize] != id
            {
                continue;
            }
            let cands: Vec<u32> = self
                .by_last
                .get(&(EntityType::PER, e.key.clone()))
                .into_iter()
                .flatten()
                .filter(|&&j| {
                    let p = &self.entities[j as usize];
                    p.key.contains(' ') && p.mentions > e.mentions && same_last_word(e, p)
                })
                .map(|&j| root(&mut parent, j))
                .collect();
            if let Some(c) = self.dominant(cands, 3) {
                parent[id as usize] = c;
            }
        }
        (0..n as u32).map(|i| root(&mut parent, i)).collect()
    }

    /// Folds the data of every entity into its root.
    fn fold(&mut self, roots: &[u32]) {
        for (i, &r) in roots.iter().enumerate() {
            let r = r as usize;
            if r == i {
                continue;
            }
            let e = self.entities[i].clone();
            let target = &mut self.entities[r];
            for (v, c) in e.variants {
                *target.variants.entry(v).or_default() += c;
            }
            target.mentions += e.mentions;
            target.articles.extend(e.articles);
            for (c, (votes, ev)) in e.countries {
                target.countries.entry(c).or_insert((0, ev)).0 += votes;
            }
            for (s, v) in e.sectors {
                *target.sectors.entry(s).or_default() += v;
            }
            for r in e.roles {
                if !target.roles.contains(&r) {
                    target.roles.push(r);
                }
            }
            for (p, v) in e.places {
                *target.places.entry(p).or_default() += v;
            }
        }
    }

    /// Adds the entities of one article; returns the knowledge-base id of each.
    pub fn add_document(&mut self, article: i64, doc: &[DocEntity]) -> Vec<u32> {
        let mut ids = Vec::with_capacity(doc.len());
        for d in doc {
            let linked = d
                .place
                .filter(|_| d.etype == EntityType::LOC)
                .and_then(|p| self.by_place.get(&p).copied());
            let id = match linked.or_else(|| self.find(d.etype, &d.key, &d.name)) {
                Some(id) => id,
                None => {
                    let id = self.entities.len() as u32;
                    self.entities.push(Entity {
                        id,
                        merged_into: None,
                        extra_keys: Vec::new(),
                        etype: d.etype,
                        name: d.name.clone(),
                        key: d.key.clone(),
                        variants: BTreeMap::new(),
                        mentions: 0,
                        articles: BTreeSet::new(),
                        countries: BTreeMap::new(),
                        sectors: BTreeMap::new(),
                        roles: Vec::new(),
                        places: BTreeMap::new(),
                    });
                    self.index(id);
                    id
                }
            };
            let e = &mut self.entities[id as usize];
            // A fuller form of the name is indexed too (the key stays the
            // first one seen, so NER boundary errors cannot drift it).
            if d.key != e.key && d.name.split_whitespace().count() > 1 {
                if !e.extra_keys.contains(&d.key) {
                    e.extra_keys.push(d.key.clone());
                }
                let k = d.key.clone();
                for (map, w) in [
                    (&mut self.by_first, first_word(&k).to_string()),
                    (&mut self.by_last, last_word(&k).to_string()),
                ] {
                    let ids = map.entry((d.etype, w)).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            let e = &mut self.entities[id as usize];
            for v in &d.variants {
                *e.variants.entry(v.clone()).or_default() += 1;
            }
            e.mentions += d.mentions.len() as u32;
            e.articles.insert(article);
            for (c, ev) in &d.countries {
                let slot = e.countries.entry(c.clone()).or_insert((0, ev.clone()));
                slot.0 += 1;
            }
            if let Some(p) = d.place {
                *e.places.entry(p).or_default() += 1;
                self.by_place.entry(p).or_insert(id);
            }
            if let Some(s) = d.sector {
                *e.sectors.entry(s).or_default() += 1;
            }
            for (_, r) in &d.roles {
                if !e.roles.iter().any(|(a, t)| *a == article && *t == r.text) {
                    e.roles.push((article, r.text.clone()));
                }
            }
            ids.push(id);
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::name_key;

    pub(super) fn de(t: EntityType, name: &str, variants: &[&str]) -> DocEntity {
        DocEntity {
            etype: t,
            name: name.into(),
            key: name_key(name),
            mentions: vec![0],
            variants: variants.iter().map(|s| s.to_string()).collect(),
            roles: vec![],
            countries: vec![],
            sector: None,
            composed: false,
            place: None,
        }
    }

    #[test]
    fn spellings_across_articles_are_one_entity_and_families_stay_apart() {
        let mut kb = KnowledgeBase::new();
        let a = kb.add_document(
            1,
            &[
                de(
                    EntityType::PER,
                    "يونس بك يفكيروف",
                    &["يونس بك يفكيروف", "فكيروف"],
                ),
                de(EntityType::PER, "خليفة حفتر", &["خليفة حفتر", "حفتر"]),
            ],
        );
        let b = kb.add_document(
            2,
            &[
                de(EntityType::PER, "يونس بك يفكوروف", &["يونس بك يفكوروف"]),
                de(EntityType::PER, "خالد حفتر", &["خالد"]),
            ],
        );
        let c = kb.add_document(
            3,
            &[
                de(EntityType::PER, "يفكيروف", &["يفكيروف"]),
                de(EntityType::ORG, "فاجنر", &["فاجنر"]),
            ],
        );
        let d = kb.add_document(4, &[de(EntityType::ORG, "فاغنر", &["فاغنر"])]);
        assert_eq!(a[0], b[0]);
        assert_eq!(
            a[0], c[0],
            "a bare family name joins the one person of that family"
        );
        assert_ne!(a[1], b[1], "خليفة حفتر and خالد حفتر are two people");
        assert_eq!(c[1], d[0]);
        let y = &kb.entities[a[0] as usize];
        assert_eq!(y.id, a[0]);
        assert_eq!(y.articles.len(), 3);
        assert_eq!(y.variants.len(), 4);
    }
}

impl Entity {
    /// The name to show: for persons the most frequent spelling of two or
    /// more words (ties: fewer words), else the most frequent spelling.
    pub fn display_name(&self) -> String {
        let best = |multi: bool| {
            self.variants
                .iter()
                .filter(|(v, _)| !multi || v.split_whitespace().count() > 1)
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then_with(|| {
                            b.0.split_whitespace()
                                .count()
                                .cmp(&a.0.split_whitespace().count())
                        })
                        .then_with(|| b.0.cmp(a.0))
                })
                .map(|(v, _)| v.clone())
        };
        match self.etype {
            // A name composed from a kinship phrase (`خالد نجل حفتر`) has no
            // two-word spelling of its own.
            EntityType::PER => best(true)
                .or_else(|| self.name.contains(' ').then(|| self.name.clone()))
                .or_else(|| best(false)),
            _ => best(false),
        }
        .unwrap_or_else(|| self.name.clone())
    }
}

#[cfg(test)]
mod consolidate_tests {
    use super::*;
    use crate::key::name_key;

    /// A person of `n` mentions, named the same in all of them.
    fn de(name: &str, n: usize) -> DocEntity {
        DocEntity {
            mentions: vec![0; n],
            ..super::tests::de(EntityType::PER, name, &[name])
        }
    }

    #[test]
    fn shorter_and_longer_forms_of_a_dominant_name_merge() {
        let mut kb = KnowledgeBase::new();
        // Two longer forms arrive first (the second is not taken for the
        // first: a word after the family name), so the short form fits both
        // when it arrives and gets its own entity.
        kb.add_document(1, &[de("سلمان بن عبدالعزيز آل سعود", 2)]);
        kb.add_document(2, &[de("سلمان بن عبدالعزيز آل سعود الملك", 1)]);
        for a in 3..13 {
            kb.add_document(a, &[de("سلمان بن عبدالعزيز", 3)]);
        }
        kb.add_document(13, &[de("خالد الفيصل", 5)]);
        let before = kb.entities.len();
        let remap = kb.consolidate();
        assert!(kb.entities.len() < before);
        let salman: Vec<&Entity> = kb
            .entities
            .iter()
            .filter(|e| e.key.starts_with(&name_key("سلمان بن")))
            .collect();
        assert_eq!(
            salman.len(),
            1,
            "{:?}",
            kb.entities.iter().map(|e| &e.name).collect::<Vec<_>>()
        );
        assert_eq!(salman[0].mentions, 33);
        assert_eq!(salman[0].display_name(), "سلمان بن عبدالعزيز");
        assert!(
            kb.entities.iter().any(|e| e.name == "خالد الفيصل"),
            "unrelated people stay"
        );
        assert_eq!(remap.len(), before);
        for (i, e) in kb.entities.iter().enumerate() {
            assert_eq!(e.id as usize, i);
        }
    }

    #[test]
    fn known_different_names_with_one_key_stay_apart() {
        let mut kb = KnowledgeBase::new();
        kb.add_document(1, &[de("سلمان", 4)]);
        kb.add_document(2, &[de("سليمان", 2)]);
        kb.add_document(3, &[de("سلمان", 1)]);
        // a common word read as a name does not join by a dropped consonant
        kb.add_document(4, &[de("المسلمين", 1)]);
        // one-word keys of three letters join only the same written form
        kb.add_document(7, &[de("ياسين", 1)]);
        kb.add_document(8, &[de("آسيان", 1)]);
        kb.add_document(5, &[de("يفكيروف", 1)]);
        kb.add_document(6, &[de("فكيروف", 1)]);
        let names: Vec<(&str, u32)> = kb
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.mentions))
            .collect();
        assert_eq!(
            names,
            [
                ("سلمان", 5),
                ("سليمان", 2),
                ("المسلمين", 1),
                ("ياسين", 1),
                ("آسيان", 1),
                ("يفكيروف", 2)
            ]
        );
    }

    #[test]
    fn a_family_name_read_as_an_organisation_joins_the_dominant_person() {
        let mut kb = KnowledgeBase::new();
        for article in 1..=3 {
            kb.add_document(article, &[de("عمر الزين", 2)]);
        }
        kb.add_document(4, &[de("سامي الزين", 1)]);
        let org = DocEntity {
            etype: EntityType::ORG,
            ..de("الزين", 1)
        };
        kb.add_document(5, &[org]);
        let remap = kb.consolidate();
        let roots: std::collections::BTreeSet<u32> = remap.iter().copied().collect();
        assert_eq!(roots.len(), 2, "سامي الزين stays apart");
        let omar = &kb.entities[remap[0] as usize];
        assert_eq!(omar.etype, EntityType::PER);
        assert_eq!(omar.mentions, 7);
    }

    #[test]
    fn a_one_word_person_that_names_an_organisation_elsewhere_is_the_organisation() {
        let mut kb = KnowledgeBase::new();
        let org = DocEntity {
            etype: EntityType::ORG,
            ..de("فاغنر", 1)
        };
        for article in 1..=3 {
            kb.add_document(article, std::slice::from_ref(&org));
        }
        kb.add_document(4, &[de("فاجنر", 1)]);
        kb.add_document(5, &[de("سامي فاغنر", 1)]);
        let remap = kb.consolidate();
        let roots: std::collections::BTreeSet<u32> = remap.iter().copied().collect();
        assert_eq!(roots.len(), 2, "the two-word person stays a person");
        let org = &kb.entities[remap[0] as usize];
        assert_eq!(org.etype, EntityType::ORG);
        assert_eq!(org.mentions, 4);
    }
}
