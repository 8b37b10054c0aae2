//! Hand-overs read back: the list, the ledger of one with its CSV export, and who
//! handed a client over.

use std::io::Write;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use super::parties::manager_branch;
use super::{Handover, LedgerLine};
use crate::domain::client::Tier;
use crate::domain::csv_text;
use crate::domain::desk::HandoverReason;
use crate::domain::money::from_minor;
use crate::store::clock::Zone;
use crate::store::{parse_ts, Actor, Result, Store, StoreError};

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
        crate::store::files::write_private_bytes(path, &bytes)
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
