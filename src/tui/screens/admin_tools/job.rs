//! A backup or a restore running on its own thread ([`Job`]), as a popup: its progress
//! while it runs, then its outcome until Esc. A restore has let go of
//! the database for the while ([`Store::release_for_restore`](crate::store::Store)); when
//! it ends the popup opens the database again — restored, or as it was after a refusal —
//! before anything else reads it.
use std::path::PathBuf;

use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use ratatui::Frame;

use super::backup::{restore_text, Done};
use crate::store::backup::{Manifest, Phase};
use crate::store::restore::{RestoreError, Restored, Restoring};
use crate::store::{Actor, Reopen};
use crate::tui::i18n::I18n;
use crate::tui::jobs::Job;
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{Ctx, View};
use crate::tui::widgets::{centered, popup};

type BackupJob = Job<Phase, Result<Manifest, String>>;
type RestoreJob = Job<Phase, Result<Restored, RestoreError>>;

#[derive(Debug)]
enum Work {
    Backup(BackupJob),
    Restore(RestoreJob),
}

/// A running backup or restore, then its outcome.
#[derive(Debug)]
pub struct JobPopup {
    file: PathBuf,
    work: Work,
    /// The outcome as a sentence, and whether it is a failure.
    ended: Option<(String, bool)>,
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl JobPopup {
    /// Starts a backup of the database `db` reopens to `file`, on its own connection.
    pub fn backup(db: Reopen, actor: Actor, file: PathBuf) -> JobPopup {
        let dest = file.clone();
        let job = Job::spawn(
            move |progress| {
                let mut store = db.open().map_err(|e| e.to_string())?;
                store
                    .backup_to(&actor, &dest, &mut |p| progress(p))
                    .map_err(|e| e.to_string())
            },
            || Err("the backup stopped".into()),
        );
        JobPopup {
            file,
            work: Work::Backup(job),
            ended: None,
        }
    }

    /// Starts restoring `file` (signed in to it with `password`) over the database that
    /// `restoring` let go of.
    pub fn restore(restoring: Restoring, file: PathBuf, password: String) -> JobPopup {
        let from = file.clone();
        let job = Job::spawn(
            move |progress| restoring.run(&from, &password, progress),
            || {
                Err(RestoreError::Io {
                    path: PathBuf::new(),
                    source: std::io::Error::other("the restore stopped"),
                })
            },
        );
        JobPopup {
            file,
            work: Work::Restore(job),
            ended: None,
        }
    }

    fn phase(&self) -> Option<Phase> {
        match &self.work {
            Work::Backup(j) => j.progress,
            Work::Restore(j) => j.progress,
        }
    }

    /// The sentence of an ended backup.
    fn backup_outcome(&self, outcome: &Result<Manifest, String>, i: &I18n) -> (String, bool) {
        match outcome {
            Ok(m) => (
                i.f(
                    "backup.done",
                    &[
                        ("file", &self.file.display().to_string()),
                        ("mb", &format!("{:.1}", m.bytes as f64 / 1e6)),
                        ("n", &m.audit_head.entries.to_string()),
                    ],
                ),
                false,
            ),
            Err(e) => (i.f("backup.failed", &[("reason", e)]), true),
        }
    }

    /// The sentence of an ended restore; the database is opened again first.
    fn restore_outcome(
        &self,
        outcome: &Result<Restored, RestoreError>,
        ctx: &mut Ctx<'_>,
    ) -> (String, bool) {
        let i = ctx.i18n;
        if let Err(e) = ctx.store.reattach() {
            tracing::error!("the database could not be opened after a restore: {e}");
            return (restore_text(&e, i), true);
        }
        match outcome {
            Ok(done) => {
                let kept = done.kept.as_deref().map(file_name).unwrap_or_default();
                let file = file_name(&self.file);
                let text = i.f("restore.done", &[("file", &file), ("kept", &kept)]);
                (text, false)
            }
            Err(e) => {
                let text = i.f("restore.untouched", &[("reason", &restore_text(e, i))]);
                (text, true)
            }
        }
    }
}

impl Popup<Done> for JobPopup {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        if self.ended.is_none() {
            // Nothing to do until the work ends; help, lock and quit (asked first, as
            // with something unsaved) still work.
            return Step::Ignored;
        }
        match ctx.keys.action_in(key, &self.commands()) {
            Some(_) => Step::Closed,
            None => Step::Ignored,
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let title = match self.work {
            Work::Backup(_) => i.t("backup.new"),
            Work::Restore(_) => i.t("restore.title"),
        };
        let rect = centered(area, area.width.min(70), 9);
        let inner = popup(f, rect, title, v.theme);
        let [l1, l2, l3] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(2),
            inner.height,
        ));
        let file = self.file.display().to_string();
        let restore = matches!(self.work, Work::Restore(_));
        let (text, ratio, style) = match (&self.ended, self.phase(), restore) {
            (Some((text, true)), ..) => (text.clone(), 0.0, v.theme.error),
            (Some((text, false)), ..) => (text.clone(), 1.0, v.theme.base),
            (None, Some(Phase::Copy { done, total }), _) => {
                let key = if restore {
                    "restore.copying"
                } else {
                    "backup.copying"
                };
                let ratio = if total == 0 {
                    0.0
                } else {
                    done as f64 / total as f64
                };
                (i.f(key, &[("file", &file)]), ratio, v.theme.base)
            }
            (None, Some(Phase::Check), false) => (i.t("backup.checking").into(), 1.0, v.theme.base),
            (None, Some(Phase::Finish), false) => {
                (i.t("backup.finishing").into(), 1.0, v.theme.base)
            }
            (None, None, false) => (i.f("backup.copying", &[("file", &file)]), 0.0, v.theme.base),
            (None, Some(Phase::Check) | None, true) => (
                i.f("restore.checking", &[("file", &file)]),
                0.0,
                v.theme.base,
            ),
            (None, Some(Phase::Finish), true) => {
                (i.t("restore.finishing").into(), 1.0, v.theme.base)
            }
        };
        f.render_widget(
            Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: true }),
            l1,
        );
        f.render_widget(
            Gauge::default()
                .gauge_style(v.theme.selected)
                .ratio(ratio.clamp(0.0, 1.0)),
            l2,
        );
        if self.ended.is_some() {
            f.render_widget(
                Paragraph::new(Span::styled(
                    format!("{} {}", v.keys.primary(Action::Back), i.t("action.back")),
                    v.theme.dim,
                )),
                l3,
            );
        }
    }

    fn commands(&self) -> Vec<Action> {
        if self.ended.is_some() {
            vec![Action::Back]
        } else {
            Vec::new()
        }
    }

    fn busy(&self) -> bool {
        self.ended.is_none()
    }

    /// Quitting while the work runs would stop it: the user is asked first.
    fn is_dirty(&self) -> bool {
        self.busy()
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        let ended = match &mut self.work {
            Work::Backup(job) => job.poll(),
            Work::Restore(job) => job.poll(),
        };
        if !ended {
            return Step::Open;
        }
        let (text, failed) = match &self.work {
            Work::Backup(job) => match &job.outcome {
                Some(o) => self.backup_outcome(o, ctx.i18n),
                None => return Step::Open,
            },
            Work::Restore(job) => match &job.outcome {
                Some(o) => self.restore_outcome(o, ctx),
                None => return Step::Open,
            },
        };
        if failed {
            ctx.error(text.clone());
        } else {
            ctx.info(text.clone());
        }
        self.ended = Some((text, failed));
        Step::Report(Done::Ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env};

    fn job(ended: Option<(String, bool)>) -> Box<dyn Popup<Done>> {
        let work = Work::Backup(Job::spawn(|_| Err("x".into()), || Err("y".into())));
        Box::new(JobPopup {
            file: PathBuf::from("b.db"),
            work,
            ended,
        })
    }

    #[test]
    fn a_running_job_takes_no_key_and_asks_before_quitting() {
        let mut env = env(Role::Admin);
        assert_shows_what_it_takes(&mut env, false, &[], &|_| job(None));
        assert!(job(None).is_dirty());
        assert!(job(None).busy());
    }

    #[test]
    fn an_ended_job_closes_with_esc() {
        let mut env = env(Role::Admin);
        let ended = || job(Some(("done".into(), false)));
        assert_shows_what_it_takes(&mut env, false, &[], &|_| ended());
        assert!(!ended().is_dirty());
        let esc = env.keys.events(Action::Back)[0];
        let mut p = ended();
        assert_eq!(p.on_key(&esc, &mut env.ctx()), Step::Closed);
    }
}
