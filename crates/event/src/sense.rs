//! The statistical sense filter for ambiguous triggers.
//!
//! A binary averaged perceptron over trigger-context features decides
//! whether an ambiguous trigger (`هجوم` in football or in war, `قتل` in a
//! road accident, `ضربة جزاء`, `اعترض على` vs `اعترض صاروخا` …) is used in its
//! event sense. It is trained, deterministically and in a few milliseconds,
//! on first use from the labelled sentences embedded from `data/sense.tsv`
//! (own sentences; the trigger is marked `[like this]`).
//!
//! Features (hashed): the trigger's key; every word key within ±6 words;
//! the words just before and after, alone and paired with the trigger;
//! whether the sentence has sports, military, speech or accident/disaster
//! cue words (closed lists), alone and paired with the trigger; a bias.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use rasd_text::{fold, tokenize, Folds, TokenKind};

use crate::words::words;

/// The labelled sentences, embedded.
pub const SENSE_TSV: &str = include_str!("../data/sense.tsv");

const EPOCHS: usize = 12;
const WINDOW: usize = 6;

fn h(parts: &[&str]) -> u64 {
    let mut s = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        p.hash(&mut s);
    }
    s.finish()
}

/// A word's key for the features: folded, with `و ف` and the article or
/// `ب ل` + article taken off.
pub(crate) fn base_key(word: &str) -> String {
    let k = fold(word, &Folds::SEARCH);
    strip_base(&k).to_string()
}

pub(crate) fn strip_base(k: &str) -> &str {
    let mut s = k;
    if s.chars().count() > 3 {
        if let Some(r) = s.strip_prefix('و').or_else(|| s.strip_prefix('ف')) {
            s = r;
        }
    }
    for p in ["بال", "لل", "كال", "ال"] {
        if let Some(r) = s.strip_prefix(p) {
            if r.chars().count() >= 2 {
                return r;
            }
        }
    }
    s
}

/// The features of the trigger at word `i` of `keys` (base keys).
pub(crate) fn features(keys: &[String], i: usize) -> Vec<u64> {
    let w = words();
    let t = keys.get(i).map(String::as_str).unwrap_or("");
    let mut f = vec![h(&["bias"]), h(&["t", t])];
    let lo = i.saturating_sub(WINDOW);
    let hi = (i + WINDOW + 1).min(keys.len());
    for (j, k) in keys.iter().enumerate().take(hi).skip(lo) {
        if j != i {
            f.push(h(&["w", k]));
        }
    }
    let l1 = if i > 0 { keys[i - 1].as_str() } else { "<s>" };
    let r1 = keys.get(i + 1).map(String::as_str).unwrap_or("</s>");
    f.push(h(&["l1", l1]));
    f.push(h(&["r1", r1]));
    f.push(h(&["tl1", t, l1]));
    f.push(h(&["tr1", t, r1]));
    let cue = |set: &std::collections::HashSet<String>| {
        keys.iter()
            .any(|k| set.contains(k) || set.contains(&format!("ال{k}")))
    };
    for (name, on) in [
        ("sport", cue(&w.sports)),
        ("mil", cue(&w.military)),
        ("speech", cue(&w.speech)),
        ("acc", cue(&w.accident)),
    ] {
        if on {
            f.push(h(&["cue", name]));
            f.push(h(&["tcue", t, name]));
        }
    }
    f
}

/// A trained binary perceptron.
pub struct SenseModel {
    weights: HashMap<u64, f32>,
}

impl SenseModel {
    /// The score of a feature vector (positive: the event sense).
    pub(crate) fn score(&self, f: &[u64]) -> f32 {
        f.iter()
            .map(|x| self.weights.get(x).copied().unwrap_or(0.0))
            .sum()
    }

    /// The probability-like acceptance of the trigger at word `i`.
    pub(crate) fn accept(&self, keys: &[String], i: usize) -> f32 {
        let s = self.score(&features(keys, i));
        1.0 / (1.0 + (-s * 1.5).exp())
    }
}

/// Parses one `data/sense.tsv` line: label, base keys of the words, index of
/// the marked word.
pub fn parse_line(line: &str) -> Option<(bool, Vec<String>, usize)> {
    let (label, sent) = line.split_once('\t')?;
    let label = label.trim() == "1";
    let open = sent.find('[')?;
    let close = sent[open..].find(']')? + open;
    let clean = format!(
        "{}{}{}",
        &sent[..open],
        &sent[open + 1..close],
        &sent[close + 1..]
    );
    let mut keys = Vec::new();
    let mut idx = None;
    for t in tokenize(&clean) {
        if t.kind != TokenKind::Word {
            continue;
        }
        if idx.is_none() && t.end > open {
            idx = Some(keys.len());
        }
        keys.push(base_key(t.text(&clean)));
    }
    Some((label, keys, idx?))
}

/// Trains a model on labelled examples (label, keys, trigger index).
pub fn train(data: &[(bool, Vec<String>, usize)]) -> SenseModel {
    let feats: Vec<(f32, Vec<u64>)> = data
        .iter()
        .map(|(y, k, i)| (if *y { 1.0 } else { -1.0 }, features(k, *i)))
        .collect();
    let mut w: HashMap<u64, f32> = HashMap::new();
    let mut total: HashMap<u64, f32> = HashMap::new();
    let mut stamp: HashMap<u64, usize> = HashMap::new();
    let mut c = 1usize;
    for epoch in 0..EPOCHS {
        // Deterministic shuffle: a stride walk.
        let n = feats.len();
        for step in 0..n {
            let (y, f) = &feats[(step * 7 + epoch * 13) % n.max(1)];
            let s: f32 = f.iter().map(|x| w.get(x).copied().unwrap_or(0.0)).sum();
            if y * s <= 0.0 {
                for x in f {
                    let last = stamp.get(x).copied().unwrap_or(0);
                    let cur = w.get(x).copied().unwrap_or(0.0);
                    *total.entry(*x).or_insert(0.0) += cur * (c - last) as f32;
                    stamp.insert(*x, c);
                    *w.entry(*x).or_insert(0.0) += y;
                }
            }
            c += 1;
        }
    }
    let mut avg = HashMap::new();
    for (x, cur) in &w {
        let last = stamp.get(x).copied().unwrap_or(0);
        let t = total.get(x).copied().unwrap_or(0.0) + cur * (c - last) as f32;
        avg.insert(*x, t / c as f32);
    }
    SenseModel { weights: avg }
}

/// The model trained on the embedded `data/sense.tsv`.
pub fn model() -> &'static SenseModel {
    static M: OnceLock<SenseModel> = OnceLock::new();
    M.get_or_init(|| {
        let data: Vec<_> = SENSE_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(parse_line)
            .collect();
        train(&data)
    })
}

/// Leave-one-out accuracy of the sense filter on `data/sense.tsv` (for the
/// README and tests).
pub fn leave_one_out() -> (usize, usize) {
    let data: Vec<_> = SENSE_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(parse_line)
        .collect();
    let mut ok = 0;
    for i in 0..data.len() {
        let rest: Vec<_> = data
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, d)| d.clone())
            .collect();
        let m = train(&rest);
        let (y, k, t) = &data[i];
        if (m.score(&features(k, *t)) > 0.0) == *y {
            ok += 1;
        }
    }
    (ok, data.len())
}
