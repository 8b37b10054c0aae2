//! A form in a popup: a title, the fields, the discard question and a message line.
//! Every record popup (visit, return call, feedback, handling feedback) is one of these
//! plus the store call its Ctrl-S makes, so they all take keys, ask before dropping what
//! was typed and show refusals the same way. The calendar's task popup also opens one
//! read-only, to show another user's task.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::discard::{Discard, DiscardStep};
use super::field::Field;
use super::form::Form;
use super::{centered, popup};
use crate::store::StoreError;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::popup::Step;
use crate::tui::screens::{show_store_error, Ctx, View};

/// What a popup form reports: the user asked to save (Ctrl-S) or, in a filter, to
/// apply (Enter). The owner saves and calls [`PopupForm::refused`] on failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submit;

impl Step<Submit> {
    /// This step for a popup reporting `T`, with a submit answered by `submit`.
    pub fn or_submit<T>(self, submit: impl FnOnce() -> Step<T>) -> Step<T> {
        match self {
            Step::Done(Submit) | Step::Report(Submit) => submit(),
            Step::Open => Step::Open,
            Step::Ignored => Step::Ignored,
            Step::Closed => Step::Closed,
        }
    }
}

/// A titled form in a popup.
#[derive(Debug, Clone)]
pub struct PopupForm {
    /// The title in the border.
    pub title: String,
    /// The fields.
    pub form: Form,
    /// The widest the popup grows.
    pub max_width: u16,
    /// Only for reading: Esc or Enter closes, Tab moves between the fields, nothing
    /// can be typed or saved.
    pub read_only: bool,
    /// Whether drawing clears the whole area behind the popup (a record popup hides the
    /// personal data behind it); `false` leaves the screen showing around the popup.
    pub hide_behind: bool,
    /// A dim line under the fields (a hint, where a record came from), shown while no
    /// refusal is.
    pub note: Option<String>,
    /// A filter: Enter applies, Esc closes without asking (nothing typed is lost).
    pub filter: bool,
    discard: Discard,
    message: Option<String>,
}

impl PopupForm {
    /// A popup titled `title` with `fields`.
    pub fn new(title: String, fields: Vec<Field>) -> PopupForm {
        PopupForm {
            title,
            form: Form::new(fields),
            max_width: 76,
            read_only: false,
            hide_behind: true,
            note: None,
            filter: false,
            discard: Discard::default(),
            message: None,
        }
    }

    /// Whether something was changed (never, read-only).
    pub fn is_dirty(&self) -> bool {
        !self.read_only && self.form.is_dirty()
    }

    /// The value of field `id`.
    pub fn value(&self, id: &str) -> &str {
        self.form.value(id)
    }

    /// Handles a key: the discard question first, then the popup's own actions (what
    /// [`PopupForm::commands`] lists), with the focused field taking text first. Enter
    /// moves to the next field, except in a multi-line field (a line break there) and in
    /// a filter (it applies). Read-only, Esc and Enter close and only field moves work.
    pub fn on_key(&mut self, key: &KeyEvent, k: &Keymap) -> Step<Submit> {
        if self.read_only {
            return match k.action_in(key, &self.commands()) {
                Some(Action::Back | Action::Submit) => Step::Closed,
                Some(Action::NextField | Action::Down) => {
                    self.form.focus_next();
                    Step::Open
                }
                Some(Action::PrevField | Action::Up) => {
                    self.form.focus_prev();
                    Step::Open
                }
                _ => Step::Ignored,
            };
        }
        let dirty = self.form.is_dirty() && !self.filter;
        match self.discard.on_key(key, k, dirty) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return Step::Open,
            DiscardStep::Leave => return Step::Closed,
            DiscardStep::NotMine => return Step::Ignored,
        }
        let commands = self.commands();
        let multi_line = self.form.focused_is_multi_line();
        let submit = if self.filter && !multi_line {
            Action::Submit
        } else {
            Action::Save
        };
        if k.is(key, submit) && commands.contains(&submit) {
            self.form.clear_errors();
            self.message = None;
            return Step::Done(Submit);
        }
        if self.form.on_key(key, k) {
            return Step::Open;
        }
        if k.action_in(key, &commands) == Some(Action::EnterNext) {
            self.form.focus_next();
            return Step::Open;
        }
        Step::Ignored
    }

    /// Puts a refused save back on the form (errors at their fields, anything else on
    /// the message line and the status line); every value stays.
    pub fn refused(&mut self, err: &StoreError, ctx: &mut Ctx<'_>) {
        self.message = show_store_error(&mut self.form, err, ctx.i18n);
        if let Some(m) = &self.message {
            ctx.error(m.clone());
        }
    }

    /// The popup's keys (or the discard question's): save (a filter: Enter applies),
    /// back, the field moves when there are several fields; read-only, close and the
    /// field moves.
    pub fn commands(&self) -> Vec<Action> {
        let several = self.form.fields.len() > 1;
        let moves = [
            Action::NextField,
            Action::PrevField,
            Action::Up,
            Action::Down,
        ];
        if self.read_only {
            let mut keys = vec![Action::Back, Action::Submit];
            if several {
                keys.extend(moves);
            }
            return keys;
        }
        if self.discard.asking() {
            return self.discard.form_commands();
        }
        let mut keys = if self.filter {
            vec![Action::Submit, Action::Back]
        } else {
            vec![Action::Save, Action::Back]
        };
        if several {
            keys.extend(moves);
            if !self.filter {
                keys.push(Action::EnterNext);
            }
        }
        keys
    }

    /// Pasted text goes to the focused field (nowhere, read-only).
    pub fn paste(&mut self, text: &str) {
        if !self.read_only && !self.discard.asking() {
            self.form.paste(text);
        }
    }

    /// Draws the popup centred over `area` (and the discard question over it).
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        if self.hide_behind {
            f.render_widget(Clear, area);
        }
        let line = match (&self.message, &self.note) {
            (Some(m), _) => Some((m.as_str(), v.theme.error)),
            (None, Some(n)) => Some((n.as_str(), v.theme.dim)),
            (None, None) => None,
        };
        draw_popup(f, area, &self.title, &self.form, line, self.max_width, v);
        self.discard.draw(f, area, v);
    }
}

