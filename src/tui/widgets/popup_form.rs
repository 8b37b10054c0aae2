//! A form in a popup: a title, the fields, the discard question and a message line.
//! Every record popup (visit, return call, feedback, handling feedback) is one of these
//! plus the store call its Ctrl-S makes, so they all take keys, ask before dropping what
//! was typed and show refusals the same way. The calendar's task popup also opens one
//! read-only, to show another user's task. A field that names a client
//! ([`PopupForm::pick_client_in`]) opens the client picker as soon as something is typed
//! in it, in every form alike.
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::client_picker::{ClientPicker, PickStep};
use super::discard::{Discard, DiscardStep};
use super::field::Field;
use super::form::Form;
use super::{centered, popup};
use crate::store::StoreError;
use crate::tui::keymap::{is_text, Action, Keymap};
use crate::tui::popup::Step;
use crate::tui::screens::{show_store_error, Ctx, View};

/// What a popup form reports: the user asked to save (Ctrl-S) or, in a filter, to
/// apply (Enter). The owner saves and calls [`PopupForm::refused`] on failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submit;

impl Step<Submit> {
    /// This step for a popup reporting `T`, with a submit answered by `submit`.
    pub fn or_submit<T>(self, submit: impl FnOnce() -> Step<T>) -> Step<T> {
        match self {
            Step::Done(Submit) | Step::Report(Submit) => submit(),
            Step::Open => Step::Open,
            Step::Ignored => Step::Ignored,
            Step::Closed => Step::Closed,
        }
    }
}

