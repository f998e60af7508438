//! Time expressions in Arabic news, recognised and resolved against the
//! publication date (the anchor), in the manner of TIMEX3 and Duckling.
//!
//! Recognition works on tokens (see `scan`): each rule tries to match at a
//! token and yields an unresolved [`Val`] plus modifiers; the longest match at
//! the leftmost position wins. Resolution then turns a `Val` into an ISO value
//! and a grain given the anchor and the preference for past or future.
//! Without an anchor, relative expressions stay unresolved and carry their
//! offset instead (`-P1D`, `MO<=` …), never a date guessed from the clock.

use crate::hijri;
use crate::months::{is_two_word_month_head, month_from_word};
use crate::scan::{
    date, date_at, hijri_mark, is_year, month_at, num, sym, tokenize, word, Tok, Token,
};
use jiff::civil::{self, Weekday};
use jiff::ToSpan;

/// Which way bare weekdays, months and holidays resolve (dateparser's
/// PREFER_DATES_FROM). News reports the past, so `Past` is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    #[default]
    Past,
    Future,
}

pub use rasd_doc::{TimeGrain as Grain, TimeKind as Kind};

/// A recognised time expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timex {
    /// Byte span into the text.
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// ISO 8601 / TIMEX3 value: `2024-06-03`, `2024-05`, `2020`, `2024-W22`,
    /// `2024-06-02TEV` (a part of day), `2024-06-02T15:15`, `2019-04/2020-06`,
    /// `P3D`, `PT2H`. `None` when a relative expression has no anchor.
    pub value: Option<String>,
    pub grain: Grain,
    /// For relative expressions: the offset from the anchor (`-P1D`, `+P1M`,
    /// `P0D`), or for weekdays `TU<=` (latest Tuesday on or before the
    /// anchor), `TU<` (before), `TU>` (after), `TU>=`.
    pub offset: Option<String>,
    /// `weekday_mismatch`, `mid`, `start`, `end`, `approximate`,
    /// `more_than`, `less_than`, `unresolved`, `hijri`, `future`, `past`, …
    pub flags: Vec<&'static str>,
}

/// The anchor and preferences of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// The publication date (and time, if known).
    pub anchor: Option<civil::DateTime>,
    pub prefer: Prefer,
}

/// Direction of a relative weekday, month or holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// No modifier: the preference decides, the anchor day itself included.
    Default,
    Past,
    Future,
    /// `الجاري`, `الحالي`: the anchor's own month or year.
    Current,
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Day(civil::Date),
    Month(i16, i8),
    Year(i16),
    /// Days from the anchor.
    RelDay(i64),
    RelWeek(i64),
    RelMonth(i64),
    RelYear(i64),
    Weekday(Weekday, Dir),
    /// A month without a year.
    MonthOf(i8, Dir),
    /// A day and month without a year.
    DayMonth(i8, i8, Dir),
    /// A Hijri month (of a year, or relative) without a day.
    HijriMonth(Option<i64>, i64, Dir),
    HijriDay(Option<i64>, i64, i64, Dir),
    Interval(Box<Val>, Box<Val>),
    /// The last `n` units up to the anchor.
    LastN(i64, Unit),
    Duration(i64, Unit),
    /// Half or quarter of an hour, as minutes.
    DurationMinutes(i64),
    /// A named weekday of a week relative to the anchor's (`الأحد من الأسبوع
    /// الماضي`); weeks run from Sunday (`الأحد`, "the first") to Saturday.
    WeekdayOfWeek(Weekday, i64),
    /// A day of a month relative to the anchor's (`الخامس من الشهر الجاري`).
    DayOfRelMonth(i8, i64),
    /// A range of days without a year (`من 13 إلى 15 تموز`): first day and
    /// month, last day and month; the year is the first day's, as for
    /// [`Val::DayMonth`], and the last day follows it.
    DayRange(i8, i8, i8, i8, Dir),
    /// The first or last day, week, month or weekday of a period (`آخر جمعة
    /// من الشهر`, `أول أسبوع من الشهر الجاري`). `true` for the last.
    NthOf(bool, Sub, Box<Val>),
    /// A Hijri day or month in a Gregorian year (`عيد الأضحى 2013`): the
    /// first one that falls in (for a month: that begins in) that year.
    HijriDayInYear(i16, i64, i64),
    HijriMonthInYear(i16, i64),
    /// Easter Sunday (Western, or Orthodox when `true`) of a year or, without
    /// one, the nearest in the direction.
    Easter(Option<i16>, bool, Dir),
}

/// What `أول`/`آخر` picks within a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sub {
    Day,
    Week,
    Month,
    Weekday(Weekday),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
}

/// A match before resolution.
#[derive(Debug, Clone)]
struct Draft {
    val: Val,
    /// Part of day: MO, MI, AF, EV, NI.
    part: Option<&'static str>,
    time: Option<civil::Time>,
    /// A named weekday to check the date against.
    weekday: Option<Weekday>,
    flags: Vec<&'static str>,
}

impl Draft {
    fn new(val: Val) -> Self {
        Draft {
            val,
            part: None,
            time: None,
            weekday: None,
            flags: Vec::new(),
        }
    }
}

fn strip_conj(w: &str) -> &str {
    for c in ['و', 'ف', 'ب', 'ل'] {
        if let Some(r) = w.strip_prefix(c) {
            if r.chars().count() >= 3 {
                return r;
            }
        }
    }
    w
}

/// A folded word at `i`, with a glued conjunction or preposition removed when
/// the whole word is not itself `pred`-worthy.
fn word_nc(toks: &[Token], i: usize, pred: impl Fn(&str) -> bool) -> Option<&str> {
    let w = word(toks, i)?;
    if pred(w) {
        return Some(w);
    }
    let s = strip_conj(w);
    pred(s).then_some(s)
}

fn weekday_of(w: &str) -> Option<Weekday> {
    let w = w.strip_prefix("ال").unwrap_or(w);
    Some(match w {
        "احد" => Weekday::Sunday,
        "اثنين" => Weekday::Monday,
        "ثلاثاء" => Weekday::Tuesday,
        "اربعاء" => Weekday::Wednesday,
        "خميس" => Weekday::Thursday,
        "جمعه" => Weekday::Friday,
        "سبت" => Weekday::Saturday,
        _ => return None,
    })
}

fn is_weekday_word(w: &str) -> bool {
    w.starts_with("ال") && weekday_of(w).is_some()
}

fn dir_of(w: &str) -> Option<Dir> {
    Some(match w {
        "الماضي" | "الماضيه" | "الماضيين" | "الماضيان" | "الماضيتين" | "المنصرم" | "المنصرمه"
        | "المنقضي" | "الفايت" | "الفايته" | "السابق" | "السابقه" | "المنصرمين" => {
            Dir::Past
        }
        "المقبل" | "المقبله" | "القادم" | "القادمه" | "المقبلين" | "القادمين" | "المقبلتين"
        | "التالي" | "الاتي" => Dir::Future,
        "الجاري" | "الجاريه" | "الحالي" | "الحاليه" => Dir::Current,
        _ => return None,
    })
}

fn part_of(w: &str) -> Option<&'static str> {
    Some(match w {
        "صباح" | "صباحا" | "الصباح" | "صبيحه" | "فجر" | "فجرا" | "الفجر" => {
            "MO"
        }
        "ظهر" | "ظهرا" | "الظهر" | "ظهيره" => "MI",
        "عصر" | "عصرا" | "العصر" | "بعد الظهر" => "AF",
        "مساء" | "مساءا" | "المساء" | "عشيه" | "مغرب" | "المغرب" => {
            "EV"
        }
        "ليل" | "ليلا" | "الليل" | "ليله" | "ليلة" => "NI",
        _ => return None,
    })
}

/// Cardinal number words (masculine and feminine, with their case forms).
fn number_word(w: &str) -> Option<i64> {
    let w = w.strip_prefix("ال").unwrap_or(w);
    Some(match w {
        "واحد" | "واحده" => 1,
        "اثنان" | "اثنين" | "اثنتان" | "اثنتين" | "ثنتين" => 2,
        "ثلاث" | "ثلاثه" => 3,
        "اربع" | "اربعه" => 4,
        "خمس" | "خمسه" => 5,
        "ست" | "سته" => 6,
        "سبع" | "سبعه" => 7,
        "ثماني" | "ثمانيه" | "ثمان" => 8,
        "تسع" | "تسعه" => 9,
        "عشر" | "عشره" => 10,
        "عشرون" | "عشرين" => 20,
        "ثلاثون" | "ثلاثين" => 30,
        "اربعون" | "اربعين" => 40,
        "خمسون" | "خمسين" => 50,
        "ستون" | "ستين" => 60,
        "مئه" | "مايه" => 100,
        _ => return None,
    })
}

/// Ordinal hour words: `الثالثة` is three o'clock.
fn hour_word(w: &str) -> Option<i64> {
    Some(match w {
        "الواحده" => 1,
        "الثانيه" => 2,
        "الثالثه" => 3,
        "الرابعه" => 4,
        "الخامسه" => 5,
        "السادسه" => 6,
        "السابعه" => 7,
        "الثامنه" => 8,
        "التاسعه" => 9,
        "العاشره" => 10,
        _ => return None,
    })
}

/// A unit word: its unit and the count it implies (a dual says 2, a bare
/// singular 1, a plural `None`: the count comes from a number).
fn unit_of(w: &str) -> Option<(Unit, Option<i64>)> {
    let w = w.strip_prefix("ال").unwrap_or(w);
    Some(match w {
        "ثانيه" => (Unit::Second, Some(1)),
        "ثوان" | "ثواني" => (Unit::Second, None),
        "ثانيتين" | "ثانيتان" => (Unit::Second, Some(2)),
        "دقيقه" => (Unit::Minute, Some(1)),
        "دقائق" => (Unit::Minute, None),
        "دقيقتين" | "دقيقتان" => (Unit::Minute, Some(2)),
        "ساعه" => (Unit::Hour, Some(1)),
        "ساعات" => (Unit::Hour, None),
        "ساعتين" | "ساعتان" => (Unit::Hour, Some(2)),
        "يوم" => (Unit::Day, Some(1)),
        "ايام" => (Unit::Day, None),
        "يومين" | "يومان" => (Unit::Day, Some(2)),
        "اسبوع" => (Unit::Week, Some(1)),
        "اسابيع" => (Unit::Week, None),
        "اسبوعين" | "اسبوعان" => (Unit::Week, Some(2)),
        "شهر" => (Unit::Month, Some(1)),
        "اشهر" | "شهور" => (Unit::Month, None),
        "شهرين" | "شهران" => (Unit::Month, Some(2)),
        "سنه" | "عام" => (Unit::Year, Some(1)),
        "سنوات" | "سنين" | "اعوام" => (Unit::Year, None),
        "سنتين" | "سنتان" | "عامين" | "عامان" => (Unit::Year, Some(2)),
        "عقد" => (Unit::Decade, Some(1)),
        "عقود" => (Unit::Decade, None),
        "عقدين" | "عقدان" => (Unit::Decade, Some(2)),
        _ => return None,
    })
}

