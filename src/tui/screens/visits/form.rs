//! The visit form (call report): over the client 360 view for the open client, on the
//! visit screen for any client the user may see (typed by client no. or name), or to
//! edit a visit. The summary is a multi-line field (Enter breaks its line; Tab moves on);
//! a next-step date makes (or moves) the follow-up task.
use crate::domain::visit::{Channel, VisitInput};
use crate::store::visits::Recorded;
use crate::store::{Role, StoreError};
use crate::tui::i18n::I18n;
use crate::tui::popup::Step;
use crate::tui::screens::codes::channel_key;
use crate::tui::screens::Ctx;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

/// What the visit form reports when it closes saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitSaved {
    /// A new visit, and the next-step date typed (its follow-up task's day).
    New(Recorded, String),
    /// The visit being edited, saved.
    Edited(i64),
}

/// Whose visit the form records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A new visit to this client.
    Client(i64),
    /// A new visit to the client typed in the form's client field.
    AnyClient,
    /// Changes to this visit.
    Edit(i64),
}

/// The visit form.
#[derive(Debug, Clone)]
pub struct VisitForm {
    target: Target,
    /// The popup with the fields.
    pub popup: PopupForm,
}

/// The fields of a visit; a new one also names the products discussed, and a manager's
/// the reason for recommending one that does not suit the client.
fn fields(i: &I18n, v: &VisitInput, new_by: Option<Role>) -> Vec<Field> {
    let channels = Channel::ALL
        .iter()
        .map(|c| {
            let label = channel_key(c.code()).map_or(c.code(), |k| i.t(k));
            (c.code().to_string(), label.to_string())
        })
        .collect();
    let channel = if v.channel.is_empty() {
        Channel::Branch.code()
    } else {
        v.channel.as_str()
    };
    let mut list = vec![
        Field::text("visited_at", i.t("visit.field.visited_at"), &v.visited_at),
        Field::choice("channel", i.t("visit.field.channel"), channels, channel),
        Field::text("purpose", i.t("visit.field.purpose"), &v.purpose),
        Field::multi("summary", i.t("visit.field.summary"), &v.summary),
        Field::text("outcome", i.t("visit.field.outcome"), &v.outcome),
        Field::text("next_step", i.t("visit.field.next_step"), &v.next_step),
        Field::text(
            "next_step_on",
            i.t("visit.field.next_step_on"),
            &v.next_step_on,
        ),
    ];
    if let Some(role) = new_by {
        list.push(Field::text(
            "products",
            i.t("visit.field.products_codes"),
            &v.products,
        ));
        if role == Role::Manager {
            list.push(Field::text(
                "override_reason",
                i.t("visit.field.override_reason"),
                &v.override_reason,
            ));
        }
    }
    list
}

fn dated(now: &str) -> VisitInput {
    VisitInput {
        visited_at: now.to_string(),
        ..VisitInput::default()
    }
}

impl VisitForm {
    /// A form for a visit to client `client_id` (`client_no`, `name` for the title),
    /// dated `now` (local `YYYY-MM-DD HH:MM`).
    pub fn new(
        i: &I18n,
        role: Role,
        client_id: i64,
        client_no: &str,
        name: &str,
        now: &str,
    ) -> VisitForm {
        let title = i.f(
            "visit.form.title",
            &[("client_no", client_no), ("name", name)],
        );
        VisitForm {
            target: Target::Client(client_id),
            popup: PopupForm::new(title, fields(i, &dated(now), Some(role))),
        }
    }

    /// A form for a visit to any client the user may see, chosen by client no. or name
    /// in its first field.
    pub fn any_client(i: &I18n, role: Role, now: &str) -> VisitForm {
        let mut list = vec![Field::text("client", i.t("visit.field.client"), "")];
        list.extend(fields(i, &dated(now), Some(role)));
        let mut popup = PopupForm::new(i.t("visit.form.title_new").to_string(), list);
        popup.pick_client_in("client", false);
        VisitForm {
            target: Target::AnyClient,
            popup,
        }
    }

    /// A form changing visit `visit_id`, filled with `input`.
    pub fn edit(i: &I18n, visit_id: i64, client: &str, input: &VisitInput) -> VisitForm {
        VisitForm {
            target: Target::Edit(visit_id),
            popup: PopupForm::new(
                i.f("visit.form.title_edit", &[("client", client)]),
                fields(i, input, None),
            ),
        }
    }

    /// What the store is asked to save.
    pub fn input(&self) -> VisitInput {
        let f = &self.popup;
        VisitInput {
            visited_at: f.value("visited_at").to_string(),
            channel: f.value("channel").to_string(),
            purpose: f.value("purpose").to_string(),
            summary: f.value("summary").to_string(),
            outcome: f.value("outcome").to_string(),
            next_step: f.value("next_step").to_string(),
            next_step_on: f.value("next_step_on").to_string(),
            products: f.value("products").to_string(),
            override_reason: f.value("override_reason").to_string(),
        }
    }

    /// Whether something was changed.
    pub fn is_dirty(&self) -> bool {
        self.popup.is_dirty()
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<VisitSaved> {
        let input = self.input();
        let due = self.popup.form.trimmed("next_step_on");
        let new = |r| VisitSaved::New(r, due.clone());
        let result = match self.target {
            Target::Client(id) => ctx.store.record_visit(ctx.actor, id, &input).map(new),
            Target::AnyClient => match pick_client(ctx, self.popup.value("client")) {
                Ok(id) => ctx.store.record_visit(ctx.actor, id, &input).map(new),
                Err(e) => Err(e),
            },
            Target::Edit(id) => ctx
                .store
                .update_visit(ctx.actor, id, &input)
                .map(|()| VisitSaved::Edited(id)),
        };
        match result {
            Ok(saved) => Step::Done(saved),
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

// Typing in the client field (a visit to any client) opens the client picker.
form_popup!(VisitForm => VisitSaved);

/// The one client the user means by `typed` (client no., name part, phone fragment…),
/// or a refusal at the form's client field: none matches, or several do.
pub fn pick_client(ctx: &Ctx<'_>, typed: &str) -> Result<i64, StoreError> {
    let refuse = |key: &'static str| StoreError::invalid("client", key, "no single client");
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(refuse("err.required"));
    }
    let found = ctx.store.search_clients(ctx.actor, typed, 20)?;
    if let Some(exact) = found
        .iter()
        .find(|c| c.client_no.eq_ignore_ascii_case(typed))
    {
        return Ok(exact.id);
    }
    // A name is taken only when it is the whole name of exactly one client: 王伟 is not
    // 王伟洋, however few clients match.
    let whole: Vec<&_> = found.iter().filter(|c| c.name == typed).collect();
    match (found.as_slice(), whole.as_slice()) {
        ([], _) => Err(refuse("err.client.no_match")),
        (_, [one]) => Ok(one.id),
        _ => Err(refuse("err.client.several")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};
    use crate::tui::popup::Popup;

    #[test]
    fn the_visit_form_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            let form = VisitForm::any_client(c.i18n, Role::Rm, "2026-11-23 10:00");
            Box::new(form) as Box<dyn Popup<VisitSaved>>
        });
    }
}
