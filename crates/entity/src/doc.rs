//! Resolution of the entity mentions of one article.
//!
//! Mentions come from the NER model as typed byte spans. Within an article:
//! titles are stripped from person names and kept as roles, with the role
//! phrases around each name; `خالد نجل حفتر` and `ابنا حفتر، خالد وصدام`
//! give the sons the family name; mentions whose keys match are one entity;
//! a bare family name (`حفتر`) attaches to the first full-named person of
//! that family the article mentions; a conjunction glued to a name
//! (`وصدام`) goes when the rest names a known entity.

use crate::key::{name_key, name_keys_match, word_key, word_keys_match};
use crate::role::{org_context_sector, roles_around, sector_of, strip_titles, Role, Sector};
use rasd_doc::Field;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    PER,
    ORG,
    LOC,
    MISC,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::PER => "PER",
            EntityType::ORG => "ORG",
            EntityType::LOC => "LOC",
            EntityType::MISC => "MISC",
        }
    }

    pub fn parse(s: &str) -> Option<EntityType> {
        Some(match s {
            "PER" | "PERS" => EntityType::PER,
            "ORG" => EntityType::ORG,
            "LOC" => EntityType::LOC,
            "MISC" => EntityType::MISC,
            _ => return None,
        })
    }
}

/// A typed span found by the NER model in one field of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub etype: EntityType,
}

/// One entity of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocEntity {
    pub etype: EntityType,
    /// The fullest name the article gives, titles removed.
    pub name: String,
    pub key: String,
    /// Indices of its mentions in the input slice.
    pub mentions: Vec<usize>,
    /// The surface forms, titles removed.
    pub variants: Vec<String>,
    /// Role phrases and titles, with the field they were found in.
    pub roles: Vec<(Field, Role)>,
    /// Country evidence: ISO alpha-2 code and the role text that said so.
    pub countries: Vec<(String, String)>,
    pub sector: Option<Sector>,
    /// The name was composed from a kinship phrase (`خالد نجل حفتر`).
    pub composed: bool,
    /// For places: the gazetteer id it was linked to in this article's context.
    #[serde(default)]
    pub place: Option<u32>,
}

/// Person "names" that name nobody: pious formulas and the parts of a title
/// (folded).
const NOT_NAMES: &[&str] = &[
    "رحمه الله",
    "رحمها الله",
    "رحمهم الله",
    "يرحمه الله",
    "رحمه",
    "الله",
    "العهد",
    "عهد",
    "ولي",
    "ولي العهد",
    "ولي ولي العهد",
    "سمو",
    "معالي",
    "فخامه",
];

/// Whether a person mention's text is a name: something is left once the
/// titles are stripped, and it is not a formula or part of a title.
fn names_someone(text: &str) -> bool {
    let raw = text.trim_matches(|c: char| !c.is_alphanumeric());
    let (name, _) = crate::role::strip_titles(raw);
    let folded = rasd_text::fold(name.trim(), &rasd_text::Folds::SEARCH);
    let folded = folded.trim();
    !folded.is_empty()
        && !NOT_NAMES.contains(&folded)
        && !NOT_NAMES.contains(&rasd_text::fold(raw, &rasd_text::Folds::SEARCH).trim())
}

/// Honorifics before a given name ([`rasd_text::Folds::SEARCH`] forms):
/// a demonym after one is a name (`الأمير تركي`, Prince Turki), not a
/// country.
const HONORIFICS: &[&str] = &[
    "الامير",
    "الاميره",
    "امير",
    "الشيخ",
    "الشيخه",
    "السيد",
    "السيده",
    "الملك",
    "السلطان",
];

/// Words that head an organisation's name (`مجموعة فاغنر`).
const ORG_HEADS: &[&str] = &[
    "مجموعه",
    "شركه",
    "حركه",
    "منظمه",
    "ميليشيا",
    "مليشيا",
    "جماعه",
    "تنظيم",
];

fn word_spans(span: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut cur: Option<usize> = None;
    for (i, c) in span.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = cur.take() {
                words.push((s, i));
            }
        } else if cur.is_none() {
            cur = Some(i);
        }
    }
    if let Some(s) = cur {
        words.push((s, span.len()));
    }
    words
}

