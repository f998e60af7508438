//! Event filtering and export formats shared by `rasd events` and the HTTP
//! API: one filter, one set of CSV/TSV columns.

use rasd_store::{EventActor, EventRecord};

/// Which events to keep. Every field that is set must hold.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// PLOVER types, any of them (case-insensitive).
    pub types: Vec<String>,
    /// Source or target: part of a name, an English name, or an entity id.
    pub actor: Option<String>,
    /// An actor (ISO alpha-3) or the place (alpha-3 or alpha-2) of this country.
    pub country: Option<String>,
    /// Part of the place's Arabic or English name, or its entity id.
    pub place: Option<String>,
    /// On or after this date (`YYYY-MM-DD`; a month or year value compares
    /// by its prefix).
    pub since: Option<String>,
    pub until: Option<String>,
    /// Include negated events (`لم يزر`).
    pub negated: bool,
}

fn actor_matches(a: &Option<EventActor>, q: &str) -> bool {
    let Some(a) = a else { return false };
    let ql = q.to_lowercase();
    a.name.contains(q)
        || a.name_en
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains(&ql))
        || a.entity.is_some_and(|id| id.to_string() == q)
}

impl EventFilter {
    pub fn keep(&self, e: &EventRecord) -> bool {
        if e.negated && !self.negated {
            return false;
        }
        if !self.types.is_empty() && !self.types.iter().any(|t| t.eq_ignore_ascii_case(&e.etype)) {
            return false;
        }
        if let Some(q) = &self.actor {
            if !actor_matches(&e.source, q) && !actor_matches(&e.target, q) {
                return false;
            }
        }
        if let Some(c) = &self.country {
            let c = c.to_uppercase();
            let is = |a: &Option<EventActor>| {
                a.as_ref().and_then(|a| a.country.as_deref()) == Some(c.as_str())
            };
            let place = e.place.as_ref().and_then(|p| p.country.as_deref());
            let place3 = place.and_then(rasd_geo::iso3);
            if !is(&e.source)
                && !is(&e.target)
                && place3 != Some(c.as_str())
                && place != Some(c.as_str())
            {
                return false;
            }
        }
        if let Some(q) = &self.place {
            let ql = q.to_lowercase();
            let hit = e.place.as_ref().is_some_and(|p| {
                p.name.contains(q.as_str())
                    || p.name_en
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().contains(&ql))
                    || p.entity.is_some_and(|id| id.to_string() == *q)
            });
            if !hit {
                return false;
            }
        }
        let date = e.date.as_deref().unwrap_or("");
        if self
            .since
            .as_deref()
            .is_some_and(|s| date.is_empty() || date < s)
        {
            return false;
        }
        // A month or year value compares by its prefix.
        if self
            .until
            .as_deref()
            .is_some_and(|u| date.is_empty() || date[..date.len().min(u.len())] > *u)
        {
            return false;
        }
        true
    }
}

/// The columns of `rasd events --csv`/`--tsv` and of the API's CSV export,
/// documented in the README.
pub const COLUMNS: &[&str] = &[
    "id",
    "date",
    "date_grain",
    "date_source",
    "type",
    "mode",
    "intent",
    "negated",
    "source_entity",
    "source_name",
    "source_name_en",
    "source_country",
    "source_sector",
    "target_entity",
    "target_name",
    "target_name_en",
    "target_country",
    "target_sector",
    "place_name",
    "place_name_en",
    "place_country",
    "lat",
    "lon",
    "num_articles",
    "num_sources",
    "confidence",
    "articles",
    "first_sentence",
];

pub fn row(e: &EventRecord) -> Vec<String> {
    let s = |x: &Option<String>| x.clone().unwrap_or_default();
    let actor = |a: &Option<EventActor>| -> Vec<String> {
        match a {
            Some(a) => vec![
                a.entity.map(|i| i.to_string()).unwrap_or_default(),
                a.name.clone(),
                s(&a.name_en),
                s(&a.country),
                s(&a.sector),
            ],
            None => vec![String::new(); 5],
        }
    };
    let mut v = vec![
        e.id.to_string(),
        s(&e.date),
        s(&e.date_grain),
        s(&e.date_source),
        e.etype.clone(),
        s(&e.mode),
        e.intent.to_string(),
        e.negated.to_string(),
    ];
    v.extend(actor(&e.source));
    v.extend(actor(&e.target));
    match &e.place {
        Some(p) => v.extend([
            p.name.clone(),
            s(&p.name_en),
            s(&p.country),
            p.lat.map(|x| x.to_string()).unwrap_or_default(),
            p.lon.map(|x| x.to_string()).unwrap_or_default(),
        ]),
        None => v.extend(vec![String::new(); 5]),
    }
    v.extend([
        e.num_articles.to_string(),
        e.num_sources.to_string(),
        format!("{:.3}", e.confidence),
        e.articles
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(";"),
        e.mentions
            .first()
            .map(|m| m.text.clone())
            .unwrap_or_default(),
    ]);
    v
}

pub fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

pub fn tsv_field(f: &str) -> String {
    f.replace(['\t', '\n', '\r'], " ")
}
