//! Snippets never panic and their offsets are valid for any text and query.

use proptest::prelude::*;
use rasd_search::{index_terms, snippets, Query, Snippet};

fn check(text: &str, s: &[Snippet], max: usize) {
    assert!(s.len() <= max);
    let mut prev_end = 0;
    for sn in s {
        assert!(sn.start <= sn.end && sn.end <= text.len(), "{sn:?}");
        assert!(text.is_char_boundary(sn.start) && text.is_char_boundary(sn.end));
        assert!(sn.start >= prev_end, "snippets overlap: {s:?}");
        prev_end = sn.end;
        assert!(!sn.highlights.is_empty());
        let mut hl_end = sn.start;
        for &(a, b) in &sn.highlights {
            assert!(hl_end <= a && a < b && b <= sn.end, "{sn:?}");
            assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
            hl_end = b;
        }
    }
}

fn texty() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('\u{0621}', '\u{0652}'),
            1 => proptest::char::range('\u{064B}', '\u{0652}'),
            2 => Just(' '),
            1 => Just('\n'),
            1 => Just('ـ'),
            1 => Just('#'),
            1 => Just('_'),
            1 => Just('،'),
            1 => Just('"'),
            1 => proptest::char::any(),
        ],
        0..200,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn snippets_have_valid_offsets(
        text in texty(),
        q in texty(),
        max in 0usize..5,
        width in 0usize..120,
    ) {
        // Query words taken from the text itself make matches likely.
        let words: Vec<&str> = text.split_whitespace().take(3).collect();
        for input in [q.as_str(), &words.join(" ")] {
            if let Ok(query) = Query::parse(input) {
                let s = snippets(&text, &query, &[vec![q.clone()]], max, width);
                check(&text, &s, max);
            }
        }
    }

    #[test]
    fn every_indexed_word_is_found_by_its_own_text(text in texty()) {
        // Each word of a text, searched alone, is highlighted in the text.
        let terms = index_terms(&text);
        prop_assert_eq!(terms.stems.split(' ').filter(|s| !s.is_empty()).count(), terms.words);
        for w in text.split_whitespace().take(5) {
            if let Ok(q) = Query::parse(w) {
                if q.terms().iter().all(|t| !t.exclude) {
                    let s = snippets(&text, &q, &[], 10, 40);
                    prop_assert!(!s.is_empty(), "{:?} not found in {:?}", w, text);
                }
            }
        }
    }
}

#[test]
fn highlights_keep_the_original_spelling() {
    let text = "وأكّد المُتحدّث أنّ لِحَفْتَرَ دوراً، وقال مصدر إن وحفتر وبحفتر ذُكرا.";
    let q = Query::parse("حفتر").unwrap();
    let s = snippets(text, &q, &[], 3, 500);
    assert_eq!(s.len(), 1);
    let hl: Vec<&str> = s[0].highlights.iter().map(|&(a, b)| &text[a..b]).collect();
    assert_eq!(hl, ["لِحَفْتَرَ", "وحفتر", "وبحفتر"]);
}
