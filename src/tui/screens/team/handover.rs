//! The hand-over dialog (from the Team screen for all or some clients of an RM, from the
//! client list for the marked rows): receivers, reason and its text; Ctrl-S runs the
//! hand-over on its own thread and connection and the dialog shows its progress, then
//! what moved.
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
use crate::tui::screens::team::forms::{popup_step, PopupStep};
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

    /// Waits (tests) until the job ends.
    pub fn wait(&mut self) -> Result<HandoverDone, StoreError> {
        loop {
            if let Some(r) = self.poll() {
                return r;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
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

/// What a key did to the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogStep {
    /// Still open.
    Open,
    /// Not a key of the dialog.
    Ignored,
    /// Closed; `true` when clients moved (the screen reloads).
    Closed(bool),
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
        let mut form = PopupForm::new(
            i.f(
                "handover.title",
                &[("from", from), ("n", &count.to_string())],
            ),
            vec![
                Field::text("to", i.t("handover.field_to"), ""),
                Field::choice("reason", i.t("handover.field_reason"), reasons, "rotation"),
                Field::text("reason_text", i.t("handover.field_text"), ""),
            ],
        );
        form.note = Some(i.f("handover.hint", &[("rms", &receivers.join(", "))]));
        HandoverDialog {
            from: from.to_string(),
            which,
            count,
            stage: Stage::Form(Box::new(form)),
        }
    }

    /// Whether the hand-over is running (the screen is busy).
    pub fn running(&self) -> bool {
        matches!(self.stage, Stage::Running(..))
    }

    /// Whether something typed would be lost.
    pub fn is_dirty(&self) -> bool {
        matches!(&self.stage, Stage::Form(f) if f.is_dirty())
    }

    /// Handles a key.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> DialogStep {
        match &mut self.stage {
            Stage::Form(form) => match popup_step(form, key, ctx) {
                PopupStep::Open => DialogStep::Open,
                PopupStep::Ignored => DialogStep::Ignored,
                PopupStep::Cancelled => DialogStep::Closed(false),
                PopupStep::Submit => {
                    let reason = form
                        .value("reason")
                        .parse()
                        .unwrap_or(HandoverReason::Other);
                    let spec = HandoverSpec {
                        from: self.from.clone(),
                        to: form
                            .value("to")
                            .split([',', ' ', '，'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                        which: self.which.clone(),
                        reason,
                        reason_text: form.value("reason_text").to_string(),
                    };
                    // Checked here first, so a refusal shows at its field at once.
                    if spec.to.is_empty() {
                        form.refused(
                            &StoreError::invalid("to", "err.handover.to_required", ""),
                            ctx,
                        );
                        return DialogStep::Open;
                    }
                    if let Err(e) =
                        crate::domain::desk::handover_reason(spec.reason, &spec.reason_text)
                    {
                        form.refused(&StoreError::invalid("reason_text", e.key(), ""), ctx);
                        return DialogStep::Open;
                    }
                    let job = HandoverJob::start(
                        ctx.store.reopener(),
                        ctx.actor.clone(),
                        spec,
                        self.count,
                    );
                    let form = form.clone();
                    self.stage = Stage::Running(job, form);
                    DialogStep::Open
                }
            },
            // A running hand-over cannot be interrupted: it is one transaction.
            Stage::Running(..) => DialogStep::Open,
            Stage::Done(_) => {
                if ctx.keys.is(key, Action::Back) || ctx.keys.is(key, Action::Open) {
                    DialogStep::Closed(true)
                } else {
                    DialogStep::Open
                }
            }
        }
    }

    /// Takes in the job's progress; `true` when it has just ended.
    pub fn tick(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let Stage::Running(job, _) = &mut self.stage else {
            return false;
        };
        let Some(outcome) = job.poll() else {
            return false;
        };
        self.finish(outcome, ctx);
        true
    }

    /// Waits for the running hand-over (tests).
    pub fn wait(&mut self, ctx: &mut Ctx<'_>) {
        if let Stage::Running(job, _) = &mut self.stage {
            let outcome = job.wait();
            self.finish(outcome, ctx);
        }
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

    /// The dialog's keys.
    pub fn commands(&self) -> Vec<Action> {
        match &self.stage {
            Stage::Form(f) => f.commands(),
            Stage::Running(..) => Vec::new(),
            Stage::Done(_) => vec![Action::Back],
        }
    }

    /// Pasted text goes to the focused field.
    pub fn paste(&mut self, text: &str) {
        if let Stage::Form(f) = &mut self.stage {
            f.paste(text);
        }
    }

    /// Draws the dialog over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
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
