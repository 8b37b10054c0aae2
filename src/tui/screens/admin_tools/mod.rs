//! The administrator's tools on F8 beside the user list: the audit log viewer, the
//! settings, and backup and restore. Each is a [`Screen`](super::Screen) of its own; the
//! administration screen shows one at a time and Tab moves between them. Their popups
//! (forms, an entry's detail, a question, a running backup or restore) are on each
//! tool's popup [`Stack`](crate::tui::popup::Stack).
pub mod audit;
pub mod backup;
pub mod settings;

pub mod job;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{Ctx, View};
use crate::tui::widgets::popup_form::PopupForm;

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

/// What a tool form does with its values when saved: [`Step::Open`] keeps it open (a
/// refusal shown at its field), [`Step::Done`] closes it with a result for the tool.
pub(crate) type OnSubmit<T> = Box<dyn FnMut(&mut PopupForm, &mut Ctx<'_>) -> Step<T>>;

/// One of the tools' forms on their popup stack: a [`PopupForm`] and what its save does.
pub(crate) struct ToolForm<T> {
    form: PopupForm,
    on_submit: OnSubmit<T>,
}

impl<T> ToolForm<T> {
    /// `form`, saved by `on_submit`.
    pub(crate) fn new(
        form: PopupForm,
        on_submit: impl FnMut(&mut PopupForm, &mut Ctx<'_>) -> Step<T> + 'static,
    ) -> ToolForm<T> {
        ToolForm {
            form,
            on_submit: Box::new(on_submit),
        }
    }
}

impl<T> Popup<T> for ToolForm<T> {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<T> {
        let step = self.form.on_key(key, ctx.keys);
        step.or_submit(|| (self.on_submit)(&mut self.form, ctx))
    }
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        self.form.draw(f, area, v);
    }
    fn commands(&self) -> Vec<Action> {
        self.form.commands()
    }
    fn paste(&mut self, text: &str) {
        self.form.paste(text);
    }
    fn is_dirty(&self) -> bool {
        self.form.is_dirty()
    }
}