/// A titled form in a popup.
#[derive(Debug, Clone)]
pub struct PopupForm {
    /// The title in the border.
    pub title: String,
    /// The fields.
    pub form: Form,
    /// The widest the popup grows.
    pub max_width: u16,
    /// Only for reading: Esc or Enter closes, Tab moves between the fields, nothing
    /// can be typed or saved.
    pub read_only: bool,
    /// Whether drawing clears the whole area behind the popup (a record popup hides the
    /// personal data behind it); `false` leaves the screen showing around the popup.
    pub hide_behind: bool,
    /// A dim line under the fields (a hint, where a record came from), shown while no
    /// refusal is.
    pub note: Option<String>,
    /// A filter: Enter applies, Esc closes without asking (nothing typed is lost).
    pub filter: bool,
    discard: Discard,
    message: Option<String>,
    /// The fields naming a client, and whether each holds several (comma-separated).
    client_fields: Vec<(&'static str, bool)>,
    /// The client picker over the field it was opened from.
    picker: Option<(&'static str, ClientPicker)>,
}

impl PopupForm {
    /// A popup titled `title` with `fields`.
    pub fn new(title: String, fields: Vec<Field>) -> PopupForm {
        PopupForm {
            title,
            form: Form::new(fields),
            max_width: 76,
            read_only: false,
            hide_behind: true,
            note: None,
            filter: false,
            discard: Discard::default(),
            message: None,
            client_fields: Vec::new(),
            picker: None,
        }
    }

    /// Makes field `id` name a client: typing in it opens the client picker, and the
    /// client chosen there is written into it by number (`several`: added to the
    /// numbers already there). Nothing is taken unless chosen.
    pub fn pick_client_in(&mut self, id: &'static str, several: bool) {
        self.client_fields.push((id, several));
    }

    /// Whether the client picker is open.
    pub fn picking(&self) -> bool {
        self.picker.is_some()
    }

    /// Handles a key as [`PopupForm::on_key`] does, with the client picker first: open,
    /// it takes the key; closed, a character typed in a client field opens it.
    pub fn on_key_in(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Submit> {
        if let Some((id, p)) = &mut self.picker {
            let id = *id;
            match p.on_key(key, ctx) {
                PickStep::Open => return Step::Open,
                PickStep::Ignored => return Step::Ignored,
                PickStep::Cancelled => self.picker = None,
                PickStep::Chosen(c) => {
                    self.picker = None;
                    let several = self.client_fields.contains(&(id, true));
                    let before = self.form.trimmed(id);
                    let value = if several && !before.is_empty() {
                        format!("{before}, {}", c.client_no)
                    } else {
                        c.client_no
                    };
                    self.form.clear(id);
                    self.form.focus_on(id);
                    self.form.paste(&value);
                    self.form.mark_dirty();
                }
            }
            return Step::Open;
        }
        if !self.read_only && !self.discard.asking() && is_text(key) {
            let focused = self.form.focused_id();
            let field = self.client_fields.iter().find(|(f, _)| *f == focused);
            if let (Some(&(id, several)), KeyCode::Char(c)) = (field, key.code) {
                let typed = if several {
                    c.to_string()
                } else {
                    format!("{}{c}", self.form.value(id))
                };
                self.picker = Some((id, ClientPicker::open(&typed, ctx)));
                return Step::Open;
            }
        }
        self.on_key(key, ctx.keys)
    }

    /// Whether something was changed (never, read-only).
    pub fn is_dirty(&self) -> bool {
        !self.read_only && self.form.is_dirty()
    }

    /// The value of field `id`.
    pub fn value(&self, id: &str) -> &str {
        self.form.value(id)
    }

    /// Handles a key: the discard question first, then the popup's own actions (what
    /// [`PopupForm::commands`] lists), with the focused field taking text first. Enter
    /// moves to the next field, except in a multi-line field (a line break there) and in
    /// a filter (it applies). Read-only, Esc and Enter close and only field moves work.
    pub fn on_key(&mut self, key: &KeyEvent, k: &Keymap) -> Step<Submit> {
        if self.read_only {
            return match k.action_in(key, &self.commands()) {
                Some(Action::Back | Action::Submit) => Step::Closed,
                Some(Action::NextField | Action::Down) => {
                    self.form.focus_next();
                    Step::Open
                }
                Some(Action::PrevField | Action::Up) => {
                    self.form.focus_prev();
                    Step::Open
                }
                _ => Step::Ignored,
            };
        }
        let dirty = self.form.is_dirty() && !self.filter;
        match self.discard.on_key(key, k, dirty) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return Step::Open,
            DiscardStep::Leave => return Step::Closed,
            DiscardStep::NotMine => return Step::Ignored,
        }
        let commands = self.commands();
        let multi_line = self.form.focused_is_multi_line();
        let submit = if self.filter && !multi_line {
            Action::Submit
        } else {
            Action::Save
        };
        if k.is(key, submit) && commands.contains(&submit) {
            self.form.clear_errors();
            self.message = None;
            return Step::Done(Submit);
        }
        if self.form.on_key(key, k) {
            return Step::Open;
        }
        if k.action_in(key, &commands) == Some(Action::EnterNext) {
            self.form.focus_next();
            return Step::Open;
        }
        Step::Ignored
    }

    /// Puts a refused save back on the form (errors at their fields, anything else on
    /// the message line and the status line); every value stays.
    pub fn refused(&mut self, err: &StoreError, ctx: &mut Ctx<'_>) {
        self.message = show_store_error(&mut self.form, err, ctx.i18n);
        if let Some(m) = &self.message {
            ctx.error(m.clone());
        }
    }

    /// The popup's keys (or the discard question's): save (a filter: Enter applies),
    /// back, the field moves when there are several fields; read-only, close and the
    /// field moves.
    pub fn commands(&self) -> Vec<Action> {
        if let Some((_, p)) = &self.picker {
            return p.commands();
        }
        let several = self.form.fields.len() > 1;
        let moves = [
            Action::NextField,
            Action::PrevField,
            Action::Up,
            Action::Down,
        ];
        if self.read_only {
            let mut keys = vec![Action::Back, Action::Submit];
            if several {
                keys.extend(moves);
            }
            return keys;
        }
        if self.discard.asking() {
            return self.discard.form_commands();
        }
        let mut keys = if self.filter {
            vec![Action::Submit, Action::Back]
        } else {
            vec![Action::Save, Action::Back]
        };
        if several {
            keys.extend(moves);
            if !self.filter {
                keys.push(Action::EnterNext);
            }
        }
        keys
    }

    /// Pasted text goes to the focused field (nowhere, read-only).
    pub fn paste(&mut self, text: &str) {
        if !self.read_only && !self.discard.asking() {
            self.form.paste(text);
        }
    }

    /// Draws the popup centred over `area` (and the discard question over it).
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        if self.hide_behind {
            f.render_widget(Clear, area);
        }
        let line = match (&self.message, &self.note) {
            (Some(m), _) => Some((m.as_str(), v.theme.error)),
            (None, Some(n)) => Some((n.as_str(), v.theme.dim)),
            (None, None) => None,
        };
        draw_popup(f, area, &self.title, &self.form, line, self.max_width, v);
        self.discard.draw(f, area, v);
        if let Some((_, p)) = &self.picker {
            p.draw(f, area, v);
        }
    }
}

/// Clears `area` (a form hides what is behind it, personal data included) and draws
/// `form` in a popup titled `title`, as tall as its fields need (they scroll when the
/// window is shorter), at most `max_width` wide, with `message` on its last line.
pub fn draw_form(
    f: &mut Frame,
    area: Rect,
    title: &str,
    form: &Form,
    message: Option<&str>,
    max_width: u16,
    v: &View<'_>,
) {
    f.render_widget(Clear, area);
    let line = message.map(|m| (m, v.theme.error));
    draw_popup(f, area, title, form, line, max_width, v);
}

/// Draws `form` in a popup titled `title` centred over `area` (leaving the rest of
/// `area` as it is), with `line` in its style on the popup's last line.
fn draw_popup(
    f: &mut Frame,
    area: Rect,
    title: &str,
    form: &Form,
    line: Option<(&str, Style)>,
    max_width: u16,
    v: &View<'_>,
) {
    let has_message = line.is_some();
    let wanted = form.height() + 2 + u16::from(has_message);
    let rect = centered(area, area.width.min(max_width), wanted.min(area.height));
    let inner = popup(f, rect, title, v.theme);
    let body = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(u16::from(has_message)),
    );
    form.draw(f, body, v.theme);
    if let Some((msg, style)) = line {
        if inner.height > 0 {
            let y = inner.y + inner.height - 1;
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(msg, style))),
                Rect::new(body.x, y, body.width, 1),
            );
        }
    }
}

