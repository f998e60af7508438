//! Dates and times in Arabic news.
//!
//! This first part recognises absolute calendar dates in the forms news pages
//! and feeds print them (`03 يونيو 2024`, `23rd, August 2023 GMT`,
//! `17 سبتمبر/أيلول 2023`, `٢٢/٨/٢٠٢٣`, ISO 8601, `2025-02-06@14:36:08 GMT`),
//! each with its byte span, and [`extract`] finds every time expression —
//! absolute, relative to the publication date, intervals, durations, times of
//! day, Hijri dates — and resolves it against the publication date.

pub mod hijri;
mod months;
mod scan;
mod timex;

pub use months::{month_from_word, MonthSystem};
pub use scan::{find_dates, parse_date_line, FoundDate};
pub use timex::{extract, Context, Grain, Kind, Prefer, Timex};

use jiff::civil;

/// An absolute date found in text, with the time of day when one was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbsDate {
    pub date: civil::Date,
    pub time: Option<civil::Time>,
    /// True when the text said the time is UTC/GMT (or gave a `Z`/offset,
    /// already applied).
    pub utc: bool,
}
