//! Scoring against rasd's PLOVER event corpus (`data/events/`): the rebuilt
//! corpus lines ([`CorpusSentence`], one JSON line each, read by the caller
//! with serde), the mentions a coder predicts for a sentence
//! ([`PredMention`]), and the report behind `rasd events eval FILE.jsonl`.
//!
//! # Matching and figures
//!
//! * **Mentions**: a predicted mention matches a gold mention of the same
//!   sentence when their types are equal and their trigger spans overlap;
//!   pairs are made one to one, greatest overlap first. Precision, recall
//!   and F1 per type, micro (all mentions pooled) and macro (the mean F1 of
//!   the types that are in the gold or predicted).
//! * **Confusion**: a gold mention that no prediction of its type matches is
//!   paired with an unmatched prediction of another type whose trigger
//!   overlaps (`gold → predicted`), else counted as missed (`→ NONE`); an
//!   unmatched prediction left over is spurious (`NONE →`).
//! * **Arguments** on matched mentions: the source, target and place are
//!   right when both are empty, or when the predicted actor has a span
//!   overlapping the gold span (same field), or a name whose folded text
//!   contains, or is contained in, the gold span's folded text. For
//!   CONSULT, COOPERATE and AGREE the two sides may be given in either
//!   order. The `intent` and `negated` flags are scored the same way.
//!
//! The report's last line is `F1: 0.xxxx`, the micro F1 of mentions.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rasd_text::{fold, Folds};
use serde::{Deserialize, Serialize};

use crate::EventType;

/// The text a span indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanField {
    Sentence,
    Title,
}

/// A gold argument: a byte span of the sentence or of the title, with its
/// text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRef {
    #[serde(rename = "in")]
    pub field: SpanField,
    pub span: (usize, usize),
    pub text: String,
}

/// One gold event mention of the corpus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusMention {
    #[serde(rename = "type")]
    pub etype: EventType,
    pub mode: Option<String>,
    /// Byte span of the trigger in the sentence.
    pub trigger: (usize, usize),
    pub source: Option<SpanRef>,
    pub target: Option<SpanRef>,
    pub place: Option<SpanRef>,
    pub time: Option<SpanRef>,
    pub intent: bool,
    pub negated: bool,
}

/// One sentence of the rebuilt corpus (`data/events/build/SPLIT.jsonl`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusSentence {
    pub id: String,
    pub split: String,
    pub url: String,
    pub title: String,
    pub sentence: String,
    pub events: Vec<CorpusMention>,
}

/// A predicted actor or place: the spans that name it in the sentence or
/// the title, and its names (entity name, country phrase, group words).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PredActor {
    pub spans: Vec<(SpanField, usize, usize)>,
    pub names: Vec<String>,
}

/// A mention predicted by a coder for one corpus sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct PredMention {
    pub etype: EventType,
    /// Byte span of the trigger in the sentence.
    pub trigger: (usize, usize),
    pub intent: bool,
    pub negated: bool,
    pub source: Option<PredActor>,
    pub target: Option<PredActor>,
    pub place: Option<PredActor>,
}

/// Right / total of one argument or flag on matched mentions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Acc {
    pub right: usize,
    pub total: usize,
}

impl Acc {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.right += usize::from(ok);
    }
    pub fn value(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.right as f64 / self.total as f64
        }
    }
}

/// True positives, gold and predicted counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Prf {
    pub tp: usize,
    pub gold: usize,
    pub pred: usize,
}

impl Prf {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.pred)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.gold)
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

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The scores of a coder on corpus sentences.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CorpusReport {
    pub sentences: usize,
    pub per_type: BTreeMap<EventType, Prf>,
    pub micro: Prf,
    /// Trigger overlap whatever the type.
    pub untyped: Prf,
    /// (gold type or `None`, predicted type or `None`) → count, errors only
    /// (not serialised as is: tuple keys; `rasd events eval --json` lists it).
    #[serde(skip)]
    pub confusion: BTreeMap<(Option<EventType>, Option<EventType>), usize>,
    pub source: Acc,
    pub target: Acc,
    pub place: Acc,
    pub intent: Acc,
    pub negated: Acc,
}

impl CorpusReport {
    /// Mean F1 of the types in the gold or predicted.
    pub fn macro_f1(&self) -> f64 {
        self.mean_f1(|c| c.gold + c.pred > 0)
    }

    /// Mean F1 of the types with at least `min` gold mentions.
    pub fn macro_f1_min_support(&self, min: usize) -> f64 {
        self.mean_f1(|c| c.gold >= min)
    }

    /// Mean F1 of the types whose counts pass `keep` (0 when none does).
    fn mean_f1(&self, keep: impl Fn(&Prf) -> bool) -> f64 {
        let fs: Vec<f64> = self
            .per_type
            .values()
            .filter(|c| keep(c))
            .map(Prf::f1)
            .collect();
        if fs.is_empty() {
            0.0
        } else {
            fs.iter().sum::<f64>() / fs.len() as f64
        }
    }

