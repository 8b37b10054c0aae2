//! The filter popups of the visit and feedback lists. Enter applies and Esc closes
//! without asking, as in every filter; a date that is not one, or a client that is not
//! one client, is refused at its field with what was typed kept.
use crate::domain::client::{parse_date, FieldError};
use crate::domain::visit::{Channel, FEEDBACK_KINDS};
use crate::store::feedback::FeedbackFilter;
use crate::store::visits::VisitFilter;
use crate::store::StoreError;
use crate::tui::i18n::I18n;
use crate::tui::popup::Step;
use crate::tui::screens::codes::{channel_key, code_text, feedback_kind_key};
use crate::tui::screens::Ctx;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

use super::form::pick_client;
use super::popups::Done;

fn with_all(i: &I18n, list: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), i.t("clients.filter.all").to_string()))
        .chain(list)
        .collect()
}

fn yes_no(i: &I18n) -> Vec<(String, String)> {
    vec![
        (String::new(), i.t("visits.filter.any").to_string()),
        (
            "yes".to_string(),
            i.t("visits.filter.unchecked").to_string(),
        ),
    ]
}

/// The visit list's filters.
#[derive(Debug, Clone)]
pub struct VisitFilterForm {
    /// The popup with the fields.
    pub popup: PopupForm,
    /// The RMs of the branch (managers), to name the one chosen.
    rms: Vec<(i64, String)>,
    /// The current filter, for what the form does not show (the search text).
    current: VisitFilter,
}

impl VisitFilterForm {
    /// A form showing `current` (`labels`: the client filter's label, if any); the RM
    /// and "not yet checked" choices when `rms` (a manager's branch) is not empty.
    pub fn new(i: &I18n, current: &VisitFilter, labels: &[String], rms: &[(i64, String)]) -> Self {
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let channels = with_all(
            i,
            Channel::ALL.iter().map(|c| {
                (
                    c.code().to_string(),
                    code_text(i, channel_key(c.code()), c.code()),
                )
            }),
        );
        let client_text = if current.client_id.is_some() {
            labels
                .first()
                .and_then(|l| l.split_whitespace().next())
                .unwrap_or("")
        } else {
            ""
        };
        let mut fields = vec![
            Field::text("from", i.t("visits.filter.from"), &date(current.from)),
            Field::text("to", i.t("visits.filter.to"), &date(current.to)),
            Field::choice(
                "channel",
                i.t("visit.field.channel"),
                channels,
                current.channel.as_deref().unwrap_or(""),
            ),
            Field::text("client", i.t("visit.field.client"), client_text),
        ];
        if !rms.is_empty() {
            let people = with_all(i, rms.iter().map(|(id, n)| (id.to_string(), n.clone())));
            let chosen = current.rm_id.map(|r| r.to_string()).unwrap_or_default();
            fields.push(Field::choice("rm", i.t("col.rm"), people, &chosen));
            let unchecked = if current.unchecked_only { "yes" } else { "" };
            fields.push(Field::choice(
                "unchecked",
                i.t("visits.filter.checked"),
                yes_no(i),
                unchecked,
            ));
        }
        let mut popup = PopupForm::new(i.t("visits.filter.title").to_string(), fields);
        popup.filter = true;
        popup.pick_client_in("client", false);
        VisitFilterForm {
            popup,
            rms: rms.to_vec(),
            current: current.clone(),
        }
    }

