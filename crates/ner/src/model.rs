//! The averaged structured perceptron, its Viterbi decoder and its file
//! format.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};

use crate::clusters::Rng;
use crate::features::{doc_flats, flags, local_flat, tok_info, Flat, TokInfo};
use crate::neural::{view_of, viterbi_end, NeuralModel};
use crate::{canonical_tag, Clusters, Error, Sentence};
use std::sync::Arc;

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
type JointMap = HashMap<u64, [u32; 2], BuildHasherDefault<IdHasher>>;

fn joint_of(first: &Stage, second: Option<&Stage>) -> JointMap {
    let mut j = JointMap::default();
    if let Some(s2) = second {
        j.reserve(first.feats.len() + s2.feats.len());
        for (&h, &f) in &first.feats {
            j.insert(h, [f, s2.feats.get(&h).copied().unwrap_or(u32::MAX)]);
        }
        for (&h, &f) in &s2.feats {
            j.entry(h).or_insert([u32::MAX, f]);
        }
    }
    j
}

#[inline]
fn add_row(row: &mut [f32], weights: &[f32], f: u32) {
    let l = row.len();
    let w = &weights[f as usize * l..(f as usize + 1) * l];
    for (r, x) in row.iter_mut().zip(w) {
        *r += x;
    }
}

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
    /// Train a second-stage tagger on document features built from the
    /// first stage's labels (stacking), jackknifed over `folds` folds.
    pub stacked: bool,
    /// Folds of the jackknife that gives the second stage its training
    /// input (contiguous blocks of sentences).
    pub folds: usize,
    /// Sentences on each side of a sentence that make its document context.
    pub window: usize,
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
            stacked: true,
            folds: 5,
            window: 10,
            dev: None,
        }
    }
}

/// The weights of one tagger stage.
#[derive(Clone, Debug, Default, PartialEq)]
struct Stage {
    feats: FeatMap,
    /// `weights[f * L + y]`.
    weights: Vec<f32>,
    /// `trans[p * L + y]`.
    trans: Vec<f32>,
    start: Vec<f32>,
}

impl Stage {
    /// Emission scores `[n * L]` from the feature hashes of `parts` (each
    /// with the same tokens), `o_penalty` subtracted from `O`.
    fn emissions(&self, l: usize, parts: &[&Flat], o_penalty: f32) -> Vec<f32> {
        let n = parts.first().map_or(0, |p| p.len());
        let mut em = vec![0f32; n * l];
        for i in 0..n {
            let row = &mut em[i * l..(i + 1) * l];
            row[0] -= o_penalty;
            for part in parts {
                for h in part.tok(i) {
                    if let Some(&f) = self.feats.get(h) {
                        let w = &self.weights[f as usize * l..(f as usize + 1) * l];
                        for (r, x) in row.iter_mut().zip(w) {
                            *r += x;
                        }
                    }
                }
            }
        }
        em
    }

    fn decode(
        &self,
        kinds: &[(Option<usize>, bool)],
        parts: &[&Flat],
        o_penalty: f32,
    ) -> Vec<usize> {
        let n = parts.first().map_or(0, |p| p.len());
        if n == 0 {
            return Vec::new();
        }
        let em = self.emissions(kinds.len(), parts, o_penalty);
        viterbi(&em, &self.trans, &self.start, kinds, n)
    }
}

/// A trained tagger: labels, feature weights, transitions, and the word
/// clusters and gazetteer its features need. With a second stage, the first
/// stage's labels of a whole document feed the second's features.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    labels: Vec<String>,
    /// For each label: the type index (`None` for `O`) and whether it is `I-`.
    kinds: Vec<(Option<usize>, bool)>,
    features: u32,
    clusters: Clusters,
    gaz: HashMap<String, u8>,
    first: Stage,
    second: Option<Stage>,
    /// Document window of the second stage (sentences on each side).
    window: u32,
    /// Derived from the stages, not saved: each feature's rows in both
    /// stages (`u32::MAX`: none), so that tagging looks a local feature up
    /// once. Empty while training.
    joint: JointMap,
    /// Subtracted from the score of `O` at every token of the last stage:
    /// > 0 trades precision for recall.
    o_penalty: f32,
    /// A neural tagger whose scores are added to the last stage's (not
    /// saved with the model: a file of its own).
    neural: Option<Arc<Ensemble>>,
}

