//! Titles and roles around person names, and the actor sector they imply.
//!
//! `اللواء المتقاعد خليفة حفتر`, `نائب وزير الدفاع الروسي يونس بك يفكيروف`,
//! `يفكيروف نائب وزير الدفاع الروسي`: the role phrase before or after a name
//! (apposition) is kept as an attribute of the person, never as part of the
//! name, and gives the actor's sector (CAMEO/PLOVER style) and, through its
//! demonyms (`الروسي`), the country.

use rasd_text::{fold, Folds};
use serde::{Deserialize, Serialize};

/// Actor sectors, after CAMEO's role codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sector {
    /// Government: ministers, presidents, diplomats.
    GOV,
    /// Military and police.
    MIL,
    /// Legislature.
    LEG,
    /// Judiciary.
    JUD,
    /// Opposition.
    OPP,
    /// Rebels.
    REB,
    /// Unaligned armed forces: militias, mercenaries.
    UAF,
    /// Media.
    MED,
    /// Intergovernmental organisations.
    IGO,
    /// Business.
    BUS,
}

impl Sector {
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::GOV => "GOV",
            Sector::MIL => "MIL",
            Sector::LEG => "LEG",
            Sector::JUD => "JUD",
            Sector::OPP => "OPP",
            Sector::REB => "REB",
            Sector::UAF => "UAF",
            Sector::MED => "MED",
            Sector::IGO => "IGO",
            Sector::BUS => "BUS",
        }
    }
}

fn key(w: &str) -> String {
    fold(w, &Folds::SEARCH)
}

/// Words that head or make up a title or role phrase (folded forms).
const ROLE_WORDS: &[&str] = &[
    "الرييس",
    "رييس",
    "رييسه",
    "نايب",
    "نايبه",
    "وزير",
    "وزيره",
    "الوزير",
    "الوزيره",
    "قايد",
    "القايد",
    "متحدث",
    "متحدثه",
    "المتحدثه",
    "الناطقه",
    "ناطقه",
    "المتحدث",
    "الناطق",
    "ناطق",
    "سفير",
    "السفير",
    "سفيره",
    "مبعوث",
    "المبعوث",
    "المبعوثه",
    "مبعوثه",
    "مندوب",
    "المندوب",
    "المندوبه",
    "مندوبه",
    "اللواء",
    "لواء",
    "المشير",
    "الجنرال",
    "العقيد",
    "العميد",
    "الفريق",
    "الراحل",
    "المتقاعد",
    "الشيخ",
    "الامير",
    "الملك",
    "الدكتور",
    "السيد",
    "السيده",
    "المستشار",
    "مستشار",
    "الامين",
    "العام",
    "زعيم",
    "الزعيم",
    "مدير",
    "المدير",
    "محافظ",
    "المحافظ",
    "رييس",
    "عضو",
    "امير",
    "ملك",
    "ولي",
    "العهد",
    "حاكم",
    "الحاكم",
    "نجل",
    "شقيق",
    "ابن",
    "المرشد",
    "الاعلي",
    "رجل",
    "الاعمال",
    "الصحفي",
    "الكاتب",
    "المحلل",
    "الباحث",
    "المدعي",
    "القاضي",
    "قاضي",
    "العاهل",
    "الجيش",
    "اركان",
    "الاركان",
];

/// Words a role phrase may contain after its head (complements such as
/// `وزير الدفاع الروسي`); any word is allowed there except those below.
const STOP_WORDS: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "مع",
    "عن",
    "ان",
    "انه",
    "قال",
    "قالت",
    "بحث",
    "بحثت",
    "التقي",
    "التقت",
    "زار",
    "زارت",
    "وصل",
    "وصلت",
    "اكد",
    "اكدت",
    "و",
    "ثم",
    "او",
    "الذي",
    "التي",
    "خلال",
    "بعد",
    "قبل",
    "حيث",
    "كما",
    "لكن",
    "اليوم",
    "امس",
    "استقبل",
    "استقبله",
    "وكان",
    "كان",
    "وفق",
    "بحسب",
    "حسب",
    "عبر",
    "لدي",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
    "الاحد",
];

pub fn is_role_word(w: &str) -> bool {
    ROLE_WORDS.contains(&key(w).as_str())
}

fn is_stop(w: &str) -> bool {
    let k = key(w);
    STOP_WORDS.contains(&k.as_str())
        || k.starts_with('و') && STOP_WORDS.contains(&&k['و'.len_utf8()..])
}

