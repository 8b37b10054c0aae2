//! A small multi-line text editor (a visit's summary): lines of text and a cursor (line,
//! character). Enter breaks the line, Backspace / Delete join lines, arrows, Home and End
//! move. Drawn wrapped by display width (a Chinese character takes two columns, and is
//! never split), [`TextArea::ROWS`] rows high, scrolled to keep the cursor in view.
use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use crate::tui::keymap::is_text;

/// A row on screen: line index and the character range of that line it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Index of the text line.
    pub line: usize,
    /// First character shown.
    pub start: usize,
    /// One past the last character shown.
    pub end: usize,
}

/// Multi-line text with a cursor.
#[derive(Debug, Clone)]
pub struct TextArea {
    lines: Vec<String>,
    /// The text, lines joined by `\n` (kept in step with `lines`).
    joined: String,
    line: usize,
    /// Cursor position in characters within the line.
    col: usize,
    /// First row drawn (drawing moves it to keep the cursor in view).
    scroll: Cell<usize>,
}

impl Default for TextArea {
    fn default() -> Self {
        TextArea::new("")
    }
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn byte_at(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(b, _)| b)
}

impl TextArea {
    /// Rows the editor takes in a form.
    pub const ROWS: u16 = 4;

    /// An editor holding `text`, cursor at its end.
    pub fn new(text: &str) -> TextArea {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let line = lines.len().saturating_sub(1);
        let col = lines.last().map_or(0, |l| l.chars().count());
        TextArea {
            joined: lines.join("\n"),
            lines,
            line,
            col,
            scroll: Cell::new(0),
        }
    }

    /// The text, lines joined by `\n`.
    pub fn value(&self) -> &str {
        &self.joined
    }

    /// The lines.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The cursor: (line, character).
    pub fn cursor(&self) -> (usize, usize) {
        (self.line, self.col)
    }

    /// Empties the text.
    pub fn clear(&mut self) {
        *self = TextArea::new("");
    }

    fn sync(&mut self) {
        self.joined = self.lines.join("\n");
    }

    fn current_len(&self) -> usize {
        self.lines.get(self.line).map_or(0, |l| l.chars().count())
    }

    /// Inserts a character at the cursor (`\n` breaks the line).
    pub fn insert(&mut self, c: char) {
        if c == '\n' {
            self.newline();
            return;
        }
        if let Some(l) = self.lines.get_mut(self.line) {
            let at = byte_at(l, self.col);
            l.insert(at, c);
            self.col += 1;
        }
        self.sync();
    }

    fn newline(&mut self) {
        if let Some(l) = self.lines.get_mut(self.line) {
            let at = byte_at(l, self.col);
            let rest = l.split_off(at);
            self.lines.insert(self.line + 1, rest);
            self.line += 1;
            self.col = 0;
        }
        self.sync();
    }

    fn backspace(&mut self) {
        if self.col > 0 {
            if let Some(l) = self.lines.get_mut(self.line) {
                let at = byte_at(l, self.col - 1);
                l.remove(at);
                self.col -= 1;
            }
        } else if self.line > 0 {
            let rest = self.lines.remove(self.line);
            self.line -= 1;
            self.col = self.current_len();
            if let Some(l) = self.lines.get_mut(self.line) {
                l.push_str(&rest);
            }
        }
        self.sync();
    }

    fn delete(&mut self) {
        if self.col < self.current_len() {
            if let Some(l) = self.lines.get_mut(self.line) {
                let at = byte_at(l, self.col);
                l.remove(at);
            }
        } else if self.line + 1 < self.lines.len() {
            let next = self.lines.remove(self.line + 1);
            if let Some(l) = self.lines.get_mut(self.line) {
                l.push_str(&next);
            }
        }
        self.sync();
    }

