//! Main-content extraction from HTML pages. All fixture pages and sentences
//! are invented for these tests.

use proptest::prelude::*;
use rasd_doc::Span;
use rasd_ingest::html::{extract, looks_like_html, HtmlPage};

const NEWS_PAGE: &str = r##"<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>وزارة الزراعة تعلن خطة لدعم المزارعين - موقع الرصد</title>
<meta property="og:title" content="وزارة الزراعة تعلن خطة جديدة لدعم المزارعين">
<meta property="og:site_name" content="موقع الرصد">
<meta property="og:url" content="https://news.example/og/123">
<link rel="canonical" href="https://news.example/agri/123">
<meta name="description" content="خطة حكومية جديدة لدعم صغار المزارعين.">
<meta name="author" content="سلمى الخطيب">
<meta property="article:published_time" content="2024-03-12T09:30:00+03:00">
<style>.menu > a { color: red }</style>
<script>var tpl = "<p>ليس من المحتوى</p>"; if (a < b) {}</script>
</head>
<body class="home has-sidebar">
<header class="site-header">
  <div class="logo"><a href="/"><h1>موقع الرصد</h1></a></div>
  <nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li><li><a href="/economy">اقتصاد</a></li></ul></nav>
</header>
<div class="breadcrumb"><a href="/">الرئيسية</a> &gt; <a href="/economy">اقتصاد</a></div>
<main class="container">
<article class="post">
  <header class="entry-header">
    <h1 class="entry-title">وزارة الزراعة تعلن خطة جديدة لدعم المزارعين</h1>
    <time datetime="2024-03-12T09:30:00+03:00">12 مارس 2024</time>
    <span class="byline">بقلم سلمى الخطيب</span>
  </header>
  <figure><img src="a.jpg" alt=""><figcaption>مزارعون في حقل قمح. تصوير: وكالة الأنباء</figcaption></figure>
  <div class="share-buttons"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
  <div class="article-body">
    <p>أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في الجنوب، تشمل قروضاً ميسرة وبذوراً محسنة.</p>
    <p>وقال المتحدث باسم الوزارة إن الخطة ستنفذ على ثلاث مراحل، تبدأ الأولى مطلع الشهر المقبل، وتستمر حتى نهاية العام.</p>
    <h2>تفاصيل المرحلة الأولى</h2>
    <p>تركز المرحلة الأولى على تأهيل قنوات الري في القرى الزراعية، وتوزيع الأسمدة بأسعار مدعومة على صغار المزارعين.</p>
    <div class="ad-slot">إعلان</div>
    <p>وأضاف أن الوزارة خصصت فريقاً ميدانياً لمتابعة التنفيذ، ورفع تقارير أسبوعية عن سير العمل في كل محافظة.</p>
    <h3>ردود فعل المزارعين</h3>
    <p>رحب عدد من المزارعين بالخطة، وطالبوا بتوسيعها لتشمل مناطق الشمال، مؤكدين أن تكاليف الإنتاج ارتفعت كثيراً هذا الموسم.</p>
  </div>
  <footer class="entry-footer"><span class="tags">الوسوم: <a href="/t/1">زراعة</a> <a href="/t/2">اقتصاد</a></span></footer>
</article>
<section id="comments" class="comments-area">
  <h3>التعليقات</h3>
  <div class="comment"><p>تعليق طويل من أحد القراء يقول إن الخطة جيدة، لكنها متأخرة كثيراً، وكان يجب أن تبدأ منذ سنوات.</p></div>
  <div class="comment"><p>تعليق آخر يرى أن الدعم لن يصل إلى المستحقين، وأن الرقابة ضرورية، وأن التجارب السابقة فشلت.</p></div>
</section>
</main>
<aside class="sidebar">
  <h3>الأكثر قراءة</h3>
  <ul>
    <li><a href="/1">ارتفاع أسعار الخضار في الأسواق المحلية مع بداية الموسم الجديد</a></li>
    <li><a href="/2">افتتاح معرض الكتاب في العاصمة بمشاركة واسعة من دور النشر</a></li>
  </ul>
</aside>
<div class="newsletter"><p>اشترك في نشرتنا البريدية ليصلك كل جديد، مجاناً، كل صباح، ومن دون أي رسوم.</p></div>
<footer class="site-footer"><p>جميع الحقوق محفوظة &copy; 2024 موقع الرصد</p></footer>
</body>
</html>
"##;

