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
use crate::tui::widgets::field::cols;
use crate::tui::widgets::fit;
use crate::tui::widgets::list_table::draw_empty;

/// The columns, in the order drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    No,
    Name,
    Tier,
    Risk,
    Aum,
    Owner,
    LastContact,
}

/// Fixed widths (the name takes what is left; AUM is as wide as its widest amount).
fn fixed_width(c: Col) -> u16 {
    match c {
        Col::No => 11,
        Col::Tier => 7,
        Col::Risk => 5,
        Col::Owner => 9,
        Col::LastContact => 10,
        Col::Name | Col::Aum => 0,
    }
}

/// Columns left out first when the window is narrow: an amount is never cut, its
/// column goes before the client number and name do.
const DROP_ORDER: [Col; 5] = [Col::LastContact, Col::Owner, Col::Risk, Col::Tier, Col::Aum];
/// The narrowest the name column gets before another column goes.
const NAME_MIN: u16 = 6;
/// The selection mark's columns.
const SYMBOL: u16 = 2;

/// The columns that fit `width` (inside the border) with `aum` columns for amounts, and
/// the name column's width.
fn layout(width: u16, aum: u16) -> (Vec<(Col, u16)>, u16) {
    let mut cols = vec![
        Col::No,
        Col::Name,
        Col::Tier,
        Col::Risk,
        Col::Aum,
        Col::Owner,
        Col::LastContact,
    ];
    let w = |c: Col| if c == Col::Aum { aum } else { fixed_width(c) };
    let need = |cols: &[Col]| -> u16 {
        let fixed: u16 = cols.iter().map(|c| w(*c)).sum();
        let spacing = u16::try_from(cols.len().saturating_sub(1)).unwrap_or(u16::MAX);
        fixed + spacing + NAME_MIN + SYMBOL
    };
    for drop in DROP_ORDER {
        if need(&cols) <= width {
            break;
        }
        cols.retain(|c| *c != drop);
    }
    let fixed: u16 = cols.iter().map(|c| w(*c)).sum();
    let spacing = u16::try_from(cols.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let name_w = width.saturating_sub(fixed + spacing + SYMBOL).max(1);
    let sized = cols
        .into_iter()
        .map(|c| (c, if c == Col::Name { name_w } else { w(c) }))
        .collect();
    (sized, name_w)
}

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
        let head = |key: SortKey, label: &str| -> String {
            match self.sort {
                Some((k, desc)) if k == key => format!("{label}{}", if desc { "▼" } else { "▲" }),
                _ => label.to_string(),
            }
        };
        let amounts: Vec<String> = self
            .rows
            .iter()
            .map(|c| format_money(c.aum, "CNY"))
            .collect();
        let aum_head = head(SortKey::Aum, i.t("col.aum"));
        let aum_w = amounts
            .iter()
            .map(|a| cols(a))
            .chain([cols(&aum_head), 14])
            .max()
            .unwrap_or(14);
        let (columns, name_w) = layout(inner.width, aum_w);
        let header = Row::new(
            columns
                .iter()
                .map(|(c, _)| match c {
                    Col::No => Line::from(head(SortKey::ClientNo, i.t("col.client_no"))),
                    Col::Name => Line::from(head(SortKey::Name, i.t("col.client_name"))),
                    Col::Tier => Line::from(head(SortKey::Tier, i.t("col.tier"))),
                    Col::Risk => Line::from(head(SortKey::Risk, i.t("col.risk"))),
                    Col::Aum => Line::from(aum_head.clone()).alignment(Alignment::Right),
                    Col::Owner => Line::from(head(SortKey::Owner, i.t("col.owner"))),
                    Col::LastContact => {
                        Line::from(head(SortKey::LastContact, i.t("col.last_contact")))
                    }
                })
                .collect::<Vec<_>>(),
        )
        .style(v.theme.header);
        let name_cols = usize::from(name_w);
        let owner_cols = usize::from(fixed_width(Col::Owner));
        let rows = self.rows.iter().zip(&amounts).map(|(c, amount)| {
            Row::new(
                columns
                    .iter()
                    .map(|(col, _)| match col {
                        Col::No => Line::from(fit(&c.client_no, 11)),
                        Col::Name => Line::from(fit(&c.name, name_cols)),
                        Col::Tier => Line::from(i.t(c.tier.label_key())),
                        Col::Risk => Line::from(c.risk_level.map_or("—", |r| r.code())),
                        Col::Aum => Line::from(amount.clone()).alignment(Alignment::Right),
                        Col::Owner => Line::from(fit(&c.owner, owner_cols)),
                        Col::LastContact => {
                            Line::from(last_contact_text(v.zone, c.last_contact_at.as_deref()))
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        });
        let widths: Vec<Constraint> = columns
            .iter()
            .map(|(_, w)| Constraint::Length(*w))
            .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_windows_drop_columns_never_cut_amounts() {
        let (all, name) = layout(78, 14);
        assert_eq!(all.len(), 7);
        assert!(name >= NAME_MIN);
        let (narrow, name) = layout(38, 14);
        let kept: Vec<Col> = narrow.iter().map(|(c, _)| *c).collect();
        assert_eq!(kept, [Col::No, Col::Name, Col::Aum]);
        assert!(name >= NAME_MIN);
        assert!(narrow.iter().any(|(c, w)| *c == Col::Aum && *w == 14));
        let (tiny, _) = layout(20, 14);
        assert!(tiny.iter().all(|(c, _)| *c != Col::Aum), "dropped, not cut");
    }
}
