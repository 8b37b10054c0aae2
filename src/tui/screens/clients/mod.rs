//! Clients (F3): the list with search, filters and sort (`list.rs`), the client 360 view
//! (`detail.rs`, labels of stored codes in `codes.rs`), the new / edit form (`form.rs`)
//! the visit and feedback forms over the 360 view (from `screens/visits`),
//! and the filter and possible-matches dialogs (`dialogs.rs`); `table.rs` draws the
//! client table. What the user sees is scoped by the store: an RM their own
//! clients, a manager the branch's.
mod desk;
mod detail;
mod dialogs;
mod form;
pub mod holdings;
mod list;
mod table;
mod transfer;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, View};
use crate::store::handover::Which;
use crate::store::users::UserSummary;
use crate::store::{parse_ts, Role, Zone};
use crate::tui::keymap::Action;
use crate::tui::screens::team::forms::RequestForm;
use crate::tui::screens::team::handover::HandoverDialog;
use crate::tui::screens::visits::feedback_forms::{RecordForm, RecordResult};
use crate::tui::screens::visits::form::{VisitForm, VisitResult};
use desk::{DeskPopup, DeskStep};
use detail::Detail;
use dialogs::{FilterDialog, FilterResult};
use form::{ClientForm, FormResult, Target};
use holdings::{HoldingsPanel, PanelResult};
use list::ClientList;
use transfer::{Transfer, TransferResult};

pub use list::{PAGE, WINDOW_MAX};

/// The clients screen's state: the list always, the 360 view over it when a client is
/// open, and the form or filter dialog over both.
#[derive(Debug, Default)]
pub struct Clients {
    list: ClientList,
    detail: Option<Detail>,
    form: Option<Box<ClientForm>>,
    /// The visit form, over the 360 view.
    visit: Option<Box<VisitForm>>,
    /// The feedback form, over the 360 view.
    feedback: Option<Box<RecordForm>>,
    filter: Option<FilterDialog>,
    /// Users of the branch (managers: owner choice and filter).
    users: Vec<UserSummary>,
    /// Import or export, over the list.
    transfer: Option<Transfer>,
    /// The holdings popup, over the 360 view.
    holdings: Option<Box<HoldingsPanel>>,
    /// A hand-over, request or close popup (the manager's desk).
    desk: Option<DeskPopup>,
    /// The user is a manager (marks and hand-overs).
    manager: bool,
}

/// An instant as a local date/time in `format`, or the text as stored when it is not one.
pub(crate) fn local_time(zone: Zone, instant: &str, format: &str) -> String {
    parse_ts(instant).map_or_else(
        || instant.to_string(),
        |t| zone.local(t).format(format).to_string(),
    )
}

/// The last-contact column: a local date, or a dash.
pub(crate) fn last_contact_text(zone: Zone, at: Option<&str>) -> String {
    at.map_or_else(|| "—".to_string(), |t| local_time(zone, t, "%Y-%m-%d"))
}

impl Clients {
    /// Rows the list holds in memory (the window around the selection).
    pub fn rows_in_memory(&self) -> usize {
        self.list.rows_in_memory()
    }

    /// Opens client `id`'s 360 view (from another screen: the home list), over the list
    /// and closing whatever popup was open.
    pub fn show_client(&mut self, id: i64, ctx: &mut Ctx<'_>) {
        self.form = None;
        self.visit = None;
        self.filter = None;
        self.detail = None;
        self.open_client(id, ctx);
    }

