//! Recording and changing visits, the products discussed, follow-up tasks and return
//! calls.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::search::{index_visit, unindex_visit};
use super::Recorded;
use crate::domain::client::FieldError;
use crate::domain::visit::{ValidVisit, VisitInput, RETURN_OUTCOMES};
use crate::store::holdings::{audit_override, suitability_in, Verdict};
use crate::store::{audit, ts, Actor, Result, Role, Store, StoreError};

impl Store {
    /// Records a visit to a client `actor` may see; a next-step date also creates the
    /// follow-up task, in the same transaction. The client's last contact moves forward.
    pub fn record_visit(
        &mut self,
        actor: &Actor,
        client_id: i64,
        input: &VisitInput,
    ) -> Result<Recorded> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        self.client_raw(actor, client_id)?;
        let zone = self.zone();
        let v: ValidVisit = input
            .validate(zone.local(self.now()))
            .map_err(StoreError::Fields)?;
        let at = ts(zone.to_utc(v.visited_at));
        let products = self.product_ids(&v.products)?;
        let today = self.today();
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "INSERT INTO visits (client_id, rm_id, visited_at, channel, purpose, summary, outcome, next_step,
                                     next_step_on, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    client_id,
                    actor.user_id,
                    at,
                    v.channel.code(),
                    v.purpose,
                    v.summary,
                    v.outcome,
                    v.next_step,
                    v.next_step_on.map(|d| d.to_string()),
                    stamp
                ],
            )?;
            let visit_id = tx.last_insert_rowid();
            let words = [v.purpose.as_str(), v.summary.as_str(), v.outcome.as_deref().unwrap_or("")];
            index_visit(tx, visit_id, &at, &words)?;
            tx.execute(
                "UPDATE clients SET last_contact_at = ?1 WHERE id = ?2 AND (last_contact_at IS NULL OR last_contact_at < ?1)",
                params![at, client_id],
            )?;
            let after = format!("client_id={client_id} channel={} at={at}", v.channel.code());
            let mut e = audit::Entry::new("visit.create", "visit", Some(visit_id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            for &product_id in &products {
                discussed(tx, now, actor, client_id, visit_id, product_id, &v, today)?;
            }
            let task_id = match (v.next_step_on, &v.next_step) {
                (Some(due), Some(title)) => Some(follow_up(
                    tx,
                    now,
                    actor,
                    client_id,
                    visit_id,
                    title,
                    &due.to_string(),
                )?),
                _ => None,
            };
            Ok(Recorded { visit_id, task_id })
        })
    }

    /// The ids of the products with `codes` (any case); an unknown code is refused at the
    /// form's products field.
    fn product_ids(&self, codes: &[String]) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM products WHERE code = ?1 COLLATE NOCASE")?;
        let mut ids = Vec::new();
        for code in codes {
            match stmt.query_row([code], |r| r.get(0)).optional()? {
                Some(id) => ids.push(id),
                None => {
                    return Err(StoreError::invalid(
                        "products",
                        "err.visit.product_unknown",
                        format!("no product {code}"),
                    ))
                }
            }
        }
        Ok(ids)
    }

    /// Changes a visit; only the RM who recorded it may. The audit entry keeps every
    /// value as it was, so the original report survives any later edit; visits are never
    /// deleted. A follow-up date moves the open follow-up task (or makes one).
    pub fn update_visit(&mut self, actor: &Actor, id: i64, input: &VisitInput) -> Result<()> {
        let old = self.visit(actor, id)?;
        if old.rm_id != actor.user_id {
            return Err(StoreError::Forbidden);
        }
        let zone = self.zone();
        let v: ValidVisit = input
            .validate(zone.local(self.now()))
            .map_err(StoreError::Fields)?;
        let at = ts(zone.to_utc(v.visited_at));
        let before = describe_visit(
            &old.row.visited_at,
            &old.row.channel,
            &old.row.purpose,
            &old.summary,
            old.outcome.as_deref(),
            old.next_step.as_deref(),
            old.next_step_on.as_deref(),
        );
        let next_on = v.next_step_on.map(|d| d.to_string());
        let after = describe_visit(
            &at,
            v.channel.code(),
            &v.purpose,
            &v.summary,
            v.outcome.as_deref(),
            v.next_step.as_deref(),
            next_on.as_deref(),
        );
        if before == after {
            return Ok(());
        }
        let client_id = old.row.client_id;
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "UPDATE visits SET visited_at = ?1, channel = ?2, purpose = ?3, summary = ?4, outcome = ?5,
                        next_step = ?6, next_step_on = ?7, updated_at = ?8 WHERE id = ?9",
                params![at, v.channel.code(), v.purpose, v.summary, v.outcome, v.next_step, next_on, stamp, id],
            )?;
            unindex_visit(tx, id, &old.row.visited_at)?;
            let words = [v.purpose.as_str(), v.summary.as_str(), v.outcome.as_deref().unwrap_or("")];
            index_visit(tx, id, &at, &words)?;
            audit::append(tx, now, actor.into(), audit::Entry {
                action: "visit.update",
                entity: "visit",
                entity_id: Some(id.to_string()),
                before: Some(&before),
                after: Some(&after),
            })?;
            if let (Some(due), Some(title)) = (&next_on, &v.next_step) {
                match &old.task {
                    Some((task_id, _, status)) if status == "open" => {
                        tx.execute(
                            "UPDATE tasks SET title = ?1, due_date = ?2, updated_at = ?3 WHERE id = ?4",
                            params![title, due, stamp, task_id],
                        )?;
                        let after = format!("visit_id={id} due={due}");
                        let mut e = audit::Entry::new("task.update", "task", Some(*task_id));
                        e.after = Some(&after);
                        audit::append(tx, now, actor.into(), e)?;
                    }
                    Some(_) => {}
                    None => {
                        follow_up(tx, now, actor, client_id, id, title, due)?;
                    }
                }
            }
            Ok(())
        })
    }

    /// A manager records the outcome of a return call (回访) to the client of a visit of
    /// the branch.
    pub fn record_return_call(
        &mut self,
        actor: &Actor,
        visit_id: i64,
        outcome: &str,
        note: &str,
    ) -> Result<()> {
        if actor.role != Role::Manager {
            return Err(StoreError::Forbidden);
        }
        let client_id: i64 = self
            .conn()
            .query_row(
                "SELECT client_id FROM visits WHERE id = ?1",
                [visit_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        self.client_raw(actor, client_id)?;
        if !RETURN_OUTCOMES.contains(&outcome.trim()) {
            return Err(StoreError::Fields(vec![FieldError::new(
                "outcome",
                "err.visit.return_outcome",
                "not an outcome of a return call",
            )]));
        }
        self.write(|tx, now| {
            tx.execute(
                "UPDATE visits SET return_checked_at = ?1, return_checked_by = ?2, return_outcome = ?3,
                        return_note = ?4, updated_at = ?1 WHERE id = ?5",
                params![ts(now), actor.user_id, outcome.trim(), note.trim(), visit_id],
            )?;
            let after = format!("outcome={}", outcome.trim());
            let mut e = audit::Entry::new("visit.return_call", "visit", Some(visit_id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        })
    }
}

fn describe_visit(
    at: &str,
    channel: &str,
    purpose: &str,
    summary: &str,
    outcome: Option<&str>,
    next_step: Option<&str>,
    next_step_on: Option<&str>,
) -> String {
    format!(
        "at={at} channel={channel} purpose={purpose:?} summary={summary:?} outcome={:?} next_step={:?} next_step_on={}",
        outcome.unwrap_or(""),
        next_step.unwrap_or(""),
        next_step_on.unwrap_or("-")
    )
}

/// Records that product `product_id` was discussed (recommended) at visit `visit_id`: only
/// when it suits the client, or a manager overrides with the visit's reason (audited).
/// A refusal names the products field of the visit form.
#[allow(clippy::too_many_arguments)]
fn discussed(
    tx: &Transaction<'_>,
    now: chrono::DateTime<Utc>,
    actor: &Actor,
    client_id: i64,
    visit_id: i64,
    product_id: i64,
    v: &ValidVisit,
    today: NaiveDate,
) -> Result<()> {
    let verdict = suitability_in(
        tx,
        actor,
        client_id,
        product_id,
        v.override_reason.as_deref(),
        today,
    )
    .map_err(|e| match e {
        StoreError::Invalid {
            field: "product",
            key,
            message,
        } => StoreError::Invalid {
            field: "products",
            key,
            message,
        },
        other => other,
    })?;
    let reason = match &verdict {
        Verdict::Suits => None,
        Verdict::Overridden(r) => Some(r.as_str()),
    };
    tx.execute(
        "INSERT INTO visit_products (visit_id, product_id, override_reason) VALUES (?1, ?2, ?3)",
        params![visit_id, product_id, reason],
    )?;
    if let Some(r) = reason {
        audit_override(
            tx,
            now,
            actor,
            client_id,
            product_id,
            r,
            &format!("visit {visit_id}"),
        )?;
    }
    Ok(())
}

/// Creates the follow-up task of visit `visit_id`, with its audit entry.
fn follow_up(
    tx: &Transaction<'_>,
    now: chrono::DateTime<Utc>,
    actor: &Actor,
    client_id: i64,
    visit_id: i64,
    title: &str,
    due: &str,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO tasks (owner_id, client_id, title, due_date, source, visit_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'visit', ?5, ?6, ?6)",
        params![actor.user_id, client_id, title, due, visit_id, ts(now)],
    )?;
    let task_id = tx.last_insert_rowid();
    let after = format!("visit_id={visit_id} due={due}");
    let mut e = audit::Entry::new("task.create", "task", Some(task_id));
    e.after = Some(&after);
    audit::append(tx, now, actor.into(), e)?;
    Ok(task_id)
}
