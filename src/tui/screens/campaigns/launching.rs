//! A campaign's launch, off the key handler. At a branch of a million clients the
//! question before it counts the segment again (up to two seconds) and the launch writes a hundred thousand tasks and targets in one
//! transaction; both run on a thread of their own with their own connection, and the
//! screen says what is happening meanwhile instead of freezing. [`LaunchQuestion`] asks
//! once the count has come; [`Launching`] takes no key while it runs (one transaction
//! cannot be stopped half-way) and closes by itself with the outcome.
use crossterm::event::KeyEvent;
use ratatui::layout::{Margin, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::forms::{launch_question, Done};
use crate::store::campaign_segment::SegmentCount;
use crate::store::campaigns::{Campaign, Launched};
use crate::store::{Actor, Reopen, StoreError};
use crate::tui::jobs::Job;
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::{centered, confirm, popup};

/// What a launch ended with.
pub type LaunchOutcome = Result<Launched, StoreError>;

fn stopped() -> Option<LaunchOutcome> {
    Some(Err(StoreError::conflict(
        "campaign.err.launch_stopped",
        "the launch stopped",
    )))
}

/// The popup shown while campaign `id` launches.
pub struct Launching {
    name: String,
    targets: u64,
    /// The launch's outcome comes as its one progress report, sent as soon as it has
    /// committed: the job's store then waits for its background checkpoint as it closes,
    /// and the screen need not. The job's own outcome is only for a launch that never
    /// reported (the database did not open, or the thread stopped).
    job: Job<LaunchOutcome, Option<LaunchOutcome>>,
}

impl std::fmt::Debug for Launching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Launching")
            .field("name", &self.name)
            .finish()
    }
}

impl Launching {
    /// Starts launching campaign `id` (`name`, about `targets` targets) on the database
    /// `db` reopens, as `actor`.
    pub fn start(db: Reopen, actor: Actor, id: i64, name: String, targets: u64) -> Launching {
        let job = Job::spawn(
            move |report| match db.open() {
                Ok(mut store) => {
                    let outcome = store.launch_campaign(&actor, id);
                    if let Err(e) = &outcome {
                        tracing::warn!("launch of campaign {id} refused or failed: {e}");
                    }
                    report(outcome);
                    None
                }
                Err(e) => {
                    tracing::error!("launch of campaign {id}: the database did not open: {e}");
                    stopped()
                }
            },
            stopped,
        );
        Launching { name, targets, job }
    }
}

impl Popup<Done> for Launching {
    /// The popup takes no key while the launch runs (the screen being modal, only help,
    /// lock and quit work).
    fn on_key(&mut self, _key: &KeyEvent, _ctx: &mut Ctx<'_>) -> Step<Done> {
        Step::Ignored
    }

    fn busy(&self) -> bool {
        true
    }

    fn is_dirty(&self) -> bool {
        true
    }

    /// Closes with the outcome (the targets frozen, or the refusal in the user's
    /// language) as soon as the launch has reported it.
    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        self.job.poll();
        let outcome = match self.job.progress.take() {
            Some(reported) => reported,
            None => match self.job.outcome.take() {
                Some(Some(ended)) => ended,
                Some(None) => return Step::Closed,
                None => return Step::Open,
            },
        };
        Step::Done(Done::Launched(
            outcome
                .map(|l| l.count.targets)
                .map_err(|e| store_error_text(&e, ctx.i18n)),
        ))
    }

    fn commands(&self) -> Vec<Action> {
        Vec::new()
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let rect = centered(area, area.width.min(60), 6);
        let inner = popup(f, rect, i.t("campaign.launch_title"), v.theme);
        let text = i.f(
            "campaign.launching",
            &[("name", &self.name), ("targets", &self.targets.to_string())],
        );
        f.render_widget(
            Paragraph::new(Line::from(text)).wrap(Wrap { trim: true }),
            inner.inner(Margin::new(1, 0)),
        );
    }
}

/// The question before launching a draft: asked once its segment has been counted
/// again on the count's own thread (until then the popup says it is counting, and only
/// Esc works).
pub struct LaunchQuestion {
    campaign: Campaign,
    job: Job<(), Result<SegmentCount, StoreError>>,
    /// The question's title and text, and the targets it would freeze, once counted.
    asked: Option<(String, String, u64)>,
}

impl std::fmt::Debug for LaunchQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LaunchQuestion")
            .field("campaign", &self.campaign.id)
            .finish()
    }
}

impl LaunchQuestion {
    /// Counts `campaign`'s segment (checked: `segment`) with its product on the database
    /// `db` reopens, as `actor`; the question is asked when the count comes.
    pub fn start(
        db: Reopen,
        actor: Actor,
        campaign: Campaign,
        segment: crate::domain::campaign::Segment,
    ) -> LaunchQuestion {
        let product = campaign.product.as_ref().map(|p| p.0.clone());
        let job = Job::spawn(
            move |_| {
                let store = db.open().map_err(|e| {
                    StoreError::conflict("campaign.err.count_stopped", e.to_string())
                })?;
                store.segment_count(&actor, &segment, product.as_deref())
            },
            || {
                Err(StoreError::conflict(
                    "campaign.err.count_stopped",
                    "the count stopped",
                ))
            },
        );
        LaunchQuestion {
            campaign,
            job,
            asked: None,
        }
    }
}

