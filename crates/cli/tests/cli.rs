//! End-to-end tests of the `rasd` binary on the sample corpus in `examples/`
//! (written for rasd) and on bad inputs made here.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::rasd;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus")
}

fn articles(db: &Path) -> Vec<Value> {
    let o = rasd(db, &["articles", "--json"]);
    assert!(o.status.success());
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn by_file<'a>(arts: &'a [Value], file: &str) -> Vec<&'a Value> {
    arts.iter()
        .filter(|a| a["input"]["path"].as_str().unwrap().ends_with(file))
        .collect()
}

#[test]
fn ingests_every_format_of_the_sample_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let o = rasd(&db, &["ingest", corpus().to_str().unwrap()]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("records: 9 = 8 new + 0 already stored + 1 rejected"),
        "{out}"
    );
    assert!(out.contains("errors: 0"), "{out}");
    let arts = articles(&db);

    // Text scrape: a page and the article glued after "إقرأ أيضاً".
    let ports = by_file(&arts, "page-ports.txt");
    assert_eq!(ports.len(), 2);
    assert_eq!(ports[0]["source_label"], "الرصد اليومي");
    assert_eq!(ports[0]["crawled"], "2024-11-05T09:30:00Z");
    assert_eq!(ports[0]["published"], "2024-11-04");
    assert_eq!(ports[0]["original_source"], "وكالة الأنباء الرسمية");
    assert_eq!(ports[0]["related"].as_array().unwrap().len(), 3);
    assert!(ports[0]["body"]
        .as_str()
        .unwrap()
        .ends_with("بحلول نهاية العام المقبل."));
    assert_eq!(ports[1]["appended_to"], ports[0]["id"]);
    assert_eq!(ports[1]["kind"], "appended");
    assert!(ports[1]["title"]
        .as_str()
        .unwrap()
        .starts_with("مهرجان للتمور"));

    // The same page in UTF-8 and Windows-1256: same body, marked duplicates.
    let utf8 = by_file(&arts, "page-health.txt")[0];
    let legacy = by_file(&arts, "page-health-cp1256.txt")[0];
    assert_eq!(utf8["encoding"], "UTF-8");
    assert_eq!(legacy["encoding"], "windows-1256");
    assert_eq!(utf8["body"], legacy["body"]);
    // Whichever was stored first is the canonical copy.
    assert!(
        legacy["exact_duplicate_of"] == utf8["id"] || utf8["exact_duplicate_of"] == legacy["id"]
    );
    assert_eq!(
        utf8["tags"],
        serde_json::json!(["الصحة", "الحصبة", "المدارس"])
    );
    assert_eq!(
        utf8["related"],
        serde_json::json!(["الوزارة تحذر من موجة إنفلونزا موسمية مبكرة"])
    );

    // JSON Lines with an empty record; a zip archive holding a JSON array with
    // the same text as a JSON Lines record under another URL (the archive sorts
    // first, so the JSON Lines record is the later copy).
    let feed = by_file(&arts, "feed.jsonl");
    assert_eq!(feed.len(), 2);
    assert_eq!(feed[0]["url"], "https://sahil.example/news/1001");
    assert_eq!(feed[0]["publisher"], "sahil.example");
    assert_eq!(feed[0]["author"], "منى سالم");
    assert_eq!(feed[0]["published"], "2024-11-05");
    let zipped = by_file(&arts, "archive.zip!/2024-11-05.json");
    assert_eq!(zipped.len(), 2);
    assert_eq!(feed[1]["exact_duplicate_of"], zipped[1]["id"]);
    assert_ne!(zipped[1]["url"], feed[1]["url"]);

    // HTML: main content only.
    let html = by_file(&arts, "page-museum.html")[0];
    assert_eq!(html["format"], "html");
    assert_eq!(html["title"], "افتتاح متحف التراث البحري");
    let body = html["body"].as_str().unwrap();
    assert!(
        body.contains("متحف التراث البحري في المدينة الساحلية") && body.contains("ورش للأطفال"),
        "{body}"
    );
    for furniture in [
        "الرئيسية",
        "فيسبوك",
        "أضف تعليقك",
        "جميع الحقوق",
        "مهرجان الفنون",
    ] {
        assert!(!body.contains(furniture), "{furniture} in {body}");
    }

    // Rejected records are listed with their reason.
    let p = stdout(&rasd(&db, &["problems", "--json"]));
    let problems: Vec<Value> = p
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["reason"], "empty `content`");
    assert_eq!(problems[0]["record"], 3);

    // Re-ingest adds nothing and says so.
    let again = stdout(&rasd(&db, &["ingest", corpus().to_str().unwrap()]));
    assert!(
        again.contains("records: 9 = 0 new + 8 already stored + 1 rejected"),
        "{again}"
    );
    assert_eq!(articles(&db).len(), arts.len());
}

