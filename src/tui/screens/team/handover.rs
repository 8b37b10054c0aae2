//! The hand-over dialog (from the Team screen for all or some clients of an RM, from the
//! client list for the marked rows): receivers, reason and its text; Ctrl-S runs the
//! hand-over on its own thread and connection and the dialog shows its progress, then
//! what moved. From the Team screen a clients field (the client picker, several numbers)
//! narrows "all" to the clients named.
use std::sync::mpsc::{channel, Receiver, TryRecvError};

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::domain::desk::HandoverReason;
use crate::domain::money::format_money;
use crate::store::handover::{HandoverDone, HandoverSpec, Which};
use crate::store::{Actor, Reopen, StoreError};
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::team::forms::Changed;
use crate::tui::screens::{Ctx, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::PopupForm;
use crate::tui::widgets::{centered, popup};

enum Event {
    Progress(usize, usize),
    Finished(Result<HandoverDone, StoreError>),
}

/// A hand-over running on its own thread.
pub struct HandoverJob {
    rx: Receiver<Event>,
    /// Clients done, of all.
    pub progress: (usize, usize),
}

impl std::fmt::Debug for HandoverJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandoverJob")
            .field("progress", &self.progress)
            .finish()
    }
}

impl HandoverJob {
    /// Starts `spec` on the database at `db` as `actor`.
    pub fn start(db: Reopen, actor: Actor, spec: HandoverSpec, total: usize) -> HandoverJob {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let outcome = db
                .open()
                .map_err(|e| StoreError::conflict("err.handover.failed", e.to_string()))
                .and_then(|mut store| {
                    store.hand_over(&actor, &spec, &mut |n, t| {
                        let _ = tx.send(Event::Progress(n, t));
                    })
                });
            if let Err(e) = &outcome {
                tracing::error!("hand-over from {} refused or failed: {e}", spec.from);
            }
            let _ = tx.send(Event::Finished(outcome));
        });
        HandoverJob {
            rx,
            progress: (0, total),
        }
    }

    fn idle() -> HandoverJob {
        let (_, rx) = channel();
        HandoverJob {
            rx,
            progress: (0, 0),
        }
    }

    /// Takes in what the thread reported; the outcome once it has ended.
    pub fn poll(&mut self) -> Option<Result<HandoverDone, StoreError>> {
        loop {
            match self.rx.try_recv() {
                Ok(Event::Progress(n, t)) => self.progress = (n, t),
                Ok(Event::Finished(r)) => return Some(r),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    return Some(Err(StoreError::conflict(
                        "err.handover.failed",
                        "the hand-over stopped unexpectedly; see the log",
                    )))
                }
            }
        }
    }
}

/// Where the dialog stands.
#[derive(Debug)]
enum Stage {
    Form(Box<PopupForm>),
    Running(HandoverJob, Box<PopupForm>),
    Done(HandoverDone),
}

/// The hand-over dialog.
#[derive(Debug)]
pub struct HandoverDialog {
    from: String,
    which: Which,
    count: usize,
    stage: Stage,
}

impl HandoverDialog {
    /// A dialog handing over `count` clients of `from` (`which`); `receivers` are the
    /// usernames offered in the hint.
    pub fn new(
        ctx: &Ctx<'_>,
        from: &str,
        which: Which,
        count: usize,
        receivers: &[String],
    ) -> HandoverDialog {
        let i = ctx.i18n;
        let reasons = HandoverReason::ALL
            .iter()
            .map(|r| (r.code().to_string(), i.t(r.label_key()).to_string()))
            .collect();
        let mut fields = vec![Field::text("to", i.t("handover.field_to"), "")];
        if which == Which::All {
            fields.push(Field::text(
                "clients",
                i.f("handover.field_clients", &[("n", &count.to_string())]),
                "",
            ));
        }
        fields.extend([
            Field::choice("reason", i.t("handover.field_reason"), reasons, "rotation"),
            Field::text("reason_text", i.t("handover.field_text"), ""),
        ]);
        let mut form = PopupForm::new(
            i.f(
                "handover.title",
                &[("from", from), ("n", &count.to_string())],
            ),
            fields,
        );
        form.pick_client_in("clients", true);
        form.note = Some(i.f("handover.hint", &[("rms", &receivers.join(", "))]));
        HandoverDialog {
            from: from.to_string(),
            which,
            count,
            stage: Stage::Form(Box::new(form)),
        }
    }

