//! Property tests of the text core on Arabic-heavy random Unicode.

use proptest::prelude::*;
use proptest::sample::select;
use rasd_text::token::TokenKind;
use rasd_text::{
    fold, is_invisible, is_space, normalize, segment, sentences, tokenize, Folds, Normalized,
};

fn arabic_char() -> impl Strategy<Value = char> {
    prop_oneof![
        30 => proptest::char::range('\u{0621}', '\u{064A}'),
        8 => proptest::char::range('\u{064B}', '\u{0652}'),
        2 => Just('\u{0640}'),
        4 => select(vec!['أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ', 'ى', 'ة', 'ؤ', 'ئ', '\u{0670}', '\u{0654}']),
        3 => proptest::char::range('\u{FE70}', '\u{FEFC}'),
        1 => proptest::char::range('\u{FB50}', '\u{FDFF}'),
        3 => select(vec!['ک', 'ی', 'ە', 'ۀ', 'ګ', 'ڪ', 'ې', 'ے', 'ۃ', 'ھ', 'پ', 'چ', 'گ', 'ڤ', 'ٶ']),
        5 => select(('0'..='9').chain('٠'..='٩').chain('۰'..='۹').collect::<Vec<_>>()),
        4 => select(vec![
            '\u{200C}', '\u{200D}', '\u{200F}', '\u{200E}', '\u{00A0}', '\u{FEFF}', '\u{061C}',
            '\u{00AD}', '\u{202F}', '\u{2066}', '\u{202B}', '\u{200B}', '\t', '\r', '\u{2029}',
        ]),
        10 => select(vec![
            '،', '؛', '؟', '.', '!', '?', '«', '»', '"', '“', '”', '\n', '\n', ' ', ' ', ' ', ' ',
            ':', '-', '•', '…', '%', '٪', '٫', '٬', ',', '#', '@', '/', '(', ')', '_',
        ]),
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => select(vec!['😀', '👍', '\u{1F3FD}', '\u{FE0F}', '🇱', '🇾', '❤', '\u{0301}', 'İ', 'ẞ']),
        3 => any::<char>(),
    ]
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => arabic_char().prop_map(String::from),
        1 => select(vec![
            "https://", "http://x.y/", "www.", "www.a.b", "a@b.cd", "x.y@", "@user", "#وسم",
            "د.", "ق.م", "3.5", "١٫٥", "1,200", "\n\n", "\n- ", "\n1. ", "«سنعود.» ", "U.S.",
            "...", "هـ.", "2023م. ", "ﻻ", "ﷲ", "ﷺ", "للبيت", "وبالقاهرة",
        ])
        .prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(arabic_char(), 0..120).prop_map(|v| v.into_iter().collect()),
        proptest::collection::vec(fragment(), 0..60).prop_map(|v| v.concat()),
        "\\PC{0,80}",
    ]
}

fn folds() -> impl Strategy<Value = Folds> {
    prop_oneof![
        Just(Folds::SEARCH),
        Just(Folds::MODEL),
        Just(Folds::MINIMAL),
        Just(Folds::NONE),
        any::<u16>().prop_map(|b| Folds {
            diacritics: b & 1 != 0,
            tatweel: b & 2 != 0,
            alef: b & 4 != 0,
            alef_maqsura: b & 8 != 0,
            ta_marbuta: b & 16 != 0,
            hamza_seats: b & 32 != 0,
            persian: b & 64 != 0,
            digits: b & 128 != 0,
            controls: b & 256 != 0,
            spaces: b & 512 != 0,
            presentation_forms: b & 1024 != 0,
            latin_lower: b & 2048 != 0,
        }),
    ]
}

/// Reference model: every original character folded alone. Returns, for each
/// normalized char boundary, the original char that produced it, and for
/// each original char its normalized start (or the next survivor's).
struct Model {
    /// (normalized offset, original start, original end, first of its expansion)
    norm_chars: Vec<(usize, usize, usize, bool)>,
    /// (original start, normalized start, survives)
    orig_chars: Vec<(usize, usize, bool)>,
    text: String,
}

fn model(s: &str, f: &Folds) -> Model {
    let mut text = String::new();
    let mut norm_chars = Vec::new();
    let mut orig_chars = Vec::new();
    for (o, c) in s.char_indices() {
        let piece = fold(c.encode_utf8(&mut [0; 4]), f);
        orig_chars.push((o, text.len(), !piece.is_empty()));
        for (k, (i, _)) in piece.char_indices().enumerate() {
            norm_chars.push((text.len() + i, o, o + c.len_utf8(), k == 0));
        }
        text.push_str(&piece);
    }
    Model {
        norm_chars,
        orig_chars,
        text,
    }
}