#[test]
fn show_and_stats() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    rasd(
        &db,
        &["ingest", corpus().join("page-ports.txt").to_str().unwrap()],
    );
    let o = rasd(&db, &["show", "1"]);
    let s = stdout(&o);
    assert!(
        s.contains("وزير النقل يفتتح ميناء جديداً على البحر الأحمر")
            && s.contains("appended items split off (1)"),
        "{s}"
    );
    let o = rasd(&db, &["show", "1", "--source"]);
    assert!(stdout(&o).contains("read-also"));
    let j: Value = serde_json::from_str(&stdout(&rasd(&db, &["show", "2", "--json"]))).unwrap();
    assert_eq!(j["appended_to"], 1);
    assert!(j["regions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["kind"] == "title"));
    let o = rasd(&db, &["show", "99"]);
    assert_eq!(o.status.code(), Some(1));
    let st: Value = serde_json::from_str(&stdout(&rasd(&db, &["stats", "--json"]))).unwrap();
    assert_eq!(
        (st["pages"].as_u64(), st["appended"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn bad_inputs_give_one_clear_error_each_and_the_rest_is_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(corpus().join("feed.jsonl"), input.join("good.jsonl")).unwrap();
    std::fs::write(input.join("empty.txt"), b"").unwrap();
    let mut x: u32 = 99;
    let random: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    std::fs::write(input.join("random.bin"), &random).unwrap();
    std::fs::write(
        input.join("cut.json"),
        "[{\"title\": \"عنوان\", \"content\": \"نص لم يكتمل",
    )
    .unwrap();
    std::fs::write(
        input.join("broken.json"),
        "{\"title\": \"عنوان\" \"content\": 5}",
    )
    .unwrap();
    let mut bad_utf8 = b"\xEF\xBB\xBF".to_vec();
    bad_utf8.extend_from_slice(b"\xD8\xA7\xFF\xFE\xD8");
    std::fs::write(input.join("bad-utf8.txt"), &bad_utf8).unwrap();
    std::fs::write(input.join("big.txt"), "خبر طويل جداً. ".repeat(20_000)).unwrap();
    std::fs::write(
        input.join("not-a.zip"),
        b"PK\x03\x04 this is not really an archive",
    )
    .unwrap();

    let db = dir.path().join("t.db");
    let o = rasd(
        &db,
        &["ingest", "--max-file-size", "0.1", input.to_str().unwrap()],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    // The summary on stdout counts them; each error is a line on stderr.
    assert!(out.contains("errors: 7"), "{out}");
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    let expect = [
        ("empty.txt", "empty file"),
        ("random.bin", "binary content"),
        ("cut.json", "truncated JSON"),
        ("broken.json", "malformed JSON"),
        ("bad-utf8.txt", "invalid UTF-8"),
        ("big.txt", "file too large"),
        ("not-a.zip", "bad zip archive"),
    ];
    assert_eq!(errors.len(), expect.len(), "{err}");
    for (file, reason) in expect {
        assert!(
            errors
                .iter()
                .any(|e| e.contains(file) && e.contains(reason)),
            "no `{reason}` error for {file} in:\n{err}"
        );
    }
    assert_eq!(articles(&db).len(), 2);
    // `rasd problems` lists them all, those of which nothing was stored too.
    let problems = |db: &Path| -> Vec<Value> {
        stdout(&rasd(db, &["problems", "--json"]))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let listed = problems(&db);
    for (file, reason) in expect {
        assert!(
            listed
                .iter()
                .any(|p| p["path"].as_str().unwrap().ends_with(file)
                    && p["reason"].as_str().unwrap().contains(reason)),
            "no `{reason}` problem for {file} in {listed:?}"
        );
    }
    // A file read whole since is no longer a problem.
    std::fs::write(input.join("empty.txt"), "خبر قصير عن افتتاح معرض الكتاب.").unwrap();
    let o = rasd(
        &db,
        &["ingest", "--max-file-size", "0.1", input.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0));
    let listed = problems(&db);
    assert!(
        !listed
            .iter()
            .any(|p| p["path"].as_str().unwrap().ends_with("empty.txt")),
        "{listed:?}"
    );
    for (file, _) in &expect[1..] {
        assert!(
            listed
                .iter()
                .any(|p| p["path"].as_str().unwrap().ends_with(file)),
            "{file} gone from {listed:?}"
        );
    }

    // Every input failing: exit status 2.
    let only_bad = dir.path().join("bad");
    std::fs::create_dir(&only_bad).unwrap();
    std::fs::write(only_bad.join("empty.txt"), b"").unwrap();
    let o = rasd(
        &dir.path().join("t2.db"),
        &["ingest", only_bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = rasd(
        &dir.path().join("t3.db"),
        &["ingest", dir.path().join("missing").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing: cannot read"));
}

#[test]
fn reads_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let page = std::fs::read_to_string(corpus().join("page-health.txt")).unwrap();
    assert!(
        rasd_stdin(&["--db", db.to_str().unwrap(), "ingest", "-"], &page)
            .status
            .success()
    );
    let arts = articles(&db);
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0]["input"]["path"], "-");
}

/// Writes `files` JSON arrays of `per_file` invented records each.
fn synthetic_corpus(dir: &Path, files: usize, per_file: usize) {
    let words = [
        "الوزير",
        "المدينة",
        "المشروع",
        "الحكومة",
        "المجلس",
        "الاتفاق",
        "الميناء",
        "المدرسة",
        "السوق",
        "الطريق",
    ];
    for f in 0..files {
        let recs: Vec<Value> = (0..per_file)
            .map(|r| {
                let n = f * per_file + r;
                let body: Vec<String> = (0..60).map(|k| words[(n * 7 + k * 3) % words.len()].to_string()).collect();
                serde_json::json!({"url": format!("https://synthetic.example/{n}"), "title": format!("خبر رقم {n}"), "content": format!("{}.", body.join(" ")), "date_extracted": "2024-01-01 00:00:00"})
            })
            .collect();
        std::fs::write(
            dir.join(format!("day-{f:03}.json")),
            serde_json::to_string(&recs).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn killed_ingest_leaves_a_consistent_store_and_the_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus");
    std::fs::create_dir(&input).unwrap();
    synthetic_corpus(&input, 60, 400);
    let reference = dir.path().join("ref.db");
    let t0 = std::time::Instant::now();
    assert!(rasd(&reference, &["ingest", input.to_str().unwrap()])
        .status
        .success());
    // Kill at moments proportional to an uninterrupted run, so the test does
    // not depend on the machine's speed.
    let full_ms = t0.elapsed().as_millis() as u64;
    let expected = articles(&reference).len();
    assert_eq!(expected, 60 * 400);

    let db = dir.path().join("killed.db");
    let mut killed_mid_way = false;
    for delay_ms in [full_ms / 4, full_ms / 2, full_ms * 2 / 3, full_ms * 5 / 6] {
        let _ = std::fs::remove_file(&db);
        let mut child = Command::new(env!("CARGO_BIN_EXE_rasd"))
            .arg("--db")
            .arg(&db)
            .args(["ingest", input.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let partial = rasd_store::SqliteStore::open(&db).map(|s| {
            assert_eq!(s.integrity_check().unwrap(), "ok");
            use rasd_store::Store;
            s.stats().unwrap().articles
        });
        if let Ok(n) = partial {
            if n > 0 && (n as usize) < expected {
                killed_mid_way = true;
                break;
            }
        }
    }
    assert!(
        killed_mid_way,
        "could not kill the ingest part-way; the machine is too fast or too slow for the delays"
    );
    let o = rasd(&db, &["ingest", input.to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(articles(&db).len(), expected);
    let s = rasd_store::SqliteStore::open(&db).unwrap();
    assert_eq!(s.integrity_check().unwrap(), "ok");
}

fn rasd_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn annotate_json_lines_with_and_without_a_publication_date() {
    let input = concat!(
        r#"{"id": "a1", "text": "وصل الوزير أمس الثلاثاء إلى المدينة. وقال إن الزيارة تستمر ثلاثة أيام.", "published": "2023-08-23"}"#,
        "\n",
        r#"{"id": 2, "text": "وصل الوزير أمس إلى المدينة."}"#,
        "\n",
        "not json\n",
        r#"{"id": 3, "text": "نص", "published": "الأمس"}"#,
        "\n"
    );
    let o = rasd_stdin(&["annotate"], input);
    assert_eq!(o.status.code(), Some(1), "bad lines make the exit status 1");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 3") && err.contains("line 4"), "{err}");
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let a = &lines[0];
    assert_eq!(a["id"], "a1");
    assert_eq!(a["sentences"].as_array().unwrap().len(), 2);
    assert!(a["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["kind"] == "punct"));
    let t = &a["timexes"];
    assert_eq!(t[0]["text"], "أمس الثلاثاء");
    assert_eq!(t[0]["value"], "2023-08-22");
    assert_eq!(t[0]["kind"], "relative");
    assert_eq!(t[1]["value"], "P3D");
    assert_eq!(t[1]["kind"], "duration");
    // Byte offsets slice the input text.
    let text = "وصل الوزير أمس الثلاثاء إلى المدينة. وقال إن الزيارة تستمر ثلاثة أيام.";
    assert_eq!(
        &text[t[0]["start"].as_u64().unwrap() as usize..t[0]["end"].as_u64().unwrap() as usize],
        "أمس الثلاثاء"
    );
    // No publication date: unresolved, with the offset.
    let b = &lines[1]["timexes"][0];
    assert_eq!(b["value"], Value::Null);
    assert_eq!(b["offset"], "-P1D");

    let o = rasd_stdin(
        &[
            "annotate",
            "--text",
            "يصل الوفد الخميس",
            "--published",
            "2024-06-03",
            "--prefer",
            "future",
            "--layers",
            "timexes",
        ],
        "",
    );
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["timexes"][0]["value"], "2024-06-06");
    assert!(v.get("tokens").is_none());
}

#[test]
fn time_expressions_are_stored_at_ingest_and_reprocessed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    rasd(
        &db,
        &["ingest", corpus().join("page-ports.txt").to_str().unwrap()],
    );
    let list = stdout(&rasd(&db, &["timexes", "--article", "1", "--json"]));
    let t: Vec<Value> = list
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        t.iter().any(|x| x["text"] == "أمس الاثنين"
            && x["value"] == "2024-11-03"
            && x["field"] == "body"),
        "{list}"
    );
    let shown = stdout(&rasd(&db, &["show", "1"]));
    assert!(
        shown.contains("time expressions") && shown.contains("2024-11-03"),
        "{shown}"
    );
    let j: Value = serde_json::from_str(&stdout(&rasd(&db, &["show", "1", "--json"]))).unwrap();
    assert!(!j["timexes"].as_array().unwrap().is_empty());
    let body = j["body"].as_str().unwrap();
    let sents = j["sentences"].as_array().unwrap();
    assert!(sents.len() >= 4);
    let first = &body
        [sents[0]["start"].as_u64().unwrap() as usize..sents[0]["end"].as_u64().unwrap() as usize];
    assert!(
        first.starts_with("افتتح وزير النقل") && first.ends_with("ورجال الأعمال."),
        "{first}"
    );
    assert!(j["tokens"].as_array().unwrap().len() > 50);
    // Nothing is out of date; --force redoes every article.
    let p: Value = serde_json::from_str(&stdout(&rasd(&db, &["process", "--json"]))).unwrap();
    assert_eq!(p["articles"], 0);
    let p: Value =
        serde_json::from_str(&stdout(&rasd(&db, &["process", "--force", "--json"]))).unwrap();
    assert_eq!(p["articles"], 2);
    assert_eq!(
        stdout(&rasd(&db, &["timexes", "--article", "1", "--json"])),
        list,
        "reprocessing gives the same annotations"
    );
}

#[test]
fn entities_in_annotate_and_the_knowledge_base() {
    // annotate: a place linked to the gazetteer, with coordinates.
    let o = rasd_stdin(
        &[
            "annotate",
            "--text",
            "وصل وزير الخارجية إلى القاهرة أمس في زيارة رسمية.",
            "--layers",
            "entities",
        ],
        "",
    );
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let cairo = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "القاهرة")
        .expect("القاهرة found");
    assert_eq!(cairo["type"], "LOC");
    assert_eq!(cairo["country"], "EG");
    assert!(
        (cairo["lat"].as_f64().unwrap() - 30.04).abs() < 0.5
            && (cairo["lon"].as_f64().unwrap() - 31.24).abs() < 0.5
    );

    // The knowledge base of the sample corpus: listing, one entity, mentions.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    rasd(&db, &["ingest", corpus().to_str().unwrap()]);
    let list: Vec<Value> = stdout(&rasd(&db, &["entities", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!list.is_empty());
    for e in &list {
        assert!(e["id"].as_i64().unwrap() > 0 && !e["name"].as_str().unwrap().is_empty());
        assert!(["PER", "ORG", "LOC", "MISC"].contains(&e["type"].as_str().unwrap()));
        assert!(e["mentions"].as_u64().unwrap() >= 1);
    }
    let id = list[0]["id"].as_i64().unwrap();
    let one: Value =
        serde_json::from_str(&stdout(&rasd(&db, &["entity", &id.to_string(), "--json"]))).unwrap();
    assert_eq!(one["id"], id);
    let spans = one["mention_spans"].as_array().unwrap();
    assert!(!spans.is_empty());
    assert_eq!(rasd(&db, &["entity", "999999"]).status.code(), Some(1));
}

#[test]
fn ner_eval_reports_f1_on_the_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("gold.txt");
    std::fs::write(&f, "زار O\nالرئيس O\nمدينة O\nالقاهرة B-LOC\n. O\n\nالتقى O\nسامر B-PERS\nالحداد I-PERS\n. O\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["ner", "eval", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = stdout(&o);
    let last = out.trim_end().lines().last().unwrap();
    assert!(last.starts_with("F1: 0.") || last == "F1: 1.0000", "{out}");
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "كلمة\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["ner", "eval", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 1"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A small feed of our own: one wire report copied by two more publishers
/// (lightly edited), a follow-up the next day, and unrelated news.
fn story_feed(dir: &Path) -> PathBuf {
    let wire = "وصل نائب وزير الدفاع سامر العلي إلى مدينة الساحل صباح اليوم في زيارة رسمية \
        يلتقي خلالها القائد العسكري مراد الحسن لبحث التعاون العسكري وتدريب القوات وتزويدها \
        بالمعدات، وقالت مصادر مطلعة إن الزيارة تتناول أيضا الوضع الأمني على الحدود الجنوبية \
        وتبادل الخبرات في مجال مكافحة التهريب، وإن الجانبين سيوقعان مذكرة تفاهم في ختام الزيارة \
        التي تستمر ثلاثة أيام وتشمل جولة في القواعد العسكرية ومراكز التدريب في المنطقة.";
    // Shorter than the wire report: the same day, so the wire is canonical.
    let copy = wire
        .replace("صباح اليوم ", "")
        .replace("مصادر مطلعة", "مصادر رسمية");
    let follow = "وقع نائب وزير الدفاع سامر العلي والقائد العسكري مراد الحسن في مدينة الساحل \
        مذكرة تفاهم للتعاون العسكري تشمل تدريب القوات وتزويدها بالمعدات، في ختام زيارة العلي \
        التي بحث فيها الجانبان الوضع الأمني على الحدود الجنوبية ومكافحة التهريب.";
    let other = "اجتاحت السيول قرى الوادي الشمالي بعد أمطار غزيرة استمرت يومين، وغمرت المياه \
        المنازل والمزارع، وأعلن الدفاع المدني إجلاء مئات الأسر إلى المدارس وإغلاق الطرق الرئيسية \
        حتى انحسار المياه، فيما قدرت البلدية الأضرار الأولية بملايين الدنانير.";
    let rows = [
        (
            "wire",
            "2024-03-05",
            "https://wire.example/1",
            wire.to_string(),
        ),
        (
            "sahil",
            "2024-03-05",
            "https://sahil.example/7",
            copy.clone(),
        ),
        ("madina", "2024-03-06", "https://madina.example/3", copy),
        (
            "wire",
            "2024-03-07",
            "https://wire.example/2",
            follow.to_string(),
        ),
        (
            "madina",
            "2024-03-07",
            "https://madina.example/4",
            other.to_string(),
        ),
    ];
    let path = dir.join("feed.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    for (i, (source, date, url, text)) in rows.iter().enumerate() {
        let v = serde_json::json!({"source": source, "published": date, "url": url,
            "title": format!("خبر {i}"), "content": text});
        writeln!(f, "{v}").unwrap();
    }
    path
}

#[test]
fn story_headlines_are_titles_and_sources_are_never_zero() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.jsonl");
    let report = "أعلنت وزارة الصحة في مدينة الساحل افتتاح مستشفى جديد للأطفال يضم مئتي سرير \
        وقسما للطوارئ، وقال وزير الصحة خلال حفل الافتتاح إن المستشفى سيخدم سكان المحافظة كلها.";
    let copy = report.replace("وقال", "وأكد");
    // No source label and no URL: no publisher at all.
    let rows = [
        ("2024-05-01", "الرئيسية", report.to_string()),
        ("2024-05-01", "افتتاح مستشفى جديد للأطفال في الساحل", copy),
    ];
    let mut f = std::fs::File::create(&feed).unwrap();
    for (date, title, text) in rows {
        let v = serde_json::json!({"published": date, "title": title, "content": text});
        writeln!(f, "{v}").unwrap();
    }
    drop(f);
    let db = dir.path().join("h.db");
    let o = rasd(&db, &["ingest", feed.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stories: Vec<Value> = stdout(&rasd(&db, &["stories", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(stories.len(), 1, "{stories:?}");
    let s = &stories[0];
    assert_eq!(s["articles"], serde_json::json!([1, 2]));
    // The canonical copy's title is UI text of one word: the other title.
    assert_eq!(s["label"], "افتتاح مستشفى جديد للأطفال في الساحل");
    assert!(s["actors"].is_array());
    // No member has a publisher: one unnamed source, no placeholder name.
    assert_eq!(s["num_sources"], 1);
    assert_eq!(s["sources"], serde_json::json!([]));
    let list = stdout(&rasd(&db, &["stories"]));
    assert!(list.contains("   1 sources"), "{list}");
    assert!(!list.contains("(none)"), "{list}");
    let text = stdout(&rasd(&db, &["story", "1"]));
    assert!(text.contains("from 1 source,"), "{text}");
    assert!(
        text.starts_with("story 1: افتتاح مستشفى جديد للأطفال في الساحل"),
        "{text}"
    );
}

#[test]
fn near_duplicates_stories_and_related_articles() {
    let dir = tempfile::tempdir().unwrap();
    let feed = story_feed(dir.path());
    let db = dir.path().join("s.db");
    let o = rasd(&db, &["ingest", feed.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let dups: Vec<Value> = stdout(&rasd(&db, &["duplicates", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(dups.len(), 1, "{dups:?}");
    let g = &dups[0];
    let ids: Vec<i64> = g["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1, 2, 3], "the wire report and its two copies");
    assert_eq!(g["canonical"], 1, "earliest published, then longest");
    assert_eq!(g["publishers"].as_array().unwrap().len(), 3);
    for m in g["members"].as_array().unwrap() {
        assert!(m["similarity"].as_f64().unwrap() >= 0.8, "{m}");
    }

    let stories: Vec<Value> = stdout(&rasd(&db, &["stories", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(stories.len(), 2, "{stories:?}");
    let visit = &stories[0];
    assert_eq!(visit["articles"], serde_json::json!([1, 2, 3, 4]));
    assert_eq!(visit["first_seen"], "2024-03-05");
    assert_eq!(visit["last_seen"], "2024-03-07");
    assert_eq!(visit["duplicate_groups"], serde_json::json!([[1, 2, 3]]));
    assert_eq!(stories[1]["articles"], serde_json::json!([5]));
    // Titles of two words ("خبر 0") are no headline: the first sentence of
    // the canonical wire report, cut at 12 words, in its original spelling.
    assert_eq!(
        visit["label"],
        "وصل نائب وزير الدفاع سامر العلي إلى مدينة الساحل صباح اليوم في…"
    );
    assert_eq!(visit["num_sources"], 3);
    assert_eq!(
        visit["sources"],
        serde_json::json!(["madina.example", "sahil.example", "wire.example"])
    );
    let list = stdout(&rasd(&db, &["stories"]));
    assert!(list.contains("3 sources"), "{list}");
    assert!(list.contains("صباح اليوم في…"), "{list}");

    let text = stdout(&rasd(&db, &["story", "1"]));
    assert!(
        text.contains("2024-03-05") && text.contains("2024-03-07"),
        "{text}"
    );
    assert!(text.contains("+2 copies"), "{text}");
    assert_eq!(rasd(&db, &["story", "99"]).status.code(), Some(1));

    let related: Vec<Value> = stdout(&rasd(&db, &["related", "1", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(related[0]["id"], 4, "the follow-up first: {related:?}");
    assert!(related
        .iter()
        .all(|r| ![1, 2, 3].contains(&r["id"].as_i64().unwrap())));

    // The same input in a fresh store gives the same stories.
    let db2 = dir.path().join("s2.db");
    assert!(rasd(&db2, &["ingest", feed.to_str().unwrap()])
        .status
        .success());
    assert_eq!(
        stdout(&rasd(&db2, &["stories", "--json"])),
        stdout(&rasd(&db, &["stories", "--json"]))
    );
}

#[test]
fn events_are_coded_merged_across_reports_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("events.jsonl");
    // Two publishers report one meeting (the second a day later, dating it
    // by "أمس"); a third article reports a protest.
    let rows = [
        ("wire", "2024-03-05", "https://wire.example/1",
         "التقى وزير الخارجية الروسي سيرغي لافروف في موسكو اليوم الثلاثاء وزير الخارجية المصري سامح شكري، وبحث الجانبان الأوضاع في المنطقة."),
        ("sahil", "2024-03-06", "https://sahil.example/2",
         "بحث وزير الخارجية الروسي سيرغي لافروف أمس الثلاثاء في موسكو مع وزير الخارجية المصري سامح شكري الأوضاع في المنطقة."),
        ("madina", "2024-03-07", "https://madina.example/3",
         "تظاهر آلاف العمال في مدينة الإسكندرية اليوم الخميس احتجاجا على ارتفاع الأسعار، وطالبوا الحكومة بزيادة الأجور."),
    ];
    let mut f = std::fs::File::create(&feed).unwrap();
    for (source, date, url, text) in rows {
        let v = serde_json::json!({"source": source, "published": date, "url": url, "title": "خبر", "content": text});
        writeln!(f, "{v}").unwrap();
    }
    drop(f);
    let db = dir.path().join("e.db");
    assert!(rasd(&db, &["ingest", feed.to_str().unwrap()])
        .status
        .success());
    let events: Vec<Value> = stdout(&rasd(&db, &["events", "--json", "--type", "CONSULT"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let meeting = events
        .iter()
        .find(|e| e["articles"] == serde_json::json!([1, 2]))
        .unwrap_or_else(|| panic!("one meeting reported by both articles: {events:#?}"));
    assert_eq!(meeting["date"], "2024-03-05");
    assert_eq!(meeting["date_source"], "text");
    assert_eq!(meeting["num_sources"], 2);
    assert_eq!(meeting["place"]["name_en"], "Moscow");
    let actors: Vec<&str> = [&meeting["source"], &meeting["target"]]
        .iter()
        .map(|a| a["name"].as_str().unwrap_or(""))
        .collect();
    assert!(actors.iter().any(|a| a.contains("لافروف")), "{actors:?}");
    assert!(actors.iter().any(|a| a.contains("شكري")), "{actors:?}");
    assert_eq!(meeting["mentions"].as_array().unwrap().len(), 2);
    let m = &meeting["mentions"][0];
    let sentence = m["text"].as_str().unwrap();
    assert!(sentence.contains(m["trigger_text"].as_str().unwrap()));

    let protest = stdout(&rasd(&db, &["events", "--json", "--type", "PROTEST"]));
    assert!(protest.contains("\"articles\":[3]"), "{protest}");
    // Filters and exports.
    assert!(stdout(&rasd(
        &db,
        &[
            "events",
            "--json",
            "--since",
            "2024-03-06",
            "--type",
            "CONSULT"
        ]
    ))
    .is_empty());
    assert!(!stdout(&rasd(&db, &["events", "--json", "--actor", "لافروف"])).is_empty());
    let csv = stdout(&rasd(&db, &["events", "--csv"]));
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("id,date,date_grain,date_source,type,"),
        "{header}"
    );
    let tsv = stdout(&rasd(&db, &["events", "--tsv"]));
    let cols = tsv.lines().next().unwrap().split('\t').count();
    assert!(tsv.lines().all(|l| l.split('\t').count() == cols), "{tsv}");

    // The stateless interface gives the events of one text.
    let o = rasd(
        &db,
        &[
            "annotate",
            "--layers",
            "events",
            "--published",
            "2024-03-07",
            "--text",
            rows[2].3,
        ],
    );
    let v: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    let types: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"PROTEST"), "{types:?}");
}

/// Ingest and `rasd annotate` code an article through one path: the same
/// text gives the same event mentions (type, trigger, actors, date).
#[test]
fn ingest_and_annotate_give_the_same_events() {
    let dir = tempfile::tempdir().unwrap();
    let body = "استقبل خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز في الرياض أمس الاثنين رئيس الوزراء الباكستاني نواز شريف، وبحث معه العلاقات الثنائية. \
وفي صنعاء، شنت طائرات التحالف العربي غارات على مواقع لميليشيا الحوثي. \
وأدانت وزارة الخارجية الأمريكية الهجوم الذي استهدف مسجدا في مدينة القطيف.";
    let feed = dir.path().join("a.jsonl");
    let v = serde_json::json!({"source": "wire", "published": "2015-04-07", "url": "https://wire.example/7", "content": body});
    std::fs::write(&feed, format!("{v}\n")).unwrap();
    let db = dir.path().join("a.db");
    assert!(rasd(&db, &["ingest", feed.to_str().unwrap()])
        .status
        .success());
    let name = |a: &Value| a["name"].as_str().unwrap_or("-").to_string();
    let mut stored: Vec<(String, String, String, String, String)> = Vec::new();
    for l in stdout(&rasd(&db, &["events", "--json", "--negated"])).lines() {
        let e: Value = serde_json::from_str(l).unwrap();
        for m in e["mentions"].as_array().unwrap() {
            stored.push((
                e["type"].as_str().unwrap().to_string(),
                m["trigger_text"].as_str().unwrap().to_string(),
                name(&e["source"]),
                name(&e["target"]),
                e["date"].as_str().unwrap_or("-").to_string(),
            ));
        }
    }
    let o = rasd(
        &db,
        &[
            "annotate",
            "--layers",
            "events",
            "--published",
            "2015-04-07",
            "--text",
            body,
        ],
    );
    let v: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    let mut annotated: Vec<(String, String, String, String, String)> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["trigger_text"].as_str().unwrap().to_string(),
                name(&e["source"]),
                name(&e["target"]),
                e["date"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    stored.sort();
    annotated.sort();
    annotated.dedup();
    stored.dedup();
    assert!(annotated.len() >= 2, "{annotated:?}");
    assert!(annotated.iter().any(|e| e.0 == "CONSULT"), "{annotated:?}");
    assert_eq!(stored, annotated);
}
