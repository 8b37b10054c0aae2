//! Home (F2): the screen after sign-in. It greets the user with their role, branch and
//! today's date; the work list of the day joins it with the calendar module.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, View};
use crate::store::Role;
use crate::tui::keymap::Action;

/// The home screen's state.
#[derive(Debug, Default)]
pub struct Home {
    name: String,
    role: Option<Role>,
    branch: Option<String>,
    today: String,
}

impl Screen for Home {
    fn title_key(&self) -> &'static str {
        "screen.home"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.name = ctx.actor.display_name.clone();
        self.role = Some(ctx.actor.role);
        self.today = ctx
            .store
            .now()
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string();
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
    }

    fn on_key(&mut self, _key: &KeyEvent, _ctx: &mut Ctx<'_>) -> bool {
        false
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(
                format!(" {} ", v.i18n.t("screen.home")),
                v.theme.title,
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let role = self.role.map_or("", |r| v.i18n.t(role_key(r)));
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
            Span::raw(self.today.as_str()),
        ]));
        lines.push(Line::from(""));
        let hint = if self.role == Some(Role::Admin) {
            "home.hint.admin"
        } else {
            "home.hint"
        };
        lines.push(Line::from(Span::styled(
            v.i18n.f(
                hint,
                &[
                    ("help", &v.keys.primary(Action::Help)),
                    ("admin", &v.keys.primary(Action::Admin)),
                    ("clients", &v.keys.primary(Action::Clients)),
                ],
            ),
            v.theme.dim,
        )));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    }

    fn commands(&self) -> Vec<Action> {
        Vec::new()
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
