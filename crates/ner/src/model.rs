//! The averaged structured perceptron, its Viterbi decoder and its file
//! format.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};

use crate::clusters::Rng;
use crate::features::{features, flags, tok_info, TokInfo};
use crate::{canonical_tag, Clusters, Error, Sentence};

/// Hasher for keys that already are good hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ b as u64 ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FeatMap = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

/// Options of [`train`].
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the sentence order in each epoch.
    pub seed: u64,
    /// Feature groups (see [`FEATURES_ALL`]); for ablations.
    pub features: u32,
    /// Features seen fewer times in the training data are dropped.
    pub min_feature_count: u32,
    /// Number of perceptrons trained (seeds `seed`, `seed + 1`, …) whose
    /// averaged weights are averaged again (a cheap ensemble).
    pub runs: usize,
    /// If set, the progress callback gets the F1 on these sentences after
    /// each epoch (else the training token accuracy of the epoch).
    pub dev: Option<Vec<Sentence>>,
}

/// Every feature group.
pub const FEATURES_ALL: u32 = flags::ALL;
/// The default feature groups.
pub const FEATURES_DEFAULT: u32 = flags::DEFAULT;

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            seed: 7,
            features: flags::DEFAULT,
            min_feature_count: 1,
            runs: 6,
            dev: None,
        }
    }
}

/// A trained tagger: labels, feature weights, transitions, and the word
/// clusters and gazetteer its features need.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    labels: Vec<String>,
    /// For each label: the type index (`None` for `O`) and whether it is `I-`.
    kinds: Vec<(Option<usize>, bool)>,
    features: u32,
    clusters: Clusters,
    gaz: HashMap<String, u8>,
    feats: FeatMap,
    /// `weights[f * L + y]`.
    weights: Vec<f32>,
    /// `trans[p * L + y]`.
    trans: Vec<f32>,
    start: Vec<f32>,
    /// Subtracted from the score of `O` at every token: > 0 trades
    /// precision for recall.
    o_penalty: f32,
}

impl std::fmt::Debug for IdHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdHasher")
    }
}

fn label_kinds(labels: &[String]) -> Vec<(Option<usize>, bool)> {
    let mut types: Vec<&str> = Vec::new();
    labels
        .iter()
        .map(|l| match l.split_once('-') {
            Some((bi, t)) => {
                let i = types.iter().position(|&x| x == t).unwrap_or_else(|| {
                    types.push(t);
                    types.len() - 1
                });
                (Some(i), bi == "I")
            }
            None => (None, false),
        })
        .collect()
}

/// May label `y` follow label `p` (`p = None`: sentence start)?
fn allowed(kinds: &[(Option<usize>, bool)], p: Option<usize>, y: usize) -> bool {
    match kinds[y] {
        (Some(t), true) => p.is_some_and(|p| kinds[p].0 == Some(t)),
        _ => true,
    }
}

/// BIO repair with CoNLL semantics: an `I-X` that does not continue an `X`
/// becomes `B-X`.
fn repair(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let t = canonical_tag(t);
        let fixed = match t.split_once('-') {
            Some(("I", ty)) => {
                let prev_ty = out.last().and_then(|p| p.split_once('-')).map(|(_, pt)| pt);
                if prev_ty == Some(ty) {
                    t
                } else {
                    format!("B-{ty}")
                }
            }
            Some((_, _)) => t,
            None => "O".to_string(),
        };
        out.push(fixed);
    }
    out
}

fn gaz_lookup<'a>(gaz: &'a HashMap<String, u8>) -> impl Fn(&str) -> u8 + 'a {
    move |w| gaz.get(w).copied().unwrap_or(0)
}

impl Model {
    /// The labels (`O`, `B-PER`, `I-PER`, …).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The word clusters the model uses.
    pub fn clusters(&self) -> &Clusters {
        &self.clusters
    }

    /// The penalty on `O` (see [`Model::set_o_penalty`]).
    pub fn o_penalty(&self) -> f32 {
        self.o_penalty
    }

    /// Sets a penalty subtracted from the score of `O` at every token when
    /// tagging: a positive value makes the tagger find more entities
    /// (recall up, precision down). Saved with the model.
    pub fn set_o_penalty(&mut self, p: f32) {
        self.o_penalty = if p.is_finite() { p } else { 0.0 };
    }

    /// Number of features with a weight.
    pub fn num_features(&self) -> usize {
        self.feats.len()
    }