fn check_alignment(s: &str, f: &Folds, n: &Normalized) -> Result<(), TestCaseError> {
    let m = model(s, f);
    prop_assert_eq!(&n.text, &m.text);
    prop_assert_eq!(n.original_len(), s.len());
    // normalized -> original
    for &(ni, os, oe, first) in &m.norm_chars {
        prop_assert_eq!(n.to_original(ni), os, "to_original({})", ni);
        let clen = n.text[ni..].chars().next().unwrap().len_utf8();
        prop_assert_eq!(n.span_to_original(ni, ni + clen), (os, oe));
        if first {
            prop_assert_eq!(n.to_normalized(n.to_original(ni)), ni);
            prop_assert!(n.is_aligned(ni));
        } else {
            prop_assert!(!n.is_aligned(ni));
        }
    }
    prop_assert_eq!(n.to_original(n.text.len()), s.len());
    prop_assert_eq!(n.to_normalized(s.len()), n.text.len());
    // original -> normalized, and the stability property.
    for (k, &(o, ns, survives)) in m.orig_chars.iter().enumerate() {
        prop_assert_eq!(n.to_normalized(o), ns, "to_normalized({})", o);
        let first_survivor = m.orig_chars[k..]
            .iter()
            .find(|x| x.2)
            .map_or(s.len(), |x| x.0);
        prop_assert_eq!(n.to_original(n.to_normalized(o)), first_survivor);
        if survives {
            prop_assert_eq!(first_survivor, o);
        }
    }
    // Ranges between aligned boundaries map to char-boundary spans that
    // cover exactly the producing characters.
    let aligned: Vec<usize> = m
        .norm_chars
        .iter()
        .filter(|x| x.3)
        .map(|x| x.0)
        .chain([n.text.len()])
        .collect();
    for (i, &a) in aligned.iter().enumerate().step_by(3) {
        for &b in aligned[i..].iter().step_by(5) {
            let (os, oe) = n.span_to_original(a, b);
            prop_assert!(os <= oe && s.is_char_boundary(os) && s.is_char_boundary(oe));
            if a < b {
                let first = m.norm_chars.iter().find(|x| x.0 == a).unwrap();
                let last = m.norm_chars.iter().rev().find(|x| x.0 < b).unwrap();
                prop_assert_eq!((os, oe), (first.1, last.2));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalize_alignment_is_exact(s in text(), f in folds()) {
        let n = normalize(&s, &f);
        check_alignment(&s, &f, &n)?;
    }

    #[test]
    fn normalize_never_panics_on_any_str(s in "\\PC*|.*", random in folds()) {
        for f in [Folds::SEARCH, Folds::MODEL, Folds::MINIMAL, Folds::NONE, random] {
            let n = normalize(&s, &f);
            prop_assert_eq!(fold(&s, &f), n.text.clone());
            for o in 0..=s.len() + 2 {
                prop_assert!(n.to_normalized(o) <= n.text.len());
            }
            for i in 0..=n.text.len() + 2 {
                prop_assert!(n.to_original(i) <= s.len());
                let (a, b) = n.span_to_original(i.saturating_sub(3), i);
                prop_assert!(a <= b && b <= s.len());
            }
        }
    }

    #[test]
    fn presets_are_idempotent(s in text()) {
        for f in [Folds::SEARCH, Folds::MODEL, Folds::MINIMAL] {
            let once = fold(&s, &f);
            prop_assert_eq!(fold(&once, &f), once.clone());
        }
    }

    #[test]
    fn tokens_are_ordered_and_cover_visible_chars(s in text()) {
        let toks = tokenize(&s);
        let mut prev = 0;
        for t in &toks {
            prop_assert!(t.start >= prev && t.end > t.start, "{:?}", t);
            prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            prev = t.end;
            let txt = t.text(&s);
            if t.kind == TokenKind::Word {
                // (U+066E/F, the dotless beh and qaf, are letters too)
                prop_assert!(
                    txt.chars().any(|c| rasd_text::is_arabic_letter(c) || matches!(c, 'ٮ' | 'ٯ')),
                    "{:?}",
                    txt
                );
            }
            if t.kind == TokenKind::Number {
                prop_assert!(txt.chars().next().is_some_and(|c| rasd_text::digit_value(c).is_some()));
            }
        }
        // Every character that is not whitespace or an invisible control is
        // inside a token.
        let mut k = 0;
        for (o, c) in s.char_indices() {
            while k < toks.len() && toks[k].end <= o {
                k += 1;
            }
            let inside = k < toks.len() && toks[k].start <= o;
            if !(is_space(c) || is_invisible(c) || c.is_control()) {
                prop_assert!(inside, "char {:?} at {} outside every token", c, o);
            }
        }
    }

    #[test]
    fn sentences_partition_visible_chars(s in text()) {
        let spans = sentences(&s);
        let mut prev = 0;
        for &(a, b) in &spans {
            prop_assert!(a >= prev && b > a, "{:?}", (a, b));
            prop_assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
            let t = &s[a..b];
            let blank = |c: char| is_space(c) || is_invisible(c);
            prop_assert!(!t.starts_with(blank) && !t.ends_with(blank), "untrimmed {:?}", t);
            prev = b;
        }
        let mut k = 0;
        for (o, c) in s.char_indices() {
            while k < spans.len() && spans[k].1 <= o {
                k += 1;
            }
            let inside = k < spans.len() && spans[k].0 <= o;
            if !(is_space(c) || is_invisible(c)) {
                prop_assert!(inside, "char {:?} at {} outside every sentence", c, o);
            }
        }
    }

    #[test]
    fn segmentation_partitions_the_word(s in text(), seed in any::<u8>()) {
        for t in tokenize(&s) {
            if t.kind != TokenKind::Word {
                continue;
            }
            let w = t.text(&s);
            let protect = |x: &str| (x.len() as u8).wrapping_add(seed) % 5 == 0;
            let seg = segment(w, &protect);
            let mut at = 0;
            for c in seg.proclitics() {
                prop_assert!(c.start == at && c.end > c.start, "{:?} in {:?}", seg, w);
                at = c.end;
            }
            prop_assert_eq!(seg.stem.0, at);
            prop_assert!(seg.stem.1 > seg.stem.0);
            match seg.enclitic {
                Some(e) => prop_assert!(e.start == seg.stem.1 && e.end == w.len()),
                None => prop_assert_eq!(seg.stem.1, w.len()),
            }
            let stem_letters = seg.stem_text(w).chars().filter(|&c| rasd_text::is_arabic_letter(c)).count();
            if seg.is_split() {
                prop_assert!(stem_letters >= 2, "{:?} -> {:?}", w, seg.stem_text(w));
            }
            let _ = seg.stem_key(w);
        }
    }
}
