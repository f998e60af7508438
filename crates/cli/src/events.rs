//! `rasd events`: the PLOVER events of the store, filtered, as text, JSON
//! Lines, CSV or a GDELT-like TSV.

use anyhow::Result;
use rasd_pipeline::export::{csv_field, row, tsv_field, EventFilter, COLUMNS};
use rasd_store::{EventActor, EventRecord, Store};
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
    /// Only events whose place's name (Arabic or English) contains this.
    #[arg(long)]
    pub place: Option<String>,
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

impl Filter {
    /// The shared filter of the pipeline.
    pub fn to_filter(&self) -> EventFilter {
        EventFilter {
            types: self
                .etype
                .as_deref()
                .map(|t| t.split(',').map(|t| t.trim().to_string()).collect())
                .unwrap_or_default(),
            actor: self.actor.clone(),
            country: self.country.clone(),
            place: self.place.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            negated: self.negated,
        }
    }
}

pub fn run(store: &dyn Store, format: Format, filter: &Filter) -> Result<ExitCode> {
    let filter = filter.to_filter();
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
