//! Time expressions (the recogniser and resolver the pipeline runs on every
//! field, `rasd_time::extract`) against any publication date and
//! preference: never panics, spans are non-empty, ordered and slice the text.
#![no_main]
use jiff::civil;
use libfuzzer_sys::fuzz_target;
use rasd_time::{extract, Context, Prefer};

fuzz_target!(|input: (u8, u16, u8, u8, u8, u8, &str)| {
    let (sel, year, month, day, hour, minute, text) = input;
    // Publication dates as stored: years 1000 to 3000 (or none).
    let anchor = if sel & 1 == 0 {
        None
    } else {
        let y = 1000 + (year % 2001) as i16;
        let m = 1 + (month % 12) as i8;
        let d = 1 + (day % 31) as i8;
        let (h, mi) = if sel & 2 == 0 { (0, 0) } else { ((hour % 24) as i8, (minute % 60) as i8) };
        civil::DateTime::new(y, m, d, h, mi, 0, 0).ok()
    };
    let prefer = if sel & 4 == 0 { Prefer::Past } else { Prefer::Future };
    let ctx = Context { anchor, prefer };
    let mut prev_end = 0;
    for t in extract(text, &ctx) {
        assert!(t.start < t.end, "empty span {t:?}");
        assert!(text.get(t.start..t.end).is_some(), "{t:?} does not slice {text:?}");
        assert!(t.start >= prev_end, "overlapping {t:?}");
        prev_end = t.end;
    }
});
