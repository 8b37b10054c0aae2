//! One form field: a text line (optionally hidden, for passwords) or a choice among
//! options. Text editing is `tui-input`'s; cursor columns are measured in terminal cells
//! (`unicode-width`), so Chinese text two columns a character places the cursor right.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthStr;

use super::textarea::TextArea;
use crate::tui::keymap::is_text;
use crate::tui::theme::Theme;

/// What a field holds.
#[derive(Debug, Clone)]
pub enum FieldKind {
    /// A line of text.
    Text(Input),
    /// A line of text shown as dots (passwords).
    Secret(Input),
    /// Several lines of text ([`TextArea::ROWS`] rows high, Enter breaks the line).
    Multi(TextArea),
    /// One of several options: (stored code, label shown).
    Choice {
        /// The options.
        options: Vec<(String, String)>,
        /// Index of the chosen one.
        index: usize,
    },
}

/// A labelled field with an optional error shown under it.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name of the field, as the store's validation errors name it.
    pub id: &'static str,
    /// Label shown (already translated).
    pub label: String,
    /// Value and its editor.
    pub kind: FieldKind,
    /// The error message at the field (already translated).
    pub error: Option<String>,
}

impl Field {
    /// A text field.
    pub fn text(id: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field {
            id,
            label: label.into(),
            kind: FieldKind::Text(Input::new(value.to_string())),
            error: None,
        }
    }

    /// A hidden text field.
    pub fn secret(id: &'static str, label: impl Into<String>) -> Field {
        Field {
            id,
            label: label.into(),
            kind: FieldKind::Secret(Input::default()),
            error: None,
        }
    }

    /// A multi-line text field.
    pub fn multi(id: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field {
            id,
            label: label.into(),
            kind: FieldKind::Multi(TextArea::new(value)),
            error: None,
        }
    }

    /// Rows the value takes on screen.
    pub fn rows(&self) -> u16 {
        match self.kind {
            FieldKind::Multi(_) => TextArea::ROWS,
            _ => 1,
        }
    }

    /// A choice among `options` (code, label), starting at the one whose code is `value`.
    pub fn choice(
        id: &'static str,
        label: impl Into<String>,
        options: Vec<(String, String)>,
        value: &str,
    ) -> Field {
        let index = options
            .iter()
            .position(|(code, _)| code == value)
            .unwrap_or(0);
        Field {
            id,
            label: label.into(),
            kind: FieldKind::Choice { options, index },
            error: None,
        }
    }

    /// The value: the text, or the chosen option's code.
    pub fn value(&self) -> &str {
        match &self.kind {
            FieldKind::Text(i) | FieldKind::Secret(i) => i.value(),
            FieldKind::Multi(t) => t.value(),
            FieldKind::Choice { options, index } => {
                options.get(*index).map_or("", |(code, _)| code.as_str())
            }
        }
    }

    /// Whether typing goes into this field.
    pub fn takes_text(&self) -> bool {
        matches!(
            self.kind,
            FieldKind::Text(_) | FieldKind::Secret(_) | FieldKind::Multi(_)
        )
    }

    /// Clears a text value (after a failed password, say).
    pub fn clear(&mut self) {
        match &mut self.kind {
            FieldKind::Text(i) | FieldKind::Secret(i) => i.reset(),
            FieldKind::Multi(t) => t.clear(),
            FieldKind::Choice { .. } => {}
        }
    }