const HIJRI_MONTHS: &[(&str, i64)] = &[
    ("محرم", 1),
    ("صفر", 2),
    ("ربيع الاول", 3),
    ("ربيع الثاني", 4),
    ("ربيع الاخر", 4),
    ("جمادي الاولي", 5),
    ("جمادي الاول", 5),
    ("جمادي الثانيه", 6),
    ("جمادي الاخره", 6),
    ("جمادي الاخر", 6),
    ("رجب", 7),
    ("شعبان", 8),
    ("رمضان", 9),
    ("شوال", 10),
    ("ذو القعده", 11),
    ("ذي القعده", 11),
    ("ذو الحجه", 12),
    ("ذي الحجه", 12),
];

/// A Hijri month name at `i` (one or two words).
fn hijri_month_at(toks: &[Token], i: usize) -> Option<(i64, usize)> {
    let w1 = word_nc(toks, i, |w| {
        HIJRI_MONTHS
            .iter()
            .any(|(n, _)| n.split(' ').next() == Some(w))
    })?;
    if let Some(w2) = word(toks, i + 1) {
        let two = format!("{w1} {w2}");
        if let Some(&(_, m)) = HIJRI_MONTHS.iter().find(|(n, _)| *n == two) {
            return Some((m, i + 2));
        }
    }
    HIJRI_MONTHS
        .iter()
        .find(|(n, _)| *n == w1)
        .map(|&(_, m)| (m, i + 1))
}

/// A number at `i`: digits or a number word. Returns value and next index.
fn count_at(toks: &[Token], i: usize) -> Option<(i64, usize)> {
    if let Some((v, _)) = num(toks, i) {
        return Some((v as i64, i + 1));
    }
    let w = word(toks, i)?;
    let n = number_word(w)?;
    // `ثلاثة عشر`, `خمسة وعشرين`
    if let Some(w2) = word(toks, i + 1) {
        if matches!(w2, "عشر" | "عشره") && n < 10 {
            return Some((n + 10, i + 2));
        }
        if let Some(tens) = w2.strip_prefix('و').and_then(number_word) {
            if tens >= 20 && n < 10 {
                return Some((n + tens, i + 2));
            }
        }
    }
    Some((n, i + 1))
}

/// `N unit` or a dual/singular unit alone. Returns (count, unit, next).
fn quantity_at(toks: &[Token], i: usize) -> Option<(i64, Unit, usize)> {
    if let Some((n, j)) = count_at(toks, i) {
        if let Some((u, _)) = word(toks, j).and_then(unit_of) {
            return Some((n, u, j + 1));
        }
        return None;
    }
    let w = word_nc(toks, i, |w| unit_of(w).is_some())?;
    let (u, c) = unit_of(w)?;
    let n = c?;
    // A plural unit followed by its number: `السنوات الأربع`, `الأيام الثلاثة`
    // (and `والثانية`, the ordinal, after a glued conjunction).
    if n == 1 && w.starts_with("ال") {
        return None;
    }
    Some((n, u, i + 1))
}

/// `السنوات الأربع`, `الأيام الثلاثة`: a plural unit then its number word.
fn plural_then_count(toks: &[Token], i: usize) -> Option<(i64, Unit, usize)> {
    let w = word(toks, i)?;
    let (u, c) = unit_of(w)?;
    if c.is_some() || !w.starts_with("ال") {
        return None;
    }
    let n = number_word(word(toks, i + 1)?)?;
    Some((n, u, i + 2))
}

/// `مطلع`, `منتصف`, `أواخر` before a month or year.
fn position_flag(w: &str) -> Option<&'static str> {
    Some(match w {
        "منتصف" | "اواسط" | "وسط" => "mid",
        "مطلع" | "اوايل" | "بدايه" | "مستهل" => "start",
        "اواخر" | "نهايه" | "اخر" | "ختام" => "end",
        _ => return None,
    })
}

/// Relative day words, with the number of tokens they take.
fn rel_day_at(toks: &[Token], i: usize) -> Option<(i64, usize)> {
    let w = word_nc(toks, i, |w| {
        matches!(
            w,
            "امس" | "البارحه" | "اليوم" | "غدا" | "غد" | "اول" | "بعد"
        )
    })?;
    // `غد` alone is also a noun (`غد أفضل`): only after a part of day.
    if w == "غد" && !(i > 0 && word(toks, i - 1).and_then(part_of).is_some()) {
        return None;
    }
    match w {
        "امس" | "البارحه" => Some((-1, i + 1)),
        // `اليوم الثالث` is the third day (of something), not today.
        "اليوم" if word(toks, i + 1).is_some_and(|w| ordinal_unit(w).is_some()) => None,
        "اليوم" => Some((0, i + 1)),
        "غدا" | "غد" => Some((1, i + 1)),
        "اول" => match (word(toks, i + 1), word(toks, i + 2)) {
            (Some("امس"), _) => Some((-2, i + 2)),
            (Some("من"), Some("امس")) => Some((-2, i + 3)),
            _ => None,
        },
        "بعد" => match word(toks, i + 1) {
            Some("غد" | "غدا") => Some((2, i + 2)),
            _ => None,
        },
        _ => None,
    }
}

/// Ordinal words of the units, masculine and feminine (`الرابع`, `الرابعة`),
/// as news writes days of the month; `الحادي` only begins 11, 21 and 31.
fn ordinal_unit(w: &str) -> Option<i64> {
    Some(match w {
        "الاول" | "الاولي" | "الحادي" | "الحاديه" => 1,
        "الثاني" | "الثانيه" => 2,
        "الثالث" | "الثالثه" => 3,
        "الرابع" | "الرابعه" => 4,
        "الخامس" | "الخامسه" => 5,
        "السادس" | "السادسه" => 6,
        "السابع" | "السابعه" => 7,
        "الثامن" | "الثامنه" => 8,
        "التاسع" | "التاسعه" => 9,
        "العاشر" | "العاشره" => 10,
        _ => return None,
    })
}

/// An ordinal day number (first to thirty-first: `الخامس عشر`, `الحادي
/// والعشرين`, `الثلاثين`) at `i`, with a glued conjunction allowed on its
/// first word. Returns the number and the index after it.
fn ordinal_at(toks: &[Token], i: usize) -> Option<(i64, usize)> {
    let w = word_nc(toks, i, |w| {
        ordinal_unit(w).is_some() || matches!(w, "العشرين" | "العشرون" | "الثلاثين" | "الثلاثون")
    })?;
    // `والثلاثين` after `الثاني`: the tail of a number that is no day.
    if word(toks, i) != Some(w) && i > 0 && word(toks, i - 1).and_then(ordinal_unit).is_some() {
        return None;
    }
    match w {
        "العشرين" | "العشرون" => return Some((20, i + 1)),
        "الثلاثين" | "الثلاثون" => return Some((30, i + 1)),
        _ => {}
    }
    let u = ordinal_unit(w)?;
    // The tens: `والعشرين`, or `و العشرين` apart.
    let (tens_w, e) = match word(toks, i + 1) {
        Some("و") => (word(toks, i + 2), i + 3),
        w2 => (w2.and_then(|w| w.strip_prefix('و')), i + 2),
    };
    if u < 10 {
        if matches!(word(toks, i + 1), Some("عشر" | "عشره")) {
            return Some((u + 10, i + 2));
        }
        match tens_w {
            Some("العشرين" | "العشرون") => return Some((u + 20, e)),
            Some("الثلاثين" | "الثلاثون") if u == 1 => return Some((31, e)),
            Some("الثلاثين" | "الثلاثون" | "الاربعين" | "الخمسين") => {
                return None
            }
            _ => {}
        }
    }
    if w.starts_with("الحادي") {
        return None;
    }
    Some((u, i + 1))
}

/// A day of the month at `i`: one or two digits up to 31, or an ordinal.
fn day_at(toks: &[Token], i: usize) -> Option<(i64, usize)> {
    if let Some((d, 1..=2)) = num(toks, i) {
        return (1..=31).contains(&d).then_some((d as i64, i + 1));
    }
    ordinal_at(toks, i)
}

/// A Gregorian year after a month (`2024`, `من عام 2020`, `عام 2019`).
fn year_after(toks: &[Token], i: usize) -> Option<(i16, usize)> {
    let mut k = i;
    if matches!(word(toks, k), Some("من")) {
        k += 1;
    }
    if matches!(word(toks, k), Some("عام" | "العام" | "سنه" | "لعام")) {
        k += 1;
    }
    let (y, n) = num(toks, k)?;
    if !is_year(y, n) || hijri_mark(toks, k + 1) {
        return None;
    }
    let e = if matches!(word(toks, k + 1), Some("م" | "ميلادي" | "ميلاديه")) {
        k + 2
    } else {
        k + 1
    };
    Some((y as i16, e))
}

/// A week relative to the anchor's: `الأسبوع الماضي`, `هذا الأسبوع`,
/// `الأسبوع الجاري`. `bare`: `الشهر` alone counts as the current one.
fn rel_unit_at(toks: &[Token], i: usize, unit: &str, bare: bool) -> Option<(i64, usize)> {
    let this = matches!(word(toks, i), Some("هذا" | "هذه"));
    let q = if this { i + 1 } else { i };
    if word(toks, q) != Some(unit) {
        return None;
    }
    if this {
        return Some((0, q + 1));
    }
    match word(toks, q + 1).and_then(dir_of) {
        Some(Dir::Past) => Some((-1, q + 2)),
        Some(Dir::Future) => Some((1, q + 2)),
        Some(_) => Some((0, q + 2)),
        None => bare.then_some((0, q + 1)),
    }
}