/// A neural tagger combined with the perceptron: scores and transitions
/// in the perceptron's label order, the neural ones multiplied by its
/// weight.
#[derive(Debug, PartialEq)]
struct Ensemble {
    nn: NeuralModel,
    /// The neural label index of each perceptron label.
    map: Vec<usize>,
    trans: Vec<f32>,
    start: Vec<f32>,
    end: Vec<f32>,
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
    /// tagging (in the last stage): a positive value makes the tagger find
    /// more entities (recall up, precision down). Saved with the model.
    pub fn set_o_penalty(&mut self, p: f32) {
        self.o_penalty = if p.is_finite() { p } else { 0.0 };
    }

    /// Number of features with a weight (both stages).
    pub fn num_features(&self) -> usize {
        self.first.feats.len() + self.second.as_ref().map_or(0, |s| s.feats.len())
    }

    /// Does the model have a second (document) stage?
    pub fn is_stacked(&self) -> bool {
        self.second.is_some()
    }

    /// The document window of the second stage: sentences on each side of a
    /// sentence whose first-stage labels its features see.
    pub fn window(&self) -> usize {
        self.window as usize
    }

    fn infos(&self, tokens: &[&str]) -> Vec<TokInfo> {
        let g = gaz_lookup(&self.gaz);
        tokens
            .iter()
            .map(|t| tok_info(t, &self.clusters, &g))
            .collect()
    }

    /// Combines a neural tagger with this model: [`Model::tag_document`]
    /// then decodes the sum of the last stage's scores and the neural
    /// model's (weighted by [`NeuralModel::weight`]). `None` removes it.
    /// The label sets must be the same.
    pub fn set_neural(&mut self, nn: Option<NeuralModel>) -> Result<(), Error> {
        let Some(mut nn) = nn else {
            self.neural = None;
            return Ok(());
        };
        let map: Vec<usize> = self
            .labels
            .iter()
            .map(|x| nn.labels().iter().position(|y| y == x))
            .collect::<Option<_>>()
            .filter(|_| nn.labels().len() == self.labels.len())
            .ok_or_else(|| Error::Format("the neural model's labels differ".into()))?;
        let l = self.labels.len();
        let w = nn.weight();
        let last = self.last_stage();
        let (tr, st, en) = nn.crf();
        // the BIO constraints stay hard whatever the weight
        let mut trans = vec![0f32; l * l];
        for p in 0..l {
            for y in 0..l {
                trans[p * l + y] = if allowed(&self.kinds, Some(p), y) {
                    last.trans[p * l + y] + w * tr[map[p] * l + map[y]]
                } else {
                    f32::NEG_INFINITY
                };
            }
        }
        let start = (0..l)
            .map(|y| {
                if allowed(&self.kinds, None, y) {
                    last.start[y] + w * st[map[y]]
                } else {
                    f32::NEG_INFINITY
                }
            })
            .collect();
        let end = (0..l).map(|y| w * en[map[y]]).collect();
        nn.prepare(&self.clusters);
        self.neural = Some(Arc::new(Ensemble {
            nn,
            map,
            trans,
            start,
            end,
        }));
        Ok(())
    }

    /// The neural tagger combined with this model, if any.
    pub fn neural(&self) -> Option<&NeuralModel> {
        self.neural.as_ref().map(|e| &e.nn)
    }

    /// The stage whose emissions are decoded last.
    fn last_stage(&self) -> &Stage {
        self.second.as_ref().unwrap_or(&self.first)
    }

    /// Label ids of sentences of one document from their token infos and
    /// local features.
    fn decode_ids(&self, infos: &[Vec<TokInfo>], local: &[Flat]) -> Vec<Vec<usize>> {
        let last = self.last_stage();
        let ems = self.last_emissions(infos, local);
        if let Some(e) = &self.neural {
            let l = self.labels.len();
            let w = e.nn.weight();
            return ems
                .into_iter()
                .zip(infos)
                .map(|(mut em, inf)| {
                    let ne = e.nn.emissions_of(inf.iter().map(view_of).collect());
                    for (row, nrow) in em.chunks_exact_mut(l).zip(ne.chunks_exact(l)) {
                        for (y, r) in row.iter_mut().enumerate() {
                            *r += w * nrow[e.map[y]];
                        }
                    }
                    viterbi_end(&em, &e.trans, &e.start, &e.end, l)
                })
                .collect();
        }
        ems.iter()
            .map(|em| {
                let n = em.len() / self.labels.len();
                if n == 0 {
                    Vec::new()
                } else {
                    viterbi(em, &last.trans, &last.start, &self.kinds, n)
                }
            })
            .collect()
    }

