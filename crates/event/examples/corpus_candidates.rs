//! Candidate generator for the event corpus (`data/events/`): reads JSON
//! lines `{"key": …, "text": …}` on stdin and writes, per line,
//! `{"key": …, "sents": [[start, end, ["TYPE", …]], …]}`: the sentence byte
//! spans of `text` (as rasd splits a field) and the PLOVER types the trigger
//! lexicon proposes in each (no entity mentions given, so every trigger the
//! lexicon knows is proposed). Used by `data/events/tools/draw_items.py`.

use std::io::{BufRead, Write};

use rasd_event::{extract, SentenceInput};

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON line");
        let text = v["text"].as_str().unwrap_or("");
        let mut sents = Vec::new();
        for (s, e) in rasd_text::sentences(text) {
            let ms = extract(&SentenceInput {
                text,
                start: s,
                end: e,
                args: &[],
                times: &[],
            });
            let mut types: Vec<&str> = ms.iter().map(|m| m.etype.as_str()).collect();
            types.sort();
            types.dedup();
            sents.push(serde_json::json!([s, e, types]));
        }
        let o = serde_json::json!({"key": v["key"], "sents": sents});
        writeln!(out, "{o}").expect("stdout");
    }
}
