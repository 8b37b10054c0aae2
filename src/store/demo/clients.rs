//! Demo clients with their holdings and a year of AUM history.

use chrono::{Days, NaiveDate};
use rusqlite::params;
use rust_decimal::Decimal;

use super::catalogue::DEMO_DEPOSIT;
use super::{DEMO_BATCH, DEMO_USERS};
use crate::domain::client::{risk_assessment_current, ClientInput, Tier};
use crate::domain::money::to_minor;
use crate::store::clients::Thresholds;
use crate::store::clients_write::insert_row;
use crate::store::{audit, ts, Result, Role, Store, StoreError};

impl Store {
    /// Adds demo clients, spread round-robin over the demo RMs, each holding `amount` of
    /// the demo deposit (so AUM and tier follow the real rules). Only in a database made
    /// by [`Store::seed_demo`]. Rows are written in batches; `progress(done)` after each.
    pub fn seed_demo_clients(
        &mut self,
        people: &mut dyn Iterator<Item = (ClientInput, Decimal)>,
        today: NaiveDate,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        self.require_demo("demo clients are only added to a demo database")?;
        let mut owners = Vec::new();
        for (name, _, role) in DEMO_USERS {
            if *role == Role::Rm {
                let owner: (i64, i64) = self.conn().query_row(
                    "SELECT id, branch_id FROM users WHERE username = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                owners.push(owner);
            }
        }
        let product_id = |code: &str| -> Result<(i64, Decimal, i64)> {
            let (id, min, term): (i64, String, Option<i64>) = self.conn().query_row(
                "SELECT id, min_amount, term_days FROM products WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let min = min.parse::<Decimal>().map_err(|_| {
                StoreError::invalid("min_amount", "err.amount", "demo minimum is not a number")
            })?;
            Ok((id, min, term.unwrap_or(365)))
        };
        let product = product_id(DEMO_DEPOSIT)?.0;
        // The wealth product each risk level is sold (C1 → R1 … C5 → R4).
        let wealth = [
            product_id("WM-R1-CASH")?,
            product_id("WM-R2-90D")?,
            product_id("WM-R3-180D")?,
            product_id("WM-R4-1Y")?,
            product_id("WM-R4-1Y")?,
        ];
        let t = self.thresholds()?;
        let mut done = 0usize;
        loop {
            let batch: Vec<(ClientInput, Decimal)> = (&mut *people).take(DEMO_BATCH).collect();
            if batch.is_empty() {
                return Ok(done);
            }
            let n = batch.len();
            self.write(|tx, now| {
                let stamp = ts(now);
                for (i, (person, amount)) in batch.iter().enumerate() {
                    let valid = person.validate(today).map_err(StoreError::Fields)?;
                    let owner = owners[(done + i) % owners.len().max(1)];
                    let id = insert_row(tx, &valid, owner, t, &stamp)?;
                    let n = done + i;
                    // One client in five whose assessment is current also holds the
                    // wealth product of their level, maturing over the next four months.
                    let second = valid
                        .risk_level
                        .zip(valid.risk_assessed_on)
                        .filter(|(_, on)| risk_assessment_current(*on, today) && n % 5 == 0)
                        .and_then(|(level, _)| {
                            let (pid, min, term) = wealth[usize::from(level.rank() - 1)];
                            let half = (*amount / Decimal::TWO).round_dp(0);
                            (half >= min && !half.is_zero()).then_some((pid, half, term, n))
                        });
                    seed_holding(tx, id, product, *amount, second, today, t, owner.0, &stamp)?;
                }
                let after = format!("clients={n}");
                let mut e = audit::Entry::new("demo.seed_clients", "client", None);
                e.after = Some(&after);
                audit::append(tx, now, audit::SYSTEM, e)
            })?;
            done += n;
            progress(done);
        }
    }
}

/// A second demo holding: (product, amount, term in days, the client's number).
type Second = Option<(i64, Decimal, i64, usize)>;

#[allow(clippy::too_many_arguments)]
fn seed_holding(
    tx: &rusqlite::Connection,
    client: i64,
    product: i64,
    amount: Decimal,
    second: Second,
    today: NaiveDate,
    t: Thresholds,
    by: i64,
    now: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, status, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'CNY', substr(?5, 1, 10), 'open', ?4, ?5, ?5)",
    )?
    .execute(params![client, product, amount.to_string(), by, now])?;
    let mut total = amount;
    if let Some((pid, extra, term, n)) = second {
        // Maturities spread over the next 120 days: a few each week on the home screen.
        let ahead = u64::try_from(n / 5 % 120).unwrap_or(0);
        let maturity = today.checked_add_days(Days::new(ahead)).unwrap_or(today);
        let start = maturity
            .checked_sub_days(Days::new(u64::try_from(term).unwrap_or(365)))
            .unwrap_or(today);
        tx.prepare_cached(
            "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date, status,
                                   created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'CNY', ?4, ?5, 'open', ?6, ?7, ?7)",
        )?
        .execute(params![
            client,
            pid,
            extra.to_string(),
            start.to_string(),
            maturity.to_string(),
            by,
            now
        ])?;
        total += extra;
    }
    let minor = to_minor(total)
        .ok_or_else(|| StoreError::invalid("amount", "err.amount", "out of range"))?;
    let tier = Tier::from_aum(total, t.key(), t.core());
    tx.prepare_cached("UPDATE clients SET aum_minor = ?1, tier = ?2 WHERE id = ?3")?
        .execute(params![minor, tier.code(), client])?;
    crate::store::reports::precomputed::refresh_contribution(tx, client)?;
    seed_history(tx, client, minor, t, now)
}

/// A year of made-up AUM history ending at today's value: most clients grew into it
/// quarter by quarter; one in seven held half as much again 120 days ago and is now
/// shrinking (churn warnings); one in eleven came down a tier and back.
fn seed_history(
    tx: &rusqlite::Connection,
    client: i64,
    minor: i64,
    t: Thresholds,
    now: &str,
) -> Result<()> {
    let Some(at) = crate::store::parse_ts(now) else {
        return Ok(());
    };
    let shape: [(i64, i64); 4] = match client % 11 {
        _ if client % 7 == 0 => [(360, 120), (240, 140), (120, 150), (60, 125)],
        0 => [(360, 100), (240, 50), (120, 100), (60, 100)],
        _ => [(360, 70), (240, 80), (120, 90), (60, 95)],
    };
    let (key, core) = (
        to_minor(t.key()).unwrap_or(i64::MAX),
        to_minor(t.core()).unwrap_or(i64::MAX),
    );
    let mut rows: Vec<(String, i64)> = shape
        .iter()
        .map(|(days, pct)| (ts(at - chrono::Duration::days(*days)), minor / 100 * pct))
        .collect();
    rows.push((now.to_string(), minor));
    for (when, aum) in rows {
        let tier = if aum >= core {
            "core"
        } else if aum >= key {
            "key"
        } else {
            "general"
        };
        tx.prepare_cached(
            "INSERT INTO aum_history (client_id, at, aum_minor, tier) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![client, when, aum, tier])?;
    }
    Ok(())
}
