//! Character classes and the one-character matching fold used across rasd.

/// Arabic diacritics (tashkeel), Quranic marks and the superscript alef.
pub fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

pub const TATWEEL: char = '\u{0640}';

/// Bidi controls, zero-width characters and the byte order mark: invisible
/// characters that carry no letters.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}' | '\u{00AD}')
}

/// Whitespace including NBSP and the other Unicode spaces.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{00A0}' || c == '\u{202F}'
}

/// True for the letters of the Arabic script (base letters, not marks or digits).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{063F}' | '\u{0641}'..='\u{064A}' | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
}

/// The ASCII digit of an ASCII, Arabic-Indic or Persian digit.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// Folds one character for matching keys: `None` drops it (diacritics,
/// tatweel, invisible controls), otherwise the folded character. Alef forms
/// become bare alef, alef maqsura ya, ta marbuta ha, Persian letter forms their
/// Arabic twins, digits ASCII, Latin lower case.
pub fn fold_char(c: char) -> Option<char> {
    if is_tashkeel(c) || c == TATWEEL || is_invisible(c) {
        return None;
    }
    if let Some(d) = digit_value(c) {
        return char::from_digit(d, 10);
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
        'ى' | 'ی' | 'ې' => 'ي',
        'ة' | 'ە' => 'ه',
        'ک' => 'ك',
        'ؤ' => 'و',
        'ئ' => 'ي',
        '\u{00A0}' | '\u{202F}' => ' ',
        c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
        c => c,
    })
}

/// A matching key: every character folded by [`fold_char`], whitespace runs
/// collapsed to one space, trimmed.
pub fn fold_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().filter_map(fold_char) {
        if is_space(c) {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// Number of whitespace-separated words in `s`.
pub fn word_count(s: &str) -> usize {
    s.split(is_space).filter(|w| !w.is_empty()).count()
}

/// Trims whitespace, NBSP and invisible controls from both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| is_space(c) || is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fold_key_unifies_spellings_of_read_also() {
        let k = fold_key("اقرأ أيضاً");
        for v in [
            "إقرأ أيضاً",
            "اقرا ايضا",
            "اقرأ  أيضًا",
            "\u{200F}اقرأ\u{00A0}أيضـاً",
        ] {
            assert_eq!(fold_key(v), k, "{v}");
        }
        assert_eq!(k, "اقرا ايضا");
    }

    #[test]
    fn folds_digits_letters_and_case() {
        assert_eq!(fold_key("٢٢/٨/٢٠٢٣"), "22/8/2023");
        assert_eq!(fold_key("۱۴۰۲"), "1402");
        assert_eq!(fold_key("مدرسة كبرى"), "مدرسه كبري");
        assert_eq!(fold_key("Tags"), "tags");
        assert_eq!(fold_key("مُحَمَّد"), "محمد");
    }

    #[test]
    fn classes() {
        assert!(is_arabic_letter('ب') && !is_arabic_letter('1') && !is_arabic_letter('\u{064E}'));
        assert!(is_tashkeel('\u{0651}') && !is_tashkeel('ا'));
        assert!(is_invisible('\u{200F}') && is_invisible('\u{FEFF}') && !is_invisible(' '));
        assert_eq!(trim("\u{FEFF} نص \u{00A0}"), "نص");
        assert_eq!(word_count(" وفد  عسكري\u{00A0}روسي "), 3);
    }

    proptest! {
        #[test]
        fn fold_key_is_idempotent(s in "\\PC{0,60}") {
            let k = fold_key(&s);
            prop_assert_eq!(fold_key(&k), k.clone());
            prop_assert!(!k.starts_with(' ') && !k.ends_with(' '));
        }
    }
}
