//! Plan notes beside the calendar (月有规划、周有目标): one note per user for a month
//! and for a week. Read as the calendar is (own, or a manager any of the branch); written
//! only by their owner. Notes are replaced, never deleted.
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::{audit, ts, Actor, Result, Role, Store, StoreError};

/// Plan note periods (月有规划、周有目标).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanPeriod {
    /// The month starting on this first day.
    Month(NaiveDate),
    /// The week starting on this Monday.
    Week(NaiveDate),
}

impl PlanPeriod {
    pub(crate) fn parts(self) -> (&'static str, String) {
        match self {
            PlanPeriod::Month(d) => ("month", d.to_string()),
            PlanPeriod::Week(d) => ("week", d.to_string()),
        }
    }
}

impl Store {
    /// The plan note of `owner` for `period` (empty when none was written).
    pub fn plan_note(&self, actor: &Actor, owner: i64, period: PlanPeriod) -> Result<String> {
        self.readable_calendar(actor, owner)?;
        let (kind, start) = period.parts();
        let body: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT body FROM plan_notes WHERE owner_id = ?1 AND period_kind = ?2 AND period_start = ?3",
            )?
            .query_row(params![owner, kind, start], |r| r.get(0))
            .optional()?;
        Ok(body.unwrap_or_default())
    }

    /// Writes `actor`'s own plan note for `period` (an empty body keeps an empty note:
    /// notes are replaced, never deleted).
    pub fn save_plan_note(&mut self, actor: &Actor, period: PlanPeriod, body: &str) -> Result<()> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let (kind, start) = period.parts();
        let body = body.trim_end().to_string();
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO plan_notes (owner_id, period_kind, period_start, body, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (owner_id, period_kind, period_start)
                 DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![actor.user_id, kind, start, body, ts(now)],
            )?;
            let id = format!("{kind}:{start}");
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "plan_note.save",
                    entity: "plan_note",
                    entity_id: Some(id),
                    before: None,
                    after: None,
                },
            )
        })
    }
}
