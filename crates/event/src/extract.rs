//! Trigger matching, modifiers and argument assignment for one sentence.

use rasd_text::{fold_into, segment, tokenize, Folds, TokenKind};

use crate::lexicon::{lexicon, Class, Entry, Lexicon, MAX_GAP};
use crate::sense::{self, strip_base};
use crate::words::{words, Prep, Words};
use crate::{ActorRef, Arg, ArgKind, EventMention, EventType, SentenceInput};

/// Longest sentence (bytes) looked at; the rest is ignored.
const MAX_SENTENCE: usize = 20_000;

const C_PAST: u8 = 1;
const C_PRES: u8 = 2;
const C_NOUN: u8 = 4;
const C_EXACT: u8 = 8;
const C_ALL: u8 = 15;

fn class_bit(c: Class) -> u8 {
    match c {
        Class::Past => C_PAST,
        Class::Pres => C_PRES,
        Class::Noun => C_NOUN,
        Class::Exact => C_EXACT,
    }
}

/// One token of the sentence.
struct Tok {
    start: usize,
    end: usize,
    word: bool,
    /// Sentence-internal hard boundary (`. ؛ : ؟ !`).
    hard: bool,
    /// Comma.
    comma: bool,
    /// Folded key of the whole token.
    key: String,
    /// Key without `و ف` and the article (see [`strip_base`]).
    base: String,
    /// Starts with the conjunction `و`/`ف` (split off).
    conj: bool,
}

/// How a token reading was obtained.
#[derive(Clone, Copy, Default)]
struct Reading {
    classes: u8,
    /// A plural or dual verb form (`يدعمون`): no subject follows it.
    plural: bool,
    future: bool,
    encl: bool,
    prep: Option<char>,
    conj: bool,
}

/// A lexicon hit on one token.
#[derive(Clone, Copy)]
struct THit {
    entry: u32,
    elem: u8,
    class: Class,
    r: Reading,
}

/// A matched pattern.
struct Match {
    entry: u32,
    toks: Vec<usize>,
    head: THit,
    /// A mode taken from an overlapping, more specific pattern of the same
    /// type (`قدم … مساعدات` + `مساعدات إنسانية`).
    mode: Option<String>,
    /// Dropped as part of another event (a complement, a relative clause).
    merged: bool,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The readings of a folded word: the whole key, without the conjunction,
/// without the future `س`, without prepositions and the article (nouns
/// only), without an object pronoun, and the rasd-text segmentation stem.
fn readings(key: &str, word: &str) -> Vec<(String, Reading)> {
    let mut out: Vec<(String, Reading)> = Vec::with_capacity(12);
    let mut bases: Vec<(&str, bool)> = vec![(key, false)];
    if chars(key) >= 3 {
        if let Some(r) = key.strip_prefix('و').or_else(|| key.strip_prefix('ف')) {
            bases.push((r, true));
        }
    }
    for (b, conj) in bases {
        let all = Reading {
            classes: C_ALL,
            conj,
            ..Reading::default()
        };
        out.push((b.to_string(), all));
        let mut fut: Option<&str> = None;
        if chars(b) >= 4 {
            if let Some(r) = b.strip_prefix('س') {
                if r.starts_with(['ي', 'ت', 'ن', 'ا']) {
                    fut = Some(r);
                    out.push((
                        r.to_string(),
                        Reading {
                            classes: C_PRES,
                            future: true,
                            conj,
                            ..Reading::default()
                        },
                    ));
                }
            }
        }
        let noun = |prep: Option<char>, classes: u8| Reading {
            classes,
            prep,
            conj,
            ..Reading::default()
        };
        if chars(b) >= 4 {
            if let Some(r) = b.strip_prefix("لل") {
                out.push((format!("ال{r}"), noun(Some('ل'), C_NOUN | C_EXACT)));
                out.push((r.to_string(), noun(Some('ل'), C_NOUN)));
            } else if let Some(r) = b.strip_prefix("ال") {
                out.push((r.to_string(), noun(None, C_NOUN)));
            } else if let Some(c) = b.chars().next().filter(|c| matches!(c, 'ب' | 'ل' | 'ك')) {
                let r = &b[c.len_utf8()..];
                out.push((r.to_string(), noun(Some(c), C_NOUN | C_EXACT)));
                if let Some(r2) = r.strip_prefix("ال") {
                    if chars(r2) >= 2 {
                        out.push((r2.to_string(), noun(Some(c), C_NOUN)));
                    }
                } else {
                    // A possessive after the preposition: بموقفها، لزيارته.
                    for suf in ["هما", "هم", "ها", "ه", "كم", "نا", "هن"] {
                        if suf == "ه" && word.ends_with('ة') {
                            break;
                        }
                        if let Some(r2) = r.strip_suffix(suf) {
                            if chars(r2) >= 3 {
                                let mut rd = noun(Some(c), C_NOUN);
                                rd.encl = true;
                                out.push((r2.to_string(), rd));
                            }
                            break;
                        }
                    }
                }
            }
        }
        for x in [Some(b), fut].into_iter().flatten() {
            for suf in ["هما", "هم", "ها", "ه", "كم", "نا", "هن"] {
                if suf == "ه" && word.ends_with('ة') {
                    break; // ta marbuta, folded to ه
                }
                if let Some(r) = x.strip_suffix(suf) {
                    if chars(r) >= 3 {
                        out.push((
                            r.to_string(),
                            Reading {
                                classes: C_PAST | C_PRES | C_NOUN,
                                encl: true,
                                future: fut == Some(x),
                                conj,
                                ..Reading::default()
                            },
                        ));
                    }
                    break;
                }
            }
        }
    }
    let seg = segment(word, &|_| false);
    if seg.is_split() {
        let stem = seg.stem_key(word);
        if !stem.is_empty() && !out.iter().any(|(k, _)| *k == stem) {
            out.push((
                stem,
                Reading {
                    classes: C_ALL,
                    encl: seg.enclitic.is_some(),
                    ..Reading::default()
                },
            ));
        }
    }
    out
}

/// What stands after a verb in subject position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subj {
    /// An actor mention.
    Found(usize),
    /// Title or role words with no name (`رئيس الوزراء`): a subject we cannot
    /// resolve, not an implicit one.
    Titled,
    /// A content word that is no actor (`وصل حجم التبادل`).
    NonActor,
    /// A subject that names nobody (`ودعت الصحف`, `طالب مغردون`).
    Unnamed,
    /// Nothing: a preposition, punctuation or the end (`وبحث مع`).
    Nothing,
}

/// A mention usable as an argument.
#[derive(Clone, Debug)]
struct Men {
    t0: usize,
    t1: usize,
    /// Person, Org or Other argument (an entity actor).
    entity_actor: bool,
    /// A person argument.
    person: bool,
    /// A place argument.
    is_place: bool,
    /// A country name, capital or demonym (can stand for a government).
    metonymic: bool,
    actor: Option<ActorRef>,
    place: Option<usize>,
    prep: Option<Prep>,
}

fn valid_span(text: &str, s: usize, e: usize) -> bool {
    s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
}

pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

struct Ctx<'a> {
    input: &'a SentenceInput<'a>,
    toks: Vec<Tok>,
    mens: Vec<Men>,
    w: &'static Words,
    lx: &'static Lexicon,
    /// Token index → word index (for the sense features).
    word_idx: Vec<usize>,
    word_keys: Vec<String>,
}

