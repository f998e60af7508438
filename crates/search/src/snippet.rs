//! Snippets: windows of the original text around the words a query matched.

use crate::query::{Query, QueryWord};
use crate::terms::{for_each_word, for_each_word_matching, Needles, Word};
use rasd_text::{tokenize, Token};
use serde::Serialize;

/// A window of a text with the query's matches in it. All offsets are byte
/// offsets into the original text and fall on character boundaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub start: usize,
    pub end: usize,
    /// The matched words (a phrase as one span), in order, inside
    /// `start..end`: the original spelling, clitics and diacritics included.
    pub highlights: Vec<(usize, usize)>,
}

/// What a text word must look like to match: single stems and sequences
/// of stems, each with the query term it stands for.
struct Patterns {
    singles: Vec<(String, usize)>,
    seqs: Vec<(Vec<String>, usize)>,
}

fn stems_of(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    for_each_word(text, &mut |w: Word| v.push(w.stem));
    v
}

impl Patterns {
    fn new(q: &Query, variants: &[Vec<String>]) -> Patterns {
        let mut p = Patterns {
            singles: Vec::new(),
            seqs: Vec::new(),
        };
        let mut add = |stems: Vec<String>, term: usize| match stems.len() {
            0 => {}
            1 => p
                .singles
                .push((stems.into_iter().next().expect("one"), term)),
            _ => p.seqs.push((stems, term)),
        };
        let ignored = q.ignored(variants);
        for (i, t) in q.terms().iter().enumerate() {
            if t.exclude || ignored[i] {
                continue;
            }
            add(
                t.words.iter().map(|w: &QueryWord| w.stem.clone()).collect(),
                i,
            );
            for v in variants.get(i).map_or(&[][..], |v| &v[..]) {
                add(stems_of(v), i);
            }
        }
        p
    }

    fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.seqs.is_empty()
    }
}

/// A highlight: byte span and the query terms it matched (bit set).
#[derive(Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    terms: u64,
}

fn bit(term: usize) -> u64 {
    1u64 << (term % 64)
}

/// The matches of the patterns among the words of `text` (whose tokens are
/// `toks`), merged where they overlap, in order.
fn matches(text: &str, toks: &[Token], p: &Patterns) -> Vec<Hit> {
    let needles = Needles::new(
        p.singles.iter().map(|(s, _)| s.as_str()).chain(
            p.seqs
                .iter()
                .flat_map(|(v, _)| v.iter().map(String::as_str)),
        ),
    );
    let mut words: Vec<Word> = Vec::new();
    for_each_word_matching(text, toks, &needles, &mut |w| words.push(w));
    let mut hits = Vec::new();
    for (i, w) in words.iter().enumerate() {
        for (s, term) in &p.singles {
            // As in the index, where a single word matches in any column
            // (the stems, and the forms and speculative stems).
            if *s == w.stem || w.alts.contains(s) || *s == w.form {
                hits.push(Hit {
                    start: w.start,
                    end: w.end,
                    terms: bit(*term),
                });
            }
        }
        for (seq, term) in &p.seqs {
            if words.len() - i >= seq.len()
                && seq.iter().zip(&words[i..]).all(|(s, w)| *s == w.stem)
            {
                hits.push(Hit {
                    start: w.start,
                    end: words[i + seq.len() - 1].end,
                    terms: bit(*term),
                });
            }
        }
    }
    hits.sort_by_key(|h| (h.start, h.end));
    let mut merged: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        match merged.last_mut() {
            Some(m) if h.start < m.end => {
                m.end = m.end.max(h.end);
                m.terms |= h.terms;
            }
            _ => merged.push(h),
        }
    }
    merged
}

/// A window being built: token range and its highlights.
struct Window {
    l: usize,
    r: usize,
    hits: Vec<Hit>,
}