    fn open_client(&mut self, id: i64, ctx: &mut Ctx<'_>) -> bool {
        match Detail::load(ctx, id) {
            Ok(d) => {
                self.detail = Some(d);
                true
            }
            Err(e) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                false
            }
        }
    }

    fn open_edit(&mut self, id: i64, ctx: &mut Ctx<'_>) {
        match ctx.store.client_for_edit(ctx.actor, id) {
            Ok(input) => {
                let form =
                    ClientForm::edit_client(ctx.i18n, id, input, ctx.actor.role, &self.users);
                self.form = Some(Box::new(form));
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn on_form_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let Some(form) = &mut self.form else {
            return false;
        };
        match form.on_key(key, ctx) {
            FormResult::Open => true,
            FormResult::Ignored => false,
            FormResult::Cancelled => {
                self.form = None;
                true
            }
            FormResult::Saved(id) => {
                let created = form.target == Target::New;
                self.form = None;
                self.list.reload(ctx);
                if self.open_client(id, ctx) {
                    let no = self
                        .detail
                        .as_ref()
                        .map(|d| d.client_no().to_string())
                        .unwrap_or_default();
                    let key = if created {
                        "status.client_created"
                    } else {
                        "status.client_saved"
                    };
                    ctx.info(ctx.i18n.f(key, &[("client_no", &no)]));
                }
                true
            }
            FormResult::OpenClient(id) => {
                self.form = None;
                self.open_client(id, ctx);
                true
            }
        }
    }

    fn on_visit_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let Some(form) = &mut self.visit else {
            return false;
        };
        match form.on_key(key, ctx) {
            VisitResult::Open => true,
            VisitResult::Ignored => false,
            VisitResult::Cancelled => {
                self.visit = None;
                true
            }
            VisitResult::Saved(recorded) => {
                let due = form.popup.form.trimmed("next_step_on");
                self.visit = None;
                let no = self
                    .detail
                    .as_ref()
                    .map(|d| d.client_no().to_string())
                    .unwrap_or_default();
                self.reload_open_client(ctx);
                let text = if recorded.task_id.is_some() {
                    ctx.i18n.f(
                        "status.visit_recorded_task",
                        &[("client_no", &no), ("date", &due)],
                    )
                } else {
                    ctx.i18n.f("status.visit_recorded", &[("client_no", &no)])
                };
                ctx.info(text);
                true
            }
            // The 360 view opens the form for new visits only.
            VisitResult::Edited(_) => {
                self.visit = None;
                self.reload_open_client(ctx);
                true
            }
        }
    }

    fn on_feedback_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let Some(form) = &mut self.feedback else {
            return false;
        };
        match form.on_key(key, ctx) {
            RecordResult::Open => true,
            RecordResult::Ignored => false,
            RecordResult::Cancelled => {
                self.feedback = None;
                true
            }
            RecordResult::Saved(_) => {
                self.feedback = None;
                self.reload_open_client(ctx);
                ctx.info(ctx.i18n.t("status.feedback_filed").to_string());
                true
            }
        }
    }

    /// Loads the open client's 360 view again (after its holdings changed) and the list
    /// (whose AUM and tier columns changed with them).
    fn reload_open_client(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(id) = self.detail.as_ref().map(Detail::id) {
            let status = ctx.status.take();
            self.detail = None;
            self.open_client(id, ctx);
            if ctx.status.is_none() {
                ctx.status = status;
            }
        }
        self.list.reload(ctx);
    }

    fn on_list_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let searching = self.list.search.is_some();
        if k.is(key, Action::Open) {
            if let Some(id) = self.list.selected_id() {
                self.open_client(id, ctx);
            }
            return true;
        }
        if self.list.on_key(key, ctx) {
            return true;
        }
        if searching {
            return false;
        }
        if k.is(key, Action::New) {
            let form = ClientForm::new_client(ctx.i18n, ctx.actor.role, &self.users);
            self.form = Some(Box::new(form));
        } else if k.is(key, Action::Edit) {
            if let Some(id) = self.list.selected_id() {
                self.open_edit(id, ctx);
            }
        } else if k.is(key, Action::Import) {
            self.transfer = Some(Transfer::import(ctx.i18n));
        } else if k.is(key, Action::Export) {
            self.transfer = Some(Transfer::export(ctx.i18n));
        } else if self.manager && k.is(key, Action::HandOver) && !self.list.marked.is_empty() {
            let mut owners: Vec<&str> = self
                .list
                .marked
                .values()
                .map(|(_, owner)| owner.as_str())
                .collect();
            owners.sort_unstable();
            owners.dedup();
            let [from] = owners.as_slice() else {
                ctx.error(ctx.i18n.t("err.handover.one_owner").to_string());
                return true;
            };
            let numbers: Vec<String> = self
                .list
                .marked
                .values()
                .map(|(no, _)| no.clone())
                .collect();
            let receivers: Vec<String> = self
                .users
                .iter()
                .filter(|u| !u.disabled && u.username != *from && u.role != Role::Admin)
                .map(|u| u.username.clone())
                .collect();
            let dialog = HandoverDialog::new(
                ctx,
                from,
                Which::Numbers(numbers.clone()),
                numbers.len(),
                &receivers,
            );
            self.desk = Some(DeskPopup::HandOver(Box::new(dialog)));
        } else if k.is(key, Action::Filter) {
            self.filter = Some(FilterDialog::new(
                ctx.i18n,
                &self.list.spec.filter,
                ctx.actor.role,
                &self.users,
            ));
        } else {
            return false;
        }
        true
    }
}

