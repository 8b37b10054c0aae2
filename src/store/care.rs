//! Care occasions (客户关怀) coming within `care.birthday_days` (7) days for the acting
//! user's clients (an RM's own; a manager's branch): birthdays after today (today's is
//! on the work list already), anniversaries of becoming a client, and Spring Festival
//! and Mid-Autumn Festival for clients who consent to marketing. Maturities are the work
//! list's. Closed clients have no occasions.
//!
//! Each kind is read from an index of the RM's clients or of the branch's, so the cost
//! follows the occasions of the week, not the number of clients: birthdays one month-day
//! at a time along `clients_owner_birthday` or `clients_branch_birthday`, the lines in
//! the index's order (within a day, the order the clients were added) so that home's few
//! lines are the first entries read; anniversaries one month-day of the instant the
//! client was added at a time along `clients_owner_joined` or `clients_branch_joined`
//! (the local day is checked as each entry is read; names are read for the lines kept
//! only); a festival's clients by name along `clients_owner_consenting` or
//! `clients_branch_consenting`. A manager's counts read the branch indexes alone. A
//! festival is one summary with its count (which stops at [`COUNT_CAP`]), not a line
//! per client; its list is read a page at a time.
use chrono::{Datelike, Days, NaiveDate};
use rusqlite::params;

use super::home::COUNT_CAP;
use super::settings::read_i64;
use super::{Actor, Result, Role, Store, StoreError};
use crate::domain::care::{days_until, next_return, Festival};

/// Most lines of each kind in [`Store::care_list`].
pub const CARE_LINES: usize = 50;

/// What the occasion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Occasion {
    /// A festival (consenting clients).
    Festival(Festival),
    /// A birthday.
    Birthday,
    /// Years since the client joined.
    Anniversary(u32),
}

impl Occasion {
    /// Its code in the command line's output.
    pub fn code(self) -> &'static str {
        match self {
            Occasion::Festival(f) => f.code(),
            Occasion::Birthday => "birthday",
            Occasion::Anniversary(_) => "anniversary",
        }
    }
}

/// A kind of care line (the lines home shows under one title).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CareKind {
    /// Birthdays after today, within the window.
    Birthday,
    /// Anniversaries of becoming a client, from today.
    Anniversary,
    /// A festival within the window: every consenting client.
    Festival(Festival),
}

/// One care line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareLine {
    /// The occasion.
    pub occasion: Occasion,
    /// Its date.
    pub date: NaiveDate,
    /// Days from today.
    pub days: i64,
    /// The client.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Client name.
    pub client_name: String,
}

/// A festival within the window and how many consenting clients it has (stopping at
/// [`COUNT_CAP`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FestivalDue {
    /// Which.
    pub festival: Festival,
    /// Its date.
    pub date: NaiveDate,
    /// Days from today.
    pub days: i64,
    /// Consenting clients, at most [`COUNT_CAP`].
    pub clients: usize,
}

/// The care list: at most [`CARE_LINES`] birthday and anniversary lines each, by date,
/// then occasion, then the order the clients were added, with how many there are in all; and the festivals, one
/// summary each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CareList {
    /// Birthday and anniversary lines.
    pub lines: Vec<CareLine>,
    /// Birthday and anniversary lines in all, before the cut.
    pub total: usize,
    /// The festivals within the window, in date order.
    pub festivals: Vec<FestivalDue>,
}

/// The scope of a care read: `?1` is the RM, or the manager's branch.
fn scope(actor: &Actor) -> Result<i64> {
    match (actor.role, actor.branch_id) {
        (Role::Rm, _) => Ok(actor.user_id),
        (Role::Manager, Some(b)) => Ok(b),
        _ => Err(StoreError::Forbidden),
    }
}

/// `FROM` and the scope's condition along the RM's index or the branch's one.
fn scoped(actor: &Actor, rm_index: &str, branch_index: &str) -> Result<String> {
    match (actor.role, actor.branch_id) {
        (Role::Rm, _) => Ok(format!(
            "FROM clients c INDEXED BY {rm_index} WHERE c.owner_id = ?1"
        )),
        (Role::Manager, Some(_)) => Ok(format!(
            "FROM clients c INDEXED BY {branch_index} WHERE c.branch_id = ?1"
        )),
        _ => Err(StoreError::Forbidden),
    }
}

