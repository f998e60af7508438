//! Search queries: user input parsed into terms, and their match over the
//! index ([`rasd_store::SearchMatch`], which each store backend renders).
//!
//! The syntax is the one search boxes have: words (all must match), `"quoted
//! phrases"` (also `«…»` and `“…”`), and a leading `-` that excludes a word
//! or phrase. Everything else is text: operators and syntax characters
//! (`AND`, `NEAR(`, `*`, `^`, `:`, parentheses) in user input are words or
//! punctuation like any other, and reach the backend as terms, never as its
//! query syntax.

use crate::terms::{for_each_word, Word};
use rasd_store::{Phrase, SearchMatch};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 512;
/// Most words a query may have (counting the words of phrases).
pub const MAX_QUERY_WORDS: usize = 32;

/// Why a query was refused (the HTTP API answers 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("empty query: no word to search for")]
    Empty,
    #[error("query too long: {bytes} bytes (at most {max})")]
    TooLong { bytes: usize, max: usize },
    #[error("too many words in the query: {words} (at most {max})")]
    TooManyWords { words: usize, max: usize },
    #[error("the query only excludes words: give at least one word to search for")]
    OnlyExcluded,
}

/// One word of a query, as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryWord {
    /// Folded, clitic-stripped: what it matches.
    pub stem: String,
    /// Folded whole word: documents with this exact form rank higher.
    pub form: String,
}

/// One term of a query: a word or a phrase, included or excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryTerm {
    /// The user's text of the term: the word without the punctuation around
    /// it, or the phrase between its quotes; e.g. to look it up in the
    /// knowledge base.
    pub text: String,
    pub words: Vec<QueryWord>,
    /// A quoted phrase with several words, or an excluded run of words
    /// without spaces (`-حفتر-السراج`): its words must be adjacent and in
    /// order. (Words joined by punctuation in an included run, `الرياض،جدة`,
    /// are separate terms.)
    pub phrase: bool,
    /// Preceded by `-`: matching articles are left out.
    pub exclude: bool,
}

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    terms: Vec<QueryTerm>,
}

/// Function words that nearly every article has: as a word of a query with
/// other words they filter next to nothing and cost most of its time (every
/// article must be ranked), so they are left out of it (not out of phrases).
/// `على` is not one of them: folded, it is the name `علي`.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "في", "من", "إلى", "عن", "مع", "أن", "إن", "ما", "لا", "هذا", "هذه", "ذلك", "تلك", "التي",
    "الذي", "الذين", "أو", "ثم", "قد", "كان", "كانت", "لم", "لن", "هو", "هي", "كما", "حيث",
    "أيضا", "و",
];

fn stop_words() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        STOP_WORDS
            .iter()
            .flat_map(|w| query_words(w).0)
            .map(|w| w.stem)
            .collect()
    })
}

impl QueryTerm {
    /// A single word that is a very common function word (`في`, `من`,
    /// `إلى`, …).
    pub fn is_stop_word(&self) -> bool {
        !self.phrase && self.words.len() == 1 && stop_words().contains(&self.words[0].stem)
    }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '«' | '»' | '“' | '”' | '„' | '‟' | '″' | '＂')
}

fn is_minus(c: char) -> bool {
    matches!(c, '-' | '−' | '–' | '—' | '‐' | '－')
}

/// The words of `text` and their byte spans in it.
fn query_words(text: &str) -> (Vec<QueryWord>, Vec<(usize, usize)>) {
    let (mut v, mut spans) = (Vec::new(), Vec::new());
    for_each_word(text, &mut |w: Word| {
        spans.push((w.start, w.end));
        v.push(QueryWord {
            stem: w.stem,
            form: w.form,
        })
    });
    (v, spans)
}