    /// The text report; its last line is `F1: 0.xxxx` (micro F1).
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "sentences: {}", self.sentences);
        let _ = writeln!(
            s,
            "{:<12} {:>6} {:>6} {:>6} {:>6} {:>6}",
            "type", "P", "R", "F1", "gold", "pred"
        );
        for t in EventType::ALL {
            let c = self.per_type.get(&t).copied().unwrap_or_default();
            if c.gold + c.pred == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                "{:<12} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6}",
                t.as_str(),
                c.precision(),
                c.recall(),
                c.f1(),
                c.gold,
                c.pred
            );
        }
        let m = self.micro;
        let _ = writeln!(
            s,
            "{:<12} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6}",
            "micro",
            m.precision(),
            m.recall(),
            m.f1(),
            m.gold,
            m.pred
        );
        let _ = writeln!(
            s,
            "macro F1 (types in gold or predicted): {:.4}",
            self.macro_f1()
        );
        let _ = writeln!(
            s,
            "macro F1 (types with >= 20 gold mentions): {:.4}",
            self.macro_f1_min_support(20)
        );
        let u = self.untyped;
        let _ = writeln!(
            s,
            "triggers whatever the type: P {:.3} R {:.3} F1 {:.3}",
            u.precision(),
            u.recall(),
            u.f1()
        );
        let _ = writeln!(s, "on {} matched mentions:", self.source.total);
        for (name, a) in [
            ("source", self.source),
            ("target", self.target),
            ("place", self.place),
            ("intent", self.intent),
            ("negated", self.negated),
        ] {
            let _ = writeln!(s, "  {name:<8} {:.3} ({}/{})", a.value(), a.right, a.total);
        }
        let _ = writeln!(
            s,
            "confusion (gold → predicted, errors only, most frequent first):"
        );
        let mut conf: Vec<_> = self.confusion.iter().collect();
        conf.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let name = |t: &Option<EventType>| t.map_or("NONE", EventType::as_str);
        for ((g, p), n) in conf.iter().take(40) {
            let _ = writeln!(s, "  {:<11} → {:<11} {n}", name(g), name(p));
        }
        if conf.len() > 40 {
            let _ = writeln!(s, "  … {} more pairs", conf.len() - 40);
        }
        let _ = write!(s, "F1: {:.4}", m.f1());
        s
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn overlap_len(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// Whether a predicted actor or place is the gold one (see the module doc).
pub fn arg_matches(gold: Option<&SpanRef>, pred: Option<&PredActor>) -> bool {
    match (gold, pred) {
        (None, None) => true,
        (Some(g), Some(p)) => {
            if p.spans
                .iter()
                .any(|&(f, s, e)| f == g.field && overlaps((s, e), g.span))
            {
                return true;
            }
            let gf = fold(&g.text, &Folds::SEARCH);
            let gf = gf.trim();
            !gf.is_empty()
                && p.names.iter().any(|n| {
                    let nf = fold(n, &Folds::SEARCH);
                    let nf = nf.trim();
                    nf.chars().count() >= 2 && (gf.contains(nf) || nf.contains(gf))
                })
        }
        _ => false,
    }
}

fn symmetric(t: EventType) -> bool {
    matches!(
        t,
        EventType::Consult | EventType::Cooperate | EventType::Agree
    )
}

/// Pairs one sentence's gold and predicted mentions one to one: same type
/// and overlapping triggers (`typed`), or overlapping triggers only.
fn pair(
    gold: &[CorpusMention],
    pred: &[PredMention],
    typed: bool,
    used_g: &mut [bool],
    used_p: &mut [bool],
) -> Vec<(usize, usize)> {
    let mut cands = Vec::new();
    for (i, g) in gold.iter().enumerate() {
        for (j, p) in pred.iter().enumerate() {
            if (!typed || g.etype == p.etype) && overlaps(g.trigger, p.trigger) {
                cands.push((overlap_len(g.trigger, p.trigger), i, j));
            }
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut out = Vec::new();
    for (_, i, j) in cands {
        if !used_g[i] && !used_p[j] {
            used_g[i] = true;
            used_p[j] = true;
            out.push((i, j));
        }
    }
    out
}

/// Scores predictions (one list per sentence, in the same order) against
/// the gold sentences.
pub fn score(gold: &[CorpusSentence], pred: &[Vec<PredMention>]) -> CorpusReport {
    let mut r = CorpusReport {
        sentences: gold.len(),
        ..CorpusReport::default()
    };
    for t in EventType::ALL {
        r.per_type.insert(t, Prf::default());
    }
    let empty = Vec::new();
    for (k, gs) in gold.iter().enumerate() {
        let ps = pred.get(k).unwrap_or(&empty);
        let g = &gs.events;
        for m in g {
            let c = r.per_type.entry(m.etype).or_default();
            c.gold += 1;
            r.micro.gold += 1;
        }
        for m in ps {
            let c = r.per_type.entry(m.etype).or_default();
            c.pred += 1;
            r.micro.pred += 1;
        }
        // Untyped trigger agreement.
        {
            let mut ug = vec![false; g.len()];
            let mut up = vec![false; ps.len()];
            let n = pair(g, ps, false, &mut ug, &mut up).len();
            r.untyped.tp += n;
            r.untyped.gold += g.len();
            r.untyped.pred += ps.len();
        }
        let mut ug = vec![false; g.len()];
        let mut up = vec![false; ps.len()];
        for (i, j) in pair(g, ps, true, &mut ug, &mut up) {
            let (gm, pm) = (&g[i], &ps[j]);
            r.per_type.entry(gm.etype).or_default().tp += 1;
            r.micro.tp += 1;
            let straight = arg_matches(gm.source.as_ref(), pm.source.as_ref())
                && arg_matches(gm.target.as_ref(), pm.target.as_ref());
            let swapped = symmetric(gm.etype)
                && arg_matches(gm.source.as_ref(), pm.target.as_ref())
                && arg_matches(gm.target.as_ref(), pm.source.as_ref());
            if swapped && !straight {
                r.source.add(true);
                r.target.add(true);
            } else {
                r.source
                    .add(arg_matches(gm.source.as_ref(), pm.source.as_ref()));
                r.target
                    .add(arg_matches(gm.target.as_ref(), pm.target.as_ref()));
            }
            r.place
                .add(arg_matches(gm.place.as_ref(), pm.place.as_ref()));
            r.intent.add(gm.intent == pm.intent);
            r.negated.add(gm.negated == pm.negated);
        }
        // Errors: type confusions on overlapping triggers, then misses and
        // spurious predictions.
        for (i, j) in pair(g, ps, false, &mut ug, &mut up) {
            *r.confusion
                .entry((Some(g[i].etype), Some(ps[j].etype)))
                .or_default() += 1;
        }
        for (i, m) in g.iter().enumerate() {
            if !ug[i] {
                *r.confusion.entry((Some(m.etype), None)).or_default() += 1;
            }
        }
        for (j, m) in ps.iter().enumerate() {
            if !up[j] {
                *r.confusion.entry((None, Some(m.etype))).or_default() += 1;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gm(t: EventType, tr: (usize, usize), src: Option<(&str, usize, usize)>) -> CorpusMention {
        CorpusMention {
            etype: t,
            mode: None,
            trigger: tr,
            source: src.map(|(x, s, e)| SpanRef {
                field: SpanField::Sentence,
                span: (s, e),
                text: x.to_string(),
            }),
            target: None,
            place: None,
            time: None,
            intent: false,
            negated: false,
        }
    }

    fn pm(t: EventType, tr: (usize, usize), src: Option<PredActor>) -> PredMention {
        PredMention {
            etype: t,
            trigger: tr,
            intent: false,
            negated: false,
            source: src,
            target: None,
            place: None,
        }
    }

    fn sent(events: Vec<CorpusMention>) -> CorpusSentence {
        CorpusSentence {
            id: "x".into(),
            split: "dev".into(),
            url: "u".into(),
            title: String::new(),
            sentence: String::new(),
            events,
        }
    }

    #[test]
    fn matches_by_type_and_trigger_overlap() {
        let gold = vec![sent(vec![
            gm(EventType::Consult, (0, 10), Some(("خليفة حفتر", 20, 39))),
            gm(EventType::Assault, (50, 60), None),
        ])];
        let pred = vec![vec![
            pm(
                EventType::Consult,
                (2, 8),
                Some(PredActor {
                    spans: vec![(SpanField::Sentence, 27, 39)],
                    names: vec![],
                }),
            ),
            // Right trigger, wrong type: a confusion, not a match.
            pm(EventType::Coerce, (50, 60), None),
            // Spurious.
            pm(EventType::Support, (80, 90), None),
        ]];
        let r = score(&gold, &pred);
        assert_eq!(
            r.micro,
            Prf {
                tp: 1,
                gold: 2,
                pred: 3
            }
        );
        assert_eq!(r.untyped.tp, 2);
        assert_eq!(r.source, Acc { right: 1, total: 1 });
        assert_eq!(
            r.confusion[&(Some(EventType::Assault), Some(EventType::Coerce))],
            1
        );
        assert_eq!(r.confusion[&(None, Some(EventType::Support))], 1);
        assert!(r.render().ends_with(&format!("F1: {:.4}", 0.4)));
    }

    #[test]
    fn names_match_by_folded_text_and_sides_may_swap() {
        let mut g = gm(EventType::Consult, (0, 4), Some(("حفتر", 10, 18)));
        g.target = Some(SpanRef {
            field: SpanField::Title,
            span: (0, 8),
            text: "يفكيروف".into(),
        });
        let p = PredMention {
            source: Some(PredActor {
                spans: vec![],
                names: vec!["يونس بك يفكيروف".into()],
            }),
            target: Some(PredActor {
                spans: vec![],
                names: vec!["خليفة حفتر".into()],
            }),
            ..pm(EventType::Consult, (0, 4), None)
        };
        let r = score(&[sent(vec![g])], &[vec![p]]);
        assert_eq!(r.source.right + r.target.right, 2);
        // A null gold source is right only when nothing is predicted.
        assert!(arg_matches(None, None));
        assert!(!arg_matches(None, Some(&PredActor::default())));
    }
}
