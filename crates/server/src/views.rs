//! The JSON shapes of the API (documented in `API.md` and the OpenAPI
//! document), built from the catalog and the store.

use crate::catalog::{ArticleHead, Catalog};
use rasd_store::{EntityRecord, EventActor, EventRecord, StoryRecord};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A page of a list.
#[derive(Serialize)]
pub struct Page<T: Serialize> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
pub struct StoryRef<'a> {
    pub id: i64,
    pub label: &'a str,
}

#[derive(Serialize)]
pub struct ArticleItem<'a> {
    #[serde(flatten)]
    pub head: &'a ArticleHead,
    pub story: Option<StoryRef<'a>>,
}

pub fn article_item<'a>(c: &'a Catalog, h: &'a ArticleHead) -> ArticleItem<'a> {
    ArticleItem {
        head: h,
        story: c.story_of(h.id).map(|s| StoryRef {
            id: s.id,
            label: &s.label,
        }),
    }
}

#[derive(Serialize)]
pub struct StoryItem<'a> {
    pub id: i64,
    /// The representative headline, in its original spelling.
    pub label: &'a str,
    /// The top actors' names (up to three).
    pub actors: &'a [String],
    pub first_seen: Option<&'a str>,
    pub last_seen: Option<&'a str>,
    pub size: usize,
    /// Distinct publishers; never 0 for a story with articles.
    pub num_sources: u32,
    pub sources: &'a [String],
    pub entities: &'a [rasd_store::StoryEntity],
    pub terms: &'a [String],
    pub events: usize,
}

pub fn story_item(s: &StoryRecord) -> StoryItem<'_> {
    StoryItem {
        id: s.id,
        label: &s.label,
        actors: &s.actors,
        first_seen: s.first_seen.as_deref(),
        last_seen: s.last_seen.as_deref(),
        size: s.articles.len(),
        num_sources: s.source_count(),
        sources: &s.sources,
        entities: &s.entities[..s.entities.len().min(8)],
        terms: &s.terms,
        events: s.events.len(),
    }
}

#[derive(Serialize)]
pub struct StoryArticle<'a> {
    pub id: i64,
    pub title: Option<&'a str>,
    pub source: Option<&'a str>,
    pub published: Option<&'a str>,
    pub url: Option<&'a str>,
    pub kind: &'static str,
    /// The canonical member of its near-duplicate group.
    pub duplicate_of: Option<i64>,
}

#[derive(Serialize)]
pub struct LinkedStory<'a> {
    pub id: i64,
    pub label: &'a str,
    pub shared: u32,
}

#[derive(Serialize)]
pub struct Place {
    pub name: String,
    pub name_en: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub country: Option<String>,
    /// Events that took place there.
    pub events: u32,
    /// Mentions of the place in the story's articles.
    pub mentions: u32,
}

#[derive(Serialize, Clone)]
pub struct GraphNode {
    pub id: String,
    pub entity: Option<i64>,
    pub name: String,
    pub name_en: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
    #[serde(rename = "type")]
    pub etype: Option<String>,
    /// Events the actor is in.
    pub events: u32,
}

#[derive(Serialize)]
pub struct GraphEdge {
    pub source: String,
    pub target: String,
    #[serde(rename = "type")]
    pub etype: String,
    pub count: u32,
    pub events: Vec<i64>,
}

#[derive(Serialize, Default)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

#[derive(Serialize)]
pub struct StoryDetail<'a> {
    #[serde(flatten)]
    pub item: StoryItem<'a>,
    pub articles: Vec<StoryArticle<'a>>,
    pub duplicate_groups: &'a [Vec<i64>],
    pub linked: Vec<LinkedStory<'a>>,
    /// Its events dated within the span of its articles, in date order.
    pub timeline: Vec<&'a EventRecord>,
    /// Its other events: earlier background, later plans, undated.
    pub background: Vec<&'a EventRecord>,
    pub places: Vec<Place>,
    pub graph: Graph,
}

pub fn story_detail<'a>(c: &'a Catalog, s: &'a StoryRecord) -> StoryDetail<'a> {
    let mut item = story_item(s);
    item.entities = &s.entities;
    let articles = s
        .articles
        .iter()
        .filter_map(|&id| c.article(id))
        .map(|h| StoryArticle {
            id: h.id,
            title: h.title.as_deref(),
            source: h.source.as_deref(),
            published: h.published.as_deref(),
            url: h.url.as_deref(),
            kind: h.kind,
            duplicate_of: s
                .duplicate_groups
                .iter()
                .find(|g| g.contains(&h.id))
                .and_then(|g| g.first().copied())
                .filter(|&first| first != h.id),
        })
        .collect();
    let linked = s
        .linked
        .iter()
        .filter_map(|&(id, shared)| {
            c.story(id).map(|l| LinkedStory {
                id,
                label: &l.label,
                shared,
            })
        })
        .collect();
    let mut all: Vec<&EventRecord> = s.events.iter().filter_map(|&id| c.event(id)).collect();
    all.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let (timeline, background) =
        split_by_span(all, s.first_seen.as_deref(), s.last_seen.as_deref());
    let places = places(c, &timeline, s);
    let graph = graph(c, &timeline);
    StoryDetail {
        item,
        articles,
        duplicate_groups: &s.duplicate_groups,
        linked,
        timeline,
        background,
        places,
        graph,
    }
}