    fn infos(&self, tokens: &[&str]) -> Vec<TokInfo> {
        let g = gaz_lookup(&self.gaz);
        tokens
            .iter()
            .map(|t| tok_info(t, &self.clusters, &g))
            .collect()
    }

    /// Emission scores `[n * L]`.
    fn emissions(&self, infos: &[TokInfo], buf: &mut Vec<u64>) -> Vec<f32> {
        let l = self.labels.len();
        let mut em = vec![0f32; infos.len() * l];
        for i in 0..infos.len() {
            buf.clear();
            features(infos, i, self.features, buf);
            let row = &mut em[i * l..(i + 1) * l];
            row[0] -= self.o_penalty;
            for h in buf.iter() {
                if let Some(&f) = self.feats.get(h) {
                    let w = &self.weights[f as usize * l..(f as usize + 1) * l];
                    for (r, x) in row.iter_mut().zip(w) {
                        *r += x;
                    }
                }
            }
        }
        em
    }

    /// BIO tags for `tokens` (one each).
    pub fn tag(&self, tokens: &[&str]) -> Vec<String> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let infos = self.infos(tokens);
        let mut buf = Vec::with_capacity(128);
        let em = self.emissions(&infos, &mut buf);
        viterbi(&em, &self.trans, &self.start, &self.kinds, tokens.len())
            .into_iter()
            .map(|y| self.labels[y].clone())
            .collect()
    }

    /// Writes the model (format version [`FORMAT_VERSION`]).
    pub fn save(&self, mut w: impl Write) -> Result<(), Error> {
        let mut p = Vec::new();
        put_u32(&mut p, self.features);
        put_u32(&mut p, self.labels.len() as u32);
        for l in &self.labels {
            put_str(&mut p, l);
        }
        // clusters
        put_u32(&mut p, self.clusters.levels.len() as u32);
        for &k in &self.clusters.levels {
            put_u32(&mut p, k);
        }
        let entries = self.clusters.sorted_entries();
        put_u32(&mut p, entries.len() as u32);
        for (word, ids) in entries {
            put_str(&mut p, word);
            for &c in ids {
                p.extend_from_slice(&c.to_le_bytes());
            }
        }
        let stats = self.clusters.sorted_stats();
        put_u32(&mut p, stats.len() as u32);
        for (stem, [b, a]) in stats {
            put_str(&mut p, stem);
            p.push(b);
            p.push(a);
        }
        // gazetteer
        let mut gaz: Vec<(&String, &u8)> = self.gaz.iter().collect();
        gaz.sort();
        put_u32(&mut p, gaz.len() as u32);
        for (word, &m) in gaz {
            put_str(&mut p, word);
            p.push(m);
        }
        p.extend_from_slice(&self.o_penalty.to_le_bytes());
        // transitions
        for &x in self.start.iter().chain(&self.trans) {
            p.extend_from_slice(&x.to_le_bytes());
        }
        // features, sorted by hash; sparse weights
        let l = self.labels.len();
        let mut feats: Vec<(u64, u32)> = self.feats.iter().map(|(&h, &f)| (h, f)).collect();
        feats.sort_unstable();
        put_u32(&mut p, feats.len() as u32);
        for (h, f) in feats {
            p.extend_from_slice(&h.to_le_bytes());
            let ws = &self.weights[f as usize * l..(f as usize + 1) * l];
            let mut mask = 0u16;
            for (y, &x) in ws.iter().enumerate() {
                if x != 0.0 {
                    mask |= 1 << y;
                }
            }
            p.extend_from_slice(&mask.to_le_bytes());
            for &x in ws.iter().filter(|&&x| x != 0.0) {
                p.extend_from_slice(&x.to_le_bytes());
            }
        }
        let mut head = Vec::with_capacity(28);
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        head.extend_from_slice(&(p.len() as u64).to_le_bytes());
        head.extend_from_slice(&checksum(&p).to_le_bytes());
        w.write_all(&head)?;
        w.write_all(&p)?;
        w.flush()?;
        Ok(())
    }

    /// Reads a model written by [`Model::save`]. Never panics: corrupt,
    /// truncated or foreign input gives an error.
    pub fn load(mut r: impl Read) -> Result<Model, Error> {
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes)?;
        if bytes.len() < 28 || &bytes[..8] != MAGIC {
            return Err(Error::Format("not a rasd NER model (bad magic)".into()));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
        if version != FORMAT_VERSION {
            return Err(Error::Version {
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap());
        let sum = u64::from_le_bytes(bytes[20..28].try_into().unwrap());
        let p = &bytes[28..];
        if p.len() as u64 != len {
            return Err(Error::Format(format!(
                "truncated or padded model: payload {} bytes, header says {len}",
                p.len()
            )));
        }
        if checksum(p) != sum {
            return Err(Error::Format(
                "model checksum mismatch (corrupt file)".into(),
            ));
        }
        let mut c = Cur { b: p, pos: 0 };
        let features = c.u32()?;
        let nl = c.count(2)?;
        if !(1..=16).contains(&nl) {
            return Err(Error::Format(format!("bad label count {nl}")));
        }
        let mut labels = Vec::with_capacity(nl);
        for _ in 0..nl {
            labels.push(c.string()?);
        }
        let nlev = c.count(4)?;
        if nlev > 4 {
            return Err(Error::Format(format!("bad cluster level count {nlev}")));
        }
        let mut levels = Vec::with_capacity(nlev);
        for _ in 0..nlev {
            levels.push(c.u32()?);
        }
        let nw = c.count(2 + 2 * nlev)?;
        let mut entries = Vec::with_capacity(nw);
        for _ in 0..nw {
            let w = c.string()?;
            let mut ids = Vec::with_capacity(nlev);
            for _ in 0..nlev {
                ids.push(c.u16()?);
            }
            entries.push((w, ids));
        }
        let mut clusters = Clusters::from_entries(levels, entries);
        let ns = c.count(4)?;
        for _ in 0..ns {
            let w = c.string()?;
            let b = c.u8()?;
            let a = c.u8()?;
            if b > 15 || a > 3 {
                return Err(Error::Format("bad stem statistics".into()));
            }
            clusters.set_stats(&w, b, a);
        }
        let ng = c.count(3)?;
        let mut gaz = HashMap::with_capacity(ng);
        for _ in 0..ng {
            let w = c.string()?;
            let m = c.u8()?;
            gaz.insert(w, m);
        }
        let o_penalty = c.f32()?;
        let mut start = Vec::with_capacity(nl);
        for _ in 0..nl {
            start.push(c.f32()?);
        }
        let mut trans = Vec::with_capacity(nl * nl);
        for _ in 0..nl * nl {
            trans.push(c.f32()?);
        }
        let nf = c.count(10)?;
        let mut feats = FeatMap::with_capacity_and_hasher(nf, Default::default());
        let mut weights = vec![0f32; nf * nl];
        for f in 0..nf {
            let h = c.u64()?;
            let mask = c.u16()?;
            if mask >> nl != 0 {
                return Err(Error::Format("bad weight mask".into()));
            }
            for y in 0..nl {
                if mask & (1 << y) != 0 {
                    weights[f * nl + y] = c.f32()?;
                }
            }
            if feats.insert(h, f as u32).is_some() {
                return Err(Error::Format("duplicate feature".into()));
            }
        }
        if c.pos != p.len() {
            return Err(Error::Format("trailing bytes after the model".into()));
        }
        let kinds = label_kinds(&labels);
        Ok(Model {
            labels,
            kinds,
            features,
            clusters,
            gaz,
            feats,
            weights,
            trans,
            start,
            o_penalty,
        })
    }
}

/// The current model file format version.
pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"RASDNER\0";

fn checksum(b: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for chunk in b.chunks(8) {
        let mut x = [0u8; 8];
        x[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(x)).wrapping_mul(0x100_0000_01b3);
        h ^= h >> 29;
    }
    h ^ b.len() as u64
}

fn put_u32(p: &mut Vec<u8>, x: u32) {
    p.extend_from_slice(&x.to_le_bytes());
}

fn put_str(p: &mut Vec<u8>, s: &str) {
    let b = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
    p.extend_from_slice(&(b.len() as u16).to_le_bytes());
    p.extend_from_slice(b);
}

struct Cur<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cur<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        if self.b.len() - self.pos < n {
            return Err(Error::Format(format!(
                "truncated model at byte {}",
                self.pos + 28
            )));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn f32(&mut self) -> Result<f32, Error> {
        let x = f32::from_le_bytes(self.take(4)?.try_into().unwrap());
        if x.is_finite() {
            Ok(x)
        } else {
            Err(Error::Format("non-finite weight".into()))
        }
    }
    /// A count of items of at least `min_size` bytes each that must fit in
    /// what is left.
    fn count(&mut self, min_size: usize) -> Result<usize, Error> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size.max(1)) > self.b.len() - self.pos {
            return Err(Error::Format(format!(
                "bad count {n} at byte {}",
                self.pos + 24
            )));
        }
        Ok(n)
    }
    fn string(&mut self) -> Result<String, Error> {
        let n = self.u16()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| Error::Format("invalid UTF-8 string".into()))
    }
}

