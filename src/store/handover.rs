//! Hand-over (换片): a manager moves one client, a selection or all clients of an RM to
//! one RM or spread over several (balanced by AUM), with a reason, in one transaction:
//! owners, the clients' open tasks (follow-ups included) and the pending complaints the
//! old RM handled move; every move is audited; the hand-over is kept with a line per
//! client as it stood (the ledger, 交接台账), exportable to CSV.
//!
//! Only a manager hands over, within their branch. Every receiver must be an active RM
//! of the branch other than the giver (only an active RM owns clients: a manager does
//! not receive them); anything wrong refuses the whole hand-over before a row is
//! written.
use std::io::Write;

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::clock::Zone;
use super::{audit, parse_ts, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::Tier;
use crate::domain::csv_text;
use crate::domain::desk::{handover_reason, spread_by_aum, HandoverReason};
use crate::domain::money::from_minor;

/// Days ahead whose maturities the ledger counts.
pub const MATURITY_DAYS: u64 = 30;

/// Clients per statement and per audit entry of a hand-over (progress is reported
/// after each).
const CHUNK: usize = 1000;

/// Which clients of the giver move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Every client the giver owns (closed ones too: nobody is left without an owner).
    All,
    /// These client numbers, each of which the giver must own.
    Numbers(Vec<String>),
}

/// A hand-over to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverSpec {
    /// Username of the RM giving the clients.
    pub from: String,
    /// Usernames of the receivers (several: spread by AUM).
    pub to: Vec<String>,
    /// Which clients.
    pub which: Which,
    /// Why.
    pub reason: HandoverReason,
    /// The reason's text (required for `other`).
    pub reason_text: String,
}

/// What a hand-over did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverDone {
    /// The ledger record.
    pub id: i64,
    /// Clients moved.
    pub clients: usize,
    /// Open tasks moved.
    pub tasks: usize,
    /// Pending complaints whose handler changed.
    pub complaints: usize,
    /// Per receiver: username, clients, their AUM.
    pub per_receiver: Vec<(String, usize, Decimal)>,
}

/// A hand-over as the ledger lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// Row id.
    pub id: i64,
    /// When (instant).
    pub at: String,
    /// Local date.
    pub date: Option<NaiveDate>,
    /// Giver's username.
    pub from: String,
    /// Receivers' usernames, in the order first met.
    pub to: Vec<String>,
    /// Why.
    pub reason: HandoverReason,
    /// The reason's text.
    pub reason_text: Option<String>,
    /// Manager who made it.
    pub by: String,
    /// Clients moved.
    pub clients: usize,
    /// Their AUM then.
    pub aum: Decimal,
}

/// One client of a hand-over, as it stood when handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    /// Client id.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Name.
    pub name: String,
    /// Tier in force.
    pub tier: Tier,
    /// AUM in CNY.
    pub aum: Decimal,
    /// Open tasks.
    pub open_tasks: i64,
    /// Pending complaints.
    pub pending_complaints: i64,
    /// Holdings maturing in the next 30 days.
    pub maturities_30d: i64,
    /// Receiver's username.
    pub to: String,
}

/// An RM or manager of a branch, as a hand-over needs them.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub id: i64,
    pub username: String,
    pub disabled: bool,
    /// An RM (not a manager): only an RM owns clients and is given tasks.
    pub rm: bool,
}

/// The active-or-not RM or manager named `username` in `branch`.
pub(crate) fn member(conn: &Connection, branch: i64, username: &str) -> Result<Option<Member>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, username, disabled, role = 'rm' FROM users
             WHERE username = ?1 AND branch_id = ?2 AND role IN ('rm', 'manager')",
        )?
        .query_row(params![username.trim(), branch], |r| {
            Ok(Member {
                id: r.get(0)?,
                username: r.get(1)?,
                disabled: r.get::<_, i64>(2)? != 0,
                rm: r.get(3)?,
            })
        })
        .optional()?)
}

pub(crate) fn manager_branch(actor: &Actor) -> Result<i64> {
    match (actor.role, actor.branch_id) {
        (Role::Manager, Some(b)) => Ok(b),
        _ => Err(StoreError::Forbidden),
    }
}

