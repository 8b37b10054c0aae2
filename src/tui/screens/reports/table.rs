//! The table view under the charts: the report's table (as `rmdesk report` prints it)
//! with the columns that fit, in the order each report ranks them, translated.
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell as TableCell, Paragraph, Row, Table as TableWidget};
use ratatui::Frame;

use super::{reason_text, tier_key, Reports, Tab};
use crate::domain::client::Tier;
use crate::tui::screens::View;
use crate::tui::widgets::fit;

impl Reports {
    /// The table view: the columns that fit, in the order of `priority`.
    pub(super) fn draw_table(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let table = self.table();
        let mut cells: Vec<Vec<String>> = table.rows.clone();
        if self.tab == Tab::Churn {
            for (row, c) in cells.iter_mut().zip(&self.churn) {
                if let Some(last) = row.last_mut() {
                    *last = c
                        .reasons
                        .iter()
                        .map(|r| reason_text(r, i))
                        .collect::<Vec<_>>()
                        .join("; ");
                }
            }
        }
        for row in &mut cells {
            for (cell, code) in row.iter_mut().zip(&table.columns) {
                if *code == "tier" {
                    if let Ok(t) = cell.parse::<Tier>() {
                        *cell = i.t(tier_key(t)).to_string();
                    }
                } else if *code == "rm" && cell == crate::store::reports_table::BRANCH_TOTAL {
                    *cell = i.t("report.total").to_string();
                }
            }
        }
        let priority: &[&str] = match self.tab {
            Tab::Performance => &[
                "rm",
                "visits",
                "clients_visited",
                "tasks_on_time_pct",
                "aum_end",
                "aum_change",
                "new_clients",
                "complaints_on_time_pct",
                "satisfaction_avg",
                "visits_checked_pct",
                "tier_up",
                "tier_down",
                "handed_in",
                "handed_out",
                "requests",
                "requests_approved_pct",
                "tasks_due",
                "complaints",
                "aum_start",
                "aum_core",
                "aum_key",
                "aum_general",
            ],
            Tab::Value => &[
                "rank",
                "name",
                "contribution",
                "aum",
                "cumulative_pct",
                "tier",
                "client_no",
                "rm",
            ],
            Tab::Churn => &["name", "aum", "reasons", "tier", "client_no", "rm"],
        };
        let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let mut chosen: Vec<(usize, u16)> = Vec::new();
        let mut used = 0usize;
        for code in priority {
            let Some(col) = table.columns.iter().position(|c| c == code) else {
                continue;
            };
            let head_key = format!("report.col.{code}");
            let head = i.t(&head_key);
            let want = cells
                .iter()
                .map(|r| width(&r[col]))
                .chain([width(head)])
                .max()
                .unwrap_or(1)
                .min(if *code == "reasons" { 60 } else { 24 });
            let room = usize::from(area.width).saturating_sub(used + chosen.len());
            if want > room {
                if (*code == "name" || *code == "reasons") && room >= 6 {
                    chosen.push((col, u16::try_from(room).unwrap_or(6)));
                    used += room;
                }
                continue;
            }
            chosen.push((col, u16::try_from(want).unwrap_or(1)));
            used += want;
        }
        chosen.sort_by_key(|(col, _)| *col);
        let height = usize::from(area.height.saturating_sub(1)).max(1);
        let mut offset = self.offset.get().min(self.selected);
        if self.selected >= offset + height {
            offset = self.selected + 1 - height;
        }
        self.offset.set(offset);
        let header = Row::new(
            chosen
                .iter()
                .map(|(c, w)| {
                    TableCell::from(fit(
                        i.t(&format!("report.col.{}", table.columns[*c])),
                        usize::from(*w),
                    ))
                })
                .collect::<Vec<_>>(),
        )
        .style(v.theme.header);
        let rows = cells
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(k, r)| {
                let style = if k == self.selected && self.tab != Tab::Performance {
                    v.theme.selected
                } else {
                    v.theme.base
                };
                Row::new(
                    chosen
                        .iter()
                        .map(|(c, w)| TableCell::from(fit(&r[*c], usize::from(*w))))
                        .collect::<Vec<_>>(),
                )
                .style(style)
            });
        if cells.is_empty() {
            f.render_widget(
                Paragraph::new(Span::styled(i.t("report.empty"), v.theme.dim)),
                area,
            );
            return;
        }
        f.render_widget(
            TableWidget::new(rows, chosen.iter().map(|(_, w)| Constraint::Length(*w)))
                .header(header)
                .column_spacing(1)
                .style(Style::default()),
            area,
        );
    }
}
