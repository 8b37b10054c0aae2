//! The audit chain's head, anchored outside the database.
//!
//! The hash chain inside the database shows an entry changed in place, but not the end
//! of the log cut off, nor the whole chain recomputed by someone who edited an entry:
//! SHA-256 has no secret. So the head — number of entries, last id, last hash — is also
//! written outside the database: a line in `NAME.anchors` beside it at every sign-out,
//! every exit that saw the log grow, every backup and restore (and in each backup's
//! manifest, and in the log file). [`Store::anchor_problems`] compares the chain with
//! every anchor it finds. When an rmdesk opens the database alone and finds entries
//! after the newest anchor, nobody wrote them through rmdesk: it records them as an
//! `unanchored` line, which `rmdesk check` reports from then on.
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

use super::{audit, files, ts, Result, Store};

/// The head of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Number of entries.
    pub count: i64,
    /// Id of the last entry (0 when empty).
    pub last_id: i64,
    /// Hash of the last entry ([`audit::GENESIS`] when empty).
    pub last_hash: String,
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "entries={} last_id={} last_hash={}",
            self.count, self.last_id, self.last_hash
        )
    }
}

/// Why an anchor was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// First anchor of a database that had none.
    Start,
    /// A user signed out.
    SignOut,
    /// A process that changed the log ended.
    Exit,
    /// A backup was taken.
    Backup,
    /// The database was replaced by a restore; older anchors belong to the old file.
    Restore,
    /// Entries were found after the newest anchor while no rmdesk had the file open.
    Unanchored,
    /// An rmdesk opened the database (the head it found); its exit anchor follows.
    Open,
    /// Entries written by an rmdesk that ended without its exit anchor (killed, or a
    /// power loss): the next one to open the file alone anchors them.
    Recovered,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Start => "start",
            Kind::SignOut => "sign-out",
            Kind::Exit => "exit",
            Kind::Backup => "backup",
            Kind::Restore => "restore",
            Kind::Unanchored => "unanchored",
            Kind::Open => "open",
            Kind::Recovered => "recovered",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "start" => Kind::Start,
            "sign-out" => Kind::SignOut,
            "exit" => Kind::Exit,
            "backup" => Kind::Backup,
            "restore" => Kind::Restore,
            "unanchored" => Kind::Unanchored,
            "open" => Kind::Open,
            "recovered" => Kind::Recovered,
            _ => return None,
        })
    }
}

/// One anchor: when, why, and the head then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Instant written (ISO-8601 UTC).
    pub at: String,
    /// Why.
    pub kind: Kind,
    /// The head at that instant.
    pub head: Head,
    /// For [`Kind::Unanchored`]: the first entry nobody anchored.
    pub from_id: Option<i64>,
    /// Where the anchor was read from (the anchor file or a manifest), for messages.
    pub source: String,
}

/// The audit chain's state as the viewer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStatus {
    /// The head now.
    pub head: Head,
    /// Both triggers present and as written.
    pub triggers_intact: bool,
    /// Anchors in the anchor file.
    pub anchors: usize,
    /// Disagreements with the anchors, one sentence each.
    pub problems: Vec<String>,
}

/// `NAME.anchors` beside the database.
pub fn anchor_path(db: &Path) -> PathBuf {
    files::with_suffix(db, ".anchors")
}

/// The last entry's id and hash (0 and [`audit::GENESIS`] when empty): one index step,
/// where counting the entries reads the whole index.
fn last(conn: &Connection) -> Result<(i64, String)> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(last.unwrap_or((0, audit::GENESIS.to_string())))
}

/// The head of the chain on `conn`.
pub fn head(conn: &Connection) -> Result<Head> {
    let (last_id, last_hash) = last(conn)?;
    let count: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
    Ok(Head {
        count,
        last_id,
        last_hash,
    })
}

fn line(a: &Anchor) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\n",
        a.at,
        a.kind.as_str(),
        a.head.count,
        a.head.last_id,
        a.head.last_hash,
        a.from_id.map(|i| i.to_string()).unwrap_or_default()
    )
}

