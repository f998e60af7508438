//! `rasd events eval FILE`: the report of a small labelled file made here,
//! the shipped evaluation set, bad files, and `rasd events` unchanged
//! beside the new subcommand.

use std::path::{Path, PathBuf};

mod common;
use common::rasd;

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8 output")
}

fn last_line(s: &str) -> &str {
    s.trim_end().lines().last().unwrap_or("")
}

/// `F1: 0.xxxx` (or `F1: 1.0000`), four decimals.
fn f1_of(line: &str) -> f64 {
    let v = line
        .strip_prefix("F1: ")
        .unwrap_or_else(|| panic!("{line}"));
    assert_eq!(v.len(), 6, "four decimals: {line}");
    v.parse().unwrap_or_else(|_| panic!("{line}"))
}

const SMALL: &str = "# a small gold file\n\
#@set a\n\
استقبل الرئيس عبد الفتاح السيسي وزير الخارجية الروسي سيرجي لافروف في القاهرة\tP:عبد الفتاح السيسي;P:سيرجي لافروف;L:القاهرة\tCONSULT/visit src=عبد الفتاح السيسي tgt=سيرجي لافروف place=القاهرة\n\
فرضت الولايات المتحدة عقوبات جديدة على شركات إيرانية\tL:الولايات المتحدة\tSANCTION/restrict src=US tgt=IR\n\
#@set b\n\
أضاع اللاعب ضربة جزاء في الدقيقة الأخيرة\t-\tNONE\n\
يدعم الهاتف الجديد ميزة الشحن السريع\tNONE\n\
تظاهر آلاف الطلاب أمام وزارة التعليم\tPROTEST/demo\n";

#[test]
fn small_file_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let gold = dir.path().join("gold.tsv");
    std::fs::write(&gold, SMALL).unwrap();
    let o = rasd(&db, &["events", "eval", gold.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    // Per-type lines: name, precision, recall, F1, support, predicted, tp.
    let consult = out
        .lines()
        .find(|l| l.starts_with("CONSULT "))
        .unwrap_or_else(|| panic!("{out}"));
    let cols: Vec<&str> = consult.split_whitespace().collect();
    assert_eq!(cols.len(), 7, "{consult}");
    assert_eq!(
        &cols[1..],
        ["1.0000", "1.0000", "1.0000", "1", "1", "1"],
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("SANCTION ")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("PROTEST ")), "{out}");
    assert!(out.contains("5 sentences (2 NONE)"), "{out}");
    assert!(out.contains("set b: 3 sentences"), "{out}");
    assert!(last_line(&out).starts_with("F1: "), "{out}");
    assert!((f1_of(last_line(&out)) - 1.0).abs() < 1e-9, "{out}");
    // The eval needs no database.
    assert!(!db.exists());

    // One part only, with the sentences in error (none here).
    let o = rasd(
        &db,
        &[
            "events",
            "eval",
            gold.to_str().unwrap(),
            "--set",
            "b",
            "--verbose",
        ],
    );
    let out = text(&o.stdout);
    assert!(o.status.success());
    assert!(out.contains("3 sentences (2 NONE)"), "{out}");
    assert!(!out.contains("!! "), "{out}");
    assert!(last_line(&out).starts_with("F1: "));
    let o = rasd(
        &db,
        &["events", "eval", gold.to_str().unwrap(), "--set", "zzz"],
    );
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("no `#@set zzz` part"));

    // A wrong gold label shows as an error of the confusion summary.
    let wrong = dir.path().join("wrong.tsv");
    std::fs::write(
        &wrong,
        "فرضت الولايات المتحدة عقوبات جديدة على شركات إيرانية\tL:الولايات المتحدة\tREJECT\n",
    )
    .unwrap();
    let o = rasd(
        &db,
        &["events", "eval", wrong.to_str().unwrap(), "--verbose"],
    );
    let out = text(&o.stdout);
    assert!(o.status.success());
    assert!(out.contains("REJECT       → SANCTION"), "{out}");
    assert!(out.contains("line 1: "), "{out}");
    assert_eq!(last_line(&out), "F1: 0.0000", "{out}");
}

