//! The screens before the application: first-run set-up, sign-in, the forced password
//! change, and the lock screen. Each is a small form in a centred panel; submitting it
//! asks the store, and a refusal keeps the form as typed (passwords are cleared).
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{show_store_error, store_error_text, View};
use crate::store::{Actor, Store, StoreError};
use crate::tui::i18n::I18n;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, popup};

/// Which gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateKind {
    /// No users yet: create the administrator.
    Setup,
    /// Sign in.
    Login,
    /// The signed-in user must choose a new password.
    ChangePassword,
    /// The screen is locked; `0` is the user's display name.
    Unlock(String),
}

/// A gate form and its message line.
#[derive(Debug, Clone)]
pub struct Gate {
    /// Which gate this is.
    pub kind: GateKind,
    /// The fields.
    pub form: Form,
    /// Message under the form (error or notice).
    pub message: Option<String>,
    /// Failed unlocks in a row (the lock screen).
    failures: i64,
    /// The account is locked by failed unlocks: the lock screen offers to quit.
    pub locked_out: bool,
}

/// What a key did to a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateEvent {
    /// Nothing for the caller to do.
    None,
    /// The user asked to submit.
    Submit,
    /// The key is not the gate's.
    Ignored,
}

impl Gate {
    /// The first-run form.
    pub fn setup(i18n: &I18n) -> Gate {
        Gate::new(
            GateKind::Setup,
            vec![
                Field::text("username", i18n.t("field.username"), ""),
                Field::text("display_name", i18n.t("field.display_name"), ""),
                Field::secret("password", i18n.t("field.password")),
                Field::secret("confirm", i18n.t("field.confirm")),
            ],
        )
    }

    /// The sign-in form.
    pub fn login(i18n: &I18n) -> Gate {
        Gate::new(
            GateKind::Login,
            vec![
                Field::text("username", i18n.t("field.username"), ""),
                Field::secret("password", i18n.t("field.password")),
            ],
        )
    }

    /// The forced password change.
    pub fn change_password(i18n: &I18n) -> Gate {
        Gate::new(
            GateKind::ChangePassword,
            vec![
                Field::secret("current", i18n.t("field.current_password")),
                Field::secret("new", i18n.t("field.new_password")),
                Field::secret("confirm", i18n.t("field.confirm")),
            ],
        )
    }

    /// The lock screen of `actor`.
    pub fn unlock(i18n: &I18n, actor: &Actor) -> Gate {
        Gate::new(
            GateKind::Unlock(actor.display_name.clone()),
            vec![Field::secret("password", i18n.t("field.password"))],
        )
    }

    fn new(kind: GateKind, fields: Vec<Field>) -> Gate {
        Gate {
            kind,
            form: Form::new(fields),
            message: None,
            failures: 0,
            locked_out: false,
        }
    }

    /// Enter on the last field (or the save key anywhere) submits; Enter elsewhere moves
    /// to the next field; other keys edit.
    pub fn on_key(&mut self, key: &KeyEvent, keys: &Keymap) -> GateEvent {
        if keys.is(key, Action::Save) || (keys.is(key, Action::Submit) && self.form.on_last()) {
            return GateEvent::Submit;
        }
        if keys.is(key, Action::Submit) {
            self.form.focus_next();
            return GateEvent::None;
        }
        if self.form.on_key(key, keys) {
            GateEvent::None
        } else {
            GateEvent::Ignored
        }
    }

    /// The actions of the gate for the command bar.
    pub fn commands(&self) -> Vec<Action> {
        let mut a = vec![Action::Submit];
        if self.form.fields.len() > 1 {
            a.push(Action::NextField);
        }
        a
    }

    fn refused(&mut self, err: &StoreError, i18n: &I18n) {
        self.form.clear_errors();
        self.message = show_store_error(&mut self.form, err, i18n);
    }

    /// Creates the administrator from the set-up form.
    pub fn submit_setup(&mut self, store: &mut Store, i18n: &I18n) -> Option<Actor> {
        self.form.clear_errors();
        self.message = None;
        if self.form.value("password") != self.form.value("confirm") {
            self.form
                .set_error("confirm", i18n.t("err.password.mismatch"));
            return None;
        }
        let name = self.form.trimmed("username");
        let display = match self.form.trimmed("display_name") {
            d if d.is_empty() => name.clone(),
            d => d,
        };
        match store.create_first_admin(&name, &display, self.form.value("password")) {
            Ok(actor) => Some(actor),
            Err(e) => {
                self.refused(&e, i18n);
                None
            }
        }
    }

