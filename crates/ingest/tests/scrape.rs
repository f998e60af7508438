//! Structure analysis of scraped text pages, on pages written for these tests
//! (invented news; no third-party text).

use proptest::prelude::*;
use rasd_doc::{ArticleKind, RegionKind};
use rasd_ingest::scrape::{analyze, Hints};

const PAGE: &str = "\
المرصد:
2024-03-10@08:15:00 GMT

افتتاح محطة تحلية جديدة على الساحل الشرقي

تاريخ النشر: 9th, March 2024 GMT

افتتاح محطة تحلية جديدة على الساحل الشرقي

افتتح وزير المياه محطة تحلية جديدة على الساحل الشرقي أمس السبت، بطاقة إنتاجية تبلغ مئتي ألف متر مكعب يومياً.

وقال الوزير في كلمته إن المحطة ستغطي حاجة ثلاث مدن مجاورة، وإن العمل جار على محطة ثانية في الشمال.

التوسع في الشمال

وأضاف أن المرحلة الثانية ستبدأ مطلع العام المقبل بتمويل حكومي كامل، مشيراً إلى أهمية الاستدامة.

المصدر: وكالة الأنباء المحلية

إقرأ أيضاً:

ارتفاع أسعار القمح في الأسواق العالمية للأسبوع الثالث

ارتفعت أسعار القمح في الأسواق العالمية للأسبوع الثالث على التوالي، وسط مخاوف من تراجع المحصول في عدد من الدول المصدرة.

وقال محللون إن الطلب المتزايد من الدول المستوردة يدفع الأسعار إلى أعلى مستوى منذ عامين.

فريق الجامعة يفوز ببطولة المناظرات الإقليمية

فاز فريق الجامعة ببطولة المناظرات الإقليمية بعد منافسة استمرت ثلاثة أيام مع فرق من ست دول.

مقالات مشابهة

  • وزير المياه يتفقد مشروعات الصرف الصحي
  • خطة لترشيد استهلاك المياه في الصيف
  • تدشين مصنع للألواح الشمسية في الجنوب
";

#[test]
fn page_with_header_repeated_title_source_and_appendages() {
    let arts = analyze(PAGE, &Hints::default());
    assert_eq!(
        arts.len(),
        3,
        "{:#?}",
        arts.iter().map(|a| &a.title).collect::<Vec<_>>()
    );
    let p = &arts[0];
    assert_eq!(p.kind, ArticleKind::Page);
    assert_eq!(p.source_label.as_deref(), Some("المرصد"));
    assert_eq!(p.crawled.unwrap().to_string(), "2024-03-10T08:15:00Z");
    assert_eq!(p.published.unwrap().to_string(), "2024-03-09");
    assert_eq!(
        p.title.as_deref(),
        Some("افتتاح محطة تحلية جديدة على الساحل الشرقي")
    );
    assert_eq!(p.original_source.as_deref(), Some("وكالة الأنباء المحلية"));
    assert!(p.body.starts_with("افتتح وزير المياه"));
    assert!(
        p.body.contains("\n\nالتوسع في الشمال\n\n"),
        "subheads stay in the body"
    );
    assert!(p.body.ends_with("أهمية الاستدامة."));
    assert!(!p.body.contains("القمح") && !p.body.contains("المصدر"));
    assert_eq!(
        p.related,
        vec![
            "وزير المياه يتفقد مشروعات الصرف الصحي",
            "خطة لترشيد استهلاك المياه في الصيف",
            "تدشين مصنع للألواح الشمسية في الجنوب"
        ]
    );
    assert_eq!(
        p.regions
            .iter()
            .filter(|r| r.kind == RegionKind::RepeatedTitle)
            .count(),
        1
    );

    let wheat = &arts[1];
    assert_eq!(wheat.kind, ArticleKind::Appended);
    assert_eq!(wheat.parent, Some(0));
    assert_eq!(
        wheat.title.as_deref(),
        Some("ارتفاع أسعار القمح في الأسواق العالمية للأسبوع الثالث")
    );
    assert!(wheat.body.starts_with("ارتفعت أسعار القمح") && wheat.body.ends_with("منذ عامين."));
    assert_eq!(
        wheat.source_label.as_deref(),
        Some("المرصد"),
        "appended items inherit the crawl label"
    );
    let debate = &arts[2];
    assert_eq!(
        debate.title.as_deref(),
        Some("فريق الجامعة يفوز ببطولة المناظرات الإقليمية")
    );
    assert!(debate.body.starts_with("فاز فريق الجامعة"));
}

