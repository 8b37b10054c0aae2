//! The manager's desk over the clients screen: the hand-over of the marked clients, an
//! RM's request about the open client, and closing the open client with a reason.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use crate::tui::screens::team::forms::{FormStep, RequestForm};
use crate::tui::screens::team::handover::{DialogStep, HandoverDialog};
use crate::tui::screens::{Ctx, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{PopupForm, PopupStep};

/// What a desk popup did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskStep {
    /// Still open.
    Open,
    /// Not its key.
    Ignored,
    /// Closed; `true` when something changed (the list and the view reload).
    Closed(bool),
}

/// A desk popup.
#[derive(Debug)]
pub enum DeskPopup {
    /// Hand the marked clients over.
    HandOver(Box<HandoverDialog>),
    /// An RM's request.
    Request(Box<RequestForm>),
    /// Close client `id`.
    Close(i64, Box<PopupForm>),
}

impl DeskPopup {
    /// The close question for client `id` (number and name shown).
    pub fn close(ctx: &Ctx<'_>, id: i64, who: &str) -> DeskPopup {
        let i = ctx.i18n;
        let mut form = PopupForm::new(
            format!("{} · {who}", i.t("desk.close_title")),
            vec![Field::text("reason", i.t("desk.close_reason"), "")],
        );
        form.note = Some(i.t("desk.close_hint").to_string());
        DeskPopup::Close(id, Box::new(form))
    }

    /// Handles a key.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> DeskStep {
        match self {
            DeskPopup::HandOver(d) => match d.on_key(key, ctx) {
                DialogStep::Open => DeskStep::Open,
                DialogStep::Ignored => DeskStep::Ignored,
                DialogStep::Closed(moved) => DeskStep::Closed(moved),
            },
            DeskPopup::Request(f) => match f.on_key(key, ctx) {
                FormStep::Open => DeskStep::Open,
                FormStep::Ignored => DeskStep::Ignored,
                FormStep::Cancelled => DeskStep::Closed(false),
                FormStep::Saved => DeskStep::Closed(true),
            },
            DeskPopup::Close(id, form) => match form.on_key(key, ctx) {
                PopupStep::Open => DeskStep::Open,
                PopupStep::Ignored => DeskStep::Ignored,
                PopupStep::Cancelled => DeskStep::Closed(false),
                PopupStep::Submit => {
                    match ctx.store.close_client(ctx.actor, *id, form.value("reason")) {
                        Ok(()) => {
                            ctx.info(ctx.i18n.t("status.client_closed").to_string());
                            DeskStep::Closed(true)
                        }
                        Err(e) => {
                            form.refused(&e, ctx);
                            DeskStep::Open
                        }
                    }
                }
            },
        }
    }

    /// Whether a hand-over runs.
    pub fn busy(&self) -> bool {
        matches!(self, DeskPopup::HandOver(d) if d.running())
    }

    /// Takes in a running hand-over's progress; `true` when it has just ended.
    pub fn tick(&mut self, ctx: &mut Ctx<'_>) -> bool {
        match self {
            DeskPopup::HandOver(d) => d.tick(ctx),
            _ => false,
        }
    }

    /// Whether something typed would be lost.
    pub fn is_dirty(&self) -> bool {
        match self {
            DeskPopup::HandOver(d) => d.is_dirty() || d.running(),
            DeskPopup::Request(f) => f.is_dirty(),
            DeskPopup::Close(_, f) => f.is_dirty(),
        }
    }

    /// Its keys.
    pub fn commands(&self) -> Vec<crate::tui::keymap::Action> {
        match self {
            DeskPopup::HandOver(d) => d.commands(),
            DeskPopup::Request(f) => f.commands(),
            DeskPopup::Close(_, f) => f.commands(),
        }
    }

    /// Pasted text.
    pub fn paste(&mut self, text: &str) {
        match self {
            DeskPopup::HandOver(d) => d.paste(text),
            DeskPopup::Request(f) => f.paste(text),
            DeskPopup::Close(_, f) => f.paste(text),
        }
    }

    /// Draws it over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        match self {
            DeskPopup::HandOver(d) => d.draw(f, area, v),
            DeskPopup::Request(r) => r.draw(f, area, v),
            DeskPopup::Close(_, form) => form.draw(f, area, v),
        }
    }
}
