//! The learned event coder: linear models trained on rasd's PLOVER event
//! corpus (`data/events/`, train split) decide what the sentence coder
//! ([`crate::extract`]) only proposes.
//!
//! For one sentence (with its article's title as context):
//!
//! 1. **Triggers and types**: every word is classified as `NONE` or one of
//!    the 18 PLOVER types ([`TRIGGER`] model). Features: the word's folded
//!    key with and without clitics, its prefixes and suffixes, its
//!    neighbours and bigrams, the words around it, the title's words, and
//!    what the lexicon coder proposes there (type, verb or noun, intent,
//!    negation) crossed with the sentence's words. A run of words of one
//!    type is one mention; a word is an event when `1 − P(NONE)` reaches
//!    [`Coder::threshold`], the one confidence threshold of the coder.
//! 2. **Arguments**: for each mention, every word of the sentence and of the
//!    title is classified as its source, target, place or nothing ([`ROLE`]
//!    model), from its side of the trigger and distance, the entity kind the
//!    caller's NER gives it and its rank among the entities on that side,
//!    the word and the preposition before it, the trigger's type and word,
//!    and the arguments the lexicon coder assigned. The best word of each
//!    role is taken, grown to the entity mention that contains it or to the
//!    run of words of its role.
//! 3. **Mode, intent, negation**: one classifier each over the trigger's
//!    words and context ([`MODE`], [`INTENT`], [`NEGATED`]); the mode is one
//!    the training data gave the type.
//!
//! Models are trained by `cargo run --release -p rasd-pipeline --example
//! train_event_coder` and shipped as `data/coder.safetensors`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use rasd_text::{fold_into, tokenize, Folds, TokenKind};

use crate::extract::floor_boundary;
use crate::linear::{self, Linear, TrainOptions};
use crate::sense::strip_base;
use crate::{extract, ActorRef, Arg, ArgKind, EventType, SentenceInput};

/// The trained coder, embedded (empty: no learned coder).
pub const CODER_BIN: &[u8] = include_bytes!("../data/coder.safetensors");

/// Model names inside the safetensors file.
pub const TRIGGER: &str = "trigger";
pub const ROLE: &str = "role";
pub const MODE: &str = "mode";
pub const INTENT: &str = "intent";
pub const NEGATED: &str = "negated";
/// The trigger vocabulary's tensor name.
pub const VOCAB: &str = "trigger_vocab";

/// Feature-set version: a model trained with other features is refused.
const FEATURES: &str = "1";
const ROLES: [&str; 4] = ["O", "SRC", "TGT", "PLC"];
/// Longest sentence coded, in bytes (as [`crate::extract`]).
const MAX_SENTENCE: usize = 4_000;
const WINDOW: usize = 5;

/// Which text a span indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Where {
    /// The sentence's own field ([`SentenceInput::text`]).
    Here,
    /// The article's title ([`Context::title`]).
    Title,
}

/// An argument span the coder chose, with its probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoleSpan {
    pub at: Where,
    pub start: usize,
    pub end: usize,
    pub prob: f32,
}

/// The article context of a sentence.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The article's title ("" when it has none, or when the sentence is the
    /// title itself).
    pub title: &'a str,
    /// The entity mentions of the title.
    pub title_args: &'a [Arg],
    /// The title's words made ready once per article ([`TitleWords::new`]);
    /// `None`: made for each sentence.
    pub words: Option<&'a TitleWords>,
}

/// The words of an article's title, read once for all its sentences.
#[derive(Clone, Debug, Default)]
pub struct TitleWords(Vec<Tok>);

impl TitleWords {
    pub fn new(title: &str, title_args: &[Arg]) -> TitleWords {
        TitleWords(if title.is_empty() {
            Vec::new()
        } else {
            words_of(title, 0, title.len(), title_args)
        })
    }
}

/// One event mention the learned coder finds.
#[derive(Clone, Debug, PartialEq)]
pub struct Coded {
    pub etype: EventType,
    pub mode: Option<String>,
    pub intent: bool,
    pub negated: bool,
    /// Byte span of the trigger in the field.
    pub trigger: (usize, usize),
    pub source: Option<RoleSpan>,
    pub target: Option<RoleSpan>,
    pub place: Option<RoleSpan>,
    /// `1 − P(NONE)` of the trigger's best word.
    pub confidence: f32,
    /// The lexicon coder's mention whose trigger overlaps (its actors as
    /// [`ActorRef`]s, which know countries, groups and implicit subjects).
    pub lexical: Option<crate::EventMention>,
}

/// A gold mention, for training: offsets as in [`Coded`].
#[derive(Clone, Debug, PartialEq)]
pub struct GoldMention {
    pub etype: EventType,
    pub mode: Option<String>,
    pub intent: bool,
    pub negated: bool,
    pub trigger: (usize, usize),
    pub source: Option<(Where, usize, usize)>,
    pub target: Option<(Where, usize, usize)>,
    pub place: Option<(Where, usize, usize)>,
}

/// The trained coder.
#[derive(Clone, Debug)]
pub struct Coder {
    trigger: Linear,
    role: Linear,
    mode: Linear,
    intent: Linear,
    negated: Linear,
    /// Minimum `1 − P(NONE)` of a trigger word.
    pub threshold: f32,
    /// Minimum probability of an argument's word in its role.
    pub role_threshold: f32,
    /// Modes seen with each type in training.
    modes_of: HashMap<EventType, BTreeSet<String>>,
    /// Keys of the words that were (part of) a trigger in training: only
    /// these words, and those the lexicon proposes, are scored by the
    /// trigger model (`None`: every word).
    vocab: Option<linear::KeyMap<()>>,
}

/// The embedded coder (`None` when `data/coder.safetensors` is empty).
pub fn coder() -> Option<&'static Coder> {
    static M: OnceLock<Option<Coder>> = OnceLock::new();
    M.get_or_init(|| {
        if CODER_BIN.is_empty() {
            return None;
        }
        // The embedded file is this crate's own; a bad one is a build bug.
        Some(Coder::from_bytes(CODER_BIN).expect("embedded data/coder.safetensors"))
    })
    .as_ref()
}

