//! Holdings: opening, changing and closing a client's holding of a product, with the
//! product's rules (minimum, sale window, currency) and suitability checked, and the
//! client's AUM and tier recomputed in the same transaction; the suitability check that
//! visits' "products discussed" share; holdings maturing soon and their follow-up tasks.
//!
//! Everything is scoped through the client: a holding of a client the actor may not see
//! is [`StoreError::NotFound`]. Administrators see no holdings.
use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::clients::scope;
use super::products::product_row;
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{parse_date, RiskLevel};
use crate::domain::money::format_money;
use crate::domain::product::{suitability, HoldingInput};

/// Longest override reason, in characters.
pub const OVERRIDE_REASON_MAX: usize = 500;

/// What the suitability check decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The product suits the client.
    Suits,
    /// It does not, and a manager overrode that with this reason (audited on write).
    Overridden(String),
}

/// A holding to open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewHolding {
    /// The product.
    pub product_id: i64,
    /// Amount, currency, start and maturity as typed.
    pub input: HoldingInput,
    /// A manager's reason to record a product that does not suit the client.
    pub override_reason: String,
}

/// A holding maturing soon, for the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maturing {
    /// The holding.
    pub holding_id: i64,
    /// The client.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Client name.
    pub client_name: String,
    /// Product code.
    pub product_code: String,
    /// Product name.
    pub product_name: String,
    /// Amount.
    pub amount: Decimal,
    /// Currency.
    pub currency: String,
    /// Maturity date.
    pub maturity_date: NaiveDate,
    /// The open follow-up task already made for it, if any.
    pub task_id: Option<i64>,
}

