//! The new / edit client form: every field of a client in a scrolling form whose fields
//! follow the kind (gender and birth date for individuals, contact person and registered
//! capital for corporates). A field is checked as the user leaves it; Ctrl-S asks the
//! store, which may refuse (messages at the fields, everything typed kept) or answer
//! with possible matches (a dialog: open one, save anyway, or go back to the form).
use std::str::FromStr;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::dialogs::{MatchChoice, Matches};
use super::Done;
use crate::domain::client::{
    ClientInput, ClientKind, ClientStatus, Consent, Gender, IdType, RiskLevel,
};
use crate::store::clients::SaveOutcome;
use crate::store::users::UserSummary;
use crate::store::Role;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Popup, Step};
use crate::tui::screens::{show_store_error, Ctx, View};
use crate::tui::widgets::discard::{Discard, DiscardStep};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::popup_form::draw_form;

/// Which client the form saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A new client.
    New,
    /// The client with this id.
    Edit(i64),
}

/// The form and what is open over it.
#[derive(Debug, Clone)]
pub struct ClientForm {
    /// New or edit.
    pub target: Target,
    /// The fields.
    pub form: Form,
    /// Values of every field, also those the current kind hides (kept when the kind
    /// changes back), and the client number.
    stash: ClientInput,
    /// The owner choice (managers); `None` for RMs, whom the store makes owner.
    owners: Option<Vec<(String, String)>>,
    /// The question before Esc drops what was typed.
    discard: Discard,
    message: Option<String>,
    matches: Option<Matches>,
}

