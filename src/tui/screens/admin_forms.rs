//! The popups of user administration: new user, edit user, reset password, new branch.
//! One type serves all four: a form in a popup that saves with Ctrl-S, cancels with Esc
//! (asking first when something was typed) and keeps every value when the store refuses.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::home::role_key;
use super::{show_store_error, Ctx, View};
use crate::store::users::{Branch, NewUser, UserSummary, UserUpdate};
use crate::store::{Role, StoreError};
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::widgets::discard::{Discard, DiscardStep};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, popup};

/// Which form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Create a user.
    NewUser,
    /// Change a user's name, role and branch.
    EditUser(i64),
    /// Set a new password for a user: (id, username).
    ResetPassword(i64, String),
    /// Create a branch.
    NewBranch,
}

/// A form popup.
#[derive(Debug, Clone)]
pub struct FormPopup {
    /// Which form.
    pub kind: FormKind,
    /// Its fields.
    pub form: Form,
    /// The question before Esc drops what was typed.
    discard: Discard,
    /// A refusal that belongs to no field.
    pub message: Option<String>,
}

/// What the administration screen's popups report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// A form saved; the username it created or changed, if any (to select it).
    Saved(Option<String>),
    /// Yes to disabling (`true`) or enabling user `id` (`name`).
    Disable(i64, String, bool),
}

fn role_options(i18n: &I18n) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), i18n.t(role_key(*r)).to_string()))
        .collect()
}

fn branch_options(i18n: &I18n, branches: &[Branch]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), i18n.t("admin.no_branch").to_string())];
    out.extend(
        branches
            .iter()
            .map(|b| (b.id.to_string(), format!("{} {}", b.code, b.name))),
    );
    out
}

impl FormPopup {
    /// A new-user form; the branch defaults to the first branch.
    pub fn new_user(i18n: &I18n, branches: &[Branch]) -> FormPopup {
        let first = branches
            .first()
            .map(|b| b.id.to_string())
            .unwrap_or_default();
        FormPopup::open(
            FormKind::NewUser,
            vec![
                Field::text("username", i18n.t("field.username"), ""),
                Field::text("display_name", i18n.t("field.display_name"), ""),
                Field::choice("role", i18n.t("field.role"), role_options(i18n), "rm"),
                Field::choice(
                    "branch",
                    i18n.t("field.branch"),
                    branch_options(i18n, branches),
                    &first,
                ),
                Field::secret("password", i18n.t("field.initial_password")),
            ],
        )
    }

    /// An edit form for `user`.
    pub fn edit_user(i18n: &I18n, branches: &[Branch], user: &UserSummary) -> FormPopup {
        let branch = user.branch_id.map(|b| b.to_string()).unwrap_or_default();
        FormPopup::open(
            FormKind::EditUser(user.id),
            vec![
                Field::text(
                    "display_name",
                    i18n.t("field.display_name"),
                    &user.display_name,
                ),
                Field::choice(
                    "role",
                    i18n.t("field.role"),
                    role_options(i18n),
                    user.role.code(),
                ),
                Field::choice(
                    "branch",
                    i18n.t("field.branch"),
                    branch_options(i18n, branches),
                    &branch,
                ),
            ],
        )
    }

    /// A password reset for `user`.
    pub fn reset_password(i18n: &I18n, user: &UserSummary) -> FormPopup {
        FormPopup::open(
            FormKind::ResetPassword(user.id, user.username.clone()),
            vec![
                Field::secret("password", i18n.t("field.new_password")),
                Field::secret("confirm", i18n.t("field.confirm")),
            ],
        )
    }

    /// A new-branch form.
    pub fn new_branch(i18n: &I18n) -> FormPopup {
        FormPopup::open(
            FormKind::NewBranch,
            vec![
                Field::text("code", i18n.t("field.branch_code"), ""),
                Field::text("name", i18n.t("field.branch_name"), ""),
            ],
        )
    }

    fn open(kind: FormKind, fields: Vec<Field>) -> FormPopup {
        FormPopup {
            kind,
            form: Form::new(fields),
            discard: Discard::default(),
            message: None,
        }
    }

    fn username(&self) -> Option<String> {
        let name = self.form.trimmed("username");
        (!name.is_empty()).then_some(name)
    }

    fn branch_id(&self) -> Option<i64> {
        self.form.value("branch").parse().ok()
    }