/// Corrects NER mentions with local cues, before resolution:
/// * a name right after an organisation head (`مجموعة فاغنر`, quotes allowed
///   between) is an organisation; when the model ran it into a person's name
///   (`مجموعة فاغنر يفغيني بريغوجين`), the person is split off;
/// * a one-word person or place mention whose key is an organisation's in the
///   same article is that organisation (`مقاتلي فاغنر`).
pub fn fix_mentions(
    text_of: &dyn Fn(Field) -> Option<String>,
    mentions: Vec<Mention>,
) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    for m in mentions {
        let Some(t) = text_of(m.field) else {
            out.push(m);
            continue;
        };
        let before = t[..m.start].trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '«' | '“' | '\'' | '”')
        });
        let prev = before.rsplit(char::is_whitespace).next().unwrap_or("");
        let prev_key = rasd_text::fold(prev, &rasd_text::Folds::SEARCH);
        let head = ORG_HEADS
            .iter()
            .any(|h| prev_key == *h || prev_key.strip_prefix('و') == Some(h));
        if m.etype != EntityType::ORG && head {
            let words = word_spans(&t[m.start..m.end]);
            let Some(&(s0, e0)) = words.first() else {
                continue;
            };
            out.push(Mention {
                field: m.field,
                start: m.start + s0,
                end: m.start + e0,
                etype: EntityType::ORG,
            });
            if words.len() >= 3 && m.etype == EntityType::PER {
                out.push(Mention {
                    field: m.field,
                    start: m.start + words[1].0,
                    end: m.end,
                    etype: EntityType::PER,
                });
            }
            continue;
        }
        // A "person" that is only titles (`ولي`, `ولي العهد`) or a formula
        // (`رحمه الله`) names nobody.
        if m.etype == EntityType::PER && !names_someone(&t[m.start..m.end]) {
            continue;
        }
        // `سعود وفيصل`: two persons joined by a conjunction.
        if m.etype == EntityType::PER {
            let words = word_spans(&t[m.start..m.end]);
            if words.len() == 2 {
                let second = &t[m.start + words[1].0..m.start + words[1].1];
                if crate::role::strip_conjunction(second) != second {
                    out.push(Mention {
                        field: m.field,
                        start: m.start + words[0].0,
                        end: m.start + words[0].1,
                        etype: EntityType::PER,
                    });
                    out.push(Mention {
                        field: m.field,
                        start: m.start + words[1].0 + 'و'.len_utf8(),
                        end: m.start + words[1].1,
                        etype: EntityType::PER,
                    });
                    continue;
                }
            }
        }
        out.push(m);
    }
    let key_of = |m: &Mention| {
        text_of(m.field)
            .map(|t| name_key(t[m.start..m.end].trim_matches(|c: char| !c.is_alphanumeric())))
    };
    let mut out = clean_person_mentions(text_of, out);
    let org_keys: Vec<String> = out
        .iter()
        .filter(|m| m.etype == EntityType::ORG)
        .filter_map(key_of)
        .collect();
    for m in out.iter_mut() {
        if matches!(
            m.etype,
            EntityType::PER | EntityType::LOC | EntityType::MISC
        ) {
            if let Some(k) = key_of(m) {
                if !k.contains(' ') && org_keys.iter().any(|o| name_keys_match(o, &k)) {
                    m.etype = EntityType::ORG;
                }
            }
        }
    }
    out.sort_by_key(|m| (Field::ALL.iter().position(|f| *f == m.field), m.start));
    out
}

/// Whether a single word reads as a future-tense verb (`سيعقدان`,
/// `ستزور`) rather than a name.
fn looks_like_future_verb(word: &str) -> bool {
    let k = rasd_text::fold(word, &rasd_text::Folds::SEARCH);
    let rest = k.strip_prefix('و').unwrap_or(&k);
    let mut cs = rest.chars();
    cs.next() == Some('س')
        && matches!(cs.next(), Some('ي' | 'ت' | 'ن'))
        && rest.chars().count() >= 5
        && !crate::english::is_name_word(word)
}

/// A word that cannot start a name: a particle (`فإن`, `لأن`, `كما`) or a
/// noun with a glued preposition and article (`للقاء`, `بالرئيس`).
fn is_lead_particle(word: &str) -> bool {
    let k = rasd_text::fold(word, &rasd_text::Folds::SEARCH);
    let k = k
        .strip_prefix(['و', 'ف'])
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(&k);
    matches!(
        k,
        "ان" | "بان"
            | "لان"
            | "كان"
            | "انه"
            | "انها"
            | "لكن"
            | "اذ"
            | "اذا"
            | "لو"
            | "قد"
            | "لقد"
            | "ثم"
            | "حتي"
            | "بل"
            | "كما"
            | "اما"
            | "لدي"
            | "عند"
            | "لدى"
            | "مثل"
            | "غير"
    ) || (k.starts_with("لل") || k.starts_with("بال") || k.starts_with("كال"))
        && !crate::english::is_name_word(word)
}

/// Corrections of person mentions against the other persons of the article:
/// * a leading particle or prepositional noun before what is otherwise a
///   known person (`فإن صدام`, `للقاء حفتر`) goes;
/// * two known persons run together (`خوري حفتر`: the family name of one
///   person, then another's) are split;
/// * a preposition glued to a one-word name (`لحفتر`) goes from the span;
/// * a lone future-tense verb (`سيعقدان`) is not a person;
/// * `صدام نجل حفتر` as one mention is split around the kinship word;
/// * an organisation or place mention that ends in a known person's family
///   name after non-name words (`قوات حفتر`) is that person.
fn clean_person_mentions(
    text_of: &dyn Fn(Field) -> Option<String>,
    mentions: Vec<Mention>,
) -> Vec<Mention> {
    // Particles first, so that `فإن عمر` does not make `عمر` a family name
    // when run-together pairs are looked for.
    let mentions = clean_pass(text_of, mentions, false);
    clean_pass(text_of, mentions, true)
}

