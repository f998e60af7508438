//! Structure of a scraped news page given as plain text.
//!
//! A scrape is a sequence of lines: an optional crawler header (`الجزيرة:` and
//! `2025-02-06@14:36:08 GMT`), a title (sometimes twice), a date line, photo
//! captions, UI residue (`+ الخط -`), a lead summary, the body, source and tag
//! lines, and then unrelated items glued on after "read also" markers: whole
//! articles, or lists of headlines. This module classifies every line, decides
//! which "read also" markers are inline (a headline in the middle of the body,
//! after which the body continues) and which start the trailing appendages,
//! and builds one [`Article`] for the page plus one per appended article.
//! Everything is recorded as typed [`Region`]s over the source text, so
//! nothing that was removed is lost.

use rasd_doc::{Article, ArticleKind, DateValue, Region, RegionKind, Span, TextBuilder};
use rasd_text::{fold_key, is_invisible, is_space, word_count};
use rasd_time::{find_dates, parse_date_line, AbsDate};

/// What is already known about the text from outside it (JSON fields).
#[derive(Debug, Default, Clone)]
pub struct Hints {
    /// The title, when a field gives it: the text is then body-only, and a
    /// first line equal to it is a repeated title.
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkerKind {
    /// "اقرأ أيضاً": may be inline or start appended items.
    ReadAlso,
    /// "مقالات مشابهة", "أخبار ذات صلة": a list of related headlines.
    Related,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Blank,
    Marker(MarkerKind),
    Source,
    Tags,
    Ui,
    Boilerplate,
    Link,
    Bullet,
    Date,
    /// Short, no sentence-final punctuation: a title, subhead or headline.
    TitleLike,
    /// A sentence or paragraph.
    Prose,
}

#[derive(Debug, Clone)]
struct Line<'a> {
    span: Span,
    text: &'a str,
    key: String,
    words: usize,
    class: Class,
}

fn marker_kind(key: &str) -> Option<MarkerKind> {
    let k = key.trim_end_matches([':', '.', '-', '…', ' ', '|', '»', '>']);
    const READ_ALSO: &[&str] = &[
        "اقرا ايضا",
        "اقرا كذلك",
        "اقرا المزيد",
        "اقرا",
        "read also",
        "read more",
        "see also",
        "قد يهمك ايضا",
        "قد يهمك",
        "قد يعجبك ايضا",
        "طالع ايضا",
        "شاهد ايضا",
    ];
    const RELATED: &[&str] = &[
        "مقالات مشابهه",
        "مقالات ذات صله",
        "اخبار ذات صله",
        "مواضيع ذات صله",
        "اخبار متعلقه",
        "مقالات متعلقه",
        "اخبار مشابهه",
        "المزيد من الاخبار",
        "الاكثر قراءه",
        "related articles",
        "related news",
    ];
    if READ_ALSO.contains(&k) {
        Some(MarkerKind::ReadAlso)
    } else if RELATED.contains(&k) {
        Some(MarkerKind::Related)
    } else {
        None
    }
}

fn is_ui(key: &str) -> bool {
    const UI: &[&str] = &[
        "+ الخط -",
        "الخط",
        "حجم الخط",
        "تكبير الخط",
        "تصغير الخط",
        "استمع الي الملخص",
        "استمع الي المقال",
        "استمع",
        "اظهر الملخص",
        "اخف الملخص",
        "اخفاء الملخص",
        "الملخص",
        "شارك",
        "شارك الخبر",
        "شارك المقال",
        "مشاركه",
        "طباعه",
        "نسخ الرابط",
        "تم نسخ الرابط",
        "تابعونا",
        "تابعنا",
        "التعليقات",
        "اضف تعليق",
        "اضف تعليقك",
        "تحميل التطبيق",
        "فيسبوك",
        "تويتر",
        "واتساب",
        "تيليجرام",
        "share",
        "print",
        "tweet",
        "facebook",
        "twitter",
        "whatsapp",
        "telegram",
        "email",
        "type to search or hit esc to close",
        "see all results",
        "a+",
        "a-",
    ];
    UI.contains(&key) || (!key.is_empty() && key.chars().all(|c| !c.is_alphanumeric()))
}

