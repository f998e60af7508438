//! Political events (PLOVER): every sentence of every article coded by
//! `rasd-event` with the article's entity mentions and time expressions as
//! arguments; actors the sentence leaves implicit fall back to the article's
//! main actor, places to the article's focus place, dates to the
//! publication date (recorded as such). Then the mentions of one real-world
//! event across articles (same type, same actors, same date) are merged
//! into one event with its articles and number of sources, as GDELT's
//! NumArticles/NumSources.

use crate::annotate::field_text;
use rasd_doc::{Article, Field, TimeMention};
use rasd_entity::EntityType;
use rasd_event::{Arg, ArgKind, EventType, SentenceInput};
use rasd_store::{
    ArticleQuery, DerivedStage, EntityRecord, EventActor, EventMentionRecord, EventPlace,
    EventRecord, EventState, MentionContrib, StageMark, Store, StoreError, StoredDocEntity,
};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;

/// An actor slot of an event mention within one article.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Slot {
    /// Index of the article's entity.
    Entity(usize),
    /// ISO alpha-2 of a country named by a demonym, a capital or a visit.
    Country(String, String),
    /// An unnamed group named by a common noun: its words as written, a
    /// leading conjunction off (`المتظاهرون`, `قوات النظام`).
    Group(String),
}

/// One event mention of one article, arguments resolved in the article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleEvent {
    pub field: Field,
    pub etype: EventType,
    pub mode: Option<String>,
    pub intent: bool,
    pub negated: bool,
    pub reported: bool,
    pub trigger: (usize, usize),
    pub sentence: (usize, usize),
    pub source: Option<Slot>,
    pub target: Option<Slot>,
    /// Index of the article's place entity.
    pub place: Option<usize>,
    /// Index of the place entity the sentence names, as named (before a
    /// country stands for its city); `None` when the place is the
    /// article's focus.
    #[serde(skip)]
    pub sentence_place: Option<usize>,
    /// ISO value, grain, and what gave it: `text`, `published` or
    /// `crawled`.
    pub date: Option<(String, String, &'static str)>,
    pub confidence: f32,
}

/// The date of a time expression when it names a day, month or year
/// (`2024-06-02TEV` → `2024-06-02`); durations, sets and intervals do not
/// date an event.
fn date_of(t: &TimeMention) -> Option<(String, String)> {
    let v = t.value.as_deref()?;
    let ok = |s: &str| {
        let b = s.as_bytes();
        b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit)
    };
    if !ok(v) || v.contains('/') || v.contains('W') {
        return None;
    }
    let date = v
        .get(..10)
        .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-');
    match date {
        Some(d) => Some((d.to_string(), "day".to_string())),
        None => Some((v.to_string(), t.grain.as_str().to_string())),
    }
}

