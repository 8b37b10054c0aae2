//! Who gives, who receives and which clients move: everything checked before a row of a
//! hand-over is written.

use rusqlite::{params, Connection, OptionalExtension};

use super::Which;
use crate::store::{Actor, Result, Role, StoreError};

/// An RM or manager of a branch, as a hand-over needs them.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub id: i64,
    pub username: String,
    pub disabled: bool,
    /// An RM (not a manager): only an RM owns clients and is given tasks.
    pub rm: bool,
}

/// The active-or-not RM or manager named `username` in `branch`.
pub(crate) fn member(conn: &Connection, branch: i64, username: &str) -> Result<Option<Member>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, username, disabled, role = 'rm' FROM users
             WHERE username = ?1 AND branch_id = ?2 AND role IN ('rm', 'manager')",
        )?
        .query_row(params![username.trim(), branch], |r| {
            Ok(Member {
                id: r.get(0)?,
                username: r.get(1)?,
                disabled: r.get::<_, i64>(2)? != 0,
                rm: r.get(3)?,
            })
        })
        .optional()?)
}

pub(crate) fn manager_branch(actor: &Actor) -> Result<i64> {
    match (actor.role, actor.branch_id) {
        (Role::Manager, Some(b)) => Ok(b),
        _ => Err(StoreError::Forbidden),
    }
}

/// Receivers named by `names`: each an active RM of `branch` (a manager owns no
/// clients), not `from`, once.
pub(crate) fn receivers(
    conn: &Connection,
    branch: i64,
    from: i64,
    names: &[String],
) -> Result<Vec<Member>> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Err(StoreError::invalid(
            "to",
            "err.handover.to_required",
            "name at least one RM to receive the clients",
        ));
    }
    let mut out: Vec<Member> = Vec::new();
    for name in names {
        match member(conn, branch, name)? {
            Some(m) if m.rm && !m.disabled && m.id != from => {
                if !out.iter().any(|o| o.id == m.id) {
                    out.push(m);
                }
            }
            _ => {
                return Err(StoreError::invalid(
                    "to",
                    "err.handover.to",
                    format!("{name} is not an active RM of your branch who can receive clients"),
                ))
            }
        }
    }
    Ok(out)
}

/// The clients a hand-over moves, as (id, AUM in fen), by id.
pub(super) fn chosen(conn: &Connection, from: &Member, which: &Which) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    match which {
        Which::All => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, aum_minor FROM clients WHERE owner_id = ?1 ORDER BY id",
            )?;
            for row in stmt.query_map([from.id], |r| Ok((r.get(0)?, r.get(1)?)))? {
                out.push(row?);
            }
        }
        Which::Numbers(numbers) => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, aum_minor, owner_id FROM clients WHERE client_no = ?1",
            )?;
            for no in numbers {
                let no = no.trim().to_uppercase();
                let row: Option<(i64, i64, i64)> = stmt
                    .query_row([&no], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                match row {
                    Some((id, aum, owner)) if owner == from.id => {
                        if !out.iter().any(|(i, _)| *i == id) {
                            out.push((id, aum));
                        }
                    }
                    _ => {
                        return Err(StoreError::invalid(
                            "clients",
                            "err.handover.client",
                            format!("{no} is not a client of {}", from.username),
                        ))
                    }
                }
            }
            out.sort_unstable();
        }
    }
    if out.is_empty() {
        return Err(StoreError::invalid(
            "clients",
            "err.handover.none",
            format!("{} has no clients to hand over", from.username),
        ));
    }
    Ok(out)
}