    /// The emission scores `[n * L]` of the last stage for each sentence of
    /// one document, the `O` penalty subtracted.
    fn last_emissions(&self, infos: &[Vec<TokInfo>], local: &[Flat]) -> Vec<Vec<f32>> {
        let l = self.labels.len();
        match &self.second {
            None => local
                .iter()
                .map(|f| self.first.emissions(l, &[f], self.o_penalty))
                .collect(),
            Some(s2) if !self.joint.is_empty() => {
                let mut em2s: Vec<Vec<f32>> = Vec::with_capacity(local.len());
                let p1: Vec<Vec<usize>> = local
                    .iter()
                    .map(|f| {
                        let n = f.len();
                        let mut e1 = vec![0f32; n * l];
                        let mut e2 = vec![0f32; n * l];
                        for i in 0..n {
                            let r1 = &mut e1[i * l..(i + 1) * l];
                            let r2 = &mut e2[i * l..(i + 1) * l];
                            for h in f.tok(i) {
                                if let Some(&[a, b]) = self.joint.get(h) {
                                    if a != u32::MAX {
                                        add_row(r1, &self.first.weights, a);
                                    }
                                    if b != u32::MAX {
                                        add_row(r2, &s2.weights, b);
                                    }
                                }
                            }
                        }
                        em2s.push(e2);
                        if n == 0 {
                            Vec::new()
                        } else {
                            viterbi(&e1, &self.first.trans, &self.first.start, &self.kinds, n)
                        }
                    })
                    .collect();
                let doc = doc_flats(infos, &p1, &self.kinds, self.window as usize);
                em2s.into_iter()
                    .zip(&doc)
                    .map(|(mut e2, d)| {
                        for i in 0..d.len() {
                            let r2 = &mut e2[i * l..(i + 1) * l];
                            r2[0] -= self.o_penalty;
                            for h in d.tok(i) {
                                if let Some(&f) = s2.feats.get(h) {
                                    add_row(r2, &s2.weights, f);
                                }
                            }
                        }
                        e2
                    })
                    .collect()
            }
            Some(s2) => {
                let p1: Vec<Vec<usize>> = local
                    .iter()
                    .map(|f| self.first.decode(&self.kinds, &[f], 0.0))
                    .collect();
                let doc = doc_flats(infos, &p1, &self.kinds, self.window as usize);
                local
                    .iter()
                    .zip(&doc)
                    .map(|(f, d)| s2.emissions(l, &[f, d], self.o_penalty))
                    .collect()
            }
        }
    }

    /// BIO tags for `tokens` (one each), the sentence tagged on its own (its
    /// own words are its document context).
    pub fn tag(&self, tokens: &[&str]) -> Vec<String> {
        self.tag_document(&[tokens]).pop().unwrap_or_default()
    }

