//! The manager's desk (F9, managers): three tabs over one screen, switched with Tab.
//!
//! - **Team**: every RM (and manager) of the branch with their clients, AUM, overdue
//!   tasks, complaints at or within two days of their deadline and the tasks the manager
//!   gave them (open / done). `h` hands the selected RM's clients over (`handover.rs`:
//!   receivers, reason, progress), `t` gives the RM a task.
//! - **Approvals**: requests of the branch, pending first and oldest first, with the
//!   client's tier and AUM beside; Enter decides one (approve or reject, with a note).
//! - **Hand-overs**: the ledger (交接台账), newest first; Enter shows its clients, `x`
//!   exports them to CSV.
pub mod forms;
pub mod handover;

use crossterm::event::KeyEvent;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row};
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, Target, View};
use crate::domain::desk::RequestStatus;
use crate::domain::money::format_money;
use crate::store::approvals::Request;
use crate::store::handover::{Handover, Which};
use crate::store::team::TeamMember;
use crate::tui::keymap::Action;
use crate::tui::popup::{Stack, Step};
use crate::tui::widgets::fit;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use forms::{asked, Changed, DecideForm, GiveTaskForm, LedgerView};
use handover::HandoverDialog;

/// Which tab shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    /// The RMs of the branch.
    #[default]
    Team,
    /// Requests to decide.
    Approvals,
    /// The hand-over ledger.
    Ledger,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Team, Tab::Approvals, Tab::Ledger];

    fn key(self) -> &'static str {
        match self {
            Tab::Team => "team.tab.team",
            Tab::Approvals => "team.tab.approvals",
            Tab::Ledger => "team.tab.ledger",
        }
    }

    fn next(self) -> Tab {
        match self {
            Tab::Team => Tab::Approvals,
            Tab::Approvals => Tab::Ledger,
            Tab::Ledger => Tab::Team,
        }
    }
}

/// The Team screen.
#[derive(Debug, Default)]
pub struct Team {
    tab: Tab,
    members: Vec<TeamMember>,
    requests: Vec<Request>,
    handovers: Vec<Handover>,
    cursors: [Cursor; 3],
    /// The open popups (hand-over, decision, task, ledger), the top one first to keys.
    popups: Stack<Changed>,
    today: String,
}

impl Team {
    /// Shows `tab` (home's approvals line opens the approvals).
    pub fn show_tab(&mut self, tab: Tab, ctx: &mut Ctx<'_>) {
        self.tab = tab;
        self.popups.clear();
        self.reload(ctx);
    }

    fn cursor(&mut self) -> &mut Cursor {
        let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
        &mut self.cursors[i]
    }

    fn len(&self) -> usize {
        match self.tab {
            Tab::Team => self.members.len(),
            Tab::Approvals => self.requests.len(),
            Tab::Ledger => self.handovers.len(),
        }
    }

    fn selected(&self) -> usize {
        let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
        self.cursors[i].selected
    }

