//! The recovery key of a database just created, shown once inside the screens before the
//! set-up or sign-in form: the key in numbered groups (to write down or read aloud), what
//! it is for, and a confirmation — the user types its last group — before going on. The
//! key is held only here, in memory, and is never logged.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::gate::GateEvent;
use super::View;
use crate::store::keys::RecoveryKey;
use crate::tui::i18n::I18n;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, popup, wrap};

/// The recovery-key screen.
pub struct Recovery {
    key: RecoveryKey,
    form: Form,
    /// The refusal of a wrong last group.
    message: Option<String>,
}

impl std::fmt::Debug for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recovery(…)")
    }
}

impl Recovery {
    /// The screen for `key`.
    pub fn new(key: RecoveryKey, i18n: &I18n) -> Recovery {
        let label = i18n.f(
            "recovery.confirm",
            &[("n", &groups(&key).len().to_string())],
        );
        Recovery {
            key,
            form: Form::new(vec![Field::text("last_group", label, "")]),
            message: None,
        }
    }

    /// The key, for printing when the screens cannot show it.
    pub fn into_key(self) -> RecoveryKey {
        self.key
    }

    /// Enter (or the save key) submits; other keys edit the confirmation field.
    pub fn on_key(&mut self, key: &KeyEvent, keys: &Keymap) -> GateEvent {
        if keys.is(key, Action::Save) || keys.is(key, Action::Submit) {
            return GateEvent::Submit;
        }
        if self.form.on_key(key, keys) {
            GateEvent::None
        } else {
            GateEvent::Ignored
        }
    }

    /// Pasted text goes to the confirmation field.
    pub fn paste(&mut self, text: &str) {
        self.form.paste(text);
    }

    /// Whether the typed text is the key's last group (case, spaces and dashes aside);
    /// a wrong one is refused with a message and cleared.
    pub fn submit(&mut self, i18n: &I18n) -> bool {
        let typed: String = self
            .form
            .value("last_group")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let all = groups(&self.key);
        let last = all.last().map(String::as_str).unwrap_or_default();
        if !typed.is_empty() && typed.eq_ignore_ascii_case(last) {
            return true;
        }
        self.form.clear("last_group");
        self.message = Some(i18n.f("recovery.wrong", &[("n", &all.len().to_string())]));
        false
    }

    /// The actions of the screen for the command bar.
    pub fn commands(&self) -> Vec<Action> {
        vec![Action::Submit]
    }

    /// Draws the panel: what the key is for, the key in numbered groups, the
    /// confirmation field and the refusal, if any.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let width = area.width.saturating_sub(4).clamp(10, 64);
        let text_w = usize::from(width.min(area.width).saturating_sub(4));
        let intro = wrap(v.i18n.t("recovery.intro"), text_w);
        let key_lines = key_lines(&groups(&self.key), text_w);
        let message: Vec<String> = self
            .message
            .as_deref()
            .map(|m| wrap(m, text_w))
            .unwrap_or_default();
        let rows = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        // Border, intro, gap, key, gap, form, gap, message, border.
        let height = (rows(intro.len()) + rows(key_lines.len()) + self.form.height() + 5)
            .saturating_add(rows(message.len()))
            .min(area.height);
        let rect = centered(area, width, height);
        let inner = popup(f, rect, v.i18n.t("recovery.title"), v.theme);
        if inner.height == 0 {
            return;
        }
        let mut lines: Vec<Line> = intro
            .iter()
            .map(|l| Line::from(Span::raw(l.as_str())))
            .collect();
        lines.push(Line::default());
        lines.extend(
            key_lines
                .iter()
                .map(|l| Line::from(Span::styled(l.as_str(), v.theme.title))),
        );
        lines.push(Line::default());
        let top = rows(lines.len()).min(inner.height);
        let x = inner.x + 1;
        let w = inner.width.saturating_sub(2);
        f.render_widget(Paragraph::new(lines), Rect::new(x, inner.y, w, top));
        let form_h = self.form.height().min(inner.height - top);
        self.form
            .draw(f, Rect::new(x, inner.y + top, w, form_h), v.theme);
        if !message.is_empty() {
            let shown = rows(message.len()).min(inner.height - top - form_h);
            let text: Vec<Line> = message
                .iter()
                .take(usize::from(shown))
                .map(|l| Line::from(Span::styled(l.as_str(), v.theme.error)))
                .collect();
            f.render_widget(
                Paragraph::new(text),
                Rect::new(x, inner.y + inner.height - shown, w, shown),
            );
        }
    }
}

/// The key's groups as printed by the command line (8 groups of 8 hexadecimal digits).
fn groups(key: &RecoveryKey) -> Vec<String> {
    key.display().split('-').map(str::to_string).collect()
}

/// The groups numbered (`1 0a1b2c3d`), as many to a line as `width` holds (4, 2 or 1),
/// three spaces apart.
fn key_lines(groups: &[String], width: usize) -> Vec<String> {
    let cell = |i: usize, g: &str| format!("{} {g}", i + 1);
    let cell_w = groups
        .iter()
        .enumerate()
        .map(|(i, g)| cell(i, g).len())
        .max()
        .unwrap_or(0);
    let per = [4usize, 2]
        .into_iter()
        .find(|n| n * cell_w + (n - 1) * 3 <= width)
        .unwrap_or(1);
    groups
        .chunks(per)
        .enumerate()
        .map(|(row, chunk)| {
            chunk
                .iter()
                .enumerate()
                .map(|(i, g)| cell(row * per + i, g))
                .collect::<Vec<_>>()
                .join("   ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RecoveryKey {
        RecoveryKey::parse(&"0123456789abcdef".repeat(4)).expect("a key")
    }

    #[test]
    fn groups_are_numbered_four_two_or_one_to_a_line() {
        let g = groups(&key());
        assert_eq!(g.len(), 8);
        assert_eq!(g[7], "89abcdef");
        let wide = key_lines(&g, 60);
        assert_eq!(wide.len(), 2);
        assert_eq!(wide[0], "1 01234567   2 89abcdef   3 01234567   4 89abcdef");
        assert_eq!(key_lines(&g, 30).len(), 4);
        assert_eq!(key_lines(&g, 12).len(), 8);
    }

    #[test]
    fn only_the_last_group_confirms() {
        let i18n = I18n::new(crate::tui::i18n::Lang::En);
        let mut r = Recovery::new(key(), &i18n);
        assert!(!r.submit(&i18n), "nothing typed");
        assert!(r.message.is_some());
        r.form.paste("01234567");
        assert!(!r.submit(&i18n), "the first group is not the last");
        assert_eq!(r.form.value("last_group"), "", "a wrong group is cleared");
        r.form.paste(" 89ABCDEF ");
        assert!(r.submit(&i18n), "case and spaces aside");
    }
}
