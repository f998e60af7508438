//! A small tokenizer and the patterns of absolute dates.

use crate::months::{is_two_word_month_head, month_from_word};
use crate::AbsDate;
use jiff::civil;
use rasd_text::{digit_value, fold_char, fold_key, is_space};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A run of digits (any script): value and number of digits.
    Num(u32, usize),
    /// A run of letters, folded.
    Word(String),
    /// Any other single visible character.
    Sym(char),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The word carried tanween (`مساءً`, `صباحاً`): an adverb.
    pub(crate) tanween: bool,
}

pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if is_space(c) || fold_char(c).is_none() {
            continue;
        }
        if let Some(d) = digit_value(c) {
            let (mut v, mut n, mut end) = (d as u64, 1usize, i + c.len_utf8());
            while let Some(&(j, c2)) = it.peek() {
                match digit_value(c2) {
                    Some(d2) => {
                        v = (v * 10 + d2 as u64).min(u32::MAX as u64);
                        n += 1;
                        end = j + c2.len_utf8();
                        it.next();
                    }
                    None => break,
                }
            }
            out.push(Token {
                tok: Tok::Num(v as u32, n),
                start: i,
                end,
                tanween: false,
            });
        } else if c.is_alphabetic() {
            let mut w = String::new();
            w.extend(fold_char(c));
            let mut end = i + c.len_utf8();
            let mut tanween = false;
            while let Some(&(j, c2)) = it.peek() {
                if c2.is_alphabetic() || fold_char(c2).is_none() && !is_space(c2) {
                    tanween |= matches!(c2, '\u{064B}'..='\u{064D}');
                    w.extend(fold_char(c2));
                    end = j + c2.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            out.push(Token {
                tok: Tok::Word(w),
                start: i,
                end,
                tanween,
            });
        } else {
            out.push(Token {
                tok: Tok::Sym(c),
                start: i,
                end: i + c.len_utf8(),
                tanween: false,
            });
        }
    }
    out
}

/// An absolute date found in a text, with its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub value: AbsDate,
}

pub(crate) fn num(toks: &[Token], i: usize) -> Option<(u32, usize)> {
    match toks.get(i)?.tok {
        Tok::Num(v, n) => Some((v, n)),
        _ => None,
    }
}

pub(crate) fn sym(toks: &[Token], i: usize, set: &[char]) -> bool {
    matches!(toks.get(i).map(|t| &t.tok), Some(Tok::Sym(c)) if set.contains(c))
}

pub(crate) fn word(toks: &[Token], i: usize) -> Option<&str> {
    match &toks.get(i)?.tok {
        Tok::Word(w) => Some(w),
        _ => None,
    }
}

/// A month name at `i` (one or two words, optionally paired with a second
/// name after a slash: `سبتمبر/أيلول`, `نيسان/أبريل`). Returns the month and the
/// index after it.
pub(crate) fn month_at(toks: &[Token], i: usize) -> Option<(u8, usize)> {
    let one = |i: usize| -> Option<(u8, usize)> {
        let w = word(toks, i)?;
        // `وحزيران`: a conjunction glued to the month name.
        let w = match month_from_word(w) {
            None if (w.starts_with('و') || w.starts_with('ف'))
                && w.chars().count() > 3
                && !is_two_word_month_head(w) =>
            {
                &w['و'.len_utf8()..]
            }
            _ => w,
        };
        if is_two_word_month_head(w) {
            let w2 = word(toks, i + 1)?;
            let (m, _) = month_from_word(&format!("{w} {w2}"))?;
            return Some((m, i + 2));
        }
        let (m, _) = month_from_word(w)?;
        Some((m, i + 1))
    };
    let (m, mut j) = one(i)?;
    if sym(toks, j, &['/', '-', '(']) {
        if let Some((m2, k)) = one(j + 1) {
            if m2 == m {
                j = k;
                if sym(toks, j, &[')']) {
                    j += 1;
                }
            }
        }
    }
    Some((m, j))
}

