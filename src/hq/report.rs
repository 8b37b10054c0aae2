//! `rmdesk hq report performance|value`: the reports of `store::reports` computed in
//! PostgreSQL over head office's tables, across branches or for one, with the same
//! definitions (docs/REPORTS.md), so that for one branch they give that branch manager's
//! numbers. A branch here is a branch file (`branch_code`): its RMs are every RM of it.
//!
//! Dates are local dates in a fixed offset from UTC (default +08:00, China Standard
//! Time): a period runs from the first instant of its first day to the first instant of
//! the day after its last, and "on or before a date" is the local date of the instant.
use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::Context;
use chrono::{FixedOffset, Offset};
use postgres::types::ToSql;
use rust_decimal::Decimal;

use crate::domain::client::Tier;
use crate::store::reports::{
    value_of, Performance, PerformanceReport, Period, ValueBy, ValueReport, ValueRow,
};
use crate::store::{ts, Zone};

/// The local date of a stored instant `x`, `$z` seconds east of UTC.
fn local_date(x: &str, z: &str) -> String {
    format!("(({x})::timestamptz AT TIME ZONE 'UTC' + make_interval(secs => {z}))::date")
}

/// `AND t.branch_code = $N` when one branch is asked for.
fn branch_filter(alias: &str, n: usize, branch: Option<&str>) -> String {
    match branch {
        Some(_) => format!("AND {alias}.branch_code = ${n}"),
        None => String::new(),
    }
}

type Key = (String, i64);

/// Runs one of the report's queries and puts each row's figures in its RM's line.
type Each<'a> =
    dyn FnMut(String, &mut dyn FnMut(&mut Performance, &postgres::Row)) -> anyhow::Result<()> + 'a;

fn tier_rank_sql(col: &str) -> String {
    format!("CASE {col} WHEN 'core' THEN 2 WHEN 'key' THEN 1 ELSE 0 END")
}

/// Where the report reads each RM's AUM at the period's start and end, and the tier moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AumFrom {
    /// The owners' slots and tier moves head office keeps (`hq::derived`), a few rows per
    /// RM; when the period's bounds are not on slots' starts (an offset that is not a
    /// multiple of 15 minutes), the history instead.
    Slots,
    /// Each client's history (its current row when it changed before the instant).
    History,
}

/// Each RM's performance over `period` (per branch), and the total; one branch with
/// `branch`. RMs are named `CODE/username` across branches, plain for one branch.
pub fn performance(
    client: &mut postgres::Client,
    period: Period,
    offset: FixedOffset,
    branch: Option<&str>,
) -> anyhow::Result<PerformanceReport> {
    performance_from(client, period, offset, branch, AumFrom::Slots)
}

