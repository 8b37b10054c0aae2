//! The client table of the list and the search results: fixed columns with the name
//! taking what is left, names cut by display width so Chinese names line up, the sort
//! column marked in the header.
use std::cell::Cell;

use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Row, Table, TableState};
use ratatui::Frame;

use super::last_contact_text;
use crate::domain::money::format_money;
use crate::store::clients::{ClientSummary, SortKey};
use crate::tui::screens::View;
use crate::tui::widgets::fit;
use crate::tui::widgets::list_table::draw_empty;

/// Widths of client no., tier, risk, AUM, owner and last contact.
const FIXED: [u16; 6] = [11, 7, 5, 14, 9, 10];
/// Spaces between the seven columns.
const SPACING: u16 = 6;
/// The selection mark's columns.
const SYMBOL: u16 = 2;

/// One drawing of the table.
pub struct ClientTable<'a> {
    /// The rows.
    pub rows: &'a [ClientSummary],
    /// Index of the selected row.
    pub selected: usize,
    /// First row shown; the table moves it to keep the selection in view.
    pub offset: &'a Cell<usize>,
    /// Title in the border.
    pub title: String,
    /// Sort column and whether it is descending, to mark in the header.
    pub sort: Option<(SortKey, bool)>,
    /// Shown when there are no rows.
    pub empty: &'a str,
    /// Rows marked for a hand-over (their client no. is shown with a check mark).
    pub marked: Option<&'a std::collections::BTreeMap<i64, (String, String)>>,
}

impl ClientTable<'_> {
    /// Draws the table into `area`; returns how many rows it has room for.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) -> usize {
        let i = v.i18n;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(format!(" {} ", self.title), v.theme.title));
        let inner = block.inner(area);
        let name_w = inner
            .width
            .saturating_sub(FIXED.iter().sum::<u16>() + SPACING + SYMBOL)
            .max(6);
        let head = |key: SortKey, label: &str| -> String {
            match self.sort {
                Some((k, desc)) if k == key => format!("{label}{}", if desc { "▼" } else { "▲" }),
                _ => label.to_string(),
            }
        };
        let header = Row::new(vec![
            Line::from(head(SortKey::ClientNo, i.t("col.client_no"))),
            Line::from(head(SortKey::Name, i.t("col.client_name"))),
            Line::from(head(SortKey::Tier, i.t("col.tier"))),
            Line::from(head(SortKey::Risk, i.t("col.risk"))),
            Line::from(head(SortKey::Aum, i.t("col.aum"))).alignment(Alignment::Right),
            Line::from(head(SortKey::Owner, i.t("col.owner"))),
            Line::from(head(SortKey::LastContact, i.t("col.last_contact"))),
        ])
        .style(v.theme.header);
        let name_cols = usize::from(name_w);
        let owner_cols = usize::from(FIXED[4]);
        let rows = self.rows.iter().map(|c| {
            let marked = self.marked.is_some_and(|m| m.contains_key(&c.id));
            let no = if marked {
                Line::from(Span::styled(format!("✓{}", c.client_no), v.theme.warning))
            } else {
                Line::from(c.client_no.as_str())
            };
            Row::new(vec![
                no,
                Line::from(fit(&c.name, name_cols)),
                Line::from(i.t(c.tier.label_key())),
                Line::from(c.risk_level.map_or("—", |r| r.code())),
                Line::from(format_money(c.aum, "CNY")).alignment(Alignment::Right),
                Line::from(fit(&c.owner, owner_cols)),
                Line::from(last_contact_text(v.zone, c.last_contact_at.as_deref())),
            ])
        });
        let widths = [
            Constraint::Length(FIXED[0]),
            Constraint::Length(name_w),
            Constraint::Length(FIXED[1]),
            Constraint::Length(FIXED[2]),
            Constraint::Length(FIXED[3]),
            Constraint::Length(FIXED[4]),
            Constraint::Length(FIXED[5]),
        ];
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(v.theme.selected)
            .highlight_symbol("▶ ")
            .block(block);
        let mut state = TableState::default()
            .with_offset(self.offset.get())
            .with_selected(Some(self.selected).filter(|_| !self.rows.is_empty()));
        f.render_stateful_widget(table, area, &mut state);
        self.offset.set(state.offset());

        if self.rows.is_empty() {
            draw_empty(f, inner, self.empty, v);
        }
        // The header takes one line.
        usize::from(inner.height.saturating_sub(1)).max(1)
    }
}
