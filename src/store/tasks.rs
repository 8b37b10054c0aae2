//! Tasks of the calendar (工作计划), scoped by whose calendar it is (plan notes:
//! `plans.rs`).
//!
//! An RM reads and writes their own calendar; a manager reads the calendar of any user of
//! their branch and writes only their own; an administrator has none (`Forbidden`). A
//! calendar outside the actor's reach is `NotFound`, as one that does not exist.
//!
//! A recurring series is stored as one row per occurrence acted on: the open row is the
//! pending occurrence; completing it writes the next one (`domain::task`) in the same
//! transaction. The later occurrences are computed for the range asked for
//! ([`Occurrence::projected`]), so a series shows on every day it occurs.
use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, OptionalExtension, Row};

use super::clients::scope;
use super::{audit, parse_ts, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::FieldError;
use crate::domain::ics::IcsTask;
use crate::domain::task::{
    next_occurrence, occurrences, Priority, Recurrence, TaskInput, TaskSource, TaskStatus,
    ValidTask,
};

/// A task as the calendar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Row id.
    pub id: i64,
    /// Whose calendar it is on.
    pub owner_id: i64,
    /// The client it is about.
    pub client_id: Option<i64>,
    /// That client's number.
    pub client_no: Option<String>,
    /// That client's name.
    pub client_name: Option<String>,
    /// Title.
    pub title: String,
    /// Notes.
    pub notes: Option<String>,
    /// Due date (for a series: its pending occurrence).
    pub due_date: NaiveDate,
    /// Due time, `HH:MM`.
    pub due_time: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Status.
    pub status: TaskStatus,
    /// Recurrence of the series.
    pub recurrence: Recurrence,
    /// First due date of the series (monthly and yearly series count from it).
    pub anchor_date: Option<NaiveDate>,
    /// What made it.
    pub source: TaskSource,
    /// The visit whose next step it is.
    pub visit_id: Option<i64>,
    /// When it was done (instant).
    pub done_at: Option<String>,
}

impl Task {
    /// The series' anchor: the stored one, else the due date.
    pub fn anchor(&self) -> NaiveDate {
        self.anchor_date.unwrap_or(self.due_date)
    }

    /// The task as the form shows it.
    pub fn input(&self) -> TaskInput {
        TaskInput {
            title: self.title.clone(),
            notes: self.notes.clone().unwrap_or_default(),
            due_date: self.due_date.to_string(),
            due_time: self.due_time.clone().unwrap_or_default(),
            priority: self.priority.code().into(),
            recurrence: self.recurrence.code().into(),
            status: self.status.code().into(),
            client_no: self.client_no.clone().unwrap_or_default(),
        }
    }
}

/// One day on which a task occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The day.
    pub date: NaiveDate,
    /// A later occurrence of a series, computed (the task row is the pending one).
    pub projected: bool,
    /// The task.
    pub task: Task,
}

impl Occurrence {
    /// Whether it is still to do and its day is before `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.task.status == TaskStatus::Open && self.date < today
    }
}

/// A user whose calendar the actor may open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarOwner {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
}

/// What completing a task did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completed {
    /// The next occurrence of its series (new open task, due date), if it recurs.
    pub next: Option<(i64, NaiveDate)>,
}

const TASK_COLUMNS: &str = "t.id, t.owner_id, t.client_id, c.client_no, c.name, t.title, t.notes,
     t.due_date, t.due_time, t.priority, t.status, t.recurrence, t.anchor_date, t.source,
     t.visit_id, t.done_at";

fn bad(i: usize, s: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(i, s.to_string(), rusqlite::types::Type::Text)
}

fn date_col(r: &Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| bad(i, &s))
}

fn coded<T: std::str::FromStr>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse::<T>().map_err(|_| bad(i, &s))
}

fn read_task(r: &Row<'_>) -> rusqlite::Result<Task> {
    let anchor: Option<String> = r.get(12)?;
    Ok(Task {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        client_id: r.get(2)?,
        client_no: r.get(3)?,
        client_name: r.get(4)?,
        title: r.get(5)?,
        notes: r.get(6)?,
        due_date: date_col(r, 7)?,
        due_time: r.get(8)?,
        priority: coded(r, 9)?,
        status: coded(r, 10)?,
        recurrence: coded(r, 11)?,
        anchor_date: anchor
            .map(|a| NaiveDate::parse_from_str(&a, "%Y-%m-%d").map_err(|_| bad(12, &a)))
            .transpose()?,
        source: coded(r, 13)?,
        visit_id: r.get(14)?,
        done_at: r.get(15)?,
    })
}

