//! Feature extraction: every feature is a 64-bit hash of a template id and
//! its values, so extraction allocates nothing per feature.

use rasd_text::{fold_into, segment};

use crate::{Clusters, NER_FOLDS};

/// Feature groups that can be switched off (ablations); a model stores its
/// set.
pub mod flags {
    pub const AFFIX: u32 = 1 << 0;
    pub const SHAPE: u32 = 1 << 1;
    pub const CONTEXT: u32 = 1 << 2;
    pub const STEM: u32 = 1 << 3;
    pub const TRIGGER: u32 = 1 << 4;
    pub const CLUSTER: u32 = 1 << 5;
    pub const BIGRAM: u32 = 1 << 6;
    pub const GAZ: u32 = 1 << 7;
    pub const CHARS: u32 = 1 << 8;
    pub const STATS: u32 = 1 << 9;
    /// The shipped gazetteer (`rasd-geo`): place names and demonyms.
    pub const GEO: u32 = 1 << 10;
    /// Person-name tokens from Wikidata (`models/person_tokens.txt`).
    pub const NAMES: u32 = 1 << 11;
    /// Corpus context statistics of the stem (how often it follows person,
    /// place and organization triggers in SaudiNewsNet).
    pub const CONTEXT_STATS: u32 = 1 << 12;
    pub const ALL: u32 = (1 << 13) - 1;
    /// The default set: all but the training-data gazetteer (it hurts on
    /// the dev split).
    pub const DEFAULT: u32 = ALL & !GAZ;
}

/// What a token is as far as the features go.
pub(crate) struct TokInfo {
    pub norm: String,
    pub stem: String,
    pub proclitics: String,
    pub enclitic: &'static str,
    pub shape: u8,
    pub clusters: [u16; 4],
    pub n_clusters: u8,
    pub stem_clusters: [u16; 4],
    pub n_stem_clusters: u8,
    pub trigger: u8,
    pub gaz: u8,
    /// 1 a place name of the gazetteer, 2 a country name or demonym, 0 none.
    pub geo: u8,
    /// The word is a known person-name token.
    pub person: bool,
    /// Corpus statistics of the stem, `[freq, article]`, or `[16, 4]`.
    pub stats: [u8; 2],
    /// Corpus context buckets of the stem (person, place, organization
    /// triggers before it), or `[0, 0, 0]`.
    pub ctx: [u8; 3],
}

/// Trigger words (stems, [`NER_FOLDS`]-normalized at use) and the entity type
/// they announce: 1 person, 2 location, 3 organization.
const TRIGGERS: &[(&str, u8)] = &[
    ("وزير", 1),
    ("رئيس", 1),
    ("لواء", 1),
    ("جنرال", 1),
    ("مشير", 1),
    ("شيخ", 1),
    ("دكتور", 1),
    ("سيد", 1),
    ("سيده", 1),
    ("ملك", 1),
    ("امير", 1),
    ("عقيد", 1),
    ("عميد", 1),
    ("قائد", 1),
    ("نائب", 1),
    ("مستشار", 1),
    ("متحدث", 1),
    ("سفير", 1),
    ("مدير", 1),
    ("امين", 1),
    ("زعيم", 1),
    ("رئيسه", 1),
    ("وزيره", 1),
    ("قال", 1),
    ("اكد", 1),
    ("اعلن", 1),
    ("د", 1),
    ("لاعب", 1),
    ("مدرب", 1),
    ("مهاجم", 1),
    ("حارس", 1),
    ("كاتب", 1),
    ("فنان", 1),
    ("شاعر", 1),
    ("مخرج", 1),
    ("ممثل", 1),
    ("مهندس", 1),
    ("استاذ", 1),
    ("مدينه", 2),
    ("عاصمه", 2),
    ("محافظه", 2),
    ("ولايه", 2),
    ("منطقه", 2),
    ("بلده", 2),
    ("قريه", 2),
    ("اقليم", 2),
    ("دوله", 2),
    ("جمهوريه", 2),
    ("مملكه", 2),
    ("شمال", 2),
    ("جنوب", 2),
    ("شرق", 2),
    ("غرب", 2),
    ("وسط", 2),
    ("ميناء", 2),
    ("مطار", 2),
    ("نهر", 2),
    ("جزيره", 2),
    ("وزاره", 3),
    ("مجلس", 3),
    ("حزب", 3),
    ("جامعه", 3),
    ("شركه", 3),
    ("وكاله", 3),
    ("منظمه", 3),
    ("هيئه", 3),
    ("جيش", 3),
    ("قوات", 3),
    ("مجموعه", 3),
    ("اتحاد", 3),
    ("حركه", 3),
    ("جبهه", 3),
    ("بنك", 3),
    ("صندوق", 3),
    ("مؤسسه", 3),
    ("جمعيه", 3),
    ("لجنه", 3),
    ("نادي", 3),
    ("محكمه", 3),
    ("صحيفه", 3),
    ("اذاعه", 3),
    ("تلفزيون", 3),
    ("برلمان", 3),
    ("منتخب", 3),
    ("فريق", 3),
    ("قناه", 3),
    ("مصرف", 3),
    ("جريده", 3),
];

