//! Campaigns (营销活动): a manager designs one for the branch (a draft whose segment may
//! change), launches it — the target list is frozen, clients without consent or whom the
//! product does not suit are left out and counted, and each target's owner RM gets a
//! task due by the campaign's end — and may close it early. RMs record an outcome per
//! target; "sold" names the holding recorded (which went through the usual suitability
//! check). Every change is audited. The launch is in `campaign_launch.rs`; results and
//! the contact list are in `campaign_results.rs`.
use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::campaign_segment::{product_id_of, segment_sql, SegmentCount};
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::campaign::{CampaignInput, CampaignStatus, Outcome, SegmentInput};
use crate::domain::client::parse_date;

/// A campaign as its screen and `rmdesk campaign` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Goal.
    pub goal: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// The product's code and name, if any.
    pub product: Option<(String, String)>,
    /// The segment's filters as typed.
    pub segment: SegmentInput,
    /// Draft, running or closed.
    pub status: CampaignStatus,
    /// Frozen targets (all of them, whoever asks).
    pub targets: u64,
    /// Left out at launch: the product did not suit them.
    pub left_unsuitable: u64,
    /// Left out at launch: no consent to marketing.
    pub left_no_consent: u64,
    /// Launch instant.
    pub launched_at: Option<String>,
    /// Close instant.
    pub closed_at: Option<String>,
}

impl Campaign {
    /// The form's values for this campaign (to edit a draft).
    pub fn to_input(&self) -> CampaignInput {
        CampaignInput {
            name: self.name.clone(),
            goal: self.goal.clone(),
            starts_on: self.starts_on.to_string(),
            ends_on: self.ends_on.to_string(),
            product: self
                .product
                .as_ref()
                .map(|p| p.0.clone())
                .unwrap_or_default(),
            segment: self.segment.clone(),
        }
    }
}

/// What a launch froze.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Launched {
    /// The counts at launch; `targets` targets and as many tasks were written.
    pub count: SegmentCount,
}

const COLUMNS: &str = "k.id, k.name, k.goal, k.starts_on, k.ends_on, p.code, p.name, k.segment,
     k.status, (SELECT count(*) FROM campaign_targets t WHERE t.campaign_id = k.id),
     k.left_unsuitable, k.left_no_consent, k.launched_at, k.closed_at";

fn read_campaign(r: &Row<'_>) -> rusqlite::Result<Campaign> {
    let bad = |s: String| rusqlite::Error::InvalidColumnType(0, s, rusqlite::types::Type::Text);
    let date = |s: String| parse_date(&s).ok_or_else(|| bad(s));
    let code: Option<String> = r.get(5)?;
    let name: Option<String> = r.get(6)?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(Campaign {
        id: r.get(0)?,
        name: r.get(1)?,
        goal: r.get(2)?,
        starts_on: date(r.get(3)?)?,
        ends_on: date(r.get(4)?)?,
        product: code.zip(name),
        segment: SegmentInput::from_text(&r.get::<_, String>(7)?),
        status: CampaignStatus::from_str(&r.get::<_, String>(8)?).map_err(|e| bad(e.value))?,
        targets: n(r.get(9)?),
        left_unsuitable: n(r.get(10)?),
        left_no_consent: n(r.get(11)?),
        launched_at: r.get(12)?,
        closed_at: r.get(13)?,
    })
}

/// The campaign `id` as `actor` may see it: a manager's branch's, or one where the RM has
/// targets; else `NotFound`.
pub(crate) fn campaign_in(conn: &Connection, actor: &Actor, id: i64) -> Result<Campaign> {
    let (clause, arg) = match (actor.role, actor.branch_id) {
        (Role::Manager, Some(b)) => ("k.branch_id = ?2", b),
        (Role::Rm, _) => (
            "EXISTS (SELECT 1 FROM campaign_targets t WHERE t.campaign_id = k.id AND t.rm_id = ?2)",
            actor.user_id,
        ),
        _ => return Err(StoreError::Forbidden),
    };
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM campaigns k LEFT JOIN products p ON p.id = k.product_id
         WHERE k.id = ?1 AND {clause}"
    ))?
    .query_row(params![id, arg], read_campaign)
    .optional()?
    .ok_or(StoreError::NotFound)
}

