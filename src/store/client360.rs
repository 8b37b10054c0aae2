//! Read-only sections of the client 360 view: open holdings, recent visits, feedback and
//! open tasks of one client.
//!
//! Every function is scoped through the client: when the actor may not see the client
//! (another RM's, another branch's, or any client for an administrator) the answer is
//! [`StoreError::NotFound`], exactly as for a client that does not exist.
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use super::clients::scope;
use super::{Actor, Result, Store, StoreError};

/// One open holding of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// Row id.
    pub id: i64,
    /// Product code.
    pub product_code: String,
    /// Product name.
    pub product_name: String,
    /// Amount held, in `currency`.
    pub amount: Decimal,
    /// Currency code (`CNY`, `USD`, …).
    pub currency: String,
    /// Start date (`YYYY-MM-DD`).
    pub start_date: String,
    /// Maturity date, if the product matures.
    pub maturity_date: Option<String>,
}

/// One visit (call report) of a client, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitLine {
    /// Row id.
    pub id: i64,
    /// When (ISO-8601 instant).
    pub visited_at: String,
    /// Channel code (`branch`, `client_site`, `phone`, `video`, `message`).
    pub channel: String,
    /// Purpose.
    pub purpose: String,
    /// Outcome, if recorded.
    pub outcome: Option<String>,
    /// Username of the RM who made the visit.
    pub rm: String,
}

/// One feedback item of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackLine {
    /// Row id.
    pub id: i64,
    /// Kind code (`complaint`, `suggestion`, `praise`).
    pub kind: String,
    /// Received on (`YYYY-MM-DD`).
    pub received_on: String,
    /// Status code (`open`, `in_progress`, `resolved`, `closed`).
    pub status: String,
    /// Severity code (`low`, `normal`, `high`).
    pub severity: String,
    /// Description.
    pub description: String,
    /// Deadline (`YYYY-MM-DD`).
    pub deadline: String,
}

impl FeedbackLine {
    /// Whether the item is still being handled (open or in progress).
    pub fn is_pending(&self) -> bool {
        matches!(self.status.as_str(), "open" | "in_progress")
    }
}

/// One open task about a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine {
    /// Row id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Due date (`YYYY-MM-DD`).
    pub due_date: String,
    /// Due time (`HH:MM`), if any.
    pub due_time: Option<String>,
    /// Priority code (`low`, `normal`, `high`).
    pub priority: String,
    /// Username of the task's owner.
    pub owner: String,
    /// When the visit whose follow-up this is happened (ISO-8601 instant).
    pub visit_at: Option<String>,
}

