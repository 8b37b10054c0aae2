//! `rmdesk reassign` (a manager's hand-over) and the requests an RM makes and a manager
//! decides (`rmdesk request`, `rmdesk approvals`).
use std::io::IsTerminal;
use std::path::Path;

use anyhow::{bail, Context};

use super::clients::open_as;
use super::Cli;
use crate::domain::client::Tier;
use crate::domain::desk::HandoverReason;
use crate::domain::money::format_money;
use crate::store::approvals::Ask;
use crate::store::handover::{HandoverSpec, Which};
use crate::store::{Actor, Role};

/// Splits `--reason`: a reason code alone, a code then `:` and its text, or any other
/// text (reason `other`).
pub fn parse_reason(text: &str) -> (HandoverReason, String) {
    let t = text.trim();
    let (head, rest) = match t.split_once(':') {
        Some((h, r)) => (h.trim(), r.trim()),
        None => (t, ""),
    };
    match head.parse::<HandoverReason>() {
        Ok(r) => (r, rest.to_string()),
        Err(_) => (HandoverReason::Other, t.to_string()),
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Rm => "an RM",
        Role::Manager => "a manager",
        Role::Admin => "an administrator",
    }
}

fn require(actor: &Actor, role: Role, what: &str) -> anyhow::Result<()> {
    if actor.role != role {
        bail!(
            "only {} {what}; {} is {}",
            role_name(role),
            actor.username,
            role_name(actor.role)
        );
    }
    Ok(())
}

/// `rmdesk reassign`.
pub fn reassign(
    cli: &Cli,
    from: &str,
    to: &[String],
    all: bool,
    clients: &[String],
    reason: &str,
    ledger: Option<&Path>,
) -> anyhow::Result<()> {
    let (mut store, actor) = open_as(cli)?;
    require(&actor, Role::Manager, "of the branch hands clients over")?;
    let (reason, reason_text) = parse_reason(reason);
    let spec = HandoverSpec {
        from: from.to_string(),
        to: to.to_vec(),
        which: if all {
            Which::All
        } else {
            Which::Numbers(clients.to_vec())
        },
        reason,
        reason_text,
    };
    let show_progress = std::io::stderr().is_terminal();
    let done = store.hand_over(&actor, &spec, &mut |n, total| {
        if show_progress {
            eprint!("\rhanded over {n} of {total}");
        }
    })?;
    if show_progress {
        eprintln!();
    }
    println!(
        "hand-over #{}: {} client(s) of {from} handed over ({reason}); {} open task(s) and {} pending complaint(s) moved",
        done.id, done.clients, done.tasks, done.complaints
    );
    for (user, n, aum) in &done.per_receiver {
        println!(
            "  to {user}: {n} client(s), AUM {}",
            format_money(*aum, "CNY")
        );
    }
    if let Some(path) = ledger {
        let rows = store.export_ledger_csv(&actor, done.id, path)?;
        println!("ledger written to {} ({rows} client(s))", path.display());
    }
    Ok(())
}

/// `rmdesk request tier|take-over|withdraw`.
pub fn request(cli: &Cli, cmd: &super::RequestCommand) -> anyhow::Result<()> {
    let (mut store, actor) = open_as(cli)?;
    require(&actor, Role::Rm, "files requests")?;
    let (ask, reason) = match cmd {
        super::RequestCommand::Tier {
            client,
            tier,
            reason,
        } => {
            let tier: Tier = tier.parse()?;
            let id = store
                .client_id_by_no(&actor, client)?
                .with_context(|| format!("{client} is not a client of yours"))?;
            (
                Ask::Tier {
                    client_id: id,
                    tier,
                },
                reason,
            )
        }
        super::RequestCommand::TakeOver { client, reason } => (
            Ask::TakeOver {
                client_no: client.clone(),
            },
            reason,
        ),
        super::RequestCommand::Withdraw { id } => {
            store.withdraw_request(&actor, *id).map_err(|e| match e {
                crate::store::StoreError::NotFound => {
                    anyhow::anyhow!("request #{id} is not one of yours")
                }
                e => e.into(),
            })?;
            println!("request #{id} withdrawn");
            return Ok(());
        }
    };
    let id = store
        .file_request(&actor, &ask, reason)
        .map_err(|e| match e {
            crate::store::StoreError::NotFound => {
                anyhow::anyhow!("no such client that you may ask about")
            }
            e => e.into(),
        })?;
    println!("request #{id} filed; a manager of the branch decides it");
    Ok(())
}

/// `rmdesk approvals list|approve|reject`.
pub fn approvals(cli: &Cli, cmd: &super::ApprovalsCommand) -> anyhow::Result<()> {
    let (mut store, actor) = open_as(cli)?;
    match cmd {
        super::ApprovalsCommand::List { all } => {
            if actor.role == Role::Admin {
                bail!("an administrator has no requests to see");
            }
            for r in store.requests(&actor, !all)? {
                let what = match (r.tier, &r.product) {
                    (Some(t), _) => format!(" → {t}"),
                    (_, Some((code, _))) => format!(" {code}"),
                    _ => String::new(),
                };
                println!(
                    "#{} {} {} {}{what} {} {} AUM {} by {} on {}: {}{}",
                    r.id,
                    r.status,
                    r.kind,
                    r.client_no,
                    r.client_name,
                    r.client_tier,
                    format_money(r.client_aum, "CNY"),
                    r.requester,
                    r.created_at.get(..10).unwrap_or(&r.created_at),
                    r.reason,
                    r.note
                        .as_deref()
                        .map(|n| format!(" — {n}"))
                        .unwrap_or_default()
                );
            }
        }
        super::ApprovalsCommand::Approve { id, note }
        | super::ApprovalsCommand::Reject { id, note } => {
            require(&actor, Role::Manager, "decides requests")?;
            let approve = matches!(cmd, super::ApprovalsCommand::Approve { .. });
            store.decide_request(&actor, *id, approve, note.as_deref().unwrap_or(""))?;
            println!(
                "request #{id} {}",
                if approve {
                    "approved and applied"
                } else {
                    "rejected"
                }
            );
        }
    }
    Ok(())
}
