//! Requests an RM makes and a manager of the branch decides (审批): a tier override for
//! a client, taking over a client of another RM of the branch, a product that does not
//! suit the client. Approving applies the change in the transaction of the decision;
//! both are audited. Nobody decides their own request; a rejected or withdrawn request
//! changes nothing.
//!
//! An RM asks only about clients they see (a take-over names a client of the branch by
//! its number, and learns nothing more of it); an approved product request lets the
//! requester record that product for that client for [`GRANT_DAYS`] days.
use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

use super::clock::Zone;
use super::handover::{hand_over_in, manager_branch, Member};
use super::holdings::suitability_in;
use super::products::product_row;
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{RiskLevel, Tier};
use crate::domain::desk::{reason_text, HandoverReason, RequestKind, RequestStatus};
use crate::domain::money::from_minor;

/// Days an approved product request lets the RM record the product.
pub const GRANT_DAYS: u64 = 30;

/// What an RM asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// This tier for a client of theirs.
    Tier {
        /// The client.
        client_id: i64,
        /// The tier wanted.
        tier: Tier,
    },
    /// A client of another RM of the branch, by number.
    TakeOver {
        /// Its client number.
        client_no: String,
    },
    /// A product that does not suit a client of theirs.
    Suitability {
        /// The client.
        client_id: i64,
        /// The product.
        product_id: i64,
    },
}

/// A request as lists show it, with the client's figures beside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Row id.
    pub id: i64,
    /// Kind.
    pub kind: RequestKind,
    /// Status.
    pub status: RequestStatus,
    /// Requester's username.
    pub requester: String,
    /// Requester's user id.
    pub requester_id: i64,
    /// The client.
    pub client_id: i64,
    /// Its number.
    pub client_no: String,
    /// Its name.
    pub client_name: String,
    /// Its tier in force now.
    pub client_tier: Tier,
    /// Its AUM now.
    pub client_aum: Decimal,
    /// Its risk level.
    pub client_risk: Option<RiskLevel>,
    /// Its owner's username now.
    pub owner: String,
    /// The tier asked (tier requests).
    pub tier: Option<Tier>,
    /// The product asked (code and name; product requests).
    pub product: Option<(String, String)>,
    /// Why.
    pub reason: String,
    /// When asked (instant).
    pub created_at: String,
    /// Who decided (username).
    pub decided_by: Option<String>,
    /// When (instant).
    pub decided_at: Option<String>,
    /// The decision's note.
    pub note: Option<String>,
}

const REQUEST_COLUMNS: &str =
    "r.id, r.kind, r.status, q.username, r.requester_id, r.client_id, c.client_no, c.name,
     coalesce(c.tier_override, c.tier), c.aum_minor, c.risk_level, o.username, r.tier,
     p.code, p.name, r.reason, r.created_at, d.username, r.decided_at, r.note";

const REQUEST_FROM: &str = "FROM requests r JOIN users q ON q.id = r.requester_id
     JOIN clients c ON c.id = r.client_id JOIN users o ON o.id = c.owner_id
     LEFT JOIN products p ON p.id = r.product_id LEFT JOIN users d ON d.id = r.decided_by";

fn coded<T: std::str::FromStr>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse::<T>()
        .map_err(|_| rusqlite::Error::InvalidColumnType(i, s.clone(), rusqlite::types::Type::Text))
}

fn read_request(r: &Row<'_>) -> rusqlite::Result<Request> {
    let risk: Option<String> = r.get(10)?;
    let tier: Option<String> = r.get(12)?;
    let code: Option<String> = r.get(13)?;
    let pname: Option<String> = r.get(14)?;
    Ok(Request {
        id: r.get(0)?,
        kind: coded(r, 1)?,
        status: coded(r, 2)?,
        requester: r.get(3)?,
        requester_id: r.get(4)?,
        client_id: r.get(5)?,
        client_no: r.get(6)?,
        client_name: r.get(7)?,
        client_tier: coded(r, 8)?,
        client_aum: from_minor(r.get(9)?),
        client_risk: risk.and_then(|s| s.parse().ok()),
        owner: r.get(11)?,
        tier: tier.and_then(|s| s.parse().ok()),
        product: code.zip(pname),
        reason: r.get(15)?,
        created_at: r.get(16)?,
        decided_by: r.get(17)?,
        decided_at: r.get(18)?,
        note: r.get(19)?,
    })
}