#[test]
fn every_body_byte_maps_back_to_the_page() {
    for a in analyze(PAGE, &Hints::default()) {
        for s in a.body_alignment.segments() {
            assert_eq!(
                &a.body.as_bytes()[s.dst..s.dst + s.len],
                &PAGE.as_bytes()[s.src..s.src + s.len]
            );
        }
        for r in &a.regions {
            let t = r.span.slice(PAGE);
            assert_eq!(t, t.trim(), "{:?} {t:?}", r.kind);
        }
    }
}

const INLINE: &str = "\
مجلس المدينة يقر ميزانية العام الجديد
الاثنين 4 آذار/مارس 2024
أقر مجلس المدينة في جلسته الأسبوعية ميزانية العام الجديد بزيادة قدرها عشرة في المئة عن العام الماضي.
اقرأ أيضاً
رئيس البلدية يفتتح حديقة عامة في الحي الغربي
وأوضح رئيس المجلس أن الزيادة ستوجه إلى تحسين الطرق وشبكات الإنارة في الأحياء القديمة.
وأشار إلى أن المجلس سيعقد جلسة استماع عامة الشهر المقبل.
";

#[test]
fn inline_read_also_is_removed_and_the_body_continues() {
    let arts = analyze(INLINE, &Hints::default());
    assert_eq!(arts.len(), 1);
    let p = &arts[0];
    assert_eq!(p.published.unwrap().to_string(), "2024-03-04");
    assert!(p.body.contains("وأوضح رئيس المجلس") && p.body.ends_with("الشهر المقبل."));
    assert!(!p.body.contains("اقرأ") && !p.body.contains("حديقة"));
    assert_eq!(
        p.related,
        vec!["رئيس البلدية يفتتح حديقة عامة في الحي الغربي"]
    );
}

#[test]
fn read_also_glued_to_a_link_line() {
    let text = "\
عنوان الخبر عن افتتاح المعرض
افتتح المعرض الدولي للكتاب أبوابه أمس بمشاركة أربعمئة دار نشر.
https://example.org/videos/12345/اقرأ أيضاً
وزارة الثقافة تعلن جوائز الرواية
وتستمر فعاليات المعرض عشرة أيام تتخللها ندوات وأمسيات شعرية.
المصدر: صحيفة المثال
";
    let p = &analyze(text, &Hints::default())[0];
    assert_eq!(p.links, vec!["https://example.org/videos/12345/"]);
    assert_eq!(p.related, vec!["وزارة الثقافة تعلن جوائز الرواية"]);
    assert!(p.body.ends_with("وأمسيات شعرية.") && !p.body.contains("example.org"));
    assert_eq!(p.original_source.as_deref(), Some("صحيفة المثال"));
}