const NEWS_LINES: [&str; 7] = [
    "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في الجنوب، تشمل قروضاً ميسرة وبذوراً محسنة.",
    "وقال المتحدث باسم الوزارة إن الخطة ستنفذ على ثلاث مراحل، تبدأ الأولى مطلع الشهر المقبل، وتستمر حتى نهاية العام.",
    "تفاصيل المرحلة الأولى",
    "تركز المرحلة الأولى على تأهيل قنوات الري في القرى الزراعية، وتوزيع الأسمدة بأسعار مدعومة على صغار المزارعين.",
    "وأضاف أن الوزارة خصصت فريقاً ميدانياً لمتابعة التنفيذ، ورفع تقارير أسبوعية عن سير العمل في كل محافظة.",
    "ردود فعل المزارعين",
    "رحب عدد من المزارعين بالخطة، وطالبوا بتوسيعها لتشمل مناطق الشمال، مؤكدين أن تكاليف الإنتاج ارتفعت كثيراً هذا الموسم.",
];

/// Line spans of `text`.
fn line_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        out.push(Span::new(start, start + line.len()));
        start += line.len() + 1;
    }
    out
}

/// Checks the alignment of every line: a line copied in one piece maps to
/// exactly its text in the source; any other line maps to a source span that
/// covers all of its copied pieces. Returns how many lines were exact.
fn check_lines(html: &str, page: &HtmlPage) -> usize {
    let mut exact = 0;
    for span in line_spans(&page.text) {
        let line = span.slice(&page.text);
        let segs: Vec<_> = page
            .alignment
            .segments()
            .iter()
            .filter(|s| s.dst < span.end && s.dst + s.len > span.start)
            .copied()
            .collect();
        let Some(src) = page.alignment.source_span(span) else {
            assert!(
                segs.is_empty(),
                "line {line:?} has segments but no source span"
            );
            continue;
        };
        if segs.len() == 1 && segs[0].dst <= span.start && segs[0].dst + segs[0].len >= span.end {
            assert_eq!(
                src.slice(html),
                line,
                "an all-copied line maps to exactly itself"
            );
            exact += 1;
        } else {
            for s in segs {
                let a = s.src + span.start.saturating_sub(s.dst);
                let b = s.src + (span.end.min(s.dst + s.len) - s.dst);
                assert!(
                    src.start <= a && b <= src.end,
                    "line {line:?}: piece {a}..{b} outside {src:?}"
                );
            }
        }
    }
    exact
}

fn check_invariants(html: &str, page: &HtmlPage) {
    for s in page.alignment.segments() {
        assert!(s.dst + s.len <= page.text.len() && s.src + s.len <= html.len());
        assert!(page.text.is_char_boundary(s.dst) && page.text.is_char_boundary(s.dst + s.len));
        assert!(html.is_char_boundary(s.src) && html.is_char_boundary(s.src + s.len));
        assert_eq!(
            &page.text[s.dst..s.dst + s.len],
            &html[s.src..s.src + s.len]
        );
    }
    if !page.text.is_empty() {
        for line in page.text.split('\n') {
            assert!(!line.is_empty(), "no empty lines in {:?}", page.text);
            assert_eq!(line, line.trim(), "no leading or trailing spaces");
            assert!(!line.contains("  "), "whitespace collapsed in {line:?}");
        }
    }
}

#[test]
fn news_page_keeps_paragraphs_and_subheads_only() {
    let page = extract(NEWS_PAGE);
    let lines: Vec<&str> = page.text.lines().collect();
    assert_eq!(lines, NEWS_LINES, "got:\n{}", page.text);
    for furniture in [
        "الرئيسية",
        "فيسبوك",
        "إعلان",
        "الوسوم",
        "تعليق",
        "الأكثر قراءة",
        "نشرتنا",
        "الحقوق",
        "تصوير",
        "بقلم",
        "ليس من المحتوى",
    ] {
        assert!(
            !page.text.contains(furniture),
            "{furniture} leaked into the text"
        );
    }
    check_invariants(NEWS_PAGE, &page);
    assert_eq!(
        check_lines(NEWS_PAGE, &page),
        NEWS_LINES.len(),
        "every line is copied verbatim"
    );
}