/// A role phrase found next to a name, with its byte span in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Words of `text` with their byte spans (split on whitespace, punctuation
/// kept attached to the word it touches).
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// A whitespace position (or 0) before `at` with at least `n` whole words
/// between it and `at`.
fn word_bound_before(text: &str, at: usize, n: usize) -> usize {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in text[..at].char_indices().rev() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen > n {
                    return i;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    0
}

/// A whitespace position (or the text's end) after `at` with at least `n`
/// whole words between `at` and it.
fn word_bound_after(text: &str, at: usize, n: usize) -> usize {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in text[at..].char_indices() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen > n {
                    return at + i;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    text.len()
}

fn ends_clause(w: &str) -> bool {
    w.ends_with(['.', '،', ',', '؛', ';', ':', '"', '»', '(', ')', '؟', '!'])
}

/// The role phrase right before `[start, end)` (`نائب وزير الدفاع الروسي`
/// before `يونس بك يفكيروف`) and right after it in apposition
/// (`يفكيروف نائب وزير الدفاع الروسي`). A role must contain a role word.
pub fn roles_around(text: &str, start: usize, end: usize) -> Vec<Role> {
    // Only the few words on either side are read: the words of a stretch
    // that holds more of them than the scans below look at, cut at
    // whitespace so that its words are the text's own (reading the words of
    // the whole text made a long article quadratic in its length).
    let lo = word_bound_before(text, start, 10);
    let hi = word_bound_after(text, end, 10);
    let ws: Vec<(usize, usize)> = words(&text[lo..hi])
        .into_iter()
        .map(|(s, e)| (s + lo, e + lo))
        .collect();
    roles_among(text, start, end, &ws)
}

/// [`roles_around`] with the words of the text around the name given.
fn roles_among(text: &str, start: usize, end: usize, ws: &[(usize, usize)]) -> Vec<Role> {
    let mut out = Vec::new();
    // Before: scan back over at most 8 words, stopping at punctuation or a
    // stop word; keep the phrase from the earliest role word.
    let before: Vec<&(usize, usize)> = ws.iter().filter(|w| w.1 <= start).collect();
    let mut first_role = None;
    for (n, &&(s, e)) in before.iter().rev().enumerate() {
        let w = &text[s..e];
        if n >= 8 || is_stop(w) || (n > 0 && ends_clause(w)) {
            break;
        }
        let bare = w.trim_end_matches(['،', ',']);
        if is_role_word(bare) {
            first_role = Some(s);
        }
    }
    if let Some(s) = first_role {
        let e = before.last().map(|w| w.1).unwrap_or(start);
        let phrase = text[s..e].trim_end_matches(['،', ',', ' ']);
        out.push(Role {
            text: phrase.to_string(),
            start: s,
            end: s + phrase.len(),
        });
    }
    // After: an apposition that starts with a role word.
    let after: Vec<&(usize, usize)> = ws.iter().filter(|w| w.0 >= end).collect();
    let starts_with_comma = text[end..].trim_start().starts_with(['،', ',']);
    // An apposition is in the same sentence: nothing that ends one between.
    let same_sentence =
        |s0: usize| !text[end.min(s0)..s0].contains(['.', '؟', '?', '!', '\n', ':', '؛']);
    if let Some(&&(s0, e0)) = after.first().filter(|w| same_sentence(w.0)) {
        let first = text[s0..e0].trim_start_matches(['،', ',']);
        if !starts_with_comma && is_role_word(first.trim_end_matches(['،', ',', '.'])) {
            let mut e = e0;
            for &&(s, ew) in after.iter().take(7).skip(1) {
                let w = &text[s..ew];
                if is_stop(w) {
                    break;
                }
                e = ew;
                if ends_clause(w) {
                    break;
                }
            }
            if ends_clause(&text[s0..e0]) {
                e = e0;
            }
            let phrase = text[s0..e].trim_end_matches(['،', ',', '.', ' ', ':']);
            out.push(Role {
                text: phrase.to_string(),
                start: s0,
                end: s0 + phrase.len(),
            });
        }
    }
    out
}

/// Leading title words of a name (`اللواء المتقاعد خليفة حفتر`): the bare
/// name and the titles removed.
pub fn strip_titles(name: &str) -> (String, Vec<String>) {
    // Words without letters (a phone number, a tatweel) are not a name's.
    let mut ws: Vec<&str> = name
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_alphabetic() && c != 'ـ'))
        .collect();
    let mut titles = Vec::new();
    while ws.len() > 1 && is_role_word(ws[0]) {
        titles.push(ws.remove(0).to_string());
    }
    // Trailing titles too (`محمد بن سلمان ولي`).
    while ws.len() > 1 && is_role_word(ws[ws.len() - 1]) {
        titles.push(ws.pop().expect("non-empty").to_string());
    }
    if let Some(first) = ws.first_mut() {
        *first = strip_conjunction(first);
    }
    (ws.join(" "), titles)
}