/// Splits a story's events into those dated within the time its articles
/// span (the timeline) and the rest: what the articles recall from before
/// (or announce for after), and undated events.
fn split_by_span<'a>(
    events: Vec<&'a EventRecord>,
    first: Option<&str>,
    last: Option<&str>,
) -> (Vec<&'a EventRecord>, Vec<&'a EventRecord>) {
    let within = |d: &str| {
        // A month or year compares by its prefix: 2023-08 is within a story
        // that starts on 2023-08-22.
        let cut = |x: &str| x[..x.len().min(d.len())].to_string();
        first.is_none_or(|f| d >= cut(f).as_str()) && last.is_none_or(|l| d <= cut(l).as_str())
    };
    events
        .into_iter()
        .partition(|e| e.date.as_deref().is_some_and(within))
}

/// The places of a story: where its events happened, and the places its
/// articles name that the gazetteer put on the map.
fn places(c: &Catalog, events: &[&EventRecord], s: &StoryRecord) -> Vec<Place> {
    let mut by_key: BTreeMap<String, Place> = BTreeMap::new();
    for e in events {
        let Some(p) = &e.place else { continue };
        let (Some(lat), Some(lon)) = (p.lat, p.lon) else {
            continue;
        };
        let key = p.entity.map(|i| i.to_string()).unwrap_or(p.name.clone());
        by_key
            .entry(key)
            .or_insert_with(|| Place {
                name: p.name.clone(),
                name_en: p.name_en.clone(),
                lat,
                lon,
                country: p.country.clone(),
                events: 0,
                mentions: 0,
            })
            .events += 1;
    }
    for se in s.entities.iter().filter(|e| e.etype == "LOC") {
        let Some(e) = c.entity(se.id) else { continue };
        let (Some(lat), Some(lon)) = (e.lat, e.lon) else {
            continue;
        };
        by_key
            .entry(e.id.to_string())
            .or_insert_with(|| Place {
                name: e.name.clone(),
                name_en: e.name_en.clone(),
                lat,
                lon,
                country: None,
                events: 0,
                mentions: 0,
            })
            .mentions += se.count;
    }
    let mut out: Vec<Place> = by_key.into_values().collect();
    out.sort_by(|a, b| {
        (b.events, b.mentions)
            .cmp(&(a.events, a.mentions))
            .then(a.name.cmp(&b.name))
    });
    out
}

fn node_key(a: &EventActor) -> String {
    match (a.entity, &a.country) {
        (Some(id), _) => format!("e{id}"),
        (None, Some(c)) if a.name.is_empty() => format!("c{c}"),
        _ => format!("n{}", a.name),
    }
}

