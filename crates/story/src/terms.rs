//! Terms of a text for story clustering: the stems of its words.

use rasd_text::{segment_key, tokenize, TokenKind};
use std::collections::HashMap;

/// Function words and news boilerplate, in search-folded form, that say
/// nothing about a story's subject. Frequent content words are removed by
/// the clusterer's document-frequency cut instead.
pub const STOP_WORDS: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "مع",
    "ان",
    "او",
    "ثم",
    "قد",
    "لقد",
    "كان",
    "كانت",
    "يكون",
    "تكون",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هذان",
    "هولاء",
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "ما",
    "ماذا",
    "لا",
    "لم",
    "لن",
    "ليس",
    "ليست",
    "بين",
    "بعد",
    "قبل",
    "خلال",
    "حتي",
    "عند",
    "عندما",
    "حيث",
    "كما",
    "اي",
    "اذا",
    "لو",
    "كل",
    "بعض",
    "غير",
    "مثل",
    "منذ",
    "لدي",
    "امس",
    "اليوم",
    "قال",
    "قالت",
    "اضاف",
    "اضافت",
    "اكد",
    "اكدت",
    "اشار",
    "اشارت",
    "اوضح",
    "اوضحت",
    "وفق",
    "وفقا",
    "حسب",
    "بحسب",
    "ايضا",
    "فقط",
    "هو",
    "هي",
    "هم",
    "هن",
    "نحن",
    "انه",
    "انها",
    "عليه",
    "عليها",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "له",
    "لها",
    "به",
    "بها",
    "الا",
    "اما",
    "اذ",
    "وقد",
    "الان",
    "يوم",
    "عام",
    "العام",
    "الماضي",
    "الجاري",
    "المقبل",
    "اكثر",
    "اقل",
    "جدا",
    "تم",
    "يتم",
    "اجل",
    "نحو",
    "لدى",
    "ضمن",
    "دون",
    "سوف",
    "عدد",
    "عده",
    "احد",
    "احدي",
    "جميع",
];

fn is_stop(k: &str) -> bool {
    STOP_WORDS.contains(&k)
}

/// Counts of the word stems of `text` (search-folded, clitics stripped),
/// without numbers, punctuation, stop words and stems under 3 letters;
/// sorted by term.
pub fn term_counts(text: &str) -> Vec<(String, u32)> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for t in tokenize(text) {
        if !matches!(t.kind, TokenKind::Word | TokenKind::Latin) {
            continue;
        }
        let w = &text[t.start..t.end];
        let k = if t.kind == TokenKind::Latin {
            w.to_lowercase()
        } else {
            let folded = rasd_text::fold(w, &rasd_text::Folds::SEARCH);
            if is_stop(&folded) {
                continue;
            }
            segment_key(w, &|_| false)
        };
        if k.chars().count() < 3 || is_stop(&k) {
            continue;
        }
        *counts.entry(k).or_default() += 1;
    }
    let mut v: Vec<(String, u32)> = counts.into_iter().collect();
    v.sort();
    v
}