    /// Applies an editing key; returns whether the key was used.
    pub fn on_key(&mut self, key: &KeyEvent) -> bool {
        match &mut self.kind {
            FieldKind::Text(input) | FieldKind::Secret(input) => {
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                let req = match key.code {
                    KeyCode::Char(c) if is_text(key) => InputRequest::InsertChar(c),
                    KeyCode::Char('u') if ctrl => InputRequest::DeleteLine,
                    KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
                    KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
                    KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
                    KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
                    KeyCode::Backspace => InputRequest::DeletePrevChar,
                    KeyCode::Delete => InputRequest::DeleteNextChar,
                    KeyCode::Left if ctrl => InputRequest::GoToPrevWord,
                    KeyCode::Right if ctrl => InputRequest::GoToNextWord,
                    KeyCode::Left => InputRequest::GoToPrevChar,
                    KeyCode::Right => InputRequest::GoToNextChar,
                    KeyCode::Home => InputRequest::GoToStart,
                    KeyCode::End => InputRequest::GoToEnd,
                    _ => return false,
                };
                input.handle(req);
                true
            }
            FieldKind::Multi(t) => t.on_key(key),
            FieldKind::Choice { options, index } => {
                let n = options.len().max(1);
                match key.code {
                    KeyCode::Left => *index = (*index + n - 1) % n,
                    KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % n,
                    _ => return false,
                }
                true
            }
        }
    }

    /// Inserts pasted text (line breaks dropped, except in a multi-line field).
    pub fn paste(&mut self, text: &str) {
        match &mut self.kind {
            FieldKind::Text(input) | FieldKind::Secret(input) => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    input.handle(InputRequest::InsertChar(c));
                }
            }
            FieldKind::Multi(t) => t.paste(text),
            FieldKind::Choice { .. } => {}
        }
    }

    /// Draws the value into `area` (one line, [`Field::rows`] for a multi-line field);
    /// with `focused`, in the focus style and with
    /// the terminal cursor placed.
    pub fn draw_value(&self, f: &mut Frame, area: Rect, focused: bool, theme: &Theme) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let style = if focused { theme.focus } else { theme.input };
        let width = usize::from(area.width);
        match &self.kind {
            FieldKind::Text(input) => {
                let scroll = input.visual_scroll(width.saturating_sub(1));
                let para = Paragraph::new(input.value())
                    .style(style)
                    .scroll((0, clamp_u16(scroll)));
                f.render_widget(para, area);
                if focused {
                    let x = input.visual_cursor().saturating_sub(scroll);
                    f.set_cursor_position(Position::new(
                        area.x + clamp_u16(x).min(area.width - 1),
                        area.y,
                    ));
                }
            }
            FieldKind::Secret(input) => {
                let shown = input.value().chars().count();
                let dots = "•".repeat(shown.min(width.saturating_sub(1)));
                f.render_widget(Paragraph::new(dots.as_str()).style(style), area);
                if focused {
                    let x = input.cursor().min(width.saturating_sub(1));
                    f.set_cursor_position(Position::new(area.x + clamp_u16(x), area.y));
                }
            }
            FieldKind::Multi(t) => t.draw(f, area, style, focused),
            FieldKind::Choice { options, index } => {
                let label = options.get(*index).map_or("", |(_, l)| l.as_str());
                let line = Line::from(vec![
                    Span::raw("‹ "),
                    Span::raw(label.to_string()),
                    Span::raw(" ›"),
                ]);
                f.render_widget(Paragraph::new(line).style(style), area);
            }
        }
    }
}

fn clamp_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Width of `s` in terminal columns.
pub fn cols(s: &str) -> u16 {
    clamp_u16(UnicodeWidthStr::width(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(f: &mut Field, c: char) {
        f.on_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }

    #[test]
    fn typing_editing_and_choices() {
        let mut f = Field::text("name", "Name", "");
        for c in "张三丰".chars() {
            press(&mut f, c);
        }
        assert_eq!(f.value(), "张三丰");
        f.on_key(&KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert_eq!(f.value(), "张三");
        if let FieldKind::Text(i) = &f.kind {
            assert_eq!(i.visual_cursor(), 4, "two columns per Chinese character");
        }
        // Ctrl combinations are commands, not text
        assert!(!f.on_key(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
        assert_eq!(f.value(), "张三");

        let opts = vec![
            ("rm".to_string(), "RM".to_string()),
            ("manager".to_string(), "Manager".to_string()),
        ];
        let mut c = Field::choice("role", "Role", opts, "manager");
        assert_eq!(c.value(), "manager");
        c.on_key(&KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
        assert_eq!(c.value(), "rm");
        c.on_key(&KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
        assert_eq!(c.value(), "manager");
        assert!(!c.takes_text());
    }
}
