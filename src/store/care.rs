//! Care occasions (客户关怀) coming within `care.birthday_days` (7) days for the acting
//! user's clients (an RM's own; a manager's branch): birthdays after today (today's is
//! on the work list already), anniversaries of becoming a client, and Spring Festival
//! and Mid-Autumn Festival for clients who consent to marketing. Maturities are the work
//! list's. Closed clients have no occasions.
use chrono::{Datelike, NaiveDate};
use rusqlite::params;

use super::clients::scope;
use super::settings::read_i64;
use super::{Actor, Result, Role, Store, StoreError};
use crate::domain::care::{days_until, next_return, Festival};
use crate::domain::client::parse_date;

/// Most lines of each kind.
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

/// The care list: at most [`CARE_LINES`] lines of each occasion, by date, then
/// occasion, then name; and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CareList {
    /// The lines.
    pub lines: Vec<CareLine>,
    /// Lines in all, before the cut.
    pub total: usize,
}

impl Store {
    /// The care occasions of `actor`'s clients within `care.birthday_days` of today.
    pub fn care_list(&self, actor: &Actor) -> Result<CareList> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let window = read_i64(self.conn(), "care.birthday_days")?;
        let zone = self.zone();
        let festivals: Vec<(Festival, NaiveDate)> = Festival::ALL
            .iter()
            .filter_map(|f| Some((*f, f.next(today)?)))
            .filter(|(_, d)| days_until(today, *d) <= window)
            .collect();
        let (scope_sql, scope_arg) = scope(actor);
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT c.id, c.client_no, c.name, c.birth_date, c.created_at, c.marketing_consent
             FROM clients c WHERE {scope_sql} AND c.status <> 'closed'"
        ))?;
        let mut rows = stmt.query(params![scope_arg])?;
        let mut lines = Vec::new();
        while let Some(r) = rows.next()? {
            let (id, no, name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let birth: Option<String> = r.get(3)?;
            let created: String = r.get(4)?;
            let consent: String = r.get(5)?;
            let mut add = |occasion: Occasion, date: NaiveDate| {
                lines.push(CareLine {
                    occasion,
                    date,
                    days: days_until(today, date),
                    client_id: id,
                    client_no: no.clone(),
                    client_name: name.clone(),
                });
            };
            if let Some(b) = birth.as_deref().and_then(parse_date) {
                if let Some(d) = next_return(b, today, false) {
                    let days = days_until(today, d);
                    if days > 0 && days <= window {
                        add(Occasion::Birthday, d);
                    }
                }
            }
            if let Some(joined) = super::parse_ts(&created).map(|t| zone.date(t)) {
                if let Some(d) = next_return(joined, today, true) {
                    let years = u32::try_from(d.year() - joined.year()).unwrap_or(0);
                    if days_until(today, d) <= window && years > 0 {
                        add(Occasion::Anniversary(years), d);
                    }
                }
            }
            if consent == "yes" {
                for (f, d) in &festivals {
                    add(Occasion::Festival(*f), *d);
                }
            }
        }
        lines.sort_by(|a, b| {
            (a.date, a.occasion, &a.client_name, a.client_id).cmp(&(
                b.date,
                b.occasion,
                &b.client_name,
                b.client_id,
            ))
        });
        let total = lines.len();
        let mut seen: Vec<(Occasion, usize)> = Vec::new();
        lines.retain(|l| {
            let kind = match l.occasion {
                Occasion::Anniversary(_) => Occasion::Anniversary(0),
                o => o,
            };
            match seen.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => {
                    *n += 1;
                    *n <= CARE_LINES
                }
                None => {
                    seen.push((kind, 1));
                    true
                }
            }
        });
        Ok(CareList { lines, total })
    }
}