#[test]
fn caption_ui_residue_and_summary() {
    let text = "\
الحكومة تعلن خطة لدعم المشاريع الصغيرة
03 يونيو 2024
رئيس الوزراء خلال المؤتمر الصحافي، 2 يونيو 2024 (رويترز)
+ الخط -
استمع إلى الملخص
اظهر الملخص
- الخطة تشمل قروضاً ميسرة للشباب بقيمة مليار دينار.
- التنفيذ يبدأ في الربع الأخير من العام.
أعلنت الحكومة خطة شاملة لدعم المشاريع الصغيرة والمتوسطة تتضمن قروضاً ميسرة وإعفاءات ضريبية لمدة ثلاث سنوات.
";
    let p = &analyze(text, &Hints::default())[0];
    assert_eq!(
        p.caption.as_deref(),
        Some("رئيس الوزراء خلال المؤتمر الصحافي، 2 يونيو 2024 (رويترز)")
    );
    assert_eq!(p.summary.as_deref(), Some("الخطة تشمل قروضاً ميسرة للشباب بقيمة مليار دينار.\nالتنفيذ يبدأ في الربع الأخير من العام."));
    assert!(
        p.body.starts_with("أعلنت الحكومة")
            && !p.body.contains("الخط")
            && !p.body.contains("الملخص")
    );
    assert_eq!(
        p.regions
            .iter()
            .filter(|r| r.kind == RegionKind::UiResidue)
            .count(),
        3
    );
}

#[test]
fn bullet_briefs_are_body_not_summary() {
    let text = "\
* الأمطار تغلق طريقاً جبلياً
* أغلقت السلطات طريقاً جبلياً بسبب الأمطار الغزيرة التي هطلت طوال الليل.
* افتتاح مستشفى ميداني
* افتتح مستشفى ميداني في المنطقة الحدودية لاستقبال المصابين.
";
    let p = &analyze(
        text,
        &Hints {
            title: Some("موجز أخبار".into()),
        },
    )[0];
    assert!(p.summary.is_none());
    assert!(p.body.contains("أغلقت السلطات") && p.body.contains("افتتح مستشفى ميداني في المنطقة"));
}

#[test]
fn photo_only_item_keeps_its_caption_as_body() {
    let text = "\u{00A0}\u{00A0}لقطة للشلالات في موسم الفيضان (أ ف ب) ";
    let p = &analyze(
        text,
        &Hints {
            title: Some("الشلالات".into()),
        },
    )[0];
    assert_eq!(p.body, "لقطة للشلالات في موسم الفيضان (أ ف ب)");
}

#[test]
fn tags_and_glued_source_lines() {
    let text = "\
عنوان عن الاقتصاد الوطني
نما الاقتصاد الوطني بنسبة ثلاثة في المئة خلال الربع الأول من العام.
المصدر | وكالة الأنباء + متابعاتالمصدر: وكالة الأنباء
كلمات دلالية: الاقتصاد، النمو، الربع الأول
";
    let p = &analyze(text, &Hints::default())[0];
    assert_eq!(p.original_source.as_deref(), Some("وكالة الأنباء"));
    assert_eq!(p.tags, vec!["الاقتصاد", "النمو", "الربع الأول"]);
    assert!(!p.body.contains("المصدر"));
}

#[test]
fn footer_after_appended_article_is_boilerplate() {
    let text = "\
خبر رئيسي عن الطقس
تشهد البلاد موجة حر شديدة تستمر حتى نهاية الأسبوع بحسب الأرصاد الجوية.
المصدر: الأرصاد
إقرأ أيضاً:
اتفاق على تمديد ساعات عمل المكتبات العامة
ليبيا – اتفاق بين الوزارة والبلديات على تمديد ساعات عمل المكتبات العامة في الصيف
اتفقت الوزارة مع البلديات على تمديد ساعات عمل المكتبات العامة خلال فصل الصيف لتشجيع القراءة.
وتشمل الخطة تنظيم مسابقات أسبوعية للأطفال.
صحيفة يومية شاملة
جميع الحقوق محفوظة 2024© الرئيسية محلي دولي رياضة
";
    let arts = analyze(text, &Hints::default());
    assert_eq!(arts.len(), 2);
    let a = &arts[1];
    assert_eq!(
        a.title.as_deref(),
        Some("اتفاق على تمديد ساعات عمل المكتبات العامة")
    );
    assert_eq!(
        a.summary.as_deref(),
        Some("ليبيا – اتفاق بين الوزارة والبلديات على تمديد ساعات عمل المكتبات العامة في الصيف")
    );
    assert!(a.body.ends_with("مسابقات أسبوعية للأطفال."));
    assert!(!a.body.contains("شاملة") && !a.body.contains("محفوظة"));
    assert!(arts[0].related.is_empty());
    assert!(arts[0]
        .regions
        .iter()
        .any(|r| r.kind == RegionKind::Boilerplate));
}