// ---------------------------------------------------------------------------
// Words

#[derive(Clone, Debug, Default)]
struct Tok {
    start: usize,
    end: usize,
    word: bool,
    punct_hard: bool,
    comma: bool,
    /// Folded key with `و ف` and the article off.
    kh: u64,
    /// Folded surface.
    sh: u64,
    p2: u64,
    p3: u64,
    s2: u64,
    s3: u64,
    /// Types the lexicon's first words give the word, before sense rules.
    raw: Vec<EventType>,
    /// Character 3-grams of the key.
    grams: Vec<u64>,
    /// Stem (clitics off by [`rasd_text::segment`]).
    stem: u64,
    /// Word classes of the NER's clusters, coarse to fine (0: unknown).
    cl: [u64; 3],
    /// Folded surface's first letter when it may be a proclitic (`ب ل ك و ف س`).
    pro: u64,
    /// Entity kind (0 none, 1 person, 2 organisation, 3 place, 4 other) and
    /// whether the word starts the mention.
    ner: u8,
    ner_b: bool,
    /// Index of the caller's arg that contains the word.
    arg: Option<usize>,
    /// [`enrich`] has run.
    rich: bool,
    /// The lexicon coder's proposal here: index into the mentions.
    lex: Option<usize>,
}

/// The NER's word clusters (none when its model does not load).
fn clusters() -> Option<&'static rasd_ner::Clusters> {
    rasd_ner::default_model().ok().map(|m| m.clusters())
}

fn hs(s: &str) -> u64 {
    crate::linear::fh(&[s])
}

/// A stable hash of a feature: a tag and its parts (FNV-1a over the bytes).
fn mx(tag: u64, parts: &[u64]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ tag.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for p in parts {
        for b in p.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn kind_code(k: ArgKind) -> u8 {
    match k {
        ArgKind::Person => 1,
        ArgKind::Org => 2,
        ArgKind::Place => 3,
        ArgKind::Other => 4,
    }
}

fn type_code(t: EventType) -> u64 {
    EventType::ALL.iter().position(|&x| x == t).unwrap_or(0) as u64 + 1
}

/// The words of `text[s0..s1]` with the cheap facts every model reads (keys,
/// surface, clusters, entity); [`enrich`] adds what only the trigger model
/// reads.
fn words_of(text: &str, s0: usize, s1: usize, args: &[Arg]) -> Vec<Tok> {
    let Some(sent) = text.get(s0..s1) else {
        return Vec::new();
    };
    // The arguments inside the sentence, by their index in `args` (looking
    // through all of an article's arguments for each word was quadratic).
    let near: Vec<(usize, &Arg)> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| a.start < s1 && s0 < a.end)
        .collect();
    let mut out = Vec::new();
    let mut buf = String::new();
    for t in tokenize(sent) {
        let raw = &sent[t.start..t.end];
        buf.clear();
        fold_into(raw, &Folds::SEARCH, &mut buf);
        let word = matches!(
            t.kind,
            TokenKind::Word | TokenKind::Latin | TokenKind::Hashtag
        );
        let (start, end) = (s0 + t.start, s0 + t.end);
        let mut cl = [0u64; 3];
        if word {
            if let Some(c) = clusters().and_then(|c| c.get(&rasd_ner::norm(raw))) {
                for (k, v) in c.iter().take(3).enumerate() {
                    cl[k] = u64::from(*v) + 1;
                }
            }
        }
        let arg = near
            .iter()
            .find(|(_, a)| a.start < end && start < a.end)
            .map(|&(i, _)| i);
        out.push(Tok {
            start,
            end,
            word,
            punct_hard: t.kind == TokenKind::Punct
                && raw.contains(['.', '؛', ';', ':', '؟', '?', '!']),
            comma: t.kind == TokenKind::Punct && raw.contains(['،', ',']),
            kh: if word {
                hs(strip_base(&buf))
            } else {
                hs(if t.kind == TokenKind::Number {
                    "<num>"
                } else {
                    raw
                })
            },
            sh: hs(&buf),
            raw: Vec::new(),
            grams: Vec::new(),
            stem: 0,
            cl,
            p2: 0,
            p3: 0,
            s2: 0,
            s3: 0,
            pro: 0,
            ner: arg.map_or(0, |i| kind_code(args[i].kind)),
            ner_b: arg.is_some_and(|i| args[i].start >= start),
            arg,
            lex: None,
            rich: false,
        });
    }
    out
}

/// Adds to a word of `text` the facts only the trigger model reads: the
/// lexicon's types, stem, prefixes, suffixes, character 3-grams, proclitic.
fn enrich(t: &mut Tok, text: &str) {
    if t.rich || !t.word {
        t.rich = true;
        return;
    }
    t.rich = true;
    let raw = text.get(t.start..t.end).unwrap_or("");
    let buf = rasd_text::fold(raw, &Folds::SEARCH);
    let key = strip_base(&buf);
    let ends: Vec<usize> = key
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(key.len()))
        .collect();
    let n = ends.len() - 1;
    // Byte offset of the k-th character (k ≤ n).
    let at = |k: usize| ends[k.min(n)];
    t.p2 = hs(&key[..at(2)]);
    t.p3 = hs(&key[..at(3)]);
    t.s2 = hs(&key[at(n.saturating_sub(2))..]);
    t.s3 = hs(&key[at(n.saturating_sub(3))..]);
    if n > 3 {
        t.grams = (0..n - 2).map(|k| hs(&key[at(k)..at(k + 3)])).collect();
    }
    t.raw = crate::extract::raw_types(&buf, raw);
    t.stem = hs(&rasd_text::segment_key(&buf, &|_| false));
    let first = buf.chars().next().unwrap_or(' ');
    if buf.chars().count() > 3 && "بلكوفس".contains(first) {
        let mut b = [0u8; 4];
        t.pro = hs(first.encode_utf8(&mut b));
    }
}

