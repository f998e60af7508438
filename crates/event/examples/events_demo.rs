//! Codes the events of a text read on stdin and prints them as JSON lines.
//!
//! Entities come from the workspace NER (`rasd-ner`, PER → Person, ORG →
//! Org, LOC → Place, MISC → Other); times from a trivial finder (weekday
//! names, `أمس`, `اليوم`, `غدا`, `مساء`). Sentences from
//! `rasd_text::sentences`.
//!
//! ```sh
//! cargo run --release -p rasd-event --example events_demo < article.txt
//! ```
//!
//! With `--bench` the text is coded 20 times with the entity finder off
//! (trigger and argument work only) and the throughput is printed.

use std::io::Read;
use std::time::Instant;

use rasd_event::{extract, ActorRef, Arg, ArgKind, EventMention, SentenceInput, TimeArg};
use rasd_text::{sentences, tokenize, TokenKind};
use serde_json::json;

const TIME_WORDS: &[&str] = &[
    "أمس",
    "اليوم",
    "غدا",
    "غداً",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "الأحد",
    "مساء",
    "صباح",
];

fn entities(text: &str, s0: usize, s1: usize, next_id: &mut usize, out: &mut Vec<Arg>) {
    let Ok(model) = rasd_ner::default_model() else {
        return;
    };
    let toks: Vec<_> = tokenize(&text[s0..s1]);
    if toks.is_empty() {
        return;
    }
    let words: Vec<&str> = toks.iter().map(|t| t.text(&text[s0..s1])).collect();
    let tags = model.tag(&words);
    for (a, b, ty) in rasd_ner::entities(&words, &tags) {
        let kind = match ty.as_str() {
            "PER" => ArgKind::Person,
            "ORG" => ArgKind::Org,
            "LOC" => ArgKind::Place,
            _ => ArgKind::Other,
        };
        out.push(Arg {
            start: s0 + toks[a].start,
            end: s0 + toks[b - 1].end,
            kind,
            entity: *next_id,
        });
        *next_id += 1;
    }
}

fn times(text: &str, s0: usize, s1: usize, out: &mut Vec<TimeArg>) {
    for t in tokenize(&text[s0..s1]) {
        if t.kind != TokenKind::Word {
            continue;
        }
        let w = t.text(&text[s0..s1]);
        let w = w.strip_prefix('و').filter(|r| r.len() > 4).unwrap_or(w);
        if TIME_WORDS.contains(&w) {
            out.push(TimeArg {
                start: s0 + t.start,
                end: s0 + t.end,
                value: String::new(),
                grain: "relative".into(),
            });
        }
    }
}

fn actor(text: &str, args: &[Arg], a: &Option<ActorRef>) -> serde_json::Value {
    match a {
        None => serde_json::Value::Null,
        Some(ActorRef::Implicit) => json!("(implicit)"),
        Some(ActorRef::Country { code, start, end }) => {
            json!(format!("{code} «{}»", &text[*start..*end]))
        }
        Some(ActorRef::Group { start, end }) => json!(format!("group «{}»", &text[*start..*end])),
        Some(ActorRef::Entity(e)) => match args.iter().find(|x| x.entity == *e) {
            Some(x) => json!(format!("{:?} «{}»", x.kind, &text[x.start..x.end])),
            None => json!(e),
        },
    }
}

fn snippet(text: &str, (s, e): (usize, usize)) -> &str {
    let mut end = e.min(s + 160).min(text.len());
    while end > s && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(s..end).unwrap_or("")
}

/// Sentences inside lines: scraped pages put headlines and paragraphs on
/// their own lines without final punctuation.
fn spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        for (s, e) in sentences(line) {
            out.push((off + s, off + e));
        }
        off += line.len();
    }
    out
}

fn show(text: &str, args: &[Arg], times: &[TimeArg], e: &EventMention) -> String {
    json!({
        "type": e.etype.as_str(),
        "mode": e.mode,
        "trigger": &text[e.trigger.0..e.trigger.1],
        "source": actor(text, args, &e.source),
        "target": actor(text, args, &e.target),
        "place": e.place.and_then(|p| args.iter().find(|x| x.entity == p)).map(|x| &text[x.start..x.end]),
        "time": e.time.map(|t| &text[times[t].start..times[t].end]),
        "intent": e.intent, "negated": e.negated, "reported": e.reported,
        "question": e.question, "hypothetical": e.hypothetical,
        "confidence": (e.confidence * 100.0).round() / 100.0,
        "sentence": snippet(text, e.sentence),
    })
    .to_string()
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        eprintln!("stdin is not UTF-8");
        std::process::exit(1);
    }
    if bench {
        let spans = spans(&text);
        let t0 = Instant::now();
        let mut n = 0usize;
        let reps = 20;
        for _ in 0..reps {
            for &(s, e) in &spans {
                let input = SentenceInput {
                    text: &text,
                    start: s,
                    end: e,
                    args: &[],
                    times: &[],
                };
                n += extract(&input).len();
            }
        }
        let dt = t0.elapsed().as_secs_f64();
        let mb = (text.len() * reps) as f64 / 1e6;
        println!(
            "{:.1} MB in {:.3} s: {:.2} MB/s, {} events per pass",
            mb,
            dt,
            mb / dt,
            n / reps
        );
        return;
    }
    let mut next_id = 0;
    for (s, e) in spans(&text) {
        let mut args = Vec::new();
        let mut ts = Vec::new();
        entities(&text, s, e, &mut next_id, &mut args);
        times(&text, s, e, &mut ts);
        let input = SentenceInput {
            text: &text,
            start: s,
            end: e,
            args: &args,
            times: &ts,
        };
        for ev in extract(&input) {
            println!("{}", show(&text, &args, &ts, &ev));
        }
    }
}
