//! Hand-over (换片): a manager moves one client, a selection or all clients of an RM to
//! one RM or spread over several (balanced by AUM), with a reason, in one transaction:
//! owners, the clients' open tasks (follow-ups included) and the pending complaints the
//! old RM handled move; every move is audited; the hand-over is kept with a line per
//! client as it stood (the ledger, 交接台账), exportable to CSV.
//!
//! Only a manager hands over, within their branch. Every receiver must be an active RM
//! of the branch other than the giver (only an active RM owns clients: a manager does
//! not receive them); anything wrong refuses the whole hand-over before a row is
//! written.//!
//! `parties` checks the giver, the receivers and the clients, `moves` does the
//! hand-over, `ledger` reads it back and exports it.

mod ledger;
mod moves;
mod parties;

pub(crate) use moves::hand_over_in;
pub(crate) use parties::{manager_branch, member, Member};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::client::Tier;
use crate::domain::desk::HandoverReason;

/// Days ahead whose maturities the ledger counts.
pub const MATURITY_DAYS: u64 = 30;

/// Which clients of the giver move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Every client the giver owns (closed ones too: nobody is left without an owner).
    All,
    /// These client numbers, each of which the giver must own.
    Numbers(Vec<String>),
}

/// A hand-over to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverSpec {
    /// Username of the RM giving the clients.
    pub from: String,
    /// Usernames of the receivers (several: spread by AUM).
    pub to: Vec<String>,
    /// Which clients.
    pub which: Which,
    /// Why.
    pub reason: HandoverReason,
    /// The reason's text (required for `other`).
    pub reason_text: String,
}

/// What a hand-over did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverDone {
    /// The ledger record.
    pub id: i64,
    /// Clients moved.
    pub clients: usize,
    /// Open tasks moved.
    pub tasks: usize,
    /// Pending complaints whose handler changed.
    pub complaints: usize,
    /// Per receiver: username, clients, their AUM.
    pub per_receiver: Vec<(String, usize, Decimal)>,
}

/// A hand-over as the ledger lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// Row id.
    pub id: i64,
    /// When (instant).
    pub at: String,
    /// Local date.
    pub date: Option<NaiveDate>,
    /// Giver's username.
    pub from: String,
    /// Receivers' usernames, in the order first met.
    pub to: Vec<String>,
    /// Why.
    pub reason: HandoverReason,
    /// The reason's text.
    pub reason_text: Option<String>,
    /// Manager who made it.
    pub by: String,
    /// Clients moved.
    pub clients: usize,
    /// Their AUM then.
    pub aum: Decimal,
}

/// One client of a hand-over, as it stood when handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    /// Client id.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Name.
    pub name: String,
    /// Tier in force.
    pub tier: Tier,
    /// AUM in CNY.
    pub aum: Decimal,
    /// Open tasks.
    pub open_tasks: i64,
    /// Pending complaints.
    pub pending_complaints: i64,
    /// Holdings maturing in the next 30 days.
    pub maturities_30d: i64,
    /// Receiver's username.
    pub to: String,
}