/// Reads every anchor of `db`'s anchor file (none when it does not exist). Lines that
/// cannot be read are skipped and logged.
pub fn read_anchors(db: &Path) -> Vec<Anchor> {
    let path = anchor_path(db);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let parsed = parse_line(l, &source);
            if parsed.is_none() {
                tracing::warn!(line = l, "unreadable anchor line skipped");
            }
            parsed
        })
        .collect()
}

fn parse_line(l: &str, source: &str) -> Option<Anchor> {
    let f: Vec<&str> = l.split('\t').collect();
    if f.len() < 5 {
        return None;
    }
    Some(Anchor {
        at: f[0].to_string(),
        kind: Kind::parse(f[1])?,
        head: Head {
            count: f[2].parse().ok()?,
            last_id: f[3].parse().ok()?,
            last_hash: f[4].to_string(),
        },
        from_id: f.get(5).and_then(|s| s.parse().ok()),
        source: source.to_string(),
    })
}

/// Appends an anchor line to `db`'s anchor file (private, flushed to disk) and to the log.
pub fn append(db: &Path, anchor: &Anchor) -> std::io::Result<()> {
    let mut f = files::open_private_append(&anchor_path(db))?;
    f.write_all(line(anchor).as_bytes())?;
    f.sync_all()?;
    tracing::info!(
        kind = anchor.kind.as_str(),
        head = %anchor.head,
        "audit chain anchored"
    );
    Ok(())
}

/// An anchor of `head` written now.
pub fn new_anchor(at: chrono::DateTime<chrono::Utc>, kind: Kind, head: Head) -> Anchor {
    Anchor {
        at: ts(at),
        kind,
        head,
        from_id: None,
        source: String::new(),
    }
}

/// Compares the chain on `conn` with `anchors` (oldest first; those before the newest
/// restore are of the file that was replaced and are skipped). One sentence per kind of
/// problem, each naming the newest anchor that shows it.
pub fn compare(conn: &Connection, anchors: &[Anchor]) -> Result<Vec<String>> {
    let start = anchors
        .iter()
        .rposition(|a| a.kind == Kind::Restore)
        .unwrap_or(0);
    let now = head(conn)?;
    let mut emptied = None;
    let mut truncated = None;
    let mut rewritten = None;
    let mut forged = Vec::new();
    for a in &anchors[start..] {
        let when = format!("the anchor of {} ({}, {})", a.at, a.kind.as_str(), a.source);
        if a.kind == Kind::Unanchored {
            let from = a.from_id.unwrap_or(a.head.last_id);
            forged.push(format!(
                "audit log entries #{from} to #{} were added while no rmdesk had the database open (found {}): forged, or left by an rmdesk that ended without anchoring them",
                a.head.last_id, a.at
            ));
            continue;
        }
        if a.head.count == 0 {
            continue;
        }
        if now.count == 0 {
            emptied = Some(format!(
                "the audit log is empty, but {when} records {} entries up to #{}: every entry was deleted",
                a.head.count, a.head.last_id
            ));
            continue;
        }
        if now.last_id < a.head.last_id {
            truncated = Some(format!(
                "entries are missing at the end of the audit log: {when} records {} entries up to #{}, the log now ends at #{}",
                a.head.count, a.head.last_id, now.last_id
            ));
            continue;
        }
        let hash: Option<String> = conn
            .query_row(
                "SELECT hash FROM audit_log WHERE id = ?1",
                [a.head.last_id],
                |r| r.get(0),
            )
            .optional()?;
        // With no gaps (the count is the last id), the entries up to an id are that id;
        // otherwise they are counted.
        let count: i64 = if now.count == now.last_id {
            a.head.last_id
        } else {
            conn.query_row(
                "SELECT count(*) FROM audit_log WHERE id <= ?1",
                [a.head.last_id],
                |r| r.get(0),
            )?
        };
        if hash.as_deref() != Some(a.head.last_hash.as_str()) || count != a.head.count {
            rewritten = Some(format!(
                "the audit log was rewritten since {when}: entry #{} no longer has the hash anchored then, or entries before it were removed",
                a.head.last_id
            ));
        }
    }
    let mut out: Vec<String> = [emptied, truncated, rewritten]
        .into_iter()
        .flatten()
        .collect();
    out.extend(forged);
    Ok(out)
}

