//! A vertical form: labelled fields, one focused, errors under the fields they concern.
//! The form only edits; its owner decides what Ctrl-S, Enter or Esc mean and reads the
//! values on submit. A refused submit sets errors and keeps every value as typed.
//! A form taller than its area scrolls so that the focused field (and its error) shows.
use std::cell::Cell;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::field::{cols, Field};
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme::Theme;

/// A list of fields with focus.
#[derive(Debug, Clone)]
pub struct Form {
    /// The fields, top to bottom.
    pub fields: Vec<Field>,
    focus: usize,
    dirty: bool,
    /// First line drawn. Drawing moves it just enough to keep the focused field in
    /// view, as ratatui's own list and table states do with their offsets.
    scroll: Cell<usize>,
}

impl Form {
    /// A form of `fields`, focus on the first.
    pub fn new(fields: Vec<Field>) -> Form {
        Form {
            fields,
            focus: 0,
            dirty: false,
            scroll: Cell::new(0),
        }
    }

    /// Replaces the fields (a form whose fields depend on a choice), keeping focus on the
    /// field with the same id and whether anything was typed.
    pub fn set_fields(&mut self, fields: Vec<Field>) {
        let focused = self.focused_id();
        self.fields = fields;
        self.focus = self
            .fields
            .iter()
            .position(|f| f.id == focused)
            .unwrap_or(0);
    }

    /// Marks the form as changed (a value set by its owner, not typed).
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// The value of field `id` ("" when there is no such field).
    pub fn value(&self, id: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .map_or("", Field::value)
    }

    /// The value of field `id`, trimmed, as an owned string.
    pub fn trimmed(&self, id: &str) -> String {
        self.value(id).trim().to_string()
    }

    /// Whether anything was typed since the form opened.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether the focused field takes typed text.
    pub fn typing(&self) -> bool {
        self.fields.get(self.focus).is_some_and(Field::takes_text)
    }

    /// Whether the focused field is multi-line (Enter breaks its line).
    pub fn focused_is_multi_line(&self) -> bool {
        self.fields
            .get(self.focus)
            .is_some_and(|f| matches!(f.kind, super::field::FieldKind::Multi(_)))
    }

    /// Whether the last field has focus.
    pub fn on_last(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    /// Id of the focused field.
    pub fn focused_id(&self) -> &'static str {
        self.fields.get(self.focus).map_or("", |f| f.id)
    }

