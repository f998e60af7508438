//! Search over a real (in-memory) SQLite store: folding and clitics,
//! phrases, exclusions, variants, ranking, paging, re-indexing, and input
//! that tries to break FTS5. The fixture sentences are written for these
//! tests.

use rasd_doc::{Article, ArticleKind, Field};
use rasd_search::{
    article_terms, index_terms, search, search_text, Query, SearchPage, SEARCH_VERSION,
};
use rasd_store::{InputBatch, SearchTerms, SqliteStore, Stage, Store};

const ARTICLES: [(&str, &str); 5] = [
    (
        "حفتر يلتقي وفدا أمميا في بنغازي",
        "استقبل المشير خليفة حفتر وفدا من الأمم المتحدة في بنغازي، وناقش معه الوضع الأمني شرق ليبيا. وقال مكتب حفتر إن اللقاء كان إيجابيا، وإن ليبيا تحتاج إلى الاستقرار.",
    ),
    (
        "اجتماع في القاهرة حول ليبيا",
        "عقد وزير الخارجية المصري اجتماعا في القاهرة، وتطرق الحديث إلى الدعم المقدم لحفتر. ثم زار الوفد مستشفى المدينة للاطمئنان على الجرحى.",
    ),
    (
        "افتتاح مدرسة جديدة في الحي الشمالي",
        "افتتح احمد السعيد مدرسه جديدة، وقال إن وزارة التعليم ستدعم المشروع. ونقلت وسائل إعلام محلية ترحيبا بحفتر في الحفل.",
    ),
    (
        "تقرير عن الخدمات الصحية",
        "أعلن إحمد الزهراني أن مستشفي الملك سيفتتح قسما جديدا، وقال الوزير إن الخارجية لم تعلق بعد على الخطة.",
    ),
    (
        "رحلة إلى الرياض",
        "وصل أَحْمَدُ إلى الرياض، وزار المَدْرَسَةِ الدولية ثم التقى يونس بك يفكوروف. وتحدث الضيوف عن العلاقة مع وحفتر في المساء.",
    ),
];

fn article(i: usize, title: &str, body: &str) -> Article {
    let mut a = Article::new(ArticleKind::Page, i as u32);
    a.title = Some(title.to_string());
    a.body = body.to_string();
    a.publisher = Some("example.org".into());
    a
}

/// A store holding the fixture articles (ids 1..=5), indexed.
fn store() -> SqliteStore {
    let s = store_of(&ARTICLES);
    assert!(s
        .articles_needing(Stage::Search, SEARCH_VERSION, 0, 100)
        .unwrap()
        .is_empty());
    s
}

/// A store holding `articles` (ids from 1), indexed.
fn store_of(fixture: &[(&str, &str)]) -> SqliteStore {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let articles: Vec<Article> = fixture
        .iter()
        .enumerate()
        .map(|(i, (t, b))| article(i, t, b))
        .collect();
    let raw = rasd_store::compress(b"fixture");
    s.write_input(&InputBatch {
        path: "fixture.jsonl",
        archive: None,
        sha256: "00",
        size: 7,
        format: "jsonl",
        encoding: "UTF-8",
        raw_deflated: &raw,
        records: articles.len() as u32,
        articles: &articles,
        rejects: &[],
        error: None,
        timexes: &[],
        time_version: 0,
        entities: &[],
        entity_version: 0,
        ..Default::default()
    })
    .unwrap();
    let ids = s
        .articles_needing(Stage::Search, SEARCH_VERSION, 0, 100)
        .unwrap();
    assert_eq!(ids, (1..=fixture.len() as i64).collect::<Vec<_>>());
    let items: Vec<(i64, SearchTerms)> = ids
        .iter()
        .map(|&id| (id, article_terms(&s.article(id).unwrap().unwrap().article)))
        .collect();
    s.replace_search_index(&items, SEARCH_VERSION).unwrap();
    s
}

