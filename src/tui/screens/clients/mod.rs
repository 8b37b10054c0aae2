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

use super::{store_error_text, Ctx, Screen, Target as Shown, View};
use crate::store::clients::ClientFilter;
use crate::store::handover::Which;
use crate::store::users::UserSummary;
use crate::store::{parse_ts, Role, Zone};
use crate::tui::keymap::Action;
use crate::tui::popup::{Mapped, Stack, Step};
use crate::tui::screens::team::forms::RequestForm;
use crate::tui::screens::team::handover::HandoverDialog;
use crate::tui::screens::visits::feedback_forms::RecordForm;
use crate::tui::screens::visits::form::{VisitForm, VisitSaved};
use desk::{CloseForm, DeskDone};
use detail::Detail;
use dialogs::FilterDialog;
use form::ClientForm;
use holdings::HoldingsPanel;
use list::ClientList;
use transfer::Transfer;

pub use list::{PAGE, WINDOW_MAX};

/// What a popup over the clients screen reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// The client form saved client `id`; `true` when it was new.
    Saved(i64, bool),
    /// Open this client (a possible match) instead of saving.
    OpenClient(i64),
    /// Apply these filters; the owner's name for the filter line.
    Filter(ClientFilter, Option<String>),
    /// The visit form saved (over the 360 view).
    Visit(VisitSaved),
    /// The feedback form saved (over the 360 view).
    Feedback,
    /// The holdings popup closed; `true` when a holding changed.
    Holdings(bool),
    /// An import wrote rows: the list reloads.
    Imported,
    /// A hand-over, request or close (the manager's desk) changed something.
    Desk(DeskDone),
}

/// The clients screen's state: the list always, the 360 view over it when a client is
/// open, and the popups (forms, filter, import/export, holdings) over both.
#[derive(Debug, Default)]
pub struct Clients {
    list: ClientList,
    detail: Option<Detail>,
    /// Users of the branch (managers: owner choice and filter).
    users: Vec<UserSummary>,
    popups: Stack<Done>,
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
        self.popups.clear();
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
                self.popups.push(form);
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    /// Acts on what a popup reported.
    fn on_done(&mut self, done: Done, ctx: &mut Ctx<'_>) {
        match done {
            Done::Saved(id, created) => {
                self.list.reload(ctx);
                if self.open_client(id, ctx) {
                    let no = self.open_client_no();
                    let key = if created {
                        "status.client_created"
                    } else {
                        "status.client_saved"
                    };
                    ctx.info(ctx.i18n.f(key, &[("client_no", &no)]));
                }
            }
            Done::OpenClient(id) => {
                self.open_client(id, ctx);
            }
            Done::Filter(filter, owner) => {
                self.list.spec.filter = filter;
                self.list.owner_name = owner;
                self.list.restart(ctx);
            }
            Done::Visit(saved) => {
                let no = self.open_client_no();
                self.reload_open_client(ctx);
                if let VisitSaved::New(recorded, due) = saved {
                    let text = if recorded.task_id.is_some() {
                        ctx.i18n.f(
                            "status.visit_recorded_task",
                            &[("client_no", &no), ("date", &due)],
                        )
                    } else {
                        ctx.i18n.f("status.visit_recorded", &[("client_no", &no)])
                    };
                    ctx.info(text);
                }
            }
            Done::Feedback => {
                self.reload_open_client(ctx);
                ctx.info(ctx.i18n.t("status.feedback_filed").to_string());
            }
            Done::Holdings(changed) => {
                if changed {
                    self.reload_open_client(ctx);
                }
            }
            Done::Imported => self.list.reload(ctx),
            Done::Desk(done) => {
                if done == DeskDone::HandedOver {
                    self.list.marked.clear();
                }
                self.reload_open_client(ctx);
            }
        }
    }

    fn open_client_no(&self) -> String {
        self.detail
            .as_ref()
            .map(|d| d.client_no().to_string())
            .unwrap_or_default()
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
            self.popups.push(form);
        } else if k.is(key, Action::Edit) {
            if let Some(id) = self.list.selected_id() {
                self.open_edit(id, ctx);
            }
        } else if k.is(key, Action::Import) {
            self.popups.push(Transfer::import(ctx.i18n));
        } else if k.is(key, Action::Export) {
            self.popups
                .push(Transfer::export(ctx.i18n, &self.list.spec.filter));
        } else if !self.manager && k.is(key, Action::Request) {
            // A take-over names the client by number: another RM's clients are not
            // searchable by an RM, so there is no picker here.
            let form = RequestForm::new(ctx, None);
            self.popups
                .push(Mapped::new(form, |_| Done::Desk(DeskDone::Changed)));
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
                .filter(|u| !u.disabled && u.username != *from && u.role == Role::Rm)
                .map(|u| u.username.clone())
                .collect();
            let dialog = HandoverDialog::new(
                ctx,
                from,
                Which::Numbers(numbers.clone()),
                numbers.len(),
                &receivers,
            );
            self.popups
                .push(Mapped::new(dialog, |_| Done::Desk(DeskDone::HandedOver)));
        } else if k.is(key, Action::Filter) {
            self.popups.push(FilterDialog::new(
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

    fn show(&mut self, target: Shown, ctx: &mut Ctx<'_>) {
        if let Shown::Client(id) | Shown::Holding { client_id: id, .. } = target {
            self.show_client(id, ctx);
        }
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
        if let Some(step) = self.popups.on_key(key, ctx) {
            let used = step.used();
            if let Step::Done(done) | Step::Report(done) = step {
                self.on_done(done, ctx);
            }
            return used;
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
                    Ok(p) => self.popups.push(Mapped::new(p, Done::Holdings)),
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
                self.popups.push(Mapped::new(form, Done::Visit));
                return true;
            }
            if ctx.keys.is(key, Action::Request) && ctx.actor.role == Role::Rm {
                d.hide();
                let form = RequestForm::new(ctx, Some((d.id(), d.client_no(), d.name())));
                self.popups
                    .push(Mapped::new(form, |_| Done::Desk(DeskDone::Changed)));
                return true;
            }
            if ctx.keys.is(key, Action::CloseClient) && !d.is_closed() {
                d.hide();
                let who = format!("{} {}", d.client_no(), d.name());
                self.popups
                    .push(Mapped::new(CloseForm::new(ctx, d.id(), &who), Done::Desk));
                return true;
            }
            if ctx.keys.is(key, Action::FileFeedback) {
                d.hide();
                let today = ctx.store.today().to_string();
                let client = Some((d.id(), d.client_no(), d.name()));
                let form = RecordForm::file(ctx.i18n, client, &today);
                self.popups.push(Mapped::new(form, |_| Done::Feedback));
                return true;
            }
            return d.on_key(key, ctx);
        }
        self.on_list_key(key, ctx)
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn busy(&self) -> bool {
        self.popups.busy()
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) {
        for step in self.popups.tick(ctx) {
            if let Step::Done(done) | Step::Report(done) = step {
                self.on_done(done, ctx);
            }
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        match &self.detail {
            Some(d) => d.draw(f, area, v),
            None => self.list.draw(f, area, v),
        }
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(popup) = self.popups.commands() {
            return popup;
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
        // A running import counts: quitting now would stop it, so the user is asked.
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }
}
