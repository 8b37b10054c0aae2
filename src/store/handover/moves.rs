//! The hand-over itself: owners, open tasks and pending complaints move, each move
//! audited, the ledger written, in one transaction.

use chrono::{DateTime, Days, Utc};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::parties::{chosen, manager_branch, member, receivers, Member};
use super::{HandoverDone, HandoverSpec, MATURITY_DAYS};
use crate::domain::desk::{handover_reason, spread_by_aum, HandoverReason};
use crate::domain::money::from_minor;
use crate::store::clock::Zone;
use crate::store::{audit, ts, Actor, Result, Store, StoreError};

/// Clients per statement and per audit entry of a hand-over (progress is reported
/// after each).
const CHUNK: usize = 1000;

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
}