/// First names that begin with و: never a glued conjunction.
const WAW_NAMES: &[&str] = &[
    "وليد",
    "وايل",
    "وفاء",
    "وسام",
    "وديع",
    "وجدي",
    "وهيب",
    "وحيد",
    "وضاح",
    "وصفي",
    "وفيق",
    "ولاء",
    "وداد",
    "وعد",
    "ورد",
    "ويام",
    "وجيه",
    "وهبي",
    "وصال",
    "وليم",
    "ويليام",
    "وزير",
    "وهبه",
    "ولي",
    "وحيده",
    "وداعه",
    "ودود",
];

/// A name with a glued conjunction (`وعادل`) loses it, unless the name
/// itself begins with و (`وليد`).
pub fn strip_conjunction(word: &str) -> &str {
    match word.strip_prefix('و') {
        Some(rest) if rest.chars().count() >= 3 && !WAW_NAMES.contains(&key(word).as_str()) => rest,
        _ => word,
    }
}

/// The sector a role phrase implies, if any.
pub fn sector_of(role: &str) -> Option<Sector> {
    let k = key(role);
    let has = |ws: &[&str]| {
        ws.iter().any(|w| {
            k.split(' ').any(|x| {
                x == *w || x.strip_prefix('و') == Some(w) || x.strip_prefix("ب") == Some(w)
            }) || (w.contains(' ') && k.contains(w))
        })
    };
    if has(&[
        "الاممي",
        "الامميه",
        "الامم المتحده",
        "مجلس الامن",
        "الاتحاد الافريقي",
        "الجامعه العربيه",
        "الناتو",
        "الاتحاد الاوروبي",
        "الامين العام",
    ]) {
        return Some(Sector::IGO);
    }
    if has(&["القاضي", "قاضي", "المحكمه", "المدعي", "النايب العام"])
    {
        return Some(Sector::JUD);
    }
    if has(&[
        "البرلمان",
        "مجلس النواب",
        "مجلس الشيوخ",
        "الكونغرس",
        "البرلماني",
        "البرلمانيه",
    ]) {
        return Some(Sector::LEG);
    }
    if has(&["مرتزقه", "ميليشيا", "مليشيا", "ميليشيات", "مليشيات"])
    {
        return Some(Sector::UAF);
    }
    if has(&["المتمردين", "المتمرده", "المسلحه", "الفصايل"]) {
        return Some(Sector::REB);
    }
    if has(&["المعارضه"]) {
        return Some(Sector::OPP);
    }
    if has(&[
        "وزير",
        "وزيره",
        "الوزير",
        "الوزيره",
        "الرييس",
        "رييس الوزراء",
        "الحكومه",
        "حكومه",
        "سفير",
        "السفير",
        "سفيره",
        "مبعوث",
        "المبعوث",
        "مندوب",
        "المندوب",
        "المندوبه",
        "محافظ",
        "المحافظ",
        "الملك",
        "العاهل",
        "الامير",
        "ولي العهد",
        "الخارجيه",
    ]) {
        return Some(Sector::GOV);
    }
    if has(&[
        "اللواء",
        "المشير",
        "الجنرال",
        "العقيد",
        "العميد",
        "الفريق",
        "الجيش",
        "قوات",
        "القوات",
        "اركان",
        "الاركان",
        "العسكري",
        "العسكريه",
        "قايد",
        "القايد",
        "الدفاع",
    ]) {
        return Some(Sector::MIL);
    }
    if has(&["صحيفه", "قناه", "الصحفي", "مراسل", "وكاله الانباء"]) {
        return Some(Sector::MED);
    }
    if has(&["شركه", "رجل الاعمال", "بنك"]) {
        return Some(Sector::BUS);
    }
    None
}