/// The types of the lexicon entries whose first word `word` (folded:
/// `key`) may be, before any sense or context rule: features of the learned
/// coder.
pub(crate) fn raw_types(key: &str, word: &str) -> Vec<EventType> {
    let lx = lexicon();
    let mut out = Vec::new();
    for (k, r) in readings(key, word) {
        if let Some(slots) = lx.index.get(&k) {
            for s in slots {
                if s.elem != 0 || r.classes & class_bit(s.class) == 0 {
                    continue;
                }
                let t = lx.entries[s.entry as usize].etype;
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
    out
}

/// Is `word` an inflected form of a verb of the lexicon (past or present,
/// any element of a pattern: `أجريا`, `بحثا`)? A one-word name that is one
/// is an NER slip, never an actor.
pub fn verb_form(word: &str) -> bool {
    let key = rasd_text::fold(word, &Folds::SEARCH);
    let lx = lexicon();
    readings(&key, word).into_iter().any(|(k, r)| {
        lx.index.get(&k).is_some_and(|slots| {
            slots.iter().any(|s| {
                matches!(s.class, Class::Past | Class::Pres) && r.classes & class_bit(s.class) != 0
            })
        })
    })
}

/// Codes the events of one sentence. See the crate documentation.
pub fn extract(input: &SentenceInput) -> Vec<EventMention> {
    let text = input.text;
    let s0 = floor_boundary(text, input.start);
    let mut s1 = floor_boundary(text, input.end);
    if s1 <= s0 {
        return Vec::new();
    }
    if s1 - s0 > MAX_SENTENCE {
        s1 = floor_boundary(text, s0 + MAX_SENTENCE);
    }
    let Some(sent) = text.get(s0..s1) else {
        return Vec::new();
    };
    let w = words();
    let lx = lexicon();
    let mut toks = Vec::new();
    let mut buf = String::new();
    for t in tokenize(sent) {
        let raw = &sent[t.start..t.end];
        buf.clear();
        fold_into(raw, &Folds::SEARCH, &mut buf);
        let word = t.kind == TokenKind::Word;
        let hard = t.kind == TokenKind::Punct && raw.contains(['.', '؛', ';', ':', '؟', '?', '!']);
        let comma = t.kind == TokenKind::Punct && raw.contains(['،', ',']);
        let conj = word && chars(&buf) >= 4 && buf.starts_with(['و', 'ف']);
        toks.push(Tok {
            start: s0 + t.start,
            end: s0 + t.end,
            word,
            hard,
            comma,
            base: strip_base(&buf).to_string(),
            key: buf.clone(),
            conj,
        });
    }
    if toks.is_empty() {
        return Vec::new();
    }
    // 1. Lexicon hits per token.
    let mut hits: Vec<Vec<THit>> = Vec::with_capacity(toks.len());
    for t in &toks {
        let mut v: Vec<THit> = Vec::new();
        if t.word && !t.key.is_empty() {
            // A verb never carries tanween: `فجراً` is "at dawn", not
            // "they two blew up".
            let tanween = text[t.start..t.end].contains(['\u{064B}', '\u{064C}', '\u{064D}']);
            for (k, r) in readings(&t.key, &text[t.start..t.end]) {
                if let Some(slots) = lx.index.get(&k) {
                    for s in slots {
                        if r.classes & class_bit(s.class) == 0 {
                            continue;
                        }
                        if tanween && matches!(s.class, Class::Past | Class::Pres) {
                            continue;
                        }
                        if v.iter().any(|h| h.entry == s.entry && h.elem == s.elem) {
                            continue;
                        }
                        let mut r = r;
                        if matches!(s.class, Class::Past | Class::Pres) {
                            let lemma = &lx.entries[s.entry as usize].lemma;
                            r.plural = ["ون", "وا", "ان"]
                                .iter()
                                .any(|suf| k.ends_with(suf) && !lemma.ends_with(suf));
                        }
                        v.push(THit {
                            entry: s.entry,
                            elem: s.elem,
                            class: s.class,
                            r,
                        });
                    }
                }
            }
        }
        hits.push(v);
    }
    if hits.iter().all(|v| v.iter().all(|h| h.elem != 0)) {
        return Vec::new();
    }
    // 2. Pattern matches. A word of a name is no trigger (`قوات الدعم
    // السريع`, `مكتب التحقيقات الفيدرالي`, `وعدن` "and Aden", not "they
    // promised").
    let in_name = |t: &Tok| {
        input
            .args
            .iter()
            .any(|a| valid_span(text, a.start, a.end) && a.start < t.end && t.start < a.end)
    };
    let mut cands: Vec<Match> = Vec::new();
    for i in 0..toks.len() {
        for h in hits[i].iter().filter(|h| h.elem == 0) {
            let e = &lx.entries[h.entry as usize];
            if let Some(m) = match_entry(&toks, &hits, e, h.entry, i) {
                if reject_by_neighbours(&toks, e, &m) || m.iter().any(|&t| in_name(&toks[t])) {
                    continue;
                }
                cands.push(Match {
                    entry: h.entry,
                    toks: m,
                    head: *h,
                    mode: None,
                    merged: false,
                });
            }
        }
    }
    if cands.is_empty() {
        return Vec::new();
    }
    cands.sort_by(|a, b| {
        let ea = &lx.entries[a.entry as usize];
        let eb = &lx.entries[b.entry as usize];
        b.toks
            .len()
            .cmp(&a.toks.len())
            .then(eb.verbal.cmp(&ea.verbal))
            .then(eb.spec.total_cmp(&ea.spec))
            .then(a.toks[0].cmp(&b.toks[0]))
            .then(a.entry.cmp(&b.entry))
    });
    let mut used = vec![false; toks.len()];
    let mut matches: Vec<Match> = Vec::new();
    let mut rejected: Vec<Match> = Vec::new();
    for m in cands {
        if m.toks.iter().any(|&t| used[t]) {
            rejected.push(m);
            continue;
        }
        for &t in &m.toks {
            used[t] = true;
        }
        matches.push(m);
    }
    // Modes from overlapping, more specific patterns of the same type.
    for m in &mut matches {
        let e = &lx.entries[m.entry as usize];
        if e.mode.is_some() {
            continue;
        }
        if let Some(r) = rejected.iter().find(|r| {
            let re = &lx.entries[r.entry as usize];
            re.etype == e.etype && re.mode.is_some() && r.toks.iter().any(|t| m.toks.contains(t))
        }) {
            m.mode = lx.entries[r.entry as usize].mode.clone();
            let last = *r.toks.last().unwrap_or(&0);
            if last > *m.toks.last().unwrap_or(&0) {
                m.toks.push(last);
            }
        }
    }
    matches.sort_by_key(|m| m.toks[0]);
    merge_matches(&toks, lx, &mut matches);
    // 3. Mentions.
    let mut word_idx = Vec::with_capacity(toks.len());
    let mut word_keys = Vec::new();
    for t in &toks {
        word_idx.push(word_keys.len());
        if t.word {
            word_keys.push(t.base.clone());
        }
    }
    let mut cx = Ctx {
        input,
        toks,
        mens: Vec::new(),
        w,
        lx,
        word_idx,
        word_keys,
    };
    cx.build_mentions(s0, s1);
    let heads: Vec<usize> = matches
        .iter()
        .filter(|m| lx.entries[m.entry as usize].verbal)
        .map(|m| m.toks[0])
        .collect();
    let question = is_question(sent, &cx.toks);
    // Clauses about non-political subjects (`يهدد الجفاف`, `رفض الطالب`).
    let mut nonpol = vec![false; matches.len()];
    for mi in 0..matches.len() {
        nonpol[mi] = cx.nonpol_clause(&matches, mi, &heads, &nonpol[..mi]);
    }
    let mut out: Vec<EventMention> = Vec::new();
    for (mi, m) in matches.iter().enumerate() {
        if m.merged || nonpol[mi] || cx.vehicle_arrival(m) {
            continue;
        }
        let (before, after) = (&matches[..mi], &matches[mi + 1..]);
        if let Some(ev) = cx.code(m, before, after, &heads, (s0, s1), question) {
            let dup = out.iter_mut().find(|o| {
                o.etype == ev.etype
                    && o.negated == ev.negated
                    && o.intent == ev.intent
                    && ((o.mode == ev.mode && o.source == ev.source && o.target == ev.target)
                        || (ev.source == Some(ActorRef::Implicit)
                            && (ev.mode.is_none() || ev.mode == o.mode)
                            && (ev.target.is_none() || ev.target == o.target)))
            });
            match dup {
                Some(o) => {
                    if o.place.is_none() {
                        o.place = ev.place;
                    }
                    if o.time.is_none() {
                        o.time = ev.time;
                    }
                    o.confidence = o.confidence.max(ev.confidence);
                }
                None => out.push(ev),
            }
        }
    }
    out
}

/// Marks matches that are part of another one: a trigger inside another
/// trigger's phrase or right after it with the same type (`فجر انتحاري
/// نفسه`, `شبكة لتهريب المخدرات`), a verb in a relative clause on a trigger
/// noun of the same type (`الهجوم الذي استهدف`) or on any indefinite
/// trigger noun (`عملية سطو مسلح استهدفت`), the topics of talks (`بحث …
/// التعاون`), and the purpose of aid (`قدم منحة لدعم الموازنة`).
fn merge_matches(toks: &[Tok], lx: &Lexicon, ms: &mut [Match]) {
    let n = ms.len();
    for i in 0..n {
        let (ei, hi) = (&lx.entries[ms[i].entry as usize], ms[i].toks[0]);
        for j in 0..n {
            if i == j || ms[j].merged {
                continue;
            }
            let ej = &lx.entries[ms[j].entry as usize];
            let (j0, j1) = (ms[j].toks[0], *ms[j].toks.last().unwrap_or(&0));
            let same = ei.etype == ej.etype;
            let inside = same && j0 < hi && hi <= j1;
            let right_after = same && !ei.verbal && hi == j1 + 1;
            // The object of a verb of the same type: حشد الجيش تعزيزات، تعرضت لهجوم بعبوة.
            let object = same
                && !ei.verbal
                && ms[i].head.r.prep != Some('ل')
                && ej.verbal
                && j1 < hi
                && hi <= j1 + 4
                && !(j1..hi).any(|k| toks[k].hard);
            let relative = same
                && ei.verbal
                && hi >= 2
                && j1 == hi - 2
                && matches!(
                    toks[hi - 1].key.as_str(),
                    "الذي" | "التي" | "الذين" | "اللذين" | "اللتين"
                );
            let topic = ej.etype == EventType::Consult
                && j0 < hi
                && hi <= j1 + 20
                && !(j1..hi).any(|k| toks[k].hard)
                && !ei.verbal
                && ei.spec <= 0.6
                && matches!(ei.etype, EventType::Cooperate | EventType::Support);
            let calm = |a: usize, b: usize| !(a..b).any(|k| toks[k].hard || toks[k].comma);
            // An ambiguous verb right after an indefinite trigger noun
            // describes that event: عملية سطو مسلح استهدفت فرعا.
            let rel_indef = ei.verbal
                && ei.hints.amb
                && !ej.verbal
                && j1 < hi
                && hi <= j1 + 2
                && calm(j1 + 1, hi)
                && !definite(&toks[j0]);
            // `يصل … إلى القاهرة في جولة إقليمية`: the same visit.
            let same_visit = same
                && !ei.verbal
                && ej.verbal
                && ei.mode.as_deref() == Some("visit")
                && ej.mode.as_deref() == Some("visit")
                && j1 < hi
                && hi <= j1 + 14
                && !(j1..hi).any(|k| toks[k].hard);
            // `استدعت سفيرها للتشاور`: the purpose of a diplomatic act.
            let diplomatic_purpose = ei.etype == EventType::Consult
                && !ei.verbal
                && ms[i].head.r.prep == Some('ل')
                && matches!(ej.etype, EventType::Sanction | EventType::Disapprove)
                && j1 < hi
                && hi <= j1 + 4
                && calm(j1, hi);
            let aid_purpose = ei.etype == EventType::Support
                && !ei.verbal
                && ms[i].head.r.prep == Some('ل')
                && ej.etype == EventType::Aid
                && j1 < hi
                && hi <= j1 + 6
                && calm(j1, hi);
            // `غارة شنتها طائرة`: a verb whose object pronoun is the
            // trigger noun just before it.
            let pronoun_back = same
                && ei.verbal
                && ms[i].head.r.encl
                && !ej.verbal
                && j1 < hi
                && hi <= j1 + 3
                && calm(j1 + 1, hi);
            if inside
                || right_after
                || pronoun_back
                || relative
                || object
                || topic
                || rel_indef
                || same_visit
                || diplomatic_purpose
                || aid_purpose
            {
                ms[i].merged = true;
                if same && ms[j].mode.is_none() && ej.mode.is_none() {
                    ms[j].mode = ei.mode.clone();
                }
                break;
            }
        }
    }
}

fn match_entry(
    toks: &[Tok],
    hits: &[Vec<THit>],
    e: &Entry,
    id: u32,
    i: usize,
) -> Option<Vec<usize>> {
    let mut out = vec![i];
    let mut pos = i;
    for (k, el) in e.elems.iter().enumerate().skip(1) {
        let gap = if el.gap_before { MAX_GAP } else { 0 };
        let mut found = None;
        for j in pos + 1..=(pos + 1 + gap).min(toks.len().saturating_sub(1)) {
            let t = &toks[j];
            if t.hard || (t.comma && j > pos + 1) {
                break;
            }
            let hit = hits[j]
                .iter()
                .any(|h| h.entry == id && h.elem as usize == k);
            let pre = !el.prefixes.is_empty() && t.word && {
                let b = t.key.strip_prefix('و').filter(|_| t.conj).unwrap_or(&t.key);
                chars(b) >= 3 && b.starts_with(el.prefixes.as_slice())
            };
            if hit || pre {
                found = Some(j);
                break;
            }
        }
        let j = found?;
        out.push(j);
        pos = j;
    }
    Some(out)
}

fn reject_by_neighbours(toks: &[Tok], e: &Entry, m: &[usize]) -> bool {
    let last = *m.last().unwrap_or(&0);
    if !e.hints.nf.is_empty() {
        // The next word, over brackets and quotes: `فجر (الأحد)`.
        let next = toks
            .iter()
            .skip(last + 1)
            .take(3)
            .find(|t| t.word || t.hard || t.comma)
            .filter(|t| t.word);
        if let Some(n) = next {
            if e.hints.nf.iter().any(|f| *f == n.key || *f == n.base) {
                return true;
            }
        }
    }
    if !e.hints.nfw.is_empty() {
        for n in toks.iter().skip(last + 1).take(4) {
            if n.hard {
                break;
            }
            if e.hints.nfw.iter().any(|f| *f == n.key || *f == n.base) {
                return true;
            }
        }
    }
    if e.hints.nself.contains(&toks[m[0]].key) {
        return true;
    }
    if !e.hints.ngap.is_empty() {
        let gap = (m[0]..last).filter(|i| !m.contains(i));
        if gap
            .map(|i| &toks[i])
            .any(|t| e.hints.ngap.iter().any(|f| *f == t.key || *f == t.base))
        {
            return true;
        }
    }
    if !e.hints.np.is_empty() && m[0] > 0 {
        let p = &toks[m[0] - 1];
        if e.hints.np.iter().any(|f| *f == p.key || *f == p.base) {
            return true;
        }
    }
    false
}

/// Does the word carry the article (`الفريق`, `والفريق`, `للفريق`)?
fn definite(t: &Tok) -> bool {
    let k = if t.conj {
        t.key.get('و'.len_utf8()..).unwrap_or(&t.key)
    } else {
        &t.key
    };
    k.starts_with("ال") || k.starts_with("لل") || k.starts_with("بال")
}

fn is_question(sent: &str, toks: &[Tok]) -> bool {
    if sent.contains('؟') || sent.trim_end().ends_with('?') {
        return true;
    }
    toks.iter()
        .find(|t| t.word)
        .is_some_and(|t| t.key == "هل" || t.key == "وهل")
}

impl Ctx<'_> {
    fn tok_of_byte(&self, b: usize) -> Option<usize> {
        self.toks.iter().position(|t| t.end > b)
    }

    /// Builds the sentence's mentions: the caller's arguments inside the
    /// sentence, then country references from the remaining words.
    fn build_mentions(&mut self, s0: usize, s1: usize) {
        let text = self.input.text;
        let w = self.w;
        let mut covered = vec![false; self.toks.len()];
        let mut mens: Vec<Men> = Vec::new();
        for a in self.input.args {
            if !valid_span(text, a.start, a.end) || a.start < s0 || a.end > s1 {
                continue;
            }
            let Some(t0) = self.tok_of_byte(a.start) else {
                continue;
            };
            let t1 = self
                .toks
                .iter()
                .rposition(|t| t.start < a.end)
                .map_or(t0 + 1, |x| x + 1);
            if t1 <= t0 || (t0..t1).any(|i| covered[i]) {
                continue;
            }
            let surface = &text[a.start..a.end];
            let m = self.arg_mention(a, t0, t1, surface);
            for c in covered.iter_mut().take(t1).skip(t0) {
                *c = true;
            }
            mens.push(m);
        }
        // Country references from words no argument covers.
        for i in 0..self.toks.len() {
            if covered[i] || !self.toks[i].word {
                continue;
            }
            let t = &self.toks[i];
            let b = t.base.as_str();
            if w.duals.contains(&t.key)
                || w.duals.contains(b)
                || w.duals.contains(&format!("ال{b}"))
            {
                mens.push(Men {
                    t0: i,
                    t1: i + 1,
                    entity_actor: false,
                    person: false,
                    is_place: false,
                    metonymic: false,
                    actor: Some(ActorRef::Implicit),
                    place: None,
                    prep: None,
                });
                continue;
            }
            if w.titles.contains(&t.key) && !w.heads.contains(&t.key) && t.key != "الروسي" {
                continue;
            }
            // A demonym right after a name describes it (`الكونغرس
            // الأميركي`, `الخارجية المصرية`): no actor of its own.
            let after_name = i > 0
                && covered[i - 1]
                && self.input.args.iter().any(|a| {
                    a.kind != ArgKind::Place
                        && a.end > self.toks[i - 1].start
                        && a.end <= self.toks[i - 1].end
                });
            if after_name && country_word(&text[t.start..t.end]).is_some() {
                continue;
            }
            let raw = &text[t.start..t.end];
            let code = w
                .capitals
                .get(&t.key)
                .or_else(|| w.capitals.get(b))
                .copied()
                .or_else(|| country_word(raw));
            if let Some(code) = code {
                // Extend over a collective head noun before: الوفد الروسي,
                // وفد عسكري روسي.
                // Heads may stack: خبراء عسكريون فرنسيون.
                let mut start_t = i;
                for back in 1..=3 {
                    if i < back || covered[i - back] || !self.toks[i - back].word {
                        break;
                    }
                    let p = &self.toks[i - back];
                    let head = w.heads.contains(&p.key) || w.heads.contains(&p.base);
                    if head && (start_t == i || !definite(p)) {
                        // A first head, or an indefinite one in construct
                        // before it: أحزاب المعارضة الجزائرية.
                        start_t = i - back;
                    } else if start_t != i || back > 1 {
                        break;
                    }
                }
                mens.push(Men {
                    t0: start_t,
                    t1: i + 1,
                    entity_actor: false,
                    person: false,
                    is_place: false,
                    metonymic: true,
                    actor: Some(ActorRef::Country {
                        code: code.to_string(),
                        start: self.toks[start_t].start,
                        end: t.end,
                    }),
                    place: None,
                    prep: None,
                });
            }
        }
        // Unnamed groups named by a common noun (`المتظاهرون`, `قوات النظام`,
        // `طائرات التحالف`) where no name or country reference stands.
        let bare = |t: &Tok| -> String {
            let k = t.key.as_str();
            match k.strip_prefix(['و', 'ف']) {
                Some(r) if chars(r) >= 3 => r.to_string(),
                _ => k.to_string(),
            }
        };
        let mut i = 0;
        while i < self.toks.len() {
            let t = &self.toks[i];
            let taken = covered[i] || mens.iter().any(|m| m.t0 <= i && i < m.t1);
            if taken || !t.word || !(w.groups.contains(&t.key) || w.groups.contains(&bare(t))) {
                i += 1;
                continue;
            }
            // Part of a person's title (`قائد قوات الشرق الليبي خليفة حفتر`):
            // after a title word, or before a name within four words.
            let after_title = i > 0 && self.toks[i - 1].word && self.is_title(&self.toks[i - 1]);
            let before_name = (i + 1..(i + 5).min(self.toks.len()))
                .take_while(|&k| self.toks[k].word)
                .any(|k| {
                    self.input
                        .args
                        .iter()
                        .any(|a| a.kind == ArgKind::Person && a.start == self.toks[k].start)
                });
            if after_title || before_name {
                i += 1;
                continue;
            }
            // `القوات البحرية المصرية`: the head of a country reference.
            if let Some(c) = mens.iter_mut().find(|m| {
                m.t0 > i
                    && m.t0 <= i + 2
                    && (i + 1..m.t0).all(|k| self.toks[k].word && !covered[k])
                    && matches!(m.actor, Some(ActorRef::Country { .. }))
            }) {
                if let Some(ActorRef::Country { start, .. }) = &mut c.actor {
                    *start = t.start;
                }
                c.t0 = i;
                i = c.t1;
                continue;
            }
            let mut end = i + 1;
            while end < self.toks.len()
                && end < i + 3
                && !covered[end]
                && self.toks[end].word
                && w.group_tails.contains(&self.toks[end].key)
            {
                end += 1;
            }
            mens.push(Men {
                t0: i,
                t1: end,
                entity_actor: false,
                person: false,
                is_place: false,
                metonymic: false,
                actor: Some(ActorRef::Group {
                    start: t.start,
                    end: self.toks[end - 1].end,
                }),
                place: None,
                prep: None,
            });
            i = end;
        }
        mens.sort_by_key(|m| (m.t0, m.t1));
        // Overlapping token-derived mentions (head extension) lose.
        let mut kept: Vec<Men> = Vec::new();
        for m in mens {
            if let Some(last) = kept.last() {
                if m.t0 < last.t1 {
                    continue;
                }
            }
            kept.push(m);
        }
        for m in &mut kept {
            m.prep = self.prep_before(m);
        }
        self.mens = kept;
    }

    fn arg_mention(&self, a: &Arg, t0: usize, t1: usize, surface: &str) -> Men {
        let w = self.w;
        let mut m = Men {
            t0,
            t1,
            entity_actor: false,
            person: false,
            is_place: false,
            metonymic: false,
            actor: None,
            place: None,
            prep: None,
        };
        let skey = rasd_text::fold(surface, &Folds::SEARCH);
        let country = || {
            country_word(surface)
                .or_else(|| w.capitals.get(&skey).copied())
                .or_else(|| w.capitals.get(strip_base(&skey)).copied())
        };
        match a.kind {
            ArgKind::Place => {
                m.is_place = true;
                m.place = Some(a.entity);
                let (code, meto) = match country() {
                    Some(c) => (Some(c.to_string()), true),
                    None => (place_country(surface), false),
                };
                m.metonymic = meto;
                m.actor = code.map(|code| ActorRef::Country {
                    code,
                    start: a.start,
                    end: a.end,
                });
            }
            ArgKind::Person | ArgKind::Org | ArgKind::Other => {
                let all_titles = (t0..t1).all(|i| {
                    let t = &self.toks[i];
                    !t.word || w.titles.contains(&t.key) || w.titles.contains(&t.base)
                });
                // A person mention of titles only (`قائد الجيش`) names
                // nobody; an organisation may (`مجلس الأمن الدولي`).
                if all_titles && a.kind == ArgKind::Person {
                    return m;
                }
                m.person = a.kind == ArgKind::Person;
                if let Some(c) = country() {
                    // A country or demonym tagged as a person: a country.
                    m.metonymic = true;
                    m.actor = Some(ActorRef::Country {
                        code: c.to_string(),
                        start: a.start,
                        end: a.end,
                    });
                } else if a.kind != ArgKind::Other {
                    m.entity_actor = true;
                    m.actor = Some(ActorRef::Entity(a.entity));
                }
                // Other names (currencies, products, events, works: `86
                // مليار يورو`) act on nobody.
            }
        }
        // A proclitic preposition inside the argument's first token but
        // outside its span (`لحفتر` with the span on `حفتر`).
        let t = &self.toks[t0];
        if a.start > t.start {
            if let Some(pre) = self.input.text.get(t.start..a.start) {
                let k = rasd_text::fold(pre, &Folds::SEARCH);
                if k.ends_with('ب') || k.ends_with("بال") {
                    m.prep = Some(Prep::By);
                } else if k.ends_with('ل') || k.ends_with("لل") {
                    m.prep = Some(Prep::For);
                }
            }
        }
        m
    }

    /// The preposition governing a mention: a free-standing one before it
    /// (over descriptor words: `إلى مدينة بنغازي`), or a proclitic.
    fn prep_before(&self, m: &Men) -> Option<Prep> {
        if m.prep.is_some() {
            return m.prep;
        }
        let w = self.w;
        let first = &self.toks[m.t0];
        // Proclitic on a place name or a country word: بموسكو، لليبيا.
        if first.word && !m.entity_actor {
            let k = first.key.strip_prefix('و').unwrap_or(&first.key);
            if let Some(c) = k.chars().next() {
                if matches!(c, 'ب' | 'ل') && chars(k) >= 4 {
                    let rest = &k[c.len_utf8()..];
                    let rest = rest.strip_prefix('ل').filter(|_| c == 'ل').unwrap_or(rest);
                    let known = w.capitals.contains_key(rest)
                        || rasd_geo::country_of(rest).is_some()
                        || rasd_geo::gazetteer().contains_key(rest)
                        || rasd_geo::gazetteer().contains_key(&format!("ال{rest}"));
                    let whole_known = rasd_geo::gazetteer().contains_key(k)
                        || w.capitals.contains_key(k)
                        || w.capitals.contains_key(strip_base(k));
                    if known && !whole_known {
                        return Some(if c == 'ب' { Prep::By } else { Prep::For });
                    }
                }
            }
        }
        let mut j = m.t0;
        let mut steps = 0;
        while j > 0 && steps < 3 {
            j -= 1;
            steps += 1;
            let t = &self.toks[j];
            if !t.word {
                return None;
            }
            // `وفي`, `فمع`: too short for the base key to drop the `و`.
            let bare = t.key.strip_prefix(['و', 'ف']).unwrap_or(&t.key);
            if let Some(p) = w
                .preps
                .get(&t.key)
                .or_else(|| w.preps.get(&t.base))
                .or_else(|| w.preps.get(bare))
            {
                // `عبر` opening a clause is the verb (`عبر الرئيس عن`).
                let verb = t.base == "عبر"
                    && (j == 0 || t.conj || !self.toks[j - 1].word || self.toks[j - 1].hard);
                return if verb { None } else { Some(*p) };
            }
            if w.descriptors.contains(&t.key) || w.descriptors.contains(&t.base) {
                continue;
            }
            // A title before the name (`مع الرئيس X`): look further.
            if w.titles.contains(&t.key) || w.titles.contains(&t.base) {
                continue;
            }
            return None;
        }
        None
    }

    /// A word of a non-political class (see [`crate::words`]): non-agents,
    /// and with `persons` (1 sports, 2 also arts, business and private
    /// life) persons outside politics.
    fn nonpol_tok(&self, i: usize, persons: u8) -> bool {
        let Some(t) = self.toks.get(i).filter(|t| t.word) else {
            return false;
        };
        let w = self.w;
        let hit = |b: &str| {
            w.nonagent.contains(b)
                || (persons >= 1 && w.nonpol_sports.contains(b))
                || (persons >= 2 && w.nonpol_private.contains(b))
        };
        if hit(&t.base) {
            return true;
        }
        ["نا", "ها", "هم", "ه", "كم"].iter().any(|suf| {
            t.base
                .strip_suffix(suf)
                .is_some_and(|r| chars(r) >= 3 && hit(r))
        })
    }

    /// `الفريق الحكومي`, `الجهاز الأمني`: the next word makes it political.
    fn polmod(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.word && self.w.polmod.contains(&t.base))
    }

    /// The noun phrase at `j`: words without the article (a construct
    /// chain) up to the first with it, at most three; it stops before a
    /// mention, a preposition or a word with a proclitic one.
    fn np_chain(&self, j: usize) -> Vec<usize> {
        let mut v = Vec::new();
        let mut k = j;
        while k < self.toks.len() && v.len() < 3 {
            let t = &self.toks[k];
            let proclitic = k > j && t.key.starts_with(['ل', 'ب', 'ك']) && chars(&t.key) >= 4;
            if !t.word
                || proclitic
                || self.men_starting(k).is_some()
                || self.w.preps.contains_key(&t.key)
                || self.w.preps.contains_key(&t.base)
            {
                break;
            }
            v.push(k);
            if definite(t) {
                break;
            }
            k += 1;
        }
        v
    }

    /// An arrival of a vehicle or cargo (`وصلت إلى المطار طائرة إغاثة`,
    /// `وصول شحنة`): no visit.
    fn vehicle_arrival(&self, m: &Match) -> bool {
        let e = &self.lx.entries[m.entry as usize];
        if !e.hints.visit || e.spec >= 0.9 {
            return false;
        }
        let h = m.toks[0];
        let last = *m.toks.last().unwrap_or(&h);
        if !e.verbal {
            return self
                .toks
                .get(last + 1)
                .is_some_and(|t| t.word && self.w.vehicles.contains(&t.base));
        }
        for j in h + 1..(h + 10).min(self.toks.len()) {
            let t = &self.toks[j];
            if t.hard {
                break;
            }
            let inside = self.mens.iter().any(|mm| mm.t0 <= j && j < mm.t1);
            if inside || !t.word || !self.w.vehicles.contains(&t.base) {
                continue;
            }
            let p = &self.toks[j - 1];
            let governed = j - 1 != h
                && (self.w.preps.contains_key(&p.key)
                    || self.w.preps.contains_key(&p.base)
                    || p.key == "متن");
            if !governed {
                return true;
            }
        }
        false
    }

    /// Is match `mi` about a non-political subject: the subject of a verb
    /// (after it, or opening the clause before it), the genitive of a
    /// masdar, or the verb governing a masdar?
    fn nonpol_clause(
        &self,
        matches: &[Match],
        mi: usize,
        heads: &[usize],
        earlier: &[bool],
    ) -> bool {
        let m = &matches[mi];
        let e = &self.lx.entries[m.entry as usize];
        if e.hints.inv || e.hints.agent || e.hints.recv {
            return false;
        }
        let h = m.toks[0];
        let last = *m.toks.last().unwrap_or(&h);
        // Persons outside politics do not make crimes non-political; private
        // persons do not make attacks and arrests non-political either
        // (`قتل الطفل` is passive: the child is the victim).
        let persons = match e.etype {
            EventType::Crime => 0,
            EventType::Assault | EventType::Coerce => 1,
            _ => 2,
        };
        let np_is_nonpol = |chain: &[usize]| {
            chain
                .iter()
                .any(|&i| self.nonpol_tok(i, persons) && !self.polmod(i + 1))
        };
        if e.verbal {
            let conj = self.toks[h].conj || m.head.r.conj;
            let continues = (conj
                || (h > 0
                    && matches!(
                        self.toks[h - 1].key.as_str(),
                        "حيث" | "ثم" | "كما" | "قبل" | "بعدما"
                    )))
                && matches[..mi]
                    .iter()
                    .any(|b| self.lx.entries[b.entry as usize].verbal);
            if continues || self.subject_before(h, 2, heads).is_some() {
                return false;
            }
            // A verb form after a preposition is a masdar (`إلى فتح ممرات`):
            // what follows is its object.
            if h > 0 && {
                let p = &self.toks[h - 1];
                self.w.preps.contains_key(&p.key) || self.w.preps.contains_key(&p.base)
            } {
                return false;
            }
            // VSO: the subject after the verb (over one comma).
            let mut j = h + 1;
            if self.toks.get(j).is_some_and(|t| t.comma) {
                j += 1;
            }
            if j < self.toks.len() && !m.head.r.plural && np_is_nonpol(&self.np_chain(j)) {
                return true;
            }
            // SVO opening the clause: الجفاف يهدد، الهاتف الجديد يدعم.
            let opens = |p: usize| {
                p == 0 || {
                    let b = &self.toks[p - 1];
                    !b.word || matches!(b.key.as_str(), "ان" | "بان" | "لان" | "وان")
                }
            };
            if h >= 1 && self.men_ending(h).is_none() {
                let p = h - 1;
                if definite(&self.toks[p]) && opens(p) && np_is_nonpol(&[p]) {
                    return true;
                }
                if p >= 1
                    && definite(&self.toks[p])
                    && definite(&self.toks[p - 1])
                    && opens(p - 1)
                    && self.men_ending(p).is_none()
                    && np_is_nonpol(&[p - 1])
                {
                    return true;
                }
            }
            return false;
        }
        // A masdar: its genitive (when it is the agent), or the verb that
        // governs it (اجتمع مجلس إدارة الشركة لمناقشة، هدد المدرب بالاستقالة).
        let g = last + 1;
        if !e.hints.gen_tgt
            && g < self.toks.len()
            && self.men_starting(g).is_none()
            && np_is_nonpol(&[g])
        {
            return true;
        }
        // The subject of the verb before the masdar: قدم المدرب استقالته.
        if h >= 2
            && self.toks[h - 2].word
            && definite(&self.toks[h - 1])
            && self.men_ending(h).is_none()
            && np_is_nonpol(&[h - 1])
        {
            return true;
        }
        let governing = (0..mi).rev().find(|&b| {
            let bm = &matches[b];
            let bl = *bm.toks.last().unwrap_or(&0);
            self.lx.entries[bm.entry as usize].verbal && bl < h
        });
        if let Some(b) = governing {
            let bl = *matches[b].toks.last().unwrap_or(&0);
            if earlier[b] && h - bl <= 6 && !(bl..h).any(|k| self.toks[k].hard) {
                return true;
            }
        }
        false
    }

    /// The actors after `بين` right after a trigger noun (over `من جانب`,
    /// `من جهة`): the first side and, when named, the second.
    fn between_sides(&self, last: usize) -> Option<(usize, Option<usize>)> {
        // Over an adjective or two: `مواجهات عنيفة بين`.
        let at = (last + 1..(last + 4).min(self.toks.len()))
            .take_while(|&k| self.toks[k].word)
            .find(|&k| self.toks[k].key == "بين")?;
        let mut sides = Vec::new();
        let mut k = at + 1;
        while k < self.toks.len() && k < last + 18 && sides.len() < 2 {
            if let Some(mi) = self.men_starting(k) {
                let m = &self.mens[mi];
                if m.actor.is_some() && (!m.is_place || m.metonymic) {
                    sides.push(self.name_after(mi).unwrap_or(mi));
                }
                k = self.mens[mi].t1;
                continue;
            }
            if self.toks[k].hard {
                break;
            }
            k += 1;
        }
        let first = *sides.first()?;
        Some((first, sides.get(1).copied()))
    }

    /// Whether a word, whole, is a place's name (`واشنطن`, `وهران`): its `و`
    /// is no conjunction.
    fn is_place_name(&self, t: &Tok) -> bool {
        self.w.capitals.contains_key(&t.key) || rasd_geo::gazetteer().contains_key(&t.key)
    }

    /// A place mention that is a capital (`كابول`, `بموسكو`).
    fn is_capital(&self, m: &Men) -> bool {
        let t = &self.toks[m.t0];
        m.is_place
            && (self.w.capitals.contains_key(&t.key) || self.w.capitals.contains_key(&t.base))
    }

    fn men_starting(&self, j: usize) -> Option<usize> {
        self.mens.iter().position(|m| m.t0 == j)
    }

    fn men_ending(&self, j: usize) -> Option<usize> {
        self.mens.iter().position(|m| m.t1 == j)
    }

    fn is_title(&self, t: &Tok) -> bool {
        self.w.titles.contains(&t.key) || self.w.titles.contains(&t.base)
    }

    /// The name after a demonym in a title phrase (`الرئيس الروسي فلاديمير
    /// بوتين`): an entity mention starting within 4 title words after `mi`.
    fn name_after(&self, mi: usize) -> Option<usize> {
        let m = &self.mens[mi];
        if m.entity_actor {
            return None;
        }
        let mut k = m.t1;
        let mut s = 0;
        while k < self.toks.len() && s < 4 {
            if let Some(mj) = self.men_starting(k) {
                let n = &self.mens[mj];
                // `الحكومة السودانية وقوات الدعم السريع`: two actors.
                let t = &self.toks[k];
                let conjoined = t.conj
                    && (self
                        .input
                        .args
                        .iter()
                        .any(|a| a.start > t.start && a.start < t.end)
                        || t.key.starts_with("وال"));
                if n.entity_actor && n.person && n.prep.is_none() && !conjoined {
                    return Some(mj);
                }
                return None;
            }
            if !self.toks[k].word || !self.is_title(&self.toks[k]) {
                return None;
            }
            k += 1;
            s += 1;
        }
        None
    }

    /// VSO: the subject after the verb at `h` (over titles and a demonym to
    /// the name: `بحث نائب وزير الدفاع الروسي يونس بك يفكيروف`).
    fn subject_after(&self, h: usize) -> Subj {
        let mut j = h + 1;
        let mut steps = 0;
        let mut titled = false;
        // The organisation a title phrase is of (`الأمانة العامة لجامعة
        // الدول العربية`): the subject when no name follows.
        let mut owner: Option<usize> = None;
        // A title's complement and a comma may stand between the title
        // and the name (`التقى وزير حقوق الإنسان، عزالدين الأصبحي،`).
        let name_ahead = |from: usize| {
            let mut commas = 0;
            for k in from..(from + 6).min(self.toks.len()) {
                if let Some(mi) = self.men_starting(k) {
                    let m = &self.mens[mi];
                    return (m.person && m.prep.is_none()).then_some(mi);
                }
                let t = &self.toks[k];
                if t.hard || (!t.word && !t.comma) {
                    return None;
                }
                if t.comma {
                    commas += 1;
                    if commas > 1 {
                        return None;
                    }
                }
            }
            None
        };
        let titled_or_owner = |owner: Option<usize>, at: usize| match owner {
            Some(o) => Subj::Found(o),
            None => name_ahead(at).map_or(Subj::Titled, Subj::Found),
        };
        while j < self.toks.len() && steps < 9 {
            if let Some(mi) = self.men_starting(j) {
                let m = &self.mens[mi];
                // The genitive `لـ` of a title phrase names what the title
                // is of (`المدير العام لمؤسسة «الأفق» الأستاذ خالد`): the
                // name may still follow.
                if titled && m.prep == Some(Prep::For) && !m.person {
                    if m.entity_actor && owner.is_none() {
                        owner = Some(mi);
                    }
                    j = m.t1;
                    steps += 1;
                    continue;
                }
                if m.prep.is_some() {
                    return if titled {
                        titled_or_owner(owner, j)
                    } else {
                        Subj::Nothing
                    };
                }
                if m.actor.is_none() {
                    titled = true;
                    j = m.t1;
                    steps += 1;
                    continue;
                }
                if let Some(n) = self.name_after(mi) {
                    return Subj::Found(n);
                }
                if m.is_place && !m.metonymic {
                    return Subj::Nothing;
                }
                return Subj::Found(mi);
            }
            let t = &self.toks[j];
            if t.word && self.is_title(t) {
                titled = true;
                j += 1;
                steps += 1;
                continue;
            }
            if t.comma && steps == 0 {
                j += 1;
                continue;
            }
            // Quotation marks around a name in the title phrase.
            if titled && !t.word && !t.hard && !t.comma {
                j += 1;
                continue;
            }
            // A genitive `لـ` complement of the title (`المدير العام لمؤسسة
            // «الأفق» الأستاذ خالد`): over it, when a title or a person
            // follows within five tokens.
            if titled && t.word && t.key.starts_with('ل') && chars(&t.key) >= 4 {
                let resume = (j + 1..(j + 6).min(self.toks.len())).find(|&q| {
                    let u = &self.toks[q];
                    (u.word && self.is_title(u))
                        || self.men_starting(q).is_some_and(|mi| self.mens[mi].person)
                });
                if let Some(q) = resume {
                    j = q;
                    steps += 1;
                    continue;
                }
            }
            if titled {
                return titled_or_owner(owner, j);
            }
            let content = t.word
                && !self.w.preps.contains_key(&t.key)
                && !self.w.preps.contains_key(&t.base)
                && !self.w.negators.contains(&t.key)
                && !matches!(
                    t.key.as_str(),
                    "ان" | "انه"
                        | "انها"
                        | "قد"
                        | "امس"
                        | "اليوم"
                        | "ايضا"
                        | "مجددا"
                        | "حيث"
                );
            // `تظاهر آلاف الطلاب`: a number of a group is the group.
            if content && matches!(t.key.as_str(), "الاف" | "مئات" | "عشرات" | "ملايين")
            {
                if let Some(g) = self.men_starting(j + 1) {
                    if matches!(self.mens[g].actor, Some(ActorRef::Group { .. })) {
                        return Subj::Found(g);
                    }
                }
            }
            return if content && self.w.unnamed.contains(&t.base) {
                Subj::Unnamed
            } else if content {
                Subj::NonActor
            } else {
                Subj::Nothing
            };
        }
        if titled {
            titled_or_owner(owner, j)
        } else {
            Subj::Nothing
        }
    }

    /// SVO: the subject right before the verb (`حفتر يزور روسيا`, `…، يونس بك
    /// يفكيروف، زار`), or before a masdar (`أنهى يفكيروف زيارة`).
    fn subject_before(&self, h: usize, loose: usize, heads: &[usize]) -> Option<usize> {
        let mut j = h;
        let mut skipped = 0;
        while j > 0 {
            if j < h && heads.contains(&j) {
                return None;
            }
            if let Some(mut mi) = self.men_ending(j) {
                let m = &self.mens[mi];
                // A capital or country in the middle of a phrase is an
                // object (`وقبيل مغادرته واشنطن، أجرى`), not the verb's
                // subject, which opens its clause or stands right before the
                // verb (`بدأت إسرائيل سحب`); a masdar's looser search takes
                // the governing verb's subject (`تعهدت الولايات المتحدة
                // بتقديم`).
                let first = &self.toks[m.t0];
                // `وباريس` opens a clause, `واشنطن` is just a name.
                let conj = first.conj && !self.is_place_name(first);
                let opens = m.t0 == 0 || {
                    let p = &self.toks[m.t0 - 1];
                    !p.word
                        || conj
                        || matches!(
                            p.key.as_str(),
                            "ان" | "انه"
                                | "قد"
                                | "لقد"
                                | "و"
                                | "ف"
                                | "ثم"
                                | "كما"
                                | "بينما"
                                | "فيما"
                                | "حيث"
                                | "بل"
                        )
                };
                if m.prep.is_none()
                    && m.actor.is_some()
                    && (!m.is_place
                        || (m.metonymic
                            && (opens || loose > 2 || (m.t1..h).all(|k| self.toks[k].word))))
                {
                    // Coordinated subjects (`ألمانيا وفرنسا`, `السعودية
                    // والأمريكية`): the first conjunct.
                    while let Some(p) = self.men_ending(self.mens[mi].t0) {
                        let first = &self.toks[self.mens[mi].t0];
                        let pm = &self.mens[p];
                        if first.conj && pm.prep.is_none() && pm.actor.is_some() {
                            mi = p;
                        } else {
                            break;
                        }
                    }
                    return Some(mi);
                }
                if m.prep.is_some() || skipped >= loose {
                    return None;
                }
                j = m.t0;
                skipped += 1;
                continue;
            }
            j -= 1;
            let t = &self.toks[j];
            if t.hard {
                return None;
            }
            let light = t.comma
                || matches!(t.key.as_str(), "قد" | "لقد" | "فقد" | "وقد" | "-" | "\"")
                || !t.word;
            skipped += 1;
            if skipped > loose.max(2) {
                return None;
            }
            if !light && loose <= 2 {
                return None;
            }
        }
        None
    }

    /// The target after token `from`: a direct object or a mention after a
    /// target preposition; places only for visits and hostile acts.
    fn target_after(
        &self,
        from: usize,
        skip: Option<usize>,
        visit: bool,
        hostile: bool,
        heads: &[usize],
    ) -> Option<usize> {
        self.target_after_appos(from, skip, visit, hostile, heads, false)
    }

    /// [`Self::target_after`]; with `appos`, a title phrase right after the
    /// source may be the object (`استقبل وزير الدفاع السعودي قائد القيادة
    /// المركزية الأمريكية`) rather than the source's apposition.
    fn target_after_appos(
        &self,
        from: usize,
        skip: Option<usize>,
        visit: bool,
        hostile: bool,
        heads: &[usize],
        appos: bool,
    ) -> Option<usize> {
        let mut j = from;
        let mut steps = 0;
        // Where the source and the actors coordinated with it end
        // (`واشنطن ولندن وباريس`).
        let mut chain_end = skip.map(|s| self.mens[s].t1);
        while j < self.toks.len() && steps < 14 {
            if j > from && heads.contains(&j) {
                return None;
            }
            if let Some(mi) = self.men_starting(j) {
                let m = &self.mens[mi];
                let first = &self.toks[m.t0];
                let coordinated = chain_end == Some(m.t0)
                    && first.key.starts_with('و')
                    && !self.is_place_name(first);
                if coordinated {
                    chain_end = Some(m.t1);
                }
                // An apposition of the source: يفكيروف نائب وزير الدفاع الروسي.
                let apposition = !appos
                    && !m.entity_actor
                    && !m.is_place
                    && skip.is_some_and(|s| self.mens[s].t1 == from)
                    && (from..m.t0).all(|k| self.toks[k].word && self.is_title(&self.toks[k]))
                    && m.t0 > from;
                if Some(mi) != skip && m.actor.is_some() && !coordinated && !apposition {
                    let ok_prep = match m.prep {
                        None | Some(Prep::With) | Some(Prep::Against) | Some(Prep::For) => true,
                        Some(Prep::To) => true,
                        Some(Prep::By) => !m.is_place,
                        Some(Prep::In) => visit && m.is_place && steps <= 3,
                        // `وفدا من صندوق النقد الدولي`: the sender.
                        Some(Prep::From) => {
                            m.t0 >= 2 && self.w.delegates.contains(&self.toks[m.t0 - 2].base)
                        }
                        _ => false,
                    };
                    if ok_prep {
                        if let Some(n) = self.name_after(mi) {
                            return Some(n);
                        }
                        if !m.is_place {
                            return Some(mi);
                        }
                        // A city attacked is where it happened; a country (or
                        // a capital standing for its state) is the target.
                        if visit
                            || (hostile && m.metonymic)
                            || (m.metonymic && m.prep != Some(Prep::In))
                        {
                            return Some(mi);
                        }
                    }
                }
                j = m.t1;
                steps += 1;
                continue;
            }
            if self.toks[j].hard {
                return None;
            }
            j += 1;
            steps += 1;
        }
        None
    }

    fn inviter(&self) -> Option<usize> {
        for (i, t) in self.toks.iter().enumerate() {
            if matches!(t.base.as_str(), "بدعوه" | "دعوه" | "لدعوه") {
                let mut j = i + 1;
                let mut s = 0;
                while j < self.toks.len() && s < 4 {
                    if let Some(mi) = self.men_starting(j) {
                        if self.mens[mi].actor.is_some() {
                            return Some(mi);
                        }
                    }
                    j += 1;
                    s += 1;
                }
            }
        }
        None
    }

    fn code(
        &self,
        m: &Match,
        before: &[Match],
        after: &[Match],
        heads: &[usize],
        sentence: (usize, usize),
        question: bool,
    ) -> Option<EventMention> {
        let w = self.w;
        let e = &self.lx.entries[m.entry as usize];
        let h = m.toks[0];
        let last = *m.toks.last().unwrap_or(&h);
        let mut etype = e.etype;
        let mut mode = m.mode.clone().or_else(|| e.mode.clone());
        let mut conf_sense = 1.0f32;
        // Senses.
        if e.hints.amb || etype == EventType::Assault {
            let has = |set: &std::collections::HashSet<String>| {
                self.toks
                    .iter()
                    .any(|t| t.word && (set.contains(&t.key) || set.contains(&t.base)))
            };
            let sport = has(&w.sports);
            let mil = has(&w.military);
            let acc = has(&w.accident);
            let speech = has(&w.speech);
            if etype == EventType::Assault && (sport || acc) && !mil && e.hints.amb {
                return None;
            }
            if e.hints.amb {
                let wi = self.word_idx[h];
                let p = sense::model().accept(&self.word_keys, wi);
                if p < 0.5 {
                    if speech && matches!(e.lemma.as_str(), "هاجم" | "هجوم") {
                        etype = EventType::Disapprove;
                        mode = None;
                        conf_sense = 0.6;
                    } else {
                        return None;
                    }
                } else {
                    conf_sense = 0.5 + 0.5 * p;
                }
            }
        }
        // `احتجاجا على`, `للاحتجاج على` as the purpose of a state's act
        // (`استدعت السفير للاحتجاج`, `ألغى زيارته احتجاجا`) is disapproval;
        // after a protest (`تظاهروا احتجاجا`), or alone, a protest.
        if etype == EventType::Protest
            && !e.verbal
            && e.lemma == "احتجاج"
            && (m.head.r.prep == Some('ل') || self.toks[h].base == "احتجاجا")
        {
            let earlier = before.iter().filter(|b| !b.merged);
            let types: Vec<EventType> = earlier
                .map(|b| self.lx.entries[b.entry as usize].etype)
                .collect();
            if !types.is_empty() && !types.contains(&EventType::Protest) {
                etype = EventType::Disapprove;
                mode = None;
            }
        }
        // A warning is a threat only when it names what would follow
        // (`حذر من أنه سيقصف`, `حذر من فرض عقوبات`, `من مغبة`), not a
        // caution (`حذر الأطباء من انتشار الإنفلونزا`).
        if matches!(e.lemma.as_str(), "حذر" | "تحذير") {
            let follows = after.iter().any(|a| {
                !a.merged && self.lx.entries[a.entry as usize].etype != EventType::Threaten
            }) || self.toks[last + 1..]
                .iter()
                .take_while(|t| !t.hard)
                .any(|t| t.word && w.threat_cues.contains(&t.base));
            if !follows {
                return None;
            }
        }
        // Military support becomes military aid.
        if e.hints.milaid {
            let lo = h.saturating_sub(3);
            let hi = (last + 5).min(self.toks.len());
            if (lo..hi).any(|i| {
                let t = &self.toks[i];
                i != h && (w.military.contains(&t.key) || w.military.contains(&t.base))
            }) {
                etype = EventType::Aid;
                mode = Some("military".to_string());
            }
        }
        let in_match = |i: usize| m.toks.contains(&i);
        // Modifiers.
        let mut negated = false;
        for back in 1..=2 {
            if h < back {
                break;
            }
            let t = &self.toks[h - back];
            if !t.word {
                break;
            }
            if w.negators.contains(&t.key) {
                negated = true;
                break;
            }
            if back == 1 && matches!(t.key.as_str(), "ما" | "وما") && m.head.class == Class::Past
            {
                negated = true;
                break;
            }
        }
        if !e.verbal {
            // A negated governing verb: لن تشارك الحكومة في المفاوضات.
            for i in (h.saturating_sub(4)..h).rev() {
                let t = &self.toks[i];
                if t.hard || heads.contains(&i) {
                    break;
                }
                let next = self.toks.get(i + 1).map(|n| n.key.as_str()).unwrap_or("");
                if w.negators.contains(&t.key) && next != "سيما" {
                    negated = true;
                    break;
                }
            }
        }
        let lo = h.saturating_sub(10);
        if (lo..h).any(|i| {
            let t = &self.toks[i];
            w.deny.contains(&t.key) || w.deny.contains(&t.base)
        }) {
            negated = true;
        }
        let mut intent = m.head.r.future;
        let lo8 = h.saturating_sub(5);
        for i in lo8..h {
            let t = &self.toks[i];
            if in_match(i) || !t.word {
                continue;
            }
            if w.intent.contains(&t.key)
                || w.intent.contains(&t.base)
                || t.key == "لن"
                || lexicon_future_verb(&t.base)
            {
                intent = true;
            }
        }
        for i in last + 1..(last + 9).min(self.toks.len()) {
            let t = &self.toks[i];
            if t.hard {
                break;
            }
            if w.intent_after.contains(&t.key) || w.intent_after.contains(&t.base) {
                intent = true;
            }
        }
        if !e.verbal && m.head.r.prep == Some('ل') && etype == EventType::Consult {
            intent = true; // purpose: للقاء، لإجراء مباحثات
        }
        if e.hints.agent {
            intent = m.head.r.future;
        } else if !e.verbal {
            // The complement of a demand, threat, pledge or refusal:
            // دعا إلى وقف إطلاق النار، هدد باستهداف، رفضه للهدنة.
            for b in before.iter().filter(|b| !b.merged) {
                let be = &self.lx.entries[b.entry as usize];
                let bl = *b.toks.last().unwrap_or(&0);
                if matches!(
                    be.etype,
                    EventType::Demand | EventType::Threaten | EventType::Agree | EventType::Reject
                ) && bl < h
                    && h <= bl + 3
                {
                    intent = true;
                }
            }
        }
        let reported = self.toks.iter().enumerate().any(|(i, t)| {
            t.word && !in_match(i) && (w.report.contains(&t.key) || w.report.contains(&t.base))
        });
        let hypothetical = (h.saturating_sub(12)..h).any(|i| {
            let t = &self.toks[i];
            t.word
                && ((w.hypo.contains(&t.key) || w.hypo.contains(&t.base)) && t.key != "حال"
                    || (t.key == "حال" && i > 0 && self.toks[i - 1].key == "في"))
        });
        // Arguments.
        let hostile = matches!(
            etype,
            EventType::Assault
                | EventType::Coerce
                | EventType::Sanction
                | EventType::Threaten
                | EventType::Disapprove
                | EventType::Mobilize
        );
        let visit = e.hints.visit;
        let mut source: Option<usize> = None;
        let mut target: Option<usize> = None;
        let mut src_implicit = false;
        let mut tgt_implicit = false;
        let mut subj = Subj::Nothing;
        if e.hints.recv {
            target = self.target_after(last + 1, None, false, false, heads);
            if let Some(t) = target {
                source = self
                    .target_after(self.mens[t].t1, Some(t), false, false, heads)
                    .filter(|&s| !self.mens[s].is_place);
            }
            if source.is_none() {
                source = self.subject_before(h, 2, heads);
            }
        } else if e.hints.inv {
            target = match self.subject_after(h) {
                Subj::Found(s) => Some(s),
                _ => self.subject_before(h, 2, heads),
            };
            source = self.agent_phrase(last);
        } else if e.verbal {
            let head_tok = &self.toks[h];
            let encl = m.head.r.encl && m.toks.len() == 1;
            let conj = head_tok.conj || m.head.r.conj;
            // A conjoined or subordinate verb after another trigger keeps
            // that trigger's subject: وصل … والتقى الرئيس، حيث التقى.
            let continues = (conj
                || (h > 0
                    && matches!(
                        self.toks[h - 1].key.as_str(),
                        "حيث" | "ثم" | "كما" | "قبل" | "بعدما"
                    )))
                && before
                    .iter()
                    .any(|b| self.lx.entries[b.entry as usize].verbal);
            subj = if m.head.r.plural {
                Subj::Nothing
            } else {
                self.subject_after(h)
            };
            if visit {
                // A place right after a visit verb is its destination.
                if let Subj::Found(s) = subj {
                    if self.mens[s].is_place {
                        subj = Subj::Nothing;
                    }
                }
            }
            let pre = if conj {
                None
            } else {
                self.subject_before(h, 2, heads)
            };
            // SVO with an unnamed subject: أن الرئيس استقبل السفير.
            let pre_titled = !conj
                && pre.is_none()
                && h > 0
                && self.toks[h - 1].word
                && self.is_title(&self.toks[h - 1]);
            if let Some(p) = pre {
                source = Some(p);
            } else if pre_titled {
                source = None;
            } else if continues && !encl {
                src_implicit = true;
            } else if let Subj::Found(p) = subj {
                source = Some(p);
            } else if !matches!(subj, Subj::Titled | Subj::Unnamed) {
                src_implicit = true;
            }
            // `قصف شنه المتمردون`, `قتل … من قبل مسلحين`: an agent phrase
            // names the doer the subject slot left open.
            if source.is_none() {
                if let Some(a) = self.agent_phrase(last) {
                    source = Some(a);
                    src_implicit = false;
                }
            }
            if encl {
                tgt_implicit = true;
            } else {
                let from = match source {
                    Some(s) if self.mens[s].t0 > h => self.mens[s].t1,
                    _ => h + 1,
                };
                target = self.target_after(from, source, visit, hostile, heads);
                // A verb that needs an object takes a title phrase after its
                // subject as the object, not as an apposition.
                if target.is_none() && e.hints.need_obj {
                    target = self.target_after_appos(from, source, visit, hostile, heads, true);
                }
            }
        } else {
            // A masdar: its genitive, then the subject of the governing verb.
            // A capital after a masdar is where it happened (`تفجير كابول`,
            // `لقاء الدوحة`), except for a visit's destination.
            let gen = self.men_starting(last + 1).filter(|&g| {
                let gm = &self.mens[g];
                gm.actor.is_some()
                    && matches!(gm.prep, None | Some(Prep::For))
                    && (!gm.is_place || gm.metonymic)
                    && (visit || !self.is_capital(gm))
            });
            if e.hints.gen_tgt || (visit && gen.is_some_and(|g| self.mens[g].is_place)) {
                target = gen;
                source = self
                    .agent_phrase(last)
                    .or_else(|| self.subject_before(h, 6, heads));
            } else {
                // The subject inside a light-verb phrase (`أجرى كيري
                // اتصالا`), an agent phrase (`غارة شنتها طائرة أميركية`,
                // `هجوم من قبل مسلحين`), the genitive, the governing verb's
                // subject.
                let inner = (m.toks[0] + 1..last)
                    .filter_map(|k| self.men_starting(k))
                    .find(|&mi| {
                        let mm = &self.mens[mi];
                        mm.actor.is_some() && mm.prep.is_none() && (!mm.is_place || mm.metonymic)
                    })
                    .map(|mi| self.name_after(mi).unwrap_or(mi));
                // Who announces or reports an attack or a crime did not
                // commit it (`أعلنت الشرطة ارتفاع حصيلة تفجير`).
                let reporter = |mi: usize| {
                    matches!(etype, EventType::Assault | EventType::Crime)
                        && self.mens[mi].t0 > 0
                        && {
                            let v = &self.toks[self.mens[mi].t0 - 1];
                            self.w.report.contains(&v.key) || self.w.report.contains(&v.base)
                        }
                };
                source = self
                    .agent_phrase(last)
                    .or(inner)
                    .or(gen)
                    .or_else(|| self.subject_before(h, 6, heads).filter(|&mi| !reporter(mi)));
                // After the capital the masdar's genitive named as its place.
                let cap = self
                    .men_starting(last + 1)
                    .filter(|&g| !visit && self.is_capital(&self.mens[g]));
                let from = gen.or(cap).map_or(last + 1, |g| self.mens[g].t1);
                target = self.target_after(from, source, visit, hostile, heads);
            }
        }
        // `مواجهات بين المقاومة والمسلحين الحوثيين`, `محادثات بين طالبان
        // والحكومة الأفغانية`: the two sides named after `بين`.
        if !e.verbal {
            if let Some((a, b)) = self.between_sides(last) {
                source = Some(a);
                target = b;
                src_implicit = false;
            }
        }
        if e.hints.need_dest && subj == Subj::NonActor && source.is_none() {
            return None;
        }
        if visit && etype == EventType::Consult {
            if let Some(inv) = self.inviter() {
                let weak = target.is_none_or(|t| self.mens[t].is_place);
                if weak && Some(inv) != source {
                    target = Some(inv);
                }
            }
        }
        if source.is_some() && source == target {
            target = None;
        }
        if let (Some(s), Some(t)) = (source, target) {
            if self.mens[s].actor == self.mens[t].actor
                && !matches!(self.mens[s].actor, Some(ActorRef::Implicit))
            {
                target = None;
            }
        }
        // Place.
        let mut place: Option<usize> = None;
        let dest_from = match source {
            Some(s) if self.mens[s].t0 > h => self.mens[s].t1.max(last + 1),
            _ => last + 1,
        };
        let dest = if visit {
            // The destination: a place right after the trigger (or its subject).
            (dest_from..(dest_from + 5).min(self.toks.len()))
                .filter_map(|j| self.men_starting(j))
                .find(|&mi| {
                    let mm = &self.mens[mi];
                    mm.is_place
                        && matches!(
                            mm.prep,
                            None | Some(Prep::To) | Some(Prep::In) | Some(Prep::By)
                        )
                })
        } else {
            None
        };
        if let Some(d) = dest {
            place = self.mens[d].place;
            if target.is_none() {
                target = Some(d);
            }
        }
        if place.is_none() {
            if let Some(t) = target.filter(|&t| self.mens[t].is_place) {
                place = self.mens[t].place;
            }
        }
        if place.is_none() {
            let mut best: Option<(usize, usize)> = None;
            for (mi, mm) in self.mens.iter().enumerate() {
                if !mm.is_place || Some(mi) == source {
                    continue;
                }
                // A city struck is where it happened (`قصف حلب`, `على حلب`).
                let struck = hostile
                    && mm.t0 > last
                    && (!mm.metonymic || self.is_capital(mm))
                    && matches!(mm.prep, None | Some(Prep::Against));
                let locative = matches!(mm.prep, Some(Prep::In) | Some(Prep::By) | Some(Prep::To))
                    || (etype == EventType::Retreat && mm.prep == Some(Prep::From))
                    || struck;
                if !locative {
                    continue;
                }
                let dist = if mm.t0 > last {
                    mm.t0 - last
                } else {
                    h - mm.t1.min(h) + 2
                };
                if best.is_none_or(|(d, _)| dist < d) {
                    best = Some((dist, mi));
                }
            }
            place = best.and_then(|(_, mi)| self.mens[mi].place);
        }
        if e.hints.need_dest {
            let ok = dest.is_some()
                || target.is_some_and(|t| {
                    let tm = &self.mens[t];
                    tm.is_place
                        || tm.metonymic
                        || tm.prep == Some(Prep::To)
                        || (e.verbal && tm.entity_actor && tm.prep.is_none())
                })
                || (self.inviter().is_some() && source.is_some());
            if !ok {
                return None;
            }
        }
        if e.hints.need_obj && target.is_none() && !tgt_implicit {
            return None;
        }
        let actor = |i: Option<usize>| i.and_then(|i| self.mens[i].actor.clone());
        let mut src = actor(source);
        if src.is_none() && src_implicit {
            src = Some(ActorRef::Implicit);
        }
        let mut tgt = actor(target);
        if tgt.is_none() && tgt_implicit {
            tgt = Some(ActorRef::Implicit);
        }
        let time = self.time_for(m, sentence);
        let mut conf = e.spec;
        let comp: f32 =
            0.55 + match &src {
                Some(ActorRef::Implicit) => 0.12,
                Some(_) => 0.25,
                None => 0.0,
            } + if tgt.is_some() { 0.15 } else { 0.0 }
                + if place.is_some() || time.is_some() {
                    0.05
                } else {
                    0.0
                };
        conf *= comp.min(1.0) * conf_sense;
        if question {
            conf *= 0.5;
        }
        if hypothetical {
            conf *= 0.6;
        }
        let trig = (self.toks[h].start, self.toks[last].end);
        Some(EventMention {
            etype,
            mode,
            intent,
            negated,
            reported,
            question,
            hypothetical,
            verbal: e.verbal,
            trigger: trig,
            sentence,
            source: src,
            target: tgt,
            place,
            time,
            confidence: conf.clamp(0.0, 1.0),
        })
    }

    /// `على يد X`, `من قبل X`, `من جانب X`, `بواسطة X`: the agent.
    fn agent_phrase(&self, from: usize) -> Option<usize> {
        let end = (from + 12).min(self.toks.len());
        for j in from + 1..end {
            let t = &self.toks[j];
            if t.hard {
                break;
            }
            let next_is = |k: &str| self.toks.get(j + 1).is_some_and(|n| n.key == k);
            // `غارة شنتها طائرة أميركية`: the subject of a light verb
            // whose object pronoun is the event.
            let light = matches!(
                t.key.as_str(),
                "شنتها"
                    | "شنها"
                    | "شنوها"
                    | "نفذتها"
                    | "نفذها"
                    | "نفذوها"
                    | "اطلقتها"
                    | "اطلقها"
                    | "شنه"
                    | "شنته"
                    | "شنوه"
                    | "نفذه"
                    | "نفذته"
                    | "نفذوه"
                    | "ارسلتها"
                    | "ارسلها"
                    | "ارسلوها"
            );
            let agentive = (t.key == "علي" && next_is("يد"))
                || (t.key == "من" && (next_is("قبل") || next_is("جانب")))
                || t.key == "بواسطه"
                || light;
            if agentive {
                let mut k = j + 1;
                while k < end {
                    if let Some(mi) = self.men_starting(k) {
                        if self.mens[mi].actor.is_some() {
                            return Some(mi);
                        }
                    }
                    k += 1;
                }
            }
        }
        None
    }

    fn time_for(&self, m: &Match, (s0, s1): (usize, usize)) -> Option<usize> {
        let text = self.input.text;
        let trig = (self.toks[m.toks[0]].start, self.toks[*m.toks.last()?].end);
        let mut best: Option<(usize, usize)> = None;
        for (i, t) in self.input.times.iter().enumerate() {
            if !valid_span(text, t.start, t.end) || t.start < s0 || t.end > s1 {
                continue;
            }
            let d = if t.start >= trig.1 {
                t.start - trig.1
            } else {
                trig.0.saturating_sub(t.end)
            };
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
        best.map(|(_, i)| i)
    }
}

/// Is `key` (folded) a future form `سـ` + a verb the lexicon knows as an
/// intent marker (`سيعمل`)? Only the closed list in [`crate::words`] counts;
/// this hook keeps unrelated words out.
fn lexicon_future_verb(key: &str) -> bool {
    let w = words();
    key.strip_prefix('س').is_some_and(|r| w.intent.contains(r))
}

/// The country a word names or describes (country name or demonym), with
/// words that only look like one left out.
fn country_word(raw: &str) -> Option<&'static str> {
    let k = rasd_text::fold(raw, &Folds::SEARCH);
    let b = strip_base(&k);
    if chars(b) < 3 || NOT_COUNTRY.contains(&b) {
        return None;
    }
    rasd_geo::country_of(raw)
}

/// Words `country_of` may map that are not country references here.
const NOT_COUNTRY: &[&str] = &[
    "مجريات",
    "عربي",
    "عربيه",
    "عرب",
    "اوروبي",
    "اوروبيه",
    "افريقي",
    "افريقيه",
    "اسيوي",
    "دولي",
    "دوليه",
    "غربي",
    "غربيه",
    "شرقي",
    "شرقيه",
    "اممي",
    "امميه",
    "عالمي",
    "عالميه",
    "اسلامي",
    "اسلاميه",
];

/// The country of a place name (city or region) from the gazetteer.
fn place_country(surface: &str) -> Option<String> {
    let g = rasd_geo::gazetteer();
    g.link(surface, &rasd_geo::LinkContext::new())
        .map(|p| p.country.clone())
        .filter(|c| !c.is_empty())
}
