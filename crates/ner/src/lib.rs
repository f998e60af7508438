//! Arabic named entity recognition for rasd.
//!
//! - [`Clusters`]: unsupervised word classes learned from raw news text with
//!   the exchange algorithm ([`build_clusters`]).
//! - [`Model`]: an averaged structured perceptron over rich lexical, clitic,
//!   shape, context, trigger and cluster features, decoded with a BIO-
//!   constrained first-order Viterbi ([`train`], [`Model::tag`]); an
//!   ensemble of perceptrons trained with different seeds, weights averaged,
//!   and an optional penalty on `O` ([`Model::set_o_penalty`]). A second
//!   stage (stacking) adds document features from the first stage's labels
//!   of the same words in nearby sentences ([`Model::tag_document`]).
//! - [`neural::NeuralModel`]: a BiLSTM-CRF trained by
//!   `crates/ner/neural/train.py` on the same features plus word vectors
//!   learned from SaudiNewsNet, run on the CPU; its scores are added to the
//!   perceptron's ([`Model::set_neural`]).
//! - [`evaluate`]: CoNLL entity-level precision, recall and F1.
//! - [`default_model`]: the shipped model (perceptron and neural tagger),
//!   embedded in the binary.
//!
//! Tags are BIO with the types `PER`, `ORG`, `LOC`, `MISC` (ANERcorp's `PERS`
//! is read as `PER`).

mod clusters;
mod eval;
mod features;
mod model;
pub mod neural;

use std::sync::OnceLock;

pub use clusters::{build_clusters, corpus_tokens, read_corpus_dir, ClusterOptions, Clusters};
pub use eval::{entities, evaluate, evaluate_sentences, evaluate_tags, Counts, Scores};
pub use features::flags as feature_flags;
pub use model::{train, Model, TrainOptions, FEATURES_ALL, FEATURES_DEFAULT, FORMAT_VERSION};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A malformed CoNLL line (1-based line number).
    #[error("line {line}: {msg}")]
    Conll { line: usize, msg: String },
    /// A malformed or corrupt model or cluster file.
    #[error("bad format: {0}")]
    Format(String),
    /// A model file written by another format version.
    #[error("unsupported model format version {found} (expected {expected})")]
    Version { found: u32, expected: u32 },
}

/// One sentence: tokens and their BIO tags (same length).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub tags: Vec<String>,
}

/// The folds used for every word key: [`rasd_text::Folds::MODEL`] (diacritics,
/// tatweel, alef variants, `ى`→`ي`, digits, Latin case…) plus `ة`→`ه`, since
/// both spellings occur for the same words in ANERcorp and in news text.
pub const NER_FOLDS: rasd_text::Folds = rasd_text::Folds {
    ta_marbuta: true,
    ..rasd_text::Folds::MODEL
};

/// The normalized key of a word (see [`NER_FOLDS`]).
pub fn norm(word: &str) -> String {
    rasd_text::fold(word, &NER_FOLDS)
}

/// Maps a tag's type to the names used here (`PERS` → `PER`); other tags are
/// returned as they are.
pub fn canonical_tag(tag: &str) -> String {
    match tag.split_once('-') {
        Some((bi, "PERS")) => format!("{bi}-PER"),
        _ => tag.to_string(),
    }
}

/// Reads CoNLL text: one `token TAG` per line (whitespace separated; the tag
/// is the last field), a blank line between sentences. Tolerates `\r\n`,
/// trailing spaces, several blank lines and a missing final blank line. A
/// line with one field, or a tag that is not `O`, `B-X` or `I-X`, is an error
/// naming its line number. Tags are returned as written (see
/// [`canonical_tag`]).
pub fn read_conll(text: &str) -> Result<Vec<Sentence>, Error> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim();
        if line.is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let mut fields = line.split_whitespace();
        let token = fields.next().unwrap_or_default();
        let tag = fields.last().ok_or_else(|| Error::Conll {
            line: i + 1,
            msg: format!("expected `token TAG`, found {line:?}"),
        })?;
        let ok = tag == "O"
            || tag
                .split_once('-')
                .is_some_and(|(bi, t)| (bi == "B" || bi == "I") && !t.is_empty());
        if !ok {
            return Err(Error::Conll {
                line: i + 1,
                msg: format!("bad tag {tag:?} (expected O, B-TYPE or I-TYPE)"),
            });
        }
        cur.tokens.push(token.to_string());
        cur.tags.push(tag.to_string());
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