    fn on_list_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let len = self.len();
        if k.is(key, Action::NextTab) {
            self.tab = self.tab.next();
        } else if k.is(key, Action::Down) {
            self.cursor().step(1, len);
        } else if k.is(key, Action::Up) {
            self.cursor().step(-1, len);
        } else if k.is(key, Action::PageDown) {
            self.cursor().page_by(1, len);
        } else if k.is(key, Action::PageUp) {
            self.cursor().page_by(-1, len);
        } else if k.is(key, Action::First) {
            self.cursor().selected = 0;
        } else if k.is(key, Action::Last) {
            self.cursor().selected = len.saturating_sub(1);
        } else if self.tab == Tab::Team && k.is(key, Action::HandOver) {
            let Some(m) = self.members.get(self.selected()) else {
                return true;
            };
            if m.clients == 0 {
                ctx.error(ctx.i18n.t("err.handover.none").to_string());
                return true;
            }
            let receivers: Vec<String> = self
                .members
                .iter()
                .filter(|o| o.id != m.id && !o.disabled && !o.manager)
                .map(|o| o.username.clone())
                .collect();
            let count = usize::try_from(m.clients).unwrap_or(0);
            let dialog = HandoverDialog::new(ctx, &m.username, Which::All, count, &receivers);
            self.popups.push(dialog);
        } else if self.tab == Tab::Team && k.is(key, Action::GiveTask) {
            if let Some(m) = self.members.get(self.selected()) {
                let form = GiveTaskForm::new(ctx, (&m.username, &m.display_name), &self.today);
                self.popups.push(form);
            }
        } else if self.tab == Tab::Approvals && k.is(key, Action::Open) {
            match self.requests.get(self.selected()) {
                Some(r) if r.status == RequestStatus::Pending => {
                    self.popups.push(DecideForm::new(ctx, r));
                }
                Some(_) => ctx.error(ctx.i18n.t("err.request.decided").to_string()),
                None => {}
            }
        } else if self.tab == Tab::Ledger && k.is(key, Action::Open) {
            if let Some(h) = self.handovers.get(self.selected()) {
                if let Some(view) = LedgerView::open(ctx, h.id) {
                    self.popups.push(view);
                }
            }
        } else {
            return false;
        }
        true
    }

    fn draw_tabs(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let mut spans = Vec::new();
        for t in Tab::ALL {
            let style = if self.tab == t {
                v.theme.selected
            } else {
                v.theme.dim
            };
            let label = match t {
                Tab::Approvals => {
                    let pending = self
                        .requests
                        .iter()
                        .filter(|r| r.status == RequestStatus::Pending)
                        .count();
                    format!(" {} ({pending}) ", i.t(t.key()))
                }
                _ => format!(" {} ", i.t(t.key())),
            };
            spans.push(Span::styled(label, style));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(
            format!(
                " {} {}",
                v.keys.primary(Action::NextTab),
                i.t("visits.tab.switch")
            ),
            v.theme.dim,
        ));
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_team(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        // Amounts are never cut: their column is as wide as the widest one.
        let amounts: Vec<String> = self
            .members
            .iter()
            .map(|m| format_money(m.aum, "CNY"))
            .collect();
        let aum_w = amounts
            .iter()
            .map(|a| a.chars().count())
            .max()
            .unwrap_or(0)
            .max(8);
        let aum_w = u16::try_from(aum_w).unwrap_or(u16::MAX);
        let name_w = usize::from(
            area.width
                .saturating_sub(2 + 2 + 10 + 6 + aum_w + 2 + 6 + 6 + 8 + 7),
        )
        .max(4);
        let rows = self
            .members
            .iter()
            .zip(&amounts)
            .map(|(m, amount)| {
                let mut name = m.display_name.clone();
                if m.manager {
                    name = format!("{name} ({})", i.t("role.manager"));
                }
                let style = if m.disabled {
                    v.theme.dim
                } else {
                    v.theme.base
                };
                let warn = |n: i64| {
                    if n > 0 {
                        Span::styled(n.to_string(), v.theme.warning)
                    } else {
                        Span::raw(n.to_string())
                    }
                };
                Row::new(vec![
                    Line::from(fit(&m.username, 10)),
                    Line::from(fit(&name, name_w)),
                    Line::from(m.clients.to_string()).alignment(Alignment::Right),
                    Line::from(amount.as_str()).alignment(Alignment::Right),
                    Line::from(warn(m.overdue_tasks)).alignment(Alignment::Right),
                    Line::from(warn(m.complaints_near)).alignment(Alignment::Right),
                    Line::from(format!("{}/{}", m.given_open, m.given_done)),
                ])
                .style(style)
            })
            .collect();
        ListTable {
            title: i.f("team.members", &[("n", &self.members.len().to_string())]),
            header: vec![
                i.t("col.username").into(),
                i.t("col.display_name").into(),
                i.t("team.col.clients").into(),
                i.t("col.aum").into(),
                i.t("team.col.overdue").into(),
                i.t("team.col.complaints").into(),
                i.t("team.col.given").into(),
            ],
            widths: vec![
                Constraint::Length(10),
                Constraint::Min(4),
                Constraint::Length(7),
                Constraint::Length(aum_w),
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(7),
            ],
            rows,
            empty: i.t("team.empty"),
        }
        .draw(f, area, &self.cursors[0], v);
    }

    fn draw_approvals(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let reason_w = usize::from(
            area.width
                .saturating_sub(2 + 2 + 4 + 10 + 8 + 14 + 14 + 8 + 8),
        )
        .max(4);
        let rows = self
            .requests
            .iter()
            .map(|r| {
                let status = match r.status {
                    RequestStatus::Pending => {
                        Span::styled(i.t(r.status.label_key()), v.theme.warning)
                    }
                    _ => Span::styled(i.t(r.status.label_key()), v.theme.dim),
                };
                Row::new(vec![
                    Line::from(r.id.to_string()),
                    Line::from(fit(i.t(r.kind.label_key()), 10)),
                    Line::from(fit(&format!("{} {}", r.client_no, r.client_name), 14)),
                    Line::from(format_money(r.client_aum, "CNY")).alignment(Alignment::Right),
                    Line::from(fit(&asked(r, i), 14)),
                    Line::from(fit(&r.requester, 8)),
                    Line::from(status),
                    Line::from(fit(&r.reason, reason_w)),
                ])
            })
            .collect();
        ListTable {
            title: i.t("team.approvals").to_string(),
            header: vec![
                "#".into(),
                i.t("team.col.kind").into(),
                i.t("col.client_name").into(),
                i.t("col.aum").into(),
                i.t("team.col.asked").into(),
                i.t("team.col.by").into(),
                i.t("col.state").into(),
                i.t("team.col.reason").into(),
            ],
            widths: vec![
                Constraint::Length(4),
                Constraint::Length(10),
                Constraint::Length(14),
                Constraint::Length(14),
                Constraint::Length(14),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Min(4),
            ],
            rows,
            empty: i.t("team.no_requests"),
        }
        .draw(f, area, &self.cursors[1], v);
    }

    fn draw_ledger(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let to_w = usize::from(
            area.width
                .saturating_sub(2 + 2 + 4 + 10 + 8 + 10 + 6 + 16 + 8 + 7),
        )
        .max(4);
        let rows = self
            .handovers
            .iter()
            .map(|h| {
                Row::new(vec![
                    Line::from(h.id.to_string()),
                    Line::from(h.date.map(|d| d.to_string()).unwrap_or_default()),
                    Line::from(fit(&h.from, 8)),
                    Line::from(fit(&h.to.join(","), to_w)),
                    Line::from(fit(i.t(h.reason.label_key()), 10)),
                    Line::from(h.clients.to_string()).alignment(Alignment::Right),
                    Line::from(format_money(h.aum, "CNY")).alignment(Alignment::Right),
                    Line::from(fit(&h.by, 8)),
                ])
            })
            .collect();
        ListTable {
            title: i.t("team.ledger").to_string(),
            header: vec![
                "#".into(),
                i.t("team.col.date").into(),
                i.t("team.col.from").into(),
                i.t("team.col.to").into(),
                i.t("team.col.reason").into(),
                i.t("team.col.clients").into(),
                i.t("col.aum").into(),
                i.t("team.col.by").into(),
            ],
            widths: vec![
                Constraint::Length(4),
                Constraint::Length(10),
                Constraint::Length(8),
                Constraint::Min(4),
                Constraint::Length(10),
                Constraint::Length(6),
                Constraint::Length(16),
                Constraint::Length(8),
            ],
            rows,
            empty: i.t("team.no_handovers"),
        }
        .draw(f, area, &self.cursors[2], v);
    }
}

