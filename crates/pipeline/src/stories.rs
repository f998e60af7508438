//! Stories: the online clusterer of `rasd-story` run over every stored
//! article in id order (so the same store always gives the same stories),
//! with the knowledge-base persons and organisations of each article and its
//! near-duplicate links; then the story records, and every article's TF-IDF
//! vector for related-article queries.

use crate::annotate::publisher;
use rasd_dedup::group_duplicates;
use rasd_store::{
    ArticleQuery, EntityRecord, KeptState, Store, StoreError, StoryEntity, StoryRecord,
};
use rasd_story::{
    cosine, headline, lead, term_counts, title_key, ArticleInput, Clusterer, HeadlineMember,
    Params, LEAD_WORDS,
};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;

/// What a story rebuild did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StorySummary {
    /// Continued from the kept clusterer (else rebuilt from every article).
    pub incremental: bool,
    /// Articles clustered in this run.
    pub articles: u64,
    /// Stories written in this run (an update: those new articles joined).
    pub changed: u64,
    pub stories: u64,
    /// Stories of two articles or more.
    pub multi_article_stories: u64,
    pub largest: u64,
    pub seconds: f64,
}

/// Days since 1970-01-01 of a civil date.
fn days(d: jiff::civil::Date) -> i32 {
    let (y, m, dd) = (d.year() as i32, d.month() as i32, d.day() as i32);
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

struct Gathered {
    id: i64,
    day: Option<i32>,
    date: Option<String>,
    publisher: Option<String>,
    body_len: usize,
    terms: Vec<(String, u32)>,
    title: Option<String>,
    /// The first sentence of the body, cut (the headline's fallback).
    lead: String,
}

/// Version of the story stage's kept state (the clusterer's and the
/// headline's): a state of another version is rebuilt in full.
pub const STORY_STATE_VERSION: i64 = 1;

/// What the story stage keeps between runs.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct StoryStage {
    /// [`Clusterer::save`].
    clusterer: Vec<u8>,
    /// Title key → (last story it was seen in, number of stories): titles in
    /// several stories are boilerplate, no headline.
    title_stories: HashMap<String, (usize, u32)>,
}

impl StoryStage {
    fn count_title(&mut self, title: &str, story: usize) {
        let e = self
            .title_stories
            .entry(title_key(title))
            .or_insert((story, 0));
        if e.1 == 0 || e.0 != story {
            *e = (story, e.1 + 1);
        }
    }

    fn boilerplate(&self, title: &str) -> bool {
        self.title_stories
            .get(&title_key(title))
            .is_some_and(|&(_, n)| n >= BOILERPLATE_STORIES)
    }
}

/// One article as the story stage reads it.
fn gather(id: i64, a: &rasd_doc::Article) -> Gathered {
    let date = a
        .published
        .as_ref()
        .or(a.crawled.as_ref())
        .map(|d| d.date());
    Gathered {
        id,
        day: date.map(days),
        date: date.map(|d| d.to_string()),
        publisher: publisher(a),
        body_len: a.body.len(),
        terms: term_counts(&a.body),
        title: a.title.clone(),
        lead: lead(&a.body, LEAD_WORDS),
    }
}

/// Reads the knowledge-base entities with these ids that `kb` lacks in
/// bulk, persons and organisations kept (the others, and merged ids, are
/// left for a one-by-one read that follows redirects).
fn prefetch(
    store: &dyn Store,
    kb: &mut HashMap<i64, Option<EntityRecord>>,
    ids: impl Iterator<Item = i64>,
) -> Result<(), StoreError> {
    let want: BTreeSet<i64> = ids.filter(|id| !kb.contains_key(id)).collect();
    let want: Vec<i64> = want.into_iter().collect();
    for chunk in want.chunks(5000) {
        for e in store.entities_of(chunk)? {
            let keep = matches!(e.etype.as_str(), "PER" | "ORG");
            kb.insert(e.id, keep.then_some(e));
        }
    }
    Ok(())
}