/// Receivers named by `names`: each an active RM of `branch` (a manager owns no
/// clients), not `from`, once.
pub(crate) fn receivers(
    conn: &Connection,
    branch: i64,
    from: i64,
    names: &[String],
) -> Result<Vec<Member>> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Err(StoreError::invalid(
            "to",
            "err.handover.to_required",
            "name at least one RM to receive the clients",
        ));
    }
    let mut out: Vec<Member> = Vec::new();
    for name in names {
        match member(conn, branch, name)? {
            Some(m) if m.rm && !m.disabled && m.id != from => {
                if !out.iter().any(|o| o.id == m.id) {
                    out.push(m);
                }
            }
            _ => {
                return Err(StoreError::invalid(
                    "to",
                    "err.handover.to",
                    format!("{name} is not an active RM of your branch who can receive clients"),
                ))
            }
        }
    }
    Ok(out)
}

/// The clients a hand-over moves, as (id, AUM in fen), by id.
fn chosen(conn: &Connection, from: &Member, which: &Which) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    match which {
        Which::All => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, aum_minor FROM clients WHERE owner_id = ?1 ORDER BY id",
            )?;
            for row in stmt.query_map([from.id], |r| Ok((r.get(0)?, r.get(1)?)))? {
                out.push(row?);
            }
        }
        Which::Numbers(numbers) => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, aum_minor, owner_id FROM clients WHERE client_no = ?1",
            )?;
            for no in numbers {
                let no = no.trim().to_uppercase();
                let row: Option<(i64, i64, i64)> = stmt
                    .query_row([&no], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                match row {
                    Some((id, aum, owner)) if owner == from.id => {
                        if !out.iter().any(|(i, _)| *i == id) {
                            out.push((id, aum));
                        }
                    }
                    _ => {
                        return Err(StoreError::invalid(
                            "clients",
                            "err.handover.client",
                            format!("{no} is not a client of {}", from.username),
                        ))
                    }
                }
            }
            out.sort_unstable();
        }
    }
    if out.is_empty() {
        return Err(StoreError::invalid(
            "clients",
            "err.handover.none",
            format!("{} has no clients to hand over", from.username),
        ));
    }
    Ok(out)
}

