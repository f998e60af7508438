//! Arabic full-text search over stored articles.
//!
//! - [`index_terms`] / [`article_terms`]: what the index holds for a text:
//!   every word folded ([`rasd_text::Folds::SEARCH`]: diacritics, tatweel,
//!   alef and hamza forms, `ة`/`ه`, `ى`/`ي`, Latin case, digits) and
//!   stripped of its clitics, so that `حفتر` finds `وحفتر`, `لحفتر` and
//!   `بحفتر`, and `والقاهرة` finds `القاهرة`;
//! - [`Query`]: user input (words, `"phrases"`, `-exclusions`) parsed into
//!   the same terms, and its FTS5 expression, which no input can break;
//! - [`snippets`]: windows of the original text around the matches, with
//!   highlights, as byte offsets into the original text;
//! - [`search`]: a ranked (bm25) page of articles with their snippets.
//!
//! The index is SQLite FTS5 in the store (`article_fts`, one row per article
//! with rowid = article id); the pipeline fills it (stage
//! [`rasd_store::Stage::Search`], version [`SEARCH_VERSION`]).

mod query;
mod snippet;
mod terms;

pub use query::{Query, QueryError, QueryTerm, QueryWord, MAX_QUERY_BYTES, MAX_QUERY_WORDS};
pub use snippet::{snippets, Snippet};
pub use terms::{article_terms, index_terms, indexed_words, IndexTerms};

use rasd_doc::Field;
use rasd_store::{Store, StoreError};
use serde::Serialize;

/// Version of the index terms: bump it when [`index_terms`] changes, and
/// `rasd process` indexes every article again.
pub const SEARCH_VERSION: i64 = 1;

/// Most hits one page may have.
pub const MAX_LIMIT: usize = 100;
/// Matches are counted up to this many.
pub const COUNT_CAP: usize = 10_000;
/// Snippets of the body per hit.
pub const BODY_SNIPPETS: usize = 3;
/// Width of a body snippet, in characters.
pub const SNIPPET_WIDTH: usize = 160;

/// What the pipeline's search stage did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexSummary {
    /// Articles indexed.
    pub articles: u64,
    /// Words indexed (title and body).
    pub words: u64,
    pub seconds: f64,
}

/// A search that could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Bad user input (HTTP 400).
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One snippet of a hit: a window of one field's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitSnippet {
    /// `title` or `body`.
    pub field: Field,
    /// Byte offsets of the window in the field's original text.
    pub start: usize,
    pub end: usize,
    /// The window's text (`field_text[start..end]`).
    pub text: String,
    /// Byte spans of the matches in the field's original text (not in
    /// `text`: subtract `start`).
    pub highlights: Vec<(usize, usize)>,
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub article_id: i64,
    /// bm25, higher is better (comparable within one query only).
    pub score: f64,
    pub title: Option<String>,
    pub published: Option<String>,
    pub publisher: Option<String>,
    /// The title (when it matches) and up to [`BODY_SNIPPETS`] windows of
    /// the body; when the body does not match, its beginning without
    /// highlights.
    pub snippets: Vec<HitSnippet>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    /// Matching articles, counted up to [`COUNT_CAP`].
    pub total: usize,
    /// There are more than `total` matches.
    pub total_capped: bool,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<SearchHit>,
}

fn hit_snippet(field: Field, text: &str, s: Snippet) -> HitSnippet {
    HitSnippet {
        field,
        start: s.start,
        end: s.end,
        text: text[s.start..s.end].to_string(),
        highlights: s.highlights,
    }
}

/// The beginning of a text: about `width` characters, cut after a word.
fn lead(text: &str, width: usize) -> Option<Snippet> {
    let toks = rasd_text::tokenize(text);
    let first = toks.first()?;
    let mut end = first.end;
    for t in &toks[1..] {
        if text[first.start..t.end].chars().count() > width {
            break;
        }
        end = t.end;
    }
    Some(Snippet {
        start: first.start,
        end,
        highlights: Vec::new(),
    })
}

/// A page of the articles matching `q`, best first: at most `limit` (at
/// most [`MAX_LIMIT`]) after skipping `offset`. `alternatives[i]` are
/// spelling variants of `q.terms()[i]` (see [`Query::search_match`]);
/// they match and are highlighted like the term.
pub fn search(
    store: &dyn Store,
    q: &Query,
    alternatives: &[Vec<String>],
    limit: usize,
    offset: usize,
) -> Result<SearchPage, StoreError> {
    let limit = limit.min(MAX_LIMIT);
    let m = q.search_match(alternatives);
    let ranked = if limit == 0 {
        Vec::new()
    } else {
        store.search(&m, limit, offset)?
    };
    let (total, total_capped) = if ranked.len() < limit && (offset == 0 || !ranked.is_empty()) {
        (offset + ranked.len(), false)
    } else {
        let n = store.search_count(&m, COUNT_CAP + 1)?;
        (n.min(COUNT_CAP), n > COUNT_CAP)
    };
    let mut hits = Vec::with_capacity(ranked.len());
    for (id, score) in ranked {
        let Some(a) = store.article_text(id)? else {
            continue;
        };
        let mut sn = Vec::new();
        if let Some(t) = a.title.as_deref() {
            for s in snippets(t, q, alternatives, 1, usize::MAX) {
                sn.push(hit_snippet(Field::Title, t, s));
            }
        }
        let body = snippets(&a.body, q, alternatives, BODY_SNIPPETS, SNIPPET_WIDTH);
        if body.is_empty() {
            if let Some(s) = lead(&a.body, SNIPPET_WIDTH) {
                sn.push(hit_snippet(Field::Body, &a.body, s));
            }
        }
        for s in body {
            sn.push(hit_snippet(Field::Body, &a.body, s));
        }
        hits.push(SearchHit {
            article_id: id,
            score,
            title: a.title,
            published: a.published,
            publisher: a.publisher.or(a.source_label),
            snippets: sn,
        });
    }
    Ok(SearchPage {
        total,
        total_capped,
        offset,
        limit,
        hits,
    })
}

/// [`Query::parse`] then [`search`] without alternatives.
pub fn search_text(
    store: &dyn Store,
    input: &str,
    limit: usize,
    offset: usize,
) -> Result<SearchPage, SearchError> {
    let q = Query::parse(input)?;
    Ok(search(store, &q, &[], limit, offset)?)
}