/// Snippets of `text` for the query: windows of about `width` characters
/// around the words that match a term of `q` that is not excluded (its stem,
/// or a sequence of stems for a phrase) or one of the variants of that term
/// (`variants[i]` for `q.terms()[i]`, as in [`Query::search_match`]).
/// Windows start and end on token boundaries; windows that overlap are
/// merged (up to twice `width`). At most `max` snippets, those matching the
/// most distinct terms first, returned in text order.
pub fn snippets(
    text: &str,
    q: &Query,
    variants: &[Vec<String>],
    max: usize,
    width: usize,
) -> Vec<Snippet> {
    if max == 0 {
        return Vec::new();
    }
    let p = Patterns::new(q, variants);
    if p.is_empty() {
        return Vec::new();
    }
    let toks: Vec<Token> = tokenize(text);
    let hits = matches(text, &toks, &p);
    if hits.is_empty() {
        return Vec::new();
    }
    // Character offsets of the token boundaries.
    let (mut cstart, mut cend) = (
        Vec::with_capacity(toks.len()),
        Vec::with_capacity(toks.len()),
    );
    let (mut at, mut chars) = (0usize, 0usize);
    for t in &toks {
        chars += text[at..t.start].chars().count();
        cstart.push(chars);
        chars += text[t.start..t.end].chars().count();
        cend.push(chars);
        at = t.end;
    }
    let span = |l: usize, r: usize| cend[r] - cstart[l];
    // Token ranges of the highlights, grouped into cores of at most `width`.
    let mut cores: Vec<Window> = Vec::new();
    for h in hits {
        let l = toks
            .partition_point(|t| t.start <= h.start)
            .saturating_sub(1);
        let r = toks
            .partition_point(|t| t.end < h.end)
            .min(toks.len() - 1)
            .max(l);
        match cores.last_mut() {
            Some(c) if r <= c.r || span(c.l, r) <= width => {
                c.r = c.r.max(r);
                c.hits.push(h);
            }
            _ => cores.push(Window {
                l,
                r,
                hits: vec![h],
            }),
        }
    }
    // Context on both sides, a token at a time.
    for c in &mut cores {
        loop {
            let mut grew = false;
            if c.r + 1 < toks.len() && span(c.l, c.r + 1) <= width {
                c.r += 1;
                grew = true;
            }
            if c.l > 0 && span(c.l - 1, c.r) <= width {
                c.l -= 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
    }
    // Overlapping windows: merged when not too long, else the later one
    // starts after the earlier one.
    let mut windows: Vec<Window> = Vec::with_capacity(cores.len());
    for mut c in cores {
        if let Some(prev) = windows.last_mut() {
            if c.l <= prev.r {
                let core_l = toks
                    .partition_point(|t| t.start <= c.hits[0].start)
                    .saturating_sub(1);
                if core_l <= prev.r || span(prev.l, c.r) <= width.saturating_mul(2) {
                    prev.r = prev.r.max(c.r);
                    prev.hits.append(&mut c.hits);
                    continue;
                }
                c.l = prev.r + 1;
            }
        }
        windows.push(c);
    }
    let score = |w: &Window| {
        let terms = w.hits.iter().fold(0u64, |m, h| m | h.terms);
        (terms.count_ones(), w.hits.len())
    };
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by(|&a, &b| score(&windows[b]).cmp(&score(&windows[a])).then(a.cmp(&b)));
    order.truncate(max);
    order.sort_unstable();
    order
        .into_iter()
        .map(|i| {
            let w = &windows[i];
            Snippet {
                start: toks[w.l].start,
                end: toks[w.r].end,
                highlights: w.hits.iter().map(|h| (h.start, h.end)).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, s: &Snippet) -> String {
        let mut out = String::new();
        let mut at = s.start;
        for &(a, b) in &s.highlights {
            out.push_str(&text[at..a]);
            out.push('[');
            out.push_str(&text[a..b]);
            out.push(']');
            at = b;
        }
        out.push_str(&text[at..s.end]);
        out
    }

    #[test]
    fn highlights_the_original_spelling() {
        let text = "التقى المشير بحفتر في بنغازي، ثم عاد إلى القاهرةِ مساءً.";
        let q = Query::parse("حفتر والقاهرة").unwrap();
        let s = snippets(text, &q, &[], 3, 200);
        assert_eq!(s.len(), 1);
        assert_eq!(
            marked(text, &s[0]),
            "التقى المشير [بحفتر] في بنغازي، ثم عاد إلى [القاهرةِ] مساءً."
        );
    }

    #[test]
    fn windows_are_cut_at_words_and_ranked() {
        let filler = "كلام عام عن أحوال الطقس والأسواق والرياضة في المنطقة ";
        let text = format!(
            "{}ذكر التقرير ليبيا مرة. {}ثم وصل حفتر إلى ليبيا أمس. {}",
            filler.repeat(3),
            filler.repeat(3),
            filler.repeat(3)
        );
        let q = Query::parse("حفتر ليبيا").unwrap();
        let all = snippets(&text, &q, &[], 5, 40);
        assert_eq!(all.len(), 2, "{all:?}");
        let best = snippets(&text, &q, &[], 1, 40);
        assert_eq!(best.len(), 1);
        let m = marked(&text, &best[0]);
        assert!(m.contains("[حفتر]") && m.contains("[ليبيا]"), "{m}");
        assert!(best[0].end - best[0].start < text.len() / 2);
        for s in &all {
            assert!(s.start < s.end && s.end <= text.len());
            assert!(text[s.start..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace()));
        }
    }

    #[test]
    fn phrases_and_variants() {
        let text = "قال وزير الخارجية إن الوزير التقى يفكوروف. الخارجية أصدرت بيانا.";
        let q = Query::parse(r#""وزير الخارجية" يفكيروف"#).unwrap();
        let alts = vec![vec![], vec!["يفكوروف".to_string()]];
        let s = snippets(text, &q, &alts, 3, 500);
        assert_eq!(s.len(), 1);
        assert_eq!(
            marked(text, &s[0]),
            "قال [وزير الخارجية] إن الوزير التقى [يفكوروف]. الخارجية أصدرت بيانا."
        );
    }

    #[test]
    fn excluded_terms_are_not_highlighted() {
        let q = Query::parse("ليبيا -حفتر").unwrap();
        let s = snippets("حفتر في ليبيا", &q, &[], 3, 100);
        assert_eq!(s[0].highlights.len(), 1);
    }
}