fn options(pairs: impl IntoIterator<Item = (&'static str, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(code, label)| (code.to_string(), label))
        .collect()
}

impl ClientForm {
    /// A form for a new client.
    pub fn new_client(i18n: &I18n, role: Role, users: &[UserSummary]) -> ClientForm {
        let input = ClientInput {
            kind: ClientKind::Individual.code().into(),
            id_type: IdType::ResidentId.code().into(),
            status: ClientStatus::Prospect.code().into(),
            ..ClientInput::default()
        };
        ClientForm::open(i18n, Target::New, input, role, users)
    }

    /// A form to edit client `id`, holding `input` (full values).
    pub fn edit_client(
        i18n: &I18n,
        id: i64,
        input: ClientInput,
        role: Role,
        users: &[UserSummary],
    ) -> ClientForm {
        ClientForm::open(i18n, Target::Edit(id), input, role, users)
    }

    fn open(
        i18n: &I18n,
        target: Target,
        input: ClientInput,
        role: Role,
        users: &[UserSummary],
    ) -> ClientForm {
        let owners = (role == Role::Manager).then(|| {
            let mut o: Vec<(String, String)> = users
                .iter()
                .filter(|u| u.role == Role::Rm && !u.disabled)
                .map(|u| {
                    (
                        u.username.clone(),
                        format!("{} ({})", u.display_name, u.username),
                    )
                })
                .collect();
            // A client owned by someone no longer in the choice keeps that owner.
            if !input.owner.is_empty()
                && !o.iter().any(|(c, _)| c.eq_ignore_ascii_case(&input.owner))
            {
                o.insert(0, (input.owner.clone(), input.owner.clone()));
            }
            o
        });
        let mut form = ClientForm {
            target,
            form: Form::new(Vec::new()),
            stash: input,
            owners,
            discard: Discard::default(),
            message: None,
            matches: None,
        };
        form.form = Form::new(form.fields(i18n));
        form
    }

    /// The fields for the stashed values and their kind.
    fn fields(&self, i: &I18n) -> Vec<Field> {
        let v = &self.stash;
        let kind = ClientKind::from_str(&v.kind).unwrap_or(ClientKind::Individual);
        let mut f = vec![
            Field::choice(
                "kind",
                i.t("client.field.kind"),
                options(
                    ClientKind::ALL
                        .iter()
                        .map(|k| (k.code(), i.t(k.label_key()).to_string())),
                ),
                kind.code(),
            ),
            Field::text("name", i.t("client.field.name"), &v.name),
        ];
        match kind {
            ClientKind::Individual => {
                let mut genders = vec![("", i.t("clients.none").to_string())];
                genders.extend(
                    Gender::ALL
                        .iter()
                        .map(|g| (g.code(), i.t(g.label_key()).to_string())),
                );
                f.push(Field::choice(
                    "gender",
                    i.t("client.field.gender"),
                    options(genders),
                    &v.gender.to_ascii_uppercase(),
                ));
                f.push(Field::text(
                    "birth_date",
                    i.t("client.field.birth_date"),
                    &v.birth_date,
                ));
            }
            ClientKind::Corporate => {
                f.push(Field::text(
                    "contact_person",
                    i.t("client.field.contact_person"),
                    &v.contact_person,
                ));
                f.push(Field::text(
                    "registered_capital",
                    i.t("client.field.registered_capital"),
                    &v.registered_capital,
                ));
            }
        }
        f.push(Field::choice(
            "id_type",
            i.t("client.field.id_type"),
            options(
                kind.id_types()
                    .iter()
                    .map(|t| (t.code(), i.t(t.label_key()).to_string())),
            ),
            &v.id_type,
        ));
        f.push(Field::text(
            "id_number",
            i.t("client.field.id_number"),
            &v.id_number,
        ));
        f.push(Field::text("mobile", i.t("client.field.mobile"), &v.mobile));
        f.push(Field::text("email", i.t("client.field.email"), &v.email));
        f.push(Field::text(
            "address",
            i.t("client.field.address"),
            &v.address,
        ));
        let occupation = match kind {
            ClientKind::Individual => i.t("client.field.occupation"),
            ClientKind::Corporate => i.t("client.field.industry"),
        };
        f.push(Field::text("occupation", occupation, &v.occupation));
        let mut risks = vec![("", i.t("clients.none").to_string())];
        risks.extend(
            RiskLevel::ALL
                .iter()
                .map(|r| (r.code(), i.t(r.label_key()).to_string())),
        );
        f.push(Field::choice(
            "risk_level",
            i.t("client.field.risk_level"),
            options(risks),
            &v.risk_level.to_ascii_uppercase(),
        ));
        f.push(Field::text(
            "risk_assessed_on",
            i.t("client.field.risk_assessed_on"),
            &v.risk_assessed_on,
        ));
        f.push(Field::choice(
            "status",
            i.t("client.field.status"),
            options(
                ClientStatus::ALL
                    .iter()
                    .map(|s| (s.code(), i.t(s.label_key()).to_string())),
            ),
            &v.status,
        ));
        if let Some(owners) = &self.owners {
            f.push(Field::choice(
                "owner",
                i.t("client.field.owner"),
                owners.clone(),
                &v.owner,
            ));
        }
        f.push(Field::choice(
            "marketing_consent",
            i.t("consent.field"),
            options(
                Consent::ALL
                    .iter()
                    .map(|c| (c.code(), i.t(c.label_key()).to_string())),
            ),
            if v.marketing_consent.is_empty() {
                Consent::Unknown.code()
            } else {
                &v.marketing_consent
            },
        ));
        f.push(Field::text("source", i.t("client.field.source"), &v.source));
        f.push(Field::text("notes", i.t("client.field.notes"), &v.notes));
        f
    }

    /// Copies the values of the fields shown into the stash.
    fn stash_fields(&mut self) {
        for field in &self.form.fields {
            if let Some(slot) = self.stash.field_mut(field.id) {
                *slot = field.value().to_string();
            }
        }
    }

    /// What the store is asked to save: the fields shown; those of the other kind empty.
    pub fn input(&self) -> ClientInput {
        let mut input = ClientInput {
            client_no: self.stash.client_no.clone(),
            ..ClientInput::default()
        };
        for field in &self.form.fields {
            if let Some(slot) = input.field_mut(field.id) {
                *slot = field.value().to_string();
            }
        }
        input
    }

    /// Handles a key: the possible matches over the form first, then the form.
    fn key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        let k = ctx.keys;
        if let Some(m) = &mut self.matches {
            return match m.on_key(key, k) {
                Step::Closed => {
                    self.matches = None;
                    Step::Open
                }
                Step::Done(MatchChoice::OpenClient(id)) => Step::Done(Done::OpenClient(id)),
                Step::Done(MatchChoice::SaveAnyway) => {
                    self.matches = None;
                    self.submit(ctx, true)
                }
                Step::Ignored => Step::Ignored,
                _ => Step::Open,
            };
        }
        match self.discard.on_key(key, k, self.form.is_dirty()) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return Step::Open,
            DiscardStep::Leave => return Step::Closed,
            DiscardStep::NotMine => return Step::Ignored,
        }
        if k.is(key, Action::Save) {
            return self.submit(ctx, false);
        }
        let left = self.form.focused_id();
        let kind_before = self.form.value("kind").to_string();
        let mut used = self.form.on_key(key, k);
        if !used && k.is(key, Action::EnterNext) {
            // Enter moves on, as Tab does; saving is always the explicit save key.
            self.form.focus_next();
            used = true;
        }
        if !used {
            return Step::Ignored;
        }
        if self.form.value("kind") != kind_before {
            self.stash_fields();
            self.form.set_fields(self.fields(ctx.i18n));
            self.form.mark_dirty();
        }
        if self.form.focused_id() != left {
            self.check_field(left, ctx);
        }
        Step::Open
    }

    /// Checks the field the user just left (when something is in it) and shows its
    /// first problem at it; focus stays where the user went.
    fn check_field(&mut self, id: &str, ctx: &Ctx<'_>) {
        let input = self.input();
        if !matches!(input.field(id), Some(v) if !v.trim().is_empty()) {
            return;
        }
        let problem = match input.validate(ctx.store.today()) {
            Ok(_) => None,
            Err(errors) => errors.into_iter().find(|e| e.field == id),
        };
        // Only ever adds: typing already cleared the field's old error, and an error the
        // store gave (a duplicate ID) stays until the value changes.
        if let Some(e) = problem {
            self.form.set_error_at(id, ctx.i18n.t(e.key));
        }
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, confirmed: bool) -> Step<Done> {
        self.form.clear_errors();
        self.message = None;
        let input = self.input();
        let result = match self.target {
            Target::New => ctx.store.create_client(ctx.actor, &input, confirmed),
            Target::Edit(id) => ctx.store.update_client(ctx.actor, id, &input, confirmed),
        };
        match result {
            Ok(SaveOutcome::Saved(id)) => Step::Done(Done::Saved(id, self.target == Target::New)),
            Ok(SaveOutcome::PossibleMatches(found)) => {
                self.matches = Some(Matches::new(found));
                Step::Open
            }
            Err(e) => {
                self.message = show_store_error(&mut self.form, &e, ctx.i18n);
                if let Some(m) = &self.message {
                    ctx.error(m.clone());
                }
                Step::Open
            }
        }
    }
}

