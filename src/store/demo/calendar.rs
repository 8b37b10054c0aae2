//! Tasks and plan notes on every demo RM's calendar.

use chrono::NaiveDate;
use rusqlite::params;

use crate::store::{audit, ts, Result, Store};

/// A task the demo puts on every demo RM's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTask {
    /// Title.
    pub title: String,
    /// Due date (the pending occurrence for a series).
    pub due: NaiveDate,
    /// Due time `HH:MM`.
    pub time: Option<&'static str>,
    /// Priority code.
    pub priority: &'static str,
    /// Recurrence code.
    pub recurrence: &'static str,
    /// The series' first date (monthly and yearly series count from it).
    pub anchor: Option<NaiveDate>,
    /// About the RM's n-th client (by id), if any.
    pub client: Option<usize>,
    /// Already done.
    pub done: bool,
}

impl Store {
    /// Puts `tasks` and the plan notes (`month`, `week`: period start and text) on the
    /// calendar of every demo RM. Only in a database made by [`Store::seed_demo`].
    pub fn seed_demo_calendar(
        &mut self,
        tasks: &[DemoTask],
        notes: &[(crate::store::plans::PlanPeriod, String)],
    ) -> Result<usize> {
        self.require_demo("demo tasks are only added to a demo database")?;
        let rms: Vec<i64> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT id FROM users WHERE role = 'rm' ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        self.write(|tx, now| {
            let stamp = ts(now);
            let mut n = 0;
            for rm in &rms {
                let clients: Vec<i64> = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT id FROM clients WHERE owner_id = ?1 ORDER BY id LIMIT 20",
                    )?;
                    let rows = stmt.query_map([rm], |r| r.get(0))?;
                    rows.collect::<rusqlite::Result<_>>()?
                };
                for t in tasks {
                    let client = t.client.and_then(|i| clients.get(i).copied());
                    tx.prepare_cached(
                        "INSERT INTO tasks (owner_id, client_id, title, due_date, due_time, priority, status,
                                            recurrence, anchor_date, done_at, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                    )?
                    .execute(params![
                        rm,
                        client,
                        t.title,
                        t.due.to_string(),
                        t.time,
                        t.priority,
                        if t.done { "done" } else { "open" },
                        t.recurrence,
                        t.anchor.map(|a| a.to_string()),
                        t.done.then(|| stamp.clone()),
                        stamp
                    ])?;
                    n += 1;
                }
                for (period, body) in notes {
                    let (kind, start) = match period {
                        crate::store::plans::PlanPeriod::Month(d) => ("month", d),
                        crate::store::plans::PlanPeriod::Week(d) => ("week", d),
                    };
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO plan_notes (owner_id, period_kind, period_start, body, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![rm, kind, start.to_string(), body, stamp])?;
                }
            }
            let after = format!("tasks={n}");
            let mut e = audit::Entry::new("demo.seed_calendar", "task", None);
            e.after = Some(&after);
            audit::append(tx, now, audit::SYSTEM, e)?;
            Ok(n)
        })
    }
}
