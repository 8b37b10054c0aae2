//! Churn warnings (流失预警): the clients in scope at risk of leaving, with their reasons.
use chrono::{Days, NaiveDate};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use rust_decimal::Decimal;

use super::{fen, rms_in_scope, tier_of};
use crate::domain::client::Tier;
use crate::store::clients::scope;
use crate::store::settings::read_i64;
use crate::store::{parse_ts, ts, Actor, Result, Store, Zone};

/// Why a client is at risk of leaving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChurnReason {
    /// AUM fell by this percent (whole, rounded down) over the window.
    AumDrop(i64),
    /// A holding matured on this date with no new holding within the grace days.
    MaturityLapsed(NaiveDate),
    /// No contact for twice the tier's cadence (days since, or never).
    NoContact(Option<i64>),
    /// A complaint is past its deadline, unresolved.
    OverdueComplaint,
    /// The client is dormant.
    Dormant,
}

impl ChurnReason {
    /// Catalogue key of the reason.
    pub fn key(&self) -> &'static str {
        match self {
            ChurnReason::AumDrop(_) => "report.churn.aum_drop",
            ChurnReason::MaturityLapsed(_) => "report.churn.maturity",
            ChurnReason::NoContact(_) => "report.churn.no_contact",
            ChurnReason::OverdueComplaint => "report.churn.complaint",
            ChurnReason::Dormant => "report.churn.dormant",
        }
    }

    /// The reason's value, if it has one (percent, date, days).
    pub fn value(&self) -> String {
        match self {
            ChurnReason::AumDrop(p) => format!("{p}%"),
            ChurnReason::MaturityLapsed(d) => d.to_string(),
            ChurnReason::NoContact(Some(d)) => d.to_string(),
            ChurnReason::NoContact(None) | ChurnReason::OverdueComplaint => String::new(),
            ChurnReason::Dormant => String::new(),
        }
    }

    /// A stable code, for the command line and CSV.
    pub fn code(&self) -> String {
        match self {
            ChurnReason::AumDrop(p) => format!("aum_drop:{p}%"),
            ChurnReason::MaturityLapsed(d) => format!("maturity:{d}"),
            ChurnReason::NoContact(Some(d)) => format!("no_contact:{d}d"),
            ChurnReason::NoContact(None) => "no_contact:never".into(),
            ChurnReason::OverdueComplaint => "complaint_overdue".into(),
            ChurnReason::Dormant => "dormant".into(),
        }
    }
}

/// A client at risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnRow {
    /// Client id.
    pub client_id: i64,
    /// Client number.
    pub client_no: String,
    /// Name.
    pub name: String,
    /// Owner's username.
    pub rm: String,
    /// Tier (the override when there is one).
    pub tier: Tier,
    /// AUM at risk: the client's AUM now, CNY.
    pub aum: Decimal,
    /// The reasons, in the order of [`ChurnReason`].
    pub reasons: Vec<ChurnReason>,
}

impl ChurnRow {
    /// Where the next page starts after this row: its AUM (fen) and client id.
    pub fn key(&self) -> (i64, i64) {
        let fen = (self.aum * Decimal::ONE_HUNDRED).trunc();
        (i64::try_from(fen).unwrap_or(0), self.client_id)
    }
}

impl Store {
    /// Clients in scope (active or dormant; one RM's with `rm`) at risk of leaving,
    /// with every reason that applies, highest AUM first. Reasons, as of today:
    /// AUM down by at least `churn.aum_drop_pct` percent from the end of the day
    /// `churn.aum_drop_days` days ago; a holding that matured within that window, at
    /// least `churn.maturity_grace_days` days ago, with no holding started from its
    /// maturity to that many days after; no contact (or, never contacted, creation)
    /// since before today minus twice the tier's cadence; a complaint still open after
    /// its deadline; status dormant. Ties of AUM: the later client (by id) first.
    pub fn churn_report(&self, actor: &Actor, rm: Option<&str>) -> Result<Vec<ChurnRow>> {
        self.churn_page(actor, rm, None, usize::MAX)
    }

