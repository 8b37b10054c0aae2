//! Next best product (交叉销售): up to three products for a client, each with its
//! reason. Only products on sale today that suit the client (`suitable_products`, the
//! rule of `domain::product::suitability`) and that the client does not hold are ever
//! suggested. Reasons, strongest first: the product of a running campaign the client is
//! a target of; a holding maturing within 30 days, to reinvest (a product of the same
//! category first); a large idle deposit (deposits of at least
//! [`IDLE_DEPOSIT_YUAN`] yuan: a wealth product, fund or bond); and "clients of the same
//! tier and risk level often hold it" (the share of such clients of the branch holding
//! it, over at most [`PEER_SAMPLE`] of them, at least [`PEER_MIN_PCT`] percent).
//!
//! A page of clients (the product screen's list) is one call, [`Store::next_best_page`]:
//! the peers of a tier and risk level are read once for the page, not once a client, so
//! a page costs its clients' own rows and a sample per group in it.
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::{Days, NaiveDate};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use super::products::Product;
use super::{Actor, Result, Store};
use crate::domain::product::Category;

/// Days ahead a maturity makes its money "to reinvest".
pub const REINVEST_DAYS: u64 = 30;
/// Deposits of at least this many yuan (CNY, open) are a large idle deposit.
pub const IDLE_DEPOSIT_YUAN: i64 = 200_000;
/// Most peers (same branch, tier and risk level) read for the share.
pub const PEER_SAMPLE: i64 = 2_000;
/// Least share, in percent, for the peers' reason.
pub const PEER_MIN_PCT: u64 = 10;
/// Most suggestions.
pub const SUGGESTIONS: usize = 3;
/// Most clients of one [`Store::next_best_page`] call.
pub const NEXT_BEST_PAGE: usize = 50;

/// A group's peers and their open holdings (parameters: branch, tier in force, risk
/// level, sample size), in the walk's order, a peer without holdings with none: the
/// sample is a range of `clients_branch_risk_tier` (the group's entries only, whatever
/// the share of its tier), each peer's holdings from `holdings_client`.
pub const PEERS_SQL: &str = "SELECT s.id, h.product_id
     FROM (SELECT p.id FROM clients p INDEXED BY clients_branch_risk_tier
           WHERE p.branch_id = ?1 AND coalesce(p.tier_override, p.tier) = ?2
             AND p.risk_level = ?3 AND p.status <> 'closed' LIMIT ?4) s
     LEFT JOIN holdings h ON h.client_id = s.id AND h.status = 'open'";

/// A group of peers: branch, tier in force, risk level.
type Group = (i64, String, Option<String>);

/// The peers read for a page: each group's sample, with the products each peer holds.
#[derive(Default)]
struct Peers(HashMap<Group, Vec<(i64, Vec<i64>)>>);

/// Why a product is suggested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The product of a running campaign that targets the client.
    Campaign {
        /// The campaign's name.
        name: String,
    },
    /// A holding matures soon: reinvest it.
    Reinvest {
        /// The maturing holding's product code.
        product: String,
        /// Its maturity date.
        on: NaiveDate,
    },
    /// A large deposit could earn more.
    IdleDeposit {
        /// The client's open CNY deposits.
        amount: Decimal,
    },
    /// Clients of the same tier and risk level often hold it.
    Peers {
        /// Percent of those clients holding it.
        pct: u64,
    },
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The product.
    pub product: Product,
    /// Why.
    pub reason: Reason,
}

impl Store {
    /// Up to [`SUGGESTIONS`] products for client `client_id` with their reasons (see the
    /// module); none the client holds or that does not suit them.
    pub fn next_best_products(&self, actor: &Actor, client_id: i64) -> Result<Vec<Suggestion>> {
        self.next_best_with(actor, client_id, &mut Peers::default())
    }

    /// The suggestions of each client of `client_ids` (at most [`NEXT_BEST_PAGE`] of
    /// them are read; the rest get none), as [`Store::next_best_products`] gives them.
    pub fn next_best_page(
        &self,
        actor: &Actor,
        client_ids: &[i64],
    ) -> Result<Vec<(i64, Vec<Suggestion>)>> {
        let mut peers = Peers::default();
        let mut out = Vec::new();
        for &id in client_ids.iter().take(NEXT_BEST_PAGE) {
            out.push((id, self.next_best_with(actor, id, &mut peers)?));
        }
        Ok(out)
    }

