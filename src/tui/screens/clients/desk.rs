//! The manager's desk over the clients screen: the hand-over of the marked clients
//! (the Team screen's dialog), an RM's request about the open client (the Team screen's
//! request form), and closing the open client with a reason (here). Each is a popup on
//! the clients screen's stack, its result mapped into [`DeskDone`].
use crate::store::StoreError;
use crate::tui::popup::Step;
use crate::tui::screens::Ctx;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

/// What a desk popup reports when it closes having changed something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskDone {
    /// Clients were handed over (the marks are cleared).
    HandedOver,
    /// A request was filed or the client closed.
    Changed,
}

/// Closing client `id`, with the reason asked.
#[derive(Debug)]
pub struct CloseForm {
    id: i64,
    popup: PopupForm,
}

impl CloseForm {
    /// The close question for client `id` (number and name shown).
    pub fn new(ctx: &Ctx<'_>, id: i64, who: &str) -> CloseForm {
        let i = ctx.i18n;
        let mut popup = PopupForm::new(
            format!("{} · {who}", i.t("desk.close_title")),
            vec![Field::text("reason", i.t("desk.close_reason"), "")],
        );
        popup.note = Some(i.t("desk.close_hint").to_string());
        CloseForm { id, popup }
    }

    /// Ctrl-S: closes the client (archived, never deleted).
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<DeskDone> {
        let closed: Result<(), StoreError> =
            ctx.store
                .close_client(ctx.actor, self.id, self.popup.value("reason"));
        match closed {
            Ok(()) => {
                ctx.info(ctx.i18n.t("status.client_closed").to_string());
                Step::Done(DeskDone::Changed)
            }
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

form_popup!(CloseForm => DeskDone);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};
    use crate::tui::popup::Popup;

    #[test]
    fn the_close_question_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(CloseForm::new(c, 1, "C000000001 王伟")) as Box<dyn Popup<DeskDone>>
        });
    }
}