pub(crate) fn date(y: u32, m: u32, d: u32) -> Option<civil::Date> {
    if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    civil::Date::new(y as i16, m as i8, d as i8).ok()
}

/// A numeric date's Gregorian day and where it ends. A year from 1300 to
/// 1500 is Hijri (`12/10/1436 هـ`, `4/4/1383`: modern news gives no
/// Gregorian dates of those centuries in digits), converted by the tabular
/// calendar; a `هـ` after it is part of the date.
fn numeric_date(
    toks: &[Token],
    end: usize,
    y: u32,
    m: u32,
    d: u32,
) -> Option<(civil::Date, usize)> {
    if (1300..=1500).contains(&y) {
        let dt = crate::hijri::to_gregorian(i64::from(y), i64::from(m), i64::from(d))?;
        return Some((dt, end + usize::from(hijri_mark(toks, end))));
    }
    Some((date(y, m, d)?, end))
}

/// `هـ` after a Hijri year.
pub(crate) fn hijri_mark(toks: &[Token], i: usize) -> bool {
    matches!(word(toks, i), Some("ه" | "هجري" | "هجريه" | "للهجره"))
}

pub(crate) fn is_year(v: u32, n: usize) -> bool {
    n == 4 && (1800..=2200).contains(&v)
}

/// Parses an optional time of day after a date, starting at `i`. Returns the
/// time, whether it is UTC, and the index after it.
pub(crate) fn time_at(toks: &[Token], mut i: usize) -> (Option<civil::Time>, bool, usize) {
    let start = i;
    if sym(toks, i, &['@', '-', ',', '،', '|', '—', '–']) || matches!(word(toks, i), Some("t"))
    {
        i += 1;
    }
    if matches!(word(toks, i), Some("الساعه" | "at")) {
        i += 1;
    }
    let (Some((h, hn)), true, Some((mi, 2))) =
        (num(toks, i), sym(toks, i + 1, &[':']), num(toks, i + 2))
    else {
        return (None, false, start);
    };
    if hn > 2 || h > 23 || mi > 59 {
        return (None, false, start);
    }
    i += 3;
    let mut s = 0;
    if sym(toks, i, &[':']) {
        if let Some((sv, 2)) = num(toks, i + 1) {
            if sv <= 60 {
                s = sv.min(59);
                i += 2;
                if sym(toks, i, &['.']) && num(toks, i + 1).is_some() {
                    i += 2;
                }
            }
        }
    }
    let mut h = h;
    match word(toks, i) {
        Some("pm" | "م" | "مساء" | "مساءا") => {
            if h < 12 {
                h += 12;
            }
            i += 1;
        }
        Some("am" | "ص" | "صباحا" | "صباح") => {
            if h == 12 {
                h = 0;
            }
            i += 1;
        }
        _ => {}
    }
    let mut utc = false;
    match word(toks, i) {
        Some("gmt" | "utc" | "z") => {
            utc = true;
            i += 1;
        }
        Some("بتوقيت") if matches!(word(toks, i + 1), Some("غرينتش" | "جرينتش" | "غرينيتش")) =>
        {
            utc = true;
            i += 2;
        }
        _ => {}
    }
    let t = civil::Time::new(h as i8, mi as i8, s as i8, 0).ok();
    (t, utc && t.is_some(), i)
}