#[test]
fn shipped_eval_set_scores_at_least_0_80() {
    let dir = tempfile::tempdir().unwrap();
    let set: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../event/tests/eval.tsv");
    let o = rasd(
        &dir.path().join("t.db"),
        &["events", "eval", set.to_str().unwrap()],
    );
    let out = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let f1 = f1_of(last_line(&out));
    assert!(f1 >= 0.80, "{out}");
    for t in ["AGREE", "ASSAULT", "MOBILIZE", "CRIME"] {
        assert!(out.lines().any(|l| l.starts_with(t)), "{t}: {out}");
    }
}

#[test]
fn bad_files_fail_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let bad = dir.path().join("bad.tsv");
    std::fs::write(
        &bad,
        "جملة صحيحة\tNONE\nجملة\tFOO\nجملة ثالثة\tP:غائب\tCONSULT\nعمود واحد فقط\n",
    )
    .unwrap();
    let o = rasd(&db, &["events", "eval", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
    let err = text(&o.stderr);
    let name = bad.display().to_string();
    assert!(
        err.contains(&format!("{name}:2: unknown event type 'FOO'")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{name}:3: argument 'غائب' is not in the sentence")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{name}:4: expected 2 or 3 tab-separated columns")),
        "{err}"
    );

    let o = rasd(
        &db,
        &[
            "events",
            "eval",
            dir.path().join("missing.tsv").to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("missing.tsv"));

    std::fs::write(&bad, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let o = rasd(&db, &["events", "eval", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("not UTF-8"));
}

#[test]
fn events_listing_is_unchanged_beside_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let o = rasd(&db, &["events", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    let o = rasd(&db, &["events", "--csv", "--type", "CONSULT"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("id,"));
    // Listing options do not go with the subcommand.
    let o = rasd(&db, &["events", "--json", "eval", "x.tsv"]);
    assert!(!o.status.success());
}

/// One corpus line (`data/events/build/SPLIT.jsonl` format) made from own
/// text: spans are located by their first occurrence in the sentence.
fn corpus_line(
    id: &str,
    sentence: &str,
    events: &[(&str, &str, Option<&str>, Option<&str>, Option<&str>)],
) -> String {
    let span = |s: Option<&str>| match s {
        None => serde_json::Value::Null,
        Some(s) => {
            let k = sentence.find(s).unwrap_or_else(|| panic!("{s}"));
            serde_json::json!({"in": "sentence", "span": [k, k + s.len()], "text": s})
        }
    };
    let evs: Vec<_> = events
        .iter()
        .map(|&(t, trig, src, tgt, place)| {
            let k = sentence.find(trig).unwrap();
            serde_json::json!({"type": t, "mode": null, "trigger": [k, k + trig.len()],
                "trigger_text": trig, "source": span(src), "target": span(tgt), "place": span(place),
                "time": null, "intent": false, "negated": false})
        })
        .collect();
    serde_json::json!({"id": id, "split": "dev", "url": "https://example.invalid/a", "field": "content",
        "start": 0, "end": sentence.len(), "title": "", "sentence": sentence, "events": evs})
    .to_string()
}

#[test]
fn corpus_file_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let file = dir.path().join("dev.jsonl");
    let lines = [
        corpus_line(
            "dev-1",
            "استقبل الرئيس عبد الفتاح السيسي وزير الخارجية الروسي سيرجي لافروف في القاهرة",
            &[(
                "CONSULT",
                "استقبل",
                Some("عبد الفتاح السيسي"),
                Some("سيرجي لافروف"),
                Some("القاهرة"),
            )],
        ),
        corpus_line(
            "dev-2",
            "أضاع اللاعب ضربة جزاء في الدقيقة الأخيرة من المباراة",
            &[],
        ),
        // A gold event the coder is not expected to find: a miss, counted.
        corpus_line(
            "dev-3",
            "وأوقفت السلطات عشرات المشتبه بهم في حملة أمنية واسعة",
            &[(
                "COERCE",
                "وأوقفت",
                Some("السلطات"),
                Some("عشرات المشتبه بهم"),
                None,
            )],
        ),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let o = rasd(&db, &["events", "eval", file.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(out.contains("sentences: 3"), "{out}");
    let consult: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("CONSULT "))
        .unwrap_or_else(|| panic!("{out}"))
        .split_whitespace()
        .collect();
    // type P R F1 gold pred: the meeting is found, with its two sides.
    assert_eq!(&consult[3..], ["1.000", "1", "1"], "{out}");
    let f1 = f1_of(last_line(&out));
    assert!(f1 > 0.0 && f1 <= 1.0, "{out}");
    // JSON: the same figures.
    let o = rasd(&db, &["events", "eval", file.to_str().unwrap(), "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sentences"], 3);
    assert_eq!(v["per_type"]["CONSULT"]["tp"], 1);
    assert_eq!(v["micro"]["gold"], 2);
    assert!((v["micro_f1"].as_f64().unwrap() - f1).abs() < 1e-4);
    // The meeting's host and guest are its source and target.
    assert!(v["source"]["right"].as_u64().unwrap() >= 1, "{v}");
    assert!(v["target"]["right"].as_u64().unwrap() >= 1, "{v}");
}

#[test]
fn corpus_file_bad_lines_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let file = dir.path().join("bad.jsonl");
    let good = corpus_line(
        "dev-1",
        "تظاهر آلاف الطلاب أمام وزارة التعليم",
        &[("PROTEST", "تظاهر", Some("آلاف الطلاب"), None, None)],
    );
    std::fs::write(&file, format!("{good}\n{{\"id\": 3}}\n")).unwrap();
    let o = rasd(&db, &["events", "eval", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("bad.jsonl:2"), "{err}");
}

/// The levels reached on the frozen test split by the shipped coder
/// (2026-12-07: micro F1 0.5248, macro F1 over types with >= 20 mentions
/// 0.4959, source 0.636, target 0.619; README), less about 0.01.
const MICRO_MIN: f64 = 0.51;
const MACRO20_MIN: f64 = 0.485;
const SOURCE_MIN: f64 = 0.62;
const TARGET_MIN: f64 = 0.61;

/// The frozen test split of rasd's event corpus, coded by the production
/// path (`rasd events eval`): its scores stay at the level the README
/// records, less a small margin. The corpus text is rebuilt from
/// SaudiNewsNet in `../shared`; without it the test skips.
#[test]
fn frozen_test_split_keeps_its_level() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("../shared/corpora/saudinewsnet");
    if !corpus.is_dir() {
        eprintln!(
            "skip: {} not found (the event corpus text is rebuilt from it)",
            corpus.display()
        );
        return;
    }
    let split = root.join("data/events/build/test.jsonl");
    if !split.exists() {
        let o = std::process::Command::new("python3")
            .arg(root.join("data/events/tools/rebuild.py"))
            .current_dir(&root)
            .output()
            .expect("python3 runs");
        assert!(o.status.success(), "rebuild.py: {}", text(&o.stderr));
    }
    let dir = tempfile::tempdir().unwrap();
    let o = rasd(
        &dir.path().join("t.db"),
        &["events", "eval", split.to_str().unwrap(), "--json"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sentences"], 1202, "the frozen test split: {v}");
    let share =
        |k: &str| v[k]["right"].as_f64().unwrap() / v[k]["total"].as_f64().unwrap().max(1.0);
    let (micro, macro20) = (
        v["micro_f1"].as_f64().unwrap(),
        v["macro_f1_min20"].as_f64().unwrap(),
    );
    let (source, target) = (share("source"), share("target"));
    // Reached (README, "The learned event coder"), less 0.01.
    assert!(micro >= MICRO_MIN, "micro F1 {micro}");
    assert!(macro20 >= MACRO20_MIN, "macro F1 (>= 20) {macro20}");
    assert!(source >= SOURCE_MIN, "source accuracy {source}");
    assert!(target >= TARGET_MIN, "target accuracy {target}");
}