/// The events of one article: the article-level coder of `rasd-event`
/// ([`rasd_event::article::code_article`]) over its texts, entities and time
/// expressions, with what the store adds: a country place stands for the
/// article's most mentioned city of that country, a mention without a place
/// takes the place named last before it in its paragraph, else the
/// article's focus place, and one without a date the publication
/// (else crawl) date. The knowledge base plays no part: an article's
/// events depend on its own text only (ingest, `rasd annotate` and `rasd
/// events eval` agree).
pub fn article_events(
    a: &Article,
    entities: &[StoredDocEntity],
    timexes: &[TimeMention],
) -> Vec<ArticleEvent> {
    use rasd_event::article::{code_article, Actor, ArticleIn, EntityIn, TextField, TimeIn};
    let gaz = rasd_geo::gazetteer();
    let tf = |f: Field| match f {
        Field::Title => Some(TextField::Title),
        Field::Summary => Some(TextField::Summary),
        Field::Body => Some(TextField::Body),
        _ => None,
    };
    let ents: Vec<EntityIn> = entities
        .iter()
        .map(|e| EntityIn {
            kind: arg_kind(e.entity.etype),
            mentions: e
                .mentions
                .iter()
                .filter_map(|m| Some((tf(m.field)?, m.start, m.end)))
                .collect(),
            country: e
                .entity
                .place
                .and_then(|id| gaz.by_id(id))
                .filter(|p| p.kind == rasd_geo::PlaceKind::Country)
                .map(|p| p.country.clone()),
        })
        .collect();
    let times: Vec<TimeIn> = timexes
        .iter()
        .filter_map(|t| {
            Some(TimeIn {
                field: tf(t.field)?,
                start: t.span.start,
                end: t.span.end,
                value: date_of(t).map(|d| d.0),
                grain: t.grain.as_str().to_string(),
            })
        })
        .collect();
    let input = ArticleIn {
        title: a.title.as_deref(),
        summary: a.summary.as_deref(),
        body: &a.body,
        entities: &ents,
        times: &times,
    };
    let coded = code_article(rasd_event::learned::coder(), &input);
    if coded.is_empty() {
        return Vec::new();
    }
    // The article's most mentioned place that the gazetteer knows, and its
    // most mentioned city of a country.
    let most = |pred: &dyn Fn(&StoredDocEntity) -> bool| {
        entities
            .iter()
            .enumerate()
            .filter(|(_, e)| pred(e))
            .max_by_key(|(i, e)| (e.mentions.len(), std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    };
    let focus = most(&|e| e.entity.etype == EntityType::LOC && e.entity.place.is_some());
    let place_of = |i: usize| -> usize {
        match entities[i].entity.place.and_then(|id| gaz.by_id(id)) {
            Some(p) if p.kind == rasd_geo::PlaceKind::Country => most(&|e| {
                e.entity
                    .place
                    .and_then(|id| gaz.by_id(id))
                    .is_some_and(|q| q.kind == rasd_geo::PlaceKind::City && q.country == p.country)
            })
            .unwrap_or(i),
            _ => i,
        }
    };
    let published = a
        .published
        .as_ref()
        .map(|d| (d.date().to_string(), "day".to_string(), "published"))
        .or_else(|| {
            a.crawled
                .as_ref()
                .map(|d| (d.date().to_string(), "day".to_string(), "crawled"))
        });
    let slot = |x: Option<Actor>| {
        x.map(|x| match x {
            Actor::Entity(i) => Slot::Entity(i),
            Actor::Country(c, t) => Slot::Country(c, t),
            Actor::Group(g) => Slot::Group(g),
        })
    };
    coded
        .into_iter()
        .map(|m| ArticleEvent {
            field: match m.field {
                TextField::Title => Field::Title,
                TextField::Summary => Field::Summary,
                TextField::Body => Field::Body,
            },
            etype: m.etype,
            mode: m.mode,
            intent: m.intent,
            negated: m.negated,
            reported: m.reported,
            trigger: m.trigger,
            sentence: m.sentence,
            source: slot(m.source),
            target: slot(m.target),
            sentence_place: m.place,
            place: m.place.or(m.context_place).or(focus).map(place_of),
            date: m
                .time
                .and_then(|k| times.get(k))
                .and_then(|t| Some((t.value.clone()?, t.grain.clone(), "text")))
                .or_else(|| published.clone()),
            confidence: m.confidence,
        })
        .collect()
}

/// An actor slot as an event actor: the entity with its knowledge-base
/// name and codes (the article's own when `kb` lacks it), or a country.
/// An entity actor's name, English name, country and sector as the
/// knowledge base gives them now (a sector the entity lacks stays).
fn actor_from_kb(a: &mut EventActor, k: &EntityRecord) {
    a.name = k.name.clone();
    a.name_en = k.name_en.clone();
    a.country = if k.etype == "LOC" {
        k.country
            .as_deref()
            .and_then(rasd_geo::iso3)
            .map(str::to_string)
    } else {
        k.country.clone()
    };
    if k.sector.is_some() {
        a.sector = k.sector.clone();
    }
}

pub fn resolve_actor(
    slot: Option<&Slot>,
    entities: &[StoredDocEntity],
    kb: &HashMap<i64, EntityRecord>,
) -> Option<EventActor> {
    match slot? {
        Slot::Entity(i) => {
            let d = entities.get(*i)?;
            // A person or organisation "named" by one demonym or country
            // word (`الفلسطينية`, `ألمانية`: an NER slip) is that country.
            if d.entity.etype != EntityType::LOC && !d.entity.name.contains(' ') {
                if let Some(code) = rasd_geo::country_of(&d.entity.name) {
                    return resolve_actor(
                        Some(&Slot::Country(code.to_string(), d.entity.name.clone())),
                        entities,
                        kb,
                    );
                }
            }
            let k = d.kb_id.and_then(|id| kb.get(&id));
            let doc_country = || {
                d.entity
                    .countries
                    .first()
                    .map(|(c, _)| rasd_geo::iso3(c).unwrap_or(c).to_string())
            };
            let mut a = EventActor {
                entity: d.kb_id,
                name: d.entity.name.clone(),
                name_en: None,
                country: doc_country(),
                sector: d.entity.sector.map(|s| s.as_str().to_string()),
            };
            if let Some(k) = k {
                actor_from_kb(&mut a, k);
            }
            Some(a)
        }
        Slot::Country(code, text) => Some(EventActor {
            entity: None,
            name: if text.is_empty() {
                rasd_geo::country_name_en(code).unwrap_or(code).to_string()
            } else {
                text.clone()
            },
            name_en: rasd_geo::country_name_en(code).map(str::to_string),
            country: rasd_geo::iso3(code).map(str::to_string),
            sector: None,
        }),
        Slot::Group(text) => Some(EventActor {
            entity: None,
            name: text.clone(),
            name_en: None,
            country: None,
            sector: None,
        }),
    }
}

/// A place entity of the article with its gazetteer coordinates.
pub fn resolve_place(i: usize, entities: &[StoredDocEntity]) -> Option<EventPlace> {
    let d = entities.get(i)?;
    let p = d
        .entity
        .place
        .and_then(|id| rasd_geo::gazetteer().by_id(id));
    Some(EventPlace {
        entity: d.kb_id,
        name: d.entity.name.clone(),
        name_en: p.map(|p| p.name_en.clone()),
        lat: p.map(|p| p.lat).filter(|x| x.is_finite()),
        lon: p.map(|p| p.lon).filter(|x| x.is_finite()),
        country: p.map(|p| p.country.clone()),
    })
}

/// An event of one text (`rasd annotate`'s `events` layer).
#[derive(Debug, Clone, Serialize)]
pub struct TextEvent {
    #[serde(rename = "type")]
    pub etype: &'static str,
    pub mode: Option<String>,
    pub intent: bool,
    pub negated: bool,
    pub reported: bool,
    pub field: &'static str,
    pub trigger: [usize; 2],
    pub trigger_text: String,
    pub sentence: [usize; 2],
    pub source: Option<EventActor>,
    pub target: Option<EventActor>,
    pub place: Option<EventPlace>,
    pub date: Option<String>,
    pub date_grain: Option<String>,
    pub date_source: Option<&'static str>,
    pub confidence: f32,
}

/// The entities of one stand-alone article with their mentions, resolved
/// in the article alone (no knowledge base).
fn own_entities(a: &Article) -> Vec<StoredDocEntity> {
    let ae = crate::entities::article_entities(a);
    ae.entities
        .iter()
        .map(|e| StoredDocEntity {
            entity: e.clone(),
            kb_id: None,
            mentions: e
                .mentions
                .iter()
                .filter_map(|&m| ae.mentions.get(m).cloned())
                .collect(),
        })
        .collect()
}

/// The events of one stand-alone article (no knowledge base: entities are
/// the article's own).
pub fn text_events(a: &Article, prefer: rasd_time::Prefer) -> Vec<TextEvent> {
    let entities = own_entities(a);
    let timexes = crate::annotate::time_mentions(a, prefer);
    let kb = HashMap::new();
    article_events(a, &entities, &timexes)
        .into_iter()
        .map(|ev| {
            let text = field_text(a, ev.field).unwrap_or("");
            TextEvent {
                etype: ev.etype.as_str(),
                mode: ev.mode.clone(),
                intent: ev.intent,
                negated: ev.negated,
                reported: ev.reported,
                field: ev.field.as_str(),
                trigger: [ev.trigger.0, ev.trigger.1],
                trigger_text: text
                    .get(ev.trigger.0..ev.trigger.1)
                    .unwrap_or("")
                    .to_string(),
                sentence: [ev.sentence.0, ev.sentence.1],
                source: resolve_actor(ev.source.as_ref(), &entities, &kb),
                target: resolve_actor(ev.target.as_ref(), &entities, &kb),
                place: ev.place.and_then(|i| resolve_place(i, &entities)),
                date: ev.date.as_ref().map(|d| d.0.clone()),
                date_grain: ev.date.as_ref().map(|d| d.1.clone()),
                date_source: ev.date.as_ref().map(|d| d.2),
                confidence: ev.confidence,
            }
        })
        .collect()
}

/// The events rasd records from one sentence of the event corpus
/// ([`rasd_event::corpus`]), coded as ingest codes an article whose title is
/// the sentence's article title and whose body is the sentence alone (the
/// same path as `rasd annotate`: NER, in-article entity resolution, time
/// expressions and [`rasd_event::article::code_article`]). Offsets index
/// the sentence (or the title, for actors named there).
pub fn corpus_predictions(title: &str, sentence: &str) -> Vec<rasd_event::corpus::PredMention> {
    use rasd_event::corpus::{PredActor, PredMention, SpanField};
    let a = sentence_article(title, sentence);
    let entities = own_entities(&a);
    let timexes = crate::annotate::time_mentions(&a, rasd_time::Prefer::Past);
    let entity = |i: usize| {
        let Some(e) = entities.get(i) else {
            return PredActor::default();
        };
        PredActor {
            spans: e
                .mentions
                .iter()
                .filter_map(|m| match m.field {
                    Field::Body => Some((SpanField::Sentence, m.start, m.end)),
                    Field::Title => Some((SpanField::Title, m.start, m.end)),
                    _ => None,
                })
                .collect(),
            names: vec![e.entity.name.clone()],
        }
    };
    let slot = |s: &Option<Slot>| {
        s.as_ref().map(|s| match s {
            Slot::Entity(i) => entity(*i),
            Slot::Country(_, text) | Slot::Group(text) => PredActor {
                spans: Vec::new(),
                names: vec![text.clone()],
            },
        })
    };
    article_events(&a, &entities, &timexes)
        .into_iter()
        .filter(|ev| ev.field == Field::Body)
        .map(|ev| PredMention {
            etype: ev.etype,
            trigger: ev.trigger,
            intent: ev.intent,
            negated: ev.negated,
            source: slot(&ev.source),
            target: slot(&ev.target),
            place: ev.sentence_place.map(entity),
        })
        .collect()
}

/// The entity mentions rasd finds in a corpus sentence and its title (NER
/// and in-article resolution, as for a stand-alone article whose body is the
/// sentence), as the event coder's arguments: `(sentence args, title args)`,
/// `Arg::entity` the article's entity index.
pub fn corpus_args(title: &str, sentence: &str) -> (Vec<Arg>, Vec<Arg>) {
    let a = sentence_article(title, sentence);
    let entities = own_entities(&a);
    let (mut body, mut head) = (Vec::new(), Vec::new());
    for (i, e) in entities.iter().enumerate() {
        let kind = arg_kind(e.entity.etype);
        for m in &e.mentions {
            let arg = Arg {
                start: m.start,
                end: m.end,
                kind,
                entity: i,
            };
            match m.field {
                Field::Body => body.push(arg),
                Field::Title => head.push(arg),
                _ => {}
            }
        }
    }
    body.sort_by_key(|a| (a.start, a.end));
    head.sort_by_key(|a| (a.start, a.end));
    (body, head)
}

/// A corpus sentence as a stand-alone article: its article's title (when
/// any) and the sentence as body.
fn sentence_article(title: &str, sentence: &str) -> Article {
    let mut a = Article::new(rasd_doc::ArticleKind::Page, 0);
    if !title.trim().is_empty() {
        a.title = Some(title.to_string());
    }
    a.body = sentence.to_string();
    a
}

/// The event coder's argument kind of an entity type.
pub fn arg_kind(t: EntityType) -> ArgKind {
    match t {
        EntityType::PER => ArgKind::Person,
        EntityType::ORG => ArgKind::Org,
        EntityType::LOC => ArgKind::Place,
        EntityType::MISC => ArgKind::Other,
    }
}

/// A corpus sentence as the learned coder's input: the sentence alone with
/// its arguments ([`corpus_args`]), its article's title as context.
pub fn corpus_input<'a>(
    title: &'a str,
    sentence: &'a str,
    args: &'a (Vec<Arg>, Vec<Arg>),
) -> (SentenceInput<'a>, rasd_event::learned::Context<'a>) {
    let input = SentenceInput {
        text: sentence,
        start: 0,
        end: sentence.len(),
        args: &args.0,
        times: &[],
    };
    let ctx = rasd_event::learned::Context {
        title,
        title_args: &args.1,
        words: None,
    };
    (input, ctx)
}

/// The mentions the learned coder ([`rasd_event::learned`]) finds in a
/// corpus sentence, given [`corpus_args`].
pub fn learned_corpus_predictions(
    coder: &rasd_event::learned::Coder,
    title: &str,
    sentence: &str,
    args: &(Vec<Arg>, Vec<Arg>),
) -> Vec<rasd_event::corpus::PredMention> {
    use rasd_event::corpus::{PredActor, PredMention, SpanField};
    use rasd_event::learned::{RoleSpan, Where};
    let (input, ctx) = corpus_input(title, sentence, args);
    let actor = |r: &Option<RoleSpan>| {
        r.map(|r| PredActor {
            spans: vec![(
                match r.at {
                    Where::Here => SpanField::Sentence,
                    Where::Title => SpanField::Title,
                },
                r.start,
                r.end,
            )],
            names: Vec::new(),
        })
    };
    coder
        .code(&input, &ctx)
        .into_iter()
        .map(|c| PredMention {
            etype: c.etype,
            trigger: c.trigger,
            intent: c.intent,
            negated: c.negated,
            source: actor(&c.source),
            target: actor(&c.target),
            place: actor(&c.place),
        })
        .collect()
}

/// The merge key of an event mention: mentions with one key are one event.
/// Actors are `E{entity id}`, `C{country}`, `N{name}` or `-`; without both
/// actors the place tells events apart, and without a date the article.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
struct EventKey {
    etype: EventType,
    negated: bool,
    intent: bool,
    source: String,
    target: String,
    place: Option<String>,
    article: Option<i64>,
    date: String,
}

impl EventKey {
    /// One meeting is one event whichever side the sentence names first.
    fn canonical(mut self) -> Self {
        if symmetric(self.etype) && self.target < self.source && self.target != "-" {
            std::mem::swap(&mut self.source, &mut self.target);
        }
        self
    }

    /// The key as the store keeps it.
    fn text(&self) -> String {
        serde_json::to_string(self).expect("serialising plain data cannot fail")
    }

    /// The key with the entities merged into others (`old → new`)
    /// replaced; `None` when it names none of them.
    fn redirected(&self, merged: &HashMap<i64, i64>) -> Option<EventKey> {
        let to = |s: &str, prefix: &str| -> Option<String> {
            let id: i64 = s.strip_prefix(prefix)?.parse().ok()?;
            merged.get(&id).map(|n| format!("{prefix}{n}"))
        };
        let mut k = self.clone();
        let mut hit = false;
        for s in [&mut k.source, &mut k.target] {
            if let Some(n) = to(s, "E") {
                *s = n;
                hit = true;
            }
        }
        if let Some(n) = k.place.as_deref().and_then(|p| to(p, "@E")) {
            k.place = Some(n);
            hit = true;
        }
        hit.then(|| k.canonical())
    }
}

/// An event being merged from its mentions.
struct Merging {
    rec: EventRecord,
    publishers: BTreeSet<String>,
    /// Places with their weight: 3 when a sentence names it, 1 for the
    /// article's focus place.
    places: Vec<(EventPlace, u32)>,
    /// What each mention brought, in the order of `rec.mentions`.
    contribs: Vec<MentionContrib>,
}

impl Merging {
    fn from_stored(rec: EventRecord, st: EventState) -> Self {
        Merging {
            rec,
            publishers: st.publishers.into_iter().collect(),
            places: st.places,
            contribs: st.contribs,
        }
    }

    /// Takes the mentions of `article` out again, as if they had never been
    /// merged in; returns how many.
    fn retract(&mut self, article: i64) -> usize {
        if self.contribs.len() != self.rec.mentions.len() {
            return 0;
        }
        let keep: Vec<bool> = self
            .rec
            .mentions
            .iter()
            .map(|m| m.article != article)
            .collect();
        let gone = keep.iter().filter(|k| !**k).count();
        if gone == 0 {
            return 0;
        }
        let mut k = keep.iter();
        self.rec
            .mentions
            .retain(|_| *k.next().expect("one flag a mention"));
        let mut k = keep.iter();
        self.contribs
            .retain(|_| *k.next().expect("one flag a mention"));
        let mut articles: Vec<i64> = Vec::new();
        for m in &self.rec.mentions {
            if !articles.contains(&m.article) {
                articles.push(m.article);
            }
        }
        self.rec.articles = articles;
        self.publishers = self.contribs.iter().map(|c| c.publisher.clone()).collect();
        self.places.clear();
        for c in &self.contribs {
            if let Some((p, w)) = &c.place {
                match self.places.iter_mut().find(|(q, _)| q == p) {
                    Some(slot) => slot.1 += w,
                    None => self.places.push((p.clone(), *w)),
                }
            }
        }
        self.rec.mode = self.contribs.iter().find_map(|c| c.mode.clone());
        self.rec.date_source = if self
            .contribs
            .iter()
            .any(|c| c.date_source.as_deref() == Some("text"))
        {
            Some("text".into())
        } else {
            self.contribs.first().and_then(|c| c.date_source.clone())
        };
        self.rec.confidence = self
            .rec
            .mentions
            .iter()
            .map(|m| m.confidence)
            .fold(0.0, f32::max);
        gone
    }

    /// Adds the mentions of another event of the same key.
    fn absorb(&mut self, other: Merging) {
        let Merging {
            rec,
            publishers,
            places,
            contribs: other_contribs,
        } = other;
        if self.rec.mode.is_none() {
            self.rec.mode = rec.mode;
        }
        if rec.date_source.as_deref() == Some("text") {
            self.rec.date_source = rec.date_source;
        }
        for (p, w) in places {
            match self.places.iter_mut().find(|(q, _)| *q == p) {
                Some(slot) => slot.1 += w,
                None => self.places.push((p, w)),
            }
        }
        self.rec.confidence = self.rec.confidence.max(rec.confidence);
        self.rec.mentions.extend(rec.mentions);
        self.contribs.extend(other_contribs);
        for a in rec.articles {
            if !self.rec.articles.contains(&a) {
                self.rec.articles.push(a);
            }
        }
        self.publishers.extend(publishers);
    }

    /// The record with its counts and place, and the state kept to merge
    /// later mentions into it.
    fn finish(self, key: &EventKey) -> (EventRecord, EventState) {
        let Merging {
            mut rec,
            publishers,
            places,
            contribs,
        } = self;
        rec.articles.sort_unstable();
        rec.num_articles = rec.articles.len() as u32;
        rec.num_sources = publishers.len() as u32;
        // The place most mentions give (the first seen of equals).
        rec.place = places
            .iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map(|(p, _)| p.clone());
        let st = EventState {
            key: key.text(),
            publishers: publishers.into_iter().collect(),
            places,
            contribs,
        };
        (rec, st)
    }
}

/// What an event rebuild or update did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventSummary {
    /// Merged into the kept events (else rebuilt from every article).
    pub incremental: bool,
    /// Articles coded in this run.
    pub articles: u64,
    pub mentions: u64,
    /// Events in the store after the run.
    pub events: u64,
    /// Events reported by more than one article (after a rebuild).
    pub multi_article: u64,
    /// Events new or changed in this run (an update).
    pub changed: u64,
    /// Articles coded again because an actor's country changed.
    pub recoded: u64,
    pub seconds: f64,
}

