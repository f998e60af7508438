//! English forms of names (`name_en`), from a token table compiled from
//! `../shared/names` by `data/make_names_en.py` (see `data/names_en.tsv`).
//!
//! A name gets an English form only when every one of its words is known:
//! a half-transliterated name would look authoritative and be wrong.
//! Compound given names are tried glued first (`عبد الله` → `عبدالله`,
//! `نور الدين` → `نورالدين`).

use rasd_text::{fold, Folds};
use std::collections::HashMap;
use std::sync::OnceLock;

static TABLE: &str = include_str!("../data/names_en.tsv");

/// Name particles, written the way English texts usually write them.
const PARTICLES: &[(&str, &str)] = &[
    ("بن", "bin"),
    ("ابن", "ibn"),
    ("بنت", "bint"),
    ("ابو", "Abu"),
    ("ال", "Al"),
    ("عبد", "Abd"),
];

fn key(word: &str) -> String {
    fold(word, &Folds::SEARCH)
}

fn table() -> &'static HashMap<String, &'static str> {
    static T: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            if let Some((ar, en)) = line.split_once('\t') {
                // The first spelling of a folded key wins: the file is sorted,
                // so this is deterministic.
                m.entry(key(ar)).or_insert(en);
            }
        }
        for (ar, en) in PARTICLES {
            m.insert(key(ar), en);
        }
        m
    })
}

/// Whether a word (with or without the article) is a known name token.
pub fn is_name_word(word: &str) -> bool {
    let k = key(word);
    let t = table();
    t.contains_key(&k) || k.strip_prefix("ال").is_some_and(|r| t.contains_key(r))
}

/// The English form of one name word (with or without the article).
fn word_en(word: &str) -> Option<&'static str> {
    let k = key(word);
    let t = table();
    t.get(&k)
        .or_else(|| k.strip_prefix("ال").and_then(|r| t.get(r)))
        .copied()
}

/// Whether two names of as many words are known to be different names:
/// some pair of words in the same position are both known name tokens with
/// different English forms (`سلمان` Salman and `سليمان` Suleiman, which the
/// transliteration-tolerant name key cannot tell apart).
pub fn distinct_names(a: &str, b: &str) -> bool {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    wa.len() == wb.len()
        && wa
            .iter()
            .zip(&wb)
            .any(|(x, y)| match (word_en(x), word_en(y)) {
                (Some(ex), Some(ey)) => !ex.eq_ignore_ascii_case(ey),
                _ => false,
            })
}

/// Whether a shorter name is known to differ from the words it would stand
/// for in a longer one (its first words, or its last with `suffix`): see
/// [`distinct_names`].
pub fn distinct_parts(short: &str, long: &str, suffix: bool) -> bool {
    let ws: Vec<&str> = short.split_whitespace().collect();
    let wl: Vec<&str> = long.split_whitespace().collect();
    if ws.len() > wl.len() {
        return false;
    }
    let part = if suffix {
        &wl[wl.len() - ws.len()..]
    } else {
        &wl[..ws.len()]
    };
    distinct_names(&ws.join(" "), &part.join(" "))
}

fn capitalize(word: &str) -> String {
    if matches!(word, "bin" | "ibn" | "bint") {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len());
    let mut up = true;
    for c in word.chars() {
        if up {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        up = c == '-' || c == '\'';
    }
    out
}

/// The English form of an Arabic name, when every word of it is known.
pub fn name_en(name: &str) -> Option<String> {
    let t = table();
    let words: Vec<String> = name.split_whitespace().map(key).collect();
    if words.is_empty() {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // Compounds: `عبد الله`, `ابو بكر`, `نور الدين`.
        let compound = i + 1 < words.len()
            && (matches!(words[i].as_str(), "عبد" | "ابو") || words[i + 1].starts_with("ال"));
        if compound {
            if let Some(en) = t.get(&format!("{}{}", words[i], words[i + 1])) {
                out.push(capitalize(en));
                i += 2;
                continue;
            }
        }
        let w = &words[i];
        let en = match t.get(w) {
            Some(en) => capitalize(en),
            // `الأسد`: the article is written `al-` before a known name.
            None => match w.strip_prefix("ال").and_then(|rest| t.get(rest)) {
                Some(en) if rest_len(w) >= 2 => format!("al-{}", capitalize(en)),
                _ => return None,
            },
        };
        out.push(en);
        i += 1;
    }
    Some(out.join(" "))
}

fn rest_len(w: &str) -> usize {
    w.chars().count().saturating_sub(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_get_english_forms() {
        assert_eq!(name_en("خليفة حفتر").as_deref(), Some("Khalifa Haftar"));
        assert_eq!(name_en("صدام حفتر").as_deref(), Some("Saddam Haftar"));
        // Hamza seats do not matter.
        let idris = name_en("إدريس").unwrap();
        assert_eq!(name_en("ادريس").as_deref(), Some(idris.as_str()));
    }

    #[test]
    fn compounds_and_particles() {
        let abdallah = name_en("عبد الله").unwrap();
        assert!(!abdallah.contains(' '), "{abdallah}");
        let n = name_en("محمد بن سلمان").unwrap();
        assert!(n.contains(" bin "), "{n}");
    }

    #[test]
    fn known_different_names_are_distinct() {
        assert!(distinct_names("سلمان", "سليمان"));
        assert!(distinct_names("الملك سلمان", "الملك سليمان"));
        assert!(!distinct_names("سلمان", "سلمان"));
        assert!(!distinct_names("سلمان", "سلمان بن عبدالعزيز"));
        // unknown words say nothing
        assert!(!distinct_names("يفكيروف", "يفكوروف"));
        assert!(distinct_parts("محمد حسين", "محمد حسنين هيكل", false));
        assert!(!distinct_parts("محمد حسنين", "محمد حسنين هيكل", false));
        assert!(distinct_parts("حسن", "محمد حسين", true));
    }

    #[test]
    fn unknown_words_give_no_english_form() {
        assert_eq!(name_en("خليفة زقزقطوف"), None);
        assert_eq!(name_en(""), None);
        assert_eq!(name_en("   "), None);
    }

    #[test]
    fn capitalization() {
        assert_eq!(capitalize("al-assad"), "Al-Assad");
        assert_eq!(capitalize("o'neil"), "O'Neil");
    }
}