fn lim(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The month-days whose birthdays fall on `day`: its own, and on 28 February of a
/// common year, the 29th's.
fn birthday_days(day: NaiveDate) -> (String, String) {
    let md = day.format("%m-%d").to_string();
    let kept = day.month() == 2 && day.day() == 28 && day.with_day(29).is_none();
    (md, if kept { "02-29".into() } else { String::new() })
}

/// Birthday lines and their count: SQL (scope, two month-days, limit) and count SQL.
/// The lines are in the index's order: the month-day, then the order clients were added
/// (id), so a day's first lines are its first entries and nothing is sorted.
pub fn care_birthday_sql(actor: &Actor) -> Result<(String, String)> {
    let from = scoped(actor, "clients_owner_birthday", "clients_branch_birthday")?;
    let from = format!(
        "{from} AND substr(c.birth_date, 6, 5) IN (?2, ?3)
           AND c.kind = 'individual' AND c.status <> 'closed'"
    );
    Ok((
        format!(
            "SELECT c.id, c.client_no, c.name {from}
             ORDER BY substr(c.birth_date, 6, 5), c.id LIMIT ?4"
        ),
        format!("SELECT count(*) {from}"),
    ))
}

/// Anniversary candidates (scope, a UTC month-day, limit, the instant before which
/// the client was added): id and the instant it was added, from the index alone for a
/// manager.
pub fn care_joined_sql(actor: &Actor) -> Result<String> {
    let from = scoped(actor, "clients_owner_joined", "clients_branch_joined")?;
    Ok(format!(
        "SELECT c.id, c.created_at {from}
           AND substr(c.created_at, 6, 5) = ?2 AND c.created_at < ?4 AND c.status <> 'closed'
         LIMIT ?3"
    ))
}

/// A festival's consenting clients by name (scope, limit) and their count (scope, cap).
pub fn care_consenting_sql(actor: &Actor) -> Result<(String, String)> {
    let from = match (actor.role, actor.branch_id) {
        (Role::Rm, _) => "FROM clients c INDEXED BY clients_owner_consenting WHERE c.owner_id = ?1",
        (Role::Manager, Some(_)) => {
            "FROM clients c INDEXED BY clients_branch_consenting WHERE c.branch_id = ?1"
        }
        _ => return Err(StoreError::Forbidden),
    };
    let cond = "AND c.marketing_consent = 'yes' AND c.status <> 'closed'";
    Ok((
        format!(
            "SELECT c.id, c.client_no, c.name {from} {cond} ORDER BY c.name_key, c.id LIMIT ?2"
        ),
        format!("SELECT count(*) FROM (SELECT 1 {from} {cond} LIMIT ?2)"),
    ))
}

impl Store {
    /// The care window in days (`care.birthday_days`).
    fn care_window(&self) -> Result<i64> {
        read_i64(self.conn(), "care.birthday_days")
    }

    /// The festivals within the window from today, in date order.
    pub fn care_festival_dates(&self) -> Result<Vec<(Festival, NaiveDate)>> {
        let today = self.today();
        let window = self.care_window()?;
        let mut out: Vec<(Festival, NaiveDate)> = Festival::ALL
            .iter()
            .filter_map(|f| Some((*f, f.next(today)?)))
            .filter(|(_, d)| days_until(today, *d) <= window)
            .collect();
        out.sort_by_key(|(f, d)| (*d, *f));
        Ok(out)
    }

    /// The first `limit` lines of care kind `kind` for `actor` and how many there are
    /// (a festival's and an anniversary's count stop at [`COUNT_CAP`]).
    pub fn care_kind(
        &self,
        actor: &Actor,
        kind: CareKind,
        limit: usize,
    ) -> Result<(Vec<CareLine>, usize)> {
        let arg = scope(actor)?;
        let today = self.today();
        match kind {
            CareKind::Birthday => self.care_birthdays(actor, arg, today, limit),
            CareKind::Anniversary => self.care_anniversaries(actor, arg, today, limit),
            CareKind::Festival(f) => {
                let Some((_, date)) = self
                    .care_festival_dates()?
                    .into_iter()
                    .find(|(g, _)| *g == f)
                else {
                    return Ok((Vec::new(), 0));
                };
                let (sql, count_sql) = care_consenting_sql(actor)?;
                let n: i64 = self
                    .conn()
                    .prepare_cached(&count_sql)?
                    .query_row(params![arg, lim(COUNT_CAP)], |r| r.get(0))?;
                let mut stmt = self.conn().prepare_cached(&sql)?;
                let rows = stmt.query_map(params![arg, lim(limit)], |r| {
                    Ok(CareLine {
                        occasion: Occasion::Festival(f),
                        date,
                        days: days_until(today, date),
                        client_id: r.get(0)?,
                        client_no: r.get(1)?,
                        client_name: r.get(2)?,
                    })
                })?;
                let lines = rows.collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((lines, usize::try_from(n).unwrap_or(0)))
            }
        }
    }

    fn care_birthdays(
        &self,
        actor: &Actor,
        arg: i64,
        today: NaiveDate,
        limit: usize,
    ) -> Result<(Vec<CareLine>, usize)> {
        let window = u64::try_from(self.care_window()?).unwrap_or(0);
        let (sql, count_sql) = care_birthday_sql(actor)?;
        let mut lines = Vec::new();
        let mut total = 0usize;
        for d in 1..=window {
            let Some(day) = today.checked_add_days(Days::new(d)) else {
                break;
            };
            let (md, feb29) = birthday_days(day);
            let n: i64 = self
                .conn()
                .prepare_cached(&count_sql)?
                .query_row(params![arg, md, feb29], |r| r.get(0))?;
            total += usize::try_from(n).unwrap_or(0);
            let room = limit.saturating_sub(lines.len());
            if room == 0 || n == 0 {
                continue;
            }
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(params![arg, md, feb29, lim(room)], |r| {
                Ok(CareLine {
                    occasion: Occasion::Birthday,
                    date: day,
                    days: days_until(today, day),
                    client_id: r.get(0)?,
                    client_no: r.get(1)?,
                    client_name: r.get(2)?,
                })
            })?;
            for row in rows {
                lines.push(row?);
            }
        }
        Ok((lines, total))
    }

    /// Anniversaries: the clients added on the UTC month-days around the window (a day
    /// either side, as the zone may move the day) at least a year before, each kept when
    /// its local day's next return falls within the window; the earliest-added first
    /// within a day when the count reaches [`COUNT_CAP`].
    fn care_anniversaries(
        &self,
        actor: &Actor,
        arg: i64,
        today: NaiveDate,
        limit: usize,
    ) -> Result<(Vec<CareLine>, usize)> {
        let window = self.care_window()?;
        let zone = self.zone();
        let sql = care_joined_sql(actor)?;
        // A first anniversary within the window means joining at least 365 days before
        // its end; a day more covers the zone.
        let before = today
            .checked_add_signed(chrono::Duration::days(window - 364))
            .map(|d| super::ts(zone.day_start(d)))
            .unwrap_or_default();
        let mut mds: Vec<String> = Vec::new();
        for d in -1..=window + 1 {
            let Some(day) = today.checked_add_signed(chrono::Duration::days(d)) else {
                continue;
            };
            let md = day.format("%m-%d").to_string();
            if matches!(md.as_str(), "02-27" | "02-28" | "03-01") {
                mds.push("02-29".into());
            }
            mds.push(md);
        }
        let mut seen = std::collections::HashSet::new();
        mds.retain(|m| seen.insert(m.clone()));
        // (date, id, years) of each anniversary found, from the index; names are read
        // for the lines kept only.
        let mut found: Vec<(NaiveDate, i64, u32)> = Vec::new();
        let mut read = 0usize;
        let mut stmt = self.conn().prepare_cached(&sql)?;
        for md in &mds {
            if found.len() >= COUNT_CAP {
                break;
            }
            let room = COUNT_CAP + 1 - found.len().min(COUNT_CAP);
            let mut rows = stmt.query(params![arg, md, lim(room), before])?;
            while let Some(r) = rows.next()? {
                read += 1;
                let created: String = r.get(1)?;
                let Some(joined) = super::parse_ts(&created).map(|t| zone.date(t)) else {
                    continue;
                };
                let Some(d) = next_return(joined, today, true) else {
                    continue;
                };
                let years = u32::try_from(d.year() - joined.year()).unwrap_or(0);
                if days_until(today, d) <= window && years > 0 {
                    found.push((d, r.get(0)?, years));
                }
            }
        }
        tracing::trace!(read, found = found.len(), "care anniversaries");
        let total = found.len().min(COUNT_CAP);
        found.sort_unstable();
        found.truncate(limit);
        let mut name = self
            .conn()
            .prepare_cached("SELECT client_no, name FROM clients WHERE id = ?1")?;
        let mut lines = Vec::with_capacity(found.len());
        for (date, id, years) in found {
            let (client_no, client_name) = name.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            lines.push(CareLine {
                occasion: Occasion::Anniversary(years),
                date,
                days: days_until(today, date),
                client_id: id,
                client_no,
                client_name,
            });
        }
        Ok((lines, total))
    }

    /// The care occasions of `actor`'s clients within `care.birthday_days` of today:
    /// birthdays and anniversaries, at most [`CARE_LINES`] of each, and the festivals.
    pub fn care_list(&self, actor: &Actor) -> Result<CareList> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let (mut lines, mut total) = self.care_kind(actor, CareKind::Birthday, CARE_LINES)?;
        let (mut more, n) = self.care_kind(actor, CareKind::Anniversary, CARE_LINES)?;
        lines.append(&mut more);
        total += n;
        // By date, then occasion; within both, each kind's own order (the order home
        // shows them in): a stable sort.
        lines.sort_by_key(|l| (l.date, l.occasion));
        let mut festivals = Vec::new();
        for (festival, date) in self.care_festival_dates()? {
            let (_, clients) = self.care_kind(actor, CareKind::Festival(festival), 0)?;
            festivals.push(FestivalDue {
                festival,
                date,
                days: days_until(today, date),
                clients,
            });
        }
        Ok(CareList {
            lines,
            total,
            festivals,
        })
    }
}