fn clean_pass(
    text_of: &dyn Fn(Field) -> Option<String>,
    mentions: Vec<Mention>,
    split_pairs: bool,
) -> Vec<Mention> {
    // Keys of the persons of the article: full names, their first words
    // (given names) and last words (family names).
    let mut full: Vec<String> = Vec::new();
    let mut last: Vec<String> = Vec::new();
    let mut first: Vec<String> = Vec::new();
    for m in mentions.iter().filter(|m| m.etype == EntityType::PER) {
        let Some(t) = text_of(m.field) else { continue };
        let words = word_spans(&t[m.start..m.end]);
        if words.len() >= 2 {
            let name = &t[m.start..m.end];
            full.push(name_key(name));
            let (s, e) = words[words.len() - 1];
            last.push(word_key(&name[s..e]));
            let (s, e) = words[0];
            first.push(word_key(&name[s..e]));
        }
    }
    let known_last = |k: &str| last.iter().any(|l| word_keys_match(l, k));
    let known_tail = |k: &str| {
        known_last(k)
            || first.iter().any(|f| word_keys_match(f, k))
            || full.iter().any(|f| {
                f.len() > k.len() && f.ends_with(k) && f.as_bytes()[f.len() - k.len() - 1] == b' '
            })
    };
    let mut out = Vec::with_capacity(mentions.len());
    for m in mentions {
        if m.etype != EntityType::PER {
            // `قوات حفتر`, `مكتب حفتر` read as an organisation or a place:
            // a known person's family name, after words that are not
            // names, is that person.
            let fixed = text_of(m.field).and_then(|t| {
                let span = &t[m.start..m.end];
                let words = word_spans(span);
                let &(s, e) = words.last()?;
                let lead_ok = words[..words.len() - 1]
                    .iter()
                    .all(|&(a, b)| !crate::english::is_name_word(&span[a..b]));
                let w = crate::role::strip_conjunction(&span[s..e]);
                let shift = span[s..e].len() - w.len();
                (split_pairs && lead_ok && known_last(&word_key(w))).then(|| Mention {
                    start: m.start + s + shift,
                    end: m.start + e,
                    etype: EntityType::PER,
                    field: m.field,
                })
            });
            out.push(fixed.unwrap_or(m));
            continue;
        }
        let Some(t) = text_of(m.field) else {
            out.push(m);
            continue;
        };
        let span = &t[m.start..m.end];
        let words = word_spans(span);
        let at = |i: usize| &span[words[i].0..words[i].1];
        if words.len() == 1 {
            let w = at(0);
            if looks_like_future_verb(w) {
                continue;
            }
            // `لحفتر`: the rest is a known family name, the whole is not.
            let mut cs = w.char_indices();
            if let (Some((_, c)), Some((i, _))) = (cs.next(), cs.next()) {
                if matches!(c, 'ل' | 'ب')
                    && w[i..].chars().count() >= 3
                    && known_last(&word_key(&w[i..]))
                    && !known_last(&word_key(w))
                {
                    out.push(Mention {
                        start: m.start + i,
                        ..m
                    });
                    continue;
                }
            }
            out.push(m);
            continue;
        }
        // `صدام نجل حفتر` tagged as one name: the son and the father, for
        // the kinship rule of resolution to compose.
        if words.len() == 3 && is_kin(at(1)) {
            for i in [0, 2] {
                out.push(Mention {
                    start: m.start + words[i].0,
                    end: m.start + words[i].1,
                    ..m.clone()
                });
            }
            continue;
        }
        // `ستيفاني خوري حفتر`: a known full name, then another person's
        // family name.
        if split_pairs && words.len() >= 3 {
            let n = words.len();
            let head = &span[..words[n - 2].1];
            let head_key = name_key(head);
            let last_key = word_key(at(n - 1));
            let whole = name_key(span);
            // The last word is the family name of someone else: a full name
            // ending in it with another head.
            let other_family = full.iter().any(|f| {
                f.rsplit_once(' ').is_some_and(|(fh, fl)| {
                    word_keys_match(fl, &last_key) && !name_keys_match(fh, &head_key)
                })
            });
            if full
                .iter()
                .any(|f| *f != whole && name_keys_match(f, &head_key))
                && other_family
                && full.iter().filter(|f| name_keys_match(f, &whole)).count() <= 1
            {
                out.push(Mention {
                    end: m.start + words[n - 2].1,
                    ..m.clone()
                });
                out.push(Mention {
                    start: m.start + words[n - 1].0,
                    end: m.start + words[n - 1].1,
                    ..m.clone()
                });
                continue;
            }
        }
        let rest_key = name_key(&span[words[1].0..]);
        let first_key = word_key(at(0));
        if split_pairs && words.len() == 2 && known_last(&first_key) && known_tail(&rest_key) {
            // Two persons run together, unless this very name is known whole.
            let whole = name_key(span);
            if full.iter().filter(|f| name_keys_match(f, &whole)).count() <= 1 {
                for &(s, e) in &words[..2] {
                    out.push(Mention {
                        start: m.start + s,
                        end: m.start + e,
                        ..m.clone()
                    });
                }
                continue;
            }
        }
        if is_lead_particle(at(0)) && known_tail(&rest_key) {
            out.push(Mention {
                start: m.start + words[1].0,
                ..m
            });
            continue;
        }
        out.push(m);
    }
    out
}

/// Given names that are also common adjectives or nouns (`صالح` "fit",
/// `أمين` "secretary"): never propagated on their own.
const COMMON_WORD_NAMES: &[&str] = &[
    "صالح",
    "امين",
    "عادل",
    "كريم",
    "سعيد",
    "جميل",
    "حسن",
    "نبيل",
    "منير",
    "رشيد",
    "فاضل",
    "سالم",
    "شريف",
    "عزيز",
    "كامل",
    "ماجد",
    "نصر",
    "فتح",
    "سلام",
    "وليد",
    "خالد",
    "حامد",
    "محمود",
    "منصور",
    "مبارك",
    "عيد",
    "فرج",
    "بكر",
    "زين",
    "نور",
    "امل",
    "حياه",
];

