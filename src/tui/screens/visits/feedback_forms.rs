//! The feedback popups: filing a complaint, suggestion or praise (for the open client, or
//! any client typed by number or name), handling one (status, handler, resolution,
//! satisfaction), and the manager's return call on a visit.

use crate::domain::visit::{
    FeedbackInput, FeedbackStatus, FeedbackUpdate, FEEDBACK_CHANNELS, FEEDBACK_KINDS,
    RETURN_OUTCOMES, SEVERITIES,
};
use crate::store::feedback::FeedbackItem;
use crate::tui::i18n::I18n;
use crate::tui::popup::Step;
use crate::tui::screens::codes::{
    code_text, feedback_channel_key, feedback_kind_key, feedback_status_key, return_outcome_key,
    severity_key,
};
use crate::tui::screens::Ctx;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

use super::form::pick_client;

/// What the popup records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// New feedback about this client (`None`: the client typed in the form).
    File(Option<i64>),
    /// Handling of this feedback item.
    Handle(i64),
    /// A return call on this visit.
    ReturnCall(i64),
}

/// A feedback or return-call popup.
#[derive(Debug, Clone)]
pub struct RecordForm {
    kind: Kind,
    /// The popup with the fields.
    pub popup: PopupForm,
}

fn coded(i: &I18n, codes: &[&str], key: fn(&str) -> Option<&'static str>) -> Vec<(String, String)> {
    codes
        .iter()
        .map(|c| (c.to_string(), code_text(i, key(c), c)))
        .collect()
}

impl RecordForm {
    /// Filing feedback received `today`: about client `client` (number and name for the
    /// title), or with a client field when `None`.
    pub fn file(i: &I18n, client: Option<(i64, &str, &str)>, today: &str) -> RecordForm {
        let mut fields = Vec::new();
        if client.is_none() {
            fields.push(Field::text("client", i.t("visit.field.client"), ""));
        }
        fields.extend([
            Field::choice(
                "kind",
                i.t("feedback.field.kind"),
                coded(i, &FEEDBACK_KINDS, feedback_kind_key),
                "complaint",
            ),
            Field::text("received_on", i.t("feedback.field.received_on"), today),
            Field::choice(
                "channel",
                i.t("feedback.field.channel"),
                coded(i, &FEEDBACK_CHANNELS, feedback_channel_key),
                "phone",
            ),
            Field::multi("description", i.t("feedback.field.description"), ""),
            Field::choice(
                "severity",
                i.t("feedback.field.severity"),
                coded(i, &SEVERITIES, severity_key),
                "normal",
            ),
        ]);
        let title = match client {
            Some((_, no, name)) => i.f("feedback.form.title", &[("client_no", no), ("name", name)]),
            None => i.t("feedback.form.title_new").to_string(),
        };
        let mut popup = PopupForm::new(title, fields);
        popup.pick_client_in("client", false);
        RecordForm {
            kind: Kind::File(client.map(|c| c.0)),
            popup,
        }
    }

    /// Handling `item`: the statuses it may move to (or stay at), the handler among
    /// `handlers`, the resolution and the client's satisfaction.
    pub fn handle(i: &I18n, item: &FeedbackItem, handlers: &[(i64, String)]) -> RecordForm {
        use FeedbackStatus::*;
        let current: FeedbackStatus = item.status.parse().unwrap_or(Open);
        let statuses: Vec<(String, String)> = [Open, InProgress, Resolved, Closed]
            .into_iter()
            .filter(|s| *s == current || current.may_become(*s))
            .map(|s| {
                (
                    s.code().to_string(),
                    code_text(i, feedback_status_key(s.code()), s.code()),
                )
            })
            .collect();
        let mut people = vec![(String::new(), i.t("feedback.handler.none").to_string())];
        people.extend(
            handlers
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone())),
        );
        let handler = item
            .handler
            .as_ref()
            .map(|h| h.0.to_string())
            .unwrap_or_default();
        let satisfaction: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
            .chain((1..=5).map(|n| (n.to_string(), "★".repeat(n))))
            .collect();
        let fields = vec![
            Field::choice(
                "status",
                i.t("feedback.field.status"),
                statuses,
                current.code(),
            ),
            Field::choice("handler", i.t("feedback.field.handler"), people, &handler),
            Field::multi(
                "resolution",
                i.t("feedback.field.resolution"),
                item.resolution.as_deref().unwrap_or(""),
            ),
            Field::choice(
                "satisfaction",
                i.t("feedback.field.satisfaction"),
                satisfaction,
                &item.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
            ),
        ];
        let title = i.f(
            "feedback.handle.title",
            &[("client_no", &item.client_no), ("name", &item.client_name)],
        );
        RecordForm {
            kind: Kind::Handle(item.id),
            popup: PopupForm::new(title, fields),
        }
    }

    /// A manager's return call on visit `visit_id` to `client`.
    pub fn return_call(i: &I18n, visit_id: i64, client: &str) -> RecordForm {
        let fields = vec![
            Field::choice(
                "outcome",
                i.t("visit.field.return_outcome"),
                coded(i, &RETURN_OUTCOMES, return_outcome_key),
                "confirmed",
            ),
            Field::text("note", i.t("visit.field.return_note"), ""),
        ];
        RecordForm {
            kind: Kind::ReturnCall(visit_id),
            popup: PopupForm::new(i.f("visit.return.title", &[("client", client)]), fields),
        }
    }

    /// Whether something was changed.
    pub fn is_dirty(&self) -> bool {
        self.popup.is_dirty()
    }

    /// Ctrl-S: saves through the store; closes with the id of the record saved.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<i64> {
        match self.save(ctx) {
            Ok(id) => Step::Done(id),
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }

    fn save(&mut self, ctx: &mut Ctx<'_>) -> crate::store::Result<i64> {
        let f = &self.popup;
        match self.kind {
            Kind::File(client) => {
                let client = match client {
                    Some(id) => id,
                    None => pick_client(ctx, f.value("client"))?,
                };
                let input = FeedbackInput {
                    kind: f.value("kind").to_string(),
                    received_on: f.value("received_on").to_string(),
                    channel: f.value("channel").to_string(),
                    description: f.value("description").to_string(),
                    severity: f.value("severity").to_string(),
                };
                ctx.store.file_feedback(ctx.actor, client, &input)
            }
            Kind::Handle(id) => {
                let upd = FeedbackUpdate {
                    status: f.value("status").to_string(),
                    handler_id: f.value("handler").parse().ok(),
                    resolution: f.value("resolution").to_string(),
                    satisfaction: f.value("satisfaction").to_string(),
                };
                ctx.store.update_feedback(ctx.actor, id, &upd).map(|()| id)
            }
            Kind::ReturnCall(id) => ctx
                .store
                .record_return_call(ctx.actor, id, f.value("outcome"), f.value("note"))
                .map(|()| id),
        }
    }
}

form_popup!(RecordForm => i64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::keymap::Action;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};
    use crate::tui::popup::Popup;

    #[test]
    fn the_feedback_popup_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(RecordForm::file(c.i18n, None, "2026-11-23")) as Box<dyn Popup<i64>>
        });
    }

    #[test]
    fn the_return_call_popup_shows_what_it_takes() {
        let mut env = env(Role::Manager);
        assert_shows_what_it_takes(&mut env, true, &[Action::Left, Action::Right], &|c| {
            Box::new(RecordForm::return_call(c.i18n, 1, "C1")) as Box<dyn Popup<i64>>
        });
    }
}
