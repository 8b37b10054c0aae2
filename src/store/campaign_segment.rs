//! A campaign's target segment as SQL: the filters of `domain::campaign::Segment` over
//! the manager's branch, and which of the matching clients consent and suit the product.
//! The count the form previews and the list a launch freezes are read with the same
//! clause, so they cannot differ.
use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use super::products::product_row;
use super::{ts, Actor, Result, Role, Store, StoreError};
use crate::domain::campaign::Segment;
use crate::domain::money::to_minor;
use crate::domain::product::{assessed_since, Category};

/// How many clients a segment matches, and what becomes of them at launch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SegmentCount {
    /// Clients matching the filters (never closed ones).
    pub matching: u64,
    /// Of those, clients without a "yes" to marketing: left out.
    pub no_consent: u64,
    /// Of the consenting, clients the product does not suit: left out.
    pub unsuitable: u64,
    /// The rest: the targets a launch would freeze.
    pub targets: u64,
}

/// A segment ready to be run: its `WHERE` clause over `clients c`, with its values, and
/// the expression telling whether a client suits the campaign's product (`1` without one).
pub(crate) struct SegmentSql {
    pub(crate) filter: String,
    pub(crate) args: Vec<Value>,
    pub(crate) suits: String,
    /// A filter looks at each client's holdings (holds, does not hold, a maturity).
    pub(crate) reads_holdings: bool,
}

/// The clause of "holds" (or, with `negate`, "does not hold") a category or a product
/// named by code. An unknown code is refused at `field`.
fn holds_clause(
    conn: &Connection,
    code: &str,
    negate: bool,
    field: &'static str,
    args: &mut Vec<Value>,
) -> Result<String> {
    let not = if negate { "NOT " } else { "" };
    if let Ok(category) = Category::from_str(code) {
        args.push(Value::Text(category.code().to_string()));
        return Ok(format!(
            "{not}EXISTS (SELECT 1 FROM holdings h JOIN products p ON p.id = h.product_id
                     WHERE h.client_id = c.id AND h.status = 'open' AND p.category = ?)"
        ));
    }
    let id: i64 = conn
        .prepare_cached("SELECT id FROM products WHERE code = ?1 COLLATE NOCASE")?
        .query_row([code.trim()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            StoreError::invalid(field, "campaign.err.holds", "no such category or product")
        })?;
    args.push(Value::Integer(id));
    Ok(format!(
        "{not}EXISTS (SELECT 1 FROM holdings h
                 WHERE h.client_id = c.id AND h.status = 'open' AND h.product_id = ?)"
    ))
}

/// The SQL of `segment` for `actor` (a manager: their branch) on `today`, with the
/// suitability expression of `product_id` (Rn suits Cn and above, assessed within 12
/// months: `domain::product`).
pub(crate) fn segment_sql(
    conn: &Connection,
    actor: &Actor,
    segment: &Segment,
    product_id: Option<i64>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<SegmentSql> {
    let branch = match (actor.role, actor.branch_id) {
        (Role::Manager, Some(b)) => b,
        _ => return Err(StoreError::Forbidden),
    };
    let mut parts = vec![
        "c.branch_id = ?".to_string(),
        "c.status <> 'closed'".to_string(),
    ];
    let mut args = vec![Value::Integer(branch)];
    if let Some(t) = segment.tier {
        parts.push("coalesce(c.tier_override, c.tier) = ?".into());
        args.push(Value::Text(t.code().into()));
    }
    if let Some(r) = segment.risk_at_least {
        parts.push("c.risk_level >= ?".into());
        args.push(Value::Text(r.code().into()));
    }
    if let Some(min) = segment.aum_min {
        parts.push("c.aum_minor >= ?".into());
        args.push(Value::Integer(to_minor(min).unwrap_or(i64::MAX)));
    }
    if let Some(max) = segment.aum_max {
        parts.push("c.aum_minor <= ?".into());
        args.push(Value::Integer(to_minor(max).unwrap_or(i64::MAX)));
    }
    if let Some(code) = &segment.holds {
        let clause = holds_clause(conn, code, false, "holds", &mut args)?;
        parts.push(clause);
    }
    if let Some(code) = &segment.holds_not {
        let clause = holds_clause(conn, code, true, "holds_not", &mut args)?;
        parts.push(clause);
    }
    if let Some(days) = segment.maturity_days {
        parts.push(
            "EXISTS (SELECT 1 FROM holdings h WHERE h.client_id = c.id AND h.status = 'open'
                     AND h.maturity_date BETWEEN ? AND ?)"
                .into(),
        );
        let end = today
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(today);
        args.push(Value::Text(today.to_string()));
        args.push(Value::Text(end.to_string()));
    }
    if let Some(month) = segment.birthday_month {
        parts.push("substr(c.birth_date, 6, 2) = ?".into());
        args.push(Value::Text(format!("{month:02}")));
    }
    if let Some(s) = segment.status {
        parts.push("c.status = ?".into());
        args.push(Value::Text(s.code().into()));
    }
    if let Some(owner) = &segment.owner {
        let id: i64 = conn
            .prepare_cached(
                "SELECT id FROM users WHERE username = ?1 COLLATE NOCASE AND branch_id = ?2",
            )?
            .query_row(rusqlite::params![owner, branch], |r| r.get(0))
            .optional()?
            .ok_or_else(|| {
                StoreError::invalid("owner", "campaign.err.owner", "not a user of the branch")
            })?;
        parts.push("c.owner_id = ?".into());
        args.push(Value::Integer(id));
    }
    if let Some(days) = segment.no_contact_days {
        parts.push("(c.last_contact_at IS NULL OR c.last_contact_at < ?)".into());
        args.push(Value::Text(ts(
            now - chrono::Duration::days(i64::from(days))
        )));
    }
    let suits = match product_id {
        None => "1".to_string(),
        Some(id) => {
            let product = product_row(conn, id)?;
            let levels: Vec<String> = product
                .risk
                .suited_levels()
                .iter()
                .map(|l| format!("'{}'", l.code()))
                .collect();
            // Codes and dates only: no user text is spliced into the SQL. No level or no
            // assessment is NULL in SQL: coalesce makes it "does not suit".
            format!(
                "coalesce(c.risk_level IN ({}) AND c.risk_assessed_on >= '{}' AND c.risk_assessed_on <= '{}', 0)",
                levels.join(", "),
                assessed_since(today),
                today
            )
        }
    };
    Ok(SegmentSql {
        filter: parts.join(" AND "),
        args,
        suits,
        reads_holdings: segment.holds.is_some()
            || segment.holds_not.is_some()
            || segment.maturity_days.is_some(),
    })
}