/// A part of day at `i`, with the index after it and, for the forms that
/// stand alone as adverbs of a day (`الليلة`, `هذه الليلة`, `هذا الصباح`,
/// `بعد الظهر`, `الليلة الماضية`), that day relative to the anchor.
fn part_at(toks: &[Token], i: usize) -> Option<(&'static str, usize, Option<i64>)> {
    let w = word(toks, i)?;
    match strip_conj(w) {
        "هذه" | "هذا" => {
            let p = match word(toks, i + 1)? {
                "الليله" => "NI",
                "الصباح" => "MO",
                "المساء" => "EV",
                "الظهيره" => "MI",
                _ => return None,
            };
            return Some((p, i + 2, Some(0)));
        }
        "الليله" => {
            // `في تلك الليلة`, `الليلة الأولى`, `قضى الليلة في`: a night, not
            // tonight.
            // (the verb of spending may have its subject between: `قضى الوفد الليلة`)
            let spent = |j: usize| {
                matches!(
                    word(toks, j).map(strip_conj),
                    Some(
                        "قضي"
                            | "قضت"
                            | "قضوا"
                            | "قضيت"
                            | "امضي"
                            | "امضت"
                            | "امضوا"
                            | "امضيت"
                            | "بات"
                            | "باتت"
                            | "باتوا"
                    )
                )
            };
            if i > 1 && spent(i - 2)
                || i > 0 && matches!(word(toks, i - 1), Some("تلك" | "ذات" | "نفس" | "ذلك"))
                || i > 0 && spent(i - 1)
            {
                return None;
            }
            return match word(toks, i + 1) {
                Some("الماضيه" | "البارحه" | "الفايته" | "المنصرمه") => {
                    Some(("NI", i + 2, Some(-1)))
                }
                Some("قبل") if word(toks, i + 2) == Some("الماضيه") => {
                    Some(("NI", i + 3, Some(-2)))
                }
                Some("الواحده") => None,
                Some("المقبله" | "القادمه") => Some(("NI", i + 2, Some(0))),
                Some(n) if ordinal_unit(n).is_some() || n == "التي" => None,
                _ => Some(("NI", i + 1, Some(0))),
            };
        }
        _ => {}
    }
    if strip_conj(w) == "بعد" || w == "بعد" {
        return match word(toks, i + 1)? {
            "الظهر" | "الظهيره" => Some(("AF", i + 2, Some(0))),
            "ظهر" | "ظهيره" => Some(("AF", i + 2, None)),
            _ => None,
        };
    }
    let p = part_of(strip_conj(w)).or_else(|| part_of(w))?;
    Some((p, i + 1, None))
}

/// `الرابع من أبريل`, `اليوم الثالث من شهر أكتوبر`, `الأول من شباط 2020`,
/// `الخامس من الشهر الجاري`: an ordinal (or, before a relative month, a
/// number) day of a month.
fn ordinal_date_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    let mut k = i;
    if matches!(
        word_nc(toks, k, |w| w == "اليوم" || w == "يوم"),
        Some("اليوم" | "يوم")
    ) {
        k += 1;
    }
    let numeric = k == i && matches!(num(toks, k), Some((_, 1..=2)));
    let (d, mut j) = if numeric {
        day_at(toks, k)?
    } else {
        ordinal_at(toks, k)?
    };
    let of = matches!(word(toks, j), Some("من"));
    if of {
        j += 1;
    }
    // `الخامس من الشهر الجاري`, `5 من الشهر الماضي`
    if of {
        if let Some((n, e)) = rel_unit_at(toks, j, "الشهر", false) {
            return Some((Draft::new(Val::DayOfRelMonth(d as i8, n)), e));
        }
    }
    if numeric {
        return None;
    }
    // `الأول من مارس`, `الأول من شهر مارس`, `الأول شهر مارس`; an ordinal
    // right before a month name is as often something else.
    if matches!(word(toks, j), Some("شهر")) {
        j += 1;
    } else if !of {
        return None;
    }
    let (m, e) = month_at(toks, j)?;
    if word(toks, j).is_some_and(|w| w.is_ascii()) || date(2000, m as u32, d as u32).is_none() {
        return None;
    }
    if let Some((y, e2)) = year_after(toks, e) {
        let dt = date(y as u32, m as u32, d as u32)?;
        return Some((Draft::new(Val::Day(dt)), e2));
    }
    let (dir, e2) = match word(toks, e).and_then(dir_of) {
        Some(dir) => (dir, e + 1),
        None => (Dir::Default, e),
    };
    Some((Draft::new(Val::DayMonth(d as i8, m as i8, dir)), e2))
}

/// Day ranges: `من 13 إلى 15 تموز`, `13-15 يوليو`, `بين 13 و15 يوليو`,
/// `من الأول إلى الخامس من مايو`, `من 28 يونيو إلى 2 يوليو`, with an
/// optional year or direction after the last month.
fn day_range_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    let intro = match word(toks, i) {
        Some("من" | "ومن") => Some("من"),
        Some("بين" | "وبين") => Some("بين"),
        _ => None,
    };
    let k = if intro.is_some() { i + 1 } else { i };
    if intro.is_none() && !matches!(num(toks, k), Some((_, 1..=2))) {
        return None;
    }
    let (d1, mut j) = day_at(toks, k)?;
    let m1 = match month_at(toks, j) {
        Some((m, e)) if intro.is_some() => {
            j = e;
            Some(m)
        }
        _ => None,
    };
    // The separator.
    j = match (intro, word(toks, j)) {
        (Some("من"), Some("الي" | "حتي" | "لغايه")) => j + 1,
        (Some("بين"), Some("و")) => j + 1,
        (_, None) if sym(toks, j, &['-', '–', '/']) && m1.is_none() => j + 1,
        (Some("من"), None) if sym(toks, j, &['-', '–']) => j + 1,
        _ => return None,
    };
    let (d2, mut j2) = day_at(toks, j)?;
    if matches!(word(toks, j2), Some("من")) {
        j2 += 1;
    }
    if matches!(word(toks, j2), Some("شهر")) {
        j2 += 1;
    }
    let (m2, e) = month_at(toks, j2)?;
    if word(toks, j2).is_some_and(|w| w.is_ascii()) {
        return None;
    }
    let m1 = m1.unwrap_or(m2);
    if (m1, d1) >= (m2, d2) && m1 == m2
        || date(2000, m1 as u32, d1 as u32).is_none()
        || date(2000, m2 as u32, d2 as u32).is_none()
    {
        return None;
    }
    if let Some((y, e2)) = year_after(toks, e) {
        let y1 = if m1 > m2 { y - 1 } else { y };
        let a = date(y1 as u32, m1 as u32, d1 as u32)?;
        let b = date(y as u32, m2 as u32, d2 as u32)?;
        let val = Val::Interval(Box::new(Val::Day(a)), Box::new(Val::Day(b)));
        return Some((Draft::new(val), e2));
    }
    let (dir, e2) = match word(toks, e).and_then(dir_of) {
        Some(dir) => (dir, e + 1),
        None => (Dir::Default, e),
    };
    let val = Val::DayRange(d1 as i8, m1 as i8, d2 as i8, m2 as i8, dir);
    Some((Draft::new(val), e2))
}

/// `آخر جمعة من الشهر`, `أول أسبوع من الشهر الجاري`, `آخر يوم من الشهر
/// المقبل`, `أول يوم من العام`, `آخر شهر من السنة الماضية`, `أول اثنين من
/// مارس`.
fn nth_of_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    let last = match word_nc(toks, i, |w| w == "اول" || w == "اخر")? {
        "اول" => false,
        "اخر" => true,
        _ => return None,
    };
    let w = word(toks, i + 1)?;
    let sub = match w {
        "يوم" => Sub::Day,
        "اسبوع" => Sub::Week,
        "شهر" => Sub::Month,
        _ => Sub::Weekday(weekday_of(w).filter(|_| !w.starts_with("ال"))?),
    };
    if !matches!(word(toks, i + 2), Some("من" | "في")) {
        return None;
    }
    let k = i + 3;
    let (period, e) = if let Some((n, e)) = rel_unit_at(toks, k, "الشهر", true) {
        (Val::RelMonth(n), e)
    } else if let Some((n, e)) =
        rel_unit_at(toks, k, "العام", true).or_else(|| rel_unit_at(toks, k, "السنه", true))
    {
        (Val::RelYear(n), e)
    } else if let Some((val, e, _)) = absolute_at(toks, k) {
        match val {
            Val::Month(..) | Val::Year(_) => (val, e),
            _ => return None,
        }
    } else {
        let mut k2 = k;
        if matches!(word(toks, k2), Some("شهر")) {
            k2 += 1;
        }
        let (m, e) = month_at(toks, k2)?;
        if word(toks, k2).is_some_and(|w| w.is_ascii()) {
            return None;
        }
        match word(toks, e).and_then(dir_of) {
            Some(dir) => (Val::MonthOf(m as i8, dir), e + 1),
            None => (Val::MonthOf(m as i8, Dir::Default), e),
        }
    };
    let of_year = matches!(period, Val::RelYear(_) | Val::Year(_));
    if matches!(sub, Sub::Month) != of_year && !matches!(sub, Sub::Day | Sub::Week) {
        return None;
    }
    if matches!(sub, Sub::Month) && !of_year {
        return None;
    }
    Some((Draft::new(Val::NthOf(last, sub, Box::new(period))), e))
}

/// Western (Gregorian computus) or Orthodox (Julian computus, converted)
/// Easter Sunday of a year.
fn easter(y: i16, orthodox: bool) -> Option<civil::Date> {
    let y = y as i64;
    let (m, d) = if orthodox {
        let (a, b, c) = (y % 4, y % 7, y % 19);
        let d = (19 * c + 15) % 30;
        let e = (2 * a + 4 * b - d + 34) % 7;
        let m = (d + e + 114) / 31;
        let day = (d + e + 114) % 31 + 1;
        // Julian to Gregorian: the days the calendars have drifted apart.
        let jd = civil::Date::new(y as i16, m as i8, day as i8).ok()?;
        let shift = y / 100 - y / 400 - 2;
        let g = jd.checked_add(shift.days()).ok()?;
        return Some(g);
    } else {
        let a = y % 19;
        let (b, c) = (y / 100, y % 100);
        let (d, e) = (b / 4, b % 4);
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - d - g + 15) % 30;
        let (i, k) = (c / 4, c % 4);
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let mm = (a + 11 * h + 22 * l) / 451;
        ((h + l - 7 * mm + 114) / 31, (h + l - 7 * mm + 114) % 31 + 1)
    };
    civil::Date::new(y as i16, m as i8, d as i8).ok()
}

/// A year after a holiday's name: `2013` (Gregorian above 1500 unless marked
/// `هـ`), `1445 هـ` or `1434` (Hijri), optionally after `عام`/`لعام`.
enum HolidayYear {
    Hijri(i64),
    Gregorian(i16),
}

