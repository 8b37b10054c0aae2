//! The charts above each report's table: visits and on-time rates per RM with the AUM
//! week by week, the 80/20 curve with its headline and tiers, the churn reasons counted.
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Borders, Chart, Dataset, GraphType, Paragraph, Sparkline,
    Wrap,
};
use ratatui::Frame;

use super::{tier_key, Reports};
use crate::store::reports::{ChurnReason, ValueBy};
use crate::tui::screens::View;
use crate::tui::widgets::fit;

impl Reports {
    pub(super) fn draw_performance_charts(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let Some(r) = &self.performance else {
            return;
        };
        let i = v.i18n;
        let [left, mid, right] = Layout::horizontal([
            Constraint::Percentage(30),
            Constraint::Percentage(30),
            Constraint::Percentage(40),
        ])
        .areas(area);
        let n = r.rows.len().max(1);
        let bar_w = |a: Rect| {
            let room = usize::from(a.width.saturating_sub(2)) / n;
            u16::try_from(room.saturating_sub(1).clamp(1, 8)).unwrap_or(1)
        };
        let bars = |value: &dyn Fn(&crate::store::reports::Performance) -> u64, w: u16| {
            r.rows
                .iter()
                .map(|p| {
                    Bar::default()
                        .value(value(p))
                        .label(Line::from(fit(&p.rm, usize::from(w))))
                        .style(v.theme.ok)
                        .value_style(v.theme.selected)
                })
                .collect::<Vec<_>>()
        };
        let block = |key: &str| {
            Block::default()
                .borders(Borders::ALL)
                .border_style(v.theme.border)
                .title(Span::styled(fit(i.t(key), 40), v.theme.title))
        };
        let w = bar_w(left);
        f.render_widget(
            BarChart::default()
                .block(block("report.chart.visits"))
                .bar_width(w)
                .bar_gap(1)
                .data(
                    BarGroup::default().bars(&bars(&|p| u64::try_from(p.visits).unwrap_or(0), w)),
                ),
            left,
        );
        let w = bar_w(mid);
        f.render_widget(
            BarChart::default()
                .block(block("report.chart.on_time"))
                .bar_width(w)
                .bar_gap(1)
                .max(100)
                .data(BarGroup::default().bars(&bars(
                    &|p| {
                        p.tasks_on_time_pct()
                            .and_then(|d| u64::try_from(d.round().mantissa()).ok())
                            .unwrap_or(0)
                    },
                    w,
                ))),
            mid,
        );
        let weekly: Vec<u64> = r
            .weekly_aum
            .iter()
            .map(|(_, a)| u64::try_from(*a / 100).unwrap_or(0))
            .collect();
        let last = r.weekly_aum.last().map_or(0, |w| w.1);
        let title = i.f(
            "report.chart.aum",
            &[(
                "aum",
                &crate::domain::money::format_money(rust_decimal::Decimal::new(last, 2), "CNY"),
            )],
        );
        let sb = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(
                fit(&title, usize::from(right.width.saturating_sub(2))),
                v.theme.title,
            ));
        // Weeks start low on the chart: the lowest week sits on one eighth.
        let floor = weekly.iter().min().copied().unwrap_or(0);
        let shown: Vec<u64> = weekly
            .iter()
            .map(|w| w.saturating_sub(floor.saturating_mul(7) / 8))
            .collect();
        f.render_widget(
            Sparkline::default()
                .block(sb)
                .data(&shown)
                .style(v.theme.ok),
            right,
        );
    }

    pub(super) fn draw_value_charts(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let Some(r) = &self.value else {
            return;
        };
        let i = v.i18n;
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(area);
        let mut points = vec![(0.0, 0.0)];
        for (k, d) in r.deciles.iter().enumerate() {
            let y = d.to_string().parse::<f64>().unwrap_or(0.0);
            points.push((10.0 * (k as f64 + 1.0), y));
        }
        let even = [(0.0, 0.0), (100.0, 100.0)];
        let data = vec![
            Dataset::default()
                .marker(symbols::Marker::Braille)
                .graph_type(GraphType::Line)
                .style(v.theme.ok)
                .data(&points),
            Dataset::default()
                .marker(symbols::Marker::Dot)
                .graph_type(GraphType::Line)
                .style(v.theme.dim)
                .data(&even),
        ];
        let labels = || vec![Line::from("0"), Line::from("50"), Line::from("100%")];
        f.render_widget(
            Chart::new(data)
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(v.theme.border)
                        .title(Span::styled(
                            fit(
                                i.t("report.chart.curve"),
                                usize::from(left.width.saturating_sub(2)),
                            ),
                            v.theme.title,
                        )),
                )
                .x_axis(Axis::default().bounds([0.0, 100.0]).labels(labels()))
                .y_axis(Axis::default().bounds([0.0, 100.0]).labels(labels())),
            left,
        );
        let what = i.t(match r.by {
            ValueBy::Contribution => "report.what.contribution",
            ValueBy::Aum => "report.what.aum",
        });
        let mut lines = vec![Line::from(Span::styled(
            i.f(
                "report.headline",
                &[
                    (
                        "share",
                        &r.top_share.map_or("-".into(), |s| format!("{s:.1}")),
                    ),
                    ("what", what),
                    ("n", &r.top_count.to_string()),
                    ("total", &r.rows.len().to_string()),
                ],
            ),
            v.theme.title,
        ))];
        for t in r.tiers.iter().rev() {
            lines.push(Line::from(i.f(
                "report.tier_line",
                &[
                    ("tier", i.t(tier_key(t.tier))),
                    ("n", &t.clients.to_string()),
                    ("aum", &format!("{:.2}", t.aum)),
                    (
                        "contribution",
                        &format!("{:.2}", crate::store::reports::cents(t.contribution)),
                    ),
                ],
            )));
        }
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: true }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(v.theme.border),
            ),
            right,
        );
    }

    pub(super) fn draw_churn_summary(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let count = |p: &dyn Fn(&ChurnReason) -> bool| {
            self.churn
                .iter()
                .filter(|c| c.reasons.iter().any(p))
                .count()
        };
        let bars: Vec<Bar> = [
            (
                "report.reason.aum_drop",
                count(&|r| matches!(r, ChurnReason::AumDrop(_))),
            ),
            (
                "report.reason.maturity",
                count(&|r| matches!(r, ChurnReason::MaturityLapsed(_))),
            ),
            (
                "report.reason.no_contact",
                count(&|r| matches!(r, ChurnReason::NoContact(_))),
            ),
            (
                "report.reason.complaint",
                count(&|r| matches!(r, ChurnReason::OverdueComplaint)),
            ),
            (
                "report.reason.dormant",
                count(&|r| matches!(r, ChurnReason::Dormant)),
            ),
        ]
        .into_iter()
        .map(|(k, n)| {
            Bar::default()
                .value(u64::try_from(n).unwrap_or(0))
                .text_value(format!("{} {n}", i.t(k)))
                .style(v.theme.warning)
                .value_style(v.theme.base)
        })
        .collect();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(
                i.f(
                    "report.chart.churn",
                    &[(
                        "n",
                        &format!(
                            "{}{}",
                            self.churn.len(),
                            if self.churn_more { "+" } else { "" }
                        ),
                    )],
                ),
                v.theme.title,
            ));
        f.render_widget(
            BarChart::default()
                .block(block)
                .direction(ratatui::layout::Direction::Horizontal)
                .bar_width(1)
                .bar_gap(0)
                .data(BarGroup::default().bars(&bars)),
            area,
        );
    }
}
