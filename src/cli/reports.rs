//! `rmdesk report performance|value|churn`: the reports of the screen F7 as tables,
//! printed tab-separated or written as CSV.
use std::io::Write;

use anyhow::{bail, Context};
use chrono::NaiveDate;

use super::clients::open_as;
use super::{Cli, ReportArgs, ReportCommand};
use crate::store::reports::{Period, ValueBy};
use crate::store::reports_table::{churn_table, performance_table, value_table, Table};

fn date(text: &str, what: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{what} {text}: not a date (YYYY-MM-DD)"))
}

/// The period asked for: both ends given, or the month of the one given, or this month.
pub(super) fn period(args: &ReportArgs, today: NaiveDate) -> anyhow::Result<Period> {
    let from = args.from.as_deref().map(|d| date(d, "from")).transpose()?;
    let to = args.to.as_deref().map(|d| date(d, "to")).transpose()?;
    let p = match (from, to) {
        (Some(from), Some(to)) => Period { from, to },
        (Some(d), None) => Period {
            from: d,
            to: Period::month_of(d).to,
        },
        (None, Some(d)) => Period {
            from: Period::month_of(d).from,
            to: d,
        },
        (None, None) => Period::month_of(today),
    };
    if p.from > p.to {
        bail!("the period ends ({}) before it starts ({})", p.to, p.from);
    }
    Ok(p)
}

/// Runs one report as the acting user.
pub fn run(cli: &Cli, cmd: &ReportCommand) -> anyhow::Result<()> {
    let (store, actor) = open_as(cli)?;
    let (args, table, summary) = match cmd {
        ReportCommand::Performance(args) => {
            let p = period(args, store.zone().date(store.now()))?;
            let r = store.performance_report(&actor, p, args.rm.as_deref())?;
            let summary = format!("period {} to {}", p.from, p.to);
            (args, performance_table(&r), vec![summary])
        }
        ReportCommand::Value(args) => {
            let by = if args.by == "aum" {
                ValueBy::Aum
            } else {
                ValueBy::Contribution
            };
            let r = store.value_report(&actor, args.rm.as_deref(), by)?;
            let summary = value_summary(&r, &args.by);
            (args, value_table(&r), summary)
        }
        ReportCommand::Churn(args) => {
            let r = store.churn_report(&actor, args.rm.as_deref())?;
            let summary = format!("{} clients at risk", r.len());
            (args, churn_table(&r), vec![summary])
        }
    };
    emit(&table, args, &summary)
}

/// The value report's summary lines: the top 20 % and a line per tier.
pub(super) fn value_summary(r: &crate::store::reports::ValueReport, by: &str) -> Vec<String> {
    let mut summary = vec![format!(
        "top 20%: {} of {} clients hold {}% of {}",
        r.top_count,
        r.rows.len(),
        r.top_share
            .map_or_else(|| "-".into(), |s| format!("{s:.1}")),
        by
    )];
    for t in &r.tiers {
        summary.push(format!(
            "tier {}: {} clients, aum {:.2}, contribution {:.2}",
            t.tier.code(),
            t.clients,
            t.aum,
            crate::store::reports::cents(t.contribution)
        ));
    }
    summary
}

/// Prints the table and its summary, or writes it as CSV with `--csv`.
pub(super) fn emit(table: &Table, args: &ReportArgs, summary: &[String]) -> anyhow::Result<()> {
    match &args.csv {
        Some(path) => {
            table.write_csv(path)?;
            println!("wrote {} rows to {}", table.rows.len(), path.display());
        }
        None => {
            let mut text = table.to_tsv();
            text.push('\n');
            for line in summary {
                text.push_str(line);
                text.push('\n');
            }
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                // A reader that stopped early (`| head`) is not a failure.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
        }
    }
    Ok(())
}

/// `rmdesk product margin CODE PERCENT` (administrators; audited).
pub fn set_margin(cli: &Cli, code: &str, percent: &str) -> anyhow::Result<()> {
    let margin: rust_decimal::Decimal = percent
        .trim()
        .parse()
        .with_context(|| format!("{percent}: not a number"))?;
    let (mut store, actor) = open_as(cli)?;
    store.set_product_margin(&actor, code, margin)?;
    println!("product {code}: margin {}% per year", margin.normalize());
    Ok(())
}