/// BIO-constrained first-order Viterbi over emissions `em[n * L]`.
fn viterbi(
    em: &[f32],
    trans: &[f32],
    start: &[f32],
    kinds: &[(Option<usize>, bool)],
    n: usize,
) -> Vec<usize> {
    let l = kinds.len();
    const NEG: f32 = f32::NEG_INFINITY;
    let mut score = vec![NEG; n * l];
    let mut back = vec![0u8; n * l];
    for y in 0..l {
        if allowed(kinds, None, y) {
            score[y] = start[y] + em[y];
        }
    }
    for i in 1..n {
        for y in 0..l {
            let mut best = NEG;
            let mut arg = 0;
            for p in 0..l {
                let s = score[(i - 1) * l + p];
                if s == NEG || !allowed(kinds, Some(p), y) {
                    continue;
                }
                let s = s + trans[p * l + y];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            score[i * l + y] = best + em[i * l + y];
            back[i * l + y] = arg as u8;
        }
    }
    let mut y = (0..l)
        .max_by(|&a, &b| {
            score[(n - 1) * l + a]
                .partial_cmp(&score[(n - 1) * l + b])
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.cmp(&a))
        })
        .unwrap_or(0);
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = y;
        if i > 0 {
            y = back[i * l + y] as usize;
        }
    }
    out
}