    fn role(&self) -> Role {
        self.form.value("role").parse().unwrap_or(Role::Rm)
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> bool {
        self.form.clear_errors();
        self.message = None;
        let result: Result<String, StoreError> = match &self.kind {
            FormKind::NewUser => {
                let u = NewUser {
                    username: self.form.trimmed("username"),
                    display_name: match self.form.trimmed("display_name") {
                        d if d.is_empty() => self.form.trimmed("username"),
                        d => d,
                    },
                    role: self.role(),
                    branch_id: self.branch_id(),
                    password: self.form.value("password").to_string(),
                };
                ctx.store
                    .create_user(ctx.actor, &u)
                    .map(|_| ctx.i18n.f("status.user_created", &[("name", &u.username)]))
            }
            FormKind::EditUser(id) => {
                let upd = UserUpdate {
                    display_name: self.form.trimmed("display_name"),
                    role: self.role(),
                    branch_id: self.branch_id(),
                };
                ctx.store
                    .update_user(ctx.actor, *id, &upd)
                    .map(|_| ctx.i18n.t("status.user_saved").to_string())
            }
            FormKind::ResetPassword(id, name) => {
                if self.form.value("password") != self.form.value("confirm") {
                    self.form
                        .set_error("confirm", ctx.i18n.t("err.password.mismatch"));
                    return false;
                }
                ctx.store
                    .reset_password(ctx.actor, *id, self.form.value("password"))
                    .map(|_| ctx.i18n.f("status.password_reset", &[("name", name)]))
            }
            FormKind::NewBranch => ctx
                .store
                .create_branch(ctx.actor, self.form.value("code"), self.form.value("name"))
                .map(|_| {
                    ctx.i18n.f(
                        "status.branch_created",
                        &[("code", self.form.value("code").trim())],
                    )
                }),
        };
        match result {
            Ok(done) => {
                ctx.info(done);
                true
            }
            Err(e) => {
                self.message = show_store_error(&mut self.form, &e, ctx.i18n);
                false
            }
        }
    }
}

impl Popup<Done> for FormPopup {
    /// Handles a key: the discard question, save, the fields; Enter moves on, as Tab
    /// does (saving is always the explicit save key).
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        match self.discard.on_key(key, ctx.keys, self.form.is_dirty()) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return Step::Open,
            DiscardStep::Leave => return Step::Closed,
            DiscardStep::NotMine => return Step::Ignored,
        }
        if ctx.keys.is(key, Action::Save) {
            return if self.submit(ctx) {
                Step::Done(Done::Saved(self.username()))
            } else {
                Step::Open
            };
        }
        if self.form.on_key(key, ctx.keys) {
            return Step::Open;
        }
        if ctx.keys.is(key, Action::EnterNext) {
            self.form.focus_next();
            return Step::Open;
        }
        Step::Ignored
    }

    fn is_dirty(&self) -> bool {
        self.form.is_dirty()
    }

    /// The popup's keys for the command bar.
    fn commands(&self) -> Vec<Action> {
        self.discard.form_commands()
    }

    /// Draws the popup over `area`.
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let title = match &self.kind {
            FormKind::NewUser => v.i18n.t("admin.form.new_user").to_string(),
            FormKind::EditUser(_) => v.i18n.t("admin.form.edit_user").to_string(),
            FormKind::ResetPassword(_, name) => v.i18n.f("admin.form.reset", &[("name", name)]),
            FormKind::NewBranch => v.i18n.t("admin.form.new_branch").to_string(),
        };
        let rect = centered(
            area,
            area.width.saturating_sub(4).min(64),
            self.form.height() + 4,
        );
        let inner = popup(f, rect, &title, v.theme);
        let body = Rect::new(
            inner.x + 1,
            inner.y + 1,
            inner.width.saturating_sub(2),
            inner.height.saturating_sub(1),
        );
        self.form.draw(f, body, v.theme);
        if let Some(msg) = &self.message {
            let y = inner.y + inner.height.saturating_sub(1);
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(msg.as_str(), v.theme.error))),
                Rect::new(body.x, y, body.width, 1),
            );
        }
        self.discard.draw(f, area, v);
    }

    /// Forwards pasted text to the focused field.
    fn paste(&mut self, text: &str) {
        self.form.paste(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};

    #[test]
    fn the_user_and_branch_forms_show_what_they_take() {
        let mut env = env(Role::Admin);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(FormPopup::new_user(c.i18n, &[])) as Box<dyn Popup<Done>>
        });
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(FormPopup::new_branch(c.i18n)) as Box<dyn Popup<Done>>
        });
    }
}