/// A sentence made ready for the models.
struct Prepared<'a> {
    toks: Vec<Tok>,
    /// The article's title words, borrowed when the caller read them once.
    title: Cow<'a, [Tok]>,
    lex: Vec<crate::EventMention>,
    input: &'a SentenceInput<'a>,
    title_args: &'a [Arg],
}

fn prepare<'a>(input: &'a SentenceInput<'a>, ctx: &Context<'a>) -> Prepared<'a> {
    let text = input.text;
    let s0 = floor_boundary(text, input.start);
    let mut s1 = floor_boundary(text, input.end);
    if s1 > s0 + MAX_SENTENCE {
        s1 = floor_boundary(text, s0 + MAX_SENTENCE);
    }
    let mut toks = if s1 > s0 {
        words_of(text, s0, s1, input.args)
    } else {
        Vec::new()
    };
    let lex = if toks.is_empty() {
        Vec::new()
    } else {
        extract(input)
    };
    for (k, m) in lex.iter().enumerate() {
        for t in toks.iter_mut() {
            if t.start < m.trigger.1 && m.trigger.0 < t.end && t.lex.is_none() {
                t.lex = Some(k);
            }
        }
    }
    let title = match ctx.words {
        Some(w) => Cow::Borrowed(w.0.as_slice()),
        None => Cow::Owned(TitleWords::new(ctx.title, ctx.title_args).0),
    };
    Prepared {
        toks,
        title,
        lex,
        input,
        title_args: ctx.title_args,
    }
}

// ---------------------------------------------------------------------------
// Features

mod tag {
    pub const BIAS: u64 = 1;
    pub const W: u64 = 2;
    pub const SURF: u64 = 3;
    pub const P2: u64 = 4;
    pub const P3: u64 = 5;
    pub const S2: u64 = 6;
    pub const S3: u64 = 7;
    pub const L1: u64 = 8;
    pub const R1: u64 = 9;
    pub const L2: u64 = 10;
    pub const R2: u64 = 11;
    pub const BL: u64 = 12;
    pub const BR: u64 = 13;
    pub const LEX: u64 = 14;
    pub const LEXW: u64 = 15;
    pub const LEXF: u64 = 16;
    pub const NOLEX: u64 = 17;
    pub const WIN: u64 = 18;
    pub const TTLX: u64 = 20;
    pub const SENTX: u64 = 21;
    pub const NER: u64 = 22;
    pub const POS: u64 = 23;
    pub const KIND: u64 = 24;
    pub const PRO: u64 = 25;
    pub const LEXM: u64 = 26;
    pub const STEM: u64 = 27;
    pub const GRAM: u64 = 31;
    pub const RAW: u64 = 32;
    pub const RAWL: u64 = 33;
    pub const CL: u64 = 28;
    pub const CLL: u64 = 29;
    pub const CLR: u64 = 30;
    pub const R_CL: u64 = 66;
    pub const R_TCL: u64 = 67;
    pub const M_CL: u64 = 94;
    // roles
    pub const R_DIR: u64 = 40;
    pub const R_TD: u64 = 41;
    pub const R_TDD: u64 = 42;
    pub const R_DD: u64 = 43;
    pub const R_NER: u64 = 44;
    pub const R_TNER: u64 = 45;
    pub const R_DNER: u64 = 46;
    pub const R_W: u64 = 47;
    pub const R_DW: u64 = 48;
    pub const R_TW: u64 = 49;
    pub const R_PV: u64 = 50;
    pub const R_TPV: u64 = 51;
    pub const R_PRO: u64 = 52;
    pub const R_TK: u64 = 53;
    pub const R_RANK: u64 = 54;
    pub const R_TRANK: u64 = 55;
    pub const R_BTW: u64 = 56;
    pub const R_COMMA: u64 = 57;
    pub const R_OLD: u64 = 58;
    pub const R_OLDT: u64 = 59;
    pub const R_SUBJ: u64 = 60;
    pub const R_VB: u64 = 61;
    pub const R_NX: u64 = 62;
    pub const R_HARD: u64 = 63;
    pub const R_TDNER: u64 = 64;
    pub const R_SURF: u64 = 65;
    // mentions
    pub const M_T: u64 = 80;
    pub const M_TK: u64 = 81;
    pub const M_WL: u64 = 82;
    pub const M_WR: u64 = 83;
    pub const M_L1: u64 = 84;
    pub const M_L2: u64 = 85;
    pub const M_R1: u64 = 86;
    pub const M_OLDI: u64 = 87;
    pub const M_OLDN: u64 = 88;
    pub const M_OLDM: u64 = 89;
    pub const M_SURF: u64 = 90;
    pub const M_TL1: u64 = 91;
    pub const M_P2: u64 = 92;
    pub const M_TTL: u64 = 93;
}

/// The trigger features of word `i`: its own, and those of its sentence
/// and title crossed with the lexicon's type there ([`context_features`]).
fn trigger_features(p: &Prepared, i: usize, out: &mut Vec<u64>) {
    own_trigger_features(p, i, out);
    if let Some(m) = p.toks[i].lex.map(|l| &p.lex[l]) {
        context_features(p, type_code(m.etype), out);
    }
}

/// The sentence's and the title's words crossed with a lexicon type: the
/// same for every word of that type in the sentence.
fn context_features(p: &Prepared, ty: u64, out: &mut Vec<u64>) {
    for w in p.title.iter() {
        if w.word {
            out.push(mx(tag::TTLX, &[ty, w.kh]));
        }
    }
    for w in &p.toks {
        if w.word {
            out.push(mx(tag::SENTX, &[ty, w.kh]));
        }
    }
}