/// The work of a hand-over inside the caller's transaction (a take-over approved is
/// one too). `clients` are (id, AUM in fen) owned by `from`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn hand_over_in(
    tx: &Connection,
    (now, zone): (DateTime<Utc>, Zone),
    actor: &Actor,
    branch: i64,
    from: &Member,
    to: &[Member],
    clients: &[(i64, i64)],
    reason: HandoverReason,
    reason_text: Option<&str>,
    request_id: Option<i64>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<HandoverDone> {
    let stamp = ts(now);
    let today = zone.date(now);
    let horizon = today
        .checked_add_days(Days::new(MATURITY_DAYS))
        .unwrap_or(today);
    tx.execute(
        "INSERT INTO handovers (at, branch_id, from_id, reason, reason_text, by_id, request_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            stamp,
            branch,
            from.id,
            reason.code(),
            reason_text,
            actor.user_id,
            request_id
        ],
    )?;
    let id = tx.last_insert_rowid();
    let assigned = spread_by_aum(clients, to.len());
    let total = clients.len();
    let mut per: Vec<(usize, i64)> = vec![(0, 0); to.len()];
    // The moves in a temporary table, so each chunk's lines, owners, tasks and
    // complaints are one statement each rather than one per client.
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS handover_move (
             client_id INTEGER PRIMARY KEY, to_id INTEGER NOT NULL, chunk INTEGER NOT NULL);
         CREATE INDEX IF NOT EXISTS temp.handover_move_chunk ON handover_move (chunk, client_id);
         DELETE FROM temp.handover_move;",
    )?;
    {
        let mut put = tx.prepare_cached(
            "INSERT INTO temp.handover_move (client_id, to_id, chunk) VALUES (?1, ?2, ?3)",
        )?;
        for (i, (&(client, aum), &t)) in clients.iter().zip(&assigned).enumerate() {
            put.execute(params![client, to[t].id, i / CHUNK])?;
            per[t].0 += 1;
            per[t].1 += aum;
        }
    }
    let (from_day, to_day) = (today.to_string(), horizon.to_string());
    let chunks = total.div_ceil(CHUNK);
    for chunk in 0..chunks {
        let size = CHUNK.min(total - chunk * CHUNK);
        tx.prepare_cached(
            "INSERT INTO handover_clients (handover_id, client_id, to_id, client_no, name, tier,
                 aum_minor, open_tasks, pending_complaints, maturities_30d)
             SELECT ?1, c.id, m.to_id, c.client_no, c.name, coalesce(c.tier_override, c.tier), c.aum_minor,
                 (SELECT count(*) FROM tasks t WHERE t.client_id = c.id AND t.status = 'open'),
                 (SELECT count(*) FROM feedback f WHERE f.client_id = c.id AND f.kind = 'complaint'
                     AND f.status IN ('open', 'in_progress')),
                 (SELECT count(*) FROM holdings h WHERE h.client_id = c.id AND h.status = 'open'
                     AND h.maturity_date BETWEEN ?3 AND ?4)
             FROM temp.handover_move m JOIN clients c ON c.id = m.client_id
             WHERE m.chunk = ?2 ORDER BY m.client_id",
        )?
        .execute(params![id, chunk, from_day, to_day])?;
        let changed = tx
            .prepare_cached(
                "UPDATE clients SET owner_id = (SELECT m.to_id FROM temp.handover_move m
                                                WHERE m.client_id = clients.id),
                                    updated_at = ?3
                 WHERE id IN (SELECT client_id FROM temp.handover_move WHERE chunk = ?1)
                   AND owner_id = ?2",
            )?
            .execute(params![chunk, from.id, stamp])?;
        if changed != size {
            return Err(StoreError::conflict(
                "err.handover.changed",
                "a client changed owner during the hand-over; nothing was moved",
            ));
        }
        // One audit entry per chunk names every client moved, its receiver, and its
        // open tasks and pending complaints (as the import does: one per 1,000 clients).
        let mut moved = String::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT hc.client_id, hc.client_no, u.username, hc.open_tasks, hc.pending_complaints
                 FROM temp.handover_move m
                 JOIN handover_clients hc ON hc.handover_id = ?1 AND hc.client_id = m.client_id
                 JOIN users u ON u.id = hc.to_id
                 WHERE m.chunk = ?2 ORDER BY m.client_id",
            )?;
            let rows = stmt.query_map(params![id, chunk], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            for row in rows {
                let (client, no, user, tasks, complaints) = row?;
                moved.push_str(&format!(" {client}:{no}>{user}"));
                if tasks > 0 || complaints > 0 {
                    moved.push_str(&format!(":tasks={tasks}:complaints={complaints}"));
                }
            }
        }
        let before = format!("owner={}", from.username);
        let after = format!(
            "handover={id} reason={reason} rows={size} clients={}",
            moved.trim_start()
        );
        audit::append(
            tx,
            now,
            actor.into(),
            audit::Entry {
                action: "client.handover",
                entity: "handover",
                entity_id: Some(id.to_string()),
                before: Some(&before),
                after: Some(&after),
            },
        )?;
        progress((chunk * CHUNK + size).min(total), total);
    }
    let tasks = tx.execute(
        "UPDATE tasks SET owner_id = m.to_id, updated_at = ?2
         FROM temp.handover_move m
         WHERE m.client_id = tasks.client_id AND tasks.status = 'open' AND tasks.owner_id = ?1",
        params![from.id, stamp],
    )?;
    let complaints = tx.execute(
        "UPDATE feedback SET handler_id = m.to_id, updated_at = ?2
         FROM temp.handover_move m
         WHERE m.client_id = feedback.client_id AND feedback.kind = 'complaint'
           AND feedback.status IN ('open', 'in_progress')
           AND (feedback.handler_id = ?1 OR (feedback.handler_id IS NULL AND feedback.rm_id = ?1))",
        params![from.id, stamp],
    )?;
    tx.execute_batch("DELETE FROM temp.handover_move;")?;
    let per_receiver: Vec<(String, usize, Decimal)> = to
        .iter()
        .zip(&per)
        .map(|(m, (n, aum))| (m.username.clone(), *n, from_minor(*aum)))
        .collect();
    let after =
        format!(
        "from={} to={} reason={reason}{} clients={total} tasks={tasks} complaints={complaints}{}",
        from.username,
        per_receiver
            .iter()
            .map(|(u, n, _)| format!("{u}:{n}"))
            .collect::<Vec<_>>()
            .join(","),
        reason_text.map(|t| format!(" text={t}")).unwrap_or_default(),
        request_id
            .map(|r| format!(" request={r}"))
            .unwrap_or_default(),
    );
    let mut e = audit::Entry::new("handover.create", "handover", Some(id));
    e.after = Some(&after);
    audit::append(tx, now, actor.into(), e)?;
    Ok(HandoverDone {
        id,
        clients: total,
        tasks,
        complaints,
        per_receiver,
    })
}

