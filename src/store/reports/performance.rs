//! RM performance over a period: the measures of docs/REPORTS.md, per RM in scope, the
//! branch total and the AUM week by week.
use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{check_period, precomputed, rms_in_scope, share, tier_of, tier_rank, Period};
use crate::domain::client::Tier;
use crate::store::{ts, Actor, Result, Role, Store, Zone};

/// One RM's figures for a period (or the branch total: `rm` empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Performance {
    /// Username of the RM; empty on the branch total.
    pub rm: String,
    /// Display name of the RM.
    pub display_name: String,
    /// Visits the RM recorded with their time in the period.
    pub visits: i64,
    /// Distinct clients among those visits.
    pub clients_visited: i64,
    /// Clients created in the period and now owned by the RM.
    pub new_clients: i64,
    /// The RM's tasks due in the period, not cancelled.
    pub tasks_due: i64,
    /// Of those, done on a local date on or before their due date.
    pub tasks_on_time: i64,
    /// Complaints received in the period about clients the RM now owns.
    pub complaints: i64,
    /// Of those, resolved on a local date on or before their deadline.
    pub complaints_on_time: i64,
    /// Sum and number of the satisfaction scores of feedback about the RM's clients
    /// resolved in the period.
    pub satisfaction: (i64, i64),
    /// Of the period's visits, those checked by a return call.
    pub visits_checked: i64,
    /// AUM (fen) of the RM's clients at the start of the period.
    pub aum_start: i64,
    /// AUM (fen) of the RM's clients at the end of the period, by tier then (general,
    /// key, core).
    pub aum_end: [i64; 3],
    /// Clients whose tier was higher at the end than at the start.
    pub tier_up: i64,
    /// Clients whose tier was lower at the end than at the start.
    pub tier_down: i64,
    /// Clients handed to the RM by hand-overs made in the period (a manager's hand-over
    /// or an approved take-over), counted once per hand-over.
    pub handed_in: i64,
    /// Clients handed away from the RM by hand-overs made in the period.
    pub handed_out: i64,
    /// Requests (tier, take-over, suitability) the RM filed in the period.
    pub requests: i64,
    /// Of those, the ones approved (by the time of the report).
    pub requests_approved: i64,
}

impl Performance {
    /// AUM at the end of the period, all tiers (fen).
    pub fn aum_end_total(&self) -> i64 {
        self.aum_end.iter().sum()
    }

    /// Share of tasks done on time, percent.
    pub fn tasks_on_time_pct(&self) -> Option<Decimal> {
        share(self.tasks_on_time, self.tasks_due)
    }

    /// Share of complaints resolved by their deadline, percent.
    pub fn complaints_on_time_pct(&self) -> Option<Decimal> {
        share(self.complaints_on_time, self.complaints)
    }

    /// Share of visits checked by return call, percent.
    pub fn visits_checked_pct(&self) -> Option<Decimal> {
        share(self.visits_checked, self.visits)
    }

