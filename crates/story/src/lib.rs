//! Stories: articles about one developing news event, grouped online, the
//! way news aggregators and Europe Media Monitor group reports.
//!
//! The [`Clusterer`] takes articles one at a time, in a fixed order (rasd
//! uses article id order, so the same store always gives the same stories),
//! and puts each into the story it fits best or starts a new one. An article
//! fits a story by:
//! * **text**: the cosine between the article's TF-IDF vector (normalized,
//!   clitic-stripped word stems; IDF from the articles seen so far) and the
//!   story's centroid;
//! * **actors**: the share of the story's core entities (its most mentioned
//!   persons and organisations) that the article names;
//! * **time**: the bar rises with the days between the article and the
//!   story's last article; past [`Params::active_days`], an article joins only
//!   when it names the story's core actors *and* shares its subject
//!   ([`Params::late_text`]).
//!
//! Near-duplicates go to the story of the article they copy. Each article
//! is clustered on its own body: a page and the "read also" items split off
//! it are separate articles and never pull each other in.

use std::collections::{BTreeMap, HashMap};

mod headline;
mod terms;
pub use headline::{
    headline, headline_order, lead, title_key, HeadlineMember, LEAD_WORDS, MIN_TITLE_WORDS,
};
pub use terms::{term_counts, STOP_WORDS};

/// One article as the clusterer sees it.
#[derive(Debug, Clone, Default)]
pub struct ArticleInput {
    pub id: i64,
    /// Publication (else crawl) date as days since 1970-01-01; unknown
    /// dates put no time constraint on the article.
    pub day: Option<i32>,
    /// Term counts of the body ([`term_counts`]).
    pub terms: Vec<(String, u32)>,
    /// Keys of the article's persons and organisations with their mention
    /// counts (any stable key: rasd uses `TYPE:name_key`).
    pub entities: Vec<(String, u32)>,
    /// The article this one is a near-duplicate of, if any (an earlier id).
    pub duplicate_of: Option<i64>,
}

/// Tuning of the clusterer. The defaults were set on SaudiNewsNet and the
/// seed pages; see the README.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    /// Terms kept per article vector.
    pub article_terms: usize,
    /// Terms kept per story centroid.
    pub centroid_terms: usize,
    /// The article's heaviest terms that look up candidate stories.
    pub candidate_terms: usize,
    /// Weight of the text cosine in the score (the rest is actors).
    pub text_weight: f32,
    /// Score needed to join a story the same day.
    pub threshold: f32,
    /// How much the bar rises per day of gap, up to `active_days`.
    pub per_day: f32,
    /// Past this gap (days), only a late join is possible.
    pub active_days: i32,
    /// A late join needs this text cosine, and the story's core actors.
    pub late_text: f32,
    /// Core actors: the entities most members name (then most mentioned),
    /// with at least `core_min_count` mentions each.
    pub core_actors: usize,
    pub core_min_count: u32,
    /// Terms in more than this share of the articles are ignored (after
    /// `min_docs_for_df` articles).
    pub max_df: f32,
    pub min_docs_for_df: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            article_terms: 40,
            centroid_terms: 120,
            candidate_terms: 12,
            text_weight: 0.75,
            threshold: 0.30,
            per_day: 0.02,
            active_days: 21,
            late_text: 0.15,
            core_actors: 3,
            core_min_count: 2,
            max_df: 0.25,
            min_docs_for_df: 200,
        }
    }
}

/// Where an article went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// Index of the story in [`Clusterer::stories`].
    pub story: usize,
    /// The score it joined with (1.0 for a new story or a duplicate).
    pub score: f32,
    pub new_story: bool,
}

/// A story as the clusterer holds it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Story {
    /// Earliest and latest known day of the members.
    pub first_day: Option<i32>,
    pub last_day: Option<i32>,
    /// Member article ids in the order they joined.
    pub articles: Vec<i64>,
    /// Sum of the member vectors, pruned to the heaviest terms (term id →
    /// weight).
    centroid: HashMap<u32, f32>,
    norm: f32,
    /// Entity key → (members that name it, mentions over the members).
    pub entities: HashMap<String, (u32, u32)>,
    /// The core actors, recomputed when a member joins.
    core: Vec<String>,
}