/// Clears `area` (a form hides what is behind it, personal data included) and draws
/// `form` in a popup titled `title`, as tall as its fields need (they scroll when the
/// window is shorter), at most `max_width` wide, with `message` on its last line.
pub fn draw_form(
    f: &mut Frame,
    area: Rect,
    title: &str,
    form: &Form,
    message: Option<&str>,
    max_width: u16,
    v: &View<'_>,
) {
    f.render_widget(Clear, area);
    let line = message.map(|m| (m, v.theme.error));
    draw_popup(f, area, title, form, line, max_width, v);
}

/// Draws `form` in a popup titled `title` centred over `area` (leaving the rest of
/// `area` as it is), with `line` in its style on the popup's last line.
fn draw_popup(
    f: &mut Frame,
    area: Rect,
    title: &str,
    form: &Form,
    line: Option<(&str, Style)>,
    max_width: u16,
    v: &View<'_>,
) {
    let has_message = line.is_some();
    let wanted = form.height() + 2 + u16::from(has_message);
    let rect = centered(area, area.width.min(max_width), wanted.min(area.height));
    let inner = popup(f, rect, title, v.theme);
    let body = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(u16::from(has_message)),
    );
    form.draw(f, body, v.theme);
    if let Some((msg, style)) = line {
        if inner.height > 0 {
            let y = inner.y + inner.height - 1;
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(msg, style))),
                Rect::new(body.x, y, body.width, 1),
            );
        }
    }
}

/// Makes a type holding a [`PopupForm`] in `popup` and a `submit(&mut self, ctx) ->
/// Step<T>` a [`crate::tui::popup::Popup`] reporting `T`: keys go to the form, Ctrl-S
/// (a filter: Enter) to `submit`; the bar shows the form's keys.
macro_rules! form_popup {
    ($t:ty => $out:ty) => {
        impl $crate::tui::popup::Popup<$out> for $t {
            fn on_key(
                &mut self,
                key: &crossterm::event::KeyEvent,
                ctx: &mut $crate::tui::screens::Ctx<'_>,
            ) -> $crate::tui::popup::Step<$out> {
                self.popup
                    .on_key(key, ctx.keys)
                    .or_submit(|| self.submit(ctx))
            }
            fn draw(
                &self,
                f: &mut ratatui::Frame,
                area: ratatui::layout::Rect,
                v: &$crate::tui::screens::View<'_>,
            ) {
                self.popup.draw(f, area, v);
            }
            fn commands(&self) -> Vec<$crate::tui::keymap::Action> {
                self.popup.commands()
            }
            fn paste(&mut self, text: &str) {
                self.popup.paste(text);
            }
            fn is_dirty(&self) -> bool {
                self.popup.is_dirty()
            }
        }
    };
}
pub(crate) use form_popup;