    /// Signs in; a refusal shows the one generic message and clears the password.
    pub fn submit_login(&mut self, store: &mut Store, i18n: &I18n) -> Option<Actor> {
        let name = self.form.trimmed("username");
        let result = store.login(&name, self.form.value("password"));
        self.form.clear("password");
        match result {
            Ok(actor) => Some(actor),
            Err(e) => {
                self.message = Some(store_error_text(&e, i18n));
                self.form.focus_on(if name.is_empty() {
                    "username"
                } else {
                    "password"
                });
                None
            }
        }
    }

    /// Changes the signed-in user's password.
    pub fn submit_change(&mut self, store: &mut Store, actor: &mut Actor, i18n: &I18n) -> bool {
        self.form.clear_errors();
        self.message = None;
        if self.form.value("new") != self.form.value("confirm") {
            self.form
                .set_error("confirm", i18n.t("err.password.mismatch"));
            return false;
        }
        let (current, new) = (
            self.form.value("current").to_string(),
            self.form.value("new").to_string(),
        );
        match store.change_own_password(actor, &current, &new) {
            Ok(()) => true,
            Err(e) => {
                self.refused(&e, i18n);
                false
            }
        }
    }

    /// Unlocks the screen with the signed-in user's password.
    pub fn submit_unlock(&mut self, store: &mut Store, actor: &Actor, i18n: &I18n) -> bool {
        let result = store.unlock_screen(actor, self.form.value("password"));
        self.form.clear("password");
        match result {
            Ok(_) => true,
            Err(e) => {
                self.failures += 1;
                let max = store.setting_i64("lockout.max_attempts").unwrap_or(5);
                let locked = self.locked_out || self.failures >= max;
                self.message = Some(if locked {
                    self.locked_out = true;
                    let minutes = store.setting_i64("lockout.minutes").unwrap_or(15);
                    i18n.f("gate.lock.locked_out", &[("minutes", &minutes.to_string())])
                } else {
                    store_error_text(&e, i18n)
                });
                false
            }
        }
    }

    /// Draws the gate: a centred panel with a heading, the form and the message.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let (title, intro) = match &self.kind {
            GateKind::Setup => (
                v.i18n.t("gate.setup.title").to_string(),
                v.i18n.t("gate.setup.intro").to_string(),
            ),
            GateKind::Login => (
                v.i18n.t("gate.login.title").to_string(),
                v.i18n.t("gate.login.intro").to_string(),
            ),
            GateKind::ChangePassword => (
                v.i18n.t("gate.change.title").to_string(),
                v.i18n.t("gate.change.intro").to_string(),
            ),
            GateKind::Unlock(name) => (
                v.i18n.t("gate.lock.title").to_string(),
                v.i18n.f("gate.lock.intro", &[("name", name)]),
            ),
        };
        let width = area.width.saturating_sub(4).clamp(10, 64);
        let height = (self.form.height() + 7).min(area.height);
        let rect = centered(area, width, height);
        let inner = popup(f, rect, &title, v.theme);
        if inner.height == 0 {
            return;
        }
        let intro_h = 2.min(inner.height);
        f.render_widget(
            Paragraph::new(Span::styled(intro, v.theme.dim)).wrap(Wrap { trim: true }),
            Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(2), intro_h),
        );
        let form_area = Rect::new(
            inner.x + 1,
            inner.y + intro_h + 1,
            inner.width.saturating_sub(2),
            inner.height.saturating_sub(intro_h + 2),
        );
        self.form.draw(f, form_area, v.theme);
        if let Some(msg) = &self.message {
            let y = inner.y + inner.height - 1;
            let line = Line::from(Span::styled(msg.as_str(), v.theme.error));
            f.render_widget(
                Paragraph::new(line),
                Rect::new(inner.x + 1, y, inner.width.saturating_sub(2), 1),
            );
        }
    }
}