    /// Average satisfaction (1–5) to two decimals.
    pub fn satisfaction_avg(&self) -> Option<Decimal> {
        let (sum, n) = self.satisfaction;
        (n != 0).then(|| {
            (Decimal::from(sum) / Decimal::from(n))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
    }

    /// Adds another line's figures (a total).
    pub fn add(&mut self, o: &Performance) {
        self.visits += o.visits;
        self.clients_visited += o.clients_visited;
        self.new_clients += o.new_clients;
        self.tasks_due += o.tasks_due;
        self.tasks_on_time += o.tasks_on_time;
        self.complaints += o.complaints;
        self.complaints_on_time += o.complaints_on_time;
        self.satisfaction.0 += o.satisfaction.0;
        self.satisfaction.1 += o.satisfaction.1;
        self.visits_checked += o.visits_checked;
        self.aum_start += o.aum_start;
        for (a, b) in self.aum_end.iter_mut().zip(o.aum_end) {
            *a += b;
        }
        self.tier_up += o.tier_up;
        self.tier_down += o.tier_down;
        self.handed_in += o.handed_in;
        self.handed_out += o.handed_out;
        self.requests += o.requests;
        self.requests_approved += o.requests_approved;
    }

    /// Share of the requests filed in the period that were approved, percent.
    pub fn requests_approved_pct(&self) -> Option<Decimal> {
        share(self.requests_approved, self.requests)
    }
}

/// The performance report: one line per RM in scope, and for a manager the branch total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PerformanceReport {
    /// The period.
    pub period: Option<Period>,
    /// One line per RM, by username.
    pub rows: Vec<Performance>,
    /// The branch total (managers; it adds the RMs' lines).
    pub total: Option<Performance>,
    /// The AUM (fen) of the RMs' clients at the end of each week of the period (the
    /// last one may be cut short by the period's end), for the chart.
    pub weekly_aum: Vec<(NaiveDate, i64)>,
}

/// A client's AUM (fen) and tier at each of the points asked, when it had any then.
type Series = Vec<Option<(i64, Tier)>>;

/// The AUM (fen) and tier of each client owned by `rm` at each instant of `points`
/// (ascending; stored text): the last history row before the point, none when the
/// client had no row then. One walk per client of the index `(client_id, at)`: its last
/// row before the first point and the rows up to the last point, so a month's five
/// weeks cost what two points do.
fn aum_series(conn: &Connection, rm: i64, points: &[String]) -> Result<Vec<Series>> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, h.at, h.id, h.aum_minor, h.tier FROM clients c
         JOIN aum_history h ON h.client_id = c.id
         WHERE c.owner_id = ?1 AND h.at < ?3
           AND h.at >= coalesce((SELECT p.at FROM aum_history p WHERE p.client_id = c.id
                                 AND p.at < ?2 ORDER BY p.at DESC LIMIT 1), '')",
    )?;
    let mut rows: Vec<(i64, String, i64, i64, String)> = stmt
        .query_map(params![rm, first, last], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.sort_unstable_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    let mut out = Vec::new();
    for one in rows.chunk_by(|a, b| a.0 == b.0) {
        let mut series = Vec::with_capacity(points.len());
        let mut k = 0;
        for point in points {
            // Rows are in time order: move on while they are before the point.
            while one.get(k).is_some_and(|r| r.1 < *point) {
                k += 1;
            }
            series.push(
                k.checked_sub(1)
                    .and_then(|i| one.get(i))
                    .map(|r| (r.3, tier_of(&r.4))),
            );
        }
        out.push(series);
    }
    Ok(out)
}

/// An RM's visits of the period: a range of `visits_rm`.
pub(crate) const VISITS_SQL: &str =
    "SELECT count(*), count(DISTINCT client_id), count(return_checked_at) FROM visits
     WHERE rm_id = ?1 AND visited_at >= ?2 AND visited_at < ?3";
/// An owner's clients created in the period: a range of `clients_owner_created`.
pub(crate) const NEW_CLIENTS_SQL: &str =
    "SELECT count(*) FROM clients WHERE owner_id = ?1 AND created_at >= ?2 AND created_at < ?3";
/// An RM's tasks due in the period (open or done: not cancelled), two ranges of
/// `tasks_owner_due`.
pub(crate) const TASKS_SQL: &str =
    "SELECT due_date, CASE WHEN status = 'done' THEN done_at END FROM tasks
     WHERE owner_id = ?1 AND status IN ('open', 'done') AND due_date BETWEEN ?2 AND ?3";
/// The period's complaints, each with its client's owner: a range of
/// `feedback_complaint_received`, then each client by key.
pub(crate) const COMPLAINTS_SQL: &str =
    "SELECT c.owner_id, f.deadline, f.resolved_at FROM feedback f JOIN clients c ON c.id = f.client_id
     WHERE f.kind = 'complaint' AND f.received_on BETWEEN ?1 AND ?2";