    /// Inserts pasted text (line breaks kept, other control characters dropped).
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' || !c.is_control() {
                self.insert(c);
            }
        }
    }

    /// Applies an editing key; returns whether it was used. Up on the first line and
    /// Down on the last are not (a form moves focus with them).
    pub fn on_key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char(c) if is_text(key) => self.insert(c),
            KeyCode::Char('u') if ctrl => {
                if let Some(l) = self.lines.get_mut(self.line) {
                    l.clear();
                }
                self.col = 0;
                self.sync();
            }
            KeyCode::Enter if !ctrl => self.newline(),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => {
                if self.col > 0 {
                    self.col -= 1;
                } else if self.line > 0 {
                    self.line -= 1;
                    self.col = self.current_len();
                }
            }
            KeyCode::Right => {
                if self.col < self.current_len() {
                    self.col += 1;
                } else if self.line + 1 < self.lines.len() {
                    self.line += 1;
                    self.col = 0;
                }
            }
            KeyCode::Up if self.line > 0 => {
                self.line -= 1;
                self.col = self.col.min(self.current_len());
            }
            KeyCode::Down if self.line + 1 < self.lines.len() => {
                self.line += 1;
                self.col = self.col.min(self.current_len());
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.current_len(),
            _ => return false,
        }
        true
    }

    /// The rows of the text wrapped at `width` columns: every line at least one row,
    /// a row never wider than `width` (a wide character goes whole to the next row).
    pub fn rows(&self, width: usize) -> Vec<Row> {
        let width = width.max(2);
        let mut rows = Vec::new();
        for (n, l) in self.lines.iter().enumerate() {
            let mut start = 0;
            let mut used = 0;
            for (i, c) in l.chars().enumerate() {
                let w = char_width(c);
                if used + w > width && i > start {
                    rows.push(Row {
                        line: n,
                        start,
                        end: i,
                    });
                    start = i;
                    used = 0;
                }
                used += w;
            }
            let end = l.chars().count();
            rows.push(Row {
                line: n,
                start,
                end,
            });
            // A cursor after a full last row goes on a row of its own.
            if n == self.line && self.col == end && used >= width {
                rows.push(Row {
                    line: n,
                    start: end,
                    end,
                });
            }
        }
        rows
    }

    /// Where the cursor shows at `width` columns: (row index, column).
    pub fn cursor_at(&self, width: usize) -> (usize, usize) {
        let rows = self.rows(width);
        let mut found = (0, 0);
        for (r, row) in rows.iter().enumerate() {
            if row.line != self.line || self.col < row.start || self.col > row.end {
                continue;
            }
            let x: usize = self
                .lines
                .get(row.line)
                .map(|l| {
                    l.chars()
                        .skip(row.start)
                        .take(self.col - row.start)
                        .map(char_width)
                        .sum()
                })
                .unwrap_or(0);
            found = (r, x);
            // The end of a row is also the start of the next: prefer the next row,
            // unless this is the line's last.
            if self.col < row.end {
                break;
            }
        }
        found
    }

    /// Draws the text into `area` in `style`; with `focused`, places the terminal cursor.
    pub fn draw(&self, f: &mut Frame, area: Rect, style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let width = usize::from(area.width);
        let height = usize::from(area.height);
        let rows = self.rows(width);
        let (cy, cx) = self.cursor_at(width);
        let mut scroll = self.scroll.get().min(rows.len().saturating_sub(height));
        if cy < scroll {
            scroll = cy;
        } else if cy >= scroll + height {
            scroll = cy + 1 - height;
        }
        self.scroll.set(scroll);
        let lines: Vec<Line> = rows
            .iter()
            .skip(scroll)
            .take(height)
            .map(|row| {
                let text: String = self
                    .lines
                    .get(row.line)
                    .map(|l| {
                        l.chars()
                            .skip(row.start)
                            .take(row.end - row.start)
                            .collect()
                    })
                    .unwrap_or_default();
                Line::from(text)
            })
            .collect();
        f.render_widget(Paragraph::new(lines).style(style), area);
        if focused {
            let y = u16::try_from(cy - scroll).unwrap_or(0);
            let x = u16::try_from(cx).unwrap_or(u16::MAX).min(area.width - 1);
            f.set_cursor_position(Position::new(area.x + x, area.y + y.min(area.height - 1)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(t: &mut TextArea, code: KeyCode) -> bool {
        t.on_key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn typed(t: &mut TextArea, s: &str) {
        for c in s.chars() {
            press(t, KeyCode::Char(c));
        }
    }

    #[test]
    fn editing_breaks_and_joins_lines() {
        let mut t = TextArea::default();
        typed(&mut t, "ab");
        press(&mut t, KeyCode::Enter);
        typed(&mut t, "张三");
        assert_eq!(t.value(), "ab\n张三");
        assert_eq!(t.cursor(), (1, 2));
        press(&mut t, KeyCode::Home);
        press(&mut t, KeyCode::Backspace);
        assert_eq!(t.value(), "ab张三", "backspace at a line start joins");
        assert_eq!(t.cursor(), (0, 2));
        press(&mut t, KeyCode::Enter);
        press(&mut t, KeyCode::Up);
        press(&mut t, KeyCode::End);
        press(&mut t, KeyCode::Delete);
        assert_eq!(t.value(), "ab张三", "delete at a line end joins");
        press(&mut t, KeyCode::Left);
        press(&mut t, KeyCode::Backspace);
        assert_eq!(t.value(), "b张三");
        press(&mut t, KeyCode::Right);
        typed(&mut t, "x");
        assert_eq!(t.value(), "bx张三");
        assert!(
            !press(&mut t, KeyCode::Up),
            "up on the first line is not used"
        );
        assert!(
            !press(&mut t, KeyCode::Down),
            "down on the last line is not used"
        );
        assert!(!t.on_key(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
        let mut p = TextArea::default();
        p.paste("一\n二\u{7}");
        assert_eq!(p.lines(), ["一", "二"]);
    }

    #[test]
    fn wraps_by_display_width_with_the_cursor_on_its_row() {
        // 5 Chinese characters (10 columns) at width 5: two per row, never split.
        let mut t = TextArea::new("客户很满意\nok");
        let rows = t.rows(5);
        assert_eq!(
            rows.iter()
                .map(|r| (r.line, r.start, r.end))
                .collect::<Vec<_>>(),
            vec![(0, 0, 2), (0, 2, 4), (0, 4, 5), (1, 0, 2)]
        );
        assert_eq!(t.cursor_at(5), (3, 2), "end of `ok`");
        press(&mut t, KeyCode::Up);
        assert_eq!(t.cursor(), (0, 2));
        assert_eq!(t.cursor_at(5), (1, 0), "the third character starts row 2");
        press(&mut t, KeyCode::Right);
        assert_eq!(t.cursor_at(5), (1, 2), "two columns in");
        press(&mut t, KeyCode::End);
        assert_eq!(t.cursor_at(5), (2, 2));
        // A full last row puts the cursor after it on a row of its own.
        let full = TextArea::new("满意");
        assert_eq!(full.cursor_at(4), (1, 0));
        assert_eq!(full.rows(4).len(), 2);
        // Every row fits.
        let long = TextArea::new("北京市东城区东直门南大街 1 号 Building 7");
        for r in long.rows(9) {
            let w: usize = long.lines()[r.line]
                .chars()
                .skip(r.start)
                .take(r.end - r.start)
                .map(char_width)
                .sum();
            assert!(w <= 9);
        }
    }
}
