//! Reports (F7): RM performance over a period, client value (contribution, the 80/20
//! curve, tiers) and churn warnings, each a chart over the table that `rmdesk report`
//! prints (`store::reports_table`), for the signed-in user's scope. Definitions: the
//! help (F1) and docs/REPORTS.md.
use std::cell::Cell;

use chrono::{Datelike, Days, Months, NaiveDate};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Borders, Cell as TableCell, Chart, Dataset, GraphType,
    Paragraph, Row, Sparkline, Table as TableWidget, Wrap,
};
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, Target, View};
use crate::domain::client::Tier;
use crate::store::reports::{
    ChurnReason, ChurnRow, PerformanceReport, Period, ValueBy, ValueReport,
};
use crate::store::reports_table::{churn_table, performance_table, value_table, Table};
use crate::store::Role;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::widgets::fit;

/// The three reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// RM performance over a period.
    #[default]
    Performance,
    /// Client value.
    Value,
    /// Churn warnings.
    Churn,
}

impl Tab {
    fn code(self) -> &'static str {
        match self {
            Tab::Performance => "performance",
            Tab::Value => "value",
            Tab::Churn => "churn",
        }
    }
}

/// The length of the period shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodSpan {
    /// One day.
    Day,
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    #[default]
    Month,
    /// A calendar quarter.
    Quarter,
}

impl PeriodSpan {
    fn code(self) -> &'static str {
        match self {
            PeriodSpan::Day => "day",
            PeriodSpan::Week => "week",
            PeriodSpan::Month => "month",
            PeriodSpan::Quarter => "quarter",
        }
    }

    fn next(self) -> PeriodSpan {
        match self {
            PeriodSpan::Day => PeriodSpan::Week,
            PeriodSpan::Week => PeriodSpan::Month,
            PeriodSpan::Month => PeriodSpan::Quarter,
            PeriodSpan::Quarter => PeriodSpan::Day,
        }
    }

    /// The period of this length holding `day`.
    fn period(self, day: NaiveDate) -> Period {
        match self {
            PeriodSpan::Day => Period { from: day, to: day },
            PeriodSpan::Week => {
                let from = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
                Period {
                    from,
                    to: from + Days::new(6),
                }
            }
            PeriodSpan::Month => Period::month_of(day),
            PeriodSpan::Quarter => {
                let first = NaiveDate::from_ymd_opt(day.year(), (day.month0() / 3) * 3 + 1, 1)
                    .unwrap_or(day);
                Period {
                    from: first,
                    to: Period::month_of(first + Months::new(2)).to,
                }
            }
        }
    }

    /// `day` moved by one period, back or on.
    fn step(self, day: NaiveDate, on: bool) -> NaiveDate {
        let moved = match (self, on) {
            (PeriodSpan::Day, true) => day.checked_add_days(Days::new(1)),
            (PeriodSpan::Day, false) => day.checked_sub_days(Days::new(1)),
            (PeriodSpan::Week, true) => day.checked_add_days(Days::new(7)),
            (PeriodSpan::Week, false) => day.checked_sub_days(Days::new(7)),
            (PeriodSpan::Month, true) => day.checked_add_months(Months::new(1)),
            (PeriodSpan::Month, false) => day.checked_sub_months(Months::new(1)),
            (PeriodSpan::Quarter, true) => day.checked_add_months(Months::new(3)),
            (PeriodSpan::Quarter, false) => day.checked_sub_months(Months::new(3)),
        };
        moved.unwrap_or(day)
    }
}

/// The reports screen's state.
#[derive(Debug, Default)]
pub struct Reports {
    role: Option<Role>,
    tab: Tab,
    span: PeriodSpan,
    /// A day of the period shown; today until moved.
    anchor: Option<NaiveDate>,
    today: Option<NaiveDate>,
    /// One RM only (a manager's choice), else all in scope.
    rm: Option<String>,
    /// The manager's RMs, to choose from.
    rms: Vec<String>,
    by: ValueBy,
    performance: Option<PerformanceReport>,
    value: Option<ValueReport>,
    churn: Vec<ChurnRow>,
    selected: usize,
    /// First row shown; drawing keeps the selection in view.
    offset: Cell<usize>,
}

fn tier_key(t: Tier) -> &'static str {
    match t {
        Tier::Core => "home.tier.core",
        Tier::Key => "home.tier.key",
        Tier::General => "home.tier.general",
    }
}

/// A churn reason in the user's language.
pub fn reason_text(r: &ChurnReason, i: &I18n) -> String {
    match r {
        ChurnReason::NoContact(None) => i.t("report.churn.no_contact_never").to_string(),
        r => i.f(r.key(), &[("value", &r.value())]),
    }
}

