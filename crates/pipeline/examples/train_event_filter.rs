//! Trains the event mention filter (`rasd_event::filter`) on hand-labelled
//! mentions of a store and writes the model file.
//!
//! The labels (`crates/event/data/filter-labels.tsv`) name an article by URL
//! and a mention by field and trigger offset; the store must hold those
//! articles with their entities (a full `rasd ingest` of SaudiNewsNet).
//! Prints the cross-validated precision and recall (folds by article), then
//! trains on every label.
//!
//! Usage: train_event_filter DB LABELS [--out FILE] [--folds K] [--threshold T]
//!        [--l2 X] [--rate X] [--epochs N]

use std::collections::HashMap;
use std::path::Path;

use rasd_doc::Field;
use rasd_event::filter::{train, DocView, TrainOptions};
use rasd_pipeline::events::{article_candidates, filter_features};
use rasd_store::{ArticleQuery, SqliteStore, Store};

struct Opts {
    db: String,
    labels: String,
    out: Option<String>,
    folds: usize,
    train: TrainOptions,
}

fn num(v: &str, name: &str) -> Result<f32, String> {
    v.parse().map_err(|e| format!("{name}: {e}"))
}

fn parse_args() -> Result<Opts, String> {
    let mut args = std::env::args().skip(1);
    let mut pos = Vec::new();
    let (mut out, mut folds) = (None, 5);
    let mut train = TrainOptions::default();
    while let Some(a) = args.next() {
        let mut val = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--out" => out = Some(val("--out")?),
            "--folds" => {
                folds = val("--folds")?
                    .parse()
                    .map_err(|e| format!("--folds: {e}"))?
            }
            "--threshold" => train.threshold = num(&val(&a)?, &a)?,
            "--l2" => train.l2 = num(&val(&a)?, &a)?,
            "--rate" => train.rate = num(&val(&a)?, &a)?,
            "--epochs" => train.epochs = num(&val(&a)?, &a)? as usize,
            _ => pos.push(a),
        }
    }
    let [db, labels] = <[String; 2]>::try_from(pos).map_err(|_| {
        "usage: train_event_filter DB LABELS [--out FILE] [--folds K] [--threshold T]"
    })?;
    Ok(Opts {
        db,
        labels,
        out,
        folds: folds.max(2),
        train,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    };
    // (url, field, trigger start) → label
    let mut labels: HashMap<(String, String, usize), bool> = HashMap::new();
    for (n, line) in std::fs::read_to_string(&o.labels)?.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        let (Some(url), Some(field), Some(start), Some(label)) =
            (c.first(), c.get(1), c.get(2), c.get(4))
        else {
            return Err(format!("{}:{}: expected 5 columns", o.labels, n + 1).into());
        };
        let start: usize = start
            .parse()
            .map_err(|e| format!("{}:{}: offset: {e}", o.labels, n + 1))?;
        labels.insert((url.to_string(), field.to_string(), start), *label == "1");
    }
    let urls: std::collections::HashSet<&str> = labels.keys().map(|k| k.0.as_str()).collect();
    let store = SqliteStore::open(Path::new(&o.db))?;
    let mut kb = HashMap::new();
    store.entities(&mut |e| {
        kb.insert(e.id, e);
        true
    })?;
    // (article number, label, features), one per labelled mention found.
    let mut data: Vec<(usize, bool, Vec<u64>)> = Vec::new();
    let mut articles = 0;
    let mut seen = std::collections::HashSet::new();
    let mut all = Vec::new();
    store.articles(&ArticleQuery::default(), &mut |s| {
        if s.article.url.as_deref().is_some_and(|u| urls.contains(u)) {
            all.push((s.id, s.article));
        }
        true
    })?;
    for (id, a) in all {
        let url = a.url.clone().unwrap_or_default();
        let entities = store.article_entities(id)?;
        let timexes = store.timexes(id)?;
        let country_of = |i: usize| {
            let k = kb.get(&entities.get(i)?.kb_id?)?;
            let c = k.country.as_deref()?;
            Some(rasd_geo::iso2(c).unwrap_or(c).to_string())
        };
        let doc = DocView::new(a.title.as_deref(), &a.body);
        let mut found = false;
        for ev in article_candidates(&a, &entities, &timexes, &country_of) {
            let field = match ev.field {
                Field::Title => "title",
                Field::Summary => "summary",
                Field::Caption => "caption",
                Field::Body => "body",
            };
            let key = (url.clone(), field.to_string(), ev.trigger.0);
            if let Some(&y) = labels.get(&key) {
                if seen.insert(key) {
                    data.push((articles, y, filter_features(&a, &entities, &ev, &doc)));
                    found = true;
                }
            }
        }
        articles += found as usize;
    }
    let pos = data.iter().filter(|d| d.1).count();
    println!(
        "labelled mentions found: {} of {} ({} positive), in {} articles",
        data.len(),
        labels.len(),
        pos,
        articles
    );
    // Cross-validation, folds by article.
    let opts = o.train;
    let mut probs = vec![0f32; data.len()];
    for k in 0..o.folds {
        let train_set: Vec<(bool, Vec<u64>)> = data
            .iter()
            .filter(|d| d.0 % o.folds != k)
            .map(|d| (d.1, d.2.clone()))
            .collect();
        let m = train(&train_set, opts);
        for (i, d) in data.iter().enumerate() {
            if d.0 % o.folds == k {
                probs[i] = m.prob(&d.2);
            }
        }
    }
    println!(
        "{}-fold cross-validation (by article); without the filter precision is {:.3}",
        o.folds,
        pos as f64 / data.len().max(1) as f64
    );
    println!("threshold  kept  precision  recall  F1");
    for t in [0.2f32, 0.3, 0.4, 0.5, 0.6, 0.7] {
        let kept: Vec<bool> = data
            .iter()
            .zip(&probs)
            .filter(|(_, &p)| p >= t)
            .map(|(d, _)| d.1)
            .collect();
        let tp = kept.iter().filter(|&&y| y).count() as f64;
        let p = tp / kept.len().max(1) as f64;
        let r = tp / pos.max(1) as f64;
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        println!("{t:>9.2}  {:>4}  {p:>9.3}  {r:>6.3}  {f:.3}", kept.len());
    }
    if let Some(out) = o.out {
        let all: Vec<(bool, Vec<u64>)> = data.into_iter().map(|d| (d.1, d.2)).collect();
        let m = train(&all, opts);
        std::fs::write(&out, m.to_bytes())?;
        println!(
            "wrote {out}: {} weights, threshold {}",
            m.len(),
            m.threshold()
        );
    }
    Ok(())
}