/// Builds the label set: `O`, then `B-`/`I-` of each type (PER, LOC, ORG,
/// MISC first, then any other, sorted).
fn label_set(sentences: &[Sentence]) -> Vec<String> {
    let mut types: Vec<String> = vec!["PER".into(), "LOC".into(), "ORG".into(), "MISC".into()];
    let mut extra: Vec<String> = Vec::new();
    for s in sentences {
        for t in &s.tags {
            if let Some((_, ty)) = canonical_tag(t).split_once('-') {
                if !types.iter().any(|x| x == ty) && !extra.iter().any(|x| x == ty) {
                    extra.push(ty.to_string());
                }
            }
        }
    }
    extra.sort();
    types.extend(extra);
    types.truncate(7);
    let mut labels = vec!["O".to_string()];
    for t in types {
        labels.push(format!("B-{t}"));
        labels.push(format!("I-{t}"));
    }
    labels
}

/// Gazetteer from training data: words that are inside entities at least
/// twice and in most of their occurrences, with the bit mask of their types.
fn build_gaz(sentences: &[Sentence], labels: &[String]) -> HashMap<String, u8> {
    let mut counts: HashMap<String, (u32, [u32; 8])> = HashMap::new();
    for s in sentences {
        let tags = repair(&s.tags);
        for (tok, tag) in s.tokens.iter().zip(&tags) {
            let e = counts.entry(crate::norm(tok)).or_default();
            e.0 += 1;
            if let Some((_, ty)) = tag.split_once('-') {
                let ti = labels
                    .iter()
                    .position(|l| l == &format!("B-{ty}"))
                    .unwrap_or(1)
                    / 2;
                e.1[ti.min(7)] += 1;
            }
        }
    }
    let mut gaz = HashMap::new();
    for (w, (n, per)) in counts {
        let mut mask = 0u8;
        for (t, &c) in per.iter().enumerate() {
            if c >= 2 && c * 2 >= n {
                mask |= 1 << t;
            }
        }
        if mask != 0 {
            gaz.insert(w, mask);
        }
    }
    gaz
}

