//! Entities: NER over every field of an article, resolution within the
//! article (with place linking in the article's country context), and the
//! knowledge base rebuilt across all stored articles in id order.

use crate::annotate::field_text;
use rasd_doc::{Article, Field};
use rasd_entity::{resolve_document, EntityType, KnowledgeBase, Mention};
use rasd_store::{ArticleEntities, EntityRecord, KbUpdate, KeptState, Store, StoreError};
use std::sync::OnceLock;

/// Version of the entity annotations; older ones are redone by `process`.
pub const ENTITY_VERSION: i64 = 7;

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
        // A descriptor before a mention (`مدينة`, `العاصمة الأردنية`) says
        // what kind of place it is, and in which country.
        let cue = e.mentions.iter().find_map(|&m| {
            let m = &mentions[m];
            place_cue(field_text(a, m.field)?, m.start)
        });
        e.place = match cue {
            Some((descriptor, country)) => {
                let mut local = ctx.clone();
                if let Some(c) = country {
                    // Stronger than the rest of the article together.
                    let total: f32 = ctx.countries.iter().map(|(_, w)| w).sum();
                    local.countries.push((c.to_string(), total.max(1.0) * 3.0));
                }
                gaz.link(&format!("{descriptor} {}", e.name), &local)
                    .or_else(|| gaz.link(&e.name, &local))
            }
            None => gaz.link(&e.name, &ctx),
        }
        .map(|p| p.id);
        // A conjunction or preposition glued to the name (`وأديس أبابا`)
        // goes when the rest names the same place.
        if let Some(id) = e.place {
            let bare = |name: &str| -> Option<String> {
                ["و", "ف", "ب", "ل"].iter().find_map(|p| {
                    let rest = name.strip_prefix(p)?;
                    (rest.chars().count() >= 3 && gaz.link(rest, &ctx).map(|x| x.id) == Some(id))
                        .then(|| rest.to_string())
                })
            };
            if let Some(b) = bare(&e.name) {
                e.name = b;
            }
            for v in e.variants.iter_mut() {
                if let Some(b) = bare(v) {
                    *v = b;
                }
            }
            let mut seen = std::collections::HashSet::new();
            e.variants.retain(|v| seen.insert(v.clone()));
        }
    }
    ArticleEntities { mentions, entities }
}

/// The place descriptor written right before byte `start` of `text`, with
/// the country of a demonym between them: `العاصمة الأردنية عمان` →
/// (`العاصمة`, JO); `مدينة سرت` → (`مدينة`, none).
fn place_cue(text: &str, start: usize) -> Option<(String, Option<&'static str>)> {
    let before = text.get(..start)?;
    let mut words = before
        .split(|c: char| c.is_whitespace() || matches!(c, '،' | ',' | '(' | ')' | '"'))
        .filter(|w| !w.is_empty())
        .rev();
    let is_descriptor = |w: &str| {
        rasd_geo::keys::descriptor(&format!("{} x", rasd_geo::key(w)))
            .is_some_and(|(d, _)| d != rasd_geo::keys::Descriptor::Country)
    };
    let w1 = words.next()?;
    if is_descriptor(w1) {
        return Some((w1.to_string(), None));
    }
    let w2 = words.next()?;
    let country = country_of(w1)?;
    is_descriptor(w2).then(|| (w2.to_string(), Some(country)))
}

/// What a knowledge-base rebuild did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KbSummary {
    /// Linked to the kept knowledge base (else rebuilt from every article).
    pub incremental: bool,
    /// Articles whose entities were linked in this run.
    pub articles: u64,
    /// Entities merged into others (left as redirects) in this run.
    pub merged: u64,
    /// Entities whose name, English name, country or sector changed in
    /// this run (the events naming them are updated).
    #[serde(skip)]
    pub renamed: Vec<i64>,
    /// Entities whose country changed in this run (the articles naming
    /// them are coded again for events).
    #[serde(skip)]
    pub recountried: Vec<i64>,
    pub entities: u64,
    pub persons: u64,
    pub organizations: u64,
    pub places: u64,
    pub places_linked: u64,
    pub seconds: f64,
}

/// Version of the knowledge-base state kept between runs (its format and the
/// linking rules): a state of another version is rebuilt in full.
pub const KB_STATE_VERSION: i64 = ENTITY_VERSION * 1000 + 1;

