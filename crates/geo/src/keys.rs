//! Matching keys: the normalization shared by the compiler and the lookups,
//! the forms tried for a mention with clitics, and the transliteration-tolerant
//! skeleton of the fuzzy tier.

use rasd_text::{fold_into, Folds};

/// The matching key of a name or mention: [`rasd_text::fold`] with
/// [`Folds::SEARCH`] (diacritics and tatweel removed, `أ إ آ` → `ا`, `ى` → `ي`,
/// `ة` → `ه`, `ؤ ئ` → `و ي`, Persian letter forms, digits, lower case), then
/// punctuation (`- ( ) ، …`) and runs of spaces become one space, trimmed.
pub fn key(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    fold_into(s, &Folds::SEARCH, &mut folded);
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.chars() {
        if is_separator(c) {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || c.is_ascii_punctuation()
        || ('\u{2000}'..='\u{206F}').contains(&c)
        || matches!(
            c,
            '،' | '؛' | '؟' | '«' | '»' | '۔' | '٭' | '\u{00A0}' | '\u{FEFF}' | '·' | '¡' | '¿'
        )
}

fn char_count(s: &str) -> usize {
    s.chars().count()
}

/// `word` without a leading article `ال` when at least 3 letters remain.
pub fn strip_article(word: &str) -> Option<&str> {
    let rest = word.strip_prefix("ال")?;
    (char_count(rest) >= 3).then_some(rest)
}

/// First word of a key and the rest (with its leading space), if any.
fn split_first(key: &str) -> (&str, &str) {
    match key.find(' ') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    }
}

/// Words that describe a place before its name in a mention or a variant
/// (folded keys), with the kind of place they announce.
pub const DESCRIPTORS: &[(&str, Descriptor)] = &[
    ("مدينه", Descriptor::City),
    ("بلده", Descriptor::City),
    ("قريه", Descriptor::City),
    ("العاصمه", Descriptor::City),
    ("عاصمه", Descriptor::City),
    ("محافظه", Descriptor::Admin1),
    ("ولايه", Descriptor::Admin1),
    ("اقليم", Descriptor::Admin1),
    ("منطقه", Descriptor::Admin1),
    ("شعبيه", Descriptor::Admin1),
    ("مقاطعه", Descriptor::Admin1),
    ("جهه", Descriptor::Admin1),
    ("مديريه", Descriptor::Admin1),
    ("اماره", Descriptor::Admin1),
    ("دوله", Descriptor::Country),
    ("جمهوريه", Descriptor::Country),
    ("مملكه", Descriptor::Country),
    ("سلطنه", Descriptor::Country),
];

/// The kind of place a descriptor word announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Descriptor {
    City,
    Admin1,
    Country,
}

/// Prepositions written as separate words before a place (folded keys).
const PREPOSITIONS: &[&str] = &[
    "في", "من", "الي", "علي", "عن", "نحو", "قرب", "داخل", "حتي", "مع", "لدي", "عند", "بين",
];

/// The descriptor that starts `key` (followed by at least one more word).
pub fn descriptor(key: &str) -> Option<(Descriptor, &str)> {
    let (first, rest) = split_first(key);
    if rest.is_empty() {
        return None;
    }
    // A descriptor may carry its own clitic: بمدينة، ومحافظة.
    let bare = [
        first,
        first.strip_prefix('و').unwrap_or(""),
        first.strip_prefix('ب').unwrap_or(""),
    ];
    for b in bare {
        if let Some(&(_, d)) = DESCRIPTORS.iter().find(|(w, _)| *w == b) {
            return Some((d, &rest[1..]));
        }
    }
    None
}

/// Keys derived from a variant's key at compile time (beyond the key
/// itself): without a leading article, without a leading descriptor word
/// (`محافظة طرابلس` → `طرابلس`), without a parenthesised or dashed tail.
pub fn derived_keys(variant: &str, k: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |s: String, out: &mut Vec<String>| {
        if !s.is_empty() && s != k && !out.contains(&s) {
            out.push(s);
        }
    };
    if let Some(i) = variant.find(['(', '،', ',']) {
        let head = key(&variant[..i]);
        if char_count(&head) >= 3 {
            push(head, &mut out);
        }
    }
    let mut bases = vec![k.to_string()];
    bases.extend(out.iter().cloned());
    for b in bases {
        let mut cur = b.clone();
        if let Some((_, rest)) = descriptor(&cur) {
            if char_count(rest) >= 3 {
                cur = rest.to_string();
                push(cur.clone(), &mut out);
            }
        }
        let (first, rest) = split_first(&cur);
        if let Some(s) = strip_article(first) {
            push(format!("{s}{rest}"), &mut out);
        }
    }
    out
}

/// One form of a mention to look up, and what was taken off to get it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub key: String,
    /// Letters or words taken off the mention (0 for the mention itself).
    pub stripped: u8,
    /// A descriptor word before the name announced this kind of place.
    pub hint: Option<Descriptor>,
}