impl Store {
    /// `Ok` when `actor` may read `owner`'s calendar: their own, or (managers) any user's
    /// of their branch.
    pub(super) fn readable_calendar(&self, actor: &Actor, owner: i64) -> Result<()> {
        match actor.role {
            Role::Admin => Err(StoreError::Forbidden),
            _ if owner == actor.user_id => Ok(()),
            Role::Rm => Err(StoreError::NotFound),
            Role::Manager => {
                let same: Option<i64> = self
                    .conn()
                    .query_row(
                        "SELECT 1 FROM users WHERE id = ?1 AND branch_id = ?2 AND role <> 'admin'",
                        params![owner, actor.branch_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                same.map(|_| ()).ok_or(StoreError::NotFound)
            }
        }
    }

    /// The calendars `actor` may open: their own first, then (managers) every other RM
    /// and manager of the branch by username.
    pub fn calendar_owners(&self, actor: &Actor) -> Result<Vec<CalendarOwner>> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let mut out = vec![CalendarOwner {
            id: actor.user_id,
            username: actor.username.clone(),
            display_name: actor.display_name.clone(),
        }];
        if actor.role == Role::Manager {
            let mut stmt = self.conn().prepare_cached(
                "SELECT id, username, display_name FROM users
                 WHERE branch_id = ?1 AND role <> 'admin' AND id <> ?2 AND disabled = 0
                 ORDER BY username",
            )?;
            let rows = stmt.query_map(params![actor.branch_id, actor.user_id], |r| {
                Ok(CalendarOwner {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    display_name: r.get(2)?,
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// Every occurrence on `owner`'s calendar between `from` and `to` (inclusive): the
    /// stored tasks due then (any status) and the later occurrences of open series; by
    /// day, time, priority (high first).
    pub fn tasks_between(
        &self,
        actor: &Actor,
        owner: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Occurrence>> {
        self.readable_calendar(actor, owner)?;
        let (f, t) = (from.to_string(), to.to_string());
        let mut out = Vec::new();
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t LEFT JOIN clients c ON c.id = t.client_id
             WHERE t.owner_id = ?1 AND t.status IN ('open', 'done', 'cancelled')
               AND t.due_date BETWEEN ?2 AND ?3"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        for task in stmt.query_map(params![owner, f, t], read_task)? {
            let task = task?;
            out.push(Occurrence {
                date: task.due_date,
                projected: false,
                task,
            });
        }
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t LEFT JOIN clients c ON c.id = t.client_id
             WHERE t.owner_id = ?1 AND t.status = 'open' AND t.due_date <= ?2
               AND t.recurrence <> 'none'"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        for task in stmt.query_map(params![owner, t], read_task)? {
            let task = task?;
            for date in occurrences(task.recurrence, task.anchor(), task.due_date, from, to) {
                if date != task.due_date {
                    out.push(Occurrence {
                        date,
                        projected: true,
                        task: task.clone(),
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            (
                a.date,
                &a.task.due_time,
                std::cmp::Reverse(a.task.priority),
                a.task.id,
            )
                .cmp(&(
                    b.date,
                    &b.task.due_time,
                    std::cmp::Reverse(b.task.priority),
                    b.task.id,
                ))
        });
        Ok(out)
    }

    /// One task of a calendar `actor` may read.
    pub fn task(&self, actor: &Actor, id: i64) -> Result<Task> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t LEFT JOIN clients c ON c.id = t.client_id WHERE t.id = ?1"
        );
        let task = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], read_task)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        self.readable_calendar(actor, task.owner_id)?;
        Ok(task)
    }

    /// A task `actor` may change: on their own calendar. Another's that they may read is
    /// `Forbidden` (read-only), anything else `NotFound`.
    fn own_task(&self, actor: &Actor, id: i64) -> Result<Task> {
        let task = self.task(actor, id)?;
        if task.owner_id != actor.user_id {
            return Err(StoreError::Forbidden);
        }
        Ok(task)
    }

    /// The id of the client numbered `client_no` if `actor` may see it, else an error
    /// at the client field.
    fn task_client(&self, actor: &Actor, client_no: Option<&str>) -> Result<Option<i64>> {
        let Some(no) = client_no else { return Ok(None) };
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!("SELECT c.id FROM clients c WHERE c.client_no = ? AND {scope_sql}");
        let id: Option<i64> = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![no.to_uppercase(), scope_arg], |r| r.get(0))
            .optional()?;
        id.map(Some).ok_or_else(|| {
            StoreError::Fields(vec![FieldError::new(
                "client_no",
                "err.task.client",
                "no such client of yours",
            )])
        })
    }

    fn valid_task(&self, actor: &Actor, input: &TaskInput) -> Result<(ValidTask, Option<i64>)> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let v = input.validate().map_err(StoreError::Fields)?;
        let client = self.task_client(actor, v.client_no.as_deref())?;
        Ok((v, client))
    }

    /// Adds a task to `actor`'s own calendar (source: manual). Returns its id.
    pub fn create_task(&mut self, actor: &Actor, input: &TaskInput) -> Result<i64> {
        let (v, client) = self.valid_task(actor, input)?;
        let anchor = (v.recurrence != Recurrence::None).then(|| v.due_date.to_string());
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "INSERT INTO tasks (owner_id, client_id, title, notes, due_date, due_time, priority, status,
                                    recurrence, anchor_date, source, done_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'manual',
                         CASE WHEN ?8 = 'done' THEN ?11 END, ?11, ?11)",
                params![
                    actor.user_id,
                    client,
                    v.title,
                    v.notes,
                    v.due_date.to_string(),
                    v.due_time,
                    v.priority.code(),
                    v.status.code(),
                    v.recurrence.code(),
                    anchor,
                    stamp
                ],
            )?;
            let id = tx.last_insert_rowid();
            let after = format!("due={} recurrence={}", v.due_date, v.recurrence);
            let mut e = audit::Entry::new("task.create", "task", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }

    /// Changes a task of `actor`'s own calendar. A new due date or recurrence restarts
    /// the series from the new date. Setting the status to done completes it (the next
    /// occurrence of a series is written, as by [`Store::complete_task`]).
    pub fn update_task(&mut self, actor: &Actor, id: i64, input: &TaskInput) -> Result<Completed> {
        let old = self.own_task(actor, id)?;
        let (v, client) = self.valid_task(actor, input)?;
        let restart = v.due_date != old.due_date || v.recurrence != old.recurrence;
        let anchor = match (v.recurrence, restart) {
            (Recurrence::None, _) => None,
            (_, true) => Some(v.due_date),
            (_, false) => Some(old.anchor()),
        };
        if old.status == TaskStatus::Done
            && v.status == TaskStatus::Open
            && old.recurrence != Recurrence::None
        {
            // Its next occurrence was written when it was done; reopening would double it.
            return Err(StoreError::invalid(
                "status",
                "err.task.reopen_series",
                "a done occurrence of a series cannot be reopened",
            ));
        }
        let completing = old.status == TaskStatus::Open && v.status == TaskStatus::Done;
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "UPDATE tasks SET client_id = ?1, title = ?2, notes = ?3, due_date = ?4, due_time = ?5,
                        priority = ?6, status = ?7, recurrence = ?8, anchor_date = ?9,
                        done_at = CASE WHEN ?7 = 'done' THEN coalesce(done_at, ?10) END, updated_at = ?10
                 WHERE id = ?11",
                params![
                    client,
                    v.title,
                    v.notes,
                    v.due_date.to_string(),
                    v.due_time,
                    v.priority.code(),
                    v.status.code(),
                    v.recurrence.code(),
                    anchor.map(|a| a.to_string()),
                    stamp,
                    id
                ],
            )?;
            let before = format!("due={} status={}", old.due_date, old.status);
            let after = format!("due={} status={}", v.due_date, v.status);
            audit::append(tx, now, actor.into(), audit::Entry {
                action: "task.update",
                entity: "task",
                entity_id: Some(id.to_string()),
                before: Some(&before),
                after: Some(&after),
            })?;
            let next = if completing {
                write_next(tx, actor, id, v.recurrence, anchor.unwrap_or(v.due_date), v.due_date, now)?
            } else {
                None
            };
            Ok(Completed { next })
        })
    }

    /// Marks an open task of `actor`'s own calendar done; for a series, writes the next
    /// occurrence as a new open task in the same transaction.
    pub fn complete_task(&mut self, actor: &Actor, id: i64) -> Result<Completed> {
        let task = self.own_task(actor, id)?;
        if task.status != TaskStatus::Open {
            return Err(StoreError::invalid(
                "status",
                "err.task.not_open",
                "the task is not open",
            ));
        }
        self.write(|tx, now| {
            tx.execute(
                "UPDATE tasks SET status = 'done', done_at = ?1, updated_at = ?1 WHERE id = ?2 AND status = 'open'",
                params![ts(now), id],
            )?;
            let after = format!("status=done due={}", task.due_date);
            let mut e = audit::Entry::new("task.done", "task", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            let next = write_next(tx, actor, id, task.recurrence, task.anchor(), task.due_date, now)?;
            Ok(Completed { next })
        })
    }

    /// Every task of `actor`'s own calendar as iCalendar entries (audited as an export).
    pub fn calendar_export(&mut self, actor: &Actor) -> Result<Vec<IcsTask>> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t LEFT JOIN clients c ON c.id = t.client_id
             WHERE t.owner_id = ?1 ORDER BY t.due_date, t.id"
        );
        let tasks: Vec<Task> = {
            let mut stmt = self.conn().prepare(&sql)?;
            let rows = stmt.query_map([actor.user_id], read_task)?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let out: Vec<IcsTask> = tasks.iter().map(ics_task).collect();
        let n = out.len().to_string();
        self.write(|tx, now| {
            let mut e = audit::Entry::new("calendar.export", "task", None);
            e.after = Some(&n);
            audit::append(tx, now, actor.into(), e)
        })?;
        Ok(out)
    }
}