    /// Enter: the filter typed, with the labels of its client and RM; the popup stays
    /// open (errors at the fields) when a date or the client is not one.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        match self.apply(ctx) {
            Some((filter, labels)) => Step::Done(Done::VisitFilter(filter, labels)),
            None => Step::Open,
        }
    }

    fn apply(&mut self, ctx: &mut Ctx<'_>) -> Option<(VisitFilter, Vec<String>)> {
        let f = &self.popup;
        let mut errors = Vec::new();
        let mut date = |id: &'static str| match f.value(id).trim() {
            "" => None,
            s => {
                let d = parse_date(s);
                if d.is_none() {
                    errors.push(FieldError::new(id, "err.date", "not a date"));
                }
                d
            }
        };
        let (from, to) = (date("from"), date("to"));
        let mut labels = Vec::new();
        let client_id = match f.value("client").trim() {
            "" => None,
            typed => match pick_client(ctx, typed) {
                Ok(id) => {
                    if let Ok(c) = ctx.store.client(ctx.actor, id) {
                        labels.push(format!("{} {}", c.fields.client_no, c.fields.name));
                    }
                    Some(id)
                }
                Err(StoreError::Invalid { field, key, .. }) => {
                    errors.push(FieldError::new(field, key, "no single client"));
                    None
                }
                Err(e) => {
                    self.popup.refused(&e, ctx);
                    return None;
                }
            },
        };
        if !errors.is_empty() {
            self.popup.refused(&StoreError::Fields(errors), ctx);
            return None;
        }
        let rm_id = f.value("rm").parse::<i64>().ok();
        if let Some((_, name)) = self.rms.iter().find(|(id, _)| Some(*id) == rm_id) {
            labels.push(format!("{} {name}", ctx.i18n.t("col.rm")));
        }
        let filter = VisitFilter {
            from,
            to,
            channel: Some(f.value("channel").to_string()).filter(|c| !c.is_empty()),
            client_id,
            rm_id,
            text: self.current.text.clone(),
            unchecked_only: f.value("unchecked") == "yes",
        };
        Some((filter, labels))
    }
}

/// The feedback list's filters.
#[derive(Debug, Clone)]
pub struct FeedbackFilterForm {
    /// The popup with the fields.
    pub popup: PopupForm,
}

impl FeedbackFilterForm {
    /// A form showing `current`.
    pub fn new(i: &I18n, current: &FeedbackFilter) -> Self {
        let kinds = with_all(
            i,
            FEEDBACK_KINDS
                .iter()
                .map(|k| (k.to_string(), code_text(i, feedback_kind_key(k), k))),
        );
        let shown = vec![
            (String::new(), i.t("feedback.filter.all").to_string()),
            (
                "pending".to_string(),
                i.t("feedback.filter.pending").to_string(),
            ),
        ];
        let fields = vec![
            Field::choice(
                "shown",
                i.t("feedback.filter.shown"),
                shown,
                if current.pending_only { "pending" } else { "" },
            ),
            Field::choice(
                "kind",
                i.t("feedback.field.kind"),
                kinds,
                current.kind.as_deref().unwrap_or(""),
            ),
        ];
        let mut popup = PopupForm::new(i.t("feedback.filter.title").to_string(), fields);
        popup.filter = true;
        FeedbackFilterForm { popup }
    }

    /// Enter: the filter chosen.
    fn submit(&mut self, _ctx: &mut Ctx<'_>) -> Step<Done> {
        Step::Done(Done::FeedbackFilter(FeedbackFilter {
            pending_only: self.popup.value("shown") == "pending",
            kind: Some(self.popup.value("kind").to_string()).filter(|k| !k.is_empty()),
            client_id: None,
        }))
    }
}

form_popup!(VisitFilterForm => Done);
form_popup!(FeedbackFilterForm => Done);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::keymap::Action;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, CHOICE_FIELD, TEXT_FIELD};
    use crate::tui::popup::Popup;

    #[test]
    fn the_visit_filter_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            let form = VisitFilterForm::new(c.i18n, &VisitFilter::default(), &[], &[]);
            Box::new(form) as Box<dyn Popup<Done>>
        });
    }

    #[test]
    fn the_feedback_filter_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, false, CHOICE_FIELD, &|c| {
            let form = FeedbackFilterForm::new(c.i18n, &FeedbackFilter::default());
            Box::new(form) as Box<dyn Popup<Done>>
        });
    }

    /// Untouched or not, Esc closes a filter without asking; Enter applies.
    #[test]
    fn a_filter_applies_with_enter_and_closes_on_esc() {
        let mut env = env(Role::Rm);
        let mut ctx = env.ctx();
        let right = ctx.keys.events(Action::Right)[0];
        let esc = ctx.keys.events(Action::Back)[0];
        let enter = ctx.keys.events(Action::Submit)[0];
        let mut form = FeedbackFilterForm::new(ctx.i18n, &FeedbackFilter::default());
        assert!(form.on_key(&right, &mut ctx).used());
        assert!(form.on_key(&esc, &mut ctx).closes());
        let mut form = FeedbackFilterForm::new(ctx.i18n, &FeedbackFilter::default());
        form.on_key(&right, &mut ctx);
        match form.on_key(&enter, &mut ctx) {
            crate::tui::popup::Step::Done(Done::FeedbackFilter(f)) => assert!(f.pending_only),
            other => panic!("{other:?}"),
        }
    }
}