/// The client's level and assessment date, when `actor` may see the client.
fn client_risk(
    conn: &Connection,
    actor: &Actor,
    client_id: i64,
) -> Result<(Option<RiskLevel>, Option<NaiveDate>)> {
    let (scope_sql, scope_arg) = scope(actor);
    let sql = format!(
        "SELECT c.risk_level, c.risk_assessed_on FROM clients c WHERE c.id = ? AND {scope_sql}"
    );
    let (level, on): (Option<String>, Option<String>) = conn
        .prepare_cached(&sql)?
        .query_row(params![client_id, scope_arg], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok((
        level.as_deref().and_then(|l| RiskLevel::from_str(l).ok()),
        on.as_deref().and_then(parse_date),
    ))
}

/// The suitability check inside a write transaction: [`Verdict::Suits`], or a manager's
/// override (the caller stores the reason; [`audit_override`] records it), or the
/// refusal with its reason at field `product` (`err.suit.*`). A reason given by anyone
/// but a manager is refused at field `override_reason`.
pub(crate) fn suitability_in(
    conn: &Connection,
    actor: &Actor,
    client_id: i64,
    product_id: i64,
    override_reason: Option<&str>,
    today: NaiveDate,
) -> Result<Verdict> {
    if actor.role == Role::Admin {
        return Err(StoreError::Forbidden);
    }
    let (level, on) = client_risk(conn, actor, client_id)?;
    let product = product_row(conn, product_id)?;
    let Err(why) = suitability(product.risk, level, on, today) else {
        return Ok(Verdict::Suits);
    };
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_none() {
        // A manager approved this product for this client at the RM's request.
        if let Some((id, why)) =
            super::approvals::grant(conn, actor.user_id, client_id, product_id, today)?
        {
            return Ok(Verdict::Overridden(format!("request #{id}: {why}")));
        }
    }
    match (reason, actor.role) {
        (None, _) => Err(StoreError::invalid("product", why.key(), why.to_string())),
        (Some(_), Role::Rm | Role::Admin) => Err(StoreError::invalid(
            "override_reason",
            "err.suit.override_manager",
            format!("{why}; only a manager may override"),
        )),
        (Some(r), Role::Manager) if r.chars().count() > OVERRIDE_REASON_MAX => Err(
            StoreError::invalid("override_reason", "err.too_long", "too long"),
        ),
        (Some(r), Role::Manager) => Ok(Verdict::Overridden(r.to_string())),
    }
}

/// Writes the audit entry of a manager's suitability override (`what` names the record
/// it allowed, e.g. `holding 12` or `visit 7`).
pub(crate) fn audit_override(
    conn: &Connection,
    now: DateTime<Utc>,
    actor: &Actor,
    client_id: i64,
    product_id: i64,
    reason: &str,
    what: &str,
) -> Result<()> {
    let after = format!("client_id={client_id} product_id={product_id} for={what} reason={reason}");
    let mut e = audit::Entry::new("suitability.override", "client", Some(client_id));
    e.after = Some(&after);
    audit::append(conn, now, actor.into(), e)
}

impl Store {
    /// Whether product `product_id` may be recommended to or recorded for client
    /// `client_id` today. Refused with the reason (`StoreError::Invalid` at field
    /// `product`, key `err.suit.none`, `err.suit.expired` or `err.suit.risk`) unless a
    /// manager gives `override_reason`; an RM's override is refused at field
    /// `override_reason`. Reads only: the write that follows audits the override.
    pub fn check_suitability(
        &self,
        actor: &Actor,
        client_id: i64,
        product_id: i64,
        override_reason: Option<&str>,
    ) -> Result<Verdict> {
        suitability_in(
            self.conn(),
            actor,
            client_id,
            product_id,
            override_reason,
            self.today(),
        )
    }

    /// Opens a holding for a client: the product's rules, suitability (or a manager's
    /// override, audited), then the row, the audit entry and the client's AUM and tier,
    /// in one transaction. Returns the holding's id.
    pub fn add_holding(&mut self, actor: &Actor, client_id: i64, h: &NewHolding) -> Result<i64> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        self.client_raw(actor, client_id)?;
        let product = product_row(self.conn(), h.product_id).map_err(|e| match e {
            StoreError::NotFound => {
                StoreError::invalid("product", "err.not_found", "no such product")
            }
            e => e,
        })?;
        let thresholds = self.thresholds()?;
        let zone = self.zone();
        self.write(|tx, now| {
            let today = zone.date(now);
            let valid = product
                .rules()
                .check(&h.input, today, true)
                .map_err(StoreError::Fields)?;
            let verdict = suitability_in(
                tx,
                actor,
                client_id,
                product.id,
                Some(h.override_reason.as_str()),
                today,
            )?;
            let reason = match &verdict {
                Verdict::Suits => None,
                Verdict::Overridden(r) => Some(r.as_str()),
            };
            let stamp = ts(now);
            tx.prepare_cached(
                "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date,
                     override_reason, created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?
            .execute(params![
                client_id,
                product.id,
                valid.amount.to_string(),
                valid.currency,
                valid.start_date.to_string(),
                valid.maturity_date.map(|d| d.to_string()),
                reason,
                actor.user_id,
                stamp
            ])?;
            let id = tx.last_insert_rowid();
            let after = format!(
                "client_id={client_id} product={} amount={} start={} maturity={}",
                product.code,
                format_money(valid.amount, &valid.currency),
                valid.start_date,
                valid.maturity_date.map_or_else(|| "-".into(), |d| d.to_string())
            );
            let mut e = audit::Entry::new("holding.create", "holding", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            if let Some(r) = reason {
                audit_override(tx, now, actor, client_id, product.id, r, &format!("holding {id}"))?;
            }
            Store::refresh_aum(tx, client_id, thresholds, &stamp)?;
            Ok(id)
        })
    }

    /// Changes the amount and maturity of an open holding (the product's minimum and
    /// currency still apply; a larger amount is a purchase, so the product must suit
    /// the client today, with no override here — a manager records a new holding with
    /// one); the AUM and tier follow in the same transaction.
    pub fn change_holding(
        &mut self,
        actor: &Actor,
        holding_id: i64,
        amount: &str,
        maturity_date: &str,
    ) -> Result<()> {
        let (client_id, product_id, before, currency, start) =
            self.open_holding(actor, holding_id)?;
        let old_amount = holding_amount(self.conn(), holding_id)?;
        let product = product_row(self.conn(), product_id)?;
        let thresholds = self.thresholds()?;
        let input = HoldingInput {
            amount: amount.into(),
            currency,
            start_date: start,
            maturity_date: maturity_date.into(),
        };
        let zone = self.zone();
        self.write(|tx, now| {
            let today = zone.date(now);
            let valid = product
                .rules()
                .check(&input, today, false)
                .map_err(StoreError::Fields)?;
            if valid.amount > old_amount {
                suitability_in(tx, actor, client_id, product_id, None, today).map_err(|e| {
                    match e {
                        // The change form has no product field: the reason goes to the amount.
                        StoreError::Invalid { key, message, .. } => {
                            StoreError::Invalid { field: "amount", key, message }
                        }
                        e => e,
                    }
                })?;
            }
            let stamp = ts(now);
            tx.execute(
                "UPDATE holdings SET amount = ?1, maturity_date = ?2, updated_at = ?3 WHERE id = ?4",
                params![
                    valid.amount.to_string(),
                    valid.maturity_date.map(|d| d.to_string()),
                    stamp,
                    holding_id
                ],
            )?;
            let after = format!(
                "amount={} maturity={}",
                valid.amount,
                valid.maturity_date.map_or_else(|| "-".into(), |d| d.to_string())
            );
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "holding.update",
                    entity: "holding",
                    entity_id: Some(holding_id.to_string()),
                    before: Some(&before),
                    after: Some(&after),
                },
            )?;
            Store::refresh_aum(tx, client_id, thresholds, &stamp)
        })
    }

    /// Closes an open holding today; the AUM and tier follow in the same transaction.
    pub fn close_holding(&mut self, actor: &Actor, holding_id: i64) -> Result<()> {
        let (client_id, _, before, _, _) = self.open_holding(actor, holding_id)?;
        let thresholds = self.thresholds()?;
        let zone = self.zone();
        self.write(|tx, now| {
            let stamp = ts(now);
            let today = zone.date(now).to_string();
            tx.execute(
                "UPDATE holdings SET status = 'closed', closed_on = ?1, updated_at = ?2 WHERE id = ?3",
                params![today, stamp, holding_id],
            )?;
            let after = format!("status=closed closed_on={today}");
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "holding.close",
                    entity: "holding",
                    entity_id: Some(holding_id.to_string()),
                    before: Some(&before),
                    after: Some(&after),
                },
            )?;
            Store::refresh_aum(tx, client_id, thresholds, &stamp)
        })
    }

    /// An open holding the actor may see: (client, product, description for the audit
    /// log, currency, start date).
    fn open_holding(
        &self,
        actor: &Actor,
        holding_id: i64,
    ) -> Result<(i64, i64, String, String, String)> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            "SELECT h.client_id, h.product_id, h.amount, h.currency, h.start_date, h.maturity_date
             FROM holdings h JOIN clients c ON c.id = h.client_id
             WHERE h.id = ? AND h.status = 'open' AND {scope_sql}"
        );
        self.conn()
            .prepare_cached(&sql)?
            .query_row(params![holding_id, scope_arg], |r| {
                let amount: String = r.get(2)?;
                let maturity: Option<String> = r.get(5)?;
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    format!(
                        "amount={amount} maturity={}",
                        maturity.as_deref().unwrap_or("-")
                    ),
                    r.get(3)?,
                    r.get(4)?,
                ))
            })
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// Open holdings of the actor's clients maturing from `today` to `today + days`
    /// (both included), soonest first, each with its open follow-up task if one exists.
    pub fn maturing_holdings(
        &self,
        actor: &Actor,
        today: NaiveDate,
        days: u32,
    ) -> Result<Vec<Maturing>> {
        if actor.role == Role::Admin {
            return Ok(Vec::new());
        }
        let until = today
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX);
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            "SELECT h.id, c.id, c.client_no, c.name, p.code, p.name, h.amount, h.currency, h.maturity_date,
                    (SELECT t.id FROM tasks t WHERE t.holding_id = h.id AND t.source = 'maturity'
                     AND t.status = 'open' ORDER BY t.id LIMIT 1)
             FROM holdings h JOIN clients c ON c.id = h.client_id JOIN products p ON p.id = h.product_id
             WHERE h.status = 'open' AND h.maturity_date BETWEEN ? AND ? AND {scope_sql}
             ORDER BY h.maturity_date, c.name, h.id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![today.to_string(), until.to_string(), scope_arg],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, Option<i64>>(9)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (hid, cid, no, name, code, pname, amount, currency, maturity, task) = row?;
            let bad = || {
                StoreError::invalid(
                    "amount",
                    "err.amount",
                    format!("stored amount or date of holding {hid} is not valid"),
                )
            };
            out.push(Maturing {
                holding_id: hid,
                client_id: cid,
                client_no: no,
                client_name: name,
                product_code: code,
                product_name: pname,
                amount: Decimal::from_str(&amount).map_err(|_| bad())?,
                currency,
                maturity_date: parse_date(&maturity).ok_or_else(bad)?,
                task_id: task,
            });
        }
        Ok(out)
    }

    /// Makes the follow-up task of a holding's maturity (source `maturity`, linked to the
    /// holding, due on the maturity date, owned by the client's RM), titled `title`.
    /// A holding with an open maturity task already is refused (`Conflict`).
    pub fn create_maturity_task(
        &mut self,
        actor: &Actor,
        holding_id: i64,
        title: &str,
    ) -> Result<i64> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::invalid("title", "err.required", "empty"));
        }
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            "SELECT c.id, c.owner_id, h.maturity_date FROM holdings h JOIN clients c ON c.id = h.client_id
             WHERE h.id = ? AND h.status = 'open' AND {scope_sql}"
        );
        let (client_id, owner, maturity): (i64, i64, Option<String>) = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![holding_id, scope_arg], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let Some(due) = maturity else {
            return Err(StoreError::invalid(
                "maturity_date",
                "err.holding.no_maturity",
                "the holding has no maturity date",
            ));
        };
        let title = title.to_string();
        self.write(|tx, now| {
            let exists: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM tasks WHERE holding_id = ?1 AND source = 'maturity' AND status = 'open')",
                )?
                .query_row([holding_id], |r| r.get(0))?;
            if exists {
                return Err(StoreError::conflict(
                    "err.conflict.maturity_task",
                    "this maturity already has an open follow-up task",
                ));
            }
            let stamp = ts(now);
            tx.execute(
                "INSERT INTO tasks (owner_id, client_id, title, due_date, source, holding_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'maturity', ?5, ?6, ?6)",
                params![owner, client_id, title, due, holding_id, stamp],
            )?;
            let id = tx.last_insert_rowid();
            let after = format!("holding_id={holding_id} due={due}");
            let mut e = audit::Entry::new("task.create", "task", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }
}

/// The stored amount of a holding.
fn holding_amount(conn: &Connection, holding_id: i64) -> Result<Decimal> {
    let text: String = conn
        .prepare_cached("SELECT amount FROM holdings WHERE id = ?1")?
        .query_row([holding_id], |r| r.get(0))?;
    Decimal::from_str(&text).map_err(|_| {
        StoreError::invalid(
            "amount",
            "err.amount",
            format!("stored amount {text} of holding {holding_id} is not a number"),
        )
    })
}
