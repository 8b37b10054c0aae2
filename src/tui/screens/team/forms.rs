//! The Team screen's popups: deciding a request, giving an RM a task, the ledger of a
//! hand-over and its CSV export; and the RM's request form (from the 360 view or home).
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::Row;
use ratatui::Frame;

use crate::domain::client::Tier;
use crate::domain::desk::RequestKind;
use crate::domain::money::format_money;
use crate::domain::task::TaskInput;
use crate::store::approvals::{Ask, Request};
use crate::store::handover::{Handover, LedgerLine};
use crate::tui::keymap::Action;
use crate::tui::popup::Step;
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::{Cursor, ListTable};
use crate::tui::widgets::popup_form::PopupForm;
use crate::tui::widgets::{centered, fit, popup};

/// What a key did to a [`PopupForm`], as the desk's popups read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupStep {
    /// Still open.
    Open,
    /// Not its key.
    Ignored,
    /// Closed without saving.
    Cancelled,
    /// Ctrl-S: the owner saves.
    Submit,
}

/// Offers `key` to `form`.
pub fn popup_step(form: &mut PopupForm, key: &KeyEvent, ctx: &Ctx<'_>) -> PopupStep {
    match form.on_key(key, ctx.keys) {
        Step::Open => PopupStep::Open,
        Step::Ignored => PopupStep::Ignored,
        Step::Closed => PopupStep::Cancelled,
        Step::Done(_) | Step::Report(_) => PopupStep::Submit,
    }
}

/// What a form popup did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStep {
    /// Still open.
    Open,
    /// Not a key of the popup.
    Ignored,
    /// Closed without a change.
    Cancelled,
    /// Saved; the screen reloads.
    Saved,
}

fn step(s: PopupStep) -> Option<FormStep> {
    match s {
        PopupStep::Open => Some(FormStep::Open),
        PopupStep::Ignored => Some(FormStep::Ignored),
        PopupStep::Cancelled => Some(FormStep::Cancelled),
        PopupStep::Submit => None,
    }
}

/// A one-line summary of what a request asks.
pub fn asked(r: &Request, v: &crate::tui::i18n::I18n) -> String {
    match (r.kind, r.tier, &r.product) {
        (RequestKind::Tier, Some(t), _) => format!(
            "{} → {}",
            v.t(r.client_tier.label_key()),
            v.t(t.label_key())
        ),
        (RequestKind::Suitability, _, Some((code, _))) => code.clone(),
        (RequestKind::TakeOver, _, _) => format!("{} → {}", r.owner, r.requester),
        _ => String::new(),
    }
}

/// Approve or reject a request, with a note.
#[derive(Debug)]
pub struct DecideForm {
    id: i64,
    popup: PopupForm,
}

impl DecideForm {
    /// The form for request `r`.
    pub fn new(ctx: &Ctx<'_>, r: &Request) -> DecideForm {
        let i = ctx.i18n;
        let mut popup = PopupForm::new(
            i.f(
                "approvals.decide_title",
                &[("id", &r.id.to_string()), ("kind", i.t(r.kind.label_key()))],
            ),
            vec![
                Field::choice(
                    "decision",
                    i.t("approvals.decision"),
                    vec![
                        ("approve".into(), i.t("approvals.approve").into()),
                        ("reject".into(), i.t("approvals.reject").into()),
                    ],
                    "approve",
                ),
                Field::text("note", i.t("approvals.note"), ""),
            ],
        );
        popup.note = Some(format!(
            "{} {} · {} · {} — {}: {}",
            r.client_no,
            r.client_name,
            format_money(r.client_aum, "CNY"),
            asked(r, i),
            r.requester,
            r.reason
        ));
        DecideForm { id: r.id, popup }
    }