pub(super) fn manager_branch(actor: &Actor) -> Result<i64> {
    match (actor.role, actor.branch_id) {
        (Role::Manager, Some(b)) => Ok(b),
        _ => Err(StoreError::Forbidden),
    }
}

impl Store {
    /// The campaigns `actor` sees, newest first: a manager's branch's; an RM's, those
    /// where they have targets.
    pub fn campaigns(&self, actor: &Actor) -> Result<Vec<Campaign>> {
        let (clause, arg) = match (actor.role, actor.branch_id) {
            (Role::Manager, Some(b)) => ("k.branch_id = ?1", b),
            (Role::Rm, _) => (
                "k.id IN (SELECT DISTINCT campaign_id FROM campaign_targets WHERE rm_id = ?1)",
                actor.user_id,
            ),
            _ => return Err(StoreError::Forbidden),
        };
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM campaigns k LEFT JOIN products p ON p.id = k.product_id
             WHERE {clause} ORDER BY k.id DESC"
        ))?;
        let rows = stmt
            .query_map([arg], read_campaign)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// One campaign (see [`campaign_in`] for who sees what).
    pub fn campaign(&self, actor: &Actor, id: i64) -> Result<Campaign> {
        campaign_in(self.conn(), actor, id)
    }

    /// Saves a draft: a new one (`id` `None`) or changes to a draft of the manager's
    /// branch. Refusals at their fields. Returns its id.
    pub fn save_campaign(
        &mut self,
        actor: &Actor,
        id: Option<i64>,
        input: &CampaignInput,
    ) -> Result<i64> {
        let branch = manager_branch(actor)?;
        let valid = input.validate().map_err(StoreError::Fields)?;
        let product_id = valid
            .product
            .as_deref()
            .map(|p| product_id_of(self.conn(), p))
            .transpose()?;
        // The filters must name real products and RMs.
        segment_sql(
            self.conn(),
            actor,
            &valid.segment,
            product_id,
            self.now(),
            self.today(),
        )?;
        if let Some(id) = id {
            if campaign_in(self.conn(), actor, id)?.status != CampaignStatus::Draft {
                return Err(StoreError::conflict(
                    "campaign.err.not_draft",
                    "the campaign is no longer a draft",
                ));
            }
        }
        let segment = input.segment.to_text();
        self.write(|tx, now| {
            let stamp = ts(now);
            let id = match id {
                None => {
                    tx.execute(
                        "INSERT INTO campaigns (branch_id, name, goal, starts_on, ends_on, product_id,
                             segment, created_by, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![
                            branch,
                            valid.name,
                            valid.goal,
                            valid.starts_on.to_string(),
                            valid.ends_on.to_string(),
                            product_id,
                            segment,
                            actor.user_id,
                            stamp
                        ],
                    )?;
                    tx.last_insert_rowid()
                }
                Some(id) => {
                    tx.execute(
                        "UPDATE campaigns SET name = ?2, goal = ?3, starts_on = ?4, ends_on = ?5,
                             product_id = ?6, segment = ?7 WHERE id = ?1 AND status = 'draft'",
                        params![
                            id,
                            valid.name,
                            valid.goal,
                            valid.starts_on.to_string(),
                            valid.ends_on.to_string(),
                            product_id,
                            segment
                        ],
                    )?;
                    id
                }
            };
            let after = format!(
                "name={} period={}..{} product={} segment={}",
                valid.name,
                valid.starts_on,
                valid.ends_on,
                valid.product.as_deref().unwrap_or("-"),
                segment.replace('\n', " ")
            );
            let mut e = audit::Entry::new("campaign.save", "campaign", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }

    /// Closes a running campaign of the manager's branch (early, or at its end): the
    /// open tasks of its targets are cancelled; outcomes stay. Audited.
    pub fn close_campaign(&mut self, actor: &Actor, id: i64) -> Result<()> {
        manager_branch(actor)?;
        let c = campaign_in(self.conn(), actor, id)?;
        if c.status != CampaignStatus::Running {
            return Err(StoreError::conflict(
                "campaign.err.not_running",
                "the campaign is not running",
            ));
        }
        self.write(|tx, now| {
            let stamp = ts(now);
            let cancelled = tx.execute(
                "UPDATE tasks SET status = 'cancelled', updated_at = ?2
                 WHERE status = 'open'
                   AND id IN (SELECT task_id FROM campaign_targets WHERE campaign_id = ?1)",
                params![id, stamp],
            )?;
            tx.execute(
                "UPDATE campaigns SET status = 'closed', closed_at = ?2 WHERE id = ?1",
                params![id, stamp],
            )?;
            let after = format!("tasks_cancelled={cancelled}");
            let mut e = audit::Entry::new("campaign.close", "campaign", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        })
    }

    /// Records the outcome of target `client_id` of running campaign `id`: an RM for
    /// their own targets, a manager for the branch's. "Sold" needs `holding`, an open
    /// holding of that client (of the campaign's product, when it has one); other
    /// outcomes drop any link. Reaching the client completes the target's task. Audited.
    pub fn record_outcome(
        &mut self,
        actor: &Actor,
        id: i64,
        client_id: i64,
        outcome: Outcome,
        holding: Option<i64>,
    ) -> Result<()> {
        let c = campaign_in(self.conn(), actor, id)?;
        if c.status != CampaignStatus::Running {
            return Err(StoreError::conflict(
                "campaign.err.not_running",
                "the campaign is not running",
            ));
        }
        let rm_only = (actor.role == Role::Rm).then_some(actor.user_id);
        let task: Option<i64> = self
            .conn()
            .prepare_cached(
                "SELECT task_id FROM campaign_targets
                 WHERE campaign_id = ?1 AND client_id = ?2 AND (?3 IS NULL OR rm_id = ?3)",
            )?
            .query_row(params![id, client_id, rm_only], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let holding = match (outcome, holding) {
            (Outcome::Sold, None) => {
                return Err(StoreError::invalid(
                    "holding",
                    "campaign.err.holding",
                    "sold needs a holding",
                ))
            }
            (Outcome::Sold, Some(h)) => {
                let ok: bool = self.conn().query_row(
                    "SELECT EXISTS (SELECT 1 FROM holdings h JOIN products p ON p.id = h.product_id
                         WHERE h.id = ?1 AND h.client_id = ?2 AND h.status = 'open'
                           AND (?3 IS NULL OR p.code = ?3))",
                    params![h, client_id, c.product.as_ref().map(|p| p.0.as_str())],
                    |r| r.get(0),
                )?;
                if !ok {
                    return Err(StoreError::invalid(
                        "holding",
                        "campaign.err.holding",
                        "not an open holding of this client and product",
                    ));
                }
                Some(h)
            }
            _ => None,
        };
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "UPDATE campaign_targets SET outcome = ?3, holding_id = ?4, outcome_at = ?5
                 WHERE campaign_id = ?1 AND client_id = ?2",
                params![id, client_id, outcome.code(), holding, stamp],
            )?;
            if let (true, Some(task)) = (outcome.reached(), task) {
                tx.execute(
                    "UPDATE tasks SET status = 'done', done_at = ?2, updated_at = ?2
                     WHERE id = ?1 AND status = 'open'",
                    params![task, stamp],
                )?;
            }
            let after = format!(
                "campaign={id} client_id={client_id} outcome={} holding={}",
                outcome.code(),
                holding.map_or_else(|| "-".into(), |h| h.to_string())
            );
            let mut e = audit::Entry::new("campaign.outcome", "client", Some(client_id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        })
    }
}
