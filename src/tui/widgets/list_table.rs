//! A bordered table with a selection that stays in view, a header and a line shown when
//! it has no rows: the lists of the visit and feedback screens.
use std::cell::Cell;

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::tui::screens::View;

/// Where a list's selection is: the selected row and the first row shown.
#[derive(Debug, Default, Clone)]
pub struct Cursor {
    /// Index of the selected row.
    pub selected: usize,
    /// First row shown; drawing moves it to keep the selection in view.
    pub offset: Cell<usize>,
    /// Rows the last drawing had room for (the page size of PageUp/PageDown).
    pub page: Cell<usize>,
}

impl Cursor {
    /// Moves the selection by `delta` rows within `len` rows.
    pub fn step(&mut self, delta: isize, len: usize) {
        let last = len.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Moves the selection by `pages` pages.
    pub fn page_by(&mut self, pages: isize, len: usize) {
        let page = isize::try_from(self.page.get().max(1)).unwrap_or(1);
        self.step(pages.saturating_mul(page), len);
    }

    /// Keeps the selection inside `len` rows after a reload.
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }
}

/// One drawing of a list table.
pub struct ListTable<'a> {
    /// Title in the border.
    pub title: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Column widths.
    pub widths: Vec<Constraint>,
    /// The rows, already styled.
    pub rows: Vec<Row<'a>>,
    /// Shown when there are no rows.
    pub empty: &'a str,
}

impl ListTable<'_> {
    /// Draws the table into `area` with `cursor`'s selection.
    pub fn draw(self, f: &mut Frame, area: Rect, cursor: &Cursor, v: &View<'_>) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(format!(" {} ", self.title), v.theme.title));
        let inner = block.inner(area);
        let empty = self.rows.is_empty();
        let header = Row::new(self.header.into_iter().map(Line::from)).style(v.theme.header);
        let table = Table::new(self.rows, self.widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(v.theme.selected)
            .highlight_symbol("▶ ")
            .block(block);
        let mut state = TableState::default()
            .with_offset(cursor.offset.get())
            .with_selected(Some(cursor.selected).filter(|_| !empty));
        f.render_stateful_widget(table, area, &mut state);
        cursor.offset.set(state.offset());
        cursor
            .page
            .set(usize::from(inner.height.saturating_sub(1)).max(1));
        if empty {
            draw_empty(f, inner, self.empty, v);
        }
    }
}

/// `text` under the header of an empty table whose inside is `inner`.
pub fn draw_empty(f: &mut Frame, inner: Rect, text: &str, v: &View<'_>) {
    if inner.height > 1 {
        let at = Rect::new(
            inner.x + 2,
            inner.y + 1,
            inner.width.saturating_sub(4),
            inner.height - 1,
        );
        f.render_widget(
            Paragraph::new(Span::styled(text, v.theme.dim)).wrap(Wrap { trim: true }),
            at,
        );
    }
}
