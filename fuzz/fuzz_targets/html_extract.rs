//! HTML extraction: never panics, alignment copies source bytes exactly.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|html: &str| {
    let page = rasd_ingest::html::extract(html);
    for s in page.alignment.segments() {
        assert_eq!(&page.text.as_bytes()[s.dst..s.dst + s.len], &html.as_bytes()[s.src..s.src + s.len]);
    }
    let _ = rasd_ingest::html::looks_like_html(html);
});
