//! Home (F2): the screen after sign-in. For RMs and managers, home's kinds
//! (`sections.rs`): each a title with its count and its most urgent lines; Enter on a
//! line goes to what it is about, Enter on a title opens the kind's full list (another
//! screen's, or here on home, where Esc comes back). On a care line (`care.rs`), `t`
//! makes a task due today for the client's RM and `m` records the greeting as a
//! contact, each after a question. Administrators, who have no client work, get the
//! greeting with their role, branch and today's date.
pub mod care;
pub mod sections;

use std::cell::Cell;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, View};
use crate::store::care::CareLine;
use crate::store::Role;
use crate::tui::keymap::Action;
use crate::tui::popup::{Stack, Step};
use crate::tui::widgets::{fit, pad};
use care::CareDone;
pub use sections::target_of;
use sections::{Context, Kind, Opens, Section};

/// The home screen's state.
#[derive(Debug, Default)]
pub struct Home {
    name: String,
    role: Option<Role>,
    branch: Option<String>,
    today: Option<NaiveDate>,
    /// The kinds shown: all of them, or the one whose list is open.
    sections: Vec<Section>,
    /// The kind whose full list is open.
    focus: Option<Kind>,
    selected: usize,
    /// First line shown; drawing keeps the selection in view.
    offset: Cell<usize>,
    /// Contact cadence in days: core, key, general.
    cadence: [i64; 3],
    /// The care questions open.
    popups: Stack<CareDone>,
}

/// A line of the screen: a kind's title or one of its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Title(usize),
    Row(usize, usize),
}

impl Home {
    fn lines(&self) -> Vec<At> {
        let mut out = Vec::new();
        for (k, s) in self.sections.iter().enumerate() {
            if self.focus.is_none() {
                out.push(At::Title(k));
            }
            out.extend((0..s.rows.len()).map(|r| At::Row(k, r)));
        }
        out
    }

    /// The care occasion of the selected line, when it is a care line.
    fn selected_care(&self) -> Option<&CareLine> {
        match self.lines().get(self.selected)? {
            At::Row(k, r) => self.sections.get(*k)?.rows.get(*r)?.care.as_ref(),
            At::Title(_) => None,
        }
    }

    fn context(&self) -> Context {
        Context {
            today: self.today.unwrap_or_default(),
            cadence: self.cadence,
        }
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        let c = self.context();
        self.sections = match self.focus {
            None => sections::load_all(ctx, &c),
            Some(kind) => sections::load_one(ctx, &c, kind).into_iter().collect(),
        };
        self.selected = self.selected.min(self.lines().len().saturating_sub(1));
    }

    fn open(&mut self, ctx: &mut Ctx<'_>) {
        match self.lines().get(self.selected) {
            Some(At::Title(k)) => {
                let Some(kind) = self.sections.get(*k).map(|s| s.kind) else {
                    return;
                };
                match kind.opens() {
                    Opens::Screen(t) => ctx.goto = Some(t),
                    Opens::Here => {
                        self.focus = Some(kind);
                        self.selected = 0;
                        self.offset.set(0);
                        self.load(ctx);
                    }
                }
            }
            Some(At::Row(k, r)) => {
                if let Some(go) = self.sections.get(*k).and_then(|s| s.rows.get(*r)?.go) {
                    ctx.goto = Some(go);
                }
            }
            None => {}
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
        let title = match (self.focus, self.sections.first()) {
            (Some(_), Some(s)) => s.title.clone(),
            _ => i.f("home.list_title", &[("date", &today)]),
        };
        let hint = if self.focus.is_some() {
            i.f("home.hint.back", &[("back", &v.keys.primary(Action::Back))])
        } else {
            i.f("home.hint.kind", &[("open", &v.keys.primary(Action::Open))])
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(format!(" {title} "), v.theme.title))
            .title_bottom(Span::styled(format!(" {hint} "), v.theme.dim));
        let inner = block.inner(body);
        f.render_widget(block, body);
        if self.sections.is_empty() {
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
        let all = self.lines();
        let reason_w = self
            .sections
            .iter()
            .flat_map(|s| &s.rows)
            .map(|r| unicode_width::UnicodeWidthStr::width(r.reason.as_str()))
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
        for (n, at) in all.iter().enumerate().skip(offset).take(height) {
            let selected = n == self.selected;
            let mark = if selected { "›" } else { " " };
            match *at {
                At::Title(k) => {
                    let s = &self.sections[k];
                    let more = if s.count > s.rows.len() { " ›" } else { "" };
                    let style = if selected {
                        v.theme.selected
                    } else {
                        v.theme.title
                    };
                    let text = format!("{}{more}", s.title);
                    lines.push(Line::from(vec![
                        Span::styled(mark, style),
                        Span::styled(
                            pad(
                                &fit(&text, width.saturating_sub(1)),
                                width.saturating_sub(1),
                            ),
                            style,
                        ),
                    ]));
                }
                At::Row(k, r) => {
                    let row = &self.sections[k].rows[r];
                    let reason_style = if selected {
                        v.theme.selected
                    } else if row.urgent {
                        v.theme.warning
                    } else {
                        v.theme.header
                    };
                    let text_style = if selected {
                        v.theme.selected
                    } else {
                        v.theme.base
                    };
                    let rest = width.saturating_sub(reason_w + 3);
                    lines.push(Line::from(vec![
                        Span::styled(mark, text_style),
                        Span::styled(pad(&fit(&row.reason, reason_w), reason_w), reason_style),
                        Span::styled("  ", text_style),
                        Span::styled(pad(&fit(&row.text, rest), rest), text_style),
                    ]));
                }
            }
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
            self.sections.clear();
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
        self.load(ctx);
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if self.role == Some(Role::Admin) {
            return false;
        }
        if let Some(step) = self.popups.on_key(key, ctx) {
            let used = step.used();
            if let Step::Done(done) = step {
                care::act(done, ctx);
                self.load(ctx);
            }
            return used;
        }
        let k = ctx.keys;
        for action in [Action::CareTask, Action::Greet] {
            if k.is(key, action) {
                let Some(line) = self.selected_care() else {
                    return false;
                };
                if let Some(q) = care::question(action, line, ctx.i18n) {
                    self.popups.push(q);
                }
                return true;
            }
        }
        if self.focus.is_some() && k.is(key, Action::Back) {
            self.focus = None;
            self.selected = 0;
            self.offset.set(0);
            self.load(ctx);
            return true;
        }
        let n = self.lines().len();
        if n == 0 {
            return false;
        }
        let last = n - 1;
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
            self.open(ctx);
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
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(popup) = self.popups.commands() {
            return popup;
        }
        if self.role == Some(Role::Admin) || self.sections.is_empty() {
            return Vec::new();
        }
        let mut a = vec![Action::Open];
        if self.selected_care().is_some() {
            a.extend([Action::CareTask, Action::Greet]);
        }
        if self.focus.is_some() {
            a.push(Action::Back);
        }
        a.extend([
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
        ]);
        a
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
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
