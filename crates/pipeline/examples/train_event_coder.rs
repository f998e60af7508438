//! Trains the learned event coder (`rasd_event::learned`) on the train split
//! of rasd's PLOVER event corpus and scores it on the dev split.
//!
//! The corpus text is rebuilt from SaudiNewsNet first
//! (`python3 data/events/tools/rebuild.py` → `data/events/build/`). The test
//! split is never read here: it is scored once, by `rasd events eval`.
//!
//! Usage: train_event_coder TRAIN.jsonl DEV.jsonl [--out FILE] [--epochs N]
//!        [--rate X] [--l2 X] [--prune X] [--min-count N] [--threshold T]
//!        [--role-threshold T] [--average N] [--sweep] [--load FILE]
//!
//! `--load` scores a written coder instead of training one (with `--vocab`,
//! it first takes the trigger vocabulary of TRAIN; with
//! `--threshold` / `--role-threshold`, it takes those instead of its own; with
//! `--out`, writes it back with them).
//!
//! `--sweep` prints the dev scores of several thresholds (the trigger's and
//! the arguments') with the same models. `--out` writes the coder (the
//! shipped one is `crates/event/data/coder.safetensors`).

use std::time::Instant;

use rasd_event::corpus::{score, CorpusReport, CorpusSentence, SpanField, SpanRef};
use rasd_event::learned::{Coder, Examples, GoldMention, Where};
use rasd_event::linear::TrainOptions;
use rasd_pipeline::events::{corpus_args, corpus_input, learned_corpus_predictions};

type Args = (Vec<rasd_event::Arg>, Vec<rasd_event::Arg>);

fn read(path: &str) -> Result<Vec<CorpusSentence>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).map_err(|e| format!("{path}:{}: {e}", n + 1)))
        .collect()
}

fn span(s: &Option<SpanRef>) -> Option<(Where, usize, usize)> {
    s.as_ref().map(|s| {
        (
            match s.field {
                SpanField::Sentence => Where::Here,
                SpanField::Title => Where::Title,
            },
            s.span.0,
            s.span.1,
        )
    })
}

fn summary(r: &CorpusReport) -> String {
    format!(
        "micro F1 {:.4} (P {:.3} R {:.3}) macro F1 {:.4} (types with >=20 gold: {:.4}) source {:.3} target {:.3} place {:.3} intent {:.3} negated {:.3}",
        r.micro.f1(),
        r.micro.precision(),
        r.micro.recall(),
        r.macro_f1(),
        r.macro_f1_min_support(20),
        r.source.value(),
        r.target.value(),
        r.place.value(),
        r.intent.value(),
        r.negated.value(),
    )
}

fn eval(coder: &Coder, dev: &[CorpusSentence], args: &[Args]) -> CorpusReport {
    let pred: Vec<_> = dev
        .iter()
        .zip(args)
        .map(|(s, a)| learned_corpus_predictions(coder, &s.title, &s.sentence, a))
        .collect();
    score(dev, &pred)
}

fn main() -> Result<(), String> {
    let mut argv = std::env::args().skip(1);
    let mut pos = Vec::new();
    let mut o = TrainOptions::default();
    let (mut out, mut threshold, mut role_threshold, mut sweep) = (None, 0.5f32, 0.3f32, false);
    let mut load: Option<String> = None;
    let (mut thr_given, mut role_given) = (false, false);
    let mut vocab_from_train = false;
    while let Some(a) = argv.next() {
        let mut val = |n: &str| argv.next().ok_or(format!("{n} needs a value"));
        let f = |v: String, n: &str| v.parse::<f32>().map_err(|e| format!("{n}: {e}"));
        match a.as_str() {
            "--out" => out = Some(val("--out")?),
            "--load" => load = Some(val("--load")?),
            "--vocab" => vocab_from_train = true,
            "--epochs" => {
                o.epochs = val("--epochs")?
                    .parse()
                    .map_err(|e| format!("--epochs: {e}"))?
            }
            "--rate" => o.rate = f(val("--rate")?, "--rate")?,
            "--l2" => o.l2 = f(val("--l2")?, "--l2")?,
            "--min-count" => {
                o.min_count = val("--min-count")?
                    .parse()
                    .map_err(|e| format!("--min-count: {e}"))?
            }
            "--prune" => o.prune = f(val("--prune")?, "--prune")?,
            "--average" => {
                o.average = val("--average")?
                    .parse()
                    .map_err(|e| format!("--average: {e}"))?
            }
            "--threshold" => {
                threshold = f(val("--threshold")?, "--threshold")?;
                thr_given = true;
            }
            "--role-threshold" => {
                role_threshold = f(val("--role-threshold")?, "--role-threshold")?;
                role_given = true;
            }
            "--sweep" => sweep = true,
            _ if a.starts_with("--") => return Err(format!("unknown option {a}")),
            _ => pos.push(a),
        }
    }
    let [train_path, dev_path] = pos.as_slice() else {
        return Err("usage: train_event_coder TRAIN.jsonl DEV.jsonl [--out FILE] …".into());
    };
    if train_path.contains("test") || dev_path.contains("test") {
        return Err(
            "the test split is scored once by `rasd events eval`, never used in training".into(),
        );
    }
    let t0 = Instant::now();
    let dev = read(dev_path)?;
    let dargs: Vec<Args> = dev
        .iter()
        .map(|s| corpus_args(&s.title, &s.sentence))
        .collect();
    let mut coder = match &load {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let mut c = Coder::from_bytes(&bytes).map_err(|e| format!("{path}: {e}"))?;
            if thr_given {
                c.threshold = threshold;
            }
            if role_given {
                c.role_threshold = role_threshold;
            }
            (threshold, role_threshold) = (c.threshold, c.role_threshold);
            c
        }
        None => train_coder(train_path, o, threshold, role_threshold, t0)?,
    };
    if load.is_some() && vocab_from_train {
        // The trigger vocabulary of the train split, for a coder written
        // before it had one.
        let ex = examples(train_path, t0)?;
        coder.set_vocab(Some(&ex.vocab));
        eprintln!("trigger vocabulary: {} keys", ex.vocab.len());
    }
    if sweep {
        for t in [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5] {
            coder.threshold = t;
            println!(
                "threshold {t:.2} role {role_threshold:.2}: {}",
                summary(&eval(&coder, &dev, &dargs))
            );
        }
        coder.threshold = threshold;
        for rt in [0.2, 0.3, 0.4, 0.5] {
            coder.role_threshold = rt;
            println!(
                "threshold {threshold:.2} role {rt:.2}: {}",
                summary(&eval(&coder, &dev, &dargs))
            );
        }
        coder.role_threshold = role_threshold;
    }
    if std::env::var_os("RASD_DIAG").is_some() {
        diag(&coder, &dev, &dargs);
    }
    let r = eval(&coder, &dev, &dargs);
    println!("{}", r.render());
    println!("dev: {}", summary(&r));
    if let Some(path) = out {
        let bytes = coder.to_bytes()?;
        std::fs::write(&path, &bytes).map_err(|e| format!("{path}: {e}"))?;
        eprintln!("wrote {path} ({} bytes)", bytes.len());
    }
    Ok(())
}