#[test]
fn news_page_metadata() {
    let page = extract(NEWS_PAGE);
    assert_eq!(
        page.title.as_deref(),
        Some("وزارة الزراعة تعلن خطة جديدة لدعم المزارعين")
    );
    assert_eq!(page.published.as_deref(), Some("2024-03-12T09:30:00+03:00"));
    assert_eq!(page.url.as_deref(), Some("https://news.example/agri/123"));
    assert_eq!(page.site_name.as_deref(), Some("موقع الرصد"));
    assert_eq!(page.author.as_deref(), Some("سلمى الخطيب"));
    assert_eq!(page.lang.as_deref(), Some("ar"));
    assert_eq!(
        page.description.as_deref(),
        Some("خطة حكومية جديدة لدعم صغار المزارعين.")
    );
}

#[test]
fn metadata_fallbacks() {
    // No og:title: the <h1> of the content; <time datetime>; og:url; itemprop author.
    let html = r#"<html lang="ar-EG"><head><title>عنوان الصفحة | الموقع</title>
        <meta property="og:url" content="https://x.example/a?id=7">
        <meta property="og:description" content="وصف &quot;قصير&quot; للخبر">
        <meta name="pubdate" content="20240102">
        </head><body>
        <header><h1>الموقع</h1></header>
        <div class="story"><h1>افتتاح مستشفى جديد في المدينة</h1>
        <span itemprop="author" itemscope><span itemprop="name">كريم  الحسن</span></span>
        <time datetime="2024-01-02">2 يناير</time>
        <p>افتتح محافظ المدينة اليوم مستشفى جديداً يضم مئتي سرير، ويخدم أكثر من نصف مليون نسمة في الأحياء الشرقية.</p>
        <p>وأوضح مدير المستشفى أن الأقسام ستعمل تدريجياً، بدءاً من قسم الطوارئ، ثم العيادات الخارجية، ثم غرف العمليات.</p>
        </div></body></html>"#;
    let page = extract(html);
    assert_eq!(page.title.as_deref(), Some("افتتاح مستشفى جديد في المدينة"));
    assert_eq!(page.published.as_deref(), Some("2024-01-02"));
    assert_eq!(page.url.as_deref(), Some("https://x.example/a?id=7"));
    assert_eq!(page.author.as_deref(), Some("كريم الحسن"));
    assert_eq!(page.lang.as_deref(), Some("ar-EG"));
    assert_eq!(page.description.as_deref(), Some("وصف \"قصير\" للخبر"));
    assert_eq!(page.site_name, None);
    assert!(
        page.text.starts_with("كريم الحسن 2 يناير\nافتتح محافظ"),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains("افتتاح مستشفى"),
        "the headline is not a body line"
    );

    // No og:title and no <h1>: <title> without its site suffix; meta date;
    // JSON-LD author.
    let html = r#"<html><head><title>ارتفاع أسعار الذهب في السوق المحلية - موقع الرصد</title>
        <meta name="pubdate" content="2024-05-06">
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
        {"@type":"NewsArticle","datePublished":"2024-05-06T08:00:00Z","author":[{"@type":"Person","name":"هدى علي"},{"name":"سامر يوسف"}]}]}</script>
        </head><body><p>ارتفعت أسعار الذهب اليوم في السوق المحلية، وسط إقبال كبير من المواطنين على الشراء.</p></body></html>"#;
    let page = extract(html);
    assert_eq!(
        page.title.as_deref(),
        Some("ارتفاع أسعار الذهب في السوق المحلية")
    );
    assert_eq!(page.published.as_deref(), Some("2024-05-06"));
    assert_eq!(page.author.as_deref(), Some("هدى علي, سامر يوسف"));
    assert_eq!(page.lang, None);

    // JSON-LD date when nothing else has one; rel=author.
    let html = r#"<script type="application/ld+json">{"@type":["NewsArticle"],"datePublished":"2023-11-30"}</script>
        <p>بقلم <a rel="author" href="/u/1">ليلى  منصور</a></p><p>نص الخبر هنا، وهو نص مختلق بالكامل لأغراض الاختبار فقط.</p>"#;
    let page = extract(html);
    assert_eq!(page.published.as_deref(), Some("2023-11-30"));
    assert_eq!(page.author.as_deref(), Some("ليلى منصور"));
}

