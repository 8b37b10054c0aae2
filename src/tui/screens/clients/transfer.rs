//! Import and export from the client list: a small form asks for the file, an import
//! then runs in the background with a progress gauge (the screen stays live), and its
//! report lists every refused row with its line and reasons.
use std::path::PathBuf;

use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use ratatui::Frame;

use super::super::{store_error_text, Ctx, View};
use super::Done;
use crate::store::clients::ClientFilter;
use crate::tui::i18n::I18n;
use crate::tui::jobs::{ImportJob, ImportState};
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, popup, wrap};

/// The transfer overlay.
#[derive(Debug)]
pub enum Transfer {
    /// Asking for the file (`import` or export).
    Ask {
        /// Import (else export).
        import: bool,
        /// File and option.
        form: Form,
        /// An export writes the clients this filter keeps: the list's.
        filter: ClientFilter,
    },
    /// An import running.
    Running(ImportJob),
    /// What happened, one line each; scrolled to the first shown.
    Report {
        /// The lines.
        lines: Vec<String>,
        /// Whether it went well.
        ok: bool,
        /// First line shown.
        scroll: usize,
    },
}

impl Transfer {
    /// The import form.
    pub fn import(i: &I18n) -> Transfer {
        let options = vec![
            ("no".to_string(), i.t("transfer.skip_no").to_string()),
            ("yes".to_string(), i.t("transfer.skip_yes").to_string()),
        ];
        let form = Form::new(vec![
            Field::text("file", i.t("transfer.file"), ""),
            Field::choice("option", i.t("transfer.skip_invalid"), options, "no"),
        ]);
        Transfer::Ask {
            import: true,
            form,
            filter: ClientFilter::default(),
        }
    }

    /// The export form, writing the clients `filter` (the list's) keeps.
    pub fn export(i: &I18n, filter: &ClientFilter) -> Transfer {
        let options = vec![
            ("no".to_string(), i.t("transfer.masked").to_string()),
            ("yes".to_string(), i.t("transfer.unmasked").to_string()),
        ];
        let form = Form::new(vec![
            Field::text("file", i.t("transfer.file"), ""),
            Field::choice("option", i.t("transfer.masking"), options, "no"),
        ]);
        Transfer::Ask {
            import: false,
            form,
            filter: filter.clone(),
        }
    }

    /// Takes in a running import's progress; at its end shows the report (and
    /// reports [`Done::Imported`] when rows were written: the list reloads).
    fn progress(&mut self, i: &I18n) -> Step<Done> {
        let Transfer::Running(job) = self else {
            return Step::Open;
        };
        if !job.poll() {
            return Step::Open;
        }
        let file = job.file.display().to_string();
        let (lines, ok, changed) = match &job.state {
            ImportState::Done(report) => {
                let n = |v: usize| v.to_string();
                let summary = if report.written() {
                    i.f(
                        "transfer.imported",
                        &[
                            ("imported", &n(report.imported)),
                            ("total", &n(report.total)),
                            ("file", &file),
                            ("rejected", &n(report.rejected.len())),
                        ],
                    )
                } else {
                    i.f(
                        "transfer.refused",
                        &[
                            ("rejected", &n(report.rejected.len())),
                            ("total", &n(report.total)),
                        ],
                    )
                };
                let mut lines = vec![summary];
                lines.extend(report.rejected.iter().map(|r| {
                    // Each problem as "field: message" in the user's language.
                    let reasons: Vec<String> = r
                        .keys
                        .iter()
                        .map(|(field, key)| {
                            format!("{}: {}", i.t(&format!("client.field.{field}")), i.t(key))
                        })
                        .collect();
                    i.f(
                        "transfer.line",
                        &[
                            ("line", &r.line.to_string()),
                            ("reasons", &reasons.join(" ")),
                        ],
                    )
                }));
                (lines, report.written(), report.imported > 0)
            }
            ImportState::Failed(reason) if reason == crate::tui::jobs::STOPPED => {
                (vec![i.t("transfer.stopped").to_string()], false, false)
            }
            ImportState::Failed(reason) => (
                vec![i.f("transfer.failed", &[("reason", reason)])],
                false,
                false,
            ),
            _ => return Step::Open,
        };
        *self = Transfer::Report {
            lines,
            ok,
            scroll: 0,
        };
        if changed {
            Step::Report(Done::Imported)
        } else {
            Step::Open
        }
    }

