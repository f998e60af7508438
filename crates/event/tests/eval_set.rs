//! The shipped evaluation set (`tests/eval.tsv`): it parses, covers every
//! PLOVER type with positives and has hard negatives, and the coder keeps a
//! macro F1 of at least 0.80 on it (a regression guard: the file is fixed).
//!
//! `cargo test -p rasd-event --test eval_set -- --nocapture` prints the
//! report with every error, as `rasd events eval --verbose` does (which
//! codes the same lines with the same mentions, given in the file).

use rasd_event::eval::{evaluate, parse, Options};
use rasd_event::EventType;

const EVAL_TSV: &str = include_str!("eval.tsv");

#[test]
fn eval_set_is_well_formed_and_covers_every_type() {
    let gold = parse(EVAL_TSV, "tests/eval.tsv").unwrap_or_else(|e| panic!("{e}"));
    assert!(gold.len() >= 150, "{} sentences", gold.len());
    for t in EventType::ALL {
        let pos = gold
            .iter()
            .filter(|g| g.events.iter().any(|e| e.etype == t))
            .count();
        assert!(pos >= 5, "{t}: {pos} positive sentences");
    }
    let none = gold.iter().filter(|g| g.events.is_empty()).count();
    assert!(none >= 40, "{none} NONE sentences");
    // Every line gives its mentions, so the score does not depend on NER.
    assert!(gold.iter().all(|g| g.args.is_some()));
    assert!(gold.iter().all(|g| g.set.is_some()));
}

#[test]
fn eval_set_macro_f1() {
    let gold = parse(EVAL_TSV, "tests/eval.tsv").unwrap_or_else(|e| panic!("{e}"));
    let rep = evaluate(&gold, None, &Options::default());
    println!("{}", rep.render(true));
    let f1 = rep.macro_f1();
    assert_eq!(rep.scores.macro_types(), 18);
    assert!(f1 >= 0.80, "macro F1 {f1:.4}");
    // The part written before the coder was tuned on it.
    let pre = rep
        .sets
        .iter()
        .find(|(n, _)| n == "pre-tuning")
        .map(|(_, s)| s.macro_f1())
        .unwrap_or(f1);
    assert!(pre >= 0.75, "pre-tuning macro F1 {pre:.4}");
}
