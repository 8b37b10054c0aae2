//! Made-up visits and feedback for every demo client.

use chrono::NaiveDate;
use rusqlite::params;

use super::DEMO_BATCH;
use crate::store::{audit, ts, Result, Store};

/// Something that happened with a demo client, made up by the demo generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoEvent {
    /// A visit `days_ago` days before today at `hour` local time; with a follow-up task
    /// (title, due in `due_in` days from today, negative for overdue).
    Visit {
        /// Days before today.
        days_ago: u32,
        /// Hour of the day (local).
        hour: u32,
        /// Channel code.
        channel: &'static str,
        /// Purpose.
        purpose: String,
        /// Summary.
        summary: String,
        /// Follow-up task: title and days from today.
        follow_up: Option<(String, i64)>,
    },
    /// Feedback received `days_ago` days before today; `resolved` ones carry a resolution.
    Feedback {
        /// Days before today.
        days_ago: u32,
        /// `complaint`, `suggestion` or `praise`.
        kind: &'static str,
        /// What the client said.
        description: String,
        /// Resolution, when handled.
        resolution: Option<String>,
    },
}

impl Store {
    /// Adds made-up activity to every client of a demo database: `make(client id)` says
    /// what happened with that client. Written in batches, as the client's owner.
    pub fn seed_demo_activity(
        &mut self,
        today: NaiveDate,
        make: &mut dyn FnMut(i64) -> Vec<DemoEvent>,
    ) -> Result<usize> {
        self.require_demo("demo activity is only added to a demo database")?;
        let days = u64::try_from(self.setting_i64("feedback.deadline_days")?).unwrap_or(15);
        let zone = self.zone();
        let mut after = 0i64;
        let mut written = 0usize;
        loop {
            let batch: Vec<(i64, i64)> = {
                let mut stmt = self.conn().prepare_cached(
                    "SELECT id, owner_id FROM clients WHERE id > ?1 ORDER BY id LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![after, DEMO_BATCH as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let Some(&(last, _)) = batch.last() else {
                return Ok(written);
            };
            after = last;
            let events: Vec<(i64, i64, Vec<DemoEvent>)> = batch
                .into_iter()
                .map(|(id, owner)| (id, owner, make(id)))
                .collect();
            written += self.write(|tx, now| {
                let stamp = ts(now);
                let mut n = 0;
                for (client, owner, list) in &events {
                    for event in list {
                        write_demo_event(tx, *client, *owner, event, (today, zone), days, &stamp)?;
                        n += 1;
                    }
                }
                let after = format!("events={n}");
                let mut e = audit::Entry::new("demo.seed_activity", "client", None);
                e.after = Some(&after);
                audit::append(tx, now, audit::SYSTEM, e)?;
                Ok(n)
            })?;
        }
    }
}

fn write_demo_event(
    tx: &rusqlite::Connection,
    client: i64,
    owner: i64,
    event: &DemoEvent,
    (today, zone): (NaiveDate, crate::store::Zone),
    deadline_days: u64,
    now: &str,
) -> Result<()> {
    let day = |ago: u32| {
        today
            .checked_sub_days(chrono::Days::new(u64::from(ago)))
            .unwrap_or(today)
    };
    match event {
        DemoEvent::Visit {
            days_ago,
            hour,
            channel,
            purpose,
            summary,
            follow_up,
        } => {
            let local = day(*days_ago)
                .and_hms_opt((*hour).min(23), 0, 0)
                .unwrap_or_default();
            let at = ts(zone.to_utc(local));
            let next = follow_up.as_ref().map(|(_, due_in)| {
                let due = today
                    .checked_add_signed(chrono::Duration::days(*due_in))
                    .unwrap_or(today);
                due.to_string()
            });
            tx.prepare_cached(
                "INSERT INTO visits (client_id, rm_id, visited_at, channel, purpose, summary, next_step, next_step_on,
                                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?
            .execute(params![client, owner, at, channel, purpose, summary, follow_up.as_ref().map(|f| &f.0), next, now])?;
            let visit = tx.last_insert_rowid();
            crate::store::visits::index_visit(tx, visit, &at, &[purpose, summary])?;
            if let (Some((title, _)), Some(due)) = (follow_up, next) {
                tx.prepare_cached(
                    "INSERT INTO tasks (owner_id, client_id, title, due_date, source, visit_id, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'visit', ?5, ?6, ?6)",
                )?
                .execute(params![owner, client, title, due, visit, now])?;
            }
            tx.prepare_cached(
                "UPDATE clients SET last_contact_at = ?1 WHERE id = ?2 AND (last_contact_at IS NULL OR last_contact_at < ?1)",
            )?
            .execute(params![at, client])?;
        }
        DemoEvent::Feedback {
            days_ago,
            kind,
            description,
            resolution,
        } => {
            let received = day(*days_ago);
            let deadline = received
                .checked_add_days(chrono::Days::new(deadline_days))
                .unwrap_or(received);
            let status = if resolution.is_some() {
                "closed"
            } else {
                "open"
            };
            tx.prepare_cached(
                "INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description, status, deadline,
                                       resolution, resolved_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'phone', ?5, ?6, ?7, ?8, CASE WHEN ?8 IS NULL THEN NULL ELSE ?9 END, ?9, ?9)",
            )?
            .execute(params![client, owner, kind, received.to_string(), description, status, deadline.to_string(), resolution, now])?;
        }
    }
    Ok(())
}