#[test]
fn entities_are_decoded_and_synthetic() {
    let html = "<html><body><article>\
        <p>قال الوزير &laquo;سنبدأ غداً&raquo; في مؤتمر صحفي، وأضاف أن الخطة جاهزة تماماً للتنفيذ.</p>\
        <p>الفقرة الثانية&nbsp;فيها مسافة، و&amp; رمز، و&#1575;&#x644;حرفان، و&unknown; كما هو.</p>\
        <p>فقرة ثالثة بلا أي رموز خاصة، تكفي لكي تكون طويلة بما يكفي للتقييم.</p>\
        <p>سطر    فيه\n\t مسافات   كثيرة،   تختصر إلى مسافة واحدة بين كل كلمتين.</p>\
        </article></body></html>";
    let page = extract(html);
    let lines: Vec<&str> = page.text.lines().collect();
    assert_eq!(
        lines,
        [
            "قال الوزير «سنبدأ غداً» في مؤتمر صحفي، وأضاف أن الخطة جاهزة تماماً للتنفيذ.",
            "الفقرة الثانية فيها مسافة، و& رمز، والحرفان، و&unknown; كما هو.",
            "فقرة ثالثة بلا أي رموز خاصة، تكفي لكي تكون طويلة بما يكفي للتقييم.",
            "سطر فيه مسافات كثيرة، تختصر إلى مسافة واحدة بين كل كلمتين.",
        ]
    );
    check_invariants(html, &page);
    assert_eq!(
        check_lines(html, &page),
        1,
        "only the third line is copied in one piece"
    );
    // Decoded characters have no source; the text around them does.
    let laquo = page.text.find('«').unwrap();
    assert_eq!(page.alignment.to_source(laquo + 1), None);
    let unknown = page.text.find("&unknown;").unwrap();
    let src = page
        .alignment
        .source_span(Span::new(unknown, unknown + "&unknown;".len()))
        .unwrap();
    assert_eq!(
        src.slice(html),
        "&unknown;",
        "unknown references are copied as written"
    );
    // A line with entities maps to a span covering the whole source paragraph text.
    let second = line_spans(&page.text)[1];
    let src = page.alignment.source_span(second).unwrap().slice(html);
    assert!(
        src.starts_with("الفقرة الثانية") && src.ends_with("كما هو."),
        "{src}"
    );
}

#[test]
fn inline_markup_and_breaks() {
    let html = "<div class=\"entry-content\"><p>نص <b>عريض</b> و<a href=\"#\">رابط</a> في سطر واحد طويل بما يكفي لكي يحسب.</p>\
        <p>سطر أول<br>سطر ثان<br/><br>سطر ثالث بعد فاصلين، وهو أيضاً جزء من الفقرة.</p>\
        <ul><li>بند أول</li><li>بند ثان</li></ul><blockquote>اقتباس قصير</blockquote>\
        <p>اقرأ أيضاً: <a href=\"/x\">عنوان خبر آخر ذي صلة بالموضوع</a></p></div>";
    let page = extract(html);
    let lines: Vec<&str> = page.text.lines().collect();
    assert_eq!(
        lines,
        [
            "نص عريض ورابط في سطر واحد طويل بما يكفي لكي يحسب.",
            "سطر أول",
            "سطر ثان",
            "سطر ثالث بعد فاصلين، وهو أيضاً جزء من الفقرة.",
            "بند أول",
            "بند ثان",
            "اقتباس قصير",
            "اقرأ أيضاً: عنوان خبر آخر ذي صلة بالموضوع",
        ]
    );
    check_invariants(html, &page);
    check_lines(html, &page);
}