/// The forms of a mention key to try, in order, the key itself first:
/// leading prepositions (`في ليبيا`) and descriptors (`مدينة سرت`) taken off,
/// then proclitics on the first word (`و ف`, `ب ل ك`, `و`+`ب ل ك`, `لل` →
/// `ال` or `ل`, `بال`). Every stripped form keeps at least 3 letters in its
/// first word. Duplicates are removed.
pub fn mention_forms(k: &str) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::with_capacity(8);
    let add = |key: String, stripped: u8, hint: Option<Descriptor>, out: &mut Vec<Form>| {
        if !key.is_empty() && !out.iter().any(|f| f.key == key) {
            out.push(Form {
                key,
                stripped,
                hint,
            });
        }
    };
    add(k.to_string(), 0, None, &mut out);
    // Separate words: prepositions, then a descriptor.
    let mut base = k;
    let mut hint = None;
    let mut words_off = 0u8;
    for _ in 0..3 {
        let (first, rest) = split_first(base);
        if rest.is_empty() {
            break;
        }
        if PREPOSITIONS.contains(&first) {
            base = &rest[1..];
            words_off += 1;
        } else if let Some((d, r)) = descriptor(base) {
            base = r;
            hint = Some(d);
            words_off += 1;
        } else {
            break;
        }
    }
    if words_off > 0 {
        add(base.to_string(), words_off, hint, &mut out);
    }
    let (first, rest) = split_first(base);
    let chars: Vec<char> = first.chars().collect();
    let n = chars.len();
    let tail = |from: usize| -> String {
        let mut s: String = chars[from..].iter().collect();
        s.push_str(rest);
        s
    };
    let mut clitic: Vec<(String, u8)> = Vec::new();
    let mut conj = 0;
    if n >= 4 && matches!(chars[0], 'و' | 'ف') {
        clitic.push((tail(1), 1));
        conj = 1;
    }
    let starts: &[usize] = if conj == 1 { &[0, 1] } else { &[0] };
    for &c0 in starts {
        let m = n - c0;
        // لل = ل + ال: للقاهرة → القاهرة; لليبيا → ليبيا.
        if m >= 5 && chars[c0] == 'ل' && chars[c0 + 1] == 'ل' {
            let mut s = String::from("ا");
            s.push_str(&tail(c0 + 1));
            clitic.push((s, (c0 + 1) as u8));
        }
        if m >= 4 && matches!(chars[c0], 'ب' | 'ل' | 'ك') {
            clitic.push((tail(c0 + 1), (c0 + 1) as u8));
        }
    }
    for (s, st) in clitic {
        add(s, words_off + st, hint, &mut out);
    }
    // The article is not taken off a mention: the index has every variant
    // with and without its article, and `الأمن` → `امن` (Emmen) or `الدولة`
    // → `دوله` (Dhule) showed that a mention's article belongs to it.
    out
}

/// The transliteration-tolerant skeleton of a key, for the fuzzy tier: per
/// word (the article kept: the index has keys with and without it), `ط ص ث ض ظ ذ` → `ت س س د ز ز`; `ق ج غ ك` → `ك`;
/// a final `ه` → `ا`; `ا` dropped except at the end of a word; `ء` dropped;
/// doubled letters collapsed. So `أنجامينا`, `انجمينا` and `نجامينا` share
/// `نكمينا`. (`و ي` are kept: dropping them too made common words such as
/// `الخارجية` match places.)
pub fn skeleton(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for (wi, word) in key.split(' ').enumerate() {
        if wi > 0 {
            out.push(' ');
        }
        let w = word;
        let n = char_count(w);
        let mut last = None;
        for (i, c) in w.chars().enumerate() {
            let fin = i + 1 == n;
            let c = match c {
                'ط' => 'ت',
                'ص' | 'ث' => 'س',
                'ض' => 'د',
                'ظ' | 'ذ' => 'ز',
                'ق' | 'ج' | 'غ' | 'ك' => 'ك',
                'ه' if fin => 'ا',
                'ء' => continue,
                c => c,
            };
            if !fin && c == 'ا' {
                continue;
            }
            if last == Some(c) {
                continue;
            }
            out.push(c);
            last = Some(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key("  أَنْجامِينا "), "انجامينا");
        assert_eq!(key("الكونغو - كينشاسا"), "الكونغو كينشاسا");
        assert_eq!(key("ميانمار (بورما)"), "ميانمار بورما");
        assert_eq!(key("درنة"), "درنه");
    }

    #[test]
    fn derived() {
        let d = derived_keys("محافظة طرابلس", &key("محافظة طرابلس"));
        assert!(d.contains(&"طرابلس".to_string()), "{d:?}");
        let d = derived_keys("الجفرة", &key("الجفرة"));
        assert_eq!(d, vec!["جفره".to_string()]);
        let d = derived_keys("ميانمار (بورما)", &key("ميانمار (بورما)"));
        assert_eq!(d, vec!["ميانمار".to_string()]);
    }

    #[test]
    fn forms() {
        let f: Vec<String> = mention_forms(&key("ببنغازي"))
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert!(f.contains(&"بنغازي".to_string()), "{f:?}");
        let f: Vec<String> = mention_forms(&key("لليبيا"))
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert!(f.contains(&"ليبيا".to_string()), "{f:?}");
        let f: Vec<String> = mention_forms(&key("وللقاهرة"))
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert!(f.contains(&"القاهره".to_string()), "{f:?}");
        let f: Vec<String> = mention_forms(&key("الأمن"))
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(f, vec!["الامن".to_string()]);
        let f: Vec<String> = mention_forms(&key("في مدينة سرت"))
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert!(f.contains(&"سرت".to_string()), "{f:?}");
    }

    #[test]
    fn skeletons() {
        let s = skeleton(&key("أنجامينا"));
        assert_eq!(s, skeleton(&key("انجمينا")));
        assert_eq!(s, skeleton(&key("نجامينا")));
    }
}