fn trigger_of(stem: &str) -> u8 {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static MAP: OnceLock<HashMap<String, u8>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        TRIGGERS
            .iter()
            .map(|&(w, t)| (rasd_text::fold(w, &rasd_text::Folds::SEARCH), t))
            .collect()
    });
    map.get(stem).copied().unwrap_or(0)
}

/// The trigger type of a [`crate::norm`] key (see `TRIGGERS`), 0 if none.
pub(crate) fn trigger_of_word(norm: &str) -> u8 {
    trigger_of(&segment(norm, &|_| false).stem_key(norm))
}

fn shape_of(word: &str) -> u8 {
    let mut digit = false;
    let mut latin = false;
    let mut arabic = false;
    let mut other = false;
    for c in word.chars() {
        if c.is_ascii_digit() || rasd_text::digit_value(c).is_some() {
            digit = true;
        } else if c.is_ascii_alphabetic() {
            latin = true;
        } else if rasd_text::is_arabic_letter(c) {
            arabic = true;
        } else {
            other = true;
        }
    }
    let n = word.chars().count().min(7) as u8;
    (digit as u8) | (latin as u8) << 1 | (arabic as u8) << 2 | (other as u8) << 3 | n << 4
}

/// The stem key of a word ([`NER_FOLDS`]) and whether the article was split
/// off.
pub(crate) fn stem_of(tok: &str) -> (String, bool) {
    let seg = segment(tok, &|_| false);
    let mut stem = String::with_capacity(tok.len() + 2);
    if seg.restored_alef {
        stem.push('ا');
    }
    fold_into(seg.stem_text(tok), &NER_FOLDS, &mut stem);
    let al = seg.proclitics().iter().any(|c| c.form == "ال");
    (stem, al)
}

pub(crate) fn tok_info(tok: &str, clusters: &Clusters, gaz: &dyn Fn(&str) -> u8) -> TokInfo {
    let norm = crate::norm(tok);
    let tok = norm.as_str();
    let seg = segment(tok, &|_| false);
    let mut stem = String::with_capacity(norm.len() + 2);
    if seg.restored_alef {
        stem.push('ا');
    }
    fold_into(seg.stem_text(tok), &NER_FOLDS, &mut stem);
    if stem.is_empty() {
        stem.clone_from(&norm);
    }
    let mut proclitics = String::new();
    for c in seg.proclitics() {
        proclitics.push_str(c.form);
        proclitics.push('+');
    }
    let mut clusters_a = [0u16; 4];
    let mut n_clusters = 0;
    if let Some(ids) = clusters.get(&norm) {
        for (i, &c) in ids.iter().take(4).enumerate() {
            clusters_a[i] = c;
            n_clusters = i as u8 + 1;
        }
    }
    let mut stem_clusters = [0u16; 4];
    let mut n_stem_clusters = 0;
    if let Some(ids) = clusters.get(&stem) {
        for (i, &c) in ids.iter().take(4).enumerate() {
            stem_clusters[i] = c;
            n_stem_clusters = i as u8 + 1;
        }
    }
    let search_stem = seg.stem_key(tok);
    let trigger = trigger_of(&search_stem);
    let g = gaz(&norm);
    let person = person_tokens().contains(&norm);
    let geo = if rasd_geo::country_of(tok).is_some() {
        2
    } else if norm.chars().count() >= 3 && rasd_geo::gazetteer().contains_key(&rasd_geo::key(tok)) {
        1
    } else {
        0
    };
    let stats = clusters.stats(&stem).unwrap_or([16, 4]);
    let ctx = clusters.context(&stem).unwrap_or_default();
    TokInfo {
        ctx,
        shape: shape_of(tok),
        enclitic: seg.enclitic.map(|e| e.form).unwrap_or(""),
        norm,
        stem,
        proclitics,
        clusters: clusters_a,
        n_clusters,
        stem_clusters,
        n_stem_clusters,
        trigger,
        gaz: g,
        geo,
        person,
        stats,
    }
}

