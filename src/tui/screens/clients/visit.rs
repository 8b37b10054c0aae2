//! The visit form: a popup over the client 360 view that records a visit (call report)
//! to the open client through `Store::record_visit`. The summary is a multi-line field
//! (Enter breaks its line; Tab moves on); a next-step date makes a follow-up task.
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::domain::visit::{Channel, VisitInput};
use crate::store::visits::Recorded;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::screens::{show_store_error, Ctx, View};
use crate::tui::widgets::discard::{Discard, DiscardStep};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, popup};

use super::codes::channel_key;

/// What a key did to the visit form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitResult {
    /// Still open.
    Open,
    /// Not a key of the form (lock, quit, screen keys).
    Ignored,
    /// Closed without saving.
    Cancelled,
    /// Saved.
    Saved(Recorded),
}

/// The visit form for one client.
#[derive(Debug, Clone)]
pub struct VisitForm {
    client_id: i64,
    title: String,
    /// The fields.
    pub form: Form,
    /// The question before Esc drops what was typed.
    discard: Discard,
    message: Option<String>,
}

impl VisitForm {
    /// A form for a visit to client `client_id` (`client_no`, `name` for the title),
    /// dated `now` (local `YYYY-MM-DD HH:MM`).
    pub fn new(i: &I18n, client_id: i64, client_no: &str, name: &str, now: &str) -> VisitForm {
        let channels = Channel::ALL
            .iter()
            .map(|c| {
                let label = channel_key(c.code()).map_or(c.code(), |k| i.t(k));
                (c.code().to_string(), label.to_string())
            })
            .collect();
        let fields = vec![
            Field::text("visited_at", i.t("visit.field.visited_at"), now),
            Field::choice(
                "channel",
                i.t("visit.field.channel"),
                channels,
                Channel::Branch.code(),
            ),
            Field::text("purpose", i.t("visit.field.purpose"), ""),
            Field::multi("summary", i.t("visit.field.summary"), ""),
            Field::text("outcome", i.t("visit.field.outcome"), ""),
            Field::text("next_step", i.t("visit.field.next_step"), ""),
            Field::text("next_step_on", i.t("visit.field.next_step_on"), ""),
        ];
        VisitForm {
            client_id,
            title: i.f(
                "visit.form.title",
                &[("client_no", client_no), ("name", name)],
            ),
            form: Form::new(fields),
            discard: Discard::default(),
            message: None,
        }
    }

    /// What the store is asked to save.
    pub fn input(&self) -> VisitInput {
        let f = &self.form;
        VisitInput {
            visited_at: f.value("visited_at").to_string(),
            channel: f.value("channel").to_string(),
            purpose: f.value("purpose").to_string(),
            summary: f.value("summary").to_string(),
            outcome: f.value("outcome").to_string(),
            next_step: f.value("next_step").to_string(),
            next_step_on: f.value("next_step_on").to_string(),
        }
    }

    /// Whether something was changed.
    pub fn is_dirty(&self) -> bool {
        self.form.is_dirty()
    }

    /// Handles a key: the discard question first, then save / back, then the fields.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> VisitResult {
        let k = ctx.keys;
        match self.discard.on_key(key, k, self.form.is_dirty()) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return VisitResult::Open,
            DiscardStep::Leave => return VisitResult::Cancelled,
            DiscardStep::NotMine => return VisitResult::Ignored,
        }
        if k.is(key, Action::Save) {
            return self.submit(ctx);
        }
        // The summary takes Enter as a line break; elsewhere Enter moves on, as Tab does.
        let mut used = self.form.on_key(key, k);
        if !used && k.is(key, Action::Open) {
            used = self.form.on_key(&KeyEvent::from(KeyCode::Tab), k);
        }
        if used {
            VisitResult::Open
        } else {
            VisitResult::Ignored
        }
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> VisitResult {
        self.form.clear_errors();
        self.message = None;
        match ctx
            .store
            .record_visit(ctx.actor, self.client_id, &self.input())
        {
            Ok(r) => VisitResult::Saved(r),
            Err(e) => {
                self.message = show_store_error(&mut self.form, &e, ctx.i18n);
                if let Some(m) = &self.message {
                    ctx.error(m.clone());
                }
                VisitResult::Open
            }
        }
    }

    /// The form's keys (or the discard question's).
    pub fn commands(&self) -> Vec<Action> {
        if self.discard.asking() {
            return vec![Action::Yes, Action::No];
        }
        vec![
            Action::Save,
            Action::Back,
            Action::NextField,
            Action::PrevField,
        ]
    }

    /// Pasted text goes to the focused field.
    pub fn paste(&mut self, text: &str) {
        if !self.discard.asking() {
            self.form.paste(text);
        }
    }

    /// Draws the form over `area` (and the discard question over it).
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        f.render_widget(Clear, area);
        let has_message = self.message.is_some();
        let wanted = self.form.height() + 2 + u16::from(has_message);
        let rect = centered(area, area.width.min(76), wanted.min(area.height));
        let inner = popup(f, rect, &self.title, v.theme);
        let body = Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(2),
            inner.height.saturating_sub(u16::from(has_message)),
        );
        self.form.draw(f, body, v.theme);
        if let Some(msg) = &self.message {
            if inner.height > 0 {
                let y = inner.y + inner.height - 1;
                f.render_widget(
                    Paragraph::new(Line::from(Span::styled(msg.as_str(), v.theme.error))),
                    Rect::new(body.x, y, body.width, 1),
                );
            }
        }
        self.discard.draw(f, area, v);
    }
}