/// The stored articles after `after` and up to `upto`, gathered in
/// parallel chunks, in id order.
fn gather_after(store: &dyn Store, after: i64, upto: i64) -> Result<Vec<Gathered>, StoreError> {
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut chunk: Vec<(i64, rasd_doc::Article)> = Vec::new();
    let flush = |chunk: &mut Vec<(i64, rasd_doc::Article)>, out: &mut Vec<Gathered>| {
        out.extend(
            chunk
                .par_iter()
                .map(|(id, a)| gather(*id, a))
                .collect::<Vec<_>>(),
        );
        chunk.clear();
    };
    let q = ArticleQuery {
        after_id: Some(after),
        ..Default::default()
    };
    store.articles(&q, &mut |s| {
        if s.id > upto {
            return false;
        }
        chunk.push((s.id, s.article));
        if chunk.len() >= 2000 {
            flush(&mut chunk, &mut gathered);
        }
        true
    })?;
    flush(&mut chunk, &mut gathered);
    Ok(gathered)
}

/// Near-duplicates: an article joins the story of the earliest article it
/// copies.
fn duplicate_of(pairs: &[rasd_store::DupPair]) -> HashMap<i64, i64> {
    let mut dup_of: HashMap<i64, i64> = HashMap::new();
    for p in pairs {
        let slot = dup_of.entry(p.b).or_insert(p.a);
        *slot = (*slot).min(p.a);
    }
    dup_of
}

/// The clusterer's view of one article.
fn input(
    g: &Gathered,
    ents: &HashMap<i64, Vec<(i64, u32)>>,
    dup_of: &HashMap<i64, i64>,
) -> ArticleInput {
    ArticleInput {
        id: g.id,
        day: g.day,
        terms: g.terms.clone(),
        entities: ents
            .get(&g.id)
            .map(|v| v.iter().map(|(e, n)| (format!("E{e}"), *n)).collect())
            .unwrap_or_default(),
        duplicate_of: dup_of.get(&g.id).copied(),
    }
}

/// What a story record is built from.
struct RecordInputs<'a> {
    c: &'a Clusterer,
    /// Every member of the stories to build.
    by_id: HashMap<i64, &'a Gathered>,
    vectors: &'a HashMap<i64, Vec<(String, f32)>>,
    ents: &'a HashMap<i64, Vec<(i64, u32)>>,
    /// Persons and organisations by id.
    kb: &'a HashMap<i64, EntityRecord>,
    pairs: &'a [rasd_store::DupPair],
    /// Events (not negated) in date order, and their indexes by article.
    events: &'a [(Option<String>, i64, Vec<i64>)],
    events_of: HashMap<i64, Vec<usize>>,
    stage: &'a StoryStage,
}

