//! The two lines above the lists: the tabs, and the filters in force (or the search
//! being typed).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{Tab, Visits};
use crate::tui::keymap::Action;
use crate::tui::screens::codes::{channel_key, code_text, feedback_kind_key};
use crate::tui::screens::View;

impl Visits {
    pub(super) fn filter_line(&self, v: &View<'_>) -> String {
        let i = v.i18n;
        let mut parts = Vec::new();
        match self.tab {
            Tab::Visits => {
                let f = &self.vfilter;
                match (f.from, f.to) {
                    (None, None) => {}
                    (from, to) => parts.push(format!(
                        "{} – {}",
                        from.map(|d| d.to_string()).unwrap_or_default(),
                        to.map(|d| d.to_string()).unwrap_or_default()
                    )),
                }
                if let Some(c) = &f.channel {
                    parts.push(code_text(i, channel_key(c), c));
                }
                parts.extend(self.vlabels.iter().cloned());
                if f.unchecked_only {
                    parts.push(i.t("visits.filter.unchecked").to_string());
                }
                if !f.text.trim().is_empty() {
                    parts.push(format!("“{}”", f.text.trim()));
                }
            }
            Tab::Feedback => {
                let f = &self.ffilter;
                if f.pending_only {
                    parts.push(i.t("feedback.filter.pending").to_string());
                }
                if let Some(kind) = &f.kind {
                    parts.push(code_text(i, feedback_kind_key(kind), kind));
                }
            }
        }
        if parts.is_empty() {
            let key = match self.tab {
                Tab::Visits => "visits.no_filters",
                Tab::Feedback => "feedback.no_filters",
            };
            i.f(key, &[("key", &v.keys.primary(Action::Filter))])
        } else {
            parts.join(" · ")
        }
    }

    pub(super) fn draw_tabs(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let tab = |t: Tab, key: &str| {
            let style = if self.tab == t {
                v.theme.selected
            } else {
                v.theme.dim
            };
            Span::styled(format!(" {} ", i.t(key)), style)
        };
        let line = Line::from(vec![
            tab(Tab::Visits, "visits.tab.visits"),
            Span::raw(" "),
            tab(Tab::Feedback, "visits.tab.feedback"),
            Span::styled(
                format!(
                    "  {} {}",
                    v.keys.primary(Action::NextTab),
                    i.t("visits.tab.switch")
                ),
                v.theme.dim,
            ),
        ]);
        f.render_widget(Paragraph::new(line), area);
    }

    pub(super) fn draw_filter_line(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        if let Some(field) = &self.search {
            let label = format!("{}: ", v.i18n.t("visits.search"));
            let w = crate::tui::widgets::field::cols(&label).min(area.width);
            f.render_widget(
                Paragraph::new(Span::styled(label, v.theme.title)),
                Rect::new(area.x, area.y, w, 1),
            );
            field.draw_value(
                f,
                Rect::new(area.x + w, area.y, area.width - w, 1),
                true,
                v.theme,
            );
            return;
        }
        f.render_widget(
            Paragraph::new(Span::styled(self.filter_line(v), v.theme.dim)),
            area,
        );
    }
}