fn own_trigger_features(p: &Prepared, i: usize, out: &mut Vec<u64>) {
    out.clear();
    let t = &p.toks;
    let x = &t[i];
    let k = |j: isize| -> u64 {
        let j = i as isize + j;
        if j < 0 {
            hs("<s>")
        } else if j as usize >= t.len() {
            hs("</s>")
        } else {
            t[j as usize].kh
        }
    };
    out.push(mx(tag::BIAS, &[]));
    out.push(mx(tag::W, &[x.kh]));
    out.push(mx(tag::SURF, &[x.sh]));
    out.push(mx(tag::P2, &[x.p2]));
    out.push(mx(tag::P3, &[x.p3]));
    out.push(mx(tag::S2, &[x.s2]));
    out.push(mx(tag::S3, &[x.s3]));
    out.push(mx(tag::PRO, &[x.pro]));
    out.push(mx(tag::STEM, &[x.stem]));
    for g in &x.grams {
        out.push(mx(tag::GRAM, &[*g]));
    }
    for r in &x.raw {
        out.push(mx(tag::RAW, &[type_code(*r)]));
        out.push(mx(tag::RAWL, &[type_code(*r), k(-1)]));
    }
    for (k, c) in x.cl.iter().enumerate() {
        out.push(mx(tag::CL, &[k as u64, *c]));
    }
    let cl = |j: isize| -> u64 {
        let j = i as isize + j;
        if j < 0 || j as usize >= t.len() {
            0
        } else {
            t[j as usize].cl[1]
        }
    };
    out.push(mx(tag::CLL, &[cl(-1), x.cl[1]]));
    out.push(mx(tag::CLR, &[x.cl[1], cl(1)]));
    out.push(mx(tag::L1, &[k(-1)]));
    out.push(mx(tag::R1, &[k(1)]));
    out.push(mx(tag::L2, &[k(-2)]));
    out.push(mx(tag::R2, &[k(2)]));
    out.push(mx(tag::BL, &[k(-1), x.kh]));
    out.push(mx(tag::BR, &[x.kh, k(1)]));
    out.push(mx(tag::NER, &[u64::from(x.ner), u64::from(x.ner_b)]));
    out.push(mx(tag::POS, &[i.min(3) as u64]));
    out.push(mx(tag::KIND, &[u64::from(x.word)]));
    for j in i.saturating_sub(WINDOW)..(i + WINDOW + 1).min(t.len()) {
        if j + 1 < i || j > i + 1 {
            out.push(mx(tag::WIN, &[t[j].kh]));
        }
    }
    match x.lex.map(|l| &p.lex[l]) {
        Some(m) => {
            let ty = type_code(m.etype);
            out.push(mx(tag::LEX, &[ty]));
            out.push(mx(tag::LEXW, &[ty, x.kh]));
            out.push(mx(
                tag::LEXF,
                &[
                    ty,
                    u64::from(m.verbal),
                    u64::from(m.intent),
                    u64::from(m.negated),
                    u64::from(m.reported),
                ],
            ));
            out.push(mx(tag::LEXM, &[ty, hs(m.mode.as_deref().unwrap_or("-"))]));
        }
        None => out.push(mx(tag::NOLEX, &[])),
    }
}

/// The candidates of one argument: an entity mention, or one word outside
/// any; its best word and probability in each role, and its entity.
struct Unit {
    key: (u8, usize),
    entity: Option<usize>,
    best: [(Cand, f32); 4],
}

/// A candidate argument word: in the sentence or the title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cand {
    Here(usize),
    Title(usize),
}

fn bucket(d: usize) -> u64 {
    match d {
        0..=1 => d as u64,
        2 => 2,
        3..=4 => 3,
        5..=7 => 4,
        8..=12 => 5,
        _ => 6,
    }
}

/// Per-mention facts shared by its candidates' features.
struct MentionView {
    ty: u64,
    a: usize,
    b: usize,
    head: u64,
    verbal: bool,
    /// The lexicon coder's source and target word sets.
    old_src: Vec<Cand>,
    old_tgt: Vec<Cand>,
    subj_left: bool,
}

fn mention_view(p: &Prepared, etype: EventType, a: usize, b: usize) -> MentionView {
    let t = &p.toks;
    let lex = (a..=b).find_map(|i| t[i].lex).map(|l| &p.lex[l]);
    let mut old_src = Vec::new();
    let mut old_tgt = Vec::new();
    if let Some(m) = lex {
        let mark = |r: &Option<ActorRef>, into: &mut Vec<Cand>| match r {
            Some(ActorRef::Entity(e)) => {
                for (i, w) in t.iter().enumerate() {
                    if w.arg.is_some_and(|x| p.input.args[x].entity == *e) {
                        into.push(Cand::Here(i));
                    }
                }
            }
            Some(ActorRef::Country { start, end, .. }) | Some(ActorRef::Group { start, end }) => {
                for (i, w) in t.iter().enumerate() {
                    if w.start < *end && *start < w.end {
                        into.push(Cand::Here(i));
                    }
                }
            }
            _ => {}
        };
        mark(&m.source, &mut old_src);
        mark(&m.target, &mut old_tgt);
    }
    MentionView {
        ty: type_code(etype),
        a,
        b,
        head: t[a].kh,
        verbal: lex.is_some_and(|m| m.verbal),
        old_src,
        old_tgt,
        subj_left: t[..a].iter().any(|w| matches!(w.ner, 1 | 2)),
    }
}