    /// Moves focus to field `id`.
    pub fn focus_on(&mut self, id: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.id == id) {
            self.focus = i;
        }
    }

    /// Removes every error.
    pub fn clear_errors(&mut self) {
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Sets the error of field `id` (or of the focused field when no field has that id)
    /// and moves focus to it.
    pub fn set_error(&mut self, id: &str, message: impl Into<String>) {
        let i = self
            .fields
            .iter()
            .position(|f| f.id == id)
            .unwrap_or(self.focus);
        if let Some(f) = self.fields.get_mut(i) {
            f.error = Some(message.into());
            self.focus = i;
        }
    }

    /// Sets the error of field `id` without moving focus (a check as the user leaves a
    /// field); nothing happens when there is no such field.
    pub fn set_error_at(&mut self, id: &str, message: impl Into<String>) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.id == id) {
            f.error = Some(message.into());
        }
    }

    /// Clears the text of field `id`.
    pub fn clear(&mut self, id: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.id == id) {
            f.clear();
        }
    }

    /// Whether any field has an error.
    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Handles focus movement and editing keys; returns whether the key was used.
    /// Printable keys always go to a focused text field, before any command binding.
    pub fn on_key(&mut self, key: &KeyEvent, keys: &Keymap) -> bool {
        // One field: nowhere to move, so the move keys are not taken (nor shown).
        let several = self.fields.len() > 1;
        if several && keys.is(key, Action::NextField) {
            self.focus_next();
            return true;
        }
        if several && keys.is(key, Action::PrevField) {
            self.focus_prev();
            return true;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        let before = field.value().to_string();
        let used = field.on_key(key);
        if used && field.value() != before {
            self.dirty = true;
            field.error = None;
        }
        if used || !several {
            return used;
        }
        // Up/Down move between fields when the field itself has no use for them.
        if keys.is(key, Action::Down) {
            self.focus = (self.focus + 1).min(self.fields.len().saturating_sub(1));
            return true;
        }
        if keys.is(key, Action::Up) {
            self.focus = self.focus.saturating_sub(1);
            return true;
        }
        false
    }

    /// Moves focus to the next field (from the last, to the first).
    pub fn focus_next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    /// Moves focus to the previous field (from the first, to the last).
    pub fn focus_prev(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    /// Pastes into the focused field.
    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.paste(text);
            self.dirty = true;
        }
    }

    /// Lines the form needs: each field's rows plus one per error.
    pub fn height(&self) -> u16 {
        let lines: usize = self
            .fields
            .iter()
            .map(|f| usize::from(f.rows()) + usize::from(f.error.is_some()))
            .sum();
        u16::try_from(lines).unwrap_or(u16::MAX)
    }

    /// Draws the form into `area`: labels in a column as wide as the widest, values
    /// beside them, each error on the line under its field. When the lines do not fit,
    /// the form scrolls to keep the focused field in view and marks the hidden part
    /// with ▲ / ▼ at the right edge.
    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let label_w = self
            .fields
            .iter()
            .map(|fl| cols(&fl.label))
            .max()
            .unwrap_or(0)
            + 2;
        // Line of each field's label, counting error lines.
        let mut tops = Vec::with_capacity(self.fields.len());
        let mut total = 0usize;
        for field in &self.fields {
            tops.push(total);
            total += usize::from(field.rows()) + usize::from(field.error.is_some());
        }
        let height = usize::from(area.height);
        let mut scroll = self.scroll.get().min(total.saturating_sub(height));
        if let Some(&top) = tops.get(self.focus) {
            let field = &self.fields[self.focus];
            let bottom = top + usize::from(field.rows()) - 1 + usize::from(field.error.is_some());
            if top < scroll {
                scroll = top;
            } else if bottom >= scroll + height {
                scroll = bottom + 1 - height;
            }
        }
        self.scroll.set(scroll);
        // The last column holds the scroll marks when the form does not fit.
        let reserve = u16::from(total > height);
        let bottom = area.y.saturating_add(area.height);
        for (i, field) in self.fields.iter().enumerate() {
            let Some(line) = tops[i].checked_sub(scroll) else {
                continue;
            };
            let Some(y) = u16::try_from(line).ok().map(|l| area.y.saturating_add(l)) else {
                break;
            };
            if y >= bottom {
                break;
            }
            let focused = i == self.focus;
            let label_style = if focused { theme.title } else { theme.dim };
            let label_area = Rect::new(area.x, y, label_w.min(area.width), 1);
            f.render_widget(
                Paragraph::new(Span::styled(field.label.as_str(), label_style)),
                label_area,
            );
            let value_x = area.x.saturating_add(label_w);
            let value_w = area.width.saturating_sub(label_w).saturating_sub(reserve);
            let rows = field.rows().min(bottom - y);
            if value_w > 0 {
                field.draw_value(f, Rect::new(value_x, y, value_w, rows), focused, theme);
            }
            if let Some(err) = &field.error {
                let y = y.saturating_add(field.rows());
                if y >= bottom {
                    break;
                }
                let line = Line::from(Span::styled(format!("  ✗ {err}"), theme.error));
                f.render_widget(Paragraph::new(line), Rect::new(area.x, y, area.width, 1));
            }
        }
        let right = area.x + area.width - 1;
        if scroll > 0 {
            f.render_widget(
                Paragraph::new(Span::styled("▲", theme.dim)),
                Rect::new(right, area.y, 1, 1),
            );
        }
        if scroll + height < total {
            f.render_widget(
                Paragraph::new(Span::styled("▼", theme.dim)),
                Rect::new(right, bottom - 1, 1, 1),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn focus_errors_and_dirty() {
        let keys = Keymap::default();
        let mut form = Form::new(vec![Field::text("a", "A", ""), Field::text("b", "B", "")]);
        assert!(!form.is_dirty());
        form.on_key(
            &KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
            &keys,
        );
        assert!(form.is_dirty());
        form.on_key(&KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE), &keys);
        assert_eq!(form.focused_id(), "b");
        // 'n' and 'e' are commands elsewhere, text here
        form.on_key(
            &KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE),
            &keys,
        );
        assert_eq!(form.value("b"), "n");
        form.set_error("a", "bad");
        assert_eq!(form.focused_id(), "a");
        assert!(form.has_errors());
        assert_eq!(form.value("a"), "x", "an error keeps what was typed");
        form.on_key(
            &KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
            &keys,
        );
        assert!(!form.has_errors(), "typing in the field clears its error");
    }
}
