//! Stories: the online clusterer of `rasd-story` run over every stored
//! article in id order (so the same store always gives the same stories),
//! with the knowledge-base persons and organisations of each article and its
//! near-duplicate links; then the story records, and every article's TF-IDF
//! vector for related-article queries.

use crate::annotate::publisher;
use rasd_dedup::group_duplicates;
use rasd_store::{ArticleQuery, EntityRecord, Store, StoreError, StoryEntity, StoryRecord};
use rasd_story::{cosine, term_counts, ArticleInput, Clusterer, Params};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// What a story rebuild did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StorySummary {
    pub articles: u64,
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
}

/// Rebuilds all stories from the store.
pub fn rebuild_stories(store: &mut dyn Store) -> Result<StorySummary, StoreError> {
    let t0 = Instant::now();
    // Bodies, read in id order and reduced to terms in parallel chunks.
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut chunk: Vec<(i64, rasd_doc::Article)> = Vec::new();
    let flush = |chunk: &mut Vec<(i64, rasd_doc::Article)>, out: &mut Vec<Gathered>| {
        let g: Vec<Gathered> = chunk
            .par_iter()
            .map(|(id, a)| {
                let date = a
                    .published
                    .as_ref()
                    .or(a.crawled.as_ref())
                    .map(|d| d.date());
                Gathered {
                    id: *id,
                    day: date.map(days),
                    date: date.map(|d| d.to_string()),
                    publisher: publisher(a),
                    body_len: a.body.len(),
                    terms: term_counts(&a.body),
                }
            })
            .collect();
        out.extend(g);
        chunk.clear();
    };
    store.articles(&ArticleQuery::default(), &mut |s| {
        chunk.push((s.id, s.article));
        if chunk.len() >= 2000 {
            flush(&mut chunk, &mut gathered);
            tracing::debug!(
                seconds = t0.elapsed().as_secs_f64(),
                "stories: bodies read, terms counted"
            );
        }
        true
    })?;
    flush(&mut chunk, &mut gathered);
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

    // Near-duplicates: an article joins the story of the earliest article it
    // copies.
    let pairs = store.duplicate_pairs()?;
    let mut dup_of: HashMap<i64, i64> = HashMap::new();
    for p in &pairs {
        let slot = dup_of.entry(p.b).or_insert(p.a);
        *slot = (*slot).min(p.a);
    }

    let mut c = Clusterer::new(Params::default());
    let mut members: Vec<(i64, usize, f32)> = Vec::with_capacity(gathered.len());
    for g in &gathered {
        let input = ArticleInput {
            id: g.id,
            day: g.day,
            terms: g.terms.clone(),
            entities: ents
                .get(&g.id)
                .map(|v| v.iter().map(|(e, n)| (format!("E{e}"), *n)).collect())
                .unwrap_or_default(),
            duplicate_of: dup_of.get(&g.id).copied(),
        };
        let got = c.add(&input);
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
    // Story records.
    let by_id: HashMap<i64, &Gathered> = gathered.iter().map(|g| (g.id, g)).collect();
    let mut records = Vec::with_capacity(c.stories.len());
    for (i, s) in c.stories.iter().enumerate() {
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
        let links = pairs
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
            for (e, n) in ents.get(a).into_iter().flatten() {
                let c = counts.entry(*e).or_default();
                c.0 += n;
                c.1 += 1;
            }
        }
        let mut entities: Vec<StoryEntity> = counts
            .into_iter()
            .map(|(id, (count, in_articles))| {
                let e = &kb[&id];
                StoryEntity {
                    id,
                    etype: e.etype.clone(),
                    name: e.name.clone(),
                    name_en: e.name_en.clone(),
                    count,
                    articles: in_articles,
                }
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
            .top_terms(&c, 10)
            .into_iter()
            .map(str::to_string)
            .collect();
        let label = label(&entities, &terms);
        records.push(StoryRecord {
            id: i as i64 + 1,
            label,
            first_seen: dates.iter().min().map(|d| d.to_string()),
            last_seen: dates.iter().max().map(|d| d.to_string()),
            articles,
            duplicate_groups,
            sources,
            entities,
            terms,
            events: events
                .iter()
                .filter(|(_, _, arts)| arts.iter().any(|a| set.contains(a)))
                .map(|(_, id, _)| *id)
                .collect(),
            linked: c
                .linked(i)
                .into_iter()
                .map(|(s, n)| (s as i64 + 1, n as u32))
                .collect(),
        });
    }
    let rows: Vec<(i64, i64, f32)> = members
        .iter()
        .map(|&(a, s, score)| (a, s as i64 + 1, score))
        .collect();

    // Final TF-IDF vectors (IDF over the whole store) for related articles.
    let mut df: HashMap<&str, u32> = HashMap::new();
    for g in &gathered {
        for (t, _) in &g.terms {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    let n = gathered.len() as f32;
    let vectors: Vec<(i64, Vec<(String, f32)>)> = gathered
        .par_iter()
        .map(|g| (g.id, tfidf(&g.terms, &df, n, 40)))
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
    store.write_stories(&records, &rows, &vectors)?;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

fn tfidf(
    terms: &[(String, u32)],
    df: &HashMap<&str, u32>,
    n: f32,
    keep: usize,
) -> Vec<(String, f32)> {
    let mut v: Vec<(String, f32)> = terms
        .iter()
        .filter(|(t, _)| n < 200.0 || (df[t.as_str()] as f32) <= 0.25 * n)
        .map(|(t, c)| {
            let idf = ((n + 1.0) / (df[t.as_str()] as f32 + 1.0)).ln() + 1.0;
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

/// A story's label: the two actors most of its articles name, then its
/// heaviest words.
fn label(entities: &[StoryEntity], terms: &[String]) -> String {
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
