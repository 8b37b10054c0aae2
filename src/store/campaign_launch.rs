//! Launching a campaign: the segment is read once, in one pass over the clients, which
//! both counts who is left out (no consent, unsuitable) and yields the targets; the
//! targets' tasks and target rows are written as the pass goes, [`PER_INSERT`] at a time
//! in multi-row statements, so each target's client row (which the foreign keys of its
//! task and target row look up) is still in SQLite's cache from the pass. Everything,
//! with the change log's rows of each write, is one transaction. The pass may write while
//! it reads because nothing it writes (tasks, targets, their change-log rows) changes a
//! client row; a trigger on `tasks` or `campaign_targets` that did would have to move
//! the writes after the pass. The commit leaves the WAL's copy into the database to a
//! background checkpoint ([`Store::write_large`]).
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

use super::campaign_segment::{launch_query, product_id_of, segment_sql, SegmentCount};
use super::campaigns::{campaign_in, manager_branch, Launched};
use super::{audit, ts, Actor, Result, Store, StoreError};
use crate::domain::campaign::CampaignStatus;

/// Targets written per statement (tasks, then their target rows).
const PER_INSERT: usize = 500;

/// What every task of a launch shares: title, notes, due date, who assigned it, when.
struct TaskShape<'a> {
    title: &'a str,
    notes: Option<&'a str>,
    due: String,
    assigned_by: i64,
    stamp: String,
}

/// Writes a task for each of `targets` (client, owner) and its target row of campaign
/// `campaign`: two statements.
fn write_targets(
    tx: &Connection,
    campaign: i64,
    shape: &TaskShape<'_>,
    targets: &[(i64, i64)],
) -> Result<()> {
    if targets.is_empty() {
        return Ok(());
    }
    // ?1..?5 are the shared values; each task adds its owner and client.
    let rows: Vec<String> = (0..targets.len())
        .map(|i| {
            format!(
                "(?{}, ?{}, ?1, ?2, ?3, 'normal', 'open', 'none', 'manual', ?4, ?5, ?5)",
                6 + 2 * i,
                7 + 2 * i
            )
        })
        .collect();
    let mut values: Vec<Value> = vec![
        Value::Text(shape.title.to_string()),
        shape
            .notes
            .map_or(Value::Null, |n| Value::Text(n.to_string())),
        Value::Text(shape.due.clone()),
        Value::Integer(shape.assigned_by),
        Value::Text(shape.stamp.clone()),
    ];
    for (client, owner) in targets {
        values.push(Value::Integer(*owner));
        values.push(Value::Integer(*client));
    }
    // RETURNING gives each new task with its client and owner, whatever the order.
    let made: Vec<(i64, i64, i64)> = tx
        .prepare_cached(&format!(
            "INSERT INTO tasks (owner_id, client_id, title, notes, due_date, priority, status,
                 recurrence, source, assigned_by, created_at, updated_at)
             VALUES {} RETURNING id, client_id, owner_id",
            rows.join(", ")
        ))?
        .query_map(params_from_iter(values), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let rows: Vec<String> = (0..made.len())
        .map(|i| format!("(?1, ?{}, ?{}, ?{})", 2 + 3 * i, 3 + 3 * i, 4 + 3 * i))
        .collect();
    let mut values = vec![Value::Integer(campaign)];
    for (task, client, owner) in made {
        values.extend([
            Value::Integer(client),
            Value::Integer(owner),
            Value::Integer(task),
        ]);
    }
    tx.prepare_cached(&format!(
        "INSERT INTO campaign_targets (campaign_id, client_id, rm_id, task_id) VALUES {}",
        rows.join(", ")
    ))?
    .execute(params_from_iter(values))?;
    Ok(())
}

fn count_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Launches a draft of the manager's branch: freezes the consenting clients of its
    /// segment whom its product suits, gives each target's owner RM a task due on the
    /// campaign's last day, and records how many were left out and why — all in one
    /// transaction, audited with the counts. A campaign already over is refused.
    pub fn launch_campaign(&mut self, actor: &Actor, id: i64) -> Result<Launched> {
        manager_branch(actor)?;
        let c = campaign_in(self.conn(), actor, id)?;
        if c.status != CampaignStatus::Draft {
            return Err(StoreError::conflict(
                "campaign.err.not_draft",
                "the campaign is no longer a draft",
            ));
        }
        if c.ends_on < self.today() {
            return Err(StoreError::conflict(
                "campaign.err.over",
                "the campaign has already ended",
            ));
        }
        let segment = c.segment.validate().map_err(StoreError::Fields)?;
        let product_id = c
            .product
            .as_ref()
            .map(|p| product_id_of(self.conn(), &p.0))
            .transpose()?;
        let zone = self.zone();
        self.write_large(|tx, now| {
            let today = zone.date(now);
            let sql = segment_sql(tx, actor, &segment, product_id, now, today)?;
            let shape = TaskShape {
                title: &c.name,
                notes: (!c.goal.is_empty()).then_some(c.goal.as_str()),
                due: c.ends_on.to_string(),
                assigned_by: actor.user_id,
                stamp: ts(now),
            };
            let mut count = SegmentCount::default();
            let mut batch = Vec::with_capacity(PER_INSERT);
            let mut stmt = tx.prepare(&launch_query(&sql))?;
            let mut rows = stmt.query(params_from_iter(sql.args.iter()))?;
            while let Some(r) = rows.next()? {
                count.matching += 1;
                if !r.get::<_, bool>(2)? {
                    count.no_consent += 1;
                } else if !r.get::<_, bool>(3)? {
                    count.unsuitable += 1;
                } else {
                    count.targets += 1;
                    batch.push((r.get(0)?, r.get(1)?));
                    if batch.len() == PER_INSERT {
                        write_targets(tx, id, &shape, &batch)?;
                        batch.clear();
                    }
                }
            }
            write_targets(tx, id, &shape, &batch)?;
            tx.execute(
                "UPDATE campaigns SET status = 'running', launched_at = ?2, left_unsuitable = ?3,
                     left_no_consent = ?4 WHERE id = ?1",
                params![
                    id,
                    shape.stamp,
                    count_i64(count.unsuitable),
                    count_i64(count.no_consent)
                ],
            )?;
            let after = format!(
                "targets={} matching={} left_no_consent={} left_unsuitable={}",
                count.targets, count.matching, count.no_consent, count.unsuitable
            );
            let mut e = audit::Entry::new("campaign.launch", "campaign", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(Launched { count })
        })
    }
}
