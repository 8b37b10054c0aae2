//! The campaign screen's popups: the campaign form (name, goal, period, product and the
//! segment's filters, with the count of targets recomputed as the filters change) and
//! the outcome of one target (an RM's, or the manager's).
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use crate::domain::campaign::{CampaignInput, Outcome, SegmentInput};
use crate::domain::client::{ClientStatus, RiskLevel, Tier};
use crate::domain::money::format_money;
use crate::store::campaign_results::TargetLine;
use crate::store::campaign_segment::SegmentCount;
use crate::store::campaigns::Campaign;
use crate::store::products::ProductFilter;
use crate::store::{Role, StoreError};
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

use super::count::{self, CountAnswer, CountJob};

/// What the campaign screen's popups report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// A draft was saved (its id, to select it).
    Saved(i64),
    /// Yes to launching campaign `id`, whose count says it freezes this many targets.
    Launch(i64, u64),
    /// The launch ended: the targets it froze, or why it was refused.
    Launched(Result<u64, String>),
    /// Yes to closing campaign `id`.
    Close(i64),
    /// An outcome was recorded.
    Recorded,
}

fn choices(none: &str, items: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), none.to_string())];
    out.extend(items);
    out
}

/// The new / edit campaign form with its live count.
#[derive(Debug)]
pub struct CampaignForm {
    id: Option<i64>,
    popup: PopupForm,
    /// The values the count was last asked for.
    counted: String,
    /// The thread counting the segment (made at the first count).
    counting: Option<CountJob>,
    /// The thread could not be made: count in the key handler.
    count_inline: bool,
}