/// Feedback resolved in the period with its client's owner: a range of
/// `feedback_resolved_at`, then each client by key.
pub(crate) const SATISFACTION_SQL: &str =
    "SELECT c.owner_id, f.satisfaction FROM feedback f JOIN clients c ON c.id = f.client_id
     WHERE f.status IN ('resolved', 'closed') AND f.resolved_at >= ?1 AND f.resolved_at < ?2";

fn count(conn: &Connection, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<i64> {
    Ok(conn.prepare_cached(sql)?.query_row(args, |r| r.get(0))?)
}

/// Whether the instant `at` (stored text) falls on a local date on or before `day`.
fn on_or_before(zone: Zone, at: Option<&str>, day: &str) -> bool {
    let (Some(at), Ok(day)) = (
        at.and_then(crate::store::parse_ts),
        day.parse::<NaiveDate>(),
    ) else {
        return false;
    };
    zone.date(at) <= day
}

/// The AUM figures from every client's history (the points not on 15-minute slots: a
/// zone whose midnight is not on one).
fn aum_from_history(
    conn: &Connection,
    p: &mut Performance,
    id: i64,
    points: &[String],
    weekly: &mut [i64],
) -> Result<()> {
    for series in aum_series(conn, id, points)? {
        let (b, a) = (
            series.first().copied().flatten(),
            series.last().copied().flatten(),
        );
        if let Some((aum, _)) = b {
            p.aum_start += aum;
        }
        if let Some((aum, tier)) = a {
            p.aum_end[tier_rank(tier)] += aum;
        }
        if let (Some((_, tb)), Some((_, ta))) = (b, a) {
            p.tier_up += i64::from(tier_rank(ta) > tier_rank(tb));
            p.tier_down += i64::from(tier_rank(ta) < tier_rank(tb));
        }
        for (w, v) in weekly.iter_mut().zip(series.iter().skip(1)) {
            *w += v.map_or(0, |(aum, _)| aum);
        }
    }
    Ok(())
}

/// Complaints (count, resolved on time) and satisfaction (sum, count) of the period by
/// the clients' owner now: one walk of the period's feedback for every RM.
#[derive(Default)]
struct FeedbackByOwner {
    complaints: HashMap<i64, (i64, i64)>,
    satisfaction: HashMap<i64, (i64, i64)>,
}

fn feedback_by_owner(conn: &Connection, zone: Zone, period: Period) -> Result<FeedbackByOwner> {
    let (start, end) = period.instants(zone);
    let (start, end) = (ts(start), ts(end));
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let mut out = FeedbackByOwner::default();
    let mut stmt = conn.prepare_cached(COMPLAINTS_SQL)?;
    for row in stmt.query_map(params![from, to], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })? {
        let (owner, deadline, resolved) = row?;
        let e = out.complaints.entry(owner).or_default();
        e.0 += 1;
        e.1 += i64::from(on_or_before(zone, resolved.as_deref(), &deadline));
    }
    let mut stmt = conn.prepare_cached(SATISFACTION_SQL)?;
    for row in stmt.query_map(params![start, end], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
    })? {
        let (owner, score) = row?;
        if let Some(score) = score {
            let e = out.satisfaction.entry(owner).or_default();
            e.0 += score;
            e.1 += 1;
        }
    }
    Ok(out)
}

