//! "Discard what you typed?": the question a form asks when Esc would throw away changes.
//! Forms hold a [`Discard`] and offer it every key first.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::confirm;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::screens::View;

/// Whether the question is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Discard {
    asking: bool,
}

/// What a key meant to the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscardStep {
    /// Not about discarding: the form handles it.
    Pass,
    /// Handled; the form stays open (the question opened or was answered no).
    Stay,
    /// Leave the form, dropping what was typed.
    Leave,
    /// The question is open and the key is not an answer (global keys such as lock).
    NotMine,
}

impl Discard {
    /// While asking: yes leaves, no or Esc returns to the form. Otherwise Esc leaves at
    /// once when nothing was typed (`dirty` false) and asks first when something was.
    pub fn on_key(&mut self, key: &KeyEvent, keys: &Keymap, dirty: bool) -> DiscardStep {
        if self.asking {
            if keys.is(key, Action::Yes) {
                return DiscardStep::Leave;
            }
            if keys.is(key, Action::No) || keys.is(key, Action::Back) {
                self.asking = false;
                return DiscardStep::Stay;
            }
            return DiscardStep::NotMine;
        }
        if keys.is(key, Action::Back) {
            if dirty {
                self.asking = true;
                return DiscardStep::Stay;
            }
            return DiscardStep::Leave;
        }
        DiscardStep::Pass
    }

    /// The keys of a form guarded by this question: yes/no while it is open, else save,
    /// back and the field moves.
    pub fn form_commands(&self) -> Vec<Action> {
        if self.asking {
            return vec![Action::Yes, Action::No, Action::Back];
        }
        vec![
            Action::Save,
            Action::Back,
            Action::NextField,
            Action::PrevField,
            Action::Up,
            Action::Down,
            Action::EnterNext,
        ]
    }

    /// Whether the question is open.
    pub fn asking(&self) -> bool {
        self.asking
    }

    /// Draws the question over `area` when it is open.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        if self.asking {
            let i = v.i18n;
            confirm(
                f,
                area,
                i.t("confirm.title"),
                i.t("confirm.discard"),
                v.keys,
                i,
                v.theme,
            );
        }
    }
}