    /// Ctrl-S on the form: checks what it can at once (a refusal at its field), then
    /// starts the hand-over on its own thread.
    fn start(&mut self, ctx: &mut Ctx<'_>) -> Step<Changed> {
        let Stage::Form(form) = &mut self.stage else {
            return Step::Open;
        };
        let reason = form
            .value("reason")
            .parse()
            .unwrap_or(HandoverReason::Other);
        let list = |text: &str| -> Vec<String> {
            text.split([',', ' ', '，'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let named = list(form.value("clients"));
        let (which, count) = if named.is_empty() {
            (self.which.clone(), self.count)
        } else {
            let n = named.len();
            (Which::Numbers(named), n)
        };
        let spec = HandoverSpec {
            from: self.from.clone(),
            to: list(form.value("to")),
            which,
            reason,
            reason_text: form.value("reason_text").to_string(),
        };
        if spec.to.is_empty() {
            form.refused(
                &StoreError::invalid("to", "err.handover.to_required", ""),
                ctx,
            );
            return Step::Open;
        }
        if let Err(e) = crate::domain::desk::handover_reason(spec.reason, &spec.reason_text) {
            form.refused(&StoreError::invalid("reason_text", e.key(), ""), ctx);
            return Step::Open;
        }
        let job = HandoverJob::start(ctx.store.reopener(), ctx.actor.clone(), spec, count);
        let form = form.clone();
        self.stage = Stage::Running(job, form);
        Step::Open
    }

    fn finish(&mut self, outcome: Result<HandoverDone, StoreError>, ctx: &mut Ctx<'_>) {
        let stage = std::mem::replace(
            &mut self.stage,
            Stage::Running(
                HandoverJob::idle(),
                Box::new(PopupForm::new(String::new(), Vec::new())),
            ),
        );
        let Stage::Running(_, mut form) = stage else {
            self.stage = stage;
            return;
        };
        match outcome {
            Ok(done) => {
                ctx.info(ctx.i18n.f(
                    "status.handover_done",
                    &[("n", &done.clients.to_string()), ("from", &self.from)],
                ));
                self.stage = Stage::Done(done);
            }
            Err(e) => {
                // Back to the form, every value kept, the refusal at its field.
                form.refused(&e, ctx);
                self.stage = Stage::Form(form);
            }
        }
    }
}

impl Popup<Changed> for HandoverDialog {
    /// The form's keys (Ctrl-S starts the hand-over); none while it runs, since one
    /// transaction cannot be interrupted; Esc closes what moved.
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Changed> {
        match &mut self.stage {
            Stage::Form(form) => form.on_key_in(key, ctx).or_submit(|| self.start(ctx)),
            Stage::Running(..) => Step::Open,
            Stage::Done(_) => match ctx.keys.action_in(key, &self.commands()) {
                Some(Action::Back) => Step::Done(Changed),
                _ => Step::Open,
            },
        }
    }

    fn busy(&self) -> bool {
        matches!(self.stage, Stage::Running(..))
    }

    /// Takes in the job's progress; reports [`Changed`] when it has just ended (the
    /// screen reloads while what moved is shown).
    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<Changed> {
        let Stage::Running(job, _) = &mut self.stage else {
            return Step::Open;
        };
        let Some(outcome) = job.poll() else {
            return Step::Open;
        };
        self.finish(outcome, ctx);
        Step::Report(Changed)
    }

    /// Something typed, or a hand-over running: either would be lost by closing.
    fn is_dirty(&self) -> bool {
        match &self.stage {
            Stage::Form(f) => f.is_dirty(),
            Stage::Running(..) => true,
            Stage::Done(_) => false,
        }
    }

    fn commands(&self) -> Vec<Action> {
        match &self.stage {
            Stage::Form(f) => f.commands(),
            Stage::Running(..) => Vec::new(),
            Stage::Done(_) => vec![Action::Back],
        }
    }

    fn paste(&mut self, text: &str) {
        if let Stage::Form(f) = &mut self.stage {
            f.paste(text);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        match &self.stage {
            Stage::Form(form) => form.draw(f, area, v),
            Stage::Running(job, _) => {
                let (n, total) = job.progress;
                let rect = centered(area, area.width.min(60), 5);
                let inner = popup(f, rect, i.t("handover.running_title"), v.theme);
                let width = usize::from(inner.width.saturating_sub(2)).max(1);
                let filled = (n * width).checked_div(total).unwrap_or(0);
                let bar = format!(
                    "{}{}",
                    "█".repeat(filled),
                    "░".repeat(width - filled.min(width))
                );
                let lines = vec![
                    Line::from(i.f(
                        "handover.progress",
                        &[("n", &n.to_string()), ("total", &total.to_string())],
                    )),
                    Line::from(Span::styled(bar, v.theme.ok)),
                ];
                f.render_widget(
                    Paragraph::new(lines),
                    inner.inner(ratatui::layout::Margin::new(1, 0)),
                );
            }
            Stage::Done(done) => {
                let mut lines = vec![Line::from(i.f(
                    "handover.done",
                    &[
                        ("id", &done.id.to_string()),
                        ("n", &done.clients.to_string()),
                        ("tasks", &done.tasks.to_string()),
                        ("complaints", &done.complaints.to_string()),
                    ],
                ))];
                for (user, n, aum) in &done.per_receiver {
                    lines.push(Line::from(i.f(
                        "handover.done_to",
                        &[
                            ("user", user),
                            ("n", &n.to_string()),
                            ("aum", &format_money(*aum, "CNY")),
                        ],
                    )));
                }
                lines.push(Line::from(Span::styled(
                    i.f(
                        "handover.done_close",
                        &[("key", &v.keys.primary(Action::Back))],
                    ),
                    v.theme.dim,
                )));
                let height = u16::try_from(lines.len())
                    .unwrap_or(u16::MAX)
                    .saturating_add(2);
                let rect = centered(area, area.width.min(70), height);
                let inner = popup(f, rect, i.t("handover.done_title"), v.theme);
                f.render_widget(
                    Paragraph::new(lines).wrap(Wrap { trim: false }),
                    inner.inner(ratatui::layout::Margin::new(1, 0)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};

    #[test]
    fn the_hand_over_dialog_shows_what_it_takes() {
        let mut env = env(Role::Manager);
        for which in [Which::All, Which::Numbers(vec!["C000000001".into()])] {
            assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
                let d = HandoverDialog::new(c, "rm1", which.clone(), 3, &["rm3".into()]);
                Box::new(d) as Box<dyn Popup<Changed>>
            });
        }
    }
}