fn role_features(p: &Prepared, m: &MentionView, c: Cand, out: &mut Vec<u64>) {
    out.clear();
    let (w, dir, dist, prev, rank, btw, comma, hard) = match c {
        Cand::Here(j) => {
            let t = &p.toks;
            let (dir, dist, lo, hi) = if j < m.a {
                (1, m.a - j, j + 1, m.a)
            } else {
                (2, j - m.b, m.b + 1, j)
            };
            let between = &t[lo.min(hi)..hi.max(lo)];
            let btw = between.iter().filter(|x| x.lex.is_some()).count().min(2) as u64;
            let comma = between.iter().any(|x| x.comma);
            let hard = between.iter().any(|x| x.punct_hard);
            // Entity rank on this side: entity starts between the word and
            // the trigger.
            let rank = between
                .iter()
                .filter(|x| x.ner_b && x.ner != 0)
                .count()
                .min(3) as u64;
            let prev = if j > 0 { t[j - 1].kh } else { hs("<s>") };
            (&t[j], dir, dist, prev, rank, btw, comma, hard)
        }
        Cand::Title(j) => {
            let t = &p.title;
            let prev = if j > 0 { t[j - 1].kh } else { hs("<s>") };
            let rank = t[..j]
                .iter()
                .filter(|x| x.ner_b && x.ner != 0)
                .count()
                .min(3) as u64;
            (&t[j], 3, 0, prev, rank, 0, false, false)
        }
    };
    let db = bucket(dist);
    let nk = u64::from(w.ner) * 2 + u64::from(w.ner_b);
    let ty = m.ty;
    out.push(mx(tag::R_DIR, &[dir]));
    out.push(mx(tag::R_TD, &[ty, dir]));
    out.push(mx(tag::R_TDD, &[ty, dir, db]));
    out.push(mx(tag::R_DD, &[dir, db]));
    out.push(mx(tag::R_NER, &[dir, nk]));
    out.push(mx(tag::R_TNER, &[ty, nk]));
    out.push(mx(tag::R_TDNER, &[ty, dir, nk]));
    out.push(mx(tag::R_DNER, &[dir, db, nk]));
    out.push(mx(tag::R_W, &[w.kh]));
    out.push(mx(tag::R_SURF, &[w.sh]));
    out.push(mx(tag::R_CL, &[dir, w.cl[1]]));
    out.push(mx(tag::R_TCL, &[ty, dir, w.cl[0]]));
    out.push(mx(tag::R_DW, &[dir, w.kh]));
    out.push(mx(tag::R_TW, &[ty, w.kh]));
    out.push(mx(tag::R_PV, &[dir, prev]));
    out.push(mx(tag::R_TPV, &[ty, dir, prev]));
    out.push(mx(tag::R_PRO, &[dir, w.pro, nk]));
    out.push(mx(tag::R_TK, &[m.head, dir, nk]));
    out.push(mx(tag::R_RANK, &[dir, rank, nk]));
    out.push(mx(tag::R_TRANK, &[ty, dir, rank]));
    out.push(mx(tag::R_BTW, &[dir, btw]));
    out.push(mx(tag::R_COMMA, &[dir, u64::from(comma)]));
    out.push(mx(tag::R_HARD, &[dir, u64::from(hard)]));
    out.push(mx(tag::R_VB, &[u64::from(m.verbal), dir, nk]));
    out.push(mx(tag::R_SUBJ, &[dir, u64::from(m.subj_left), nk]));
    out.push(mx(tag::R_NX, &[u64::from(w.word), nk]));
    for (role, set) in [(1u64, &m.old_src), (2, &m.old_tgt)] {
        if set.contains(&c) {
            out.push(mx(tag::R_OLD, &[role]));
            out.push(mx(tag::R_OLDT, &[ty, role, nk]));
        }
    }
}

fn mention_features(p: &Prepared, m: &MentionView, out: &mut Vec<u64>) {
    out.clear();
    let t = &p.toks;
    let ty = m.ty;
    let kh = |j: isize| -> u64 {
        if j < 0 || j as usize >= t.len() {
            hs("<s>")
        } else {
            t[j as usize].kh
        }
    };
    out.push(mx(tag::M_T, &[ty]));
    for i in m.a..=m.b {
        out.push(mx(tag::M_TK, &[ty, t[i].kh]));
        out.push(mx(tag::M_TK, &[0, t[i].kh]));
        out.push(mx(tag::M_SURF, &[t[i].sh]));
        out.push(mx(tag::M_P2, &[t[i].p2]));
        out.push(mx(tag::M_CL, &[ty, t[i].cl[2]]));
    }
    out.push(mx(tag::M_L1, &[kh(m.a as isize - 1)]));
    out.push(mx(tag::M_TL1, &[ty, kh(m.a as isize - 1)]));
    out.push(mx(tag::M_L2, &[kh(m.a as isize - 2)]));
    out.push(mx(tag::M_R1, &[kh(m.b as isize + 1)]));
    for j in m.a.saturating_sub(8)..m.a {
        out.push(mx(tag::M_WL, &[t[j].kh]));
    }
    for j in m.b + 1..(m.b + 9).min(t.len()) {
        out.push(mx(tag::M_WR, &[t[j].kh]));
    }
    for w in p.title.iter() {
        if w.word {
            out.push(mx(tag::M_TTL, &[ty, w.kh]));
        }
    }
    if let Some(l) = (m.a..=m.b).find_map(|i| t[i].lex).map(|l| &p.lex[l]) {
        out.push(mx(tag::M_OLDI, &[u64::from(l.intent)]));
        out.push(mx(tag::M_OLDN, &[u64::from(l.negated)]));
        out.push(mx(tag::M_OLDM, &[ty, hs(l.mode.as_deref().unwrap_or("-"))]));
    }
}

// ---------------------------------------------------------------------------
// Coding

