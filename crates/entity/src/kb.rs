//! The knowledge base: entities across articles.
//!
//! Articles are added in a fixed order (store id order), so the knowledge base
//! and its ids are the same on every run. An article's entity joins a known
//! entity of its type when their name keys match word by word; a person known
//! only by one word joins the single known person whose family (or first)
//! name matches, if there is exactly one; otherwise it is a new entity.

use crate::doc::{DocEntity, EntityType};
use crate::key::{name_keys_match, word_keys_match};
use crate::role::Sector;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: u32,
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
    fn find(&self, t: EntityType, k: &str) -> Option<u32> {
        let words = k.split(' ').count();
        let exact = |ids: Option<&Vec<u32>>| {
            ids.into_iter()
                .flatten()
                .copied()
                .find(|&id| name_keys_match(&self.entities[id as usize].key, k))
        };
        if let Some(id) = exact(self.by_first.get(&(t, first_word(k).to_string()))) {
            return Some(id);
        }
        // The first word may be a variant (`فكيروف`): try the last word.
        if let Some(id) = exact(self.by_last.get(&(t, last_word(k).to_string()))) {
            return Some(id);
        }
        if words == 1 && t == EntityType::PER {
            // One word: the single known person whose family name matches.
            let fam: BTreeSet<u32> = self
                .by_last
                .iter()
                .filter(|((et, lk), _)| *et == t && word_keys_match(lk, k))
                .flat_map(|(_, ids)| ids.iter().copied())
                .filter(|&id| self.entities[id as usize].key.contains(' '))
                .collect();
            if fam.len() == 1 {
                return fam.into_iter().next();
            }
        }
        if words == 1 {
            // A variant spelling of a one-word name.
            return self
                .by_first
                .iter()
                .filter(|((et, fk), _)| *et == t && word_keys_match(fk, k))
                .flat_map(|(_, ids)| ids.iter().copied())
                .find(|&id| self.entities[id as usize].key.split(' ').count() == 1);
        }
        None
    }

    /// Adds the entities of one article; returns the knowledge-base id of each.
    pub fn add_document(&mut self, article: i64, doc: &[DocEntity]) -> Vec<u32> {
        let mut ids = Vec::with_capacity(doc.len());
        for d in doc {
            let id = match self.find(d.etype, &d.key) {
                Some(id) => id,
                None => {
                    let id = self.entities.len() as u32;
                    self.entities.push(Entity {
                        id,
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
            // A fuller name than the one known becomes the name.
            if d.name.split_whitespace().count() > e.name.split_whitespace().count() {
                e.name = d.name.clone();
                e.key = d.key.clone();
                let k = e.key.clone();
                self.by_first
                    .entry((d.etype, first_word(&k).to_string()))
                    .or_default()
                    .push(id);
                self.by_last
                    .entry((d.etype, last_word(&k).to_string()))
                    .or_default()
                    .push(id);
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

    fn de(t: EntityType, name: &str, variants: &[&str]) -> DocEntity {
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
        assert_eq!(y.articles.len(), 3);
        assert_eq!(y.variants.len(), 4);
    }
}