impl<'a> RecordInputs<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        c: &'a Clusterer,
        by_id: HashMap<i64, &'a Gathered>,
        vectors: &'a HashMap<i64, Vec<(String, f32)>>,
        ents: &'a HashMap<i64, Vec<(i64, u32)>>,
        kb: &'a HashMap<i64, EntityRecord>,
        pairs: &'a [rasd_store::DupPair],
        events: &'a [(Option<String>, i64, Vec<i64>)],
        stage: &'a StoryStage,
    ) -> Self {
        let mut events_of: HashMap<i64, Vec<usize>> = HashMap::new();
        for (k, (_, _, arts)) in events.iter().enumerate() {
            for a in arts {
                events_of.entry(*a).or_default().push(k);
            }
        }
        RecordInputs {
            c,
            by_id,
            vectors,
            ents,
            kb,
            pairs,
            events,
            events_of,
            stage,
        }
    }

    /// The record of story `i` (store id `i + 1`).
    fn record(&self, i: usize) -> StoryRecord {
        let s = &self.c.stories[i];
        let by_id = &self.by_id;
        let mut articles = s.articles.clone();
        articles.sort_unstable();
        let set: HashSet<i64> = articles.iter().copied().collect();
        let dates: Vec<&str> = articles
            .iter()
            .filter_map(|a| by_id[a].date.as_deref())
            .collect();
        let mut sources: Vec<String> = articles
            .iter()
            .filter_map(|a| by_id[a].publisher.clone())
            .collect();
        sources.sort();
        sources.dedup();
        let links = self
            .pairs
            .iter()
            .filter(|p| set.contains(&p.a) && set.contains(&p.b))
            .map(|p| (p.a as u64, p.b as u64));
        let duplicate_groups: Vec<Vec<i64>> = group_duplicates(links, |id| {
            let g = by_id[&(id as i64)];
            (g.day.is_none(), g.day, std::cmp::Reverse(g.body_len))
        })
        .into_iter()
        .map(|g| {
            let mut v = vec![g.canonical as i64];
            v.extend(
                g.members
                    .iter()
                    .map(|&m| m as i64)
                    .filter(|&m| m != g.canonical as i64),
            );
            v
        })
        .collect();
        let mut counts: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
        for a in &articles {
            for (e, n) in self.ents.get(a).into_iter().flatten() {
                let c = counts.entry(*e).or_default();
                c.0 += n;
                c.1 += 1;
            }
        }
        let mut entities: Vec<StoryEntity> = counts
            .into_iter()
            .filter_map(|(id, (count, in_articles))| {
                let e = self.kb.get(&id)?;
                Some(StoryEntity {
                    id,
                    etype: e.etype.clone(),
                    name: e.name.clone(),
                    name_en: e.name_en.clone(),
                    count,
                    articles: in_articles,
                })
            })
            .collect();
        // The actors most of the story's articles name come first.
        entities.sort_by(|a, b| {
            (b.articles, b.count)
                .cmp(&(a.articles, a.count))
                .then(a.id.cmp(&b.id))
        });
        entities.truncate(20);
        let terms: Vec<String> = s
            .top_terms(self.c, 10)
            .into_iter()
            .map(str::to_string)
            .collect();
        // The members' vectors with interned terms, sorted by term id, for
        // the headline's centrality.
        let mut term_ids: HashMap<&str, u32> = HashMap::new();
        let interned: HashMap<i64, Vec<(u32, f32)>> = articles
            .iter()
            .map(|a| {
                let mut out: Vec<(u32, f32)> = self
                    .vectors
                    .get(a)
                    .into_iter()
                    .flatten()
                    .map(|(t, w)| {
                        let n = term_ids.len() as u32;
                        (*term_ids.entry(t.as_str()).or_insert(n), *w)
                    })
                    .collect();
                out.sort_by_key(|x| x.0);
                (*a, out)
            })
            .collect();
        let members: Vec<HeadlineMember> = articles
            .iter()
            .map(|a| {
                let g = by_id[a];
                HeadlineMember {
                    id: *a,
                    title: g.title.as_deref(),
                    lead: &g.lead,
                    publisher: g.publisher.as_deref(),
                    vector: interned.get(a).map(Vec::as_slice).unwrap_or(&[]),
                }
            })
            .collect();
        let mut label = headline(&members, &duplicate_groups, &|t| self.stage.boilerplate(t));
        if label.is_empty() {
            label = fallback_label(&entities, &terms);
        }
        let actors: Vec<String> = entities.iter().take(3).map(|e| e.name.clone()).collect();
        let mut evs: Vec<usize> = articles
            .iter()
            .flat_map(|a| self.events_of.get(a).into_iter().flatten().copied())
            .collect();
        evs.sort_unstable();
        evs.dedup();
        let mut record = StoryRecord {
            id: i as i64 + 1,
            label,
            actors,
            first_seen: dates.iter().min().map(|d| d.to_string()),
            last_seen: dates.iter().max().map(|d| d.to_string()),
            articles,
            duplicate_groups,
            sources,
            num_sources: 0,
            entities,
            terms,
            events: evs.into_iter().map(|k| self.events[k].1).collect(),
            linked: self
                .c
                .linked(i)
                .into_iter()
                .map(|(s, n)| (s as i64 + 1, n as u32))
                .collect(),
        };
        record.num_sources = record.source_count();
        record
    }
}

fn kept_state(c: &Clusterer, stage: &mut StoryStage, last_article: i64) -> KeptState {
    stage.clusterer = c.save();
    KeptState {
        version: STORY_STATE_VERSION,
        last_article,
        data: postcard::to_stdvec(&*stage).expect("serialising plain data cannot fail"),
    }
}

/// Rebuilds all stories from the store (numbered in the order they were
/// started), and keeps the clusterer's state for [`update_stories`].
pub fn rebuild_stories(store: &mut dyn Store) -> Result<StorySummary, StoreError> {
    rebuild_stories_upto(store, i64::MAX)
}

