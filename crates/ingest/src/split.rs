//! Articles too long to process whole are split into parts.
//!
//! The language stages read an article as one text (its names, their roles,
//! its events and their actors), so the time and memory one article takes
//! grow faster than its length. A body longer than the limit
//! ([`MAX_ARTICLE_BYTES`] by default, `--max-article-size`) is cut into parts
//! of at most that length, each at the last paragraph end before the limit,
//! else the last line end, sentence end or space (never inside a word when
//! there is a space to cut at). The first part keeps the article's place and
//! everything the page said of it; each further part is an article of kind
//! [`ArticleKind::Part`] whose `parent` is the first part, with the same
//! URL, title, dates and source, and its body's alignment to the source kept.
//! Every split is reported as a [`Warning`] of the input: nothing is dropped
//! and nothing is split silently.

use crate::{Parsed, Warning};
use rasd_doc::{Article, ArticleKind, Span};

/// The default longest body of one article, in bytes (64 KiB: about 11,000
/// words; the longest of SaudiNewsNet's 31,030 articles has 60,498 bytes).
pub const MAX_ARTICLE_BYTES: usize = 64 * 1024;

/// Splits the articles of `parsed` whose body is longer than `max` bytes
/// (see the module documentation); renumbers the articles after them and the
/// parents that point at them. `max` below 1,024 is taken as 1,024.
pub fn split_long_articles(parsed: &mut Parsed, max: usize) {
    let max = max.max(1024);
    if parsed.articles.iter().all(|a| a.body.len() <= max) {
        return;
    }
    let old = std::mem::take(&mut parsed.articles);
    // The new index of each old article (its first part).
    let mut first_of = Vec::with_capacity(old.len());
    let mut out: Vec<Article> = Vec::with_capacity(old.len() + 4);
    for a in old {
        let index = out.len() as u32;
        first_of.push(index);
        if a.body.len() <= max {
            out.push(Article { index, ..a });
            continue;
        }
        let spans = cut_points(&a.body, max);
        parsed.warnings.push(Warning {
            record: a.record,
            reason: format!(
                "article {} has a body of {} bytes, over the limit of {} bytes for one article (--max-article-size): split into {} parts",
                a.index,
                a.body.len(),
                max,
                spans.len()
            ),
        });
        for (k, span) in spans.iter().enumerate() {
            let body = a.body[span.start..span.end].to_string();
            let body_alignment = a.body_alignment.slice(*span);
            if k == 0 {
                out.push(Article {
                    index,
                    body,
                    body_alignment,
                    ..a.clone()
                });
            } else {
                let mut p = Article::new(ArticleKind::Part, out.len() as u32);
                p.parent = Some(index);
                p.record = a.record;
                p.url = a.url.clone();
                p.source_label = a.source_label.clone();
                p.publisher = a.publisher.clone();
                p.original_source = a.original_source.clone();
                p.author = a.author.clone();
                p.title = a.title.clone();
                p.published = a.published;
                p.crawled = a.crawled;
                p.body = body;
                p.body_alignment = body_alignment;
                out.push(p);
            }
        }
    }
    // Parents named by their old index (appended items) take the new one;
    // parts were given theirs above.
    for a in &mut out {
        if a.kind != ArticleKind::Part {
            if let Some(p) = a.parent {
                a.parent = first_of.get(p as usize).copied();
            }
        }
    }
    parsed.articles = out;
}

/// The spans of `body`'s parts: each at most `max` bytes, whitespace at
/// either end left out, none empty.
fn cut_points(body: &str, max: usize) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = skip_space(body, 0);
    while start < body.len() {
        let end = if body.len() - start <= max {
            body.len()
        } else {
            best_cut(body, start, max)
        };
        let kept = body[start..end].trim_end();
        if !kept.is_empty() {
            spans.push(Span::new(start, start + kept.len()));
        }
        start = skip_space(body, end);
    }
    spans
}

fn skip_space(body: &str, at: usize) -> usize {
    at + (body.len() - at - body[at..].trim_start().len())
}