impl Coder {
    pub fn from_bytes(b: &[u8]) -> Result<Coder, String> {
        let (mut ms, meta) = linear::load(b, &[TRIGGER, ROLE, MODE, INTENT, NEGATED])?;
        if meta.get("features").map(String::as_str) != Some(FEATURES) {
            return Err(format!(
                "coder trained with feature set {:?}, this build reads {FEATURES}",
                meta.get("features")
            ));
        }
        let num = |k: &str| -> Result<f32, String> {
            meta.get(k)
                .ok_or_else(|| format!("no {k} in the metadata"))?
                .parse()
                .map_err(|e| format!("{k}: {e}"))
        };
        let modes: BTreeMap<String, BTreeSet<String>> = meta
            .get("modes_of")
            .map(|s| serde_json::from_str(s).map_err(|e| format!("modes_of: {e}")))
            .transpose()?
            .unwrap_or_default();
        let modes_of = modes
            .into_iter()
            .filter_map(|(k, v)| EventType::parse(&k).map(|t| (t, v)))
            .collect();
        let vocab = linear::load_set(b, VOCAB)?.map(|v| v.into_iter().map(|k| (k, ())).collect());
        let negated = ms.pop().expect("5 models");
        let intent = ms.pop().expect("5 models");
        let mode = ms.pop().expect("5 models");
        let role = ms.pop().expect("5 models");
        let trigger = ms.pop().expect("5 models");
        Ok(Coder {
            trigger,
            role,
            mode,
            intent,
            negated,
            threshold: num("threshold")?,
            role_threshold: num("role_threshold")?,
            modes_of,
            vocab,
        })
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let modes: BTreeMap<&str, &BTreeSet<String>> =
            self.modes_of.iter().map(|(k, v)| (k.as_str(), v)).collect();
        linear::save(
            &[
                (TRIGGER, &self.trigger),
                (ROLE, &self.role),
                (MODE, &self.mode),
                (INTENT, &self.intent),
                (NEGATED, &self.negated),
            ],
            &match &self.vocab {
                Some(v) => vec![(VOCAB, v.keys().copied().collect::<Vec<u64>>())],
                None => Vec::new(),
            }
            .iter()
            .map(|(n, v)| (*n, v.as_slice()))
            .collect::<Vec<_>>(),
            &[
                ("features", FEATURES.to_string()),
                ("threshold", self.threshold.to_string()),
                ("role_threshold", self.role_threshold.to_string()),
                (
                    "modes_of",
                    serde_json::to_string(&modes).map_err(|e| e.to_string())?,
                ),
            ],
        )
    }

    /// Is the word scored by the trigger model: the lexicon proposes it, or
    /// its key was part of a trigger in training?
    fn candidate(&self, w: &Tok) -> bool {
        match &self.vocab {
            None => true,
            Some(v) => w.lex.is_some() || v.contains_key(&w.kh),
        }
    }

    /// Sets the trigger vocabulary from training examples (`None`: score
    /// every word).
    pub fn set_vocab(&mut self, vocab: Option<&BTreeSet<u64>>) {
        self.vocab = vocab.map(|v| v.iter().map(|k| (*k, ())).collect());
    }

    /// Each word of a sentence with its most likely event type and the
    /// probability that it is an event (`1 − P(NONE)`): what the trigger
    /// model sees, for inspection.
    pub fn word_scores(
        &self,
        input: &SentenceInput,
        ctx: &Context,
    ) -> Vec<((usize, usize), EventType, f32)> {
        let mut p = prepare(input, ctx);
        p.toks.iter_mut().for_each(|t| enrich(t, input.text));
        let (mut f, mut pr) = (Vec::new(), Vec::new());
        let mut out = Vec::new();
        for (i, w) in p.toks.iter().enumerate() {
            if !w.word {
                continue;
            }
            trigger_features(&p, i, &mut f);
            self.trigger.probs(&f, &mut pr);
            let c = (1..pr.len())
                .max_by(|&a, &b| pr[a].total_cmp(&pr[b]))
                .unwrap_or(1);
            if let Some(t) = EventType::parse(&self.trigger.classes[c]) {
                out.push(((w.start, w.end), t, 1.0 - pr[0]));
            }
        }
        out
    }

