//! Annotation of texts and articles: sentences, tokens and time expressions.

use jiff::civil;
use rasd_doc::{Article, DateValue, Field, Span, TimeMention};
use rasd_text::TokenKind;
use rasd_time::{Context, Prefer, Timex};

/// Version of the time annotations; stored articles annotated with an older
/// version are annotated again by `rasd process`.
/// 2: numeric dates with Hijri years (`12/10/1436 هـ`) are converted.
pub const TIME_VERSION: i64 = 2;

/// The anchor of a publication date: its day at midnight, or its UTC time.
pub fn anchor_of(published: Option<DateValue>) -> Option<civil::DateTime> {
    match published? {
        DateValue::Date(d) => Some(d.to_datetime(civil::Time::midnight())),
        DateValue::DateTime(t) => Some(t.to_zoned(jiff::tz::TimeZone::UTC).datetime()),
    }
}

/// Annotations of one text.
#[derive(Debug, Clone)]
pub struct TextAnnotations {
    pub sentences: Vec<Span>,
    pub tokens: Vec<(Span, TokenKind)>,
    pub timexes: Vec<Timex>,
}

/// Which layers to compute.
#[derive(Debug, Clone, Copy)]
pub struct Layers {
    pub sentences: bool,
    pub tokens: bool,
    pub timexes: bool,
}

impl Default for Layers {
    fn default() -> Self {
        Layers {
            sentences: true,
            tokens: true,
            timexes: true,
        }
    }
}

pub fn annotate_text(
    text: &str,
    anchor: Option<civil::DateTime>,
    prefer: Prefer,
    layers: Layers,
) -> TextAnnotations {
    TextAnnotations {
        sentences: if layers.sentences {
            rasd_text::sentences(text)
                .into_iter()
                .map(|(s, e)| Span::new(s, e))
                .collect()
        } else {
            Vec::new()
        },
        tokens: if layers.tokens {
            rasd_text::tokenize(text)
                .into_iter()
                .map(|t| (Span::new(t.start, t.end), t.kind))
                .collect()
        } else {
            Vec::new()
        },
        timexes: if layers.timexes {
            rasd_time::extract(text, &Context { anchor, prefer })
        } else {
            Vec::new()
        },
    }
}

/// Who published an article: its publisher, else its source label, else
/// the host of its URL. Syndication counts and groups use it.
pub fn publisher(a: &Article) -> Option<String> {
    a.publisher
        .clone()
        .or_else(|| a.source_label.clone())
        .or_else(|| a.url.as_deref().and_then(rasd_ingest::url_host))
}

/// The text of one field of an article.
pub fn field_text(a: &Article, f: Field) -> Option<&str> {
    match f {
        Field::Title => a.title.as_deref(),
        Field::Caption => a.caption.as_deref(),
        Field::Summary => a.summary.as_deref(),
        Field::Body => Some(&a.body),
    }
}

fn mention(field: Field, text: &str, t: &Timex) -> TimeMention {
    TimeMention {
        field,
        span: Span::new(t.start, t.end),
        text: text[t.start..t.end].to_string(),
        value: t.value.clone(),
        grain: t.grain,
        kind: t.kind,
        offset: t.offset.clone(),
        flags: t.flags.iter().map(|f| f.to_string()).collect(),
    }
}

/// Time expressions of every field of an article, resolved against its
/// publication date (unresolved when it has none).
pub fn time_mentions(a: &Article, prefer: Prefer) -> Vec<TimeMention> {
    let ctx = Context {
        anchor: anchor_of(a.published),
        prefer,
    };
    let mut out = Vec::new();
    for f in Field::ALL {
        if let Some(text) = field_text(a, f) {
            out.extend(
                rasd_time::extract(text, &ctx)
                    .iter()
                    .map(|t| mention(f, text, t)),
            );
        }
    }
    out
}