/// Person-name tokens, normalized like the model's words, loaded once.
fn person_tokens() -> &'static std::collections::HashSet<String> {
    static SET: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../../../models/person_tokens.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(crate::norm)
            .collect()
    })
}

/// FNV-1a over a template id and values.
#[derive(Clone, Copy)]
pub(crate) struct H(u64);

impl H {
    #[inline]
    pub fn new(t: u8) -> H {
        H((0xcbf2_9ce4_8422_2325u64 ^ t as u64).wrapping_mul(0x100_0000_01b3))
    }
    #[inline]
    pub fn s(mut self, s: &str) -> H {
        for &b in s.as_bytes() {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x100_0000_01b3);
        self
    }
    #[inline]
    pub fn u(mut self, x: u64) -> H {
        self.0 = (self.0 ^ x).wrapping_mul(0x100_0000_01b3);
        self.0 = (self.0 ^ (x >> 17)).wrapping_mul(0x100_0000_01b3);
        self
    }
    #[inline]
    pub fn h(self) -> u64 {
        // final avalanche
        let mut z = self.0;
        z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        z ^ (z >> 33)
    }
}

fn prefix_chars(s: &str, n: usize) -> Option<&str> {
    let mut it = s.char_indices();
    let end = match it.nth(n) {
        Some((i, _)) => i,
        None => {
            if s.chars().count() == n {
                s.len()
            } else {
                return None;
            }
        }
    };
    Some(&s[..end])
}

fn suffix_chars(s: &str, n: usize) -> Option<&str> {
    let count = s.chars().count();
    if count < n {
        return None;
    }
    let skip = count - n;
    let start = s
        .char_indices()
        .nth(skip)
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    Some(&s[start..])
}

const BOS: &str = "<s>";
const EOS: &str = "</s>";

