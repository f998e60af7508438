//! Exports the training data of the neural tagger (`crates/ner/neural/`):
//!
//! - `neural_export conll FILE OUT.tsv`: the neural inputs of every token of
//!   a CoNLL file (`rasd_ner::neural`): `norm stem proclitics enclitic
//!   cat1..cat15 tag`, tab-separated, a blank line between sentences.
//! - `neural_export corpus DIR OUTDIR [MIN_COUNT]`: SaudiNewsNet (the zipped
//!   JSON arrays of DIR) as word and stem id streams for learning word
//!   vectors (`rasd_ner::neural::export_corpus`).
//!
//! The clusters are the shipped model's, so the features are those the
//! tagger computes at run time.

use std::io::Write;

use rasd_ner::{canonical_tag, default_model, neural, read_conll, read_corpus_dir};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let model = default_model()?;
    match args.first().map(String::as_str) {
        Some("conll") if args.len() == 3 => {
            let sents = read_conll(&std::fs::read_to_string(&args[1])?)?;
            let mut w = std::io::BufWriter::new(std::fs::File::create(&args[2])?);
            for s in &sents {
                let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
                for (t, tag) in neural::neural_tokens(&toks, model.clusters())
                    .iter()
                    .zip(&s.tags)
                {
                    let cats: Vec<String> = t.cats.iter().map(|c| c.to_string()).collect();
                    let field = |x: &str| {
                        if x.is_empty() {
                            "-".to_string()
                        } else {
                            x.to_string()
                        }
                    };
                    writeln!(
                        w,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        field(&t.norm),
                        field(&t.stem),
                        field(&t.proclitics),
                        field(t.enclitic),
                        cats.join("\t"),
                        canonical_tag(tag)
                    )?;
                }
                writeln!(w)?;
            }
            w.flush()?;
            eprintln!("{} sentences", sents.len());
        }
        Some("corpus") if args.len() == 3 || args.len() == 4 => {
            let min = args.get(3).map(|m| m.parse()).transpose()?.unwrap_or(3);
            let texts = read_corpus_dir(std::path::Path::new(&args[1]))?;
            let n = neural::export_corpus(&texts, min, std::path::Path::new(&args[2]))?;
            eprintln!("{} texts, {n} tokens", texts.len());
        }
        _ => {
            return Err(
                "usage: neural_export conll FILE OUT.tsv | corpus DIR OUTDIR [MIN_COUNT]".into(),
            )
        }
    }
    Ok(())
}
