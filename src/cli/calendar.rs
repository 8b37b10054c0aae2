//! `rmdesk export calendar`: the user's tasks as an iCalendar file.
use std::path::Path;

use super::clients::open_as;
use super::Cli;

/// Exports the signed-in user's calendar.
pub fn export(cli: &Cli, file: &Path) -> anyhow::Result<()> {
    let (mut store, actor) = open_as(cli)?;
    let n = store.export_calendar_to_file(&actor, file)?;
    println!("exported {n} tasks to {}", file.display());
    Ok(())
}
