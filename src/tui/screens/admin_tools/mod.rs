//! The administrator's tools on F8 beside the user list: the audit log viewer, the
//! settings, and backup and restore. Each is a [`Screen`](super::Screen) of its own; the
//! administration screen shows one at a time and Tab moves between them.
pub mod audit;
pub mod backup;
pub mod settings;

use crossterm::event::KeyEvent;

use crate::tui::keymap::Keymap;
use crate::tui::popup::Step;
use crate::tui::widgets::popup_form::{PopupForm, Submit};

/// Which part of the administration screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    /// Users and branches.
    #[default]
    Users,
    /// The audit log viewer.
    Audit,
    /// Settings.
    Settings,
    /// Backup and restore.
    Backup,
}

impl Section {
    /// Every section, in Tab order.
    pub const ALL: [Section; 4] = [
        Section::Users,
        Section::Audit,
        Section::Settings,
        Section::Backup,
    ];

    /// The next one (Tab), round.
    pub fn next(self) -> Section {
        let i = Section::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Section::ALL[(i + 1) % Section::ALL.len()]
    }

    /// Catalogue key of its name.
    pub fn title_key(self) -> &'static str {
        match self {
            Section::Users => "admin.section.users",
            Section::Audit => "admin.section.audit",
            Section::Settings => "admin.section.settings",
            Section::Backup => "admin.section.backup",
        }
    }
}

/// What a key did to one of the tools' popup forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormKey {
    /// Still open, the key used.
    Open,
    /// Not the form's key.
    Ignored,
    /// Closed without saving.
    Cancelled,
    /// Save (Ctrl-S).
    Submit,
}

/// Hands `key` to `form`.
pub(crate) fn form_key(form: &mut PopupForm, key: &KeyEvent, keys: &Keymap) -> FormKey {
    match form.on_key(key, keys) {
        Step::Open => FormKey::Open,
        Step::Ignored => FormKey::Ignored,
        Step::Closed => FormKey::Cancelled,
        Step::Done(Submit) | Step::Report(Submit) => FormKey::Submit,
    }
}
