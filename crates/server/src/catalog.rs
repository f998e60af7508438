//! An in-memory snapshot of what the store knows, for fast listing and
//! filtering: article heads, stories, entities and events, each with the
//! orders the API pages through. The server rebuilds it when the database
//! changes (another process ingested, or `POST /api/v1/ingest`).

use rasd_entity::key::name_key;
use rasd_pipeline::annotate::publisher;
use rasd_store::{ArticleQuery, EntityRecord, EventRecord, Store, StoreError, StoryRecord};
use serde::Serialize;
use std::collections::HashMap;

/// What the API lists of an article without reading its text.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleHead {
    pub id: i64,
    pub title: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub kind: &'static str,
    #[serde(skip)]
    pub appended_to: Option<i64>,
    #[serde(skip)]
    pub exact_duplicate_of: Option<i64>,
}

/// Counts for the front page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CatalogStats {
    pub articles: usize,
    pub pages: usize,
    pub stories: usize,
    pub entities: usize,
    pub events: usize,
    pub sources: Vec<(String, u64)>,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
}

#[derive(Default)]
pub struct Catalog {
    /// In id order.
    pub articles: Vec<ArticleHead>,
    article_pos: HashMap<i64, usize>,
    /// In id order.
    pub stories: Vec<StoryRecord>,
    story_pos: HashMap<i64, usize>,
    /// Story positions by size (articles) descending, then id.
    pub stories_by_size: Vec<usize>,
    /// Story positions by last seen descending, then id.
    pub stories_by_recent: Vec<usize>,
    story_of: HashMap<i64, i64>,
    /// In id order.
    pub entities: Vec<EntityRecord>,
    entity_pos: HashMap<i64, usize>,
    /// Entity positions by mentions descending, then id.
    pub entities_by_mentions: Vec<usize>,
    /// Entity positions by name, then id.
    pub entities_by_name: Vec<usize>,
    /// Spelling-tolerant key of every variant → entity positions.
    variant_keys: HashMap<String, Vec<usize>>,
    /// One-word variant keys without their first letter → entity positions
    /// (فكيروف for يفكيروف: the dropped initial letter).
    variant_tails: HashMap<String, Vec<usize>>,
    /// Article → the entities it names (by position).
    article_entities: HashMap<i64, Vec<usize>>,
    /// In id order.
    pub events: Vec<EventRecord>,
    event_pos: HashMap<i64, usize>,
    /// Event positions by date descending (undated last), then id.
    pub events_by_date: Vec<usize>,
    events_of_article: HashMap<i64, Vec<usize>>,
    events_of_entity: HashMap<i64, Vec<usize>>,
    /// Near-duplicate groups, largest first.
    pub duplicate_groups: Vec<rasd_pipeline::dedup::DuplicateGroup>,
    /// Member → (group position, canonical member).
    duplicate_of: HashMap<i64, (usize, i64)>,
    pub stats: CatalogStats,
}

