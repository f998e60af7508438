//! The trigger lexicon: `data/lexicon.tsv` parsed, inflected and indexed.
//!
//! Every form is folded with [`Folds::SEARCH`] (`أ إ آ`→`ا`, `ى`→`ي`,
//! `ة`→`ه`, `ؤ`→`و`, `ئ`→`ي`, no diacritics). Verbs are listed by their past
//! 3ms stem and/or present 3ms stem (`زار|يزور`); the person, number and
//! gender forms are generated ([`verb_forms`]); nouns get their plural,
//! dual, construct and accusative forms ([`noun_forms`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use rasd_text::{fold, Folds};

use crate::EventType;

/// The lexicon source, embedded.
pub const LEXICON_TSV: &str = include_str!("../data/lexicon.tsv");

/// Which inflection produced a form: decides which token readings may match
/// it (a future `س` only before a present verb, a preposition only before a
/// noun).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Past,
    Pres,
    Noun,
    Exact,
}

/// One element of a pattern.
#[derive(Clone, Debug, Default)]
pub(crate) struct Elem {
    /// A gap of up to [`MAX_GAP`] words may precede this element.
    pub gap_before: bool,
    /// Proclitic letters written `بـ`: the word must start with one.
    pub prefixes: Vec<char>,
}

/// Maximal number of words in a `_` gap.
pub(crate) const MAX_GAP: usize = 5;

/// Hints of an entry (see the header of `data/lexicon.tsv`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Hints {
    pub visit: bool,
    pub need_dest: bool,
    pub need_obj: bool,
    pub gen_tgt: bool,
    pub inv: bool,
    pub recv: bool,
    pub milaid: bool,
    pub amb: bool,
    pub agent: bool,
    pub nf: Vec<String>,
    pub nfw: Vec<String>,
    pub np: Vec<String>,
    /// Rejected when one of these words is in a gap of the match.
    pub ngap: Vec<String>,
    /// Rejected when the first word is one of these forms (folded keys).
    pub nself: Vec<String>,
}

/// One lexicon entry.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub etype: EventType,
    pub mode: Option<String>,
    /// The first element is a verb.
    pub verbal: bool,
    pub elems: Vec<Elem>,
    pub hints: Hints,
    pub spec: f32,
    /// The first form of the first element, folded (feature of the sense
    /// filter).
    pub lemma: String,
}

/// A form's place in the lexicon.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    pub entry: u32,
    pub elem: u8,
    pub class: Class,
}

/// The parsed lexicon.
pub(crate) struct Lexicon {
    pub entries: Vec<Entry>,
    pub index: HashMap<String, Vec<Slot>>,
}

/// Function words kept exact when they are later elements of a pattern.
const FUNCTION: &[&str] = &[
    "الي", "علي", "مع", "عن", "من", "في", "ان", "ضد", "لدي", "بين", "حول",
];

fn key(s: &str) -> String {
    fold(s.trim(), &Folds::SEARCH)
}

/// A hint word's key: folded, and without `و ف` and the article like the
/// tokens' base keys it is compared with.
fn hint_key(s: &str) -> String {
    crate::sense::strip_base(&key(s)).to_string()
}