fn read_handover(conn: &Connection, zone: Zone, id: i64) -> Result<Handover> {
    let mut h = conn
        .prepare_cached(
            "SELECT h.id, h.at, f.username, h.reason, h.reason_text, b.username,
                    (SELECT count(*) FROM handover_clients WHERE handover_id = h.id),
                    (SELECT coalesce(sum(aum_minor), 0) FROM handover_clients WHERE handover_id = h.id)
             FROM handovers h JOIN users f ON f.id = h.from_id JOIN users b ON b.id = h.by_id
             WHERE h.id = ?1",
        )?
        .query_row([id], |r| {
            let at: String = r.get(1)?;
            let reason: String = r.get(3)?;
            Ok(Handover {
                id: r.get(0)?,
                date: parse_ts(&at).map(|t| zone.date(t)),
                at,
                from: r.get(2)?,
                to: Vec::new(),
                reason: reason.parse().unwrap_or(HandoverReason::Other),
                reason_text: r.get(4)?,
                by: r.get(5)?,
                clients: usize::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                aum: from_minor(r.get(7)?),
            })
        })?;
    let mut stmt = conn.prepare_cached(
        "SELECT u.username FROM handover_clients hc JOIN users u ON u.id = hc.to_id
         WHERE hc.handover_id = ?1 GROUP BY hc.to_id ORDER BY min(hc.rowid)",
    )?;
    for name in stmt.query_map([id], |r| r.get::<_, String>(0))? {
        h.to.push(name?);
    }
    Ok(h)
}

