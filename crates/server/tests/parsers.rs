//! The API's parsers of untrusted input never panic, and what they accept
//! is well formed (the same properties as fuzz/fuzz_targets/api_request.rs).

use proptest::prelude::*;
use rasd_server::api::documents;
use rasd_server::catalog::Desc;
use rasd_server::params::{decode_cursor, encode_cursor, Params};

proptest! {
    #[test]
    fn query_strings_never_panic(q in "\\PC{0,200}") {
        if let Ok(mut p) = Params::parse(Some(&q)) {
            let limit = p.limit();
            if let Ok(n) = limit {
                prop_assert!((1..=200).contains(&n));
            }
            let _ = p.date("since");
            let _ = p.bool("negated");
            let _ = p.cursor::<(Desc<usize>, i64)>();
            let _ = p.finish();
        }
    }

    #[test]
    fn cursors_round_trip_and_junk_is_refused(size in 0usize..1_000_000, id in any::<i64>(), junk in "\\PC{0,64}") {
        let c = encode_cursor(&(Desc(size), id));
        prop_assert_eq!(decode_cursor::<(Desc<usize>, i64)>(&c).ok(), Some((Desc(size), id)));
        let _ = decode_cursor::<(Desc<usize>, i64)>(&junk);
    }

    #[test]
    fn uploads_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400), name in proptest::option::of("\\PC{0,40}"), k in 0usize..4) {
        let ct = ["application/json", "text/plain", "text/html", "image/png"][k];
        if let Ok(docs) = documents(ct, name, &body) {
            for (n, _) in docs {
                prop_assert!(n.starts_with("api:"));
                prop_assert!(!n.contains(".."), "{}", n);
            }
        }
    }

    #[test]
    fn json_uploads_become_one_line_per_article(titles in proptest::collection::vec("\\PC{0,30}", 1..5)) {
        let articles: Vec<serde_json::Value> = titles
            .iter()
            .map(|t| serde_json::json!({"title": t, "body": format!("نص {t}")}))
            .collect();
        let body = serde_json::to_vec(&serde_json::json!({ "articles": articles })).unwrap();
        let docs = documents("application/json; charset=utf-8", None, &body).unwrap();
        prop_assert_eq!(docs.len(), 1);
        prop_assert_eq!(docs[0].1.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count(), titles.len());
    }
}
