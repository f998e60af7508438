//! Text decoding of input bytes (BOMs, UTF-8, legacy encodings guessed by
//! chardetng) and format detection: never panics; valid UTF-8 without a BOM
//! comes back unchanged; a guessed legacy decoding has no replacement
//! characters; the source text of a non-WARC input is its decoding.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_ingest::decode::{decode, is_zip};

fuzz_target!(|data: &[u8]| {
    let _ = is_zip(data);
    let res = decode(data);
    if let Ok(d) = &res {
        // The decoded text is a String, so valid UTF-8 by construction;
        // check that it also survives a round trip through bytes.
        assert!(std::str::from_utf8(d.text.as_bytes()).is_ok());
        let bom = d.encoding.ends_with(" BOM");
        if !bom {
            if let Ok(s) = std::str::from_utf8(data) {
                assert_eq!(d.encoding, "UTF-8");
                assert_eq!(d.text, s);
            } else {
                assert_ne!(d.encoding, "UTF-8");
                assert!(!d.text.contains('\u{FFFD}'), "{} decoding with U+FFFD", d.encoding);
            }
        }
        for name in ["x.txt", "x.json", "x.jsonl", "x.html"] {
            let _ = rasd_ingest::detect_format(&d.text, name);
        }
    }
    if rasd_ingest::warc::sniff(data).is_none() {
        assert_eq!(rasd_ingest::source_text(data), res);
    }
});