impl Story {
    /// The heaviest terms of the centroid, heaviest first.
    pub fn top_terms<'a>(&self, c: &'a Clusterer, n: usize) -> Vec<&'a str> {
        let mut v: Vec<(&u32, &f32)> = self.centroid.iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
        v.into_iter()
            .take(n)
            .map(|(t, _)| c.vocab_terms[*t as usize].as_str())
            .collect()
    }

    /// Entities by the number of members that name them, then mentions,
    /// then key: `(key, members, mentions)`.
    pub fn top_entities(&self, n: usize) -> Vec<(&str, u32, u32)> {
        let mut v: Vec<(&str, u32, u32)> = self
            .entities
            .iter()
            .map(|(k, c)| (k.as_str(), c.0, c.1))
            .collect();
        v.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    /// The core actors: the entities most members name, with at least
    /// `core_min_count` mentions.
    fn compute_core(&self, p: &Params) -> Vec<String> {
        self.top_entities(p.core_actors)
            .into_iter()
            .filter(|(_, _, m)| *m >= p.core_min_count)
            .map(|(k, _, _)| k.to_string())
            .collect()
    }

    /// The core actors.
    pub fn core(&self) -> &[String] {
        &self.core
    }

    fn add(&mut self, id: i64, day: Option<i32>, vec: &[(u32, f32)], a: &ArticleInput, p: &Params) {
        let keep = p.centroid_terms;
        if let Some(day) = day {
            if self.first_day.is_none() {
                self.first_day = Some(day);
                self.last_day = Some(day);
            }
            self.first_day = self.first_day.min(Some(day));
            self.last_day = self.last_day.max(Some(day));
        }
        self.articles.push(id);
        for &(t, w) in vec {
            *self.centroid.entry(t).or_default() += w;
        }
        if self.centroid.len() > keep * 2 {
            let mut v: Vec<(u32, f32)> = self.centroid.drain().collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(keep);
            self.centroid = v.into_iter().collect();
        }
        // Summed in term order: the same on every run and after a restore
        // (a hash map's order would change the last bits, and so decisions
        // at the threshold).
        let mut ws: Vec<(u32, f32)> = self.centroid.iter().map(|(t, w)| (*t, *w)).collect();
        ws.sort_unstable_by_key(|x| x.0);
        self.norm = ws.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        for (k, c) in &a.entities {
            let e = self.entities.entry(k.clone()).or_default();
            e.0 += 1;
            e.1 += c;
        }
        self.core = self.compute_core(p);
    }
}

/// The online story clusterer. Its whole state can be kept and restored
/// ([`Clusterer::save`], [`Clusterer::restore`]), so that articles added
/// later are clustered as if they had come in the same run.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Clusterer {
    pub params: Params,
    /// Term → id (rebuilt from `vocab_terms` on restore).
    #[serde(skip)]
    vocab: HashMap<String, u32>,
    vocab_terms: Vec<String>,
    df: Vec<u32>,
    docs: u32,
    pub stories: Vec<Story>,
    /// Term id → stories whose centroid holds it.
    term_index: HashMap<u32, Vec<u32>>,
    /// Entity key → stories that name it.
    entity_index: HashMap<String, Vec<u32>>,
    /// Article → story (rebuilt from the stories' members on restore).
    #[serde(skip)]
    story_of: HashMap<i64, u32>,
}

impl Clusterer {
    pub fn new(params: Params) -> Self {
        Clusterer {
            params,
            ..Default::default()
        }
    }

    /// The clusterer's whole state, compact (postcard), to continue later.
    pub fn save(&self) -> Vec<u8> {
        postcard::to_stdvec(self).expect("serialising plain data cannot fail")
    }

    /// A clusterer from a state [`save`](Self::save) wrote.
    pub fn restore(bytes: &[u8]) -> Result<Clusterer, postcard::Error> {
        let mut c: Clusterer = postcard::from_bytes(bytes)?;
        c.vocab = c
            .vocab_terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        c.story_of = c
            .stories
            .iter()
            .enumerate()
            .flat_map(|(s, st)| st.articles.iter().map(move |&a| (a, s as u32)))
            .collect();
        if c.df.len() != c.vocab_terms.len() {
            return Err(postcard::Error::DeserializeBadEncoding);
        }
        Ok(c)
    }

    /// The number of articles clustered.
    pub fn articles(&self) -> u32 {
        self.docs
    }

    /// The document frequency of a term among the articles clustered.
    pub fn df(&self, term: &str) -> u32 {
        self.vocab.get(term).map_or(0, |&i| self.df[i as usize])
    }

    /// The story of an article added earlier.
    pub fn story_of(&self, article: i64) -> Option<usize> {
        self.story_of.get(&article).map(|&s| s as usize)
    }

    fn term_id(&mut self, t: &str) -> u32 {
        if let Some(&id) = self.vocab.get(t) {
            return id;
        }
        let id = self.vocab_terms.len() as u32;
        self.vocab.insert(t.to_string(), id);
        self.vocab_terms.push(t.to_string());
        self.df.push(0);
        id
    }

