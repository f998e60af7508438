//! Index terms: the words of a text, folded and clitic-stripped.
//!
//! The index and the queries go through the same [`for_each_word`], so a
//! query word finds a text word exactly when their terms are equal.

use rasd_store::SearchTerms;
use rasd_text::{fold_into, segment, tokenize, Folds, Token, TokenKind};

/// Words longer than this (in bytes, folded) are not indexed: no one
/// searches for them, and they would only bloat the index.
pub(crate) const MAX_WORD_BYTES: usize = 128;

/// One indexable word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// The stem: the folded word without its clitics.
    pub stem: String,
    /// The whole folded word (equal to `stem` when nothing was stripped).
    pub form: String,
    /// More speculative stems (see [`analyze`]).
    pub alts: Vec<String>,
}

fn is_prep(c: char) -> bool {
    matches!(c, 'ب' | 'ل')
}

/// `s` without its first letter when that is `ب` or `ل` and at least 3
/// letters remain. (`ك` is left alone: as a preposition it rarely comes
/// before a name, and many words start with it.)
fn without_prep(s: &str) -> Option<&str> {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) if is_prep(c) && cs.clone().count() >= 3 => Some(cs.as_str()),
        _ => None,
    }
}

/// Analyses one word token (`Word`, `Latin` or `Number`); `None` when it
/// leaves nothing to index. `buf` is scratch space.
///
/// The stem of an Arabic word is [`rasd_text::segment`]'s, with one change:
/// a final `ه` split off as the pronoun stays on the stem, because once `ة`
/// is folded to `ه` it cannot be told from a ta marbuta written `ه`
/// (`مدرسه` is `مدرسة` far more often than "his teacher"). Two speculative
/// stems go to the extra terms: the stem without that `ه` (`كتابه` →
/// `كتاب`), and the stem without a lone `ب` or `ل` that the segmenter left on a
/// word it does not know (`لحفتر`, `وبحفتر` → `حفتر`; not `ك`).
///
/// Every key of a word (stem and speculative stems) is a substring of its
/// folded form, except that a stem may start with an `ا` restored after
/// `ل` (`للقاهرة`): [`Needles`] relies on it.
fn analyze(text: &str, t: &Token, buf: &mut String, keep: Option<&Needles>) -> Option<Word> {
    let w = t.text(text);
    buf.clear();
    fold_into(w, &Folds::SEARCH, buf);
    if buf.is_empty() || buf.len() > MAX_WORD_BYTES {
        return None;
    }
    if keep.is_some_and(|n| !n.any_in(buf)) {
        // Cannot match: a placeholder that keeps the word's position.
        return Some(Word {
            start: t.start,
            end: t.end,
            stem: String::new(),
            form: String::new(),
            alts: Vec::new(),
        });
    }
    let form = buf.clone();
    let mut alts = Vec::new();
    let stem = if t.kind == TokenKind::Word {
        let seg = segment(w, &|_| false);
        let mut stem = seg.stem_key(w);
        if let Some(e) = seg.enclitic.filter(|e| e.form == "ه") {
            if !stem.is_empty() {
                alts.push(stem.clone());
            }
            fold_into(&w[e.start..e.end], &Folds::SEARCH, &mut stem);
        }
        if stem.is_empty() {
            stem = form.clone();
        }
        let only_conj = seg.proclitics().iter().all(|c| matches!(c.form, "و" | "ف"));
        if only_conj {
            if let Some(a) = without_prep(&stem) {
                alts.push(a.to_string());
            }
        }
        stem
    } else {
        form.clone()
    };
    Some(Word {
        start: t.start,
        end: t.end,
        stem,
        form,
        alts,
    })
}

/// The keys a text word must contain (as folded text) to possibly match:
/// lets [`for_each_word_matching`] skip the segmentation of most words.
pub(crate) struct Needles(Vec<String>);

impl Needles {
    pub(crate) fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Needles {
        let mut v: Vec<String> = Vec::new();
        for k in keys {
            // A restored alef is not in the word's text.
            let k = k.strip_prefix('ا').filter(|r| !r.is_empty()).unwrap_or(k);
            if !k.is_empty() && !v.iter().any(|x| x == k) {
                v.push(k.to_string());
            }
        }
        Needles(v)
    }

    fn any_in(&self, folded: &str) -> bool {
        self.0.iter().any(|n| folded.contains(n.as_str()))
    }
}

/// Calls `f` with every indexable word of `text`, in order: Arabic words,
/// Latin words and numbers, and the words inside hashtags (`#حفتر_ليبيا`).
pub(crate) fn for_each_word(text: &str, f: &mut dyn FnMut(Word)) {
    let mut buf = String::new();
    words_at(text, &tokenize(text), 0, &mut buf, None, f);
}

/// [`for_each_word`] over the tokens of `text`, where a word that cannot
/// match one of `needles` comes with an empty stem and no forms.
pub(crate) fn for_each_word_matching(
    text: &str,
    tokens: &[Token],
    needles: &Needles,
    f: &mut dyn FnMut(Word),
) {
    let mut buf = String::new();
    words_at(text, tokens, 0, &mut buf, Some(needles), f);
}