impl Store {
    /// The audit chain's head now.
    pub fn chain_head(&self) -> Result<Head> {
        head(self.conn())
    }

    /// Writes an anchor of the current head, of `kind`, beside the database.
    pub fn write_anchor(&self, kind: Kind) -> Result<Head> {
        let h = self.chain_head()?;
        let a = new_anchor(self.now(), kind, h.clone());
        if let Err(e) = append(self.path(), &a) {
            tracing::error!(error = %e, "the audit chain's anchor could not be written");
        }
        Ok(h)
    }

    /// Anchors the head at exit, closing the [`Kind::Open`] anchor this process wrote,
    /// so that entries after it can only come from a process that never anchored them.
    pub(crate) fn anchor_at_exit(&self) {
        let Ok((id, _)) = last(self.conn()) else {
            return;
        };
        if id == 0 {
            return;
        }
        let _ = self.write_anchor(Kind::Exit);
    }

    /// On opening alone, entries after the newest anchor are attributed: when that
    /// anchor is an [`Kind::Open`] (its process never wrote its exit anchor: it was
    /// killed, or the power failed) they are that process's and are anchored as
    /// [`Kind::Recovered`]; after any other anchor no rmdesk wrote them, and they are
    /// recorded as [`Kind::Unanchored`] (reported by `check`). Then this process's own
    /// [`Kind::Open`] anchor is written. A database without anchors gets its first one.
    pub(crate) fn anchor_on_open(&self, alone: bool) {
        let Ok((last_id, _)) = last(self.conn()) else {
            return;
        };
        let anchors = read_anchors(self.path());
        let Some(newest) = anchors.last() else {
            if last_id > 0 {
                let _ = self.write_anchor(Kind::Start);
            }
            return;
        };
        if alone && last_id > newest.head.last_id {
            let Ok(h) = self.chain_head() else { return };
            let from = newest.head.last_id + 1;
            let kind = if newest.kind == Kind::Open {
                tracing::info!(
                    from,
                    to = h.last_id,
                    "audit entries of an rmdesk that ended without anchoring them"
                );
                Kind::Recovered
            } else {
                tracing::warn!(
                    from,
                    to = h.last_id,
                    "audit entries after the newest anchor, written while no rmdesk had the database open"
                );
                Kind::Unanchored
            };
            let mut a = new_anchor(self.now(), kind, h);
            a.from_id = Some(from);
            if let Err(e) = append(self.path(), &a) {
                tracing::error!(error = %e, "the audit chain's anchor could not be written");
            }
        }
        if last_id > 0 {
            let _ = self.write_anchor(Kind::Open);
        }
    }

    /// What the audit viewer shows at its top: the head, whether the triggers are
    /// intact, and the disagreements with the anchors (cheap: the full walk of the chain
    /// is `rmdesk check`).
    pub fn chain_status(&self) -> Result<ChainStatus> {
        Ok(ChainStatus {
            head: self.chain_head()?,
            triggers_intact: self.audit_triggers_intact()?,
            anchors: read_anchors(self.path()).len(),
            problems: self.anchor_problems()?,
        })
    }

    /// Every disagreement between the chain and the anchors beside the database and in
    /// the manifests of its automatic backups.
    pub fn anchor_problems(&self) -> Result<Vec<String>> {
        let mut anchors = read_anchors(self.path());
        anchors.extend(super::backup::manifest_anchors(self.path()));
        anchors.sort_by(|a, b| a.at.cmp(&b.at));
        compare(self.conn(), &anchors)
    }
}