    /// Handles a key; Ctrl-S decides.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> FormStep {
        if let Some(s) = step(popup_step(&mut self.popup, key, ctx)) {
            return s;
        }
        let approve = self.popup.value("decision") == "approve";
        match ctx
            .store
            .decide_request(ctx.actor, self.id, approve, self.popup.value("note"))
        {
            Ok(()) => {
                let k = if approve {
                    "status.request_approved"
                } else {
                    "status.request_rejected"
                };
                ctx.info(ctx.i18n.f(k, &[("id", &self.id.to_string())]));
                FormStep::Saved
            }
            Err(e) => {
                self.popup.refused(&e, ctx);
                FormStep::Open
            }
        }
    }

    /// Its keys.
    pub fn commands(&self) -> Vec<Action> {
        self.popup.commands()
    }

    /// Pasted text.
    pub fn paste(&mut self, text: &str) {
        self.popup.paste(text);
    }

    /// Whether something typed would be lost.
    pub fn is_dirty(&self) -> bool {
        self.popup.is_dirty()
    }

    /// Draws it.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        self.popup.draw(f, area, v);
    }
}

/// A task for an RM of the branch.
#[derive(Debug)]
pub struct GiveTaskForm {
    rm: String,
    popup: PopupForm,
}

impl GiveTaskForm {
    /// The form giving `rm` (username, display name) a task due `today` by default.
    pub fn new(ctx: &Ctx<'_>, rm: (&str, &str), today: &str) -> GiveTaskForm {
        let i = ctx.i18n;
        let priorities = ["normal", "high", "low"]
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    i.t(&format!("task.priority.{p}")).to_string(),
                )
            })
            .collect();
        let popup = PopupForm::new(
            i.f("team.give_title", &[("rm", rm.1)]),
            vec![
                Field::text("title", i.t("task.field.title"), ""),
                Field::text("due_date", i.t("task.field.due_date"), today),
                Field::choice("priority", i.t("task.field.priority"), priorities, "normal"),
                Field::text("client_no", i.t("task.field.client_no"), ""),
                Field::multi("notes", i.t("task.field.notes"), ""),
            ],
        );
        GiveTaskForm {
            rm: rm.0.to_string(),
            popup,
        }
    }

    /// Handles a key; Ctrl-S gives the task.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> FormStep {
        if let Some(s) = step(popup_step(&mut self.popup, key, ctx)) {
            return s;
        }
        let input = TaskInput {
            title: self.popup.value("title").into(),
            due_date: self.popup.value("due_date").into(),
            priority: self.popup.value("priority").into(),
            client_no: self.popup.value("client_no").into(),
            notes: self.popup.value("notes").into(),
            ..TaskInput::default()
        };
        match ctx.store.give_task(ctx.actor, &self.rm, &input) {
            Ok(_) => {
                ctx.info(ctx.i18n.f("status.task_given", &[("rm", &self.rm)]));
                FormStep::Saved
            }
            Err(e) => {
                self.popup.refused(&e, ctx);
                FormStep::Open
            }
        }
    }

    /// Its keys.
    pub fn commands(&self) -> Vec<Action> {
        self.popup.commands()
    }

    /// Pasted text.
    pub fn paste(&mut self, text: &str) {
        self.popup.paste(text);
    }

    /// Whether something typed would be lost.
    pub fn is_dirty(&self) -> bool {
        self.popup.is_dirty()
    }

    /// Draws it.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        self.popup.draw(f, area, v);
    }
}

/// The lines of one hand-over, with `x` to export them.
#[derive(Debug)]
pub struct LedgerView {
    /// The hand-over.
    pub head: Handover,
    lines: Vec<LedgerLine>,
    cursor: Cursor,
    export: Option<PopupForm>,
}

