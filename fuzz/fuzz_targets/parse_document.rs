//! Any bytes as an input file: decoding, format detection, every parser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = rasd_ingest::Options::default();
    for name in ["input.txt", "input.json", "input.jsonl", "input.html"] {
        if let Ok(parsed) = rasd_ingest::parse_document(data, name, &opts) {
            for a in &parsed.articles {
                assert!(a.body_alignment.copied_len() <= a.body.len());
            }
        }
    }
});