impl Reports {
    fn period(&self) -> Option<Period> {
        self.anchor.map(|d| self.span.period(d))
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        let rm = self.rm.as_deref();
        let result = match self.tab {
            Tab::Performance => match self.period() {
                Some(p) => ctx.store.performance_report(ctx.actor, p, rm).map(|r| {
                    if rm.is_none() && ctx.actor.role == Role::Manager {
                        self.rms = r.rows.iter().map(|p| p.rm.clone()).collect();
                    }
                    self.performance = Some(r);
                }),
                None => Ok(()),
            },
            Tab::Value => ctx
                .store
                .value_report(ctx.actor, rm, self.by)
                .map(|r| self.value = Some(r)),
            Tab::Churn => ctx
                .store
                .churn_report(ctx.actor, rm)
                .map(|r| self.churn = r),
        };
        if let Err(e) = result {
            ctx.error(store_error_text(&e, ctx.i18n));
        }
        self.selected = self.selected.min(self.rows().saturating_sub(1));
    }

    fn rows(&self) -> usize {
        match self.tab {
            Tab::Performance => self
                .performance
                .as_ref()
                .map_or(0, |r| r.rows.len() + usize::from(r.total.is_some())),
            Tab::Value => self.value.as_ref().map_or(0, |r| r.rows.len()),
            Tab::Churn => self.churn.len(),
        }
    }

    /// The table on screen, as `rmdesk report` prints it (and `x` writes it).
    fn table(&self) -> Table {
        match self.tab {
            Tab::Performance => self
                .performance
                .as_ref()
                .map(performance_table)
                .unwrap_or_default(),
            Tab::Value => self.value.as_ref().map(value_table).unwrap_or_default(),
            Tab::Churn => churn_table(&self.churn),
        }
    }

    /// The client of the selected row, if the row is a client.
    fn selected_client(&self) -> Option<i64> {
        match self.tab {
            Tab::Performance => None,
            Tab::Value => self
                .value
                .as_ref()
                .and_then(|r| r.rows.get(self.selected))
                .map(|r| r.client_id),
            Tab::Churn => self.churn.get(self.selected).map(|r| r.client_id),
        }
    }