impl Popup<Done> for LaunchQuestion {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        match ctx.keys.action_in(key, &self.commands()) {
            Some(Action::Yes) => match &self.asked {
                Some((_, _, targets)) => Step::Done(Done::Launch(self.campaign.id, *targets)),
                None => Step::Ignored,
            },
            Some(_) => Step::Closed,
            None => Step::Ignored,
        }
    }

    fn busy(&self) -> bool {
        self.asked.is_none()
    }

    /// Takes in the count: the question is asked, or the popup closes with the refusal
    /// on the status line.
    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        if !self.job.poll() {
            return Step::Open;
        }
        match self.job.outcome.take() {
            Some(Ok(count)) => {
                let (title, text) = launch_question(ctx.i18n, &self.campaign, &count);
                self.asked = Some((title, text, count.targets));
                Step::Open
            }
            Some(Err(e)) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                Step::Closed
            }
            None => Step::Closed,
        }
    }

    /// Yes, no and Esc once asked; only Esc while counting.
    fn commands(&self) -> Vec<Action> {
        if self.asked.is_some() {
            vec![Action::Yes, Action::No, Action::Back]
        } else {
            vec![Action::Back]
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        match &self.asked {
            Some((title, text, _)) => confirm(f, area, title, text, v.keys, i, v.theme),
            None => {
                let rect = centered(area, area.width.min(60), 5);
                let inner = popup(f, rect, i.t("campaign.launch_title"), v.theme);
                let lines = vec![
                    Line::from(i.t("campaign.counting").to_string()),
                    Line::from(""),
                    Line::from(ratatui::text::Span::styled(
                        format!("{} {}", v.keys.primary(Action::Back), i.t("action.back")),
                        v.theme.dim,
                    )),
                ];
                f.render_widget(
                    Paragraph::new(lines).wrap(Wrap { trim: true }),
                    inner.inner(Margin::new(1, 0)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env};

    #[test]
    fn a_running_launch_takes_no_key_and_shows_none() {
        let mut env = env(Role::Manager);
        assert_shows_what_it_takes(&mut env, false, &[], &|ctx| {
            Box::new(Launching::start(
                ctx.store.reopener(),
                ctx.actor.clone(),
                1,
                "X".into(),
                0,
            ))
        });
    }

    /// A draft of the environment's manager over the whole branch, with its segment.
    fn draft(
        env: &mut crate::tui::popup::testing::Env,
    ) -> (Campaign, crate::domain::campaign::Segment) {
        let input = crate::domain::campaign::CampaignInput {
            name: "Year-end".into(),
            starts_on: "2026-11-23".into(),
            ends_on: "2026-12-23".into(),
            ..Default::default()
        };
        let id = env
            .store
            .save_campaign(&env.actor, None, &input)
            .expect("save");
        let c = env.store.campaign(&env.actor, id).expect("campaign");
        let segment = c.segment.validate().expect("segment");
        (c, segment)
    }

    #[test]
    fn the_launch_question_takes_only_esc_while_it_counts() {
        let mut env = env(Role::Manager);
        let (c, segment) = draft(&mut env);
        assert_shows_what_it_takes(&mut env, false, &[], &|ctx| {
            Box::new(LaunchQuestion::start(
                ctx.store.reopener(),
                ctx.actor.clone(),
                c.clone(),
                segment.clone(),
            ))
        });
    }

    #[test]
    fn the_launch_question_is_asked_once_counted_and_yes_launches() {
        let mut env = env(Role::Manager);
        let (c, segment) = draft(&mut env);
        let id = c.id;
        let mut ctx = env.ctx();
        let mut q = LaunchQuestion::start(ctx.store.reopener(), ctx.actor.clone(), c, segment);
        assert_eq!(q.commands(), vec![Action::Back]);
        while q.busy() {
            assert_eq!(q.tick(&mut ctx), Step::Open);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(q.commands(), vec![Action::Yes, Action::No, Action::Back]);
        let yes = ctx.keys.events(Action::Yes)[0];
        assert_eq!(q.on_key(&yes, &mut ctx), Step::Done(Done::Launch(id, 0)));
    }

    #[test]
    fn a_refused_launch_closes_with_the_refusal_in_words() {
        let mut env = env(Role::Manager);
        let no_such = store_error_text(&StoreError::NotFound, &env.i18n);
        let mut ctx = env.ctx();
        let mut launching =
            Launching::start(ctx.store.reopener(), ctx.actor.clone(), 404, "X".into(), 0);
        let step = loop {
            match launching.tick(&mut ctx) {
                Step::Open => std::thread::sleep(std::time::Duration::from_millis(5)),
                step => break step,
            }
        };
        let Step::Done(Done::Launched(Err(text))) = step else {
            panic!("{step:?}");
        };
        assert_eq!(text, no_such);
    }
}