/// Pushes the feature hashes of token `i` of `toks` into `out`.
pub(crate) fn features(toks: &[TokInfo], i: usize, fl: u32, out: &mut Vec<u64>) {
    let t = &toks[i];
    let word = |j: isize| -> &str {
        let k = i as isize + j;
        if k < 0 {
            BOS
        } else if k as usize >= toks.len() {
            EOS
        } else {
            &toks[k as usize].norm
        }
    };
    let tok = |j: isize| -> Option<&TokInfo> {
        let k = i as isize + j;
        if k < 0 || k as usize >= toks.len() {
            None
        } else {
            Some(&toks[k as usize])
        }
    };
    out.push(H::new(1).h());
    out.push(H::new(2).s(&t.norm).h());
    if fl & flags::STEM != 0 {
        out.push(H::new(3).s(&t.stem).h());
        out.push(H::new(11).s(&t.proclitics).h());
        out.push(H::new(12).s(t.enclitic).h());
    }
    if fl & flags::AFFIX != 0 {
        for n in 1..=3 {
            if let Some(p) = prefix_chars(&t.norm, n) {
                out.push(H::new(4).u(n as u64).s(p).h());
            }
            if let Some(p) = suffix_chars(&t.norm, n) {
                out.push(H::new(5).u(n as u64).s(p).h());
            }
            if fl & flags::STEM != 0 {
                if let Some(p) = suffix_chars(&t.stem, n) {
                    out.push(H::new(6).u(n as u64).s(p).h());
                }
            }
        }
        for p in ["ال", "و", "ب", "ل"] {
            if t.norm.starts_with(p) {
                out.push(H::new(7).s(p).h());
            }
        }
    }
    if fl & flags::CHARS != 0 {
        // character trigrams of the stem, with word boundaries
        let cs: Vec<char> = std::iter::once('^')
            .chain(t.stem.chars())
            .chain(std::iter::once('$'))
            .collect();
        if cs.len() <= 14 {
            for w in cs.windows(3) {
                let mut b = [0u8; 12];
                let mut n = 0;
                for c in w {
                    n += c.encode_utf8(&mut b[n..]).len();
                }
                out.push(H::new(8).s(std::str::from_utf8(&b[..n]).unwrap_or("")).h());
            }
        }
    }
    if fl & flags::SHAPE != 0 {
        out.push(H::new(10).u(t.shape as u64).h());
        out.push(H::new(10).u(100 + (t.shape & 15) as u64).h());
        if i == 0 {
            out.push(H::new(24).h());
        }
    }
    if fl & flags::CONTEXT != 0 {
        for j in [-2isize, -1, 1, 2] {
            out.push(H::new(13).u(j as u64).s(word(j)).h());
        }
        if fl & flags::STEM != 0 {
            for j in [-2isize, -1, 1, 2] {
                if let Some(o) = tok(j) {
                    out.push(H::new(17).u(j as u64).s(&o.stem).h());
                }
            }
        }
    }
    if fl & flags::BIGRAM != 0 {
        out.push(H::new(19).s(word(-1)).s(&t.norm).h());
        out.push(H::new(20).s(&t.norm).s(word(1)).h());
        out.push(H::new(21).s(word(-2)).s(word(-1)).h());
    }
    if fl & flags::TRIGGER != 0 {
        for j in [-3isize, -2, -1, 1, 2] {
            if let Some(o) = tok(j) {
                if o.trigger != 0 {
                    out.push(H::new(22).u(j as u64).u(o.trigger as u64).h());
                    out.push(H::new(23).u(j.signum() as u64).s(&o.stem).h());
                }
            }
        }
        if t.trigger != 0 {
            out.push(H::new(22).u(0).u(t.trigger as u64).h());
        }
    }
    if fl & flags::CLUSTER != 0 {
        for j in [-2isize, -1, 0, 1, 2] {
            if let Some(o) = tok(j) {
                for l in 0..o.n_clusters as usize {
                    out.push(
                        H::new(30)
                            .u(j as u64)
                            .u(l as u64)
                            .u(o.clusters[l] as u64)
                            .h(),
                    );
                }
                if o.n_clusters == 0 {
                    out.push(H::new(31).u(j as u64).h());
                }
            }
        }
        for l in 0..t.n_stem_clusters as usize {
            out.push(H::new(32).u(l as u64).u(t.stem_clusters[l] as u64).h());
        }
        // cluster bigram (coarse) with the previous word
        if let (Some(p), true) = (tok(-1), t.n_clusters > 1) {
            if p.n_clusters > 1 {
                out.push(
                    H::new(33)
                        .u(p.clusters[1] as u64)
                        .u(t.clusters[1] as u64)
                        .h(),
                );
            }
        }
    }
    if fl & flags::STATS != 0 {
        let [b, a] = t.stats;
        out.push(H::new(50).u(a as u64).h());
        out.push(H::new(51).u(b as u64).h());
        out.push(H::new(52).u(a as u64).u(b as u64).h());
        out.push(H::new(53).u(a as u64).s(&t.proclitics).h());
        for j in [-1isize, 1] {
            let (pa, pb) = tok(j).map(|o| (o.stats[1], o.stats[0])).unwrap_or((9, 99));
            out.push(H::new(54).u(j as u64).u(pa as u64).h());
            out.push(H::new(55).u(j as u64).u(pa as u64).u(a as u64).h());
            let _ = pb;
        }
    }
    if fl & flags::CONTEXT_STATS != 0 {
        let [p, l, o] = t.ctx;
        for (k, b) in [p, l, o].into_iter().enumerate() {
            if b != 0 {
                out.push(H::new(56).u(k as u64).u(b as u64).h());
            }
        }
        out.push(H::new(57).u(p as u64).u(l as u64).u(o as u64).h());
        for j in [-1isize, 1] {
            if let Some(n) = tok(j) {
                let [p, l, o] = n.ctx;
                out.push(
                    H::new(58)
                        .u(j as u64)
                        .u(p as u64)
                        .u(l as u64)
                        .u(o as u64)
                        .h(),
                );
            }
        }
    }
    if fl & flags::NAMES != 0 {
        if t.person {
            out.push(H::new(44).h());
        }
        for j in [-2isize, -1, 1, 2] {
            if let Some(o) = tok(j) {
                if o.person {
                    out.push(H::new(45).u(j as u64).h());
                }
            }
        }
        if t.person && tok(-1).is_some_and(|o| o.person) {
            out.push(H::new(46).h());
        }
    }
    if fl & flags::GEO != 0 {
        if t.geo != 0 {
            out.push(H::new(42).u(t.geo as u64).h());
        }
        for j in [-1isize, 1] {
            if let Some(o) = tok(j) {
                if o.geo != 0 {
                    out.push(H::new(43).u(j as u64).u(o.geo as u64).h());
                }
            }
        }
    }
    if fl & flags::GAZ != 0 {
        if t.gaz != 0 {
            out.push(H::new(40).u(t.gaz as u64).h());
        }
        for j in [-1isize, 1] {
            if let Some(o) = tok(j) {
                if o.gaz != 0 {
                    out.push(H::new(41).u(j as u64).u(o.gaz as u64).h());
                }
            }
        }
    }
}