    /// The article's TF-IDF vector (unit length, heaviest terms only),
    /// after counting its terms into the document frequencies.
    pub fn vectorize(&mut self, terms: &[(String, u32)]) -> Vec<(u32, f32)> {
        self.docs += 1;
        let ids: Vec<(u32, u32)> = terms
            .iter()
            .map(|(t, c)| {
                let id = self.term_id(t);
                self.df[id as usize] += 1;
                (id, *c)
            })
            .collect();
        let n = self.docs as f32;
        let use_df = self.docs >= self.params.min_docs_for_df;
        let mut v: Vec<(u32, f32)> = ids
            .into_iter()
            .filter(|&(id, _)| !use_df || (self.df[id as usize] as f32) <= self.params.max_df * n)
            .map(|(id, c)| {
                let idf = ((n + 1.0) / (self.df[id as usize] as f32 + 1.0)).ln() + 1.0;
                (id, (1.0 + (c as f32).ln()) * idf)
            })
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(self.params.article_terms);
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for x in &mut v {
                x.1 /= norm;
            }
        }
        v.sort_by_key(|x| x.0);
        v
    }

    /// Whether a story is within the active window of a day.
    fn active(&self, s: u32, day: Option<i32>) -> bool {
        let s = &self.stories[s as usize];
        match (day, s.first_day, s.last_day) {
            (Some(d), Some(first), Some(last)) => {
                d <= last + self.params.active_days && d >= first - self.params.active_days
            }
            _ => true,
        }
    }

    fn score(&self, s: &Story, vec: &[(u32, f32)], a: &ArticleInput) -> Option<f32> {
        let p = &self.params;
        let text = if s.norm > 0.0 {
            vec.iter()
                .map(|(t, w)| w * s.centroid.get(t).copied().unwrap_or(0.0))
                .sum::<f32>()
                / s.norm
        } else {
            0.0
        };
        let core = &s.core;
        let named = core
            .iter()
            .filter(|k| a.entities.iter().any(|(e, _)| e == *k))
            .count();
        let actors = if core.is_empty() {
            0.0
        } else {
            named as f32 / core.len() as f32
        };
        let gap = match (a.day, s.first_day, s.last_day) {
            (Some(d), Some(first), Some(last)) => (d - last).max(first - d).max(0),
            _ => 0,
        };
        if gap > p.active_days {
            // A late article: the story's core actors and its subject.
            let ok = core.len() >= 2 && named >= 2 && text >= p.late_text;
            return ok.then_some(p.text_weight * text + (1.0 - p.text_weight) * actors);
        }
        let score = p.text_weight * text + (1.0 - p.text_weight) * actors;
        (score >= p.threshold + p.per_day * gap as f32).then_some(score)
    }

    /// Adds one article; returns the story it went to.
    pub fn add(&mut self, a: &ArticleInput) -> Assignment {
        let vec = self.vectorize(&a.terms);
        let dup_story = a.duplicate_of.and_then(|d| self.story_of.get(&d).copied());
        let (story, score) = match dup_story {
            Some(s) => (Some(s), 1.0),
            None => {
                // Candidates: active stories sharing one of the article's
                // heaviest terms, and any story sharing an actor (late
                // joins need the core actors).
                let mut cands: Vec<u32> = Vec::new();
                let mut heavy: Vec<&(u32, f32)> = vec.iter().collect();
                heavy.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                for (t, _) in heavy.into_iter().take(self.params.candidate_terms) {
                    for &s in self.term_index.get(t).into_iter().flatten() {
                        if self.active(s, a.day) {
                            cands.push(s);
                        }
                    }
                }
                for (k, _) in &a.entities {
                    if let Some(ss) = self.entity_index.get(k) {
                        cands.extend(ss);
                    }
                }
                cands.sort_unstable();
                cands.dedup();
                let mut best: Option<(u32, f32)> = None;
                for c in cands {
                    if let Some(sc) = self.score(&self.stories[c as usize], &vec, a) {
                        if best.is_none_or(|(_, b)| sc > b) {
                            best = Some((c, sc));
                        }
                    }
                }
                match best {
                    Some((s, sc)) => (Some(s), sc),
                    None => (None, 1.0),
                }
            }
        };
        let new_story = story.is_none();
        let s = story.unwrap_or_else(|| {
            self.stories.push(Story::default());
            (self.stories.len() - 1) as u32
        });
        let before: Vec<u32> = self.stories[s as usize].centroid.keys().copied().collect();
        self.stories[s as usize].add(a.id, a.day, &vec, a, &self.params);
        // Index the story under its (new) centroid terms and entities. Terms
        // pruned from the centroid stay indexed: a stale entry only costs a
        // candidate check.
        for t in self.stories[s as usize].centroid.keys() {
            if !before.contains(t) {
                self.term_index.entry(*t).or_default().push(s);
            }
        }
        for (k, _) in &a.entities {
            let v = self.entity_index.entry(k.clone()).or_default();
            if v.last() != Some(&s) && !v.contains(&s) {
                v.push(s);
            }
        }
        self.story_of.insert(a.id, s);
        Assignment {
            story: s as usize,
            score,
            new_story,
        }
    }

    /// Stories that share core actors with `story`, with how many they
    /// share, most shared first.
    pub fn linked(&self, story: usize) -> Vec<(usize, usize)> {
        let core = &self.stories[story].core;
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for k in core {
            for &s in self.entity_index.get(k).into_iter().flatten() {
                if s as usize != story && self.stories[s as usize].core.contains(k) {
                    *counts.entry(s).or_default() += 1;
                }
            }
        }
        let mut v: Vec<(usize, usize)> = counts
            .into_iter()
            .filter(|&(_, n)| n >= 2.min(core.len()))
            .map(|(s, n)| (s as usize, n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// Cosine of two sparse unit vectors sorted by term id.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

#[cfg(test)]
mod tests;
