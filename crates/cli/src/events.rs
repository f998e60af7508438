//! `rasd events`: the PLOVER events of the store, filtered, as text, JSON
//! Lines, CSV or a GDELT-like TSV.

use anyhow::Result;
use rasd_store::{EventActor, EventRecord, SqliteStore, Store};
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// Output format.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
    Tsv,
}

/// Filters of `rasd events`.
#[derive(clap::Args)]
pub struct Filter {
    /// Only these PLOVER types, comma-separated (CONSULT,ASSAULT).
    #[arg(long = "type")]
    pub etype: Option<String>,
    /// Only events with this actor (source or target): part of a name, an English name, or an entity id.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only events with an actor or place of this country (ISO alpha-3, or alpha-2 for places).
    #[arg(long)]
    pub country: Option<String>,
    /// Only events on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events on or before this date.
    #[arg(long)]
    pub until: Option<String>,
    /// Include negated events (`لم يزر`).
    #[arg(long)]
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

impl Filter {
    fn keep(&self, e: &EventRecord) -> bool {
        if e.negated && !self.negated {
            return false;
        }
        if let Some(t) = &self.etype {
            if !t
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(&e.etype))
            {
                return false;
            }
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

/// The columns of `--csv` and `--tsv`, documented in the README.
const COLUMNS: &[&str] = &[
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

fn row(e: &EventRecord) -> Vec<String> {
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

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

fn tsv_field(f: &str) -> String {
    f.replace(['\t', '\n', '\r'], " ")
}

pub fn run(store: &SqliteStore, format: Format, filter: &Filter) -> Result<ExitCode> {
    let mut all = Vec::new();
    store.events(&mut |e| {
        if filter.keep(&e) {
            all.push(e);
        }
        true
    })?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Csv => writeln!(out, "{}", COLUMNS.join(","))?,
        Format::Tsv => writeln!(out, "{}", COLUMNS.join("\t"))?,
        _ => {}
    }
    for e in &all {
        match format {
            Format::Json => {
                serde_json::to_writer(&mut out, e)?;
                writeln!(out)?;
            }
            Format::Csv => {
                let r: Vec<String> = row(e).iter().map(|f| csv_field(f)).collect();
                writeln!(out, "{}", r.join(","))?;
            }
            Format::Tsv => {
                let r: Vec<String> = row(e).iter().map(|f| tsv_field(f)).collect();
                writeln!(out, "{}", r.join("\t"))?;
            }
            Format::Text => writeln!(out, "{}", line(e))?,
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn who(a: &Option<EventActor>) -> String {
    match a {
        Some(a) => match &a.country {
            Some(c) => format!("{} ({c})", a.name),
            None => a.name.clone(),
        },
        None => "?".into(),
    }
}

/// One event on one line: date, type, actors, place, articles.
pub fn line(e: &EventRecord) -> String {
    let mut flags = String::new();
    if e.intent {
        flags.push_str(" [intent]");
    }
    if e.negated {
        flags.push_str(" [negated]");
    }
    format!(
        "{:>5}  {:<10}  {:<11}{}  {} → {}  @ {}  articles {:?}",
        e.id,
        e.date.as_deref().unwrap_or("-"),
        match &e.mode {
            Some(m) => format!("{}/{m}", e.etype),
            None => e.etype.clone(),
        },
        flags,
        who(&e.source),
        who(&e.target),
        e.place.as_ref().map(|p| p.name.as_str()).unwrap_or("-"),
        e.articles
    )
}
