//! The small dialogs of the client screens: the list's filters, and the possible
//! matches found when saving a client.
use std::cell::Cell;
use std::str::FromStr;

use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::domain::client::{ClientKind, ClientStatus, RiskLevel, Tier};
use crate::store::clients::{ClientFilter, ClientSummary};
use crate::store::users::UserSummary;
use crate::store::Role;
use crate::tui::i18n::I18n;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{Ctx, View};

use super::Done;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, fit, popup};

/// The filter dialog: one choice per filter, "all" first.
#[derive(Debug, Clone)]
pub struct FilterDialog {
    form: Form,
    owners: Vec<(i64, String)>,
}

fn with_all<T: Copy>(
    i: &I18n,
    all: &[T],
    code: impl Fn(T) -> String,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), i.t("clients.filter.all").to_string())];
    out.extend(all.iter().map(|v| (code(*v), label(*v))));
    out
}

impl FilterDialog {
    /// A dialog showing `current`; the owner choice for managers (`users` of the branch).
    pub fn new(i: &I18n, current: &ClientFilter, role: Role, users: &[UserSummary]) -> Self {
        let code = |o: Option<&str>| o.unwrap_or("").to_string();
        let mut fields = vec![
            Field::choice(
                "tier",
                i.t("col.tier"),
                with_all(
                    i,
                    Tier::ALL,
                    |t| t.code().into(),
                    |t| i.t(t.label_key()).into(),
                ),
                &code(current.tier.map(Tier::code)),
            ),
            Field::choice(
                "status",
                i.t("col.status"),
                with_all(
                    i,
                    ClientStatus::ALL,
                    |s| s.code().into(),
                    |s| i.t(s.label_key()).into(),
                ),
                &code(current.status.map(ClientStatus::code)),
            ),
        ];
        let owners: Vec<(i64, String)> = if role == Role::Manager {
            users
                .iter()
                .filter(|u| u.role != Role::Admin)
                .map(|u| (u.id, u.username.clone()))
                .collect()
        } else {
            Vec::new()
        };
        if role == Role::Manager {
            let mut opts = vec![(String::new(), i.t("clients.filter.all").to_string())];
            opts.extend(
                owners
                    .iter()
                    .map(|(id, name)| (id.to_string(), name.clone())),
            );
            let chosen = current.owner_id.map(|o| o.to_string()).unwrap_or_default();
            fields.push(Field::choice("owner", i.t("col.owner"), opts, &chosen));
        }
        fields.push(Field::choice(
            "risk_level",
            i.t("col.risk"),
            with_all(
                i,
                RiskLevel::ALL,
                |r| r.code().into(),
                |r| i.t(r.label_key()).into(),
            ),
            &code(current.risk_level.map(RiskLevel::code)),
        ));
        fields.push(Field::choice(
            "kind",
            i.t("client.field.kind"),
            with_all(
                i,
                ClientKind::ALL,
                |k| k.code().into(),
                |k| i.t(k.label_key()).into(),
            ),
            &code(current.kind.map(ClientKind::code)),
        ));
        FilterDialog {
            form: Form::new(fields),
            owners,
        }
    }

    fn chosen(&self) -> (ClientFilter, Option<String>) {
        let f = &self.form;
        let owner_id = f.value("owner").parse::<i64>().ok();
        let owner_name = owner_id.and_then(|id| {
            self.owners
                .iter()
                .find(|(o, _)| *o == id)
                .map(|(_, n)| n.clone())
        });
        (
            ClientFilter {
                tier: Tier::from_str(f.value("tier")).ok(),
                status: ClientStatus::from_str(f.value("status")).ok(),
                owner_id,
                risk_level: RiskLevel::from_str(f.value("risk_level")).ok(),
                kind: ClientKind::from_str(f.value("kind")).ok(),
            },
            owner_name,
        )
    }

    /// The dialog's keys: Enter applies, Esc closes without asking, the rest moves
    /// and chooses.
    fn keys(&self) -> Vec<Action> {
        vec![
            Action::Submit,
            Action::Back,
            Action::NextField,
            Action::PrevField,
            Action::Up,
            Action::Down,
        ]
    }
    fn paint(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let rect = centered(
            area,
            area.width.saturating_sub(4).min(50),
            self.form.height() + 4,
        );
        let inner = popup(f, rect, v.i18n.t("clients.filter.title"), v.theme);
        let [body, hint] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(Rect::new(
                inner.x + 1,
                inner.y + 1,
                inner.width.saturating_sub(2),
                inner.height.saturating_sub(1),
            ));
        self.form.draw(f, body, v.theme);
        let text = v.i18n.f(
            "clients.filter.hint",
            &[
                ("apply", &v.keys.primary(Action::Submit)),
                ("back", &v.keys.primary(Action::Back)),
            ],
        );
        f.render_widget(Paragraph::new(Span::styled(text, v.theme.dim)), hint);
    }
}

