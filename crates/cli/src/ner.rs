//! `rasd ner`: train and evaluate the NER model, rebuild the word clusters.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Trains with the shipped procedure (`rasd_ner::train_holdout`): the last
/// 10% of the sentences is the dev split, scored after every epoch and used to
/// choose the `O` penalty; prints the dev report; writes the model, trained on
/// every sentence with `all`.
pub fn train(
    data: &Path,
    clusters: &Path,
    out: &Path,
    epochs: Option<usize>,
    seed: Option<u64>,
    all: bool,
) -> Result<()> {
    let text =
        std::fs::read_to_string(data).with_context(|| format!("reading {}", data.display()))?;
    let sentences = rasd_ner::read_conll(&text).with_context(|| format!("{}", data.display()))?;
    let clusters = rasd_ner::Clusters::load(
        std::fs::File::open(clusters).with_context(|| format!("opening {}", clusters.display()))?,
    )
    .with_context(|| format!("{}", clusters.display()))?;
    let mut opts = rasd_ner::TrainOptions::default();
    if let Some(e) = epochs {
        opts.epochs = e;
    }
    if let Some(s) = seed {
        opts.seed = s;
    }
    let (model, report) =
        rasd_ner::train_holdout(&sentences, &clusters, &opts, None, all, &mut |m| {
            eprintln!("{m}")
        });
    println!("{}", report.dev.report());
    let f = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    model
        .save(std::io::BufWriter::new(f))
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "wrote {} ({} features)",
        out.display(),
        model.num_features()
    );
    Ok(())
}

/// Scores a model (the built-in one by default: the perceptron combined
/// with the neural tagger) on a CoNLL BIO file.
pub fn eval(
    file: &Path,
    model: Option<PathBuf>,
    neural: Option<PathBuf>,
    no_neural: bool,
    dev_split: bool,
) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut gold = rasd_ner::read_conll(&text).with_context(|| format!("{}", file.display()))?;
    if dev_split {
        // the split of rasd_ner::train_holdout
        gold.drain(..gold.len() * 9 / 10);
    }
    let mut m = match model {
        Some(p) => rasd_ner::Model::load(
            std::fs::File::open(&p).with_context(|| format!("opening {}", p.display()))?,
        )
        .with_context(|| format!("{}", p.display()))?,
        None => rasd_ner::default_model()
            .context("the built-in NER model")?
            .clone(),
    };
    if no_neural {
        m.set_neural(None)?;
    }
    if let Some(p) = neural {
        let bytes = std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
        let nn = rasd_ner::neural::NeuralModel::load(&bytes)
            .with_context(|| format!("{}", p.display()))?;
        m.set_neural(Some(nn))
            .with_context(|| format!("{}", p.display()))?;
    }
    println!("{}", rasd_ner::evaluate(&m, &gold).report());
    Ok(())
}

/// Rebuilds the word clusters from a directory of corpus files.
pub fn clusters(corpus: &Path, out: &Path) -> Result<()> {
    let texts = rasd_ner::read_corpus_dir(corpus)
        .with_context(|| format!("reading {}", corpus.display()))?;
    let c = rasd_ner::build_clusters(&texts, &rasd_ner::ClusterOptions::default(), &|m| {
        eprintln!("{m}")
    });
    let f = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    c.save(std::io::BufWriter::new(f))
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {} ({} words)", out.display(), c.len());
    Ok(())
}