    /// Handles a key: only the actions [`Transfer::keys`] lists (and text in the file
    /// field).
    fn key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        let k = ctx.keys;
        let action = k.action_in(key, &self.keys());
        match self {
            Transfer::Ask {
                import,
                form,
                filter,
            } => {
                if action == Some(Action::Back) {
                    return Step::Closed;
                }
                let submit = action == Some(Action::Save)
                    || (action == Some(Action::Submit) && form.on_last());
                if submit {
                    let path = form.trimmed("file");
                    if path.is_empty() {
                        form.set_error("file", ctx.i18n.t("transfer.need_file"));
                        return Step::Open;
                    }
                    let option = form.value("option") == "yes";
                    // The full path, so the report and the status line say where.
                    let path = std::path::absolute(&path).unwrap_or_else(|_| PathBuf::from(&path));
                    if *import {
                        let db = ctx.store.reopener();
                        *self = Transfer::Running(ImportJob::start(
                            db,
                            ctx.actor.clone(),
                            path,
                            option,
                        ));
                    } else {
                        let written = ctx
                            .store
                            .export_clients_to_file(ctx.actor, filter, &path, option);
                        match written {
                            Ok(n) => {
                                let text = ctx.i18n.f(
                                    "transfer.exported",
                                    &[("n", &n.to_string()), ("file", &path.display().to_string())],
                                );
                                ctx.info(text);
                                return Step::Closed;
                            }
                            Err(e) => form.set_error("file", store_error_text(&e, ctx.i18n)),
                        }
                    }
                    return Step::Open;
                }
                if form.on_key(key, k) {
                    return Step::Open;
                }
                if action == Some(Action::Submit) {
                    form.focus_next();
                    return Step::Open;
                }
                Step::Ignored
            }
            // The import finishes on its own; global keys (lock) still work meanwhile.
            Transfer::Running(_) => Step::Ignored,
            Transfer::Report { lines, scroll, .. } => {
                let last = lines.len().saturating_sub(1);
                match action {
                    Some(Action::Back | Action::Submit) => return Step::Closed,
                    Some(Action::Down) => *scroll = (*scroll + 1).min(last),
                    Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                    Some(Action::PageDown) => *scroll = (*scroll + 10).min(last),
                    Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
                    _ => return Step::Ignored,
                }
                Step::Open
            }
        }
    }

    /// Keys that work now. While an import runs, none: it finishes on its own.
    fn keys(&self) -> Vec<Action> {
        match self {
            Transfer::Ask { .. } => vec![
                Action::Save,
                Action::Submit,
                Action::Back,
                Action::NextField,
                Action::PrevField,
                Action::Up,
                Action::Down,
            ],
            Transfer::Running(_) => Vec::new(),
            Transfer::Report { .. } => vec![
                Action::Back,
                Action::Submit,
                Action::Down,
                Action::Up,
                Action::PageDown,
                Action::PageUp,
            ],
        }
    }
}

