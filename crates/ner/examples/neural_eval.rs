//! Scores a neural model (`crates/ner/neural/train.py`) on the dev split of
//! a CoNLL file (the last 10% of its sentences), alone and combined with a
//! perceptron model (emissions and transitions added, the neural scores
//! weighted by λ):
//! `neural_eval FILE NEURAL.bin [--perceptron MODEL.bin] [--all-sentences]
//! [--write OUT --from MODEL]` (`--write`: MODEL, the neural model trained on
//! every sentence, with the best weight in its header).
//! Use a perceptron trained on the first 90% (`train` without `--all`) for
//! an honest dev score.

use rasd_ner::neural::{neural_tokens, viterbi_end, NeuralModel};
use rasd_ner::{default_model, evaluate, evaluate_tags, read_conll, Model};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(nn_path)) = (args.first(), args.get(1)) else {
        return Err("usage: neural_eval FILE NEURAL.bin [--perceptron MODEL.bin]".into());
    };
    let whole = args.iter().any(|a| a == "--all-sentences");
    let perc_path = args
        .iter()
        .position(|a| a == "--perceptron")
        .and_then(|i| args.get(i + 1));
    let sents = read_conll(&std::fs::read_to_string(file)?)?;
    let dev = if whole {
        &sents[..]
    } else {
        &sents[sents.len() * 9 / 10..]
    };
    let nn = NeuralModel::load(&std::fs::read(nn_path)?)?;
    let loaded;
    let perc: &Model = match perc_path {
        Some(p) => {
            loaded = Model::load(std::io::BufReader::new(std::fs::File::open(p)?))?;
            &loaded
        }
        None => default_model()?,
    };
    let toks: Vec<Vec<&str>> = dev
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let t0 = std::time::Instant::now();
    let feats: Vec<_> = toks
        .iter()
        .map(|t| neural_tokens(t, perc.clusters()))
        .collect();
    let t_feats = t0.elapsed().as_secs_f64();
    let nn_em: Vec<Vec<f32>> = feats.iter().map(|f| nn.emissions(f)).collect();
    let n_tokens: usize = toks.iter().map(Vec::len).sum();
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "features {:.0} tokens/s, network {:.0} tokens/s",
        n_tokens as f64 / t_feats,
        n_tokens as f64 / (secs - t_feats)
    );
    let l = nn.labels().len();
    let (tr, st, en) = nn.crf();
    let alone: Vec<Vec<String>> = nn_em
        .iter()
        .map(|em| {
            viterbi_end(em, tr, st, en, l)
                .into_iter()
                .map(|y| nn.labels()[y].clone())
                .collect()
        })
        .collect();
    println!(
        "neural alone: F1 {:.4} (trainer said {:.4}); {} tokens in {:.2} s = {:.0} tokens/s",
        evaluate_tags(dev, &alone).f1(),
        nn.dev_f1(),
        n_tokens,
        secs,
        n_tokens as f64 / secs
    );
    println!(
        "perceptron alone (document): F1 {:.4}",
        evaluate(perc, dev).f1()
    );
    let refs: Vec<&[&str]> = toks.iter().map(Vec::as_slice).collect();
    // the combination as shipped (Model::set_neural), for each weight
    let combine = |w: f32| -> Result<rasd_ner::Model, rasd_ner::Error> {
        let mut n = nn.clone();
        n.set_weight(w);
        let mut m = perc.clone();
        m.set_neural(Some(n))?;
        Ok(m)
    };
    let mut best = (f64::MIN, 0f32);
    for lambda in [
        2.0f32, 4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0, 40.0, 48.0, 64.0, 96.0, 128.0,
    ] {
        let f = evaluate(&combine(lambda)?, dev).f1();
        println!("λ {lambda:>5}: F1 {f:.4}");
        if f > best.0 + 1e-9 {
            best = (f, lambda);
        }
    }
    println!("best λ {} (dev F1 {:.4})", best.1, best.0);
    // the speed of both on one thread
    let combined = combine(best.1)?;
    if args.iter().any(|a| a == "--speed") {
        let t = std::time::Instant::now();
        let mut n = 0usize;
        while t.elapsed().as_secs_f64() < 2.0 {
            for f in &feats {
                n += std::hint::black_box(nn.emissions(f)).len() / l;
            }
        }
        println!(
            "network alone (features given): {:.0} tokens/s",
            n as f64 / t.elapsed().as_secs_f64()
        );
        let only_combined = std::env::var_os("ONLY_COMBINED").is_some();
        for (name, m) in [("perceptron", perc), ("combined", &combined)] {
            if only_combined && name == "perceptron" {
                continue;
            }
            let mut rates = Vec::new();
            for _ in 0..3 {
                let t = std::time::Instant::now();
                let mut n = 0usize;
                while t.elapsed().as_secs_f64() < 2.0 {
                    for t in &refs {
                        n += std::hint::black_box(m.tag(t)).len();
                    }
                }
                rates.push(n as f64 / t.elapsed().as_secs_f64());
            }
            rates.sort_by(|a, b| a.total_cmp(b));
            println!(
                "tagging speed, {name}: {:.0} tokens/s (median of 3; {:.0}–{:.0}; each sentence tagged alone)",
                rates[1], rates[0], rates[2]
            );
        }
    }
    // --write OUT --from MODEL: MODEL's bytes with the chosen weight
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    if let (Some(out), Some(from)) = (opt("--write"), opt("--from")) {
        std::fs::write(
            out,
            NeuralModel::with_weight(&std::fs::read(from)?, best.1)?,
        )?;
        println!("wrote {out} (weight {})", best.1);
    }
    Ok(())
}
