//! A campaign's results (reach and conversion per RM, the amount sold), its targets as
//! the screen lists them, and the contact list exported for the bank's SMS or mail
//! platform (consenting clients only, audited with its row count).
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use rusqlite::params;
use rust_decimal::Decimal;

use super::campaigns::campaign_in;
use super::{audit, files, Actor, Result, Role, Store, StoreError};
use crate::domain::campaign::{percent, Outcome};
use crate::domain::csv_import::csv_record;
use crate::domain::csv_text;

/// One RM's figures in a campaign (or the campaign's total).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RmResult {
    /// Username (empty for the total).
    pub username: String,
    /// Display name.
    pub name: String,
    /// Targets given to the RM.
    pub targets: u64,
    /// Outcomes recorded other than pending.
    pub recorded: u64,
    /// Clients reached (contacted, interested, declined or sold).
    pub reached: u64,
    /// Interested.
    pub interested: u64,
    /// Sold.
    pub sold: u64,
    /// Sum of the amounts of the holdings sold, in their currency (CNY products).
    pub amount: Decimal,
}

/// Results: one line per RM by username, and the total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    /// Per RM.
    pub per_rm: Vec<RmResult>,
    /// Everything (for an RM: their own lines only).
    pub total: RmResult,
}

/// One frozen target as the campaign screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetLine {
    /// Client id.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Client name.
    pub client_name: String,
    /// Owner RM's username at launch.
    pub rm: String,
    /// Outcome so far.
    pub outcome: Outcome,
    /// Amount of the holding sold.
    pub amount: Option<Decimal>,
}

/// The columns of the contact list.
pub const CONTACT_COLUMNS: [&str; 4] = ["name", "client_no", "mobile", "owner_rm"];

/// Most target lines the screen reads at once.
pub const TARGET_LINES: usize = 500;

fn rm_filter(actor: &Actor) -> Option<i64> {
    (actor.role == Role::Rm).then_some(actor.user_id)
}