/// Reads the train split, finds its entity mentions and trains the coder.
fn train_coder(
    path: &str,
    o: TrainOptions,
    threshold: f32,
    role_threshold: f32,
    t0: Instant,
) -> Result<Coder, String> {
    let ex = examples(path, t0)?;
    let t1 = Instant::now();
    let coder = ex.train(o, threshold, role_threshold);
    eprintln!("trained in {:.1?}: {:?}", t1.elapsed(), coder.sizes());
    Ok(coder)
}

/// The training examples of the train split.
fn examples(path: &str, t0: Instant) -> Result<Examples, String> {
    let train = read(path)?;
    let targs: Vec<Args> = train
        .iter()
        .map(|s| corpus_args(&s.title, &s.sentence))
        .collect();
    eprintln!(
        "read {} train sentences, NER in {:.1?}",
        train.len(),
        t0.elapsed()
    );
    let mut ex = Examples::default();
    for (s, a) in train.iter().zip(&targs) {
        let gold: Vec<GoldMention> = s
            .events
            .iter()
            .map(|m| GoldMention {
                etype: m.etype,
                mode: m.mode.clone(),
                intent: m.intent,
                negated: m.negated,
                trigger: m.trigger,
                source: span(&m.source),
                target: span(&m.target),
                place: span(&m.place),
            })
            .collect();
        let (input, ctx) = corpus_input(&s.title, &s.sentence, a);
        ex.add(&input, &ctx, &gold);
    }
    eprintln!(
        "examples: {} words, {} argument candidates, {} mentions",
        ex.trigger.len(),
        ex.role.len(),
        ex.mode.len()
    );
    Ok(ex)
}

/// Dev diagnostics: how many gold triggers the lexicon proposes (any type,
/// right type), and each missed or spurious mention.
fn diag(coder: &Coder, dev: &[CorpusSentence], args: &[Args]) {
    let (mut any, mut right, mut total) = (0, 0, 0);
    for (s, a) in dev.iter().zip(args) {
        let (input, ctx) = corpus_input(&s.title, &s.sentence, a);
        let lex = rasd_event::extract(&input);
        if std::env::var("RASD_DIAG").is_ok_and(|v| v == s.id) {
            for ((x, y), t, p) in coder.word_scores(&input, &ctx) {
                println!("  {} {} {:.3}", &s.sentence[x..y], t.as_str(), p);
            }
        }
        let pred = learned_corpus_predictions(coder, &s.title, &s.sentence, a);
        for g in &s.events {
            total += 1;
            let ov = |t: (usize, usize)| t.0 < g.trigger.1 && g.trigger.0 < t.1;
            if lex.iter().any(|m| ov(m.trigger)) {
                any += 1;
            }
            if lex.iter().any(|m| ov(m.trigger) && m.etype == g.etype) {
                right += 1;
            }
            if !pred.iter().any(|p| ov(p.trigger) && p.etype == g.etype) {
                let got: Vec<_> = pred
                    .iter()
                    .filter(|p| ov(p.trigger))
                    .map(|p| p.etype.as_str())
                    .collect();
                let lx: Vec<_> = lex
                    .iter()
                    .filter(|m| ov(m.trigger))
                    .map(|m| m.etype.as_str())
                    .collect();
                println!(
                    "MISS {} {} «{}» got {:?} lex {:?}",
                    s.id,
                    g.etype.as_str(),
                    &s.sentence[g.trigger.0..g.trigger.1],
                    got,
                    lx
                );
            }
        }
        for p in &pred {
            let ov = |t: (usize, usize)| t.0 < p.trigger.1 && p.trigger.0 < t.1;
            if !s.events.iter().any(|g| ov(g.trigger)) {
                println!(
                    "SPUR {} {} «{}»",
                    s.id,
                    p.etype.as_str(),
                    &s.sentence[p.trigger.0..p.trigger.1]
                );
            }
        }
    }
    println!("lexicon proposes {any}/{total} gold triggers, {right} with the gold type");
}