/// Where to end a part that starts at `start`: after the last paragraph end
/// in the second half of the allowed length, else the last line end, else
/// the last sentence end, else the last space, else the last character
/// boundary within the limit.
fn best_cut(body: &str, start: usize, max: usize) -> usize {
    let mut limit = start + max;
    while !body.is_char_boundary(limit) {
        limit -= 1;
    }
    let mut from = start + max / 2;
    while !body.is_char_boundary(from) {
        from -= 1;
    }
    let window = &body[from..limit];
    let after = |i: usize, len: usize| from + i + len;
    if let Some(i) = window.rfind("\n\n") {
        return after(i, 2);
    }
    if let Some(i) = window.rfind('\n') {
        return after(i, 1);
    }
    let sentence_end = window
        .char_indices()
        .zip(window.char_indices().skip(1))
        .filter(|((_, c), (_, n))| {
            matches!(c, '.' | '؟' | '?' | '!' | '…' | '۔') && n.is_whitespace()
        })
        .map(|(_, (j, _))| j)
        .last();
    if let Some(j) = sentence_end {
        return from + j;
    }
    if let Some((i, c)) = window.char_indices().rev().find(|(_, c)| c.is_whitespace()) {
        return after(i, c.len_utf8());
    }
    // No space in the window: the last boundary before the limit (at least
    // one character, so that the split always moves on).
    if limit > start {
        limit
    } else {
        start + body[start..].chars().next().map_or(1, char::len_utf8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use proptest::prelude::*;
    use rasd_doc::Alignment;

    fn parsed(bodies: &[&str]) -> Parsed {
        let articles = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut a = Article::new(
                    if i == 0 {
                        ArticleKind::Page
                    } else {
                        ArticleKind::Appended
                    },
                    i as u32,
                );
                a.parent = (i > 0).then_some(0);
                a.url = Some("https://example.org/a".into());
                a.title = Some("عنوان".into());
                a.body = b.to_string();
                a.body_alignment = Alignment::identity(b.len());
                a
            })
            .collect();
        Parsed {
            format: Format::Text,
            encoding: "utf-8".into(),
            records: 1,
            articles,
            rejects: vec![],
            warnings: vec![],
            error: None,
        }
    }

    #[test]
    fn long_articles_split_at_paragraph_ends_and_others_renumbered() {
        let para = "قال الوزير إن الاجتماع كان ناجحا. ".repeat(40);
        let long = [para.trim_end(); 4].join("\n\n");
        let mut p = parsed(&[&long, "مادة ملحقة قصيرة."]);
        split_long_articles(&mut p, 4000);
        let a = &p.articles;
        assert!(a.len() >= 3, "{}", a.len());
        assert_eq!(a[0].kind, ArticleKind::Page);
        let parts: Vec<&Article> = a.iter().filter(|x| x.kind == ArticleKind::Part).collect();
        assert!(!parts.is_empty());
        for x in &parts {
            assert_eq!(x.parent, Some(0));
            assert_eq!(x.title.as_deref(), Some("عنوان"));
            assert!(x.body.starts_with("قال"), "cut at a paragraph end");
        }
        for x in a {
            assert!(x.body.len() <= 4000);
        }
        let last = a.last().unwrap();
        assert_eq!(last.kind, ArticleKind::Appended);
        assert_eq!(last.parent, Some(0));
        assert_eq!(last.index as usize, a.len() - 1);
        assert_eq!(p.warnings.len(), 1);
        assert!(
            p.warnings[0].reason.contains("split into"),
            "{:?}",
            p.warnings
        );
        // Nothing lost: the parts' words are the article's words.
        let words: Vec<&str> = a[..a.len() - 1]
            .iter()
            .flat_map(|x| x.body.split_whitespace())
            .collect();
        assert_eq!(words, long.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn short_articles_are_left_alone() {
        let mut p = parsed(&["نص قصير.", "نص آخر."]);
        split_long_articles(&mut p, 4000);
        assert_eq!(p.articles.len(), 2);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn text_without_spaces_is_cut_at_character_boundaries() {
        let long = "كلمة".repeat(3000);
        let mut p = parsed(&[&long]);
        split_long_articles(&mut p, 1024);
        assert!(p.articles.len() > 1);
        let joined: String = p.articles.iter().map(|a| a.body.as_str()).collect();
        assert_eq!(joined, long);
    }

    proptest! {
        #[test]
        fn parts_cover_the_words_and_keep_the_alignment(
            body in "[\\u0627-\\u064a .\\n؟]{0,6000}",
            max in 1000usize..3000,
        ) {
            let mut p = parsed(&[&body]);
            split_long_articles(&mut p, max);
            let mut words = Vec::new();
            for a in &p.articles {
                prop_assert!(a.body.len() <= max.max(1024));
                prop_assert!(!a.body.is_empty() || p.articles.len() == 1);
                for s in a.body_alignment.segments() {
                    prop_assert_eq!(&a.body.as_bytes()[s.dst..s.dst + s.len], &body.as_bytes()[s.src..s.src + s.len]);
                }
                prop_assert_eq!(a.body_alignment.copied_len(), a.body.len());
                words.extend(a.body.split_whitespace());
            }
            prop_assert_eq!(words, body.split_whitespace().collect::<Vec<_>>());
            for (i, a) in p.articles.iter().enumerate() {
                prop_assert_eq!(a.index as usize, i);
            }
        }
    }
}