/// Version of the kept event state (the merge key and the coding): events
/// kept by another version are rebuilt in full.
pub const EVENT_STATE_VERSION: i64 = 1;

/// Types whose two actors play the same part: one meeting is one event
/// whichever side the sentence names first.
fn symmetric(t: EventType) -> bool {
    matches!(t, EventType::Consult | EventType::Cooperate)
}

struct Loaded {
    id: i64,
    article: Article,
    entities: Vec<StoredDocEntity>,
    timexes: Vec<TimeMention>,
}

impl Loaded {
    /// Articles with their stored entities and time expressions (read in
    /// bulk).
    fn read_all(
        store: &dyn Store,
        articles: Vec<(i64, Article)>,
    ) -> Result<Vec<Loaded>, StoreError> {
        let ids: Vec<i64> = articles.iter().map(|a| a.0).collect();
        let entities = store.article_entities_of(&ids)?;
        let timexes = store.timexes_of(&ids)?;
        Ok(articles
            .into_iter()
            .zip(entities)
            .zip(timexes)
            .map(|(((id, article), entities), timexes)| Loaded {
                id,
                article,
                entities,
                timexes,
            })
            .collect())
    }
}

/// The knowledge base's entities by id.
fn kb_records(store: &dyn Store) -> Result<HashMap<i64, EntityRecord>, StoreError> {
    let mut kb: HashMap<i64, EntityRecord> = HashMap::new();
    store.entities(&mut |e| {
        kb.insert(e.id, e);
        true
    })?;
    Ok(kb)
}

