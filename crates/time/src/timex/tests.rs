//! Time expressions: cases written for rasd (invented sentences).

use super::*;

fn ctx(anchor: &str) -> Context {
    let a: civil::Date = anchor.parse().unwrap();
    Context {
        anchor: Some(a.to_datetime(civil::Time::midnight())),
        prefer: Prefer::Past,
    }
}

/// Every expected (matched text, value) must be found, in order, among the
/// expressions of `text`.
#[track_caller]
fn check(text: &str, anchor: &str, expect: &[(&str, &str)]) {
    let got = extract(text, &ctx(anchor));
    let pairs: Vec<(&str, String)> = got
        .iter()
        .map(|t| {
            (
                &text[t.start..t.end],
                t.value.clone().unwrap_or_else(|| "?".into()),
            )
        })
        .collect();
    let mut it = pairs.iter();
    for (span, value) in expect {
        assert!(
            it.any(|(s, v)| s == span && v == value),
            "{text:?} (anchor {anchor}): expected {span:?} = {value}, got {pairs:?}"
        );
    }
}

#[track_caller]
fn none(text: &str) {
    let got = extract(text, &ctx("2024-06-03"));
    assert!(
        got.is_empty(),
        "{text:?}: expected no expression, got {got:?}"
    );
}

#[test]
fn the_forms_of_the_seed_pages() {
    check(
        "التقى الوزير نظيره أمس الثلاثاء في العاصمة.",
        "2023-08-23",
        &[("أمس الثلاثاء", "2023-08-22")],
    );
    check(
        "في مقطع فيديو نُشر الاثنين قال القائد إن قواته مستعدة.",
        "2023-08-23",
        &[("الاثنين", "2023-08-21")],
    );
    check(
        "وكان تقرير ذكر في عام 2020 أن المئات وصلوا.",
        "2023-08-23",
        &[("عام 2020", "2020")],
    );
    check(
        "حسبما أعلنت الوزارة، الثلاثاء.",
        "2023-08-22",
        &[("الثلاثاء", "2023-08-22")],
    );
    check(
        "وكان آخرها في 17 سبتمبر/أيلول الجاري بعد الفيضانات.",
        "2023-09-26",
        &[("17 سبتمبر/أيلول الجاري", "2023-09-17")],
    );
    check(
        "للسيطرة على المدينة بين نيسان/أبريل 2019 وحزيران/يونيو 2020.",
        "2023-09-26",
        &[("بين نيسان/أبريل 2019 وحزيران/يونيو 2020", "2019-04/2020-06")],
    );
    check(
        "الوزير خلال اللقاء، 2 يونيو 2024 (أرشيفية)",
        "2024-06-03",
        &[("2 يونيو 2024", "2024-06-02")],
    );
    check(
        "قبل أن يغادرها اليوم الاثنين متوجهاً إلى العاصمة.",
        "2024-06-03",
        &[("اليوم الاثنين", "2024-06-03")],
    );
    check(
        "ووصل الوفد إلى المدينة الجمعة الماضي.",
        "2024-06-03",
        &[("الجمعة الماضي", "2024-05-31")],
    );
    check(
        "زارت المبعوثة المقر مساء أمس الأحد.",
        "2024-06-03",
        &[("مساء أمس الأحد", "2024-06-02TEV")],
    );
    check(
        "وصلت المعدات خلال شهري مارس/ آذار، وإبريل/ نيسان الماضيين.",
        "2024-06-03",
        &[
            ("شهري مارس/ آذار", "2024-03"),
            ("إبريل/ نيسان الماضيين", "2024-04"),
        ],
    );
    check(
        "في إطار لقاءاتها التي بدأتها منتصف الشهر المنصرم.",
        "2024-06-03",
        &[("منتصف الشهر المنصرم", "2024-05")],
    );
    let t = extract("بدأتها منتصف الشهر المنصرم", &ctx("2024-06-03"));
    assert!(t[0].flags.contains(&"mid"));
}