impl LedgerView {
    /// The ledger of hand-over `id`.
    pub fn open(ctx: &mut Ctx<'_>, id: i64) -> Option<LedgerView> {
        match ctx.store.handover_ledger(ctx.actor, id) {
            Ok((head, lines)) => Some(LedgerView {
                head,
                lines,
                cursor: Cursor::default(),
                export: None,
            }),
            Err(e) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                None
            }
        }
    }

    /// Handles a key; `Cancelled` when closed.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> FormStep {
        if let Some(form) = &mut self.export {
            return match popup_step(form, key, ctx) {
                PopupStep::Open => FormStep::Open,
                PopupStep::Ignored => FormStep::Ignored,
                PopupStep::Cancelled => {
                    self.export = None;
                    FormStep::Open
                }
                PopupStep::Submit => {
                    let path = std::path::PathBuf::from(form.value("file").trim());
                    let written = ctx.store.export_ledger_csv(ctx.actor, self.head.id, &path);
                    match written {
                        Ok(n) => {
                            ctx.info(ctx.i18n.f(
                                "status.ledger_written",
                                &[("n", &n.to_string()), ("file", &path.display().to_string())],
                            ));
                            self.export = None;
                        }
                        Err(e) => form.refused(&e, ctx),
                    }
                    FormStep::Open
                }
            };
        }
        let k = ctx.keys;
        let len = self.lines.len();
        if k.is(key, Action::Back) {
            return FormStep::Cancelled;
        } else if k.is(key, Action::Down) {
            self.cursor.step(1, len);
        } else if k.is(key, Action::Up) {
            self.cursor.step(-1, len);
        } else if k.is(key, Action::PageDown) {
            self.cursor.page_by(1, len);
        } else if k.is(key, Action::PageUp) {
            self.cursor.page_by(-1, len);
        } else if k.is(key, Action::Export) {
            let name = format!("handover-{}.csv", self.head.id);
            self.export = Some(PopupForm::new(
                ctx.i18n.t("team.export_title").to_string(),
                vec![Field::text("file", ctx.i18n.t("team.export_file"), &name)],
            ));
        } else {
            return FormStep::Ignored;
        }
        FormStep::Open
    }

    /// Its keys.
    pub fn commands(&self) -> Vec<Action> {
        match &self.export {
            Some(f) => f.commands(),
            None => vec![Action::Export, Action::Up, Action::Down, Action::Back],
        }
    }

    /// Pasted text (the export's file name).
    pub fn paste(&mut self, text: &str) {
        if let Some(f) = &mut self.export {
            f.paste(text);
        }
    }

    /// Draws it over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let h = &self.head;
        let rect = centered(area, area.width, area.height);
        let title = i.f(
            "team.ledger_title",
            &[
                ("id", &h.id.to_string()),
                ("date", &h.date.map(|d| d.to_string()).unwrap_or_default()),
                ("from", &h.from),
                ("reason", i.t(h.reason.label_key())),
            ],
        );
        let inner = popup(f, rect, &title, v.theme);
        let name_w = usize::from(
            inner
                .width
                .saturating_sub(2 + 11 + 8 + 16 + 5 + 5 + 5 + 10 + 8),
        )
        .max(6);
        let rows = self
            .lines
            .iter()
            .map(|l| {
                Row::new(vec![
                    Line::from(l.client_no.clone()),
                    Line::from(fit(&l.name, name_w)),
                    Line::from(i.t(l.tier.label_key()).to_string()),
                    Line::from(format_money(l.aum, "CNY"))
                        .alignment(ratatui::layout::Alignment::Right),
                    Line::from(l.open_tasks.to_string()),
                    Line::from(l.pending_complaints.to_string()),
                    Line::from(l.maturities_30d.to_string()),
                    Line::from(fit(&l.to, 10)),
                ])
            })
            .collect();
        ListTable {
            title: i.f(
                "team.ledger_lines",
                &[
                    ("n", &h.clients.to_string()),
                    ("aum", &format_money(h.aum, "CNY")),
                    ("by", &h.by),
                ],
            ),
            header: vec![
                i.t("col.client_no").into(),
                i.t("col.client_name").into(),
                i.t("col.tier").into(),
                i.t("col.aum").into(),
                i.t("team.col.tasks").into(),
                i.t("team.col.complaints").into(),
                i.t("team.col.maturities").into(),
                i.t("team.col.to").into(),
            ],
            widths: vec![
                Constraint::Length(11),
                Constraint::Min(6),
                Constraint::Length(8),
                Constraint::Length(16),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(10),
            ],
            rows,
            empty: "",
        }
        .draw(f, inner, &self.cursor, v);
        if let Some(form) = &self.export {
            form.draw(f, area, v);
        }
    }
}

/// An RM's request: a tier, a take-over or a product, with the reason.
#[derive(Debug)]
pub struct RequestForm {
    client_id: Option<i64>,
    popup: PopupForm,
}