fn is_boilerplate(key: &str) -> bool {
    key.contains("جميع الحقوق محفوظه")
        || key.contains("حقوق النشر محفوظه")
        || key.contains("all rights reserved")
        || key.contains('©')
}

fn is_link(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
        && !t.contains(char::is_whitespace)
}

const SOURCE_HEADS: &[&str] = &["المصدر", "المصادر", "source"];
const TAG_HEADS: &[&str] = &[
    "كلمات دلاليه",
    "الكلمات الدلاليه",
    "كلمات مفتاحيه",
    "الكلمات المفتاحيه",
    "الوسوم",
    "وسوم",
    "tags",
    "keywords",
    "هاشتاغ",
];

/// `Some(rest)` if `key` starts with one of `heads` followed by `:`, `|` or `-`.
fn headed<'k>(key: &'k str, heads: &[&str]) -> Option<&'k str> {
    heads.iter().find_map(|h| {
        let rest = key.strip_prefix(h)?.trim_start();
        rest.strip_prefix([':', '|', '-', '：']).map(str::trim)
    })
}

fn is_bullet(text: &str) -> bool {
    let t = text.trim_start();
    ["- ", "• ", "* ", "– ", "▪ ", "■ ", "● ", "◾ "]
        .iter()
        .any(|b| t.starts_with(b))
        || t.starts_with('•')
        || t.starts_with('▪')
}

/// Ends with sentence-final punctuation (looking through closing quotes).
fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| {
        is_space(c) || is_invisible(c) || matches!(c, '"' | '»' | '”' | '\'' | '’' | ')')
    });
    t.ends_with(['.', '!', '؟', '?', '…', ':', '؛', ';'])
}

fn classify(text: &str, key: &str, words: usize) -> Class {
    if key.is_empty() {
        return Class::Blank;
    }
    if let Some(k) = marker_kind(key) {
        return Class::Marker(k);
    }
    if headed(key, SOURCE_HEADS).is_some() && words <= 20 {
        return Class::Source;
    }
    if headed(key, TAG_HEADS).is_some() {
        return Class::Tags;
    }
    if is_boilerplate(key) {
        return Class::Boilerplate;
    }
    if is_ui(key) {
        return Class::Ui;
    }
    if is_link(text) {
        return Class::Link;
    }
    if is_bullet(text) {
        return Class::Bullet;
    }
    if words <= 16 && parse_date_line(text).is_some() {
        return Class::Date;
    }
    if words >= 26 || ends_sentence(text) {
        Class::Prose
    } else {
        Class::TitleLike
    }
}