/// Codes loaded articles (in parallel) and hands every mention, with its
/// merge key, to `each`, in article order.
fn code_loaded(
    loaded: &[Loaded],
    kb: &HashMap<i64, EntityRecord>,
    each: &mut dyn FnMut(EventKey, Merging),
) {
    let coded: Vec<Vec<ArticleEvent>> = loaded
        .par_iter()
        .map(|l| article_events(&l.article, &l.entities, &l.timexes))
        .collect();
    for (l, evs) in loaded.iter().zip(coded) {
        let publisher =
            crate::annotate::publisher(&l.article).unwrap_or_else(|| format!("article {}", l.id));
        for ev in evs {
            let (key, m) = mention_event(l, &ev, kb, &publisher);
            each(key, m);
        }
    }
}

/// Codes the stored articles with these ids.
fn code_listed(
    store: &dyn Store,
    ids: &[i64],
    kb: &HashMap<i64, EntityRecord>,
    each: &mut dyn FnMut(EventKey, Merging),
) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        let articles = store
            .articles_of(chunk)?
            .into_iter()
            .map(|s| (s.id, s.article))
            .collect();
        code_loaded(&Loaded::read_all(store, articles)?, kb, each);
    }
    Ok(())
}

/// Codes the stored articles after `after` in id order (in pages of 500,
/// each read once, coded in parallel) and hands every mention, with its
/// merge key, to `each`. Returns the number of articles coded and the last
/// article id.
fn code_articles(
    store: &dyn Store,
    after: i64,
    upto: i64,
    kb: &HashMap<i64, EntityRecord>,
    each: &mut dyn FnMut(EventKey, Merging),
) -> Result<(u64, i64), StoreError> {
    let mut after = after;
    let mut articles = 0;
    loop {
        let mut page = Vec::with_capacity(500);
        let q = ArticleQuery {
            after_id: Some(after),
            limit: Some(500),
            ..Default::default()
        };
        store.articles(&q, &mut |s| {
            if s.id > upto {
                return false;
            }
            page.push((s.id, s.article));
            true
        })?;
        let Some(&(last, _)) = page.last() else { break };
        after = last;
        articles += page.len() as u64;
        code_loaded(&Loaded::read_all(store, page)?, kb, each);
    }
    Ok((articles, after))
}