fn performance_of(
    conn: &Connection,
    zone: Zone,
    (id, rm, display): &(i64, String, String),
    period: Period,
    points: &[String],
    feedback: &FeedbackByOwner,
    weekly: &mut [i64],
) -> Result<Performance> {
    let (start, end) = period.instants(zone);
    let (start, end) = (ts(start), ts(end));
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let mut p = Performance {
        rm: rm.clone(),
        display_name: display.clone(),
        ..Performance::default()
    };
    (p.visits, p.clients_visited, p.visits_checked) = conn
        .prepare_cached(VISITS_SQL)?
        .query_row(params![id, start, end], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    p.new_clients = count(conn, NEW_CLIENTS_SQL, &[id, &start, &end])?;
    let mut stmt = conn.prepare_cached(TASKS_SQL)?;
    for row in stmt.query_map(params![id, from, to], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (due, done) = row?;
        p.tasks_due += 1;
        p.tasks_on_time += i64::from(on_or_before(zone, done.as_deref(), &due));
    }
    (p.complaints, p.complaints_on_time) = feedback.complaints.get(id).copied().unwrap_or_default();
    p.satisfaction = feedback.satisfaction.get(id).copied().unwrap_or_default();
    p.handed_in = count(
        conn,
        "SELECT count(*) FROM handover_clients hc JOIN handovers h ON h.id = hc.handover_id
         WHERE hc.to_id = ?1 AND h.at >= ?2 AND h.at < ?3",
        &[id, &start, &end],
    )?;
    p.handed_out = count(
        conn,
        "SELECT count(*) FROM handovers h JOIN handover_clients hc ON hc.handover_id = h.id
         WHERE h.from_id = ?1 AND h.at >= ?2 AND h.at < ?3",
        &[id, &start, &end],
    )?;
    (p.requests, p.requests_approved) = conn
        .prepare_cached(
            "SELECT count(*), count(CASE WHEN status = 'approved' THEN 1 END) FROM requests
             WHERE requester_id = ?1 AND created_at >= ?2 AND created_at < ?3",
        )?
        .query_row(params![id, start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if precomputed::on_slots(points) {
        let at = precomputed::aum_at(conn, *id, points)?;
        if let (Some(b), Some(a)) = (at.first(), at.last()) {
            p.aum_start = b.iter().sum();
            p.aum_end = *a;
        }
        for (w, v) in weekly.iter_mut().zip(at.iter().skip(1)) {
            *w += v.iter().sum::<i64>();
        }
        (p.tier_up, p.tier_down) = precomputed::tier_moves(conn, *id, &start, &end)?;
    } else {
        aum_from_history(conn, &mut p, *id, points, weekly)?;
    }
    Ok(p)
}

/// The last day of each week (Monday to Sunday) of the period, the last cut at the
/// period's end.
fn week_ends(period: Period) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut day = period.from;
    while day <= period.to {
        let sunday = day
            .checked_add_days(Days::new(u64::from(
                6 - day.weekday().num_days_from_monday(),
            )))
            .unwrap_or(day)
            .min(period.to);
        out.push(sunday);
        match sunday.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

impl Store {
    /// Each RM's performance over `period` (one RM with `rm`); a manager also gets the
    /// branch total. An RM naming another RM gets no lines; an administrator is refused.
    pub fn performance_report(
        &self,
        actor: &Actor,
        period: Period,
        rm: Option<&str>,
    ) -> Result<PerformanceReport> {
        check_period(period)?;
        let conn = self.conn();
        let zone = self.zone();
        let rms = rms_in_scope(conn, actor, rm)?;
        // The AUM points: the period's first instant, then the end of each week (the
        // last is the period's end).
        let ends = week_ends(period);
        let mut points = vec![ts(period.instants(zone).0)];
        points.extend(
            ends.iter()
                .map(|d| ts(Period { from: *d, to: *d }.instants(zone).1)),
        );
        let mut weekly = vec![0i64; ends.len()];
        let feedback = feedback_by_owner(conn, zone, period)?;
        let rows = rms
            .iter()
            .map(|r| performance_of(conn, zone, r, period, &points, &feedback, &mut weekly))
            .collect::<Result<Vec<_>>>()?;
        let total = (actor.role == Role::Manager && rm.is_none()).then(|| {
            let mut t = Performance::default();
            for r in &rows {
                t.add(r);
            }
            t
        });
        let weekly_aum = ends.into_iter().zip(weekly).collect();
        Ok(PerformanceReport {
            period: Some(period),
            rows,
            total,
            weekly_aum,
        })
    }
}