impl Store {
    /// Hands clients over (managers, within their branch), reporting progress as
    /// (done, total) every 500 clients. Refused as a whole, before anything is written,
    /// when the giver, a receiver, a client or the reason is wrong.
    pub fn hand_over(
        &mut self,
        actor: &Actor,
        spec: &HandoverSpec,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<HandoverDone> {
        let branch = manager_branch(actor)?;
        let text = handover_reason(spec.reason, &spec.reason_text)
            .map_err(|e| StoreError::invalid("reason", e.key(), e.to_string()))?;
        let zone = self.zone();
        self.write(|tx, now| {
            let from = member(tx, branch, &spec.from)?.ok_or_else(|| {
                StoreError::invalid(
                    "from",
                    "err.handover.from",
                    format!("{} is not an RM of your branch", spec.from.trim()),
                )
            })?;
            let to = receivers(tx, branch, from.id, &spec.to)?;
            let clients = chosen(tx, &from, &spec.which)?;
            hand_over_in(
                tx,
                (now, zone),
                actor,
                branch,
                &from,
                &to,
                &clients,
                spec.reason,
                text.as_deref(),
                None,
                progress,
            )
        })
    }

    /// The branch's hand-overs, newest first (managers).
    pub fn handovers(&self, actor: &Actor) -> Result<Vec<Handover>> {
        let branch = manager_branch(actor)?;
        let ids: Vec<i64> = self
            .conn()
            .prepare_cached("SELECT id FROM handovers WHERE branch_id = ?1 ORDER BY id DESC")?
            .query_map([branch], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter()
            .map(|id| read_handover(self.conn(), self.zone(), id))
            .collect()
    }

    /// One hand-over and its lines by client number (managers of its branch).
    pub fn handover_ledger(&self, actor: &Actor, id: i64) -> Result<(Handover, Vec<LedgerLine>)> {
        let branch = manager_branch(actor)?;
        let of: Option<i64> = self
            .conn()
            .query_row("SELECT branch_id FROM handovers WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        if of != Some(branch) {
            return Err(StoreError::NotFound);
        }
        let head = read_handover(self.conn(), self.zone(), id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT hc.client_id, hc.client_no, hc.name, hc.tier, hc.aum_minor, hc.open_tasks,
                    hc.pending_complaints, hc.maturities_30d, u.username
             FROM handover_clients hc JOIN users u ON u.id = hc.to_id
             WHERE hc.handover_id = ?1 ORDER BY hc.client_no",
        )?;
        let lines = stmt
            .query_map([id], |r| {
                let tier: String = r.get(3)?;
                Ok(LedgerLine {
                    client_id: r.get(0)?,
                    client_no: r.get(1)?,
                    name: r.get(2)?,
                    tier: tier.parse().unwrap_or(Tier::General),
                    aum: from_minor(r.get(4)?),
                    open_tasks: r.get(5)?,
                    pending_complaints: r.get(6)?,
                    maturities_30d: r.get(7)?,
                    to: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((head, lines))
    }

    /// Writes the ledger of hand-over `id` as CSV (a header, then one row per client);
    /// returns the number of client rows.
    pub fn write_ledger_csv(&self, actor: &Actor, id: i64, out: impl Write) -> Result<usize> {
        let (h, lines) = self.handover_ledger(actor, id)?;
        let mut text = String::from(csv_text::BOM);
        csv_text::write_record(
            &mut text,
            [
                "handover",
                "date",
                "from",
                "to",
                "reason",
                "reason_text",
                "by",
                "client_no",
                "name",
                "tier",
                "aum",
                "open_tasks",
                "pending_complaints",
                "maturities_30d",
            ],
        );
        let id = h.id.to_string();
        let date = h.date.map(|d| d.to_string()).unwrap_or_default();
        for l in &lines {
            let (aum, tasks, complaints, maturities) = (
                format!("{:.2}", l.aum),
                l.open_tasks.to_string(),
                l.pending_complaints.to_string(),
                l.maturities_30d.to_string(),
            );
            csv_text::write_record(
                &mut text,
                [
                    id.as_str(),
                    &date,
                    &h.from,
                    &l.to,
                    h.reason.code(),
                    h.reason_text.as_deref().unwrap_or(""),
                    &h.by,
                    &l.client_no,
                    &l.name,
                    l.tier.code(),
                    &aum,
                    &tasks,
                    &complaints,
                    &maturities,
                ],
            );
        }
        let n = lines.len();
        let mut out = out;
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| {
                StoreError::conflict(
                    "err.ledger.write",
                    format!("the ledger cannot be written: {e}"),
                )
            })?;
        Ok(n)
    }

    /// Writes the ledger of hand-over `id` to the CSV file `path`, private and durable
    /// (see [`super::files::write_private_atomic`]); returns the number of client rows.
    pub fn export_ledger_csv(
        &self,
        actor: &Actor,
        id: i64,
        path: &std::path::Path,
    ) -> Result<usize> {
        let mut bytes = Vec::new();
        let n = self.write_ledger_csv(actor, id, &mut bytes)?;
        super::files::write_private_bytes(path, &bytes)
            .map_err(|e| StoreError::write_failed(path, e))?;
        Ok(n)
    }

    /// "Handed over from X on D": the giver's display name and the date of the last
    /// hand-over that gave `client_id` to its present owner, if any.
    pub fn handed_over_from(
        &self,
        actor: &Actor,
        client_id: i64,
    ) -> Result<Option<(String, NaiveDate)>> {
        self.client_raw(actor, client_id)?;
        let row: Option<(String, String)> = self
            .conn()
            .query_row(
                "SELECT f.display_name, h.at FROM handover_clients hc
                 JOIN handovers h ON h.id = hc.handover_id JOIN users f ON f.id = h.from_id
                 JOIN clients c ON c.id = hc.client_id AND c.owner_id = hc.to_id
                 WHERE hc.client_id = ?1 ORDER BY hc.handover_id DESC LIMIT 1",
                [client_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(name, at)| parse_ts(&at).map(|t| (name, self.zone().date(t)))))
    }
}
