//! The tabular (arithmetic) Islamic calendar, civil epoch, with the common
//! 2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29 leap years of a 30-year cycle
//! ("Type II", as used by Microsoft's HijriCalendar and Python's convertdate).
//! Observational calendars (Umm al-Qura) differ from it by a day or two now
//! and then; rasd states which calendar it used.

use jiff::civil;

/// The name of the calendar these conversions use.
pub const CALENDAR: &str = "islamic-tabular-civil";
/// The flag that states the calendar on a converted time expression.
pub const CALENDAR_FLAG: &str = "islamic_tabular_civil";

/// Julian day number of 1 Muharram 1 AH (16 July 622 Julian), civil epoch.
const EPOCH_JDN: i64 = 1_948_440;

fn is_leap(year: i64) -> bool {
    (14 + 11 * year).rem_euclid(30) < 11
}

fn days_before_year(year: i64) -> i64 {
    (year - 1) * 354 + (3 + 11 * year).div_euclid(30)
}

fn days_before_month(month: i64) -> i64 {
    // Months alternate 30 and 29 days, the twelfth has 30 in leap years.
    29 * (month - 1) + month / 2
}

/// Days in a Hijri month of the tabular calendar.
pub fn month_len(year: i64, month: i64) -> i64 {
    if month % 2 == 1 || month == 12 && is_leap(year) {
        30
    } else {
        29
    }
}

fn jdn_of_gregorian(d: civil::Date) -> i64 {
    let (y, m, day) = (d.year() as i64, d.month() as i64, d.day() as i64);
    let a = (14 - m) / 12;
    let y2 = y + 4800 - a;
    let m2 = m + 12 * a - 3;
    day + (153 * m2 + 2) / 5 + 365 * y2 + y2.div_euclid(4) - y2.div_euclid(100) + y2.div_euclid(400)
        - 32045
}

fn gregorian_of_jdn(j: i64) -> Option<civil::Date> {
    let a = j + 32044;
    let b = (4 * a + 3).div_euclid(146097);
    let c = a - 146097 * b / 4;
    let d = (4 * c + 3) / 1461;
    let e = c - 1461 * d / 4;
    let m = (5 * e + 2) / 153;
    let day = e - (153 * m + 2) / 5 + 1;
    let month = m + 3 - 12 * (m / 10);
    let year = 100 * b + d - 4800 + m / 10;
    civil::Date::new(i16::try_from(year).ok()?, month as i8, day as i8).ok()
}

/// The Gregorian date of Hijri `year-month-day`, if valid.
pub fn to_gregorian(year: i64, month: i64, day: i64) -> Option<civil::Date> {
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_len(year, month)
        || !(1..=3000).contains(&year)
    {
        return None;
    }
    gregorian_of_jdn(EPOCH_JDN - 1 + days_before_year(year) + days_before_month(month) + day)
}

/// The Hijri `(year, month, day)` of a Gregorian date.
pub fn from_gregorian(d: civil::Date) -> (i64, i64, i64) {
    let days = jdn_of_gregorian(d) - EPOCH_JDN + 1;
    let mut year = (30 * days + 10646).div_euclid(10631);
    if days_before_year(year) >= days {
        year -= 1;
    }
    let day_of_year = days - days_before_year(year);
    let mut month = 1;
    while month < 12 && day_of_year > days_before_month(month + 1) {
        month += 1;
    }
    (year, month, day_of_year - days_before_month(month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> civil::Date {
        s.parse().unwrap()
    }

    /// Reference values from Python convertdate 2.4 `islamic.to_gregorian`
    /// (the same tabular civil arithmetic, an independent implementation).
    #[test]
    fn known_conversions() {
        let cases = [
            ((1, 1, 1), "0622-07-19"),
            ((1445, 9, 1), "2024-03-11"),
            ((1445, 10, 1), "2024-04-10"),
            ((1445, 12, 10), "2024-06-17"),
            ((1446, 1, 1), "2024-07-08"),
            ((1444, 9, 1), "2023-03-23"),
            ((1444, 10, 1), "2023-04-22"),
            ((1436, 10, 1), "2015-07-18"),
            ((1400, 1, 1), "1979-11-21"),
            ((1420, 9, 1), "1999-12-09"),
        ];
        for ((y, m, dd), g) in cases {
            assert_eq!(to_gregorian(y, m, dd), Some(d(g)), "{y}-{m}-{dd}");
            assert_eq!(from_gregorian(d(g)), (y, m, dd), "{g}");
        }
        assert_eq!(to_gregorian(1445, 2, 30), None, "Safar has 29 days");
        assert_eq!(to_gregorian(1445, 13, 1), None);
    }

    #[test]
    fn round_trip_over_decades() {
        let mut g = d("1990-01-01");
        let end = d("2040-01-01");
        while g < end {
            let (y, m, dd) = from_gregorian(g);
            assert_eq!(to_gregorian(y, m, dd), Some(g), "{g}");
            g = g.checked_add(jiff::Span::new().days(13)).unwrap();
        }
    }
}