    /// Codes one sentence.
    pub fn code(&self, input: &SentenceInput, ctx: &Context) -> Vec<Coded> {
        let mut p = prepare(input, ctx);
        for i in 0..p.toks.len() {
            if p.toks[i].word && self.candidate(&p.toks[i]) {
                enrich(&mut p.toks[i], input.text);
            }
        }
        let mut out = Vec::new();
        if p.toks.is_empty() {
            return out;
        }
        let mut f = Vec::with_capacity(128);
        let mut pr = Vec::new();
        // (type, probability of the event) per word.
        let mut best: Vec<Option<(usize, f32)>> = vec![None; p.toks.len()];
        // The context features' sums per lexicon type, once per sentence.
        let nc = self.trigger.n_classes();
        let mut context: Vec<(u64, Vec<i32>)> = Vec::new();
        let mut acc = vec![0i32; nc];
        for (i, w) in p.toks.iter().enumerate() {
            if !w.word || !self.candidate(w) {
                continue;
            }
            own_trigger_features(&p, i, &mut f);
            acc.iter_mut().for_each(|x| *x = 0);
            self.trigger.accumulate(&f, &mut acc);
            if let Some(m) = w.lex.map(|l| &p.lex[l]) {
                let ty = type_code(m.etype);
                let k = match context.iter().position(|(t, _)| *t == ty) {
                    Some(k) => k,
                    None => {
                        let mut cf = Vec::new();
                        context_features(&p, ty, &mut cf);
                        let mut sum = vec![0i32; nc];
                        self.trigger.accumulate(&cf, &mut sum);
                        context.push((ty, sum));
                        context.len() - 1
                    }
                };
                acc.iter_mut().zip(&context[k].1).for_each(|(a, b)| *a += b);
            }
            self.trigger.probs_of(&acc, &mut pr);
            let ev = 1.0 - pr[0];
            if ev >= self.threshold {
                let c = (1..pr.len())
                    .max_by(|&a, &b| pr[a].total_cmp(&pr[b]))
                    .unwrap_or(1);
                best[i] = Some((c, ev));
            }
        }
        let mut i = 0;
        while i < best.len() {
            let Some((c, _)) = best[i] else {
                i += 1;
                continue;
            };
            let mut j = i;
            while j + 1 < best.len() && best[j + 1].is_some_and(|(c2, _)| c2 == c) {
                j += 1;
            }
            let conf = (i..=j)
                .filter_map(|k| best[k].map(|b| b.1))
                .fold(0.0, f32::max);
            let Some(etype) = EventType::parse(&self.trigger.classes[c]) else {
                i = j + 1;
                continue;
            };
            out.push(self.code_mention(&p, etype, i, j, conf, &mut f, &mut pr));
            i = j + 1;
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn code_mention(
        &self,
        p: &Prepared,
        etype: EventType,
        a: usize,
        b: usize,
        conf: f32,
        f: &mut Vec<u64>,
        pr: &mut Vec<f32>,
    ) -> Coded {
        let m = mention_view(p, etype, a, b);
        // Role probabilities of every candidate word.
        let mut cands: Vec<(Cand, [f32; 4])> = Vec::new();
        let here = (0..p.toks.len())
            .filter(|&j| (j < a || j > b) && p.toks[j].word)
            .map(Cand::Here);
        let title = (0..p.title.len())
            .filter(|&j| p.title[j].word)
            .map(Cand::Title);
        for c in here.chain(title) {
            role_features(p, &m, c, f);
            self.role.probs(f, pr);
            let mut q = [0.0; 4];
            q.copy_from_slice(&pr[..4]);
            cands.push((c, q));
        }
        // Words of one entity mention are one unit: its probability in a
        // role is its best word's, and source and target are two different
        // units (and entities), chosen together.
        let mut units: Vec<Unit> = Vec::new();
        for (c, q) in &cands {
            let (key, entity) = match *c {
                Cand::Here(j) => match p.toks[j].arg {
                    Some(x) => ((0, usize::MAX - x), Some(p.input.args[x].entity)),
                    None => ((0, j), None),
                },
                Cand::Title(j) => match p.title[j].arg {
                    Some(x) => ((1, usize::MAX - x), p.title_args.get(x).map(|a| a.entity)),
                    None => ((1, j), None),
                },
            };
            let u = match units.iter().position(|u| u.key == key) {
                Some(k) => k,
                None => {
                    units.push(Unit {
                        key,
                        entity,
                        best: [(*c, 0.0); 4],
                    });
                    units.len() - 1
                }
            };
            for r in 1..4 {
                if q[r] > units[u].best[r].1 {
                    units[u].best[r] = (*c, q[r]);
                }
            }
        }
        let thr = self.role_threshold;
        let able = |r: usize| -> Vec<Option<usize>> {
            std::iter::once(None)
                .chain(
                    (0..units.len())
                        .filter(|&k| units[k].best[r].1 >= thr)
                        .map(Some),
                )
                .collect()
        };
        let (srcs, tgts) = (able(1), able(2));
        let mut best = (None, None, -1.0f32);
        for &su in &srcs {
            for &tu in &tgts {
                if let (Some(x), Some(y)) = (su, tu) {
                    if x == y || (units[x].entity.is_some() && units[x].entity == units[y].entity) {
                        continue;
                    }
                }
                let score =
                    su.map_or(0.0, |x| units[x].best[1].1) + tu.map_or(0.0, |y| units[y].best[2].1);
                if score > best.2 {
                    best = (su, tu, score);
                }
            }
        }
        let src = best.0.map(|x| units[x].best[1]);
        let tgt = best.1.map(|y| units[y].best[2]);
        let plc = units
            .iter()
            .map(|u| u.best[3])
            .filter(|x| x.1 >= thr)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        let span =
            |x: Option<(Cand, f32)>, r: usize| x.map(|(c, prob)| self.grow(p, &cands, c, r, prob));
        let lexical = (a..=b)
            .find_map(|i| p.toks[i].lex)
            .map(|l| p.lex[l].clone());
        mention_features(p, &m, f);
        self.mode.probs(f, pr);
        let allowed = self.modes_of.get(&etype);
        let mode = (0..pr.len())
            .filter(|&k| k == 0 || allowed.is_some_and(|s| s.contains(&self.mode.classes[k])))
            .max_by(|&x, &y| pr[x].total_cmp(&pr[y]))
            .filter(|&k| k != 0)
            .map(|k| self.mode.classes[k].clone());
        self.intent.probs(f, pr);
        let intent = pr.get(1).is_some_and(|&x| x > 0.5);
        self.negated.probs(f, pr);
        let negated = pr.get(1).is_some_and(|&x| x > 0.5);
        Coded {
            etype,
            mode,
            intent,
            negated,
            trigger: (p.toks[a].start, p.toks[b].end),
            source: span(src, 1),
            target: span(tgt, 2),
            place: span(plc, 3),
            confidence: conf,
            lexical,
        }
    }

    /// The span of an argument word: the caller's entity mention that holds
    /// it, else the run of neighbouring words whose best role is `r`.
    fn grow(
        &self,
        p: &Prepared,
        cands: &[(Cand, [f32; 4])],
        c: Cand,
        r: usize,
        prob: f32,
    ) -> RoleSpan {
        let (toks, args, at) = match c {
            Cand::Here(_) => (&p.toks[..], p.input.args, Where::Here),
            Cand::Title(_) => (&p.title[..], p.title_args, Where::Title),
        };
        let j = match c {
            Cand::Here(j) | Cand::Title(j) => j,
        };
        if let Some(a) = toks[j].arg.and_then(|x| args.get(x)) {
            return RoleSpan {
                at,
                start: a.start,
                end: a.end,
                prob,
            };
        }
        self.grow_run(toks, cands, c, r, at, prob)
    }

    fn grow_run(
        &self,
        toks: &[Tok],
        cands: &[(Cand, [f32; 4])],
        c: Cand,
        r: usize,
        at: Where,
        prob: f32,
    ) -> RoleSpan {
        let best_is = |c: Cand| {
            cands
                .iter()
                .find(|x| x.0 == c)
                .is_some_and(|(_, q)| (0..4).max_by(|&x, &y| q[x].total_cmp(&q[y])) == Some(r))
        };
        let (j, mk): (usize, fn(usize) -> Cand) = match c {
            Cand::Here(j) => (j, Cand::Here),
            Cand::Title(j) => (j, Cand::Title),
        };
        let (mut lo, mut hi) = (j, j);
        while lo > 0 && toks[lo - 1].word && best_is(mk(lo - 1)) {
            lo -= 1;
        }
        while hi + 1 < toks.len() && toks[hi + 1].word && best_is(mk(hi + 1)) {
            hi += 1;
        }
        RoleSpan {
            at,
            start: toks[lo].start,
            end: toks[hi].end,
            prob,
        }
    }
}

// ---------------------------------------------------------------------------
// Training

/// Training examples of the five models.
#[derive(Default)]
pub struct Examples {
    pub trigger: Vec<(usize, Vec<u64>, f32)>,
    pub role: Vec<(usize, Vec<u64>, f32)>,
    pub mode: Vec<(String, Vec<u64>)>,
    pub intent: Vec<(usize, Vec<u64>, f32)>,
    pub negated: Vec<(usize, Vec<u64>, f32)>,
    pub modes_of: BTreeMap<String, BTreeSet<String>>,
    /// Keys of the words inside gold triggers.
    pub vocab: BTreeSet<u64>,
}

impl Examples {
    /// Adds one labelled sentence.
    pub fn add(&mut self, input: &SentenceInput, ctx: &Context, gold: &[GoldMention]) {
        let mut p = prepare(input, ctx);
        p.toks.iter_mut().for_each(|t| enrich(t, input.text));
        if p.toks.is_empty() {
            return;
        }
        let mut f = Vec::new();
        for (i, w) in p.toks.iter().enumerate() {
            if !w.word {
                continue;
            }
            let y = gold
                .iter()
                .find(|g| w.start < g.trigger.1 && g.trigger.0 < w.end)
                .map_or(0, |g| type_code(g.etype) as usize);
            if y != 0 {
                self.vocab.insert(w.kh);
            }
            trigger_features(&p, i, &mut f);
            self.trigger.push((y, f.clone(), 1.0));
        }
        for g in gold {
            let ws: Vec<usize> = (0..p.toks.len())
                .filter(|&i| p.toks[i].start < g.trigger.1 && g.trigger.0 < p.toks[i].end)
                .collect();
            let (Some(&a), Some(&b)) = (ws.first(), ws.last()) else {
                continue;
            };
            let m = mention_view(&p, g.etype, a, b);
            let role_of = |at: Where, w: &Tok| -> usize {
                let hit = |s: &Option<(Where, usize, usize)>| {
                    s.is_some_and(|(f, s0, s1)| f == at && w.start < s1 && s0 < w.end)
                };
                if hit(&g.source) {
                    1
                } else if hit(&g.target) {
                    2
                } else if hit(&g.place) {
                    3
                } else {
                    0
                }
            };
            for j in 0..p.toks.len() {
                if (j >= a && j <= b) || !p.toks[j].word {
                    continue;
                }
                role_features(&p, &m, Cand::Here(j), &mut f);
                self.role
                    .push((role_of(Where::Here, &p.toks[j]), f.clone(), 1.0));
            }
            for j in 0..p.title.len() {
                if !p.title[j].word {
                    continue;
                }
                role_features(&p, &m, Cand::Title(j), &mut f);
                self.role
                    .push((role_of(Where::Title, &p.title[j]), f.clone(), 1.0));
            }
            mention_features(&p, &m, &mut f);
            let mode = g.mode.clone().unwrap_or_else(|| "-".to_string());
            if mode != "-" {
                self.modes_of
                    .entry(g.etype.as_str().to_string())
                    .or_default()
                    .insert(mode.clone());
            }
            self.mode.push((mode, f.clone()));
            self.intent.push((usize::from(g.intent), f.clone(), 1.0));
            self.negated.push((usize::from(g.negated), f.clone(), 1.0));
        }
    }

    /// Trains the coder.
    pub fn train(&self, o: TrainOptions, threshold: f32, role_threshold: f32) -> Coder {
        let mut tclasses = vec!["NONE".to_string()];
        tclasses.extend(EventType::ALL.iter().map(|t| t.as_str().to_string()));
        let trigger = linear::train(tclasses, &self.trigger, o);
        let role = linear::train(ROLES.iter().map(|s| s.to_string()).collect(), &self.role, o);
        let mut mclasses: Vec<String> = vec!["-".to_string()];
        let all: BTreeSet<&String> = self
            .mode
            .iter()
            .map(|m| &m.0)
            .filter(|m| *m != "-")
            .collect();
        mclasses.extend(all.into_iter().cloned());
        let mdata: Vec<(usize, Vec<u64>, f32)> = self
            .mode
            .iter()
            .map(|(m, f)| {
                (
                    mclasses.iter().position(|c| c == m).unwrap_or(0),
                    f.clone(),
                    1.0,
                )
            })
            .collect();
        let mode = linear::train(mclasses, &mdata, o);
        let yn = || vec!["no".to_string(), "yes".to_string()];
        let intent = linear::train(yn(), &self.intent, o);
        let negated = linear::train(yn(), &self.negated, o);
        Coder {
            trigger,
            role,
            mode,
            intent,
            negated,
            threshold,
            role_threshold,
            modes_of: self
                .modes_of
                .iter()
                .filter_map(|(k, v)| EventType::parse(k).map(|t| (t, v.clone())))
                .collect(),
            vocab: Some(self.vocab.iter().map(|k| (*k, ())).collect()),
        }
    }
}

impl Coder {
    /// Sizes of the five models (feature rows).
    pub fn sizes(&self) -> [(&'static str, usize); 5] {
        [
            (TRIGGER, self.trigger.len()),
            (ROLE, self.role.len()),
            (MODE, self.mode.len()),
            (INTENT, self.intent.len()),
            (NEGATED, self.negated.len()),
        ]
    }
}