#[test]
fn dateline_under_an_appended_title_and_tags_of_the_appended_item() {
    let text = "\
خبر رئيسي قصير
بدأت أعمال صيانة الجسر الرئيسي في العاصمة صباح اليوم.
كلمات دلالية: الجسر
إقرأ أيضاً:
الدفاع المدني: إخماد حريق في مستودع
وكالة المثال/..
أخمدت فرق الدفاع المدني حريقاً اندلع في مستودع للأخشاب دون تسجيل إصابات.
Tags: حريق، مستودع
";
    let arts = analyze(text, &Hints::default());
    assert_eq!(arts.len(), 2);
    assert_eq!(arts[0].tags, vec!["الجسر"]);
    let a = &arts[1];
    assert_eq!(a.original_source.as_deref(), Some("وكالة المثال"));
    assert_eq!(a.tags, vec!["حريق", "مستودع"]);
    assert!(a.body.starts_with("أخمدت") && !a.body.contains("Tags"));
}

#[test]
fn windows_line_endings() {
    let text = INLINE.replace('\n', "\r\n");
    let p = &analyze(&text, &Hints::default())[0];
    assert!(!p.body.contains('\r'));
    assert_eq!(p.related.len(), 1);
}

fn page_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("اقرأ أيضاً".to_string()),
        Just("إقرأ أيضاً:".to_string()),
        Just("مقالات مشابهة".to_string()),
        Just("المصدر: وكالة".to_string()),
        Just("كلمات دلالية: أ، ب".to_string()),
        Just("+ الخط -".to_string()),
        Just("تاريخ النشر: 23rd, August 2023 GMT".to_string()),
        Just("جميع الحقوق محفوظة ©".to_string()),
        Just("  • عنوان في قائمة".to_string()),
        Just("".to_string()),
        "[\\u0621-\\u064A ]{1,40}",
        "[\\u0621-\\u064A \\u064B-\\u0652،.]{20,200}\\.",
        "\\PC{0,50}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    // Whatever the page, analysis does not panic, every body byte that came
    // from the page equals the page's byte, regions lie on char boundaries,
    // and appended items point to the page.
    #[test]
    fn analysis_is_total_and_offset_true(lines in proptest::collection::vec(page_line(), 0..30), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let arts = analyze(&text, &Hints::default());
        prop_assert!(!arts.is_empty());
        prop_assert_eq!(arts[0].kind, ArticleKind::Page);
        for a in &arts {
            for s in a.body_alignment.segments() {
                prop_assert_eq!(&a.body.as_bytes()[s.dst..s.dst + s.len], &text.as_bytes()[s.src..s.src + s.len]);
            }
            for r in &a.regions {
                prop_assert!(r.span.end <= text.len() && text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
            }
            if a.kind == ArticleKind::Appended {
                prop_assert_eq!(a.parent, Some(0));
                prop_assert!(!a.body.is_empty());
            }
        }
    }
}

#[test]
fn a_long_first_line_is_text_not_a_title() {
    // Text that lost its spaces: one "word" of 6,000 bytes, then prose.
    let run = "الاجتماعالوزاريالعربي".repeat(150);
    let text = format!("{run}\n\nوقال الوزير إن الاجتماع بحث الأوضاع في المنطقة.\n");
    let arts = analyze(&text, &Hints::default());
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].title, None);
    assert!(arts[0].body.contains(&run[..100]));
    // A short first line still is the title.
    let text = "الوزير يبحث الأوضاع في المنطقة\n\nوقال الوزير إن الاجتماع بحث الأوضاع في المنطقة.\n";
    let arts = analyze(text, &Hints::default());
    assert_eq!(
        arts[0].title.as_deref(),
        Some("الوزير يبحث الأوضاع في المنطقة")
    );
}
