//! `rasd watch DIR`: one round at a time (`--once`) and the long-running
//! watcher as a child process. The articles are our own writing.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::rasd;

const PARK: &str = "افتتاح حديقة عامة في وسط المدينة\n\nافتتح رئيس البلدية صباح اليوم الأحد حديقة عامة جديدة في وسط المدينة، تضم ممرات للمشي وملاعب للأطفال ومساحات خضراء واسعة، وقال إن المشروع استغرق عامين من العمل.\n";

const FAIR: &str = "<html><head><title>معرض للكتاب في المدينة</title></head><body><article><h1>معرض للكتاب في المدينة</h1><p>انطلق مساء اليوم معرض الكتاب السنوي بمشاركة عشرات دور النشر المحلية، ويستمر المعرض أسبوعا كاملا مع ندوات يومية يلتقي فيها القراء بالكتاب.</p></article></body></html>";

const RAIN: &str = "أمطار غزيرة على المناطق الساحلية\n\nهطلت أمطار غزيرة اليوم على المناطق الساحلية، وأعلنت هيئة الأرصاد أن الطقس سيبقى ماطرا حتى نهاية الأسبوع، ودعت السائقين إلى الحذر على الطرق السريعة.\n";

fn titles(db: &Path) -> Vec<String> {
    let o = rasd(db, &["articles", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON line");
            v["title"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

fn once(db: &Path, dir: &Path) -> Value {
    let o = rasd(db, &["watch", dir.to_str().unwrap(), "--once", "--json"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(out.lines().count(), 1, "one line per round: {out}");
    serde_json::from_str(out.trim()).expect("a JSON round")
}

#[test]
fn once_ingests_new_files_skips_partial_ones_and_records_failures() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let db = dir.path().join("t.db");
    std::fs::write(input.join("park.txt"), PARK).unwrap();

    let r = once(&db, &input);
    assert_eq!(
        (&r["files"], &r["new"], &r["failed"], &r["articles"]),
        (&1.into(), &1.into(), &0.into(), &1.into()),
        "{r}"
    );
    assert_eq!(titles(&db), ["افتتاح حديقة عامة في وسط المدينة"]);

    // A second file in a subfolder, a download still in progress, a hidden
    // file and binary garbage.
    std::fs::create_dir(input.join("sub")).unwrap();
    std::fs::write(input.join("sub/fair.html"), FAIR).unwrap();
    std::fs::write(input.join("rain.txt.part"), RAIN).unwrap();
    std::fs::write(input.join(".rain.txt"), RAIN).unwrap();
    let mut x: u32 = 7;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    std::fs::write(input.join("garbage.bin"), &garbage).unwrap();

    let r = once(&db, &input);
    // park.txt is known to the store: read and hashed, not stored again.
    assert_eq!(
        (
            &r["files"],
            &r["new"],
            &r["unchanged"],
            &r["failed"],
            &r["articles"]
        ),
        (&3.into(), &1.into(), &1.into(), &1.into(), &1.into()),
        "{r}"
    );
    assert_eq!(
        titles(&db),
        ["افتتاح حديقة عامة في وسط المدينة", "معرض للكتاب في المدينة"]
    );
    // The failure is recorded in the store.
    let o = rasd(&db, &["problems"]);
    let problems = String::from_utf8(o.stdout).unwrap();
    assert!(
        problems.contains("garbage.bin") && problems.contains("binary"),
        "{problems}"
    );

    // The partial download completes: renamed, it is taken.
    std::fs::rename(input.join("rain.txt.part"), input.join("rain.txt")).unwrap();
    let r = once(&db, &input);
    assert_eq!(r["articles"], 1, "{r}");
    assert_eq!(titles(&db).len(), 3);

    // A changed file is ingested again.
    std::fs::write(input.join("park.txt"), PARK.replace("عامين", "ثلاثة أعوام")).unwrap();
    let r = once(&db, &input);
    assert_eq!((&r["new"], &r["articles"]), (&1.into(), &1.into()), "{r}");

    // The text line.
    let o = rasd(&db, &["watch", input.to_str().unwrap(), "--once"]);
    assert!(o.status.success());
    let line = String::from_utf8(o.stdout).unwrap();
    assert!(line.contains("0 articles added"), "{line}");

    // A missing folder is an error.
    let o = rasd(&db, &["watch", dir.path().join("nope").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_watcher_picks_up_a_dropped_file_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let db = dir.path().join("t.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .arg("--db")
        .arg(&db)
        .args(["watch", input.to_str().unwrap(), "--interval", "1"])
        .env_remove("RASD_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start rasd watch");
    // Written under a temporary name, then renamed, as a downloader does.
    std::fs::write(input.join("rain.tmp"), RAIN).unwrap();
    std::fs::rename(input.join("rain.tmp"), input.join("rain.txt")).unwrap();
    let t0 = Instant::now();
    let mut found = false;
    while t0.elapsed() < Duration::from_secs(20) {
        if db.exists() && titles(&db).iter().any(|t| t.contains("أمطار غزيرة")) {
            found = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let still_running = child.try_wait().unwrap().is_none();
    // SIGTERM stops it cleanly between rounds.
    #[cfg(unix)]
    let stopped = {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let t1 = Instant::now();
        loop {
            match child.try_wait().unwrap() {
                Some(st) => break Some(st),
                None if t1.elapsed() > Duration::from_secs(20) => break None,
                None => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(still_running, "the watcher exited early");
    assert!(found, "the dropped file was not ingested within 20 s");
    #[cfg(unix)]
    assert!(
        stopped.is_some_and(|s| s.success()),
        "SIGTERM did not stop the watcher cleanly: {stopped:?}"
    );
}