fn page(s: &SqliteStore, q: &str) -> SearchPage {
    search_text(s, q, 10, 0).unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn ids(s: &SqliteStore, q: &str) -> Vec<i64> {
    page(s, q).hits.iter().map(|h| h.article_id).collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

#[test]
fn clitics_find_the_bare_word_and_back() {
    let s = store();
    // حفتر, لحفتر, بحفتر, وحفتر
    assert_eq!(sorted(ids(&s, "حفتر")), [1, 2, 3, 5]);
    // والقاهرة finds القاهرة; القاهرة and قاهرة find it too.
    assert_eq!(ids(&s, "والقاهرة"), [2]);
    assert_eq!(ids(&s, "القاهرة"), [2]);
    assert_eq!(ids(&s, "بالقاهرة"), [2]);
}

#[test]
fn letter_forms_and_diacritics_are_folded() {
    let s = store();
    // أحمد / احمد / إحمد / أَحْمَدُ
    for q in ["أحمد", "احمد", "إحمد", "أَحْمَدُ"] {
        assert_eq!(sorted(ids(&s, q)), [3, 4, 5], "{q}");
    }
    // مدرسة / مدرسه / المَدْرَسَةِ
    for q in ["مدرسة", "مدرسه", "المدرسة", "مَدْرَسَة"] {
        assert_eq!(sorted(ids(&s, q)), [3, 5], "{q}");
    }
    // مستشفى / مستشفي, and tatweel
    for q in ["مستشفى", "مستشفي", "مستشـــفى", "المستشفى"] {
        assert_eq!(sorted(ids(&s, q)), [2, 4], "{q}");
    }
}

#[test]
fn phrases_and_exclusions() {
    let s = store();
    assert_eq!(sorted(ids(&s, "وزير الخارجية")), [2, 4]);
    assert_eq!(ids(&s, r#""وزير الخارجية""#), [2]);
    assert_eq!(ids(&s, "«لوزير الخارجية»"), [2]);
    assert_eq!(sorted(ids(&s, "حفتر -القاهرة")), [1, 3, 5]);
    assert_eq!(sorted(ids(&s, r#"حفتر -"الوضع الأمني""#)), [2, 3, 5]);
    // A phrase does not match across the extra forms.
    assert!(ids(&s, r#""قاهره والقاهره""#).is_empty());
}

#[test]
fn title_matches_rank_above_body_matches() {
    let s = store();
    // Article 1 names ليبيا twice in its body, article 2 once in its title.
    assert_eq!(ids(&s, "ليبيا"), [2, 1]);
    let p = page(&s, "حفتر");
    assert_eq!(p.hits[0].article_id, 1);
    assert!(p.hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn exact_forms_rank_above_other_forms() {
    let s = store_of(&[
        ("خبر أول", "وصل الوفد الرسمي إلى القاهرة صباح اليوم."),
        ("خبر ثان", "غادر الوفد الرسمي والقاهرة تستعد للقمة."),
        ("خبر ثالث", "قال مصدر مقرب لحفتر إن الاجتماع تأجل."),
        ("خبر رابع", "قال مصدر مقرب إن حفتر أجل الاجتماع."),
    ]);
    assert_eq!(ids(&s, "والقاهرة"), [2, 1]);
    assert_eq!(ids(&s, "القاهرة"), [1, 2]);
    assert_eq!(ids(&s, "حفتر"), [4, 3]);
}

#[test]
fn variants_are_searched_and_highlighted() {
    let s = store();
    let q = Query::parse("يفكيروف").unwrap();
    assert!(search(&s, &q, &[], 10, 0).unwrap().hits.is_empty());
    let alts = vec![vec!["يفكوروف".to_string(), "يونس بك يفكيروف".to_string()]];
    let p = search(&s, &q, &alts, 10, 0).unwrap();
    assert_eq!(p.hits.len(), 1);
    assert_eq!(p.hits[0].article_id, 5);
    let body = ARTICLES[4].1;
    let sn = p.hits[0]
        .snippets
        .iter()
        .find(|s| s.field == Field::Body)
        .unwrap();
    let hl: Vec<&str> = sn.highlights.iter().map(|&(a, b)| &body[a..b]).collect();
    assert_eq!(hl, ["يفكوروف"]);
}

#[test]
fn snippets_point_into_the_original_fields() {
    let s = store();
    let p = page(&s, "حفتر");
    for h in &p.hits {
        let (title, body) = ARTICLES[(h.article_id - 1) as usize];
        assert!(!h.snippets.is_empty());
        for sn in &h.snippets {
            let text = match sn.field {
                Field::Title => title,
                _ => body,
            };
            assert_eq!(&text[sn.start..sn.end], sn.text);
            for &(a, b) in &sn.highlights {
                assert!(sn.start <= a && b <= sn.end);
                assert!(text[a..b].contains("حفتر"), "{}", &text[a..b]);
            }
        }
    }
    // The title snippet is the whole title, highlighted.
    let t = &p.hits[0].snippets[0];
    assert_eq!(t.field, Field::Title);
    assert_eq!(t.text, ARTICLES[0].0);
    assert_eq!(t.highlights, [(0, "حفتر".len())]);
    // A hit whose body does not match shows the body's beginning.
    let p = page(&s, "الشمالي");
    let b = p.hits[0]
        .snippets
        .iter()
        .find(|s| s.field == Field::Body)
        .unwrap();
    assert!(b.highlights.is_empty());
    assert_eq!(b.start, 0);
    assert!(ARTICLES[2].1.starts_with(&b.text));
}

#[test]
fn paging_and_counts() {
    let s = store();
    let all = ids(&s, "حفتر");
    let p1 = search_text(&s, "حفتر", 2, 0).unwrap();
    let p2 = search_text(&s, "حفتر", 2, 2).unwrap();
    let p3 = search_text(&s, "حفتر", 2, 4).unwrap();
    assert_eq!((p1.total, p2.total, p3.total), (4, 4, 4));
    assert!(!p1.total_capped);
    let paged: Vec<i64> = [p1, p2]
        .iter()
        .flat_map(|p| p.hits.iter().map(|h| h.article_id))
        .collect();
    assert_eq!(paged, all);
    assert!(p3.hits.is_empty());
    let expr = Query::parse("حفتر").unwrap().search_match(&[]);
    assert_eq!(s.search_count(&expr, 2).unwrap(), 2);
    assert_eq!(s.search_count(&expr, 100).unwrap(), 4);
    // JSON for the API.
    let j = serde_json::to_value(page(&s, "القاهرة")).unwrap();
    assert_eq!(j["hits"][0]["snippets"][0]["field"], "title");
    assert_eq!(j["total"], 1);
}

#[test]
fn reindexing_replaces_an_article_row() {
    let mut s = store();
    let t = index_terms("افتتاح مدرسة جديدة");
    let b = index_terms("ونقلت وسائل الإعلام ترحيبا بالسراج في الحفل.");
    s.replace_search_index(
        &[(
            3,
            SearchTerms {
                title: t.stems,
                title_extra: t.extra,
                body: b.stems,
                body_extra: b.extra,
            },
        )],
        SEARCH_VERSION,
    )
    .unwrap();
    assert_eq!(sorted(ids(&s, "حفتر")), [1, 2, 5]);
    assert_eq!(ids(&s, "السراج"), [3]);
    assert!(ids(&s, "الشمالي").is_empty());
    // Indexing all again changes nothing and leaves one row per article.
    let items: Vec<(i64, SearchTerms)> = (1..=5)
        .map(|id| (id, article_terms(&s.article(id).unwrap().unwrap().article)))
        .collect();
    s.replace_search_index(&items, SEARCH_VERSION).unwrap();
    s.replace_search_index(&items, SEARCH_VERSION).unwrap();
    assert_eq!(sorted(ids(&s, "حفتر")), [1, 2, 3, 5]);
    let expr = Query::parse("في").unwrap().search_match(&[]);
    assert_eq!(s.search_count(&expr, 100).unwrap(), 4); // not in article 4
                                                        // An older version is picked up again by the stage.
    assert_eq!(
        s.articles_needing(Stage::Search, SEARCH_VERSION + 1, 0, 100)
            .unwrap(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(s.integrity_check().unwrap(), "ok");
}

#[test]
fn an_outdated_index_is_dropped_whole() {
    let mut s = store();
    // Nothing older than the current version: kept.
    assert!(!s.drop_search_index_below(SEARCH_VERSION).unwrap());
    assert_eq!(sorted(ids(&s, "حفتر")), [1, 2, 3, 5]);
    // A newer version: everything is dropped and needs indexing again.
    assert!(s.drop_search_index_below(SEARCH_VERSION + 1).unwrap());
    assert!(ids(&s, "حفتر").is_empty());
    assert_eq!(
        s.articles_needing(Stage::Search, SEARCH_VERSION, 0, 100)
            .unwrap(),
        [1, 2, 3, 4, 5]
    );
    let items: Vec<(i64, SearchTerms)> = (1..=5)
        .map(|id| (id, article_terms(&s.article(id).unwrap().unwrap().article)))
        .collect();
    s.replace_search_index(&items, SEARCH_VERSION).unwrap();
    assert_eq!(sorted(ids(&s, "حفتر")), [1, 2, 3, 5]);
    assert_eq!(s.integrity_check().unwrap(), "ok");
}

#[test]
fn fts_syntax_in_user_input_never_errors() {
    let s = store();
    for q in [
        r#"""#,
        r#""""#,
        r#"حفتر""#,
        r#""حفتر"#,
        "حفتر*",
        "*",
        "NEAR(حفتر",
        "NEAR(حفتر ليبيا, 2)",
        "حفتر AND",
        "AND OR NOT",
        "حفتر OR ليبيا",
        "حفتر NOT ليبيا",
        "^حفتر",
        "title:حفتر",
        "body : حفتر",
        "{title} : حفتر",
        "(حفتر",
        "حفتر)",
        "- -- ---حفتر",
        "-\"\"",
        "+حفتر",
        "'حفتر'",
        "حفتر\u{0}ليبيا",
        "\u{200f}حفتر\u{200e}",
        "«حفتر",
        "#حفتر_ليبيا",
        "@حفتر",
        "١٢٣",
        "3.5 %",
    ] {
        match Query::parse(q) {
            Ok(query) => {
                search(&s, &query, &[vec![q.to_string()]], 10, 0)
                    .unwrap_or_else(|e| panic!("{q:?}: {e}"));
            }
            Err(_) => assert!(search_text(&s, q, 10, 0).is_err()),
        }
    }
    assert_eq!(ids(&s, "حفتر*"), ids(&s, "حفتر"));
    assert_eq!(ids(&s, "title:حفتر").len(), 0);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn arabicish() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                proptest::char::range('\u{0621}', '\u{0655}'),
                Just(' '),
                Just('"'),
                Just('-'),
                Just('*'),
                Just('('),
                Just(':'),
                Just('^'),
                Just('«'),
                Just('#'),
                Just('_'),
                proptest::char::any(),
            ],
            0..40,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn any_query_runs(q in arabicish(), alt in arabicish()) {
            let s = store();
            if let Ok(query) = Query::parse(&q) {
                let p = search(&s, &query, &[vec![alt]], 10, 0);
                prop_assert!(p.is_ok(), "{:?}: {:?}", q, p.err());
            }
        }
    }
}
