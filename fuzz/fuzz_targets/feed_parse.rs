//! Feed parsing (RSS, Atom, JSON Feed via feed-rs) and the page check must
//! not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = rasd_feeds::parse_feed(data, Some("http://127.0.0.1/feed.xml")) {
        for it in &f.items {
            assert!(!it.key.is_empty());
        }
    }
    let _ = rasd_feeds::check_page(data, Some("text/html; charset=windows-1256"));
    let _ = rasd_feeds::check_page(data, None);
});
