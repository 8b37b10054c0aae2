//! The two tables of the visits screen: visits (when, client, channel, purpose, the
//! follow-up's due date, the return call, and for managers the RM) and feedback (deadline
//! with ⚠ and the warning style while a complaint needs attention, client, kind, level,
//! status, handler, description).
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Row;

use super::{Visits, LIMIT};
use crate::domain::visit::complaint_needs_attention;
use crate::tui::screens::clients::local_time;
use crate::tui::screens::codes::{
    channel_key, code_text, feedback_kind_key, feedback_status_key, return_outcome_key,
    severity_key,
};
use crate::tui::screens::View;
use crate::tui::widgets::fit;
use crate::tui::widgets::list_table::ListTable;

impl Visits {
    pub(super) fn visit_table<'a>(&'a self, area: Rect, v: &'a View<'_>) -> ListTable<'a> {
        let i = v.i18n;
        // when, client, channel, follow-up, checked, [rm]; the purpose takes what is left
        let client_w = if self.manager { 10 } else { 12 };
        let mut fixed = vec![16u16, client_w, 9, 5, 11];
        if self.manager {
            fixed.push(8);
        }
        let spacing = u16::try_from(fixed.len()).unwrap_or(0) + 2;
        let purpose_w = area
            .width
            .saturating_sub(fixed.iter().sum::<u16>() + spacing + 2)
            .max(6);
        let mut header = vec![
            i.t("col.when").to_string(),
            i.t("col.client").to_string(),
            i.t("col.channel").to_string(),
            i.t("col.purpose").to_string(),
            i.t("col.follow_up").to_string(),
            i.t("col.checked").to_string(),
        ];
        let mut widths = vec![
            Constraint::Length(fixed[0]),
            Constraint::Length(fixed[1]),
            Constraint::Length(fixed[2]),
            Constraint::Length(purpose_w),
            Constraint::Length(fixed[3]),
            Constraint::Length(fixed[4]),
        ];
        if self.manager {
            header.push(i.t("col.rm").to_string());
            widths.push(Constraint::Length(fixed[5]));
        }
        let rows = self
            .visits
            .iter()
            .map(|r| {
                let checked = r
                    .return_outcome
                    .as_deref()
                    .map(|o| format!("✓ {}", code_text(i, return_outcome_key(o), o)))
                    .unwrap_or_default();
                let mut cells = vec![
                    Line::from(local_time(v.zone, &r.visited_at, "%Y-%m-%d %H:%M")),
                    Line::from(fit(&r.client_name, usize::from(client_w))),
                    Line::from(fit(&code_text(i, channel_key(&r.channel), &r.channel), 9)),
                    Line::from(fit(&r.purpose, usize::from(purpose_w))),
                    Line::from(
                        r.follow_up
                            .as_deref()
                            .map_or("", |d| d.get(5..).unwrap_or(d)),
                    ),
                    Line::from(Span::styled(fit(&checked, 11), v.theme.ok)),
                ];
                if self.manager {
                    cells.push(Line::from(fit(&r.rm, 8)));
                }
                Row::new(cells)
            })
            .collect();
        let n = self.visits.len();
        ListTable {
            title: i.f("visits.title", &[("n", &count_text(n))]),
            header,
            widths,
            rows,
            empty: i.t("visits.none"),
        }
    }

    pub(super) fn feedback_table<'a>(&'a self, area: Rect, v: &'a View<'_>) -> ListTable<'a> {
        let i = v.i18n;
        let today = self.today.unwrap_or_default();
        // deadline, client, kind, severity, status, handler; the description takes the rest
        let fixed = [12u16, 14, 8, 6, 8, 8];
        let desc_w = area
            .width
            .saturating_sub(fixed.iter().sum::<u16>() + 8 + 2)
            .max(6);
        let header = [
            "col.deadline",
            "col.client",
            "col.kind",
            "col.severity",
            "col.status",
            "col.handler",
            "col.description",
        ]
        .iter()
        .map(|k| i.t(k).to_string())
        .collect();
        let mut widths: Vec<Constraint> = fixed.iter().map(|w| Constraint::Length(*w)).collect();
        widths.push(Constraint::Length(desc_w));
        let rows = self
            .feedback
            .iter()
            .map(|item| {
                let warn =
                    complaint_needs_attention(&item.kind, &item.status, &item.deadline, today);
                let deadline = if warn {
                    format!("⚠ {}", item.deadline)
                } else {
                    item.deadline.clone()
                };
                let row = Row::new(vec![
                    Line::from(deadline),
                    Line::from(fit(&item.client_name, 14)),
                    Line::from(fit(
                        &code_text(i, feedback_kind_key(&item.kind), &item.kind),
                        8,
                    )),
                    Line::from(fit(
                        &code_text(i, severity_key(&item.severity), &item.severity),
                        6,
                    )),
                    Line::from(fit(
                        &code_text(i, feedback_status_key(&item.status), &item.status),
                        8,
                    )),
                    Line::from(fit(item.handler.as_ref().map_or("", |h| h.1.as_str()), 8)),
                    Line::from(fit(
                        &item.description.replace('\n', " "),
                        usize::from(desc_w),
                    )),
                ]);
                if warn {
                    row.style(v.theme.warning)
                } else {
                    row
                }
            })
            .collect();
        ListTable {
            title: i.f("feedback.title", &[("n", &count_text(self.feedback.len()))]),
            header,
            widths,
            rows,
            empty: i.t("feedback.none"),
        }
    }
}

fn count_text(n: usize) -> String {
    if n >= LIMIT {
        format!("{LIMIT}+")
    } else {
        n.to_string()
    }
}
