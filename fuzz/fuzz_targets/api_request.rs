//! The HTTP API's parsers of untrusted input: query strings (strict
//! parameters, dates, counts, cursors) and upload bodies (JSON articles,
//! raw text or HTML) never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_server::params::{decode_cursor, Params};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    match sel % 3 {
        0 => {
            let q = String::from_utf8_lossy(rest);
            if let Ok(mut p) = Params::parse(Some(&q)) {
                let _ = p.limit();
                let _ = p.date("since");
                let _ = p.bool("negated");
                let _ = p.choice("sort", &["size", "recent"], "size");
                let _ = p.cursor::<(rasd_server::catalog::Desc<Option<String>>, i64)>();
                let _ = p.text("q");
                let _ = p.finish();
            }
        }
        1 => {
            let c = String::from_utf8_lossy(rest);
            let _ = decode_cursor::<(rasd_server::catalog::Desc<usize>, i64)>(&c);
            let _ = decode_cursor::<usize>(&c);
        }
        _ => {
            let ctypes = ["application/json", "text/plain", "text/html; charset=utf-8", "", "image/png"];
            let ct = ctypes[rest.first().copied().unwrap_or(0) as usize % ctypes.len()];
            let name = rest.get(1..9).map(|b| String::from_utf8_lossy(b).into_owned());
            let _ = rasd_server::api::documents(ct, name, rest.get(1..).unwrap_or(&[]));
        }
    }
});