impl RequestForm {
    /// The form for client `client` (id, number, name) the RM sees; `None`: a take-over
    /// of a client of another RM, named by number.
    pub fn new(ctx: &Ctx<'_>, client: Option<(i64, &str, &str)>) -> RequestForm {
        let i = ctx.i18n;
        let kinds: Vec<(String, String)> = match client {
            Some(_) => vec![RequestKind::Tier, RequestKind::Suitability],
            None => vec![RequestKind::TakeOver],
        }
        .into_iter()
        .map(|k| (k.code().to_string(), i.t(k.label_key()).to_string()))
        .collect();
        let tiers = Tier::ALL
            .iter()
            .map(|t| (t.code().to_string(), i.t(t.label_key()).to_string()))
            .collect();
        let mut fields = vec![Field::choice(
            "kind",
            i.t("request.field.kind"),
            kinds,
            "tier",
        )];
        match client {
            Some(_) => {
                fields.push(Field::choice(
                    "tier",
                    i.t("request.field.tier"),
                    tiers,
                    "core",
                ));
                fields.push(Field::text("product", i.t("request.field.product"), ""));
            }
            None => fields.push(Field::text("client", i.t("request.field.client_no"), "")),
        }
        fields.push(Field::text("reason", i.t("request.field.reason"), ""));
        let title = match client {
            Some((_, no, name)) => i.f(
                "request.title_client",
                &[("client", &format!("{no} {name}"))],
            ),
            None => i.t("request.title_take_over").to_string(),
        };
        let mut popup = PopupForm::new(title, fields);
        popup.note = Some(i.t("request.hint").to_string());
        RequestForm {
            client_id: client.map(|c| c.0),
            popup,
        }
    }

    /// Handles a key; Ctrl-S files the request.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> FormStep {
        if let Some(s) = step(popup_step(&mut self.popup, key, ctx)) {
            return s;
        }
        let ask = match (self.client_id, self.popup.value("kind")) {
            (Some(client_id), "suitability") => {
                let code = self.popup.value("product").trim().to_uppercase();
                let found = ctx
                    .store
                    .products(ctx.actor, &Default::default())
                    .map(|ps| ps.into_iter().find(|p| p.code == code).map(|p| p.id));
                match found {
                    Ok(Some(product_id)) => Ask::Suitability {
                        client_id,
                        product_id,
                    },
                    Ok(None) => {
                        self.popup.refused(
                            &crate::store::StoreError::invalid(
                                "product",
                                "err.visit.product_unknown",
                                "",
                            ),
                            ctx,
                        );
                        return FormStep::Open;
                    }
                    Err(e) => {
                        self.popup.refused(&e, ctx);
                        return FormStep::Open;
                    }
                }
            }
            (Some(client_id), _) => Ask::Tier {
                client_id,
                tier: self.popup.value("tier").parse().unwrap_or(Tier::General),
            },
            (None, _) => Ask::TakeOver {
                client_no: self.popup.value("client").to_string(),
            },
        };
        match ctx
            .store
            .file_request(ctx.actor, &ask, self.popup.value("reason"))
        {
            Ok(id) => {
                ctx.info(
                    ctx.i18n
                        .f("status.request_filed", &[("id", &id.to_string())]),
                );
                FormStep::Saved
            }
            Err(crate::store::StoreError::NotFound) => {
                self.popup.refused(
                    &crate::store::StoreError::invalid("client", "err.client.no_match", ""),
                    ctx,
                );
                FormStep::Open
            }
            Err(e) => {
                self.popup.refused(&e, ctx);
                FormStep::Open
            }
        }
    }

    /// Its keys.
    pub fn commands(&self) -> Vec<Action> {
        self.popup.commands()
    }

    /// Pasted text.
    pub fn paste(&mut self, text: &str) {
        self.popup.paste(text);
    }

    /// Whether something typed would be lost.
    pub fn is_dirty(&self) -> bool {
        self.popup.is_dirty()
    }

    /// Draws it.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        self.popup.draw(f, area, v);
    }
}