fn holiday_year_at(toks: &[Token], i: usize) -> Option<(HolidayYear, usize)> {
    let mut k = i;
    if matches!(
        word(toks, k),
        Some("عام" | "العام" | "لعام" | "سنه" | "لسنه")
    ) {
        k += 1;
    }
    let (y, 4) = num(toks, k)? else { return None };
    if hijri_mark(toks, k + 1) {
        return Some((HolidayYear::Hijri(y as i64), k + 2));
    }
    if y > 1500 {
        if !is_year(y, 4) {
            return None;
        }
        let e = if matches!(word(toks, k + 1), Some("م" | "ميلادي" | "ميلاديه")) {
            k + 2
        } else {
            k + 1
        };
        return Some((HolidayYear::Gregorian(y as i16), e));
    }
    (y >= 1300).then_some((HolidayYear::Hijri(y as i64), k + 1))
}

/// Named holidays: Islamic (`عيد الفطر`, `عيد الأضحى`, `رأس السنة الهجرية`,
/// `المولد النبوي`, `يوم عرفة`, `عاشوراء`) and Christian (`عيد الميلاد
/// المجيد`, `عيد الفصح`, `رأس السنة الميلادية`), with an optional year and
/// direction.
fn holiday_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    enum H {
        Hijri(i64, i64),
        Greg(i8, i8),
        Easter(bool),
    }
    let first = word_nc(toks, i, |w| {
        matches!(w, "عيد" | "راس" | "المولد" | "يوم" | "عاشوراء")
    })?;
    let (h, mut e) = match (first, word(toks, i + 1)) {
        ("عيد", Some("الفطر")) => (H::Hijri(10, 1), i + 2),
        ("عيد", Some("الاضحي")) => (H::Hijri(12, 10), i + 2),
        ("عيد", Some("الميلاد")) => {
            let mut e = i + 2;
            if matches!(word(toks, e), Some("المجيد")) {
                e += 1;
            }
            // `عيد الميلاد الخمسين`: a birthday.
            if word(toks, e).is_some_and(|w| number_word(w).is_some() || ordinal_unit(w).is_some())
            {
                return None;
            }
            if matches!(word(toks, e), Some("الشرقي" | "الارثوذكسي")) {
                (H::Greg(1, 7), e + 1)
            } else {
                (H::Greg(12, 25), e)
            }
        }
        ("عيد", Some("الفصح")) => {
            let mut e = i + 2;
            if matches!(word(toks, e), Some("المجيد")) {
                e += 1;
            }
            match word(toks, e) {
                Some("اليهودي") => return None,
                Some("الشرقي" | "الارثوذكسي") => (H::Easter(true), e + 1),
                Some("الغربي" | "الكاثوليكي") => (H::Easter(false), e + 1),
                _ => (H::Easter(false), e),
            }
        }
        ("راس", Some("السنه")) => match word(toks, i + 2) {
            Some("الهجريه") => (H::Hijri(1, 1), i + 3),
            Some("الميلاديه") => (H::Greg(1, 1), i + 3),
            Some("العبريه" | "اليهوديه" | "الصينيه" | "الامازيغيه" | "الفارسيه") => {
                return None
            }
            _ => (H::Greg(1, 1), i + 2),
        },
        ("المولد", Some("النبوي")) => {
            let e = if matches!(word(toks, i + 2), Some("الشريف")) {
                i + 3
            } else {
                i + 2
            };
            (H::Hijri(3, 12), e)
        }
        ("يوم", Some("عرفه" | "عرفات")) => (H::Hijri(12, 9), i + 2),
        ("عاشوراء", _) => (H::Hijri(1, 10), i + 1),
        _ => return None,
    };
    let year = holiday_year_at(toks, e).map(|(y, e2)| {
        e = e2;
        y
    });
    let dir = match word(toks, e).and_then(dir_of) {
        Some(d) if year.is_none() => {
            e += 1;
            d
        }
        _ => Dir::Default,
    };
    let mut dr = match (h, year) {
        (H::Hijri(m, d), Some(HolidayYear::Gregorian(y))) => {
            Draft::new(Val::HijriDayInYear(y, m, d))
        }
        (H::Hijri(m, d), Some(HolidayYear::Hijri(y))) => {
            Draft::new(Val::HijriDay(Some(y), m, d, dir))
        }
        (H::Hijri(m, d), None) => Draft::new(Val::HijriDay(None, m, d, dir)),
        (H::Greg(m, d), Some(HolidayYear::Gregorian(y))) => {
            Draft::new(Val::Day(date(y as u32, m as u32, d as u32)?))
        }
        (H::Greg(m, d), None) => Draft::new(Val::DayMonth(d, m, dir)),
        (H::Easter(o), Some(HolidayYear::Gregorian(y))) => Draft::new(Val::Easter(Some(y), o, dir)),
        (H::Easter(o), None) => Draft::new(Val::Easter(None, o, dir)),
        (_, Some(HolidayYear::Hijri(_))) => return None,
    };
    if matches!(dr.val, Val::HijriDay(..) | Val::HijriDayInYear(..)) {
        dr.flags.extend(["hijri", hijri::CALENDAR_FLAG]);
    }
    Some((dr, e))
}

/// A full absolute date (with optional weekday before it), a month and year,
/// or a year: the building blocks of intervals.
fn absolute_at(toks: &[Token], i: usize) -> Option<(Val, usize, Option<civil::Time>)> {
    if let Some((d, j)) = date_at(toks, i) {
        return Some((Val::Day(d.date), j, d.time));
    }
    if let Some((m, j)) = month_at(toks, i) {
        // `مارس 2024`, `فبراير من عام 2022`, `مارس عام 2020`
        let mut k = j;
        if matches!(word(toks, k), Some("من")) {
            k += 1;
        }
        if matches!(word(toks, k), Some("عام" | "العام" | "سنه")) {
            k += 1;
        }
        if let Some((y, n)) = num(toks, k) {
            if is_year(y, n) {
                return Some((Val::Month(y as i16, m as i8), k + 1, None));
            }
        }
    }
    let mut k = i;
    if matches!(word(toks, k), Some("عام" | "العام" | "سنه" | "السنه")) {
        k += 1;
    }
    if let Some((y, n)) = num(toks, k) {
        if is_year(y, n) && (k > i || matches!(word(toks, k + 1), Some("م" | "ميلادي"))) {
            let e = if matches!(word(toks, k + 1), Some("م" | "ميلادي")) {
                k + 2
            } else {
                k + 1
            };
            return Some((Val::Year(y as i16), e, None));
        }
    }
    None
}

/// A day followed by its time (`غداً الساعة العاشرة صباحاً`, `الأحد الساعة
/// 9`): takes the clock time into the draft and returns the index after it.
fn with_clock(toks: &[Token], d: &mut Draft, e: usize) -> usize {
    match clock_at(toks, e) {
        Some((c, e2)) if c.val == Val::RelDay(0) => {
            d.time = c.time;
            d.part = c.part.or(d.part);
            d.flags.extend(c.flags);
            e2
        }
        _ => e,
    }
}