/// [`performance`], its AUM and tier moves read from `from`.
pub fn performance_from(
    client: &mut postgres::Client,
    period: Period,
    offset: FixedOffset,
    branch: Option<&str>,
    aum_from: AumFrom,
) -> anyhow::Result<PerformanceReport> {
    let zone = Zone::Fixed(offset);
    let (start, end) = period.instants(zone);
    let (start, end) = (ts(start), ts(end));
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let secs = f64::from(offset.fix().local_minus_utc());
    let b = branch.unwrap_or("");
    let mut lines: BTreeMap<Key, Performance> = BTreeMap::new();
    let one: Vec<&(dyn ToSql + Sync)> = if branch.is_some() {
        vec![&b]
    } else {
        Vec::new()
    };
    let rms = client.query(
        &format!(
            "SELECT u.branch_code, u.id, u.username, u.display_name FROM hq.users u
             WHERE u.role = 'rm' {} ORDER BY u.branch_code, u.username",
            branch_filter("u", 1, branch)
        ),
        &one,
    )?;
    let mut order = Vec::new();
    for r in &rms {
        let key: Key = (r.get(0), r.get(1));
        let username: String = r.get(2);
        let rm = match branch {
            Some(_) => username,
            None => format!("{}/{username}", key.0),
        };
        order.push(key.clone());
        lines.insert(
            key,
            Performance {
                rm,
                display_name: r.get(3),
                ..Performance::default()
            },
        );
    }
    // Each query: ($1 start, $2 end, $3 from, $4 to, $5 offset seconds[, $6 branch]).
    let args: Vec<&(dyn ToSql + Sync)> = {
        let mut a: Vec<&(dyn ToSql + Sync)> = vec![&start, &end, &from, &to, &secs];
        if branch.is_some() {
            a.push(&b);
        }
        a
    };
    let bf = |alias: &str| branch_filter(alias, 6, branch);
    let mut each = |sql: String,
                    put: &mut dyn FnMut(&mut Performance, &postgres::Row)|
     -> anyhow::Result<()> {
        for row in client.query(&sql, &args).with_context(|| sql.clone())? {
            let key: Key = (row.get(0), row.get(1));
            if let Some(p) = lines.get_mut(&key) {
                put(p, &row);
            }
        }
        Ok(())
    };
    each(
        format!(
            "SELECT v.branch_code, v.rm_id, count(*), count(DISTINCT v.client_id), count(v.return_checked_at)
             FROM hq.visits v WHERE v.visited_at >= $1 AND v.visited_at < $2
               AND $3::text IS NOT NULL AND $4::text IS NOT NULL AND $5::float8 IS NOT NULL {}
             GROUP BY v.branch_code, v.rm_id",
            bf("v")
        ),
        &mut |p, r| (p.visits, p.clients_visited, p.visits_checked) = (r.get(2), r.get(3), r.get(4)),
    )?;
    each(
        format!(
            "SELECT c.branch_code, c.owner_id, count(*) FROM hq.clients c
             WHERE c.created_at >= $1 AND c.created_at < $2
               AND $3::text IS NOT NULL AND $4::text IS NOT NULL AND $5::float8 IS NOT NULL {}
             GROUP BY c.branch_code, c.owner_id",
            bf("c")
        ),
        &mut |p, r| p.new_clients = r.get(2),
    )?;
    each(
        format!(
            "SELECT t.branch_code, t.owner_id, count(*),
                    count(*) FILTER (WHERE t.status = 'done' AND t.done_at IS NOT NULL
                                     AND {} <= t.due_date::date)
             FROM hq.tasks t
             WHERE t.due_date BETWEEN $3 AND $4 AND t.status != 'cancelled'
               AND $1::text IS NOT NULL AND $2::text IS NOT NULL {}
             GROUP BY t.branch_code, t.owner_id",
            local_date("t.done_at", "$5"),
            bf("t")
        ),
        &mut |p, r| (p.tasks_due, p.tasks_on_time) = (r.get(2), r.get(3)),
    )?;
    each(
        format!(
            "SELECT c.branch_code, c.owner_id, count(*),
                    count(*) FILTER (WHERE f.resolved_at IS NOT NULL AND {} <= f.deadline::date)
             FROM hq.feedback f JOIN hq.clients c ON c.branch_code = f.branch_code AND c.id = f.client_id
             WHERE f.kind = 'complaint' AND f.received_on BETWEEN $3 AND $4
               AND $1::text IS NOT NULL AND $2::text IS NOT NULL {}
             GROUP BY c.branch_code, c.owner_id",
            local_date("f.resolved_at", "$5"),
            bf("f")
        ),
        &mut |p, r| (p.complaints, p.complaints_on_time) = (r.get(2), r.get(3)),
    )?;
    each(
        format!(
            "SELECT c.branch_code, c.owner_id, coalesce(sum(f.satisfaction), 0)::bigint, count(f.satisfaction)
             FROM hq.feedback f JOIN hq.clients c ON c.branch_code = f.branch_code AND c.id = f.client_id
             WHERE f.status IN ('resolved', 'closed') AND f.resolved_at >= $1 AND f.resolved_at < $2
               AND $3::text IS NOT NULL AND $4::text IS NOT NULL AND $5::float8 IS NOT NULL {}
             GROUP BY c.branch_code, c.owner_id",
            bf("f")
        ),
        &mut |p, r| p.satisfaction = (r.get(2), r.get(3)),
    )?;
    if aum_from == AumFrom::Slots && secs % 900.0 == 0.0 {
        each(super::derived::aum_sql(&bf("o")), &mut |p, r| {
            p.aum_start = r.get(2);
            p.aum_end = [r.get(3), r.get(4), r.get(5)];
        })?;
        each(super::derived::tier_moves_sql(&bf("m")), &mut |p, r| {
            p.tier_up = r.get(2);
            p.tier_down = r.get(3);
        })?;
    } else {
        history_aum(&mut each, &bf)?;
    }
    let rows: Vec<Performance> = order.iter().filter_map(|k| lines.remove(k)).collect();
    let mut total = Performance::default();
    for r in &rows {
        total.add(r);
    }
    Ok(PerformanceReport {
        period: Some(period),
        rows,
        total: Some(total),
        weekly_aum: Vec::new(),
    })
}

