//! The append-only, hash-chained audit log.
//!
//! Every entry stores the hash of the entry before it and a hash over its own fields and
//! that previous hash. Triggers refuse UPDATE and DELETE; [`verify_chain`] finds an entry
//! changed, removed or slipped in behind the program's back (for `rmdesk check`).
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{ts, Actor, Result, Store};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who an entry is about: a signed-in user, or a name typed at the login prompt.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    /// The user's row id, when known.
    pub user_id: Option<i64>,
    /// The username (as typed, for failed logins).
    pub username: &'a str,
}

impl<'a> From<&'a Actor> for Who<'a> {
    fn from(a: &'a Actor) -> Self {
        Who {
            user_id: Some(a.user_id),
            username: &a.username,
        }
    }
}

/// The system itself (migrations, set-up) as the author of an entry.
pub const SYSTEM: Who<'static> = Who {
    user_id: None,
    username: "system",
};

/// One audit entry to write.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Short verb, e.g. `login`, `login_failed`, `user.create`, `client.reveal`.
    pub action: &'a str,
    /// Kind of thing, e.g. `user`, `client`, `session`.
    pub entity: &'a str,
    /// Its id, when it has one.
    pub entity_id: Option<String>,
    /// State before the change (masked where personal).
    pub before: Option<&'a str>,
    /// State after the change (masked where personal).
    pub after: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// An entry with no before/after values.
    pub fn new(action: &'a str, entity: &'a str, entity_id: Option<i64>) -> Self {
        Entry {
            action,
            entity,
            entity_id: entity_id.map(|i| i.to_string()),
            before: None,
            after: None,
        }
    }
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Sequence number.
    pub id: i64,
    /// Instant, ISO-8601 UTC.
    pub at: String,
    /// Acting user's id.
    pub user_id: Option<i64>,
    /// Acting user's name.
    pub username: String,
    /// Verb.
    pub action: String,
    /// Kind of thing.
    pub entity: String,
    /// Its id.
    pub entity_id: Option<String>,
    /// Before.
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

fn entry_hash(prev: &str, r: &Record) -> String {
    let mut h = Sha256::new();
    // Unit separators keep field boundaries unambiguous.
    for part in [
        prev,
        &r.id.to_string(),
        &r.at,
        &r.user_id.map(|i| i.to_string()).unwrap_or_default(),
        &r.username,
        &r.action,
        &r.entity,
        r.entity_id.as_deref().unwrap_or("\u{0}"),
        r.before.as_deref().unwrap_or("\u{0}"),
        r.after.as_deref().unwrap_or("\u{0}"),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends `entry` by `who` at `now`. Call it inside the transaction of the change it
/// records, so both land or neither does.
pub fn append(conn: &Connection, now: DateTime<Utc>, who: Who<'_>, entry: Entry<'_>) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let mut rec = Record {
        id,
        at: ts(now),
        user_id: who.user_id,
        username: who.username.to_string(),
        action: entry.action.to_string(),
        entity: entry.entity.to_string(),
        entity_id: entry.entity_id.clone(),
        before: entry.before.map(str::to_string),
        after: entry.after.map(str::to_string),
        prev_hash: prev.clone(),
        hash: String::new(),
    };
    rec.hash = entry_hash(&prev, &rec);
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
            rec.id, rec.at, rec.user_id, rec.username, rec.action, rec.entity, rec.entity_id,
            rec.before, rec.after, rec.prev_hash, rec.hash
    ])?;
    Ok(())
}

/// A break in the chain found by [`verify_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainFault {
    /// The entry where the chain breaks.
    pub id: i64,
    /// What is wrong with it.
    pub problem: String,
}

/// Walks the whole log and reports every entry whose hash or link does not agree.
pub fn verify_chain(conn: &Connection) -> Result<Vec<ChainFault>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, user_id, username, action, entity, entity_id, before, after, prev_hash, hash
         FROM audit_log ORDER BY id",
    )?;
    let rows = stmt.query_map([], read_record)?;
    let mut faults = Vec::new();
    let mut prev_hash = GENESIS.to_string();
    let mut expected_id = 1;
    for row in rows {
        let r = row?;
        if r.id != expected_id {
            faults.push(ChainFault {
                id: r.id,
                problem: format!("entries {expected_id}..{} are missing", r.id - 1),
            });
        }
        if r.prev_hash != prev_hash {
            faults.push(ChainFault {
                id: r.id,
                problem: "does not link to the entry before it".into(),
            });
        }
        if entry_hash(&r.prev_hash, &r) != r.hash {
            faults.push(ChainFault {
                id: r.id,
                problem: "its content was changed after it was written".into(),
            });
        }
        prev_hash = r.hash;
        expected_id = r.id + 1;
    }
    Ok(faults)
}

pub(crate) fn read_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.get(0)?,
        at: r.get(1)?,
        user_id: r.get(2)?,
        username: r.get(3)?,
        action: r.get(4)?,
        entity: r.get(5)?,
        entity_id: r.get(6)?,
        before: r.get(7)?,
        after: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

impl Store {
    /// The newest `limit` audit entries, newest first, optionally only those of `action`.
    /// Only admins and managers read the log.
    pub fn audit_recent(
        &self,
        actor: &Actor,
        action: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Record>> {
        if actor.role == super::Role::Rm {
            return Err(super::StoreError::Forbidden);
        }
        let mut stmt = self.conn().prepare(
            "SELECT id, at, user_id, username, action, entity, entity_id, before, after, prev_hash, hash
             FROM audit_log WHERE (?1 IS NULL OR action = ?1) ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![action, limit as i64], read_record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every fault in the audit chain (empty when intact).
    pub fn verify_audit_chain(&self) -> Result<Vec<ChainFault>> {
        verify_chain(self.conn())
    }
}
