//! `rmdesk campaign list|show|contacts`: campaigns and their results for scripts, as the
//! acting user (a manager: the branch's; an RM: those with targets of theirs).
use std::io::Write;
use std::path::Path;

use super::clients::open_as;
use super::{CampaignCommand, Cli};
use crate::store::campaign_results::results_table;
use crate::store::campaigns::Campaign;

fn period(c: &Campaign) -> String {
    format!("{}..{}", c.starts_on, c.ends_on)
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A reader that stopped early (`| head`) is not a failure.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Runs one `rmdesk campaign` command.
pub fn run(cli: &Cli, cmd: &CampaignCommand) -> anyhow::Result<()> {
    let (mut store, actor) = open_as(cli)?;
    match cmd {
        CampaignCommand::List => {
            let mut text = String::from("id\tstatus\tname\tperiod\tproduct\ttargets\n");
            for c in store.campaigns(&actor)? {
                text.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\n",
                    c.id,
                    c.status.code(),
                    c.name,
                    period(&c),
                    c.product.as_ref().map_or("-", |p| p.0.as_str()),
                    c.targets
                ));
            }
            print(&text)
        }
        CampaignCommand::Show { id, csv } => {
            let c = store.campaign(&actor, *id)?;
            let table = results_table(&store.campaign_results(&actor, *id)?);
            if let Some(path) = csv {
                table.write_csv(path)?;
                println!("wrote {} rows to {}", table.rows.len(), path.display());
                return Ok(());
            }
            let mut text = format!(
                "campaign {}: {}\nstatus {}\nperiod {}\nproduct {}\ngoal {}\nsegment {}\n\
                 targets {}, left out: {} without consent, {} unsuitable\n\n",
                c.id,
                c.name,
                c.status.code(),
                period(&c),
                c.product
                    .as_ref()
                    .map_or_else(|| "-".into(), |p| format!("{} {}", p.0, p.1)),
                if c.goal.is_empty() { "-" } else { &c.goal },
                match c.segment.to_text() {
                    t if t.is_empty() => "(all clients of the branch)".to_string(),
                    t => t.replace('\n', " "),
                },
                c.targets,
                c.left_no_consent,
                c.left_unsuitable
            );
            text.push_str(&table.to_tsv());
            print(&text)
        }
        CampaignCommand::Contacts { id, file } => contacts(&mut store, &actor, *id, file),
    }
}

fn contacts(
    store: &mut crate::store::Store,
    actor: &crate::store::Actor,
    id: i64,
    file: &Path,
) -> anyhow::Result<()> {
    let n = store.export_campaign_contacts(actor, id, file)?;
    println!("wrote {n} contacts to {}", file.display());
    Ok(())
}