/// The AUM and tier of each client at the period's start and end read from the history:
/// its last row before each instant, read from its current row when it changed before.
fn history_aum(each: &mut Each<'_>, bf: &dyn Fn(&str) -> String) -> anyhow::Result<()> {
    let at = |bound: &str| super::current::at_sql(bound, &bf("cur"));
    each(
        format!(
            "WITH s AS ({s}), e AS ({e})
             SELECT c.branch_code, c.owner_id,
                    coalesce(sum(s.aum_minor), 0)::bigint,
                    coalesce(sum(e.aum_minor) FILTER (WHERE {re} = 0), 0)::bigint,
                    coalesce(sum(e.aum_minor) FILTER (WHERE {re} = 1), 0)::bigint,
                    coalesce(sum(e.aum_minor) FILTER (WHERE {re} = 2), 0)::bigint,
                    count(*) FILTER (WHERE s.tier IS NOT NULL AND e.tier IS NOT NULL AND {re} > {rs}),
                    count(*) FILTER (WHERE s.tier IS NOT NULL AND e.tier IS NOT NULL AND {re} < {rs})
             FROM hq.clients c
             LEFT JOIN s ON s.branch_code = c.branch_code AND s.client_id = c.id
             LEFT JOIN e ON e.branch_code = c.branch_code AND e.client_id = c.id
             WHERE $3::text IS NOT NULL AND $4::text IS NOT NULL AND $5::float8 IS NOT NULL {bc}
             GROUP BY c.branch_code, c.owner_id",
            s = at("$1"),
            e = at("$2"),
            re = tier_rank_sql("e.tier"),
            rs = tier_rank_sql("s.tier"),
            bc = bf("c"),
        ),
        &mut |p, r| {
            p.aum_start = r.get(2);
            p.aum_end = [r.get(3), r.get(4), r.get(5)];
            p.tier_up = r.get(6);
            p.tier_down = r.get(7);
        },
    )
}

/// The value report of head office's clients (not closed), ranked by `by`; one branch
/// with `branch`. Across branches a client number is shown as `CODE/number`.
pub fn value(
    client: &mut postgres::Client,
    branch: Option<&str>,
    by: ValueBy,
) -> anyhow::Result<ValueReport> {
    let b = branch.unwrap_or("");
    let args: Vec<&(dyn ToSql + Sync)> = if branch.is_some() {
        vec![&b]
    } else {
        Vec::new()
    };
    let sql = format!(
        "SELECT c.branch_code, c.id, c.client_no, c.name, u.username, coalesce(c.tier_override, c.tier),
                c.aum_minor, coalesce(hv.contribution, 0)::text
         FROM hq.clients c
         JOIN hq.users u ON u.branch_code = c.branch_code AND u.id = c.owner_id
         LEFT JOIN (
             SELECT h.branch_code, h.client_id, sum(h.amount::numeric * p.margin::numeric / 100) AS contribution
             FROM hq.holdings h JOIN hq.products p ON p.branch_code = h.branch_code AND p.id = h.product_id
             WHERE h.status = 'open' AND h.currency = 'CNY' {hb}
             GROUP BY h.branch_code, h.client_id
         ) hv ON hv.branch_code = c.branch_code AND hv.client_id = c.id
         WHERE c.status != 'closed' {cb}",
        hb = branch_filter("h", 1, branch),
        cb = branch_filter("c", 1, branch),
    );
    let mut rows = Vec::new();
    for r in client.query(&sql, &args)? {
        let code: String = r.get(0);
        let no: String = r.get(2);
        let tier: String = r.get(5);
        let contribution: String = r.get(7);
        rows.push(ValueRow {
            rank: 0,
            client_id: r.get(1),
            client_no: if branch.is_some() {
                no
            } else {
                format!("{code}/{no}")
            },
            name: r.get(3),
            rm: r.get(4),
            tier: tier.parse().unwrap_or(Tier::General),
            aum: Decimal::new(r.get(6), 2),
            contribution: Decimal::from_str(&contribution)
                .with_context(|| format!("a contribution head office cannot read: {contribution}"))?
                .normalize(),
            cumulative_pct: Decimal::ZERO,
        });
    }
    Ok(value_of(rows, by))
}
