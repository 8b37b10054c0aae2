//! The visit list: its SQL, and the full-text index of visits' words (`visit_text`),
//! whose rowids are in the list's order.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter};

use super::read::{read_row, ROW_COLUMNS};
use super::{VisitFilter, VisitRow};
use crate::domain::search_terms;
use crate::store::{parse_ts, ts, Actor, Result, Role, Store, Zone};

impl Store {
    /// The visits `actor` may see, newest first: an RM's own, a manager's branch, an
    /// administrator none. Dates, channel, client, RM, text and "not yet checked" narrow it.
    ///
    /// Each form of the query walks an index in the list's order and stops at `limit`:
    /// a client's visits (`visits_client`), an RM's (`visits_rm`), the branch's
    /// (`visits_branch_time`); with words, the full-text index `visit_text`, whose rowids
    /// are in time order (see [`visit_key`]), newest match first.
    pub fn visit_list(
        &self,
        actor: &Actor,
        filter: &VisitFilter,
        limit: usize,
    ) -> Result<Vec<VisitRow>> {
        let (sql, args) = visit_list_sql(actor, filter, self.zone(), limit);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), read_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The first second of the visit keys, 2000-01-01T00:00:00Z.
const KEY_EPOCH: i64 = 946_684_800;

/// The rowid of a visit in `visit_text`: its time in seconds from 2000-01-01 UTC (within
/// ±68 years) times 2^32, plus its id (below 2^32). Keys sort as the list does — newest
/// first is the largest key, ties of time by id — so the full-text index hands out
/// matches in the list's order and a date range is a range of rowids.
pub fn visit_key(visited_at: &str, id: i64) -> i64 {
    let secs = parse_ts(visited_at).map_or(0, |t| t.timestamp() - KEY_EPOCH);
    let secs = secs.clamp(i64::from(i32::MIN), i64::from(i32::MAX));
    secs * (1 << 32) + (id & 0xFFFF_FFFF)
}

/// Writes a visit's words into `visit_text` (in the visit's own transaction).
pub(crate) fn index_visit(
    tx: &rusqlite::Connection,
    id: i64,
    visited_at: &str,
    words: &[&str],
) -> Result<()> {
    tx.prepare_cached("INSERT INTO visit_text (rowid, words) VALUES (?1, ?2)")?
        .execute(params![
            visit_key(visited_at, id),
            search_terms::visit_terms(words)
        ])?;
    Ok(())
}

/// Removes a visit's words from `visit_text` (before writing them again).
pub(super) fn unindex_visit(tx: &rusqlite::Connection, id: i64, visited_at: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM visit_text WHERE rowid = ?1")?
        .execute([visit_key(visited_at, id)])?;
    Ok(())
}

/// Writes the words of every stored visit into an empty `visit_text` (migration 4).
pub(crate) fn rebuild_visit_text(conn: &rusqlite::Connection) -> Result<()> {
    let mut read = conn.prepare("SELECT id, visited_at, purpose, summary, outcome FROM visits")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (id, at, purpose, summary, outcome): (i64, String, String, String, Option<String>) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        index_visit(
            conn,
            id,
            &at,
            &[&purpose, &summary, outcome.as_deref().unwrap_or("")],
        )?;
    }
    Ok(())
}