/// The stored record of a knowledge-base entity (store id = index + 1).
fn entity_record(e: &rasd_entity::Entity, gaz: &rasd_geo::Gazetteer) -> EntityRecord {
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
}

/// Counts of the live (not merged) entities.
fn kb_summary(kb: &KnowledgeBase, t0: std::time::Instant) -> KbSummary {
    let gaz = rasd_geo::gazetteer();
    let mut sum = KbSummary::default();
    for e in kb.entities.iter().filter(|e| e.merged_into.is_none()) {
        sum.entities += 1;
        match e.etype {
            EntityType::PER => sum.persons += 1,
            EntityType::ORG => sum.organizations += 1,
            EntityType::LOC => sum.places += 1,
            EntityType::MISC => {}
        }
        sum.places_linked += e.place().and_then(|p| gaz.by_id(p)).is_some() as u64;
    }
    sum.seconds = t0.elapsed().as_secs_f64();
    sum
}

fn kb_state(kb: &KnowledgeBase, last_article: i64) -> KeptState {
    KeptState {
        version: KB_STATE_VERSION,
        last_article,
        data: serde_json::to_vec(&kb.entities).expect("serialising plain data cannot fail"),
    }
}

/// Rebuilds the knowledge base from every article's entities, in article id
/// order (so the same store always gives the same entities and ids), and
/// keeps its state for [`update_knowledge_base`]. Ids are numbered anew.
pub fn rebuild_knowledge_base(store: &mut dyn Store) -> Result<KbSummary, StoreError> {
    rebuild_knowledge_base_upto(store, i64::MAX)
}

