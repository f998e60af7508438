//! Transliteration-tolerant match keys for names written in Arabic script.
//!
//! Foreign names vary in Arabic: vowel letters and hamza seats come and go
//! (يفكيروف ~ يفكوروف), an initial letter is dropped (فكيروف), G is written غ,
//! ج or ق (فاغنر ~ فاجنر), and emphatic and plain consonants swap in
//! transliterations (ت/ط, س/ص, ز/ذ, د/ض, ك/ق). The key of a word is its
//! consonant skeleton over merged letter classes; the first letter is kept
//! even when it is a vowel letter, so that Arabic names (علي, عمر) keep enough
//! substance.

use rasd_text::{fold, Folds};

/// Folds a letter into its class, `None` for vowel letters and hamza forms
/// (dropped inside a word).
fn class(c: char) -> Option<char> {
    Some(match c {
        'ا' | 'و' | 'ي' | 'ء' | 'ى' | 'ئ' | 'ؤ' | 'أ' | 'إ' | 'آ' => return None,
        'غ' | 'ج' | 'ق' | 'ك' | 'گ' => 'ك',
        'ت' | 'ط' | 'ة' => 'ت',
        'س' | 'ص' | 'ث' => 'س',
        'ز' | 'ذ' | 'ظ' => 'ز',
        'د' | 'ض' => 'د',
        'ه' | 'ح' => 'ه',
        'ف' | 'ڤ' | 'پ' | 'ب' => 'ف',
        c => c,
    })
}

/// The skeleton key of one word. Leading `ال` goes; letters are folded into
/// classes; vowel letters are dropped except in first position; doubled
/// classes collapse.
pub fn word_key(word: &str) -> String {
    let w = fold(word, &Folds::SEARCH);
    let w = w
        .strip_prefix("ال")
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(&w);
    let mut out = String::new();
    let mut last: Option<char> = None;
    for (i, c) in w.chars().filter(|c| c.is_alphabetic()).enumerate() {
        let k = match class(c) {
            Some(k) => k,
            None if i == 0 => 'ا',
            None => continue,
        };
        if last != Some(k) {
            out.push(k);
        }
        last = Some(k);
    }
    out
}

/// The key of a multi-word name: word keys joined by spaces.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .map(word_key)
        .filter(|k| !k.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// True if two word keys name the same word in different spellings: equal,
/// or equal after dropping the first letter of the longer one (فكيروف for
/// يفكيروف), when enough letters remain.
pub fn word_keys_match(a: &str, b: &str) -> bool {
    if a == b {
        return !a.is_empty();
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (long, short) = if la > lb { (a, b) } else { (b, a) };
    if long.chars().count() != short.chars().count() + 1 || short.chars().count() < 3 {
        return false;
    }
    let mut it = long.chars();
    it.next();
    it.as_str() == short
}

/// True if two multi-word name keys match word by word.
pub fn name_keys_match(a: &str, b: &str) -> bool {
    let wa: Vec<&str> = a.split(' ').collect();
    let wb: Vec<&str> = b.split(' ').collect();
    wa.len() == wb.len() && wa.iter().zip(&wb).all(|(x, y)| word_keys_match(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_variants_share_a_key() {
        assert_eq!(word_key("يفكيروف"), word_key("يفكوروف"));
        assert!(
            word_keys_match(&word_key("يفكيروف"), &word_key("فكيروف")),
            "dropped initial letter"
        );
        assert_eq!(word_key("فاغنر"), word_key("فاجنر"));
        assert_eq!(word_key("بريغوجين"), word_key("بريجوجين"));
        assert_eq!(word_key("طرامب"), word_key("ترامب"));
        assert_eq!(word_key("الدبيبة"), word_key("دبيبه"));
        assert_eq!(name_key("ستيفاني خوري"), name_key("ستيفانى خورى"));
    }

    #[test]
    fn different_names_do_not() {
        assert_ne!(word_key("خليفة"), word_key("خالد"));
        assert_ne!(word_key("صدام"), word_key("خالد"));
        assert!(
            !word_keys_match(&word_key("علي"), &word_key("لي")),
            "too short to drop a letter"
        );
        assert!(!name_keys_match(
            &name_key("خليفة حفتر"),
            &name_key("خالد حفتر")
        ));
        assert!(name_keys_match(
            &name_key("يونس بك يفكيروف"),
            &name_key("يونس بك يفكوروف")
        ));
    }
}