/// Feature hashes of the tokens of one sentence, flat: token `i` has
/// `h[end[i - 1]..end[i]]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flat {
    pub h: Vec<u64>,
    pub end: Vec<u32>,
}

impl Flat {
    #[inline]
    pub fn tok(&self, i: usize) -> &[u64] {
        let a = if i == 0 { 0 } else { self.end[i - 1] as usize };
        &self.h[a..self.end[i] as usize]
    }
    pub fn len(&self) -> usize {
        self.end.len()
    }
    pub fn push_end(&mut self) {
        self.end.push(self.h.len() as u32);
    }
}

/// The local features of every token of a sentence.
pub(crate) fn local_flat(infos: &[TokInfo], fl: u32) -> Flat {
    let mut f = Flat {
        h: Vec::with_capacity(infos.len() * 96),
        end: Vec::with_capacity(infos.len()),
    };
    for i in 0..infos.len() {
        features(infos, i, fl, &mut f.h);
        f.push_end();
    }
    f
}

/// Classes counted by the document features: 0 for `O`, `1 + type` for an
/// entity label (types beyond 6 share the last class).
#[inline]
fn class_of(kinds: &[(Option<usize>, bool)], y: usize) -> usize {
    kinds
        .get(y)
        .and_then(|k| k.0)
        .map(|t| (t + 1).min(7))
        .unwrap_or(0)
}

type Counts8 = [u16; 8];

fn emit_counts(out: &mut Vec<u64>, base: u8, c: &Counts8) {
    let total: u32 = c.iter().map(|&x| x as u32).sum();
    if total == 0 {
        out.push(H::new(base).h());
        return;
    }
    let mut m = 0;
    for k in 0..8 {
        if c[k] > 0 {
            out.push(H::new(base + 1).u(k as u64).u(c[k].min(3) as u64).h());
        }
        if c[k] > c[m] {
            m = k;
        }
    }
    out.push(H::new(base + 2).u(m as u64).h());
    let ent = total - c[0] as u32;
    if ent > 0 {
        let mut e = 1;
        for k in 2..8 {
            if c[k] > c[e] {
                e = k;
            }
        }
        out.push(
            H::new(base + 3)
                .u(e as u64)
                .u((c[e] as u32 * 4 / total) as u64)
                .h(),
        );
    }
}