/// The sector the words right before an organisation's name imply
/// (`مرتزقة مجموعة فاغنر`, `مقاتلي فاغنر`).
pub fn org_context_sector(text: &str, start: usize) -> Option<Sector> {
    let before: Vec<String> = text[..start]
        .split_whitespace()
        .rev()
        .take(3)
        .map(key)
        .collect();
    let any = |ws: &[&str]| {
        before.iter().any(|b| {
            ws.iter()
                .any(|w| b.trim_matches(|c: char| !c.is_alphabetic()) == *w)
        })
    };
    if any(&[
        "مرتزقه",
        "ميليشيا",
        "مليشيا",
        "ميليشيات",
        "مليشيات",
        "مقاتلي",
        "مقاتلو",
        "مسلحي",
        "مسلحو",
    ]) {
        Some(Sector::UAF)
    } else if any(&["المتمرده", "المتمردين", "فصايل"]) {
        Some(Sector::REB)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Reading only the words near the name gives what reading every
        /// word of the text gives.
        #[test]
        fn nearby_words_suffice(
            ws in proptest::collection::vec(
                prop_oneof![
                    Just("وزير"), Just("الدفاع"), Just("الروسي"), Just("نائب"), Just("في"),
                    Just("قال"), Just("،"), Just("اللواء."), Just("رئيس،"), Just("حفتر"),
                    Just("خليفة"), Just("المتقاعد"), Just("و"), Just("إن"),
                ],
                1..60,
            ),
            seps in proptest::collection::vec(prop_oneof![Just(" "), Just("  "), Just("\n"), Just(" \t")], 60),
            pick in 0usize..60,
            len in 1usize..4,
        ) {
            let mut text = String::new();
            let mut bounds = Vec::new();
            for (i, w) in ws.iter().enumerate() {
                let s = text.len();
                text.push_str(w);
                bounds.push((s, text.len()));
                text.push_str(seps[i]);
            }
            let a = pick % ws.len();
            let b = (a + len - 1).min(ws.len() - 1);
            let (start, end) = (bounds[a].0, bounds[b].1);
            prop_assert_eq!(
                roles_around(&text, start, end),
                roles_among(&text, start, end, &words(&text))
            );
        }
    }

    fn roles(text: &str, name: &str) -> Vec<String> {
        let s = text.find(name).unwrap();
        roles_around(text, s, s + name.len())
            .into_iter()
            .map(|r| r.text)
            .collect()
    }

    #[test]
    fn roles_before_and_after_names() {
        assert_eq!(
            roles(
                "بحث نائب وزير الدفاع الروسي يونس بك يفكيروف مع القادة",
                "يونس بك يفكيروف"
            ),
            vec!["نائب وزير الدفاع الروسي"]
        );
        assert_eq!(
            roles(
                "بحث يونس بك يفكيروف نائب وزير الدفاع الروسي مع القادة",
                "يونس بك يفكيروف"
            ),
            vec!["نائب وزير الدفاع الروسي"]
        );
        assert_eq!(
            roles(
                "قوات شرق البلاد التي يقودها اللواء المتقاعد خليفة حفتر التعاون",
                "خليفة حفتر"
            ),
            vec!["اللواء المتقاعد"]
        );
        assert_eq!(
            roles("بدأ قائد الشرق الليبي، خليفة حفتر زيارة", "خليفة حفتر"),
            vec!["قائد الشرق الليبي"]
        );
        assert!(roles("وقال خالد إن الاجتماع انتهى", "خالد").is_empty());
        assert!(
            roles(
                "يقاتل فيها مقاتلو فاغنر. نائب رئيس البعثة يزور المدينة",
                "فاغنر"
            )
            .is_empty(),
            "an apposition does not cross a sentence end"
        );
        assert_eq!(
            roles("وقالت المتحدثة باسم الوزارة ليلى منصور إن", "ليلى منصور"),
            vec!["المتحدثة باسم الوزارة"]
        );
    }

    #[test]
    fn titles_are_stripped_from_names() {
        assert_eq!(
            strip_titles("اللواء المتقاعد خليفة حفتر"),
            (
                "خليفة حفتر".to_string(),
                vec!["اللواء".to_string(), "المتقاعد".to_string()]
            )
        );
        assert_eq!(
            strip_titles("الرئيس"),
            ("الرئيس".to_string(), vec![]),
            "a lone title stays"
        );
        assert_eq!(strip_titles("وعادل الجبير").0, "عادل الجبير");
        assert_eq!(strip_titles("وليد المعلم").0, "وليد المعلم");
        assert_eq!(strip_titles("سليمان 0505408146").0, "سليمان");
        assert_eq!(strip_titles("محمد بن سلمان ولي").0, "محمد بن سلمان");
    }

    #[test]
    fn sectors_from_roles() {
        assert_eq!(sector_of("نائب وزير الدفاع الروسي"), Some(Sector::GOV));
        assert_eq!(sector_of("اللواء المتقاعد"), Some(Sector::MIL));
        assert_eq!(sector_of("نائبة رئيس البعثة الأممية"), Some(Sector::IGO));
        assert_eq!(sector_of("رئيس مجلس النواب"), Some(Sector::LEG));
        assert_eq!(sector_of("مرتزقة مجموعة"), Some(Sector::UAF));
        assert_eq!(sector_of("قائد الشرق الليبي"), Some(Sector::MIL));
        assert_eq!(sector_of("الكاتب"), None);
    }
}