/// Tries every rule at token `i`; returns the draft and the index after it.
fn match_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    let w = word(toks, i);

    // Intervals: `بين X وY`, `من X إلى/حتى Y`.
    if matches!(w, Some("بين" | "من" | "منذ")) {
        if let Some((a, j, _)) = absolute_at(toks, i + 1) {
            // The second bound follows `و`, `إلى` or `حتى`; a `و` glued to a
            // month name (`وحزيران`) is read by `month_at` itself.
            let k = match word(toks, j) {
                Some("و" | "الي" | "حتي" | "لغايه") => Some(j + 1),
                Some(x) if x.starts_with('و') && w == Some("بين") => Some(j),
                _ => None,
            };
            if let Some(k) = k {
                let b = absolute_at(toks, k);
                if let Some((b, e, _)) = b {
                    return Some((Draft::new(Val::Interval(Box::new(a), Box::new(b))), e));
                }
            }
        }
    }

    // Ranges of days: `من 13 إلى 15 تموز`, `13-15 يوليو`, `بين 13 و15 يوليو`.
    if let Some(r) = day_range_at(toks, i) {
        return Some(r);
    }
    // `آخر جمعة من الشهر`, `أول أسبوع من الشهر الجاري`.
    if let Some(r) = nth_of_at(toks, i) {
        return Some(r);
    }
    // Ordinal days: `الرابع من أبريل`, `اليوم الثالث من أكتوبر`.
    if let Some(r) = ordinal_date_at(toks, i) {
        return Some(r);
    }
    // Holidays: `عيد الأضحى 2013`, `عيد الميلاد المجيد`, `رأس السنة الهجرية`.
    if let Some(r) = holiday_at(toks, i) {
        return Some(r);
    }
    // The present: `الآن`, `حالياً` (the anchor, as `اليوم`).
    if word_nc(toks, i, |w| matches!(w, "الان" | "حاليا")).is_some() {
        let mut d = Draft::new(Val::RelDay(0));
        d.flags.push("present_ref");
        return Some((d, i + 1));
    }

    // Parts of day and relative days: `مساء أمس الأحد`, `صباح اليوم`,
    // `بعد ظهر أمس`; `الليلة`, `هذا الصباح` stand for today's.
    let mut k = i;
    let mut part = None;
    if let Some((p, e, alone)) = part_at(toks, i) {
        if let Some(n) = alone {
            let mut d = Draft::new(Val::RelDay(n));
            d.part = Some(p);
            let e = with_clock(toks, &mut d, e);
            return Some((d, e));
        }
        part = Some(p);
        k = e;
    }
    if let Some((n, j)) = rel_day_at(toks, k) {
        let mut d = Draft::new(Val::RelDay(n));
        d.part = part;
        let mut e = j;
        if let Some(wd) = word(toks, e)
            .filter(|w| is_weekday_word(w))
            .and_then(weekday_of)
        {
            d.weekday = Some(wd);
            e += 1;
        }
        if d.part.is_none() {
            if let Some(p) = word(toks, e).and_then(part_of) {
                d.part = Some(p);
                e += 1;
            }
        }
        e = with_clock(toks, &mut d, e);
        return Some((d, e));
    }
    // Weekdays: `الثلاثاء`, `يوم الجمعة الماضي`, `مساء الأحد`.
    let mut kk = k;
    if matches!(word(toks, kk), Some("يوم")) && part.is_none() {
        kk += 1;
    }
    if let Some(wd) = word_nc(toks, kk, is_weekday_word).and_then(weekday_of) {
        let mut e = kk + 1;
        let mut dir = Dir::Default;
        if let Some(d) = word(toks, e).and_then(dir_of) {
            dir = d;
            e += 1;
        }
        // A date after the weekday (`الخميس 15 أغسطس`, `الأحد الموافق 3
        // مارس 2024`, `الجمعة الرابع من يوليو`): the date wins, the weekday
        // is checked.
        let mut e2 = e;
        if sym(toks, e2, &[',', '،']) {
            e2 += 1;
        }
        if matches!(word(toks, e2), Some("الموافق")) {
            e2 += 1;
        }
        if let Some((dd, j)) = date_at(toks, e2) {
            let mut d = Draft::new(Val::Day(dd.date));
            d.time = dd.time;
            d.weekday = Some(wd);
            d.part = part;
            return Some((d, j));
        }
        if dir == Dir::Default {
            let dm = month_expr_at(toks, e2)
                .filter(|(d, _)| matches!(d.val, Val::DayMonth(..)) && num(toks, e2).is_some())
                .or_else(|| ordinal_date_at(toks, e2));
            if let Some((mut d, j)) = dm {
                if matches!(d.val, Val::DayMonth(..) | Val::Day(_)) {
                    d.weekday = Some(wd);
                    d.part = part;
                    let j = with_clock(toks, &mut d, j);
                    return Some((d, j));
                }
            }
            // `الأحد من الأسبوع الماضي`: that weekday of another week.
            if matches!(word(toks, e), Some("من")) {
                if let Some((n, j)) = rel_unit_at(toks, e + 1, "الاسبوع", false) {
                    let mut d = Draft::new(Val::WeekdayOfWeek(wd, n));
                    d.part = part;
                    let j = with_clock(toks, &mut d, j);
                    return Some((d, j));
                }
            }
        }
        let mut d = Draft::new(Val::Weekday(wd, dir));
        d.part = part;
        if let Some(p) = word(toks, e).and_then(part_of) {
            d.part.get_or_insert(p);
            e += 1;
        }
        e = with_clock(toks, &mut d, e);
        return Some((d, e));
    }
    if let Some(p) = part {
        // A part of day alone (`فجراً`, `مساء`): today, at that part.
        // (as an adverb: with tanween, or spelled with the alef of tanween)
        if k == i + 1
            && (toks[i].tanween
                || word(toks, i).is_some_and(|w| w.ends_with('ا') && w.chars().count() > 3))
        {
            let mut d = Draft::new(Val::RelDay(0));
            d.part = Some(p);
            return Some((d, i + 1));
        }
    }
    // Midnight, of today or of a named day (`منتصف ليل الأحد`: 00:00 that day).
    if matches!(w, Some("منتصف")) && matches!(word(toks, i + 1), Some("الليل" | "ليل"))
    {
        let mut d = Draft::new(Val::RelDay(0));
        let mut e = i + 2;
        if let Some((n, j)) = rel_day_at(toks, e) {
            d.val = Val::RelDay(n);
            e = j;
        } else if let Some(wd) = word(toks, e)
            .filter(|w| is_weekday_word(w))
            .and_then(weekday_of)
        {
            d.val = Val::Weekday(wd, Dir::Default);
            e += 1;
        }
        d.time = civil::Time::new(0, 0, 0, 0).ok();
        return Some((d, e));
    }

    // Times of day: `الساعة الثالثة عصراً`, `الساعة 3 و15 دقيقة`, `12 إلا ربع`.
    if let Some(r) = clock_at(toks, i) {
        return Some(r);
    }

    // Full dates, with an optional time after them.
    if let Some((dd, j)) = date_at(toks, i) {
        let mut d = Draft::new(Val::Day(dd.date));
        d.time = dd.time;
        return Some((d, j));
    }

    // Hijri dates: `15 رمضان 1445 هـ`, `رمضان 1445 هـ`, `رمضان الماضي`.
    if let Some(r) = hijri_at(toks, i) {
        return Some(r);
    }

    // Positions within a period: `منتصف الشهر المنصرم`, `مطلع العام المقبل`.
    let (pos, p0) = match w.and_then(position_flag) {
        Some(f) => (Some(f), i + 1),
        None => (None, i),
    };

    // Relative periods: `الأسبوع الماضي`, `الشهر المنصرم`, `العام المقبل`,
    // `هذا العام`, `العام الجاري`.
    let this = matches!(word(toks, p0), Some("هذا" | "هذه"));
    let q = if this { p0 + 1 } else { p0 };
    if let Some(u) = word_nc(toks, q, |w| {
        matches!(w, "الاسبوع" | "الشهر" | "العام" | "السنه")
    }) {
        let dir = if this {
            Some(Dir::Current)
        } else {
            word(toks, q + 1).and_then(dir_of)
        };
        if let Some(dir) = dir {
            let n = match dir {
                Dir::Past => -1,
                Dir::Future => 1,
                _ => 0,
            };
            let val = match u {
                "الاسبوع" => Val::RelWeek(n),
                "الشهر" => Val::RelMonth(n),
                _ => Val::RelYear(n),
            };
            let mut d = Draft::new(val);
            d.flags.extend(pos);
            return Some((d, if this { q + 1 } else { q + 2 }));
        }
    }

    // Months: `مارس 2024`, `17 سبتمبر/أيلول الجاري`, `شهري مارس وإبريل الماضيين`.
    if let Some(r) = month_expr_at(toks, p0) {
        let (mut d, e) = r;
        d.flags.extend(pos);
        return Some((d, e));
    }

    // Years: `في عام 2020`, `عام 2019`, `2015م`.
    if let Some((val, e, _)) = absolute_at(toks, p0) {
        if matches!(val, Val::Year(_)) {
            let mut d = Draft::new(val);
            d.flags.extend(pos);
            return Some((d, e));
        }
    }

    // Offsets: `قبل ثلاثة أيام`, `بعد يومين`, `قبل ساعات`, `منذ أسبوعين`.
    if let Some(dirw) = w.filter(|w| matches!(*w, "قبل" | "بعد" | "منذ")) {
        let sign = if dirw == "بعد" { 1 } else { -1 };
        if let Some((Val::Year(_), ..)) = absolute_at(toks, i + 1) {
            return None;
        }
        let offset = quantity_at(toks, i + 1)
            .map(|(n, u, e)| (n, u, e, false))
            .or_else(|| {
                // A bare plural: `قبل ساعات`, `قبل أيام`, `منذ سنوات`.
                match word(toks, i + 1).and_then(unit_of) {
                    Some((u, None)) => Some((1, u, i + 2, true)),
                    _ => None,
                }
            });
        if let Some((n, u, mut e, vague)) = offset {
            if matches!(word(toks, e), Some("قليله" | "عده" | "معدوده" | "قلائل"))
            {
                e += 1;
            }
            // `بعد أيام قليلة من الفيضانات`: relative to an event, not to the
            // publication date: only the amount of time is known.
            if matches!(word(toks, e), Some("من" | "علي")) && dirw != "منذ" {
                let mut d = Draft::new(Val::Duration(n, u));
                d.flags.push("relative_to_event");
                if vague {
                    d.flags.push("approximate");
                }
                return Some((d, e));
            }
            let mut d = Draft::new(offset_val(sign * n, u));
            if vague || matches!(u, Unit::Hour | Unit::Minute | Unit::Second) {
                d.flags.push("approximate");
            }
            return Some((d, e));
        }
    }

    // The last N units: `خلال السنوات الأربع الماضية`, `في الأيام الثلاثة الأخيرة`.
    if let Some((n, u, e)) = plural_then_count(toks, i) {
        if matches!(
            word(toks, e),
            Some("الماضيه" | "الماضي" | "الاخيره" | "المنصرمه" | "الفائته")
        ) {
            return Some((Draft::new(Val::LastN(n, u)), e + 1));
        }
    }

    // Durations: `ثلاثة أيام`, `ساعتين`, `نصف ساعة`, `أكثر من عام`.
    let (qual, d0) = match (w, word(toks, i + 1)) {
        (Some("اكثر"), Some("من")) => (Some("more_than"), i + 2),
        (Some("اقل"), Some("من")) => (Some("less_than"), i + 2),
        (Some("نحو" | "حوالي" | "قرابه" | "زهاء"), _) => {
            (Some("approximate"), i + 1)
        }
        _ => (None, i),
    };
    if matches!(word(toks, d0), Some("نصف" | "ربع")) && matches!(word(toks, d0 + 1), Some("ساعه"))
    {
        let m = if word(toks, d0) == Some("نصف") {
            30
        } else {
            15
        };
        let mut d = Draft::new(Val::DurationMinutes(m));
        d.flags.extend(qual);
        return Some((d, d0 + 2));
    }
    if let Some((n, u, e)) = quantity_at(toks, d0) {
        // A bare singular (`عقد`, `يوم`, `ساعة`) is a noun unless qualified.
        if qual.is_none()
            && count_at(toks, d0).is_none()
            && word_nc(toks, d0, |w| unit_of(w).is_some())
                .and_then(unit_of)
                .is_some_and(|(_, c)| c == Some(1))
        {
            return None;
        }
        let mut d = Draft::new(Val::Duration(n, u));
        d.flags.extend(qual);
        return Some((d, e));
    }
    None
}

fn offset_val(n: i64, u: Unit) -> Val {
    match u {
        Unit::Day => Val::RelDay(n),
        Unit::Week => Val::RelDay(7 * n),
        Unit::Month => Val::RelMonth(n),
        Unit::Year => Val::RelYear(n),
        Unit::Decade => Val::RelYear(10 * n),
        // Hours and minutes before the anchor: the anchor's day, approximately.
        Unit::Hour | Unit::Minute | Unit::Second => Val::RelDay(0),
    }
}

/// Month expressions: with a day, with a year, alone with a direction, and
/// lists of months sharing one direction word (`مارس/ آذار، وإبريل/ نيسان
/// الماضيين`). A list yields its first month here; the caller sees the rest
/// as separate matches that share the direction through `list_dir`.
fn month_expr_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    let mut k = i;
    if matches!(word(toks, k), Some("شهر" | "شهري" | "شهور")) {
        k += 1;
    }
    // Day then month without a year (`17 سبتمبر/أيلول الجاري`).
    if let Some((d, 1..=2)) = num(toks, k) {
        if let Some((m, e)) = month_at(toks, k + 1) {
            let (dir, e2) = match word(toks, e).and_then(dir_of) {
                Some(dir) => (dir, e + 1),
                None => (Dir::Default, e),
            };
            if date(2000, m as u32, d).is_some() {
                return Some((Draft::new(Val::DayMonth(d as i8, m as i8, dir)), e2));
            }
        }
    }
    let (m, e) = month_at(toks, k)?;
    // English month names stand alone only in full dates (`may`, `march`).
    if word(toks, k).is_some_and(|w| w.is_ascii()) {
        return None;
    }
    // Month and year.
    if let Some((val, e2, _)) = absolute_at(toks, k) {
        if matches!(val, Val::Month(..)) {
            return Some((Draft::new(val), e2));
        }
    }
    // A month alone: its direction is the next direction word, possibly after
    // a list of further months (`مارس وإبريل الماضيين`).
    let mut j = e;
    let mut dir = None;
    for _ in 0..8 {
        if let Some(d) = word(toks, j).and_then(dir_of) {
            dir = Some(d);
            break;
        }
        if sym(toks, j, &['،', ',', '/']) {
            j += 1;
            continue;
        }
        match month_at(toks, j) {
            Some((_, j2)) => j = j2,
            None => break,
        }
    }
    let own_dir_next = word(toks, e).and_then(dir_of).is_some();
    let end = if own_dir_next { e + 1 } else { e };
    // A bare month name with no direction (`في مارس`) is resolved by the
    // preference for past or future.
    Some((
        Draft::new(Val::MonthOf(m as i8, dir.unwrap_or(Dir::Default))),
        end,
    ))
}

