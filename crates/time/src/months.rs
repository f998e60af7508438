//! Month names: Gregorian in its Egyptian/Gulf spellings, the Levantine
//! (Syriac) names, the Maghrebi (French-derived) names, and English.

use rasd_text::fold_key;

/// Which naming system a month word belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthSystem {
    Gregorian,
    Levantine,
    Maghrebi,
    English,
}

// Spellings as written; they are folded (hamza, ta marbuta, alef maqsura) when
// looked up, so one entry covers أبريل/ابريل/إبريل.
const TABLE: &[(&str, u8, MonthSystem)] = &[
    ("يناير", 1, MonthSystem::Gregorian),
    ("فبراير", 2, MonthSystem::Gregorian),
    ("مارس", 3, MonthSystem::Gregorian),
    ("أبريل", 4, MonthSystem::Gregorian),
    ("ابريل", 4, MonthSystem::Gregorian),
    ("إبريل", 4, MonthSystem::Gregorian),
    ("مايو", 5, MonthSystem::Gregorian),
    ("يونيو", 6, MonthSystem::Gregorian),
    ("يونية", 6, MonthSystem::Gregorian),
    ("يوليو", 7, MonthSystem::Gregorian),
    ("يوليه", 7, MonthSystem::Gregorian),
    ("يولية", 7, MonthSystem::Gregorian),
    ("أغسطس", 8, MonthSystem::Gregorian),
    ("اغسطس", 8, MonthSystem::Gregorian),
    ("أغسطسس", 8, MonthSystem::Gregorian),
    ("سبتمبر", 9, MonthSystem::Gregorian),
    ("أكتوبر", 10, MonthSystem::Gregorian),
    ("اكتوبر", 10, MonthSystem::Gregorian),
    ("نوفمبر", 11, MonthSystem::Gregorian),
    ("ديسمبر", 12, MonthSystem::Gregorian),
    ("كانون الثاني", 1, MonthSystem::Levantine),
    ("شباط", 2, MonthSystem::Levantine),
    ("آذار", 3, MonthSystem::Levantine),
    ("اذار", 3, MonthSystem::Levantine),
    ("نيسان", 4, MonthSystem::Levantine),
    ("أيار", 5, MonthSystem::Levantine),
    ("حزيران", 6, MonthSystem::Levantine),
    ("تموز", 7, MonthSystem::Levantine),
    ("آب", 8, MonthSystem::Levantine),
    ("أيلول", 9, MonthSystem::Levantine),
    ("تشرين الأول", 10, MonthSystem::Levantine),
    ("تشرين الثاني", 11, MonthSystem::Levantine),
    ("كانون الأول", 12, MonthSystem::Levantine),
    ("جانفي", 1, MonthSystem::Maghrebi),
    ("فيفري", 2, MonthSystem::Maghrebi),
    ("أفريل", 4, MonthSystem::Maghrebi),
    ("ماي", 5, MonthSystem::Maghrebi),
    ("جوان", 6, MonthSystem::Maghrebi),
    ("جويلية", 7, MonthSystem::Maghrebi),
    ("جويليه", 7, MonthSystem::Maghrebi),
    ("أوت", 8, MonthSystem::Maghrebi),
    ("january", 1, MonthSystem::English),
    ("february", 2, MonthSystem::English),
    ("march", 3, MonthSystem::English),
    ("april", 4, MonthSystem::English),
    ("may", 5, MonthSystem::English),
    ("june", 6, MonthSystem::English),
    ("july", 7, MonthSystem::English),
    ("august", 8, MonthSystem::English),
    ("september", 9, MonthSystem::English),
    ("october", 10, MonthSystem::English),
    ("november", 11, MonthSystem::English),
    ("december", 12, MonthSystem::English),
    ("jan", 1, MonthSystem::English),
    ("feb", 2, MonthSystem::English),
    ("mar", 3, MonthSystem::English),
    ("apr", 4, MonthSystem::English),
    ("jun", 6, MonthSystem::English),
    ("jul", 7, MonthSystem::English),
    ("aug", 8, MonthSystem::English),
    ("sep", 9, MonthSystem::English),
    ("sept", 9, MonthSystem::English),
    ("oct", 10, MonthSystem::English),
    ("nov", 11, MonthSystem::English),
    ("dec", 12, MonthSystem::English),
];

/// The table keyed by folded spelling, built once.
fn folded_table() -> &'static std::collections::HashMap<String, (u8, MonthSystem)> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<String, (u8, MonthSystem)>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        TABLE
            .iter()
            .map(|&(w, m, s)| (fold_key(w), (m, s)))
            .collect()
    })
}

/// Month number and system of a (possibly two-word) month name, matched on its
/// folded key. Two-word Levantine names are given as one string with a space.
pub fn month_from_word(word: &str) -> Option<(u8, MonthSystem)> {
    // Tokens arrive folded already; folding again is then a no-op copy that
    // the fast path below avoids.
    let table = folded_table();
    let key = word.trim_end_matches('.');
    if let Some(&v) = table.get(key) {
        return Some(v);
    }
    let folded = fold_key(word);
    table.get(folded.trim_end_matches('.')).copied()
}

/// True if `word` is the first word of a two-word Levantine month name.
/// `word` is folded (tokens are).
pub(crate) fn is_two_word_month_head(word: &str) -> bool {
    matches!(word, "كانون" | "تشرين")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_systems_and_spellings() {
        let cases = [
            ("يونيو", 6, MonthSystem::Gregorian),
            ("إبريل", 4, MonthSystem::Gregorian),
            ("أبريل", 4, MonthSystem::Gregorian),
            ("يوليه", 7, MonthSystem::Gregorian),
            ("اغسطس", 8, MonthSystem::Gregorian),
            ("أيلول", 9, MonthSystem::Levantine),
            ("تشرين الثاني", 11, MonthSystem::Levantine),
            ("كانون الأول", 12, MonthSystem::Levantine),
            ("آب", 8, MonthSystem::Levantine),
            ("جويلية", 7, MonthSystem::Maghrebi),
            ("أوت", 8, MonthSystem::Maghrebi),
            ("August", 8, MonthSystem::English),
            ("Sept.", 9, MonthSystem::English),
        ];
        for (w, m, s) in cases {
            assert_eq!(month_from_word(w), Some((m, s)), "{w}");
        }
        assert_eq!(month_from_word("مدينة"), None);
        assert!(is_two_word_month_head("كانون") && !is_two_word_month_head("شباط"));
    }
}
