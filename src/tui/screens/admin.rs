//! User administration (F8, admins only): the user list, and popups to create, edit,
//! reset, unlock and disable accounts and to add branches.
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::admin_forms::{Done, FormPopup};
use super::home::role_key;
use super::{store_error_text, Ctx, Screen, View};
use crate::store::users::{Branch, UserSummary};
use crate::tui::keymap::Action;
use crate::tui::popup::{Question, Stack, Step};

/// The administration screen's state.
#[derive(Debug, Default)]
pub struct Admin {
    users: Vec<UserSummary>,
    branches: Vec<Branch>,
    selected: usize,
    /// The forms and the disable question.
    popups: Stack<Done>,
}

impl Admin {
    fn current(&self) -> Option<&UserSummary> {
        self.users.get(self.selected)
    }

    fn select_id(&mut self, id: i64) {
        if let Some(i) = self.users.iter().position(|u| u.id == id) {
            self.selected = i;
        }
    }

    fn on_list_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let last = self.users.len().saturating_sub(1);
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
        } else if k.is(key, Action::New) {
            self.popups
                .push(FormPopup::new_user(ctx.i18n, &self.branches));
        } else if k.is(key, Action::NewBranch) {
            self.popups.push(FormPopup::new_branch(ctx.i18n));
        } else if k.is(key, Action::Edit) || k.is(key, Action::Open) {
            if let Some(u) = self.current() {
                let form = FormPopup::edit_user(ctx.i18n, &self.branches, u);
                self.popups.push(form);
            }
        } else if k.is(key, Action::ResetPassword) {
            if let Some(u) = self.current() {
                self.popups.push(FormPopup::reset_password(ctx.i18n, u));
            }
        } else if k.is(key, Action::UnlockUser) {
            if let Some(u) = self.current().cloned() {
                match ctx.store.unlock_user(ctx.actor, u.id) {
                    Ok(()) => {
                        ctx.info(ctx.i18n.f("status.user_unlocked", &[("name", &u.username)]))
                    }
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
                self.reload(ctx);
            }
        } else if k.is(key, Action::ToggleDisabled) {
            if let Some(u) = self.current() {
                let disable = !u.disabled;
                let q = if disable {
                    "admin.confirm_disable"
                } else {
                    "admin.confirm_enable"
                };
                let i = ctx.i18n;
                self.popups.push(Question::new(
                    i.t("confirm.title").into(),
                    i.f(q, &[("name", &u.username)]),
                    Done::Disable(u.id, u.username.clone(), disable),
                ));
            }
        } else {
            return false;
        }
        true
    }
}

impl Screen for Admin {
    fn title_key(&self) -> &'static str {
        "screen.admin"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        let keep = self.current().map(|u| u.id);
        match (ctx.store.list_users(ctx.actor), ctx.store.branches()) {
            (Ok(users), Ok(branches)) => {
                self.users = users;
                self.branches = branches;
            }
            (Err(e), _) | (_, Err(e)) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        self.selected = self.selected.min(self.users.len().saturating_sub(1));
        if let Some(id) = keep {
            self.select_id(id);
        }
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let Some(step) = self.popups.on_key(key, ctx) else {
            return self.on_list_key(key, ctx);
        };
        match step {
            Step::Done(Done::Saved(name)) => {
                self.reload(ctx);
                if let Some(i) = name.and_then(|n| self.users.iter().position(|u| u.username == n))
                {
                    self.selected = i;
                }
            }
            Step::Done(Done::Disable(id, name, disable)) => {
                match ctx.store.set_user_disabled(ctx.actor, id, disable) {
                    Ok(()) => {
                        let k = if disable {
                            "status.user_disabled"
                        } else {
                            "status.user_enabled"
                        };
                        ctx.info(ctx.i18n.f(k, &[("name", &name)]));
                    }
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
                self.reload(ctx);
            }
            Step::Ignored => return false,
            _ => {}
        }
        true
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let [branches_area, list_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let branch_text = if self.branches.is_empty() {
            i.f(
                "admin.no_branches",
                &[("key", &v.keys.primary(Action::NewBranch))],
            )
        } else {
            let list: Vec<String> = self
                .branches
                .iter()
                .map(|b| format!("{} {}", b.code, b.name))
                .collect();
            format!("{}: {}", i.t("admin.branches"), list.join(" · "))
        };
        f.render_widget(
            Paragraph::new(Span::styled(branch_text, v.theme.dim)),
            branches_area,
        );

        let header = Row::new(vec![
            i.t("col.username"),
            i.t("col.display_name"),
            i.t("col.role"),
            i.t("col.branch"),
            i.t("col.state"),
        ])
        .style(v.theme.header);
        let rows = self.users.iter().map(|u| {
            let state = if u.disabled {
                Span::styled(i.t("state.disabled"), v.theme.warning)
            } else if u.locked_until.is_some() {
                Span::styled(i.t("state.locked"), v.theme.warning)
            } else if u.must_change_password {
                Span::styled(i.t("state.must_change"), v.theme.dim)
            } else {
                Span::raw(i.t("state.active"))
            };
            Row::new(vec![
                Line::from(u.username.as_str()),
                Line::from(u.display_name.as_str()),
                Line::from(i.t(role_key(u.role))),
                Line::from(u.branch_code.as_deref().unwrap_or("—")),
                Line::from(state),
            ])
        });
        let widths = [
            Constraint::Length(14),
            Constraint::Min(12),
            Constraint::Length(14),
            Constraint::Length(8),
            Constraint::Length(14),
        ];
        let title = i.f("admin.users", &[("n", &self.users.len().to_string())]);
        let table = Table::new(rows, widths)
            .header(header)
            .row_highlight_style(v.theme.selected)
            .highlight_symbol("▶ ")
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(v.theme.border)
                    .title(Span::styled(format!(" {title} "), v.theme.title)),
            );
        let mut state = TableState::default()
            .with_selected(Some(self.selected).filter(|_| !self.users.is_empty()));
        f.render_stateful_widget(table, list_area, &mut state);

        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        match self.popups.commands() {
            Some(popup) => popup,
            None => vec![
                Action::New,
                Action::Edit,
                Action::ResetPassword,
                Action::UnlockUser,
                Action::ToggleDisabled,
                Action::NewBranch,
                Action::Up,
                Action::Down,
            ],
        }
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }
}