impl Popup<Done> for ClientForm {
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<Done> {
        self.key(key, ctx)
    }

    fn is_dirty(&self) -> bool {
        self.form.is_dirty()
    }

    /// The form's keys (or those of the dialog over it).
    fn commands(&self) -> Vec<Action> {
        match &self.matches {
            Some(m) => m.commands(),
            None => self.discard.form_commands(),
        }
    }

    /// Pasted text goes to the focused field.
    fn paste(&mut self, text: &str) {
        if self.matches.is_none() && !self.discard.asking() {
            self.form.paste(text);
        }
    }

    /// Draws the form over `area` (and the dialog over it, if one is open).
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let title = match self.target {
            Target::New => i.t("clients.form.new").to_string(),
            Target::Edit(_) => i.f("clients.form.edit", &[("client_no", &self.stash.client_no)]),
        };
        draw_form(f, area, &title, &self.form, self.message.as_deref(), 76, v);
        if let Some(m) = &self.matches {
            m.draw(f, area, v);
        }
        self.discard.draw(f, area, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env};

    #[test]
    fn the_client_form_and_its_matches_show_what_they_take() {
        let mut env = env(Role::Rm);
        // The first field is the kind (←/→ choose).
        assert_shows_what_it_takes(&mut env, true, &[Action::Left, Action::Right], &|c| {
            Box::new(ClientForm::new_client(c.i18n, Role::Rm, &[])) as Box<dyn Popup<Done>>
        });
        assert_shows_what_it_takes(&mut env, false, &[], &|c| {
            let mut form = ClientForm::new_client(c.i18n, Role::Rm, &[]);
            form.matches = Some(Matches::new(Vec::new()));
            Box::new(form) as Box<dyn Popup<Done>>
        });
    }
}