/// Tries every date pattern at token `i`. Returns the value and the index
/// after the match.
pub(crate) fn date_at(toks: &[Token], i: usize) -> Option<(AbsDate, usize)> {
    let with_time = |d: civil::Date, j: usize| {
        let (time, utc, k) = time_at(toks, j);
        let mut utc = utc;
        let mut k = k;
        // A trailing GMT/UTC without a time still says which zone the page uses.
        if time.is_none() && matches!(word(toks, k), Some("gmt" | "utc")) {
            utc = true;
            k += 1;
        }
        (AbsDate { date: d, time, utc }, k)
    };
    // Y-M-D, Y/M/D, Y.M.D
    if let Some((y, 4)) = num(toks, i) {
        if sym(toks, i + 1, &['-', '/', '.']) {
            let sep = &toks[i + 1].tok;
            if let (Some((m, 1..=2)), true, Some((d, 1..=2))) = (
                num(toks, i + 2),
                toks.get(i + 3).map(|t| &t.tok) == Some(sep),
                num(toks, i + 4),
            ) {
                if let Some((dt, j)) = numeric_date(toks, i + 5, y, m, d) {
                    return Some(with_time(dt, j));
                }
            }
        }
    }
    // D/M/Y, D-M-Y, D.M.Y (day first, the Arab and European convention)
    if let Some((d, 1..=2)) = num(toks, i) {
        if sym(toks, i + 1, &['-', '/', '.']) {
            let sep = &toks[i + 1].tok;
            if let (Some((m, 1..=2)), true, Some((y, 4))) = (
                num(toks, i + 2),
                toks.get(i + 3).map(|t| &t.tok) == Some(sep),
                num(toks, i + 4),
            ) {
                if let Some((dt, j)) = numeric_date(toks, i + 5, y, m, d) {
                    return Some(with_time(dt, j));
                }
            }
        }
        // D [st|nd|rd|th] [,] Month [/Month] [,] Y
        let mut j = i + 1;
        if matches!(word(toks, j), Some("st" | "nd" | "rd" | "th")) {
            j += 1;
        }
        if sym(toks, j, &[',', '،']) {
            j += 1;
        }
        if sym(toks, j, &['-', '/']) && month_at(toks, j + 1).is_some() {
            j += 1;
        }
        if let Some((m, mut k)) = month_at(toks, j) {
            if sym(toks, k, &[',', '،', '-', '/']) {
                k += 1;
            }
            if let Some((y, n)) = num(toks, k) {
                if is_year(y, n) {
                    if let Some(dt) = date(y, m as u32, d) {
                        return Some(with_time(dt, k + 1));
                    }
                }
            }
        }
    }
    // Month D, Y (English order), the month possibly abbreviated (`Sept.`)
    if let Some((m, mut j)) = month_at(toks, i) {
        if sym(toks, j, &['.']) {
            j += 1;
        }
        if let Some((d, 1..=2)) = num(toks, j) {
            let mut k = j + 1;
            if matches!(word(toks, k), Some("st" | "nd" | "rd" | "th")) {
                k += 1;
            }
            if sym(toks, k, &[',', '،']) {
                k += 1;
            }
            if let Some((y, n)) = num(toks, k) {
                if is_year(y, n) {
                    if let Some(dt) = date(y, m as u32, d) {
                        return Some(with_time(dt, k + 1));
                    }
                }
            }
        }
    }
    None
}

