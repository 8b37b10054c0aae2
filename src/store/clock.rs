//! Time: the clock the store asks for "now", the time zone the desk is in, and the one
//! conversion of a wall-clock time to an instant.
use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};

/// The time zone dates and times are shown and typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The machine's zone (`TZ`, else the system's setting).
    Local,
    /// A fixed offset from UTC (tests; a zone without clock changes).
    Fixed(FixedOffset),
}

impl Zone {
    /// China Standard Time, UTC+8: the zone of the fixed test clock.
    pub fn china() -> Zone {
        Zone::Fixed(FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix()))
    }

    /// The wall-clock time at instant `t`.
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Local => t.with_timezone(&chrono::Local).naive_local(),
            Zone::Fixed(z) => t.with_timezone(&z).naive_local(),
        }
    }

    /// The date at instant `t`.
    pub fn date(self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date()
    }

    /// The instant the wall clock shows `t` (see [`to_utc`]).
    pub fn to_utc(self, t: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Local => to_utc(&chrono::Local, t),
            Zone::Fixed(z) => to_utc(&z, t),
        }
    }

    /// The first instant of day `d` (midnight, or the first time after it the clock shows
    /// when a clock change skips midnight).
    pub fn day_start(self, d: NaiveDate) -> DateTime<Utc> {
        self.to_utc(d.and_time(chrono::NaiveTime::MIN))
    }
}

/// The instant at which a clock in `zone` shows `t`.
///
/// - A time shown twice (the hour repeated when clocks go back) is its first showing.
/// - A time never shown (the hour skipped when clocks go forward) is read with the offset
///   in force before the change, so it lands as far after the change as it was typed
///   after its start: 02:30 in a 02:00→03:00 gap is 03:30 (never the same wall time read
///   as UTC, which was hours off).
pub fn to_utc<Z: TimeZone>(zone: &Z, t: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&t) {
        LocalResult::Single(x) => x.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Walk back to a time the clock does show (gaps are at most a day) and use
            // its offset.
            let mut before = t;
            for _ in 0..(2 * 24 * 4) {
                before -= chrono::Duration::minutes(15);
                if let Some(x) = zone.from_local_datetime(&before).latest() {
                    let offset = x.offset().fix();
                    return DateTime::from_naive_utc_and_offset(
                        t - chrono::Duration::seconds(i64::from(offset.local_minus_utc())),
                        Utc,
                    );
                }
            }
            Utc.from_utc_datetime(&t)
        }
    }
}

/// A clock the store asks for "now" and the zone it tells dates in, so tests can move
/// time (lockout expiry, deadlines) and fix the zone.
pub trait Clock: Send {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
    /// The zone dates and times are shown and typed in.
    fn zone(&self) -> Zone;
    /// The same clock again, for another connection (a background job's).
    fn boxed(&self) -> Box<dyn Clock>;
}

/// The machine's clock, in the machine's zone.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn zone(&self) -> Zone {
        Zone::Local
    }

    fn boxed(&self) -> Box<dyn Clock> {
        Box::new(*self)
    }
}

/// A clock standing still at one instant, in China Standard Time whatever the machine's
/// zone (tests, benchmarks, reproducible screens).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }

    fn zone(&self) -> Zone {
        Zone::china()
    }

    fn boxed(&self) -> Box<dyn Clock> {
        Box::new(*self)
    }
}

/// A clock standing still at one instant in a zone of its own.
#[derive(Debug, Clone, Copy)]
pub struct ZonedClock {
    /// The instant.
    pub now: DateTime<Utc>,
    /// The zone.
    pub zone: Zone,
}

impl Clock for ZonedClock {
    fn now(&self) -> DateTime<Utc> {
        self.now
    }

    fn zone(&self) -> Zone {
        self.zone
    }

    fn boxed(&self) -> Box<dyn Clock> {
        Box::new(*self)
    }
}

