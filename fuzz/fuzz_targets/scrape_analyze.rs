//! Scraped-page structure: never panics, bodies and regions map into the page.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_ingest::scrape::{analyze, Hints};

fuzz_target!(|text: &str| {
    for a in analyze(text, &Hints::default()) {
        for s in a.body_alignment.segments() {
            assert_eq!(&a.body.as_bytes()[s.dst..s.dst + s.len], &text.as_bytes()[s.src..s.src + s.len]);
        }
        for r in &a.regions {
            assert!(text.get(r.span.start..r.span.end).is_some());
        }
    }
});