impl Query {
    /// Parses user input. Errors: nothing to search for, more than
    /// [`MAX_QUERY_BYTES`] bytes or [`MAX_QUERY_WORDS`] words, only
    /// excluded terms.
    pub fn parse(input: &str) -> Result<Query, QueryError> {
        if input.len() > MAX_QUERY_BYTES {
            return Err(QueryError::TooLong {
                bytes: input.len(),
                max: MAX_QUERY_BYTES,
            });
        }
        let mut terms = Vec::new();
        let mut rest = input;
        loop {
            rest = rest.trim_start();
            let Some(mut c) = rest.chars().next() else {
                break;
            };
            let mut exclude = false;
            if is_minus(c) {
                rest = &rest[c.len_utf8()..];
                match rest.chars().next() {
                    Some(d) if !d.is_whitespace() => {
                        exclude = true;
                        c = d;
                    }
                    _ => continue,
                }
            }
            let (text, quoted_phrase) = if is_quote(c) {
                let body = &rest[c.len_utf8()..];
                let end = body.find(is_quote).unwrap_or(body.len());
                let text = &body[..end];
                rest = body[end..]
                    .chars()
                    .next()
                    .map_or("", |q| &body[end + q.len_utf8()..]);
                (text, true)
            } else {
                let end = rest
                    .find(|c: char| c.is_whitespace() || is_quote(c))
                    .unwrap_or(rest.len());
                let text = &rest[..end];
                rest = &rest[end..];
                (text, false)
            };
            let (words, spans) = query_words(text);
            if words.is_empty() {
                continue;
            }
            if quoted_phrase || exclude || words.len() == 1 {
                // One word: its own text, without the punctuation around it.
                let text = match spans[..] {
                    [(s, e)] => &text[s..e],
                    _ => text.trim(),
                };
                terms.push(QueryTerm {
                    text: text.to_string(),
                    phrase: words.len() > 1,
                    words,
                    exclude,
                });
            } else {
                // Words joined by punctuation (`الرياض،جدة`, `NEAR(حفتر`):
                // separate words.
                for (w, (s, e)) in words.into_iter().zip(spans) {
                    terms.push(QueryTerm {
                        text: text[s..e].to_string(),
                        phrase: false,
                        words: vec![w],
                        exclude,
                    });
                }
            }
        }
        let n: usize = terms.iter().map(|t| t.words.len()).sum();
        if n == 0 {
            return Err(QueryError::Empty);
        }
        if n > MAX_QUERY_WORDS {
            return Err(QueryError::TooManyWords {
                words: n,
                max: MAX_QUERY_WORDS,
            });
        }
        if terms.iter().all(|t| t.exclude) {
            return Err(QueryError::OnlyExcluded);
        }
        Ok(Query { terms })
    }

    /// The terms, in input order.
    pub fn terms(&self) -> &[QueryTerm] {
        &self.terms
    }

    /// Which terms the search leaves out: stop words
    /// ([`QueryTerm::is_stop_word`]) without alternatives, when the query
    /// has another word to search for.
    pub fn ignored(&self, alternatives: &[Vec<String>]) -> Vec<bool> {
        let droppable = |i: usize, t: &QueryTerm| {
            !t.exclude && t.is_stop_word() && alternatives.get(i).is_none_or(|a| a.is_empty())
        };
        let other = self
            .terms
            .iter()
            .enumerate()
            .any(|(i, t)| !t.exclude && !droppable(i, t));
        self.terms
            .iter()
            .enumerate()
            .map(|(i, t)| other && droppable(i, t))
            .collect()
    }

    /// The query as a match over the index ([`rasd_store::SearchMatch`]).
    /// `alternatives[i]` lists spelling variants of term `i`
    /// (`terms()[i]`), e.g. every spelling of the knowledge-base entity it
    /// names; each variant is text (one or more words, folded and stemmed
    /// like the query) and is ORed in as a phrase. Missing or empty entries
    /// add nothing; extra entries are ignored.
    ///
    /// A word matches its stem in any column (the extra columns add the
    /// speculative stems); when the word carries clitics, its exact form is
    /// ORed in, so that articles with that form rank higher. Included terms
    /// are ANDed, except the stop words [`Query::ignored`] leaves out;
    /// excluded ones are removed.
    pub fn search_match(&self, alternatives: &[Vec<String>]) -> SearchMatch {
        let mut m = SearchMatch::default();
        let ignored = self.ignored(alternatives);
        for (i, t) in self.terms.iter().enumerate() {
            if ignored[i] {
                continue;
            }
            let mut clause: Vec<Phrase> = Vec::new();
            let mut add = |p: Phrase| {
                if !clause.contains(&p) {
                    clause.push(p);
                }
            };
            add(t.words.iter().map(|w| w.stem.clone()).collect());
            if let [w] = &t.words[..] {
                if w.form != w.stem && !t.exclude {
                    add(vec![w.form.clone()]);
                }
            }
            for v in alternatives.get(i).map_or(&[][..], |v| &v[..]) {
                let (words, _) = query_words(v);
                if words.is_empty() || words.len() > MAX_QUERY_WORDS {
                    continue;
                }
                add(words.into_iter().map(|w| w.stem).collect());
            }
            if t.exclude {
                m.none.push(clause);
            } else {
                m.all.push(clause);
            }
        }
        m
    }
}