/// What the possible-matches dialog reports: open this client instead, or save anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchChoice {
    /// Open this client instead.
    OpenClient(i64),
    /// Save although matches exist.
    SaveAnyway,
}

/// Clients with the same name and mobile or birth date, shown before saving.
#[derive(Debug, Clone)]
pub struct Matches {
    rows: Vec<ClientSummary>,
    selected: usize,
    offset: Cell<usize>,
}

impl Matches {
    /// A dialog listing `rows`.
    pub fn new(rows: Vec<ClientSummary>) -> Matches {
        Matches {
            rows,
            selected: 0,
            offset: Cell::new(0),
        }
    }

    /// Handles a key: Enter opens the selected client, Ctrl-S saves anyway, Esc goes
    /// back to the form.
    pub fn on_key(&mut self, key: &KeyEvent, keys: &Keymap) -> Step<MatchChoice> {
        match keys.action_in(key, &self.commands()) {
            Some(Action::SaveAnyway) => Step::Done(MatchChoice::SaveAnyway),
            Some(Action::Open) => match self.rows.get(self.selected) {
                Some(c) => Step::Done(MatchChoice::OpenClient(c.id)),
                None => Step::Open,
            },
            Some(Action::Back) => Step::Closed,
            Some(Action::Down) => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
                Step::Open
            }
            Some(Action::Up) => {
                self.selected = self.selected.saturating_sub(1);
                Step::Open
            }
            _ => Step::Ignored,
        }
    }

    /// The dialog's keys.
    pub fn commands(&self) -> Vec<Action> {
        vec![
            Action::Open,
            Action::SaveAnyway,
            Action::Back,
            Action::Up,
            Action::Down,
        ]
    }

    /// Draws the dialog over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let list_h = u16::try_from(self.rows.len().min(8)).unwrap_or(8);
        let rect = centered(area, area.width.saturating_sub(4).min(70), list_h + 7);
        let inner = popup(f, rect, i.t("clients.matches.title"), v.theme);
        let body = Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(2),
            inner.height,
        );
        let [intro, table_area, hint] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(1),
            Constraint::Length(2),
        ])
        .areas(body);
        f.render_widget(
            Paragraph::new(i.t("clients.matches.intro")).wrap(Wrap { trim: true }),
            intro,
        );
        let name_w = table_area.width.saturating_sub(10 + 10 + 8 + 3 + 2).max(4);
        let rows = self.rows.iter().map(|c| {
            Row::new(vec![
                Line::from(c.client_no.as_str()),
                Line::from(fit(&c.name, usize::from(name_w))),
                Line::from(fit(&c.owner, 10)),
                Line::from(i.t(c.status.label_key())),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Length(name_w),
                Constraint::Length(10),
                Constraint::Length(8),
            ],
        )
        .row_highlight_style(v.theme.selected)
        .highlight_symbol("▶ ");
        let mut state = TableState::default()
            .with_offset(self.offset.get())
            .with_selected(Some(self.selected).filter(|_| !self.rows.is_empty()));
        f.render_stateful_widget(table, table_area, &mut state);
        self.offset.set(state.offset());
        let text = i.f(
            "clients.matches.hint",
            &[
                ("open", &v.keys.primary(Action::Open)),
                ("save", &v.keys.primary(Action::SaveAnyway)),
                ("back", &v.keys.primary(Action::Back)),
            ],
        );
        f.render_widget(
            Paragraph::new(Span::styled(text, v.theme.dim)).wrap(Wrap { trim: true }),
            hint,
        );
    }
}

impl Popup<Done> for FilterDialog {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        let k = ctx.keys;
        match k.action_in(key, &self.keys()) {
            Some(Action::Submit) => {
                let (filter, owner) = self.chosen();
                Step::Done(Done::Filter(filter, owner))
            }
            Some(Action::Back) => Step::Closed,
            _ if self.form.on_key(key, k) => Step::Open,
            _ => Step::Ignored,
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        self.paint(f, area, v);
    }
    fn commands(&self) -> Vec<Action> {
        self.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env};

    #[test]
    fn the_client_filter_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, false, &[Action::Left, Action::Right], &|c| {
            let d = FilterDialog::new(c.i18n, &ClientFilter::default(), Role::Rm, &[]);
            Box::new(d) as Box<dyn Popup<Done>>
        });
    }
}
