//! Search queries from untrusted input: parsing never panics, and a query
//! that parses (with the input also given as spelling variants) never makes
//! an FTS5 error; snippets slice the text on character boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_search::{index_terms, search, snippets, Query, QueryError, MAX_QUERY_BYTES};
use rasd_store::{SearchTerms, SqliteStore, Store};
use std::cell::RefCell;

const TEXT: &str = "استقبل المشير خليفة حفتر في بنغازي وفداً من القاهرة، وقال لحفتر إن «الوضع» مستقرّ. NEAR AND OR 3.5%";

thread_local! {
    static STORE: RefCell<SqliteStore> = RefCell::new({
        let mut s = SqliteStore::open_in_memory().unwrap();
        let t = index_terms(TEXT);
        s.replace_search_index(
            &[(1, SearchTerms { title: t.stems.clone(), body: t.stems, title_extra: t.extra.clone(), body_extra: t.extra })],
            1,
        )
        .unwrap();
        s
    });
}

fuzz_target!(|input: (&str, &str)| {
    let (q, text) = input;
    match Query::parse(q) {
        Ok(query) => {
            let alts = vec![vec![q.to_string(), text.to_string()]; query.terms().len()];
            let m = query.search_match(&alts);
            STORE.with(|s| {
                let s = s.borrow();
                if let Err(e) = s.search_count(&m, 10) {
                    panic!("{q:?} -> {}: {e}", rasd_store::fts5_expression(&m));
                }
                search(&*s, &query, &alts, 10, 0).unwrap();
            });
            for sn in snippets(text, &query, &alts, 3, 40) {
                assert!(text.get(sn.start..sn.end).is_some());
                for (a, b) in sn.highlights {
                    assert!(sn.start <= a && a < b && b <= sn.end);
                    assert!(text.get(a..b).is_some());
                }
            }
        }
        Err(QueryError::TooLong { bytes, .. }) => assert!(bytes > MAX_QUERY_BYTES),
        Err(_) => {}
    }
});