/// One sense per discourse: a family name the NER model found in a full
/// name (`يونس بك يفكيروف`), or a one-word person or place name, is a
/// mention wherever else it stands alone in the article and the model
/// missed it (`زار يفكيروف`). Person names of five letters or more match by
/// their spelling-tolerant key, shorter ones and places exactly (a glued
/// `و` allowed for persons); never over an existing mention, never for
/// names that are also common words.
pub fn propagate_names(
    text_of: &dyn Fn(Field) -> Option<String>,
    mut mentions: Vec<Mention>,
) -> Vec<Mention> {
    // Person names: family names of full names, and one-word names; place
    // names: one-word places (matched exactly, no spelling tolerance).
    let mut names: Vec<String> = Vec::new();
    let mut places: Vec<String> = Vec::new();
    for m in &mentions {
        let Some(t) = text_of(m.field) else { continue };
        let span = &t[m.start..m.end];
        let words = word_spans(span);
        let (s, e) = match (m.etype, words.len()) {
            (EntityType::PER, n) if n >= 1 => words[n - 1],
            (EntityType::LOC, 1) => words[0],
            _ => continue,
        };
        let w = span[s..e].trim_matches(|c: char| !c.is_alphanumeric());
        let k = rasd_text::fold(w, &rasd_text::Folds::SEARCH);
        if w.chars().count() < 4
            || COMMON_WORD_NAMES.contains(&k.as_str())
            || NOT_NAMES.contains(&k.as_str())
            || is_lead_particle(w)
        {
            continue;
        }
        let list = if m.etype == EntityType::PER {
            &mut names
        } else {
            &mut places
        };
        if !list.iter().any(|n| n == w) {
            list.push(w.to_string());
        }
    }
    if names.is_empty() && places.is_empty() {
        return mentions;
    }
    // Spellings vary within one article (`يفكوروف`, `يفكيروف`): names of
    // five letters or more match by their transliteration-tolerant key.
    // (not when the key keeps fewer than 4 letters: `السيسي` and `السياسي`
    // share `سس`)
    let keys: Vec<(String, bool)> = names
        .iter()
        .map(|n| {
            let k = word_key(n);
            let loose = n.chars().count() >= 5 && k.chars().count() >= 4;
            (k, loose)
        })
        .collect();
    let is_name = |w: &str| {
        names.iter().any(|n| n == w)
            || (w.chars().count() >= 5 && {
                let k = word_key(w);
                keys.iter()
                    .any(|(nk, loose)| *loose && word_keys_match(nk, &k))
            })
    };
    let mut added = Vec::new();
    for field in Field::ALL {
        let Some(t) = text_of(field) else { continue };
        for tok in rasd_text::tokenize(&t) {
            let w = &t[tok.start..tok.end];
            let (start, bare) = match w.strip_prefix('و') {
                Some(rest) if is_name(rest) && !names.iter().any(|n| n == w) => {
                    (tok.start + 'و'.len_utf8(), rest)
                }
                _ => (tok.start, w),
            };
            let etype = if is_name(bare) {
                EntityType::PER
            } else if places.iter().any(|p| p == w) {
                EntityType::LOC
            } else {
                continue;
            };
            let start = if etype == EntityType::LOC {
                tok.start
            } else {
                start
            };
            let end = tok.end;
            let taken = mentions
                .iter()
                .any(|m| m.field == field && m.start < end && start < m.end);
            if !taken {
                added.push(Mention {
                    field,
                    start,
                    end,
                    etype,
                });
            }
        }
    }
    mentions.extend(added);
    mentions.sort_by_key(|m| (Field::ALL.iter().position(|f| *f == m.field), m.start));
    mentions
}

/// Kinship words after a first name: `X نجل Y` is X of family Y.
fn is_kin(w: &str) -> bool {
    matches!(
        rasd_text::fold(w, &rasd_text::Folds::SEARCH).as_str(),
        "نجل" | "ابن" | "شقيق" | "شقيقه" | "ابنه" | "كريمه" | "حفيد"
    )
}

fn is_kin_plural(w: &str) -> bool {
    matches!(
        rasd_text::fold(w, &rasd_text::Folds::SEARCH).as_str(),
        "ابنا" | "نجلا" | "ابناء" | "نجلي" | "ابني" | "شقيقا"
    )
}

struct Work {
    etype: EntityType,
    name: String,
    titles: Vec<String>,
}

/// An organisation's name without a preposition glued to its article:
/// `للأمم المتحدة` → `الأمم المتحدة`, `بالجيش الليبي` → `الجيش الليبي`.
fn strip_glued_preposition(name: &str) -> String {
    let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
    let letters = |w: &str| w.chars().count();
    let bare = if let Some(r) = first.strip_prefix("لل").filter(|r| letters(r) >= 3) {
        format!("ال{r}")
    } else if let Some(r) = ["بال", "وال", "فال", "كال"]
        .iter()
        .find_map(|p| first.strip_prefix(p).filter(|r| letters(r) >= 3))
    {
        format!("ال{r}")
    } else {
        return name.to_string();
    };
    if rest.is_empty() {
        bare
    } else {
        format!("{bare} {rest}")
    }
}

