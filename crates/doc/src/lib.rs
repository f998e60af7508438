//! The central document model of rasd.
//!
//! Every piece of knowledge rasd derives points back into the exact bytes of the
//! text it came from. The model is deliberately small:
//!
//! * [`Span`]: a half-open byte range into some text.
//! * [`Alignment`] and [`TextBuilder`]: a derived text (a cleaned article body, a
//!   normalized view) built from slices of a source text, with an exact map from
//!   every derived offset back to the source offset it came from.
//! * [`Article`]: one clean article as ingest produces it, with its metadata and
//!   the typed [`Region`]s of the source that were recognised (title, date line,
//!   UI residue, appended "read also" items, ...).

mod align;
mod article;
mod time;

pub use align::{Alignment, Segment, TextBuilder};
pub use article::{Article, ArticleKind, DateValue, Region, RegionKind};
pub use time::{Field, TimeGrain, TimeKind, TimeMention};

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The slice of `text` this span covers. Panics if the span is out of range
    /// or not on char boundaries, like slicing does.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn shift(&self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}
