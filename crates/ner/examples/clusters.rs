//! Builds the word clusters from the SaudiNewsNet zips.
//!
//! `cargo run --release -p rasd-ner --example clusters -- --corpus DIR --out models/clusters.tsv`
//! Options: `--levels 64,256,1024`, `--min-count 5`, `--max-vocab 80000`,
//! `--iterations 12`, `--seed 1`; `--stats-only` keeps the clusters of the
//! `--out` file and recomputes only its stem and context statistics.

use std::time::Instant;

use rasd_ner::{build_clusters, read_corpus_dir, ClusterOptions, Clusters};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut corpus = None;
    let mut out = String::from("models/clusters.tsv");
    let mut opts = ClusterOptions::default();
    let mut stats_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--corpus" => corpus = Some(val()?),
            "--out" => out = val()?,
            "--levels" => {
                opts.levels = val()?
                    .split(',')
                    .map(|s| s.parse())
                    .collect::<Result<_, _>>()?
            }
            "--min-count" => opts.min_count = val()?.parse()?,
            "--max-vocab" => opts.max_vocab = val()?.parse()?,
            "--iterations" => opts.iterations = val()?.parse()?,
            "--seed" => opts.seed = val()?.parse()?,
            "--stats-only" => stats_only = true,
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let corpus = corpus.ok_or("--corpus DIR is required")?;
    let t0 = Instant::now();
    let texts = read_corpus_dir(std::path::Path::new(&corpus))?;
    eprintln!(
        "{} articles read in {:.1}s",
        texts.len(),
        t0.elapsed().as_secs_f64()
    );
    let clusters = if stats_only {
        // keep the clusters of `--out`, recompute its corpus statistics
        let mut c = Clusters::load(std::fs::File::open(&out)?)?;
        c.recompute_stats(&texts);
        c
    } else {
        build_clusters(&texts, &opts, &|s| eprintln!("{s}"))
    };
    let f = std::io::BufWriter::new(std::fs::File::create(&out)?);
    clusters.save(f)?;
    eprintln!(
        "{} words written to {out}; total {:.1}s",
        clusters.len(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