#[test]
fn body_without_container_falls_back() {
    // Paragraphs too short to score: the body text, minus the furniture.
    let html = "<html><head><title>قصير</title></head><body><nav><a href=/>الرئيسية</a></nav>\
        <p>خبر قصير.</p><p>سطر آخر قصير.</p><div style=\"display: none\">مخفي</div>\
        <div class=cookie-banner>نستخدم ملفات تعريف الارتباط</div><footer>حقوق</footer></body></html>";
    let page = extract(html);
    assert_eq!(page.text, "خبر قصير.\nسطر آخر قصير.");
    assert_eq!(page.title.as_deref(), Some("قصير"));
    check_invariants(html, &page);
    assert_eq!(check_lines(html, &page), 2);

    // Long paragraphs straight in <body>: the body is the container.
    let html = "<body><div id=menu><a href=/a>أ</a> <a href=/b>ب</a></div>\
        <p>تشهد العاصمة منذ الصباح أمطاراً غزيرة، أدت إلى إغلاق عدد من الطرق الرئيسية أمام حركة السير.</p>\
        <p>ودعت السلطات المواطنين إلى تجنب التنقل إلا للضرورة، مع استمرار التحذيرات حتى مساء الغد.</p></body>";
    let page = extract(html);
    assert_eq!(page.text.lines().count(), 2, "{}", page.text);
    assert!(page.text.starts_with("تشهد العاصمة") && page.text.ends_with("مساء الغد."));

    // A bare fragment, as JSON records carry them.
    let html = "<p>فقرة أولى من خبر مختلق، فيها ما يكفي من الكلمات.</p>\n<p>فقرة ثانية، وهي أيضاً مختلقة.</p>";
    let page = extract(html);
    assert_eq!(
        page.text,
        "فقرة أولى من خبر مختلق، فيها ما يكفي من الكلمات.\nفقرة ثانية، وهي أيضاً مختلقة."
    );
    // Text with <br>s but no paragraphs.
    let page = extract("نص السطر الأول من الخبر المختلق، وهو طويل.<br><br>ونص السطر الثاني.");
    assert_eq!(
        page.text,
        "نص السطر الأول من الخبر المختلق، وهو طويل.\nونص السطر الثاني."
    );
}

#[test]
fn br_separated_body_in_div() {
    let html = "<body><div class=sidebar><p>رابط جانبي طويل لا علاقة له بالخبر الرئيسي، لكنه طويل.</p></div>\
        <div class=\"news-text\">قررت الحكومة رفع الحد الأدنى للأجور، اعتباراً من الشهر المقبل، بنسبة عشرة في المئة.<br><br>\
        وقال وزير المالية إن القرار يشمل العاملين في القطاعين العام والخاص، وإن كلفته محسوبة.<br><br>\
        ورحبت النقابات بالقرار، وطالبت بربط الأجور بمعدلات التضخم، وبمراجعتها كل عام.</div>\
        <div class=\"related\"><a href=/1>خبر ذو صلة</a></div></body>";
    let page = extract(html);
    assert_eq!(page.text.lines().count(), 3, "{}", page.text);
    assert!(
        page.text.starts_with("قررت الحكومة") && page.text.ends_with("كل عام."),
        "{}",
        page.text
    );
}

#[test]
fn article_body_markup_is_preferred() {
    let html = "<body><div class=wrapper><div class=teaser><p>ملخص خبر آخر في الصفحة، بطول يكفي، وبفواصل، وفواصل أخرى.</p></div>\
        <div itemprop=\"articleBody\"><p>الفقرة الأولى من الخبر الرئيسي، وهي مختلقة، وفيها فواصل كثيرة، كما ترى.</p>\
        <p>الفقرة الثانية من الخبر الرئيسي، وتكمل الأولى.</p><h4>عنوان فرعي</h4><p>فقرة أخيرة قصيرة.</p></div></div></body>";
    let page = extract(html);
    assert_eq!(
        page.text,
        "الفقرة الأولى من الخبر الرئيسي، وهي مختلقة، وفيها فواصل كثيرة، كما ترى.\nالفقرة الثانية من الخبر الرئيسي، وتكمل الأولى.\nعنوان فرعي\nفقرة أخيرة قصيرة."
    );
}

#[test]
fn hidden_and_role_furniture_is_dropped() {
    let html = "<article><p>نص الخبر الأساسي، وهو جملة طويلة بما يكفي لكي تحسب فقرة حقيقية.</p>\
        <div hidden><p>نص مخفي بالسمة hidden لا يظهر للقارئ أبداً في الصفحة.</p></div>\
        <div aria-hidden=\"true\">مخفي للقارئ الآلي</div><div role=\"complementary\">محتوى جانبي</div>\
        <div class=\"sr-only\">شارك</div><section class=\"social-links\">تابعونا</section>\
        <svg><title>أيقونة</title><text>نص رسم</text></svg><form><input value=x><button>إرسال</button><label>بحث</label></form>\
        <p>فقرة ثانية ظاهرة.</p></article>";
    let page = extract(html);
    assert_eq!(
        page.text,
        "نص الخبر الأساسي، وهو جملة طويلة بما يكفي لكي تحسب فقرة حقيقية.\nفقرة ثانية ظاهرة."
    );
}