/// Where a "read also" marker glued to the end of a line starts, if it does.
fn glued_marker_start(line: &str) -> Option<usize> {
    for head in ["اقرأ", "إقرأ", "اقرا", "إقرا"] {
        if let Some(pos) = line.rfind(head) {
            if pos > 0 && marker_kind(&fold_key(&line[pos..])).is_some() {
                return Some(pos);
            }
        }
    }
    None
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize| {
        let raw = &text[start..end];
        let lead = raw.len()
            - raw
                .trim_start_matches(|c: char| is_space(c) || is_invisible(c))
                .len();
        let trimmed = rasd_text::trim(raw);
        let span = Span::new(start + lead, start + lead + trimmed.len());
        let key = fold_key(trimmed);
        let words = word_count(trimmed);
        let class = classify(trimmed, &key, words);
        out.push(Line {
            span,
            text: trimmed,
            key,
            words,
            class,
        });
    };
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b'\n' || bytes[i] == b'\r' {
            let line = &text[start..i];
            match glued_marker_start(line) {
                Some(pos) if !rasd_text::trim(&line[..pos]).is_empty() => {
                    push(start, start + pos);
                    push(start + pos, i);
                }
                _ => push(start, i),
            }
            if i + 1 < bytes.len() && bytes[i] == b'\r' && bytes[i + 1] == b'\n' {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    out
}

/// The crawl time line of a crawler header: a date with a time and nothing else.
fn crawl_time(line: &Line) -> Option<AbsDate> {
    let f = parse_date_line(line.text)?;
    f.value.time.map(|_| f.value)
}

fn to_date_value(v: AbsDate, keep_time: bool) -> DateValue {
    match (v.time, v.utc, keep_time) {
        (Some(t), true, true) => match v.date.to_datetime(t).to_zoned(jiff::tz::TimeZone::UTC) {
            Ok(z) => DateValue::DateTime(z.timestamp()),
            Err(_) => DateValue::Date(v.date),
        },
        _ => DateValue::Date(v.date),
    }
}

const CREDITS: &[&str] = &[
    "فيسبوك",
    "فيس بوك",
    "تويتر",
    "اكس",
    "رويترز",
    "فرانس برس",
    "ا ف ب",
    "الاناضول",
    "اسوشيتد برس",
    "سبوتنيك",
    "تاس",
    "واس",
    "ارشيفيه",
    "ارشيف",
    "مواقع التواصل",
    "مواقع التواصل الاجتماعي",
    "وسائل التواصل",
    "الانترنت",
    "getty",
    "getty images",
    "afp",
    "reuters",
    "ap",
    "epa",
];

/// A photo caption: ends with a photo credit in parentheses, or starts with
/// صورة/الصورة.
fn is_caption(line: &Line) -> bool {
    let k = line.key.as_str();
    if k.starts_with("صوره")
        || k.starts_with("الصوره")
        || k.starts_with("(صوره")
        || k.starts_with("photo")
    {
        return true;
    }
    let Some(inner) = k
        .strip_suffix(')')
        .and_then(|s| s.rfind('(').map(|p| &s[p + 1..]))
    else {
        return false;
    };
    inner
        .split(['/', '-', '،', ','])
        .map(str::trim)
        .any(|c| CREDITS.contains(&c))
}

/// A short dateline such as `الثورة نت/..` or `الرياض - واس`, with the name.
fn dateline(line: &Line) -> Option<String> {
    if line.words > 4 {
        return None;
    }
    let t = line.text.trim_end_matches(['.', ' ', 'ـ', '-', '–']);
    let name = t.strip_suffix('/')?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// The credited source of a `المصدر: ...` line. A line may hold several
/// glued credits (`المصدر | الخليج الجديد + متابعاتالمصدر: الخليج الجديد`):
/// the first named one wins, with trailing "+ متابعات" removed.
fn source_of(text: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = text;
    for head in ["المصدر", "المصادر", "Source", "source"] {
        if let Some(pos) = rest.find(head) {
            if pos == 0 {
                rest = &rest[head.len()..];
                break;
            }
        }
    }
    // Split at further glued heads.
    while let Some(pos) = rest.find("المصدر") {
        parts.push(&rest[..pos]);
        rest = &rest[pos + "المصدر".len()..];
    }
    parts.push(rest);
    parts.into_iter().find_map(|p| {
        let p = p.trim_matches(|c: char| is_space(c) || matches!(c, ':' | '|' | '-' | '–' | '：'));
        let p = match p.find(" + ").or_else(|| p.find('+')) {
            Some(i) => p[..i].trim(),
            None => p,
        };
        (!p.is_empty()).then(|| p.to_string())
    })
}

fn tags_of(text: &str) -> Vec<String> {
    let body = match text.find([':', '：']) {
        Some(i) => &text[i + 1..],
        None => text,
    };
    let seps = |c: char| matches!(c, ',' | '،' | '|' | '#' | ';' | '؛' | '\t');
    body.split(seps)
        .flat_map(|p| p.split("  "))
        .map(|t| rasd_text::trim(t).to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn strip_bullet(text: &str) -> &str {
    text.trim_start_matches(|c: char| {
        is_space(c) || matches!(c, '-' | '•' | '*' | '–' | '▪' | '■' | '●' | '◾')
    })
}

fn region(a: &mut Article, kind: RegionKind, span: Span) {
    a.regions.push(Region { kind, span });
}

/// A line of the page's main part that is no marker, source or tag line:
/// UI residue, boilerplate and bare links are set apart, blank lines
/// skipped, everything else goes to the body.
fn keep_line(page: &mut Article, body: &mut Body, l: &Line) {
    match l.class {
        Class::Blank => {}
        Class::Ui => region(page, RegionKind::UiResidue, l.span),
        Class::Boilerplate => region(page, RegionKind::Boilerplate, l.span),
        Class::Link => {
            page.links.push(l.text.to_string());
            region(page, RegionKind::Link, l.span);
        }
        _ => {
            body.push(l.span);
            region(page, RegionKind::Body, l.span);
        }
    }
}

/// Collects the body of one article from source lines.
struct Body<'t> {
    src: &'t str,
    b: TextBuilder,
}

impl<'t> Body<'t> {
    fn new(src: &'t str) -> Self {
        Body {
            src,
            b: TextBuilder::new(),
        }
    }
    fn push(&mut self, span: Span) {
        if !self.b.is_empty() {
            self.b.push_synthetic("\n\n");
        }
        self.b.push_source(self.src, span);
    }
    fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
    fn finish_into(self, a: &mut Article) {
        let (body, al) = self.b.finish();
        a.body = body;
        a.body_alignment = al;
    }
}

fn join(parts: &[&str]) -> Option<String> {
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// Index of the next line at or after `i` that is not blank.
fn next_content(lines: &[Line], mut i: usize, end: usize) -> Option<usize> {
    while i < end {
        if lines[i].class != Class::Blank {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn starts_with_conjunction(line: &Line) -> bool {
    let mut cs = line.key.chars();
    matches!((cs.next(), cs.next()), (Some('و' | 'ف'), Some(c)) if rasd_text::is_arabic_letter(c))
}

/// Analyses a scraped text page. The first article is the page; appended
/// articles follow with `parent = Some(0)`.
pub fn analyze(text: &str, hints: &Hints) -> Vec<Article> {
    let lines = split_lines(text);
    let n = lines.len();
    let mut page = Article::new(ArticleKind::Page, 0);

    let mut i = next_content(&lines, 0, n).unwrap_or(n);

    // Crawler header: a short label ending in ':' then a crawl date-time.
    if i < n && lines[i].key.ends_with(':') && lines[i].words <= 4 && hints.title.is_none() {
        if let Some(j) = next_content(&lines, i + 1, n) {
            if let Some(t) = crawl_time(&lines[j]) {
                page.source_label = Some(lines[i].text.trim_end_matches(':').trim().to_string());
                page.crawled = Some(to_date_value(t, true));
                region(
                    &mut page,
                    RegionKind::CrawlerHeader,
                    Span::new(lines[i].span.start, lines[j].span.end),
                );
                i = next_content(&lines, j + 1, n).unwrap_or(n);
            }
        }
    }

    // Title: the first text line (of at most 40 words and 1,000 bytes: a
    // longer one is text, perhaps text that lost its spaces), unless a
    // field already gave it.
    let title_key = match &hints.title {
        Some(t) => {
            page.title = Some(t.clone());
            fold_key(t)
        }
        None => {
            if i < n
                && matches!(lines[i].class, Class::TitleLike | Class::Prose)
                && lines[i].words <= 40
                && lines[i].text.len() <= 1000
            {
                page.title = Some(lines[i].text.to_string());
                region(&mut page, RegionKind::Title, lines[i].span);
                let k = lines[i].key.clone();
                i += 1;
                k
            } else {
                String::new()
            }
        }
    };

    // Header zone: date, repeated title, captions, UI residue, summary bullets.
    let mut summary: Vec<&str> = Vec::new();
    let mut captions: Vec<&str> = Vec::new();
    let mut first_bullet = None;
    let mut summary_cue = false;
    while i < n {
        let l = &lines[i];
        match l.class {
            Class::Blank => {}
            Class::Date => {
                if page.published.is_none() {
                    page.published = parse_date_line(l.text).map(|f| to_date_value(f.value, true));
                }
                region(&mut page, RegionKind::DateLine, l.span);
            }
            Class::Ui => {
                summary_cue |= l.key.contains("الملخص");
                region(&mut page, RegionKind::UiResidue, l.span);
            }
            Class::Bullet => {
                first_bullet.get_or_insert(i);
                summary.push(strip_bullet(l.text));
                region(&mut page, RegionKind::Summary, l.span);
            }
            _ if !title_key.is_empty() && l.key == title_key => {
                region(&mut page, RegionKind::RepeatedTitle, l.span)
            }
            Class::TitleLike if is_caption(l) => {
                captions.push(l.text);
                region(&mut page, RegionKind::Caption, l.span);
            }
            _ => break,
        }
        i += 1;
    }
    // Leading bullets are a summary when the page says so ("اظهر الملخص") or
    // when a body follows them on a scraped page; otherwise they are the body
    // (news briefs and columns written as bullet points).
    if let Some(b) = first_bullet {
        let prose_follows = (i..n).any(|k| lines[k].class == Class::Prose);
        if !(summary_cue || hints.title.is_none() && prose_follows) {
            summary.clear();
            page.regions.retain(|r| r.kind != RegionKind::Summary);
            i = b;
        }
    }
    let body_start = i;

    // Markers, end-of-article lines (source, tags) and where the tail starts.
    let first_end = (body_start..n).find(|&k| {
        matches!(lines[k].class, Class::Source | Class::Tags)
            && (body_start..k).any(|p| lines[p].class == Class::Prose)
    });
    let mut inline_markers: Vec<usize> = Vec::new();
    let mut tail_start = n;
    for k in body_start..n {
        let Class::Marker(kind) = lines[k].class else {
            continue;
        };
        if kind == MarkerKind::ReadAlso && first_end.is_none_or(|e| k < e) {
            // Inline if the body resumes after one headline: either a
            // source/tag line still follows, or the next paragraph continues
            // the text with a conjunction.
            let head = next_content(&lines, k + 1, n);
            let after = head.and_then(|h| next_content(&lines, h + 1, n));
            let headline_ok = head.is_some_and(|h| lines[h].class == Class::TitleLike);
            let resumes = first_end.is_some()
                || after.is_some_and(|a| {
                    lines[a].class == Class::Prose && starts_with_conjunction(&lines[a])
                });
            if headline_ok && resumes {
                inline_markers.push(k);
                continue;
            }
        }
        tail_start = k;
        break;
    }
    let main_end = first_end.map_or(tail_start, |e| e.min(tail_start));

    // Body of the page.
    let mut body = Body::new(text);
    let mut k = body_start;
    while k < main_end {
        let l = &lines[k];
        match l.class {
            Class::Marker(_) if inline_markers.contains(&k) => {
                region(&mut page, RegionKind::ReadAlsoMarker, l.span);
                if let Some(h) = next_content(&lines, k + 1, main_end) {
                    page.related.push(lines[h].text.to_string());
                    region(&mut page, RegionKind::RelatedHeadline, lines[h].span);
                    k = h;
                }
            }
            _ => keep_line(&mut page, &mut body, l),
        }
        k += 1;
    }

    // A page with no body line (a photo with its caption, a one-line note
    // taken as a title): its caption, else summary, else title text is its
    // body too, so that no text is lost.
    if body.is_empty() {
        for kind in [RegionKind::Caption, RegionKind::Summary, RegionKind::Title] {
            let spans: Vec<Span> = page
                .regions
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.span)
                .collect();
            if !spans.is_empty() {
                spans.into_iter().for_each(|s| body.push(s));
                break;
            }
        }
    }

    // Between the body and the tail: source and tag lines of the page.
    for l in &lines[main_end..tail_start] {
        match l.class {
            Class::Source => {
                if page.original_source.is_none() {
                    page.original_source = source_of(l.text);
                }
                region(&mut page, RegionKind::SourceLine, l.span);
            }
            Class::Tags => {
                page.tags.extend(tags_of(l.text));
                region(&mut page, RegionKind::TagLine, l.span);
            }
            _ => keep_line(&mut page, &mut body, l),
        }
    }
    body.finish_into(&mut page);
    page.summary = join(&summary);
    page.caption = join(&captions);

    let mut articles = vec![page];
    split_tail(text, &lines[tail_start..], &mut articles);
    articles
}

/// An appended article being collected.
struct Pending<'t> {
    article: Article,
    body: Body<'t>,
    title_span: Option<Span>,
    summary: Vec<&'t str>,
    start: usize,
    end: usize,
}

/// Splits the trailing part of a page (from the first trailing marker) into
/// appended articles and related headlines.
fn split_tail<'t>(text: &'t str, lines: &[Line<'t>], articles: &mut Vec<Article>) {
    let mut pending: Option<Pending<'t>> = None;
    let mut finished: Vec<Article> = Vec::new();
    let mut related: Vec<String> = Vec::new();
    let mut page_regions: Vec<Region> = Vec::new();
    let mut kind = MarkerKind::ReadAlso;
    let mut in_footer = false;

    let close = |p: Pending<'t>,
                 finished: &mut Vec<Article>,
                 related: &mut Vec<String>,
                 page_regions: &mut Vec<Region>| {
        let Pending {
            mut article,
            body,
            title_span,
            summary,
            start,
            end,
        } = p;
        if body.is_empty() {
            // A headline without a body is a related link, not an article.
            if let (Some(t), Some(s)) = (article.title.take(), title_span) {
                related.push(t);
                page_regions.push(Region {
                    kind: RegionKind::RelatedHeadline,
                    span: s,
                });
            }
            return;
        }
        body.finish_into(&mut article);
        article.summary = join(&summary);
        page_regions.push(Region {
            kind: RegionKind::Appended,
            span: Span::new(start, end),
        });
        finished.push(article);
    };

    let n = lines.len();
    let mut k = 0;
    while k < n {
        let l = &lines[k];
        let next = next_content(lines, k + 1, n).map(|j| &lines[j]);
        if in_footer {
            page_regions.push(Region {
                kind: RegionKind::Boilerplate,
                span: l.span,
            });
            k += 1;
            continue;
        }
        match l.class {
            Class::Blank => {}
            Class::Marker(m) => {
                if let Some(p) = pending.take() {
                    close(p, &mut finished, &mut related, &mut page_regions);
                }
                kind = m;
                page_regions.push(Region {
                    kind: RegionKind::ReadAlsoMarker,
                    span: l.span,
                });
            }
            Class::Boilerplate => {
                // Copyright lines end the page: menus and search boxes follow.
                in_footer = true;
                page_regions.push(Region {
                    kind: RegionKind::Boilerplate,
                    span: l.span,
                });
            }
            Class::Ui => page_regions.push(Region {
                kind: RegionKind::UiResidue,
                span: l.span,
            }),
            Class::Source | Class::Tags | Class::Link | Class::Date if pending.is_some() => {
                let p = pending.as_mut().expect("checked");
                let a = &mut p.article;
                match l.class {
                    Class::Source => {
                        if a.original_source.is_none() {
                            a.original_source = source_of(l.text);
                        }
                        a.regions.push(Region {
                            kind: RegionKind::SourceLine,
                            span: l.span,
                        });
                    }
                    Class::Tags => {
                        a.tags.extend(tags_of(l.text));
                        a.regions.push(Region {
                            kind: RegionKind::TagLine,
                            span: l.span,
                        });
                    }
                    Class::Link => {
                        a.links.push(l.text.to_string());
                        a.regions.push(Region {
                            kind: RegionKind::Link,
                            span: l.span,
                        });
                    }
                    _ => {
                        if a.published.is_none() {
                            a.published =
                                parse_date_line(l.text).map(|f| to_date_value(f.value, true));
                        }
                        a.regions.push(Region {
                            kind: RegionKind::DateLine,
                            span: l.span,
                        });
                    }
                }
                p.end = l.span.end;
            }
            Class::TitleLike | Class::Prose
                if pending
                    .as_ref()
                    .is_some_and(|p| p.body.is_empty() && p.summary.is_empty())
                    && dateline(l).is_some() =>
            {
                // `الثورة نت/..` right under an appended title: who reported it.
                let p = pending.as_mut().expect("checked");
                p.article
                    .original_source
                    .get_or_insert_with(|| dateline(l).expect("checked"));
                p.article.regions.push(Region {
                    kind: RegionKind::Dateline,
                    span: l.span,
                });
                p.end = l.span.end;
            }
            _ => {
                let text_line = matches!(l.class, Class::TitleLike | Class::Bullet);
                let next_is_footer = next.is_none_or(|x| x.class == Class::Boilerplate);
                if text_line
                    && next_is_footer
                    && next.is_some()
                    && pending.as_ref().is_none_or(|p| !p.body.is_empty())
                {
                    // A site tagline just above the copyright line.
                    page_regions.push(Region {
                        kind: RegionKind::Boilerplate,
                        span: l.span,
                    });
                } else if text_line && (kind == MarkerKind::Related || l.class == Class::Bullet) {
                    if let Some(p) = pending.take() {
                        close(p, &mut finished, &mut related, &mut page_regions);
                    }
                    related.push(strip_bullet(l.text).to_string());
                    page_regions.push(Region {
                        kind: RegionKind::RelatedHeadline,
                        span: l.span,
                    });
                } else if let (Some(p), true) = (pending.as_mut(), text_line) {
                    if p.body.is_empty() {
                        p.summary.push(l.text);
                        p.article.regions.push(Region {
                            kind: RegionKind::Summary,
                            span: l.span,
                        });
                        p.end = l.span.end;
                    } else if l.words >= 6 && next.is_some_and(|x| x.class == Class::Prose) {
                        let p = pending.take().expect("checked");
                        close(p, &mut finished, &mut related, &mut page_regions);
                        pending = Some(start_appended(text, l));
                    } else {
                        // A subhead inside the appended article.
                        p.body.push(l.span);
                        p.article.regions.push(Region {
                            kind: RegionKind::Body,
                            span: l.span,
                        });
                        p.end = l.span.end;
                    }
                } else if text_line {
                    pending = Some(start_appended(text, l));
                } else {
                    // Prose: body of the current appended article, or of an
                    // untitled one.
                    let p = pending.get_or_insert_with(|| Pending {
                        article: Article::new(ArticleKind::Appended, 0),
                        body: Body::new(text),
                        title_span: None,
                        summary: Vec::new(),
                        start: l.span.start,
                        end: l.span.end,
                    });
                    p.body.push(l.span);
                    p.article.regions.push(Region {
                        kind: RegionKind::Body,
                        span: l.span,
                    });
                    p.end = l.span.end;
                }
            }
        }
        k += 1;
    }
    if let Some(p) = pending.take() {
        close(p, &mut finished, &mut related, &mut page_regions);
    }

    let page = &mut articles[0];
    page.related.extend(related);
    page.regions.extend(page_regions);
    for mut a in finished {
        a.index = articles.len() as u32;
        a.parent = Some(0);
        a.source_label = articles[0].source_label.clone();
        a.crawled = articles[0].crawled;
        articles.push(a);
    }
}

fn start_appended<'t>(text: &'t str, title: &Line<'t>) -> Pending<'t> {
    let mut a = Article::new(ArticleKind::Appended, 0);
    let t = strip_bullet(title.text).to_string();
    a.title = Some(t);
    a.regions.push(Region {
        kind: RegionKind::Title,
        span: title.span,
    });
    Pending {
        article: a,
        body: Body::new(text),
        title_span: Some(title.span),
        summary: Vec::new(),
        start: title.span.start,
        end: title.span.end,
    }
}

/// Dates found in a text, as values (used for JSON `date` fields).
pub fn first_date(text: &str) -> Option<DateValue> {
    if let Some(v) = DateValue::parse_iso(text) {
        return Some(v);
    }
    find_dates(text)
        .first()
        .map(|f| to_date_value(f.value, true))
}