impl Store {
    /// Reach and conversion of campaign `id` per RM (an RM: their own line only).
    pub fn campaign_results(&self, actor: &Actor, id: i64) -> Result<Results> {
        campaign_in(self.conn(), actor, id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT u.username, u.display_name, t.outcome, count(*)
             FROM campaign_targets t JOIN users u ON u.id = t.rm_id
             WHERE t.campaign_id = ?1 AND (?2 IS NULL OR t.rm_id = ?2)
             GROUP BY t.rm_id, t.outcome ORDER BY u.username",
        )?;
        let mut rows = stmt.query(params![id, rm_filter(actor)])?;
        let mut per_rm: Vec<RmResult> = Vec::new();
        while let Some(r) = rows.next()? {
            let username: String = r.get(0)?;
            if per_rm.last().map(|l| &l.username) != Some(&username) {
                per_rm.push(RmResult {
                    username: username.clone(),
                    name: r.get(1)?,
                    ..RmResult::default()
                });
            }
            let outcome = Outcome::from_str(&r.get::<_, String>(2)?).unwrap_or(Outcome::Pending);
            let n = u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0);
            if let Some(line) = per_rm.last_mut() {
                line.targets += n;
                if outcome != Outcome::Pending {
                    line.recorded += n;
                }
                if outcome.reached() {
                    line.reached += n;
                }
                if outcome == Outcome::Interested {
                    line.interested += n;
                }
                if outcome == Outcome::Sold {
                    line.sold += n;
                }
            }
        }
        // Amounts are decimal text: summed exactly in Rust, over the sold targets only.
        let mut sold = self.conn().prepare_cached(
            "SELECT u.username, h.amount FROM campaign_targets t
             JOIN users u ON u.id = t.rm_id JOIN holdings h ON h.id = t.holding_id
             WHERE t.campaign_id = ?1 AND t.outcome = 'sold' AND (?2 IS NULL OR t.rm_id = ?2)",
        )?;
        let mut rows = sold.query(params![id, rm_filter(actor)])?;
        while let Some(r) = rows.next()? {
            let username: String = r.get(0)?;
            let amount = Decimal::from_str(&r.get::<_, String>(1)?).unwrap_or_default();
            if let Some(line) = per_rm.iter_mut().find(|l| l.username == username) {
                line.amount += amount;
            }
        }
        let mut total = RmResult::default();
        for l in &per_rm {
            total.targets += l.targets;
            total.recorded += l.recorded;
            total.reached += l.reached;
            total.interested += l.interested;
            total.sold += l.sold;
            total.amount += l.amount;
        }
        Ok(Results { per_rm, total })
    }

    /// The targets of campaign `id` `actor` sees (an RM: their own), pending first, then
    /// by client number; at most [`TARGET_LINES`].
    pub fn campaign_targets(&self, actor: &Actor, id: i64) -> Result<Vec<TargetLine>> {
        campaign_in(self.conn(), actor, id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.client_no, c.name, u.username, t.outcome, h.amount
             FROM campaign_targets t JOIN clients c ON c.id = t.client_id
             JOIN users u ON u.id = t.rm_id LEFT JOIN holdings h ON h.id = t.holding_id
             WHERE t.campaign_id = ?1 AND (?2 IS NULL OR t.rm_id = ?2)
             ORDER BY t.outcome <> 'pending', c.client_no LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(
                params![
                    id,
                    rm_filter(actor),
                    i64::try_from(TARGET_LINES).unwrap_or(500)
                ],
                |r| {
                    let outcome: String = r.get(4)?;
                    let amount: Option<String> = r.get(5)?;
                    Ok(TargetLine {
                        client_id: r.get(0)?,
                        client_no: r.get(1)?,
                        client_name: r.get(2)?,
                        rm: r.get(3)?,
                        outcome: Outcome::from_str(&outcome).unwrap_or(Outcome::Pending),
                        amount: amount.and_then(|a| Decimal::from_str(&a).ok()),
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Writes the contact list of campaign `id` to `path` (private file, written whole or
    /// not at all): name, client no., mobile in full, owner RM — only targets who consent
    /// today (consent withdrawn after the launch drops the line); an RM gets only their
    /// own targets. Audited with the row count. Returns the rows written.
    pub fn export_campaign_contacts(
        &mut self,
        actor: &Actor,
        id: i64,
        path: &Path,
    ) -> Result<usize> {
        campaign_in(self.conn(), actor, id)?;
        let rm = rm_filter(actor);
        let n = files::write_private_atomic(path, |out| -> std::io::Result<usize> {
            out.write_all(csv_text::BOM.as_bytes())?;
            out.write_all(csv_record(CONTACT_COLUMNS).as_bytes())?;
            let mut stmt = self
                .conn()
                .prepare_cached(
                    "SELECT c.name, c.client_no, coalesce(c.mobile, ''), u.username
                     FROM campaign_targets t JOIN clients c ON c.id = t.client_id
                     JOIN users u ON u.id = t.rm_id
                     WHERE t.campaign_id = ?1 AND (?2 IS NULL OR t.rm_id = ?2)
                       AND c.marketing_consent = 'yes'
                     ORDER BY c.client_no",
                )
                .map_err(std::io::Error::other)?;
            let mut rows = stmt.query(params![id, rm]).map_err(std::io::Error::other)?;
            let mut n = 0usize;
            while let Some(r) = rows.next().map_err(std::io::Error::other)? {
                let cells: [String; 4] = [
                    r.get(0).map_err(std::io::Error::other)?,
                    r.get(1).map_err(std::io::Error::other)?,
                    r.get(2).map_err(std::io::Error::other)?,
                    r.get(3).map_err(std::io::Error::other)?,
                ];
                out.write_all(csv_record(cells.iter().map(String::as_str)).as_bytes())?;
                n += 1;
            }
            Ok(n)
        })
        .map_err(|e| StoreError::write_failed(path, e))?;
        self.write(|tx, now| {
            let after = format!("campaign={id} rows={n}");
            let mut e = audit::Entry::new("campaign.export", "campaign", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        })?;
        Ok(n)
    }
}

/// The columns of a campaign's results table (`rmdesk campaign show`, its `--csv`).
pub const RESULT_COLUMNS: [&str; 10] = [
    "rm",
    "name",
    "targets",
    "recorded",
    "reached",
    "reach_pct",
    "interested",
    "sold",
    "conversion_pct",
    "amount_sold",
];

/// The line of the total in [`results_table`].
pub const TOTAL: &str = "*total*";

/// The results as one table: a line per RM, then the total. Reach is reached ÷
/// targets, conversion sold ÷ targets, in whole percent rounded down.
pub fn results_table(r: &Results) -> super::reports_table::Table {
    let line = |l: &RmResult, rm: &str| -> Vec<String> {
        vec![
            rm.to_string(),
            l.name.clone(),
            l.targets.to_string(),
            l.recorded.to_string(),
            l.reached.to_string(),
            percent(l.reached, l.targets).to_string(),
            l.interested.to_string(),
            l.sold.to_string(),
            percent(l.sold, l.targets).to_string(),
            format!("{:.2}", l.amount),
        ]
    };
    let mut rows: Vec<Vec<String>> = r.per_rm.iter().map(|l| line(l, &l.username)).collect();
    rows.push(line(&r.total, TOTAL));
    super::reports_table::Table {
        columns: RESULT_COLUMNS.to_vec(),
        rows,
    }
}
