//! Customer care (客户关怀): the occasions that come up for a client — birthdays, the
//! anniversary of becoming a client, Spring Festival (春节) and Mid-Autumn Festival
//! (中秋节) — and their Gregorian dates.
//!
//! The two festivals fall on the first day of the first lunar month and the fifteenth
//! day of the eighth. Their Gregorian dates come from a table of the years 2020–2040
//! (the dates the Purple Mountain Observatory publishes, as printed in China's official
//! calendars; a test checks it against those published dates for several years). A year
//! outside the table has no festival occasion rather than a wrong one.
use chrono::{Datelike, NaiveDate};

/// First year of [`FESTIVALS`].
pub const FIRST_YEAR: i32 = 2020;

/// (month, day) of Spring Festival and of Mid-Autumn Festival for each year from
/// [`FIRST_YEAR`] on.
const FESTIVALS: [((u32, u32), (u32, u32)); 21] = [
    ((1, 25), (10, 1)), // 2020
    ((2, 12), (9, 21)), // 2021
    ((2, 1), (9, 10)),  // 2022
    ((1, 22), (9, 29)), // 2023
    ((2, 10), (9, 17)), // 2024
    ((1, 29), (10, 6)), // 2025
    ((2, 17), (9, 25)), // 2026
    ((2, 6), (9, 15)),  // 2027
    ((1, 26), (10, 3)), // 2028
    ((2, 13), (9, 22)), // 2029
    ((2, 3), (9, 12)),  // 2030
    ((1, 23), (10, 1)), // 2031
    ((2, 11), (9, 19)), // 2032
    ((1, 31), (9, 8)),  // 2033
    ((2, 19), (9, 27)), // 2034
    ((2, 8), (9, 16)),  // 2035
    ((1, 28), (10, 4)), // 2036
    ((2, 15), (9, 24)), // 2037
    ((2, 4), (9, 13)),  // 2038
    ((1, 24), (10, 2)), // 2039
    ((2, 12), (9, 20)), // 2040
];

/// A festival of the care list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Festival {
    /// 春节, the first day of the lunar year.
    SpringFestival,
    /// 中秋节, the fifteenth day of the eighth lunar month.
    MidAutumn,
}

impl Festival {
    /// Both, in the order of the year.
    pub const ALL: [Festival; 2] = [Festival::SpringFestival, Festival::MidAutumn];

    /// Its Gregorian date in `year`, when the table has the year.
    pub fn date(self, year: i32) -> Option<NaiveDate> {
        let i = usize::try_from(year.checked_sub(FIRST_YEAR)?).ok()?;
        let (spring, autumn) = FESTIVALS.get(i)?;
        let (m, d) = match self {
            Festival::SpringFestival => *spring,
            Festival::MidAutumn => *autumn,
        };
        NaiveDate::from_ymd_opt(year, m, d)
    }

    /// Its next date on or after `today`.
    pub fn next(self, today: NaiveDate) -> Option<NaiveDate> {
        [today.year(), today.year() + 1]
            .into_iter()
            .filter_map(|y| self.date(y))
            .find(|d| *d >= today)
    }

    /// Catalogue key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Festival::SpringFestival => "care.spring_festival",
            Festival::MidAutumn => "care.mid_autumn",
        }
    }

    /// Its code in the command line's output.
    pub fn code(self) -> &'static str {
        match self {
            Festival::SpringFestival => "spring_festival",
            Festival::MidAutumn => "mid_autumn",
        }
    }
}

/// The next yearly return of `date` (a birthday, the day a client joined) on or after
/// `today`: 29 February falls on 28 February in other years. With `skip_first`, the date
/// itself does not count (a client who joined today has no anniversary yet).
pub fn next_return(date: NaiveDate, today: NaiveDate, skip_first: bool) -> Option<NaiveDate> {
    [today.year(), today.year() + 1].into_iter().find_map(|y| {
        let d = NaiveDate::from_ymd_opt(y, date.month(), date.day())
            .or_else(|| NaiveDate::from_ymd_opt(y, date.month(), date.day() - 1))?;
        (d >= today && !(skip_first && y <= date.year())).then_some(d)
    })
}

/// Days from `today` to `day` (0 today).
pub fn days_until(today: NaiveDate, day: NaiveDate) -> i64 {
    (day - today).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn festival_dates_agree_with_the_published_dates() {
        // Published: 春节 2024-02-10, 2025-01-29, 2026-02-17, 2027-02-06, 2030-02-03;
        // 中秋 2023-09-29, 2024-09-17, 2025-10-06, 2026-09-25, 2028-10-03.
        let spring = [
            (2024, d(2024, 2, 10)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2030, d(2030, 2, 3)),
        ];
        for (y, want) in spring {
            assert_eq!(Festival::SpringFestival.date(y), Some(want), "{y}");
        }
        let autumn = [
            (2023, d(2023, 9, 29)),
            (2024, d(2024, 9, 17)),
            (2025, d(2025, 10, 6)),
            (2026, d(2026, 9, 25)),
            (2028, d(2028, 10, 3)),
        ];
        for (y, want) in autumn {
            assert_eq!(Festival::MidAutumn.date(y), Some(want), "{y}");
        }
        assert_eq!(Festival::MidAutumn.date(2019), None);
        assert_eq!(Festival::MidAutumn.date(2041), None);
        // Every Spring Festival lies between 21 January and 20 February, every
        // Mid-Autumn between 7 September and 8 October (the lunar calendar's bounds).
        for y in FIRST_YEAR..FIRST_YEAR + 21 {
            let s = Festival::SpringFestival.date(y).expect("spring");
            assert!(s >= d(y, 1, 21) && s <= d(y, 2, 20), "{s}");
            let a = Festival::MidAutumn.date(y).expect("autumn");
            assert!(a >= d(y, 9, 7) && a <= d(y, 10, 8), "{a}");
        }
    }

    #[test]
    fn the_next_festival_and_the_next_return_of_a_date() {
        assert_eq!(
            Festival::SpringFestival.next(d(2026, 11, 23)),
            Some(d(2027, 2, 6))
        );
        assert_eq!(
            Festival::MidAutumn.next(d(2026, 9, 25)),
            Some(d(2026, 9, 25))
        );
        assert_eq!(
            next_return(d(1990, 11, 26), d(2026, 11, 23), false),
            Some(d(2026, 11, 26))
        );
        assert_eq!(
            next_return(d(1990, 1, 2), d(2026, 11, 23), false),
            Some(d(2027, 1, 2))
        );
        assert_eq!(
            next_return(d(2000, 2, 29), d(2027, 2, 1), false),
            Some(d(2027, 2, 28))
        );
        assert_eq!(
            next_return(d(2026, 11, 23), d(2026, 11, 23), true),
            Some(d(2027, 11, 23))
        );
        assert_eq!(days_until(d(2026, 11, 23), d(2026, 11, 26)), 3);
    }
}
