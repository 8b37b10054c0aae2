//! The manager's desk: why clients are handed over, what an RM may request, and how a
//! hand-over spreads clients over several RMs (balanced by AUM).
use super::client::coded_enum;

/// Longest reason or note, in characters.
pub const REASON_MAX: usize = 500;

coded_enum! {
    /// Why a hand-over (换片) is made.
    HandoverReason, "hand-over reason", "rotation, leave, departure, rebalancing or other" {
        /// Regular rotation of RMs (岗位轮换).
        Rotation => "rotation", "handover.reason.rotation";
        /// The RM is on leave.
        Leave => "leave", "handover.reason.leave";
        /// The RM leaves the bank or the branch.
        Departure => "departure", "handover.reason.departure";
        /// Portfolios are evened out.
        Rebalancing => "rebalancing", "handover.reason.rebalancing";
        /// Anything else; the text says what.
        Other => "other", "handover.reason.other";
    }
}

coded_enum! {
    /// What an RM asks a manager to approve (审批).
    RequestKind, "request kind", "tier, take_over or suitability" {
        /// A tier for a client other than its AUM gives (up or down).
        Tier => "tier", "request.kind.tier";
        /// Taking over a client of another RM of the branch.
        TakeOver => "take_over", "request.kind.take_over";
        /// A product that does not suit the client (for a holding or a visit).
        Suitability => "suitability", "request.kind.suitability";
    }
}

coded_enum! {
    /// Where a request stands.
    RequestStatus, "request status", "pending, approved, rejected or withdrawn" {
        /// Waiting for a manager.
        Pending => "pending", "request.status.pending";
        /// Approved; the change was applied with the decision.
        Approved => "approved", "request.status.approved";
        /// Rejected; nothing changed.
        Rejected => "rejected", "request.status.rejected";
        /// Taken back by the requester before a decision.
        Withdrawn => "withdrawn", "request.status.withdrawn";
    }
}

/// Why a reason was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    /// Nothing typed.
    #[error("a reason is required")]
    Missing,
    /// Longer than [`REASON_MAX`].
    #[error("the reason is too long")]
    TooLong,
}

impl ReasonError {
    /// Catalogue key of the message.
    pub fn key(self) -> &'static str {
        match self {
            ReasonError::Missing => "err.reason.required",
            ReasonError::TooLong => "err.too_long",
        }
    }
}

/// A reason as typed: trimmed, required, at most [`REASON_MAX`] characters.
pub fn reason_text(s: &str) -> Result<String, ReasonError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ReasonError::Missing);
    }
    if t.chars().count() > REASON_MAX {
        return Err(ReasonError::TooLong);
    }
    Ok(t.to_string())
}

/// The hand-over reason and its text: `other` needs the text, the others may add one.
pub fn handover_reason(reason: HandoverReason, text: &str) -> Result<Option<String>, ReasonError> {
    match (reason, reason_text(text)) {
        (_, Ok(t)) => Ok(Some(t)),
        (HandoverReason::Other, Err(e)) => Err(e),
        (_, Err(ReasonError::TooLong)) => Err(ReasonError::TooLong),
        (_, Err(ReasonError::Missing)) => Ok(None),
    }
}

/// Spreads clients over `targets` receivers, balanced by AUM: the largest client first,
/// each to the receiver holding the least so far (ties: fewer clients, then the first
/// named). `clients` are `(id, aum in minor units)`; returns, in the same order, the index
/// of each client's receiver. With one receiver every client goes to it.
pub fn spread_by_aum(clients: &[(i64, i64)], targets: usize) -> Vec<usize> {
    let mut out = vec![0; clients.len()];
    if targets <= 1 {
        return out;
    }
    let mut order: Vec<usize> = (0..clients.len()).collect();
    order.sort_by(|&a, &b| {
        clients[b]
            .1
            .cmp(&clients[a].1)
            .then(clients[a].0.cmp(&clients[b].0))
    });
    let mut load = vec![(0i128, 0usize); targets];
    for i in order {
        let best = (0..targets)
            .min_by_key(|&t| (load[t].0, load[t].1, t))
            .unwrap_or(0);
        load[best].0 += i128::from(clients[i].1);
        load[best].1 += 1;
        out[i] = best;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_receiver_takes_everything() {
        assert_eq!(spread_by_aum(&[(1, 5), (2, 9)], 1), vec![0, 0]);
        assert_eq!(spread_by_aum(&[], 3), Vec::<usize>::new());
    }

    #[test]
    fn the_largest_go_first_to_the_lightest() {
        // 100 → A, 60 → B, 50 → B (110), 40 → A (140), 10 → B (120)
        let clients = [(1, 40), (2, 100), (3, 10), (4, 60), (5, 50)];
        let to = spread_by_aum(&clients, 2);
        assert_eq!(to, vec![0, 0, 1, 1, 1]);
        let sum = |t: usize| -> i64 {
            clients
                .iter()
                .zip(&to)
                .filter(|(_, &x)| x == t)
                .map(|(c, _)| c.1)
                .sum()
        };
        assert_eq!((sum(0), sum(1)), (140, 120));
    }

    #[test]
    fn clients_without_aum_are_spread_by_count() {
        let clients: Vec<(i64, i64)> = (1..=7).map(|i| (i, 0)).collect();
        let to = spread_by_aum(&clients, 3);
        let counts: Vec<usize> = (0..3)
            .map(|t| to.iter().filter(|&&x| x == t).count())
            .collect();
        assert_eq!(counts, vec![3, 2, 2]);
    }

    #[test]
    fn reasons() {
        assert_eq!(reason_text("  moved  "), Ok("moved".into()));
        assert_eq!(reason_text(" "), Err(ReasonError::Missing));
        assert_eq!(
            reason_text(&"x".repeat(REASON_MAX + 1)),
            Err(ReasonError::TooLong)
        );
        assert_eq!(handover_reason(HandoverReason::Rotation, ""), Ok(None));
        assert_eq!(
            handover_reason(HandoverReason::Other, ""),
            Err(ReasonError::Missing)
        );
        assert_eq!(
            handover_reason(HandoverReason::Other, "merger"),
            Ok(Some("merger".into()))
        );
        assert_eq!("Leave".parse::<HandoverReason>(), Ok(HandoverReason::Leave));
    }
}