    /// The most urgent churn warnings of the actor's scope: the first `limit` lines of
    /// [`Store::churn_report`] (highest AUM at risk first), for the home list.
    pub fn churn_warnings(&self, actor: &Actor, limit: usize) -> Result<Vec<ChurnRow>> {
        self.churn_page(actor, None, None, limit)
    }

    /// One page of [`Store::churn_report`]: at most `limit` lines after `after` (the
    /// [`ChurnRow::key`] of the last line of the previous page; `None` from the top).
    /// The clients are walked in the order of the `(branch or owner, aum, id)` index
    /// and the walk stops at the page's last line, so a page costs what the clients
    /// looked at cost, not the whole branch.
    pub fn churn_page(
        &self,
        actor: &Actor,
        rm: Option<&str>,
        after: Option<(i64, i64)>,
        limit: usize,
    ) -> Result<Vec<ChurnRow>> {
        self.churn_walk(actor, rm, after, limit, usize::MAX)
    }

    /// The churn warnings among the `examine` largest clients in scope (by AUM, a walk
    /// of the owner's or branch's AUM index), for home: the same reasons as
    /// [`Store::churn_report`], at a cost that does not grow with the portfolio.
    pub fn churn_among_largest(&self, actor: &Actor, examine: usize) -> Result<Vec<ChurnRow>> {
        self.churn_walk(actor, None, None, usize::MAX, examine)
    }