/// The SQL of [`Store::visit_list`] and its arguments (apart, so that tests can read
/// its query plan and benchmarks run it as plain SQL).
pub fn visit_list_sql(
    actor: &Actor,
    filter: &VisitFilter,
    zone: Zone,
    limit: usize,
) -> (String, Vec<Value>) {
    let mut cond = String::new();
    let mut args: Vec<Value> = Vec::new();
    // Scope: an RM's own visits of their own clients; a manager's branch.
    // A narrower filter (the client's visits, an RM's) leads with its own index: `+`
    // keeps the scope's column from being chosen instead.
    let narrower = filter.client_id.is_some() || filter.rm_id.is_some();
    let (rm_col, branch_col) = match (filter.client_id.is_some(), narrower) {
        (true, _) => ("+v.rm_id", "+v.branch_id"),
        (false, true) => ("v.rm_id", "+v.branch_id"),
        (false, false) => ("v.rm_id", "v.branch_id"),
    };
    match (actor.role, actor.branch_id) {
        (Role::Rm, _) => {
            cond.push_str(&format!(" AND {rm_col} = ? AND c.owner_id = ?"));
            args.push(Value::Integer(actor.user_id));
            args.push(Value::Integer(actor.user_id));
        }
        (Role::Manager, Some(b)) => {
            cond.push_str(&format!(" AND {branch_col} = ? AND c.branch_id = ?"));
            args.push(Value::Integer(b));
            args.push(Value::Integer(b));
            if let Some(rm) = filter.rm_id {
                cond.push_str(&format!(" AND {rm_col} = ?"));
                args.push(Value::Integer(rm));
            }
        }
        _ => cond.push_str(" AND 0"),
    }
    let from = filter.from.map(|d| ts(zone.day_start(d)));
    let end = filter
        .to
        .and_then(|d| d.succ_opt())
        .map(|d| ts(zone.day_start(d)));
    if let Some(ch) = &filter.channel {
        cond.push_str(" AND v.channel = ?");
        args.push(Value::Text(ch.clone()));
    }
    if let Some(id) = filter.client_id {
        cond.push_str(" AND v.client_id = ?");
        args.push(Value::Integer(id));
    }
    if filter.unchecked_only {
        cond.push_str(" AND v.return_checked_at IS NULL");
    }
    let limit = Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX));
    let words = search_terms::visit_query(&filter.text);
    let (sql, mut all) = match words {
        // One client's visits are few: walk them by time and look each up in the
        // full-text index; otherwise walk the index's matches newest first.
        Some(words) if filter.client_id.is_none() => {
            let mut head = vec![Value::Text(words)];
            let mut range = String::new();
            if let Some(from) = &from {
                range.push_str(" AND t.rowid >= ?");
                head.push(Value::Integer(visit_key(from, 0)));
            }
            if let Some(end) = &end {
                range.push_str(" AND t.rowid < ?");
                head.push(Value::Integer(visit_key(end, 0)));
            }
            (
                format!(
                    "SELECT {ROW_COLUMNS} FROM visit_text t
                     CROSS JOIN visits v ON v.id = (t.rowid & 4294967295)
                     CROSS JOIN clients c ON c.id = v.client_id CROSS JOIN users u ON u.id = v.rm_id
                     WHERE visit_text MATCH ?{range}{cond}
                     ORDER BY t.rowid DESC LIMIT ?"
                ),
                head,
            )
        }
        words => {
            let mut head = Vec::new();
            let mut range = String::new();
            if let Some(from) = from {
                range.push_str(" AND v.visited_at >= ?");
                head.push(Value::Text(from));
            }
            if let Some(end) = end {
                range.push_str(" AND v.visited_at < ?");
                head.push(Value::Text(end));
            }
            let mut tail = Vec::new();
            if let Some(words) = words {
                range.push_str(
                    " AND EXISTS (SELECT 1 FROM visit_text t WHERE visit_text MATCH ?
                        AND t.rowid = (unixepoch(v.visited_at) - 946684800) * 4294967296 + v.id)",
                );
                tail.push(Value::Text(words));
            }
            head.extend(tail);
            (
                format!(
                    "SELECT {ROW_COLUMNS} FROM visits v
                     CROSS JOIN clients c ON c.id = v.client_id CROSS JOIN users u ON u.id = v.rm_id
                     WHERE 1{range}{cond}
                     ORDER BY v.visited_at DESC, v.id DESC LIMIT ?"
                ),
                head,
            )
        }
    };
    all.extend(args);
    all.push(limit);
    (sql, all)
}
