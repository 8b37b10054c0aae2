//! The desk's kinds on home (issue 12's lines), each from the index that narrows it so
//! home stays as quick at a million clients as at a hundred: a manager's RMs with
//! overdue tasks (`tasks_owner_due`, counted on the index) and complaints near their
//! deadline (the branch's pending feedback, `feedback_branch_pending`); the branch's
//! visits of the last 7 days still to be checked by a return call (`visits_branch_time`);
//! an RM's clients handed to them and not contacted since (`handover_clients_to`).
//! Pending approvals and request outcomes are `Store::requests`.
use chrono::Days;
use rusqlite::params;

use super::super::team::{NewToYou, VisitToCheck, RETURN_CALL_DAYS};
use super::{Actor, Result, Role, Store, StoreError, COUNT_CAP};
use crate::domain::client::Tier;
use crate::store::{parse_ts, ts};

/// An RM of the branch with overdue work, for the manager's home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RmOverdue {
    /// The RM's display name.
    pub name: String,
    /// Open tasks due before today.
    pub tasks: i64,
    /// Pending complaints of their clients at or within two days of the deadline.
    pub complaints: i64,
}

fn cap() -> i64 {
    i64::try_from(COUNT_CAP).unwrap_or(i64::MAX)
}

fn manager_branch(actor: &Actor) -> Result<i64> {
    match (actor.role, actor.branch_id) {
        (Role::Manager, Some(b)) => Ok(b),
        _ => Err(StoreError::Forbidden),
    }
}

impl Store {
    /// The branch's RMs and managers with overdue tasks or complaints near their
    /// deadline, by display name (managers).
    pub fn home_overdue_by_rm(&self, actor: &Actor) -> Result<Vec<RmOverdue>> {
        let branch = manager_branch(actor)?;
        let today = self.today();
        let soon = today.checked_add_days(Days::new(2)).unwrap_or(today);
        let mut stmt = self.conn().prepare_cached(
            "SELECT u.display_name,
                (SELECT count(*) FROM tasks t WHERE t.owner_id = u.id AND t.status = 'open' AND t.due_date < ?2),
                (SELECT n FROM (SELECT c.owner_id AS owner, count(*) AS n
                                FROM feedback f CROSS JOIN clients c ON c.id = f.client_id
                                WHERE f.branch_id = ?1 AND f.status IN ('open', 'in_progress')
                                  AND f.deadline <= ?3 AND f.kind = 'complaint'
                                GROUP BY c.owner_id) WHERE owner = u.id)
             FROM users u WHERE u.branch_id = ?1 AND u.role IN ('rm', 'manager')
             ORDER BY u.display_name, u.id",
        )?;
        let rows = stmt.query_map(params![branch, today.to_string(), soon.to_string()], |r| {
            Ok(RmOverdue {
                name: r.get(0)?,
                tasks: r.get(1)?,
                complaints: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let m = row?;
            if m.tasks > 0 || m.complaints > 0 {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// The branch's visits of the last 7 days not yet checked by a return call, the
    /// oldest `limit` first, and how many there are (managers).
    pub fn home_visits_to_check(
        &self,
        actor: &Actor,
        limit: usize,
    ) -> Result<(Vec<VisitToCheck>, usize)> {
        let branch = manager_branch(actor)?;
        let today = self.today();
        let since = ts(self.zone().day_start(
            today
                .checked_sub_days(Days::new(RETURN_CALL_DAYS))
                .unwrap_or(today),
        ));
        let now = ts(self.now());
        let (sql, count_sql) = to_check_sql();
        let n: i64 = self
            .conn()
            .prepare_cached(count_sql)?
            .query_row(params![branch, since, now, cap()], |r| r.get(0))?;
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map(
            params![branch, since, now, i64::try_from(limit).unwrap_or(i64::MAX)],
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
        )?;
        let lines = rows.collect::<rusqlite::Result<_>>()?;
        Ok((lines, usize::try_from(n).unwrap_or(0)))
    }

    /// The RM's clients handed to them and not contacted since, the latest hand-over
    /// first, at most `limit`, and how many there are (RMs).
    pub fn home_new_to_you(&self, actor: &Actor, limit: usize) -> Result<(Vec<NewToYou>, usize)> {
        if actor.role != Role::Rm {
            return Err(StoreError::Forbidden);
        }
        let zone = self.zone();
        let (sql, count_sql) = new_to_you_sql();
        let n: i64 = self
            .conn()
            .prepare_cached(count_sql)?
            .query_row(params![actor.user_id, cap()], |r| r.get(0))?;
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map(
            params![actor.user_id, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
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
            },
        )?;
        let lines = rows.collect::<rusqlite::Result<_>>()?;
        Ok((lines, usize::try_from(n).unwrap_or(0)))
    }
}

/// Visits to check and their count (parameters: branch, from, to, limit): a walk of
/// `visits_branch_time`; the count stops at [`COUNT_CAP`].
pub fn to_check_sql() -> (&'static str, &'static str) {
    (
        "SELECT v.id, v.client_id, c.name, u.username, v.visited_at, v.channel
         FROM visits v CROSS JOIN clients c ON c.id = v.client_id CROSS JOIN users u ON u.id = v.rm_id
         WHERE v.branch_id = ?1 AND v.visited_at >= ?2 AND v.visited_at <= ?3
           AND v.return_checked_at IS NULL
         ORDER BY v.visited_at, v.id LIMIT ?4",
        "SELECT count(*) FROM (SELECT 1 FROM visits v
         WHERE v.branch_id = ?1 AND v.visited_at >= ?2 AND v.visited_at <= ?3
           AND v.return_checked_at IS NULL LIMIT ?4)",
    )
}

/// Clients new to the RM and their count (parameters: the RM, limit): their hand-over
/// lines (`handover_clients_to`) whose client is still theirs, not closed, not contacted
/// since, and last handed over by that hand-over; the count stops at [`COUNT_CAP`].
pub fn new_to_you_sql() -> (&'static str, &'static str) {
    (
        "SELECT c.id, c.client_no, c.name, coalesce(c.tier_override, c.tier), f.display_name, h.at
         FROM handover_clients hc CROSS JOIN clients c ON c.id = hc.client_id
         CROSS JOIN handovers h ON h.id = hc.handover_id CROSS JOIN users f ON f.id = h.from_id
         WHERE hc.to_id = ?1 AND c.owner_id = ?1 AND c.status <> 'closed'
           AND (c.last_contact_at IS NULL OR c.last_contact_at < h.at)
           AND hc.handover_id = (SELECT max(x.handover_id) FROM handover_clients x WHERE x.client_id = c.id)
         ORDER BY hc.handover_id DESC, c.id LIMIT ?2",
        "SELECT count(*) FROM (SELECT 1
         FROM handover_clients hc CROSS JOIN clients c ON c.id = hc.client_id
         CROSS JOIN handovers h ON h.id = hc.handover_id
         WHERE hc.to_id = ?1 AND c.owner_id = ?1 AND c.status <> 'closed'
           AND (c.last_contact_at IS NULL OR c.last_contact_at < h.at)
           AND hc.handover_id = (SELECT max(x.handover_id) FROM handover_clients x WHERE x.client_id = c.id)
         LIMIT ?2)",
    )
}
