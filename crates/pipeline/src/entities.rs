//! Entities: NER over every field of an article, resolution within the
//! article (with place linking in the article's country context), and the
//! knowledge base rebuilt across all stored articles in id order.

use crate::annotate::field_text;
use rasd_doc::{Article, Field};
use rasd_entity::{resolve_document, EntityType, KnowledgeBase, Mention};
use rasd_store::{ArticleEntities, EntityRecord, Store, StoreError};
use std::sync::OnceLock;

/// Version of the entity annotations; older ones are redone by `process`.
pub const ENTITY_VERSION: i64 = 4;

fn model() -> Option<&'static rasd_ner::Model> {
    static WARNED: OnceLock<()> = OnceLock::new();
    match rasd_ner::default_model() {
        Ok(m) => Some(m),
        Err(e) => {
            WARNED.get_or_init(
                || tracing::error!(error = %e, "the NER model cannot be loaded; no entities"),
            );
            None
        }
    }
}

/// NER mentions of one text, as byte spans.
pub fn ner_mentions(text: &str, field: Field) -> Vec<Mention> {
    let Some(model) = model() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // The field's sentences are tagged together: the model's second stage
    // sees how the same words were read in the neighbouring sentences.
    let mut sents = Vec::new();
    for (s, e) in rasd_text::sentences(text) {
        let toks = rasd_text::tokenize(&text[s..e]);
        if !toks.is_empty() {
            sents.push((s, toks));
        }
    }
    let words: Vec<Vec<&str>> = sents
        .iter()
        .map(|(s, toks)| toks.iter().map(|t| &text[s + t.start..s + t.end]).collect())
        .collect();
    let refs: Vec<&[&str]> = words.iter().map(Vec::as_slice).collect();
    let tagged = model.tag_document(&refs);
    for (((s, toks), words), tags) in sents.iter().zip(&words).zip(&tagged) {
        let (s, toks) = (*s, toks);
        for (a, b, ty) in rasd_ner::entities(words, tags) {
            let Some(etype) = EntityType::parse(&ty) else {
                continue;
            };
            if b == 0 || b > toks.len() || a >= b {
                continue;
            }
            out.push(Mention {
                field,
                start: s + toks[a].start,
                end: s + toks[b - 1].end,
                etype,
            });
        }
    }
    out
}

fn country_of(word: &str) -> Option<&'static str> {
    rasd_geo::country_of(word)
}

/// The entities of one article.
pub fn article_entities(a: &Article) -> ArticleEntities {
    let mut mentions = Vec::new();
    for f in Field::ALL {
        if let Some(t) = field_text(a, f) {
            mentions.extend(ner_mentions(t, f));
        }
    }
    let text_of = |f: Field| field_text(a, f).map(str::to_string);
    let mentions = rasd_entity::fix_mentions(&text_of, mentions);
    let mentions = rasd_entity::propagate_names(&text_of, mentions);
    let mut entities = resolve_document(&text_of, &mentions, &country_of);
    // The countries the article talks about: the context for place linking.
    let mut context: Vec<(String, f32)> = Vec::new();
    let mut vote = |c: &str, w: f32| match context.iter_mut().find(|(x, _)| x == c) {
        Some(slot) => slot.1 += w,
        None => context.push((c.to_string(), w)),
    };
    for e in &entities {
        match e.etype {
            EntityType::LOC => {
                if let Some(c) = country_of(&e.name) {
                    vote(c, e.mentions.len() as f32);
                }
            }
            _ => {
                for (c, _) in &e.countries {
                    vote(c, 0.5);
                }
            }
        }
    }
    let ctx = rasd_geo::LinkContext { countries: context };
    let gaz = rasd_geo::gazetteer();
    for e in entities.iter_mut().filter(|e| e.etype == EntityType::LOC) {
        e.place = gaz.link(&e.name, &ctx).map(|p| p.id);
    }
    ArticleEntities { mentions, entities }
}

/// What a knowledge-base rebuild did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KbSummary {
    pub entities: u64,
    pub persons: u64,
    pub organizations: u64,
    pub places: u64,
    pub places_linked: u64,
    pub seconds: f64,
}

/// Rebuilds the knowledge base from every article's entities, in article id
/// order (so the same store always gives the same entities and ids).
pub fn rebuild_knowledge_base(store: &mut dyn Store) -> Result<KbSummary, StoreError> {
    let t0 = std::time::Instant::now();
    let mut kb = KnowledgeBase::new();
    let mut links: Vec<(i64, u32, u32)> = Vec::new();
    store.all_doc_entities(&mut |article, docs| {
        let ids = kb.add_document(article, &docs);
        links.extend(
            ids.into_iter()
                .enumerate()
                .map(|(idx, id)| (article, idx as u32, id)),
        );
    })?;
    let remap = kb.consolidate();
    for l in &mut links {
        l.2 = remap[l.2 as usize];
    }
    let gaz = rasd_geo::gazetteer();
    let mut sum = KbSummary::default();
    let records: Vec<EntityRecord> = kb
        .entities
        .iter()
        .map(|e| {
            let place = e.place().and_then(|p| gaz.by_id(p));
            let mut variants: Vec<(String, u32)> =
                e.variants.iter().map(|(v, n)| (v.clone(), *n)).collect();
            variants.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| a.0.chars().count().cmp(&b.0.chars().count()))
                    .then_with(|| a.0.cmp(&b.0))
            });
            let name = e.display_name();
            // Persons: the display name, else the most frequent variant of
            // as many words whose every word is known.
            let words = name.split_whitespace().count();
            let name_en = rasd_entity::name_en(&name).or_else(|| {
                variants
                    .iter()
                    .filter(|(v, _)| v.split_whitespace().count() == words)
                    .find_map(|(v, _)| rasd_entity::name_en(v))
            });
            // Actors carry CAMEO's alpha-3 country codes; places their
            // gazetteer country in alpha-2, as GeoNames does.
            let (country, evidence) = match (e.etype, place) {
                (EntityType::LOC, Some(p)) => (
                    Some(p.country.clone()),
                    Some(format!("gazetteer: {} ({})", p.name_en, p.id)),
                ),
                (EntityType::LOC, None) => (None, None),
                _ => (
                    e.country()
                        .map(|c| rasd_geo::iso3(c).unwrap_or(c).to_string()),
                    e.country_evidence().map(str::to_string),
                ),
            };
            sum.entities += 1;
            match e.etype {
                EntityType::PER => sum.persons += 1,
                EntityType::ORG => sum.organizations += 1,
                EntityType::LOC => sum.places += 1,
                EntityType::MISC => {}
            }
            sum.places_linked += place.is_some() as u64;
            EntityRecord {
                id: e.id as i64 + 1,
                etype: e.etype.as_str().to_string(),
                name,
                name_en: match e.etype {
                    EntityType::LOC => place.map(|p| p.name_en.clone()),
                    EntityType::PER => name_en,
                    _ => None,
                },
                variants,
                mentions: e.mentions,
                country,
                country_evidence: evidence,
                sector: e.sector().map(|s| s.as_str().to_string()),
                place_id: place.map(|p| p.id as i64),
                lat: place.map(|p| p.lat),
                lon: place.map(|p| p.lon),
                articles: e.articles.iter().copied().collect(),
                roles: e.roles.clone(),
            }
        })
        .collect();
    let links: Vec<(i64, u32, i64)> = links
        .into_iter()
        .map(|(a, i, id)| (a, i, id as i64 + 1))
        .collect();
    store.write_knowledge_base(&records, &links)?;
    sum.seconds = t0.elapsed().as_secs_f64();
    Ok(sum)
}
