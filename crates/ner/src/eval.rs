//! Entity-level scoring with CoNLL semantics.

use std::collections::BTreeMap;

use crate::{Model, Sentence};

/// The entities of a tagged sentence: `(start, end, type)` token ranges
/// (`end` exclusive). CoNLL semantics: an entity starts at a `B-X`, or at an
/// `I-X` that does not continue an entity of type `X`; it goes on over the
/// following `I-X`. `PERS` is reported as `PER`. Tags beyond `tokens.len()`
/// are ignored.
pub fn entities(tokens: &[&str], tags: &[String]) -> Vec<(usize, usize, String)> {
    let n = tokens.len().min(tags.len());
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().take(n).enumerate() {
        let (bi, ty) = match tag.split_once('-') {
            Some((bi, ty)) if bi == "B" || bi == "I" => (bi, if ty == "PERS" { "PER" } else { ty }),
            _ => ("O", ""),
        };
        let continues = bi == "I" && open.is_some_and(|(_, t)| t == ty);
        if !continues {
            if let Some((s, t)) = open.take() {
                out.push((s, i, t.to_string()));
            }
            if bi != "O" {
                open = Some((i, ty));
            }
        }
    }
    if let Some((s, t)) = open {
        out.push((s, n, t.to_string()));
    }
    out
}

/// True positives, predicted and gold entity counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub pred: usize,
    pub gold: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.pred == 0 {
            0.0
        } else {
            self.tp as f64 / self.pred as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.tp as f64 / self.gold as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Entity-level scores per type and micro-averaged, plus token accuracy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub per_type: BTreeMap<String, Counts>,
    pub micro: Counts,
    pub tokens: usize,
    pub correct_tokens: usize,
}

impl Scores {
    /// Adds one sentence (gold and predicted tags over the same tokens).
    pub fn add(&mut self, gold: &[String], pred: &[String]) {
        let n = gold.len().min(pred.len());
        let dummy = vec![""; n];
        let g = entities(&dummy, &gold[..n]);
        let p = entities(&dummy, &pred[..n]);
        for (_, _, t) in &g {
            self.per_type.entry(t.clone()).or_default().gold += 1;
            self.micro.gold += 1;
        }
        for e in &p {
            let c = self.per_type.entry(e.2.clone()).or_default();
            c.pred += 1;
            self.micro.pred += 1;
            if g.contains(e) {
                c.tp += 1;
                self.micro.tp += 1;
            }
        }
        self.tokens += n;
        self.correct_tokens += gold[..n]
            .iter()
            .zip(&pred[..n])
            .filter(|(a, b)| crate::canonical_tag(a) == crate::canonical_tag(b))
            .count();
    }

    /// Micro-averaged F1.
    pub fn f1(&self) -> f64 {
        self.micro.f1()
    }

    /// A table of precision, recall and F1 per type and micro-averaged; the
    /// last line is exactly `F1: 0.xxxx` (micro F1).
    pub fn report(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "{:<8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}\n",
            "type", "precision", "recall", "f1", "gold", "pred", "tp"
        ));
        let row = |name: &str, c: &Counts| {
            format!(
                "{:<8} {:>9.4} {:>9.4} {:>9.4} {:>7} {:>7} {:>7}\n",
                name,
                c.precision(),
                c.recall(),
                c.f1(),
                c.gold,
                c.pred,
                c.tp
            )
        };
        for (t, c) in &self.per_type {
            s.push_str(&row(t, c));
        }
        s.push_str(&row("micro", &self.micro));
        let acc = if self.tokens == 0 {
            0.0
        } else {
            self.correct_tokens as f64 / self.tokens as f64
        };
        s.push_str(&format!(
            "token accuracy {:.4} ({} tokens)\n",
            acc, self.tokens
        ));
        s.push_str(&format!("F1: {:.4}", self.f1()));
        s
    }
}

/// Scores gold tags against predicted tags, sentence by sentence.
pub fn evaluate_tags(gold: &[Sentence], pred: &[Vec<String>]) -> Scores {
    let mut s = Scores::default();
    for (g, p) in gold.iter().zip(pred) {
        s.add(&g.tags, p);
    }
    s
}

/// Tags the gold sentences with `model` as one document in order (each
/// sentence's document context is the sentences within the model's window,
/// see [`Model::tag_document`]) and scores them (entity level, exact span
/// and type, CoNLL semantics).
pub fn evaluate(model: &Model, gold: &[Sentence]) -> Scores {
    let toks: Vec<Vec<&str>> = gold
        .iter()
        .map(|g| g.tokens.iter().map(|t| t.as_str()).collect())
        .collect();
    let refs: Vec<&[&str]> = toks.iter().map(|t| t.as_slice()).collect();
    let pred = model.tag_document(&refs);
    evaluate_tags(gold, &pred)
}

/// Like [`evaluate`], but each sentence tagged on its own (no document
/// context beyond the sentence).
pub fn evaluate_sentences(model: &Model, gold: &[Sentence]) -> Scores {
    let mut s = Scores::default();
    for g in gold {
        let toks: Vec<&str> = g.tokens.iter().map(|t| t.as_str()).collect();
        let p = model.tag(&toks);
        s.add(&g.tags, &p);
    }
    s
}
