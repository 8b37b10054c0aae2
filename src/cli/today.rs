//! `rmdesk today [--date DATE]`: the acting user's home list for scripts — the work list
//! of F2 (overdue and today's tasks, complaints near their deadline, maturities,
//! today's birthdays, risk reviews, contact due), then the care occasions coming within
//! `care.birthday_days` days — one line each, reason first, tab-separated; a festival is
//! one line with the number of consenting clients (home's summary), not a line each.
use std::io::Write;

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};

use super::clients::open_as;
use super::Cli;
use crate::store::care::Occasion;
use crate::store::home::{WorkKind, COUNT_CAP};
use crate::store::ZonedClock;

fn work_reason(kind: WorkKind) -> &'static str {
    match kind {
        WorkKind::OverdueTask => "overdue task",
        WorkKind::TaskToday => "task today",
        WorkKind::Complaint => "complaint deadline",
        WorkKind::Maturity => "maturity",
        WorkKind::Birthday => "birthday today",
        WorkKind::RiskReview => "risk review",
        WorkKind::ContactDue => "contact due",
    }
}

fn care_reason(o: Occasion, days: i64) -> String {
    let when = match days {
        0 => "today".to_string(),
        1 => "in 1 day".to_string(),
        n => format!("in {n} days"),
    };
    match o {
        Occasion::Birthday => format!("birthday {when}"),
        Occasion::Anniversary(y) => format!("{y}-year anniversary {when}"),
        Occasion::Festival(f) => format!("{} {when}", f.code().replace('_', " ")),
    }
}

/// Prints the list; `date` (YYYY-MM-DD) stands for today, at noon in the store's zone.
pub fn run(cli: &Cli, date: Option<&str>) -> anyhow::Result<()> {
    let (mut store, actor) = open_as(cli)?;
    if let Some(d) = date {
        let day = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .with_context(|| format!("--date {d}: not a date (YYYY-MM-DD)"))?;
        let zone = store.zone();
        let noon = zone.to_utc(day.and_time(NaiveTime::MIN) + chrono::Duration::hours(12));
        store.set_clock(Box::new(ZonedClock { now: noon, zone }));
    }
    let mut text = String::new();
    for w in store.work_list(&actor)?.items {
        text.push_str(&format!(
            "{}\t{}\t{}",
            work_reason(w.kind),
            w.date,
            w.subject
        ));
        if let Some(d) = &w.detail {
            text.push_str(&format!("\t{d}"));
        }
        text.push('\n');
    }
    let care = store.care_list(&actor)?;
    for c in care.lines {
        text.push_str(&format!(
            "{}\t{}\t{} {}\n",
            care_reason(c.occasion, c.days),
            c.date,
            c.client_no,
            c.client_name
        ));
    }
    // A festival is one line: its date and how many consenting clients it has.
    for f in care.festivals {
        let n = if f.clients >= COUNT_CAP {
            format!("{COUNT_CAP}+")
        } else {
            f.clients.to_string()
        };
        text.push_str(&format!(
            "{}\t{}\t{n} consenting clients\n",
            care_reason(Occasion::Festival(f.festival), f.days),
            f.date,
        ));
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
