use super::*;
use proptest::prelude::*;

fn art(id: i64, day: i32, text: &str, entities: &[&str]) -> ArticleInput {
    ArticleInput {
        id,
        day: Some(day),
        terms: term_counts(text),
        entities: entities.iter().map(|e| (e.to_string(), 2)).collect(),
        duplicate_of: None,
    }
}

const VISIT: &str = "وصل نائب وزير الدفاع سامر العلي إلى مدينة الساحل في زيارة رسمية \
    التقى خلالها القائد العسكري مراد الحسن وبحث معه التعاون العسكري وتدريب القوات \
    وتزويدها بالمعدات، وقالت مصادر إن الزيارة تناولت الوضع الأمني في المنطقة.";
const VISIT2: &str = "استقبل القائد العسكري مراد الحسن في مدينة الساحل نائب وزير الدفاع سامر \
    العلي، وبحث الجانبان التعاون العسكري وتدريب القوات والمعدات العسكرية والوضع الأمني.";
const FLOOD: &str = "اجتاحت السيول قرى الوادي الشمالي بعد أمطار غزيرة، وغمرت المياه المنازل \
    والمزارع، وأعلن الدفاع المدني إجلاء مئات الأسر إلى المدارس وإغلاق الطرق.";
const FLOOD2: &str = "تواصلت عمليات إجلاء الأسر من قرى الوادي الشمالي بعد السيول التي غمرت \
    المنازل والمزارع، وفتحت المدارس أبوابها للمتضررين من الأمطار الغزيرة.";
const LATE: &str = "عاد نائب وزير الدفاع سامر العلي إلى مدينة الساحل بعد أشهر من زيارته الأولى \
    والتقى القائد العسكري مراد الحسن لمتابعة اتفاق التعاون العسكري وتدريب القوات.";
const LATE_OTHER: &str = "افتتح سامر العلي معرضا للكتاب في العاصمة بمشاركة دور النشر، وتضمن \
    المعرض ندوات أدبية وأمسيات شعرية وتوقيع روايات جديدة لكتاب شباب.";

const A: &str = "PER:سامر العلي";
const B: &str = "PER:مراد الحسن";

#[test]
fn terms_are_folded_stems_without_stop_words() {
    let t = term_counts("وزارة الدفاع والوزارة، في الدفاع! 2024");
    let keys: Vec<&str> = t.iter().map(|(k, _)| k.as_str()).collect();
    assert!(!keys.contains(&"في"), "{keys:?}");
    assert!(
        !keys.iter().any(|k| k.chars().any(|c| c.is_ascii_digit())),
        "{keys:?}"
    );
    let dif = t
        .iter()
        .find(|(k, _)| k == "دفاع")
        .expect("the stem of الدفاع");
    assert_eq!(dif.1, 2);
}

#[test]
fn reports_of_one_event_form_one_story_and_another_event_another() {
    let mut c = Clusterer::new(Params::default());
    let a1 = c.add(&art(1, 100, VISIT, &[A, B]));
    let f1 = c.add(&art(2, 100, FLOOD, &[]));
    let a2 = c.add(&art(3, 101, VISIT2, &[A, B]));
    let f2 = c.add(&art(4, 102, FLOOD2, &[]));
    assert!(a1.new_story && f1.new_story);
    assert_ne!(a1.story, f1.story);
    assert_eq!(a2.story, a1.story, "same visit, next day");
    assert_eq!(f2.story, f1.story, "same floods, two days later");
    assert!(!a2.new_story && a2.score < 1.0);
    assert_eq!(c.stories[a1.story].articles, vec![1, 3]);
    assert_eq!(c.stories[a1.story].first_day, Some(100));
    assert_eq!(c.stories[a1.story].last_day, Some(101));
}

#[test]
fn a_late_article_joins_only_with_the_core_actors_and_the_subject() {
    let mut c = Clusterer::new(Params::default());
    let s = c.add(&art(1, 100, VISIT, &[A, B])).story;
    c.add(&art(2, 101, VISIT2, &[A, B]));
    // Two months later, same actors and subject: the story goes on.
    let late = c.add(&art(3, 160, LATE, &[A, B]));
    assert_eq!(late.story, s);
    assert_eq!(c.stories[s].last_day, Some(160));
    // Two months later again, one of the actors on another subject: not.
    let other = c.add(&art(4, 220, LATE_OTHER, &[A]));
    assert!(other.new_story);
    // The same text with the actors but far off and no shared subject does
    // not join either.
    let flood = c.add(&art(5, 300, FLOOD, &[A, B]));
    assert_ne!(flood.story, s);
}

