//! Home (F2): the screen after sign-in. For RMs and managers, today's work list from
//! `Store::work_list`, each line with its reason, most urgent first; Enter goes to what
//! the line is about through [`Target`]. Administrators, who have no client work, get
//! the greeting with their role, branch and today's date.
use std::cell::Cell;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, Target, View};
use crate::domain::client::Tier;
use crate::store::home::{WorkItem, WorkKind, WorkRef};
use crate::store::Role;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::widgets::{fit, pad};

/// The home screen's state.
#[derive(Debug, Default)]
pub struct Home {
    name: String,
    role: Option<Role>,
    branch: Option<String>,
    today: Option<NaiveDate>,
    items: Vec<WorkItem>,
    /// Lines of each kind in all (the list shows the most urgent of each).
    counts: Vec<(WorkKind, usize)>,
    selected: usize,
    /// First line shown; drawing keeps the selection in view.
    offset: Cell<usize>,
    /// Contact cadence in days: core, key, general.
    cadence: [i64; 3],
}

/// Where Enter on a line goes.
pub fn target_of(r: WorkRef) -> Target {
    match r {
        WorkRef::Task { id, date } => Target::Task { id, date },
        WorkRef::Client(id) => Target::Client(id),
        WorkRef::Feedback { client_id, id } => Target::Feedback { client_id, id },
        WorkRef::Holding { client_id, id } => Target::Holding { client_id, id },
    }
}

fn tier_key(t: Tier) -> &'static str {
    match t {
        Tier::Core => "home.tier.core",
        Tier::Key => "home.tier.key",
        Tier::General => "home.tier.general",
    }
}

impl Home {
    /// The reason of a line, in the user's language.
    fn reason(&self, w: &WorkItem, i: &I18n) -> String {
        let date = w.date.to_string();
        let today = self.today.unwrap_or(w.date);
        match w.kind {
            WorkKind::OverdueTask => i.f("home.reason.overdue", &[("date", &date)]),
            WorkKind::TaskToday => match &w.time {
                Some(t) => i.f("home.reason.today_at", &[("time", t)]),
                None => i.t("home.reason.today").to_string(),
            },
            WorkKind::Complaint if w.date < today => {
                i.f("home.reason.complaint_past", &[("date", &date)])
            }
            WorkKind::Complaint => i.f("home.reason.complaint", &[("date", &date)]),
            WorkKind::Maturity => i.f("home.reason.maturity", &[("date", &date)]),
            WorkKind::Birthday => i.t("home.reason.birthday").to_string(),
            WorkKind::RiskReview if w.date < today => {
                i.f("home.reason.risk_past", &[("date", &date)])
            }
            WorkKind::RiskReview => i.f("home.reason.risk", &[("date", &date)]),
            WorkKind::ContactDue => {
                let tier = w.tier.unwrap_or(Tier::General);
                let days = match tier {
                    Tier::Core => self.cadence[0],
                    Tier::Key => self.cadence[1],
                    Tier::General => self.cadence[2],
                };
                let args = [
                    ("date", date.as_str()),
                    ("tier", i.t(tier_key(tier))),
                    ("days", &days.to_string()),
                ];
                if w.never_contacted {
                    i.f("home.reason.never", &args)
                } else {
                    i.f("home.reason.contact", &args)
                }
            }
        }
    }

    fn urgent(&self, w: &WorkItem) -> bool {
        let today = self.today.unwrap_or(w.date);
        match w.kind {
            WorkKind::OverdueTask => true,
            WorkKind::Complaint | WorkKind::RiskReview => w.date <= today,
            _ => false,
        }
    }

