//! Date recognition: never panics, spans slice the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for f in rasd_time::find_dates(text) {
        assert!(text.get(f.start..f.end).is_some());
    }
    let _ = rasd_time::parse_date_line(text);
});
