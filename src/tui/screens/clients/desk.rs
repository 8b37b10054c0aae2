//! The manager's desk over the clients screen: the hand-over of the marked clients, an
//! RM's request about the open client, and closing the open client with a reason.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use crate::tui::popup::{Popup, Step};
use crate::tui::screens::team::forms::{popup_step, PopupStep};
use crate::tui::screens::team::forms::{FormStep, RequestForm};
use crate::tui::screens::team::handover::{DialogStep, HandoverDialog};
use crate::tui::screens::{Ctx, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::PopupForm;

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
}

/// What a desk popup reports when it closes having changed something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskDone {
    /// Clients were handed over (the marks are cleared).
    HandedOver,
    /// A request was filed or the client closed.
    Changed,
}

impl Popup<DeskDone> for DeskPopup {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<DeskDone> {
        match self {
            DeskPopup::HandOver(d) => match d.on_key(key, ctx) {
                DialogStep::Open => Step::Open,
                DialogStep::Ignored => Step::Ignored,
                DialogStep::Closed(true) => Step::Done(DeskDone::HandedOver),
                DialogStep::Closed(false) => Step::Closed,
            },
            DeskPopup::Request(f) => match f.on_key(key, ctx) {
                FormStep::Open => Step::Open,
                FormStep::Ignored => Step::Ignored,
                FormStep::Cancelled => Step::Closed,
                FormStep::Saved => Step::Done(DeskDone::Changed),
            },
            DeskPopup::Close(id, form) => match popup_step(form, key, ctx) {
                PopupStep::Open => Step::Open,
                PopupStep::Ignored => Step::Ignored,
                PopupStep::Cancelled => Step::Closed,
                PopupStep::Submit => {
                    match ctx.store.close_client(ctx.actor, *id, form.value("reason")) {
                        Ok(()) => {
                            ctx.info(ctx.i18n.t("status.client_closed").to_string());
                            Step::Done(DeskDone::Changed)
                        }
                        Err(e) => {
                            form.refused(&e, ctx);
                            Step::Open
                        }
                    }
                }
            },
        }
    }

    fn busy(&self) -> bool {
        matches!(self, DeskPopup::HandOver(d) if d.running())
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) -> Step<DeskDone> {
        match self {
            DeskPopup::HandOver(d) => {
                if d.tick(ctx) {
                    Step::Report(DeskDone::HandedOver)
                } else {
                    Step::Open
                }
            }
            _ => Step::Open,
        }
    }

    fn is_dirty(&self) -> bool {
        match self {
            DeskPopup::HandOver(d) => d.is_dirty() || d.running(),
            DeskPopup::Request(f) => f.is_dirty(),
            DeskPopup::Close(_, f) => f.is_dirty(),
        }
    }

    fn commands(&self) -> Vec<crate::tui::keymap::Action> {
        match self {
            DeskPopup::HandOver(d) => d.commands(),
            DeskPopup::Request(f) => f.commands(),
            DeskPopup::Close(_, f) => f.commands(),
        }
    }

    fn paste(&mut self, text: &str) {
        match self {
            DeskPopup::HandOver(d) => d.paste(text),
            DeskPopup::Request(f) => f.paste(text),
            DeskPopup::Close(_, f) => f.paste(text),
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        match self {
            DeskPopup::HandOver(d) => d.draw(f, area, v),
            DeskPopup::Request(r) => r.draw(f, area, v),
            DeskPopup::Close(_, form) => form.draw(f, area, v),
        }
    }
}