fn hijri_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    let (day, k) = match num(toks, i) {
        Some((d, 1..=2)) => (Some(d as i64), i + 1),
        _ => (None, i),
    };
    let (m, mut e) = hijri_month_at(toks, k)?;
    let mut year = None;
    // A year above 1500 without `هـ` is Gregorian: `رمضان 2024` is the
    // Ramadan that falls in 2024.
    let mut gyear = None;
    if let Some((y, e2)) = holiday_year_at(toks, e) {
        match y {
            HolidayYear::Hijri(y) => year = Some(y),
            HolidayYear::Gregorian(y) => gyear = Some(y),
        }
        e = e2;
    }
    // `رجب`, `صفر`, `شعبان` alone are as often names.
    if let Some(gy) = gyear.filter(|_| day.is_some() || !matches!(m, 2 | 7 | 8)) {
        let val = match day {
            Some(d) => Val::HijriDayInYear(gy, m, d),
            None => Val::HijriMonthInYear(gy, m),
        };
        let mut dr = Draft::new(val);
        dr.flags.extend(["hijri", hijri::CALENDAR_FLAG]);
        return Some((dr, e));
    }
    let mut dir = Dir::Default;
    if year.is_none() {
        match word(toks, e).and_then(dir_of) {
            Some(d) => {
                dir = d;
                e += 1;
            }
            // A bare `رجب` or `صفر` is as often a name as a month: require a
            // day, a year or a direction, except for Ramadan.
            None if day.is_none() && m != 9 => return None,
            None => {}
        }
    }
    let val = match day {
        Some(d) => Val::HijriDay(year, m, d, dir),
        None => Val::HijriMonth(year, m, dir),
    };
    let mut dr = Draft::new(val);
    dr.flags.extend(["hijri", hijri::CALENDAR_FLAG]);
    Some((dr, e))
}

/// `الساعة الثالثة عصراً`, `الساعة 3 و15 دقيقة`, `الساعة العاشرة والنصف`,
/// `12 إلا ربع`, `الساعة 10:30 صباحاً`, followed optionally by a day.
fn clock_at(toks: &[Token], i: usize) -> Option<(Draft, usize)> {
    let has_saa = matches!(word(toks, i), Some("الساعه"));
    let k = if has_saa { i + 1 } else { i };
    let (mut h, mut e) = if let Some(hw) = word(toks, k).and_then(hour_word) {
        let mut h = hw;
        let mut e = k + 1;
        // `الحادية عشرة`, `الثانية عشرة`
        if matches!(word(toks, e), Some("عشر" | "عشره")) {
            h += 10;
            e += 1;
        } else if word(toks, k) == Some("الحاديه") {
            return None;
        }
        (h, e)
    } else if word(toks, k) == Some("الحاديه") && matches!(word(toks, k + 1), Some("عشر" | "عشره"))
    {
        (11, k + 2)
    } else if let Some((v, 1..=2)) = num(toks, k) {
        if v > 24 {
            return None;
        }
        (v as i64, k + 1)
    } else {
        return None;
    };
    let mut minute = 0i64;
    let mut matched_minutes = false;
    if sym(toks, e, &[':']) {
        if let Some((m, 2)) = num(toks, e + 1) {
            minute = m as i64;
            e += 2;
            matched_minutes = true;
        }
    } else if let Some(wm) = word(toks, e) {
        match wm {
            "والنصف" => {
                minute = 30;
                e += 1;
                matched_minutes = true;
            }
            "والربع" => {
                minute = 15;
                e += 1;
                matched_minutes = true;
            }
            "والثلث" => {
                minute = 20;
                e += 1;
                matched_minutes = true;
            }
            "الا" | "إلا" => {
                let (less, e2) = match word(toks, e + 1) {
                    Some("ربع" | "ربعا") => (15, e + 2),
                    Some("ثلث" | "ثلثا") => (20, e + 2),
                    _ => match num(toks, e + 1) {
                        Some((m, _)) if matches!(word(toks, e + 2), Some("دقيقه" | "دقائق")) => {
                            (m as i64, e + 3)
                        }
                        Some((m, _)) => (m as i64, e + 2),
                        None => (0, e),
                    },
                };
                if less > 0 && less < 60 {
                    h = (h + 23) % 24;
                    minute = 60 - less;
                    e = e2;
                    matched_minutes = true;
                }
            }
            "و" => {
                if let Some((m, _)) = num(toks, e + 1) {
                    if m < 60 {
                        minute = m as i64;
                        e += 2;
                        if matches!(word(toks, e), Some("دقيقه" | "دقائق")) {
                            e += 1;
                        }
                        matched_minutes = true;
                    }
                }
            }
            _ => {}
        }
    }
    // Without `الساعة`, only `H:MM` or `H إلا ربع` are clock times, and an
    // hour followed by a part of day (`الثامنة هذه الليلة`, `في 3 مساءً`).
    let bare =
        part_at(toks, e).is_some() && bare_hour_ok(toks, i, k == i && num(toks, k).is_none());
    if !(has_saa || matched_minutes || bare) {
        return None;
    }
    let mut d = Draft::new(Val::RelDay(0));
    // Part of day after the time (`صباحاً`, `بعد الظهر`, `هذه الليلة`), then
    // optionally a day.
    if let Some((p, e2, alone)) = part_at(toks, e) {
        d.part = Some(p);
        e = e2;
        if let Some(n) = alone {
            d.val = Val::RelDay(n);
        }
    }
    match word(toks, e) {
        Some("من")
            if matches!(
                word(toks, e + 1),
                Some("صباح" | "مساء" | "فجر" | "ظهر" | "عصر" | "ليل" | "ليله" | "بعد")
            ) =>
        {
            if let Some((p, e2, _)) = part_at(toks, e + 1) {
                d.part = Some(p);
                e = e2;
            }
        }
        _ => {}
    }
    if let Some((n, j)) = rel_day_at(toks, e) {
        d.val = Val::RelDay(n);
        e = j;
        if let Some(wd) = word(toks, e)
            .filter(|w| is_weekday_word(w))
            .and_then(weekday_of)
        {
            d.weekday = Some(wd);
            e += 1;
        }
    } else if let Some(wd) = word(toks, e)
        .filter(|w| is_weekday_word(w))
        .and_then(weekday_of)
    {
        d.val = Val::Weekday(wd, Dir::Default);
        e += 1;
    }
    if let Some(p) = d.part {
        if matches!(p, "AF" | "EV") && h < 12 || p == "MI" && (1..=5).contains(&h) {
            h += 12;
        }
        if p == "NI" && (6..12).contains(&h) {
            h += 12;
        }
        if p == "MO" && h == 12 {
            h = 0;
        }
    }
    if h == 24 {
        h = 0;
    }
    d.time = civil::Time::new(h as i8, minute as i8, 0, 0).ok();
    d.time?;
    if d.part.is_none() && (1..=11).contains(&h) && has_saa {
        d.flags.push("am_pm_ambiguous");
    }
    Some((d, e))
}

/// An hour without `الساعة` before it: a word hour (`الثامنة`) unless it
/// looks like the adjective of a feminine noun (`الجولة الثانية`), or a number
/// after a preposition of time (`في 3 مساءً`).
fn bare_hour_ok(toks: &[Token], i: usize, word_hour: bool) -> bool {
    let prev = if i > 0 { word(toks, i - 1) } else { None };
    let p = prev.map(|p| {
        p.strip_prefix('و')
            .filter(|r| r.chars().count() >= 2)
            .unwrap_or(p)
    });
    match p {
        Some(
            "في" | "عند" | "تمام" | "حتي" | "منذ" | "قرابه" | "حوالي" | "نحو" | "بعد" | "قبل"
            | "الي" | "ابتداء" | "اعتبارا",
        ) => true,
        _ if !word_hour => false,
        Some(p) => !(p.ends_with('ه') || p.ends_with("ات")),
        None => true,
    }
}

/// True if some rule can start at a word with this folded form.
fn could_start(w: &str) -> bool {
    matches!(
        w,
        "بين"
            | "من"
            | "منذ"
            | "يوم"
            | "منتصف"
            | "هذا"
            | "هذه"
            | "الاسبوع"
            | "الشهر"
            | "العام"
            | "السنه"
            | "شهر"
            | "شهري"
            | "شهور"
            | "عام"
            | "سنه"
            | "قبل"
            | "بعد"
            | "اكثر"
            | "اقل"
            | "نحو"
            | "حوالي"
            | "قرابه"
            | "زهاء"
            | "نصف"
            | "ربع"
            | "الساعه"
            | "الحاديه"
            | "عيد"
            | "امس"
            | "البارحه"
            | "اليوم"
            | "غدا"
            | "غد"
            | "اول"
            | "ومن"
            | "الان"
            | "حاليا"
            | "الليله"
            | "راس"
            | "المولد"
            | "عاشوراء"
    ) || weekday_of(w).is_some()
        || ordinal_unit(w).is_some()
        || part_of(w).is_some()
        || unit_of(w).is_some()
        || number_word(w).is_some()
        || position_flag(w).is_some()
        || month_from_word(w).is_some()
        || is_two_word_month_head(w)
        || HIJRI_MONTHS
            .iter()
            .any(|(n, _)| n.split(' ').next() == Some(w))
}

