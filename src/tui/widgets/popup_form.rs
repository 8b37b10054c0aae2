//! A form in a popup: a title, the fields, the discard question and a message line.
//! Every record popup (visit, return call, feedback, handling feedback) is one of these
//! plus the store call its Ctrl-S makes, so they all take keys, ask before dropping what
//! was typed and show refusals the same way. The calendar's task popup also opens one
//! read-only, to show another user's task.
use crossterm::event::{KeyCode, KeyEvent};
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
use crate::tui::keymap::Action;
use crate::tui::screens::{show_store_error, Ctx, View};

/// What a key did to the popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupStep {
    /// Still open.
    Open,
    /// Not a key of the popup (lock, quit, screen keys).
    Ignored,
    /// Closed without saving.
    Cancelled,
    /// Ctrl-S: the owner saves and calls [`PopupForm::refused`] on failure.
    Submit,
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

    /// Handles a key: the discard question first, then save / back, then the fields.
    /// Enter moves to the next field, except in a multi-line field (a line break there).
    /// Read-only, Esc and Enter close and only the field moves are taken.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>) -> PopupStep {
        let k = ctx.keys;
        if self.read_only {
            if k.is(key, Action::Back) || k.is(key, Action::Open) {
                return PopupStep::Cancelled;
            }
            if k.is(key, Action::NextField) || k.is(key, Action::PrevField) {
                self.form.on_key(key, k);
                return PopupStep::Open;
            }
            return PopupStep::Ignored;
        }
        match self.discard.on_key(key, k, self.form.is_dirty()) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return PopupStep::Open,
            DiscardStep::Leave => return PopupStep::Cancelled,
            DiscardStep::NotMine => return PopupStep::Ignored,
        }
        if k.is(key, Action::Save) {
            self.form.clear_errors();
            self.message = None;
            return PopupStep::Submit;
        }
        let mut used = self.form.on_key(key, k);
        if !used && k.is(key, Action::Open) {
            self.form.focus_next();
            used = true;
        }
        if used {
            PopupStep::Open
        } else {
            PopupStep::Ignored
        }
    }

    /// Puts a refused save back on the form (errors at their fields, anything else on
    /// the message line and the status line); every value stays.
    pub fn refused(&mut self, err: &StoreError, ctx: &mut Ctx<'_>) {
        self.message = show_store_error(&mut self.form, err, ctx.i18n);
        if let Some(m) = &self.message {
            ctx.error(m.clone());
        }
    }

    /// The popup's keys (or the discard question's), without the field moves when there
    /// is one field; read-only, back and the next field.
    pub fn commands(&self) -> Vec<Action> {
        if self.read_only {
            return vec![Action::Back, Action::NextField];
        }
        let mut keys = self.discard.form_commands();
        if self.form.fields.len() < 2 {
            keys.retain(|a| !matches!(a, Action::NextField | Action::PrevField));
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