impl Screen for Team {
    fn title_key(&self) -> &'static str {
        "screen.team"
    }

    fn show(&mut self, target: Target, ctx: &mut Ctx<'_>) {
        match target {
            Target::Approvals => self.show_tab(Tab::Approvals, ctx),
            Target::Team => self.show_tab(Tab::Team, ctx),
            _ => {}
        }
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.today = ctx.store.today().to_string();
        let loaded = ctx.store.team(ctx.actor).and_then(|m| {
            let r = ctx.store.requests(ctx.actor, false)?;
            let h = ctx.store.handovers(ctx.actor)?;
            Ok((m, r, h))
        });
        match loaded {
            Ok((m, r, h)) => {
                self.members = m;
                self.requests = r;
                self.handovers = h;
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        let lens = [
            self.members.len(),
            self.requests.len(),
            self.handovers.len(),
        ];
        for (c, n) in self.cursors.iter_mut().zip(lens) {
            c.clamp(n);
        }
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let Some(step) = self.popups.on_key(key, ctx) else {
            return self.on_list_key(key, ctx);
        };
        if matches!(step, Step::Done(_) | Step::Report(_)) {
            self.reload(ctx);
        }
        step.used()
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let [tabs, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        self.draw_tabs(f, tabs, v);
        match self.tab {
            Tab::Team => self.draw_team(f, list, v),
            Tab::Approvals => self.draw_approvals(f, list, v),
            Tab::Ledger => self.draw_ledger(f, list, v),
        }
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        self.popups.commands().unwrap_or_else(|| {
            let mut keys = match self.tab {
                Tab::Team => vec![Action::HandOver, Action::GiveTask],
                Tab::Approvals | Tab::Ledger => vec![Action::Open],
            };
            keys.extend([Action::NextTab, Action::Up, Action::Down]);
            keys
        })
    }

    fn busy(&self) -> bool {
        self.popups.busy()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) {
        let steps = self.popups.tick(ctx);
        if steps
            .iter()
            .any(|s| matches!(s, Step::Done(_) | Step::Report(_)))
        {
            self.reload(ctx);
        }
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }
}
