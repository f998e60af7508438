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

#[test]
fn easter_by_computus() {
    // Western and Orthodox Easter Sundays, from the churches' published tables.
    let cases = [
        (2019, "2019-04-21", "2019-04-28"),
        (2020, "2020-04-12", "2020-04-19"),
        (2021, "2021-04-04", "2021-05-02"),
        (2022, "2022-04-17", "2022-04-24"),
        (2023, "2023-04-09", "2023-04-16"),
        (2024, "2024-03-31", "2024-05-05"),
        (2025, "2025-04-20", "2025-04-20"),
        (2000, "2000-04-23", "2000-04-30"),
    ];
    for (y, w, o) in cases {
        assert_eq!(easter(y, false), Some(w.parse().unwrap()), "{y}");
        assert_eq!(easter(y, true), Some(o.parse().unwrap()), "{y} orthodox");
    }
    let mut c = ctx("2024-06-03");
    c.prefer = Prefer::Future;
    let t = extract("يحتفلون بعيد الفصح", &c);
    assert_eq!(t[0].value.as_deref(), Some("2025-04-20"));
    let t = extract("يحتفلون بعيد الفصح", &Context::default());
    assert_eq!(
        (t[0].value.as_deref(), t[0].offset.as_deref()),
        (None, Some("EASTER<="))
    );
}

#[test]
fn ordinal_day_numbers() {
    let text = "الأول الأولى الثاني الحادي عشر الحادية عشرة الثاني عشر التاسع عشر العشرين \
                الحادي والعشرين الواحد والعشرين التاسع والعشرين الثلاثين الحادي والثلاثين";
    let toks = tokenize(text);
    let mut i = 0;
    let mut got = Vec::new();
    while i < toks.len() {
        match ordinal_at(&toks, i) {
            Some((n, e)) => {
                got.push(n);
                i = e;
            }
            None => i += 1,
        }
    }
    assert_eq!(got, [1, 1, 2, 11, 11, 12, 19, 20, 21, 20, 29, 30, 31]);
    // No 32nd, no 31 February, no 31st of April.
    // (the month alone is still one)
    for text in ["وقع في الثاني والثلاثين من مايو", "وقع في الثلاثين من فبراير"]
    {
        let t = extract(text, &ctx("2024-06-03"));
        assert!(t.iter().all(|t| t.grain == Grain::Month), "{text}: {t:?}");
    }
    check(
        "والحادية عشرة من نوفمبر 2020 موعد الحفل",
        "2024-06-03",
        &[("الحادية عشرة من نوفمبر 2020", "2020-11-11")],
    );
}

#[test]
fn the_present_and_tonight() {
    let t = extract("الوضع الآن هادئ", &ctx("2024-06-03"));
    assert_eq!(t[0].value.as_deref(), Some("2024-06-03"));
    assert!(t[0].flags.contains(&"present_ref"));
    assert_eq!(t[0].offset.as_deref(), Some("P0D"));
    let t = extract("الوضع الآن هادئ", &Context::default());
    assert_eq!(
        (t[0].value.as_deref(), t[0].offset.as_deref()),
        (None, Some("P0D"))
    );
    check(
        "وحالياً يجري البحث",
        "2024-06-03",
        &[("حالياً", "2024-06-03")],
    );
    none("في الليلة الأولى من المهرجان غنى الجميع");
    none("وفي نفس الليلة غادر");
    // A feminine ordinal after a feminine noun is its adjective, not an hour.
    check(
        "انطلقت الجولة الثالثة مساء أمس",
        "2024-06-03",
        &[("مساء أمس", "2024-06-02TEV")],
    );
    none("قتل 3 مساء في القصف");
}

#[test]
fn weekday_of_a_week_and_nth_of_a_period_without_anchor() {
    let t = extract("الأحد من الأسبوع الماضي", &Context::default());
    assert_eq!(t[0].offset.as_deref(), Some("SU@-P1W"));
    let t = extract("آخر جمعة من الشهر المقبل", &Context::default());
    assert_eq!(t[0].offset.as_deref(), Some("last:FR@+P1M"));
    check(
        "أول جمعة من يناير 2021",
        "2024-06-03",
        &[("أول جمعة من يناير 2021", "2021-01-01")],
    );
    let t = extract("أول جمعة من يناير 2021", &Context::default());
    assert_eq!(t[0].kind, Kind::Absolute);
}

#[test]
fn hijri_dates_in_a_gregorian_year() {
    // 1 Muharram falls twice in 2008 (1429 and 1430): the first one.
    check(
        "رأس السنة الهجرية 2008",
        "2024-06-03",
        &[("رأس السنة الهجرية 2008", "2008-01-10")],
    );
    // A year above 1500 marked `هـ` stays Hijri; unmarked 1300-1500 too.
    check(
        "عيد الأضحى 1434",
        "2024-06-03",
        &[("عيد الأضحى 1434", "2013-10-15")],
    );
    // A bare `رجب` with a year is a name.
    none("التقى رجب 2020 بالوفد");
}