impl Store {
    /// Writes `actor`'s calendar to `path` as an iCalendar file, privately and durably
    /// ([`super::files::write_private_atomic`]: a `.partial` file flushed to disk and
    /// renamed, so a failed export or a power loss leaves no half file). Returns how
    /// many tasks it holds.
    pub fn export_calendar_to_file(
        &mut self,
        actor: &Actor,
        path: &std::path::Path,
    ) -> Result<usize> {
        let tasks = self.calendar_export(actor)?;
        let text = crate::domain::ics::calendar(&tasks, self.now());
        super::files::write_private_bytes(path, text.as_bytes())
            .map_err(|e| StoreError::write_failed(path, e))?;
        Ok(tasks.len())
    }
}

/// A stored task as an iCalendar entry.
fn ics_task(t: &Task) -> IcsTask {
    let mut description = t.notes.clone().unwrap_or_default();
    if let (Some(no), Some(name)) = (&t.client_no, &t.client_name) {
        if !description.is_empty() {
            description.push('\n');
        }
        description.push_str(&format!("{no} {name}"));
    }
    IcsTask {
        uid: format!("task-{}-{}@rmdesk", t.owner_id, t.id),
        title: t.title.clone(),
        description: Some(description).filter(|d| !d.is_empty()),
        due: t.due_date,
        time: t
            .due_time
            .as_deref()
            .and_then(|s| NaiveTime::parse_from_str(s, "%H:%M").ok()),
        priority: t.priority,
        status: t.status,
        recurrence: t.recurrence,
        anchor: t.anchor(),
        completed: t.done_at.as_deref().and_then(parse_ts),
        category: t.source.code().to_string(),
    }
}

/// Writes the occurrence after `due` of a series as a new open task (copied from task
/// `id`); `None` for a one-off task.
fn write_next(
    tx: &rusqlite::Transaction<'_>,
    actor: &Actor,
    id: i64,
    rule: Recurrence,
    anchor: NaiveDate,
    due: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(i64, NaiveDate)>> {
    let Some(next) = next_occurrence(rule, anchor, due) else {
        return Ok(None);
    };
    tx.execute(
        "INSERT INTO tasks (owner_id, client_id, title, notes, due_date, due_time, priority, status,
                            recurrence, anchor_date, source, created_at, updated_at)
         SELECT owner_id, client_id, title, notes, ?1, due_time, priority, 'open', recurrence, ?2,
                source, ?3, ?3
         FROM tasks WHERE id = ?4",
        params![next.to_string(), anchor.to_string(), ts(now), id],
    )?;
    let new_id = tx.last_insert_rowid();
    let after = format!("series_of={id} due={next}");
    let mut e = audit::Entry::new("task.create", "task", Some(new_id));
    e.after = Some(&after);
    audit::append(tx, now, actor.into(), e)?;
    Ok(Some((new_id, next)))
}
