//! Reports: RM performance over a period, client value (contribution, the 80/20 rule,
//! tiers) and churn warnings, each scoped by the acting user: an RM sees themselves, a
//! manager every RM of the branch (and a branch total), an administrator nothing.
//!
//! The definitions below are the ones written in docs/REPORTS.md and the screen's help.
//! A period is a range of local dates, both ends included, in the store's zone: it runs
//! from the first instant of its first day to the first instant of the day after its
//! last ([`Zone::day_start`]).
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Actor, Result, Role, StoreError, Zone};
use crate::domain::client::Tier;

pub(crate) mod churn;
pub(crate) mod performance;
pub(crate) mod precomputed;
mod value;

pub use churn::{ChurnReason, ChurnRow};
pub use performance::{Performance, PerformanceReport};
pub use precomputed::rebuild_contributions;
pub use value::{value_of, TierValue, ValueBy, ValueReport, ValueRow};

/// A range of local dates, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// The calendar month holding `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        let from = day.with_day0(0).unwrap_or(day);
        let next = from
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(from);
        Period {
            from,
            to: next.pred_opt().unwrap_or(day),
        }
    }

    /// The instants `[start, end)` the period covers in `zone`.
    pub fn instants(self, zone: Zone) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = self.to.checked_add_days(Days::new(1)).unwrap_or(self.to);
        (zone.day_start(self.from), zone.day_start(after))
    }
}

/// `part` of `whole` in percent to one decimal, or none when `whole` is 0.
pub fn share(part: i64, whole: i64) -> Option<Decimal> {
    (whole != 0).then(|| {
        (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    })
}

pub(super) fn fen(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}

pub(super) fn tier_of(code: &str) -> Tier {
    code.parse().unwrap_or(Tier::General)
}

pub(super) fn tier_rank(t: Tier) -> usize {
    match t {
        Tier::General => 0,
        Tier::Key => 1,
        Tier::Core => 2,
    }
}

/// The RMs an actor's report covers: (id, username, display name), by username. `only`
/// narrows to one username (nothing when it is not in scope).
pub(super) fn rms_in_scope(
    conn: &Connection,
    actor: &Actor,
    only: Option<&str>,
) -> Result<Vec<(i64, String, String)>> {
    let (sql, arg): (&str, Value) = match (actor.role, actor.branch_id) {
        (Role::Rm, _) => ("id = ?1", Value::Integer(actor.user_id)),
        (Role::Manager, Some(b)) => ("role = 'rm' AND branch_id = ?1", Value::Integer(b)),
        _ => return Err(StoreError::Forbidden),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, username, display_name FROM users WHERE {sql} ORDER BY username"
    ))?;
    let rows = stmt.query_map([arg], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let mut out: Vec<(i64, String, String)> = rows.collect::<rusqlite::Result<_>>()?;
    if let Some(name) = only {
        out.retain(|(_, u, _)| u.eq_ignore_ascii_case(name));
    }
    Ok(out)
}

pub(super) fn check_period(period: Period) -> Result<()> {
    if period.from > period.to {
        return Err(StoreError::invalid(
            "from",
            "err.report.period",
            "the period ends before it starts",
        ));
    }
    Ok(())
}

/// Rounds a CNY amount to the fen for display (half away from zero).
pub fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}