    fn draw_greeting(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let role = self.role.map_or("", |r| v.i18n.t(role_key(r)));
        let today = self.today.map(|d| d.to_string()).unwrap_or_default();
        let mut lines = vec![
            Line::from(Span::styled(
                v.i18n.f("home.welcome", &[("name", &self.name)]),
                v.theme.title,
            )),
            Line::from(""),
            Line::from(vec![
                Span::styled(format!("{}: ", v.i18n.t("home.role")), v.theme.dim),
                Span::raw(role),
            ]),
        ];
        if let Some(b) = &self.branch {
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", v.i18n.t("home.branch")), v.theme.dim),
                Span::raw(b.as_str()),
            ]));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", v.i18n.t("home.today")), v.theme.dim),
            Span::raw(today),
        ]));
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            v.i18n.f(
                "home.hint.admin",
                &[
                    ("help", &v.keys.primary(Action::Help)),
                    ("admin", &v.keys.primary(Action::Admin)),
                ],
            ),
            v.theme.dim,
        )));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
    }

    fn draw_list(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let role = self.role.map_or("", |r| i.t(role_key(r)));
        let mut greeting = vec![
            Span::styled(i.f("home.welcome", &[("name", &self.name)]), v.theme.title),
            Span::styled(format!(" · {role}"), v.theme.dim),
        ];
        if let Some(b) = &self.branch {
            greeting.push(Span::styled(format!(" · {b}"), v.theme.dim));
        }
        f.render_widget(Paragraph::new(Line::from(greeting)), head);
        let today = self.today.map(|d| d.to_string()).unwrap_or_default();
        let total: usize = self.counts.iter().map(|(_, n)| n).sum();
        let title = i.f(
            "home.list_title",
            &[("date", &today), ("n", &total.to_string())],
        );
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(format!(" {title} "), v.theme.title));
        // Counts per kind when some kind has more lines than the list shows.
        if total > self.items.len() {
            let counts: Vec<String> = self
                .counts
                .iter()
                .map(|(k, n)| i.f(count_key(*k), &[("n", &n.to_string())]))
                .collect();
            block = block.title_bottom(Span::styled(
                format!(" {} ", counts.join(" · ")),
                v.theme.dim,
            ));
        }
        let inner = block.inner(body);
        f.render_widget(block, body);
        if self.items.is_empty() {
            let lines = vec![
                Line::from(Span::styled(i.t("home.empty"), v.theme.ok)),
                Line::from(""),
                Line::from(Span::styled(
                    i.f(
                        "home.hint",
                        &[
                            ("clients", &v.keys.primary(Action::Clients)),
                            ("calendar", &v.keys.primary(Action::Calendar)),
                            ("help", &v.keys.primary(Action::Help)),
                        ],
                    ),
                    v.theme.dim,
                )),
            ];
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
            return;
        }
        let width = usize::from(inner.width);
        let reasons: Vec<String> = self.items.iter().map(|w| self.reason(w, i)).collect();
        let reason_w = reasons
            .iter()
            .map(|r| unicode_width::UnicodeWidthStr::width(r.as_str()))
            .max()
            .unwrap_or(0)
            .min(width * 11 / 20);
        let height = usize::from(inner.height).max(1);
        let mut offset = self.offset.get();
        if self.selected < offset {
            offset = self.selected;
        } else if self.selected >= offset + height {
            offset = self.selected + 1 - height;
        }
        self.offset.set(offset);
        let mut lines = Vec::new();
        for (k, (w, reason)) in self
            .items
            .iter()
            .zip(&reasons)
            .enumerate()
            .skip(offset)
            .take(height)
        {
            let selected = k == self.selected;
            let reason_style = if selected {
                v.theme.selected
            } else if self.urgent(w) {
                v.theme.warning
            } else {
                v.theme.header
            };
            let text_style = if selected {
                v.theme.selected
            } else {
                v.theme.base
            };
            let mut subject = w.subject.clone();
            if let Some(d) = &w.detail {
                subject.push_str(&format!(" · {}", d.replace('\n', " ")));
            }
            let rest = width.saturating_sub(reason_w + 3);
            lines.push(Line::from(vec![
                Span::styled(if selected { "›" } else { " " }, text_style),
                Span::styled(pad(reason, reason_w), reason_style),
                Span::styled("  ", text_style),
                Span::styled(pad(&fit(&subject, rest), rest), text_style),
            ]));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}

impl Screen for Home {
    fn title_key(&self) -> &'static str {
        "screen.home"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.name = ctx.actor.display_name.clone();
        self.role = Some(ctx.actor.role);
        self.today = Some(ctx.store.today());
        self.branch = None;
        if let Some(id) = ctx.actor.branch_id {
            match ctx.store.branches() {
                Ok(bs) => {
                    self.branch = bs
                        .into_iter()
                        .find(|b| b.id == id)
                        .map(|b| format!("{} {}", b.code, b.name))
                }
                Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
            }
        }
        if ctx.actor.role == Role::Admin {
            self.items.clear();
            return;
        }
        for (k, key) in [
            "cadence.core_days",
            "cadence.key_days",
            "cadence.general_days",
        ]
        .into_iter()
        .enumerate()
        {
            self.cadence[k] = ctx.store.setting_i64(key).unwrap_or(0);
        }
        match ctx.store.work_list(ctx.actor) {
            Ok(list) => {
                self.items = list.items;
                self.counts = list.counts;
            }
            Err(e) => {
                self.items.clear();
                self.counts.clear();
                ctx.error(store_error_text(&e, ctx.i18n));
            }
        }
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if self.role == Some(Role::Admin) || self.items.is_empty() {
            return false;
        }
        let k = ctx.keys;
        let last = self.items.len() - 1;
        if k.is(key, Action::Down) {
            self.selected = (self.selected + 1).min(last);
        } else if k.is(key, Action::Up) {
            self.selected = self.selected.saturating_sub(1);
        } else if k.is(key, Action::PageDown) {
            self.selected = (self.selected + 10).min(last);
        } else if k.is(key, Action::PageUp) {
            self.selected = self.selected.saturating_sub(10);
        } else if k.is(key, Action::First) {
            self.selected = 0;
        } else if k.is(key, Action::Last) {
            self.selected = last;
        } else if k.is(key, Action::Open) {
            if let Some(w) = self.items.get(self.selected) {
                ctx.goto = Some(target_of(w.target));
            }
        } else {
            return false;
        }
        true
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        if self.role == Some(Role::Admin) {
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(v.theme.border)
                .title(Span::styled(
                    format!(" {} ", v.i18n.t("screen.home")),
                    v.theme.title,
                ));
            let inner = block.inner(area);
            f.render_widget(block, area);
            self.draw_greeting(f, inner, v);
        } else {
            self.draw_list(f, area, v);
        }
    }

    fn commands(&self) -> Vec<Action> {
        if self.role == Some(Role::Admin) || self.items.is_empty() {
            return Vec::new();
        }
        vec![
            Action::Open,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
        ]
    }
}

/// Catalogue key of a kind's count.
fn count_key(k: WorkKind) -> &'static str {
    match k {
        WorkKind::OverdueTask => "home.count.overdue",
        WorkKind::TaskToday => "home.count.today",
        WorkKind::Complaint => "home.count.complaint",
        WorkKind::Maturity => "home.count.maturity",
        WorkKind::Birthday => "home.count.birthday",
        WorkKind::RiskReview => "home.count.risk",
        WorkKind::ContactDue => "home.count.contact",
    }
}

/// Catalogue key of a role's name.
pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Rm => "role.rm",
        Role::Manager => "role.manager",
        Role::Admin => "role.admin",
    }
}