#[test]
fn looks_like_html_cases() {
    for yes in [
        "<!DOCTYPE html><html><body><p>نص</p></body></html>",
        "\u{feff}  <!doctype HTML>\n<html lang=ar>",
        "<html>\n<head><title>x</title></head>",
        "\n\n<div class=\"x\"><p>نص الخبر</p></div>",
        "<p>فقرة</p><p>فقرة</p>",
        "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body></body></html>",
        "نص الخبر<br>سطر<br>سطر<br>سطر<br>سطر<br>سطر<br>انتهى",
        "Subject: page\n\n<html><head></head><body></body></html>",
    ] {
        assert!(looks_like_html(yes), "{yes:?}");
    }
    for no in [
        "",
        "   ",
        "عنوان الخبر\n\nنص الخبر إذا كان a < b فإن b > a.",
        "إذا كان أ < ب وكان ب < ج فإن أ < ج",
        "x<y and y>z, also 3 <4",
        "نص يذكر الوسم <p> مرة واحدة فقط.",
        "{\"body\": \"<p>نص</p><p>نص</p>\"}",
        "[{\"body\": \"<html><body>\"}]",
        "<?xml version=\"1.0\"?><rss><channel><title>t</title><link>l</link></channel></rss>",
        "كتب أحدهم <html> في تعليقه.",
    ] {
        assert!(!looks_like_html(no), "{no:?}");
    }
}

#[test]
fn malformed_html_is_tolerated() {
    // Truncated in the middle of a tag: the tag is dropped, the text kept.
    let html = "<html><body><article><p>نص طويل بما يكفي لكي يكون فقرة، مع فاصلة، وفاصلة أخرى.</p><p>نص ثان <b>غامق <a href=\"/x";
    let page = extract(html);
    assert_eq!(
        page.text,
        "نص طويل بما يكفي لكي يكون فقرة، مع فاصلة، وفاصلة أخرى.\nنص ثان غامق"
    );
    check_invariants(html, &page);

    // Unclosed elements, stray end tags, unquoted attributes, a bare '<'.
    let html = "<div class=main-text><p>الجملة الأولى، وهي طويلة بما يكفي، إذا كان أ < ب.</span></li></i></table></h2>\
        <p>الجملة الثانية<div class=share-box><a href=#>شارك</a></div><p>الثالثة &amp الأخيرة";
    let page = extract(html);
    assert_eq!(
        page.text,
        "الجملة الأولى، وهي طويلة بما يكفي، إذا كان أ < ب.\nالجملة الثانية\nالثالثة & الأخيرة"
    );
    check_invariants(html, &page);

    // An unclosed comment or script swallows the rest, like in a browser.
    let page =
        extract("<p>قبل التعليق، نص طويل بما يكفي ليحسب فقرة.</p><!-- تعليق بلا نهاية <p>بعد</p>");
    assert_eq!(page.text, "قبل التعليق، نص طويل بما يكفي ليحسب فقرة.");
    let page = extract("<p>نص</p><script>var x = 1; <p>ليس نصاً</p>");
    assert_eq!(page.text, "نص");
    // An unclosed <title> does not swallow the page.
    let page = extract("<title>عنوان<body><p>النص الأساسي للصفحة، وهو طويل بما يكفي.</p>");
    assert!(page.text.contains("النص الأساسي"), "{:?}", page.text);

    // Odd markup that must not confuse the tokenizer.
    for html in [
        "<",
        "<<<<",
        "</",
        "</>",
        "<!",
        "<!-",
        "<!--",
        "<!-->",
        "<?",
        "<a",
        "<a ",
        "<a b",
        "<a b=",
        "<a b='",
        "<a b=\"x",
        "&",
        "&#",
        "&#x",
        "&#x110000;",
        "&#55296;",
        "&am",
        "<![CDATA[ a > b ]]><p>x</p>",
        "<p/>",
        "<svg/><p>y</p>",
        "<p =x>z</p>",
        "<P CLASS=A>كبير</P>",
        "</br>",
        "</p>",
        "<table><tr><td>أ<td>ب<tr><td>ج</table>",
        "<pre>سطر\n  سطر   ثان</pre>",
    ] {
        let page = extract(html);
        check_invariants(html, &page);
    }
    assert_eq!(
        extract("<table><tr><td>أ<td>ب<tr><td>ج</table>").text,
        "أ ب\nج"
    );
    assert_eq!(extract("<pre>سطر\n  سطر   ثان</pre>").text, "سطر\nسطر ثان");
    assert_eq!(extract("<![CDATA[ a > b ]]><p>x</p>").text, "x");
}

