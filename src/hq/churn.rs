//! `rmdesk hq report churn`: the churn warnings of `store::reports` (流失预警) computed in
//! PostgreSQL over head office's tables, for every branch or one, each branch with its
//! own settings (`churn.*`, `cadence.*`, as it pushed them), so that for one branch the
//! lines are those of that branch manager's `rmdesk report churn` on the same day.
//!
//! The reasons, as of today in the offset given (docs/REPORTS.md): AUM down by at least
//! `churn.aum_drop_pct` percent from the end of the day `churn.aum_drop_days` days ago; a
//! holding that matured within that window, at least `churn.maturity_grace_days` days
//! ago, with no holding started from its maturity to that many days after; no contact
//! (never contacted: since creation) for twice the tier's cadence; a complaint still open
//! after its deadline; status dormant. Highest AUM first; ties, the later client first.
use std::collections::HashMap;

use anyhow::Context;
use chrono::{Days, FixedOffset, NaiveDate};

use rust_decimal::Decimal;

use crate::domain::client::Tier;
use crate::store::reports::churn::ChurnSignals;
use crate::store::reports::ChurnRow;
use crate::store::settings::spec_of;
use crate::store::{ts, Zone};

const SQL: &str = "
SELECT c.id, c.client_no, c.name, u.username, coalesce(c.tier_override, c.tier),
       c.aum_minor, c.status = 'dormant', c.last_contact_at,
       coalesce(c.last_contact_at, c.created_at) <
           CASE coalesce(c.tier_override, c.tier) WHEN 'core' THEN $2::text WHEN 'key' THEN $3::text ELSE $4::text END,
       EXISTS (SELECT 1 FROM hq.feedback f
               WHERE f.branch_code = c.branch_code AND f.client_id = c.id AND f.kind = 'complaint'
                 AND f.status IN ('open', 'in_progress') AND f.deadline < $5::text),
       CASE WHEN cur.at < $6::text THEN cur.aum_minor
            ELSE (SELECT h.aum_minor FROM hq.aum_history h
                  WHERE h.branch_code = c.branch_code AND h.client_id = c.id AND h.at < $6::text
                  ORDER BY h.at DESC, h.id DESC LIMIT 1) END,
       (SELECT max(m.maturity_date) FROM hq.holdings m
        WHERE m.branch_code = c.branch_code AND m.client_id = c.id
          AND m.maturity_date BETWEEN $7::text AND $8::text
          AND NOT EXISTS (SELECT 1 FROM hq.holdings n
                          WHERE n.branch_code = c.branch_code AND n.client_id = c.id AND n.id != m.id
                            AND n.start_date BETWEEN m.maturity_date
                                AND to_char(m.maturity_date::date + $9::int, 'YYYY-MM-DD')))
FROM hq.clients c
JOIN hq.users u ON u.branch_code = c.branch_code AND u.id = c.owner_id
LEFT JOIN hq.aum_current cur ON cur.branch_code = c.branch_code AND cur.client_id = c.id
WHERE c.branch_code = $1::text AND c.status IN ('active', 'dormant')
ORDER BY c.aum_minor DESC, c.id DESC";

/// A branch's setting as head office holds it: its default when missing or unreadable,
/// within its bounds, as the branch reads it.
fn setting(held: &HashMap<String, String>, key: &str) -> anyhow::Result<i64> {
    let spec = spec_of(key).with_context(|| format!("no setting {key}"))?;
    Ok(spec.value(held.get(key).map(String::as_str)))
}

/// The churn warnings of every branch (client numbers as `CODE/number`) or of `branch`,
/// as of `today` in `offset`.
pub fn churn(
    client: &mut postgres::Client,
    branch: Option<&str>,
    today: NaiveDate,
    offset: FixedOffset,
) -> anyhow::Result<Vec<ChurnRow>> {
    let zone = Zone::Fixed(offset);
    let codes: Vec<String> = match branch {
        Some(b) => vec![b.to_string()],
        None => client
            .query(
                "SELECT branch_code FROM hq.branch_state ORDER BY branch_code",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect(),
    };
    let days_ago = |n: i64| {
        today
            .checked_sub_days(Days::new(u64::try_from(n).unwrap_or(0)))
            .unwrap_or(today)
    };
    let mut all: Vec<(String, ChurnRow)> = Vec::new();
    for code in &codes {
        let held: HashMap<String, String> = client
            .query(
                "SELECT key, value FROM hq.settings WHERE branch_code = $1",
                &[code],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let drop_pct = setting(&held, "churn.aum_drop_pct")?;
        let window = setting(&held, "churn.aum_drop_days")?;
        let grace = setting(&held, "churn.maturity_grace_days")?;
        let cadence = |tier: &str| -> anyhow::Result<String> {
            let days = setting(&held, &format!("cadence.{tier}_days"))?;
            Ok(ts(zone.day_start(days_ago(2 * days))))
        };
        let (core, key, general) = (cadence("core")?, cadence("key")?, cadence("general")?);
        let today_s = today.to_string();
        // AUM at the end of the day `window` days ago: the last row before the next day.
        let drop_at = ts(zone.day_start(days_ago(window - 1)));
        let (from, to) = (days_ago(window).to_string(), days_ago(grace).to_string());
        let grace_days = i32::try_from(grace)?;
        let rows = client
            .query(
                SQL,
                &[
                    code,
                    &core,
                    &key,
                    &general,
                    &today_s,
                    &drop_at,
                    &from,
                    &to,
                    &grace_days,
                ],
            )
            .with_context(|| format!("the churn warnings of branch {code}"))?;
        for r in rows {
            let now_aum: i64 = r.get(5);
            let mut c = ChurnRow {
                client_id: r.get(0),
                client_no: match branch {
                    Some(_) => r.get(1),
                    None => format!("{code}/{}", r.get::<_, String>(1)),
                },
                name: r.get(2),
                rm: r.get(3),
                tier: r.get::<_, String>(4).parse().unwrap_or(Tier::General),
                aum: Decimal::new(now_aum, 2),
                reasons: Vec::new(),
            };
            let signals = ChurnSignals {
                aum_minor: now_aum,
                dormant: r.get(6),
                last_contact: r.get(7),
                no_contact: r.get(8),
                complaint: r.get(9),
                aum_before: r.get(10),
                lapsed: r.get(11),
            };
            c.reasons = signals.reasons(drop_pct, today, zone);
            if !c.reasons.is_empty() {
                all.push((code.clone(), c));
            }
        }
    }
    // Across branches: highest AUM first, then by branch, then the later client first.
    all.sort_by(|(a_code, a), (b_code, b)| {
        b.aum
            .cmp(&a.aum)
            .then_with(|| a_code.cmp(b_code))
            .then_with(|| b.client_id.cmp(&a.client_id))
    });
    Ok(all.into_iter().map(|(_, c)| c).collect())
}