fn read_one(conn: &Connection, id: i64) -> Result<Request> {
    let sql = format!("SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE r.id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], read_request)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// The id of an approved, still valid product request of `client_id` for `product_id`
/// made by `requester`, and its reason.
pub(crate) fn grant(
    conn: &Connection,
    requester: i64,
    client_id: i64,
    product_id: i64,
    today: NaiveDate,
) -> Result<Option<(i64, String)>> {
    // Stored instants are UTC text; a date compares as the start of its day.
    let since = today
        .checked_sub_days(Days::new(GRANT_DAYS))
        .unwrap_or(today)
        .to_string();
    Ok(conn
        .prepare_cached(
            "SELECT id, reason FROM requests
             WHERE client_id = ?1 AND product_id = ?2 AND requester_id = ?3
               AND kind = 'suitability' AND status = 'approved' AND decided_at >= ?4
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![client_id, product_id, requester, since], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

impl Store {
    /// Files a request (RMs). Refused with `NotFound` for a client the RM cannot see
    /// (or, for a take-over, one not of their branch), and at the field concerned when
    /// it asks for nothing new or the same request is already pending.
    pub fn file_request(&mut self, actor: &Actor, ask: &Ask, reason: &str) -> Result<i64> {
        let branch = match (actor.role, actor.branch_id) {
            (Role::Rm, Some(b)) => b,
            _ => return Err(StoreError::Forbidden),
        };
        let reason = reason_text(reason)
            .map_err(|e| StoreError::invalid("reason", e.key(), e.to_string()))?;
        let today = self.today();
        let (kind, client_id, tier, product) = match ask {
            Ask::Tier { client_id, tier } => {
                let c = self.client_raw(actor, *client_id)?;
                if c.tier == *tier {
                    return Err(StoreError::invalid(
                        "tier",
                        "err.request.same_tier",
                        format!("the client's tier is already {tier}"),
                    ));
                }
                (RequestKind::Tier, *client_id, Some(*tier), None)
            }
            Ask::TakeOver { client_no } => {
                let row: Option<(i64, i64)> = self
                    .conn()
                    .query_row(
                        "SELECT id, owner_id FROM clients
                         WHERE client_no = ?1 AND branch_id = ?2 AND status <> 'closed'",
                        params![client_no.trim().to_uppercase(), branch],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let (id, owner) = row.ok_or(StoreError::NotFound)?;
                if owner == actor.user_id {
                    return Err(StoreError::invalid(
                        "client",
                        "err.request.own_client",
                        "this client is already yours",
                    ));
                }
                (RequestKind::TakeOver, id, None, None)
            }
            Ask::Suitability {
                client_id,
                product_id,
            } => {
                self.client_raw(actor, *client_id)?;
                product_row(self.conn(), *product_id)?;
                match suitability_in(self.conn(), actor, *client_id, *product_id, None, today) {
                    Ok(_) => {
                        return Err(StoreError::invalid(
                            "product",
                            "err.request.suits",
                            "the product suits the client; no approval is needed",
                        ))
                    }
                    Err(StoreError::Invalid {
                        field: "product", ..
                    }) => {}
                    Err(e) => return Err(e),
                }
                (
                    RequestKind::Suitability,
                    *client_id,
                    None,
                    Some(*product_id),
                )
            }
        };
        self.write(|tx, now| {
            let pending: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM requests WHERE kind = ?1 AND client_id = ?2
                     AND requester_id = ?3 AND status = 'pending' AND product_id IS ?4)",
                params![kind.code(), client_id, actor.user_id, product],
                |r| r.get(0),
            )?;
            if pending {
                return Err(StoreError::invalid(
                    "client",
                    "err.request.pending",
                    "the same request is already waiting for a decision",
                ));
            }
            tx.execute(
                "INSERT INTO requests (kind, requester_id, branch_id, client_id, tier, product_id, reason, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    kind.code(),
                    actor.user_id,
                    branch,
                    client_id,
                    tier.map(Tier::code),
                    product,
                    reason,
                    ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            let after = format!(
                "kind={kind} client_id={client_id}{}{} reason={reason}",
                tier.map(|t| format!(" tier={t}")).unwrap_or_default(),
                product.map(|p| format!(" product_id={p}")).unwrap_or_default()
            );
            let mut e = audit::Entry::new("request.create", "request", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }

    /// Takes back one's own pending request.
    pub fn withdraw_request(&mut self, actor: &Actor, id: i64) -> Result<()> {
        let r = read_one(self.conn(), id)?;
        if r.requester_id != actor.user_id {
            return Err(StoreError::NotFound);
        }
        if r.status != RequestStatus::Pending {
            return Err(StoreError::invalid(
                "status",
                "err.request.decided",
                "this request is no longer pending",
            ));
        }
        self.write(|tx, now| {
            tx.execute(
                "UPDATE requests SET status = 'withdrawn', decided_at = ?1 WHERE id = ?2 AND status = 'pending'",
                params![ts(now), id],
            )?;
            let mut e = audit::Entry::new("request.withdraw", "request", Some(id));
            e.before = Some("status=pending");
            e.after = Some("status=withdrawn");
            audit::append(tx, now, actor.into(), e)
        })
    }

    /// Decides a pending request of the branch (managers; never their own). Approving
    /// applies what was asked in the same transaction: the tier override, the hand-over
    /// of the client to the requester, or the product permission.
    pub fn decide_request(
        &mut self,
        actor: &Actor,
        id: i64,
        approve: bool,
        note: &str,
    ) -> Result<()> {
        let branch = manager_branch(actor)?;
        let of: Option<i64> = self
            .conn()
            .query_row("SELECT branch_id FROM requests WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        if of != Some(branch) {
            return Err(StoreError::NotFound);
        }
        let note = note.trim();
        if note.chars().count() > crate::domain::desk::REASON_MAX {
            return Err(StoreError::invalid("note", "err.too_long", "too long"));
        }
        let zone = self.zone();
        self.write(|tx, now| {
            let r = read_one(tx, id)?;
            if r.requester_id == actor.user_id {
                return Err(StoreError::invalid(
                    "request",
                    "err.request.own",
                    "nobody decides their own request",
                ));
            }
            if r.status != RequestStatus::Pending {
                return Err(StoreError::invalid(
                    "status",
                    "err.request.decided",
                    "this request is no longer pending",
                ));
            }
            let status = if approve {
                RequestStatus::Approved
            } else {
                RequestStatus::Rejected
            };
            let stamp = ts(now);
            tx.execute(
                "UPDATE requests SET status = ?1, decided_by = ?2, decided_at = ?3, note = ?4 WHERE id = ?5",
                params![
                    status.code(),
                    actor.user_id,
                    stamp,
                    (!note.is_empty()).then_some(note),
                    id
                ],
            )?;
            let after = format!("status={status} note={note}");
            let mut e = audit::Entry::new(
                if approve {
                    "request.approve"
                } else {
                    "request.reject"
                },
                "request",
                Some(id),
            );
            e.before = Some("status=pending");
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            if approve {
                apply(tx, (now, zone), actor, branch, &r)?;
            }
            Ok(())
        })
    }

    /// Requests `actor` may see: a manager the branch's (pending first, oldest first,
    /// then decided ones newest first); an RM their own, newest first.
    pub fn requests(&self, actor: &Actor, pending_only: bool) -> Result<Vec<Request>> {
        let (cond, arg, order) = match (actor.role, actor.branch_id) {
            (Role::Manager, Some(b)) => (
                "r.branch_id = ?1",
                b,
                "CASE r.status WHEN 'pending' THEN 0 ELSE 1 END,
                 CASE r.status WHEN 'pending' THEN r.created_at END,
                 CASE r.status WHEN 'pending' THEN r.id END,
                 coalesce(r.decided_at, r.created_at) DESC, r.id DESC",
            ),
            (Role::Rm, _) => ("r.requester_id = ?1", actor.user_id, "r.id DESC"),
            _ => return Err(StoreError::Forbidden),
        };
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE {cond} {} ORDER BY {order} LIMIT 500",
            if pending_only {
                "AND r.status = 'pending'"
            } else {
                ""
            }
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([arg], read_request)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One request the actor may see.
    pub fn request(&self, actor: &Actor, id: i64) -> Result<Request> {
        let r = read_one(self.conn(), id)?;
        let visible = match actor.role {
            Role::Rm => r.requester_id == actor.user_id,
            Role::Manager => {
                let b: Option<i64> = self
                    .conn()
                    .query_row("SELECT branch_id FROM requests WHERE id = ?1", [id], |x| {
                        x.get(0)
                    })
                    .optional()?;
                b.is_some() && b == actor.branch_id
            }
            Role::Admin => false,
        };
        if visible {
            Ok(r)
        } else {
            Err(StoreError::NotFound)
        }
    }
}

/// Applies an approved request inside the decision's transaction.
fn apply(
    tx: &Connection,
    (now, zone): (DateTime<Utc>, Zone),
    actor: &Actor,
    branch: i64,
    r: &Request,
) -> Result<()> {
    match r.kind {
        RequestKind::Tier => {
            let tier = r.tier.ok_or(StoreError::NotFound)?;
            let (old, old_reason): (Option<String>, Option<String>) = tx.query_row(
                "SELECT tier_override, tier_override_reason FROM clients WHERE id = ?1",
                [r.client_id],
                |x| Ok((x.get(0)?, x.get(1)?)),
            )?;
            let reason = format!("request #{}: {}", r.id, r.reason);
            tx.execute(
                "UPDATE clients SET tier_override = ?1, tier_override_reason = ?2, updated_at = ?3 WHERE id = ?4",
                params![tier.code(), reason, ts(now), r.client_id],
            )?;
            let before = format!(
                "tier_override={} reason={}",
                old.as_deref().unwrap_or("-"),
                old_reason.as_deref().unwrap_or("-")
            );
            let after = format!("tier_override={tier} reason={reason}");
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "client.tier_override",
                    entity: "client",
                    entity_id: Some(r.client_id.to_string()),
                    before: Some(&before),
                    after: Some(&after),
                },
            )
        }
        RequestKind::TakeOver => {
            let (owner, aum): (i64, i64) = tx.query_row(
                "SELECT owner_id, aum_minor FROM clients WHERE id = ?1",
                [r.client_id],
                |x| Ok((x.get(0)?, x.get(1)?)),
            )?;
            let member = |id: i64| -> Result<Member> {
                Ok(tx.query_row(
                    "SELECT id, username, disabled, role = 'rm' FROM users WHERE id = ?1",
                    [id],
                    |x| {
                        Ok(Member {
                            id: x.get(0)?,
                            username: x.get(1)?,
                            disabled: x.get::<_, i64>(2)? != 0,
                            rm: x.get(3)?,
                        })
                    },
                )?)
            };
            let to = member(r.requester_id)?;
            if to.disabled || !to.rm || owner == to.id {
                return Err(StoreError::invalid(
                    "request",
                    "err.request.stale",
                    "the request no longer applies (the client or the requester changed)",
                ));
            }
            let from = member(owner)?;
            hand_over_in(
                tx,
                (now, zone),
                actor,
                branch,
                &from,
                std::slice::from_ref(&to),
                &[(r.client_id, aum)],
                HandoverReason::Other,
                Some(&format!("request #{}: {}", r.id, r.reason)),
                Some(r.id),
                &mut |_, _| {},
            )
            .map(|_| ())
        }
        RequestKind::Suitability => {
            let (code, _) = r.product.clone().unwrap_or_default();
            let until = zone.date(now).checked_add_days(Days::new(GRANT_DAYS));
            let after = format!(
                "request={} client_id={} product={code} for={} until={}",
                r.id,
                r.client_id,
                r.requester,
                until.map(|d| d.to_string()).unwrap_or_default()
            );
            let mut e = audit::Entry::new("suitability.grant", "client", Some(r.client_id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        }
    }
}