    /// BIO tags for the sentences of one document, in order: with a stacked
    /// model, each sentence's second stage sees the first-stage labels of the
    /// same words in the sentences within [`Model::window`] of it, so names
    /// repeated in a document are labelled consistently.
    pub fn tag_document(&self, sentences: &[&[&str]]) -> Vec<Vec<String>> {
        let infos: Vec<Vec<TokInfo>> = sentences.iter().map(|s| self.infos(s)).collect();
        let local: Vec<Flat> = infos
            .iter()
            .map(|inf| local_flat(inf, self.features))
            .collect();
        self.decode_ids(&infos, &local)
            .into_iter()
            .map(|ys| ys.into_iter().map(|y| self.labels[y].clone()).collect())
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
        let ctx = self.clusters.sorted_context();
        put_u32(&mut p, ctx.len() as u32);
        for (stem, bs) in ctx {
            put_str(&mut p, stem);
            p.extend_from_slice(&bs);
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
        put_u32(&mut p, self.window);
        let stages: Vec<&Stage> = std::iter::once(&self.first)
            .chain(self.second.as_ref())
            .collect();
        put_u32(&mut p, stages.len() as u32);
        let l = self.labels.len();
        for st in stages {
            // transitions
            for &x in st.start.iter().chain(&st.trans) {
                p.extend_from_slice(&x.to_le_bytes());
            }
            // features, sorted by hash; sparse weights
            let mut feats: Vec<(u64, u32)> = st.feats.iter().map(|(&h, &f)| (h, f)).collect();
            feats.sort_unstable();
            put_u32(&mut p, feats.len() as u32);
            for (h, f) in feats {
                p.extend_from_slice(&h.to_le_bytes());
                let ws = &st.weights[f as usize * l..(f as usize + 1) * l];
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
        let nc = c.count(5)?;
        for _ in 0..nc {
            let w = c.string()?;
            let bs = [c.u8()?, c.u8()?, c.u8()?];
            if bs.iter().any(|&b| b > 3) {
                return Err(Error::Format("bad context statistics".into()));
            }
            clusters.set_context(&w, bs);
        }
        let ng = c.count(3)?;
        let mut gaz = HashMap::with_capacity(ng);
        for _ in 0..ng {
            let w = c.string()?;
            let m = c.u8()?;
            gaz.insert(w, m);
        }
        let o_penalty = c.f32()?;
        let window = c.u32()?;
        if window > 10_000 {
            return Err(Error::Format(format!("bad document window {window}")));
        }
        let nst = c.u32()?;
        if !(1..=2).contains(&nst) {
            return Err(Error::Format(format!("bad stage count {nst}")));
        }
        let mut stages = Vec::with_capacity(2);
        for _ in 0..nst {
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
            stages.push(Stage {
                feats,
                weights,
                trans,
                start,
            });
        }
        if c.pos != p.len() {
            return Err(Error::Format("trailing bytes after the model".into()));
        }
        let kinds = label_kinds(&labels);
        let second = if stages.len() == 2 {
            stages.pop()
        } else {
            None
        };
        let first = stages.pop().unwrap_or_default();
        let joint = joint_of(&first, second.as_ref());
        Ok(Model {
            joint,
            labels,
            kinds,
            features,
            clusters,
            gaz,
            first,
            second,
            window,
            o_penalty,
            neural: None,
        })
    }
}

/// The current model file format version.
pub const FORMAT_VERSION: u32 = 2;
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
    let y = (0..l)
        .max_by(|&a, &b| {
            score[(n - 1) * l + a]
                .partial_cmp(&score[(n - 1) * l + b])
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.cmp(&a))
        })
        .unwrap_or(0);
    crate::neural::backtrack(&back, l, n, y)
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

/// Number of folds of the jackknifed training gazetteer.
const GAZ_FOLDS: usize = 10;

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

/// One training input of [`perceptron`]: gold label ids and the feature
/// parts of the sentence's tokens.
type Example<'a> = (&'a [usize], Vec<&'a Flat>);

/// Trains `opts.runs` averaged structured perceptrons (seeds `opts.seed`,
/// `opts.seed + 1`, …) on `data` and averages their weights. After each
/// epoch, `progress(epoch_base + run * epochs + epoch, value)` gets `dev` of
/// the averaged stage if given, else the epoch's training token accuracy.
fn perceptron(
    data: &[Example<'_>],
    kinds: &[(Option<usize>, bool)],
    opts: &TrainOptions,
    mut dev: Option<&mut dyn FnMut(&Stage) -> f64>,
    epoch_base: usize,
    progress: &mut dyn FnMut(usize, f64),
) -> Stage {
    let l = kinds.len();
    // Feature ids, in first-seen order (deterministic).
    let mut counts: HashMap<u64, u32, BuildHasherDefault<IdHasher>> = HashMap::default();
    for (_, parts) in data {
        for part in parts {
            for &h in &part.h {
                *counts.entry(h).or_default() += 1;
            }
        }
    }
    let mut feats = FeatMap::default();
    // per sentence: flat ids and per-token ends
    let mut ids: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(data.len());
    for (gold, parts) in data {
        let mut v = Vec::new();
        let mut ends = Vec::with_capacity(gold.len());
        for i in 0..gold.len() {
            for part in parts {
                for &h in part.tok(i) {
                    if counts[&h] >= opts.min_feature_count {
                        let n = feats.len() as u32;
                        v.push(*feats.entry(h).or_insert(n));
                    }
                }
            }
            ends.push(v.len() as u32);
        }
        ids.push((v, ends));
    }
    drop(counts);
    let nf = feats.len();
    let mut sum_w = vec![0f64; nf * l];
    let mut sum_t = vec![0f64; l * l + l];
    let averaged = |w: &[f64], u: &[f64], c: f64| -> Vec<f32> {
        w.iter().zip(u).map(|(&w, &u)| (w - u / c) as f32).collect()
    };
    for run in 0..opts.runs.max(1) {
        let mut w = vec![0f64; nf * l];
        let mut u = vec![0f64; nf * l];
        let mut tw = vec![0f64; l * l + l]; // start, then trans
        let mut tu = vec![0f64; l * l + l];
        let mut c = 1f64;
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = Rng(opts.seed.wrapping_add(run as u64));
        let mut em: Vec<f32> = Vec::new();
        for epoch in 1..=opts.epochs {
            for i in (1..order.len()).rev() {
                let j = rng.below(i + 1);
                order.swap(i, j);
            }
            let (mut correct, mut total) = (0usize, 0usize);
            let mut tws: Vec<f32> = tw.iter().map(|&x| x as f32).collect();
            for &si in &order {
                let gold = data[si].0;
                let (fv, ends) = &ids[si];
                let tokf = |i: usize| {
                    let a = if i == 0 { 0 } else { ends[i - 1] as usize };
                    &fv[a..ends[i] as usize]
                };
                let n = gold.len();
                if n == 0 {
                    continue;
                }
                em.clear();
                em.resize(n * l, 0.0);
                for i in 0..n {
                    let row = &mut em[i * l..(i + 1) * l];
                    for &f in tokf(i) {
                        let ws = &w[f as usize * l..(f as usize + 1) * l];
                        for (r, &x) in row.iter_mut().zip(ws) {
                            *r += x as f32;
                        }
                    }
                }
                let pred = viterbi(&em, &tws[l..], &tws[..l], kinds, n);
                total += n;
                correct += pred.iter().zip(gold).filter(|(a, b)| a == b).count();
                if pred != gold {
                    for i in 0..n {
                        if pred[i] != gold[i] {
                            for &f in tokf(i) {
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
            let value = match dev.as_mut() {
                Some(dev) => {
                    let t = averaged(&tw, &tu, c);
                    let st = Stage {
                        feats: feats.clone(),
                        weights: averaged(&w, &u, c),
                        trans: t[l..].to_vec(),
                        start: t[..l].to_vec(),
                    };
                    dev(&st)
                }
                None => correct as f64 / total.max(1) as f64,
            };
            progress(epoch_base + run * opts.epochs + epoch, value);
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
    Stage {
        feats: new_feats,
        weights: new_w,
        trans: t[l..].to_vec(),
        start: t[..l].to_vec(),
    }
}

/// Trains the tagger. The first stage is `opts.runs` averaged structured
/// perceptrons (seeds `opts.seed`, `opts.seed + 1`, …) whose weights are
/// averaged. With `opts.stacked`, a second stage is trained on the local
/// features plus document features computed from first-stage labels; its
/// training labels come from a jackknife (`opts.folds` first stages, each
/// trained without one contiguous block of sentences and labelling it), so
/// they are as noisy as on new text. Deterministic for fixed inputs and
/// options. `progress(epoch, value)` is called after each epoch of each run
/// of the first stage and then of the second (numbered from 1 on) with the
/// dev F1 if `opts.dev` is set, else the training token accuracy.
pub fn train(
    sentences: &[Sentence],
    clusters: &Clusters,
    opts: &TrainOptions,
    progress: &mut dyn FnMut(usize, f64),
) -> Model {
    train_logged(sentences, clusters, opts, progress, &mut |_| {})
}

/// [`train`], with messages about its phases.
pub(crate) fn train_logged(
    sentences: &[Sentence],
    clusters: &Clusters,
    opts: &TrainOptions,
    progress: &mut dyn FnMut(usize, f64),
    log: &mut dyn FnMut(&str),
) -> Model {
    let labels = label_set(sentences);
    let kinds = label_kinds(&labels);
    let gaz = if opts.features & flags::GAZ != 0 {
        build_gaz(sentences, &labels)
    } else {
        HashMap::new()
    };
    // Jackknifed gazetteers: the sentences of fold `k` (contiguous folds, so
    // that a document stays in one) see the gazetteer of the other folds,
    // as a new sentence sees the one of the whole training set.
    let nfold = GAZ_FOLDS.min(sentences.len().max(1));
    let fold_of = |i: usize| i * nfold / sentences.len().max(1);
    let fold_gaz: Vec<HashMap<String, u8>> = if opts.features & flags::GAZ != 0 {
        (0..nfold)
            .map(|k| {
                let rest: Vec<Sentence> = sentences
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| fold_of(*i) != k)
                    .map(|(_, s)| s.clone())
                    .collect();
                build_gaz(&rest, &labels)
            })
            .collect()
    } else {
        vec![HashMap::new(); nfold]
    };
    // Gold label ids, token infos and local features.
    let mut golds: Vec<Vec<usize>> = Vec::new();
    let mut infos: Vec<Vec<TokInfo>> = Vec::new();
    for (si, s) in sentences.iter().enumerate() {
        let n = s.tokens.len().min(s.tags.len());
        if n == 0 {
            continue;
        }
        let gl = gaz_lookup(&fold_gaz[fold_of(si)]);
        golds.push(
            repair(&s.tags[..n])
                .iter()
                .map(|t| labels.iter().position(|x| x == t).unwrap_or(0))
                .collect(),
        );
        infos.push(
            s.tokens[..n]
                .iter()
                .map(|t| tok_info(t, clusters, &gl))
                .collect(),
        );
    }
    let local: Vec<Flat> = infos
        .iter()
        .map(|inf| local_flat(inf, opts.features))
        .collect();
    let mut model = Model {
        labels,
        kinds: kinds.clone(),
        features: opts.features,
        clusters: clusters.clone(),
        gaz,
        first: Stage::default(),
        second: None,
        window: opts.window.min(10_000) as u32,
        joint: JointMap::default(),
        o_penalty: 0.0,
        neural: None,
    };
    let data: Vec<Example<'_>> = golds
        .iter()
        .zip(&local)
        .map(|(g, f)| (g.as_slice(), vec![f]))
        .collect();
    log(&format!("first stage: {} sentences", data.len()));
    let mut probe = model.clone();
    let first = {
        let mut dev_f1 = |st: &Stage| {
            probe.first = st.clone();
            crate::evaluate(&probe, opts.dev.as_deref().unwrap_or_default()).f1()
        };
        let dev: Option<&mut dyn FnMut(&Stage) -> f64> = if opts.dev.is_some() {
            Some(&mut dev_f1)
        } else {
            None
        };
        perceptron(&data, &kinds, opts, dev, 0, progress)
    };
    model.first = first;
    if !opts.stacked {
        return model;
    }
    // Jackknife: first-stage labels of every training sentence from a first
    // stage that did not see its block.
    let k = opts.folds.clamp(2, data.len().max(2));
    let block = |i: usize| i * k / data.len().max(1);
    log(&format!("jackknife: {k} first stages"));
    let parts: Vec<Vec<Vec<usize>>> = {
        use rayon::prelude::*;
        (0..k)
            .into_par_iter()
            .map(|b| {
                let train_b: Vec<Example<'_>> = data
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| block(*i) != b)
                    .map(|(_, e)| e.clone())
                    .collect();
                let st = perceptron(&train_b, &kinds, opts, None, 0, &mut |_, _| {});
                local
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| block(*i) == b)
                    .map(|(_, f)| st.decode(&kinds, &[f], 0.0))
                    .collect()
            })
            .collect()
    };
    let pred1: Vec<Vec<usize>> = parts.into_iter().flatten().collect();
    let correct: usize = pred1
        .iter()
        .zip(&golds)
        .map(|(p, g)| p.iter().zip(g).filter(|(a, b)| a == b).count())
        .sum();
    let total: usize = golds.iter().map(|g| g.len()).sum();
    log(&format!(
        "jackknifed first-stage token accuracy {:.4}",
        correct as f64 / total.max(1) as f64
    ));
    let doc = doc_flats(&infos, &pred1, &kinds, opts.window);
    let data2: Vec<Example<'_>> = golds
        .iter()
        .zip(&local)
        .zip(&doc)
        .map(|((g, f), d)| (g.as_slice(), vec![f, d]))
        .collect();
    log("second stage");
    let mut probe = model.clone();
    let second = {
        let mut dev_f1 = |st: &Stage| {
            probe.second = Some(st.clone());
            crate::evaluate(&probe, opts.dev.as_deref().unwrap_or_default()).f1()
        };
        let dev: Option<&mut dyn FnMut(&Stage) -> f64> = if opts.dev.is_some() {
            Some(&mut dev_f1)
        } else {
            None
        };
        perceptron(
            &data2,
            &kinds,
            opts,
            dev,
            opts.runs.max(1) * opts.epochs,
            progress,
        )
    };
    model.joint = joint_of(&model.first, Some(&second));
    model.second = Some(second);
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
