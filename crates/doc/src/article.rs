use crate::{Alignment, Span};
use jiff::{civil, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Whether an article is the page a file was about, an unrelated item that
/// was glued onto that page ("اقرأ أيضاً" appendages) and split off, or a
/// further part of an article too long to process whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleKind {
    Page,
    Appended,
    /// A continuation of an article too long to process whole, split off at
    /// a paragraph, line or sentence end; `parent` is the article's first part.
    Part,
}

impl ArticleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Page => "page",
            ArticleKind::Appended => "appended",
            ArticleKind::Part => "part",
        }
    }

    /// The kind named by [`ArticleKind::as_str`].
    pub fn parse(s: &str) -> Option<ArticleKind> {
        match s {
            "page" => Some(ArticleKind::Page),
            "appended" => Some(ArticleKind::Appended),
            "part" => Some(ArticleKind::Part),
            _ => None,
        }
    }
}

/// A publication or crawl date: a calendar day when that is all the source
/// says, an instant when it gives a time too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateValue {
    Date(civil::Date),
    DateTime(Timestamp),
}

impl DateValue {
    pub fn date(&self) -> civil::Date {
        match self {
            DateValue::Date(d) => *d,
            DateValue::DateTime(t) => t.to_zoned(jiff::tz::TimeZone::UTC).date(),
        }
    }

    /// Parses the ISO forms that [`fmt::Display`] writes: `2023-08-23` or an RFC
    /// 3339 instant such as `2025-02-06T14:36:08Z`.
    pub fn parse_iso(s: &str) -> Option<DateValue> {
        let s = s.trim();
        if s.len() == 10 {
            return s.parse::<civil::Date>().ok().map(DateValue::Date);
        }
        if let Ok(t) = s.parse::<Timestamp>() {
            return Some(DateValue::DateTime(t));
        }
        // A civil datetime without an offset is taken as UTC.
        let dt = s.replace(' ', "T").parse::<civil::DateTime>().ok()?;
        dt.to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| DateValue::DateTime(z.timestamp()))
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateValue::Date(d) => write!(f, "{d}"),
            DateValue::DateTime(t) => write!(f, "{}", t.strftime("%Y-%m-%dT%H:%M:%SZ")),
        }
    }
}

impl Serialize for DateValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DateValue::parse_iso(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an ISO date: {s}")))
    }
}

/// What a recognised region of the source text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// Crawler header: the source label line and the crawl time line.
    CrawlerHeader,
    Title,
    /// A second copy of the title.
    RepeatedTitle,
    /// A line that states the publication date.
    DateLine,
    /// A photo caption.
    Caption,
    /// A lead summary (bullet points, a subtitle).
    Summary,
    /// Interface text of the site the page was scraped from.
    UiResidue,
    /// A line naming the original source (`المصدر: ...`).
    SourceLine,
    /// A line of tags (`كلمات دلالية: ...`).
    TagLine,
    /// A byline or dateline (`الثورة نت/..`).
    Dateline,
    /// A "read also" marker (`اقرأ أيضاً`, `مقالات مشابهة`).
    ReadAlsoMarker,
    /// A headline of another article listed as related (inline or in a list).
    RelatedHeadline,
    /// A bare link line.
    Link,
    /// Copyright lines, site menus and other page furniture.
    Boilerplate,
    /// Text kept in the body.
    Body,
    /// A whole appended article split off into its own article.
    Appended,
}

/// A typed region of the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub kind: RegionKind,
    pub span: Span,
}

/// One clean article.
///
/// Offsets in `regions` and in `body_alignment` refer to the article's source
/// text: the decoded text of the whole input file for text and HTML inputs (an
/// appended article shares its page's text), or the `content` field of record
/// `record` for JSON inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub kind: ArticleKind,
    /// Position of this article among the articles of its input (0-based).
    pub index: u32,
    /// For an appended article, the `index` of the page it was split from.
    pub parent: Option<u32>,
    /// For JSON inputs, the index of the record this article came from.
    pub record: Option<u32>,
    pub url: Option<String>,
    /// The label the crawler gave the page (`الجزيرة:` header, a JSON `source`).
    pub source_label: Option<String>,
    /// The site that published the page, when known (a URL host, a JSON field).
    pub publisher: Option<String>,
    /// The original source credited in the text (`المصدر: ...`).
    pub original_source: Option<String>,
    pub author: Option<String>,
    pub title: Option<String>,
    pub published: Option<DateValue>,
    pub crawled: Option<DateValue>,
    pub body: String,
    pub body_alignment: Alignment,
    pub summary: Option<String>,
    pub caption: Option<String>,
    pub tags: Vec<String>,
    /// Headlines of other articles the page links to ("read also" lists).
    pub related: Vec<String>,
    pub links: Vec<String>,
    pub regions: Vec<Region>,
}

impl Article {
    pub fn new(kind: ArticleKind, index: u32) -> Self {
        Article {
            kind,
            index,
            parent: None,
            record: None,
            url: None,
            source_label: None,
            publisher: None,
            original_source: None,
            author: None,
            title: None,
            published: None,
            crawled: None,
            body: String::new(),
            body_alignment: Alignment::default(),
            summary: None,
            caption: None,
            tags: Vec::new(),
            related: Vec::new(),
            links: Vec::new(),
            regions: Vec::new(),
        }
    }

    /// The source span of body range `span`, if any of it came from the source.
    pub fn body_source_span(&self, span: Span) -> Option<Span> {
        self.body_alignment.source_span(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_values_round_trip_through_iso() {
        for s in ["2023-08-23", "2025-02-06T14:36:08Z"] {
            let v = DateValue::parse_iso(s).unwrap();
            assert_eq!(v.to_string(), s);
            let j = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<DateValue>(&j).unwrap(), v);
        }
        let v = DateValue::parse_iso("2015-07-23 19:28:17").unwrap();
        assert_eq!(v.to_string(), "2015-07-23T19:28:17Z");
        assert_eq!(v.date().to_string(), "2015-07-23");
        assert!(DateValue::parse_iso("23/08/2023").is_none());
    }
}