impl CampaignForm {
    /// A form for a new campaign (`None`) or for editing draft `c`.
    pub fn new(ctx: &mut Ctx<'_>, c: Option<&Campaign>) -> CampaignForm {
        let i = ctx.i18n;
        let today = ctx.store.today();
        let input = c.map(Campaign::to_input).unwrap_or_else(|| CampaignInput {
            starts_on: today.to_string(),
            ends_on: today
                .checked_add_days(chrono::Days::new(30))
                .unwrap_or(today)
                .to_string(),
            ..CampaignInput::default()
        });
        let products = ctx
            .store
            .products(ctx.actor, &ProductFilter::default())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.status == crate::domain::product::ProductStatus::OnSale)
            .map(|p| (p.code.clone(), format!("{} {}", p.code, p.name)));
        let owners = ctx
            .store
            .list_users(ctx.actor)
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.role == Role::Rm && !u.disabled)
            .map(|u| {
                (
                    u.username.clone(),
                    format!("{} ({})", u.display_name, u.username),
                )
            });
        let none = i.t("campaign.any");
        let coded = |all: &[(&'static str, &'static str)]| {
            choices(
                none,
                all.iter().map(|(c, l)| (c.to_string(), i.t(l).to_string())),
            )
        };
        let tiers: Vec<(&str, &str)> = Tier::ALL
            .iter()
            .map(|t| (t.code(), t.label_key()))
            .collect();
        let risks: Vec<(&str, &str)> = RiskLevel::ALL
            .iter()
            .map(|r| (r.code(), r.label_key()))
            .collect();
        let statuses: Vec<(&str, &str)> = ClientStatus::ALL
            .iter()
            .filter(|s| **s != ClientStatus::Closed)
            .map(|s| (s.code(), s.label_key()))
            .collect();
        let s = &input.segment;
        let fields = vec![
            Field::text("name", i.t("campaign.field.name"), &input.name),
            Field::text("goal", i.t("campaign.field.goal"), &input.goal),
            Field::text(
                "starts_on",
                i.t("campaign.field.starts_on"),
                &input.starts_on,
            ),
            Field::text("ends_on", i.t("campaign.field.ends_on"), &input.ends_on),
            Field::choice(
                "product",
                i.t("campaign.field.product"),
                choices(i.t("campaign.no_product"), products),
                &input.product,
            ),
            Field::choice("tier", i.t("campaign.field.tier"), coded(&tiers), &s.tier),
            Field::choice(
                "risk_at_least",
                i.t("campaign.field.risk_at_least"),
                coded(&risks),
                &s.risk_at_least,
            ),
            Field::text("aum_min", i.t("campaign.field.aum_min"), &s.aum_min),
            Field::text("aum_max", i.t("campaign.field.aum_max"), &s.aum_max),
            Field::text("holds", i.t("campaign.field.holds"), &s.holds),
            Field::text("holds_not", i.t("campaign.field.holds_not"), &s.holds_not),
            Field::text(
                "maturity_days",
                i.t("campaign.field.maturity_days"),
                &s.maturity_days,
            ),
            Field::text(
                "birthday_month",
                i.t("campaign.field.birthday_month"),
                &s.birthday_month,
            ),
            Field::choice(
                "status",
                i.t("campaign.field.status"),
                coded(&statuses),
                &s.status,
            ),
            Field::choice(
                "owner",
                i.t("campaign.field.owner"),
                choices(none, owners),
                &s.owner,
            ),
            Field::text(
                "no_contact_days",
                i.t("campaign.field.no_contact_days"),
                &s.no_contact_days,
            ),
        ];
        let title = if c.is_some() {
            "campaign.edit"
        } else {
            "campaign.new"
        };
        let mut popup = PopupForm::new(i.t(title).to_string(), fields);
        // Wide enough for the count's note at 1,000,000 clients on an 80-column terminal.
        popup.max_width = 78;
        let mut form = CampaignForm {
            id: c.map(|c| c.id),
            popup,
            counted: String::new(),
            counting: None,
            count_inline: false,
        };
        form.recount(ctx);
        form
    }

    fn input(&self) -> CampaignInput {
        let v = |id: &str| self.popup.value(id).to_string();
        let mut segment = SegmentInput::default();
        for f in SegmentInput::FIELDS {
            if let Some(slot) = segment.field_mut(f) {
                *slot = v(f);
            }
        }
        CampaignInput {
            name: v("name"),
            goal: v("goal"),
            starts_on: v("starts_on"),
            ends_on: v("ends_on"),
            product: v("product"),
            segment,
        }
    }

    /// Counts the segment again when its filters or product changed: the note under
    /// the fields says how many clients match and how many a launch would leave out. The
    /// count runs on the count thread; the note says it is counting until it comes.
    fn recount(&mut self, ctx: &mut Ctx<'_>) {
        let input = self.input();
        let key = format!("{}\n{}", input.product, input.segment.to_text());
        if key == self.counted {
            return;
        }
        self.counted = key;
        let i = ctx.i18n;
        let product = Some(input.product).filter(|p| !p.is_empty());
        let Ok(segment) = input.segment.validate() else {
            if let Some(job) = &mut self.counting {
                job.forget();
            }
            self.popup.note = Some(i.t("campaign.count_invalid").to_string());
            return;
        };
        if self.count_inline {
            let counted = ctx
                .store
                .segment_count(ctx.actor, &segment, product.as_deref());
            self.show_count(counted, ctx);
            return;
        }
        self.counting
            .get_or_insert_with(|| count::start(ctx.store.reopener(), ctx.actor.clone()))
            .submit((segment, product));
        self.popup.note = Some(i.t("campaign.counting").to_string());
    }

    /// Puts a count (or why there is none) in the form's note.
    fn show_count(&mut self, counted: Result<SegmentCount, StoreError>, ctx: &Ctx<'_>) {
        let i = ctx.i18n;
        self.popup.note = Some(match counted {
            Ok(c) => i.f(
                "campaign.count",
                &[
                    ("matching", &c.matching.to_string()),
                    ("no_consent", &c.no_consent.to_string()),
                    ("unsuitable", &c.unsuitable.to_string()),
                    ("targets", &c.targets.to_string()),
                ],
            ),
            Err(StoreError::Invalid { key, .. }) => i.t(key).to_string(),
            Err(e) => store_error_text(&e, i),
        });
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        match ctx.store.save_campaign(ctx.actor, self.id, &self.input()) {
            Ok(id) => Step::Done(Done::Saved(id)),
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

impl Popup<Done> for CampaignForm {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        let step = self
            .popup
            .on_key(key, ctx.keys)
            .or_submit(|| self.submit(ctx));
        if step == Step::Open {
            self.recount(ctx);
        }
        step
    }
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        self.popup.draw(f, area, v);
    }
    fn commands(&self) -> Vec<Action> {
        self.popup.commands()
    }
    fn paste(&mut self, text: &str) {
        self.popup.paste(text);
    }
    fn is_dirty(&self) -> bool {
        self.popup.is_dirty()
    }
    /// A count is still to come.
    fn busy(&self) -> bool {
        self.counting.as_ref().is_some_and(CountJob::waiting)
    }
    /// Takes in the newest count.
    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        match self.counting.as_mut().and_then(CountJob::poll) {
            Some(CountAnswer::Counted(counted)) => self.show_count(counted, ctx),
            Some(CountAnswer::NoThread) => {
                self.counting = None;
                self.count_inline = true;
                self.counted.clear();
                self.recount(ctx);
            }
            None => {}
        }
        Step::Open
    }
}