impl std::str::FromStr for Query {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Query, QueryError> {
        Query::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SQLite backend's FTS5 expression of a query.
    fn fts(q: &Query, alternatives: &[Vec<String>]) -> String {
        rasd_store::fts5_expression(&q.search_match(alternatives))
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = Query::parse(r#"والقاهرة "وزير الخارجية" -حفتر"#).unwrap();
        let t = q.terms();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].words[0].stem, "قاهره");
        assert_eq!(t[0].words[0].form, "والقاهره");
        assert!(!t[0].phrase && !t[0].exclude);
        assert!(t[1].phrase);
        assert_eq!(t[1].text, "وزير الخارجية");
        assert!(t[2].exclude);
        assert_eq!(
            fts(&q, &[]),
            r#"(("قاهره" OR "والقاهره") AND {title body} : "وزير خارجيه") NOT "حفتر""#
        );
    }

    #[test]
    fn excluded_phrase_and_lone_dash() {
        let q = Query::parse(r#"(ليبيا) - -"مجلس النواب""#).unwrap();
        assert_eq!(q.terms().len(), 2);
        assert_eq!(q.terms()[0].text, "ليبيا");
        assert!(q.terms()[1].exclude && q.terms()[1].phrase);
        assert_eq!(q.terms()[1].text, "مجلس النواب");
    }

    #[test]
    fn errors() {
        assert_eq!(Query::parse(""), Err(QueryError::Empty));
        assert_eq!(Query::parse("  ... ***  "), Err(QueryError::Empty));
        assert_eq!(Query::parse("-حفتر"), Err(QueryError::OnlyExcluded));
        assert!(matches!(
            Query::parse(&"ا".repeat(300)),
            Err(QueryError::TooLong { .. })
        ));
        let many = vec!["كلمة"; 33].join(" ");
        assert!(matches!(
            Query::parse(&many),
            Err(QueryError::TooManyWords { words: 33, .. })
        ));
        assert!(Query::parse(&vec!["كلمة"; 32].join(" ")).is_ok());
    }

    #[test]
    fn syntax_is_text() {
        let q = Query::parse(r#"NEAR(حفتر AND "السراج*" ^ليبيا title:مصر"#).unwrap();
        let e = fts(&q, &[]);
        assert!(e.contains(r#""near" AND "حفتر""#), "{e}");
        assert!(e.contains(r#""and""#), "{e}");
        assert!(!e.contains('*') && !e.contains('^'), "{e}");
    }

    #[test]
    fn stop_words_are_left_out_next_to_other_words() {
        let q = Query::parse("الأمطار في جدة").unwrap();
        assert!(q.terms()[1].is_stop_word());
        assert_eq!(q.ignored(&[]), [false, true, false]);
        assert_eq!(fts(&q, &[]), r#"("امطار" OR "الامطار") AND "جده""#);
        // Alone, in a phrase or excluded they stay.
        assert_eq!(fts(&Query::parse("في").unwrap(), &[]), r#""في""#);
        assert_eq!(Query::parse("وفي من").unwrap().ignored(&[]), [false, false]);
        assert_eq!(
            fts(&Query::parse(r#""الأمطار في جدة""#).unwrap(), &[]),
            r#"{title body} : "امطار في جده""#
        );
        assert_eq!(
            fts(&Query::parse("جدة -في").unwrap(), &[]),
            r#""جده" NOT "في""#
        );
        // علي (على) is a name.
        assert!(!Query::parse("على").unwrap().terms()[0].is_stop_word());
    }

    #[test]
    fn alternatives_are_ored_per_term() {
        let q = Query::parse("يفكيروف موسكو").unwrap();
        let alts = vec![vec!["يفكوروف".to_string(), "يونس بك يفكيروف".to_string()]];
        assert_eq!(
            fts(&q, &alts),
            r#"("يفكيروف" OR "يفكوروف" OR {title body} : "يونس بك يفكيروف") AND "موسكو""#
        );
    }
}