    fn next_best_with(
        &self,
        actor: &Actor,
        client_id: i64,
        peers: &mut Peers,
    ) -> Result<Vec<Suggestion>> {
        let candidates = self.suitable_products(actor, client_id)?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        let today = self.today();
        // What the client holds: product, category, amount, currency, maturity.
        let mut stmt = conn.prepare_cached(
            "SELECT h.product_id, p.code, p.category, h.amount, h.currency, h.maturity_date
             FROM holdings h JOIN products p ON p.id = h.product_id
             WHERE h.client_id = ?1 AND h.status = 'open'",
        )?;
        let held: Vec<(i64, String, String, String, String, Option<String>)> = stmt
            .query_map([client_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let held_ids: HashSet<i64> = held.iter().map(|h| h.0).collect();
        let open: Vec<&Product> = candidates
            .iter()
            .filter(|p| !held_ids.contains(&p.id))
            .collect();
        let mut out: Vec<Suggestion> = Vec::new();
        let push = |out: &mut Vec<Suggestion>, p: &Product, reason: Reason| {
            if out.len() < SUGGESTIONS && !out.iter().any(|s| s.product.id == p.id) {
                out.push(Suggestion {
                    product: p.clone(),
                    reason,
                });
            }
        };

        // 1. A running campaign's product, for its targets.
        let mut stmt = conn.prepare_cached(
            "SELECT k.product_id, k.name FROM campaign_targets t JOIN campaigns k ON k.id = t.campaign_id
             WHERE t.client_id = ?1 AND k.status = 'running' AND k.product_id IS NOT NULL
               AND t.outcome <> 'sold' AND k.ends_on >= ?2 ORDER BY k.id DESC",
        )?;
        let campaigns: Vec<(i64, String)> = stmt
            .query_map(params![client_id, today.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (product, name) in campaigns {
            if let Some(p) = open.iter().find(|p| p.id == product) {
                push(&mut out, p, Reason::Campaign { name });
            }
        }

        // 2. A maturity within 30 days: reinvest, the same category first.
        let horizon = today
            .checked_add_days(Days::new(REINVEST_DAYS))
            .unwrap_or(today);
        let mut maturing: Vec<(NaiveDate, &str, &str)> = held
            .iter()
            .filter_map(|h| {
                let on = NaiveDate::from_str(h.5.as_deref()?).ok()?;
                (on >= today && on <= horizon).then_some((on, h.1.as_str(), h.2.as_str()))
            })
            .collect();
        maturing.sort();
        if let Some((on, code, category)) = maturing.first() {
            let pick = open
                .iter()
                .find(|p| {
                    p.category.code() == *category && !out.iter().any(|s| s.product.id == p.id)
                })
                .or_else(|| {
                    open.iter()
                        .find(|p| !out.iter().any(|s| s.product.id == p.id))
                });
            if let Some(p) = pick {
                let reason = Reason::Reinvest {
                    product: code.to_string(),
                    on: *on,
                };
                push(&mut out, p, reason);
            }
        }

        // 3. A large idle deposit: a wealth product, fund or bond.
        let deposits: Decimal = held
            .iter()
            .filter(|h| h.2 == Category::Deposit.code() && h.4.eq_ignore_ascii_case("CNY"))
            .filter_map(|h| Decimal::from_str(&h.3).ok())
            .sum();
        if deposits >= Decimal::from(IDLE_DEPOSIT_YUAN) {
            let invest = [Category::Wealth, Category::Fund, Category::Bond];
            if let Some(p) = open
                .iter()
                .find(|p| invest.contains(&p.category) && !out.iter().any(|s| s.product.id == p.id))
            {
                push(&mut out, p, Reason::IdleDeposit { amount: deposits });
            }
        }

        // 4. What peers hold: clients of the branch with the same tier and risk level.
        if out.len() < SUGGESTIONS {
            for (id, pct) in self.peer_shares(client_id, peers)? {
                if pct < PEER_MIN_PCT {
                    break;
                }
                if let Some(p) = open.iter().find(|p| p.id == id) {
                    push(&mut out, p, Reason::Peers { pct });
                }
            }
        }
        Ok(out)
    }

    /// The share (percent) of the client's peers — same branch, tier in force and risk
    /// level, at most [`PEER_SAMPLE`] of them along `clients_branch_risk_tier` — holding
    /// each product, highest first. A group's sample and its holdings are read once into
    /// `cache` (one more than the sample, so that leaving the client out still leaves
    /// the sample).
    fn peer_shares(&self, client_id: i64, cache: &mut Peers) -> Result<Vec<(i64, u64)>> {
        let conn = self.conn();
        let group: Option<Group> = conn
            .prepare_cached(
                "SELECT branch_id, coalesce(tier_override, tier), risk_level FROM clients WHERE id = ?1",
            )?
            .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some(group) = group else {
            return Ok(Vec::new());
        };
        if !cache.0.contains_key(&group) {
            // The sample and each peer's open holdings in one statement, in the walk's
            // order (a peer without holdings comes with none).
            let mut stmt = conn.prepare_cached(PEERS_SQL)?;
            let mut rows = stmt.query(params![group.0, group.1, group.2, PEER_SAMPLE + 1])?;
            let mut sample: Vec<(i64, Vec<i64>)> = Vec::new();
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let product: Option<i64> = r.get(1)?;
                if sample.last().map(|(last, _)| *last) != Some(id) {
                    sample.push((id, Vec::new()));
                }
                if let (Some(p), Some((_, held))) = (product, sample.last_mut()) {
                    if !held.contains(&p) {
                        held.push(p);
                    }
                }
            }
            cache.0.insert(group.clone(), sample);
        }
        let sample = cache.0.get(&group).map(Vec::as_slice).unwrap_or_default();
        let peers: Vec<&(i64, Vec<i64>)> = sample
            .iter()
            .filter(|(id, _)| *id != client_id)
            .take(usize::try_from(PEER_SAMPLE).unwrap_or(usize::MAX))
            .collect();
        if peers.is_empty() {
            return Ok(Vec::new());
        }
        let mut count: HashMap<i64, u64> = HashMap::new();
        for (_, held) in &peers {
            for product in held {
                *count.entry(*product).or_default() += 1;
            }
        }
        let total = u64::try_from(peers.len()).unwrap_or(1);
        let mut shares: Vec<(i64, u64)> = count
            .into_iter()
            .map(|(id, n)| (id, crate::domain::campaign::percent(n, total)))
            .collect();
        shares.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(shares)
    }
}