/// Counts what `sql` matches: see [`SegmentCount`].
/// The count walks the branch's entries of `clients_segment` (migration 16), which holds
/// every column a segment filters on, so no client row is read: a third of the time of a
/// pass over the clients table. An index without those columns would read each client's
/// row apart: at 1,000,000 clients the whole branch's count took 16–19 s through
/// `clients_branch_risk_tier` against 2.6–2.8 s as one pass (docs/BENCHMARKS.md).
/// A segment that reads holdings is counted in a pass over the clients table instead:
/// in the order of client ids its holdings are looked up in the order of their index
/// (1.8 s at 1,000,000 clients), in the index's order at random (10.5 s). So is every
/// segment without `indexed` (an older file opened read-only, which has no such index).
pub(crate) fn count_query(sql: &SegmentSql, indexed: bool) -> String {
    format!(
        "SELECT count(*),
                coalesce(sum(c.marketing_consent <> 'yes'), 0),
                coalesce(sum(c.marketing_consent = 'yes' AND NOT {suits}), 0)
         FROM clients c {access} WHERE {filter}",
        access = if indexed && !sql.reads_holdings {
            "INDEXED BY clients_segment"
        } else {
            "NOT INDEXED"
        },
        suits = sql.suits,
        filter = sql.filter
    )
}

/// How many clients `sql` matches, and how many of them are left out for want of
/// consent or suitability.
pub(crate) fn count_segment(conn: &Connection, sql: &SegmentSql) -> Result<SegmentCount> {
    // A file opened read-only is not migrated: an older one has no `clients_segment`,
    // and is counted in a pass over its clients instead.
    let indexed: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema
                 WHERE type = 'index' AND name = 'clients_segment')",
        )?
        .query_row([], |r| r.get(0))?;
    let query = count_query(sql, indexed);
    let (matching, no_consent, unsuitable): (i64, i64, i64) = conn
        .prepare(&query)?
        .query_row(params_from_iter(sql.args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(SegmentCount {
        matching: n(matching),
        no_consent: n(no_consent),
        unsuitable: n(unsuitable),
        targets: n(matching - no_consent - unsuitable),
    })
}

/// The statement a launch reads the segment with: every matching client (one pass over
/// the clients table, `NOT INDEXED`, in rowid order, no sort: each target's client row is
/// then in the cache when its task's and target's foreign keys look it up) with its owner, whether it consents and whether the product
/// suits it, so that the counts and the targets come from the same rows.
pub(crate) fn launch_query(sql: &SegmentSql) -> String {
    format!(
        "SELECT c.id, c.owner_id, c.marketing_consent = 'yes', {suits}
         FROM clients c NOT INDEXED WHERE {filter} ORDER BY c.id",
        suits = sql.suits,
        filter = sql.filter
    )
}

impl Store {
    /// How many clients of the manager's branch `segment` matches today, and how many of
    /// them a launch with `product` (a code) would leave out for want of consent or
    /// suitability. The campaign form shows it as the filters change.
    pub fn segment_count(
        &self,
        actor: &Actor,
        segment: &Segment,
        product: Option<&str>,
    ) -> Result<SegmentCount> {
        let product_id = product.map(|p| product_id_of(self.conn(), p)).transpose()?;
        let sql = segment_sql(
            self.conn(),
            actor,
            segment,
            product_id,
            self.now(),
            self.today(),
        )?;
        count_segment(self.conn(), &sql)
    }
}

/// The id of the product with `code`, or a refusal at field `product`.
pub(crate) fn product_id_of(conn: &Connection, code: &str) -> Result<i64> {
    conn.prepare_cached("SELECT id FROM products WHERE code = ?1 COLLATE NOCASE")?
        .query_row([code.trim()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::invalid("product", "err.not_found", "no such product"))
}
