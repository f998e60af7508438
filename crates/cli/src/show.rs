//! Human-readable output.
//!
//! Arabic is printed in logical order, one paragraph per line block, with
//! English labels on lines of their own: terminals that implement the Unicode
//! bidi algorithm (VTE/GNOME Terminal, Konsole, iTerm2, mlterm, Windows
//! Terminal) then lay out each Arabic line right-to-left without mixing it up
//! with a left-to-right label. Lines are wrapped by words, never inside one.

use rasd_doc::RegionKind;
use rasd_store::{Stats, Store, StoredArticle};
use std::io::{self, Write};
use std::path::Path;

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 20)
        .unwrap_or(100)
}

/// Wraps `text` at `width` columns (counted in chars), paragraph by paragraph.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for (pi, para) in text.split('\n').enumerate() {
        if pi > 0 {
            out.push('\n');
        }
        let mut col = 0;
        out.push_str(indent);
        for w in para.split_whitespace() {
            let wl = w.chars().count();
            if col > 0 && col + 1 + wl > width {
                out.push('\n');
                out.push_str(indent);
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(w);
            col += wl;
        }
    }
    out
}

fn short(s: &str, n: usize) -> String {
    let mut it = s.chars();
    let head: String = it.by_ref().take(n).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// One line per article: id, kind, date, source, title.
pub fn article_line(out: &mut impl Write, a: &StoredArticle) -> io::Result<()> {
    let ar = &a.article;
    let date = ar
        .published
        .map(|d| d.date().to_string())
        .unwrap_or_else(|| "----------".into());
    let kind = match (a.appended_to, ar.kind) {
        (Some(p), rasd_doc::ArticleKind::Part) => format!("+{p}"),
        (Some(p), _) => format!("↳{p}"),
        (None, _) => "page".into(),
    };
    let source = ar
        .source_label
        .as_deref()
        .or(ar.publisher.as_deref())
        .unwrap_or("-");
    let title = ar.title.as_deref().unwrap_or("(untitled)");
    writeln!(
        out,
        "{:>6}  {:<6}  {}  {:<14}  {}",
        a.id,
        kind,
        date,
        short(source, 14),
        short(title, 70)
    )
}

pub fn article(
    out: &mut impl Write,
    store: &dyn Store,
    a: &StoredArticle,
    with_source: bool,
) -> anyhow::Result<()> {
    let ar = &a.article;
    let w = width();
    writeln!(out, "article {} ({})", a.id, ar.kind.as_str())?;
    writeln!(
        out,
        "input:      {} (article {}{}), {}, {}",
        a.input_path,
        ar.index,
        ar.record
            .map(|r| format!(", record {r}"))
            .unwrap_or_default(),
        a.format,
        a.encoding
    )?;
    if let Some(p) = a.appended_to {
        writeln!(out, "appended to: article {p}")?;
    }
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "published:  {}",
        ar.published
            .map(|d| d.to_string())
            .unwrap_or_else(|| "unknown".into())
    )?;
    if let Some(c) = ar.crawled {
        writeln!(out, "crawled:    {c}")?;
    }
    if let Some(u) = &ar.url {
        writeln!(out, "url:        {u}")?;
    }
    for (label, v) in [
        ("source label", &ar.source_label),
        ("publisher", &ar.publisher),
        ("original source", &ar.original_source),
        ("author", &ar.author),
    ] {
        if v.is_some() {
            writeln!(out, "{label}:")?;
            writeln!(out, "  {}", opt(v))?;
        }
    }
    let group = store.exact_duplicate_group(a.id)?;
    if group.len() > 1 {
        let others: Vec<String> = group
            .iter()
            .filter(|&&g| g != a.id)
            .map(|g| g.to_string())
            .collect();
        writeln!(out, "exact duplicates: articles {}", others.join(", "))?;
    }
    writeln!(out)?;
    writeln!(out, "title:")?;
    writeln!(
        out,
        "{}",
        wrap(ar.title.as_deref().unwrap_or("(untitled)"), w, "  ")
    )?;
    if let Some(c) = &ar.caption {
        writeln!(out, "caption:")?;
        writeln!(out, "{}", wrap(c, w, "  "))?;
    }
    if let Some(s) = &ar.summary {
        writeln!(out, "summary:")?;
        writeln!(out, "{}", wrap(s, w, "  "))?;
    }
    writeln!(
        out,
        "body: ({} sentences, {} tokens)",
        rasd_text::sentences(&ar.body).len(),
        rasd_text::tokenize(&ar.body).len()
    )?;
    writeln!(out, "{}", wrap(&ar.body, w, "  "))?;
    if !ar.tags.is_empty() {
        writeln!(out, "tags:")?;
        for t in &ar.tags {
            writeln!(out, "  • {t}")?;
        }
    }
    if !ar.links.is_empty() {
        writeln!(out, "links:")?;
        for l in &ar.links {
            writeln!(out, "  {l}")?;
        }
    }
    if !ar.related.is_empty() {
        writeln!(out, "related headlines ({}):", ar.related.len())?;
        for r in &ar.related {
            writeln!(out, "  • {r}")?;
        }
    }
    let timexes = store.timexes(a.id)?;
    if !timexes.is_empty() {
        writeln!(out, "time expressions ({}):", timexes.len())?;
        for t in &timexes {
            let flags = if t.flags.is_empty() {
                String::new()
            } else {
                format!(" [{}]", t.flags.join(", "))
            };
            writeln!(
                out,
                "  {:<7} {:<24} {:<9}{}",
                t.field.as_str(),
                t.value.as_deref().unwrap_or("(unresolved)"),
                t.kind.as_str(),
                flags
            )?;
            writeln!(out, "    {}", t.text)?;
        }
    }
    let items = store.appended_items(a.id)?;
    if !items.is_empty() {
        writeln!(out, "appended items split off ({}):", items.len())?;
        for (id, t) in items {
            writeln!(out, "  article {id}:")?;
            writeln!(out, "    {}", t.as_deref().unwrap_or("(untitled)"))?;
        }
    }
    if with_source {
        source_view(out, store, a)?;
    }
    Ok(())
}

