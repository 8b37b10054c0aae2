//! `rmdesk import clients`, `export clients`, `search`, and the demo's clients.
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use anyhow::bail;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use super::commands::{db_path, sign_in};
use super::demo_people;
use super::secrets::Secrets;
use super::Cli;
use crate::store::clients::ClientFilter;
use crate::store::clients_io::read_client_file;
use crate::store::Store;

/// Opens the database and signs in as `--user`.
pub(super) fn open_as(cli: &Cli) -> anyhow::Result<(Store, crate::store::Actor)> {
    let mut store = Store::open_existing(&db_path(cli)?)?;
    let actor = sign_in(cli, &mut store, &mut Secrets::stdin())?;
    Ok((store, actor))
}

/// Imports a client file; prints every refused row with its line and reasons.
pub fn import(cli: &Cli, file: &Path, skip_invalid: bool) -> anyhow::Result<()> {
    let parsed = read_client_file(file)?;
    let (mut store, actor) = open_as(cli)?;
    let show_progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let report = store.import_clients(&actor, &parsed, skip_invalid, &mut |done, total| {
        if show_progress {
            eprint!("\rimported {done} of {total}");
        }
    })?;
    if show_progress {
        eprintln!();
    }
    for r in &report.rejected {
        println!("line {}: {}", r.line, r.reasons.join("; "));
    }
    let secs = started.elapsed().as_secs_f64();
    if report.written() {
        println!(
            "imported {} of {} rows from {} in {secs:.2} s; {} rejected",
            report.imported,
            report.total,
            file.display(),
            report.rejected.len()
        );
        Ok(())
    } else {
        bail!(
            "{} of {} rows are invalid; nothing was imported (fix them, or use --skip-invalid to import the rest)",
            report.rejected.len(),
            report.total
        )
    }
}

/// Exports the clients the user sees.
pub fn export(cli: &Cli, file: &Path, unmasked: bool) -> anyhow::Result<()> {
    let (mut store, actor) = open_as(cli)?;
    let n = store.export_clients_to_file(&actor, &ClientFilter::default(), file, unmasked)?;
    let how = if unmasked { "in full" } else { "masked" };
    println!("exported {n} clients to {} ({how})", file.display());
    Ok(())
}

/// Prints the clients matching `text`.
pub fn search(cli: &Cli, text: &str, stats: bool, limit: usize) -> anyhow::Result<()> {
    let (store, actor) = open_as(cli)?;
    let started = Instant::now();
    let found = store.search_clients(&actor, text, limit)?;
    let took = started.elapsed();
    for c in &found {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            c.client_no,
            c.name,
            c.tier,
            c.risk_level.map(|r| r.code()).unwrap_or("-"),
            crate::domain::money::format_money(c.aum, "CNY"),
            c.owner
        );
    }
    if stats {
        println!(
            "{} match(es) in {:.3} ms",
            found.len(),
            took.as_secs_f64() * 1e3
        );
    }
    Ok(())
}

/// Adds `count` generated clients to a new demo database.
pub fn seed_demo_clients(path: &Path, count: u32, seed: u64) -> anyhow::Result<usize> {
    let mut store = Store::open(path)?;
    let today = store.today();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut amounts = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut people = (0..u64::from(count)).map(move |i| {
        let person = demo_people::person(&mut rng, i, today);
        (person, demo_amount(&mut amounts))
    });
    let show = std::io::stderr().is_terminal();
    let n = store.seed_demo_clients(&mut people, today, &mut |done| {
        if show {
            eprint!("\rclients: {done} of {count}");
        }
    })?;
    if show {
        eprintln!();
    }
    let mut activity = StdRng::seed_from_u64(seed ^ 0xac71);
    store.seed_demo_activity(today, &mut |_client| {
        super::demo_activity::events(&mut activity)
    })?;
    let (tasks, notes) = super::demo_activity::calendar(today);
    store.seed_demo_calendar(&tasks, &notes)?;
    store.seed_demo_marketing(today)?;
    Ok(n)
}

/// A deposit between ¥1,000 and ¥9,999,999.99, a quarter in each decade, so the tiers
/// (key from ¥100,000, core from ¥1,000,000) are all well represented.
fn demo_amount(rng: &mut StdRng) -> Decimal {
    let decade = rng.gen_range(3..=6u32);
    let cents = rng.gen_range(100_000..1_000_000i64) * 10i64.pow(decade - 3);
    Decimal::new(cents, 2)
}
