//! The period a performance report covers: a day, a week, a month or a quarter holding
//! a day, stepped back and on; or a from–to range typed in the period popup.
use chrono::{Datelike, Days, Months, NaiveDate};

use crate::store::reports::Period;

/// The length of the period shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodSpan {
    /// One day.
    Day,
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    #[default]
    Month,
    /// A calendar quarter.
    Quarter,
}

impl PeriodSpan {
    pub(super) fn code(self) -> &'static str {
        match self {
            PeriodSpan::Day => "day",
            PeriodSpan::Week => "week",
            PeriodSpan::Month => "month",
            PeriodSpan::Quarter => "quarter",
        }
    }

    pub(super) fn next(self) -> PeriodSpan {
        match self {
            PeriodSpan::Day => PeriodSpan::Week,
            PeriodSpan::Week => PeriodSpan::Month,
            PeriodSpan::Month => PeriodSpan::Quarter,
            PeriodSpan::Quarter => PeriodSpan::Day,
        }
    }

    /// The period of this length holding `day`.
    pub(super) fn period(self, day: NaiveDate) -> Period {
        match self {
            PeriodSpan::Day => Period { from: day, to: day },
            PeriodSpan::Week => {
                let from = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
                Period {
                    from,
                    to: from + Days::new(6),
                }
            }
            PeriodSpan::Month => Period::month_of(day),
            PeriodSpan::Quarter => {
                let first = NaiveDate::from_ymd_opt(day.year(), (day.month0() / 3) * 3 + 1, 1)
                    .unwrap_or(day);
                Period {
                    from: first,
                    to: Period::month_of(first + Months::new(2)).to,
                }
            }
        }
    }

    /// `day` moved by one period, back or on.
    pub(super) fn step(self, day: NaiveDate, on: bool) -> NaiveDate {
        let moved = match (self, on) {
            (PeriodSpan::Day, true) => day.checked_add_days(Days::new(1)),
            (PeriodSpan::Day, false) => day.checked_sub_days(Days::new(1)),
            (PeriodSpan::Week, true) => day.checked_add_days(Days::new(7)),
            (PeriodSpan::Week, false) => day.checked_sub_days(Days::new(7)),
            (PeriodSpan::Month, true) => day.checked_add_months(Months::new(1)),
            (PeriodSpan::Month, false) => day.checked_sub_months(Months::new(1)),
            (PeriodSpan::Quarter, true) => day.checked_add_months(Months::new(3)),
            (PeriodSpan::Quarter, false) => day.checked_sub_months(Months::new(3)),
        };
        moved.unwrap_or(day)
    }
}

/// A typed from–to range moved back or on by its own length.
pub(super) fn step_range(p: Period, on: bool) -> Period {
    let days = Days::new(u64::try_from((p.to - p.from).num_days() + 1).unwrap_or(1));
    let moved = |d: NaiveDate| {
        if on {
            d.checked_add_days(days)
        } else {
            d.checked_sub_days(days)
        }
    };
    match (moved(p.from), moved(p.to)) {
        (Some(from), Some(to)) => Period { from, to },
        _ => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn each_span_holds_the_day_and_steps_by_its_length() {
        let day = d("2026-11-18");
        let p = PeriodSpan::Week.period(day);
        assert_eq!((p.from, p.to), (d("2026-11-16"), d("2026-11-22")));
        let p = PeriodSpan::Quarter.period(day);
        assert_eq!((p.from, p.to), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(
            PeriodSpan::Month.step(d("2026-01-31"), true),
            d("2026-02-28")
        );
    }

    #[test]
    fn a_typed_range_moves_by_its_own_length() {
        let p = Period {
            from: d("2026-11-10"),
            to: d("2026-11-19"),
        };
        let on = step_range(p, true);
        assert_eq!((on.from, on.to), (d("2026-11-20"), d("2026-11-29")));
        assert_eq!(step_range(on, false), p);
    }
}