fn words_at(
    text: &str,
    tokens: &[Token],
    base: usize,
    buf: &mut String,
    keep: Option<&Needles>,
    f: &mut dyn FnMut(Word),
) {
    for t in tokens {
        match t.kind {
            TokenKind::Word | TokenKind::Latin | TokenKind::Number => {
                if let Some(mut w) = analyze(text, t, buf, keep) {
                    w.start += base;
                    w.end += base;
                    f(w);
                }
            }
            TokenKind::Hashtag => {
                // The tag without its `#`: tokenized again (the `_` between
                // its words is punctuation).
                let inner = t.start + 1;
                if inner < t.end {
                    let tag = &text[inner..t.end];
                    words_at(tag, &tokenize(tag), base + inner, buf, keep, f);
                }
            }
            _ => {}
        }
    }
}

/// The words of `text`, collected.
#[cfg(test)]
pub(crate) fn words(text: &str) -> Vec<Word> {
    let mut v = Vec::new();
    for_each_word(text, &mut |w| v.push(w));
    v
}

/// The index terms of one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexTerms {
    /// One stem per word, in order, space-separated: what phrases match.
    pub stems: String,
    /// The other forms the words are findable by, space-separated: each
    /// word's whole folded form when a clitic was stripped from it
    /// (`والقاهره` beside `قاهره`, so that the exact form ranks higher) and
    /// its speculative stem (`لحفتر` → `حفتر`).
    pub extra: String,
    /// Number of words indexed.
    pub words: usize,
}

fn push_term(out: &mut String, t: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(t);
}

/// The index terms of `text`: its word tokens ([`rasd_text::tokenize`]),
/// each folded with [`Folds::SEARCH`] (diacritics, tatweel, alef and hamza
/// forms, `ة`→`ه`, `ى`→`ي`, Latin lower case, digits) and stripped of its
/// clitics ([`rasd_text::segment`]).
pub fn index_terms(text: &str) -> IndexTerms {
    let mut out = IndexTerms {
        stems: String::with_capacity(text.len()),
        extra: String::new(),
        words: 0,
    };
    for_each_word(text, &mut |w| {
        push_term(&mut out.stems, &w.stem);
        if w.form != w.stem {
            push_term(&mut out.extra, &w.form);
        }
        for a in &w.alts {
            push_term(&mut out.extra, a);
        }
        out.words += 1;
    });
    out
}

/// The index terms of an article: its title and body.
pub fn article_terms(a: &rasd_doc::Article) -> SearchTerms {
    let t = index_terms(a.title.as_deref().unwrap_or(""));
    let b = index_terms(&a.body);
    SearchTerms {
        title: t.stems,
        body: b.stems,
        title_extra: t.extra,
        body_extra: b.extra,
    }
}

/// Words indexed for an article (its stems).
pub fn indexed_words(t: &SearchTerms) -> usize {
    t.title.split(' ').filter(|s| !s.is_empty()).count()
        + t.body.split(' ').filter(|s| !s.is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.stem).collect()
    }

    #[test]
    fn folds_and_stems() {
        assert_eq!(stems("والقاهرة"), ["قاهره"]);
        assert_eq!(stems("القاهرة"), ["قاهره"]);
        assert_eq!(stems("وحفتر"), ["حفتر"]);
        assert_eq!(stems("أحمد إحمد احمد"), ["احمد", "احمد", "احمد"]);
        assert_eq!(stems("مدرسة مدرسه"), ["مدرسه", "مدرسه"]);
        assert_eq!(stems("مستشفى مستشفي"), ["مستشفي", "مستشفي"]);
        assert_eq!(stems("مُحَمَّدٌ محـــمد"), ["محمد", "محمد"]);
        assert_eq!(stems("NASA ٢٠٢٤"), ["nasa", "2024"]);
    }

    #[test]
    fn speculative_stem_of_a_lone_preposition() {
        let w = words("لحفتر بحفتر وبحفتر");
        assert!(w.iter().all(|w| w.alts == ["حفتر"]), "{w:?}");
        // Not after the article: the stem is what is left.
        let w = words("بالكتاب");
        assert_eq!(w[0].stem, "كتاب");
        assert!(w[0].alts.is_empty());
    }

    #[test]
    fn final_ha_stays_on_the_stem() {
        let w = words("وكتابه");
        assert_eq!(w[0].stem, "كتابه");
        assert_eq!(w[0].alts, ["كتاب"]);
        let w = words("كتابهم");
        assert_eq!(w[0].stem, "كتاب");
    }

    #[test]
    fn terms_keep_positions() {
        let t = index_terms("زار وزير الخارجية، القاهرة أمس.");
        assert_eq!(t.words, 5);
        assert_eq!(t.stems.split(' ').count(), 5);
        assert!(t.extra.split(' ').any(|e| e == "القاهره"));
    }

    #[test]
    fn hashtags_are_words() {
        let text = "#حفتر_ليبيا";
        let w = words(text);
        assert_eq!(w.len(), 2);
        assert_eq!(&text[w[0].start..w[0].end], "حفتر");
        assert_eq!(&text[w[1].start..w[1].end], "ليبيا");
    }
}