fn region_label(k: RegionKind) -> &'static str {
    match k {
        RegionKind::CrawlerHeader => "header",
        RegionKind::Title => "title",
        RegionKind::RepeatedTitle => "title again",
        RegionKind::DateLine => "date",
        RegionKind::Caption => "caption",
        RegionKind::Summary => "summary",
        RegionKind::UiResidue => "ui",
        RegionKind::SourceLine => "source",
        RegionKind::TagLine => "tags",
        RegionKind::Dateline => "dateline",
        RegionKind::ReadAlsoMarker => "read-also",
        RegionKind::RelatedHeadline => "related",
        RegionKind::Link => "link",
        RegionKind::Boilerplate => "boilerplate",
        RegionKind::Body => "body",
        RegionKind::Appended => "appended",
    }
}

/// Prints the regions of the article's source text, each with its kind and
/// byte span.
fn source_view(out: &mut impl Write, store: &dyn Store, a: &StoredArticle) -> anyhow::Result<()> {
    let Some(raw) = store.input_raw(a.input_id)? else {
        return Ok(());
    };
    writeln!(out)?;
    writeln!(out, "source regions (byte offsets into the decoded input):")?;
    let text = match rasd_ingest::source_text(&raw) {
        Ok(d) => d.text,
        Err(e) => {
            writeln!(out, "  (cannot decode the stored input: {e})")?;
            return Ok(());
        }
    };
    // JSON records: offsets refer to the record's content, not shown here.
    if a.article.record.is_some() {
        writeln!(
            out,
            "  (offsets refer to the content field of record {})",
            a.article.record.unwrap_or(0)
        )?;
        return Ok(());
    }
    let mut regions = a.article.regions.clone();
    regions.sort_by_key(|r| (r.span.start, r.span.end));
    for r in regions {
        let s = text
            .get(r.span.start..r.span.end)
            .unwrap_or("(span out of range)");
        writeln!(
            out,
            "  [{:>6}..{:<6}] {:<12}",
            r.span.start,
            r.span.end,
            region_label(r.kind)
        )?;
        writeln!(out, "    {}", short(s, 160).replace('\n', " ⏎ "))?;
    }
    Ok(())
}

pub fn stats(out: &mut impl Write, s: &Stats, db: &Path) -> io::Result<()> {
    writeln!(out, "database:   {}", db.display())?;
    writeln!(
        out,
        "inputs:     {} ({} incomplete, {} with errors), {:.1} MB raw, {:.1} MB stored",
        s.inputs,
        s.inputs_incomplete,
        s.input_errors,
        s.raw_bytes as f64 / 1e6,
        s.raw_bytes_stored as f64 / 1e6
    )?;
    let fmts: Vec<String> = s
        .inputs_by_format
        .iter()
        .map(|(f, n)| format!("{f} {n}"))
        .collect();
    writeln!(out, "formats:    {}", fmts.join(", "))?;
    writeln!(
        out,
        "articles:   {} ({} pages, {} appended items)",
        s.articles, s.pages, s.appended
    )?;
    writeln!(out, "exact duplicates: {}", s.exact_duplicates)?;
    writeln!(out, "with a publication date: {}", s.with_published_date)?;
    if let (Some(a), Some(b)) = (&s.first_published, &s.last_published) {
        writeln!(out, "published between {a} and {b}")?;
    }
    writeln!(out, "rejected records: {}", s.rejected_records)?;
    for (r, n) in &s.reject_reasons {
        writeln!(out, "  {n:>7}  {r}")?;
    }
    writeln!(out, "sources:")?;
    for (src, n) in &s.sources {
        writeln!(out, "  {n:>7}  {src}")?;
    }
    Ok(())
}

