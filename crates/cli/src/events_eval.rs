//! `rasd events eval FILE`: scores the event coder on a hand-labelled file
//! (format: `rasd_event::eval`), as `rasd ner eval` does for NER. The last
//! line of the report is `F1: 0.xxxx`, the macro F1 over the PLOVER types.

use anyhow::{Context, Result};
use rasd_event::eval::{evaluate, parse, Options};
use rasd_event::Arg;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Subcommands of `rasd events`.
#[derive(clap::Subcommand)]
pub enum EventsCmd {
    /// Score the event coder on a labelled file. A `.jsonl` file is a split of rasd's PLOVER event corpus as `data/events/tools/rebuild.py` writes it (`data/events/build/SPLIT.jsonl`): per-type precision/recall/F1 of mentions (type + trigger overlap), argument accuracy on matched mentions, a confusion table; the last line is `F1: 0.xxxx` (micro F1 of mentions). Any other file is the TSV of own sentences (sentence, [arguments,] events), on which the lexicon coder (the learned coder's candidate generator and features) is scored; the last line is then the macro F1 over types.
    Eval {
        file: PathBuf,
        /// Also print every sentence with a wrong type, argument or flag.
        #[arg(long)]
        verbose: bool,
        /// Find the mentions with rasd's NER for every line, even where the file gives them.
        #[arg(long)]
        ner: bool,
        /// Score only the lines of this `#@set` part of the file.
        #[arg(long)]
        set: Option<String>,
        /// Corpus files: print the report as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: EventsCmd) -> Result<ExitCode> {
    match cmd {
        EventsCmd::Eval {
            file,
            verbose,
            ner,
            set,
            json,
        } => {
            if file.extension().is_some_and(|e| e == "jsonl") {
                eval_corpus(&file, json)
            } else {
                eval(&file, verbose, ner, set)
            }
        }
    }
}

/// The entity mentions rasd finds in one sentence: NER, mention fixes and
/// in-text resolution, as ingest runs them (one id per resolved entity).
fn ner_mentions(text: &str) -> Vec<Arg> {
    let mut a = rasd_doc::Article::new(rasd_doc::ArticleKind::Page, 0);
    a.body = text.to_string();
    let ae = rasd_pipeline::entities::article_entities(&a);
    let mut out = Vec::new();
    for (i, e) in ae.entities.iter().enumerate() {
        let kind = rasd_pipeline::events::arg_kind(e.etype);
        for m in e.mentions.iter().filter_map(|&m| ae.mentions.get(m)) {
            if m.field == rasd_doc::Field::Body {
                out.push(Arg {
                    start: m.start,
                    end: m.end,
                    kind,
                    entity: i,
                });
            }
        }
    }
    out
}

fn eval(file: &Path, verbose: bool, ner: bool, set: Option<String>) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{}: not UTF-8 text ({e})", file.display()))?;
    let name = file.display().to_string();
    let gold = parse(&text, &name)?;
    if let Some(s) = &set {
        if !gold.iter().any(|g| g.set.as_deref() == Some(s.as_str())) {
            anyhow::bail!("{name}: no `#@set {s}` part");
        }
    }
    let opts = Options {
        min_confidence: rasd_event::eval::MIN_CONFIDENCE,
        finder_always: ner,
        set,
    };
    let finder = |t: &str| ner_mentions(t);
    let report = evaluate(&gold, Some(&finder), &opts);
    println!("{}", report.render(verbose));
    Ok(ExitCode::SUCCESS)
}

/// Scores rasd's production event coding on a split of the event corpus.
fn eval_corpus(file: &Path, json: bool) -> Result<ExitCode> {
    use rasd_event::corpus::{score, CorpusSentence};
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut gold = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<CorpusSentence>(line) {
            Ok(s) => gold.push(s),
            Err(e) => bad.push(format!("{}:{}: {e}", file.display(), n + 1)),
        }
    }
    if !bad.is_empty() {
        anyhow::bail!("{} bad corpus lines:\n{}", bad.len(), bad.join("\n"));
    }
    if gold.is_empty() {
        anyhow::bail!("{}: no corpus sentences", file.display());
    }
    let pred: Vec<_> = gold
        .iter()
        .map(|s| rasd_pipeline::events::corpus_predictions(&s.title, &s.sentence))
        .collect();
    let report = score(&gold, &pred);
    if json {
        let mut v = serde_json::to_value(&report)?;
        if let Some(o) = v.as_object_mut() {
            // Tuple keys do not serialise as JSON object keys: list them.
            o.insert(
                "confusion".into(),
                report
                    .confusion
                    .iter()
                    .map(|((g, p), n)| serde_json::json!({"gold": g, "predicted": p, "count": n}))
                    .collect(),
            );
            o.insert("micro_f1".into(), report.micro.f1().into());
            o.insert("macro_f1".into(), report.macro_f1().into());
            o.insert(
                "macro_f1_min20".into(),
                report.macro_f1_min_support(20).into(),
            );
        }
        println!("{v}");
    } else {
        println!("{}", report.render());
    }
    Ok(ExitCode::SUCCESS)
}