/// Trains `opts.runs` averaged structured perceptrons (seeds `opts.seed`,
/// `opts.seed + 1`, …) and averages their weights. Deterministic for fixed
/// inputs and options. `progress(epoch, value)` is called after each epoch of
/// each run (numbered `run * epochs + epoch`, 1-based) with that run's dev
/// F1 if `opts.dev` is set, else its training token accuracy.
pub fn train(
    sentences: &[Sentence],
    clusters: &Clusters,
    opts: &TrainOptions,
    progress: &mut dyn FnMut(usize, f64),
) -> Model {
    let labels = label_set(sentences);
    let kinds = label_kinds(&labels);
    let l = labels.len();
    let gaz = if opts.features & flags::GAZ != 0 {
        build_gaz(sentences, &labels)
    } else {
        HashMap::new()
    };
    let gl = gaz_lookup(&gaz);
    // Gold label ids and feature hashes.
    let data: Vec<(Vec<usize>, Vec<Vec<u64>>)> = sentences
        .iter()
        .filter(|s| !s.tokens.is_empty())
        .map(|s| {
            let n = s.tokens.len().min(s.tags.len());
            let gold: Vec<usize> = repair(&s.tags[..n])
                .iter()
                .map(|t| labels.iter().position(|x| x == t).unwrap_or(0))
                .collect();
            let infos: Vec<TokInfo> = s.tokens[..n]
                .iter()
                .map(|t| tok_info(t, clusters, &gl))
                .collect();
            let feats = (0..n)
                .map(|i| {
                    let mut v = Vec::new();
                    features(&infos, i, opts.features, &mut v);
                    v
                })
                .collect();
            (gold, feats)
        })
        .collect();
    // Feature ids, in first-seen order (deterministic).
    let mut counts: HashMap<u64, u32, BuildHasherDefault<IdHasher>> = HashMap::default();
    for (_, fs) in &data {
        for v in fs {
            for &h in v {
                *counts.entry(h).or_default() += 1;
            }
        }
    }
    let mut feats = FeatMap::default();
    for (_, fs) in &data {
        for v in fs {
            for &h in v {
                if counts[&h] >= opts.min_feature_count {
                    let n = feats.len() as u32;
                    feats.entry(h).or_insert(n);
                }
            }
        }
    }
    drop(counts);
    let data: Vec<(Vec<usize>, Vec<Vec<u32>>)> = data
        .into_iter()
        .map(|(g, fs)| {
            let ids = fs
                .into_iter()
                .map(|v| {
                    v.into_iter()
                        .filter_map(|h| feats.get(&h).copied())
                        .collect()
                })
                .collect();
            (g, ids)
        })
        .collect();
    let mut model = Model {
        labels: labels.clone(),
        kinds: kinds.clone(),
        features: opts.features,
        clusters: clusters.clone(),
        gaz: gaz.clone(),
        feats: feats.clone(),
        weights: Vec::new(),
        trans: Vec::new(),
        start: Vec::new(),
        o_penalty: 0.0,
    };
    let nf = feats.len();
    let mut sum_w = vec![0f64; nf * l];
    let mut sum_t = vec![0f64; l * l + l];
    for run in 0..opts.runs.max(1) {
        let nf = feats.len();
        let mut w = vec![0f64; nf * l];
        let mut u = vec![0f64; nf * l];
        let mut tw = vec![0f64; l * l + l]; // start, then trans
        let mut tu = vec![0f64; l * l + l];
        let mut c = 1f64;
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = Rng(opts.seed.wrapping_add(run as u64));
        let mut em: Vec<f32> = Vec::new();
        let averaged = |w: &[f64], u: &[f64], c: f64| -> Vec<f32> {
            w.iter().zip(u).map(|(&w, &u)| (w - u / c) as f32).collect()
        };
        for epoch in 1..=opts.epochs {
            for i in (1..order.len()).rev() {
                let j = rng.below(i + 1);
                order.swap(i, j);
            }
            let (mut correct, mut total) = (0usize, 0usize);
            let tws: Vec<f32> = tw.iter().map(|&x| x as f32).collect();
            let mut tws = tws;
            for &si in &order {
                let (gold, fs) = &data[si];
                let n = gold.len();
                em.clear();
                em.resize(n * l, 0.0);
                for (i, v) in fs.iter().enumerate() {
                    let row = &mut em[i * l..(i + 1) * l];
                    for &f in v {
                        let ws = &w[f as usize * l..(f as usize + 1) * l];
                        for (r, &x) in row.iter_mut().zip(ws) {
                            *r += x as f32;
                        }
                    }
                }
                let pred = viterbi(&em, &tws[l..], &tws[..l], &kinds, n);
                total += n;
                correct += pred.iter().zip(gold).filter(|(a, b)| a == b).count();
                if pred != *gold {
                    for i in 0..n {
                        if pred[i] != gold[i] {
                            for &f in &fs[i] {
                                let f = f as usize * l;
                                w[f + gold[i]] += 1.0;
                                u[f + gold[i]] += c;
                                w[f + pred[i]] -= 1.0;
                                u[f + pred[i]] -= c;
                            }
                        }
                        let (gp, pp) = if i == 0 {
                            (gold[0], pred[0])
                        } else {
                            (l + gold[i - 1] * l + gold[i], l + pred[i - 1] * l + pred[i])
                        };
                        if gp != pp {
                            tw[gp] += 1.0;
                            tu[gp] += c;
                            tw[pp] -= 1.0;
                            tu[pp] -= c;
                            tws[gp] = tw[gp] as f32;
                            tws[pp] = tw[pp] as f32;
                        }
                    }
                }
                c += 1.0;
            }
            let value = if let Some(dev) = &opts.dev {
                let t = averaged(&tw, &tu, c);
                model.start = t[..l].to_vec();
                model.trans = t[l..].to_vec();
                model.weights = averaged(&w, &u, c);
                crate::evaluate(&model, dev).f1()
            } else {
                correct as f64 / total.max(1) as f64
            };
            progress(run * opts.epochs + epoch, value);
        }
        let t = averaged(&tw, &tu, c);
        let weights = averaged(&w, &u, c);
        for (s, x) in sum_t.iter_mut().zip(&t) {
            *s += *x as f64;
        }
        for (s, x) in sum_w.iter_mut().zip(&weights) {
            *s += *x as f64;
        }
    }
    let runs = opts.runs.max(1) as f64;
    let t: Vec<f32> = sum_t.iter().map(|&x| (x / runs) as f32).collect();
    model.start = t[..l].to_vec();
    model.trans = t[l..].to_vec();
    let weights: Vec<f32> = sum_w.iter().map(|&x| (x / runs) as f32).collect();
    // Drop features whose weights are all zero.
    let mut kept: Vec<(u64, u32)> = feats.iter().map(|(&h, &f)| (h, f)).collect();
    kept.sort_unstable();
    let mut new_feats = FeatMap::default();
    let mut new_w = Vec::new();
    for (h, f) in kept {
        let ws = &weights[f as usize * l..(f as usize + 1) * l];
        if ws.iter().any(|&x| x != 0.0) {
            new_feats.insert(h, (new_w.len() / l) as u32);
            new_w.extend_from_slice(ws);
        }
    }
    model.feats = new_feats;
    model.weights = new_w;
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with_header(p: &[u8]) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        v.extend_from_slice(&(p.len() as u64).to_le_bytes());
        v.extend_from_slice(&checksum(p).to_le_bytes());
        v.extend_from_slice(p);
        v
    }

    fn tiny() -> Vec<u8> {
        let s = crate::read_conll("زار O\nكريم B-PER\nنوران B-LOC\n\nفي O\nنوران B-LOC\n").unwrap();
        let m = train(
            &s,
            &Clusters::default(),
            &TrainOptions::default(),
            &mut |_, _| {},
        );
        let mut b = Vec::new();
        m.save(&mut b).unwrap();
        b
    }

    #[test]
    fn viterbi_never_starts_or_jumps_into_i() {
        let labels: Vec<String> = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let kinds = label_kinds(&labels);
        let l = labels.len();
        // emissions strongly prefer I-PER then I-LOC
        let mut em = vec![0f32; 3 * l];
        em[2] = 10.0;
        em[l + 4] = 10.0;
        em[2 * l + 2] = 10.0;
        let out = viterbi(&em, &vec![0.0; l * l], &vec![0.0; l], &kinds, 3);
        for i in 0..3 {
            if kinds[out[i]].1 {
                assert!(i > 0 && kinds[out[i - 1]].0 == kinds[out[i]].0, "{out:?}");
            }
        }
    }

    #[test]
    fn repair_makes_conll_bio() {
        let t: Vec<String> = ["I-PERS", "I-PERS", "I-LOC", "O", "I-LOC"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(repair(&t), vec!["B-PER", "I-PER", "B-LOC", "O", "B-LOC"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn random_payload_with_valid_checksum_never_panics(p in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Model::load(&with_header(&p)[..]);
        }

        #[test]
        fn mutated_payload_with_valid_checksum_never_panics(i in 0usize..10_000, x in any::<u8>(), cut in 0usize..10_000) {
            let b = tiny();
            let mut p = b[28..].to_vec();
            let i = i % p.len();
            p[i] = x;
            let cut = cut % (p.len() + 1);
            let _ = Model::load(&with_header(&p)[..]);
            let _ = Model::load(&with_header(&p[..cut])[..]);
        }
    }
}