    /// The walk behind [`Store::churn_page`] and [`Store::churn_among_largest`]: stops
    /// at `limit` warnings or after `examine` clients, whichever comes first.
    fn churn_walk(
        &self,
        actor: &Actor,
        rm: Option<&str>,
        after: Option<(i64, i64)>,
        limit: usize,
        examine: usize,
    ) -> Result<Vec<ChurnRow>> {
        let conn = self.conn();
        let zone = self.zone();
        let today = zone.date(self.now());
        let rms = rms_in_scope(conn, actor, rm)?;
        let (scope_sql, scope_arg) = scope(actor);
        let mut args = vec![scope_arg];
        let rm_sql = match rm {
            Some(_) => {
                let Some((id, _, _)) = rms.first() else {
                    return Ok(Vec::new());
                };
                args.push(Value::Integer(*id));
                "AND c.owner_id = ?"
            }
            None => "",
        };
        let days_ago = |n: i64| {
            today
                .checked_sub_days(Days::new(u64::try_from(n).unwrap_or(0)))
                .unwrap_or(today)
        };
        let drop_pct = read_i64(conn, "churn.aum_drop_pct")?;
        let window = read_i64(conn, "churn.aum_drop_days")?;
        let grace = read_i64(conn, "churn.maturity_grace_days")?;
        let cadence = |tier: &str| -> Result<String> {
            let days = read_i64(conn, &format!("cadence.{tier}_days"))?;
            Ok(ts(zone.day_start(days_ago(2 * days))))
        };
        // AUM at the end of the day `window` days ago: the last row before the next day.
        let drop_at = ts(zone.day_start(days_ago(window - 1)));
        args.extend([
            Value::Text(cadence("core")?),
            Value::Text(cadence("key")?),
            Value::Text(cadence("general")?),
            Value::Text(today.to_string()),
            Value::Text(drop_at),
            Value::Text(days_ago(window).to_string()),
            Value::Text(days_ago(grace).to_string()),
            Value::Integer(grace),
        ]);
        let after_sql = match after {
            Some((aum, id)) => {
                args.extend([Value::Integer(aum), Value::Integer(id)]);
                CHURN_AFTER
            }
            None => "",
        };
        let sql = churn_sql(scope_sql, rm_sql, after_sql);
        if rm_sql.is_empty() {
            args.insert(1, Value::Null);
        }
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((
                ChurnRow {
                    client_id: r.get(0)?,
                    client_no: r.get(1)?,
                    name: r.get(2)?,
                    rm: r.get(3)?,
                    tier: tier_of(&r.get::<_, String>(4)?),
                    aum: fen(r.get(5)?),
                    reasons: Vec::new(),
                },
                ChurnSignals {
                    aum_minor: r.get(5)?,
                    dormant: r.get(6)?,
                    last_contact: r.get(7)?,
                    no_contact: r.get(8)?,
                    complaint: r.get(9)?,
                    aum_before: r.get(10)?,
                    lapsed: r.get(11)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows.take(examine) {
            if out.len() >= limit {
                break;
            }
            let (mut c, signals) = row?;
            c.reasons = signals.reasons(drop_pct, today, zone);
            if !c.reasons.is_empty() {
                out.push(c);
            }
        }
        Ok(out)
    }
}

/// What the churn query reads of a client besides who it is: its columns 5 to 11, in
/// this order, at the branch and at head office alike.
pub(crate) struct ChurnSignals {
    pub aum_minor: i64,
    pub dormant: bool,
    pub last_contact: Option<String>,
    pub no_contact: bool,
    pub complaint: bool,
    pub aum_before: Option<i64>,
    pub lapsed: Option<String>,
}

impl ChurnSignals {
    /// The reasons these signals give, in the order the list shows them: the AUM drop
    /// of `drop_pct` percent or more, a lapsed maturity, no contact (days before `today`
    /// in `zone`), an overdue complaint, dormancy.
    pub(crate) fn reasons(&self, drop_pct: i64, today: NaiveDate, zone: Zone) -> Vec<ChurnReason> {
        let mut reasons = Vec::new();
        if let Some(before) = self.aum_before.filter(|b| *b > 0) {
            let fall = before - self.aum_minor;
            if fall * 100 >= drop_pct * before {
                reasons.push(ChurnReason::AumDrop(fall * 100 / before));
            }
        }
        if let Some(d) = self.lapsed.as_deref().and_then(|d| d.parse().ok()) {
            reasons.push(ChurnReason::MaturityLapsed(d));
        }
        if self.no_contact {
            let days = self
                .last_contact
                .as_deref()
                .and_then(parse_ts)
                .map(|t| (today - zone.date(t)).num_days());
            reasons.push(ChurnReason::NoContact(days));
        }
        if self.complaint {
            reasons.push(ChurnReason::OverdueComplaint);
        }
        if self.dormant {
            reasons.push(ChurnReason::Dormant);
        }
        reasons
    }
}

/// The condition of a page after the line `(?11, ?12)`: its AUM (fen) and client id.
pub(crate) const CHURN_AFTER: &str =
    "AND (c.aum_minor < ?11 OR (c.aum_minor = ?11 AND c.id < ?12))";

/// The churn list's query: `scope` (`?1`), `rm` (`?2`) and `after` (`?11`, `?12`) are the
/// conditions of [`Store::churn_page`]; `?3`–`?10` the dates and settings of the reasons.
/// Ordered as the `(branch or owner, aum, id)` index is, walked backwards.
pub(crate) fn churn_sql(scope: &str, rm: &str, after: &str) -> String {
    format!(
        "SELECT c.id, c.client_no, c.name, u.username, coalesce(c.tier_override, c.tier),
                c.aum_minor, c.status = 'dormant', c.last_contact_at,
                coalesce(c.last_contact_at, c.created_at) <
                    CASE coalesce(c.tier_override, c.tier) WHEN 'core' THEN ?3 WHEN 'key' THEN ?4 ELSE ?5 END,
                EXISTS (SELECT 1 FROM feedback f WHERE f.client_id = c.id AND f.kind = 'complaint'
                        AND f.status IN ('open', 'in_progress') AND f.deadline < ?6),
                (SELECT h.aum_minor FROM aum_history h WHERE h.client_id = c.id AND h.at < ?7
                 ORDER BY h.at DESC, h.id DESC LIMIT 1),
                (SELECT max(m.maturity_date) FROM holdings m WHERE m.client_id = c.id
                   AND m.maturity_date BETWEEN ?8 AND ?9
                   AND NOT EXISTS (SELECT 1 FROM holdings n WHERE n.client_id = c.id AND n.id != m.id
                       AND n.start_date BETWEEN m.maturity_date AND date(m.maturity_date, '+' || ?10 || ' days')))
         FROM clients c JOIN users u ON u.id = c.owner_id
         WHERE {} {} {after} AND c.status IN ('active', 'dormant')
         ORDER BY c.aum_minor DESC, c.id DESC",
        scope.replace('?', "?1"),
        rm.replace('?', "?2"),
    )
}