static EMBEDDED: &[u8] = include_bytes!("../../../models/ner.bin");
static EMBEDDED_NEURAL: &[u8] = include_bytes!("../../../models/ner-nn.bin");

/// The shipped model, deserialized once: the perceptron of `models/ner.bin`
/// (it carries its word clusters) combined with the neural tagger of
/// `models/ner-nn.bin`, both embedded at compile time.
pub fn default_model() -> Result<&'static Model, Error> {
    static MODEL: OnceLock<Result<Model, String>> = OnceLock::new();
    let load = || -> Result<Model, Error> {
        let mut m = Model::load(EMBEDDED)?;
        m.set_neural(Some(neural::NeuralModel::load(EMBEDDED_NEURAL)?))?;
        Ok(m)
    };
    match MODEL.get_or_init(|| load().map_err(|e| e.to_string())) {
        Ok(m) => Ok(m),
        Err(e) => Err(Error::Format(format!("embedded model: {e}"))),
    }
}

/// What [`train_holdout`] measured on the dev split.
#[derive(Debug, Clone)]
pub struct HoldoutReport {
    /// Scores of the model trained on the first 90%, with the chosen penalty.
    pub dev: Scores,
    /// Dev micro F1 of that model with no `O` penalty.
    pub dev_f1_no_penalty: f64,
    pub o_penalty: f32,
    pub train_sentences: usize,
    pub dev_sentences: usize,
}

/// The training procedure of the shipped model. The last 10% of `sentences`
/// (sequentially) is the dev split; a model is trained on the rest, scored
/// on dev after every epoch, and the `O` penalty is chosen on dev unless
/// given (from 0 to 60 in steps of 2.5). With `all`, the returned model is
/// then trained on every sentence with that penalty; otherwise it is the
/// model trained on the 90%.
pub fn train_holdout(
    sentences: &[Sentence],
    clusters: &Clusters,
    opts: &TrainOptions,
    o_penalty: Option<f32>,
    all: bool,
    log: &mut dyn FnMut(&str),
) -> (Model, HoldoutReport) {
    let cut = sentences.len() * 9 / 10;
    let (tr, dev) = sentences.split_at(cut);
    log(&format!(
        "{} sentences: train {}, dev {} (the last 10%); {} cluster words",
        sentences.len(),
        tr.len(),
        dev.len(),
        clusters.len()
    ));
    let t0 = std::time::Instant::now();
    let mut o = opts.clone();
    o.dev = Some(dev.to_vec());
    let cell = std::cell::RefCell::new(log);
    let mut model = model::train_logged(
        tr,
        clusters,
        &o,
        &mut |e, f1| {
            (cell.borrow_mut())(&format!(
                "epoch {e}: dev F1 {f1:.4} ({:.0} s)",
                t0.elapsed().as_secs_f64()
            ))
        },
        &mut |m| (cell.borrow_mut())(&format!("{m} ({:.0} s)", t0.elapsed().as_secs_f64())),
    );
    let log = cell.into_inner();
    let f0 = evaluate(&model, dev).f1();
    let penalty = o_penalty.unwrap_or_else(|| {
        let mut best = (f0, 0.0f32);
        for k in 1..=24 {
            let p = k as f32 * 2.5;
            model.set_o_penalty(p);
            let f = evaluate(&model, dev).f1();
            if f > best.0 + 1e-9 {
                best = (f, p);
            }
        }
        best.1
    });
    model.set_o_penalty(penalty);
    log(&format!("O penalty {penalty:.2}"));
    let report = HoldoutReport {
        dev: evaluate(&model, dev),
        dev_f1_no_penalty: f0,
        o_penalty: penalty,
        train_sentences: tr.len(),
        dev_sentences: dev.len(),
    };
    if all {
        log(&format!("training on all {} sentences", sentences.len()));
        let cell = std::cell::RefCell::new(log);
        let mut m = model::train_logged(
            sentences,
            clusters,
            opts,
            &mut |e, acc| (cell.borrow_mut())(&format!("epoch {e}: train accuracy {acc:.4}")),
            &mut |m| (cell.borrow_mut())(m),
        );
        m.set_o_penalty(penalty);
        (m, report)
    } else {
        (model, report)
    }
}