impl Popup<Done> for Transfer {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        self.key(key, ctx)
    }

    fn commands(&self) -> Vec<Action> {
        self.keys()
    }

    /// Pasted text goes into the file field.
    fn paste(&mut self, text: &str) {
        if let Transfer::Ask { form, .. } = self {
            form.paste(text);
        }
    }

    /// Whether a job runs (the event loop then wakes to show its progress). Quitting
    /// now would stop it (nothing is half written: the transaction rolls back), so the
    /// user is asked first.
    fn busy(&self) -> bool {
        matches!(self, Transfer::Running(_))
    }

    fn is_dirty(&self) -> bool {
        self.busy()
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        self.progress(ctx.i18n)
    }

    /// Draws the overlay over `area`.
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let width = area.width.saturating_sub(4).min(76);
        match self {
            Transfer::Ask {
                import,
                form,
                filter,
            } => {
                let title = if *import {
                    i.t("transfer.import_title")
                } else {
                    i.t("transfer.export_title")
                };
                // Under the fields: the folder a relative name is written in or read
                // from, what an export writes, and where the format is described.
                let folder = std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default();
                let mut notes = vec![i.f("transfer.folder", &[("folder", &folder)])];
                if !*import && *filter != ClientFilter::default() {
                    notes.push(i.t("transfer.filtered").to_string());
                }
                notes.push(i.f("transfer.hint", &[("key", &v.keys.primary(Action::Save))]));
                let inner_w = usize::from(width.saturating_sub(4)).max(1);
                let lines: Vec<Line> = notes
                    .iter()
                    .flat_map(|n| wrap(n, inner_w))
                    .map(|l| Line::from(Span::styled(l, v.theme.dim)))
                    .collect();
                let notes_h = u16::try_from(lines.len()).unwrap_or(u16::MAX);
                let rect = centered(area, width, form.height() + 4 + notes_h);
                let inner = popup(f, rect, title, v.theme);
                let [body, hint] =
                    Layout::vertical([Constraint::Min(1), Constraint::Length(notes_h)])
                        .areas(inner);
                form.draw(
                    f,
                    Rect::new(
                        body.x + 1,
                        body.y + 1,
                        body.width.saturating_sub(2),
                        body.height.saturating_sub(1),
                    ),
                    v.theme,
                );
                let hint = Rect::new(
                    hint.x + 1,
                    hint.y,
                    hint.width.saturating_sub(2),
                    hint.height,
                );
                f.render_widget(Paragraph::new(lines), hint);
            }
            Transfer::Running(job) => {
                let rect = centered(area, width, 5);
                let inner = popup(f, rect, i.t("transfer.import_title"), v.theme);
                let [text, gauge] =
                    Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(inner);
                let (label, ratio) = match job.state {
                    ImportState::Checking(n) => {
                        (i.f("transfer.checking", &[("n", &n.to_string())]), 0.0)
                    }
                    ImportState::Writing(done, total) => (
                        i.f(
                            "transfer.writing",
                            &[("done", &done.to_string()), ("total", &total.to_string())],
                        ),
                        if total == 0 {
                            1.0
                        } else {
                            done as f64 / total as f64
                        },
                    ),
                    _ => (String::new(), 1.0),
                };
                f.render_widget(Paragraph::new(label).wrap(Wrap { trim: true }), text);
                f.render_widget(
                    Gauge::default()
                        .gauge_style(v.theme.selected)
                        .ratio(ratio.clamp(0.0, 1.0)),
                    gauge,
                );
            }
            Transfer::Report { lines, ok, scroll } => {
                let height = area
                    .height
                    .saturating_sub(4)
                    .min(u16::try_from(lines.len() + 3).unwrap_or(u16::MAX));
                let rect = centered(area, width, height);
                let inner = popup(f, rect, i.t("transfer.report_title"), v.theme);
                let shown: Vec<Line> = lines
                    .iter()
                    .enumerate()
                    .skip(*scroll)
                    .map(|(n, l)| {
                        let style = if n == 0 {
                            if *ok {
                                v.theme.ok
                            } else {
                                v.theme.error
                            }
                        } else {
                            v.theme.base
                        };
                        Line::from(Span::styled(l.as_str(), style))
                    })
                    .collect();
                f.render_widget(Paragraph::new(shown).wrap(Wrap { trim: false }), inner);
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
    fn import_export_and_report_show_what_they_take() {
        let mut env = env(Role::Rm);
        // An empty file name is refused at the field: nothing is read or written.
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(Transfer::import(c.i18n)) as Box<dyn Popup<Done>>
        });
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(Transfer::export(c.i18n, &ClientFilter::default())) as Box<dyn Popup<Done>>
        });
        assert_shows_what_it_takes(&mut env, false, &[], &|_| {
            Box::new(Transfer::Report {
                lines: vec!["a".into(), "b".into()],
                ok: true,
                scroll: 0,
            }) as Box<dyn Popup<Done>>
        });
    }
}