/// Finds every time expression in `text`, resolved against `ctx`.
pub fn extract(text: &str, ctx: &Context) -> Vec<Timex> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    let mut i = 0;
    let mut list_dir: Option<(usize, Dir)> = None;
    while i < toks.len() {
        // Quick rejection: most tokens start no time expression.
        let starts = match &toks[i].tok {
            Tok::Num(..) => true,
            Tok::Word(w) => could_start(w) || could_start(strip_conj(w)),
            Tok::Sym(_) => false,
        };
        if !starts {
            i += 1;
            continue;
        }
        match match_at(&toks, i) {
            Some((mut d, e)) if e > i => {
                // Months of a list share the direction found after the list.
                if let Val::MonthOf(m, Dir::Default) = d.val {
                    if let Some((until, dir)) = list_dir {
                        if i < until {
                            d.val = Val::MonthOf(m, dir);
                        }
                    }
                }
                if let Val::MonthOf(_, dir) = d.val {
                    if dir != Dir::Default {
                        // Remember the direction for the following months.
                        let mut j = e;
                        while j < toks.len()
                            && j < e + 12
                            && word(&toks, j).and_then(dir_of).is_none()
                        {
                            j += 1;
                        }
                        list_dir = Some((j + 1, dir));
                    }
                }
                let end_idx = extend_over_direction(&toks, &d, e);
                out.push(resolve(
                    &d,
                    toks[i].start + glued_conj_len(text, &toks[i]),
                    toks[end_idx - 1].end,
                    ctx,
                ));
                i = end_idx;
            }
            _ => i += 1,
        }
    }
    out
}

/// Bytes of a conjunction or preposition glued to the first word of a match
/// (`وإبريل`, `وأمس`), which the span leaves out.
fn glued_conj_len(text: &str, t: &Token) -> usize {
    let Tok::Word(w) = &t.tok else { return 0 };
    let known = |w: &str| {
        month_from_word(w).is_some()
            || weekday_of(w).is_some()
            || part_of(w).is_some()
            || unit_of(w).is_some()
            || ordinal_unit(w).is_some()
            || matches!(
                w,
                "امس"
                    | "اليوم"
                    | "غدا"
                    | "عيد"
                    | "بين"
                    | "الان"
                    | "حاليا"
                    | "الليله"
                    | "راس"
                    | "اخر"
                    | "اول"
                    | "المولد"
                    | "عاشوراء"
                    | "هذا"
                    | "هذه"
            )
            || HIJRI_MONTHS
                .iter()
                .any(|(n, _)| n.split(' ').next() == Some(w))
    };
    let stripped = strip_conj(w);
    if w == "ومن" || stripped.len() < w.len() && !known(w) && known(stripped) {
        // The glued letter is one char of the original text.
        text[t.start..].chars().next().map_or(0, char::len_utf8)
    } else {
        0
    }
}

/// A list's last month takes the direction word after it into its span.
fn extend_over_direction(toks: &[Token], d: &Draft, e: usize) -> usize {
    if let Val::MonthOf(..) = d.val {
        if word(toks, e).and_then(dir_of).is_some() {
            return e + 1;
        }
    }
    e
}

fn iso_date(d: civil::Date) -> String {
    d.to_string()
}

fn month_add(y: i16, m: i8, n: i64) -> (i16, i8) {
    let idx = y as i64 * 12 + (m as i64 - 1) + n;
    (idx.div_euclid(12) as i16, (idx.rem_euclid(12) + 1) as i8)
}

fn wd_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

fn signed(n: i64, unit: &str) -> String {
    match n {
        0 => format!("P0{unit}"),
        n if n < 0 => format!("-P{}{unit}", -n),
        n => format!("+P{n}{unit}"),
    }
}

fn duration_iso(n: i64, u: Unit) -> String {
    match u {
        Unit::Second => format!("PT{n}S"),
        Unit::Minute => format!("PT{n}M"),
        Unit::Hour => format!("PT{n}H"),
        Unit::Day => format!("P{n}D"),
        Unit::Week => format!("P{n}W"),
        Unit::Month => format!("P{n}M"),
        Unit::Year => format!("P{n}Y"),
        Unit::Decade => format!("P{}Y", 10 * n),
    }
}

fn unit_grain(u: Unit) -> Grain {
    match u {
        Unit::Second => Grain::Second,
        Unit::Minute => Grain::Minute,
        Unit::Hour => Grain::Hour,
        Unit::Day => Grain::Day,
        Unit::Week => Grain::Week,
        Unit::Month => Grain::Month,
        Unit::Year | Unit::Decade => Grain::Year,
    }
}

/// The value, grain and kind of `val` given the anchor; `None` value when it
/// needs an anchor that is missing.
fn value_of(
    val: &Val,
    anchor: Option<civil::Date>,
    prefer: Prefer,
) -> (
    Option<String>,
    Grain,
    Kind,
    Option<String>,
    Option<civil::Date>,
) {
    let past = |dir: Dir| match dir {
        Dir::Past => true,
        Dir::Future => false,
        Dir::Current | Dir::Default => prefer == Prefer::Past,
    };
    match val {
        Val::Day(d) => (
            Some(iso_date(*d)),
            Grain::Day,
            Kind::Absolute,
            None,
            Some(*d),
        ),
        Val::Month(y, m) => (
            Some(format!("{y:04}-{m:02}")),
            Grain::Month,
            Kind::Absolute,
            None,
            None,
        ),
        Val::Year(y) => (
            Some(format!("{y:04}")),
            Grain::Year,
            Kind::Absolute,
            None,
            None,
        ),
        Val::RelDay(n) => {
            let d = anchor.and_then(|a| a.checked_add(n.days()).ok());
            (
                d.map(iso_date),
                Grain::Day,
                Kind::Relative,
                Some(signed(*n, "D")),
                d,
            )
        }
        Val::RelWeek(n) => {
            let v = anchor
                .and_then(|a| a.checked_add((7 * n).days()).ok())
                .map(|d| {
                    let w = d.iso_week_date();
                    format!("{:04}-W{:02}", w.year(), w.week())
                });
            (v, Grain::Week, Kind::Relative, Some(signed(*n, "W")), None)
        }
        Val::RelMonth(n) => {
            let v = anchor.map(|a| {
                let (y, m) = month_add(a.year(), a.month(), *n);
                format!("{y:04}-{m:02}")
            });
            (v, Grain::Month, Kind::Relative, Some(signed(*n, "M")), None)
        }
        Val::RelYear(n) => (
            anchor.map(|a| format!("{:04}", a.year() as i64 + n)),
            Grain::Year,
            Kind::Relative,
            Some(signed(*n, "Y")),
            None,
        ),
        Val::Weekday(wd, dir) => {
            let code = wd_code(*wd);
            let (off, d) = match (dir, past(*dir)) {
                (Dir::Past, _) => (
                    format!("{code}<"),
                    anchor.and_then(|a| a.nth_weekday(-1, *wd).ok()),
                ),
                (Dir::Future, _) => (
                    format!("{code}>"),
                    anchor.and_then(|a| a.nth_weekday(1, *wd).ok()),
                ),
                (_, true) => (
                    format!("{code}<="),
                    anchor.and_then(|a| {
                        if a.weekday() == *wd {
                            Some(a)
                        } else {
                            a.nth_weekday(-1, *wd).ok()
                        }
                    }),
                ),
                (_, false) => (
                    format!("{code}>="),
                    anchor.and_then(|a| {
                        if a.weekday() == *wd {
                            Some(a)
                        } else {
                            a.nth_weekday(1, *wd).ok()
                        }
                    }),
                ),
            };
            (d.map(iso_date), Grain::Day, Kind::Relative, Some(off), d)
        }
        Val::MonthOf(m, dir) => {
            let off = format!("M{m:02}{}", dir_suffix(*dir, prefer));
            let v = anchor.map(|a| {
                let y = match dir {
                    Dir::Current => a.year(),
                    _ if past(*dir) => {
                        if *m < a.month() || (*m == a.month() && *dir != Dir::Past) {
                            a.year()
                        } else {
                            a.year() - 1
                        }
                    }
                    _ => {
                        if *m > a.month() || (*m == a.month() && *dir != Dir::Future) {
                            a.year()
                        } else {
                            a.year() + 1
                        }
                    }
                };
                format!("{y:04}-{m:02}")
            });
            (v, Grain::Month, Kind::Relative, Some(off), None)
        }
        Val::DayMonth(d, m, dir) => {
            let off = format!("M{m:02}-{d:02}{}", dir_suffix(*dir, prefer));
            let date = anchor.and_then(|a| {
                let this = civil::Date::new(a.year(), *m, *d).ok();
                match dir {
                    Dir::Current => this,
                    _ if past(*dir) => match this {
                        Some(t)
                            if t <= a
                                || *dir == Dir::Default && t.since(a).ok()?.get_days() <= 7 =>
                        {
                            Some(t)
                        }
                        _ => civil::Date::new(a.year() - 1, *m, *d).ok(),
                    },
                    _ => match this {
                        Some(t) if t >= a => Some(t),
                        _ => civil::Date::new(a.year() + 1, *m, *d).ok(),
                    },
                }
            });
            (
                date.map(iso_date),
                Grain::Day,
                Kind::Relative,
                Some(off),
                date,
            )
        }
        Val::HijriMonth(year, m, dir) => {
            let (y, rel) = hijri_year(*year, *m, 1, *dir, anchor, prefer);
            let v = y.and_then(|y| {
                let a = hijri::to_gregorian(y, *m, 1)?;
                let b = hijri::to_gregorian(y, *m, hijri::month_len(y, *m))?;
                Some(format!("{a}/{b}"))
            });
            (
                v,
                Grain::Day,
                if rel { Kind::Relative } else { Kind::Interval },
                rel.then(|| format!("H{m:02}{}", dir_suffix(*dir, prefer))),
                None,
            )
        }
        Val::HijriDay(year, m, d, dir) => {
            let (y, rel) = hijri_year(*year, *m, *d, *dir, anchor, prefer);
            let g = y.and_then(|y| hijri::to_gregorian(y, *m, *d));
            (
                g.map(iso_date),
                Grain::Day,
                if rel { Kind::Relative } else { Kind::Absolute },
                rel.then(|| format!("H{m:02}-{d:02}{}", dir_suffix(*dir, prefer))),
                g,
            )
        }
        Val::Interval(a, b) => {
            let (va, ..) = value_of(a, anchor, prefer);
            let (vb, gb, ..) = value_of(b, anchor, prefer);
            let v = va.zip(vb).map(|(a, b)| format!("{a}/{b}"));
            (v, gb, Kind::Interval, None, None)
        }
        Val::LastN(n, u) => {
            let v = anchor.and_then(|a| {
                let start = match u {
                    Unit::Day => a.checked_sub(n.days()).ok()?,
                    Unit::Week => a.checked_sub((7 * n).days()).ok()?,
                    Unit::Month => a.checked_sub(n.months()).ok()?,
                    Unit::Year => a.checked_sub(n.years()).ok()?,
                    Unit::Decade => a.checked_sub((10 * n).years()).ok()?,
                    _ => a,
                };
                Some(format!("{start}/{a}"))
            });
            (
                v,
                unit_grain(*u),
                Kind::Interval,
                Some(format!("-{}", duration_iso(*n, *u))),
                None,
            )
        }
        Val::Duration(n, u) => (
            Some(duration_iso(*n, *u)),
            unit_grain(*u),
            Kind::Duration,
            None,
            None,
        ),
        Val::DurationMinutes(m) => (
            Some(format!("PT{m}M")),
            Grain::Minute,
            Kind::Duration,
            None,
            None,
        ),
        Val::WeekdayOfWeek(wd, n) => {
            // Weeks run from Sunday, `الأحد`, "the first" day, to Saturday.
            let d = anchor.and_then(|a| {
                let sunday = a
                    .checked_sub(i64::from(a.weekday().to_sunday_zero_offset()).days())
                    .ok()?;
                let days = 7 * n + i64::from(wd.to_sunday_zero_offset());
                sunday.checked_add(days.days()).ok()
            });
            let off = format!("{}@{}", wd_code(*wd), signed(*n, "W"));
            (d.map(iso_date), Grain::Day, Kind::Relative, Some(off), d)
        }
        Val::DayOfRelMonth(day, n) => {
            let d = anchor.and_then(|a| {
                let (y, m) = month_add(a.year(), a.month(), *n);
                civil::Date::new(y, m, *day).ok()
            });
            let off = format!("{}-{day:02}", signed(*n, "M"));
            (d.map(iso_date), Grain::Day, Kind::Relative, Some(off), d)
        }
        Val::DayRange(d1, m1, d2, m2, dir) => {
            let (va, _, _, off, da) = value_of(&Val::DayMonth(*d1, *m1, *dir), anchor, prefer);
            let db = da.and_then(|a| {
                let y = if (*m2, *d2) < (*m1, *d1) {
                    a.year() + 1
                } else {
                    a.year()
                };
                civil::Date::new(y, *m2, *d2).ok()
            });
            let v = va.zip(db).map(|(a, b)| format!("{a}/{b}"));
            let off = off.map(|o| format!("{o}/M{m2:02}-{d2:02}"));
            (v, Grain::Day, Kind::Interval, off, None)
        }
        Val::NthOf(last, sub, period) => {
            let (pv, _, pk, poff, _) = value_of(period, anchor, prefer);
            let bounds = pv.as_deref().and_then(period_bounds);
            let pick = |first: civil::Date,
                        end: civil::Date|
             -> Option<(String, Grain, Option<civil::Date>)> {
                Some(match sub {
                    Sub::Day => {
                        let d = if *last { end } else { first };
                        (iso_date(d), Grain::Day, Some(d))
                    }
                    Sub::Week => {
                        let (a, b) = if *last {
                            (end.checked_sub(6.days()).ok()?, end)
                        } else {
                            (first, first.checked_add(6.days()).ok()?)
                        };
                        (format!("{a}/{b}"), Grain::Week, None)
                    }
                    Sub::Month => {
                        let d = if *last { end } else { first };
                        (
                            format!("{:04}-{:02}", d.year(), d.month()),
                            Grain::Month,
                            None,
                        )
                    }
                    Sub::Weekday(wd) => {
                        let d = if *last {
                            if end.weekday() == *wd {
                                end
                            } else {
                                end.nth_weekday(-1, *wd).ok()?
                            }
                        } else if first.weekday() == *wd {
                            first
                        } else {
                            first.nth_weekday(1, *wd).ok()?
                        };
                        (iso_date(d), Grain::Day, Some(d))
                    }
                })
            };
            let got = bounds.and_then(|(a, b)| pick(a, b));
            let grain = match sub {
                Sub::Week => Grain::Week,
                Sub::Month => Grain::Month,
                _ => Grain::Day,
            };
            let kind = match (sub, pk) {
                (Sub::Week, _) => Kind::Interval,
                (_, Kind::Absolute) => Kind::Absolute,
                _ => Kind::Relative,
            };
            let code = match sub {
                Sub::Day => "D",
                Sub::Week => "W",
                Sub::Month => "M",
                Sub::Weekday(wd) => wd_code(*wd),
            };
            let off = poff.map(|o| format!("{}:{code}@{o}", if *last { "last" } else { "first" }));
            match got {
                Some((v, g, d)) => (Some(v), g, kind, off, d),
                None => (None, grain, kind, off, None),
            }
        }
        Val::HijriDayInYear(gy, m, d) => {
            let g = hijri_in_year(*gy, *m, *d);
            (g.map(iso_date), Grain::Day, Kind::Absolute, None, g)
        }
        Val::HijriMonthInYear(gy, m) => {
            let v = hijri_in_year(*gy, *m, 1).and_then(|a| {
                let (y, _, _) = hijri::from_gregorian(a);
                let b = hijri::to_gregorian(y, *m, hijri::month_len(y, *m))?;
                Some(format!("{a}/{b}"))
            });
            (v, Grain::Day, Kind::Interval, None, None)
        }
        Val::Easter(Some(y), orthodox, _) => {
            let d = easter(*y, *orthodox);
            (d.map(iso_date), Grain::Day, Kind::Absolute, None, d)
        }
        Val::Easter(None, orthodox, dir) => {
            let code = if *orthodox {
                "EASTER_ORTHODOX"
            } else {
                "EASTER"
            };
            let off = format!("{code}{}", dir_suffix(*dir, prefer));
            let d = anchor.and_then(|a| {
                let this = easter(a.year(), *orthodox)?;
                match dir {
                    Dir::Current => Some(this),
                    _ if past(*dir) => {
                        let near = *dir == Dir::Default && this.since(a).ok()?.get_days() <= 7;
                        if this <= a || near {
                            Some(this)
                        } else {
                            easter(a.year() - 1, *orthodox)
                        }
                    }
                    _ => {
                        if this >= a {
                            Some(this)
                        } else {
                            easter(a.year() + 1, *orthodox)
                        }
                    }
                }
            });
            (d.map(iso_date), Grain::Day, Kind::Relative, Some(off), d)
        }
    }
}