/// Resolves the mentions of one article. `text_of` gives each field's text,
/// `country_of` maps a word (a demonym or country name) to ISO alpha-2.
pub fn resolve_document(
    text_of: &dyn Fn(Field) -> Option<String>,
    mentions: &[Mention],
    country_of: &dyn Fn(&str) -> Option<&'static str>,
) -> Vec<DocEntity> {
    let texts: Vec<(Field, String)> = Field::ALL
        .iter()
        .filter_map(|&f| text_of(f).map(|t| (f, t)))
        .collect();
    let text = |f: Field| {
        texts
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    };
    let mut work: Vec<Work> = mentions
        .iter()
        .map(|m| {
            let raw = text(m.field).get(m.start..m.end).unwrap_or("").trim();
            let raw = raw.trim_matches(|c: char| !c.is_alphanumeric());
            let (name, titles) = match m.etype {
                EntityType::PER => strip_titles(raw),
                EntityType::ORG => (strip_glued_preposition(raw), vec![]),
                _ => (raw.to_string(), vec![]),
            };
            Work {
                etype: m.etype,
                name,
                titles,
            }
        })
        .collect();

    // Kinship: `خالد نجل حفتر` → خالد حفتر; `ابنا حفتر، خالد وصدام`.
    let mut composed = vec![false; mentions.len()];
    for i in 0..mentions.len() {
        if work[i].etype != EntityType::PER || work[i].name.contains(' ') {
            continue;
        }
        let t = text(mentions[i].field);
        let after: Vec<&str> = t[mentions[i].end..].split_whitespace().take(2).collect();
        let before: Vec<&str> = t[..mentions[i].start]
            .split_whitespace()
            .rev()
            .take(4)
            .collect();
        let family = if after.len() == 2 && is_kin(after[0]) {
            Some(
                after[1]
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_string(),
            )
        } else {
            // `ابنا حفتر، خالد وصدام`: the plural kin word two or three words back.
            before
                .iter()
                .position(|w| is_kin_plural(w))
                .filter(|&p| (1..=3).contains(&p))
                .map(|p| {
                    before[p - 1]
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_string()
                })
        };
        if let Some(f) = family.filter(|f| !f.is_empty()) {
            let first = work[i].name.trim_start_matches('و').to_string();
            let first = if first.chars().count() >= 3 {
                first
            } else {
                work[i].name.clone()
            };
            work[i].name = format!("{first} {f}");
            composed[i] = true;
        }
    }

    // Group: full names first (more words first), then the rest.
    let mut order: Vec<usize> = (0..mentions.len())
        .filter(|&i| !work[i].name.is_empty())
        .collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(work[i].name.split_whitespace().count()),
            composed[i],
            mentions[i].field != Field::Body,
            mentions[i].start,
        )
    });
    let mut ents: Vec<DocEntity> = Vec::new();
    for &i in &order {
        let w = &work[i];
        let mut k = name_key(&w.name);
        let words = w.name.split_whitespace().count();
        // a one-word key of fewer than 4 letters (`سس`: السيسي, السياسي,
        // السويس) joins only the same written form
        let short = !k.contains(' ') && k.chars().count() < 4;
        let fw = rasd_text::fold(&w.name, &rasd_text::Folds::SEARCH);
        let mut target = ents.iter().position(|e| {
            e.etype == w.etype
                && name_keys_match(&e.key, &k)
                && !(w.etype == EntityType::PER && crate::english::distinct_names(&e.name, &w.name))
                && (!short || rasd_text::fold(&e.name, &rasd_text::Folds::SEARCH) == fw)
        });
        if target.is_none() && w.etype == EntityType::PER && words == 1 {
            // A conjunction glued to a known name: `وصدام`.
            if let Some(stripped) = w.name.strip_prefix('و').filter(|s| s.chars().count() >= 3) {
                let sk = word_key(stripped);
                if ents.iter().any(|e| {
                    e.etype == EntityType::PER && e.key.split(' ').any(|p| word_keys_match(p, &sk))
                }) {
                    k = sk;
                }
            }
            // A bare family name: the first full-named person of that family
            // (the article's main one); a bare first name: its person.
            let last = |e: &DocEntity| e.key.rsplit(' ').next().map(str::to_string);
            let first = |e: &DocEntity| e.key.split(' ').next().map(str::to_string);
            let cands: Vec<usize> = (0..ents.len())
                .filter(|&j| ents[j].etype == EntityType::PER && ents[j].key.contains(' '))
                .collect();
            // a key of fewer than 4 letters (`كل`: غال, جوجل) needs the same
            // written form
            let short = k.chars().count() < 4;
            let folded = |x: &str| {
                let f = rasd_text::fold(x, &rasd_text::Folds::SEARCH);
                f.strip_prefix("ال").map(str::to_string).unwrap_or(f)
            };
            let same_form = |j: usize| {
                !short
                    || ents[j]
                        .name
                        .rsplit(' ')
                        .next()
                        .is_some_and(|l| folded(l) == folded(&w.name))
            };
            target = cands
                .iter()
                .copied()
                .filter(|&j| {
                    last(&ents[j]).is_some_and(|l| word_keys_match(&l, &k)) && same_form(j)
                })
                .min_by_key(|&j| {
                    (
                        ents[j].composed,
                        ents[j].mentions.iter().map(|&m| mentions[m].start).min(),
                    )
                });
            if target.is_none() {
                let firsts: Vec<usize> = cands
                    .iter()
                    .copied()
                    .filter(|&j| first(&ents[j]).is_some_and(|f| word_keys_match(&f, &k)))
                    .collect();
                if firsts.len() == 1 {
                    target = Some(firsts[0]);
                }
            }
        }
        if target.is_none() && w.etype == EntityType::ORG {
            // `مجموعة فاغنر` and `فاغنر`.
            target = ents.iter().position(|e| {
                e.etype == EntityType::ORG
                    && (e.key.ends_with(&format!(" {k}")) || k.ends_with(&format!(" {}", e.key)))
            });
        }
        let j = match target {
            Some(j) => j,
            None => {
                ents.push(DocEntity {
                    etype: w.etype,
                    name: w.name.clone(),
                    key: k.clone(),
                    mentions: vec![],
                    variants: vec![],
                    roles: vec![],
                    countries: vec![],
                    sector: None,
                    composed: composed[i],
                    place: None,
                });
                ents.len() - 1
            }
        };
        let e = &mut ents[j];
        e.mentions.push(i);
        let surface = text(mentions[i].field)
            .get(mentions[i].start..mentions[i].end)
            .unwrap_or("")
            .trim()
            .to_string();
        let (bare, _) = if w.etype == EntityType::PER {
            strip_titles(&surface)
        } else {
            (surface.clone(), vec![])
        };
        if !e.variants.contains(&bare) {
            e.variants.push(bare);
        }
        for t in &w.titles {
            e.roles.push((
                mentions[i].field,
                Role {
                    text: t.clone(),
                    start: mentions[i].start,
                    end: mentions[i].start,
                },
            ));
        }
        if w.etype == EntityType::PER {
            let m = &mentions[i];
            for r in roles_around(text(m.field), m.start, m.end) {
                // A role phrase after the name that runs into another
                // person's name is that person's title, not an apposition:
                // `التقى هالفورسن وزير الخارجية السوداني عادل الطيب`.
                let other_person = r.start >= m.end
                    && mentions.iter().any(|o| {
                        o.field == m.field
                            && o.etype == EntityType::PER
                            && o.start > m.end
                            && o.start <= r.end + 1
                    });
                if !other_person {
                    e.roles.push((m.field, r));
                }
            }
        }
    }

    // Countries and sectors from the role phrases.
    for e in &mut ents {
        let mut sectors: Vec<Sector> = Vec::new();
        for (_, r) in &e.roles {
            let mut prev = String::new();
            for w in r.text.split_whitespace() {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                // after an honorific a demonym is a given name (`الأمير تركي`)
                let named = HONORIFICS.contains(&prev.as_str());
                prev = rasd_text::fold(w, &rasd_text::Folds::SEARCH);
                if named {
                    continue;
                }
                if let Some(c) = country_of(w) {
                    e.countries.push((c.to_string(), r.text.clone()));
                }
            }
            sectors.extend(sector_of(&r.text));
        }
        if e.etype == EntityType::ORG {
            sectors.extend(sector_of(&e.name));
            for &m in &e.mentions {
                sectors.extend(org_context_sector(
                    text(mentions[m].field),
                    mentions[m].start,
                ));
            }
        }
        // The most frequent sector; ties go to the first seen.
        e.sector = sectors.iter().copied().max_by_key(|s| {
            (
                sectors.iter().filter(|x| *x == s).count(),
                std::cmp::Reverse(sectors.iter().position(|x| x == s)),
            )
        });
        e.mentions.sort_unstable();
    }
    ents
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, s: &str, nth: usize) -> (usize, usize) {
        let mut from = 0;
        let mut pos = 0;
        for _ in 0..=nth {
            pos = from
                + text[from..]
                    .find(s)
                    .unwrap_or_else(|| panic!("{s} not in text"));
            from = pos + s.len();
        }
        (pos, pos + s.len())
    }

    /// Body mentions of `(text, nth occurrence, type)`, resolved as one
    /// article with [`demo_country`].
    fn resolve_body(text: &str, spans: &[(&str, usize, EntityType)]) -> Vec<DocEntity> {
        let mentions: Vec<Mention> = spans
            .iter()
            .map(|&(s, n, t)| {
                let (a, b) = find(text, s, n);
                Mention {
                    field: Field::Body,
                    start: a,
                    end: b,
                    etype: t,
                }
            })
            .collect();
        resolve_document(
            &|f| (f == Field::Body).then(|| text.to_string()),
            &mentions,
            &demo_country,
        )
    }

    fn demo_country(w: &str) -> Option<&'static str> {
        match w {
            "الروسي" | "روسيا" => Some("RU"),
            "الليبي" | "ليبيا" => Some("LY"),
            "تركي" | "التركي" => Some("TR"),
            _ => None,
        }
    }

    #[test]
    fn a_title_before_the_next_name_is_not_an_apposition() {
        let text = "والتقى الموفد ماركوس هالفورسن وزير الخارجية الليبي عادل الطيب في المدينة.";
        let ents = resolve_body(
            text,
            &[
                ("ماركوس هالفورسن", 0, EntityType::PER),
                ("عادل الطيب", 0, EntityType::PER),
            ],
        );
        let by = |n: &str| ents.iter().find(|e| e.name == n).unwrap();
        assert!(by("ماركوس هالفورسن")
            .roles
            .iter()
            .all(|(_, r)| !r.text.contains("وزير")));
        assert!(by("ماركوس هالفورسن").countries.is_empty());
        assert!(by("عادل الطيب").countries.iter().any(|(c, _)| c == "LY"));
    }

    #[test]
    fn a_family_and_a_foreign_name_in_several_spellings() {
        let text =
            "بحث نائب وزير الدفاع الروسي يونس بك يفكيروف مع اللواء المتقاعد خليفة حفتر التعاون. \
                    ووصل يفكوروف الجمعة، واستقبله خالد نجل حفتر. وقال حفتر إن فكيروف أكد الدعم. \
                    وشارك ابنا حفتر، خالد وصدام، في المشاورات. ووصل صدام نجل حفتر إلى العاصمة.";
        let spans = [
            ("يونس بك يفكيروف", 0, EntityType::PER),
            ("اللواء المتقاعد خليفة حفتر", 0, EntityType::PER),
            ("يفكوروف", 0, EntityType::PER),
            ("خالد", 0, EntityType::PER),
            ("حفتر", 2, EntityType::PER),
            ("حفتر", 3, EntityType::PER),
            ("فكيروف", 1, EntityType::PER),
            ("خالد", 1, EntityType::PER),
            ("وصدام", 0, EntityType::PER),
            ("صدام", 1, EntityType::PER),
        ];
        let ents = resolve_body(text, &spans);
        let names: Vec<&str> = ents.iter().map(|e| e.name.as_str()).collect();
        let by = |n: &str| {
            ents.iter()
                .find(|e| e.name == n)
                .unwrap_or_else(|| panic!("no {n} in {names:?}"))
        };
        let yev = by("يونس بك يفكيروف");
        assert_eq!(yev.mentions.len(), 3, "{names:?}");
        assert!(yev.countries.iter().any(|(c, _)| c == "RU"));
        assert_eq!(yev.sector, Some(Sector::GOV));
        let haftar = by("خليفة حفتر");
        assert_eq!(
            haftar.mentions.len(),
            3,
            "the bare family name goes to the main person: {names:?}"
        );
        assert_eq!(haftar.sector, Some(Sector::MIL));
        assert!(haftar.variants.iter().all(|v| !v.contains("اللواء")));
        assert_eq!(by("خالد حفتر").mentions.len(), 2);
        assert_eq!(by("صدام حفتر").mentions.len(), 2);
        assert_eq!(ents.len(), 4, "{names:?}");
    }

    #[test]
    fn a_demonym_after_an_honorific_is_a_name() {
        // the model missed Prince Turki: his name is in Prince Khaled's role
        let text = "وحضر الأمير تركي الفيصل رئيس مجلس إدارة المركز الأمير خالد الفيصل، \
                    وقال الوزير التركي مولود جاويش أوغلو إنه وصل.";
        let ents = resolve_body(
            text,
            &[
                ("خالد الفيصل", 0, EntityType::PER),
                ("مولود جاويش أوغلو", 0, EntityType::PER),
            ],
        );
        let by = |n: &str| ents.iter().find(|e| e.name == n).unwrap();
        let khaled = by("خالد الفيصل");
        assert!(
            khaled.roles.iter().any(|(_, r)| r.text.contains("تركي")),
            "{:?}",
            khaled.roles
        );
        assert!(khaled.countries.is_empty(), "{:?}", khaled.countries);
        assert!(by("مولود جاويش أوغلو")
            .countries
            .iter()
            .any(|(c, _)| c == "TR"));
    }

    #[test]
    fn short_keys_join_only_the_same_written_form() {
        // السيسي, السياسي and السويس share the key `سس`; حفتر (4 letters) keeps
        // its tolerance
        let text = "قال الرئيس عبد الفتاح السيسي إن السيسي يتابع الملف السياسي، \
                    وزار السيسي مدينة السويس.";
        let spans = [
            ("عبد الفتاح السيسي", 0, EntityType::PER),
            ("السيسي", 1, EntityType::PER),
            ("السياسي", 0, EntityType::PER),
            ("السيسي", 2, EntityType::PER),
            ("السويس", 0, EntityType::PER),
        ];
        let ents = resolve_body(text, &spans);
        let names: Vec<(&str, usize)> = ents
            .iter()
            .map(|e| (e.name.as_str(), e.mentions.len()))
            .collect();
        assert_eq!(
            names,
            [("عبد الفتاح السيسي", 3), ("السياسي", 1), ("السويس", 1)]
        );
    }

    #[test]
    fn organisation_spellings_and_heads() {
        let text = "أعلن رئيس مجموعة فاغنر أن مقاتلي فاجنر باقون، وقال إن فاغنر لن تنسحب.";
        let mentions = vec![
            Mention {
                field: Field::Body,
                start: find(text, "مجموعة فاغنر", 0).0,
                end: find(text, "مجموعة فاغنر", 0).1,
                etype: EntityType::ORG,
            },
            Mention {
                field: Field::Body,
                start: find(text, "فاجنر", 0).0,
                end: find(text, "فاجنر", 0).1,
                etype: EntityType::ORG,
            },
            Mention {
                field: Field::Body,
                start: find(text, "فاغنر", 1).0,
                end: find(text, "فاغنر", 1).1,
                etype: EntityType::ORG,
            },
        ];
        let ents = resolve_document(
            &|f| (f == Field::Body).then(|| text.to_string()),
            &mentions,
            &|_| None,
        );
        assert_eq!(ents.len(), 1, "{ents:?}");
        assert_eq!(ents[0].name, "مجموعة فاغنر");
        assert_eq!(ents[0].variants.len(), 3);
    }

    /// PER mentions of the given surface strings (first occurrences), run
    /// through `fix_mentions`, as surface strings.
    fn fixed_persons(text: &str, names: &[&str]) -> Vec<String> {
        through(fix_mentions, text, names)
    }

    /// A mention-fixing step (`fix_mentions`, `propagate_names`).
    type Step = fn(&dyn Fn(Field) -> Option<String>, Vec<Mention>) -> Vec<Mention>;

    /// PER mentions of the first occurrences of `names` in the body `text`,
    /// run through `step`, as surface strings.
    fn through(step: Step, text: &str, names: &[&str]) -> Vec<String> {
        let mentions = names
            .iter()
            .map(|n| {
                let (start, end) = find(text, n, 0);
                Mention {
                    field: Field::Body,
                    start,
                    end,
                    etype: EntityType::PER,
                }
            })
            .collect();
        let text_of = |f: Field| (f == Field::Body).then(|| text.to_string());
        step(&text_of, mentions)
            .into_iter()
            .map(|m| text[m.start..m.end].to_string())
            .collect()
    }

    #[test]
    fn person_mentions_lose_particles_and_split_where_two_persons_run_together() {
        let text = "التقت المبعوثة سلمى خوري القائد عمر الزين. وأبلغت خوري الزين بالموقف، \
                    وسافر يفكيروف للقاء الزين، فإن عمر سيعقدان لقاء لاحقا مع لعمر الزين.";
        let got = fixed_persons(
            text,
            &[
                "سلمى خوري",
                "عمر الزين",
                "خوري الزين",
                "للقاء الزين",
                "فإن عمر",
                "سيعقدان",
            ],
        );
        assert_eq!(
            got,
            vec!["سلمى خوري", "عمر الزين", "خوري", "الزين", "الزين", "عمر"],
            "particles dropped, the run-together pair split, the verb gone"
        );
        // A given name the names table does not know is kept.
        let text = "وصل ساليفو مودي إلى العاصمة، واستقبل مودي الوفد.";
        assert_eq!(
            fixed_persons(text, &["ساليفو مودي", "مودي"]),
            vec!["ساليفو مودي", "مودي"]
        );
    }

    #[test]
    fn a_full_name_run_into_another_persons_family_name_is_split() {
        let text = "زارت المبعوثة سلمى خوري القائد عمر الزين، ثم أبلغت سلمى خوري الزين بالموقف.";
        let got = fixed_persons(text, &["سلمى خوري", "عمر الزين", "سلمى خوري الزين"]);
        assert_eq!(got, vec!["سلمى خوري", "عمر الزين", "سلمى خوري", "الزين"]);
        // A three-word name whose last word is its own family name stays.
        let text = "وصل يونس بك يفكيروف، ثم قال يفكيروف إن يونس بك يفكيروف سيعود.";
        assert_eq!(
            fixed_persons(text, &["يونس بك يفكيروف", "يفكيروف"]),
            vec!["يونس بك يفكيروف", "يفكيروف"]
        );
    }

    #[test]
    fn a_family_name_the_model_missed_is_propagated_from_the_full_name() {
        let text = "وصل يونس بك يفكيروف إلى المدينة. وسبق أن زار يفكوروف مرارا المنطقة، \
                    والتقى ويفكيروف القادة. وقال عقيلة صالح إن الاتفاق صالح للتطبيق.";
        let got = through(propagate_names, text, &["يونس بك يفكيروف", "عقيلة صالح"]);
        assert_eq!(
            got,
            vec!["يونس بك يفكيروف", "يفكوروف", "يفكيروف", "عقيلة صالح"],
            "the family name twice (once spelt otherwise, once after و), not the adjective صالح"
        );
    }

    #[test]
    fn a_kinship_phrase_tagged_as_one_name_is_split_for_composition() {
        let text = "واستقبل القائد عمر الزين في مكتبه، ثم وصل سامي نجل الزين.";
        assert_eq!(
            fixed_persons(text, &["عمر الزين", "سامي نجل الزين"]),
            vec!["عمر الزين", "سامي", "الزين"]
        );
    }
}

