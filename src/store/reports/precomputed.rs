//! The figures reports read pre-computed (docs/REPORTS.md, "What is pre-computed"):
//! each client's contribution (`client_value`), written here in the transaction of every
//! holding change and every margin change; and each owner's AUM by tier per 15-minute
//! slot (`aum_owner_slots`) with the tier moves (`aum_tier_moves`), kept by the triggers
//! of migration 11 and read here.
use std::collections::HashMap;

use chrono::Timelike;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::{tier_of, tier_rank};
use crate::store::{parse_ts, Result, StoreError};

/// Σ over the client's open CNY holdings of amount × margin ÷ 100, exact.
fn contribution_of(tx: &Connection, client_id: i64) -> Result<Decimal> {
    let mut stmt = tx.prepare_cached(
        "SELECT h.amount, p.margin FROM holdings h JOIN products p ON p.id = h.product_id
         WHERE h.client_id = ?1 AND h.status = 'open' AND h.currency = 'CNY'",
    )?;
    let mut sum = Decimal::ZERO;
    for row in stmt.query_map([client_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (amount, margin) = row?;
        sum += decimal(&amount)? * decimal(&margin)? / Decimal::ONE_HUNDRED;
    }
    Ok(sum)
}

fn decimal(s: &str) -> Result<Decimal> {
    s.parse()
        .map_err(|_| StoreError::invalid("amount", "err.amount", "stored amount unreadable"))
}

/// Writes a client's contribution again: called in the transaction that changed one of
/// its holdings (with its AUM) or the margin of a product it holds.
pub(crate) fn refresh_contribution(tx: &Connection, client_id: i64) -> Result<()> {
    let value = contribution_of(tx, client_id)?;
    tx.prepare_cached(
        "INSERT INTO client_value (client_id, contribution) VALUES (?1, ?2)
         ON CONFLICT (client_id) DO UPDATE SET contribution = excluded.contribution",
    )?
    .execute(params![client_id, value.to_string()])?;
    Ok(())
}

/// Writes again the contribution of every client with an open holding of the product
/// (its margin changed).
pub(crate) fn refresh_product(tx: &Connection, product_id: i64) -> Result<()> {
    let clients: Vec<i64> = tx
        .prepare_cached(
            "SELECT DISTINCT client_id FROM holdings WHERE product_id = ?1 AND status = 'open'",
        )?
        .query_map([product_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for client in clients {
        refresh_contribution(tx, client)?;
    }
    Ok(())
}

/// Writes every client's contribution from its holdings (migration 11; a database
/// written by other means than the store, such as the benchmarks' bulk data).
pub fn rebuild_contributions(tx: &Connection) -> Result<()> {
    let mut sums: HashMap<i64, Decimal> = HashMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT h.client_id, h.amount, p.margin FROM holdings h
             JOIN products p ON p.id = h.product_id
             WHERE h.status = 'open' AND h.currency = 'CNY'",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (client, amount, margin) = row?;
            *sums.entry(client).or_default() +=
                decimal(&amount)? * decimal(&margin)? / Decimal::ONE_HUNDRED;
        }
    }
    tx.execute("DELETE FROM client_value", [])?;
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM clients")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert =
        tx.prepare("INSERT INTO client_value (client_id, contribution) VALUES (?1, ?2)")?;
    for id in ids {
        let sum = sums.get(&id).copied().unwrap_or_default();
        insert.execute(params![id, sum.to_string()])?;
    }
    Ok(())
}

/// An owner's AUM by tier before an instant: a range of the slots' key.
pub(crate) const SLOTS_BEFORE_SQL: &str = "SELECT tier, sum(aum_minor) FROM aum_owner_slots
     WHERE owner_id = ?1 AND slot < ?2 GROUP BY tier";
/// An owner's changes between two instants, in time order: a range of the slots' key.
pub(crate) const SLOTS_BETWEEN_SQL: &str = "SELECT slot, tier, aum_minor FROM aum_owner_slots
     WHERE owner_id = ?1 AND slot >= ?2 AND slot < ?3 ORDER BY slot";
/// An owner's tier moves of a period, in time order: a range of `aum_tier_moves_owner_at`.
pub(crate) const TIER_MOVES_SQL: &str = "SELECT client_id, from_tier, to_tier FROM aum_tier_moves
     WHERE owner_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY at, history_id";

/// Whether every point is the start of a 15-minute slot (every local midnight of the
/// zones in use is): the slots then answer exactly.
pub(super) fn on_slots(points: &[String]) -> bool {
    points.iter().all(|p| {
        parse_ts(p).is_some_and(|t| {
            t.second() == 0
                && t.nanosecond() == 0
                && t.minute() % 15 == 0
                && crate::store::ts(t) == *p
        })
    })
}

/// The AUM (fen) of the clients `rm` owns now at each point (ascending, on slots), by
/// the tier each had then (general, key, core).
pub(super) fn aum_at(conn: &Connection, rm: i64, points: &[String]) -> Result<Vec<[i64; 3]>> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(Vec::new());
    };
    let mut now = [0i64; 3];
    let mut stmt = conn.prepare_cached(SLOTS_BEFORE_SQL)?;
    for row in stmt.query_map(params![rm, first], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (tier, aum) = row?;
        now[tier_rank(tier_of(&tier))] += aum;
    }
    let mut stmt = conn.prepare_cached(SLOTS_BETWEEN_SQL)?;
    let rows: Vec<(String, String, i64)> = stmt
        .query_map(params![rm, first, last], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(points.len());
    let mut k = 0;
    for point in points {
        while let Some((_, tier, aum)) = rows.get(k).filter(|r| r.0 < *point) {
            now[tier_rank(tier_of(tier))] += aum;
            k += 1;
        }
        out.push(now);
    }
    Ok(out)
}

/// The clients `rm` owns now whose tier was higher / lower at `end` than at `start`
/// (instants on slots or not: the moves are by instant), among those with a value at
/// both: the first move of each client in the period tells its tier at the start (none
/// when it is the client's first row), its last move the tier at the end.
pub(super) fn tier_moves(conn: &Connection, rm: i64, start: &str, end: &str) -> Result<(i64, i64)> {
    let mut stmt = conn.prepare_cached(TIER_MOVES_SQL)?;
    let mut seen: HashMap<i64, (Option<usize>, usize)> = HashMap::new();
    for row in stmt.query_map(params![rm, start, end], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (client, from, to) = row?;
        let to = tier_rank(tier_of(&to));
        seen.entry(client)
            .and_modify(|e| e.1 = to)
            .or_insert((from.map(|f| tier_rank(tier_of(&f))), to));
    }
    let (mut up, mut down) = (0, 0);
    for (from, to) in seen.into_values() {
        if let Some(from) = from {
            up += i64::from(to > from);
            down += i64::from(to < from);
        }
    }
    Ok((up, down))
}
