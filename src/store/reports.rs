//! Reports: RM performance over a period, client value (contribution, the 80/20 rule,
//! tiers) and churn warnings, each scoped by the acting user: an RM sees themselves, a
//! manager every RM of the branch (and a branch total), an administrator nothing.
//!
//! The definitions below are the ones written in docs/REPORTS.md and the screen's help.
//! A period is a range of local dates, both ends included, in the store's zone: it runs
//! from the first instant of its first day to the first instant of the day after its
//! last ([`Zone::day_start`]).
use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};
use rust_decimal::{Decimal, RoundingStrategy};

use super::clients::scope;
use super::settings::read_i64;
use super::{ts, Actor, Result, Role, Store, StoreError, Zone};
use crate::domain::client::Tier;

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

use chrono::Datelike;

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
}

/// `part` of `whole` in percent to one decimal, or none when `whole` is 0.
pub fn share(part: i64, whole: i64) -> Option<Decimal> {
    (whole != 0).then(|| {
        (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    })
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

    fn add(&mut self, o: &Performance) {
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

/// What the value report ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueBy {
    /// Contribution.
    #[default]
    Contribution,
    /// AUM.
    Aum,
}

/// One client in the value report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueRow {
    /// Rank, from 1.
    pub rank: usize,
    /// Client id.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Name.
    pub name: String,
    /// Owner's username.
    pub rm: String,
    /// Tier (the override when there is one).
    pub tier: Tier,
    /// AUM, CNY.
    pub aum: Decimal,
    /// Contribution, CNY per year, exact.
    pub contribution: Decimal,
    /// Cumulative share of the ranked value held by this client and those above,
    /// percent to one decimal.
    pub cumulative_pct: Decimal,
}

/// Count, AUM and contribution of one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierValue {
    /// The tier.
    pub tier: Tier,
    /// Clients.
    pub clients: usize,
    /// Their AUM.
    pub aum: Decimal,
    /// Their contribution.
    pub contribution: Decimal,
}

/// The value report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueReport {
    /// What the clients are ranked by.
    pub by: ValueBy,
    /// Clients, highest value first.
    pub rows: Vec<ValueRow>,
    /// Total AUM.
    pub total_aum: Decimal,
    /// Total contribution.
    pub total_contribution: Decimal,
    /// How many clients are the top 20% (rounded up).
    pub top_count: usize,
    /// The share of the ranked value they hold, percent to one decimal.
    pub top_share: Option<Decimal>,
    /// The 80/20 curve by deciles: share of value held by the top 10%, 20%, … 100% of
    /// clients (each count rounded up), percent to one decimal.
    pub deciles: Vec<Decimal>,
    /// General, key and core.
    pub tiers: Vec<TierValue>,
}

/// Why a client is at risk of leaving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChurnReason {
    /// AUM fell by this percent (whole, rounded down) over the window.
    AumDrop(i64),
    /// A holding matured on this date with no new holding within the grace days.
    MaturityLapsed(NaiveDate),
    /// No contact for twice the tier's cadence (days since, or never).
    NoContact(Option<i64>),
    /// A complaint is past its deadline, unresolved.
    OverdueComplaint,
    /// The client is dormant.
    Dormant,
}

impl ChurnReason {
    /// Catalogue key of the reason.
    pub fn key(&self) -> &'static str {
        match self {
            ChurnReason::AumDrop(_) => "report.churn.aum_drop",
            ChurnReason::MaturityLapsed(_) => "report.churn.maturity",
            ChurnReason::NoContact(_) => "report.churn.no_contact",
            ChurnReason::OverdueComplaint => "report.churn.complaint",
            ChurnReason::Dormant => "report.churn.dormant",
        }
    }

    /// The reason's value, if it has one (percent, date, days).
    pub fn value(&self) -> String {
        match self {
            ChurnReason::AumDrop(p) => format!("{p}%"),
            ChurnReason::MaturityLapsed(d) => d.to_string(),
            ChurnReason::NoContact(Some(d)) => d.to_string(),
            ChurnReason::NoContact(None) | ChurnReason::OverdueComplaint => String::new(),
            ChurnReason::Dormant => String::new(),
        }
    }

    /// A stable code, for the command line and CSV.
    pub fn code(&self) -> String {
        match self {
            ChurnReason::AumDrop(p) => format!("aum_drop:{p}%"),
            ChurnReason::MaturityLapsed(d) => format!("maturity:{d}"),
            ChurnReason::NoContact(Some(d)) => format!("no_contact:{d}d"),
            ChurnReason::NoContact(None) => "no_contact:never".into(),
            ChurnReason::OverdueComplaint => "complaint_overdue".into(),
            ChurnReason::Dormant => "dormant".into(),
        }
    }
}