/// All absolute dates with a day, month and year in `text`, left to right,
/// not overlapping.
pub fn find_dates(text: &str) -> Vec<FoundDate> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match date_at(&toks, i) {
            Some((value, j)) => {
                out.push(FoundDate {
                    start: toks[i].start,
                    end: toks[j - 1].end,
                    value,
                });
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

/// Words that may stand beside a date on a dateline without making it prose.
fn is_dateline_filler(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "تاريخ",
        "التاريخ",
        "النشر",
        "نشر",
        "في",
        "بتاريخ",
        "اخر",
        "تحديث",
        "التحديث",
        "الموافق",
        "م",
        "ميلادي",
        "نشرت",
        "منشور",
        "published",
        "updated",
        "on",
        "date",
        "posted",
        "last",
        "الاحد",
        "الاثنين",
        "الثلاثاء",
        "الاربعاء",
        "الخميس",
        "الجمعه",
        "السبت",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "gmt",
        "utc",
        "يوم",
    ];
    WORDS.contains(&w)
}

/// If `line` is a dateline (a date with only filler words such as
/// `تاريخ النشر:` or a weekday name around it), the date on it.
pub fn parse_date_line(line: &str) -> Option<FoundDate> {
    let found = find_dates(line);
    let first = *found.first()?;
    // Every token outside the dates must be filler or punctuation.
    let rest: String = {
        let mut s = String::new();
        let mut last = 0;
        for f in &found {
            s.push_str(&line[last..f.start]);
            s.push(' ');
            last = f.end;
        }
        s.push_str(&line[last..]);
        s
    };
    let ok = tokenize(&rest).iter().all(|t| match &t.tok {
        Tok::Word(w) => is_dateline_filler(&fold_key(w)),
        Tok::Sym(_) => true,
        Tok::Num(..) => false,
    });
    ok.then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> civil::Date {
        s.parse().unwrap()
    }

    fn one(text: &str) -> AbsDate {
        let f = find_dates(text);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        f[0].value
    }

    #[test]
    fn seed_forms() {
        let v = one("تاريخ النشر: 23rd, August 2023 GMT");
        assert_eq!((v.date, v.time, v.utc), (d("2023-08-23"), None, true));
        assert_eq!(one("03 يونيو 2024").date, d("2024-06-03"));
        assert_eq!(
            one("نائب وزير الدفاع خلال لقاء، 2 يونيو 2024 (فيسبوك)").date,
            d("2024-06-02")
        );
        let v = one("2025-02-06@14:36:08 GMT");
        assert_eq!(
            (v.date, v.time, v.utc),
            (d("2025-02-06"), Some(civil::time(14, 36, 8, 0)), true)
        );
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(one("٢٢/٨/٢٠٢٣").date, d("2023-08-22"));
        assert_eq!(one("22-08-2023").date, d("2023-08-22"));
        assert_eq!(one("2023/08/22").date, d("2023-08-22"));
        let v = one("2024-06-03T10:05:00Z");
        assert_eq!(
            (v.date, v.time, v.utc),
            (d("2024-06-03"), Some(civil::time(10, 5, 0, 0)), true)
        );
        assert!(find_dates("31/02/2024").is_empty(), "no 31 February");
        assert!(
            find_dates("الهاتف 22/08 فقط").is_empty(),
            "no year, no date"
        );
    }

    #[test]
    fn month_names_of_all_systems() {
        assert_eq!(one("17 سبتمبر/أيلول 2023").date, d("2023-09-17"));
        assert_eq!(one("الثلاثاء 22 آب/أغسطس 2023").date, d("2023-08-22"));
        assert_eq!(one("5 تشرين الثاني 2019").date, d("2019-11-05"));
        assert_eq!(one("1 جويلية 2021").date, d("2021-07-01"));
        assert_eq!(one("August 23, 2023").date, d("2023-08-23"));
        assert_eq!(one("١٠ إبريل ٢٠٢٠").date, d("2020-04-10"));
    }

    #[test]
    fn times_after_dates() {
        let v = one("03 يونيو 2024 - 10:30 م");
        assert_eq!(v.time, Some(civil::time(22, 30, 0, 0)));
        let v = one("2024-06-03 الساعة 09:15");
        assert_eq!(v.time, Some(civil::time(9, 15, 0, 0)));
    }

    #[test]
    fn spans_cover_the_date() {
        let text = "وصل الوفد في 17 سبتمبر/أيلول 2023 إلى المدينة";
        let f = find_dates(text);
        assert_eq!(&text[f[0].start..f[0].end], "17 سبتمبر/أيلول 2023");
    }

    #[test]
    fn date_lines() {
        assert!(parse_date_line("تاريخ النشر: 23rd, August 2023 GMT").is_some());
        assert!(parse_date_line("03 يونيو 2024").is_some());
        assert!(parse_date_line("آخر تحديث: الثلاثاء 22 أغسطس 2023 - 10:30").is_some());
        assert!(parse_date_line("Published: 2024-06-03").is_some());
        assert!(
            parse_date_line("نائب وزير الدفاع الروسي خلال لقاء حفتر، 2 يونيو 2024 (فيسبوك)")
                .is_none()
        );
        assert!(parse_date_line("وصل الوفد في 17 سبتمبر 2023 إلى المدينة").is_none());
    }
}
