//! `rasd`: the command-line interface. A thin layer over the library crates.

mod annotate;
mod events;
mod events_eval;
mod feeds;
mod ner;
mod progress;
mod show;
mod stories;
mod watch;
mod work;

// jemalloc, with a background thread that gives freed pages back to the
// system a second after a stage has let go of them: glibc's malloc kept the
// peak of every stage resident (fragmented per-thread arenas). Measured by
// bench/memory.sh: lower peaks and no slower (README "Memory").
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use rasd_pipeline::{IngestOptions, Summary};
use rasd_store::{ArticleQuery, Store};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "rasd", version, about = "rasd (رصد): offline, Arabic-native news intelligence", long_about = None)]
struct Cli {
    /// The SQLite database to use (created if missing).
    #[arg(long, global = true, env = "RASD_DB", default_value = "rasd.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest raw news: text scrapes, HTML, JSON, JSON Lines, zip archives; files, directories (recursively) or - for stdin.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Largest input accepted, in MiB (a file or an archive member).
        #[arg(long, default_value_t = 50.0)]
        max_file_size: f64,
        /// Longest body of one article, in KiB: a longer one is split into parts at paragraph, line or sentence ends, with a warning (at least 1).
        #[arg(long, default_value_t = 64.0)]
        max_article_size: f64,
        /// Map a JSON field to an article attribute, e.g. `--field body=content_ar` (title, body, published, crawled, url, source, author).
        #[arg(long = "field", value_name = "ATTR=FIELD")]
        fields: Vec<String>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
        /// How bare weekdays, months and holidays resolve in time annotations.
        #[arg(long, value_enum, default_value_t = PreferArg::Past)]
        prefer: PreferArg,
        /// Store and time-annotate only; find entities later with `rasd process`.
        #[arg(long)]
        no_entities: bool,
    },
    /// Annotate texts: sentences, tokens and time expressions resolved against the publication date. Reads JSON Lines `{"id", "text", "published"?}` on stdin, or one `--text`; writes JSON Lines.
    Annotate {
        /// Annotate this text instead of reading stdin.
        #[arg(long)]
        text: Option<String>,
        /// Publication date of `--text` (ISO date or datetime).
        #[arg(long)]
        published: Option<String>,
        /// Bare weekdays, months and holidays resolve to the past (news) or the future.
        #[arg(long, value_enum, default_value_t = PreferArg::Past)]
        prefer: PreferArg,
        /// Which layers to output, comma-separated.
        #[arg(long, default_value = "sentences,tokens,timexes,entities,events")]
        layers: String,
    },
    /// (Re)annotate stored articles whose annotations are missing or older than this rasd's.
    Process {
        /// Annotate every article again.
        #[arg(long)]
        force: bool,
        #[arg(long, value_enum, default_value_t = PreferArg::Past)]
        prefer: PreferArg,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the knowledge base, events and stories from every stored article (the periodic global pass; ingest only updates them). Entity, event and story ids are numbered anew.
    Rebuild {
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the time expressions of stored articles.
    Timexes {
        /// Only this article.
        #[arg(long)]
        article: Option<i64>,
        /// JSON Lines.
        #[arg(long)]
        json: bool,
    },
    /// List the knowledge base: persons, organizations, places and other entities, with variants, codes and coordinates.
    Entities {
        /// JSON Lines, one entity per line.
        #[arg(long)]
        json: bool,
        /// Only this type: PER, ORG, LOC or MISC.
        #[arg(long = "type")]
        etype: Option<String>,
        /// Most mentioned first, at most this many.
        #[arg(long)]
        top: Option<usize>,
    },
    /// Show one entity with its mentions in context.
    Entity {
        id: i64,
        #[arg(long)]
        json: bool,
        /// At most this many mentions.
        #[arg(long, default_value_t = 20)]
        mentions: u64,
    },
    /// List near-duplicate groups: the same report published more than once, with every publisher and the similarity of each copy.
    Duplicates {
        /// JSON Lines, one group per line.
        #[arg(long)]
        json: bool,
        /// Only groups of at least this many articles.
        #[arg(long, default_value_t = 2)]
        min_size: usize,
    },
    /// List stories: articles grouped by the news event they follow, largest first.
    Stories {
        /// JSON Lines, one story per line.
        #[arg(long)]
        json: bool,
        /// Only stories of at least this many articles.
        #[arg(long, default_value_t = 1)]
        min_size: usize,
        /// At most this many stories.
        #[arg(long)]
        top: Option<usize>,
        /// Recluster all articles first (as ingest does after adding articles).
        #[arg(long)]
        rebuild: bool,
    },
    /// Show one story: its actors and its timeline of articles.
    Story {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// The articles nearest to one article (not its duplicates or its own appendages).
    Related {
        id: i64,
        #[arg(long)]
        json: bool,
        /// How many.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// List political events (PLOVER): who did what to whom, where and when, merged across the articles that report them.
    #[command(args_conflicts_with_subcommands = true)]
    Events {
        /// JSON Lines, one event per line.
        #[arg(long)]
        json: bool,
        /// CSV with a header (columns in the README).
        #[arg(long, conflicts_with_all = ["json", "tsv"])]
        csv: bool,
        /// GDELT-like tab-separated values with a header (the same columns).
        #[arg(long, conflicts_with = "json")]
        tsv: bool,
        #[command(flatten)]
        filter: events::Filter,
        #[command(subcommand)]
        cmd: Option<events_eval::EventsCmd>,
    },
    /// Train, evaluate and inspect the NER model.
    Ner {
        #[command(subcommand)]
        cmd: NerCmd,
    },
    /// List articles.
    Articles {
        /// JSON Lines, one article per line.
        #[arg(long)]
        json: bool,
        /// Only pages, no appended items.
        #[arg(long)]
        pages: bool,
        /// Only articles with this source label.
        #[arg(long)]
        source: Option<String>,
        /// At most this many.
        #[arg(long)]
        limit: Option<u64>,
        /// Only articles with an id greater than this.
        #[arg(long)]
        after: Option<i64>,
        /// Include the typed regions of the source text (with --json).
        #[arg(long)]
        regions: bool,
    },
    /// Show one article.
    Show {
        id: i64,
        /// The article as JSON, regions included.
        #[arg(long)]
        json: bool,
        /// Also print the original input text with every recognised region marked.
        #[arg(long)]
        source: bool,
    },
    /// Counts over the store.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Live RSS/Atom feed sources: add, list, remove, poll.
    Feeds {
        #[command(subcommand)]
        cmd: feeds::FeedsCmd,
    },
    /// Rejected records and input errors recorded in the store.
    Problems {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 1000)]
        limit: u64,
    },
    /// Serve the HTTP API (/api/v1) and the web UI until Ctrl-C.
    Serve {
        /// Address to listen on; a non-loopback address needs a token.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Bearer token for writes (POST /api/v1/ingest); without one the server takes no writes.
        #[arg(long, env = "RASD_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Largest request body accepted, in MiB.
        #[arg(long, default_value_t = 10.0)]
        max_body: f64,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Also watch this folder: files dropped into it are ingested (as by `rasd watch`).
        #[arg(long, value_name = "DIR")]
        watch: Option<PathBuf>,
        /// Seconds between scans of the watched folder.
        #[arg(long, default_value_t = 2.0, requires = "watch")]
        watch_interval: f64,
    },
    /// Add inputs (files, directories, zip archives, as `ingest` reads them) to the store's work queue, bytes included, for `rasd worker` processes on any machine to ingest.
    Enqueue {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Skip files larger than this many MiB.
        #[arg(long, default_value_t = 50.0)]
        max_file_size: f64,
        #[arg(long)]
        json: bool,
    },
    /// Take inputs from the work queue and ingest them, with any number of other workers on the same store (PostgreSQL for several machines); Ctrl-C or SIGTERM stops it after the current batch.
    Worker {
        /// Name recorded with its claims (default host:pid).
        #[arg(long)]
        name: Option<String>,
        /// Inputs claimed at a time.
        #[arg(long, default_value_t = 1)]
        batch: usize,
        /// Seconds a claim holds its inputs: a worker that dies releases them when this runs out.
        #[arg(long, default_value_t = 600)]
        lease: u64,
        /// Failed attempts (or deaths of its worker) before an input is quarantined.
        #[arg(long, default_value_t = 3)]
        max_attempts: u32,
        /// Seconds before a failed input is tried again (doubled per attempt).
        #[arg(long, default_value_t = 30)]
        retry: u64,
        /// Exit when the queue has nothing pending or running.
        #[arg(long)]
        until_empty: bool,
        /// Seconds between looks at an empty queue.
        #[arg(long, default_value_t = 2.0)]
        poll: f64,
        /// Run the stages that read across articles after every N inputs of the queue (and when it runs dry).
        #[arg(long, default_value_t = 64)]
        derive_every: u32,
        #[arg(long)]
        json: bool,
    },
    /// How many inputs of the work queue are pending, running, done and quarantined.
    Queue {
        #[arg(long)]
        json: bool,
    },
    /// Watch a folder: files dropped into it (recursively; hidden and partial files skipped) are ingested once they are stable; one line per round until Ctrl-C.
    Watch {
        dir: PathBuf,
        /// Seconds between scans.
        #[arg(long, default_value_t = 2.0)]
        interval: f64,
        /// One scan-and-ingest round, then exit.
        #[arg(long)]
        once: bool,
        /// One JSON object per round.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum NerCmd {
    /// Train on a CoNLL BIO file (the last 10% is held out as the dev split and scored).
    Train {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value = "models/ner.bin")]
        out: PathBuf,
        /// Word clusters learned from unlabelled text (`rasd ner clusters`).
        #[arg(long, default_value = "models/clusters.tsv")]
        clusters: PathBuf,
        #[arg(long)]
        epochs: Option<usize>,
        #[arg(long)]
        seed: Option<u64>,
        /// After scoring on the dev split, train the written model on all sentences.
        #[arg(long)]
        all: bool,
    },
    /// Score a model on a CoNLL BIO file: per-type and micro precision/recall/F1; the last line is `F1: 0.xxxx`.
    Eval {
        file: PathBuf,
        /// A perceptron model file instead of the built-in one (then no neural
        /// tagger unless `--neural` names one).
        #[arg(long)]
        model: Option<PathBuf>,
        /// A neural model file (`crates/ner/neural/train.py`) to combine with
        /// the perceptron, instead of the built-in one.
        #[arg(long)]
        neural: Option<PathBuf>,
        /// The perceptron alone, without the neural tagger.
        #[arg(long, conflicts_with = "neural")]
        no_neural: bool,
        /// Score only the last 10% of the file's sentences: the dev split that
        /// `rasd ner train` holds out.
        #[arg(long)]
        dev_split: bool,
    },
    /// Learn word clusters from a directory of corpus files (zipped JSON arrays with a `content` field, or text).
    Clusters {
        #[arg(long)]
        corpus: PathBuf,
        #[arg(long, default_value = "models/clusters.tsv")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PreferArg {
    Past,
    Future,
}

impl From<PreferArg> for rasd_time::Prefer {
    fn from(p: PreferArg) -> Self {
        match p {
            PreferArg::Past => rasd_time::Prefer::Past,
            PreferArg::Future => rasd_time::Prefer::Future,
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`rasd articles | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("rasd: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The store `--db` names: a PostgreSQL URL (`postgres://…`) or a SQLite
/// file.
fn open(db: &std::path::Path) -> Result<Box<dyn Store + Send>> {
    let name = db.to_string_lossy();
    rasd_store::open(&name).with_context(|| format!("cannot open database {name}"))
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Ingest {
            paths,
            max_file_size,
            max_article_size,
            fields,
            json,
            prefer,
            no_entities,
        } => {
            let mut opts = IngestOptions {
                max_file_size: (max_file_size * 1024.0 * 1024.0) as u64,
                prefer: prefer.into(),
                entities: !no_entities,
                ..Default::default()
            };
            for f in &fields {
                opts.parse.fields.set(f).map_err(anyhow::Error::msg)?;
            }
            opts.parse.max_article_bytes = (max_article_size.max(1.0) * 1024.0) as usize;
            let mut store = open(&cli.db)?;
            let bar = progress::Bar::new();
            let sum = rasd_pipeline::ingest(&mut *store, &paths, &opts, &bar)?;
            if json {
                println!("{}", serde_json::to_string(&sum)?);
            } else {
                print_summary(&sum);
            }
            Ok(if sum.all_failed() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Annotate {
            text,
            published,
            prefer,
            layers,
        } => {
            let layers = annotate::parse_layers(&layers)?;
            let bad = annotate::run(text, published, prefer.into(), layers)?;
            Ok(if bad > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Process {
            force,
            prefer,
            json,
        } => {
            let mut store = open(&cli.db)?;
            let bar = progress::Bar::counting("articles");
            let sum = rasd_pipeline::process(&mut *store, prefer.into(), force, &bar)?;
            if json {
                println!("{}", serde_json::to_string(&sum)?);
            } else {
                println!(
                    "time expressions: {} articles annotated, {} expressions",
                    sum.articles, sum.timexes
                );
                println!(
                    "entities: {} articles annotated, {} mentions",
                    sum.entity_articles, sum.mentions
                );
                if let Some(kb) = &sum.knowledge_base {
                    println!(
                        "knowledge base: {} entities ({} persons, {} organizations, {} places, {} of them linked to the gazetteer)",
                        kb.entities, kb.persons, kb.organizations, kb.places, kb.places_linked
                    );
                }
                println!("in {:.1} s", sum.seconds);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rebuild { json } => {
            let mut store = open(&cli.db)?;
            let sum = rasd_pipeline::rebuild(&mut *store)?;
            if json {
                println!("{}", serde_json::to_string(&sum)?);
            } else {
                if let Some(kb) = &sum.knowledge_base {
                    println!(
                        "knowledge base: {} entities ({} persons, {} organizations, {} places) in {:.1} s",
                        kb.entities, kb.persons, kb.organizations, kb.places, kb.seconds
                    );
                }
                if let Some(ev) = &sum.events {
                    println!(
                        "events: {} mentions, {} events in {:.1} s",
                        ev.mentions, ev.events, ev.seconds
                    );
                }
                println!(
                    "stories: {} articles, {} stories in {:.1} s",
                    sum.stories.articles, sum.stories.stories, sum.stories.seconds
                );
                println!("in {:.1} s", sum.seconds);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Timexes { article, json } => {
            let store = open(&cli.db)?;
            let mut out = BufWriter::new(std::io::stdout().lock());
            let ids: Vec<i64> = match article {
                Some(id) => vec![id],
                None => {
                    let mut v = Vec::new();
                    store.articles(&ArticleQuery::default(), &mut |a| {
                        v.push(a.id);
                        true
                    })?;
                    v
                }
            };
            for id in ids {
                for t in store.timexes(id)? {
                    if json {
                        let mut v = serde_json::to_value(&t)?;
                        v["article"] = id.into();
                        serde_json::to_writer(&mut out, &v)?;
                        writeln!(out)?;
                    } else {
                        writeln!(
                            out,
                            "{id:>6}  {:<8} {:<28} {:<9} {}",
                            t.field.as_str(),
                            t.value.as_deref().unwrap_or("?"),
                            t.kind.as_str(),
                            t.text
                        )?;
                    }
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ner { cmd } => {
            match cmd {
                NerCmd::Train {
                    data,
                    out,
                    clusters,
                    epochs,
                    seed,
                    all,
                } => ner::train(&data, &clusters, &out, epochs, seed, all)?,
                NerCmd::Eval {
                    file,
                    model,
                    neural,
                    no_neural,
                    dev_split,
                } => ner::eval(&file, model, neural, no_neural, dev_split)?,
                NerCmd::Clusters { corpus, out } => ner::clusters(&corpus, &out)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Entities { json, etype, top } => {
            let store = open(&cli.db)?;
            let mut all = Vec::new();
            store.entities(&mut |e| {
                if etype
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case(&e.etype))
                {
                    all.push(e);
                }
                true
            })?;
            if let Some(n) = top {
                all.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
                all.truncate(n);
            }
            let mut out = BufWriter::new(std::io::stdout().lock());
            for e in &all {
                if json {
                    serde_json::to_writer(&mut out, &show::entity_json(e))?;
                    writeln!(out)?;
                } else {
                    show::entity_line(&mut out, e)?;
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Events {
            json,
            csv,
            tsv,
            filter,
            cmd,
        } => {
            if let Some(cmd) = cmd {
                return events_eval::run(cmd);
            }
            let format = if json {
                events::Format::Json
            } else if csv {
                events::Format::Csv
            } else if tsv {
                events::Format::Tsv
            } else {
                events::Format::Text
            };
            events::run(&*open(&cli.db)?, format, &filter)
        }
        Command::Duplicates { json, min_size } => {
            stories::duplicates(&*open(&cli.db)?, json, min_size)
        }
        Command::Stories {
            json,
            min_size,
            top,
            rebuild,
        } => {
            let mut store = open(&cli.db)?;
            if rebuild {
                let sum = rasd_pipeline::stories::rebuild_stories(&mut *store)?;
                eprintln!(
                    "{} articles in {} stories ({} of two articles or more), {:.1} s",
                    sum.articles, sum.stories, sum.multi_article_stories, sum.seconds
                );
            }
            stories::list(&*store, json, min_size, top)
        }
        Command::Story { id, json } => stories::story(&*open(&cli.db)?, &cli.db, id, json),
        Command::Related { id, json, top } => {
            stories::related(&*open(&cli.db)?, &cli.db, id, json, top)
        }
        Command::Entity { id, json, mentions } => {
            let store = open(&cli.db)?;
            let Some(e) = store.entity(id)? else {
                eprintln!("rasd: no entity with id {id} in {}", cli.db.display());
                return Ok(ExitCode::from(1));
            };
            let ms = store.entity_mentions(id, mentions)?;
            let mut out = BufWriter::new(std::io::stdout().lock());
            if json {
                let mut v = show::entity_json(&e);
                v["mention_spans"] = serde_json::to_value(&ms)?;
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
            } else {
                show::entity(&mut out, &*store, &e, &ms)?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Articles {
            json,
            pages,
            source,
            limit,
            after,
            regions,
        } => {
            let store = open(&cli.db)?;
            let q = ArticleQuery {
                pages_only: pages,
                source_label: source,
                after_id: after,
                limit,
            };
            let mut out = BufWriter::new(std::io::stdout().lock());
            let mut err = None;
            store.articles(&q, &mut |a| {
                let r = if json {
                    serde_json::to_writer(&mut out, &a.to_json(regions))
                        .map_err(std::io::Error::from)
                        .and_then(|_| writeln!(out))
                } else {
                    show::article_line(&mut out, &a)
                };
                match r {
                    Ok(()) => true,
                    Err(e) => {
                        err = Some(e);
                        false
                    }
                }
            })?;
            if let Some(e) = err {
                return Err(e.into());
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, json, source } => {
            let store = open(&cli.db)?;
            let Some(a) = store.article(id)? else {
                eprintln!("rasd: no article with id {id} in {}", cli.db.display());
                return Ok(ExitCode::from(1));
            };
            let mut out = BufWriter::new(std::io::stdout().lock());
            if json {
                let mut v = a.to_json(true);
                v["timexes"] = serde_json::to_value(store.timexes(a.id)?)?;
                // Sentences and tokens of the body: cheap and deterministic,
                // computed here rather than stored.
                let body = &a.article.body;
                v["sentences"] = rasd_text::sentences(body)
                    .into_iter()
                    .map(|(s, e)| serde_json::json!({"start": s, "end": e}))
                    .collect();
                v["tokens"] = rasd_text::tokenize(body).into_iter().map(|t| serde_json::json!({"start": t.start, "end": t.end, "kind": annotate::token_kind(t.kind)})).collect();
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
            } else {
                show::article(&mut out, &*store, &a, source)?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { json } => {
            let store = open(&cli.db)?;
            let s = store.stats()?;
            if json {
                println!("{}", serde_json::to_string(&s)?);
            } else {
                show::stats(&mut std::io::stdout().lock(), &s, &cli.db)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            addr,
            token,
            max_body,
            threads,
            watch,
            watch_interval,
        } => {
            let config = rasd_server::Config {
                db: cli.db.clone(),
                addr,
                token,
                max_body: (max_body.max(0.0) * 1024.0 * 1024.0) as usize,
            };
            config.check().map_err(anyhow::Error::msg)?;
            if let Some(d) = watch.as_deref().filter(|d| !d.is_dir()) {
                anyhow::bail!("{} is not a folder", d.display());
            }
            let mut rt = tokio::runtime::Builder::new_multi_thread();
            if let Some(n) = threads {
                rt.worker_threads(n.max(1));
            }
            rt.enable_all()
                .build()?
                .block_on(rasd_server::serve_watching(
                    config,
                    watch.map(|dir| rasd_server::watch::WatchFolder {
                        dir,
                        interval: std::time::Duration::from_secs_f64(watch_interval.max(0.1)),
                    }),
                ))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch {
            dir,
            interval,
            once,
            json,
        } => watch::run(&cli.db, dir, interval, once, json),
        Command::Enqueue {
            paths,
            max_file_size,
            json,
        } => work::enqueue(&mut *open(&cli.db)?, &paths, max_file_size, json),
        Command::Worker {
            name,
            batch,
            lease,
            max_attempts,
            retry,
            until_empty,
            poll,
            derive_every,
            json,
        } => work::worker(
            &cli.db,
            work::WorkerArgs {
                name,
                batch,
                lease,
                max_attempts,
                retry,
                until_empty,
                poll,
                derive_every,
                json,
            },
        ),
        Command::Queue { json } => work::queue(&*open(&cli.db)?, json),
        Command::Feeds { cmd } => feeds::run(&mut *open(&cli.db)?, cmd),
        Command::Problems { json, limit } => {
            let store = open(&cli.db)?;
            let mut out = BufWriter::new(std::io::stdout().lock());
            for p in store.problems(limit)? {
                if json {
                    serde_json::to_writer(&mut out, &p)?;
                    writeln!(out)?;
                } else {
                    match p.record {
                        Some(r) => writeln!(out, "{}: record {r}: {}", p.path, p.reason)?,
                        None => writeln!(out, "{}: {}", p.path, p.reason)?,
                    }
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_summary(s: &Summary) {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(
        o,
        "inputs: {} ({} new, {} unchanged, {} failed), {:.1} MB in {:.1} s",
        s.inputs,
        s.inputs_new,
        s.inputs_unchanged,
        s.inputs_failed,
        s.bytes as f64 / 1e6,
        s.seconds
    );
    let _ = writeln!(
        o,
        "records: {} = {} new + {} already stored + {} rejected",
        s.records, s.records_new, s.records_already_stored, s.records_rejected
    );
    let _ = writeln!(
        o,
        "articles: {} new ({} pages, {} appended items split off, {} parts of over-long articles), {} exact duplicates marked, {} duplicates skipped",
        s.articles_new,
        s.articles_new - s.appended_split - s.article_parts,
        s.appended_split,
        s.article_parts,
        s.exact_duplicates,
        s.duplicates_skipped
    );
    let _ = writeln!(o, "errors: {}", s.errors.len());
    if !s.warnings.is_empty() {
        let _ = writeln!(o, "warnings: {}", s.warnings.len());
    }
    // Each error and warning on stderr, where a script's error handling
    // looks; the store keeps them for `rasd problems`.
    let mut err = std::io::stderr().lock();
    for e in &s.errors {
        let _ = writeln!(err, "error: {}: {}", e.path, e.reason);
    }
    for w in &s.warnings {
        let _ = writeln!(err, "warning: {}: {}", w.path, w.reason);
    }
    if s.records_rejected > 0 || !s.errors.is_empty() || !s.warnings.is_empty() {
        let _ = writeln!(
            o,
            "(rejected records, failed inputs and warnings are listed by `rasd problems`)"
        );
    }
}