impl Catalog {
    /// Reads everything the API lists from the store.
    pub fn load(store: &dyn Store) -> Result<Catalog, StoreError> {
        let mut c = Catalog::default();
        store.articles(&ArticleQuery::default(), &mut |s| {
            let a = &s.article;
            c.articles.push(ArticleHead {
                id: s.id,
                title: a.title.clone(),
                source: publisher(a),
                published: a.published.as_ref().map(|d| d.to_string()),
                url: a.url.clone(),
                kind: a.kind.as_str(),
                appended_to: s.appended_to,
                exact_duplicate_of: s.exact_duplicate_of,
            });
            true
        })?;
        c.articles.sort_by_key(|a| a.id);
        c.article_pos = positions(c.articles.iter().map(|a| a.id));

        store.stories(&mut |s| {
            c.stories.push(s);
            true
        })?;
        c.story_pos = positions(c.stories.iter().map(|s| s.id));
        for s in &c.stories {
            for &a in &s.articles {
                c.story_of.insert(a, s.id);
            }
        }
        let stories = &c.stories;
        c.stories_by_size = (0..stories.len()).collect();
        c.stories_by_size
            .sort_by_key(|&i| story_size_key(&stories[i]));
        c.stories_by_recent = (0..stories.len()).collect();
        c.stories_by_recent
            .sort_by_key(|&i| story_recent_key(&stories[i]));

        store.entities(&mut |e| {
            c.entities.push(e);
            true
        })?;
        c.entity_pos = positions(c.entities.iter().map(|e| e.id));
        for (i, e) in c.entities.iter().enumerate() {
            let mut keys: Vec<String> = e
                .variants
                .iter()
                .map(|(v, _)| name_key(v))
                .chain(std::iter::once(name_key(&e.name)))
                .filter(|k| !k.is_empty())
                .collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                if let Some(t) = key_tail(&k) {
                    let v = c.variant_tails.entry(t.to_string()).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
                c.variant_keys.entry(k).or_default().push(i);
            }
            for &a in &e.articles {
                c.article_entities.entry(a).or_default().push(i);
            }
        }
        let ents = &c.entities;
        c.entities_by_mentions = (0..ents.len()).collect();
        c.entities_by_mentions
            .sort_by_key(|&i| entity_mentions_key(&ents[i]));
        c.entities_by_name = (0..ents.len()).collect();
        c.entities_by_name
            .sort_by_key(|&i| entity_name_key(&ents[i]));

        store.events(&mut |e| {
            c.events.push(e);
            true
        })?;
        c.event_pos = positions(c.events.iter().map(|e| e.id));
        for (i, e) in c.events.iter().enumerate() {
            for &a in &e.articles {
                c.events_of_article.entry(a).or_default().push(i);
            }
            for actor in [&e.source, &e.target].into_iter().flatten() {
                if let Some(id) = actor.entity {
                    let v = c.events_of_entity.entry(id).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
            }
        }
        let evs = &c.events;
        c.events_by_date = (0..evs.len()).collect();
        c.events_by_date.sort_by_key(|&i| event_date_key(&evs[i]));

        c.duplicate_groups = rasd_pipeline::dedup::duplicate_groups(store)?;
        for (g, group) in c.duplicate_groups.iter().enumerate() {
            for m in &group.members {
                c.duplicate_of.insert(m.id, (g, group.canonical));
            }
        }

        let st = store.stats()?;
        // Sources by publisher (source label, else the URL's host), as the
        // stories count them: articles without one are no source name.
        let mut by_source: HashMap<&str, u64> = HashMap::new();
        for a in &c.articles {
            if let Some(p) = a.source.as_deref() {
                *by_source.entry(p).or_default() += 1;
            }
        }
        let mut sources: Vec<(String, u64)> = by_source
            .into_iter()
            .map(|(p, n)| (p.to_string(), n))
            .collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        sources.truncate(20);
        c.stats = CatalogStats {
            articles: st.articles as usize,
            pages: st.pages as usize,
            stories: c.stories.len(),
            entities: c.entities.len(),
            events: c.events.len(),
            sources,
            first_published: st.first_published,
            last_published: st.last_published,
        };
        Ok(c)
    }

    pub fn article(&self, id: i64) -> Option<&ArticleHead> {
        self.article_pos.get(&id).map(|&i| &self.articles[i])
    }

    pub fn article_position(&self, id: i64) -> Option<usize> {
        self.article_pos.get(&id).copied()
    }

    pub fn story(&self, id: i64) -> Option<&StoryRecord> {
        self.story_pos.get(&id).map(|&i| &self.stories[i])
    }

    /// The story an article belongs to.
    pub fn story_of(&self, article: i64) -> Option<&StoryRecord> {
        self.story_of.get(&article).and_then(|&s| self.story(s))
    }

    pub fn entity(&self, id: i64) -> Option<&EntityRecord> {
        self.entity_pos.get(&id).map(|&i| &self.entities[i])
    }

    pub fn event(&self, id: i64) -> Option<&EventRecord> {
        self.event_pos.get(&id).map(|&i| &self.events[i])
    }

    /// Entities whose name or a spelling variant has the same tolerant key
    /// as `text` (يفكوروف finds the entity also spelt يفكيروف), most
    /// mentioned first.
    pub fn entities_named(&self, text: &str) -> Vec<&EntityRecord> {
        let mut out: Vec<usize> = self.named(&name_key(text));
        out.sort_unstable();
        out.dedup();
        let mut out: Vec<&EntityRecord> = out.into_iter().map(|i| &self.entities[i]).collect();
        out.sort_by_key(|e| entity_mentions_key(e));
        out
    }

    /// The ids of the entities with a spelling of exactly key `key`.
    pub fn entities_with_key(&self, key: &str) -> std::collections::HashSet<i64> {
        self.variant_keys
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.entities[i])
            // The index also holds each canonical name's key.
            .filter(|e| e.variants.iter().any(|(v, _)| name_key(v) == key))
            .map(|e| e.id)
            .collect()
    }