#[test]
fn no_anchor_leaves_relative_expressions_unresolved() {
    let t = extract("وصل الوفد أمس", &Context::default());
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].value, None);
    assert_eq!(t[0].offset.as_deref(), Some("-P1D"));
    assert!(t[0].flags.contains(&"unresolved"));
    let t = extract("في 3 يونيو 2024", &Context::default());
    assert_eq!(
        t[0].value.as_deref(),
        Some("2024-06-03"),
        "absolute dates need no anchor"
    );
}

#[test]
fn weekday_disagreeing_with_the_date_is_flagged() {
    let t = extract("الأربعاء 22 أغسطس 2023", &ctx("2023-08-23"));
    assert_eq!(t[0].value.as_deref(), Some("2023-08-22"));
    assert!(t[0].flags.contains(&"weekday_mismatch"));
    let t = extract("الثلاثاء 22 أغسطس 2023", &ctx("2023-08-23"));
    assert!(!t[0].flags.contains(&"weekday_mismatch"));
    let t = extract("أمس الخميس", &ctx("2023-08-23"));
    assert!(t[0].flags.contains(&"weekday_mismatch"));
}

#[test]
fn prefer_future_flips_bare_weekdays_and_months() {
    let mut c = ctx("2024-06-03");
    c.prefer = Prefer::Future;
    let t = extract("يصل الوفد الخميس", &c);
    assert_eq!(t[0].value.as_deref(), Some("2024-06-06"));
    let t = extract("يصل الوفد الخميس", &ctx("2024-06-03"));
    assert_eq!(t[0].value.as_deref(), Some("2024-05-30"));
}

#[test]
fn words_that_only_look_like_time() {
    none("عقد الاجتماع في مقر الوزارة.");
    none("نحو غد أفضل للجميع.");
    none("You may see the March of the workers.");
    none("قضى يوماً كاملاً في المكتبة.");
    none("صفر أخطاء في التقرير.");
    none("في الصباح الباكر يكثر الزحام.");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("أمس".to_string()),
            Just("الثلاثاء".to_string()),
            Just("الماضي".to_string()),
            Just("17 سبتمبر/أيلول".to_string()),
            Just("بين".to_string()),
            Just("و".to_string()),
            Just("الساعة".to_string()),
            Just("الثالثة".to_string()),
            Just("إلا ربع".to_string()),
            Just("مساءً".to_string()),
            Just("رمضان".to_string()),
            Just("1445 هـ".to_string()),
            Just("ثلاثة أيام".to_string()),
            Just("2024".to_string()),
            Just("٢٢/٨/٢٠٢٣".to_string()),
            "[0-9]{1,4}",
            "[\\u0621-\\u064A\\u064B-\\u0652]{1,8}",
            "\\PC{0,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn spans_are_ordered_disjoint_and_on_char_boundaries(parts in proptest::collection::vec(piece(), 0..16), anchored in any::<bool>()) {
            let text = parts.join(" ");
            let c = if anchored { ctx("2024-06-03") } else { Context::default() };
            let got = extract(&text, &c);
            let mut last = 0;
            for t in &got {
                prop_assert!(t.start < t.end && t.end <= text.len());
                prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                prop_assert!(t.start >= last, "overlap in {:?}: {:?}", text, got);
                last = t.end;
                if !anchored && t.kind == Kind::Relative {
                    prop_assert!(t.value.is_none() || t.offset.is_none() || t.flags.contains(&"hijri"), "{:?} resolved without an anchor", t);
                }
            }
        }
    }
}

#[test]
fn numeric_dates_with_hijri_years_are_converted() {
    // Tabular calendar: 12 Shawwal 1436 is 29 July 2015 (Umm al-Qura: 28).
    check(
        "وفي 12/10/1436 هـ أعلنت الوزارة النتائج",
        "2015-08-01",
        &[("12/10/1436 هـ", "2015-07-29")],
    );
    check(
        "صدر القرار بتاريخ 1436/10/12",
        "2015-08-01",
        &[("1436/10/12", "2015-07-29")],
    );
    // A Gregorian year stays Gregorian.
    check(
        "صدر القرار بتاريخ 12/10/2015",
        "2015-11-01",
        &[("12/10/2015", "2015-10-12")],
    );
}