impl Store {
    /// `Ok` when `actor` may see client `id`, else [`StoreError::NotFound`].
    fn visible_client(&self, actor: &Actor, id: i64) -> Result<()> {
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!("SELECT 1 FROM clients c WHERE c.id = ? AND {scope_sql}");
        self.conn()
            .prepare_cached(&sql)?
            .query_row(params![id, scope_arg], |_| Ok(()))
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// The open holdings of client `id`, by start date (newest first).
    pub fn client_holdings(&self, actor: &Actor, id: i64) -> Result<Vec<Holding>> {
        self.visible_client(actor, id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT h.id, p.code, p.name, h.amount, h.currency, h.start_date, h.maturity_date
             FROM holdings h JOIN products p ON p.id = h.product_id
             WHERE h.client_id = ?1 AND h.status = 'open'
             ORDER BY h.start_date DESC, h.id DESC",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (hid, code, name, amount, currency, start, maturity) = row?;
            let amount = amount.parse::<Decimal>().map_err(|_| {
                StoreError::invalid(
                    "amount",
                    "err.amount",
                    format!("stored amount {amount} of holding {hid} is not a number"),
                )
            })?;
            out.push(Holding {
                id: hid,
                product_code: code,
                product_name: name,
                amount,
                currency,
                start_date: start,
                maturity_date: maturity,
            });
        }
        Ok(out)
    }

    /// The `limit` most recent visits of client `id`, newest first.
    pub fn client_visits(&self, actor: &Actor, id: i64, limit: usize) -> Result<Vec<VisitLine>> {
        self.visible_client(actor, id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT v.id, v.visited_at, v.channel, v.purpose, v.outcome, u.username
             FROM visits v JOIN users u ON u.id = v.rm_id
             WHERE v.client_id = ?1
             ORDER BY v.visited_at DESC, v.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id, limit_arg(limit)], |r| {
            Ok(VisitLine {
                id: r.get(0)?,
                visited_at: r.get(1)?,
                channel: r.get(2)?,
                purpose: r.get(3)?,
                outcome: r.get(4)?,
                rm: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The `limit` most recent feedback items of client `id`, newest first.
    pub fn client_feedback(
        &self,
        actor: &Actor,
        id: i64,
        limit: usize,
    ) -> Result<Vec<FeedbackLine>> {
        self.visible_client(actor, id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, kind, received_on, status, severity, description, deadline
             FROM feedback WHERE client_id = ?1
             ORDER BY received_on DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id, limit_arg(limit)], |r| {
            Ok(FeedbackLine {
                id: r.get(0)?,
                kind: r.get(1)?,
                received_on: r.get(2)?,
                status: r.get(3)?,
                severity: r.get(4)?,
                description: r.get(5)?,
                deadline: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Up to `limit` open tasks about client `id`, soonest due first.
    pub fn client_open_tasks(&self, actor: &Actor, id: i64, limit: usize) -> Result<Vec<TaskLine>> {
        self.visible_client(actor, id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.id, t.title, t.due_date, t.due_time, t.priority, u.username, v.visited_at
             FROM tasks t JOIN users u ON u.id = t.owner_id LEFT JOIN visits v ON v.id = t.visit_id
             WHERE t.client_id = ?1 AND t.status = 'open'
             ORDER BY t.due_date, coalesce(t.due_time, ''), t.id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id, limit_arg(limit)], |r| {
            Ok(TaskLine {
                id: r.get(0)?,
                title: r.get(1)?,
                due_date: r.get(2)?,
                due_time: r.get(3)?,
                priority: r.get(4)?,
                owner: r.get(5)?,
                visit_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn limit_arg(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client::ClientInput;
    use crate::store::clients::SaveOutcome;
    use crate::store::users::NewUser;
    use crate::store::{ts, Role};

    const PASS: &str = "long-enough-pass";

    fn user(store: &mut Store, admin: &Actor, name: &str, role: Role, branch: i64) -> Actor {
        let u = NewUser {
            username: name.into(),
            display_name: name.into(),
            role,
            branch_id: Some(branch),
            password: PASS.into(),
        };
        store.create_user(admin, &u).expect("user");
        store.login(name, PASS).expect("login")
    }

    #[test]
    fn sections_read_the_tables_and_are_scoped_through_the_client() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("open");
        let admin = store.create_first_admin("admin", "A", PASS).expect("admin");
        let b1 = store.create_branch(&admin, "0101", "East").expect("branch");
        let b2 = store.create_branch(&admin, "0202", "West").expect("branch");
        let rm1 = user(&mut store, &admin, "rm1", Role::Rm, b1);
        let rm2 = user(&mut store, &admin, "rm2", Role::Rm, b1);
        let mgr1 = user(&mut store, &admin, "mgr1", Role::Manager, b1);
        let mgr2 = user(&mut store, &admin, "mgr2", Role::Manager, b2);
        let input = ClientInput {
            kind: "individual".into(),
            name: "张三".into(),
            id_type: "passport".into(),
            id_number: "E12345678".into(),
            ..ClientInput::default()
        };
        let SaveOutcome::Saved(id) = store.create_client(&rm1, &input, false).expect("create")
        else {
            panic!("no matches expected");
        };

        // No writers yet: every section is empty, read from the database.
        assert!(store.client_holdings(&rm1, id).expect("h").is_empty());
        assert!(store.client_visits(&rm1, id, 10).expect("v").is_empty());
        assert!(store.client_feedback(&rm1, id, 10).expect("f").is_empty());
        assert!(store.client_open_tasks(&rm1, id, 10).expect("t").is_empty());

        store
            .write(|tx, now| {
                let now = ts(now);
                tx.execute(
                    "INSERT INTO products (code, name, category, risk_level, created_at, updated_at)
                     VALUES ('D1', '定期存款', 'deposit', 'R1', ?1, ?1)",
                    [&now],
                )?;
                for (amount, status, start) in [
                    ("50000.50", "open", "2026-01-02"),
                    ("10", "closed", "2025-01-01"),
                    ("1200", "open", "2026-03-04"),
                ] {
                    tx.execute(
                        "INSERT INTO holdings (client_id, product_id, amount, currency, start_date,
                             maturity_date, status, created_by, created_at, updated_at)
                         VALUES (?1, 1, ?2, 'CNY', ?3, '2027-01-02', ?4, 1, ?5, ?5)",
                        params![id, amount, start, status, now],
                    )?;
                }
                tx.execute(
                    "INSERT INTO visits (client_id, rm_id, visited_at, channel, purpose, summary,
                         created_at, updated_at)
                     VALUES (?1, ?2, '2026-11-01T02:00:00Z', 'phone', 'Review', 'Talked', ?3, ?3)",
                    params![id, rm1.user_id, now],
                )?;
                tx.execute(
                    "INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description,
                         deadline, created_at, updated_at)
                     VALUES (?1, ?2, 'complaint', '2026-11-01', 'phone', 'Slow', '2026-11-16', ?3, ?3)",
                    params![id, rm1.user_id, now],
                )?;
                for (title, status) in [("Call back", "open"), ("Old", "done")] {
                    tx.execute(
                        "INSERT INTO tasks (owner_id, client_id, title, due_date, status, created_at,
                             updated_at)
                         VALUES (?1, ?2, ?3, '2026-12-01', ?4, ?5, ?5)",
                        params![rm1.user_id, id, title, status, now],
                    )?;
                }
                Ok(())
            })
            .expect("rows");

        let h = store.client_holdings(&rm1, id).expect("holdings");
        assert_eq!(h.len(), 2, "open holdings only");
        assert_eq!(h[0].start_date, "2026-03-04", "newest first");
        assert_eq!(h[1].amount, Decimal::new(5_000_050, 2), "exact decimal");
        assert_eq!(h[1].product_name, "定期存款");
        let v = store.client_visits(&rm1, id, 10).expect("visits");
        assert_eq!((v.len(), v[0].rm.as_str()), (1, "rm1"));
        let f = store.client_feedback(&mgr1, id, 10).expect("feedback");
        assert!(f.len() == 1 && f[0].is_pending());
        let t = store.client_open_tasks(&mgr1, id, 10).expect("tasks");
        assert_eq!(t.len(), 1, "open tasks only");
        assert_eq!(t[0].title, "Call back");

        // Anyone who may not see the client gets NotFound from every section.
        for outsider in [&rm2, &mgr2, &admin] {
            assert!(matches!(
                store.client_holdings(outsider, id),
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.client_visits(outsider, id, 10),
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.client_feedback(outsider, id, 10),
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.client_open_tasks(outsider, id, 10),
                Err(StoreError::NotFound)
            ));
        }
    }
}