/// Makes a type holding a [`PopupForm`] in `popup` and a `submit(&mut self, ctx) ->
/// Step<T>` a [`crate::tui::popup::Popup`] reporting `T`: keys go to the form, Ctrl-S
/// (a filter: Enter) to `submit`; the bar shows the form's keys.
macro_rules! form_popup {
    ($t:ty => $out:ty) => {
        impl $crate::tui::popup::Popup<$out> for $t {
            fn on_key(
                &mut self,
                key: &crossterm::event::KeyEvent,
                ctx: &mut $crate::tui::screens::Ctx<'_>,
            ) -> $crate::tui::popup::Step<$out> {
                self.popup
                    .on_key_in(key, ctx)
                    .or_submit(|| self.submit(ctx))
            }
            fn draw(
                &self,
                f: &mut ratatui::Frame,
                area: ratatui::layout::Rect,
                v: &$crate::tui::screens::View<'_>,
            ) {
                self.popup.draw(f, area, v);
            }
            fn commands(&self) -> Vec<$crate::tui::keymap::Action> {
                self.popup.commands()
            }
            fn paste(&mut self, text: &str) {
                self.popup.paste(text);
            }
            fn is_dirty(&self) -> bool {
                self.popup.is_dirty()
            }
        }
    };
}
pub(crate) use form_popup;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client::ClientInput;
    use crate::store::clients::SaveOutcome;
    use crate::store::Role;
    use crate::tui::popup::testing::env;
    use crossterm::event::KeyModifiers;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    /// A client field opens the picker on the first character typed; what is chosen is
    /// written by number (a field of several adds it to those there); other fields and
    /// a form without client fields take text as ever.
    #[test]
    fn a_client_field_opens_the_picker_and_takes_only_what_is_chosen() {
        let mut env = env(Role::Rm);
        for (n, name) in [(1, "王伟"), (2, "王伟洋")] {
            let input = ClientInput {
                kind: "individual".into(),
                name: name.into(),
                id_type: "passport".into(),
                id_number: format!("E{n:08}"),
                ..ClientInput::default()
            };
            let actor = env.actor.clone();
            let saved = env
                .store
                .create_client(&actor, &input, true)
                .expect("client");
            assert!(matches!(saved, SaveOutcome::Saved(_)));
        }
        let fields = || {
            vec![
                Field::text("clients", "Clients", ""),
                Field::text("note", "Note", ""),
            ]
        };
        let mut ctx = env.ctx();
        let mut form = PopupForm::new("t".into(), fields());
        form.pick_client_in("clients", true);
        for c in "王伟".chars() {
            assert_eq!(
                form.on_key_in(&press(KeyCode::Char(c)), &mut ctx),
                Step::Open
            );
        }
        assert!(form.picking());
        assert_eq!(
            form.commands(),
            vec![Action::Open, Action::Up, Action::Down, Action::Back]
        );
        assert_eq!(form.value("clients"), "", "nothing taken while picking");
        // 王伟 and 王伟洋 both match; ↓ Enter takes the second.
        form.on_key_in(&press(KeyCode::Down), &mut ctx);
        form.on_key_in(&press(KeyCode::Enter), &mut ctx);
        assert!(!form.picking());
        assert_eq!(form.value("clients"), "C000000002");
        assert!(form.is_dirty());
        // Typing again adds the next client chosen; Esc leaves the field as it was.
        form.on_key_in(&press(KeyCode::Char('C')), &mut ctx);
        form.on_key_in(&press(KeyCode::Esc), &mut ctx);
        assert_eq!(form.value("clients"), "C000000002");
        for c in "王伟".chars() {
            form.on_key_in(&press(KeyCode::Char(c)), &mut ctx);
        }
        form.on_key_in(&press(KeyCode::Enter), &mut ctx);
        assert_eq!(form.value("clients"), "C000000002, C000000001");
        // The note field is text.
        form.on_key_in(&press(KeyCode::Tab), &mut ctx);
        form.on_key_in(&press(KeyCode::Char('x')), &mut ctx);
        assert!(!form.picking());
        assert_eq!(form.value("note"), "x");
        // A form without a client field never opens it.
        let mut plain = PopupForm::new("t".into(), fields());
        plain.on_key_in(&press(KeyCode::Char('王')), &mut ctx);
        assert!(!plain.picking());
        assert_eq!(plain.value("clients"), "王");
    }
}
