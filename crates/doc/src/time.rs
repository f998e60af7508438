//! Time expressions as annotations of an article.

use crate::Span;
use serde::{Deserialize, Serialize};

/// The granularity of a time value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeGrain {
    Year,
    Month,
    Week,
    Day,
    PartOfDay,
    Hour,
    Minute,
    Second,
}

impl TimeGrain {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeGrain::Year => "year",
            TimeGrain::Month => "month",
            TimeGrain::Week => "week",
            TimeGrain::Day => "day",
            TimeGrain::PartOfDay => "part_of_day",
            TimeGrain::Hour => "hour",
            TimeGrain::Minute => "minute",
            TimeGrain::Second => "second",
        }
    }
}

/// What kind of time expression it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeKind {
    /// Given in full (or completed from context).
    Absolute,
    /// Stated relative to the publication date.
    Relative,
    Interval,
    Duration,
}

impl TimeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeKind::Absolute => "absolute",
            TimeKind::Relative => "relative",
            TimeKind::Interval => "interval",
            TimeKind::Duration => "duration",
        }
    }
}

/// Which text of an article an annotation's span refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Caption,
    Summary,
    Body,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Title, Field::Caption, Field::Summary, Field::Body];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Caption => "caption",
            Field::Summary => "summary",
            Field::Body => "body",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A time expression found in one field of an article, resolved against
/// the article's publication date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeMention {
    pub field: Field,
    /// Byte span into the field's text.
    pub span: Span,
    pub text: String,
    /// ISO 8601 / TIMEX3 value, `None` when unresolved.
    pub value: Option<String>,
    pub grain: TimeGrain,
    pub kind: TimeKind,
    /// Offset from the publication date for relative expressions.
    pub offset: Option<String>,
    pub flags: Vec<String>,
}