impl Screen for Clients {
    fn title_key(&self) -> &'static str {
        "screen.clients"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.manager = ctx.actor.role == Role::Manager;
        self.users = if ctx.actor.role == Role::Manager {
            match ctx.store.list_users(ctx.actor) {
                Ok(u) => u,
                Err(e) => {
                    ctx.error(store_error_text(&e, ctx.i18n));
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        self.list.reload(ctx);
        // Coming back to the screen shows the open client again, masked: a reveal
        // lasts only while the user stays in the view.
        if let Some(id) = self.detail.as_ref().map(Detail::id) {
            self.detail = None;
            self.open_client(id, ctx);
        }
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if let Some(p) = &mut self.desk {
            return match p.on_key(key, ctx) {
                DeskStep::Open => true,
                DeskStep::Ignored => false,
                DeskStep::Closed(changed) => {
                    let handed = matches!(p, DeskPopup::HandOver(_));
                    self.desk = None;
                    if changed {
                        if handed {
                            self.list.marked.clear();
                        }
                        self.reload_open_client(ctx);
                    }
                    true
                }
            };
        }
        if let Some(t) = &mut self.transfer {
            return match t.on_key(key, ctx) {
                TransferResult::Open => true,
                TransferResult::Ignored => false,
                TransferResult::Closed => {
                    self.transfer = None;
                    true
                }
                TransferResult::Changed => {
                    self.list.reload(ctx);
                    true
                }
            };
        }
        if self.form.is_some() {
            return self.on_form_key(key, ctx);
        }
        if self.visit.is_some() {
            return self.on_visit_key(key, ctx);
        }
        if self.feedback.is_some() {
            return self.on_feedback_key(key, ctx);
        }
        if let Some(panel) = &mut self.holdings {
            return match panel.on_key(key, ctx) {
                PanelResult::Open => true,
                PanelResult::Ignored => false,
                PanelResult::Closed(changed) => {
                    self.holdings = None;
                    if changed {
                        self.reload_open_client(ctx);
                    }
                    true
                }
            };
        }
        if let Some(dialog) = &mut self.filter {
            return match dialog.on_key(key, ctx.keys) {
                FilterResult::Open => true,
                FilterResult::Ignored => false,
                FilterResult::Cancelled => {
                    self.filter = None;
                    true
                }
                FilterResult::Apply(filter, owner) => {
                    self.filter = None;
                    self.list.spec.filter = filter;
                    self.list.owner_name = owner;
                    self.list.restart(ctx);
                    true
                }
            };
        }
        if let Some(d) = &mut self.detail {
            if ctx.keys.is(key, Action::Back) {
                self.detail = None;
                return true;
            }
            if ctx.keys.is(key, Action::Edit) {
                // Leaving the view for the form ends the reveal.
                d.hide();
                let id = d.id();
                self.open_edit(id, ctx);
                return true;
            }
            if ctx.keys.is(key, Action::Holdings) {
                d.hide();
                let who = format!("{} {}", d.client_no(), d.name());
                match HoldingsPanel::open(ctx, d.id(), &who) {
                    Ok(p) => self.holdings = Some(Box::new(p)),
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
                return true;
            }
            if ctx.keys.is(key, Action::RecordVisit) {
                d.hide();
                let now = ctx
                    .store
                    .zone()
                    .local(ctx.store.now())
                    .format("%Y-%m-%d %H:%M")
                    .to_string();
                let form = VisitForm::new(
                    ctx.i18n,
                    ctx.actor.role,
                    d.id(),
                    d.client_no(),
                    d.name(),
                    &now,
                );
                self.visit = Some(Box::new(form));
                return true;
            }
            if ctx.keys.is(key, Action::Request) && ctx.actor.role == Role::Rm {
                d.hide();
                let form = RequestForm::new(ctx, Some((d.id(), d.client_no(), d.name())));
                self.desk = Some(DeskPopup::Request(Box::new(form)));
                return true;
            }
            if ctx.keys.is(key, Action::CloseClient) && !d.is_closed() {
                d.hide();
                let who = format!("{} {}", d.client_no(), d.name());
                self.desk = Some(DeskPopup::close(ctx, d.id(), &who));
                return true;
            }
            if ctx.keys.is(key, Action::FileFeedback) {
                d.hide();
                let today = ctx.store.today().to_string();
                let client = Some((d.id(), d.client_no(), d.name()));
                let form = RecordForm::file(ctx.i18n, client, &today);
                self.feedback = Some(Box::new(form));
                return true;
            }
            return d.on_key(key, ctx);
        }
        self.on_list_key(key, ctx)
    }

    fn on_paste(&mut self, text: &str) {
        if let Some(p) = &mut self.desk {
            p.paste(text);
        } else if let Some(t) = &mut self.transfer {
            t.paste(text);
        } else if let Some(form) = &mut self.form {
            form.paste(text);
        } else if let Some(form) = &mut self.visit {
            form.popup.paste(text);
        } else if let Some(form) = &mut self.feedback {
            form.popup.paste(text);
        } else if let Some(panel) = &mut self.holdings {
            panel.paste(text);
        }
    }

    fn busy(&self) -> bool {
        self.transfer.as_ref().is_some_and(Transfer::busy)
            || self.desk.as_ref().is_some_and(DeskPopup::busy)
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(p) = &mut self.desk {
            if p.tick(ctx) {
                self.list.marked.clear();
                self.list.reload(ctx);
            }
        }
        if let Some(t) = &mut self.transfer {
            if t.tick(ctx.i18n) == TransferResult::Changed {
                self.list.reload(ctx);
            }
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        match &self.detail {
            Some(d) => d.draw(f, area, v),
            None => self.list.draw(f, area, v),
        }
        if let Some(dialog) = &self.filter {
            dialog.draw(f, area, v);
        }
        if let Some(form) = &self.visit {
            form.draw(f, area, v);
        }
        if let Some(form) = &self.feedback {
            form.popup.draw(f, area, v);
        }
        if let Some(panel) = &self.holdings {
            panel.draw(f, area, v);
        }
        if let Some(form) = &self.form {
            form.draw(f, area, v);
        }
        if let Some(t) = &self.transfer {
            t.draw(f, area, v);
        }
        if let Some(p) = &self.desk {
            p.draw(f, area, v);
        }
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(p) = &self.desk {
            return p.commands();
        }
        if let Some(t) = &self.transfer {
            return t.commands();
        }
        if let Some(form) = &self.form {
            return form.commands();
        }
        if let Some(form) = &self.visit {
            return form.popup.commands();
        }
        if let Some(form) = &self.feedback {
            return form.popup.commands();
        }
        if let Some(panel) = &self.holdings {
            return panel.commands();
        }
        if let Some(dialog) = &self.filter {
            return dialog.commands();
        }
        match &self.detail {
            Some(d) => {
                let mut a = d.commands();
                if !self.manager {
                    a.push(Action::Request);
                }
                if !d.is_closed() {
                    a.push(Action::CloseClient);
                }
                a
            }
            None => self.list.commands(self.manager),
        }
    }

    fn has_unsaved(&self) -> bool {
        // A running import counts: quitting now would stop it (nothing is half written:
        // the transaction rolls back), so the user is asked first.
        self.form.as_ref().is_some_and(|f| f.is_dirty())
            || self.visit.as_ref().is_some_and(|f| f.is_dirty())
            || self.feedback.as_ref().is_some_and(|f| f.is_dirty())
            || self.holdings.as_ref().is_some_and(|p| p.is_dirty())
            || self.desk.as_ref().is_some_and(DeskPopup::is_dirty)
            || self.busy()
    }
}
