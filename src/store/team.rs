//! The manager's team: tasks a manager gives an RM of the branch, each RM's portfolio
//! and overdue work, the manager's and the RM's desk lines for home (pending approvals,
//! visits to check by return call, requests' outcomes, clients new to the RM), and
//! closing a client with a reason.
use chrono::{Days, NaiveDate};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use super::approvals::Request;
use super::handover::{manager_branch, member};
use super::{audit, parse_ts, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{FieldError, Tier};
use crate::domain::desk::reason_text;
use crate::domain::money::from_minor;
use crate::domain::task::{Recurrence, TaskInput};

/// Days back a manager's return-call sample looks.
pub const RETURN_CALL_DAYS: u64 = 7;
/// Most visits in the return-call sample.
pub const RETURN_CALL_SAMPLE: usize = 20;
/// Days a decided request stays on the requester's home.
pub const OUTCOME_DAYS: u64 = 14;

/// One RM or manager of the branch on the Team screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Manager rather than RM.
    pub manager: bool,
    /// Account disabled.
    pub disabled: bool,
    /// Clients owned (closed ones not counted).
    pub clients: i64,
    /// Their AUM.
    pub aum: Decimal,
    /// Open tasks due before today.
    pub overdue_tasks: i64,
    /// Pending complaints of their clients at or within two days of the deadline.
    pub complaints_near: i64,
    /// Open tasks the acting manager gave them.
    pub given_open: i64,
    /// Tasks the acting manager gave them that are done.
    pub given_done: i64,
}

/// A visit of the last days still to be checked by a return call (回访).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitToCheck {
    /// Visit id.
    pub id: i64,
    /// Client id.
    pub client_id: i64,
    /// Client name.
    pub client_name: String,
    /// The RM's username.
    pub rm: String,
    /// When (instant).
    pub visited_at: String,
    /// Channel code.
    pub channel: String,
}

/// What the manager's home adds beside today's complaints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerDesk {
    /// Pending requests of the branch, oldest first.
    pub pending: Vec<Request>,
    /// Per RM: overdue tasks and complaints near their deadline (only RMs with some).
    pub team: Vec<TeamMember>,
    /// Visits of the last 7 days still to be checked, a sample, oldest first.
    pub to_check: Vec<VisitToCheck>,
}

/// A client handed to the RM they have not contacted since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToYou {
    /// Client id.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Name.
    pub name: String,
    /// Tier in force.
    pub tier: Tier,
    /// Previous owner's display name.
    pub from: String,
    /// Date of the hand-over.
    pub on: Option<NaiveDate>,
}

/// A task a manager gave, as the RM's home lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenTask {
    /// Task id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// The manager's display name.
    pub from: String,
}

/// What the RM's home adds: their requests' outcomes and clients new to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RmDesk {
    /// Their requests pending, and decided in the last 14 days, newest first.
    pub requests: Vec<Request>,
    /// Clients handed to them and not contacted since.
    pub new_to_you: Vec<NewToYou>,
    /// Open tasks a manager gave them, soonest first.
    pub given: Vec<GivenTask>,
}

/// Closed on a date, for a reason (the 360 view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// The day it was closed.
    pub on: NaiveDate,
    /// Why.
    pub reason: String,
}

impl Store {
    /// Gives an active RM of the branch a task (managers); it is on the RM's calendar
    /// "from" the manager, and the manager sees it done on the Team screen. A client
    /// named must be the RM's.
    pub fn give_task(&mut self, actor: &Actor, rm: &str, input: &TaskInput) -> Result<i64> {
        let branch = manager_branch(actor)?;
        let to = member(self.conn(), branch, rm)?
            .filter(|m| m.rm && !m.disabled && m.id != actor.user_id)
            .ok_or_else(|| {
                StoreError::invalid(
                    "rm",
                    "err.team.rm",
                    format!("{} is not an active RM of your branch", rm.trim()),
                )
            })?;
        let v = input.validate().map_err(StoreError::Fields)?;
        let client = match v.client_no.as_deref() {
            None => None,
            Some(no) => Some(
                self.conn()
                    .query_row(
                        "SELECT id FROM clients WHERE client_no = ?1 AND owner_id = ?2",
                        params![no.to_uppercase(), to.id],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()?
                    .ok_or_else(|| {
                        StoreError::Fields(vec![FieldError::new(
                            "client_no",
                            "err.team.client",
                            "not a client of this RM",
                        )])
                    })?,
            ),
        };
        let anchor = (v.recurrence != Recurrence::None).then(|| v.due_date.to_string());
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "INSERT INTO tasks (owner_id, client_id, title, notes, due_date, due_time, priority, status,
                                    recurrence, anchor_date, source, assigned_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9, 'manual', ?10, ?11, ?11)",
                params![
                    to.id,
                    client,
                    v.title,
                    v.notes,
                    v.due_date.to_string(),
                    v.due_time,
                    v.priority.code(),
                    v.recurrence.code(),
                    anchor,
                    actor.user_id,
                    stamp
                ],
            )?;
            let id = tx.last_insert_rowid();
            let after = format!("to={} due={} title={}", to.username, v.due_date, v.title);
            let mut e = audit::Entry::new("task.assign", "task", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }

    /// The RMs and managers of the branch with their portfolios and overdue work
    /// (managers), by username.
    pub fn team(&self, actor: &Actor) -> Result<Vec<TeamMember>> {
        let branch = manager_branch(actor)?;
        let today = self.today();
        let soon = today.checked_add_days(Days::new(2)).unwrap_or(today);
        let mut stmt = self.conn().prepare_cached(
            "SELECT u.id, u.username, u.display_name, u.role, u.disabled,
                (SELECT count(*) FROM clients c WHERE c.owner_id = u.id AND c.status <> 'closed'),
                (SELECT coalesce(sum(c.aum_minor), 0) FROM clients c WHERE c.owner_id = u.id AND c.status <> 'closed'),
                (SELECT count(*) FROM tasks t WHERE t.owner_id = u.id AND t.status = 'open' AND t.due_date < ?2),
                (SELECT count(*) FROM feedback f JOIN clients c ON c.id = f.client_id
                   WHERE c.owner_id = u.id AND f.kind = 'complaint'
                     AND f.status IN ('open', 'in_progress') AND f.deadline <= ?3),
                (SELECT count(*) FROM tasks t WHERE t.owner_id = u.id AND t.assigned_by = ?4 AND t.status = 'open'),
                (SELECT count(*) FROM tasks t WHERE t.owner_id = u.id AND t.assigned_by = ?4 AND t.status = 'done')
             FROM users u WHERE u.branch_id = ?1 AND u.role IN ('rm', 'manager')
             ORDER BY u.role DESC, u.username",
        )?;
        let rows = stmt.query_map(
            params![branch, today.to_string(), soon.to_string(), actor.user_id],
            |r| {
                Ok(TeamMember {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    display_name: r.get(2)?,
                    manager: r.get::<_, String>(3)? == "manager",
                    disabled: r.get::<_, i64>(4)? != 0,
                    clients: r.get(5)?,
                    aum: from_minor(r.get(6)?),
                    overdue_tasks: r.get(7)?,
                    complaints_near: r.get(8)?,
                    given_open: r.get(9)?,
                    given_done: r.get(10)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The manager's home additions: pending approvals, each RM's overdue tasks and
    /// complaints near their deadline, and the visits of the last 7 days to check.
    pub fn manager_desk(&self, actor: &Actor) -> Result<ManagerDesk> {
        let branch = manager_branch(actor)?;
        let pending = self.requests(actor, true)?;
        let team = self
            .team(actor)?
            .into_iter()
            .filter(|m| m.overdue_tasks > 0 || m.complaints_near > 0)
            .collect();
        let since = self
            .today()
            .checked_sub_days(Days::new(RETURN_CALL_DAYS))
            .unwrap_or_else(|| self.today());
        let mut stmt = self.conn().prepare_cached(
            "SELECT v.id, v.client_id, c.name, u.username, v.visited_at, v.channel
             FROM visits v JOIN clients c ON c.id = v.client_id JOIN users u ON u.id = v.rm_id
             WHERE c.branch_id = ?1 AND v.return_checked_at IS NULL AND v.visited_at >= ?2
               AND v.visited_at <= ?3
             ORDER BY v.visited_at, v.id LIMIT ?4",
        )?;
        let to_check = stmt
            .query_map(
                params![
                    branch,
                    since.to_string(),
                    ts(self.now()),
                    RETURN_CALL_SAMPLE as i64
                ],
                |r| {
                    Ok(VisitToCheck {
                        id: r.get(0)?,
                        client_id: r.get(1)?,
                        client_name: r.get(2)?,
                        rm: r.get(3)?,
                        visited_at: r.get(4)?,
                        channel: r.get(5)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ManagerDesk {
            pending,
            team,
            to_check,
        })
    }

    /// The RM's home additions: their requests and outcomes, clients new to them, and
    /// the tasks a manager gave them.
    pub fn rm_desk(&self, actor: &Actor) -> Result<RmDesk> {
        if actor.role != Role::Rm {
            return Err(StoreError::Forbidden);
        }
        let since = self
            .now()
            .checked_sub_days(Days::new(OUTCOME_DAYS))
            .map(ts)
            .unwrap_or_default();
        let requests = self
            .requests(actor, false)?
            .into_iter()
            .filter(|r| r.decided_at.as_deref().map_or(true, |d| *d >= *since))
            .take(20)
            .collect();
        let zone = self.zone();
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.client_no, c.name, coalesce(c.tier_override, c.tier), f.display_name, h.at
             FROM clients c
             JOIN handover_clients hc ON hc.client_id = c.id AND hc.to_id = c.owner_id
             JOIN handovers h ON h.id = hc.handover_id JOIN users f ON f.id = h.from_id
             WHERE c.owner_id = ?1 AND c.status <> 'closed'
               AND (c.last_contact_at IS NULL OR c.last_contact_at < h.at)
               AND hc.handover_id = (SELECT max(x.handover_id) FROM handover_clients x WHERE x.client_id = c.id)
             ORDER BY h.at DESC, c.name, c.id LIMIT 50",
        )?;
        let new_to_you = stmt
            .query_map([actor.user_id], |r| {
                let tier: String = r.get(3)?;
                let at: String = r.get(5)?;
                Ok(NewToYou {
                    client_id: r.get(0)?,
                    client_no: r.get(1)?,
                    name: r.get(2)?,
                    tier: tier.parse().unwrap_or(Tier::General),
                    from: r.get(4)?,
                    on: parse_ts(&at).map(|t| zone.date(t)),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.id, t.title, t.due_date, g.display_name FROM tasks t JOIN users g ON g.id = t.assigned_by
             WHERE t.owner_id = ?1 AND t.status = 'open' ORDER BY t.due_date, t.id LIMIT 20",
        )?;
        let given = stmt
            .query_map([actor.user_id], |r| {
                let due: String = r.get(2)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    due,
                    r.get::<_, String>(3)?,
                ))
            })?
            .filter_map(|row| match row {
                Ok((id, title, due, from)) => {
                    NaiveDate::parse_from_str(&due, "%Y-%m-%d")
                        .ok()
                        .map(|due_date| {
                            Ok(GivenTask {
                                id,
                                title,
                                due_date,
                                from,
                            })
                        })
                }
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(RmDesk {
            requests,
            new_to_you,
            given,
        })
    }

    /// Closes a client the actor may see, with a reason (archived: the row and its
    /// history stay; the list hides it unless filtered for closed clients).
    pub fn close_client(&mut self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let c = self.client_raw(actor, id)?;
        if c.fields.status == "closed" {
            return Err(StoreError::invalid(
                "status",
                "err.client.closed",
                "the client is already closed",
            ));
        }
        let reason = reason_text(reason)
            .map_err(|e| StoreError::invalid("reason", e.key(), e.to_string()))?;
        let today = self.today();
        self.write(|tx, now| {
            tx.execute(
                "UPDATE clients SET status = 'closed', closed_on = ?1, closed_reason = ?2, updated_at = ?3
                 WHERE id = ?4",
                params![today.to_string(), reason, ts(now), id],
            )?;
            let before = format!("status={}", c.fields.status);
            let after = format!("status=closed closed_on={today} reason={reason}");
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "client.close",
                    entity: "client",
                    entity_id: Some(id.to_string()),
                    before: Some(&before),
                    after: Some(&after),
                },
            )
        })
    }

    /// The id of the client numbered `client_no`, if the actor may see it.
    pub fn client_id_by_no(&self, actor: &Actor, client_no: &str) -> Result<Option<i64>> {
        let (scope_sql, scope_arg) = super::clients::scope(actor);
        let sql = format!("SELECT c.id FROM clients c WHERE c.client_no = ? AND {scope_sql}");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![client_no.trim().to_uppercase(), scope_arg], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// When and why a client was closed, if it is.
    pub fn client_closure(&self, actor: &Actor, id: i64) -> Result<Option<Closure>> {
        self.client_raw(actor, id)?;
        let row: Option<(Option<String>, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT closed_on, closed_reason FROM clients WHERE id = ?1 AND status = 'closed'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(on, reason)| {
            let on = NaiveDate::parse_from_str(on.as_deref()?, "%Y-%m-%d").ok()?;
            Some(Closure {
                on,
                reason: reason.unwrap_or_default(),
            })
        }))
    }
}