fn drop_last(s: &str) -> &str {
    match s.char_indices().last() {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The generated forms of a verb stem (folded): a past 3ms stem (`زار`,
/// `التقي`, `دعا`) or a present 3ms stem starting with `ي` (`يزور`).
pub fn verb_forms(stem: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let n = stem.chars().count();
    if stem.starts_with('ي') && n >= 3 {
        let rest = &stem['ي'.len_utf8()..];
        for p in ['ي', 'ت', 'ن', 'ا'] {
            let s = format!("{p}{rest}");
            let last = s.chars().last().unwrap_or(' ');
            let base = drop_last(&s).to_string();
            out.push((s.clone(), true));
            match last {
                'ي' => {
                    out.push((format!("{base}ون"), true));
                    out.push((format!("{base}وا"), true));
                    out.push((format!("{s}ان"), true));
                    out.push((format!("{s}ن"), true));
                    out.push((base.clone(), true)); // jussive يلتق
                }
                'و' => {
                    out.push((format!("{s}ن"), true));
                    out.push((format!("{s}ا"), true));
                    out.push((format!("{s}ان"), true));
                    out.push((base.clone(), true));
                }
                _ => {
                    for suf in ["ون", "ان", "وا", "ين", "ن"] {
                        out.push((format!("{s}{suf}"), true));
                    }
                }
            }
        }
    } else {
        let last = stem.chars().last().unwrap_or(' ');
        let base = drop_last(stem).to_string();
        out.push((stem.to_string(), false));
        match last {
            'ي' | 'ا' => {
                out.push((format!("{base}ت"), false));
                out.push((format!("{base}تا"), false));
                out.push((format!("{base}وا"), false));
                out.push((format!("{base}ا"), false)); // before enclitics: التقاه
                out.push((format!("{base}يا"), false));
                out.push((format!("{base}ي"), false));
                out.push((format!("{base}يت"), false));
            }
            _ => {
                for suf in ["ت", "تا", "وا", "ا", "ن", "نا"] {
                    out.push((format!("{stem}{suf}"), false));
                }
            }
        }
    }
    out
}

/// The generated forms of a noun, masdar or adjective (folded).
pub fn noun_forms(w: &str) -> Vec<String> {
    let mut out = vec![w.to_string()];
    if w.chars().count() < 2 {
        return out;
    }
    if let Some(b) = w.strip_suffix('ه') {
        for suf in ["ات", "ت", "تان", "تين", "تا"] {
            out.push(format!("{b}{suf}"));
        }
    } else {
        for suf in ["ا", "ات", "ان", "ين"] {
            out.push(format!("{w}{suf}"));
        }
        if w.ends_with('ي') {
            out.push(format!("{w}ه"));
            out.push(format!("{w}ون"));
        }
    }
    out
}

fn parse_type(s: &str) -> Option<EventType> {
    EventType::parse(s.trim())
}

impl Lexicon {
    fn parse(src: &str) -> Lexicon {
        let mut lx = Lexicon {
            entries: Vec::new(),
            index: HashMap::new(),
        };
        for line in src.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 4 {
                continue;
            }
            let Some(etype) = parse_type(cols[1]) else {
                continue;
            };
            let mode = match cols[2].trim() {
                "-" | "" => None,
                m => Some(m.to_string()),
            };
            let pos = cols[3].trim();
            let mut hints = Hints::default();
            let mut spec = 0.9f32;
            for h in cols.get(4).copied().unwrap_or("-").split(',') {
                let h = h.trim();
                match h {
                    "visit" => hints.visit = true,
                    "need=dest" => hints.need_dest = true,
                    "need=obj" => hints.need_obj = true,
                    "gen=tgt" => hints.gen_tgt = true,
                    "inv" => hints.inv = true,
                    "recv" => hints.recv = true,
                    "milaid" => hints.milaid = true,
                    "amb" => hints.amb = true,
                    "agent" => hints.agent = true,
                    _ => {
                        if let Some(v) = h.strip_prefix("nf=") {
                            hints.nf = v.split('|').map(hint_key).collect();
                        } else if let Some(v) = h.strip_prefix("nfw=") {
                            hints.nfw = v.split('|').map(hint_key).collect();
                        } else if let Some(v) = h.strip_prefix("nself=") {
                            hints.nself = v.split('|').map(key).collect();
                        } else if let Some(v) = h.strip_prefix("ngap=") {
                            hints.ngap = v.split('|').map(hint_key).collect();
                        } else if let Some(v) = h.strip_prefix("np=") {
                            hints.np = v.split('|').map(hint_key).collect();
                        } else if let Some(v) = h.strip_prefix("spec=") {
                            spec = v.parse().unwrap_or(spec);
                        }
                    }
                }
            }
            let id = lx.entries.len() as u32;
            let mut elems = Vec::new();
            let mut gap = false;
            let mut lemma = String::new();
            for raw in cols[0].split_whitespace() {
                if raw == "_" {
                    gap = true;
                    continue;
                }
                let ei = elems.len();
                let mut el = Elem {
                    gap_before: gap,
                    prefixes: Vec::new(),
                };
                gap = false;
                for alt in raw.split('|') {
                    if let Some(p) = alt.strip_suffix('ـ') {
                        let k = key(p);
                        if let Some(c) = k.chars().next() {
                            el.prefixes.push(c);
                        }
                        continue;
                    }
                    let k = key(alt);
                    if k.is_empty() {
                        continue;
                    }
                    if lemma.is_empty() {
                        lemma = k.clone();
                    }
                    let mut forms: Vec<(String, Class)> = Vec::new();
                    if ei == 0 && pos == "v" {
                        for (f, pres) in verb_forms(&k) {
                            forms.push((f, if pres { Class::Pres } else { Class::Past }));
                        }
                    } else if pos == "x" || pos == "xv" || FUNCTION.contains(&k.as_str()) {
                        forms.push((k.clone(), Class::Exact));
                    } else {
                        for f in noun_forms(&k) {
                            forms.push((f, Class::Noun));
                        }
                    }
                    for (f, class) in forms {
                        let v = lx.index.entry(f).or_default();
                        if !v.iter().any(|s| s.entry == id && s.elem as usize == ei) {
                            v.push(Slot {
                                entry: id,
                                elem: ei as u8,
                                class,
                            });
                        }
                    }
                }
                elems.push(el);
            }
            if elems.is_empty() || elems.len() > 8 {
                continue;
            }
            lx.entries.push(Entry {
                etype,
                mode,
                verbal: pos == "v" || pos == "xv",
                elems,
                hints,
                spec,
                lemma,
            });
        }
        lx
    }
}

/// The embedded lexicon, parsed on first use.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LX: OnceLock<Lexicon> = OnceLock::new();
    LX.get_or_init(|| Lexicon::parse(LEXICON_TSV))
}

/// Number of lexicon entries (patterns) per event type, in
/// [`EventType::ALL`] order, and the number of distinct indexed forms.
pub fn lexicon_stats() -> (Vec<(EventType, usize)>, usize) {
    let lx = lexicon();
    let per = EventType::ALL
        .iter()
        .map(|t| (*t, lx.entries.iter().filter(|e| e.etype == *t).count()))
        .collect();
    (per, lx.index.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections() {
        let f: Vec<String> = verb_forms("زار").into_iter().map(|x| x.0).collect();
        assert!(f.contains(&"زارت".to_string()) && f.contains(&"زاروا".to_string()));
        let f: Vec<String> = verb_forms("يزور").into_iter().map(|x| x.0).collect();
        assert!(f.contains(&"تزور".to_string()) && f.contains(&"يزورون".to_string()));
        let f: Vec<String> = verb_forms("التقي").into_iter().map(|x| x.0).collect();
        assert!(f.contains(&"التقت".to_string()) && f.contains(&"التقوا".to_string()));
        let f = noun_forms("زياره");
        assert!(f.contains(&"زيارات".to_string()) && f.contains(&"زيارت".to_string()));
    }

    #[test]
    fn parses_all_lines() {
        let lx = lexicon();
        let lines = LEXICON_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(lx.entries.len(), lines, "every lexicon line parses");
        assert!(lx.entries.len() > 400);
    }
}