/// The first and last days of a resolved month (`2024-06`) or year (`2024`).
fn period_bounds(v: &str) -> Option<(civil::Date, civil::Date)> {
    let y: i16 = v.get(0..4)?.parse().ok()?;
    match v.len() {
        4 => Some((
            civil::Date::new(y, 1, 1).ok()?,
            civil::Date::new(y, 12, 31).ok()?,
        )),
        7 => {
            let m: i8 = v.get(5..7)?.parse().ok()?;
            let a = civil::Date::new(y, m, 1).ok()?;
            Some((a, a.last_of_month()))
        }
        _ => None,
    }
}

/// The first Hijri `month-day` that falls in Gregorian year `gy`.
fn hijri_in_year(gy: i16, m: i64, d: i64) -> Option<civil::Date> {
    let (hy, _, _) = hijri::from_gregorian(civil::Date::new(gy, 1, 1).ok()?);
    (hy..=hy + 1)
        .filter_map(|y| hijri::to_gregorian(y, m, d))
        .find(|g| g.year() == gy)
}

fn dir_suffix(dir: Dir, prefer: Prefer) -> &'static str {
    match (dir, prefer) {
        (Dir::Past, _) => "<",
        (Dir::Future, _) => ">",
        (Dir::Current, _) => "=",
        (Dir::Default, Prefer::Past) => "<=",
        (Dir::Default, Prefer::Future) => ">=",
    }
}

/// The Hijri year of a month/day given without one, and whether it was
/// relative (completed from the anchor).
fn hijri_year(
    year: Option<i64>,
    m: i64,
    d: i64,
    dir: Dir,
    anchor: Option<civil::Date>,
    prefer: Prefer,
) -> (Option<i64>, bool) {
    if let Some(y) = year {
        return (Some(y), false);
    }
    let Some(a) = anchor else { return (None, true) };
    let (ay, am, ad) = hijri::from_gregorian(a);
    let after = (m, d) > (am, ad);
    let y = match dir {
        Dir::Current => ay,
        Dir::Past => {
            if (m, d) < (am, ad) {
                ay
            } else {
                ay - 1
            }
        }
        Dir::Future => {
            if after {
                ay
            } else {
                ay + 1
            }
        }
        Dir::Default => match prefer {
            Prefer::Past if after && m != am => ay - 1,
            Prefer::Future if !after && m != am => ay + 1,
            _ => ay,
        },
    };
    (Some(y), true)
}

fn resolve(d: &Draft, start: usize, end: usize, ctx: &Context) -> Timex {
    let anchor = ctx.anchor.map(|a| a.date());
    let (mut value, mut grain, kind, offset, mut date) = value_of(&d.val, anchor, ctx.prefer);
    // `الخميس 15 أغسطس`: when the year the day and month resolve to does not
    // make it a Thursday, the nearest year (before, this, after) that does.
    if let (Val::DayMonth(dd, mm, Dir::Default), Some(wd), Some(dt), Some(a)) =
        (&d.val, d.weekday, date, anchor)
    {
        if dt.weekday() != wd {
            let best = (a.year() - 1..=a.year() + 1)
                .filter_map(|y| civil::Date::new(y, *mm, *dd).ok())
                .filter(|c| c.weekday() == wd)
                .filter(|c| c.since(a).is_ok_and(|s| s.get_days().abs() <= 200))
                .min_by_key(|c| (c.since(a).map_or(i32::MAX, |s| s.get_days().abs()), *c > a));
            if let Some(c) = best {
                value = Some(iso_date(c));
                date = Some(c);
            }
        }
    }
    let mut flags = d.flags.clone();
    if let (Some(wd), Some(dt)) = (d.weekday, date) {
        if dt.weekday() != wd {
            flags.push("weekday_mismatch");
        }
    }
    if let (Some(v), Some(t)) = (&value, d.time) {
        if grain == Grain::Day && v.len() == 10 {
            value = Some(format!("{v}T{:02}:{:02}", t.hour(), t.minute()));
            grain = Grain::Minute;
        }
    } else if let (Some(v), Some(p)) = (&value, d.part) {
        if grain == Grain::Day && v.len() == 10 {
            value = Some(format!("{v}T{p}"));
            grain = Grain::PartOfDay;
        }
    }
    let kind = match (&d.val, kind) {
        (Val::Day(_), _) | (Val::Month(..), _) | (Val::Year(_), _) => Kind::Absolute,
        (_, k) => k,
    };
    if value.is_none() {
        flags.push("unresolved");
    }
    if d.part.is_some() && d.time.is_none() && value.is_none() {
        flags.push(match d.part {
            Some("MO") => "morning",
            Some("MI") => "noon",
            Some("AF") => "afternoon",
            Some("EV") => "evening",
            _ => "night",
        });
    }
    Timex {
        start,
        end,
        kind,
        value,
        grain,
        offset: if kind == Kind::Absolute { None } else { offset },
        flags,
    }
}

#[cfg(test)]
mod tests;