/// One coded mention as an event of its own, with its merge key.
fn mention_event(
    l: &Loaded,
    ev: &ArticleEvent,
    kb: &HashMap<i64, EntityRecord>,
    publisher: &str,
) -> (EventKey, Merging) {
    let actor = |s: &Option<Slot>| resolve_actor(s.as_ref(), &l.entities, kb);
    let source = actor(&ev.source);
    let target = actor(&ev.target);
    let akey = |a: &Option<EventActor>| match a {
        Some(EventActor {
            entity: Some(id), ..
        }) => format!("E{id}"),
        Some(EventActor {
            country: Some(c), ..
        }) => format!("C{c}"),
        Some(a) => format!("N{}", a.name),
        None => "-".to_string(),
    };
    let date = ev.date.clone();
    // Without both actors the place tells events apart; without a date
    // nothing says two reports are of one event.
    let place_key = (source.is_none() || target.is_none()).then(|| {
        match ev.place.and_then(|i| l.entities.get(i)) {
            Some(d) => d
                .kb_id
                .map(|id| format!("@E{id}"))
                .unwrap_or_else(|| format!("@{}", d.entity.key)),
            None => "@-".to_string(),
        }
    });
    let key = EventKey {
        etype: ev.etype,
        negated: ev.negated,
        intent: ev.intent,
        source: akey(&source),
        target: akey(&target),
        place: place_key,
        article: date.is_none().then_some(l.id),
        date: date.as_ref().map(|d| d.0.clone()).unwrap_or_default(),
    }
    .canonical();
    let place = ev.place.and_then(|i| resolve_place(i, &l.entities));
    let text = field_text(&l.article, ev.field).unwrap_or("");
    let mention = EventMentionRecord {
        article: l.id,
        field: ev.field.as_str().to_string(),
        sentence: [ev.sentence.0, ev.sentence.1],
        trigger: [ev.trigger.0, ev.trigger.1],
        text: text
            .get(ev.sentence.0..ev.sentence.1)
            .unwrap_or("")
            .trim()
            .to_string(),
        trigger_text: text
            .get(ev.trigger.0..ev.trigger.1)
            .unwrap_or("")
            .to_string(),
        confidence: ev.confidence,
    };
    let place = place.map(|p| (p, if ev.sentence_place.is_some() { 3 } else { 1 }));
    let contrib = MentionContrib {
        publisher: publisher.to_string(),
        place: place.clone(),
        mode: ev.mode.clone(),
        date_source: date.as_ref().map(|d| d.2.to_string()),
    };
    let places = place.into_iter().collect();
    let m = Merging {
        rec: EventRecord {
            id: 0,
            etype: ev.etype.as_str().to_string(),
            mode: ev.mode.clone(),
            intent: ev.intent,
            negated: ev.negated,
            source,
            target,
            place: None,
            date: date.as_ref().map(|d| d.0.clone()),
            date_grain: date.as_ref().map(|d| d.1.clone()),
            date_source: date.as_ref().map(|d| d.2.to_string()),
            mentions: vec![mention],
            articles: vec![l.id],
            num_sources: 0,
            num_articles: 0,
            confidence: ev.confidence,
        },
        publishers: BTreeSet::from([publisher.to_string()]),
        places,
        contribs: vec![contrib],
    };
    (key, m)
}