/// Who did what to whom: one node per actor, one edge per (source, target,
/// PLOVER type), weighted by events.
pub fn graph(c: &Catalog, events: &[&EventRecord]) -> Graph {
    let mut nodes: Vec<GraphNode> = Vec::new();
    let mut node_pos: HashMap<String, usize> = HashMap::new();
    let mut edges: BTreeMap<(String, String, String), Vec<i64>> = BTreeMap::new();
    for e in events.iter().filter(|e| !e.negated) {
        let mut keys = Vec::new();
        for a in [&e.source, &e.target].into_iter().flatten() {
            let key = node_key(a);
            let i = *node_pos.entry(key.clone()).or_insert_with(|| {
                nodes.push(GraphNode {
                    id: key.clone(),
                    entity: a.entity,
                    name: a.name.clone(),
                    name_en: a.name_en.clone(),
                    country: a.country.clone(),
                    sector: a.sector.clone(),
                    etype: a
                        .entity
                        .and_then(|id| c.entity(id))
                        .map(|e| e.etype.clone()),
                    events: 0,
                });
                nodes.len() - 1
            });
            nodes[i].events += 1;
            keys.push(key);
        }
        if let [s, t] = keys.as_slice() {
            if s != t {
                edges
                    .entry((s.clone(), t.clone(), e.etype.clone()))
                    .or_default()
                    .push(e.id);
            }
        }
    }
    Graph {
        nodes,
        edges: edges
            .into_iter()
            .map(|((source, target, etype), events)| GraphEdge {
                source,
                target,
                etype,
                count: events.len() as u32,
                events,
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct EntityItem<'a> {
    pub id: i64,
    #[serde(rename = "type")]
    pub etype: &'a str,
    pub name: &'a str,
    pub name_en: Option<&'a str>,
    pub variants: &'a [(String, u32)],
    pub mentions: u32,
    pub country: Option<&'a str>,
    pub sector: Option<&'a str>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub num_articles: usize,
}

pub fn entity_item(e: &EntityRecord) -> EntityItem<'_> {
    EntityItem {
        id: e.id,
        etype: &e.etype,
        name: &e.name,
        name_en: e.name_en.as_deref(),
        variants: &e.variants,
        mentions: e.mentions,
        country: e.country.as_deref(),
        sector: e.sector.as_deref(),
        lat: e.lat,
        lon: e.lon,
        num_articles: e.articles.len(),
    }
}

/// The UTF-16 offset of byte offset `byte` of `text` (for browsers). An
/// offset inside a character is taken back to its start.
pub fn utf16_offset(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    text[..b].encode_utf16().count()
}

/// `text` around byte span `start..end`: about `width` characters on each
/// side, cut at word boundaries.
pub fn context(text: &str, start: usize, end: usize, width: usize) -> (String, String, String) {
    let start = floor_boundary(text, start);
    let end = floor_boundary(text, end.max(start));
    let before: Vec<(usize, char)> = text[..start].char_indices().collect();
    let mut b = before.len().saturating_sub(width);
    while b > 0 && b < before.len() && !before[b - 1].1.is_whitespace() {
        b += 1;
    }
    let from = before.get(b).map(|x| x.0).unwrap_or(start);
    let after: Vec<(usize, char)> = text[end..].char_indices().collect();
    let mut a = width.min(after.len());
    while a < after.len() && a > 0 && !after[a].1.is_whitespace() {
        a -= 1;
    }
    let to = after.get(a).map(|x| end + x.0).unwrap_or(text.len());
    (
        text[from..start].to_string(),
        text[start..end].to_string(),
        text[end..to].to_string(),
    )
}

fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_code_units() {
        let t = "حفتر في 🙂 بنغازي";
        let b = t.find("بنغازي").unwrap();
        assert_eq!(utf16_offset(t, b), "حفتر في 🙂 ".encode_utf16().count());
        // inside a character: its start
        assert_eq!(utf16_offset(t, 1), 0);
        assert_eq!(utf16_offset(t, 10_000), t.encode_utf16().count());
    }

    #[test]
    fn contexts_cut_at_word_boundaries() {
        let t = "التقى نائب وزير الدفاع يونس بك يفكوروف القائد خليفة حفتر في مدينة بنغازي أمس";
        let s = t.find("يفكوروف").unwrap();
        let (b, m, a) = context(t, s, s + "يفكوروف".len(), 12);
        assert_eq!(m, "يفكوروف");
        assert!(t.contains(&format!("{b}{m}{a}")));
        assert!(b.starts_with(|c: char| !c.is_whitespace()) || b.is_empty());
        assert!(
            b.chars().count() <= 13 && a.chars().count() <= 13,
            "{b}|{a}"
        );
        assert!(!b.is_empty() && !a.is_empty());
    }

    fn actor(entity: Option<i64>, name: &str) -> Option<EventActor> {
        Some(EventActor {
            entity,
            name: name.into(),
            name_en: None,
            country: None,
            sector: None,
        })
    }

    fn event(id: i64, t: &str, s: Option<EventActor>, g: Option<EventActor>) -> EventRecord {
        EventRecord {
            id,
            etype: t.into(),
            mode: None,
            intent: false,
            negated: false,
            source: s,
            target: g,
            place: None,
            date: None,
            date_grain: None,
            date_source: None,
            mentions: vec![],
            articles: vec![1],
            num_sources: 1,
            num_articles: 1,
            confidence: 1.0,
        }
    }

    #[test]
    fn graph_has_one_edge_per_pair_and_type() {
        let a = || actor(Some(1), "يفكوروف");
        let b = || actor(Some(2), "خليفة حفتر");
        let evs = [
            event(1, "CONSULT", a(), b()),
            event(2, "CONSULT", a(), b()),
            event(3, "AID", a(), b()),
            event(4, "CONSULT", b(), actor(None, "روسيا")),
            event(5, "PROTEST", a(), None),
        ];
        let refs: Vec<&EventRecord> = evs.iter().collect();
        let g = graph(&Catalog::default(), &refs);
        assert_eq!(g.nodes.len(), 3);
        assert_eq!(g.edges.len(), 3);
        let consult = g
            .edges
            .iter()
            .find(|e| e.etype == "CONSULT" && e.source == "e1")
            .unwrap();
        assert_eq!((consult.count, consult.events.clone()), (2, vec![1, 2]));
        assert_eq!(g.nodes.iter().find(|n| n.id == "e1").unwrap().events, 4);
    }
}