/// The outcome of one target: what happened and, for "sold", the holding recorded.
#[derive(Debug)]
pub struct OutcomeForm {
    campaign: i64,
    client: i64,
    popup: PopupForm,
}

impl OutcomeForm {
    /// The form for target `t` of campaign `campaign`; the holdings offered are the
    /// client's open ones (record the sale first in the 360 view, `h` then `a`).
    pub fn new(ctx: &mut Ctx<'_>, campaign: i64, t: &TargetLine) -> OutcomeForm {
        let i = ctx.i18n;
        let holdings = ctx
            .store
            .client_holdings(ctx.actor, t.client_id)
            .unwrap_or_default()
            .into_iter()
            .map(|h| {
                (
                    h.id.to_string(),
                    format!(
                        "{} {} {}",
                        h.product_code,
                        format_money(h.amount, &h.currency),
                        h.start_date
                    ),
                )
            });
        let outcomes: Vec<(String, String)> = Outcome::ALL
            .iter()
            .filter(|o| **o != Outcome::Pending)
            .map(|o| (o.code().to_string(), i.t(o.label_key()).to_string()))
            .collect();
        let current = if t.outcome == Outcome::Pending {
            Outcome::Contacted.code()
        } else {
            t.outcome.code()
        };
        let mut popup = PopupForm::new(
            i.f(
                "campaign.outcome_title",
                &[("client", &format!("{} {}", t.client_no, t.client_name))],
            ),
            vec![
                Field::choice("outcome", i.t("campaign.field.outcome"), outcomes, current),
                Field::choice(
                    "holding",
                    i.t("campaign.field.holding"),
                    choices(i.t("campaign.no_holding"), holdings),
                    "",
                ),
            ],
        );
        popup.note = Some(i.t("campaign.holding_hint").to_string());
        popup.max_width = 64;
        OutcomeForm {
            campaign,
            client: t.client_id,
            popup,
        }
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        let outcome = self
            .popup
            .value("outcome")
            .parse()
            .unwrap_or(Outcome::Contacted);
        let holding = self.popup.value("holding").parse::<i64>().ok();
        match ctx
            .store
            .record_outcome(ctx.actor, self.campaign, self.client, outcome, holding)
        {
            Ok(()) => Step::Done(Done::Recorded),
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

form_popup!(OutcomeForm => Done);

/// The question before a launch, with the count it will freeze.
pub fn launch_question(
    i: &I18n,
    c: &Campaign,
    count: &crate::store::campaign_segment::SegmentCount,
) -> (String, String) {
    (
        i.t("campaign.launch_title").to_string(),
        i.f(
            "campaign.launch_question",
            &[
                ("name", &c.name),
                ("targets", &count.targets.to_string()),
                ("no_consent", &count.no_consent.to_string()),
                ("unsuitable", &count.unsuitable.to_string()),
            ],
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, CHOICE_FIELD, TEXT_FIELD};

    #[test]
    fn the_campaign_form_takes_the_keys_it_shows() {
        let mut env = env(Role::Manager);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|ctx| {
            Box::new(CampaignForm::new(ctx, None))
        });
    }

    #[test]
    fn the_outcome_form_takes_the_keys_it_shows() {
        let mut env = env(Role::Rm);
        let t = TargetLine {
            client_id: 1,
            client_no: "C1".into(),
            client_name: "A".into(),
            rm: "rm".into(),
            outcome: Outcome::Pending,
            amount: None,
        };
        assert_shows_what_it_takes(&mut env, false, CHOICE_FIELD, &|ctx| {
            Box::new(OutcomeForm::new(ctx, 1, &t))
        });
    }
}