/// The JSON contract of an entity (`rasd entities --json`).
pub fn entity_json(e: &rasd_store::EntityRecord) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "type": e.etype,
        "name": e.name,
        "name_en": e.name_en,
        "variants": e.variants.iter().map(|(v, n)| serde_json::json!({"name": v, "count": n})).collect::<Vec<_>>(),
        "mentions": e.mentions,
        "country": e.country,
        "country_evidence": e.country_evidence,
        "sector": e.sector,
        "place_id": e.place_id,
        "lat": e.lat,
        "lon": e.lon,
        "articles": e.articles,
        "roles": e.roles.iter().map(|(a, r)| serde_json::json!({"article": a, "role": r})).collect::<Vec<_>>(),
    })
}

/// One line per entity: id, type, mentions, codes, name.
pub fn entity_line(out: &mut impl Write, e: &rasd_store::EntityRecord) -> io::Result<()> {
    let codes = match (&e.country, &e.sector) {
        (Some(c), Some(s)) => format!("{c}/{s}"),
        (Some(c), None) => c.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => "-".into(),
    };
    let geo = match (e.lat, e.lon) {
        (Some(a), Some(b)) => format!(" @{a:.2},{b:.2}"),
        _ => String::new(),
    };
    writeln!(
        out,
        "{:>6}  {:<4} {:>5}  {:<10}  {}{}{}",
        e.id,
        e.etype,
        e.mentions,
        codes,
        e.name,
        e.name_en
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        geo
    )
}

pub fn entity(
    out: &mut impl Write,
    store: &dyn Store,
    e: &rasd_store::EntityRecord,
    ms: &[rasd_store::EntityMention],
) -> anyhow::Result<()> {
    writeln!(out, "entity {} ({})", e.id, e.etype)?;
    writeln!(out, "name:")?;
    writeln!(out, "  {}", e.name)?;
    if let Some(n) = &e.name_en {
        writeln!(out, "english:    {n}")?;
    }
    if let Some(c) = &e.country {
        writeln!(
            out,
            "country:    {c}{}",
            e.country_evidence
                .as_deref()
                .map(|x| format!("  (from: {x})"))
                .unwrap_or_default()
        )?;
    }
    if let Some(s) = &e.sector {
        writeln!(out, "sector:     {s}")?;
    }
    if let (Some(a), Some(b)) = (e.lat, e.lon) {
        writeln!(
            out,
            "place:      {a:.4}, {b:.4} (gazetteer id {})",
            e.place_id.unwrap_or(0)
        )?;
    }
    writeln!(
        out,
        "mentions:   {} in {} articles",
        e.mentions,
        e.articles.len()
    )?;
    writeln!(out, "variants:")?;
    for (v, n) in &e.variants {
        writeln!(out, "  {n:>5}  {v}")?;
    }
    if !e.roles.is_empty() {
        writeln!(out, "roles:")?;
        for (a, r) in &e.roles {
            writeln!(out, "  article {a}:")?;
            writeln!(out, "    {r}")?;
        }
    }
    writeln!(out, "mentions in context:")?;
    for m in ms {
        let Some(a) = store.article(m.article)? else {
            continue;
        };
        let field = rasd_doc::Field::parse(&m.field).unwrap_or(rasd_doc::Field::Body);
        let text = match field {
            rasd_doc::Field::Title => a.article.title.clone().unwrap_or_default(),
            rasd_doc::Field::Caption => a.article.caption.clone().unwrap_or_default(),
            rasd_doc::Field::Summary => a.article.summary.clone().unwrap_or_default(),
            rasd_doc::Field::Body => a.article.body.clone(),
        };
        let (s, t) = (m.start.min(text.len()), m.end.min(text.len()));
        if !text.is_char_boundary(s) || !text.is_char_boundary(t) {
            continue;
        }
        let left: String = text[..s]
            .chars()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let right: String = text[t..].chars().take(40).collect();
        writeln!(
            out,
            "  article {} {} [{}..{}]:",
            m.article, m.field, m.start, m.end
        )?;
        writeln!(
            out,
            "    {}【{}】{}",
            left.replace('\n', " "),
            &text[s..t],
            right.replace('\n', " ")
        )?;
    }
    Ok(())
}