/// Non-local (document) features of a second-stage tagger (stacking; Krishnan
/// & Manning 2006, Ratinov & Roth 2009): for each token, how the first stage
/// labelled the other occurrences of the same word and of the same stem in
/// the sentences within `window` of its own (a document proxy), and the
/// first-stage labels of the token and its neighbours. `pred[s][i]` is the
/// first-stage label id of token `i` of sentence `s`.
pub(crate) fn doc_flats(
    infos: &[Vec<TokInfo>],
    pred: &[Vec<usize>],
    kinds: &[(Option<usize>, bool)],
    window: usize,
) -> Vec<Flat> {
    use std::collections::HashMap;
    type M = HashMap<u64, Counts8, std::hash::BuildHasherDefault<crate::model::IdHasher>>;
    // keys of each token: word, stem
    let keys: Vec<Vec<(u64, u64)>> = infos
        .iter()
        .map(|s| {
            s.iter()
                .map(|t| (H::new(90).s(&t.norm).h(), H::new(91).s(&t.stem).h()))
                .collect()
        })
        .collect();
    let mut map = M::default();
    // the trigger type just before each token (one or two words back)
    let trig: Vec<Vec<u8>> = infos
        .iter()
        .map(|s| {
            (0..s.len())
                .map(|i| {
                    let t1 = if i >= 1 { s[i - 1].trigger } else { 0 };
                    let t2 = if i >= 2 { s[i - 2].trigger } else { 0 };
                    if t1 != 0 {
                        t1
                    } else {
                        t2
                    }
                })
                .collect()
        })
        .collect();
    let add = |map: &mut M, s: usize, d: i32| {
        for (i, &(kw, ks)) in keys[s].iter().enumerate() {
            let c = class_of(kinds, pred[s][i]);
            let t = trig[s][i] as u64;
            for k in [kw, ks] {
                let e = map.entry(k).or_default();
                e[c] = (e[c] as i32 + d).max(0) as u16;
            }
            if t != 0 {
                let e = map
                    .entry(ks ^ t.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .or_default();
                e[0] = (e[0] as i32 + d).max(0) as u16;
            }
        }
    };
    let n = infos.len();
    let (mut lo, mut hi) = (0usize, 0usize); // sentences [lo, hi) are counted
    let mut out = Vec::with_capacity(n);
    for s in 0..n {
        let want_hi = (s + window + 1).min(n);
        while hi < want_hi {
            add(&mut map, hi, 1);
            hi += 1;
        }
        let want_lo = s.saturating_sub(window);
        while lo < want_lo {
            add(&mut map, lo, -1);
            lo += 1;
        }
        let toks = &infos[s];
        let mut f = Flat {
            h: Vec::with_capacity(toks.len() * 16),
            end: Vec::with_capacity(toks.len()),
        };
        let p = &pred[s];
        for i in 0..toks.len() {
            let own = class_of(kinds, p[i]);
            let (kw, ks) = keys[s][i];
            for (k, base) in [(kw, 60u8), (ks, 65u8)] {
                let mut c = map.get(&k).copied().unwrap_or_default();
                c[own] = c[own].saturating_sub(1);
                emit_counts(&mut f.h, base, &c);
            }
            // triggers before the other occurrences of the stem
            for t in 1..=3u64 {
                let mut c = map
                    .get(&(ks ^ t.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
                    .map_or(0, |e| e[0]);
                if trig[s][i] as u64 == t {
                    c = c.saturating_sub(1);
                }
                if c > 0 {
                    f.h.push(H::new(74).u(t).u(c.min(2) as u64).h());
                }
            }
            // the document majority of the neighbours' words
            for j in [-1isize, 1] {
                let k = i as isize + j;
                if k >= 0 && (k as usize) < toks.len() {
                    let k = k as usize;
                    let mut c = map.get(&keys[s][k].0).copied().unwrap_or_default();
                    let own = class_of(kinds, p[k]);
                    c[own] = c[own].saturating_sub(1);
                    let mut m = 0;
                    for x in 1..8 {
                        if c[x] > c[m] {
                            m = x;
                        }
                    }
                    f.h.push(H::new(75).u(j as u64).u(m as u64).h());
                }
            }
            f.h.push(H::new(70).u(p[i] as u64).h());
            let prev = if i > 0 { p[i - 1] as u64 } else { 99 };
            let next = if i + 1 < toks.len() {
                p[i + 1] as u64
            } else {
                99
            };
            f.h.push(H::new(71).u(prev).h());
            f.h.push(H::new(72).u(next).h());
            f.h.push(H::new(73).u(prev).u(p[i] as u64).h());
            f.push_end();
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infos(words: &[&[&str]]) -> Vec<Vec<TokInfo>> {
        let c = Clusters::default();
        words
            .iter()
            .map(|s| s.iter().map(|w| tok_info(w, &c, &|_| 0)).collect())
            .collect()
    }

    #[test]
    fn doc_features_count_other_occurrences_within_the_window() {
        // labels: O, B-PER, I-PER, B-LOC, I-LOC
        let kinds = vec![
            (None, false),
            (Some(0), false),
            (Some(0), true),
            (Some(1), false),
            (Some(1), true),
        ];
        let inf = infos(&[&["زار", "نوران"], &["في", "الصيف"], &["وصل", "نوران"]]);
        // the first stage called the first نوران a place, the second O
        let pred = vec![vec![0, 3], vec![0, 0], vec![0, 0]];
        let majority_loc = H::new(62).u(2).h();
        let majority_o = H::new(62).u(0).h();
        let unseen = H::new(60).h();
        // window 2: the last sentence sees the first
        let f = doc_flats(&inf, &pred, &kinds, 2);
        assert!(f[2].tok(1).contains(&majority_loc));
        // ... and the first sees the last (labelled O there), not itself
        assert!(f[0].tok(1).contains(&majority_o));
        assert!(!f[0].tok(1).contains(&majority_loc));
        // window 1: too far apart
        let f = doc_flats(&inf, &pred, &kinds, 1);
        assert!(f[2].tok(1).contains(&unseen));
        assert!(f[0].tok(1).contains(&unseen));
        // the first-stage label of the token itself
        assert!(f[0].tok(1).contains(&H::new(70).u(3).h()));
        assert_eq!(f.iter().map(Flat::len).collect::<Vec<_>>(), vec![2, 2, 2]);
    }
}