/// Codes every stored article and merges the mentions into events; the
/// events are numbered anew in date order, and the state that later
/// [`update_events`] runs merge into is kept.
pub fn rebuild_events(store: &mut dyn Store) -> Result<EventSummary, StoreError> {
    rebuild_events_upto(store, i64::MAX)
}

/// [`rebuild_events`] from the articles with ids up to `upto`.
pub fn rebuild_events_upto(store: &mut dyn Store, upto: i64) -> Result<EventSummary, StoreError> {
    let t0 = Instant::now();
    let kb = kb_records(store)?;
    let mut merged: BTreeMap<EventKey, Merging> = BTreeMap::new();
    let mut sum = EventSummary::default();
    let (articles, last) = code_articles(store, 0, upto, &kb, &mut |key, m| {
        sum.mentions += 1;
        match merged.get_mut(&key) {
            Some(e) => e.absorb(m),
            None => {
                merged.insert(key, m);
            }
        }
    })?;
    sum.articles = articles;
    let mut events: Vec<(EventRecord, EventState)> =
        merged.into_iter().map(|(k, m)| m.finish(&k)).collect();
    events.sort_by(|(a, _), (b, _)| {
        (&a.date, a.articles.first(), &a.etype).cmp(&(&b.date, b.articles.first(), &b.etype))
    });
    for (i, (e, _)) in events.iter_mut().enumerate() {
        e.id = i as i64 + 1;
    }
    sum.events = events.len() as u64;
    sum.multi_article = events.iter().filter(|(e, _)| e.num_articles > 1).count() as u64;
    store.write_events(&events, &StageMark::new(EVENT_STATE_VERSION, last))?;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

/// Brings the events up to date with the articles added since they were
/// last written, without recoding the others: the new articles are coded,
/// and each mention joins the kept event of its key or starts a new one
/// (with the next id); events whose actor or place entity was merged into
/// another are keyed anew, and two events that then share a key become one,
/// the later id left as a redirect to the earlier. Falls back to
/// [`rebuild_events`] when there is no kept state of this version.
///
/// `renamed`: entities whose name, English name, country or sector the
/// knowledge base changed since; the events they act in take the new ones,
/// as a rebuild would give them.
///
/// `recountried`: entities whose country the knowledge base changed: the
/// articles naming them are coded again (their mentions taken out of their
/// events exactly first), since the coder reads actors' countries.
///
/// `upto`: only the articles with ids up to it are added (the later ones
/// are left for a later run; `i64::MAX`: all).
pub fn update_events(
    store: &mut dyn Store,
    renamed: &[i64],
    recountried: &[i64],
    upto: i64,
) -> Result<EventSummary, StoreError> {
    let t0 = Instant::now();
    let Some(mark) = store
        .stage_mark(DerivedStage::Events)?
        .filter(|m| m.version == EVENT_STATE_VERSION)
    else {
        return rebuild_events_upto(store, upto);
    };
    let kb = kb_records(store)?;
    // The kept keys, and the events to be written.
    let mut keys: HashMap<EventKey, i64> = HashMap::new();
    let mut bad = 0;
    store.event_keys(&mut |id, k| match serde_json::from_str::<EventKey>(k) {
        Ok(k) => {
            keys.insert(k, id);
        }
        Err(_) => bad += 1,
    })?;
    if bad > 0 {
        tracing::warn!(bad, "events: kept keys cannot be read; rebuilding");
        return rebuild_events_upto(store, upto);
    }
    let mut next_id = keys.values().copied().max().unwrap_or(0) + 1;
    let mut open: BTreeMap<i64, (EventKey, Merging)> = BTreeMap::new();
    let mut redirects: Vec<(i64, i64)> = Vec::new();
    let mut sum = EventSummary {
        incremental: true,
        ..Default::default()
    };
    let load = |store: &dyn Store, id: i64| -> Result<Option<Merging>, StoreError> {
        Ok(store
            .event_state(id)?
            .map(|(rec, st)| Merging::from_stored(rec, st)))
    };
    // Entities merged since: their events are keyed anew.
    let merged_entities: HashMap<i64, i64> = store.entity_redirects()?.into_iter().collect();
    if !merged_entities.is_empty() {
        let mut moves: Vec<(EventKey, EventKey, i64)> = keys
            .iter()
            .filter_map(|(k, &id)| k.redirected(&merged_entities).map(|n| (k.clone(), n, id)))
            .collect();
        moves.sort_by_key(|m| m.2);
        for (old_key, new_key, id) in moves {
            keys.remove(&old_key);
            let Some(mut m) = load(store, id)? else {
                continue;
            };
            let fix = |a: &mut Option<EventActor>| {
                if let Some(EventActor {
                    entity: Some(e), ..
                }) = a
                {
                    if let Some(&to) = merged_entities.get(e) {
                        *a = kb.get(&to).map(|r| EventActor {
                            entity: Some(to),
                            name: r.name.clone(),
                            ..a.clone().expect("matched Some")
                        });
                    }
                }
            };
            fix(&mut m.rec.source);
            fix(&mut m.rec.target);
            match keys.get(&new_key).copied() {
                Some(into) if into != id => {
                    // Two events are now one: the earlier id stays.
                    let (keep, gone) = (into.min(id), into.max(id));
                    let mut base = match open.remove(&keep) {
                        Some((_, b)) => b,
                        None => match load(store, keep)? {
                            Some(b) => b,
                            None => continue,
                        },
                    };
                    let other = if gone == id {
                        m
                    } else {
                        match open.remove(&gone) {
                            Some((_, b)) => b,
                            None => load(store, gone)?.unwrap_or(m),
                        }
                    };
                    base.absorb(other);
                    base.rec.id = keep;
                    keys.insert(new_key.clone(), keep);
                    open.insert(keep, (new_key, base));
                    redirects.push((gone, keep));
                }
                _ => {
                    keys.insert(new_key.clone(), id);
                    open.insert(id, (new_key, m));
                }
            }
        }
    }
    // Actors the knowledge base renamed.
    if !renamed.is_empty() {
        let renamed: HashSet<String> = renamed.iter().map(|id| format!("E{id}")).collect();
        let mut found: Vec<(i64, EventKey)> = keys
            .iter()
            .filter(|(k, _)| renamed.contains(&k.source) || renamed.contains(&k.target))
            .filter(|(_, id)| !open.contains_key(id))
            .map(|(k, &id)| (id, k.clone()))
            .collect();
        found.sort_unstable_by_key(|(id, _)| *id);
        for (id, key) in found {
            let Some(mut m) = load(store, id)? else {
                continue;
            };
            let mut changed = false;
            for a in [&mut m.rec.source, &mut m.rec.target].into_iter().flatten() {
                if let Some(k) = a.entity.and_then(|e| kb.get(&e)) {
                    let before = a.clone();
                    actor_from_kb(a, k);
                    changed |= *a != before;
                }
            }
            if changed {
                open.insert(id, (key, m));
            }
        }
    }
    // Articles whose actors' countries changed: out of their events, and
    // coded again below.
    let mut pending: Vec<(EventKey, Merging)> = Vec::new();
    let mut deleted: Vec<i64> = Vec::new();
    if !recountried.is_empty() {
        let recode = store.articles_naming(recountried, mark.last_article)?;
        if !recode.is_empty() {
            let key_of: HashMap<i64, EventKey> =
                keys.iter().map(|(k, &id)| (id, k.clone())).collect();
            for &a in &recode {
                for id in store.events_with_article(a)? {
                    if let std::collections::btree_map::Entry::Vacant(slot) = open.entry(id) {
                        let (Some(k), Some(m)) = (key_of.get(&id), load(store, id)?) else {
                            continue;
                        };
                        slot.insert((k.clone(), m));
                    }
                    if let Some((_, m)) = open.get_mut(&id) {
                        m.retract(a);
                    }
                }
            }
            code_listed(store, &recode, &kb, &mut |key, m| pending.push((key, m)))?;
            sum.recoded = recode.len() as u64;
        }
    }
    // The new articles.
    let (articles, last) = code_articles(store, mark.last_article, upto, &kb, &mut |key, m| {
        pending.push((key, m));
    })?;
    sum.articles = articles;
    // The kept events the new mentions join, read in bulk.
    let want: BTreeSet<i64> = pending
        .iter()
        .filter_map(|(k, _)| keys.get(k).copied())
        .filter(|id| !open.contains_key(id))
        .collect();
    let want: Vec<i64> = want.into_iter().collect();
    let mut kept: HashMap<i64, Merging> = HashMap::new();
    for chunk in want.chunks(2000) {
        for (id, rec, st) in store.event_states_of(chunk)? {
            kept.insert(id, Merging::from_stored(rec, st));
        }
    }
    for (key, m) in pending {
        sum.mentions += 1;
        let id = match keys.get(&key) {
            Some(&id) => id,
            None => {
                let id = next_id;
                next_id += 1;
                keys.insert(key.clone(), id);
                id
            }
        };
        if let Some((_, e)) = open.get_mut(&id) {
            e.absorb(m);
            continue;
        }
        let stored = match kept.remove(&id) {
            Some(e) => Some(e),
            None => load(store, id)?,
        };
        let e = match stored {
            Some(mut e) => {
                e.absorb(m);
                e
            }
            None => {
                let mut m = m;
                m.rec.id = id;
                m
            }
        };
        open.insert(id, (key, e));
    }
    // Events left without mentions are gone.
    let empty: Vec<i64> = open
        .iter()
        .filter(|(_, (_, m))| m.rec.mentions.is_empty())
        .map(|(&id, _)| id)
        .collect();
    for id in empty {
        if let Some((k, _)) = open.remove(&id) {
            keys.remove(&k);
        }
        deleted.push(id);
    }
    sum.changed = open.len() as u64;
    let events: Vec<(EventRecord, EventState)> = open
        .into_iter()
        .map(|(id, (k, m))| {
            let (mut rec, st) = m.finish(&k);
            rec.id = id;
            (rec, st)
        })
        .collect();
    store.upsert_events(
        &events,
        &redirects,
        &deleted,
        &StageMark::new(EVENT_STATE_VERSION, last.max(mark.last_article)),
    )?;
    sum.events = keys.len() as u64;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str) -> rasd_doc::Article {
        let mut a = rasd_doc::Article::new(rasd_doc::ArticleKind::Page, 0);
        a.title = Some(title.to_string());
        a.body = body.to_string();
        a
    }

    /// An article entity with its mentions (not in the knowledge base).
    fn stored(
        name: &str,
        etype: EntityType,
        mentions: Vec<rasd_entity::Mention>,
    ) -> StoredDocEntity {
        StoredDocEntity {
            entity: rasd_entity::DocEntity {
                etype,
                name: name.to_string(),
                key: rasd_entity::key::name_key(name),
                mentions: (0..mentions.len()).collect(),
                variants: vec![name.to_string()],
                roles: vec![],
                countries: vec![],
                sector: None,
                composed: false,
                place: None,
            },
            kb_id: None,
            mentions,
        }
    }

    #[test]
    fn a_demonym_read_as_a_name_is_its_country() {
        let ents = [
            stored("الفلسطينية", EntityType::ORG, vec![]),
            stored("سامح شكري", EntityType::PER, vec![]),
        ];
        let kb = HashMap::new();
        let a = resolve_actor(Some(&Slot::Entity(0)), &ents, &kb).unwrap();
        assert_eq!((a.entity, a.country.as_deref()), (None, Some("PSE")));
        let b = resolve_actor(Some(&Slot::Entity(1)), &ents, &kb).unwrap();
        assert_eq!((b.name.as_str(), b.country), ("سامح شكري", None));
    }

    /// `rasd events eval` (corpus predictions) and `rasd annotate` (text
    /// events) code a text through one path: the same mentions.
    #[test]
    fn eval_and_annotate_give_the_same_mentions() {
        let title = "التحالف يقصف مواقع الحوثيين";
        let body = "شنت طائرات التحالف العربي بقيادة السعودية غارات جوية على مواقع لميليشيا الحوثي في صعدة، فيما التقى وزير الخارجية عادل الجبير نظيره البريطاني فيليب هاموند في لندن.";
        let pred = corpus_predictions(title, body);
        let a = article(title, body);
        let text = text_events(&a, rasd_time::Prefer::Past);
        let from_eval: BTreeSet<(EventType, (usize, usize))> =
            pred.iter().map(|m| (m.etype, m.trigger)).collect();
        let from_annotate: BTreeSet<(EventType, (usize, usize))> = text
            .iter()
            .filter(|e| e.field == "body")
            .map(|e| {
                (
                    EventType::parse(e.etype).unwrap(),
                    (e.trigger[0], e.trigger[1]),
                )
            })
            .collect();
        assert!(from_eval.len() >= 2, "{pred:?}");
        assert_eq!(from_eval, from_annotate);
        // Actors: a span of a named entity takes the entity's name.
        for (m, e) in pred.iter().zip(text.iter().filter(|e| e.field == "body")) {
            let names = |x: &Option<rasd_event::corpus::PredActor>| {
                x.as_ref().map(|a| a.names.clone()).unwrap_or_default()
            };
            if let Some(s) = &e.source {
                assert!(
                    names(&m.source)
                        .iter()
                        .any(|n| s.name.contains(n.as_str()) || n.contains(s.name.as_str())),
                    "{m:?} {e:?}"
                );
            }
        }
    }
}