    fn export(&self, ctx: &mut Ctx<'_>) {
        let when = match (self.tab, self.period()) {
            (Tab::Performance, Some(p)) => format!("{}_{}", p.from, p.to),
            _ => self.today.map(|d| d.to_string()).unwrap_or_default(),
        };
        let name = format!("rmdesk-{}-{when}.csv", self.tab.code());
        let path = std::path::Path::new(&name);
        let table = self.table();
        match table.write_csv(path) {
            Ok(()) => {
                let full = std::path::absolute(path)
                    .unwrap_or_else(|_| path.to_path_buf())
                    .display()
                    .to_string();
                ctx.info(ctx.i18n.f(
                    "report.exported",
                    &[("n", &table.rows.len().to_string()), ("file", &full)],
                ));
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn draw_head(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let mut spans = Vec::new();
        for t in [Tab::Performance, Tab::Value, Tab::Churn] {
            let style = if t == self.tab {
                v.theme.selected
            } else {
                v.theme.dim
            };
            spans.push(Span::styled(
                format!(" {} ", i.t(&format!("report.tab.{}", t.code()))),
                style,
            ));
            spans.push(Span::raw(" "));
        }
        let scope = self
            .rm
            .clone()
            .unwrap_or_else(|| i.t("report.rm.all").to_string());
        let what = match (self.tab, self.period()) {
            (Tab::Performance, Some(p)) => format!(
                "{} {} – {} · {scope}",
                i.t(&format!("report.span.{}", self.span.code())),
                p.from,
                p.to
            ),
            (Tab::Value, _) => format!(
                "{} · {scope}",
                i.t(match self.by {
                    ValueBy::Contribution => "report.by.contribution",
                    ValueBy::Aum => "report.by.aum",
                })
            ),
            _ => format!(
                "{} · {scope}",
                self.today.map(|d| d.to_string()).unwrap_or_default()
            ),
        };
        spans.push(Span::styled(what, v.theme.header));
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_performance_charts(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
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

    fn draw_value_charts(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
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

    fn draw_churn_summary(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
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
                    &[("n", &self.churn.len().to_string())],
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

    /// The table view: the columns that fit, in the order of `priority`.
    fn draw_table(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
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

impl Screen for Reports {
    fn title_key(&self) -> &'static str {
        "screen.reports"
    }

    fn show(&mut self, target: Target, ctx: &mut Ctx<'_>) {
        if target == Target::Churn {
            self.tab = Tab::Churn;
            self.selected = 0;
            self.load(ctx);
        }
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.role = Some(ctx.actor.role);
        let today = ctx.store.today();
        self.today = Some(today);
        self.anchor.get_or_insert(today);
        self.load(ctx);
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let last = self.rows().saturating_sub(1);
        if k.is(key, Action::NextTab) {
            self.tab = match self.tab {
                Tab::Performance => Tab::Value,
                Tab::Value => Tab::Churn,
                Tab::Churn => Tab::Performance,
            };
            self.selected = 0;
            self.load(ctx);
        } else if k.is(key, Action::Down) {
            self.selected = (self.selected + 1).min(last);
        } else if k.is(key, Action::Up) {
            self.selected = self.selected.saturating_sub(1);
        } else if k.is(key, Action::PageDown) {
            self.selected = (self.selected + 10).min(last);
        } else if k.is(key, Action::PageUp) {
            self.selected = self.selected.saturating_sub(10);
        } else if k.is(key, Action::Open) {
            match self.selected_client() {
                Some(id) => ctx.goto = Some(Target::Client(id)),
                None => return false,
            }
        } else if k.is(key, Action::Export) {
            self.export(ctx);
        } else if self.tab == Tab::Performance && k.is(key, Action::Left) {
            self.anchor = self.anchor.map(|d| self.span.step(d, false));
            self.load(ctx);
        } else if self.tab == Tab::Performance && k.is(key, Action::Right) {
            self.anchor = self.anchor.map(|d| self.span.step(d, true));
            self.load(ctx);
        } else if self.tab == Tab::Performance && k.is(key, Action::CycleView) {
            self.span = self.span.next();
            self.load(ctx);
        } else if self.tab == Tab::Performance && k.is(key, Action::Today) {
            self.anchor = self.today;
            self.load(ctx);
        } else if self.tab == Tab::Value && k.is(key, Action::Sort) {
            self.by = match self.by {
                ValueBy::Contribution => ValueBy::Aum,
                ValueBy::Aum => ValueBy::Contribution,
            };
            self.load(ctx);
        } else if self.role == Some(Role::Manager) && k.is(key, Action::Owner) {
            let at = self
                .rm
                .as_ref()
                .and_then(|r| self.rms.iter().position(|x| x == r));
            self.rm = match at {
                None => self.rms.first().cloned(),
                Some(n) => self.rms.get(n + 1).cloned(),
            };
            self.selected = 0;
            self.load(ctx);
        } else {
            return false;
        }
        true
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(
                format!(" {} ", v.i18n.t("screen.reports")),
                v.theme.title,
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let chart_h = if inner.height >= 30 { 12 } else { 7 };
        let [head, chart, table] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(chart_h),
            Constraint::Min(2),
        ])
        .areas(inner);
        self.draw_head(f, head, v);
        match self.tab {
            Tab::Performance => self.draw_performance_charts(f, chart, v),
            Tab::Value => self.draw_value_charts(f, chart, v),
            Tab::Churn => self.draw_churn_summary(f, chart, v),
        }
        self.draw_table(f, table, v);
    }

    fn commands(&self) -> Vec<Action> {
        // Help first: its line in the help carries the definitions.
        let mut a = vec![Action::Help, Action::NextTab];
        if self.tab != Tab::Performance {
            a.push(Action::Open);
        }
        if self.tab == Tab::Performance {
            a.extend([
                Action::CycleView,
                Action::Left,
                Action::Right,
                Action::Today,
            ]);
        }
        if self.tab == Tab::Value {
            a.push(Action::Sort);
        }
        if self.role == Some(Role::Manager) {
            a.push(Action::Owner);
        }
        a.extend([
            Action::Export,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
        ]);
        a
    }

    fn help_key(&self, action: Action) -> Option<&'static str> {
        Some(match action {
            Action::Help => match self.tab {
                Tab::Performance => "report.help.performance",
                Tab::Value => "report.help.value",
                Tab::Churn => "report.help.churn",
            },
            Action::NextTab => "report.help.next_tab",
            Action::CycleView => "report.help.cycle_view",
            Action::Left => "report.help.left",
            Action::Right => "report.help.right",
            Action::Today => "report.help.today",
            Action::Sort => "report.help.sort",
            Action::Owner => "report.help.owner",
            Action::Export => "report.help.export",
            Action::Open => "report.help.open",
            _ => return None,
        })
    }
}
