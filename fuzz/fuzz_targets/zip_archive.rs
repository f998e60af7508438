//! Zip archives given as inputs: listing their members (nested archives too)
//! and reading them back never panics, and no member read is over the limit.
//! The listing code takes paths, so the bytes are written to a file `x.zip`
//! in a directory of this process's own.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_ingest::source::{list, read, read_members, Leaf};
use std::path::PathBuf;

/// Small, so that a zip bomb stays cheap.
const LIMIT: u64 = 256 * 1024;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("rasd-fuzz-zip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p: PathBuf = dir.join("x.zip");
    std::fs::write(&p, data).unwrap();
    let (leaves, _errors) = list(&[p.clone()], LIMIT);
    let name = p.display().to_string();
    for l in &leaves {
        assert!(l.path.starts_with(&name), "{} not under {name}", l.path);
    }
    // Members in groups of one archive each, as ingest reads them.
    let mut groups: Vec<Vec<Leaf>> = Vec::new();
    for l in leaves.iter().take(64) {
        match groups.last_mut() {
            Some(g) if g[0].archive == l.archive => g.push(l.clone()),
            _ => groups.push(vec![l.clone()]),
        }
    }
    for g in &groups {
        let got = read_members(g, LIMIT);
        assert_eq!(got.len(), g.len());
        for b in got.into_iter().flatten() {
            assert!(b.len() as u64 <= LIMIT);
        }
    }
    for l in leaves.iter().take(8) {
        if let Ok(b) = read(l, LIMIT) {
            assert!(b.len() as u64 <= LIMIT);
        }
    }
    // Leave nothing behind (the next input writes it again).
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_dir(&dir);
});
