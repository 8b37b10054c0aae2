//! The demo's marketing: about half of the clients consent to marketing (a tenth refuse,
//! the rest were never asked), and the manager runs a campaign for the balanced wealth
//! product, launched a week ago, whose RMs have recorded some outcomes — a few of them
//! sales, each linked to the holding recorded through the usual suitability check. About
//! one client in a hundred joined in an earlier year in the coming week (anniversaries).
use chrono::{Days, NaiveDate};
use rusqlite::{params, OptionalExtension};

use super::holdings::NewHolding;
use super::{ts, Actor, Result, Role, Store};
use crate::domain::campaign::{CampaignInput, Outcome, SegmentInput};
use crate::domain::product::HoldingInput;

/// The demo campaign's product.
pub const DEMO_CAMPAIGN_PRODUCT: &str = "WM-R3-180D";

impl Store {
    /// An actor for demo user `username` (no sign-in: the demo seeds as its users).
    fn demo_actor(&self, username: &str) -> Result<Option<Actor>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, display_name, role, branch_id FROM users WHERE username = ?1",
                [username],
                |r| {
                    let role: String = r.get(2)?;
                    Ok(Actor {
                        user_id: r.get(0)?,
                        username: username.to_string(),
                        display_name: r.get(1)?,
                        role: role.parse().unwrap_or(Role::Rm),
                        branch_id: r.get(3)?,
                        must_change_password: false,
                    })
                },
            )
            .optional()?)
    }

    /// Seeds the demo's consent and its running campaign (see the module). Returns the
    /// campaign's id, or `None` when the demo has no manager.
    pub fn seed_demo_marketing(&mut self, today: NaiveDate) -> Result<Option<i64>> {
        self.write(|tx, now| {
            tx.execute(
                "UPDATE clients SET
                     marketing_consent = CASE WHEN id % 2 = 0 THEN 'yes'
                                              WHEN id % 10 = 1 THEN 'no' ELSE 'unknown' END,
                     consent_at = CASE WHEN id % 2 = 0 OR id % 10 = 1 THEN ?1 END",
                params![ts(now)],
            )?;
            // About one client in a hundred became a client one to five years before a
            // day of the coming week: home's anniversaries (noon in Beijing, the same
            // day in any zone within eleven hours of UTC).
            tx.execute(
                "UPDATE clients SET created_at = strftime('%Y-%m-%dT04:00:00Z', ?1,
                     '+' || (id % 7) || ' days', '-' || (1 + id % 5) || ' years')
                 WHERE id % 97 = 3",
                params![today.to_string()],
            )?;
            Ok(())
        })?;
        let Some(manager) = self.demo_actor("manager")? else {
            return Ok(None);
        };
        let input = CampaignInput {
            name: "年末理财 Year-end wealth".into(),
            goal: "Move idle deposits of balanced clients into the 180-day product".into(),
            starts_on: today
                .checked_sub_days(Days::new(7))
                .unwrap_or(today)
                .to_string(),
            ends_on: today
                .checked_add_days(Days::new(30))
                .unwrap_or(today)
                .to_string(),
            product: DEMO_CAMPAIGN_PRODUCT.into(),
            segment: SegmentInput {
                status: "active".into(),
                risk_at_least: "C3".into(),
                ..SegmentInput::default()
            },
        };
        let id = self.save_campaign(&manager, None, &input)?;
        self.launch_campaign(&manager, id)?;
        // Outcomes for the first targets of each RM: every fifth sold, the others spread
        // over the other outcomes.
        let targets: Vec<(i64, String)> = self
            .conn()
            .prepare(
                "SELECT t.client_id, u.username FROM campaign_targets t JOIN users u ON u.id = t.rm_id
                 WHERE t.campaign_id = ?1 ORDER BY t.client_id LIMIT 40",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let product: i64 = self.conn().query_row(
            "SELECT id FROM products WHERE code = ?1",
            [DEMO_CAMPAIGN_PRODUCT],
            |r| r.get(0),
        )?;
        let others = [
            Outcome::Contacted,
            Outcome::Interested,
            Outcome::Declined,
            Outcome::NotReached,
        ];
        for (n, (client, rm)) in targets.iter().enumerate() {
            let Some(actor) = self.demo_actor(rm)? else {
                continue;
            };
            if n % 5 == 0 {
                let h = NewHolding {
                    product_id: product,
                    input: HoldingInput {
                        amount: format!("{}", 50_000 + 10_000 * (n % 7)),
                        ..HoldingInput::default()
                    },
                    override_reason: String::new(),
                };
                let holding = self.add_holding(&actor, *client, &h)?;
                self.record_outcome(&actor, id, *client, Outcome::Sold, Some(holding))?;
            } else {
                let outcome = others[n % others.len()];
                self.record_outcome(&actor, id, *client, outcome, None)?;
            }
        }
        Ok(Some(id))
    }
}
