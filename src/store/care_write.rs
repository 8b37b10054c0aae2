//! A care line turned into work: a task due today for the client's RM (the RM's own, or
//! given by their manager), or the greeting recorded as a contact (a visit of channel
//! "message", now). Both go through the usual writes, so they are checked, scoped and
//! audited like any task or visit (`task.create`, `visit.create`).
use rusqlite::{params, OptionalExtension};

use super::clients::scope;
use super::{Actor, Result, Role, Store, StoreError};
use crate::domain::task::TaskInput;
use crate::domain::visit::VisitInput;

impl Store {
    /// Makes a task due today titled `title` about client `client_id`, on the calendar
    /// of the client's RM: `actor`'s own, or, for a manager, given to the RM. Returns the
    /// task's id.
    pub fn care_task(&mut self, actor: &Actor, client_id: i64, title: &str) -> Result<i64> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let (scope_sql, scope_arg) = scope(actor);
        let (client_no, owner_id, owner): (String, i64, String) = self
            .conn()
            .query_row(
                &format!(
                    "SELECT c.client_no, c.owner_id, u.username FROM clients c
                     JOIN users u ON u.id = c.owner_id WHERE c.id = ? AND {scope_sql}"
                ),
                params![client_id, scope_arg],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let input = TaskInput {
            title: title.to_string(),
            due_date: self.today().to_string(),
            client_no,
            ..TaskInput::default()
        };
        if owner_id == actor.user_id {
            self.create_task(actor, &input)
        } else {
            self.give_task(actor, &owner, &input)
        }
    }

    /// Records the greeting to client `client_id` as a contact now: a visit of channel
    /// "message" with `purpose` and `summary`. Returns the visit's id.
    pub fn care_greeting(
        &mut self,
        actor: &Actor,
        client_id: i64,
        purpose: &str,
        summary: &str,
    ) -> Result<i64> {
        let now = self.zone().local(self.now());
        let input = VisitInput {
            visited_at: now.format("%Y-%m-%d %H:%M").to_string(),
            channel: "message".into(),
            purpose: purpose.to_string(),
            summary: summary.to_string(),
            ..VisitInput::default()
        };
        Ok(self.record_visit(actor, client_id, &input)?.visit_id)
    }
}
