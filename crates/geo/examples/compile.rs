//! Compiles the Arabic gazetteer into `data/gazetteer.bin`:
//!
//! ```sh
//! cargo run --release -p rasd-geo --example compile -- \
//!     --gazetteer /work/shared/gazetteer/arabic_gazetteer.tsv \
//!     --out crates/geo/data/gazetteer.bin
//! ```
//!
//! Options: `--aliases PATH` and `--demonyms PATH` (default: the crate's
//! `data/aliases.tsv` and `data/demonyms.tsv`). The output is deterministic.
//! Rebuild rasd afterwards: the file is embedded with `include_bytes!`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut gaz = None;
    let mut out = format!("{dir}/data/gazetteer.bin");
    let mut aliases = format!("{dir}/data/aliases.tsv");
    let mut demonyms = format!("{dir}/data/demonyms.tsv");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_default();
        match a.as_str() {
            "--gazetteer" => gaz = Some(val()),
            "--out" => out = val(),
            "--aliases" => aliases = val(),
            "--demonyms" => demonyms = val(),
            _ => {
                eprintln!(
                    "usage: compile --gazetteer TSV [--out BIN] [--aliases TSV] [--demonyms TSV]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(gaz) = gaz else {
        eprintln!("compile: --gazetteer is required");
        return ExitCode::from(2);
    };
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"));
    let run = || -> Result<(), String> {
        let t = std::time::Instant::now();
        let c = rasd_geo::compile::compile(&read(&gaz)?, &read(&aliases)?, &read(&demonyms)?)?;
        // Check that it decodes before writing it.
        let g = rasd_geo::Gazetteer::from_bytes(&c.bytes)?;
        assert_eq!(g.len(), c.places);
        std::fs::write(&out, &c.bytes).map_err(|e| format!("{out}: {e}"))?;
        println!(
            "{out}: {} bytes; {} places ({} with Arabic names, {} variants), {} keys \
             ({} ambiguous), {} entries; {} aliases added, {} variants removed; {:.2} s",
            c.bytes.len(),
            c.places,
            c.with_arabic,
            c.variants,
            c.keys,
            c.ambiguous_keys,
            c.entries,
            c.aliases_added,
            c.variants_removed,
            t.elapsed().as_secs_f64()
        );
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compile: {e}");
            ExitCode::FAILURE
        }
    }
}
