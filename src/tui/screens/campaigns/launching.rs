//! A campaign's launch runs on its own thread with its own connection, like an import:
//! at a branch of a million clients it writes a hundred thousand tasks and targets in one
//! transaction, and the screen says what is happening meanwhile instead of freezing.
//! Nothing can be done in the popup while it runs (one transaction cannot be stopped
//! half-way); it closes by itself with the outcome.
use crossterm::event::KeyEvent;
use ratatui::layout::{Margin, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::forms::Done;
use crate::store::campaigns::Launched;
use crate::store::{Actor, Reopen, StoreError};
use crate::tui::jobs::Job;
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::{centered, popup};

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
                    Some(Err(StoreError::conflict(
                        "campaign.err.launch_stopped",
                        e.to_string(),
                    )))
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
