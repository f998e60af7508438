//! `rasd annotate`: stateless annotation of texts as JSON Lines.

use anyhow::{bail, Context, Result};
use rasd_doc::DateValue;
use rasd_pipeline::annotate::{anchor_of, annotate_text, Layers, TextAnnotations};
use rasd_text::TokenKind;
use rasd_time::{Prefer, Timex};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    published: Option<String>,
}

#[derive(Serialize)]
struct SpanJson {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct TokenJson {
    start: usize,
    end: usize,
    kind: &'static str,
}

#[derive(Serialize)]
pub struct TimexJson<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub value: &'a Option<String>,
    pub grain: &'static str,
    pub kind: &'static str,
    pub offset: &'a Option<String>,
    pub flags: &'a [&'static str],
}

#[derive(Serialize)]
struct Output<'a> {
    id: &'a serde_json::Value,
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentences: Option<Vec<SpanJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tokens: Option<Vec<TokenJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timexes: Option<Vec<TimexJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entities: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<rasd_pipeline::events::TextEvent>>,
}

pub fn token_kind(k: TokenKind) -> &'static str {
    match k {
        TokenKind::Word => "word",
        TokenKind::Number => "number",
        TokenKind::Punct => "punct",
        TokenKind::Latin => "latin",
        TokenKind::Url => "url",
        TokenKind::Email => "email",
        TokenKind::Hashtag => "hashtag",
        TokenKind::Mention => "mention",
        TokenKind::Symbol => "symbol",
    }
}

pub fn timex_json<'a>(text: &'a str, t: &'a Timex) -> TimexJson<'a> {
    TimexJson {
        start: t.start,
        end: t.end,
        text: &text[t.start..t.end],
        value: &t.value,
        grain: t.grain.as_str(),
        kind: t.kind.as_str(),
        offset: &t.offset,
        flags: &t.flags,
    }
}

/// Layers of `rasd annotate`: the pipeline's, plus entities.
#[derive(Debug, Clone, Copy)]
pub struct AnnotateLayers {
    pub text: Layers,
    pub entities: bool,
    pub events: bool,
}

pub fn parse_layers(spec: &str) -> Result<AnnotateLayers> {
    let mut l = Layers {
        sentences: false,
        tokens: false,
        timexes: false,
    };
    let mut entities = false;
    let mut events = false;
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part {
            "sentences" => l.sentences = true,
            "tokens" => l.tokens = true,
            "timexes" => l.timexes = true,
            "entities" => entities = true,
            "events" => events = true,
            other => {
                bail!("unknown layer `{other}` (sentences, tokens, timexes, entities, events)")
            }
        }
    }
    Ok(AnnotateLayers {
        text: l,
        entities,
        events,
    })
}

/// Entities of one text: each mention with its (text-local) entity, and the
/// entity's name, codes and linked place.
fn entities_json(text: &str, published: Option<DateValue>) -> Vec<serde_json::Value> {
    let mut a = rasd_doc::Article::new(rasd_doc::ArticleKind::Page, 0);
    a.body = text.to_string();
    a.published = published;
    let ae = rasd_pipeline::entities::article_entities(&a);
    let gaz = rasd_geo::gazetteer();
    let mut out = Vec::new();
    for (idx, e) in ae.entities.iter().enumerate() {
        let place = e.place.and_then(|p| gaz.by_id(p));
        let country = match (e.etype, place) {
            (rasd_entity::EntityType::LOC, Some(p)) => Some(p.country.clone()),
            _ => {
                let votes: Vec<&str> = e.countries.iter().map(|(c, _)| c.as_str()).collect();
                votes
                    .iter()
                    .max_by_key(|c| votes.iter().filter(|x| x == c).count())
                    .map(|c| rasd_geo::iso3(c).unwrap_or(c).to_string())
            }
        };
        for &m in &e.mentions {
            let mm = &ae.mentions[m];
            out.push(serde_json::json!({
                "start": mm.start, "end": mm.end, "text": &text[mm.start..mm.end], "type": mm.etype.as_str(),
                "entity": idx + 1, "name": e.name, "country": country, "sector": e.sector.map(|s| s.as_str()),
                "place_id": place.map(|p| p.id), "name_en": place.map(|p| p.name_en.clone()),
                "lat": place.map(|p| p.lat), "lon": place.map(|p| p.lon),
            }));
        }
    }
    out.sort_by_key(|v| v["start"].as_u64());
    out
}

fn published_of(p: &Option<String>) -> Result<Option<DateValue>> {
    match p.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DateValue::parse_iso(s)
            .map(Some)
            .with_context(|| format!("`published` is not an ISO date or datetime: {s:?}")),
    }
}

fn write_one(
    out: &mut impl Write,
    id: &serde_json::Value,
    text: &str,
    published: Option<DateValue>,
    prefer: Prefer,
    all: AnnotateLayers,
) -> Result<()> {
    let layers = all.text;
    let ann: TextAnnotations = annotate_text(text, anchor_of(published), prefer, layers);
    let o = Output {
        id,
        published: published.map(|p| p.to_string()),
        sentences: layers.sentences.then(|| {
            ann.sentences
                .iter()
                .map(|s| SpanJson {
                    start: s.start,
                    end: s.end,
                })
                .collect()
        }),
        tokens: layers.tokens.then(|| {
            ann.tokens
                .iter()
                .map(|(s, k)| TokenJson {
                    start: s.start,
                    end: s.end,
                    kind: token_kind(*k),
                })
                .collect()
        }),
        timexes: layers
            .timexes
            .then(|| ann.timexes.iter().map(|t| timex_json(text, t)).collect()),
        entities: all.entities.then(|| entities_json(text, published)),
        events: all.events.then(|| {
            let mut a = rasd_doc::Article::new(rasd_doc::ArticleKind::Page, 0);
            a.body = text.to_string();
            a.published = published;
            rasd_pipeline::events::text_events(&a, prefer)
        }),
    };
    serde_json::to_writer(&mut *out, &o)?;
    writeln!(out)?;
    Ok(())
}

/// Annotates one `--text`, or every JSON line of stdin. A bad line gets an
/// error on stderr naming its line number; the others carry on. Returns the
/// number of bad lines.
pub fn run(
    text: Option<String>,
    published: Option<String>,
    prefer: Prefer,
    layers: AnnotateLayers,
) -> Result<u64> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(text) = text {
        write_one(
            &mut out,
            &serde_json::Value::Null,
            &text,
            published_of(&published)?,
            prefer,
            layers,
        )?;
        out.flush()?;
        return Ok(0);
    }
    let stdin = std::io::stdin();
    let mut bad = 0;
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let r = serde_json::from_str::<Input>(&line)
            .map_err(anyhow::Error::from)
            .and_then(|inp| {
                let p = published_of(&inp.published)?;
                write_one(&mut out, &inp.id, &inp.text, p, prefer, layers)
            });
        if let Err(e) = r {
            if e.downcast_ref::<std::io::Error>().is_some() {
                return Err(e);
            }
            bad += 1;
            eprintln!("rasd annotate: line {}: {e:#}", n + 1);
        }
    }
    out.flush()?;
    Ok(bad)
}
