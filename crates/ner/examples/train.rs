//! Trains the NER model.
//!
//! `cargo run --release -p rasd-ner --example train -- --data FILE --clusters models/clusters.tsv --out models/ner.bin`
//! Holds out the last 10% of the sentences as dev, prints the dev F1 after
//! each epoch and the dev report. `--all` then trains the written model on
//! every sentence (same epochs). Other options: `--epochs N`, `--seed N`,
//! `--features MASK` (feature groups, for ablations), `--min-count N`.

use std::time::Instant;

use rasd_ner::{read_conll, Clusters, TrainOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut data = None;
    let mut clusters_path = String::from("models/clusters.tsv");
    let mut out = None;
    let mut all = false;
    let mut dump: Option<String> = None;
    let mut o_penalty: Option<f32> = None;
    let mut opts = TrainOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--data" => data = Some(val()?),
            "--clusters" => clusters_path = val()?,
            "--out" => out = Some(val()?),
            "--all" => all = true,
            "--dump" => dump = Some(val()?),
            "--epochs" => opts.epochs = val()?.parse()?,
            "--seed" => opts.seed = val()?.parse()?,
            "--features" => opts.features = val()?.parse()?,
            "--o-penalty" => o_penalty = Some(val()?.parse()?),
            "--runs" => opts.runs = val()?.parse()?,
            "--min-count" => opts.min_feature_count = val()?.parse()?,
            "--window" => opts.window = val()?.parse()?,
            "--folds" => opts.folds = val()?.parse()?,
            "--no-stack" => opts.stacked = false,
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let data = data.ok_or("--data FILE is required")?;
    let sentences = read_conll(&std::fs::read_to_string(&data)?)?;
    let clusters = if clusters_path.is_empty() {
        Clusters::default()
    } else {
        Clusters::load(std::fs::File::open(&clusters_path)?)?
    };
    let (model, report) =
        rasd_ner::train_holdout(&sentences, &clusters, &opts, o_penalty, false, &mut |m| {
            eprintln!("{m}")
        });
    eprintln!(
        "{} features; dev F1 with no O penalty: {:.4}",
        model.num_features(),
        report.dev_f1_no_penalty
    );
    let scores = report.dev.clone();
    eprintln!(
        "dev F1 with each sentence tagged on its own: {:.4}",
        rasd_ner::evaluate_sentences(&model, &sentences[report.train_sentences..]).f1()
    );
    let dev = &sentences[report.train_sentences..];
    let penalty = report.o_penalty;
    if let Some(path) = &dump {
        let mut out = String::new();
        for s in dev {
            let toks: Vec<&str> = s.tokens.iter().map(|t| t.as_str()).collect();
            for ((t, g), p) in toks.iter().zip(&s.tags).zip(model.tag(&toks)) {
                out.push_str(&format!("{t} {} {p}\n", rasd_ner::canonical_tag(g)));
            }
            out.push('\n');
        }
        std::fs::write(path, out)?;
    }
    // speed on the dev tokens
    let toks: Vec<Vec<&str>> = dev
        .iter()
        .map(|s| s.tokens.iter().map(|t| t.as_str()).collect())
        .collect();
    let n: usize = toks.iter().map(|t| t.len()).sum();
    let t1 = Instant::now();
    let mut reps = 0;
    while t1.elapsed().as_secs_f64() < 2.0 {
        for t in &toks {
            std::hint::black_box(model.tag(t));
        }
        reps += 1;
    }
    eprintln!(
        "tagging speed: {:.0} tokens/s (one thread, dev set x{reps})",
        (n * reps) as f64 / t1.elapsed().as_secs_f64()
    );
    let model = if all {
        eprintln!("training on all {} sentences", sentences.len());
        let (m, _) = rasd_ner::train_holdout(
            &sentences,
            &clusters,
            &opts,
            Some(penalty),
            true,
            &mut |m| eprintln!("{m}"),
        );
        m
    } else {
        model
    };
    if let Some(out) = out {
        let mut buf = Vec::new();
        model.save(&mut buf)?;
        std::fs::write(&out, &buf)?;
        eprintln!("wrote {out} ({} bytes)", buf.len());
    }
    println!("{}", scores.report());
    Ok(())
}