/// [`rebuild_knowledge_base`] from the articles with ids up to `upto`.
pub fn rebuild_knowledge_base_upto(
    store: &mut dyn Store,
    upto: i64,
) -> Result<KbSummary, StoreError> {
    let t0 = std::time::Instant::now();
    let mut kb = KnowledgeBase::new();
    let mut links: Vec<(i64, u32, u32)> = Vec::new();
    let mut last = 0;
    store.all_doc_entities(&mut |article, docs| {
        if article > upto {
            return;
        }
        let ids = kb.add_document(article, &docs);
        last = last.max(article);
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
    let records: Vec<EntityRecord> = kb.entities.iter().map(|e| entity_record(e, gaz)).collect();
    let links: Vec<(i64, u32, i64)> = links
        .into_iter()
        .map(|(a, i, id)| (a, i, id as i64 + 1))
        .collect();
    let articles = links
        .iter()
        .map(|l| l.0)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    store.write_knowledge_base(&records, &links)?;
    store.save_kb_state(&kb_state(&kb, last))?;
    Ok(KbSummary {
        articles: articles as u64,
        ..kb_summary(&kb, t0)
    })
}

/// Brings the knowledge base up to date with the articles added since it
/// was last written, without rebuilding it: the kept state is loaded, the
/// new articles' entities are linked in id order, consolidation runs for
/// the entities they created, and only the entities touched are written; a merge
/// leaves a redirect (`rasd entity OLD` shows the entity it went to), so no
/// entity id changes. Falls back to [`rebuild_knowledge_base`] when there is
/// no kept state, it is of another version, or articles it has read were
/// annotated again since.
pub fn update_knowledge_base(store: &mut dyn Store) -> Result<KbSummary, StoreError> {
    update_knowledge_base_upto(store, i64::MAX)
}

/// [`update_knowledge_base`] with the articles with ids up to `upto` (the
/// later ones are left for a later run).
pub fn update_knowledge_base_upto(
    store: &mut dyn Store,
    upto: i64,
) -> Result<KbSummary, StoreError> {
    let t0 = std::time::Instant::now();
    let Some(state) = store.kb_state()?.filter(|s| s.version == KB_STATE_VERSION) else {
        return rebuild_knowledge_base_upto(store, upto);
    };
    if store.unlinked_doc_entities_upto(state.last_article)? {
        tracing::info!("knowledge base: articles read before were annotated again; rebuilding");
        return rebuild_knowledge_base_upto(store, upto);
    }
    let entities: Vec<rasd_entity::Entity> = match serde_json::from_slice(&state.data) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "knowledge base: the kept state cannot be read; rebuilding");
            return rebuild_knowledge_base_upto(store, upto);
        }
    };
    let mut kb = KnowledgeBase::from_entities(entities);
    let first_new = kb.entities.len() as u32;
    tracing::debug!(
        seconds = t0.elapsed().as_secs_f64(),
        "knowledge base: state loaded"
    );
    let mut links: Vec<(i64, u32, u32)> = Vec::new();
    let mut touched = std::collections::BTreeSet::new();
    let mut last = state.last_article;
    store.doc_entities_after(state.last_article, &mut |article, docs| {
        if article > upto {
            return;
        }
        let ids = kb.add_document(article, &docs);
        last = last.max(article);
        touched.extend(ids.iter().copied());
        links.extend(
            ids.into_iter()
                .enumerate()
                .map(|(idx, id)| (article, idx as u32, id)),
        );
    })?;
    if links.is_empty() {
        return Ok(KbSummary {
            incremental: true,
            ..kb_summary(&kb, t0)
        });
    }
    let articles = links
        .iter()
        .map(|l| l.0)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let merges = kb.consolidate_new(first_new);
    let mut changed: std::collections::BTreeSet<u32> =
        touched.iter().map(|&id| kb.resolve(id)).collect();
    changed.extend(merges.iter().map(|&(_, into)| kb.resolve(into)));
    let gaz = rasd_geo::gazetteer();
    let records: Vec<EntityRecord> = changed
        .iter()
        .map(|&id| entity_record(&kb.entities[id as usize], gaz))
        .collect();
    let (mut renamed, mut recountried) = (Vec::new(), Vec::new());
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let olds: std::collections::HashMap<i64, EntityRecord> = store
        .entities_of(&ids)?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    for r in &records {
        if let Some(old) = olds.get(&r.id) {
            if (&old.name, &old.name_en, &old.country, &old.sector)
                != (&r.name, &r.name_en, &r.country, &r.sector)
            {
                renamed.push(r.id);
            }
            if old.country != r.country {
                recountried.push(r.id);
            }
        }
    }
    let merges: Vec<(i64, i64)> = merges
        .iter()
        .map(|&(from, _)| (from as i64 + 1, kb.resolve(from) as i64 + 1))
        .collect();
    let links: Vec<(i64, u32, i64)> = links
        .into_iter()
        .map(|(a, i, id)| (a, i, kb.resolve(id) as i64 + 1))
        .collect();
    store.update_knowledge_base(&KbUpdate {
        entities: &records,
        merges: &merges,
        links: &links,
        state: &kb_state(&kb, last),
    })?;
    tracing::debug!(
        seconds = t0.elapsed().as_secs_f64(),
        new_links = links.len(),
        merges = merges.len(),
        "knowledge base: updated"
    );
    Ok(KbSummary {
        incremental: true,
        articles: articles as u64,
        merged: merges.len() as u64,
        renamed,
        recountried,
        ..kb_summary(&kb, t0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_before_a_place_are_cues() {
        let t = "تظاهر الطلاب في العاصمة الأردنية عمان اليوم";
        let cue = place_cue(t, t.find("عمان اليوم").unwrap()).unwrap();
        assert_eq!(cue, ("العاصمة".to_string(), Some("JO")));
        let t = "وصل إلى مدينة سرت";
        assert_eq!(
            place_cue(t, t.find("سرت").unwrap()),
            Some(("مدينة".to_string(), None))
        );
        let t = "زار الوزير سلطنة عمان";
        assert_eq!(place_cue(t, t.find("عمان").unwrap()), None);
        assert_eq!(place_cue("عمان", 0), None);
    }

    #[test]
    fn the_capital_of_jordan_is_amman_and_the_sultanate_is_oman() {
        let place = |body: &str| {
            let mut a = Article::new(rasd_doc::ArticleKind::Page, 0);
            a.body = body.to_string();
            let ents = article_entities(&a);
            let e = ents
                .entities
                .iter()
                .find(|e| e.etype == EntityType::LOC && e.name.contains("عمان"))
                .unwrap_or_else(|| panic!("no place عمان in {:?}", ents.entities));
            rasd_geo::gazetteer()
                .by_id(e.place.expect("linked"))
                .unwrap()
                .country
                .clone()
        };
        assert_eq!(
            place("تظاهر مئات الطلاب أمام مبنى البرلمان في العاصمة الأردنية عمان اليوم احتجاجا على رفع الرسوم."),
            "JO"
        );
        assert_eq!(
            place("وصل وزير الخارجية إلى سلطنة عمان في زيارة رسمية تستغرق يومين."),
            "OM"
        );
    }
}
