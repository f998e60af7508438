//! `rasd duplicates`, `rasd stories`, `rasd story ID`, `rasd related ID`.

use anyhow::Result;
use rasd_pipeline::{dedup, stories as st};
use rasd_store::{Store, StoryRecord};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

fn jsonl<T: serde::Serialize>(out: &mut impl Write, v: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    writeln!(out)?;
    Ok(())
}

pub fn duplicates(store: &dyn Store, json: bool, min_size: usize) -> Result<ExitCode> {
    let groups = dedup::duplicate_groups(store)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for g in groups.iter().filter(|g| g.members.len() >= min_size) {
        if json {
            jsonl(&mut out, g)?;
            continue;
        }
        writeln!(
            out,
            "group of {} (canonical {}, {} publishers, similarity ≥ {:.2})",
            g.members.len(),
            g.canonical,
            g.publishers.len(),
            g.min_similarity
        )?;
        for m in &g.members {
            writeln!(
                out,
                "  {:>7}  {:<10}  {:<24}  {}  {}",
                m.id,
                m.published
                    .as_deref()
                    .map(|d| &d[..d.len().min(10)])
                    .unwrap_or("-"),
                m.publisher.as_deref().unwrap_or("-"),
                m.similarity
                    .map(|s| format!("{s:.3}"))
                    .unwrap_or_else(|| "  -  ".into()),
                m.title.as_deref().unwrap_or("")
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The headline, then the top actors: `headline — actor1، actor2`.
fn title_line(r: &StoryRecord) -> String {
    let actors: Vec<&str> = r.actors.iter().take(2).map(String::as_str).collect();
    if actors.is_empty() {
        r.label.clone()
    } else {
        format!("{} — {}", r.label, actors.join("، "))
    }
}

fn sources_text(n: u32) -> String {
    if n == 1 {
        "1 source".into()
    } else {
        format!("{n} sources")
    }
}

fn span(r: &StoryRecord) -> String {
    match (&r.first_seen, &r.last_seen) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} … {b}"),
        _ => "-".into(),
    }
}

pub fn list(
    store: &dyn Store,
    json: bool,
    min_size: usize,
    top: Option<usize>,
) -> Result<ExitCode> {
    let mut all = Vec::new();
    store.stories(&mut |r| {
        if r.articles.len() >= min_size {
            all.push(r);
        }
        true
    })?;
    all.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then(a.id.cmp(&b.id))
    });
    if let Some(n) = top {
        all.truncate(n);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    for r in &all {
        if json {
            jsonl(&mut out, r)?;
        } else {
            writeln!(
                out,
                "{:>6}  {:>4} articles  {:>3} sources  {:<23}  {}",
                r.id,
                r.articles.len(),
                r.source_count(),
                span(r),
                title_line(r)
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn story(store: &dyn Store, db: &Path, id: i64, json: bool) -> Result<ExitCode> {
    let Some(r) = store.story(id)? else {
        eprintln!("rasd: no story with id {id} in {}", db.display());
        return Ok(ExitCode::from(1));
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    if json {
        serde_json::to_writer_pretty(&mut out, &r)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "story {}: {}", r.id, title_line(&r))?;
    writeln!(
        out,
        "{} articles from {}, {}",
        r.articles.len(),
        sources_text(r.source_count()),
        span(&r)
    )?;
    if !r.sources.is_empty() {
        writeln!(out, "sources: {}", r.sources.join("، "))?;
    }
    if !r.entities.is_empty() {
        writeln!(out, "actors:")?;
        for e in r.entities.iter().take(10) {
            let en = e
                .name_en
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:>3} articles {:>4}×  {} {}{}  [entity {}]",
                e.articles, e.count, e.etype, e.name, en, e.id
            )?;
        }
    }
    if !r.linked.is_empty() {
        let linked: Vec<String> = r
            .linked
            .iter()
            .map(|(s, n)| format!("{s} ({n} actors)"))
            .collect();
        writeln!(out, "linked stories: {}", linked.join(", "))?;
    }
    // The timeline of articles: by date, duplicate copies folded under
    // their canonical member.
    let copy_of: std::collections::HashMap<i64, i64> = r
        .duplicate_groups
        .iter()
        .flat_map(|g| g[1..].iter().map(move |&m| (m, g[0])))
        .collect();
    let mut rows = Vec::new();
    for &a in &r.articles {
        if copy_of.contains_key(&a) {
            continue;
        }
        if let Some(s) = store.article(a)? {
            let date = s
                .article
                .published
                .as_ref()
                .or(s.article.crawled.as_ref())
                .map(|d| d.date().to_string());
            rows.push((
                date,
                a,
                s.article.title.clone(),
                rasd_pipeline::annotate::publisher(&s.article),
            ));
        }
    }
    rows.sort();
    if !r.events.is_empty() {
        let mut evs = Vec::new();
        store.events(&mut |e| {
            if r.events.contains(&e.id) {
                evs.push(e);
            }
            true
        })?;
        evs.sort_by(|a, b| (&a.date, a.id).cmp(&(&b.date, b.id)));
        let dated: Vec<&str> = evs.iter().filter_map(|e| e.date.as_deref()).collect();
        writeln!(
            out,
            "events ({}, {} … {}):",
            evs.len(),
            dated.first().unwrap_or(&"-"),
            dated.last().unwrap_or(&"-")
        )?;
        for e in &evs {
            writeln!(out, "{}", crate::events::line(e))?;
        }
    }
    writeln!(out, "articles:")?;
    for (date, a, title, source) in rows {
        let copies: Vec<String> = copy_of
            .iter()
            .filter(|(_, c)| **c == a)
            .map(|(m, _)| m.to_string())
            .collect();
        let copies = if copies.is_empty() {
            String::new()
        } else {
            format!("  (+{} copies: {})", copies.len(), copies.join(", "))
        };
        writeln!(
            out,
            "  {}  [{}] {}  — {}{}",
            date.as_deref().unwrap_or("????-??-??"),
            a,
            title.as_deref().unwrap_or("(untitled)"),
            source.as_deref().unwrap_or("-"),
            copies
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn related(store: &dyn Store, db: &Path, id: i64, json: bool, top: usize) -> Result<ExitCode> {
    if store.article(id)?.is_none() {
        eprintln!("rasd: no article with id {id} in {}", db.display());
        return Ok(ExitCode::from(1));
    }
    let rel = st::related(store, id, top)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for r in &rel {
        if json {
            jsonl(&mut out, r)?;
        } else {
            writeln!(
                out,
                "{:>7}  {:.3}  story {:<6}  {:<10}  {}",
                r.id,
                r.score,
                r.story.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                r.published
                    .as_deref()
                    .map(|d| &d[..d.len().min(10)])
                    .unwrap_or("-"),
                r.title.as_deref().unwrap_or("(untitled)")
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