#[test]
fn a_near_duplicate_goes_to_the_story_of_what_it_copies() {
    let mut c = Clusterer::new(Params::default());
    let s = c.add(&art(1, 100, VISIT, &[A, B])).story;
    c.add(&art(2, 100, FLOOD, &[]));
    let mut d = art(3, 400, FLOOD, &[]);
    d.duplicate_of = Some(1);
    let got = c.add(&d);
    assert_eq!(got.story, s);
    assert_eq!(got.score, 1.0);
    assert_eq!(c.story_of(3), Some(s));
}

#[test]
fn stories_that_share_core_actors_are_linked() {
    let mut c = Clusterer::new(Params::default());
    let s = c.add(&art(1, 100, VISIT, &[A, B])).story;
    c.add(&art(2, 101, VISIT2, &[A, B]));
    let o = c.add(&art(3, 300, LATE_OTHER, &[A, B])).story;
    c.add(&art(4, 300, LATE_OTHER, &[A, B]));
    let f = c.add(&art(5, 100, FLOOD, &[])).story;
    assert_ne!(s, o);
    let linked = c.linked(s);
    assert!(linked.iter().any(|&(x, n)| x == o && n == 2), "{linked:?}");
    assert!(!linked.iter().any(|&(x, _)| x == f));
}

#[test]
fn the_top_terms_and_entities_describe_the_story() {
    let mut c = Clusterer::new(Params::default());
    let s = c.add(&art(1, 100, VISIT, &[A, B])).story;
    c.add(&art(2, 101, VISIT2, &[A, B]));
    let terms = c.stories[s].top_terms(&c, 8);
    assert!(terms.contains(&"عسكري"), "{terms:?}");
    let ents = c.stories[s].top_entities(2);
    assert_eq!(ents.len(), 2);
    assert_eq!(
        (ents[0].1, ents[0].2),
        (2, 4),
        "named by 2 articles, 4 mentions"
    );
}

#[test]
fn an_undated_article_is_placed_by_text_and_actors_alone() {
    let mut c = Clusterer::new(Params::default());
    let s = c.add(&art(1, 100, VISIT, &[A, B])).story;
    let mut undated = art(2, 0, VISIT2, &[A, B]);
    undated.day = None;
    assert_eq!(c.add(&undated).story, s);
    assert_eq!(c.stories[s].last_day, Some(100));
}

#[test]
fn cosine_of_sparse_vectors() {
    let a = [(1, 0.6), (3, 0.8)];
    let b = [(1, 1.0)];
    assert!((cosine(&a, &b) - 0.6).abs() < 1e-6);
    assert!((cosine(&a, &a) - 1.0).abs() < 1e-6);
    assert_eq!(cosine(&a, &[]), 0.0);
}

proptest! {
    #[test]
    fn every_article_is_in_exactly_one_story_and_reruns_agree(
        docs in proptest::collection::vec((0i32..400, 0usize..4, proptest::bool::ANY), 1..40)
    ) {
        let texts = [VISIT, VISIT2, FLOOD, LATE_OTHER];
        let inputs: Vec<ArticleInput> = docs
            .iter()
            .enumerate()
            .map(|(i, &(day, t, ents))| {
                art(i as i64, day, texts[t], if ents { &[A, B] } else { &[] })
            })
            .collect();
        let run = || {
            let mut c = Clusterer::new(Params::default());
            let v: Vec<usize> = inputs.iter().map(|a| c.add(a).story).collect();
            (v, c)
        };
        let (first, c) = run();
        let (second, _) = run();
        prop_assert_eq!(&first, &second);
        let total: usize = c.stories.iter().map(|s| s.articles.len()).sum();
        prop_assert_eq!(total, inputs.len());
        for (i, s) in first.iter().enumerate() {
            prop_assert!(c.stories[*s].articles.contains(&(i as i64)));
        }
    }
}

#[test]
fn a_saved_clusterer_continues_as_if_it_had_never_stopped() {
    let arts = [
        art(1, 100, VISIT, &[A, B]),
        art(2, 100, FLOOD, &[]),
        art(3, 101, VISIT2, &[A, B]),
        art(4, 101, FLOOD2, &[]),
        art(5, 180, LATE, &[A, B]),
        art(6, 180, LATE_OTHER, &[A]),
    ];
    let mut whole = Clusterer::new(Params::default());
    let expected: Vec<Assignment> = arts.iter().map(|a| whole.add(a)).collect();
    for cut in 1..arts.len() {
        let mut first = Clusterer::new(Params::default());
        let mut got: Vec<Assignment> = arts[..cut].iter().map(|a| first.add(a)).collect();
        let mut second = Clusterer::restore(&first.save()).expect("restores");
        assert_eq!(second.articles(), cut as u32);
        got.extend(arts[cut..].iter().map(|a| second.add(a)));
        assert_eq!(got, expected, "cut after {cut}");
        assert_eq!(second.story_of(1), whole.story_of(1));
        assert_eq!(second.df("سيول"), whole.df("سيول"));
    }
    assert!(Clusterer::restore(b"not a state").is_err());
}