/// The clock a newly opened store runs on: the machine's. A build with the `test-clock`
/// feature (the test suite's, never a release) takes `RMDESK_TEST_NOW` (an RFC 3339
/// instant) and `RMDESK_TEST_TZ` (an offset such as `+08:00`; default China Standard
/// Time) instead, so the end-to-end tests run the binary on a fixed clock.
pub fn default_clock() -> Box<dyn Clock> {
    #[cfg(feature = "test-clock")]
    if let Some(clock) = test_clock_from_env() {
        return Box::new(clock);
    }
    Box::new(SystemClock)
}

#[cfg(feature = "test-clock")]
fn test_clock_from_env() -> Option<ZonedClock> {
    let now = std::env::var("RMDESK_TEST_NOW").ok()?;
    let now = super::parse_ts(&now)?;
    let zone = std::env::var("RMDESK_TEST_TZ")
        .ok()
        .and_then(|z| z.parse::<FixedOffset>().ok())
        .map_or_else(Zone::china, Zone::Fixed);
    Some(ZonedClock { now, zone })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::Sao_Paulo, Europe::Berlin, Pacific::Apia, Pacific::Auckland};

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        super::super::parse_ts(s).expect("instant")
    }

    #[test]
    fn an_ordinary_time_is_its_one_instant() {
        assert_eq!(
            to_utc(&Auckland, at("2026-11-23 12:00")),
            utc("2026-11-22T23:00:00Z")
        );
        assert_eq!(
            to_utc(&Berlin, at("2026-07-01 09:30")),
            utc("2026-07-01T07:30:00Z")
        );
        assert_eq!(
            Zone::china().to_utc(at("2026-11-23 12:00")),
            utc("2026-11-23T04:00:00Z")
        );
    }

    #[test]
    fn a_skipped_time_lands_after_the_change_never_in_utc() {
        // Auckland: 27 September 2026, 02:00 NZST becomes 03:00 NZDT.
        let t = to_utc(&Auckland, at("2026-09-27 02:30"));
        assert_eq!(t, utc("2026-09-26T14:30:00Z"));
        assert_eq!(
            t.with_timezone(&Auckland).format("%H:%M").to_string(),
            "03:30"
        );
        // Berlin: 29 March 2026, 02:00 CET becomes 03:00 CEST.
        let t = to_utc(&Berlin, at("2026-03-29 02:15"));
        assert_eq!(t, utc("2026-03-29T01:15:00Z"));
        assert!(to_utc(&Berlin, at("2026-03-29 01:59")) < t);
        // Apia skipped all of 30 December 2011.
        let t = to_utc(&Apia, at("2011-12-30 12:00"));
        assert_eq!(
            t.with_timezone(&Apia).format("%Y-%m-%d %H:%M").to_string(),
            "2011-12-31 12:00"
        );
    }

    #[test]
    fn a_repeated_time_is_its_first_showing() {
        // Auckland: 5 April 2026, 03:00 NZDT goes back to 02:00 NZST.
        assert_eq!(
            to_utc(&Auckland, at("2026-04-05 02:30")),
            utc("2026-04-04T13:30:00Z")
        );
        // Berlin: 25 October 2026, 03:00 CEST goes back to 02:00 CET.
        assert_eq!(
            to_utc(&Berlin, at("2026-10-25 02:30")),
            utc("2026-10-25T00:30:00Z")
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_at_the_first_instant_shown() {
        // São Paulo, 4 November 2018: midnight became 01:00.
        let start = to_utc(&Sao_Paulo, at("2018-11-04 00:00"));
        assert_eq!(start, utc("2018-11-04T03:00:00Z"));
        assert_eq!(
            start
                .with_timezone(&Sao_Paulo)
                .format("%d %H:%M")
                .to_string(),
            "04 01:00"
        );
        let day_before_end = to_utc(&Sao_Paulo, at("2018-11-03 23:59"));
        assert_eq!(start - day_before_end, chrono::Duration::minutes(1));
    }

    #[test]
    fn the_fixed_clock_tells_dates_in_china_whatever_the_machine() {
        let c = FixedClock(utc("2026-11-23T17:00:00Z"));
        assert_eq!(c.zone().date(c.now()).to_string(), "2026-11-24");
        assert_eq!(
            c.zone().day_start(c.zone().date(c.now())),
            utc("2026-11-23T16:00:00Z")
        );
    }
}