    /// Entity positions with a variant of key `key`, the one-word case
    /// tolerating a dropped first letter either way.
    fn named(&self, key: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self.variant_keys.get(key).cloned().unwrap_or_default();
        if !key.is_empty() && !key.contains(' ') {
            out.extend(self.variant_tails.get(key).into_iter().flatten());
            if let Some(t) = key_tail(key) {
                out.extend(self.variant_keys.get(t).into_iter().flatten());
            }
        }
        out
    }

    /// Whether entity position `i` matches a free-text entity query: a part
    /// of its Arabic or English name or of a variant, or the same tolerant
    /// key as one of its variants.
    pub fn entity_matches(&self, i: usize, q: &str, qkey: &str) -> bool {
        let e = &self.entities[i];
        let ql = q.to_lowercase();
        e.name.contains(q)
            || e.name_en
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains(&ql))
            || e.variants.iter().any(|(v, _)| v.contains(q))
            || (!qkey.is_empty() && self.named(qkey).contains(&i))
    }

    /// The entities an article names.
    pub fn entities_of_article(&self, article: i64) -> impl Iterator<Item = &EntityRecord> {
        self.article_entities
            .get(&article)
            .into_iter()
            .flatten()
            .map(|&i| &self.entities[i])
    }

    /// The events an article reports.
    pub fn events_of_article(&self, article: i64) -> impl Iterator<Item = &EventRecord> {
        self.events_of_article
            .get(&article)
            .into_iter()
            .flatten()
            .map(|&i| &self.events[i])
    }

    /// The events an entity is the source or target of.
    pub fn events_of_entity(&self, entity: i64) -> impl Iterator<Item = &EventRecord> {
        self.events_of_entity
            .get(&entity)
            .into_iter()
            .flatten()
            .map(|&i| &self.events[i])
    }

    /// The canonical member of the near-duplicate group of `article`, when
    /// it is in one and is not the canonical member itself.
    pub fn duplicate_of(&self, article: i64) -> Option<i64> {
        self.duplicate_of
            .get(&article)
            .map(|&(_, c)| c)
            .filter(|&c| c != article)
    }

    /// The other members of the near-duplicate group of `article`.
    pub fn near_duplicates(&self, article: i64) -> Vec<&rasd_pipeline::dedup::GroupMember> {
        match self.duplicate_of.get(&article) {
            Some(&(g, _)) => self.duplicate_groups[g]
                .members
                .iter()
                .filter(|m| m.id != article)
                .collect(),
            None => Vec::new(),
        }
    }
}

/// A one-word key without its first letter, when at least 3 letters
/// remain (see `rasd_entity::key::word_keys_match`).
fn key_tail(key: &str) -> Option<&str> {
    if key.contains(' ') {
        return None;
    }
    let mut it = key.chars();
    it.next()?;
    let rest = it.as_str();
    (rest.chars().count() >= 3).then_some(rest)
}

fn positions(ids: impl Iterator<Item = i64>) -> HashMap<i64, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// Descending order for one part of a sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Desc<T>(pub T);

impl<T: Ord> PartialOrd for Desc<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> Ord for Desc<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.cmp(&self.0)
    }
}

pub type StorySizeKey = (Desc<usize>, i64);
pub type StoryRecentKey = (Desc<Option<String>>, i64);
pub type EntityMentionsKey = (Desc<u32>, i64);
pub type EntityNameKey = (String, i64);
pub type EventDateKey = (Desc<Option<String>>, i64);

pub fn story_size_key(s: &StoryRecord) -> StorySizeKey {
    (Desc(s.articles.len()), s.id)
}

pub fn story_recent_key(s: &StoryRecord) -> StoryRecentKey {
    (Desc(s.last_seen.clone()), s.id)
}

pub fn entity_mentions_key(e: &EntityRecord) -> EntityMentionsKey {
    (Desc(e.mentions), e.id)
}

pub fn entity_name_key(e: &EntityRecord) -> EntityNameKey {
    (e.name.clone(), e.id)
}

pub fn event_date_key(e: &EventRecord) -> EventDateKey {
    (Desc(e.date.clone()), e.id)
}