/// A client at risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnRow {
    /// Client id.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Name.
    pub name: String,
    /// Owner's username.
    pub rm: String,
    /// Tier (the override when there is one).
    pub tier: Tier,
    /// AUM at risk: the client's AUM now, CNY.
    pub aum: Decimal,
    /// The reasons, in the order of [`ChurnReason`].
    pub reasons: Vec<ChurnReason>,
}

fn fen(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}

fn tier_of(code: &str) -> Tier {
    code.parse().unwrap_or(Tier::General)
}

fn tier_rank(t: Tier) -> usize {
    match t {
        Tier::General => 0,
        Tier::Key => 1,
        Tier::Core => 2,
    }
}

/// The RMs an actor's report covers: (id, username, display name), by username. `only`
/// narrows to one username (nothing when it is not in scope).
fn rms_in_scope(
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

/// AUM (fen) and tier of each client owned by `rm` at instant `at` (the last history
/// row before it; clients without one had none).
/// A client's AUM (fen) and tier at an instant, when it had any.
type AumAt = (i64, Option<(i64, Tier)>);

fn aum_at(conn: &Connection, rm: i64, at: &str) -> Result<Vec<AumAt>> {
    let mut stmt = conn.prepare_cached(
        "SELECT x.id, h.aum_minor, h.tier FROM (
             SELECT c.id, (SELECT h.id FROM aum_history h WHERE h.client_id = c.id AND h.at < ?2
                           ORDER BY h.at DESC, h.id DESC LIMIT 1) AS hid
             FROM clients c WHERE c.owner_id = ?1) x
         LEFT JOIN aum_history h ON h.id = x.hid ORDER BY x.id",
    )?;
    let rows = stmt.query_map(params![rm, at], |r| {
        let aum: Option<i64> = r.get(1)?;
        let tier: Option<String> = r.get(2)?;
        Ok((r.get(0)?, aum.zip(tier).map(|(a, t)| (a, tier_of(&t)))))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn count(conn: &Connection, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<i64> {
    Ok(conn.prepare_cached(sql)?.query_row(args, |r| r.get(0))?)
}

/// Whether the instant `at` (stored text) falls on a local date on or before `day`.
fn on_or_before(zone: Zone, at: Option<&str>, day: &str) -> bool {
    let (Some(at), Ok(day)) = (at.and_then(super::parse_ts), day.parse::<NaiveDate>()) else {
        return false;
    };
    zone.date(at) <= day
}

fn performance_of(
    conn: &Connection,
    zone: Zone,
    (id, rm, display): &(i64, String, String),
    period: Period,
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
        .prepare_cached(
            "SELECT count(*), count(DISTINCT client_id), count(return_checked_at) FROM visits
             WHERE rm_id = ?1 AND visited_at >= ?2 AND visited_at < ?3",
        )?
        .query_row(params![id, start, end], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    p.new_clients = count(
        conn,
        "SELECT count(*) FROM clients WHERE owner_id = ?1 AND created_at >= ?2 AND created_at < ?3",
        &[id, &start, &end],
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT due_date, CASE WHEN status = 'done' THEN done_at END FROM tasks
         WHERE owner_id = ?1 AND due_date BETWEEN ?2 AND ?3 AND status != 'cancelled'",
    )?;
    for row in stmt.query_map(params![id, from, to], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (due, done) = row?;
        p.tasks_due += 1;
        p.tasks_on_time += i64::from(on_or_before(zone, done.as_deref(), &due));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT f.deadline, f.resolved_at FROM feedback f JOIN clients c ON c.id = f.client_id
         WHERE c.owner_id = ?1 AND f.kind = 'complaint' AND f.received_on BETWEEN ?2 AND ?3",
    )?;
    for row in stmt.query_map(params![id, from, to], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (deadline, resolved) = row?;
        p.complaints += 1;
        p.complaints_on_time += i64::from(on_or_before(zone, resolved.as_deref(), &deadline));
    }
    p.satisfaction = conn
        .prepare_cached(
            "SELECT coalesce(sum(f.satisfaction), 0), count(f.satisfaction)
             FROM feedback f JOIN clients c ON c.id = f.client_id
             WHERE c.owner_id = ?1 AND f.status IN ('resolved', 'closed')
               AND f.resolved_at >= ?2 AND f.resolved_at < ?3",
        )?
        .query_row(params![id, start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let before = aum_at(conn, *id, &start)?;
    let after = aum_at(conn, *id, &end)?;
    for ((_, b), (_, a)) in before.iter().zip(&after) {
        if let Some((aum, _)) = b {
            p.aum_start += aum;
        }
        if let Some((aum, tier)) = a {
            p.aum_end[tier_rank(*tier)] += aum;
        }
        if let (Some((_, tb)), Some((_, ta))) = (b, a) {
            p.tier_up += i64::from(tier_rank(*ta) > tier_rank(*tb));
            p.tier_down += i64::from(tier_rank(*ta) < tier_rank(*tb));
        }
    }
    Ok(p)
}

/// The AUM (fen) of the RMs' clients at the end of each week (Monday to Sunday) of the
/// period, the last cut at the period's end.
fn weekly_aum(
    conn: &Connection,
    zone: Zone,
    rms: &[(i64, String, String)],
    period: Period,
) -> Result<Vec<(NaiveDate, i64)>> {
    let mut out = Vec::new();
    let mut day = period.from;
    while day <= period.to {
        let sunday = day
            .checked_add_days(Days::new(u64::from(
                6 - day.weekday().num_days_from_monday(),
            )))
            .unwrap_or(day)
            .min(period.to);
        let end = Period {
            from: sunday,
            to: sunday,
        }
        .instants(zone)
        .1;
        let mut total = 0;
        for (id, _, _) in rms {
            total += aum_at(conn, *id, &ts(end))?
                .iter()
                .filter_map(|(_, v)| v.map(|(a, _)| a))
                .sum::<i64>();
        }
        out.push((sunday, total));
        match sunday.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    Ok(out)
}

fn check_period(period: Period) -> Result<()> {
    if period.from > period.to {
        return Err(StoreError::invalid(
            "from",
            "err.report.period",
            "the period ends before it starts",
        ));
    }
    Ok(())
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
        let rows = rms
            .iter()
            .map(|r| performance_of(conn, zone, r, period))
            .collect::<Result<Vec<_>>>()?;
        let total = (actor.role == Role::Manager && rm.is_none()).then(|| {
            let mut t = Performance::default();
            for r in &rows {
                t.add(r);
            }
            t
        });
        let weekly_aum = weekly_aum(conn, zone, &rms, period)?;
        Ok(PerformanceReport {
            period: Some(period),
            rows,
            total,
            weekly_aum,
        })
    }

    /// The value report of the clients in scope (not closed; one RM's with `rm`),
    /// ranked by `by`.
    pub fn value_report(
        &self,
        actor: &Actor,
        rm: Option<&str>,
        by: ValueBy,
    ) -> Result<ValueReport> {
        let conn = self.conn();
        let rms = rms_in_scope(conn, actor, rm)?;
        let (scope_sql, scope_arg) = scope(actor);
        let mut args = vec![scope_arg];
        let rm_sql = match rm {
            Some(_) => {
                let Some((id, _, _)) = rms.first() else {
                    return Ok(value_of(Vec::new(), by));
                };
                args.push(Value::Integer(*id));
                "AND c.owner_id = ?"
            }
            None => "",
        };
        let mut clients: Vec<ValueRow> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut stmt = conn.prepare(&format!(
            "SELECT c.id, c.client_no, c.name, u.username, coalesce(c.tier_override, c.tier), c.aum_minor
             FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE {scope_sql} {rm_sql} AND c.status != 'closed'"
        ))?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok(ValueRow {
                rank: 0,
                client_id: r.get(0)?,
                client_no: r.get(1)?,
                name: r.get(2)?,
                rm: r.get(3)?,
                tier: tier_of(&r.get::<_, String>(4)?),
                aum: fen(r.get(5)?),
                contribution: Decimal::ZERO,
                cumulative_pct: Decimal::ZERO,
            })
        })?;
        for row in rows {
            let row = row?;
            index.insert(row.client_id, clients.len());
            clients.push(row);
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT h.client_id, h.amount, p.margin FROM holdings h
             JOIN products p ON p.id = h.product_id JOIN clients c ON c.id = h.client_id
             WHERE {scope_sql} {rm_sql} AND c.status != 'closed'
               AND h.status = 'open' AND h.currency = 'CNY'"
        ))?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (client, amount, margin) = row?;
            let bad = || StoreError::invalid("amount", "err.amount", "stored amount unreadable");
            let amount: Decimal = amount.parse().map_err(|_| bad())?;
            let margin: Decimal = margin.parse().map_err(|_| bad())?;
            if let Some(&i) = index.get(&client) {
                let c = &mut clients[i];
                c.contribution += amount * margin / Decimal::ONE_HUNDRED;
            }
        }
        Ok(value_of(clients, by))
    }

    /// Clients in scope (active or dormant; one RM's with `rm`) at risk of leaving,
    /// with every reason that applies, highest AUM first. Reasons, as of today:
    /// AUM down by at least `churn.aum_drop_pct` percent from the end of the day
    /// `churn.aum_drop_days` days ago; a holding that matured within that window, at
    /// least `churn.maturity_grace_days` days ago, with no holding started from its
    /// maturity to that many days after; no contact (or, never contacted, creation)
    /// since before today minus twice the tier's cadence; a complaint still open after
    /// its deadline; status dormant.
    pub fn churn_report(&self, actor: &Actor, rm: Option<&str>) -> Result<Vec<ChurnRow>> {
        self.churn_rows(actor, rm, None)
    }

    /// The churn warnings among the `examine` largest clients in scope (by AUM, a walk
    /// of the owner's or branch's AUM index), for home: the same reasons as
    /// [`Store::churn_report`], at a cost that does not grow with the portfolio.
    pub fn churn_among_largest(&self, actor: &Actor, examine: usize) -> Result<Vec<ChurnRow>> {
        self.churn_rows(actor, None, Some(examine))
    }

    fn churn_rows(
        &self,
        actor: &Actor,
        rm: Option<&str>,
        examine: Option<usize>,
    ) -> Result<Vec<ChurnRow>> {
        let conn = self.conn();
        let zone = self.zone();
        let today = zone.date(self.now());
        let rms = rms_in_scope(conn, actor, rm)?;
        let (scope_sql, scope_arg) = scope(actor);
        let mut args = vec![scope_arg];
        let rm_sql = match rm {
            Some(_) => {
                let Some((id, _, _)) = rms.first() else {
                    return Ok(Vec::new());
                };
                args.push(Value::Integer(*id));
                "AND c.owner_id = ?"
            }
            None => "",
        };
        let days_ago = |n: i64| {
            today
                .checked_sub_days(Days::new(u64::try_from(n).unwrap_or(0)))
                .unwrap_or(today)
        };
        let drop_pct = read_i64(conn, "churn.aum_drop_pct")?;
        let window = read_i64(conn, "churn.aum_drop_days")?;
        let grace = read_i64(conn, "churn.maturity_grace_days")?;
        let cadence = |tier: &str| -> Result<String> {
            let days = read_i64(conn, &format!("cadence.{tier}_days"))?;
            Ok(ts(zone.day_start(days_ago(2 * days))))
        };
        // AUM at the end of the day `window` days ago: the last row before the next day.
        let drop_at = ts(zone.day_start(days_ago(window - 1)));
        args.extend([
            Value::Text(cadence("core")?),
            Value::Text(cadence("key")?),
            Value::Text(cadence("general")?),
            Value::Text(today.to_string()),
            Value::Text(drop_at),
            Value::Text(days_ago(window).to_string()),
            Value::Text(days_ago(grace).to_string()),
            Value::Integer(grace),
        ]);
        let sql = format!(
            "SELECT c.id, c.client_no, c.name, u.username, coalesce(c.tier_override, c.tier),
                    c.aum_minor, c.status = 'dormant', c.last_contact_at,
                    coalesce(c.last_contact_at, c.created_at) <
                        CASE coalesce(c.tier_override, c.tier) WHEN 'core' THEN ?3 WHEN 'key' THEN ?4 ELSE ?5 END,
                    EXISTS (SELECT 1 FROM feedback f WHERE f.client_id = c.id AND f.kind = 'complaint'
                            AND f.status IN ('open', 'in_progress') AND f.deadline < ?6),
                    (SELECT h.aum_minor FROM aum_history h WHERE h.client_id = c.id AND h.at < ?7
                     ORDER BY h.at DESC, h.id DESC LIMIT 1),
                    (SELECT max(m.maturity_date) FROM holdings m WHERE m.client_id = c.id
                       AND m.maturity_date BETWEEN ?8 AND ?9
                       AND NOT EXISTS (SELECT 1 FROM holdings n WHERE n.client_id = c.id AND n.id != m.id
                           AND n.start_date BETWEEN m.maturity_date AND date(m.maturity_date, '+' || ?10 || ' days')))
             FROM {} JOIN users u ON u.id = c.owner_id
             WHERE {} {} AND c.status IN ('active', 'dormant')
             ORDER BY c.aum_minor DESC, c.client_no",
            match examine {
                Some(n) => format!(
                    "(SELECT * FROM clients c WHERE {} AND c.status IN ('active', 'dormant')
                      ORDER BY c.aum_minor DESC LIMIT {n}) c",
                    scope_sql.replace('?', "?1")
                ),
                None => "clients c".to_string(),
            },
            scope_sql.replace('?', "?1"),
            rm_sql.replace('?', "?2"),
        );
        if rm_sql.is_empty() {
            args.insert(1, Value::Null);
        }
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((
                ChurnRow {
                    client_id: r.get(0)?,
                    client_no: r.get(1)?,
                    name: r.get(2)?,
                    rm: r.get(3)?,
                    tier: tier_of(&r.get::<_, String>(4)?),
                    aum: fen(r.get(5)?),
                    reasons: Vec::new(),
                },
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, bool>(9)?,
                r.get::<_, Option<i64>>(10)?,
                r.get::<_, Option<String>>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut c, now_aum, dormant, last, no_contact, complaint, before, lapsed) = row?;
            if let Some(before) = before.filter(|b| *b > 0) {
                let fall = before - now_aum;
                if fall * 100 >= drop_pct * before {
                    c.reasons.push(ChurnReason::AumDrop(fall * 100 / before));
                }
            }
            if let Some(d) = lapsed.and_then(|d| d.parse().ok()) {
                c.reasons.push(ChurnReason::MaturityLapsed(d));
            }
            if no_contact {
                let days = last
                    .as_deref()
                    .and_then(super::parse_ts)
                    .map(|t| (today - zone.date(t)).num_days());
                c.reasons.push(ChurnReason::NoContact(days));
            }
            if complaint {
                c.reasons.push(ChurnReason::OverdueComplaint);
            }
            if dormant {
                c.reasons.push(ChurnReason::Dormant);
            }
            if !c.reasons.is_empty() {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Sets a product's margin, percent per year (administrators; audited).
    pub fn set_product_margin(&mut self, actor: &Actor, code: &str, margin: Decimal) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(StoreError::Forbidden);
        }
        if margin < Decimal::ZERO || margin > Decimal::ONE_HUNDRED {
            return Err(StoreError::invalid(
                "margin",
                "err.product.margin",
                "the margin is between 0 and 100 percent",
            ));
        }
        let margin = margin.normalize();
        self.write(|tx, now| {
            let (id, before): (i64, String) = tx
                .query_row(
                    "SELECT id, margin FROM products WHERE code = ?1",
                    [code],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
                    e => e.into(),
                })?;
            tx.execute(
                "UPDATE products SET margin = ?1, updated_at = ?2 WHERE id = ?3",
                params![margin.to_string(), ts(now), id],
            )?;
            let (before, after) = (format!("margin={before}"), format!("margin={margin}"));
            let mut e = super::audit::Entry::new("product.margin", "product", Some(id));
            e.before = Some(&before);
            e.after = Some(&after);
            super::audit::append(tx, now, actor.into(), e)
        })
    }
}

fn value_of(mut rows: Vec<ValueRow>, by: ValueBy) -> ValueReport {
    let value = |r: &ValueRow| match by {
        ValueBy::Contribution => r.contribution,
        ValueBy::Aum => r.aum,
    };
    rows.sort_by(|a, b| {
        value(b)
            .cmp(&value(a))
            .then_with(|| a.client_no.cmp(&b.client_no))
    });
    let total: Decimal = rows.iter().map(value).sum();
    let pct = |part: Decimal| {
        (!total.is_zero()).then(|| {
            (part * Decimal::ONE_HUNDRED / total)
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        })
    };
    let mut running = Decimal::ZERO;
    let mut prefix = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter_mut().enumerate() {
        running += value(r);
        prefix.push(running);
        r.rank = i + 1;
        r.cumulative_pct = pct(running).unwrap_or_default();
    }
    let n = rows.len();
    let upto = |k: usize| match k {
        0 => Decimal::ZERO,
        k => prefix.get(k - 1).copied().unwrap_or(Decimal::ZERO),
    };
    let top_count = n.div_ceil(5);
    let deciles = (1..=10)
        .map(|d| pct(upto((n * d).div_ceil(10))).unwrap_or_default())
        .collect();
    let tiers = [Tier::General, Tier::Key, Tier::Core]
        .into_iter()
        .map(|tier| {
            let of = rows.iter().filter(|r| r.tier == tier);
            TierValue {
                tier,
                clients: of.clone().count(),
                aum: of.clone().map(|r| r.aum).sum(),
                contribution: of.map(|r| r.contribution).sum(),
            }
        })
        .collect();
    ValueReport {
        by,
        top_share: pct(upto(top_count)),
        top_count,
        deciles,
        tiers,
        total_aum: rows.iter().map(|r| r.aum).sum(),
        total_contribution: rows.iter().map(|r| r.contribution).sum(),
        rows,
    }
}

/// Rounds a CNY amount to the fen for display (half away from zero).
pub fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}