#[test]
fn pathological_inputs_do_not_break_extraction() {
    // Deep nesting, huge attributes and unclosed constructs: no stack overflow,
    // no panic, invariants hold. (Speed is measured by benchmarks, not here.)
    let n = 60_000;
    let inputs = [
        "<div>".repeat(n) + "<p>نص عميق جداً، في أعماق الصفحة، بطول كاف.</p>",
        "<b><i>".repeat(n) + &"</p>".repeat(n),
        "<p><span>".repeat(n) + &"<div>".repeat(n),
        format!("<div class=\"{}\">نص</div>", "x".repeat(4 * n)),
        format!("<a href='{}", "y".repeat(4 * n)),
        "<title>".repeat(n),
        "<textarea><noscript><iframe>".repeat(n),
        format!("<script>{}", "</scrip</x<".repeat(n)),
        "<a>".repeat(n) + &"</a>".repeat(n),
        "<li>".repeat(n) + &"<td>".repeat(n) + &"<tr>".repeat(n),
        "&#".repeat(n) + &"&amp".repeat(n),
        "<!--".repeat(n),
        "<".repeat(4 * n),
        "<p>".repeat(n) + &"</div>".repeat(n),
        "<custom-el>".repeat(n) + &"</other-el>".repeat(n) + &"</custom-el>".repeat(n),
        "<h1><b>".repeat(n) + "عنوان",
        "<h2><div>".repeat(n) + "<meta property=og:title content=x>",
        "<span itemprop=author content=''><div>".repeat(n),
        "<time itemprop=datePublished><div>".repeat(n),
        "<a rel=author><div>".repeat(n) + "اسم",
        "<form><p>نص</p>".repeat(n),
        "<article><main><section itemprop=articleBody>".repeat(n / 3),
        "<td><p>".repeat(n) + &"<br>".repeat(n),
        "<html lang=ar><head><title>عنوان</title>".repeat(n),
        "<script type=application/ld+json>".to_string() + &"[".repeat(n) + "</script>",
    ];
    for html in &inputs {
        let page = extract(html);
        check_invariants(html, &page);
        let _ = looks_like_html(html);
    }
    let deep = extract(&inputs[0]);
    assert_eq!(deep.text, "نص عميق جداً، في أعماق الصفحة، بطول كاف.");
}

const SOUP: &[&str] = &[
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<div class=\"share\">",
    "<article>",
    "</article>",
    "<a href='x'>",
    "</a>",
    "<br>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<title>",
    "</title>",
    "<h2>",
    "</h2>",
    "<li>",
    "<ul>",
    "<svg>",
    "</svg>",
    "<textarea>",
    "<pre>",
    "</pre>",
    "<td>",
    "<tr>",
    "<table>",
    "&amp;",
    "&#x627;",
    "&nbsp;",
    "&laquo;",
    "&",
    "&#",
    "نص عربي، طويل بعض الشيء، وفيه فواصل",
    "كلمة",
    " ",
    "\n",
    "  ",
    "<",
    ">",
    "\"",
    "'",
    "=",
    "/",
    "<nav>",
    "<header>",
    "<h1>",
    "</h1>",
    "<main>",
    "<p hidden>",
    "\u{a0}",
];

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(SOUP), 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn extract_never_panics_on_arbitrary_strings(s in any::<String>()) {
        let page = extract(&s);
        check_invariants(&s, &page);
        let _ = looks_like_html(&s);
    }

    #[test]
    fn extract_never_panics_on_printable_text(s in "\\PC{0,300}") {
        let page = extract(&s);
        check_invariants(&s, &page);
        let _ = looks_like_html(&s);
    }

    #[test]
    fn tag_soup_alignment_holds(s in soup()) {
        let page = extract(&s);
        check_invariants(&s, &page);
        check_lines(&s, &page);
        let _ = looks_like_html(&s);
    }
}
