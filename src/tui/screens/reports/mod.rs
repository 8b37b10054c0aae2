//! Reports (F7): RM performance over a period, client value (contribution, the 80/20
//! curve, tiers) and churn warnings, each a chart over the table that `rmdesk report`
//! prints (`store::reports_table`), for the signed-in user's scope. Definitions: the
//! help (F1) and docs/REPORTS.md. The period (`period.rs`), the charts (`charts.rs`), the
//! table view (`table.rs`) and the export and period popups (`popups.rs`) have modules
//! of their own.
use std::cell::Cell;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
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
use crate::tui::popup::{Stack, Step};

mod charts;
mod period;
mod popups;
mod table;

pub use period::PeriodSpan;
use popups::{Done, Export, ExportForm, PeriodForm};

/// Churn warnings loaded at a time: the first page, then the next as the selection
/// nears the end.
const CHURN_PAGE: usize = 200;

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

/// The reports screen's state.
#[derive(Debug, Default)]
pub struct Reports {
    role: Option<Role>,
    tab: Tab,
    span: PeriodSpan,
    /// A from–to range typed in the period popup; it replaces the span until another
    /// span or today is chosen.
    range: Option<Period>,
    /// A day of the period shown; today until moved.
    anchor: Option<NaiveDate>,
    today: Option<NaiveDate>,
    /// One RM only (a manager's choice), else all in scope.
    rm: Option<String>,
    /// The manager's RMs, to choose from.
    rms: Vec<String>,
    /// An RM's own name and username: the scope the header names for an RM.
    own: Option<(String, String)>,
    by: ValueBy,
    performance: Option<PerformanceReport>,
    value: Option<ValueReport>,
    churn: Vec<ChurnRow>,
    /// Whether the last churn page was full (more may follow).
    churn_more: bool,
    /// The export and period popups.
    popups: Stack<Done>,
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
        self.range
            .or_else(|| self.anchor.map(|d| self.span.period(d)))
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
                .churn_page(ctx.actor, rm, None, CHURN_PAGE)
                .map(|r| {
                    self.churn_more = r.len() == CHURN_PAGE;
                    self.churn = r;
                }),
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

    /// The next page of churn warnings, when the selection is near the end of those
    /// loaded and more may follow.
    fn more_churn(&mut self, ctx: &mut Ctx<'_>) {
        if self.tab != Tab::Churn || !self.churn_more || self.selected + 20 < self.churn.len() {
            return;
        }
        let after = self.churn.last().map(ChurnRow::key);
        match ctx
            .store
            .churn_page(ctx.actor, self.rm.as_deref(), after, CHURN_PAGE)
        {
            Ok(page) => {
                self.churn_more = page.len() == CHURN_PAGE;
                self.churn.extend(page);
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    /// Opens the export popup with a default file name in the current folder.
    fn export(&mut self, ctx: &mut Ctx<'_>) {
        let when = match (self.tab, self.period()) {
            (Tab::Performance, Some(p)) => format!("{}_{}", p.from, p.to),
            _ => self.today.map(|d| d.to_string()).unwrap_or_default(),
        };
        let name = format!("rmdesk-{}-{when}.csv", self.tab.code());
        let what = match self.tab {
            Tab::Churn => Export::Churn(self.rm.clone()),
            _ => Export::Table(self.table()),
        };
        self.popups.push(ExportForm::new(ctx.i18n, what, &name));
    }

    fn on_popup_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Option<bool> {
        let step = self.popups.on_key(key, ctx)?;
        if let Step::Done(Done::Period(p)) = &step {
            self.range = Some(*p);
            self.anchor = Some(p.from);
            self.load(ctx);
        }
        Some(step.used())
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
        // A manager's scope is every RM of the branch or the one chosen; an RM's is
        // themselves.
        let scope = match (&self.rm, &self.own) {
            (Some(rm), _) => rm.clone(),
            (None, Some((name, user))) => i.f("report.rm.own", &[("name", name), ("user", user)]),
            (None, None) => i.t("report.rm.all").to_string(),
        };
        let what = match (self.tab, self.period()) {
            (Tab::Performance, Some(p)) => format!(
                "{} {} – {} · {scope}",
                i.t(&match self.range {
                    Some(_) => "report.span.range".to_string(),
                    None => format!("report.span.{}", self.span.code()),
                }),
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
        self.own = (ctx.actor.role == Role::Rm)
            .then(|| (ctx.actor.display_name.clone(), ctx.actor.username.clone()));
        let today = ctx.store.today();
        self.today = Some(today);
        self.anchor.get_or_insert(today);
        self.load(ctx);
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if let Some(used) = self.on_popup_key(key, ctx) {
            return used;
        }
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
            self.more_churn(ctx);
        } else if k.is(key, Action::Up) {
            self.selected = self.selected.saturating_sub(1);
        } else if k.is(key, Action::PageDown) {
            self.selected = (self.selected + 10).min(last);
            self.more_churn(ctx);
        } else if k.is(key, Action::PageUp) {
            self.selected = self.selected.saturating_sub(10);
        } else if k.is(key, Action::Open) {
            match self.selected_client() {
                Some(id) => ctx.goto = Some(Target::Client(id)),
                None => return false,
            }
        } else if k.is(key, Action::Export) {
            self.export(ctx);
        } else if self.tab == Tab::Performance
            && (k.is(key, Action::Left) || k.is(key, Action::Right))
        {
            let on = k.is(key, Action::Right);
            match self.range {
                Some(p) => {
                    let moved = period::step_range(p, on);
                    self.range = Some(moved);
                    self.anchor = Some(moved.from);
                }
                None => self.anchor = self.anchor.map(|d| self.span.step(d, on)),
            }
            self.load(ctx);
        } else if self.tab == Tab::Performance && k.is(key, Action::CycleView) {
            // From a typed range, back to the spans, starting with the one shown before.
            if self.range.take().is_none() {
                self.span = self.span.next();
            }
            self.load(ctx);
        } else if self.tab == Tab::Performance && k.is(key, Action::Filter) {
            if let Some(p) = self.period() {
                self.popups.push(PeriodForm::new(ctx.i18n, p));
            }
        } else if self.tab == Tab::Performance && k.is(key, Action::Today) {
            self.range = None;
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
        self.popups.draw(f, area, v);
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(popup) = self.popups.commands() {
            return popup;
        }
        // Help first: its line in the help carries the definitions.
        let mut a = vec![Action::Help, Action::NextTab];
        if self.tab != Tab::Performance {
            a.push(Action::Open);
        }
        if self.tab == Tab::Performance {
            a.extend([
                Action::CycleView,
                Action::Filter,
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
            Action::Filter => "report.help.period",
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