#[cfg(test)]
mod glued_preposition_tests {
    use super::strip_glued_preposition as strip;

    #[test]
    fn prepositions_glued_to_an_organisation_go() {
        assert_eq!(strip("للأمم المتحدة"), "الأمم المتحدة");
        assert_eq!(strip("بالجيش الوطني الليبي"), "الجيش الوطني الليبي");
        assert_eq!(strip("والحكومة"), "الحكومة");
        // Too short to be a glued article, or no article at all.
        assert_eq!(strip("والي"), "والي");
        assert_eq!(strip("الأمم المتحدة"), "الأمم المتحدة");
        assert_eq!(strip("فاغنر"), "فاغنر");
        assert_eq!(strip("للتنمية"), "التنمية");
    }
}

#[cfg(test)]
mod not_names_tests {
    use super::names_someone;

    #[test]
    fn titles_and_formulas_name_nobody() {
        for t in [
            "ولي",
            "ولي العهد",
            "العهد",
            "رحمه الله",
            "يرحمه الله",
            "سمو",
            "الله",
        ] {
            assert!(!names_someone(t), "{t}");
        }
        for t in [
            "محمد بن نايف",
            "ولي العهد الأمير محمد بن نايف",
            "عبدالله",
            "وليد المعلم",
        ] {
            assert!(names_someone(t), "{t}");
        }
    }
}
