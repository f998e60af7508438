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
    // Clitics glued before the article (`والأمم`, `للأمم`, `بالجيش`), then
    // the article itself.
    let w = ["وال", "فال", "بال", "كال", "لل"]
        .iter()
        .find_map(|p| w.strip_prefix(p).filter(|r| r.chars().count() >= 3))
        .unwrap_or(&w);
    let w = w
        .strip_prefix("ال")
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(w);
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
    // `عبد الله` and `عبدالله` are one word of a name.
    let mut words: Vec<String> = Vec::new();
    let mut glue = false;
    for w in name.split_whitespace() {
        if glue {
            if let Some(last) = words.last_mut() {
                last.push_str(w);
            }
            glue = false;
            continue;
        }
        glue = matches!(fold(w, &Folds::SEARCH).as_str(), "عبد" | "ابو");
        words.push(w.to_string());
    }
    words
        .iter()
        .map(|w| word_key(w))
        .filter(|k| !k.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// True if `short` and `long` (keys, `long` with more words) can be two forms
/// of one person's name in a patronymic naming system: `short` is the start
/// of `long` (or, with `suffix`, its end), and
/// * a suffix does not follow `بن`/`ابن`/`بنت` (`سلمان بن عبدالعزيز` in
///   `محمد بن سلمان بن عبدالعزيز` is the father);
/// * a prefix holding `بن` is extended only by a family name with `آل`
///   (`سلمان بن عبدالعزيز آل سعود`) or a grandfather (`محمد بن سلمان بن
///   عبدالعزيز`), not by another word
///   (`عبدالله بن عبدالعزيز الربيعة` is not `عبدالله بن عبدالعزيز`).
pub fn same_person_forms(short: &str, long: &str, suffix: bool) -> bool {
    if !key_is_part_of(short, long, suffix) {
        return false;
    }
    let ws: Vec<&str> = short.split(' ').collect();
    let wl: Vec<&str> = long.split(' ').collect();
    let kin = |w: &str| matches!(w, "فن" | "افن" | "فنت");
    // A "name" that begins with `بن` (or a word with its skeleton, `بأن`) is
    // a fragment, never a short form of a name.
    if kin(ws[0]) {
        return false;
    }
    if suffix {
        !kin(wl[wl.len() - ws.len() - 1])
    } else {
        // Extended by a family name with آل, or by a grandfather (`بن Z`).
        !ws.iter().any(|w| kin(w)) || wl[ws.len()] == "ال" || kin(wl[ws.len()])
    }
}

/// True if the words of key `short` match the first (or, with `suffix`, the
/// last) words of key `long`, which has more words.
pub fn key_is_part_of(short: &str, long: &str, suffix: bool) -> bool {
    let ws: Vec<&str> = short.split(' ').collect();
    let wl: Vec<&str> = long.split(' ').collect();
    if ws.len() < 2 || wl.len() <= ws.len() {
        return false;
    }
    let tail = &wl[if suffix { wl.len() - ws.len() } else { 0 }..];
    ws.iter().zip(tail).all(|(a, b)| word_keys_match(a, b))
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
    // the dropped letter is a word-initial vowel letter (`يفكيروف` ~
    // `فكيروف`), never a consonant (`مسلمين` is not `سلمان`)
    let mut it = long.chars();
    it.next() == Some('ا') && it.as_str() == short
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
        assert_eq!(name_key("للأمم المتحدة"), name_key("الأمم المتحدة"));
        assert_eq!(name_key("والجيش"), name_key("الجيش"));
        assert_eq!(name_key("علي عبد الله صالح"), name_key("علي عبدالله صالح"));
        assert!(key_is_part_of(
            &name_key("سلمان بن عبدالعزيز"),
            &name_key("سلمان بن عبدالعزيز آل سعود"),
            false
        ));
        assert!(key_is_part_of(
            &name_key("عبدالله صالح"),
            &name_key("علي عبد الله صالح"),
            true
        ));
        assert!(!key_is_part_of(
            &name_key("خالد حفتر"),
            &name_key("خليفة حفتر"),
            true
        ));
        assert!(same_person_forms(
            &name_key("سلمان بن عبدالعزيز"),
            &name_key("سلمان بن عبدالعزيز آل سعود"),
            false
        ));
        assert!(!same_person_forms(
            &name_key("عبدالله بن عبدالعزيز"),
            &name_key("عبدالله بن عبدالعزيز الربيعة"),
            false
        ));
        assert!(!same_person_forms(
            &name_key("سلمان بن عبدالعزيز"),
            &name_key("محمد بن سلمان بن عبدالعزيز"),
            true
        ));
        assert!(same_person_forms(
            &name_key("محمد بن سلمان"),
            &name_key("محمد بن سلمان بن عبدالعزيز"),
            false
        ));
        assert!(same_person_forms(
            &name_key("عبدالله صالح"),
            &name_key("علي عبدالله صالح"),
            true
        ));
        assert!(
            !same_person_forms(
                &name_key("بأن عبد العزيز"),
                &name_key("أحمد بن عبدالعزيز"),
                true
            ),
            "a fragment"
        );
        assert!(
            !same_person_forms(
                &name_key("باراك أوباما"),
                &name_key("باراك حسين أوباما"),
                false
            ),
            "a middle name is not a prefix"
        );
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