/// [`rebuild_stories`] from the articles with ids up to `upto`.
pub fn rebuild_stories_upto(store: &mut dyn Store, upto: i64) -> Result<StorySummary, StoreError> {
    let t0 = Instant::now();
    let gathered = gather_after(store, 0, upto)?;
    tracing::debug!(
        seconds = t0.elapsed().as_secs_f64(),
        "stories: bodies read, terms counted"
    );

    // Knowledge-base persons and organisations of each article.
    let mut kb: HashMap<i64, EntityRecord> = HashMap::new();
    store.entities(&mut |e| {
        if matches!(e.etype.as_str(), "PER" | "ORG") {
            kb.insert(e.id, e);
        }
        true
    })?;
    let mut ents: HashMap<i64, Vec<(i64, u32)>> = HashMap::new();
    store.article_entity_counts(&mut |a, e, n| {
        if kb.contains_key(&e) {
            ents.entry(a).or_default().push((e, n));
        }
    })?;
    let pairs = store.duplicate_pairs()?;
    let dup_of = duplicate_of(&pairs);

    let mut c = Clusterer::new(Params::default());
    let mut members: Vec<(i64, usize, f32)> = Vec::with_capacity(gathered.len());
    for g in &gathered {
        let got = c.add(&input(g, &ents, &dup_of));
        members.push((g.id, got.story, got.score));
    }
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "stories: clustered");

    // Events by article, in date order, for the timelines.
    let mut events: Vec<(Option<String>, i64, Vec<i64>)> = Vec::new();
    store.events(&mut |e| {
        if !e.negated {
            events.push((e.date.clone(), e.id, e.articles.clone()));
        }
        true
    })?;
    events.sort();
    // Final TF-IDF vectors (IDF over the whole store) for related articles.
    let mut df: HashMap<&str, u32> = HashMap::new();
    for g in &gathered {
        for (t, _) in &g.terms {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    let n = gathered.len() as f32;
    let vectors: HashMap<i64, Vec<(String, f32)>> = gathered
        .par_iter()
        .map(|g| (g.id, tfidf(&g.terms, &|t| df[t], n, 40)))
        .collect();
    // Titles shared by several unrelated stories (a site name, UI text) are
    // no headline.
    let title_of: HashMap<i64, &str> = gathered
        .iter()
        .filter_map(|g| g.title.as_deref().map(|t| (g.id, t)))
        .collect();
    let mut stage = StoryStage::default();
    for (i, s) in c.stories.iter().enumerate() {
        for a in &s.articles {
            if let Some(t) = title_of.get(a) {
                stage.count_title(t, i);
            }
        }
    }
    let inputs = RecordInputs::new(
        &c,
        gathered.iter().map(|g| (g.id, g)).collect(),
        &vectors,
        &ents,
        &kb,
        &pairs,
        &events,
        &stage,
    );
    let records: Vec<StoryRecord> = (0..c.stories.len()).map(|i| inputs.record(i)).collect();
    let rows: Vec<(i64, i64, f32)> = members
        .iter()
        .map(|&(a, s, score)| (a, s as i64 + 1, score))
        .collect();

    let mut sum = StorySummary {
        articles: gathered.len() as u64,
        stories: records.len() as u64,
        ..Default::default()
    };
    for r in &records {
        sum.multi_article_stories += (r.articles.len() > 1) as u64;
        sum.largest = sum.largest.max(r.articles.len() as u64);
    }
    tracing::debug!(
        seconds = t0.elapsed().as_secs_f64(),
        "stories: records and vectors built"
    );
    let vectors: Vec<(i64, Vec<(String, f32)>)> = gathered
        .iter()
        .filter_map(|g| vectors.get(&g.id).map(|v| (g.id, v.clone())))
        .collect();
    store.write_stories(&records, &rows, &vectors)?;
    let last = gathered.last().map_or(0, |g| g.id);
    store.save_story_state(&kept_state(&c, &mut stage, last))?;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

/// Brings the stories up to date with the articles added since they were
/// last written: the kept clusterer takes the new articles one by one, as
/// if they had come in the same run, and only the stories they joined or
/// started are written (with their headline, actors, events and links).
/// A new article's term vector (for related articles) takes its IDF from
/// the articles clustered so far. Falls back to [`rebuild_stories`] when
/// there is no kept state of this version.
pub fn update_stories(store: &mut dyn Store) -> Result<StorySummary, StoreError> {
    update_stories_upto(store, i64::MAX)
}

/// [`update_stories`] with the articles with ids up to `upto` (the later
/// ones are left for a later run).
pub fn update_stories_upto(store: &mut dyn Store, upto: i64) -> Result<StorySummary, StoreError> {
    let t0 = Instant::now();
    let Some(kept) = store
        .story_state()?
        .filter(|s| s.version == STORY_STATE_VERSION)
    else {
        return rebuild_stories_upto(store, upto);
    };
    let restored = postcard::from_bytes::<StoryStage>(&kept.data)
        .ok()
        .and_then(|st| Clusterer::restore(&st.clusterer).ok().map(|c| (st, c)));
    let Some((mut stage, mut c)) = restored else {
        tracing::warn!("stories: the kept state cannot be read; rebuilding");
        return rebuild_stories_upto(store, upto);
    };
    let new = gather_after(store, kept.last_article, upto)?;
    let mut sum = StorySummary {
        incremental: true,
        articles: new.len() as u64,
        ..Default::default()
    };
    if new.is_empty() {
        sum.stories = c.stories.len() as u64;
        sum.seconds = t0.elapsed().as_secs_f64();
        return Ok(sum);
    }
    let kind = |store: &dyn Store,
                kb: &mut HashMap<i64, Option<EntityRecord>>,
                id: i64|
     -> Result<bool, StoreError> {
        if let std::collections::hash_map::Entry::Vacant(slot) = kb.entry(id) {
            let e = store
                .entity(id)?
                .filter(|e| matches!(e.etype.as_str(), "PER" | "ORG"));
            slot.insert(e);
        }
        Ok(kb[&id].is_some())
    };
    let mut kb: HashMap<i64, Option<EntityRecord>> = HashMap::new();
    let mut ents: HashMap<i64, Vec<(i64, u32)>> = HashMap::new();
    let new_ids: Vec<i64> = new.iter().map(|g| g.id).collect();
    let counts = store.article_entity_counts_of(&new_ids)?;
    prefetch(store, &mut kb, counts.iter().map(|c| c.1))?;
    for (a, e, n) in counts {
        if kind(store, &mut kb, e)? {
            ents.entry(a).or_default().push((e, n));
        }
    }
    let pairs = store.duplicate_pairs()?;
    let dup_of = duplicate_of(&pairs);
    let mut touched: BTreeSet<usize> = BTreeSet::new();
    let mut rows = Vec::with_capacity(new.len());
    for g in &new {
        let got = c.add(&input(g, &ents, &dup_of));
        touched.insert(got.story);
        rows.push((g.id, got.story as i64 + 1, got.score));
        if let Some(t) = &g.title {
            stage.count_title(t, got.story);
        }
    }
    // The new articles' vectors, IDF from the articles clustered so far.
    let n = c.articles() as f32;
    let mut vectors: HashMap<i64, Vec<(String, f32)>> = new
        .iter()
        .map(|g| (g.id, tfidf(&g.terms, &|t| c.df(t).max(1), n, 40)))
        .collect();
    let new_vectors: Vec<(i64, Vec<(String, f32)>)> =
        new.iter().map(|g| (g.id, vectors[&g.id].clone())).collect();
    // The earlier members of the stories touched.
    let mut old: Vec<Gathered> = Vec::new();
    let mut members: Vec<i64> = Vec::new();
    for &s in &touched {
        members.extend(c.stories[s].articles.iter().copied());
    }
    let new_set: HashSet<i64> = new_ids.iter().copied().collect();
    let old_ids: Vec<i64> = members
        .iter()
        .copied()
        .filter(|a| !new_set.contains(a))
        .collect();
    for chunk in old_ids.chunks(2000) {
        let articles = store.articles_of(chunk)?;
        old.extend(
            articles
                .par_iter()
                .map(|sa| gather(sa.id, &sa.article))
                .collect::<Vec<_>>(),
        );
    }
    for (a, v) in store.article_vectors_of(&old_ids)? {
        vectors.insert(a, v);
    }
    let counts = store.article_entity_counts_of(&old_ids)?;
    prefetch(store, &mut kb, counts.iter().map(|c| c.1))?;
    for (a, e, n) in counts {
        if kind(store, &mut kb, e)? {
            ents.entry(a).or_default().push((e, n));
        }
    }
    let kb: HashMap<i64, EntityRecord> =
        kb.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
    let events = store.events_of_articles(&members)?;
    let inputs = RecordInputs::new(
        &c,
        new.iter().chain(old.iter()).map(|g| (g.id, g)).collect(),
        &vectors,
        &ents,
        &kb,
        &pairs,
        &events,
        &stage,
    );
    let records: Vec<StoryRecord> = touched
        .iter()
        .filter(|&&i| {
            c.stories[i]
                .articles
                .iter()
                .all(|a| inputs.by_id.contains_key(a))
        })
        .map(|&i| inputs.record(i))
        .collect();
    sum.stories = c.stories.len() as u64;
    sum.changed = records.len() as u64;
    let last = new.last().map_or(kept.last_article, |g| g.id);
    let state = kept_state(&c, &mut stage, last);
    store.upsert_stories(&records, &rows, &new_vectors, &state)?;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

fn tfidf(
    terms: &[(String, u32)],
    df: &(dyn Fn(&str) -> u32 + Sync),
    n: f32,
    keep: usize,
) -> Vec<(String, f32)> {
    let mut v: Vec<(String, f32)> = terms
        .iter()
        .filter(|(t, _)| n < 200.0 || (df(t) as f32) <= 0.25 * n)
        .map(|(t, c)| {
            let idf = ((n + 1.0) / (df(t) as f32 + 1.0)).ln() + 1.0;
            (t.clone(), (1.0 + (*c as f32).ln()) * idf)
        })
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(keep);
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in &mut v {
            x.1 /= norm;
        }
    }
    v
}

/// A title in at least this many stories is boilerplate, not a headline.
const BOILERPLATE_STORIES: u32 = 3;

/// The label of a story none of whose articles has a title or a body: the
/// two actors most of its articles name, then its heaviest words.
fn fallback_label(entities: &[StoryEntity], terms: &[String]) -> String {
    let names: Vec<&str> = entities.iter().take(2).map(|e| e.name.as_str()).collect();
    let words: Vec<&str> = terms.iter().take(4).map(String::as_str).collect();
    match (names.is_empty(), words.is_empty()) {
        (false, false) => format!("{} — {}", names.join("، "), words.join("، ")),
        (false, true) => names.join("، "),
        (true, _) => words.join("، "),
    }
}

/// An article related to another.
#[derive(Debug, Clone, Serialize)]
pub struct Related {
    pub id: i64,
    pub score: f32,
    pub story: Option<i64>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub publisher: Option<String>,
}

/// The articles nearest to `id` by TF-IDF cosine, leaving out the article
/// itself, its near-duplicates, and the page/appendage it was split from or
/// off.
pub fn related(store: &dyn Store, id: i64, k: usize) -> Result<Vec<Related>, StoreError> {
    let mut vecs: Vec<(i64, Vec<(String, f32)>)> = Vec::new();
    store.article_vectors(&mut |a, v| vecs.push((a, v)))?;
    let Some(target) = vecs.iter().find(|(a, _)| *a == id).map(|(_, v)| v.clone()) else {
        return Ok(Vec::new());
    };
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut intern = |v: &[(String, f32)]| -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = v
            .iter()
            .map(|(t, w)| {
                let n = ids.len() as u32;
                (*ids.entry(t.clone()).or_insert(n), *w)
            })
            .collect();
        out.sort_by_key(|x| x.0);
        out
    };
    let t = intern(&target);
    let mut exclude: HashSet<i64> = HashSet::from([id]);
    for p in store.duplicate_pairs()? {
        if p.a == id {
            exclude.insert(p.b);
        } else if p.b == id {
            exclude.insert(p.a);
        }
    }
    if let Some(a) = store.article(id)? {
        if let Some(parent) = a.appended_to {
            exclude.insert(parent);
        }
        exclude.extend(store.appended_items(id)?.into_iter().map(|(i, _)| i));
        exclude.extend(store.exact_duplicate_group(id)?);
    }
    let mut scored: Vec<(i64, f32)> = vecs
        .iter()
        .filter(|(a, _)| !exclude.contains(a))
        .map(|(a, v)| (*a, cosine(&t, &intern(v))))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(k);
    let mut out = Vec::new();
    for (a, score) in scored {
        let Some(s) = store.article(a)? else { continue };
        out.push(Related {
            id: a,
            score,
            story: store.story_of(a)?.map(|x| x.0),
            title: s.article.title.clone(),
            published: s.article.published.as_ref().map(|d| d.to_string()),
            publisher: publisher(&s.article),
        });
    }
    Ok(out)
}
