//! Client value: contribution (amount × margin), the ranking by contribution or AUM, the
//! 80/20 share and curve, tiers; and the products' margins it reads.
use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{fen, rms_in_scope, tier_of};
use crate::domain::client::Tier;
use crate::store::clients::scope;
use crate::store::{ts, Actor, Result, Role, Store, StoreError};

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

impl Store {
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
        // One walk of the clients in scope; each one's contribution is kept up to date
        // by every holding and margin change (`client_value`, precomputed.rs).
        // The owners' usernames once, not a join per client.
        let names: HashMap<i64, String> = conn
            .prepare_cached("SELECT id, username FROM users")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT c.id, c.client_no, c.name, c.owner_id, coalesce(c.tier_override, c.tier), c.aum_minor,
                    v.contribution
             FROM clients c LEFT JOIN client_value v ON v.client_id = c.id
             WHERE {scope_sql} {rm_sql} AND c.status != 'closed'"
        ))?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((
                ValueRow {
                    rank: 0,
                    client_id: r.get(0)?,
                    client_no: r.get(1)?,
                    name: r.get(2)?,
                    rm: names.get(&r.get::<_, i64>(3)?).cloned().unwrap_or_default(),
                    tier: tier_of(&r.get::<_, String>(4)?),
                    aum: fen(r.get(5)?),
                    contribution: Decimal::ZERO,
                    cumulative_pct: Decimal::ZERO,
                },
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut clients: Vec<ValueRow> = Vec::new();
        for row in rows {
            let (mut row, contribution) = row?;
            if let Some(c) = contribution {
                row.contribution = c.parse().map_err(|_| {
                    StoreError::invalid("amount", "err.amount", "stored contribution unreadable")
                })?;
            }
            clients.push(row);
        }
        Ok(value_of(clients, by))
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
            let mut e = crate::store::audit::Entry::new("product.margin", "product", Some(id));
            e.before = Some(&before);
            e.after = Some(&after);
            crate::store::audit::append(tx, now, actor.into(), e)?;
            super::precomputed::refresh_product(tx, id)
        })
    }
}

/// Ranks value rows by `by`: the one definition, for the branch and head office.
pub fn value_of(rows: Vec<ValueRow>, by: ValueBy) -> ValueReport {
    let value = |r: &ValueRow| match by {
        ValueBy::Contribution => r.contribution,
        ValueBy::Aum => r.aum,
    };
    // Client numbers are unique, so the order is total and an unstable sort gives the
    // one ranking. The sort moves (value, position) pairs, not the rows.
    let mut order: Vec<(Decimal, usize)> = rows.iter().map(value).zip(0..).collect();
    order.sort_unstable_by(|(va, a), (vb, b)| {
        vb.cmp(va)
            .then_with(|| rows[*a].client_no.cmp(&rows[*b].client_no))
    });
    let mut taken: Vec<Option<ValueRow>> = rows.into_iter().map(Some).collect();
    let mut rows: Vec<ValueRow> = order
        .iter()
        .filter_map(|(_, i)| taken.get_mut(*i).and_then(Option::take))
        .collect();
    let mut tiers: Vec<TierValue> = [Tier::General, Tier::Key, Tier::Core]
        .into_iter()
        .map(|tier| TierValue {
            tier,
            clients: 0,
            aum: Decimal::ZERO,
            contribution: Decimal::ZERO,
        })
        .collect();
    let (mut total_aum, mut total_contribution) = (Decimal::ZERO, Decimal::ZERO);
    for r in &rows {
        total_aum += r.aum;
        total_contribution += r.contribution;
        if let Some(t) = tiers.get_mut(super::tier_rank(r.tier)) {
            t.clients += 1;
            t.aum += r.aum;
            t.contribution += r.contribution;
        }
    }
    let total = match by {
        ValueBy::Contribution => total_contribution,
        ValueBy::Aum => total_aum,
    };
    let pct = |part: Decimal| {
        (!total.is_zero()).then(|| {
            (part * Decimal::ONE_HUNDRED / total)
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        })
    };
    let mut cumulative = Cumulative::new(total, rows.iter().all(|r| value(r) >= Decimal::ZERO));
    let mut running = Decimal::ZERO;
    let mut prefix = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter_mut().enumerate() {
        running += value(r);
        prefix.push(running);
        r.rank = i + 1;
        r.cumulative_pct = cumulative.pct(running, &pct);
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
    ValueReport {
        by,
        top_share: pct(upto(top_count)),
        top_count,
        deciles,
        tiers,
        total_aum,
        total_contribution,
        rows,
    }
}

/// The cumulative share, percent to one decimal (half away from zero), of a running sum
/// that only grows: instead of a division per client, the next tenth is reached when
/// `running × 2000 ≥ (2k + 1) × total`, which is exact (multiplications only). Values
/// that may be negative (none in the store) fall back to a division each.
struct Cumulative {
    total: Decimal,
    /// Tenths of a percent reached so far.
    tenths: i64,
    rising: bool,
}

impl Cumulative {
    fn new(total: Decimal, rising: bool) -> Self {
        Cumulative {
            total,
            tenths: 0,
            rising: rising && total > Decimal::ZERO,
        }
    }

    fn pct(&mut self, running: Decimal, divide: &dyn Fn(Decimal) -> Option<Decimal>) -> Decimal {
        if !self.rising {
            return divide(running).unwrap_or_default();
        }
        let Some(twice) = running.checked_mul(Decimal::from(2000)) else {
            self.rising = false;
            return divide(running).unwrap_or_default();
        };
        while self.tenths < 1000 {
            match Decimal::from(2 * self.tenths + 1).checked_mul(self.total) {
                Some(bound) if twice >= bound => self.tenths += 1,
                Some(_) => break,
                None => {
                    self.rising = false;
                    return divide(running).unwrap_or_default();
                }
            }
        }
        Decimal::new(self.tenths, 1)
    }
}
