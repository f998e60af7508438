//! WARC reading: never panics, on plain or gzipped bytes, listed from a file
//! or parsed whole in memory.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"WARC/1.1\r\n".to_vec();
    bytes.extend_from_slice(data);
    let _ = rasd_ingest::warc::parse(&bytes);
    let _ = rasd_ingest::source_text(&bytes);
    for gz in [false, true] {
        let _ = rasd_ingest::warc::scan(Cursor::new(&bytes[..]), gz, &mut |_| {});
        let _ = rasd_ingest::warc::scan(Cursor::new(data), gz, &mut |_| {});
    }
    let _ = rasd_ingest::parse_document(data, "x.warc.gz", &Default::default());
});
